//! `--from`, `--smtp-url`, `--imap-url`, `--password-file`…: an email account's mailbox, read
//! and checked before anything is stored, then stored encrypted. Passwords are never printed,
//! logged or put in an error.

use std::path::Path;

use overture_core::{Account, AccountKind};
use overture_secrets::{MasterKey, Secret};
use overture_store::Store;

use crate::cli::{MailboxArgs, OnOff};
use crate::cmd::Ctx;
use crate::error::{CliError, CliResult};
use crate::mailbox::{self, MailboxConfig};

/// A mailbox's new settings and passwords, checked, with the key to store them with.
#[derive(Debug)]
pub struct MailboxUpdate {
    config: MailboxConfig,
    password: Option<Secret>,
    imap_password: Option<Secret>,
    key: MasterKey,
}

impl MailboxUpdate {
    /// Whether a password is part of the update.
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }

    /// Whether the account can send with what it has: a password, or an SMTP server that
    /// needs no login (its URL names no user).
    pub fn can_send(&self) -> bool {
        self.password.is_some() || !self.config.smtp_login()
    }
}

/// Reads the flags over `current` (the stored settings, or none for a new account); fails,
/// naming the flag, before anything is stored.
pub fn read(
    kind: AccountKind,
    current: Option<MailboxConfig>,
    args: &MailboxArgs,
    key: MasterKey,
) -> CliResult<MailboxUpdate> {
    if kind != AccountKind::Email {
        return Err(CliError::input(format!(
            "--from, --smtp-url, --imap-url and the other mailbox flags are for email accounts, not {kind} ones"
        )));
    }
    let mut config = current.unwrap_or_default();
    let blank_is_none = |v: &str| (!v.trim().is_empty()).then(|| v.to_owned());
    if let Some(from) = &args.from {
        config.from = from.clone();
    }
    if let Some(url) = &args.smtp_url {
        config.smtp_url = url.clone();
    }
    if let Some(url) = &args.imap_url {
        config.imap_url = (url != "none").then(|| url.clone());
    }
    if let Some(footer) = &args.footer {
        config.footer = blank_is_none(footer);
    }
    if let Some(url) = &args.unsubscribe_url {
        config.unsubscribe_url = blank_is_none(url);
    }
    if let Some(address) = &args.unsubscribe_mailto {
        config.unsubscribe_mailto = blank_is_none(address);
    }
    if let Some(path) = &args.ca_file {
        let pem = std::fs::read_to_string(path)
            .map_err(|e| CliError::input(format!("--ca-file {}: {e}", path.display())))?;
        if !pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(CliError::input(format!(
                "--ca-file {}: no PEM certificate in it",
                path.display()
            )));
        }
        config.ca_pem = Some(pem);
    }
    if let Some(save) = args.save_sent_copy {
        config.save_sent_copy = save == OnOff::On;
    }
    if config.from.is_empty() || config.smtp_url.is_empty() {
        return Err(CliError::input(
            "an email account needs --from \"Name <address>\" and --smtp-url smtps://USER@HOST \
             (see docs/email.md)",
        ));
    }
    config.check()?;
    let password = args
        .password_file
        .as_deref()
        .map(|p| secret_file("--password-file", p))
        .transpose()?;
    if password.is_some() && !config.smtp_login() {
        return Err(CliError::input(
            "--password-file: the SMTP URL names no user, so the mailbox does not log in; put \
             the user in the URL (smtps://USER@HOST) or leave the password out",
        ));
    }
    let imap_password = args
        .imap_password_file
        .as_deref()
        .map(|p| secret_file("--imap-password-file", p))
        .transpose()?;
    Ok(MailboxUpdate {
        config,
        password,
        imap_password,
        key,
    })
}

/// Stores the update as the account's mailbox.
pub async fn save<S: Store>(
    ctx: &Ctx,
    store: &S,
    account: &Account,
    update: &MailboxUpdate,
) -> CliResult {
    mailbox::save(
        store,
        &update.key,
        account,
        &update.config,
        (update.password.as_ref(), update.imap_password.as_ref()),
        ctx.now(),
    )
    .await?;
    tracing::info!(account = %account.name, "stored the mailbox settings, encrypted");
    Ok(())
}

/// A password from a file (`-`: standard input), without its final line break.
fn secret_file(flag: &str, path: &Path) -> CliResult<Secret> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| CliError::input(format!("{flag}: cannot read standard input: {e}")))?
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::input(format!("{flag} {}: {e}", path.display())))?
    };
    let password = text.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        return Err(CliError::input(format!("{flag}: the file is empty")));
    }
    Ok(Secret::new(password))
}
