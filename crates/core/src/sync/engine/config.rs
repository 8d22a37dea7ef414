//! What a run is asked to do, what starts it, and what it ends with.

use super::{Patience, Replanner, RunReport};
use crate::sync::capabilities::Capabilities;
use crate::sync::plan::{Decisions, Plan, RunUndo, Scope};
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

    /// What starts a run of `scope` when the caller does not say: the buttons that run it.
    pub fn of(scope: &Scope) -> Trigger {
        match scope {
            Scope::All => Trigger::Manual,
            Scope::Contacts { .. } => Trigger::BulkAction,
            Scope::PushAll => Trigger::Push,
            Scope::PullAll => Trigger::Pull,
        }
    }

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
    /// Undo this run: plan from its before-images instead of syncing.
    pub undo: Option<RunUndo>,
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
    /// What the run wrote, to undo it: its before-images (none for a preview or a run that
    /// wrote nothing).
    pub undo: Option<RunUndo>,
}

/// Whether a run writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Reads both sides and plans, writes nothing (not even to the run log): the preview.
    Preview,
    /// Reads, plans and writes what it planned.
    Sync,
}

/// What the caller asks of one run: the options of `preview` and `sync` in the JS API.
#[derive(Clone, Debug)]
pub struct RunRequest {
    pub scope: Scope,
    pub mode: Mode,
    pub trigger: Trigger,
    /// Deletions over the mass-deletion guard go ahead (the user confirmed them).
    pub confirm_deletions: bool,
    /// The user's decisions from the preview.
    pub decisions: Decisions,
    /// The fingerprint of the previewed plan this run applies.
    pub fingerprint: Option<String>,
    /// Undo the run these before-images were kept for (`Scope::All` only).
    pub undo: Option<RunUndo>,
}

impl RunRequest {
    /// A run of `scope` that writes, started as its scope says ([`Trigger::of`]), with nothing
    /// confirmed or decided.
    pub fn sync(scope: Scope) -> RunRequest {
        RunRequest {
            trigger: Trigger::of(&scope),
            scope,
            mode: Mode::Sync,
            confirm_deletions: false,
            decisions: Decisions::default(),
            fingerprint: None,
            undo: None,
        }
    }

    /// The preview of a run of `scope`.
    pub fn preview(scope: Scope) -> RunRequest {
        RunRequest {
            mode: Mode::Preview,
            ..RunRequest::sync(scope)
        }
    }

    /// The same request, started by `trigger`.
    pub fn by(self, trigger: Trigger) -> RunRequest {
        RunRequest { trigger, ..self }
    }

    /// Whether it applies a preview: decisions from it, or the fingerprint of its plan. Such a
    /// run refused before its plan (decisions naming nothing, a plan other than the one shown)
    /// fails as bad input does.
    pub fn applies_preview(&self) -> bool {
        !self.decisions.is_empty() || self.fingerprint.is_some()
    }

    /// The engine's configuration for this request in `setup`.
    pub fn config(self, setup: RunSetup) -> RunConfig {
        RunConfig {
            patience: setup.patience.unwrap_or(Patience::of(self.trigger)),
            scope: self.scope,
            trigger: self.trigger,
            confirm_deletions: self.confirm_deletions,
            preview_only: self.mode == Mode::Preview,
            instance_id: setup.instance_id,
            people_api_base: setup.people_api_base,
            seed: setup.seed,
            account_id: setup.account_id,
            crm_change_feed: setup.crm_change_feed,
            capabilities: setup.capabilities,
            decisions: self.decisions,
            fingerprint: self.fingerprint,
            google_max_contacts: setup.google_max_contacts.unwrap_or(GOOGLE_MAX_CONTACTS),
            undo: self.undo,
        }
    }
}

/// Where a run happens: the installation, the account, the host's abilities.
#[derive(Clone, Debug, Default)]
pub struct RunSetup {
    /// The CRM installation's id, which the link tag names.
    pub instance_id: String,
    pub people_api_base: String,
    /// Seeds the backoff jitter.
    pub seed: u64,
    pub account_id: String,
    /// The host has `contacts.changedSince`.
    pub crm_change_feed: bool,
    pub capabilities: Capabilities,
    /// How long the run keeps trying while Google fails; `None`: as its trigger's
    /// ([`Patience::of`]).
    pub patience: Option<Patience>,
    /// The most contacts the Google account may hold; `None`: Google's
    /// ([`GOOGLE_MAX_CONTACTS`]).
    pub google_max_contacts: Option<usize>,
}
