//! A real Dovecot IMAP server on loopback, one per test: its own configuration, certificate,
//! users and maildirs in a temporary folder, started as a child process and stopped on drop.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use async_imap::Client;
use overture_imap::ImapUrl;
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// The mailbox owner (fictional).
pub const USER: &str = "ana.lindqvist@example.com";
/// Her password (fictional).
pub const PASSWORD: &str = "plum-harbour-42";

/// A running server.
pub struct Dovecot {
    child: Child,
    _dir: TempDir,
    /// The implicit-TLS port.
    pub imaps_port: u16,
    /// The STARTTLS port.
    pub imap_port: u16,
    /// The server's self-signed certificate.
    pub cert_pem: String,
    log: Arc<Mutex<String>>,
}

fn dovecot_binary() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|dir| dir.join("dovecot"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "dovecot is not installed, and these tests need a real IMAP server: install it \
                 with `apt-get install -y dovecot-imapd` (.ci/run does so before running \
                 scripts/test.sh)"
            )
        })
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn id(flag: &str) -> String {
    let out = Command::new("id").arg(flag).output().expect("`id` runs");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

impl Dovecot {
    /// Starts a server and waits until it listens.
    pub fn start() -> Dovecot {
        let binary = dovecot_binary();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
            .unwrap();
        let cert_pem = cert.cert.pem();
        write(root, "cert.pem", &cert_pem);
        write(root, "key.pem", &cert.signing_key.serialize_pem());
        write(root, "passwd", &format!("{USER}:{{PLAIN}}{PASSWORD}\n"));
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir(root.join(sub)).unwrap();
        }
        // Dovecot refuses to run logins or mail access as root: as root, the package's own
        // users do that work and need to reach the folder; otherwise everything runs as the
        // current user.
        let (internal, login, mail_user) = if id("-u") == "0" {
            set_mode(root, 0o755);
            set_mode(&root.join("mail"), 0o777);
            (
                "dovecot".to_owned(),
                "dovenull".to_owned(),
                "dovecot".to_owned(),
            )
        } else {
            let me = id("-un");
            (me.clone(), me.clone(), me)
        };
        let imaps_port = free_port();
        let imap_port = free_port();
        let r = root.display();
        let config = format!(
            "base_dir = {r}/run\n\
             state_dir = {r}/state\n\
             log_path = /dev/stderr\n\
             protocols = imap\n\
             listen = 127.0.0.1\n\
             ssl = required\n\
             ssl_cert = <{r}/cert.pem\n\
             ssl_key = <{r}/key.pem\n\
             default_internal_user = {internal}\n\
             default_internal_group = {internal}\n\
             default_login_user = {login}\n\
             auth_failure_delay = 0\n\
             first_valid_uid = 1\n\
             first_valid_gid = 1\n\
             mail_location = maildir:{r}/mail/%u\n\
             namespace inbox {{\n  inbox = yes\n  mailbox Gesendet {{\n    special_use = \\Sent\n  }}\n}}\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {r}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={mail_user} gid={mail_user} home={r}/mail/%u\n}}\n\
             service imap-login {{\n\
               inet_listener imap {{\n    port = {imap_port}\n  }}\n\
               inet_listener imaps {{\n    port = {imaps_port}\n    ssl = yes\n  }}\n\
             }}\n"
        );
        write(root, "dovecot.conf", &config);
        let mut child = Command::new(binary)
            .arg("-F")
            .arg("-c")
            .arg(root.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dovecot starts");
        let log = Arc::new(Mutex::new(String::new()));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.contains("starting up") {
                    let _ = ready_tx.send(());
                }
                sink.lock().unwrap().push_str(&line);
                sink.lock().unwrap().push('\n');
            }
        });
        // The master logs "starting up" once its listeners are bound; stderr closes (and the
        // wait ends) if it dies first.
        if ready_rx.recv().is_err() {
            let _ = child.wait();
            panic!(
                "dovecot did not start:\n{}\nconfiguration:\n{config}",
                log.lock().unwrap()
            );
        }
        Dovecot {
            child,
            _dir: dir,
            imaps_port,
            imap_port,
            cert_pem,
            log,
        }
    }

    /// `imaps://` for the mailbox owner.
    pub fn url(&self) -> ImapUrl {
        ImapUrl::parse(&format!(
            "imaps://ana.lindqvist%40example.com@127.0.0.1:{}",
            self.imaps_port
        ))
        .unwrap()
    }

    /// `imap://…?tls=starttls` for the mailbox owner.
    pub fn starttls_url(&self) -> ImapUrl {
        ImapUrl::parse(&format!(
            "imap://ana.lindqvist%40example.com@127.0.0.1:{}?tls=starttls",
            self.imap_port
        ))
        .unwrap()
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// A direct session, to set the mailbox up (create folders, append messages).
    pub async fn admin(&self) -> Admin {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(self.cert_pem.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        #[allow(deprecated)] // The ring provider, as in the crate.
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let tcp = TcpStream::connect(("127.0.0.1", self.imaps_port))
            .await
            .unwrap();
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let tls = TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .unwrap();
        let mut client = Client::new(tls);
        client.read_response().await.unwrap().unwrap();
        let session = client
            .login(USER, PASSWORD)
            .await
            .map_err(|(e, _)| e)
            .unwrap();
        Admin { session }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("dovecot's log:\n{}", self.log());
        }
        // SIGTERM lets the master stop its children; then reap it.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// A logged-in session for setting up the mailbox.
pub struct Admin {
    session: async_imap::Session<tokio_rustls::client::TlsStream<TcpStream>>,
}

impl Admin {
    /// Creates a folder.
    pub async fn create(&mut self, folder: &str) {
        self.session.create(folder).await.unwrap();
    }

    /// Appends `raw` (line ends made CRLF) with the given internal date
    /// (`01-Dec-2026 09:14:03 +0100`).
    pub async fn append(&mut self, folder: &str, raw: &[u8], internal_date: &str) {
        let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
        let crlf = text.replace('\n', "\r\n");
        self.session
            .append(folder, None, Some(&format!("\"{internal_date}\"")), crlf)
            .await
            .unwrap();
    }
}

fn write(dir: &Path, name: &str, contents: &str) {
    std::fs::write(dir.join(name), contents).unwrap();
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
