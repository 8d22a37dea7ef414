//! A contact's sync status: what the last run that changed a pair did to it is kept on its link,
//! survives a save and a reload, and is read back for one contact from its header and shard
//! alone, with what the run log says waits for the user.

use crate::harness::{person, World};
use gcontacts_sync_core::dto::{account_status, ReportDto};
use gcontacts_sync_core::store::{self, status};
use gcontacts_sync_core::sync::engine::RunResult;
use gcontacts_sync_core::sync::settings::Settings;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

pub const ACCOUNT: &str = "ann@example.com";

/// Host storage as a browser's would hold it after the runs so far.
#[derive(Default)]
pub struct Disk {
    pub values: BTreeMap<String, String>,
    stored: store::Stored,
    /// The account's settings, when not the defaults.
    pub settings: Option<Settings>,
}

impl Disk {
    /// Saves the state as the shell does (only what changed), then logs the run's report.
    pub fn save(&mut self, w: &World, run: &RunResult) {
        let save = store::save_changes(
            ACCOUNT,
            &w.state,
            &self.stored,
            None,
            Some("stamp"),
            store::DEFAULT_MAX_VALUE_BYTES,
        )
        .expect("the state fits");
        self.values
            .extend(save.stamp.into_iter().chain(save.shards).chain(save.header));
        self.stored = save.stored;
        let key = store::key(ACCOUNT, "runs");
        let report = serde_json::to_string(&ReportDto::from(&run.report)).expect("JSON");
        let runs = store::runs_with(&key, self.values.get(&key).map(String::as_str), &report);
        self.values.insert(key, runs);
    }

    /// CRM contact `id`'s status, read as the shell reads it: the header, the contact's shard
    /// and its pieces, and the run log; nothing else.
    pub fn status(&self, id: &str) -> Value {
        let get = |k: &str| self.values.get(k).cloned();
        let header = get(&store::key(ACCOUNT, "state"));
        let values: Vec<Option<String>> = status::contact_keys(ACCOUNT, header.as_deref(), id)
            .iter()
            .map(|k| get(k))
            .collect();
        let state = status::contact_state(ACCOUNT, id, header.as_deref(), &values);
        let key = store::key(ACCOUNT, "runs");
        let runs = store::runs(&key, &get(&key).unwrap_or_default());
        let settings = self.settings.clone().unwrap_or_default();
        serde_json::to_value(account_status(ACCOUNT, id, state, runs, &settings)).expect("JSON")
    }
}

#[test]
fn a_runs_change_shows_in_the_contacts_status_and_survives_a_reload() {
    let mut w = World::new();
    let mut disk = Disk::default();
    let ann = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    let bo = w.crm_add(person("Bo", "Chen", "bo@x.io"));
    let first = w.run_ok();
    disk.save(&w, &first);
    let rn = w.resource_name(&ann);
    let s = disk.status(&ann);
    assert_eq!(s["linked"], true);
    assert_eq!(s["google"]["resourceName"], rn.as_str());
    let person_id = rn.trim_start_matches("people/");
    assert_eq!(
        s["google"]["url"],
        format!("https://contacts.google.com/person/{person_id}").as_str()
    );
    assert_eq!(s["lastChange"]["created"], "google");
    assert_eq!(s["lastChange"]["run"], first.report.started_at.as_str());

    // Edited in Google: the next run writes the company to the CRM, and says so.
    w.google_edit(
        &rn,
        "organizations",
        json!({"organizations": [{"name": "Globex"}]}),
    );
    w.em.advance_clock(600_000);
    let second = w.run_ok();
    disk.save(&w, &second);
    let s = disk.status(&ann);
    assert_eq!(s["lastChange"]["run"], second.report.started_at.as_str());
    assert_eq!(
        s["lastChange"]["fields"],
        json!([{"side": "crm", "field": "company", "before": "", "after": "Globex"}])
    );
    assert!(s["lastChange"].get("created").is_none(), "{s}");
    // Bo was not changed by that run: his record is still his creation.
    assert_eq!(
        disk.status(&bo)["lastChange"]["run"],
        first.report.started_at.as_str()
    );

    // A run that changes nothing keeps the record; so does a reload of the whole state.
    w.em.advance_clock(600_000);
    let third = w.run_ok();
    disk.save(&w, &third);
    assert_eq!(
        disk.status(&ann)["lastChange"]["run"],
        second.report.started_at.as_str()
    );
    let again = crate::harness::reloaded(&w.state);
    assert_eq!(
        again.links[&ann].last_change,
        w.state.links[&ann].last_change
    );

    // A contact the account never linked is not linked, and says nothing else.
    let s = disk.status("no-such-contact");
    assert_eq!(s["linked"], false);
    assert!(
        s.get("lastChange").is_none() && s.get("google").is_none(),
        "{s}"
    );
}

#[test]
fn a_conflict_the_last_run_settled_shows_until_a_later_run_changes_the_pair() {
    let mut w = World::new();
    let mut disk = Disk::default();
    let ann = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    let first = w.run_ok();
    disk.save(&w, &first);
    let rn = w.resource_name(&ann);
    w.crm_edit(&ann, |c| c.company = "Acme".into());
    w.google_edit(
        &rn,
        "organizations",
        json!({"organizations": [{"name": "Globex"}]}),
    );
    w.em.advance_clock(600_000);
    let second = w.run_ok();
    disk.save(&w, &second);
    let s = disk.status(&ann);
    assert_eq!(s["conflicts"][0]["field"], "company", "{s}");
    assert_eq!(s["reportedBy"], second.report.started_at.as_str());

    w.crm_edit(&ann, |c| c.title = "CEO".into());
    w.em.advance_clock(600_000);
    let third = w.run_ok();
    disk.save(&w, &third);
    let s = disk.status(&ann);
    assert_eq!(s["conflicts"], json!([]), "{s}");
    assert_eq!(s["lastChange"]["fields"][0]["field"], "title");
    assert_eq!(s["lastChange"]["fields"][0]["side"], "google");
}

#[test]
fn the_status_reads_the_storage_of_release_0_1_0_without_a_last_change() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/upgrade/0.1.0/storage.json");
    let fixture: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the fixture")).expect("JSON");
    let mut disk = Disk::default();
    for (k, v) in fixture["values"].as_object().expect("values") {
        disk.values
            .insert(k.clone(), v.as_str().expect("text").to_string());
    }
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures/upgrade/0.1.0/expected.json"),
        )
        .expect("the fixture"),
    )
    .expect("JSON");
    let links = expected["state"]["links"].as_object().expect("links");
    assert!(!links.is_empty());
    for (id, link) in links {
        let s = disk.status(id);
        assert_eq!(s["linked"], true, "{id}: {s}");
        assert_eq!(s["google"]["resourceName"], link["resourceName"]);
        assert!(s.get("lastChange").is_none(), "{s}");
        assert!(s.get("unreadable").is_none(), "{s}");
    }
}

#[test]
fn a_deletion_waiting_for_its_days_shows_with_when_it_will_be_made() {
    let mut w = World::new();
    w.settings.google_deletes_hold_days = 3;
    let mut disk = Disk {
        settings: Some(w.settings.clone()),
        ..Disk::default()
    };
    let ann = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    w.run_ok();
    let rn = w.resource_name(&ann);
    w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
    let held = w.run_ok();
    disk.save(&w, &held);
    let s = disk.status(&ann);
    assert_eq!(s["linked"], false, "a held deletion unlinks the pair");
    let pending = &s["pendingDeletion"];
    assert_eq!(pending["side"], "crm", "{s}");
    let since = w.state.pending.deletions[&ann].since;
    let until = gcontacts_sync_core::people::time::format_rfc3339(since + 3 * 86_400_000);
    assert_eq!(pending["until"], until.as_str(), "{s}");

    // Restored, it waits no more.
    w.decisions.pending = vec![gcontacts_sync_core::sync::plan::PendingChoice {
        crm_id: ann.clone(),
        action: gcontacts_sync_core::sync::plan::PendingAction::Restore,
    }];
    let restored = w.run_ok();
    disk.save(&w, &restored);
    let s = disk.status(&ann);
    assert_eq!(s["linked"], true, "{s}");
    assert!(s.get("pendingDeletion").is_none(), "{s}");
}
