//! Undoing a run (docs/sync-rules.md, "Undo"): a run keeps what it wrote in storage, and an undo
//! run puts both sides back, through the one driver, leaving every later edit alone.

use crate::harness::*;
use gcontacts_sync_core::store;
use gcontacts_sync_core::sync::model::Contact;
use gcontacts_sync_core::sync::settings::{CrmDeletes, UndoKeep};
use serde_json::{json, Value};

/// What a user sees of one Google contact: names, emails, phones, job, notes.
fn shown_google(p: &Value) -> String {
    let list = |key: &str, field: &str| -> String {
        let mut v: Vec<String> = p[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x[field].as_str().map(str::to_string))
            .collect();
        v.sort();
        v.join(",")
    };
    format!(
        "{} {} | {} | {} | {} | {}",
        p["names"][0]["givenName"].as_str().unwrap_or(""),
        p["names"][0]["familyName"].as_str().unwrap_or(""),
        list("emailAddresses", "value"),
        list("phoneNumbers", "value"),
        p["organizations"][0]["title"].as_str().unwrap_or(""),
        p["biographies"][0]["value"].as_str().unwrap_or(""),
    )
}

fn shown_crm(c: &Contact) -> String {
    let mut emails: Vec<String> = c.emails.iter().map(|e| e.value.clone()).collect();
    emails.sort();
    let mut phones: Vec<String> = c.phones.iter().map(|p| p.value.clone()).collect();
    phones.sort();
    format!(
        "{} {} | {} | {} | {} | {}",
        c.name.given,
        c.name.family,
        emails.join(","),
        phones.join(","),
        c.title,
        c.notes
    )
}

/// Both sides as a user sees them, each sorted: ids aside, which a contact created again does
/// not keep.
fn both_sides(w: &World) -> (Vec<String>, Vec<String>) {
    let mut google: Vec<String> = w.google().iter().map(shown_google).collect();
    google.sort();
    let mut crm: Vec<String> = w
        .crm
        .contacts
        .values()
        .map(|c| shown_crm(&c.contact))
        .collect();
    crm.sort();
    (google, crm)
}

fn last_run(w: &World) -> String {
    w.undoable().last().cloned().expect("a run is kept")
}

#[test]
fn undoing_a_first_sync_deletes_what_it_created_on_both_sides() {
    let mut w = World::new();
    w.crm_add(person("Ann", "Lee", "ann@x.io"));
    w.crm_add(with_phone(person("Bo", "Ng", "bo@x.io"), "+1 415 555 0132"));
    w.google_add(&[json!({"names": [{"givenName": "Cy", "familyName": "Oh"}],
        "emailAddresses": [{"value": "cy@x.io"}]})]);
    w.em.advance_clock(60_000);
    let before = both_sides(&w);

    let first = w.run_ok();
    assert_eq!(
        (first.report.created.google, first.report.created.crm),
        (2, 1)
    );
    let synced = both_sides(&w);
    assert_ne!(synced, before);

    let run = last_run(&w);
    w.em.advance_clock(60_000);
    let preview = w.undo_preview(&run);
    assert_eq!(
        preview
            .lines()
            .filter(|l| l.contains("created by the run undone"))
            .count(),
        3,
        "{preview}"
    );
    let undo = w.undo(&run);
    assert_eq!(
        (undo.report.deleted.google, undo.report.deleted.crm),
        (2, 1)
    );
    assert_eq!(undo.report.undoes.as_deref(), Some(run.as_str()));
    assert_eq!(
        both_sides(&w),
        before,
        "both sides are as before the first sync"
    );
    assert!(w.state.links.is_empty(), "{:?}", w.state.links);

    // The undo is a run, kept in its turn: undoing it brings the sync's contacts back.
    w.em.advance_clock(60_000);
    let undo_run = last_run(&w);
    assert_ne!(undo_run, run);
    w.undo(&undo_run);
    assert_eq!(both_sides(&w), synced);
}

#[test]
fn after_an_undo_of_a_first_sync_the_next_run_sends_the_crm_contacts_to_google_again() {
    // A CRM with a change feed, as Creme has: the undo leaves the CRM contacts unedited, so the
    // feed alone would never bring them again.
    let mut w = World::new();
    assert!(w.feed);
    w.crm_add(person("Ann", "Lee", "ann@x.io"));
    w.crm_add(with_phone(person("Bo", "Ng", "bo@x.io"), "+1 415 555 0132"));
    w.em.advance_clock(60_000);
    w.run_ok();
    let synced = both_sides(&w);
    w.em.advance_clock(60_000);
    w.undo(&last_run(&w));
    assert!(w.google().is_empty());

    // The next run creates them again, as the run undone did, and links them.
    w.em.advance_clock(60_000);
    let preview = w.preview();
    assert_eq!(
        preview
            .lines()
            .filter(|l| l.starts_with("google: create"))
            .count(),
        2,
        "{preview}"
    );
    let again = w.run_ok();
    assert_eq!(again.report.created.google, 2);
    assert_eq!(both_sides(&w), synced);
    assert_eq!(w.state.links.len(), 2);
    assert!(
        w.state.crm_cursor.is_some(),
        "the run moved the cursor again"
    );
    w.settled();
}

#[test]
fn undoing_updates_restores_each_side_the_run_wrote_and_the_next_run_carries_it_over() {
    let mut w = World::new();
    let id = w.crm_add(with_phone(
        person("Ann", "Lee", "ann@x.io"),
        "+1 415 555 0100",
    ));
    w.run_ok();
    let rn = w.resource_name(&id);
    w.em.advance_clock(60_000);
    let before = both_sides(&w);

    // A phone edited in the CRM goes to Google, a title set in Google comes to the CRM.
    w.crm_edit(&id, |c| c.phones[0].value = "+1 415 555 0199".into());
    w.google_edit(
        &rn,
        "organizations",
        json!({"organizations": [{"title": "CTO"}]}),
    );
    let edited = both_sides(&w);
    let r = w.run_ok();
    assert_eq!((r.report.updated.google, r.report.updated.crm), (1, 1));

    w.em.advance_clock(60_000);
    let undo = w.undo(&last_run(&w));
    assert_eq!(
        (undo.report.updated.google, undo.report.updated.crm),
        (1, 1)
    );
    assert_eq!(
        both_sides(&w),
        edited,
        "each side holds again what it held before the run"
    );
    assert_ne!(both_sides(&w), before);

    // The restored values are edits like any other: the next run carries them over.
    w.em.advance_clock(60_000);
    w.run_ok();
    let (google, crm) = both_sides(&w);
    assert_eq!(google, crm);
    assert!(google[0].contains("+1 415 555 0100"), "{google:?}");
    assert!(!google[0].contains("CTO"), "{google:?}");
    w.settled();
}

#[test]
fn an_undo_leaves_a_field_edited_since_the_run_and_says_so() {
    let mut w = World::new();
    let id = w.crm_add(with_phone(
        person("Ann", "Lee", "ann@x.io"),
        "+1 415 555 0100",
    ));
    w.run_ok();
    let rn = w.resource_name(&id);
    w.em.advance_clock(60_000);
    w.crm_edit(&id, |c| {
        c.phones[0].value = "+1 415 555 0199".into();
        c.title = "CEO".into();
    });
    w.run_ok();
    let run = last_run(&w);
    // Since the run, the user edited the phone again in Google.
    w.em.advance_clock(60_000);
    w.google_edit(
        &rn,
        "phoneNumbers",
        json!({"phoneNumbers": [{"value": "+1 415 555 0177"}]}),
    );

    let preview = w.undo_preview(&run);
    assert!(
        preview.contains("google: not undone update \"Ann Lee\"")
            && preview.contains("edited since (phones); the edit stays"),
        "{preview}"
    );
    let undo = w.undo(&run);
    assert_eq!(undo.report.updated.google, 1);
    let twin = w.twin(&id);
    assert_eq!(
        twin["phoneNumbers"][0]["value"], "+1 415 555 0177",
        "the later edit stays"
    );
    assert!(
        twin["organizations"][0]["title"].is_null(),
        "the title is undone: {twin}"
    );
}

#[test]
fn undoing_deletions_creates_the_contacts_again_on_the_side_they_were_deleted_from() {
    let mut w = World::new();
    w.settings.crm_deletes = CrmDeletes::Delete;
    let a = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    let b = w.crm_add(with_phone(person("Bo", "Ng", "bo@x.io"), "+1 415 555 0132"));
    w.run_ok();
    let rn_b = w.resource_name(&b);
    w.em.advance_clock(60_000);
    // Ann deleted in the CRM, Bo in Google: the run deletes each on the other side.
    w.crm.contacts.remove(&a);
    w.google_request("DELETE", &format!("/v1/{rn_b}:deleteContact"), None);
    let before = both_sides(&w);
    let r = w.run_ok();
    assert_eq!((r.report.deleted.google, r.report.deleted.crm), (1, 1));
    assert!(w.google().is_empty() && w.crm.contacts.is_empty());

    w.em.advance_clock(60_000);
    let undo = w.undo(&last_run(&w));
    assert_eq!(
        (undo.report.created.google, undo.report.created.crm),
        (1, 1)
    );
    assert_eq!(
        both_sides(&w),
        before,
        "each contact is back where the run deleted it"
    );
    // Neither has its twin: Ann stays in Google alone (tagged for her CRM contact, which is
    // gone), Bo is a new CRM contact that the next run sends to Google.
    assert!(w.state.links.is_empty(), "{:?}", w.state.links);
    w.run_ok();
    assert_eq!(w.google().len(), 2);
    assert_eq!(w.crm.contacts.len(), 1);
    w.settled();
}

#[test]
fn an_undo_after_a_reload_reads_the_state_and_the_images_from_storage() {
    let mut w = World::new();
    let id = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    w.run_ok();
    w.em.advance_clock(60_000);
    let before = both_sides(&w);
    w.crm_edit(&id, |c| c.notes = "met at the fair".into());
    w.run_ok();
    w.state = reloaded(&w.state);
    w.em.advance_clock(60_000);
    // Google is back as it was; the CRM keeps its own edit, which the run did not write.
    w.undo(&last_run(&w));
    let (google, crm) = both_sides(&w);
    assert_eq!(google, before.0);
    assert!(crm[0].contains("met at the fair"));
}

#[test]
fn the_settings_bound_what_is_kept_the_oldest_runs_going_first() {
    let mut w = World::new();
    w.settings.undo = Some(UndoKeep {
        runs: 2,
        max_bytes: 1 << 20,
    });
    let id = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    w.run_ok();
    for n in 0..3 {
        w.em.advance_clock(60_000);
        w.crm_edit(&id, |c| c.title = format!("title {n}"));
        w.run_ok();
    }
    assert_eq!(w.undoable().len(), 2);
    let keys = w.undo_store.len();
    assert_eq!(
        keys,
        3,
        "the index and one piece per run kept: {:?}",
        w.undo_store.keys()
    );

    w.settings.undo = Some(UndoKeep {
        runs: 2,
        max_bytes: 10,
    });
    w.em.advance_clock(60_000);
    w.crm_edit(&id, |c| c.title = "too big to keep".into());
    w.run_ok();
    assert!(w.undoable().is_empty());
    assert!(w
        .not_kept
        .as_deref()
        .unwrap_or("")
        .contains("undo.maxBytes"));
    assert_eq!(w.undo_store.len(), 1, "only the empty index is left");
}

#[test]
fn a_run_s_images_are_stored_in_pieces_within_the_host_s_limit() {
    let mut w = World::new();
    w.max_value_bytes = 16 * 1024;
    w.crm_add_people(300, "Lee");
    w.run_ok();
    let run = last_run(&w);
    assert!(w.undo_store.len() > 3, "{}", w.undo_store.len());
    assert!(w.undo_store.values().all(|v| v.len() <= 16 * 1024));
    assert_eq!(w.kept_undo(&run).images.len(), 300);
    // "Disconnect" names every one of these keys.
    let index = w.undo_store.get(&store::undo_index_key(ACCOUNT)).cloned();
    let named = store::undo_keys(ACCOUNT, index.as_deref());
    let mut held: Vec<&String> = w.undo_store.keys().collect();
    held.sort();
    let mut named: Vec<&String> = named.iter().collect();
    named.sort();
    assert_eq!(named, held);
}

#[test]
fn a_google_edit_made_while_the_undo_is_in_flight_stays_and_is_reported() {
    let mut w = World::new();
    let id = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    w.run_ok();
    let rn = w.resource_name(&id);
    w.em.advance_clock(60_000);
    w.crm_edit(&id, |c| c.title = "CEO".into());
    w.run_ok();
    let run = last_run(&w);
    w.em.advance_clock(60_000);
    // Just before the undo's update reaches Google, the user sets another title there.
    let user_rn = rn.clone();
    w.net.push(NetFault {
        url: "batchUpdateContacts",
        count: 1,
        kind: NetKind::UserFirst(Box::new(move |w: &World| {
            w.google_edit(
                &user_rn,
                "organizations",
                json!({"organizations": [{"title": "Founder"}]}),
            )
        })),
    });
    w.undoing = Some(w.kept_undo(&run));
    let undo = w.run();
    assert_eq!(undo.report.updated.google, 0);
    assert!(
        undo.report
            .failures
            .iter()
            .any(|f| f.reason.contains("changed in Google during the undo")),
        "{:?}",
        undo.report.failures
    );
    assert_eq!(w.twin(&id)["organizations"][0]["title"], "Founder");
}
