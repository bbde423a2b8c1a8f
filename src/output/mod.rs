//! The built site as data (output path -> bytes or a file to copy), and
//! writing it: everything goes to a staging folder first, which then replaces
//! the output folder in one step. A failed build leaves the old site exactly
//! as it was.

pub mod calendar;
mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use write::write_site;

use crate::diagnostics::{Diagnostic, Location};
use crate::theme::FileSource;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputContent {
    /// Rendered in memory (pages, generated files).
    Rendered(Vec<u8>),
    /// Copied as it is (assets, theme files).
    Copied(FileSource),
}

/// Every file of the built site, by its path inside the output folder.
#[derive(Debug, Default)]
pub struct SiteOutput {
    pub files: BTreeMap<PathBuf, OutputFile>,
}

#[derive(Debug, Clone)]
pub struct OutputFile {
    pub content: OutputContent,
    /// Which input made it, for "two files claim one path" errors.
    pub origin: PathBuf,
}

impl SiteOutput {
    /// Adds a file; a path that something else already claimed is an error
    /// naming both, because one of them would silently vanish.
    pub fn add(&mut self, path: PathBuf, content: OutputContent, origin: &Path) -> Result<(), Diagnostic> {
        if let Some(existing) = self.files.get(&path) {
            return Err(Diagnostic::error(format!(
                "{} and {} both write {}",
                existing.origin.display(),
                origin.display(),
                path.display()
            ))
            .at(Location::file(origin))
            .help("rename or move one of them"));
        }
        self.files.insert(path, OutputFile { content, origin: origin.to_path_buf() });
        Ok(())
    }

    pub fn count_copied(&self) -> usize {
        self.files.values().filter(|f| matches!(f.content, OutputContent::Copied(_))).count()
    }
}
