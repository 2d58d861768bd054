//! Any bytes through the LinkedIn data export parsers and the analysis: nothing may panic.
//!
//! The first byte chooses what the rest is: one of the four CSV files (the others valid), all
//! four files separated by `\n@@\n`, a zip archive, or text for the date parsers.

#![no_main]

use std::io::Cursor;

use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;
use overture_core::account::Zone;
use overture_import::export::{
    AnalysisOptions, ExportFiles, analyze, dates, parse_export, write_withdraw_list,
};

const NAMES: [&str; 4] = [
    "Connections.csv",
    "Invitations.csv",
    "messages.csv",
    "Profile.csv",
];

const VALID: [&[u8]; 4] = [
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
      Ana,Example,https://www.linkedin.com/in/ana-example,,,,08 Feb 2026\n",
    b"From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n\
      Sam Example,Ben Sample,\"1/29/26, 2:37 PM\",,OUTGOING,,https://www.linkedin.com/in/ben\n",
    b"CONVERSATION ID,FROM,SENDER PROFILE URL,DATE\nc1,Sam Example,,2026-02-09 14:03:11 UTC\n",
    b"First Name,Last Name\nSam,Example\n",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let zone = Zone::parse("Europe/Berlin").unwrap_or_else(|_| Zone::utc());
    match selector % 8 {
        kind @ 0..=3 => {
            let files = NAMES
                .iter()
                .zip(VALID)
                .enumerate()
                .map(|(i, (name, valid))| {
                    let bytes = if i == usize::from(kind) { rest } else { valid };
                    (*name, bytes.to_vec())
                });
            check(&ExportFiles::from_memory("fuzz", files), &zone);
        }
        4 | 5 => {
            let mut parts = split(rest).into_iter();
            let files = NAMES
                .iter()
                .map(|name| (*name, parts.next().unwrap_or_default().to_vec()));
            check(&ExportFiles::from_memory("fuzz", files), &zone);
        }
        6 => {
            if let Ok(files) = ExportFiles::from_zip(Cursor::new(rest), "fuzz.zip") {
                check(&files, &zone);
            }
        }
        _ => {
            let text = String::from_utf8_lossy(rest);
            let _ = dates::connected_on(&text);
            let _ = dates::sent_at(&text, zone.tz());
            let _ = dates::sent_at(&text, &TimeZone::UTC);
            let _ = dates::message_date(&text);
        }
    }
});

/// Parses and analyses, and writes the withdrawal list.
fn check(files: &ExportFiles, zone: &Zone) {
    let Ok(export) = parse_export(files, zone.tz()) else {
        return;
    };
    let now = jiff::Timestamp::from_second(1_795_000_000).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let analysis = analyze(&export, now, zone, &AnalysisOptions::default());
    let out = &analysis.invitations.outgoing;
    assert_eq!(out.accepted + out.pending, out.total);
    let _ = write_withdraw_list(
        &analysis.recommended_withdrawals,
        zone.tz(),
        std::io::sink(),
    );
}

/// The parts of `bytes` between `\n@@\n` separators.
fn split(bytes: &[u8]) -> Vec<&[u8]> {
    const SEPARATOR: &[u8] = b"\n@@\n";
    let mut parts = Vec::new();
    let mut rest = bytes;
    while let Some(at) = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        parts.push(&rest[..at]);
        rest = &rest[at + SEPARATOR.len()..];
    }
    parts.push(rest);
    parts
}
