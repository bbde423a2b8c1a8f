//! Listing a folder's files without leaving the site. Every command that
//! reads a tree (content, assets, data, templates, themes, the watcher of
//! `folio serve`, the Jekyll importer's source) lists it here.
//!
//! Symbolic links are followed only while they stay inside the boundary
//! (the site's root, or the Jekyll site being imported): a link that
//! leaves it is a warning naming the link and its target, and nothing
//! behind it is read. Loops end in a warning, never a hang. A name that is
//! not UTF-8 cannot become a URL, so it is a warning too, never renamed
//! silently. Hidden and editor files are skipped.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Location};

/// The files of a folder, and what was left out.
#[derive(Debug, Default)]
pub struct Listing {
    /// (path inside the listed folder, full path), in name order.
    pub files: Vec<(PathBuf, PathBuf)>,
    pub warnings: Vec<Diagnostic>,
}

/// A folder tree and the boundary none of its links may cross.
#[derive(Debug, Clone)]
pub struct Boundary {
    /// As given: paths under it are shown relative to it.
    root: PathBuf,
    /// Resolved, for comparing link targets; `None` when it cannot be
    /// resolved (then nothing behind a link is inside).
    canonical: Option<PathBuf>,
}

impl Boundary {
    pub fn new(root: &Path) -> Boundary {
        Boundary { root: root.to_path_buf(), canonical: fs::canonicalize(root).ok() }
    }

    /// Whether `path`, with every link in it resolved, is inside the boundary.
    pub fn contains(&self, path: &Path) -> bool {
        self.resolve(path).is_ok()
    }

    /// `path` with every link resolved, when that stays inside; else the
    /// target it leads to (`None` for a broken link).
    fn resolve(&self, path: &Path) -> Result<PathBuf, Option<PathBuf>> {
        match (fs::canonicalize(path), &self.canonical) {
            (Ok(target), Some(root)) if target.starts_with(root) => Ok(target),
            (Ok(target), _) => Err(Some(target)),
            (Err(_), _) => Err(None),
        }
    }

    /// How `path` is named in messages: relative to the boundary.
    pub fn shown(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }

    /// The warning for a link at `link` that leads to `target`, outside.
    pub fn leaves(&self, link: &Path, target: &Path) -> Diagnostic {
        let shown = self.shown(link);
        Diagnostic::warning(format!(
            "the link {} points outside the site, to {}; nothing behind it is read",
            shown.display(),
            target.display()
        ))
        .code(LINK_LEAVES)
        .at(Location::file(&shown))
        .help("links are followed only inside the site's folder: copy the files in, or make the link point inside")
    }

    /// An error when the file at `path` exists but leads outside the
    /// boundary (through a link), for single files such as `site.yaml`.
    pub fn check_file(&self, path: &Path) -> Result<(), Diagnostic> {
        match self.resolve(path) {
            Err(Some(target)) => Err(Diagnostic::error(self.leaves(path, &target).message)
                .at(Location::file(&self.shown(path)))
                .help("copy the file into the folder, or make the link point inside it; nothing outside is read")),
            _ => Ok(()),
        }
    }

    /// The warning for a file or folder whose name is not UTF-8.
    fn not_utf8(&self, path: &Path) -> Diagnostic {
        let shown = self.shown(path);
        Diagnostic::warning(format!("the name of {} is not UTF-8; it is skipped", shown.display()))
            .code(NAME_NOT_UTF8)
            .at(Location::file(&shown))
            .help("rename it with a UTF-8 name (its name becomes part of a URL); names from old Windows or Mac archives are often Latin-1")
    }

    /// Every file under `dir` (which should be inside the boundary): see
    /// the module's documentation. An absent folder has no files.
    pub fn list(&self, dir: &Path) -> Listing {
        let mut listing = Listing::default();
        if fs::symlink_metadata(dir).is_err() {
            return listing;
        }
        match self.resolve(dir) {
            Ok(_) => {}
            Err(Some(target)) => {
                listing.warnings.push(self.leaves(dir, &target));
                return listing;
            }
            Err(None) => return listing,
        }
        // Warnings found while deciding what to enter, in walk order.
        let mut left_out = Vec::new();
        let walker = WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|entry| {
            if entry.depth() == 0 {
                return true;
            }
            if is_ignored(entry.file_name()) {
                return false;
            }
            if entry.file_name().to_str().is_none() {
                left_out.push(self.not_utf8(entry.path()));
                return false;
            }
            if !entry.path_is_symlink() {
                return true;
            }
            match self.resolve(entry.path()) {
                Ok(_) => true,
                Err(target) => {
                    // A broken link is reported by the walk itself.
                    if let Some(target) = target {
                        left_out.push(self.leaves(entry.path(), &target));
                    }
                    false
                }
            }
        });
        let mut problems = Vec::new();
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_path_buf();
                    listing.files.push((rel, entry.into_path()));
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().map(|p| self.shown(p)).unwrap_or_default();
                    let message = if err.loop_ancestor().is_some() {
                        format!("symbolic link loop at {}; skipped", path.display())
                    } else {
                        format!("cannot read {}: {err}", path.display())
                    };
                    problems.push(
                        Diagnostic::warning(message)
                            .at(Location::file(&path))
                            .help("remove the link or point it outside its own folder"),
                    );
                }
            }
        }
        listing.warnings.extend(left_out);
        listing.warnings.extend(problems);
        listing
    }

    /// The entries of one folder, by name, without those whose link leads
    /// outside the boundary (each a warning) or whose name is not UTF-8.
    /// Broken links are kept: the caller says what they are.
    pub fn read_dir(&self, dir: &Path, warnings: &mut Vec<Diagnostic>) -> std::io::Result<Vec<(String, PathBuf)>> {
        let mut entries = Vec::new();
        for entry in fs::read_dir(dir)?.filter_map(Result::ok) {
            let path = entry.path();
            let Ok(name) = entry.file_name().into_string() else {
                warnings.push(self.not_utf8(&path));
                continue;
            };
            if entry.file_type().is_ok_and(|t| t.is_symlink()) {
                if let Err(Some(target)) = self.resolve(&path) {
                    warnings.push(self.leaves(&path, &target));
                    continue;
                }
            }
            entries.push((name, path));
        }
        entries.sort();
        Ok(entries)
    }
}

/// The code of the warning for a link that leaves the site.
pub const LINK_LEAVES: &str = "link-leaves-site";
/// The code of the warning for a file name that is not UTF-8.
pub const NAME_NOT_UTF8: &str = "name-not-utf8";

/// [`Boundary::list`] of `dir`, inside `root`.
pub fn list(dir: &Path, root: &Path) -> Listing {
    Boundary::new(root).list(dir)
}

/// How a file under `root` is named in messages: `content/a.md`.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Whether `path` is made of plain names only (not empty; no root, `.` or
/// `..`), so that joined to a folder it names something inside it.
pub fn is_plain_relative(path: &Path) -> bool {
    !path.as_os_str().is_empty() && path.components().all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Hidden files, editor swap and backup files are never content.
pub fn is_ignored(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn names(listing: &Listing) -> Vec<String> {
        listing.files.iter().map(|(rel, _)| rel.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn links_inside_are_followed_and_links_outside_are_not() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "key").unwrap();
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        fs::create_dir_all(root.join("content/shared")).unwrap();
        fs::write(root.join("content/shared/a.md"), "a").unwrap();
        fs::create_dir_all(root.join("other")).unwrap();
        fs::write(root.join("other/b.md"), "b").unwrap();
        symlink(root.join("other"), root.join("content/linked")).unwrap();
        symlink(outside.path(), root.join("content/etc")).unwrap();
        symlink(outside.path().join("secret"), root.join("content/key.txt")).unwrap();
        symlink("..", root.join("content/shared/loop")).unwrap();

        let listing = list(&root.join("content"), root);
        assert_eq!(names(&listing), ["linked/b.md", "shared/a.md"]);
        let messages: Vec<String> = listing.warnings.iter().map(|d| d.message.clone()).collect();
        let outside_shown = fs::canonicalize(outside.path()).unwrap();
        assert!(
            messages.iter().any(|m| m.contains("content/etc points outside the site")
                && m.contains(&outside_shown.display().to_string())),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("content/key.txt points outside")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("loop")), "{messages:?}");
    }

    #[test]
    fn a_listed_folder_that_is_itself_a_link_outside_is_empty() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("passwd"), "root").unwrap();
        let site = tempfile::tempdir().unwrap();
        symlink(outside.path(), site.path().join("assets")).unwrap();
        let listing = list(&site.path().join("assets"), site.path());
        assert!(listing.files.is_empty());
        assert_eq!(listing.warnings.len(), 1);
        assert!(!Boundary::new(site.path()).contains(&site.path().join("assets/passwd")));
    }

    #[test]
    fn names_that_are_not_utf8_are_warnings() {
        use std::os::unix::ffi::OsStrExt;
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("assets");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(std::ffi::OsStr::from_bytes(b"caf\xe9.jpg")), "x").unwrap();
        fs::write(dir.join("ok.jpg"), "x").unwrap();
        let listing = list(&dir, site.path());
        assert_eq!(names(&listing), ["ok.jpg"]);
        assert_eq!(listing.warnings[0].code, NAME_NOT_UTF8);
        assert!(listing.warnings[0].message.contains("assets/caf"), "{}", listing.warnings[0].message);
    }

    #[test]
    fn editor_files_are_ignored() {
        for name in [".x.md.swp", "x.md~", "#x.md#", ".#x.md", ".hidden"] {
            assert!(is_ignored(std::ffi::OsStr::new(name)), "{name}");
        }
        assert!(!is_ignored(std::ffi::OsStr::new("x.md")));
    }
}
