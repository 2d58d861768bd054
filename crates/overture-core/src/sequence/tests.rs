use super::*;

fn check_duration(text: &str, expected: Result<i64, &str>) {
    let got = Duration::parse(text)
        .map(Duration::as_minutes)
        .map_err(|e| e.to_string());
    assert_eq!(got, expected.map_err(str::to_owned), "parsing {text:?}");
}

#[test]
fn durations_parse() {
    check_duration("30m", Ok(30));
    check_duration("12h", Ok(12 * 60));
    check_duration("3d", Ok(3 * 24 * 60));
    check_duration("1w", Ok(7 * 24 * 60));
    check_duration("1d12h", Ok(36 * 60));
    check_duration("1w2d3h4m", Ok(((9 * 24) + 3) * 60 + 4));
    check_duration("0d", Ok(0));
    check_duration(" 2d ", Ok(2 * 24 * 60));
    check_duration("365d", Ok(365 * 24 * 60));
}

#[test]
fn durations_reject() {
    check_duration(
        "",
        Err("duration is empty (write one like `2d`, `12h` or `30m`)"),
    );
    check_duration(
        "-1d",
        Err("duration `-1d` is negative (durations count forward, like `2d`)"),
    );
    check_duration(
        "3x",
        Err("duration `3x` has unknown unit `x` (use w, d, h or m)"),
    );
    check_duration(
        "3",
        Err("duration `3` needs a unit after the number: w, d, h or m (like `2d`)"),
    );
    check_duration(
        "1d3",
        Err("duration `1d3` needs a unit after the number: w, d, h or m (like `2d`)"),
    );
    check_duration(
        "d",
        Err("duration `d` needs a number before each unit (like `2d`)"),
    );
    check_duration(
        "12h1d",
        Err("duration `12h1d` must list each unit once, largest first (like `1d12h`)"),
    );
    check_duration(
        "1d1d",
        Err("duration `1d1d` must list each unit once, largest first (like `1d12h`)"),
    );
    check_duration(
        "1d 2h",
        Err("duration `1d 2h` has unknown unit ` ` (use w, d, h or m)"),
    );
    check_duration("366d", Err("duration `366d` is too long (at most 365d)"));
    check_duration(
        "99999999999999999999d",
        Err("duration `99999999999999999999d` is too long (at most 365d)"),
    );
    check_duration(
        "2½d",
        Err("duration `2½d` has unknown unit `½` (use w, d, h or m)"),
    );
}

#[test]
fn durations_display_canonically_and_round_trip() {
    for (text, shown) in [
        ("30m", "30m"),
        ("1d12h", "1d12h"),
        ("36h", "1d12h"),
        ("1w", "7d"),
        ("2w1m", "14d1m"),
        ("0h", "0m"),
        ("90m", "1h30m"),
    ] {
        let duration = Duration::parse(text).expect(text);
        assert_eq!(duration.to_string(), shown);
        assert_eq!(Duration::parse(shown), Ok(duration), "{shown} parses back");
    }
    for minutes in (0..=365 * 24 * 60).step_by(997) {
        let duration = Duration::from_minutes(minutes).expect("in range");
        assert_eq!(Duration::parse(&duration.to_string()), Ok(duration));
    }
}

#[test]
fn durations_convert() {
    let duration = Duration::parse("1h1m").expect("valid");
    assert_eq!(
        duration.to_signed_duration(),
        jiff::SignedDuration::from_secs(61 * 60)
    );
    assert!(Duration::ZERO.is_zero());
    assert_eq!(Duration::from_minutes(-1), None);
    assert_eq!(Duration::from_minutes(365 * 24 * 60 + 1), None);
}

fn spec(steps: Vec<Step>) -> CampaignSpec {
    CampaignSpec {
        name: "test".to_owned(),
        accounts: vec!["alice".to_owned()],
        mailboxes: Vec::new(),
        leads: LeadSource::List("founders".to_owned()),
        settings: CampaignSettings::default(),
        steps,
    }
}

fn step(label: Option<&str>, kind: StepKind) -> Step {
    Step {
        label: label.map(str::to_owned),
        kind,
    }
}

#[test]
fn branch_targets_resolve() {
    let spec = spec(vec![
        step(None, StepKind::Invite(Invite::default())),
        step(
            None,
            StepKind::WaitForAcceptance(WaitForAcceptance {
                within: Duration::parse("14d").expect("valid"),
                accepted: BranchTarget::Next,
                not_accepted: BranchTarget::Label("fallback".to_owned()),
            }),
        ),
        step(None, StepKind::End),
        step(Some("fallback"), StepKind::Withdraw),
    ]);
    let label = |l: &str| BranchTarget::Label(l.to_owned());
    assert_eq!(spec.resolve(1, &BranchTarget::Next), Some(Jump::To(2)));
    assert_eq!(spec.resolve(3, &BranchTarget::Next), Some(Jump::End));
    assert_eq!(spec.resolve(1, &BranchTarget::End), Some(Jump::End));
    assert_eq!(
        spec.resolve(1, &BranchTarget::Withdraw),
        Some(Jump::WithdrawAndEnd)
    );
    assert_eq!(spec.resolve(1, &label("fallback")), Some(Jump::To(3)));
    assert_eq!(spec.resolve(1, &label("missing")), None);
    assert_eq!(spec.step_index("fallback"), Some(3));
    assert_eq!(BranchTarget::from_word("withdraw"), BranchTarget::Withdraw);
    assert_eq!(BranchTarget::from_word("thanks"), label("thanks"));
}

#[test]
fn longest_note_counts_characters() {
    let invite = Invite {
        notes: vec!["Grüße!".to_owned(), "Hi".to_owned()],
        without_note_if_quota_exhausted: false,
    };
    assert_eq!(invite.longest_note_chars(), Some(6));
    assert_eq!(Invite::default().longest_note_chars(), None);
    assert!(is_template("Hi {{ first_name }}"));
    assert!(is_template("{% if company %}x{% endif %}"));
    assert!(!is_template("Hi there {friend}"));
}

#[test]
fn spec_round_trips_through_json() {
    let spec = spec(vec![
        step(
            None,
            StepKind::Wait {
                duration: Duration::parse("1d12h").expect("valid"),
            },
        ),
        step(
            Some("hello"),
            StepKind::Tag {
                tag: "warm".to_owned(),
            },
        ),
    ]);
    let json = serde_json::to_string(&spec).expect("serializes");
    assert!(json.contains(r#""duration":"1d12h""#), "{json}");
    let back: CampaignSpec = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, spec);
}
