//! Google renaming and merging contacts.
//!
//! Google gives a contact a new resource name when it links the contact to a Google profile
//! (`people/<21 digits>`), and when the user merges two contacts in Google Contacts ("Merge &
//! fix"), usually under a new contact id (`people/c<19 digits>`). Incremental (`syncToken`)
//! listings name the old ones in `metadata.previousResourceNames`; full listings, `people.get`
//! and `getBatchGet` do not, and the old names answer 404 from then on.
//!
//! A contact's storage key is its resource name in numbers ([`resource_name`]), so a
//! rename moves the contact to a new key: its old change-log entry goes (a rename is no deletion,
//! so no tombstone), and its new version is a change, listed as such. The account keeps the old
//! keys in `Account::previous` (a renamed contact deleted later keeps them: its tombstone lists
//! them, so a client that missed the rename still finds the contact it deleted). A merge leaves
//! the merged contact a tombstone, and the survivor
//! holds both contacts' data: list items of both without repeats, singletons (names, birthdays,
//! biographies, genders) the survivor's where it has one, `clientData` and memberships of both.

use crate::account::Account;
use crate::error::{ApiError, ApiResult};
use crate::person::{self, Mask, StoredPerson, FIELDS};
use crate::util::Rng;
use serde_json::{Map, Value};

/// The key bit that marks a contact named in Google's profile-linked form (`people/<21 digits>`)
/// rather than the contact form (`people/c<19 digits>`).
pub const PROFILE_FORM: u64 = 1 << 63;

/// The key of a well-formed resource name the emulator cannot have issued (too many digits,
/// another digit count): no contact has it, so it answers 404 like any unknown contact.
const NEVER_ISSUED: u64 = u64::MAX;

/// The resource name of the contact stored under key `id`.
pub fn resource_name(id: u64) -> String {
    if id & PROFILE_FORM != 0 {
        // 21 digits: a 1, then the key's other bits in 20.
        format!("people/1{:020}", id & !PROFILE_FORM)
    } else {
        format!("people/c{id}")
    }
}

/// Parses a person's resource name into its key: `people/c<digits>` (a contact) or
/// `people/<digits>` (a contact linked to a profile, 21 digits at Google).
pub fn parse_resource_name(name: &str) -> Option<u64> {
    let rest = name.strip_prefix("people/")?;
    let (contact, digits) = match rest.strip_prefix('c') {
        Some(d) => (true, d),
        None => (false, rest),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if contact {
        let n: u64 = digits.parse().ok()?;
        return Some(if n & PROFILE_FORM == 0 {
            n
        } else {
            NEVER_ISSUED
        });
    }
    let key = digits
        .strip_prefix('1')
        .filter(|d| d.len() == 20)
        .and_then(|d| d.parse::<u64>().ok())
        .filter(|n| n & PROFILE_FORM == 0)
        .map_or(NEVER_ISSUED, |n| n | PROFILE_FORM);
    Some(key)
}

/// The form of a resource name Google gives a renamed contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameForm {
    /// A new contact id: `people/c<19 digits>`.
    Contact,
    /// Linked to a Google profile: `people/<21 digits>`.
    Profile,
}

impl NameForm {
    /// `contact` or `profile`, as the admin API names them.
    pub fn parse(s: &str) -> Option<NameForm> {
        match s {
            "contact" => Some(NameForm::Contact),
            "profile" => Some(NameForm::Profile),
            _ => None,
        }
    }
}

/// Fields of which a contact holds one value: a merge keeps the survivor's.
const SINGLETONS: [&str; 4] = ["names", "birthdays", "biographies", "genders"];

impl Account {
    /// Gives contact `id` a new name of `form`; returns its new key.
    pub fn rename(&mut self, id: u64, form: NameForm, rng: &mut Rng, now: u64) -> ApiResult<u64> {
        if !self.persons.contains_key(&id) {
            return Err(ApiError::not_found());
        }
        let new = self.fresh_key(form, rng);
        self.rekey(id, new, now)?;
        Ok(new)
    }

    /// Merges contact `merged` into `survivor`, which takes a new contact name when `new_name`;
    /// returns the survivor's key.
    pub fn merge(
        &mut self,
        survivor: u64,
        merged: u64,
        new_name: bool,
        rng: &mut Rng,
        now: u64,
    ) -> ApiResult<u64> {
        if survivor == merged {
            return Err(ApiError::invalid("A contact cannot be merged with itself."));
        }
        let (Some(s), Some(m)) = (self.persons.get(&survivor), self.persons.get(&merged)) else {
            return Err(ApiError::not_found());
        };
        let fields = union_fields(s, m)?;
        let mut groups = s.groups.clone();
        for g in &m.groups {
            if !groups.contains(g) {
                groups.push(g.clone());
            }
        }
        self.delete(merged, now)?;
        // The survivor keeps its own profile, else takes the merged contact's.
        if let Some(profile) = self.profiles.remove(&merged) {
            self.profiles.entry(survivor).or_insert(profile);
        }
        let mut gone = self.previous.remove(&merged).unwrap_or_default();
        gone.push(merged);
        let key = if new_name {
            let new = self.fresh_key(NameForm::Contact, rng);
            self.rekey(survivor, new, now)?;
            new
        } else {
            self.touch(survivor, now);
            survivor
        };
        self.previous.entry(key).or_default().extend(gone);
        let p = self.persons.get_mut(&key).ok_or_else(ApiError::not_found)?;
        p.fields = restamped(fields, key)?;
        p.groups = groups;
        Ok(key)
    }

    /// The names contact `id` had before, oldest first.
    pub fn previous_names(&self, id: u64) -> &[u64] {
        self.previous.get(&id).map_or(&[], Vec::as_slice)
    }

    /// A key no contact has had, of `form`.
    fn fresh_key(&self, form: NameForm, rng: &mut Rng) -> u64 {
        loop {
            // 19 digits, as Google's contact ids; under the profile bit either way.
            let n = 1_000_000_000_000_000_000 + rng.below(8_000_000_000_000_000_000);
            let key = match form {
                NameForm::Contact => n,
                NameForm::Profile => n | PROFILE_FORM,
            };
            let used = self.persons.contains_key(&key)
                || self.previous.values().flatten().any(|&k| k == key)
                || self.changes.values().any(|c| c.id == key);
            if !used {
                return key;
            }
        }
    }

    /// Moves contact `old` to key `new` as a new version, remembering the old name.
    fn rekey(&mut self, old: u64, new: u64, now: u64) -> ApiResult<()> {
        let mut p = self.persons.remove(&old).ok_or_else(ApiError::not_found)?;
        // Item metadata names the contact source by its id: stamped again for the new one.
        p.fields = restamped(std::mem::take(&mut p.fields), new)?;
        p.id = new;
        self.persons.insert(new, p);
        // A Google profile linked to the contact stays linked under its new name.
        if let Some(profile) = self.profiles.remove(&old) {
            self.profiles.insert(new, profile);
        }
        let mut names = self.previous.remove(&old).unwrap_or_default();
        names.push(old);
        self.previous.insert(new, names);
        // The new version takes the place of the old one's change-log entry.
        self.touch(new, now);
        Ok(())
    }
}

/// The fields of `s` and `m` merged: list items of both, the first of equal ones kept; a
/// singleton from `s` when it has one, else from `m`.
fn union_fields(s: &StoredPerson, m: &StoredPerson) -> ApiResult<Vec<(u8, Box<str>)>> {
    let mut out = Vec::new();
    for (i, name) in FIELDS.iter().enumerate() {
        let (a, b) = (items(s.field(i))?, items(m.field(i))?);
        let merged: Vec<Value> = if SINGLETONS.contains(name) {
            a.into_iter().chain(b).take(1).collect()
        } else {
            let mut all: Vec<Value> = Vec::new();
            for item in a.into_iter().chain(b) {
                if !all.iter().any(|x| same_item(name, x, &item)) {
                    all.push(item);
                }
            }
            all
        };
        if !merged.is_empty() {
            out.push((i as u8, Value::Array(merged).to_string().into_boxed_str()));
        }
    }
    Ok(out)
}

/// A stored field's items; none for a field the contact does not have.
fn items(text: Option<&str>) -> ApiResult<Vec<Value>> {
    match text {
        None => Ok(Vec::new()),
        Some(t) => match serde_json::from_str(t) {
            Ok(Value::Array(v)) => Ok(v),
            _ => Err(ApiError::new(
                500,
                "INTERNAL",
                "A stored field is not an array.",
            )),
        },
    }
}

/// Whether two items of field `name` say the same: emails by address, phones by number, others
/// by their values with Google's metadata left out.
fn same_item(name: &str, a: &Value, b: &Value) -> bool {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    match name {
        "emailAddresses" => {
            text(a, "value").trim().to_lowercase() == text(b, "value").trim().to_lowercase()
        }
        "phoneNumbers" => {
            let key = |v: &Value| match v.get("canonicalForm").and_then(Value::as_str) {
                Some(c) => c.to_string(),
                None => text(v, "value")
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect(),
            };
            key(a) == key(b)
        }
        _ => without_metadata(a) == without_metadata(b),
    }
}

fn without_metadata(v: &Value) -> Map<String, Value> {
    let mut o = v.as_object().cloned().unwrap_or_default();
    o.remove("metadata");
    o
}

/// Fields normalized again for contact `id`, as a write would store them: item metadata (the
/// primary flag, the source id) and the values Google derives.
fn restamped(fields: Vec<(u8, Box<str>)>, id: u64) -> ApiResult<Vec<(u8, Box<str>)>> {
    let mut body = Map::new();
    let mut mask = Mask(0);
    for (i, text) in &fields {
        let name = FIELDS[usize::from(*i)];
        body.insert(name.to_string(), Value::Array(items(Some(text))?));
        mask.0 |= 1 << i;
    }
    let normalized = person::normalize_fields(&Value::Object(body), mask, id)?;
    Ok(normalized
        .into_iter()
        .filter_map(|(i, t)| t.map(|t| (i, t)))
        .collect())
}

impl crate::emulator::State {
    /// Renames contact `name` of account `a`; returns its new resource name.
    pub fn rename_contact(&mut self, a: usize, name: &str, form: NameForm) -> ApiResult<String> {
        let now = self.now();
        let id = contact_key(name)?;
        let acct = self.accounts.get_mut(a).ok_or_else(ApiError::not_found)?;
        acct.rename(id, form, &mut self.rng, now)
            .map(person::resource_name)
    }

    /// Merges contact `merged` into `survivor` in account `a`; returns the survivor's resource
    /// name, a new one when `new_name`.
    pub fn merge_contacts(
        &mut self,
        a: usize,
        survivor: &str,
        merged: &str,
        new_name: bool,
    ) -> ApiResult<String> {
        let now = self.now();
        let (s, m) = (contact_key(survivor)?, contact_key(merged)?);
        let acct = self.accounts.get_mut(a).ok_or_else(ApiError::not_found)?;
        acct.merge(s, m, new_name, &mut self.rng, now)
            .map(person::resource_name)
    }
}

fn contact_key(name: &str) -> ApiResult<u64> {
    person::parse_resource_name(name).ok_or_else(|| {
        ApiError::invalid(format!(
            "Resource name \"{name}\" is not a valid contact resource name."
        ))
    })
}

/// `POST /__admin/rename {email, resourceName, form}` and `POST /__admin/merge {email, survivor,
/// merged, newName?}` (a new name unless `newName` is false): both answer `{resourceName}`.
pub fn admin(
    st: &mut crate::emulator::State,
    path: &str,
    b: &Value,
    req: &crate::http::Request,
) -> crate::http::Response {
    use crate::admin::{account_of, err};
    let a = match account_of(st, b, req) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let text = |k: &str| b.get(k).and_then(Value::as_str).unwrap_or("");
    let done = if path == "rename" {
        let Some(form) = NameForm::parse(text("form")) else {
            return err(400, "form must be contact or profile");
        };
        st.rename_contact(a, text("resourceName"), form)
    } else {
        let new_name = b.get("newName").and_then(Value::as_bool).unwrap_or(true);
        st.merge_contacts(a, text("survivor"), text("merged"), new_name)
    };
    match done {
        Ok(rn) => crate::http::Response::json(200, &serde_json::json!({ "resourceName": rn })),
        Err(e) => e.into_response(),
    }
}
