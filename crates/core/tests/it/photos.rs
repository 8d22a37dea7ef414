//! Contact photos end to end (docs/sync-rules.md, "Photos"): the user's photo set, changed or
//! removed on either side reaches the other; an unchanged photo is never downloaded again (the
//! run's requests and the download log show it); a Google profile's photo is never the contact's.

use crate::harness::*;
use gcontacts_sync_core::sync::photo;
use serde_json::{json, Value};

const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 a photo taken in Google";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR a photo chosen in the CRM";

fn data_url(bytes: &[u8]) -> String {
    let format = photo::format_of(bytes).expect("an image");
    format!("data:{format};base64,{}", photo::base64(bytes))
}

/// A world whose CRM holds photos, with Ann Lee linked and no photo anywhere yet.
fn linked() -> (World, String) {
    let mut w = World::new();
    w.capabilities.photo = true;
    let id = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    w.run_ok();
    (w, id)
}

fn crm_photo(w: &World, id: &str) -> Option<String> {
    let c = &w.crm.contacts[id].contact;
    c.photo.as_ref().map(|p| p.data.clone())
}

/// The contact's own photo in Google: its URL, or `None` when Google shows its default.
fn google_photo(w: &World, id: &str) -> Option<String> {
    let twin = w.twin(id);
    let own: Vec<&Value> = (twin["photos"].as_array().into_iter().flatten())
        .filter(|p| p["default"] != true && p["metadata"]["source"]["type"] == "CONTACT")
        .collect();
    own.first()
        .map(|p| p["url"].as_str().unwrap_or("").to_string())
}

fn requests(r: &gcontacts_sync_core::sync::engine::RunResult, method: &str) -> usize {
    r.report.requests.get(method).copied().unwrap_or(0)
}

#[test]
fn a_photo_set_in_google_appears_in_the_crm_and_is_not_downloaded_again() {
    let (mut w, id) = linked();
    let rn = w.resource_name(&id);
    w.em.set_photo(w.account, &rn, JPEG).unwrap();
    let r = w.run_ok();
    assert_eq!(crm_photo(&w, &id), Some(data_url(JPEG)));
    assert_eq!(w.downloads.len(), 1, "one download: {:?}", w.downloads);
    assert!(w.downloads[0].ends_with("?sz=512"), "{:?}", w.downloads);
    assert_eq!(
        requests(&r, "people.updateContactPhoto"),
        0,
        "nothing goes back"
    );

    // Unchanged since: a full listing and an incremental one both see the same URL.
    w.downloads.clear();
    w.state.sync_token = None;
    let r = w.run_ok();
    assert_eq!(writes(&r), 0);
    w.settled();
    assert_eq!(
        w.downloads,
        Vec::<String>::new(),
        "an unchanged photo is not downloaded"
    );
    let photo_calls: usize = (r.report.requests.iter())
        .filter(|(m, _)| m.contains("Photo"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(photo_calls, 0, "{:?}", r.report.requests);
}

#[test]
fn a_photo_set_in_the_crm_appears_in_google_with_one_request() {
    let (mut w, id) = linked();
    w.crm_edit(&id, |c| {
        c.photo = Some(photo::from_data_url(&data_url(PNG)).unwrap())
    });
    let r = w.run_ok();
    assert_eq!(
        requests(&r, "people.updateContactPhoto"),
        1,
        "{:?}",
        r.report.requests
    );
    let url = google_photo(&w, &id).expect("the contact's own photo in Google");
    let path = &url[url.find("/photos/").unwrap()..];
    let served = w.em.handle(people_emulator::Request::get(path));
    assert_eq!(served.body, PNG, "Google holds the CRM's image");
    assert_eq!(
        w.downloads,
        Vec::<String>::new(),
        "the CRM's own photo is not fetched back"
    );

    // Google's new URL and etag are the pair's base: nothing moves afterwards.
    let r = w.run_ok();
    assert_eq!(requests(&r, "people.updateContactPhoto"), 0);
    assert_eq!(
        requests(&r, "people.batchUpdateContacts"),
        0,
        "no etag mismatch"
    );
    w.settled();
    assert_eq!(w.downloads, Vec::<String>::new());
}

#[test]
fn a_photo_removed_in_google_is_removed_in_the_crm() {
    let (mut w, id) = linked();
    let rn = w.resource_name(&id);
    w.em.set_photo(w.account, &rn, JPEG).unwrap();
    w.run_ok();
    w.google_request("DELETE", &format!("/v1/{rn}:deleteContactPhoto"), None);
    let r = w.run_ok();
    assert_eq!(crm_photo(&w, &id), None);
    assert_eq!(w.downloads.len(), 1, "only the first photo was downloaded");
    assert_eq!(requests(&r, "people.deleteContactPhoto"), 0);
    w.settled();
}

#[test]
fn a_photo_removed_in_the_crm_is_removed_in_google() {
    let (mut w, id) = linked();
    w.crm_edit(&id, |c| {
        c.photo = Some(photo::from_data_url(&data_url(PNG)).unwrap())
    });
    w.run_ok();
    assert!(google_photo(&w, &id).is_some());
    w.crm_edit(&id, |c| c.photo = None);
    let r = w.run_ok();
    assert_eq!(requests(&r, "people.deleteContactPhoto"), 1);
    assert_eq!(
        google_photo(&w, &id),
        None,
        "Google shows its default again"
    );
    w.settled();
}

#[test]
fn a_google_profile_photo_is_never_taken_for_the_contacts_photo() {
    let (mut w, id) = linked();
    let rn = w.resource_name(&id);
    w.em.set_profile(
        w.account,
        &rn,
        json!({"photos": [{"url": "https://lh3.googleusercontent.com/a/ann"}]}),
    )
    .unwrap();
    let r = w.run_ok();
    assert_eq!(crm_photo(&w, &id), None);
    assert_eq!(w.downloads, Vec::<String>::new());
    assert_eq!(writes(&r), 0);
}

#[test]
fn a_contact_imported_from_google_brings_its_photo() {
    let mut w = World::new();
    w.capabilities.photo = true;
    let rn = w.google_add(&[json!({"names": [{"givenName": "Cy", "familyName": "Young"}]})]);
    w.em.set_photo(w.account, &rn[0], JPEG).unwrap();
    let r = w.run_ok();
    assert_eq!(r.report.created.crm, 1);
    let id = w.crm.contacts.keys().next().unwrap().clone();
    assert_eq!(crm_photo(&w, &id), Some(data_url(JPEG)));
    w.settled();
    assert_eq!(w.downloads.len(), 1);
}

#[test]
fn a_contact_sent_to_google_takes_its_photo_along() {
    let mut w = World::new();
    w.capabilities.photo = true;
    let mut ann = person("Ann", "Lee", "ann@x.io");
    ann.photo = Some(photo::from_data_url(&data_url(PNG)).unwrap());
    let id = w.crm_add(ann);
    let r = w.run_ok();
    assert_eq!(r.report.created.google, 1);
    assert_eq!(requests(&r, "people.updateContactPhoto"), 1);
    assert!(google_photo(&w, &id).is_some());
    w.settled();
}

#[test]
fn photos_changed_on_both_sides_follow_the_conflict_policy() {
    let (mut w, id) = linked();
    let rn = w.resource_name(&id);
    w.crm_edit(&id, |c| {
        c.photo = Some(photo::from_data_url(&data_url(PNG)).unwrap())
    });
    w.run_ok();
    let agreed = google_photo(&w, &id);
    w.crm_edit(&id, |c| {
        c.photo = Some(photo::from_data_url(&data_url(b"\xff\xd8\xff the CRM's second")).unwrap())
    });
    // Google's change comes a minute later: the newest wins.
    w.em.advance_clock(60_000);
    w.em.set_photo(w.account, &rn, JPEG).unwrap();
    let r = w.run_ok();
    assert_eq!(crm_photo(&w, &id), Some(data_url(JPEG)));
    assert_eq!(requests(&r, "people.updateContactPhoto"), 0);
    assert_ne!(google_photo(&w, &id), agreed);
    w.settled();
}

#[test]
fn photos_set_on_both_sides_of_a_pair_without_a_photo_base_both_stay() {
    let (mut w, id) = linked();
    let rn = w.resource_name(&id);
    w.crm_edit(&id, |c| {
        c.photo = Some(photo::from_data_url(&data_url(PNG)).unwrap())
    });
    w.em.set_photo(w.account, &rn, JPEG).unwrap();
    let r = w.run_ok();
    assert_eq!(crm_photo(&w, &id), Some(data_url(PNG)));
    assert!(google_photo(&w, &id).is_some());
    assert_eq!(requests(&r, "people.updateContactPhoto"), 0);
    assert_eq!(w.downloads, Vec::<String>::new());
    w.settled();
    assert_eq!(w.downloads, Vec::<String>::new());
}

#[test]
fn a_run_stopped_among_its_photo_moves_leaves_them_to_the_next_run() {
    let mut w = World::new();
    w.capabilities.photo = true;
    let ids: Vec<String> = (0..3)
        .map(|i| w.crm_add(person(&format!("P{i}"), "Lee", &format!("p{i}@x.io"))))
        .collect();
    w.run_ok();
    for id in &ids {
        let rn = w.resource_name(id);
        w.em.set_photo(w.account, &rn, JPEG).unwrap();
    }
    // The first download fails for good: the run goes on and reports it.
    w.net.push(NetFault::answer("/photos/", 1, 404, "gone"));
    let r = w.run();
    assert!(
        !r.report.ok || !r.report.errors.is_empty(),
        "{:?}",
        r.report.errors
    );
    let with_photo = ids.iter().filter(|id| crm_photo(&w, id).is_some()).count();
    assert_eq!(with_photo, 2);
    // The sync token stayed where it was: the next run reads the three contacts again and
    // downloads only the photo still owed.
    w.downloads.clear();
    w.run_ok();
    assert!(ids.iter().all(|id| crm_photo(&w, id).is_some()));
    assert_eq!(w.downloads.len(), 1, "{:?}", w.downloads);
    w.settled();
}

#[test]
fn a_host_without_photos_moves_none() {
    let mut w = World::new();
    let mut ann = person("Ann", "Lee", "ann@x.io");
    ann.photo = Some(photo::from_data_url(&data_url(PNG)).unwrap());
    let id = w.crm_add(ann);
    w.run_ok();
    let rn = w.resource_name(&id);
    assert_eq!(google_photo(&w, &id), None);
    w.em.set_photo(w.account, &rn, JPEG).unwrap();
    let r = w.run_ok();
    assert_eq!(requests(&r, "people.updateContactPhoto"), 0);
    assert_eq!(w.downloads, Vec::<String>::new());
    assert_eq!(
        crm_photo(&w, &id),
        Some(data_url(PNG)),
        "the CRM's photo stays its own"
    );
}

#[test]
fn a_google_photo_the_crm_cannot_take_is_reported_once_and_not_fetched_again() {
    let (mut w, id) = linked();
    let rn = w.resource_name(&id);
    w.em.set_photo(w.account, &rn, JPEG).unwrap();
    // What came back is no image (a proxy's error page, say).
    w.net
        .push(NetFault::answer("/photos/", 1, 200, "<html>blocked</html>"));
    let r = w.run();
    assert_eq!(crm_photo(&w, &id), None);
    let errors: Vec<&str> = r.report.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("photo of Ann Lee was not copied")),
        "{errors:?}"
    );
    w.downloads.clear();
    w.run_ok();
    assert_eq!(
        w.downloads,
        Vec::<String>::new(),
        "not fetched again until it changes"
    );
}

#[test]
fn the_chosen_contacts_with_photos_sync_to_a_new_account_and_the_run_ends() {
    let mut w = World::new();
    let mut ann = person("Ann", "Lee", "ann@x.io");
    ann.photo = Some(photo::from_data_url(&data_url(JPEG)).unwrap());
    let ann = w.crm_add(ann);
    let bo = w.crm_add(person("Bo", "Ng", "bo@x.io"));
    let r = w
        .run_with(
            gcontacts_sync_core::sync::plan::Scope::Contacts {
                ids: vec![ann.clone(), bo.clone()],
            },
            None,
        )
        .expect("the run ends");
    assert!(r.report.errors.is_empty(), "{:?}", r.report.errors);
    assert_eq!(w.google().len(), 2);
}
