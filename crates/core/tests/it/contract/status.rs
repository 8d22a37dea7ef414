//! `ContactStatus` against the statuses real runs leave: linked with a change and a conflict,
//! ambiguous, held by the guard, unlinked after a deletion in Google.

use super::record::shape;
use super::{ok, Contract};
use crate::harness::{person, World};
use crate::status::Disk;
use gcontacts_sync_core::sync::custom::{CustomField, CustomType};
use gcontacts_sync_core::sync::settings::GoogleDeletes;
use serde_json::{json, Value};

/// Deletes `rn` in Google.
fn delete_in_google(w: &World, rn: &str) {
    w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
}

fn statuses() -> Vec<Value> {
    let mut out = Vec::new();

    // Linked, created by a run, then a conflict settled by the policy.
    let mut w = World::new();
    let mut disk = Disk::default();
    let ann = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    let r = w.run_ok();
    disk.save(&w, &r);
    out.push(disk.status(&ann));
    let rn = w.resource_name(&ann);
    w.crm_edit(&ann, |c| c.company = "Acme".into());
    w.google_edit(
        &rn,
        "organizations",
        json!({"organizations": [{"name": "Globex"}]}),
    );
    w.em.advance_clock(600_000);
    let r = w.run_ok();
    disk.save(&w, &r);
    out.push(disk.status(&ann));

    // A conflict on a custom field, which names the field by its key and label.
    let mut w = World::new();
    let mut disk = Disk::default();
    w.capabilities.custom = vec![CustomField {
        key: "lang".into(),
        label: "Language".into(),
        kind: CustomType::Text,
        choices: vec![],
    }];
    let mut c = person("Cy", "Ng", "cy@x.io");
    c.custom.insert("lang".into(), "en".into());
    let cy = w.crm_add(c);
    let r = w.run_ok();
    disk.save(&w, &r);
    let rn = w.resource_name(&cy);
    w.crm_edit(&cy, |c| {
        c.custom.insert("lang".into(), "de".into());
    });
    w.google_edit(
        &rn,
        "userDefined",
        json!({"userDefined": [{"key": "Language", "value": "fr"}]}),
    );
    w.em.advance_clock(600_000);
    let r = w.run_ok();
    disk.save(&w, &r);
    out.push(disk.status(&cy));

    // Two CRM contacts a Google contact matches equally well.
    let mut w = World::new();
    let mut disk = Disk::default();
    let a = w.crm_add(person("Ann", "Lee", "same@x.io"));
    w.crm_add(person("Ann", "Lee", "same@x.io"));
    w.google_add(
        &[json!({"names": [{"givenName": "Ann", "familyName": "Lee"}],
                          "emailAddresses": [{"value": "same@x.io"}]})],
    );
    let r = w.run_ok();
    disk.save(&w, &r);
    out.push(disk.status(&a));

    // Deletions over the guard, held until confirmed.
    let mut w = World::new();
    let mut disk = Disk::default();
    w.crm_add_people(12, "Lee");
    let r = w.run_ok();
    disk.save(&w, &r);
    let ids: Vec<String> = w.state.links.keys().cloned().collect();
    for id in &ids {
        delete_in_google(&w, &w.resource_name(id));
    }
    w.confirm = false;
    w.em.advance_clock(600_000);
    let r = w.run_ok();
    disk.save(&w, &r);
    let mut held = disk.status(&ids[0]);
    assert!(held.get("pendingDeletion").is_some(), "{held}");
    // A delayed deletion says until when.
    held["pendingDeletion"]["until"] = json!("2026-01-01T00:00:00Z");
    out.push(held);

    // Deleted in Google under the "unlink" policy: kept in the CRM, unlinked.
    let mut w = World::new();
    w.settings.google_deletes = GoogleDeletes::Unlink;
    let mut disk = Disk::default();
    let bo = w.crm_add(person("Bo", "Chen", "bo@x.io"));
    let r = w.run_ok();
    disk.save(&w, &r);
    delete_in_google(&w, &w.resource_name(&bo));
    w.em.advance_clock(600_000);
    let r = w.run_ok();
    disk.save(&w, &r);
    let kept = disk.status(&bo);
    assert_eq!(kept["unlinked"]["reason"], "deletedInGoogle", "{kept}");
    out.push(kept);

    // A value that cannot be read is named.
    disk.values.insert(
        gcontacts_sync_core::store::key(crate::status::ACCOUNT, "runs"),
        "{not json".into(),
    );
    out.push(disk.status(&bo));
    out
}

#[test]
fn a_contacts_status_is_its_declared_type() {
    let c = Contract::new();
    let statuses = statuses();
    for key in ["lastChange", "conflicts", "ambiguous", "unreadable"] {
        assert!(
            statuses
                .iter()
                .any(|s| s.get(key).is_some_and(|v| v != &json!([]))),
            "no sample has {key}"
        );
    }
    let answer = json!({"contactId": "c1", "accounts": statuses});
    ok(c.write(&shape(&[answer]), "ContactStatus"));
}
