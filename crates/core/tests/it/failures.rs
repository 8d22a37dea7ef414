//! Runs that fail or are stopped, as the user sees them: an outage ends a run someone waits on
//! within seconds, saying while it waits that it retries; a cancelled run keeps both sides
//! consistent and the next run finishes its job.

use crate::harness::*;
use gcontacts_sync_core::sync::engine::Patience;
use gcontacts_sync_core::sync::plan::Scope;
use gcontacts_sync_core::sync::ErrorCode;
use people_emulator::{FaultKind, FaultRule};
use std::collections::BTreeSet;

/// Google answers 503 to every request from now on.
fn total_outage(w: &World) {
    w.em.add_faults(vec![FaultRule {
        method: "*".into(),
        kind: FaultKind::Status { status: 503 },
        count: 10_000,
    }]);
}

fn requests(r: &gcontacts_sync_core::sync::engine::RunResult) -> usize {
    r.report.requests.values().sum()
}

#[test]
fn a_total_outage_fails_the_run_after_its_patience_saying_each_retry() {
    // (patience, attempts made, the longest the run may take)
    let cases = [
        (Patience::INTERACTIVE, 4, 20_000),
        (Patience::SCHEDULED, 6, 5 * 60_000),
    ];
    for (patience, attempts, within_ms) in cases {
        let mut w = World::new();
        w.crm_add_people(3, "Lee");
        w.patience = patience;
        total_outage(&w);
        let started = w.now();
        let r = w.run();
        let took = w.now() - started;
        let label = format!("{patience:?}");
        assert!(!r.report.ok, "{label}: a run that did nothing is failed");
        assert_eq!(r.report.errors.len(), 1, "{label}: {:?}", r.report.errors);
        assert_eq!(r.report.errors[0].code, ErrorCode::GoogleError, "{label}");
        assert_eq!(requests(&r), attempts, "{label}: {:?}", r.report.requests);
        assert!(took < within_ms, "{label}: gave up after {took} ms");
        assert!(w.google().is_empty() && w.state.links.is_empty(), "{label}");
        // Every wait was announced first: the next attempt's number, out of how many, and when.
        let announced: Vec<u32> = w.retries.iter().map(|r| r.attempt).collect();
        assert_eq!(
            announced,
            (2..=attempts as u32).collect::<Vec<_>>(),
            "{label}"
        );
        let waited: u64 = w.retries.iter().map(|r| r.wait_ms).sum();
        assert_eq!(
            took as u64, waited,
            "{label}: the run waits only as announced"
        );
        for r in &w.retries {
            assert_eq!(r.max_attempts, attempts as u32, "{label}");
            assert_eq!(r.code, ErrorCode::GoogleError, "{label}");
            assert!(r.wait_ms > 0 && r.at > started, "{label}: {r:?}");
        }
    }
}

#[test]
fn an_interactive_run_recovers_from_an_outage_shorter_than_its_patience() {
    let mut w = World::new();
    w.crm_add_people(3, "Lee");
    w.patience = Patience::INTERACTIVE;
    w.em.add_faults(vec![FaultRule {
        method: "*".into(),
        kind: FaultKind::Status { status: 503 },
        count: 2,
    }]);
    let r = w.run_ok();
    assert_eq!(r.report.created.google, 3);
    assert_eq!(w.retries.len(), 2, "{:?}", w.retries);
}

#[test]
fn a_cancelled_run_keeps_what_it_sent_and_the_next_run_finishes_with_no_duplicate() {
    let mut w = World::new();
    w.crm_add_people(450, "Lee");
    // Cancelled once the first of three batch creates was answered (see the interrupted-run
    // scenario for the actions before it).
    w.cancel_after = Some(7);
    let r = w.run_with(Scope::All, None).expect("a cancelled run ends");
    assert!(r.report.cancelled, "{:?}", r.report);
    assert!(r.report.errors.is_empty(), "{:?}", r.report.errors);
    let sent = w.google().len();
    assert!(
        0 < sent && sent < 450,
        "stopped between batches: {sent} sent"
    );
    assert_eq!(r.report.created.google, sent);
    assert_eq!(w.state.links.len(), sent, "what was sent is linked");
    assert!(w.journal.is_none(), "nothing left in doubt");
    let r = w.run_ok();
    assert!(!r.report.cancelled);
    assert_eq!(r.report.created.google, 450 - sent);
    let emails: BTreeSet<String> = w
        .google()
        .iter()
        .map(|p| {
            p["emailAddresses"][0]["value"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!((w.google().len(), emails.len()), (450, 450), "no duplicate");
    assert_eq!(w.crm.contacts.len(), 450);
    w.settled();
}

#[test]
fn a_run_cancelled_while_waiting_to_retry_stops_without_another_attempt() {
    let mut w = World::new();
    w.crm_add_people(3, "Lee");
    w.patience = Patience::SCHEDULED;
    total_outage(&w);
    // The first listing fails; the run announces its retry, then is cancelled.
    w.cancel_after = Some(3);
    let started = w.now();
    let r = w.run();
    assert!(r.report.cancelled);
    assert!(requests(&r) <= 2, "{:?}", r.report.requests);
    assert!(w.now() - started < 5_000);
    assert!(w.google().is_empty());
}

#[test]
fn an_interactive_run_does_not_wait_out_a_retry_after_beyond_its_patience() {
    // (patience, whether the run waits the 30 s Google asks for)
    for (patience, waits) in [(Patience::INTERACTIVE, false), (Patience::SCHEDULED, true)] {
        let mut w = World::new();
        w.crm_add_people(1, "Lee");
        w.patience = patience;
        w.net.push(NetFault {
            url: "contactGroups",
            count: 1,
            kind: NetKind::Answer {
                status: 503,
                retry_after_ms: Some(30_000),
                body: r#"{"error":{"code":503,"message":"unavailable","status":"UNAVAILABLE"}}"#,
            },
        });
        let started = w.now();
        let r = w.run();
        let took = w.now() - started;
        assert_eq!(r.report.ok, waits, "{patience:?}: {:?}", r.report.errors);
        assert_eq!(took >= 30_000, waits, "{patience:?}: took {took} ms");
        assert_eq!(w.google().len(), usize::from(waits), "{patience:?}");
        if !waits {
            assert_eq!(r.report.errors[0].code, ErrorCode::GoogleError);
            assert!(w.retries.is_empty(), "no retry announced that is not made");
        }
    }
}
