//! Custom fields end to end: a host's declared fields through the engine and the emulator's
//! `userDefined` (docs/sync-rules.md, "Custom fields").

use crate::harness::*;
use gcontacts_sync_core::sync::custom::{CustomField, CustomSetting, CustomType};
use gcontacts_sync_core::sync::direction::FieldDirection;
use gcontacts_sync_core::sync::plan::Scope;
use serde_json::{json, Value};

fn declared() -> Vec<CustomField> {
    vec![
        CustomField {
            key: "cust".into(),
            label: "Customer number".into(),
            kind: CustomType::Number,
            choices: vec![],
        },
        CustomField {
            key: "lang".into(),
            label: "Language".into(),
            kind: CustomType::Text,
            choices: vec![],
        },
    ]
}

fn user_defined(p: &Value) -> Vec<(String, String)> {
    (p["userDefined"].as_array().into_iter().flatten())
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or("").to_string();
            (s("key"), s("value"))
        })
        .collect()
}

/// Previews a run and applies that preview, as the panel's Apply does (a run under directions
/// not applied before writes only so).
fn preview_and_apply(w: &mut World) -> String {
    let shown = w
        .drive(Drive {
            preview: true,
            ..Drive::new(Scope::All)
        })
        .expect("a preview runs to its end")
        .plan
        .expect("a plan");
    w.fingerprint = Some(shown.fingerprint.clone());
    w.run_ok();
    w.fingerprint = None;
    shown.to_string()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_custom_field_round_trips_both_ways_and_merges_three_way() {
    let mut w = World::new();
    w.capabilities.custom = declared();
    let mut c = person("Ada", "Byron", "ada@x.io");
    c.custom.insert("cust".into(), "12.50".into());
    let id = w.crm_add(c);
    w.run_ok();
    let rn = w.resource_name(&id);
    assert_eq!(
        user_defined(&w.google()[0]),
        pairs(&[("Customer number", "12.50")]),
        "a create carries the CRM's text"
    );
    let quiet = w.run();
    assert_eq!(
        quiet.report.updated.crm + quiet.report.updated.google,
        0,
        "12.50 and 12.5 are one number"
    );

    // Google: a language and an entry of its own; the CRM: a new customer number.
    w.em.advance_clock(60_000);
    w.google_edit(
        &rn,
        "userDefined",
        json!({"userDefined": [
            {"key": "Hobby", "value": "chess"},
            {"key": "Customer number", "value": "12.5"},
            {"key": "Language", "value": "en"}
        ]}),
    );
    w.crm_edit(&id, |c| {
        c.custom.insert("cust".into(), "13".into());
    });
    w.run_ok();
    assert_eq!(w.crm.contacts[&id].contact.custom["lang"], "en");
    assert_eq!(
        user_defined(&w.google()[0]),
        pairs(&[
            ("Hobby", "chess"),
            ("Customer number", "13"),
            ("Language", "en")
        ]),
        "Google's own entry stays where it was"
    );

    // Both sides change the language: the newest edit wins, and it is reported as a conflict.
    w.em.advance_clock(60_000);
    w.crm_edit(&id, |c| {
        c.custom.insert("lang".into(), "de".into());
    });
    w.em.advance_clock(60_000);
    w.google_edit(
        &rn,
        "userDefined",
        json!({"userDefined": [
            {"key": "Hobby", "value": "chess"},
            {"key": "Customer number", "value": "13"},
            {"key": "Language", "value": "fr"}
        ]}),
    );
    let r = w.run_ok();
    assert_eq!(r.report.conflicts.len(), 1, "{:?}", r.report.conflicts);
    assert_eq!(w.crm.contacts[&id].contact.custom["lang"], "fr");
    let again = w.run();
    assert_eq!(again.report.updated.crm + again.report.updated.google, 0);
}

#[test]
fn a_crm_to_google_custom_field_never_takes_googles_edit() {
    let mut w = World::new();
    w.capabilities.custom = declared();
    w.settings.custom_fields.insert(
        "cust".into(),
        CustomSetting {
            google_key: "Kundennummer".into(),
            direction: FieldDirection::CrmToGoogle,
        },
    );
    let mut c = person("Ada", "Byron", "ada@x.io");
    c.custom.insert("cust".into(), "7".into());
    let id = w.crm_add(c);
    preview_and_apply(&mut w);
    let rn = w.resource_name(&id);
    assert_eq!(
        user_defined(&w.google()[0]),
        pairs(&[("Kundennummer", "7")])
    );
    w.em.advance_clock(60_000);
    w.google_edit(
        &rn,
        "userDefined",
        json!({"userDefined": [{"key": "Kundennummer", "value": "8"}]}),
    );
    w.run_ok();
    assert_eq!(w.crm.contacts[&id].contact.custom["cust"], "7");
    let again = w.run();
    assert_eq!(again.report.updated.crm + again.report.updated.google, 0);
}

#[test]
fn a_choice_on_a_custom_fields_conflict_settles_that_field_alone() {
    use gcontacts_sync_core::sync::model::{Field, Side};
    use gcontacts_sync_core::sync::plan::{ConflictChoice, Decisions};
    let mut w = World::new();
    w.capabilities.custom = declared();
    let mut c = person("Ada", "Byron", "ada@x.io");
    c.custom.insert("cust".into(), "1".into());
    c.custom.insert("lang".into(), "en".into());
    let id = w.crm_add(c);
    w.run_ok();
    let rn = w.resource_name(&id);
    // Both fields change on both sides, Google's last: the newest edit would keep Google's.
    w.em.advance_clock(60_000);
    w.crm_edit(&id, |c| {
        c.custom.insert("cust".into(), "2".into());
        c.custom.insert("lang".into(), "de".into());
    });
    w.em.advance_clock(60_000);
    w.google_edit(
        &rn,
        "userDefined",
        json!({"userDefined": [
            {"key": "Customer number", "value": "3"},
            {"key": "Language", "value": "fr"}
        ]}),
    );
    w.decisions = Decisions {
        conflicts: vec![ConflictChoice {
            crm_id: id.clone(),
            field: Field::Custom,
            key: "lang".into(),
            keep: Side::Crm,
        }],
        ..Decisions::default()
    };
    let r = w.run_ok();
    assert_eq!(r.report.conflicts.len(), 2, "{:?}", r.report.conflicts);
    let custom = &w.crm.contacts[&id].contact.custom;
    assert_eq!(custom["lang"], "de", "the choice keeps the CRM's language");
    assert_eq!(custom["cust"], "3", "the other field follows the policy");
    assert_eq!(
        user_defined(&w.google()[0]),
        pairs(&[("Customer number", "3"), ("Language", "de")])
    );
}

#[test]
fn a_change_of_a_custom_fields_direction_is_previewed_before_a_run_writes_under_it() {
    let mut w = World::new();
    w.capabilities.custom = declared();
    let mut c = person("Ada", "Byron", "ada@x.io");
    c.custom.insert("lang".into(), "en".into());
    let id = w.crm_add(c);
    w.run_ok();
    let rn = w.resource_name(&id);
    w.settings.custom_fields.insert(
        "lang".into(),
        CustomSetting {
            google_key: String::new(),
            direction: FieldDirection::CrmToGoogle,
        },
    );
    w.em.advance_clock(60_000);
    w.google_edit(
        &rn,
        "userDefined",
        json!({"userDefined": [{"key": "Language", "value": "fr"}]}),
    );
    // A run that writes stops before writing anything, naming the field by its label.
    let r = w.run();
    let refusal = (r.report.errors.iter())
        .find(|e| e.code == gcontacts_sync_core::sync::ErrorCode::PlanChanged)
        .unwrap_or_else(|| panic!("refused: {:?}", r.report.errors));
    assert!(
        refusal
            .message
            .contains("Language: CRM → Google only, was both ways"),
        "{refusal:?}"
    );
    assert_eq!(w.crm.contacts[&id].contact.custom["lang"], "en");
    // The preview shows it; applied, the CRM keeps its value and the next run has nothing new.
    let shown = preview_and_apply(&mut w);
    assert!(
        shown.contains("direction changed: Language: CRM → Google only, was both ways"),
        "{shown}"
    );
    assert_eq!(w.crm.contacts[&id].contact.custom["lang"], "en");
    let again = w.run();
    assert!(again.report.errors.is_empty(), "{:?}", again.report.errors);
    assert_eq!(again.report.updated.crm + again.report.updated.google, 0);
}
