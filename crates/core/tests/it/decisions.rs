//! The user's decisions in the preview, through the real engine and the emulator: a conflict
//! settled for one side writes that side's value to the other; an ambiguous match linked to a
//! candidate links exactly it; one kept apart stays apart on later runs, also after the state
//! is saved and loaded again; decisions that name nothing in the plan change nothing.

use crate::harness::*;
use gcontacts_sync_core::sync::engine::RunResult;
use gcontacts_sync_core::sync::model::{Field, Side};
use gcontacts_sync_core::sync::plan::{ConflictChoice, Decisions, MatchChoice, MatchDecision};
use gcontacts_sync_core::sync::settings::{ConflictPolicy, Directions};
use gcontacts_sync_core::sync::ErrorCode;
use serde_json::json;

/// A linked contact whose title was edited on both sides since: CRM "CTO", Google "COO".
fn title_conflict(policy: ConflictPolicy) -> (World, String, String) {
    let mut w = World::new();
    w.settings.conflict_policy = policy;
    let mut c = person("Ann", "Lee", "ann@x.io");
    c.title = "CEO".into();
    let id = w.crm_add(c);
    w.run_ok();
    let rn = w.resource_name(&id);
    w.crm_edit(&id, |c| c.title = "CTO".into());
    w.google_edit(
        &rn,
        "organizations",
        json!({"organizations": [{"title": "COO"}]}),
    );
    (w, id, rn)
}

fn keep(id: &str, field: Field, side: Side) -> Decisions {
    Decisions {
        conflicts: vec![ConflictChoice {
            crm_id: id.into(),
            field,
            key: String::new(),
            keep: side,
        }],
        matches: Vec::new(),
        pending: Vec::new(),
    }
}

fn title_of_twin(w: &World, id: &str) -> String {
    w.twin(id)["organizations"][0]["title"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_conflict_decided_for_google_writes_googles_value_to_the_crm() {
    // The policy would keep the CRM's value: the user's choice overrides it for this run.
    let (mut w, id, _) = title_conflict(ConflictPolicy::Crm);
    assert!(w.preview().contains(r#"title: crm "CTO", google "COO""#));
    w.decisions = keep(&id, Field::Title, Side::Google);
    let r = w.run_ok();
    assert_eq!(r.report.conflicts.len(), 1);
    assert_eq!(r.report.conflicts[0].conflict.kept, Side::Google);
    assert_eq!(w.crm.contacts[&id].contact.title, "COO");
    assert_eq!(title_of_twin(&w, &id), "COO");
    w.settled();
}

#[test]
fn a_conflict_decided_for_the_crm_writes_the_crms_value_to_google() {
    let (mut w, id, _) = title_conflict(ConflictPolicy::Google);
    w.decisions = keep(&id, Field::Title, Side::Crm);
    w.run_ok();
    assert_eq!(title_of_twin(&w, &id), "CTO");
    assert_eq!(w.crm.contacts[&id].contact.title, "CTO");
    w.settled();
}

/// Two Hernandez in the CRM share a phone with one Mia Hernandez in Google: an ambiguous match
/// of the Google contact, with both CRM contacts as candidates. Returns the CRM ids (Mia, Leo)
/// and the Google contact's resource name.
fn one_phone_two_hernandez(w: &mut World) -> (String, String, String) {
    let mia = w.crm_add(with_phone(person("Mia", "Hernandez", ""), "(415) 555-0132"));
    let leo = w.crm_add(with_phone(person("Leo", "Hernandez", ""), "(415) 555-0132"));
    let rn = w
        .google_add(&[json!({
            "names": [{"givenName": "Mia", "familyName": "Hernandez"}],
            "phoneNumbers": [{"value": "+1 415 555 0132"}],
            "birthdays": [{"date": {"year": 1990, "month": 3, "day": 4}}]
        })])
        .remove(0);
    (mia, leo, rn)
}

fn decide(crm_id: &str, rn: &str, choice: MatchChoice) -> MatchDecision {
    MatchDecision {
        crm_id: crm_id.into(),
        resource_name: rn.into(),
        choice,
    }
}

/// Every CRM contact is linked to its own Google contact, and Google holds no other.
fn one_to_one(w: &World) {
    let twins: std::collections::BTreeSet<&str> = w
        .state
        .links
        .values()
        .map(|l| l.resource_name.as_str())
        .collect();
    assert_eq!(
        w.state.links.len(),
        w.crm.contacts.len(),
        "every CRM contact linked"
    );
    assert_eq!(
        twins.len(),
        w.state.links.len(),
        "each to its own Google contact"
    );
    assert_eq!(w.google().len(), twins.len(), "and no other Google contact");
}

#[test]
fn an_ambiguous_match_linked_to_a_chosen_candidate_links_exactly_it_and_then_no_more_warning() {
    let mut w = World::new();
    let (mia, leo, rn) = one_phone_two_hernandez(&mut w);
    let first = w.run_ok();
    assert_eq!(
        first.report.ambiguous.len(),
        1,
        "{:?}",
        first.report.ambiguous
    );
    let a = &first.report.ambiguous[0];
    assert_eq!((a.side, a.id.as_str()), (Side::Google, rn.as_str()));
    assert_eq!(a.candidates, [mia.clone(), leo.clone()]);
    assert_eq!(a.shared, ["+1 415 555 0132"]);
    assert!(a.decidable());

    w.decisions.matches = vec![decide(&mia, &rn, MatchChoice::Link)];
    let r = w.run_ok();
    assert_eq!(
        w.resource_name(&mia),
        rn,
        "Mia is linked to the Google contact chosen"
    );
    assert!(r.report.ambiguous.is_empty());
    // Merged by the usual rules: the birthday only Google had reaches the CRM.
    assert_eq!(
        w.crm.contacts[&mia].contact.birthday.map(|b| b.to_string()),
        Some("1990-03-04".into())
    );
    // Leo is somebody else: sent to Google as a contact of his own.
    assert_ne!(w.resource_name(&leo), rn);
    let next = w.run_ok();
    assert!(next.report.ambiguous.is_empty());
    assert_eq!(writes(&next), 0);
    one_to_one(&w);
}

#[test]
fn an_ambiguous_match_kept_apart_stays_apart_across_runs_and_a_reload() {
    let mut w = World::new();
    // Nothing can be created for these contacts (the CRM's contacts are outside the view sent
    // to Google, and Google's do not come to the CRM), so only the remembered choice keeps the
    // warning from coming back.
    w.settings.crm_view_id = Some(VIEW.into());
    w.settings.directions = Directions::CrmToGoogle;
    let (mia, leo, rn) = one_phone_two_hernandez(&mut w);
    for _ in 0..2 {
        assert_eq!(
            w.run_ok().report.ambiguous.len(),
            1,
            "reported until decided"
        );
    }
    w.decisions.matches = vec![
        decide(&mia, &rn, MatchChoice::Apart),
        decide(&leo, &rn, MatchChoice::Apart),
    ];
    let r = w.run_ok();
    assert!(r.report.ambiguous.is_empty());
    assert_eq!(writes(&r), 0);
    assert_eq!(w.state.apart.len(), 2);
    for reload in [false, true] {
        if reload {
            w.state = reloaded(&w.state);
        }
        let again = w.run_ok();
        assert!(again.report.ambiguous.is_empty(), "reload {reload}");
        assert_eq!((again.report.linked, writes(&again)), (0, 0));
    }
    assert!(w.state.links.is_empty());
    assert_eq!(w.google().len(), 1);
    assert_eq!(w.crm.contacts.len(), 2);
}

fn refused(r: &RunResult) -> bool {
    !r.report.ok
        && r.report
            .errors
            .iter()
            .any(|e| e.code == ErrorCode::InvalidInput && e.message.starts_with("decisions: "))
}

#[test]
fn decisions_naming_nothing_in_the_plan_are_refused_and_change_nothing() {
    let (mut w, id, rn) = title_conflict(ConflictPolicy::Crm);
    let bad = [
        keep("no-such-contact", Field::Title, Side::Google),
        keep(&id, Field::Company, Side::Google),
        Decisions {
            conflicts: Vec::new(),
            matches: vec![decide(&id, &rn, MatchChoice::Link)],
            pending: Vec::new(),
        },
        Decisions {
            conflicts: vec![ConflictChoice {
                crm_id: id.clone(),
                field: Field::Title,
                key: String::new(),
                keep: Side::Google,
            }],
            matches: vec![decide("c404", "people/c404", MatchChoice::Apart)],
            pending: Vec::new(),
        },
    ];
    for decisions in bad {
        let (state, google, crm) = (w.state.clone(), w.google(), w.crm.contacts.clone());
        w.decisions = decisions.clone();
        let r = w.run();
        assert!(refused(&r), "{decisions:?}: {:?}", r.report.errors);
        assert_eq!(w.state, state, "{decisions:?}: the state changed");
        assert_eq!(w.google(), google, "{decisions:?}: Google changed");
        assert_eq!(w.crm.contacts, crm, "{decisions:?}: the CRM changed");
    }
    // The conflict is still there to decide, as it was.
    assert!(w.preview().contains(r#"title: crm "CTO", google "COO""#));
}
