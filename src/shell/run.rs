//! Runs: the engine driven under the account's lock (its requests sent, its host calls made, its
//! journal and state saved), previews, the run log and backups.

use super::effects::Effects;
use super::plugin::{account_id, Meta, Plugin};
use super::progress::ProgressSink;
use super::stop::Stop;
use super::storage::{self, key};
use super::{host, js, lock, Failure, Result};
use crate::people::request::ListConnections;
use crate::people::time::format_rfc3339;
use crate::store;
use crate::store::Loaded;
use crate::sync::engine::{
    drive, Engine, Mode, RunReport, RunRequest, RunResult, RunSetup, Trigger,
};
use crate::sync::plan::{Decisions, Plan, Rejection, Scope};
use crate::sync::ErrorCode;
use gcontacts_sync_core::json_struct;
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// A run under way, listed for `cancel` while it lasts.
struct Running {
    plugin: Plugin,
    cancel: Rc<Stop>,
}

impl Running {
    fn new(plugin: &Plugin, id: &str) -> Running {
        let cancel = Rc::new(Stop::new());
        plugin
            .inner
            .running
            .borrow_mut()
            .push((id.to_string(), cancel.clone()));
        Running {
            plugin: plugin.clone(),
            cancel,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.plugin
            .inner
            .running
            .borrow_mut()
            .retain(|(_, c)| !Rc::ptr_eq(c, &self.cancel));
    }
}

impl Plugin {
    /// Runs the engine for one account under its lock, through the core's driver. `Ok` carries
    /// the result even when the run met errors (a state that could not be saved among them); an
    /// auth failure is a `Failure` (after the run is logged).
    async fn run(
        &self,
        account: &str,
        request: RunRequest,
        on_progress: &JsValue,
    ) -> Result<RunResult> {
        // Listed from the start: a cancel while the run reads its settings or waits for the
        // lock ends it there.
        let running = Running::new(self, &account_id(account));
        let started = js::now();
        let email = self.known(account).await?;
        let id = account_id(&email);
        let settings = self.settings(&id).await?;
        if !settings.enabled {
            return Err(Failure::new(
                ErrorCode::Disabled,
                format!("sync is turned off for {email}"),
            ));
        }
        self.token(&id).await?;
        let preview = request.mode == Mode::Preview;
        let Some(lock) = lock::acquire_unless(self.host(), &id, running.cancel.flag()).await?
        else {
            // Cancelled before it held the lock: it read nothing under it and writes nothing,
            // not even to the run log.
            let mut report = RunReport::new(id, request.trigger, started);
            report.cancelled = true;
            report.finished_at = format_rfc3339(js::now());
            return Ok(RunResult {
                state: Default::default(),
                report,
                plan: None,
                touched: Default::default(),
                replanner: None,
                undo: None,
            });
        };
        // Confirming held deletions changes nothing here: the engine decides how it lists
        // (`engine::lists_google_in_full`).
        let Loaded { state, stored, .. } = self.inner.kept.load(self.host(), &id).await?;
        let journal_key = key(&id, "journal");
        let journal = match preview {
            true => None,
            false => match storage::get(self.host(), &journal_key).await? {
                None => None,
                Some(text) => Some(
                    store::unwrap(&journal_key, &text)
                        .map_err(storage::unreadable)?
                        .to_string(),
                ),
            },
        };
        // An undo names its run; its images are read here, under the lock.
        let mut request = request;
        if let Some(undo) = request.undo.as_mut() {
            *undo = storage::load_undo(self.host(), &id, &undo.run).await?;
        }
        let config = request.config(RunSetup {
            instance_id: self.inner.instance_id.clone(),
            people_api_base: self.inner.api.base_url().to_string(),
            seed: js::random_u64(),
            account_id: id.clone(),
            crm_change_feed: host::has_change_feed(self.host()),
            capabilities: host::capabilities(self.host())?,
            patience: None,
            google_max_contacts: self.inner.google_max_contacts,
        });
        let undo_keep = settings.undo_keep();
        let engine = Engine::new(state, settings, journal.as_deref(), config, js::now());
        let ui = js::get(self.host(), "ui");
        // The host shows it as a Cancel button beside its progress bar.
        let stop = running.cancel.clone();
        let cancel = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || stop.stop());
        let mut io = Effects {
            plugin: self,
            account: &id,
            lock: &lock,
            cancel: &running.cancel,
            signal: running.cancel.signal(),
            progress: ProgressSink {
                ui: &ui,
                on_progress,
                account: &id,
                preview,
                cancel: cancel.as_ref(),
            },
            stored,
            undo_keep,
            slices: js::on_main_thread(),
            slice_start: js::now(),
        };
        let result = drive(engine, &mut io).await;
        let _ = js::call(&ui, "progress", &[&JsValue::NULL]);
        let Some(result) = result else {
            return Err(lock::taken());
        };
        drop(running);
        lock.release().await;
        if let Some(e) = result
            .report
            .errors
            .iter()
            .find(|e| e.code == ErrorCode::AuthFailed)
        {
            self.forget_token(&id);
            return Err(Failure::new(ErrorCode::AuthFailed, e.message.clone()));
        }
        if preview && result.plan.is_none() {
            let e = result.report.errors.first();
            return Err(Failure::new(
                e.map_or(ErrorCode::GoogleError, |e| e.code),
                e.map_or_else(
                    || "the preview could not be made".into(),
                    |e| e.message.clone(),
                ),
            ));
        }
        Ok(result)
    }

    /// The plan of a run that would happen now. What it planned from is kept for [`replan`].
    ///
    /// [`replan`]: Plugin::replan
    pub async fn preview(
        &self,
        account: &str,
        scope: Scope,
        undo: Option<crate::sync::plan::RunUndo>,
    ) -> Result<Plan> {
        let request = RunRequest {
            undo,
            ..RunRequest::preview(scope)
        };
        let mut r = self.run(account, request, &JsValue::UNDEFINED).await?;
        let mut previews = self.inner.previews.borrow_mut();
        match r.replanner.take() {
            Some(replanner) => previews.insert(r.report.account_id.clone(), replanner),
            None => previews.remove(&r.report.account_id),
        };
        r.plan
            .ok_or_else(|| Failure::new(ErrorCode::GoogleError, "the preview could not be made"))
    }

    /// The account's last preview planned again with `decisions`, from what it read: nothing
    /// is read or written. Decisions that name nothing in it fail with `INVALID_INPUT`; without
    /// a preview kept (another tab's, or a run since), `PLAN_CHANGED`: preview again.
    pub async fn replan(&self, account: &str, decisions: Decisions) -> Result<Plan> {
        let email = self.known(account).await?;
        let previews = self.inner.previews.borrow();
        let replanner = previews.get(&account_id(&email)).ok_or_else(|| {
            Failure::new(
                ErrorCode::PlanChanged,
                "this preview is no longer current: preview again",
            )
        })?;
        let plan = replanner.plan(&decisions);
        if !plan.rejected.is_empty() {
            return Err(Failure::new(
                ErrorCode::InvalidInput,
                Rejection::message(&plan.rejected),
            ));
        }
        Ok(plan)
    }

    /// The report of a run. A run that applies a preview ([`RunRequest::applies_preview`])
    /// and whose decisions name nothing in its plan fails with `INVALID_INPUT` before anything
    /// is written; with the previewed plan's `fingerprint`, a plan that differs fails it with
    /// `PLAN_CHANGED`, before anything is written too.
    pub async fn sync(
        &self,
        account: &str,
        request: RunRequest,
        on_progress: &JsValue,
    ) -> Result<RunReport> {
        let decided = request.applies_preview();
        let r = self.run(account, request, on_progress).await?;
        // A run stopped before its plan by decisions it could not apply, or by a plan other
        // than the one previewed, wrote nothing: the caller hears of it as of any input it
        // gave that is not valid.
        let refused = decided && r.plan.is_none();
        if let Some(e) =
            r.report.errors.iter().find(|e| {
                refused && matches!(e.code, ErrorCode::InvalidInput | ErrorCode::PlanChanged)
            })
        {
            return Err(Failure::new(e.code, e.message.clone()));
        }
        Ok(r.report)
    }

    /// The chosen contacts, both ways, in every enabled account: a report for each.
    pub async fn sync_selected(
        &self,
        ids: Vec<String>,
        trigger: Trigger,
    ) -> Result<Vec<RunReport>> {
        let mut out = Vec::new();
        for email in self.emails().await? {
            let id = account_id(&email);
            if !self.settings(&id).await?.enabled {
                continue;
            }
            let request = RunRequest::sync(Scope::Contacts { ids: ids.clone() }).by(trigger);
            let report = self.sync(&id, request, &JsValue::UNDEFINED).await?;
            let cancelled = report.cancelled;
            out.push(report);
            if cancelled {
                // The user stopped the action, not only this account's part of it.
                break;
            }
        }
        if out.is_empty() {
            return Err(Failure::new(
                ErrorCode::NotConnected,
                "connect a Google account (and turn its sync on) first",
            ));
        }
        Ok(out)
    }

    /// Forgets links, sync token, cache and journal; the next run matches again (by the link
    /// tags first), so nothing is duplicated.
    pub async fn reset_sync_data(&self, account: &str) -> Result<()> {
        let email = self.known_or_named(account).await?;
        let id = account_id(&email);
        let lock = lock::acquire(self.host(), &id).await?;
        // An account list that cannot be read is rebuilt naming this account, or the reset
        // would report success while every run still fails on the list.
        self.relist(&email).await?;
        // Deleted unread, so a state in any condition can be reset. The target group is found
        // again by its name.
        self.inner.kept.forget(&id);
        let mut keys = store::state_keys(&id);
        let header = storage::get(self.host(), &key(&id, "state")).await?;
        keys.extend(store::piece_keys(&id, header.as_deref()));
        keys.push(store::stamp_key(&id));
        keys.push(key(&id, "journal"));
        // The history goes too, as the Reset dialog tells the user: its reports speak of links
        // that no longer exist.
        keys.push(key(&id, "runs"));
        // Settings that cannot be read go too: they would block the account with no other way
        // out. Readable ones are kept.
        if matches!(self.settings(&id).await, Err(f) if f.code == ErrorCode::InvalidState) {
            keys.push(key(&id, "settings"));
        }
        storage::remove_all(self.host(), &keys).await?;
        let meta = Meta {
            links: 0,
            ..self.meta(&id).await.unwrap_or_default()
        };
        storage::set_json(self.host(), &key(&id, "meta"), &meta).await?;
        lock.release().await;
        Ok(())
    }

    /// `RunReport[]`, newest first.
    pub async fn runs(&self, account: &str) -> Result<Vec<serde_json::Value>> {
        let id = account_id(&self.known(account).await?);
        storage::runs(self.host(), &id).await
    }

    /// Both sides in scope and the link table, as JSON text.
    pub async fn backup(&self, account: &str) -> Result<String> {
        let email = self.known(account).await?;
        let id = account_id(&email);
        let settings = self.settings(&id).await?;
        let mut crm = Vec::new();
        let mut page: Option<String> = None;
        loop {
            let p = host::list_page(
                self.host(),
                settings.crm_view_id.as_deref(),
                page.as_deref(),
                1000,
                self.inner.host_timeout_ms,
            )
            .await
            .map_err(Failure::host)?;
            crm.extend(p.items);
            match p.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => page = Some(t),
                None => break,
            }
        }
        json_struct! {
            struct Page {
                connections: Vec<serde_json::Value> = "connections" [default],
                next_page_token: Option<String> = "nextPageToken",
            }
        }
        let mut google = Vec::new();
        let mut q = ListConnections {
            request_sync_token: false,
            ..ListConnections::default()
        };
        loop {
            let req = self.inner.api.list_connections(&q);
            let page: Page = self.google_json(&id, &req).await?;
            google.extend(page.connections);
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => q.page_token = Some(t),
                None => break,
            }
        }
        let state = storage::load_state(self.host(), &id).await?.state;
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Backup<'a> {
            account: &'a str,
            taken_at: String,
            crm: Vec<serde_json::Value>,
            google: Vec<serde_json::Value>,
            links: Vec<&'a crate::sync::state::Link>,
        }
        let b = Backup {
            account: &email,
            taken_at: format_rfc3339(js::now()),
            crm,
            google,
            links: state.links.values().collect(),
        };
        serde_json::to_string(&b).map_err(|e| Failure::new(ErrorCode::InvalidState, e.to_string()))
    }
}
