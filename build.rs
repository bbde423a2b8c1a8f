//! Embeds the default theme (`themes/gbif/`) in the binary, so that `folio`
//! builds a site that has no `themes/` folder of its own, and stamps the
//! version with the git commit it was built from.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let theme_dir = manifest.join("themes").join("gbif");
    println!("cargo:rerun-if-changed=themes/gbif");

    let mut files = Vec::new();
    collect(&theme_dir, &mut files);
    files.sort();
    let mut code = String::from("/// The `gbif` theme's files: (path inside the theme, contents).\n");
    code.push_str("pub static GBIF_THEME: &[(&str, &[u8])] = &[\n");
    for file in &files {
        let rel =
            file.strip_prefix(&theme_dir).expect("collected under the theme").to_string_lossy().replace('\\', "/");
        writeln!(code, "    ({rel:?}, include_bytes!({:?})),", file.display().to_string())
            .expect("writing to a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("embedded_theme.rs"), code).expect("OUT_DIR is writable");

    let version = env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let commit = git(&manifest, &["rev-parse", "--short=10", "HEAD"]);
    let stamp = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=FOLIO_VERSION_STAMP={stamp}");
    // Stamp again when the commit moves: HEAD, the branch it names and the
    // packed refs, wherever git keeps them (a worktree's `.git` is a file).
    let branch = git(&manifest, &["symbolic-ref", "-q", "HEAD"]);
    let watched = ["HEAD", "packed-refs"].into_iter().map(str::to_string).chain(branch);
    for name in watched {
        let Some(path) = git(&manifest, &["rev-parse", "--path-format=absolute", "--git-path", &name]) else {
            continue;
        };
        if Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

/// What a git command prints, trimmed; `None` outside a repository or
/// without git.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).current_dir(dir).output().ok().filter(|o| o.status.success())?;
    Some(String::from_utf8_lossy(&output.stdout).trim().to_string()).filter(|s| !s.is_empty())
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
