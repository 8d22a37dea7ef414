//! A run's progress as the caller's `onProgress` and the host's `ui.progress` see it.

use super::{contract, js};
use crate::sync::engine::{Phase, Retrying};
use crate::sync::ErrorCode;
use wasm_bindgen::{JsCast, JsValue};

/// What the host's progress bar says while a run waits to try again, in one sentence.
fn retry_label(r: &Retrying) -> String {
    let what = match r.code {
        ErrorCode::Quota => "Google's request limit is reached",
        ErrorCode::Network => "Google cannot be reached",
        ErrorCode::HostError => "The CRM did not answer",
        _ => "Google is unavailable",
    };
    format!(
        "{what} \u{2014} retrying in {} s, attempt {} of {}",
        r.wait_ms.div_ceil(1000),
        r.attempt,
        r.max_attempts
    )
}

/// `Progress.phase` in api.d.ts: what the plugin's pages and the host's bar show.
fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Starting => "starting",
        Phase::ReadingGoogle => "reading Google",
        Phase::ReadingCrm => "reading the CRM",
        Phase::CheckingGoogle => "checking Google",
        Phase::Writing => "writing",
        Phase::Retrying => "retrying",
        Phase::CreatingInGoogle => "creating in Google",
        Phase::UpdatingGoogle => "updating Google",
        Phase::DeletingInGoogle => "deleting in Google",
        Phase::AddingToGroup => "adding to the group",
        Phase::CreatingInCrm => "creating in the CRM",
        Phase::UpdatingCrm => "updating the CRM",
        Phase::DeletingInCrm => "deleting in the CRM",
    }
}

/// `Progress.retrying` in api.d.ts.
fn retrying_js(r: &Retrying) -> JsValue {
    let o = js::object();
    js::set(&o, "attempt", &JsValue::from(r.attempt));
    js::set(&o, "maxAttempts", &JsValue::from(r.max_attempts));
    js::set(&o, "waitMs", &JsValue::from(r.wait_ms as f64));
    js::set(&o, "at", &JsValue::from(r.at as f64));
    js::set(&o, "code", &JsValue::from_str(r.code.as_str()));
    js::set(&o, "message", &JsValue::from_str(&r.message));
    o
}

/// Where a run's progress goes: the caller's `onProgress` and the host's `ui.progress`. Both
/// carry the run's account (and whether it is a preview), so a host and the plugin's own pages,
/// in this tab and others, can follow the run.
pub(super) struct ProgressSink<'a> {
    pub ui: &'a JsValue,
    pub on_progress: &'a JsValue,
    pub account: &'a str,
    /// A preview writes nothing and logs no report: a page following it does not look for one.
    pub preview: bool,
    /// The run's stop, which the host shows as a Cancel button beside its bar.
    pub cancel: &'a JsValue,
}

impl ProgressSink<'_> {
    /// `Progress` to `onProgress`; `HostProgress` (the same with the bar's label and the
    /// Cancel) to the host.
    pub fn report(&self, done: usize, total: usize, phase: Phase, retrying: Option<&Retrying>) {
        let phase = phase_name(phase);
        let p = js::object();
        js::set(&p, "accountId", &JsValue::from_str(self.account));
        if self.preview {
            js::set(&p, "preview", &JsValue::TRUE);
        }
        js::set(&p, "done", &JsValue::from(done as u32));
        js::set(&p, "total", &JsValue::from(total as u32));
        js::set(&p, "phase", &JsValue::from_str(phase));
        let what = match retrying {
            Some(r) => {
                js::set(&p, "retrying", &retrying_js(r));
                retry_label(r)
            }
            None => phase.to_string(),
        };
        // The bar names the run: a host shows one bar for every account and tab.
        let verb = if self.preview {
            "Previewing"
        } else {
            "Syncing"
        };
        let label = format!("{verb} {} \u{2014} {what}", self.account);
        if self.on_progress.is_function() {
            let f: &js_sys::Function = self.on_progress.unchecked_ref();
            let _ = f.call1(&JsValue::NULL, &p);
        }
        let q: JsValue = js_sys::Object::assign(&js_sys::Object::new(), p.unchecked_ref()).into();
        js::set(&q, "label", &JsValue::from_str(&label));
        js::set(&q, "cancel", self.cancel);
        // A host's failing progress bar must not stop the run.
        let ui: &contract::Ui = self.ui.unchecked_ref();
        let _ = ui.progress(&q);
    }
}
