//! The loopback SMTP server (`tests/smtp_server.py`), started per test as a child process
//! with a certificate made here, and helpers to send through it and to verify signatures.

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use jiff::Timestamp;
use overture_channel::EmailRequest;
use overture_clock::{Clock as _, ManualClock};
use overture_email::{
    DkimKey, Mailbox, Sender, SmtpConfig, SmtpMailer, SmtpUrl, UnsubscribeConfig,
};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use secrecy::SecretString;

/// The account the server accepts.
pub const USER: &str = "ana@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

const SETUP_HINT: &str = "the loopback SMTP tests need python3 with aiosmtpd, dkimpy and pynacl: \
                          run scripts/test.sh (it installs them)";

/// How long the server may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running server; killed when dropped.
pub struct SmtpServer {
    child: Child,
    // Closing it tells the server to stop.
    _stdin: Option<ChildStdin>,
    stderr: Arc<Mutex<String>>,
    pub starttls_port: u16,
    pub implicit_port: u16,
    /// The CA that signed the server's certificate, in PEM.
    pub ca_pem: String,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let maildir = dir.path().join("mail");
        std::fs::create_dir(&maildir).expect("the mail directory");
        let (ca_pem, cert_pem, key_pem) = certificates();
        let cert = dir.path().join("server.pem");
        let key = dir.path().join("server.key");
        std::fs::write(&cert, cert_pem).expect("the certificate is written");
        std::fs::write(&key, key_pem).expect("the key is written");

        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .args([
                "--cert",
                path(&cert),
                "--key",
                path(&key),
                "--maildir",
                path(&maildir),
            ])
            .args(["--user", USER, "--password", PASSWORD])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("python3 cannot be started ({e}); {SETUP_HINT}"));

        // Drain stderr all along, so a chatty server never blocks, and keep it for failures.
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr is piped");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buffer) {
                let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
                sink.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_str(&text);
            }
        });
        let stdout = child.stdout.take().expect("stdout is piped");
        let (ready, first_line) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = ready.send(line);
        });
        let line = first_line.recv_timeout(START_TIMEOUT).unwrap_or_default();
        let ports: Vec<u16> = line
            .strip_prefix("READY ")
            .map(|rest| {
                rest.split_whitespace()
                    .filter_map(|p| p.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        let stdin = child.stdin.take();
        let mut server = Self {
            child,
            _stdin: stdin,
            stderr,
            starttls_port: ports.first().copied().unwrap_or(0),
            implicit_port: ports.get(1).copied().unwrap_or(0),
            ca_pem,
            maildir,
            _dir: dir,
        };
        if ports.len() != 2 {
            let _ = server.child.kill();
            let status = server.child.wait().ok();
            panic!(
                "the test SMTP server did not start (said {line:?}, exit {status:?}); \
                 {SETUP_HINT}\nits stderr:\n{}",
                server.stderr()
            );
        }
        server
    }

    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The messages the server stored, oldest first, as received.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&self.maildir)
            .expect("the mail directory is readable")
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read(p).expect("a stored message"))
            .collect()
    }

    /// The one message the server stored.
    pub fn only_message(&self) -> String {
        let messages = self.messages();
        assert_eq!(
            messages.len(),
            1,
            "the server stored {} messages",
            messages.len()
        );
        String::from_utf8(messages[0].clone()).expect("the message is text")
    }

    /// The envelope and login stored beside the first message.
    pub fn first_envelope(&self) -> String {
        std::fs::read_to_string(self.maildir.join("0001.json")).expect("the envelope is stored")
    }

    /// A STARTTLS URL for the server.
    pub fn starttls_url(&self) -> SmtpUrl {
        SmtpUrl::parse(&format!(
            "smtp://ana%40example.com@127.0.0.1:{}?tls=starttls",
            self.starttls_port
        ))
        .expect("a valid URL")
    }

    /// An implicit-TLS URL for the server.
    pub fn implicit_url(&self) -> SmtpUrl {
        SmtpUrl::parse(&format!(
            "smtps://ana%40example.com@127.0.0.1:{}",
            self.implicit_port
        ))
        .expect("a valid URL")
    }

    /// A mailer through `url` that trusts the server's CA.
    pub fn mailer(&self, url: SmtpUrl, password: &str, dkim: Option<DkimKey>) -> SmtpMailer {
        let mut config = SmtpConfig::new(url, Some(SecretString::from(password)));
        config.extra_root_certificate = Some(self.ca_pem.clone());
        config.connect_timeout = Duration::from_secs(10);
        config.command_timeout = Duration::from_secs(10);
        SmtpMailer::new(config, sender(), dkim).expect("the mailer is set up")
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// A CA, and a server certificate for `127.0.0.1` and `localhost` that it signed (PEM).
fn certificates() -> (String, String, String) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Overture test CA");
    let ca_key = KeyPair::generate().expect("a CA key");
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).expect("the CA certificate");
    let params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("server parameters");
    let key = KeyPair::generate().expect("a server key");
    let cert = params.signed_by(&key, &ca).expect("the server certificate");
    (ca.pem(), cert.pem(), key.serialize_pem())
}

/// The sender every test uses.
pub fn sender() -> Sender {
    Sender {
        from: "Ana Lima <ana@example.com>"
            .parse::<Mailbox>()
            .expect("a valid mailbox"),
        reply_to: Some(
            "Ana Lima <replies@example.com>"
                .parse()
                .expect("a valid mailbox"),
        ),
        footer: Some("Example Ltd, 1 Sample Street, Springfield".into()),
        unsubscribe: UnsubscribeConfig {
            http_base: Some("https://out.example.com".into()),
            mailto: Some("unsubscribe@example.com".into()),
        },
    }
}

/// An email to `to`.
pub fn request(to: &str) -> EmailRequest {
    EmailRequest {
        to: to.into(),
        to_name: Some("Bo Reyes".into()),
        subject: "A question about your roadmap".into(),
        text: "Hi Bo,\n\nwould a short call next week suit you?\n\nAna".into(),
        html: None,
        idempotency_key: format!("campaign-7/lead-3/step-1/{to}"),
        unsubscribe_token: "u7Kq2v9XbT".into(),
        in_reply_to: None,
    }
}

/// The instant every test sends at.
pub fn now() -> Timestamp {
    ManualClock::new("2026-03-02T09:30:00Z".parse().expect("a valid instant")).now()
}

/// Runs dkimpy over `message`, answering its DNS query with the key's published record.
pub fn dkimpy_verifies(message: &[u8], key: &DkimKey) -> bool {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("message.eml");
    std::fs::write(&file, message).expect("the message is written");
    let (name, value) = key.dns_record();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dkim_verify.py");
    let output = Command::new("python3")
        .arg(script)
        .args([path(&file), &name, &value])
        .output()
        .unwrap_or_else(|e| panic!("python3 cannot be started ({e}); {SETUP_HINT}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && (stdout.starts_with("PASS") || stdout.starts_with("FAIL")),
        "dkimpy did not run ({}); {SETUP_HINT}\n{stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout.starts_with("PASS")
}

/// The value of header `name` in a received message, unfolded.
pub fn header(message: &str, name: &str) -> Option<String> {
    let head = message.split("\r\n\r\n").next().unwrap_or_default();
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.split("\r\n").find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}
