//! End-to-end tests of the `overture` binary on temporary SQLite databases (and, in
//! `postgres.rs`, on PostgreSQL).

mod accounts;
mod campaigns;
mod crash_matrix;
mod engine;
mod export;
mod export_import;
mod invites;
mod leads;
mod linkedin;
mod mailbox;
mod postgres;
mod secrets;
mod serve;
mod simulate;
mod suppress;
mod templates;
mod users;
mod webhooks;
mod workers;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A scratch directory with its own database; every command runs in it.
#[derive(Debug)]
pub(crate) struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(crate) fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, contents).expect("write fixture");
        p
    }

    /// Runs `overture ARGS` with this sandbox's database and no inherited configuration.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// [`Sandbox::run`] with extra environment variables.
    pub(crate) fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_overture"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("OVERTURE_CONFIG")
            .env_remove("OVERTURE_WORKSPACE")
            .env_remove("OVERTURE_DEFAULT_TIME_ZONE")
            .env_remove("OVERTURE_LOG")
            .env_remove("OVERTURE_MASTER_KEY")
            .env("OVERTURE_DATABASE_URL", self.path("overture.db"))
            .envs(env.iter().copied())
            .output()
            .expect("run overture");
        Run(out)
    }

    /// Two premium sandbox seats (alice, bob), two leads on the list `founders` and the
    /// example campaign `founders-q1` applied (not started).
    pub(crate) fn founders(&self) {
        self.account("alice", "premium");
        self.account("bob", "premium");
        let leads = self.write(
            "l.csv",
            "URL,First Name\nlinkedin.com/in/one-person,One\nlinkedin.com/in/two-person,Two\n",
        );
        self.ok(&[
            "leads",
            "import",
            leads.to_str().unwrap(),
            "--list",
            "founders",
        ]);
        let file = repo_root().join("examples/campaigns/founders-q1.yaml");
        self.ok(&["campaign", "apply", file.to_str().unwrap()]);
    }

    /// Runs a command that must succeed and returns its standard output.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        self.run(args).success()
    }

    /// Runs a read command with `--json` and parses its output.
    pub(crate) fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }

    /// Adds a sandbox account.
    pub(crate) fn account(&self, name: &str, tier: &str) {
        self.ok(&["account", "add", "sandbox", "--name", name, "--tier", tier]);
    }
}

/// A finished command.
#[derive(Debug)]
pub(crate) struct Run(pub Output);

impl Run {
    pub(crate) fn code(&self) -> i32 {
        self.0.status.code().expect("exit code")
    }
    pub(crate) fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    pub(crate) fn success(self) -> String {
        assert_eq!(
            self.code(),
            0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self.stdout()
    }
    /// Asserts an input error (exit code 2) and returns standard error.
    pub(crate) fn input_error(self) -> String {
        assert_eq!(
            self.code(),
            2,
            "expected exit code 2\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self.stderr()
    }
}

/// The repository's root, for the shipped examples.
pub(crate) fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    // Far more output than a pipe holds, so the writer meets the closed pipe.
    let s = Sandbox::new();
    let mut csv = String::from("First Name,LinkedIn URL,Company\n");
    for i in 0..3000 {
        csv.push_str(&format!(
            "Lead{i},https://www.linkedin.com/in/pipe-lead-{i},Example Company {i}\n"
        ));
    }
    let file = s.write("leads.csv", csv);
    s.ok(&["init"]);
    s.ok(&["leads", "import", file.to_str().unwrap(), "--list", "many"]);
    // Read one line and close the pipe, like `overture leads list | head -1`.
    let mut child = Command::new(env!("CARGO_BIN_EXE_overture"))
        .args(["leads", "list", "--limit", "3000"])
        .current_dir(s.path(""))
        .env_remove("OVERTURE_CONFIG")
        .env("OVERTURE_DATABASE_URL", s.path("overture.db"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run overture");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("a first line");
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!first.is_empty());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141), "{stderr}");
}
