//! The preview is the plan that runs: a preview planned again with the user's decisions (as each
//! choice in the preview does) makes, once applied with its fingerprint, exactly the writes it
//! listed; a run whose plan moved since the preview writes nothing. And a possible duplicate
//! (the same name on both sides, nothing telling the two apart) is never created twice: it
//! waits, through scheduled runs too, until the user links it or keeps it apart.

use crate::harness::*;
use gcontacts_sync_core::sync::engine::RunResult;
use gcontacts_sync_core::sync::matching::Ambiguity;
use gcontacts_sync_core::sync::model::Side;
use gcontacts_sync_core::sync::plan::{
    ConflictChoice, Decisions, MatchChoice, MatchDecision, Plan, Scope,
};
use gcontacts_sync_core::sync::ErrorCode;
use proptest::prelude::*;
use serde_json::json;

type Rng = gcontacts_sync_core::sync::xorshift::XorShift;

fn preview_result(w: &mut World) -> RunResult {
    w.drive(Drive {
        preview: true,
        ..Drive::new(Scope::All)
    })
    .expect("a preview runs to its end")
}

/// The writes of a plan, as comparable text.
fn writes_of(p: &Plan) -> String {
    format!(
        "{:?}",
        (
            &p.creates_google,
            &p.creates_crm,
            &p.updates,
            &p.deletes,
            &p.links,
            &p.unlinks,
        )
    )
}

fn google_person(given: &str, family: &str, email: &str) -> serde_json::Value {
    json!({
        "names": [{"givenName": given, "familyName": family}],
        "emailAddresses": [{"value": email}],
    })
}

fn zoe_on_both_sides(w: &mut World) -> (String, String) {
    let id = w.crm_add(person("Zoë", "Fairbanks", "zoe@crm.example"));
    let rn = w.google_add(&[google_person("Zoë", "Fairbanks", "zf@gmail.example")])[0].clone();
    (id, rn)
}

#[test]
fn a_possible_duplicate_waits_through_scheduled_runs_created_on_neither_side() {
    let mut w = World::new();
    let (id, rn) = zoe_on_both_sides(&mut w);
    for _ in 0..2 {
        let r = w.run_ok();
        assert_eq!(writes(&r), 0, "nothing created while undecided");
        assert_eq!(r.report.ambiguous.len(), 1, "counted in the report");
        let a = &r.report.ambiguous[0];
        assert_eq!(
            (a.reason, a.id.as_str()),
            (Ambiguity::PossibleDuplicate, id.as_str())
        );
        assert_eq!(a.candidates, vec![rn.clone()]);
    }
    assert_eq!(w.google().len(), 1);
    assert_eq!(w.crm.contacts.len(), 1);
}

#[test]
fn a_possible_duplicate_linked_by_the_user_is_one_contact_on_each_side() {
    let mut w = World::new();
    let (id, rn) = zoe_on_both_sides(&mut w);
    w.decisions.matches = vec![MatchDecision {
        crm_id: id.clone(),
        resource_name: rn.clone(),
        choice: MatchChoice::Link,
    }];
    let r = w.run_ok();
    assert_eq!(r.report.linked, 1);
    assert_eq!(w.resource_name(&id), rn);
    assert_eq!((w.google().len(), w.crm.contacts.len()), (1, 1));
    // Both emails on both sides now, and nothing more to do.
    assert_eq!(w.crm.contacts[&id].contact.emails.len(), 2);
    let next = w.run_ok();
    assert!(next.report.ambiguous.is_empty());
    assert_eq!(writes(&next), 0);
}

#[test]
fn a_possible_duplicate_kept_apart_is_created_on_both_sides_and_never_asked_again() {
    let mut w = World::new();
    let (id, rn) = zoe_on_both_sides(&mut w);
    w.decisions.matches = vec![MatchDecision {
        crm_id: id.clone(),
        resource_name: rn.clone(),
        choice: MatchChoice::Apart,
    }];
    let r = w.run_ok();
    assert_eq!((r.report.created.google, r.report.created.crm), (1, 1));
    assert_eq!((w.google().len(), w.crm.contacts.len()), (2, 2));
    assert_ne!(w.resource_name(&id), rn);
    w.state = reloaded(&w.state);
    let next = w.run_ok();
    assert!(next.report.ambiguous.is_empty(), "remembered");
    assert_eq!(writes(&next), 0);
}

#[test]
fn apply_refuses_a_plan_that_moved_since_the_preview_and_writes_nothing() {
    let mut w = World::new();
    let id = w.crm_add(person("Ann", "Lee", "ann@x.example"));
    w.run_ok();
    w.crm_edit(&id, |c| c.title = "CTO".into());
    let shown = preview_result(&mut w).plan.expect("a plan");
    // Someone edits Google before Apply: the run would write something else.
    let rn = w.resource_name(&id);
    w.google_edit(
        &rn,
        "organizations",
        json!({"organizations": [{"title": "COO"}]}),
    );
    let (state, google, crm) = (w.state.clone(), w.google(), w.crm.contacts.clone());
    w.fingerprint = Some(shown.fingerprint.clone());
    let r = w.run();
    assert!(r.plan.is_none());
    assert!(
        r.report
            .errors
            .iter()
            .any(|e| e.code == ErrorCode::PlanChanged),
        "{:?}",
        r.report.errors
    );
    assert_eq!(w.google(), google, "Google changed");
    assert_eq!(w.crm.contacts, crm, "the CRM changed");
    assert_eq!(w.state.links, state.links);
    // Previewed again, it applies.
    let shown = preview_result(&mut w).plan.expect("a plan");
    w.fingerprint = Some(shown.fingerprint);
    assert!(w.run_ok().report.errors.is_empty());
}

/// A world with linked contacts edited on both sides (conflicts), contacts sharing an email
/// under two names (ambiguous), same-name contacts on both sides (possible duplicates) and
/// contacts of their own, drawn from `seed`.
fn random_world(rng: &mut Rng) -> World {
    const FIRST: [&str; 4] = ["Ann", "Bo", "Zoë", "Cy"];
    const LAST: [&str; 3] = ["Lee", "Ng", "Fairbanks"];
    let mut w = World::new();
    let name = |rng: &mut Rng| (FIRST[rng.below(4)], LAST[rng.below(3)]);
    let mut ids = Vec::new();
    for i in 0..2 + rng.below(4) {
        let (f, l) = name(rng);
        ids.push(w.crm_add(person(f, l, &format!("p{i}@x.example"))));
    }
    w.run_ok();
    for id in &ids {
        if rng.chance(60) {
            w.crm_edit(id, |c| c.title = "CTO".into());
            if rng.chance(70) {
                let rn = w.resource_name(id);
                w.google_edit(
                    &rn,
                    "organizations",
                    json!({"organizations": [{"title": "COO"}]}),
                );
            }
        }
    }
    for i in 0..rng.below(4) {
        let (f, l) = name(rng);
        w.crm_add(person(f, l, &format!("c{i}@crm.example")));
    }
    let mut people = Vec::new();
    for i in 0..rng.below(4) {
        let (f, l) = name(rng);
        let email = if rng.chance(30) {
            format!("c{}@crm.example", rng.below(3))
        } else {
            format!("g{i}@gmail.example")
        };
        people.push(google_person(f, l, &email));
    }
    if !people.is_empty() {
        w.google_add(&people);
    }
    w
}

/// The user's choices on a plan, at random: a side for some conflicts, a link or a keeping
/// apart for some decidable ambiguous matches.
fn random_decisions(rng: &mut Rng, p: &Plan) -> Decisions {
    let mut d = Decisions::default();
    for c in &p.conflicts {
        if rng.chance(60) {
            d.conflicts.push(ConflictChoice {
                crm_id: c.crm_id.clone(),
                field: c.conflict.field,
                key: String::new(),
                keep: if rng.chance(50) {
                    Side::Crm
                } else {
                    Side::Google
                },
            });
        }
    }
    let mut used = std::collections::BTreeSet::new();
    for a in p.ambiguous.iter().filter(|a| a.decidable()) {
        if !rng.chance(70) {
            continue;
        }
        let pairs: Vec<(String, String)> = a
            .pairs()
            .map(|(c, g)| (c.to_string(), g.to_string()))
            .collect();
        if rng.chance(50) {
            let (c, g) = pairs[rng.below(pairs.len())].clone();
            if used.insert(c.clone()) && used.insert(g.clone()) {
                d.matches.push(MatchDecision {
                    crm_id: c,
                    resource_name: g,
                    choice: MatchChoice::Link,
                });
            }
        } else {
            for (c, g) in pairs {
                if !used.contains(&c) && !used.contains(&g) {
                    d.matches.push(MatchDecision {
                        crm_id: c,
                        resource_name: g,
                        choice: MatchChoice::Apart,
                    });
                }
            }
        }
    }
    d
}

fn cases() -> u32 {
    std::env::var("GCS_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Applying a previewed plan with decisions makes exactly the writes the preview listed:
    /// the preview planned again with the decisions, applied with its fingerprint, runs that
    /// plan, and the report counts what it listed.
    #[test]
    fn applying_a_previewed_plan_with_decisions_makes_exactly_its_writes(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let mut w = random_world(&mut rng);
        let preview = preview_result(&mut w);
        let undecided = preview.plan.expect("a plan");
        let d = random_decisions(&mut rng, &undecided);
        let shown = preview.replanner.expect("a preview keeps its inputs").plan(&d);
        prop_assert!(shown.rejected.is_empty(), "{:?}", shown.rejected);
        w.decisions = d;
        w.fingerprint = Some(shown.fingerprint.clone());
        let r = w.run();
        prop_assert!(r.report.errors.is_empty(), "{:?}\n{shown}", r.report.errors);
        let ran = r.plan.expect("the run planned");
        prop_assert_eq!(writes_of(&ran), writes_of(&shown));
        let x = &r.report;
        prop_assert_eq!(x.created.google, shown.creates_google.len());
        prop_assert_eq!(x.created.crm, shown.creates_crm.len());
        let updates = |s: Side| shown.updates.iter().filter(|u| u.side == s).count();
        prop_assert_eq!((x.updated.crm, x.updated.google), (updates(Side::Crm), updates(Side::Google)));
        prop_assert_eq!((x.deleted.crm, x.deleted.google), (0, 0));
        prop_assert_eq!(&x.conflicts, &shown.conflicts);
    }
}
