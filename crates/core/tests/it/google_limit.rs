//! Google's limit of contacts per account (25,000; lowered here): the preview says which
//! contacts cannot be created, and the run creates none past the limit and reports each.

use crate::harness::*;

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
