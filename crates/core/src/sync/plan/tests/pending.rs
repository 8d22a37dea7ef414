//! Deletions held before they are made (`hold <days>`, `pending …`): held, kept waiting and out
//! of matching, made once the days are over or when the user says so, restored, or cancelled
//! by an edit of the contact waiting.

use super::*;

/// Three days, in milliseconds.
const DAYS_3: Millis = 3 * 24 * 60 * 60 * 1000;

#[test]
fn a_deletion_in_the_crm_is_held_and_its_google_contact_marked_pending() {
    check(
        "hold 3\n crm-deletes delete\n link 1 c1: first=Ann\n crm-deleted 1",
        r#"google: hold deletion of "Ann" (crm 1 = c1) for 3 days
google: mark pending c1"#,
    );
}

#[test]
fn a_deletion_in_google_is_held_and_the_crm_contact_kept_unlinked() {
    check(
        "hold 3\n link 1 c1: first=Ann\n crm 1: first=Ann\n google-deleted c1",
        r#"crm: hold deletion of "Ann" (crm 1 = c1) for 3 days"#,
    );
}

#[test]
fn a_zero_day_hold_deletes_at_once_as_before() {
    check(
        "hold 0\n link 1 c1: first=Ann\n crm 1: first=Ann\n google-deleted c1",
        r#"crm: delete "Ann" (crm 1 = c1): deleted in Google"#,
    );
}

#[test]
fn a_crm_deletion_kept_in_google_by_policy_is_not_held() {
    // `crmDeletes: keep` propagates nothing: there is nothing to hold.
    check(
        "hold 3\n link 1 c1: first=Ann\n crm-deleted 1",
        r#"unlink "Ann" (crm 1 = c1): deleted in the CRM; Google's copy is kept"#,
    );
}

#[test]
fn a_contact_waiting_is_neither_matched_nor_sent_back_before_its_days_are_over() {
    // The Google contact waiting would match the new CRM contact by email, and the CRM contact
    // waiting would be created in Google: both are left alone.
    let input = format!(
        "hold 3\n listing full\n now {}
         pending google 1 c1 @0: first=Ann email=ann@x.io
         google c1 tag=1: first=Ann email=ann@x.io
         pending crm 2 c2 @0: first=Bo
         crm 2: first=Bo
         crm 3: first=Anne email=ann@x.io",
        DAYS_3 - 1
    );
    check(
        &input,
        r#"google: create "Anne" (crm 3) in contactGroups/crm, contactGroups/myContacts"#,
    );
}

#[test]
fn the_first_run_after_the_days_deletes_through_the_guard() {
    let input = format!(
        "hold 3\n now {DAYS_3}
         pending google 1 c1 @0: first=Ann
         google c1 tag=1: first=Ann
         pending crm 2 c2 @0: first=Bo
         crm 2: first=Bo"
    );
    check(
        &input,
        r#"google: delete "Ann" (crm 1 = c1): deleted in the CRM
crm: delete "Bo" (crm 2 = c2): deleted in Google"#,
    );
}

#[test]
fn held_deletions_that_come_due_together_still_stop_at_the_guard() {
    let mut input = format!("hold 3\n now {DAYS_3}\n");
    for i in 0..11 {
        input.push_str(&format!(
            "pending crm {i} c{i} @0: first=P{i}\n crm {i}: first=P{i}\n"
        ));
    }
    let plan = round(&input).plan();
    assert!(plan.deletes.is_empty(), "{plan}");
    assert_eq!(plan.held.len(), 1, "{plan}");
    assert_eq!(plan.held[0].deletions.len(), 11);
}

#[test]
fn delete_now_deletes_before_the_days_are_over() {
    check(
        "hold 3\n pending google 1 c1 @0: first=Ann\n google c1 tag=1: first=Ann\n delete-now 1",
        r#"google: delete "Ann" (crm 1 = c1): deleted in the CRM"#,
    );
}

#[test]
fn restore_makes_the_deleted_contact_again_from_the_one_waiting() {
    // Deleted in the CRM: the CRM contact is made again from Google's, which is unmarked.
    check(
        "hold 3\n pending google 1 c1 @0: first=Ann\n google c1 tag=1: first=Ann\n restore 1",
        r#"crm: create "Ann" (c1)
google: pending deletion of "Ann" (crm 1 = c1) ends: restored, linked again
google: unmark pending c1"#,
    );
    // Deleted in Google: the Google contact is made again from the CRM's.
    check(
        "hold 3\n pending crm 2 c2 @0: first=Bo\n crm 2: first=Bo\n restore 2",
        r#"google: create "Bo" (crm 2) in contactGroups/crm, contactGroups/myContacts
crm: pending deletion of "Bo" (crm 2 = c2) ends: restored, linked again"#,
    );
}

#[test]
fn an_edit_of_the_contact_waiting_cancels_its_deletion_and_it_syncs_again() {
    // Edited in Google while its CRM twin's deletion waited: the edit wins, it is kept in Google
    // and unmarked (as a CRM deletion under `crmDeletes: keep` leaves it); edited in the CRM
    // while its Google twin's deletion waited: it goes back to Google.
    check(
        "hold 3\n listing full
         pending google 1 c1 @0: first=Ann
         google c1 tag=1: first=Ann title=CEO
         pending crm 2 c2 @0: first=Bo
         crm 2: first=Bob",
        r#"google: create "Bob" (crm 2) in contactGroups/crm, contactGroups/myContacts
google: pending deletion of "Ann" (crm 1 = c1) ends: edited since the deletion; the edit wins
crm: pending deletion of "Bo" (crm 2 = c2) ends: edited since the deletion; the edit wins
google: unmark pending c1"#,
    );
}

#[test]
fn a_contact_waiting_deleted_meanwhile_ends_its_pending_deletion() {
    check(
        "hold 3\n pending google 1 c1 @0: first=Ann\n google-deleted c1",
        r#"google: pending deletion of "Ann" (crm 1 = c1) ends: deleted meanwhile"#,
    );
}

#[test]
fn a_choice_on_a_deletion_that_is_not_pending_is_refused() {
    let plan = round("hold 3\n restore 9").plan();
    assert_eq!(
        plan.rejected,
        vec![Rejection::NotPending { crm_id: "9".into() }]
    );
}

#[test]
fn a_run_for_chosen_contacts_leaves_held_deletions_waiting() {
    let input = format!(
        "hold 3\n now {DAYS_3}\n scope contacts 2
         pending crm 2 c2 @0: first=Bo
         crm 2: first=Bo"
    );
    check(&input, "nothing to do");
}
