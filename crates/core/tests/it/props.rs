//! The stateful property test of docs/ARCHITECTURE.md ("Testing"): random edits on both sides,
//! random faults (429, 5xx, dropped connections, etag mismatches, expired tokens) and random
//! interruptions, then fault-free runs. Contacts differ between the sides in labels, types and item
//! order (and so in which item is primary). Afterwards both sides agree on every linked contact, no
//! contact has two twins, nothing was lost beyond the deletion rules, and a further run writes
//! nothing. Cases: 500 by default; `GCS_PROPTEST_CASES` raises it.

use crate::harness::*;
use gcontacts_sync_core::sync::model::{Contact, Email, Phone};
use gcontacts_sync_core::sync::plan::Scope;
use people_emulator::{FaultKind, FaultRule, NameForm};
use proptest::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

type Rng = gcontacts_sync_core::sync::xorshift::XorShift;

const NAMES: [&str; 6] = ["Ann", "Bo", "Cy", "Dee", "Zoë", "Ólafur"];
/// Labels as the CRM and Google write them (Google's `type`): they differ between the sides.
const LABELS: [&str; 5] = ["", "work", "home", "mobile", "other"];

fn label(rng: &mut Rng) -> String {
    LABELS[rng.below(LABELS.len())].to_string()
}

/// A person's emails and phones as People API JSON, with their own labels, maybe reversed.
fn google_items(rng: &mut Rng, c: &Contact) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
    let item = |rng: &mut Rng, value: &str| {
        let t = label(rng);
        if t.is_empty() {
            json!({"value": value})
        } else {
            json!({"value": value, "type": t})
        }
    };
    let mut emails: Vec<_> = c.emails.iter().map(|e| item(rng, &e.value)).collect();
    let mut phones: Vec<_> = c.phones.iter().map(|p| item(rng, &p.value)).collect();
    if rng.chance(50) {
        emails.reverse();
        phones.reverse();
    }
    (emails, phones)
}

fn contact(rng: &mut Rng, n: usize) -> Contact {
    let mut c = Contact::default();
    c.name.given = NAMES[rng.below(NAMES.len())].to_string();
    c.name.family = format!("F{n}");
    if rng.chance(80) {
        c.emails.push(Email {
            value: format!("u{n}@x.io"),
            kind: label(rng),
            primary: rng.chance(30),
        });
        if rng.chance(30) {
            c.emails.push(Email {
                value: format!("v{n}@x.io"),
                kind: label(rng),
                primary: rng.chance(30),
            });
        }
    }
    if rng.chance(50) {
        c.phones.push(Phone {
            value: format!("+1 415 555 {:04}", n % 10_000),
            kind: label(rng),
            canonical: None,
            primary: rng.chance(30),
        });
        if rng.chance(30) {
            c.phones.push(Phone {
                value: format!("+1 415 556 {:04}", n % 10_000),
                kind: label(rng),
                canonical: None,
                primary: rng.chance(30),
            });
        }
    }
    c
}

/// Random edits on both sides.
fn edit(w: &mut World, rng: &mut Rng, serial: &mut usize) {
    for _ in 0..rng.below(5) {
        *serial += 1;
        let n = *serial;
        match rng.below(8) {
            0 => {
                w.crm_add(contact(rng, n));
            }
            1 => {
                let ids: Vec<String> = w.crm.contacts.keys().cloned().collect();
                if let Some(id) = ids.get(rng.below(ids.len())) {
                    w.crm_edit(id, |c| c.title = format!("T{n}"));
                }
            }
            2 => {
                // A new Google contact; sometimes the twin of a CRM contact, with its own labels
                // and order.
                let ids: Vec<String> = w.crm.contacts.keys().cloned().collect();
                let c = match ids.get(rng.below(ids.len())).filter(|_| rng.chance(40)) {
                    Some(id) => w.crm.contacts[id].contact.clone(),
                    None => contact(rng, n),
                };
                let mut p =
                    json!({"names": [{"givenName": c.name.given, "familyName": c.name.family}]});
                let (emails, phones) = google_items(rng, &c);
                if !emails.is_empty() {
                    p["emailAddresses"] = json!(emails);
                }
                if !phones.is_empty() {
                    p["phoneNumbers"] = json!(phones);
                }
                w.google_add(&[p]);
            }
            6 => {
                // The CRM relabels or reorders a contact's items.
                let ids: Vec<String> = w.crm.contacts.keys().cloned().collect();
                if let Some(id) = ids.get(rng.below(ids.len())) {
                    w.crm_edit(id, |c| {
                        for e in &mut c.emails {
                            e.kind = label(rng);
                        }
                        for p in &mut c.phones {
                            p.kind = label(rng);
                        }
                        if rng.chance(50) {
                            c.emails.reverse();
                            c.phones.reverse();
                        }
                    });
                }
            }
            7 => {
                // Google relabels or reorders a person's items.
                let google = w.google();
                if let Some(g) = google.get(rng.below(google.len())) {
                    let rn = g["resourceName"].as_str().unwrap().to_string();
                    let mut emails = g["emailAddresses"].as_array().cloned().unwrap_or_default();
                    let mut phones = g["phoneNumbers"].as_array().cloned().unwrap_or_default();
                    for item in emails.iter_mut().chain(phones.iter_mut()) {
                        item["type"] = json!(label(rng));
                    }
                    if rng.chance(50) {
                        emails.reverse();
                        phones.reverse();
                    }
                    w.em.advance_clock(1_000);
                    w.google_request(
                        "PATCH",
                        &format!(
                            "/v1/{rn}:updateContact?updatePersonFields=emailAddresses,phoneNumbers"
                        ),
                        Some(json!({"etag": g["etag"], "emailAddresses": emails, "phoneNumbers": phones})),
                    );
                }
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

/// Google renames or merges contacts now and then. Drawn from a generator of its own, so the
/// other edits of a seed (and the kept seeds' stories) stay what they were.
fn renames(w: &mut World, rng: &mut Rng) {
    let names: Vec<String> = w
        .google()
        .iter()
        .filter_map(|g| g["resourceName"].as_str().map(str::to_string))
        .collect();
    if names.is_empty() {
        return;
    }
    let a = &names[rng.below(names.len())];
    let b = &names[rng.below(names.len())];
    let done = match rng.below(6) {
        0 => w.em.rename_contact(w.account, a, NameForm::Contact),
        1 => w.em.rename_contact(w.account, a, NameForm::Profile),
        2 if a != b => w.em.merge_contacts(w.account, a, b),
        3 if a != b => w.em.merge_contacts_keeping_name(w.account, a, b),
        _ => return,
    };
    done.unwrap_or_else(|e| panic!("Google's rename or merge of {a}, {b}: {e:?}"));
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

fn check(seed: u64) -> Result<(), TestCaseError> {
    let mut rng = Rng::new(seed);
    let mut w = World::new();
    // Half the runs read the CRM through its change feed, half by listing it.
    w.feed = rng.chance(50);
    let mut serial = 0;
    let mut google = Rng::new(seed ^ 0x7265_6e61_6d65);
    edit(&mut w, &mut rng, &mut serial);
    for _ in 0..1 + rng.below(3) {
        faults(&mut w, &mut rng);
        let stop = rng.chance(40).then(|| 1 + rng.below(12));
        let _ = w.run_with(Scope::All, stop);
        // Faults are for the sync's requests, not the user's edits.
        w.em.clear_faults();
        edit(&mut w, &mut rng, &mut serial);
        renames(&mut w, &mut google);
    }
    w.em.clear_faults();
    w.renew_token();
    let crm_before: BTreeSet<String> = w.crm.contacts.keys().cloned().collect();
    let r = w.run();
    prop_assert!(r.report.ok, "fault-free run failed: {:?}", r.report.errors);
    // After a run that did all it planned, a run with no edits writes nothing, on either side
    // (labels, types and order included), and neither does the one after it.
    for _ in 0..2 {
        let last = w.run();
        prop_assert!(
            last.report.ok,
            "fault-free run failed: {:?}",
            last.report.errors
        );
        prop_assert_eq!(
            writes(&last),
            0,
            "{:?} {}",
            last.report,
            last.plan
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default()
        );
    }
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

/// Seeds that once failed: a Google copy of a CRM-deleted contact imported back for want of a
/// tag; a tag healed one run late; a tombstone whose unlink failed and was never read again; an
/// unlinked contact Google renamed, matched under its old name and written to there; a linked
/// contact renamed, then deleted, before a run read the rename; a linked contact merged in Google
/// into one whose link a stopped run had not saved, deleted in the CRM as if deleted in Google; a
/// contact whose copy (created by a stopped run) Google merged into a linked one, created in
/// Google again.
#[test]
fn kept_seeds_converge() {
    for seed in [
        8_568_907_174_845_608_508,
        6_265_462_021_259_179_710,
        7_925_416_180_056_712_554,
        4_893_847_492_040_542_224,
        14_791_767_765_251_694_404,
        12_273_067_899_300_911_616,
        10_188_610_732_207_935_606,
        18_260_220_927_420_773_406,
    ] {
        check(seed).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    }
}
