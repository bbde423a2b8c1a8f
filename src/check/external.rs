//! Checking links that leave the site, politely: a few requests at a time,
//! at most one request per host per interval, a timeout and retries for each,
//! and a cache so that a re-run asks only about what is new or was failing.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Location};

pub const CACHE_FILE: &str = ".folio-link-cache.json";
pub const EXTERNAL_BROKEN: &str = "external-broken";
pub const EXTERNAL_UNCHECKED: &str = "external-unchecked";

#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Requests under way at once.
    pub concurrency: usize,
    pub timeout: Duration,
    /// Further tries after a timeout, a network error, 429 or a 5xx.
    pub retries: u32,
    /// The pause before the first retry; it doubles each time.
    pub backoff: Duration,
    /// The shortest time between two requests to one host.
    pub per_host_interval: Duration,
    pub max_redirects: u32,
    /// Where results are kept between runs; `None` keeps nothing.
    pub cache: Option<PathBuf>,
    /// How long a good result is trusted.
    pub cache_ttl: Duration,
}

impl ExternalOptions {
    pub fn with_cache(cache: PathBuf) -> ExternalOptions {
        ExternalOptions {
            concurrency: 8,
            timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Duration::from_millis(500),
            per_host_interval: Duration::from_millis(250),
            max_redirects: 5,
            cache: Some(cache),
            cache_ttl: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// 2xx, possibly after redirects (`final_url` then says where to).
    Ok { status: u16, final_url: Option<String> },
    /// 4xx (but 429): the page is gone or never was.
    Broken { status: u16 },
    /// No answer worth trusting after every retry: a timeout, a network
    /// error, 429 or a 5xx.
    Unchecked { reason: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct ExternalResult {
    pub url: String,
    pub outcome: Outcome,
    pub from_cache: bool,
    /// Where the link is written (the first place; `count` says how many).
    pub location: Location,
    pub count: usize,
}

impl ExternalResult {
    pub fn diagnostic(&self) -> Option<Diagnostic> {
        let where_else = if self.count > 1 { format!(" (and {} more places)", self.count - 1) } else { String::new() };
        match &self.outcome {
            Outcome::Ok { .. } => None,
            Outcome::Broken { status } => Some(
                Diagnostic::error(format!("external link {} answers {status}{where_else}", self.url))
                    .code(EXTERNAL_BROKEN)
                    .at(self.location.clone())
                    .help("the page is gone or moved: link to its new address, or remove the link"),
            ),
            Outcome::Unchecked { reason } => Some(
                Diagnostic::warning(format!("external link {} could not be checked: {reason}{where_else}", self.url))
                    .code(EXTERNAL_UNCHECKED)
                    .at(self.location.clone())
                    .help("the host may be down or slow; run the check again later"),
            ),
        }
    }

    /// One line for the terminal: status and URL.
    pub fn line(&self) -> String {
        let cached = if self.from_cache { " (cached)" } else { "" };
        match &self.outcome {
            Outcome::Ok { status, final_url: None } => format!("{status} {}{cached}", self.url),
            Outcome::Ok { status, final_url: Some(to) } => format!("{status} {} -> {to}{cached}", self.url),
            Outcome::Broken { status } => format!("{status} {}{cached}", self.url),
            Outcome::Unchecked { reason } => format!("??? {} ({reason})", self.url),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    /// URL -> (outcome, seconds since the epoch when it was checked).
    entries: BTreeMap<String, (Outcome, u64)>,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Checks every distinct `http(s)` URL in `links`.
pub fn check_all(links: &[(String, Location)], options: &ExternalOptions) -> Vec<ExternalResult> {
    let mut first: BTreeMap<&str, (&Location, usize)> = BTreeMap::new();
    for (url, location) in links.iter().filter(|(u, _)| u.starts_with("http://") || u.starts_with("https://")) {
        first.entry(url.as_str()).or_insert((location, 0)).1 += 1;
    }
    let mut cache: Cache = options
        .cache
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let now = now_secs();
    let fresh = |url: &str| match cache.entries.get(url) {
        Some((outcome @ Outcome::Ok { .. }, at)) if now.saturating_sub(*at) < options.cache_ttl.as_secs() => {
            Some(outcome.clone())
        }
        _ => None,
    };
    let (cached, to_check): (Vec<&str>, Vec<&str>) = first.keys().partition(|url| fresh(url).is_some());
    let checked = check_urls(&to_check, options);

    let mut results = Vec::new();
    for url in cached {
        let (location, count) = first[url];
        let outcome = fresh(url).expect("partitioned on this");
        results.push(ExternalResult {
            url: url.to_string(),
            outcome,
            from_cache: true,
            location: location.clone(),
            count,
        });
    }
    for (url, outcome) in checked {
        let (location, count) = first[url.as_str()];
        cache.entries.insert(url.clone(), (outcome.clone(), now));
        results.push(ExternalResult { url, outcome, from_cache: false, location: location.clone(), count });
    }
    results.sort_by(|a, b| a.url.cmp(&b.url));
    if let Some(path) = &options.cache {
        if let Ok(json) = serde_json::to_vec_pretty(&cache) {
            // A cache that cannot be written only costs time on the next run.
            let _ = std::fs::write(path, json);
        }
    }
    results
}

/// Checks `urls` with a pool of workers sharing one queue and one table of
/// when each host may next be asked.
pub fn check_urls(urls: &[&str], options: &ExternalOptions) -> Vec<(String, Outcome)> {
    let queue: Mutex<VecDeque<&str>> = Mutex::new(urls.iter().copied().collect());
    let next_slot: Mutex<HashMap<String, Instant>> = Mutex::new(HashMap::new());
    let results: Mutex<Vec<(String, Outcome)>> = Mutex::new(Vec::new());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("folio-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let workers = options.concurrency.clamp(1, 64).min(urls.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(url) = queue.lock().map(|mut q| q.pop_front()).ok().flatten() {
                    let outcome = check_one(&agent, url, options, &next_slot);
                    if let Ok(mut r) = results.lock() {
                        r.push((url.to_string(), outcome));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}

fn check_one(
    agent: &ureq::Agent,
    url: &str,
    options: &ExternalOptions,
    slots: &Mutex<HashMap<String, Instant>>,
) -> Outcome {
    let mut attempt = 0;
    loop {
        let outcome = follow(agent, url, options, slots);
        let retry = matches!(&outcome, Outcome::Unchecked { .. });
        if !retry || attempt >= options.retries {
            return outcome;
        }
        std::thread::sleep(options.backoff * 2u32.pow(attempt));
        attempt += 1;
    }
}

/// One try: the URL and its redirects, up to `max_redirects`.
fn follow(
    agent: &ureq::Agent,
    url: &str,
    options: &ExternalOptions,
    slots: &Mutex<HashMap<String, Instant>>,
) -> Outcome {
    let mut current = url.to_string();
    for _ in 0..=options.max_redirects {
        wait_for_host(&current, options.per_host_interval, slots);
        let status_and_location = request(agent, "HEAD", &current).and_then(|(status, location)| {
            // Some servers refuse HEAD; ask again with GET before judging.
            if matches!(status, 405 | 501 | 403) {
                wait_for_host(&current, options.per_host_interval, slots);
                request(agent, "GET", &current)
            } else {
                Ok((status, location))
            }
        });
        let (status, location) = match status_and_location {
            Ok(answer) => answer,
            Err(reason) => return Outcome::Unchecked { reason },
        };
        match status {
            300..=399 => {
                let Some(location) = location else {
                    return Outcome::Unchecked { reason: format!("{status} without a Location header") };
                };
                current = join_location(&current, &location);
            }
            200..=299 => {
                let final_url = (current != url).then_some(current);
                return Outcome::Ok { status, final_url };
            }
            429 | 500..=599 => return Outcome::Unchecked { reason: format!("the server answered {status}") },
            _ => return Outcome::Broken { status },
        }
    }
    Outcome::Unchecked { reason: format!("more than {} redirects", options.max_redirects) }
}

fn request(agent: &ureq::Agent, method: &str, url: &str) -> Result<(u16, Option<String>), String> {
    let response = match method {
        "HEAD" => agent.head(url).call(),
        _ => agent.get(url).call(),
    };
    match response {
        Ok(response) => {
            let status = response.status().as_u16();
            let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
            Ok((status, location))
        }
        Err(ureq::Error::Timeout(_)) => Err("timed out".to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// Waits until this host may be asked again, and books the next slot.
fn wait_for_host(url: &str, interval: Duration, slots: &Mutex<HashMap<String, Instant>>) {
    let wait = match slots.lock() {
        Ok(mut slots) => book(&mut slots, host_of(url), Instant::now(), interval),
        Err(_) => return,
    };
    if !wait.is_zero() {
        std::thread::sleep(wait);
    }
}

/// The schedule of one host: a request asked for at `now` goes at the
/// host's next free slot (or now, when that has passed), and the slot after
/// it is `interval` later. Returns how long to wait. The clock is the
/// caller's, so the schedule is tested without one.
fn book(slots: &mut HashMap<String, Instant>, host: &str, now: Instant, interval: Duration) -> Duration {
    let at = slots.get(host).copied().filter(|t| *t > now).unwrap_or(now);
    slots.insert(host.to_string(), at + interval);
    at.saturating_duration_since(now)
}

/// `https://host:port/path` -> `host:port`.
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// A `Location` may be absolute, root-relative or relative.
fn join_location(current: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let scheme_end = current.find("://").map_or(0, |i| i + 3);
    let origin_end = current[scheme_end..].find('/').map_or(current.len(), |i| scheme_end + i);
    if location.starts_with('/') {
        return format!("{}{location}", &current[..origin_end]);
    }
    let dir_end = current.rfind('/').filter(|&i| i >= origin_end).map_or(current.len(), |i| i + 1);
    let mut base = current[..dir_end].to_string();
    if !base.ends_with('/') {
        base.push('/');
    }
    format!("{base}{location}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_to_one_host_are_spaced_by_the_interval() {
        let (mut slots, start, every) = (HashMap::new(), Instant::now(), Duration::from_millis(250));
        let ms = Duration::from_millis;
        // Four asked at once wait 0, 250, 500 and 750 ms; another host is not held up.
        let waits: Vec<Duration> = (0..4).map(|_| book(&mut slots, "a.org", start, every)).collect();
        assert_eq!(waits, [ms(0), ms(250), ms(500), ms(750)]);
        assert_eq!(book(&mut slots, "b.org", start, every), ms(0));
        // Asked 100 ms later, the next one waits for the slot after the fourth.
        assert_eq!(book(&mut slots, "a.org", start + ms(100), every), ms(900));
        // Long after the last slot, a request goes at once and books from then.
        assert_eq!(book(&mut slots, "a.org", start + ms(5000), every), ms(0));
        assert_eq!(book(&mut slots, "a.org", start + ms(5010), every), ms(240));
    }

    #[test]
    fn hosts_and_locations() {
        assert_eq!(host_of("https://www.gbif.org/occurrence/1"), "www.gbif.org");
        assert_eq!(host_of("http://127.0.0.1:8080?x"), "127.0.0.1:8080");
        assert_eq!(join_location("http://a.org/x/y", "/z"), "http://a.org/z");
        assert_eq!(join_location("http://a.org/x/y", "z"), "http://a.org/x/z");
        assert_eq!(join_location("http://a.org", "z"), "http://a.org/z");
        assert_eq!(join_location("http://a.org/x", "https://b.org/"), "https://b.org/");
    }
}
