//! The recommended withdrawals as a CSV file to work through by hand.

use std::io::{self, Write};

use jiff::tz::TimeZone;

use crate::export::analysis::Withdrawal;
use crate::rejected::neutralise;

/// Writes `withdrawals` as CSV with the columns `name`, `profile_url`, `sent_at` (the clock
/// time in `tz`, `2026-01-29 14:37`), `age_days` and `reinvite_on`. A cell that a spreadsheet
/// would run as a formula (it starts with `=`, `+`, `-`, `@`, tab or carriage return) gets a
/// leading `'`: names come from other people's profiles.
pub fn write_withdraw_list(
    withdrawals: &[Withdrawal],
    tz: &TimeZone,
    writer: impl Write,
) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(writer);
    out.write_record(["name", "profile_url", "sent_at", "age_days", "reinvite_on"])?;
    for w in withdrawals {
        let invitation = &w.invitation;
        let sent_at = tz
            .to_datetime(invitation.sent_at)
            .strftime("%Y-%m-%d %H:%M")
            .to_string();
        let cells = [
            invitation.name.clone(),
            invitation.profile_url.clone().unwrap_or_default(),
            sent_at,
            invitation.age_days.to_string(),
            w.reinvite_on.to_string(),
        ];
        out.write_record(cells.iter().map(|c| neutralise(c).into_owned()))?;
    }
    out.flush()
}
