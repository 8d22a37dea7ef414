//! The merge of a pair's custom fields ([`crate::sync::custom`]): each declared key three-way on
//! its own, as a text field, under its own direction, its changes and conflicts naming it. Values
//! compare in their canonical form, so a host that stores `12.50` where Google holds `12.5` sees
//! no change. Keys the host does not declare are neither compared nor kept.

use super::{Conflict, FieldDirection, Merger, Pick};
use crate::sync::custom::canonical;
use crate::sync::model::{Field, Side};

impl Merger<'_> {
    pub(super) fn custom(&mut self) {
        let input = self.input;
        for e in input.custom.entries() {
            let key = e.field.key.as_str();
            let label = e.field.label.as_str();
            let kind = e.field.kind;
            let get = |m: &std::collections::BTreeMap<String, String>| {
                canonical(kind, m.get(key).map_or("", String::as_str))
            };
            let (c, g) = (get(&input.crm.custom), get(&input.google.custom));
            let b = input.base.map(|b| get(&b.custom));
            let direction = e.direction;
            let value = match self.pick_as(
                (Field::Custom, key),
                direction,
                b.as_ref(),
                &c,
                &g,
                [c.is_empty(), g.is_empty()],
            ) {
                Pick::Crm => c.clone(),
                Pick::Google => g.clone(),
                Pick::Conflict { kept, rule } => {
                    self.out.conflicts.push(Conflict {
                        field: Field::Custom,
                        key: key.to_string(),
                        label: label.to_string(),
                        crm: c.clone(),
                        google: g.clone(),
                        kept,
                        rule,
                    });
                    match kept {
                        Side::Crm => c.clone(),
                        Side::Google => g.clone(),
                    }
                }
            };
            let keep = self.settle_as(
                (Field::Custom, direction, key, label),
                [value != c, value != g],
                || [c.clone(), g.clone(), value.clone()],
            );
            let mut base = match keep {
                Some(Side::Crm) => c.clone(),
                Some(Side::Google) => g.clone(),
                None => value.clone(),
            };
            let mut value = value;
            if direction == FieldDirection::NotSynced {
                // As `leave_alone`: both sides keep theirs, the base its own.
                value = c.clone();
                base = match &b {
                    Some(b) => b.clone(),
                    None if c == g => c.clone(),
                    None => String::new(),
                };
            }
            if !value.is_empty() {
                self.out.contact.custom.insert(key.to_string(), value);
            }
            if !base.is_empty() {
                self.out.base.custom.insert(key.to_string(), base);
            }
        }
    }
}
