//! Browser tests of the JS API's boundary: the class against the People API emulator server over
//! real HTTP, with an in-memory host (host.js). The emulator's URL comes in at compile time as
//! `GCS_EMULATOR_URL` (`cargo xtask test` starts the emulator and sets it); without it only the
//! tests that need no server run.
#![cfg(target_arch = "wasm32")]

use gcontacts_sync::bindings::GoogleContactsSync;
use js_sys::{Array, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod normalize;
mod status;

wasm_bindgen_test_configure!(run_in_browser);

mod faults;
mod tokens;

#[wasm_bindgen(module = "/tests/web/host.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeHost)]
    fn make_host(base: &str, email: &str, contacts: JsValue, options: JsValue) -> JsValue;
    #[wasm_bindgen(catch)]
    async fn admin(base: &str, method: &str, path: &str, body: JsValue)
        -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn revoke(base: &str, token: &str) -> Result<JsValue, JsValue>;
}

const EMULATOR: Option<&str> = option_env!("GCS_EMULATOR_URL");

fn get(v: &JsValue, path: &str) -> JsValue {
    let mut v = v.clone();
    for k in path.split('.') {
        v = Reflect::get(&v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    }
    v
}

fn num(v: &JsValue, path: &str) -> f64 {
    get(v, path).as_f64().unwrap_or(-1.0)
}

fn json(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON")
}

fn show(v: &JsValue) -> String {
    // `JSON.stringify(undefined)` is undefined, not a string.
    JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "undefined".into())
}

async fn ok(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!(
            "rejected: {} {}",
            show(&get(&e, "code")),
            show(&get(&e, "message"))
        ),
    }
}

async fn err(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => panic!("expected a rejection, got {}", show(&v)),
        Err(e) => {
            assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
            e
        }
    }
}

fn contact(id: &str, first: &str, last: &str, email: &str) -> String {
    format!(
        r#"{{"id":"{id}","modifiedAt":"2024-02-01T10:00:00Z","firstName":"{first}","lastName":"{last}",
        "emails":[{{"value":"{email}","type":"work"}}],"phones":[{{"value":"+44 20 7946 0{}","type":"mobile"}}],
        "addresses":[],"company":"Acme"}}"#,
        100 + id.len() * 7 + first.len()
    )
}

/// The host's JSON array of these contacts: (id, first name, last name, email) each.
fn contacts(items: &[(&str, &str, &str, &str)]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|(id, first, last, email)| contact(id, first, last, email))
        .collect();
    format!("[{}]", items.join(","))
}

/// A full run of account `id`, as "Sync now" starts it.
fn sync_now(api: &GoogleContactsSync, id: &str) -> Promise {
    api.sync(
        JsValue::from_str(id),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    )
}

/// The `code` of an error the API rejected with.
fn code(e: &JsValue) -> String {
    get(e, "code").as_string().unwrap_or_default()
}

/// A unique account per test: the tests share one emulator.
fn email(name: &str) -> String {
    format!(
        "{name}-{}@example.com",
        js_sys::Date::now() as u64 % 1_000_000_000
    )
}

/// A connected plugin over a host holding `contacts` (a JSON array text).
async fn connected(
    base: &str,
    email: &str,
    contacts: &str,
) -> (GoogleContactsSync, JsValue, String) {
    let host = make_host(base, email, json(contacts), JsValue::UNDEFINED);
    let options = json(&format!(
        r#"{{"peopleApiBase":"{base}","oauth":{{"revokeUrl":"{base}/revoke"}}}}"#
    ));
    let api: GoogleContactsSync = {
        let v = ok(GoogleContactsSync::create(host.clone(), options)).await;
        // The promise resolves to the class instance.
        wasm_bindgen::convert::TryFromJsValue::try_from_js_value(v).expect("a GoogleContactsSync")
    };
    let info = ok(api.connect(JsValue::UNDEFINED)).await;
    let id = get(&info, "id").as_string().expect("account id");
    (api, host, id)
}

async fn dump(base: &str, email: &str) -> JsValue {
    admin(
        base,
        "GET",
        &format!("dump?email={email}"),
        JsValue::UNDEFINED,
    )
    .await
    .expect("dump")
}

fn people_names(dump: &JsValue) -> Vec<String> {
    let people = get(dump, "contacts");
    let people: Array = people.dyn_into().unwrap_or_default();
    people.iter().map(|p| show(&get(&p, "names"))).collect()
}

#[wasm_bindgen_test]
async fn create_rejects_a_host_without_an_api_version_with_invalid_input() {
    let host = make_host(
        "http://127.0.0.1:9",
        "x@example.com",
        json("[]"),
        json(r#"{"noApiVersion":true}"#),
    );
    let e = err(GoogleContactsSync::create(host, JsValue::UNDEFINED)).await;
    assert_eq!(code(&e), "INVALID_INPUT");
}

#[wasm_bindgen_test]
async fn connect_then_first_sync_puts_the_crm_contacts_in_google_and_a_second_sync_writes_nothing()
{
    let Some(base) = EMULATOR else { return };
    let who = email("first");
    let contacts = contacts(&[
        ("c1", "Ann", "Lee", "ann@example.com"),
        ("c2", "Bob", "Ng", "bob@example.com"),
        ("c3", "Zoë", "Ölund", "zoe@example.com"),
    ]);
    let (api, host, id) = connected(base, &who, &contacts).await;
    assert_eq!(id, who.to_lowercase());

    let accounts = ok(api.accounts()).await;
    assert_eq!(num(&accounts, "length"), 1.0);
    assert_eq!(get(&accounts, "0.connected").as_bool(), Some(true));

    let report = ok(sync_now(&api, &id)).await;
    assert_eq!(
        get(&report, "ok").as_bool(),
        Some(true),
        "{}",
        show(&report)
    );
    assert_eq!(num(&report, "created.google"), 3.0, "{}", show(&report));
    assert_eq!(
        get(&report, "trigger").as_string().as_deref(),
        Some("manual")
    );
    // Answers are plain JS objects: a map (the request counts) is an object, not a `Map`, and
    // its counts are numbers.
    let requests = get(&report, "requests");
    let plain = js_sys::Object::get_prototype_of(&js_sys::Object::new().into());
    assert!(
        js_sys::Object::get_prototype_of(&requests) == plain,
        "{}",
        show(&report)
    );
    let counts = js_sys::Object::values(requests.unchecked_ref());
    assert!(counts.length() > 0, "{}", show(&report));
    assert!(
        counts
            .iter()
            .all(|c: JsValue| c.as_f64().is_some_and(|n| n >= 1.0)),
        "{}",
        show(&report)
    );
    assert!(
        get(&host, "progress").as_f64().unwrap_or(0.0) > 0.0,
        "ui.progress was called"
    );
    // The host's progress names the run's account and phase, so a page can follow the run.
    assert_eq!(
        get(&host, "lastProgress.accountId").as_string().as_deref(),
        Some(id.as_str())
    );
    let phase = get(&host, "lastProgress.phase")
        .as_string()
        .unwrap_or_default();
    assert!(!phase.is_empty(), "a phase");
    assert!(get(&host, "lastProgress.label").as_string().is_some());

    let names = people_names(&dump(base, &who).await).join(" ");
    for n in ["Ann", "Bob", "Zoë"] {
        assert!(names.contains(n), "{n} missing in Google: {names}");
    }

    let again = ok(sync_now(&api, &id)).await;
    for k in [
        "created.google",
        "created.crm",
        "updated.google",
        "updated.crm",
    ] {
        assert_eq!(num(&again, k), 0.0, "{k} in {}", show(&again));
    }
    let runs = ok(api.runs(JsValue::from_str(&id))).await;
    assert_eq!(num(&runs, "length"), 2.0);
    let info = ok(api.accounts()).await;
    assert_eq!(num(&info, "0.links"), 3.0, "{}", show(&info));
}

#[wasm_bindgen_test]
async fn preview_returns_a_plan_with_operations_and_text_and_writes_nothing() {
    let Some(base) = EMULATOR else { return };
    let who = email("preview");
    let contacts = contacts(&[("p1", "Cy", "Diaz", "cy@example.com")]);
    let (api, _host, id) = connected(base, &who, &contacts).await;
    let plan = ok(api.preview(
        JsValue::from_str(&id),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(
        get(&plan, "operations.0.op").as_string().as_deref(),
        Some("create")
    );
    assert_eq!(
        get(&plan, "operations.0.side").as_string().as_deref(),
        Some("google")
    );
    assert_eq!(
        get(&plan, "operations.0.crmId").as_string().as_deref(),
        Some("p1")
    );
    let text = get(&plan, "text").as_string().unwrap_or_default();
    assert!(text.contains("google: create \"Cy Diaz\""), "{text}");
    assert!(people_names(&dump(base, &who).await).is_empty());
}

#[wasm_bindgen_test]
async fn the_bulk_action_and_the_record_action_sync_only_the_chosen_contacts() {
    let Some(base) = EMULATOR else { return };
    let who = email("actions");
    let contacts = contacts(&[
        ("a1", "Dee", "One", "dee@example.com"),
        ("a2", "Eve", "Two", "eve@example.com"),
        ("a3", "Fay", "Three", "fay@example.com"),
    ]);
    let (api, _host, _id) = connected(base, &who, &contacts).await;
    let reports = ok(api.sync_selected(json(r#"["a1","a2"]"#))).await;
    assert_eq!(num(&reports, "length"), 1.0);
    assert_eq!(
        get(&reports, "0.trigger").as_string().as_deref(),
        Some("bulkAction")
    );
    assert_eq!(num(&reports, "0.created.google"), 2.0, "{}", show(&reports));
    assert_eq!(people_names(&dump(base, &who).await).len(), 2);

    let reports = ok(api.sync_contact(JsValue::from_str("a3"))).await;
    assert_eq!(
        get(&reports, "0.trigger").as_string().as_deref(),
        Some("recordAction")
    );
    assert_eq!(num(&reports, "0.created.google"), 1.0, "{}", show(&reports));
    let names = people_names(&dump(base, &who).await).join(" ");
    assert!(names.contains("Fay"), "{names}");
}

#[wasm_bindgen_test]
async fn a_malformed_host_contact_is_reported_by_id_while_the_rest_syncs() {
    let Some(base) = EMULATOR else { return };
    let who = email("malformed");
    let bad = r#"{"id":"bad1","modifiedAt":"2024-02-01T10:00:00Z","firstName":"Gil","emails":[],"phones":[],"addresses":[],"birthday":"1990-13-45"}"#;
    let contacts = format!(
        "[{},{bad}]",
        contact("g1", "Hal", "Good", "hal@example.com")
    );
    let (api, _host, id) = connected(base, &who, &contacts).await;
    let report = ok(sync_now(&api, &id)).await;
    assert_eq!(num(&report, "created.google"), 1.0, "{}", show(&report));
    let errors = show(&get(&report, "errors"));
    assert!(
        errors.contains("bad1") && errors.contains("birthday"),
        "{errors}"
    );
    assert_eq!(
        get(&report, "errors.0.contact").as_string().as_deref(),
        Some("bad1")
    );
}

#[wasm_bindgen_test]
async fn settings_are_checked_and_a_bad_one_is_an_invalid_input_error() {
    let Some(base) = EMULATOR else { return };
    let who = email("settings");
    let (api, _host, id) = connected(base, &who, "[]").await;
    let s = ok(api.get_settings(JsValue::from_str(&id))).await;
    // The default region comes from the host user's locale.
    assert_eq!(get(&s, "defaultRegion").as_string().as_deref(), Some("GB"));
    let e = err(api.set_settings(JsValue::from_str(&id), json(r#"{"intervalMinutes":1}"#))).await;
    assert_eq!(code(&e), "INVALID_INPUT");
    assert!(get(&e, "message")
        .as_string()
        .unwrap_or_default()
        .contains("intervalMinutes"));
    let e = err(api.set_settings(JsValue::from_str(&id), json(r#"{"defaultRegion":"GBR"}"#))).await;
    assert_eq!(code(&e), "INVALID_INPUT");
    let s = ok(api.set_settings(
        JsValue::from_str(&id),
        json(r#"{"intervalMinutes":30,"conflictPolicy":"google"}"#),
    ))
    .await;
    assert_eq!(num(&s, "intervalMinutes"), 30.0);
    assert_eq!(
        get(&s, "conflictPolicy").as_string().as_deref(),
        Some("google")
    );
    assert_eq!(get(&s, "defaultRegion").as_string().as_deref(), Some("GB"));
    let e = err(api.get_settings(JsValue::from_str("nobody@example.com"))).await;
    assert_eq!(code(&e), "UNKNOWN_ACCOUNT");
}

#[wasm_bindgen_test]
async fn a_revoked_token_makes_the_sync_fail_with_auth_failed() {
    let Some(base) = EMULATOR else { return };
    let who = email("revoked");
    let contacts = contacts(&[("r1", "Ida", "Roe", "ida@example.com")]);
    let (api, host, id) = connected(base, &who, &contacts).await;
    let token = get(&host, "token").as_string().expect("token");
    revoke(base, &token).await.expect("revoke");
    let e = err(sync_now(&api, &id)).await;
    assert_eq!(code(&e), "AUTH_FAILED", "{}", show(&get(&e, "message")));
    // The failed run is in the log.
    let runs = ok(api.runs(JsValue::from_str(&id))).await;
    assert_eq!(get(&runs, "0.ok").as_bool(), Some(false));
    // The renewal after the 401 asked the host for this account's token, and the host was told
    // that the token is refused (the worker's bridge drops the page's copy this way).
    let asks: Vec<String> = Array::from(&get(&host, "tokenAsks"))
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    assert!(asks.contains(&id), "asked for {asks:?}");
    let forgotten: Vec<String> = Array::from(&get(&host, "forgotten"))
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    assert!(forgotten.contains(&id), "forgotten {forgotten:?}");
    // The host still hands out the refused token: the account is not shown as connected, it
    // needs reconnecting (and a scheduled run waits for it).
    let accounts = ok(api.accounts()).await;
    assert_eq!(
        get(&accounts, "0.connected").as_bool(),
        Some(false),
        "{}",
        show(&accounts)
    );
    assert_eq!(
        get(&accounts, "0.needsReconnect").as_bool(),
        Some(true),
        "{}",
        show(&accounts)
    );
    // Signed in again, it is connected and syncs.
    Reflect::set(&host, &JsValue::from_str("token"), &JsValue::NULL).expect("set");
    ok(api.reconnect(JsValue::from_str(&id))).await;
    let accounts = ok(api.accounts()).await;
    assert_eq!(
        get(&accounts, "0.connected").as_bool(),
        Some(true),
        "{}",
        show(&accounts)
    );
    let r = ok(sync_now(&api, &id)).await;
    assert_eq!(num(&r, "created.google"), 1.0, "{}", show(&r));
}

#[wasm_bindgen_test]
async fn groups_backup_and_reset_work_against_the_emulator() {
    let Some(base) = EMULATOR else { return };
    let who = email("groups");
    let contacts = contacts(&[("k1", "Jo", "Kay", "jo@example.com")]);
    let (api, _host, id) = connected(base, &who, &contacts).await;
    ok(sync_now(&api, &id)).await;
    let groups = show(&ok(api.google_groups(JsValue::from_str(&id))).await);
    assert!(
        groups.contains("contactGroups/myContacts") && groups.contains("\"CRM\""),
        "{groups}"
    );

    let backup = ok(api.backup(JsValue::from_str(&id)))
        .await
        .as_string()
        .expect("text");
    let b = json(&backup);
    assert_eq!(num(&b, "crm.length"), 1.0);
    assert_eq!(num(&b, "google.length"), 1.0);
    assert_eq!(num(&b, "links.length"), 1.0);

    // After a reset the history is empty, as the dialog says, and the next run finds the
    // contact again by its tag: no duplicate. Started from the preview, it says so.
    ok(api.reset_sync_data(JsValue::from_str(&id))).await;
    let runs = ok(api.runs(JsValue::from_str(&id))).await;
    assert_eq!(num(&runs, "length"), 0.0, "{}", show(&runs));
    let report = ok(api.sync(
        JsValue::from_str(&id),
        JsValue::UNDEFINED,
        json(r#"{"fromPreview":true}"#),
    ))
    .await;
    assert_eq!(num(&report, "created.google"), 0.0, "{}", show(&report));
    assert_eq!(num(&report, "linked"), 1.0, "{}", show(&report));
    assert_eq!(
        get(&report, "trigger").as_string().as_deref(),
        Some("apply")
    );
    let runs = ok(api.runs(JsValue::from_str(&id))).await;
    assert_eq!(num(&runs, "length"), 1.0, "{}", show(&runs));
    assert_eq!(people_names(&dump(base, &who).await).len(), 1);

    ok(api.disconnect(JsValue::from_str(&id))).await;
    assert_eq!(num(&ok(api.accounts()).await, "length"), 0.0);
}

#[wasm_bindgen(module = "/tests/web/host.js")]
extern "C" {
    #[wasm_bindgen(js_name = editCrm)]
    fn edit_crm_contact(host: &JsValue, id: &str, fields: JsValue);
}

/// The emails of the one Google contact, first (Google's primary) first.
async fn google_emails(base: &str, who: &str) -> Vec<String> {
    let dump = dump(base, who).await;
    let list: Array = get(&dump, "contacts.0.emailAddresses")
        .dyn_into()
        .unwrap_or_default();
    list.iter()
        .filter_map(|e| get(&e, "value").as_string())
        .collect()
}

#[wasm_bindgen_test]
async fn the_crms_primary_email_becomes_googles_and_a_moved_primary_syncs_once() {
    let Some(base) = EMULATOR else { return };
    let who = email("primary");
    let contacts = r#"[{"id":"m1","modifiedAt":"2024-02-01T10:00:00Z","firstName":"Mo","lastName":"Park",
        "emails":[{"value":"mo@work.example","type":"work"},{"value":"mo@home.example","type":"home","primary":true}],
        "phones":[],"addresses":[]}]"#;
    let (api, host, id) = connected(base, &who, contacts).await;
    let sync = || sync_now(&api, &id);
    let writes = |r: &JsValue| {
        [
            "created.google",
            "created.crm",
            "updated.google",
            "updated.crm",
        ]
        .map(|k| num(r, k))
    };

    let first = ok(sync()).await;
    assert_eq!(get(&first, "ok").as_bool(), Some(true), "{}", show(&first));
    assert_eq!(
        google_emails(base, &who).await,
        ["mo@home.example", "mo@work.example"]
    );
    let second = ok(sync()).await;
    assert_eq!(writes(&second), [0.0; 4], "{}", show(&second));

    // The user makes the work address primary in the CRM: Google follows, the CRM is not written.
    edit_crm_contact(
        &host,
        "m1",
        json(
            r#"{"emails":[{"value":"mo@work.example","type":"work","primary":true},{"value":"mo@home.example","type":"home"}]}"#,
        ),
    );
    let moved = ok(sync()).await;
    assert_eq!(writes(&moved), [0.0, 0.0, 1.0, 0.0], "{}", show(&moved));
    assert_eq!(
        google_emails(base, &who).await,
        ["mo@work.example", "mo@home.example"]
    );
    let settled = ok(sync()).await;
    assert_eq!(writes(&settled), [0.0; 4], "{}", show(&settled));
}

/// A connected plugin whose CRM contact `crm_id`, Alice Smith, shares the family address
/// info@family.example with Google's Bob Jones: two different people on one address, so one
/// ambiguous match whose names differ.
async fn connected_to_an_ambiguity(
    base: &str,
    who: &str,
    crm_id: &str,
) -> (GoogleContactsSync, JsValue, String) {
    let contacts = contacts(&[(crm_id, "Alice", "Smith", "info@family.example")]);
    let connection = connected(base, who, &contacts).await;
    admin(
        base,
        "POST",
        "seed",
        json(&format!(
            r#"{{"email":"{who}","contacts":[{{"names":[{{"givenName":"Bob","familyName":"Jones"}}],
                "emailAddresses":[{{"value":"info@family.example"}}]}}]}}"#
        )),
    )
    .await
    .expect("seed");
    connection
}

#[wasm_bindgen_test]
async fn an_ambiguity_carries_its_reason_to_javascript() {
    let Some(base) = EMULATOR else { return };
    let who = email("reason");
    let (api, _host, id) = connected_to_an_ambiguity(base, &who, "r1").await;
    let plan = ok(api.preview(
        JsValue::from_str(&id),
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(num(&plan, "ambiguous.length"), 1.0, "{}", show(&plan));
    assert_eq!(
        get(&plan, "ambiguous.0.reason").as_string().as_deref(),
        Some("namesDiffer"),
        "{}",
        show(&plan)
    );
    assert_eq!(
        get(&plan, "ambiguous.0.rule").as_string().as_deref(),
        Some("email")
    );
    assert_eq!(num(&plan, "operations.length"), 0.0, "{}", show(&plan));
}

#[wasm_bindgen_test]
async fn decisions_cross_from_javascript_and_bad_ones_are_invalid_input_errors() {
    let Some(base) = EMULATOR else { return };
    let who = email("decide");
    let (api, _host, id) = connected_to_an_ambiguity(base, &who, "d1").await;
    let account = || JsValue::from_str(&id);
    let plan = ok(api.preview(account(), JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert_eq!(get(&plan, "ambiguous.0.decidable").as_bool(), Some(true));
    assert_eq!(
        get(&plan, "ambiguous.0.shared.0").as_string().as_deref(),
        Some("info@family.example")
    );
    let bob = get(&plan, "ambiguous.0.candidates.0")
        .as_string()
        .unwrap_or_default();
    let with = |decisions: &str| json(&format!(r#"{{"decisions":{decisions}}}"#));
    // Not a decision: named by the key that is wrong.
    let e = err(api.sync(
        account(),
        JsValue::UNDEFINED,
        with(r#"{"conflicts":[{"crmId":"d1","field":"colour","keep":"crm"}]}"#),
    ))
    .await;
    assert_eq!(code(&e), "INVALID_INPUT");
    let text = get(&e, "message").as_string().unwrap_or_default();
    assert!(
        text.contains("options.decisions: conflicts[0].field"),
        "{text}"
    );
    // A decision on nothing the plan holds: refused before anything is written.
    let e = err(api.sync(
        account(),
        JsValue::UNDEFINED,
        with(r#"{"matches":[{"crmId":"d9","resourceName":"people/c9","choice":"link"}]}"#),
    ))
    .await;
    assert_eq!(code(&e), "INVALID_INPUT");
    assert_eq!(people_names(&dump(base, &who).await).len(), 1);
    // Kept apart: each goes its own way, and the warning does not come back.
    let r = ok(api.sync(
        account(),
        JsValue::UNDEFINED,
        with(&format!(
            r#"{{"matches":[{{"crmId":"d1","resourceName":"{bob}","choice":"apart"}}]}}"#
        )),
    ))
    .await;
    assert_eq!(num(&r, "ambiguous.length"), 0.0, "{}", show(&r));
    let plan = ok(api.preview(account(), JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert_eq!(num(&plan, "ambiguous.length"), 0.0, "{}", show(&plan));
}
