//! Importers: documents from elsewhere turned into a folio site's files.
//! `programme/` reads GBIF's annual Work Programme document (and writes
//! through a staging folder swapped in whole), `jekyll/` a whole Jekyll
//! site (written file by file through [`write_file`], so that a reader
//! never finds half a file).

pub mod jekyll;
pub mod programme;

use std::fs;
use std::path::Path;

/// Writes through a temporary file beside `path`, renamed over it.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace_through_temp(path, |temp| fs::write(temp, bytes))
}

/// Makes `path` by `fill`ing a temporary file beside it and renaming that
/// over it, so a reader never finds half a file.
pub(crate) fn replace_through_temp(
    path: &Path,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.folio-import-{}", std::process::id()));
    fill(&temp)?;
    fs::rename(&temp, path).inspect_err(|_| {
        let _ = fs::remove_file(&temp);
    })
}
