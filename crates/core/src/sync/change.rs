//! Each linked contact's last change: what the last run that changed the pair did to it (created
//! it on one side, linked it, or which fields it wrote on which side, old → new), kept on its
//! [`Link`](super::state::Link) so a contact's page can say why a value changed.
//!
//! The record is small and bounded whatever the contact holds: at most [`MAX_FIELD_CHANGES`]
//! field changes (the rest counted in `omitted`), each value cut to [`MAX_VALUE_CHARS`]
//! characters. Its field changes are the preview's own [`FieldDiff`]s, so the page and the
//! preview describe a change the same way. A run that writes nothing for a pair leaves its record
//! as it was: it is the last run that *changed* the pair.

use super::merge::FieldDiff;
use super::model::{Field, Millis, Side};
use crate::json_struct;

/// The most field changes one record keeps: every field of a contact, on one side.
pub const MAX_FIELD_CHANGES: usize = Field::ALL.len();
/// The longest value a field change keeps, in characters (a cut value ends with "…").
pub const MAX_VALUE_CHARS: usize = 120;

json_struct! {
    /// One field a run wrote: on which side, and the value before and after (as the preview
    /// shows them: "" for an empty value, lists one item a line).
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct FieldChange {
        pub side: Side = "side",
        pub field: Field = "field",
        /// A custom field's key and label (`field` is `custom`).
        pub key: String = "key" [skip_empty],
        pub label: String = "label" [skip_empty],
        pub before: String = "before",
        pub after: String = "after",
    }
}

json_struct! {
    /// What the last run that changed a linked pair did to it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct LastChange {
        /// The run, by its `startedAt` (as its report in the run log names it).
        pub run: String = "run",
        /// When the run recorded it.
        pub at: Millis = "at",
        /// The run created the contact on this side (from the other side's contact).
        pub created: Option<Side> = "created" [skip_empty],
        /// The run linked the pair (matched them, or created one from the other).
        pub linked: bool = "linked" [skip_empty],
        /// The fields it wrote, at most [`MAX_FIELD_CHANGES`].
        pub fields: Vec<FieldChange> = "fields" [skip_empty],
        /// Field changes beyond those kept.
        pub omitted: u32 = "omitted" [default],
    }
}

impl LastChange {
    /// The record of run `run` (its `startedAt`) at `at`, keeping the first field changes of
    /// `changes` within the bounds.
    pub fn new<'a>(
        run: &str,
        at: Millis,
        created: Option<Side>,
        linked: bool,
        changes: impl IntoIterator<Item = (Side, &'a FieldDiff)>,
    ) -> LastChange {
        let mut record = LastChange {
            run: run.to_string(),
            at,
            created,
            linked,
            fields: Vec::new(),
            omitted: 0,
        };
        for (side, d) in changes {
            record.push(side, d);
        }
        record
    }

    /// Adds a field change, within the bounds.
    pub fn push(&mut self, side: Side, d: &FieldDiff) {
        if self.fields.len() < MAX_FIELD_CHANGES {
            self.fields.push(FieldChange {
                side,
                field: d.field,
                key: d.key.clone(),
                label: d.label.clone(),
                before: cut(&d.before),
                after: cut(&d.after),
            });
        } else {
            self.omitted = self.omitted.saturating_add(1);
        }
    }

    /// Nothing a user would call a change (a link tag written, say).
    pub fn is_empty(&self) -> bool {
        self.created.is_none() && !self.linked && self.fields.is_empty() && self.omitted == 0
    }
}

/// `value` cut to [`MAX_VALUE_CHARS`] characters, the last of them "…" when it was longer.
pub fn cut(value: &str) -> String {
    if value.chars().nth(MAX_VALUE_CHARS).is_none() {
        return value.to_string();
    }
    let mut s: String = value.chars().take(MAX_VALUE_CHARS - 1).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests;
