//! Undoing a run: what a run keeps of each contact it wrote (its before-images), and the plan
//! that puts them back (docs/sync-rules.md, "Undo").
//!
//! A run that writes keeps, per contact and side it wrote, a [`BeforeImage`]: for an update the
//! fields it wrote, as they were before and as it wrote them; for a create what it created; for
//! a deletion the whole contact. [`plan_undo`] turns the images of one run into an ordinary
//! [`Plan`], so an undo is previewed, fingerprinted, executed and committed as any run is:
//! - an updated field whose value on that side is still what the run wrote goes back to its
//!   before-image; one edited since is left as it is and reported ([`NotUndone`]): an undo never
//!   overwrites a later edit. Whether a value changed is what the merge says (normalized keys,
//!   lists as sets), and the writes are the merge's own [`FieldDiff`]s: the merge of the side as
//!   it is now against the before-image, over the values the run wrote as base;
//! - a contact the run created is deleted if unchanged since, else reported;
//! - a contact the run deleted is created again from its image: in Google linked to its CRM
//!   contact when that contact is there (else kept in Google alone, tagged for it, so a CRM
//!   contact restored later links to it again), in the CRM as a new contact, not linked (its
//!   Google twin is gone). A host that keeps deleted contacts where they can be brought back
//!   (`restore`: Creme's trash) brings the CRM contact back under its own id instead
//!   ([`RestoreCrm`]); its before-image is written back where the contact restored differs, and
//!   one the host can no longer bring back is created as without it ([`Plan::restore_failed`]).
//!
//! The links' bases stay as the run left them: a side put back differs from its base, so the
//! next run carries the restored value over to the other side as it carries any edit.

use super::{
    CreateCrm, CreateGoogle, Delete, DeleteReason, Outcome, Plan, PlanInput, RestoreCrm, Update,
};
use crate::sync::capabilities::Capabilities;
use crate::sync::merge::{copy_fields, merge, MergeInput};
use crate::sync::model::{Contact, CrmContact, Field, GoogleContact, Side};
use crate::sync::normalize::Region;
use crate::sync::settings::ConflictPolicy;
use crate::sync::state::{AccountState, Link};
use crate::{json_enum, json_struct};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::fmt;

json_enum! {
    /// What a run did to the contact a [`BeforeImage`] keeps.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Wrote {
        Updated = "updated",
        Created = "created",
        Deleted = "deleted",
    }
}

json_struct! {
    /// One contact a run wrote on one side, as it was before and as the run left it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct BeforeImage {
        pub wrote: Wrote = "wrote",
        pub side: Side = "side",
        pub crm_id: String = "crmId",
        pub resource_name: String = "resourceName",
        pub name: String = "name",
        /// Updated: the fields written.
        pub fields: Vec<Field> = "fields" [skip_empty],
        /// Updated: those fields before the write; deleted: the whole contact.
        pub before: Option<Contact> = "before" [skip_empty],
        /// Updated: those fields as written; created: the contact created.
        pub after: Option<Contact> = "after" [skip_empty],
    }
}

json_struct! {
    /// What one run keeps to be undone: its id (the report's `startedAt`) and its images.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct RunUndo {
        pub run: String = "run",
        pub images: Vec<BeforeImage> = "images" [default],
    }
}

/// Why an undo leaves a contact as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum UndoRefusal {
    /// These fields were edited since the run: the later edit stays.
    EditedSince(Vec<Field>),
    /// The contact is no longer there (deleted since), or could not be read.
    Gone,
    /// The user may not change this contact in the CRM.
    ReadOnly,
}

/// A contact, or some of its fields, the undo leaves as they are: reported, never written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotUndone {
    pub side: Side,
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub wrote: Wrote,
    pub why: UndoRefusal,
}

impl fmt::Display for NotUndone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.wrote {
            Wrote::Updated => "update",
            Wrote::Created => "create",
            Wrote::Deleted => "deletion",
        };
        write!(
            f,
            "{}: not undone {what} {:?} (crm {} = {}): ",
            self.side, self.name, self.crm_id, self.resource_name
        )?;
        match &self.why {
            UndoRefusal::EditedSince(fields) => {
                let names: Vec<&str> = fields.iter().map(|f| f.as_str()).collect();
                write!(f, "edited since ({}); the edit stays", names.join(", "))
            }
            UndoRefusal::Gone => f.write_str("no longer there"),
            UndoRefusal::ReadOnly => f.write_str("you may not change this contact in the CRM"),
        }
    }
}

/// The fields among `fields` whose value in `now` is not the one in `then`, as the merge
/// compares values.
fn changed(then: &Contact, now: &Contact, fields: &[Field], region: Region) -> Vec<Field> {
    let m = merge(MergeInput {
        base: Some(then),
        crm: now,
        google: then,
        crm_modified_at: 0,
        google_modified_at: 0,
        policy: ConflictPolicy::Crm,
        region,
        decided: &[],
        write_crm: true,
        write_google: true,
        // A comparison of one side's values, not a flow between sides.
        directions: Default::default(),
        custom: crate::sync::custom::NONE,
    });
    m.google
        .iter()
        .map(|d| d.field)
        .filter(|f| fields.contains(f))
        .collect()
}

/// `fields` of `c` alone, the others empty: what an image keeps of an update.
fn only(c: &Contact, fields: &[Field]) -> Contact {
    let mut out = Contact::default();
    copy_fields(&mut out, c, fields);
    out
}

/// What one side holds now, by CRM id (CRM) or resource name (Google).
struct Now<'a> {
    crm: HashMap<&'a str, &'a CrmContact>,
    google: HashMap<&'a str, &'a GoogleContact>,
    /// Links whose Google contact the listing found unchanged, by resource name.
    unchanged: HashMap<&'a str, &'a Link>,
}

impl Plan {
    /// Whether the CRM contact created for Google contact `rn` is tagged in Google and linked:
    /// all are, but an undo's contacts created again, whose Google twin is gone.
    pub fn links_crm_create(&self, rn: &str) -> bool {
        !self.undo_untagged.contains(rn)
    }

    /// Whether executing this undo deleted a Google contact the undone run created for a CRM
    /// contact, which stays in the CRM unlinked.
    pub fn unlinks_crm_by_undo(&self, outcome: &Outcome) -> bool {
        self.deletes.iter().any(|d| {
            d.reason == DeleteReason::Undo
                && d.side == Side::Google
                && outcome.deleted.contains(&d.crm_id)
        })
    }

    /// The images of what executing this plan wrote, as `outcome` and the sets of CRM ids whose
    /// update went through on each side (`crm_done`, `google_done`) say. `crm` and `google`
    /// give each side's contact as the run read it; a deleted contact the run did not read
    /// (an incremental listing) is kept as its link's base, which both sides last agreed on.
    pub fn before_images(
        &self,
        outcome: &Outcome,
        crm_done: &BTreeSet<String>,
        google_done: &BTreeSet<String>,
        crm: impl Fn(&str) -> Option<Contact>,
        google: impl Fn(&str) -> Option<Contact>,
        state: &AccountState,
    ) -> Vec<BeforeImage> {
        let mut out = Vec::new();
        let image = |wrote, side, crm_id: &str, rn: &str, name: &str| BeforeImage {
            wrote,
            side,
            crm_id: crm_id.to_string(),
            resource_name: rn.to_string(),
            name: name.to_string(),
            fields: Vec::new(),
            before: None,
            after: None,
        };
        for u in &self.updates {
            let done = match u.side {
                Side::Crm => crm_done,
                Side::Google => google_done,
            };
            if u.diffs.is_empty() || !done.contains(&u.crm_id) {
                continue;
            }
            let now = match u.side {
                Side::Crm => crm(&u.crm_id),
                Side::Google => google(&u.resource_name),
            };
            let Some(now) = now else { continue };
            let fields = u.fields();
            out.push(BeforeImage {
                before: Some(only(&now, &fields)),
                after: Some(only(&u.contact, &fields)),
                fields,
                ..image(Wrote::Updated, u.side, &u.crm_id, &u.resource_name, &u.name)
            });
        }
        for c in &self.creates_google {
            if let Some((rn, _)) = outcome.google_created.get(&c.crm_id) {
                out.push(BeforeImage {
                    after: Some(c.contact.clone()),
                    ..image(Wrote::Created, Side::Google, &c.crm_id, rn, &c.name)
                });
            }
        }
        for c in &self.creates_crm {
            if let Some(id) = outcome.crm_created.get(&c.resource_name) {
                out.push(BeforeImage {
                    after: Some(c.contact.clone()),
                    ..image(Wrote::Created, Side::Crm, id, &c.resource_name, &c.name)
                });
            }
        }
        // Brought back from the host's trash: undone as a create is, by deleting it again.
        for r in &self.restores_crm {
            if outcome.crm_restored.contains(&r.crm_id) {
                out.push(BeforeImage {
                    after: Some(r.contact.clone()),
                    ..image(
                        Wrote::Created,
                        Side::Crm,
                        &r.crm_id,
                        &r.resource_name,
                        &r.name,
                    )
                });
            }
        }
        for d in &self.deletes {
            if d.reason == DeleteReason::Duplicate || !outcome.deleted.contains(&d.crm_id) {
                continue;
            }
            let read = match d.side {
                Side::Crm => crm(&d.crm_id),
                Side::Google => google(&d.resource_name),
            };
            let before = read.or_else(|| state.links.get(&d.crm_id).map(|l| l.base.clone()));
            out.push(BeforeImage {
                before,
                ..image(Wrote::Deleted, d.side, &d.crm_id, &d.resource_name, &d.name)
            });
        }
        out
    }
}

/// The plan that undoes the run `undo` keeps, from both sides as `input` read them (in full).
pub fn plan_undo(input: PlanInput<'_>, undo: &RunUndo) -> Plan {
    let now = Now {
        crm: input
            .crm
            .iter()
            .chain(input.crm_other)
            .map(|c| (c.id.as_str(), c))
            .collect(),
        google: input
            .google
            .people
            .iter()
            .map(|g| (g.resource_name.as_str(), g))
            .collect(),
        unchanged: input
            .state
            .links
            .values()
            .filter(|l| input.google.unchanged.contains(&l.resource_name))
            .map(|l| (l.resource_name.as_str(), l))
            .collect(),
    };
    let region = input.settings.region();
    let mut out = Plan::default();
    for image in &undo.images {
        let refuse = |why| NotUndone {
            side: image.side,
            crm_id: image.crm_id.clone(),
            resource_name: image.resource_name.clone(),
            name: image.name.clone(),
            wrote: image.wrote,
            why,
        };
        // The side's contact as it is now, with what a write to it needs.
        let (current, etag) = match image.side {
            Side::Crm => match now.crm.get(image.crm_id.as_str()) {
                Some(c) if !c.editable() => {
                    if image.wrote != Wrote::Deleted {
                        out.not_undone.push(refuse(UndoRefusal::ReadOnly));
                    }
                    continue;
                }
                Some(c) => (Some(&c.contact), String::new()),
                None => (None, String::new()),
            },
            Side::Google => match now.google.get(image.resource_name.as_str()) {
                Some(g) => (Some(&g.contact), g.etag.clone()),
                // Listed unchanged since its link was recorded: it holds the link's base.
                None => match now.unchanged.get(image.resource_name.as_str()) {
                    Some(l) => (Some(&l.base), l.etag.clone()),
                    None => (None, String::new()),
                },
            },
        };
        match (image.wrote, current) {
            (Wrote::Updated, Some(current)) => {
                let empty = Contact::default();
                let before = image.before.as_ref().unwrap_or(&empty);
                let after = image.after.as_ref().unwrap_or(&empty);
                let mut written = current.clone();
                copy_fields(&mut written, after, &image.fields);
                let edited = changed(&written, current, &image.fields, region);
                let restore: Vec<Field> = image
                    .fields
                    .iter()
                    .copied()
                    .filter(|f| !edited.contains(f))
                    .collect();
                if !edited.is_empty() {
                    out.not_undone
                        .push(refuse(UndoRefusal::EditedSince(edited)));
                }
                if let Some(u) = restore_fields(image, current, before, &restore, etag, region) {
                    out.updates.push(u);
                }
            }
            (Wrote::Created, Some(current)) => {
                let after = image.after.clone().unwrap_or_default();
                let edited = changed(&after, current, &Field::ALL, region);
                if edited.is_empty() {
                    out.deletes.push(Delete {
                        side: image.side,
                        crm_id: image.crm_id.clone(),
                        resource_name: image.resource_name.clone(),
                        name: image.name.clone(),
                        reason: DeleteReason::Undo,
                    });
                } else {
                    out.not_undone
                        .push(refuse(UndoRefusal::EditedSince(edited)));
                }
            }
            (Wrote::Deleted, None) => {
                let contact = image.before.clone().unwrap_or_default();
                match image.side {
                    Side::Google => {
                        if !now.crm.contains_key(image.crm_id.as_str()) {
                            out.undo_unlinked.push(image.crm_id.clone());
                        }
                        out.creates_google.push(CreateGoogle {
                            crm_id: image.crm_id.clone(),
                            name: image.name.clone(),
                            contact,
                            groups: input.target_group.map(str::to_string).into_iter().collect(),
                            read_only: None,
                        });
                    }
                    Side::Crm if input.capabilities.restore => {
                        out.restores_crm.push(RestoreCrm {
                            crm_id: image.crm_id.clone(),
                            resource_name: image.resource_name.clone(),
                            name: image.name.clone(),
                            contact,
                        });
                    }
                    Side::Crm => {
                        out.undo_untagged.insert(image.resource_name.clone());
                        out.creates_crm.push(CreateCrm {
                            resource_name: image.resource_name.clone(),
                            name: image.name.clone(),
                            contact,
                            status: None,
                        });
                    }
                }
            }
            // Deleted since: nothing to put back onto, nothing to delete.
            (Wrote::Updated | Wrote::Created, None) => {
                out.not_undone.push(refuse(UndoRefusal::Gone));
            }
            // Back already (restored by hand, or from the host's trash): left as it is.
            (Wrote::Deleted, Some(_)) => {}
        }
    }
    out
}

impl Plan {
    /// Restore `i` the host brought back as `back`: answers the index of the update added to
    /// write its before-image back where `back` differs (within what the host holds), if any.
    pub fn restored(
        &mut self,
        i: usize,
        back: &CrmContact,
        capabilities: &Capabilities,
        region: Region,
    ) -> Option<usize> {
        let r = &self.restores_crm[i];
        if !back.editable() {
            return None;
        }
        let current = &back.contact;
        let mut image = capabilities.fit(&r.contact);
        image.photo = current.photo.clone();
        let m = merge(MergeInput {
            base: Some(current),
            crm: current,
            google: &image,
            crm_modified_at: 0,
            google_modified_at: 0,
            policy: ConflictPolicy::Crm,
            region,
            decided: &[],
            write_crm: true,
            write_google: false,
            // The image is put back on the side it was taken from, whichever way fields flow.
            directions: Default::default(),
            custom: crate::sync::custom::NONE,
        });
        let diffs: Vec<_> = m
            .crm
            .into_iter()
            .filter(|d| capabilities.stores(d.field))
            .collect();
        if diffs.is_empty() {
            return None;
        }
        self.updates.push(Update {
            side: Side::Crm,
            crm_id: r.crm_id.clone(),
            resource_name: r.resource_name.clone(),
            name: r.name.clone(),
            diffs,
            contact: m.contact,
            etag: String::new(),
            set_tag: false,
            status: None,
            read_only: None,
        });
        Some(self.updates.len() - 1)
    }

    /// Restore `i` the host could not make (the contact is no longer in its trash): the contact
    /// is created again instead, as for a host without restore. Answers the create's index.
    pub fn restore_failed(&mut self, i: usize) -> usize {
        let r = &self.restores_crm[i];
        self.undo_untagged.insert(r.resource_name.clone());
        self.creates_crm.push(CreateCrm {
            resource_name: r.resource_name.clone(),
            name: r.name.clone(),
            contact: r.contact.clone(),
            status: None,
        });
        self.creates_crm.len() - 1
    }
}

/// The update that puts `restore` back to `before` on the image's side, which holds `current`:
/// the merge of `current` with the before-image, over what the run wrote as base.
fn restore_fields(
    image: &BeforeImage,
    current: &Contact,
    before: &Contact,
    restore: &[Field],
    etag: String,
    region: Region,
) -> Option<Update> {
    if restore.is_empty() {
        return None;
    }
    let mut base = current.clone();
    copy_fields(&mut base, image.after.as_ref()?, restore);
    let mut back = current.clone();
    copy_fields(&mut back, before, restore);
    let (crm, google) = match image.side {
        Side::Crm => (current, &back),
        Side::Google => (&back, current),
    };
    let m = merge(MergeInput {
        base: Some(&base),
        crm,
        google,
        crm_modified_at: 0,
        google_modified_at: 0,
        policy: ConflictPolicy::Crm,
        region,
        decided: &[],
        write_crm: image.side == Side::Crm,
        write_google: image.side == Side::Google,
        // An undo puts back on a side what the run wrote there, whichever way the field flows.
        directions: Default::default(),
        custom: crate::sync::custom::NONE,
    });
    let diffs = match image.side {
        Side::Crm => m.crm,
        Side::Google => m.google,
    };
    if diffs.is_empty() {
        return None;
    }
    Some(Update {
        side: image.side,
        crm_id: image.crm_id.clone(),
        resource_name: image.resource_name.clone(),
        name: image.name.clone(),
        diffs,
        contact: m.contact,
        etag,
        set_tag: false,
        status: None,
        read_only: None,
    })
}
