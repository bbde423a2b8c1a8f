//! The built site as data (output path -> bytes or a file to copy), and
//! writing it: everything goes to a staging folder first, which then replaces
//! the output folder in one step. A failed build leaves the old site exactly
//! as it was.

pub mod calendar;
pub mod feed;
pub mod redirect;
pub mod search;
pub mod sitemap;
mod write;

use std::collections::hash_map::Entry;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap;

pub use write::{check_output_dir, write_site, Staging, AUTHORED};

use crate::diagnostics::{Diagnostic, Location};
use crate::theme::FileSource;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputContent {
    /// Rendered in memory (pages, generated files); shared, so that a
    /// rebuild that keeps a page does not copy it.
    Rendered(Arc<[u8]>),
    /// Copied as it is (assets, theme files).
    Copied(FileSource),
}

/// Every file of the built site, by its path inside the output folder.
#[derive(Debug, Clone, Default)]
pub struct SiteOutput {
    /// Files held in memory (or named on disk) until they are written.
    pub files: BTreeMap<PathBuf, OutputFile>,
    /// Pages whose bytes are not kept, by path, with the input that made
    /// them: written to the staging folder while they rendered (`folio
    /// build`), so a large site does not sit in memory twice, or only
    /// checked (`folio check`). Hashed, not ordered: one is added per page
    /// on the build's one thread after the pages render, and comparing
    /// paths component by component down a tree of 10,000 was most of
    /// that work; nothing lists them in order.
    pub written: FxHashMap<PathBuf, PathBuf>,
    /// How the host answers URLs beyond the files (`implicit_html` and
    /// `app_routes` in site.yaml): links, anchors and `folio serve`
    /// resolve that way.
    pub host: crate::links::HostRules,
}

/// The error of two inputs writing one output path.
fn claimed_twice(path: &Path, existing: &Path, origin: &Path) -> Diagnostic {
    Diagnostic::error(format!("{} and {} both write {}", existing.display(), origin.display(), path.display()))
        .at(Location::file(origin))
        .help("rename or move one of them")
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
        self.claim(&path, origin)?;
        self.files.insert(path, OutputFile { content, origin: origin.to_path_buf() });
        Ok(())
    }

    /// Records a page that is already in the staging folder.
    pub fn add_written(&mut self, path: PathBuf, origin: &Path) -> Result<(), Diagnostic> {
        if let Some(file) = self.files.get(&path) {
            return Err(claimed_twice(&path, &file.origin, origin));
        }
        match self.written.entry(path) {
            Entry::Occupied(page) => Err(claimed_twice(page.key(), page.get(), origin)),
            Entry::Vacant(place) => {
                place.insert(origin.to_path_buf());
                Ok(())
            }
        }
    }

    fn claim(&self, path: &Path, origin: &Path) -> Result<(), Diagnostic> {
        let existing = self.files.get(path).map(|f| &f.origin).or_else(|| self.written.get(path));
        match existing {
            None => Ok(()),
            Some(existing) => Err(claimed_twice(path, existing, origin)),
        }
    }

    /// Whether the site has a file at `path`.
    pub fn contains(&self, path: &Path) -> bool {
        self.files.contains_key(path) || self.written.contains_key(path)
    }

    /// Every path of the site: the files held, in order, then the pages
    /// written, in no order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.keys().chain(self.written.keys()).map(PathBuf::as_path)
    }

    pub fn count_copied(&self) -> usize {
        self.files.values().filter(|f| matches!(f.content, OutputContent::Copied(_))).count()
    }
}
