//! Property tests: the parsers take any bytes without panicking, ages are whole days rounded
//! down, and the analysis's counts always add up.

use std::fmt::Write as _;
use std::io::Cursor;

use jiff::Timestamp;
use overture_import::export::{AnalysisOptions, ExportFiles, age_days, analyze, parse_export};
use proptest::prelude::*;

use super::{instant, zone};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Bytes that look like CSV often enough to reach past the header search.
fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        &b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"[..],
        b"From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n",
        b"CONVERSATION ID,FROM,SENDER PROFILE URL,DATE,IS MESSAGE DRAFT\n",
        b"\"1/29/26, 2:37 PM\"",
        b"08 Feb 2026",
        b"4-Apr-21",
        b"2026-02-09 14:03:11 UTC",
        b"OUTGOING",
        b"INCOMING",
        b"https://www.linkedin.com/in/ana-example",
        b"Ana",
        b",",
        b"\"",
        b"\n",
        b"\r\n",
        b"\xEF\xBB\xBF",
        b"\xff",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
}

fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![prop::collection::vec(any::<u8>(), 0..300), csv_like()]
}

proptest! {
    #[test]
    fn parsing_never_panics(
        connections in any_bytes(),
        invitations in any_bytes(),
        messages in any_bytes(),
        profile in any_bytes(),
    ) {
        let files = ExportFiles::from_memory("fuzz", [
            ("Connections.csv", connections),
            ("Invitations.csv", invitations),
            ("messages.csv", messages),
            ("Profile.csv", profile),
        ]);
        if let Ok(export) = parse_export(&files, zone("Europe/Berlin").tz()) {
            let analysis = analyze(
                &export,
                instant("2026-11-26T12:00:00Z"),
                &zone("Europe/Berlin"),
                &AnalysisOptions::default(),
            );
            let out = &analysis.invitations.outgoing;
            prop_assert_eq!(out.accepted + out.pending, out.total);
        }
    }

    #[test]
    fn unpacking_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = ExportFiles::from_zip(Cursor::new(bytes), "fuzz.zip");
    }

    #[test]
    fn ages_are_whole_days_rounded_down(
        sent in -10_000_000_000_000i64..10_000_000_000_000,
        delta in -1_000_000_000_000i64..1_000_000_000_000,
    ) {
        let sent_at = Timestamp::from_millisecond(sent).unwrap();
        let now = Timestamp::from_millisecond(sent + delta).unwrap();
        let age = age_days(sent_at, now);
        prop_assert!(age * DAY_MS <= delta && delta < (age + 1) * DAY_MS, "{age} days for {delta} ms");
    }

    #[test]
    fn the_analysis_adds_up(
        connected in prop::collection::vec((0u8..40, any::<bool>()), 0..40),
        invited in prop::collection::vec((0u8..60, 0u32..400, any::<bool>(), any::<bool>()), 0..60),
        withdraw_after in 0u32..120,
    ) {
        let mut connections = String::from("First Name,Last Name,URL,Connected On\n");
        for (person, hidden) in &connected {
            if *hidden {
                connections.push_str(",,,08 Feb 2026\n");
            } else {
                let _ = writeln!(connections, "P{person},Example,linkedin.com/in/p{person},08 Feb 2026");
            }
        }
        let mut invitations = String::from("From,To,Sent At,Direction,inviteeProfileUrl,inviterProfileUrl\n");
        for (person, days_ago, outgoing, with_url) in &invited {
            let sent = instant("2026-11-26T12:00:00Z") - jiff::SignedDuration::from_hours(i64::from(*days_ago) * 24 + 1);
            let sent = jiff::tz::TimeZone::UTC.to_datetime(sent).strftime("%-m/%-d/%y, %-I:%M %p");
            let url = if *with_url { format!("linkedin.com/in/p{person}") } else { String::new() };
            let (direction, invitee, inviter) = if *outgoing {
                ("OUTGOING", url.as_str(), "")
            } else {
                ("INCOMING", "", url.as_str())
            };
            let _ = writeln!(invitations, "Owner,P{person} Example,\"{sent}\",{direction},{invitee},{inviter}");
        }
        let files = ExportFiles::from_memory("generated", [
            ("Connections.csv", connections.into_bytes()),
            ("Invitations.csv", invitations.into_bytes()),
        ]);
        let export = parse_export(&files, &jiff::tz::TimeZone::UTC).unwrap();
        let options = AnalysisOptions { withdraw_after_days: withdraw_after, ..AnalysisOptions::default() };
        let a = analyze(&export, instant("2026-11-26T12:00:00Z"), &zone("UTC"), &options);

        let out = &a.invitations.outgoing;
        prop_assert_eq!(out.accepted + out.pending, out.total);
        prop_assert!(out.matched_by_name <= out.accepted);
        prop_assert_eq!(out.pending_by_age_days.values().sum::<u32>(), out.pending);
        prop_assert_eq!(out.pending_by_age_days.len(), 6);
        prop_assert!(a.invitations.incoming.pending <= a.invitations.incoming.total);
        prop_assert_eq!(a.connections.total as usize, connected.len());
        prop_assert_eq!(a.connections.by_month.values().sum::<u32>(), a.connections.total);
        let expected = invited
            .iter()
            .filter(|(person, days_ago, outgoing, _)| {
                *outgoing && *days_ago >= withdraw_after
                    && !connected.iter().any(|(p, hidden)| !hidden && p == person)
            })
            .count();
        prop_assert_eq!(a.recommended_withdrawals.len(), expected);
        for pair in a.recommended_withdrawals.windows(2) {
            prop_assert!(pair[0].invitation.sent_at <= pair[1].invitation.sent_at, "oldest first");
        }
        for w in &a.recommended_withdrawals {
            prop_assert!(w.invitation.age_days >= i64::from(withdraw_after));
        }
    }
}

#[test]
fn the_generated_sample_export_parses_with_its_sizes() {
    use overture_import::export::sample::{ExportSize, generate_export};
    let size = ExportSize {
        connections: 300,
        invitations: 50,
        messages: 2_000,
    };
    let files = ExportFiles::from_memory("sample", generate_export(size, 7, zone("UTC").tz()));
    let export = parse_export(&files, zone("UTC").tz()).unwrap();
    let a = analyze(
        &export,
        instant("2026-11-26T12:00:00Z"),
        &zone("UTC"),
        &AnalysisOptions::default(),
    );
    assert_eq!(a.connections.total, 300);
    assert!(a.connections.hidden > 0 && a.connections.hidden < 15);
    let out = &a.invitations.outgoing;
    assert_eq!(out.total + a.invitations.incoming.total, 50);
    assert!(out.accepted > 0 && out.pending > 0, "{out:?}");
    let m = a.messages.unwrap();
    assert!(m.conversations > 150 && m.conversations <= 200, "{m:?}");
    assert!(m.started_by_you > 0 && m.answered > 0, "{m:?}");
    assert_eq!(a.owner.unwrap().name.as_deref(), Some("Sam Example"));
}
