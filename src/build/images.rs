//! The build's side of images: the library (reused by `folio serve`), which
//! file each image URL is, and the copies the pages use in the output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Build, BuildOptions, ImageCounts, Pages};
use crate::config::SiteConfig;
use crate::content;
use crate::diagnostics::Diagnostic;
use crate::images::{self, Library, Used};
use crate::index;
use crate::output::{OutputContent, SiteOutput};
use crate::theme::FileSource;

/// The site's image library: the previous build's when the settings are
/// the same (its memory of what it processed is what makes `folio serve`
/// fast), else a new one. The cache folder must not be published or read
/// as content.
pub(super) fn library(
    options: &BuildOptions,
    config: &SiteConfig,
    output_dir: &Path,
    previous: Option<&Build>,
) -> Result<Arc<Library>, Diagnostic> {
    let root = options.root.as_path();
    let cache_dir = root.join(&config.images.cache_dir);
    let resolve = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let cache = resolve(&cache_dir);
    let read = ["content", "assets", "templates", "themes", "data", "i18n", "includes"].map(|d| root.join(d));
    let clash = read
        .iter()
        .chain([&output_dir.to_path_buf()])
        .find(|dir| {
            let dir = resolve(dir);
            cache.starts_with(&dir) || dir.starts_with(&cache)
        })
        .map(|dir| dir.strip_prefix(root).unwrap_or(dir).to_path_buf());
    if let Some(dir) = clash {
        return Err(Diagnostic::error(format!(
            "`images.cache_dir` {} would be inside (or hold) {}/, which folio reads or publishes",
            config.images.cache_dir.display(),
            dir.display()
        ))
        .at(config.location_of("cache_dir"))
        .help("keep the cache out of what is published and read: the default is `.folio-cache/images`"));
    }
    let settings = images::Settings {
        widths: config.images.widths.clone(),
        jpeg_quality: config.images.jpeg_quality,
        webp_quality: config.images.webp_quality,
        max_pixels: config.images.max_pixels,
    };
    if let Some(previous) = previous {
        let kept = &previous.images;
        if kept.processor.settings() == &settings
            && kept.sizes == config.images.sizes
            && kept.processor.cache_dir() == cache_dir
        {
            return Ok(Arc::clone(kept));
        }
    }
    Ok(Arc::new(Library::new(settings, config.images.sizes.clone(), cache_dir, root)))
}

/// Image URL path -> file, for the files published as they are: `assets/`
/// and the files beside the content.
pub(super) fn sources(site_assets: &[(PathBuf, PathBuf)], assets: &[content::ContentAsset]) -> Vec<(String, PathBuf)> {
    let url_of = |rel: &Path| format!("/{}", rel.to_string_lossy().replace('\\', "/"));
    let mut all: Vec<(String, PathBuf)> =
        site_assets.iter().map(|(rel, full)| (url_of(&Path::new("assets").join(rel)), full.clone())).collect();
    all.extend(assets.iter().map(|a| (index::asset_url(&a.rel), a.source.clone())));
    all
}

/// The copies every page uses, by their path in the output.
pub(super) fn used_by(pages: &Pages) -> BTreeMap<PathBuf, Used> {
    pages.by_unit.values().flat_map(|out| out.images.iter()).map(|u| (u.output.clone(), u.clone())).collect()
}

/// Puts `wanted` in the output in place of the copies `current` holds.
pub(super) fn place(
    output: &mut SiteOutput,
    current: &BTreeMap<PathBuf, Used>,
    wanted: &BTreeMap<PathBuf, Used>,
    root: &Path,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for path in current.keys().filter(|p| !wanted.contains_key(*p)) {
        output.files.remove(path);
    }
    for (path, used) in wanted.iter().filter(|(p, _)| !current.contains_key(*p)) {
        let origin = used.source.strip_prefix(root).unwrap_or(&used.source);
        let content = OutputContent::Copied(FileSource::Disk(used.cached.clone()));
        if let Err(d) = output.add(path.clone(), content, origin) {
            problems.push(d);
        }
    }
    problems
}

impl Build {
    /// What this build did with images.
    pub(super) fn image_counts(&self) -> ImageCounts {
        let now = self.images.processor.counts();
        let sources: std::collections::BTreeSet<&Path> =
            self.image_outputs.values().map(|u| u.source.as_path()).collect();
        ImageCounts {
            images: sources.len(),
            made: now.written - self.image_counts_before.written,
            from_cache: now.reused - self.image_counts_before.reused,
        }
    }

    /// The images' sources, those that made copies and those that failed
    /// to: a change to one of them changes its copies' names (or its
    /// problem), and so the pages that show it.
    pub fn image_sources(&self) -> impl Iterator<Item = &Path> {
        let shown = self.links.values().flat_map(|pass| pass.links.images.iter()).filter_map(|i| i.source.as_deref());
        shown.chain(self.image_outputs.values().map(|u| u.source.as_path()))
    }

    pub fn images(&self) -> &Arc<Library> {
        &self.images
    }

    /// Makes the output's copies those the pages use now (after pages were
    /// rendered again).
    pub fn sync_image_outputs(&mut self) -> Vec<Diagnostic> {
        let wanted = used_by(&self.pages);
        let root = self.images.root().to_path_buf();
        let problems = place(&mut self.output, &self.image_outputs, &wanted, &root);
        self.image_outputs = wanted;
        problems
    }
}
