//! `folio serve`: the dev server started on a free port in a temporary site
//! and checked with plain HTTP requests. Every wait is bounded; rebuilds are
//! awaited through the live-reload events themselves, never by sleeping.

mod common;
#[path = "common/http.rs"]
mod http;

use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Site;
use folio::serve::{
    EarlyPages, IncrementalRebuild, Rebuild, RebuildReport, ServeError, ServeOptions, ServerHandle, Stages, WatchMode,
    STAGE_ABOVE,
};
use http::{get, parse_event, request, Event, TIMEOUT};

struct Dev {
    site: Site,
    server: ServerHandle,
    log: Arc<Mutex<Vec<String>>>,
}

fn small_site() -> Site {
    let site = Site::new();
    site.write("content/_index.md", "---\ntitle: Home\n---\nWelcome home.\n")
        .write("content/a.md", "---\ntitle: Page A\n---\nFirst text of A.\n")
        .write("content/docs/_index.md", "---\ntitle: Docs\n---\nThe docs.\n")
        .write("content/docs/guide.md", "---\ntitle: Guide\n---\nRead me.\n");
    site
}

fn serve(site: Site) -> Dev {
    serve_with(site, |_| {})
}

fn serve_with(site: Site, tune: impl FnOnce(&mut ServeOptions)) -> Dev {
    serve_rebuilding(site, tune, |build| Box::new(IncrementalRebuild::new(build)))
}

fn serve_rebuilding(
    site: Site,
    tune: impl FnOnce(&mut ServeOptions),
    rebuilder: impl FnOnce(folio::BuildOptions) -> Box<dyn Rebuild>,
) -> Dev {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut options = ServeOptions::new(site.root());
    options.port = 0;
    let sink = Arc::clone(&log);
    options.log = Some(Arc::new(move |line: &str| sink.lock().unwrap().push(line.to_string())));
    tune(&mut options);
    let server = folio::serve::start_with(&options, rebuilder).expect("server starts");
    Dev { site, server, log }
}

impl Dev {
    fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    fn get(&self, target: &str) -> http::Reply {
        get(self.addr(), target)
    }

    fn page(&self, target: &str) -> String {
        let reply = self.get(target);
        assert_eq!(reply.status, 200, "GET {target}: {}", reply.text());
        reply.text()
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Holds an events request for the current build, runs `edit` once the
    /// server holds it, and returns the event that answers it.
    fn edit(&self, edit: impl FnOnce(&Site)) -> Event {
        let since = self.server.build();
        let waiting = self.server.waiting_clients();
        let pending = events_request(self.addr(), &[("Last-Event-ID", &since.to_string())]);
        wait_until("the events request to be held", || self.server.waiting_clients() > waiting);
        edit(&self.site);
        let reply = pending.recv_timeout(TIMEOUT).expect("an event within the timeout");
        assert_eq!(reply.status, 200);
        assert!(reply.header("Content-Type").unwrap().starts_with("text/event-stream"));
        let event = parse_event(&reply.text());
        assert!(event.id.unwrap() > since, "a new build id: {event:?}; log: {:#?}", self.log());
        event
    }
}

/// Sends an events request from another thread; its answer arrives on the channel.
fn events_request(addr: SocketAddr, headers: &[(&str, &str)]) -> mpsc::Receiver<http::Reply> {
    events_request_to(addr, "/__folio/events", headers)
}

fn events_request_to(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> mpsc::Receiver<http::Reply> {
    let (tx, rx) = mpsc::channel();
    let headers: Vec<(String, String)> = headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    let target = target.to_string();
    std::thread::spawn(move || {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        if let Ok(reply) = http::try_request(addr, "GET", &target, &headers, TIMEOUT) {
            let _ = tx.send(reply);
        }
    });
    rx
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < TIMEOUT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn data(event: &Event) -> serde_json::Value {
    serde_json::from_str(event.data.as_deref().expect("event data")).expect("JSON data")
}

fn body_text(html: &str) -> String {
    html.split("<script data-folio-live-reload").next().unwrap().to_string()
}

#[test]
fn serves_pages_and_files_with_their_content_types() {
    let site = small_site();
    site.write("content/docs/meeting.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        .write("content/docs/data.json", "{}")
        .write("content/docs/notes.txt", "notes")
        .write("assets/fonts/x.woff2", "wOF2")
        .write("assets/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .write_bytes("assets/images/Limenitis reducta Staudinger,.jpg", b"\xff\xd8\xff\xe0jpeg");
    let dev = serve(site);

    let home = dev.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(home.header("Cache-Control"), Some("no-cache"));
    let html = home.text();
    assert!(html.contains("Welcome home."), "{html}");
    let script = html.find("<script data-folio-live-reload").expect("live-reload script injected");
    assert!(script < html.rfind("</body>").unwrap(), "script sits before </body>");
    assert!(html.contains("/__folio/events"));
    assert!(!dev.site.root().join("public").exists(), "serve writes nothing to disk");

    assert!(dev.page("/a/").contains("First text of A."));
    assert!(dev.page("/docs/guide/").contains("Read me."));

    for (target, expected) in [
        ("/docs/meeting.ics", "text/calendar; charset=utf-8"),
        ("/docs/data.json", "application/json"),
        ("/docs/notes.txt", "text/plain; charset=utf-8"),
        ("/assets/fonts/x.woff2", "font/woff2"),
        ("/assets/logo.svg", "image/svg+xml"),
        ("/assets/images/Limenitis%20reducta%20Staudinger%2C.jpg", "image/jpeg"),
        ("/css/folio.css", "text/css; charset=utf-8"),
    ] {
        let reply = dev.get(target);
        assert_eq!(reply.status, 200, "{target}");
        assert_eq!(reply.header("Content-Type"), Some(expected), "{target}");
        assert!(!reply.text().contains("folio-live-reload"), "{target}: nothing injected outside HTML");
    }
    assert_eq!(dev.get("/assets/images/Limenitis%20reducta%20Staudinger%2C.jpg").body, b"\xff\xd8\xff\xe0jpeg");
    assert_eq!(dev.get("/docs/meeting.ics").text(), "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
    assert!(dev.log()[0].starts_with("Built "), "{:?}", dev.log());
}

#[test]
fn folders_redirect_to_their_slash_and_unknown_urls_get_a_404_page() {
    let dev = serve(small_site());
    let moved = dev.get("/docs?x=1");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("Location"), Some("/docs/?x=1"));
    assert_eq!(dev.get("/docs/guide").header("Location"), Some("/docs/guide/"));

    // The theme's 404 page, with status 404.
    let missing = dev.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("Content-Type"), Some("text/html; charset=utf-8"));
    let text = missing.text();
    assert!(text.contains("<h1>Page not found</h1>") && text.contains("role=\"search\""), "{text}");
    assert!(text.contains("folio-live-reload"), "a 404 page reloads too, when the page appears");
    assert_eq!(dev.get("/a/index.html/").status, 404);

    // A theme without a 404 page: folio's own, which names the path.
    let site = small_site();
    site.write("site.yaml", "title: Test site\ntheme: bare\n")
        .write("themes/bare/templates/page.html", "<html><body>{{ page.title }}</body></html>")
        .write("themes/bare/templates/section.html", "<html><body>{{ page.title }}</body></html>");
    let dev = serve(site);
    let missing = dev.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    let text = missing.text();
    assert!(text.contains("Not found") && text.contains("/no/such/page"), "{text}");
    let escaped = dev.get("/%3Cscript%3Ealert(1)%3C%2Fscript%3E").text();
    assert!(!escaped.contains("<script>alert"), "the path is escaped in the 404 page");

    // The site's own 404 page, when it has one.
    let site = small_site();
    site.write("content/404.html", "<html><body><h1>Lost in the woods</h1></body></html>");
    let dev = serve(site);
    let missing = dev.get("/nowhere");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Lost in the woods"));
    assert!(missing.text().contains("folio-live-reload"));
}

#[test]
fn with_implicit_html_urls_without_the_extension_are_answered_as_the_old_host_did() {
    let site = small_site();
    site.write("site.yaml", "title: Test site\nimplicit_html: true\n")
        .write("content/schedule.md", "---\ntitle: Schedule\npermalink: /schedule.html\n---\nThe days.\n")
        .write("content/sessions.md", "---\ntitle: Sessions\npermalink: /sessions.html\n---\n## Regional\n");
    let dev = serve(site);
    for url in ["/schedule", "/schedule/", "/schedule.html"] {
        assert!(body_text(&dev.page(url)).contains("The days."), "{url}");
    }
    assert!(body_text(&dev.page("/sessions")).contains("Regional"));
    // A folder's own page still comes first, with its redirect.
    assert_eq!(dev.get("/docs").header("Location"), Some("/docs/"));
    assert_eq!(dev.get("/nothing").status, 404);
}

#[test]
fn app_routes_are_answered_with_their_page_as_the_portal_host_did() {
    let site = small_site();
    site.write(
        "site.yaml",
        "title: Test site\napp_routes:\n  - prefix: /dataset/\n    page: /dataset/_key_/\n  - prefix: /api\n",
    )
    .write("content/dataset-key.md", "---\ntitle: Dataset\npermalink: /dataset/_key_/\n---\nThe dataset widget.\n")
    .write("content/dataset-search.md", "---\ntitle: Datasets\npermalink: /dataset/search/\n---\nSearch them.\n")
    .write(
        "content/a.md",
        "---\ntitle: Page A\n---\n[A dataset](/dataset/b7700738-3e8b/project), [the API](/api/v1/x).\n",
    );
    let dev = serve(site);
    for url in ["/dataset/b7700738-3e8b", "/dataset/b7700738-3e8b/project?tab=x"] {
        assert!(body_text(&dev.page(url)).contains("The dataset widget."), "{url}");
    }
    // A page of the site wins over the route; the prefix alone is nobody's.
    assert!(body_text(&dev.page("/dataset/search/")).contains("Search them."));
    assert_eq!(dev.get("/dataset/").status, 404);
    let elsewhere = dev.get("/api/v1/x");
    assert_eq!(elsewhere.status, 404);
    assert!(elsewhere.text().contains("answered by another application"), "{}", elsewhere.text());
}

#[test]
fn with_liquid_edits_to_pages_data_and_includes_show_on_the_next_build() {
    let site = small_site();
    site.write("site.yaml", "title: Test site\nliquid: true\n")
        .write("data/team.yml", "- name: Ana\n")
        .write("includes/person.html", "<b class=\"person\">{{ include.name }}</b>")
        .write(
            "content/team.md",
            "---\ntitle: Team\n---\n{% for p in site.data.team %}{% include person.html name=p.name %} {% endfor %}\n",
        );
    let dev = serve(site);
    assert!(body_text(&dev.page("/team/")).contains("<b class=\"person\">Ana</b>"));
    dev.edit(|site| {
        site.write("data/team.yml", "- name: Ana\n- name: Bo\n");
    });
    assert!(body_text(&dev.page("/team/")).contains("<b class=\"person\">Bo</b>"), "a data file");
    dev.edit(|site| {
        site.write("includes/person.html", "<i class=\"person\">{{ include.name }}</i>");
    });
    assert!(body_text(&dev.page("/team/")).contains("<i class=\"person\">Bo</i>"), "an include");
    dev.edit(|site| {
        site.write("content/team.md", "---\ntitle: Team\n---\n{{ site.data.team.size }} people\n");
    });
    assert!(body_text(&dev.page("/team/")).contains("2 people"), "the page itself");
    assert!(dev.log().last().unwrap().contains("uses Liquid"), "{:?}", dev.log());
}

#[test]
fn head_gives_the_headers_without_the_body_and_other_methods_are_refused() {
    let dev = serve(small_site());
    let full = dev.get("/a/");
    let head = request(dev.addr(), "HEAD", "/a/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("Content-Length").unwrap(), full.body.len().to_string());
    assert_eq!(head.header("Content-Type"), Some("text/html; charset=utf-8"));
    let css = request(dev.addr(), "HEAD", "/css/folio.css", &[]);
    assert_eq!(css.status, 200);
    assert!(css.body.is_empty());
    assert_eq!(css.header("Content-Length").unwrap(), dev.get("/css/folio.css").body.len().to_string());
    assert_eq!(request(dev.addr(), "HEAD", "/missing", &[]).status, 404);

    let post = request(dev.addr(), "POST", "/a/", &[("Content-Length", "0")]);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("Allow"), Some("GET, HEAD"));
}

#[test]
fn nothing_outside_the_site_is_ever_served() {
    let site = small_site();
    site.write("secret.txt", "TOP SECRET");
    let dev = serve(site);
    for target in [
        "/../Cargo.toml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsite.yaml",
        "/..%2Fsecret.txt",
        "/\\..\\site.yaml",
        "/%5c..%5csite.yaml",
        "/docs/../../secret.txt",
        "/a%00.html",
        "//etc/passwd",
        "/secret.txt",
        "/site.yaml",
        "/content/a.md",
        "/%ff%fe",
    ] {
        let reply = dev.get(target);
        assert!(matches!(reply.status, 400 | 404), "{target}: {}", reply.status);
        let text = reply.text();
        assert!(!text.contains("TOP SECRET") && !text.contains("title: Test site"), "{target}: {text}");
        assert!(!text.contains("root:"), "{target}");
    }
    assert_eq!(dev.get("/../Cargo.toml").status, 400);
    assert_eq!(dev.get("/%2e%2e/site.yaml").status, 400);
    assert_eq!(dev.get("/..%2fsite.yaml").status, 400);
    assert_eq!(dev.get("/\\..\\site.yaml").status, 400);
}

#[test]
fn an_edit_sends_the_event_and_the_new_page_is_served() {
    let dev = serve(small_site());
    assert_eq!(dev.server.build(), 1);
    let event = dev.edit(|site| {
        site.write("content/a.md", "---\ntitle: Page A\n---\nSecond text of A.\n");
    });
    assert_eq!(event.id, Some(2));
    assert_eq!(event.retry, Some(folio::serve::RETRY_MS));
    assert_eq!(data(&event), serde_json::json!({"build": 2, "reload": "page"}));
    let page = dev.page("/a/");
    assert!(page.contains("Second text of A.") && !page.contains("First text"), "{page}");
    assert!(page.contains("const build = 2;"), "pages name the build they come from");
    let log = dev.log();
    let line = log.last().unwrap();
    // Four pages, the 404 page and the search page.
    assert!(line.starts_with("content/a.md changed: rebuilt 6 pages in "), "{line}");
    // The page, and the search index's shards of the words that came and went.
    assert!(line.contains("1 page and 2 other files changed") && line.ends_with("(build 2)"), "{line}");
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_with_an_overlay_until_it_is_fixed() {
    let dev = serve(small_site());
    let event = dev.edit(|site| {
        site.write("content/a.md", "---\ntitle: <b>Broken</b> A\nSecond text that never shows.\n");
    });
    assert_eq!(data(&event)["reload"], "page");
    assert!(dev.server.failing());
    let page = dev.page("/a/");
    assert!(page.contains("First text of A."), "the last good page is served");
    let overlay = page.find(r#"id="folio-build-errors" role="alert""#).expect("the overlay");
    assert!(overlay < page.rfind("</body>").unwrap());
    assert!(page.contains("never closed"), "{page}");
    assert!(page.contains("content/a.md:1:1"), "{page}");
    assert!(page.contains("&lt;b&gt;Broken&lt;/b&gt;") || !page.contains("<b>Broken</b>"), "escaped");
    assert!(dev.page("/").contains(r#"role="alert""#), "every page shows it");
    assert!(!dev.get("/css/folio.css").text().contains("alert"), "only HTML gets it");
    let log = dev.log();
    assert!(log.iter().any(|l| l.contains("build failed with 1 error")), "{log:#?}");

    let event = dev.edit(|site| {
        site.write("content/a.md", "---\ntitle: Page A\n---\nFixed text of A.\n");
    });
    assert_eq!(data(&event)["reload"], "page");
    assert!(!dev.server.failing());
    let page = dev.page("/a/");
    assert!(page.contains("Fixed text of A.") && !page.contains("folio-build-errors"), "{page}");
    assert!(dev.log().last().unwrap().contains("fixed"), "{:?}", dev.log());
}

#[test]
fn pages_can_be_added_renamed_and_deleted() {
    let dev = serve(small_site());
    assert_eq!(dev.get("/b/").status, 404);
    dev.edit(|site| {
        site.write("content/b.md", "---\ntitle: Page B\n---\nB is new.\n");
    });
    assert!(dev.page("/b/").contains("B is new."));

    dev.edit(|site| {
        std::fs::rename(site.root().join("content/b.md"), site.root().join("content/c.md")).unwrap();
    });
    assert_eq!(dev.get("/b/").status, 404);
    assert!(dev.page("/c/").contains("B is new."));

    dev.edit(|site| std::fs::remove_file(site.root().join("content/c.md")).unwrap());
    assert_eq!(dev.get("/c/").status, 404);

    // A whole folder appears at once.
    dev.edit(|site| {
        let tmp = site.root().join("incoming");
        std::fs::create_dir_all(&tmp).unwrap();
        std::fs::write(tmp.join("_index.md"), "---\ntitle: News\n---\n").unwrap();
        std::fs::write(tmp.join("one.md"), "---\ntitle: One\n---\nFirst news.\n").unwrap();
        std::fs::rename(&tmp, site.root().join("content/news")).unwrap();
    });
    assert!(dev.page("/news/one/").contains("First news."));
}

#[test]
fn a_stylesheet_change_is_reported_as_styles_only() {
    let site = small_site();
    site.write("assets/site.css", "body { color: black; }\n");
    let dev = serve(site);
    let event = dev.edit(|site| {
        site.write("assets/site.css", "body { color: navy; }\n");
    });
    assert_eq!(data(&event), serde_json::json!({"build": 2, "reload": "css", "css": ["/assets/site.css"]}));
    assert_eq!(dev.get("/assets/site.css").text(), "body { color: navy; }\n");
    assert!(dev.log().last().unwrap().contains("styles only (/assets/site.css)"), "{:?}", dev.log());

    // A page change with it is a reload again.
    let event = dev.edit(|site| {
        site.write("assets/site.css", "body { color: teal; }\n");
        site.write("content/a.md", "---\ntitle: Page A\n---\nNew A.\n");
    });
    assert_eq!(data(&event)["reload"], "page");
}

#[test]
fn a_client_that_missed_builds_is_answered_at_once_with_what_changed() {
    let site = small_site();
    site.write("assets/one.css", "a{}").write("assets/two.css", "b{}");
    let dev = serve(site);
    dev.edit(|site| {
        site.write("assets/one.css", "a{color:red}");
    });
    dev.edit(|site| {
        site.write("assets/two.css", "b{color:red}");
    });
    let reply = events_request(dev.addr(), &[("Last-Event-ID", "1")]).recv_timeout(TIMEOUT).unwrap();
    let event = parse_event(&reply.text());
    assert_eq!(event.id, Some(3));
    assert_eq!(
        data(&event),
        serde_json::json!({"build": 3, "reload": "css", "css": ["/assets/one.css", "/assets/two.css"]})
    );

    // The first connection of a page names its build in the URL.
    let reply = events_request_to(dev.addr(), "/__folio/events?since=2", &[]).recv_timeout(TIMEOUT).unwrap();
    assert_eq!(parse_event(&reply.text()).id, Some(3));
    // Last-Event-ID (sent on reconnects) wins over the URL.
    let reply = events_request_to(dev.addr(), "/__folio/events?since=1", &[("Last-Event-ID", "2")])
        .recv_timeout(TIMEOUT)
        .unwrap();
    assert_eq!(data(&parse_event(&reply.text()))["css"], serde_json::json!(["/assets/two.css"]));
    // A page from an earlier run of the server reloads at once.
    let reply = events_request_to(dev.addr(), "/__folio/events?since=3&server=old", &[]).recv_timeout(TIMEOUT).unwrap();
    assert_eq!(data(&parse_event(&reply.text()))["reload"], "page");
}

#[test]
fn a_waiting_client_gets_a_quiet_answer_after_the_timeout() {
    let dev = serve_with(small_site(), |o| o.event_timeout = Duration::from_millis(300));
    let started = Instant::now();
    let reply = events_request(dev.addr(), &[("Last-Event-ID", "1")]).recv_timeout(TIMEOUT).unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(reply.status, 200);
    let text = reply.text();
    let event = parse_event(&text);
    assert_eq!((event.id, event.data), (Some(1), None), "{text}");
    assert!(text.contains(": no change"), "{text}");
    assert_eq!(reply.header("Content-Length").unwrap(), text.len().to_string(), "one complete answer");
}

#[test]
fn waiting_clients_never_block_pages_and_are_released_on_stop() {
    let dev = serve(small_site());
    let clients = 24;
    let pending: Vec<_> = (0..clients).map(|_| events_request(dev.addr(), &[("Last-Event-ID", "1")])).collect();
    wait_until("every events request to be held", || dev.server.waiting_clients() == clients);
    for _ in 0..20 {
        assert!(dev.page("/a/").contains("First text of A."));
    }
    // Every page was answered while all the clients were still held (and
    // the event timeout is 25 s, so none was let go to make room).
    assert_eq!(dev.server.waiting_clients(), clients, "pages answered while clients wait");

    let Dev { server, site, .. } = dev;
    server.stop();
    for rx in pending {
        let reply = rx.recv_timeout(TIMEOUT).expect("released on stop");
        assert_eq!(reply.status, 200);
    }
    drop(site);
}

#[test]
fn a_burst_of_saves_is_one_rebuild_and_scratch_files_are_ignored() {
    // The burst is held open by a file still being written: while
    // content/a.md is open the watcher waits (up to the test's timeout), so
    // however long a busy machine stalls between two of the writes, the
    // burst ends only when a.md is closed, and then after the default few
    // milliseconds. The burst's rules themselves are tested without a clock
    // in the watcher's unit tests.
    let dev = serve_with(small_site(), |o| {
        o.quiet = TIMEOUT;
        o.max_delay = TIMEOUT;
    });
    let event = dev.edit(|site| {
        let mut a = fs::File::create(site.root().join("content/a.md")).unwrap();
        a.write_all(b"---\ntitle: Page A\n---\n").unwrap();
        for i in 0..30 {
            site.write(&format!("content/burst/p{i}.md"), &format!("---\ntitle: P{i}\n---\n"));
        }
        a.write_all(b"Burst.\n").unwrap();
    });
    assert_eq!(event.id, Some(2));
    let rebuilt = dev.log().iter().filter(|l| l.contains("rebuilt")).count();
    assert_eq!(rebuilt, 1, "{:#?}", dev.log());
    assert!(dev.log().last().unwrap().contains(" changed: rebuilt 36 pages"), "{:?}", dev.log());
    assert!(dev.page("/burst/p29/").contains("P29"));

    // Scratch files, then a real edit: the watcher sees them in that order,
    // so had a scratch file counted, it would show in a rebuild before the
    // edit's or in the edit's own list of changed files.
    let before = dev.log().len();
    let event = dev.edit(|site| {
        for name in ["content/.a.md.swp", "content/a.md~", "content/4913", ".git/index", "target/x", "public/x.html"] {
            site.write(name, "scratch");
        }
        site.write("content/a.md", "---\ntitle: Page A\n---\nAfter the scratch files.\n");
    });
    assert_eq!(event.id, Some(3), "one rebuild, for the real edit: {:#?}", dev.log());
    let after: Vec<String> = dev.log()[before..].to_vec();
    assert_eq!(after.len(), 1, "{after:#?}");
    assert!(after[0].starts_with("content/a.md changed: rebuilt"), "{after:#?}");
}

#[test]
fn saving_without_changing_the_site_sends_no_event() {
    let dev = serve(small_site());
    let pending = events_request(dev.addr(), &[("Last-Event-ID", "1")]);
    wait_until("the events request to be held", || dev.server.waiting_clients() == 1);
    dev.site.write("content/a.md", "---\ntitle: Page A\n---\nFirst text of A.\n");
    wait_until("the rebuild", || dev.log().iter().any(|l| l.contains("nothing in the site changed")));
    assert_eq!(dev.server.build(), 1);
    assert!(pending.try_recv().is_err(), "the client still waits");
    assert_eq!(dev.server.waiting_clients(), 1);
}

#[test]
fn templates_site_yaml_and_new_folders_are_watched() {
    let dev = serve(small_site());
    dev.edit(|site| {
        site.write("site.yaml", "title: Renamed site\n");
    });
    assert!(dev.page("/").contains("Renamed site"));
    // templates/ did not exist when the server started.
    dev.edit(|site| {
        site.write("templates/page.html", "<html><body><p>Custom: {{ page.title }}</p></body></html>");
    });
    assert!(dev.page("/a/").contains("Custom: Page A"));
    dev.edit(|site| {
        site.write("templates/page.html", "<html><body><p>Custom again: {{ page.title }}</p></body></html>");
    });
    assert!(dev.page("/a/").contains("Custom again: Page A"));
}

#[test]
fn the_polling_watcher_notices_edits() {
    let dev = serve_with(small_site(), |o| o.watch = WatchMode::Poll(Duration::from_millis(100)));
    dev.edit(|site| {
        site.write("content/a.md", "---\ntitle: Page A\n---\nPolled text.\n");
    });
    assert!(dev.page("/a/").contains("Polled text."));
}

#[test]
fn a_site_that_fails_at_start_is_served_with_the_overlay() {
    let site = small_site();
    site.write("content/a.md", "---\ntitle: [unclosed\n---\n");
    let dev = serve(site);
    assert!(dev.server.failing());
    let reply = dev.get("/a/");
    assert_eq!(reply.status, 404);
    assert!(reply.text().contains(r#"role="alert""#));
    dev.edit(|site| {
        site.write("content/a.md", "---\ntitle: Page A\n---\nNow fine.\n");
    });
    assert!(body_text(&dev.page("/a/")).contains("Now fine."));
}

#[test]
fn a_busy_port_is_a_clear_error_and_a_folder_without_site_yaml_is_refused() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = small_site();
    let mut options = ServeOptions::new(site.root());
    options.port = port;
    let err = folio::serve::start(&options).err().expect("refused");
    assert!(matches!(err, ServeError::PortInUse { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&format!("port {port}")) && message.contains("--port"), "{message}");

    let empty = tempfile::tempdir().unwrap();
    let mut options = ServeOptions::new(empty.path());
    options.port = 0;
    let err = folio::serve::start(&options).err().expect("refused");
    assert!(matches!(err, ServeError::NotASite(_)), "{err:?}");
    assert!(err.to_string().contains("site.yaml"));
}

#[test]
fn stopping_frees_the_port() {
    let dev = serve(small_site());
    let addr = dev.addr();
    dev.server.stop();
    wait_until("the port to be free", || std::net::TcpListener::bind(addr).is_ok());
}

#[test]
fn the_bundled_site_is_served() {
    let site = Site::bundled();
    let dev = serve(site);
    for page in ["/", "/meetings/2021-global-nodes-meeting/sessions/", "/nodes/gbif-cas/"] {
        assert!(dev.page(page).contains("folio-live-reload"), "{page}");
    }
    let image = dev.get("/assets/images/Limenitis%20reducta%20Staudinger%2C.jpg");
    assert_eq!(image.status, 200);
    assert_eq!(
        image.body,
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/images/Limenitis reducta Staudinger,.jpg"))
            .unwrap()
    );
}

/// The incremental rebuilder, held after it hands over its first pages
/// until the test says go, and staging however few pages there are.
struct Gated {
    inner: IncrementalRebuild,
    go: mpsc::Receiver<Go>,
}

/// What the test tells a held rebuild. The wait for a stop goes with the
/// rebuild that is told it, not with a count of rebuilds: counted, the
/// server's first build took the wait, and the rebuild under test asked
/// the watcher only once, which on a busy machine could be before the
/// newer save had reached it.
#[derive(Clone, Copy, PartialEq)]
enum Go {
    /// Render the rest.
    Render,
    /// Wait, before the rest, for a newer change to stop the rebuild.
    WaitForStop,
}

fn gated(go: mpsc::Receiver<Go>) -> impl FnOnce(folio::BuildOptions) -> Box<dyn Rebuild> {
    move |build| Box::new(Gated { inner: IncrementalRebuild::new(build), go })
}

struct Gate<'a> {
    stages: &'a mut dyn Stages,
    go: &'a mpsc::Receiver<Go>,
    told: Go,
}

impl Stages for Gate<'_> {
    fn first(&mut self, _to_render: usize) -> Vec<std::path::PathBuf> {
        self.stages.first(STAGE_ABOVE + 1)
    }
    fn early(&mut self, pages: EarlyPages) {
        self.stages.early(pages);
        self.told = self.go.recv_timeout(TIMEOUT).expect("the test says go");
    }
    fn cancelled(&mut self) -> bool {
        if self.told == Go::WaitForStop {
            wait_until("a newer change to stop the rebuild", || self.stages.cancelled());
            return true;
        }
        self.stages.cancelled()
    }
}

impl Rebuild for Gated {
    fn rebuild(&mut self, changed: &[std::path::PathBuf]) -> Result<folio::BuiltSite, folio::Error> {
        self.inner.rebuild(changed)
    }
    fn rebuild_in_stages(
        &mut self,
        changed: &[std::path::PathBuf],
        stages: &mut dyn Stages,
    ) -> Result<Option<folio::BuiltSite>, folio::Error> {
        self.inner.rebuild_in_stages(changed, &mut Gate { stages, go: &self.go, told: Go::Render })
    }
    fn report(&self) -> Option<RebuildReport> {
        self.inner.report()
    }
}

/// The small site with the theme's page.html as its own and a page B,
/// served through [`Gated`]; returns the template's text and the gate.
fn gated_site() -> (Dev, String, mpsc::Sender<Go>) {
    let site = small_site();
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/gbif/templates/page.html")).unwrap();
    site.write("templates/page.html", &page).write("content/b.md", "---\ntitle: Page B\n---\nText of B.\n");
    let (go, gate) = mpsc::channel();
    (serve_rebuilding(site, |_| {}, gated(gate)), page, go)
}

#[test]
fn a_template_edit_serves_the_viewed_page_first_and_other_pages_once_rendered() {
    let (dev, page, go) = gated_site();
    // The page a tab shows: its live-reload request names it.
    let watching = events_request_to(dev.addr(), "/__folio/events?since=1&page=%2Fa%2F", &[]);
    wait_until("the tab's events request to be held", || dev.server.waiting_clients() == 1);

    let edited = format!("{page}{{% block after_content %}}<p id=\"edited\">Edited.</p>{{% endblock after_content %}}");
    let event = dev.edit(|site| {
        site.write("templates/page.html", &edited);
    });
    // The viewed page is served with the edit while the rest waits.
    assert_eq!(watching.recv_timeout(TIMEOUT).unwrap().status, 200, "the tab is told to reload");
    let a = dev.page("/a/");
    assert!(a.contains("<p id=\"edited\">Edited.</p>"), "{a}");
    assert!(a.contains(&format!("const build = {};", event.id.unwrap())), "{a}");
    assert!(dev.log().iter().any(|l| l.contains("1 viewed page shown in")), "{:#?}", dev.log());
    // Files the change does not touch are served at once.
    assert!(dev.page("/docs/").contains("The docs."));

    // Another page the template renders is not served stale: it waits.
    let b = events_request_to(dev.addr(), "/b/", &[]);
    wait_until("the request for B to wait", || dev.server.waiting_for_rest() == 1);
    go.send(Go::Render).unwrap();
    let b = b.recv_timeout(TIMEOUT).expect("B once rendered").text();
    assert!(b.contains("<p id=\"edited\">Edited.</p>") && b.contains("Text of B."), "{b}");
    // The rest came in as the same build: no second reload.
    wait_until("the rebuild to end", || dev.log().iter().any(|l| l.contains("the viewed ones served first")));
    assert_eq!(dev.server.build(), event.id.unwrap());
    assert_eq!(dev.server.waiting_for_rest(), 0);
}

#[test]
fn a_save_while_the_rest_renders_stops_it_and_nothing_of_it_is_served() {
    let (dev, page, go) = gated_site();
    dev.page("/a/");
    let edited = |text: &str| format!("{page}{{% block after_content %}}<p>{text}</p>{{% endblock after_content %}}");

    let first = dev.edit(|site| {
        site.write("templates/page.html", &edited("First save."));
    });
    assert!(dev.page("/a/").contains("<p>First save.</p>"));
    let b = events_request_to(dev.addr(), "/b/", &[]);
    wait_until("the request for B to wait", || dev.server.waiting_for_rest() == 1);
    // A second save while the rest of the first is held.
    dev.site.write("templates/page.html", &edited("Second save."));
    go.send(Go::WaitForStop).unwrap();
    go.send(Go::Render).unwrap();
    let b = b.recv_timeout(TIMEOUT).expect("B once rendered").text();
    assert!(b.contains("<p>Second save.</p>") && !b.contains("First save."), "{b}\nlog: {:#?}", dev.log());
    let log = dev.log();
    assert!(log.iter().any(|l| l.contains("stopped after")), "{log:#?}");
    wait_until("the second rebuild to end", || dev.log().iter().any(|l| l.contains("the viewed ones served first")));
    assert!(dev.server.build() > first.id.unwrap());
    let a = dev.page("/a/");
    assert!(a.contains("<p>Second save.</p>") && !a.contains("First save."), "{a}");
}
