//! `overture account check NAME`: the smoke test a user runs on a LinkedIn account before it
//! sends anything. It decrypts the stored session and route, asks LinkedIn who the session is,
//! how many invitations are pending and how complete the sender's own profile is, and prints
//! it. It reads only: the database is not written (not even the account's status, nor cookies
//! LinkedIn rotates during the check; `overture run` stores those), and no cookie value is
//! printed.
//!
//! Exit status: 0 when the session works, even when the profile lacks parts (those are
//! warnings); 2 when the account cannot be checked for a reason its owner can fix (no session,
//! a dead one, a security challenge, a block, the wrong master key), each with what to do next;
//! 1 when LinkedIn could not be reached or answered unexpectedly.

use overture_channel::ChannelError;
use overture_core::{Account, AccountKind, Tier};
use overture_linkedin::{AccountCheck, MIN_CONNECTIONS, Missing};
use overture_secrets::vault::LINKEDIN_SESSION;
use overture_store::Store;
use serde::Serialize;

use super::{find, session};
use crate::cmd::Ctx;
use crate::error::{CliError, CliResult};
use crate::linkedin::{Route, client, load_route};
use crate::output::print_json;

/// What `--json` prints: the check's findings with the account's name and its governor's cap.
#[derive(Debug, Serialize)]
struct Report<'a> {
    /// The account's name in Overture.
    account: &'a str,
    /// Whether the profile lacks nothing (the session works, or nothing is printed).
    ok: bool,
    #[serde(flatten)]
    check: &'a AccountCheck,
    /// The governor's cap on pending invitations (`max_pending`).
    max_pending: u32,
    /// Where the account reaches LinkedIn, without the proxy's URL.
    route: String,
    /// What the profile lacks, most important first.
    missing: Vec<Gap>,
}

/// One missing part with what to do about it.
#[derive(Debug, Serialize)]
struct Gap {
    #[serde(flatten)]
    missing: Missing,
    what: String,
    advice: &'static str,
}

pub async fn run(ctx: &Ctx, name: &str, json: bool) -> CliResult {
    let store = ctx.store(false).await?;
    let account = find(ctx, &store, name).await?;
    if account.kind != AccountKind::Linkedin {
        return Err(CliError::input(format!(
            "`{name}` is a {} account; `account check` checks LinkedIn accounts",
            account.kind
        )));
    }
    // Whether a session is stored is known without the key.
    let secrets = store.list_secrets(account.workspace_id, account.id).await?;
    if !secrets.iter().any(|s| s.name == LINKEDIN_SESSION) {
        return Err(no_session(name));
    }
    let key = session::key(ctx)?;
    let route = load_route(&store, &key, &account).await?;
    let Some(client) = client(&store, &key, &account).await? else {
        return Err(no_session(name));
    };
    let check = client
        .account_check()
        .await
        .map_err(|e| failed(&account, &route, e))?;
    let missing = check.missing();
    if json {
        return print_json(&Report {
            account: name,
            ok: missing.is_empty(),
            check: &check,
            max_pending: account.governor.max_pending,
            route: route.describe(),
            missing: missing
                .iter()
                .map(|&m| Gap {
                    missing: m,
                    what: m.what(),
                    advice: m.advice(),
                })
                .collect(),
        });
    }
    print(&account, &route, &check, &missing);
    Ok(())
}

fn no_session(name: &str) -> CliError {
    CliError::input(format!(
        "account `{name}` has no LinkedIn session stored: export the cookies of a browser logged \
         in to linkedin.com and give them with `overture account set {name} --cookies-file FILE`"
    ))
}

/// The error for a check LinkedIn refused, with what to do next.
fn failed(account: &Account, route: &Route, error: ChannelError) -> CliError {
    let name = &account.name;
    let set_cookies = format!("overture account set {name} --cookies-file FILE");
    match error {
        ChannelError::SessionExpired => CliError::input(format!(
            "the LinkedIn session of `{name}` has expired or was logged out: log in to \
             linkedin.com in the browser, export fresh cookies and store them with \
             `{set_cookies}`"
        )),
        ChannelError::Challenge { detail } => CliError::input(format!(
            "LinkedIn asks `{name}` to pass a security check ({detail}): log in to linkedin.com \
             in the browser, solve the challenge, then export fresh cookies and store them with \
             `{set_cookies}`"
        )),
        ChannelError::Restricted { until } => {
            let until = until.map_or_else(String::new, |t| format!(" until {t}"));
            CliError::input(format!(
                "LinkedIn refuses the requests of `{name}`{until} (HTTP 999 or a restriction), \
                 made through {}: LinkedIn blocks addresses it takes for automation; wait, and \
                 send the account's requests through a proxy near where you log in with \
                 `overture account set {name} --proxy socks5h://user:pass@host:1080`",
                route.describe()
            ))
        }
        ChannelError::ActionRequired { detail } => CliError::input(format!(
            "LinkedIn needs the owner of `{name}` to act before it can be used: {detail}"
        )),
        ChannelError::RateLimited { retry_after } => CliError::input(format!(
            "LinkedIn is limiting the requests of `{name}`: try again in {retry_after:#}"
        )),
        other => CliError::Internal(anyhow::anyhow!(
            "checking `{name}` at {}: {other}; check the network, `--api-base` and `--proxy` \
             (`overture account show {name}`) and try again",
            route.describe()
        )),
    }
}

fn mark(present: bool) -> char {
    if present { '✓' } else { '✗' }
}

fn print(account: &Account, route: &Route, check: &AccountCheck, missing: &[Missing]) {
    let name = &account.name;
    println!("Account `{name}`: the LinkedIn session works.");
    let premium = if check.premium {
        "Premium"
    } else {
        "no Premium"
    };
    println!(
        "  who:       {} {} (linkedin.com/in/{}), {premium}",
        check.first_name, check.last_name, check.public_id
    );
    println!(
        "  headline:  {}",
        check.headline.as_deref().unwrap_or("(none)")
    );
    println!("  reaches:   {}", route.describe());
    let cap = account.governor.max_pending;
    println!(
        "  pending:   {} invitation(s); the governor keeps at most {cap}",
        check.pending_invitations
    );
    let p = &check.profile;
    println!("  profile:");
    for (present, what) in [
        (p.photo, "photo"),
        (p.headline, "headline"),
        (p.experience, "experience"),
        (p.about, "about section"),
    ] {
        println!("    {} {what}", mark(present));
    }
    println!(
        "    {} {} connections (at least {MIN_CONNECTIONS})",
        mark(p.connections >= MIN_CONNECTIONS),
        p.connections
    );
    let tier_premium = account.tier != Tier::Free;
    if tier_premium != check.premium {
        println!(
            "Warning: `{name}` is set up as {} but LinkedIn says it has {premium}; its limits and \
             note length follow the tier: `overture account set {name} --tier {}`",
            account.tier,
            if check.premium { "premium" } else { "free" }
        );
    }
    if check.pending_invitations >= cap {
        println!(
            "Warning: {} invitations are pending, at or over the cap of {cap}: no invitation is \
             sent until some are accepted or withdrawn (see `overture invites pending`)",
            check.pending_invitations
        );
    }
    if missing.is_empty() {
        println!("The profile has everything invitations need.");
        return;
    }
    println!(
        "The profile lacks {} part(s) that make people accept invitations:",
        missing.len()
    );
    for m in missing {
        println!("  - {m}");
    }
}
