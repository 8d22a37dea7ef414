//! The stateful property test of DESIGN §6: random edits on both sides, random faults (429, 5xx,
//! dropped connections, etag mismatches, expired tokens) and random interruptions, then fault-free
//! runs. Afterwards both sides agree on every linked contact, no contact has two twins, nothing
//! was lost beyond the deletion rules, and a further run writes nothing.
//! Cases: 500 by default; `GCS_PROPTEST_CASES` raises it.

use crate::harness::*;
use gcontacts_sync::sync::model::{Contact, Email, Phone};
use gcontacts_sync::sync::plan::Scope;
use people_emulator::{FaultKind, FaultRule};
use proptest::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

type Rng = gcontacts_sync::sync::xorshift::XorShift;

const NAMES: [&str; 6] = ["Ann", "Bo", "Cy", "Dee", "Zoë", "Ólafur"];

fn contact(rng: &mut Rng, n: usize) -> Contact {
    let mut c = Contact::default();
    c.name.given = NAMES[rng.below(NAMES.len())].to_string();
    c.name.family = format!("F{n}");
    if rng.chance(80) {
        c.emails.push(Email {
            value: format!("u{n}@x.io"),
            kind: "work".into(),
            primary: false,
        });
    }
    if rng.chance(50) {
        c.phones.push(Phone {
            value: format!("+1 415 555 {:04}", n % 10_000),
            kind: "mobile".into(),
            canonical: None,
            primary: false,
        });
    }
    c
}

/// Random edits on both sides.
fn edit(w: &mut World, rng: &mut Rng, serial: &mut usize) {
    for _ in 0..rng.below(5) {
        *serial += 1;
        let n = *serial;
        match rng.below(6) {
            0 => {
                let c = contact(rng, n);
                let now = w.now();
                w.crm.add(c, now);
            }
            1 => {
                let ids: Vec<String> = w.crm.contacts.keys().cloned().collect();
                if let Some(id) = ids.get(rng.below(ids.len())) {
                    let now = w.now();
                    let c = w.crm.contacts.get_mut(id).unwrap();
                    c.contact.title = format!("T{n}");
                    c.modified_at = now;
                }
            }
            2 => {
                let c = contact(rng, n);
                let mut p =
                    json!({"names": [{"givenName": c.name.given, "familyName": c.name.family}]});
                if let Some(e) = c.emails.first() {
                    p["emailAddresses"] = json!([{"value": e.value}]);
                }
                w.google_add(&[p]);
            }
            3 => {
                let google = w.google();
                if let Some(g) = google.get(rng.below(google.len())) {
                    let rn = g["resourceName"].as_str().unwrap().to_string();
                    w.em.advance_clock(1_000);
                    w.google_request(
                        "PATCH",
                        &format!("/v1/{rn}:updateContact?updatePersonFields=biographies"),
                        Some(json!({"etag": g["etag"], "biographies": [{"value": format!("note {n}")}]})),
                    );
                }
            }
            4 if rng.chance(40) => {
                let google = w.google();
                if let Some(g) = google.get(rng.below(google.len())) {
                    let rn = g["resourceName"].as_str().unwrap().to_string();
                    w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
                }
            }
            5 if rng.chance(40) => {
                let ids: Vec<String> = w.crm.contacts.keys().cloned().collect();
                if let Some(id) = ids.get(rng.below(ids.len())) {
                    w.crm.contacts.remove(id);
                }
            }
            _ => {}
        }
    }
}

fn faults(w: &mut World, rng: &mut Rng) {
    let methods = [
        "batchCreateContacts",
        "batchUpdateContacts",
        "connections.list",
        "*",
    ];
    let mut rules = Vec::new();
    for _ in 0..rng.below(3) {
        let kind = match rng.below(4) {
            0 => FaultKind::Status { status: 503 },
            1 => FaultKind::Status { status: 429 },
            2 => FaultKind::Drop,
            _ => FaultKind::EtagMismatch,
        };
        rules.push(FaultRule {
            method: methods[rng.below(methods.len())].into(),
            kind,
            count: 1 + rng.below(2) as u32,
        });
    }
    w.em.add_faults(rules);
    if rng.chance(10) {
        w.em.advance_clock(8 * 86_400_000);
        w.renew_token();
    }
}

/// Every Google contact tagged by this CRM, by CRM id: duplicates are two under one id.
fn tagged(w: &World) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for g in w.google() {
        for d in g["clientData"].as_array().into_iter().flatten() {
            if d["key"].as_str().is_some_and(|k| k.ends_with(INSTANCE)) {
                out.entry(d["value"].as_str().unwrap_or("").to_string())
                    .or_default()
                    .push(g["resourceName"].as_str().unwrap_or("").to_string());
            }
        }
    }
    out
}

fn check(seed: u64) -> Result<(), TestCaseError> {
    let mut rng = Rng::new(seed);
    let mut w = World::new();
    // Half the runs read the CRM through its change feed, half by listing it.
    w.feed = rng.chance(50);
    let mut serial = 0;
    edit(&mut w, &mut rng, &mut serial);
    for _ in 0..1 + rng.below(3) {
        faults(&mut w, &mut rng);
        let stop = rng.chance(40).then(|| 1 + rng.below(12));
        let _ = w.run_with(Scope::All, stop);
        // Faults are for the sync's requests, not the user's edits.
        w.em.clear_faults();
        edit(&mut w, &mut rng, &mut serial);
    }
    w.em.clear_faults();
    w.renew_token();
    let crm_before: BTreeSet<String> = w.crm.contacts.keys().cloned().collect();
    for _ in 0..3 {
        let r = w.run();
        prop_assert!(r.report.ok, "fault-free run failed: {:?}", r.report.errors);
    }
    // A further run writes nothing.
    let last = w.run();
    let writes = last.report.created.crm
        + last.report.created.google
        + last.report.updated.crm
        + last.report.updated.google
        + last.report.deleted.crm
        + last.report.deleted.google;
    prop_assert_eq!(writes, 0, "{:?}", last.report);
    // No duplicates: one Google twin per CRM contact.
    for (id, rns) in tagged(&w) {
        prop_assert!(
            rns.len() <= 1,
            "CRM contact {} has Google twins {:?}",
            id,
            rns
        );
    }
    // Every link joins two living contacts that agree.
    let google: BTreeMap<String, serde_json::Value> = w
        .google()
        .into_iter()
        .map(|g| (g["resourceName"].as_str().unwrap_or("").to_string(), g))
        .collect();
    for link in w.state.links.values() {
        let c = w.crm.contacts.get(&link.crm_id);
        let g = google.get(&link.resource_name);
        prop_assert!(
            c.is_some() && g.is_some(),
            "dangling link {:?}",
            link.crm_id
        );
        let (c, g) = (c.unwrap(), g.unwrap());
        prop_assert_eq!(
            c.contact.name.given.as_str(),
            g["names"][0]["givenName"].as_str().unwrap_or(""),
            "names differ for {}",
            link.crm_id
        );
        let note = g["biographies"][0]["value"].as_str().unwrap_or("");
        prop_assert_eq!(c.contact.notes.as_str(), note);
    }
    // Nothing lost: a CRM contact that existed before the fault-free runs is gone only if its
    // Google twin was deleted (the kvCORE rule).
    for id in crm_before {
        if !w.crm.contacts.contains_key(&id) {
            prop_assert!(
                !tagged(&w).contains_key(&id),
                "CRM contact {} deleted although its Google twin lives",
                id
            );
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("GCS_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn faults_and_interruptions_then_clean_runs_converge_without_duplicates(seed in any::<u64>()) {
        check(seed)?;
    }
}
