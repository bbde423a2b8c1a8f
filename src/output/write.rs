//! Writing the output folder through a staging folder.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{OutputContent, SiteOutput};
use crate::diagnostics::{Diagnostic, Location};
use crate::theme::FileSource;

/// A fresh folder beside the output folder that the build writes into; it
/// replaces the output folder in one step when everything succeeded
/// ([`Staging::commit`]), and is removed if dropped before that, so a failed
/// build leaves the old output exactly as it was.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(output: &Path) -> io::Result<Staging> {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        remove_stale_staging(&parent);
        let dir = parent.join(format!("{STAGING_PREFIX}{name}-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir(&dir)?;
        Ok(Staging { dir, output: output.to_path_buf(), committed: false })
    }

    /// The staging folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes one file (its folders are made as needed); safe to call from
    /// many threads at once.
    pub fn write(&self, path: &Path, content: &OutputContent) -> io::Result<()> {
        match content {
            OutputContent::Rendered(bytes) => self.write_bytes(path, bytes),
            OutputContent::Copied(FileSource::Embedded(bytes)) => self.write_bytes(path, bytes),
            OutputContent::Copied(FileSource::Disk(source)) => {
                let target = self.target_in_staging(path)?;
                fs::copy(source, &target).map(drop).map_err(|e| {
                    io::Error::new(e.kind(), format!("cannot copy {} to {}: {e}", source.display(), target.display()))
                })
            }
        }
    }

    /// Writes one file of `bytes` (a page straight from its template,
    /// with no copy to keep); safe to call from many threads at once.
    pub fn write_bytes(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        fs::write(self.target_in_staging(path)?, bytes)
    }

    /// [`Staging::write_bytes`] for a file made from `origin` as the build
    /// goes: a failure is an error at `origin`.
    pub fn write_from(&self, path: &Path, bytes: &[u8], origin: &Path) -> Result<(), Diagnostic> {
        self.write_bytes(path, bytes)
            .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", path.display())).at(Location::file(origin)))
    }

    /// Where `path` goes in the staging folder, its folders made.
    fn target_in_staging(&self, path: &Path) -> io::Result<PathBuf> {
        // Joining an absolute path or one with `..` would write outside the
        // output folder: refused, whichever stage produced it.
        if !crate::files::is_plain_relative(path) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{}` is not a path inside the output folder", path.display()),
            ));
        }
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(target)
    }

    /// Writes every file `site` still holds (pages written while rendering
    /// are there already).
    pub fn write_rest(&self, site: &SiteOutput) -> io::Result<()> {
        site.files.par_iter().try_for_each(|(path, file)| self.write(path, &file.content))
    }

    /// Puts the staging folder in the output folder's place.
    pub fn commit(mut self) -> io::Result<()> {
        replace(&self.dir, &self.output)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// The folders of a site that people write; no output may replace them.
pub const AUTHORED: [&str; 6] = ["content", "templates", "themes", "assets", "data", "i18n"];

/// Refuses an output folder that is the site's root, holds it, or is,
/// holds or sits inside one of its [`AUTHORED`] folders. Both paths are
/// resolved first (`..`, links), without needing the output to exist, so
/// `x/../content` and `../<the site's own folder>` are seen for what they
/// are.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), String> {
    let out = resolve(output);
    let root = resolve(root);
    if root.starts_with(&out) {
        return Err(format!("it is the site's folder or holds it ({})", out.display()));
    }
    for name in AUTHORED {
        let authored = resolve(&root.join(name));
        if out.starts_with(&authored) || authored.starts_with(&out) {
            return Err(format!("it would replace the site's own {name}/ ({})", out.display()));
        }
    }
    Ok(())
}

/// `path` made absolute, with `.`, `..` and links resolved as far as it
/// exists and the rest taken as written.
fn resolve(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // `link/..` is the parent of where the link leads, as the system reads it.
                if let Ok(real) = fs::canonicalize(&resolved) {
                    resolved = real;
                }
                resolved.pop();
            }
            other => resolved.push(other),
        }
    }
    fs::canonicalize(&resolved).unwrap_or(resolved)
}

/// Staging folders are named `.folio-staging-<output name>-<process id>`.
const STAGING_PREFIX: &str = ".folio-staging-";

/// Removes the staging folders in `parent` whose process is gone: what a
/// killed build or import left behind (twelve kills of a large build left
/// 930 MB). A folder whose process still runs is another build's.
fn remove_stale_staging(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(STAGING_PREFIX)).and_then(staging_pid) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && !process_runs(pid) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// The process id at the end of a staging folder's name (`public-1234`,
/// or `public-1234.old` for a folder renamed aside).
fn staging_pid(rest: &str) -> Option<u32> {
    let rest = rest.strip_suffix(".old").unwrap_or(rest);
    rest.rsplit_once('-')?.1.parse().ok()
}

#[cfg(target_os = "linux")]
fn process_runs(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Without a cheap way to ask, every process is taken to run, so nothing
/// is removed that may be in use.
#[cfg(not(target_os = "linux"))]
fn process_runs(_pid: u32) -> bool {
    true
}

/// Writes `site` into a fresh staging folder beside `output`, then puts it
/// in `output`'s place. On any error the staging folder is removed and
/// `output` is untouched.
pub fn write_site(site: &SiteOutput, output: &Path) -> io::Result<()> {
    let staging = Staging::new(output)?;
    staging.write_rest(site)?;
    staging.commit()
}

/// Puts `staging` where `output` is. On Linux the two folders are exchanged
/// atomically, so a reader never finds `output` missing; elsewhere the old
/// folder is renamed aside first and restored if the second rename fails.
fn replace(staging: &Path, output: &Path) -> io::Result<()> {
    if output.exists() {
        if !output.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists and is not a folder", output.display()),
            ));
        }
        if exchange(staging, output)? {
            // `staging` now holds the old site.
            return fs::remove_dir_all(staging);
        }
        let aside = staging.with_extension("old");
        fs::rename(output, &aside)?;
        if let Err(e) = fs::rename(staging, output) {
            fs::rename(&aside, output)?;
            return Err(e);
        }
        return fs::remove_dir_all(&aside);
    }
    fs::rename(staging, output)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings for the call.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    // Some file systems do not support the exchange; fall back to renames.
    match err.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputContent;

    #[test]
    fn replaces_the_output_and_leaves_no_staging_behind() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join("old")).unwrap();
        fs::write(out.join("old/stale.html"), "old").unwrap();
        let mut site = SiteOutput::default();
        site.add("a/index.html".into(), OutputContent::Rendered(b"new"[..].into()), Path::new("x.md")).unwrap();
        write_site(&site, &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "new");
        assert!(!out.join("old").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only public/ remains");
    }

    #[test]
    fn a_failed_write_keeps_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        let mut site = SiteOutput::default();
        let missing = FileSource::Disk(dir.path().join("no-such-file"));
        site.add("x.jpg".into(), OutputContent::Copied(missing), Path::new("assets/x.jpg")).unwrap();
        assert!(write_site(&site, &out).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_path_leaving_the_output_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let outside = dir.path().join("outside.png");
        for path in [outside.clone(), PathBuf::from("../outside.png"), PathBuf::from("a/../../outside.png")] {
            let mut site = SiteOutput::default();
            site.add(path.clone(), OutputContent::Rendered(b"x"[..].into()), Path::new("x.md")).unwrap();
            let err = write_site(&site, &out).unwrap_err();
            assert!(err.to_string().contains("not a path inside the output folder"), "{path:?}: {err}");
            assert!(!outside.exists(), "{path:?} was written outside the output");
            assert!(!out.exists(), "{path:?}: a failed build left an output");
        }
    }
}
