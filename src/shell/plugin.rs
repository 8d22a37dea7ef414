//! The plugin behind the JS API: one instance over one host, its options and what it reads from
//! the host once. Its methods are spread by job: [`super::accounts`] (accounts, sign-in and
//! settings), [`super::tokens`] (tokens and the People API requests that use them),
//! [`super::run`] (runs, previews, the run log, backups) and [`super::scheduler`].

use super::auth::{self, Token};
use super::{contract, http, js, Failure, Result};
use crate::people::request::{PeopleApi, DEFAULT_BASE_URL};
use crate::store;
use crate::sync::ErrorCode;
use gcontacts_sync_core::json_struct;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsValue;

json_struct! {
    #[json(default)]
    /// `GoogleContactsSyncOptions` in api.d.ts.
    #[derive(Default)]
    pub struct Options {
        pub people_api_base: Option<String> = "peopleApiBase",
        pub oauth: OAuthOptions = "oauth",
        pub request_timeout_ms: Option<u32> = "requestTimeoutMs",
        pub host_timeout_ms: Option<u32> = "hostTimeoutMs",
        pub google_max_contacts: Option<u32> = "googleMaxContacts",
    }
}

json_struct! {
    #[json(default)]
    #[derive(Default)]
    pub struct OAuthOptions {
        pub client_id: Option<String> = "clientId",
        pub auth_url: Option<String> = "authUrl",
        pub revoke_url: Option<String> = "revokeUrl",
        pub redirect_uri: Option<String> = "redirectUri",
    }
}

const GOOGLE_AUTH_URL: &str = "https://accounts.google.com/o/oauth2/v2/auth";
const GOOGLE_REVOKE_URL: &str = "https://oauth2.googleapis.com/revoke";
/// How long a host call (contacts, views) may take by default.
const HOST_TIMEOUT_MS: u32 = 120_000;

json_struct! {
    #[json(default)]
    /// Small facts about an account kept beside its state, so `accounts()` need not load it.
    #[derive(Default)]
    pub(super) struct Meta {
        pub last_run_at: Option<i64> = "lastRunAt",
        pub links: usize = "links",
    }
}

pub(super) struct Inner {
    pub host: JsValue,
    pub api: PeopleApi,
    pub oauth: auth::OAuth,
    pub revoke_url: String,
    pub instance_id: String,
    /// The region of the user's locale: the default settings' `defaultRegion`.
    pub region: String,
    pub request_timeout_ms: i32,
    pub host_timeout_ms: i32,
    /// The most contacts the People API endpoint holds per account: `None` for Google's.
    pub google_max_contacts: Option<usize>,
    /// Access tokens by account id, in memory only.
    pub tokens: RefCell<HashMap<String, Token>>,
    /// Tokens Google refused (401) that no renewal replaced: a host that hands one out again is
    /// not taken at its word, so the account shows it needs reconnecting.
    pub refused: RefCell<Vec<String>>,
    /// The running scheduler's generation; a loop whose generation is stale stops.
    pub scheduler: Cell<u32>,
    pub scheduler_on: Cell<bool>,
    /// The runs under way in this tab (from their start, before they hold the lock), each with
    /// its account id and cancel request. One account may have two: the second fails BUSY.
    pub running: RefCell<Vec<(String, Rc<super::stop::Stop>)>>,
    /// Each account's state as this tab last loaded or saved it.
    pub kept: super::storage::Kept,
    /// What each account's last preview planned from, by account id: the preview's decisions
    /// plan again from it (`replan`). Runs since do not drop it: the run that applies a
    /// preview checks its fingerprint, whatever the preview planned from.
    pub previews: RefCell<HashMap<String, crate::sync::engine::Replanner>>,
}

/// One plugin instance over one host.
#[derive(Clone)]
pub struct Plugin {
    pub(super) inner: Rc<Inner>,
}

/// A timeout option in milliseconds, within what `setTimeout` takes.
fn timeout(ms: Option<u32>, default: i32) -> i32 {
    ms.filter(|&m| m > 0)
        .map_or(default, |m| m.min(i32::MAX as u32) as i32)
}

/// The key an account's data is stored under: its email, as Google compares emails.
pub(super) fn account_id(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Plugin {
    /// Checks the host and reads what the plugin needs from it once.
    pub async fn create(host: JsValue, options: Options) -> Result<Plugin> {
        let bad = |m: &str| Failure::new(ErrorCode::InvalidInput, format!("host: {m}"));
        // The contract's getters read properties, which a value other than an object lacks.
        if !(host.is_object() || host.is_function()) {
            return Err(bad("apiVersion must be 1"));
        }
        let crm = contract::host(&host);
        if crm.api_version().as_f64() != Some(1.0) {
            return Err(bad("apiVersion must be 1"));
        }
        let instance_id = crm
            .instance_id()
            .as_string()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad("instanceId must be a non-empty string"))?;
        let required = [
            ("contacts", "list", crm.contacts_api().map(|c| c.into())),
            ("storage", "get", crm.storage_api().map(|s| s.into())),
            ("ui", "notify", crm.ui_api().map(|u| u.into())),
        ];
        for (obj, name, api) in required {
            let api: Option<JsValue> = api;
            if !api.is_some_and(|a| js::get(&a, name).is_function()) {
                return Err(bad(&format!("{obj}.{name} is missing")));
            }
        }
        let host_timeout_ms = timeout(options.host_timeout_ms, HOST_TIMEOUT_MS as i32);
        let asked = crm
            .current_user()
            .map_err(|e| Failure::host(format!("currentUser: {}", js::message_of(&e))))?;
        let user = js::within_coded(asked, host_timeout_ms)
            .await
            .map_err(|r| Failure::host(format!("currentUser: currentUser: {}", r.message)))?;
        let region = contract::answer::<contract::HostUser>(user)
            .and_then(|u| u.locale().as_string())
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
                google_max_contacts: options.google_max_contacts.map(|n| n as usize),
                tokens: RefCell::default(),
                refused: RefCell::default(),
                scheduler: Cell::new(0),
                scheduler_on: Cell::new(false),
                running: RefCell::default(),
                kept: Default::default(),
                previews: Default::default(),
            }),
        })
    }

    /// Asks the account's run under way in this tab (every run, without an account) to stop at
    /// its next safe point. Answers whether there was one to ask: a request with no run under
    /// way is forgotten, never kept for the next run.
    pub fn cancel(&self, account: Option<&str>) -> bool {
        let running = self.inner.running.borrow();
        let mut asked = false;
        for (id, stop) in running.iter() {
            if account.is_none_or(|a| account_id(a) == *id) {
                stop.stop();
                asked = true;
            }
        }
        asked
    }

    pub(super) fn host(&self) -> &JsValue {
        &self.inner.host
    }

    pub(super) async fn meta(&self, id: &str) -> Result<Meta> {
        Ok(
            super::storage::get_json(self.host(), &store::key(id, "meta"))
                .await?
                .unwrap_or_default(),
        )
    }
}
