//! Atom 1.0 feeds (RFC 4287) of the sections that ask for one (`feed: true`
//! on their `_index.md`). Ids are the pages' absolute URLs, so they stay
//! the same from build to build; dates come from front matter, never from
//! the clock.

use crate::markdown::escape;

/// An Atom 1.0 feed (RFC 4287) of a section.
#[derive(Debug, Clone)]
pub struct Feed {
    /// The section's absolute URL: the feed's id, stable as long as the
    /// section keeps its address.
    pub id: String,
    pub self_url: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub author: String,
    pub lang: String,
    pub generator: String,
    /// Newest first.
    pub entries: Vec<FeedEntry>,
}

#[derive(Debug, Clone)]
pub struct FeedEntry {
    /// The page's absolute URL, which is also its id.
    pub url: String,
    pub title: String,
    /// `YYYY-MM-DD` from front matter.
    pub published: String,
    pub updated: String,
    pub summary: Option<String>,
}

/// A front matter date as an Atom date: midnight UTC of that day, so that
/// the feed depends on the content alone, never on the clock.
fn atom_date(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

pub fn atom(feed: &Feed) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let updated = feed.entries.iter().map(|e| e.updated.as_str()).max().unwrap_or("1970-01-01");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<id>{}</id>\n<title>{}</title>\n",
        escape(&feed.lang),
        escape(&feed.id),
        escape(&feed.title)
    ));
    if let Some(subtitle) = &feed.subtitle {
        out.push_str(&format!("<subtitle>{}</subtitle>\n", escape(subtitle)));
    }
    out.push_str(&format!(
        "<updated>{}</updated>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<author><name>{}</name></author>\n\
         <generator>{}</generator>\n",
        atom_date(updated),
        escape(&feed.self_url),
        escape(&feed.id),
        escape(&feed.author),
        escape(&feed.generator)
    ));
    for entry in &feed.entries {
        out.push_str(&format!(
            "<entry>\n<id>{url}</id>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
             <published>{}</published>\n<updated>{}</updated>\n",
            escape(&entry.title),
            atom_date(&entry.published),
            atom_date(&entry.updated),
            url = escape(&entry.url),
        ));
        if let Some(summary) = &entry.summary {
            out.push_str(&format!("<summary>{}</summary>\n", escape(summary)));
        }
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
