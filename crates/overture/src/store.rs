//! Opening the store the settings name: a SQLite file, or a PostgreSQL database.

use std::fmt;
use std::path::PathBuf;

use overture_store_postgres::{PostgresOptions, PostgresStore};
use overture_store_sqlite::{SqliteOptions, SqliteStore};

use crate::any_store::AnyStore;
use crate::error::{CliError, CliResult};

/// Where the database lives, parsed from `--db` / `database_url`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An embedded SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`.
    Postgres(String),
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            DatabaseUrl::Postgres(url) => f.debug_tuple("Postgres").field(&redacted(url)).finish(),
        }
    }
}

impl DatabaseUrl {
    /// Parses a SQLite path, `sqlite://PATH` or `sqlite:PATH`, or a `postgres://` (or
    /// `postgresql://`) URL.
    pub fn parse(raw: &str) -> CliResult<Self> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(CliError::input(
                "the database URL is empty (pass --db PATH, or --db postgres://USER@HOST/DATABASE)",
            ));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            if let Err(e) = url::Url::parse(raw) {
                return Err(CliError::input(format!(
                    "the PostgreSQL URL {} does not parse ({e}); write it as \
                     postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE",
                    redacted(raw)
                )));
            }
            return Ok(DatabaseUrl::Postgres(raw.to_owned()));
        }
        let path = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
            .unwrap_or(raw);
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(CliError::input(format!(
                "unsupported database scheme `{scheme}://` (use a SQLite file path or a \
                 postgres:// URL)"
            )));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }
}

impl DatabaseUrl {
    /// Where the master key file sits: beside a SQLite file (`overture.db.key`); for
    /// PostgreSQL, whose database is shared by several machines, `overture-postgres.key` in
    /// the working directory (or, better, `OVERTURE_MASTER_KEY` on every machine).
    pub fn key_anchor(&self) -> PathBuf {
        match self {
            DatabaseUrl::Sqlite(path) => path.clone(),
            DatabaseUrl::Postgres(_) => PathBuf::from("overture-postgres"),
        }
    }

    /// The database as a person reads it: the file path, or the URL without its password.
    pub fn display(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => path.display().to_string(),
            DatabaseUrl::Postgres(url) => redacted(url),
        }
    }
}

/// A database URL fit to print: the password of a `postgres://` URL is replaced.
pub fn redacted(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            // Setting a password only fails on URLs that cannot have one.
            let _ = url.set_password(Some("REDACTED"));
            url.to_string()
        }
        Ok(_) => raw.to_owned(),
        Err(_) if raw.contains('@') => "(a database URL that does not parse)".to_owned(),
        Err(_) => raw.to_owned(),
    }
}

/// Opens (and creates when `create` is set) the store. A PostgreSQL database must exist; its
/// tables are created (migrated) on first use whatever `create` says.
pub async fn open(url: &DatabaseUrl, create: bool) -> CliResult<AnyStore> {
    match url {
        DatabaseUrl::Sqlite(path) => {
            if !create && !path.exists() {
                return Err(CliError::input(format!(
                    "no database at {} (run `overture init`, or pass --db PATH to use another one)",
                    path.display()
                )));
            }
            let store = SqliteStore::open(path, SqliteOptions::default())
                .await
                .map_err(|e| {
                    CliError::Internal(
                        anyhow::Error::new(e)
                            .context(format!("opening database {}", path.display())),
                    )
                })?;
            Ok(AnyStore::Sqlite(store))
        }
        DatabaseUrl::Postgres(raw) => {
            let store = PostgresStore::connect(raw, PostgresOptions::default())
                .await
                .map_err(|e| {
                    CliError::Internal(anyhow::Error::new(e).context(format!(
                        "opening the PostgreSQL database {} (is the server running, does the \
                         database exist, may this user connect?)",
                        redacted(raw)
                    )))
                })?;
            Ok(AnyStore::Postgres(store))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        let sqlite = |p: &str| Ok(DatabaseUrl::Sqlite(PathBuf::from(p)));
        assert_eq!(
            DatabaseUrl::parse("./x.db").map_err(|_| ()),
            sqlite("./x.db")
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db").map_err(|_| ()),
            sqlite("data/x.db")
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:x.db").map_err(|_| ()),
            sqlite("x.db")
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://app@db.example.com/overture").map_err(|_| ()),
            Ok(DatabaseUrl::Postgres(
                "postgres://app@db.example.com/overture".to_owned()
            ))
        );
        assert!(DatabaseUrl::parse("postgresql://app@localhost:5432/x").is_ok());
        assert!(DatabaseUrl::parse("postgres://app@localhost:port/x").is_err());
        assert!(DatabaseUrl::parse("mysql://localhost/x").is_err());
        assert!(DatabaseUrl::parse("  ").is_err());
    }

    #[test]
    fn passwords_are_never_printed() {
        let url = "postgres://app:hunter2@db.example.com/overture";
        assert_eq!(
            redacted(url),
            "postgres://app:REDACTED@db.example.com/overture"
        );
        let parsed = DatabaseUrl::parse(url).map_err(|_| ());
        assert!(!format!("{parsed:?}").contains("hunter2"));
        assert_eq!(redacted("./overture.db"), "./overture.db");
    }
}
