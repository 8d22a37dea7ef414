//! Persons: the server-set data Google adds on write, and compact storage. (Requests are checked
//! against the discovery document in `api::validate` before they get here.)
//!
//! A stored person keeps each field as the JSON text of its array, already normalized and with
//! its item metadata, so listing 1,000 contacts is string concatenation rather than tree
//! building, and 25,000 contacts fit in a few tens of megabytes.

use crate::api::validate::strip_read_only;
use crate::discovery::doc;
use crate::error::{ApiError, ApiResult};
use crate::util::{b64, fnv, formatted_type, rfc3339};
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

/// Valid `personFields` paths, in the order fields are rendered.
pub const FIELDS: [&str; 29] = [
    "metadata",
    "names",
    "nicknames",
    "emailAddresses",
    "phoneNumbers",
    "addresses",
    "birthdays",
    "events",
    "organizations",
    "occupations",
    "biographies",
    "genders",
    "urls",
    "imClients",
    "sipAddresses",
    "relations",
    "externalIds",
    "userDefined",
    "clientData",
    "calendarUrls",
    "interests",
    "locales",
    "locations",
    "miscKeywords",
    "skills",
    "ageRanges",
    "photos",
    "coverPhotos",
    "memberships",
];

/// The fields a write stores: `updatePersonFields`' valid paths in the discovery document
/// (output-only fields such as `photos` and `metadata` are not among them).
fn update_fields() -> &'static [String] {
    static F: OnceLock<Vec<String>> = OnceLock::new();
    F.get_or_init(|| {
        doc()
            .method("people.people.updateContact")
            .and_then(|m| m.parameters.get("updatePersonFields"))
            .and_then(|p| p.mask_paths())
            .map(|v| v.into_iter().map(str::to_string).collect())
            .unwrap_or_default()
    })
}

/// "This field is a singleton for contact sources."
const SINGLETONS: [&str; 4] = ["names", "birthdays", "biographies", "genders"];

pub const METADATA: usize = 0;
pub const MEMBERSHIPS: usize = 28;

/// A set of [`FIELDS`] indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mask(pub u64);

impl Mask {
    pub const ALL: Mask = Mask((1 << FIELDS.len()) - 1);
    pub fn has(self, i: usize) -> bool {
        self.0 & (1 << i) != 0
    }
    pub fn field(name: &str) -> Option<usize> {
        FIELDS.iter().position(|f| *f == name)
    }
}

/// The mask of a field-mask value whose paths `api::validate` has checked against the
/// discovery document. `requestMask.includeField` paths carry a `person.` prefix.
pub fn mask_of(value: Option<&str>) -> Mask {
    let mut mask = Mask(0);
    for path in value.unwrap_or("").split(',').map(str::trim) {
        let name = path.strip_prefix("person.").unwrap_or(path);
        if let Some(i) = Mask::field(name) {
            mask.0 |= 1 << i;
        }
    }
    mask
}

// ---------------------------------------------------------------------------------------------
// Storage

/// One contact. `seq` is the account-wide write number of its last change; etags derive from it,
/// so every write changes them.
#[derive(Debug, Clone)]
pub struct StoredPerson {
    pub id: u64,
    pub seq: u64,
    pub update_ms: u64,
    /// Contact group ids (`myContacts`, `starred`, or a user group's id).
    pub groups: Vec<Box<str>>,
    /// ([`FIELDS`] index, JSON text of the normalized array), sorted by index.
    pub fields: Vec<(u8, Box<str>)>,
}

pub use crate::rename::{parse_resource_name, resource_name};

pub fn person_etag(id: u64, seq: u64) -> String {
    let mut bytes = Vec::with_capacity(20);
    bytes.extend_from_slice(&[0x01, 0x02, 0x03, 0x04]);
    bytes.extend_from_slice(&fnv(&[&id.to_string(), &seq.to_string()]).to_be_bytes());
    bytes.extend_from_slice(&seq.to_be_bytes());
    format!("%Eg{}", b64(&bytes))
}

pub fn source_etag(id: u64, seq: u64) -> String {
    format!(
        "#{}",
        b64(&fnv(&[&seq.to_string(), &id.to_string()]).to_be_bytes())
    )
}

fn source_json(id: u64, seq: u64, update_ms: u64) -> String {
    format!(
        r##"{{"type":"CONTACT","id":"{id:x}","etag":"{}","updateTime":"{}"}}"##,
        source_etag(id, seq),
        rfc3339(update_ms)
    )
}

impl StoredPerson {
    pub fn field(&self, i: usize) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| usize::from(*f) == i)
            .map(|(_, s)| &**s)
    }

    pub fn etag(&self) -> String {
        person_etag(self.id, self.seq)
    }

    /// Appends the person's JSON, restricted to `mask`, to `out`.
    pub fn render(&self, mask: Mask, out: &mut String) {
        self.render_renamed(mask, &[], out);
    }

    /// As [`StoredPerson::render`], with `metadata.previousResourceNames` listing the keys of
    /// `previous` (the names it had before a rename or a merge) when there are any.
    pub fn render_renamed(&self, mask: Mask, previous: &[u64], out: &mut String) {
        use std::fmt::Write;
        let _ = write!(
            out,
            r#"{{"resourceName":"{}","etag":"{}""#,
            resource_name(self.id),
            self.etag()
        );
        if mask.has(METADATA) {
            let _ = write!(
                out,
                r#","metadata":{{"sources":[{}]"#,
                source_json(self.id, self.seq, self.update_ms)
            );
            if !previous.is_empty() {
                out.push_str(r#","previousResourceNames":["#);
                for (n, id) in previous.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, r#""{}""#, resource_name(*id));
                }
                out.push(']');
            }
            out.push_str(r#","objectType":"PERSON"}"#);
        }
        for (i, text) in &self.fields {
            if mask.has(usize::from(*i)) {
                out.push_str(",\"");
                out.push_str(FIELDS[usize::from(*i)]);
                out.push_str("\":");
                out.push_str(text);
            }
        }
        if crate::photo::wants_default(self, mask) {
            out.push_str(r#","photos":"#);
            out.push_str(&crate::photo::default_photo(self.id));
        }
        if mask.has(MEMBERSHIPS) && !self.groups.is_empty() {
            out.push_str(r#","memberships":["#);
            for (n, g) in self.groups.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                let _ = write!(
                    out,
                    r#"{{"metadata":{{"source":{{"type":"CONTACT","id":"{:x}"}}}},"contactGroupMembership":{{"contactGroupId":"{g}","contactGroupResourceName":"contactGroups/{g}"}}}}"#,
                    self.id
                );
            }
            out.push(']');
        }
        out.push('}');
    }

    pub fn to_json(&self, mask: Mask) -> Value {
        let mut s = String::new();
        self.render(mask, &mut s);
        // Rendering writes valid JSON by construction.
        serde_json::from_str(&s).unwrap_or(Value::Null)
    }
}

/// How a deleted contact appears in an incremental listing, with the names it had before a
/// rename (`previous`), as a listed contact has them.
pub fn render_tombstone(id: u64, seq: u64, ms: u64, previous: &[u64], out: &mut String) {
    use std::fmt::Write;
    let _ = write!(
        out,
        r#"{{"resourceName":"{}","etag":"{}","metadata":{{"sources":[{}],"#,
        resource_name(id),
        person_etag(id, seq),
        source_json(id, seq, ms)
    );
    if !previous.is_empty() {
        let names: Vec<String> = previous
            .iter()
            .map(|id| format!(r#""{}""#, resource_name(*id)))
            .collect();
        let _ = write!(out, r#""previousResourceNames":[{}],"#, names.join(","));
    }
    out.push_str(r#""objectType":"PERSON","deleted":true}}"#);
}

// ---------------------------------------------------------------------------------------------
// Normalization: what Google adds to a written person

/// The etag a write request carries: top-level `etag` or the contact source's etag.
pub fn request_etag(person: &Value) -> Option<&str> {
    if let Some(e) = person.get("etag").and_then(Value::as_str) {
        return Some(e);
    }
    person
        .pointer("/metadata/sources")?
        .as_array()?
        .iter()
        .find(|s| {
            s.get("type")
                .and_then(Value::as_str)
                .is_none_or(|t| t == "CONTACT")
        })?
        .get("etag")?
        .as_str()
}

/// Normalized field texts for the fields of `person` selected by `take`; a field selected but
/// absent or empty comes back as `None` (to be cleared). Output-only values the request carries
/// (`canonicalForm`, `formattedType`, `metadata.primary`…) are dropped: the server sets its own.
pub fn normalize_fields(
    person: &Value,
    take: Mask,
    id: u64,
) -> ApiResult<Vec<(u8, Option<Box<str>>)>> {
    let person_schema = doc().schema("Person");
    let writable = update_fields();
    let mut out = Vec::new();
    for (i, name) in FIELDS.iter().enumerate() {
        if !take.has(i) || !writable.iter().any(|w| w == name) || i == MEMBERSHIPS {
            continue;
        }
        let items = person.get(*name).and_then(Value::as_array);
        let items = match items {
            Some(a) if !a.is_empty() => a,
            _ => {
                out.push((i as u8, None));
                continue;
            }
        };
        if items.len() > 1 && SINGLETONS.contains(name) {
            return Err(ApiError::invalid(format!(
                "Invalid person. The field \"{name}\" is a singleton for contact sources; only one value may be set."
            )));
        }
        // The schema of the field's items, whose output-only keys are dropped from each copy.
        let item_schema = person_schema
            .and_then(|s| s.properties.get(*name))
            .and_then(|p| p.items.as_deref())
            .and_then(|p| p.reference.as_deref());
        let mut arr = Vec::with_capacity(items.len());
        for (n, item) in items.iter().enumerate() {
            let mut item = Value::Object(item.as_object().cloned().unwrap_or_default());
            if let Some(schema) = item_schema {
                strip_read_only(&mut item, schema);
            }
            let Value::Object(mut obj) = item else {
                continue;
            };
            obj.insert(
                "metadata".into(),
                json!({"primary": n == 0, "source": {"type": "CONTACT", "id": format!("{id:x}")}}),
            );
            if *name != "clientData" {
                enrich(name, &mut obj);
            }
            arr.push(Value::Object(obj));
        }
        out.push((
            i as u8,
            Some(Value::Array(arr).to_string().into_boxed_str()),
        ));
    }
    Ok(out)
}

fn s<'a>(obj: &'a Map<String, Value>, k: &str) -> &'a str {
    obj.get(k).and_then(Value::as_str).unwrap_or("")
}

fn enrich(field: &str, obj: &mut Map<String, Value>) {
    if let Some(t) = obj
        .get("type")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
    {
        let ft = formatted_type(t);
        obj.insert("formattedType".into(), Value::String(ft));
    } else {
        obj.remove("formattedType");
    }
    match field {
        "names" => {
            let parts: Vec<&str> = [
                "honorificPrefix",
                "givenName",
                "middleName",
                "familyName",
                "honorificSuffix",
            ]
            .iter()
            .map(|k| s(obj, k))
            .filter(|v| !v.is_empty())
            .collect();
            let display = if parts.is_empty() {
                s(obj, "unstructuredName").to_string()
            } else {
                parts.join(" ")
            };
            let (given, family) = (s(obj, "givenName"), s(obj, "familyName"));
            let first: Vec<&str> = [given, s(obj, "middleName")]
                .into_iter()
                .filter(|v| !v.is_empty())
                .collect();
            let last_first = match (family.is_empty(), first.is_empty()) {
                (false, false) => format!("{family}, {}", first.join(" ")),
                (false, true) => family.to_string(),
                _ => display.clone(),
            };
            if !obj.contains_key("unstructuredName") && !display.is_empty() {
                obj.insert("unstructuredName".into(), Value::String(display.clone()));
            }
            obj.insert("displayName".into(), Value::String(display));
            obj.insert("displayNameLastFirst".into(), Value::String(last_first));
        }
        "phoneNumbers" => match canonical_phone(s(obj, "value")) {
            Some(c) => {
                obj.insert("canonicalForm".into(), Value::String(c));
            }
            None => {
                obj.remove("canonicalForm");
            }
        },
        "addresses" if s(obj, "formattedValue").is_empty() => {
            let line2: Vec<&str> = ["city", "region", "postalCode"]
                .iter()
                .map(|k| s(obj, k))
                .filter(|v| !v.is_empty())
                .collect();
            let lines: Vec<String> = [
                s(obj, "poBox").to_string(),
                s(obj, "streetAddress").to_string(),
                s(obj, "extendedAddress").to_string(),
                line2.join(" "),
                s(obj, "country").to_string(),
            ]
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect();
            obj.insert("formattedValue".into(), Value::String(lines.join("\n")));
        }
        "genders" => {
            let v = formatted_type(s(obj, "value"));
            obj.insert("formattedValue".into(), Value::String(v));
        }
        "biographies" if s(obj, "contentType").is_empty() => {
            obj.insert("contentType".into(), Value::String("TEXT_PLAIN".into()));
        }
        "imClients" => {
            let p = s(obj, "protocol").to_string();
            if !p.is_empty() {
                obj.insert(
                    "formattedProtocol".into(),
                    Value::String(formatted_type(&p)),
                );
            }
        }
        _ => {}
    }
}

/// E.164 form of a phone number. Numbers without a country code are read in the account's
/// region, which the emulator fixes to the United States.
pub fn canonical_phone(value: &str) -> Option<String> {
    let main = value.split(['x', ';', ',']).next().unwrap_or("").trim();
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    if main.starts_with('+') {
        return (8..=15)
            .contains(&digits.len())
            .then(|| format!("+{digits}"));
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return (8..=15).contains(&rest.len()).then(|| format!("+{rest}"));
    }
    match digits.len() {
        10 if !digits.starts_with(['0', '1']) => Some(format!("+1{digits}")),
        11 if digits.starts_with('1') => Some(format!("+{digits}")),
        _ => None,
    }
}

/// Group resource names a written person asks to belong to.
pub fn requested_groups(person: &Value) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    for m in person
        .get("memberships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let rn = m
            .pointer("/contactGroupMembership/contactGroupResourceName")
            .and_then(Value::as_str)
            .map(str::to_string);
        match rn.as_deref().and_then(|r| r.strip_prefix("contactGroups/")) {
            Some(id) if !id.is_empty() => {
                if !out.iter().any(|g| g == id) {
                    out.push(id.to_string())
                }
            }
            _ => return Err(ApiError::invalid(
                "Invalid membership: contactGroupMembership.contactGroupResourceName must be set.",
            )),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
