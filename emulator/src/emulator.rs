//! The emulator: shared state behind a mutex and the request → response entry point.
//!
//! `Emulator::handle` is the whole server: routing, CORS, bearer tokens, faults, quotas, then the
//! API method. The socket server only moves bytes and honours `delay_ms`/`drop_connection`.

use crate::account::Account;
use crate::error::{ApiError, ApiResult};
use crate::http::{Request, Response};
use crate::limits::{costs, Bucket, FaultKind, FaultRule, QuotaPreset};
use crate::util::Rng;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

pub const SCOPE_CONTACTS: &str = "https://www.googleapis.com/auth/contacts";
pub const SCOPE_READONLY: &str = "https://www.googleapis.com/auth/contacts.readonly";
/// Google access tokens live 3599 seconds.
pub const TOKEN_LIFETIME_MS: u64 = 3_599_000;
/// "Sync tokens expire 7 days after the full sync."
pub const SYNC_TOKEN_LIFETIME_MS: u64 = 7 * 86_400_000;

/// How the emulator's clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    /// Virtual time starting at this many ms since the epoch; moves only when told to.
    Fixed(u64),
    /// Wall time plus an offset that admin calls adjust.
    Wall,
}

/// Emulator settings; `Config::default()` is a deterministic in-process emulator.
#[derive(Debug, Clone)]
pub struct Config {
    pub clock: ClockMode,
    pub quota: QuotaPreset,
    /// Added to every API answer (the server sleeps; in-process callers see `delay_ms`).
    pub latency_ms: u64,
    /// Probability that an API call answers 503.
    pub fault_rate: f64,
    pub seed: u64,
    /// How long a write stays invisible to incremental (`syncToken`) listings.
    pub propagation_delay_ms: u64,
    /// The most contacts one account holds: Google's 25,000, lower for tests. A create past it
    /// is refused ([`crate::error::ApiError::contact_limit`]).
    pub max_contacts: usize,
}

/// Google's limit of contacts per account.
pub const GOOGLE_MAX_CONTACTS: usize = 25_000;

impl Default for Config {
    fn default() -> Self {
        Config {
            // 2024-03-01T00:00:00Z
            clock: ClockMode::Fixed(1_709_251_200_000),
            quota: QuotaPreset::None,
            latency_ms: 0,
            fault_rate: 0.0,
            seed: 1,
            propagation_delay_ms: 0,
            max_contacts: GOOGLE_MAX_CONTACTS,
        }
    }
}

/// Index of an account in the emulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct AccountId(pub usize);

#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    pub account: usize,
    pub scopes: Vec<String>,
    pub issued_ms: u64,
    pub revoked: bool,
}

/// Requests seen per API method.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MethodStats {
    pub requests: u64,
    /// 429 answers served.
    pub throttled: u64,
    /// Injected faults served.
    pub faults: u64,
}

pub(crate) struct State {
    pub config: Config,
    /// The limit of contacts per account the emulator started with: `POST /__admin/config`
    /// may lower `config.max_contacts` for a test; reset and `"maxContacts": null` restore it.
    pub started_max_contacts: usize,
    pub offset_ms: i64,
    pub virtual_ms: u64,
    pub rng: Rng,
    pub fault_rng: Rng,
    pub accounts: Vec<Account>,
    pub tokens: HashMap<String, TokenInfo>,
    /// Accounts signed in on the consent page and whose grant stands: the consent page renews
    /// their tokens without the user (`prompt=none`). Revoking a token withdraws it; so does
    /// signing the account out (admin API).
    pub consented: HashSet<usize>,
    pub limits: BTreeMap<Bucket, u64>,
    /// (account, bucket) → (window index, units used).
    pub usage: HashMap<(usize, Bucket), (u64, u64)>,
    pub rules: Vec<FaultRule>,
    pub stats: BTreeMap<String, MethodStats>,
}

fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl State {
    pub fn new_for_reset(config: Config) -> Self {
        State::new(config)
    }

    fn new(config: Config) -> Self {
        let virtual_ms = match config.clock {
            ClockMode::Fixed(ms) => ms,
            ClockMode::Wall => 0,
        };
        State {
            started_max_contacts: config.max_contacts,
            rng: Rng::new(config.seed),
            fault_rng: Rng::new(config.seed.wrapping_add(0x5eed)),
            limits: config.quota.limits().into_iter().collect(),
            config,
            offset_ms: 0,
            virtual_ms,
            accounts: Vec::new(),
            tokens: HashMap::new(),
            consented: HashSet::new(),
            usage: HashMap::new(),
            rules: Vec::new(),
            stats: BTreeMap::new(),
        }
    }

    pub fn now(&self) -> u64 {
        match self.config.clock {
            ClockMode::Fixed(_) => self.virtual_ms,
            ClockMode::Wall => (wall_ms() as i64 + self.offset_ms).max(0) as u64,
        }
    }

    pub fn set_now(&mut self, ms: u64) {
        match self.config.clock {
            ClockMode::Fixed(_) => self.virtual_ms = ms,
            ClockMode::Wall => self.offset_ms = ms as i64 - wall_ms() as i64,
        }
    }

    pub fn account_by_email(&self, email: &str) -> Option<usize> {
        self.accounts
            .iter()
            .position(|a| a.email.eq_ignore_ascii_case(email))
    }

    pub fn create_account(&mut self, email: &str) -> usize {
        if let Some(i) = self.account_by_email(email) {
            return i;
        }
        let profile_id = 100_000_000_000_000_000 + self.rng.below(900_000_000_000_000_000);
        let now = self.now();
        self.accounts.push(Account::new(email, profile_id, now));
        self.accounts.len() - 1
    }

    pub fn mint_token(&mut self, account: usize, scope: &str) -> String {
        let token = format!(
            "ya29.emu{:016x}{:016x}",
            self.rng.next_u64(),
            self.rng.next_u64()
        );
        let scopes = scope.split_whitespace().map(expand_scope).collect();
        let issued_ms = self.now();
        self.tokens.insert(
            token.clone(),
            TokenInfo {
                account,
                scopes,
                issued_ms,
                revoked: false,
            },
        );
        token
    }

    /// Revokes a token, and the grant it came from: the consent page no longer renews the
    /// account's tokens without the user. False if the token was unknown or already revoked.
    pub fn revoke(&mut self, token: &str) -> bool {
        match self.tokens.get_mut(token) {
            Some(t) if !t.revoked => {
                t.revoked = true;
                let account = t.account;
                self.consented.remove(&account);
                true
            }
            _ => false,
        }
    }

    /// Resolves the bearer token of an API call.
    fn authenticate(&self, req: &Request, write: bool, method: &str) -> ApiResult<usize> {
        let from_header = req
            .header_value("Authorization")
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_string());
        let token = from_header.or_else(|| {
            req.query()
                .into_iter()
                .find(|(k, _)| k == "access_token")
                .map(|(_, v)| v)
        });
        let Some(token) = token else {
            return Err(ApiError::new(
                401,
                "UNAUTHENTICATED",
                "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
            ));
        };
        let invalid = || {
            ApiError::new(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
            )
            .detail(json!({"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_EXPIRED", "domain": "googleapis.com",
                "metadata": {"service": "people.googleapis.com", "method": grpc_method(method)}}))
        };
        let info = self.tokens.get(&token).ok_or_else(invalid)?;
        if info.revoked || self.now() >= info.issued_ms + TOKEN_LIFETIME_MS {
            return Err(invalid());
        }
        let allowed = info
            .scopes
            .iter()
            .any(|s| s == SCOPE_CONTACTS || (!write && s == SCOPE_READONLY));
        if !allowed {
            return Err(
                ApiError::new(
                    403,
                    "PERMISSION_DENIED",
                    "Request had insufficient authentication scopes.",
                )
                .detail(
                    json!({"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "domain": "googleapis.com",
                "metadata": {"service": "people.googleapis.com", "method": grpc_method(method)}}),
                ),
            );
        }
        Ok(info.account)
    }

    /// Charges the method's quota units, all or none.
    fn charge(&mut self, account: usize, method: &str) -> ApiResult<()> {
        let now = self.now();
        for &(bucket, units) in costs(method) {
            let Some(&limit) = self.limits.get(&bucket) else {
                continue;
            };
            let window = now / bucket.window_ms();
            let used = match self.usage.get(&(account, bucket)) {
                Some(&(w, u)) if w == window => u,
                _ => 0,
            };
            if used + units > limit {
                let limit_name = format!("{} {}", bucket.display(), bucket.per());
                return Err(ApiError::new(
                    429,
                    "RESOURCE_EXHAUSTED",
                    format!(
                        "Quota exceeded for quota metric '{}' and limit '{limit_name}' of service 'people.googleapis.com' for consumer 'project_number:000000000000'.",
                        bucket.display()
                    ),
                )
                .detail(json!({"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com",
                    "metadata": {"quota_metric": bucket.metric(), "quota_limit": limit_name,
                        "quota_limit_value": limit.to_string(), "service": "people.googleapis.com",
                        "consumer": "projects/000000000000"}})));
            }
        }
        for &(bucket, units) in costs(method) {
            if self.limits.contains_key(&bucket) {
                let window = now / bucket.window_ms();
                let e = self.usage.entry((account, bucket)).or_insert((window, 0));
                if e.0 != window {
                    *e = (window, 0);
                }
                e.1 += units;
            }
        }
        Ok(())
    }

    /// Consumes the first targeted rule matching `method`.
    fn take_rule(&mut self, method: &str) -> Option<FaultKind> {
        let i = self.rules.iter().position(|r| r.matches(method))?;
        let kind = self.rules[i].kind.clone();
        self.rules[i].count = self.rules[i].count.saturating_sub(1);
        if self.rules[i].count == 0 {
            self.rules.remove(i);
        }
        Some(kind)
    }

    fn api(&mut self, req: &Request) -> Response {
        let route = match crate::api::route(req) {
            Ok(r) => r,
            Err(e) => return e.into_response(),
        };
        let method = route.method_id();
        self.stats.entry(method.to_string()).or_default().requests += 1;
        let account = match self.authenticate(req, route.is_write(), method) {
            Ok(a) => a,
            Err(e) => return e.into_response(),
        };
        let mut delay = self.config.latency_ms;
        let mut spurious_etag = false;
        if self.config.fault_rate > 0.0 && self.fault_rng.chance(self.config.fault_rate) {
            self.stat(method).faults += 1;
            return ApiError::unavailable().into_response();
        }
        match self.take_rule(method) {
            Some(FaultKind::Status { status }) => {
                self.stat(method).faults += 1;
                if status == 429 {
                    self.stat(method).throttled += 1;
                }
                return status_error(status).into_response();
            }
            Some(FaultKind::Drop) => {
                self.stat(method).faults += 1;
                return Response {
                    drop_connection: true,
                    ..Response::default()
                };
            }
            Some(FaultKind::Latency { ms }) => delay += ms,
            Some(FaultKind::EtagMismatch) => {
                self.stat(method).faults += 1;
                spurious_etag = true;
            }
            None => {}
        }
        if let Err(e) = self.charge(account, method) {
            self.stat(method).throttled += 1;
            return e.into_response();
        }
        let mut resp = match crate::api::call(self, account, route, req, spurious_etag) {
            Ok(r) => r,
            Err(e) => e.into_response(),
        };
        resp.delay_ms = delay;
        resp
    }

    fn stat(&mut self, method: &str) -> &mut MethodStats {
        self.stats.entry(method.to_string()).or_default()
    }

    pub fn dispatch(&mut self, req: &Request) -> Response {
        let path = req.path().to_string();
        if path.starts_with("/v1/") {
            return self.api(req);
        }
        if path == "/" || path.starts_with("/__viewer/") {
            return crate::viewer::handle(self, req);
        }
        if let Some(key) = path.strip_prefix(crate::photo::PATH) {
            return crate::photo::serve(self, key);
        }
        if path.starts_with("/__admin/") {
            return crate::admin::handle(self, req);
        }
        if path.starts_with("/o/oauth2/") || path == "/revoke" || path == "/tokeninfo" {
            return crate::oauth::handle(self, req);
        }
        ApiError::new(
            404,
            "NOT_FOUND",
            format!("The requested URL {path} was not found on this server."),
        )
        .into_response()
    }
}

/// The gRPC method name Google puts in error metadata.
fn grpc_method(method: &str) -> String {
    let (service, name) = method.split_once('.').unwrap_or(("people", method));
    let service = if service == "contactGroups" {
        "ContactGroupService"
    } else {
        "PeopleService"
    };
    let mut n = name
        .replace("connections.list", "ListConnections")
        .replace("members.modify", "ModifyContactGroupMembers");
    if let Some(first) = n.get(0..1) {
        n = first.to_uppercase() + &n[1..];
    }
    format!("google.people.v1.{service}.{n}")
}

/// Google's body for an injected HTTP status.
fn status_error(status: u16) -> ApiError {
    match status {
        503 => ApiError::unavailable(),
        500 => ApiError::new(500, "INTERNAL", "Internal error encountered."),
        502 => ApiError::new(502, "UNAVAILABLE", "Bad Gateway"),
        504 => ApiError::new(504, "DEADLINE_EXCEEDED", "Deadline exceeded."),
        429 => ApiError::new(
            429,
            "RESOURCE_EXHAUSTED",
            "Resource has been exhausted (e.g. check quota).",
        ),
        409 => ApiError::new(409, "ABORTED", "The operation was aborted."),
        401 => ApiError::new(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials.",
        ),
        403 => ApiError::new(
            403,
            "PERMISSION_DENIED",
            "The caller does not have permission",
        ),
        404 => ApiError::not_found(),
        400 => ApiError::invalid("Request contains an invalid argument."),
        s => ApiError::new(s, "UNKNOWN", "Unknown error."),
    }
}

/// Accepts the short scope names the OAuth endpoints accept.
fn expand_scope(s: &str) -> String {
    match s {
        "contacts" => SCOPE_CONTACTS.into(),
        "contacts.readonly" => SCOPE_READONLY.into(),
        "email" => "https://www.googleapis.com/auth/userinfo.email".into(),
        "profile" => "https://www.googleapis.com/auth/userinfo.profile".into(),
        s => s.into(),
    }
}

/// CORS: Google's APIs answer any origin; the emulator does the same for every path.
fn with_cors(mut r: Response, req: &Request) -> Response {
    let origin = req.header_value("Origin").unwrap_or("*").to_string();
    r.headers
        .push(("Access-Control-Allow-Origin".into(), origin));
    r.headers.push(("Vary".into(), "Origin".into()));
    r.headers.push((
        "Access-Control-Expose-Headers".into(),
        "Content-Type, WWW-Authenticate, Retry-After".into(),
    ));
    r
}

/// A People API emulator. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Emulator {
    state: Arc<Mutex<State>>,
}

impl Default for Emulator {
    fn default() -> Self {
        Emulator::new(Config::default())
    }
}

impl Emulator {
    pub fn new(config: Config) -> Self {
        Emulator {
            state: Arc::new(Mutex::new(State::new(config))),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves state that is still structurally valid.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answers one HTTP request: the People API, OAuth pages, viewer and admin API.
    pub fn handle(&self, req: Request) -> Response {
        if req.method == "OPTIONS" {
            let r = Response {
                status: 204,
                headers: vec![
                    (
                        "Access-Control-Allow-Methods".into(),
                        "GET, POST, PUT, PATCH, DELETE, OPTIONS".into(),
                    ),
                    (
                        "Access-Control-Allow-Headers".into(),
                        req.header_value("Access-Control-Request-Headers")
                            .unwrap_or("Authorization, Content-Type")
                            .to_string(),
                    ),
                    ("Access-Control-Max-Age".into(), "3600".into()),
                ],
                ..Response::default()
            };
            return with_cors(r, &req);
        }
        let req = req.with_method_override();
        let r = self.lock().dispatch(&req);
        with_cors(r, &req)
    }

    /// Creates an account (or finds the one with this email).
    pub fn create_account(&self, email: &str) -> AccountId {
        AccountId(self.lock().create_account(email))
    }

    pub fn account(&self, email: &str) -> Option<AccountId> {
        self.lock().account_by_email(email).map(AccountId)
    }

    /// Issues a bearer token for `account`; `scope` is space-separated (`contacts`,
    /// `contacts.readonly` or full scope URLs).
    pub fn mint_token(&self, account: AccountId, scope: &str) -> String {
        self.lock().mint_token(account.0, scope)
    }

    /// Revokes a token (and with it the account's grant); false if it was unknown.
    pub fn revoke_token(&self, token: &str) -> bool {
        self.lock().revoke(token)
    }

    /// Adds `n` realistic synthetic contacts, deterministic from `seed`; returns their names.
    pub fn seed(&self, account: AccountId, n: usize, seed: u64) -> Vec<String> {
        let mut st = self.lock();
        crate::seed::seed(&mut st, account.0, n, seed)
    }

    /// Creates contacts from Person JSON as `createContact` would; returns their names. A
    /// contact's `profile` key links it to a Google profile (see [`Emulator::set_profile`]).
    pub fn seed_json(&self, account: AccountId, persons: &[Value]) -> Result<Vec<String>, String> {
        let mut st = self.lock();
        crate::seed::seed_json(&mut st, account.0, persons).map_err(|e| e.message)
    }

    /// Gives contact `resource_name` its own photo (JPEG or PNG `bytes`), as the user does in
    /// Google Contacts; answers the `photos` item reads now show. A profile's photo is set with
    /// [`Emulator::set_profile`] (`{"photos": [{"url": …}]}`).
    pub fn set_photo(
        &self,
        account: AccountId,
        resource_name: &str,
        bytes: &[u8],
    ) -> Result<Value, ApiError> {
        crate::photo::set_by_admin(&mut self.lock(), account.0, resource_name, bytes, None)
    }

    /// Gives a contact a new resource name of `form`, as Google does when it links the contact to
    /// a profile; returns the new name. Incremental listings then show the contact as changed,
    /// with the old name in `metadata.previousResourceNames`; the old name answers 404.
    pub fn rename_contact(
        &self,
        account: AccountId,
        resource_name: &str,
        form: crate::rename::NameForm,
    ) -> Result<String, ApiError> {
        self.lock().rename_contact(account.0, resource_name, form)
    }

    /// Merges contact `merged` into `survivor` as Google Contacts' "Merge & fix" does: the
    /// survivor takes both contacts' data and, as at Google, a new resource name (both old ones
    /// in `previousResourceNames`); `merged` becomes a tombstone. Returns the survivor's name.
    pub fn merge_contacts(
        &self,
        account: AccountId,
        survivor: &str,
        merged: &str,
    ) -> Result<String, ApiError> {
        self.lock()
            .merge_contacts(account.0, survivor, merged, true)
    }

    /// [`Emulator::merge_contacts`], the survivor keeping its resource name (only the merged
    /// one is in its `previousResourceNames`).
    pub fn merge_contacts_keeping_name(
        &self,
        account: AccountId,
        survivor: &str,
        merged: &str,
    ) -> Result<String, ApiError> {
        self.lock()
            .merge_contacts(account.0, survivor, merged, false)
    }

    /// Everything an account holds: contacts (all fields), groups, tombstones.
    pub fn dump(&self, account: AccountId) -> Value {
        crate::admin::dump(&self.lock(), account.0)
    }

    /// The emulator's clock, in ms since the epoch.
    pub fn now_ms(&self) -> u64 {
        self.lock().now()
    }

    pub fn set_clock(&self, ms: u64) {
        self.lock().set_now(ms);
    }

    pub fn advance_clock(&self, ms: u64) {
        let mut st = self.lock();
        let now = st.now();
        st.set_now(now + ms);
    }

    /// Adds targeted fault rules (consumed in order of addition).
    pub fn add_faults(&self, rules: Vec<FaultRule>) {
        self.lock().rules.extend(rules);
    }

    /// Sets the probability that an API call answers 503 (0 disables).
    pub fn set_fault_rate(&self, rate: f64) {
        let mut st = self.lock();
        st.config.fault_rate = rate;
    }

    pub fn clear_faults(&self) {
        let mut st = self.lock();
        st.rules.clear();
        st.config.fault_rate = 0.0;
    }

    pub fn set_quota(&self, preset: QuotaPreset) {
        let mut st = self.lock();
        st.limits = preset.limits().into_iter().collect();
        st.usage.clear();
    }

    /// Sets one bucket's limit (units per window); `None` lifts it.
    pub fn set_quota_limit(&self, bucket: Bucket, limit: Option<u64>) {
        let mut st = self.lock();
        match limit {
            Some(l) => st.limits.insert(bucket, l),
            None => st.limits.remove(&bucket),
        };
    }

    pub fn set_propagation_delay(&self, ms: u64) {
        self.lock().config.propagation_delay_ms = ms;
    }

    pub fn set_latency(&self, ms: u64) {
        self.lock().config.latency_ms = ms;
    }

    /// Requests, 429s and faults served, per API method id (`people.connections.list`, …).
    pub fn request_counts(&self) -> BTreeMap<String, MethodStats> {
        self.lock().stats.clone()
    }

    /// Forgets all accounts, tokens, faults, usage and counts; keeps the configuration.
    pub fn reset(&self) {
        let mut st = self.lock();
        let config = st.config.clone();
        let now = st.now();
        *st = State::new(config);
        st.set_now(now);
    }
}
