//! Google profiles linked to contacts, and the `sources` read mask that merges them in.
//!
//! A contact whose email or phone belongs to a Google user is linked to that user's profile, and
//! unless a read asks for `READ_SOURCE_TYPE_CONTACT` alone, Google answers with the contact and
//! the profile merged: the profile's names, email addresses and photos follow the contact's own
//! items, each with `metadata.source` `{type: PROFILE, id}`, and `metadata.sources` lists the
//! PROFILE source after the CONTACT one. A client that reads those items as the contact's imports
//! the profile's data; one that writes them back is refused.
//!
//! A profile is stored beside its contact (in [`Account::profiles`], by contact id) as the JSON
//! text of each of its fields, like the contact itself. Reading a contact without a profile, or
//! with `sources` asking for the contact alone, is the contact's own rendering: the listing's
//! string concatenation stays as fast as it was. A merged person is built as a JSON tree from the
//! contact's rendering, so whatever the contact renders (metadata included) is kept.

use crate::account::Account;
use crate::emulator::{AccountId, Emulator, State};
use crate::error::{ApiError, ApiResult};
use crate::person::{self, Mask, StoredPerson, FIELDS, METADATA};
use crate::util::{b64, fnv};
use serde_json::{json, Value};

pub const READ_CONTACT: &str = "READ_SOURCE_TYPE_CONTACT";
pub const READ_PROFILE: &str = "READ_SOURCE_TYPE_PROFILE";

/// The fields a profile contributes.
const PROFILE_FIELDS: [&str; 3] = ["names", "emailAddresses", "photos"];

/// Item source types that belong to a profile, never to the contact a client writes.
const PROFILE_SOURCE_TYPES: [&str; 3] = ["PROFILE", "DOMAIN_PROFILE", "ACCOUNT"];

/// What a read returns of each person, from its `sources` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sources {
    /// `READ_SOURCE_TYPE_CONTACT` without `READ_SOURCE_TYPE_PROFILE`: the contact's own data.
    Contact,
    /// No `sources` (Google's default) or both: the contact with its profile merged in.
    ContactAndProfile,
}

impl Sources {
    /// Reads the repeated `sources` values (a value may also list several, comma-separated),
    /// whose enum values `api::validate` has checked against the document.
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> ApiResult<Self> {
        let (mut contact, mut profile, mut any) = (false, false, false);
        let parts = values
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty());
        for v in parts {
            contact |= v == READ_CONTACT;
            profile |= v == READ_PROFILE;
            any |= v != "READ_SOURCE_TYPE_UNSPECIFIED";
        }
        if profile && !contact {
            // The reference says so of otherContacts.list; the emulator holds every read to it.
            return Err(ApiError::invalid(
                "Specifying READ_SOURCE_TYPE_PROFILE without specifying READ_SOURCE_TYPE_CONTACT is not permitted.",
            ));
        }
        Ok(if profile || !any {
            Sources::ContactAndProfile
        } else {
            Sources::Contact
        })
    }

    /// The `sources` of a batch write's body (its post-mutate read).
    pub fn of_body(body: &Value) -> ApiResult<Self> {
        let values = body.get("sources").and_then(Value::as_array);
        Sources::parse(values.into_iter().flatten().filter_map(Value::as_str))
    }
}

/// A contact's Google profile: its source id and the JSON text of each field's items, already
/// carrying their PROFILE metadata.
#[derive(Debug, Clone)]
pub struct Profile {
    id: Box<str>,
    /// ([`FIELDS`] index, JSON text of the items), sorted by index.
    fields: Vec<(u8, Box<str>)>,
}

impl Profile {
    /// Reads a Person-shaped profile (`names`, `emailAddresses`, `photos`) for contact `id`.
    pub fn parse(contact: u64, v: &Value) -> ApiResult<Profile> {
        crate::api::validate::value(v, "Person", "profile", "")?;
        let obj = v.as_object().cloned().unwrap_or_default();
        if let Some(k) = obj.keys().find(|k| !PROFILE_FIELDS.contains(&k.as_str())) {
            return Err(ApiError::invalid(format!(
                "A profile holds only names, emailAddresses and photos, not \"{k}\"."
            )));
        }
        // Profile ids are 21-digit numbers, like the account ids of Google users.
        let id: Box<str> = format!("1{:020}", fnv(&["profile", &contact.to_string()])).into();
        let source = json!({"type": "PROFILE", "id": &*id});
        let text_fields = Mask(
            PROFILE_FIELDS
                .iter()
                .filter_map(|f| Mask::field(f))
                .fold(0, |m, i| m | 1 << i),
        );
        // Names and emails are enriched as a contact's are (displayName, formattedType).
        let mut fields: Vec<(u8, Value)> = person::normalize_fields(v, text_fields, contact)?
            .into_iter()
            .filter_map(|(i, t)| Some((i, serde_json::from_str(&t?).ok()?)))
            .collect();
        if let (Some(i), Some(photos)) = (Mask::field("photos"), v.get("photos")) {
            if photos.as_array().is_some_and(|a| !a.is_empty()) {
                fields.push((i as u8, photos.clone()));
            }
        }
        fields.sort_by_key(|(i, _)| *i);
        let fields = fields
            .into_iter()
            .map(|(i, mut items)| {
                for (n, item) in items.as_array_mut().into_iter().flatten().enumerate() {
                    let mut meta = json!({"sourcePrimary": n == 0, "source": source});
                    if FIELDS[usize::from(i)] == "emailAddresses" {
                        meta["verified"] = json!(true);
                    }
                    if let Some(o) = item.as_object_mut() {
                        o.insert("metadata".into(), meta);
                    }
                }
                (i, items.to_string().into_boxed_str())
            })
            .collect();
        Ok(Profile { id, fields })
    }

    /// The profile's entry in `metadata.sources`.
    fn source(&self) -> Value {
        let texts: Vec<&str> = self.fields.iter().map(|(_, t)| &**t).collect();
        json!({"type": "PROFILE", "id": &*self.id,
            "etag": format!("#{}", b64(&fnv(&texts).to_be_bytes())),
            "profileMetadata": {"objectType": "PERSON", "userTypes": ["GOOGLE_USER"]}})
    }

    /// The profile as the admin dump shows it: a Person with the profile's fields.
    fn to_json(&self) -> Value {
        let mut v = json!({"metadata": {"sources": [self.source()]}});
        for (i, text) in &self.fields {
            v[FIELDS[usize::from(*i)]] = serde_json::from_str(text).unwrap_or(Value::Null);
        }
        v
    }
}

/// Appends person `p` as a read with `sources` returns it to `out`.
/// `previous` are the names it had before a rename or a merge, which incremental listings name.
pub fn render(
    acct: &Account,
    p: &StoredPerson,
    mask: Mask,
    sources: Sources,
    previous: &[u64],
    out: &mut String,
) {
    match merged(acct, p, mask, sources) {
        Some(mut v) => {
            if mask.has(METADATA) && !previous.is_empty() {
                let names: Vec<String> = previous
                    .iter()
                    .map(|id| person::resource_name(*id))
                    .collect();
                v["metadata"]["previousResourceNames"] = json!(names);
            }
            out.push_str(&v.to_string())
        }
        None => p.render_renamed(mask, previous, out),
    }
}

/// Person `p` as a read with `sources` returns it.
pub fn to_json(acct: &Account, p: &StoredPerson, mask: Mask, sources: Sources) -> Value {
    merged(acct, p, mask, sources).unwrap_or_else(|| p.to_json(mask))
}

/// The contact merged with its profile, when the read asks for profiles and there is one.
fn merged(acct: &Account, p: &StoredPerson, mask: Mask, sources: Sources) -> Option<Value> {
    if sources == Sources::Contact || acct.profiles.is_empty() {
        return None;
    }
    let profile = acct.profiles.get(&p.id)?;
    let mut v = p.to_json(mask);
    if mask.has(METADATA) {
        let meta = &mut v["metadata"];
        if let Some(list) = meta["sources"].as_array_mut() {
            list.push(profile.source());
        }
        meta["objectType"] = json!("PERSON");
    }
    for (i, text) in &profile.fields {
        let i = usize::from(*i);
        if !mask.has(i) {
            continue;
        }
        let Ok(Value::Array(mut items)) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        match v.get_mut(FIELDS[i]).and_then(Value::as_array_mut) {
            Some(own) => own.append(&mut items),
            None => {
                // With no item of its own, the contact's primary item is the profile's first.
                if let Some(m) = items.first_mut().and_then(|f| f.get_mut("metadata")) {
                    m["primary"] = json!(true);
                }
                v[FIELDS[i]] = Value::Array(items);
            }
        }
    }
    Some(v)
}

/// Gives contact `resource_name` of account `a` a profile (`null` takes it away). The contact
/// changes: it gets a new etag and appears in incremental listings.
pub(crate) fn set(st: &mut State, a: usize, resource_name: &str, profile: &Value) -> ApiResult<()> {
    let id = person::parse_resource_name(resource_name).ok_or_else(|| {
        ApiError::invalid(format!(
            "Resource name \"{resource_name}\" is not a valid contact resource name."
        ))
    })?;
    let now = st.now();
    let acct = &mut st.accounts[a];
    if !acct.persons.contains_key(&id) {
        return Err(ApiError::not_found());
    }
    if profile.is_null() {
        acct.profiles.remove(&id);
    } else {
        acct.profiles.insert(id, Profile::parse(id, profile)?);
    }
    acct.touch(id, now);
    Ok(())
}

/// A seeded contact without its `profile` key, and that key's value.
pub fn split_seed(p: &Value) -> (Value, Option<Value>) {
    let mut contact = p.clone();
    let profile = contact.as_object_mut().and_then(|o| o.remove("profile"));
    (contact, profile)
}

/// Attaches a seeded contact's profile, already read with [`Profile::parse`].
pub fn attach(acct: &mut Account, id: u64, profile: Option<Value>) -> ApiResult<()> {
    if let Some(v) = profile.filter(|v| !v.is_null()) {
        acct.profiles.insert(id, Profile::parse(id, &v)?);
    }
    Ok(())
}

/// Refuses a written person that carries profile items in the fields `take` writes: Google keeps
/// a profile's data apart from the contact, and a client sending it back means to copy it in.
pub fn refuse_profile_items(person: &Value, take: Mask) -> ApiResult<()> {
    for (i, name) in FIELDS.iter().enumerate() {
        if !take.has(i) {
            continue;
        }
        let items = person.get(*name).and_then(Value::as_array);
        for (n, item) in items.into_iter().flatten().enumerate() {
            let kind = item
                .pointer("/metadata/source/type")
                .and_then(Value::as_str)
                .unwrap_or("");
            if PROFILE_SOURCE_TYPES.contains(&kind) {
                return Err(ApiError::invalid(format!(
                    "Invalid person. The value at \"{name}[{n}]\" comes from a {kind} source; only values of the contact source can be written."
                )));
            }
        }
    }
    Ok(())
}

/// A contact as the admin dump shows it: its own data, and its profile under `profile`.
pub fn dump_json(acct: &Account, p: &StoredPerson) -> Value {
    let mut v = p.to_json(Mask::ALL);
    // What the contact holds: Google's generated photo is not stored.
    if v.pointer("/photos/0/default") == Some(&Value::Bool(true)) {
        if let Some(o) = v.as_object_mut() {
            o.remove("photos");
        }
    }
    if let (Some(profile), Some(o)) = (acct.profiles.get(&p.id), v.as_object_mut()) {
        o.insert("profile".into(), profile.to_json());
    }
    v
}

impl Emulator {
    /// Links contact `resource_name` to a Google profile: Person-shaped JSON with `names`,
    /// `emailAddresses` and `photos`, merged into reads that do not ask for the contact alone.
    /// `Value::Null` unlinks it.
    pub fn set_profile(
        &self,
        account: AccountId,
        resource_name: &str,
        profile: Value,
    ) -> Result<(), ApiError> {
        let mut st = self.lock();
        if account.0 >= st.accounts.len() {
            return Err(ApiError::not_found());
        }
        set(&mut st, account.0, resource_name, &profile)
    }
}
