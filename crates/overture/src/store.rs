//! Opening the store the settings name.

use std::path::{Path, PathBuf};

use overture_store_sqlite::{SqliteOptions, SqliteStore};

use crate::error::{CliError, CliResult};

/// Where the database lives, parsed from `--db` / `database_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An embedded SQLite file.
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// Parses a SQLite path, `sqlite://PATH` or `sqlite:PATH`.
    pub fn parse(raw: &str) -> CliResult<Self> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(CliError::input(
                "the database URL is empty (pass --db PATH)",
            ));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Err(CliError::input(
                "this build stores data in SQLite only; pass a file path such as --db ./overture.db",
            ));
        }
        let path = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
            .unwrap_or(raw);
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(CliError::input(format!(
                "unsupported database scheme `{scheme}://` (use a SQLite file path)"
            )));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }

    fn path(&self) -> &Path {
        match self {
            DatabaseUrl::Sqlite(p) => p,
        }
    }
}

/// Opens (and creates when `create` is set) the store.
pub async fn open(url: &DatabaseUrl, create: bool) -> CliResult<SqliteStore> {
    let path = url.path();
    if !create && !path.exists() {
        return Err(CliError::input(format!(
            "no database at {} (run `overture init`, or pass --db PATH to use another one)",
            path.display()
        )));
    }
    SqliteStore::open(path, SqliteOptions::default())
        .await
        .map_err(|e| {
            CliError::Internal(
                anyhow::Error::new(e).context(format!("opening database {}", path.display())),
            )
        })
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
        assert!(DatabaseUrl::parse("postgres://localhost/x").is_err());
        assert!(DatabaseUrl::parse("mysql://localhost/x").is_err());
        assert!(DatabaseUrl::parse("  ").is_err());
    }
}
