//! Planning: from an account's state, what each side shows now, the settings and `now`, the
//! operations a run makes (docs/sync-rules.md). A pure, deterministic function: the same inputs
//! give the same plan, and its `Display` is the preview text users read and tests compare.
//!
//! How each linked pair is read:
//! - a CRM contact the host returned (in the view or not) is *present*; one the host reported
//!   deleted is *deleted*; any other was not read. An unread one is taken to hold its base only
//!   while its Google twin did not change; otherwise the pair is *deferred* (the engine reads
//!   such records before planning, so this is rare): nothing is ever written onto a record
//!   that was not read, and the cursors do not move past the change;
//! - a Google contact in the listing is *present*; a tombstone, or (in a complete full listing
//!   only) a missing contact, is *deleted*, unless another contact carries the link's tag (Google
//!   renamed it: the link follows) or carries it after another linked contact's tag (Google
//!   merged it into that one: see `merged`); any other is *unchanged*. An incomplete listing never
//!   yields a deletion, and never a create in Google either, because the twin of an unmatched CRM
//!   contact may be on a page not yet read.
//!
//! Fixed points: a pair neither side's scope covers is not linked (it would be unlinked again);
//! a contact unlinked after its Google twin was deleted is not sent back unless edited; a
//! second Google contact tagged for one CRM contact is deleted when it holds nothing its twin
//! lacks, else reported. The mass-deletion guard counts every destructive consequence of a
//! deletion, status changes included.
//!
//! Records the user may not change (a host's `editable: false`, in a CRM where each user syncs
//! their own Google account but records are shared): nothing is ever planned onto them. A pair's
//! changes for such a record are left out and reported ([`NotWritten`]); a Google deletion
//! unlinks it instead of deleting it or setting its status; and a first link takes Google's
//! values as the newer ones, the CRM's record as the base (so nothing of Google's is overwritten
//! by the CRM's older values, now or in a later run). Google may still be written from such a
//! record (its later edits, by someone who may make them; its creation in Google): each such
//! operation is marked, and the preview says so.
//!
//! After execution, [`Plan::commit`] writes the outcome into the state: new bases for the pairs
//! whose writes succeeded, new links for creates, links dropped by deletions and unlinks.
//!
//! The planner's work is split by job: `linked` reads and settles each linked pair,
//! `unlinked` matches the rest, sets duplicates aside and plans creates, `merged` unlinks the
//! contacts Google merged into another linked one, `commit` records an
//! execution's outcome, `ops` holds the operations and the preview text they print as, and
//! `photos` merges each pair's photo (for the preview, and for the engine's photo pass).

use super::capabilities::Capabilities;
use super::direction::{DirectionChange, PairHeld};
use super::matching::Ambiguous;
use super::model::{Contact, CrmContact, GoogleContact, Millis, Side};
use super::normalize::Region;
use super::settings::Settings;
use super::state::{AccountState, Apart, Link, Merged};
use crate::json::{unknown_variant, Error, FromJson, Object};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

mod changes;
mod commit;
mod decisions;
mod fingerprint;
mod linked;
mod merged;
mod ops;
mod pending;
mod photos;
mod undo;
mod unlinked;

pub use commit::{Outcome, Remerged};
pub use decisions::{
    ConflictChoice, Decisions, MatchChoice, MatchDecision, PendingAction, PendingChoice, Rejection,
    NO_DECISIONS,
};
pub use fingerprint::new_group_placeholder;
pub use ops::{
    CreateCrm, CreateGoogle, Delete, DeleteReason, GroupAdd, HeldDeletions, Hold, NewLink,
    NotWritten, PairConflict, PendingMarks, RestoreCrm, Skipped, Unhold, UnholdReason, Unlink,
    UnlinkReason, Update, FROM_READ_ONLY,
};
pub use photos::{photo_moves, PairPhoto, PhotoChange, PhotoChangeKind};
pub use undo::{plan_undo, BeforeImage, NotUndone, RunUndo, UndoRefusal, Wrote};

/// What a run covers: the seeds' triggers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A full two-way run (the schedule, "Sync now").
    All,
    /// The chosen CRM contacts, both ways ("Sync Contact(s)", "Sync with Google Contacts").
    Contacts { ids: Vec<String> },
    /// The CRM view's contacts to Google ("Send all filtered contacts to Google").
    PushAll,
    /// The source groups' contacts to the CRM ("Fetch all Google contacts").
    PullAll,
}

/// Read by hand, through one `Value` deserializer (see `crate::json`): derived, an internally
/// tagged enum buffers through serde's `Content`. A unit variant ignores other keys, as serde's
/// does.
impl FromJson for Scope {
    fn from_json(v: Value) -> Result<Self, Error> {
        let mut o = Object::of(v, "internally tagged enum Scope")?;
        let kind: String = o.field("kind")?;
        match kind.as_str() {
            "all" => Ok(Scope::All),
            "contacts" => Ok(Scope::Contacts {
                ids: o.field("ids")?,
            }),
            "pushAll" => Ok(Scope::PushAll),
            "pullAll" => Ok(Scope::PullAll),
            _ => Err(unknown_variant(
                &kind,
                &["all", "contacts", "pushAll", "pullAll"],
            )),
        }
    }
}

/// The Google people a run has read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoogleListing {
    pub people: Vec<GoogleContact>,
    /// Resource names of tombstones (`metadata.deleted`) in an incremental listing.
    pub deleted: Vec<String>,
    /// Resource names of linked contacts listed as they were when their link was recorded (the
    /// link's etag, its tag, in scope): only that fact is kept, not the contact, and planning
    /// takes them as unchanged in Google (present, in a full listing).
    pub unchanged: BTreeSet<String>,
    /// Links whose Google contact Google merged into another linked one, by CRM id, as the
    /// engine read them from `previousResourceNames` (see `Engine::follow_renames`).
    pub merged: BTreeMap<String, MergedLink>,
    /// A full listing (no sync token) rather than an incremental one.
    pub full: bool,
    /// Every page was read.
    pub complete: bool,
}

/// Where a merged link's Google contact went: the contact Google kept, and the CRM contact
/// whose link to it stays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedLink {
    pub survivor: String,
    pub resource_name: String,
}

/// Everything planning needs.
#[derive(Clone, Copy, Debug)]
pub struct PlanInput<'a> {
    pub state: &'a AccountState,
    pub settings: &'a Settings,
    /// CRM contacts in the CRM→Google scope (the chosen view), as the host returned them.
    pub crm: &'a [CrmContact],
    /// Other CRM contacts loaded for matching only: a Google contact matching one of them links
    /// to it instead of being created again in the CRM.
    pub crm_other: &'a [CrmContact],
    /// CRM contact ids the host reported deleted.
    pub crm_deleted: &'a [String],
    pub google: &'a GoogleListing,
    /// The target group's resource name, once it exists.
    pub target_group: Option<&'a str>,
    pub scope: &'a Scope,
    /// The user confirmed deletions over the mass-deletion guard.
    pub confirm_deletions: bool,
    pub now: Millis,
    /// What the host can hold: pairs merge over it, and the CRM is written only that.
    pub capabilities: &'a Capabilities,
    /// The user's decisions from the preview.
    pub decisions: &'a Decisions,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct NextBase {
    resource_name: String,
    etag: String,
    base: Contact,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub creates_google: Vec<CreateGoogle>,
    /// CRM contacts not sent to Google because the account would pass its limit of contacts
    /// ([`Plan::cap_google_creates`]): reported, and tried again by the next run.
    pub past_limit: Vec<CreateGoogle>,
    /// That limit, when some contacts are past it.
    pub google_limit: usize,
    pub creates_crm: Vec<CreateCrm>,
    /// An undo's CRM contacts brought back from the host's trash (hosts declaring `restore`).
    pub restores_crm: Vec<RestoreCrm>,
    pub updates: Vec<Update>,
    pub deletes: Vec<Delete>,
    pub links: Vec<NewLink>,
    pub unlinks: Vec<Unlink>,
    pub group_adds: Vec<GroupAdd>,
    pub conflicts: Vec<PairConflict>,
    pub ambiguous: Vec<Ambiguous>,
    pub held: Vec<HeldDeletions>,
    /// Linked CRM contacts whose Google twin changed but whose CRM record this run did not read:
    /// nothing is written for them (a value is never written onto a side that was not read), so
    /// the run must not move its cursors past that change.
    pub deferred: Vec<String>,
    /// Decisions that name no conflict or ambiguous match of this plan, or contradict another:
    /// a plan with any is not to be executed.
    pub rejected: Vec<Rejection>,
    /// Pairs the user chose to keep apart in this run, to remember in the state.
    pub apart: Vec<Apart>,
    /// The fingerprint of its writes ([`Plan::fingerprint_of`]), set by the engine that made it:
    /// the preview shows it, and the run that applies the preview must plan the same.
    pub fingerprint: String,
    /// CRM contacts unlinked because Google merged their twin into another linked contact (each
    /// also among `unlinks`): reported, and remembered so the contact is not sent back.
    pub merged: Vec<Merged>,
    /// Changes for CRM records the user may not change: not written, reported per contact.
    pub not_written: Vec<NotWritten>,
    /// Differences of linked pairs not written on a side because of their field's direction.
    pub by_direction: Vec<PairHeld>,
    /// The fields whose direction changed since the last run that applied (the state's
    /// directions against the settings'): a run must apply a preview before it writes.
    pub direction_changes: Vec<DirectionChange>,
    /// The photos of linked pairs this run moves (after its other writes): the preview lists them.
    pub photos: Vec<PhotoChange>,
    /// Deletions this plan holds rather than makes, each dropping its link.
    pub holds: Vec<Hold>,
    /// Held deletions this plan ends without making them (those it makes are among `deletes`).
    pub unheld: Vec<Unhold>,
    /// Google contacts to mark as pending deletion, or to unmark.
    pub pending_marks: PendingMarks,
    /// CRM contacts unlinked because their Google twin was deleted, with the values they hold:
    /// kept in the state so they are not sent back to Google unedited.
    kept_in_crm: Vec<Link>,
    /// By CRM id; a pair merged again (`remerge`) replaces its entry.
    next_bases: BTreeMap<String, NextBase>,
    /// The state's keys too common to be evidence, with those this plan found: kept by the
    /// commit when they grew (see `matching::bounds::common_keys`).
    common_keys: Option<Vec<String>>,
    /// An undo's contacts left as they are (edited since, gone): reported, never written.
    pub not_undone: Vec<NotUndone>,
    /// An undo's Google contacts created again for a CRM contact that is not there: not linked.
    undo_unlinked: Vec<String>,
    /// An undo's CRM contacts created again (by resource name): their Google twin is gone, so
    /// they are neither tagged nor linked.
    undo_untagged: BTreeSet<String>,
}

impl Plan {
    /// Keeps only as many Google creates as the account has room for under `limit`, given what
    /// it holds after `input`'s listing (linked, unlinked and newly listed contacts, less those
    /// deleted); the rest, the last by CRM order, go to `past_limit`.
    pub fn cap_google_creates(&mut self, input: &PlanInput<'_>, limit: usize) {
        if self.creates_google.is_empty() {
            return;
        }
        let mut held: std::collections::HashSet<&str> = std::collections::HashSet::new();
        held.extend(input.state.links.values().map(|l| l.resource_name.as_str()));
        held.extend(input.state.google_unlinked.keys().map(String::as_str));
        held.extend(input.google.people.iter().map(|g| g.resource_name.as_str()));
        held.extend(input.google.unchanged.iter().map(String::as_str));
        for rn in &input.google.deleted {
            held.remove(rn.as_str());
        }
        // Contacts this plan deletes in Google make room only once deleted: not counted.
        let room = limit.saturating_sub(held.len());
        if self.creates_google.len() > room {
            self.past_limit = self.creates_google.split_off(room);
            self.google_limit = limit;
        }
    }

    /// Writes the plan makes, on both sides together (link-only and report-only entries excluded).
    pub fn writes(&self) -> usize {
        self.creates_google.len()
            + self.creates_crm.len()
            + self.restores_crm.len()
            + self.updates.len()
            + self.deletes.len()
            + self
                .group_adds
                .iter()
                .map(|g| g.resource_names.len())
                .sum::<usize>()
            + self.pending_marks.len()
    }

    /// Nothing to write, link or unlink.
    pub fn is_empty(&self) -> bool {
        self.writes() == 0
            && self.links.is_empty()
            && self.unlinks.is_empty()
            && self.holds.is_empty()
            && self.unheld.is_empty()
    }
}

pub fn plan(input: PlanInput<'_>) -> Plan {
    Planner::new(input).run()
}

struct Planner<'a> {
    input: PlanInput<'a>,
    region: Region,
    /// Every CRM contact read, in the view or not.
    crm_by_id: HashMap<&'a str, &'a CrmContact>,
    /// The ids of the CRM contacts in the view: the ones this run sends to Google.
    view_ids: HashSet<&'a str>,
    google_by_rn: HashMap<&'a str, &'a GoogleContact>,
    crm_deleted: HashSet<&'a str>,
    google_deleted: HashSet<&'a str>,
    scoped_ids: Option<HashSet<&'a str>>,
    out: Plan,
    /// Google contacts to add to the target group.
    to_target: Vec<String>,
    /// Linked CRM contacts whose link this plan drops and which go back through matching.
    freed: HashSet<&'a str>,
    /// Unlinked Google contacts carrying our tag, by tag, each list in resource name order: the
    /// twin of a linked contact whose resource name changed, or a duplicate.
    tagged: HashMap<&'a str, Vec<&'a GoogleContact>>,
    /// Links whose Google contact this plan found under a new resource name, by CRM id.
    relinked: HashMap<&'a str, &'a GoogleContact>,
    /// Listed Google contacts by each of our tags after their first: the tags of contacts Google
    /// merged into them.
    extra_tagged: HashMap<&'a str, &'a GoogleContact>,
    /// Links this plan drops because Google merged their contact into another linked one.
    merged_away: HashSet<&'a str>,
    /// Contacts whose deletion waits, left out of matching: CRM ids, and resource names.
    waiting_crm: HashSet<&'a str>,
    waiting_google: HashSet<&'a str>,
}

impl<'a> Planner<'a> {
    fn new(input: PlanInput<'a>) -> Self {
        let listing = input.google;
        Planner {
            region: input.settings.region(),
            crm_by_id: input
                .crm_other
                .iter()
                .chain(input.crm)
                .map(|c| (c.id.as_str(), c))
                .collect(),
            view_ids: input.crm.iter().map(|c| c.id.as_str()).collect(),
            google_by_rn: listing
                .people
                .iter()
                .map(|g| (g.resource_name.as_str(), g))
                .collect(),
            crm_deleted: input.crm_deleted.iter().map(String::as_str).collect(),
            // Tombstones count only once the listing is complete: the sync token does not advance
            // past an incomplete one, so they come again.
            google_deleted: if listing.complete {
                listing.deleted.iter().map(String::as_str).collect()
            } else {
                HashSet::new()
            },
            scoped_ids: match input.scope {
                Scope::Contacts { ids } => Some(ids.iter().map(String::as_str).collect()),
                _ => None,
            },
            input,
            out: Plan::default(),
            to_target: Vec::new(),
            freed: HashSet::new(),
            tagged: HashMap::new(),
            relinked: HashMap::new(),
            extra_tagged: listing
                .people
                .iter()
                .flat_map(|g| g.extra_tags.iter().map(move |t| (t.as_str(), g)))
                .collect(),
            merged_away: HashSet::new(),
            waiting_crm: HashSet::new(),
            waiting_google: HashSet::new(),
        }
    }

    /// The links to pair, in CRM id order: every link, or, when Google's listing shows no
    /// linked contact (incremental, with no person and no tombstone), only those whose CRM
    /// contact was read or deleted: for every other link both sides are unchanged, which
    /// [`Planner::pair`] passes over after several look-ups; this takes one or two.
    fn paired_links(&self) -> Vec<&'a Link> {
        let links = &self.input.state.links;
        let listing = self.input.google;
        let google_quiet = !(listing.full && listing.complete)
            && self.google_by_rn.is_empty()
            && self.google_deleted.is_empty();
        if !google_quiet {
            return links.values().collect();
        }
        links
            .values()
            .filter(|l| {
                let id = l.crm_id.as_str();
                self.crm_by_id.contains_key(id) || self.crm_deleted.contains(id)
            })
            .collect()
    }

    /// Unlinked Google contacts in this listing (and in the cache of earlier ones, unless the
    /// listing is full and complete), deleted ones left out, in resource name order.
    fn unlinked_google(&self) -> Vec<&'a GoogleContact> {
        let state = self.input.state;
        let full = self.input.google.full && self.input.google.complete;
        if self.input.google.people.is_empty() && (full || state.google_unlinked.is_empty()) {
            return Vec::new();
        }
        let linked_rns: HashSet<&str> = state
            .links
            .values()
            .map(|l| l.resource_name.as_str())
            .collect();
        let mut google: BTreeMap<&str, &GoogleContact> = BTreeMap::new();
        if !(self.input.google.full && self.input.google.complete) {
            for (rn, g) in &state.google_unlinked {
                google.insert(rn.as_str(), g);
            }
        }
        for g in &self.input.google.people {
            google.insert(g.resource_name.as_str(), g);
        }
        google
            .into_values()
            .filter(|g| {
                !linked_rns.contains(g.resource_name.as_str())
                    && !self.google_deleted.contains(g.resource_name.as_str())
                    && !self.waiting_google.contains(g.resource_name.as_str())
            })
            .collect()
    }

    fn writes_google(&self) -> bool {
        self.input.settings.directions.writes_google()
            && !matches!(self.input.scope, Scope::PullAll)
    }

    fn writes_crm(&self) -> bool {
        self.input.settings.directions.writes_crm() && !matches!(self.input.scope, Scope::PushAll)
    }

    /// The host's reason when the user may not change CRM contact `crm_id` (read this run).
    fn read_only(&self, crm_id: &str) -> Option<&'a str> {
        self.crm_by_id.get(crm_id)?.read_only.as_deref()
    }

    /// Deletions and Google→CRM creates belong to whole-account runs only.
    fn whole_account(&self) -> bool {
        matches!(self.input.scope, Scope::All | Scope::PullAll)
    }

    fn in_crm_scope(&self, crm_id: &str) -> bool {
        match &self.scoped_ids {
            Some(ids) => ids.contains(crm_id),
            None => true,
        }
    }

    /// A Google contact the CRM should receive: in a source group or the target group.
    fn in_google_scope(&self, g: &GoogleContact) -> bool {
        g.groups.iter().any(|grp| {
            self.input.settings.source_groups.contains(grp)
                || Some(grp.as_str()) == self.input.target_group
        })
    }

    fn run(mut self) -> Plan {
        let applied = &self.input.state.field_directions;
        self.out.direction_changes = applied.changes_to(&self.input.settings.field_directions);
        let custom = crate::sync::custom::CustomTable::new(
            &self.input.capabilities.custom,
            &self.input.settings.custom_fields,
        );
        (self.out.direction_changes)
            .extend(custom.changes_from(&self.input.state.custom_directions));
        for g in self.unlinked_google() {
            if let Some(tag) = g.tag.as_deref() {
                self.tagged.entry(tag).or_default().push(g);
            }
        }
        self.merged_in_google();
        for link in self.paired_links() {
            self.pair(link);
        }
        self.pending();
        self.unlinked();
        self.check_conflict_choices();
        self.guard();
        let moves = photo_moves(&self.input);
        self.out.photos = photos::photo_changes(&self.input, &moves);
        if let (Some(group), false) = (self.input.target_group, self.to_target.is_empty()) {
            let mut names = std::mem::take(&mut self.to_target);
            // Unstable: equal names are indistinguishable (see `Engine::google_updates`).
            names.sort_unstable();
            names.dedup();
            self.out.group_adds.push(GroupAdd {
                group: group.to_string(),
                resource_names: names,
            });
        }
        self.out
    }

    /// Rejects conflict choices that settled no conflict of this plan, and contradictory ones.
    fn check_conflict_choices(&mut self) {
        let choices = &self.input.decisions.conflicts;
        for (i, d) in choices.iter().enumerate() {
            let same =
                |o: &&ConflictChoice| o.crm_id == d.crm_id && o.field == d.field && o.key == d.key;
            if choices[..i].iter().filter(same).any(|o| o.keep != d.keep) {
                self.out.rejected.push(Rejection::BothSides {
                    crm_id: d.crm_id.clone(),
                    field: d.field,
                });
                continue;
            }
            let found = self.out.conflicts.iter().any(|c| {
                c.crm_id == d.crm_id && c.conflict.field == d.field && c.conflict.key == d.key
            });
            if !found {
                self.out.rejected.push(Rejection::NoConflict {
                    crm_id: d.crm_id.clone(),
                    field: d.field,
                });
            }
        }
    }

    /// Holds back one side's deletions when there are more than the guard allows.
    fn guard(&mut self) {
        if self.input.confirm_deletions {
            return;
        }
        let limit = self
            .input
            .settings
            .deletion_guard
            .limit(self.input.state.links.len());
        for side in [Side::Crm, Side::Google] {
            // Every destructive consequence of a deletion counts: a status set on the CRM
            // contact of a deleted Google one ("set status") is as much a mass change.
            let status_changes = self
                .out
                .updates
                .iter()
                .filter(|u| u.side == side && u.status.is_some())
                .count();
            // A second copy's deletion loses nothing (its twin holds all it holds): it is a
            // repair, never a mass deletion, and is not held back.
            let guarded = |d: &Delete| d.side == side && d.reason != DeleteReason::Duplicate;
            let count = self.out.deletes.iter().filter(|d| guarded(d)).count();
            if count + status_changes > limit {
                let (mut held, kept): (Vec<Delete>, Vec<Delete>) =
                    std::mem::take(&mut self.out.deletes)
                        .into_iter()
                        .partition(guarded);
                self.out.deletes = kept;
                let (statuses, updates): (Vec<Update>, Vec<Update>) =
                    std::mem::take(&mut self.out.updates)
                        .into_iter()
                        .partition(|u| u.side == side && u.status.is_some());
                self.out.updates = updates;
                for u in statuses {
                    // The status change and the unlink that goes with it wait together.
                    self.out.unlinks.retain(|l| l.crm_id != u.crm_id);
                    self.out.kept_in_crm.retain(|l| l.crm_id != u.crm_id);
                    held.push(Delete {
                        side,
                        crm_id: u.crm_id,
                        resource_name: u.resource_name,
                        name: u.name,
                        reason: DeleteReason::DeletedInGoogle,
                    });
                }
                self.out.held.push(HeldDeletions {
                    side,
                    limit,
                    deletions: held,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod props;
