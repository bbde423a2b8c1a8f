//! The URLs a GBIF hosted portal's application answered on the same host,
//! found the three ways the sites declare them, so that links to
//! `/dataset/<key>` or `/taxonomy/taxon/<id>` are not taken for broken
//! ones (site.yaml's `app_routes`):
//!
//! - a page published at a `_key_` URL (`permalink: /dataset/_key_`): the
//!   host answered every `/dataset/<key>` with it, and its data widget read
//!   the key from the URL;
//! - the rewrites of `serve.json` (`/institution/*-*` ->
//!   `/institution/_key_.html`), what the theme's local server was told;
//! - a page whose own script routes the URLs below its URL
//!   (`pathToTaxon: '/taxonomy/taxon/'` on the page `/taxonomy/taxon`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::AppRoute;

/// A route, and what declared it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundRoute {
    pub route: AppRoute,
    /// `dataset/datasetKey.md (its permalink)`, `serve.json`.
    pub declared_by: String,
}

/// A page as the route finder needs it.
pub struct RoutePage<'a> {
    /// Path in the Jekyll site.
    pub source: &'a str,
    /// The URL Jekyll gave it, and the one folio gives it.
    pub jekyll_url: &'a str,
    pub url: &'a str,
    /// Its text as written.
    pub text: &'a str,
}

#[derive(Deserialize)]
struct ServeJson {
    #[serde(default)]
    rewrites: Vec<Rewrite>,
}

#[derive(Deserialize)]
struct Rewrite {
    source: String,
    destination: String,
}

/// The routes the pages and `serve.json` (its text, if the site has one)
/// declare, one per prefix (the first found), in the order of prefixes.
pub fn find(pages: &[RoutePage<'_>], serve_json: Option<&str>) -> Vec<FoundRoute> {
    let mut found: Vec<FoundRoute> = Vec::new();
    let mut add = |prefix: String, page: Option<&str>, declared_by: String| {
        if prefix.len() > 1 && !found.iter().any(|f| f.route.prefix == prefix) {
            found.push(FoundRoute { route: AppRoute { prefix, page: page.map(str::to_string) }, declared_by });
        }
    };
    for page in pages {
        if let Some(at) = page.jekyll_url.find("/_key_") {
            add(page.jekyll_url[..=at].to_string(), Some(page.url), format!("{} (its permalink)", page.source));
        }
    }
    if let Some(rewrites) = serve_json.and_then(|text| serde_json::from_str::<ServeJson>(text).ok()) {
        for rewrite in rewrites.rewrites {
            let destination = rewrite.destination.trim_start_matches('/');
            let page = pages.iter().find(|p| output_of(p.jekyll_url) == destination).map(|p| p.url);
            if let (Some(prefix), Some(page)) = (literal_folder(&rewrite.source), page) {
                add(prefix, Some(page), "serve.json".to_string());
            }
        }
    }
    for page in pages {
        let own = page.jekyll_url.trim_end_matches(".html").trim_end_matches('/');
        if own.is_empty() || !page.text.contains("<script") {
            continue;
        }
        let below = format!("{own}/");
        if page.text.contains(&format!("'{below}'")) || page.text.contains(&format!("\"{below}\"")) {
            add(below, Some(page.url), format!("{} (its script routes the URLs below it)", page.source));
        }
    }
    found.sort_by(|a, b| a.route.prefix.cmp(&b.route.prefix));
    found
}

/// The file Jekyll wrote for a page's URL: `/a/` -> `a/index.html`,
/// `/a` -> `a.html`.
fn output_of(jekyll_url: &str) -> String {
    let path = jekyll_url.trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else if Path::new(path).extension().is_some() {
        path.to_string()
    } else {
        format!("{path}.html")
    }
}

/// The folder a rewrite's pattern starts with: `/institution/*-*/*` ->
/// `/institution/`; none when the pattern starts with a wildcard.
fn literal_folder(pattern: &str) -> Option<String> {
    let literal = &pattern[..pattern.find(['*', '?', '!', '(', '[', '{']).unwrap_or(pattern.len())];
    let folder = &literal[..=literal.rfind('/')?];
    folder.starts_with('/').then(|| folder.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page<'a>(source: &'a str, jekyll_url: &'a str, url: &'a str, text: &'a str) -> RoutePage<'a> {
        RoutePage { source, jekyll_url, url, text }
    }

    #[test]
    fn key_pages_rewrites_and_application_pages_declare_routes() {
        let taxon = "---\n---\n<script>\nconst c = { pathToTaxon: '/taxonomy/taxon/', pathToTree: '/taxonomy/browse' };\n</script>\n";
        let pages = [
            page("datasetKey.md", "/dataset/_key_", "/dataset/_key_/", "---\n---\n"),
            page("fr/datasetKey.md", "/fr/dataset/_key_", "/fr/dataset/_key_/", "---\n---\n"),
            page("institutionKey.md", "/institution/_key_", "/institution/_key_/", "---\n---\n"),
            page("taxonomy/taxon.md", "/taxonomy/taxon", "/taxonomy/taxon/", taxon),
            page("about.md", "/about/", "/about/", "<script>fetch('/about/x')</script>"),
        ];
        let serve = r#"{"rewrites": [
            {"source": "/institution/*-*", "destination": "/institution/_key_.html"},
            {"source": "/collection/*-*/*", "destination": "/collection/_key_.html"},
            {"source": "/es/institution/*-*", "destination": "/es/institution/_key_.html"}]}"#;
        let found = find(&pages, Some(serve));
        let routes: Vec<(&str, Option<&str>, &str)> =
            found.iter().map(|f| (f.route.prefix.as_str(), f.route.page.as_deref(), f.declared_by.as_str())).collect();
        assert_eq!(
            routes,
            [
                ("/dataset/", Some("/dataset/_key_/"), "datasetKey.md (its permalink)"),
                ("/fr/dataset/", Some("/fr/dataset/_key_/"), "fr/datasetKey.md (its permalink)"),
                ("/institution/", Some("/institution/_key_/"), "institutionKey.md (its permalink)"),
                (
                    "/taxonomy/taxon/",
                    Some("/taxonomy/taxon/"),
                    "taxonomy/taxon.md (its script routes the URLs below it)"
                ),
            ],
            "a rewrite to a page the site lacks declares nothing"
        );
        assert_eq!(literal_folder("/es/institution/*-*/*").as_deref(), Some("/es/institution/"));
        assert_eq!(literal_folder("*"), None);
        assert_eq!(output_of("/institution/_key_"), "institution/_key_.html");
        assert_eq!(output_of("/a/"), "a/index.html");
    }
}
