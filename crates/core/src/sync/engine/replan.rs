//! Planning a preview again with the user's decisions, from what the preview read: each choice
//! in the preview shows the plan it leads to at once, without reading either side again.

use super::schedule::planned;
use super::{Engine, RunResult};
use crate::sync::capabilities::Capabilities;
use crate::sync::model::{CrmContact, Millis};
use crate::sync::plan::{Decisions, GoogleListing, Plan, PlanInput, RunUndo, Scope};
use crate::sync::settings::Settings;
use crate::sync::state::AccountState;

/// What a preview planned from, kept for planning again.
#[derive(Clone, Debug)]
pub struct Replanner {
    pub state: AccountState,
    pub settings: Settings,
    pub crm: Vec<CrmContact>,
    pub crm_other: Vec<CrmContact>,
    pub crm_deleted: Vec<String>,
    pub listing: GoogleListing,
    pub target_group: Option<String>,
    pub scope: Scope,
    pub confirm_deletions: bool,
    pub capabilities: Capabilities,
    pub now: Millis,
    pub google_max_contacts: usize,
}

impl Replanner {
    /// The preview's plan with `decisions`, its fingerprint included. Decisions that name
    /// nothing in it are in its `rejected`.
    pub fn plan(&self, decisions: &Decisions) -> Plan {
        planned(
            PlanInput {
                state: &self.state,
                settings: &self.settings,
                crm: &self.crm,
                crm_other: &self.crm_other,
                crm_deleted: &self.crm_deleted,
                google: &self.listing,
                target_group: self.target_group.as_deref(),
                scope: &self.scope,
                confirm_deletions: self.confirm_deletions,
                now: self.now,
                capabilities: &self.capabilities,
                decisions,
            },
            self.google_max_contacts,
        )
    }
}

impl Engine {
    /// The new state, the report and the plan. Call after `poll` returned `Done`.
    pub fn finish(self) -> RunResult {
        let replanner = (self.config.preview_only && self.plan.is_some()).then(|| Replanner {
            state: self.state.clone(),
            settings: self.settings,
            crm: self.crm,
            crm_other: self.crm_other,
            crm_deleted: self.crm_deleted,
            listing: self.listing,
            target_group: self.planned_group.clone(),
            scope: self.config.scope,
            confirm_deletions: self.config.confirm_deletions,
            capabilities: self.config.capabilities,
            now: self.planned_at,
            google_max_contacts: self.config.google_max_contacts,
        });
        let undo = (!self.config.preview_only && !self.images.is_empty()).then(|| RunUndo {
            run: self.report.started_at.clone(),
            images: self.images,
        });
        RunResult {
            undo,
            state: self.state,
            touched: self.touched,
            report: self.report,
            plan: self.plan,
            replanner,
        }
    }
}
