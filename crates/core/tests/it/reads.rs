//! What a run reads of the CRM: only what the change feed and the plan need. A Google contact
//! whose match waits for the user does not make every run list the whole CRM.

use crate::harness::*;
use gcontacts_sync_core::sync::engine::Phase;
use serde_json::json;

/// Thirty contacts, and two Hernandez in the CRM sharing a phone with one Mia Hernandez in
/// Google, whose match stays undecided. Returns the Google contact's resource name.
fn undecided(w: &mut World) -> String {
    w.crm_add_people(30, "Lee");
    w.crm_add(with_phone(person("Mia", "Hernandez", ""), "(415) 555-0132"));
    w.crm_add(with_phone(person("Leo", "Hernandez", ""), "(415) 555-0132"));
    w.google_add(&[json!({
        "names": [{"givenName": "Mia", "familyName": "Hernandez"}],
        "phoneNumbers": [{"value": "+1 415 555 0132"}],
    })])
    .remove(0)
}

/// What a run asked of each side: Google requests, CRM calls, and of those CRM listing pages.
fn asked(w: &mut World) -> (usize, usize, usize, usize) {
    let (calls, lists) = (w.crm.calls, w.crm.lists);
    let r = w.run_ok();
    let google: usize = r.report.requests.values().sum();
    (
        r.report.ambiguous.len(),
        google,
        w.crm.calls - calls,
        w.crm.lists - lists,
    )
}

#[test]
fn a_no_op_run_with_an_undecided_match_makes_one_google_request_and_lists_nothing_of_the_crm() {
    let mut w = World::new();
    let rn = undecided(&mut w);
    let first = w.run_ok();
    assert_eq!(first.report.ambiguous.len(), 1);
    assert_eq!(first.report.ambiguous[0].id, rn);
    let google_before = w.google().len();
    let crm_before = w.crm.contacts.len();
    for run in 0..3 {
        // Still reported; one Google request (the sync token's listing); of the CRM, its change
        // feed and one read of the two candidates by id.
        assert_eq!(asked(&mut w), (1, 1, 2, 0), "run {run}");
    }
    assert_eq!(w.google().len(), google_before, "nothing created in Google");
    assert_eq!(w.crm.contacts.len(), crm_before, "nothing imported");
}

#[test]
fn an_undecided_match_survives_a_reload_and_a_candidate_edited_in_the_crm() {
    let mut w = World::new();
    undecided(&mut w);
    w.run_ok();
    w.state = reloaded(&w.state);
    assert_eq!(asked(&mut w), (1, 1, 2, 0), "after a reload");
    let mia = w
        .crm
        .contacts
        .values()
        .find(|c| c.contact.name.given == "Mia")
        .map(|c| c.id.clone())
        .expect("Mia");
    w.crm_edit(&mia, |c| c.title = "CFO".into());
    // The feed brings Mia; Leo is read by id: still undecided (not linked to Mia for want of
    // Leo), still no listing.
    let (ambiguous, _, _, lists) = asked(&mut w);
    assert_eq!((ambiguous, lists), (1, 0));
}

#[test]
fn an_undecided_google_contact_edited_in_google_is_matched_against_the_whole_crm_again() {
    let mut w = World::new();
    let rn = undecided(&mut w);
    w.run_ok();
    // A new email could match any CRM contact, changed or not: the whole CRM is listed.
    w.google_edit(
        &rn,
        "emailAddresses",
        json!({"emailAddresses": [{"value": "p3@x.io"}]}),
    );
    let (_, _, _, lists) = asked(&mut w);
    assert!(lists > 0, "the CRM listed");
    assert_eq!(
        w.crm.contacts.len(),
        32,
        "matched, not imported as a new contact"
    );
}

/// While a long CRM listing is read, the run says how many contacts it has read so far.
#[test]
fn reading_a_large_crm_shows_how_many_contacts_are_read_so_far() {
    let mut w = World::new();
    // Without the change feed every run lists the CRM, 1,000 a page.
    w.feed = false;
    w.crm_add_people(2_500, "Lee");
    w.run_ok();
    let reading: Vec<(usize, usize)> = w
        .progress
        .iter()
        .filter(|p| p.2 == Phase::ReadingCrm)
        .map(|p| (p.0, p.1))
        .collect();
    assert_eq!(reading, [(1_000, 0), (2_000, 0)]);
}
