//! What one contact's sync status reads of an account's state: the header and the one link
//! shard that may hold the contact, not the whole state (a contact's page asks for it).

use super::{
    key, piece_key, read_shard, unreadable, Header, Unreadable, LAYOUT_VERSION, LINK_SHARDS,
};
use crate::json;
use crate::sync::state::{Link, Merged, PendingDeletion};
use std::collections::BTreeMap;

/// The key of the link shard that holds CRM contact `crm_id`'s link, if it has one.
pub fn link_shard_key(account: &str, crm_id: &str) -> String {
    key(
        account,
        &format!("links/{}", super::fnv(crm_id) % LINK_SHARDS),
    )
}

/// The keys to read after the header (its stored text `header`) for CRM contact `crm_id`: its
/// link shard, then the pieces of that shard the header names, in order.
pub fn contact_keys(account: &str, header: Option<&str>, crm_id: &str) -> Vec<String> {
    let first = link_shard_key(account, crm_id);
    let mut keys = vec![first.clone()];
    let named = super::piece_keys(account, header);
    for j in 1.. {
        let k = piece_key(&first, j);
        if !named.contains(&k) {
            break;
        }
        keys.push(k);
    }
    keys
}

/// What an account's state holds of one CRM contact.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContactState {
    pub link: Option<Link>,
    /// Unlinked after its Google contact was deleted, and kept in the CRM.
    pub kept_in_crm: Option<Link>,
    /// Unlinked because Google merged its Google contact into another linked one.
    pub merged_in_google: Option<Merged>,
    /// Google contacts whose match waits for the user with this contact among the candidates.
    pub undecided: Vec<String>,
    /// Its deletion, propagated from the other side, waiting for its days.
    pub pending: Option<PendingDeletion>,
}

/// Reads CRM contact `crm_id`'s part of the state from the header's text and the values of
/// [`contact_keys`] (in that order; `None` where a key holds nothing).
pub fn contact_state(
    account: &str,
    crm_id: &str,
    header: Option<&str>,
    values: &[Option<String>],
) -> Result<ContactState, Unreadable> {
    let mut out = ContactState::default();
    if let Some(text) = header {
        let k = key(account, "state");
        let h: Header<BTreeMap<String, Link>> =
            json::from_str(text).map_err(|e| unreadable(&k, e.to_string()))?;
        if h.version > u64::from(LAYOUT_VERSION) {
            return Err(unreadable(
                &k,
                format!(
                    "version {} is newer than this plugin's {LAYOUT_VERSION}: update the plugin",
                    h.version
                ),
            ));
        }
        let mut kept = h.kept_in_crm;
        out.kept_in_crm = kept.remove(crm_id);
        out.merged_in_google = h.merged_in_google.get(crm_id).cloned();
        out.pending = h.pending.deletions.get(crm_id).cloned();
        out.undecided = h
            .undecided
            .iter()
            .filter(|(_, ids)| ids.iter().any(|i| i == crm_id))
            .map(|(rn, _)| rn.clone())
            .collect();
    }
    for (k, text) in contact_keys(account, header, crm_id).iter().zip(values) {
        let Some(text) = text else { continue };
        let (mut entries, _) = read_shard::<Link>(k, text)?;
        if let Some(l) = entries.remove(crm_id) {
            out.link = Some(l);
        }
    }
    Ok(out)
}
