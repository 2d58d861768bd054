//! Webhooks: endpoints (their secrets as opaque sealed bytes), the outbox of deliveries, the
//! attempts, and the dispatcher's cursor per workspace.

use jiff::{SignedDuration, Timestamp};
use overture_core::webhook::{
    DeliveryStatus, WebhookDeliveryId, WebhookEndpointId, WebhookEventType,
};
use overture_core::{EventId, WorkspaceId};
use overture_store::{
    AttemptOutcome, DeliveryQuery, NewWebhookDelivery, NewWebhookEndpoint, SealedSecret,
    StoreError, StoredAttempt, WebhookAttempt, WebhookDelivery, WebhookEndpoint,
};
use rusqlite::{Connection, Row, params};

use crate::sqlite_store::{
    SqliteStore, col, col_json, col_opt_ts, col_parse, col_ts, db_err, exec, found, limit, ms,
    require_workspace, row, row_or, rows, scalar, to_json, unavailable,
};

const ENDPOINT: &str = "webhook endpoint";
const DELIVERY: &str = "webhook delivery";

const ENDPOINT_COLUMNS: &str = "id, workspace_id, url, events, enabled, disabled_reason,
    allow_private_targets, created_at, updated_at";

const DELIVERY_COLUMNS: &str = "id, workspace_id, endpoint_id, event_id, event_type,
    message_id, payload, status, attempts, next_attempt_at, last_status, last_error,
    created_at, finished_at";

fn endpoint(row: &Row<'_>) -> Result<WebhookEndpoint, StoreError> {
    Ok(WebhookEndpoint {
        id: WebhookEndpointId(col(row, ENDPOINT, "id")?),
        workspace_id: WorkspaceId(col(row, ENDPOINT, "workspace_id")?),
        url: col(row, ENDPOINT, "url")?,
        events: col_json(row, ENDPOINT, "events")?,
        enabled: col(row, ENDPOINT, "enabled")?,
        disabled_reason: col(row, ENDPOINT, "disabled_reason")?,
        allow_private_targets: col(row, ENDPOINT, "allow_private_targets")?,
        created_at: col_ts(row, ENDPOINT, "created_at")?,
        updated_at: col_ts(row, ENDPOINT, "updated_at")?,
    })
}

fn delivery(row: &Row<'_>) -> Result<WebhookDelivery, StoreError> {
    Ok(WebhookDelivery {
        id: WebhookDeliveryId(col(row, DELIVERY, "id")?),
        workspace_id: WorkspaceId(col(row, DELIVERY, "workspace_id")?),
        endpoint_id: WebhookEndpointId(col(row, DELIVERY, "endpoint_id")?),
        event_id: col::<Option<i64>>(row, DELIVERY, "event_id")?.map(EventId),
        event_type: col_parse::<WebhookEventType>(row, DELIVERY, "event_type")?,
        message_id: col(row, DELIVERY, "message_id")?,
        payload: col(row, DELIVERY, "payload")?,
        status: col_parse::<DeliveryStatus>(row, DELIVERY, "status")?,
        attempts: col(row, DELIVERY, "attempts")?,
        next_attempt_at: col_ts(row, DELIVERY, "next_attempt_at")?,
        last_status: col(row, DELIVERY, "last_status")?,
        last_error: col(row, DELIVERY, "last_error")?,
        created_at: col_ts(row, DELIVERY, "created_at")?,
        finished_at: col_opt_ts(row, DELIVERY, "finished_at")?,
    })
}

fn get_endpoint(
    conn: &Connection,
    ws: WorkspaceId,
    id: WebhookEndpointId,
) -> Result<WebhookEndpoint, StoreError> {
    found(
        row(
            conn,
            &format!(
                "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints
                  WHERE workspace_id = ?1 AND id = ?2"
            ),
            [ws.get(), id.get()],
            endpoint,
        )?,
        ENDPOINT,
        id,
    )
}

fn get_delivery(
    conn: &Connection,
    ws: Option<WorkspaceId>,
    id: WebhookDeliveryId,
) -> Result<WebhookDelivery, StoreError> {
    found(
        row(
            conn,
            &format!(
                "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
                  WHERE id = ?1 AND (?2 IS NULL OR workspace_id = ?2)"
            ),
            params![id.get(), ws.map(WorkspaceId::get)],
            delivery,
        )?,
        DELIVERY,
        id,
    )
}

impl SqliteStore {
    pub(crate) fn create_webhook_endpoint_impl(
        &self,
        new: NewWebhookEndpoint,
    ) -> Result<WebhookEndpoint, StoreError> {
        let events = to_json(ENDPOINT, &new.events)?;
        self.write(|tx| {
            require_workspace(tx, new.workspace_id)?;
            let id: i64 = found(
                row_or(
                    tx,
                    "INSERT INTO webhook_endpoints
                        (workspace_id, url, events, allow_private_targets, secret_nonce,
                         secret_ciphertext, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) RETURNING id",
                    params![
                        new.workspace_id.get(),
                        new.url,
                        events,
                        new.allow_private_targets,
                        new.secret.nonce,
                        new.secret.ciphertext,
                        ms(new.created_at),
                    ],
                    db_err(ENDPOINT, &new.url),
                    |r| col(r, ENDPOINT, "id"),
                )?,
                ENDPOINT,
                &new.url,
            )?;
            get_endpoint(tx, new.workspace_id, WebhookEndpointId(id))
        })
    }

    pub(crate) fn webhook_endpoint_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<WebhookEndpoint, StoreError> {
        self.read(|c| get_endpoint(c, ws, id))
    }

    pub(crate) fn webhook_endpoint_secret_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<SealedSecret, StoreError> {
        let sealed = self.read(|c| {
            row(
                c,
                "SELECT secret_nonce, secret_ciphertext FROM webhook_endpoints
                  WHERE workspace_id = ?1 AND id = ?2",
                [ws.get(), id.get()],
                |r| {
                    Ok(SealedSecret {
                        nonce: col(r, ENDPOINT, "secret_nonce")?,
                        ciphertext: col(r, ENDPOINT, "secret_ciphertext")?,
                    })
                },
            )
        })?;
        found(sealed, ENDPOINT, id)
    }

    pub(crate) fn list_webhook_endpoints_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<WebhookEndpoint>, StoreError> {
        self.read(|c| {
            rows(
                c,
                &format!(
                    "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints
                      WHERE workspace_id = ?1 ORDER BY id"
                ),
                [ws.get()],
                endpoint,
            )
        })
    }

    pub(crate) fn set_webhook_endpoint_enabled_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
        enabled: bool,
        reason: Option<String>,
        now: Timestamp,
    ) -> Result<WebhookEndpoint, StoreError> {
        self.write(|tx| {
            let reason = if enabled { None } else { reason };
            let changed = exec(
                tx,
                "UPDATE webhook_endpoints SET enabled = ?3, disabled_reason = ?4, updated_at = ?5
                  WHERE workspace_id = ?1 AND id = ?2",
                params![ws.get(), id.get(), enabled, reason, ms(now)],
                unavailable,
            )?;
            if changed == 0 {
                return Err(StoreError::not_found(ENDPOINT, id));
            }
            get_endpoint(tx, ws, id)
        })
    }

    pub(crate) fn delete_webhook_endpoint_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            get_endpoint(tx, ws, id)?;
            // Foreign keys cascade too; deleting explicitly does not depend on the pragma.
            exec(
                tx,
                "DELETE FROM webhook_attempts WHERE delivery_id IN
                    (SELECT id FROM webhook_deliveries WHERE endpoint_id = ?1)",
                [id.get()],
                unavailable,
            )?;
            exec(
                tx,
                "DELETE FROM webhook_deliveries WHERE endpoint_id = ?1",
                [id.get()],
                unavailable,
            )?;
            exec(
                tx,
                "DELETE FROM webhook_endpoints WHERE workspace_id = ?1 AND id = ?2",
                [ws.get(), id.get()],
                unavailable,
            )?;
            Ok(())
        })
    }

    pub(crate) fn webhook_cursor_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Option<EventId>, StoreError> {
        let at: Option<i64> = self.read(|c| {
            scalar(
                c,
                "SELECT event_id FROM webhook_cursors WHERE workspace_id = ?1",
                [ws.get()],
            )
        })?;
        Ok(at.map(EventId))
    }

    pub(crate) fn enqueue_webhook_deliveries_impl(
        &self,
        ws: WorkspaceId,
        deliveries: &[NewWebhookDelivery],
        cursor: Option<EventId>,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.write(|tx| {
            require_workspace(tx, ws)?;
            let mut added = 0;
            for d in deliveries {
                get_endpoint(tx, ws, d.endpoint_id)?;
                added += exec(
                    tx,
                    "INSERT INTO webhook_deliveries
                        (workspace_id, endpoint_id, event_id, event_type, message_id, payload,
                         next_attempt_at, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (endpoint_id, event_id) DO NOTHING",
                    params![
                        ws.get(),
                        d.endpoint_id.get(),
                        d.event_id.map(EventId::get),
                        d.event_type.as_str(),
                        d.message_id,
                        d.payload,
                        ms(d.due_at),
                        ms(now),
                    ],
                    db_err(DELIVERY, &d.message_id),
                )?;
            }
            if let Some(cursor) = cursor {
                exec(
                    tx,
                    "INSERT INTO webhook_cursors (workspace_id, event_id) VALUES (?1, ?2)
                     ON CONFLICT (workspace_id) DO UPDATE
                        SET event_id = max(event_id, excluded.event_id)",
                    [ws.get(), cursor.get()],
                    unavailable,
                )?;
            }
            Ok(added)
        })
    }

    pub(crate) fn claim_due_webhook_deliveries_impl(
        &self,
        now: Timestamp,
        max: u32,
        lease: SignedDuration,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let until = now.saturating_add(lease).unwrap_or(now);
        self.write(|tx| {
            let claimed = rows(
                tx,
                "SELECT d.id FROM webhook_deliveries d
                   JOIN webhook_endpoints e ON e.id = d.endpoint_id
                  WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 AND e.enabled
                  ORDER BY d.next_attempt_at, d.id LIMIT +?2",
                params![ms(now), limit(max)],
                |r| col::<i64>(r, DELIVERY, "id"),
            )?;
            let mut out = Vec::with_capacity(claimed.len());
            for id in claimed {
                exec(
                    tx,
                    "UPDATE webhook_deliveries SET next_attempt_at = ?2 WHERE id = ?1",
                    [id, ms(until)],
                    unavailable,
                )?;
                out.push(get_delivery(tx, None, WebhookDeliveryId(id))?);
            }
            Ok(out)
        })
    }

    pub(crate) fn record_webhook_attempt_impl(
        &self,
        id: WebhookDeliveryId,
        attempt: WebhookAttempt,
    ) -> Result<WebhookDelivery, StoreError> {
        self.write(|tx| {
            let current = get_delivery(tx, None, id)?;
            if current.status != DeliveryStatus::Pending {
                return Err(StoreError::conflict(
                    DELIVERY,
                    format!("{id} is {} already", current.status),
                ));
            }
            let number = current.attempts + 1;
            exec(
                tx,
                "INSERT INTO webhook_attempts (delivery_id, number, at, status, error)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id.get(),
                    number,
                    ms(attempt.at),
                    attempt.status,
                    attempt.error
                ],
                db_err(DELIVERY, id),
            )?;
            let (status, next, finished) = match attempt.outcome {
                AttemptOutcome::Delivered => (DeliveryStatus::Delivered, attempt.at, true),
                AttemptOutcome::Retry { next_at } => (DeliveryStatus::Pending, next_at, false),
                AttemptOutcome::Failed | AttemptOutcome::EndpointGone => {
                    (DeliveryStatus::Failed, attempt.at, true)
                }
            };
            exec(
                tx,
                "UPDATE webhook_deliveries
                    SET status = ?2, attempts = ?3, next_attempt_at = ?4, last_status = ?5,
                        last_error = ?6, finished_at = ?7
                  WHERE id = ?1",
                params![
                    id.get(),
                    status.as_str(),
                    number,
                    ms(next),
                    attempt.status,
                    attempt.error,
                    finished.then(|| ms(attempt.at)),
                ],
                unavailable,
            )?;
            if attempt.outcome == AttemptOutcome::EndpointGone {
                exec(
                    tx,
                    "UPDATE webhook_endpoints
                        SET enabled = 0, disabled_reason = ?2, updated_at = ?3
                      WHERE id = ?1",
                    params![
                        current.endpoint_id.get(),
                        "the receiver answered 410 Gone",
                        ms(attempt.at)
                    ],
                    unavailable,
                )?;
            }
            get_delivery(tx, None, id)
        })
    }

    pub(crate) fn webhook_delivery_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookDeliveryId,
    ) -> Result<WebhookDelivery, StoreError> {
        self.read(|c| get_delivery(c, Some(ws), id))
    }

    pub(crate) fn list_webhook_deliveries_impl(
        &self,
        ws: WorkspaceId,
        query: DeliveryQuery,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        self.read(|c| {
            rows(
                c,
                &format!(
                    "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
                      WHERE workspace_id = ?1 AND (?2 IS NULL OR endpoint_id = ?2)
                        AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR id < ?4)
                      ORDER BY id DESC LIMIT +?5"
                ),
                params![
                    ws.get(),
                    query.endpoint.map(WebhookEndpointId::get),
                    query.status.map(DeliveryStatus::as_str),
                    query.before.map(WebhookDeliveryId::get),
                    limit(query.limit),
                ],
                delivery,
            )
        })
    }

    pub(crate) fn webhook_attempts_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookDeliveryId,
    ) -> Result<Vec<StoredAttempt>, StoreError> {
        self.read(|c| {
            get_delivery(c, Some(ws), id)?;
            rows(
                c,
                "SELECT delivery_id, number, at, status, error FROM webhook_attempts
                  WHERE delivery_id = ?1 ORDER BY number",
                [id.get()],
                |r| {
                    Ok(StoredAttempt {
                        delivery_id: WebhookDeliveryId(col(r, DELIVERY, "delivery_id")?),
                        number: col(r, DELIVERY, "number")?,
                        at: col_ts(r, DELIVERY, "at")?,
                        status: col(r, DELIVERY, "status")?,
                        error: col(r, DELIVERY, "error")?,
                    })
                },
            )
        })
    }

    pub(crate) fn next_webhook_due_impl(&self) -> Result<Option<Timestamp>, StoreError> {
        let next: Option<Option<i64>> = self.read(|c| {
            scalar(
                c,
                "SELECT min(d.next_attempt_at) FROM webhook_deliveries d
                   JOIN webhook_endpoints e ON e.id = d.endpoint_id
                  WHERE d.status = 'pending' AND e.enabled",
                [],
            )
        })?;
        next.flatten()
            .map(|at| crate::sqlite_store::from_ms(DELIVERY, at))
            .transpose()
    }
}
