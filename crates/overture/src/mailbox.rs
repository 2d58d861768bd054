//! Email accounts in the binary: a mailbox's settings (its address, SMTP and IMAP servers,
//! footer, one-click unsubscribe link) and passwords, stored encrypted; the workspace's DKIM
//! keys, one per sending domain, stored encrypted; and the mailbox channel built from them.

use std::str::FromStr;
use std::sync::Arc;

use overture_clock::Clock;
use overture_core::{Account, WorkspaceId};
use overture_email::{
    DkimAlgorithm, DkimKey, Mailbox, MailboxChannel, Sender, SmtpConfig, SmtpMailer, SmtpUrl,
    UnsubscribeConfig, unsubscribe_headers,
};
use overture_imap::{ImapMailbox, ImapUrl};
use overture_secrets::vault;
use overture_secrets::{MasterKey, Secret, SecretPlace, open, seal};
use overture_store::Store;
use serde::{Deserialize, Serialize};

use crate::error::{CliError, CliResult};

/// The secret holding a mailbox's settings (JSON, encrypted: its URLs name its users).
pub const MAILBOX: &str = "mailbox";
/// The secret holding the mailbox's password (SMTP, and IMAP unless it has its own).
pub const MAILBOX_PASSWORD: &str = "mailbox_password";
/// The secret holding the IMAP password, when it differs from the SMTP one.
pub const IMAP_PASSWORD: &str = "imap_password";
/// The prefix of a DKIM key's name among the workspace's secrets: `dkim:<domain>`.
pub const DKIM_PREFIX: &str = "dkim:";

/// A mailbox's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxConfig {
    /// `Ana Lindqvist <ana@example.com>`.
    pub from: String,
    /// `smtps://user@host:465` or `smtp://user@host:587` (STARTTLS).
    pub smtp_url: String,
    /// `imaps://user@host:993` or `imap://user@host:143?tls=starttls`; none: mail is not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imap_url: Option<String>,
    /// Appended to every email after a `-- ` line (a postal address, who is writing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// The https base of the one-click unsubscribe link (`<base>/u/<token>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe_url: Option<String>,
    /// The address of the mailto unsubscribe link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe_mailto: Option<String>,
    /// Extra trusted root certificates (PEM), for servers with a private CA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
    /// Save a copy of each email sent in the Sent folder (for servers that do not keep one).
    #[serde(default)]
    pub save_sent_copy: bool,
}

impl MailboxConfig {
    /// Whether the SMTP server is logged in to (its URL names a user), so that a password is
    /// needed; a URL that does not parse counts as needing one ([`MailboxConfig::check`] says
    /// what is wrong with it).
    pub fn smtp_login(&self) -> bool {
        SmtpUrl::parse(&self.smtp_url).map_or(true, |url| url.user.is_some())
    }

    /// Checks every field before anything is stored; errors name the flag.
    pub fn check(&self) -> CliResult {
        Mailbox::from_str(&self.from).map_err(|e| {
            CliError::input(format!(
                "--from {:?}: not an address ({e}); write it like \"Ana Lindqvist <ana@example.com>\"",
                self.from
            ))
        })?;
        SmtpUrl::parse(&self.smtp_url).map_err(|e| CliError::input(format!("--smtp-url: {e}")))?;
        if let Some(url) = &self.imap_url {
            ImapUrl::parse(url).map_err(|e| CliError::input(format!("--imap-url: {e}")))?;
        }
        let unsubscribe = self.unsubscribe();
        unsubscribe_headers(&unsubscribe, "0123456789abcdef0123456789abcdef")
            .map_err(|e| CliError::input(format!("--unsubscribe-url/--unsubscribe-mailto: {e}")))?;
        Ok(())
    }

    fn unsubscribe(&self) -> UnsubscribeConfig {
        UnsubscribeConfig {
            http_base: self.unsubscribe_url.clone(),
            mailto: self.unsubscribe_mailto.clone(),
        }
    }

    /// The sending domain (of `from`).
    pub fn domain(&self) -> Option<String> {
        self.from
            .rsplit_once('@')
            .map(|(_, d)| d.trim_end_matches('>').trim().to_lowercase())
    }
}

/// The error for a secret that does not decrypt.
fn cannot_decrypt(what: &str, error: &dyn std::fmt::Display) -> CliError {
    CliError::input(format!(
        "cannot decrypt {what} ({error}): is this the master key it was stored with ({} or the \
         key file next to the database)?",
        crate::master_key::ENV
    ))
}

/// Stores a mailbox's settings and, when given, its passwords, encrypted.
pub async fn save<S: Store>(
    store: &S,
    key: &MasterKey,
    account: &Account,
    config: &MailboxConfig,
    passwords: (Option<&Secret>, Option<&Secret>),
    now: jiff::Timestamp,
) -> CliResult {
    let at = (account.workspace_id, account.id);
    let json = serde_json::to_string(config)
        .map_err(|e| CliError::Internal(anyhow::Error::new(e).context("encoding the mailbox")))?;
    let fail = |e: vault::VaultError| {
        CliError::Internal(anyhow::Error::new(e).context("storing the mailbox"))
    };
    vault::store_secret(store, key, at, MAILBOX, &Secret::new(json), now)
        .await
        .map_err(fail)?;
    if let Some(password) = passwords.0 {
        vault::store_secret(store, key, at, MAILBOX_PASSWORD, password, now)
            .await
            .map_err(fail)?;
    }
    if let Some(password) = passwords.1 {
        vault::store_secret(store, key, at, IMAP_PASSWORD, password, now)
            .await
            .map_err(fail)?;
    }
    Ok(())
}

/// A mailbox's settings, if stored.
pub async fn load<S: Store>(
    store: &S,
    key: &MasterKey,
    account: &Account,
) -> CliResult<Option<MailboxConfig>> {
    let at = (account.workspace_id, account.id);
    let stored = vault::load_secret(store, key, at, MAILBOX)
        .await
        .map_err(|e| cannot_decrypt(&format!("the mailbox settings of `{}`", account.name), &e))?;
    stored
        .map(|json| {
            serde_json::from_str(json.expose()).map_err(|e| {
                CliError::input(format!(
                    "the stored mailbox settings of `{}` do not read ({e}); set them again with \
                     `overture account set {} --smtp-url …`",
                    account.name, account.name
                ))
            })
        })
        .transpose()
}

/// Where a workspace's DKIM key for `domain` is sealed: the workspace, no account (id 0), and
/// the name `dkim:<domain>`.
fn dkim_place(ws: WorkspaceId, name: &str) -> SecretPlace<'_> {
    SecretPlace {
        workspace: ws,
        account: overture_core::AccountId(0),
        name,
    }
}

/// A DKIM key as stored (JSON, encrypted).
#[derive(Serialize, Deserialize)]
struct StoredDkim {
    selector: String,
    algorithm: String,
    private_key: String,
}

/// Stores `key` as the workspace's DKIM key of its domain, encrypted, replacing any.
pub async fn save_dkim<S: Store>(
    store: &S,
    master: &MasterKey,
    ws: WorkspaceId,
    key: &DkimKey,
    now: jiff::Timestamp,
) -> CliResult {
    use secrecy::ExposeSecret as _;
    let name = format!("{DKIM_PREFIX}{}", key.domain());
    let json = serde_json::to_string(&StoredDkim {
        selector: key.selector().to_owned(),
        algorithm: key.algorithm().as_str().to_owned(),
        private_key: key.private_key().expose_secret().to_owned(),
    })
    .map_err(|e| CliError::Internal(anyhow::Error::new(e)))?;
    let sealed = seal(master, dkim_place(ws, &name), &Secret::new(json))
        .map_err(|e| CliError::Internal(anyhow::Error::new(e)))?;
    store.put_workspace_secret(ws, &name, sealed, now).await?;
    Ok(())
}

/// The workspace's DKIM key for `domain`, if one is stored.
pub async fn load_dkim<S: Store>(
    store: &S,
    master: &MasterKey,
    ws: WorkspaceId,
    domain: &str,
) -> CliResult<Option<DkimKey>> {
    let name = format!("{DKIM_PREFIX}{}", domain.to_lowercase());
    let Some(stored) = store.workspace_secret(ws, &name).await? else {
        return Ok(None);
    };
    let clear = open(master, dkim_place(ws, &name), &stored.sealed)
        .map_err(|e| cannot_decrypt(&format!("the DKIM key of {domain}"), &e))?;
    let parsed: StoredDkim = serde_json::from_str(clear.expose()).map_err(|e| {
        CliError::input(format!(
            "the stored DKIM key of {domain} does not read: {e}"
        ))
    })?;
    let algorithm = DkimAlgorithm::parse(&parsed.algorithm)
        .map_err(|e| CliError::input(format!("the stored DKIM key of {domain}: {e}")))?;
    DkimKey::from_stored(domain, &parsed.selector, algorithm, &parsed.private_key)
        .map(Some)
        .map_err(|e| CliError::input(format!("the stored DKIM key of {domain}: {e}")))
}

/// The channel of an email account from its stored settings, passwords and its domain's DKIM
/// key; `None` when its settings or password are not stored yet.
pub async fn channel<S: Store>(
    store: &S,
    key: &MasterKey,
    account: &Account,
    clock: Arc<dyn Clock>,
) -> CliResult<Option<MailboxChannel>> {
    let Some(config) = load(store, key, account).await? else {
        return Ok(None);
    };
    let at = (account.workspace_id, account.id);
    let secret = |name| async move {
        vault::load_secret(store, key, at, name)
            .await
            .map_err(|e| cannot_decrypt(&format!("the {name} of `{}`", account.name), &e))
    };
    let smtp_url = SmtpUrl::parse(&config.smtp_url)
        .map_err(|e| CliError::input(format!("account `{}`: {e}", account.name)))?;
    let password = secret(MAILBOX_PASSWORD).await?;
    // A server that needs no login (the URL names no user: a relay on this machine) sends
    // without a password; any other waits for one.
    let smtp_password = match (&smtp_url.user, &password) {
        (None, _) => None,
        (Some(_), Some(password)) => Some(password.expose().to_owned().into()),
        (Some(_), None) => return Ok(None),
    };
    let imap_password = secret(IMAP_PASSWORD).await?;
    let mut smtp = SmtpConfig::new(smtp_url, smtp_password);
    smtp.extra_root_certificate = config.ca_pem.clone();
    let from = Mailbox::from_str(&config.from)
        .map_err(|e| CliError::input(format!("account `{}`: --from: {e}", account.name)))?;
    let mut sender = Sender::new(from);
    sender.footer = config.footer.clone();
    sender.unsubscribe = config.unsubscribe();
    let dkim = match config.domain() {
        Some(domain) => load_dkim(store, key, account.workspace_id, &domain).await?,
        None => None,
    };
    let mailer = SmtpMailer::new(smtp, sender, dkim)
        .map_err(|e| CliError::input(format!("account `{}`: {e}", account.name)))?;
    let inbox = match &config.imap_url {
        Some(url) => {
            let url = ImapUrl::parse(url)
                .map_err(|e| CliError::input(format!("account `{}`: {e}", account.name)))?;
            let Some(pass) = imap_password.or(password) else {
                return Ok(None);
            };
            let mut inbox =
                ImapMailbox::new(url, pass.expose().to_owned().into(), Arc::clone(&clock));
            if let Some(pem) = &config.ca_pem {
                inbox = inbox.with_root_certificates(pem).map_err(|e| {
                    CliError::input(format!("account `{}`: --ca-file: {e}", account.name))
                })?;
            }
            Some(inbox)
        }
        None => None,
    };
    Ok(Some(
        MailboxChannel::new(mailer, inbox, clock).saving_sent_copies(config.save_sent_copy),
    ))
}
