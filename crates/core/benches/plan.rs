//! Planning a two-way round for 25,000 linked contacts with 5% edited on each side, 1% edited on
//! both (conflicts), and 1,000 new contacts on each side. Target: ≤ 50 ms natively.

use gcontacts_sync_core::sync::model::{Contact, CrmContact, Email, GoogleContact, Phone};
use gcontacts_sync_core::sync::plan::{plan, GoogleListing, PlanInput, Scope, NO_DECISIONS};
use gcontacts_sync_core::sync::settings::{Settings, MY_CONTACTS};
use gcontacts_sync_core::sync::state::{AccountState, Link};
use std::time::Instant;

const LINKED: usize = 25_000;
const NEW: usize = 1_000;

fn person(i: usize) -> Contact {
    let mut c = Contact::default();
    c.name.given = format!("Given{i}");
    c.name.family = format!("Family{}", i % 977);
    c.emails.push(Email {
        value: format!("person{i}@example.com"),
        kind: "work".into(),
        primary: false,
    });
    c.phones.push(Phone {
        value: format!("+1 415 {:03} {:04}", i / 10_000 + 200, i % 10_000),
        kind: "mobile".into(),
        canonical: None,
        primary: false,
    });
    c.company = format!("Company {}", i % 313);
    c
}

fn main() {
    let mut state = AccountState::new();
    let mut crm = Vec::with_capacity(LINKED + NEW);
    let mut google = Vec::new();
    for i in 0..LINKED {
        let base = person(i);
        let rn = format!("people/c{i}");
        state.links.insert(
            i.to_string(),
            Link {
                crm_id: i.to_string(),
                resource_name: rn.clone(),
                etag: format!("e{i}"),
                base: base.clone(),
                synced_at: 0,
                last_change: None,
            },
        );
        let mut c = base.clone();
        // 5% edited in the CRM, 5% in Google; the first 1% on both sides, differently.
        if i % 20 == 0 {
            c.title = format!("CRM title {i}");
        }
        crm.push(CrmContact {
            id: i.to_string(),
            modified_at: 10,
            status: None,
            contact: c,
            read_only: None,
        });
        if i % 20 == 0 || i % 20 == 1 {
            let mut g = base;
            if i % 100 == 0 {
                g.title = format!("Google title {i}");
            } else if i % 20 == 1 {
                g.phones.push(Phone {
                    value: format!("+44 20 7946 {:04}", i % 10_000),
                    kind: String::new(),
                    canonical: None,
                    primary: false,
                });
            } else {
                continue;
            }
            google.push(GoogleContact {
                resource_name: rn,
                etag: format!("e{i}x"),
                updated_at: 20,
                tag: Some(i.to_string()),
                extra_tags: Vec::new(),
                groups: vec![MY_CONTACTS.to_string()],
                contact: g,
            });
        }
    }
    for j in 0..NEW {
        crm.push(CrmContact {
            id: format!("n{j}"),
            modified_at: 10,
            status: None,
            contact: person(100_000 + j),
            read_only: None,
        });
        google.push(GoogleContact {
            resource_name: format!("people/n{j}"),
            etag: format!("g{j}"),
            updated_at: 20,
            tag: None,
            extra_tags: Vec::new(),
            groups: vec![MY_CONTACTS.to_string()],
            contact: person(200_000 + j),
        });
    }
    let listing = GoogleListing {
        people: google,
        deleted: Vec::new(),
        full: false,
        complete: true,
        ..GoogleListing::default()
    };
    let settings = Settings::default();
    let run = || {
        plan(PlanInput {
            state: &state,
            settings: &settings,
            crm: &crm,
            crm_other: &[],
            crm_deleted: &[],
            google: &listing,
            target_group: Some("contactGroups/crm"),
            scope: &Scope::All,
            confirm_deletions: false,
            now: 100,
            capabilities: &Default::default(),
            decisions: &NO_DECISIONS,
        })
    };
    let p = run();
    let mut times = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let p = std::hint::black_box(run());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        drop(p);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let median = times[times.len() / 2];
    let contacts = LINKED + 2 * NEW;
    println!(
        "plan: {LINKED} linked + {NEW} new per side: {} updates, {} creates in Google, {} in the CRM, {} conflicts",
        p.updates.len(),
        p.creates_google.len(),
        p.creates_crm.len(),
        p.conflicts.len()
    );
    println!(
        "plan: median {median:.1} ms over {} runs (min {:.1}, max {:.1}); {:.0} contacts/s; target ≤ 50 ms",
        times.len(),
        times[0],
        times[times.len() - 1],
        contacts as f64 / (median / 1000.0)
    );
}
