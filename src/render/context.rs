//! What templates see. Site-wide values, each section's listing and each
//! programme's view are serialised once and shared (Tera values are
//! reference-counted); only the page's own fields are serialised per page.

use std::collections::HashMap;

use serde::Serialize;
use tera::{Context, Value};

use super::programme::{Part, Programmes};
use crate::config::SiteConfig;
use crate::content::schedule::When;
use crate::content::{Document, KindFields, Page, PageId, Section, SectionId, SiteTree};
use crate::markdown::{self, Rendered, TocEntry};
use crate::urls;

pub const GENERATOR: &str = concat!("folio ", env!("CARGO_PKG_VERSION"));

/// Everything the templates are rendered from.
pub struct RenderInputs<'a> {
    pub config: &'a SiteConfig,
    /// `data/` files, as `site.data`.
    pub data: &'a crate::yaml::Mapping,
    pub tree: &'a SiteTree,
    /// URL path -> the pages that link to it or mention it.
    pub backlinks: &'a HashMap<String, Vec<Referrer>>,
    /// Page URL path -> URL path of its calendar file.
    pub calendars: &'a HashMap<String, String>,
}

/// A page that refers to another one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referrer {
    pub title: String,
    pub path: String,
}

/// Values shared by every page: `site`, one listing per section, one view
/// per programme.
pub struct SiteValues {
    site: Value,
    sections: Vec<Value>,
    pub programmes: Programmes,
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
    data: &'a crate::yaml::Mapping,
    generator: &'static str,
}

#[derive(Serialize)]
struct MenuView<'a> {
    title: &'a str,
    /// As written in site.yaml, to compare with `page.path`.
    path: &'a str,
    url: String,
    children: Vec<MenuView<'a>>,
}

fn menu_view<'a>(item: &'a crate::config::MenuItem, base: &str) -> MenuView<'a> {
    MenuView {
        title: &item.title,
        path: &item.url,
        url: urls::site_url(base, &item.url),
        children: item.children.iter().map(|c| menu_view(c, base)).collect(),
    }
}

/// A link to another page, as listings and neighbours show it.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub title: &'a str,
    pub url: String,
    pub path: &'a str,
    pub description: Option<&'a str>,
    pub date: Option<&'a str>,
    pub kind: &'static str,
    pub fields: &'a KindFields,
    pub extra: &'a crate::yaml::Mapping,
    /// For sessions with times: when.
    pub when: Option<&'a When>,
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    url: String,
    path: &'a str,
    description: Option<&'a str>,
    kind: &'static str,
    fields: &'a KindFields,
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
struct BacklinkView<'a> {
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
pub struct PageView<'a> {
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
    /// Markdown front matter fields, rendered (`note`, `funding`).
    inline: &'a std::collections::BTreeMap<&'static str, String>,
    hero: Option<Hero>,
    extra: &'a crate::yaml::Mapping,
    /// The typed fields of the page's kind (`null` for plain pages).
    fields: &'a KindFields,
    previous: Option<Summary<'a>>,
    next: Option<Summary<'a>>,
    /// Ancestor sections from the home page down, without the page itself.
    ancestors: Vec<Summary<'a>>,
    /// Pages that link to this one or mention it.
    backlinks: Vec<BacklinkView<'a>>,
    /// For a session with times: when, in its zone (the reader's is shown by script).
    when: Option<&'a When>,
    /// For a meeting: its sessions by day, in time order.
    schedule: Option<Schedule<'a>>,
    /// The page's calendar file, when it has one.
    calendar_url: Option<String>,
}

#[derive(Serialize)]
struct Schedule<'a> {
    days: Vec<Day<'a>>,
    /// Sessions without a date yet.
    unscheduled: Vec<Summary<'a>>,
}

#[derive(Serialize)]
struct Day<'a> {
    date: String,
    sessions: Vec<Summary<'a>>,
}

impl SiteValues {
    /// `bodies` renders the Markdown the programme views take.
    /// Markdown, by id (the programme views take what they need).
    pub fn new(inputs: &RenderInputs<'_>, bodies: &dyn super::programme::Bodies) -> SiteValues {
        let (config, tree) = (inputs.config, inputs.tree);
        let base = config.base_path();
        let site = SiteView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path: base,
            language: &config.language,
            menu: config.menu.iter().map(|m| menu_view(m, base)).collect(),
            extra: &config.extra,
            data: inputs.data,
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
                    fields: &s.doc.fields,
                    pages: s.pages.iter().map(|&p| page_summary(&tree.pages[p], base)).collect(),
                    subsections: s.subsections.iter().map(|&c| section_summary(&tree.sections[c], base)).collect(),
                };
                Value::from_serializable(&view)
            })
            .collect();
        SiteValues { site: Value::from_serializable(&site), sections, programmes: Programmes::new(inputs, bodies) }
    }
}

pub fn page_summary<'a>(page: &'a Page, base: &str) -> Summary<'a> {
    Summary { when: page.when.as_ref(), ..doc_summary(&page.doc, &page.title, &page.url, base) }
}

pub fn section_summary<'a>(section: &'a Section, base: &str) -> Summary<'a> {
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
        fields: &doc.fields,
        extra: &doc.extra,
        when: None,
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

/// The parts of a page view that differ between pages, sections and the
/// pages folio generates.
struct Subject<'a> {
    doc: &'a Document,
    when: Option<&'a When>,
    schedule: Option<Schedule<'a>>,
    title: &'a str,
    path: &'a str,
    rendered: &'a Rendered,
    is_section: bool,
    neighbours: (Option<Summary<'a>>, Option<Summary<'a>>),
    ancestors: Vec<Summary<'a>>,
}

fn view<'a>(inputs: &RenderInputs<'a>, subject: Subject<'a>) -> PageView<'a> {
    let config = inputs.config;
    let base = config.base_path();
    let Subject { doc, when, schedule, title, path, rendered, is_section, neighbours, ancestors } = subject;
    let url = urls::site_url(base, path);
    let toc = match doc.front.toc_max_depth {
        Some(depth) => markdown::toc::limit(&rendered.toc, depth),
        None => rendered.toc.clone(),
    };
    let backlinks = inputs
        .backlinks
        .get(path)
        .map(|refs| refs.iter().map(|r| BacklinkView { title: &r.title, url: urls::site_url(base, &r.path) }).collect())
        .unwrap_or_default();
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
        inline: &rendered.inline,
        hero: hero(doc, rendered, base),
        extra: &doc.extra,
        fields: &doc.fields,
        previous: neighbours.0,
        next: neighbours.1,
        ancestors,
        backlinks,
        calendar_url: inputs.calendars.get(path).map(|c| urls::site_url(base, c)),
        when,
        schedule,
    }
}

/// A meeting's sessions by day (in date and start order), then those
/// without a date.
fn schedule<'a>(tree: &'a SiteTree, meeting: SectionId, base: &str) -> Schedule<'a> {
    let mut sessions: Vec<&Page> = Vec::new();
    let mut stack = vec![meeting];
    while let Some(section) = stack.pop() {
        sessions.extend(
            tree.sections[section].pages.iter().map(|&p| &tree.pages[p]).filter(|p| p.doc.fields.session().is_some()),
        );
        stack.extend(&tree.sections[section].subsections);
    }
    let day_of = |p: &Page| {
        p.when
            .as_ref()
            .map(|w| w.date.clone())
            .or_else(|| p.doc.front.date.as_ref().and_then(|d| d.get(..10)).map(str::to_string))
    };
    sessions.sort_by_key(|p| (day_of(p).is_none(), day_of(p), p.when.as_ref().map(|w| w.start_utc), p.title.clone()));
    let mut days: Vec<Day> = Vec::new();
    let mut unscheduled = Vec::new();
    for page in sessions {
        match day_of(page) {
            Some(date) => {
                if days.last().is_none_or(|d| d.date != date) {
                    days.push(Day { date, sessions: Vec::new() });
                }
                days.last_mut().expect("pushed above").sessions.push(page_summary(page, base));
            }
            None => unscheduled.push(page_summary(page, base)),
        }
    }
    Schedule { days, unscheduled }
}

fn context(values: &SiteValues, page: &PageView<'_>, section: SectionId, programme: Option<SectionId>) -> Context {
    let mut context = Context::new();
    context.insert_value("site", values.site.clone());
    context.insert_value("section", values.sections[section].clone());
    context.insert_value("programme", values.programmes.value(programme));
    let page = Value::from_serializable(page);
    // `toc` and `extra` are `page.toc` and `page.extra` under shorter names:
    // the same (reference-counted) values, serialised once.
    let field = |name: &'static str| page.as_map().and_then(|f| f.get(&tera::value::Key::from(name))).cloned();
    context.insert_value("toc", field("toc").unwrap_or_else(Value::undefined));
    context.insert_value("extra", field("extra").unwrap_or_else(Value::undefined));
    context.insert_value("page", page);
    context
}

pub fn page_context(inputs: &RenderInputs<'_>, values: &SiteValues, id: PageId, rendered: &Rendered) -> Context {
    let tree = inputs.tree;
    let page = &tree.pages[id];
    let base = inputs.config.base_path();
    let programme = tree.programme_of(page.section);
    // Activities page through the whole programme, not just their priority area.
    let (previous, next) = values.programmes.neighbours(id).unwrap_or((page.previous, page.next));
    let neighbour = |n: Option<PageId>| n.map(|n| page_summary(&tree.pages[n], base));
    let subject = Subject {
        doc: &page.doc,
        when: page.when.as_ref(),
        schedule: None,
        title: &page.title,
        path: &page.url,
        rendered,
        is_section: false,
        neighbours: (neighbour(previous), neighbour(next)),
        ancestors: ancestors(tree, Some(page.section), base),
    };
    context(values, &view(inputs, subject), page.section, programme)
}

pub fn section_context(inputs: &RenderInputs<'_>, values: &SiteValues, id: SectionId, rendered: &Rendered) -> Context {
    let tree = inputs.tree;
    let section = &tree.sections[id];
    let is_meeting = section.doc.front.kind == crate::content::Kind::Meeting;
    let subject = Subject {
        doc: &section.doc,
        when: None,
        schedule: is_meeting.then(|| schedule(tree, id, inputs.config.base_path())),
        title: &section.title,
        path: &section.url,
        rendered,
        is_section: true,
        neighbours: (None, None),
        ancestors: ancestors(tree, section.parent, inputs.config.base_path()),
    };
    context(values, &view(inputs, subject), id, tree.programme_of(id))
}

/// A page folio makes for a programme (the one-page view, the funding
/// overview): the programme's own page with another title and address.
pub fn generated_context(inputs: &RenderInputs<'_>, values: &SiteValues, part: &Part) -> Context {
    let tree = inputs.tree;
    let section = &tree.sections[part.programme];
    let subject = Subject {
        doc: &section.doc,
        when: None,
        schedule: None,
        title: &part.title,
        path: &part.path,
        rendered: &part.rendered,
        is_section: false,
        neighbours: (None, None),
        ancestors: ancestors(tree, Some(part.programme), inputs.config.base_path()),
    };
    context(values, &view(inputs, subject), part.programme, Some(part.programme))
}
