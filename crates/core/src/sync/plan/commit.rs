//! After execution: re-merging a pair whose Google contact changed meanwhile, and writing what
//! the execution achieved into the state.

use super::linked::Pair;
use super::{
    DeleteReason, GoogleListing, NotWritten, Plan, PlanInput, Planner, Skipped, UnholdReason,
    UnlinkReason,
};
use crate::sync::model::{Contact, CrmContact, GoogleContact, Millis, Side};
use crate::sync::state::{AccountState, Link, PendingDeletion, Touched};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// What executing a plan achieved, reported back by whoever executed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Google contacts created, by CRM id: resource name and etag.
    pub google_created: BTreeMap<String, (String, String)>,
    /// CRM contacts created, by Google resource name: CRM id.
    pub crm_created: BTreeMap<String, String>,
    /// New etags of updated Google contacts, by resource name.
    pub google_etags: BTreeMap<String, String>,
    /// Operations that failed, by CRM id (for pairs) or resource name (for CRM creates): their
    /// links keep their old base, so the next run tries again.
    pub failed: BTreeSet<String>,
    /// Deletions that were made (held ones are not in the plan's deletes).
    pub deleted: BTreeSet<String>,
}

/// What re-merging one pair against a fresh read of its Google contact changed in the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remerged {
    /// Google still needs a write (the update at the same index, now against the fresh copy).
    pub google_write: bool,
    /// A CRM update the plan did not have, by index into `updates`: to be scheduled.
    pub new_crm_update: Option<usize>,
}

impl Plan {
    /// Re-merges the pair of Google update `i` against `google`, its contact as Google holds it
    /// now (after an etag mismatch), and `crm`, its CRM contact as read: the update is
    /// replaced, the pair's CRM update replaced or added, its conflicts and next base recorded.
    /// `input` gives the state, settings and scope the plan was made with.
    pub fn remerge(
        &mut self,
        i: usize,
        input: PlanInput<'_>,
        crm: &CrmContact,
        google: &GoogleContact,
    ) -> Remerged {
        let u = &self.updates[i];
        let crm_id = u.crm_id.clone();
        let set_tag = u.set_tag;
        let mut p = Planner::new(input);
        let base = input.state.links.get(&crm_id).map(|l| &l.base);
        p.merge_pair(Pair {
            crm_id: &crm_id,
            resource_name: &google.resource_name,
            base,
            crm: (&crm.contact, crm.modified_at),
            google: (&google.contact, google.updated_at),
            etag: &google.etag,
            set_tag,
        });
        let out = p.out;
        let mut r = Remerged {
            google_write: false,
            new_crm_update: None,
        };
        for new in out.updates {
            match new.side {
                Side::Google => {
                    self.updates[i] = new;
                    r.google_write = true;
                }
                Side::Crm => {
                    let planned = self
                        .updates
                        .iter()
                        .position(|x| x.side == Side::Crm && x.crm_id == crm_id);
                    match planned {
                        Some(j) => self.updates[j] = new,
                        None => {
                            self.updates.push(new);
                            r.new_crm_update = Some(self.updates.len() - 1);
                        }
                    }
                }
            }
        }
        if !r.google_write {
            let u = &mut self.updates[i];
            u.diffs.clear();
            u.set_tag = false;
        }
        for c in out.conflicts {
            if !self.conflicts.contains(&c) {
                self.conflicts.push(c);
            }
        }
        // What the pair's CRM record does not take is what the merge against Google's values
        // of now says.
        let skipped = |n: &NotWritten| n.crm_id == crm_id && matches!(n.change, Skipped::Update(_));
        self.not_written.retain(|n| !skipped(n));
        self.not_written.extend(out.not_written);
        self.next_bases.extend(out.next_bases);
        r
    }

    /// Records what execution achieved in `state`. Pairs whose writes failed keep their old
    /// base, and links not made stay unmade, so the next run plans them again. Answers the
    /// entries of the state's maps it wrote or removed.
    pub fn commit(
        &self,
        state: &mut AccountState,
        listing: &GoogleListing,
        outcome: &Outcome,
        now: Millis,
    ) -> Touched {
        let mut touched = Touched::default();
        for d in &self.deletes {
            // A duplicate's deletion leaves its twin's link alone.
            if d.reason != DeleteReason::Duplicate && outcome.deleted.contains(&d.crm_id) {
                state.links.remove(&d.crm_id);
                touched.links.insert(d.crm_id.clone());
            }
        }
        self.commit_pending(state, outcome, now, &mut touched);
        for u in &self.unlinks {
            if !outcome.failed.contains(&u.crm_id) {
                state.links.remove(&u.crm_id);
                touched.links.insert(u.crm_id.clone());
            }
        }
        for (crm_id, next) in &self.next_bases {
            if outcome.failed.contains(crm_id) {
                continue;
            }
            let etag = outcome
                .google_etags
                .get(&next.resource_name)
                .cloned()
                .unwrap_or_else(|| next.etag.clone());
            touched.links.insert(crm_id.clone());
            // The pair's record of its last change stays until a change replaces it.
            let last_change = state.links.get(crm_id).and_then(|l| l.last_change.clone());
            state.links.insert(
                crm_id.clone(),
                Link {
                    crm_id: crm_id.clone(),
                    resource_name: next.resource_name.clone(),
                    etag,
                    base: Contact {
                        photo: photo_base(state, crm_id),
                        ..next.base.clone()
                    },
                    synced_at: now,
                    last_change,
                },
            );
        }
        for c in &self.creates_google {
            if let Some((rn, etag)) = outcome.google_created.get(&c.crm_id) {
                touched.links.insert(c.crm_id.clone());
                state.links.insert(
                    c.crm_id.clone(),
                    Link {
                        crm_id: c.crm_id.clone(),
                        resource_name: rn.clone(),
                        etag: etag.clone(),
                        base: Contact {
                            photo: None,
                            ..c.contact.clone()
                        },
                        synced_at: now,
                        last_change: None,
                    },
                );
            }
        }
        for c in &self.creates_crm {
            if let Some(crm_id) = outcome.crm_created.get(&c.resource_name) {
                let etag = outcome
                    .google_etags
                    .get(&c.resource_name)
                    .or_else(|| {
                        listing
                            .people
                            .iter()
                            .chain(state.google_unlinked.get(&c.resource_name))
                            .find(|g| g.resource_name == c.resource_name)
                            .map(|g| &g.etag)
                    })
                    .cloned()
                    .unwrap_or_default();
                touched.links.insert(crm_id.clone());
                state.links.insert(
                    crm_id.clone(),
                    Link {
                        crm_id: crm_id.clone(),
                        resource_name: c.resource_name.clone(),
                        etag,
                        base: Contact {
                            photo: None,
                            ..c.contact.clone()
                        },
                        synced_at: now,
                        last_change: None,
                    },
                );
            }
        }
        // An undo's contacts created again without their twin: not linked to it.
        for crm_id in &self.undo_unlinked {
            state.links.remove(crm_id);
        }
        for rn in &self.undo_untagged {
            if let Some(crm_id) = outcome.crm_created.get(rn) {
                state.links.remove(crm_id);
            }
        }
        for u in &self.unlinks {
            if u.reason == UnlinkReason::DeletedInGoogle && !outcome.failed.contains(&u.crm_id) {
                if let Some(l) = self.kept_in_crm.iter().find(|l| l.crm_id == u.crm_id) {
                    state.kept_in_crm.insert(u.crm_id.clone(), l.clone());
                }
            }
        }
        for m in &self.merged {
            state.merged_in_google.insert(m.crm_id.clone(), m.clone());
        }
        // A merge is remembered while its CRM contact stays unlinked.
        let links = &state.links;
        state
            .merged_in_google
            .retain(|id, _| !links.contains_key(id));
        if let Some(common) = &self.common_keys {
            state.common_keys = common.clone();
        }
        // A choice the user made holds whatever the writes did.
        if !self.apart.is_empty() {
            state.apart.extend(self.apart.iter().cloned());
            state.apart.sort_unstable();
            state.apart.dedup();
        }
        // Linked again (edited, then matched or sent): no longer held back.
        let relinked: Vec<String> = state
            .kept_in_crm
            .keys()
            .filter(|id| state.links.contains_key(*id))
            .cloned()
            .collect();
        for id in relinked {
            state.kept_in_crm.remove(&id);
        }
        // The cache of unlinked Google contacts follows the listing.
        if listing.full && listing.complete {
            state.google_unlinked.clear();
            touched.all_google_unlinked = true;
        }
        for rn in &listing.deleted {
            if state.google_unlinked.remove(rn).is_some() {
                touched.google_unlinked.insert(rn.clone());
            }
        }
        let mut cache = std::mem::take(&mut state.google_unlinked);
        for g in &listing.people {
            cache.insert(g.resource_name.clone(), g.clone());
            touched.google_unlinked.insert(g.resource_name.clone());
        }
        if cache.is_empty() {
            // Nothing to compare with the links (the common case): no set of them is built.
            state.google_unlinked = cache;
            return touched;
        }
        let linked: HashSet<&str> = state
            .links
            .values()
            .map(|l| l.resource_name.as_str())
            .collect();
        cache.retain(|rn, _| {
            let keep = !linked.contains(rn.as_str());
            if !keep {
                touched.google_unlinked.insert(rn.clone());
            }
            keep
        });
        state.google_unlinked = cache;
        touched
    }
}

impl Plan {
    /// Records the held deletions this execution started, made or ended (see `pending`).
    fn commit_pending(
        &self,
        state: &mut AccountState,
        outcome: &Outcome,
        now: Millis,
        touched: &mut Touched,
    ) {
        for h in &self.holds {
            let id = &h.link.crm_id;
            state.links.remove(id);
            touched.links.insert(id.clone());
            let held = PendingDeletion {
                side: h.side,
                link: h.link.clone(),
                name: h.name.clone(),
                since: now,
            };
            state.pending.deletions.insert(id.clone(), held);
        }
        for d in &self.deletes {
            if d.reason != DeleteReason::Duplicate && outcome.deleted.contains(&d.crm_id) {
                state.pending.deletions.remove(&d.crm_id);
            }
        }
        for u in &self.unheld {
            let ended = match u.reason {
                UnholdReason::Restored => match u.side {
                    Side::Google => outcome.crm_created.contains_key(&u.resource_name),
                    Side::Crm => outcome.google_created.contains_key(&u.crm_id),
                },
                UnholdReason::EditedSinceDeletion | UnholdReason::Gone => true,
            };
            if ended {
                state.pending.deletions.remove(&u.crm_id);
            }
        }
    }
}

/// The photo base a link keeps through the commit of the other fields: the photo syncs after
/// them and records its own base (`crate::sync::photo`); a new link has none yet.
fn photo_base(state: &AccountState, crm_id: &str) -> Option<crate::sync::model::Photo> {
    state.links.get(crm_id).and_then(|l| l.base.photo.clone())
}
