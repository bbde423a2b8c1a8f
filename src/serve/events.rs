//! Live-reload events as long-polled server-sent events.
//!
//! Each request to the events URL is answered with exactly one complete
//! event (a known length, then the connection closes), so that no proxy or
//! buffer between server and browser can hold it back: at once when the
//! client has missed a build (its `Last-Event-ID`, or `?since=` on the first
//! connection, is older than the current build), else when the next build
//! is in place, else after a timeout with a comment that changes nothing.
//! The browser's `EventSource` reconnects by itself after each answer (after
//! `retry` milliseconds) and sends the last id it saw, so no build is missed.
//!
//! Waiting requests are parked here, not in a worker thread: one thread of
//! this hub answers them all, so any number of open tabs never takes a
//! worker from page requests.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::server::{Body, Connection, Response};

/// Milliseconds the browser waits before reconnecting after an answer.
pub const RETRY_MS: u64 = 250;

/// How many builds are remembered to tell a reconnecting client what it missed.
const HISTORY: usize = 64;

/// What a build changed, for the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Reload the page.
    Page,
    /// Only these stylesheets changed (URL paths, decoded): swap them in.
    Styles(Vec<String>),
}

impl Change {
    /// The change from one build to a later one, over several builds.
    fn merge(self, next: &Change) -> Change {
        match (self, next) {
            (Change::Styles(mut a), Change::Styles(b)) => {
                for path in b {
                    if !a.contains(path) {
                        a.push(path.clone());
                    }
                }
                Change::Styles(a)
            }
            _ => Change::Page,
        }
    }
}

struct Waiting {
    connection: Connection,
    head_only: bool,
    since: u64,
    deadline: Instant,
}

struct State {
    build: u64,
    /// (build, what it changed since the build before), oldest first.
    history: VecDeque<(u64, Change)>,
    waiting: Vec<Waiting>,
    stopping: bool,
}

pub(crate) struct Hub {
    state: Mutex<State>,
    wake: Condvar,
    timeout: Duration,
}

/// One answer to an events request.
enum Answer {
    Event {
        build: u64,
        change: Change,
    },
    /// Nothing new: sets the client's last id again and makes it reconnect.
    Quiet {
        since: u64,
    },
}

impl Hub {
    pub fn new(build: u64, timeout: Duration) -> Hub {
        Hub {
            state: Mutex::new(State { build, history: VecDeque::new(), waiting: Vec::new(), stopping: false }),
            wake: Condvar::new(),
            timeout,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Announces a build that is already being served.
    pub fn publish(&self, build: u64, change: Change) {
        let mut state = self.lock();
        state.build = build;
        state.history.push_back((build, change));
        while state.history.len() > HISTORY {
            state.history.pop_front();
        }
        self.wake.notify_all();
    }

    /// Answers an events request now if the client missed a build (or came
    /// from another server run: `known` is false), else parks it.
    pub fn subscribe(&self, connection: Connection, head_only: bool, since: Option<u64>, known: bool) {
        let mut state = self.lock();
        let since = since.unwrap_or(state.build);
        let answer = if !known || since > state.build {
            // A page of an earlier run of the server: its builds mean nothing here.
            Some(Answer::Event { build: state.build, change: Change::Page })
        } else if since < state.build {
            Some(Answer::Event { build: state.build, change: change_since(&state.history, since) })
        } else if state.stopping {
            Some(Answer::Quiet { since })
        } else {
            None
        };
        match answer {
            Some(answer) => {
                drop(state);
                respond(connection, head_only, &answer);
            }
            None => {
                let deadline = Instant::now() + self.timeout;
                state.waiting.push(Waiting { connection, head_only, since, deadline });
                self.wake.notify_all();
            }
        }
    }

    /// Number of requests waiting for a build.
    pub fn waiting(&self) -> usize {
        self.lock().waiting.len()
    }

    /// The hub's thread: answers waiting requests when a build arrives or
    /// their time is up; returns after [`Hub::stop`], answering all.
    pub fn run(&self) {
        let mut state = self.lock();
        loop {
            let now = Instant::now();
            let stopping = state.stopping;
            let build = state.build;
            let (due, keep): (Vec<Waiting>, Vec<Waiting>) = std::mem::take(&mut state.waiting)
                .into_iter()
                .partition(|w| stopping || w.since < build || w.deadline <= now);
            state.waiting = keep;
            let answers: Vec<(Waiting, Answer)> = due
                .into_iter()
                .map(|w| {
                    let answer = if w.since < build {
                        Answer::Event { build, change: change_since(&state.history, w.since) }
                    } else {
                        Answer::Quiet { since: w.since }
                    };
                    (w, answer)
                })
                .collect();
            drop(state);
            for (waiting, answer) in answers {
                respond(waiting.connection, waiting.head_only, &answer);
            }
            if stopping {
                return;
            }
            // Looked at again under the lock: whatever came meanwhile
            // (a request, a build, stop) is seen now or wakes the wait.
            state = self.lock();
            if state.stopping || state.waiting.iter().any(|w| w.since < state.build) {
                continue;
            }
            let next = state.waiting.iter().map(|w| w.deadline).min();
            let wait = next.map_or(Duration::from_secs(3600), |d| d.saturating_duration_since(Instant::now()));
            state = self.wake.wait_timeout(state, wait).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Makes [`Hub::run`] answer every waiting request and return; requests
    /// that come later are answered at once.
    pub fn stop(&self) {
        self.lock().stopping = true;
        self.wake.notify_all();
    }
}

/// What changed from build `since` to the newest one; a full reload when the
/// history does not reach back that far.
fn change_since(history: &VecDeque<(u64, Change)>, since: u64) -> Change {
    let mut newer = history.iter().filter(|(b, _)| *b > since).peekable();
    match newer.peek() {
        Some((first, _)) if *first == since + 1 => {}
        _ => return Change::Page,
    }
    let mut change = newer.next().map(|(_, c)| c.clone()).unwrap_or(Change::Page);
    for (_, next) in newer {
        change = change.merge(next);
    }
    change
}

/// The text of one answer (what the tests and the browser read).
fn event_text(answer: &Answer) -> String {
    match answer {
        Answer::Event { build, change } => {
            let data = match change {
                Change::Page => format!(r#"{{"build":{build},"reload":"page"}}"#),
                Change::Styles(css) => {
                    let css = serde_json::to_string(css).unwrap_or_else(|_| "[]".into());
                    format!(r#"{{"build":{build},"reload":"css","css":{css}}}"#)
                }
            };
            format!("retry: {RETRY_MS}\nid: {build}\ndata: {data}\n\n")
        }
        Answer::Quiet { since } => format!("retry: {RETRY_MS}\nid: {since}\n: no change\n\n"),
    }
}

fn respond(connection: Connection, head_only: bool, answer: &Answer) {
    let body = Body::Bytes(event_text(answer).into_bytes());
    let response =
        Response::new(200, "text/event-stream; charset=utf-8", body).with_header("Cache-Control", "no-store");
    // The client may have gone (tab closed): nothing to do about it.
    connection.answer_and_close(head_only, response);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_merge_over_missed_builds() {
        let css = |p: &str| Change::Styles(vec![p.to_string()]);
        let history: VecDeque<(u64, Change)> = [(2, css("/a.css")), (3, css("/b.css")), (4, Change::Page)].into();
        assert_eq!(change_since(&history, 1), Change::Page);
        assert_eq!(change_since(&history, 0), Change::Page, "older than the history");
        let history: VecDeque<(u64, Change)> = [(2, css("/a.css")), (3, css("/b.css")), (4, css("/a.css"))].into();
        assert_eq!(change_since(&history, 1), Change::Styles(vec!["/a.css".into(), "/b.css".into()]));
        assert_eq!(change_since(&history, 3), css("/a.css"));
    }

    #[test]
    fn event_text_has_id_retry_and_data() {
        let text = event_text(&Answer::Event { build: 7, change: Change::Styles(vec!["/s.css".into()]) });
        assert_eq!(text, "retry: 250\nid: 7\ndata: {\"build\":7,\"reload\":\"css\",\"css\":[\"/s.css\"]}\n\n");
        assert_eq!(event_text(&Answer::Quiet { since: 3 }), "retry: 250\nid: 3\n: no change\n\n");
    }
}
