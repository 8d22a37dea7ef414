//! One tab syncs an account at a time: a Web Lock per account, requested with `ifAvailable` so a
//! second tab gets BUSY at once instead of queueing a duplicate run.

use super::{js, Failure, Result};
use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// A held lock, released when dropped; [`Held::release`] also waits until the browser has let
/// it go, so the next run in this tab finds it free.
pub struct Held {
    release: Option<Function>,
    /// `navigator.locks.request`'s promise: it settles once the lock is released.
    request: Option<JsValue>,
}

impl Held {
    fn none() -> Held {
        Held {
            release: None,
            request: None,
        }
    }

    pub async fn release(mut self) {
        if let Some(r) = self.release.take() {
            let _ = r.call0(&JsValue::NULL);
        }
        if let Some(p) = self.request.take() {
            let _ = js::resolve(p).await;
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(r) = self.release.take() {
            let _ = r.call0(&JsValue::NULL);
        }
    }
}

/// Takes the lock `name`, or fails with BUSY when another tab holds it. Where the browser has
/// no `navigator.locks` the run goes on unlocked.
pub async fn acquire(name: &str) -> Result<Held> {
    let locks = js::get(&js::get(&js::global(), "navigator"), "locks");
    if !locks.is_object() {
        return Ok(Held::none());
    }
    let mut release = None;
    let hold = Promise::new(&mut |resolve, _| release = Some(resolve));
    let mut granted = None;
    let answered = Promise::new(&mut |resolve, _| granted = Some(resolve));
    // Invariant: a Promise executor runs synchronously, so both are set.
    let (Some(release), Some(granted)) = (release, granted) else {
        return Ok(Held::none());
    };
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let ok = !lock.is_null() && !lock.is_undefined();
        let _ = granted.call1(&JsValue::NULL, &JsValue::from_bool(ok));
        if ok {
            hold.into()
        } else {
            JsValue::UNDEFINED
        }
    });
    let options = js::object();
    js::set(&options, "ifAvailable", &JsValue::TRUE);
    let request = match js::call(
        &locks,
        "request",
        &[&JsValue::from_str(name), &options, &callback],
    ) {
        Ok(p) => p,
        Err(_) => return Ok(Held::none()),
    };
    let ok = JsFuture::from(answered)
        .await
        .ok()
        .and_then(|v| v.as_bool());
    if ok == Some(true) {
        Ok(Held {
            release: Some(release),
            request: Some(request),
        })
    } else {
        Err(Failure::new(
            "BUSY",
            "another tab is syncing this account; try again when it is done",
        ))
    }
}
