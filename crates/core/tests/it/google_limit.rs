//! Google's limit of contacts per account (25,000; lowered here): the preview says which
//! contacts cannot be created, and the run creates none past the limit and reports each. Those
//! left out are read by id in later runs, not with the whole CRM, and created once there is room.

use crate::harness::*;
use gcontacts_sync_core::sync::engine::{Input, RunResult};
use gcontacts_sync_core::sync::plan::Scope;

#[test]
fn a_sync_past_googles_limit_creates_up_to_it_and_reports_the_rest() {
    let mut w = World::with_google_limit(50);
    w.crm_add_people(60, "Lee");
    let preview = w.preview();
    let left_out: Vec<&str> = preview
        .lines()
        .filter(|l| l.starts_with("google: not created"))
        .collect();
    assert_eq!(left_out.len(), 10, "{preview}");
    assert!(
        left_out[0].ends_with("past Google's limit of 50 contacts"),
        "{}",
        left_out[0]
    );
    assert_eq!(
        preview
            .lines()
            .filter(|l| l.starts_with("google: create"))
            .count(),
        50
    );

    let r = w.run();
    assert_eq!(w.google().len(), 50, "created up to the limit");
    assert_eq!(r.report.created.google, 50);
    let reported: Vec<_> = r
        .report
        .failures
        .iter()
        .filter(|f| f.reason.contains("Google holds at most 50 contacts"))
        .collect();
    assert_eq!(reported.len(), 10, "{:?}", r.report.failures);
    assert!(reported.iter().all(|f| f.retried && f.crm_id.is_some()));
    assert_eq!((r.report.past_limit, r.report.google_limit), (10, 50));
    // No request went past the limit: Google refused nothing.
    assert!(r.report.errors.is_empty(), "{:?}", r.report.errors);
    assert_eq!(
        w.em.request_counts()["people.batchCreateContacts"].requests,
        1
    );

    // The next run tries them again, and still sends none while the account is full.
    let again = w.run();
    assert_eq!(again.report.created.google, 0);
    assert_eq!(again.report.failures.len(), 10);
    assert_eq!(
        w.em.request_counts()["people.batchCreateContacts"].requests,
        1
    );
    assert_eq!(w.google().len(), 50);
}

/// A whole run, and how many contacts the CRM's change feed returned to it.
fn fed(w: &mut World) -> (RunResult, usize) {
    let mut fed = 0;
    let mut count = |answer: &mut Input| {
        if let Input::CrmChanges { items, .. } = answer {
            fed += items.len();
        }
    };
    let r = w
        .drive(Drive {
            answers: Some(&mut count),
            ..Drive::new(Scope::All)
        })
        .expect("runs to its end");
    (r, fed)
}

#[test]
fn an_account_at_googles_limit_reads_only_the_crms_changes_and_creates_the_rest_once_there_is_room()
{
    let mut w = World::with_google_limit(50);
    w.crm_add_people(60, "Lee");
    let (first, read) = fed(&mut w);
    assert_eq!(
        (first.report.created.google, first.report.past_limit),
        (50, 10)
    );
    assert_eq!(read, 60);

    // Nothing changed: the feed returns nothing, and the ten left out are read by id, not the
    // whole CRM again; none is created while the account is full.
    let (again, read) = fed(&mut w);
    assert_eq!(read, 0, "the feed read from where the first run ended");
    assert_eq!(
        (again.report.created.google, again.report.past_limit),
        (0, 10)
    );
    assert_eq!(w.crm.lists, 0);
    assert_eq!(
        w.em.request_counts()["people.batchCreateContacts"].requests,
        1
    );

    // Four contacts deleted in Google (and so in the CRM) make room for four of the ten.
    let names: Vec<String> = w.google()[..4]
        .iter()
        .map(|p| p["resourceName"].as_str().expect("a name").to_string())
        .collect();
    for rn in &names {
        w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
    }
    let (room, read) = fed(&mut w);
    assert_eq!(read, 0);
    assert_eq!((room.report.created.google, room.report.past_limit), (4, 6));
    assert_eq!(room.report.deleted.crm, 4);
    assert_eq!(w.google().len(), 50);

    // Ten more make room for the last six; then none is left out, and none is read again.
    let names: Vec<String> = w.google()[..10]
        .iter()
        .map(|p| p["resourceName"].as_str().expect("a name").to_string())
        .collect();
    for rn in &names {
        w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
    }
    let (last, _) = fed(&mut w);
    assert_eq!((last.report.created.google, last.report.past_limit), (6, 0));
    assert_eq!(w.google().len(), 46);
    let calls = w.crm.calls;
    let (quiet, read) = fed(&mut w);
    assert_eq!((read, writes(&quiet)), (0, 0));
    assert_eq!(
        w.crm.calls - calls,
        1,
        "one feed page, no contact read by id"
    );
    assert!(w.state.past_limit.is_empty());
}
