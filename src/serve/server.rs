//! The HTTP/1.1 server under `folio serve`: std sockets, httparse for the
//! request head, and limits on everything a client controls.
//!
//! - A request head is at most [`Limits::head_bytes`] and
//!   [`Limits::headers`] headers (431 past that), and must arrive within
//!   [`Limits::idle`] (no slow drip holds a connection).
//! - Bodies are never read or allocated: the server answers GET and HEAD;
//!   a request that declares a body is answered and the connection closed.
//! - At most [`Limits::connections`] connections are open at once; the
//!   next ones are answered 503 and closed.
//! - Accepting survives errors: when file handles run out (EMFILE) the
//!   listener waits a moment and accepts again, instead of ending.
//!
//! Each connection has a thread while it is read and answered; a
//! live-reload request hands its connection to the events hub and the
//! thread ends, so waiting tabs hold no thread.

use std::io::{self, BufWriter, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What a client may make the server hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Request line and headers, in bytes.
    pub head_bytes: usize,
    pub headers: usize,
    pub connections: usize,
    /// How long a connection may sit without a complete request head.
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { head_bytes: 16 * 1024, headers: 64, connections: 128, idle: Duration::from_secs(10) }
    }
}

/// A request head, parsed.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub target: String,
    headers: Vec<(String, String)>,
    /// The connection can take another request after the answer.
    keep_alive: bool,
}

impl Request {
    /// The first value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}

pub enum Body {
    Bytes(Vec<u8>),
    Shared(Arc<[u8]>),
    Static(&'static [u8]),
    /// A reader of exactly this many bytes.
    Reader(Box<dyn Read + Send>, u64),
}

impl Body {
    fn len(&self) -> u64 {
        match self {
            Body::Bytes(b) => b.len() as u64,
            Body::Shared(b) => b.len() as u64,
            Body::Static(b) => b.len() as u64,
            Body::Reader(_, len) => *len,
        }
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Body) -> Response {
        Response { status, headers: vec![("Content-Type", content_type.to_string())], body }
    }

    pub fn text(status: u16, text: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", Body::Bytes(text.as_bytes().to_vec()))
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

/// What the application does with a request.
pub enum Outcome {
    Answer(Response),
    /// Hands the connection over (to answer later); the server forgets it.
    Keep(Box<dyn FnOnce(Connection) + Send>),
}

pub type Handler = Arc<dyn Fn(&Request) -> Outcome + Send + Sync>;

/// An accepted connection. Dropping it closes the socket and frees its
/// place under [`Limits::connections`].
pub struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
    _slot: Slot,
    limits: Limits,
    /// The last head was refused, unread bytes may follow.
    refused: bool,
}

impl Connection {
    /// Writes `response` (headers only for a HEAD request) and closes.
    pub fn answer_and_close(mut self, head_only: bool, response: Response) {
        let _ = self.write(head_only, false, response);
        let _ = self.stream.shutdown(Shutdown::Write);
    }

    /// Ends a connection whose client may still be sending (a body, an
    /// oversized head): closing with unread bytes would reset the
    /// connection and could destroy the answer before the client reads it,
    /// so a bounded amount is read and thrown away first.
    fn linger(mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
        let _ = self.stream.set_read_timeout(Some(Duration::from_secs(1)));
        let mut scratch = [0u8; 4096];
        let mut left: usize = 256 * 1024;
        while left > 0 {
            match self.stream.read(&mut scratch) {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n),
            }
        }
    }

    fn write(&mut self, head_only: bool, keep_alive: bool, response: Response) -> io::Result<()> {
        let mut out = BufWriter::new(&self.stream);
        write!(out, "HTTP/1.1 {} {}\r\n", response.status, reason(response.status))?;
        for (name, value) in &response.headers {
            write!(out, "{name}: {value}\r\n")?;
        }
        let connection = if keep_alive { "keep-alive" } else { "close" };
        write!(out, "Content-Length: {}\r\nConnection: {connection}\r\n\r\n", response.body.len())?;
        if !head_only {
            match response.body {
                Body::Bytes(b) => out.write_all(&b)?,
                Body::Shared(b) => out.write_all(&b)?,
                Body::Static(b) => out.write_all(b)?,
                Body::Reader(reader, len) => {
                    let copied = io::copy(&mut reader.take(len), &mut out)?;
                    if copied != len {
                        // The file shrank: the length sent is wrong, so the connection must end.
                        return Err(io::Error::other("body shorter than its length"));
                    }
                }
            }
        }
        out.flush()
    }

    /// Reads the next request head; `None` when the client closed or went
    /// quiet, or the head was refused (then the answer is already sent).
    fn next_request(&mut self) -> Option<Request> {
        self.refused = false;
        let started = Instant::now();
        loop {
            if !self.buffer.is_empty() {
                match parse_head(&self.buffer, &self.limits) {
                    Ok(Some((request, len))) => {
                        self.buffer.drain(..len);
                        return Some(request);
                    }
                    Ok(None) => {}
                    Err(status) => {
                        let text = match status {
                            431 => "request header fields too large\n",
                            _ => "bad request\n",
                        };
                        let _ = self.write(false, false, Response::text(status, text));
                        self.refused = true;
                        return None;
                    }
                }
                if self.buffer.len() >= self.limits.head_bytes {
                    let _ = self.write(false, false, Response::text(431, "request header fields too large\n"));
                    self.refused = true;
                    return None;
                }
            }
            let left = self.limits.idle.checked_sub(started.elapsed())?;
            self.stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))).ok()?;
            let room = self.limits.head_bytes - self.buffer.len();
            let mut chunk = [0u8; 4096];
            let want = room.min(chunk.len());
            match self.stream.read(&mut chunk[..want]) {
                Ok(0) => return None,
                Ok(n) => self.buffer.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
    }
}

/// A complete head and its length, `None` while it is incomplete, or the
/// status that refuses it.
fn parse_head(buffer: &[u8], limits: &Limits) -> Result<Option<(Request, usize)>, u16> {
    let mut headers = vec![httparse::EMPTY_HEADER; limits.headers];
    let mut parsed = httparse::Request::new(&mut headers);
    let len = match parsed.parse(buffer) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(431),
        Err(_) => return Err(400),
    };
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).trim().to_string()))
        .collect();
    let has = |name: &str, test: &dyn Fn(&str) -> bool| {
        headers.iter().any(|(n, v)| n.eq_ignore_ascii_case(name) && test(&v.to_ascii_lowercase()))
    };
    // A body is never read: after answering, the connection ends instead.
    let body = has("Transfer-Encoding", &|_| true) || has("Content-Length", &|v| v != "0");
    let http10 = parsed.version == Some(0);
    let keep_alive = !body && !has("Connection", &|v| v.contains("close")) && !http10;
    let request = Request {
        method: parsed.method.unwrap_or_default().to_string(),
        target: parsed.path.unwrap_or_default().to_string(),
        headers,
        keep_alive,
    };
    Ok(Some((request, len)))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// One place under [`Limits::connections`], given back when dropped.
/// Counting needs no file handle, so it works when they have run out.
struct Slot {
    open: Arc<AtomicUsize>,
}

impl Slot {
    /// A place, unless `limit` connections are open.
    fn take(open: &Arc<AtomicUsize>, limit: usize) -> Option<Slot> {
        open.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < limit).then_some(n + 1)).ok()?;
        Some(Slot { open: Arc::clone(open) })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running server: [`Server::stop`] (or dropping it) closes the
/// listener; open connections end after the request they are answering,
/// or when they have been idle for [`Limits::idle`].
pub struct Server {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `listener` with `handler`, answering only requests whose
    /// `Host` passes `host_allowed`. `log` hears about accept errors.
    pub fn start(
        listener: TcpListener,
        limits: Limits,
        host_allowed: Arc<dyn Fn(&str) -> bool + Send + Sync>,
        handler: Handler,
        log: Arc<dyn Fn(&str) + Send + Sync>,
    ) -> io::Result<Server> {
        let addr = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let open = Arc::new(AtomicUsize::new(0));
        let stop = Arc::clone(&stopping);
        let acceptor = std::thread::Builder::new().name("folio-serve-accept".into()).spawn(move || {
            let mut pause = Duration::from_millis(5);
            let mut warned = false;
            loop {
                let accepted = listener.accept();
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let stream = match accepted {
                    Ok((stream, _)) => {
                        pause = Duration::from_millis(5);
                        stream
                    }
                    Err(e) => {
                        // Out of file handles (or a client that gave up while
                        // queued): accepting again at once would fail again.
                        if !warned {
                            warned = true;
                            log(&format!(
                                "warning: cannot accept a connection: {e}; still serving (too many open connections or files?)"
                            ));
                        }
                        std::thread::sleep(pause);
                        pause = (pause * 2).min(Duration::from_millis(500));
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let _ = stream.set_write_timeout(Some(limits.idle));
                let Some(slot) = Slot::take(&open, limits.connections) else {
                    refuse(stream);
                    continue;
                };
                let connection = Connection { stream, buffer: Vec::new(), _slot: slot, limits, refused: false };
                let (handler, host_allowed, stopping) = (Arc::clone(&handler), Arc::clone(&host_allowed), Arc::clone(&stop));
                let spawned = std::thread::Builder::new()
                    .name("folio-serve-connection".into())
                    .stack_size(256 * 1024)
                    .spawn(move || serve_connection(connection, &*host_allowed, &*handler, &stopping));
                if spawned.is_err() {
                    // No thread to be had: the connection was dropped with the closure.
                    std::thread::sleep(pause);
                }
            }
        })?;
        Ok(Server { addr, stopping, acceptor: Some(acceptor) })
    }

    pub fn stop(&mut self) {
        if self.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        // Wakes the blocked accept; the listener closes when its thread ends.
        let ip = match self.addr.ip() {
            ip if ip.is_unspecified() && ip.is_ipv4() => IpAddr::from([127, 0, 0, 1]),
            ip if ip.is_unspecified() => IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]),
            ip => ip,
        };
        let _ = TcpStream::connect_timeout(&SocketAddr::new(ip, self.addr.port()), Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A short 503 for a connection over the limit, written without waiting.
/// What the client already sent is read first (as much as is there), so
/// that closing does not reset the connection before the answer is read.
fn refuse(stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let mut scratch = [0u8; 4096];
    for _ in 0..4 {
        if !matches!((&stream).read(&mut scratch), Ok(n) if n > 0) {
            break;
        }
    }
    let _ = (&stream).write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 20\r\nConnection: close\r\nRetry-After: 1\r\n\r\ntoo many connections",
    );
    let _ = stream.shutdown(Shutdown::Write);
}

fn serve_connection(
    mut connection: Connection,
    host_allowed: &dyn Fn(&str) -> bool,
    handler: &dyn Fn(&Request) -> Outcome,
    stopping: &AtomicBool,
) {
    loop {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let Some(request) = connection.next_request() else {
            if connection.refused {
                connection.linger();
            }
            return;
        };
        let (head_only, keep_alive) = (request.is_head(), request.keep_alive);
        let hosts = request.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("Host")).count();
        if hosts != 1 || !request.header("Host").is_some_and(host_allowed) {
            let text = "folio serve answers requests for localhost, 127.0.0.1 and [::1] only (and the address given \
                        to --bind); this request named another host, as a page of another site would through DNS \
                        rebinding\n";
            let _ = connection.write(head_only, false, Response::text(403, text));
            connection.linger();
            return;
        }
        match handler(&request) {
            Outcome::Answer(response) => {
                let written = connection.write(head_only, keep_alive, response);
                if written.is_err() {
                    return;
                }
                if !keep_alive {
                    connection.linger();
                    return;
                }
            }
            Outcome::Keep(take) => {
                take(connection);
                return;
            }
        }
    }
}

/// Whether `host` (a `Host` header: name and optional port) names this
/// server: a loopback name, or the address it is bound to. A server bound
/// to every address (`--bind 0.0.0.0`) was asked to be reached by any name.
pub fn host_is_local(host: &str, bound: IpAddr) -> bool {
    if bound.is_unspecified() {
        return true;
    }
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(
            host,
            |(name, port)| {
                if port.bytes().all(|b| b.is_ascii_digit()) {
                    name
                } else {
                    host
                }
            },
        ),
    };
    let name = name.to_ascii_lowercase();
    name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback() || ip == bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_hosts_are_answered() {
        let loopback = IpAddr::from([127, 0, 0, 1]);
        for host in ["localhost", "localhost:1111", "127.0.0.1:1111", "[::1]:1111", "[::1]", "LOCALHOST:80"] {
            assert!(host_is_local(host, loopback), "{host}");
        }
        for host in ["evil.example", "evil.example:1111", "127.0.0.1.evil.example", "localhost.evil.example", ""] {
            assert!(!host_is_local(host, loopback), "{host}");
        }
        let lan = IpAddr::from([192, 168, 1, 20]);
        assert!(host_is_local("192.168.1.20:1111", lan));
        assert!(!host_is_local("printer.local:1111", lan));
        assert!(host_is_local("my-laptop.local:1111", IpAddr::from([0, 0, 0, 0])));
    }

    #[test]
    fn heads_are_bounded_and_bodies_end_the_connection() {
        let limits = Limits { headers: 4, ..Limits::default() };
        let (request, len) = parse_head(b"GET /a/ HTTP/1.1\r\nHost: x\r\n\r\nrest", &limits).unwrap().unwrap();
        assert_eq!((request.target.as_str(), len, request.keep_alive), ("/a/", 29, true));
        assert!(parse_head(b"GET /a/ HTTP/1.1\r\nHost: x\r\n", &limits).unwrap().is_none());
        let many = "GET / HTTP/1.1\r\n".to_string() + &"X: y\r\n".repeat(5) + "\r\n";
        assert_eq!(parse_head(many.as_bytes(), &limits).err(), Some(431));
        let body = b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n";
        assert!(!parse_head(body, &limits).unwrap().unwrap().0.keep_alive);
        assert_eq!(parse_head(b"\x01\x02 nonsense\r\n\r\n", &limits).err(), Some(400));
    }
}
