//! Fault scenarios that live in the browser: host storage failing on any one write of a save, a
//! tab dying mid-save, two tabs without Web Locks, each stored key corrupted, a host that never
//! answers, a slow or oversized Google answer. Each ends by checking what the user would: no
//! duplicate on either side, no lost link, no Google edit lost, and a second run writes nothing.

use super::*;

mod devices;

#[wasm_bindgen(module = "/tests/web/host.js")]
extern "C" {
    #[wasm_bindgen(js_name = clearFaults)]
    fn clear_faults(host: &JsValue);
    #[wasm_bindgen(js_name = failSetAt)]
    fn fail_set_at(host: &JsValue, n: u32);
    #[wasm_bindgen(js_name = dieAfterSets)]
    fn die_after_sets(host: &JsValue, n: u32);
    #[wasm_bindgen(js_name = answerGet)]
    fn answer_get(host: &JsValue, suffix: &str, value: JsValue);
    #[wasm_bindgen(js_name = hangList)]
    fn hang_list(host: &JsValue);
    #[wasm_bindgen(js_name = postForeignAnswer)]
    fn post_foreign_answer() -> Promise;
    #[wasm_bindgen(js_name = closeWindow)]
    fn close_window(name: &str);
    #[wasm_bindgen(js_name = stealLeaseAfterSets)]
    fn steal_lease_after_sets(host: &JsValue, n: u32, key: &str);
    #[wasm_bindgen(js_name = holdGets)]
    fn hold_gets(host: &JsValue, suffix: &str);
    #[wasm_bindgen(js_name = heldGet)]
    fn held_get(host: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = releaseGets)]
    fn release_gets(host: &JsValue);
    #[wasm_bindgen(js_name = heldLocks)]
    fn held_locks() -> Promise;
    #[wasm_bindgen(js_name = setsMade)]
    fn sets_made(host: &JsValue) -> u32;
    fn died(host: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = editCrm)]
    fn edit_crm(host: &JsValue, id: &str, fields: JsValue);
    #[wasm_bindgen(js_name = addCrm)]
    fn add_crm(host: &JsValue, contact: JsValue);
    #[wasm_bindgen(js_name = crmContacts)]
    fn crm_contacts(host: &JsValue) -> Array;
    fn corrupt(host: &JsValue, key: &str, text: &str);
    fn forget(host: &JsValue, key: &str);
    #[wasm_bindgen(js_name = storedKeys)]
    fn stored_keys(host: &JsValue) -> Array;
    #[wasm_bindgen(js_name = hideWebLocks)]
    fn hide_web_locks();
    #[wasm_bindgen(js_name = rejectWebLocks)]
    fn reject_web_locks();
    #[wasm_bindgen(js_name = restoreWebLocks)]
    fn restore_web_locks();
    #[wasm_bindgen(js_name = trackChannels)]
    fn track_channels(name: &str);
    #[wasm_bindgen(js_name = closeTrackedChannels)]
    fn close_tracked_channels();
    #[wasm_bindgen(catch)]
    async fn google(
        base: &str,
        token: &str,
        method: &str,
        path: &str,
        body: JsValue,
    ) -> Result<JsValue, JsValue>;
}

/// `makeHost`'s options object with a host in it (`shareWith`, `copyOf`).
fn with_host(option: &str, host: &JsValue, extra: &str) -> JsValue {
    let o = json(extra);
    Reflect::set(&o, &JsValue::from_str(option), host).expect("options");
    o
}

async fn plugin(host: &JsValue, base: &str, extra: &str) -> GoogleContactsSync {
    let options = json(&format!(r#"{{"peopleApiBase":"{base}"{extra}}}"#));
    let v = ok(GoogleContactsSync::create(host.clone(), options)).await;
    wasm_bindgen::convert::TryFromJsValue::try_from_js_value(v).expect("a GoogleContactsSync")
}

async fn sync(api: &GoogleContactsSync, id: &str) -> Result<JsValue, JsValue> {
    JsFuture::from(sync_now(api, id)).await
}

fn message(e: &JsValue) -> String {
    get(e, "message").as_string().unwrap_or_default()
}

const WRITES: [&str; 6] = [
    "created.google",
    "created.crm",
    "updated.google",
    "updated.crm",
    "deleted.google",
    "deleted.crm",
];

fn writes(report: &JsValue) -> f64 {
    WRITES.iter().map(|k| num(report, k)).sum()
}

/// An account synced once, then edited on both sides: CRM contact e1 renamed, a CRM contact e4
/// added, a Google contact "Gus Google" added.
async fn edited(base: &str, who: &str) -> (GoogleContactsSync, JsValue, String) {
    let contacts = contacts(&[
        ("e1", "Ann", "Lee", "ann@example.com"),
        ("e2", "Bob", "Ng", "bob@example.com"),
        ("e3", "Cy", "Diaz", "cy@example.com"),
    ]);
    let (api, host, id) = connected(base, who, &contacts).await;
    let first = ok(sync_now(&api, &id)).await;
    assert_eq!(num(&first, "created.google"), 3.0, "{}", show(&first));
    edit_crm(&host, "e1", json(r#"{"lastName":"Leeward"}"#));
    add_crm(
        &host,
        json(&contact("e4", "Dee", "Four", "dee@example.com")),
    );
    let token = get(&host, "token").as_string().expect("token");
    let gus = google(
        base,
        &token,
        "POST",
        "people:createContact?personFields=names",
        json(
            r#"{"names":[{"givenName":"Gus","familyName":"Google"}],
                "emailAddresses":[{"value":"gus@example.com"}]}"#,
        ),
    )
    .await
    .expect("create in Google");
    assert!(get(&gus, "resourceName").is_string(), "{}", show(&gus));
    (api, host, id)
}

/// Syncs until a run writes nothing (at most three runs), then checks what the user sees:
/// both sides hold the five contacts once each, the CRM edit is in Google, the Google contact is
/// in the CRM, all five are linked.
async fn converged(api: &GoogleContactsSync, host: &JsValue, id: &str, who: &str, case: &str) {
    let mut quiet = false;
    for _ in 0..3 {
        let r = sync(api, id)
            .await
            .unwrap_or_else(|e| panic!("{case}: {} {}", code(&e), message(&e)));
        assert_eq!(get(&r, "ok").as_bool(), Some(true), "{case}: {}", show(&r));
        if writes(&r) == 0.0 {
            quiet = true;
            break;
        }
    }
    assert!(quiet, "{case}: runs keep writing");
    let names = people_names(&dump(base_of(), who).await);
    assert_eq!(names.len(), 5, "{case}: Google holds {names:?}");
    for n in ["Leeward", "Bob", "Cy", "Dee", "Gus"] {
        let found = names.iter().filter(|x| x.contains(n)).count();
        assert_eq!(found, 1, "{case}: {n} {found} times in Google: {names:?}");
    }
    let crm = crm_contacts(host);
    assert_eq!(
        crm.length(),
        5,
        "{case}: CRM holds {}",
        show(&crm.clone().into())
    );
    let crm_text = show(&crm.into());
    assert!(
        crm_text.contains("Gus"),
        "{case}: the Google edit is lost: {crm_text}"
    );
    let info = ok(api.accounts()).await;
    assert_eq!(num(&info, "0.links"), 5.0, "{case}: {}", show(&info));
}

fn base_of() -> &'static str {
    EMULATOR.unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_failed_storage_write_anywhere_in_a_run_is_reported_and_the_next_run_repairs_it() {
    let Some(base) = EMULATOR else { return };
    // How many writes a run with edits makes.
    let who = email("setref");
    let (api, host, id) = edited(base, &who).await;
    clear_faults(&host);
    let r = sync(&api, &id).await.expect("the reference run");
    assert_eq!(get(&r, "ok").as_bool(), Some(true), "{}", show(&r));
    let n = sets_made(&host);
    assert!(n >= 4, "a run writes journal, shards, header, log: {n}");
    converged(&api, &host, &id, &who, "reference").await;
    for k in 0..n {
        let case = format!("write {k} of {n} fails");
        let who = email(&format!("setfail{k}"));
        let (api, host, id) = edited(base, &who).await;
        fail_set_at(&host, k);
        match sync(&api, &id).await {
            Ok(r) => {
                assert_eq!(
                    get(&r, "ok").as_bool(),
                    Some(false),
                    "{case}: a failed write must not be a success: {}",
                    show(&r)
                );
                let errors = show(&get(&r, "errors"));
                assert!(
                    errors.contains("quota exceeded writing"),
                    "{case}: {errors}"
                );
            }
            Err(e) => assert_eq!(code(&e), "HOST_ERROR", "{case}: {}", message(&e)),
        }
        clear_faults(&host);
        converged(&api, &host, &id, &who, &case).await;
    }
}

/// These scenarios change `navigator.locks` for the whole page, so they run in one test, one
/// after the other (the harness runs tests concurrently).
#[wasm_bindgen_test]
async fn without_web_locks_tabs_take_turns_and_a_tab_dying_anywhere_loses_nothing() {
    let Some(base) = EMULATOR else { return };
    two_tabs_without_web_locks_sync_one_at_a_time_and_duplicate_nothing(base).await;
    a_tab_that_dies_anywhere_in_a_run_leaves_what_the_next_tab_repairs(base).await;
    a_tab_whose_lease_is_taken_over_stops_before_its_next_write(base).await;
    devices::two_devices_over_shared_storage_sync_one_at_a_time(base).await;
    hide_web_locks();
    // The lease is read first: the run waits there, before it claims the lock.
    a_run_cancelled_before_it_holds_the_lock_ends_cancelled_and_writes_nothing(
        base,
        "waiting for the lease",
        ":lease",
    )
    .await;
    restore_web_locks();
}

#[wasm_bindgen_test]
async fn a_run_cancelled_while_it_reads_its_settings_ends_before_it_takes_the_lock() {
    let Some(base) = EMULATOR else { return };
    a_run_cancelled_before_it_holds_the_lock_ends_cancelled_and_writes_nothing(
        base,
        "reading its settings",
        ":settings",
    )
    .await;
}

/// A run held up before it holds the account's lock (storage answering slowly, at a `get` of a
/// key ending in `suffix`) and cancelled there: its report says cancelled, it took no lock and
/// wrote nothing (no lease, no state, no run log, nothing in Google); the next run syncs it all.
async fn a_run_cancelled_before_it_holds_the_lock_ends_cancelled_and_writes_nothing(
    base: &str,
    case: &str,
    suffix: &str,
) {
    let who = email("cancellock");
    let contacts = contacts(&[
        ("w1", "Wes", "Wait", "wes@example.com"),
        ("w2", "Wyn", "Wait", "wyn@example.com"),
    ]);
    let (api, host, id) = connected(base, &who, &contacts).await;
    hold_gets(&host, suffix);
    let pending = sync_now(&api, &id);
    JsFuture::from(held_get(&host)).await.expect("held");
    assert!(
        api.cancel(Some(id.clone())),
        "{case}: the run was not there to cancel"
    );
    release_gets(&host);
    let report = ok(pending).await;
    assert_eq!(
        get(&report, "cancelled").as_bool(),
        Some(true),
        "{case}: {}",
        show(&report)
    );
    assert_eq!(writes(&report), 0.0, "{case}: {}", show(&report));
    assert_eq!(sets_made(&host), 0, "{case}: wrote to storage");
    let keys: Vec<String> = stored_keys(&host)
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    assert!(
        !keys.iter().any(|k| k.ends_with(":lease")),
        "{case}: a lease is left: {keys:?}"
    );
    let locks = JsFuture::from(held_locks()).await.expect("locks");
    let lock = format!("gcontacts-sync:{id}");
    assert!(
        !Array::from(&locks).includes(&JsValue::from_str(&lock), 0),
        "{case}: {lock} is held"
    );
    assert_eq!(people_names(&dump(base, &who).await), Vec::<String>::new());
    let runs = ok(api.runs(JsValue::from_str(&id))).await;
    assert_eq!(
        Array::from(&runs).length(),
        0,
        "{case}: logged {}",
        show(&runs)
    );
    // Nothing is left of it: the next run does the whole job.
    clear_faults(&host);
    let next = ok(sync_now(&api, &id)).await;
    assert_eq!(num(&next, "created.google"), 2.0, "{case}: {}", show(&next));
    assert_ne!(get(&next, "cancelled").as_bool(), Some(true));
    assert_eq!(people_names(&dump(base, &who).await).len(), 2);
}

async fn a_tab_whose_lease_is_taken_over_stops_before_its_next_write(base: &str) {
    hide_web_locks();
    let who = email("stealref");
    let (api, host, id) = edited(base, &who).await;
    clear_faults(&host);
    sync(&api, &id).await.expect("the reference run");
    let n = sets_made(&host);
    let mut stopped = 0;
    for k in 0..n {
        let case = format!("the lease is taken over after write {k} of {n}");
        let who = email(&format!("steal{k}"));
        let (api, host, id) = edited(base, &who).await;
        let lease = format!("gcs:{id}:lease");
        steal_lease_after_sets(&host, k, &lease);
        match sync(&api, &id).await {
            // Taken over before a write: the run stops there, writing nothing more, not even
            // its state (the other tab's now).
            Err(e) => {
                assert_eq!(code(&e), "BUSY", "{case}: {}", message(&e));
                assert_eq!(
                    sets_made(&host),
                    k + 1,
                    "{case}: wrote after losing the lease"
                );
                stopped += 1;
            }
            // Taken over after its last write: the run had nothing left to write.
            Ok(r) => assert!(get(&r, "ok").is_truthy(), "{case}: {}", show(&r)),
        }
        // The other tab goes on from there (its lease is what this tab sees) and finishes.
        clear_faults(&host);
        forget(&host, &lease);
        converged(&api, &host, &id, &who, &case).await;
    }
    assert!(stopped > 0, "no run stopped on losing its lease");
    restore_web_locks();
}

async fn a_tab_that_dies_anywhere_in_a_run_leaves_what_the_next_tab_repairs(base: &str) {
    hide_web_locks();
    let who = email("dieref");
    let (api, host, id) = edited(base, &who).await;
    clear_faults(&host);
    sync(&api, &id).await.expect("the reference run");
    let n = sets_made(&host);
    for k in 0..n {
        let case = format!("the tab dies at write {k} of {n}");
        let who = email(&format!("die{k}"));
        let (api, host, id) = edited(base, &who).await;
        die_after_sets(&host, k);
        track_channels(&format!("gcontacts-sync-lease:{id}"));
        // The dying tab's run never ends: it is left hanging, as a closed tab's would be.
        let _hung = sync_now(&api, &id);
        JsFuture::from(died(&host)).await.expect("the tab died");
        close_tracked_channels();
        let next = make_host(base, &who, json("[]"), with_host("copyOf", &host, "{}"));
        let api2 = plugin(&next, base, "").await;
        ok(api2.connect(JsValue::UNDEFINED)).await;
        converged(&api2, &next, &id, &who, &case).await;
    }
    restore_web_locks();
}

async fn two_tabs_without_web_locks_sync_one_at_a_time_and_duplicate_nothing(base: &str) {
    for (case, take_locks) in [
        ("no navigator.locks", hide_web_locks as fn()),
        ("locks.request rejects", reject_web_locks),
    ] {
        take_locks();
        let who = email("twotabs");
        let contacts: Vec<String> = (0..20)
            .map(|i| {
                contact(
                    &format!("t{i}"),
                    &format!("Tab{i}"),
                    "Twin",
                    &format!("t{i}@example.com"),
                )
            })
            .collect();
        let a = make_host(
            base,
            &who,
            json(&format!("[{}]", contacts.join(","))),
            JsValue::UNDEFINED,
        );
        let b = make_host(base, &who, json("[]"), with_host("shareWith", &a, "{}"));
        let api_a = plugin(&a, base, "").await;
        let api_b = plugin(&b, base, "").await;
        let info = ok(api_a.connect(JsValue::UNDEFINED)).await;
        ok(api_b.connect(JsValue::UNDEFINED)).await;
        let id = get(&info, "id").as_string().expect("id");
        // Both tabs start a sync at once.
        let pa = api_a.sync(
            JsValue::from_str(&id),
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
        );
        let pb = api_b.sync(
            JsValue::from_str(&id),
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
        );
        let (ra, rb) = (JsFuture::from(pa).await, JsFuture::from(pb).await);
        let mut synced = 0;
        for r in [&ra, &rb] {
            match r {
                Ok(report) => {
                    assert_eq!(
                        get(report, "ok").as_bool(),
                        Some(true),
                        "{case}: {}",
                        show(report)
                    );
                    synced += 1;
                }
                Err(e) => assert_eq!(code(e), "BUSY", "{case}: {}", message(e)),
            }
        }
        assert!(synced >= 1, "{case}: neither tab synced");
        let names = people_names(&dump(base, &who).await);
        assert_eq!(
            names.len(),
            20,
            "{case}: Google holds {} contacts",
            names.len()
        );
        // Either tab now finds nothing to do.
        for api in [&api_a, &api_b] {
            let r = sync(api, &id).await.expect("a later run");
            assert_eq!(writes(&r), 0.0, "{case}: {}", show(&r));
        }
        assert_eq!(people_names(&dump(base, &who).await).len(), 20, "{case}");
        restore_web_locks();
    }
}

#[wasm_bindgen_test]
async fn each_stored_key_corrupted_names_itself_and_reset_or_disconnect_recovers() {
    let Some(base) = EMULATOR else { return };
    let who = email("corrupt");
    let contacts = contacts(&[
        ("k1", "Kim", "One", "kim@example.com"),
        ("k2", "Lou", "Two", "lou@example.com"),
        ("k3", "Max", "Three", "max@example.com"),
    ]);
    let (api, host, id) = connected(base, &who, &contacts).await;
    ok(sync_now(&api, &id)).await;
    ok(api.set_settings(JsValue::from_str(&id), json(r#"{"intervalMinutes":30}"#))).await;
    let prefix = format!("gcs:{id}:");
    let shard = stored_keys(&host)
        .iter()
        .filter_map(|k| k.as_string())
        .find(|k| k.starts_with(&format!("{prefix}links/")))
        .expect("a link shard");
    let parts = [
        "state",
        &shard[prefix.len()..],
        "journal",
        "settings",
        "runs",
        "meta",
    ];
    for part in parts {
        let key = format!("{prefix}{part}");
        corrupt(&host, &key, "{torn");
        // The account list still answers; it names what broke (the shards are read by runs).
        let accounts = ok(api.accounts()).await;
        let listed = show(&get(&accounts, "0.unreadable"));
        if !part.starts_with("links/") {
            assert!(listed.contains(&key), "{part}: {}", show(&accounts));
        }
        match part {
            // The log and the meta are rewritten by the next run.
            "runs" | "meta" => {
                let r = sync(&api, &id).await.expect("a run over a torn log");
                assert_eq!(get(&r, "ok").as_bool(), Some(true), "{part}: {}", show(&r));
            }
            // A shard changed behind the plugin's back (no save of any tab wrote it, so the
            // header and the stamp are as this tab left them): this tab runs on the state it
            // kept, and a tab that loads the state, a reload or another one, finds the shard.
            _ if part.starts_with("links/") => {
                let r = sync(&api, &id).await.expect("the tab that kept its state");
                assert_eq!(get(&r, "ok").as_bool(), Some(true), "{part}: {}", show(&r));
                let reloaded = plugin(&host, base, "").await;
                ok(reloaded.connect(JsValue::UNDEFINED)).await;
                let e = sync(&reloaded, &id)
                    .await
                    .expect_err("a run that loads the torn shard");
                assert_eq!(code(&e), "INVALID_STATE", "{part}: {}", message(&e));
                assert!(message(&e).contains(&key), "{part}: {}", message(&e));
            }
            _ => {
                let e = sync(&api, &id).await.expect_err("a run over torn state");
                assert_eq!(code(&e), "INVALID_STATE", "{part}: {}", message(&e));
                assert!(message(&e).contains(&key), "{part}: {}", message(&e));
            }
        }
        ok(api.reset_sync_data(JsValue::from_str(&id))).await;
        assert!(
            show(&ok(api.accounts()).await).find("unreadable").is_none(),
            "{part}: reset left unreadable data"
        );
        let r = sync(&api, &id).await.expect("a run after the reset");
        assert_eq!(num(&r, "created.google"), 0.0, "{part}: {}", show(&r));
        assert_eq!(num(&r, "created.crm"), 0.0, "{part}: {}", show(&r));
        let again = sync(&api, &id).await.expect("the run after");
        assert_eq!(writes(&again), 0.0, "{part}: {}", show(&again));
        assert_eq!(people_names(&dump(base, &who).await).len(), 3, "{part}");
        assert_eq!(crm_contacts(&host).length(), 3, "{part}");
        assert_eq!(num(&ok(api.accounts()).await, "0.links"), 3.0, "{part}");
    }

    // A value that is not text is the host's error, not an empty account.
    answer_get(&host, ":settings", JsValue::from(42));
    let e = sync(&api, &id)
        .await
        .expect_err("a number from storage.get");
    assert_eq!(code(&e), "HOST_ERROR", "{}", message(&e));
    assert!(message(&e).contains("not a string"), "{}", message(&e));
    clear_faults(&host);

    // Disconnect clears an account whatever its state holds.
    corrupt(&host, &format!("{prefix}state"), "{torn");
    corrupt(&host, &format!("{prefix}runs"), "\u{0}");
    let d = ok(api.disconnect(JsValue::from_str(&id))).await;
    assert_eq!(get(&d, "revoked").as_bool(), Some(true), "{}", show(&d));
    assert_eq!(num(&ok(api.accounts()).await, "length"), 0.0);
    let left: Vec<String> = stored_keys(&host)
        .iter()
        .filter_map(|k| k.as_string())
        .filter(|k| k.starts_with(&prefix))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A tab keeps the account's state between runs; a reset made in another tab (or in this one)
/// must reach its next run: the run matches again by the link tags, as after any reset, instead
/// of carrying on from the links and sync token it kept.
#[wasm_bindgen_test]
async fn a_reset_in_another_tab_or_this_one_is_seen_by_the_next_run() {
    let Some(base) = EMULATOR else { return };
    let who = email("keptreset");
    let contacts = contacts(&[
        ("r1", "Rae", "One", "rae@example.com"),
        ("r2", "Rob", "Two", "rob@example.com"),
        ("r3", "Ria", "Three", "ria@example.com"),
    ]);
    let (a, host_a, id) = connected(base, &who, &contacts).await;
    let first = ok(sync_now(&a, &id)).await;
    assert_eq!(num(&first, "created.google"), 3.0, "{}", show(&first));
    let quiet = ok(sync_now(&a, &id)).await;
    assert_eq!(writes(&quiet), 0.0, "{}", show(&quiet));
    assert_eq!(num(&quiet, "linked"), 0.0, "{}", show(&quiet));
    let host_b = make_host(
        base,
        &who,
        json("[]"),
        with_host("shareWith", &host_a, "{}"),
    );
    let b = plugin(&host_b, base, "").await;
    ok(b.connect(JsValue::UNDEFINED)).await;
    for (case, resetter) in [("another tab", &b), ("this tab", &a)] {
        ok(resetter.reset_sync_data(JsValue::from_str(&id))).await;
        let r = ok(sync_now(&a, &id)).await;
        assert_eq!(
            num(&r, "linked"),
            3.0,
            "{case}: linked again by tag: {}",
            show(&r)
        );
        assert_eq!(num(&r, "created.google"), 0.0, "{case}: {}", show(&r));
        assert_eq!(num(&r, "created.crm"), 0.0, "{case}: {}", show(&r));
        assert_eq!(people_names(&dump(base, &who).await).len(), 3, "{case}");
        // Both tabs then agree there is nothing to do.
        for api in [&a, &b] {
            let again = ok(sync_now(api, &id)).await;
            assert_eq!(writes(&again), 0.0, "{case}: {}", show(&again));
            assert_eq!(num(&again, "linked"), 0.0, "{case}: {}", show(&again));
        }
    }
}

#[wasm_bindgen_test]
async fn an_unreadable_account_list_fails_accounts_by_name_and_connect_repairs_it() {
    let Some(base) = EMULATOR else { return };
    let who = email("acctlist");
    let (api, host, _id) = connected(base, &who, "[]").await;
    corrupt(&host, "gcs:accounts", "[\"torn");
    let e = err(api.accounts()).await;
    assert_eq!(code(&e), "INVALID_STATE");
    assert!(message(&e).contains("gcs:accounts"), "{}", message(&e));
    let info = ok(api.connect(JsValue::UNDEFINED)).await;
    assert_eq!(get(&info, "email").as_string(), Some(who.clone()));
    assert_eq!(num(&ok(api.accounts()).await, "length"), 1.0);
}

/// The ways out the panel offers on an account whose list cannot be read each leave a working
/// account: Reset rebuilds the list (a reset that reported success while every run still failed
/// on the list was no way out), Disconnect forgets the list and a new connection starts it.
#[wasm_bindgen_test]
async fn an_unreadable_account_list_is_rebuilt_by_reset_and_cleared_by_disconnect() {
    let Some(base) = EMULATOR else { return };
    let who = email("acctreset");
    let contacts = contacts(&[
        ("l1", "Lia", "One", "lia@example.com"),
        ("l2", "Leo", "Two", "leo@example.com"),
    ]);
    let (api, host, id) = connected(base, &who, &contacts).await;
    ok(sync_now(&api, &id)).await;

    corrupt(&host, "gcs:accounts", "[\"torn");
    let e = sync(&api, &id).await.expect_err("a run over a torn list");
    assert_eq!(code(&e), "INVALID_STATE", "{}", message(&e));
    assert!(message(&e).contains("gcs:accounts"), "{}", message(&e));
    ok(api.reset_sync_data(JsValue::from_str(&id))).await;
    let listed = ok(api.accounts()).await;
    assert_eq!(num(&listed, "length"), 1.0, "{}", show(&listed));
    assert_eq!(get(&listed, "0.id").as_string(), Some(id.clone()));
    let r = sync(&api, &id).await.expect("a run after the reset");
    assert_eq!(get(&r, "ok").as_bool(), Some(true), "{}", show(&r));
    assert_eq!(num(&r, "created.google"), 0.0, "{}", show(&r));
    assert_eq!(num(&r, "created.crm"), 0.0, "{}", show(&r));
    assert_eq!(num(&r, "linked"), 2.0, "matched again by tag: {}", show(&r));

    corrupt(&host, "gcs:accounts", "[\"torn");
    let d = ok(api.disconnect(JsValue::from_str(&id))).await;
    assert_eq!(get(&d, "revoked").as_bool(), Some(true), "{}", show(&d));
    assert_eq!(num(&ok(api.accounts()).await, "length"), 0.0);
    // Google revoked the token the host held: the host signs in afresh.
    Reflect::set(&host, &JsValue::from_str("token"), &JsValue::NULL).expect("set");
    let info = ok(api.connect(JsValue::UNDEFINED)).await;
    assert_eq!(get(&info, "id").as_string(), Some(id.clone()));
    let r = sync(&api, &id).await.expect("a run after connecting again");
    assert_eq!(get(&r, "ok").as_bool(), Some(true), "{}", show(&r));
    assert_eq!(num(&r, "created.google"), 0.0, "{}", show(&r));
    assert_eq!(people_names(&dump(base, &who).await).len(), 2);
    assert_eq!(crm_contacts(&host).length(), 2);
}

#[wasm_bindgen_test]
async fn a_disconnect_without_a_token_says_it_could_not_revoke() {
    let Some(base) = EMULATOR else { return };
    let who = email("norevoke");
    let (api, host, id) = connected(base, &who, "[]").await;
    // The host can no longer give a token (the page reloaded and sign-in needs the user).
    Reflect::delete_property(&host.clone().into(), &JsValue::from_str("google")).expect("delete");
    let api2 = plugin(&host, base, "").await;
    let d = ok(api2.disconnect(JsValue::from_str(&id))).await;
    assert_eq!(get(&d, "revoked").as_bool(), Some(false), "{}", show(&d));
    let m = get(&d, "message").as_string().unwrap_or_default();
    assert!(m.contains("myaccount.google.com/permissions"), "{m}");
    assert_eq!(num(&ok(api.accounts()).await, "length"), 0.0);
}

#[wasm_bindgen_test]
async fn a_host_that_never_answers_fails_the_run_after_its_timeout() {
    let Some(base) = EMULATOR else { return };
    let who = email("hang");
    let host = make_host(
        base,
        &who,
        json(&contacts(&[("h1", "Hal", "Hang", "hal@example.com")])),
        JsValue::UNDEFINED,
    );
    let api = plugin(&host, base, r#","hostTimeoutMs":300"#).await;
    let info = ok(api.connect(JsValue::UNDEFINED)).await;
    let id = get(&info, "id").as_string().expect("id");
    hang_list(&host);
    let r = sync(&api, &id).await.expect("the run ends");
    assert_eq!(get(&r, "ok").as_bool(), Some(false), "{}", show(&r));
    let errors = show(&get(&r, "errors"));
    assert!(errors.contains("no answer within 300 ms"), "{errors}");
    // And nothing was inferred from the listing that never came.
    assert!(people_names(&dump(base, &who).await).is_empty());
    clear_faults(&host);
    let r = sync(&api, &id).await.expect("the next run");
    assert_eq!(num(&r, "created.google"), 1.0, "{}", show(&r));
}

#[wasm_bindgen_test]
async fn a_google_answer_late_past_the_deadline_is_abandoned_and_retried() {
    let Some(base) = EMULATOR else { return };
    let who = email("slow");
    let host = make_host(
        base,
        &who,
        json(&contacts(&[("s1", "Sam", "Slow", "sam@example.com")])),
        json(r#"{"slowFetches":1,"slowFetchMs":5000}"#),
    );
    let api = plugin(&host, base, r#","requestTimeoutMs":300"#).await;
    let info = ok(api.connect(JsValue::UNDEFINED)).await;
    let id = get(&info, "id").as_string().expect("id");
    let r = sync(&api, &id).await.expect("the run");
    assert_eq!(get(&r, "ok").as_bool(), Some(true), "{}", show(&r));
    // The first request was given up after 300 ms and sent again.
    let requests: f64 = js_sys::Object::values(&get(&r, "requests").into())
        .iter()
        .filter_map(|v| v.as_f64())
        .sum();
    let again = sync(&api, &id).await.expect("the second run");
    let second: f64 = js_sys::Object::values(&get(&again, "requests").into())
        .iter()
        .filter_map(|v| v.as_f64())
        .sum();
    assert!(
        requests >= 3.0 && requests > second,
        "{} / {}",
        show(&r),
        show(&again)
    );
}

#[wasm_bindgen_test]
async fn a_google_answer_over_32_mb_is_refused_not_read_as_an_empty_account() {
    let Some(base) = EMULATOR else { return };
    let who = email("big");
    let contacts = contacts(&[
        ("b1", "Bea", "Big", "bea@example.com"),
        ("b2", "Ben", "Big", "ben@example.com"),
    ]);
    let host = make_host(base, &who, json(&contacts), json(r#"{"bigAnswers":0}"#));
    let api = plugin(&host, base, "").await;
    let info = ok(api.connect(JsValue::UNDEFINED)).await;
    let id = get(&info, "id").as_string().expect("id");
    sync(&api, &id).await.expect("the first run");
    assert_eq!(people_names(&dump(base, &who).await).len(), 2);
    // After a reset the listing is full: read as an empty account, it would create both again.
    ok(api.reset_sync_data(JsValue::from_str(&id))).await;
    Reflect::set(&host, &JsValue::from_str("bigLeft"), &JsValue::from(1)).expect("set");
    let r = sync(&api, &id).await.expect("the run");
    assert_eq!(num(&r, "created.google"), 0.0, "{}", show(&r));
    assert_eq!(people_names(&dump(base, &who).await).len(), 2);
    assert_eq!(
        get(&host, "bigLeft").as_f64(),
        Some(0.0),
        "the big answer was served"
    );
}

#[wasm_bindgen_test]
async fn the_sign_in_popup_ignores_an_answer_from_another_window() {
    let Some(base) = EMULATOR else { return };
    let who = email("popup");
    let host = make_host(base, &who, json("[]"), JsValue::UNDEFINED);
    // No host token: the built-in popup flow, to the emulator's consent page (which waits for
    // the user).
    Reflect::delete_property(&host.clone().into(), &JsValue::from_str("google")).expect("delete");
    let api = plugin(
        &host,
        base,
        &format!(
            r#","oauth":{{"clientId":"c","authUrl":"{base}/o/oauth2/v2/auth","redirectUri":"{base}/cb"}}"#
        ),
    )
    .await;
    let connecting = api.connect(JsValue::UNDEFINED);
    // A same-origin message that is not the popup's answer to this request must not end the
    // wait (nor be taken as a failed sign-in).
    JsFuture::from(post_foreign_answer()).await.expect("posted");
    close_window("gcontacts-sync-oauth");
    let e = err(connecting).await;
    assert_eq!(code(&e), "AUTH_CANCELLED", "{}", message(&e));
    assert!(message(&e).contains("closed"), "{}", message(&e));
    assert_eq!(num(&ok(api.accounts()).await, "length"), 0.0);
}
