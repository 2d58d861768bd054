//! One test per era and quirk, with the counts each fixture holds by construction.

use std::collections::BTreeMap;

use jiff::civil::date;
use overture_core::governor::AgeBucket;
use overture_import::export::{Analysis, OwnerSource};

use super::{analyse, export_dir, parse, sample_dir};

/// The counts of an analysis, in one value to compare.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    /// Connections: total, hidden members, with an email address.
    connections: [u32; 3],
    /// Outgoing invitations: total, accepted, pending, accepted by name.
    outgoing: [u32; 4],
    /// Pending outgoing invitations by age range, youngest first.
    ages: [u32; 6],
    /// Incoming invitations: total, pending.
    incoming: [u32; 2],
    /// Conversations, started by you, answered; `None` without `messages.csv`.
    messages: Option<[u32; 3]>,
    /// The recommended withdrawals' names and ages, in order.
    withdrawals: Vec<(String, i64)>,
}

fn counts(a: &Analysis) -> Counts {
    let (c, out, inc) = (
        &a.connections,
        &a.invitations.outgoing,
        &a.invitations.incoming,
    );
    Counts {
        connections: [c.total, c.hidden, c.with_email],
        outgoing: [out.total, out.accepted, out.pending, out.matched_by_name],
        ages: AgeBucket::ALL.map(|b| out.pending_by_age_days[&b]),
        incoming: [inc.total, inc.pending],
        messages: a
            .messages
            .as_ref()
            .map(|m| [m.conversations, m.started_by_you, m.answered]),
        withdrawals: a
            .recommended_withdrawals
            .iter()
            .map(|w| (w.invitation.name.clone(), w.invitation.age_days))
            .collect(),
    }
}

fn withdrawals(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
    pairs.iter().map(|(n, d)| ((*n).to_owned(), *d)).collect()
}

fn months(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(m, n)| ((*m).to_owned(), *n)).collect()
}

#[test]
fn era_2020_without_note_or_urls_matches_by_name() {
    let a = analyse(
        &export_dir("2020-no-preamble"),
        "2020-03-15T12:00:00Z",
        "America/New_York",
    );
    assert_eq!(
        counts(&a),
        Counts {
            connections: [4, 0, 1],
            // No URL anywhere: `Tomás Ejemplo` and `MARIA  MUSTER` are matched by name.
            outgoing: [5, 2, 3, 2],
            ages: [1, 0, 0, 1, 1, 0],
            incoming: [2, 1],
            // A nine-column messages.csv.
            messages: Some([3, 2, 1]),
            withdrawals: withdrawals(&[("Rosa Pending", 42), ("Sven Waiting", 23)]),
        }
    );
    assert_eq!(
        a.connections.by_month,
        months(&[
            ("2019-11", 1),
            ("2019-12", 1),
            ("2020-01", 1),
            ("2020-03", 1)
        ])
    );
    assert_eq!(
        a.recommended_withdrawals[0].invitation.sent_at,
        "2020-02-01T14:00:00Z".parse().unwrap(),
        "9:00 AM in New York in winter"
    );
    assert!(
        a.recommended_withdrawals[0]
            .invitation
            .profile_url
            .is_none()
    );
    let owner = a.owner.as_ref().unwrap();
    assert_eq!(owner.name.as_deref(), Some("Ben Oldtimer"));
    assert_eq!(owner.source, OwnerSource::Invitations);
}

#[test]
fn era_2022_with_note_hidden_members_and_no_urls() {
    let a = analyse(
        &export_dir("2022-preamble-no-urls"),
        "2022-07-01T12:00:00Z",
        "Europe/London",
    );
    assert_eq!(
        counts(&a),
        Counts {
            // Hidden members count in the total.
            connections: [5, 2, 1],
            outgoing: [3, 1, 2, 1],
            ages: [1, 0, 0, 0, 1, 0],
            incoming: [1, 0],
            // No messages.csv in this export.
            messages: None,
            withdrawals: withdrawals(&[("Carla Stale", 61)]),
        }
    );
    assert_eq!(
        a.connections.by_month,
        months(&[("2022-04", 2), ("2022-05", 1), ("2022-06", 2)])
    );
    assert_eq!(
        a.files
            .iter()
            .map(|f| f.rsplit('/').next().unwrap())
            .collect::<Vec<_>>(),
        ["CONNECTIONS.CSV", "invitations.csv"],
        "found whatever the case of their names"
    );
}

#[test]
fn era_2024_with_urls_quoted_fields_and_url_spellings() {
    let dir = export_dir("2024-urls");
    let export = parse(&dir, "Europe/Berlin").unwrap();
    assert!(export.connections_have_urls);
    let ines = &export.connections[4];
    assert_eq!(ines.first_name, "Ines");
    assert_eq!(
        ines.company.as_deref(),
        Some("Fictional & Sons\nBerlin office")
    );
    assert_eq!(ines.position.as_deref(), Some("VP Marketing,\nEMEA"));
    assert_eq!(ines.line, 9, "the line the row starts on, after the note");
    assert_eq!(
        export.connections[5].line, 12,
        "after a row spanning three lines"
    );

    let a = analyse(&dir, "2026-11-26T12:00:00Z", "Europe/Berlin");
    assert_eq!(
        counts(&a),
        Counts {
            connections: [8, 2, 2],
            // Mateo and Grace accepted though their URLs are spelled differently.
            outgoing: [10, 2, 8, 0],
            ages: [1, 1, 2, 0, 3, 1],
            incoming: [2, 1],
            // A draft-only conversation is left out; a company page's InMail is someone
            // else's.
            messages: Some([4, 2, 1]),
            withdrawals: withdrawals(&[
                ("Greta Madeup", 269),
                ("=HYPERLINK(\"https://example.invalid\",\"Dana\")", 86),
                ("Farid Fictional", 56),
                ("-Eve Dash", 37),
                ("Omar Example", 21),
            ]),
        }
    );
    assert_eq!(
        a.connections.by_month,
        months(&[
            ("2024-11", 1),
            ("2025-03", 1),
            ("2025-10", 1),
            ("2025-12", 1),
            ("2026-01", 1),
            ("2026-02", 1),
            ("2026-06", 1),
            ("2026-11", 1),
        ])
    );
    let omar = &a.recommended_withdrawals[4];
    assert_eq!(
        omar.invitation.profile_url.as_deref(),
        Some("https://www.linkedin.com/in/omar-example"),
        "canonical, from `https://de.linkedin.com/in/omar-example?trk=…`"
    );
    assert_eq!(omar.reinvite_on, date(2026, 12, 17));
    assert_eq!(a.oldest_pending.len(), 8);
    assert_eq!(a.oldest_pending[7].name, "Nora Sample");
    let owner = a.owner.as_ref().unwrap();
    assert_eq!(owner.name.as_deref(), Some("Ada Example"));
    assert_eq!(
        owner.profile_url.as_deref(),
        Some("https://www.linkedin.com/in/ada-example")
    );
}

#[test]
fn era_2026_fully_quoted_messages_with_line_breaks_and_a_profile() {
    let a = analyse(&sample_dir(), "2026-11-26T12:00:00Z", "Europe/Berlin");
    assert_eq!(a.tz, "Europe/Berlin");
    assert_eq!(
        counts(&a),
        Counts {
            connections: [20, 2, 3],
            outgoing: [16, 6, 10, 0],
            ages: [2, 1, 2, 1, 1, 3],
            incoming: [3, 2],
            messages: Some([6, 4, 2]),
            withdrawals: withdrawals(&[
                ("Bea Forgotten", 289),
                ("Abe Ancient", 177),
                ("Cy Stale", 97),
                ("Zeno Older", 72),
                ("Yara Old", 27),
                ("Xia Later", 21),
            ]),
        }
    );
    assert_eq!(a.connections.by_month.len(), 15);
    assert_eq!(a.connections.by_month["2026-11"], 4);
    assert_eq!(a.connections.by_month["2026-10"], 3);
    let owner = a.owner.as_ref().unwrap();
    assert_eq!(owner.name.as_deref(), Some("Sam Example"));
    assert_eq!(owner.source, OwnerSource::Profile);
    assert_eq!(a.oldest_pending.len(), 10);
}

#[test]
fn spreadsheet_resave_with_bom_crlf_and_short_dates() {
    let dir = export_dir("spreadsheet-resave");
    let export = parse(&dir, "UTC").unwrap();
    assert_eq!(export.connections[0].connected_on, date(2021, 4, 4));
    assert_eq!(
        export.connections[0].first_name, "Dmitri",
        "no BOM in the name"
    );
    assert_eq!(
        export.connections[0].line, 5,
        "the note, padded with commas, comes first"
    );
    let a = analyse(&dir, "2026-02-01T12:00:00Z", "UTC");
    assert_eq!(
        counts(&a),
        Counts {
            connections: [4, 1, 1],
            outgoing: [3, 1, 2, 0],
            ages: [1, 0, 0, 1, 0, 0],
            incoming: [0, 0],
            messages: Some([1, 1, 1]),
            withdrawals: withdrawals(&[("Gina Waiting", 30)]),
        }
    );
    assert_eq!(
        a.connections.by_month,
        months(&[("2021-04", 1), ("2021-06", 1), ("2026-01", 2)])
    );
}

#[test]
fn the_zone_decides_sent_times_and_so_ages() {
    let dir = export_dir("2024-urls");
    let priya = |tz: &str| {
        let a = analyse(&dir, "2026-11-26T12:00:00Z", tz);
        assert_eq!(a.tz, tz);
        a.oldest_pending
            .iter()
            .find(|p| p.name == "Priya Demo")
            .map(|p| (p.sent_at, p.age_days))
            .unwrap()
    };
    // 2:00 PM in Auckland (UTC+13) is 12 hours before 2:00 PM in Berlin (UTC+1).
    assert_eq!(
        priya("Europe/Berlin"),
        ("2026-11-06T13:00:00Z".parse().unwrap(), 19)
    );
    assert_eq!(
        priya("Pacific/Auckland"),
        ("2026-11-06T01:00:00Z".parse().unwrap(), 20)
    );
}
