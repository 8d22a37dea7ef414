//! Drives the real [`Engine`] against the emulator library and an in-memory CRM, on the
//! emulator's virtual clock: the shell's loop, without a browser.

use gcontacts_sync_core::people::request::HttpRequest;
use gcontacts_sync_core::store::{self, Stored};
use gcontacts_sync_core::sync::capabilities::Capabilities;
use gcontacts_sync_core::sync::engine::{
    drive as drive_engine, Action, CrmCall, EndWrite, Engine, Input, InvalidContact, Io, Mode,
    Patience, Phase, Progress, Retrying, RunConfig, RunReport, RunRequest, RunResult, RunSetup,
    Trigger, WriteFailed, GOOGLE_MAX_CONTACTS,
};
use gcontacts_sync_core::sync::merge::copy_fields;
use gcontacts_sync_core::sync::model::{Contact, CrmContact, Email, Field, Millis, Phone};
use gcontacts_sync_core::sync::photo;
use gcontacts_sync_core::sync::plan::{Decisions, RunUndo, Scope};
use gcontacts_sync_core::sync::settings::Settings;
use gcontacts_sync_core::sync::state::{AccountState, Touched};
use people_emulator::{AccountId, Config, Emulator, Request};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

pub const BASE: &str = "http://people.test";
pub const INSTANCE: &str = "crm-1";
pub const ACCOUNT: &str = "ann@example.com";

/// The CRM side: contacts by id, with the host contract's behaviour. Its change feed is a log of
/// (contact id, deleted): the host's own writes are logged as they happen, and direct edits of
/// `contacts` by a test are found by comparison when the feed is next read.
#[derive(Default)]
pub struct MemCrm {
    pub contacts: BTreeMap<String, CrmContact>,
    next: u64,
    pub calls: usize,
    /// The `list` calls among them: pages of a full listing.
    pub lists: usize,
    log: Vec<(String, bool)>,
    known: BTreeMap<String, CrmContact>,
    /// The members of the saved view `VIEW`, when a test uses one.
    pub view: BTreeSet<String>,
    /// Contacts the host returns as invalid records (a birthday "March 5", say).
    pub invalid: BTreeSet<String>,
    /// The next this many `update` calls fail.
    pub failing_updates: usize,
    /// Refuses an update without `ifModifiedAt`, as a careful host would.
    pub strict: bool,
    /// Contacts the current user may not change, with the reason the host gives: read with
    /// `editable: false`, and every write to them refused.
    pub read_only: BTreeMap<String, String>,
    /// Writes (updates and removals) the plugin sent for contacts in `read_only`, by id: a
    /// careful host refuses them; the plugin should never send one.
    pub forbidden_writes: Vec<String>,
    /// Contacts the host refuses to change without saying so when they are read: an `update`
    /// or `remove` naming one is refused whole (`PERMISSION_DENIED`, naming it), writing
    /// nothing, as a host that checks permissions only on writes does.
    pub refuse_writes: BTreeSet<String>,
    /// The CRM session has ended: every call is refused `UNAUTHENTICATED`.
    pub session_ended: bool,
    /// Contacts `remove` deleted, where `restore` brings them back (as Creme's trash): a test
    /// empties it, or takes one out, to have a restore fail.
    pub trash: BTreeMap<String, CrmContact>,
}

/// The saved view a test puts contacts in.
pub const VIEW: &str = "view-1";

impl MemCrm {
    pub fn add(&mut self, contact: Contact, now: Millis) -> String {
        self.next += 1;
        let id = format!("{:05}", self.next);
        self.contacts.insert(
            id.clone(),
            CrmContact {
                id: id.clone(),
                modified_at: now,
                status: None,
                contact,
                read_only: None,
            },
        );
        id
    }

    /// Logs what changed since the log last looked, as a host's change log would have.
    fn log_direct_edits(&mut self) {
        for (id, c) in &self.contacts {
            if self.known.get(id) != Some(c) {
                self.log.push((id.clone(), false));
            }
        }
        for id in self.known.keys() {
            if !self.contacts.contains_key(id) {
                self.log.push((id.clone(), true));
            }
        }
        self.known = self.contacts.clone();
    }

    pub fn answer(&mut self, call: CrmCall, now: Millis) -> Input {
        // Edits made before this call are the user's; the call's own writes follow them.
        self.log_direct_edits();
        let input = self.answer_call(call, now);
        self.log_direct_edits();
        input
    }

    fn answer_call(&mut self, call: CrmCall, now: Millis) -> Input {
        self.calls += 1;
        if self.session_ended {
            return Input::CrmRefused {
                code: "UNAUTHENTICATED".into(),
                message: "the session has expired".into(),
                contact: None,
            };
        }
        let named = match &call {
            CrmCall::Update { items } => items.iter().map(|u| u.id.clone()).collect(),
            CrmCall::Remove { ids } | CrmCall::Restore { ids } => ids.clone(),
            CrmCall::SetPhotos { items } => items.iter().map(|(id, _)| id.clone()).collect(),
            _ => Vec::new(),
        };
        if let Some(id) = named.into_iter().find(|id| self.refuse_writes.contains(id)) {
            return Input::CrmRefused {
                code: "PERMISSION_DENIED".into(),
                message: format!("you may not edit contact {id}"),
                contact: Some(id),
            };
        }
        let invalid = self.invalid.clone();
        let read_only = self.read_only.clone();
        let read = move |mut c: CrmContact| {
            c.read_only = read_only.get(&c.id).cloned();
            if invalid.contains(&c.id) {
                Err(InvalidContact {
                    id: Some(c.id),
                    message: "birthday \"March 5\" is not a date".into(),
                })
            } else {
                Ok(c)
            }
        };
        let ok = |items: Vec<CrmContact>, next: Option<String>| Input::Crm {
            items: items.into_iter().map(read.clone()).collect(),
            next_page_token: next,
        };
        match call {
            CrmCall::List {
                view_id,
                page_token,
                page_size,
            } => {
                self.lists += 1;
                let after = page_token.unwrap_or_default();
                let items: Vec<CrmContact> = self
                    .contacts
                    .range::<String, _>((
                        std::ops::Bound::Excluded(after.clone()),
                        std::ops::Bound::Unbounded,
                    ))
                    .filter(|(k, _)| after.is_empty() || **k > after)
                    .filter(|(k, _)| view_id.is_none() || self.view.contains(*k))
                    .take(page_size as usize + 1)
                    .map(|(_, c)| c.clone())
                    .collect();
                let more = items.len() > page_size as usize;
                let items: Vec<CrmContact> = items.into_iter().take(page_size as usize).collect();
                let next = more.then(|| items.last().map(|c| c.id.clone())).flatten();
                ok(items, next)
            }
            CrmCall::ChangedSince { cursor } => {
                self.log_direct_edits();
                let from = cursor.and_then(|c| c.parse::<usize>().ok()).unwrap_or(0);
                let mut last: BTreeMap<&str, bool> = BTreeMap::new();
                for (id, deleted) in self.log.iter().skip(from) {
                    last.insert(id, *deleted);
                }
                let items = last
                    .iter()
                    .filter(|(_, d)| !**d)
                    .filter_map(|(id, _)| self.contacts.get(*id).cloned())
                    .map(read.clone())
                    .collect();
                let deleted_ids = last
                    .iter()
                    .filter(|(_, d)| **d)
                    .map(|(id, _)| id.to_string())
                    .collect();
                Input::CrmChanges {
                    items,
                    deleted_ids,
                    cursor: self.log.len().to_string(),
                    more: false,
                }
            }
            CrmCall::Get { ids } => ok(
                ids.iter()
                    .filter_map(|id| self.contacts.get(id).cloned())
                    .collect(),
                None,
            ),
            CrmCall::Create { items } => {
                let mut out = Vec::new();
                for (contact, status) in items {
                    let id = self.add(contact, now);
                    let c = self.contacts.get_mut(&id).expect("just added");
                    c.status = status;
                    out.push(c.clone());
                }
                ok(out, None)
            }
            CrmCall::Update { items } => {
                if self.failing_updates > 0 {
                    self.failing_updates -= 1;
                    return Input::CrmFailed {
                        message: "the CRM is unavailable".into(),
                    };
                }
                let mut out = Vec::new();
                for u in items {
                    if self.read_only.contains_key(&u.id) {
                        self.forbidden_writes.push(u.id);
                        continue;
                    }
                    let Some(c) = self.contacts.get_mut(&u.id) else {
                        continue;
                    };
                    if u.if_modified_at.is_some_and(|t| t != c.modified_at)
                        || (self.strict && u.if_modified_at.is_none())
                    {
                        continue;
                    }
                    let custom = c.contact.custom.clone();
                    copy_fields(&mut c.contact, &u.contact, &u.fields);
                    // As a host takes `custom`: the values sent, "" clearing one, the rest kept.
                    c.contact.custom = custom;
                    if u.fields.contains(&Field::Custom) {
                        for (k, v) in &u.contact.custom {
                            match v.is_empty() {
                                true => c.contact.custom.remove(k),
                                false => c.contact.custom.insert(k.clone(), v.clone()),
                            };
                        }
                    }
                    if u.status.is_some() {
                        c.status = u.status;
                    }
                    c.modified_at = now;
                    out.push(c.clone());
                }
                ok(out, None)
            }
            CrmCall::SetPhotos { items } => {
                let mut out = Vec::new();
                for (id, data) in items {
                    let Some(c) = self.contacts.get_mut(&id) else {
                        continue;
                    };
                    c.contact.photo = data.map(|d| photo::from_data_url(&d).expect("a photo"));
                    c.modified_at = now;
                    out.push(c.clone());
                }
                ok(out, None)
            }
            CrmCall::Remove { ids } => {
                for id in ids {
                    if self.read_only.contains_key(&id) {
                        self.forbidden_writes.push(id);
                        continue;
                    }
                    if let Some(c) = self.contacts.remove(&id) {
                        self.trash.insert(id, c);
                    }
                }
                ok(Vec::new(), None)
            }
            // The contacts that came back; one no longer in the trash is left out.
            CrmCall::Restore { ids } => {
                let mut out = Vec::new();
                for id in ids {
                    let Some(mut c) = self.trash.remove(&id) else {
                        continue;
                    };
                    c.modified_at = now;
                    self.contacts.insert(id, c.clone());
                    out.push(c);
                }
                ok(out, None)
            }
        }
    }
}

/// Another CRM user's own sync of the same Google account: in a CRM whose users share records,
/// each keeps their own state (and journal) and may change only some of the contacts.
pub struct User {
    state: AccountState,
    journal: Option<String>,
    kept: Option<(AccountState, Stored)>,
    /// The contacts this user may not change, with the host's reason.
    pub read_only: BTreeMap<String, String>,
}

impl User {
    /// A user who has never synced, and may not change `read_only` (id, reason).
    pub fn new(read_only: &[(&str, &str)]) -> User {
        User {
            state: AccountState::new(),
            journal: None,
            kept: None,
            read_only: read_only
                .iter()
                .map(|(id, why)| (id.to_string(), why.to_string()))
                .collect(),
        }
    }
}

/// One account: the emulator, its token, the CRM, the saved state and journal.
pub struct World {
    pub em: Emulator,
    pub account: AccountId,
    pub token: String,
    pub crm: MemCrm,
    pub state: AccountState,
    pub journal: Option<String>,
    pub settings: Settings,
    pub seed: u64,
    /// Whether the CRM offers its change feed to the engine.
    pub feed: bool,
    /// Whether runs confirm deletions over the mass-deletion guard.
    pub confirm: bool,
    /// Faults the network and proxies add to Google's answers (the emulator's own faults come
    /// before Google did anything; these can come after).
    pub net: Vec<NetFault>,
    /// What the CRM declares it can hold.
    pub capabilities: Capabilities,
    /// The photo URLs runs downloaded, in order.
    pub downloads: Vec<String>,
    /// Decisions for the next run only.
    pub decisions: Decisions,
    /// The fingerprint of the previewed plan the next run applies, for the next run only.
    pub fingerprint: Option<String>,
    /// How long runs keep trying while Google fails (a scheduled run's unless a test says).
    pub patience: Patience,
    /// The retries the last run announced, in order.
    pub retries: Vec<Retrying>,
    /// The phases the last run's actions started (`Engine::starts`), in order.
    pub phases: Vec<Phase>,
    /// The storage writes the last run made, in order.
    pub writes: Vec<Store>,
    /// Storage writes that fail, every time, until a test takes them out.
    pub failing_writes: BTreeSet<Store>,
    /// The run log: every report a run that writes logged, oldest first.
    pub log: Vec<RunReport>,
    /// The links the account's summary counts, as the last run wrote it.
    pub meta_links: Option<usize>,
    /// The progress the last run showed (done, total, phase), in order, retries aside.
    pub progress: Vec<(usize, usize, Phase)>,
    /// Cancels the run after this many actions (a user's Cancel), once.
    pub cancel_after: Option<usize>,
    /// The state as the last run saved it, and what storage holds of it: the shell keeps both
    /// between runs and saves only the entries a run touched.
    kept: Option<(AccountState, Stored)>,
    /// The keys the last run's save wrote (shards, then the header), as the shell saves.
    pub saved_keys: Vec<String>,
    /// What the runs kept to be undone, by storage key, as the store lays it out.
    pub undo_store: BTreeMap<String, String>,
    /// The run the next run undoes (its before-images, as loaded from `undo_store`).
    pub undoing: Option<RunUndo>,
    /// The host's limit on one stored value.
    pub max_value_bytes: usize,
    /// Why the last run's images were not kept, if they were not.
    pub not_kept: Option<String>,
    /// Google answers as if no request said `sources`: linked profiles merged into every read.
    pub merged_reads: bool,
    /// The most contacts the Google account holds, as the emulator and the engine both know.
    pub google_max_contacts: usize,
}

/// What happens to the answer of a request whose URL contains `url`, the next `count` times.
pub struct NetFault {
    pub url: &'static str,
    pub count: usize,
    pub kind: NetKind,
}

impl NetFault {
    /// Google does the work for the next `count` requests to `url`, and the answers are lost.
    pub fn lose(url: &'static str, count: usize) -> NetFault {
        NetFault {
            url,
            count,
            kind: NetKind::LoseAnswer,
        }
    }

    /// The next `count` requests to `url` get this answer instead of Google's.
    pub fn answer(url: &'static str, count: usize, status: u16, body: &'static str) -> NetFault {
        NetFault {
            url,
            count,
            kind: NetKind::Answer {
                status,
                retry_after_ms: None,
                body,
            },
        }
    }
}

pub enum NetKind {
    /// Google does the work, and the answer is lost on the way back.
    LoseAnswer,
    /// This answer comes instead of Google's (which is never asked).
    Answer {
        status: u16,
        retry_after_ms: Option<u64>,
        body: &'static str,
    },
    /// Before Google gets the request, the user does this (once).
    UserFirst(Box<dyn Fn(&World)>),
    /// Google refuses with 400 a request whose body passes this test (what it says of a person
    /// whose data it will not take, such as two names from two sources).
    RefuseIf(Box<dyn Fn(&str) -> bool>),
}

/// How [`World::drive`] runs the engine.
pub struct Drive<'h> {
    pub scope: Scope,
    /// A dry run: the engine writes nothing, and the world keeps its state and journal.
    pub preview: bool,
    /// Stops before the action after this many (a closed tab, or a run that never ends): the
    /// driver returns `None` and nothing is saved but the journal, as in a browser.
    pub stop_after: Option<usize>,
    /// Sees, and may change, each answer of Google or the CRM before the engine reads it.
    pub answers: Option<&'h mut dyn FnMut(&mut Input)>,
}

impl Drive<'_> {
    /// A whole run of `scope` that writes, with the answers as they come.
    pub fn new(scope: Scope) -> Self {
        Drive {
            scope,
            preview: false,
            stop_after: None,
            answers: None,
        }
    }
}

impl World {
    pub fn new() -> World {
        World::with_google_limit(GOOGLE_MAX_CONTACTS)
    }

    /// A world whose Google account holds at most `max` contacts (Google's limit, lowered).
    pub fn with_google_limit(max: usize) -> World {
        let em = Emulator::new(Config {
            max_contacts: max,
            ..Config::default()
        });
        let account = em.create_account("ann@example.com");
        let token = em.mint_token(account, "contacts");
        World {
            em,
            account,
            token,
            crm: MemCrm::default(),
            state: AccountState::new(),
            journal: None,
            // Deletions are made at once, as before deletions could wait, unless a test holds
            // them (`held.rs`).
            settings: Settings {
                google_deletes_hold_days: 0,
                crm_deletes_hold_days: 0,
                ..Settings::default()
            },
            seed: 1,
            feed: true,
            confirm: true,
            net: Vec::new(),
            capabilities: Capabilities::default(),
            downloads: Vec::new(),
            decisions: Decisions::default(),
            fingerprint: None,
            patience: Patience::SCHEDULED,
            retries: Vec::new(),
            phases: Vec::new(),
            writes: Vec::new(),
            failing_writes: BTreeSet::new(),
            log: Vec::new(),
            meta_links: None,
            progress: Vec::new(),
            cancel_after: None,
            kept: None,
            saved_keys: Vec::new(),
            undo_store: BTreeMap::new(),
            undoing: None,
            max_value_bytes: store::DEFAULT_MAX_VALUE_BYTES,
            not_kept: None,
            merged_reads: false,
            google_max_contacts: max,
        }
    }

    pub fn now(&self) -> Millis {
        self.em.now_ms() as Millis
    }

    pub fn engine(&mut self, scope: Scope, preview: bool) -> Engine {
        let config = self.config(scope, preview);
        Engine::new(
            self.state.clone(),
            self.settings.clone(),
            self.journal.as_deref(),
            config,
            self.now(),
        )
    }

    /// How the next run is made.
    pub fn config(&mut self, scope: Scope, preview: bool) -> RunConfig {
        self.seed += 1;
        let mode = if preview { Mode::Preview } else { Mode::Sync };
        RunRequest {
            mode,
            confirm_deletions: self.confirm,
            // The user's decisions go with one run, as the preview's Apply passes them.
            decisions: std::mem::take(&mut self.decisions),
            fingerprint: self.fingerprint.take(),
            undo: self.undoing.take(),
            ..RunRequest::sync(scope).by(Trigger::Manual)
        }
        .config(RunSetup {
            instance_id: INSTANCE.into(),
            people_api_base: BASE.into(),
            seed: self.seed,
            account_id: ACCOUNT.into(),
            crm_change_feed: self.feed,
            capabilities: self.capabilities.clone(),
            patience: Some(self.patience),
            google_max_contacts: Some(self.google_max_contacts),
        })
    }

    /// Runs the engine through the one driver (`engine::drive`), answering as the shell would:
    /// Google through the emulator and `net`'s faults, the CRM through `crm`, the clock by
    /// advancing the emulator's, storage in `journal`, `state` and `log` (failing the writes in
    /// `failing_writes`); until the run is done or `drive.stop_after` cuts it short.
    pub fn drive(&mut self, drive: Drive<'_>) -> Option<RunResult> {
        let Drive {
            scope,
            preview,
            stop_after,
            answers,
        } = drive;
        let engine = self.engine(scope, preview);
        let cancel_after = self.cancel_after.take();
        self.retries.clear();
        self.phases.clear();
        self.progress.clear();
        self.writes.clear();
        let mut io = Runner {
            w: self,
            stop_after,
            answers,
            actions: 0,
            cancel_after,
        };
        let result = block_on(drive_engine(engine, &mut io))?;
        // Whatever Google renamed or merged, and however the run ended.
        if let Some((rn, a, b)) = result.state.linked_twice() {
            panic!("Google contact {rn} is linked to two CRM contacts, {a} and {b}");
        }
        Some(result)
    }

    /// Saves a run's state as the shell does, looking only at the entries the run touched, and
    /// checks that this writes exactly what comparing every shard writes: a change the engine
    /// made without naming it would otherwise never reach storage. A state a test replaced
    /// since the last save is compared in full, as after a load.
    fn save(&mut self, state: &AccountState, touched: &Touched) {
        let stored = match self.kept.take() {
            Some((kept, stored)) if kept == self.state => stored,
            _ => Stored::default(),
        };
        let full = store::save_state(ACCOUNT, state, &stored).expect("the state fits");
        let quick = store::save_changes(
            ACCOUNT,
            state,
            &stored,
            Some(touched),
            None,
            store::DEFAULT_MAX_VALUE_BYTES,
        )
        .expect("the state fits");
        assert_eq!(
            (&quick.shards, &quick.header),
            (&full.shards, &full.header),
            "the save of the entries the run touched differs from a full one; touched: {touched:?}",
        );
        self.saved_keys = quick
            .shards
            .iter()
            .chain(&quick.header)
            .map(|(k, _)| k.clone())
            .collect();
        self.kept = Some((state.clone(), quick.stored));
        self.state = state.clone();
    }

    /// Google's answer to a request: the emulator's, unless one of `net`'s faults comes first.
    pub fn google_answer(&mut self, req: HttpRequest) -> Input {
        let path = req
            .url
            .strip_prefix(BASE)
            .expect("our base URL")
            .to_string();
        let body = req.body.as_deref().unwrap_or("");
        let fault = self
            .net
            .iter_mut()
            .position(|f| {
                f.count > 0
                    && path.contains(f.url)
                    && match &f.kind {
                        NetKind::RefuseIf(test) => test(body),
                        _ => true,
                    }
            })
            .inspect(|&i| self.net[i].count -= 1);
        let mut lose = false;
        match fault.map(|i| &self.net[i].kind) {
            Some(NetKind::Answer {
                status,
                retry_after_ms,
                body,
            }) => {
                return Input::Http {
                    status: *status,
                    retry_after_ms: *retry_after_ms,
                    body: body.to_string(),
                }
            }
            Some(NetKind::UserFirst(_)) => {
                let f = self.net.remove(fault.expect("matched"));
                if let NetKind::UserFirst(user) = f.kind {
                    user(self);
                }
            }
            Some(NetKind::LoseAnswer) => lose = true,
            Some(NetKind::RefuseIf(_)) => {
                let body = r#"{"error":{"code":400,"message":"Invalid person. The field \"names\" is a singleton for contact sources; only one value may be set.","status":"INVALID_ARGUMENT"}}"#;
                return Input::Http {
                    status: 400,
                    retry_after_ms: None,
                    body: body.to_string(),
                };
            }
            None => {}
        }
        let (path, body) = if self.merged_reads {
            without_sources(&path, req.body)
        } else {
            (path, req.body)
        };
        let mut r = Request::new(req.method.as_str(), &path).bearer(&self.token);
        if let Some(body) = body {
            r = r.header("Content-Type", "application/json").body(body);
        }
        let resp = self.em.handle(r);
        if resp.drop_connection || lose {
            Input::HttpFailed {
                message: "connection dropped".into(),
            }
        } else {
            Input::Http {
                status: resp.status,
                retry_after_ms: resp
                    .header_value("Retry-After")
                    .and_then(|v| v.parse::<u64>().ok())
                    .map(|s| s * 1000),
                body: resp.text(),
            }
        }
    }

    /// Runs to the end, or stops after `stop_after` actions (a closed tab): then nothing is
    /// saved but the journal, as in a browser.
    pub fn run_with(&mut self, scope: Scope, stop_after: Option<usize>) -> Option<RunResult> {
        self.drive(Drive {
            stop_after,
            ..Drive::new(scope)
        })
    }

    pub fn run(&mut self) -> RunResult {
        self.run_with(Scope::All, None).expect("not interrupted")
    }

    /// The dry run's plan, as the preview shows it; the state and journal stay as they were.
    pub fn preview(&mut self) -> String {
        let result = self.drive(Drive {
            preview: true,
            ..Drive::new(Scope::All)
        });
        let plan = result.expect("a preview runs to its end").plan;
        plan.map(|p| p.to_string()).unwrap_or_default()
    }

    /// Google's contacts, as the emulator holds them.
    pub fn google(&self) -> Vec<Value> {
        let dump = self.em.dump(self.account);
        dump["contacts"].as_array().cloned().unwrap_or_default()
    }

    /// Seeds Google with People API JSON.
    pub fn google_add(&self, persons: &[Value]) -> Vec<String> {
        self.em.seed_json(self.account, persons).expect("seed")
    }

    pub fn google_request(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let mut r = Request::new(method, path).bearer(&self.token);
        if let Some(b) = body {
            r = r
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let resp = self.em.handle(r);
        assert!(
            resp.status < 300,
            "{method} {path}: {} {}",
            resp.status,
            resp.text()
        );
        resp.json_body()
    }

    /// A fresh token, as the shell gets when the old one expired.
    pub fn renew_token(&mut self) {
        self.token = self.em.mint_token(self.account, "contacts");
    }

    /// The runs kept to be undone, oldest first.
    pub fn undoable(&self) -> Vec<String> {
        let index = self.undo_store.get(&store::undo_index_key(ACCOUNT));
        let index = store::undo_index(ACCOUNT, index.map(String::as_str)).expect("reads");
        index.runs.into_iter().map(|r| r.run).collect()
    }

    /// Run `run`'s before-images, loaded from storage as the shell loads them.
    pub fn kept_undo(&self, run: &str) -> RunUndo {
        let index = self.undo_store.get(&store::undo_index_key(ACCOUNT));
        let index = store::undo_index(ACCOUNT, index.map(String::as_str)).expect("reads");
        let kept = index
            .runs
            .iter()
            .find(|r| r.run == run)
            .expect("the run is kept");
        let texts: Vec<Option<String>> = store::undo_piece_keys(ACCOUNT, kept)
            .iter()
            .map(|k| self.undo_store.get(k).cloned())
            .collect();
        store::load_undo(ACCOUNT, kept, &texts).expect("the kept run loads")
    }

    /// The preview of undoing `run`.
    pub fn undo_preview(&mut self, run: &str) -> String {
        self.undoing = Some(self.kept_undo(run));
        self.preview()
    }

    /// Undoes `run`, through the one driver like any run.
    pub fn undo(&mut self, run: &str) -> RunResult {
        self.undoing = Some(self.kept_undo(run));
        self.run_ok()
    }

    /// Runs and checks that the run reported no error.
    pub fn run_ok(&mut self) -> RunResult {
        let r = self.run();
        assert!(r.report.ok, "{:?}", r.report.errors);
        r
    }

    /// Runs once more and checks that the run writes nothing, on either side.
    pub fn settled(&mut self) {
        let r = self.run_ok();
        assert_eq!(
            writes(&r),
            0,
            "a second run writes: {:?}",
            r.plan.map(|p| p.to_string())
        );
    }

    /// Hands the CRM and the Google account over to `other`: from now on runs are that user's
    /// (their state, journal and rights), and `other` holds the previous user's until switched
    /// back.
    pub fn switch_user(&mut self, other: &mut User) {
        std::mem::swap(&mut self.state, &mut other.state);
        std::mem::swap(&mut self.journal, &mut other.journal);
        std::mem::swap(&mut self.kept, &mut other.kept);
        std::mem::swap(&mut self.crm.read_only, &mut other.read_only);
    }

    /// Adds a contact to the CRM, modified now; returns its id.
    pub fn crm_add(&mut self, contact: Contact) -> String {
        let now = self.now();
        self.crm.add(contact, now)
    }

    /// Adds `n` people of family `family` to the CRM: P0 … Pn-1, with emails p0@x.io ….
    pub fn crm_add_people(&mut self, n: usize, family: &str) {
        for i in 0..n {
            self.crm_add(person(&format!("P{i}"), family, &format!("p{i}@x.io")));
        }
    }

    /// The user edits CRM contact `id` now.
    pub fn crm_edit(&mut self, id: &str, edit: impl FnOnce(&mut Contact)) {
        let now = self.now();
        let c = self.crm.contacts.get_mut(id).expect("CRM contact");
        edit(&mut c.contact);
        c.modified_at = now;
    }

    /// The resource name of the Google person linked to CRM contact `id`.
    pub fn resource_name(&self, id: &str) -> String {
        self.state.links[id].resource_name.clone()
    }

    /// The Google person linked to CRM contact `id`.
    pub fn twin(&self, id: &str) -> Value {
        let rn = self.resource_name(id);
        self.google()
            .into_iter()
            .find(|g| g["resourceName"] == rn.as_str())
            .expect("linked person")
    }

    /// The user edits a person in Google a minute later: `fields` (an update mask) set to
    /// `values`, over the etag Google has now.
    pub fn google_edit(&self, rn: &str, fields: &str, mut values: Value) {
        let g = self.google_request(
            "GET",
            &format!("/v1/{rn}?personFields=metadata,{fields}"),
            None,
        );
        self.em.advance_clock(60_000);
        values["etag"] = g["etag"].clone();
        self.google_request(
            "PATCH",
            &format!("/v1/{rn}:updateContact?updatePersonFields={fields}"),
            Some(values),
        );
    }
}

/// A write to the host's storage, as a test names it to fail or to see in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Store {
    Journal,
    State,
    ClearJournal,
    Log,
    Meta,
    Undo,
}

/// One run's runner: the world's effects, in the shape the driver asks for them.
struct Runner<'w, 'h> {
    w: &'w mut World,
    stop_after: Option<usize>,
    answers: Option<&'h mut dyn FnMut(&mut Input)>,
    actions: usize,
    cancel_after: Option<usize>,
}

impl Runner<'_, '_> {
    fn store(&mut self, what: Store) -> Result<(), WriteFailed> {
        self.w.writes.push(what);
        match self.w.failing_writes.contains(&what) {
            true => Err(WriteFailed {
                message: "the storage quota is exceeded".into(),
                host_code: None,
            }),
            false => Ok(()),
        }
    }

    fn seen(&mut self, mut input: Input) -> Input {
        if let Some(see) = self.answers.as_mut() {
            see(&mut input);
        }
        input
    }
}

impl Io for Runner<'_, '_> {
    fn now(&mut self) -> Millis {
        self.w.now()
    }

    fn cancel_requested(&mut self) -> bool {
        self.cancel_after == Some(self.actions)
    }

    async fn proceed(&mut self, _: &Action) -> bool {
        self.actions += 1;
        self.stop_after.is_none_or(|n| self.actions <= n)
    }

    async fn google(&mut self, request: HttpRequest) -> Input {
        let input = self.w.google_answer(request);
        self.seen(input)
    }

    async fn download(&mut self, url: &str, max_bytes: usize) -> Input {
        self.w.downloads.push(url.to_string());
        let fault = (self.w.net.iter_mut()).find(|f| f.count > 0 && url.contains(f.url));
        if let Some(f) = fault {
            f.count -= 1;
            if let NetKind::Answer { status, body, .. } = &f.kind {
                let (status, bytes) = (*status, body.as_bytes().to_vec());
                return self.seen(Input::Downloaded { status, bytes });
            }
        }
        // The emulator serves photos on its own address: the path is what it reads.
        let path = url
            .splitn(4, '/')
            .nth(3)
            .map_or(url.to_string(), |p| format!("/{p}"));
        let resp = self.w.em.handle(Request::get(&path));
        let mut bytes = resp.body;
        bytes.truncate(max_bytes + 1);
        let input = Input::Downloaded {
            status: resp.status,
            bytes,
        };
        self.seen(input)
    }

    async fn crm(&mut self, call: CrmCall) -> Input {
        let now = self.w.now();
        let input = self.w.crm.answer(call, now);
        self.seen(input)
    }

    async fn write_journal(&mut self, text: &str) -> Result<(), WriteFailed> {
        self.store(Store::Journal)?;
        self.w.journal = Some(text.to_string());
        Ok(())
    }

    async fn sleep_until(&mut self, until: Millis) {
        let now = self.w.now();
        self.w.em.advance_clock((until - now).max(0) as u64);
    }

    fn progress(&mut self, p: Progress<'_>) {
        if let Some(r) = p.retrying {
            self.w.retries.push(r.clone());
        } else if p.starts {
            self.w.phases.push(p.phase);
        } else {
            self.w.progress.push((p.done, p.total, p.phase));
        }
    }

    async fn write(&mut self, write: EndWrite<'_>) -> Result<(), WriteFailed> {
        match write {
            EndWrite::State { state, touched } => {
                self.store(Store::State)?;
                self.w.save(state, touched);
            }
            EndWrite::ClearJournal => {
                self.store(Store::ClearJournal)?;
                self.w.journal = None;
            }
            EndWrite::Log(report) => {
                self.store(Store::Log)?;
                self.w.log.push(report.clone());
            }
            EndWrite::Undo(undo) => {
                self.store(Store::Undo)?;
                let index = self.w.undo_store.get(&store::undo_index_key(ACCOUNT));
                let index =
                    store::undo_index(ACCOUNT, index.map(String::as_str)).expect("the index reads");
                let max = self.w.max_value_bytes;
                let save = store::keep_undo(ACCOUNT, index, undo, self.w.settings.undo_keep(), max);
                self.w.undo_store.extend(save.writes);
                for k in save.removes {
                    self.w.undo_store.remove(&k);
                }
                self.w.not_kept = save.not_kept;
            }
            EndWrite::Meta { links } => {
                self.store(Store::Meta)?;
                self.w.meta_links = Some(links);
            }
        }
        Ok(())
    }
}

/// Runs a future whose every await is ready at once, as the harness's effects are: one poll.
pub fn block_on<T>(f: impl Future<Output = T>) -> T {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => unreachable!("the harness's effects never wait"),
    }
}

/// A request's path and body without its `sources` (query parameter or body key).
fn without_sources(path: &str, body: Option<String>) -> (String, Option<String>) {
    let path = match path.split_once('?') {
        Some((p, q)) => {
            let q: Vec<&str> = q
                .split('&')
                .filter(|kv| !kv.starts_with("sources="))
                .collect();
            format!("{p}?{}", q.join("&"))
        }
        None => path.to_string(),
    };
    let body = body.map(|b| match serde_json::from_str::<Value>(&b) {
        Ok(Value::Object(mut o)) => {
            o.remove("sources");
            Value::Object(o).to_string()
        }
        _ => b,
    });
    (path, body)
}

pub fn person(given: &str, family: &str, email: &str) -> Contact {
    let mut c = Contact::default();
    c.name.given = given.into();
    c.name.family = family.into();
    if !email.is_empty() {
        c.emails.push(Email {
            value: email.into(),
            kind: "work".into(),
            primary: false,
        });
    }
    c
}

pub fn with_phone(mut c: Contact, phone: &str) -> Contact {
    c.phones.push(Phone {
        value: phone.into(),
        kind: "mobile".into(),
        canonical: None,
        primary: false,
    });
    c
}

/// The state as a reload finds it: saved through the store's header and shards, then loaded
/// again. A whole save is never read as torn.
pub fn reloaded(state: &AccountState) -> AccountState {
    let account = "ann@example.com";
    let save = store::save_state(account, state, &Stored::default()).expect("the state fits");
    let mut disk: BTreeMap<String, String> = save.shards.into_iter().collect();
    disk.extend(save.header);
    let header = disk.get(&store::key(account, "state")).map(String::as_str);
    let values: Vec<Option<String>> = store::load_keys(account, header)
        .iter()
        .map(|k| disk.get(k).cloned())
        .collect();
    let loaded = store::load_state(account, &values).expect("a saved state loads");
    assert!(!loaded.torn, "a whole save is not torn");
    loaded.state
}

/// How many contacts a run created, updated or deleted, on both sides.
pub fn writes(r: &RunResult) -> usize {
    let x = &r.report;
    x.created.crm
        + x.created.google
        + x.updated.crm
        + x.updated.google
        + x.deleted.crm
        + x.deleted.google
}

/// Every Google contact tagged by this CRM, by CRM id: duplicates are two under one id.
pub fn tagged(w: &World) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for g in w.google() {
        for d in g["clientData"].as_array().into_iter().flatten() {
            if d["key"].as_str().is_some_and(|k| k.ends_with(INSTANCE)) {
                out.entry(d["value"].as_str().unwrap_or("").to_string())
                    .or_default()
                    .push(g["resourceName"].as_str().unwrap_or("").to_string());
            }
        }
    }
    out
}
