//! What survives between runs for one account: the links with their bases, the Google sync token,
//! and a cache of the unlinked Google contacts seen (so an incremental listing, which shows only
//! what changed, can still match a new CRM contact against an old Google one instead of creating
//! a duplicate).
//!
//! The state is versioned. [`AccountState::from_json`] migrates every older layout it knows and
//! refuses a newer or corrupt one with an error: a saved state is never silently dropped, since
//! losing the links would turn the next run into a first sync.

use super::model::{Contact, GoogleContact, Millis};
use crate::{json, json_struct};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// The layout [`AccountState::to_json`] writes.
pub const STATE_VERSION: u32 = 2;

/// A CRM contact and a Google contact known to be the same person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub crm_id: String,
    pub resource_name: String,
    /// Google's etag after our last write or read of the contact.
    pub etag: String,
    /// The values both sides agreed on when the link last synced.
    pub base: Contact,
    pub synced_at: Millis,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccountState {
    pub version: u32,
    /// Links by CRM contact id.
    pub links: BTreeMap<String, Link>,
    /// The token for the next incremental listing, and when its full listing was made.
    pub sync_token: Option<String>,
    pub full_sync_at: Option<Millis>,
    /// The host's change-feed cursor, when the host has a change feed.
    pub crm_cursor: Option<String>,
    /// Unlinked Google contacts seen in listings, by resource name: candidates for matching.
    pub google_unlinked: BTreeMap<String, GoogleContact>,
    /// The target group's resource name once it exists.
    pub target_group: Option<String>,
    /// CRM contacts unlinked because their Google twin was deleted (the `unlink` and `set status`
    /// policies), by CRM id, as the link that was dropped with the values the contact held then
    /// for base: a run sends one back to Google only once it was edited, or the deletion would
    /// be undone on the next run. Links, a type the state has already.
    pub kept_in_crm: BTreeMap<String, Link>,
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

/// Version 1 kept links as a list and had no Google cache or token time.
struct StateV1 {
    links: Vec<Link>,
    sync_token: Option<String>,
    target_group: Option<String>,
}

// Reading, through one `Value` deserializer (see `crate::json`).

json_struct!(Link {
    crm_id: "crmId",
    resource_name: "resourceName",
    etag: "etag",
    base: "base",
    synced_at: "syncedAt",
});

json_struct!(default AccountState {
    version: "version",
    links: "links",
    sync_token: "syncToken",
    full_sync_at: "fullSyncAt",
    crm_cursor: "crmCursor",
    google_unlinked: "googleUnlinked",
    target_group: "targetGroup",
    kept_in_crm: "keptInCrm",
});

json_struct!(StateV1 {
    links: "links" or default,
    sync_token: "syncToken",
    target_group: "targetGroup",
});

impl AccountState {
    pub fn new() -> AccountState {
        AccountState {
            version: STATE_VERSION,
            ..AccountState::default()
        }
    }

    pub fn to_json(&self) -> String {
        // The fields are borrowed with the version set, rather than written from a clone: a clone
        // copies every link and cached contact, and costs the wasm the maps' `Clone`. The same
        // keys in the same order as the derived `Serialize`.
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Written<'a> {
            version: u32,
            links: &'a BTreeMap<String, Link>,
            sync_token: &'a Option<String>,
            full_sync_at: &'a Option<Millis>,
            crm_cursor: &'a Option<String>,
            google_unlinked: &'a BTreeMap<String, GoogleContact>,
            target_group: &'a Option<String>,
            kept_in_crm: &'a BTreeMap<String, Link>,
        }
        let AccountState {
            version: _,
            links,
            sync_token,
            full_sync_at,
            crm_cursor,
            google_unlinked,
            target_group,
            kept_in_crm,
        } = self;
        let written = Written {
            version: STATE_VERSION,
            links,
            sync_token,
            full_sync_at,
            crm_cursor,
            google_unlinked,
            target_group,
            kept_in_crm,
        };
        // Invariant: the state is plain data (strings, numbers, maps with string keys), which
        // serde_json always serializes.
        serde_json::to_string(&written).unwrap_or_default()
    }

    /// Reads a saved state of any known version, migrating older layouts.
    pub fn from_json(text: &str) -> Result<AccountState, StateError> {
        // Only the version first; every layout is then read straight from the text (one
        // deserializer per type keeps the wasm small).
        struct Version {
            version: Option<u64>,
        }
        json_struct!(Version { version: "version" });
        let version = json::from_str::<Version>(text)
            .map_err(|e| StateError::Corrupt {
                version: None,
                reason: e.to_string(),
            })?
            .version
            .unwrap_or(1);
        let corrupt = |e: serde_json::Error| StateError::Corrupt {
            version: Some(version),
            reason: e.to_string(),
        };
        match version {
            1 => {
                let old: StateV1 = json::from_str(text).map_err(corrupt)?;
                let mut s = AccountState::new();
                // Inserted rather than collected, which would bring a sort of its own into the
                // wasm; a later duplicate id wins either way.
                for l in old.links {
                    s.links.insert(l.crm_id.clone(), l);
                }
                // A v1 token's age is unknown; keeping it is safe because an expired token
                // only costs a full listing, never a deletion.
                s.sync_token = old.sync_token;
                s.target_group = old.target_group;
                Ok(s)
            }
            v if v == u64::from(STATE_VERSION) => {
                let mut s: AccountState = json::from_str(text).map_err(corrupt)?;
                s.version = STATE_VERSION;
                Ok(s)
            }
            v => Err(StateError::TooNew { version: v }),
        }
    }

    /// The link of a Google contact, by resource name. Linear: planning builds its own index.
    pub fn link_by_resource(&self, resource_name: &str) -> Option<&Link> {
        self.links
            .values()
            .find(|l| l.resource_name == resource_name)
    }
}

#[cfg(test)]
mod tests;
