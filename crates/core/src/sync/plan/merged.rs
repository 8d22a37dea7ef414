//! Contacts Google merged: two linked Google contacts that became one ("Merge & fix", or Google
//! linking both to one profile) keep one link, since one Google contact is linked to at most one
//! CRM contact.
//!
//! Which link stays: the engine decides when an incremental listing names the old contacts in
//! `previousResourceNames` (see `Engine::follow_renames`), and this module when a listing shows
//! a contact carrying the merged contact's tag after its own (a full listing, which names no
//! previous names): the link of the first tag stays, the others go. Nothing is deleted: the
//! other CRM contact keeps its data, is unlinked and reported once as merged in Google, and is
//! remembered ([`Merged`]) so no later whole-account run sends it back to Google as a duplicate
//! of the contact the user merged, or matches it (a run for chosen contacts that names it does:
//! the user asked). The surviving Google contact holds both contacts' data, and its next write
//! leaves it tagged for its own link only.

use super::{Planner, Unlink, UnlinkReason};
use crate::sync::state::{Link, Merged};

impl<'a> Planner<'a> {
    /// The links the engine found merged into another: unlinked, whatever the run's scope, as
    /// the listing that told it is not read again.
    pub(super) fn merged_in_google(&mut self) {
        let state = self.input.state;
        for (crm_id, m) in &self.input.google.merged {
            if let Some(link) = state.links.get(crm_id) {
                self.merge_away(link, &m.survivor, &m.resource_name);
            }
        }
    }

    /// The contact a missing link's Google contact was merged into, if a listed contact carries
    /// its tag after the tag of another CRM contact: that contact and the other CRM contact's id.
    /// The other need not be linked (a run that created its Google copy may have stopped before
    /// saving the link): a contact that carries this link's tag holds its data, so the missing
    /// one was merged, never deleted.
    pub(super) fn merged_into(&self, link: &Link) -> Option<(&'a str, &'a str)> {
        let g = self.extra_tagged.get(link.crm_id.as_str())?;
        let survivor = g.tag.as_deref()?;
        (survivor != link.crm_id).then_some((g.resource_name.as_str(), survivor))
    }

    /// Unlinks `link`, its Google contact merged into `into`, now linked to CRM contact
    /// `survivor`.
    pub(super) fn merge_away(&mut self, link: &'a Link, survivor: &str, into: &str) {
        if !self.merged_away.insert(link.crm_id.as_str()) {
            return;
        }
        let name = match self.crm_by_id.get(link.crm_id.as_str()) {
            Some(c) => c.contact.display_name(),
            None => link.base.display_name(),
        };
        self.out.unlinks.push(Unlink {
            crm_id: link.crm_id.clone(),
            resource_name: into.to_string(),
            name: name.clone(),
            reason: UnlinkReason::MergedInGoogle,
        });
        self.out.merged.push(Merged {
            crm_id: link.crm_id.clone(),
            survivor: survivor.to_string(),
            resource_name: into.to_string(),
            merged_from: link.resource_name.clone(),
            name,
            at: self.input.now,
        });
    }
}
