//! Small bridges to JS: property access, method calls, promises, timers, values in and out.

use super::Failure;
use js_sys::{Array, Function, JsString, Object, Promise, Reflect, JSON};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

pub fn set(obj: &JsValue, key: &str, value: &JsValue) {
    // Setting a property of a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// `globalThis`.
pub fn global() -> JsValue {
    js_sys::global().into()
}

pub fn object() -> JsValue {
    Object::new().into()
}

/// Calls `obj[name](...args)` with `obj` as `this`; `Err` when it is not a function or throws.
pub fn call(obj: &JsValue, name: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = get(obj, name)
        .dyn_into()
        .map_err(|_| JsValue::from_str(&format!("{name} is not a function")))?;
    let array = Array::new();
    for a in args {
        array.push(a);
    }
    Reflect::apply(&f, obj, &array)
}

/// Awaits a value that may be a promise (or a plain value, or a thenable).
pub async fn resolve(v: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(&v)).await
}

/// A host call's throw or rejection: its message, and the host's own code when it gave one
/// (`{ code: "UNAUTHENTICATED", … }`).
pub struct Rejection {
    pub message: String,
    pub code: Option<String>,
}

impl Rejection {
    pub fn of(e: &JsValue) -> Rejection {
        Rejection {
            message: message_of(e),
            code: get(e, "code").as_string(),
        }
    }
}

/// Awaits `v`, or fails with "no answer within …" after `ms`; a rejection keeps the host's code.
pub async fn within_coded(v: JsValue, ms: i32) -> Result<JsValue, Rejection> {
    let mut timer = JsValue::UNDEFINED;
    let timeout = Promise::new(&mut |_, reject| {
        let why: JsValue = js_sys::Error::new(&format!("no answer within {}", duration(ms))).into();
        let fire = reject.bind1(&JsValue::NULL, &why);
        timer = call(&global(), "setTimeout", &[&fire, &JsValue::from(ms)])
            .unwrap_or(JsValue::UNDEFINED);
    });
    let race = Promise::race(&Array::of2(&Promise::resolve(&v), &timeout));
    let out = JsFuture::from(race).await.map_err(|e| Rejection::of(&e));
    let _ = call(&global(), "clearTimeout", &[&timer]);
    out
}

/// A new `AbortController`, where the scope has one.
pub fn abort_controller() -> Option<JsValue> {
    let c = Reflect::get(&global(), &JsValue::from_str("AbortController")).ok()?;
    let c: &Function = c.dyn_ref()?;
    Reflect::construct(c, &Array::new()).ok()
}

/// How a wait of [`within_unless`] ended without an answer.
pub enum Ended {
    /// The promise rejected with this value (or the stop signal was aborted: its event).
    Rejected(JsValue),
    /// No answer within the time: "no answer within 60 s".
    TimedOut(String),
}

/// Awaits `v` for at most `ms`, and no longer than until `stop` (an `AbortSignal`, or
/// undefined for none) is aborted: a cancelled run stops waiting for an answer at once.
pub async fn within_unless(v: JsValue, ms: i32, stop: &JsValue) -> Result<JsValue, Ended> {
    let mut timer = JsValue::UNDEFINED;
    let too_long = format!("no answer within {}", duration(ms));
    let timeout = Promise::new(&mut |_, reject| {
        let why: JsValue = js_sys::Error::new(&too_long).into();
        let fire = reject.bind1(&JsValue::NULL, &why);
        timer = call(&global(), "setTimeout", &[&fire, &JsValue::from(ms)])
            .unwrap_or(JsValue::UNDEFINED);
    });
    let mut listener = JsValue::UNDEFINED;
    let stopped = Promise::new(&mut |_, reject| {
        if !stop.is_object() {
            return;
        }
        if get(stop, "aborted").as_bool() == Some(true) {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("cancelled"));
            return;
        }
        let _ = call(
            stop,
            "addEventListener",
            &[&JsValue::from_str("abort"), &reject],
        );
        listener = reject.clone().into();
    });
    let race = Promise::race(&Array::of3(&Promise::resolve(&v), &timeout, &stopped));
    let out = JsFuture::from(race).await;
    let _ = call(&global(), "clearTimeout", &[&timer]);
    if listener.is_function() {
        let _ = call(
            stop,
            "removeEventListener",
            &[&JsValue::from_str("abort"), &listener],
        );
    }
    out.map_err(|e| {
        if get(&e, "message").as_string().as_deref() == Some(too_long.as_str()) {
            Ended::TimedOut(too_long.clone())
        } else {
            Ended::Rejected(e)
        }
    })
}

/// "60 s", or "250 ms" under a second.
pub fn duration(ms: i32) -> String {
    if ms >= 1000 && ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

/// `typeof v`, for messages.
pub fn type_of(v: &JsValue) -> String {
    v.js_typeof().as_string().unwrap_or_default()
}

/// The message of a thrown value.
pub fn message_of(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    if let Some(s) = get(e, "message").as_string() {
        return s;
    }
    JsValue::as_string(
        &JSON::stringify(e)
            .map(JsValue::from)
            .unwrap_or(JsValue::NULL),
    )
    .unwrap_or_else(|| "unknown error".into())
}

/// NFC-normalized text: the core does no Unicode normalization in wasm, so every string from the
/// host or from Google passes through here once.
pub fn nfc(s: &JsString) -> String {
    String::from(s.normalize("NFC"))
}

/// A JS value as JSON data (`undefined` → `null`), its strings NFC-normalized: the same text
/// typed on two systems compares equal from here on. The message of why not when it is not
/// JSON data.
pub fn value_of(v: &JsValue) -> Result<Value, String> {
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    let mut value: Value = serde_wasm_bindgen::from_value(v.clone()).map_err(|e| e.to_string())?;
    nfc_strings(&mut value);
    Ok(value)
}

fn nfc_strings(v: &mut Value) {
    match v {
        // ASCII is already in every normal form: only the rest crosses to JS.
        Value::String(s) if !s.is_ascii() => *s = nfc(&JsString::from(s.as_str())),
        Value::Array(items) => items.iter_mut().for_each(nfc_strings),
        Value::Object(map) => map.values_mut().for_each(nfc_strings),
        _ => {}
    }
}

/// A value as a plain JS value: objects for maps and structs, numbers for 64-bit integers.
///
/// Each type becomes a [`Value`] first, so serde-wasm-bindgen's serializer is instantiated once
/// (for `Value`) rather than once per answer type; the per-type part is serde_json's, which the
/// storage format instantiates for most of these types anyway.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Failure> {
    let value = serde_json::to_value(value).map_err(|e| Failure::host(e.to_string()))?;
    js_of(&value)
}

fn js_of(value: &Value) -> Result<JsValue, Failure> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Failure::host(e.to_string()))
}

pub fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// Resolves after `ms` milliseconds (`setTimeout`).
pub async fn sleep(ms: i64) {
    let ms = ms.clamp(0, i32::MAX as i64) as i32;
    let p = Promise::new(&mut |resolve, _| {
        let _ = call(
            &js_sys::global(),
            "setTimeout",
            &[&resolve, &JsValue::from(ms)],
        );
    });
    let _ = JsFuture::from(p).await;
}

/// Whether this is a page's main thread (a `document`), not a worker: only there does a long
/// task freeze what the user sees.
pub fn on_main_thread() -> bool {
    !get(&global(), "document").is_undefined()
}

/// Gives the browser its turn: input, rendering and timers run before this resolves.
pub async fn yield_now() {
    sleep(0).await;
}

/// A random u64 from `crypto.getRandomValues`, or `Math.random` where there is no crypto.
pub fn random_u64() -> u64 {
    let buf = js_sys::Uint32Array::new_with_length(2);
    let crypto = get(&js_sys::global(), "crypto");
    if call(&crypto, "getRandomValues", &[&buf]).is_ok() {
        return (u64::from(buf.get_index(0)) << 32) | u64::from(buf.get_index(1));
    }
    let a = (js_sys::Math::random() * 4294967296.0) as u64;
    let b = (js_sys::Math::random() * 4294967296.0) as u64;
    (a << 32) | b
}
