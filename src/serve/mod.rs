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
//!
//! A change that re-renders many pages (a template every page uses) is
//! served in two steps: the pages browsers are viewing (`Shared::viewed`) are
//! rendered first and swapped in with a new build number, so that open
//! tabs reload at once; a request for any other file the change may alter
//! waits until the rest is rendered ([`Staged`]), so nothing stale is
//! served. A newer save stops the rest, and its rebuild starts over.

mod events;
mod http;
mod inject;
mod server;
mod snapshot;
mod watch;

use std::collections::{HashSet, VecDeque};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::build::{BuildOptions, BuiltSite};
use crate::diagnostics::{Diagnostic, Diagnostics};
pub use crate::incremental::{AllAtOnce, EarlyPages, FullRebuild, IncrementalRebuild, Rebuild, RebuildReport, Stages};
use crate::text::plural;

pub use events::{Change, RETRY_MS};
pub use http::EVENTS_PATH;
pub use inject::{overlay, OVERLAY_ID};
pub use server::{host_is_local, Limits};
pub use snapshot::{Snapshot, MEMORY_LIMIT};
pub use watch::{WatchMode, WATCHED_DIRS, WATCHED_FILES};

pub const DEFAULT_PORT: u16 = 1111;

/// A rebuild renders the pages browsers are viewing first when it has more
/// pages than this to render (fewer take less than a blink).
pub const STAGE_ABOVE: usize = 200;

/// How many of the pages served last count as viewed (tabs that stay open
/// also name their page in each live-reload request).
const VIEWED: usize = 8;

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
    /// While a rebuild renders the rest of its pages.
    pub staged: Option<Arc<Staged>>,
}

/// The first pages of a rebuild are served (in `Live::snapshot`, on top of
/// the last complete build) while the rest are rendered.
pub(crate) struct Staged {
    /// The last complete build's snapshot.
    pub complete: Arc<Snapshot>,
    /// Keys of the files the rebuild may still change: a request for one
    /// waits until it is done.
    pub pending: HashSet<String>,
}

impl Live {
    /// Whether the file at `key` may still change in this build.
    pub fn is_pending(&self, key: &str) -> bool {
        self.staged.as_ref().is_some_and(|staged| staged.pending.contains(key))
    }
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
    /// Keys of the pages served last, the latest at the back.
    viewed: Mutex<VecDeque<String>>,
    /// Told whenever the state is swapped, for requests that wait for
    /// pending files.
    swapped: (Mutex<()>, Condvar),
    /// Requests waiting for pending files.
    waiting_for_rest: std::sync::atomic::AtomicUsize,
}

impl Shared {
    pub fn live(&self) -> Arc<Live> {
        Arc::clone(&self.live.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn swap(&self, live: Live) {
        *self.live.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(live);
        // Taken so that a waiter between its look and its wait hears this.
        let _guard = self.swapped.0.lock().unwrap_or_else(|e| e.into_inner());
        self.swapped.1.notify_all();
    }

    /// The state to answer a request for `key` from: once `key` is no
    /// longer pending (the rebuild rendering the rest is done, failed or
    /// stopped for good).
    pub fn live_for(&self, key: &str) -> Arc<Live> {
        let mut guard = self.swapped.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut live = self.live();
        if !live.is_pending(key) {
            return live;
        }
        self.waiting_for_rest.fetch_add(1, Ordering::SeqCst);
        while live.is_pending(key) {
            guard = self.swapped.1.wait(guard).unwrap_or_else(|e| e.into_inner());
            live = self.live();
        }
        self.waiting_for_rest.fetch_sub(1, Ordering::SeqCst);
        live
    }

    /// Notes that a browser shows the page at `key`.
    pub fn viewed(&self, key: &str) {
        let mut viewed = self.viewed.lock().unwrap_or_else(|e| e.into_inner());
        viewed.retain(|k| k != key);
        if viewed.len() == VIEWED {
            viewed.pop_front();
        }
        viewed.push_back(key.to_string());
    }

    fn viewed_pages(&self) -> Vec<String> {
        self.viewed.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }

    /// Serves what is in place as complete: when the server stops while
    /// files are pending, their requests are answered.
    fn end_staging(&self) {
        let live = self.live();
        if live.staged.is_some() {
            self.swap(Live {
                build: live.build,
                snapshot: Arc::clone(&live.snapshot),
                failure: live.failure.clone(),
                staged: None,
            });
        }
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

    /// Requests waiting for a rebuild to render the rest of its pages.
    pub fn waiting_for_rest(&self) -> usize {
        self.shared.waiting_for_rest.load(Ordering::SeqCst)
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
        self.shared.end_staging();
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
    let mut inbox = watch::Inbox::new(rx);
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
            Live { build: 1, snapshot: Arc::new(snapshot), failure: None, staged: None }
        }
        Err(diagnostics) => {
            log(format!("{diagnostics}").trim_end());
            log(&format!(
                "Build failed with {}; serving an error page until it is fixed",
                plural(diagnostics.error_count(), "error")
            ));
            let failure = Failure { overlay: overlay(&diagnostics, false), diagnostics };
            Live { build: 1, snapshot: Arc::new(Snapshot::default()), failure: Some(Arc::new(failure)), staged: None }
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
        viewed: Mutex::new(VecDeque::new()),
        swapped: (Mutex::new(()), Condvar::new()),
        waiting_for_rest: std::sync::atomic::AtomicUsize::new(0),
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
                    &mut inbox,
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
                rebuilds.run(&batch.into_iter().collect::<Vec<_>>(), &mut inbox);
            }
            drop(watcher);
        }),
    )?);

    Ok(ServerHandle { addr, url, shared, server: Some(server), rebuild_tx: tx, threads, stopped: false })
}

/// Runs a build, turning a panic into an error so that the server survives
/// a bug in one stage.
fn build_once(rebuilder: &mut dyn Rebuild, changed: &[PathBuf]) -> Result<BuiltSite, Diagnostics> {
    build_in_stages(rebuilder, changed, &mut AllAtOnce).map(|site| site.expect("AllAtOnce never stops"))
}

/// [`build_once`] in the stages `stages` asks for; `Ok(None)` when it stopped.
fn build_in_stages(
    rebuilder: &mut dyn Rebuild,
    changed: &[PathBuf],
    stages: &mut dyn Stages,
) -> Result<Option<BuiltSite>, Diagnostics> {
    match std::panic::catch_unwind(AssertUnwindSafe(|| rebuilder.rebuild_in_stages(changed, stages))) {
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
    /// One rebuild after `changed`: swaps in the new state (the pages
    /// viewed first, when there are many to render), tells the browsers,
    /// prints one line. Stops for a newer change in `inbox`.
    fn run(&mut self, changed: &[PathBuf], inbox: &mut watch::Inbox) {
        let (shared, log) = (&self.shared, &self.log);
        let started = Instant::now();
        let what = describe_paths(changed, &self.root);
        let mut stages = ServeStages {
            shared,
            inbox,
            root: &self.root,
            output_dir: self.output_dir.as_deref(),
            log,
            what: &what,
            started,
            published: None,
        };
        let result = build_in_stages(self.rebuilder.as_mut(), changed, &mut stages);
        let published = stages.published;
        let current = shared.live();
        // What the last complete build served, under the first pages of this
        // rebuild or of one that was stopped.
        let complete = Arc::clone(current.staged.as_ref().map_or(&current.snapshot, |staged| &staged.complete));
        // What the rebuilder redid: ` (3 pages re-rendered, 1 asset copied)`.
        let redone = self.rebuilder.report().map(|r| format!(" ({r})")).unwrap_or_default();
        let site = match result {
            Ok(Some(site)) => site,
            Ok(None) => {
                log(&format!("{what}: stopped after {} ms for a newer change", started.elapsed().as_millis()));
                return;
            }
            Err(diagnostics) => {
                let ms = started.elapsed().as_millis();
                let errors = plural(diagnostics.error_count(), "error");
                if current.staged.is_none() && current.failure.as_ref().is_some_and(|f| f.diagnostics == diagnostics) {
                    log(&format!("{what}: build still fails with the same {errors}{redone}"));
                    return;
                }
                let build = current.build + 1;
                log(format!("{diagnostics}").trim_end());
                log(&format!(
                    "{what}: build failed with {errors} in {ms} ms{redone}; still serving the last good site, \
                     with the errors shown on every page (build {build})"
                ));
                let failure = Failure { overlay: overlay(&diagnostics, !complete.is_empty()), diagnostics };
                shared.swap(Live { build, snapshot: complete, failure: Some(Arc::new(failure)), staged: None });
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
        let snapshot = Snapshot::new(site.output, &complete, &changed_sources);
        let ms = started.elapsed().as_millis();
        let outputs = snapshot.changed_since(&complete);
        let pages = plural(snapshot.pages(), "page");
        let settled = current.failure.is_none() && current.staged.is_none();
        if outputs.is_empty() && settled {
            log(&format!("{what}: rebuilt {pages} in {ms} ms{redone}{warnings}; nothing in the site changed"));
            return;
        }
        let change = if settled && outputs.iter().all(|k| snapshot::is_css(k)) {
            Change::Styles(outputs.iter().map(|k| format!("/{k}")).collect())
        } else {
            Change::Page
        };
        // The first pages were served as this build: the rest comes in
        // without another reload (they are what those pages showed).
        let (build, announce) = match published {
            Some(build) if build == current.build => (build, false),
            _ => (current.build + 1, true),
        };
        let changed_pages = outputs.iter().filter(|k| snapshot::is_html(k)).count();
        let result = match (&change, &current.failure) {
            (_, Some(_)) => "fixed, pages reload".to_string(),
            _ if outputs.is_empty() => "nothing in the site changed".to_string(),
            (Change::Styles(css), _) => format!("styles only ({}), swapped without a reload", css.join(", ")),
            (Change::Page, _) if !announce => {
                format!(
                    "{} changed, the viewed ones served first",
                    describe_outputs(changed_pages, outputs.len() - changed_pages)
                )
            }
            (Change::Page, _) => {
                format!("{} changed, pages reload", describe_outputs(changed_pages, outputs.len() - changed_pages))
            }
        };
        shared.swap(Live { build, snapshot: Arc::new(snapshot), failure: None, staged: None });
        // Logged before the browsers hear of it, as the failure branch does,
        // so that whoever sees the reload can already read why.
        log(&format!("{what}: rebuilt {pages} in {ms} ms{redone}{warnings}; {result} (build {build})"));
        if announce {
            shared.hub.publish(build, change);
        }
    }
}

/// How the server runs a rebuild's stages: the pages browsers viewed last
/// first, swapped in as soon as they are rendered; stopped by a newer change.
struct ServeStages<'a> {
    shared: &'a Shared,
    inbox: &'a mut watch::Inbox,
    root: &'a Path,
    output_dir: Option<&'a Path>,
    log: &'a Log,
    what: &'a str,
    started: Instant,
    /// The build number the first pages were served as.
    published: Option<u64>,
}

impl Stages for ServeStages<'_> {
    fn first(&mut self, to_render: usize) -> Vec<PathBuf> {
        // Over an error overlay, the build is served whole.
        if to_render <= STAGE_ABOVE || self.shared.live().failure.is_some() {
            return Vec::new();
        }
        self.shared.viewed_pages().into_iter().map(PathBuf::from).collect()
    }

    fn early(&mut self, pages: EarlyPages) {
        let current = self.shared.live();
        let complete = Arc::clone(current.staged.as_ref().map_or(&current.snapshot, |staged| &staged.complete));
        let ready: Vec<(String, Arc<[u8]>)> =
            pages.ready.into_iter().filter_map(|(path, bytes)| Some((snapshot::key_of(&path)?, bytes))).collect();
        let mut pending: HashSet<String> = pages.pending.iter().filter_map(|path| snapshot::key_of(path)).collect();
        if let Some(stopped) = &current.staged {
            // A stopped rebuild's first pages and pending files may be
            // neither the last complete build's nor this one's.
            pending.extend(stopped.pending.iter().cloned());
            pending.extend(current.snapshot.changed_since(&stopped.complete));
        }
        for (key, _) in &ready {
            pending.remove(key);
        }
        let count = ready.len();
        let snapshot = complete.with_pages(ready);
        let build = current.build + 1;
        self.shared.swap(Live {
            build,
            snapshot: Arc::new(snapshot),
            failure: None,
            staged: Some(Arc::new(Staged { complete, pending })),
        });
        self.published = Some(build);
        (self.log)(&format!(
            "{}: {} shown in {} ms, rendering the rest (build {build})",
            self.what,
            plural(count, "viewed page"),
            self.started.elapsed().as_millis()
        ));
        self.shared.hub.publish(build, Change::Page);
    }

    fn cancelled(&mut self) -> bool {
        let (root, output_dir) = (self.root, self.output_dir);
        self.inbox.has_news(|path| watch::is_relevant(root, output_dir, path))
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
