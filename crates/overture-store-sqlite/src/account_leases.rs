//! Account leases: which worker acts for which account (many engines on one file).

use jiff::{SignedDuration, Timestamp};
use overture_core::AccountId;
use overture_store::{AccountLease, AccountLeaseStore, ClaimedAction, InFlightEffect, StoreError};
use rusqlite::{Row, params};

use crate::sqlite_store::{
    SqliteStore, col, col_ts, from_ms, limit, ms, row, rows, scalar, unavailable,
};

const WHAT: &str = "account lease";

fn decode(row: &Row<'_>) -> Result<AccountLease, StoreError> {
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

impl AccountLeaseStore for SqliteStore {
    async fn acquire_accounts(
        &self,
        worker: &str,
        now: Timestamp,
        lease: SignedDuration,
        max: u32,
    ) -> Result<Vec<AccountLease>, StoreError> {
        let expires = until(now, lease)?;
        // BEGIN IMMEDIATE holds the write lock from the select to the updates, so two workers
        // can never take the same account.
        self.write(|tx| {
            let free = rows(
                tx,
                "SELECT a.id FROM accounts a LEFT JOIN account_leases l ON l.account_id = a.id
                  WHERE l.account_id IS NULL OR l.expires_at <= ?1
                  ORDER BY a.id LIMIT ?2",
                params![ms(now), limit(max)],
                |row| col::<i64>(row, WHAT, "id"),
            )?;
            let mut taken = Vec::with_capacity(free.len());
            for account in free {
                let lease = row(
                    tx,
                    "INSERT INTO account_leases (account_id, worker, fence, expires_at)
                     VALUES (?1, ?2, 1, ?3)
                     ON CONFLICT (account_id) DO UPDATE
                        SET worker = excluded.worker, fence = account_leases.fence + 1,
                            expires_at = excluded.expires_at
                      WHERE account_leases.expires_at <= ?4
                     RETURNING account_id, worker, fence, expires_at",
                    params![account, worker, ms(expires), ms(now)],
                    decode,
                )?;
                let Some(lease) = lease else { continue };
                // The former holder's claims end here: its writes about them are stale.
                tx.execute(
                    "UPDATE actions SET fence = fence + 1, lease_until = ?2, updated_at = ?2
                      WHERE account_id = ?1 AND state = 'claimed'",
                    params![account, ms(now)],
                )
                .map_err(unavailable)?;
                taken.push(lease);
            }
            Ok(taken)
        })
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
        let renewed = self.on_writer(|c| {
            row(
                c,
                "UPDATE account_leases SET expires_at = ?4
                  WHERE account_id = ?1 AND worker = ?2 AND fence = ?3
                 RETURNING account_id, worker, fence, expires_at",
                params![account.get(), worker, fence, ms(expires)],
                decode,
            )
        })?;
        renewed.ok_or_else(|| AccountLease::lost(account, worker))
    }

    async fn release_account(
        &self,
        worker: &str,
        account: AccountId,
        fence: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.on_writer(|c| {
            c.execute(
                "UPDATE account_leases SET expires_at = ?4
                  WHERE account_id = ?1 AND worker = ?2 AND fence = ?3 AND expires_at > ?4",
                params![account.get(), worker, fence, ms(now)],
            )
            .map(|n| n > 0)
            .map_err(unavailable)
        })
    }

    async fn account_leases(&self) -> Result<Vec<AccountLease>, StoreError> {
        self.read(|c| {
            rows(
                c,
                "SELECT account_id, worker, fence, expires_at FROM account_leases
                  ORDER BY account_id",
                (),
                decode,
            )
        })
    }

    async fn claim_due_actions_for(
        &self,
        worker: &str,
        now: Timestamp,
        limit: u32,
        lease: SignedDuration,
    ) -> Result<Vec<ClaimedAction>, StoreError> {
        self.claim_due_actions_impl(Some(worker), now, limit, lease)
    }

    async fn in_flight_intents_for(
        &self,
        worker: &str,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<Vec<InFlightEffect>, StoreError> {
        self.in_flight_intents_impl(Some(worker), now, lease)
    }

    /// Never completes: SQLite has no way to tell another process's writes as they happen,
    /// so engines on a SQLite file wake on their schedule (see `docs/scaling.md`).
    async fn work_queued(&self) {
        std::future::pending().await
    }

    async fn next_due_for(
        &self,
        worker: &str,
        now: Timestamp,
        more: bool,
    ) -> Result<Option<Timestamp>, StoreError> {
        // An aggregate always answers one row; its value is NULL when nothing is due.
        let next: Option<i64> = self
            .read(|c| {
                scalar::<Option<i64>>(
                    c,
                    "WITH held AS (SELECT account_id FROM account_leases
                                WHERE worker = ?1 AND expires_at > ?2)
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
                         WHERE ?3 AND worker <> ?1 AND expires_at > ?2)",
                    params![worker, ms(now), more],
                )
            })?
            .flatten();
        next.map(|t| from_ms("action", t)).transpose()
    }
}
