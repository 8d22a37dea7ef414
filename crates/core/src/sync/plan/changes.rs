//! After [`Plan::commit`]: each linked pair this execution changed gets the record of its last
//! change ([`LastChange`]), made from the plan's own operations and their preview diffs.

use super::{Outcome, Plan};
use crate::sync::change::LastChange;
use crate::sync::model::{Millis, Side};
use crate::sync::state::{AccountState, Touched};

/// The record of this run on CRM contact `crm_id`'s link: begun (replacing an older run's) the
/// first time the run names the pair, as `touched` keeps count. `None` when it is not linked.
fn begin<'s>(
    state: &'s mut AccountState,
    touched: &mut Touched,
    crm_id: &str,
    (run, now): (&str, Millis),
    created: Option<Side>,
    linked: bool,
) -> Option<&'s mut LastChange> {
    let link = state.links.get_mut(crm_id)?;
    if touched.links.insert(crm_id.to_string()) || link.last_change.is_none() {
        link.last_change = Some(LastChange::new(run, now, created, linked, []));
    }
    link.last_change.as_mut()
}

impl Plan {
    /// Records on each link of `state` (after [`Plan::commit`]) what this execution did to its
    /// pair, as run `run` (its report's `startedAt`) at `now`: its creation on one side, its
    /// link, the fields written on each side. Operations that failed record nothing, and a pair
    /// nothing was done to keeps its earlier record. Answers the links it wrote.
    pub fn record_changes(
        &self,
        state: &mut AccountState,
        outcome: &Outcome,
        run: &str,
        now: Millis,
    ) -> Touched {
        let mut touched = Touched::default();
        let at = (run, now);
        for c in &self.creates_google {
            if outcome.google_created.contains_key(&c.crm_id) {
                begin(state, &mut touched, &c.crm_id, at, Some(Side::Google), true);
            }
        }
        for c in &self.creates_crm {
            if let Some(crm_id) = outcome.crm_created.get(&c.resource_name) {
                begin(state, &mut touched, crm_id, at, Some(Side::Crm), true);
            }
        }
        for l in &self.links {
            if !outcome.failed.contains(&l.crm_id) {
                begin(state, &mut touched, &l.crm_id, at, None, true);
            }
        }
        // A link tag written alone is no change a user would see.
        for u in self.updates.iter().filter(|u| !u.diffs.is_empty()) {
            if outcome.failed.contains(&u.crm_id) {
                continue;
            }
            if let Some(r) = begin(state, &mut touched, &u.crm_id, at, None, false) {
                for d in &u.diffs {
                    r.push(u.side, d);
                }
            }
        }
        touched
    }
}
