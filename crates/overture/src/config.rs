//! Settings: defaults in code, then `overture.toml`, then `OVERTURE_*` environment variables,
//! then command-line flags. Resolved and validated once, at start-up.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use overture_core::WorkspaceId;
use overture_core::account::Zone;
use serde::{Deserialize, Serialize};

use crate::cli::Cli;
use crate::error::{CliError, CliResult};

/// The configuration file read when `--config` is not given and the file exists.
pub const DEFAULT_CONFIG_FILE: &str = "overture.toml";

/// Effective settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The database: a SQLite path or `sqlite://PATH`.
    pub database_url: String,
    /// The workspace commands act in.
    pub workspace: i64,
    /// Time zone for new accounts when `--tz` is not given.
    pub default_time_zone: String,
    /// Seed of the engine's random choices (jitter, text variants) and of the sandbox world
    /// that carries sandbox accounts in `overture run`.
    pub engine_seed: u64,
    /// Whether webhooks may go to private, loopback and link-local addresses (receivers on
    /// the install's own network, tests).
    pub webhook_allow_private_targets: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "./overture.db".to_owned(),
            workspace: WorkspaceId::DEFAULT.get(),
            default_time_zone: "UTC".to_owned(),
            engine_seed: 1,
            webhook_allow_private_targets: false,
        }
    }
}

impl Settings {
    /// Resolves the settings for this invocation.
    pub fn resolve(cli: &Cli) -> CliResult<Self> {
        let file = match &cli.config {
            Some(path) if !path.exists() => {
                return Err(CliError::input(format!(
                    "configuration file {} does not exist (create it with `overture config example > {}`)",
                    path.display(),
                    path.display()
                )));
            }
            Some(path) => Some(path.clone()),
            None => Some(PathBuf::from(DEFAULT_CONFIG_FILE)).filter(|p| p.exists()),
        };
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = &file {
            figment = figment.merge(Toml::file_exact(file));
        }
        // The `--db` flag, applied below, wins over OVERTURE_DATABASE_URL.
        figment = figment.merge(Env::prefixed("OVERTURE_").only(&[
            "database_url",
            "workspace",
            "default_time_zone",
            "engine_seed",
            "webhook_allow_private_targets",
        ]));
        let mut settings: Settings = figment.extract().map_err(|e| {
            CliError::input(format!(
                "invalid configuration{}: {e}",
                file.as_deref().map(describe).unwrap_or_default()
            ))
        })?;
        if let Some(db) = &cli.db {
            settings.database_url.clone_from(db);
        }
        Zone::parse(&settings.default_time_zone).map_err(|e| {
            CliError::input(format!("invalid configuration: default_time_zone: {e}"))
        })?;
        if settings.workspace < 1 {
            return Err(CliError::input(
                "invalid configuration: workspace must be a positive workspace id",
            ));
        }
        Ok(settings)
    }

    /// The workspace commands act in.
    pub fn workspace(&self) -> WorkspaceId {
        WorkspaceId(self.workspace)
    }
}

fn describe(path: &Path) -> String {
    format!(" in {}", path.display())
}

/// A commented example configuration, printed by `overture config example`.
pub const EXAMPLE: &str = r#"# overture.toml: Overture's settings.
# Precedence: these values, then OVERTURE_* environment variables, then command-line flags.

# The database. A SQLite file path (the embedded default) or sqlite://PATH.
# Environment: OVERTURE_DATABASE_URL. Flag: --db.
database_url = "./overture.db"

# The workspace the CLI acts in (an agency runs one workspace per client).
# Environment: OVERTURE_WORKSPACE.
workspace = 1

# Time zone for new accounts when `overture account add` gets no --tz (an IANA name).
# Environment: OVERTURE_DEFAULT_TIME_ZONE.
default_time_zone = "UTC"

# Seed of the engine's random choices (spacing jitter, note and message variants) and of the
# sandbox world that carries sandbox accounts in `overture run`.
# Environment: OVERTURE_ENGINE_SEED.
engine_seed = 1

# Whether webhooks may go to private, loopback and link-local addresses (RFC 1918, 127/8,
# 169.254/16, fc00::/7, …): only for receivers you run on the install's own network.
# Environment: OVERTURE_WEBHOOK_ALLOW_PRIVATE_TARGETS.
webhook_allow_private_targets = false
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_valid_and_equals_the_defaults() {
        let parsed: Settings = Figment::new()
            .merge(Toml::string(EXAMPLE))
            .extract()
            .expect("example parses");
        let defaults = Settings::default();
        assert_eq!(parsed.database_url, defaults.database_url);
        assert_eq!(parsed.workspace, defaults.workspace);
        assert_eq!(parsed.default_time_zone, defaults.default_time_zone);
        assert_eq!(parsed.engine_seed, defaults.engine_seed);
    }
}
