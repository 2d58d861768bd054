//! Finding the files in a zip or a folder.

use std::io::{Cursor, Write};
use std::path::Path;

use overture_import::export::{ExportFiles, FileKind, parse_export};
use zip::write::SimpleFileOptions;

use super::{analyse, export_dir, parse, sample_dir};

/// A zip of the files in `dir`, each stored as `prefix` + its name, plus `extra` entries.
fn zip_of(dir: &Path, prefix: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    if !prefix.is_empty() {
        zip.add_directory(prefix, options).unwrap();
    }
    for path in entries {
        let name = path.file_name().unwrap().to_str().unwrap();
        zip.start_file(format!("{prefix}{name}"), options).unwrap();
        zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
    }
    for (name, bytes) in extra {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_zip_reads_like_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Basic_LinkedInDataExport_11-26-2026.zip");
    std::fs::write(&path, zip_of(&sample_dir(), "", &[])).unwrap();
    let from_zip = analyse(&path, "2026-11-26T12:00:00Z", "Europe/Berlin");
    let from_dir = analyse(&sample_dir(), "2026-11-26T12:00:00Z", "Europe/Berlin");
    assert_eq!(from_zip.connections, from_dir.connections);
    assert_eq!(from_zip.invitations, from_dir.invitations);
    assert_eq!(
        from_zip.recommended_withdrawals,
        from_dir.recommended_withdrawals
    );
    assert_eq!(from_zip.messages, from_dir.messages);
    assert_eq!(
        from_zip.files[0],
        format!("{}/Profile.csv", path.display()),
        "files inside a zip are named after it"
    );
}

#[test]
fn a_folder_inside_the_zip_and_odd_case_are_fine() {
    let bytes = zip_of(
        &export_dir("2022-preamble-no-urls"),
        "Complete_LinkedInDataExport_07-01-2022/",
        &[("__MACOSX/._Connections.csv", b"\x00\x05\x16\x07")],
    );
    let files = ExportFiles::from_zip(Cursor::new(bytes), "export.zip").unwrap();
    assert_eq!(
        files.get(FileKind::Connections).unwrap().name,
        "export.zip/Complete_LinkedInDataExport_07-01-2022/CONNECTIONS.CSV"
    );
    assert!(files.get(FileKind::Messages).is_none());
    let export = parse_export(&files, &jiff::tz::TimeZone::UTC).unwrap();
    assert_eq!(export.connections.len(), 5);
}

#[test]
fn the_shallowest_file_wins_and_two_at_one_depth_are_ambiguous() {
    let connections = std::fs::read(export_dir("2024-urls").join("Connections.csv")).unwrap();
    let bytes = zip_of(
        &export_dir("2024-urls"),
        "",
        &[("old/Connections.csv", b"not read")],
    );
    let files = ExportFiles::from_zip(Cursor::new(bytes), "export.zip").unwrap();
    assert_eq!(files.connections.unwrap().bytes, connections);

    let bytes = zip_of(
        &export_dir("2024-urls"),
        "",
        &[("connections.CSV", b"a second one")],
    );
    let err = ExportFiles::from_zip(Cursor::new(bytes), "export.zip").unwrap_err();
    assert_eq!(
        err.to_string(),
        "export.zip/Connections.csv and export.zip/connections.CSV are both a Connections.csv; \
         keep one of them"
    );
}

#[test]
fn a_folder_one_level_down_is_found_and_deeper_ones_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("Basic_LinkedInDataExport_02-01-2026");
    std::fs::create_dir(&inner).unwrap();
    for name in ["Connections.csv", "Invitations.csv", "messages.csv"] {
        std::fs::copy(
            export_dir("spreadsheet-resave").join(name),
            inner.join(name),
        )
        .unwrap();
    }
    let export = parse(dir.path(), "UTC").unwrap();
    assert_eq!(export.invitations.len(), 3);
    assert!(
        export.files[0].ends_with("Basic_LinkedInDataExport_02-01-2026/Connections.csv"),
        "{:?}",
        export.files
    );

    let deeper = dir.path().join("a");
    std::fs::create_dir_all(deeper.join("b")).unwrap();
    std::fs::rename(&inner, deeper.join("b/export")).unwrap();
    let err = parse(dir.path(), "UTC").unwrap_err().to_string();
    assert!(err.contains("no Connections.csv in the export"), "{err}");
}

#[test]
fn a_damaged_zip_is_named() {
    let mut bytes = zip_of(&export_dir("2024-urls"), "", &[]);
    let err = ExportFiles::from_zip(Cursor::new(&bytes[..20]), "cut.zip").unwrap_err();
    assert!(
        err.to_string().starts_with("cut.zip: not a zip archive ("),
        "{err}"
    );
    // Damage the compressed data of the first file, keeping the directory intact.
    for b in &mut bytes[40..60] {
        *b ^= 0x5a;
    }
    let result = ExportFiles::from_zip(Cursor::new(bytes), "damaged.zip");
    let err = result.map(|_| ()).unwrap_err().to_string();
    assert!(
        err.starts_with("damaged.zip/") && err.contains("download the export again"),
        "{err}"
    );
}
