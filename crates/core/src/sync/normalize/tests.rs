use super::*;
use crate::sync::matching::{match_contacts, MatchRule};
use crate::sync::model::{Contact, CrmContact, GoogleContact, Name};

#[test]
fn birthdays_parse_with_and_without_a_year_and_print_back() {
    for s in ["1990-02-28", "--02-29", "2000-02-29", "--12-31"] {
        assert_eq!(Birthday::parse(s).unwrap().to_string(), s);
    }
    for s in [
        "1990-02-29",
        "--13-01",
        "--00-10",
        "1990-2-3",
        "",
        "x",
        "1990-04-31",
    ] {
        assert!(Birthday::parse(s).is_err(), "{s:?} should be refused");
    }
}

#[test]
fn text_keys_ignore_case_width_and_whitespace() {
    assert_eq!(text_key("  José   ÁLVAREZ "), "josé álvarez");
    // Decomposed é (e + U+0301) and the composed one are the same name.
    assert_eq!(text_key("Jose\u{301}"), text_key("José"));
}

#[test]
fn a_phone_typed_the_same_way_has_the_same_key_whatever_google_made_of_it() {
    let region = Region::parse("GB").unwrap();
    let crm = Phone {
        value: "(415) 555-0136".into(),
        ..Phone::default()
    };
    // Google read the national number as American; the account's region says British.
    let google = Phone {
        value: "(415) 555-0136".into(),
        canonical: Some("+14155550136".into()),
        ..Phone::default()
    };
    assert_eq!(phone_key(&crm, region), phone_key(&google, region));
    // Text that does not parse is its digits on both sides, whatever Google made of it.
    let national = |canonical: Option<&str>| Phone {
        value: "(11) 95055-8544".into(),
        canonical: canonical.map(str::to_string),
        ..Phone::default()
    };
    assert_eq!(
        phone_key(&national(Some("+11950558544")), Region::US),
        phone_key(&national(None), Region::US)
    );
}

include!("cases.rs");

#[test]
fn text_keys_fold_ligatures_full_width_forms_and_decomposed_accents() {
    check_text_keys();
}

#[test]
fn one_person_spelled_with_compatibility_characters_links_by_name_and_company() {
    check_match_case();
}
