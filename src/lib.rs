//! folio: a static site generator for structured programme documents.
//!
//! The build is a chain of plain functions, one module per stage:
//! config -> content (load, tree) -> markdown -> render (templates) ->
//! output (write). `build` runs them all and writes the site; each stage's
//! value is the next one's input and no stage reaches back.

pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod html_scan;
pub mod import;
pub mod index;
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
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
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
use theme::{FileSource, Theme};

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
    pub tree: SiteTree,
    pub output: SiteOutput,
    pub output_dir: PathBuf,
    /// What each written HTML page holds: its ids and the URLs it refers to.
    pub scans: BTreeMap<PathBuf, html_scan::Scanned>,
    /// Every link in the content that leaves the site: URL, where it is
    /// written, and the index of its document (pages, then sections).
    external: Vec<(String, Place, usize)>,
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

/// How long each stage took, so that a slow build points at its stage.
#[derive(Debug, Clone)]
pub struct Timings {
    pub stages: Vec<(&'static str, Duration)>,
    last: Instant,
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
        self.stages.push((name, now - self.last));
        self.last = now;
    }
}

impl BuiltSite {
    /// Every link in the content that leaves the site, with where it is
    /// written (worked out now: only `check` asks).
    pub fn external_links(&self) -> Vec<(String, Location)> {
        let docs: Vec<&content::Document> =
            self.tree.pages.iter().map(|p| &p.doc).chain(self.tree.sections.iter().map(|s| &s.doc)).collect();
        self.external
            .iter()
            .map(|(url, place, doc)| (url.clone(), place.resolve(&docs[*doc].source, &docs[*doc].text)))
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
    let root = options.root.as_path();
    let mut timings = Timings::default();
    let mut diagnostics = Diagnostics::default();
    let fail = |mut diagnostics: Diagnostics| {
        diagnostics.sort();
        Error::Failed(diagnostics)
    };

    let mut config = SiteConfig::load(root).map_err(|d| fail(one(d)))?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(|d| fail(one(d)))?;
    }
    let output_dir = output_dir(options, &config).map_err(|d| fail(one(d)))?;
    let data = site_data::load(root).map_err(|problems| fail(Diagnostics { items: problems }))?;
    if config.menu.is_empty() {
        if let Some(navigation) = data.get("navigation") {
            config.menu = config::MenuItem::from_data(navigation);
        }
    }
    let staging = match stage {
        true => Some(
            output::Staging::new(&output_dir).map_err(|source| Error::Write { path: output_dir.clone(), source })?,
        ),
        false => None,
    };
    let strict = options.strict_links.unwrap_or(config.strict_links);
    let broken = if strict { Severity::Error } else { Severity::Warning };

    let templates = Theme::load(root, &config.theme).and_then(|theme| {
        let templates = Templates::load(&theme, render::site_templates(root)?, &config)?;
        Ok((theme, templates))
    });
    timings.mark("config and templates");
    let loaded = content::load(root, &mut diagnostics);
    timings.mark("load");
    let tree = content::build_tree(loaded.documents, options.drafts, &config.title, &mut diagnostics);
    let (theme, templates) = match templates {
        Ok(t) => t,
        Err(d) => {
            diagnostics.push(d);
            return Err(fail(diagnostics));
        }
    };
    if diagnostics.has_errors() {
        return Err(fail(diagnostics));
    }

    let index = SiteIndex::new(&tree, &loaded.assets);
    timings.mark("tree and index");
    let highlighter = Highlighter::new(options.highlight);
    let md_options = RenderOptions { base_path: config.base_path(), highlighter: &highlighter, html: true };
    let markdown = MarkdownStage { tree: &tree, index: &index, options: md_options, broken };
    let (page_md, section_md) = markdown.all_links();
    let mut links_of = |md: Vec<DocMarkdown>| -> Vec<DocLinks> {
        md.into_iter()
            .map(|m| {
                diagnostics.extend(m.diagnostics);
                m.links
            })
            .collect()
    };
    let page_links = links_of(page_md);
    let section_links = links_of(section_md);
    timings.mark("markdown");

    let mut output = SiteOutput::default();
    let links = (page_links.as_slice(), section_links.as_slice());
    let rendered = render_templates(&config, &data, &markdown, &templates, links, staging.as_ref());
    let mut output_problems = Vec::new();
    let mut scans = BTreeMap::new();
    for result in rendered {
        let added = result.and_then(|page| {
            let added = match page.html {
                Some(html) => output.add(page.path.clone(), OutputContent::Rendered(html.into_bytes()), &page.origin),
                None => output.add_written(page.path.clone(), &page.origin),
            };
            scans.insert(page.path, page.scan);
            added
        });
        output_problems.extend(added.err());
    }
    timings.mark("templates");
    output_problems.extend(add_static_files(&mut output, root, &theme, &loaded.assets));
    output_problems.extend(add_calendars(&mut output, &tree, &config));
    if !output_problems.is_empty() {
        // Checking links now would report every page that failed to render
        // a second time, as a broken link target.
        diagnostics.extend(output_problems);
        return Err(fail(diagnostics));
    }

    diagnostics.extend(check_links(&tree, &page_links, &section_links, &output, &scans, config.base_path(), broken));
    diagnostics.extend(check_menu(&config, &output, broken));
    timings.mark("links");
    if diagnostics.has_errors() {
        return Err(fail(diagnostics));
    }
    diagnostics.sort();
    let external = page_links
        .iter()
        .chain(&section_links)
        .enumerate()
        .flat_map(|(doc, links)| links.external.iter().map(move |(url, place)| (url.clone(), place.clone(), doc)))
        .collect();
    Ok(BuiltSite {
        external,
        assets: output.count_copied(),
        pages: tree.pages.len(),
        sections: tree.sections.len(),
        config,
        tree,
        output,
        output_dir,
        scans,
        diagnostics,
        timings,
        staging,
    })
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics { items: vec![d] }
}

/// The output folder, refused where replacing it would destroy the site.
fn output_dir(options: &BuildOptions, config: &SiteConfig) -> Result<PathBuf, Diagnostic> {
    let dir = options.output.clone().unwrap_or_else(|| options.root.join(&config.output_dir));
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (out, root) = (absolute(&dir), absolute(&options.root));
    let guarded = ["content", "templates", "themes", "assets", "data"].map(|d| root.join(d));
    if root.starts_with(&out) || guarded.iter().any(|g| out.starts_with(g)) {
        return Err(Diagnostic::error(format!(
            "refusing to write the site to {}: it would replace the site's own files",
            dir.display()
        ))
        .help("choose an output folder outside content/, templates/, themes/ and assets/, such as `public`"));
    }
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
struct DocMarkdown {
    body: Rendered,
    links: DocLinks,
    diagnostics: Vec<Diagnostic>,
}

/// The links of one document, kept after its rendered body is gone.
#[derive(Default)]
struct DocLinks {
    internal: Vec<links::InternalLink>,
    external: Vec<(String, Place)>,
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
struct MarkdownStage<'a> {
    tree: &'a SiteTree,
    index: &'a SiteIndex,
    options: RenderOptions<'a>,
    broken: Severity,
}

impl MarkdownStage<'_> {
    fn page(&self, id: content::PageId, html: bool) -> DocMarkdown {
        let page = &self.tree.pages[id];
        self.render(&page.doc, &body_of(page), &page.url, self.tree.programme_of(page.section), html)
    }

    fn section(&self, id: content::SectionId, html: bool) -> DocMarkdown {
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
        let locate = |offset: usize| Place::Offset(doc.body_start + offset);
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
        let links = DocLinks { internal: resolver.links, external: resolver.external };
        DocMarkdown { body, links, diagnostics: resolver.diagnostics }
    }

    /// The links of every page and of every section, with what they found.
    fn all_links(&self) -> (Vec<DocMarkdown>, Vec<DocMarkdown>) {
        let pages = (0..self.tree.pages.len()).into_par_iter().map(|id| self.page(id, false)).collect();
        let sections = (0..self.tree.sections.len()).into_par_iter().map(|id| self.section(id, false)).collect();
        (pages, sections)
    }
}

fn check_links(
    tree: &SiteTree,
    page_links: &[DocLinks],
    section_links: &[DocLinks],
    output: &SiteOutput,
    scans: &BTreeMap<PathBuf, html_scan::Scanned>,
    base_path: &str,
    severity: Severity,
) -> Vec<Diagnostic> {
    let ids: HashMap<&str, HashSet<&str>> = scans
        .iter()
        .filter_map(|(path, scan)| Some((path.to_str()?, scan.ids.iter().map(String::as_str).collect())))
        .collect();
    let paths = links::OutputPaths::new(output);
    let pages = tree.pages.iter().map(|p| (&p.output, p.url.as_str(), &p.doc)).zip(page_links);
    let sections = tree.sections.iter().map(|s| (&s.output, s.url.as_str(), &s.doc)).zip(section_links);
    pages
        .chain(sections)
        .collect::<Vec<_>>()
        .par_iter()
        .flat_map_iter(|((output_path, url, doc), md)| {
            let Some(scan) = scans.get(*output_path) else { return Vec::new() };
            let page = links::PageLinks {
                output: output_path,
                url,
                source: &doc.source,
                text: &doc.text,
                urls: &scan.urls,
                markdown: &md.internal,
            };
            links::check(&page, base_path, &paths, &ids, severity)
        })
        .collect()
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

/// A page rendered from a template, with what its HTML holds (ids and
/// URLs, read back from the HTML itself so that template ids count too).
struct RenderedPage {
    path: PathBuf,
    /// `None` once written to the staging folder.
    html: Option<String>,
    origin: PathBuf,
    scan: html_scan::Scanned,
}

impl RenderedPage {
    fn new(
        path: &Path,
        html: String,
        origin: &Path,
        staging: Option<&output::Staging>,
    ) -> Result<RenderedPage, Diagnostic> {
        let scan = html_scan::scan(&html);
        let html = match staging {
            None => Some(html),
            Some(staging) => {
                staging.write(path, &OutputContent::Rendered(html.into_bytes())).map_err(|e| {
                    Diagnostic::error(format!("cannot write {}: {e}", path.display())).at(Location::file(origin))
                })?;
                None
            }
        };
        Ok(RenderedPage { path: path.to_path_buf(), html, origin: origin.to_path_buf(), scan })
    }
}

/// Who refers to whom: for each URL path, the pages whose Markdown links to
/// it or mentions it ("see also Activity 4.3"), in site order, each once.
fn backlinks(
    tree: &SiteTree,
    page_links: &[DocLinks],
    section_links: &[DocLinks],
) -> HashMap<String, Vec<render::Referrer>> {
    let mut map: HashMap<String, Vec<render::Referrer>> = HashMap::new();
    let pages = tree.pages.iter().map(|p| (&p.title, &p.url)).zip(page_links);
    let sections = tree.sections.iter().map(|s| (&s.title, &s.url)).zip(section_links);
    for ((title, url), links) in sections.chain(pages) {
        for link in links.internal.iter().filter(|l| !l.reported && !l.path.is_empty() && &l.path != url) {
            let referrers = map.entry(link.path.clone()).or_default();
            if !referrers.iter().any(|r| &r.path == url) {
                referrers.push(render::Referrer { title: title.clone(), path: url.clone() });
            }
        }
    }
    map
}

impl render::programme::Bodies for MarkdownStage<'_> {
    fn page(&self, id: content::PageId) -> Rendered {
        MarkdownStage::page(self, id, true).body
    }

    fn section(&self, id: content::SectionId) -> Rendered {
        MarkdownStage::section(self, id, true).body
    }
}

fn render_templates(
    config: &SiteConfig,
    data: &yaml::Mapping,
    markdown: &MarkdownStage<'_>,
    templates: &Templates,
    (page_links, section_links): (&[DocLinks], &[DocLinks]),
    staging: Option<&output::Staging>,
) -> Vec<Result<RenderedPage, Diagnostic>> {
    let tree = markdown.tree;
    let backlinks = backlinks(tree, page_links, section_links);
    let calendars = calendar_paths(tree);
    let inputs = RenderInputs { data, config, calendars: &calendars, tree, backlinks: &backlinks };
    let values = SiteValues::new(&inputs, markdown);
    // Each page's HTML exists only from here until it is written.
    let pages = (0..tree.pages.len()).into_par_iter().map(|id| {
        let body = markdown.page(id, true).body;
        let page = &tree.pages[id];
        let template = templates.choose(Some(&page.doc), false, false)?;
        let context = render::page_context(&inputs, &values, id, &body);
        let html = templates.render(&template, &context, &page.doc.source)?;
        RenderedPage::new(&page.output, html, &page.doc.source, staging)
    });
    let sections = (0..tree.sections.len()).into_par_iter().map(|id| {
        let body = markdown.section(id, true).body;
        let section = &tree.sections[id];
        let template = templates.choose(Some(&section.doc), true, section.parent.is_none())?;
        let context = render::section_context(&inputs, &values, id, &body);
        let html = templates.render(&template, &context, &section.doc.source)?;
        RenderedPage::new(&section.output, html, &section.doc.source, staging)
    });
    // Pages folio makes from a programme, where the theme has their template.
    let generated = values.programmes.generated.par_iter().filter(|part| templates.has(part.template)).map(|part| {
        let source = &tree.sections[part.programme].doc.source;
        let context = render::generated_context(&inputs, &values, part);
        let html = templates.render(part.template, &context, source)?;
        RenderedPage::new(&part.output, html, source, staging)
    });
    let mut all: Vec<Result<RenderedPage, Diagnostic>> = sections.collect();
    all.par_extend(pages);
    all.par_extend(generated);
    all
}

/// Which pages get a calendar file, and where: each session with a time,
/// and each meeting with at least one.
fn calendar_paths(tree: &SiteTree) -> HashMap<String, String> {
    let mut paths = HashMap::new();
    for page in tree.pages.iter().filter(|p| p.when.is_some()) {
        paths.insert(page.url.clone(), format!("{}calendar.ics", page.url));
        if let Some(meeting) = content::schedule::meeting_of(tree, page.section) {
            let url = &tree.sections[meeting].url;
            paths.insert(url.clone(), format!("{url}calendar.ics"));
        }
    }
    paths
}

/// The calendar event of a session that has a time.
fn session_event<'a>(
    page: &'a content::Page,
    tree: &'a SiteTree,
    config: &SiteConfig,
) -> Option<output::calendar::Event<'a>> {
    let when = page.when.as_ref()?;
    let session = page.doc.fields.session()?;
    let meeting = content::schedule::meeting_of(tree, page.section).map(|m| &tree.sections[m]);
    let mut description = Vec::new();
    if let Some(goal) = &session.goal {
        description.push(format!("Goal: {goal}"));
    }
    if let Some(format) = &session.format {
        description.push(format!("Format: {format}"));
    }
    if !session.facilitators.is_empty() {
        description.push(format!("Facilitators: {}", session.facilitators.join(", ")));
    }
    let host = config.base_url.split("://").nth(1).and_then(|r| r.split('/').next()).filter(|h| !h.is_empty());
    let url = urls::site_url(config.base_path(), &page.url);
    Some(output::calendar::Event {
        uid: format!("{}@{}", slug::slugify(&page.url.trim_matches('/').replace('/', "-")), host.unwrap_or("folio")),
        summary: &page.title,
        description: description.join("\n"),
        location: meeting.and_then(|m| m.doc.fields.meeting()?.place.as_deref()),
        url: config.base_url.contains("://").then(|| render::filters::absolute_url(&config.base_url, &url)),
        start: when.start_utc,
        end: when.end_utc,
    })
}

/// The calendar files of [`calendar_paths`].
fn add_calendars(output: &mut SiteOutput, tree: &SiteTree, config: &SiteConfig) -> Vec<Diagnostic> {
    use output::calendar::{calendar, Event};
    let event = |page| session_event(page, tree, config);
    let mut problems = Vec::new();
    let mut meetings: BTreeMap<content::SectionId, Vec<Event>> = BTreeMap::new();
    for page in &tree.pages {
        let Some(e) = event(page) else { continue };
        let ics = calendar(&page.title, std::slice::from_ref(&e));
        let path = PathBuf::from(format!("{}calendar.ics", page.url.trim_start_matches('/')));
        problems.extend(output.add(path, OutputContent::Rendered(ics.into_bytes()), &page.doc.source).err());
        if let Some(meeting) = content::schedule::meeting_of(tree, page.section) {
            meetings.entry(meeting).or_default().push(e);
        }
    }
    for (meeting, mut events) in meetings {
        events.sort_by_key(|e| (e.start, e.summary.to_string()));
        let section = &tree.sections[meeting];
        let ics = calendar(&section.title, &events);
        let path = PathBuf::from(format!("{}calendar.ics", section.url.trim_start_matches('/')));
        problems.extend(output.add(path, OutputContent::Rendered(ics.into_bytes()), &section.doc.source).err());
    }
    problems
}

/// Theme `static/` to the output root, `assets/` to `/assets/`, and files
/// beside the content to the same place under their section's URL.
fn add_static_files(
    output: &mut SiteOutput,
    root: &Path,
    theme: &Theme,
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
    for (rel, full) in theme::list_files(&root.join("assets")) {
        let path = Path::new("assets").join(&rel);
        add(path.clone(), FileSource::Disk(full), path);
    }
    for asset in assets {
        let path = PathBuf::from(index::asset_url(&asset.rel).trim_start_matches('/'));
        add(path, FileSource::Disk(asset.source.clone()), Path::new(CONTENT_DIR).join(&asset.rel));
    }
    problems
}
