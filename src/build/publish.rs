//! What the build writes beside the pages rendered from templates, once
//! every page is rendered: the search index, redirect pages at each page's
//! `aliases`, and (for a site whose `base_url` names its host) the sitemap,
//! robots.txt and the Atom feeds; and the checks of what those name: an
//! alias that is not a site path or is claimed twice or by a page, `feed:
//! true` on a page, a card image the site does not publish.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Out, Unit};
use crate::config::{SiteConfig, CONFIG_FILE};
use crate::content::{schedule, DocId, Document, SiteTree};
use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::languages::{LangId, Languages, DEFAULT};
use crate::output::feed::{self, Feed, FeedEntry};
use crate::output::search::{FoldedIndex, Listing, SearchIndex, SearchPage};
use crate::output::sitemap::{self, SitemapEntry};
use crate::output::{redirect, OutputContent, SiteOutput, Staging};
use crate::render::filters::absolute_url;
use crate::render::programme::Programmes;
use crate::render::{social, GENERATOR};
use crate::urls;

pub const NO_ABSOLUTE_BASE: &str = "no-absolute-base-url";
pub const FEED_UNDATED: &str = "feed-undated";

/// What the rendered pages are to this step: by unit, what each holds, and
/// where each is shown.
#[derive(Clone, Copy)]
pub(crate) struct Rendered<'a> {
    pub tree: &'a SiteTree,
    pub config: &'a SiteConfig,
    pub programmes: &'a Programmes,
    pub pages: &'a std::collections::BTreeMap<Unit, Out>,
    pub languages: &'a Languages,
}

impl<'a> Rendered<'a> {
    /// The same, over `pages`.
    pub fn with_pages(self, pages: &'a std::collections::BTreeMap<Unit, Out>) -> Rendered<'a> {
        Rendered { pages, ..self }
    }

    /// The URL path a unit is shown at (without the base path).
    fn path(&self, unit: Unit) -> &str {
        match unit {
            Unit::Doc(id) => self.tree.url(id),
            Unit::Generated(id) => &self.programmes.generated[id].path,
            Unit::Theme(page) => page.path(),
        }
    }

    /// The document a unit shows (a programme's for the pages made of it).
    fn document(&self, unit: Unit) -> Option<&Document> {
        match unit {
            Unit::Doc(id) => Some(self.tree.document(id)),
            Unit::Generated(id) => Some(&self.tree.sections[self.programmes.generated[id].programme].doc),
            Unit::Theme(_) => None,
        }
    }

    fn title(&self, unit: Unit) -> &str {
        match unit {
            Unit::Doc(id) => self.tree.title(id),
            Unit::Generated(id) => &self.programmes.generated[id].title,
            Unit::Theme(page) => page.title(),
        }
    }

    /// Where a result belongs, shown under its title: the programme
    /// ("GBIF Work Programme 2024"), else the meeting, else its section.
    fn section_label(&self, unit: Unit) -> &str {
        let tree = self.tree;
        let start = match unit {
            Unit::Doc(DocId::Page(id)) => Some(tree.pages[id].section),
            Unit::Doc(DocId::Section(id)) => tree.sections[id].parent,
            Unit::Generated(id) => Some(self.programmes.generated[id].programme),
            Unit::Theme(_) => None,
        };
        let Some(start) = start else { return &self.config.title };
        let owner = tree.programme_of(start).or_else(|| schedule::meeting_of(tree, start)).unwrap_or(start);
        match owner == crate::content::ROOT {
            true => &self.config.title,
            false => &tree.sections[owner].title,
        }
    }

    /// The language a unit is in (the theme's own pages: the default one).
    fn lang(&self, unit: Unit) -> LangId {
        match unit {
            Unit::Doc(id) => self.tree.lang_of(id),
            Unit::Generated(id) => self.tree.sections[self.programmes.generated[id].programme].lang,
            Unit::Theme(_) => DEFAULT,
        }
    }

    /// How the search index lists a unit (`None` for the theme's pages).
    pub fn search_listing(&self, unit: Unit) -> Option<Listing> {
        self.document(unit)?;
        Some(Listing {
            url: urls::site_url(self.config.base_path(), self.path(unit)),
            title: self.title(unit).to_string(),
            section: self.section_label(unit).to_string(),
            lang: self.languages.list[self.lang(unit)].code.clone(),
        })
    }

    /// The search index's entry of each page that has terms.
    pub fn search_pages(&self, units: impl Iterator<Item = Unit>) -> Vec<SearchPage> {
        units
            .filter_map(|unit| {
                let terms = self.pages.get(&unit)?.terms.as_ref()?;
                Some(SearchPage { listing: self.search_listing(unit)?, terms: Arc::clone(terms) })
            })
            .collect()
    }
}

/// Puts files made from the whole site (the search index, the sitemap) in
/// `output`, as coming from site.yaml: replacing those named, removing
/// those given no content.
pub(crate) fn put_site_files(output: &mut SiteOutput, files: Vec<(String, Option<String>)>) {
    for (path, content) in files {
        let path = PathBuf::from(path);
        match content {
            Some(text) => {
                output.files.insert(
                    path,
                    crate::output::OutputFile {
                        content: OutputContent::Rendered(text.into_bytes().into()),
                        origin: PathBuf::from(CONFIG_FILE),
                    },
                );
            }
            None => {
                output.files.remove(&path);
            }
        }
    }
}

/// Puts a file made from the whole site in `output` as site.yaml's, as
/// [`put_site_files`] does, but as written: to `staging` at once (`folio
/// build`), or not at all (`folio check`), its bytes let go either way.
/// Only its path is needed after this step (by the link checks), and the
/// search index's files are about 130 MB at 100,000 pages, which would
/// otherwise be held through the link checks, the build's peak.
fn put_written(output: &mut SiteOutput, staging: Option<&Staging>, path: String, text: String) -> Option<Diagnostic> {
    let path = PathBuf::from(path);
    if let Some(staging) = staging {
        if let Err(problem) = staging.write_from(&path, text.as_bytes(), Path::new(CONFIG_FILE)) {
            return Some(problem);
        }
    }
    // What site.yaml makes replaces a file of the site at its path.
    output.files.remove(&path);
    output.written.insert(path, PathBuf::from(CONFIG_FILE));
    None
}

/// What the search index is made of, and whether it is kept.
pub(crate) enum Search {
    Off,
    /// Kept by `folio serve`, to update it page by page.
    Kept(Vec<SearchPage>),
    /// Written once (`folio build`, `folio check`): the pages' terms, folded
    /// in as they were rendered, and how each page folded in is listed.
    Once(FoldedIndex, Vec<(u32, Listing)>),
}

/// Writes everything of this step into `output` (an index written once
/// goes to `staging` at once, see [`put_written`]); returns the search
/// index (when it is kept) and the problems.
pub(crate) fn publish(
    rendered: &Rendered<'_>,
    search: Search,
    output: &mut SiteOutput,
    staging: Option<&Staging>,
    broken: Severity,
) -> (Option<SearchIndex>, Vec<Diagnostic>) {
    let (tree, config) = (rendered.tree, rendered.config);
    let mut problems = Vec::new();
    let search = match search {
        Search::Off => None,
        Search::Kept(pages) => Some(SearchIndex::new(pages)),
        Search::Once(folded, listings) => {
            folded.write(listings, |path, text| problems.extend(put_written(output, staging, path, text)));
            None
        }
    };
    if let Some(index) = &search {
        put_site_files(output, index.files().into_iter().map(|(p, c)| (p, Some(c))).collect());
    }
    problems.extend(aliases(tree, config, rendered.languages, output));
    problems.extend(feed_on_pages(tree));
    problems.extend(card_images(tree, config, output, broken));
    if config.has_absolute_base() {
        sitemap_and_robots(rendered, output);
        problems.extend(feeds(tree, config, rendered.languages, output));
    } else {
        let location = match crate::yaml::key_position(&config.source, "base_url") {
            Some((line, column)) => Location::at_line(Path::new(CONFIG_FILE), &config.source, line, column),
            None => Location::file(Path::new(CONFIG_FILE)),
        };
        problems.push(
            Diagnostic::note(format!(
                "no absolute base_url (`{}`): sitemap.xml, robots.txt, Atom feeds, canonical URLs and social card images are left out",
                config.base_url
            ))
            .code(NO_ABSOLUTE_BASE)
            .at(location)
            .help("set `base_url: https://…` in site.yaml to the address the site is published at, or pass `--base-url https://…`"),
        );
    }
    (search, problems)
}

/// Adds a file made by this step, or the problem of its path being taken.
fn add(output: &mut SiteOutput, path: PathBuf, text: String, origin: &Path) -> Option<Diagnostic> {
    output.add(path, OutputContent::Rendered(text.into_bytes().into()), origin).err()
}

/// The output file an alias is written to: `/old/` and `/old` ->
/// `old/index.html`, `/old/page.html` -> `old/page.html`.
fn alias_file(alias: &str) -> PathBuf {
    let trimmed = alias.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        PathBuf::from(format!("{trimmed}index.html"))
    } else if trimmed.ends_with(".html") || trimmed.ends_with(".htm") {
        PathBuf::from(trimmed)
    } else {
        PathBuf::from(format!("{trimmed}/index.html"))
    }
}

/// Why an alias is not a path inside the site, if it is not.
fn alias_problem(alias: &str) -> Option<&'static str> {
    if urls::is_external(alias) || alias.starts_with("//") {
        Some("is an address on another site")
    } else if !alias.starts_with('/') {
        Some("is not a path from the site's root")
    } else if alias.split('/').any(|s| s == ".." || s == ".") {
        Some("has `.` or `..` in it")
    } else if alias.contains(['?', '#', '\\']) || alias.chars().any(char::is_control) {
        Some("has a query, an anchor or a character a path cannot have")
    } else {
        None
    }
}

/// Redirect pages at every page's aliases.
fn aliases(tree: &SiteTree, config: &SiteConfig, languages: &Languages, output: &mut SiteOutput) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut claimed: HashMap<PathBuf, (&Path, &str)> = HashMap::new();
    let base = config.base_path();
    for id in tree.doc_ids() {
        let doc = tree.document(id);
        for (n, alias) in doc.front.aliases.iter().enumerate() {
            let at = doc.item_key_location("aliases", n, "");
            if let Some(why) = alias_problem(alias) {
                problems.push(
                    Diagnostic::error(format!("alias `{alias}` {why}"))
                        .at(at)
                        .help("write the old address as a path from the site's root, e.g. `- /old/page/`"),
                );
                continue;
            }
            let file = alias_file(alias);
            if let Some((first, _)) = claimed.get(&file) {
                problems.push(
                    Diagnostic::error(format!("alias `{alias}` is claimed twice: {} claims it too", first.display()))
                        .at(at)
                        .help("keep the alias on one page only"),
                );
                continue;
            }
            if let Some(taken) =
                output.files.get(&file).map(|f| f.origin.clone()).or_else(|| output.written.get(&file).cloned())
            {
                problems.push(
                    Diagnostic::error(format!("alias `{alias}` is the address of {}", taken.display()))
                        .at(at)
                        .help("remove the alias: a page is at that address, and it would replace it"),
                );
                continue;
            }
            claimed.insert(file, (&doc.source, alias));
            let href = urls::site_url(base, tree.url(id));
            let canonical = absolute_url(&config.base_url, &href);
            let lang = &languages.list[tree.lang_of(id)].code;
            let page = redirect::redirect_page(&href, &canonical, tree.title(id), lang);
            let file = alias_file(alias);
            problems.extend(add(output, file, page, &doc.source));
        }
    }
    problems
}

/// `feed: true` belongs on a section's `_index.md`.
fn feed_on_pages(tree: &SiteTree) -> Vec<Diagnostic> {
    tree.pages
        .iter()
        .filter(|p| p.doc.front.feed)
        .map(|p| {
            Diagnostic::error("`feed: true` is set on a page; only a section has a feed")
                .at(p.doc.key_location("feed"))
                .help("move `feed: true` to the `_index.md` of the section whose pages the feed should list")
        })
        .collect()
}

/// Each page's card image, when it is a file of the site, must be one the
/// site publishes (as serious as a broken link).
fn card_images(tree: &SiteTree, config: &SiteConfig, output: &SiteOutput, broken: Severity) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut site_default_reported = false;
    let exists = |p: &str| output.contains(Path::new(p));
    for id in tree.doc_ids() {
        let doc = tree.document(id);
        let Some(image) = social::card_image(doc, config) else { continue };
        if urls::is_external(image.written) {
            continue;
        }
        // Read as a browser reads the `<img src>` and `og:image` made of
        // it: beside the page unless rooted, `%20` a space.
        let path = match image.written.strip_prefix('/') {
            Some(rooted) => rooted.to_string(),
            None => crate::links::resolve_relative(tree.url(id), image.written),
        };
        if crate::links::served_file(&urls::decode_path(&path), exists, &output.host).is_some() {
            continue;
        }
        let key = image.key.name();
        let location = match image.key {
            social::CardImageKey::Site if site_default_reported => continue,
            social::CardImageKey::Site => {
                site_default_reported = true;
                match crate::yaml::key_position(&config.source, key) {
                    Some((line, column)) => Location::at_line(Path::new(CONFIG_FILE), &config.source, line, column),
                    None => Location::file(Path::new(CONFIG_FILE)),
                }
            }
            _ => doc.key_location(key),
        };
        problems.push(
            Diagnostic::with_severity(
                broken,
                format!(
                    "`{key}` names `{}`, which the site does not publish: shared links would show no image",
                    image.written
                ),
            )
            .code(crate::links::CARD_IMAGE_MISSING)
            .at(location)
            .help("give the path of an image in `assets/` (`/assets/images/card.jpg`) or beside the page"),
        );
    }
    problems
}

/// The date a page last changed, as its front matter says.
fn last_changed(doc: &Document) -> Option<String> {
    doc.front.updated.as_ref().or(doc.front.date.as_ref()).map(|d| d.date().to_string())
}

fn sitemap_and_robots(rendered: &Rendered<'_>, output: &mut SiteOutput) {
    let config = rendered.config;
    let base = config.base_path();
    let absolute = |path: &str| absolute_url(&config.base_url, &urls::site_url(base, path));
    let mut entries: Vec<SitemapEntry> = rendered
        .pages
        .keys()
        .filter_map(|&unit| {
            let doc = rendered.document(unit)?;
            Some(SitemapEntry {
                url: absolute(rendered.path(unit)),
                lastmod: last_changed(doc),
                alternates: match unit {
                    Unit::Doc(id) => alternates(rendered, id, &absolute),
                    _ => Vec::new(),
                },
            })
        })
        .collect();
    entries.sort_by(|a, b| a.url.cmp(&b.url));
    // A site that publishes its own sitemap or robots.txt keeps it.
    if !output.contains(Path::new("sitemap.xml")) {
        let files = sitemap::sitemaps(&entries, &config.base_url);
        put_site_files(output, files.into_iter().map(|(name, text)| (name, Some(text))).collect());
    }
    if !output.contains(Path::new("robots.txt")) {
        let sitemap_url = format!("{}sitemap.xml", config.base_url);
        let _ = add(output, "robots.txt".into(), sitemap::robots(&sitemap_url), Path::new(CONFIG_FILE));
    }
}

/// The versions of a page in each language, for its sitemap entry: every
/// published translation (itself included) by language code, and the
/// default language's as `x-default`, as the page's head names them; none
/// for a page with no translation.
fn alternates(rendered: &Rendered<'_>, id: DocId, absolute: &dyn Fn(&str) -> String) -> Vec<(String, String)> {
    let tree = rendered.tree;
    let versions: Vec<(LangId, DocId)> = tree
        .translations_of(id)
        .iter()
        .copied()
        .filter(|&(_, version)| rendered.pages.contains_key(&Unit::Doc(version)))
        .collect();
    if versions.len() < 2 {
        return Vec::new();
    }
    let mut links: Vec<(String, String)> = versions
        .iter()
        .map(|&(lang, version)| (rendered.languages.list[lang].code.clone(), absolute(tree.url(version))))
        .collect();
    if let Some(&(_, original)) = versions.iter().find(|(lang, _)| *lang == DEFAULT) {
        links.push(("x-default".to_string(), absolute(tree.url(original))));
    }
    links
}

/// The Atom feed of every section with `feed: true`: its pages and those
/// of its subsections, newest first; a page without a date is left out
/// with a warning.
fn feeds(tree: &SiteTree, config: &SiteConfig, languages: &Languages, output: &mut SiteOutput) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let base = config.base_path();
    let absolute = |path: &str| absolute_url(&config.base_url, &urls::site_url(base, path));
    for (section_id, section) in tree.sections.iter_enumerated() {
        if !section.doc.front.feed {
            continue;
        }
        let mut entries = Vec::new();
        let mut stack = vec![section_id];
        while let Some(s) = stack.pop() {
            stack.extend(tree.sections[s].subsections.iter().copied());
            for &page_id in &tree.sections[s].pages {
                let page = &tree.pages[page_id];
                let (Some(published), Some(updated)) = (page.doc.front.date.as_ref(), last_changed(&page.doc)) else {
                    problems.push(
                        Diagnostic::warning(format!(
                            "{} has no `date`, so the feed of {} leaves it out",
                            page.title, section.title
                        ))
                        .code(FEED_UNDATED)
                        .at(page.doc.location_at_line(1, 1))
                        .help("add `date: YYYY-MM-DD` to its front matter"),
                    );
                    continue;
                };
                entries.push(FeedEntry {
                    url: absolute(&page.url),
                    title: page.title.clone(),
                    published: published.date().to_string(),
                    updated,
                    summary: page.doc.front.description.clone(),
                });
            }
        }
        entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.url.cmp(&b.url)));
        let path = social::feed_path(&section.url);
        let feed = Feed {
            id: absolute(&section.url),
            self_url: absolute(&path),
            title: section.title.clone(),
            subtitle: section.doc.front.description.clone(),
            author: config.title.clone(),
            lang: languages.list[section.lang].code.clone(),
            generator: GENERATOR.to_string(),
            entries,
        };
        problems.extend(add(
            output,
            PathBuf::from(path.trim_start_matches('/')),
            feed::atom(&feed),
            &section.doc.source,
        ));
    }
    problems
}
