//! Records the user may not change (`crm <id> readonly`): nothing is planned onto them, what
//! they would take is reported, and Google's values are never overwritten by a first link.

use super::*;

#[test]
fn a_first_link_of_a_record_the_user_may_not_change_keeps_googles_values_and_writes_no_crm() {
    // Another user's sync put the contact in Google (its tag), and it was edited there since.
    check(
        "listing full
         crm 1 readonly: first=Ann email=ann@x.io notes=old note
         google c7 tag=1: first=Ann email=ann@x.io notes=edited in Google",
        r#"link "Ann" (crm 1 = c7) by link tag
crm: not written "Ann" (crm 1 = c7): you may not change this contact in the CRM: Owned by Bob.: notes: old note → edited in Google
google: add c7 to contactGroups/crm"#,
    );
    // The same record, editable: the first-link rule keeps the CRM's value (kvCORE's rule).
    check(
        "listing full
         crm 1: first=Ann email=ann@x.io notes=old note
         google c7 tag=1: first=Ann email=ann@x.io notes=edited in Google",
        r#"link "Ann" (crm 1 = c7) by link tag
google: update "Ann" (crm 1 = c7): notes: edited in Google → old note
google: add c7 to contactGroups/crm
conflict "Ann" notes: crm "old note", google "edited in Google": kept crm (first link)"#,
    );
}

#[test]
fn a_first_link_by_value_fills_no_blank_of_either_side_from_a_record_the_user_may_not_change() {
    // Google's contact is the newer: its blanks stay blanks, its values stay its values, and
    // only the link tag is written.
    check(
        "listing full
         crm 1 readonly: first=Ann email=ann@x.io phone=+1 415 555 0100 title=CEO
         google c7: first=Ann email=ann@x.io bday=--07-14 title=Founder",
        r#"link "Ann" (crm 1 = c7) by email
google: update "Ann" (crm 1 = c7): link tag
crm: not written "Ann" (crm 1 = c7): you may not change this contact in the CRM: Owned by Bob.: phones: +1 415 555 0100 → (empty); birthday: (empty) → --07-14; title: CEO → Founder
google: add c7 to contactGroups/crm"#,
    );
}

#[test]
fn after_a_first_link_google_keeps_its_values_run_after_run() {
    let mut r = round(
        "listing full
         crm 1 readonly: first=Ann email=ann@x.io notes=old note
         google c7 tag=1: first=Ann email=ann@x.io notes=edited in Google",
    );
    let p = r.plan();
    p.commit(&mut r.state, &r.google, &Outcome::default(), 5);
    // The base is the CRM's record: Google's value reads as Google's, never as a CRM edit.
    assert_eq!(r.state.links["1"].base.notes, "old note");
    // Google shows the contact again (a full listing): still nothing written on either side.
    let again = r.plan();
    assert_eq!(again.writes(), 0, "{again}");
    assert_eq!(again.not_written.len(), 1, "{again}");
    // Nothing changed anywhere: nothing to do.
    assert_eq!(
        commit_and_replan(&mut r).to_string().trim(),
        "nothing to do"
    );
}

#[test]
fn googles_edits_are_reported_not_written_and_the_owners_edits_reach_google_marked() {
    check(
        "link 1 c1: first=Ann title=CEO notes=a
         crm 1 readonly: first=Ann title=CTO notes=a
         link 2 c2: first=Bo title=CEO
         crm 2 readonly: first=Bo title=CEO
         google c2 tag=2: first=Bob title=CEO",
        r#"google: update "Ann" (crm 1 = c1): title: CEO → CTO (from a contact you may not change in the CRM)
crm: not written "Bo" (crm 2 = c2): you may not change this contact in the CRM: Owned by Bob.: firstName: Bo → Bob"#,
    );
}

#[test]
fn a_conflict_google_wins_is_not_written_and_one_the_crm_wins_is_marked() {
    check(
        "link 1 c1: first=Ann title=CEO
         crm 1 readonly @5: first=Ann title=CTO
         google c1 tag=1 @9: first=Ann title=COO",
        r#"crm: not written "Ann" (crm 1 = c1): you may not change this contact in the CRM: Owned by Bob.: title: CTO → COO
conflict "Ann" title: crm "CTO", google "COO": kept google (newest)"#,
    );
    check(
        "link 1 c1: first=Ann title=CEO
         crm 1 readonly @9: first=Ann title=CTO
         google c1 tag=1 @5: first=Ann title=COO",
        r#"google: update "Ann" (crm 1 = c1): title: COO → CTO (from a contact you may not change in the CRM)
conflict "Ann" title: crm "CTO", google "COO": kept crm (newest)"#,
    );
}

#[test]
fn a_google_deletion_unlinks_a_record_the_user_may_not_change_and_says_what_was_not_done() {
    check(
        "link 1 c1: first=Ann\n crm 1 readonly: first=Ann\n google-deleted c1",
        r#"crm: not written "Ann" (crm 1 = c1): you may not change this contact in the CRM: Owned by Bob.: delete (deleted in Google)
unlink "Ann" (crm 1 = c1): deleted in Google; the CRM's copy is kept"#,
    );
    check(
        "link 1 c1: first=Ann\n crm 1 readonly: first=Ann\n google-deleted c1\n google-deletes status Past",
        r#"crm: not written "Ann" (crm 1 = c1): you may not change this contact in the CRM: Owned by Bob.: status → Past (deleted in Google)
unlink "Ann" (crm 1 = c1): deleted in Google; the CRM's copy is kept"#,
    );
    // Under the unlink policy nothing was due on the record: nothing to say.
    check(
        "link 1 c1: first=Ann\n crm 1 readonly: first=Ann\n google-deleted c1\n google-deletes unlink",
        r#"unlink "Ann" (crm 1 = c1): deleted in Google; the CRM's copy is kept"#,
    );
}

#[test]
fn a_record_the_user_may_not_change_created_in_google_is_marked() {
    check(
        "listing full\n crm 1 readonly: first=Ann",
        r#"google: create "Ann" (crm 1) in contactGroups/crm, contactGroups/myContacts (from a contact you may not change in the CRM)"#,
    );
}

#[test]
fn a_one_way_run_into_google_says_nothing_of_the_crm_it_does_not_write() {
    check(
        "scope push
         link 1 c1: first=Ann
         crm 1 readonly: first=Ann
         google c1 tag=1: first=Anne",
        "nothing to do",
    );
}
