//! Watching the site's files: which folders, which events count, and the
//! debounce that turns a burst of events into one rebuild.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use super::ServeError;

/// Folders of the site that a build reads, watched recursively.
pub const WATCHED_DIRS: [&str; 7] = ["content", "templates", "themes", "assets", "data", "includes", "i18n"];
/// Files at the site's root that a build reads.
pub const WATCHED_FILES: [&str; 1] = ["site.yaml"];

/// How changes are noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    /// The operating system's notifications (inotify, FSEvents, ReadDirectoryChangesW).
    Native,
    /// Looking at every file's size and modification time at this interval:
    /// for Docker volumes, WSL and network drives, where notifications do
    /// not arrive.
    Poll(Duration),
    /// No watching (a server that never rebuilds).
    Off,
}

/// What the rebuild thread receives.
pub(crate) enum Message {
    Fs(notify::Result<notify::Event>),
    Stop,
}

pub(crate) enum SiteWatcher {
    Native {
        watcher: Box<dyn Watcher + Send>,
        root: PathBuf,
    },
    /// Kept for its `Drop`, which stops the polling thread.
    Poll {
        _poller: Poller,
    },
}

impl SiteWatcher {
    /// Starts watching `root`: the root folder itself (not recursively, for
    /// `site.yaml` and for watched folders that appear later) and each
    /// watched folder that exists. Returns once the watches are in place.
    pub fn start(root: &Path, mode: WatchMode, tx: Sender<Message>) -> Result<Option<SiteWatcher>, ServeError> {
        let interval = match mode {
            WatchMode::Off => return Ok(None),
            WatchMode::Poll(interval) => interval,
            WatchMode::Native => {
                let handler = move |event| {
                    let _ = tx.send(Message::Fs(event));
                };
                let mut native = notify::recommended_watcher(handler).map_err(|e| watch_error(root, e))?;
                native.watch(root, RecursiveMode::NonRecursive).map_err(|e| watch_error(root, e))?;
                let mut watcher = SiteWatcher::Native { watcher: Box::new(native), root: root.to_path_buf() };
                for dir in WATCHED_DIRS {
                    watcher.watch_dir(&root.join(dir))?;
                }
                return Ok(Some(watcher));
            }
        };
        Ok(Some(SiteWatcher::Poll { _poller: Poller::start(root, interval, tx) }))
    }

    fn watch_dir(&mut self, dir: &Path) -> Result<(), ServeError> {
        if let SiteWatcher::Native { watcher, .. } = self {
            if dir.is_dir() {
                watcher.watch(dir, RecursiveMode::Recursive).map_err(|e| watch_error(dir, e))?;
            }
        }
        Ok(())
    }

    /// Watches a watched folder that was just created (or re-created, as a
    /// `git checkout` may do); other paths are left alone.
    pub fn notice(&mut self, path: &Path) -> Result<(), ServeError> {
        let SiteWatcher::Native { root, .. } = self else { return Ok(()) };
        if path.parent() == Some(root.as_path())
            && path.file_name().and_then(OsStr::to_str).is_some_and(|n| WATCHED_DIRS.contains(&n))
        {
            self.watch_dir(path)?;
        }
        Ok(())
    }
}

/// The polling watcher. notify's `PollWatcher` keeps modification times in
/// whole seconds, so a second save within the same second as the poll before
/// it goes unseen (unless it hashes every file's contents on every poll,
/// images and PDFs included). This one compares each file's size and
/// modification time to the nanosecond, and walks only the watched folders.
pub(crate) struct Poller {
    stop: Option<Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

type Seen = HashMap<PathBuf, (bool, u64, Option<std::time::SystemTime>)>;

impl Poller {
    /// Takes the first look before it returns, so that any later change is seen.
    fn start(root: &Path, interval: Duration, tx: Sender<Message>) -> Poller {
        let root = root.to_path_buf();
        let mut seen = poll_scan(&root);
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("folio-serve-poll".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    let now = poll_scan(&root);
                    for event in poll_events(&seen, &now) {
                        if tx.send(Message::Fs(Ok(event))).is_err() {
                            return;
                        }
                    }
                    seen = now;
                }
            })
            .ok();
        Poller { stop: Some(stop), thread }
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The files a build reads, as the build lists them (links followed only
/// inside the site), with their size and modification time.
fn poll_scan(root: &Path) -> Seen {
    let boundary = crate::files::Boundary::new(root);
    let files = WATCHED_FILES.iter().map(|name| root.join(name)).filter(|path| boundary.contains(path));
    let listed = WATCHED_DIRS.iter().flat_map(|name| boundary.list(&root.join(name)).files).map(|(_, path)| path);
    let mut seen = Seen::new();
    for path in files.chain(listed) {
        if let Ok(meta) = std::fs::metadata(&path) {
            seen.insert(path, (meta.is_dir(), meta.len(), meta.modified().ok()));
        }
    }
    seen
}

fn poll_events(before: &Seen, now: &Seen) -> Vec<notify::Event> {
    use notify::event::{CreateKind, ModifyKind, RemoveKind};
    let event = |kind, path: &PathBuf| notify::Event { kind, paths: vec![path.clone()], attrs: Default::default() };
    let mut events = Vec::new();
    for (path, state) in now {
        match before.get(path) {
            None => events.push(event(EventKind::Create(CreateKind::Any), path)),
            Some(old) if old != state && !state.0 => events.push(event(EventKind::Modify(ModifyKind::Any), path)),
            Some(_) => {}
        }
    }
    for path in before.keys().filter(|p| !now.contains_key(*p)) {
        events.push(event(EventKind::Remove(RemoveKind::Any), path));
    }
    events
}

fn watch_error(path: &Path, source: notify::Error) -> ServeError {
    ServeError::Watch { path: path.to_path_buf(), source }
}

/// Whether a change to `path` can change the site: it is in a watched
/// folder or is a watched root file, and no part of it is hidden, an editor's
/// temporary or backup file, or inside the output folder.
pub(crate) fn is_relevant(root: &Path, output_dir: Option<&Path>, path: &Path) -> bool {
    if output_dir.is_some_and(|out| path.starts_with(out)) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let mut parts = rel.components();
    let first = match parts.next() {
        Some(Component::Normal(first)) => first,
        _ => return false,
    };
    let first_ok = first.to_str().is_some_and(|f| WATCHED_DIRS.contains(&f) || WATCHED_FILES.contains(&f));
    first_ok && rel.components().all(|c| matches!(c, Component::Normal(name) if !is_scratch(name)))
}

/// Hidden files and what editors write beside the file they save.
fn is_scratch(name: &OsStr) -> bool {
    if crate::files::is_ignored(name) {
        return true;
    }
    let name = name.to_string_lossy();
    // vim's write test, JetBrains' safe write, VS Code's and Kate's temporaries.
    name == "4913"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.ends_with(".crswap")
        || name.ends_with(".kate-swp")
        || name.ends_with(".bak")
        || name.ends_with(".orig")
}

/// Whether an event says something changed (reading a file is not a change).
pub(crate) fn is_change(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_))
}

/// How a watcher shows that a save is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SaveEnd {
    /// inotify (Linux) reports each file closed after writing: a file is
    /// saved once it is closed, renamed into place or removed.
    Closed,
    /// Other systems' notifications say nothing of closing: a save is
    /// complete once no event has come for the quiet window.
    Quiet,
    /// The poller reports files as they were when it looked, each complete.
    Scanned,
}

impl SaveEnd {
    pub fn of(mode: WatchMode) -> SaveEnd {
        match mode {
            WatchMode::Native if cfg!(target_os = "linux") => SaveEnd::Closed,
            WatchMode::Native | WatchMode::Off => SaveEnd::Quiet,
            WatchMode::Poll(_) => SaveEnd::Scanned,
        }
    }
}

/// How long a burst of events is waited for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Waits {
    /// After a complete save, for the next event of the same save (an
    /// editor's write-then-rename comes within a millisecond or two).
    pub settle: Duration,
    /// While a file is still being written (or a watcher cannot tell).
    pub quiet: Duration,
    /// The longest a burst may delay a rebuild, for files that never stop changing.
    pub max_wait: Duration,
}

/// The events of one burst: the paths that changed, and those still being
/// written. Pure state, so that what it waits for is tested without a clock.
#[derive(Debug)]
pub(crate) struct Burst {
    end: SaveEnd,
    pub paths: BTreeSet<PathBuf>,
    writing: BTreeSet<PathBuf>,
}

impl Burst {
    pub fn new(end: SaveEnd) -> Burst {
        Burst { end, paths: BTreeSet::new(), writing: BTreeSet::new() }
    }

    /// Takes one event on a relevant path.
    pub fn note(&mut self, kind: &EventKind, path: &Path) {
        use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
        match kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                // Closing a file that changed ends its save; a file opened
                // for writing and closed unchanged is no change.
                self.writing.remove(path);
            }
            EventKind::Access(_) => {}
            EventKind::Create(CreateKind::File | CreateKind::Any)
            | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any)
                if self.end != SaveEnd::Scanned =>
            {
                self.paths.insert(path.to_path_buf());
                self.writing.insert(path.to_path_buf());
            }
            _ => {
                // Renamed, removed, a folder made, metadata: complete at once.
                self.paths.insert(path.to_path_buf());
                self.writing.remove(path);
            }
        }
        if self.end == SaveEnd::Quiet && self.paths.contains(path) {
            self.writing.insert(path.to_path_buf());
        }
    }

    /// How long to wait for another event before the burst is over.
    pub fn patience(&self, waits: &Waits) -> Duration {
        match self.writing.is_empty() {
            true => waits.settle,
            false => waits.quiet,
        }
    }
}

/// The rebuild thread's messages: the channel, and those taken from it
/// while a rebuild ran (to see whether a newer change came), which come
/// first.
pub(crate) struct Inbox {
    rx: Receiver<Message>,
    held: VecDeque<Message>,
    /// How many of `held` were there when the last batch ended: those
    /// belong to a burst that outlasted `max_wait`, and do not stop the
    /// rebuild of that batch (a file that never stops changing would stop
    /// every one).
    older: usize,
}

impl Inbox {
    pub fn new(rx: Receiver<Message>) -> Inbox {
        Inbox { rx, held: VecDeque::new(), older: 0 }
    }

    fn recv(&mut self) -> Option<Message> {
        self.held.pop_front().or_else(|| self.rx.recv().ok())
    }

    fn recv_timeout(&mut self, timeout: Duration) -> Result<Message, RecvTimeoutError> {
        match self.held.pop_front() {
            Some(message) => Ok(message),
            None => self.rx.recv_timeout(timeout),
        }
    }

    /// Whether a change to a path `relevant` accepts, or a stop, has come
    /// since the last batch began; what it reads stays for the next batch.
    pub fn has_news(&mut self, mut relevant: impl FnMut(&Path) -> bool) -> bool {
        loop {
            match self.rx.try_recv() {
                Ok(message) => self.held.push_back(message),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return true,
            }
        }
        let older = self.older;
        self.held.iter().enumerate().any(|(at, message)| match message {
            Message::Stop => true,
            Message::Fs(Ok(event)) => at >= older && is_change(&event.kind) && event.paths.iter().any(|p| relevant(p)),
            Message::Fs(Err(_)) => false,
        })
    }

    /// The batch ends here: what is held now is older than its rebuild.
    fn end_batch(&mut self, paths: BTreeSet<PathBuf>) -> Option<BTreeSet<PathBuf>> {
        self.older = self.held.len();
        Some(paths)
    }
}

/// Waits for the first relevant change, then until every file of the
/// burst is saved and nothing more came for `waits.settle` (or nothing at
/// all for `waits.quiet` while a file is still being written, or
/// `waits.max_wait` since the first event), and returns every path
/// reported, or `None` when it is time to stop. `relevant` filters paths;
/// `on_path` sees every changed path (to watch new folders). Events that
/// come while the rebuild runs wait in the inbox: they are the next
/// burst, so a burst that goes on during a rebuild makes one more (and
/// may stop the rebuild: [`Inbox::has_news`]).
pub(crate) fn next_batch(
    rx: &mut Inbox,
    end: SaveEnd,
    waits: Waits,
    mut relevant: impl FnMut(&Path) -> bool,
    mut on_path: impl FnMut(&Path),
    mut on_error: impl FnMut(notify::Error),
) -> Option<BTreeSet<PathBuf>> {
    let mut burst = Burst::new(end);
    let mut first: Option<Instant> = None;
    loop {
        let message = match first {
            None => rx.recv()?,
            Some(started) => {
                let left = waits.max_wait.saturating_sub(started.elapsed());
                if left.is_zero() {
                    return rx.end_batch(burst.paths);
                }
                match rx.recv_timeout(burst.patience(&waits).min(left)) {
                    Ok(m) => m,
                    Err(RecvTimeoutError::Timeout) => return rx.end_batch(burst.paths),
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
        };
        match message {
            Message::Stop => return None,
            Message::Fs(Err(e)) => on_error(e),
            Message::Fs(Ok(event)) => {
                let change = is_change(&event.kind);
                for path in event.paths {
                    if change {
                        on_path(&path);
                    }
                    // A close counts only for a path this burst has seen change.
                    if relevant(&path) && (change || burst.paths.contains(&path)) {
                        burst.note(&event.kind, &path);
                        first.get_or_insert_with(Instant::now);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn relevant_paths() {
        let root = Path::new("/site");
        let out = Some(Path::new("/site/public"));
        let yes = |p: &str| is_relevant(root, out, Path::new(p));
        assert!(yes("/site/content/a.md"));
        assert!(yes("/site/site.yaml"));
        assert!(yes("/site/themes/gbif/static/css/folio.css"));
        assert!(yes("/site/content"));
        assert!(!yes("/site/public/index.html"));
        assert!(!yes("/site/target/debug/x"));
        assert!(!yes("/site/.git/index"));
        // The image cache: serve writes it, so watching it would loop.
        assert!(!yes("/site/.folio-cache/images/ab/abcd-100x50-fit-q80-v1.jpg"));
        assert!(!yes("/site/content/.a.md.swp"));
        assert!(!yes("/site/content/a.md~"));
        assert!(!yes("/site/content/4913"));
        assert!(!yes("/site/content/.hidden/a.md"));
        assert!(!yes("/site/README.md"));
        assert!(!yes("/elsewhere/content/a.md"));
    }

    fn event(kind: EventKind, p: &str) -> Message {
        Message::Fs(Ok(notify::Event { kind, paths: vec![PathBuf::from(p)], attrs: Default::default() }))
    }

    const MODIFY: EventKind = EventKind::Modify(notify::event::ModifyKind::Data(notify::event::DataChange::Any));
    const CLOSE: EventKind = EventKind::Access(notify::event::AccessKind::Close(notify::event::AccessMode::Write));
    const WAITS: Waits =
        Waits { settle: Duration::from_millis(3), quiet: Duration::from_secs(60), max_wait: Duration::from_secs(600) };

    #[test]
    fn a_burst_is_one_batch() {
        let (tx, rx) = mpsc::channel();
        let mut rx = Inbox::new(rx);
        let create = EventKind::Create(notify::event::CreateKind::File);
        tx.send(event(EventKind::Access(notify::event::AccessKind::Any), "/s/content/read.md")).unwrap();
        tx.send(event(MODIFY, "/s/content/a.md")).unwrap();
        tx.send(event(CLOSE, "/s/content/a.md")).unwrap();
        tx.send(event(create, "/s/content/b.md")).unwrap();
        tx.send(event(CLOSE, "/s/content/b.md")).unwrap();
        // Every file is closed: the batch ends after the settle time, not
        // the minute of the quiet window (the test would hang).
        let batch = next_batch(&mut rx, SaveEnd::Closed, WAITS, |_| true, |_| {}, |_| {}).unwrap();
        assert_eq!(batch.into_iter().collect::<Vec<_>>(), [PathBuf::from("/s/content/a.md"), "/s/content/b.md".into()]);
        tx.send(Message::Stop).unwrap();
        assert!(next_batch(&mut rx, SaveEnd::Closed, WAITS, |_| true, |_| {}, |_| {}).is_none());
    }

    #[test]
    fn a_change_during_a_rebuild_is_news_and_the_next_batch() {
        let (tx, rx) = mpsc::channel();
        let mut inbox = Inbox::new(rx);
        let relevant = |p: &Path| p.starts_with("/s/content");
        assert!(!inbox.has_news(relevant));
        // Reading files and editors' scratch are no news.
        tx.send(event(EventKind::Access(notify::event::AccessKind::Any), "/s/content/a.md")).unwrap();
        tx.send(event(MODIFY, "/s/elsewhere/a.md")).unwrap();
        assert!(!inbox.has_news(relevant));
        tx.send(event(MODIFY, "/s/content/b.md")).unwrap();
        tx.send(event(CLOSE, "/s/content/b.md")).unwrap();
        assert!(inbox.has_news(relevant));
        // What the rebuild looked at makes the next batch.
        let batch = next_batch(&mut inbox, SaveEnd::Closed, WAITS, relevant, |_| {}, |_| {}).unwrap();
        assert_eq!(batch.into_iter().collect::<Vec<_>>(), [PathBuf::from("/s/content/b.md")]);
        assert!(!inbox.has_news(relevant));
        tx.send(Message::Stop).unwrap();
        assert!(inbox.has_news(relevant), "a stop ends a rebuild too");
        assert!(next_batch(&mut inbox, SaveEnd::Closed, WAITS, relevant, |_| {}, |_| {}).is_none());
    }

    #[test]
    fn a_save_is_complete_once_every_file_written_is_closed() {
        let mut burst = Burst::new(SaveEnd::Closed);
        burst.note(&MODIFY, Path::new("/s/content/a.md"));
        assert_eq!(burst.patience(&WAITS), WAITS.quiet, "a.md is still being written");
        burst.note(&EventKind::Create(notify::event::CreateKind::File), Path::new("/s/content/b.md"));
        burst.note(&CLOSE, Path::new("/s/content/a.md"));
        assert_eq!(burst.patience(&WAITS), WAITS.quiet, "b.md is still being written");
        burst.note(&CLOSE, Path::new("/s/content/b.md"));
        assert_eq!(burst.patience(&WAITS), WAITS.settle);
        // An editor's write-then-rename: the temporary file is written and
        // closed, then renamed over the page.
        let mut burst = Burst::new(SaveEnd::Closed);
        burst.note(&MODIFY, Path::new("/s/content/a.md.tmp"));
        burst.note(&CLOSE, Path::new("/s/content/a.md.tmp"));
        burst.note(
            &EventKind::Modify(notify::event::ModifyKind::Name(notify::event::RenameMode::To)),
            Path::new("/s/content/a.md"),
        );
        assert_eq!(burst.patience(&WAITS), WAITS.settle);
        assert_eq!(burst.paths.len(), 2);
    }

    #[test]
    fn without_close_events_a_burst_waits_for_quiet_and_polls_are_complete() {
        let mut burst = Burst::new(SaveEnd::Quiet);
        burst.note(&EventKind::Remove(notify::event::RemoveKind::File), Path::new("/s/content/a.md"));
        assert_eq!(burst.patience(&WAITS), WAITS.quiet);
        let mut burst = Burst::new(SaveEnd::Scanned);
        burst.note(&EventKind::Modify(notify::event::ModifyKind::Any), Path::new("/s/content/a.md"));
        assert_eq!(burst.patience(&WAITS), WAITS.settle);
    }
}
