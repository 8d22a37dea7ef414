//! Tokens the host gives: each is for the account it names.

use super::*;

/// A host token is used only for the account it names: one named for another account, or for
/// none, is refused with a sentence naming the account to reconnect, and nothing is sent with it.
#[wasm_bindgen_test]
async fn a_host_token_named_for_another_account_or_none_is_refused_and_never_used() {
    let Some(base) = EMULATOR else { return };
    let who = email("tokenfor");
    let contacts = contacts(&[("t1", "Tia", "Fox", "tia@example.com")]);
    let (_, host, id) = connected(base, &who, &contacts).await;
    for (case, named) in [
        ("another account", JsValue::from_str("mallory@example.com")),
        ("no account", JsValue::NULL),
    ] {
        Reflect::set(&host, &JsValue::from_str("tokenEmail"), &named).expect("set");
        // A page loaded again: no token in memory, so the host is asked for the account's.
        let options = json(&format!(r#"{{"peopleApiBase":"{base}"}}"#));
        let v = ok(GoogleContactsSync::create(host.clone(), options)).await;
        let api: GoogleContactsSync =
            wasm_bindgen::convert::TryFromJsValue::try_from_js_value(v).expect("the class");
        let e = err(sync_now(&api, &id)).await;
        let message = get(&e, "message").as_string().unwrap_or_default();
        assert_eq!(code(&e), "AUTH_FAILED", "{case}: {message}");
        assert!(
            message.contains(&format!("reconnect {id}")),
            "{case}: {message}"
        );
    }
    assert_eq!(
        people_names(&dump(base, &who).await),
        Vec::<String>::new(),
        "nothing was sent to Google"
    );
}
