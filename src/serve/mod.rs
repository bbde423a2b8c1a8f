//! `folio serve`: builds the site in memory, serves it over HTTP, rebuilds
//! when a file changes and makes open pages reload.
//!
//! Threads:
//! - the accept thread, and one thread per open connection that reads its
//!   requests and answers them from the current [`Snapshot`] (at most
//!   [`Limits::connections`] at once; see [`server`] for every limit);
//! - the events thread (`events::Hub`) holds live-reload requests until a
//!   build is in place, so waiting tabs never occupy a worker;
//! - the rebuild thread receives the watcher's events, gathers each burst
//!   until its saves are complete (see [`watch::next_batch`]),
//!   rebuilds through a [`Rebuild`] (incrementally: see
//!   [`crate::incremental`]), and swaps in the new snapshot.
//!
//! The served state (`Live`: snapshot, build number, failure) sits behind a
//! `RwLock<Arc<Live>>`; a request clones the `Arc` once and answers from that
//! one state, so it never mixes two builds. A failed rebuild keeps the last
//! good snapshot and adds the error overlay to every page.

mod events;
mod http;
mod inject;
mod server;
mod snapshot;
mod watch;

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::build::{BuildOptions, BuiltSite};
use crate::diagnostics::{Diagnostic, Diagnostics};
pub use crate::incremental::{FullRebuild, IncrementalRebuild, Rebuild, RebuildReport};
use crate::text::plural;

pub use events::{Change, RETRY_MS};
pub use http::EVENTS_PATH;
pub use inject::{overlay, OVERLAY_ID};
pub use server::{host_is_local, Limits};
pub use snapshot::{Snapshot, MEMORY_LIMIT};
pub use watch::{WatchMode, WATCHED_DIRS, WATCHED_FILES};

pub const DEFAULT_PORT: u16 = 1111;

/// Receives the server's messages (one line per rebuild, and the errors).
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Clone)]
pub struct ServeOptions {
    /// The site and how to build it; `base_url` is replaced by the server's URL
    /// and `output` is not written to.
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub watch: WatchMode,
    /// Opens the site in the browser once it is served (`serve` only).
    pub open: bool,
    /// After a complete save, how long the rebuild waits for the next
    /// event of the same save (an editor's write-then-rename).
    pub settle: Duration,
    /// Quiet time that ends a burst while a file is still being written,
    /// or always where the watcher cannot tell that a save is complete.
    pub quiet: Duration,
    /// The longest a burst may delay a rebuild, for files that never stop changing.
    pub max_delay: Duration,
    /// How long a live-reload request waits for a build before it is answered
    /// with nothing new (the browser then asks again).
    pub event_timeout: Duration,
    /// Where messages go; `None` keeps the server silent.
    pub log: Option<Log>,
    /// What a client may make the server hold.
    pub limits: Limits,
}

impl ServeOptions {
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            build: BuildOptions::new(root),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            watch: WatchMode::Native,
            open: false,
            settle: Duration::from_millis(3),
            quiet: Duration::from_millis(60),
            max_delay: Duration::from_secs(1),
            event_timeout: Duration::from_secs(25),
            log: None,
            limits: Limits::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("no site.yaml in {}: run `folio serve` in the site's folder or pass --root DIR", .0.display())]
    NotASite(PathBuf),
    #[error(
        "port {port} on {addr} is already in use (another `folio serve`?); \
         choose another one with --port, e.g. --port {next}, or --port 0 for any free port",
        next = port.wrapping_add(1).max(1024)
    )]
    PortInUse { addr: IpAddr, port: u16 },
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error(
        "cannot watch {} for changes: {source}; try --poll, which looks for changes without notifications",
        path.display()
    )]
    Watch { path: PathBuf, source: notify::Error },
    #[error("cannot start the server: {0}")]
    Start(String),
}

/// What is being served: one snapshot, its build number, and the last
/// rebuild's failure if it failed (the snapshot is then the last good one).
pub(crate) struct Live {
    pub build: u64,
    pub snapshot: Arc<Snapshot>,
    pub failure: Option<Arc<Failure>>,
}

pub(crate) struct Failure {
    pub diagnostics: Diagnostics,
    pub overlay: String,
}

/// State the worker threads share.
pub(crate) struct Shared {
    live: RwLock<Arc<Live>>,
    pub hub: events::Hub,
    /// Names this run of the server, so that pages of an earlier run reload.
    pub server_id: String,
    /// The site's folder: files are served only from inside it.
    pub boundary: crate::files::Boundary,
}

impl Shared {
    pub fn live(&self) -> Arc<Live> {
        Arc::clone(&self.live.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn swap(&self, live: Live) {
        *self.live.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(live);
    }
}

/// A running server. [`ServerHandle::stop`] (or dropping it) stops accepting
/// requests, answers waiting live-reload requests, stops the watcher and
/// joins every thread it started.
pub struct ServerHandle {
    addr: SocketAddr,
    url: String,
    shared: Arc<Shared>,
    server: Option<server::Server>,
    rebuild_tx: Sender<watch::Message>,
    threads: Vec<JoinHandle<()>>,
    stopped: bool,
}

impl ServerHandle {
    /// The address the server listens on (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:1111/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The number of the build being served (1 for the first).
    pub fn build(&self) -> u64 {
        self.shared.live().build
    }

    /// Whether the last rebuild failed (the last good build is served).
    pub fn failing(&self) -> bool {
        self.shared.live().failure.is_some()
    }

    /// Live-reload requests waiting for a build.
    pub fn waiting_clients(&self) -> usize {
        self.shared.hub.waiting()
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        // The rebuild thread ends after the build it may be running, and
        // drops the watcher.
        let _ = self.rebuild_tx.send(watch::Message::Stop);
        self.shared.hub.stop();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        // Closes the listening socket and every connection still open.
        if let Some(mut server) = self.server.take() {
            server.stop();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Starts the server with an [`IncrementalRebuild`]: binds, builds the site
/// once, starts watching, and returns once pages can be requested.
pub fn start(options: &ServeOptions) -> Result<ServerHandle, ServeError> {
    start_with(options, |build| Box::new(IncrementalRebuild::new(build)))
}

/// [`start`] with another rebuilder, made from the final build options
/// (whose `base_url` is the server's URL).
pub fn start_with(
    options: &ServeOptions,
    make_rebuilder: impl FnOnce(BuildOptions) -> Box<dyn Rebuild>,
) -> Result<ServerHandle, ServeError> {
    let root = std::fs::canonicalize(&options.build.root)
        .ok()
        .filter(|r| r.join("site.yaml").is_file())
        .ok_or_else(|| ServeError::NotASite(options.build.root.clone()))?;
    let log = options.log.clone().unwrap_or_else(|| Arc::new(|_: &str| {}));

    let wanted = SocketAddr::new(options.bind, options.port);
    let listener = TcpListener::bind(wanted).map_err(|source| match source.kind() {
        std::io::ErrorKind::AddrInUse => ServeError::PortInUse { addr: options.bind, port: options.port },
        _ => ServeError::Bind { addr: wanted, source },
    })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind { addr: wanted, source })?;
    let url = url_of(addr);

    let mut build_options = options.build.clone();
    build_options.root = root.clone();
    build_options.base_url = Some(url.clone());
    let mut rebuilder = make_rebuilder(build_options.clone());

    // Watching starts before the first build, so nothing saved during it is missed.
    let (tx, rx) = mpsc::channel();
    let mut watcher = watch::SiteWatcher::start(&root, options.watch, tx.clone())?;

    let started = Instant::now();
    let first = build_once(rebuilder.as_mut(), &[]);
    let mut output_dir = None;
    let mut warnings = Diagnostics::default();
    let live = match first {
        Ok(site) => {
            output_dir = Some(site.output_dir.clone());
            warnings = site.diagnostics.clone();
            let snapshot = Snapshot::new(site.output, &Snapshot::default(), &HashSet::new());
            if !warnings.items.is_empty() {
                log(format!("{warnings}").trim_end());
            }
            log(&format!(
                "Built {} in {} ms{}",
                plural(snapshot.pages(), "page"),
                started.elapsed().as_millis(),
                warning_note(&warnings)
            ));
            Live { build: 1, snapshot: Arc::new(snapshot), failure: None }
        }
        Err(diagnostics) => {
            log(format!("{diagnostics}").trim_end());
            log(&format!(
                "Build failed with {}; serving an error page until it is fixed",
                plural(diagnostics.error_count(), "error")
            ));
            let failure = Failure { overlay: overlay(&diagnostics, false), diagnostics };
            Live { build: 1, snapshot: Arc::new(Snapshot::default()), failure: Some(Arc::new(failure)) }
        }
    };
    let server_id = format!(
        "{:x}{:x}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()),
        std::process::id()
    );
    let shared = Arc::new(Shared {
        hub: events::Hub::new(live.build, options.event_timeout),
        live: RwLock::new(Arc::new(live)),
        server_id,
        boundary: crate::files::Boundary::new(&root),
    });

    let answering = Arc::clone(&shared);
    let handler: server::Handler = Arc::new(move |request| {
        // A bug in answering one request must not end its connection's thread silently.
        std::panic::catch_unwind(AssertUnwindSafe(|| http::handle(request, &answering)))
            .unwrap_or_else(|_| server::Outcome::Answer(server::Response::text(500, "internal error\n")))
    });
    let bind = options.bind;
    let host_allowed = Arc::new(move |host: &str| server::host_is_local(host, bind));
    let server = server::Server::start(listener, options.limits, host_allowed, handler, Arc::clone(&log))
        .map_err(|e| ServeError::Start(e.to_string()))?;
    let mut threads = Vec::new();
    let spawn = |name: String, f: Box<dyn FnOnce() + Send>| {
        std::thread::Builder::new().name(name).spawn(f).map_err(|e| ServeError::Start(e.to_string()))
    };
    let hub = Arc::clone(&shared);
    threads.push(spawn("folio-serve-events".into(), Box::new(move || hub.hub.run()))?);

    let mut rebuilds = Rebuilds {
        shared: Arc::clone(&shared),
        rebuilder,
        root: root.clone(),
        log: Arc::clone(&log),
        output_dir,
        warnings,
    };
    let waits = watch::Waits { settle: options.settle, quiet: options.quiet, max_wait: options.max_delay };
    let save_end = watch::SaveEnd::of(options.watch);
    threads.push(spawn(
        "folio-serve-rebuild".into(),
        Box::new(move || {
            let mut warned = false;
            loop {
                let (root, output_dir, log) = (&rebuilds.root, rebuilds.output_dir.as_deref(), &rebuilds.log);
                let batch = watch::next_batch(
                    &rx,
                    save_end,
                    waits,
                    |p| watch::is_relevant(root, output_dir, p),
                    |p| {
                        if let Some(Err(e)) = watcher.as_mut().map(|w| w.notice(p)) {
                            log(&format!("warning: {e}"));
                        }
                    },
                    |e| {
                        if !warned {
                            warned = true;
                            log(&format!("warning: the file watcher reported an error: {e}; try --poll"));
                        }
                    },
                );
                let Some(batch) = batch else { break };
                rebuilds.run(&batch.into_iter().collect::<Vec<_>>());
            }
            drop(watcher);
        }),
    )?);

    Ok(ServerHandle { addr, url, shared, server: Some(server), rebuild_tx: tx, threads, stopped: false })
}

/// Runs a build, turning a panic into an error so that the server survives
/// a bug in one stage.
fn build_once(rebuilder: &mut dyn Rebuild, changed: &[PathBuf]) -> Result<BuiltSite, Diagnostics> {
    match std::panic::catch_unwind(AssertUnwindSafe(|| rebuilder.rebuild(changed))) {
        Ok(Ok(site)) => Ok(site),
        Ok(Err(crate::diagnostics::Error::Failed(diagnostics))) => Err(diagnostics),
        Ok(Err(other)) => Err(Diagnostics { items: vec![Diagnostic::error(other.to_string())] }),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(Diagnostics {
                items: vec![Diagnostic::error(format!("the build panicked: {what}"))
                    .help("this is a bug in folio; please report it with the file that triggers it")],
            })
        }
    }
}

/// The rebuild thread's state.
struct Rebuilds {
    shared: Arc<Shared>,
    rebuilder: Box<dyn Rebuild>,
    root: PathBuf,
    log: Log,
    /// The last good build's output folder, whose changes are ignored.
    output_dir: Option<PathBuf>,
    /// The last good build's warnings: each is printed in full once, when it
    /// first appears, and counted after that.
    warnings: Diagnostics,
}

impl Rebuilds {
    /// One rebuild after `changed`: swaps in the new state, tells the
    /// browsers, prints one line.
    fn run(&mut self, changed: &[PathBuf]) {
        let (shared, log) = (&self.shared, &self.log);
        let started = Instant::now();
        let result = build_once(self.rebuilder.as_mut(), changed);
        let current = shared.live();
        let what = describe_paths(changed, &self.root);
        // What the rebuilder redid: ` (3 pages re-rendered, 1 asset copied)`.
        let redone = self.rebuilder.report().map(|r| format!(" ({r})")).unwrap_or_default();
        let site = match result {
            Ok(site) => site,
            Err(diagnostics) => {
                let ms = started.elapsed().as_millis();
                let errors = plural(diagnostics.error_count(), "error");
                if current.failure.as_ref().is_some_and(|f| f.diagnostics == diagnostics) {
                    log(&format!("{what}: build still fails with the same {errors}{redone}"));
                    return;
                }
                let build = current.build + 1;
                log(format!("{diagnostics}").trim_end());
                log(&format!(
                    "{what}: build failed with {errors} in {ms} ms{redone}; still serving the last good site, \
                     with the errors shown on every page (build {build})"
                ));
                let failure = Failure { overlay: overlay(&diagnostics, !current.snapshot.is_empty()), diagnostics };
                shared.swap(Live { build, snapshot: Arc::clone(&current.snapshot), failure: Some(Arc::new(failure)) });
                shared.hub.publish(build, Change::Page);
                return;
            }
        };
        self.output_dir = Some(site.output_dir.clone());
        let new_warnings: Vec<String> =
            site.diagnostics.items.iter().filter(|d| !self.warnings.items.contains(d)).map(|d| d.to_string()).collect();
        if !new_warnings.is_empty() {
            log(new_warnings.concat().trim_end());
        }
        let warnings = warning_note(&site.diagnostics);
        self.warnings = site.diagnostics;
        let changed_sources: HashSet<PathBuf> = changed.iter().cloned().collect();
        let snapshot = Snapshot::new(site.output, &current.snapshot, &changed_sources);
        let ms = started.elapsed().as_millis();
        let outputs = snapshot.changed_since(&current.snapshot);
        let pages = plural(snapshot.pages(), "page");
        if outputs.is_empty() && current.failure.is_none() {
            log(&format!("{what}: rebuilt {pages} in {ms} ms{redone}{warnings}; nothing in the site changed"));
            return;
        }
        let change = if current.failure.is_none() && outputs.iter().all(|k| snapshot::is_css(k)) {
            Change::Styles(outputs.iter().map(|k| format!("/{k}")).collect())
        } else {
            Change::Page
        };
        let build = current.build + 1;
        let changed_pages = outputs.iter().filter(|k| snapshot::is_html(k)).count();
        let result = match (&change, &current.failure) {
            (_, Some(_)) => "fixed, pages reload".to_string(),
            (Change::Styles(css), _) => format!("styles only ({}), swapped without a reload", css.join(", ")),
            (Change::Page, _) => {
                format!("{} changed, pages reload", describe_outputs(changed_pages, outputs.len() - changed_pages))
            }
        };
        shared.swap(Live { build, snapshot: Arc::new(snapshot), failure: None });
        // Logged before the browsers hear of it, as the failure branch does,
        // so that whoever sees the reload can already read why.
        log(&format!("{what}: rebuilt {pages} in {ms} ms{redone}{warnings}; {result} (build {build})"));
        shared.hub.publish(build, change);
    }
}

fn warning_note(warnings: &Diagnostics) -> String {
    match warnings.warning_count() {
        0 => String::new(),
        n => format!(" with {}", plural(n, "warning")),
    }
}

/// `content/a.md changed`, `content/a.md, content/b.md and 3 more changed`.
fn describe_paths(paths: &[PathBuf], root: &Path) -> String {
    let shown: Vec<String> =
        paths.iter().take(3).map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string()).collect();
    let more = paths.len().saturating_sub(shown.len());
    let mut text = shown.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    format!("{text} changed")
}

/// `1 page`, `2 pages and 1 other file`, `3 other files`.
fn describe_outputs(pages: usize, others: usize) -> String {
    match (pages, others) {
        (p, 0) => plural(p, "page"),
        (0, o) => plural(o, "other file"),
        (p, o) => format!("{} and {}", plural(p, "page"), plural(o, "other file")),
    }
}

/// The URL the site is served at: `http://127.0.0.1:1111/`. A server bound
/// to every address (`0.0.0.0`, `::`) is reached locally through loopback.
pub fn url_of(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        ip if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    match ip {
        IpAddr::V4(v4) => format!("http://{v4}:{}/", addr.port()),
        IpAddr::V6(v6) => format!("http://[{v6}]:{}/", addr.port()),
    }
}

/// `folio serve`: serves until Ctrl-C (or SIGTERM), then stops cleanly.
pub fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let (stop_tx, stop_rx) = mpsc::channel();
    let interrupted = AtomicBool::new(false);
    ctrlc::set_handler(move || {
        // A second Ctrl-C while stopping ends at once.
        if interrupted.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        let _ = stop_tx.send(());
    })
    .map_err(|e| ServeError::Start(format!("cannot handle Ctrl-C: {e}")))?;

    let log = options.log.clone().unwrap_or_else(|| Arc::new(|line: &str| println!("{line}")));
    let options = ServeOptions { log: Some(Arc::clone(&log)), ..options };
    let handle = start(&options)?;
    if !options.bind.is_loopback() {
        log(&format!(
            "warning: listening on {}, so the site is visible to every machine that can reach this one on the network; \
             use --bind 127.0.0.1 to keep it on this machine",
            options.bind
        ));
    }
    let watching = match options.watch {
        WatchMode::Native => "watching for changes".to_string(),
        WatchMode::Poll(every) => format!("polling for changes every {} ms", every.as_millis()),
        WatchMode::Off => "not watching for changes".to_string(),
    };
    log(&format!("Serving on {} ({watching}; Ctrl-C to stop)", handle.url()));
    if options.open {
        open_browser(handle.url());
    }
    let _ = stop_rx.recv();
    log("Stopping");
    handle.stop();
    Ok(())
}

/// Opens `url` in the desktop's browser; failing is fine (no desktop).
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Ok(mut child) = command {
        // Reaped in the background so that it leaves no zombie.
        std::thread::spawn(move || child.wait());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_addresses() {
        assert_eq!(url_of("127.0.0.1:1111".parse().unwrap()), "http://127.0.0.1:1111/");
        assert_eq!(url_of("0.0.0.0:80".parse().unwrap()), "http://127.0.0.1:80/");
        assert_eq!(url_of("[::1]:8080".parse().unwrap()), "http://[::1]:8080/");
    }

    #[test]
    fn changed_paths_are_listed_briefly() {
        let root = Path::new("/s");
        let paths: Vec<PathBuf> = (1..=5).map(|i| PathBuf::from(format!("/s/content/{i}.md"))).collect();
        assert_eq!(describe_paths(&paths[..1], root), "content/1.md changed");
        assert_eq!(describe_paths(&paths, root), "content/1.md, content/2.md, content/3.md and 2 more changed");
    }
}
