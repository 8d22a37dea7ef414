//! A small static file server for the demo and the end-to-end tests: the repository's `www/` at
//! `/`, the manifest at `/plugin-manifest.json`, a strict Content-Security-Policy on every answer,
//! loopback only. HTTP/1.1 through hyper on one thread; GET and HEAD, a single byte range.
//!
//! What a browser may send and how it is answered: the path is percent-decoded as UTF-8 (any
//! `%XX`, not only spaces); a path that does not decode, holds a NUL, or names `.`, `..` or a
//! root once decoded (`/%2e%2e/`, `..%2F`) is a 400, never a file outside `www/`; a missing file
//! is a 404. `Range: bytes=…` with one range answers 206 with `Content-Range`; a range that starts
//! past the end is a 416 naming the length; several ranges, or one that does not parse, get the
//! whole file (which the standard allows).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

pub struct StaticServer {
    pub addr: SocketAddr,
}

impl StaticServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Serves `root` (the repository) in a background thread; `csp` goes on every answer.
pub fn spawn(root: PathBuf, port: u16, csp: String) -> std::io::Result<StaticServer> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    let site = Arc::new(Site { root, csp });
    std::thread::spawn(move || {
        runtime.block_on(async move {
            // Converting a bound, non-blocking std listener inside the runtime fails only on
            // exhausted resources; then nothing is served and the browser says so.
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let site = site.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req: Request<hyper::body::Incoming>| {
                        let answer = site.answer(&req).map(Full::new);
                        async move { Ok::<_, Infallible>(answer) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
    });
    Ok(StaticServer { addr })
}

struct Site {
    root: PathBuf,
    csp: String,
}

/// Why a path names no file that may be served.
#[derive(Debug, PartialEq)]
enum Refusal {
    /// Not UTF-8 once decoded, a NUL, or a `.`/`..`/root component: 400.
    BadPath,
    /// 404.
    NotFound,
}

/// Which bytes of a file of a given length a `Range` header asks for.
#[derive(Debug, PartialEq)]
enum Span {
    Whole,
    /// First and last byte, inclusive, both within the file.
    Part(u64, u64),
    Unsatisfiable,
}

impl Site {
    fn answer<B>(&self, req: &Request<B>) -> Response<Bytes> {
        let method = req.method();
        if method != Method::GET && method != Method::HEAD {
            let mut out = self.text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
            out.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return out;
        }
        let file = match resolve(&self.root, req.uri().path()) {
            Ok(file) => file,
            Err(Refusal::BadPath) => return self.text(StatusCode::BAD_REQUEST, "bad path"),
            Err(Refusal::NotFound) => return self.text(StatusCode::NOT_FOUND, "not found"),
        };
        let Ok(body) = std::fs::read(&file) else {
            return self.text(StatusCode::NOT_FOUND, "not found");
        };
        let len = body.len() as u64;
        // Only GET defines ranges (RFC 9110 §14.2); HEAD describes the whole file.
        let range = if method == Method::GET {
            req.headers()
                .get(header::RANGE)
                .and_then(|v| v.to_str().ok())
        } else {
            None
        };
        let (status, body, content_range) = match span(range, len) {
            Span::Whole => (StatusCode::OK, Bytes::from(body), None),
            Span::Part(first, last) => (
                StatusCode::PARTIAL_CONTENT,
                Bytes::from(body).slice(first as usize..=last as usize),
                Some(format!("bytes {first}-{last}/{len}")),
            ),
            Span::Unsatisfiable => (
                StatusCode::RANGE_NOT_SATISFIABLE,
                Bytes::new(),
                Some(format!("bytes */{len}")),
            ),
        };
        let mime = if status == StatusCode::RANGE_NOT_SATISFIABLE {
            "text/plain; charset=utf-8"
        } else {
            mime(&file)
        };
        let mut out = self.reply(status, mime, body, method == Method::HEAD);
        let headers = out.headers_mut();
        headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        if let Some(value) = content_range.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(header::CONTENT_RANGE, value);
        }
        out
    }

    fn text(&self, status: StatusCode, text: &'static str) -> Response<Bytes> {
        self.reply(
            status,
            "text/plain; charset=utf-8",
            Bytes::from_static(text.as_bytes()),
            false,
        )
    }

    /// The answer with the headers every answer carries. A HEAD answer states the length of
    /// the body it leaves out.
    fn reply(&self, status: StatusCode, mime: &str, body: Bytes, head: bool) -> Response<Bytes> {
        let mut out = Response::new(if head { Bytes::new() } else { body.clone() });
        *out.status_mut() = status;
        let headers = out.headers_mut();
        let pairs = [
            (header::CONTENT_TYPE, mime),
            (header::CONTENT_SECURITY_POLICY, self.csp.as_str()),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ];
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name, value);
            }
        }
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        out
    }
}

/// Maps a URL path (as sent, percent-encoded) to a file under `www/`, or the manifest.
fn resolve(root: &Path, path: &str) -> Result<PathBuf, Refusal> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| Refusal::BadPath)?;
    if decoded.contains('\0') {
        return Err(Refusal::BadPath);
    }
    if decoded == "/plugin-manifest.json" {
        return Ok(root.join("plugin-manifest.json"));
    }
    // Decoded, `%2F` is a separator like `/`: `..%2F` is checked as the `..` it becomes.
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(Refusal::BadPath);
    }
    let mut file = root.join("www").join(rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    if file.is_file() {
        Ok(file)
    } else {
        Err(Refusal::NotFound)
    }
}

/// Reads a `Range` header against a file of `len` bytes (RFC 9110 §14.1.2).
fn span(range: Option<&str>, len: u64) -> Span {
    let Some(spec) = range
        .and_then(|r| r.trim().split_once('='))
        .filter(|(unit, _)| unit.trim().eq_ignore_ascii_case("bytes"))
        .map(|(_, spec)| spec.trim())
    else {
        return Span::Whole;
    };
    if spec.contains(',') {
        return Span::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return Span::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // `-N`: the last N bytes.
        return match last.parse::<u64>() {
            Ok(0) => Span::Unsatisfiable,
            Ok(_) if len == 0 => Span::Unsatisfiable,
            Ok(n) => Span::Part(len.saturating_sub(n), len - 1),
            Err(_) => Span::Whole,
        };
    }
    let Ok(first) = first.parse::<u64>() else {
        return Span::Whole;
    };
    let last = if last.is_empty() {
        u64::MAX
    } else {
        match last.parse::<u64>() {
            Ok(last) if last >= first => last,
            _ => return Span::Whole,
        }
    };
    if first >= len {
        return Span::Unsatisfiable;
    }
    Span::Part(first, last.min(len - 1))
}

fn mime(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt" | "md" | "ts") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A JSON POST over loopback, for the emulator's admin API; returns the status and body.
pub fn post_json(base: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    use std::io::{Read, Write};
    let hostport = base.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(hostport)?;
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut resp = String::new();
    s.read_to_string(&mut resp)?;
    let status = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

#[cfg(test)]
mod tests;
