//! The plugin behind the JS API: accounts, settings, runs and the schedule. Every method answers
//! JSON text (the bindings parse it into plain JS objects) or a [`Failure`].

use super::auth::{self, Token};
use super::storage::{self, key, ACCOUNTS_KEY};
use super::{host, http, js, lock, Failure, Result};
use crate::bindings::dto::{self, AccountInfoDto, GroupDto, UnreadableDto};
use crate::json_struct;
use crate::people::request::{HttpRequest, ListConnections, PeopleApi, DEFAULT_BASE_URL};
use crate::people::time::format_rfc3339;
use crate::people::wire::ListContactGroupsResponse;
use crate::store;
use crate::store::Loaded;
use crate::sync::engine::{
    Action, CrmCall, Engine, Input, RunConfig, RunError, RunResult, Trigger,
};
use crate::sync::plan::Scope;
use crate::sync::settings::Settings;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// `GoogleContactsSyncOptions` in api.d.ts.
#[derive(Default)]
pub struct Options {
    pub people_api_base: Option<String>,
    pub oauth: OAuthOptions,
    pub request_timeout_ms: Option<u32>,
    pub host_timeout_ms: Option<u32>,
}

#[derive(Default)]
pub struct OAuthOptions {
    pub client_id: Option<String>,
    pub auth_url: Option<String>,
    pub revoke_url: Option<String>,
    pub redirect_uri: Option<String>,
}

// Reading, through one `Value` deserializer (see `crate::json`).

json_struct!(default Options {
    people_api_base: "peopleApiBase",
    oauth: "oauth",
    request_timeout_ms: "requestTimeoutMs",
    host_timeout_ms: "hostTimeoutMs",
});

json_struct!(default OAuthOptions {
    client_id: "clientId",
    auth_url: "authUrl",
    revoke_url: "revokeUrl",
    redirect_uri: "redirectUri",
});

json_struct!(default Meta {
    last_run_at: "lastRunAt",
    links: "links",
});

const GOOGLE_AUTH_URL: &str = "https://accounts.google.com/o/oauth2/v2/auth";
const GOOGLE_REVOKE_URL: &str = "https://oauth2.googleapis.com/revoke";
/// How often the scheduler looks for accounts due a run.
const SCHEDULER_TICK_MS: i64 = 60_000;
/// How long a host call (contacts, views) may take by default.
const HOST_TIMEOUT_MS: u32 = 120_000;
/// Where a user removes an app's access to their Google account by hand.
const GOOGLE_PERMISSIONS_URL: &str = "https://myaccount.google.com/permissions";

/// Small facts about an account kept beside its state, so `accounts()` need not load it.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Meta {
    last_run_at: Option<i64>,
    links: usize,
}

/// Access tokens by account id: pairs searched in order (a handful of accounts) rather than a
/// `HashMap<String, Token>`, which would be a hash map type of its own in the wasm.
#[derive(Default)]
struct Tokens(Vec<(String, Token)>);

impl Tokens {
    fn get(&self, id: &str) -> Option<&Token> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, t)| t)
    }

    fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    fn insert(&mut self, id: String, token: Token) {
        match self.0.iter_mut().find(|(k, _)| *k == id) {
            Some((_, t)) => *t = token,
            None => self.0.push((id, token)),
        }
    }

    fn remove(&mut self, id: &str) -> Option<Token> {
        let i = self.0.iter().position(|(k, _)| k == id)?;
        Some(self.0.swap_remove(i).1)
    }
}

struct Inner {
    host: JsValue,
    api: PeopleApi,
    oauth: auth::OAuth,
    revoke_url: String,
    instance_id: String,
    region: String,
    request_timeout_ms: i32,
    host_timeout_ms: i32,
    tokens: RefCell<Tokens>,
    /// The running scheduler's generation; a loop whose generation is stale stops.
    scheduler: Cell<u32>,
    scheduler_on: Cell<bool>,
}

/// One plugin instance over one host.
#[derive(Clone)]
pub struct Plugin {
    inner: Rc<Inner>,
}

/// A run's trigger as scope: the seeds' buttons.
fn trigger_of(scope: &Scope) -> Trigger {
    match scope {
        Scope::All => Trigger::Manual,
        Scope::Contacts { .. } => Trigger::BulkAction,
        Scope::PushAll => Trigger::Push,
        Scope::PullAll => Trigger::Pull,
    }
}

/// Whether a host call writes to the CRM.
fn crm_writes(call: &CrmCall) -> bool {
    matches!(
        call,
        CrmCall::Create { .. } | CrmCall::Update { .. } | CrmCall::Remove { .. }
    )
}

/// The `ErrorCode` an engine error code names.
fn code_of(code: &str) -> &'static str {
    const CODES: [&str; 13] = [
        "INVALID_INPUT",
        "INVALID_STATE",
        "UNKNOWN_ACCOUNT",
        "NOT_CONNECTED",
        "AUTH_FAILED",
        "AUTH_CANCELLED",
        "PERMISSION_DENIED",
        "QUOTA",
        "NETWORK",
        "GOOGLE_ERROR",
        "HOST_ERROR",
        "BUSY",
        "DISABLED",
    ];
    CODES
        .iter()
        .find(|c| **c == code)
        .copied()
        .unwrap_or("GOOGLE_ERROR")
}

/// A timeout option in milliseconds, within what `setTimeout` takes.
fn timeout(ms: Option<u32>, default: i32) -> i32 {
    ms.filter(|&m| m > 0)
        .map_or(default, |m| m.min(i32::MAX as u32) as i32)
}

fn account_id(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Plugin {
    /// Checks the host and reads what the plugin needs from it once.
    pub async fn create(host: JsValue, options: Options) -> Result<Plugin> {
        let bad = |m: &str| Failure::new("INVALID_INPUT", format!("host: {m}"));
        if js::get(&host, "apiVersion").as_f64() != Some(1.0) {
            return Err(bad("apiVersion must be 1"));
        }
        let instance_id = js::get(&host, "instanceId")
            .as_string()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad("instanceId must be a non-empty string"))?;
        for (obj, name) in [("contacts", "list"), ("storage", "get"), ("ui", "notify")] {
            if !js::get(&js::get(&host, obj), name).is_function() {
                return Err(bad(&format!("{obj}.{name} is missing")));
            }
        }
        let host_timeout_ms = timeout(options.host_timeout_ms, HOST_TIMEOUT_MS as i32);
        let user = js::call_async_within(&host, "currentUser", &[], host_timeout_ms)
            .await
            .map_err(|e| Failure::host(format!("currentUser: {e}")))?;
        let region = js::get(&user, "locale")
            .as_string()
            .and_then(|l| {
                l.split(['-', '_'])
                    .nth(1)
                    .filter(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()))
                    .map(|r| r.to_ascii_uppercase())
            })
            .unwrap_or_else(|| "US".into());
        let o = options.oauth;
        Ok(Plugin {
            inner: Rc::new(Inner {
                host,
                api: PeopleApi::new(
                    options
                        .people_api_base
                        .as_deref()
                        .unwrap_or(DEFAULT_BASE_URL),
                ),
                oauth: auth::OAuth {
                    client_id: o.client_id.unwrap_or_default(),
                    auth_url: o.auth_url.unwrap_or_else(|| GOOGLE_AUTH_URL.into()),
                    redirect_uri: o.redirect_uri,
                },
                revoke_url: o.revoke_url.unwrap_or_else(|| GOOGLE_REVOKE_URL.into()),
                instance_id,
                region,
                request_timeout_ms: timeout(options.request_timeout_ms, http::DEFAULT_TIMEOUT_MS),
                host_timeout_ms,
                tokens: RefCell::default(),
                scheduler: Cell::new(0),
                scheduler_on: Cell::new(false),
            }),
        })
    }

    fn host(&self) -> &JsValue {
        &self.inner.host
    }

    // ---- Accounts ---------------------------------------------------------------------------

    /// The stored account list; INVALID_STATE naming its key when it cannot be read.
    async fn emails(&self) -> Result<Vec<String>> {
        Ok(storage::get_json(self.host(), ACCOUNTS_KEY)
            .await?
            .unwrap_or_default())
    }

    async fn save_emails(&self, emails: &[String]) -> Result<()> {
        storage::set_json(self.host(), ACCOUNTS_KEY, emails).await
    }

    /// The stored email of a known account, or UNKNOWN_ACCOUNT.
    async fn known(&self, account: &str) -> Result<String> {
        let id = account_id(account);
        self.emails()
            .await?
            .into_iter()
            .find(|e| account_id(e) == id)
            .ok_or_else(|| Failure::new("UNKNOWN_ACCOUNT", format!("no account {account}")))
    }

    /// [`Plugin::known`] for the ways out ("Reset sync data", "Disconnect"): when the account
    /// list itself cannot be read, the account is taken as named, so its keys can still be
    /// cleared.
    async fn known_or_named(&self, account: &str) -> Result<String> {
        match self.known(account).await {
            Err(f) if f.code == "INVALID_STATE" => Ok(account.trim().to_string()),
            other => other,
        }
    }

    async fn meta(&self, id: &str) -> Result<Meta> {
        Ok(storage::get_json(self.host(), &key(id, "meta"))
            .await?
            .unwrap_or_default())
    }

    /// The account as `AccountInfo`. A stored value that cannot be read does not fail it: it is
    /// listed in `unreadable`, so the panel can say what broke and offer the ways out.
    async fn info(&self, email: &str) -> Result<String> {
        let id = account_id(email);
        let connected = self.token(&id).await.is_ok();
        let mut unreadable = Vec::new();
        let mut note = |f: Failure| {
            if f.code != "INVALID_STATE" {
                return Err(f);
            }
            let key = f
                .message
                .strip_prefix("stored ")
                .and_then(|m| m.split(' ').next())
                .unwrap_or_default()
                .to_string();
            unreadable.push(UnreadableDto {
                key,
                message: f.message,
            });
            Ok(())
        };
        let enabled = match self.settings(&id).await {
            Ok(s) => s.enabled,
            Err(f) => note(f).map(|()| false)?,
        };
        let links = match self.meta(&id).await {
            Ok(m) => m.links,
            Err(f) => note(f).map(|()| 0)?,
        };
        let last_run = match storage::runs(self.host(), &id).await {
            Ok(runs) => runs.into_iter().next(),
            Err(f) => note(f).map(|()| None)?,
        };
        // The header only: the shards are read when a run needs them.
        if let Some(text) = storage::get(self.host(), &key(&id, "state")).await? {
            let mut values = vec![None; store::state_keys(&id).len()];
            values[0] = Some(text);
            if let Err(e) = store::load_state(&id, &values) {
                note(storage::unreadable(e))?;
            }
        }
        if let Some(text) = storage::get(self.host(), &key(&id, "journal")).await? {
            if let Err(e) = store::unwrap(&key(&id, "journal"), &text) {
                note(storage::unreadable(e))?;
            }
        }
        Ok(AccountInfoDto {
            id: &id,
            email,
            connected,
            enabled,
            links,
            last_run,
            needs_reconnect: !connected,
            unreadable,
        }
        .to_json())
    }

    /// `AccountInfo[]`.
    pub async fn accounts(&self) -> Result<String> {
        let mut out = String::from("[");
        for (i, e) in self.emails().await?.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&self.info(e).await?);
        }
        out.push(']');
        Ok(out)
    }

    /// Signs in (interactively) and adds or refreshes the account. An account list that
    /// cannot be read is replaced by one naming this account: the other accounts' data stays
    /// in storage under their own keys, and connecting them again brings it back.
    pub async fn connect(&self, login_hint: Option<String>) -> Result<String> {
        let granted =
            auth::obtain(self.host(), &self.inner.oauth, true, login_hint.as_deref()).await?;
        let email = match granted.email {
            Some(e) if !e.is_empty() => e,
            _ => self.profile_email(&granted.token.access).await?,
        };
        let id = account_id(&email);
        self.inner
            .tokens
            .borrow_mut()
            .insert(id.clone(), granted.token);
        let mut emails = match self.emails().await {
            Err(f) if f.code == "INVALID_STATE" => Vec::new(),
            other => other?,
        };
        if !emails.iter().any(|e| account_id(e) == id) {
            emails.push(email.clone());
            self.save_emails(&emails).await?;
        }
        self.info(&email).await
    }

    /// Signs in again for a known account.
    pub async fn reconnect(&self, account: &str) -> Result<String> {
        let email = self.known(account).await?;
        let info = self.connect(Some(email.clone())).await?;
        if !self.inner.tokens.borrow().contains_key(&account_id(&email)) {
            return Err(Failure::new(
                "AUTH_FAILED",
                format!("signed in to another Google account than {email}"),
            ));
        }
        Ok(info)
    }

    /// Revokes the account's Google access and forgets everything stored for it, whatever the
    /// stored values hold (their keys are deleted unread). Answers `DisconnectResult`: whether
    /// Google confirmed the revoke, and what the user must do when it did not.
    pub async fn disconnect(&self, account: &str) -> Result<String> {
        let email = self.known_or_named(account).await?;
        let id = account_id(&email);
        let lock = lock::acquire(self.host(), &id).await?;
        let (revoked, message) = self.revoke(&id, &email).await;
        storage::remove_all(self.host(), &store::account_keys(&id)).await?;
        match self.emails().await {
            Ok(emails) => {
                let rest: Vec<String> =
                    emails.into_iter().filter(|e| account_id(e) != id).collect();
                self.save_emails(&rest).await?;
            }
            // A list that cannot be read holds nothing to keep.
            Err(f) if f.code == "INVALID_STATE" => {
                storage::remove(self.host(), ACCOUNTS_KEY).await?;
            }
            Err(f) => return Err(f),
        }
        lock.release().await;
        #[derive(Serialize)]
        struct DisconnectDto<'a> {
            revoked: bool,
            message: &'a str,
        }
        Ok(serde_json::to_string(&DisconnectDto {
            revoked,
            message: &message,
        })
        .unwrap_or_default())
    }

    /// Revokes the account's token at Google: the one held, else one the host gives without
    /// the user. Answers whether Google confirmed it, and the message for the user.
    async fn revoke(&self, id: &str, email: &str) -> (bool, String) {
        let held = self.inner.tokens.borrow_mut().remove(id);
        let token = match held {
            Some(t) => Some(t.access),
            None => auth::obtain(self.host(), &self.inner.oauth, false, Some(id))
                .await
                .ok()
                .filter(|g| g.email.as_deref().is_none_or(|e| account_id(e) == id))
                .map(|g| g.token.access),
        };
        // Why Google still grants access, when it does.
        let why = match token {
            None => "the plugin holds no Google token for it".to_string(),
            Some(token) => {
                let body = format!(
                    "token={}",
                    String::from(js_sys::encode_uri_component(&token))
                );
                let answer = http::send(
                    self.host(),
                    "POST",
                    &self.inner.revoke_url,
                    Some(&body),
                    &[("Content-Type", "application/x-www-form-urlencoded")],
                    self.inner.request_timeout_ms,
                )
                .await;
                match answer {
                    Ok(a) if (200..300).contains(&a.status) => {
                        return (
                            true,
                            format!(
                                "{email} is disconnected and Google revoked the plugin's access."
                            ),
                        )
                    }
                    Ok(a) => format!("Google refused to revoke it (HTTP {})", a.status),
                    Err(e) => format!("the revoke did not reach Google ({e})"),
                }
            }
        };
        (
            false,
            format!(
                "{email} is disconnected here, but {why}, so Google may still grant the plugin \
                 access: remove it in your Google Account ({GOOGLE_PERMISSIONS_URL})."
            ),
        )
    }

    /// The account's email: `people/me`'s account address.
    async fn profile_email(&self, token: &str) -> Result<String> {
        let url = format!(
            "{}/v1/people/me?personFields=emailAddresses",
            self.inner.api.base_url()
        );
        let bearer = format!("Bearer {token}");
        let a = http::send(
            self.host(),
            "GET",
            &url,
            None,
            &[("Authorization", &bearer)],
            self.inner.request_timeout_ms,
        )
        .await
        .map_err(|e| Failure::new("NETWORK", e))?;
        if a.status != 200 {
            return Err(google_failure(a.status, &a.body));
        }
        let v: serde_json::Value = serde_json::from_str(&a.body)
            .map_err(|e| Failure::new("GOOGLE_ERROR", format!("people/me: {e}")))?;
        let list = v["emailAddresses"].as_array().cloned().unwrap_or_default();
        let pick = list
            .iter()
            .find(|e| e["metadata"]["source"]["type"] == "ACCOUNT")
            .or_else(|| list.iter().find(|e| e["metadata"]["primary"] == true))
            .or(list.first());
        pick.and_then(|e| e["value"].as_str())
            .map(str::to_string)
            .ok_or_else(|| Failure::new("AUTH_FAILED", "Google did not say which account this is"))
    }

    // ---- Tokens -----------------------------------------------------------------------------

    /// A fresh token for the account, renewed without the user when the host can.
    async fn token(&self, id: &str) -> Result<String> {
        let now = js::now();
        if let Some(t) = self.inner.tokens.borrow().get(id) {
            if t.fresh(now) {
                return Ok(t.access.clone());
            }
        }
        self.renew(id).await
    }

    async fn renew(&self, id: &str) -> Result<String> {
        let renewed = auth::obtain(self.host(), &self.inner.oauth, false, Some(id)).await;
        match renewed {
            Ok(g) if g.email.as_deref().is_none_or(|e| account_id(e) == id) => {
                let access = g.token.access.clone();
                self.inner
                    .tokens
                    .borrow_mut()
                    .insert(id.to_string(), g.token);
                Ok(access)
            }
            other => {
                self.inner.tokens.borrow_mut().remove(id);
                Err(match other {
                    Err(f) => f,
                    Ok(_) => Failure::new(
                        "AUTH_FAILED",
                        format!("the host's Google token is not for {id}: reconnect"),
                    ),
                })
            }
        }
    }

    /// Sends a People API request with the account's token; on a 401, renews the token once
    /// and resends before letting the caller see the 401.
    async fn google(
        &self,
        id: &str,
        req: &HttpRequest,
    ) -> std::result::Result<http::Answer, String> {
        let mut token = self.token(id).await.unwrap_or_default();
        let mut renewed = false;
        loop {
            let bearer = format!("Bearer {token}");
            let wire = req.wire();
            let mut headers = wire.headers.clone();
            headers.push(("Authorization", &bearer));
            let a = http::send(
                self.host(),
                wire.method,
                wire.url,
                wire.body,
                &headers,
                self.inner.request_timeout_ms,
            )
            .await?;
            if a.status == 401 && !renewed {
                renewed = true;
                self.inner.tokens.borrow_mut().remove(id);
                if let Ok(t) = self.renew(id).await {
                    if t != token {
                        token = t;
                        continue;
                    }
                }
            }
            return Ok(a);
        }
    }

    /// A GET answered 200 and parsed, or a `Failure`.
    async fn google_json<T: crate::json::FromJson>(
        &self,
        id: &str,
        req: &HttpRequest,
    ) -> Result<T> {
        let a = self
            .google(id, req)
            .await
            .map_err(|e| Failure::new("NETWORK", e))?;
        if !(200..300).contains(&a.status) {
            return Err(google_failure(a.status, &a.body));
        }
        crate::json::from_str(&a.body).map_err(|e| Failure::new("GOOGLE_ERROR", e.to_string()))
    }

    // ---- Settings ---------------------------------------------------------------------------

    async fn settings(&self, id: &str) -> Result<Settings> {
        Ok(storage::get_json(self.host(), &key(id, "settings"))
            .await?
            .unwrap_or_else(|| self.default_settings()))
    }

    fn default_settings(&self) -> Settings {
        Settings {
            default_region: self.inner.region.clone(),
            ..Settings::default()
        }
    }

    /// `Settings` as JSON.
    pub async fn get_settings(&self, account: &str) -> Result<String> {
        let id = account_id(&self.known(account).await?);
        Ok(serde_json::to_string(&self.settings(&id).await?).unwrap_or_default())
    }

    /// Merges the given settings (JSON of a partial `Settings`) over the current ones (over the
    /// defaults when the stored ones cannot be read), checks them and saves them, under the
    /// account's lock.
    pub async fn set_settings(&self, account: &str, json: &str) -> Result<String> {
        let id = account_id(&self.known(account).await?);
        let bad = |m: String| Failure::new("INVALID_INPUT", m);
        let lock = lock::acquire(self.host(), &id).await?;
        let current = match self.settings(&id).await {
            Err(f) if f.code == "INVALID_STATE" => self.default_settings(),
            other => other?,
        };
        let current = serde_json::to_string(&current).unwrap_or_default();
        let current: serde_json::Value = serde_json::from_str(&current).unwrap_or_default();
        let given: serde_json::Value =
            serde_json::from_str(json).map_err(|e| bad(format!("settings: {e}")))?;
        let (Some(given), serde_json::Value::Object(mut merged)) = (given.as_object(), current)
        else {
            return Err(bad("settings: expected an object".into()));
        };
        for (k, v) in given {
            if !merged.contains_key(k) {
                return Err(bad(format!("{k}: not a setting")));
            }
            merged.insert(k.clone(), v.clone());
        }
        let merged = serde_json::to_string(&merged).unwrap_or_default();
        let mut s: Settings =
            crate::json::from_str(&merged).map_err(|e| bad(format!("settings: {e}")))?;
        s.default_region = s.default_region.trim().to_ascii_uppercase();
        dto::validate_settings(&s).map_err(bad)?;
        storage::set_json(self.host(), &key(&id, "settings"), &s).await?;
        lock.release().await;
        Ok(serde_json::to_string(&s).unwrap_or_default())
    }

    /// `GoogleGroup[]`.
    pub async fn google_groups(&self, account: &str) -> Result<String> {
        let id = account_id(&self.known(account).await?);
        let mut groups = Vec::new();
        let mut page: Option<String> = None;
        loop {
            let req = self.inner.api.list_contact_groups(page.as_deref());
            let r: ListContactGroupsResponse = self.google_json(&id, &req).await?;
            for g in r.contact_groups {
                groups.push(GroupDto {
                    name: g.formatted_name.or(g.name).unwrap_or_default(),
                    resource_name: g.resource_name.unwrap_or_default(),
                    group_type: g.group_type.unwrap_or_default(),
                    member_count: g.member_count.unwrap_or(0),
                });
            }
            match r.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => page = Some(t),
                None => break,
            }
        }
        Ok(serde_json::to_string(&groups).unwrap_or_default())
    }

    // ---- Runs -------------------------------------------------------------------------------

    /// Runs the engine for one account under its lock. `Ok` carries the result even when the
    /// run met errors (a state that could not be saved among them); an auth failure is a
    /// `Failure` (after the run is logged).
    async fn run(
        &self,
        account: &str,
        scope: Scope,
        trigger: Trigger,
        confirm_deletions: bool,
        preview_only: bool,
        on_progress: &JsValue,
    ) -> Result<RunResult> {
        let email = self.known(account).await?;
        let id = account_id(&email);
        let settings = self.settings(&id).await?;
        if !settings.enabled {
            return Err(Failure::new(
                "DISABLED",
                format!("sync is turned off for {email}"),
            ));
        }
        self.token(&id).await?;
        let lock = lock::acquire(self.host(), &id).await?;
        let Loaded {
            mut state,
            mut stored,
            ..
        } = storage::load_state(self.host(), &id).await?;
        if confirm_deletions {
            // The run that held Google-side deletions already moved the sync token past their
            // tombstones, so an incremental listing would not show them again and the
            // confirmation would delete nothing. List Google in full instead: a linked contact
            // missing from a complete listing is a deletion, found again. (The CRM is listed in
            // full on every run.)
            state.sync_token = None;
        }
        let journal_key = key(&id, "journal");
        let journal = if preview_only {
            None
        } else {
            match storage::get(self.host(), &journal_key).await? {
                None => None,
                Some(text) => Some(
                    store::unwrap(&journal_key, &text)
                        .map_err(storage::unreadable)?
                        .to_string(),
                ),
            }
        };
        let config = RunConfig {
            scope,
            trigger,
            confirm_deletions,
            preview_only,
            instance_id: self.inner.instance_id.clone(),
            people_api_base: self.inner.api.base_url().to_string(),
            seed: js::random_u64(),
            account_id: id.clone(),
            crm_change_feed: super::host::has_change_feed(self.host()),
            capabilities: super::host::capabilities(self.host())?,
        };
        let mut engine = Engine::new(state, settings, journal.as_deref(), config, js::now());
        let ui = js::get(self.host(), "ui");
        // The engine clears the journal when its writes are done; the journal is removed only
        // once the state that records those writes is saved, so a save that fails leaves it for
        // the next run to recover from.
        let mut clear_journal = false;
        let mut journal_failed = None;
        let mut taken = false;
        loop {
            match engine.poll(js::now()) {
                // Another tab took the account over: stop before writing, as a closed tab
                // would, and leave the state and the journal to the tab that holds it.
                Action::Http(req) if req.wire().method != "GET" && lock.lost().await => {
                    taken = true;
                    break;
                }
                Action::Crm(ref call) if crm_writes(call) && lock.lost().await => {
                    taken = true;
                    break;
                }
                Action::Http(req) => {
                    let input = match self.google(&id, &req).await {
                        Ok(a) => Input::Http {
                            status: a.status,
                            retry_after_ms: a.retry_after_ms,
                            body: a.body,
                        },
                        Err(message) => Input::HttpFailed { message },
                    };
                    engine.handle(input, js::now());
                }
                Action::Crm(call) => {
                    let input = host::crm(self.host(), &call, self.inner.host_timeout_ms).await;
                    engine.handle(input, js::now());
                }
                Action::SaveJournal(j) => {
                    // The engine cannot do without the journal's answer; a storage failure only
                    // weakens crash safety, so the run goes on and reports it.
                    let saved = match j {
                        Some(text) => {
                            clear_journal = false;
                            storage::set(self.host(), &journal_key, &store::wrap(&text)).await
                        }
                        None => {
                            clear_journal = true;
                            Ok(())
                        }
                    };
                    if let Err(f) = saved {
                        journal_failed = Some(f);
                    }
                    engine.handle(Input::Saved, js::now());
                }
                Action::Sleep { until } => js::sleep(until - js::now()).await,
                Action::Progress { done, total, phase } => {
                    let p = js::object();
                    js::set(&p, "done", &JsValue::from(done as u32));
                    js::set(&p, "total", &JsValue::from(total as u32));
                    js::set(&p, "phase", &JsValue::from_str(phase));
                    if on_progress.is_function() {
                        let f: &js_sys::Function = on_progress.unchecked_ref();
                        let _ = f.call1(&JsValue::NULL, &p);
                    }
                    let q = js::object();
                    js::set(&q, "done", &JsValue::from(done as u32));
                    js::set(&q, "total", &JsValue::from(total as u32));
                    js::set(&q, "label", &JsValue::from_str(phase));
                    let _ = js::call(&ui, "progress", &[&q]);
                }
                Action::Done => break,
            }
        }
        let _ = js::call(&ui, "progress", &[&JsValue::NULL]);
        if taken {
            return Err(lock::taken());
        }
        let mut result = engine.finish();
        if !preview_only {
            let mut failures = Vec::new();
            if let Some(f) = journal_failed {
                failures.push(format!("the run journal could not be saved: {}", f.message));
            }
            match storage::save_state(self.host(), &id, &result.state, &mut stored).await {
                Ok(()) if clear_journal => {
                    if let Err(f) = storage::remove(self.host(), &journal_key).await {
                        // The next run finds the journal and lists Google in full: slower, safe.
                        failures.push(format!(
                            "the run journal could not be cleared: {}",
                            f.message
                        ));
                    }
                }
                Ok(()) => {}
                Err(f) => failures.push(format!(
                    "the sync state could not be saved ({}); the next run lists both sides in \
                     full and links again what this one did",
                    f.message
                )),
            }
            for message in failures {
                result.report.ok = false;
                result.report.errors.push(RunError {
                    code: crate::sync::ErrorCode::HostError,
                    message,
                    contact: None,
                });
            }
            let logged =
                storage::append_run(self.host(), &id, &dto::report_json(&result.report)).await;
            let meta = Meta {
                last_run_at: Some(js::now()),
                links: result.state.links.len(),
            };
            let meta_saved = storage::set_json(self.host(), &key(&id, "meta"), &meta).await;
            if let Err(f) = logged.and(meta_saved) {
                // The run is over and its report is in hand: the caller hears of it there.
                result.report.ok = false;
                result.report.errors.push(RunError {
                    code: crate::sync::ErrorCode::HostError,
                    message: format!("the run log could not be saved: {}", f.message),
                    contact: None,
                });
            }
        }
        lock.release().await;
        if let Some(e) = result
            .report
            .errors
            .iter()
            .find(|e| e.code == crate::sync::ErrorCode::AuthFailed)
        {
            self.inner.tokens.borrow_mut().remove(&id);
            return Err(Failure::new("AUTH_FAILED", e.message.clone()));
        }
        if preview_only && result.plan.is_none() {
            let e = result.report.errors.first();
            return Err(Failure::new(
                e.map_or("GOOGLE_ERROR", |e| code_of(e.code.as_str())),
                e.map_or_else(
                    || "the preview could not be made".into(),
                    |e| e.message.clone(),
                ),
            ));
        }
        Ok(result)
    }

    /// `Plan` of a run that would happen now.
    pub async fn preview(&self, account: &str, scope: Scope) -> Result<String> {
        let trigger = trigger_of(&scope);
        let r = self
            .run(account, scope, trigger, false, true, &JsValue::UNDEFINED)
            .await?;
        Ok(r.plan.as_ref().map(dto::plan_json).unwrap_or_default())
    }

    /// `RunReport` of a run.
    pub async fn sync(
        &self,
        account: &str,
        scope: Scope,
        trigger: Option<Trigger>,
        confirm_deletions: bool,
        on_progress: &JsValue,
    ) -> Result<String> {
        let trigger = trigger.unwrap_or_else(|| trigger_of(&scope));
        let r = self
            .run(
                account,
                scope,
                trigger,
                confirm_deletions,
                false,
                on_progress,
            )
            .await?;
        Ok(dto::report_json(&r.report))
    }

    /// `RunReport[]`: the chosen contacts, both ways, in every enabled account.
    pub async fn sync_selected(&self, ids: Vec<String>, trigger: Trigger) -> Result<String> {
        let mut out = String::from("[");
        let mut any = false;
        for email in self.emails().await? {
            let id = account_id(&email);
            if !self.settings(&id).await?.enabled {
                continue;
            }
            if any {
                out.push(',');
            }
            any = true;
            let scope = Scope::Contacts { ids: ids.clone() };
            out.push_str(
                &self
                    .sync(&id, scope, Some(trigger), false, &JsValue::UNDEFINED)
                    .await?,
            );
        }
        if !any {
            return Err(Failure::new(
                "NOT_CONNECTED",
                "connect a Google account (and turn its sync on) first",
            ));
        }
        out.push(']');
        Ok(out)
    }

    /// Forgets links, sync token, cache and journal; the next run matches again (by the link
    /// tags first), so nothing is duplicated.
    pub async fn reset_sync_data(&self, account: &str) -> Result<()> {
        let id = account_id(&self.known_or_named(account).await?);
        let lock = lock::acquire(self.host(), &id).await?;
        // Deleted unread, so a state in any condition can be reset. The target group is found
        // again by its name.
        let mut keys = store::state_keys(&id);
        keys.push(key(&id, "journal"));
        // Values beside the state that cannot be read go too: they would block the account
        // with no other way out. Readable ones are kept.
        if matches!(self.settings(&id).await, Err(f) if f.code == "INVALID_STATE") {
            keys.push(key(&id, "settings"));
        }
        if matches!(storage::runs(self.host(), &id).await, Err(f) if f.code == "INVALID_STATE") {
            keys.push(key(&id, "runs"));
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
    pub async fn runs(&self, account: &str) -> Result<String> {
        let id = account_id(&self.known(account).await?);
        let runs = storage::runs(self.host(), &id).await?;
        Ok(serde_json::to_string(&runs).unwrap_or_else(|_| "[]".into()))
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
        struct Page {
            connections: Vec<serde_json::Value>,
            next_page_token: Option<String>,
        }
        json_struct!(Page {
            connections: "connections" or default,
            next_page_token: "nextPageToken",
        });
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
        serde_json::to_string(&b).map_err(|e| Failure::new("INVALID_STATE", e.to_string()))
    }

    // ---- Schedule ---------------------------------------------------------------------------

    /// Runs every enabled, connected account when its interval has passed, checking every
    /// minute, starting now (so an overdue run happens at page load).
    pub fn start_scheduler(&self) {
        if self.inner.scheduler_on.replace(true) {
            return;
        }
        let generation = self.inner.scheduler.get().wrapping_add(1);
        self.inner.scheduler.set(generation);
        let me = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            while me.inner.scheduler.get() == generation {
                me.tick().await;
                js::sleep(SCHEDULER_TICK_MS).await;
            }
        });
    }

    pub fn stop_scheduler(&self) {
        self.inner.scheduler_on.set(false);
        self.inner
            .scheduler
            .set(self.inner.scheduler.get().wrapping_add(1));
    }

    async fn tick(&self) {
        let Ok(emails) = self.emails().await else {
            return;
        };
        for email in emails {
            let id = account_id(&email);
            // Meta that cannot be read is rewritten by the run, so it makes the run due.
            let due = match (self.settings(&id).await, self.meta(&id).await) {
                (Ok(s), m) => {
                    let m = m.unwrap_or_default();
                    s.enabled
                        && m.last_run_at.is_none_or(|at| {
                            js::now() - at >= i64::from(s.interval_minutes) * 60_000
                        })
                }
                _ => false,
            };
            // A token that cannot be renewed without the user: the run waits for "Reconnect".
            if due && self.token(&id).await.is_ok() {
                let _ = self
                    .sync(
                        &id,
                        Scope::All,
                        Some(Trigger::Schedule),
                        false,
                        &JsValue::UNDEFINED,
                    )
                    .await;
            }
        }
    }
}

/// A Google error answer as a `Failure` with its status.
fn google_failure(status: u16, body: &str) -> Failure {
    use crate::people::error::ApiError;
    let e = ApiError::parse(status, body);
    let code = match e {
        ApiError::Unauthenticated { .. } => "AUTH_FAILED",
        ApiError::PermissionDenied { .. } => "PERMISSION_DENIED",
        ApiError::Quota { .. } => "QUOTA",
        _ => "GOOGLE_ERROR",
    };
    Failure {
        code,
        message: e.to_string(),
        status: Some(status),
        contact: None,
    }
}
