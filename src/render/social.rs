//! What a shared link to a page previews as, and where the page really
//! lives: the values behind the theme's `partials/meta.html` (Open Graph,
//! Twitter card, canonical URL, feed links, citation data). Every URL here
//! is absolute, so nothing is given for a site whose `base_url` does not
//! name its host (the build says so once).

use serde::Serialize;

use crate::config::SiteConfig;
use crate::content::{Document, Kind};
use crate::urls;

/// `page.social`.
#[derive(Debug, Serialize)]
pub struct SocialView {
    /// The page's absolute URL.
    pub canonical: Option<String>,
    /// Absolute URL of the card's image.
    pub image: Option<String>,
    /// `website` for sections (the home page, a programme, a meeting),
    /// `article` for pages.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// `page.citation`: what reference managers and scholarly search engines
/// read (Highwire Press `citation_*` tags) on the Work Programme.
#[derive(Debug, Serialize)]
pub struct CitationView<'a> {
    pub title: &'a str,
    /// `YYYY/MM/DD`.
    pub date: Option<String>,
    /// The bare DOI (`10.35035/…`), without the resolver.
    pub doi: Option<&'a str>,
    pub url: Option<String>,
}

/// One of `page.feeds`: a feed the page's head names.
#[derive(Debug, Serialize)]
pub struct FeedLink<'a> {
    pub title: &'a str,
    pub url: String,
}

/// Where a page's card image comes from, as written, and the front matter
/// key (or `site.yaml`'s `social_image`) that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardImage<'a> {
    pub written: &'a str,
    pub key: CardImageKey,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardImageKey {
    /// The page's `image`.
    Image,
    /// The page's hero, `background`.
    Background,
    /// `social_image` in site.yaml.
    Site,
}

impl CardImageKey {
    pub fn name(self) -> &'static str {
        match self {
            CardImageKey::Image => "image",
            CardImageKey::Background => "background",
            CardImageKey::Site => "social_image",
        }
    }
}

/// The image a shared link to `doc` shows: its `image`, else its hero,
/// else the site's default.
pub fn card_image<'a>(doc: &'a Document, config: &'a SiteConfig) -> Option<CardImage<'a>> {
    let pick = |written: Option<&'a String>, key| {
        written.filter(|w| !w.trim().is_empty()).map(|w| CardImage { written: w, key })
    };
    pick(doc.front.image.as_ref(), CardImageKey::Image)
        .or_else(|| pick(doc.front.background.as_ref(), CardImageKey::Background))
        .or_else(|| pick(config.social_image.as_ref(), CardImageKey::Site))
}

/// The URL of the feed of a section at `path` (`/news/` -> `/news/atom.xml`).
pub fn feed_path(section_path: &str) -> String {
    format!(
        "{}atom.xml",
        if section_path.ends_with('/') { section_path.to_string() } else { format!("{section_path}/") }
    )
}

/// `page.social` of a page at `url` (already carrying the base path).
pub fn social(doc: &Document, config: &SiteConfig, url: &str, is_section: bool) -> SocialView {
    let absolute = |u: &str| super::filters::absolute_url(&config.base_url, u);
    let has_base = config.has_absolute_base();
    let image = card_image(doc, config).map(|i| match urls::is_external(i.written) {
        true => i.written.to_string(),
        false => absolute(&urls::site_url(config.base_path(), i.written)),
    });
    SocialView {
        canonical: has_base.then(|| absolute(url)),
        image: image.filter(|i| urls::is_external(i)),
        kind: if is_section { "website" } else { "article" },
    }
}

/// `page.citation` for the programme's own page and its one-page view.
pub fn citation<'a>(doc: &'a Document, title: &'a str, canonical: Option<&str>) -> Option<CitationView<'a>> {
    if doc.front.kind != Kind::Programme {
        return None;
    }
    let fields = doc.fields.programme()?;
    let date = doc.front.date.as_ref().map(|d| d.date().strftime("%Y/%m/%d").to_string());
    let doi = fields.doi.as_deref().map(|doi| {
        let bare = doi.find("10.").map_or(doi, |at| &doi[at..]);
        bare.trim()
    });
    let title = doc.front.title.as_deref().unwrap_or(title);
    Some(CitationView { title, date, doi, url: canonical.map(String::from) })
}

/// `page.feeds` of a section that has one.
pub fn feeds<'a>(doc: &Document, title: &'a str, path: &str, config: &SiteConfig) -> Vec<FeedLink<'a>> {
    if !doc.front.feed || !doc.is_section_index() || !config.has_absolute_base() {
        return Vec::new();
    }
    let url = super::filters::absolute_url(&config.base_url, &urls::site_url(config.base_path(), &feed_path(path)));
    vec![FeedLink { title, url }]
}
