//! folio: a static site generator for structured programme documents.
//!
//! The build is a chain of plain functions, one module per stage:
//! config -> content (load, tree) -> markdown -> render (templates) ->
//! output (write). `build` runs them all and writes the site; each stage's
//! value is the next one's input and no stage reaches back.
//!
//! `Build` keeps every stage's value; `folio serve` keeps the last one and,
//! when files change, redoes only what they touch ([`incremental`]) with
//! the same pieces: the links pass of one document, the backlinks, one
//! page's render, one page's link check.

pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod files;
pub mod html_scan;
pub mod import;
pub mod incremental;
pub mod index;
pub mod known_broken;
pub mod links;
pub mod markdown;
pub mod output;
pub mod render;
pub mod serve;
pub mod site_data;
pub mod slug;
pub mod theme;
pub mod urls;
pub mod yaml;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use config::SiteConfig;
use content::{SiteTree, CONTENT_DIR};
use diagnostics::{Diagnostic, Diagnostics, Location, Place, Severity};
use index::SiteIndex;
use links::LinkResolver;
use markdown::{Highlighter, RenderOptions, Rendered};
use output::{OutputContent, SiteOutput};
use render::{RenderInputs, SiteValues, Templates};
use theme::{FileSource, TemplateFile, Theme};

/// The version and commit this binary was built from.
pub const VERSION: &str = env!("FOLIO_VERSION_STAMP");

/// Library errors. Problems with the site's files are [`Diagnostic`]s,
/// collected over the whole run; `Failed` carries them all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the build failed with {} error(s)", .0.error_count())]
    Failed(Diagnostics),
    #[error("cannot write the site to {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site's folder (holds `site.yaml` and `content/`).
    pub root: PathBuf,
    /// Output folder; `None` means `output_dir` from site.yaml, under `root`.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
    pub highlight: bool,
    /// `Some(false)` turns broken links into warnings (`--no-strict`);
    /// `None` follows `strict_links` in site.yaml.
    pub strict_links: Option<bool>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            output: None,
            drafts: false,
            base_url: None,
            highlight: true,
            strict_links: None,
        }
    }
}

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
    /// written: one list per document (pages, then sections).
    external: Vec<Arc<[(String, Place)]>>,
    pub pages: usize,
    pub sections: usize,
    pub assets: usize,
    /// Warnings only: a build with errors returns [`Error::Failed`].
    pub diagnostics: Diagnostics,
    /// Time spent in each stage, in order.
    pub timings: Timings,
    /// Where `build` is writing the site; `None` for sites kept in memory.
    pub staging: Option<output::Staging>,
}

/// How long each stage took, and the process's peak memory at its end, so
/// that a slow or large build points at its stage.
#[derive(Debug, Clone)]
pub struct Timings {
    pub stages: Vec<Stage>,
    last: Instant,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub took: Duration,
    /// Peak resident memory of the process so far, in bytes (Linux only).
    pub peak_memory: Option<u64>,
}

impl Default for Timings {
    fn default() -> Timings {
        Timings { stages: Vec::new(), last: Instant::now() }
    }
}

impl Timings {
    /// Ends the stage called `name` now.
    pub fn mark(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages.push(Stage { name, took: now - self.last, peak_memory: peak_memory() });
        self.last = now;
    }
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
        let docs = self.tree.pages.iter().map(|p| &p.doc).chain(self.tree.sections.iter().map(|s| &s.doc));
        self.external
            .iter()
            .zip(docs)
            .flat_map(|(links, doc)| {
                links.iter().map(|(url, place)| (url.clone(), place.resolve(&doc.source, &doc.text)))
            })
            .collect()
    }

    /// Placeholder links (`[text](#)`) found in the content.
    pub fn placeholders(&self) -> usize {
        self.diagnostics.count_code(links::PLACEHOLDER)
    }
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
    let mut site = run(options, true)?;
    site.timings.last = Instant::now();
    let staging = site.staging.take().expect("run(…, true) stages");
    let written = staging.write_rest(&site.output).and_then(|()| staging.commit());
    written.map_err(|source| Error::Write { path: site.output_dir.clone(), source })?;
    site.timings.mark("write the rest, swap");
    Ok(BuildReport { site, elapsed: started.elapsed() })
}

/// Runs every stage but writing: the whole site in memory as path -> bytes,
/// with its links and anchors checked (for `check`, `serve` and tests).
pub fn render_site(options: &BuildOptions) -> Result<BuiltSite, Error> {
    run(options, false)
}

/// The stages; with `stage`, each page is written to a staging folder as
/// soon as it is rendered, so its bytes are not kept.
fn run(options: &BuildOptions, stage: bool) -> Result<BuiltSite, Error> {
    let highlighter = Arc::new(Highlighter::new(options.highlight));
    Build::full(options, stage, &Reuse::nothing(), highlighter)?.into_site()
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
    pub config: SiteConfig,
    pub data: yaml::Mapping,
    pub output_dir: PathBuf,
    /// The severity of broken links.
    pub broken: Severity,
    pub theme: Theme,
    /// The site's own `templates/`.
    pub site_templates: BTreeMap<String, TemplateFile>,
    pub templates: Templates,
    /// Markdown files the build read (or reused), inside `content/`.
    pub markdown_files: HashSet<PathBuf>,
    pub tree: Arc<SiteTree>,
    /// Documents left out of the tree (drafts).
    pub excluded: Vec<content::Document>,
    pub index: SiteIndex,
    pub highlighter: Arc<Highlighter>,
    /// Warnings of loading the content and of assembling the tree.
    pub early: Vec<Diagnostic>,
    pub page_links: Vec<Arc<LinksPass>>,
    pub section_links: Vec<Arc<LinksPass>>,
    /// How many of those this build ran (the others it reused).
    pub links_passes_run: usize,
    pub backlinks: Backlinks,
    pub calendars: HashMap<String, String>,
    pub values: SiteValues,
    /// Every page rendered from a template.
    pub outs: BTreeMap<Unit, Out>,
    pub output: SiteOutput,
    pub scans: BTreeMap<PathBuf, Arc<html_scan::Scanned>>,
    /// The link check of each document: pages, then sections.
    pub checks: Vec<Vec<Diagnostic>>,
    pub menu: Vec<Diagnostic>,
    /// Links already broken when the site was imported: warnings.
    pub known_broken: known_broken::KnownBroken,
    pub timings: Timings,
    pub staging: Option<output::Staging>,
}

/// A page rendered from a template: its bytes (`None` once written to the
/// staging folder) and what its HTML holds.
#[derive(Debug, Clone)]
pub(crate) struct Out {
    pub bytes: Option<Arc<[u8]>>,
    pub scan: Arc<html_scan::Scanned>,
}

/// Something rendered from a template, in the order a build renders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Unit {
    Section(content::SectionId),
    Page(content::PageId),
    /// A page folio makes for a programme: its place in `SiteValues::programmes.generated`.
    Generated(usize),
}

impl Build {
    /// Runs every stage. A failure before the link checks is an error; the
    /// link checks' own errors are kept in the build (see [`Build::site`]).
    pub fn full(
        options: &BuildOptions,
        stage: bool,
        reuse: &Reuse<'_>,
        highlighter: Arc<Highlighter>,
    ) -> Result<Build, Error> {
        let root = options.root.as_path();
        let mut timings = Timings::default();
        let mut diagnostics = Diagnostics::default();

        let mut config = SiteConfig::load(root).map_err(|d| fail(one(d)))?;
        if let Some(url) = &options.base_url {
            config.set_base_url(url).map_err(|d| fail(one(d)))?;
        }
        let output_dir = output_dir(options, &config).map_err(|d| fail(one(d)))?;
        let data =
            site_data::load(root, &mut diagnostics.items).map_err(|problems| fail(Diagnostics { items: problems }))?;
        let known_broken = known_broken::KnownBroken::load(root).map_err(|d| fail(one(d)))?;
        if config.menu.is_empty() {
            if let Some(navigation) = data.get("navigation") {
                config.menu = config::MenuItem::from_data(navigation);
            }
        }
        let staging = match stage {
            true => Some(
                output::Staging::new(&output_dir)
                    .map_err(|source| Error::Write { path: output_dir.clone(), source })?,
            ),
            false => None,
        };
        let strict = options.strict_links.unwrap_or(config.strict_links);
        let broken = if strict { Severity::Error } else { Severity::Warning };

        let templates = load_templates(root, &config);
        timings.mark("config and templates");
        let previous = reuse.previous;
        let old_docs: HashMap<&Path, &content::Document> = previous.map(Build::documents).unwrap_or_default();
        let reuse_doc = |path: &Path, rel: &Path| match (reuse.changed)(path) {
            true => None,
            false => old_docs.get(rel).map(|d| (*d).clone()),
        };
        let mut loaded = content::load_reusing(root, &mut diagnostics, &reuse_doc);
        if config.liquid {
            let mut liquid = markdown::liquid::LiquidSite::new(root, &config, &data, &mut diagnostics.items);
            diagnostics.extend(markdown::liquid::evaluate_all(&mut liquid, &mut loaded.documents));
        }
        let markdown_files = loaded.documents.iter().map(|d| d.rel.clone()).collect();
        timings.mark("load");
        let (tree, excluded) =
            content::build_tree_and_excluded(loaded.documents, options.drafts, &config.title, &mut diagnostics);
        let (theme, site_templates, templates) = match templates {
            Ok(t) => t,
            Err(d) => {
                diagnostics.push(d);
                return Err(fail(diagnostics));
            }
        };
        diagnostics.extend(theme.warnings.iter().cloned());
        let site_assets = files::list(&root.join("assets"), root);
        diagnostics.extend(site_assets.warnings);
        if diagnostics.has_errors() {
            return Err(fail(diagnostics));
        }
        let early = std::mem::take(&mut diagnostics.items);

        let index = SiteIndex::new(&tree, &loaded.assets);
        timings.mark("tree and index");
        let md_options = RenderOptions { base_path: config.base_path(), highlighter: &highlighter, html: true };
        let markdown = MarkdownStage { tree: &tree, index: &index, options: md_options, broken };
        let (page_links, section_links) = markdown.all_links(
            previous.filter(|p| p.index == index && p.config.base_path() == config.base_path() && p.broken == broken),
        );
        for pass in page_links.iter().chain(&section_links) {
            diagnostics.extend(pass.diagnostics.iter().cloned());
        }
        // A pass taken from `previous` is held there too.
        let links_passes_run = page_links.iter().chain(&section_links).filter(|p| Arc::strong_count(p) == 1).count();
        timings.mark("markdown");

        let backlinks = Backlinks::new(&tree, &page_links, &section_links);
        let calendars = output::calendar::paths(&tree);
        let inputs = RenderInputs {
            data: &data,
            config: &config,
            calendars: &calendars,
            tree: &tree,
            backlinks: &backlinks.map,
        };
        let values = SiteValues::new(&inputs, &markdown);
        let renderer = Renderer { inputs, values: &values, markdown: &markdown, templates: &templates };
        let units = renderer.units();
        // Each page's HTML exists only from here until it is written.
        let rendered: Vec<Result<Out, Diagnostic>> =
            units.par_iter().map(|&unit| renderer.render_out(unit, staging.as_ref())).collect();
        let mut output = SiteOutput { implicit_html: config.implicit_html, ..SiteOutput::default() };
        let mut output_problems = Vec::new();
        let mut scans = BTreeMap::new();
        let mut outs = BTreeMap::new();
        for (unit, result) in units.into_iter().zip(rendered) {
            let (path, origin) = renderer.target(unit);
            let added = result.and_then(|out| {
                let added = match &out.bytes {
                    Some(bytes) => output.add(path.to_path_buf(), OutputContent::Rendered(Arc::clone(bytes)), origin),
                    None => output.add_written(path.to_path_buf(), origin),
                };
                scans.insert(path.to_path_buf(), Arc::clone(&out.scan));
                outs.insert(unit, out);
                added
            });
            output_problems.extend(added.err());
        }
        timings.mark("templates");
        output_problems.extend(add_static_files(&mut output, &theme, &site_assets.files, &loaded.assets));
        output_problems.extend(output::calendar::add_all(&mut output, &tree, &config));
        if !output_problems.is_empty() {
            // Checking links now would report every page that failed to render
            // a second time, as a broken link target.
            diagnostics.extend(output_problems);
            return Err(fail(diagnostics));
        }

        let all: Vec<usize> = (0..tree.pages.len() + tree.sections.len()).collect();
        let ids = ids_of(&scans, None);
        let paths = links::OutputPaths::new(&output);
        let checker = Checker { tree: &tree, page_links: &page_links, section_links: &section_links, scans: &scans };
        let checks = checker.check(&all, &paths, &ids, config.base_path(), broken);
        drop(paths);
        let menu = check_menu(&config, &output, broken);
        timings.mark("links");
        Ok(Build {
            config,
            data,
            output_dir,
            broken,
            theme,
            site_templates,
            templates,
            markdown_files,
            tree: Arc::new(tree),
            excluded,
            index,
            highlighter,
            early,
            page_links,
            section_links,
            links_passes_run,
            backlinks,
            calendars,
            values,
            outs,
            output,
            scans,
            checks,
            menu,
            known_broken,
            timings,
            staging,
        })
    }

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
        let mut all = Diagnostics { items: self.early.clone() };
        for pass in self.page_links.iter().chain(&self.section_links) {
            all.extend(pass.diagnostics.iter().cloned());
        }
        all.extend(self.checks.iter().flatten().cloned());
        all.extend(self.menu.iter().cloned());
        self.known_broken.apply(&mut all);
        all.sort();
        all
    }

    fn external(&self) -> Vec<Arc<[(String, Place)]>> {
        self.page_links.iter().chain(&self.section_links).map(|pass| Arc::clone(&pass.links.external)).collect()
    }

    /// The site as it stands, sharing this build's pages; an error when
    /// the link checks found one.
    pub fn site(&self) -> Result<BuiltSite, Error> {
        let diagnostics = self.diagnostics();
        if diagnostics.has_errors() {
            return Err(Error::Failed(diagnostics));
        }
        Ok(BuiltSite {
            external: self.external(),
            assets: self.output.count_copied(),
            pages: self.tree.pages.len(),
            sections: self.tree.sections.len(),
            config: self.config.clone(),
            tree: Arc::clone(&self.tree),
            output: self.output.clone(),
            output_dir: self.output_dir.clone(),
            scans: self.scans.clone(),
            diagnostics,
            timings: self.timings.clone(),
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
) -> Result<(Theme, BTreeMap<String, TemplateFile>, Templates), Diagnostic> {
    let mut theme = Theme::load(root, &config.theme)?;
    let site_templates = render::site_templates(root, &mut theme.warnings)?;
    let templates = Templates::load(&theme, site_templates.clone(), config)?;
    Ok((theme, site_templates, templates))
}

/// The ids of each page in `scans` (of the pages named in `only`, when
/// given), for the link checks.
pub(crate) fn ids_of<'a>(
    scans: &'a BTreeMap<PathBuf, Arc<html_scan::Scanned>>,
    only: Option<&HashSet<&str>>,
) -> HashMap<&'a str, HashSet<&'a str>> {
    scans
        .iter()
        .filter_map(|(path, scan)| Some((path.to_str()?, scan)))
        .filter(|(path, _)| only.is_none_or(|only| only.contains(path)))
        .map(|(path, scan)| (path, scan.ids().collect()))
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

/// The Markdown of a page with its title heading left out (when the title
/// came from it); blanked rather than cut, so byte offsets stay true.
fn body_of(page: &content::Page) -> Cow<'_, str> {
    let body = page.doc.body();
    match &page.title_heading {
        None => Cow::Borrowed(body),
        Some(range) => {
            let start = range.start - page.doc.body_start;
            let end = range.end - page.doc.body_start;
            let blank: String = body[start..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect();
            Cow::Owned(format!("{}{}{}", &body[..start], blank, &body[end..]))
        }
    }
}

/// A document's Markdown, rendered, with the links it holds.
pub(crate) struct DocMarkdown {
    pub body: Rendered,
    pub links: DocLinks,
    pub diagnostics: Vec<Diagnostic>,
}

/// The links of one document, kept after its rendered body is gone.
#[derive(Debug, Clone)]
pub(crate) struct DocLinks {
    pub internal: Vec<links::InternalLink>,
    pub external: Arc<[(String, Place)]>,
}

/// What the links-only pass over one document found: its links, its
/// problems, and the pages it refers to (for backlinks).
#[derive(Debug)]
pub(crate) struct LinksPass {
    pub links: DocLinks,
    pub diagnostics: Vec<Diagnostic>,
    /// URL paths this document links to or mentions, each once, in order;
    /// never its own.
    pub targets: Vec<String>,
}

impl LinksPass {
    pub fn new(md: DocMarkdown, url: &str) -> LinksPass {
        let mut targets: Vec<String> = Vec::new();
        for link in md.links.internal.iter().filter(|l| !l.reported && !l.path.is_empty() && l.path != url) {
            if !targets.contains(&link.path) {
                targets.push(link.path.clone());
            }
        }
        LinksPass { links: md.links, diagnostics: md.diagnostics, targets }
    }
}

/// Places an offset of a Markdown front matter value in the file: the
/// value's text from that offset is looked for after its key (YAML quoting
/// may differ, so a short piece is tried first); failing that, the key.
fn field_locator<'a>(doc: &'a content::Document, value: &'a str, key: Location) -> impl Fn(usize) -> Place + 'a {
    move |offset| {
        let from_key = doc.text.lines().take(key.line.saturating_sub(1)).map(|l| l.len() + 1).sum::<usize>();
        let rest = value.get(offset..).unwrap_or("");
        let piece: String = rest.chars().take(24).collect();
        let found = [piece.as_str(), &piece[..piece.char_indices().nth(8).map_or(piece.len(), |(i, _)| i)]]
            .into_iter()
            .filter(|p| !p.is_empty())
            .find_map(|p| doc.text.get(from_key..).and_then(|t| t.find(p)));
        match found {
            Some(at) => Place::Offset(from_key + at),
            None => Place::At(Box::new(key.clone())),
        }
    }
}

/// Renders any page's or section's Markdown. It runs twice per document:
/// once for the links only (all of them are needed before any template,
/// for backlinks and checks), and once for the HTML, right before the page's
/// template, so that the site's HTML is never all in memory at once.
pub(crate) struct MarkdownStage<'a> {
    pub tree: &'a SiteTree,
    pub index: &'a SiteIndex,
    pub options: RenderOptions<'a>,
    pub broken: Severity,
}

impl MarkdownStage<'_> {
    pub fn page(&self, id: content::PageId, html: bool) -> DocMarkdown {
        let page = &self.tree.pages[id];
        self.render(&page.doc, &body_of(page), &page.url, self.tree.programme_of(page.section), html)
    }

    pub fn section(&self, id: content::SectionId, html: bool) -> DocMarkdown {
        let section = &self.tree.sections[id];
        self.render(&section.doc, section.doc.body(), &section.url, self.tree.programme_of(id), html)
    }

    fn render(
        &self,
        doc: &content::Document,
        body: &str,
        url: &str,
        programme: Option<content::SectionId>,
        html: bool,
    ) -> DocMarkdown {
        let options = RenderOptions { html, ..self.options };
        let source = links::SourceText { file: &doc.source, text: &doc.text };
        let mut resolver = LinkResolver::new(self.index, &doc.rel, source, url, options.base_path, self.broken);
        resolver.activities = programme.and_then(|p| self.index.activities.get(&p));
        let locate = |offset: usize| doc.body_place(offset);
        let mut body = markdown::render(body, options, &mut resolver, &locate);
        if let Some(caption) = &doc.front.image_license {
            let locate = field_locator(doc, caption, doc.key_location("imageLicense"));
            body.caption = Some(markdown::render_inline(caption, &mut resolver, &locate));
        }
        if let Some(activity) = doc.fields.activity() {
            if let Some(note) = &activity.note {
                let locate = field_locator(doc, note, doc.key_location("note"));
                let html = markdown::render_inline(note, &mut resolver, &locate);
                body.inline.insert("note", html);
            }
            if let Some(funding) = &activity.funding {
                let locate = field_locator(doc, &funding.text, doc.nested_key_location("funding", "text"));
                let html = markdown::render_inline(&funding.text, &mut resolver, &locate);
                body.inline.insert("funding", html);
            }
        }
        let links = DocLinks { internal: resolver.links, external: resolver.external.into() };
        DocMarkdown { body, links, diagnostics: resolver.diagnostics }
    }

    /// The links pass of a page.
    pub fn page_links(&self, id: content::PageId) -> LinksPass {
        LinksPass::new(self.page(id, false), &self.tree.pages[id].url)
    }

    /// The links pass of a section.
    pub fn section_links(&self, id: content::SectionId) -> LinksPass {
        LinksPass::new(self.section(id, false), &self.tree.sections[id].url)
    }

    /// The links of every page and of every section, with what they found.
    /// A document of `previous` (a build with the same index, base path and
    /// severity) keeps its links pass when its text, its URL, the heading
    /// taken as its title and its programme are the same: the pass depends
    /// on nothing else.
    fn all_links(&self, previous: Option<&Build>) -> (Vec<Arc<LinksPass>>, Vec<Arc<LinksPass>>) {
        let tree = self.tree;
        let old: HashMap<&Path, (bool, usize)> = match previous {
            None => HashMap::new(),
            Some(p) => {
                let pages = p.tree.pages.iter().enumerate().map(|(i, page)| (page.doc.rel.as_path(), (false, i)));
                let sections = p.tree.sections.iter().enumerate().map(|(i, s)| (s.doc.rel.as_path(), (true, i)));
                pages.chain(sections).collect()
            }
        };
        let same_doc = |a: &content::Document, b: &content::Document| a.text == b.text && a.source == b.source;
        let pages = (0..tree.pages.len())
            .into_par_iter()
            .map(|id| {
                let page = &tree.pages[id];
                let kept = previous.zip(old.get(page.doc.rel.as_path())).and_then(|(p, &(is_section, old_id))| {
                    let old_page = p.tree.pages.get(old_id).filter(|_| !is_section)?;
                    let same = same_doc(&old_page.doc, &page.doc)
                        && old_page.url == page.url
                        && old_page.title_heading == page.title_heading
                        && p.tree.programme_of(old_page.section) == tree.programme_of(page.section);
                    same.then(|| Arc::clone(&p.page_links[old_id]))
                });
                kept.unwrap_or_else(|| Arc::new(self.page_links(id)))
            })
            .collect();
        let sections = (0..tree.sections.len())
            .into_par_iter()
            .map(|id| {
                let section = &tree.sections[id];
                let kept = previous.zip(old.get(section.doc.rel.as_path())).and_then(|(p, &(is_section, old_id))| {
                    let old_section = p.tree.sections.get(old_id).filter(|_| is_section)?;
                    let same = same_doc(&old_section.doc, &section.doc)
                        && old_section.url == section.url
                        && p.tree.programme_of(old_id) == tree.programme_of(id);
                    same.then(|| Arc::clone(&p.section_links[old_id]))
                });
                kept.unwrap_or_else(|| Arc::new(self.section_links(id)))
            })
            .collect();
        (pages, sections)
    }
}

/// Documents by their place in the link checks: pages, then sections.
pub(crate) fn doc_at(tree: &SiteTree, ordinal: usize) -> (&Path, &str, &content::Document) {
    match ordinal.checked_sub(tree.pages.len()) {
        None => {
            let page = &tree.pages[ordinal];
            (&page.output, &page.url, &page.doc)
        }
        Some(id) => {
            let section = &tree.sections[id];
            (&section.output, &section.url, &section.doc)
        }
    }
}

/// The link checks of documents: each internal URL of a page's HTML must
/// lead to a file of the site, and its anchor to an id of that page.
pub(crate) struct Checker<'a> {
    pub tree: &'a SiteTree,
    pub page_links: &'a [Arc<LinksPass>],
    pub section_links: &'a [Arc<LinksPass>],
    pub scans: &'a BTreeMap<PathBuf, Arc<html_scan::Scanned>>,
}

impl Checker<'_> {
    fn page(&self, ordinal: usize) -> Option<links::PageLinks<'_>> {
        let (output, url, doc) = doc_at(self.tree, ordinal);
        let links = match ordinal.checked_sub(self.tree.pages.len()) {
            None => &self.page_links[ordinal],
            Some(id) => &self.section_links[id],
        };
        let scan = self.scans.get(output)?;
        Some(links::PageLinks {
            output,
            url,
            source: &doc.source,
            text: &doc.text,
            scan,
            markdown: &links.links.internal,
        })
    }

    /// The problems of each document in `which` (numbered pages, then
    /// sections); `ids` must hold every page whose ids they look at.
    pub fn check(
        &self,
        which: &[usize],
        paths: &links::OutputPaths<'_>,
        ids: &HashMap<&str, HashSet<&str>>,
        base_path: &str,
        severity: Severity,
    ) -> Vec<Vec<Diagnostic>> {
        which
            .par_iter()
            .map(|&ordinal| match self.page(ordinal) {
                Some(page) => links::check(&page, base_path, paths, ids, severity),
                None => Vec::new(),
            })
            .collect()
    }

    /// The pages whose ids the check of document `ordinal` looks at.
    pub fn anchor_targets(&self, ordinal: usize, paths: &links::OutputPaths<'_>, base_path: &str) -> Vec<String> {
        self.page(ordinal).map(|page| links::anchor_targets(&page, base_path, paths)).unwrap_or_default()
    }
}

/// Menu entries in site.yaml must lead somewhere, or every page has a broken link.
fn check_menu(config: &SiteConfig, output: &SiteOutput, severity: Severity) -> Vec<Diagnostic> {
    let output = links::OutputPaths::new(output);
    config
        .menu
        .iter()
        .filter(|item| item.url.starts_with('/') && !item.url.starts_with("//"))
        .filter(|item| {
            links::output_path_of(&urls::decode_path(item.url.split('#').next().unwrap_or("")), &output).is_none()
        })
        .map(|item| {
            Diagnostic::with_severity(
                severity,
                format!("menu entry `{}` links to {}, which is not in the site", item.title, item.url),
            )
            .code(links::BROKEN_LINK)
            .at(config.location_of(&item.url))
            .help("correct the `url` or add the page it names")
        })
        .collect()
}

/// Who refers to whom: for each URL path, the pages whose Markdown links to
/// it or mentions it ("see also Activity 4.3"), in site order (sections,
/// then pages), each once.
#[derive(Debug, Default)]
pub(crate) struct Backlinks {
    pub map: HashMap<String, Vec<render::Referrer>>,
    /// URL path -> the documents referring to it, numbered in site order.
    referrers: HashMap<String, BTreeSet<usize>>,
}

impl Backlinks {
    fn new(tree: &SiteTree, page_links: &[Arc<LinksPass>], section_links: &[Arc<LinksPass>]) -> Backlinks {
        let mut backlinks = Backlinks::default();
        for (ordinal, pass) in section_links.iter().chain(page_links).enumerate() {
            for target in &pass.targets {
                backlinks.referrers.entry(target.clone()).or_default().insert(ordinal);
            }
        }
        let map = backlinks
            .referrers
            .iter()
            .map(|(target, referrers)| (target.clone(), Backlinks::list(tree, referrers)))
            .collect();
        backlinks.map = map;
        backlinks
    }

    fn list(tree: &SiteTree, referrers: &BTreeSet<usize>) -> Vec<render::Referrer> {
        referrers
            .iter()
            .map(|&ordinal| {
                let (title, path) = match ordinal.checked_sub(tree.sections.len()) {
                    None => (&tree.sections[ordinal].title, &tree.sections[ordinal].url),
                    Some(id) => (&tree.pages[id].title, &tree.pages[id].url),
                };
                render::Referrer { title: title.clone(), path: path.clone() }
            })
            .collect()
    }

    /// The number of a section (`Some`) or a page in site order.
    pub fn ordinal(tree: &SiteTree, section: Option<content::SectionId>, page: content::PageId) -> usize {
        section.unwrap_or(tree.sections.len() + page)
    }

    /// Document `ordinal` now refers to `new` instead of `old` (titles and
    /// URLs unchanged); returns the URL paths whose list changed.
    pub fn update(&mut self, tree: &SiteTree, ordinal: usize, old: &[String], new: &[String]) -> Vec<String> {
        let mut changed = Vec::new();
        for target in old.iter().filter(|t| !new.contains(t)) {
            if let Some(set) = self.referrers.get_mut(target) {
                set.remove(&ordinal);
                changed.push(target.clone());
            }
        }
        for target in new.iter().filter(|t| !old.contains(t)) {
            self.referrers.entry(target.clone()).or_default().insert(ordinal);
            changed.push(target.clone());
        }
        for target in &changed {
            match self.referrers.get(target) {
                Some(set) if !set.is_empty() => {
                    self.map.insert(target.clone(), Backlinks::list(tree, set));
                }
                _ => {
                    self.referrers.remove(target);
                    self.map.remove(target);
                }
            }
        }
        changed
    }
}

impl render::programme::Bodies for MarkdownStage<'_> {
    fn page(&self, id: content::PageId) -> Rendered {
        MarkdownStage::page(self, id, true).body
    }

    fn section(&self, id: content::SectionId) -> Rendered {
        MarkdownStage::section(self, id, true).body
    }
}

/// Renders pages from templates: each page's Markdown right before its template.
pub(crate) struct Renderer<'a> {
    pub inputs: RenderInputs<'a>,
    pub values: &'a SiteValues,
    pub markdown: &'a MarkdownStage<'a>,
    pub templates: &'a Templates,
}

impl Renderer<'_> {
    /// Everything to render, in order: sections, pages, then the pages folio
    /// makes from a programme where the theme has their template.
    pub fn units(&self) -> Vec<Unit> {
        let tree = self.inputs.tree;
        let generated = self.values.programmes.generated.iter().enumerate();
        (0..tree.sections.len())
            .map(Unit::Section)
            .chain((0..tree.pages.len()).map(Unit::Page))
            .chain(generated.filter(|(_, part)| self.templates.has(part.template)).map(|(i, _)| Unit::Generated(i)))
            .collect()
    }

    /// Where a unit is written, and the file it comes from.
    pub fn target(&self, unit: Unit) -> (&Path, &Path) {
        let tree = self.inputs.tree;
        match unit {
            Unit::Section(id) => (&tree.sections[id].output, &tree.sections[id].doc.source),
            Unit::Page(id) => (&tree.pages[id].output, &tree.pages[id].doc.source),
            Unit::Generated(i) => {
                let part = &self.values.programmes.generated[i];
                (&part.output, &tree.sections[part.programme].doc.source)
            }
        }
    }

    /// The template a unit is rendered with.
    pub fn template(&self, unit: Unit) -> Result<String, Diagnostic> {
        let tree = self.inputs.tree;
        match unit {
            Unit::Section(id) => {
                let section = &tree.sections[id];
                self.templates.choose(Some(&section.doc), true, section.parent.is_none())
            }
            Unit::Page(id) => self.templates.choose(Some(&tree.pages[id].doc), false, false),
            Unit::Generated(i) => Ok(self.values.programmes.generated[i].template.to_string()),
        }
    }

    /// A unit's HTML.
    pub fn render(&self, unit: Unit) -> Result<String, Diagnostic> {
        let (inputs, values, markdown, tree) = (&self.inputs, self.values, self.markdown, self.inputs.tree);
        let template = self.template(unit)?;
        let (context, source) = match unit {
            Unit::Section(id) => {
                let body = markdown.section(id, true).body;
                (render::section_context(inputs, values, id, &body), &tree.sections[id].doc.source)
            }
            Unit::Page(id) => {
                let body = markdown.page(id, true).body;
                (render::page_context(inputs, values, id, &body), &tree.pages[id].doc.source)
            }
            Unit::Generated(i) => {
                let part = &values.programmes.generated[i];
                (render::generated_context(inputs, values, part), &tree.sections[part.programme].doc.source)
            }
        };
        self.templates.render(&template, &context, source)
    }

    /// A unit's HTML with what it holds (ids and URLs, read back from the
    /// HTML itself so that template ids count too); with `staging`, written
    /// there at once instead of kept.
    pub fn render_out(&self, unit: Unit, staging: Option<&output::Staging>) -> Result<Out, Diagnostic> {
        let html = self.render(unit)?;
        let scan = Arc::new(html_scan::scan(&html));
        let bytes: Arc<[u8]> = html.into_bytes().into();
        match staging {
            None => Ok(Out { bytes: Some(bytes), scan }),
            Some(staging) => {
                let (path, origin) = self.target(unit);
                staging.write(path, &OutputContent::Rendered(bytes)).map_err(|e| {
                    Diagnostic::error(format!("cannot write {}: {e}", path.display())).at(Location::file(origin))
                })?;
                Ok(Out { bytes: None, scan })
            }
        }
    }
}

/// Theme `static/` to the output root, `assets/` to `/assets/`, and files
/// beside the content to the same place under their section's URL.
fn add_static_files(
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
