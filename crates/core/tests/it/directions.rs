//! Direction per field, whole runs: after a change of directions no run writes until a preview
//! under them is applied; then each one-way field goes only its way, a field not synced stays
//! as each side holds it, and creates copy only what flows their way.

use crate::harness::*;
use gcontacts_sync_core::sync::direction::{FieldDirection, FieldDirections};
use gcontacts_sync_core::sync::engine::RunResult;
use gcontacts_sync_core::sync::model::Field;
use gcontacts_sync_core::sync::plan::Scope;
use gcontacts_sync_core::sync::ErrorCode;
use serde_json::{json, Value};

fn preview_plan(w: &mut World) -> RunResult {
    w.drive(Drive {
        preview: true,
        ..Drive::new(Scope::All)
    })
    .expect("a preview runs to its end")
}

/// Previews a run and applies that preview, as the panel's Apply does.
fn preview_and_apply(w: &mut World) -> (String, RunResult) {
    let shown = preview_plan(w).plan.expect("a plan");
    w.fingerprint = Some(shown.fingerprint.clone());
    (shown.to_string(), w.run_ok())
}

/// Notes from Google only, emails from the CRM only.
fn notes_in_emails_out() -> FieldDirections {
    FieldDirections::default()
        .with(Field::Notes, FieldDirection::GoogleToCrm)
        .with(Field::Emails, FieldDirection::CrmToGoogle)
}

fn emails(person: &Value) -> Vec<String> {
    let list = person["emailAddresses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    list.iter()
        .map(|e| e["value"].as_str().unwrap_or("").to_string())
        .collect()
}

fn notes(person: &Value) -> String {
    person["biographies"][0]["value"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn after_a_change_of_directions_each_field_goes_only_its_way_once_the_preview_is_applied() {
    let mut w = World::new();
    let mut ann = person("Ann", "Lee", "ann@crm.example");
    ann.notes = "met at a fair".into();
    let id = w.crm_add(ann);
    w.run_ok();
    let rn = w.resource_name(&id);

    w.settings.field_directions = notes_in_emails_out();
    w.crm_edit(&id, |c| {
        c.notes = "notes from the CRM".into();
        c.emails[0].value = "ann@new-crm.example".into();
    });
    w.google_edit(
        &rn,
        "biographies,emailAddresses",
        json!({"biographies": [{"value": "notes from the phone"}],
               "emailAddresses": [{"value": "ann@new-phone.example"}]}),
    );

    // A run that does not apply a preview (the schedule's, "Sync now") writes nothing.
    let (google, crm, state) = (w.google(), w.crm.contacts.clone(), w.state.clone());
    let r = w.run();
    assert!(r.plan.is_none(), "no plan was executed");
    let refusal = r
        .report
        .errors
        .iter()
        .find(|e| e.code == ErrorCode::PlanChanged);
    let refusal = refusal.unwrap_or_else(|| panic!("refused: {:?}", r.report.errors));
    assert!(
        refusal
            .message
            .contains("notes: Google → CRM only, was both ways"),
        "{refusal:?}"
    );
    assert_eq!(w.google(), google, "Google changed");
    assert_eq!(w.crm.contacts, crm, "the CRM changed");
    assert_eq!(w.state.links, state.links);

    // The preview names the change and what each field's direction holds back.
    let (shown, _) = preview_and_apply(&mut w);
    assert!(
        shown.contains("direction changed: emails: CRM → Google only, was both ways\n")
            && shown.contains("direction changed: notes: Google → CRM only, was both ways\n"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("crm: update \"Ann Lee\" (crm {id} = {rn}): notes: notes from the CRM → notes from the phone\n")),
        "{shown}"
    );
    // Google's email is held back from the CRM, and said so.
    let held = format!("crm: not written \"Ann Lee\" (crm {id} = {rn}): emails: ann@new-crm.example (work) kept, not ");
    assert!(
        shown.contains(&held) && shown.contains("(CRM → Google only)\n"),
        "{shown}"
    );
    assert!(
        !shown.contains("conflict"),
        "a one-way field is no conflict: {shown}"
    );

    // Notes came from Google only, emails went to Google only.
    let c = &w.crm.contacts[&id].contact;
    assert_eq!(c.notes, "notes from the phone");
    let crm_emails: Vec<&str> = c.emails.iter().map(|e| e.value.as_str()).collect();
    assert_eq!(
        crm_emails,
        ["ann@new-crm.example"],
        "Google's email came to the CRM"
    );
    let g = w.twin(&id);
    assert_eq!(
        notes(&g),
        "notes from the phone",
        "the CRM's notes went to Google"
    );
    assert!(
        emails(&g).contains(&"ann@new-crm.example".to_string()),
        "{g}"
    );

    // The directions are the applied ones now, stored with the state: runs write again, and
    // the differences the directions hold back cause no writes.
    assert_eq!(reloaded(&w.state).field_directions, notes_in_emails_out());
    w.settled();
    w.settled();
}

#[test]
fn creates_copy_only_the_fields_that_flow_their_way() {
    let mut w = World::new();
    let mut ann = person("Ann", "Lee", "ann@crm.example");
    ann.notes = "kept in the CRM".into();
    let id = w.crm_add(ann);
    let rn = w.google_add(&[json!({
        "names": [{"givenName": "Bo", "familyName": "Ng"}],
        "emailAddresses": [{"value": "bo@phone.example"}],
        "biographies": [{"value": "met on the phone"}],
    })])[0]
        .clone();
    w.settings.field_directions = notes_in_emails_out();
    preview_and_apply(&mut w);

    let g = w.twin(&id);
    assert_eq!(emails(&g), ["ann@crm.example"]);
    assert_eq!(notes(&g), "", "notes flow from Google only");
    let bo = w
        .crm
        .contacts
        .values()
        .find(|c| c.contact.name.given == "Bo")
        .expect("Bo");
    assert!(bo.contact.emails.is_empty(), "emails flow to Google only");
    assert_eq!(bo.contact.notes, "met on the phone");
    let linked = w.state.links.values().any(|l| l.resource_name == rn);
    assert!(linked, "Bo is linked");
    w.settled();
}

#[test]
fn a_field_not_synced_keeps_each_sides_value_and_merges_three_way_when_synced_again() {
    let mut w = World::new();
    let mut ann = person("Ann", "Lee", "ann@crm.example");
    ann.title = "CEO".into();
    let id = w.crm_add(ann);
    w.run_ok();
    let rn = w.resource_name(&id);

    w.settings.field_directions =
        FieldDirections::default().with(Field::Title, FieldDirection::NotSynced);
    preview_and_apply(&mut w);
    w.crm_edit(&id, |c| c.title = "CTO".into());
    w.google_edit(
        &rn,
        "organizations",
        json!({"organizations": [{"title": "COO"}]}),
    );
    w.settled();
    assert_eq!(w.crm.contacts[&id].contact.title, "CTO");
    assert_eq!(w.twin(&id)["organizations"][0]["title"], "COO");

    // Synced again, both sides' edits since the last synced value meet as a conflict.
    w.settings.field_directions = FieldDirections::default();
    let (shown, _) = preview_and_apply(&mut w);
    assert!(
        shown.contains("direction changed: title: both ways, was not synced\n"),
        "{shown}"
    );
    assert_eq!(
        w.crm.contacts[&id].contact.title,
        w.twin(&id)["organizations"][0]["title"]
    );
    w.settled();
}
