//! HTTP through gloo-net: the request is a gloo-net [`Request`]; the host's proxy `fetch` (strict
//! CSPs) takes the `web_sys::Request` it wraps and answers a `web_sys::Response` that gloo-net's
//! [`Response`] wraps in turn. Every request has a deadline: an `AbortSignal` aborts it then, and
//! a proxy that ignores the signal is not waited for. An answer's body is read at most
//! [`MAX_BODY`] bytes far.

use super::js;
use gloo_net::http::{Headers, Method, Request, RequestBuilder, Response};
use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

/// The largest response body read: Google's largest answers (a page of 1,000 people with every
/// field) are a few megabytes.
pub const MAX_BODY: usize = 32 * 1024 * 1024;
/// How long one request may take, answer and body, by default.
pub const DEFAULT_TIMEOUT_MS: i32 = 60_000;

/// An HTTP answer, body NFC-normalized.
pub struct Answer {
    pub status: u16,
    pub retry_after_ms: Option<u64>,
    pub body: String,
}

/// What a request cancelled by its `stop` signal fails with.
pub const CANCELLED: &str = "cancelled";

/// Sends one request; `Err` is a failure without a usable answer (network, deadline, a body too
/// large, [`CANCELLED`]), with its message. `stop`: an `AbortSignal` (or undefined) that
/// aborts the request in flight, answer or body, when the run is cancelled.
pub async fn send(
    host: &JsValue,
    method: &str,
    url: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
    timeout_ms: i32,
    stop: &JsValue,
) -> Result<Answer, String> {
    // Aborts the fetch and the body's stream at the deadline or at the stop; a proxy that
    // ignores the signal is raced against both.
    let Some(controller) = js::abort_controller() else {
        return Err("this browser has no AbortController".into());
    };
    let signal: AbortSignal = js::get(&controller, "signal").unchecked_into();
    let abort: js_sys::Function = js::get(&controller, "abort").unchecked_into();
    let abort = abort.bind0(&controller);
    let timer = js::call(
        &js::global(),
        "setTimeout",
        &[&abort, &JsValue::from(timeout_ms.max(1))],
    )
    .unwrap_or(JsValue::UNDEFINED);
    let listens = stop.is_object();
    if listens {
        if js::get(stop, "aborted").as_bool() == Some(true) {
            let _ = abort.call0(&JsValue::NULL);
        }
        let _ = js::call(
            stop,
            "addEventListener",
            &[&JsValue::from_str("abort"), &abort],
        );
    }
    let out = send_signalled(
        host,
        Outgoing {
            method,
            url,
            body,
            headers,
        },
        timeout_ms,
        stop,
        &signal,
    )
    .await;
    let _ = js::call(&js::global(), "clearTimeout", &[&timer]);
    if listens {
        let _ = js::call(
            stop,
            "removeEventListener",
            &[&JsValue::from_str("abort"), &abort],
        );
    }
    out
}

/// Downloads `url` (a contact photo: a plain GET, no token), reading at most `max_bytes` of
/// its body; answers the status and the bytes read (a body over the cap is cut there, which the
/// caller sees as too large).
pub async fn download(
    host: &JsValue,
    url: &str,
    max_bytes: usize,
    timeout_ms: i32,
    stop: &JsValue,
) -> Result<(u16, Vec<u8>), String> {
    let Some(controller) = js::abort_controller() else {
        return Err("this browser has no AbortController".into());
    };
    let signal: AbortSignal = js::get(&controller, "signal").unchecked_into();
    let req = RequestBuilder::new(url)
        .method(Method::GET)
        .abort_signal(Some(&signal))
        .build()
        .map_err(|e| e.to_string())?;
    let deadline = js::now() + i64::from(timeout_ms);
    let resp = fetched(host, req, deadline, stop).await?;
    let status = resp.status();
    let raw: web_sys::Response = resp.into();
    let bytes = read_bytes(&raw, max_bytes + 1, deadline, stop).await;
    let _ = js::call(&controller, "abort", &[]);
    Ok((status, bytes?))
}

/// A request as [`send`] was given it.
struct Outgoing<'a> {
    method: &'a str,
    url: &'a str,
    body: Option<&'a str>,
    headers: &'a [(&'a str, &'a str)],
}

async fn send_signalled(
    host: &JsValue,
    req: Outgoing<'_>,
    timeout_ms: i32,
    stop: &JsValue,
    signal: &AbortSignal,
) -> Result<Answer, String> {
    let Outgoing {
        method,
        url,
        body,
        headers,
    } = req;
    let h = Headers::new();
    for (k, v) in headers {
        h.set(k, v);
    }
    let method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let builder = RequestBuilder::new(url)
        .method(method.clone())
        .headers(h)
        .abort_signal(Some(signal));
    let req = match body {
        Some(b) => builder.body(b),
        None => builder.build(),
    }
    .map_err(|e| e.to_string())?;
    let deadline = js::now() + i64::from(timeout_ms);
    answer(host, req, deadline, stop).await.map_err(|e| {
        if js::get(stop, "aborted").as_bool() == Some(true) {
            CANCELLED.to_string()
        } else if e.starts_with("no answer within") || signal.aborted() {
            format!(
                "{method} {url}: no answer within {}",
                js::duration(timeout_ms)
            )
        } else {
            e
        }
    })
}

/// What is left of the time until `deadline`, at least 1 ms.
fn left(deadline: i64) -> i32 {
    (deadline - js::now()).clamp(1, i64::from(i32::MAX)) as i32
}

/// Awaits `p` until the deadline or the stop.
async fn wait(p: JsValue, deadline: i64, stop: &JsValue) -> Result<JsValue, String> {
    js::within_unless(p, left(deadline), stop)
        .await
        .map_err(|e| match e {
            js::Ended::Rejected(e) => js::message_of(&e),
            js::Ended::TimedOut(m) => m,
        })
}

/// The answer, from the host's proxy `fetch` when it offers one, else from the browser's.
async fn fetched(
    host: &JsValue,
    req: Request,
    deadline: i64,
    stop: &JsValue,
) -> Result<Response, String> {
    if !js::get(host, "fetch").is_function() {
        let raw = web_sys::Request::from(req);
        let p = js::call(&js::global(), "fetch", &[&raw]).map_err(|e| js::message_of(&e))?;
        let raw: web_sys::Response = wait(p, deadline, stop)
            .await?
            .dyn_into()
            .map_err(|_| "fetch did not answer a Response".to_string())?;
        return Ok(Response::from(raw));
    }
    let raw = web_sys::Request::from(req);
    let p = js::call(host, "fetch", &[&raw]).map_err(|e| js::message_of(&e))?;
    let raw: web_sys::Response = wait(p, deadline, stop)
        .await?
        .dyn_into()
        .map_err(|_| "fetch did not answer a Response".to_string())?;
    Ok(Response::from(raw))
}

async fn answer(
    host: &JsValue,
    req: Request,
    deadline: i64,
    stop: &JsValue,
) -> Result<Answer, String> {
    let resp = fetched(host, req, deadline, stop).await?;
    let retry_after_ms = resp
        .headers()
        .get("Retry-After")
        .and_then(|v| retry_after(&v));
    let declared = resp
        .headers()
        .get("Content-Length")
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let status = resp.status();
    let body = read_body(&resp.into(), deadline, stop).await?;
    Ok(Answer {
        status,
        retry_after_ms,
        body,
    })
}

fn too_large() -> String {
    format!(
        "the answer's body is over {} MB, more than any People API answer the plugin asks for",
        MAX_BODY / (1024 * 1024)
    )
}

/// The body as text, read chunk by chunk so that an endless or huge body stops at the cap.
async fn read_body(
    resp: &web_sys::Response,
    deadline: i64,
    stop: &JsValue,
) -> Result<String, String> {
    let stream = js::get(resp.as_ref(), "body");
    let reader = if stream.is_object() {
        js::call(&stream, "getReader", &[]).ok()
    } else {
        None
    };
    let Some(reader) = reader else {
        // No stream to read (a proxy's own Response type): the text at once, then the cap.
        let text = wait(
            resp.text().map_err(|e| js::message_of(&e))?.into(),
            deadline,
            stop,
        )
        .await?;
        let text = text
            .dyn_ref::<js_sys::JsString>()
            .cloned()
            .unwrap_or_default();
        if text.length() as usize > MAX_BODY {
            return Err(too_large());
        }
        return Ok(js::nfc(&text));
    };
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        let p = js::call(&reader, "read", &[]).map_err(|e| js::message_of(&e))?;
        let chunk = wait(p, deadline, stop).await?;
        if js::get(&chunk, "done").as_bool() == Some(true) {
            break;
        }
        let value = Uint8Array::new(&js::get(&chunk, "value"));
        if bytes.len() + value.length() as usize > MAX_BODY {
            let _ = js::call(&reader, "cancel", &[]);
            return Err(too_large());
        }
        let at = bytes.len();
        bytes.resize(at + value.length() as usize, 0);
        value.copy_to(&mut bytes[at..]);
    }
    let text =
        String::from_utf8(bytes).map_err(|_| "the answer's body is not UTF-8".to_string())?;
    Ok(js::nfc(&js_sys::JsString::from(text)))
}

/// At most `cap` bytes of the body, read chunk by chunk.
async fn read_bytes(
    resp: &web_sys::Response,
    cap: usize,
    deadline: i64,
    stop: &JsValue,
) -> Result<Vec<u8>, String> {
    let stream = js::get(resp.as_ref(), "body");
    let Some(reader) = stream
        .is_object()
        .then(|| js::call(&stream, "getReader", &[]).ok())
        .flatten()
    else {
        let buf = resp.array_buffer().map_err(|e| js::message_of(&e))?;
        let buf = wait(buf.into(), deadline, stop).await?;
        let mut bytes = Uint8Array::new(&buf).to_vec();
        bytes.truncate(cap);
        return Ok(bytes);
    };
    let mut bytes: Vec<u8> = Vec::new();
    while bytes.len() < cap {
        let p = js::call(&reader, "read", &[]).map_err(|e| js::message_of(&e))?;
        let chunk = wait(p, deadline, stop).await?;
        if js::get(&chunk, "done").as_bool() == Some(true) {
            return Ok(bytes);
        }
        bytes.extend(Uint8Array::new(&js::get(&chunk, "value")).to_vec());
    }
    let _ = js::call(&reader, "cancel", &[]);
    bytes.truncate(cap);
    Ok(bytes)
}

/// `Retry-After`: delay-seconds or an HTTP date.
fn retry_after(v: &str) -> Option<u64> {
    if let Ok(s) = v.trim().parse::<u64>() {
        return Some(s.saturating_mul(1000));
    }
    let at = js_sys::Date::parse(v);
    if at.is_nan() {
        return None;
    }
    Some((at as i64 - js::now()).max(0) as u64)
}
