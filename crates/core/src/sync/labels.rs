//! CRM tags ⇄ Google labels (docs/sync-rules.md, "Tags and labels").
//!
//! The settings' `tagLabels` map a CRM tag to a Google contact group (a label). A contact's
//! [`Contact::tags`] then hold, on each side, only the mapped tags: the CRM's tags that have a
//! label, and on Google's side the tags whose group the contact is a member of. The merge treats
//! them as a set like any list field: a tag added on either side is added on the other, one
//! removed on one side and untouched on the other is removed, and a first link keeps the union.
//! The field's direction (`fieldDirections.tags`) says which way they flow.
//!
//! A CRM tag without a label is the CRM's own: it is set aside before the merge and put back in
//! every write of the contact's tags, so the plugin never removes it. Likewise a Google group
//! that no tag maps to is left as it is: writing the tags rewrites only the memberships of the
//! mapped groups. The tags go to Google as the person's `memberships`, in the contact update
//! itself (`updatePersonFields` takes `memberships`): a tag edited with other fields costs no
//! request of its own, and a run's tag changes go in the batches of 200 updates the run sends
//! anyway; `contactGroups.members:modify` would cost one more request per group touched, at least.

use super::model::Contact;
use super::normalize::text_key;
use super::settings::MY_CONTACTS;
use crate::json_struct;
use crate::people::wire::{from_contact, Membership, Person};

json_struct! {
    /// One mapping of the settings' `tagLabels`: a CRM tag and the Google group (label) that
    /// stands for it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct TagLabel {
        /// The tag as the CRM names it.
        pub tag: String = "tag",
        /// The group's resource name (`contactGroups/…`).
        pub group: String = "group",
    }
}

/// A list of tags as the model keeps it: trimmed, without empty ones or repeats (compared as
/// the merge compares them), sorted.
pub fn tag_set(tags: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim();
        if !t.is_empty() && !out.iter().any(|o| text_key(o) == text_key(t)) {
            out.push(t.to_string());
        }
    }
    out.sort();
    out
}

/// The mapping of one account's settings.
#[derive(Clone, Copy, Debug)]
pub struct Labels<'a>(pub &'a [TagLabel]);

impl Labels<'_> {
    fn by_tag(&self, tag: &str) -> Option<&TagLabel> {
        let key = text_key(tag);
        self.0.iter().find(|l| text_key(&l.tag) == key)
    }

    fn by_group(&self, group: &str) -> Option<&TagLabel> {
        self.0.iter().find(|l| l.group == group)
    }

    /// Whether a group stands for a tag.
    pub fn maps_group(&self, group: &str) -> bool {
        self.by_group(group).is_some()
    }

    /// Splits a CRM contact's tags into the mapped ones (kept on the contact, as the mapping
    /// names them) and the CRM's own (returned, to put back when the tags are written).
    pub fn split_crm(&self, contact: &mut Contact) -> Vec<String> {
        let (mapped, own): (Vec<String>, Vec<String>) = std::mem::take(&mut contact.tags)
            .into_iter()
            .partition(|t| self.by_tag(t).is_some());
        contact.tags = tag_set(
            mapped
                .iter()
                .filter_map(|t| self.by_tag(t).map(|l| l.tag.clone())),
        );
        own
    }

    /// The tags of a Google contact: those whose group it is a member of.
    pub fn google_tags(&self, groups: &[String]) -> Vec<String> {
        tag_set(
            groups
                .iter()
                .filter_map(|g| self.by_group(g).map(|l| l.tag.clone())),
        )
    }

    /// The person's memberships with those of the mapped groups made to match `tags`; true when
    /// that changed them. Other memberships stay as Google returned them; a person left with no
    /// membership at all keeps `myContacts` (Google: "a contact must always have at least one
    /// contact group membership").
    pub fn apply(&self, person: &mut Person, tags: &[String]) -> bool {
        let wanted: Vec<&str> = tags
            .iter()
            .filter_map(|t| self.by_tag(t).map(|l| l.group.as_str()))
            .collect();
        let before = person.memberships.clone();
        person.memberships.retain(|m| {
            !from_contact(&m.metadata)
                || m.group_resource_name()
                    .is_none_or(|g| !self.maps_group(g) || wanted.contains(&g))
        });
        for g in &wanted {
            let has = person
                .memberships
                .iter()
                .any(|m| m.group_resource_name() == Some(*g));
            if !has {
                person.memberships.push(Membership::group(g));
            }
        }
        if person.memberships.is_empty() {
            person.memberships.push(Membership::group(MY_CONTACTS));
        }
        person.memberships != before
    }
}

#[cfg(test)]
mod tests;
