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
//! list the CRM; plan; stop there for a preview (whose inputs [`Replanner`] keeps, to plan again
//! with the user's decisions), or, applying one, stop unless the plan's fingerprint is the one
//! the preview showed; journal the pending Google creates; read the persons that updates need
//! and the listing did not bring; execute in batches within Google's limits; commit. Retries: 429, 5xx and network failures back off (Retry-After or `RetryInfo`
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
//! Google twin changed are read before planning. A Google contact the plan would import is
//! matched against the whole CRM first (a full listing), unless it is one whose match waits for
//! the user and did not change: then only its candidates are read, by id.

use super::error::ErrorCode;
use super::model::{Contact, CrmContact, Millis};
use super::plan::{GoogleListing, Outcome, Plan, Scope};
use super::settings::{Settings, TargetGroup};
use super::state::{AccountState, Link, Touched};
use super::xorshift::XorShift;
use crate::people::request::PeopleApi;
use crate::people::wire::Person;
use crate::{json, json_struct};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

mod config;
mod crm;
mod driver;
mod failures;
mod google;
mod io;
mod past_limit;
mod pending;
mod photos;
mod renames;
mod replan;
mod report;
mod retry;
mod schedule;
mod steps;
mod tags;

pub use config::{Mode, RunConfig, RunRequest, RunResult, RunSetup, Trigger, GOOGLE_MAX_CONTACTS};
pub use driver::{drive, EndWrite, Ending, Io, Progress, WriteFailed};
pub use io::{Action, CrmCall, CrmUpdate, Input, InvalidContact, Phase, Retrying};
pub use replan::Replanner;
pub use report::{
    method_name, ContactFailure, Counts, FailureKind, Holding, PerSide, RunError, RunReport,
};
pub use retry::Patience;
pub use schedule::lists_google_in_full;
use steps::{Cancel, Life, Step};
pub use tags::{tags_due, TAG_CHECK_EVERY_MS};

json_struct! {
    #[json(default)]
    /// The journal a run leaves while it writes; see the module docs.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct Journal {
        /// CRM ids whose Google create may have been sent.
        pub google_creates: Vec<String> = "googleCreates",
        /// Google resource name → CRM id of contacts created in the CRM.
        pub crm_created: BTreeMap<String, String> = "crmCreated",
    }
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

/// One run; see the module docs for the contract.
pub struct Engine {
    config: RunConfig,
    settings: Settings,
    state: AccountState,
    /// The entries of `state`'s maps changed so far.
    touched: Touched,
    api: PeopleApi,
    journal: Journal,
    steps: VecDeque<Step>,
    in_flight: Option<Step>,
    attempts: u32,
    /// What the current run of failed attempts has waited (quota refusals aside).
    waited_ms: u64,
    /// The retry just scheduled, for the shell to show before it sleeps.
    retrying: Option<Retrying>,
    /// The last progress shown: a retry notice repeats its counts, and a success after a
    /// retry shows it again in place of the notice.
    last_progress: (usize, usize, Phase),
    life: Life,
    cancel: Cancel,
    sleep_until: Option<Millis>,
    rng: XorShift,
    started_at: Millis,
    progress: Option<(usize, usize, Phase)>,
    /// The phase the action just polled starts ([`Engine::starts`]).
    starts: Option<Phase>,
    // What the run has read.
    listing: GoogleListing,
    persons: HashMap<String, Person>,
    /// CRM ids of the links by resource name, built for the listing to recognise its echoes.
    linked_by_rn: Option<HashMap<String, String>>,
    next_sync_token: Option<String>,
    full_listing: bool,
    crm: Vec<CrmContact>,
    crm_other: Vec<CrmContact>,
    crm_deleted: Vec<String>,
    target_group: Option<String>,
    /// Read through the change feed from a cursor: unchanged CRM contacts were not loaded.
    crm_incremental: bool,
    all_crm_loaded: bool,
    /// The undecided Google contacts' candidates were read in place of a full listing.
    candidates_read: bool,
    /// CRM ids the host returned as invalid records: present, but not readable this run.
    crm_invalid: Vec<String>,
    /// The CRM's own tags of each contact read (those no label stands for), by CRM id: set
    /// aside before planning and put back in every write of the contact's tags.
    crm_own_tags: HashMap<String, Vec<String>>,
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
    /// The look at every tag before creating, once asked for.
    tags: Option<tags::TagCheck>,
    // What it plans and did.
    plan: Option<Plan>,
    /// The target group the plan was made with (a stand-in in a preview made before the group
    /// exists), and when.
    planned_group: Option<String>,
    planned_at: Millis,
    outcome: Outcome,
    /// CRM ids whose update went through, per side written.
    crm_updates_done: BTreeSet<String>,
    google_updates_done: BTreeSet<String>,
    writes_total: usize,
    writes_done: usize,
    report: RunReport,
    photos: photos::PhotoPass,
    /// What the run wrote, kept at its commit to undo it.
    images: Vec<crate::sync::plan::BeforeImage>,
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
        let report = RunReport::new(config.account_id.clone(), config.trigger, now);
        let photos = photos::PhotoPass::new(&state);
        let mut e = Engine {
            rng: XorShift::new(config.seed),
            config,
            settings,
            state,
            touched: Touched::default(),
            api,
            journal,
            steps: VecDeque::new(),
            in_flight: None,
            attempts: 0,
            waited_ms: 0,
            retrying: None,
            last_progress: (0, 0, Phase::Starting),
            life: Life::Running,
            cancel: Cancel::NotAsked,
            sleep_until: None,
            started_at: now,
            progress: None,
            starts: None,
            listing: GoogleListing::default(),
            persons: HashMap::new(),
            linked_by_rn: None,
            next_sync_token: None,
            full_listing: false,
            crm: Vec::new(),
            crm_other: Vec::new(),
            crm_deleted: Vec::new(),
            target_group: None,
            crm_incremental: false,
            all_crm_loaded: false,
            candidates_read: false,
            crm_invalid: Vec::new(),
            crm_own_tags: HashMap::new(),
            pages_seen: Vec::new(),
            restarts: 0,
            prior_attempts: 0,
            creates_unanswered: false,
            next_crm_cursor: None,
            tags: None,
            plan: None,
            planned_group: None,
            planned_at: now,
            outcome: Outcome::default(),
            crm_updates_done: BTreeSet::new(),
            google_updates_done: BTreeSet::new(),
            writes_total: 0,
            writes_done: 0,
            report,
            photos,
            images: Vec::new(),
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
            self.touched.links.insert(crm_id.clone());
            self.state.links.entry(crm_id.clone()).or_insert(Link {
                crm_id,
                resource_name: rn,
                etag: String::new(),
                base: Contact::default(),
                synced_at: self.started_at,
                last_change: None,
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
        // A preview looks the group up too (reading only): it plans with the group the run will
        // write to, or with a stand-in for the one the run will create.
        if writes_google && self.target_group.is_none() {
            self.steps.push_back(Step::FindGroup { page_token: None });
        }
        // An undo compares each contact it wrote with what that side holds now: both sides
        // are read in full.
        let undo = self.config.undo.is_some();
        self.full_listing = undo || lists_google_in_full(&self.state, &self.journal);
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
                // From no cursor the feed returns every contact, and a cursor for next time. The
                // user's decisions on matches settle contacts set aside by earlier runs, which
                // the feed would not bring again unless edited: such a run reads them all.
                // A preview reads them all too, so it shows every contact still set aside, and
                // so does the run that applies it, so that it plans from what the preview saw.
                let from_preview = self.config.preview_only || self.config.fingerprint.is_some();
                let cursor =
                    match self.config.decisions.matches.is_empty() && !from_preview && !undo {
                        true => self.state.crm_cursor.clone(),
                        false => None,
                    };
                self.crm_incremental = cursor.is_some();
                self.steps.push_back(Step::CrmChanges { cursor });
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
        if self.life == Life::Done {
            return Action::Done;
        }
        if self.cancel == Cancel::Asked {
            self.stop_cancelled();
        }
        if let Some(r) = self.retrying.take() {
            let (done, total, _) = self.last_progress;
            return Action::Progress {
                done,
                total,
                phase: Phase::Retrying,
                retrying: Some(r),
            };
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
            self.last_progress = (done, total, phase);
            return Action::Progress {
                done,
                total,
                phase,
                retrying: None,
            };
        }
        loop {
            let Some(step) = self.steps.pop_front() else {
                self.finish_run(now);
                return Action::Done;
            };
            let step = self.split_by_mask(step);
            if let Some(phase) = io::reading_phase(&step).filter(|&p| p != self.last_progress.2) {
                (self.last_progress, self.starts) = ((0, 0, phase), Some(phase));
            }
            if let Some(action) = self.act(&step, now) {
                self.in_flight = Some(step);
                return action;
            }
            if self.life == Life::Done {
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
            Input::CrmRefused {
                code,
                message,
                contact,
            } => self.crm_refused(step, code, message, contact),
            Input::Cancelled => self.cancelled_in_flight(&step),
            Input::Http {
                status,
                retry_after_ms,
                body,
            } => {
                if (200..300).contains(&status) {
                    self.prior_attempts = std::mem::take(&mut self.attempts);
                    if self.prior_attempts > 0 && self.progress.is_none() {
                        // The retry went through: the notice gives way to the run's progress.
                        self.progress = Some(self.last_progress);
                    }
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
            Input::Downloaded { status, bytes } => self.downloaded(step, status, bytes, now),
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

    /// Whether it met an error it could not go past.
    fn failed(&self) -> bool {
        self.life == Life::Failed
    }

    /// Whether it only plans: a preview writes nothing.
    pub fn previews(&self) -> bool {
        self.config.preview_only
    }

    /// The plan, once made.
    pub fn plan(&self) -> Option<&Plan> {
        self.plan.as_ref()
    }

    /// The host's custom fields as the settings map them.
    fn custom_table(&self) -> crate::sync::custom::CustomTable<'_> {
        crate::sync::custom::CustomTable::new(
            &self.config.capabilities.custom,
            &self.settings.custom_fields,
        )
    }

    /// A person as the sync sees it, its custom fields and the tags its memberships stand for
    /// included.
    fn read_google(
        &self,
        person: &crate::people::wire::Person,
    ) -> Result<crate::sync::model::GoogleContact, crate::sync::mapping::MappingError> {
        let mut g = crate::sync::mapping::google_contact(person, &self.config.instance_id)?;
        g.contact.custom = crate::sync::custom::read(person, self.custom_table());
        g.contact.tags = self.labels().google_tags(&g.groups);
        Ok(g)
    }

    fn error(&mut self, code: ErrorCode, message: String, contact: Option<String>) {
        self.report
            .errors
            .push(RunError::new(code, message, contact));
    }

    /// Asks the run to stop. It stops before its next action (a wait for a retry included):
    /// what it sent is committed as when a run ends early, and the report says `cancelled`.
    /// Answer the action outstanding, if any, first, so what it did is recorded.
    pub fn cancel(&mut self) {
        if self.cancel == Cancel::NotAsked {
            self.cancel = Cancel::Asked;
        }
    }

    fn stop_cancelled(&mut self) {
        self.cancel = Cancel::Stopped;
        self.report.cancelled = true;
        self.sleep_until = None;
        self.retrying = None;
        self.progress = None;
        // A step polled but not answered was never sent: dropped like the ones to come.
        self.in_flight = None;
        let executing = self.plan.is_some() && !self.config.preview_only;
        self.steps.clear();
        if executing {
            self.end_writes();
        }
    }

    /// What is left of a run that stops writing: its commit (unless made), its journal's end.
    fn end_writes(&mut self) {
        if !self.photos.committed() {
            self.steps.push_back(Step::Commit);
        }
        self.steps.push_back(Step::ClearJournal);
    }

    /// Ends the run early: what was done is committed, the rest is failed.
    fn abort(&mut self, code: ErrorCode, message: String) {
        self.error(code, message, None);
        self.life = Life::Failed;
        let executing = self.plan.is_some() && !self.config.preview_only;
        self.steps.clear();
        if executing {
            self.end_writes();
        }
    }
}
