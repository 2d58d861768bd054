//! `overture simulate`: the same seeded worlds under each policy, compared.

use crate::{Sandbox, repo_root};

fn campaign() -> String {
    repo_root()
        .join("examples/campaigns/governed.yaml")
        .display()
        .to_string()
}

fn simulate(s: &Sandbox, extra: &[&str]) -> serde_json::Value {
    let campaign = campaign();
    let mut args = vec![
        "simulate",
        &campaign,
        "--seeds",
        "2",
        "--first-seed",
        "5",
        "--days",
        "21",
    ];
    args.extend_from_slice(extra);
    s.json(&args)
}

#[test]
fn every_policy_runs_on_the_same_seeded_worlds_and_the_table_is_reproducible() {
    let s = Sandbox::new();
    let policies = [
        "--policy", "none", "--policy", "age:7d", "--policy", "smart",
    ];
    let first = simulate(&s, &policies);
    assert_eq!(
        first,
        simulate(&s, &policies),
        "the same arguments, the same table"
    );
    assert_eq!(first["seeds"], serde_json::json!([5, 6]));
    assert_eq!(first["days"], 21);

    let rows = first["policies"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|p| p["policy"].as_str().unwrap()).collect();
    assert_eq!(names, ["none", "age:7d", "smart"]);
    let get = |name: &str| rows.iter().find(|p| p["policy"] == name).unwrap();
    for row in rows {
        let runs = row["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 2, "{row}");
        assert_eq!(row["cap_violations"], 0, "{row}");
        assert!(row["invites"].as_f64().unwrap() > 0.0, "{row}");
        // One seat over three weeks: accepted per seat-week is a third of the accepted.
        for run in runs {
            let accepted = run["accepted"].as_f64().unwrap();
            let rate = run["accepted_per_seat_week"].as_f64().unwrap();
            assert!((rate - accepted / 3.0).abs() < 1e-9, "{run}");
        }
        let mean = runs
            .iter()
            .map(|r| r["accepted_per_seat_week"].as_f64().unwrap())
            .sum::<f64>()
            / 2.0;
        assert!((row["accepted_per_seat_week"].as_f64().unwrap() - mean).abs() < 1e-9);
    }
    assert_eq!(get("none")["withdrawals"], 0.0, "`none` never withdraws");
    assert!(
        get("age:7d")["withdrawals"].as_f64().unwrap() > 0.0,
        "three weeks leave invitations older than 7 days"
    );
    assert!(get("smart")["max_pending"].as_u64().unwrap() <= 400);
    assert_eq!(get("smart")["settings"]["max_pending"], 400);
}

#[test]
fn the_table_names_every_policy_and_marks_the_best() {
    let s = Sandbox::new();
    let campaign = campaign();
    let out = s.ok(&[
        "simulate",
        &campaign,
        "--seeds",
        "1",
        "--days",
        "14",
        "--policy",
        "age:7d",
        "--policy",
        "cap:500:32",
    ]);
    for needle in [
        "age:7d",
        "cap:500:32",
        "accepted / seat / week",
        "*",
        "1 seed(s)",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
}

#[test]
fn mistakes_are_reported_before_anything_runs() {
    let s = Sandbox::new();
    let campaign = campaign();
    let err = s
        .run(&["simulate", &campaign, "--policy", "age:soon"])
        .input_error();
    assert!(err.contains("--policy `age:soon`: not a duration"), "{err}");

    let world = s.write("world.toml", "[rules]\npending_ceiling = \"many\"\n");
    let world = world.display().to_string();
    let err = s
        .run(&["simulate", &campaign, "--world", &world])
        .input_error();
    assert!(
        err.contains("world.toml")
            && err.contains("rules.pending_ceiling")
            && err.contains("line 2"),
        "{err}"
    );

    let broken = s.write(
        "broken.yaml",
        "name: broken\naccounts: [alice]\nleads: { list: x }\nsteps:\n  - invite:\n      nite: hi\n",
    );
    let broken = broken.display().to_string();
    let err = s.run(&["simulate", &broken]).input_error();
    assert!(err.contains("broken.yaml:6"), "{err}");
}

/// Each seed's (accepted, invitations) for the note comparison campaign `notes/NAME.yaml`
/// over 60 days, the same seeded worlds for every note (docs/sandbox.md, "What a note is
/// worth").
fn acceptances_by_seed(s: &Sandbox, name: &str) -> Vec<(f64, f64)> {
    let campaign = repo_root()
        .join(format!("examples/campaigns/notes/{name}.yaml"))
        .display()
        .to_string();
    let report = s.json(&[
        "simulate", &campaign, "--policy", "none", "--seeds", "3", "--days", "60",
    ]);
    let runs = report["policies"][0]["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3, "{report}");
    runs.iter()
        .map(|run| {
            let (accepted, invites) = (
                run["accepted"].as_f64().unwrap(),
                run["invites"].as_f64().unwrap(),
            );
            assert!(invites >= 500.0, "{run}");
            assert!((run["acceptance_rate"].as_f64().unwrap() - accepted / invites).abs() < 1e-9);
            (accepted, invites)
        })
        .collect()
}

fn rate(runs: &[(f64, f64)]) -> f64 {
    runs.iter().map(|r| r.0).sum::<f64>() / runs.iter().map(|r| r.1).sum::<f64>()
}

#[test]
fn a_note_the_lint_passes_is_accepted_clearly_more_often_than_a_generic_one_or_a_pitch() {
    // The margins hold with room on seeds 1 to 20 (docs/sandbox.md): in every seed the
    // personal note is accepted at least 12 points more often than the generic note or the
    // pitch, and over any three consecutive seeds at least 1.58 times as often.
    let s = Sandbox::new();
    let personal = acceptances_by_seed(&s, "personal");
    for bad in ["generic", "selling"] {
        let worse = acceptances_by_seed(&s, bad);
        for (seed, (good, bad_run)) in personal.iter().zip(&worse).enumerate() {
            let (good, bad_rate) = (good.0 / good.1, bad_run.0 / bad_run.1);
            assert!(
                good >= bad_rate + 0.10,
                "seed {}: personal {good:.3}, {bad} {bad_rate:.3}",
                seed + 1
            );
        }
        let (good, bad_rate) = (rate(&personal), rate(&worse));
        assert!(
            good >= 1.5 * bad_rate,
            "personal {good:.3}, {bad} {bad_rate:.3}"
        );
    }
}
