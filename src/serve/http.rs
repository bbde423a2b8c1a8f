//! Answers one HTTP request from the current snapshot. URLs are looked up as
//! keys of the in-memory map, never joined to a folder on disk; requests that
//! try to climb out (`..`, `%2e%2e`, `%2f`, backslashes, NUL) are refused
//! with 400 before any lookup.

use std::sync::Arc;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};

use super::inject;
use super::server::{Body, Outcome, Request, Response};
use super::snapshot::{self, content_type, is_html};
use super::{Live, Shared};
use crate::files::Boundary;
use crate::links::Served;

/// The URL the live-reload script listens on.
pub const EVENTS_PATH: &str = "/__folio/events";

/// Characters kept as they are when a path segment goes back into a URL.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

type Reply = Response;

pub(crate) fn handle(request: &Request, shared: &Arc<Shared>) -> Outcome {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return Outcome::Answer(text(405, "method not allowed\n").with_header("Allow", "GET, HEAD"));
    }
    let Some((path, query)) = split_target(&request.target) else {
        return Outcome::Answer(text(400, "bad request\n"));
    };
    if path == EVENTS_PATH {
        let (since, known) = events_cursor(request, query, &shared.server_id);
        // The page of a tab that stays open, to be rendered first after a change.
        let page = query_param(query, "page").map(|p| percent_decode_str(p).decode_utf8_lossy().into_owned());
        if let Some(Ok(url)) = page.as_deref().and_then(|p| split_target(p)).map(|(p, _)| decode_path(p)) {
            if let Some(key) = file_key(&shared.live(), &url).filter(|key| is_html(key)) {
                shared.viewed(&key);
            }
        }
        let (shared, head_only) = (Arc::clone(shared), request.is_head());
        return Outcome::Keep(Box::new(move |connection| shared.hub.subscribe(connection, head_only, since, known)));
    }
    let Ok(url) = decode_path(path) else { return Outcome::Answer(text(400, "bad request\n")) };
    // While a rebuild renders the rest of its pages, a file it may still
    // change is answered once it is done.
    let key = match file_key(&shared.live(), &url) {
        Some(key) => {
            if is_html(&key) {
                shared.viewed(&key);
            }
            key
        }
        None => "404.html".to_string(),
    };
    let live = shared.live_for(&key);
    Outcome::Answer(lookup(&live, &shared.boundary, &url, query, &shared.server_id))
}

/// `name`'s value in a query string, as it is (not decoded).
fn query_param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?.split('&').find_map(|pair| pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
}

/// The path a URL asks for, as `served_file` reads it: `a/b/` for a folder.
fn file_path(url: &UrlPath) -> String {
    let mut path = url.segments.join("/");
    if url.folder && !path.is_empty() {
        path.push('/');
    }
    path
}

/// The key of the file `url` is answered with, when it is one of the site's.
fn file_key(live: &Live, url: &UrlPath) -> Option<String> {
    let exists = |key: &str| live.snapshot.get(key).is_some();
    match crate::links::served_file(&file_path(url), exists, &live.snapshot.host)? {
        Served::File { file, redirect: false } => Some(file),
        Served::App { page } => page,
        Served::File { redirect: true, .. } => None,
    }
}

/// The build a client last saw, from `Last-Event-ID` (sent on reconnects)
/// or else `?since=`; and whether `?server=` names this run of the server.
fn events_cursor(request: &Request, query: Option<&str>, server_id: &str) -> (Option<u64>, bool) {
    let last_id = request.header("Last-Event-ID").and_then(|v| v.parse().ok());
    let since = last_id.or_else(|| query_param(query, "since").and_then(|s| s.parse().ok()));
    let known = query_param(query, "server").is_none_or(|s| s == server_id);
    (since, known)
}

/// The path and query of a request target (also in absolute form,
/// `http://host/path`); `None` when it is not a path.
pub(crate) fn split_target(target: &str) -> Option<(&str, Option<&str>)> {
    let target = target.split('#').next().unwrap_or("");
    let target = match target.find("://") {
        Some(i) if !target[..i].contains('/') => target[i + 3..].find('/').map_or("/", |j| &target[i + 3 + j..]),
        _ => target,
    };
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    path.starts_with('/').then_some((path, query))
}

/// A request path, decoded and checked.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UrlPath {
    /// Decoded segments, without empty and `.` ones.
    pub segments: Vec<String>,
    /// Whether the URL ends with `/` (asks for a folder).
    pub folder: bool,
}

/// Decodes `%XX` per segment. A segment that is `..`, or that decodes to a
/// `/`, `\` or NUL, makes the whole request bad, as does a raw backslash or
/// a sequence that is not UTF-8.
pub(crate) fn decode_path(path: &str) -> Result<UrlPath, ()> {
    if path.contains('\\') {
        return Err(());
    }
    let mut segments = Vec::new();
    for raw in path.split('/') {
        let segment = percent_decode_str(raw).decode_utf8().map_err(|_| ())?;
        if segment == ".." || segment.contains(['/', '\\', '\0']) {
            return Err(());
        }
        if !segment.is_empty() && segment != "." {
            segments.push(segment.into_owned());
        }
    }
    Ok(UrlPath { segments, folder: path.ends_with('/') })
}

fn lookup(live: &Live, boundary: &Boundary, url: &UrlPath, query: Option<&str>, server_id: &str) -> Reply {
    let path = file_path(url);
    let exists = |key: &str| live.snapshot.get(key).is_some();
    match crate::links::served_file(&path, exists, &live.snapshot.host) {
        Some(Served::File { file: key, redirect: false }) => file(live, boundary, &key, 200, server_id),
        // As the portal's host did: the route's page, whose script reads the URL.
        Some(Served::App { page: Some(key) }) => file(live, boundary, &key, 200, server_id),
        Some(Served::App { page: None }) => not_here(live, &path, server_id),
        Some(Served::File { redirect: true, .. }) => {
            // Relative links on a folder's page only work with the slash.
            let mut location: String =
                url.segments.iter().map(|s| format!("/{}", utf8_percent_encode(s, SEGMENT))).collect();
            location.push('/');
            if let Some(q) = query {
                location.push('?');
                location.extend(utf8_percent_encode(q, CONTROLS));
            }
            text(301, "moved permanently\n").with_header("Location", location)
        }
        None => not_found(live, boundary, &url.segments, server_id),
    }
}

/// A URL another application answers on the published site (`app_routes`
/// without a page): said so, rather than a plain "not found".
fn not_here(live: &Live, path: &str, server_id: &str) -> Reply {
    let shown: String = path.chars().take(200).collect();
    let page = inject::elsewhere_page(&format!("/{}", shown.trim_start_matches('/')));
    html(live, page.as_bytes(), 404, server_id)
}

fn not_found(live: &Live, boundary: &Boundary, segments: &[String], server_id: &str) -> Reply {
    if live.snapshot.get("404.html").is_some() {
        return file(live, boundary, "404.html", 404, server_id);
    }
    let mut shown = format!("/{}", segments.join("/"));
    if shown.len() > 200 {
        let mut end = 200;
        while !shown.is_char_boundary(end) {
            end -= 1;
        }
        shown.truncate(end);
        shown.push('…');
    }
    let page = inject::not_found_page(&shown);
    html(live, page.as_bytes(), 404, server_id)
}

fn file(live: &Live, boundary: &Boundary, key: &str, status: u16, server_id: &str) -> Reply {
    let Some(entry) = live.snapshot.get(key) else { return text(404, "not found\n") };
    // A file is read from the place the build named, never from a path in
    // the URL; and only while that place is still inside the site (it may
    // have been replaced by a link since).
    if let snapshot::Body::File(path) = &entry.body {
        if !boundary.contains(path) {
            return text(404, "not found\n");
        }
    }
    if is_html(key) {
        return match entry.bytes() {
            Ok(bytes) => html(live, &bytes, status, server_id),
            Err(_) => text(404, "not found\n"),
        };
    }
    let body = match &entry.body {
        snapshot::Body::Memory(bytes) => Body::Shared(Arc::clone(bytes)),
        snapshot::Body::Static(bytes) => Body::Static(bytes),
        snapshot::Body::File(path) => {
            let Ok(file) = std::fs::File::open(path) else { return text(404, "not found\n") };
            let Ok(meta) = file.metadata() else { return text(404, "not found\n") };
            Body::Reader(Box::new(file), meta.len())
        }
    };
    reply(status, &content_type(key), body)
}

/// An HTML page with the live-reload script (and the error overlay, while
/// the last rebuild failed) put in.
fn html(live: &Live, page: &[u8], status: u16, server_id: &str) -> Reply {
    let mut snippet = String::new();
    if let Some(failure) = &live.failure {
        snippet.push_str(&failure.overlay);
    }
    snippet.push_str(&inject::script(live.build, server_id));
    let body = inject::insert_before_body_end(page, &snippet);
    reply(status, "text/html; charset=utf-8", Body::Bytes(body))
}

fn text(status: u16, body: &str) -> Reply {
    reply(status, "text/plain; charset=utf-8", Body::Bytes(body.as_bytes().to_vec()))
}

/// Every answer has a Content-Length (HEAD answers show it too), never a
/// chunked body.
fn reply(status: u16, content_type: &str, body: Body) -> Reply {
    Response::new(status, content_type, body)
        .with_header("Cache-Control", "no-cache")
        .with_header("X-Content-Type-Options", "nosniff")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(path: &str) -> Vec<String> {
        decode_path(path).unwrap().segments
    }

    #[test]
    fn targets_split_into_path_and_query() {
        assert_eq!(split_target("/a/b?x=1#f"), Some(("/a/b", Some("x=1"))));
        assert_eq!(split_target("http://127.0.0.1:1/a/?q"), Some(("/a/", Some("q"))));
        assert_eq!(split_target("http://host"), Some(("/", None)));
        assert_eq!(split_target("*"), None);
        assert_eq!(split_target("a/b"), None);
    }

    #[test]
    fn paths_are_decoded_per_segment() {
        assert_eq!(
            segments("/assets/images/Limenitis%20reducta%20Staudinger%2C.jpg"),
            ["assets", "images", "Limenitis reducta Staudinger,.jpg"]
        );
        assert_eq!(segments("//a/./b/"), ["a", "b"]);
        assert!(decode_path("/a/").unwrap().folder);
        assert_eq!(segments("/caf%C3%A9"), ["café"]);
    }

    #[test]
    fn climbing_out_is_refused() {
        for bad in [
            "/../Cargo.toml",
            "/a/../../x",
            "/%2e%2e/site.yaml",
            "/%2E%2E/site.yaml",
            "/..%2fsite.yaml",
            "/..%2Fsite.yaml",
            "/\\..\\site.yaml",
            "/%5c..%5csite.yaml",
            "/a%00.html",
            "/%ff",
        ] {
            assert_eq!(decode_path(bad), Err(()), "{bad}");
        }
    }
}
