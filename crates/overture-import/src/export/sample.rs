//! Realistic, fictional LinkedIn data exports of any size, for benchmarks and for trying the
//! analysis at scale.
//!
//! The files look like a 2026 export: the note before the `Connections.csv` header, URL
//! columns, hidden members, quoted commas and line breaks in company and position, and a fully
//! quoted `messages.csv` whose content holds line breaks. Every name is made up; the output
//! depends only on the sizes and the seed.

use std::fmt::Write as _;

use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};

use crate::sample::{COMPANIES, FIRST, LAST, SplitMix64, TITLES, ascii, quote};

/// How big an export to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportSize {
    /// Rows of `Connections.csv` (about one in a hundred a hidden member).
    pub connections: usize,
    /// Rows of `Invitations.csv` (four in five sent, two in five of those accepted).
    pub invitations: usize,
    /// Rows of `messages.csv` (about ten per conversation).
    pub messages: usize,
}

/// The files of a fictional export, as LinkedIn names them, with `Sent At` written as clock
/// times in `tz`; the newest date in it is the day before 2026-11-26.
pub fn generate_export(size: ExportSize, seed: u64, tz: &TimeZone) -> Vec<(&'static str, Vec<u8>)> {
    let mut rng = SplitMix64(seed);
    let owner = "https://www.linkedin.com/in/sam-example-owner";
    let first_day = date(2015, 1, 1);
    let last_day = date(2026, 11, 25);
    let span = last_day.since(first_day).map_or(1, |s| s.get_days()).max(1);
    let person = |i: usize| {
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i / FIRST.len()) % LAST.len()];
        let slug = format!("{}-{}-{}", ascii(first), ascii(last), 100_000 + i);
        (first, last, slug)
    };

    let mut connections = String::with_capacity(size.connections * 120);
    connections.push_str(
        "Notes:\n\"When exporting your connection data, you may notice that some of the email \
         addresses are missing. You will only see email addresses for connections who have \
         allowed their connections to see or download their email address using this setting \
         https://www.linkedin.com/psettings/privacy/email. You can learn more here \
         https://www.linkedin.com/help/linkedin/answer/261\"\n\n\
         First Name,Last Name,URL,Email Address,Company,Position,Connected On\n",
    );
    for i in 0..size.connections {
        let r = rng.next();
        let day = first_day
            .saturating_add(Span::new().days((r % span as u64) as i64))
            .strftime("%d %b %Y")
            .to_string();
        if (r >> 8).is_multiple_of(100) {
            let _ = writeln!(connections, ",,,,,,{day}");
            continue;
        }
        let (first, last, slug) = person(i);
        let email = if (r >> 16).is_multiple_of(20) {
            format!("{}.{}{i}@example.com", ascii(first), ascii(last))
        } else {
            String::new()
        };
        let company = COMPANIES[(r >> 24) as usize % COMPANIES.len()];
        let company = if (r >> 32).is_multiple_of(50) {
            format!("{company}\nEMEA office")
        } else {
            company.to_owned()
        };
        let title = TITLES[(r >> 40) as usize % TITLES.len()];
        let _ = writeln!(
            connections,
            "{first},{last},https://www.linkedin.com/in/{slug},{email},{},{},{day}",
            quote(&company),
            quote(title)
        );
    }

    let mut invitations = String::with_capacity(size.invitations * 160);
    invitations.push_str("From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n");
    let newest = tz
        .to_timestamp(last_day.at(20, 0, 0, 0))
        .unwrap_or(Timestamp::UNIX_EPOCH);
    for i in 0..size.invitations {
        let r = rng.next();
        let sent = newest - SignedDuration::from_mins((r % (400 * 24 * 60)) as i64);
        let sent = tz
            .to_datetime(sent)
            .strftime("%-m/%-d/%y, %-I:%M %p")
            .to_string();
        // Accepted ones name a connection; pending ones someone else.
        let other = if (r >> 32) % 5 < 2 && size.connections > 0 {
            (r >> 8) as usize % size.connections
        } else {
            size.connections + i
        };
        let (first, last, slug) = person(other);
        let url = format!("https://www.linkedin.com/in/{slug}");
        if (r >> 40).is_multiple_of(5) {
            let _ = writeln!(
                invitations,
                "{first} {last},Sam Example,\"{sent}\",,INCOMING,{url},{owner}"
            );
        } else {
            let note = if (r >> 48).is_multiple_of(4) {
                "\"Hi, we met at the example fair, glad to connect.\""
            } else {
                ""
            };
            let _ = writeln!(
                invitations,
                "Sam Example,{first} {last},\"{sent}\",{note},OUTGOING,{owner},{url}"
            );
        }
    }

    let mut messages = String::with_capacity(size.messages * 330);
    messages.push_str(
        "\"CONVERSATION ID\",\"CONVERSATION TITLE\",\"FROM\",\"SENDER PROFILE URL\",\"TO\",\
         \"RECIPIENT PROFILE URLS\",\"DATE\",\"SUBJECT\",\"CONTENT\",\"FOLDER\",\"ATTACHMENTS\",\
         \"IS MESSAGE DRAFT\",\"IS CONVERSATION DRAFT\"\n",
    );
    let conversations = (size.messages / 10).max(1);
    let start = Timestamp::from_second(1_577_836_800).unwrap_or(Timestamp::UNIX_EPOCH);
    for _ in 0..size.messages {
        let r = rng.next();
        let conversation = (r % conversations as u64) as usize;
        let (first, last, slug) = person(conversation % size.connections.max(1));
        let url = format!("https://www.linkedin.com/in/{slug}");
        let at = start + SignedDuration::from_secs((r >> 16) as i64 % 220_000_000);
        let when = at.strftime("%Y-%m-%d %H:%M:%S UTC");
        let ((from, from_url), (to, to_url)) = if (r >> 8).is_multiple_of(2) {
            (
                ("Sam Example".to_owned(), owner.to_owned()),
                (format!("{first} {last}"), url),
            )
        } else {
            (
                (format!("{first} {last}"), url),
                ("Sam Example".to_owned(), owner.to_owned()),
            )
        };
        let _ = writeln!(
            messages,
            "\"2-{:016x}\",\"\",\"{from}\",\"{from_url}\",\"{to}\",\"{to_url}\",\"{when}\",\
             \"\",\"Hello {first},\n\nthanks for the \"\"quick\"\" reply, see you at the example \
             meetup.\nBest regards\",\"INBOX\",\"\",\"No\",\"No\"",
            conversation as u64 * 0x9E37_79B9
        );
    }

    let profile = "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,\
                   Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n\
                   Sam,Example,,,,Founder at Example Outreach,,Software Development,,\
                   \"Berlin, Germany\",,,\n";
    vec![
        ("Connections.csv", connections.into_bytes()),
        ("Invitations.csv", invitations.into_bytes()),
        ("messages.csv", messages.into_bytes()),
        ("Profile.csv", profile.as_bytes().to_vec()),
    ]
}
