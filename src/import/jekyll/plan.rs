//! Reading the Jekyll site: the walk (as Jekyll's reader filters it),
//! pages and posts with their URLs and front matter, data files and files
//! to copy, and the checks that no two inputs land on one URL or file.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::{
    body, config, count, folio_permalink, folio_url, front, urls, CopiedFile, DataFile, Edit, ImportedPage,
    JekyllConfig, JekyllImport, JekyllOptions, PageKind, PermalinkAction, PlannedContent, PlannedFile, PostFacts,
    Skipped, MARKDOWN_EXTENSIONS, NOT_CARRIED_OVER, THEME_FOLDERS, TOOLING,
};
use crate::content::front_matter;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::yaml::{self, Embedded, Mapping, Value};

/// What claims `/` when no page of the site is there.
const HOME: &str = "folio's home page";

/// A page or post, read, before its body is converted.
struct Source {
    rel: String,
    kind: PageKind,
    text: String,
    /// The front matter's YAML ("" when there is none: posts only).
    yaml: String,
    has_front: bool,
    body_start: usize,
    front: Mapping,
    /// `defaults`, merged, with the sets that applied.
    defaults: Mapping,
    default_lines: Vec<usize>,
    target: String,
    jekyll_url: String,
    url: String,
    permalink: PermalinkAction,
    url_kept: bool,
    /// Front matter changes decided before the body is read.
    edits: Vec<Edit>,
    draft: bool,
    /// When Jekyll wrote it, among files on one URL.
    order: WriteOrder,
}

/// The order in which Jekyll writes its files (`Site#each_site_file`):
/// pages sorted by file name, then copied files, then posts by date.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct WriteOrder {
    group: u8,
    key: String,
}

/// The collection a document belongs to, as its URL needs it.
struct Collection<'a> {
    /// `posts`, `news`.
    label: &'a str,
    /// The folders above `_posts/` (`news/_posts/`): the post's categories.
    path_categories: &'a [String],
    /// The collection's `permalink` in `_config.yml`.
    permalink: Option<&'a str>,
}

/// A document's categories: the folders above `_posts/`, then its
/// `categories` (a list, or words) and `category`.
fn document_categories(path_categories: &[String], merged: &Mapping) -> Vec<String> {
    let mut categories: Vec<String> = path_categories.to_vec();
    let listed = |key: &str| match merged.get(key) {
        Some(Value::String(s)) if key == "categories" => s.split_whitespace().map(str::to_string).collect(),
        Some(v) => config::string_list(v).unwrap_or_default(),
        None => Vec::new(),
    };
    for c in listed("categories").into_iter().chain(listed("category")) {
        if !c.is_empty() && !categories.contains(&c) {
            categories.push(c);
        }
    }
    categories
}

pub(super) struct Planner<'o> {
    options: &'o JekyllOptions,
    config: JekyllConfig,
    /// `root`, when it is inside the Jekyll site's folder: never read.
    root_inside: Option<PathBuf>,
    templates: BTreeSet<String>,
    theme_files: BTreeSet<String>,
    sources: Vec<Source>,
    /// Files to copy: (path in the Jekyll site, full path).
    statics: Vec<(String, PathBuf)>,
    data: Vec<(String, PathBuf)>,
    /// `_includes/` files: (path inside it, full path).
    includes: Vec<(String, PathBuf)>,
    errors: Vec<Diagnostic>,
    not_carried_over: Vec<Diagnostic>,
    skipped: Vec<Skipped>,
    /// Folders already listed, so that a link to a parent folder ends.
    visited: BTreeSet<PathBuf>,
    /// The Jekyll site's folder: no link out of it is followed.
    boundary: crate::files::Boundary,
}

impl<'o> Planner<'o> {
    pub(super) fn new(options: &'o JekyllOptions, config: JekyllConfig) -> Planner<'o> {
        let root_inside = match (options.root.canonicalize(), options.source.canonicalize()) {
            (Ok(root), Ok(source)) if root.starts_with(&source) => Some(root),
            _ => None,
        };
        let theme = crate::theme::Theme::load(&options.root, crate::theme::DEFAULT_THEME).ok();
        let mut templates: BTreeSet<String> =
            theme.as_ref().map(|t| t.templates.keys().cloned().collect()).unwrap_or_default();
        if let Ok(own) = crate::theme::site_templates(&options.root, &mut Vec::new()) {
            templates.extend(own.into_keys());
        }
        let theme_files = theme
            .map(|t| t.static_files.keys().map(|p| p.to_string_lossy().replace('\\', "/")).collect())
            .unwrap_or_default();
        let not_carried_over = config.not_carried_over.clone();
        Planner {
            options,
            config,
            root_inside,
            templates,
            theme_files,
            sources: Vec::new(),
            statics: Vec::new(),
            data: Vec::new(),
            includes: Vec::new(),
            errors: Vec::new(),
            not_carried_over,
            skipped: Vec::new(),
            visited: BTreeSet::new(),
            boundary: crate::files::Boundary::new(&options.source),
        }
    }

    fn skip(&mut self, path: &str, reason: impl Into<String>) {
        self.skipped.push(Skipped { path: path.to_string(), reason: reason.into() });
    }

    /// A "not carried over" item; an empty `help` is none.
    fn not_carried(&mut self, location: Location, message: String, help: impl AsRef<str>) {
        let mut d = Diagnostic::warning(message).code(NOT_CARRIED_OVER).at(location);
        if !help.as_ref().is_empty() {
            d = d.help(help.as_ref());
        }
        self.not_carried_over.push(d);
    }

    fn included(&self, rel: &str, name: &str, is_dir: bool) -> bool {
        urls::listed(&self.config.include, rel, is_dir) || urls::listed(&self.config.include, name, is_dir)
    }

    /// Lists a folder of the site (as Jekyll's reader filters it) and sorts
    /// what it finds into pages, posts, data and files to copy.
    pub(super) fn walk(&mut self, dir: &Path, rel_dir: &str, depth: usize) {
        if let Ok(canonical) = dir.canonicalize() {
            if !self.visited.insert(canonical) {
                self.skip(&format!("{rel_dir}/"), "a symbolic link to a folder already read");
                return;
            }
        }
        let entries = match self.boundary.read_dir(dir, &mut self.not_carried_over) {
            Ok(entries) => entries,
            Err(e) => {
                let message = format!("not imported: the folder {} cannot be listed ({e})", display_dir(rel_dir));
                self.not_carried(Location::file(Path::new(rel_dir)), message, "check the folder's permissions");
                return;
            }
        };
        for (name, full) in entries {
            let rel = if rel_dir.is_empty() { name.clone() } else { format!("{rel_dir}/{name}") };
            if self.root_inside.as_ref().is_some_and(|r| full.canonicalize().is_ok_and(|f| &f == r)) {
                continue;
            }
            let Ok(meta) = fs::metadata(&full) else {
                self.skip(&rel, "a broken symbolic link");
                continue;
            };
            let is_dir = meta.is_dir();
            if depth == 0
                && (TOOLING.contains(&name.as_str())
                    || name.starts_with("Gemfile")
                    || name == "_site"
                    || name == self.config.destination
                    || (name.starts_with("_config")
                        && (name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".toml"))))
            {
                continue;
            }
            if is_dir && name == "_posts" {
                self.walk_posts(&full, &rel, rel_dir);
                continue;
            }
            if depth == 0 && is_dir && name.starts_with('_') && !self.included(&rel, &name, true) {
                self.special_folder(&name, &full);
                continue;
            }
            if !self.included(&rel, &name, is_dir) {
                if name.starts_with('.') || name.starts_with('#') || name.ends_with('~') || name.ends_with('.') {
                    continue;
                }
                if urls::listed(&self.config.exclude, &rel, is_dir) {
                    self.skip(&display_dir_or(&rel, is_dir), "excluded by `exclude` in _config.yml");
                    continue;
                }
                if name.starts_with('_') {
                    self.skip(&display_dir_or(&rel, is_dir), "Jekyll does not publish names starting with `_`");
                    continue;
                }
            }
            if is_dir {
                self.walk(&full, &rel, depth + 1);
            } else {
                self.file(rel, full);
            }
        }
    }

    fn special_folder(&mut self, name: &str, full: &Path) {
        let files = self.list(full).len();
        let location = Location::file(Path::new(&format!("{name}/")));
        let label = name.trim_start_matches('_');
        if name == "_data" {
            self.walk_data(full, name);
        } else if name == "_includes" {
            for (inner, path) in self.list(full) {
                self.includes.push((inner.to_string_lossy().replace('\\', "/"), path));
            }
        } else if let Some((_, what, why)) = THEME_FOLDERS.iter().find(|(n, _, _)| *n == name) {
            self.not_carried(location, format!("{what} ({}) are not carried over: {why}", count(files, "file")), "");
        } else if name == "_drafts" {
            self.not_carried(
                location,
                format!("drafts ({}) are not imported", count(files, "file")),
                "give a draft a date and move it to _posts/ to import it; folio marks unpublished pages with `draft: true`",
            );
        } else if let Some(collection) = self.config.collections.iter().find(|c| c.label == label).cloned() {
            if collection.output {
                self.walk_collection(&collection, full, name);
            } else {
                self.skip(
                    &format!("{name}/"),
                    format!("the documents of the collection `{label}` ({}): `output` is not true, so Jekyll published no page of them", count(files, "file")),
                );
            }
        } else {
            self.skip(&format!("{name}/"), "Jekyll does not publish folders starting with `_`");
        }
    }

    /// The files under `dir`, listed without leaving the Jekyll site.
    fn list(&mut self, dir: &Path) -> Vec<(PathBuf, PathBuf)> {
        let listing = self.boundary.list(dir);
        self.not_carried_over.extend(listing.warnings);
        listing.files
    }

    fn walk_data(&mut self, dir: &Path, rel_dir: &str) {
        for (inner, full) in self.list(dir) {
            let inner = inner.to_string_lossy().replace('\\', "/");
            self.data.push((format!("{rel_dir}/{inner}"), full));
        }
    }

    /// `_posts/` (or `news/_posts/`): files named `YYYY-MM-DD-title.ext`.
    fn walk_posts(&mut self, dir: &Path, rel: &str, parent_rel: &str) {
        let categories: Vec<String> = parent_rel.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect();
        for (inner, full) in self.list(dir) {
            let name = full.file_name().unwrap_or_default().to_string_lossy().into_owned();
            if name.starts_with(['.', '_', '#']) || name.ends_with('~') {
                continue;
            }
            let inner = inner.to_string_lossy().replace('\\', "/");
            let post_rel = format!("{rel}/{inner}");
            if urls::listed(&self.config.exclude, &post_rel, false) {
                self.skip(&post_rel, "excluded by `exclude` in _config.yml");
                continue;
            }
            let ext = extension(&name);
            let page_like = MARKDOWN_EXTENSIONS.contains(&ext.as_str()) || ext == "html";
            let dated = urls::leading_date(&name).filter(|(_, rest)| rest.starts_with('-'));
            match (page_like, dated) {
                (true, Some(_)) => self.read_post(post_rel, &full, &categories, &inner),
                (true, None) => {
                    self.skip(&post_rel, "a post's file name must start with its date: YYYY-MM-DD-title.md")
                }
                (false, _) => self.skip(&post_rel, "not a post (only Markdown and HTML files in _posts/ are posts)"),
            }
        }
    }

    /// A collection Jekyll published: each document with front matter is
    /// a page at its collection's URL, in `content/<label>/`.
    fn walk_collection(&mut self, collection: &super::config::CollectionConfig, dir: &Path, rel: &str) {
        let published =
            Collection { label: &collection.label, path_categories: &[], permalink: collection.permalink.as_deref() };
        for (inner, full) in self.list(dir) {
            let name = full.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let inner = inner.to_string_lossy().replace('\\', "/");
            let doc_rel = format!("{rel}/{inner}");
            if name.starts_with(['.', '#'])
                || name.ends_with('~')
                || urls::listed(&self.config.exclude, &doc_rel, false)
            {
                continue;
            }
            let ext = extension(&name);
            let page_like = MARKDOWN_EXTENSIONS.contains(&ext.as_str()) || ext == "html";
            if page_like && starts_with_front_matter(&full).unwrap_or(false) {
                self.read_document(doc_rel, &full, &published, &inner);
            } else {
                self.not_carried(
                    Location::file(Path::new(&doc_rel)),
                    format!("not imported: a file without front matter in the collection `{}`, which Jekyll copied as it is", collection.label),
                    format!("put it in assets/ or content/{}/ of the folio site if pages link to it", collection.label),
                );
            }
        }
    }

    fn file(&mut self, rel: String, full: PathBuf) {
        let ext = extension(&rel);
        let markdown = MARKDOWN_EXTENSIONS.contains(&ext.as_str());
        let front = match starts_with_front_matter(&full) {
            Ok(f) => f,
            Err(e) => {
                let message = format!("not imported: it cannot be read ({e})");
                self.not_carried(Location::file(Path::new(&rel)), message, "check the file's permissions");
                return;
            }
        };
        match (front, markdown || ext == "html") {
            (true, true) => self.read_page(rel, &full, if markdown { PageKind::Page } else { PageKind::Html }),
            (true, false) => {
                let (message, help) = if ext == "scss" || ext == "sass" {
                    (
                        "a Sass stylesheet Jekyll compiled is not carried over: folio does not compile Sass".to_string(),
                        "the gbif theme has its own stylesheet; put extra CSS (compiled) in assets/ and add it to a template",
                    )
                } else {
                    (
                        "a file with front matter that Jekyll ran through Liquid (a feed, a sitemap, a generated file) is not carried over: folio does not run Liquid".to_string(),
                        "write the file out as it should be published and put it in content/ or assets/",
                    )
                };
                self.not_carried(Location::file(Path::new(&rel)), message, help);
            }
            (false, true) if markdown && !rel.starts_with("assets/") => {
                self.skip(&rel, "Markdown without front matter: Jekyll copied it as a plain file, not a page (in content/ it would become a page)");
            }
            _ => self.statics.push((rel, full)),
        }
    }

    /// Reads a file's text and front matter; `None` after recording an error.
    fn read_text(
        &mut self,
        rel: &str,
        full: &Path,
        front_required: bool,
    ) -> Option<(String, String, bool, usize, Mapping)> {
        let shown = Path::new(rel);
        let warn = |planner: &mut Self, message: String, help: &str| {
            planner.not_carried(Location::file(shown), message, help);
        };
        let bytes = match fs::read(full) {
            Ok(b) => b,
            Err(e) => {
                warn(self, format!("not imported: it cannot be read ({e})"), "check the file's permissions");
                return None;
            }
        };
        let mut text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                warn(
                    self,
                    format!("not imported: it is not UTF-8 text (byte {at} is not), so not a page Jekyll could have published"),
                    "if it is a binary file with a Markdown name, rename it; if it is text, save it as UTF-8 and import again",
                );
                return None;
            }
        };
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        let split = match front_matter::split(shown, &text) {
            Ok(split) => split,
            Err(d) => {
                // Jekyll's front matter pattern did not match either: the
                // whole file was the page's content.
                let place = d.location.as_deref().cloned().unwrap_or_else(|| Location::file(shown));
                let message = format!("{}: the whole file is taken as the page's text, as Jekyll took it", d.message);
                self.not_carried(place, message, "end the front matter with a `---` line in the folio site");
                return Some((text, String::new(), true, 0, Mapping::new()));
            }
        };
        let Some(yaml_text) = split.yaml else {
            if front_required {
                warn(self, format!("{rel} has no front matter"), "");
                return None;
            }
            return Some((text, String::new(), false, 0, Mapping::new()));
        };
        let at = Embedded { file: shown, file_source: &text, lines_before: 1, what: "front matter" };
        let body_start = split.body_start;
        let (front, yaml_owned) = match yaml::parse_tolerant(yaml_text, at) {
            Ok((Value::Mapping(m), tolerated)) => {
                let kept = if tolerated.duplicate_keys.is_empty() {
                    yaml_text.to_string()
                } else {
                    for key in &tolerated.duplicate_keys {
                        let top = key.split('.').next().unwrap_or(key);
                        self.not_carried_over.push(
                            Diagnostic::warning(format!(
                                "`{key}` is set twice in the front matter: the last value is kept, as Jekyll kept it"
                            ))
                            .code(NOT_CARRIED_OVER)
                            .at(key_location(shown, &text, yaml_text, top))
                            .help("the first one is left out of the folio page"),
                        );
                    }
                    front::without_repeats(yaml_text, &m)
                };
                (m, kept)
            }
            Ok((Value::Null, _)) => (Mapping::new(), yaml_text.to_string()),
            Ok(_) | Err(_) => {
                // Jekyll warned and published the page without front
                // matter; the text is kept as a comment for the author.
                let why = match yaml::parse::<Value>(yaml_text, at) {
                    Err(d) => d,
                    Ok(_) => Diagnostic::warning("front matter is not a list of `key: value` lines")
                        .at(Location::at_line(shown, &text, 2, 1)),
                };
                let place = why.location.as_deref().cloned().unwrap_or_else(|| Location::file(shown));
                let message =
                    format!("{}: the page is imported without its front matter, as Jekyll published it", why.message);
                self.not_carried(
                    place,
                    message,
                    "the front matter is kept as YAML comments in the folio page: correct it there",
                );
                let commented: String = yaml_text.lines().map(|l| format!("# {l}\n")).collect();
                (Mapping::new(), commented)
            }
        };
        Some((text, yaml_owned, true, body_start, front))
    }

    fn read_page(&mut self, rel: String, full: &Path, kind: PageKind) {
        let Some((text, yaml_text, has_front, body_start, front)) = self.read_text(&rel, full, true) else { return };
        let (defaults, sets) = self.config.defaults_for(&rel, "pages");
        let default_lines = sets.iter().map(|s| s.line).collect();
        let mut merged = defaults.clone();
        config::deep_merge(&mut merged, &front);
        let permalink = match merged.get("permalink").map(config::scalar_text) {
            Some(Some(p)) if !p.is_empty() => Some(p),
            Some(None) => {
                let location = key_location(Path::new(&rel), &text, &yaml_text, "permalink");
                let message =
                    "`permalink` must be a path such as `/about/`: the page keeps the URL of its file's place"
                        .to_string();
                self.not_carried(location, message, "");
                None
            }
            _ => None,
        };
        let jekyll_url = urls::page_url(Path::new(&rel), permalink.as_deref(), &self.config.permalink);
        let target = if folio_permalink(&jekyll_url) == "/" {
            "content/_index.md".to_string()
        } else {
            format!("content/{}", with_md_extension(&rel))
        };
        let order = WriteOrder { group: 0, key: file_name(&rel) };
        self.sources.push(Source {
            rel,
            kind,
            text,
            yaml: yaml_text,
            has_front,
            body_start,
            front,
            defaults,
            default_lines,
            target,
            jekyll_url,
            url: String::new(),
            permalink: PermalinkAction::Derived,
            url_kept: true,
            edits: Vec::new(),
            draft: false,
            order,
        });
    }

    fn read_post(&mut self, rel: String, full: &Path, path_categories: &[String], inner: &str) {
        let collection = Collection { label: "posts", path_categories, permalink: None };
        self.read_document(rel, full, &collection, inner);
    }

    /// A document of a collection (`_posts/` or another with `output:
    /// true`): its date and title from the file name where the front
    /// matter has none, its URL from its collection's template.
    fn read_document(&mut self, rel: String, full: &Path, collection: &Collection<'_>, inner: &str) {
        let post = collection.label == "posts";
        let Some((text, yaml_text, has_front, body_start, front)) = self.read_text(&rel, full, !post) else { return };
        let shown = Path::new(&rel);
        let (defaults, sets) = self.config.defaults_for(&rel, if post { "posts" } else { collection.label });
        let default_lines = sets.iter().map(|s| s.line).collect();
        let mut merged = defaults.clone();
        config::deep_merge(&mut merged, &front);
        let name = Path::new(&rel).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let file_date = urls::leading_date(&name).filter(|(_, rest)| rest.starts_with('-'));
        let file_slug = file_date.map_or(name.as_str(), |(_, rest)| rest).trim_start_matches('-').to_string();
        let text_of = |key: &str| merged.get(key).and_then(config::scalar_text).filter(|s| !s.is_empty());
        let mut edits = Vec::new();
        let written = text_of("date");
        let date_key = || key_location(shown, &text, &yaml_text, "date");
        let (date, time) = self.document_date(written.as_deref(), file_date.map(|(d, _)| d), date_key, &mut edits);
        let slug = text_of("slug").unwrap_or_else(|| file_slug.clone());
        if text_of("title").is_none() {
            edits.push(Edit::Set("title".into(), Value::String(urls::titleize_slug(&slug))));
        }
        let categories = document_categories(collection.path_categories, &merged);
        let permalink = text_of("permalink");
        let path = inner.rsplit_once('.').map_or(inner, |(stem, _)| stem).to_string();
        let order_key = match date {
            Some(d) => format!("{} {} {}:{}:{}", collection.label, d, time.0, time.1, time.2),
            None => format!("{} {path}", collection.label),
        };
        let order = WriteOrder { group: 2, key: order_key };
        let template = match (permalink.as_deref().or(collection.permalink), post) {
            (Some(own), _) => own.to_string(),
            (None, true) => self.config.permalink.post_template().to_string(),
            (None, false) => format!("/:collection/:path{}", self.config.permalink.page_suffix()),
        };
        // An undated document's URL may name no part of a date.
        let facts = PostFacts {
            date: date.unwrap_or(jiff::civil::Date::MIN),
            time,
            slug,
            name,
            categories,
            collection: collection.label.to_string(),
            path: path.clone(),
        };
        let url = match (date, post) {
            (Some(_), true) => urls::post_url(&facts, permalink.as_deref(), &self.config.permalink),
            (None, false) if urls::uses_date(&template) => {
                Err("it has no date, and its URL is made of one".to_string())
            }
            (_, false) => {
                urls::collection_url(&facts, permalink.as_deref(), collection.permalink, &self.config.permalink)
            }
            (None, true) => Err("a post's file name starts with its date".to_string()),
        };
        let jekyll_url = match url {
            Ok(url) => url,
            Err(why) => {
                let location = if permalink.is_some() {
                    key_location(shown, &text, &yaml_text, "permalink")
                } else if post || collection.permalink.is_none() {
                    self.config.location("permalink")
                } else {
                    self.config.location("collections")
                };
                self.not_carried(
                    location,
                    format!("not imported: the document's URL cannot be worked out ({why}); Jekyll stopped at it too"),
                    "use Jekyll's placeholders: :year, :month, :day, :title, :slug, :categories, :collection, :path, :output_ext; give a dated document its date",
                );
                return;
            }
        };
        let folder = if post { "posts" } else { collection.label };
        let prefix = collection.path_categories.join("/");
        let target = if prefix.is_empty() {
            format!("content/{folder}/{}", with_md_extension(inner))
        } else {
            format!("content/{folder}/{prefix}/{}", with_md_extension(inner))
        };
        self.sources.push(Source {
            rel,
            kind: if post { PageKind::Post } else { PageKind::Document },
            text,
            yaml: yaml_text,
            has_front,
            body_start,
            front,
            defaults,
            default_lines,
            target,
            jekyll_url,
            url: String::new(),
            permalink: PermalinkAction::Derived,
            url_kept: true,
            edits,
            draft: false,
            order,
        });
    }

    /// A document's date and time, as Jekyll read them: the front matter's
    /// `date`, else the file name's; the front matter is given the date
    /// folio reads (`YYYY-MM-DD`, the time kept).
    fn document_date(
        &mut self,
        written: Option<&str>,
        file_date: Option<jiff::civil::Date>,
        date_key: impl FnOnce() -> Location,
        edits: &mut Vec<Edit>,
    ) -> (Option<jiff::civil::Date>, (String, String, String)) {
        let midnight = || ("00".to_string(), "00".to_string(), "00".to_string());
        let from_file = |edits: &mut Vec<Edit>| {
            if let Some(d) = file_date {
                edits.push(Edit::Set("date".into(), Value::String(d.to_string())));
            }
            (file_date, midnight())
        };
        let Some(written) = written else { return from_file(edits) };
        match urls::leading_date(written) {
            Some((d, rest)) => {
                let normal = format!("{d}{rest}");
                if normal != written {
                    edits.push(Edit::Set("date".into(), Value::String(normal)));
                }
                (Some(d), time_of(rest))
            }
            None => {
                // Ruby's Time.parse read something into it; folio takes the
                // file name's date, which Jekyll's URL used too.
                let used = file_date.map_or("none".to_string(), |d| d.to_string());
                self.not_carried_over.push(
                    Diagnostic::warning(format!(
                        "`date: {written}` is not a date folio reads: the file name's date, {used}, is used"
                    ))
                    .code(NOT_CARRIED_OVER)
                    .at(date_key())
                    .help("write the date as YYYY-MM-DD, optionally with a time: `date: 2021-06-01 10:00:00 +0200`"),
                );
                from_file(edits)
            }
        }
    }

    /// Decides URLs, settles what Jekyll settled (two files on one URL or
    /// one file of the folio site), converts bodies and front matter, and
    /// lists what to write.
    pub(super) fn finish(mut self) -> Result<JekyllImport, Diagnostics> {
        self.separate_targets();
        let (mut by_path, posts) = self.decide_urls();
        let mut files = self.static_files(&mut by_path);
        self.settle_shared_urls(&mut files);
        let app_routes = self.app_routes(&files);
        let base_path = self.config.base_path.clone();
        let links = body::Links { by_path: &by_path, posts: &posts, base_path: &base_path };
        let languages = self.site_languages();
        let (pages, mut planned, rewrites) = self.convert_pages(links, languages.default.as_deref());
        // (Before the data files are converted: they are taken then.)
        planned.extend(self.interface_strings(&languages));
        let data_files = self.convert_data(&mut planned);
        for (inner, full) in &self.includes {
            let target = format!("{}/{inner}", crate::markdown::liquid::INCLUDES_DIR);
            planned.push(PlannedFile { target, content: PlannedContent::Copy(full.clone()) });
        }
        for f in &files {
            let from = self.statics.iter().find(|(rel, _)| *rel == f.source).map(|(_, full)| full.clone());
            if let Some(from) = from {
                planned.push(PlannedFile { target: f.target.clone(), content: PlannedContent::Copy(from) });
            }
        }
        // (`/404.html` is that name on every host.)
        match self.site_yaml(
            pages.iter().any(|p| p.url.ends_with(".html") && p.url != "/404.html"),
            &languages,
            &app_routes,
        ) {
            Ok(text) => planned
                .push(PlannedFile { target: crate::config::CONFIG_FILE.into(), content: PlannedContent::Text(text) }),
            Err(d) => self.errors.push(d),
        }
        if !self.errors.is_empty() {
            let mut errors = Diagnostics { items: std::mem::take(&mut self.errors) };
            errors.sort();
            return Err(errors);
        }
        Ok(self.into_import(pages, data_files, files, rewrites, planned, app_routes))
    }

    /// The URLs the portal's application answered, as the pages and
    /// `serve.json` declare them.
    fn app_routes(&mut self, files: &[CopiedFile]) -> Vec<super::routes::FoundRoute> {
        let serve_json = files
            .iter()
            .find(|f| f.source == "serve.json")
            .and_then(|_| self.statics.iter().find(|(rel, _)| rel == "serve.json"))
            .and_then(|(_, full)| fs::read_to_string(full).ok());
        let pages: Vec<super::routes::RoutePage<'_>> = self
            .sources
            .iter()
            .map(|s| super::routes::RoutePage { source: &s.rel, jekyll_url: &s.jekyll_url, url: &s.url, text: &s.text })
            .collect();
        super::routes::find(&pages, serve_json.as_deref())
    }

    /// Two inputs that would be written to one file of the folio site
    /// (`about.md` and `about.html`): the later one gets a name of its own;
    /// its URL stays, through `permalink`.
    fn separate_targets(&mut self) {
        let mut taken: BTreeSet<String> = BTreeSet::new();
        for s in &mut self.sources {
            if taken.insert(s.target.clone()) {
                continue;
            }
            let stem = s.target.trim_end_matches(".md");
            let ext = extension(&s.rel);
            let renamed = (1..)
                .map(|n| if n == 1 { format!("{stem}-{ext}.md") } else { format!("{stem}-{ext}-{n}.md") })
                .find(|t| !taken.contains(t))
                .unwrap_or_default();
            self.not_carried_over.push(
                Diagnostic::warning(format!(
                    "written to {renamed}: {} is taken by another file of the same name; its URL is kept",
                    s.target
                ))
                .code(NOT_CARRIED_OVER)
                .at(Location::file(Path::new(&s.rel)))
                .help("rename one of them in the folio site if you like; `permalink` keeps the URL"),
            );
            taken.insert(renamed.clone());
            s.target = renamed;
        }
    }

    /// Each page's URL, and what `{% link %}` and `{% post_url %}` resolve to.
    fn decide_urls(&mut self) -> (HashMap<String, String>, HashMap<String, String>) {
        let mut by_path: HashMap<String, String> = HashMap::new();
        let mut posts: HashMap<String, String> = HashMap::new();
        for s in &mut self.sources {
            decide_url(s);
            by_path.insert(s.rel.clone(), s.url.clone());
            if s.kind == PageKind::Post {
                let stem = s.rel.rsplit_once('.').map_or(s.rel.as_str(), |(stem, _)| stem);
                let (before, after) = stem.split_once("_posts/").unwrap_or(("", stem));
                posts.insert(after.to_string(), s.url.clone());
                posts.insert(format!("{before}{after}"), s.url.clone());
                if let Some(file) = after.rsplit('/').next() {
                    posts.entry(file.to_string()).or_insert_with(|| s.url.clone());
                }
            }
        }
        (by_path, posts)
    }

    /// The files to copy, with their URLs; those folio would not publish
    /// (the theme's own, hidden files) are left out and reported.
    fn static_files(&mut self, by_path: &mut HashMap<String, String>) -> Vec<CopiedFile> {
        let mut files = Vec::new();
        for (rel, _) in &self.statics {
            let (target, url) = match rel.strip_prefix("assets/") {
                Some(_) => (rel.clone(), format!("/{rel}")),
                None => (format!("content/{rel}"), crate::index::asset_url(Path::new(rel))),
            };
            let jekyll_url = format!("/{rel}");
            by_path.insert(rel.clone(), url.clone());
            files.push(CopiedFile { url_kept: url == jekyll_url, source: rel.clone(), target, jekyll_url, url });
        }
        files.retain(|f| {
            let output = f.url.trim_start_matches('/').to_string();
            if self.theme_files.contains(&output) {
                self.not_carried_over.push(
                    Diagnostic::warning(format!("not copied: the gbif theme publishes its own {}", f.url))
                        .code(NOT_CARRIED_OVER)
                        .at(Location::file(Path::new(&f.source)))
                        .help("the theme's file is used; to use this one, add a theme of your own"),
                );
                return false;
            }
            let ignored = Path::new(&f.target).components().any(|c| crate::files::is_ignored(c.as_os_str()));
            if ignored {
                self.not_carried_over.push(
                    Diagnostic::warning("not copied: folio does not publish hidden, backup or temporary files")
                        .code(NOT_CARRIED_OVER)
                        .at(Location::file(Path::new(&f.source)))
                        .help("server settings such as .htaccess belong in the web server's configuration"),
                );
                return false;
            }
            if !f.url_kept {
                self.not_carried_over.push(
                    Diagnostic::warning(format!(
                        "its URL is not kept: folio publishes it at {} instead of {} (folder names are slugged)",
                        f.url, f.jekyll_url
                    ))
                    .code(NOT_CARRIED_OVER)
                    .at(Location::file(Path::new(&f.source)))
                    .help("rename its folders to lower case without spaces in the Jekyll site (and the links to it), or move the file under assets/"),
                );
            }
            true
        });
        files
    }

    /// Files that land on one URL: Jekyll wrote them all, one over the
    /// other (pages by file name, then copied files, then posts by date),
    /// and published the last; so does the import, and it names the others.
    fn settle_shared_urls(&mut self, files: &mut Vec<CopiedFile>) {
        // (output path) -> claims as (write order, source, URL).
        let mut claims: BTreeMap<String, Vec<(WriteOrder, String, String)>> = BTreeMap::new();
        for s in &self.sources {
            claims.entry(output_path(&s.url)).or_default().push((s.order.clone(), s.rel.clone(), s.url.clone()));
        }
        if !self.sources.iter().any(|s| s.url == "/") {
            // folio writes a home page of its own when no page is at `/`.
            let home = WriteOrder { group: u8::MAX, key: String::new() };
            claims.entry("index.html".into()).or_default().push((home, HOME.into(), "/".into()));
        }
        for f in files.iter() {
            let order = WriteOrder { group: 1, key: f.source.clone() };
            claims.entry(f.url.trim_start_matches('/').to_string()).or_default().push((
                order,
                f.source.clone(),
                f.url.clone(),
            ));
        }
        let mut losers: BTreeSet<String> = BTreeSet::new();
        for list in claims.values_mut().filter(|l| l.len() > 1) {
            list.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            let Some((_, winner, url)) = list.last().cloned() else { continue };
            for (_, loser, _) in &list[..list.len() - 1] {
                let help = if winner == HOME {
                    "give the file front matter (a `---` line, then `---`) to make it the home page, or write an index.md"
                        .to_string()
                } else {
                    format!("Jekyll published {winner} there too; give {loser} its own `permalink` in the Jekyll site and import again to keep both")
                };
                self.not_carried_over.push(
                    Diagnostic::warning(format!(
                        "not imported: {loser} and {winner} are both published at {url}; {winner} is kept, as Jekyll wrote it last"
                    ))
                    .code(NOT_CARRIED_OVER)
                    .at(Location::file(Path::new(loser)))
                    .help(help),
                );
                losers.insert(loser.clone());
            }
        }
        self.sources.retain(|s| !losers.contains(&s.rel));
        files.retain(|f| !losers.contains(&f.source));
    }

    /// Every page's body and front matter, converted and checked with
    /// folio's own front matter reader.
    fn convert_pages(
        &mut self,
        links: body::Links<'_>,
        default_lang: Option<&str>,
    ) -> (Vec<ImportedPage>, Vec<PlannedFile>, Vec<super::Rewrite>) {
        let mut planned = Vec::new();
        let mut pages = Vec::new();
        let mut rewrites = Vec::new();
        let mut translations = Translations { default_lang, seen: HashSet::new() };
        let mut sources = std::mem::take(&mut self.sources);
        sources.sort_by(|a, b| a.rel.cmp(&b.rel));
        for mut s in sources {
            let shown = PathBuf::from(&s.rel);
            let converted = body::convert(&shown, &s.text, s.body_start, s.kind == PageKind::Html, links);
            rewrites.extend(converted.rewrites);
            self.not_carried_over.extend(converted.not_carried_over);
            let mut front_yaml = self.front_matter(&mut s, converted.toc, &mut translations);
            let mut text = format!("---\n{front_yaml}---\n{}", converted.text);
            // Keys folio cannot read are left out, one at a time, until
            // the page reads (a page is never refused for its front matter).
            while let Some((key, warning)) = unreadable_key(&s, &text, &self.config) {
                self.not_carried_over.push(warning);
                let Some(key) =
                    key.filter(|k| front::parse_mapping(&front_yaml).is_some_and(|m| m.contains_key(k.as_str())))
                else {
                    front_yaml = String::new();
                    text = format!("---\n---\n{}", converted.text);
                    break;
                };
                let mapping = front::parse_mapping(&front_yaml).unwrap_or_default();
                front_yaml = front::apply(&front_yaml, &mapping, &[Edit::Remove(key)]);
                text = format!("---\n{front_yaml}---\n{}", converted.text);
            }
            let title = yaml_title(&front_yaml);
            pages.push(ImportedPage {
                source: s.rel.clone(),
                target: s.target.clone(),
                kind: s.kind,
                title,
                jekyll_url: s.jekyll_url.clone(),
                url: s.url.clone(),
                permalink: s.permalink.clone(),
                url_kept: s.url_kept,
                draft: s.draft,
            });
            if !s.url_kept {
                self.not_carried_over.push(
                    Diagnostic::warning(format!(
                        "its URL is not kept: Jekyll published it at {}; folio publishes pages as HTML, at {}",
                        s.jekyll_url, s.url
                    ))
                    .code(NOT_CARRIED_OVER)
                    .at(key_location(&shown, &s.text, &s.yaml, "permalink"))
                    .help("write the file out as it should be published and put it in content/ instead"),
                );
            }
            planned.push(PlannedFile { target: s.target.clone(), content: PlannedContent::Text(text) });
        }
        (pages, planned, rewrites)
    }

    fn convert_data(&mut self, planned: &mut Vec<PlannedFile>) -> Vec<DataFile> {
        let mut data_files = Vec::new();
        for (rel, full) in std::mem::take(&mut self.data) {
            if let Some((file, text)) = self.data_file(&rel, &full) {
                planned.push(PlannedFile { target: file.target.clone(), content: PlannedContent::Text(text) });
                data_files.push(file);
            }
        }
        data_files
    }

    fn into_import(
        self,
        mut pages: Vec<ImportedPage>,
        data_files: Vec<DataFile>,
        mut files: Vec<CopiedFile>,
        rewrites: Vec<super::Rewrite>,
        mut planned: Vec<PlannedFile>,
        app_routes: Vec<super::routes::FoundRoute>,
    ) -> JekyllImport {
        planned.sort_by(|a, b| a.target.cmp(&b.target));
        pages.sort_by(|a, b| a.url.cmp(&b.url));
        files.sort_by(|a, b| a.url.cmp(&b.url));
        let mut not_carried_over = Diagnostics { items: self.not_carried_over };
        not_carried_over.sort();
        let config = &self.config;
        let (title, title_from_folder) = match &config.title {
            Some(t) if !t.trim().is_empty() => (t.clone(), false),
            _ => (folder_title(&self.options.source), true),
        };
        JekyllImport {
            source: self.options.source.clone(),
            root: self.options.root.clone(),
            title,
            title_from_folder,
            description: config.description.clone().filter(|d| !d.trim().is_empty()),
            base_url: config.base_url.clone(),
            language: config.lang.clone(),
            extra_keys: config.extra.keys().filter_map(config::scalar_text).collect(),
            permalink_style: config.permalink.name().to_string(),
            pages,
            data_files,
            includes: self.includes.iter().map(|(inner, _)| inner.clone()).collect(),
            files,
            app_routes,
            rewrites,
            not_carried_over,
            skipped: self.skipped,
            planned,
        }
    }

    /// The page's front matter, with what `defaults`, the permalink style
    /// and the body asked for written out.
    fn front_matter(&mut self, s: &mut Source, toc: bool, translations: &mut Translations<'_>) -> String {
        let shown = PathBuf::from(&s.rel);
        let mut edits = std::mem::take(&mut s.edits);
        let in_file = |key: &str| s.front.contains_key(key);
        let mut merged = s.defaults.clone();
        config::deep_merge(&mut merged, &s.front);
        edits.extend(defaults_written_out(s, &merged));
        edits.extend(self.layout_edits(s, &merged));
        let (published, draft) = published_edits(s, &merged);
        edits.extend(published);
        s.draft |= draft;
        edits.extend(redirect_edits(s, &merged));
        if toc && !in_file("toc") {
            edits.push(Edit::Set("toc".into(), Value::Bool(true)));
        }
        edits.extend(text_edits(s));
        edits.extend(self.rooted_image_edits(s));
        edits.extend(permalink_edits(s));
        if let Some(lang_ref) = translations.second_version(&merged) {
            // The theme's language switcher listed both; folio's versions
            // of a page are one per language. The page stays at its URL.
            edits.retain(|e| !matches!(e, Edit::Set(k, _) if k == "lang-ref"));
            if in_file("lang-ref") {
                edits.push(Edit::Remove("lang-ref".into()));
            }
            self.not_carried(
                key_location(&shown, &s.text, &s.yaml, "lang-ref"),
                format!(
                    "`lang-ref: {lang_ref}` is left out: an earlier page in the same language has it too, and folio keeps one version of a page per language"
                ),
                "give this page a `lang-ref` of its own if it has translations",
            );
        }
        let yaml_text = front::apply(&s.yaml, &s.front, &edits);
        if !s.has_front && yaml_text.is_empty() {
            return String::new();
        }
        yaml_text
    }

    /// `background` and `image` as Jekyll's sites read them: the
    /// hosted-portal theme and jekyll-seo-tag pass both through
    /// `absolute_url`, so `assets/images/a.jpg` named the file at the
    /// site's root from any page; folio reads a relative path as beside
    /// the page. A relative path that names a file the Jekyll site
    /// published is written rooted (`/assets/images/a.jpg`); any other
    /// value (a site's own layout may read the key as text, or prefix a
    /// folder of its own) is left as it is.
    fn rooted_image_edits(&self, s: &Source) -> Vec<Edit> {
        let mut edits = Vec::new();
        for key in ["background", "image"] {
            let Some(Value::String(written)) = s.front.get(key) else { continue };
            let liquid = written.contains("{{") || written.contains("{%");
            if written.is_empty() || written.starts_with('/') || crate::urls::is_external(written) || liquid {
                continue;
            }
            let file = crate::urls::decode_path(written.split(['?', '#']).next().unwrap_or(written));
            if self.statics.iter().any(|(rel, _)| *rel == file) {
                edits.push(Edit::Set(key.into(), Value::String(format!("/{written}"))));
            }
        }
        edits
    }

    /// `layout`: kept when folio has the template, else left out (and said).
    fn layout_edits(&mut self, s: &Source, merged: &Mapping) -> Vec<Edit> {
        let shown = PathBuf::from(&s.rel);
        let in_file = |key: &str| s.front.contains_key(key);
        let mut edits = Vec::new();
        let layout_location = |planner: &Self| {
            if in_file("layout") {
                key_location(&shown, &s.text, &s.yaml, "layout")
            } else {
                s.default_lines
                    .first()
                    .map(|&line| Location::at_line(&planner.config.file, &planner.config.text, line, 1))
                    .unwrap_or_else(|| Location::file(&shown))
            }
        };
        let from_defaults =
            if in_file("layout") { String::new() } else { format!(" (from `defaults`, for {})", s.rel) };
        match merged.get("layout") {
            None => {}
            Some(value) => {
                let name = config::scalar_text(value).unwrap_or_default();
                let template = if name.ends_with(".html") { name.clone() } else { format!("{name}.html") };
                if matches!(name.as_str(), "" | "none" | "null") {
                    let location = layout_location(self);
                    self.not_carried(
                        location,
                        format!(
                            "`layout: {}` (no layout){} is not carried over: folio renders every page in a template",
                            if name.is_empty() { "null" } else { &name },
                            from_defaults
                        ),
                        "the page uses the theme's page.html",
                    );
                    if in_file("layout") {
                        edits.push(Edit::Remove("layout".into()));
                    }
                } else if !self.templates.contains(&template) {
                    let location = layout_location(self);
                    let known: Vec<&str> = self
                        .templates
                        .iter()
                        .filter(|t| !t.contains('/'))
                        .map(|t| t.trim_end_matches(".html"))
                        .collect();
                    self.not_carried(
                        location,
                        format!("`layout: {name}`{from_defaults} is not carried over: the gbif theme has no such template, the page uses page.html"),
                        format!("add templates/{template} to the folio site and set `layout: {name}` again, or use one of: {}", known.join(", ")),
                    );
                    if in_file("layout") {
                        edits.push(Edit::Remove("layout".into()));
                    }
                } else if !in_file("layout") {
                    edits.push(Edit::Set("layout".into(), Value::String(name)));
                }
            }
        }
        edits
    }

    /// A data file as folio reads it (YAML under `data/`). What Jekyll's
    /// reader let pass is kept the way it read it (a repeated key keeps its
    /// last value, a second document is ignored); a file it could not have
    /// read is skipped with a warning.
    fn data_file(&mut self, rel: &str, full: &Path) -> Option<(DataFile, String)> {
        let inner = rel.strip_prefix("_data/").unwrap_or(rel);
        let ext = extension(rel);
        let shown = Path::new(rel);
        let skip = |planner: &mut Self, location: Location, why: String, help: &str| {
            planner.not_carried(location, format!("data file skipped: {why}"), help);
            None
        };
        if !matches!(ext.as_str(), "yml" | "yaml" | "json") {
            let help = if ext == "csv" || ext == "tsv" {
                "folio reads YAML data files only: convert it to a YAML list (one `- column: value` item per row)"
            } else {
                "folio reads YAML data files only"
            };
            return skip(self, Location::file(shown), "folio reads .yml and .yaml (JSON is converted)".into(), help);
        }
        let text = match fs::read(full).map(String::from_utf8) {
            Ok(Ok(t)) => t.trim_start_matches('\u{feff}').to_string(),
            Ok(Err(_)) => {
                return skip(self, Location::file(shown), "it is not UTF-8 text".into(), "save it as UTF-8 text")
            }
            Err(e) => return skip(self, Location::file(shown), format!("it cannot be read ({e})"), ""),
        };
        if ext == "json" {
            let target = format!("data/{}.yml", inner.trim_end_matches(".json"));
            return match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(value) => {
                    let yaml_text =
                        format!("# Converted from {rel} by folio import jekyll\n{}", yaml::to_string(&value));
                    Some((DataFile { source: rel.to_string(), target, converted: true }, yaml_text))
                }
                Err(e) => skip(
                    self,
                    Location::at_line(shown, &text, e.line(), e.column()),
                    format!("it is not valid JSON ({e}); Jekyll could not read it either"),
                    "correct the JSON (or give the file the name its content has) and import again",
                ),
            };
        }
        let at = Embedded { file: shown, file_source: &text, lines_before: 0, what: "data file" };
        match yaml::parse_tolerant(&text, at) {
            Ok((value, tolerated)) => {
                let target = format!("data/{inner}");
                let mut converted = false;
                for key in &tolerated.duplicate_keys {
                    let top = key.split('.').next().unwrap_or(key);
                    self.not_carried(
                        config_key_location(shown, &text, top),
                        format!("`{key}` is set twice: the last value is kept, as Jekyll kept it"),
                        "the data file is written out with the last value only",
                    );
                    converted = true;
                }
                if tolerated.extra_documents > 0 {
                    self.not_carried(
                        Location::file(shown),
                        format!(
                            "only the first of its {} YAML documents is kept, the one Jekyll read",
                            tolerated.extra_documents + 1
                        ),
                        "remove the `---` lines that start the others, or move them to files of their own",
                    );
                    converted = true;
                }
                let text = if converted {
                    format!("# Rewritten from {rel} by folio import jekyll\n{}", yaml::to_string(&value))
                } else {
                    text
                };
                Some((DataFile { source: rel.to_string(), target, converted: false }, text))
            }
            Err(d) => {
                let location = d.location.as_deref().cloned().unwrap_or_else(|| Location::file(shown));
                skip(
                    self,
                    location,
                    format!("{}; Jekyll could not read it either", d.message),
                    "correct the YAML and import again",
                )
            }
        }
    }

    /// site.yaml: `_config.yml`'s settings folio knows, `extra` for the
    /// rest, and what keeps the pages working as Jekyll served them:
    /// `implicit_html` when pages were published as `.html` files (the
    /// host answered `/schedule` with `schedule.html`), `liquid`.
    fn site_yaml(
        &self,
        html_urls: bool,
        languages: &SiteLanguages,
        app_routes: &[super::routes::FoundRoute],
    ) -> Result<String, Diagnostic> {
        let config = &self.config;
        let mut map = Mapping::new();
        let title =
            config.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| folder_title(&self.options.source));
        map.insert("title".into(), Value::String(title));
        if let Some(d) = config.description.as_ref().filter(|d| !d.trim().is_empty()) {
            map.insert("description".into(), Value::String(d.trim_end().to_string()));
        }
        if let Some(base) = &config.base_url {
            map.insert("base_url".into(), Value::String(base.clone()));
        }
        if let Some(lang) = &languages.default {
            map.insert("language".into(), Value::String(lang.clone()));
        }
        if languages.list.len() > 1 {
            let mut list = Mapping::new();
            for (code, label) in &languages.list {
                let mut entry = Mapping::new();
                if let Some(label) = label {
                    entry.insert("label".into(), Value::String(label.clone()));
                }
                list.insert(Value::String(code.clone()), Value::Mapping(entry));
            }
            map.insert("languages".into(), Value::Mapping(list));
        }
        if html_urls {
            map.insert("implicit_html".into(), Value::Bool(true));
        }
        if !app_routes.is_empty() {
            let routes: Vec<&crate::config::AppRoute> = app_routes.iter().map(|f| &f.route).collect();
            map.insert("app_routes".into(), yaml::to_value(&routes));
        }
        map.insert("liquid".into(), Value::Bool(true));
        if !config.extra.is_empty() {
            map.insert("extra".into(), Value::Mapping(config.extra.clone()));
        }
        let text = format!(
            "# Imported from {} by `folio import jekyll`; folio checks every key.\n{}",
            config.file.display(),
            yaml::to_string(&map)
        );
        let shown = Path::new(crate::config::CONFIG_FILE);
        let at = Embedded { file: shown, file_source: &text, lines_before: 0, what: crate::config::CONFIG_FILE };
        yaml::parse::<crate::config::SiteConfig>(&text, at)?;
        Ok(text)
    }
}

/// The languages of the Jekyll site: the default (`algae.rootLang` of the
/// hosted-portal theme, else `lang` in `_config.yml`, else the home page's
/// `lang`) first, then those `_data/languages.yml` names and those pages
/// are written in, each with the label `languages.yml` gives it.
struct SiteLanguages {
    default: Option<String>,
    list: Vec<(String, Option<String>)>,
}

impl Planner<'_> {
    fn site_languages(&self) -> SiteLanguages {
        let text = |v: &Value| config::scalar_text(v).map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        let page_lang = |s: &Source| s.front.get("lang").or_else(|| s.defaults.get("lang")).and_then(text);
        let root_lang = self.config.extra.get("algae").and_then(|a| a.get("rootLang")).and_then(text);
        let home_lang = self.sources.iter().find(|s| s.url == "/").and_then(page_lang);
        let default = root_lang.or_else(|| self.config.lang.clone().filter(|l| !l.trim().is_empty())).or(home_lang);
        let declared: Vec<(String, Option<String>)> = self
            .data_mapping("languages")
            .map(|m| m.iter().filter_map(|(code, v)| Some((text(code)?, v.get("label").and_then(text)))).collect())
            .unwrap_or_default();
        let mut list: Vec<(String, Option<String>)> = Vec::new();
        let mut add = |code: String, label: Option<String>| {
            if crate::languages::is_language_tag(&code) && !list.iter().any(|(c, _)| c.eq_ignore_ascii_case(&code)) {
                list.push((code, label));
            }
        };
        let label_of = |code: &str| declared.iter().find(|(c, _)| c == code).and_then(|(_, l)| l.clone());
        if let Some(d) = &default {
            add(d.clone(), label_of(d));
        }
        for (code, label) in &declared {
            add(code.clone(), label.clone());
        }
        for code in self.sources.iter().filter_map(page_lang) {
            let label = label_of(&code);
            add(code, label);
        }
        let default = default.or_else(|| (list.len() > 1).then(|| list[0].0.clone()));
        SiteLanguages { default, list }
    }

    /// `_data/<name>.yml` as a mapping, when it is one (the data import
    /// reports a file it cannot read).
    fn data_mapping(&self, name: &str) -> Option<Mapping> {
        let (_, full) = self.data.iter().find(|(rel, _)| {
            let file = rel.strip_prefix("_data/").and_then(|f| f.strip_prefix(name));
            file.is_some_and(|ext| matches!(ext, ".yml" | ".yaml"))
        })?;
        serde_yaml::from_str::<Mapping>(&fs::read_to_string(full).ok()?).ok()
    }

    /// The words of the hosted-portal theme (`_data/translations.yml`: key ->
    /// language -> text) that the gbif theme shows too, as the site's
    /// `i18n/<code>.yaml`, so that a site of several languages keeps its wording.
    fn interface_strings(&self, languages: &SiteLanguages) -> Vec<PlannedFile> {
        const SAME: [(&str, &str); 3] = [
            ("tocTitle", "on_this_page"),
            ("differentLanguage", "languages_of_this_page"),
            ("languageSelector", "language"),
        ];
        let Some(table) = self.data_mapping("translations").filter(|_| languages.list.len() > 1) else {
            return Vec::new();
        };
        let text = |v: &Value| config::scalar_text(v).map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        languages
            .list
            .iter()
            .filter_map(|(code, _)| {
                let mut strings = Mapping::new();
                for (theirs, ours) in SAME {
                    if let Some(t) = table.get(theirs).and_then(|t| t.get(code.as_str())).and_then(text) {
                        strings.insert(ours.into(), Value::String(t));
                    }
                }
                let header = "# From _data/translations.yml by `folio import jekyll`: the words of the\n\
                              # hosted-portal theme that the gbif theme shows too.\n";
                (!strings.is_empty()).then(|| PlannedFile {
                    target: format!("{}/{code}.yaml", crate::theme::I18N_DIR),
                    content: PlannedContent::Text(format!("{header}{}", yaml::to_string(&strings))),
                })
            })
            .collect()
    }
}

/// The `lang-ref`s already given out, per language, in the order Jekyll
/// read the pages (by path).
struct Translations<'a> {
    /// The language of a page that names none.
    default_lang: Option<&'a str>,
    seen: HashSet<(String, String)>,
}

impl Translations<'_> {
    /// The page's `lang-ref` when an earlier page of its language has it.
    fn second_version(&mut self, merged: &Mapping) -> Option<String> {
        let text = |key: &str| merged.get(key).and_then(config::scalar_text).map(|t| t.trim().to_string());
        let lang_ref = text("lang-ref").filter(|r| !r.is_empty())?;
        let lang = text("lang").filter(|l| !l.is_empty()).or(self.default_lang.map(str::to_string)).unwrap_or_default();
        (!self.seen.insert((lang, lang_ref.clone()))).then_some(lang_ref)
    }
}

/// `defaults`, written out: folio has no such mechanism.
fn defaults_written_out(s: &Source, merged: &Mapping) -> Vec<Edit> {
    let mut edits = Vec::new();
    for key in s.defaults.keys() {
        let Some(name) = key.as_str() else { continue };
        if matches!(name, "permalink" | "published" | "layout") {
            continue;
        }
        if !s.front.contains_key(name) || merged.get(name) != s.front.get(name) {
            edits.push(Edit::Set(name.to_string(), merged[name].clone()));
        }
    }
    edits
}

/// `redirect_from` (jekyll-redirect-from) -> `aliases`: folio writes the
/// same redirect pages at the old addresses.
fn redirect_edits(s: &Source, merged: &Mapping) -> Vec<Edit> {
    let mut edits = Vec::new();
    let Some(from) = merged.get("redirect_from") else { return edits };
    let aliases: Vec<Value> = config::string_list(from)
        .unwrap_or_default()
        .into_iter()
        .filter(|url| !url.trim().is_empty())
        .map(|url| Value::String(if url.starts_with('/') { url } else { format!("/{url}") }))
        .collect();
    if s.front.contains_key("redirect_from") {
        edits.push(Edit::Remove("redirect_from".into()));
    }
    if !aliases.is_empty() {
        edits.push(Edit::Set("aliases".into(), Value::Sequence(aliases)));
    }
    edits
}

/// `published: false` -> `draft: true`; whether the page is a draft.
fn published_edits(s: &Source, merged: &Mapping) -> (Vec<Edit>, bool) {
    let mut edits = Vec::new();
    let unpublished = merged.get("published").and_then(Value::as_bool) == Some(false);
    if s.front.contains_key("published") {
        edits.push(Edit::Remove("published".into()));
    }
    if unpublished {
        edits.push(Edit::Set("draft".into(), Value::Bool(true)));
    }
    (edits, unpublished || merged.get("draft") == Some(&Value::Bool(true)))
}

/// Text keys folio reads as text (numbers and booleans become text), and a
/// page's `date` as folio reads it.
fn text_edits(s: &Source) -> Vec<Edit> {
    let mut edits = Vec::new();
    for key in ["title", "description", "lang", "height", "background", "imageLicense"] {
        if let Some(value @ (Value::Number(_) | Value::Bool(_))) = s.front.get(key) {
            edits.push(Edit::Set(key.into(), Value::String(config::scalar_text(value).unwrap_or_default())));
        }
    }
    // A page's `date` as folio reads it.
    if !matches!(s.kind, PageKind::Post | PageKind::Document) {
        if let Some(written) = s.front.get("date").and_then(config::scalar_text) {
            if let Some((d, rest)) = urls::leading_date(&written) {
                let normal = format!("{d}{rest}");
                if normal != written {
                    edits.push(Edit::Set("date".into(), Value::String(normal)));
                }
            }
        }
    }
    edits
}

/// The page's `permalink`, as [`decide_url`] decided it.
fn permalink_edits(s: &Source) -> Vec<Edit> {
    match &s.permalink {
        PermalinkAction::Derived => {
            if s.front.contains_key("permalink") {
                return vec![Edit::Remove("permalink".into())];
            }
        }
        PermalinkAction::Kept => {}
        PermalinkAction::Added | PermalinkAction::Rewritten(_) => {
            return vec![Edit::Set("permalink".into(), Value::String(s.url.clone()))];
        }
    }
    Vec::new()
}

/// Picks the page's URL: Jekyll's, with a `permalink` where folio would
/// derive another one from the file's place.
fn decide_url(s: &mut Source) {
    let url = folio_permalink(&s.jekyll_url);
    let derived = folio_url(Path::new(s.target.trim_start_matches("content/")));
    let own = s.front.get("permalink").and_then(config::scalar_text).filter(|p| !p.is_empty());
    s.permalink = match own {
        Some(p) if p == url => PermalinkAction::Kept,
        Some(p) => PermalinkAction::Rewritten(p),
        None if url == derived => PermalinkAction::Derived,
        None => PermalinkAction::Added,
    };
    let last = s.jekyll_url.rsplit('/').next().unwrap_or("");
    s.url_kept = url == s.jekyll_url || !last.contains('.');
    s.url = url;
}

/// What folio's own front matter reader refuses in the converted page:
/// the top-level key it is about (if any) and a warning pointing at that
/// key in the Jekyll file (or in `defaults`).
fn unreadable_key(s: &Source, text: &str, config: &JekyllConfig) -> Option<(Option<String>, Diagnostic)> {
    let shown = Path::new(&s.rel);
    let yaml_text = match front_matter::split(shown, text) {
        Ok(split) => split.yaml?,
        Err(d) => return Some((None, d)),
    };
    let d = front_matter::parse(shown, text, yaml_text).err()?;
    let line = d.location.as_deref().map_or(0, |l| l.line);
    // The top-level key whose block holds the reported line.
    let key = text
        .lines()
        .take(line)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|l| !l.starts_with([' ', '\t', '-', '#']) && l.contains(':'))
        .and_then(|l| l.split_once(':'))
        .map(|(k, _)| k.trim().trim_matches(['"', '\'']).to_string())
        .filter(|k| !k.is_empty() && k != "---");
    let location = match &key {
        Some(k) if s.front.contains_key(k.as_str()) => key_location(shown, &s.text, &s.yaml, k),
        Some(k) if s.defaults.contains_key(k.as_str()) => s
            .default_lines
            .first()
            .map(|&line| Location::at_line(&config.file, &config.text, line, 1))
            .unwrap_or_else(|| Location::file(shown)),
        _ => Location::file(shown),
    };
    let left_out = match &key {
        Some(k) => format!("`{k}` is left out: "),
        None => String::new(),
    };
    let help = d.help.clone().unwrap_or_default();
    let warning = Diagnostic::warning(format!("{left_out}{} (folio cannot read it)", d.message))
        .code(NOT_CARRIED_OVER)
        .at(location)
        .help(format!("{help}; correct it in the folio site (or in the Jekyll site and import again)"));
    Some((key, warning))
}

/// A top-level key of a whole YAML file, for warnings about it.
fn config_key_location(shown: &Path, text: &str, key: &str) -> Location {
    match yaml::key_position(text, key) {
        Some((line, column)) => Location::at_line(shown, text, line, column),
        None => Location::file(shown),
    }
}

fn key_location(shown: &Path, text: &str, yaml_text: &str, key: &str) -> Location {
    match yaml::key_position(yaml_text, key) {
        Some((line, column)) => Location::at_line(shown, text, line + 1, column),
        None => Location::file(shown),
    }
}

fn yaml_title(front_yaml: &str) -> Option<String> {
    front::parse_mapping(front_yaml)?.get("title").and_then(config::scalar_text)
}

/// `HH:MM:SS` after a date (`2021-06-01 10:30:00 +0200`), else zeros.
fn time_of(rest: &str) -> (String, String, String) {
    let time = rest.trim_start_matches([' ', 'T']);
    let mut parts = time.split([':', ' ', '+', 'Z', '-']).map(str::trim);
    let mut next = || {
        parts
            .next()
            .filter(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .map(|p| format!("{p:0>2}"))
            .unwrap_or_else(|| "00".into())
    };
    (next(), next(), next())
}

fn output_path(url: &str) -> String {
    crate::content::output_file(url).to_string_lossy().replace('\\', "/")
}

fn with_md_extension(rel: &str) -> String {
    match rel.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() && !stem.ends_with('/') => format!("{stem}.md"),
        _ => format!("{rel}.md"),
    }
}

fn file_name(rel: &str) -> String {
    rel.rsplit('/').next().unwrap_or(rel).to_string()
}

fn extension(path: &str) -> String {
    Path::new(path).extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

fn folder_title(source: &Path) -> String {
    source
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Site".into())
}

fn display_dir(rel: &str) -> String {
    if rel.is_empty() {
        "of the site".into()
    } else {
        format!("{rel}/")
    }
}

fn display_dir_or(rel: &str, is_dir: bool) -> String {
    if is_dir {
        format!("{rel}/")
    } else {
        rel.to_string()
    }
}

/// Jekyll's test (`Utils.has_yaml_header?`): the first line is `---`.
fn starts_with_front_matter(path: &Path) -> std::io::Result<bool> {
    let mut head = Vec::with_capacity(64);
    fs::File::open(path)?.take(64).read_to_end(&mut head)?;
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    let Some(rest) = head.strip_prefix(b"---") else { return Ok(false) };
    let line_end = rest.iter().position(|&b| b == b'\n');
    Ok(line_end.is_some_and(|end| rest[..end].iter().all(|b| b.is_ascii_whitespace())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(with_md_extension("about/team.markdown"), "about/team.md");
        assert_eq!(with_md_extension("contact.html"), "contact.md");
        assert_eq!(time_of(" 10:30:00 +0200"), ("10".into(), "30".into(), "00".into()));
        assert_eq!(time_of(""), ("00".into(), "00".into(), "00".into()));
        assert_eq!(output_path("/about/"), "about/index.html");
    }
}
