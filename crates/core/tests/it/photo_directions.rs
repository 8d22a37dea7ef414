//! The photo's direction, whole runs (docs/sync-rules.md, "Photos"): a change of it is previewed
//! and applied like any field's, the preview lists each photo that moves, a one-way photo goes
//! only its way, a photo not synced moves neither way, and turning it back to two-way sends
//! what was held.

use crate::harness::*;
use gcontacts_sync_core::sync::direction::{FieldDirection, FieldDirections};
use gcontacts_sync_core::sync::engine::RunResult;
use gcontacts_sync_core::sync::photo;
use gcontacts_sync_core::sync::plan::{PhotoChangeKind, Scope};
use gcontacts_sync_core::sync::ErrorCode;
use serde_json::Value;

const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 a photo taken in Google";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR a photo chosen in the CRM";

fn data_url(bytes: &[u8]) -> String {
    let format = photo::format_of(bytes).expect("an image");
    format!("data:{format};base64,{}", photo::base64(bytes))
}

/// A world whose CRM holds photos, with Ann Lee and Bob Kay linked and no photo anywhere.
fn linked() -> (World, String, String) {
    let mut w = World::new();
    w.capabilities.photo = true;
    let ann = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    let bob = w.crm_add(person("Bob", "Kay", "bob@x.io"));
    w.run_ok();
    (w, ann, bob)
}

fn crm_photo(w: &World, id: &str) -> Option<String> {
    let c = &w.crm.contacts[id].contact;
    c.photo.as_ref().map(|p| p.data.clone())
}

fn google_photo(w: &World, id: &str) -> Option<String> {
    let twin = w.twin(id);
    let own: Vec<&Value> = (twin["photos"].as_array().into_iter().flatten())
        .filter(|p| p["default"] != true && p["metadata"]["source"]["type"] == "CONTACT")
        .collect();
    own.first()
        .map(|p| p["url"].as_str().unwrap_or("").to_string())
}

fn uploads(r: &RunResult) -> usize {
    (r.report.requests)
        .get("people.updateContactPhoto")
        .copied()
        .unwrap_or(0)
}

fn preview_and_apply(w: &mut World) -> (gcontacts_sync_core::sync::plan::Plan, RunResult) {
    let shown = w
        .drive(Drive {
            preview: true,
            ..Drive::new(Scope::All)
        })
        .expect("a preview runs to its end")
        .plan
        .expect("a plan");
    w.fingerprint = Some(shown.fingerprint.clone());
    (shown, w.run_ok())
}

fn photo_only(d: FieldDirection) -> FieldDirections {
    FieldDirections::default().with_photo(d)
}

#[test]
fn a_photo_google_to_crm_only_comes_in_and_a_crm_photo_stays_out_until_two_way_again() {
    let (mut w, ann, bob) = linked();
    w.settings.field_directions = photo_only(FieldDirection::GoogleToCrm);
    w.crm_edit(&ann, |c| {
        c.photo = Some(photo::from_data_url(&data_url(PNG)).unwrap())
    });
    let bob_rn = w.resource_name(&bob);
    w.em.set_photo(w.account, &bob_rn, JPEG).unwrap();

    // Not applied through a preview: nothing moves, photos included.
    let r = w.run();
    let refusal = (r.report.errors.iter()).find(|e| e.code == ErrorCode::PlanChanged);
    let refusal = refusal.unwrap_or_else(|| panic!("refused: {:?}", r.report.errors));
    assert!(
        refusal
            .message
            .contains("photo: Google → CRM only, was both ways"),
        "{refusal:?}"
    );
    assert_eq!(crm_photo(&w, &bob), None);
    assert_eq!(w.downloads, Vec::<String>::new());

    // The preview names the change and the one photo that moves: Bob's, to the CRM.
    let (plan, r) = preview_and_apply(&mut w);
    let text = plan.to_string();
    assert!(
        text.contains("direction changed: photo: Google → CRM only, was both ways\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "crm: photo added \"Bob Kay\" (crm {bob} = {bob_rn})\n"
        )),
        "{text}"
    );
    assert_eq!(plan.photos.len(), 1, "{text}");
    assert_eq!(plan.photos[0].change, PhotoChangeKind::Added);

    // Bob's photo came in; Ann's stayed in the CRM.
    assert_eq!(crm_photo(&w, &bob), Some(data_url(JPEG)));
    assert_eq!(crm_photo(&w, &ann), Some(data_url(PNG)));
    assert_eq!(google_photo(&w, &ann), None);
    assert_eq!(uploads(&r), 0);
    w.settled();
    let r = w.run_ok();
    assert_eq!(uploads(&r), 0, "the held photo stays held");
    assert_eq!(w.downloads.len(), 1, "{:?}", w.downloads);

    // Two-way again: the preview shows Ann's photo going to Google, and Apply sends it.
    w.settings.field_directions = FieldDirections::default();
    let (plan, r) = preview_and_apply(&mut w);
    let text = plan.to_string();
    assert!(
        text.contains("direction changed: photo: both ways, was Google → CRM only\n"),
        "{text}"
    );
    assert!(text.contains("google: photo added \"Ann Lee\""), "{text}");
    assert_eq!(uploads(&r), 1);
    assert!(google_photo(&w, &ann).is_some());
    w.settled();
}

#[test]
fn a_photo_crm_to_google_only_wins_both_edited_and_a_google_photo_stays_in_google() {
    let (mut w, ann, bob) = linked();
    let (ann_rn, bob_rn) = (w.resource_name(&ann), w.resource_name(&bob));
    w.crm_edit(&ann, |c| {
        c.photo = Some(photo::from_data_url(&data_url(PNG)).unwrap())
    });
    w.run_ok();
    let sent = google_photo(&w, &ann).expect("Ann's photo in Google");

    w.settings.field_directions = photo_only(FieldDirection::CrmToGoogle);
    preview_and_apply(&mut w);
    // Both sides change Ann's photo, Google the later: the CRM's still wins. Bob's photo is set
    // in Google only.
    let second = data_url(b"\x89PNG\r\n\x1a\n the CRM's second photo");
    w.crm_edit(&ann, |c| {
        c.photo = Some(photo::from_data_url(&second).unwrap())
    });
    w.em.advance_clock(60_000);
    w.em.set_photo(w.account, &ann_rn, JPEG).unwrap();
    w.em.set_photo(w.account, &bob_rn, JPEG).unwrap();
    let r = w.run_ok();
    assert_eq!(uploads(&r), 1, "{:?}", r.report.requests);
    assert_eq!(crm_photo(&w, &ann), Some(second));
    assert_ne!(google_photo(&w, &ann), Some(sent));
    assert_eq!(crm_photo(&w, &bob), None, "Google's photo stays in Google");
    assert!(google_photo(&w, &bob).is_some());
    assert_eq!(w.downloads, Vec::<String>::new(), "nothing is fetched");
    w.settled();
}

#[test]
fn a_photo_not_synced_moves_neither_way() {
    let (mut w, ann, bob) = linked();
    w.settings.field_directions = photo_only(FieldDirection::NotSynced);
    preview_and_apply(&mut w);
    w.crm_edit(&ann, |c| {
        c.photo = Some(photo::from_data_url(&data_url(PNG)).unwrap())
    });
    let bob_rn = w.resource_name(&bob);
    w.em.set_photo(w.account, &bob_rn, JPEG).unwrap();
    assert!(
        !w.preview().contains("photo"),
        "the preview lists no photo move"
    );
    let r = w.run_ok();
    assert_eq!(uploads(&r), 0);
    assert_eq!(google_photo(&w, &ann), None);
    assert_eq!(crm_photo(&w, &bob), None);
    assert_eq!(w.downloads, Vec::<String>::new());
    w.settled();
}
