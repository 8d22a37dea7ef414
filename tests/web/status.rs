//! `contactStatus` across the JS boundary: a contact the record action synced answers its link
//! and what the run did, from stored data alone; a bad id is an INVALID_INPUT error.

use super::*;

#[wasm_bindgen_test]
async fn the_status_of_a_contact_the_record_action_synced_names_its_link_and_the_run() {
    let Some(base) = EMULATOR else { return };
    let who = email("status");
    let contacts = contacts(&[("s1", "Gil", "One", "gil@example.com")]);
    let (api, _host, id) = connected(base, &who, &contacts).await;

    let before = ok(api.contact_status(JsValue::from_str("s1"))).await;
    assert_eq!(get(&before, "contactId").as_string().as_deref(), Some("s1"));
    assert_eq!(get(&before, "accounts.0.accountId").as_string(), Some(id));
    assert_eq!(get(&before, "accounts.0.linked").as_bool(), Some(false));

    let reports = ok(api.sync_contact(JsValue::from_str("s1"))).await;
    let status = ok(api.contact_status(JsValue::from_str("s1"))).await;
    assert_eq!(
        get(&status, "accounts.0.linked").as_bool(),
        Some(true),
        "{}",
        show(&status)
    );
    let rn = get(&status, "accounts.0.google.resourceName")
        .as_string()
        .unwrap_or_default();
    assert!(rn.starts_with("people/"), "{rn}");
    let url = get(&status, "accounts.0.google.url")
        .as_string()
        .unwrap_or_default();
    assert_eq!(
        url,
        format!(
            "https://contacts.google.com/person/{}",
            &rn["people/".len()..]
        )
    );
    assert_eq!(
        get(&status, "accounts.0.lastChange.created")
            .as_string()
            .as_deref(),
        Some("google")
    );
    assert_eq!(
        get(&status, "accounts.0.lastChange.run").as_string(),
        get(&reports, "0.startedAt").as_string()
    );

    let e = err(api.contact_status(JsValue::from_str(""))).await;
    assert_eq!(code(&e), "INVALID_INPUT");
}
