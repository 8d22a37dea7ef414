//! The three-way merge of one linked pair, field by field (docs/sync-rules.md, "Merge").
//!
//! With base B, CRM value C and Google value G, all compared by their normalized keys:
//! C = G: nothing; C = B ≠ G: Google changed, the CRM takes G; G = B ≠ C: Google takes C; all three
//! differ: a conflict the account's policy settles, recorded with both values. Without a base (a
//! first link) blanks are filled from the other side and, where both differ, the CRM's value stays
//! and Google's is recorded.
//!
//! Emails, phones and addresses merge item by item, keyed by normalized value: an item added on
//! either side is kept, an item removed on one side and untouched on the other is removed; without
//! a base the lists are unioned. An item's label ("home", "work") merges three-way on its own.
//! Which email and which phone is primary merges three-way like a label, as one value per list
//! (the flagged item's key): a change on one side wins, both changed is a conflict. A side whose
//! list flags no item says nothing about it (a CRM that stores no flag): it counts as unchanged
//! and is never written for a flag alone, so it cannot flip the other side's primary back and
//! forth. A merged list with a primary flags that one item and puts it first (Google makes its
//! first item primary). Order is otherwise not an attribute the merge decides: lists compare as
//! sets plus their primary, so a mere reordering is not a change and causes no write. Addresses
//! carry no primary flag: the host contract has none, so Google's address order is Google's.
//! The list fields' merge is in `lists`.
//!
//! When the settings forbid writing one side, that side's value becomes the field's new base, so
//! the pending difference is neither written nor mistaken for an edit of the other side later.
//! A field's own direction ([`crate::sync::direction`]) forbids it likewise, field by field, and
//! settles what would be a conflict for the side the field comes from; a field that is not
//! synced keeps its base.

use super::custom::CustomTable;
use super::direction::{FieldDirection, FieldDirections, Held};
use super::model::{Birthday, Contact, Field, Millis, Phone, Side};
use super::normalize::{phone_key, text_edit_key, text_key, Region};
use super::settings::ConflictPolicy;
use serde::Serialize;

mod custom;
mod lists;

use lists::{ListKind, Primary, ADDRESS, EMAIL, TAG};

/// One field's change on one side, rendered for previews and logs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldDiff {
    pub field: Field,
    /// A custom field's key and label (`field` is `custom`); empty for the other fields.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
    pub before: String,
    pub after: String,
}

/// Why a conflict was settled the way it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ConflictRule {
    /// Both sides changed the field since the last sync; the account's policy decided.
    Policy(ConflictPolicy),
    /// A first link found different values on both sides; the CRM's stays (kvCORE's rule).
    FirstLink,
    /// The user chose the side for this run, in the preview.
    Decided,
}

/// Both values of a field that both sides hold differently, and which one was kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub field: Field,
    /// A custom field's key and label, as [`FieldDiff`]'s.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
    pub crm: String,
    pub google: String,
    pub kept: Side,
    pub rule: ConflictRule,
}

/// Everything the merge of one pair needs.
#[derive(Clone, Copy, Debug)]
pub struct MergeInput<'a> {
    pub base: Option<&'a Contact>,
    pub crm: &'a Contact,
    pub google: &'a Contact,
    pub crm_modified_at: Millis,
    pub google_modified_at: Millis,
    pub policy: ConflictPolicy,
    pub region: Region,
    /// The user's choices for this pair's conflicts, by field (and a custom field's key, ""
    /// for the others): they settle a conflict of that field over the policy and the
    /// first-link rule. Only conflicts: a field one side alone changed merges as usual.
    pub decided: &'a [(Field, &'a str, Side)],
    pub write_crm: bool,
    pub write_google: bool,
    /// Which way each field flows, within `write_crm` and `write_google`.
    pub directions: FieldDirections,
    /// The host's custom fields, each with its direction ([`crate::sync::custom::NONE`] for a
    /// host declaring none, and for comparisons of one side's values).
    pub custom: CustomTable<'a>,
}

/// The outcome: what each side must be told, and the base to keep afterwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    /// The values both sides hold once the writes are made.
    pub contact: Contact,
    pub base: Contact,
    pub crm: Vec<FieldDiff>,
    pub google: Vec<FieldDiff>,
    pub conflicts: Vec<Conflict>,
    /// Differences not written on a side because of their field's direction.
    pub held: Vec<Held>,
}

impl Merged {
    pub fn is_noop(&self) -> bool {
        self.crm.is_empty() && self.google.is_empty()
    }
}

pub fn merge(input: MergeInput<'_>) -> Merged {
    let mut m = Merger {
        input,
        out: Merged {
            contact: Contact::default(),
            base: Contact::default(),
            crm: Vec::new(),
            google: Vec::new(),
            conflicts: Vec::new(),
            held: Vec::new(),
        },
    };
    for field in Field::ALL {
        m.field(field);
        if input.directions.of(field) == FieldDirection::NotSynced {
            m.leave_alone(field);
        }
    }
    m.custom();
    // Tags are a set: kept sorted, so a side's list read again compares equal.
    m.out.contact.tags.sort();
    m.out.base.tags.sort();
    // The photo merges apart (`super::photo`), after the writes: its base stays until then.
    m.out.base.photo = input.base.and_then(|b| b.photo.clone());
    m.out
}

impl Merger<'_> {
    fn field(&mut self, field: Field) {
        let m = self;
        let input = m.input;
        match field {
            Field::Emails => m.list(field, |c| &c.emails, |c| &mut c.emails, EMAIL),
            Field::Phones => {
                let region = input.region;
                m.list(
                    field,
                    |c| &c.phones,
                    |c| &mut c.phones,
                    ListKind {
                        key: &move |p: &Phone| phone_key(p, region),
                        kind: |p| &p.kind,
                        set_kind: |p, k| p.kind = k,
                        show: |p| p.value.trim().to_string(),
                        primary: Some(Primary {
                            get: |p| p.primary,
                            set: |p, v| p.primary = v,
                        }),
                    },
                )
            }
            Field::Addresses => m.list(field, |c| &c.addresses, |c| &mut c.addresses, ADDRESS),
            Field::Tags => m.list(field, |c| &c.tags, |c| &mut c.tags, TAG),
            Field::Birthday => m.birthday(),
            _ => m.text(field),
        }
    }

    /// Undoes what the merge of a field that is not synced decided (its would-be writes are
    /// recorded as held): both sides keep their values, and the base its own, or without one,
    /// the value both sides share, else nothing (so syncing the field again sees both sides'
    /// values as edits, to merge three-way).
    fn leave_alone(&mut self, field: Field) {
        let (crm, google) = (self.input.crm, self.input.google);
        copy_fields(&mut self.out.contact, crm, &[field]);
        let only = |c: &Contact| {
            let mut out = Contact::default();
            copy_fields(&mut out, c, &[field]);
            out
        };
        let base = match self.input.base {
            Some(b) => only(b),
            None if only(crm) == only(google) => only(crm),
            None => Contact::default(),
        };
        copy_fields(&mut self.out.base, &base, &[field]);
    }
}

/// The text of a scalar text field.
pub fn text(c: &Contact, f: Field) -> &str {
    match f {
        Field::Prefix => &c.name.prefix,
        Field::GivenName => &c.name.given,
        Field::MiddleName => &c.name.middle,
        Field::FamilyName => &c.name.family,
        Field::Suffix => &c.name.suffix,
        Field::Company => &c.company,
        Field::Title => &c.title,
        Field::Notes => &c.notes,
        // Not text: lists, the birthday, tags and custom fields.
        _ => "",
    }
}

pub(crate) fn text_mut(c: &mut Contact, f: Field) -> Option<&mut String> {
    Some(match f {
        Field::Prefix => &mut c.name.prefix,
        Field::GivenName => &mut c.name.given,
        Field::MiddleName => &mut c.name.middle,
        Field::FamilyName => &mut c.name.family,
        Field::Suffix => &mut c.name.suffix,
        Field::Company => &mut c.company,
        Field::Title => &mut c.title,
        Field::Notes => &mut c.notes,
        _ => return None,
    })
}

/// Copies `fields` of `from` onto `to`, leaving its other fields as they are: what a side holds
/// once it is written only those fields.
pub fn copy_fields(to: &mut Contact, from: &Contact, fields: &[Field]) {
    for &f in fields {
        match f {
            Field::Emails => to.emails = from.emails.clone(),
            Field::Phones => to.phones = from.phones.clone(),
            Field::Addresses => to.addresses = from.addresses.clone(),
            Field::Birthday => to.birthday = from.birthday,
            Field::Custom => to.custom = from.custom.clone(),
            Field::Tags => to.tags = from.tags.clone(),
            _ => {
                if let Some(slot) = text_mut(to, f) {
                    *slot = text(from, f).to_string();
                }
            }
        }
    }
}

/// The outcome of a three-way decision on one value.
enum Pick {
    Crm,
    Google,
    /// Both changed: `kept` won by `rule`.
    Conflict {
        kept: Side,
        rule: ConflictRule,
    },
}

struct Merger<'a> {
    input: MergeInput<'a>,
    out: Merged,
}

impl Merger<'_> {
    /// Decides one value from its keys. `None` for the base means no base (a first link).
    fn pick<K: PartialEq>(
        &self,
        field: Field,
        b: Option<&K>,
        c: &K,
        g: &K,
        c_empty: bool,
        g_empty: bool,
    ) -> Pick {
        let direction = self.input.directions.of(field);
        self.pick_as((field, ""), direction, b, c, g, [c_empty, g_empty])
    }

    /// [`Self::pick`] of `field` (with a custom field's key) under `direction` (a custom
    /// field's own).
    fn pick_as<K: PartialEq>(
        &self,
        (field, key): (Field, &str),
        direction: FieldDirection,
        b: Option<&K>,
        c: &K,
        g: &K,
        [c_empty, g_empty]: [bool; 2],
    ) -> Pick {
        if c == g {
            return Pick::Crm;
        }
        match b {
            None if g_empty => return Pick::Crm,
            None if c_empty => return Pick::Google,
            Some(b) if b == c => return Pick::Google,
            Some(b) if b == g => return Pick::Crm,
            _ => {}
        }
        // Both hold a value of their own. A one-way field's source decides, and a field that is
        // not synced is left alone whatever is picked: neither is a conflict.
        match direction {
            FieldDirection::CrmToGoogle | FieldDirection::NotSynced => return Pick::Crm,
            FieldDirection::GoogleToCrm => return Pick::Google,
            FieldDirection::Both => {}
        }
        // A conflict, which the user's choice settles first.
        if let Some((_, _, kept)) = self
            .input
            .decided
            .iter()
            .find(|(f, k, _)| *f == field && *k == key)
        {
            return Pick::Conflict {
                kept: *kept,
                rule: ConflictRule::Decided,
            };
        }
        let Some(_) = b else {
            return Pick::Conflict {
                kept: Side::Crm,
                rule: ConflictRule::FirstLink,
            };
        };
        let policy = self.input.policy;
        let kept = match policy {
            ConflictPolicy::Crm => Side::Crm,
            ConflictPolicy::Google => Side::Google,
            // Ties go to the CRM: it is where the user works.
            ConflictPolicy::Newest => {
                if self.input.google_modified_at > self.input.crm_modified_at {
                    Side::Google
                } else {
                    Side::Crm
                }
            }
        };
        Pick::Conflict {
            kept,
            rule: ConflictRule::Policy(policy),
        }
    }

    fn conflict(
        &mut self,
        field: Field,
        crm: String,
        google: String,
        kept: Side,
        rule: ConflictRule,
    ) {
        self.out.conflicts.push(Conflict {
            field,
            key: String::new(),
            label: String::new(),
            crm,
            google,
            kept,
            rule,
        });
    }

    /// Records the writes one field needs and returns what its new base must be: the merged
    /// value, or a side's own value where writing that side is not allowed.
    fn settle(
        &mut self,
        field: Field,
        crm_differs: bool,
        google_differs: bool,
        shown: impl FnOnce() -> [String; 3],
    ) -> Option<Side> {
        let direction = self.input.directions.of(field);
        let name = (field, direction, "", "");
        self.settle_as(name, [crm_differs, google_differs], shown)
    }

    /// [`Self::settle`] of a field named `(field, direction, key, label)`: a custom field has
    /// its own direction and names its key.
    fn settle_as(
        &mut self,
        (field, direction, key, label): (Field, FieldDirection, &str, &str),
        [crm_differs, google_differs]: [bool; 2],
        shown: impl FnOnce() -> [String; 3],
    ) -> Option<Side> {
        if !crm_differs && !google_differs {
            return None;
        }
        // Rendered only when something is written: most fields of most pairs are not.
        let [crm, google, after] = shown();
        let mut keep_base_of = None;
        for (side, differs, writes, before) in [
            (Side::Crm, crm_differs, self.input.write_crm, crm),
            (
                Side::Google,
                google_differs,
                self.input.write_google,
                google,
            ),
        ] {
            if !differs {
                continue;
            }
            let after = after.clone();
            if !writes {
                keep_base_of = Some(side);
            } else if !direction.writes(side) {
                keep_base_of = Some(side);
                self.out.held.push(Held {
                    field,
                    key: key.to_string(),
                    label: label.to_string(),
                    side,
                    direction,
                    before,
                    after,
                });
            } else {
                let diff = FieldDiff {
                    field,
                    key: key.to_string(),
                    label: label.to_string(),
                    before,
                    after,
                };
                match side {
                    Side::Crm => self.out.crm.push(diff),
                    Side::Google => self.out.google.push(diff),
                }
            }
        }
        keep_base_of
    }

    fn text(&mut self, field: Field) {
        let (c, g) = (text(self.input.crm, field), text(self.input.google, field));
        // Equal as written is equal as keys, and it is the common case: skip normalizing.
        if c == g {
            let value = c.to_string();
            if let Some(slot) = text_mut(&mut self.out.base, field) {
                slot.clone_from(&value);
            }
            if let Some(slot) = text_mut(&mut self.out.contact, field) {
                *slot = value;
            }
            return;
        }
        // Case counts here (a case-only fix is an edit), not in matching.
        let (kc, kg) = (text_edit_key(c), text_edit_key(g));
        let kb = self.input.base.map(|b| text_edit_key(text(b, field)));
        let value = match self.pick(field, kb.as_ref(), &kc, &kg, kc.is_empty(), kg.is_empty()) {
            Pick::Crm => c,
            Pick::Google => g,
            // The same text but for case, on a first link or edited on both sides: nothing is
            // lost by keeping the one whose case says more ("McDonald" over "mcdonald").
            Pick::Conflict { .. } if text_key(c) == text_key(g) && cased(g) && !cased(c) => g,
            Pick::Conflict { .. } if text_key(c) == text_key(g) && cased(c) && !cased(g) => c,
            Pick::Conflict { kept, rule } => {
                self.conflict(field, c.to_string(), g.to_string(), kept, rule);
                match kept {
                    Side::Crm => c,
                    Side::Google => g,
                }
            }
        };
        let kv = text_edit_key(value);
        let value = value.to_string();
        let keep = self.settle(field, kv != kc, kv != kg, || {
            [c.into(), g.into(), value.clone()]
        });
        let base_value = match keep {
            Some(Side::Crm) => c.to_string(),
            Some(Side::Google) => g.to_string(),
            None => value.clone(),
        };
        if let Some(slot) = text_mut(&mut self.out.contact, field) {
            *slot = value;
        }
        if let Some(slot) = text_mut(&mut self.out.base, field) {
            *slot = base_value;
        }
    }

    fn birthday(&mut self) {
        let (c, g) = (self.input.crm.birthday, self.input.google.birthday);
        let b = self.input.base.map(|b| b.birthday);
        let show = |v: Option<Birthday>| v.map(|b| b.to_string()).unwrap_or_default();
        let value = match self.pick(
            Field::Birthday,
            b.as_ref(),
            &c,
            &g,
            c.is_none(),
            g.is_none(),
        ) {
            Pick::Crm => c,
            Pick::Google => g,
            // One side has the year the other lacks: a first link (or both sides' edits) fills
            // it in, never erases it, and nothing was in conflict.
            Pick::Conflict { .. } if adds_year(c, g) => c,
            Pick::Conflict { .. } if adds_year(g, c) => g,
            Pick::Conflict { kept, rule } => {
                self.conflict(Field::Birthday, show(c), show(g), kept, rule);
                match kept {
                    Side::Crm => c,
                    Side::Google => g,
                }
            }
        };
        let keep = self.settle(Field::Birthday, value != c, value != g, || {
            [show(c), show(g), show(value)]
        });
        self.out.contact.birthday = value;
        self.out.base.birthday = match keep {
            Some(Side::Crm) => c,
            Some(Side::Google) => g,
            None => value,
        };
    }
}

/// Whether `rich` is `poor` with its year given.
fn adds_year(rich: Option<Birthday>, poor: Option<Birthday>) -> bool {
    matches!((rich, poor), (Some(r), Some(p))
        if r.year.is_some() && p.year.is_none() && (r.month, r.day) == (p.month, p.day))
}

/// Whether a text's case carries information: it mixes upper and lower case letters, where an
/// all-lower or all-upper text may be an import's or a keyboard's.
fn cased(s: &str) -> bool {
    // Through `to_lowercase`, whose tables the keys already need, rather than `is_uppercase` and
    // `is_lowercase`, two more tables in the wasm. Uncased letters (CJK) count as lower case,
    // which is harmless: with no upper case letter the text is not mixed.
    let upper = |c: char| c.to_lowercase().next() != Some(c);
    s.chars().any(upper) && s.chars().any(|c| c.is_alphabetic() && !upper(c))
}

/// How previews name a field: a custom field by its label.
pub fn field_name(field: Field, label: &str) -> &str {
    match field {
        Field::Custom if !label.is_empty() => label,
        _ => field.as_str(),
    }
}

impl std::fmt::Display for FieldDiff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |v: &str| {
            if v.is_empty() {
                "(empty)".to_string()
            } else {
                v.to_string()
            }
        };
        write!(
            f,
            "{}: {} → {}",
            field_name(self.field, &self.label),
            shown(&self.before),
            shown(&self.after)
        )
    }
}

impl std::fmt::Display for ConflictRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ConflictRule::Policy(ConflictPolicy::Newest) => "newest",
            ConflictRule::Policy(ConflictPolicy::Crm) => "crm",
            ConflictRule::Policy(ConflictPolicy::Google) => "google",
            ConflictRule::FirstLink => "first link",
            ConflictRule::Decided => "your choice",
        })
    }
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: crm {:?}, google {:?}: kept {} ({})",
            field_name(self.field, &self.label),
            self.crm,
            self.google,
            self.kept,
            self.rule
        )
    }
}

#[cfg(test)]
mod tests;
