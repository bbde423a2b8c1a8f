//! The build pipeline: every stage from `site.yaml` to the written site,
//! run in order by [`Build::full`], and what `folio serve` keeps of a build
//! to redo only what a change touches (see [`crate::incremental`]).
//!
//! - `full.rs`: the full build, stage after stage;
//! - `markdown_stage.rs`: each document's Markdown, once for its links, once for its HTML;
//! - `backlinks.rs`: who refers to whom;
//! - `pages.rs`: each page's template;
//! - `link_check.rs`: every internal link and anchor against the pages written;
//! - `static_files.rs`: theme and content files, calendars.

mod backlinks;
mod full;
mod images;
mod link_check;
mod markdown_stage;
mod pages;
mod publish;
mod static_files;
mod update;

use std::collections::{BTreeMap, HashMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::SiteConfig;
use crate::content::{self, DocId, PerDoc, SiteTree};
use crate::diagnostics::{Diagnostic, Diagnostics, Error, Location, Place, Severity};
use crate::html_scan;
use crate::i18n::Strings;
use crate::images::{Library, Used};
use crate::index::SiteIndex;
use crate::languages::Languages;
use crate::links;
use crate::markdown::Highlighter;
use crate::output::{self, SiteOutput};
use crate::render::programme::PartId;
use crate::render::{SiteValues, Templates, ThemePage};
use crate::theme::{self, TemplateFile, Theme};
use crate::yaml;

pub(crate) use backlinks::{Backlinks, ReverseIndex};
pub(crate) use link_check::Checker;
pub(crate) use markdown_stage::{HeldBodies, HoldBudget, LinksPass, MarkdownStage, Pass};
pub(crate) use pages::{Pages, Renderer};
pub(crate) use update::NewTemplates;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site's folder (holds `site.yaml` and `content/`).
    pub root: PathBuf,
    /// Output folder; `None` means `output_dir` from site.yaml, under `root`.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
    pub highlight: bool,
    /// Write the search index (`--no-search`: not, whatever site.yaml says).
    pub search: bool,
    /// `Some(false)` turns broken links into warnings (`--no-strict`);
    /// `None` follows `strict_links` in site.yaml.
    pub strict_links: Option<bool>,
    /// Resize images (`false`: they stay plain `<img>`s of the originals and
    /// nothing is written to the image cache, as for the importer's check).
    pub images: bool,
    /// Content files of more bytes than this in all are not held through
    /// `folio build`: each is let go once its links are known and read
    /// again for its page (the cost of one more read, for 800 MB less
    /// memory at 100,000 pages).
    pub sources_held_up_to: usize,
    /// A site whose Markdown comes to at most half this many bytes renders
    /// each page's Markdown once: the links pass holds the HTML for the
    /// template, up to this many bytes (pages past it, if highlighted code
    /// made that much, are rendered again right before their templates).
    /// A larger site renders twice and holds none.
    pub html_held_up_to: usize,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            output: None,
            drafts: false,
            base_url: None,
            highlight: true,
            search: true,
            strict_links: None,
            images: true,
            sources_held_up_to: 256 << 20,
            html_held_up_to: HTML_HELD_UP_TO,
        }
    }
}

/// The HTML the links pass may hold for the templates by default: a site of
/// up to 16 MiB of Markdown (2,000 pages of a thousand words; GBIF's sites
/// have a few hundred) renders each page's Markdown once (see
/// ARCHITECTURE.md, "Markdown runs once on a small site").
pub const HTML_HELD_UP_TO: usize = 32 << 20;

/// The whole site in memory, before anything is written.
#[derive(Debug)]
pub struct BuiltSite {
    pub config: SiteConfig,
    /// Shared with the rebuilder of `folio serve`, which keeps it for the next build.
    pub tree: Arc<SiteTree>,
    pub output: SiteOutput,
    pub output_dir: PathBuf,
    /// What each written HTML page holds: its ids and the URLs it refers to.
    pub scans: BTreeMap<PathBuf, Arc<html_scan::Scanned>>,
    /// Every link in the content that leaves the site, with where it is
    /// written, for each document.
    external: PerDoc<Arc<[(String, Place)]>>,
    /// Every image in the content, with where it is written, for each document.
    images: PerDoc<Arc<[links::ImageUse]>>,
    /// What the build did with images.
    pub image_counts: ImageCounts,
    pub pages: usize,
    pub sections: usize,
    pub assets: usize,
    /// Warnings only: a build with errors returns [`Error::Failed`].
    pub diagnostics: Diagnostics,
    /// Time spent in each stage, in order.
    pub timings: Timings,
    /// Interface strings of the theme that a language of the site lacks,
    /// one warning per language (`folio check` reports them).
    pub missing_strings: Vec<Diagnostic>,
    /// Where `build` is writing the site; `None` for sites kept in memory.
    pub staging: Option<output::Staging>,
    /// The images, for `build` to prune the cache once the site is written.
    library: Option<Arc<Library>>,
}

/// How long each stage took, and the process's peak memory at its end, so
/// that a slow or large build points at its stage.
#[derive(Debug, Clone)]
pub struct Timings {
    pub stages: Vec<Stage>,
    last: Instant,
    last_cpu: Option<Duration>,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub took: Duration,
    /// The process's CPU time (user and system, every thread) in the stage
    /// (Linux only). Unlike `took`, it barely moves when other work shares
    /// the machine, so stages compare across runs and sizes by it.
    pub cpu: Option<Duration>,
    /// Peak resident memory of the process so far, in bytes (Linux only).
    pub peak_memory: Option<u64>,
}

impl Default for Timings {
    fn default() -> Timings {
        Timings { stages: Vec::new(), last: Instant::now(), last_cpu: cpu_time() }
    }
}

impl Timings {
    /// Ends the stage called `name` now.
    pub fn mark(&mut self, name: &'static str) {
        let now = Instant::now();
        let cpu_now = cpu_time();
        let cpu = cpu_now.zip(self.last_cpu).map(|(now, last)| now.saturating_sub(last));
        self.stages.push(Stage { name, took: now - self.last, cpu, peak_memory: peak_memory() });
        self.last = now;
        self.last_cpu = cpu_now;
    }
}

/// The CPU time the process has used so far, user and system.
#[cfg(target_os = "linux")]
fn cpu_time() -> Option<Duration> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes the struct it is given, which lives for the call.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) } != 0 {
        return None;
    }
    // SAFETY: the call succeeded, so the struct is filled.
    let usage = unsafe { usage.assume_init() };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Some(time(usage.ru_utime) + time(usage.ru_stime))
}

#[cfg(not(target_os = "linux"))]
fn cpu_time() -> Option<Duration> {
    None
}

/// The process's peak resident set (`VmHWM`), where the system tells it.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

impl BuiltSite {
    /// Every link in the content that leaves the site, with where it is
    /// written (worked out now: only `check` asks).
    pub fn external_links(&self) -> Vec<(String, Location)> {
        let mut all = Vec::new();
        for (id, links) in self.external.iter().filter(|(_, links)| !links.is_empty()) {
            let doc = self.tree.document(id);
            // One read of a released text for all of the document's links.
            let text = doc.text().unwrap_or_default();
            all.extend(links.iter().map(|(url, place)| (url.clone(), place.resolve(&doc.source, &text))));
        }
        all
    }

    /// Every link in the content that leaves the site, with the document
    /// and the place it is written at, to locate only those reported (a
    /// [`Location`] quotes its line: for a released text, a read of its file).
    pub fn external_places(&self) -> impl Iterator<Item = (&str, &content::Document, &Place)> {
        self.external.iter().flat_map(|(id, links)| {
            let doc = self.tree.document(id);
            links.iter().map(move |(url, place)| (url.as_str(), doc, place))
        })
    }

    /// Every image in the content, with where it is written.
    pub fn image_uses(&self) -> Vec<(&links::ImageUse, Location)> {
        let mut all = Vec::new();
        for (id, uses) in self.images.iter().filter(|(_, uses)| !uses.is_empty()) {
            let doc = self.tree.document(id);
            // One read of a released text for all of the document's images.
            let text = doc.text().unwrap_or_default();
            all.extend(uses.iter().map(|u| (u, u.place.resolve(&doc.source, &text))));
        }
        all
    }

    /// Placeholder links (`[text](#)`) found in the content.
    pub fn placeholders(&self) -> usize {
        self.diagnostics.count_code(links::PLACEHOLDER)
    }
}

/// What a build did with images: how many originals its pages show, how
/// many copies it made and how many it found in the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageCounts {
    pub images: usize,
    pub made: usize,
    pub from_cache: usize,
}

#[derive(Debug)]
pub struct BuildReport {
    pub site: BuiltSite,
    pub elapsed: Duration,
}

/// Builds the site and writes it to the output folder, which is replaced
/// in one step; on any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let mut site = run(options, PageBytes::Written)?;
    site.timings.last = Instant::now();
    let staging = site.staging.take().expect("PageBytes::Written stages");
    let written = staging.write_rest(&site.output).and_then(|()| staging.commit());
    written.map_err(|source| Error::Write { path: site.output_dir.clone(), source })?;
    site.timings.mark("write the rest, swap");
    // Only now: a failed build must not cost the cache the copies of the last good one.
    if let Some(library) = site.library.take() {
        if let Err(e) = library.processor.prune() {
            let dir = library.processor.cache_dir().display().to_string();
            site.diagnostics.push(Diagnostic::warning(format!("the image cache {dir} could not be pruned: {e}")));
        }
    }
    Ok(BuildReport { site, elapsed: started.elapsed() })
}

/// Runs every stage but writing: the whole site in memory as path -> bytes,
/// with its links and anchors checked (for `serve` and tests).
pub fn render_site(options: &BuildOptions) -> Result<BuiltSite, Error> {
    run(options, PageBytes::Kept)
}

/// Runs every stage but writing, keeping of each page only what it holds
/// (ids, URLs), not its bytes: what `folio check` reads, in about the
/// memory of `folio build` rather than the whole site's HTML besides.
pub fn check_site(options: &BuildOptions) -> Result<BuiltSite, Error> {
    run(options, PageBytes::Dropped)
}

/// The stages, doing with each page's bytes what `pages` says.
fn run(options: &BuildOptions, pages: PageBytes) -> Result<BuiltSite, Error> {
    let highlighter = Arc::new(Highlighter::new(options.highlight));
    Build::full(options, pages, &Reuse::nothing(), highlighter)?.into_site()
}

/// What a build does with each page's bytes once it is rendered and read
/// for what it holds (ids, URLs, search words; those are always kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageBytes {
    /// Kept in memory: `folio serve` serves them, tests read them.
    Kept,
    /// Written to the staging folder at once (`folio build`).
    Written,
    /// Let go (`folio check`, which writes nothing).
    Dropped,
}

fn fail(mut diagnostics: Diagnostics) -> Error {
    diagnostics.sort();
    Error::Failed(diagnostics)
}

/// What a build may take from an earlier one instead of working it out
/// again: the documents of files that did not change, and the links pass of
/// a document whose text, URL and surroundings are the same.
pub(crate) struct Reuse<'a> {
    pub previous: Option<&'a Build>,
    /// Whether the file at this full path may have changed since `previous`.
    pub changed: &'a (dyn Fn(&Path) -> bool + Sync),
}

impl Reuse<'_> {
    pub fn nothing() -> Reuse<'static> {
        Reuse { previous: None, changed: &|_| true }
    }
}

/// Everything one build works out, kept whole: `build` and `render_site`
/// turn it into a [`BuiltSite`]; `folio serve` keeps it and redoes only
/// what a change touches (see [`incremental`]).
pub(crate) struct Build {
    config: SiteConfig,
    languages: Languages,
    /// The theme's interface strings, per language.
    strings: Strings,
    /// What `strings` lacks, as warnings for `folio check`.
    missing_strings: Vec<Diagnostic>,
    data: yaml::Mapping,
    output_dir: PathBuf,
    /// The severity of broken links.
    broken: Severity,
    theme: Theme,
    /// The site's own `templates/`.
    site_templates: BTreeMap<String, TemplateFile>,
    templates: Templates,
    /// Markdown files the build read (or reused), inside `content/`.
    markdown_files: HashSet<PathBuf>,
    tree: Arc<SiteTree>,
    /// Documents left out of the tree (drafts).
    excluded: Vec<content::Document>,
    index: SiteIndex,
    highlighter: Arc<Highlighter>,
    /// Warnings of loading the content and of assembling the tree.
    early: Vec<Diagnostic>,
    /// Each document's links pass.
    links: PerDoc<Arc<LinksPass>>,
    /// How many of those this build ran (the others it reused).
    links_passes_run: usize,
    backlinks: Backlinks,
    calendars: HashMap<String, String>,
    values: SiteValues,
    /// Every page rendered from a template.
    pages: Pages,
    output: SiteOutput,
    /// The link check of each document.
    checks: PerDoc<Vec<Diagnostic>>,
    menu: Vec<Diagnostic>,
    /// The search index, kept to update it page by page.
    search: Option<output::search::SearchIndex>,
    /// Warnings about what the build publishes besides the pages
    /// (sitemap, feeds, aliases, card images).
    published: Vec<Diagnostic>,
    /// Links already broken when the site was imported: warnings.
    known_broken: crate::known_broken::KnownBroken,
    /// The site's images (kept by `folio serve` across rebuilds).
    images: Arc<Library>,
    /// The image copies in the output, from the pages that use them.
    image_outputs: BTreeMap<PathBuf, Used>,
    /// The processor's counts when this build started.
    image_counts_before: crate::images::Counts,
    timings: Timings,
    staging: Option<output::Staging>,
}

/// A page rendered from a template: its bytes (`None` once written to the
/// staging folder, or let go by `folio check`) and what its HTML holds.
#[derive(Debug, Clone)]
pub(crate) struct Out {
    pub bytes: Option<Arc<[u8]>>,
    pub scan: Arc<html_scan::Scanned>,
    /// The image copies it shows.
    pub images: Arc<[Used]>,
    /// Its words for the search index; `None` for a page left out of it.
    pub terms: Option<Arc<output::search::PageTerms>>,
}

/// Something rendered from a template, in the order a build renders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Unit {
    Doc(DocId),
    /// A page folio makes for a programme.
    Generated(PartId),
    /// A page the theme makes of its own (404, search).
    Theme(ThemePage),
}

impl Build {
    /// Every document the build read, by its path inside `content/`.
    pub fn documents(&self) -> HashMap<&Path, &content::Document> {
        let tree = self.tree.pages.iter().map(|p| &p.doc).chain(self.tree.sections.iter().map(|s| &s.doc));
        tree.chain(&self.excluded)
            .filter(|d| self.markdown_files.contains(&d.rel))
            .map(|d| (d.rel.as_path(), d))
            .collect()
    }

    /// Every problem found, in the order a build reports them.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut all = self.problems_before_templates();
        all.extend(self.checks.values().flatten().cloned());
        all.extend(self.menu.iter().cloned());
        all.extend(self.published.iter().cloned());
        self.known_broken.apply(&mut all);
        all.sort();
        all
    }

    /// The site as it stands, sharing this build's pages; an error when
    /// the link checks found one.
    pub fn site(&self) -> Result<BuiltSite, Error> {
        let diagnostics = self.diagnostics();
        if diagnostics.has_errors() {
            return Err(Error::Failed(diagnostics));
        }
        Ok(BuiltSite {
            external: self.links.map_ref(|pass| Arc::clone(&pass.links.external)),
            images: self.links.map_ref(|pass| Arc::clone(&pass.links.images)),
            image_counts: self.image_counts(),
            library: Some(Arc::clone(&self.images)),
            assets: self.output.count_copied() - self.image_outputs.len(),
            pages: self.tree.pages.len(),
            sections: self.tree.sections.len(),
            config: self.config.clone(),
            tree: Arc::clone(&self.tree),
            output: self.output.clone(),
            output_dir: self.output_dir.clone(),
            scans: self.pages.scans.clone(),
            diagnostics,
            timings: self.timings.clone(),
            missing_strings: self.missing_strings.clone(),
            staging: None,
        })
    }

    /// The site, taking over the staging folder the pages were written to.
    /// (The shared parts are reference-counted, so `site` costs little.)
    pub fn into_site(mut self) -> Result<BuiltSite, Error> {
        let staging = self.staging.take();
        let mut site = self.site();
        // What only the build needed (every page's views, links and
        // outputs) is freed beside the rest of the work rather than before it.
        // (Should no thread start, the closure and `self` are dropped here.)
        let _ = std::thread::Builder::new().name("free-build".into()).spawn(move || drop(self));
        if let Ok(site) = &mut site {
            site.staging = staging;
        }
        site
    }
}
/// The theme, the site's own templates, and the Tera environment of both.
pub(crate) fn load_templates(
    root: &Path,
    config: &SiteConfig,
    images: &Arc<Library>,
) -> Result<(Theme, BTreeMap<String, TemplateFile>, Templates), Diagnostic> {
    let mut theme = Theme::load(root, &config.theme)?;
    let site_templates = theme::site_templates(root, &mut theme.warnings)?;
    let templates = Templates::load(&theme, site_templates.clone(), config, images)?;
    Ok((theme, site_templates, templates))
}

/// The ids of each page in `scans` (of the pages named in `only`, when
/// given), for the link checks.
pub(crate) fn ids_of<'a>(
    scans: &'a BTreeMap<PathBuf, Arc<html_scan::Scanned>>,
    only: Option<&HashSet<&str>>,
) -> FxHashMap<&'a str, FxHashSet<&'a str>> {
    scans
        .iter()
        .filter_map(|(path, scan)| Some((path.to_str()?, scan)))
        .filter(|(path, _)| only.is_none_or(|only| only.contains(path)))
        .map(|(path, scan)| (path, scan.anchor_targets().collect()))
        .collect()
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics { items: vec![d] }
}

/// The output folder, refused where replacing it would destroy the site.
fn output_dir(options: &BuildOptions, config: &SiteConfig) -> Result<PathBuf, Diagnostic> {
    let dir = options.output.clone().unwrap_or_else(|| options.root.join(&config.output_dir));
    output::check_output_dir(&options.root, &dir).map_err(|why| {
        Diagnostic::error(format!("refusing to write the site to {}: {why}", dir.display())).help(
            "choose an output folder outside the site's content/, templates/, themes/, assets/ and data/, such as `public`",
        )
    })?;
    Ok(dir)
}
