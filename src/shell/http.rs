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

/// Sends one request; `Err` is a failure without a usable answer (network, deadline, a body too
/// large), with its message.
pub async fn send(
    host: &JsValue,
    method: &str,
    url: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
    timeout_ms: i32,
) -> Result<Answer, String> {
    // Aborts the fetch and the body's stream at the deadline; a proxy that ignores the signal
    // is raced against the same deadline.
    let signal = AbortSignal::timeout_with_u32(timeout_ms.max(1) as u32);
    let h = Headers::new();
    for (k, v) in headers {
        h.set(k, v);
    }
    let method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let builder = RequestBuilder::new(url)
        .method(method.clone())
        .headers(h)
        .abort_signal(Some(&signal));
    let req = match body {
        Some(b) => builder.body(b),
        None => builder.build(),
    }
    .map_err(|e| e.to_string())?;
    let deadline = js::now() + i64::from(timeout_ms);
    answer(host, req, deadline).await.map_err(|e| {
        if e.starts_with("no answer within") || signal.aborted() {
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

/// The answer, from the host's proxy `fetch` when it offers one, else from the browser's.
async fn fetched(host: &JsValue, req: Request, deadline: i64) -> Result<Response, String> {
    if !js::get(host, "fetch").is_function() {
        return req.send().await.map_err(|e| e.to_string());
    }
    let raw = web_sys::Request::from(req);
    let p = js::call(host, "fetch", &[&raw]).map_err(|e| js::message_of(&e))?;
    let raw: web_sys::Response = js::within(p, left(deadline))
        .await?
        .dyn_into()
        .map_err(|_| "fetch did not answer a Response".to_string())?;
    Ok(Response::from(raw))
}

async fn answer(host: &JsValue, req: Request, deadline: i64) -> Result<Answer, String> {
    let resp = fetched(host, req, deadline).await?;
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
    let body = read_body(&resp.into(), deadline).await?;
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
async fn read_body(resp: &web_sys::Response, deadline: i64) -> Result<String, String> {
    let stream = js::get(resp.as_ref(), "body");
    let reader = if stream.is_object() {
        js::call(&stream, "getReader", &[]).ok()
    } else {
        None
    };
    let Some(reader) = reader else {
        // No stream to read (a proxy's own Response type): the text at once, then the cap.
        let text = js::within(
            resp.text().map_err(|e| js::message_of(&e))?.into(),
            left(deadline),
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
        let chunk = js::within(p, left(deadline)).await?;
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
