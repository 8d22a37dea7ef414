//! A host's custom contact fields (docs/sync-rules.md, "Custom fields").
//!
//! A host declares its custom fields in its capabilities ([`CustomField`]: a key, a label, a
//! type); the user maps each to a Google `userDefined` entry (by default the one whose key is the
//! field's label) with a direction ([`CustomSetting`], the settings' `customFields`). The two
//! together are the account's [`CustomTable`]: what is read from Google into
//! [`Contact::custom`](super::model::Contact::custom), keyed by the host's key, what the merge
//! settles key by key three-way (`super::merge`, [`Field::Custom`](super::model::Field::Custom)
//! changes naming the key), and what is written back. Values are text in a canonical form per
//! type ([`canonical`]), so the host's `12.50` and Google's `12.5` are one number.
//!
//! Only declared keys are read and written; Google's `userDefined` entries of other keys are
//! written back as they were, in their place.

use super::direction::FieldDirection;
use crate::people::wire::Person;
use crate::{json_enum, json_struct};
use serde_json::{json, Value};
use std::collections::BTreeMap;

json_enum! {
    /// What kind of value a custom field holds.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum CustomType {
        #[default]
        Text = "text",
        Number = "number",
        /// An ISO date, `YYYY-MM-DD`.
        Date = "date",
        /// One of the field's `choices`, by its label.
        Choice = "choice",
        Url = "url",
    }
}

json_struct! {
    /// A custom field a host declares in its capabilities' `customFields`.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct CustomField {
        /// The host's key for the field: how contacts carry its value (`custom: {key: value}`).
        pub key: String = "key",
        /// What the user calls it; the default Google `userDefined` key.
        pub label: String = "label",
        pub kind: CustomType = "type" [default],
        /// The labels a `choice` field offers.
        pub choices: Vec<String> = "choices" [skip_empty],
    }
}

json_struct! {
    #[json(default)]
    /// The user's mapping of one custom field (settings `customFields`, by the host's key).
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct CustomSetting {
        /// The Google `userDefined` key; empty: the field's label.
        pub google_key: String = "googleKey" [skip_empty],
        pub direction: FieldDirection = "direction" [default],
    }
}

/// One synced custom field: the host's declaration and the user's mapping of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomEntry<'a> {
    pub field: &'a CustomField,
    /// The Google `userDefined` key.
    pub google_key: &'a str,
    pub direction: FieldDirection,
}

/// The account's custom fields: the host's declarations (in its order) and the user's mapping
/// of them (a field the settings leave out goes to `userDefined` under its label, two-way).
#[derive(Clone, Copy, Debug)]
pub struct CustomTable<'a> {
    pub fields: &'a [CustomField],
    pub settings: &'a BTreeMap<String, CustomSetting>,
}

static NO_SETTINGS: BTreeMap<String, CustomSetting> = BTreeMap::new();

/// The table of a host declaring nothing.
pub const NONE: CustomTable<'static> = CustomTable {
    fields: &[],
    settings: &NO_SETTINGS,
};

impl<'a> CustomTable<'a> {
    pub fn new(fields: &'a [CustomField], settings: &'a BTreeMap<String, CustomSetting>) -> Self {
        CustomTable { fields, settings }
    }

    pub fn entries(&self) -> impl Iterator<Item = CustomEntry<'a>> + 'a {
        let settings = self.settings;
        self.fields.iter().map(move |field| {
            let s = settings.get(&field.key);
            let google_key = s
                .map(|s| s.google_key.trim())
                .filter(|k| !k.is_empty())
                .unwrap_or(field.label.trim());
            CustomEntry {
                field,
                google_key,
                direction: s.map(|s| s.direction).unwrap_or_default(),
            }
        })
    }

    pub fn entry(&self, key: &str) -> Option<CustomEntry<'a>> {
        self.entries().find(|e| e.field.key == key)
    }

    /// The direction of the field `key`; a key not declared is not synced.
    pub fn direction(&self, key: &str) -> FieldDirection {
        self.entry(key)
            .map_or(FieldDirection::NotSynced, |e| e.direction)
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The declared fields' directions that are not both ways, by key: what a run applies
    /// under, kept to tell a change of them at the next run.
    pub fn directions(&self) -> BTreeMap<String, FieldDirection> {
        (self.entries())
            .filter(|e| e.direction != FieldDirection::Both)
            .map(|e| (e.field.key.clone(), e.direction))
            .collect()
    }

    /// The declared fields whose direction is not the one last `applied`: the preview shows
    /// them and a run that writes waits for it.
    pub fn changes_from(
        &self,
        applied: &BTreeMap<String, FieldDirection>,
    ) -> Vec<super::direction::DirectionChange> {
        (self.entries())
            .filter_map(|e| {
                let before = applied.get(&e.field.key).copied().unwrap_or_default();
                (before != e.direction).then(|| super::direction::DirectionChange {
                    field: super::model::Field::Custom.as_str(),
                    key: e.field.key.clone(),
                    label: e.field.label.clone(),
                    before,
                    after: e.direction,
                })
            })
            .collect()
    }

    /// `custom` with only the keys that flow onto `side` (what a create there copies).
    pub fn create_on(
        &self,
        side: super::model::Side,
        custom: &BTreeMap<String, String>,
    ) -> BTreeMap<String, String> {
        custom
            .iter()
            .filter(|(k, _)| self.direction(k).writes(side))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// A value in its canonical text, by type: trimmed; a number without a plus sign, leading
/// zeros or trailing fractional zeros; a URL's scheme in lower case. A value the type cannot
/// read is kept as it is (trimmed): the sync carries it, the host's own validation judges it.
pub fn canonical(kind: CustomType, value: &str) -> String {
    let v = value.trim();
    match kind {
        CustomType::Number => number(v).unwrap_or_else(|| v.to_string()),
        CustomType::Url => match v.split_once("://") {
            Some((scheme, rest)) if scheme.chars().all(|c| c.is_ascii_alphabetic()) => {
                format!("{}://{rest}", scheme.to_ascii_lowercase())
            }
            _ => v.to_string(),
        },
        CustomType::Text | CustomType::Date | CustomType::Choice => v.to_string(),
    }
}

fn number(v: &str) -> Option<String> {
    let (neg, digits) = match v.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let is_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !is_digits(int) || !is_digits(frac) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let zero = int == "0" && frac.is_empty();
    let mut out = String::new();
    if neg && !zero {
        out.push('-');
    }
    out.push_str(int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

/// The `userDefined` entries of a person, as Google holds them (key, value, the entry itself).
fn entries(person: &Person) -> Vec<Value> {
    match person.other.get("userDefined") {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

fn text<'a>(item: &'a Value, name: &str) -> &'a str {
    item.get(name).and_then(Value::as_str).unwrap_or("")
}

/// The declared custom fields' values a person holds, by the host's key (the first entry of a
/// Google key wins; an empty value is absent).
pub fn read(person: &Person, table: CustomTable<'_>) -> BTreeMap<String, String> {
    let items = entries(person);
    let mut out = BTreeMap::new();
    for e in table.entries() {
        let found = items
            .iter()
            .find(|i| text(i, "key").trim() == e.google_key)
            .map(|i| canonical(e.field.kind, text(i, "value")))
            .filter(|v| !v.is_empty());
        if let Some(v) = found {
            out.insert(e.field.key.clone(), v);
        }
    }
    out
}

/// Writes the values of the custom fields `keys` from `custom` into `person`'s `userDefined`:
/// an existing entry of the Google key is rewritten in its place (or removed for an empty
/// value), a new one is appended; every other entry stays as it was. Whether it changed
/// anything.
pub fn write(
    person: &mut Person,
    custom: &BTreeMap<String, String>,
    keys: &[&str],
    table: CustomTable<'_>,
) -> bool {
    let mut items = entries(person);
    let before = items.clone();
    for key in keys {
        let Some(e) = table.entry(key) else { continue };
        let value = custom.get(*key).map(|v| v.trim()).unwrap_or("");
        let at = items
            .iter()
            .position(|i| text(i, "key").trim() == e.google_key);
        match (at, value.is_empty()) {
            (Some(i), true) => {
                items.remove(i);
            }
            (Some(i), false) => {
                if canonical(e.field.kind, text(&items[i], "value")) != value {
                    items[i]["value"] = Value::String(value.to_string());
                }
            }
            (None, true) => {}
            (None, false) => items.push(json!({"key": e.google_key, "value": value})),
        }
    }
    if items == before {
        return false;
    }
    if items.is_empty() {
        person.other.remove("userDefined");
    } else {
        person
            .other
            .insert("userDefined".to_string(), Value::Array(items));
    }
    true
}

#[cfg(test)]
mod tests;
