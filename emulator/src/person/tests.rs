use super::*;
use crate::api::validate;

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
    let err = validate::value(
        &json!({"names": [{"givenName": "A", "nick": 1}]}),
        "Person",
        "person",
        "",
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "Invalid JSON payload received. Unknown name \"nick\" at 'person.names[0]': Cannot find field."
    );
}

#[test]
fn a_string_where_an_array_belongs_is_an_invalid_value() {
    let err =
        validate::value(&json!({"emailAddresses": "a@x.io"}), "Person", "person", "").unwrap_err();
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
fn masks_map_paths_to_fields_and_read_include_field_prefixes() {
    let m = mask_of(Some("person.names, emailAddresses"));
    assert!(m.has(1) && m.has(3) && !m.has(4));
    assert_eq!(mask_of(Some("")), Mask(0));
}

#[test]
fn output_only_values_of_a_written_person_are_not_stored() {
    let f = normalize_fields(
        &json!({"phoneNumbers": [{"value": "(415) 555-0123", "canonicalForm": "+1999",
                "formattedType": "Bogus", "metadata": {"primary": false}}],
                "photos": [{"url": "https://x/p.jpg"}]}),
        Mask::ALL,
        1,
    )
    .unwrap();
    let phones = f
        .iter()
        .find(|(i, _)| usize::from(*i) == 4)
        .and_then(|(_, t)| t.clone())
        .unwrap();
    let v: Value = serde_json::from_str(&phones).unwrap();
    assert_eq!(v[0]["canonicalForm"], "+14155550123");
    assert_eq!(v[0]["metadata"]["primary"], true);
    assert!(v[0].get("formattedType").is_none());
    let photos = Mask::field("photos").unwrap();
    assert!(f.iter().all(|(i, _)| usize::from(*i) != photos));
}
