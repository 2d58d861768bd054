//! `overture webhook add|list|remove|deliveries|test`: the workspace's webhook endpoints.
//!
//! A new endpoint's signing secret is printed once, by `add`, and stored encrypted with the
//! master key; nothing prints it again. Deliveries go out while `overture run` runs.

use overture_core::webhook::{
    DeliveryStatus, WebhookDeliveryId, WebhookEndpointId, WebhookEventType,
};
use overture_store::{DeliveryQuery, StoreError, WebhookStore};
use overture_webhooks::{
    EndpointSpec, WebhookConfig, WebhookError, create_endpoint, parse_event_types, send_ping,
};
use serde_json::json;

use super::Ctx;
use crate::cli::WebhookCommand;
use crate::error::{CliError, CliResult};
use crate::output::{cell, print_json, table};

/// The outbox's configuration from the settings.
pub fn config(ctx: &Ctx) -> WebhookConfig {
    WebhookConfig {
        allow_private_targets: ctx.settings.webhook_allow_private_targets,
        ..WebhookConfig::default()
    }
}

pub async fn run(ctx: &Ctx, command: WebhookCommand) -> CliResult {
    let ws = ctx.settings.workspace();
    let db = &ctx.db.key_anchor();
    match command {
        WebhookCommand::Add {
            url,
            events,
            allow_private,
            json,
        } => {
            let events = parse_events(&events)?;
            let (master, _) = crate::master_key::load(db)?;
            let store = ctx.store(false).await?;
            let spec = EndpointSpec {
                url,
                events,
                allow_private_targets: allow_private,
            };
            let created = create_endpoint(
                &store,
                &master,
                ws,
                spec,
                ctx.settings.webhook_allow_private_targets,
                ctx.now(),
            )
            .await
            .map_err(cli_error)?;
            let secret = created.secret.text().expose();
            if json {
                return print_json(&json!({ "endpoint": created.endpoint, "secret": secret }));
            }
            println!(
                "Added webhook endpoint {} for {}.",
                created.endpoint.id, created.endpoint.url
            );
            println!("Its signing secret, shown this once (give it to the receiver):\n");
            println!("  {secret}\n");
            println!(
                "Deliveries go out while `overture run` runs. Try it: overture webhook test {}",
                created.endpoint.id
            );
            Ok(())
        }
        WebhookCommand::List(flag) => {
            let store = ctx.store(false).await?;
            let endpoints = store.list_webhook_endpoints(ws).await?;
            if flag.json {
                return print_json(&endpoints);
            }
            if endpoints.is_empty() {
                println!(
                    "No webhook endpoints. Add one: overture webhook add --url https://hooks.example.com/overture --events invite_accepted,reply_received"
                );
                return Ok(());
            }
            let mut t = table(["id", "url", "events", "state", "created"]);
            for e in &endpoints {
                let events: Vec<&str> = e.events.iter().map(|e| e.as_str()).collect();
                let state = match (&e.enabled, &e.disabled_reason) {
                    (true, _) => "enabled".to_owned(),
                    (false, Some(reason)) => format!("disabled: {reason}"),
                    (false, None) => "disabled".to_owned(),
                };
                t.add_row([
                    e.id.to_string(),
                    e.url.clone(),
                    events.join(","),
                    state,
                    e.created_at.strftime("%Y-%m-%d").to_string(),
                ]);
            }
            println!("{t}");
            Ok(())
        }
        WebhookCommand::Remove { id } => {
            let store = ctx.store(false).await?;
            store
                .delete_webhook_endpoint(ws, WebhookEndpointId(id))
                .await
                .map_err(not_found(id))?;
            println!("Removed webhook endpoint {id} and its deliveries.");
            Ok(())
        }
        WebhookCommand::Deliveries {
            endpoint,
            status,
            limit,
            json,
        } => {
            let status = status
                .map(|s| s.parse::<DeliveryStatus>())
                .transpose()
                .map_err(|e| CliError::input(format!("--status: {e}")))?;
            let store = ctx.store(false).await?;
            let deliveries = store
                .list_webhook_deliveries(
                    ws,
                    DeliveryQuery {
                        endpoint: endpoint.map(WebhookEndpointId),
                        status,
                        before: None::<WebhookDeliveryId>,
                        limit,
                    },
                )
                .await?;
            if json {
                return print_json(&deliveries);
            }
            if deliveries.is_empty() {
                println!("No deliveries yet.");
                return Ok(());
            }
            let mut t = table([
                "id",
                "endpoint",
                "type",
                "status",
                "attempts",
                "next / done",
                "last answer",
            ]);
            for d in &deliveries {
                let when = d.finished_at.unwrap_or(d.next_attempt_at);
                let answer = match (d.last_status, &d.last_error) {
                    (_, Some(error)) => error.clone(),
                    (Some(status), None) => status.to_string(),
                    (None, None) => String::new(),
                };
                t.add_row([
                    d.id.to_string(),
                    d.endpoint_id.to_string(),
                    d.event_type.type_name().to_owned(),
                    d.status.to_string(),
                    d.attempts.to_string(),
                    when.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                    cell(Some(&answer)).to_owned(),
                ]);
            }
            println!("{t}");
            Ok(())
        }
        WebhookCommand::Test { id } => {
            let (master, _) = crate::master_key::load(db)?;
            let store = ctx.store(false).await?;
            let delivery = send_ping(
                &store,
                &master,
                &config(ctx),
                &ctx.clock,
                ws,
                WebhookEndpointId(id),
            )
            .await
            .map_err(cli_error)?;
            match delivery.status {
                DeliveryStatus::Delivered => {
                    println!(
                        "Delivered: the receiver answered {} (webhook-id {}).",
                        delivery.last_status.unwrap_or_default(),
                        delivery.message_id
                    );
                    Ok(())
                }
                _ => Err(CliError::input(format!(
                    "the test message was not delivered: {}; it is retried while `overture run` runs (see `overture webhook deliveries`)",
                    delivery.last_error.as_deref().unwrap_or("no answer")
                ))),
            }
        }
    }
}

/// Reads `--events`, naming the accepted names when one is unknown.
fn parse_events(given: &[String]) -> CliResult<Vec<WebhookEventType>> {
    parse_event_types(given).map_err(|e| CliError::input(format!("--events: {e}")))
}

fn not_found(id: i64) -> impl FnOnce(StoreError) -> CliError {
    move |e| match e {
        StoreError::NotFound { .. } => CliError::input(format!(
            "no webhook endpoint {id} in this workspace (see `overture webhook list`)"
        )),
        other => other.into(),
    }
}

fn cli_error(e: WebhookError) -> CliError {
    match e {
        WebhookError::Store(e) => e.into(),
        WebhookError::Seal(e) => CliError::input(format!(
            "cannot decrypt the webhook's signing secret ({e}): is this the master key it was stored with ({} or the key file next to the database)?",
            crate::master_key::ENV
        )),
        WebhookError::Target(_) | WebhookError::NoEvents(_) | WebhookError::BadSecret(_) => {
            CliError::input(e)
        }
        WebhookError::Randomness(_) => CliError::Internal(anyhow::Error::new(e)),
    }
}
