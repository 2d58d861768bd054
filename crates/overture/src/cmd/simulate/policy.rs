//! The policies `overture simulate` compares, as written on its command line.
//!
//! Every policy runs on the real governor ([`Policy`]); the vendor rules are governor settings
//! that turn its smart parts off:
//!
//! | written | means | as governor settings |
//! |---|---|---|
//! | `none` | never withdraw | daily budget 0, no cap |
//! | `age:D` | withdraw every invitation older than `D` | `withdraw_after = D`, no cap, smart off, no `min_age` |
//! | `cap:N:K` | keep at most `N` pending; at `N`, withdraw the `K` oldest a day | `max_pending = N`, `make_room`, budget `K`, smart off, no age rule |
//! | `smart` | Overture's default policy | [`Policy::default`] |
//! | `smart:K=V,…` | the default policy with changes | [`Policy::apply_override`] for each `K=V` |

use jiff::SignedDuration;
use overture_core::governor::Policy;

use crate::error::{CliError, CliResult};
use crate::output::duration;

/// The policies compared when none is given.
pub const DEFAULTS: [&str; 6] = [
    "none",
    "age:7d",
    "age:20d",
    "age:30d",
    "cap:500:32",
    "smart",
];

/// An age no invitation reaches in a simulation: "no age rule".
const NEVER: SignedDuration = SignedDuration::from_hours(24 * 365 * 100);

/// One policy to compare: its name as written and the governor settings that carry it out.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPolicy {
    /// As written on the command line.
    pub name: String,
    /// The settings every seat runs with.
    pub policy: Policy,
}

/// Reads one `--policy` value.
pub fn parse(text: &str) -> CliResult<NamedPolicy> {
    let text = text.trim();
    let refuse = |why: &str| {
        CliError::input(format!(
            "--policy `{text}`: {why} (policies: none, age:7d, cap:500:32, smart, \
             smart:max_pending=300,smart_threshold=3%)"
        ))
    };
    let (kind, rest) = match text.split_once(':') {
        Some((kind, rest)) => (kind, Some(rest)),
        None => (text, None),
    };
    let policy = match (kind, rest) {
        ("none", None) => Policy {
            max_pending: u32::MAX,
            withdraw_after: NEVER,
            smart: false,
            withdrawals_per_day: 0,
            make_room: false,
            ..Policy::default()
        },
        ("age", Some(age)) => Policy {
            max_pending: u32::MAX,
            withdraw_after: duration("--policy age", age)
                .map_err(|_| refuse("not a duration such as 7d, 36h or 2w"))?,
            smart: false,
            min_age: SignedDuration::ZERO,
            make_room: false,
            ..Policy::default()
        },
        ("cap", Some(rest)) => {
            let (max, per_day) = rest
                .split_once(':')
                .ok_or_else(|| refuse("write cap:MAX:PER_DAY, like cap:500:32"))?;
            let count = |s: &str| {
                s.trim()
                    .parse::<u32>()
                    .map_err(|_| refuse("MAX and PER_DAY are whole numbers"))
            };
            Policy {
                max_pending: count(max)?,
                withdraw_after: NEVER,
                smart: false,
                min_age: SignedDuration::ZERO,
                withdrawals_per_day: count(per_day)?,
                make_room: true,
                ..Policy::default()
            }
        }
        ("smart", changes) => {
            let mut policy = Policy::default();
            for change in changes.into_iter().flat_map(|c| c.split(',')) {
                policy
                    .apply_override(change)
                    .map_err(|e| CliError::input(format!("--policy `{text}`: {e}")))?;
            }
            policy
        }
        ("none", Some(_)) => return Err(refuse("`none` takes no parameters")),
        ("age" | "cap", None) => return Err(refuse("missing its parameters")),
        _ => return Err(refuse("unknown policy")),
    };
    Ok(NamedPolicy {
        name: text.to_owned(),
        policy,
    })
}

/// Reads every `--policy` value, or the defaults when none is given; a policy named twice is
/// refused.
pub fn parse_all(texts: &[String]) -> CliResult<Vec<NamedPolicy>> {
    let texts: Vec<&str> = if texts.is_empty() {
        DEFAULTS.to_vec()
    } else {
        texts.iter().map(String::as_str).collect()
    };
    let mut policies: Vec<NamedPolicy> = Vec::with_capacity(texts.len());
    for text in texts {
        let policy = parse(text)?;
        if policies.iter().any(|p| p.name == policy.name) {
            return Err(CliError::input(format!(
                "--policy `{}` is given twice",
                policy.name
            )));
        }
        policies.push(policy);
    }
    Ok(policies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_rules_turn_the_smart_parts_off() {
        let age = parse("age:20d").unwrap().policy;
        assert_eq!(age.withdraw_after, SignedDuration::from_hours(480));
        assert!(!age.smart && !age.make_room);
        assert_eq!(age.max_pending, u32::MAX);
        assert_eq!(age.min_age, SignedDuration::ZERO);

        let cap = parse("cap:500:32").unwrap().policy;
        assert_eq!((cap.max_pending, cap.withdrawals_per_day), (500, 32));
        assert!(cap.make_room && !cap.smart);
        assert!(cap.withdraw_after > SignedDuration::from_hours(24 * 3650));

        let none = parse("none").unwrap().policy;
        assert_eq!(none.withdrawals_per_day, 0);
        assert_eq!(none.max_pending, u32::MAX);
    }

    #[test]
    fn smart_is_the_default_policy_with_changes() {
        assert_eq!(parse("smart").unwrap().policy, Policy::default());
        let tuned = parse("smart:max_pending=300,smart_threshold=3%")
            .unwrap()
            .policy;
        assert_eq!(tuned.max_pending, 300);
        assert!((tuned.smart_threshold - 0.03).abs() < 1e-12);
    }

    #[test]
    fn mistakes_name_the_policy_and_what_is_accepted() {
        for (text, says) in [
            ("ages:7d", "unknown policy"),
            ("age", "missing its parameters"),
            ("age:soon", "not a duration"),
            ("cap:500", "cap:MAX:PER_DAY"),
            ("cap:many:32", "whole numbers"),
            ("none:1", "takes no parameters"),
            ("smart:colour=blue", "unknown key"),
        ] {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(text) && err.contains(says), "{text}: {err}");
        }
        let twice = parse_all(&["smart".into(), "smart".into()]).unwrap_err();
        assert!(twice.to_string().contains("given twice"), "{twice}");
        assert_eq!(parse_all(&[]).unwrap().len(), DEFAULTS.len());
    }
}
