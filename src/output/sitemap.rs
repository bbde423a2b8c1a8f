//! `sitemap.xml` and `robots.txt`: what search engines read to find every
//! published page. Both need absolute URLs; the build writes them only for
//! a site whose `base_url` names its host.

use std::fmt::Write as _;

use crate::markdown::escape;

/// The most URLs one sitemap file may hold (sitemaps.org); a larger site
/// gets `sitemap.xml` as an index of several.
pub const SITEMAP_LIMIT: usize = 50_000;

/// One published page in the sitemap: its absolute URL, when its front
/// matter says, when it last changed (`updated`, else `date`), and its
/// versions in other languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    pub url: String,
    pub lastmod: Option<String>,
    /// (hreflang, absolute URL) of every version of the page, itself
    /// included, and `x-default`; empty for a page in one language.
    pub alternates: Vec<(String, String)>,
}

/// The sitemap files: `sitemap.xml`, and `sitemap-1.xml`, … when the site
/// has more than [`SITEMAP_LIMIT`] pages (`sitemap.xml` then lists them).
pub fn sitemaps(entries: &[SitemapEntry], base_url: &str) -> Vec<(String, String)> {
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
    // Google's way of naming a page's translations in a sitemap.
    const XHTML: &str = "http://www.w3.org/1999/xhtml";
    let urlset = |entries: &[SitemapEntry]| {
        let mut out = match entries.iter().any(|e| !e.alternates.is_empty()) {
            true => format!("{HEAD}<urlset xmlns=\"{NS}\" xmlns:xhtml=\"{XHTML}\">\n"),
            false => format!("{HEAD}<urlset xmlns=\"{NS}\">\n"),
        };
        for entry in entries {
            out.push_str("<url><loc>");
            out.push_str(&escape(&entry.url));
            out.push_str("</loc>");
            if let Some(lastmod) = &entry.lastmod {
                out.push_str("<lastmod>");
                out.push_str(&escape(lastmod));
                out.push_str("</lastmod>");
            }
            for (lang, href) in &entry.alternates {
                let _ = write!(
                    out,
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    escape(lang),
                    escape(href)
                );
            }
            out.push_str("</url>\n");
        }
        out.push_str("</urlset>\n");
        out
    };
    if entries.len() <= SITEMAP_LIMIT {
        return vec![("sitemap.xml".into(), urlset(entries))];
    }
    let mut files = Vec::new();
    let mut index = format!("{HEAD}<sitemapindex xmlns=\"{NS}\">\n");
    for (n, chunk) in entries.chunks(SITEMAP_LIMIT).enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        index.push_str(&format!("<sitemap><loc>{}</loc></sitemap>\n", escape(&format!("{base_url}{name}"))));
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".into(), index));
    files
}

/// `robots.txt`: everything may be crawled; the sitemap is here.
pub fn robots(sitemap_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n")
}
