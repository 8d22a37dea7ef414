//! Every `#[wasm_bindgen]` item lives here: the `GoogleContactsSync` class (the plugin's JS API),
//! its TypeScript types (api.d.ts, emitted as is) and its errors.
//!
//! The bindings convert and call: a JS argument becomes JSON data (`shell::js::value_of`), then
//! a DTO or a core type through [`crate::json`]; an answer is a [`crate::dto`] value made a
//! plain JS object (`shell::js::to_js`). Errors are `Error`s with a stable `code` (and `status`,
//! `contact` when known), built in [`error`] only.

use crate::dto::{PlanDto, ReportDto};
use crate::json::FromJson;
use crate::shell::{js, Failure, Options, Plugin};
use crate::sync::engine::{RunReport, RunRequest, Trigger};
use crate::sync::plan::{Decisions, Scope};
use crate::sync::ErrorCode;
use js_sys::Promise;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen(typescript_custom_section)]
const API_TS: &str = include_str!("api.d.ts");

/// The plugin's version, as in Cargo.toml and plugin-manifest.json.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The JS `Error` for a failure: the one place errors are built.
fn error(f: Failure) -> JsValue {
    let e: JsValue = js_sys::Error::new(&f.message).into();
    js::set(&e, "code", &JsValue::from_str(f.code.as_str()));
    if let Some(s) = f.status {
        js::set(&e, "status", &JsValue::from(s));
    }
    if let Some(c) = &f.contact {
        js::set(&e, "contact", &JsValue::from_str(c));
    }
    e
}

type Answer = Pin<Box<dyn Future<Output = Result<JsValue, Failure>>>>;

/// The one promise adapter: each method boxes its future and makes its answer a JS value.
fn promise<F>(f: F) -> Promise
where
    F: Future<Output = Result<JsValue, Failure>> + 'static,
{
    boxed(Box::pin(f))
}

fn boxed(f: Answer) -> Promise {
    future_to_promise(async move { f.await.map_err(error) })
}

fn invalid(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure::new(ErrorCode::InvalidInput, format!("{what}: {e}"))
}

/// Reads a JS argument; `undefined` and `null` are `default`.
fn read<T: FromJson>(what: &str, v: &JsValue, default: T) -> Result<T, Failure> {
    if v.is_undefined() || v.is_null() {
        return Ok(default);
    }
    T::from_json(js::value_of(v).map_err(|e| invalid(what, e))?).map_err(|e| invalid(what, e))
}

/// `RunReport[]`.
fn reports(reports: Vec<RunReport>) -> Result<JsValue, Failure> {
    let dtos: Vec<ReportDto> = reports.iter().map(ReportDto::from).collect();
    js::to_js(&dtos)
}

fn account(v: &JsValue) -> Result<String, Failure> {
    v.as_string()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("accountId", "expected a non-empty string"))
}

/// Two-way sync between the host CRM's contacts and the Google Contacts of one or more Google
/// accounts. Create it with `GoogleContactsSync.create(host, options)`.
#[wasm_bindgen]
pub struct GoogleContactsSync {
    plugin: Plugin,
}

macro_rules! with_account {
    ($self:ident, $id:ident, |$acct:ident, $p:ident| $body:expr) => {{
        let $p = $self.plugin.clone();
        let acct = account(&$id);
        async move {
            let $acct = acct?;
            $body
        }
    }};
}

#[wasm_bindgen]
impl GoogleContactsSync {
    /// Checks the host (`apiVersion` 1, `instanceId`, `contacts`, `storage`, `ui`) and makes
    /// the plugin. `options` sets the People API base URL and the OAuth endpoints (defaults:
    /// Google's).
    ///
    /// @throws {SyncError} INVALID_INPUT when the host or the options are not usable.
    #[wasm_bindgen(unchecked_return_type = "Promise<GoogleContactsSync>")]
    pub fn create(
        #[wasm_bindgen(unchecked_param_type = "CrmHost")] host: JsValue,
        #[wasm_bindgen(unchecked_param_type = "GoogleContactsSyncOptions | undefined")]
        options: JsValue,
    ) -> Promise {
        promise(async move {
            let options: Options = read("options", &options, Options::default())?;
            let plugin = Plugin::create(host, options).await?;
            Ok(GoogleContactsSync { plugin }.into())
        })
    }

    /// The connected Google accounts, with whether each holds a live token and its last run.
    /// An account whose stored values cannot be read lists them in `unreadable`.
    ///
    /// @throws {SyncError} INVALID_STATE naming `gcs:accounts` when the account list itself cannot
    /// be read: `connect` replaces it.
    #[wasm_bindgen(unchecked_return_type = "Promise<AccountInfo[]>")]
    pub fn accounts(&self) -> Promise {
        let p = self.plugin.clone();
        promise(async move { js::to_js(&p.accounts().await?) })
    }

    /// Signs in to Google (the host's token, Google Identity Services, or the built-in popup)
    /// and adds the account. Call it from a user gesture: it may open a window.
    ///
    /// An account list that cannot be read is replaced by one naming this account; the other
    /// accounts' data stays stored, and connecting them again brings it back.
    ///
    /// @throws {SyncError} AUTH_CANCELLED when the user closed or refused the sign-in;
    /// AUTH_FAILED when Google or the host gave no token.
    #[wasm_bindgen(unchecked_return_type = "Promise<AccountInfo>")]
    pub fn connect(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConnectOptions | undefined")] options: JsValue,
    ) -> Promise {
        let p = self.plugin.clone();
        let hint = js::get(&options, "loginHint").as_string();
        promise(async move { js::to_js(&p.connect(hint).await?) })
    }

    /// Signs in again for an account whose token expired ("Reconnect").
    #[wasm_bindgen(unchecked_return_type = "Promise<AccountInfo>")]
    pub fn reconnect(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
    ) -> Promise {
        promise(with_account!(self, account_id, |a, p| p
            .reconnect(&a)
            .await
            .and_then(|i| js::to_js(&i))))
    }

    /// Revokes the account's Google access and forgets its links, settings and run log, whatever
    /// they hold (even when they cannot be read). Its contacts stay on both sides. Answers
    /// whether Google confirmed the revoke; when it did not, `message` tells the user how to
    /// remove the access by hand.
    ///
    /// @throws {SyncError} BUSY when another tab is syncing the account.
    #[wasm_bindgen(unchecked_return_type = "Promise<DisconnectResult>")]
    pub fn disconnect(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
    ) -> Promise {
        promise(with_account!(self, account_id, |a, p| p
            .disconnect(&a)
            .await
            .and_then(|d| js::to_js(&d))))
    }

    /// The account's settings.
    #[wasm_bindgen(js_name = getSettings, unchecked_return_type = "Promise<Settings>")]
    pub fn get_settings(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
    ) -> Promise {
        promise(with_account!(self, account_id, |a, p| p
            .get_settings(&a)
            .await
            .and_then(|s| js::to_js(&s))))
    }

    /// Changes some of the account's settings and answers all of them. Stored settings that
    /// cannot be read are replaced: the change applies over the defaults.
    ///
    /// @throws {SyncError} INVALID_INPUT naming the setting that is not valid (for example an
    /// `intervalMinutes` under 5 or a `defaultRegion` that is not two letters); BUSY when another
    /// tab is syncing the account.
    #[wasm_bindgen(js_name = setSettings, unchecked_return_type = "Promise<Settings>")]
    pub fn set_settings(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Partial<Settings>")] settings: JsValue,
    ) -> Promise {
        let given = js::value_of(&settings).map_err(|e| invalid("settings", e));
        promise(with_account!(self, account_id, |a, p| p
            .set_settings(&a, &given?)
            .await
            .and_then(|s| js::to_js(&s))))
    }

    /// The account's Google contact groups, for choosing source and target groups.
    #[wasm_bindgen(js_name = googleGroups, unchecked_return_type = "Promise<GoogleGroup[]>")]
    pub fn google_groups(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
    ) -> Promise {
        promise(with_account!(self, account_id, |a, p| p
            .google_groups(&a)
            .await
            .and_then(|g| js::to_js(&g))))
    }

    /// What a run would do now, without doing it: each operation with its field diffs, the
    /// conflicts, the ambiguous matches and the held deletions, and the plan as text.
    #[wasm_bindgen(unchecked_return_type = "Promise<Plan>")]
    pub fn preview(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SyncScope | undefined")] scope: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PreviewOptions | undefined")] options: JsValue,
    ) -> Promise {
        let scope = read("scope", &scope, Scope::All);
        let undo = undo_of(&options);
        promise(with_account!(self, account_id, |a, p| p
            .preview(&a, scope?, undo)
            .await
            .and_then(|plan| js::to_js(&PlanDto::from(&plan)))))
    }

    /// The account's last preview (made in this instance) planned again with the user's
    /// decisions, from what it read: nothing is read or written, so each choice in the preview
    /// shows at once what Apply will do. Pass the answer's `fingerprint` to `sync` with the
    /// same decisions.
    ///
    /// @throws {SyncError} INVALID_INPUT when a decision names nothing in the preview;
    /// PLAN_CHANGED when no preview of the account is kept here (preview again).
    #[wasm_bindgen(unchecked_return_type = "Promise<Plan>")]
    pub fn replan(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Decisions | undefined")] decisions: JsValue,
    ) -> Promise {
        let decisions = read("decisions", &decisions, Decisions::default());
        promise(with_account!(self, account_id, |a, p| p
            .replan(&a, decisions?)
            .await
            .and_then(|plan| js::to_js(&PlanDto::from(&plan)))))
    }

    /// Runs a sync now ("Sync now", "Send all filtered contacts to Google", "Fetch all Google
    /// contacts") and answers its report. Errors of single contacts are in the report.
    ///
    /// @throws {SyncError} AUTH_FAILED when the token is gone (show "Reconnect"); BUSY when
    /// another tab is syncing the account (or took it over during the run); DISABLED when its
    /// sync is off; INVALID_STATE naming the stored key that cannot be read ("Reset sync data"
    /// clears it). A state, journal or log that could not be saved makes the report's `ok`
    /// false, with the error in `errors`.
    #[wasm_bindgen(unchecked_return_type = "Promise<RunReport>")]
    pub fn sync(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SyncScope | undefined")] scope: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SyncOptions | undefined")] options: JsValue,
    ) -> Promise {
        let scope = read("scope", &scope, Scope::All);
        let confirm = js::get(&options, "confirmDeletions").as_bool() == Some(true);
        let on_progress = js::get(&options, "onProgress");
        let from_preview = js::get(&options, "fromPreview").as_bool() == Some(true);
        let decisions = read(
            "options.decisions",
            &js::get(&options, "decisions"),
            Decisions::default(),
        );
        let fingerprint = js::get(&options, "fingerprint").as_string();
        let undo = undo_of(&options);
        let request = move |scope: Scope, decisions| {
            let request = RunRequest {
                confirm_deletions: confirm,
                decisions,
                fingerprint,
                undo,
                ..RunRequest::sync(scope)
            };
            match from_preview {
                true => request.by(Trigger::Apply),
                false => request,
            }
        };
        promise(with_account!(self, account_id, |a, p| p
            .sync(&a, request(scope?, decisions?), &on_progress)
            .await
            .and_then(|r| js::to_js(&ReportDto::from(&r)))))
    }

    /// The "Sync Contact(s)" bulk action: these CRM contacts, both ways, in every enabled
    /// account.
    ///
    /// @throws {SyncError} NOT_CONNECTED when no account is connected and enabled.
    #[wasm_bindgen(js_name = syncSelected, unchecked_return_type = "Promise<RunReport[]>")]
    pub fn sync_selected(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] ids: JsValue,
    ) -> Promise {
        let p = self.plugin.clone();
        let ids = read::<Vec<String>>("ids", &ids, Vec::new());
        promise(async move { reports(p.sync_selected(ids?, Trigger::BulkAction).await?) })
    }

    /// The "Sync with Google Contacts" record action: one CRM contact, both ways, in every
    /// enabled account.
    #[wasm_bindgen(js_name = syncContact, unchecked_return_type = "Promise<RunReport[]>")]
    pub fn sync_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Promise {
        let p = self.plugin.clone();
        let id = id
            .as_string()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid("id", "expected a non-empty string"));
        promise(async move { reports(p.sync_selected(vec![id?], Trigger::RecordAction).await?) })
    }

    /// CRM contact `id`'s sync status in each connected account: linked or not, to which
    /// Google contact (with its address in Google Contacts), when it last synced, what the last
    /// run that changed it did (each field, on which side, old → new), and what waits for the
    /// user (a conflict, an ambiguous match, a held deletion, a failure). Reads stored data
    /// only: no Google request, no lock, so it answers while a run is under way.
    ///
    /// @throws {SyncError} INVALID_STATE naming `gcs:accounts` when the account list cannot be
    /// read.
    #[wasm_bindgen(js_name = contactStatus, unchecked_return_type = "Promise<ContactStatus>")]
    pub fn contact_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Promise {
        let p = self.plugin.clone();
        let id = id
            .as_string()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid("id", "expected a non-empty string"));
        promise(async move { js::to_js(&p.contact_status(&id?).await?) })
    }

    /// Stops the account's run under way in this tab (every run in this tab, without an
    /// account): it stops before its next request, keeps what it did (both sides stay
    /// consistent; the next run finishes the job) and its report says `cancelled`. A run still
    /// waiting for the account's lock ends there, writing nothing. Answers whether there was a
    /// run to stop.
    pub fn cancel(&self, #[wasm_bindgen(js_name = accountId)] account_id: Option<String>) -> bool {
        self.plugin.cancel(account_id.as_deref())
    }

    /// "Reset sync data": forgets the links, the sync token, the caches and the run history,
    /// whatever they hold (even when they cannot be read), and the settings when they cannot be
    /// read. The next run matches again, by the link tags first, so nothing is duplicated.
    ///
    /// @throws {SyncError} BUSY when another tab is syncing the account.
    #[wasm_bindgen(js_name = resetSyncData, unchecked_return_type = "Promise<void>")]
    pub fn reset_sync_data(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
    ) -> Promise {
        promise(with_account!(self, account_id, |a, p| p
            .reset_sync_data(&a)
            .await
            .map(|()| JsValue::UNDEFINED)))
    }

    /// The account's last 50 run reports, newest first.
    #[wasm_bindgen(unchecked_return_type = "Promise<RunReport[]>")]
    pub fn runs(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
    ) -> Promise {
        promise(with_account!(self, account_id, |a, p| p
            .runs(&a)
            .await
            .and_then(|r| js::to_js(&r))))
    }

    /// Both sides in scope as JSON text (`{account, takenAt, crm, google, links}`), to keep
    /// before a first sync or a reset.
    #[wasm_bindgen(unchecked_return_type = "Promise<string>")]
    pub fn backup(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
    ) -> Promise {
        promise(with_account!(self, account_id, |a, p| p
            .backup(&a)
            .await
            .map(|text| JsValue::from_str(&text))))
    }

    /// Runs each enabled, connected account every `intervalMinutes` while the page is open,
    /// and at once when a run is overdue. Scheduled runs never make held deletions.
    #[wasm_bindgen(js_name = startScheduler)]
    pub fn start_scheduler(&self) {
        self.plugin.start_scheduler();
    }

    /// The account's Google access token, renewed without the user when the host can: how the
    /// loader's worker bridge hands the tokens this instance holds to the instance that runs
    /// syncs in a worker. Not needed by hosts.
    ///
    /// @throws {SyncError} AUTH_FAILED when there is no token and renewing it needs the user.
    #[wasm_bindgen(
        js_name = tokenFor,
        unchecked_return_type = "Promise<{ accessToken: string; expiresAt: number; email: string }>"
    )]
    pub fn token_for(
        &self,
        #[wasm_bindgen(js_name = accountId, unchecked_param_type = "string")] account_id: JsValue,
    ) -> Promise {
        promise(with_account!(self, account_id, |a, p| {
            let (access, expires_at) = p.token_for(&a).await?;
            let o = js::object();
            js::set(&o, "accessToken", &JsValue::from_str(&access));
            js::set(&o, "expiresAt", &JsValue::from(expires_at as f64));
            js::set(&o, "email", &JsValue::from_str(&a.trim().to_lowercase()));
            Ok(o)
        }))
    }

    /// Drops the account's token held in memory: Google refused it in the other instance of the
    /// worker bridge, or the page holds a newer one. The next call asks for a token again (here,
    /// a run without one fails AUTH_FAILED and the account shows as needing a reconnect). Not
    /// needed by hosts.
    #[wasm_bindgen(js_name = forgetToken)]
    pub fn forget_token(&self, #[wasm_bindgen(js_name = accountId)] account_id: String) {
        self.plugin.drop_token(&account_id);
    }

    /// Stops the schedule; a run under way finishes.
    #[wasm_bindgen(js_name = stopScheduler)]
    pub fn stop_scheduler(&self) {
        self.plugin.stop_scheduler();
    }
}

/// The run `options.undo` names, its images to be loaded from storage by the shell.
fn undo_of(options: &JsValue) -> Option<crate::sync::plan::RunUndo> {
    js::get(options, "undo")
        .as_string()
        .map(|run| crate::sync::plan::RunUndo {
            run,
            images: Vec::new(),
        })
}
