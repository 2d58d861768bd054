//! Users, memberships, sessions and API tokens. Only hashes are stored.

use jiff::Timestamp;
use overture_core::{ApiTokenId, Role, UserId, WorkspaceId};
use overture_store::{
    ApiTokenInfo, Member, Membership, NewApiToken, NewSession, NewUser, SessionAuth, StoreError,
    User,
};
use rusqlite::{Connection, Row, params};

use crate::sqlite_store::{
    SqliteStore, col, col_opt_ts, col_parse, col_ts, db_err, exec, found, ms, require_workspace,
    row, row_or, rows, scalar, unavailable,
};

/// How long a token's last use may lag behind: a busy token is written at most once a minute.
const LAST_USED_GRAIN_MS: i64 = 60_000;

const USER_COLUMNS: &str = "users.id AS user_id, users.email, users.display_name, \
     users.password_hash, users.created_at AS user_created_at, users.disabled";

fn user(row: &Row<'_>) -> Result<User, StoreError> {
    const WHAT: &str = "user";
    Ok(User {
        id: UserId(col(row, WHAT, "user_id")?),
        email: col(row, WHAT, "email")?,
        display_name: col(row, WHAT, "display_name")?,
        password_hash: col(row, WHAT, "password_hash")?,
        created_at: col_ts(row, WHAT, "user_created_at")?,
        disabled: col(row, WHAT, "disabled")?,
    })
}

fn token(row: &Row<'_>) -> Result<ApiTokenInfo, StoreError> {
    const WHAT: &str = "api token";
    Ok(ApiTokenInfo {
        id: ApiTokenId(col(row, WHAT, "id")?),
        workspace_id: WorkspaceId(col(row, WHAT, "workspace_id")?),
        name: col(row, WHAT, "name")?,
        prefix: col(row, WHAT, "prefix")?,
        role: col_parse(row, WHAT, "role")?,
        created_by: col::<Option<i64>>(row, WHAT, "created_by")?.map(UserId),
        created_at: col_ts(row, WHAT, "created_at")?,
        last_used_at: col_opt_ts(row, WHAT, "last_used_at")?,
        revoked_at: col_opt_ts(row, WHAT, "revoked_at")?,
    })
}

const TOKEN_COLUMNS: &str = "id, workspace_id, name, prefix, role, created_by, created_at, \
     last_used_at, revoked_at";

fn require_user(conn: &Connection, id: UserId) -> Result<(), StoreError> {
    let known: Option<i64> = scalar(conn, "SELECT id FROM users WHERE id = ?1", [id.get()])?;
    known
        .map(|_| ())
        .ok_or_else(|| StoreError::not_found("user", id))
}

fn user_by_id(conn: &Connection, id: UserId) -> Result<User, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1");
    found(row(conn, &sql, [id.get()], user)?, "user", id)
}

fn role_of(conn: &Connection, ws: WorkspaceId, user: UserId) -> Result<Option<Role>, StoreError> {
    let role: Option<String> = scalar(
        conn,
        "SELECT role FROM memberships WHERE workspace_id = ?1 AND user_id = ?2",
        [ws.get(), user.get()],
    )?;
    role.map(|r| {
        r.parse()
            .map_err(|e| StoreError::corrupt("membership", format!("column role: {e}")))
    })
    .transpose()
}

/// Fails with `Conflict` when `user` is the workspace's only owner.
fn keep_an_owner(conn: &Connection, ws: WorkspaceId, user: UserId) -> Result<(), StoreError> {
    if role_of(conn, ws, user)? != Some(Role::Owner) {
        return Ok(());
    }
    let owners: i64 = scalar(
        conn,
        "SELECT count(*) FROM memberships WHERE workspace_id = ?1 AND role = 'owner'",
        [ws.get()],
    )?
    .unwrap_or(0);
    if owners <= 1 {
        return Err(StoreError::conflict(
            "membership",
            format!(
                "user {user} is the last owner of workspace {ws}; make another member owner first"
            ),
        ));
    }
    Ok(())
}

fn upsert_membership(
    conn: &Connection,
    ws: WorkspaceId,
    user: UserId,
    role: Role,
    now: Timestamp,
) -> Result<(), StoreError> {
    exec(
        conn,
        "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role",
        params![ws.get(), user.get(), role.as_str(), ms(now)],
        unavailable,
    )?;
    Ok(())
}

impl SqliteStore {
    pub(crate) fn create_user_impl(
        &self,
        new: NewUser,
        membership: Option<(WorkspaceId, Role)>,
    ) -> Result<User, StoreError> {
        self.write(|tx| {
            if let Some((ws, _)) = membership {
                require_workspace(tx, ws)?;
            }
            let id: i64 = row_or(
                tx,
                "INSERT INTO users (email, display_name, password_hash, created_at, disabled)
                 VALUES (?1, ?2, ?3, ?4, 0) RETURNING id",
                params![
                    new.email,
                    new.display_name,
                    new.password_hash,
                    ms(new.created_at)
                ],
                db_err("user", &new.email),
                |r| col(r, "user", "id"),
            )?
            .ok_or_else(|| StoreError::corrupt("user", "the insert returned no id"))?;
            let id = UserId(id);
            if let Some((ws, role)) = membership {
                upsert_membership(tx, ws, id, role, new.created_at)?;
            }
            user_by_id(tx, id)
        })
    }

    pub(crate) fn user_impl(&self, id: UserId) -> Result<User, StoreError> {
        self.read(|c| user_by_id(c, id))
    }

    pub(crate) fn user_by_email_impl(&self, email: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1");
        self.read(|c| row(c, &sql, [email.trim()], user))
    }

    pub(crate) fn user_count_impl(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .read(|c| scalar(c, "SELECT count(*) FROM users", []))?
            .unwrap_or(0);
        Ok(n as u64)
    }

    pub(crate) fn set_user_disabled_impl(
        &self,
        id: UserId,
        disabled: bool,
    ) -> Result<User, StoreError> {
        self.write(|tx| {
            require_user(tx, id)?;
            exec(
                tx,
                "UPDATE users SET disabled = ?2 WHERE id = ?1",
                params![id.get(), disabled],
                unavailable,
            )?;
            user_by_id(tx, id)
        })
    }

    pub(crate) fn memberships_impl(&self, user: UserId) -> Result<Vec<Membership>, StoreError> {
        self.read(|c| {
            require_user(c, user)?;
            rows(
                c,
                "SELECT workspace_id, role FROM memberships WHERE user_id = ?1 ORDER BY workspace_id",
                [user.get()],
                |r| {
                    Ok(Membership {
                        workspace_id: WorkspaceId(col(r, "membership", "workspace_id")?),
                        role: col_parse(r, "membership", "role")?,
                    })
                },
            )
        })
    }

    pub(crate) fn list_members_impl(&self, ws: WorkspaceId) -> Result<Vec<Member>, StoreError> {
        self.read(|c| {
            rows(
                c,
                "SELECT users.id, users.email, users.display_name, users.disabled,
                        memberships.role, memberships.created_at
                   FROM memberships JOIN users ON users.id = memberships.user_id
                  WHERE memberships.workspace_id = ?1
                  ORDER BY users.email",
                [ws.get()],
                |r| {
                    const WHAT: &str = "member";
                    Ok(Member {
                        user_id: UserId(col(r, WHAT, "id")?),
                        email: col(r, WHAT, "email")?,
                        display_name: col(r, WHAT, "display_name")?,
                        role: col_parse(r, WHAT, "role")?,
                        disabled: col(r, WHAT, "disabled")?,
                        since: col_ts(r, WHAT, "created_at")?,
                    })
                },
            )
        })
    }

    pub(crate) fn set_membership_impl(
        &self,
        ws: WorkspaceId,
        user: UserId,
        role: Role,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            require_workspace(tx, ws)?;
            require_user(tx, user)?;
            if role != Role::Owner {
                keep_an_owner(tx, ws, user)?;
            }
            upsert_membership(tx, ws, user, role, now)
        })
    }

    pub(crate) fn remove_membership_impl(
        &self,
        ws: WorkspaceId,
        user: UserId,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            keep_an_owner(tx, ws, user)?;
            exec(
                tx,
                "DELETE FROM sessions WHERE workspace_id = ?1 AND user_id = ?2",
                [ws.get(), user.get()],
                unavailable,
            )?;
            let removed = exec(
                tx,
                "DELETE FROM memberships WHERE workspace_id = ?1 AND user_id = ?2",
                [ws.get(), user.get()],
                unavailable,
            )?;
            Ok(removed > 0)
        })
    }

    pub(crate) fn create_session_impl(&self, session: NewSession) -> Result<(), StoreError> {
        self.write(|tx| {
            if role_of(tx, session.workspace_id, session.user_id)?.is_none() {
                return Err(StoreError::not_found(
                    "membership",
                    format!(
                        "user {} in workspace {}",
                        session.user_id, session.workspace_id
                    ),
                ));
            }
            exec(
                tx,
                "INSERT INTO sessions
                    (hash, user_id, workspace_id, created_at, expires_at, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
                params![
                    session.hash,
                    session.user_id.get(),
                    session.workspace_id.get(),
                    ms(session.created_at),
                    ms(session.expires_at)
                ],
                // The key is a hash: never print it.
                db_err("session", "(hash)"),
            )?;
            Ok(())
        })
    }

    pub(crate) fn session_by_hash_impl(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionAuth>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, sessions.workspace_id, memberships.role,
                    sessions.created_at, sessions.expires_at, sessions.last_seen
               FROM sessions
               JOIN users ON users.id = sessions.user_id
               JOIN memberships ON memberships.workspace_id = sessions.workspace_id
                               AND memberships.user_id = sessions.user_id
              WHERE sessions.hash = ?1 AND sessions.expires_at > ?2 AND users.disabled = 0"
        );
        self.read(|c| {
            row(c, &sql, params![hash, ms(now)], |r| {
                const WHAT: &str = "session";
                Ok(SessionAuth {
                    user: user(r)?,
                    workspace_id: WorkspaceId(col(r, WHAT, "workspace_id")?),
                    role: col_parse(r, WHAT, "role")?,
                    created_at: col_ts(r, WHAT, "created_at")?,
                    expires_at: col_ts(r, WHAT, "expires_at")?,
                    last_seen: col_ts(r, WHAT, "last_seen")?,
                })
            })
        })
    }

    pub(crate) fn touch_session_impl(
        &self,
        hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let changed = self.write(|tx| {
            exec(
                tx,
                "UPDATE sessions SET last_seen = ?2, expires_at = ?3
                  WHERE hash = ?1 AND expires_at > ?2",
                params![hash, ms(now), ms(expires_at)],
                unavailable,
            )
        })?;
        Ok(changed > 0)
    }

    pub(crate) fn delete_session_impl(&self, hash: &str) -> Result<bool, StoreError> {
        let deleted = self.write(|tx| {
            exec(
                tx,
                "DELETE FROM sessions WHERE hash = ?1",
                [hash],
                unavailable,
            )
        })?;
        Ok(deleted > 0)
    }

    pub(crate) fn delete_sessions_of_user_impl(&self, user: UserId) -> Result<u64, StoreError> {
        self.write(|tx| {
            exec(
                tx,
                "DELETE FROM sessions WHERE user_id = ?1",
                [user.get()],
                unavailable,
            )
        })
    }

    pub(crate) fn create_api_token_impl(
        &self,
        new: NewApiToken,
    ) -> Result<ApiTokenInfo, StoreError> {
        let sql = format!(
            "INSERT INTO api_tokens
                (workspace_id, name, prefix, hash, role, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING {TOKEN_COLUMNS}"
        );
        self.write(|tx| {
            require_workspace(tx, new.workspace_id)?;
            if let Some(by) = new.created_by {
                require_user(tx, by)?;
            }
            row_or(
                tx,
                &sql,
                params![
                    new.workspace_id.get(),
                    new.name,
                    new.prefix,
                    new.hash,
                    new.role.as_str(),
                    new.created_by.map(UserId::get),
                    ms(new.created_at)
                ],
                db_err("api token", &new.prefix),
                token,
            )?
            .ok_or_else(|| StoreError::corrupt("api token", "the insert returned no row"))
        })
    }

    pub(crate) fn api_token_by_hash_impl(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<ApiTokenInfo>, StoreError> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE hash = ?1 AND revoked_at IS NULL"
        );
        let Some(mut found) = self.read(|c| row(c, &sql, [hash], token))? else {
            return Ok(None);
        };
        let stale = found
            .last_used_at
            .is_none_or(|at| ms(now) - ms(at) >= LAST_USED_GRAIN_MS);
        if stale {
            self.write(|tx| {
                exec(
                    tx,
                    "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1",
                    params![found.id.get(), ms(now)],
                    unavailable,
                )
            })?;
            found.last_used_at = Some(now);
        }
        Ok(Some(found))
    }

    pub(crate) fn list_api_tokens_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let sql =
            format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE workspace_id = ?1 ORDER BY id");
        self.read(|c| rows(c, &sql, [ws.get()], token))
    }

    pub(crate) fn revoke_api_token_impl(
        &self,
        ws: WorkspaceId,
        prefix: &str,
        now: Timestamp,
    ) -> Result<ApiTokenInfo, StoreError> {
        let sql = format!(
            "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?3)
              WHERE workspace_id = ?1 AND prefix = ?2 RETURNING {TOKEN_COLUMNS}"
        );
        self.write(|tx| {
            let revoked = row_or(
                tx,
                &sql,
                params![ws.get(), prefix.trim(), ms(now)],
                unavailable,
                token,
            )?;
            found(revoked, "api token", prefix)
        })
    }
}
