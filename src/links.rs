//! Links: resolving what authors write (`@/path.md#anchor`, relative `.md`
//! paths, files beside the page, site-absolute URLs, `#anchor`) to the URLs
//! the site has, and checking every internal link and anchor against the
//! pages and ids that were really written.

use std::cell::Cell;
use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;
use std::sync::OnceLock;

use crate::config::AppRoute;
use crate::diagnostics::{Diagnostic, Location, Place, Severity};
use crate::html_scan::Scanned;
use crate::index::{join_inside, SiteIndex};
use crate::urls;

pub const PLACEHOLDER: &str = "placeholder-link";
pub const BROKEN_LINK: &str = "broken-link";
pub const BROKEN_ANCHOR: &str = "broken-anchor";
/// A page's card image (`image`, `background`) or `social_image` that the
/// site does not publish: as serious as a broken link.
pub const CARD_IMAGE_MISSING: &str = "card-image-missing";
pub const UNKNOWN_ACTIVITY: &str = "unknown-activity";

/// An internal link found in a page's Markdown, kept for the check that runs
/// once every page is rendered.
#[derive(Debug, Clone)]
pub struct InternalLink {
    /// URL path from the site root, decoded: `/nodes/gbif-cas/`; empty for `#anchor` on the same page.
    pub path: String,
    pub anchor: Option<String>,
    /// As the author wrote it.
    pub written: String,
    /// Where it is written in its page's file.
    pub location: Place,
    /// Already reported while resolving (a missing content file): the
    /// check of the HTML must not report it again.
    pub reported: bool,
}

/// An image a page's Markdown shows, kept for `folio check` (alt text,
/// size) and so that a rebuild knows which files the page depends on.
#[derive(Debug, Clone)]
pub struct ImageUse {
    /// As the author wrote it.
    pub written: String,
    pub place: Place,
    /// Whether it has alt text.
    pub has_alt: bool,
    /// The file, when it is one of the site's own images.
    pub source: Option<std::path::PathBuf>,
}

/// A file's name and text, for turning a [`Place`] into a [`Location`].
#[derive(Debug, Clone, Copy)]
pub struct SourceText<'a> {
    pub file: &'a Path,
    pub text: &'a str,
}

/// Resolves the links of one page while its Markdown renders.
pub struct LinkResolver<'a> {
    pub index: &'a SiteIndex,
    /// The page's file, for the positions of problems.
    pub source: SourceText<'a>,
    /// The page's file inside `content/`.
    pub source_rel: &'a Path,
    /// The page's URL path, for relative links.
    pub page_url: &'a str,
    pub base_path: &'a str,
    pub links: Vec<InternalLink>,
    /// Links that leave the site (`https:`, `mailto:`, …), for `folio check`.
    pub external: Vec<(String, Place)>,
    /// Images the page shows.
    pub images: Vec<ImageUse>,
    pub diagnostics: Vec<Diagnostic>,
    /// Severity of broken links (`Warning` under `--no-strict`).
    pub broken: Severity,
    /// For pages of a programme: its activities, id -> URL path, so that
    /// "Activity 3.1" in the text links to that activity of the same year.
    pub activities: Option<&'a HashMap<String, String>>,
    /// The page's language: a link to a page goes to its version in it.
    pub lang: crate::languages::LangId,
}

/// Which version of a page a link asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version<'q> {
    /// The one in the linking page's language, else the file itself.
    Same,
    /// `?lang=es`: the one in that language, which must exist.
    Forced(&'q str),
}

/// `lang=es` in a link's query.
fn version_asked(query: Option<&str>) -> Version<'_> {
    query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|pair| pair.strip_prefix("lang="))
        .map_or(Version::Same, Version::Forced)
}

impl<'a> LinkResolver<'a> {
    pub fn new(
        index: &'a SiteIndex,
        source_rel: &'a Path,
        source: SourceText<'a>,
        page_url: &'a str,
        base_path: &'a str,
        broken: Severity,
    ) -> Self {
        LinkResolver {
            index,
            source,
            source_rel,
            page_url,
            base_path,
            links: Vec::new(),
            external: Vec::new(),
            images: Vec::new(),
            diagnostics: Vec::new(),
            broken,
            activities: None,
            lang: crate::languages::DEFAULT,
        }
    }

    /// The line and column of `place` in this page's file.
    pub fn location_of(&self, place: Place) -> Location {
        place.resolve(self.source.file, self.source.text)
    }

    pub fn has_activities(&self) -> bool {
        self.activities.is_some()
    }

    /// The URL to write for a mention of activity `id`, recorded like a link;
    /// `None` (and a warning) when the programme has no such activity.
    pub fn activity(&mut self, id: &str, location: impl FnOnce() -> Place) -> Option<String> {
        let url = self.activities?.get(id).cloned();
        let Some(url) = url else {
            let known: Vec<String> = self.activities.map(|a| a.keys().cloned().collect()).unwrap_or_default();
            // Ids are short: only a one-character slip is a likely typo.
            let help = match closest_within(id, known, 1) {
                Some(s) => format!("did you mean Activity {s}? The text is left without a link"),
                None => "check the number; the text is left without a link".to_string(),
            };
            self.diagnostics.push(
                Diagnostic::warning(format!("reference to Activity {id}, which this programme does not have"))
                    .code(UNKNOWN_ACTIVITY)
                    .at(self.location_of(location()))
                    .help(help),
            );
            return None;
        };
        self.record(url.clone(), None, &format!("Activity {id}"), location());
        Some(urls::site_url(self.base_path, &url))
    }

    /// The URL to write for `dest`; records the link for checking, or a
    /// diagnostic when it cannot resolve.
    pub fn resolve(&mut self, dest: &str, location: impl FnOnce() -> Place) -> String {
        let dest = dest.trim();
        if dest.is_empty() || dest == "#" {
            self.diagnostics.push(
                Diagnostic::warning(format!("placeholder link `{}`", if dest.is_empty() { "()" } else { "(#)" }))
                    .code(PLACEHOLDER)
                    .at(self.location_of(location()))
                    .help("replace it with the page or URL it should point to, or remove the link"),
            );
            return dest.to_string();
        }
        if urls::is_external(dest) {
            self.external.push((dest.to_string(), location()));
            return dest.to_string();
        }
        let (path_part, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(urls::decode_path(a))),
            None => (dest, None),
        };
        if let Some(file) = path_part.strip_prefix("@/") {
            let (file, query) = split_query(file);
            let version = version_asked(query);
            return self.link_to_content_file(Path::new(&urls::decode_path(file)), anchor, dest, location, version);
        }
        if path_part.is_empty() {
            self.record(String::new(), anchor, dest, location());
            return format!("#{}", urls::encode_path(anchor_text(dest)));
        }
        if path_part.starts_with('/') {
            let (path, _query) = split_query(path_part);
            self.record(without_dot_segments(&urls::decode_path(path)), anchor, dest, location());
            return urls::site_url(self.base_path, dest);
        }
        // Relative: a Markdown file or a file beside this one in content/.
        let (path, query) = split_query(path_part);
        let dir = self.source_rel.parent().unwrap_or(Path::new(""));
        let decoded = urls::decode_path(path);
        let is_markdown = decoded.ends_with(".md");
        if let Some(rel) = join_inside(dir, &decoded) {
            if is_markdown || self.index.url_of(&rel).is_some() {
                return self.link_to_content_file(&rel, anchor, dest, location, version_asked(query));
            }
        }
        // Otherwise the browser resolves it against the page's URL.
        let target = resolve_relative(self.page_url, &decoded);
        self.record(target, anchor, dest, location());
        urls::encode_path(dest)
    }

    /// Like [`resolve`](Self::resolve), and also the target's path from the
    /// site's root, decoded (`/assets/a b.jpg`), when it is inside the site.
    pub fn resolve_with_path(&mut self, dest: &str, location: impl FnOnce() -> Place) -> (String, Option<String>) {
        let before = self.links.len();
        let url = self.resolve(dest, location);
        let path = self.links.get(before..).and_then(|new| new.last()).map(|l| l.path.clone());
        (url, path.filter(|p| p.starts_with('/')))
    }

    fn link_to_content_file(
        &mut self,
        rel: &Path,
        anchor: Option<String>,
        written: &str,
        location: impl FnOnce() -> Place,
        version: Version<'_>,
    ) -> String {
        let url = match version {
            Version::Same => self.index.version_in(rel, self.lang).or_else(|| self.index.url_of(rel)),
            Version::Forced(code) => match self.forced_version(rel, code, written) {
                Ok(url) => url,
                Err(d) => {
                    self.diagnostics.push(d.at(self.location_of(location())));
                    return written.to_string();
                }
            },
        };
        let Some(url) = url else {
            let location = location();
            let wanted = rel.to_string_lossy();
            let suggestion = closest(&wanted, self.index.sources().map(|p| p.to_string_lossy().into_owned()));
            let help = match suggestion {
                Some(s) => format!("did you mean `@/{s}`? Paths are relative to content/"),
                None => "link to a file inside content/, e.g. `@/nodes/gbif-cas.md`".to_string(),
            };
            self.diagnostics.push(
                Diagnostic::with_severity(
                    self.broken,
                    format!("broken link `{written}`: there is no content/{wanted}"),
                )
                .code(BROKEN_LINK)
                .at(self.location_of(location.clone()))
                .help(help),
            );
            if let Some((path, anchor)) = internal_target(written, self.page_url, self.base_path) {
                self.links.push(InternalLink { path, anchor, written: written.to_string(), location, reported: true });
            }
            return written.to_string();
        };
        let url = url.to_string();
        self.record(url.clone(), anchor.clone(), written, location());
        let mut out = urls::site_url(self.base_path, &url);
        if let Some(anchor) = anchor {
            out.push('#');
            out.push_str(&urls::encode_path(&anchor));
        }
        out
    }

    /// The URL of `rel`'s version in language `code` (`?lang=code`); `None`
    /// when there is no such file (reported by the caller), an error when
    /// the site has no such language or the page no version in it.
    fn forced_version(&self, rel: &Path, code: &str, written: &str) -> Result<Option<&'a str>, Diagnostic> {
        let index = self.index;
        let Some(lang) = index.language_codes.iter().position(|c| c.eq_ignore_ascii_case(code)) else {
            let codes: Vec<String> = index.language_codes.iter().map(|c| format!("`{c}`")).collect();
            return Err(Diagnostic::with_severity(
                self.broken,
                format!("broken link `{written}`: the site has no language `{code}`"),
            )
            .code(BROKEN_LINK)
            .help(format!("write one of the site's languages: {}", codes.join(", "))));
        };
        if index.url_of(rel).is_none() {
            return Ok(None);
        }
        // A site of one language: every page is in it.
        let own = index.versions.get(rel).map_or(Some(index.url_of(rel)), |_| None).flatten();
        match index.version_in(rel, lang).or(own) {
            Some(url) => Ok(Some(url)),
            None => {
                let have: Vec<String> = index
                    .versions
                    .get(rel)
                    .into_iter()
                    .flatten()
                    .map(|(l, _)| format!("`{}`", index.language_codes[*l]))
                    .collect();
                Err(Diagnostic::with_severity(
                    self.broken,
                    format!("broken link `{written}`: content/{} has no `{code}` version", rel.display()),
                )
                .code(BROKEN_LINK)
                .help(format!("it is written in {}; link to one of those, or translate it", have.join(", "))))
            }
        }
    }

    fn record(&mut self, path: String, anchor: Option<String>, written: &str, location: Place) {
        let anchor = anchor.filter(|a| !a.is_empty());
        self.links.push(InternalLink { path, anchor, written: written.to_string(), location, reported: false });
    }
}

fn anchor_text(dest: &str) -> &str {
    dest.split_once('#').map_or("", |(_, a)| a)
}

fn split_query(path: &str) -> (&str, Option<&str>) {
    match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    }
}

/// A site-absolute path as a browser requests it: `/../../a/./b` -> `/a/b`.
fn without_dot_segments(path: &str) -> String {
    if path.contains("/.") {
        resolve_relative("/", path)
    } else {
        path.to_string()
    }
}

/// `sessions/` against `/meetings/2021/` -> `/meetings/2021/sessions/`.
pub fn resolve_relative(page_url: &str, rel: &str) -> String {
    let base = &page_url[..page_url.rfind('/').map_or(0, |i| i + 1)];
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let trailing = rel.ends_with('/') || rel.ends_with("/.") || rel.ends_with("/..") || rel == "." || rel == "..";
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut url = format!("/{}", parts.join("/"));
    if trailing && !url.ends_with('/') {
        url.push('/');
    }
    url
}

/// How the site's host answered URLs beyond its files, from site.yaml:
/// `implicit_html` (`/a` also finds `a.html`) and `app_routes` (prefixes
/// an application on the same host answered).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostRules {
    pub implicit_html: bool,
    pub app_routes: Vec<AppRoute>,
}

impl HostRules {
    pub fn of(config: &crate::config::SiteConfig) -> HostRules {
        HostRules { implicit_html: config.implicit_html, app_routes: config.app_routes.clone() }
    }
}

/// The site's output paths as text (`a/b/index.html`), for lookups that
/// are quick when made for every link of every page.
pub struct OutputPaths<'a> {
    paths: FxHashSet<&'a str>,
    host: &'a HostRules,
    /// Built on the first broken link, once for all of them.
    suggestions: OnceLock<Suggestions>,
}

impl<'a> OutputPaths<'a> {
    /// The paths of every file of the site (`SiteOutput::paths`), and how
    /// its host answers other URLs (`SiteOutput::host`).
    pub fn new(paths: impl Iterator<Item = &'a Path>, host: &'a HostRules) -> OutputPaths<'a> {
        OutputPaths { paths: paths.filter_map(Path::to_str).collect(), host, suggestions: OnceLock::new() }
    }

    /// The site's URLs, indexed for "did you mean".
    pub fn suggestions(&self) -> &Suggestions {
        self.suggestions.get_or_init(|| Suggestions::new(self.paths.iter().filter_map(|p| site_path_of(Path::new(p)))))
    }

    pub fn contains(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    pub fn iter(&self) -> impl Iterator<Item = &&'a str> {
        self.paths.iter()
    }
}

/// What answers a URL path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Served {
    /// A file of the output; `redirect`: a server sends `/a` to `/a/`
    /// first (the file is `a/index.html`).
    File { file: String, redirect: bool },
    /// An application on the same host (`app_routes`), through the output
    /// file of the route's page when it has one.
    App { page: Option<String> },
}

impl Served {
    /// The output file whose bytes answer, if the site has one.
    pub fn file(&self) -> Option<&str> {
        match self {
            Served::File { file, .. } => Some(file),
            Served::App { page } => page.as_deref(),
        }
    }
}

/// What answers the site path `path` in the output, if anything.
pub fn output_path_of(path: &str, output: &OutputPaths<'_>) -> Option<Served> {
    served_file(path, |p| output.contains(p), output.host)
}

/// How a URL path is answered. `/a/` -> `a/index.html`; `/a` -> `a`, else
/// a redirect to `a/` (`a/index.html`). With `implicit_html` (as GitHub
/// Pages and Netlify answered Jekyll sites), `/a` and `/a/` also find
/// `a.html` when the folder has no page. A path no file answers, below
/// one of the `app_routes`, is the application's.
pub fn served_file(path: &str, exists: impl Fn(&str) -> bool, host: &HostRules) -> Option<Served> {
    if let Some(served) = file_of(path, &exists, host.implicit_html) {
        return Some(served);
    }
    let rooted = format!("/{}", path.trim_start_matches('/'));
    let route = host.app_routes.iter().find(|r| r.answers(&rooted))?;
    let page = route.page.as_deref().and_then(|page| file_of(page, &exists, host.implicit_html));
    Some(Served::App { page: page.and_then(|p| p.file().map(str::to_string)) })
}

// Asked for every URL of every page and every Markdown link: the names
// tried are joined with `concat` (one allocation of the right size, where
// `format!` grew its string), and `a.html` only when the host would answer it.
fn file_of(path: &str, exists: &impl Fn(&str) -> bool, implicit_html: bool) -> Option<Served> {
    let trimmed = path.trim_start_matches('/');
    let found = |file: String, redirect: bool| Some(Served::File { file, redirect });
    let html = |stem: &str| {
        if !implicit_html || stem.is_empty() {
            return None;
        }
        let file = [stem, ".html"].concat();
        if exists(&file) {
            found(file, false)
        } else {
            None
        }
    };
    if trimmed.is_empty() || trimmed.ends_with('/') {
        let p = [trimmed, "index.html"].concat();
        return if exists(&p) { found(p, false) } else { html(trimmed.trim_end_matches('/')) };
    }
    if exists(trimmed) {
        return found(trimmed.to_string(), false);
    }
    let index = [trimmed, "/index.html"].concat();
    if exists(&index) {
        return found(index, true);
    }
    html(trimmed)
}

/// One page as written, for checking the links in its HTML.
pub struct PageLinks<'a> {
    /// The page's file in the output (`a/b/index.html`).
    pub output: &'a Path,
    /// The page's URL path (`/a/b/`).
    pub url: &'a str,
    /// The Markdown file it came from.
    pub doc: &'a crate::content::Document,
    /// What its HTML holds.
    pub scan: &'a Scanned,
    /// The links of its Markdown, which know their line and column.
    pub markdown: &'a [InternalLink],
}

/// Checks every internal URL in a page's HTML (from its Markdown or its
/// template): the target must be in the output (or below one of the host's
/// `app_routes`), and an anchor must be an id the target page really has
/// (ids from headings and from templates alike). Problems in the Markdown
/// are reported at their line and column. A "did you mean" is worked out
/// only for a link that is not `known` to be broken already (file, link as
/// written): a listed link is reported with the list's own advice.
pub fn check(
    page: &PageLinks<'_>,
    base_path: &str,
    output: &OutputPaths<'_>,
    ids: &FxHashMap<&str, FxHashSet<&str>>,
    severity: Severity,
    known: &dyn Fn(&Path, &str) -> bool,
) -> Vec<Diagnostic> {
    // Markdown links by target, in order, with how many the HTML used up, so
    // that each occurrence in the HTML takes the next one's position. Keyed
    // by the links' own text (no copies), looked up without `&mut` (which
    // would tie the keys read to the links' lifetime).
    let mut written_at: FxHashMap<(&str, Option<&str>), WrittenLinks> =
        FxHashMap::with_capacity_and_hasher(page.markdown.len(), Default::default());
    for link in page.markdown {
        written_at.entry((&link.path, link.anchor.as_deref())).or_default().links.push(link);
    }
    let mut problems = Vec::new();
    for url in page.scan.urls() {
        let Some((path, anchor)) = internal_target(url.url, page.url, base_path) else { continue };
        let from_markdown = written_at.get(&(path.as_str(), anchor.as_deref())).and_then(WrittenLinks::next);
        if from_markdown.is_some_and(|link| link.reported) {
            continue;
        }
        // Worked out only for the links that turn out broken.
        let described = || match from_markdown {
            Some(link) => (page.doc.locate(&link.location), link.written.clone(), String::new()),
            None => (
                Location::file(&page.doc.source),
                url.url.to_string(),
                format!(" (in the HTML of {}, from its template)", page.doc.source.display()),
            ),
        };
        let own = page.output.to_str().unwrap_or_default();
        let target = if path.is_empty() {
            Some(Served::File { file: own.to_string(), redirect: false })
        } else {
            output_path_of(&path, output)
        };
        let target = match target {
            // The application checks its own URLs and anchors.
            Some(Served::App { .. }) => continue,
            Some(Served::File { file, .. }) => file,
            None => {
                let (location, written, origin) = described();
                let help = if known(&page.doc.source, &written) {
                    None
                } else {
                    Some(match output.suggestions().closest(&path) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "check the URL; site-absolute links start at the site root".to_string(),
                    })
                };
                let mut d = Diagnostic::with_severity(
                    severity,
                    format!("broken link `{written}`: nothing in the site is at {path}{origin}"),
                )
                .code(BROKEN_LINK)
                .at(location);
                if let Some(help) = help {
                    d = d.help(help);
                }
                problems.push(d);
                continue;
            }
        };
        let Some(anchor) = anchor else { continue };
        let Some(page_ids) = ids.get(target.as_str()) else { continue };
        if page_ids.contains(anchor.as_str()) {
            continue;
        }
        let (location, written, origin) = described();
        let where_ = if path.is_empty() { "this page".to_string() } else { path.clone() };
        let mut d = Diagnostic::with_severity(
            severity,
            format!("broken anchor `{written}`: {where_} has no id `{anchor}`{origin}"),
        )
        .code(BROKEN_ANCHOR)
        .at(location);
        if !known(&page.doc.source, &written) {
            d = d.help(match closest(&anchor, page_ids.iter().map(|id| id.to_string())) {
                Some(s) => format!("did you mean `#{s}`?"),
                None => {
                    format!("{where_} has no id like that; link to one of its headings, or add `{{#{anchor}}}` to one")
                }
            });
        }
        problems.push(d);
    }
    problems
}

/// The other pages (output paths) whose ids [`check`] looks at for `page`:
/// the targets of its URLs with an anchor. A page's check changes with
/// these pages' ids, with its own HTML and Markdown, and with the set of
/// output paths, and with nothing else.
pub fn anchor_targets(page: &PageLinks<'_>, base_path: &str, output: &OutputPaths<'_>) -> Vec<String> {
    let own = page.output.to_str().unwrap_or_default();
    let mut targets: Vec<String> = page
        .scan
        .urls()
        .filter(|url| url.url.contains('#') && !url.url.starts_with('#'))
        .filter_map(|url| internal_target(url.url, page.url, base_path))
        .filter(|(path, anchor)| anchor.is_some() && !path.is_empty())
        .filter_map(|(path, _)| match output_path_of(&path, output) {
            Some(Served::File { file, .. }) => Some(file),
            _ => None,
        })
        .filter(|target| target != own)
        .collect();
    targets.sort();
    targets.dedup();
    targets
}

/// A page's Markdown links to one target, in order, and how many of them
/// the links in its HTML have taken.
#[derive(Default)]
struct WrittenLinks<'l> {
    links: Vec<&'l InternalLink>,
    used: Cell<usize>,
}

impl<'l> WrittenLinks<'l> {
    /// The next link not yet taken.
    fn next(&self) -> Option<&'l InternalLink> {
        let link = self.links.get(self.used.get()).copied();
        self.used.set(self.used.get() + 1);
        link
    }
}

/// The site path (decoded, without the base path) and anchor a URL in a
/// page's HTML points at; `None` for URLs that leave the site, placeholders
/// and `data:` URLs. A same-page `#anchor` has an empty path.
fn internal_target(url: &str, page_url: &str, base_path: &str) -> Option<(String, Option<String>)> {
    // As a browser reads `href`: spaces and line breaks around it do not count.
    let url = url.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());
    if url.is_empty() || url == "#" || urls::is_external(url) {
        return None;
    }
    let (path, anchor) = match url.split_once('#') {
        Some((p, a)) => (p, Some(urls::decode_path(a)).filter(|a| !a.is_empty())),
        None => (url, None),
    };
    let (path, _query) = split_query(path);
    if path.is_empty() {
        return Some((String::new(), anchor));
    }
    let path = urls::decode_path(path);
    let site_path = if path.starts_with('/') {
        let path = without_dot_segments(&path);
        match path.strip_prefix(base_path.trim_end_matches('/')) {
            Some(rest) if rest.starts_with('/') => rest.to_string(),
            // Outside the base path: cannot be in this site.
            _ => format!("{path} (outside the base path {base_path})"),
        }
    } else {
        resolve_relative(page_url, &path)
    };
    Some((site_path, anchor))
}

/// `a/b/index.html` -> `/a/b/`; other files -> `/a/b.pdf`.
pub fn site_path_of(output: &Path) -> Option<String> {
    let s = output.to_string_lossy().replace('\\', "/");
    match s.strip_suffix("index.html") {
        Some(dir) => Some(format!("/{dir}")),
        None => Some(format!("/{s}")),
    }
}

/// The candidate nearest to `wanted` by edit distance, if it is near enough
/// to be a likely typo.
pub fn closest(wanted: &str, candidates: impl IntoIterator<Item = String>) -> Option<String> {
    closest_within(wanted, candidates, typo_limit(wanted))
}

/// How many edits still make a likely typo of `wanted`.
fn typo_limit(wanted: &str) -> usize {
    (wanted.chars().count() / 3).max(2)
}

/// The candidate nearest to `wanted`, at most `limit` edits away (the
/// first in order among equals).
pub fn closest_within(wanted: &str, candidates: impl IntoIterator<Item = String>, limit: usize) -> Option<String> {
    let wanted: Vec<char> = wanted.chars().collect();
    let mut best: Option<(usize, String)> = None;
    for c in candidates {
        let bound = best.as_ref().map_or(limit, |(d, _)| *d);
        if let Some(d) = edits_within(&wanted, &c, bound) {
            if best.as_ref().is_none_or(|(bd, bc)| (d, &c) < (*bd, bc)) {
                best = Some((d, c));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// A site's URLs for "did you mean", by length: a URL more than the typo
/// limit longer or shorter than the broken one cannot be near it, so only
/// those of about its length are compared, and each comparison stops as
/// soon as it exceeds the best distance found so far.
pub struct Suggestions {
    /// (length in characters, URL), shortest first.
    by_length: Vec<(usize, String)>,
}

impl Suggestions {
    pub fn new(urls: impl Iterator<Item = String>) -> Suggestions {
        let mut by_length: Vec<(usize, String)> = urls.map(|u| (u.chars().count(), u)).collect();
        by_length.sort();
        Suggestions { by_length }
    }

    /// The URL nearest to `wanted`, if it is near enough to be a likely typo.
    pub fn closest(&self, wanted: &str) -> Option<String> {
        let length = wanted.chars().count();
        let limit = typo_limit(wanted);
        let first = self.by_length.partition_point(|(l, _)| *l + limit < length);
        let near = self.by_length[first..].iter().take_while(|(l, _)| *l <= length + limit);
        closest_within(wanted, near.map(|(_, u)| u.clone()), limit)
    }
}

/// The edit distance (Levenshtein) from `a` to `b`, if it is at most
/// `limit`; the work stops once every way on is over the limit.
fn edits_within(a: &[char], b: &str, limit: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        let mut smallest = row[0];
        for (j, cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
            smallest = smallest.min(next);
        }
        if smallest > limit {
            return None;
        }
    }
    Some(row[b.len()]).filter(|d| *d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_resolve_like_a_browser() {
        assert_eq!(resolve_relative("/meetings/2021/", "sessions/"), "/meetings/2021/sessions/");
        assert_eq!(resolve_relative("/meetings/2021/sessions/", "../"), "/meetings/2021/");
        assert_eq!(resolve_relative("/a/b.html", "c.png"), "/a/c.png");
        assert_eq!(without_dot_segments("/../../a_propos/patrinat"), "/a_propos/patrinat");
        assert_eq!(without_dot_segments("/a/./b/../c/"), "/a/c/");
        assert_eq!(
            internal_target("\n    /about/#team ", "/x/", "/"),
            Some(("/about/".to_string(), Some("team".to_string()))),
            "spaces and line breaks around an href do not count"
        );
        assert_eq!(internal_target("\n  https://data.canadensys.net/ipt", "/x/", "/"), None);
    }

    #[test]
    fn implicit_html_answers_as_static_hosts_did() {
        let files = ["sessions.html", "sessions/monday.html", "about/index.html", "a.pdf"];
        let exists = |p: &str| files.contains(&p);
        let host = |implicit_html| HostRules { implicit_html, app_routes: Vec::new() };
        let served = |path: &str, implicit| {
            served_file(path, exists, &host(implicit)).and_then(|s| s.file().map(str::to_string))
        };
        assert_eq!(served("/sessions", true).as_deref(), Some("sessions.html"));
        assert_eq!(served("/sessions/", true).as_deref(), Some("sessions.html"));
        assert_eq!(served("/sessions/monday", true).as_deref(), Some("sessions/monday.html"));
        assert_eq!(served("/sessions", false), None);
        assert_eq!(
            served_file("/about", exists, &host(true)),
            Some(Served::File { file: "about/index.html".into(), redirect: true })
        );
        assert_eq!(served("/about/", true).as_deref(), Some("about/index.html"));
        assert_eq!(served("/a.pdf", true).as_deref(), Some("a.pdf"));
        assert_eq!(served("/", true), None);
    }

    #[test]
    fn app_routes_answer_below_their_prefix_where_no_file_does() {
        let files = ["dataset/_key_/index.html", "dataset/search/index.html", "taxonomy/taxon.html"];
        let exists = |p: &str| files.contains(&p);
        let route = |prefix: &str, page: Option<&str>| AppRoute { prefix: prefix.into(), page: page.map(Into::into) };
        let host = HostRules {
            implicit_html: true,
            app_routes: vec![
                route("/dataset/", Some("/dataset/_key_/")),
                route("/taxonomy/taxon/", Some("/taxonomy/taxon")),
                route("/api/", None),
            ],
        };
        let served = |path: &str| served_file(path, exists, &host);
        let app = |page: Option<&str>| Some(Served::App { page: page.map(Into::into) });
        assert_eq!(served("/dataset/b7700738-3e8b/project"), app(Some("dataset/_key_/index.html")));
        assert_eq!(served("/taxonomy/taxon/3331481"), app(Some("taxonomy/taxon.html")));
        assert_eq!(served("/api/v1/x"), app(None));
        assert_eq!(served("dataset/x"), app(Some("dataset/_key_/index.html")), "as serve asks, without the slash");
        // A page of the site wins; the prefix alone is not the application's.
        assert_eq!(
            served("/dataset/search/"),
            Some(Served::File { file: "dataset/search/index.html".into(), redirect: false })
        );
        assert_eq!(served("/dataset/"), None);
        assert_eq!(served("/datasets/x"), None);
    }

    #[test]
    fn suggestions_are_near_misses_only() {
        let ids = ["regional-nodes-sessions".to_string(), "live-demos".to_string()];
        assert_eq!(closest("regional-node-sessions", ids.clone()), Some("regional-nodes-sessions".into()));
        assert_eq!(closest("something-else-entirely", ids), None);
        let kitten: Vec<char> = "kitten".chars().collect();
        assert_eq!(edits_within(&kitten, "sitting", 3), Some(3));
        assert_eq!(edits_within(&kitten, "sitting", 2), None);
        // Ties go to the first in order, as a plain scan would pick.
        assert_eq!(closest_within("ab", ["ax".to_string(), "aa".to_string()], 1), Some("aa".into()));
    }

    #[test]
    fn the_url_index_finds_what_a_scan_of_every_url_finds() {
        let urls: Vec<String> = (0..300)
            .map(|i| format!("/taxonomy/{}/{i}/", ["caesalpinioideae", "cercidoideae", "detarioideae"][i % 3]))
            .chain(["/about/".to_string(), "/a/".to_string(), "/media/report-2022.pdf".to_string()])
            .collect();
        let index = Suggestions::new(urls.iter().cloned());
        for wanted in ["/abuot/", "/taxonomy/cercidoideae/1/", "/media/report-2021.pdf", "/b/", "/nowhere/at/all/"] {
            assert_eq!(index.closest(wanted), closest(wanted, urls.iter().cloned()), "{wanted}");
        }
        assert_eq!(index.closest("/abuot/").as_deref(), Some("/about/"));
    }
}
