//! Files -> site model. Discovery walks `content/`, each Markdown file is
//! read and its front matter parsed (in parallel), and the tree of sections
//! and pages is assembled with URLs and ordering.

mod dates;
pub mod front_matter;
mod ids;
pub mod kinds;
pub mod schedule;
mod tree;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
pub use dates::WrittenDate;
pub use front_matter::FrontMatter;
pub use ids::{DocId, PerDoc};
pub use kinds::{Kind, KindFields};
pub use tree::{
    build_tree, build_tree_and_excluded, dir_url, output_file, title_of, Page, PageId, Section, SectionId, SiteTree,
    ROOT,
};

pub const CONTENT_DIR: &str = "content";

/// One Markdown file, read and split.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path shown to people: `content/meetings/2021/sessions.md`.
    pub source: PathBuf,
    /// Path inside `content/`: `meetings/2021/sessions.md`.
    pub rel: PathBuf,
    /// The whole file, for positions and quotes; empty once released (see
    /// [`Document::release_text`]).
    pub text: String,
    /// The YAML of the front matter (empty when there is none).
    pub front_yaml: String,
    pub body_start: usize,
    pub front: FrontMatter,
    /// The typed fields of its kind.
    pub fields: KindFields,
    pub extra: crate::yaml::Mapping,
    /// The body after Liquid ran over it (`liquid: true` in site.yaml),
    /// when that changed it.
    pub evaluated: Option<std::sync::Arc<Evaluated>>,
    /// Where the text is read back from once released.
    released: Option<Box<Released>>,
}

/// A released text's file, and its hash to tell that it is still the same.
#[derive(Debug, Clone)]
struct Released {
    file: PathBuf,
    hash: blake3::Hash,
}

/// A content file that changed between reading it and rendering it.
pub const SOURCE_CHANGED: &str = "source-changed";

/// A body as Liquid left it, and where each part of it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluated {
    pub body: String,
    /// `(offset in body, offset in the file, length)`, in order: a part of
    /// the file copied as it was (length > 0), or what a Liquid tag or
    /// block written at that file offset produced (length 0).
    pub parts: Vec<(usize, usize, usize)>,
}

impl Evaluated {
    /// The file offset an offset of the evaluated body came from: exact in
    /// text copied as it was, else the start of the Liquid that wrote it.
    pub fn file_offset(&self, offset: usize) -> usize {
        let i = self.parts.partition_point(|&(at, _, _)| at <= offset);
        match i.checked_sub(1).map(|i| self.parts[i]) {
            Some((at, file, len)) if len > 0 && offset - at < len => file + (offset - at),
            Some((_, file, _)) => file,
            None => 0,
        }
    }
}

impl Document {
    pub fn body(&self) -> &str {
        debug_assert!(
            self.released.is_none(),
            "the body of {} was read after its text was released",
            self.rel.display()
        );
        self.body_in(&self.text)
    }

    /// Where an offset of [`Document::body`] is in the file.
    pub fn body_place(&self, offset: usize) -> crate::diagnostics::Place {
        crate::diagnostics::Place::Offset(match &self.evaluated {
            Some(e) => e.file_offset(offset),
            None => self.body_start + offset,
        })
    }

    /// An empty document standing in for a file the site does not have.
    pub fn stand_in(rel: &Path) -> Document {
        Document {
            source: Path::new(CONTENT_DIR).join(rel),
            rel: rel.to_path_buf(),
            text: String::new(),
            front_yaml: String::new(),
            body_start: 0,
            front: FrontMatter::default(),
            fields: KindFields::None,
            extra: Default::default(),
            evaluated: None,
            released: None,
        }
    }

    /// Lets go of the file's text, to be read again when it is needed (see
    /// [`Document::text`]): `folio build` of a site whose sources are too
    /// large to hold through the build does so once the page's links are
    /// known (at 100,000 pages the sources are 800 MB). A body that Liquid
    /// rewrote is kept as it is.
    pub fn release_text(&mut self, root: &Path) {
        if self.released.is_some() || self.evaluated.is_some() {
            return;
        }
        let hash = blake3::hash(self.text.as_bytes());
        self.released = Some(Box::new(Released { file: root.join(CONTENT_DIR).join(&self.rel), hash }));
        self.text = String::new();
    }

    /// The file's text: the one held, else the file read again, which must
    /// be what was read first (the page's title, date and URL came from it).
    pub fn text(&self) -> Result<std::borrow::Cow<'_, str>, Diagnostic> {
        let Some(released) = &self.released else { return Ok(std::borrow::Cow::Borrowed(&self.text)) };
        let changed = || {
            Diagnostic::error("the file changed while the site was being built")
                .code(SOURCE_CHANGED)
                .at(Location::file(&self.source))
                .help("build again once it is saved")
        };
        let bytes = std::fs::read(&released.file).map_err(|_| changed())?;
        let text = file_text(&self.source, bytes).map_err(|_| changed())?;
        match blake3::hash(text.as_bytes()) == released.hash {
            true => Ok(std::borrow::Cow::Owned(text)),
            false => Err(changed()),
        }
    }

    /// The file's text for a diagnostic's quote (empty if it is gone or changed).
    fn text_for_quotes(&self) -> std::borrow::Cow<'_, str> {
        self.text().unwrap_or_default()
    }

    /// The body in `text`, the file's text (see [`Document::text`]).
    pub fn body_in<'t>(&'t self, text: &'t str) -> &'t str {
        match &self.evaluated {
            Some(e) => &e.body,
            None => &text[self.body_start..],
        }
    }

    /// The line and column of `place` in the file.
    pub fn locate(&self, place: &crate::diagnostics::Place) -> Location {
        place.resolve(&self.source, &self.text_for_quotes())
    }

    /// Line `line`, column `column` of the file, with the line quoted.
    pub fn location_at_line(&self, line: usize, column: usize) -> Location {
        Location::at_line(&self.source, &self.text_for_quotes(), line, column)
    }

    /// `_index.md`, or a translation of one: `_index.es.md`.
    pub fn is_section_index(&self) -> bool {
        let Some(name) = self.rel.file_name().and_then(|n| n.to_str()) else { return false };
        name == "_index.md"
            || name
                .strip_prefix("_index.")
                .and_then(|rest| rest.strip_suffix(".md"))
                .is_some_and(crate::languages::is_language_tag)
    }

    /// `lang-ref` in the front matter: the key every translation of a page
    /// shares, as GBIF's Jekyll sites write it. `Err` when it is not text.
    pub fn lang_ref(&self) -> Result<Option<String>, Diagnostic> {
        match self.extra.get("lang-ref") {
            None | Some(crate::yaml::Value::Null) => Ok(None),
            Some(crate::yaml::Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
            Some(crate::yaml::Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(Diagnostic::error("`lang-ref` must be text: the key every translation of the page shares")
                .at(self.key_location("lang-ref"))
                .help("write one word or phrase, e.g. `lang-ref: about`, in every translation of the page")),
        }
    }

    /// The location of `child:` inside the top-level `parent:` block.
    pub fn nested_key_location(&self, parent: &str, child: &str) -> Location {
        let Some((parent_line, _)) = crate::yaml::key_position(&self.front_yaml, parent) else {
            return self.key_location(parent);
        };
        let found = self.front_yaml.lines().enumerate().skip(parent_line).find_map(|(i, line)| {
            let trimmed = line.trim_start();
            let column = line.len() - trimmed.len() + 1;
            trimmed.strip_prefix(child)?.trim_start().starts_with(':').then_some((i + 1, column))
        });
        match found {
            Some((line, column)) => self.location_at_line(line + 1, column),
            None => self.key_location(parent),
        }
    }

    /// The location of `child:` in item `index` (from 0) of the top-level
    /// list `parent:`; the item's own line when it has no such key, and
    /// `parent:` when the list is not written as a block.
    pub fn item_key_location(&self, parent: &str, index: usize, child: &str) -> Location {
        let Some((parent_line, _)) = crate::yaml::key_position(&self.front_yaml, parent) else {
            return self.key_location(parent);
        };
        let lines: Vec<&str> = self.front_yaml.lines().collect();
        let indent = |line: &str| line.len() - line.trim_start().len();
        let is_item = |line: &str| line.trim_start().starts_with("- ") || line.trim() == "-";
        // Items are the block's `- ` lines at the indentation of its first one.
        let mut items = lines
            .iter()
            .enumerate()
            .skip(parent_line)
            .take_while(|(_, l)| l.trim().is_empty() || indent(l) > 0 || is_item(l));
        let Some((first, first_line)) = items.find(|(_, l)| is_item(l)) else { return self.key_location(parent) };
        let item_indent = indent(first_line);
        let block_end = lines
            .iter()
            .enumerate()
            .skip(first + 1)
            .find(|(_, l)| !l.trim().is_empty() && (indent(l) < item_indent || indent(l) == item_indent && !is_item(l)))
            .map_or(lines.len(), |(i, _)| i);
        let starts: Vec<usize> =
            (first..block_end).filter(|&i| is_item(lines[i]) && indent(lines[i]) == item_indent).collect();
        let Some(&start) = starts.get(index) else { return self.key_location(parent) };
        let end = starts.get(index + 1).copied().unwrap_or(block_end);
        let found = (start..end).find_map(|i| {
            let line = lines[i];
            let mut rest = line.trim_start();
            if i == start {
                rest = rest.trim_start_matches('-').trim_start();
            }
            let column = line.len() - rest.len() + 1;
            rest.strip_prefix(child)?.trim_start().starts_with(':').then_some((i + 1, column))
        });
        let (line, column) = found.unwrap_or((start + 1, item_indent + 1));
        self.location_at_line(line + 1, column)
    }

    /// The location of a top-level front matter key, for errors about its value.
    pub fn key_location(&self, key: &str) -> Location {
        match crate::yaml::key_position(&self.front_yaml, key) {
            Some((line, column)) => self.location_at_line(line + 1, column),
            None => self.location_at_line(1, 1),
        }
    }
}

/// A file in `content/` that is not Markdown: copied beside its page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ContentAsset {
    pub source: PathBuf,
    pub rel: PathBuf,
}

/// Everything found in `content/`.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub assets: Vec<ContentAsset>,
    /// The length of every Markdown file's text, released or not.
    pub source_bytes: usize,
}

/// Walks `root/content`, reads every Markdown file and splits its front
/// matter. Broken files become diagnostics; the rest still load, so one run
/// reports every broken file.
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Loaded {
    load_reusing(root, diagnostics, &|_, _| None, None)
}

/// [`load`], taking from `reuse` the documents it already has (it is asked
/// with each Markdown file's full path and its path inside `content/`); the
/// others are read. The walk, its order and its warnings are [`load`]'s.
///
/// With `held_up_to`, once the texts read add up to more than that many
/// bytes every document releases its text (see [`Document::release_text`]),
/// each as soon as it is parsed from then on: a site too large to hold its
/// sources never holds them all, and their memory is reused by the next
/// file read instead of being freed, 800 MB of it in scattered pieces,
/// after the links pass (the allocator then spent a third of the
/// templates' time searching those pieces).
pub fn load_reusing(
    root: &Path,
    diagnostics: &mut Diagnostics,
    reuse: &(dyn Fn(&Path, &Path) -> Option<Document> + Sync),
    held_up_to: Option<usize>,
) -> Loaded {
    let content_dir = root.join(CONTENT_DIR);
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error(format!("no `{CONTENT_DIR}/` folder in {}", root.display()))
                .help("run folio in the site's folder, or pass `--root DIR`"),
        );
        return Loaded::default();
    }
    // Links inside the site are followed (authors link shared folders in);
    // links that leave it, loops and names that are not UTF-8 are warnings.
    let listing = crate::files::list(&content_dir, root);
    diagnostics.extend(listing.warnings);
    for (rel, path) in listing.files {
        let source = display_path(root, &path);
        if rel.extension().is_some_and(|e| e == "md" || e == "markdown") {
            markdown.push((path, source, rel));
        } else {
            assets.push(ContentAsset { source: path, rel });
        }
    }

    let read = std::sync::atomic::AtomicUsize::new(0);
    let over_bound = |len: usize| {
        let total = read.fetch_add(len, std::sync::atomic::Ordering::Relaxed) + len;
        held_up_to.is_some_and(|bound| total > bound)
    };
    let results: Vec<Result<Document, Diagnostic>> = markdown
        .into_par_iter()
        .map(|(path, source, rel)| {
            let mut doc = reuse(&path, &rel).map_or_else(|| read_document(&path, source, rel), Ok)?;
            if over_bound(doc.text.len()) {
                doc.release_text(root);
            }
            Ok(doc)
        })
        .collect();
    let source_bytes = read.into_inner();
    let mut documents = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(doc) => documents.push(doc),
            Err(d) => diagnostics.push(d),
        }
    }
    if held_up_to.is_some_and(|bound| source_bytes > bound) {
        documents.par_iter_mut().for_each(|doc| doc.release_text(root));
    }
    Loaded { documents, assets, source_bytes }
}

pub use crate::files::display_path;

/// Reads one Markdown file at `path` (shown as `source`, at `rel` inside
/// `content/`) and splits and parses its front matter.
pub fn read_document(path: &Path, source: PathBuf, rel: PathBuf) -> Result<Document, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(format!("cannot read file: {e}")).at(Location::file(&source)))?;
    document_from_bytes(bytes, source, rel)
}

/// A content file's bytes, decoded, split and parsed (what [`read_document`]
/// does once the file is read).
pub fn document_from_bytes(bytes: Vec<u8>, source: PathBuf, rel: PathBuf) -> Result<Document, Diagnostic> {
    let text = file_text(&source, bytes)?;
    let split = front_matter::split(&source, &text)?;
    let front_yaml = split.yaml.unwrap_or("").to_string();
    let parsed = match split.yaml {
        Some(yaml) => front_matter::parse(&source, &text, yaml)?,
        None => Default::default(),
    };
    Ok(Document {
        source,
        rel,
        body_start: split.body_start,
        front_yaml,
        front: parsed.front,
        fields: parsed.fields,
        extra: parsed.extra,
        text,
        evaluated: None,
        released: None,
    })
}

/// A content file's bytes as the text its offsets count in: UTF-8 without
/// a byte order mark, lone CRs read as LF.
fn file_text(source: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let mut text = crate::text::decode_utf8(source, bytes)?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    if let Some(nul) = memchr::memchr(0, text.as_bytes()) {
        return Err(Diagnostic::error("the file holds a NUL byte (U+0000), which no page may contain")
            .at(Location::at_offset(source, &text, nul))
            .help("remove the NUL byte; it usually comes from a file saved as UTF-16 or pasted from a binary file"));
    }
    Ok(lone_cr_as_lf(text))
}

/// Line endings of old Mac editors (a CR alone) read as LF, so that such
/// a file's front matter and lines are found like any other's. CRLF stays:
/// every stage already reads it. Byte offsets do not move.
fn lone_cr_as_lf(text: String) -> String {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', bytes).any(lone) {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    String::from_utf8(bytes).expect("replacing one ASCII byte by another keeps UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bytes_are_an_error_at_their_line() {
        let bytes = b"---\ntitle: A\n---\nText\nbad\0here\n".to_vec();
        let err = document_from_bytes(bytes, "content/a.md".into(), "a.md".into()).unwrap_err();
        let loc = err.location.unwrap();
        assert_eq!((loc.line, loc.column), (5, 4));
        assert!(err.message.contains("NUL"), "{}", err.message);
    }

    #[test]
    fn cr_only_files_are_read_like_any_other() {
        let bytes = b"---\rtitle: Old Mac\rweight: 2\r---\r# Heading\r\rText\r".to_vec();
        let doc = document_from_bytes(bytes, "content/a.md".into(), "a.md".into()).unwrap();
        assert_eq!(doc.front.title.as_deref(), Some("Old Mac"));
        assert_eq!(doc.front.weight, Some(2));
        assert_eq!(doc.body(), "# Heading\n\nText\n");
        let crlf = document_from_bytes(b"---\r\ntitle: A\r\n---\r\nx".to_vec(), "a".into(), "a".into()).unwrap();
        assert_eq!(crlf.text, "---\r\ntitle: A\r\n---\r\nx");
    }
}
