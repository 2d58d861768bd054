//! Reading a campaign's `settings`: its own behaviour, how it tightens its accounts' governor
//! policies (`governor`), and whether it invites again after a withdrawal
//! (`retry_after_withdrawal`).

use overture_core::governor::Tightening;
use overture_core::sequence::{CampaignSettings, RetryAfterWithdrawal, StepKind};

use crate::diagnostic::{Pos, Report};
use crate::node::{self, Node, Within};
use crate::steps::{self, ParsedStep};

/// The keys of `settings`.
pub(crate) const SETTINGS_KEYS: [&str; 5] = [
    "stop_on_reply",
    "skip_if_contacted_by_any_campaign",
    "priority",
    "governor",
    "retry_after_withdrawal",
];

/// The keys of `settings.governor`: what a campaign may tighten.
const GOVERNOR_KEYS: [&str; 4] = [
    "max_pending",
    "withdraw_after",
    "smart_threshold",
    "min_age",
];

/// The most invitations a lead may get again after the first.
const MAX_RETRIES: i64 = 3;

/// The settings as read, with where the parts checked against the steps were written.
#[derive(Debug, Default)]
pub(crate) struct Read {
    pub(crate) settings: CampaignSettings,
    /// Where `retry_after_withdrawal` and its `note_variant` are.
    retry_at: Option<Pos>,
    variant_at: Option<Pos>,
}

/// Reads `settings`; `None` when anything was reported.
pub(crate) fn read_settings(value: &Node<'_>, report: &mut Report<'_>) -> Option<Read> {
    let misplaced = |key: &str| {
        (key == "limits").then(|| {
            "per-campaign limits are not supported yet; the accounts' limits apply".to_owned()
        })
    };
    let shape = Within {
        title: "`settings`",
        suffix: " in `settings`",
        example: "settings: { stop_on_reply: true }",
        misplaced: &misplaced,
    };
    let errors_before = report.count();
    let fields = node::fields(value, report, &SETTINGS_KEYS, &shape)?;
    let defaults = CampaignSettings::default();
    let flag = |report: &mut Report<'_>, key: &str, default: bool| match fields.get(key) {
        Some(v) => node::boolean(v, report, key),
        None => Some(default),
    };
    let stop_on_reply = flag(report, "stop_on_reply", defaults.stop_on_reply);
    let skip = flag(
        report,
        "skip_if_contacted_by_any_campaign",
        defaults.skip_if_contacted_by_any_campaign,
    );
    let priority = match fields.get("priority") {
        Some(v) => node::integer(v, report, "priority").and_then(|n| {
            let fits = i32::try_from(n).ok();
            if fits.is_none() {
                report.error(
                    node::pos(v),
                    "`priority` is out of range (use a small number like 10)",
                );
            }
            fits
        }),
        None => Some(defaults.priority),
    };
    let governor = match fields.get("governor") {
        Some(v) if !node::is_null(v) => read_governor(v, report),
        _ => Some(Tightening::default()),
    };
    let mut read = Read::default();
    let retry = match fields.get("retry_after_withdrawal") {
        Some(v) if !node::is_null(v) => {
            read.retry_at = Some(node::pos(v));
            read_retry(v, report, &mut read.variant_at).map(Some)
        }
        _ => Some(None),
    };
    if report.count() > errors_before {
        return None;
    }
    read.settings = CampaignSettings {
        stop_on_reply: stop_on_reply?,
        skip_if_contacted_by_any_campaign: skip?,
        priority: priority?,
        governor: governor?,
        retry_after_withdrawal: retry?,
    };
    Some(read)
}

/// Reads `settings.governor`: the fields of the accounts' policies the campaign tightens.
fn read_governor(value: &Node<'_>, report: &mut Report<'_>) -> Option<Tightening> {
    let misplaced = |key: &str| match key {
        "withdrawals_per_day" | "govern_manual_invites" | "make_room" => Some(format!(
            "`{key}` is the account's own setting; change it with \
             `overture account set NAME --governor {key}=…`"
        )),
        "smart" => Some(
            "give `smart_threshold` to withdraw this campaign's unlikely invitations; a \
             campaign cannot turn the account's smart withdrawal off"
                .to_owned(),
        ),
        _ => None,
    };
    let shape = Within {
        title: "`governor`",
        suffix: " in `governor`",
        example: "governor: { max_pending: 200, withdraw_after: 30d }",
        misplaced: &misplaced,
    };
    let errors_before = report.count();
    let fields = node::fields(value, report, &GOVERNOR_KEYS, &shape)?;
    let max_pending = fields.get("max_pending").and_then(|v| {
        let n = node::integer(v, report, "max_pending")?;
        let fits = u32::try_from(n).ok().filter(|&n| n > 0);
        if fits.is_none() {
            report.error(
                node::pos(v),
                "`max_pending` must be a whole number from 1 (like 200); to send no more \
                 invitations, pause the campaign",
            );
        }
        fits
    });
    let withdraw_after = fields
        .get("withdraw_after")
        .and_then(|v| steps::read_duration(v, report, "withdraw_after"));
    let min_age = fields
        .get("min_age")
        .and_then(|v| steps::read_duration(v, report, "min_age"));
    let smart_threshold = fields
        .get("smart_threshold")
        .and_then(|v| read_probability(v, report, "smart_threshold"));
    if report.count() > errors_before {
        return None;
    }
    Some(Tightening {
        max_pending,
        withdraw_after,
        smart_threshold,
        min_age,
    })
}

/// A probability written as a decimal (`0.02`) or a percentage (`2%`).
fn read_probability(value: &Node<'_>, report: &mut Report<'_>, what: &str) -> Option<f64> {
    let text = node::scalar_text(value).unwrap_or_default();
    let text = text.trim();
    let parsed = match text.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().ok().map(|p| p / 100.0),
        None => text.parse::<f64>().ok(),
    };
    let probability = parsed.filter(|p| (0.0..=1.0).contains(p));
    if probability.is_none() {
        report.error(
            node::pos(value),
            format!(
                "`{what}` must be a probability between 0 and 1, like 0.02 or 2%, found {}",
                if text.is_empty() {
                    node::describe(value).to_owned()
                } else {
                    format!("`{text}`")
                }
            ),
        );
    }
    probability
}

/// Reads `settings.retry_after_withdrawal`; `variant_at` gets where `note_variant` is.
fn read_retry(
    value: &Node<'_>,
    report: &mut Report<'_>,
    variant_at: &mut Option<Pos>,
) -> Option<RetryAfterWithdrawal> {
    let shape = Within {
        title: "`retry_after_withdrawal`",
        suffix: " in `retry_after_withdrawal`",
        example: "retry_after_withdrawal: { max_attempts: 1 }",
        misplaced: &|_| None,
    };
    let errors_before = report.count();
    let fields = node::fields(value, report, &["max_attempts", "note_variant"], &shape)?;
    let max_attempts = fields
        .require(
            report,
            "max_attempts",
            "`retry_after_withdrawal` needs `max_attempts`, like `{ max_attempts: 1 }`",
        )
        .and_then(|v| {
            let n = node::integer(v, report, "max_attempts")?;
            let fits = (1..=MAX_RETRIES)
                .contains(&n)
                .then(|| u32::try_from(n).ok())
                .flatten();
            if fits.is_none() {
                report.error(
                    node::pos(v),
                    format!(
                        "`max_attempts` must be from 1 to {MAX_RETRIES}: a person who ignored \
                         that many invitations will not accept another"
                    ),
                );
            }
            fits
        });
    let note_variant = fields.get("note_variant").and_then(|v| {
        *variant_at = Some(node::pos(v));
        let n = node::integer(v, report, "note_variant")?;
        let index = u32::try_from(n).ok().and_then(|n| n.checked_sub(1));
        if index.is_none() {
            report.error(
                node::pos(v),
                "`note_variant` counts the invite's notes from 1 (1 is the first note)",
            );
        }
        index
    });
    if report.count() > errors_before {
        return None;
    }
    Some(RetryAfterWithdrawal {
        max_attempts: max_attempts?,
        note_variant,
    })
}

/// Checks `retry_after_withdrawal` against the steps: it needs a `wait_for_acceptance` (only a
/// lead waiting there is invited again), and its `note_variant` must be one of every `invite`
/// step's notes.
pub(crate) fn check_retry(read: &Read, steps: &[ParsedStep], report: &mut Report<'_>) {
    let Some(retry) = &read.settings.retry_after_withdrawal else {
        return;
    };
    let waits = steps
        .iter()
        .any(|s| matches!(s.kind, Some(StepKind::WaitForAcceptance(_))));
    if !waits && let Some(at) = read.retry_at {
        report.error(
            at,
            "`retry_after_withdrawal` needs a `wait_for_acceptance` step: it invites again a \
             lead whose invitation was withdrawn while the campaign waited for it",
        );
    }
    let (Some(index), Some(at)) = (retry.note_variant, read.variant_at) else {
        return;
    };
    for step in steps {
        let Some(StepKind::Invite(invite)) = &step.kind else {
            continue;
        };
        let count = invite.notes.len();
        if usize::try_from(index).unwrap_or(usize::MAX) >= count {
            let line = step.pos.line;
            let message = match count {
                0 => format!(
                    "`note_variant` {}: the `invite` on line {line} has no note",
                    index + 1
                ),
                1 => format!(
                    "`note_variant` {}: the `invite` on line {line} has one note (use 1, or add variants)",
                    index + 1
                ),
                n => format!(
                    "`note_variant` {}: the `invite` on line {line} has {n} notes (use 1 to {n})",
                    index + 1
                ),
            };
            report.error(at, message);
        }
    }
}
