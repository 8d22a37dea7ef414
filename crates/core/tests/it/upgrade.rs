//! Upgrades keep data: what a released version of the plugin left in its host's storage loads in
//! this one without losing a link, a sync token, a cursor, a setting or a line of history.
//!
//! `tests/fixtures/upgrade/<version>/storage.json` is what that release wrote, key by key (the
//! demo keeps each key as an IndexedDB row, Creme as a `PluginStorage` row: the same strings);
//! `expected.json` is what those keys meant to it, in a projection that names no storage
//! layout. Both are made by [`write_fixture`] from the release's own code (real runs against the
//! emulator, saved with `store`): run `GCS_WRITE_UPGRADE_FIXTURE=1 cargo test --test it upgrade`
//! on the tagged release, and commit the folder it names. A later version never rewrites an
//! older folder.

use crate::harness::{person, with_phone, World};
use gcontacts_sync_core::dto::ReportDto;
use gcontacts_sync_core::store::{self, ACCOUNTS_KEY};
use gcontacts_sync_core::sync::settings::Settings;
use gcontacts_sync_core::sync::state::AccountState;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ACCOUNT: &str = "ann@example.com";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/upgrade")
}

/// What a state means to the user, whatever layout stores it: every link (both ids, the etag and
/// the base it syncs from), where the next runs continue on each side, and what is kept aside.
fn meaning(state: &AccountState) -> Value {
    let links: BTreeMap<&str, Value> = state
        .links
        .iter()
        .map(|(id, l)| {
            let base = serde_json::to_value(&l.base).unwrap_or(Value::Null);
            let link = json!({"resourceName": l.resource_name, "etag": l.etag,
                              "syncedAt": l.synced_at, "base": base});
            (id.as_str(), link)
        })
        .collect();
    json!({
        "links": links,
        "syncToken": state.sync_token,
        "fullSyncAt": state.full_sync_at,
        "crmCursor": state.crm_cursor,
        "targetGroup": state.target_group,
        "googleUnlinked": state.google_unlinked.keys().collect::<Vec<_>>(),
    })
}

/// A user's storage after real use: three CRM contacts and two Google ones synced (one matched
/// by email, one brought to the CRM), then an edit on each side synced incrementally, with
/// settings changed from the defaults and the two runs in the history.
fn used_storage() -> (BTreeMap<String, String>, Value) {
    let mut w = World::new();
    w.settings.interval_minutes = 30;
    w.settings.default_region = "FR".into();
    let ann = w.crm_add(with_phone(
        person("Ann", "Lee", "ann.lee@x.io"),
        "+33 1 23 45 67 89",
    ));
    w.crm_add(person("Bo", "Chen", "bo@x.io"));
    w.crm_add(person("Cy", "Diaz", "cy@x.io"));
    w.google_add(&[
        json!({"names": [{"givenName": "Bo", "familyName": "Chen"}],
               "emailAddresses": [{"value": "bo@x.io"}]}),
        json!({"names": [{"givenName": "Dee", "familyName": "Evans"}],
               "emailAddresses": [{"value": "dee@x.io"}]}),
    ]);
    let first = w.run_ok();
    w.crm_edit(&ann, |c| c.name.given = "Annie".into());
    let rn = w.resource_name(&w.crm.contacts.keys().nth(1).cloned().unwrap_or_default());
    w.google_edit(
        &rn,
        "names",
        json!({"names": [{"givenName": "Bob", "familyName": "Chen"}]}),
    );
    w.em.advance_clock(600_000);
    let second = w.run_ok();

    let id = ACCOUNT.to_string();
    let mut values = BTreeMap::new();
    values.insert(ACCOUNTS_KEY.to_string(), store::wrap_value(&[ACCOUNT]));
    let save = store::save_state(&id, &w.state, &store::Stored::default()).expect("the state fits");
    values.extend(save.stamp.into_iter().chain(save.shards).chain(save.header));
    values.insert(store::key(&id, "settings"), store::wrap_value(&w.settings));
    let runs_key = store::key(&id, "runs");
    let mut runs = None;
    for r in [&first, &second] {
        let report = serde_json::to_string(&ReportDto::from(&r.report)).unwrap_or_default();
        runs = Some(store::runs_with(&runs_key, runs.as_deref(), &report));
    }
    values.insert(runs_key, runs.unwrap_or_default());
    // The shell's `Meta` (wasm only): when the account last ran and how many links it has.
    let meta = json!({"lastRunAt": w.now(), "links": w.state.links.len()});
    values.insert(store::key(&id, "meta"), store::wrap_value(&meta));
    let reports: Vec<Value> = [&second, &first]
        .iter()
        .map(|r| serde_json::to_value(ReportDto::from(&r.report)).unwrap_or(Value::Null))
        .collect();
    let expected = json!({
        "accounts": [ACCOUNT],
        "state": meaning(&w.state),
        "settings": serde_json::to_value(&w.settings).unwrap_or(Value::Null),
        "runs": reports,
    });
    (values, expected)
}

/// Writes this version's fixture when `GCS_WRITE_UPGRADE_FIXTURE` is set; an existing folder is
/// kept (a release's storage is history, not something a later build may redo).
#[test]
fn write_fixture() {
    let (values, expected) = used_storage();
    assert_eq!(
        expected["state"]["links"].as_object().map(|m| m.len()),
        Some(4)
    );
    if std::env::var_os("GCS_WRITE_UPGRADE_FIXTURE").is_none() {
        return;
    }
    let dir = fixtures().join(env!("CARGO_PKG_VERSION"));
    assert!(
        !dir.exists(),
        "{} exists: a release's fixture is never rewritten",
        dir.display()
    );
    std::fs::create_dir_all(&dir).expect("create the fixture folder");
    let storage = json!({"plugin": "google-contacts-sync", "values": values});
    for (name, v) in [("storage.json", storage), ("expected.json", expected)] {
        let text = serde_json::to_string_pretty(&v).expect("JSON") + "\n";
        std::fs::write(dir.join(name), text).expect("write the fixture");
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every released version's storage, as this build reads it, against what it meant then.
fn check_release(dir: &Path) {
    let storage = read_json(&dir.join("storage.json"));
    let expected = read_json(&dir.join("expected.json"));
    let values: BTreeMap<String, String> =
        serde_json::from_value(storage["values"].clone()).expect("key → text");
    let text = |k: &str| values.get(k).cloned();
    let release = dir.display();

    let accounts: Vec<String> = store::read(ACCOUNTS_KEY, &text(ACCOUNTS_KEY).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{release}: {e}"));
    assert_eq!(json!(accounts), expected["accounts"], "{release}: accounts");

    for account in &accounts {
        let id = account.to_lowercase();
        let texts: Vec<Option<String>> = store::state_keys(&id).iter().map(|k| text(k)).collect();
        let loaded = store::load_state(&id, &texts).unwrap_or_else(|e| panic!("{release}: {e}"));
        assert!(!loaded.torn, "{release}: a finished save reads as torn");
        assert_eq!(
            meaning(&loaded.state),
            expected["state"],
            "{release}: state"
        );

        let key = store::key(&id, "settings");
        let settings: Settings = store::read(&key, &text(&key).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{release}: {e}"));
        assert_eq!(
            serde_json::to_value(&settings).unwrap_or(Value::Null),
            expected["settings"],
            "{release}: settings"
        );

        let key = store::key(&id, "runs");
        let runs = store::runs(&key, &text(&key).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{release}: {e}"));
        assert_eq!(json!(runs), expected["runs"], "{release}: run history");

        // Saved again by this build and read back, nothing changes either.
        let again = store::save_state(&id, &loaded.state, &store::Stored::default())
            .expect("the state fits");
        let mut after = values.clone();
        after.extend(again.shards.into_iter().chain(again.header));
        let texts: Vec<Option<String>> = store::state_keys(&id)
            .iter()
            .map(|k| after.get(k).cloned())
            .collect();
        let reloaded = store::load_state(&id, &texts).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            meaning(&reloaded.state),
            expected["state"],
            "{release}: resaved"
        );
    }
}

#[test]
fn every_released_storage_loads_without_losing_links_tokens_settings_or_history() {
    let mut releases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("tests/fixtures/upgrade")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("storage.json").is_file())
        .collect();
    releases.sort();
    assert!(
        !releases.is_empty(),
        "no release fixture under tests/fixtures/upgrade"
    );
    for dir in releases {
        check_release(&dir);
    }
}

#[test]
fn a_release_fixture_missing_a_link_shard_is_seen_as_a_loss() {
    // The check above is only as good as its comparison: a fixture that lost a shard must fail it.
    let (mut values, expected) = used_storage();
    let shard = values
        .keys()
        .find(|k| k.contains(":links/"))
        .cloned()
        .expect("a link shard");
    values.remove(&shard);
    let id = ACCOUNT.to_string();
    let texts: Vec<Option<String>> = store::state_keys(&id)
        .iter()
        .map(|k| values.get(k).cloned())
        .collect();
    let loaded = store::load_state(&id, &texts).expect("loads");
    assert_ne!(meaning(&loaded.state), expected["state"]);
}
