//! A small static file server for the demo and the end-to-end tests: the repository's `www/` at
//! `/`, the manifest at `/plugin-manifest.json`, a strict Content-Security-Policy on every page,
//! loopback only. Thread per connection; GET and HEAD.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

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
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            let csp = csp.clone();
            std::thread::spawn(move || {
                let _ = answer(stream, &root, &csp);
            });
        }
    });
    Ok(StaticServer { addr })
}

fn answer(stream: TcpStream, root: &Path, csp: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // Drain the headers; the body of a GET is empty.
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut out = stream;
    if method != "GET" && method != "HEAD" {
        return write(
            &mut out,
            405,
            "text/plain",
            b"method not allowed",
            csp,
            method,
        );
    }
    match resolve(root, path) {
        Some(file) => match std::fs::read(&file) {
            Ok(body) => write(&mut out, 200, mime(&file), &body, csp, method),
            Err(_) => write(&mut out, 404, "text/plain", b"not found", csp, method),
        },
        None => write(&mut out, 404, "text/plain", b"not found", csp, method),
    }
}

/// Maps a URL path to a file under `www/` (or the manifest), refusing anything outside.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let decoded = path.replace("%20", " ");
    if decoded == "/plugin-manifest.json" {
        return Some(root.join("plugin-manifest.json"));
    }
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = root.join("www").join(rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

fn mime(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("wasm") => "application/wasm",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

fn write(
    out: &mut TcpStream,
    status: u16,
    mime: &str,
    body: &[u8],
    csp: &str,
    method: &str,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    write!(
        out,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\n\
         Content-Security-Policy: {csp}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        out.write_all(body)?;
    }
    out.flush()
}

/// A JSON POST over loopback, for the emulator's admin API; returns the status and body.
pub fn post_json(base: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let hostport = base.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(hostport)?;
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
