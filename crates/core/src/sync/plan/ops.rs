//! The operations a plan is made of, and the plan's `Display`: the preview users read and the
//! text the tests compare.

use super::Plan;
use crate::sync::matching::MatchRule;
use crate::sync::merge::{Conflict, FieldDiff};
use crate::sync::model::{Contact, Field, Millis, Side};
use crate::sync::state::Link;
use serde::Serialize;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateGoogle {
    pub crm_id: String,
    pub name: String,
    pub contact: Contact,
    /// Memberships set in the create request itself.
    pub groups: Vec<String>,
    /// The host's reason, when the user may not change this CRM contact: the preview says the
    /// Google contact is made from a record the user may not change.
    pub read_only: Option<String>,
}

/// A Google contact to create in the CRM. Once created, the executor tags the Google contact with
/// the new CRM id (batched like any update), so the link survives lost state and a later CRM
/// deletion is not undone by importing the contact again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCrm {
    pub resource_name: String,
    pub name: String,
    pub contact: Contact,
    pub status: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Update {
    pub side: Side,
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub diffs: Vec<FieldDiff>,
    /// The values to write; only the fields in `diffs` are written.
    pub contact: Contact,
    /// Google: the etag the update must carry.
    pub etag: String,
    /// Google: add our link tag.
    pub set_tag: bool,
    /// CRM: a new status (a Google deletion under the "set status" policy).
    pub status: Option<String>,
    /// Google: the host's reason, when the user may not change the CRM contact these values
    /// come from (the preview says so). Never set on a CRM update: none is planned for such a
    /// contact.
    pub read_only: Option<String>,
}

impl Update {
    pub fn fields(&self) -> Vec<Field> {
        self.diffs.iter().map(|d| d.field).collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DeleteReason {
    DeletedInGoogle,
    DeletedInCrm,
    /// A second Google contact tagged for the same CRM contact (two runs that could not exclude
    /// each other both created it), holding nothing its twin lacks.
    Duplicate,
    /// Created by the run being undone, and unchanged since.
    Undo,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delete {
    /// The side the contact is deleted from.
    pub side: Side,
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub reason: DeleteReason,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewLink {
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub rule: MatchRule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum UnlinkReason {
    /// Deleted in the CRM under the `keep` policy: Google's copy stays.
    DeletedInCrm,
    /// Deleted in Google under the `unlink` or `set status` policy.
    DeletedInGoogle,
    /// Deleted on one side after an edit on the other: the edit wins, nothing is deleted.
    EditedSinceDeletion,
    /// No longer in any source group in Google, but not deleted.
    LeftSourceGroups,
    /// Deleted on both sides.
    DeletedOnBothSides,
    /// Google merged its contact into another linked one (the unlink names that contact): the
    /// CRM contact is kept as it is, and not sent back to Google.
    MergedInGoogle,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unlink {
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub reason: UnlinkReason,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupAdd {
    pub group: String,
    /// Existing Google contacts to add; contacts created by this plan get the group at creation.
    pub resource_names: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PairConflict {
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub conflict: Conflict,
}

/// A change the CRM record should take, not written because the user may not change it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotWritten {
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    /// The host's sentence why the user may not change it ("" when it gave none).
    pub reason: String,
    pub change: Skipped,
}

/// What [`NotWritten`] left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Skipped {
    /// Field values Google holds and the CRM record does not.
    Update(Vec<FieldDiff>),
    /// The deletion of the record, its Google contact deleted: the link is dropped instead.
    Delete,
    /// A new status, its Google contact deleted: the link is dropped instead.
    Status(String),
}

impl NotWritten {
    /// "you may not change this contact in the CRM: <reason>", as the preview and the report
    /// say it.
    pub fn why(&self) -> String {
        if self.reason.is_empty() {
            "you may not change this contact in the CRM".to_string()
        } else {
            format!(
                "you may not change this contact in the CRM: {}",
                self.reason
            )
        }
    }
}

/// A deletion held before it is made: the pair is unlinked, the contact waiting on `side` is
/// marked, and a run after `until` deletes it (see `pending`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hold {
    pub side: Side,
    pub name: String,
    pub until: Millis,
    /// The link the deletion drops, its base the contact waiting as it is now.
    pub link: Link,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum UnholdReason {
    /// The user restored the pair: the contact deleted is made again and linked.
    Restored,
    /// The contact waiting was edited since: the edit wins, it is not deleted, and it is synced
    /// as an unlinked contact.
    EditedSinceDeletion,
    /// The contact waiting was deleted meanwhile.
    Gone,
}

/// A held deletion a run ends without making it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unhold {
    pub side: Side,
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub reason: UnholdReason,
}

/// Google contacts to add to and remove from the group marking pending deletions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingMarks {
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

impl PendingMarks {
    pub fn len(&self) -> usize {
        self.add.len() + self.remove.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Deletions on one side over the guard's limit: held until the user confirms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldDeletions {
    pub side: Side,
    pub limit: usize,
    pub deletions: Vec<Delete>,
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty()
            && self.past_limit.is_empty()
            && self.conflicts.is_empty()
            && self.ambiguous.is_empty()
            && self.held.is_empty()
            && self.rejected.is_empty()
            && self.apart.is_empty()
            && self.merged.is_empty()
            && self.not_written.is_empty()
            && self.by_direction.is_empty()
            && self.direction_changes.is_empty()
            && self.photos.is_empty()
            && self.holds.is_empty()
            && self.unheld.is_empty()
            && self.not_undone.is_empty()
        {
            return writeln!(f, "nothing to do");
        }
        for c in &self.direction_changes {
            writeln!(f, "direction changed: {c}")?;
        }
        for r in &self.rejected {
            writeln!(f, "rejected decision: {r}")?;
        }
        for a in &self.apart {
            writeln!(f, "keep apart crm {} and {}", a.crm_id, a.resource_name)?;
        }
        for c in &self.creates_google {
            write!(
                f,
                "google: create {:?} (crm {}) in {}",
                c.name,
                c.crm_id,
                c.groups.join(", ")
            )?;
            if c.read_only.is_some() {
                write!(f, " {FROM_READ_ONLY}")?;
            }
            writeln!(f)?;
        }
        for c in &self.past_limit {
            writeln!(
                f,
                "google: not created {:?} (crm {}): past Google's limit of {} contacts",
                c.name, c.crm_id, self.google_limit
            )?;
        }
        for c in &self.creates_crm {
            write!(f, "crm: create {:?} ({})", c.name, c.resource_name)?;
            match &c.status {
                Some(s) => writeln!(f, " as {s}")?,
                None => writeln!(f)?,
            }
        }
        for l in &self.links {
            writeln!(
                f,
                "link {:?} (crm {} = {}) by {}",
                l.name, l.crm_id, l.resource_name, l.rule
            )?;
        }
        for u in &self.updates {
            write!(
                f,
                "{}: update {:?} (crm {} = {})",
                u.side, u.name, u.crm_id, u.resource_name
            )?;
            let mut parts: Vec<String> = u.diffs.iter().map(|d| d.to_string()).collect();
            if u.set_tag {
                parts.push("link tag".to_string());
            }
            if let Some(s) = &u.status {
                parts.push(format!("status → {s}"));
            }
            write!(f, ": {}", parts.join("; "))?;
            if u.read_only.is_some() && !u.diffs.is_empty() {
                write!(f, " {FROM_READ_ONLY}")?;
            }
            writeln!(f)?;
        }
        for p in &self.photos {
            writeln!(f, "{p}")?;
        }
        for n in &self.not_written {
            write!(
                f,
                "crm: not written {:?} (crm {} = {}): {}",
                n.name,
                n.crm_id,
                n.resource_name,
                n.why()
            )?;
            match &n.change {
                Skipped::Update(diffs) => {
                    let diffs: Vec<String> = diffs.iter().map(|d| d.to_string()).collect();
                    writeln!(f, ": {}", diffs.join("; "))?;
                }
                Skipped::Delete => writeln!(f, ": delete (deleted in Google)")?,
                Skipped::Status(s) => writeln!(f, ": status → {s} (deleted in Google)")?,
            }
        }
        for h in &self.by_direction {
            writeln!(
                f,
                "{}: not written {:?} (crm {} = {}): {}",
                h.held.side, h.name, h.crm_id, h.resource_name, h.held
            )?;
        }
        for d in &self.deletes {
            writeln!(
                f,
                "{}: delete {:?} (crm {} = {}): {}",
                d.side, d.name, d.crm_id, d.resource_name, d.reason
            )?;
        }
        // A merge's unlink reads as the merged line below, which names both contacts.
        for u in self
            .unlinks
            .iter()
            .filter(|u| u.reason != UnlinkReason::MergedInGoogle)
        {
            writeln!(
                f,
                "unlink {:?} (crm {} = {}): {}",
                u.name, u.crm_id, u.resource_name, u.reason
            )?;
        }
        for m in &self.merged {
            writeln!(
                f,
                "merged in Google {:?} (crm {} = {}) into {} (crm {})",
                m.name, m.crm_id, m.merged_from, m.resource_name, m.survivor
            )?;
        }
        for g in &self.group_adds {
            writeln!(
                f,
                "google: add {} to {}",
                g.resource_names.join(", "),
                g.group
            )?;
        }
        for h in &self.holds {
            writeln!(
                f,
                "{}: hold deletion of {:?} (crm {} = {}) for {} days",
                h.side,
                h.name,
                h.link.crm_id,
                h.link.resource_name,
                (h.until - h.link.synced_at) / DAY_MS
            )?;
        }
        for u in &self.unheld {
            writeln!(
                f,
                "{}: pending deletion of {:?} (crm {} = {}) ends: {}",
                u.side, u.name, u.crm_id, u.resource_name, u.reason
            )?;
        }
        if !self.pending_marks.add.is_empty() {
            writeln!(
                f,
                "google: mark pending {}",
                self.pending_marks.add.join(", ")
            )?;
        }
        if !self.pending_marks.remove.is_empty() {
            let names = self.pending_marks.remove.join(", ");
            writeln!(f, "google: unmark pending {names}")?;
        }
        for c in &self.conflicts {
            writeln!(f, "conflict {:?} {}", c.name, c.conflict)?;
        }
        for n in &self.not_undone {
            writeln!(f, "{n}")?;
        }
        for a in &self.ambiguous {
            writeln!(f, "{a}")?;
        }
        for h in &self.held {
            writeln!(
                f,
                "held: {} deletions in {} over the limit of {}, awaiting confirmation: {}",
                h.deletions.len(),
                h.side,
                h.limit,
                h.deletions
                    .iter()
                    .map(|d| format!("{:?}", d.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        Ok(())
    }
}

/// How the preview marks a write to Google from a CRM contact the user may not change.
pub const FROM_READ_ONLY: &str = "(from a contact you may not change in the CRM)";

impl fmt::Display for DeleteReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeleteReason::DeletedInGoogle => "deleted in Google",
            DeleteReason::DeletedInCrm => "deleted in the CRM",
            DeleteReason::Duplicate => {
                "a second copy of a contact already in Google, holding nothing the first lacks"
            }
            DeleteReason::Undo => "created by the run undone, unchanged since",
        })
    }
}

const DAY_MS: Millis = 24 * 60 * 60 * 1000;

impl fmt::Display for UnholdReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnholdReason::Restored => "restored, linked again",
            UnholdReason::EditedSinceDeletion => "edited since the deletion; the edit wins",
            UnholdReason::Gone => "deleted meanwhile",
        })
    }
}

impl fmt::Display for UnlinkReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnlinkReason::DeletedInCrm => "deleted in the CRM; Google's copy is kept",
            UnlinkReason::DeletedInGoogle => "deleted in Google; the CRM's copy is kept",
            UnlinkReason::EditedSinceDeletion => {
                "deleted on one side after an edit on the other; the edit wins"
            }
            UnlinkReason::LeftSourceGroups => "no longer in a source group",
            UnlinkReason::DeletedOnBothSides => "deleted on both sides",
            UnlinkReason::MergedInGoogle => {
                "merged in Google into the contact of another CRM contact; the CRM keeps both"
            }
        })
    }
}
