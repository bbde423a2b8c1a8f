//! `folio import programme`: turns GBIF's annual Work Programme, one long
//! Markdown document converted from PDF, into a content tree:
//!
//! ```text
//! <target>/_index.md                      the programme (kind: programme)
//! <target>/colophon.md                    the colophon (kind: page)
//! <target>/priority-area-N/_index.md      each priority area (kind: priority-area)
//! <target>/priority-area-N/N-M.md         each activity (kind: activity)
//! <target>/priority-area-N/ongoing.md     its ongoing activities (kind: ongoing)
//! <target>/.folio-import.json             what was written (hashes), for re-imports
//! ```
//!
//! Structure is recognised by what headings say, never by their level. The
//! damage of the PDF conversion (texts cut by page breaks, bullets that lost
//! their indent, blank lines inside lists) is repaired and reported. Nothing
//! is written unless the whole document parsed; every word of the input but
//! the table of contents ends up in exactly one file.

mod emit;
mod funding;
mod lines;
mod manifest;
mod parse;
mod repair;
mod source;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::content::kinds::Funding;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::text::{self, plural as count};

pub use manifest::{content_hash, fnv1a64, Manifest, MANIFEST_NAME};
pub use parse::UNCLASSIFIED;
pub use repair::{Repair, RepairKind};

/// What to import and where.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The Markdown document.
    pub source: PathBuf,
    pub year: u16,
    /// The folder to write, e.g. `content/programme/2024`.
    pub target: PathBuf,
    /// Overwrite files edited by hand since the last import.
    pub force: bool,
}

impl ImportOptions {
    /// Imports `source` into the default folder of the site at `root`.
    pub fn new(source: impl Into<PathBuf>, year: u16, root: &Path) -> ImportOptions {
        ImportOptions { source: source.into(), year, target: default_target(root, year), force: false }
    }
}

/// `<root>/content/programme/<year>`.
pub fn default_target(root: &Path, year: u16) -> PathBuf {
    root.join(crate::content::CONTENT_DIR).join("programme").join(year.to_string())
}

/// The document, parsed and turned into files, in memory.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedProgramme {
    pub source: PathBuf,
    pub year: u16,
    pub title: String,
    pub areas: Vec<AreaSummary>,
    pub colophon: Option<PageSummary>,
    /// First and last line of the table of contents, which is dropped.
    pub toc: Option<(usize, usize)>,
    /// Repairs, in the order of the input lines.
    pub repairs: Vec<Repair>,
    pub placeholders: Vec<Placeholder>,
    /// Text kept but not placed, and other doubts; never errors.
    pub warnings: Diagnostics,
    /// Files to write, in document order; paths relative to the target.
    pub files: Vec<GeneratedFile>,
}

impl ImportedProgramme {
    pub fn activity_count(&self) -> usize {
        self.areas.iter().map(|a| a.activities.len()).sum()
    }

    pub fn ongoing_count(&self) -> usize {
        self.areas.iter().filter(|a| a.ongoing.is_some()).count()
    }

    pub fn activities(&self) -> impl Iterator<Item = &ActivitySummary> {
        self.areas.iter().flat_map(|a| &a.activities)
    }

    pub fn file(&self, path: &str) -> Option<&GeneratedFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaSummary {
    pub number: u32,
    /// `Priority Area 1`, as written.
    pub label: String,
    pub title: String,
    pub line: usize,
    pub file: String,
    pub activities: Vec<ActivitySummary>,
    pub ongoing: Option<PageSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivitySummary {
    /// `1.1`.
    pub id: String,
    /// `Activity 1.1`, as written.
    pub label: String,
    pub title: String,
    pub line: usize,
    pub file: String,
    pub note: Option<String>,
    /// The input line of the funding line.
    pub funding_line: Option<usize>,
    pub funding: Option<Funding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageSummary {
    pub title: String,
    pub line: usize,
    pub file: String,
}

/// A placeholder link `[text](#)`, waiting for its real target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placeholder {
    pub line: usize,
    /// The whole link as written: `[Vector Atlas](#)`.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GeneratedFile {
    /// Relative to the target folder, with `/`.
    pub path: String,
    pub content: String,
}

impl GeneratedFile {
    fn new(path: impl Into<String>, content: String) -> GeneratedFile {
        GeneratedFile { path: path.into(), content }
    }
}

/// Parses `bytes` (the document at `file`) into files, in memory; the
/// errors say where the document cannot be imported.
pub fn parse_programme(file: &Path, bytes: &[u8], year: u16) -> Result<ImportedProgramme, Diagnostics> {
    let source = source::decode(file, bytes).map_err(|d| Diagnostics { items: vec![d] })?;
    let draft = parse::parse(&source, year)?;
    Ok(emit::build(draft, &source, year))
}

/// What happened to one file of the target folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileStatus {
    /// New file.
    Created,
    /// Written over the previous import's unedited file.
    Updated,
    /// Already had this content.
    Unchanged,
    /// Edited by hand (or not written by folio), overwritten with `--force`.
    Overwritten,
    /// Edited by hand since the last import: left alone.
    KeptEdited,
    /// There before, not written by an import: left alone.
    KeptUnmanaged,
    /// Written by the last import, no longer part of the document, unedited: removed.
    Removed,
    /// No longer part of the document, but edited by hand: left alone.
    KeptStale,
}

impl FileStatus {
    pub fn label(self) -> &'static str {
        match self {
            FileStatus::Created => "created",
            FileStatus::Updated => "updated",
            FileStatus::Unchanged => "unchanged",
            FileStatus::Overwritten => "overwritten (edited by hand; --force)",
            FileStatus::KeptEdited => "kept (edited by hand; --force overwrites it)",
            FileStatus::KeptUnmanaged => "kept (not written by folio import; --force overwrites it)",
            FileStatus::Removed => "removed (no longer in the document)",
            FileStatus::KeptStale => "kept (no longer in the document, but edited by hand)",
        }
    }

    pub fn is_written(self) -> bool {
        matches!(self, FileStatus::Created | FileStatus::Updated | FileStatus::Overwritten)
    }

    pub fn is_kept(self) -> bool {
        matches!(self, FileStatus::KeptEdited | FileStatus::KeptUnmanaged | FileStatus::KeptStale)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FileOutcome {
    pub path: String,
    pub status: FileStatus,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub programme: ImportedProgramme,
    pub target: PathBuf,
    pub files: Vec<FileOutcome>,
}

impl ImportReport {
    pub fn count(&self, test: impl Fn(FileStatus) -> bool) -> usize {
        self.files.iter().filter(|f| test(f.status)).count()
    }

    pub fn status_of(&self, path: &str) -> Option<FileStatus> {
        self.files.iter().find(|f| f.path == path).map(|f| f.status)
    }

    /// The report for the terminal.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let p = &self.programme;
        let _ = writeln!(out, "Imported \u{201c}{}\u{201d} ({}) from {}", p.title, p.year, p.source.display());
        let toc = match p.toc {
            Some((first, last)) => format!("; dropped the table of contents (lines {first}\u{2013}{last})"),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "Found {}, {}, {}{}{toc}",
            count(p.areas.len(), "priority area"),
            count(p.activity_count(), "activity"),
            count(p.ongoing_count(), "ongoing block"),
            if p.colophon.is_some() { ", a colophon" } else { "" },
        );
        for area in &p.areas {
            let _ = writeln!(out, "  {}: {} (line {})", area.label, area.title, area.line);
            for a in &area.activities {
                let _ = writeln!(out, "    {}: {} (line {})", a.label, a.title, a.line);
                if let (Some(line), Some(f)) = (a.funding_line, &a.funding) {
                    let amounts: Vec<String> =
                        f.amounts.iter().map(|m| format!("{} {}", text::euros(m.eur), m.funding_type.name())).collect();
                    let amounts = if amounts.is_empty() { "no amounts".to_string() } else { amounts.join(", ") };
                    let sources = match f.supplementary_sources.len() {
                        0 => String::new(),
                        n => format!("; {}", count(n, "supplementary source")),
                    };
                    let _ = writeln!(out, "      funding (line {line}): {amounts}{sources}");
                }
            }
            if let Some(o) = &area.ongoing {
                let _ = writeln!(out, "    {} (line {})", o.title, o.line);
            }
        }
        if let Some(c) = &p.colophon {
            let _ = writeln!(out, "  {} (line {})", c.title, c.line);
        }

        let _ = writeln!(out, "Repairs: {}", p.repairs.len());
        for r in &p.repairs {
            let _ = writeln!(out, "  line {}: {}", r.line, r.message);
        }
        let _ = writeln!(out, "Placeholder links: {}", p.placeholders.len());
        for ph in &p.placeholders {
            let _ = writeln!(out, "  line {}: {}", ph.line, ph.text);
        }
        let _ = writeln!(out, "Warnings: {}", p.warnings.items.len());
        for w in &p.warnings.items {
            let place = match w.location.as_deref() {
                Some(l) if l.line > 0 => format!("line {}: ", l.line),
                _ => String::new(),
            };
            let _ = writeln!(out, "  {place}{}", w.message);
        }

        let kept = self.count(FileStatus::is_kept);
        let _ = writeln!(
            out,
            "Files in {}: {} written, {} unchanged, {} kept{}",
            self.target.display(),
            self.count(FileStatus::is_written),
            self.count(|s| s == FileStatus::Unchanged),
            kept,
            match self.count(|s| s == FileStatus::Removed) {
                0 => String::new(),
                n => format!(", {n} removed"),
            }
        );
        for f in &self.files {
            let _ = writeln!(out, "  {:<10} {}", f.status.label(), f.path);
        }
        if kept > 0 {
            let _ =
                writeln!(out, "Files edited by hand were left as they are; run again with --force to overwrite them.");
        }
        out
    }
}

/// Parses the document and, when the whole of it could be imported, writes
/// its files into the target folder. Files edited by hand since the last
/// import are kept unless `force`. On any error nothing is written.
pub fn import_programme(options: &ImportOptions) -> Result<ImportReport, crate::diagnostics::Error> {
    let fail = |d: Diagnostic| crate::diagnostics::Error::Failed(Diagnostics { items: vec![d] });
    let bytes = fs::read(&options.source).map_err(|e| {
        fail(
            Diagnostic::error(format!("cannot read {}: {e}", options.source.display()))
                .at(Location::file(&options.source))
                .help("give the path of the Work Programme's Markdown file"),
        )
    })?;
    let mut programme =
        parse_programme(&options.source, &bytes, options.year).map_err(crate::diagnostics::Error::Failed)?;
    if options.target.is_file() {
        return Err(fail(
            Diagnostic::error(format!("cannot import into {}: it is a file", options.target.display()))
                .help("give --into a folder, such as content/programme/2024"),
        ));
    }

    let source_name = options.source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let old = match Manifest::read(&options.target) {
        Ok(Some(old)) if !options.force && (old.year != options.year || old.source != source_name) => {
            return Err(fail(another_import(options, &old, &source_name)));
        }
        Ok(m) => m.unwrap_or_default(),
        Err(reason) => {
            programme.warnings.push(
                Diagnostic::warning(format!(
                    "{MANIFEST_NAME} cannot be read ({reason}); files already there are treated as edited by hand"
                ))
                .at(Location::file(&options.target.join(MANIFEST_NAME))),
            );
            Manifest::default()
        }
    };
    let mut manifest = Manifest {
        generator: format!("folio import programme {}", env!("CARGO_PKG_VERSION")),
        year: options.year,
        source: source_name,
        source_hash: content_hash(&bytes),
        files: Default::default(),
    };

    // Decide everything first, then write.
    let mut plan: Vec<(FileOutcome, Option<usize>)> = Vec::new();
    for (index, file) in programme.files.iter().enumerate() {
        let path = options.target.join(&file.path);
        let new_hash = content_hash(file.content.as_bytes());
        let recorded = old.files.get(&file.path);
        let status = match fs::read(&path) {
            Err(_) => FileStatus::Created,
            Ok(current) if current == file.content.as_bytes() => FileStatus::Unchanged,
            Ok(current) => match recorded {
                Some(hash) if *hash == content_hash(&current) => FileStatus::Updated,
                _ if options.force => FileStatus::Overwritten,
                Some(_) => FileStatus::KeptEdited,
                None => FileStatus::KeptUnmanaged,
            },
        };
        match status {
            FileStatus::KeptEdited | FileStatus::KeptUnmanaged => {
                if let Some(hash) = recorded {
                    manifest.files.insert(file.path.clone(), hash.clone());
                }
            }
            _ => {
                manifest.files.insert(file.path.clone(), new_hash);
            }
        }
        let content = status.is_written().then_some(index);
        plan.push((FileOutcome { path: file.path.clone(), status }, content));
    }
    for (rel, hash) in &old.files {
        if programme.file(rel).is_some() || !manifest::is_safe_entry(rel) {
            continue;
        }
        let Ok(current) = fs::read(options.target.join(rel)) else { continue };
        let status = if content_hash(&current) == *hash { FileStatus::Removed } else { FileStatus::KeptStale };
        if status == FileStatus::KeptStale {
            manifest.files.insert(rel.clone(), hash.clone());
        }
        plan.push((FileOutcome { path: rel.clone(), status }, None));
    }

    write_staged(options, &programme, &plan, &manifest)?;
    Ok(ImportReport {
        programme,
        target: options.target.clone(),
        files: plan.into_iter().map(|(outcome, _)| outcome).collect(),
    })
}

/// The refusal to import over the files of another year's (or another
/// document's) import, which would remove them.
fn another_import(options: &ImportOptions, old: &Manifest, source_name: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "{} holds the import of {} for {}; importing {source_name} for {} there would replace or remove its files",
        options.target.display(),
        old.source,
        old.year,
        options.year
    ))
    .at(Location::file(&options.target.join(MANIFEST_NAME)))
    .help(format!(
        "import into a folder of its own (`--into content/programme/{}`, the default for --year {}), or add --force to replace that import",
        options.year, options.year
    ))
}

/// Writes the planned files into a copy of the target folder, then puts
/// the copy in the target's place in one step: a failed or killed import
/// leaves the folder as it was (and the next build or import removes the
/// copy of a killed one).
fn write_staged(
    options: &ImportOptions,
    programme: &ImportedProgramme,
    plan: &[(FileOutcome, Option<usize>)],
    manifest: &Manifest,
) -> Result<(), crate::diagnostics::Error> {
    use crate::output::{OutputContent, Staging};
    use crate::theme::FileSource;
    let target = &options.target;
    let failed = |rel: &Path| {
        let path = target.join(rel);
        move |source| crate::diagnostics::Error::Write { path, source }
    };
    let staging = Staging::new(target).map_err(failed(Path::new("")))?;
    let replaced: std::collections::HashSet<&str> = plan
        .iter()
        .filter(|(outcome, content)| content.is_some() || outcome.status == FileStatus::Removed)
        .map(|(outcome, _)| outcome.path.as_str())
        .chain([MANIFEST_NAME])
        .collect();
    // What stays: every file already there that the import does not replace
    // or remove (files edited by hand, files it never wrote).
    if target.is_dir() {
        for entry in walkdir::WalkDir::new(target).min_depth(1).sort_by_file_name() {
            let entry = entry.map_err(|e| failed(Path::new(""))(e.into()))?;
            let rel = entry.path().strip_prefix(target).unwrap_or(entry.path()).to_path_buf();
            let key = rel.to_string_lossy().replace('\\', "/");
            if replaced.contains(key.as_str()) {
                continue;
            }
            if entry.file_type().is_file() {
                let content = OutputContent::Copied(FileSource::Disk(entry.path().to_path_buf()));
                staging.write(&rel, &content).map_err(failed(&rel))?;
            } else if entry.path_is_symlink() {
                copy_link(entry.path(), &staging.path().join(&rel)).map_err(failed(&rel))?;
            }
        }
    }
    for (outcome, content) in plan {
        if let Some(index) = content {
            let bytes = OutputContent::Rendered(programme.files[*index].content.as_bytes().into());
            staging.write(Path::new(&outcome.path), &bytes).map_err(failed(Path::new(&outcome.path)))?;
        }
    }
    let json = OutputContent::Rendered(manifest.to_json().into_bytes().into());
    staging.write(Path::new(MANIFEST_NAME), &json).map_err(failed(Path::new(MANIFEST_NAME)))?;
    staging.commit().map_err(failed(Path::new("")))
}

/// A link in the programme's folder stays the link it was (never the
/// file it leads to).
#[cfg(unix)]
fn copy_link(link: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    std::os::unix::fs::symlink(fs::read_link(link)?, to)
}

#[cfg(not(unix))]
fn copy_link(link: &Path, to: &Path) -> std::io::Result<()> {
    fs::copy(link, to).map(drop)
}
