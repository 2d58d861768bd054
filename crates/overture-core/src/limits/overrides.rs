//! Changing one limit by name, as `overture account set --limit invite.per_day=15` does.

use jiff::SignedDuration;

use super::{AccountLimits, KindLimit, LimitsError, NoteQuota};
use crate::account::Tier;
use crate::action::ActionKind;

/// A `KEY=VALUE` limit change that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitOverrideError {
    /// Not of the form `KEY=VALUE`.
    #[error("`{given}` is not KEY=VALUE (for example invite.per_day=15)")]
    NotKeyValue {
        /// What was given.
        given: String,
    },
    /// The key names no limit.
    #[error(
        "unknown limit `{key}` (use KIND.per_day, KIND.per_week, KIND.min_spacing, KIND.jitter, \
         KIND=on|off, warm_up.start_percent, warm_up.ramp_days or note_quota.per_30_days; \
         KIND is one of {kinds})",
        kinds = ActionKind::ALL.map(ActionKind::as_str).join(", ")
    )]
    UnknownKey {
        /// The key given.
        key: String,
    },
    /// The value does not fit the key.
    #[error("`{key}`: `{value}` is not {expected}")]
    BadValue {
        /// The key given.
        key: String,
        /// The value given.
        value: String,
        /// What the key takes.
        expected: &'static str,
    },
    /// The kind is switched off, so its fields cannot be set.
    #[error("`{kind}` is off on this account; turn it on first with {kind}=on")]
    KindOff {
        /// The kind.
        kind: ActionKind,
    },
    /// The result is not a valid set of limits.
    #[error(transparent)]
    Invalid(#[from] LimitsError),
}

impl AccountLimits {
    /// Applies one `KEY=VALUE` change. `KIND=on` restores the tier's default for that kind,
    /// `KIND=off` forbids the kind; `note_quota.per_30_days=none` removes the quota. The limits
    /// are unchanged when the change is refused.
    pub fn apply_override(&mut self, tier: Tier, change: &str) -> Result<(), LimitOverrideError> {
        let (key, value) = change
            .split_once('=')
            .map(|(k, v)| (k.trim(), v.trim()))
            .ok_or_else(|| LimitOverrideError::NotKeyValue {
                given: change.to_owned(),
            })?;
        let bad = |expected| LimitOverrideError::BadValue {
            key: key.to_owned(),
            value: value.to_owned(),
            expected,
        };
        let count = || value.parse::<u32>().map_err(|_| bad("a whole number"));
        let unknown = || LimitOverrideError::UnknownKey {
            key: key.to_owned(),
        };
        let mut next = self.clone();
        match key.split_once('.') {
            Some(("warm_up", "start_percent")) => {
                next.warm_up.start_percent = value
                    .parse::<u8>()
                    .map_err(|_| bad("a percentage from 0 to 100"))?;
            }
            Some(("warm_up", "ramp_days")) => next.warm_up.ramp_days = count()?,
            Some(("note_quota", "per_30_days")) => {
                next.note_quota = if value.eq_ignore_ascii_case("none") {
                    None
                } else {
                    Some(NoteQuota {
                        per_30_days: count()?,
                    })
                };
            }
            Some((kind, field)) => {
                let kind: ActionKind = kind.parse().map_err(|_| unknown())?;
                let limit = next
                    .kinds
                    .get_mut(&kind)
                    .ok_or(LimitOverrideError::KindOff { kind })?;
                let duration = || {
                    value
                        .parse::<SignedDuration>()
                        .map_err(|_| bad("a duration such as 90s, 3m or 1h"))
                };
                match field {
                    "per_day" => limit.per_day = count()?,
                    "per_week" => limit.per_week = count()?,
                    "min_spacing" => limit.min_spacing = duration()?,
                    "jitter" => limit.jitter = duration()?,
                    _ => return Err(unknown()),
                }
            }
            None => {
                let kind: ActionKind = key.parse().map_err(|_| unknown())?;
                match value {
                    "off" => {
                        next.kinds.remove(&kind);
                    }
                    "on" => {
                        let default: KindLimit = AccountLimits::for_tier(tier).kinds[&kind];
                        next.kinds.entry(kind).or_insert(default);
                    }
                    _ => return Err(bad("on or off")),
                }
            }
        }
        next.validate()?;
        *self = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(change: &str, expected: Result<&str, &str>) {
        let mut limits = AccountLimits::for_tier(Tier::Free);
        let before = limits.clone();
        match (limits.apply_override(Tier::Free, change), expected) {
            (Ok(()), Ok(probe)) => {
                let json = serde_json::to_value(&limits).unwrap();
                let (path, want) = probe.split_once(" == ").unwrap();
                let got = json.pointer(path).unwrap_or(&serde_json::Value::Null);
                assert_eq!(got.to_string(), want, "{change}: {path}");
            }
            (Err(e), Err(fragment)) => {
                assert!(e.to_string().contains(fragment), "{change}: {e}");
                assert_eq!(limits, before, "{change}: a refused change changes nothing");
            }
            (got, want) => panic!("{change}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    #[rustfmt::skip]
    fn overrides() {
        check("invite.per_day=15", Ok("/kinds/invite/per_day == 15"));
        check(" invite.per_week = 80 ", Ok("/kinds/invite/per_week == 80"));
        check("visit.min_spacing=90s", Ok("/kinds/visit/min_spacing == \"1m 30s\""));
        check("message.jitter=PT2M", Ok("/kinds/message/jitter == \"2m\""));
        check("warm_up.start_percent=50", Ok("/warm_up/start_percent == 50"));
        check("warm_up.ramp_days=0", Ok("/warm_up/ramp_days == 0"));
        check("note_quota.per_30_days=none", Ok("/note_quota == null"));
        check("note_quota.per_30_days=3", Ok("/note_quota/per_30_days == 3"));
        check("follow=off", Ok("/kinds/follow == null"));
        check("invite.per_day=-1", Err("not a whole number"));
        check("invite.per_day", Err("not KEY=VALUE"));
        check("invite.per_month=3", Err("unknown limit `invite.per_month`"));
        check("teleport.per_day=3", Err("unknown limit"));
        check("visit.min_spacing=soon", Err("a duration such as"));
        check("visit.min_spacing=-5m", Err("negative"));
        check("warm_up.start_percent=150", Err("between 0 and 100"));
        check("follow=maybe", Err("on or off"));
    }

    #[test]
    fn a_kind_turned_off_refuses_fields_until_turned_on_with_tier_defaults() {
        let mut limits = AccountLimits::for_tier(Tier::Premium);
        limits.apply_override(Tier::Premium, "invite=off").unwrap();
        assert_eq!(
            limits.apply_override(Tier::Premium, "invite.per_day=5"),
            Err(LimitOverrideError::KindOff {
                kind: ActionKind::Invite
            })
        );
        limits.apply_override(Tier::Premium, "invite=on").unwrap();
        assert_eq!(limits.kinds[&ActionKind::Invite].per_week, 180);
    }
}
