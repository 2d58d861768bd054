//! Finding the export's files in the zip LinkedIn sends or in the folder it unpacks to.
//!
//! LinkedIn puts the files at the zip's root; unpacking tools often add a folder named after
//! the zip. A file is looked for by name without regard to case, at the root and one folder
//! down, the shallowest one winning. Only the files the analysis reads are unpacked, each up
//! to [`MAX_FILE_BYTES`], so a zip bomb or a folder of videos costs nothing.

use std::fs::{self, File};
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};

use crate::export::error::ExportError;

/// The largest file read from an export. A real `messages.csv` of 200,000 messages is about
/// 100 MB.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// The most memory reserved before a file is read, whatever size its zip entry or the file
/// system claims: a few bytes of zip can claim a gigabyte.
const PREALLOCATE_BYTES: u64 = 64 * 1024 * 1024;

/// The files of an export that the analysis reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `Connections.csv`: the first-degree connections.
    Connections,
    /// `Invitations.csv`: recent and pending invitations, both directions.
    Invitations,
    /// `messages.csv`: every message of every conversation.
    Messages,
    /// `Profile.csv`: the owner's own profile.
    Profile,
}

impl FileKind {
    /// Every kind, in the order they are read.
    pub const ALL: [FileKind; 4] = [
        FileKind::Profile,
        FileKind::Connections,
        FileKind::Invitations,
        FileKind::Messages,
    ];

    /// The file's name as LinkedIn writes it.
    pub fn file_name(self) -> &'static str {
        match self {
            FileKind::Connections => "Connections.csv",
            FileKind::Invitations => "Invitations.csv",
            FileKind::Messages => "messages.csv",
            FileKind::Profile => "Profile.csv",
        }
    }

    /// The kind of a file named `name` (any case), if the analysis reads it.
    fn of(name: &str) -> Option<FileKind> {
        FileKind::ALL
            .into_iter()
            .find(|kind| kind.file_name().eq_ignore_ascii_case(name))
    }
}

/// One file of an export, read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// The file for messages: the zip or folder, then its path inside (`export.zip/Connections.csv`).
    pub name: String,
    /// The content as stored.
    pub bytes: Vec<u8>,
}

/// The files of an export that the analysis reads, each one present or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFiles {
    /// The zip or folder, as given.
    pub place: String,
    /// `Connections.csv`.
    pub connections: Option<ExportFile>,
    /// `Invitations.csv`.
    pub invitations: Option<ExportFile>,
    /// `messages.csv`.
    pub messages: Option<ExportFile>,
    /// `Profile.csv`.
    pub profile: Option<ExportFile>,
}

/// A candidate for one file: where it is and how deep.
#[derive(Debug)]
struct Candidate<T> {
    depth: usize,
    label: String,
    at: T,
}

impl ExportFiles {
    /// Reads the export at `path`: a folder, or a zip archive (by its content, whatever its
    /// name). Files are named in messages by `path` as given.
    pub fn read_path(path: &Path) -> Result<Self, ExportError> {
        let place = path.display().to_string();
        let io_error = |source| ExportError::Io {
            path: place.clone(),
            source,
        };
        let metadata = fs::metadata(path).map_err(io_error)?;
        if metadata.is_dir() {
            return Self::from_dir(path);
        }
        let file = File::open(path).map_err(io_error)?;
        Self::from_zip(io::BufReader::new(file), &place)
    }

    /// Reads the export's files from a zip archive; `place` names the archive in messages.
    pub fn from_zip(source: impl Read + Seek, place: &str) -> Result<Self, ExportError> {
        let mut archive = zip::ZipArchive::new(source).map_err(|e| ExportError::NotAZip {
            path: place.to_owned(),
            reason: e.to_string(),
        })?;
        let mut found: [Option<Candidate<usize>>; 4] = Default::default();
        for index in 0..archive.len() {
            // A name that cannot be decoded is no file the analysis reads.
            let Some(Ok(name)) = archive.name_for_index(index) else {
                continue;
            };
            let name = name.replace('\\', "/");
            if name.ends_with('/') {
                continue;
            }
            consider(&mut found, &name, place, index)?;
        }
        let mut files = ExportFiles {
            place: place.to_owned(),
            ..ExportFiles::default()
        };
        for (kind, candidate) in FileKind::ALL.into_iter().zip(found) {
            let Some(candidate) = candidate else {
                continue;
            };
            let unpack = |reason: String| ExportError::Unpack {
                file: candidate.label.clone(),
                reason,
            };
            let entry = archive
                .by_index(candidate.at)
                .map_err(|e| unpack(e.to_string()))?;
            let capacity = entry.size();
            let bytes = read_limited(entry, capacity, &candidate.label)
                .map_err(|e| into_unpack(e, &candidate.label))?;
            *files.slot(kind) = Some(ExportFile {
                name: candidate.label,
                bytes,
            });
        }
        Ok(files)
    }

    /// Reads the export's files from a folder (and its folders one level down).
    pub fn from_dir(dir: &Path) -> Result<Self, ExportError> {
        let place = dir.display().to_string();
        let mut found: [Option<Candidate<PathBuf>>; 4] = Default::default();
        for (entry, depth) in walk(dir)? {
            let Some(name) = entry.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let relative = match depth {
                0 => name.to_owned(),
                _ => entry
                    .strip_prefix(dir)
                    .map_or_else(|_| name.to_owned(), |p| p.display().to_string()),
            };
            consider(&mut found, &relative, &place, entry.clone())?;
        }
        let mut files = ExportFiles {
            place,
            ..ExportFiles::default()
        };
        for (kind, candidate) in FileKind::ALL.into_iter().zip(found) {
            let Some(candidate) = candidate else {
                continue;
            };
            let io_error = |source| ExportError::Io {
                path: candidate.label.clone(),
                source,
            };
            let file = File::open(&candidate.at).map_err(io_error)?;
            let capacity = file.metadata().map_or(0, |m| m.len());
            let bytes = read_limited(file, capacity, &candidate.label)?;
            *files.slot(kind) = Some(ExportFile {
                name: candidate.label,
                bytes,
            });
        }
        Ok(files)
    }

    /// Builds an export from files already in memory, named as LinkedIn names them (any case);
    /// other names are ignored. `place` names the export in messages.
    pub fn from_memory<'a>(
        place: &str,
        files: impl IntoIterator<Item = (&'a str, Vec<u8>)>,
    ) -> Self {
        let mut export = ExportFiles {
            place: place.to_owned(),
            ..ExportFiles::default()
        };
        for (name, bytes) in files {
            if let Some(kind) = FileKind::of(name) {
                *export.slot(kind) = Some(ExportFile {
                    name: format!("{place}/{name}"),
                    bytes,
                });
            }
        }
        export
    }

    /// The file of this kind, if the export has it.
    pub fn get(&self, kind: FileKind) -> Option<&ExportFile> {
        match kind {
            FileKind::Connections => self.connections.as_ref(),
            FileKind::Invitations => self.invitations.as_ref(),
            FileKind::Messages => self.messages.as_ref(),
            FileKind::Profile => self.profile.as_ref(),
        }
    }

    /// The file of this kind, or the error that says it is missing.
    pub fn require(&self, kind: FileKind) -> Result<&ExportFile, ExportError> {
        self.get(kind).ok_or_else(|| ExportError::MissingFile {
            place: self.place.clone(),
            name: kind.file_name(),
        })
    }

    fn slot(&mut self, kind: FileKind) -> &mut Option<ExportFile> {
        match kind {
            FileKind::Connections => &mut self.connections,
            FileKind::Invitations => &mut self.invitations,
            FileKind::Messages => &mut self.messages,
            FileKind::Profile => &mut self.profile,
        }
    }
}

/// Records `path` (relative to the export, `/`-separated) as a candidate when its name is one
/// the analysis reads and it is not deeper than one folder. The shallowest candidate wins; two
/// at the same depth are ambiguous.
fn consider<T>(
    found: &mut [Option<Candidate<T>>; 4],
    path: &str,
    place: &str,
    at: T,
) -> Result<(), ExportError> {
    let (folders, name) = match path.rsplit_once('/') {
        Some((folders, name)) => (folders, name),
        None => ("", path),
    };
    let Some(kind) = FileKind::of(name) else {
        return Ok(());
    };
    let depth = if folders.is_empty() {
        0
    } else {
        folders.split('/').count()
    };
    // `__MACOSX/` holds resource forks that macOS adds to the zips it makes.
    if depth > 1 || folders.starts_with("__MACOSX") {
        return Ok(());
    }
    let Some(slot) = FileKind::ALL
        .iter()
        .position(|k| *k == kind)
        .and_then(|i| found.get_mut(i))
    else {
        return Ok(());
    };
    let label = format!("{place}/{path}");
    match slot {
        Some(existing) if existing.depth < depth => Ok(()),
        Some(existing) if existing.depth == depth => Err(ExportError::Ambiguous {
            name: kind.file_name(),
            first: existing.label.clone(),
            second: label,
        }),
        _ => {
            *slot = Some(Candidate { depth, label, at });
            Ok(())
        }
    }
}

/// The files in `dir` (depth 0) and in its folders (depth 1), in name order so that errors do
/// not depend on the order the file system lists them in.
fn walk(dir: &Path) -> Result<Vec<(PathBuf, usize)>, ExportError> {
    let list = |dir: &Path| -> Result<Vec<(PathBuf, bool)>, ExportError> {
        let io_error = |source| ExportError::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut entries = Vec::new();
        for entry in fs::read_dir(dir).map_err(io_error)? {
            let entry = entry.map_err(io_error)?;
            let is_dir = entry.file_type().map_err(io_error)?.is_dir();
            entries.push((entry.path(), is_dir));
        }
        entries.sort();
        Ok(entries)
    };
    let mut files = Vec::new();
    for (path, is_dir) in list(dir)? {
        if !is_dir {
            files.push((path, 0));
            continue;
        }
        // A folder that cannot be listed holds nothing the export needs at its root.
        if let Ok(inner) = list(&path) {
            files.extend(
                inner
                    .into_iter()
                    .filter(|(_, is_dir)| !is_dir)
                    .map(|(p, _)| (p, 1)),
            );
        }
    }
    Ok(files)
}

/// Reads `source` whole, failing when it holds more than [`MAX_FILE_BYTES`]; `capacity` is
/// the size it claims, reserved up to [`PREALLOCATE_BYTES`].
fn read_limited(source: impl Read, capacity: u64, label: &str) -> Result<Vec<u8>, ExportError> {
    let reserve = capacity.min(PREALLOCATE_BYTES);
    let mut bytes = Vec::with_capacity(usize::try_from(reserve).unwrap_or(0));
    source
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ExportError::Io {
            path: label.to_owned(),
            source,
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ExportError::TooLarge {
            file: label.to_owned(),
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// A read error inside a zip is a damaged archive, not a problem with the disk.
fn into_unpack(error: ExportError, label: &str) -> ExportError {
    match error {
        ExportError::Io { source, .. } => ExportError::Unpack {
            file: label.to_owned(),
            reason: source.to_string(),
        },
        other => other,
    }
}
