//! The external link checker against a local test server on 127.0.0.1
//! (the tests have no network): broken pages, redirects, timeouts, slow
//! hosts, retries, servers that refuse HEAD, the per-host interval and the
//! cache.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use folio::check::external::{check_urls, ExternalOptions, Outcome};

struct TestServer {
    base: String,
    hits: Arc<Mutex<Vec<(String, String, Instant)>>>,
}

/// Serves: /ok 200, /gone 404, /moved 301 -> /ok, /loop 302 -> /loop,
/// /slow (answers after 2 s), /flaky (503 once, then 200), /no-head (405 to
/// HEAD, 200 to GET). Each request is answered on its own thread, so a slow
/// answer never holds up the others.
fn server() -> TestServer {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind"));
    let port = server.server_addr().to_ip().expect("ip").port();
    let hits: Arc<Mutex<Vec<(String, String, Instant)>>> = Arc::default();
    let flaky = Arc::new(AtomicUsize::new(0));
    let (s, h) = (server.clone(), hits.clone());
    thread::spawn(move || {
        for request in s.incoming_requests() {
            let (h, flaky) = (h.clone(), flaky.clone());
            thread::spawn(move || {
                let path = request.url().to_string();
                let method = request.method().to_string();
                h.lock().unwrap().push((method.clone(), path.clone(), Instant::now()));
                let header = |v: &str| tiny_http::Header::from_bytes("Location", v).unwrap();
                let response = match path.as_str() {
                    "/ok" => tiny_http::Response::empty(200),
                    "/moved" => tiny_http::Response::empty(301).with_header(header("/ok")),
                    "/loop" => tiny_http::Response::empty(302).with_header(header("/loop")),
                    "/slow" => {
                        thread::sleep(Duration::from_secs(2));
                        tiny_http::Response::empty(200)
                    }
                    "/flaky" if flaky.fetch_add(1, Ordering::SeqCst) == 0 => tiny_http::Response::empty(503),
                    "/flaky" => tiny_http::Response::empty(200),
                    "/no-head" if method == "HEAD" => tiny_http::Response::empty(405),
                    "/no-head" => tiny_http::Response::empty(200),
                    _ => tiny_http::Response::empty(404),
                };
                let _ = request.respond(response);
            });
        }
    });
    TestServer { base: format!("http://127.0.0.1:{port}"), hits }
}

fn options() -> ExternalOptions {
    ExternalOptions {
        concurrency: 4,
        timeout: Duration::from_millis(500),
        retries: 1,
        backoff: Duration::from_millis(20),
        per_host_interval: Duration::ZERO,
        max_redirects: 3,
        cache: None,
        cache_ttl: Duration::from_secs(3600),
    }
}

fn outcome(results: &[(String, Outcome)], url: &str) -> Outcome {
    results.iter().find(|(u, _)| u == url).map(|(_, o)| o.clone()).unwrap_or_else(|| panic!("{url} not checked"))
}

#[test]
fn statuses_redirects_timeouts_and_retries() {
    let server = server();
    let url = |p: &str| format!("{}{p}", server.base);
    let urls: Vec<String> =
        ["/ok", "/gone", "/moved", "/loop", "/slow", "/flaky", "/no-head"].iter().map(|p| url(p)).collect();
    let refs: Vec<&str> = urls.iter().map(String::as_str).collect();
    let results = check_urls(&refs, &options());
    assert_eq!(outcome(&results, &url("/ok")), Outcome::Ok { status: 200, final_url: None });
    assert_eq!(outcome(&results, &url("/gone")), Outcome::Broken { status: 404 });
    assert_eq!(outcome(&results, &url("/moved")), Outcome::Ok { status: 200, final_url: Some(url("/ok")) });
    assert_eq!(outcome(&results, &url("/loop")), Outcome::Unchecked { reason: "more than 3 redirects".into() });
    assert_eq!(outcome(&results, &url("/slow")), Outcome::Unchecked { reason: "timed out".into() });
    assert_eq!(outcome(&results, &url("/flaky")), Outcome::Ok { status: 200, final_url: None }, "a retry after 503");
    assert_eq!(outcome(&results, &url("/no-head")), Outcome::Ok { status: 200, final_url: None }, "GET after 405");
}

#[test]
fn folio_check_external_reports_per_url_and_caches_good_results() {
    let server = server();
    let site = common::Site::new();
    site.write(
        "content/_index.md",
        &format!(
            "---\ntitle: Home\n---\n[ok]({0}/ok) [gone]({0}/gone) [moved]({0}/moved)\n\n[ok again]({0}/ok)\n",
            server.base
        ),
    );
    let out = site.folio(&["check", "--external"]);
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(&format!("200 {}/ok\n", server.base)), "{text}");
    assert!(text.contains(&format!("404 {}/gone", server.base)), "{text}");
    assert!(text.contains(&format!("200 {0}/moved -> {0}/ok", server.base)), "{text}");
    assert!(text.contains(&format!("external link {}/gone answers 404", server.base)), "{text}");
    assert!(text.contains("Checked 1 page and 3 external links"), "{text}");
    assert!(site.root().join(".folio-link-cache.json").is_file());

    let before = server.hits.lock().unwrap().len();
    let out = site.folio(&["check", "--external"]);
    let text = common::stdout(&out);
    assert!(text.contains(&format!("200 {}/ok (cached)", server.base)), "{text}");
    let asked: Vec<String> = server.hits.lock().unwrap()[before..].iter().map(|(_, p, _)| p.clone()).collect();
    assert!(asked.iter().all(|p| p == "/gone"), "only the failing URL is asked again: {asked:?}");
}
