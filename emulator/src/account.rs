//! One Google account's data: contacts, tombstones, contact groups, and the change log that
//! sync tokens read.

use crate::error::{ApiError, ApiResult};
use crate::person::{self, Mask, StoredPerson};
use crate::util::{b64, fnv, rfc3339, Rng};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// System groups a contact may be added to; the others are deprecated and only lose members.
pub const ADDABLE_SYSTEM_GROUPS: [&str; 2] = ["myContacts", "starred"];
const SYSTEM_GROUPS: [(&str, &str); 6] = [
    ("myContacts", "My Contacts"),
    ("starred", "Starred"),
    ("friends", "Friends"),
    ("family", "Family"),
    ("coworkers", "Coworkers"),
    ("chatBuddies", "Chat contacts"),
];

/// An entry of the change log: the latest change of one contact, keyed by its sequence number.
#[derive(Debug, Clone, Copy)]
pub struct Change {
    pub id: u64,
    pub deleted: bool,
    pub ms: u64,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub system: bool,
    pub formatted: String,
    pub client_data: Vec<Value>,
    pub seq: u64,
    pub update_ms: u64,
}

#[derive(Debug, Clone)]
pub struct Account {
    /// The numeric id of the account's profile (`people/<id>`).
    pub profile_id: u64,
    pub email: String,
    pub display_name: String,
    pub persons: HashMap<u64, StoredPerson>,
    /// Google profiles linked to contacts, by contact id.
    pub profiles: HashMap<u64, crate::profile::Profile>,
    /// The bytes of the contacts' own photos, by the key in their URL.
    pub photos: HashMap<String, crate::photo::StoredPhoto>,
    /// seq → change; each contact (live or deleted) appears once, at its latest seq.
    pub changes: BTreeMap<u64, Change>,
    pub groups: Vec<Group>,
    /// The names a contact had before Google renamed or merged it, oldest first, by its current
    /// key (see `crate::rename`).
    pub previous: HashMap<u64, Vec<u64>>,
    /// Last write sequence number; strictly increasing.
    pub seq: u64,
}

impl Account {
    pub fn new(email: &str, profile_id: u64, now: u64) -> Self {
        let local = email.split('@').next().unwrap_or(email);
        let display_name = local
            .split(['.', '_', '-'])
            .filter(|p| !p.is_empty())
            .map(crate::util::formatted_type)
            .collect::<Vec<_>>()
            .join(" ");
        Account {
            profile_id,
            email: email.to_string(),
            display_name,
            persons: HashMap::new(),
            profiles: HashMap::new(),
            photos: HashMap::new(),
            changes: BTreeMap::new(),
            groups: SYSTEM_GROUPS
                .iter()
                .map(|(id, f)| Group {
                    id: id.to_string(),
                    name: id.to_string(),
                    system: true,
                    formatted: f.to_string(),
                    client_data: Vec::new(),
                    seq: 0,
                    update_ms: now,
                })
                .collect(),
            previous: HashMap::new(),
            seq: 0,
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn log(&mut self, old_seq: Option<u64>, change: Change) -> u64 {
        if let Some(s) = old_seq {
            self.changes.remove(&s);
        }
        let seq = self.next_seq();
        self.changes.insert(seq, change);
        seq
    }

    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    fn check_groups(&self, ids: &[String]) -> ApiResult<()> {
        for id in ids {
            match self.group(id) {
                Some(g) if !g.system || ADDABLE_SYSTEM_GROUPS.contains(&g.id.as_str()) => {}
                Some(_) => {
                    return Err(ApiError::invalid(format!(
                        "Cannot add contacts to deprecated system contact group: contactGroups/{id}"
                    )))
                }
                None => {
                    return Err(ApiError::invalid(format!(
                        "Contact group resource name is invalid: contactGroups/{id}"
                    )))
                }
            }
        }
        Ok(())
    }

    /// Validates and stores a new contact (the request body is already schema-checked).
    pub fn create(&mut self, body: &Value, rng: &mut Rng, now: u64) -> ApiResult<u64> {
        let mut id;
        loop {
            // Google's contact ids are large decimal numbers; keep 19 digits like theirs.
            id = 1_000_000_000_000_000_000 + rng.below(8_000_000_000_000_000_000);
            if !self.persons.contains_key(&id)
                && !self.changes.values().any(|c| c.id == id && c.deleted)
            {
                break;
            }
        }
        let fields = person::normalize_fields(body, Mask::ALL, id)?;
        let mut groups = person::requested_groups(body)?;
        self.check_groups(&groups)?;
        if groups.is_empty() {
            groups.push("myContacts".into());
        }
        let seq = self.log(
            None,
            Change {
                id,
                deleted: false,
                ms: now,
            },
        );
        let p = StoredPerson {
            id,
            seq,
            update_ms: now,
            groups: groups.into_iter().map(String::into_boxed_str).collect(),
            fields: fields
                .into_iter()
                .filter_map(|(i, t)| t.map(|t| (i, t)))
                .collect(),
        };
        self.persons.insert(id, p);
        Ok(id)
    }

    /// Checks an update without applying it, so batches can be all-or-nothing.
    pub fn check_update(&self, id: u64, body: &Value, mask: Mask, spurious: bool) -> ApiResult<()> {
        let p = self.persons.get(&id).ok_or_else(ApiError::not_found)?;
        let Some(etag) = person::request_etag(body) else {
            return Err(ApiError::invalid(
                "Request must set person.etag or person.metadata.sources.etag for the source that is being updated.",
            ));
        };
        if spurious || (etag != p.etag() && etag != person::source_etag(p.id, p.seq)) {
            return Err(ApiError::etag_mismatch());
        }
        if mask.has(person::MEMBERSHIPS) {
            let groups = person::requested_groups(body)?;
            if groups.is_empty() {
                return Err(ApiError::invalid(
                    "A contact must always have at least one contact group membership.",
                ));
            }
            self.check_groups(&groups)?;
        }
        person::normalize_fields(body, mask, id).map(|_| ())
    }

    /// Replaces the fields named by `mask` wholesale. Call [`Account::check_update`] first.
    pub fn apply_update(&mut self, id: u64, body: &Value, mask: Mask, now: u64) -> ApiResult<()> {
        let fields = person::normalize_fields(body, mask, id)?;
        let groups = if mask.has(person::MEMBERSHIPS) {
            Some(person::requested_groups(body)?)
        } else {
            None
        };
        let p = self.new_version(id, now).ok_or_else(ApiError::not_found)?;
        for (i, text) in fields {
            p.fields.retain(|(f, _)| *f != i);
            if let Some(t) = text {
                p.fields.push((i, t));
            }
        }
        p.fields.sort_by_key(|(i, _)| *i);
        if let Some(g) = groups {
            p.groups = g.into_iter().map(String::into_boxed_str).collect();
        }
        Ok(())
    }

    pub fn delete(&mut self, id: u64, now: u64) -> ApiResult<()> {
        let p = self.persons.remove(&id).ok_or_else(ApiError::not_found)?;
        self.log(
            Some(p.seq),
            Change {
                id,
                deleted: true,
                ms: now,
            },
        );
        Ok(())
    }

    /// Sets (`Some`) or clears field `i` of person `id` outside a contact write (a photo), as
    /// a new version. `false` if there is no such person.
    pub fn set_field(&mut self, id: u64, i: usize, text: Option<String>, now: u64) -> bool {
        let Some(p) = self.new_version(id, now) else {
            return false;
        };
        p.fields.retain(|(f, _)| usize::from(*f) != i);
        if let Some(t) = text {
            p.fields.push((i as u8, t.into_boxed_str()));
        }
        p.fields.sort_by_key(|(i, _)| *i);
        true
    }

    /// Records a change that is not a field write (a membership change) as a new version.
    pub fn touch(&mut self, id: u64, now: u64) {
        self.new_version(id, now);
    }

    /// Makes person `id` a new version written at `now` (the change log keeps only the newest)
    /// and returns it; `None` if there is no such person.
    fn new_version(&mut self, id: u64, now: u64) -> Option<&mut StoredPerson> {
        let old = self.persons.get(&id)?.seq;
        let seq = self.log(
            Some(old),
            Change {
                id,
                deleted: false,
                ms: now,
            },
        );
        let p = self.persons.get_mut(&id)?;
        p.seq = seq;
        p.update_ms = now;
        Some(p)
    }

    pub fn member_count(&self, group: &str) -> usize {
        self.persons
            .values()
            .filter(|p| p.groups.iter().any(|g| &**g == group))
            .count()
    }

    pub fn group_json(&self, g: &Group, fields: &[String], max_members: usize) -> Value {
        let mut v = json!({
            "resourceName": format!("contactGroups/{}", g.id),
            "etag": format!("{}", b64(&fnv(&[&g.id, &g.seq.to_string(), &g.name]).to_be_bytes())),
        });
        let want = |f: &str| fields.iter().any(|x| x == f);
        if want("metadata") {
            v["metadata"] = json!({"updateTime": rfc3339(g.update_ms)});
        }
        if want("groupType") {
            v["groupType"] = json!(if g.system {
                "SYSTEM_CONTACT_GROUP"
            } else {
                "USER_CONTACT_GROUP"
            });
        }
        if want("name") {
            v["name"] = json!(g.name);
            v["formattedName"] = json!(g.formatted);
        }
        if want("clientData") && !g.client_data.is_empty() {
            v["clientData"] = Value::Array(g.client_data.clone());
        }
        if want("memberCount") || max_members > 0 {
            let mut members: Vec<&StoredPerson> = self
                .persons
                .values()
                .filter(|p| p.groups.iter().any(|x| **x == *g.id))
                .collect();
            if want("memberCount") && !members.is_empty() {
                v["memberCount"] = json!(members.len());
            }
            if max_members > 0 && !members.is_empty() {
                members.sort_by_key(|p| p.seq);
                v["memberResourceNames"] = members
                    .iter()
                    .take(max_members)
                    .map(|p| Value::String(person::resource_name(p.id)))
                    .collect();
            }
        }
        v
    }

    /// The account's own profile, as `people/me` returns it.
    pub fn profile_json(&self, mask: Mask) -> Value {
        let src = json!({"type": "PROFILE", "id": self.profile_id.to_string()});
        let mut v = json!({
            "resourceName": format!("people/{}", self.profile_id),
            "etag": format!("%EgUBAj0DNy4aBAECBQciDHByb2ZpbGU{}", self.profile_id % 1000),
        });
        if mask.has(person::METADATA) {
            v["metadata"] = json!({"sources": [{"type": "PROFILE", "id": self.profile_id.to_string(),
                "etag": "#profile", "updateTime": rfc3339(0)}], "objectType": "PERSON"});
        }
        if mask.has(1) {
            let (given, family) = self
                .display_name
                .split_once(' ')
                .unwrap_or((self.display_name.as_str(), ""));
            v["names"] = json!([{"metadata": {"primary": true, "source": src},
                "displayName": self.display_name, "givenName": given, "familyName": family,
                "displayNameLastFirst": if family.is_empty() { given.to_string() } else { format!("{family}, {given}") },
                "unstructuredName": self.display_name}]);
        }
        if mask.has(3) {
            v["emailAddresses"] = json!([{"metadata": {"primary": true, "verified": true,
                "source": {"type": "ACCOUNT", "id": self.profile_id.to_string()}}, "value": self.email}]);
        }
        v
    }
}
