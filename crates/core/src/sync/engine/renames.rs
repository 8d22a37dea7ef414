//! Following Google's renames. Google gives a contact a new resource name when it links the
//! contact to a profile or when the user merges two contacts, and names the old ones in
//! `metadata.previousResourceNames`, in incremental listings only (reference §1.1).
//!
//! Invariant: one Google contact is linked to at most one CRM contact. When several links name
//! one listed contact (by an old name, or by its name now), one follows it and the others are
//! set aside as merged ([`GoogleListing::merged`](crate::sync::plan::GoogleListing)), for the
//! planner to unlink and report; without that, both CRM contacts would be written onto the one
//! Google contact every run, its tag flipping between them.
//!
//! The link that stays is, in order: the one already naming the contact (Google kept the
//! survivor's name); the one whose CRM id is the first of our tags the contact carries (merging
//! unites `clientData`, the survivor's first); the one whose old name Google lists first.

use super::Engine;
use crate::people::tag;
use crate::people::wire::Person;
use crate::sync::plan::MergedLink;

impl Engine {
    /// Moves the links of `person`'s previous names to `rn`, its name now, keeping one link to it.
    pub(super) fn follow_renames(&mut self, person: &Person, rn: &str) {
        let previous = person.previous_resource_names();
        if previous.is_empty() {
            return;
        }
        // An old name is gone as a deleted contact is: an unlinked contact cached under it is
        // forgotten, not matched and written to (Google would answer 404).
        for old in previous {
            if !self.listing.deleted.contains(old) {
                self.listing.deleted.push(old.clone());
            }
        }
        let tags = tag::crm_ids(&person.client_data, &self.config.instance_id);
        // (rank, CRM id) of each link naming this contact: the lowest rank stays.
        let mut found: Vec<((usize, usize), String)> = Vec::new();
        for l in self.state.links.values() {
            let rank = if l.resource_name == rn {
                (0, 0)
            } else if let Some(i) = previous.iter().position(|p| *p == l.resource_name) {
                match tags.iter().position(|t| *t == l.crm_id) {
                    Some(t) => (1, t),
                    None => (2, i),
                }
            } else {
                continue;
            };
            found.push((rank, l.crm_id.clone()));
        }
        // Ranks can tie only between links of one old name, which the invariant rules out; the
        // CRM id settles them anyway, so the choice never depends on map order.
        found.sort_unstable();
        let mut found = found.into_iter().map(|(_, id)| id);
        let Some(survivor) = found.next() else {
            return;
        };
        for merged in found {
            self.listing.merged.insert(
                merged,
                MergedLink {
                    survivor: survivor.clone(),
                    resource_name: rn.to_string(),
                },
            );
        }
        if let Some(l) = self.state.links.get_mut(&survivor) {
            if l.resource_name != rn {
                l.resource_name = rn.to_string();
                self.touched.links.insert(survivor);
            }
        }
    }
}
