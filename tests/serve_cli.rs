//! `folio serve` as a command: the URL line it prints with `--port 0`, a
//! clean exit on Ctrl-C (SIGINT) and SIGTERM, and the busy-port error.

#![cfg(unix)]

mod common;
#[path = "common/http.rs"]
mod http;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Site;

const TIMEOUT: Duration = Duration::from_secs(30);

fn folio_serve(site: &Site, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_folio"))
        .current_dir(site.root())
        .arg("serve")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("folio runs")
}

/// Reads stdout until the `Serving on URL` line; returns the address and
/// every line read.
fn serving_addr(child: &mut Child) -> (SocketAddr, mpsc::Receiver<String>) {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("a Serving line");
        if let Some(rest) = line.strip_prefix("Serving on http://") {
            let addr = rest.split('/').next().unwrap().parse().expect("an address");
            return (addr, rx);
        }
    }
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("folio serve did not stop");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status().unwrap();
    assert!(ok.success());
}

fn site() -> Site {
    let site = Site::new();
    site.write("content/_index.md", "---\ntitle: Home\n---\nWelcome from the CLI.\n");
    site
}

#[test]
fn prints_its_url_serves_and_stops_cleanly_on_ctrl_c() {
    let site = site();
    let mut child = folio_serve(&site, &["--port", "0"]);
    let (addr, lines) = serving_addr(&mut child);
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_ne!(addr.port(), 0);
    let home = http::get(addr, "/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("Welcome from the CLI."));
    // A live-reload request is waiting while the server stops.
    let (tx, waiting) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(http::try_request(addr, "GET", "/__folio/events?since=1", &[], TIMEOUT));
    });
    std::thread::sleep(Duration::from_millis(100));
    signal(&child, "INT");
    let status = wait_exit(&mut child);
    assert!(status.success(), "{status:?}");
    // Answered or closed, never left hanging (tests/serve.rs checks the
    // answer itself, where it can tell when the request is held).
    let released = waiting.recv_timeout(TIMEOUT).expect("the waiting request ends");
    if let Ok(reply) = released {
        assert_eq!(reply.status, 200);
    }
    let rest: Vec<String> = lines.try_iter().collect();
    assert!(rest.iter().any(|l| l == "Stopping"), "{rest:?}");
    assert!(!site.root().join("public").exists(), "nothing written");
}

#[test]
fn stops_cleanly_on_sigterm() {
    let site = site();
    let mut child = folio_serve(&site, &["--port", "0", "--poll"]);
    let (addr, _lines) = serving_addr(&mut child);
    assert_eq!(http::get(addr, "/").status, 200);
    signal(&child, "TERM");
    assert!(wait_exit(&mut child).success());
}

#[test]
fn a_busy_port_names_the_port_and_suggests_another() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = site();
    let mut child = folio_serve(&site, &["--port", &port]);
    let status = wait_exit(&mut child);
    assert_eq!(status.code(), Some(1));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains(&format!("port {port}")) && err.contains("--port"), "{err}");
}

#[test]
fn bind_must_be_an_address() {
    let out = site().folio(&["serve", "--bind", "my.example"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("not an IP address"), "{}", common::stderr(&out));
}
