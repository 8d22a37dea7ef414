//! Deletions held before they are made (the settings' `googleDeletesHoldDays` and
//! `crmDeletesHoldDays`): a deletion propagated from one side unlinks the pair and waits, the
//! contact on the other side marked (in Google, a member of the pending group; in the CRM, by
//! the state's entry alone), until a whole-account run ends it:
//! - the contact waiting was deleted meanwhile: nothing left to do;
//! - it was edited since: the edit wins, as it does for a deletion made at once, and it is
//!   unmarked. A CRM contact is then synced as any unlinked one (sent to Google again); a Google
//!   contact stays in Google unlinked, as a CRM deletion under `crmDeletes: keep` leaves it;
//! - the user chose Restore: the contact deleted is made again from the one waiting, linked;
//! - the user chose Delete now, or the days are over: it is deleted, through the deletion guard.
//!
//! Otherwise it waits, left out of matching, so it is neither linked nor sent back.

use super::{
    CreateCrm, Delete, DeleteReason, Hold, PendingAction, Planner, Rejection, Unhold, UnholdReason,
};
use crate::sync::model::{Contact, CrmContact, Side};
use crate::sync::state::{Link, PendingDeletion};

impl<'a> Planner<'a> {
    /// Holds `delete` when its side's setting says to wait, else plans it. `current`: the
    /// contact waiting as it is now.
    pub(super) fn delete_or_hold(&mut self, link: &Link, current: &Contact, delete: Delete) {
        let wait = self.input.settings.hold_ms(delete.side);
        if wait <= 0 {
            self.out.deletes.push(delete);
            return;
        }
        if delete.side == Side::Google {
            self.out
                .pending_marks
                .add
                .push(delete.resource_name.clone());
        }
        self.out.holds.push(Hold {
            side: delete.side,
            name: delete.name,
            until: self.input.now.saturating_add(wait),
            link: Link {
                resource_name: delete.resource_name,
                base: current.clone(),
                synced_at: self.input.now,
                ..link.clone()
            },
        });
    }

    /// Settles each held deletion (see the module docs), and the user's choices on them.
    pub(super) fn pending(&mut self) {
        let state = self.input.state;
        let choices = &self.input.decisions.pending;
        for c in choices {
            if !state.pending.deletions.contains_key(&c.crm_id) || !self.whole_account() {
                self.out.rejected.push(Rejection::NotPending {
                    crm_id: c.crm_id.clone(),
                });
            }
        }
        for (crm_id, p) in &state.pending.deletions {
            let rn = p.link.resource_name.as_str();
            if !self.whole_account() {
                self.waiting_crm.insert(crm_id);
                self.waiting_google.insert(rn);
                continue;
            }
            let choice = choices
                .iter()
                .find(|c| &c.crm_id == crm_id)
                .map(|c| c.action);
            let (gone, now) = match p.side {
                Side::Google => {
                    let listing = self.input.google;
                    let gone = self.google_deleted.contains(rn)
                        || (listing.full
                            && listing.complete
                            && !self.google_by_rn.contains_key(rn));
                    (gone, self.google_by_rn.get(rn).map(|g| &g.contact))
                }
                Side::Crm => (
                    self.crm_deleted.contains(crm_id.as_str()),
                    self.crm_by_id.get(crm_id.as_str()).map(|c| &c.contact),
                ),
            };
            let edited = now.is_some_and(|c| super::linked::differs(&p.link.base, c, self.region));
            let unhold = |reason| Unhold {
                side: p.side,
                crm_id: crm_id.clone(),
                resource_name: rn.to_string(),
                name: p.name.clone(),
                reason,
            };
            if gone || edited {
                let reason = match gone {
                    true => UnholdReason::Gone,
                    false => UnholdReason::EditedSinceDeletion,
                };
                if p.side == Side::Google && !gone {
                    self.out.pending_marks.remove.push(rn.to_string());
                }
                self.out.unheld.push(unhold(reason));
                continue;
            }
            self.waiting_crm.insert(crm_id);
            self.waiting_google.insert(rn);
            let current = now.unwrap_or(&p.link.base);
            let due = self.input.now >= p.since.saturating_add(self.input.settings.hold_ms(p.side));
            match choice {
                Some(PendingAction::Restore) => {
                    self.restore(p, current);
                    self.out.unheld.push(unhold(UnholdReason::Restored));
                }
                Some(PendingAction::DeleteNow) => self.delete_held(p),
                None if due => self.delete_held(p),
                None => {}
            }
        }
    }

    fn delete_held(&mut self, p: &PendingDeletion) {
        self.out.deletes.push(Delete {
            side: p.side,
            crm_id: p.link.crm_id.clone(),
            resource_name: p.link.resource_name.clone(),
            name: p.name.clone(),
            reason: match p.side {
                Side::Google => DeleteReason::DeletedInCrm,
                Side::Crm => DeleteReason::DeletedInGoogle,
            },
        });
    }

    /// Makes the contact deleted again from `current`, the one waiting, to be linked to it.
    fn restore(&mut self, p: &PendingDeletion, current: &Contact) {
        match p.side {
            Side::Google => {
                self.out
                    .pending_marks
                    .remove
                    .push(p.link.resource_name.clone());
                self.out.creates_crm.push(CreateCrm {
                    resource_name: p.link.resource_name.clone(),
                    name: p.name.clone(),
                    contact: self.input.capabilities.fit(current),
                    status: self.input.settings.import_status.clone(),
                });
            }
            Side::Crm => {
                let read = self.crm_by_id.get(p.link.crm_id.as_str());
                let c = CrmContact {
                    id: p.link.crm_id.clone(),
                    modified_at: read.map_or(0, |c| c.modified_at),
                    status: read.and_then(|c| c.status.clone()),
                    contact: current.clone(),
                    read_only: read.and_then(|c| c.read_only.clone()),
                };
                let create = self.create_google(&c);
                self.out.creates_google.push(create);
            }
        }
    }
}
