//! What Google does that the emulator models only approximately, and how the plugin copes: writes
//! that reach incremental listings minutes late, the extra quota on the first page of a full
//! listing, and one mutate at a time per user.

use crate::harness::*;
use gcontacts_sync_core::people::request::HttpRequest;
use gcontacts_sync_core::sync::engine::{Action, Input};
use gcontacts_sync_core::sync::plan::Scope;
use people_emulator::{FaultKind, FaultRule};
use serde_json::json;

/// "Writes may have a propagation delay of several minutes for sync requests."
const PROPAGATION_MS: u64 = 5 * 60_000;

#[test]
fn a_google_edit_that_has_not_reached_the_sync_listing_yet_arrives_with_a_later_run() {
    let mut w = World::new();
    let id = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    w.run_ok();
    w.em.set_propagation_delay(PROPAGATION_MS);
    let rn = w.resource_name(&id);

    // One minute later the user renames her in Google; the next run comes before the edit has
    // reached incremental listings.
    w.google_edit(
        &rn,
        "names",
        json!({"names": [{"givenName": "Anna", "familyName": "Lee"}]}),
    );
    let early = w.run_ok();
    assert_eq!(writes(&early), 0, "nothing to do yet: {:?}", early.plan);
    assert_eq!(w.crm.contacts[&id].contact.name.given, "Ann");

    // Once Google has propagated it, the edit is read and reaches the CRM, once.
    w.em.advance_clock(PROPAGATION_MS);
    let late = w.run_ok();
    assert_eq!(late.report.updated.crm, 1, "{:?}", late.plan);
    assert_eq!(w.crm.contacts[&id].contact.name.given, "Anna");
    w.settled();
}

#[test]
fn the_plugins_own_writes_echoing_late_in_the_sync_listing_are_not_taken_for_edits() {
    let mut w = World::new();
    let id = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    w.run_ok();
    w.em.set_propagation_delay(PROPAGATION_MS);

    w.em.advance_clock(60_000);
    w.crm_edit(&id, |c| c.name.given = "Anna".into());
    let pushed = w.run_ok();
    assert_eq!(pushed.report.updated.google, 1);

    // The update reaches incremental listings only now: it is the plugin's own write, so
    // neither side is written again, and the CRM keeps the user's value.
    w.em.advance_clock(PROPAGATION_MS);
    let echo = w.run_ok();
    assert_eq!(writes(&echo), 0, "an echo is not an edit: {:?}", echo.plan);
    assert_eq!(w.crm.contacts[&id].contact.name.given, "Anna");
    assert_eq!(given_name(&w.twin(&id)), "Anna");
    w.settled();
}

fn given_name(p: &serde_json::Value) -> &str {
    p["names"][0]["givenName"].as_str().unwrap_or("")
}

#[test]
fn a_429_on_the_first_page_of_a_full_listing_is_waited_out_and_the_listing_completes() {
    let mut w = World::new();
    w.google_add(&[
        json!({"names": [{"givenName": "Bo", "familyName": "Kim"}], "emailAddresses": [{"value": "bo@x.io"}]}),
        json!({"names": [{"givenName": "Cy", "familyName": "Kim"}], "emailAddresses": [{"value": "cy@x.io"}]}),
    ]);
    // Google's fixed extra quota on a full sync's first page, exhausted twice in a row.
    w.em.add_faults(vec![FaultRule {
        method: "people.connections.list".into(),
        kind: FaultKind::Status { status: 429 },
        count: 2,
    }]);
    let r = w.run_ok();
    assert_eq!(r.report.throttled, 2);
    assert_eq!(r.report.requests.get("people.connections.list"), Some(&3));
    assert_eq!(r.report.created.crm, 2, "the whole listing was read");
    assert_eq!(w.crm.contacts.len(), 2);
    w.settled();
}

#[test]
fn the_engine_never_has_two_requests_to_google_outstanding() {
    let mut w = World::new();
    w.crm_add_people(450, "Lee");
    w.google_add(&[json!({"names": [{"givenName": "Di", "familyName": "Lee"}]})]);
    let mut e = w.engine(Scope::All, false);
    let mut mutates = 0;
    loop {
        let now = w.now();
        match e.poll(now) {
            Action::Http(req) => {
                // Asked again before answering, the engine asks for the same request again:
                // never a second one beside it.
                match e.poll(now) {
                    Action::Http(again) => assert_eq!(again, req, "two requests at once"),
                    other => panic!("{req} unanswered, and the engine goes on: {other:?}"),
                }
                if req.method.as_str() != "GET" {
                    mutates += 1;
                }
                let answer = answer(&w, &req);
                e.handle(answer, w.now());
            }
            Action::Crm(call) => {
                let input = w.crm.answer(call, now);
                e.handle(input, w.now());
            }
            Action::SaveJournal(_) => e.handle(Input::Saved, now),
            Action::Download { url, .. } => {
                panic!("no photo is synced here, yet {url} was fetched")
            }
            Action::Sleep { until } => w.em.advance_clock((until - now).max(0) as u64),
            Action::Progress { .. } => {}
            Action::Done => break,
        }
    }
    let result = e.finish();
    assert!(result.report.ok, "{:?}", result.report.errors);
    assert_eq!(result.report.created.google, 450);
    assert!(mutates >= 3, "the creates went out one batch after another");
}

/// The emulator's answer to `req`, as the shell hands it to the engine.
fn answer(w: &World, req: &HttpRequest) -> Input {
    let path = req.url.strip_prefix(BASE).expect("our base URL");
    let mut r = people_emulator::Request::new(req.method.as_str(), path).bearer(&w.token);
    if let Some(body) = &req.body {
        r = r
            .header("Content-Type", "application/json")
            .body(body.clone());
    }
    let resp = w.em.handle(r);
    Input::Http {
        status: resp.status,
        retry_after_ms: None,
        body: resp.text(),
    }
}
