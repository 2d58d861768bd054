//! The crash matrix: `overture worker` processes on one database, against the fake LinkedIn,
//! killed with SIGKILL at random instants and at the engine's failpoints (after a claim, after
//! an intent, after the channel call, during the commit) hundreds of times; then drained by
//! clean workers and checked: every action ended (done, failed, in doubt, called off) or is
//! still queued untouched, nothing the fake saw happen is unknown to the store and nothing the
//! store calls done is unknown to the fake, no invitation or message went out twice, and no
//! day cap was exceeded. And the zombie test: a worker frozen (SIGSTOP) past its lease while
//! another takes its account over, then thawed: its writes are refused and it has no second
//! effect. On SQLite always, on PostgreSQL with `OVERTURE_TEST_POSTGRES_URL`.

mod cluster;

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt;

use jiff::SignedDuration;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use overture_core::{ActionKind, ActionState};
use overture_fake_linkedin::{RequestLog, paths};
use overture_store_postgres::testing::TestDatabase;

use cluster::{Backend, Cluster, Shape, Worker, emails, pause, slug_of, tally};

/// The campaign every crash run carries out: visit, invite with a note, thank those who
/// accept; after two hours without an answer, withdraw the invitation and email instead.
const CAMPAIGN: &str = r#"
name: chaos
accounts: [{{SEATS}}]
mailboxes: [mail-1]
leads: { list: people }
settings:
  stop_on_reply: true
steps:
  - visit_profile
  - invite:
      note:
        - "Hi {{ first_name }}, we both look after clinics' operations; glad to connect."
      without_note_if_quota_exhausted: true
  - wait_for_acceptance: { within: 2h, accepted: next, not_accepted: by-email }
  - wait: 10m
  - message:
      text: "Thanks for connecting, {{ first_name }}! How are things at {{ company }}?"
  - end
  - label: by-email
    withdraw:
  - email:
      - subject: "Clinic operations at {{ company }}"
        body: |
          Hi {{ first_name }},

          We help clinics like {{ company }} keep their schedules full. Open to a short call?
"#;

/// Paces short enough for a test, warm-up off, and a day cap on invitations that binds within
/// the run.
const INVITES_PER_DAY: usize = 60;
const EMAILS_PER_DAY: usize = 40;
const LIMITS: [&str; 13] = [
    "invite.per_day=60",
    "invite.min_spacing=1m",
    "invite.jitter=1m",
    "visit.min_spacing=30s",
    "visit.jitter=30s",
    "message.min_spacing=1m",
    "message.jitter=1m",
    "withdraw.min_spacing=30s",
    "withdraw.jitter=30s",
    "warm_up.ramp_days=0",
    "email.per_day=40",
    "email.min_spacing=30s",
    "email.jitter=30s",
];

/// Every failpoint, each taken now and then.
const FAILPOINTS: &str = "after_claim=kill:0.05,after_intent=kill:0.05,after_channel_call=kill:0.05,during_commit=kill:0.03";

/// How many kills a run makes at least.
const KILLS: usize = 200;
/// How many workers run at once.
const WORKERS: usize = 3;

#[test]
fn crash_matrix_on_sqlite() {
    crash_matrix(Backend::Sqlite);
}

#[test]
fn crash_matrix_on_postgres() {
    let Some(db) = TestDatabase::create_blocking() else {
        return;
    };
    crash_matrix(Backend::Postgres(db));
}

#[test]
fn a_zombie_worker_on_sqlite_is_fenced_off() {
    zombie(Backend::Sqlite, "after_channel_call");
    zombie(Backend::Sqlite, "after_intent");
}

#[test]
fn a_zombie_worker_on_postgres_is_fenced_off() {
    for point in ["after_channel_call", "after_intent"] {
        let Some(db) = TestDatabase::create_blocking() else {
            return;
        };
        zombie(Backend::Postgres(db), point);
    }
}

/// Kills of one run, by cause.
#[derive(Debug, Default)]
struct Kills {
    /// SIGKILLs the test sent at random instants.
    random: usize,
    /// Workers that killed themselves at a failpoint, by failpoint.
    failpoints: BTreeMap<String, usize>,
}

impl Kills {
    fn total(&self) -> usize {
        self.random + self.failpoints.values().sum::<usize>()
    }
}

/// A small deterministic sequence for the test's own random choices.
struct Draws(u64);

impl Draws {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below.max(1)
    }
}

fn crash_matrix(backend: Backend) {
    let shape = Shape {
        seats: 6,
        leads: 480,
        speed: 240.0,
    };
    let mut c = Cluster::new(backend, shape, CAMPAIGN, &LIMITS);
    let mut draws = Draws(20_261_206);
    let mut kills = Kills::default();
    let mut answered = BTreeSet::new();
    let mut live: Vec<Worker> = (0..WORKERS).map(|_| c.spawn(Some(FAILPOINTS))).collect();
    let mut next_kill = 10 + draws.next(20);
    // Each round is about 100 ms; a run that cannot reach its kills in 15 minutes is stuck.
    for round in 0..9_000u64 {
        if kills.total() >= KILLS {
            break;
        }
        assert!(round < 8_999, "stuck after {kills:?}");
        pause(100);
        c.answer(&mut answered);
        let mut i = 0;
        while i < live.len() {
            match live[i].child.try_wait().expect("wait") {
                None => i += 1,
                Some(status) => {
                    let worker = live.swap_remove(i);
                    let said = worker.said();
                    assert_eq!(
                        status.signal(),
                        Some(Signal::SIGKILL as i32),
                        "worker {} ended on its own ({status}):\n{said}",
                        worker.id
                    );
                    let point = said
                        .lines()
                        .rev()
                        .find_map(|l| l.strip_prefix("Failpoint "))
                        .and_then(|l| l.split(':').next())
                        .unwrap_or("unknown")
                        .to_owned();
                    *kills.failpoints.entry(point).or_insert(0) += 1;
                    live.push(c.spawn(Some(FAILPOINTS)));
                }
            }
        }
        if round >= next_kill && !live.is_empty() {
            let at = usize::try_from(draws.next(live.len() as u64)).unwrap_or(0);
            let mut worker = live.swap_remove(at);
            // It may have just died at a failpoint: then that is what it counts as.
            if worker.child.try_wait().expect("wait").is_none() {
                worker.child.kill().expect("SIGKILL");
                worker.child.wait().expect("reap");
                kills.random += 1;
            } else {
                live.push(worker);
                continue;
            }
            live.push(c.spawn(Some(FAILPOINTS)));
            next_kill = round + 10 + draws.next(20);
        }
    }
    for mut worker in live {
        worker.child.kill().expect("SIGKILL");
        worker.child.wait().expect("reap");
        kills.random += 1;
    }
    let chaos_until = c.now();

    // Drain: two clean workers take every account over (once the dead ones' leases ran out),
    // reconcile what was left in flight and carry on; then they stop cleanly.
    let clean: Vec<Worker> = (0..2).map(|_| c.spawn(None)).collect();
    let clean_ids: BTreeSet<String> = clean.iter().map(|w| w.id.clone()).collect();
    for round in 0..3_000 {
        pause(100);
        c.answer(&mut answered);
        let leases = c.leases();
        // Every LinkedIn seat and the mailbox.
        if leases.len() == c.seats.len() + 1 && leases.iter().all(|(_, w)| clean_ids.contains(w)) {
            break;
        }
        assert!(round < 2_999, "the clean workers never held every account");
    }
    // An hour (simulated) more: reconciliation, retries after their back-off, and emails
    // whose answer was lost looked at until they are declared in doubt (without IMAP, nothing
    // can tell whether they went out, and they are never sent again blindly).
    let until = c.now() + SignedDuration::from_mins(60);
    while c.now() < until {
        pause(100);
        c.answer(&mut answered);
    }
    for mut worker in clean {
        kill(worker_pid(&worker), Signal::SIGTERM).expect("SIGTERM");
        let status = worker.child.wait().expect("wait");
        assert!(status.success(), "{status}:\n{}", worker.said());
    }

    let actions = c.actions();
    let (states, kinds) = tally(&actions);
    let claimed = states.get(&ActionState::Claimed).copied().unwrap_or(0);
    assert_eq!(claimed, 0, "actions left claimed after a clean stop");

    // What the fake saw against what the store recorded.
    let log = c.fake.log();
    let invited = log.invitations_sent();
    let messaged = log.messages_sent();
    let mut withdrawn = BTreeMap::new();
    for id in log.withdrawals() {
        *withdrawn.entry(id).or_insert(0usize) += 1;
    }
    // Stricter than what the fake created (it refuses a second invitation to someone pending
    // and sends a repeated message token once): the requests themselves. In this run nothing
    // fails on the network, so each person gets one invitation request and one message
    // request at most; a second one would be a blind retry.
    let mut emailed: BTreeMap<String, usize> = BTreeMap::new();
    let mut emails_per_day: BTreeMap<String, usize> = BTreeMap::new();
    for (slug, date) in emails(&c.s) {
        *emailed.entry(slug).or_insert(0) += 1;
        // `Mon, 02 Mar 2026 14:03:00 +0000`: the day is the second to fourth words.
        let day: Vec<&str> = date.split_whitespace().skip(1).take(3).collect();
        *emails_per_day.entry(day.join(" ")).or_insert(0) += 1;
    }
    let invite_requests = requests_per_person(&log, paths::CREATE_INVITATION, c.people());
    let message_requests = requests_per_person(&log, paths::MESSAGES, c.people());
    let duplicates = invited.values().filter(|&&n| n > 1).count()
        + messaged.values().filter(|&&n| n > 1).count()
        + withdrawn.values().filter(|&&n| n > 1).count()
        + invite_requests.values().filter(|&&n| n > 1).count()
        + message_requests.values().filter(|&&n| n > 1).count()
        + emailed.values().filter(|&&n| n > 1).count();
    let people = |kind: ActionKind, state: ActionState| -> BTreeSet<String> {
        actions
            .iter()
            .filter(|a| a.kind == kind && a.state == state)
            .map(slug_of)
            .collect()
    };
    let invitations = c.fake.invitations();
    let withdrawn_slugs: BTreeSet<String> = invitations
        .iter()
        .filter(|i| withdrawn.contains_key(&i.id))
        .map(|i| i.slug.clone())
        .collect();
    let mut lost = Vec::new();
    for (kind, seen) in [
        (
            ActionKind::Invite,
            invited.keys().cloned().collect::<BTreeSet<_>>(),
        ),
        (ActionKind::Message, messaged.keys().cloned().collect()),
        (ActionKind::Withdraw, withdrawn_slugs),
        (ActionKind::Email, emailed.keys().cloned().collect()),
    ] {
        let done = people(kind, ActionState::Done);
        let doubt = people(kind, ActionState::InDoubt);
        for slug in seen.difference(&done) {
            if !doubt.contains(slug) {
                lost.push(format!(
                    "{kind:?} to {slug}: sent, but not recorded as done"
                ));
            }
        }
        for slug in done.difference(&seen) {
            lost.push(format!("{kind:?} to {slug}: recorded as done, never sent"));
        }
    }

    // Day caps, from the fake's own record of what each account sent and when.
    // The accounts' days are UTC days.
    let mut per_day: BTreeMap<(String, i64), usize> = BTreeMap::new();
    for invitation in invitations {
        let day = invitation.sent_at.as_second().div_euclid(86_400);
        *per_day.entry((invitation.account, day)).or_insert(0) += 1;
    }
    let mut over: Vec<String> = per_day
        .iter()
        .filter(|&(_, &n)| n > INVITES_PER_DAY)
        .map(|(key, n)| format!("{key:?}: {n} invitations"))
        .collect();
    over.extend(
        emails_per_day
            .iter()
            .filter(|&(_, &n)| n > EMAILS_PER_DAY)
            .map(|(day, n)| format!("{day}: {n} emails")),
    );

    println!(
        "crash matrix on {}: {} kills ({} at random instants, at failpoints {:?}), {} workers \
         started, {} simulated hours of chaos; {} actions {:?} by kind {:?}; {} invitations, {} \
         messages, {} withdrawals, {} emails sent; duplicates = {duplicates}, lost = {}, day caps exceeded \
         = {}",
        c.backend(),
        kills.total(),
        kills.random,
        kills.failpoints,
        c.started(),
        chaos_until.duration_since(c.start).as_hours(),
        actions.len(),
        states,
        kinds,
        invited.len(),
        messaged.len(),
        withdrawn.len(),
        emailed.len(),
        lost.len(),
        over.len(),
    );
    assert!(kills.total() >= KILLS, "{kills:?}");
    assert!(
        kills.failpoints.len() >= 4,
        "every failpoint was hit: {kills:?}"
    );
    assert_eq!(
        duplicates, 0,
        "invited {invited:?}, messaged {messaged:?}, invitation requests {invite_requests:?}, \
         message requests {message_requests:?}, emailed {emailed:?}"
    );
    assert!(lost.is_empty(), "{lost:#?}");
    assert!(over.is_empty(), "{over:?}");
    assert!(
        invited.len() >= 40,
        "the run did real work: {} invitations",
        invited.len()
    );
}

/// How many POST requests to `path` named each person (by profile id) in their body.
fn requests_per_person(
    log: &RequestLog,
    path: &str,
    people: &[(String, String)],
) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for request in log.matching(path).filter(|r| r.method == "POST") {
        for (slug, id) in people {
            if request.body.contains(id.as_str()) {
                *counts.entry(slug.clone()).or_insert(0) += 1;
            }
        }
    }
    counts
}

fn worker_pid(worker: &Worker) -> Pid {
    Pid::from_raw(i32::try_from(worker.child.id()).expect("a pid"))
}

/// Whether the process is stopped (state `T` in `/proc/PID/stat`).
fn stopped(worker: &Worker) -> bool {
    let stat =
        std::fs::read_to_string(format!("/proc/{}/stat", worker.child.id())).unwrap_or_default();
    stat.rsplit_once(')')
        .is_some_and(|(_, rest)| rest.trim_start().starts_with('T'))
}

/// Waits (in wall time, at most a minute) until `done` holds; `explain` tells what the
/// workers said when it does not.
fn wait_until(what: &str, mut done: impl FnMut() -> bool, explain: impl Fn() -> String) {
    for _ in 0..600 {
        if done() {
            return;
        }
        pause(100);
    }
    panic!("{what} did not happen within a minute:\n{}", explain());
}

/// A worker frozen at `point` past its lease: another takes the account over and carries the
/// action through once; the thawed one's writes are refused and it calls LinkedIn no more.
fn zombie(backend: Backend, point: &str) {
    let shape = Shape {
        seats: 1,
        leads: 3,
        speed: 120.0,
    };
    let invite_only = r#"
name: chaos
accounts: [{{SEATS}}]
leads: { list: people }
steps:
  - invite:
      note: ["Hi {{ first_name }}, we both look after clinics' operations; glad to connect."]
"#;
    let mut c = Cluster::new(backend, shape, invite_only, &LIMITS);
    let mut frozen = c.spawn(Some(&format!("{point}=stop:once")));
    wait_until(
        "the first worker freezing",
        || stopped(&frozen),
        || frozen.said(),
    );
    let sent_before = c.fake.log().invitations_sent();
    let mut other = c.spawn(None);
    // The other worker takes the account once the frozen one's lease ran out, and settles the
    // frozen one's action (through the sent list, or by sending it).
    wait_until(
        "the takeover",
        || {
            c.leases().iter().any(|(_, w)| *w == other.id)
                && c.actions()
                    .iter()
                    .any(|a| a.state == ActionState::Done && a.kind == ActionKind::Invite)
        },
        || format!("{}\n{:?}", other.said(), tally(&c.actions())),
    );
    kill(worker_pid(&frozen), Signal::SIGCONT).expect("SIGCONT");
    wait_until(
        "the thawed worker noticing",
        || {
            let said = frozen.said();
            said.contains("result refused") || said.contains("not acting for it")
        },
        || frozen.said(),
    );
    // Both carry on a while (ten simulated minutes): the thawed one must not act again.
    let until = c.now() + SignedDuration::from_mins(10);
    while c.now() < until {
        pause(100);
    }
    for worker in [&mut frozen, &mut other] {
        kill(worker_pid(worker), Signal::SIGTERM).expect("SIGTERM");
        let status = worker.child.wait().expect("wait");
        assert!(status.success(), "{status}:\n{}", worker.said());
    }
    let said = frozen.said();
    let log = c.fake.log();
    let invited = log.invitations_sent();
    let requests = requests_per_person(&log, paths::CREATE_INVITATION, c.people());
    let actions = c.actions();
    let (states, _) = tally(&actions);
    println!(
        "zombie at {point} on {}: sent while frozen {sent_before:?}, sent in all {invited:?}, \
         actions {states:?}; the thawed worker said:\n{said}",
        c.backend()
    );
    assert!(invited.values().all(|&n| n == 1), "{invited:?}");
    assert!(
        requests.values().all(|&n| n == 1),
        "one invitation request per person: {requests:?}"
    );
    if point == "after_channel_call" {
        assert_eq!(
            sent_before.len(),
            1,
            "the frozen worker had called LinkedIn"
        );
        assert!(said.contains("result refused"), "{said}");
    } else {
        assert!(
            sent_before.is_empty(),
            "frozen before the call: {sent_before:?}"
        );
        assert!(said.contains("not acting for it"), "{said}");
    }
    assert!(
        actions
            .iter()
            .filter(|a| a.kind == ActionKind::Invite)
            .all(|a| matches!(a.state, ActionState::Done | ActionState::Queued)),
        "{states:?}"
    );
}
