//! The served site: an immutable map from URL path to bytes, made from one
//! build's [`SiteOutput`]. A rebuild makes a whole new snapshot and the
//! server swaps it in at once, so no request sees half of two builds.
//!
//! Rendered files (pages) are held in memory as they are. Files the build
//! copies from disk are read into memory too, up to [`MEMORY_LIMIT`] bytes
//! each, so that a snapshot really is one moment of the site; bigger ones
//! (videos, large PDFs) are streamed from their source file when asked for,
//! because re-reading hundreds of megabytes on every save would make every
//! rebuild slow. A disk file whose size, modification time and path are
//! unchanged, and which the watcher did not report, keeps the bytes of the
//! previous snapshot: a rebuild reads only what changed.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::output::{OutputContent, SiteOutput};
use crate::theme::FileSource;

/// Files up to this size are held in memory; bigger ones are read from disk
/// on each request.
pub const MEMORY_LIMIT: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone)]
pub(crate) enum Body {
    Memory(Arc<[u8]>),
    Static(&'static [u8]),
    /// Streamed from its source file when served.
    File(PathBuf),
}

/// What identifies a copied file's version without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    source: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub body: Body,
    fingerprint: Option<Fingerprint>,
}

impl Entry {
    /// Same content as `other`, judged without reading files from disk.
    fn same_as(&self, other: &Entry) -> bool {
        match (&self.body, &other.body) {
            (Body::Memory(a), Body::Memory(b)) => Arc::ptr_eq(a, b) || a == b,
            (Body::Static(a), Body::Static(b)) => a == b,
            (Body::File(_), Body::File(_)) => self.fingerprint == other.fingerprint,
            _ => false,
        }
    }

    /// The bytes, read from disk for a streamed file.
    pub fn bytes(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match &self.body {
            Body::Memory(b) => Ok(std::borrow::Cow::Borrowed(b)),
            Body::Static(b) => Ok(std::borrow::Cow::Borrowed(b)),
            Body::File(path) => std::fs::read(path).map(std::borrow::Cow::Owned),
        }
    }
}

/// One build of the site, by URL path without the leading slash
/// (`nodes/gbif-cas/index.html`).
#[derive(Debug, Default)]
pub struct Snapshot {
    files: HashMap<String, Entry>,
    /// How the host answers URLs beyond the files (`implicit_html`,
    /// `app_routes` in site.yaml).
    pub host: crate::links::HostRules,
}

impl Snapshot {
    /// Makes the snapshot of a build. `previous` lends the bytes of copied
    /// files that did not change; `changed` are the source files the watcher
    /// reported, which are always read again.
    pub(crate) fn new(output: SiteOutput, previous: &Snapshot, changed: &HashSet<PathBuf>) -> Snapshot {
        let host = output.host.clone();
        let mut files = HashMap::with_capacity(output.files.len());
        for (path, file) in output.files {
            let Some(key) = key_of(&path) else { continue };
            let entry = match file.content {
                OutputContent::Rendered(bytes) => Entry { body: Body::Memory(bytes), fingerprint: None },
                OutputContent::Copied(FileSource::Embedded(bytes)) => {
                    Entry { body: Body::Static(bytes), fingerprint: None }
                }
                OutputContent::Copied(FileSource::Disk(source)) => {
                    copied_entry(source, previous.files.get(&key), changed)
                }
            };
            files.insert(key, entry);
        }
        Snapshot { files, host }
    }

    /// This snapshot with `pages` (keys and HTML) in place of its own.
    pub(crate) fn with_pages(&self, pages: Vec<(String, Arc<[u8]>)>) -> Snapshot {
        let mut files = self.files.clone();
        for (key, bytes) in pages {
            files.insert(key, Entry { body: Body::Memory(bytes), fingerprint: None });
        }
        Snapshot { files, host: self.host.clone() }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Entry> {
        self.files.get(key)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.files.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Number of HTML pages.
    pub fn pages(&self) -> usize {
        self.files.keys().filter(|k| is_html(k)).count()
    }

    /// Keys that were added, removed or changed since `old`, sorted.
    pub(crate) fn changed_since(&self, old: &Snapshot) -> Vec<String> {
        let mut changed: Vec<String> = self
            .files
            .iter()
            .filter(|(key, entry)| old.files.get(*key).is_none_or(|o| !entry.same_as(o)))
            .map(|(key, _)| key.clone())
            .chain(old.files.keys().filter(|k| !self.files.contains_key(*k)).cloned())
            .collect();
        changed.sort();
        changed
    }
}

fn copied_entry(source: PathBuf, previous: Option<&Entry>, changed: &HashSet<PathBuf>) -> Entry {
    let meta = std::fs::metadata(&source).ok();
    let fingerprint = Fingerprint {
        len: meta.as_ref().map_or(0, |m| m.len()),
        modified: meta.as_ref().and_then(|m| m.modified().ok()),
        source,
    };
    if let Some(prev) = previous {
        if prev.fingerprint.as_ref() == Some(&fingerprint) && !changed.contains(&fingerprint.source) {
            return prev.clone();
        }
    }
    let body = if meta.is_some() && fingerprint.len <= MEMORY_LIMIT {
        read_limited(&fingerprint.source).map_or_else(|| Body::File(fingerprint.source.clone()), Body::Memory)
    } else {
        Body::File(fingerprint.source.clone())
    };
    Entry { body, fingerprint: Some(fingerprint) }
}

/// Reads a file that should be small, giving up if it grew past the limit.
fn read_limited(path: &Path) -> Option<Arc<[u8]>> {
    let mut bytes = Vec::new();
    let file = std::fs::File::open(path).ok()?;
    file.take(MEMORY_LIMIT + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MEMORY_LIMIT).then(|| bytes.into())
}

/// `meetings/2021/index.html` for the output path of that name; `None` for
/// paths that could not come from a URL (absolute, `..`, not UTF-8).
pub(crate) fn key_of(path: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

pub(crate) fn is_html(key: &str) -> bool {
    let lower = key.rsplit('/').next().unwrap_or(key).to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm")
}

pub(crate) fn is_css(key: &str) -> bool {
    key.to_ascii_lowercase().ends_with(".css")
}

/// The `Content-Type` of a file, by its name. The common web types are
/// spelled out (with a charset for text); `mime_guess` names the long tail
/// (PDFs, office documents, audio, video, archives).
pub(crate) fn content_type(key: &str) -> String {
    let name = key.rsplit('/').next().unwrap_or(key);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let known = match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "txt" | "text" => "text/plain; charset=utf-8",
        "md" | "markdown" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "webmanifest" => "application/manifest+json",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    match mime_guess::from_ext(&ext).first() {
        Some(mime) if mime.type_() == mime_guess::mime::TEXT => format!("{}; charset=utf-8", mime.essence_str()),
        Some(mime) => mime.essence_str().to_string(),
        None => "application/octet-stream".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, OutputContent)]) -> SiteOutput {
        let mut out = SiteOutput::default();
        for (path, content) in files {
            out.add(PathBuf::from(path), content.clone(), Path::new("x")).unwrap();
        }
        out
    }

    #[test]
    fn keys_are_url_paths() {
        assert_eq!(key_of(Path::new("a/b/index.html")).unwrap(), "a/b/index.html");
        assert_eq!(key_of(Path::new("index.html")).unwrap(), "index.html");
        assert!(key_of(Path::new("../x")).is_none());
        assert!(key_of(Path::new("/etc/passwd")).is_none());
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/site.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("x.ics"), "text/calendar; charset=utf-8");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert_eq!(content_type("doc.docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn changes_are_found_and_unchanged_disk_files_are_reused() {
        let dir = tempfile::tempdir().unwrap();
        let css = dir.path().join("a.css");
        std::fs::write(&css, "body{}").unwrap();
        let page = |s: &str| OutputContent::Rendered(s.as_bytes().into());
        let disk = OutputContent::Copied(FileSource::Disk(css.clone()));
        let none = HashSet::new();
        let first = Snapshot::new(
            output(&[("index.html", page("one")), ("a.css", disk.clone()), ("gone.html", page("x"))]),
            &Snapshot::default(),
            &none,
        );
        let second = Snapshot::new(output(&[("index.html", page("two")), ("a.css", disk.clone())]), &first, &none);
        assert_eq!(second.changed_since(&first), ["gone.html", "index.html"]);
        let (Body::Memory(a), Body::Memory(b)) =
            (&first.get("a.css").unwrap().body, &second.get("a.css").unwrap().body)
        else {
            panic!("css held in memory")
        };
        assert!(Arc::ptr_eq(a, b), "unchanged file not read again");

        std::fs::write(&css, "body{color:red}").unwrap();
        let third = Snapshot::new(output(&[("index.html", page("two")), ("a.css", disk)]), &second, &none);
        assert_eq!(third.changed_since(&second), ["a.css"]);
        assert_eq!(&*third.get("a.css").unwrap().bytes().unwrap(), b"body{color:red}");
    }
}
