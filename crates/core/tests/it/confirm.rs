//! Confirming held deletions: the engine's rule, which the shell only passes on.

use crate::harness::*;
use gcontacts_sync_core::sync::engine::{lists_google_in_full, Journal};

#[test]
fn deletions_held_in_google_are_confirmed_from_the_same_sync_token() {
    let mut w = World::new();
    for i in 0..15 {
        let now = w.now();
        w.crm
            .add(person(&format!("P{i}"), "Lee", &format!("p{i}@x.io")), now);
    }
    w.run();
    for g in w.google().iter().take(12) {
        let rn = g["resourceName"]
            .as_str()
            .expect("resource name")
            .to_string();
        w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
    }
    let token = w.state.sync_token.clone();
    assert!(token.is_some());
    w.confirm = false;
    let held = w.run();
    assert_eq!(held.report.held.len(), 1, "{:?}", held.report);
    assert_eq!(
        w.crm.contacts.len(),
        15,
        "nothing deleted before confirmation"
    );
    assert_eq!(
        w.state.sync_token, token,
        "the run that held them left the token before their tombstones"
    );
    assert!(
        !lists_google_in_full(&w.state, &Journal::default()),
        "confirming is no reason to list in full"
    );
    // The shell runs with `confirm_deletions` and the state as saved, nothing reset.
    w.confirm = true;
    let r = w.run();
    assert!(r.report.ok, "{:?}", r.report.errors);
    assert_eq!(r.report.deleted.crm, 12);
    assert_eq!(w.crm.contacts.len(), 3);
    assert_ne!(w.state.sync_token, token, "past the tombstones now");
    let again = w.run();
    assert_eq!(again.report.deleted.crm + again.report.held.len(), 0);
}
