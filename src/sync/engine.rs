//! The sync engine: one run of one account, as a state machine without I/O.
//!
//! Contract (quinn-proto / str0m style): the shell calls [`Engine::poll`] with the current time
//! and performs the [`Action`] it returns. `Http`, `Crm` and `SaveJournal` each expect exactly one
//! answer through [`Engine::handle`] before the next `poll`; `Sleep` and `Progress` expect none.
//! `Done` ends the run: [`Engine::finish`] gives the new state, the report and the plan.
//! One action is outstanding at a time, so mutate requests go to Google one after another, as
//! Google asks.
//!
//! A run: find or create the target group; list Google (incremental by sync token, or full);
//! list the CRM; plan; stop there for a preview; journal the pending Google creates; read the
//! persons that updates need and the listing did not bring; execute in batches within Google's
//! limits; commit. Retries: 429, 5xx and network failures back off (Retry-After or `RetryInfo`
//! first, else exponential with jitter drawn from the run's seed) and give up after a bound,
//! failing only what could not be done; an answer that cannot be read counts as a failed
//! attempt, and a wait over five minutes ends the run with `QUOTA` instead. A create that failed
//! other than by a refusal may have reached Google: it is looked up by its tag before being
//! sent again. An etag mismatch re-reads those persons, re-merges those pairs against them (a
//! concurrent edit in Google is merged, not overwritten) and re-sends, at most twice. An expired
//! sync token restarts the listing as a full one, at most twice; a listing that repeats a page
//! ends the run. Google updates go in batches of one field mask each. The sync token moves only
//! when every CRM write its changes led to was made; the CRM cursor only when every write was.
//!
//! Crash safety: the journal names the Google creates in flight and the CRM contacts created
//! from Google. A run that finds a journal lists Google in full, so a create that reached Google
//! is found again by its link tag instead of being sent twice, and links the CRM contacts it had
//! created. A run that could not tell whether its creates were made leaves them in the journal.
//!
//! Reading the CRM: every id the host returns counts as present, valid or not (an invalid
//! record is skipped with an error naming it, never taken for deleted); a deletion is inferred
//! only from an id the host no longer returns. With a change feed, the linked contacts whose
//! Google twin changed are read before planning.

use super::capabilities::Capabilities;
use super::error::ErrorCode;
use super::mapping::{self, apply_to_person, google_contact, new_person};
use super::model::{Contact, CrmContact, Field, GoogleContact, Millis, Side};
use super::plan::{plan, GoogleListing, Outcome, Plan, PlanInput, Scope};
use super::settings::{Settings, TargetGroup};
use super::state::{AccountState, Link};
use super::xorshift::XorShift;
use crate::people::error::ApiError;
use crate::people::request::{
    HttpRequest, ListConnections, Method, PeopleApi, MAX_BATCH_CREATE, MAX_BATCH_DELETE,
    MAX_BATCH_GET, MAX_BATCH_UPDATE, MAX_GROUP_MODIFY, PERSON_FIELDS,
};
use crate::people::tag;
use crate::people::time::format_rfc3339;
use crate::people::wire::{
    BatchCreateContactsResponse, BatchUpdateContactsResponse, ContactGroup, GetPeopleResponse,
    ListConnectionsResponse, ListContactGroupsResponse, ModifyContactGroupMembersRequest, Person,
};
use crate::{json, json_struct};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

/// What started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Trigger {
    Schedule,
    Manual,
    BulkAction,
    RecordAction,
    Push,
    Pull,
}

/// How one run is to be made.
#[derive(Clone, Debug)]
pub struct RunConfig {
    pub scope: Scope,
    pub trigger: Trigger,
    pub confirm_deletions: bool,
    /// Plan and stop: the preview.
    pub preview_only: bool,
    /// The CRM installation's id, which the link tag names.
    pub instance_id: String,
    pub people_api_base: String,
    /// Seeds the backoff jitter, so a run is reproducible.
    pub seed: u64,
    pub account_id: String,
    /// The host has `contacts.changedSince`: whole-account runs over the "All" view read only
    /// what changed since the last run.
    pub crm_change_feed: bool,
    /// What the host can hold (the host contract's `capabilities`).
    pub capabilities: Capabilities,
}

/// The next thing the shell must do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Send it to Google; answer with [`Input::Http`] or [`Input::HttpFailed`].
    Http(HttpRequest),
    /// Call the host; answer with [`Input::Crm`] or [`Input::CrmFailed`].
    Crm(CrmCall),
    /// Write (`Some`) or remove (`None`) the run journal; answer with [`Input::Saved`].
    SaveJournal(Option<String>),
    /// Wait until then and poll again.
    Sleep { until: Millis },
    /// Show progress and poll again.
    Progress {
        done: usize,
        total: usize,
        phase: &'static str,
    },
    /// The run is over: call [`Engine::finish`].
    Done,
}

/// A call of the host contract's `contacts` API.
#[derive(Clone, Debug, PartialEq)]
pub enum CrmCall {
    List {
        view_id: Option<String>,
        page_token: Option<String>,
        page_size: u32,
    },
    Get {
        ids: Vec<String>,
    },
    /// `contacts.changedSince(cursor)`; answer with [`Input::CrmChanges`].
    ChangedSince {
        cursor: Option<String>,
    },
    Create {
        items: Vec<(Contact, Option<String>)>,
    },
    Update {
        items: Vec<CrmUpdate>,
    },
    Remove {
        ids: Vec<String>,
    },
}

/// One contact to update in the CRM: only `fields` are written (and `status` when set).
#[derive(Clone, Debug, PartialEq)]
pub struct CrmUpdate {
    pub id: String,
    pub contact: Contact,
    pub fields: Vec<Field>,
    pub status: Option<String>,
    /// The `modifiedAt` the plan saw: the host refuses the write if the contact changed since.
    pub if_modified_at: Option<Millis>,
}

/// A host item the shell could not turn into a contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidContact {
    pub id: Option<String>,
    pub message: String,
}

/// What the shell reports back.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    Http {
        status: u16,
        /// The `Retry-After` header, in milliseconds.
        retry_after_ms: Option<u64>,
        body: String,
    },
    /// The request never got an answer (network error, dropped connection, timeout).
    HttpFailed {
        message: String,
    },
    /// `contacts.list`/`get`/`create`/`update` answered these contacts (bad items as errors);
    /// `remove` answers an empty list.
    Crm {
        items: Vec<Result<CrmContact, InvalidContact>>,
        next_page_token: Option<String>,
    },
    /// `contacts.changedSince` answered.
    CrmChanges {
        items: Vec<Result<CrmContact, InvalidContact>>,
        deleted_ids: Vec<String>,
        cursor: String,
        more: bool,
    },
    CrmFailed {
        message: String,
    },
    Saved,
}

/// A failure the run met, in plain words, with the contact it concerns when there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerSide {
    pub crm: usize,
    pub google: usize,
}

impl PerSide {
    fn add(&mut self, side: Side, n: usize) {
        match side {
            Side::Crm => self.crm += n,
            Side::Google => self.google += n,
        }
    }
}

/// What a run did, for the run log and the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub account_id: String,
    pub trigger: Trigger,
    pub started_at: String,
    pub finished_at: String,
    pub ok: bool,
    pub created: PerSide,
    pub updated: PerSide,
    pub deleted: PerSide,
    pub linked: usize,
    pub unlinked: usize,
    pub conflicts: Vec<super::plan::PairConflict>,
    pub ambiguous: Vec<super::matching::Ambiguous>,
    pub held: Vec<super::plan::HeldDeletions>,
    pub errors: Vec<RunError>,
    /// HTTP requests made, by People API method.
    pub requests: Counts,
    /// Of those, answered 429.
    pub throttled: usize,
}

/// Counts by name, in name order.
pub type Counts = BTreeMap<String, usize>;

/// The journal a run leaves while it writes; see the module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Journal {
    /// CRM ids whose Google create may have been sent.
    pub google_creates: Vec<String>,
    /// Google resource name → CRM id of contacts created in the CRM.
    pub crm_created: BTreeMap<String, String>,
}

json_struct!(default Journal {
    google_creates: "googleCreates",
    crm_created: "crmCreated",
});

/// The end of a run.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub state: AccountState,
    pub report: RunReport,
    pub plan: Option<Plan>,
}

const CRM_PAGE: u32 = 1000;
/// Host writes per call: small enough for a host's API, big enough to be quick.
const CRM_BATCH: usize = 200;
const MAX_ATTEMPTS: u32 = 6;
const MAX_QUOTA_ATTEMPTS: u32 = 20;
const MAX_ETAG_ROUNDS: u32 = 2;
/// The longest wait a run makes while holding the lock: a longer `Retry-After` ends the run with
/// `QUOTA`, saying when to try again.
const MAX_WAIT_MS: u64 = 5 * 60_000;
/// Full listings an expired sync token may restart before the run gives up.
const MAX_RESTARTS: u32 = 2;
/// What the look-up of creates whose answer was lost reads: the link tag is all it needs.
const TAG_FIELDS: &str = "clientData,metadata";
const READ_MASK: &str = "metadata,clientData,memberships";

#[derive(Clone, Debug, PartialEq)]
enum Step {
    CrmChanges {
        cursor: Option<String>,
    },
    FindGroup {
        page_token: Option<String>,
    },
    CreateGroup {
        name: String,
    },
    ListGoogle {
        page_token: Option<String>,
    },
    ListCrm {
        view: Option<String>,
        page_token: Option<String>,
        other: bool,
    },
    GetCrm {
        ids: Vec<String>,
        confirm_deleted: bool,
    },
    Plan,
    /// Looks up by their link tag the creates of a batch whose answer was lost, before any is
    /// sent again: a full listing of the tags alone.
    FindCreated {
        items: Vec<usize>,
        page_token: Option<String>,
    },
    /// Re-merges the pairs of a Google update batch against their persons just re-read.
    Remerge {
        items: Vec<usize>,
    },
    WriteJournal,
    BatchGet {
        names: Vec<String>,
    },
    CreateGoogle {
        items: Vec<usize>,
    },
    UpdateGoogle {
        items: Vec<usize>,
        round: u32,
    },
    DeleteGoogle {
        items: Vec<usize>,
    },
    AddToGroup {
        group: String,
        names: Vec<String>,
    },
    CreateCrm {
        items: Vec<usize>,
    },
    TagGoogle {
        items: Vec<(String, String)>,
    },
    UpdateCrm {
        items: Vec<usize>,
    },
    DeleteCrm {
        items: Vec<usize>,
    },
    Commit,
    ClearJournal,
}

/// One run; see the module docs for the contract.
pub struct Engine {
    config: RunConfig,
    settings: Settings,
    state: AccountState,
    api: PeopleApi,
    journal: Journal,
    steps: VecDeque<Step>,
    in_flight: Option<Step>,
    attempts: u32,
    sleep_until: Option<Millis>,
    rng: XorShift,
    started_at: Millis,
    done: bool,
    failed: bool,
    progress: Option<(usize, usize, &'static str)>,
    // What the run has read.
    listing: GoogleListing,
    persons: HashMap<String, Person>,
    next_sync_token: Option<String>,
    full_listing: bool,
    crm: Vec<CrmContact>,
    crm_other: Vec<CrmContact>,
    crm_deleted: Vec<String>,
    target_group: Option<String>,
    /// Read through the change feed from a cursor: unchanged CRM contacts were not loaded.
    crm_incremental: bool,
    all_crm_loaded: bool,
    /// CRM ids the host returned as invalid records: present, but not readable this run.
    crm_invalid: Vec<String>,
    /// Page tokens (and change-feed cursors) already asked for, by listing: a repeat would loop.
    pages_seen: Vec<String>,
    /// Full listings restarted after an expired sync token.
    restarts: u32,
    /// The attempts counted before the answer being handled: an unreadable success answer is a
    /// failed attempt, not a fresh start.
    prior_attempts: u32,
    /// A Google create went unanswered (a lost connection, a 5xx, an unreadable answer): the
    /// creates not known made stay in the journal, so the next run looks them up by tag before
    /// sending any again.
    creates_unanswered: bool,
    next_crm_cursor: Option<String>,
    // What it plans and did.
    plan: Option<Plan>,
    outcome: Outcome,
    /// CRM ids whose update went through, per side written. Two sets of ids rather than one of
    /// `(id, Side)` pairs: the wasm has `BTreeSet<String>` already.
    crm_updates_done: BTreeSet<String>,
    google_updates_done: BTreeSet<String>,
    writes_total: usize,
    writes_done: usize,
    report: RunReport,
}

impl Engine {
    /// A run over `state` with `settings`; `journal` is what an interrupted run left, if any.
    pub fn new(
        state: AccountState,
        settings: Settings,
        journal: Option<&str>,
        config: RunConfig,
        now: Millis,
    ) -> Engine {
        let journal: Journal = journal
            .and_then(|j| json::from_str(j).ok())
            .unwrap_or_default();
        let api = PeopleApi::new(&config.people_api_base);
        let report = RunReport {
            account_id: config.account_id.clone(),
            trigger: config.trigger,
            started_at: format_rfc3339(now),
            finished_at: String::new(),
            ok: true,
            created: PerSide::default(),
            updated: PerSide::default(),
            deleted: PerSide::default(),
            linked: 0,
            unlinked: 0,
            conflicts: Vec::new(),
            ambiguous: Vec::new(),
            held: Vec::new(),
            errors: Vec::new(),
            requests: Counts::default(),
            throttled: 0,
        };
        let mut e = Engine {
            rng: XorShift::new(config.seed),
            config,
            settings,
            state,
            api,
            journal,
            steps: VecDeque::new(),
            in_flight: None,
            attempts: 0,
            sleep_until: None,
            started_at: now,
            done: false,
            failed: false,
            progress: None,
            listing: GoogleListing::default(),
            persons: HashMap::new(),
            next_sync_token: None,
            full_listing: false,
            crm: Vec::new(),
            crm_other: Vec::new(),
            crm_deleted: Vec::new(),
            target_group: None,
            crm_incremental: false,
            all_crm_loaded: false,
            crm_invalid: Vec::new(),
            pages_seen: Vec::new(),
            restarts: 0,
            prior_attempts: 0,
            creates_unanswered: false,
            next_crm_cursor: None,
            plan: None,
            outcome: Outcome::default(),
            crm_updates_done: BTreeSet::new(),
            google_updates_done: BTreeSet::new(),
            writes_total: 0,
            writes_done: 0,
            report,
        };
        e.recover_journal();
        e.start();
        e
    }

    /// Links the CRM contacts an interrupted run created from Google, so they are not imported
    /// twice; their empty base makes the next merge a fill-in, which finds both sides equal.
    fn recover_journal(&mut self) {
        let created = std::mem::take(&mut self.journal.crm_created);
        for (rn, crm_id) in created {
            self.state.links.entry(crm_id.clone()).or_insert(Link {
                crm_id,
                resource_name: rn,
                etag: String::new(),
                base: Contact::default(),
                synced_at: self.started_at,
            });
        }
    }

    fn start(&mut self) {
        let writes_google = self.settings.directions.writes_google()
            && !matches!(self.config.scope, Scope::PullAll);
        self.target_group = match &self.settings.target_group {
            TargetGroup::Existing(rn) => Some(rn.clone()),
            TargetGroup::Named(_) => self.state.target_group.clone(),
        };
        if writes_google && !self.config.preview_only && self.target_group.is_none() {
            self.steps.push_back(Step::FindGroup { page_token: None });
        }
        self.full_listing = lists_google_in_full(&self.state, &self.journal);
        self.steps.push_back(Step::ListGoogle { page_token: None });
        match &self.config.scope {
            Scope::Contacts { ids } => self.steps.push_back(Step::GetCrm {
                ids: ids.clone(),
                confirm_deleted: false,
            }),
            Scope::PushAll => self.steps.push_back(Step::ListCrm {
                view: self.settings.crm_view_id.clone(),
                page_token: None,
                other: false,
            }),
            Scope::All if self.config.crm_change_feed && self.settings.crm_view_id.is_none() => {
                // From no cursor the feed returns every contact, and a cursor for next time.
                self.crm_incremental = self.state.crm_cursor.is_some();
                self.steps.push_back(Step::CrmChanges {
                    cursor: self.state.crm_cursor.clone(),
                });
            }
            Scope::All | Scope::PullAll => {
                let view = match self.config.scope {
                    Scope::PullAll => None,
                    _ => self.settings.crm_view_id.clone(),
                };
                let has_view = view.is_some();
                self.steps.push_back(Step::ListCrm {
                    view,
                    page_token: None,
                    other: false,
                });
                if has_view {
                    // Everything else, for matching and for telling deletions from contacts that
                    // merely left the view.
                    self.steps.push_back(Step::ListCrm {
                        view: None,
                        page_token: None,
                        other: true,
                    });
                }
            }
        }
        self.steps.push_back(Step::Plan);
    }

    /// The next action; see the module docs.
    pub fn poll(&mut self, now: Millis) -> Action {
        if self.done {
            return Action::Done;
        }
        if self.in_flight.is_some() {
            // The shell polled before answering: ask again for the same thing.
            let step = self.in_flight.take();
            if let Some(step) = step {
                self.steps.push_front(step);
            }
        }
        if let Some(until) = self.sleep_until {
            if now < until {
                return Action::Sleep { until };
            }
            self.sleep_until = None;
        }
        if let Some((done, total, phase)) = self.progress.take() {
            return Action::Progress { done, total, phase };
        }
        loop {
            let Some(step) = self.steps.pop_front() else {
                self.finish_run(now);
                return Action::Done;
            };
            let step = self.split_by_mask(step);
            if let Some(action) = self.act(&step, now) {
                self.in_flight = Some(step);
                return action;
            }
            if self.done {
                return Action::Done;
            }
        }
    }

    /// Records the answer to the last action.
    pub fn handle(&mut self, input: Input, now: Millis) {
        let Some(step) = self.in_flight.take() else {
            return;
        };
        match input {
            Input::Saved => self.attempts = 0,
            Input::HttpFailed { message } => {
                self.retry_or_fail(step, now, None, false, ErrorCode::Network, &message)
            }
            Input::CrmFailed { message } => self.crm_failed(step, &message),
            Input::Http {
                status,
                retry_after_ms,
                body,
            } => {
                if (200..300).contains(&status) {
                    self.prior_attempts = std::mem::take(&mut self.attempts);
                    self.http_ok(step, &body, now);
                } else {
                    self.http_error(step, status, retry_after_ms, &body, now);
                }
            }
            Input::Crm {
                items,
                next_page_token,
            } => {
                self.attempts = 0;
                self.crm_ok(step, items, next_page_token);
            }
            Input::CrmChanges {
                items,
                deleted_ids,
                cursor,
                more,
            } => {
                self.attempts = 0;
                self.crm_changes(items, deleted_ids, cursor, more);
            }
        }
    }

    /// The new state, the report and the plan. Call after `poll` returned `Done`.
    pub fn finish(self) -> RunResult {
        RunResult {
            state: self.state,
            report: self.report,
            plan: self.plan,
        }
    }

    /// The plan, once made.
    pub fn plan(&self) -> Option<&Plan> {
        self.plan.as_ref()
    }

    fn count(&mut self, req: &HttpRequest) {
        *self
            .report
            .requests
            .entry(method_name(req).to_string())
            .or_default() += 1;
    }

    fn error(&mut self, code: ErrorCode, message: String, contact: Option<String>) {
        self.report.errors.push(RunError {
            code,
            message,
            contact,
        });
    }

    /// Ends the run early: what was done is committed, the rest is failed.
    fn abort(&mut self, code: ErrorCode, message: String) {
        self.error(code, message, None);
        self.failed = true;
        let executing = self.plan.is_some() && !self.config.preview_only;
        self.steps.clear();
        if executing {
            self.steps.push_back(Step::Commit);
            self.steps.push_back(Step::ClearJournal);
        }
    }

    fn http(&mut self, req: HttpRequest) -> Option<Action> {
        self.count(&req);
        Some(Action::Http(req))
    }

    /// Performs `step` if it needs the shell; internal steps run here and return `None`.
    fn act(&mut self, step: &Step, now: Millis) -> Option<Action> {
        match step {
            Step::FindGroup { page_token } => {
                let req = self.api.list_contact_groups(page_token.as_deref());
                self.http(req)
            }
            Step::CreateGroup { name } => match self.api.create_contact_group(name) {
                Ok(req) => self.http(req),
                Err(e) => {
                    self.abort(ErrorCode::GoogleError, e.to_string());
                    None
                }
            },
            Step::ListGoogle { page_token } => {
                let q = ListConnections {
                    page_token: page_token.clone(),
                    sync_token: if self.full_listing {
                        None
                    } else {
                        self.state.sync_token.clone()
                    },
                    ..ListConnections::default()
                };
                if page_token.is_none() {
                    self.progress = None;
                }
                let req = self.api.list_connections(&q);
                self.http(req)
            }
            Step::ListCrm {
                view, page_token, ..
            } => Some(Action::Crm(CrmCall::List {
                view_id: view.clone(),
                page_token: page_token.clone(),
                page_size: CRM_PAGE,
            })),
            Step::CrmChanges { cursor } => Some(Action::Crm(CrmCall::ChangedSince {
                cursor: cursor.clone(),
            })),
            Step::GetCrm { ids, .. } => {
                if ids.is_empty() {
                    return None;
                }
                Some(Action::Crm(CrmCall::Get { ids: ids.clone() }))
            }
            Step::Plan => {
                self.make_plan(now);
                None
            }
            Step::WriteJournal => Some(Action::SaveJournal(Some(
                serde_json::to_string(&self.journal).unwrap_or_default(),
            ))),
            Step::ClearJournal => Some(Action::SaveJournal(
                (!self.journal.google_creates.is_empty())
                    .then(|| serde_json::to_string(&self.journal).unwrap_or_default()),
            )),
            Step::FindCreated { page_token, .. } => {
                let q = ListConnections {
                    person_fields: TAG_FIELDS.to_string(),
                    page_token: page_token.clone(),
                    request_sync_token: false,
                    ..ListConnections::default()
                };
                let req = self.api.list_connections(&q);
                self.http(req)
            }
            Step::Remerge { items } => {
                self.remerge(items, now);
                None
            }
            Step::BatchGet { names } => match self.api.batch_get(names, PERSON_FIELDS) {
                Ok(req) => self.http(req),
                Err(e) => {
                    self.error(ErrorCode::GoogleError, e.to_string(), None);
                    None
                }
            },
            Step::CreateGoogle { items } => {
                let plan = self.plan.as_ref()?;
                let people: Vec<Person> = items
                    .iter()
                    .map(|&i| {
                        let c = &plan.creates_google[i];
                        new_person(&c.contact, (&self.config.instance_id, &c.crm_id), &c.groups)
                    })
                    .collect();
                match self.api.batch_create_contacts(&people, READ_MASK) {
                    Ok(req) => self.http(req),
                    Err(e) => {
                        self.error(ErrorCode::GoogleError, e.to_string(), None);
                        None
                    }
                }
            }
            Step::UpdateGoogle { items, .. } => {
                let (people, mask) = self.google_updates(items);
                if people.is_empty() {
                    return None;
                }
                let mask: Vec<&str> = mask.iter().map(String::as_str).collect();
                match self.api.batch_update_contacts(&people, &mask, READ_MASK) {
                    Ok(req) => self.http(req),
                    Err(e) => {
                        self.error(ErrorCode::GoogleError, e.to_string(), None);
                        None
                    }
                }
            }
            Step::TagGoogle { items } => {
                let mut people = Vec::new();
                for (rn, crm_id) in items {
                    if let Some(p) = self.persons.get(rn) {
                        let mut p = p.clone();
                        tag::set(&mut p.client_data, &self.config.instance_id, crm_id);
                        people.push(p);
                    }
                }
                if people.is_empty() {
                    return None;
                }
                match self
                    .api
                    .batch_update_contacts(&people, &["clientData"], READ_MASK)
                {
                    Ok(req) => self.http(req),
                    Err(e) => {
                        self.error(ErrorCode::GoogleError, e.to_string(), None);
                        None
                    }
                }
            }
            Step::DeleteGoogle { items } => {
                let plan = self.plan.as_ref()?;
                let names: Vec<String> = items
                    .iter()
                    .map(|&i| plan.deletes[i].resource_name.clone())
                    .collect();
                match self.api.batch_delete_contacts(&names) {
                    Ok(req) => self.http(req),
                    Err(e) => {
                        self.error(ErrorCode::GoogleError, e.to_string(), None);
                        None
                    }
                }
            }
            Step::AddToGroup { group, names } => {
                let change = ModifyContactGroupMembersRequest {
                    resource_names_to_add: names.clone(),
                    ..ModifyContactGroupMembersRequest::default()
                };
                match self.api.modify_group_members(group, &change) {
                    Ok(req) => self.http(req),
                    Err(e) => {
                        self.error(ErrorCode::GoogleError, e.to_string(), None);
                        None
                    }
                }
            }
            Step::CreateCrm { items } => {
                let plan = self.plan.as_ref()?;
                let items = items
                    .iter()
                    .map(|&i| {
                        let c = &plan.creates_crm[i];
                        (c.contact.clone(), c.status.clone())
                    })
                    .collect();
                Some(Action::Crm(CrmCall::Create { items }))
            }
            Step::UpdateCrm { items } => {
                let plan = self.plan.as_ref()?;
                // Contacts by id, the map type the planner has already (a map to their
                // `modified_at` alone would be one more hash map type in the wasm).
                let seen: HashMap<&str, &CrmContact> = self
                    .crm
                    .iter()
                    .chain(&self.crm_other)
                    .map(|c| (c.id.as_str(), c))
                    .collect();
                let items = items
                    .iter()
                    .map(|&i| {
                        let u = &plan.updates[i];
                        CrmUpdate {
                            id: u.crm_id.clone(),
                            contact: u.contact.clone(),
                            fields: u.fields(),
                            status: u.status.clone(),
                            if_modified_at: seen.get(u.crm_id.as_str()).map(|c| c.modified_at),
                        }
                    })
                    .collect();
                Some(Action::Crm(CrmCall::Update { items }))
            }
            Step::DeleteCrm { items } => {
                let plan = self.plan.as_ref()?;
                let ids = items
                    .iter()
                    .map(|&i| plan.deletes[i].crm_id.clone())
                    .collect();
                Some(Action::Crm(CrmCall::Remove { ids }))
            }
            Step::Commit => {
                self.commit(now);
                None
            }
        }
    }

    /// The persons and the union of fields for a batch of Google updates, sorted and without
    /// repeats. A sorted `Vec<String>` rather than a `BTreeSet<&str>`: the wasm sorts and dedups
    /// `Vec<String>` already, and a `BTreeSet<&str>` would be a B-tree type of its own.
    fn google_updates(&self, items: &[usize]) -> (Vec<Person>, Vec<String>) {
        let mut people = Vec::new();
        let mut mask: Vec<String> = Vec::new();
        let Some(plan) = self.plan.as_ref() else {
            return (people, mask);
        };
        for &i in items {
            let u = &plan.updates[i];
            let Some(person) = self.persons.get(&u.resource_name) else {
                continue;
            };
            let limited = (!self.config.capabilities.is_unlimited()).then(|| {
                let base = self.state.links.get(&u.crm_id).map(|l| &l.base);
                let region = self.settings.region();
                let google = mapping::contact(person);
                (self.config.capabilities).keep_beyond(&u.contact, &google, base, region)
            });
            let contact = limited.as_ref().unwrap_or(&u.contact);
            let (mut p, changed) =
                apply_to_person(person, contact, &u.fields(), self.settings.region());
            mask.extend(changed.into_iter().map(String::from));
            // Every write to a linked contact makes sure it carries the tag, whether or not the
            // plan saw it missing (a tag write that failed, a person the listing did not show).
            if tag::set(&mut p.client_data, &self.config.instance_id, &u.crm_id) {
                mask.push("clientData".to_string());
            }
            if p.etag.is_none() || !u.etag.is_empty() {
                p.etag = Some(u.etag.clone()).filter(|e| !e.is_empty()).or(p.etag);
            }
            people.push(p);
        }
        // Unstable sorts throughout: equal strings are indistinguishable, and the wasm then
        // carries no stable sort.
        mask.sort_unstable();
        mask.dedup();
        if mask.is_empty() {
            // Nothing Google-visible changed (e.g. only a reordering): no request.
            people.clear();
        }
        (people, mask)
    }

    /// Sends a batch of Google updates as several when the persons' field masks differ: one
    /// mask for all would write every person's fields that another person changed, and one
    /// person whose untouched field Google refuses (two names from two sources, say) would
    /// fail the whole batch, run after run. A person that already holds what would be written
    /// needs no request: its update is done. One not read (gone from Google) goes with the
    /// first group and fails there, to be planned again.
    fn split_by_mask(&mut self, step: Step) -> Step {
        let Step::UpdateGoogle { items, round } = step else {
            return step;
        };
        let mut masks: Vec<Vec<String>> = Vec::new();
        let mut items_left = Vec::new();
        for i in items {
            let mask = self.google_updates(&[i]).1;
            let Some(u) = self.plan.as_ref().map(|p| &p.updates[i]) else {
                continue;
            };
            if mask.is_empty() && self.persons.contains_key(&u.resource_name) {
                let id = u.crm_id.clone();
                self.google_updates_done.insert(id);
                continue;
            }
            masks.push(mask);
            items_left.push(i);
        }
        let items = items_left;
        let Some(first) = masks.iter().find(|m| !m.is_empty()) else {
            return Step::UpdateGoogle { items, round };
        };
        let mut first_group = Vec::new();
        let mut later = Vec::new();
        for (i, m) in items.iter().copied().zip(&masks) {
            if m.is_empty() || m == first {
                first_group.push(i);
            } else {
                later.push(i);
            }
        }
        if !later.is_empty() {
            self.steps.push_front(Step::UpdateGoogle {
                items: later,
                round,
            });
        }
        Step::UpdateGoogle {
            items: first_group,
            round,
        }
    }

    /// Re-merges the pairs of `items` (Google updates refused for a stale etag) against their
    /// persons just re-read: what changed in Google meanwhile is merged like any edit, so it
    /// is neither overwritten in Google nor lost to the CRM. A pair whose person could not be
    /// read is left for the next run.
    fn remerge(&mut self, items: &[usize], now: Millis) {
        let Some(mut plan) = self.plan.take() else {
            return;
        };
        let listing = GoogleListing::default();
        let input = PlanInput {
            state: &self.state,
            settings: &self.settings,
            crm: &self.crm,
            crm_other: &self.crm_other,
            crm_deleted: &[],
            google: &listing,
            target_group: self.target_group.as_deref(),
            scope: &self.config.scope,
            confirm_deletions: self.config.confirm_deletions,
            now,
            capabilities: &self.config.capabilities,
        };
        let mut crm_updates = Vec::new();
        let mut nothing_left = Vec::new();
        for &i in items {
            let u = &plan.updates[i];
            let fresh = self
                .persons
                .get(&u.resource_name)
                .and_then(|p| google_contact(p, &self.config.instance_id).ok());
            let crm = self
                .crm
                .iter()
                .chain(&self.crm_other)
                .find(|c| c.id == u.crm_id);
            let (Some(fresh), Some(crm)) = (fresh, crm) else {
                continue;
            };
            let r = plan.remerge(i, input, crm, &fresh);
            if !r.google_write {
                nothing_left.push(plan.updates[i].crm_id.clone());
            }
            crm_updates.extend(r.new_crm_update);
        }
        self.report.conflicts = plan.conflicts.clone();
        self.plan = Some(plan);
        // Google holds the merged values already: nothing left to send for these.
        for id in nothing_left {
            self.google_updates_done.insert(id);
        }
        if !crm_updates.is_empty() {
            self.writes_total += crm_updates.len();
            let at = self
                .steps
                .iter()
                .position(|s| *s == Step::Commit)
                .unwrap_or(self.steps.len());
            self.steps
                .insert(at, Step::UpdateCrm { items: crm_updates });
        }
    }

    fn make_plan(&mut self, now: Millis) {
        let plan = plan(PlanInput {
            state: &self.state,
            settings: &self.settings,
            crm: &self.crm,
            crm_other: &self.crm_other,
            crm_deleted: &self.crm_deleted,
            google: &self.listing,
            target_group: self.target_group.as_deref(),
            scope: &self.config.scope,
            confirm_deletions: self.config.confirm_deletions,
            now,
            capabilities: &self.config.capabilities,
        });
        if self.crm_incremental && !self.all_crm_loaded && !plan.creates_crm.is_empty() {
            // The feed showed only what changed; before importing Google contacts, match them
            // against every CRM contact, or an old unchanged one would be duplicated.
            self.all_crm_loaded = true;
            self.steps.push_front(Step::Plan);
            self.steps.push_front(Step::ListCrm {
                view: None,
                page_token: None,
                other: true,
            });
            return;
        }
        self.report.conflicts = plan.conflicts.clone();
        self.report.ambiguous = plan.ambiguous.clone();
        self.report.held = plan.held.clone();
        if self.config.preview_only {
            self.plan = Some(plan);
            return;
        }
        self.schedule(&plan);
        self.plan = Some(plan);
    }

    /// Queues the plan's writes in batches.
    fn schedule(&mut self, plan: &Plan) {
        let mut steps = Vec::new();
        if !plan.creates_google.is_empty() {
            self.journal.google_creates = plan
                .creates_google
                .iter()
                .map(|c| c.crm_id.clone())
                .collect();
            steps.push(Step::WriteJournal);
            let idx: Vec<usize> = (0..plan.creates_google.len()).collect();
            for chunk in idx.chunks(MAX_BATCH_CREATE) {
                steps.push(Step::CreateGoogle {
                    items: chunk.to_vec(),
                });
            }
        }
        let google_updates: Vec<usize> = (0..plan.updates.len())
            .filter(|&i| plan.updates[i].side == Side::Google)
            .collect();
        let missing: Vec<String> = google_updates
            .iter()
            .map(|&i| plan.updates[i].resource_name.clone())
            .filter(|rn| !self.persons.contains_key(rn))
            .collect();
        for chunk in missing.chunks(MAX_BATCH_GET) {
            steps.push(Step::BatchGet {
                names: chunk.to_vec(),
            });
        }
        for chunk in google_updates.chunks(MAX_BATCH_UPDATE) {
            steps.push(Step::UpdateGoogle {
                items: chunk.to_vec(),
                round: 0,
            });
        }
        let google_deletes: Vec<usize> = (0..plan.deletes.len())
            .filter(|&i| plan.deletes[i].side == Side::Google)
            .collect();
        for chunk in google_deletes.chunks(MAX_BATCH_DELETE) {
            steps.push(Step::DeleteGoogle {
                items: chunk.to_vec(),
            });
        }
        for add in &plan.group_adds {
            for chunk in add.resource_names.chunks(MAX_GROUP_MODIFY) {
                steps.push(Step::AddToGroup {
                    group: add.group.clone(),
                    names: chunk.to_vec(),
                });
            }
        }
        let idx: Vec<usize> = (0..plan.creates_crm.len()).collect();
        for chunk in idx.chunks(CRM_BATCH) {
            steps.push(Step::CreateCrm {
                items: chunk.to_vec(),
            });
        }
        let crm_updates: Vec<usize> = (0..plan.updates.len())
            .filter(|&i| plan.updates[i].side == Side::Crm)
            .collect();
        for chunk in crm_updates.chunks(CRM_BATCH) {
            steps.push(Step::UpdateCrm {
                items: chunk.to_vec(),
            });
        }
        let crm_deletes: Vec<usize> = (0..plan.deletes.len())
            .filter(|&i| plan.deletes[i].side == Side::Crm)
            .collect();
        for chunk in crm_deletes.chunks(CRM_BATCH) {
            steps.push(Step::DeleteCrm {
                items: chunk.to_vec(),
            });
        }
        steps.push(Step::Commit);
        steps.push(Step::ClearJournal);
        self.writes_total = plan.writes();
        self.steps.extend(steps);
        self.progress = Some((0, self.writes_total, "writing"));
    }

    fn advance(&mut self, n: usize, phase: &'static str) {
        self.writes_done += n;
        self.progress = Some((self.writes_done, self.writes_total, phase));
    }

    fn http_ok(&mut self, step: Step, body: &str, now: Millis) {
        match step {
            Step::FindGroup { page_token } => {
                let r = match json::from_str::<ListContactGroupsResponse>(body) {
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::FindGroup { page_token };
                        return self.unreadable(step, now, "contact group list", &e);
                    }
                };
                let name = match &self.settings.target_group {
                    TargetGroup::Named(n) => n.clone(),
                    TargetGroup::Existing(rn) => rn.clone(),
                };
                if let Some(rn) = find_group(&r.contact_groups, &name) {
                    self.set_target_group(rn);
                } else if let Some(t) = r.next_page_token {
                    if self.repeated_page("groups", &t) {
                        return;
                    }
                    self.steps.push_front(Step::FindGroup {
                        page_token: Some(t),
                    });
                } else {
                    self.steps.push_front(Step::CreateGroup { name });
                }
            }
            Step::CreateGroup { name } => match json::from_str::<ContactGroup>(body) {
                Ok(ContactGroup {
                    resource_name: Some(rn),
                    ..
                }) => self.set_target_group(rn),
                Ok(_) => self.abort(
                    ErrorCode::GoogleError,
                    "the created group has no name".into(),
                ),
                Err(e) => self.unreadable(Step::CreateGroup { name }, now, "created group", &e),
            },
            Step::ListGoogle { page_token } => {
                let r = match json::from_str::<ListConnectionsResponse>(body) {
                    // The listing asks for a sync token, which Google sends on the last page: a
                    // last page without one is not Google's answer (an empty object from a
                    // proxy), and taken for an empty account it would delete every link.
                    Ok(r) if r.next_page_token.is_none() && r.next_sync_token.is_none() => {
                        let step = Step::ListGoogle { page_token };
                        let e = "its last page has no nextSyncToken";
                        return self.unreadable(step, now, "contact listing", &e);
                    }
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::ListGoogle { page_token };
                        return self.unreadable(step, now, "contact listing", &e);
                    }
                };
                for person in r.connections {
                    if person.is_deleted() {
                        if let Some(rn) = person.resource_name.clone() {
                            self.listing.deleted.push(rn);
                        }
                        continue;
                    }
                    match google_contact(&person, &self.config.instance_id) {
                        Ok(g) => {
                            // Google may change a resource name; follow it (reference §1.1).
                            for old in person.previous_resource_names() {
                                if let Some(l) = self
                                    .state
                                    .links
                                    .values_mut()
                                    .find(|l| &l.resource_name == old)
                                {
                                    l.resource_name = g.resource_name.clone();
                                }
                            }
                            self.persons.insert(g.resource_name.clone(), person);
                            self.listing.people.push(g);
                        }
                        Err(e) => self.error(ErrorCode::GoogleError, e.to_string(), None),
                    }
                }
                match r.next_page_token {
                    Some(t) => {
                        if self.repeated_page("people", &t) {
                            return;
                        }
                        self.progress = Some((self.listing.people.len(), 0, "reading Google"));
                        self.steps.push_front(Step::ListGoogle {
                            page_token: Some(t),
                        })
                    }
                    None => {
                        self.listing.full = self.full_listing;
                        self.listing.complete = true;
                        self.next_sync_token = r.next_sync_token;
                    }
                }
            }
            Step::FindCreated { items, page_token } => {
                let r: ListConnectionsResponse = match json::from_str(body) {
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::FindCreated { items, page_token };
                        return self.unreadable(step, now, "contact listing", &e);
                    }
                };
                self.found_created(&items, r.connections);
                let remaining: Vec<usize> = items
                    .iter()
                    .copied()
                    .filter(|&i| {
                        self.plan.as_ref().is_some_and(|p| {
                            self.outcome
                                .google_created
                                .get(&p.creates_google[i].crm_id)
                                .is_none()
                        })
                    })
                    .collect();
                match r.next_page_token {
                    Some(t) if !remaining.is_empty() => {
                        if self.repeated_page("lookup", &t) {
                            return;
                        }
                        self.steps.push_front(Step::FindCreated {
                            items: remaining,
                            page_token: Some(t),
                        });
                    }
                    // Not in Google: the lost answer was a create that never happened.
                    _ if !remaining.is_empty() => {
                        self.steps
                            .push_front(Step::CreateGoogle { items: remaining });
                    }
                    _ => {}
                }
            }
            Step::BatchGet { names } => match json::from_str::<GetPeopleResponse>(body) {
                Ok(r) => {
                    for item in r.responses {
                        let ok = item.is_ok();
                        if let Some(p) = item.person.filter(|_| ok) {
                            if let Some(rn) = p.resource_name.clone() {
                                self.persons.insert(rn, p);
                            }
                        }
                    }
                }
                Err(e) => self.unreadable(Step::BatchGet { names }, now, "contacts read", &e),
            },
            Step::CreateGoogle { items } => {
                // Google answers one item per person sent. Without them, Google may still have
                // made the persons: they are looked up by tag before being sent again.
                let r = match json::from_str::<BatchCreateContactsResponse>(body) {
                    Ok(r) if r.created_people.len() != items.len() => {
                        let step = Step::CreateGoogle { items };
                        let e = "it answers another number of persons than were sent";
                        return self.unreadable(step, now, "created contacts", &e);
                    }
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::CreateGoogle { items };
                        return self.unreadable(step, now, "created contacts", &e);
                    }
                };
                let Some(plan) = self.plan.as_ref() else {
                    return;
                };
                let mut created = Vec::new();
                for (k, item) in r.created_people.into_iter().enumerate() {
                    let Some(p) = item.person else { continue };
                    let crm_id = tag::crm_id(&p.client_data, &self.config.instance_id)
                        .or_else(|| items.get(k).map(|&i| plan.creates_google[i].crm_id.clone()));
                    if let (Some(crm_id), Some(rn)) = (crm_id, p.resource_name.clone()) {
                        created.push((crm_id, (rn, p.etag.clone().unwrap_or_default())));
                    }
                }
                let n = created.len();
                self.outcome.google_created.extend(created);
                self.report.created.add(Side::Google, n);
                self.advance(items.len(), "creating in Google");
            }
            Step::UpdateGoogle { items, round } => {
                let r = match updated(body) {
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::UpdateGoogle { items, round };
                        return self.unreadable(step, now, "updated contacts", &e);
                    }
                };
                self.google_updated(&items, r);
                self.advance(items.len(), "updating Google");
            }
            Step::TagGoogle { items } => {
                let r = match updated(body) {
                    Ok(r) => r,
                    Err(e) => {
                        let step = Step::TagGoogle { items };
                        return self.unreadable(step, now, "tagged contacts", &e);
                    }
                };
                for (rn, res) in r.update_result.0 {
                    if let Some(etag) = res.person.and_then(|p| p.etag) {
                        self.outcome.google_etags.insert(rn, etag);
                    }
                }
            }
            Step::DeleteGoogle { items } => {
                if let Some(plan) = self.plan.as_ref() {
                    for &i in &items {
                        self.outcome.deleted.insert(plan.deletes[i].crm_id.clone());
                    }
                }
                self.report.deleted.add(Side::Google, items.len());
                self.advance(items.len(), "deleting in Google");
            }
            Step::AddToGroup { names, .. } => self.advance(names.len(), "adding to the group"),
            _ => {}
        }
    }

    /// A success status whose body is not the answer expected (a proxy's or a captive portal's
    /// page): a failed attempt like any other, so it is retried within the same bound.
    fn unreadable(&mut self, step: Step, now: Millis, what: &str, e: &dyn std::fmt::Display) {
        self.attempts = self.prior_attempts;
        let message = format!("Google's answer ({what}) could not be read: {e}");
        self.retry_or_fail(step, now, None, false, ErrorCode::GoogleError, &message);
    }

    /// Whether a listing hands out a page token (or cursor) it handed out before; if so the run
    /// ends, since following it would loop for ever.
    fn repeated_page(&mut self, listing: &str, token: &str) -> bool {
        let key = format!("{listing}:{token}");
        if self.pages_seen.contains(&key) {
            let code = if listing.starts_with("crm") {
                ErrorCode::HostError
            } else {
                ErrorCode::GoogleError
            };
            self.abort(
                code,
                format!("the {listing} listing repeated a page; stopped rather than loop"),
            );
            return true;
        }
        self.pages_seen.push(key);
        false
    }

    /// Records the creates of `items` that a look-up found in Google by their tag.
    fn found_created(&mut self, items: &[usize], people: Vec<Person>) {
        let Some(plan) = self.plan.as_ref() else {
            return;
        };
        let wanted: Vec<&str> = items
            .iter()
            .map(|&i| plan.creates_google[i].crm_id.as_str())
            .collect();
        let mut found = Vec::new();
        for p in people {
            let Some(rn) = p.resource_name.clone() else {
                continue;
            };
            for crm_id in tag::crm_ids(&p.client_data, &self.config.instance_id) {
                if wanted.contains(&crm_id.as_str())
                    && self.outcome.google_created.get(&crm_id).is_none()
                    && !found.iter().any(|(id, _)| id == &crm_id)
                {
                    found.push((crm_id, (rn.clone(), p.etag.clone().unwrap_or_default())));
                }
            }
        }
        let n = found.len();
        self.outcome.google_created.extend(found);
        self.report.created.add(Side::Google, n);
        self.advance(n, "creating in Google");
    }

    fn set_target_group(&mut self, rn: String) {
        self.state.target_group = Some(rn.clone());
        self.target_group = Some(rn);
    }

    fn google_updated(&mut self, items: &[usize], r: BatchUpdateContactsResponse) {
        let Some(plan) = self.plan.as_ref() else {
            return;
        };
        let mut done = Vec::new();
        for &i in items {
            let u = &plan.updates[i];
            match r.update_result.get(&u.resource_name) {
                Some(res) if res.is_ok() => {
                    if let Some(etag) = res.person.as_ref().and_then(|p| p.etag.clone()) {
                        self.outcome
                            .google_etags
                            .insert(u.resource_name.clone(), etag);
                    }
                    done.push(u.crm_id.clone());
                }
                _ => {}
            }
        }
        self.report.updated.add(Side::Google, done.len());
        for id in done {
            self.google_updates_done.insert(id);
        }
    }

    fn http_error(
        &mut self,
        step: Step,
        status: u16,
        retry_after_ms: Option<u64>,
        body: &str,
        now: Millis,
    ) {
        let err = ApiError::parse(status, body);
        match (&err, &step) {
            (ApiError::ExpiredSyncToken, Step::ListGoogle { .. }) => {
                // An expired token means a full listing and a reconcile, never deletions; a
                // full listing that keeps being refused so would restart for ever.
                self.restarts += 1;
                if self.restarts > MAX_RESTARTS {
                    return self.abort(
                        ErrorCode::GoogleError,
                        format!(
                            "Google's listing restarted {} times (expired sync token); stopped",
                            self.restarts
                        ),
                    );
                }
                self.pages_seen.retain(|p| !p.starts_with("people:"));
                self.state.sync_token = None;
                self.full_listing = true;
                self.listing = GoogleListing::default();
                self.persons.clear();
                self.steps.push_front(Step::ListGoogle { page_token: None });
            }
            (ApiError::Conflict { .. }, Step::CreateGroup { .. }) => {
                // Someone made the group meanwhile: find it.
                self.steps.push_front(Step::FindGroup { page_token: None });
            }
            (ApiError::EtagMismatch { .. }, Step::UpdateGoogle { items, round }) => {
                self.etag_mismatch(items.clone(), *round);
            }
            (ApiError::Unauthenticated { message }, _) => {
                self.abort(
                    ErrorCode::of_google(&err),
                    format!("Google refused the token ({message}); reconnect the account"),
                );
            }
            (ApiError::PermissionDenied { message }, _) => {
                self.abort(ErrorCode::of_google(&err), message.clone());
            }
            (e, _) if e.is_retryable() => {
                let quota = matches!(e, ApiError::Quota { .. });
                if quota {
                    self.report.throttled += 1;
                }
                let wait = retry_after_ms.or(e.retry_after_ms());
                let code = ErrorCode::of_google(e);
                self.retry_or_fail(step, now, wait, quota, code, &err.to_string());
            }
            _ => self.write_failed(step, ErrorCode::of_google(&err), &err.to_string()),
        }
    }

    /// Re-reads the persons of a batch that met an etag mismatch, re-plans those pairs against
    /// them, and queues the new writes; after `MAX_ETAG_ROUNDS` the pairs are left for the next
    /// run.
    fn etag_mismatch(&mut self, items: Vec<usize>, round: u32) {
        let Some(plan) = self.plan.as_ref() else {
            return;
        };
        if round >= MAX_ETAG_ROUNDS {
            let names: Vec<String> = items
                .iter()
                .map(|&i| plan.updates[i].name.clone())
                .collect();
            self.error(
                ErrorCode::GoogleError,
                format!(
                    "contacts kept changing in Google while syncing; they will sync next run: {}",
                    names.join(", ")
                ),
                None,
            );
            return;
        }
        let names: Vec<String> = items
            .iter()
            .map(|&i| plan.updates[i].resource_name.clone())
            .collect();
        for rn in &names {
            self.persons.remove(rn);
        }
        // Re-read, re-merge against what Google holds now (a concurrent edit there is merged
        // like any other, and reaches the CRM), then re-send with the fresh etags.
        self.steps.push_front(Step::UpdateGoogle {
            items: items.clone(),
            round: round + 1,
        });
        self.steps.push_front(Step::Remerge {
            items: items.clone(),
        });
        for chunk in names.chunks(MAX_BATCH_GET).rev() {
            self.steps.push_front(Step::BatchGet {
                names: chunk.to_vec(),
            });
        }
        if let Some(plan) = self.plan.as_mut() {
            for &i in &items {
                plan.updates[i].etag.clear();
            }
        }
    }

    fn retry_or_fail(
        &mut self,
        step: Step,
        now: Millis,
        wait: Option<u64>,
        quota: bool,
        code: ErrorCode,
        message: &str,
    ) {
        if let Some(w) = wait.filter(|&w| w > MAX_WAIT_MS) {
            // Waiting that long would hold the lock (and the tab) for nothing.
            let until = format_rfc3339(now.saturating_add(w.min(i64::MAX as u64) as Millis));
            return self.abort(
                ErrorCode::Quota,
                format!("Google asked to wait until {until} ({message}); try again then"),
            );
        }
        // A create that failed other than by a refusal (429) may have reached Google: it is
        // looked up by its tag before it is sent again.
        let step = match step {
            Step::CreateGoogle { items } if !quota => {
                self.creates_unanswered = true;
                Step::FindCreated {
                    items,
                    page_token: None,
                }
            }
            step => step,
        };
        self.attempts += 1;
        let limit = if quota {
            MAX_QUOTA_ATTEMPTS
        } else {
            MAX_ATTEMPTS
        };
        if self.attempts >= limit {
            self.attempts = 0;
            return self.write_failed(step, code, message);
        }
        let wait = wait.unwrap_or_else(|| self.backoff(quota));
        self.sleep_until = Some(now + wait as Millis);
        self.steps.push_front(step);
    }

    /// Backoff with jitter. Per-minute quotas refill at the minute, and a refused request costs
    /// no quota, so a quota wait is a steady 5 s probe (the refill is found within seconds) that
    /// turns exponential, up to a minute, if the quota stays exhausted. Other failures back off
    /// exponentially from 1 s to 30 s.
    fn backoff(&mut self, quota: bool) -> u64 {
        let base: u64 = if quota && self.attempts <= 12 {
            5_000
        } else if quota {
            (5_000u64 << (self.attempts - 12).min(4)).min(60_000)
        } else {
            (1_000u64 << self.attempts.min(5)).min(30_000)
        };
        // ±20%, deterministic from the run's seed.
        base - base / 5 + self.rng.next_u64() % (2 * base / 5 + 1)
    }

    /// A step gave up: reads end the run (nothing is planned from a partial picture); writes
    /// fail only their own contacts.
    fn write_failed(&mut self, step: Step, code: ErrorCode, message: &str) {
        let plan = self.plan.as_ref();
        let names = |idx: &[usize], f: &dyn Fn(usize) -> String| {
            idx.iter().map(|&i| f(i)).collect::<Vec<_>>().join(", ")
        };
        let detail = match (&step, plan) {
            (Step::CreateGoogle { items }, Some(p))
            | (Step::FindCreated { items, .. }, Some(p)) => {
                Some(names(items, &|i| p.creates_google[i].name.clone()))
            }
            (Step::UpdateGoogle { items, .. }, Some(p)) => {
                Some(names(items, &|i| p.updates[i].name.clone()))
            }
            (Step::DeleteGoogle { items }, Some(p)) => {
                Some(names(items, &|i| p.deletes[i].name.clone()))
            }
            _ => None,
        };
        match step {
            Step::FindGroup { .. }
            | Step::CreateGroup { .. }
            | Step::ListGoogle { .. }
            | Step::ListCrm { .. }
            | Step::GetCrm { .. } => self.abort(code, message.to_string()),
            Step::FindCreated { .. } => {
                // Whether these reached Google is unknown: the journal keeps them (see
                // `commit`), and the next run looks them up before sending any again.
                self.report.ok = false;
                let message = format!(
                    "{message}; whether Google made these contacts is unknown, the next run \
                     looks them up before sending them again (contacts: {})",
                    detail.unwrap_or_default()
                );
                self.error(code, message, None);
            }
            _ => {
                self.report.ok = false;
                let message = match detail {
                    Some(d) => format!("{message} (contacts: {d})"),
                    None => message.to_string(),
                };
                self.error(code, message, None);
            }
        }
    }

    fn crm_failed(&mut self, step: Step, message: &str) {
        let message = format!("the CRM refused: {message}");
        self.write_failed(step, ErrorCode::HostError, &message);
    }

    fn crm_ok(
        &mut self,
        step: Step,
        items: Vec<Result<CrmContact, InvalidContact>>,
        next_page_token: Option<String>,
    ) {
        let mut good = Vec::new();
        for item in items {
            match item {
                Ok(c) => good.push(c),
                Err(bad) => {
                    let message = match &bad.id {
                        Some(id) => format!("CRM contact {id} skipped: {}", bad.message),
                        None => format!("a CRM contact was skipped: {}", bad.message),
                    };
                    // Present although unreadable: never taken for deleted.
                    if let Some(id) = &bad.id {
                        self.crm_invalid.push(id.clone());
                    }
                    self.error(ErrorCode::InvalidInput, message, bad.id);
                }
            }
        }
        match step {
            Step::ListCrm {
                view,
                page_token: _,
                other,
            } => {
                if other {
                    self.crm_other.extend(good);
                } else {
                    self.crm.extend(good);
                }
                match next_page_token {
                    Some(t)
                        if self.repeated_page(if other { "crm all" } else { "crm view" }, &t) => {}
                    Some(t) => self.steps.push_front(Step::ListCrm {
                        view,
                        page_token: Some(t),
                        other,
                    }),
                    None => self.after_crm_listing(other),
                }
            }
            Step::GetCrm {
                ids,
                confirm_deleted,
            } => {
                // Membership only (see `after_crm_listing` for why a `HashSet`).
                if confirm_deleted {
                    let mut found = HashSet::new();
                    found.extend(good.iter().map(|c| c.id.as_str()));
                    found.extend(self.crm_invalid.iter().map(String::as_str));
                    let deleted: Vec<String> = ids
                        .iter()
                        .filter(|id| !found.contains(id.as_str()))
                        .cloned()
                        .collect();
                    self.crm_deleted.extend(deleted);
                    // Without a view every contact is in scope; with one, these are outside it.
                    if self.settings.crm_view_id.is_none() {
                        self.crm.extend(good);
                    } else {
                        self.crm_other.extend(good);
                    }
                } else {
                    let mut found = HashSet::new();
                    found.extend(good.iter().map(|c| c.id.as_str()));
                    found.extend(self.crm_invalid.iter().map(String::as_str));
                    let missing: Vec<String> = ids
                        .iter()
                        .filter(|id| !found.contains(id.as_str()))
                        .cloned()
                        .collect();
                    for id in missing {
                        self.error(
                            ErrorCode::InvalidInput,
                            format!("the CRM has no contact with id {id:?}"),
                            Some(id),
                        );
                    }
                    self.crm.extend(good);
                }
            }
            Step::CreateCrm { items } => {
                let Some(plan) = self.plan.as_ref() else {
                    return;
                };
                // The host answers in input order.
                let mut tags = Vec::new();
                for (&i, c) in items.iter().zip(&good) {
                    let rn = plan.creates_crm[i].resource_name.clone();
                    self.outcome.crm_created.insert(rn.clone(), c.id.clone());
                    self.journal.crm_created.insert(rn.clone(), c.id.clone());
                    tags.push((rn, c.id.clone()));
                }
                self.report.created.add(Side::Crm, good.len());
                self.advance(items.len(), "creating in the CRM");
                // Journal the new ids before tagging, so a crash cannot import them twice; read
                // the persons this listing did not bring (they came from the cache), since a tag
                // is written onto the whole person.
                let missing: Vec<String> = tags
                    .iter()
                    .map(|(rn, _)| rn.clone())
                    .filter(|rn| !self.persons.contains_key(rn))
                    .collect();
                for chunk in tags.chunks(MAX_BATCH_UPDATE).rev() {
                    self.steps.push_front(Step::TagGoogle {
                        items: chunk.to_vec(),
                    });
                }
                for chunk in missing.chunks(MAX_BATCH_GET).rev() {
                    self.steps.push_front(Step::BatchGet {
                        names: chunk.to_vec(),
                    });
                }
                self.steps.push_front(Step::WriteJournal);
            }
            Step::UpdateCrm { items } => {
                let Some(plan) = self.plan.as_ref() else {
                    return;
                };
                let mut ok = HashSet::new();
                ok.extend(good.iter().map(|c| c.id.as_str()));
                let mut done = Vec::new();
                for &i in &items {
                    let u = &plan.updates[i];
                    if ok.contains(u.crm_id.as_str()) {
                        done.push(u.crm_id.clone());
                    } else {
                        self.report.errors.push(RunError {
                            code: ErrorCode::HostError,
                            message: format!("the CRM did not update {:?}", u.name),
                            contact: Some(u.crm_id.clone()),
                        });
                    }
                }
                self.report.updated.add(Side::Crm, done.len());
                for id in done {
                    self.crm_updates_done.insert(id);
                }
                self.advance(items.len(), "updating the CRM");
            }
            Step::DeleteCrm { items } => {
                if let Some(plan) = self.plan.as_ref() {
                    for &i in &items {
                        self.outcome.deleted.insert(plan.deletes[i].crm_id.clone());
                    }
                }
                self.report.deleted.add(Side::Crm, items.len());
                self.advance(items.len(), "deleting in the CRM");
            }
            _ => {}
        }
    }

    fn crm_changes(
        &mut self,
        items: Vec<Result<CrmContact, InvalidContact>>,
        deleted_ids: Vec<String>,
        cursor: String,
        more: bool,
    ) {
        self.crm_ok(
            Step::GetCrm {
                ids: Vec::new(),
                confirm_deleted: false,
            },
            items,
            None,
        );
        self.crm_deleted.extend(
            deleted_ids
                .into_iter()
                .filter(|id| self.state.links.contains_key(id)),
        );
        if more {
            if self.repeated_page("crm changes", &cursor) {
                return;
            }
            self.steps.push_front(Step::CrmChanges {
                cursor: Some(cursor.clone()),
            });
        } else if !self.crm_incremental {
            // From no cursor the feed listed everything: linked contacts it did not return are
            // checked like after a full listing.
            self.after_crm_listing(true);
        } else {
            self.read_changed_pairs();
        }
        self.next_crm_cursor = Some(cursor);
    }

    /// After the CRM listing of all contacts: linked contacts it did not return are confirmed
    /// deleted with a `get`, so a contact that only left the view is not taken for deleted.
    fn after_crm_listing(&mut self, other: bool) {
        let listed_all = other || self.settings.crm_view_id.is_none();
        if !listed_all || !matches!(self.config.scope, Scope::All | Scope::PullAll) {
            return;
        }
        // Only asked for membership, never iterated, so hash order cannot reach the plan; a
        // `HashSet<&str>` is a type the wasm has already (the planner's id sets), a
        // `BTreeSet<&str>` would be one more B-tree instantiation.
        let mut seen = HashSet::new();
        seen.extend(
            self.crm
                .iter()
                .chain(&self.crm_other)
                .map(|c| c.id.as_str()),
        );
        // An invalid record is still there: only an id the CRM no longer returns is a deletion.
        seen.extend(self.crm_invalid.iter().map(String::as_str));
        let missing: Vec<String> = self
            .state
            .links
            .keys()
            .filter(|id| !seen.contains(id.as_str()))
            .cloned()
            .collect();
        if !missing.is_empty() {
            // Before the Plan step, which is next in the queue.
            self.steps.push_front(Step::GetCrm {
                ids: missing,
                confirm_deleted: true,
            });
        }
    }

    /// With a change feed, the CRM contacts it did not return are unchanged but unread. Those
    /// whose Google twin changed (a new etag, a tombstone, missing from a full listing) are
    /// read before planning: the merge needs the real record, and a write must carry its
    /// `modifiedAt`. One the CRM no longer has is deleted.
    fn read_changed_pairs(&mut self) {
        let mut read = HashSet::new();
        read.extend(
            self.crm
                .iter()
                .chain(&self.crm_other)
                .map(|c| c.id.as_str())
                .chain(self.crm_deleted.iter().map(String::as_str))
                .chain(self.crm_invalid.iter().map(String::as_str)),
        );
        // The map type the planner has already.
        let listed: HashMap<&str, &GoogleContact> = self
            .listing
            .people
            .iter()
            .map(|g| (g.resource_name.as_str(), g))
            .collect();
        let gone_if_missing = self.listing.full && self.listing.complete;
        let ids: Vec<String> = self
            .state
            .links
            .values()
            .filter(|l| !read.contains(l.crm_id.as_str()))
            .filter(|l| match listed.get(l.resource_name.as_str()) {
                Some(g) => g.etag != l.etag,
                None => gone_if_missing || self.listing.deleted.contains(&l.resource_name),
            })
            .map(|l| l.crm_id.clone())
            .collect();
        for chunk in ids.chunks(CRM_PAGE as usize).rev() {
            self.steps.push_front(Step::GetCrm {
                ids: chunk.to_vec(),
                confirm_deleted: true,
            });
        }
    }

    fn commit(&mut self, now: Millis) {
        let Some(plan) = self.plan.as_ref() else {
            return;
        };
        let mut outcome = std::mem::take(&mut self.outcome);
        for u in &plan.updates {
            let done = match u.side {
                Side::Crm => &self.crm_updates_done,
                Side::Google => &self.google_updates_done,
            };
            if !done.contains(&u.crm_id) {
                outcome.failed.insert(u.crm_id.clone());
            }
        }
        plan.commit(&mut self.state, &self.listing, &outcome, now);
        self.report.linked = plan.links.len();
        self.report.unlinked = plan
            .unlinks
            .iter()
            .filter(|u| !outcome.failed.contains(&u.crm_id))
            .count();
        // The token moves only past a complete listing of a whole-account run: a scoped run
        // acts on a few contacts, and the changes it skipped must come again.
        let whole = matches!(self.config.scope, Scope::All | Scope::PullAll);
        // Held deletions must come again when the user confirms them: the cursors stay where
        // they are, so the tombstones are read again (the rest of what they cover is no-op now).
        let whole = whole && plan.held.is_empty();
        // A change is read once: each cursor moves only when every write the run planned was
        // made and every pair it touched was read. A pair that failed keeps its old link and
        // base, and what changed for it (a Google edit, a tombstone) must be read again, or it
        // is never retried.
        let all_done = plan.deferred.is_empty()
            && outcome.failed.is_empty()
            && plan
                .creates_crm
                .iter()
                .all(|c| outcome.crm_created.contains_key(&c.resource_name))
            && plan
                .creates_google
                .iter()
                .all(|c| outcome.google_created.get(&c.crm_id).is_some())
            && plan
                .deletes
                .iter()
                .all(|d| outcome.deleted.contains(&d.crm_id));
        if whole && all_done && self.listing.complete && !self.failed {
            if let Some(t) = self.next_sync_token.take() {
                self.state.sync_token = Some(t);
                if self.listing.full {
                    self.state.full_sync_at = Some(now);
                }
            }
        }
        // The CRM cursor also waits for every contact the CRM returned to be readable.
        if whole && all_done && !self.failed && self.report.errors.is_empty() {
            if let Some(c) = self.next_crm_cursor.take() {
                self.state.crm_cursor = Some(c);
            }
        }
        self.journal = Journal::default();
        if self.creates_unanswered {
            self.journal.google_creates = plan
                .creates_google
                .iter()
                .filter(|c| outcome.google_created.get(&c.crm_id).is_none())
                .map(|c| c.crm_id.clone())
                .collect();
        }
        self.outcome = outcome;
    }

    fn finish_run(&mut self, now: Millis) {
        self.done = true;
        self.report.finished_at = format_rfc3339(now);
        if self.failed || !self.report.errors.is_empty() {
            self.report.ok = self.report.ok && !self.failed;
        }
    }
}

/// Whether a run lists Google in full rather than from the account's sync token: when there is
/// no token yet, or when a journal names creates that may have reached Google (a full listing
/// finds them again by their tag). Confirming held deletions is no reason to: a run that holds
/// deletions leaves both cursors where they were (see `commit`), so the run that confirms them
/// reads the same tombstones again from the same token. The shell passes `confirm_deletions`
/// in the [`RunConfig`] and changes nothing in the state.
pub fn lists_google_in_full(state: &AccountState, journal: &Journal) -> bool {
    state.sync_token.is_none() || !journal.google_creates.is_empty()
}

/// Reads the answer to a batch update. Every update sends a `readMask`, so Google's answer
/// names each person it updated: an empty body or an object without `updateResult` is not
/// Google's answer, and taken for one it would count every update as made.
fn updated(body: &str) -> Result<BatchUpdateContactsResponse, String> {
    let r: BatchUpdateContactsResponse = json::from_str(body).map_err(|e| e.to_string())?;
    if r.update_result.is_empty() {
        return Err("it names no updated person".into());
    }
    Ok(r)
}

fn find_group(groups: &[ContactGroup], name: &str) -> Option<String> {
    groups
        .iter()
        .find(|g| {
            g.resource_name.as_deref() == Some(name)
                || g.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .and_then(|g| g.resource_name.clone())
}

/// The People API method a request calls, as Google names it in quotas and errors.
pub fn method_name(req: &HttpRequest) -> &'static str {
    let path = req.url.split('?').next().unwrap_or("");
    let path = path.split("/v1/").nth(1).unwrap_or(path);
    match req.method {
        Method::Get if path == "people/me/connections" => "people.connections.list",
        Method::Get if path == "people:batchGet" => "people.getBatchGet",
        Method::Get if path.starts_with("contactGroups/") => "contactGroups.get",
        Method::Get if path == "contactGroups" => "contactGroups.list",
        Method::Get => "people.get",
        Method::Post if path.ends_with(":batchCreateContacts") => "people.batchCreateContacts",
        Method::Post if path.ends_with(":batchUpdateContacts") => "people.batchUpdateContacts",
        Method::Post if path.ends_with(":batchDeleteContacts") => "people.batchDeleteContacts",
        Method::Post if path.ends_with(":createContact") => "people.createContact",
        Method::Post if path.ends_with("members:modify") => "contactGroups.members.modify",
        Method::Post if path == "contactGroups" => "contactGroups.create",
        Method::Post => "other",
        Method::Patch => "people.updateContact",
        Method::Delete => "people.deleteContact",
    }
}
