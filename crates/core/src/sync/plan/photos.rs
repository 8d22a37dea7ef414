//! The photos of the linked pairs read this run, each merged as one field
//! ([`crate::sync::photo`]): what the photo pass moves once the run's other writes are committed,
//! and what the preview lists ([`PhotoChange`]) before anything is written.
//!
//! A pair linked by this run's own creates has no photo to list yet: its photo goes across in
//! the photo pass, after the link is made. The fingerprint leaves photos out, as the pass's moves
//! follow from what the run read and the pairs it committed.

use super::{PlanInput, Scope};
use crate::json_enum;
use crate::sync::model::{CrmContact, GoogleContact, Photo, Side};
use crate::sync::photo::{self, PhotoInput, PhotoMove, Seen};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// One linked pair's photo move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairPhoto {
    pub crm_id: String,
    pub resource_name: String,
    pub change: PhotoMove,
}

/// The photo move of every linked pair of `input.state` read this run, in CRM id order: `Keep`
/// left out. None unless the host holds photos.
pub fn photo_moves(input: &PlanInput<'_>) -> Vec<PairPhoto> {
    if !input.capabilities.photo {
        return Vec::new();
    }
    let crm: HashMap<&str, &CrmContact> = (input.crm.iter().chain(input.crm_other))
        .map(|c| (c.id.as_str(), c))
        .collect();
    let google: HashMap<&str, &GoogleContact> = (input.google.people.iter())
        .map(|g| (g.resource_name.as_str(), g))
        .collect();
    let directions = input.settings.directions;
    let write_google = directions.writes_google() && *input.scope != Scope::PullAll;
    let write_crm = directions.writes_crm() && *input.scope != Scope::PushAll;
    let mut out = Vec::new();
    for link in input.state.links.values() {
        let (c, g) = (
            crm.get(link.crm_id.as_str()),
            google.get(link.resource_name.as_str()),
        );
        if c.is_none() && g.is_none() {
            continue;
        }
        let change = photo::merge(PhotoInput {
            base: link.base.photo.as_ref(),
            crm: seen(c.and_then(|c| c.contact.photo.as_ref()), c.is_some()),
            google: seen(g.and_then(|g| g.contact.photo.as_ref()), g.is_some()),
            crm_modified_at: c.map_or(0, |c| c.modified_at),
            google_modified_at: g.map_or(0, |g| g.updated_at),
            policy: input.settings.conflict_policy,
            write_crm: write_crm && c.is_none_or(|c| c.editable()),
            write_google,
            direction: input.settings.field_directions.photo(),
        });
        if change != PhotoMove::Keep {
            out.push(PairPhoto {
                crm_id: link.crm_id.clone(),
                resource_name: link.resource_name.clone(),
                change,
            });
        }
    }
    out
}

json_enum! {
    /// What a photo move does to the side it writes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum PhotoChangeKind {
        /// The side had no photo of the contact.
        Added = "added",
        /// The side's photo is replaced.
        Changed = "changed",
        /// The side's photo is removed.
        Removed = "removed",
    }
}

/// A photo the run moves, as the preview lists it: the side written, the contact, and whether
/// the photo is added there, changed or removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhotoChange {
    pub side: Side,
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub change: PhotoChangeKind,
}

impl fmt::Display for PhotoChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: photo {} {:?} (crm {} = {})",
            self.side, self.change, self.name, self.crm_id, self.resource_name
        )
    }
}

/// The preview's list of `moves` (from [`photo_moves`] of the same `input`).
pub fn photo_changes(input: &PlanInput<'_>, moves: &[PairPhoto]) -> Vec<PhotoChange> {
    if moves.is_empty() {
        return Vec::new();
    }
    let crm: HashMap<&str, &CrmContact> = (input.crm.iter().chain(input.crm_other))
        .map(|c| (c.id.as_str(), c))
        .collect();
    let google: HashMap<&str, &GoogleContact> = (input.google.people.iter())
        .map(|g| (g.resource_name.as_str(), g))
        .collect();
    let mut out = Vec::new();
    for m in moves {
        let c = crm.get(m.crm_id.as_str());
        let g = google.get(m.resource_name.as_str());
        let base = (input.state.links.get(&m.crm_id)).and_then(|l| l.base.photo.as_ref());
        let (side, change) = match &m.change {
            PhotoMove::Keep | PhotoMove::Agree { .. } => continue,
            PhotoMove::ClearCrm => (Side::Crm, PhotoChangeKind::Removed),
            PhotoMove::ClearGoogle => (Side::Google, PhotoChangeKind::Removed),
            PhotoMove::ToCrm { .. } => {
                let has = c.is_some_and(|c| c.contact.photo.is_some());
                (Side::Crm, kind(has))
            }
            PhotoMove::ToGoogle => {
                let has = match g {
                    Some(g) => g.contact.photo.is_some(),
                    None => base.is_some_and(|b| !b.url.is_empty()),
                };
                (Side::Google, kind(has))
            }
        };
        let name = c
            .map(|c| c.contact.display_name())
            .or_else(|| g.map(|g| g.contact.display_name()))
            .unwrap_or_default();
        out.push(PhotoChange {
            side,
            crm_id: m.crm_id.clone(),
            resource_name: m.resource_name.clone(),
            name,
            change,
        });
    }
    out
}

impl fmt::Display for PhotoChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PhotoChangeKind::Added => "added",
            PhotoChangeKind::Changed => "changed",
            PhotoChangeKind::Removed => "removed",
        })
    }
}

fn seen(p: Option<&Photo>, read: bool) -> Seen<'_> {
    match read {
        true => Seen::Read(p),
        false => Seen::NotRead,
    }
}

fn kind(had_one: bool) -> PhotoChangeKind {
    match had_one {
        true => PhotoChangeKind::Changed,
        false => PhotoChangeKind::Added,
    }
}
