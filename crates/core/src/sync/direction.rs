//! Which way each field flows (docs/sync-rules.md, "Direction per field").
//!
//! Each synced field is two-way (the default), CRM → Google only, Google → CRM only, or not
//! synced. The merge (`crate::sync::merge`) reads the direction of each field it settles:
//! - a one-way field is written only on its receiving side. Its source side's edit goes across;
//!   the receiving side's own edit stays where it is, neither copied back nor overwritten, until
//!   the source side changes the same value. Both sides edited is no conflict: the source wins.
//! - a field that is not synced is written on neither side and its base keeps the value it had,
//!   so turning it on again merges the edits made meanwhile three-way, as conflicts if need be.
//!
//! Creates copy only the fields that flow their way. A change of the directions is itself
//! previewed: the plan lists it ([`DirectionChange`]), and a run that writes without applying a
//! preview refuses to until a preview under the new directions was applied (the state keeps the
//! directions last applied).

use super::model::{Contact, Field, Side};
use crate::json::ts::{Dir, Prop, Ts, TsType};
use crate::json::{self, FromJson, IsEmpty};
use crate::json_enum;
use serde::ser::SerializeMap;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

json_enum! {
    /// Which way one field flows.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub enum FieldDirection {
        #[default]
        Both = "both",
        CrmToGoogle = "crmToGoogle",
        GoogleToCrm = "googleToCrm",
        NotSynced = "notSynced",
    }
}

impl FieldDirection {
    pub const ALL: [FieldDirection; 4] = [
        FieldDirection::Both,
        FieldDirection::CrmToGoogle,
        FieldDirection::GoogleToCrm,
        FieldDirection::NotSynced,
    ];

    /// Whether the field may be written on `side`.
    pub fn writes(self, side: Side) -> bool {
        match self {
            FieldDirection::Both => true,
            FieldDirection::CrmToGoogle => side == Side::Google,
            FieldDirection::GoogleToCrm => side == Side::Crm,
            FieldDirection::NotSynced => false,
        }
    }

    /// The side a one-way field comes from: it wins what would otherwise be a conflict.
    pub fn source(self) -> Option<Side> {
        match self {
            FieldDirection::CrmToGoogle => Some(Side::Crm),
            FieldDirection::GoogleToCrm => Some(Side::Google),
            FieldDirection::Both | FieldDirection::NotSynced => None,
        }
    }
}

impl fmt::Display for FieldDirection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FieldDirection::Both => "both ways",
            FieldDirection::CrmToGoogle => "CRM → Google only",
            FieldDirection::GoogleToCrm => "Google → CRM only",
            FieldDirection::NotSynced => "not synced",
        })
    }
}

/// The keys of the fields: their names in the JS API (`ContactField`), in [`Field::ALL`]'s order.
const KEYS: [&str; 13] = Field::ALL_NAMES;

/// The photo's key: the photo is no [`Field`] (it merges on its own, `crate::sync::photo`), but
/// has its direction like one.
pub const PHOTO: &str = "photo";

/// The direction of every field. Written as an object of the fields that are not two-way
/// (`{"notes": "googleToCrm"}`); a field it leaves out is two-way, so settings stored before
/// directions existed read as all two-way. The photo's direction is the `"photo"` key's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldDirections([FieldDirection; 13], FieldDirection);

impl FieldDirections {
    pub fn of(&self, field: Field) -> FieldDirection {
        // `Field` is a plain enum whose declaration order is `Field::ALL`'s; `Field::Custom`,
        // after them, has a direction per key in `crate::sync::custom`.
        self.0.get(field as usize).copied().unwrap_or_default()
    }

    pub fn set(&mut self, field: Field, direction: FieldDirection) {
        if let Some(slot) = self.0.get_mut(field as usize) {
            *slot = direction;
        }
    }

    /// These directions with `field` set to `direction`.
    pub fn with(mut self, field: Field, direction: FieldDirection) -> Self {
        self.set(field, direction);
        self
    }

    /// The photo's direction.
    pub fn photo(&self) -> FieldDirection {
        self.1
    }

    /// These directions with the photo's set to `direction`.
    pub fn with_photo(mut self, direction: FieldDirection) -> Self {
        self.1 = direction;
        self
    }

    /// Every field two-way.
    pub fn all_both(&self) -> bool {
        self.0.iter().all(|d| *d == FieldDirection::Both) && self.1 == FieldDirection::Both
    }

    /// The fields that are not written on `side`.
    pub fn held_from(&self, side: Side) -> impl Iterator<Item = Field> + '_ {
        Field::ALL
            .into_iter()
            .filter(move |f| !self.of(*f).writes(side))
    }

    /// `contact` as a create on `side` copies it: the fields that do not flow there left empty.
    pub fn create_on(&self, side: Side, contact: &Contact) -> Contact {
        let mut out = contact.clone();
        let empty = Contact::default();
        let held: Vec<Field> = self.held_from(side).collect();
        super::merge::copy_fields(&mut out, &empty, &held);
        out
    }

    /// What changed from `self` (the directions last applied) to `now`, field by field.
    pub fn changes_to(&self, now: &FieldDirections) -> Vec<DirectionChange> {
        let fields = Field::ALL
            .into_iter()
            .map(|f| (f.as_str(), self.of(f), now.of(f)));
        let photo = std::iter::once((PHOTO, self.1, now.1));
        fields
            .chain(photo)
            .filter(|(_, before, after)| before != after)
            .map(|(field, before, after)| DirectionChange {
                field,
                key: String::new(),
                label: String::new(),
                before,
                after,
            })
            .collect()
    }
}

impl IsEmpty for FieldDirections {
    fn is_empty(&self) -> bool {
        self.all_both()
    }
}

impl FromJson for FieldDirections {
    fn from_json(v: Value) -> Result<Self, json::Error> {
        let Value::Object(o) = v else {
            return Err(json::invalid(&v, "an object of field directions"));
        };
        let mut out = FieldDirections::default();
        for (k, d) in o {
            let i = KEYS.iter().position(|key| *key == k);
            if i.is_none() && k != PHOTO {
                let mut known = KEYS.to_vec();
                known.push(PHOTO);
                return Err(json::unknown_variant(&k, &known));
            }
            let d = FieldDirection::from_json(d).map_err(|e| e.at_key(&k))?;
            match i {
                Some(i) => out.set(Field::ALL[i], d),
                None => out.1 = d,
            }
        }
        Ok(out)
    }
}

impl Serialize for FieldDirections {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let set: Vec<(usize, FieldDirection)> = (0..KEYS.len())
            .map(|i| (i, self.0[i]))
            .filter(|(_, d)| *d != FieldDirection::Both)
            .collect();
        let photo = (self.1 != FieldDirection::Both).then_some(self.1);
        let mut m = s.serialize_map(Some(set.len() + usize::from(photo.is_some())))?;
        for (i, d) in set {
            m.serialize_entry(KEYS[i], &d)?;
        }
        if let Some(d) = photo {
            m.serialize_entry(PHOTO, &d)?;
        }
        m.end()
    }
}

impl TsType for FieldDirections {
    fn ts(dir: Dir) -> Ts {
        Ts::Object {
            props: KEYS
                .iter()
                .chain([&PHOTO])
                .map(|k| Prop {
                    key: k.to_string(),
                    optional: true,
                    ty: FieldDirection::ts(dir),
                })
                .collect(),
            open: false,
        }
    }
}

/// A field as the JS API names it (`ContactField`), as the settings key it.
fn js_name<S: serde::Serializer>(f: &Field, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(f.as_str())
}

/// One field whose direction changed since the last run that applied: the preview shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectionChange {
    /// The field's settings key (`ContactField`, or [`PHOTO`]); `custom` for a custom field,
    /// named by its key and label.
    pub field: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
    pub before: FieldDirection,
    pub after: FieldDirection,
}

impl fmt::Display for DirectionChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if self.label.is_empty() {
            self.field
        } else {
            &self.label
        };
        write!(f, "{name}: {}, was {}", self.after, self.before)
    }
}

/// A field of a pair not written on `side` because of its direction, though the sides differ
/// on it: what the preview shows for a one-way or unsynced field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Held {
    #[serde(serialize_with = "js_name")]
    pub field: Field,
    /// A custom field's key and label (`field` is `custom`); empty for the other fields.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// The side the value was not written on.
    pub side: Side,
    pub direction: FieldDirection,
    /// That side's value, and the value it was not given.
    pub before: String,
    pub after: String,
}

impl fmt::Display for Held {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |v: &str| {
            if v.is_empty() {
                "(empty)".to_string()
            } else {
                v.to_string()
            }
        };
        write!(
            f,
            "{}: {} kept, not {} ({})",
            super::merge::field_name(self.field, &self.label),
            shown(&self.before),
            shown(&self.after),
            self.direction
        )
    }
}

/// A [`Held`] difference of one linked pair, named as the preview names the pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PairHeld {
    pub crm_id: String,
    pub resource_name: String,
    pub name: String,
    pub held: Held,
}

#[cfg(test)]
mod tests;
