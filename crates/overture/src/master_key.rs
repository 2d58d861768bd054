//! The master key that encrypts stored secrets: from `OVERTURE_MASTER_KEY`, or from the key
//! file next to the database (`overture.db.key` for `overture.db`), which `overture init`
//! creates with mode 0600.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use overture_secrets::MasterKey;

use crate::error::{CliError, CliResult};

/// The environment variable that holds the master key (64 hex digits or base64 of 32 bytes).
pub const ENV: &str = "OVERTURE_MASTER_KEY";

/// The key file of the database at `db`: the database's file name with `.key` appended.
pub fn key_file(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// Where the key comes from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The environment variable.
    Env,
    /// The key file.
    File(PathBuf),
}

/// The master key of the database at `db`, and where it came from.
pub fn load(db: &Path) -> CliResult<(MasterKey, KeySource)> {
    if let Ok(text) = std::env::var(ENV) {
        let key = MasterKey::parse(&text).map_err(|e| CliError::input(format!("{ENV}: {e}")))?;
        return Ok((key, KeySource::Env));
    }
    let path = key_file(db);
    if !path.exists() {
        return Err(CliError::input(format!(
            "no master key to encrypt secrets with: run `overture init` to create {}, or set {ENV} \
             (32 bytes as base64 or 64 hex digits, e.g. from `openssl rand -base64 32`)",
            path.display()
        )));
    }
    check_permissions(&path)?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        CliError::input(format!("cannot read the key file {}: {e}", path.display()))
    })?;
    let key = MasterKey::parse(&text)
        .map_err(|e| CliError::input(format!("key file {}: {e}", path.display())))?;
    Ok((key, KeySource::File(path)))
}

/// Refuses a key file that the group or others may read or write.
#[cfg(unix)]
fn check_permissions(path: &Path) -> CliResult {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path)
        .map_err(|e| CliError::input(format!("cannot read the key file {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(CliError::input(format!(
            "the key file {} is accessible to other users (mode {:o}); restrict it with `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path) -> CliResult {
    Ok(())
}

/// Creates the key file of the database at `db` with a new random key, readable by its owner
/// only, unless it exists. Returns its path when it was created.
pub fn create(db: &Path) -> CliResult<Option<PathBuf>> {
    let path = key_file(db);
    if path.exists() {
        return Ok(None);
    }
    let key = MasterKey::generate().map_err(|e| CliError::Internal(anyhow::Error::new(e)))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&path).and_then(|mut file| {
        file.write_all(format!("{}\n", key.to_base64()).as_bytes())?;
        file.sync_all()
    });
    written.map_err(|e| {
        CliError::Internal(
            anyhow::Error::new(e).context(format!("creating the key file {}", path.display())),
        )
    })?;
    Ok(Some(path))
}
