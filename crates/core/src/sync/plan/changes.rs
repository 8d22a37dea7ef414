//! After [`Plan::commit`]: each linked pair this execution changed gets the record of its last
//! change ([`LastChange`]), made from the plan's own operations and their preview diffs.

use super::{Outcome, Plan};
use crate::sync::change::LastChange;
use crate::sync::merge::FieldDiff;
use crate::sync::model::{Millis, Side};
use crate::sync::state::{AccountState, Touched};
use std::collections::BTreeMap;

/// What one pair took in this execution, gathered before it becomes a record.
#[derive(Default)]
struct Taken<'a> {
    created: Option<Side>,
    linked: bool,
    fields: Vec<(Side, &'a FieldDiff)>,
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
        let mut taken: BTreeMap<&str, Taken> = BTreeMap::new();
        for c in &self.creates_google {
            if outcome.google_created.contains_key(&c.crm_id) {
                let t = taken.entry(&c.crm_id).or_default();
                t.created = Some(Side::Google);
                t.linked = true;
            }
        }
        for c in &self.creates_crm {
            if let Some(crm_id) = outcome.crm_created.get(&c.resource_name) {
                let t = taken.entry(crm_id).or_default();
                t.created = Some(Side::Crm);
                t.linked = true;
            }
        }
        for l in &self.links {
            if !outcome.failed.contains(&l.crm_id) {
                taken.entry(&l.crm_id).or_default().linked = true;
            }
        }
        for u in &self.updates {
            if !u.diffs.is_empty() && !outcome.failed.contains(&u.crm_id) {
                let t = taken.entry(&u.crm_id).or_default();
                t.fields.extend(u.diffs.iter().map(|d| (u.side, d)));
            }
        }
        let mut touched = Touched::default();
        for (crm_id, t) in taken {
            let Some(link) = state.links.get_mut(crm_id) else {
                continue;
            };
            let record = LastChange::new(run, now, t.created, t.linked, t.fields);
            if !record.is_empty() {
                link.last_change = Some(record);
                touched.links.insert(crm_id.to_string());
            }
        }
        touched
    }
}
