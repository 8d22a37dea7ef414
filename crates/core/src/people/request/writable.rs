//! The writable part of a person: what a create or update body carries.
//!
//! A person read from Google comes back with output-only values (`readOnly: true` in the
//! discovery document): display names, `canonicalForm`, `formattedType`, item `metadata.primary`,
//! `metadata.objectType`, photos… Google ignores them in a request, but a body that echoes them
//! says something we do not mean, so they are removed here. The tables below are the document's
//! output-only fields of `Person` and the types under it; a unit test walks the document to keep
//! them complete.

use super::RequestError;
use crate::people::wire::{Person, SOURCE_CONTACT};
use serde_json::{Map, Value};

/// Output-only fields of `Person` itself (`metadata` is handled apart: see [`Sources`]).
const PERSON: [&str; 7] = [
    "ageRange",
    "ageRanges",
    "coverPhotos",
    "photos",
    "relationshipInterests",
    "relationshipStatuses",
    "taglines",
];

/// Output-only keys of a field's items: (`field`, key), `*` for every field.
const ITEM: [(&str, &str); 7] = [
    ("*", "formattedType"),
    ("names", "displayName"),
    ("names", "displayNameLastFirst"),
    ("phoneNumbers", "canonicalForm"),
    ("genders", "formattedValue"),
    ("imClients", "formattedProtocol"),
    ("memberships", "domainMembership"),
];

/// Output-only keys of `FieldMetadata` and of the `Source` inside it.
const FIELD_METADATA: [&str; 2] = ["primary", "verified"];
const SOURCE: [&str; 2] = ["updateTime", "profileMetadata"];

/// What becomes of `person.metadata`, which is output-only as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sources {
    /// Dropped (a create).
    Drop,
    /// Only the CONTACT source's `type`, `id` and `etag` kept: Google checks an update's etag
    /// against the contact source's.
    KeepContactEtag,
}

/// `person` as a JSON object without its output-only values.
pub fn writable(person: &Person, sources: Sources) -> Result<Map<String, Value>, RequestError> {
    // Through the text rather than `serde_json::to_value`: the wasm then holds one serializer
    // per type (the text one) and one deserializer (`Value`'s), both needed anyway.
    let text = serde_json::to_string(person).map_err(|e| RequestError::Json(e.to_string()))?;
    let mut map = match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => map,
        Ok(_) => Map::new(),
        Err(e) => return Err(RequestError::Json(e.to_string())),
    };
    let metadata = map.remove("metadata");
    if sources == Sources::KeepContactEtag {
        if let Some(m) = metadata.as_ref().and_then(contact_source_metadata) {
            map.insert("metadata".into(), m);
        }
    }
    map.retain(|k, _| !PERSON.contains(&k.as_str()));
    for (field, items) in map.iter_mut() {
        let Value::Array(items) = items else {
            continue;
        };
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            item.retain(|k, _| {
                !ITEM
                    .iter()
                    .any(|(f, key)| (*f == "*" || f == field) && key == k)
            });
            if let Some(Value::Object(m)) = item.get_mut("metadata") {
                m.retain(|k, _| !FIELD_METADATA.contains(&k.as_str()));
                if let Some(Value::Object(s)) = m.get_mut("source") {
                    s.retain(|k, _| !SOURCE.contains(&k.as_str()));
                }
            }
            // `contactGroupId` is output only; `contactGroupResourceName` names the group.
            if let Some(Value::Object(g)) = item.get_mut("contactGroupMembership") {
                g.remove("contactGroupId");
            }
        }
    }
    Ok(map)
}

/// `{"sources": [{type, id, etag}]}` of the CONTACT sources of `metadata`, if it has any.
fn contact_source_metadata(metadata: &Value) -> Option<Value> {
    let kept: Vec<Value> = metadata
        .get("sources")?
        .as_array()?
        .iter()
        .filter(|s| s.get("type").and_then(Value::as_str) == Some(SOURCE_CONTACT))
        .filter_map(Value::as_object)
        .map(|s| {
            let mut out = s.clone();
            out.retain(|k, _| matches!(k.as_str(), "type" | "id" | "etag"));
            Value::Object(out)
        })
        .collect();
    if kept.is_empty() {
        return None;
    }
    let mut m = Map::new();
    m.insert("sources".into(), Value::Array(kept));
    Some(Value::Object(m))
}
