//! The files a build copies beside its pages: the theme's `static/`, the
//! site's `assets/` and the files beside the content.

use std::path::{Path, PathBuf};

use crate::content::{self, CONTENT_DIR};
use crate::diagnostics::Diagnostic;
use crate::index;
use crate::output::{OutputContent, SiteOutput};
use crate::theme::{FileSource, Theme};

/// Theme `static/` to the output root, `assets/` to `/assets/`, and files
/// beside the content to the same place under their section's URL.
pub(super) fn add_static_files(
    output: &mut SiteOutput,
    theme: &Theme,
    site_assets: &[(PathBuf, PathBuf)],
    assets: &[content::ContentAsset],
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut add = |path: PathBuf, source: FileSource, origin: PathBuf| {
        if let Err(d) = output.add(path, OutputContent::Copied(source), &origin) {
            problems.push(d);
        }
    };
    for (path, source) in &theme.static_files {
        let origin = PathBuf::from("themes").join(&theme.name).join("static").join(path);
        add(path.clone(), source.clone(), origin);
    }
    for (rel, full) in site_assets {
        let path = Path::new("assets").join(rel);
        add(path.clone(), FileSource::Disk(full.clone()), path);
    }
    for asset in assets {
        let path = PathBuf::from(index::asset_url(&asset.rel).trim_start_matches('/'));
        add(path, FileSource::Disk(asset.source.clone()), Path::new(CONTENT_DIR).join(&asset.rel));
    }
    problems
}
