//! `--cookies-file`: a LinkedIn account's session, read, encrypted and stored. The cookie
//! values are never printed, logged or put in an error.

use std::path::Path;

use overture_core::{Account, AccountKind};
use overture_secrets::vault::{self, LINKEDIN_SESSION};
use overture_secrets::{LinkedInSession, MasterKey, parse_cookies};
use overture_store::Store;

use crate::cli::RouteArgs;
use crate::cmd::Ctx;
use crate::error::{CliError, CliResult};
use crate::linkedin::{LINKEDIN_ROUTE, Route};
use crate::master_key;

/// The master key, for commands that store or read an account's secrets.
pub fn key(ctx: &Ctx) -> CliResult<MasterKey> {
    let db = &ctx.db.key_anchor();
    Ok(master_key::load(db)?.0)
}

/// The route `args` asks for, from the account's `current` one, checked before anything is
/// stored. Only LinkedIn accounts have one.
pub fn new_route(kind: AccountKind, current: &Route, args: &RouteArgs) -> CliResult<Route> {
    if kind != AccountKind::Linkedin {
        return Err(CliError::input(format!(
            "--api-base and --proxy are for LinkedIn accounts, not {kind} ones"
        )));
    }
    let mut route = current.clone();
    if let Some(base) = &args.api_base {
        route.api_base = (base != "default").then(|| base.trim_end_matches('/').to_owned());
    }
    if let Some(proxy) = &args.proxy {
        route.proxy = (proxy != "none").then(|| proxy.clone());
    }
    route.check()?;
    Ok(route)
}

/// A session read from the user's file with the key to store it with.
#[derive(Debug)]
pub struct Cookies {
    session: LinkedInSession,
    key: MasterKey,
}

/// Reads the cookies at `path` (`-`: standard input) and the master key, before anything is
/// stored, so that a bad file or a missing key changes nothing.
pub fn read(ctx: &Ctx, kind: AccountKind, path: &Path) -> CliResult<Cookies> {
    if kind != AccountKind::Linkedin {
        return Err(CliError::input(format!(
            "--cookies-file is for LinkedIn accounts, not {kind} ones"
        )));
    }
    let (name, text) = if path == Path::new("-") {
        let text = std::io::read_to_string(std::io::stdin())
            .map_err(|e| CliError::input(format!("cannot read standard input: {e}")))?;
        ("standard input".to_owned(), text)
    } else {
        let bytes = std::fs::read(path)
            .map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            CliError::input(format!(
                "{}: not UTF-8 text (export the cookies as text, JSON or cookies.txt)",
                path.display()
            ))
        })?;
        (path.display().to_string(), text)
    };
    let session = parse_cookies(&name, &text).map_err(CliError::input)?;
    Ok(Cookies {
        session,
        key: key(ctx)?,
    })
}

/// Encrypts and stores the session as the account's.
pub async fn save<S: Store>(
    ctx: &Ctx,
    store: &S,
    account: &Account,
    cookies: &Cookies,
) -> CliResult {
    vault::store_session(
        store,
        &cookies.key,
        account.workspace_id,
        account.id,
        &cookies.session,
        ctx.now(),
    )
    .await
    .map_err(|e| CliError::Internal(anyhow::Error::new(e).context("storing the session")))?;
    tracing::info!(account = %account.name, "stored the LinkedIn session, encrypted");
    Ok(())
}

/// The account's session as `account show` says it: whether one is stored and since when,
/// never its value. `None` for accounts that have no session.
pub async fn describe<S: Store>(store: &S, account: &Account) -> CliResult<Option<String>> {
    let secrets = store.list_secrets(account.workspace_id, account.id).await?;
    if account.kind == AccountKind::Email {
        let has = |name: &str| secrets.iter().find(|s| s.name == name);
        return Ok(Some(
            match (
                has(crate::mailbox::MAILBOX),
                has(crate::mailbox::MAILBOX_PASSWORD),
            ) {
                (Some(s), Some(_)) => format!(
                    "mailbox settings and password stored, encrypted (set {})",
                    s.updated_at.strftime("%Y-%m-%d")
                ),
                (Some(_), None) => format!(
                    "mailbox settings stored, no password (give it: overture account set {} --password-file FILE)",
                    account.name
                ),
                _ => format!(
                    "none (give them: overture account set {} --from \"Name <address>\" --smtp-url URL --password-file FILE)",
                    account.name
                ),
            },
        ));
    }
    if account.kind != AccountKind::Linkedin {
        return Ok(None);
    }
    let routed = if secrets.iter().any(|s| s.name == LINKEDIN_ROUTE) {
        "; reached through its own api_base or proxy (stored encrypted)"
    } else {
        ""
    };
    let session = match secrets.iter().find(|s| s.name == LINKEDIN_SESSION) {
        Some(s) => format!(
            "stored, encrypted (li_at and JSESSIONID, set {})",
            s.updated_at.strftime("%Y-%m-%d")
        ),
        None => format!(
            "none (give one: overture account set {} --cookies-file FILE)",
            account.name
        ),
    };
    Ok(Some(format!("{session}{routed}")))
}
