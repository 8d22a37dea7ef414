//! Linked pairs: how each side of a link is read this run, and the merge that settles a pair.

use super::{
    Delete, DeleteReason, NewLink, NextBase, NotWritten, PairConflict, Planner, Skipped, Unlink,
    UnlinkReason, Update,
};
use crate::sync::direction::{FieldDirections, PairHeld};
use crate::sync::matching::MatchRule;
use crate::sync::merge::{copy_fields, merge, MergeInput};
use crate::sync::model::{Contact, CrmContact, Field, GoogleContact, Millis, Side};
use crate::sync::normalize::Region;
use crate::sync::settings::{ConflictPolicy, CrmDeletes, GoogleDeletes};
use crate::sync::state::Link;

/// Links of the pairs a run looks at, with both sides read.
enum CrmSide<'a> {
    /// Read, and different from the base.
    Present(&'a CrmContact),
    /// Read and equal to the base, or (with a change feed) not changed since the last run.
    Unchanged,
    /// Not read this run: its values are unknown.
    Unread,
    Deleted,
}

enum GoogleSide<'a> {
    Present(&'a GoogleContact),
    Unchanged,
    Deleted,
}

impl<'a> Planner<'a> {
    pub(super) fn pair(&mut self, link: &'a Link) {
        if !self.in_crm_scope(&link.crm_id) || self.merged_away.contains(link.crm_id.as_str()) {
            return;
        }
        let mut crm = if self.crm_deleted.contains(link.crm_id.as_str()) {
            CrmSide::Deleted
        } else if let Some(c) = self.crm_by_id.get(link.crm_id.as_str()) {
            // Most contacts of a full CRM listing hold exactly their base: no merge needed.
            if c.contact.same_fields(&link.base) {
                CrmSide::Unchanged
            } else {
                CrmSide::Present(c)
            }
        } else {
            CrmSide::Unread
        };
        let listing = self.input.google;
        let mut google = if self.google_deleted.contains(link.resource_name.as_str()) {
            GoogleSide::Deleted
        } else if let Some(g) = self.google_by_rn.get(link.resource_name.as_str()) {
            GoogleSide::Present(g)
        } else if listing.full
            && listing.complete
            && !listing.unchanged.contains(&link.resource_name)
        {
            GoogleSide::Deleted
        } else {
            GoogleSide::Unchanged
        };
        // Google may give a contact a new resource name without telling (a full listing shows
        // no `previousResourceNames`): the contact carrying this link's tag is the twin, and
        // the link follows it rather than taking the old name's absence for a deletion.
        let mut resource_name = link.resource_name.as_str();
        let mut relinked = false;
        if matches!(google, GoogleSide::Deleted) {
            let twin = self
                .tagged
                .get(link.crm_id.as_str())
                .and_then(|gs| gs.first())
                .copied();
            if let Some(g) = twin {
                google = GoogleSide::Present(g);
                resource_name = g.resource_name.as_str();
                relinked = true;
            } else if let Some((into, survivor)) = self.merged_into(link) {
                // Not deleted: merged into a contact tagged for another CRM contact first.
                self.merge_away(link, survivor, into);
                return;
            }
        }
        let region = self.region;
        let edited = |c: &Contact| differs(&link.base, c, region);
        if let CrmSide::Unread = crm {
            // A CRM record this run did not read is written only once read: its values are
            // unknown, and the edit the user may have made there would be overwritten.
            let google_changed = match &google {
                GoogleSide::Present(g) => edited(&g.contact),
                GoogleSide::Deleted => true,
                GoogleSide::Unchanged => false,
            };
            if google_changed {
                self.out.deferred.push(link.crm_id.clone());
                return;
            }
            crm = CrmSide::Unchanged;
        }
        if matches!((&crm, &google), (CrmSide::Unchanged, GoogleSide::Unchanged)) {
            return;
        }
        if relinked {
            if let GoogleSide::Present(g) = google {
                self.relinked.insert(link.crm_id.as_str(), g);
            }
            let name = match &crm {
                CrmSide::Present(c) => c.contact.display_name(),
                _ => link.base.display_name(),
            };
            self.out.links.push(NewLink {
                crm_id: link.crm_id.clone(),
                resource_name: resource_name.to_string(),
                name,
                rule: MatchRule::Tag,
            });
        }
        let name = match &crm {
            CrmSide::Present(c) => c.contact.display_name(),
            _ => link.base.display_name(),
        };
        let unlink = |reason| Unlink {
            crm_id: link.crm_id.clone(),
            resource_name: resource_name.to_string(),
            name: name.clone(),
            reason,
        };
        let delete = |side, reason| Delete {
            side,
            crm_id: link.crm_id.clone(),
            resource_name: resource_name.to_string(),
            name: name.clone(),
            reason,
        };
        match (crm, google) {
            (CrmSide::Unchanged | CrmSide::Unread, GoogleSide::Unchanged) => {}
            (CrmSide::Deleted, GoogleSide::Deleted) => self
                .out
                .unlinks
                .push(unlink(UnlinkReason::DeletedOnBothSides)),
            (CrmSide::Deleted, g) => {
                if !self.whole_account() {
                    return;
                }
                // The Google copy kept must carry the tag (a link recovered from an interrupted
                // run may lack it), or the next run would import it back as a new contact.
                let keep_tagged = |p: &mut Self| {
                    if let GoogleSide::Present(g) = g {
                        if g.tag.as_deref() != Some(link.crm_id.as_str()) {
                            p.out.updates.push(Update {
                                side: Side::Google,
                                crm_id: link.crm_id.clone(),
                                resource_name: resource_name.to_string(),
                                name: name.clone(),
                                diffs: Vec::new(),
                                contact: g.contact.clone(),
                                etag: g.etag.clone(),
                                set_tag: true,
                                status: None,
                                read_only: None,
                            });
                        }
                    }
                };
                match self.input.settings.crm_deletes {
                    CrmDeletes::Keep => {
                        self.out.unlinks.push(unlink(UnlinkReason::DeletedInCrm));
                        keep_tagged(self);
                    }
                    CrmDeletes::Delete => {
                        let g_edited = matches!(g, GoogleSide::Present(g) if edited(&g.contact));
                        if g_edited {
                            self.out
                                .unlinks
                                .push(unlink(UnlinkReason::EditedSinceDeletion));
                            keep_tagged(self);
                        } else if self.writes_google() {
                            let current = match g {
                                GoogleSide::Present(g) => &g.contact,
                                _ => &link.base,
                            };
                            let d = delete(Side::Google, DeleteReason::DeletedInCrm);
                            self.delete_or_hold(link, current, d);
                        } else {
                            self.out.unlinks.push(unlink(UnlinkReason::DeletedInCrm));
                            keep_tagged(self);
                        }
                    }
                }
            }
            (c, GoogleSide::Deleted) => {
                if !self.whole_account() {
                    return;
                }
                if let CrmSide::Present(c) = c {
                    if edited(&c.contact) {
                        self.out
                            .unlinks
                            .push(unlink(UnlinkReason::EditedSinceDeletion));
                        // The edit wins: the contact goes back to Google. It is matched like
                        // an unlinked one first, so a copy an interrupted run already sent is
                        // found by its tag rather than created again.
                        self.freed.insert(c.id.as_str());
                        return;
                    }
                }
                let current = match c {
                    CrmSide::Present(c) => &c.contact,
                    _ => &link.base,
                };
                if let Some(reason) = self.read_only(&link.crm_id) {
                    // Neither deleted nor given a status: unlinked, as the record is the CRM's
                    // to keep, and what was not done is said.
                    self.out.unlinks.push(unlink(UnlinkReason::DeletedInGoogle));
                    self.keep_in_crm(link, current);
                    let change = match &self.input.settings.google_deletes {
                        _ if !self.writes_crm() => None,
                        GoogleDeletes::Delete => Some(Skipped::Delete),
                        GoogleDeletes::SetStatus(s) => Some(Skipped::Status(s.clone())),
                        GoogleDeletes::Unlink => None,
                    };
                    if let Some(change) = change {
                        self.out.not_written.push(NotWritten {
                            crm_id: link.crm_id.clone(),
                            resource_name: resource_name.to_string(),
                            name: name.clone(),
                            reason: reason.to_string(),
                            change,
                        });
                    }
                    return;
                }
                if !self.writes_crm() {
                    self.out.unlinks.push(unlink(UnlinkReason::DeletedInGoogle));
                    self.keep_in_crm(link, current);
                    return;
                }
                match &self.input.settings.google_deletes {
                    GoogleDeletes::Delete => {
                        let d = delete(Side::Crm, DeleteReason::DeletedInGoogle);
                        self.delete_or_hold(link, current, d);
                    }
                    GoogleDeletes::Unlink => {
                        self.out.unlinks.push(unlink(UnlinkReason::DeletedInGoogle));
                        self.keep_in_crm(link, current);
                    }
                    GoogleDeletes::SetStatus(status) => {
                        self.out.updates.push(Update {
                            side: Side::Crm,
                            crm_id: link.crm_id.clone(),
                            resource_name: resource_name.to_string(),
                            name: name.clone(),
                            diffs: Vec::new(),
                            contact: current.clone(),
                            etag: String::new(),
                            set_tag: false,
                            status: Some(status.clone()),
                            read_only: None,
                        });
                        self.out.unlinks.push(unlink(UnlinkReason::DeletedInGoogle));
                        self.keep_in_crm(link, current);
                    }
                }
            }
            (crm, google) => {
                if let GoogleSide::Present(g) = google {
                    if !self.in_google_scope(g) && !self.crm_pushes(&link.crm_id) {
                        if self.whole_account() {
                            self.out
                                .unlinks
                                .push(unlink(UnlinkReason::LeftSourceGroups));
                        }
                        return;
                    }
                }
                let (c, c_time) = match crm {
                    CrmSide::Present(c) => (&c.contact, c.modified_at),
                    _ => (&link.base, 0),
                };
                let (g, g_time, etag, untagged) = match google {
                    GoogleSide::Present(g) => (
                        &g.contact,
                        g.updated_at,
                        g.etag.as_str(),
                        // A contact Google merged carries the merged one's tag too: written
                        // again, it carries its own link's alone.
                        g.tag.as_deref() != Some(link.crm_id.as_str()) || !g.extra_tags.is_empty(),
                    ),
                    _ => (&link.base, 0, link.etag.as_str(), false),
                };
                // A linked Google contact seen without our tag (a link recovered from an
                // interrupted run's journal) gets it, as every linked contact carries it.
                self.merge_pair(Pair {
                    crm_id: &link.crm_id,
                    resource_name,
                    base: Some(&link.base),
                    crm: (c, c_time),
                    google: (g, g_time),
                    etag,
                    set_tag: untagged,
                });
            }
        }
    }

    /// Records a CRM contact unlinked after its Google twin's deletion, as a link to the twin
    /// that was deleted with the values the contact holds (a `Link`, a type the state has
    /// already).
    fn keep_in_crm(&mut self, link: &Link, contact: &Contact) {
        self.out.kept_in_crm.push(Link {
            base: Contact {
                photo: None,
                ..contact.clone()
            },
            etag: String::new(),
            synced_at: self.input.now,
            ..link.clone()
        });
    }

    /// A CRM contact this run sends to Google (so its Google twin stays linked even outside the
    /// source groups).
    fn crm_pushes(&self, crm_id: &str) -> bool {
        self.view_ids.contains(crm_id)
    }

    pub(super) fn merge_input<'b>(
        &self,
        base: &'b Contact,
        crm: &'b Contact,
        google: &'b Contact,
        crm_time: Millis,
        google_time: Millis,
    ) -> MergeInput<'b>
    where
        'a: 'b,
    {
        MergeInput {
            base: Some(base),
            crm,
            google,
            crm_modified_at: crm_time,
            google_modified_at: google_time,
            policy: self.input.settings.conflict_policy,
            region: self.region,
            decided: &[],
            write_crm: self.writes_crm(),
            write_google: self.writes_google(),
            directions: self.input.settings.field_directions,
            custom: crate::sync::custom::CustomTable::new(
                &self.input.capabilities.custom,
                &self.input.settings.custom_fields,
            ),
        }
    }

    /// Merges a pair and plans the writes each side needs.
    pub(super) fn merge_pair(&mut self, pair: Pair<'_>) {
        let Pair {
            crm_id,
            resource_name,
            base,
            crm: (c, c_time),
            google: (g, g_time),
            etag,
            set_tag,
        } = pair;
        let mut input = self.merge_input(c, c, g, c_time, g_time);
        input.base = base;
        // The user's choices for this pair (few, and usually none: searched, not indexed).
        let decided: Vec<(Field, &str, Side)> = self
            .input
            .decisions
            .conflicts
            .iter()
            .filter(|d| d.crm_id == crm_id)
            .map(|d| (d.field, d.key.as_str(), d.keep))
            .collect();
        input.decided = &decided;
        let read_only = self.read_only(crm_id);
        let mut skipped = Vec::new();
        if read_only.is_some() {
            // The user may not change the CRM record. A first link compares against the record
            // as it is: Google's differing values read as Google's changes, so Google keeps
            // them (the CRM's older values never overwrite them, now or at the next run), and
            // the CRM record's base stays its own values, so the next run sees no CRM edit.
            if input.base.is_none() {
                input.base = Some(c);
            }
            // What the record would take, reported; then the merge that writes nothing there.
            if input.write_crm {
                skipped = self.input.capabilities.merge(input).crm;
            }
            input.write_crm = false;
        }
        let m = self.input.capabilities.merge(input);
        // Named as the CRM shows the contact: that is where the user will look for it.
        let name = c.display_name();
        if let (Some(reason), false) = (read_only, skipped.is_empty()) {
            self.out.not_written.push(NotWritten {
                crm_id: crm_id.to_string(),
                resource_name: resource_name.to_string(),
                name: name.clone(),
                reason: reason.to_string(),
                change: Skipped::Update(skipped),
            });
        }
        for held in m.held {
            self.out.by_direction.push(PairHeld {
                crm_id: crm_id.to_string(),
                resource_name: resource_name.to_string(),
                name: name.clone(),
                held,
            });
        }
        for conflict in m.conflicts {
            self.out.conflicts.push(PairConflict {
                crm_id: crm_id.to_string(),
                resource_name: resource_name.to_string(),
                name: name.clone(),
                conflict,
            });
        }
        if !m.crm.is_empty() {
            // The host is sent the whole contact: a field whose direction does not write the
            // CRM keeps the CRM's own value in it.
            let mut contact = m.contact.clone();
            let held: Vec<Field> = input.directions.held_from(Side::Crm).collect();
            copy_fields(&mut contact, c, &held);
            self.out.updates.push(Update {
                side: Side::Crm,
                crm_id: crm_id.to_string(),
                resource_name: resource_name.to_string(),
                name: name.clone(),
                diffs: m.crm,
                contact: self.input.capabilities.fit(&contact),
                etag: String::new(),
                set_tag: false,
                status: None,
                read_only: None,
            });
        }
        // A first link tags the Google contact even when no field changes, and the tag is
        // written whatever the directions: it only records the link.
        if !m.google.is_empty() || set_tag {
            self.out.updates.push(Update {
                side: Side::Google,
                crm_id: crm_id.to_string(),
                resource_name: resource_name.to_string(),
                name,
                diffs: m.google,
                contact: m.contact.clone(),
                etag: etag.to_string(),
                set_tag,
                status: None,
                read_only: read_only.map(str::to_string),
            });
        }
        let unchanged = base == Some(&m.base)
            && self
                .input
                .state
                .links
                .get(crm_id)
                .is_some_and(|l| l.etag == etag && l.resource_name == resource_name);
        if unchanged {
            return;
        }
        self.out.next_bases.insert(
            crm_id.to_string(),
            NextBase {
                resource_name: resource_name.to_string(),
                etag: etag.to_string(),
                base: m.base,
            },
        );
    }
}

/// Whether `contact` differs from `base` in any synced field, as the merge compares them.
pub(super) fn differs(base: &Contact, contact: &Contact, region: Region) -> bool {
    !merge(MergeInput {
        base: Some(base),
        crm: contact,
        google: base,
        crm_modified_at: 0,
        google_modified_at: 0,
        policy: ConflictPolicy::Crm,
        region,
        decided: &[],
        write_crm: true,
        write_google: true,
        // An edit is an edit whichever way its field flows.
        directions: FieldDirections::default(),
        custom: crate::sync::custom::NONE,
    })
    .is_noop()
        // Custom values compare as the host gave them: a value in another form than the base's
        // costs a merge that finds nothing to write, never a missed edit.
        || base.custom != contact.custom
}

/// A pair to merge: both sides as read (each with when it last changed), the base of their
/// link (`None`: a first link) and Google's etag; `set_tag`: the Google side needs the link tag.
pub(super) struct Pair<'a> {
    pub crm_id: &'a str,
    pub resource_name: &'a str,
    pub base: Option<&'a Contact>,
    pub crm: (&'a Contact, Millis),
    pub google: (&'a Contact, Millis),
    pub etag: &'a str,
    pub set_tag: bool,
}
