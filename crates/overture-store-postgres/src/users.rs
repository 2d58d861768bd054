//! Users, memberships, sessions and API tokens. Only hashes are stored.

use jiff::Timestamp;
use overture_core::{ApiTokenId, Role, UserId, WorkspaceId};
use overture_store::{
    ApiTokenInfo, Member, Membership, NewApiToken, NewSession, NewUser, SessionAuth, StoreError,
    User,
};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::postgres_store::{
    PostgresStore, col, col_opt_ts, col_parse, col_ts, commit, db_err, exec, found, ms,
    require_workspace, row, row_or, rows, scalar, unavailable,
};

/// How long a token's last use may lag behind: a busy token is written at most once a minute.
const LAST_USED_GRAIN_MS: i64 = 60_000;

/// The columns `user` reads, as a literal for `concat!`.
macro_rules! user_columns {
    () => {
        "users.id AS user_id, users.email, users.display_name, users.password_hash, \
         users.created_at AS user_created_at, users.disabled"
    };
}

/// The columns `token` reads, as a literal for `concat!`.
macro_rules! token_columns {
    () => {
        "id, workspace_id, name, prefix, role, created_by, created_at, last_used_at, revoked_at"
    };
}

fn user(row: &PgRow) -> Result<User, StoreError> {
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

fn token(row: &PgRow) -> Result<ApiTokenInfo, StoreError> {
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

async fn require_user(c: &mut PgConnection, id: UserId) -> Result<(), StoreError> {
    let known: Option<i64> = scalar(
        c,
        sqlx::query("SELECT id FROM users WHERE id = $1").bind(id.get()),
    )
    .await?;
    known
        .map(|_| ())
        .ok_or_else(|| StoreError::not_found("user", id))
}

async fn user_by_id(c: &mut PgConnection, id: UserId) -> Result<User, StoreError> {
    found(
        row(
            c,
            sqlx::query(concat!(
                "SELECT ",
                user_columns!(),
                " FROM users WHERE id = $1"
            ))
            .bind(id.get()),
            user,
        )
        .await?,
        "user",
        id,
    )
}

async fn role_of(
    c: &mut PgConnection,
    ws: WorkspaceId,
    user: UserId,
) -> Result<Option<Role>, StoreError> {
    let role: Option<String> = scalar(
        c,
        sqlx::query("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(ws.get())
            .bind(user.get()),
    )
    .await?;
    role.map(|r| {
        r.parse()
            .map_err(|e| StoreError::corrupt("membership", format!("column role: {e}")))
    })
    .transpose()
}

/// Fails with `Conflict` when `user` is the workspace's only owner. The workspace's owner
/// rows are locked, so two demotions at once cannot both pass.
async fn keep_an_owner(
    c: &mut PgConnection,
    ws: WorkspaceId,
    user: UserId,
) -> Result<(), StoreError> {
    if role_of(c, ws, user).await? != Some(Role::Owner) {
        return Ok(());
    }
    let owners = rows(
        c,
        sqlx::query(
            "SELECT user_id FROM memberships WHERE workspace_id = $1 AND role = 'owner'
             FOR UPDATE",
        )
        .bind(ws.get()),
        |r| col::<i64>(r, "membership", "user_id"),
    )
    .await?;
    if owners.len() <= 1 {
        return Err(StoreError::conflict(
            "membership",
            format!(
                "user {user} is the last owner of workspace {ws}; make another member owner first"
            ),
        ));
    }
    Ok(())
}

async fn upsert_membership(
    c: &mut PgConnection,
    ws: WorkspaceId,
    user: UserId,
    role: Role,
    now: Timestamp,
) -> Result<(), StoreError> {
    exec(
        c,
        sqlx::query(
            "INSERT INTO memberships (workspace_id, user_id, role, created_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(ws.get())
        .bind(user.get())
        .bind(role.as_str())
        .bind(ms(now)),
        unavailable,
    )
    .await?;
    Ok(())
}

impl PostgresStore {
    pub(crate) async fn create_user_impl(
        &self,
        new: NewUser,
        membership: Option<(WorkspaceId, Role)>,
    ) -> Result<User, StoreError> {
        let mut tx = self.begin().await?;
        if let Some((ws, _)) = membership {
            require_workspace(&mut tx, ws).await?;
        }
        let id: i64 = row_or(
            &mut tx,
            sqlx::query(
                "INSERT INTO users (email, display_name, password_hash, created_at, disabled)
                 VALUES ($1, $2, $3, $4, FALSE) RETURNING id",
            )
            .bind(&new.email)
            .bind(&new.display_name)
            .bind(&new.password_hash)
            .bind(ms(new.created_at)),
            db_err("user", &new.email),
            |r| col(r, "user", "id"),
        )
        .await?
        .ok_or_else(|| StoreError::corrupt("user", "the insert returned no id"))?;
        let id = UserId(id);
        if let Some((ws, role)) = membership {
            upsert_membership(&mut tx, ws, id, role, new.created_at).await?;
        }
        let user = user_by_id(&mut tx, id).await?;
        commit(tx).await?;
        Ok(user)
    }

    pub(crate) async fn user_impl(&self, id: UserId) -> Result<User, StoreError> {
        let mut c = self.conn().await?;
        user_by_id(&mut c, id).await
    }

    pub(crate) async fn user_by_email_impl(&self, email: &str) -> Result<Option<User>, StoreError> {
        let mut c = self.conn().await?;
        row(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                user_columns!(),
                " FROM users WHERE lower(email) = lower($1)"
            ))
            .bind(email.trim()),
            user,
        )
        .await
    }

    pub(crate) async fn user_count_impl(&self) -> Result<u64, StoreError> {
        let mut c = self.conn().await?;
        let n: i64 = scalar(&mut c, sqlx::query("SELECT count(*) FROM users"))
            .await?
            .unwrap_or(0);
        Ok(n.unsigned_abs())
    }

    pub(crate) async fn set_user_disabled_impl(
        &self,
        id: UserId,
        disabled: bool,
    ) -> Result<User, StoreError> {
        let mut tx = self.begin().await?;
        require_user(&mut tx, id).await?;
        exec(
            &mut tx,
            sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1")
                .bind(id.get())
                .bind(disabled),
            unavailable,
        )
        .await?;
        let user = user_by_id(&mut tx, id).await?;
        commit(tx).await?;
        Ok(user)
    }

    pub(crate) async fn memberships_impl(
        &self,
        user: UserId,
    ) -> Result<Vec<Membership>, StoreError> {
        let mut c = self.conn().await?;
        require_user(&mut c, user).await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT workspace_id, role FROM memberships WHERE user_id = $1 ORDER BY workspace_id",
            )
            .bind(user.get()),
            |r| {
                Ok(Membership {
                    workspace_id: WorkspaceId(col(r, "membership", "workspace_id")?),
                    role: col_parse(r, "membership", "role")?,
                })
            },
        )
        .await
    }

    pub(crate) async fn list_members_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<Member>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(
                "SELECT users.id, users.email, users.display_name, users.disabled,
                        memberships.role, memberships.created_at
                   FROM memberships JOIN users ON users.id = memberships.user_id
                  WHERE memberships.workspace_id = $1
                  ORDER BY lower(users.email) COLLATE \"C\"",
            )
            .bind(ws.get()),
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
        .await
    }

    pub(crate) async fn set_membership_impl(
        &self,
        ws: WorkspaceId,
        user: UserId,
        role: Role,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, ws).await?;
        require_user(&mut tx, user).await?;
        if role != Role::Owner {
            keep_an_owner(&mut tx, ws, user).await?;
        }
        upsert_membership(&mut tx, ws, user, role, now).await?;
        commit(tx).await
    }

    pub(crate) async fn remove_membership_impl(
        &self,
        ws: WorkspaceId,
        user: UserId,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        keep_an_owner(&mut tx, ws, user).await?;
        exec(
            &mut tx,
            sqlx::query("DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2")
                .bind(ws.get())
                .bind(user.get()),
            unavailable,
        )
        .await?;
        let removed = exec(
            &mut tx,
            sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
                .bind(ws.get())
                .bind(user.get()),
            unavailable,
        )
        .await?;
        commit(tx).await?;
        Ok(removed > 0)
    }

    pub(crate) async fn create_session_impl(&self, session: NewSession) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if role_of(&mut tx, session.workspace_id, session.user_id)
            .await?
            .is_none()
        {
            return Err(StoreError::not_found(
                "membership",
                format!(
                    "user {} in workspace {}",
                    session.user_id, session.workspace_id
                ),
            ));
        }
        exec(
            &mut tx,
            sqlx::query(
                "INSERT INTO sessions
                    (hash, user_id, workspace_id, created_at, expires_at, last_seen)
                 VALUES ($1, $2, $3, $4, $5, $4)",
            )
            .bind(&session.hash)
            .bind(session.user_id.get())
            .bind(session.workspace_id.get())
            .bind(ms(session.created_at))
            .bind(ms(session.expires_at)),
            // The key is a hash: never print it.
            db_err("session", "(hash)"),
        )
        .await?;
        commit(tx).await
    }

    pub(crate) async fn session_by_hash_impl(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionAuth>, StoreError> {
        let mut c = self.conn().await?;
        row(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                user_columns!(),
                ", sessions.workspace_id, memberships.role,
                    sessions.created_at, sessions.expires_at, sessions.last_seen
               FROM sessions
               JOIN users ON users.id = sessions.user_id
               JOIN memberships ON memberships.workspace_id = sessions.workspace_id
                               AND memberships.user_id = sessions.user_id
              WHERE sessions.hash = $1 AND sessions.expires_at > $2 AND NOT users.disabled"
            ))
            .bind(hash)
            .bind(ms(now)),
            |r| {
                const WHAT: &str = "session";
                Ok(SessionAuth {
                    user: user(r)?,
                    workspace_id: WorkspaceId(col(r, WHAT, "workspace_id")?),
                    role: col_parse(r, WHAT, "role")?,
                    created_at: col_ts(r, WHAT, "created_at")?,
                    expires_at: col_ts(r, WHAT, "expires_at")?,
                    last_seen: col_ts(r, WHAT, "last_seen")?,
                })
            },
        )
        .await
    }

    pub(crate) async fn touch_session_impl(
        &self,
        hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut c = self.conn().await?;
        let changed = exec(
            &mut c,
            sqlx::query(
                "UPDATE sessions SET last_seen = $2, expires_at = $3
                  WHERE hash = $1 AND expires_at > $2",
            )
            .bind(hash)
            .bind(ms(now))
            .bind(ms(expires_at)),
            unavailable,
        )
        .await?;
        Ok(changed > 0)
    }

    pub(crate) async fn delete_session_impl(&self, hash: &str) -> Result<bool, StoreError> {
        let mut c = self.conn().await?;
        let deleted = exec(
            &mut c,
            sqlx::query("DELETE FROM sessions WHERE hash = $1").bind(hash),
            unavailable,
        )
        .await?;
        Ok(deleted > 0)
    }

    pub(crate) async fn delete_sessions_of_user_impl(
        &self,
        user: UserId,
    ) -> Result<u64, StoreError> {
        let mut c = self.conn().await?;
        exec(
            &mut c,
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.get()),
            unavailable,
        )
        .await
    }

    pub(crate) async fn create_api_token_impl(
        &self,
        new: NewApiToken,
    ) -> Result<ApiTokenInfo, StoreError> {
        let mut tx = self.begin().await?;
        require_workspace(&mut tx, new.workspace_id).await?;
        if let Some(by) = new.created_by {
            require_user(&mut tx, by).await?;
        }
        let created = row_or(
            &mut tx,
            sqlx::query(concat!(
                "INSERT INTO api_tokens
                    (workspace_id, name, prefix, hash, role, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ",
                token_columns!()
            ))
            .bind(new.workspace_id.get())
            .bind(&new.name)
            .bind(&new.prefix)
            .bind(&new.hash)
            .bind(new.role.as_str())
            .bind(new.created_by.map(UserId::get))
            .bind(ms(new.created_at)),
            db_err("api token", &new.prefix),
            token,
        )
        .await?
        .ok_or_else(|| StoreError::corrupt("api token", "the insert returned no row"))?;
        commit(tx).await?;
        Ok(created)
    }

    pub(crate) async fn api_token_by_hash_impl(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<ApiTokenInfo>, StoreError> {
        let mut c = self.conn().await?;
        let found = row(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                token_columns!(),
                " FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL"
            ))
            .bind(hash),
            token,
        )
        .await?;
        let Some(mut found) = found else {
            return Ok(None);
        };
        let stale = found
            .last_used_at
            .is_none_or(|at| ms(now) - ms(at) >= LAST_USED_GRAIN_MS);
        if stale {
            exec(
                &mut c,
                sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                    .bind(found.id.get())
                    .bind(ms(now)),
                unavailable,
            )
            .await?;
            found.last_used_at = Some(now);
        }
        Ok(Some(found))
    }

    pub(crate) async fn list_api_tokens_impl(
        &self,
        ws: WorkspaceId,
    ) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let mut c = self.conn().await?;
        rows(
            &mut c,
            sqlx::query(concat!(
                "SELECT ",
                token_columns!(),
                " FROM api_tokens WHERE workspace_id = $1 ORDER BY id"
            ))
            .bind(ws.get()),
            token,
        )
        .await
    }

    pub(crate) async fn revoke_api_token_impl(
        &self,
        ws: WorkspaceId,
        prefix: &str,
        now: Timestamp,
    ) -> Result<ApiTokenInfo, StoreError> {
        let mut c = self.conn().await?;
        let revoked = row(
            &mut c,
            sqlx::query(concat!(
                "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $3)
                  WHERE workspace_id = $1 AND prefix = $2 RETURNING ",
                token_columns!()
            ))
            .bind(ws.get())
            .bind(prefix.trim())
            .bind(ms(now)),
            token,
        )
        .await?;
        found(revoked, "api token", prefix)
    }
}
