//! `.folio-import.json`: what the last import wrote, file by file, as a hash
//! of the content. A file whose content no longer has its recorded hash was
//! edited by hand and is not overwritten without `--force`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The manifest's file name, in the imported folder (hidden, so never content).
pub const MANIFEST_NAME: &str = ".folio-import.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Manifest {
    pub generator: String,
    pub year: u16,
    /// The imported document's file name and hash.
    pub source: String,
    pub source_hash: String,
    /// Path relative to the imported folder (with `/`) -> hash of the
    /// content written there.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }

    /// The manifest in `dir`: `Ok(None)` when there is none, `Err` with the
    /// reason when it cannot be read.
    pub fn read(dir: &Path) -> Result<Option<Manifest>, String> {
        let path = dir.join(MANIFEST_NAME);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| e.to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// FNV-1a, 64 bits: stable across platforms and releases, enough to notice
/// that a file changed.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The hash as the manifest writes it: `fnv1a64:<16 hex digits>`.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("fnv1a64:{:016x}", fnv1a64(bytes))
}

/// Whether a manifest entry is a plain relative path (nothing that leaves
/// the imported folder), so that a damaged manifest cannot make the
/// importer touch other files.
pub(crate) fn is_safe_entry(rel: &str) -> bool {
    crate::files::is_plain_relative(Path::new(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        assert_eq!(content_hash(b"a"), "fnv1a64:af63dc4c8601ec8c");
    }

    #[test]
    fn entries_stay_inside() {
        assert!(is_safe_entry("priority-area-1/1-1.md"));
        assert!(!is_safe_entry("../x.md") && !is_safe_entry("/etc/passwd") && !is_safe_entry("a/../../b"));
        assert!(!is_safe_entry(""));
    }
}
