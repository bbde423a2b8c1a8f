//! The site tree: sections (folders with `_index.md`) holding pages and
//! subsections, each with its URL, output file and place in its section's
//! order.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use typed_index_collections::TiVec;

pub use super::ids::{PageId, SectionId};
use super::{DocId, Document, Kind, PerDoc};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::languages::{LangId, Languages, DEFAULT};
use crate::slug::slugify;

#[derive(Debug, Clone)]
pub struct Section {
    /// The `_index.md` (an empty stand-in for a root the site did not write).
    pub doc: Document,
    /// The folder inside `content/` ("" for the root).
    pub dir: PathBuf,
    pub title: String,
    /// URL path from the site root, e.g. `/meetings/2021/`.
    pub url: String,
    /// File in the output, e.g. `meetings/2021/index.html`.
    pub output: PathBuf,
    pub parent: Option<SectionId>,
    pub pages: Vec<PageId>,
    pub subsections: Vec<SectionId>,
    /// Its language, and the key its translations share.
    pub lang: LangId,
    pub translation_key: String,
    /// The root of a language no `_index.<code>.md` defines: it holds that
    /// language's pages but is not written (its URL is the language's home).
    pub hidden: bool,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub doc: Document,
    pub title: String,
    /// When the title was taken from the body's first `#` heading: that
    /// heading's bytes in the file, left out of the rendered body.
    pub title_heading: Option<Range<usize>>,
    pub url: String,
    pub output: PathBuf,
    pub section: SectionId,
    pub previous: Option<PageId>,
    pub next: Option<PageId>,
    /// For a session: each time it is held, in time order.
    pub occurrences: Vec<super::schedule::Occurrence>,
    /// For a session: the sessions its `related` names and those that name it.
    pub related: Vec<PageId>,
    /// Its language, and the key its translations share.
    pub lang: LangId,
    pub translation_key: String,
}

#[derive(Debug, Clone, Default)]
pub struct SiteTree {
    pub sections: TiVec<SectionId, Section>,
    pub pages: TiVec<PageId, Page>,
    /// Translation key -> every version of that page, one per language,
    /// in the order of the site's languages.
    pub translations: HashMap<String, Vec<(LangId, DocId)>>,
    /// The root section of each language (`None` for a language without pages).
    pub roots: Vec<Option<SectionId>>,
}

/// The home page's section: the tree's first.
pub const ROOT: SectionId = SectionId::ROOT;

/// Assembles the tree. Drafts (and everything under a draft section) are
/// left out unless `include_drafts`; two files that claim one URL are an error.
pub fn build_tree(
    documents: Vec<Document>,
    include_drafts: bool,
    site_title: &str,
    languages: &Languages,
    diagnostics: &mut Diagnostics,
) -> SiteTree {
    build_tree_and_excluded(documents, include_drafts, site_title, languages, diagnostics).0
}

/// A document with its language worked out.
struct Placed {
    doc: Document,
    lang: LangId,
    key: String,
    /// The path its URL comes from: without the language in its name, and
    /// with the language's prefix in front unless `lang:` placed it.
    url_prefix: String,
    url_rel: PathBuf,
}

/// The language of a document: its name's (`gbif-cas.es.md`), its front
/// matter's `lang`, else the default; and the key its translations share
/// (`lang-ref`, else its path without the language).
fn place(doc: Document, languages: &Languages) -> Result<Placed, Diagnostic> {
    let by_name = languages.of_file_name(&doc.rel).map_err(|suffix| {
        Diagnostic::error(format!(
            "{} is named for language `{suffix}`, which site.yaml does not list (it has {})",
            doc.source.display(),
            languages.codes()
        ))
        .at(Location::file(&doc.source))
        .help(format!("add `{suffix}` under `languages:` in site.yaml, or rename the file"))
    })?;
    let by_front = match doc.front.lang.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => None,
        Some(code) => Some(languages.find(code).ok_or_else(|| {
            Diagnostic::error(format!("`lang: {code}` is not one of the site's languages ({})", languages.codes()))
                .at(doc.key_location("lang"))
                .help(format!("add `{code}` under `languages:` in site.yaml, or write one of its languages"))
        })?),
    };
    if let (Some((named, _)), Some(written)) = (&by_name, by_front) {
        if *named != written {
            return Err(Diagnostic::error(format!(
                "`lang: {}` contradicts the file's name, which says `{}`",
                languages.list[written].code, languages.list[*named].code
            ))
            .at(doc.key_location("lang"))
            .help("remove `lang:` (the name says it) or rename the file"));
        }
    }
    let lang_ref = doc.lang_ref()?;
    let (lang, url_rel, prefixed) = match (by_name, by_front) {
        (Some((lang, base)), _) => (lang, base, true),
        (None, Some(lang)) => (lang, doc.rel.clone(), false),
        (None, None) => (DEFAULT, doc.rel.clone(), true),
    };
    let key = match lang_ref {
        Some(r) => format!("lang-ref:{r}"),
        None => format!("file:{}", url_rel.to_string_lossy().replace('\\', "/")),
    };
    let url_prefix = if prefixed { languages.list[lang].prefix.clone() } else { "/".to_string() };
    Ok(Placed { doc, lang, key, url_prefix, url_rel })
}

/// `prefix` (`/es/`) in front of a URL path from the site root.
fn prefixed(prefix: &str, url: String) -> String {
    match prefix {
        "/" => url,
        _ => format!("{prefix}{}", url.trim_start_matches('/')),
    }
}

/// [`build_tree`], also returning the documents it left out (the drafts),
/// in their order.
pub fn build_tree_and_excluded(
    documents: Vec<Document>,
    include_drafts: bool,
    site_title: &str,
    languages: &Languages,
    diagnostics: &mut Diagnostics,
) -> (SiteTree, Vec<Document>) {
    let draft_dirs: Vec<PathBuf> = documents
        .iter()
        .filter(|d| d.front.draft && d.is_section_index() && !include_drafts)
        .map(|d| parent_dir(&d.rel))
        .collect();
    let (documents, excluded): (Vec<Document>, Vec<Document>) = documents.into_iter().partition(|d| {
        include_drafts
            || !(d.front.draft || draft_dirs.iter().any(|dir| d.rel.starts_with(dir) && !dir.as_os_str().is_empty()))
    });
    let mut placed = Vec::with_capacity(documents.len());
    for doc in documents {
        match place(doc, languages) {
            Ok(p) => placed.push(p),
            Err(d) => diagnostics.push(d),
        }
    }

    let mut tree = SiteTree { roots: vec![None; languages.list.len()], ..SiteTree::default() };
    let (mut indexes, pages): (Vec<Placed>, Vec<Placed>) = placed.into_iter().partition(|p| p.doc.is_section_index());
    let mut section_by_dir: HashMap<(PathBuf, LangId), SectionId> = HashMap::new();

    // The default language's root is section 0 (written even when no
    // `_index.md` defines it); then the sections in path order.
    indexes.sort_by_key(|p| (parent_dir(&p.doc.rel), p.lang));
    if !indexes.first().is_some_and(|p| parent_dir(&p.doc.rel).as_os_str().is_empty() && p.lang == DEFAULT) {
        tree.sections.push(stand_in_root(site_title, DEFAULT, "_index.md", "/".into(), false));
        section_by_dir.insert((PathBuf::new(), DEFAULT), ROOT);
    }
    for p in indexes {
        let dir = parent_dir(&p.doc.rel);
        let url = p
            .doc
            .front
            .permalink
            .clone()
            .map_or_else(|| prefixed(&p.url_prefix, dir_url(&parent_dir(&p.url_rel))), normalise_permalink);
        let title = title_of(&p.doc).0;
        section_by_dir.insert((dir.clone(), p.lang), tree.sections.next_key());
        tree.sections.push(Section {
            output: output_file(&url),
            doc: p.doc,
            dir,
            title,
            url,
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
            lang: p.lang,
            translation_key: p.key,
            hidden: false,
        });
    }
    // A language with pages but no root of its own gets a hidden one.
    let mut languages_used: Vec<LangId> = pages.iter().map(|p| p.lang).collect();
    languages_used.extend(tree.sections.iter().map(|s| s.lang));
    languages_used.sort_unstable();
    languages_used.dedup();
    for lang in languages_used {
        if let std::collections::hash_map::Entry::Vacant(root) = section_by_dir.entry((PathBuf::new(), lang)) {
            let language = &languages.list[lang];
            let title = language.title.clone().unwrap_or_else(|| site_title.to_string());
            root.insert(tree.sections.next_key());
            let rel = format!("_index.{}.md", language.code);
            tree.sections.push(stand_in_root(&title, lang, &rel, language.prefix.clone(), true));
        }
    }
    for (&(ref dir, lang), &id) in &section_by_dir {
        if dir.as_os_str().is_empty() {
            tree.roots[lang] = Some(id);
        }
    }
    for id in tree.sections.keys() {
        let section = &tree.sections[id];
        if section.dir.as_os_str().is_empty() {
            continue;
        }
        let parent = nearest_section(&section_by_dir, section.dir.parent(), section.lang);
        tree.sections[id].parent = Some(parent);
        tree.sections[parent].subsections.push(id);
    }

    // At its final length at once: a page is about a kilobyte, and doubling
    // leaves up to half of the list unused for the rest of the build.
    tree.pages.reserve_exact(pages.len());
    for p in pages {
        let dir = parent_dir(&p.doc.rel);
        let section = nearest_section(&section_by_dir, Some(&dir), p.lang);
        let url = p
            .doc
            .front
            .permalink
            .clone()
            .map_or_else(|| prefixed(&p.url_prefix, page_url(&p.url_rel)), normalise_permalink);
        let (title, title_heading) = title_of(&p.doc);
        let id = tree.pages.next_key();
        tree.sections[section].pages.push(id);
        tree.pages.push(Page {
            output: output_file(&url),
            doc: p.doc,
            title,
            title_heading,
            url,
            section,
            previous: None,
            next: None,
            occurrences: Vec::new(),
            related: Vec::new(),
            lang: p.lang,
            translation_key: p.key,
        });
    }
    hidden_root_urls(&mut tree, languages);

    activity_urls(&mut tree);
    group_translations(&mut tree, languages, diagnostics);
    super::schedule::resolve(&mut tree, diagnostics);
    check_unique_outputs(&tree, diagnostics);
    order(&mut tree);
    super::schedule::link_sessions(&mut tree, diagnostics);
    (tree, excluded)
}

fn stand_in_root(title: &str, lang: LangId, rel: &str, url: String, hidden: bool) -> Section {
    Section {
        doc: Document::stand_in(Path::new(rel)),
        dir: PathBuf::new(),
        title: title.to_string(),
        output: output_file(&url),
        url,
        parent: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        lang,
        translation_key: "file:_index.md".into(),
        hidden,
    }
}

/// A hidden root's URL is its language's home: the page at the language's
/// prefix when there is one (a Jekyll site's `es/index.md`), else the site's home.
fn hidden_root_urls(tree: &mut SiteTree, languages: &Languages) {
    for id in tree.sections.keys() {
        if !tree.sections[id].hidden {
            continue;
        }
        let prefix = &languages.list[tree.sections[id].lang].prefix;
        let home = tree.pages.iter().find(|p| &p.url == prefix).map(|p| p.url.clone());
        tree.sections[id].url = home.unwrap_or_else(|| tree.sections[ROOT].url.clone());
    }
}

/// Gathers the versions of each page by key; two of one language are an
/// error at the second one.
fn group_translations(tree: &mut SiteTree, languages: &Languages, diagnostics: &mut Diagnostics) {
    let docs = tree
        .sections
        .iter_enumerated()
        .filter(|(_, s)| !s.hidden)
        .map(|(i, s)| (DocId::Section(i), s.lang, &s.translation_key, &s.doc))
        .chain(tree.pages.iter_enumerated().map(|(i, p)| (DocId::Page(i), p.lang, &p.translation_key, &p.doc)));
    let mut groups: HashMap<String, Vec<(LangId, DocId)>> = HashMap::new();
    let mut first_of: HashMap<(&String, LangId), &Document> = HashMap::new();
    for (doc_ref, lang, key, doc) in docs {
        if let Some(first) = first_of.get(&(key, lang)) {
            let language = &languages.list[lang];
            let both = format!("{} and {}", first.source.display(), doc.source.display());
            let language = format!("{} (`{}`)", language.label, language.code);
            let (message, location, help) = match key.strip_prefix("lang-ref:") {
                Some(r) => (
                    format!("{both} share `lang-ref: {r}` and are both in {language}"),
                    doc.key_location("lang-ref"),
                    "give each translation of a page a different language, or this page a `lang-ref` of its own",
                ),
                None => (
                    format!("{both} are both the {language} version of one page"),
                    if doc.front.lang.is_some() { doc.key_location("lang") } else { Location::file(&doc.source) },
                    "keep one of them, or name the other for the language it is in (`page.es.md`)",
                ),
            };
            diagnostics.push(Diagnostic::error(message).at(location).help(help));
            continue;
        }
        first_of.insert((key, lang), doc);
        groups.entry(key.clone()).or_default().push((lang, doc_ref));
    }
    for versions in groups.values_mut() {
        versions.sort();
    }
    tree.translations = groups;
}

impl SiteTree {
    /// The versions of a page or section, one per language (itself among them).
    pub fn translations_of(&self, doc: DocId) -> &[(LangId, DocId)] {
        self.translations.get(self.translation_key(doc)).map_or(&[], Vec::as_slice)
    }

    /// Its version in `lang`, if it has one.
    pub fn translation(&self, doc: DocId, lang: LangId) -> Option<DocId> {
        self.translations_of(doc).iter().find(|(l, _)| *l == lang).map(|(_, d)| *d)
    }

    pub fn translation_key(&self, doc: DocId) -> &str {
        match doc {
            DocId::Section(id) => &self.sections[id].translation_key,
            DocId::Page(id) => &self.pages[id].translation_key,
        }
    }

    pub fn lang_of(&self, doc: DocId) -> LangId {
        match doc {
            DocId::Section(id) => self.sections[id].lang,
            DocId::Page(id) => self.pages[id].lang,
        }
    }

    /// Every document, in site order: sections, then pages.
    pub fn doc_ids(&self) -> impl Iterator<Item = DocId> + '_ {
        self.sections.keys().map(DocId::Section).chain(self.pages.keys().map(DocId::Page))
    }

    pub fn document(&self, id: DocId) -> &Document {
        match id {
            DocId::Section(id) => &self.sections[id].doc,
            DocId::Page(id) => &self.pages[id].doc,
        }
    }

    pub fn document_mut(&mut self, id: DocId) -> &mut Document {
        match id {
            DocId::Section(id) => &mut self.sections[id].doc,
            DocId::Page(id) => &mut self.pages[id].doc,
        }
    }

    /// A document's URL path.
    pub fn url(&self, id: DocId) -> &str {
        match id {
            DocId::Section(id) => &self.sections[id].url,
            DocId::Page(id) => &self.pages[id].url,
        }
    }

    /// A document's file in the output.
    pub fn output(&self, id: DocId) -> &Path {
        match id {
            DocId::Section(id) => &self.sections[id].output,
            DocId::Page(id) => &self.pages[id].output,
        }
    }

    pub fn title(&self, id: DocId) -> &str {
        match id {
            DocId::Section(id) => &self.sections[id].title,
            DocId::Page(id) => &self.pages[id].title,
        }
    }

    /// The heading a page's title was taken from (sections keep theirs).
    pub fn title_heading(&self, id: DocId) -> Option<&Range<usize>> {
        match id {
            DocId::Section(_) => None,
            DocId::Page(id) => self.pages[id].title_heading.as_ref(),
        }
    }

    /// The section a document is in, or is.
    pub fn section_of(&self, id: DocId) -> SectionId {
        match id {
            DocId::Section(id) => id,
            DocId::Page(id) => self.pages[id].section,
        }
    }

    /// One value for each document, worked out in parallel.
    pub fn per_doc<T: Send>(&self, value: impl Fn(DocId) -> T + Sync) -> PerDoc<T> {
        let sections: Vec<SectionId> = self.sections.keys().collect();
        let pages: Vec<PageId> = self.pages.keys().collect();
        PerDoc {
            sections: sections.into_par_iter().map(|id| value(DocId::Section(id))).collect::<Vec<T>>().into(),
            pages: pages.into_par_iter().map(|id| value(DocId::Page(id))).collect::<Vec<T>>().into(),
        }
    }

    /// The programme (a `kind: programme` section) that `section` is in or is.
    pub fn programme_of(&self, mut section: SectionId) -> Option<SectionId> {
        loop {
            if self.sections[section].doc.front.kind == Kind::Programme {
                return Some(section);
            }
            section = self.sections[section].parent?;
        }
    }
}

/// An activity's address depends on its programme and id only
/// (`/programme/2024/activities/1-1/`), so that it survives a reworded
/// title or a move to another priority area.
fn activity_urls(tree: &mut SiteTree) {
    for id in tree.pages.keys() {
        let page = &tree.pages[id];
        let activity_id = page.doc.fields.activity().and_then(|a| a.id.clone());
        let (Some(activity_id), None) = (activity_id, &page.doc.front.permalink) else { continue };
        let Some(programme) = tree.programme_of(page.section) else { continue };
        let url = format!("{}activities/{}/", tree.sections[programme].url, slugify(&activity_id.replace('.', "-")));
        let page = &mut tree.pages[id];
        page.output = output_file(&url);
        page.url = url;
    }
}

fn parent_dir(rel: &Path) -> PathBuf {
    rel.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The nearest section of language `lang` at or above `dir`; every
/// language with documents has a root.
fn nearest_section(by_dir: &HashMap<(PathBuf, LangId), SectionId>, mut dir: Option<&Path>, lang: LangId) -> SectionId {
    while let Some(d) = dir {
        if let Some(&id) = by_dir.get(&(d.to_path_buf(), lang)) {
            return id;
        }
        dir = d.parent();
    }
    by_dir.get(&(PathBuf::new(), lang)).copied().unwrap_or(ROOT)
}

/// `meetings/2021 Meeting` -> `/meetings/2021-meeting/`.
pub fn dir_url(dir: &Path) -> String {
    let mut url = String::from("/");
    for part in dir.components() {
        url.push_str(&slugify(&part.as_os_str().to_string_lossy()));
        url.push('/');
    }
    url
}

/// `nodes/gbif-cas.md` -> `/nodes/gbif-cas/`; `a/index.md` -> `/a/`.
pub fn page_url(rel: &Path) -> String {
    let mut url = dir_url(&parent_dir(rel));
    let stem = rel.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
    if stem != "index" {
        url.push_str(&slugify(&stem));
        url.push('/');
    }
    url
}

/// Jekyll permalinks: `/sessions/` and `/sessions` are folders, `/a.html` a file.
fn normalise_permalink(permalink: String) -> String {
    if permalink.ends_with('/') || permalink.ends_with(".html") {
        permalink
    } else {
        permalink + "/"
    }
}

pub fn output_file(url: &str) -> PathBuf {
    let path = url.trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        PathBuf::from(path).join("index.html")
    } else {
        PathBuf::from(path)
    }
}

/// Title: front matter, else the first heading, else the file name; with
/// the bytes of that heading in the file when it was a `#` heading.
pub fn title_of(doc: &Document) -> (String, Option<Range<usize>>) {
    if let Some(title) = &doc.front.title {
        return (title.clone(), None);
    }
    // A released text is read again; a file changed since it was read is
    // reported by the Markdown stage, which reads it too.
    let text = doc.text().unwrap_or_default();
    if let Some((text, level, range)) = first_heading(doc.body_in(&text)) {
        let start = doc.body_start;
        // Only a level-one heading is the document's title; a first `##`
        // stays in the body as the start of its first part.
        let range = (level == 1).then(|| start + range.start..start + range.end);
        return (text, range);
    }
    let stem = doc.rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = if stem == "_index" || stem == "index" {
        doc.rel.parent().and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or(stem)
    } else {
        stem
    };
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.chars();
    let title = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    (title, None)
}

fn first_heading(body: &str) -> Option<(String, u8, Range<usize>)> {
    let mut text = String::new();
    let mut open: Option<(u8, Range<usize>)> = None;
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => open = Some((level as u8, range)),
            Event::End(TagEnd::Heading(_)) => {
                let (level, range) = open?;
                return Some((text.trim().to_string(), level, range));
            }
            Event::Text(t) | Event::Code(t) if open.is_some() => text.push_str(&t),
            _ => {}
        }
    }
    None
}

fn check_unique_outputs(tree: &SiteTree, diagnostics: &mut Diagnostics) {
    // Hashed, then only the paths claimed twice put in order for the
    // report: an ordered map compared every output path down a tree of
    // them on the build's one thread.
    let mut claims: FxHashMap<&Path, Vec<&Document>> = FxHashMap::default();
    let docs = tree
        .sections
        .iter()
        .filter(|s| !s.hidden)
        .map(|s| (s.output.as_path(), &s.doc))
        .chain(tree.pages.iter().map(|p| (p.output.as_path(), &p.doc)));
    for (output, doc) in docs {
        claims.entry(output).or_default().push(doc);
    }
    let mut shared: Vec<(&Path, Vec<&Document>)> = claims.into_iter().filter(|(_, docs)| docs.len() > 1).collect();
    shared.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (output, docs) in shared {
        let [first, rest @ ..] = docs.as_slice() else { continue };
        for doc in rest {
            let location =
                if doc.front.permalink.is_some() { doc.key_location("permalink") } else { Location::file(&doc.source) };
            diagnostics.push(
                Diagnostic::error(format!(
                    "{} and {} both claim the URL /{}",
                    first.source.display(),
                    doc.source.display(),
                    output.display()
                ))
                .at(location)
                .help("give one of them a different `permalink`, or rename one of the files"),
            );
        }
    }
}

/// Order: `weight`, then `id`/`number` (1.2 before 1.10), then title.
fn order(tree: &mut SiteTree) {
    for s in tree.sections.keys() {
        let mut pages = std::mem::take(&mut tree.sections[s].pages);
        pages.sort_by_cached_key(|&id| {
            let p = &tree.pages[id];
            let start = p.occurrences.first().map(|o| o.when.start_utc.as_second());
            SortKey { start: (start.is_none(), start.unwrap_or(0)), ..SortKey::new(&p.doc, &p.title, &p.url) }
        });
        for (i, &id) in pages.iter().enumerate() {
            tree.pages[id].previous = i.checked_sub(1).map(|j| pages[j]);
            tree.pages[id].next = pages.get(i + 1).copied();
        }
        tree.sections[s].pages = pages;

        let mut subsections = std::mem::take(&mut tree.sections[s].subsections);
        subsections.sort_by_cached_key(|&id| {
            let sec = &tree.sections[id];
            SortKey::new(&sec.doc, &sec.title, &sec.url)
        });
        tree.sections[s].subsections = subsections;
    }
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct SortKey {
    weight: i64,
    /// Programmes: the newest year first.
    newest_first: std::cmp::Reverse<u16>,
    /// Sessions: in time order, those without a time last.
    start: (bool, i64),
    number: Vec<NaturalPart>,
    title: String,
    url: String,
}

impl SortKey {
    fn new(doc: &Document, title: &str, url: &str) -> SortKey {
        let number = doc.fields.sort_number().map(|n| natural(&n)).unwrap_or_default();
        SortKey {
            weight: doc.front.weight.unwrap_or(i64::MAX),
            newest_first: std::cmp::Reverse(doc.fields.programme().and_then(|p| p.year).unwrap_or(0)),
            start: (false, 0),
            number,
            title: title.to_lowercase(),
            url: url.to_string(),
        }
    }
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum NaturalPart {
    Number(u64),
    Text(String),
}

/// "1.10" -> [1, ".", 10], so that 1.2 sorts before 1.10.
fn natural(s: &str) -> Vec<NaturalPart> {
    let mut parts = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits > 0 {
            parts.push(NaturalPart::Number(rest[..digits].parse().unwrap_or(u64::MAX)));
            rest = &rest[digits..];
        } else {
            let text = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
            parts.push(NaturalPart::Text(rest[..text].to_string()));
            rest = &rest[text..];
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_come_from_the_content_path() {
        assert_eq!(page_url(Path::new("nodes/gbif-cas.md")), "/nodes/gbif-cas/");
        assert_eq!(page_url(Path::new("A Folder/Some Page.md")), "/a-folder/some-page/");
        assert_eq!(page_url(Path::new("docs/index.md")), "/docs/");
        assert_eq!(output_file("/"), PathBuf::from("index.html"));
        assert_eq!(output_file("/a/b/"), PathBuf::from("a/b/index.html"));
        assert_eq!(output_file("/a.html"), PathBuf::from("a.html"));
        assert_eq!(normalise_permalink("/sessions".into()), "/sessions/");
    }

    #[test]
    fn natural_order_of_ids() {
        assert!(natural("1.2") < natural("1.10"));
        assert!(natural("2.1") > natural("1.10"));
    }
}
