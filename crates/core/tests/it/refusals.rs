//! What a run reports of the contacts it could not sync: a host refusal naming one contact fails
//! that contact alone (named, with its side and reason, retried next run) while the rest of its
//! batch is written; an ended CRM session stops the run with nothing reported done that was not;
//! a request abandoned by Cancel ends the run, its creates looked up by the next run; created
//! pairs count as linked.

use crate::harness::*;
use gcontacts_sync_core::sync::engine::{FailureKind, Input, Phase};
use gcontacts_sync_core::sync::model::Side;
use gcontacts_sync_core::sync::plan::Scope;
use serde_json::json;

/// Five linked contacts, each with a note edited in Google since: the next run updates all five
/// in the CRM. Answers their CRM ids.
fn five_edited_in_google(w: &mut World) -> Vec<String> {
    w.crm_add_people(5, "Lee");
    w.run_ok();
    let ids: Vec<String> = w.crm.contacts.keys().cloned().collect();
    for id in &ids {
        let rn = w.resource_name(id);
        w.google_edit(
            &rn,
            "biographies",
            json!({ "biographies": [{ "value": format!("edited {id}") }] }),
        );
    }
    ids
}

#[test]
fn a_contact_the_crm_refuses_fails_alone_named_with_its_reason_and_the_rest_is_written() {
    let mut w = World::new();
    let ids = five_edited_in_google(&mut w);
    w.crm.refuse_writes.insert(ids[1].clone());
    w.crm.refuse_writes.insert(ids[3].clone());
    let r = w.run();
    assert_eq!(r.report.updated.crm, 3, "{:?}", r.report.errors);
    assert_eq!(r.report.contacts, 5);
    let failed: Vec<_> = r
        .report
        .failures
        .iter()
        .map(|f| f.crm_id.clone().unwrap_or_default())
        .collect();
    assert_eq!(failed, vec![ids[1].clone(), ids[3].clone()]);
    for f in &r.report.failures {
        assert_eq!(f.kind, FailureKind::Refused);
        assert_eq!(f.side, Side::Crm);
        assert_eq!(f.host_code.as_deref(), Some("PERMISSION_DENIED"));
        assert!(f.retried);
        assert!(!f.name.is_empty());
        assert_eq!(
            f.reason,
            format!("you may not change {} in the CRM", f.name)
        );
    }
    // The technical side keeps the host's code and contact.
    assert!(r
        .report
        .errors
        .iter()
        .all(|e| e.contact.is_some() && e.host_code.as_deref() == Some("PERMISSION_DENIED")));
    for (i, id) in ids.iter().enumerate() {
        let note = w.crm.contacts[id].contact.notes.clone();
        assert_eq!(note.contains("edited"), i != 1 && i != 3, "{id}: {note:?}");
    }
    // Allowed again, the next run writes the two it could not.
    w.crm.refuse_writes.clear();
    let r = w.run_ok();
    assert_eq!(r.report.updated.crm, 2);
    assert!(r.report.failures.is_empty());
    w.settled();
}

#[test]
fn a_stale_write_the_crm_refuses_is_a_contact_that_changed_not_an_error() {
    let mut w = World::new();
    let ids = five_edited_in_google(&mut w);
    // The host answers the update without the contact its stale-write check refused (the
    // update's answer is the one carrying the edited notes).
    let stale = ids[2].clone();
    let mut answers = |input: &mut Input| {
        if let Input::Crm { items, .. } = input {
            items.retain(
                |c| !matches!(c, Ok(c) if c.id == stale && c.contact.notes.contains("edited")),
            );
        }
    };
    let r = w
        .drive(Drive {
            answers: Some(&mut answers),
            ..Drive::new(Scope::All)
        })
        .expect("not interrupted");
    assert_eq!(r.report.failures.len(), 1, "{:?}", r.report.failures);
    let f = &r.report.failures[0];
    assert_eq!(f.kind, FailureKind::Changed);
    assert_eq!(f.crm_id.as_deref(), Some(ids[2].as_str()));
    assert!(f.retried);
    assert!(r.report.errors.is_empty(), "{:?}", r.report.errors);
    assert!(r.report.ok);
}

#[test]
fn an_ended_crm_session_stops_the_run_saying_to_log_in_and_reports_nothing_done() {
    let mut w = World::new();
    five_edited_in_google(&mut w);
    w.crm.session_ended = true;
    let calls = w.crm.calls;
    let r = w.run();
    assert!(!r.report.ok);
    assert_eq!(w.crm.calls - calls, 1, "stops at the first refusal");
    assert_eq!(r.report.errors.len(), 1, "{:?}", r.report.errors);
    let e = &r.report.errors[0];
    assert_eq!(e.host_code.as_deref(), Some("UNAUTHENTICATED"));
    assert!(
        e.message.contains("log in to the CRM again"),
        "{}",
        e.message
    );
    assert_eq!(r.report.updated.crm + r.report.updated.google, 0);
    assert_eq!(r.report.created.crm + r.report.created.google, 0);
    assert_eq!(r.report.linked, 0);
    // Back in, the next run does the job.
    w.crm.session_ended = false;
    let r = w.run_ok();
    assert_eq!(r.report.updated.crm, 5);
}

#[test]
fn created_pairs_count_as_linked() {
    let mut w = World::new();
    w.crm_add_people(3, "Lee");
    let r = w.run_ok();
    assert_eq!(r.report.created.google, 3);
    assert_eq!(r.report.linked, 3);
    assert_eq!(r.report.contacts, 3);
    let r = w.run_ok();
    assert_eq!(r.report.linked, 0, "nothing new to link");
}

#[test]
fn a_create_abandoned_by_cancel_ends_the_run_and_the_next_run_finds_it_instead_of_sending_it_again()
{
    let mut w = World::new();
    w.crm_add_people(4, "Lee");
    // Google made the contacts, but the run stopped waiting for the answer: Cancel.
    let mut once = true;
    let mut answers = |input: &mut Input| {
        if let Input::Http { body, .. } = input {
            if once && body.contains("createdPeople") {
                once = false;
                *input = Input::Cancelled;
            }
        }
    };
    let r = w
        .drive(Drive {
            answers: Some(&mut answers),
            ..Drive::new(Scope::All)
        })
        .expect("not interrupted");
    assert!(r.report.cancelled);
    assert_eq!(r.report.created.google, 0, "not known made, not reported");
    assert!(r.report.errors.is_empty(), "{:?}", r.report.errors);
    assert_eq!(w.google().len(), 4);
    let r = w.run_ok();
    assert_eq!(
        r.report.created.google, 0,
        "found by their tags, not sent again"
    );
    assert_eq!(w.google().len(), 4);
    assert_eq!(w.state.links.len(), 4);
    w.settled();
}

#[test]
fn each_side_is_named_before_its_first_request_goes_out() {
    let mut w = World::new();
    w.crm_add_people(2, "Lee");
    w.run_ok();
    // Google's group, then its listing, then the CRM: each side once, before it waits for it.
    assert_eq!(w.phases, [Phase::ReadingGoogle, Phase::ReadingCrm]);
    w.run_ok();
    assert_eq!(w.phases, [Phase::ReadingGoogle, Phase::ReadingCrm]);
}

#[test]
fn a_batch_google_refuses_lists_each_of_its_contacts_retried_next_run() {
    use gcontacts_sync_core::sync::ErrorCode;
    use people_emulator::{FaultKind, FaultRule};
    let mut w = World::new();
    w.crm_add_people(3, "Lee");
    w.em.add_faults(vec![FaultRule {
        method: "batchCreateContacts".into(),
        kind: FaultKind::Status { status: 400 },
        count: 1,
    }]);
    let r = w.run();
    assert!(!r.report.ok);
    assert_eq!(r.report.contacts, 3);
    let mut names: Vec<&str> = r.report.failures.iter().map(|f| f.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["P0 Lee", "P1 Lee", "P2 Lee"]);
    for f in &r.report.failures {
        assert_eq!(
            (f.side, f.kind, f.code),
            (Side::Google, FailureKind::Failed, ErrorCode::GoogleError)
        );
        assert_eq!(f.reason, "Google answered with an error");
        assert!(f.retried && f.crm_id.is_some());
    }
    let r = w.run_ok();
    assert_eq!(r.report.created.google, 3, "the next run sends them");
    assert!(r.report.failures.is_empty());
}
