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
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::postgres_store::{
    PostgresStore, col, col_int, col_json, col_opt_int, col_opt_ts, col_parse, col_ts, commit,
    db_err, exec, found, from_ms, ms, require_workspace, row, row_or, rows, scalar, to_json,
    unavailable,
};

const ENDPOINT: &str = "webhook endpoint";
const DELIVERY: &str = "webhook delivery";

/// The columns `endpoint` reads, as a literal for `concat!`.
macro_rules! endpoint_columns {
    () => {
        "id, workspace_id, url, events, enabled, disabled_reason, allow_private_targets, \
         created_at, updated_at"
    };
}

/// The columns `delivery` reads, as a literal for `concat!`.
macro_rules! delivery_columns {
    () => {
        "id, workspace_id, endpoint_id, event_id, event_type, message_id, payload, status, \
         attempts, next_attempt_at, last_status, last_error, created_at, finished_at"
    };
}

fn endpoint(row: &PgRow) -> Result<WebhookEndpoint, StoreError> {
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

fn delivery(row: &PgRow) -> Result<WebhookDelivery, StoreError> {
    Ok(WebhookDelivery {
        id: WebhookDeliveryId(col(row, DELIVERY, "id")?),
        workspace_id: WorkspaceId(col(row, DELIVERY, "workspace_id")?),
        endpoint_id: WebhookEndpointId(col(row, DELIVERY, "endpoint_id")?),
        event_id: col::<Option<i64>>(row, DELIVERY, "event_id")?.map(EventId),
        event_type: col_parse::<WebhookEventType>(row, DELIVERY, "event_type")?,
        message_id: col(row, DELIVERY, "message_id")?,
        payload: col(row, DELIVERY, "payload")?,
        status: col_parse::<DeliveryStatus>(row, DELIVERY, "status")?,
        attempts: col_int(row, DELIVERY, "attempts")?,
        next_attempt_at: col_ts(row, DELIVERY, "next_attempt_at")?,
        last_status: col_opt_int(row, DELIVERY, "last_status")?,
        last_error: col(row, DELIVERY, "last_error")?,
        created_at: col_ts(row, DELIVERY, "created_at")?,
        finished_at: col_opt_ts(row, DELIVERY, "finished_at")?,
    })
}

async fn get_endpoint(
    c: &mut PgConnection,
    ws: WorkspaceId,
    id: WebhookEndpointId,
) -> Result<WebhookEndpoint, StoreError> {
    found(
        row(
            c,
            sqlx::query(concat!(
                "SELECT ",
                endpoint_columns!(),
                " FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2"
            ))
            .bind(ws.get())
            .bind(id.get()),
            endpoint,
        )
        .await?,
        ENDPOINT,
        id,
    )
}

async fn get_delivery(
    c: &mut PgConnection,
    ws: Option<WorkspaceId>,
    id: WebhookDeliveryId,
) -> Result<WebhookDelivery, StoreError> {
    found(
        row(
            c,
            sqlx::query(concat!(
                "SELECT ",
                delivery_columns!(),
                " FROM webhook_deliveries
                  WHERE id = $1 AND ($2::BIGINT IS NULL OR workspace_id = $2)"
            ))
            .bind(id.get())
            .bind(ws.map(WorkspaceId::get)),
            delivery,
        )
        .await?,
        DELIVERY,
        id,
    )
}

impl PostgresStore {
    pub(crate) async fn create_webhook_endpoint_impl(
        &self,
        new: NewWebhookEndpoint,
    ) -> Result<WebhookEndpoint, StoreError> {
        let events = to_json(ENDPOINT, &new.events)?;
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, new.workspace_id).await?;
        let created = found(
            row_or(
                &mut tx,
                sqlx::query(concat!(
                    "INSERT INTO webhook_endpoints
                        (workspace_id, url, events, allow_private_targets, secret_nonce,
                         secret_ciphertext, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ",
                    endpoint_columns!()
                ))
                .bind(new.workspace_id.get())
                .bind(&new.url)
                .bind(events)
                .bind(new.allow_private_targets)
                .bind(new.secret.nonce)
                .bind(new.secret.ciphertext)
                .bind(ms(new.created_at)),
                db_err(ENDPOINT, &new.url),
                endpoint,
            )
            .await?,
            ENDPOINT,
            &new.url,
        )?;
        commit(tx).await?;
        Ok(created)
    }

    pub(crate) async fn webhook_endpoint_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<WebhookEndpoint, StoreError> {
        let mut c = self.conn().await?;
        get_endpoint(&mut c, ws, id).await
    }

    pub(crate) async fn webhook_endpoint_secret_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<SealedSecret, StoreError> {
        let mut c = self.conn().await?;
        let sealed = row(
            &mut c,
            sqlx::query(
                "SELECT secret_nonce, secret_ciphertext FROM webhook_endpoints
                  WHERE workspace_id = $1 AND id = $2",
            )
            .bind(ws.get())
            .bind(id.get()),
            |r| {
                Ok(SealedSecret {
                    nonce: col(r, ENDPOINT, "secret_nonce")?,
                    ciphertext: col(r, ENDPOINT, "secret_ciphertext")?,
                })
            },
        )
        .await?;
        found(sealed, ENDPOINT, id)
    }

    pub(crate) async fn list_webhook_endpoints_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<WebhookEndpoint>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                endpoint_columns!(),
                " FROM webhook_endpoints WHERE workspace_id = $1 ORDER BY id"
            ))
            .bind(ws.get()),
            endpoint,
        )
        .await
    }

    pub(crate) async fn set_webhook_endpoint_enabled_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
        enabled: bool,
        reason: Option<String>,
        now: Timestamp,
    ) -> Result<WebhookEndpoint, StoreError> {
        let reason = if enabled { None } else { reason };
        let mut c = self.conn().await?;
        let updated = row(
            &mut c,
            sqlx::query(concat!(
                "UPDATE webhook_endpoints SET enabled = $3, disabled_reason = $4, updated_at = $5
                  WHERE workspace_id = $1 AND id = $2 RETURNING ",
                endpoint_columns!()
            ))
            .bind(ws.get())
            .bind(id.get())
            .bind(enabled)
            .bind(reason)
            .bind(ms(now)),
            endpoint,
        )
        .await?;
        found(updated, ENDPOINT, id)
    }

    pub(crate) async fn delete_webhook_endpoint_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        get_endpoint(&mut tx, ws, id).await?;
        // Foreign keys cascade too; deleting explicitly says what goes.
        exec(
            &mut tx,
            sqlx::query(
                "DELETE FROM webhook_attempts WHERE delivery_id IN
                    (SELECT id FROM webhook_deliveries WHERE endpoint_id = $1)",
            )
            .bind(id.get()),
            unavailable,
        )
        .await?;
        exec(
            &mut tx,
            sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1").bind(id.get()),
            unavailable,
        )
        .await?;
        exec(
            &mut tx,
            sqlx::query("DELETE FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2")
                .bind(ws.get())
                .bind(id.get()),
            unavailable,
        )
        .await?;
        commit(tx).await
    }

    pub(crate) async fn webhook_cursor_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Option<EventId>, StoreError> {
        let mut c = self.conn().await?;
        let at: Option<i64> = scalar(
            &mut c,
            sqlx::query("SELECT event_id FROM webhook_cursors WHERE workspace_id = $1")
                .bind(ws.get()),
        )
        .await?;
        Ok(at.map(EventId))
    }

    pub(crate) async fn enqueue_webhook_deliveries_impl(
        &self,
        ws: WorkspaceId,
        deliveries: &[NewWebhookDelivery],
        cursor: Option<EventId>,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, ws).await?;
        let mut added = 0;
        for d in deliveries {
            get_endpoint(&mut tx, ws, d.endpoint_id).await?;
            added += exec(
                &mut tx,
                sqlx::query(
                    "INSERT INTO webhook_deliveries
                        (workspace_id, endpoint_id, event_id, event_type, message_id, payload,
                         next_attempt_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (endpoint_id, event_id) DO NOTHING",
                )
                .bind(ws.get())
                .bind(d.endpoint_id.get())
                .bind(d.event_id.map(EventId::get))
                .bind(d.event_type.as_str())
                .bind(&d.message_id)
                .bind(&d.payload)
                .bind(ms(d.due_at))
                .bind(ms(now)),
                db_err(DELIVERY, &d.message_id),
            )
            .await?;
        }
        if let Some(cursor) = cursor {
            exec(
                &mut tx,
                sqlx::query(
                    "INSERT INTO webhook_cursors (workspace_id, event_id) VALUES ($1, $2)
                     ON CONFLICT (workspace_id) DO UPDATE
                        SET event_id = GREATEST(webhook_cursors.event_id, excluded.event_id)",
                )
                .bind(ws.get())
                .bind(cursor.get()),
                unavailable,
            )
            .await?;
        }
        commit(tx).await?;
        Ok(added)
    }

    pub(crate) async fn claim_due_webhook_deliveries_impl(
        &self,
        now: Timestamp,
        max: u32,
        lease: SignedDuration,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let until = now.saturating_add(lease).unwrap_or(now);
        let mut tx = self.begin().await?;
        // Like actions, deliveries are claimed with `SKIP LOCKED`: several deliverers take
        // different ones.
        let mut claimed = rows(
            &mut tx,
            sqlx::query(concat!(
                "WITH due (due_id, due_at) AS (
                    SELECT d.id, d.next_attempt_at FROM webhook_deliveries d
                      JOIN webhook_endpoints e ON e.id = d.endpoint_id
                     WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND e.enabled
                     ORDER BY d.next_attempt_at, d.id LIMIT $2
                     FOR UPDATE OF d SKIP LOCKED)
                 UPDATE webhook_deliveries SET next_attempt_at = $3
                   FROM due WHERE id = due.due_id
                  RETURNING due.due_at, ",
                delivery_columns!()
            ))
            .bind(ms(now))
            .bind(i64::from(max))
            .bind(ms(until)),
            |r| Ok((col::<i64>(r, DELIVERY, "due_at")?, delivery(r)?)),
        )
        .await?;
        commit(tx).await?;
        claimed.sort_by_key(|(due, d)| (*due, d.id));
        Ok(claimed.into_iter().map(|(_, d)| d).collect())
    }

    pub(crate) async fn record_webhook_attempt_impl(
        &self,
        id: WebhookDeliveryId,
        attempt: WebhookAttempt,
    ) -> Result<WebhookDelivery, StoreError> {
        let mut tx = self.begin().await?;
        exec(
            &mut tx,
            sqlx::query("SELECT id FROM webhook_deliveries WHERE id = $1 FOR UPDATE")
                .bind(id.get()),
            unavailable,
        )
        .await?;
        let current = get_delivery(&mut tx, None, id).await?;
        if current.status != DeliveryStatus::Pending {
            return Err(StoreError::conflict(
                DELIVERY,
                format!("{id} is {} already", current.status),
            ));
        }
        let number = i64::from(current.attempts) + 1;
        let status = attempt.status.map(i64::from);
        exec(
            &mut tx,
            sqlx::query(
                "INSERT INTO webhook_attempts (delivery_id, number, at, status, error)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.get())
            .bind(number)
            .bind(ms(attempt.at))
            .bind(status)
            .bind(attempt.error.as_deref()),
            db_err(DELIVERY, id),
        )
        .await?;
        let (next_status, next, finished) = match attempt.outcome {
            AttemptOutcome::Delivered => (DeliveryStatus::Delivered, attempt.at, true),
            AttemptOutcome::Retry { next_at } => (DeliveryStatus::Pending, next_at, false),
            AttemptOutcome::Failed | AttemptOutcome::EndpointGone => {
                (DeliveryStatus::Failed, attempt.at, true)
            }
        };
        exec(
            &mut tx,
            sqlx::query(
                "UPDATE webhook_deliveries
                    SET status = $2, attempts = $3, next_attempt_at = $4, last_status = $5,
                        last_error = $6, finished_at = $7
                  WHERE id = $1",
            )
            .bind(id.get())
            .bind(next_status.as_str())
            .bind(number)
            .bind(ms(next))
            .bind(status)
            .bind(attempt.error.as_deref())
            .bind(finished.then(|| ms(attempt.at))),
            unavailable,
        )
        .await?;
        if attempt.outcome == AttemptOutcome::EndpointGone {
            exec(
                &mut tx,
                sqlx::query(
                    "UPDATE webhook_endpoints
                        SET enabled = FALSE, disabled_reason = $2, updated_at = $3
                      WHERE id = $1",
                )
                .bind(current.endpoint_id.get())
                .bind("the receiver answered 410 Gone")
                .bind(ms(attempt.at)),
                unavailable,
            )
            .await?;
        }
        let delivery = get_delivery(&mut tx, None, id).await?;
        commit(tx).await?;
        Ok(delivery)
    }

    pub(crate) async fn webhook_delivery_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookDeliveryId,
    ) -> Result<WebhookDelivery, StoreError> {
        let mut c = self.conn().await?;
        get_delivery(&mut c, Some(ws), id).await
    }

    pub(crate) async fn list_webhook_deliveries_impl(
        &self,
        ws: WorkspaceId,
        query: DeliveryQuery,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                delivery_columns!(),
                " FROM webhook_deliveries
                  WHERE workspace_id = $1 AND ($2::BIGINT IS NULL OR endpoint_id = $2)
                    AND ($3::TEXT IS NULL OR status = $3) AND ($4::BIGINT IS NULL OR id < $4)
                  ORDER BY id DESC LIMIT $5"
            ))
            .bind(ws.get())
            .bind(query.endpoint.map(WebhookEndpointId::get))
            .bind(query.status.map(DeliveryStatus::as_str))
            .bind(query.before.map(WebhookDeliveryId::get))
            .bind(i64::from(query.limit)),
            delivery,
        )
        .await
    }

    pub(crate) async fn webhook_attempts_impl(
        &self,
        ws: WorkspaceId,
        id: WebhookDeliveryId,
    ) -> Result<Vec<StoredAttempt>, StoreError> {
        let mut c = self.conn().await?;
        get_delivery(&mut c, Some(ws), id).await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT delivery_id, number, at, status, error FROM webhook_attempts
                  WHERE delivery_id = $1 ORDER BY number",
            )
            .bind(id.get()),
            |r| {
                Ok(StoredAttempt {
                    delivery_id: WebhookDeliveryId(col(r, DELIVERY, "delivery_id")?),
                    number: col_int(r, DELIVERY, "number")?,
                    at: col_ts(r, DELIVERY, "at")?,
                    status: col_opt_int(r, DELIVERY, "status")?,
                    error: col(r, DELIVERY, "error")?,
                })
            },
        )
        .await
    }

    pub(crate) async fn next_webhook_due_impl(&self) -> Result<Option<Timestamp>, StoreError> {
        let mut c = self.conn().await?;
        let next: Option<Option<i64>> = scalar(
            &mut c,
            sqlx::query(
                "SELECT min(d.next_attempt_at) FROM webhook_deliveries d
                   JOIN webhook_endpoints e ON e.id = d.endpoint_id
                  WHERE d.status = 'pending' AND e.enabled",
            ),
        )
        .await?;
        next.flatten().map(|at| from_ms(DELIVERY, at)).transpose()
    }
}
