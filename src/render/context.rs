//! What templates see. Site-wide values, each section's listing and each
//! programme's view are serialised once and shared (Tera values are
//! reference-counted); only the page's own fields are serialised per page.

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};
use typed_index_collections::TiVec;

use super::programme::{Part, Programmes};
use super::{social, RenderInputs};
use crate::content::schedule::{Occurrence, When};
use crate::content::{DocId, Document, KindFields, Page, PageId, Section, SectionId, SiteTree, WrittenDate};
use crate::images::Focus;
use crate::languages::{LangId, DEFAULT};
use crate::markdown::{self, Rendered, TocEntry};
use crate::urls;

pub const GENERATOR: &str = concat!("folio ", env!("CARGO_PKG_VERSION"));

/// Values shared by every page: `site`, each page's and section's summary
/// (as listings, neighbours, ancestors and related sessions show it), one
/// listing per section, one view per programme.
pub struct SiteValues {
    /// `site`, per language (its title, menu and data).
    site: Vec<Value>,
    /// `t`, the interface strings, per language.
    strings: Vec<Value>,
    pages: TiVec<PageId, Value>,
    /// Each section's summary.
    sections: TiVec<SectionId, Value>,
    listings: TiVec<SectionId, Value>,
    pub programmes: Programmes,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    /// The URL of the home page in this language.
    home: String,
    /// Every language of the site, with its home page.
    languages: Vec<LanguageView<'a>>,
    /// The search index is written and the theme shows its search box.
    search: bool,
    menu: Vec<MenuView<'a>>,
    extra: &'a crate::yaml::Mapping,
    data: crate::yaml::Mapping,
    generator: &'static str,
}

#[derive(Serialize, Clone)]
struct LanguageView<'a> {
    code: &'a str,
    label: &'a str,
    dir: &'static str,
    url: String,
}

/// One of the site's languages as a page offers it: its version of the
/// page, or (not `translated`) that language's home page.
#[derive(Serialize)]
struct TranslationView<'a> {
    code: &'a str,
    label: &'a str,
    dir: &'static str,
    url: String,
    /// The absolute URL when the site's base URL has a host, for `hreflang`.
    href: String,
    current: bool,
    translated: bool,
    /// For a language the page is not in: that it leads to the home page,
    /// said in that language.
    note: Option<&'a str>,
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
    pub date: Option<&'a WrittenDate>,
    pub kind: &'static str,
    pub fields: &'a KindFields,
    pub extra: &'a crate::yaml::Mapping,
    /// For sessions with times: when (the first time, for a session held
    /// several times).
    pub when: Option<&'a When>,
    /// For sessions: each time it is held.
    pub occurrences: &'a [Occurrence],
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    url: String,
    path: &'a str,
    description: Option<&'a str>,
    kind: &'static str,
    fields: &'a KindFields,
    /// Summaries, shared with every page that shows them.
    pages: Vec<Value>,
    subsections: Vec<Value>,
}

#[derive(Serialize)]
struct Hero {
    image: String,
    height: Option<String>,
    /// `imageLicense` rendered from Markdown.
    caption: Option<String>,
    /// Resized copies of `image` for `srcset` (see `partials/hero-image.html`).
    picture: Option<crate::images::Picture>,
    /// CSS `object-position` of `background_focus` (`70% 45%`): what the
    /// band keeps in view; the centre when none is given.
    focus: String,
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
    /// The words of the first paragraph (or list item, or a session's
    /// goal), shortened: what the head's description and link previews say
    /// when `description` is not given.
    lead: std::borrow::Cow<'a, str>,
    kind: &'static str,
    is_section: bool,
    /// The home page of its language (`/`, `/es/`).
    is_home: bool,
    url: String,
    permalink: String,
    path: &'a str,
    source: String,
    date: Option<&'a WrittenDate>,
    lang: &'a str,
    dir: &'static str,
    /// The name of its language in itself.
    language_label: &'a str,
    /// Every language of the site (none on a site of one language): the
    /// page's version in it, or that language's home.
    translations: Vec<TranslationView<'a>>,
    /// The default language's version, for `hreflang="x-default"`.
    x_default: Option<String>,
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
    previous: Option<Value>,
    next: Option<Value>,
    /// Ancestor sections from the home page down, without the page itself.
    ancestors: Vec<Value>,
    /// Pages that link to this one or mention it.
    backlinks: Vec<BacklinkView<'a>>,
    /// For a session with times: when, in its zone (the reader's is shown
    /// by script); the first occurrence of a session held several times.
    when: Option<&'a When>,
    /// For a session: each time it is held, with its calendar file.
    occurrences: Vec<OccurrenceView<'a>>,
    /// For a session: related sessions, both ways, in schedule order.
    related: Vec<Value>,
    /// For a meeting: its sessions by day, in time order.
    schedule: Option<Schedule<'a>>,
    /// The page's calendar file, when it has one.
    calendar_url: Option<String>,
    /// What a shared link previews as: canonical URL, card image, type.
    social: social::SocialView,
    /// For the Work Programme: `citation_*` data.
    citation: Option<social::CitationView<'a>>,
    /// For a section with `feed: true`: its Atom feed.
    feeds: Vec<social::FeedLink<'a>>,
}

#[derive(Serialize)]
struct OccurrenceView<'a> {
    #[serde(flatten)]
    occurrence: &'a Occurrence,
    calendar_url: String,
}

#[derive(Serialize)]
struct Schedule<'a> {
    days: Vec<Day<'a>>,
    /// Sessions without a date yet.
    unscheduled: Vec<Summary<'a>>,
    /// The sessions' categories, in order of first appearance, for the filter.
    categories: Vec<Category<'a>>,
}

#[derive(Serialize)]
struct Day<'a> {
    date: String,
    entries: Vec<Entry<'a>>,
}

/// One line of the programme: one occurrence of a session.
#[derive(Serialize)]
struct Entry<'a> {
    session: Summary<'a>,
    when: &'a When,
    label: Option<&'a str>,
    /// The occurrence's own facilitators, else the session's.
    facilitators: &'a [String],
    /// The session's category as a slug (`live-qa`), for the filter.
    category: Option<String>,
}

#[derive(Serialize, PartialEq)]
struct Category<'a> {
    name: &'a str,
    slug: String,
}

impl SiteValues {
    /// `bodies` renders the Markdown the programme views take.
    /// Markdown, by id (the programme views take what they need).
    pub fn new(inputs: &RenderInputs<'_>, bodies: &dyn super::programme::Bodies) -> SiteValues {
        let (config, tree) = (inputs.config, inputs.tree);
        let base = config.base_path();
        let languages: Vec<LanguageView> = inputs
            .languages
            .list
            .iter()
            .enumerate()
            .map(|(lang, l)| LanguageView {
                code: &l.code,
                label: &l.label,
                dir: l.dir.as_str(),
                url: urls::site_url(base, language_home(tree, lang)),
            })
            .collect();
        let site = inputs
            .languages
            .list
            .iter()
            .enumerate()
            .map(|(lang, language)| {
                let view = SiteView {
                    title: language.title.as_deref().unwrap_or(&config.title),
                    description: language.description.as_deref().unwrap_or(&config.description),
                    base_url: &config.base_url,
                    base_path: base,
                    language: &language.code,
                    search: config.search,
                    home: languages[lang].url.clone(),
                    languages: languages.clone(),
                    menu: language.menu.iter().map(|m| menu_view(m, base)).collect(),
                    extra: &config.extra,
                    data: crate::site_data::for_language(inputs.data, &language.code),
                    generator: GENERATOR,
                };
                Value::from_serializable(&view)
            })
            .collect();
        let strings = inputs.strings.tables.iter().map(Value::from_serializable).collect();
        let fallback = inputs.languages.fallback;
        let pages: Vec<Value> =
            tree.pages.raw.par_iter().map(|p| Value::from_serializable(&page_summary(p, base))).collect();
        let pages = TiVec::from(pages);
        let sections: TiVec<SectionId, Value> =
            tree.sections.iter().map(|s| Value::from_serializable(&section_summary(s, base))).collect();
        let listings = tree
            .sections
            .iter_enumerated()
            .map(|(id, s)| {
                let mut section_pages: Vec<Value> = s.pages.iter().map(|&p| pages[p].clone()).collect();
                if fallback && s.lang != DEFAULT {
                    section_pages.extend(untranslated_pages(tree, id).map(|p| pages[p].clone()));
                }
                let view = SectionView {
                    title: &s.title,
                    url: urls::site_url(base, &s.url),
                    path: &s.url,
                    description: s.doc.front.description.as_deref(),
                    kind: s.doc.front.kind.name(),
                    fields: &s.doc.fields,
                    pages: section_pages,
                    subsections: s.subsections.iter().map(|&c| sections[c].clone()).collect(),
                };
                Value::from_serializable(&view)
            })
            .collect();
        SiteValues { site, strings, pages, sections, listings, programmes: Programmes::new(inputs, bodies) }
    }

    /// Sections from the home page down to `section`.
    fn ancestors(&self, tree: &SiteTree, mut section: Option<SectionId>) -> Vec<Value> {
        let mut chain = Vec::new();
        while let Some(id) = section {
            chain.push(self.sections[id].clone());
            section = tree.sections[id].parent;
        }
        chain.reverse();
        chain
    }
}

/// The URL path of a language's home: its root section's (a hidden root
/// has the language's home page, or the site's, as its URL).
fn language_home(tree: &SiteTree, lang: LangId) -> &str {
    let root = tree.roots.get(lang).copied().flatten().unwrap_or(crate::content::ROOT);
    &tree.sections[root].url
}

/// For listings with `translation_fallback`: the default language's pages
/// of the section that `section` translates which have no version in its
/// language, in their order.
fn untranslated_pages(tree: &SiteTree, section: SectionId) -> impl Iterator<Item = PageId> + '_ {
    let lang = tree.sections[section].lang;
    let original = match tree.translation(DocId::Section(section), DEFAULT) {
        Some(DocId::Section(original)) => Some(original),
        _ => None,
    };
    original
        .into_iter()
        .flat_map(move |original| tree.sections[original].pages.iter().copied())
        .filter(move |&p| tree.translation(DocId::Page(p), lang).is_none())
}

pub fn page_summary<'a>(page: &'a Page, base: &str) -> Summary<'a> {
    Summary {
        when: page.occurrences.first().map(|o| &o.when),
        occurrences: &page.occurrences,
        ..doc_summary(&page.doc, &page.title, &page.url, base)
    }
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
        date: doc.front.date.as_ref(),
        kind: doc.front.kind.name(),
        fields: &doc.fields,
        extra: &doc.extra,
        when: None,
        occurrences: &[],
    }
}

fn hero(doc: &Document, rendered: &Rendered, base: &str) -> Option<Hero> {
    let image = doc.front.background.as_deref()?;
    Some(Hero {
        image: urls::site_url(base, image),
        height: doc.front.height.clone(),
        caption: rendered.caption.clone(),
        picture: rendered.hero.clone(),
        // A value that is not a focal point was reported by the links pass.
        focus: doc.front.background_focus.as_deref().and_then(|f| Focus::parse(f).ok()).unwrap_or_default().to_string(),
    })
}

/// The parts of a page view that differ between pages, sections and the
/// pages folio generates.
struct Subject<'a> {
    doc: &'a Document,
    /// The page or section itself (`None` for the pages folio generates,
    /// which have no translations), and its language.
    doc_id: Option<DocId>,
    lang: LangId,
    occurrences: &'a [Occurrence],
    related: Vec<Value>,
    schedule: Option<Schedule<'a>>,
    title: &'a str,
    path: &'a str,
    rendered: &'a Rendered,
    is_section: bool,
    neighbours: (Option<Value>, Option<Value>),
    ancestors: Vec<Value>,
    /// The programme's own page or its one-page view: cited as a document.
    cited: bool,
}

fn view<'a>(inputs: &RenderInputs<'a>, subject: Subject<'a>) -> PageView<'a> {
    let config = inputs.config;
    let base = config.base_path();
    let Subject {
        doc,
        doc_id,
        lang,
        occurrences,
        related,
        schedule,
        title,
        path,
        rendered,
        is_section,
        neighbours,
        ancestors,
        cited,
    } = subject;
    let url = urls::site_url(base, path);
    let language = &inputs.languages.list[lang];
    let translations = translations(inputs, doc_id, lang);
    let x_default = translations.iter().find(|t| t.translated && t.code == inputs.languages.list[DEFAULT].code);
    let x_default = x_default.map(|t| t.href.clone());
    let social = social::social(doc, config, &url, is_section);
    let citation = cited.then(|| social::citation(doc, title, social.canonical.as_deref())).flatten();
    let feeds = if is_section { social::feeds(doc, title, path, config) } else { Vec::new() };
    let toc = match doc.front.toc_max_depth {
        Some(depth) => markdown::toc::limit(&rendered.toc, depth),
        None => rendered.toc.clone(),
    };
    let backlinks = inputs
        .backlinks
        .get(path)
        .map(|refs| {
            refs.iter()
                .filter(|r| r.lang == lang)
                .map(|r| BacklinkView { title: &r.title, url: urls::site_url(base, &r.path) })
                .collect()
        })
        .unwrap_or_default();
    PageView {
        title,
        description: doc.front.description.as_deref(),
        lead: lead(doc, rendered),
        kind: doc.front.kind.name(),
        is_section,
        is_home: matches!(doc_id, Some(DocId::Section(s)) if inputs.tree.sections[s].parent.is_none()),
        permalink: crate::render::filters::absolute_url(&config.base_url, &url),
        url,
        path,
        source: doc.source.to_string_lossy().replace('\\', "/"),
        date: doc.front.date.as_ref(),
        lang: &language.code,
        dir: language.dir.as_str(),
        language_label: &language.label,
        translations,
        x_default,
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
        when: occurrences.first().map(|o| &o.when),
        occurrences: occurrences
            .iter()
            .map(|occurrence| OccurrenceView { occurrence, calendar_url: urls::site_url(base, &occurrence.calendar) })
            .collect(),
        related,
        schedule,
        social,
        citation,
        feeds,
    }
}

/// What describes a page that has no `description`: its body's lead, else
/// a session's goal (a session page's text is its front matter).
fn lead<'a>(doc: &'a Document, rendered: &'a Rendered) -> std::borrow::Cow<'a, str> {
    match &doc.fields {
        KindFields::Session(session) if rendered.lead.is_empty() => {
            session.goal.as_deref().map(markdown::shorten).unwrap_or_default().into()
        }
        _ => rendered.lead.as_str().into(),
    }
}

/// The page in every language of the site: its own version where it has
/// one, else that language's home page (with a note saying so).
fn translations<'a>(inputs: &RenderInputs<'a>, doc: Option<DocId>, lang: LangId) -> Vec<TranslationView<'a>> {
    let (config, tree, languages) = (inputs.config, inputs.tree, inputs.languages);
    if !languages.is_multilingual() {
        return Vec::new();
    }
    let base = config.base_path();
    languages
        .list
        .iter()
        .enumerate()
        .map(|(other, language)| {
            let version = doc.and_then(|d| tree.translation(d, other));
            let path = version.map_or_else(|| language_home(tree, other), |v| tree.url(v));
            let url = urls::site_url(base, path);
            TranslationView {
                code: &language.code,
                label: &language.label,
                dir: language.dir.as_str(),
                href: crate::render::filters::absolute_url(&config.base_url, &url),
                url,
                current: other == lang,
                translated: version.is_some(),
                note: match version {
                    Some(_) => None,
                    None => inputs.strings.tables[other].get("language_home_only").map(String::as_str),
                },
            }
        })
        .collect()
}

/// A meeting's programme: every occurrence of its sessions by day, in
/// time order (sessions in schedule order break ties), then the sessions
/// without a time.
fn schedule<'a>(tree: &'a SiteTree, meeting: SectionId, base: &str) -> Schedule<'a> {
    let sessions = crate::content::schedule::sessions_of(tree, meeting);
    let mut entries: Vec<(usize, Entry)> = Vec::new();
    let mut unscheduled = Vec::new();
    let mut categories: Vec<Category> = Vec::new();
    for (rank, &id) in sessions.iter().enumerate() {
        let page = &tree.pages[id];
        let fields = page.doc.fields.session().expect("sessions_of gives sessions");
        let category = fields.category.as_deref().map(|name| Category { name, slug: crate::slug::slugify(name) });
        let slug = category.as_ref().map(|c| c.slug.clone());
        if let Some(category) = category.filter(|c| !categories.contains(c)) {
            categories.push(category);
        }
        if page.occurrences.is_empty() {
            unscheduled.push(page_summary(page, base));
        }
        for occurrence in &page.occurrences {
            let facilitators = match occurrence.facilitators.is_empty() {
                true => &fields.facilitators,
                false => &occurrence.facilitators,
            };
            let entry = Entry {
                session: page_summary(page, base),
                when: &occurrence.when,
                label: occurrence.label.as_deref(),
                facilitators,
                category: slug.clone(),
            };
            entries.push((rank, entry));
        }
    }
    entries.sort_by(|(a_rank, a), (b_rank, b)| {
        (&a.when.date, a.when.start_utc, a_rank).cmp(&(&b.when.date, b.when.start_utc, b_rank))
    });
    let mut days: Vec<Day> = Vec::new();
    for (_, entry) in entries {
        if days.last().is_none_or(|d| d.date != entry.when.date) {
            days.push(Day { date: entry.when.date.clone(), entries: Vec::new() });
        }
        days.last_mut().expect("pushed above").entries.push(entry);
    }
    Schedule { days, unscheduled, categories }
}

fn context(
    inputs: &RenderInputs<'_>,
    values: &SiteValues,
    page: &PageView<'_>,
    section: SectionId,
    programme: Option<SectionId>,
) -> Context {
    let lang = inputs.tree.sections[section].lang;
    let language = &inputs.languages.list[lang];
    let mut context = Context::new();
    context.insert_value("site", values.site[lang].clone());
    // The interface strings (`t.on_this_page`), and the language and the
    // locale that the `date` filter writes dates in.
    context.insert_value("t", values.strings[lang].clone());
    context.insert("lang", &language.code);
    context.insert("locale", &language.locale);
    context.insert_value("section", values.listings[section].clone());
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

/// The context of a page's or a section's template.
pub fn doc_context(inputs: &RenderInputs<'_>, values: &SiteValues, id: DocId, rendered: &Rendered) -> Context {
    match id {
        DocId::Page(id) => page_context(inputs, values, id, rendered),
        DocId::Section(id) => section_context(inputs, values, id, rendered),
    }
}

fn page_context(inputs: &RenderInputs<'_>, values: &SiteValues, id: PageId, rendered: &Rendered) -> Context {
    let tree = inputs.tree;
    let page = &tree.pages[id];
    let programme = tree.programme_of(page.section);
    // Activities page through the whole programme, not just their priority area.
    let (previous, next) = values.programmes.neighbours(id).unwrap_or((page.previous, page.next));
    let neighbour = |n: Option<PageId>| n.map(|n| values.pages[n].clone());
    let subject = Subject {
        doc: &page.doc,
        doc_id: Some(DocId::Page(id)),
        lang: page.lang,
        occurrences: &page.occurrences,
        related: page.related.iter().map(|&p| values.pages[p].clone()).collect(),
        schedule: None,
        title: &page.title,
        path: &page.url,
        rendered,
        is_section: false,
        neighbours: (neighbour(previous), neighbour(next)),
        ancestors: values.ancestors(tree, Some(page.section)),
        cited: false,
    };
    context(inputs, values, &view(inputs, subject), page.section, programme)
}

fn section_context(inputs: &RenderInputs<'_>, values: &SiteValues, id: SectionId, rendered: &Rendered) -> Context {
    let tree = inputs.tree;
    let section = &tree.sections[id];
    let is_meeting = section.doc.front.kind == crate::content::Kind::Meeting;
    let subject = Subject {
        doc: &section.doc,
        doc_id: Some(DocId::Section(id)),
        lang: section.lang,
        occurrences: &[],
        related: Vec::new(),
        schedule: is_meeting.then(|| schedule(tree, id, inputs.config.base_path())),
        title: &section.title,
        path: &section.url,
        rendered,
        is_section: true,
        neighbours: (None, None),
        ancestors: values.ancestors(tree, section.parent),
        cited: true,
    };
    context(inputs, values, &view(inputs, subject), id, tree.programme_of(id))
}

/// A page folio makes for a programme (the one-page view, the funding
/// overview): the programme's own page with another title and address.
pub fn generated_context(inputs: &RenderInputs<'_>, values: &SiteValues, part: &Part) -> Context {
    let tree = inputs.tree;
    let section = &tree.sections[part.programme];
    let subject = Subject {
        doc: &section.doc,
        doc_id: None,
        lang: section.lang,
        occurrences: &[],
        related: Vec::new(),
        schedule: None,
        title: &part.title,
        path: &part.path,
        rendered: &part.rendered,
        is_section: false,
        neighbours: (None, None),
        ancestors: values.ancestors(tree, Some(part.programme)),
        cited: part.template == super::programme::ONE_PAGE_TEMPLATE,
    };
    context(inputs, values, &view(inputs, subject), part.programme, Some(part.programme))
}

/// A page the theme makes of its own (the 404 page, the search page): a
/// plain page at the top of the site, with no text of its own.
pub fn theme_page_context(inputs: &RenderInputs<'_>, values: &SiteValues, page: super::ThemePage) -> Context {
    let doc = Document::stand_in(std::path::Path::new(page.template()));
    let rendered = Rendered::default();
    let subject = Subject {
        doc: &doc,
        doc_id: None,
        lang: DEFAULT,
        occurrences: &[],
        related: Vec::new(),
        schedule: None,
        title: inputs.strings.tables[DEFAULT].get(page.title_key()).map_or(page.title(), String::as_str),
        path: page.path(),
        rendered: &rendered,
        is_section: false,
        neighbours: (None, None),
        ancestors: Vec::new(),
        cited: false,
    };
    let mut view = view(inputs, subject);
    // Not a page to share or to find: no canonical URL, no card of its own.
    view.social.canonical = None;
    context(inputs, values, &view, crate::content::ROOT, None)
}
