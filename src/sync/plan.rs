//! Planning: from an account's state, what each side shows now, the settings and `now`, the
//! operations a run makes (DESIGN §3). A pure, deterministic function: the same inputs give the
//! same plan, and its `Display` is the preview text users read and tests compare.
//!
//! How each linked pair is read:
//! - a CRM contact the host returned (in the view or not) is *present*; one the host reported
//!   deleted is *deleted*; any other was not read. An unread one is taken to hold its base only
//!   while its Google twin did not change; otherwise the pair is *deferred* (the engine reads
//!   such records before planning, so this is rare): nothing is ever written onto a record
//!   that was not read, and the cursors do not move past the change;
//! - a Google contact in the listing is *present*; a tombstone, or (in a complete full listing
//!   only) a missing contact, is *deleted*, unless another contact carries the link's tag (Google
//!   renamed it: the link follows); any other is *unchanged*. An incomplete listing never
//!   yields a deletion, and never a create in Google either, because the twin of an unmatched CRM
//!   contact may be on a page not yet read.
//!
//! Fixed points: a pair neither side's scope covers is not linked (it would be unlinked again);
//! a contact unlinked after its Google twin was deleted is not sent back unless edited; a
//! second Google contact tagged for one CRM contact is deleted when it holds nothing its twin
//! lacks, else reported. The mass-deletion guard counts every destructive consequence of a
//! deletion, status changes included.
//!
//! After execution, [`Plan::commit`] writes the outcome into the state: new bases for the pairs
//! whose writes succeeded, new links for creates, links dropped by deletions and unlinks.

use super::capabilities::Capabilities;
use super::matching::{match_contacts, Ambiguity, Ambiguous, MatchRule};
use super::merge::{merge, Conflict, FieldDiff, MergeInput};
use super::model::{Contact, CrmContact, Field, GoogleContact, Millis, Side};
use super::normalize::Region;
use super::settings::{CrmDeletes, GoogleDeletes, Settings, MY_CONTACTS};
use super::state::{AccountState, Link};
use crate::deserialize_via_value;
use crate::json::{unknown_variant, FromJson, Object};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

/// What a run covers: the seeds' triggers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
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
    fn from_json(v: Value) -> Result<Self, String> {
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

deserialize_via_value!(Scope);

/// The Google people a run has read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GoogleListing {
    pub people: Vec<GoogleContact>,
    /// Resource names of tombstones (`metadata.deleted`) in an incremental listing.
    pub deleted: Vec<String>,
    /// A full listing (no sync token) rather than an incremental one.
    pub full: bool,
    /// Every page was read.
    pub complete: bool,
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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateGoogle {
    pub crm_id: String,
    pub name: String,
    pub contact: Contact,
    /// Memberships set in the create request itself.
    pub groups: Vec<String>,
}

/// A Google contact to create in the CRM. Once created, the executor tags the Google contact with
/// the new CRM id (batched like any update), so the link survives lost state and a later CRM
/// deletion is not undone by importing the contact again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCrm {
    pub resource_name: String,
    pub name: String,
    pub contact: Contact,
    pub status: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
}

impl Update {
    pub fn fields(&self) -> Vec<Field> {
        self.diffs.iter().map(|d| d.field).collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeleteReason {
    DeletedInGoogle,
    DeletedInCrm,
    /// A second Google contact tagged for the same CRM contact (two runs that could not exclude
    /// each other both created it), holding nothing its twin lacks.
    Duplicate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delete {
    /// The side the contact is deleted from.
    pub side: Side,
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub reason: DeleteReason,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewLink {
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub rule: MatchRule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unlink {
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub reason: UnlinkReason,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupAdd {
    pub group: String,
    /// Existing Google contacts to add; contacts created by this plan get the group at creation.
    pub resource_names: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PairConflict {
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub conflict: Conflict,
}

/// Deletions on one side over the guard's limit: held until the user confirms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldDeletions {
    pub side: Side,
    pub limit: usize,
    pub deletions: Vec<Delete>,
}

/// The base a pair will have once its writes succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
struct NextBase {
    resource_name: String,
    etag: String,
    base: Contact,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub creates_google: Vec<CreateGoogle>,
    pub creates_crm: Vec<CreateCrm>,
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
    /// CRM contacts unlinked because their Google twin was deleted, with the values they hold:
    /// kept in the state so they are not sent back to Google unedited.
    kept_in_crm: Vec<Link>,
    /// By CRM id, in the order planned; a later entry for an id wins, as a map insert would. A
    /// `Vec` rather than a `BTreeMap`: it is only pushed to and walked once in `commit`, and the
    /// map type existed in the wasm for this alone.
    next_bases: Vec<(String, NextBase)>,
}

impl Plan {
    /// Writes the plan makes, on both sides together (link-only and report-only entries excluded).
    pub fn writes(&self) -> usize {
        self.creates_google.len()
            + self.creates_crm.len()
            + self.updates.len()
            + self.deletes.len()
            + self
                .group_adds
                .iter()
                .map(|g| g.resource_names.len())
                .sum::<usize>()
    }

    /// Nothing to write, link or unlink.
    pub fn is_empty(&self) -> bool {
        self.writes() == 0 && self.links.is_empty() && self.unlinks.is_empty()
    }
}

/// Google contacts created, by CRM id: resource name and etag. Read like a
/// `BTreeMap<String, (String, String)>` (`insert`, `get`, `values`, `extend`), kept as two
/// `BTreeMap<String, String>` with the same keys: the wasm has that map type already, and the one
/// with a pair for value existed for this alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Created {
    resource_names: BTreeMap<String, String>,
    etags: BTreeMap<String, String>,
}

impl Created {
    pub fn insert(&mut self, crm_id: String, (resource_name, etag): (String, String)) {
        self.resource_names.insert(crm_id.clone(), resource_name);
        self.etags.insert(crm_id, etag);
    }

    /// The resource name and etag of the contact created for `crm_id`.
    pub fn get(&self, crm_id: &str) -> Option<(&String, &String)> {
        Some((self.resource_names.get(crm_id)?, self.etags.get(crm_id)?))
    }

    /// Resource names and etags, in CRM id order.
    pub fn values(&self) -> impl Iterator<Item = (&String, &String)> {
        self.resource_names.values().zip(self.etags.values())
    }
}

impl Extend<(String, (String, String))> for Created {
    fn extend<I: IntoIterator<Item = (String, (String, String))>>(&mut self, items: I) {
        for (crm_id, created) in items {
            self.insert(crm_id, created);
        }
    }
}

/// What executing a plan achieved, reported back by whoever executed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Google contacts created, by CRM id: resource name and etag.
    pub google_created: Created,
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

pub fn plan(input: PlanInput<'_>) -> Plan {
    Planner::new(input).run()
}

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
    /// Unlinked Google contacts carrying our tag, in resource name order: the twin of a linked
    /// contact whose resource name changed, or a duplicate. A `Vec` searched by tag, as are the
    /// two below: few contacts are tagged and unlinked, and a map keyed by tag would be one
    /// more collection type in the wasm.
    tagged: Vec<&'a GoogleContact>,
    /// Links whose Google contact this plan found under a new resource name: CRM id, contact.
    relinked: Vec<(&'a str, &'a GoogleContact)>,
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
            tagged: Vec::new(),
            relinked: Vec::new(),
        }
    }

    /// Unlinked Google contacts in this listing (and in the cache of earlier ones, unless the
    /// listing is full and complete), deleted ones left out, in resource name order.
    fn unlinked_google(&self) -> Vec<&'a GoogleContact> {
        let state = self.input.state;
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
        self.tagged = self.unlinked_google();
        self.tagged.retain(|g| g.tag.is_some());
        for link in self.input.state.links.values() {
            self.pair(link);
        }
        self.unlinked();
        self.guard();
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

    fn pair(&mut self, link: &'a Link) {
        if !self.in_crm_scope(&link.crm_id) {
            return;
        }
        let mut crm = if self.crm_deleted.contains(link.crm_id.as_str()) {
            CrmSide::Deleted
        } else if let Some(c) = self.crm_by_id.get(link.crm_id.as_str()) {
            // Most contacts of a full CRM listing hold exactly their base: no merge needed.
            if c.contact == link.base {
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
        } else if listing.full && listing.complete {
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
                .iter()
                .copied()
                .find(|g| g.tag.as_deref() == Some(link.crm_id.as_str()));
            if let Some(g) = twin {
                google = GoogleSide::Present(g);
                resource_name = g.resource_name.as_str();
                relinked = true;
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
                self.relinked.push((link.crm_id.as_str(), g));
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
                            self.out
                                .deletes
                                .push(delete(Side::Google, DeleteReason::DeletedInCrm));
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
                if !self.writes_crm() {
                    self.out.unlinks.push(unlink(UnlinkReason::DeletedInGoogle));
                    self.keep_in_crm(link, current);
                    return;
                }
                match &self.input.settings.google_deletes {
                    GoogleDeletes::Delete => self
                        .out
                        .deletes
                        .push(delete(Side::Crm, DeleteReason::DeletedInGoogle)),
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
                        g.tag.as_deref() != Some(link.crm_id.as_str()),
                    ),
                    _ => (&link.base, 0, link.etag.as_str(), false),
                };
                // A linked Google contact seen without our tag (a link recovered from an
                // interrupted run's journal) gets it, as every linked contact carries it.
                self.merge_pair(
                    &link.crm_id,
                    resource_name,
                    Some(&link.base),
                    (c, c_time),
                    (g, g_time),
                    etag,
                    untagged,
                );
            }
        }
    }

    /// Records a CRM contact unlinked after its Google twin's deletion, as a link to the twin
    /// that was deleted with the values the contact holds (a `Link`, a type the state has
    /// already).
    fn keep_in_crm(&mut self, link: &Link, contact: &Contact) {
        self.out.kept_in_crm.push(Link {
            base: contact.clone(),
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

    fn merge_input<'b>(
        &self,
        base: &'b Contact,
        crm: &'b Contact,
        google: &'b Contact,
        crm_time: Millis,
        google_time: Millis,
    ) -> MergeInput<'b> {
        MergeInput {
            base: Some(base),
            crm,
            google,
            crm_modified_at: crm_time,
            google_modified_at: google_time,
            policy: self.input.settings.conflict_policy,
            region: self.region,
            write_crm: self.writes_crm(),
            write_google: self.writes_google(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn merge_pair(
        &mut self,
        crm_id: &str,
        resource_name: &str,
        base: Option<&Contact>,
        (c, c_time): (&Contact, Millis),
        (g, g_time): (&Contact, Millis),
        etag: &str,
        set_tag: bool,
    ) {
        let mut input = self.merge_input(c, c, g, c_time, g_time);
        input.base = base;
        let m = self.input.capabilities.merge(input);
        // Named as the CRM shows the contact: that is where the user will look for it.
        let name = c.display_name();
        for conflict in m.conflicts {
            self.out.conflicts.push(PairConflict {
                crm_id: crm_id.to_string(),
                resource_name: resource_name.to_string(),
                name: name.clone(),
                conflict,
            });
        }
        if !m.crm.is_empty() {
            self.out.updates.push(Update {
                side: Side::Crm,
                crm_id: crm_id.to_string(),
                resource_name: resource_name.to_string(),
                name: name.clone(),
                diffs: m.crm,
                contact: self.input.capabilities.fit(&m.contact),
                etag: String::new(),
                set_tag: false,
                status: None,
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
        self.out.next_bases.push((
            crm_id.to_string(),
            NextBase {
                resource_name: resource_name.to_string(),
                etag: etag.to_string(),
                base: m.base,
            },
        ));
    }

    fn unlinked(&mut self) {
        let state = self.input.state;
        // Whole-account runs leave a contact unlinked after its Google twin was deleted alone
        // until it is edited; a chosen contact goes back, since the user asked for it.
        let keeps_deleted = !matches!(self.input.scope, Scope::Contacts { .. });
        let region = self.region;
        // CRM side: the scope's contacts first (they may be pushed), then the others.
        let mut crm: Vec<(&CrmContact, bool)> = Vec::new();
        let mut seen = HashSet::new();
        for (c, pushable) in self
            .input
            .crm
            .iter()
            .map(|c| (c, true))
            .chain(self.input.crm_other.iter().map(|c| (c, false)))
        {
            if (state.links.contains_key(&c.id) && !self.freed.contains(c.id.as_str()))
                || self.crm_deleted.contains(c.id.as_str())
                || !seen.insert(c.id.as_str())
            {
                continue;
            }
            let kept = keeps_deleted
                && state
                    .kept_in_crm
                    .get(&c.id)
                    .is_some_and(|v| !differs(&v.base, &c.contact, region));
            crm.push((c, pushable && !kept && self.in_crm_scope(&c.id)));
        }
        // Ids are unique here (`seen`), so an unstable sort gives the same order; with the other
        // sorts unstable too, the wasm has no stable sort to carry.
        crm.sort_unstable_by(|a, b| a.0.id.cmp(&b.0.id));
        // Google side: this listing, then the cache of earlier listings for what it did not show;
        // a second contact tagged for one CRM contact is not matched but merged back.
        let extras = self.duplicates();
        let google: Vec<&GoogleContact> = self
            .unlinked_google()
            .into_iter()
            .filter(|g| {
                !extras.contains(g.resource_name.as_str())
                    && !self
                        .relinked
                        .iter()
                        .any(|(_, r)| r.resource_name == g.resource_name)
            })
            .collect();

        let crm_refs: Vec<&CrmContact> = crm.iter().map(|(c, _)| *c).collect();
        let matching = match_contacts(&crm_refs, &google, self.region);
        let mut matched_crm = vec![false; crm.len()];
        let mut matched_google = vec![false; google.len()];
        let scoped = self.scoped_ids.is_some();
        for m in &matching.matches {
            let (c, pushable) = crm[m.crm];
            let g = google[m.google];
            matched_crm[m.crm] = true;
            matched_google[m.google] = true;
            // A scoped run links only the chosen contacts.
            if scoped && !pushable {
                continue;
            }
            // A pair neither side's scope covers would be unlinked again by the next run (see
            // `pair`): left unlinked, the runs reach a fixed point instead of flapping.
            if !pushable && !self.in_google_scope(g) {
                continue;
            }
            self.out.links.push(NewLink {
                crm_id: c.id.clone(),
                resource_name: g.resource_name.clone(),
                name: c.contact.display_name(),
                rule: m.rule,
            });
            if pushable
                && !g
                    .groups
                    .iter()
                    .any(|x| Some(x.as_str()) == self.input.target_group)
            {
                self.to_target.push(g.resource_name.clone());
            }
            let needs_tag = g.tag.as_deref() != Some(c.id.as_str());
            self.merge_pair(
                &c.id,
                &g.resource_name,
                None,
                (&c.contact, c.modified_at),
                (&g.contact, g.updated_at),
                &g.etag,
                needs_tag,
            );
        }
        self.out.ambiguous.extend(matching.ambiguous);

        let listing = self.input.google;
        if self.writes_google() && listing.complete {
            for (i, (c, pushable)) in crm.iter().enumerate() {
                if *pushable && !matched_crm[i] && !matching.blocked_crm[i] {
                    let create = self.create_google(c);
                    self.out.creates_google.push(create);
                }
            }
        }
        if self.writes_crm() && self.whole_account() {
            for (i, g) in google.iter().enumerate() {
                // A contact tagged for a CRM contact that is not here was deleted in the CRM (or
                // lives outside what was loaded): importing it would bring a deleted contact back
                // or make a duplicate.
                let tagged_elsewhere = g.tag.is_some();
                if !matched_google[i]
                    && !matching.blocked_google[i]
                    && !tagged_elsewhere
                    && self.in_google_scope(g)
                {
                    self.out.creates_crm.push(CreateCrm {
                        resource_name: g.resource_name.clone(),
                        name: g.contact.display_name(),
                        // Also the link's base: what the CRM holds of it.
                        contact: self.input.capabilities.fit(&g.contact),
                        status: self.input.settings.import_status.clone(),
                    });
                }
            }
        }
    }

    /// Google contacts tagged for a CRM contact that has a twin already (two runs that could not
    /// exclude each other both created one): an extra one is deleted when it holds nothing its
    /// twin lacks, else reported for the user; either way it is set aside from matching. The
    /// twin is the linked contact, or among unlinked ones the first by resource name, unless
    /// it holds less than another. Returns the resource names set aside.
    fn duplicates(&mut self) -> HashSet<&'a str> {
        let mut extras = HashSet::new();
        let state = self.input.state;
        let tagged = std::mem::take(&mut self.tagged);
        let mut tags: Vec<&'a str> = Vec::new();
        for t in tagged.iter().filter_map(|g| g.tag.as_deref()) {
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        for crm_id in tags {
            let gs = tagged.iter().filter(|g| g.tag.as_deref() == Some(crm_id));
            let relinked = self.relinked.iter().find(|(id, _)| *id == crm_id);
            let linked: Option<(&'a str, &'a Contact)> = match state.links.get(crm_id) {
                Some(l) if !self.freed.contains(crm_id) => Some(match relinked {
                    Some((_, g)) => (g.resource_name.as_str(), &g.contact),
                    None => match self.google_by_rn.get(l.resource_name.as_str()) {
                        Some(g) => (g.resource_name.as_str(), &g.contact),
                        // Not in this listing: as it was when last synced.
                        None => (l.resource_name.as_str(), &l.base),
                    },
                }),
                _ => None,
            };
            let mut rest = gs.copied();
            let mut first: Option<&'a GoogleContact> = None;
            let (mut twin_rn, mut twin) = match linked {
                Some(t) => t,
                None => match rest.next() {
                    Some(g) => {
                        first = Some(g);
                        (g.resource_name.as_str(), &g.contact)
                    }
                    None => continue,
                },
            };
            for g in rest {
                if g.resource_name == twin_rn {
                    continue;
                }
                if self.holds_nothing_more(&g.contact, twin) {
                    extras.insert(g.resource_name.as_str());
                    self.duplicate(crm_id, g, true);
                } else if let Some(f) = first.filter(|_| self.holds_nothing_more(twin, &g.contact))
                {
                    // The first holds less than this one: it is the one that goes.
                    extras.insert(f.resource_name.as_str());
                    self.duplicate(crm_id, f, true);
                    first = Some(g);
                    (twin_rn, twin) = (g.resource_name.as_str(), &g.contact);
                } else {
                    extras.insert(g.resource_name.as_str());
                    self.duplicate(crm_id, g, false);
                }
            }
        }
        self.tagged = tagged;
        extras
    }

    /// Whether `extra` holds no value `twin` lacks, as a first-link merge would fill it in.
    fn holds_nothing_more(&self, extra: &Contact, twin: &Contact) -> bool {
        let mut input = self.merge_input(twin, twin, extra, 0, 0);
        input.base = None;
        input.write_crm = true;
        let m = merge(input);
        m.crm.is_empty() && m.conflicts.is_empty()
    }

    /// Deletes a duplicate Google contact, or reports it when it holds something its twin lacks.
    fn duplicate(&mut self, crm_id: &str, g: &GoogleContact, delete: bool) {
        if !self.whole_account() {
            return;
        }
        if delete && self.writes_google() {
            self.out.deletes.push(Delete {
                side: Side::Google,
                crm_id: crm_id.to_string(),
                resource_name: g.resource_name.clone(),
                name: g.contact.display_name(),
                reason: DeleteReason::Duplicate,
            });
        } else {
            self.out.ambiguous.push(Ambiguous {
                side: Side::Google,
                id: g.resource_name.clone(),
                name: g.contact.display_name(),
                rule: MatchRule::Tag,
                reason: Ambiguity::SecondCopy,
                candidates: vec![crm_id.to_string()],
            });
        }
    }

    fn create_google(&self, c: &CrmContact) -> CreateGoogle {
        let mut groups: Vec<String> = self
            .input
            .target_group
            .iter()
            .map(|g| g.to_string())
            .collect();
        // myContacts keeps the contact visible in Google Contacts' main list.
        groups.push(MY_CONTACTS.to_string());
        groups.dedup();
        CreateGoogle {
            crm_id: c.id.clone(),
            name: c.contact.display_name(),
            contact: c.contact.clone(),
            groups,
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
            let count = self.out.deletes.iter().filter(|d| d.side == side).count();
            if count + status_changes > limit {
                let (mut held, kept): (Vec<Delete>, Vec<Delete>) =
                    std::mem::take(&mut self.out.deletes)
                        .into_iter()
                        .partition(|d| d.side == side);
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

/// Whether `contact` differs from `base` in any synced field, as the merge compares them.
fn differs(base: &Contact, contact: &Contact, region: Region) -> bool {
    !merge(MergeInput {
        base: Some(base),
        crm: contact,
        google: base,
        crm_modified_at: 0,
        google_modified_at: 0,
        policy: super::settings::ConflictPolicy::Crm,
        region,
        write_crm: true,
        write_google: true,
    })
    .is_noop()
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
        p.merge_pair(
            &crm_id,
            &google.resource_name,
            base,
            (&crm.contact, crm.modified_at),
            (&google.contact, google.updated_at),
            &google.etag,
            set_tag,
        );
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
        self.next_bases.extend(out.next_bases);
        r
    }

    /// Records what execution achieved in `state`. Pairs whose writes failed keep their old
    /// base, and links not made stay unmade, so the next run plans them again.
    pub fn commit(
        &self,
        state: &mut AccountState,
        listing: &GoogleListing,
        outcome: &Outcome,
        now: Millis,
    ) {
        for d in &self.deletes {
            // A duplicate's deletion leaves its twin's link alone.
            if d.reason != DeleteReason::Duplicate && outcome.deleted.contains(&d.crm_id) {
                state.links.remove(&d.crm_id);
            }
        }
        for u in &self.unlinks {
            if !outcome.failed.contains(&u.crm_id) {
                state.links.remove(&u.crm_id);
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
            state.links.insert(
                crm_id.clone(),
                Link {
                    crm_id: crm_id.clone(),
                    resource_name: next.resource_name.clone(),
                    etag,
                    base: next.base.clone(),
                    synced_at: now,
                },
            );
        }
        for c in &self.creates_google {
            if let Some((rn, etag)) = outcome.google_created.get(&c.crm_id) {
                state.links.insert(
                    c.crm_id.clone(),
                    Link {
                        crm_id: c.crm_id.clone(),
                        resource_name: rn.clone(),
                        etag: etag.clone(),
                        base: c.contact.clone(),
                        synced_at: now,
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
                state.links.insert(
                    crm_id.clone(),
                    Link {
                        crm_id: crm_id.clone(),
                        resource_name: c.resource_name.clone(),
                        etag,
                        base: c.contact.clone(),
                        synced_at: now,
                    },
                );
            }
        }
        for u in &self.unlinks {
            if u.reason == UnlinkReason::DeletedInGoogle && !outcome.failed.contains(&u.crm_id) {
                if let Some(l) = self.kept_in_crm.iter().find(|l| l.crm_id == u.crm_id) {
                    state.kept_in_crm.insert(u.crm_id.clone(), l.clone());
                }
            }
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
        }
        for rn in &listing.deleted {
            state.google_unlinked.remove(rn);
        }
        let linked: HashSet<&str> = state
            .links
            .values()
            .map(|l| l.resource_name.as_str())
            .collect();
        let mut cache = std::mem::take(&mut state.google_unlinked);
        for g in &listing.people {
            cache.insert(g.resource_name.clone(), g.clone());
        }
        cache.retain(|rn, _| !linked.contains(rn.as_str()));
        state.google_unlinked = cache;
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty()
            && self.conflicts.is_empty()
            && self.ambiguous.is_empty()
            && self.held.is_empty()
        {
            return writeln!(f, "nothing to do");
        }
        for c in &self.creates_google {
            writeln!(
                f,
                "google: create {:?} (crm {}) in {}",
                c.name,
                c.crm_id,
                c.groups.join(", ")
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
            writeln!(f, ": {}", parts.join("; "))?;
        }
        for d in &self.deletes {
            writeln!(
                f,
                "{}: delete {:?} (crm {} = {}): {}",
                d.side, d.name, d.crm_id, d.resource_name, d.reason
            )?;
        }
        for u in &self.unlinks {
            writeln!(
                f,
                "unlink {:?} (crm {} = {}): {}",
                u.name, u.crm_id, u.resource_name, u.reason
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
        for c in &self.conflicts {
            writeln!(f, "conflict {:?} {}", c.name, c.conflict)?;
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

impl fmt::Display for DeleteReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeleteReason::DeletedInGoogle => "deleted in Google",
            DeleteReason::DeletedInCrm => "deleted in the CRM",
            DeleteReason::Duplicate => {
                "a second copy of a contact already in Google, holding nothing the first lacks"
            }
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
        })
    }
}

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod props;
