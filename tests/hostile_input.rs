//! Input from an attacker or a clumsy user: links out of the site, output
//! folders that would replace authored files, leftovers of killed builds,
//! huge lines and deep nesting. Each test failed before its fix.

mod common;
#[path = "common/http.rs"]
mod http;

use std::fs;
use std::path::Path;

use common::{stderr, stdout, Site};

fn small_site() -> Site {
    let site = Site::new();
    site.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    site.write("content/page.md", "---\ntitle: Page\n---\nText.\n");
    site
}

/// A folder outside the site holding what must never be published.
#[cfg(unix)]
fn secrets() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("shadow"), "root:$6$secret").unwrap();
    fs::create_dir_all(dir.path().join("ssh")).unwrap();
    fs::write(dir.path().join("ssh/id_ed25519"), "PRIVATE KEY").unwrap();
    fs::write(dir.path().join("leak.md"), "---\ntitle: Leak\n---\nPRIVATE KEY\n").unwrap();
    fs::write(dir.path().join("leak.yml"), "secret: PRIVATE KEY\n").unwrap();
    dir
}

/// Runs `folio args` in `site`, which must fail; returns what it printed on stderr.
fn failing(site: &Site, args: &[&str]) -> String {
    let out = site.folio(args);
    let err = stderr(&out);
    assert!(!out.status.success(), "folio {args:?} should fail:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn published_text(dir: &Path) -> String {
    common::snapshot(dir).into_iter().map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned()).collect()
}

#[cfg(unix)]
#[test]
fn links_out_of_the_site_publish_nothing_and_are_named_in_a_warning() {
    use std::os::unix::fs::symlink;
    let outside = secrets();
    let site = small_site();
    let root = site.root();
    // A link inside the site is followed.
    site.write("shared/inside.md", "---\ntitle: Inside\n---\nShared text.\n");
    symlink(root.join("shared"), root.join("content/shared")).unwrap();
    symlink(outside.path(), root.join("content/etc")).unwrap();
    fs::create_dir_all(root.join("assets")).unwrap();
    symlink(outside.path().join("shadow"), root.join("assets/shadow")).unwrap();
    fs::create_dir_all(root.join("data")).unwrap();
    symlink(outside.path().join("leak.yml"), root.join("data/leak.yml")).unwrap();
    fs::create_dir_all(root.join("templates")).unwrap();
    symlink(outside.path(), root.join("templates/partials")).unwrap();

    let out = site.build(&[]);
    let err = stderr(&out);
    let published = published_text(&site.public());
    assert!(!published.contains("PRIVATE KEY") && !published.contains("root:$6$"), "a secret was published");
    assert!(!site.public().join("etc").exists() && !site.public().join("assets/shadow").exists());
    assert!(site.public().join("shared/inside/index.html").is_file(), "links inside the site are followed");
    let target = fs::canonicalize(outside.path()).unwrap();
    for link in ["content/etc", "assets/shadow", "data/leak.yml", "templates/partials"] {
        assert!(
            err.contains(&format!("the link {link} points outside the site, to {}", target.display())),
            "{link}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_site_yaml_that_links_out_of_the_site_is_refused() {
    let outside = secrets();
    let site = small_site();
    fs::remove_file(site.root().join("site.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("shadow"), site.root().join("site.yaml")).unwrap();
    let err = failing(&site, &["build"]);
    assert!(err.contains("the link site.yaml points outside the site"), "{err}");
    assert!(!err.contains("root:$6$"), "the file behind the link was read: {err}");
}

#[cfg(unix)]
#[test]
fn serve_does_not_answer_with_files_behind_links_out_of_the_site() {
    use std::os::unix::fs::symlink;
    let outside = secrets();
    let site = small_site();
    fs::create_dir_all(site.root().join("assets")).unwrap();
    symlink(outside.path().join("shadow"), site.root().join("assets/passwd")).unwrap();
    symlink(outside.path(), site.root().join("content/etc")).unwrap();
    let mut options = folio::serve::ServeOptions::new(site.root());
    options.port = 0;
    options.watch = folio::serve::WatchMode::Off;
    let server = folio::serve::start(&options).expect("server starts");
    for target in ["/assets/passwd", "/etc/shadow", "/etc/ssh/id_ed25519", "/etc/leak/"] {
        let reply = http::get(server.addr(), target);
        assert_eq!(reply.status, 404, "{target}: {}", reply.text());
        assert!(!reply.text().contains("PRIVATE KEY") && !reply.text().contains("root:$6$"), "{target}");
    }
    assert_eq!(http::get(server.addr(), "/page/").status, 200);
}

#[cfg(unix)]
#[test]
fn import_jekyll_copies_nothing_from_behind_links_out_of_the_source() {
    use std::os::unix::fs::symlink;
    let outside = secrets();
    let source = tempfile::tempdir().unwrap();
    let src = source.path();
    fs::write(src.join("_config.yml"), "title: Old site\n").unwrap();
    fs::write(src.join("index.md"), "---\ntitle: Home\n---\nHello.\n").unwrap();
    fs::create_dir_all(src.join("assets")).unwrap();
    fs::write(src.join("assets/logo.svg"), "<svg/>").unwrap();
    symlink(outside.path().join("shadow"), src.join("assets/shadow")).unwrap();
    symlink(outside.path(), src.join("etc")).unwrap();
    fs::create_dir_all(src.join("_data")).unwrap();
    symlink(outside.path().join("leak.yml"), src.join("_data/leak.yml")).unwrap();
    fs::create_dir_all(src.join("_posts")).unwrap();
    symlink(outside.path().join("leak.md"), src.join("_posts/2021-01-01-leak.md")).unwrap();
    fs::create_dir_all(src.join("_includes")).unwrap();
    symlink(outside.path().join("leak.md"), src.join("_includes/leak.html")).unwrap();

    let target = tempfile::tempdir().unwrap();
    let into = target.path().join("site");
    let out = assert_cmd::Command::cargo_bin("folio")
        .unwrap()
        .args(["import", "jekyll"])
        .arg(src)
        .arg("--into")
        .arg(&into)
        .output()
        .unwrap();
    let report = format!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success(), "{report}");
    assert!(into.join("assets/logo.svg").is_file(), "{report}");
    let imported = published_text(&into);
    assert!(!imported.contains("PRIVATE KEY") && !imported.contains("root:$6$"), "a secret was imported: {report}");
    for link in ["assets/shadow", "etc", "_data/leak.yml", "_posts/2021-01-01-leak.md", "_includes/leak.html"] {
        assert!(report.contains(&format!("the link {link} points outside the site")), "{link}: {report}");
    }
    // A _config.yml behind a link out of the source is not read either.
    fs::remove_file(src.join("_config.yml")).unwrap();
    symlink(outside.path().join("leak.yml"), src.join("_config.yml")).unwrap();
    let out = assert_cmd::Command::cargo_bin("folio")
        .unwrap()
        .args(["import", "jekyll"])
        .arg(src)
        .arg("--into")
        .arg(target.path().join("again"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!out.status.success() && err.contains("the link _config.yml points outside the site"), "{err}");
    assert!(!err.contains("PRIVATE KEY"), "{err}");
}

/// `folio serve --port 0` in a child process (so that an abort shows as a
/// dead server, not a dead test), with the open-file limit `files` when given.
struct ServeProcess {
    child: std::process::Child,
    addr: std::net::SocketAddr,
    /// What it printed after the line naming its address.
    printed: std::sync::mpsc::Receiver<String>,
    _site: Site,
}

impl ServeProcess {
    fn start(files: Option<u32>) -> ServeProcess {
        use std::io::BufRead;
        let site = small_site();
        let binary = assert_cmd::cargo::cargo_bin("folio");
        let limit = files.map(|n| format!("ulimit -n {n} && ")).unwrap_or_default();
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{limit}exec \"$0\" serve --port 0 --poll"))
            .arg(&binary)
            .current_dir(site.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("folio serve starts");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let url = loop {
            let line = lines.next().expect("folio serve prints where it serves").unwrap();
            if let Some(rest) = line.strip_prefix("Serving on http://") {
                break rest.split('/').next().unwrap().to_string();
            }
        };
        // Keeps reading what it prints, so that it never blocks on a full pipe.
        let (tx, printed) = std::sync::mpsc::channel();
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(|line| drop(tx.send(line))));
        ServeProcess { child, addr: url.parse().unwrap(), printed, _site: site }
    }

    /// Sends `raw` as it is and reads the answer (or what came before the
    /// connection ended).
    fn raw(&self, raw: &[u8]) -> std::io::Result<String> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(self.addr)?;
        stream.set_read_timeout(Some(http::TIMEOUT))?;
        stream.set_write_timeout(Some(http::TIMEOUT))?;
        // The server may answer and close before it has read everything.
        let _ = stream.write_all(raw);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        Ok(String::from_utf8_lossy(&answer).into_owned())
    }

    fn still_serves(&mut self) {
        assert!(self.child.try_wait().unwrap().is_none(), "folio serve died");
        let reply = http::request(self.addr, "GET", "/page/", &[]);
        assert_eq!(reply.status, 200);
        assert!(reply.text().contains("Text."));
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_huge_content_length_does_not_stop_the_server() {
    let mut server = ServeProcess::start(None);
    let host = server.addr.to_string();
    let answer = server
        .raw(format!("GET / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 99999999999\r\n\r\n").as_bytes())
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let answer = server
        .raw(format!("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 99999999999\r\n\r\n").as_bytes())
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    server.still_serves();
}

#[test]
fn request_heads_are_bounded() {
    let mut server = ServeProcess::start(None);
    let host = server.addr.to_string();
    // One header of 1 MB, and 1,000 small headers.
    let long = format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: {}\r\n\r\n", "a".repeat(1 << 20));
    assert!(server.raw(long.as_bytes()).unwrap().starts_with("HTTP/1.1 431"));
    let many = format!("GET / HTTP/1.1\r\nHost: {host}\r\n{}\r\n", "X-A: b\r\n".repeat(1000));
    assert!(server.raw(many.as_bytes()).unwrap().starts_with("HTTP/1.1 431"));
    server.still_serves();
}

#[test]
fn requests_for_other_hosts_are_refused() {
    let mut server = ServeProcess::start(None);
    let port = server.addr.port();
    for host in [format!("evil.example:{port}"), "evil.example".to_string(), format!("127.0.0.1.nip.io:{port}")] {
        let reply = http::request(server.addr, "GET", "/page/", &[("Host", &host)]);
        assert_eq!(reply.status, 403, "{host}");
        assert!(!reply.text().contains("Text."), "{host}: {}", reply.text());
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        assert_eq!(http::request(server.addr, "GET", "/page/", &[("Host", &host)]).status, 200, "{host}");
    }
    server.still_serves();
}

/// At an open-file limit of 64, 100 idle connections exhaust the server's
/// file handles; once they close, it serves again.
#[cfg(unix)]
#[test]
fn running_out_of_file_handles_does_not_stop_the_server() {
    let mut server = ServeProcess::start(Some(64));
    server.still_serves();
    let idle: Vec<std::net::TcpStream> =
        (0..100).filter_map(|_| std::net::TcpStream::connect(server.addr).ok()).collect();
    assert!(idle.len() >= 60, "only {} connections", idle.len());
    // The server says so when it cannot accept for want of file handles.
    let warning = server.printed.recv_timeout(http::TIMEOUT).expect("a warning");
    assert!(warning.contains("cannot accept a connection") && warning.contains("still serving"), "{warning}");
    drop(idle);
    server.still_serves();
}

#[test]
fn outputs_that_climb_back_into_the_site_are_refused() {
    let site = small_site();
    site.build(&[]);
    let before = common::snapshot(site.root());
    let folder = site.root().file_name().unwrap().to_string_lossy().into_owned();
    let own = format!("../{folder}");
    let own_content = format!("../{folder}/content");
    for output in
        ["x/../content", "public/../content/", "./assets/..", own.as_str(), own_content.as_str(), "content/x/.."]
    {
        let out = site.folio(&["build", "--output", output]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{output} was accepted:\n{err}");
        assert!(err.contains("refusing to write the site"), "{output}: {err}");
    }
    // The same through site.yaml.
    site.write("site.yaml", "title: Test site\noutput_dir: x/../content\n");
    let out = site.folio(&["build"]);
    assert!(
        !out.status.success() && stderr(&out).contains("it would replace the site's own content/"),
        "{}",
        stderr(&out)
    );
    site.write("site.yaml", "title: Test site\n");
    assert_eq!(common::snapshot(site.root()), before, "an authored file changed");
    // An output beside the site, and one inside it, are fine.
    site.build(&["--output", "x/../public2"]);
    assert!(site.root().join("public2/page/index.html").is_file());
}

#[test]
fn staging_folders_of_killed_builds_are_removed_by_the_next_build() {
    let site = small_site();
    // A process that has ended: its id names a staging folder nobody uses.
    let mut ended = std::process::Command::new("true").spawn().unwrap();
    ended.wait().unwrap();
    let stale = site.root().join(format!(".folio-staging-public-{}", ended.id()));
    fs::create_dir_all(stale.join("big")).unwrap();
    fs::write(stale.join("big/page.html"), "left by a killed build").unwrap();
    let stale_aside = site.root().join(format!(".folio-staging-public-{}.old", ended.id()));
    fs::create_dir_all(&stale_aside).unwrap();
    // This test's own process runs: a folder of a build under way is kept.
    let running = site.root().join(format!(".folio-staging-public-{}", std::process::id()));
    fs::create_dir_all(&running).unwrap();
    site.build(&[]);
    assert!(!stale.exists() && !stale_aside.exists(), "the stale staging folders are still there");
    assert!(running.exists(), "the staging folder of a running process was removed");
    assert!(site.public().join("page/index.html").is_file());
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

fn import_programme(site: &Site, document: &Path, year: &str, extra: &[&str]) -> std::process::Output {
    let mut args =
        vec!["import", "programme", document.to_str().unwrap(), "--year", year, "--into", "content/programme/x"];
    args.extend_from_slice(extra);
    site.folio(&args)
}

#[test]
fn importing_another_years_document_over_an_import_is_refused_without_force() {
    let site = small_site();
    let target = site.root().join("content/programme/x");
    let first = import_programme(&site, &fixture("work-programme-2024.md"), "2024", &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = common::snapshot(&target);
    assert!(before.iter().any(|(p, _)| p == Path::new("priority-area-4/4-3.md")));

    let other = import_programme(&site, &fixture("work-programme-2025-crlf.md"), "2025", &[]);
    let err = stderr(&other);
    assert!(!other.status.success(), "{err}");
    assert!(err.contains("holds the import of work-programme-2024.md for 2024"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(common::snapshot(&target), before, "the earlier import was changed");

    // Another document for the same year is another import too.
    let renamed = tempfile::tempdir().unwrap();
    let copy = renamed.path().join("programme-draft.md");
    fs::copy(fixture("work-programme-2024.md"), &copy).unwrap();
    let out = import_programme(&site, &copy, "2024", &[]);
    assert!(
        !out.status.success() && stderr(&out).contains("importing programme-draft.md for 2024"),
        "{}",
        stderr(&out)
    );

    let forced = import_programme(&site, &fixture("work-programme-2025-crlf.md"), "2025", &["--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let manifest = fs::read_to_string(target.join(".folio-import.json")).unwrap();
    assert!(manifest.contains("\"year\": 2025"), "{manifest}");
}

/// An import that fails half way (here: a folder stands where a file must
/// go) leaves the folder exactly as it was, as a killed import does: the
/// files are written into a copy that replaces the folder in one step.
#[test]
fn an_import_that_fails_half_way_changes_nothing() {
    let site = small_site();
    let target = site.root().join("content/programme/x");
    fs::create_dir_all(target.join("priority-area-3/3-1.md")).unwrap();
    fs::write(target.join("priority-area-3/3-1.md/draft.txt"), "a draft\n").unwrap();
    fs::write(target.join("notes.md"), "mine\n").unwrap();
    let before = common::snapshot(&target);
    let out = import_programme(&site, &fixture("work-programme-2024.md"), "2024", &[]);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert_eq!(common::snapshot(&target), before, "a partial import was left: {}", stderr(&out));
    assert!(!target.join("_index.md").exists() && target.join("priority-area-3/3-1.md").is_dir());
    let leftovers: Vec<_> = fs::read_dir(target.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "a staging folder was left behind");
}

#[test]
fn a_component_that_multiplies_its_work_is_refused_before_it_runs() {
    let site = small_site();
    site.write(
        "templates/page.html",
        "<html><body>\n{% component R(n) %}{% if n > 0 %}\n{{<R n={n - 1}/>}}{{<R n={n - 1}/>}}{{<R n={n - 1}/>}}{% endif %}{% endcomponent R %}\n{{<R n={19}/>}}\n</body></html>\n",
    );
    let err = failing(&site, &["build"]);
    assert!(
        err.contains("template `page.html` could render components more than 100000 times for content/page.md"),
        "{err}"
    );
    assert!(err.contains("component `R` calls itself 3 times"), "{err}");
    assert!(err.contains("--> templates/page.html:3:"), "{err}");
}

#[test]
fn endless_component_recursion_and_include_cycles_name_the_template_and_line() {
    let site = small_site();
    site.write(
        "templates/page.html",
        "<html><body>\n{% component R(n) %}[{{<R n={n + 1}/>}}]{% endcomponent R %}\n{{<R n={0}/>}}\n</body></html>\n",
    );
    let err = failing(&site, &["build"]);
    assert!(
        err.contains(
            "components nest more than 20 levels deep in template `page.html` while rendering content/page.md"
        ),
        "{err}"
    );
    assert!(err.contains("--> templates/page.html:2:"), "{err}");

    site.write("templates/page.html", "<html><body>\n{% include \"partials/a.html\" %}\n</body></html>\n");
    site.write("templates/partials/a.html", "A\n{% include \"partials/b.html\" %}\n");
    site.write("templates/partials/b.html", "B\n\n{% include \"partials/a.html\" %}\n");
    let err = failing(&site, &["build"]);
    assert!(
        err.contains(
            "`partials/a.html` line 2 includes `partials/b.html`, `partials/b.html` line 3 includes `partials/a.html`"
        ),
        "{err}"
    );
    assert!(err.contains("--> templates/partials/a.html:2:"), "{err}");
}

/// Runs `folio` in `site` under a limit of `megabytes` of address space,
/// so that a build that would need gigabytes fails instead of swapping.
#[cfg(unix)]
fn folio_within(site: &Site, megabytes: u64, args: &str) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {} && exec \"$0\" {args}", megabytes * 1024))
        .arg(assert_cmd::cargo::cargo_bin("folio"))
        .current_dir(site.root())
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn twenty_thousand_placeholders_on_one_line_are_counted_in_bounded_memory() {
    let site = small_site();
    site.write("content/long.md", &format!("---\ntitle: Long\n---\n{}\n", "[a](#) ".repeat(20_000)));
    let out = folio_within(&site, 1536, "build");
    let err = stderr(&out);
    assert!(out.status.success(), "{}", &err[..err.len().min(2000)]);
    assert!(stdout(&out).contains("20000 warnings (20000 placeholder links)"), "{}", stdout(&out));
    // 25 warnings shown, each quoting a window of the 140 KB line, and a count of the rest.
    assert!(err.len() < 25 * 1000, "{} bytes of warnings", err.len());
    assert_eq!(err.matches("warning: placeholder link").count(), 25, "{}", &err[..err.len().min(3000)]);
    assert!(
        err.contains("note: 19975 more warnings in content/long.md not shown"),
        "{}",
        &err[err.len().saturating_sub(500)..]
    );
}

#[cfg(unix)]
#[test]
fn ten_thousand_nested_liquid_tags_on_one_line_import_in_bounded_memory() {
    let source = tempfile::tempdir().unwrap();
    fs::write(source.path().join("_config.yml"), "title: Old\n").unwrap();
    let nested = format!("{}x{}", "{% if a %}".repeat(10_000), "{% endif %}".repeat(10_000));
    fs::write(source.path().join("index.md"), format!("---\ntitle: Home\n---\n{nested}\n")).unwrap();
    let site = Site::new();
    let into = site.root().join("imported");
    let args = format!("import jekyll '{}' --into '{}'", source.path().display(), into.display());
    let out = folio_within(&site, 1536, &args);
    let report = format!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success(), "{}", &report[..report.len().min(2000)]);
    assert!(
        into.join("content/_index.md").is_file() || into.join("content/index.md").is_file(),
        "{}",
        &report[..report.len().min(2000)]
    );
    assert!(report.len() < 200_000, "{} bytes of report", report.len());
}

#[test]
fn deeply_nested_yaml_is_refused_at_once_with_its_line() {
    let site = small_site();
    let deep = format!("{}1{}", "{a: ".repeat(100_000), "}".repeat(100_000));
    site.write("content/deep.md", &format!("---\ntitle: Deep\nextra: {deep}\n---\nText\n"));
    let err = failing(&site, &["build"]);
    assert!(err.contains("brackets nested more than 100 levels deep"), "{}", &err[..err.len().min(2000)]);
    assert!(err.contains("--> content/deep.md:3:"), "{}", &err[..err.len().min(2000)]);
}

#[test]
fn an_alias_bomb_in_front_matter_is_an_error_at_its_line() {
    let site = small_site();
    let mut yaml = String::from("title: Bomb\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    for pair in ["a", "b", "c", "d", "e", "f", "g", "h", "i"].windows(2) {
        yaml.push_str(&format!("{}: &{} [{}]\n", pair[1], pair[1], vec![format!("*{}", pair[0]); 9].join(",")));
    }
    site.write("content/bomb.md", &format!("---\n{yaml}---\nText\n"));
    let err = failing(&site, &["build"]);
    assert!(err.contains("repetition limit exceeded"), "{err}");
    assert!(err.contains("--> content/bomb.md:4:8"), "{err}");
}

#[test]
fn a_nul_byte_in_a_page_is_an_error_at_its_line() {
    let site = small_site();
    site.write_bytes("content/nul.md", b"---\ntitle: Nul\n---\nFirst line.\nSecond \x00 line.\n");
    let err = failing(&site, &["build"]);
    assert!(err.contains("NUL byte") && err.contains("--> content/nul.md:5:8"), "{err}");
}

#[test]
fn a_page_with_cr_line_endings_is_read_like_any_other() {
    let site = small_site();
    site.write(
        "content/mac.md",
        "---\rtitle: Old Mac page\rdescription: Saved by an old editor\r---\r# Heading\r\rA paragraph.\r",
    );
    site.build(&[]);
    let html = site.html("mac/index.html");
    assert_eq!(common::text(&common::select(&html, "title")[0]), "Old Mac page · Test site");
    assert!(common::text(&common::select(&html, "main h2#heading, main h1#heading")[0]).starts_with("Heading"));
    assert!(common::text(&common::select(&html, "main")[0]).contains("A paragraph."));
    assert!(!site.read("mac/index.html").contains("title: Old Mac page"), "front matter shown as text");
}

#[cfg(unix)]
#[test]
fn an_asset_name_that_is_not_utf8_is_a_warning_and_not_renamed() {
    use std::os::unix::ffi::OsStrExt;
    let site = small_site();
    fs::create_dir_all(site.root().join("assets")).unwrap();
    fs::write(site.root().join("assets").join(std::ffi::OsStr::from_bytes(b"caf\xe9.jpg")), "jpeg").unwrap();
    let out = site.build(&[]);
    let err = stderr(&out);
    assert!(err.contains("the name of assets/caf") && err.contains("is not UTF-8"), "{err}");
    let published: Vec<String> = fs::read_dir(site.public().join("assets"))
        .map_or(Vec::new(), |d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect());
    assert!(published.iter().all(|n| !n.starts_with("caf")), "{published:?}");
}
