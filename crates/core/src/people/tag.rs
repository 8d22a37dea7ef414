//! The link tag: a `clientData` entry `{key: "gcsync:<CRM instance id>", value: "<CRM contact id>"}`
//! on every Google contact the plugin creates or links.
//!
//! Links are found again through it after lost state or a "Reset sync data", and a create that may
//! have reached Google before a tab closed is recognised instead of sent twice. The instance id is
//! in the key so several CRM instances (or accounts) can tag one Google contact without clashing;
//! the value is the CRM's own id, verbatim. Google allows duplicate keys, and merging two contacts
//! in the Contacts UI concatenates their `clientData`, so one contact can carry our key twice:
//! [`crm_ids`] shows that case, [`crm_id`] takes the first. Reading is lenient (whitespace, the
//! prefix's case); writing replaces only our own entry and keeps everyone else's.

use super::wire::ClientData;

/// The prefix of our keys. Short, because clientData counts against the contact's size.
pub const KEY_PREFIX: &str = "gcsync:";

/// One CRM instance's link, as read from a `clientData` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    pub instance: String,
    pub crm_id: String,
}

/// The `clientData` key of a CRM instance.
pub fn key(instance: &str) -> String {
    format!("{KEY_PREFIX}{}", instance.trim())
}

/// The tag in one entry; `None` for other clients' entries and for ours with an empty part.
pub fn parse(entry: &ClientData) -> Option<Tag> {
    let key = entry.key.as_deref()?.trim();
    let prefix = key.get(..KEY_PREFIX.len())?;
    if !prefix.eq_ignore_ascii_case(KEY_PREFIX) {
        return None;
    }
    let instance = key[KEY_PREFIX.len()..].trim();
    let crm_id = entry.value.as_deref()?.trim();
    if instance.is_empty() || crm_id.is_empty() {
        return None;
    }
    Some(Tag {
        instance: instance.to_string(),
        crm_id: crm_id.to_string(),
    })
}

/// Every instance's tag, in order.
pub fn tags(data: &[ClientData]) -> Vec<Tag> {
    data.iter().filter_map(parse).collect()
}

/// The CRM contact id this instance tagged the contact with (the first, if several).
pub fn crm_id(data: &[ClientData], instance: &str) -> Option<String> {
    crm_ids(data, instance).into_iter().next()
}

/// Every distinct CRM contact id this instance's key carries: more than one means two tagged
/// contacts were merged in Google, which the matcher reports as ambiguous.
pub fn crm_ids(data: &[ClientData], instance: &str) -> Vec<String> {
    let instance = instance.trim();
    let mut ids: Vec<String> = Vec::new();
    for tag in tags(data).into_iter().filter(|t| t.instance == instance) {
        if !ids.contains(&tag.crm_id) {
            ids.push(tag.crm_id);
        }
    }
    ids
}

fn is_ours(entry: &ClientData, instance: &str) -> bool {
    // Entries with our key but an empty value count as ours too, so `set` cleans them up.
    entry.key.as_deref().is_some_and(|k| {
        let k = k.trim();
        k.get(..KEY_PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(KEY_PREFIX))
            && k[KEY_PREFIX.len()..].trim() == instance.trim()
    })
}

/// Tags the contact for `instance` with `crm_id`, replacing only this instance's entries (in
/// place, so the order of others' entries is kept). Returns whether anything changed, so an
/// already tagged contact costs no write.
pub fn set(data: &mut Vec<ClientData>, instance: &str, crm_id: &str) -> bool {
    let ours: Vec<usize> = (0..data.len())
        .filter(|&i| is_ours(&data[i], instance))
        .collect();
    if let [only] = ours[..] {
        if data[only].value.as_deref().map(str::trim) == Some(crm_id.trim()) {
            return false;
        }
    }
    let at = ours.first().copied().unwrap_or(data.len());
    data.retain(|e| !is_ours(e, instance));
    data.insert(
        at.min(data.len()),
        ClientData {
            key: Some(key(instance)),
            value: Some(crm_id.trim().to_string()),
            ..ClientData::default()
        },
    );
    true
}

/// Removes this instance's tag, keeping every other entry. Returns whether anything changed.
pub fn remove(data: &mut Vec<ClientData>, instance: &str) -> bool {
    let before = data.len();
    data.retain(|e| !is_ours(e, instance));
    data.len() != before
}

#[cfg(test)]
mod tests;
