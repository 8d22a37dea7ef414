use super::*;

#[test]
fn the_embedded_schema_table_parses_and_knows_person() {
    assert!(schemas()
        .get("Person")
        .is_some_and(|p| p.contains_key("names")));
}

#[test]
fn phone_numbers_get_an_e164_canonical_form() {
    for (input, want) in [
        ("+44 20 7946 0123", Some("+442079460123")),
        ("(415) 555-0123", Some("+14155550123")),
        ("1-415-555-0123", Some("+14155550123")),
        ("0049 30 901820", Some("+4930901820")),
        ("+1 415 555 0123 x12", Some("+14155550123")),
        ("12", None),
    ] {
        assert_eq!(canonical_phone(input).as_deref(), want, "{input}");
    }
}

#[test]
fn an_unknown_nested_field_is_reported_with_its_proto_path() {
    let err = validate(
        &json!({"names": [{"givenName": "A", "nick": 1}]}),
        "Person",
        "person",
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "Invalid JSON payload received. Unknown name \"nick\" at 'person.names[0]': Cannot find field."
    );
}

#[test]
fn a_string_where_an_array_belongs_is_an_invalid_value() {
    let err = validate(&json!({"emailAddresses": "a@x.io"}), "Person", "person").unwrap_err();
    assert!(
        err.message
            .starts_with("Invalid value at 'person.email_addresses'"),
        "{}",
        err.message
    );
}

#[test]
fn names_get_display_forms() {
    let f = normalize_fields(
        &json!({"names": [{"givenName": "Ada", "familyName": "Lovelace"}]}),
        Mask::ALL,
        255,
    )
    .unwrap();
    let names = f
        .iter()
        .find(|(i, _)| usize::from(*i) == 1)
        .and_then(|(_, t)| t.clone())
        .unwrap();
    let v: Value = serde_json::from_str(&names).unwrap();
    assert_eq!(v[0]["displayName"], "Ada Lovelace");
    assert_eq!(v[0]["displayNameLastFirst"], "Lovelace, Ada");
    assert_eq!(v[0]["metadata"]["source"]["id"], "ff");
}

#[test]
fn masks_reject_etag_and_accept_person_prefixes() {
    let err = parse_mask(Some("names,etag"), "personFields", &FIELDS, LIST_DOC).unwrap_err();
    assert!(err
        .message
        .starts_with("Invalid personFields mask path: \"etag\""));
    let m = parse_mask(
        Some("person.names, emailAddresses"),
        "personFields",
        &FIELDS,
        LIST_DOC,
    )
    .unwrap();
    assert!(m.has(1) && m.has(3) && !m.has(4));
}
