//! `folio import jekyll`: moves a whole Jekyll 4 site (kramdown/GFM, GBIF's
//! hosted-portal theme) into a folio site, keeping every page's URL.
//!
//! ```text
//! _config.yml            -> site.yaml (title, description, url + baseurl, lang, custom keys as extra)
//! index.md               -> content/_index.md            (the page at `/`)
//! about/team.md          -> content/about/team.md        (`permalink:` where folio's URL would differ)
//! contact.html           -> content/contact.md           (the HTML kept as one raw HTML block)
//! _posts/2021-06-01-x.md -> content/posts/2021-06-01-x.md (date, title and permalink written out)
//! _data/*.yml|yaml|json  -> data/*.yml
//! _includes/**          -> includes/**                  (pages' `{% include %}`, evaluated by folio)
//! assets/**              -> assets/**                    (served at /assets/, as before)
//! other files            -> content/<same path>          (copied beside the pages)
//! ```
//!
//! Jekyll's `defaults` and permalink style are applied and written into
//! each page's front matter, because folio has neither. Liquid that only
//! builds URLs becomes plain paths; everything else folio cannot carry over
//! (plugins, layouts, includes, Sass, other Liquid) is reported with its
//! file and line. The whole site is read and converted in memory first;
//! nothing is written unless all of it could be, and files already in the
//! folio site are only overwritten with `force`.

mod body;
mod config;
mod front;
mod plan;
mod routes;
mod urls;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, SHOWN_PER_FILE};
use crate::text::plural as count;

pub use body::{convert as convert_body, Body, Links as BodyLinks};
pub use config::JekyllConfig;
pub use front::Edit;
pub use urls::{folio_permalink, folio_url, jekyll_slugify, page_url, post_url, PermalinkStyle, PostFacts, SlugMode};

/// The code of every "not carried over" item in the report.
pub const NOT_CARRIED_OVER: &str = "not-carried-over";

/// Extensions Jekyll reads as Markdown (its default `markdown_ext`).
const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown", "mkdown", "mkdn", "mkd"];

/// Folders Jekyll builds the site from, replaced by the gbif theme:
/// (folder, what it holds, why nothing is lost).
const THEME_FOLDERS: &[(&str, &str, &str)] = &[
    (
        "_layouts",
        "Jekyll layouts",
        "the gbif theme's templates replace them; a page's `layout` picks the template of that name",
    ),
    ("_sass", "Sass partials", "the gbif theme has its own stylesheet"),
    ("_plugins", "Ruby plugins", "folio does not run plugins"),
];

/// Never part of the site, never mentioned.
const TOOLING: &[&str] =
    &[".git", ".github", ".jekyll-cache", ".sass-cache", ".jekyll-metadata", ".bundle", "node_modules", "vendor"];

/// What to import and where.
#[derive(Debug, Clone)]
pub struct JekyllOptions {
    /// The Jekyll site's folder (holding `_config.yml`).
    pub source: PathBuf,
    /// The folio site's folder to write into.
    pub root: PathBuf,
    /// Overwrite files that already exist in `root`.
    pub force: bool,
}

impl JekyllOptions {
    pub fn new(source: impl Into<PathBuf>, root: impl Into<PathBuf>) -> JekyllOptions {
        JekyllOptions { source: source.into(), root: root.into(), force: false }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageKind {
    /// A Markdown page.
    Page,
    /// A page written in HTML.
    Html,
    /// A post from `_posts/`.
    Post,
    /// A document of another collection Jekyll published (`_news/`, with
    /// `output: true`).
    Document,
}

/// How a page's URL is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "how", content = "was")]
pub enum PermalinkAction {
    /// folio derives the same URL from the file's place.
    Derived,
    /// The page's own `permalink` already says it.
    Kept,
    /// The import wrote a `permalink`.
    Added,
    /// The page's `permalink` was rewritten (it held placeholders or
    /// lacked its final `/`); the old value.
    Rewritten(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportedPage {
    /// Path in the Jekyll site: `about/team.md`.
    pub source: String,
    /// Path in the folio site: `content/about/team.md`.
    pub target: String,
    pub kind: PageKind,
    pub title: Option<String>,
    /// The URL Jekyll gave it.
    pub jekyll_url: String,
    /// The URL folio gives it.
    pub url: String,
    pub permalink: PermalinkAction,
    /// `url` is `jekyll_url` (or `jekyll_url` + `/` for a URL without
    /// extension, which Jekyll wrote as `.html` and folio as a folder).
    pub url_kept: bool,
    pub draft: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataFile {
    pub source: String,
    pub target: String,
    /// JSON converted to YAML.
    pub converted: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CopiedFile {
    pub source: String,
    pub target: String,
    pub jekyll_url: String,
    pub url: String,
    pub url_kept: bool,
}

/// Liquid (or kramdown) the import replaced by what it meant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rewrite {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub from: String,
    pub to: String,
    /// `URL`, `video include`, `table of contents`.
    pub what: &'static str,
}

/// A file Jekyll did not publish either.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// A file to write, relative to the folio site's folder.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedFile {
    pub target: String,
    #[serde(skip)]
    pub content: PlannedContent,
}

#[derive(Debug, Clone)]
pub enum PlannedContent {
    Text(String),
    Copy(PathBuf),
}

/// The Jekyll site, read and converted, in memory.
#[derive(Debug, Clone, Serialize)]
pub struct JekyllImport {
    pub source: PathBuf,
    pub root: PathBuf,
    pub title: String,
    /// `_config.yml` had no title: the folder's name was used.
    pub title_from_folder: bool,
    pub description: Option<String>,
    pub base_url: Option<String>,
    pub language: Option<String>,
    /// Keys of `_config.yml` kept as `extra` in site.yaml.
    pub extra_keys: Vec<String>,
    /// Jekyll's `permalink` setting.
    pub permalink_style: String,
    /// Pages and posts, in the order of their URLs.
    pub pages: Vec<ImportedPage>,
    pub data_files: Vec<DataFile>,
    /// Liquid includes copied from `_includes/` to `includes/`.
    pub includes: Vec<String>,
    /// Files to copy, in the order of their URLs.
    pub files: Vec<CopiedFile>,
    /// URLs the portal's application answered (site.yaml's `app_routes`).
    pub app_routes: Vec<routes::FoundRoute>,
    pub rewrites: Vec<Rewrite>,
    /// Warnings with code [`NOT_CARRIED_OVER`], by file and line.
    pub not_carried_over: Diagnostics,
    pub skipped: Vec<Skipped>,
    /// Everything to write: site.yaml, content/, data/, assets/.
    pub planned: Vec<PlannedFile>,
}

impl JekyllImport {
    pub fn page(&self, source: &str) -> Option<&ImportedPage> {
        self.pages.iter().find(|p| p.source == source)
    }

    pub fn count(&self, kind: PageKind) -> usize {
        self.pages.iter().filter(|p| p.kind == kind).count()
    }

    /// Pages whose front matter carries a `permalink` after the import.
    pub fn explicit_permalinks(&self) -> usize {
        self.pages.iter().filter(|p| p.permalink != PermalinkAction::Derived).count()
    }

    /// The report without the files written (for a plan).
    pub fn human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Imported the Jekyll site \u{201c}{}\u{201d} from {} into {}",
            self.title,
            self.source.display(),
            self.root.display()
        );
        self.write_site(&mut out);
        self.write_found(&mut out);
        self.write_urls(&mut out);
        self.write_routes_includes_and_data(&mut out);
        self.write_rewrites(&mut out);
        self.write_not_carried_over(&mut out);
        self.write_skipped(&mut out);
        out
    }

    /// What site.yaml takes from `_config.yml`.
    fn write_site(&self, out: &mut String) {
        let mut site = vec![format!("title{}", if self.title_from_folder { " (from the folder's name)" } else { "" })];
        if self.description.is_some() {
            site.push("description".into());
        }
        if let Some(base) = &self.base_url {
            site.push(format!("base_url {base}"));
        }
        if let Some(lang) = &self.language {
            site.push(format!("language {lang}"));
        }
        if !self.extra_keys.is_empty() {
            site.push(format!("extra ({})", self.extra_keys.join(", ")));
        }
        let _ = writeln!(out, "site.yaml: {}", site.join(", "));
    }

    /// What the Jekyll site holds.
    fn write_found(&self, out: &mut String) {
        let html = self.count(PageKind::Html);
        let documents = match self.count(PageKind::Document) {
            0 => String::new(),
            n => format!(", {} of collections", count(n, "document")),
        };
        let _ = writeln!(
            out,
            "Found {}{}, {}{documents}, {}, {} to copy (permalink style: {})",
            count(self.count(PageKind::Page) + html, "page"),
            if html > 0 { format!(" ({html} in HTML)") } else { String::new() },
            count(self.count(PageKind::Post), "post"),
            count(self.data_files.len(), "data file"),
            count(self.files.len(), "file"),
            self.permalink_style
        );
    }

    /// Which URLs are kept, and every page and file at its URL.
    fn write_urls(&self, out: &mut String) {
        let kept = self.pages.iter().filter(|p| p.url_kept).count();
        let added = self.pages.iter().filter(|p| p.permalink == PermalinkAction::Added).count();
        let rewritten = self.pages.iter().filter(|p| matches!(p.permalink, PermalinkAction::Rewritten(_))).count();
        let files_kept = self.files.iter().filter(|f| f.url_kept).count();
        let _ = writeln!(
            out,
            "URLs kept: {kept} of {} pages and posts ({} with an explicit permalink: {added} added, {rewritten} rewritten, {} as written); {files_kept} of {}",
            self.pages.len(),
            self.explicit_permalinks(),
            self.explicit_permalinks() - added - rewritten,
            count(self.files.len(), "file"),
        );
        let width = self
            .pages
            .iter()
            .map(|p| p.url.chars().count())
            .chain(self.files.iter().map(|f| f.url.chars().count()))
            .max()
            .unwrap_or(0);
        for p in &self.pages {
            let how = match &p.permalink {
                PermalinkAction::Derived => String::new(),
                PermalinkAction::Kept => "  (permalink as written)".into(),
                PermalinkAction::Added => "  (permalink added)".into(),
                PermalinkAction::Rewritten(was) => format!("  (permalink rewritten from {was})"),
            };
            let changed = if p.url_kept { String::new() } else { format!("  URL CHANGED, was {}", p.jekyll_url) };
            let _ = writeln!(out, "  {:<width$}  {} -> {}{how}{changed}", p.url, p.source, p.target);
        }
        for f in &self.files {
            let changed = if f.url_kept { String::new() } else { format!("  URL CHANGED, was {}", f.jekyll_url) };
            let _ = writeln!(out, "  {:<width$}  {} -> {}{changed}", f.url, f.source, f.target);
        }
    }

    /// The application routes, includes and data files.
    fn write_routes_includes_and_data(&self, out: &mut String) {
        if !self.app_routes.is_empty() {
            let _ = writeln!(
                out,
                "Application routes (the portal's application answered these URLs; links below them are not checked): {}",
                self.app_routes.len()
            );
            for found in &self.app_routes {
                let page = found.route.page.as_deref().map(|p| format!(" -> {p}")).unwrap_or_default();
                let _ = writeln!(out, "  {}*{page}  (declared by {})", found.route.prefix, found.declared_by);
            }
        }
        if !self.includes.is_empty() {
            let _ = writeln!(out, "Includes: {} copied from _includes/ to includes/", self.includes.len());
        }
        if !self.data_files.is_empty() {
            let _ = writeln!(out, "Data files: {}", self.data_files.len());
            for d in &self.data_files {
                let how = if d.converted { " (JSON converted to YAML)" } else { "" };
                let _ = writeln!(out, "  {} -> {}{how}", d.source, d.target);
            }
        }
    }

    /// Liquid replaced by what it meant, at most a few lines per file.
    fn write_rewrites(&self, out: &mut String) {
        let _ = writeln!(out, "Rewritten: {}", self.rewrites.len());
        let mut shown = PerFile::default();
        for r in &self.rewrites {
            if !shown.take(&r.file) {
                continue;
            }
            let what = if r.what == "URL" { String::new() } else { format!(" ({})", r.what) };
            let _ = writeln!(out, "  {}:{}:{}: {} -> {}{what}", r.file.display(), r.line, r.column, r.from, r.to);
        }
        shown.write_rest(out);
    }

    /// What the import could not carry over, with what to do.
    fn write_not_carried_over(&self, out: &mut String) {
        let _ = writeln!(out, "Not carried over: {}", self.not_carried_over.items.len());
        let mut shown = PerFile::default();
        for d in &self.not_carried_over.items {
            if !shown.take(d.location.as_deref().map_or(Path::new(""), |l| l.file.as_path())) {
                continue;
            }
            let place = match d.location.as_deref() {
                Some(l) if l.line > 0 => format!("{}:{}:{}", l.file.display(), l.line, l.column),
                Some(l) => l.file.display().to_string(),
                None => String::new(),
            };
            let _ = writeln!(out, "  {place}: {}", d.message);
            if let Some(help) = &d.help {
                let _ = writeln!(out, "      help: {help}");
            }
        }
        shown.write_rest(out);
    }

    /// What Jekyll did not publish either.
    fn write_skipped(&self, out: &mut String) {
        if !self.skipped.is_empty() {
            let _ = writeln!(out, "Skipped (Jekyll did not publish them either): {}", self.skipped.len());
            for s in &self.skipped {
                let _ = writeln!(out, "  {}: {}", s.path, s.reason);
            }
        }
    }
}

/// Lines of the report per file: at most [`SHOWN_PER_FILE`], then how
/// many more (a page with 10,000 Liquid tags is one problem to read about).
#[derive(Default)]
struct PerFile {
    counts: Vec<(PathBuf, usize)>,
}

impl PerFile {
    /// Whether one more line about `file` is shown.
    fn take(&mut self, file: &Path) -> bool {
        let i = match self.counts.iter().position(|(f, _)| f == file) {
            Some(i) => i,
            None => {
                self.counts.push((file.to_path_buf(), 0));
                self.counts.len() - 1
            }
        };
        self.counts[i].1 += 1;
        self.counts[i].1 <= SHOWN_PER_FILE
    }

    fn write_rest(&self, out: &mut String) {
        for (file, n) in self.counts.iter().filter(|(_, n)| *n > SHOWN_PER_FILE) {
            let _ = writeln!(out, "  … and {} more in {}, not shown", n - SHOWN_PER_FILE, file.display());
        }
    }
}

/// What `import_jekyll` did.
#[derive(Debug, Clone, Serialize)]
pub struct JekyllReport {
    pub import: JekyllImport,
    /// Files written, relative to the folio site's folder.
    pub written: Vec<String>,
    /// Of those, the ones that existed before (`force`).
    pub overwritten: Vec<String>,
}

impl JekyllReport {
    pub fn human(&self) -> String {
        let mut out = self.import.human();
        let overwritten = match self.overwritten.len() {
            0 => String::new(),
            n => format!(" ({n} overwritten with --force)"),
        };
        let _ = writeln!(
            out,
            "Wrote {} into {}{overwritten}",
            count(self.written.len(), "file"),
            self.import.root.display()
        );
        out
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Reads the Jekyll site and converts it, in memory; writes nothing. The
/// errors say why it cannot be imported (file, line and column).
pub fn plan_jekyll(options: &JekyllOptions) -> Result<JekyllImport, Diagnostics> {
    let fail = |d: Diagnostic| Diagnostics { items: vec![d] };
    let source = &options.source;
    if !source.is_dir() {
        let why = if source.exists() { "it is not a folder" } else { "it does not exist" };
        return Err(fail(
            Diagnostic::error(format!("cannot read the Jekyll site at {}: {why}", source.display()))
                .at(Location::file(source))
                .help("give the folder that holds the Jekyll site's _config.yml"),
        ));
    }
    if fs::read_dir(source).is_err() {
        return Err(fail(
            Diagnostic::error(format!(
                "cannot read the Jekyll site at {}: the folder cannot be listed",
                source.display()
            ))
            .at(Location::file(source)),
        ));
    }
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(source, &options.root) {
        return Err(fail(
            Diagnostic::error(format!("cannot import {} into itself", source.display()))
                .help("import into a new folder: `folio import jekyll OLD-SITE --into NEW-SITE`"),
        ));
    }
    let (config_name, config_text) = read_config(source)?;
    let config = JekyllConfig::parse(Path::new(config_name), &config_text)
        .map_err(|items| relocate(Diagnostics { items }, source))?;
    let mut planner = plan::Planner::new(options, config);
    planner.walk(source, "", 0);
    planner.finish().map_err(|d| relocate(d, source))
}

/// Diagnostics about the Jekyll site name its files relative to its
/// folder; errors are shown with the folder in front.
fn relocate(mut diagnostics: Diagnostics, source: &Path) -> Diagnostics {
    for d in &mut diagnostics.items {
        if let Some(location) = d.location.as_deref_mut() {
            if location.file.is_relative() && !location.file.starts_with(source) {
                location.file = source.join(&location.file);
            }
        }
    }
    diagnostics.sort();
    diagnostics
}

fn read_config(source: &Path) -> Result<(&'static str, String), Diagnostics> {
    let fail = |d: Diagnostic| Diagnostics { items: vec![d] };
    for name in config::CONFIG_NAMES {
        let path = source.join(name);
        crate::files::Boundary::new(source).check_file(&path).map_err(fail)?;
        if path.is_file() {
            let bytes = fs::read(&path).map_err(|e| {
                fail(Diagnostic::error(format!("cannot read {}: {e}", path.display())).at(Location::file(&path)))
            })?;
            let text = crate::text::decode_utf8(&path, bytes).map_err(fail)?;
            return Ok((name, text.trim_start_matches('\u{feff}').to_string()));
        }
    }
    if source.join("_config.toml").is_file() {
        return Err(fail(
            Diagnostic::error(format!(
                "{} configures Jekyll in TOML, which folio cannot read",
                source.join("_config.toml").display()
            ))
            .help("convert _config.toml to _config.yml (the same keys in YAML), then import again"),
        ));
    }
    let candidates = config_folders(source);
    let help = match candidates.as_slice() {
        [] => "give the folder of a Jekyll site: the one that holds _config.yml (and _posts/, _layouts/, index.md)"
            .to_string(),
        [one] => format!("did you mean {}? It holds a _config.yml", one.display()),
        many => format!(
            "these folders hold a _config.yml: {}",
            many.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    };
    Err(fail(
        Diagnostic::error(format!("{} is not a Jekyll site: it has no _config.yml", source.display()))
            .at(Location::file(source))
            .help(help),
    ))
}

/// Folders up to three levels down that hold a `_config.yml`.
fn config_folders(source: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(source)
        .max_depth(4)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || name == "_site" || TOOLING.contains(&name.as_ref()))
        })
        .filter_map(Result::ok)
        .filter(|e| e.depth() > 1 && config::CONFIG_NAMES.iter().any(|n| e.file_name() == *n))
        .filter_map(|e| e.path().parent().map(Path::to_path_buf))
        .take(5)
        .collect()
}

/// Reads and converts the Jekyll site, then writes it into the folio site:
/// site.yaml, content/, data/ and assets/. Files already there are refused
/// (all named) unless `force`; on any error nothing is written.
pub fn import_jekyll(options: &JekyllOptions) -> Result<JekyllReport, crate::diagnostics::Error> {
    let import = plan_jekyll(options).map_err(crate::diagnostics::Error::Failed)?;
    if options.root.is_file() {
        return Err(crate::diagnostics::Error::Failed(Diagnostics {
            items: vec![Diagnostic::error(format!("cannot import into {}: it is a file", options.root.display()))
                .help("give --into (or --root) a folder for the folio site")],
        }));
    }
    let mut existing = Vec::new();
    let mut conflicts = Vec::new();
    for file in &import.planned {
        let path = options.root.join(&file.target);
        if path.exists() || path.symlink_metadata().is_ok() {
            existing.push(file.target.clone());
            if !options.force {
                conflicts.push(
                    Diagnostic::error(format!("{} already exists in {}", file.target, options.root.display()))
                        .at(Location::file(&path))
                        .help("run again with --force to overwrite it, or import into an empty folder with --into"),
                );
            }
        }
    }
    if !conflicts.is_empty() {
        return Err(crate::diagnostics::Error::Failed(Diagnostics { items: conflicts }));
    }
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| crate::diagnostics::Error::Write { path, source }
    };
    let mut written = Vec::new();
    for file in &import.planned {
        let path = options.root.join(&file.target);
        match &file.content {
            PlannedContent::Text(text) => super::write_file(&path, text.as_bytes()).map_err(write_error(&path))?,
            PlannedContent::Copy(from) => {
                let same = matches!((from.canonicalize(), path.canonicalize()), (Ok(a), Ok(b)) if a == b);
                if !same {
                    copy_file(from, &path).map_err(write_error(&path))?;
                }
            }
        }
        written.push(file.target.clone());
    }
    Ok(JekyllReport { import, written, overwritten: existing })
}

/// Copies through a temporary file beside `to`, renamed over it.
fn copy_file(from: &Path, to: &Path) -> std::io::Result<()> {
    super::replace_through_temp(to, |temp| fs::copy(from, temp).map(drop))
}
