//! What survives between runs for one account: the links with their bases, the Google sync token,
//! and a cache of the unlinked Google contacts seen (so an incremental listing, which shows only
//! what changed, can still match a new CRM contact against an old Google one instead of creating
//! a duplicate).
//!
//! [`AccountState::to_json`] writes the whole state as one versioned JSON value, and
//! [`AccountState::from_json`] refuses a newer or corrupt one with an error. (The plugin stores
//! the state sharded, through [`crate::store`], whose layout carries its own version.)

use super::change::LastChange;
use super::direction::{FieldDirection, FieldDirections};
use super::model::{Contact, GoogleContact, Millis, Side};
use crate::{json, json_struct};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The layout [`AccountState::to_json`] writes.
pub const STATE_VERSION: u32 = 2;

json_struct! {
    /// A CRM contact and a Google contact known to be the same person.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Link {
        pub crm_id: String = "crmId",
        pub resource_name: String = "resourceName",
        /// Google's etag after our last write or read of the contact.
        pub etag: String = "etag",
        /// The values both sides agreed on when the link last synced.
        pub base: Contact = "base",
        pub synced_at: Millis = "syncedAt",
        /// What the last run that changed the pair did to it; absent before a run changed it
        /// (and in states of versions before the record).
        pub last_change: Option<LastChange> = "lastChange" [skip_empty],
    }
}

json_struct! {
    /// A CRM contact and a Google contact the user keeps apart in the preview: matching never
    /// pairs them again, so their ambiguous match is not reported again.
    #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub struct Apart {
        pub crm_id: String = "crmId",
        pub resource_name: String = "resourceName",
    }
}

json_struct! {
    /// A CRM contact whose Google twin Google merged into another linked Google contact ("Merge
    /// & fix", or Google linking both to one profile). One Google contact is linked to one CRM
    /// contact, so this one was unlinked and kept as it is. While it stays unlinked, whole-account
    /// runs neither send it back to Google (that would undo the user's merge) nor match it; a run
    /// for chosen contacts that names it syncs it as any unlinked contact.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Merged {
        pub crm_id: String = "crmId",
        /// The CRM contact linked to the Google contact that holds both now.
        pub survivor: String = "survivor",
        /// That Google contact, as named when the merge was seen.
        pub resource_name: String = "resourceName",
        /// The Google contact this CRM contact was linked to before the merge.
        pub merged_from: String = "mergedFrom",
        /// How previews and reports name the CRM contact.
        pub name: String = "name",
        pub at: Millis = "at",
    }
}

json_struct! {
    /// A deletion seen on one side and held before it is made on the other (the settings'
    /// `googleDeletesHoldDays`, `crmDeletesHoldDays`). The pair is unlinked meanwhile: the
    /// contact waiting is marked (in Google, by the pending group; in the CRM, by this entry)
    /// and left alone by matching, until a run deletes it, the user restores it, or an edit
    /// of it cancels the deletion.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct PendingDeletion {
        /// The side the contact waiting is on, where the deletion will be made.
        pub side: Side = "side",
        /// The link as the deletion found it; its base is the contact waiting as it was then.
        pub link: Link = "link",
        /// How the panel names the contact.
        pub name: String = "name",
        /// When the deletion was seen.
        pub since: Millis = "since",
    }
}

json_struct! {
    #[json(default)]
    /// Deletions held before they are made, and the Google group marking them.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct Pending {
        /// By the CRM id of the link each dropped.
        pub deletions: BTreeMap<String, PendingDeletion> = "deletions",
        /// The group marking Google contacts whose deletion waits, once it exists.
        pub group: Option<String> = "group",
    }
}

/// The Google contact group that marks contacts whose deletion in the CRM waits.
pub const PENDING_GROUP_NAME: &str = "Pending deletion (CRM)";

json_struct! {
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct AccountState {
        /// [`STATE_VERSION`] in a state this plugin made or read.
        pub version: u32 = "version",
        /// Links by CRM contact id.
        pub links: BTreeMap<String, Link> = "links" [default],
        /// The token for the next incremental listing, and when its full listing was made.
        pub sync_token: Option<String> = "syncToken",
        pub full_sync_at: Option<Millis> = "fullSyncAt",
        /// When a run last saw every Google contact's tag (and repaired any doubled one); absent
        /// in states of versions before the look, whose first run here looks.
        pub tags_checked_at: Option<Millis> = "tagsCheckedAt",
        /// The host's change-feed cursor, when the host has a change feed.
        pub crm_cursor: Option<String> = "crmCursor",
        /// Unlinked Google contacts seen in listings, by resource name: candidates for matching.
        pub google_unlinked: BTreeMap<String, GoogleContact> = "googleUnlinked" [default],
        /// The target group's resource name once it exists.
        pub target_group: Option<String> = "targetGroup",
        /// CRM contacts unlinked because their Google twin was deleted (the `unlink` and `set
        /// status` policies), by CRM id, as the link that was dropped with the values the contact
        /// held then for base: a run sends one back to Google only once it was edited, or the
        /// deletion would be undone on the next run.
        pub kept_in_crm: BTreeMap<String, Link> = "keptInCrm" [default],
        /// Pairs the user keeps apart, sorted, without repeats ("Reset sync data" forgets them).
        pub apart: Vec<Apart> = "apart" [default],
        /// CRM contacts whose Google twin was merged into another linked contact, by CRM id.
        pub merged_in_google: BTreeMap<String, Merged> = "mergedInGoogle" [default],
        /// Google contacts whose match waits for the user, by resource name, with the CRM ids
        /// of their candidates as the last plan that saw the whole CRM found them: while such a
        /// contact stays unchanged, a run reads these by id instead of listing the whole CRM.
        pub undecided: BTreeMap<String, Vec<String>> = "undecided" [default],
        /// CRM contacts left out of Google for its limit of contacts per account, by id, sorted:
        /// a run reads these by id, so the CRM's change feed need not bring them again.
        pub past_limit: Vec<String> = "pastLimit" [default],
        /// Emails, phones and names with birthday or company found held by more contacts than
        /// matching may join, normalized, sorted: they stay no evidence (until "Reset sync data").
        pub common_keys: Vec<String> = "commonKeys" [default],
        /// The field directions of the last run that applied its writes under them: until a
        /// run applies a preview made under the settings' directions, runs that write refuse to.
        pub field_directions: FieldDirections = "fieldDirections" [skip_empty],
        /// The same for the host's custom fields, by key: those not both ways.
        pub custom_directions: BTreeMap<String, FieldDirection> = "customDirections" [skip_empty],
        /// Deletions held before they are made.
        pub pending: Pending = "pending" [default],
    }
}

impl Default for AccountState {
    fn default() -> Self {
        AccountState {
            version: STATE_VERSION,
            links: BTreeMap::new(),
            sync_token: None,
            full_sync_at: None,
            tags_checked_at: None,
            crm_cursor: None,
            google_unlinked: BTreeMap::new(),
            target_group: None,
            kept_in_crm: BTreeMap::new(),
            apart: Vec::new(),
            merged_in_google: BTreeMap::new(),
            undecided: BTreeMap::new(),
            past_limit: Vec::new(),
            common_keys: Vec::new(),
            field_directions: FieldDirections::default(),
            custom_directions: BTreeMap::new(),
            pending: Pending::default(),
        }
    }
}

/// The entries of a state's maps that a run inserted, replaced or removed: all a save needs to
/// look at besides the header, so a run that changed nothing serializes nothing of its maps.
/// Kept by whoever changes the maps ([`crate::sync::plan::Plan::commit`] and the engine).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched {
    /// Keys of [`AccountState::links`].
    pub links: BTreeSet<String>,
    /// Keys of [`AccountState::google_unlinked`].
    pub google_unlinked: BTreeSet<String>,
    /// The whole cache of unlinked contacts may have changed (a full listing replaced it).
    pub all_google_unlinked: bool,
}

impl Touched {
    pub fn is_empty(&self) -> bool {
        self.links.is_empty() && self.google_unlinked.is_empty() && !self.all_google_unlinked
    }

    pub fn extend(&mut self, other: Touched) {
        if self.is_empty() {
            *self = other;
            return;
        }
        for k in other.links {
            self.links.insert(k);
        }
        for k in other.google_unlinked {
            self.google_unlinked.insert(k);
        }
        self.all_google_unlinked |= other.all_google_unlinked;
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateError {
    /// Not JSON, or not a state of the version it claims.
    Corrupt {
        version: Option<u64>,
        reason: String,
    },
    /// Written by a newer plugin: kept as it is rather than overwritten.
    TooNew { version: u64 },
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::Corrupt {
                version: Some(v),
                reason,
            } => write!(f, "saved sync state (version {v}) cannot be read: {reason}"),
            StateError::Corrupt {
                version: None,
                reason,
            } => write!(f, "saved sync state cannot be read: {reason}"),
            StateError::TooNew { version } => write!(
                f,
                "saved sync state has version {version}, newer than this plugin's {STATE_VERSION}: \
                 update the plugin"
            ),
        }
    }
}

impl std::error::Error for StateError {}

impl AccountState {
    pub fn new() -> AccountState {
        AccountState::default()
    }

    /// The invariant whatever Google renames or merges: one Google contact is linked to at most
    /// one CRM contact. Answers the first resource name linked twice, with its two CRM ids.
    pub fn linked_twice(&self) -> Option<(&str, &str, &str)> {
        let mut seen: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
        for l in self.links.values() {
            if let Some(first) = seen.insert(&l.resource_name, &l.crm_id) {
                return Some((&l.resource_name, first, &l.crm_id));
            }
        }
        None
    }

    pub fn to_json(&self) -> String {
        // Invariant: the state is plain data (strings, numbers, maps with string keys), which
        // serde_json always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a saved state of this plugin's version.
    pub fn from_json(text: &str) -> Result<AccountState, StateError> {
        // The version first, so a newer state is refused as such rather than as corrupt.
        json_struct! {
            struct Version {
                version: Option<u64> = "version",
            }
        }
        let version = json::from_str::<Version>(text)
            .map_err(|e| StateError::Corrupt {
                version: None,
                reason: e.to_string(),
            })?
            .version;
        match version {
            Some(v) if v > u64::from(STATE_VERSION) => Err(StateError::TooNew { version: v }),
            Some(v) if v == u64::from(STATE_VERSION) => {
                json::from_str(text).map_err(|e| StateError::Corrupt {
                    version: Some(v),
                    reason: e.to_string(),
                })
            }
            v => Err(StateError::Corrupt {
                version: v,
                reason: format!("only version {STATE_VERSION} is read"),
            }),
        }
    }
}

#[cfg(test)]
mod tests;
