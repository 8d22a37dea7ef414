//! `fetch`: the host's proxy when it offers one (strict CSPs), else the global one.

use super::js;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Headers, Request, RequestInit, Response};

/// An HTTP answer, body NFC-normalized.
pub struct Answer {
    pub status: u16,
    pub retry_after_ms: Option<u64>,
    pub body: String,
}

/// Sends one request; `Err` is a network failure (no answer), with its message.
pub async fn send(
    host: &JsValue,
    method: &str,
    url: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Result<Answer, String> {
    let init = RequestInit::new();
    init.set_method(method);
    let h = Headers::new().map_err(|e| js::message_of(&e))?;
    for (k, v) in headers {
        h.set(k, v).map_err(|e| js::message_of(&e))?;
    }
    init.set_headers(&h);
    if let Some(b) = body {
        init.set_body(&JsValue::from_str(b));
    }
    let req = Request::new_with_str_and_init(url, &init).map_err(|e| js::message_of(&e))?;
    let target = if js::get(host, "fetch").is_function() {
        host.clone()
    } else {
        js::global()
    };
    let resp = js::call_async(&target, "fetch", &[&req]).await?;
    let resp: Response = resp
        .dyn_into()
        .map_err(|_| "fetch did not answer a Response".to_string())?;
    let retry_after_ms = resp
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| retry_after(&v));
    let text = resp.text().map_err(|e| js::message_of(&e))?;
    let text = js::resolve(text.into())
        .await
        .map_err(|e| js::message_of(&e))?;
    let body = match text.dyn_ref::<js_sys::JsString>() {
        Some(s) => js::nfc(s),
        None => String::new(),
    };
    Ok(Answer {
        status: resp.status(),
        retry_after_ms,
        body,
    })
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
