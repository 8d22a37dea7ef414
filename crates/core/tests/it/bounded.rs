//! A value many contacts share (an office's switchboard phone on every employee, on both sides)
//! plans in memory and output linear in the contacts: the shared phone is no evidence of
//! identity, so it neither links nor sets anyone aside, and each contact's own email decides.

use gcontacts_sync_core::dto::PlanDto;
use gcontacts_sync_core::sync::model::{Contact, CrmContact, Email, GoogleContact, Phone};
use gcontacts_sync_core::sync::plan::{plan, GoogleListing, PlanInput, Scope, NO_DECISIONS};
use gcontacts_sync_core::sync::settings::{Settings, MY_CONTACTS};
use gcontacts_sync_core::sync::state::AccountState;

const SWITCHBOARD: &str = "+1 415 555 0100";

fn employee(given: &str, i: usize, email: &str, line: usize) -> Contact {
    let mut c = Contact::default();
    c.name.given = format!("{given}{i}");
    c.name.family = "Acme".into();
    c.emails.push(Email {
        value: email.into(),
        kind: "work".into(),
        primary: false,
    });
    for value in [
        SWITCHBOARD.to_string(),
        format!("+1 628 {:03} {:04}", 200 + line / 10_000, line % 10_000),
    ] {
        c.phones.push(Phone {
            value,
            kind: "work".into(),
            canonical: None,
            primary: false,
        });
    }
    c
}

/// The plan for `n` employees on each side, all on the switchboard, the first half of them the
/// same people on both sides by their own email (each has a direct line of its own too); and
/// its preview as JSON.
fn plan_for(n: usize) -> (gcontacts_sync_core::sync::plan::Plan, String) {
    let crm: Vec<CrmContact> = (0..n)
        .map(|i| CrmContact {
            id: format!("c{i}"),
            modified_at: 10,
            status: None,
            contact: employee("Crm", i, &format!("e{i}@acme.example"), i),
            read_only: None,
        })
        .collect();
    let people = (0..n)
        .map(|i| {
            let email = if i < n / 2 {
                format!("e{i}@acme.example")
            } else {
                format!("g{i}@acme.example")
            };
            GoogleContact {
                resource_name: format!("people/c{i}"),
                etag: format!("e{i}"),
                updated_at: 20,
                tag: None,
                extra_tags: Vec::new(),
                groups: vec![MY_CONTACTS.to_string()],
                contact: employee("Google", i, &email, n + i),
            }
        })
        .collect();
    let google = GoogleListing {
        people,
        complete: true,
        ..GoogleListing::default()
    };
    let p = plan(PlanInput {
        state: &AccountState::new(),
        settings: &Settings::default(),
        crm: &crm,
        crm_other: &[],
        crm_deleted: &[],
        google: &google,
        target_group: Some("contactGroups/crm"),
        scope: &Scope::All,
        confirm_deletions: false,
        now: 100,
        capabilities: &Default::default(),
        decisions: &NO_DECISIONS,
    });
    let json = serde_json::to_string(&PlanDto::from(&p)).expect("a plan serializes");
    (p, json)
}

#[test]
fn five_thousand_contacts_on_one_switchboard_phone_link_by_their_own_emails() {
    let n = 5_000;
    let (p, json) = plan_for(n);
    assert!(p.ambiguous.is_empty(), "{}", p.ambiguous[0]);
    assert_eq!(p.links.len(), n / 2);
    assert_eq!(
        (p.creates_google.len(), p.creates_crm.len()),
        (n / 2, n / 2)
    );
    eprintln!("{n} contacts a side: {} bytes of preview", json.len());
    // Each of the 10,000 contacts is one operation of a few hundred bytes (its name, email and
    // two phones), not a list of thousands of candidates.
    let per_contact = json.len() / (2 * n);
    assert!(per_contact < 1_000, "{} bytes of preview", json.len());
    // Twice the contacts, about twice the preview: linear.
    let (_, half) = plan_for(n / 2);
    assert!(
        json.len() < 2 * half.len() + half.len() / 10,
        "{} against {}",
        json.len(),
        half.len()
    );
}
