//! Helpers shared by the integration tests: temporary sites, running the
//! `folio` binary, and reading the HTML it wrote.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use scraper::{Html, Selector};

/// A site in a temporary folder, removed when dropped.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// An empty site with a minimal `site.yaml`.
    pub fn new() -> Site {
        let site = Site { dir: tempfile::tempdir().expect("temp dir") };
        site.write("site.yaml", "title: Test site\n");
        site
    }

    /// A copy of the repository's own bundled GBIF site.
    pub fn bundled() -> Site {
        let site = Site { dir: tempfile::tempdir().expect("temp dir") };
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["content", "assets"] {
            copy_dir(&repo.join(dir), &site.root().join(dir));
        }
        fs::copy(repo.join("site.yaml"), site.root().join("site.yaml")).expect("copy site.yaml");
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) -> &Site {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Site {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        fs::write(path, bytes).expect("write");
        self
    }

    /// Runs `folio` with `args` in the site's folder.
    pub fn folio(&self, args: &[&str]) -> Output {
        Command::cargo_bin("folio").expect("binary").current_dir(self.root()).args(args).output().expect("runs")
    }

    /// `folio build`, which must succeed.
    pub fn build(&self, args: &[&str]) -> Output {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let out = self.folio(&all);
        assert!(out.status.success(), "build failed:\n{}", stderr(&out));
        out
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.public().join(rel)).unwrap_or_else(|e| panic!("public/{rel}: {e}"))
    }

    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }
}

/// A Jekyll site of a test's own, in a temporary folder.
pub fn jekyll_site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// Runs `folio` in `dir`.
pub fn folio_in(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("folio").expect("binary").current_dir(dir).args(args).output().expect("runs")
}

/// Imports the Jekyll site `source` into `site/` of a new folder, which
/// must work; (folder, report).
pub fn import_jekyll_site(source: &Path) -> (tempfile::TempDir, String) {
    let root = tempfile::tempdir().unwrap();
    let out = folio_in(root.path(), &["import", "jekyll", source.to_str().unwrap(), "--into", "site"]);
    assert!(out.status.success(), "import failed:\n{}{}", stdout(&out), stderr(&out));
    (root, stdout(&out))
}

/// Builds the site imported into `root/site`, which must give no error;
/// (stdout, stderr).
pub fn build_imported(root: &Path) -> (String, String) {
    let out = folio_in(&root.join("site"), &["build"]);
    assert!(out.status.success(), "build failed:\n{}{}", stdout(&out), stderr(&out));
    (stdout(&out), stderr(&out))
}

/// A page the build of `root/site` wrote, parsed.
pub fn imported_html(root: &Path, rel: &str) -> Html {
    let path = root.join("site/public").join(rel);
    Html::parse_document(&fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).expect("valid selector")).collect()
}

pub fn text(el: &scraper::ElementRef<'_>) -> String {
    el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text with a space between every text node, for label/value pairs such
/// as `<dt>Format</dt><dd>Live panel</dd>`.
pub fn spaced_text(el: &scraper::ElementRef<'_>) -> String {
    el.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn attr(el: &scraper::ElementRef<'_>, name: &str) -> String {
    el.value().attr(name).unwrap_or_default().to_string()
}

/// Every file under `dir`, relative, with its bytes, in order.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}
