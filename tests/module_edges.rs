//! The modules' import graph: `scripts/module-edges` lists the `use
//! crate::` edges between top-level modules and fails on a circle, on a
//! module that uses a later stage, and on a module that uses the crate
//! root's re-exports. It must pass on `src/`, and must catch each kind of
//! problem in a small tree planted with it.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn module_edges(src: &Path) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/module-edges");
    Command::new("python3").arg(script).arg("--src").arg(src).output().expect("python3 runs scripts/module-edges")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_sources_have_no_circle_and_no_backward_edge() {
    let out = module_edges(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("No circle, no backward edge."), "{stdout}");
    // The edges the issue names: the build uses every stage before it;
    // incremental uses build; serve uses incremental.
    for edge in
        ["build -> render", "build -> output", "incremental -> build", "serve -> incremental", "import -> content"]
    {
        assert!(stdout.lines().any(|l| l.trim().starts_with(&format!("{edge} ("))), "no `{edge}` in\n{stdout}");
    }
    for forbidden in ["import -> render", "incremental -> serve", "links -> output", "content -> render"] {
        assert!(!stdout.contains(&format!("{forbidden} (")), "`{forbidden}` in\n{stdout}");
    }
}

/// A tree with every kind of problem the script must report.
fn planted_tree(dir: &Path) {
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write("lib.rs", "pub mod content;\npub mod render;\npub mod import;\npub use diagnostics::Error;\n");
    // A stage using a later one, in a `use` group and in an inline path.
    write("content/mod.rs", "mod kinds;\nmod tree;\nuse crate::{diagnostics, render::Templates};\n");
    write("content/kinds.rs", "use super::tree::Page;\n// use crate::serve; (a comment does not count)\n");
    write("content/tree.rs", "use super::kinds::Kind;\nfn f() { let s = \"crate::serve::x\"; }\n");
    write("render/mod.rs", "pub fn f() -> crate::content::Kind { todo!() }\n");
    write("import/mod.rs", "fn f() -> Result<(), crate::Error> { crate::render::f(); Ok(()) }\n");
    write("diagnostics.rs", "#[cfg(test)]\nmod tests {\n    use super::*;\n}\n");
}

#[test]
fn a_backward_edge_a_circle_and_a_root_item_are_each_reported() {
    let dir = tempfile::tempdir().unwrap();
    planted_tree(dir.path());
    let out = module_edges(dir.path());
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("backward edge: `content` uses `render`"), "{stderr}");
    assert!(stderr.contains("forbidden edge: `import` uses `render`"), "{stderr}");
    assert!(stderr.contains("circle between modules: content -> render -> content"), "{stderr}");
    assert!(stderr.contains("circle between files: content::kinds -> content::tree -> content::kinds"), "{stderr}");
    assert!(stderr.contains("`crate::Error` uses the crate root"), "{stderr}");
    // Comments, strings and a test module's `use super::*` are not edges.
    assert!(!stderr.contains("serve") && !stdout.contains("-> serve"), "{stdout}\n{stderr}");
    assert!(!stderr.contains("diagnostics.rs"), "{stderr}");
}
