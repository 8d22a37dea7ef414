//! The effects of a run in the browser: the [`Io`] the core's one driver
//! ([`drive`](crate::sync::engine::drive)) runs the engine through. Requests go to Google with
//! the account's token, host calls to the host contract, the journal, state, run log and summary
//! to host storage, waits to `setTimeout`; a write stops once another tab took the account over.

use super::lock::Held;
use super::plugin::{Meta, Plugin};
use super::progress::ProgressSink;
use super::stop::Stop;
use super::storage::{self, key};
use super::{host, js, Failure};
use crate::dto::ReportDto;
use crate::people::request::HttpRequest;
use crate::store::{self, Stored};
use crate::sync::engine::{Action, CrmCall, EndWrite, Input, Io, Progress, WriteFailed};
use crate::sync::model::Millis;
use wasm_bindgen::JsValue;

/// The longest a wait for a retry sleeps before it looks for a cancel request.
const CANCEL_CHECK_MS: i64 = 200;

/// How long the driver loop runs on a page's main thread before it yields to the browser: under
/// the 50 ms a task may take before the page feels stuck.
const SLICE_MS: i64 = 30;

/// One run's effects, for one account under its lock.
pub(super) struct Effects<'a> {
    pub plugin: &'a Plugin,
    pub account: &'a str,
    pub lock: &'a Held,
    pub cancel: &'a Stop,
    /// The run's stop as an `AbortSignal`-like value for `fetch` and host calls.
    pub signal: JsValue,
    pub progress: ProgressSink<'a>,
    /// What storage holds of the account's state: a save writes only what changed.
    pub stored: Stored,
    /// How much the account keeps to undo runs (its settings).
    pub undo_keep: crate::sync::settings::UndoKeep,
    /// On a page's main thread the loop yields now and then, so the page keeps answering the
    /// user: a host that answers at once settles its promises as microtasks, within one task.
    /// In a worker nothing waits for it.
    pub slices: bool,
    pub slice_start: Millis,
}

impl From<Failure> for WriteFailed {
    fn from(f: Failure) -> WriteFailed {
        WriteFailed {
            message: f.message,
            host_code: f.host_code,
        }
    }
}

/// Whether an action writes, to Google or to the CRM.
fn writes(action: &Action) -> bool {
    match action {
        Action::Http(req) => req.wire().method != "GET",
        Action::Crm(call) => matches!(
            call,
            CrmCall::Create { .. }
                | CrmCall::Update { .. }
                | CrmCall::Remove { .. }
                | CrmCall::Restore { .. }
                | CrmCall::SetPhotos { .. }
        ),
        _ => false,
    }
}

impl Io for Effects<'_> {
    fn now(&mut self) -> Millis {
        js::now()
    }

    fn cancel_requested(&mut self) -> bool {
        self.cancel.is_set()
    }

    async fn proceed(&mut self, action: &Action) -> bool {
        if self.slices && js::now() - self.slice_start > SLICE_MS {
            js::yield_now().await;
            self.slice_start = js::now();
        }
        // Another tab took the account over: stop before writing, as a closed tab would, and
        // leave the state and the journal to the tab that holds it.
        !(writes(action) && self.lock.lost().await)
    }

    async fn google(&mut self, request: HttpRequest) -> Input {
        match self
            .plugin
            .google(self.account, &request, &self.signal)
            .await
        {
            Ok(a) => Input::Http {
                status: a.status,
                retry_after_ms: a.retry_after_ms,
                body: a.body,
            },
            // Aborted by Cancel: whether Google made it is unknown.
            Err(_) if self.cancel.is_set() => Input::Cancelled,
            Err(message) => Input::HttpFailed { message },
        }
    }

    async fn download(&mut self, url: &str, max_bytes: usize) -> Input {
        let timeout = self.plugin.inner.request_timeout_ms;
        match super::http::download(self.plugin.host(), url, max_bytes, timeout, &self.signal).await
        {
            Ok((status, bytes)) => Input::Downloaded { status, bytes },
            Err(_) if self.cancel.is_set() => Input::Cancelled,
            Err(message) => Input::HttpFailed { message },
        }
    }

    async fn crm(&mut self, call: CrmCall) -> Input {
        let timeout = self.plugin.inner.host_timeout_ms;
        host::crm(self.plugin.host(), &call, timeout, &self.signal).await
    }

    async fn write_journal(&mut self, text: &str) -> Result<(), WriteFailed> {
        let k = key(self.account, "journal");
        Ok(storage::set(self.plugin.host(), &k, &store::wrap(text)).await?)
    }

    async fn sleep_until(&mut self, until: Millis) {
        // In short steps, so a cancel need not wait for the retry.
        while !self.cancel.is_set() && js::now() < until {
            js::sleep((until - js::now()).min(CANCEL_CHECK_MS)).await;
        }
    }

    fn progress(&mut self, p: Progress<'_>) {
        self.progress.report(p.done, p.total, p.phase, p.retrying);
    }

    async fn write(&mut self, write: EndWrite<'_>) -> Result<(), WriteFailed> {
        let host = self.plugin.host();
        match write {
            EndWrite::State { state, touched } => {
                let account = self.account;
                storage::save_state(host, account, state, &mut self.stored, Some(touched)).await?;
                // Storage holds it now: the next run starts from it.
                let state = std::mem::take(state);
                self.plugin
                    .inner
                    .kept
                    .keep(account, state, self.stored.clone());
            }
            EndWrite::ClearJournal => {
                storage::remove(host, &key(self.account, "journal")).await?;
            }
            EndWrite::Undo(undo) => {
                storage::keep_undo(host, self.account, undo, self.undo_keep).await?;
            }
            EndWrite::Log(report) => {
                storage::append_run(host, self.account, &ReportDto::from(report)).await?;
            }
            EndWrite::Meta { links } => {
                let meta = Meta {
                    last_run_at: Some(js::now()),
                    links,
                };
                storage::set_json(host, &key(self.account, "meta"), &meta).await?;
            }
        }
        Ok(())
    }
}
