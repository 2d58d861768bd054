//! Account leases: which worker acts for which account (many engines on one database).

use jiff::{SignedDuration, Timestamp};
use overture_core::AccountId;
use overture_store::{AccountLease, AccountLeaseStore, ClaimedAction, InFlightEffect, StoreError};
use sqlx::postgres::PgRow;

use crate::postgres_store::{
    PostgresStore, col, col_ts, commit, exec, from_ms, ms, row, rows, scalar, unavailable,
};

const WHAT: &str = "account lease";

fn decode(row: &PgRow) -> Result<AccountLease, StoreError> {
    Ok(AccountLease {
        account: AccountId(col(row, WHAT, "account_id")?),
        worker: col(row, WHAT, "worker")?,
        fence: col(row, WHAT, "fence")?,
        expires_at: col_ts(row, WHAT, "expires_at")?,
    })
}

fn until(now: Timestamp, lease: SignedDuration) -> Result<Timestamp, StoreError> {
    now.checked_add(lease)
        .map_err(|e| StoreError::conflict("lease", e))
}

impl AccountLeaseStore for PostgresStore {
    async fn acquire_accounts(
        &self,
        worker: &str,
        now: Timestamp,
        lease: SignedDuration,
        max: u32,
    ) -> Result<Vec<AccountLease>, StoreError> {
        let expires = until(now, lease)?;
        let mut tx = self.begin().await?;
        let free = rows(
            &mut tx,
            sqlx::query(
                "SELECT a.id FROM accounts a LEFT JOIN account_leases l ON l.account_id = a.id
                  WHERE l.account_id IS NULL OR l.expires_at <= $1
                  ORDER BY a.id LIMIT $2",
            )
            .bind(ms(now))
            .bind(i64::from(max)),
            |row| col::<i64>(row, WHAT, "id"),
        )
        .await?;
        let mut taken = Vec::with_capacity(free.len());
        for account in free {
            // Two workers may pick the same free account: the upsert waits for the other's
            // row and then re-checks the expiry, so only one of them gets it.
            let lease = row(
                &mut tx,
                sqlx::query(
                    "INSERT INTO account_leases (account_id, worker, fence, expires_at)
                     VALUES ($1, $2, 1, $3)
                     ON CONFLICT (account_id) DO UPDATE
                        SET worker = excluded.worker, fence = account_leases.fence + 1,
                            expires_at = excluded.expires_at
                      WHERE account_leases.expires_at <= $4
                     RETURNING account_id, worker, fence, expires_at",
                )
                .bind(account)
                .bind(worker)
                .bind(ms(expires))
                .bind(ms(now)),
                decode,
            )
            .await?;
            let Some(lease) = lease else { continue };
            // The former holder's claims end here: its writes about them are stale.
            exec(
                &mut tx,
                sqlx::query(
                    "UPDATE actions SET fence = fence + 1, lease_until = $2, updated_at = $2
                      WHERE account_id = $1 AND state = 'claimed'",
                )
                .bind(account)
                .bind(ms(now)),
                unavailable,
            )
            .await?;
            taken.push(lease);
        }
        commit(tx).await?;
        Ok(taken)
    }

    async fn renew_account_lease(
        &self,
        worker: &str,
        account: AccountId,
        fence: i64,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<AccountLease, StoreError> {
        let expires = until(now, lease)?;
        let mut c = self.conn().await?;
        let renewed = row(
            &mut c,
            sqlx::query(
                "UPDATE account_leases SET expires_at = $4
                  WHERE account_id = $1 AND worker = $2 AND fence = $3
                 RETURNING account_id, worker, fence, expires_at",
            )
            .bind(account.get())
            .bind(worker)
            .bind(fence)
            .bind(ms(expires)),
            decode,
        )
        .await?;
        renewed.ok_or_else(|| AccountLease::lost(account, worker))
    }

    async fn release_account(
        &self,
        worker: &str,
        account: AccountId,
        fence: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut c = self.conn().await?;
        let changed = exec(
            &mut c,
            sqlx::query(
                "UPDATE account_leases SET expires_at = $4
                  WHERE account_id = $1 AND worker = $2 AND fence = $3 AND expires_at > $4",
            )
            .bind(account.get())
            .bind(worker)
            .bind(fence)
            .bind(ms(now)),
            unavailable,
        )
        .await?;
        Ok(changed > 0)
    }

    async fn account_leases(&self) -> Result<Vec<AccountLease>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT account_id, worker, fence, expires_at FROM account_leases
                  ORDER BY account_id",
            ),
            decode,
        )
        .await
    }

    async fn claim_due_actions_for(
        &self,
        worker: &str,
        now: Timestamp,
        limit: u32,
        lease: SignedDuration,
    ) -> Result<Vec<ClaimedAction>, StoreError> {
        self.claim_due_actions_impl(Some(worker), now, limit, lease)
            .await
    }

    async fn in_flight_intents_for(
        &self,
        worker: &str,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<Vec<InFlightEffect>, StoreError> {
        self.in_flight_intents_impl(Some(worker), now, lease).await
    }

    async fn work_queued(&self) {
        self.work_queued_impl().await;
    }

    async fn next_due_for(
        &self,
        worker: &str,
        now: Timestamp,
        more: bool,
    ) -> Result<Option<Timestamp>, StoreError> {
        let mut c = self.conn().await?;
        // An aggregate always answers one row; its value is NULL when nothing is due.
        let next: Option<i64> = scalar::<Option<i64>>(
            &mut c,
            sqlx::query(
                "WITH held AS (SELECT account_id FROM account_leases
                            WHERE worker = $1 AND expires_at > $2)
                 SELECT min(t) FROM (
                    SELECT min(due_at) AS t FROM actions
                     WHERE state = 'queued' AND account_id IN (SELECT account_id FROM held)
                    UNION ALL
                    SELECT min(lease_until) FROM actions
                     WHERE state = 'claimed' AND account_id IN (SELECT account_id FROM held)
                    UNION ALL
                    SELECT min(next_due_at) FROM enrollments
                     WHERE state IN ('active', 'waiting') AND next_due_at IS NOT NULL
                       AND account_id IN (SELECT account_id FROM held)
                    UNION ALL
                    SELECT min(expires_at) FROM account_leases
                     WHERE $3 AND worker <> $1 AND expires_at > $2) AS due",
            )
            .bind(worker)
            .bind(ms(now))
            .bind(more),
        )
        .await?
        .flatten();
        next.map(|t| from_ms("action", t)).transpose()
    }
}
