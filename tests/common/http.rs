//! A tiny HTTP/1.1 client for the dev-server tests: one request per
//! connection, raw request targets (so `..` and `%2e%2e` reach the server as
//! written), every read bounded by a timeout.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// The longest any test waits for one answer.
pub const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `method target` with `headers` and reads the whole answer.
pub fn request(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
    try_request(addr, method, target, headers, TIMEOUT).unwrap_or_else(|e| panic!("{method} {target}: {e}"))
}

pub fn try_request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    timeout: Duration,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut head = format!("{method} {target} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("Host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse(&raw, method == "HEAD").ok_or_else(|| std::io::Error::other(format!("bad answer: {raw:?}")))
}

fn parse(raw: &[u8], head_only: bool) -> Option<Reply> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked && !head_only {
        body = dechunk(&body)?;
    }
    Some(Reply { status, headers, body })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&data[..line_end]).ok()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

pub fn get(addr: SocketAddr, target: &str) -> Reply {
    request(addr, "GET", target, &[])
}

/// One server-sent event as the dev server sends it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Event {
    pub id: Option<u64>,
    pub retry: Option<u64>,
    pub data: Option<String>,
}

pub fn parse_event(text: &str) -> Event {
    let mut event = Event::default();
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("id: ") {
            event.id = v.parse().ok();
        } else if let Some(v) = line.strip_prefix("retry: ") {
            event.retry = v.parse().ok();
        } else if let Some(v) = line.strip_prefix("data: ") {
            event.data = Some(v.to_string());
        }
    }
    event
}
