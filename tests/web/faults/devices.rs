//! Two devices (or browser profiles) of one user over storage kept on the CRM's server: no Web
//! Lock excludes their runs, so the host declares its storage shared and each run takes the
//! account's lease there too.

use super::*;

#[wasm_bindgen(module = "/tests/web/host.js")]
extern "C" {
    #[wasm_bindgen(js_name = separateWebLocks)]
    fn separate_web_locks();
    #[wasm_bindgen(js_name = hideChannels)]
    fn hide_channels();
    #[wasm_bindgen(js_name = restoreChannels)]
    fn restore_channels();
}

/// Both devices start a first sync at once, then a run each at once again: one runs, the other
/// answers BUSY naming devices, and Google ends with one contact per CRM contact.
pub(super) async fn two_devices_over_shared_storage_sync_one_at_a_time(base: &str) {
    separate_web_locks();
    hide_channels();
    for cas in [true, false] {
        let case = if cas {
            "with the host's compareAndSet"
        } else {
            "with the written and read-back lease"
        };
        let who = email(if cas { "devcas" } else { "devlease" });
        let contacts: Vec<String> = (0..30)
            .map(|i| {
                contact(
                    &format!("d{i}"),
                    &format!("Dev{i}"),
                    "Ice",
                    &format!("d{i}@example.com"),
                )
            })
            .collect();
        let options = format!(r#"{{"sharedStorage":true,"compareAndSet":{cas}}}"#);
        let a = make_host(
            base,
            &who,
            json(&format!("[{}]", contacts.join(","))),
            json(&options),
        );
        let b = make_host(base, &who, json("[]"), with_host("shareWith", &a, &options));
        let api_a = plugin(&a, base, "").await;
        let api_b = plugin(&b, base, "").await;
        let info = ok(api_a.connect(JsValue::UNDEFINED)).await;
        ok(api_b.connect(JsValue::UNDEFINED)).await;
        let id = get(&info, "id").as_string().expect("id");
        for round in ["a first sync", "a later run"] {
            let (pa, pb) = (sync_now(&api_a, &id), sync_now(&api_b, &id));
            let (ra, rb) = (JsFuture::from(pa).await, JsFuture::from(pb).await);
            let mut synced = 0;
            let mut busy = 0;
            for r in [&ra, &rb] {
                match r {
                    Ok(report) => {
                        assert!(
                            get(report, "ok").is_truthy(),
                            "{case}, {round}: {}",
                            show(report)
                        );
                        synced += 1;
                    }
                    Err(e) => {
                        assert_eq!(code(e), "BUSY", "{case}, {round}: {}", message(e));
                        assert!(message(e).contains("device"), "{}", message(e));
                        busy += 1;
                    }
                }
            }
            assert_eq!((synced, busy), (1, 1), "{case}, {round}");
            assert_eq!(
                people_names(&dump(base, &who).await).len(),
                30,
                "{case}, {round}"
            );
        }
        if cas {
            let calls = num(&a, "casCalls") + num(&b, "casCalls");
            assert!(
                calls >= 2.0,
                "{case}: compareAndSet was called {calls} times"
            );
        }
        // The lease was let go: either device syncs now, and finds nothing to do.
        for api in [&api_a, &api_b] {
            let r = sync(api, &id).await.expect("a later run");
            assert_eq!(writes(&r), 0.0, "{case}: {}", show(&r));
        }
        let keys: Vec<String> = stored_keys(&a)
            .iter()
            .filter_map(|k| k.as_string())
            .collect();
        assert!(
            !keys.iter().any(|k| k.ends_with(":lease")),
            "{case}: a lease is left: {keys:?}"
        );
    }
    restore_channels();
    restore_web_locks();
}
