//! LinkedIn accounts in the binary: how each one reaches LinkedIn (its route: `api_base` and
//! proxy, stored encrypted since a proxy URL may carry a password), its Voyager client built
//! from the stored session, the channels `overture run` carries, and the cookies LinkedIn
//! rotates, saved back.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;
use overture_core::{Account, AccountId, AccountKind, WorkspaceId};
use overture_email::MailboxChannels;
use overture_linkedin::{ClientConfig, LinkedInChannel, LinkedInChannels, VoyagerClient};
use overture_secrets::vault::{self, LINKEDIN_SESSION};
use overture_secrets::{LinkedInSession, MasterKey, Secret};
use overture_store::Store;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::error::{CliError, CliResult};

/// The name under which an account's route is stored (encrypted JSON).
pub const LINKEDIN_ROUTE: &str = "linkedin_route";

/// How an account reaches LinkedIn, when not directly: another `api_base` (a corporate
/// gateway, or the fake LinkedIn for trying things) and an HTTP or SOCKS5 proxy.
#[derive(Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// Scheme and host LinkedIn is reached at; `None`: `https://www.linkedin.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base: Option<String>,
    /// The proxy URL (`http://`, `https://`, `socks5://`, `socks5h://`), which may carry
    /// credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route")
            .field("api_base", &self.api_base)
            .field("proxy", &self.proxy.as_ref().map(|_| "***"))
            .finish()
    }
}

impl Route {
    /// The client settings this route gives.
    pub fn client_config(&self) -> ClientConfig {
        let mut config = ClientConfig::default();
        if let Some(base) = &self.api_base {
            config.api_base.clone_from(base);
        }
        config.proxy = self.proxy.clone().map(Into::into);
        config
    }

    /// Checks the URLs by building a client with them, so a bad `--api-base` or `--proxy` is
    /// refused before anything is stored. The proxy URL is never repeated in the error.
    pub fn check(&self) -> CliResult {
        let probe = LinkedInSession::new("probe", "ajax:probe");
        VoyagerClient::new(&probe, &self.client_config())
            .map(|_| ())
            .map_err(|e| match e {
                overture_linkedin::BuildError::Proxy => CliError::input(
                    "--proxy: not a proxy URL (use http://host:port, socks5://user:pass@host:port \
                     or socks5h://…)",
                ),
                overture_linkedin::BuildError::ApiBase(base) => CliError::input(format!(
                    "--api-base {base:?}: not an http:// or https:// URL"
                )),
                other => CliError::input(format!("--api-base/--proxy: {other}")),
            })
    }

    /// A line for `account show`: where requests go, never the proxy's URL.
    pub fn describe(&self) -> String {
        let base = self
            .api_base
            .as_deref()
            .unwrap_or("https://www.linkedin.com (default)");
        match &self.proxy {
            Some(_) => format!("{base}, through a proxy"),
            None => base.to_owned(),
        }
    }

    fn is_direct(&self) -> bool {
        self.api_base.is_none() && self.proxy.is_none()
    }
}

/// Stores the account's route, encrypted; the direct route deletes it.
pub async fn save_route<S: Store>(
    store: &S,
    key: &MasterKey,
    account: &Account,
    route: &Route,
    now: Timestamp,
) -> CliResult {
    let at = (account.workspace_id, account.id);
    if route.is_direct() {
        store
            .delete_secret(account.workspace_id, account.id, LINKEDIN_ROUTE)
            .await?;
        return Ok(());
    }
    let json = serde_json::to_string(route)
        .map_err(|e| CliError::Internal(anyhow::Error::new(e).context("encoding the route")))?;
    vault::store_secret(store, key, at, LINKEDIN_ROUTE, &Secret::new(json), now)
        .await
        .map_err(|e| CliError::Internal(anyhow::Error::new(e).context("storing the route")))
}

/// The account's route (direct when none is stored).
pub async fn load_route<S: Store>(
    store: &S,
    key: &MasterKey,
    account: &Account,
) -> CliResult<Route> {
    let at = (account.workspace_id, account.id);
    let stored = vault::load_secret(store, key, at, LINKEDIN_ROUTE)
        .await
        .map_err(|e| cannot_decrypt(account, &e))?;
    match stored {
        None => Ok(Route::default()),
        Some(json) => serde_json::from_str(json.expose()).map_err(|e| {
            CliError::input(format!(
                "the stored route of `{}` does not read ({e}); set it again with \
                 `overture account set {} --api-base URL`",
                account.name, account.name
            ))
        }),
    }
}

/// The error for a secret that does not decrypt: the wrong key, or a damaged row.
fn cannot_decrypt(account: &Account, error: &dyn std::fmt::Display) -> CliError {
    CliError::input(format!(
        "cannot decrypt the secrets of account `{}` ({error}): is this the master key they were \
         stored with ({} or the key file next to the database)? If the key is lost, store the \
         cookies again with `overture account set {} --cookies-file FILE`",
        account.name,
        crate::master_key::ENV,
        account.name
    ))
}

/// The account's Voyager client from its stored session and route; `None` when no session is
/// stored.
pub async fn client<S: Store>(
    store: &S,
    key: &MasterKey,
    account: &Account,
) -> CliResult<Option<VoyagerClient>> {
    let session = vault::load_session(store, key, account.workspace_id, account.id)
        .await
        .map_err(|e| cannot_decrypt(account, &e))?;
    let Some(session) = session else {
        return Ok(None);
    };
    let route = load_route(store, key, account).await?;
    let client = VoyagerClient::new(&session, &route.client_config()).map_err(|e| {
        CliError::input(format!(
            "account `{}`: cannot build its LinkedIn client: {e}",
            account.name
        ))
    })?;
    Ok(Some(client))
}

/// A session LinkedIn rotated, to be stored.
#[derive(Debug)]
pub struct Rotated {
    workspace: WorkspaceId,
    account: AccountId,
    name: String,
    session: LinkedInSession,
}

/// Keeps the LinkedIn and mailbox channels in step with the store: loads each LinkedIn
/// account's channel from its session and route, and each email account's from its mailbox
/// settings, passwords and DKIM key, again whenever any of them changes (new cookies from
/// `overture account set`), and hands the cookies LinkedIn rotates to the saver.
pub struct SessionLoader {
    key: MasterKey,
    channels: Arc<LinkedInChannels>,
    mailboxes: Arc<MailboxChannels>,
    clock: Arc<dyn overture_clock::Clock>,
    /// When each loaded account's credentials were last stored.
    loaded: HashMap<AccountId, Timestamp>,
    rotations: mpsc::UnboundedSender<Rotated>,
}

impl std::fmt::Debug for SessionLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionLoader")
            .field("loaded", &self.loaded.len())
            .finish_non_exhaustive()
    }
}

/// Stores the sessions LinkedIn rotates until every sender is gone; returns how many it
/// stored. A failure is logged (with the account's name, never the values) and the next
/// rotation tries again.
pub async fn save_rotations<S: Store>(
    store: S,
    key: MasterKey,
    mut rotations: mpsc::UnboundedReceiver<Rotated>,
    clock: impl overture_clock::Clock,
) -> u32 {
    let mut saved = 0;
    while let Some(r) = rotations.recv().await {
        let now = clock.now();
        match vault::store_session(&store, &key, r.workspace, r.account, &r.session, now).await {
            Ok(()) => {
                saved += 1;
                tracing::info!(account = %r.name, "stored the rotated LinkedIn session, encrypted");
            }
            Err(e) => {
                tracing::warn!(account = %r.name, error = %e, "could not store the rotated LinkedIn session");
            }
        }
    }
    saved
}

impl SessionLoader {
    /// A loader filling `channels`; rotated sessions go to `rotations` (see
    /// [`save_rotations`]).
    pub fn new(
        key: MasterKey,
        (channels, mailboxes): (Arc<LinkedInChannels>, Arc<MailboxChannels>),
        clock: Arc<dyn overture_clock::Clock>,
        rotations: mpsc::UnboundedSender<Rotated>,
    ) -> Self {
        Self {
            key,
            channels,
            mailboxes,
            clock,
            loaded: HashMap::new(),
            rotations,
        }
    }

    /// Loads the channels of the workspace's email accounts whose settings, passwords or DKIM
    /// keys changed since the last call.
    async fn refresh_mailboxes<S: Store>(
        &mut self,
        store: &S,
        ws: WorkspaceId,
        accounts: &[Account],
    ) -> CliResult {
        let dkim = store
            .list_workspace_secrets(ws)
            .await?
            .into_iter()
            .filter(|s| s.name.starts_with(crate::mailbox::DKIM_PREFIX))
            .map(|s| s.updated_at)
            .max();
        for account in accounts.iter().filter(|a| a.kind == AccountKind::Email) {
            let secrets = store.list_secrets(ws, account.id).await?;
            let stamp = secrets.iter().map(|s| s.updated_at).chain(dkim).max();
            if stamp.is_some() && self.loaded.get(&account.id) == stamp.as_ref() {
                continue;
            }
            let clock = Arc::clone(&self.clock);
            match crate::mailbox::channel(store, &self.key, account, clock).await? {
                Some(channel) => {
                    self.mailboxes.insert(account.id, channel);
                    tracing::debug!(account = %account.name, "loaded the mailbox");
                }
                None => {
                    self.mailboxes.remove(account.id);
                }
            }
            if let Some(stamp) = stamp {
                self.loaded.insert(account.id, stamp);
            }
        }
        Ok(())
    }

    /// Loads the channels of the workspace's LinkedIn and email accounts whose credentials
    /// changed since the last call; forgets those whose session was deleted. Returns how many
    /// accounts are loaded. An account whose secrets do not decrypt is an error.
    pub async fn refresh<S: Store>(&mut self, store: &S, ws: WorkspaceId) -> CliResult<usize> {
        let accounts = store.list_accounts(ws).await?;
        self.refresh_mailboxes(store, ws, &accounts).await?;
        for account in accounts.iter().filter(|a| a.kind == AccountKind::Linkedin) {
            let secrets = store.list_secrets(ws, account.id).await?;
            let has_session = secrets.iter().any(|s| s.name == LINKEDIN_SESSION);
            let stamp = secrets
                .iter()
                .filter(|s| s.name == LINKEDIN_SESSION || s.name == LINKEDIN_ROUTE)
                .map(|s| s.updated_at)
                .max();
            if !has_session {
                if self.loaded.remove(&account.id).is_some() {
                    self.channels.remove(account.id);
                }
                continue;
            }
            if stamp.is_some() && self.loaded.get(&account.id) == stamp.as_ref() {
                continue;
            }
            let Some(client) = client(store, &self.key, account).await? else {
                continue;
            };
            let hook = {
                let sender = self.rotations.clone();
                let (workspace, id, name) = (ws, account.id, account.name.clone());
                Arc::new(move |session: &LinkedInSession| {
                    let _ = sender.send(Rotated {
                        workspace,
                        account: id,
                        name: name.clone(),
                        session: session.clone(),
                    });
                })
            };
            self.channels
                .insert(account.id, LinkedInChannel::new(client.on_rotation(hook)));
            if let Some(stamp) = stamp {
                self.loaded.insert(account.id, stamp);
            }
            tracing::debug!(account = %account.name, "loaded the LinkedIn session");
        }
        Ok(self.loaded.len())
    }
}
