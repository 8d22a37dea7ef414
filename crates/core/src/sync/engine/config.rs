//! What a run is asked to do, what starts it, and what it ends with.

use super::{Patience, Replanner, RunReport};
use crate::sync::capabilities::Capabilities;
use crate::sync::plan::{Decisions, Plan, Scope};
use crate::sync::state::{AccountState, Touched};
use serde::Serialize;

/// What started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Trigger {
    Schedule,
    Manual,
    /// The preview's Apply: a manual run of the changes the user just reviewed.
    Apply,
    BulkAction,
    RecordAction,
    Push,
    Pull,
}

impl Trigger {
    /// Every trigger, in the order api.d.ts lists them.
    pub const ALL: [Trigger; 7] = [
        Trigger::Schedule,
        Trigger::Manual,
        Trigger::Apply,
        Trigger::BulkAction,
        Trigger::RecordAction,
        Trigger::Push,
        Trigger::Pull,
    ];

    /// Whether someone is waiting on the run's answer: those runs give up sooner.
    pub fn is_interactive(self) -> bool {
        !matches!(self, Trigger::Schedule)
    }
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
    /// How long it keeps trying while Google fails: [`Patience::of`] the trigger.
    pub patience: Patience,
    /// The user's decisions from the preview (none for scheduled runs and the actions).
    pub decisions: Decisions,
    /// The fingerprint of the previewed plan this run applies: a run whose plan differs (the
    /// data moved since the preview) writes nothing and fails with `PLAN_CHANGED`.
    pub fingerprint: Option<String>,
    /// The most contacts the Google account may hold: [`GOOGLE_MAX_CONTACTS`], lower in tests.
    /// The plan creates none past it.
    pub google_max_contacts: usize,
}

/// Google's limit of contacts per account.
pub const GOOGLE_MAX_CONTACTS: usize = 25_000;

/// The end of a run.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub state: AccountState,
    /// The entries of the state's maps the run changed: what a save must look at.
    pub touched: Touched,
    pub report: RunReport,
    pub plan: Option<Plan>,
    /// A preview's inputs, to plan again with the user's decisions without reading again.
    pub replanner: Option<Replanner>,
}
