//! What templates see. Site-wide values and each section's listing are
//! serialised once and shared (Tera values are reference-counted); only the
//! page's own fields are serialised per page.

use serde::Serialize;
use tera::{Context, Value};

use crate::config::SiteConfig;
use crate::content::{Document, NodeFields, Page, Section, SectionId, SiteTree};
use crate::markdown::{self, Rendered, TocEntry};
use crate::urls;

pub const GENERATOR: &str = concat!("folio ", env!("CARGO_PKG_VERSION"));

/// Values shared by every page: `site` and one listing per section.
pub struct SiteValues {
    site: Value,
    sections: Vec<Value>,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    menu: Vec<MenuView<'a>>,
    extra: &'a crate::yaml::Mapping,
    generator: &'static str,
}

#[derive(Serialize)]
struct MenuView<'a> {
    title: &'a str,
    /// As written in site.yaml, to compare with `page.path`.
    path: &'a str,
    url: String,
}

/// A link to another page, as listings and neighbours show it.
#[derive(Serialize)]
struct Summary<'a> {
    title: &'a str,
    url: String,
    path: &'a str,
    description: Option<&'a str>,
    date: Option<&'a str>,
    kind: &'static str,
    extra: &'a crate::yaml::Mapping,
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    url: String,
    path: &'a str,
    description: Option<&'a str>,
    kind: &'static str,
    pages: Vec<Summary<'a>>,
    subsections: Vec<Summary<'a>>,
}

#[derive(Serialize)]
struct Hero {
    image: String,
    height: Option<String>,
    /// `imageLicense` rendered from Markdown.
    caption: Option<String>,
}

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    kind: &'static str,
    is_section: bool,
    url: String,
    permalink: String,
    path: &'a str,
    source: String,
    date: Option<&'a str>,
    lang: &'a str,
    /// `toc: true` in front matter: the theme shows the TOC.
    show_toc: bool,
    toc: Vec<TocEntry>,
    content: &'a str,
    hero: Option<Hero>,
    extra: &'a crate::yaml::Mapping,
    node: Option<&'a NodeFields>,
    previous: Option<Summary<'a>>,
    next: Option<Summary<'a>>,
    /// Ancestor sections from the home page down, without the page itself.
    ancestors: Vec<Summary<'a>>,
    word_count: usize,
}

impl SiteValues {
    pub fn new(config: &SiteConfig, tree: &SiteTree) -> SiteValues {
        let base = config.base_path();
        let site = SiteView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path: base,
            language: &config.language,
            menu: config
                .menu
                .iter()
                .map(|m| MenuView { title: &m.title, path: &m.url, url: urls::site_url(base, &m.url) })
                .collect(),
            extra: &config.extra,
            generator: GENERATOR,
        };
        let sections = tree
            .sections
            .iter()
            .map(|s| {
                let view = SectionView {
                    title: &s.title,
                    url: urls::site_url(base, &s.url),
                    path: &s.url,
                    description: s.doc.front.description.as_deref(),
                    kind: s.doc.front.kind.name(),
                    pages: s.pages.iter().map(|&p| page_summary(&tree.pages[p], base)).collect(),
                    subsections: s.subsections.iter().map(|&c| section_summary(&tree.sections[c], base)).collect(),
                };
                Value::from_serializable(&view)
            })
            .collect();
        SiteValues { site: Value::from_serializable(&site), sections }
    }
}

fn page_summary<'a>(page: &'a Page, base: &str) -> Summary<'a> {
    doc_summary(&page.doc, &page.title, &page.url, base)
}

fn section_summary<'a>(section: &'a Section, base: &str) -> Summary<'a> {
    doc_summary(&section.doc, &section.title, &section.url, base)
}

fn doc_summary<'a>(doc: &'a Document, title: &'a str, path: &'a str, base: &str) -> Summary<'a> {
    Summary {
        title,
        url: urls::site_url(base, path),
        path,
        description: doc.front.description.as_deref(),
        date: doc.front.date.as_deref(),
        kind: doc.front.kind.name(),
        extra: &doc.extra,
    }
}

fn ancestors<'a>(tree: &'a SiteTree, mut section: Option<SectionId>, base: &str) -> Vec<Summary<'a>> {
    let mut chain = Vec::new();
    while let Some(id) = section {
        chain.push(section_summary(&tree.sections[id], base));
        section = tree.sections[id].parent;
    }
    chain.reverse();
    chain
}

fn hero(doc: &Document, rendered: &Rendered, base: &str) -> Option<Hero> {
    let image = doc.front.background.as_deref()?;
    Some(Hero {
        image: urls::site_url(base, image),
        height: doc.front.height.clone(),
        caption: rendered.caption.clone(),
    })
}

#[allow(clippy::too_many_arguments)]
fn view<'a>(
    config: &'a SiteConfig,
    doc: &'a Document,
    title: &'a str,
    path: &'a str,
    rendered: &'a Rendered,
    is_section: bool,
    neighbours: (Option<Summary<'a>>, Option<Summary<'a>>),
    ancestors: Vec<Summary<'a>>,
) -> PageView<'a> {
    let base = config.base_path();
    let url = urls::site_url(base, path);
    let toc = match doc.front.toc_max_depth {
        Some(depth) => markdown::toc::limit(&rendered.toc, depth),
        None => rendered.toc.clone(),
    };
    PageView {
        title,
        description: doc.front.description.as_deref(),
        kind: doc.front.kind.name(),
        is_section,
        permalink: crate::render::filters::absolute_url(&config.base_url, &url),
        url,
        path,
        source: doc.source.to_string_lossy().replace('\\', "/"),
        date: doc.front.date.as_deref(),
        lang: doc.front.lang.as_deref().unwrap_or(&config.language),
        show_toc: doc.front.toc,
        toc,
        content: &rendered.html,
        hero: hero(doc, rendered, base),
        extra: &doc.extra,
        node: doc.node.as_ref(),
        previous: neighbours.0,
        next: neighbours.1,
        ancestors,
        word_count: doc.body().split_whitespace().count(),
    }
}

fn context(values: &SiteValues, page: &PageView<'_>, section: SectionId) -> Context {
    let mut context = Context::new();
    context.insert_value("site", values.site.clone());
    context.insert_value("section", values.sections[section].clone());
    context.insert("toc", &page.toc);
    context.insert("extra", page.extra);
    context.insert("page", page);
    context
}

pub fn page_context(
    config: &SiteConfig,
    tree: &SiteTree,
    values: &SiteValues,
    id: usize,
    rendered: &Rendered,
) -> Context {
    let page = &tree.pages[id];
    let base = config.base_path();
    let neighbour = |n: Option<usize>| n.map(|n| page_summary(&tree.pages[n], base));
    let view = view(
        config,
        &page.doc,
        &page.title,
        &page.url,
        rendered,
        false,
        (neighbour(page.previous), neighbour(page.next)),
        ancestors(tree, Some(page.section), base),
    );
    context(values, &view, page.section)
}

pub fn section_context(
    config: &SiteConfig,
    tree: &SiteTree,
    values: &SiteValues,
    id: SectionId,
    rendered: &Rendered,
) -> Context {
    let section = &tree.sections[id];
    let view = view(
        config,
        &section.doc,
        &section.title,
        &section.url,
        rendered,
        true,
        (None, None),
        ancestors(tree, section.parent, config.base_path()),
    );
    context(values, &view, id)
}
