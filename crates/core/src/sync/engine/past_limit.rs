//! CRM contacts left out of Google for its limit of contacts per account: kept in the state by
//! id, so that a run reading the CRM's change feed reads them by id as well (the feed brings a
//! contact once, and these wait for room in Google), and the feed's cursor moves on.

use super::Engine;
use crate::sync::plan::{Outcome, Plan};
use crate::sync::state::AccountState;
use std::collections::{BTreeSet, HashSet};

/// The most the kept ids may take in the state's header (each with its quotes and comma): a
/// quarter of the smallest value a host may store. Past it a whole run keeps none, and the CRM
/// cursor stays where it was, so that the feed brings them again.
pub const PAST_LIMIT_KEPT_BYTES: usize = 4 * 1024;

impl Engine {
    /// After the feed: the contacts kept for Google's limit that it did not return, read by id
    /// before planning. One the CRM no longer has is taken for deleted (and dropped from the
    /// list); the feed runs only without a view, so every one read is in scope.
    pub(super) fn read_past_limit(&mut self) {
        if self.state.past_limit.is_empty() {
            return;
        }
        let read = self.crm_ids_read();
        let ids: Vec<String> = self
            .state
            .past_limit
            .iter()
            .filter(|id| !read.contains(id.as_str()))
            .cloned()
            .collect();
        self.read_crm_next(&ids);
    }
}

/// Records in `state` the CRM contacts `plan` left out for Google's limit, with those kept before
/// that the run did not `read`, or whose create did not reach Google; answers whether every
/// contact the plan left out is kept (else the CRM cursor must stay, so that the feed brings
/// them again). A contact linked now, or `deleted` in the CRM, is dropped; one read by a run
/// whose plan could not create in Google (`creates`: it writes Google from a complete listing)
/// stays. A function of the engine's parts, as the engine's plan is borrowed while it commits.
pub(super) fn keep<'a>(
    state: &mut AccountState,
    read: impl Iterator<Item = &'a str>,
    deleted: &[String],
    (plan, outcome): (&Plan, &Outcome),
    (whole, creates): (bool, bool),
) -> bool {
    let read: HashSet<&str> = match creates {
        true => read.collect(),
        false => HashSet::new(),
    };
    let planned: HashSet<&str> = plan
        .creates_google
        .iter()
        .map(|c| c.crm_id.as_str())
        .collect();
    let kept: BTreeSet<String> = state
        .past_limit
        .iter()
        .filter(|id| !read.contains(id.as_str()) || planned.contains(id.as_str()))
        .chain(plan.past_limit.iter().map(|c| &c.crm_id))
        .filter(|id| !state.links.contains_key(*id) && !deleted.contains(*id))
        .filter(|id| !outcome.google_created.contains_key(*id))
        .cloned()
        .collect();
    let bytes: usize = kept.iter().map(|id| id.len() + 3).sum();
    if bytes > PAST_LIMIT_KEPT_BYTES && whole {
        state.past_limit.clear();
        return plan.past_limit.is_empty();
    }
    let kept: Vec<String> = kept.into_iter().collect();
    if kept != state.past_limit {
        state.past_limit = kept;
    }
    true
}
