//! The folder of processed images: `<cache>/<ab>/<source hash>-<operation>.<ext>`.
//! An entry is written to a temporary name and renamed, so a reader never
//! sees half a file and two processes may share the folder; deleting the
//! folder only costs the next build the work again.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::Format;

pub struct Cache {
    dir: PathBuf,
    /// Entries this build used or wrote: the ones pruning keeps.
    used: Mutex<HashSet<PathBuf>>,
}

/// A short, stable name for `source hash` + `operation`.
pub fn digest(source_hash: &str, op: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(source_hash.as_bytes());
    hasher.update(b"\0");
    hasher.update(op.as_bytes());
    hasher.finalize().to_hex().to_string()
}

impl Cache {
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir, used: Mutex::default() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the copy `op` of the source hashed `source_hash` is kept.
    pub fn entry(&self, source_hash: &str, op: &str, format: Format) -> PathBuf {
        self.dir.join(&source_hash[..2]).join(format!("{source_hash}-{op}.{}", format.extension()))
    }

    /// The size of `entry` if it is there (and marks it used).
    pub fn existing(&self, entry: &Path) -> Option<u64> {
        let meta = fs::metadata(entry).ok().filter(|m| m.is_file() && m.len() > 0)?;
        self.used.lock().unwrap().insert(entry.to_path_buf());
        Some(meta.len())
    }

    pub fn store(&self, entry: &Path, bytes: &[u8]) -> io::Result<()> {
        let dir = entry.parent().expect("entries are inside the cache folder");
        fs::create_dir_all(dir)?;
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
        let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        fs::write(&temporary, bytes)?;
        fs::rename(&temporary, entry).inspect_err(|_| {
            let _ = fs::remove_file(&temporary);
        })?;
        self.used.lock().unwrap().insert(entry.to_path_buf());
        Ok(())
    }

    /// Removes the entries no lookup of this build asked for, and the
    /// folders left empty; returns how many files went.
    pub fn prune(&self) -> io::Result<usize> {
        let used = self.used.lock().unwrap();
        let mut removed = 0;
        let Ok(shards) = fs::read_dir(&self.dir) else { return Ok(0) };
        for shard in shards.flatten() {
            let shard = shard.path();
            if !shard.is_dir() {
                continue;
            }
            for file in fs::read_dir(&shard)?.flatten() {
                let path = file.path();
                let name = file.file_name();
                // Another process's file being written: not ours to remove.
                if name.to_string_lossy().starts_with('.') {
                    continue;
                }
                if !used.contains(&path) && fs::remove_file(&path).is_ok() {
                    removed += 1;
                }
            }
            let _ = fs::remove_dir(&shard); // only when empty
        }
        Ok(removed)
    }
}
