//! Reading the Jekyll site: the walk (as Jekyll's reader filters it),
//! pages and posts with their URLs and front matter, data files and files
//! to copy, and the checks that no two inputs land on one URL or file.

use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    errors: Vec<Diagnostic>,
    not_carried_over: Vec<Diagnostic>,
    skipped: Vec<Skipped>,
    /// Folders already listed, so that a link to a parent folder ends.
    visited: BTreeSet<PathBuf>,
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
        if let Ok(own) = crate::render::site_templates(&options.root) {
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
            errors: Vec::new(),
            not_carried_over,
            skipped: Vec::new(),
            visited: BTreeSet::new(),
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
        let entries = match read_sorted(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.errors.push(
                    Diagnostic::error(format!("cannot read the folder {}: {e}", display_dir(rel_dir)))
                        .at(Location::file(Path::new(rel_dir))),
                );
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
        let files =
            walkdir::WalkDir::new(full).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()).count();
        let location = Location::file(Path::new(&format!("{name}/")));
        let label = name.trim_start_matches('_');
        if name == "_data" {
            self.walk_data(full, name);
        } else if let Some((_, what, why)) = THEME_FOLDERS.iter().find(|(n, _, _)| *n == name) {
            self.not_carried(location, format!("{what} ({}) are not carried over: {why}", count(files, "file")), "");
        } else if name == "_drafts" {
            self.not_carried(
                location,
                format!("drafts ({}) are not imported", count(files, "file")),
                "give a draft a date and move it to _posts/ to import it; folio marks unpublished pages with `draft: true`",
            );
        } else if self.config.collections.iter().any(|c| c == label) {
            self.not_carried(
                location,
                format!("the documents of the collection `{label}` ({}) are not imported", count(files, "file")),
                format!("move them into an ordinary folder of pages (e.g. `{label}/`) in the Jekyll site and import again, or write them as pages in content/"),
            );
        } else {
            self.skip(&format!("{name}/"), "Jekyll does not publish folders starting with `_`");
        }
    }

    fn walk_data(&mut self, dir: &Path, rel_dir: &str) {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
            if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let inner = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            self.data.push((format!("{rel_dir}/{inner}"), entry.into_path()));
        }
    }

    /// `_posts/` (or `news/_posts/`): files named `YYYY-MM-DD-title.ext`.
    fn walk_posts(&mut self, dir: &Path, rel: &str, parent_rel: &str) {
        let categories: Vec<String> = parent_rel.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !entry.file_type().is_file() || name.starts_with(['.', '_', '#']) || name.ends_with('~') {
                continue;
            }
            let inner = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            let post_rel = format!("{rel}/{inner}");
            if urls::listed(&self.config.exclude, &post_rel, false) {
                self.skip(&post_rel, "excluded by `exclude` in _config.yml");
                continue;
            }
            let ext = extension(&name);
            let page_like = MARKDOWN_EXTENSIONS.contains(&ext.as_str()) || ext == "html";
            let dated = urls::leading_date(&name).filter(|(_, rest)| rest.starts_with('-'));
            match (page_like, dated) {
                (true, Some(_)) => self.read_post(post_rel, entry.path(), &categories, &inner),
                (true, None) => {
                    self.skip(&post_rel, "a post's file name must start with its date: YYYY-MM-DD-title.md")
                }
                (false, _) => self.skip(&post_rel, "not a post (only Markdown and HTML files in _posts/ are posts)"),
            }
        }
    }

    fn file(&mut self, rel: String, full: PathBuf) {
        let ext = extension(&rel);
        let markdown = MARKDOWN_EXTENSIONS.contains(&ext.as_str());
        let front = match starts_with_front_matter(&full) {
            Ok(f) => f,
            Err(e) => {
                self.errors
                    .push(Diagnostic::error(format!("cannot read {rel}: {e}")).at(Location::file(Path::new(&rel))));
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
        let bytes = match fs::read(full) {
            Ok(b) => b,
            Err(e) => {
                self.errors.push(Diagnostic::error(format!("cannot read {rel}: {e}")).at(Location::file(shown)));
                return None;
            }
        };
        let mut text = match crate::content::decode_utf8(shown, bytes) {
            Ok(t) => t,
            Err(d) => {
                self.errors.push(d);
                return None;
            }
        };
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        let split = match front_matter::split(shown, &text) {
            Ok(s) => s,
            Err(d) => {
                self.errors.push(d);
                return None;
            }
        };
        let Some(yaml_text) = split.yaml else {
            if front_required {
                self.errors.push(Diagnostic::error(format!("{rel} has no front matter")).at(Location::file(shown)));
                return None;
            }
            return Some((text, String::new(), false, 0, Mapping::new()));
        };
        let at = Embedded { file: shown, file_source: &text, lines_before: 1, what: "front matter" };
        let front = match yaml::parse::<Value>(yaml_text, at) {
            Ok(Value::Mapping(m)) => m,
            Ok(Value::Null) => Mapping::new(),
            Ok(_) => {
                self.errors.push(
                    Diagnostic::error("front matter is not a list of `key: value` lines")
                        .at(Location::at_line(shown, &text, 2, 1))
                        .help("write one key per line, such as `title: Sessions`"),
                );
                return None;
            }
            Err(d) => {
                self.errors.push(d);
                return None;
            }
        };
        let (yaml_owned, body_start) = (yaml_text.to_string(), split.body_start);
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
                self.errors.push(Diagnostic::error("`permalink` must be a path such as `/about/`").at(key_location(
                    Path::new(&rel),
                    &text,
                    &yaml_text,
                    "permalink",
                )));
                return;
            }
            _ => None,
        };
        let jekyll_url = urls::page_url(Path::new(&rel), permalink.as_deref(), &self.config.permalink);
        let target = if folio_permalink(&jekyll_url) == "/" {
            "content/_index.md".to_string()
        } else {
            format!("content/{}", with_md_extension(&rel))
        };
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
        });
    }

    fn read_post(&mut self, rel: String, full: &Path, path_categories: &[String], inner: &str) {
        let Some((text, yaml_text, has_front, body_start, front)) = self.read_text(&rel, full, false) else { return };
        let shown = Path::new(&rel);
        let (defaults, sets) = self.config.defaults_for(&rel, "posts");
        let default_lines = sets.iter().map(|s| s.line).collect();
        let mut merged = defaults.clone();
        config::deep_merge(&mut merged, &front);
        let name = Path::new(&rel).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let Some((file_date, rest)) = urls::leading_date(&name) else { return };
        let file_slug = rest.trim_start_matches('-').to_string();
        let text_of = |key: &str| merged.get(key).and_then(config::scalar_text).filter(|s| !s.is_empty());
        let mut edits = Vec::new();
        let (date, time) = match text_of("date") {
            None => {
                edits.push(Edit::Set("date".into(), Value::String(iso(file_date))));
                (file_date, ("00".to_string(), "00".to_string(), "00".to_string()))
            }
            Some(written) => match urls::leading_date(&written) {
                Some((d, rest)) => {
                    let time = time_of(rest);
                    let normal = format!("{}{rest}", iso(d));
                    if normal != written {
                        edits.push(Edit::Set("date".into(), Value::String(normal)));
                    }
                    (d, time)
                }
                None => {
                    self.errors.push(
                        Diagnostic::error(format!("`date` is not a date: `{written}`"))
                            .at(key_location(shown, &text, &yaml_text, "date"))
                            .help("write the date as YYYY-MM-DD, optionally with a time: `date: 2021-06-01 10:00:00 +0200`"),
                    );
                    return;
                }
            },
        };
        let slug = text_of("slug").unwrap_or_else(|| file_slug.clone());
        if text_of("title").is_none() {
            edits.push(Edit::Set("title".into(), Value::String(urls::titleize_slug(&slug))));
        }
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
        let permalink = text_of("permalink");
        let facts = PostFacts { date, time, slug, name, categories };
        let jekyll_url = match urls::post_url(&facts, permalink.as_deref(), &self.config.permalink) {
            Ok(url) => url,
            Err(why) => {
                let location = if permalink.is_some() {
                    key_location(shown, &text, &yaml_text, "permalink")
                } else {
                    self.config.location("permalink")
                };
                self.errors.push(
                    Diagnostic::error(format!("cannot compute the URL of {rel}: {why}")).at(location).help(
                        "use Jekyll's placeholders: :year, :month, :day, :title, :slug, :categories, :output_ext",
                    ),
                );
                return;
            }
        };
        let prefix = path_categories.join("/");
        let target = if prefix.is_empty() {
            format!("content/posts/{}", with_md_extension(inner))
        } else {
            format!("content/posts/{prefix}/{}", with_md_extension(inner))
        };
        self.sources.push(Source {
            rel,
            kind: PageKind::Post,
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
        });
    }

    /// Decides URLs, converts bodies and front matter, checks that no two
    /// files land on one URL or one path, and lists what to write.
    pub(super) fn finish(mut self) -> Result<JekyllImport, Diagnostics> {
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
        let mut files = Vec::new();
        let mut statics: HashMap<String, PathBuf> = HashMap::new();
        for (rel, full) in std::mem::take(&mut self.statics) {
            statics.insert(rel.clone(), full);
            let (target, url) = match rel.strip_prefix("assets/") {
                Some(_) => (rel.clone(), format!("/{rel}")),
                None => (format!("content/{rel}"), crate::index::asset_url(Path::new(&rel))),
            };
            let jekyll_url = format!("/{rel}");
            by_path.insert(rel.clone(), url.clone());
            files.push(CopiedFile { url_kept: url == jekyll_url, source: rel, target, jekyll_url, url });
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
            let ignored = Path::new(&f.target).components().any(|c| crate::content::is_ignored(c.as_os_str()));
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

        // Collisions: two inputs on one URL, or on one file of the folio site.
        let mut outputs: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let mut targets: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for s in &self.sources {
            outputs.entry(output_path(&s.url)).or_default().push((s.rel.clone(), s.url.clone()));
            targets.entry(s.target.clone()).or_default().push(s.rel.clone());
        }
        if !self.sources.iter().any(|s| s.url == "/") {
            // folio writes a home page of its own when no page is at `/`.
            outputs.entry("index.html".into()).or_default().push((HOME.into(), "/".into()));
        }
        for f in &files {
            outputs
                .entry(f.url.trim_start_matches('/').to_string())
                .or_default()
                .push((f.source.clone(), f.url.clone()));
            targets.entry(f.target.clone()).or_default().push(f.source.clone());
        }
        for claims in outputs.values() {
            if let [(first, url), rest @ ..] = claims.as_slice() {
                for (other, _) in rest {
                    self.errors.push(
                        Diagnostic::error(format!("{first} and {other} would both be published at {url}"))
                            .at(Location::file(Path::new(other)))
                            .help(if first == HOME {
                                "give the file front matter (a `---` line, then `---`) to make it the home page, or write an index.md"
                            } else {
                                "Jekyll wrote only one of them too: give one a different `permalink`, rename it, or exclude it in _config.yml"
                            }),
                    );
                }
            }
        }
        for (target, claims) in &targets {
            if let [first, rest @ ..] = claims.as_slice() {
                for other in rest {
                    self.errors.push(
                        Diagnostic::error(format!("{first} and {other} would both be written to {target}"))
                            .at(Location::file(Path::new(other)))
                            .help(
                                "rename one of them in the Jekyll site (their URLs can stay the same with `permalink`)",
                            ),
                    );
                }
            }
        }

        let base_path = self.config.base_path.clone();
        let links = body::Links { by_path: &by_path, posts: &posts, base_path: &base_path };
        let mut planned = Vec::new();
        let mut pages = Vec::new();
        let mut rewrites = Vec::new();
        let mut sources = std::mem::take(&mut self.sources);
        sources.sort_by(|a, b| a.rel.cmp(&b.rel));
        for mut s in sources {
            let shown = PathBuf::from(&s.rel);
            let converted = body::convert(&shown, &s.text, s.body_start, s.kind == PageKind::Html, links);
            rewrites.extend(converted.rewrites);
            self.not_carried_over.extend(converted.not_carried_over);
            let front_yaml = self.front_matter(&mut s, converted.toc);
            let text = format!("---\n{front_yaml}---\n{}", converted.text);
            if let Err(d) = validate(&s, &text, &self.config) {
                self.errors.push(d);
                continue;
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

        let mut data_files = Vec::new();
        for (rel, full) in std::mem::take(&mut self.data) {
            if let Some((file, text)) = self.data_file(&rel, &full) {
                planned.push(PlannedFile { target: file.target.clone(), content: PlannedContent::Text(text) });
                data_files.push(file);
            }
        }
        for f in &files {
            planned.push(PlannedFile {
                target: f.target.clone(),
                content: PlannedContent::Copy(statics[&f.source].clone()),
            });
        }
        let site_yaml = self.site_yaml(pages.iter().any(|p| p.url.ends_with(".html")));
        match &site_yaml {
            Ok(text) => planned.push(PlannedFile {
                target: crate::config::CONFIG_FILE.into(),
                content: PlannedContent::Text(text.clone()),
            }),
            Err(d) => self.errors.push(d.clone()),
        }
        if !self.errors.is_empty() {
            let mut errors = Diagnostics { items: self.errors };
            errors.sort();
            return Err(errors);
        }
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
        Ok(JekyllImport {
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
            files,
            rewrites,
            not_carried_over,
            skipped: self.skipped,
            planned,
        })
    }

    /// The page's front matter, with what `defaults`, the permalink style
    /// and the body asked for written out.
    fn front_matter(&mut self, s: &mut Source, toc: bool) -> String {
        let shown = PathBuf::from(&s.rel);
        let mut edits = std::mem::take(&mut s.edits);
        let in_file = |key: &str| s.front.contains_key(key);
        let mut merged = s.defaults.clone();
        config::deep_merge(&mut merged, &s.front);
        // `defaults`, written out: folio has no such mechanism.
        for key in s.defaults.keys() {
            let Some(name) = key.as_str() else { continue };
            if matches!(name, "permalink" | "published" | "layout") {
                continue;
            }
            if !in_file(name) || merged.get(name) != s.front.get(name) {
                edits.push(Edit::Set(name.to_string(), merged[name].clone()));
            }
        }
        // `layout`: kept when folio has the template.
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
        // `published: false` -> `draft: true`.
        if let Some(published) = merged.get("published") {
            if in_file("published") {
                edits.push(Edit::Remove("published".into()));
            }
            if published.as_bool() == Some(false) {
                edits.push(Edit::Set("draft".into(), Value::Bool(true)));
                s.draft = true;
            }
        }
        if let Some(Value::Bool(true)) = merged.get("draft") {
            s.draft = true;
        }
        // `redirect_from` (jekyll-redirect-from): old URLs are lost.
        if let Some(from) = merged.get("redirect_from") {
            let urls = config::string_list(from).unwrap_or_default();
            self.not_carried(
                key_location(&shown, &s.text, &s.yaml, "redirect_from"),
                format!(
                    "`redirect_from` ({}) is not carried over: folio does not write redirect pages",
                    urls.join(", ")
                ),
                "configure these redirects in the web server, or keep the key for later: it stays in the front matter",
            );
        }
        if toc && !in_file("toc") {
            edits.push(Edit::Set("toc".into(), Value::Bool(true)));
        }
        // Text keys folio reads as text: numbers and booleans become text.
        for key in ["title", "description", "lang", "height", "background", "imageLicense"] {
            if let Some(value @ (Value::Number(_) | Value::Bool(_))) = s.front.get(key) {
                edits.push(Edit::Set(key.into(), Value::String(config::scalar_text(value).unwrap_or_default())));
            }
        }
        // A page's `date` as folio reads it.
        if s.kind != PageKind::Post {
            if let Some(written) = s.front.get("date").and_then(config::scalar_text) {
                if let Some((d, rest)) = urls::leading_date(&written) {
                    let normal = format!("{}{rest}", iso(d));
                    if normal != written {
                        edits.push(Edit::Set("date".into(), Value::String(normal)));
                    }
                }
            }
        }
        match &s.permalink {
            PermalinkAction::Derived => {
                if in_file("permalink") {
                    edits.push(Edit::Remove("permalink".into()));
                }
            }
            PermalinkAction::Kept => {}
            PermalinkAction::Added | PermalinkAction::Rewritten(_) => {
                edits.push(Edit::Set("permalink".into(), Value::String(s.url.clone())));
            }
        }
        let yaml_text = front::apply(&s.yaml, &s.front, &edits);
        if !s.has_front && yaml_text.is_empty() {
            return String::new();
        }
        yaml_text
    }

    fn data_file(&mut self, rel: &str, full: &Path) -> Option<(DataFile, String)> {
        let inner = rel.strip_prefix("_data/").unwrap_or(rel);
        let ext = extension(rel);
        let shown = Path::new(rel);
        let read = |errors: &mut Vec<Diagnostic>| -> Option<String> {
            let bytes = fs::read(full)
                .map_err(|e| Diagnostic::error(format!("cannot read {rel}: {e}")).at(Location::file(shown)))
                .and_then(|b| crate::content::decode_utf8(shown, b));
            match bytes {
                Ok(t) => Some(t.trim_start_matches('\u{feff}').to_string()),
                Err(d) => {
                    errors.push(d);
                    None
                }
            }
        };
        match ext.as_str() {
            "yml" | "yaml" => {
                let text = read(&mut self.errors)?;
                let at = Embedded { file: shown, file_source: &text, lines_before: 0, what: "data file" };
                if let Err(d) = yaml::parse::<Value>(&text, at) {
                    self.errors.push(d);
                    return None;
                }
                let file = DataFile { source: rel.to_string(), target: format!("data/{inner}"), converted: false };
                Some((file, text))
            }
            "json" => {
                let text = read(&mut self.errors)?;
                let value: serde_json::Value = match serde_json::from_str(&text) {
                    Ok(v) => v,
                    Err(e) => {
                        self.errors.push(
                            Diagnostic::error(format!("invalid JSON in data file: {e}"))
                                .at(Location::at_line(shown, &text, e.line(), e.column()))
                                .help("check the commas, brackets and quotes around this place"),
                        );
                        return None;
                    }
                };
                let target = format!("data/{}.yml", inner.trim_end_matches(".json"));
                let yaml_text = format!("# Converted from {rel} by folio import jekyll\n{}", yaml::to_string(&value));
                Some((DataFile { source: rel.to_string(), target, converted: true }, yaml_text))
            }
            _ => {
                let help = if ext == "csv" || ext == "tsv" {
                    "folio reads YAML data files only: convert it to a YAML list (one `- column: value` item per row)"
                } else {
                    "folio reads YAML data files only"
                };
                self.not_carried(
                    Location::file(shown),
                    "a data file folio cannot read is not carried over (folio reads .yml and .yaml; JSON is converted)"
                        .to_string(),
                    help,
                );
                None
            }
        }
    }

    /// site.yaml: `_config.yml`'s settings folio knows, `extra` for the
    /// rest, and what keeps the pages working as Jekyll served them:
    /// `implicit_html` when pages were published as `.html` files (the
    /// host answered `/schedule` with `schedule.html`), `liquid`.
    fn site_yaml(&self, html_urls: bool) -> Result<String, Diagnostic> {
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
        if let Some(lang) = config.lang.as_ref().filter(|l| !l.trim().is_empty()) {
            map.insert("language".into(), Value::String(lang.clone()));
        }
        if html_urls {
            map.insert("implicit_html".into(), Value::Bool(true));
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

/// Checks the converted page with folio's own front matter parser; an
/// error points at the key in the Jekyll file (or in `defaults`).
fn validate(s: &Source, text: &str, config: &JekyllConfig) -> Result<(), Diagnostic> {
    let shown = Path::new(&s.rel);
    let split = front_matter::split(shown, text)?;
    let Some(yaml_text) = split.yaml else { return Ok(()) };
    let Err(d) = front_matter::parse(shown, text, yaml_text) else { return Ok(()) };
    let line = d.location.as_deref().map_or(0, |l| l.line);
    let key = text
        .lines()
        .nth(line.saturating_sub(1))
        .and_then(|l| l.split_once(':'))
        .map(|(k, _)| k.trim().to_string())
        .filter(|k| !k.is_empty() && !k.starts_with(' '));
    let location = match key {
        Some(k) if s.front.contains_key(k.as_str()) => key_location(shown, &s.text, &s.yaml, &k),
        Some(k) if s.defaults.contains_key(k.as_str()) => s
            .default_lines
            .first()
            .map(|&line| Location::at_line(&config.file, &config.text, line, 1))
            .unwrap_or_else(|| Location::file(shown)),
        _ => Location::file(shown),
    };
    let help = d.help.clone().unwrap_or_default();
    Err(Diagnostic::error(format!("{} (folio cannot read it)", d.message))
        .at(location)
        .help(format!("{help}; correct it in the Jekyll site and import again")))
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

fn iso(d: (i16, i8, i8)) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
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

fn read_sorted(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut entries: Vec<(String, PathBuf)> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    entries.sort();
    Ok(entries)
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
