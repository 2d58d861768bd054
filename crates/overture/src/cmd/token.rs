//! `overture token create|list|revoke`: the workspace's API tokens.
//!
//! A token is printed once, when it is made; the store keeps its SHA-256 and its prefix, so
//! nobody (not even this command) can show it again. Lists show prefixes.

use overture_auth::ApiToken;
use overture_core::Role;
use overture_store::{NewApiToken, StoreError, UserStore};

use super::Ctx;
use crate::cli::TokenCommand;
use crate::error::{CliError, CliResult};
use crate::output::{cell, print_json, table};

pub async fn run(ctx: &Ctx, command: TokenCommand) -> CliResult {
    let ws = ctx.settings.workspace();
    match command {
        TokenCommand::Create { name, role, json } => {
            let name = name.trim();
            if name.is_empty() {
                return Err(CliError::input(
                    "the name is empty: say what the token is for with --name",
                ));
            }
            let role = Role::from(role);
            let store = ctx.store(true).await?;
            let token = ApiToken::generate();
            let info = store
                .create_api_token(NewApiToken {
                    workspace_id: ws,
                    name: name.to_owned(),
                    prefix: token.prefix().to_owned(),
                    hash: token.hash().as_str().to_owned(),
                    role,
                    created_by: None,
                    created_at: ctx.now(),
                })
                .await?;
            if json {
                return print_json(&serde_json::json!({
                    "token": token.secret().expose(),
                    "id": info.id,
                    "prefix": info.prefix,
                    "name": info.name,
                    "role": info.role,
                    "workspace_id": info.workspace_id,
                    "created_at": info.created_at,
                }));
            }
            eprintln!(
                "Created the {role} token `{name}` ({}). Copy it now: it is shown only this once.",
                info.prefix
            );
            println!("{}", token.secret().expose());
            Ok(())
        }
        TokenCommand::List(flag) => {
            let store = ctx.store(false).await?;
            let tokens = store.list_api_tokens(ws).await?;
            if flag.json {
                return print_json(&tokens);
            }
            if tokens.is_empty() {
                println!(
                    "No API tokens. Create one: overture token create --name \"crm sync\" --role member"
                );
                return Ok(());
            }
            let day =
                |t: Option<jiff::Timestamp>| t.map(|t| t.strftime("%Y-%m-%d %H:%M").to_string());
            let mut t = table(["prefix", "name", "role", "created", "last used", "revoked"]);
            for token in &tokens {
                t.add_row([
                    token.prefix.clone(),
                    token.name.clone(),
                    token.role.to_string(),
                    token.created_at.strftime("%Y-%m-%d %H:%M").to_string(),
                    cell(day(token.last_used_at).as_deref()).to_owned(),
                    cell(day(token.revoked_at).as_deref()).to_owned(),
                ]);
            }
            println!("{t}");
            Ok(())
        }
        TokenCommand::Revoke { prefix } => {
            let store = ctx.store(false).await?;
            let revoked = match store.revoke_api_token(ws, &prefix, ctx.now()).await {
                Err(StoreError::NotFound { .. }) => {
                    return Err(CliError::input(format!(
                        "no token of this workspace has the prefix `{}`; see overture token list",
                        prefix.trim()
                    )));
                }
                other => other?,
            };
            println!(
                "Revoked {} (`{}`): it no longer works.",
                revoked.prefix, revoked.name
            );
            Ok(())
        }
    }
}
