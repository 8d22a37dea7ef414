//! Properties of undo: random edits on both sides, a run that syncs them, random later edits,
//! then the undo of that run. Every field not edited since the run is back on both sides as it
//! was before the run; every field edited since keeps its later edit. Cases: 48 by default;
//! `GCS_PROPTEST_CASES` raises it.

use crate::harness::*;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Crm,
    Google,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Title,
    Notes,
}

/// One edit: on which contact, side and field.
type Edit = (usize, Side, Field);

fn edit() -> impl Strategy<Value = Edit> {
    (
        0..4usize,
        prop_oneof![Just(Side::Crm), Just(Side::Google)],
        prop_oneof![Just(Field::Title), Just(Field::Notes)],
    )
}

fn cases() -> u32 {
    std::env::var("GCS_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

/// Every value a user sees of the fields edited: by contact, side and field.
fn values(w: &World, ids: &[String]) -> BTreeMap<Edit, String> {
    let mut out = BTreeMap::new();
    for (i, id) in ids.iter().enumerate() {
        let c = &w.crm.contacts[id].contact;
        out.insert((i, Side::Crm, Field::Title), c.title.clone());
        out.insert((i, Side::Crm, Field::Notes), c.notes.clone());
        let g = w.twin(id);
        let text = |v: &Value| v.as_str().unwrap_or("").to_string();
        out.insert(
            (i, Side::Google, Field::Title),
            text(&g["organizations"][0]["title"]),
        );
        out.insert(
            (i, Side::Google, Field::Notes),
            text(&g["biographies"][0]["value"]),
        );
    }
    out
}

fn apply(w: &mut World, ids: &[String], (i, side, field): Edit, value: &str) {
    w.em.advance_clock(60_000);
    match side {
        Side::Crm => w.crm_edit(&ids[i], |c| match field {
            Field::Title => c.title = value.to_string(),
            Field::Notes => c.notes = value.to_string(),
        }),
        Side::Google => {
            let rn = w.resource_name(&ids[i]);
            match field {
                Field::Title => w.google_edit(
                    &rn,
                    "organizations",
                    json!({"organizations": [{"title": value}]}),
                ),
                Field::Notes => w.google_edit(
                    &rn,
                    "biographies",
                    json!({"biographies": [{"value": value, "contentType": "TEXT_PLAIN"}]}),
                ),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn an_undo_restores_every_field_not_edited_since_and_never_overwrites_a_later_edit(
        edits in proptest::collection::vec(edit(), 1..6),
        later in proptest::collection::vec(edit(), 0..4),
    ) {
        let mut w = World::new();
        let ids: Vec<String> = (0..4)
            .map(|i| w.crm_add(person(&format!("P{i}"), "Lee", &format!("p{i}@x.io"))))
            .collect();
        w.run_ok();
        for (n, &e) in edits.iter().enumerate() {
            apply(&mut w, &ids, e, &format!("edit {n}"));
        }
        let before = values(&w, &ids);
        w.em.advance_clock(60_000);
        w.run_ok();
        let run = w.undoable().last().cloned().expect("the run wrote, so it is kept");
        let mut edited_since = BTreeMap::new();
        for (n, &e) in later.iter().enumerate() {
            let value = format!("later {n}");
            apply(&mut w, &ids, e, &value);
            edited_since.insert(e, value);
        }
        w.em.advance_clock(60_000);
        w.undo(&run);
        let after = values(&w, &ids);
        for (key, value) in &after {
            match edited_since.get(key) {
                Some(later) => prop_assert_eq!(value, later, "{:?}: the later edit stays", key),
                None => prop_assert_eq!(value, &before[key], "{:?}: back as before the run", key),
            }
        }
    }
}
