//! The core's comparison keys in the browser are the native ones: the same table as the native
//! unit tests (`src/sync/normalize/cases.rs`), so a match the native tests check is the match the
//! product makes.

use gcontacts_sync::sync::matching::{match_contacts, MatchRule};
use gcontacts_sync::sync::model::{Contact, CrmContact, GoogleContact, Name};
use gcontacts_sync::sync::normalize::{text_key, Region};
use wasm_bindgen_test::*;

include!("../../src/sync/normalize/cases.rs");

#[wasm_bindgen_test]
fn text_keys_fold_ligatures_full_width_forms_and_decomposed_accents_as_natively() {
    let failures: Vec<String> = TEXT_KEYS
        .iter()
        .filter(|(input, key)| text_key(input) != *key)
        .map(|(input, key)| format!("{input:?}: expected {key:?}, got {:?}", text_key(input)))
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[wasm_bindgen_test]
fn one_person_spelled_with_compatibility_characters_links_as_natively() {
    let [c, g] = MATCH_CASE.map(|(given, family, company)| Contact {
        name: Name {
            given: given.into(),
            family: family.into(),
            ..Name::default()
        },
        company: company.into(),
        ..Contact::default()
    });
    let crm = CrmContact {
        id: "1".into(),
        modified_at: 0,
        status: None,
        contact: c,
    };
    let google = GoogleContact {
        resource_name: "people/c1".into(),
        etag: String::new(),
        updated_at: 0,
        tag: None,
        extra_tags: Vec::new(),
        groups: Vec::new(),
        contact: g,
    };
    let m = match_contacts(&[&crm], &[&google], Region::US);
    assert_eq!(
        m.matches
            .iter()
            .map(|x| (x.crm, x.google, x.rule))
            .collect::<Vec<_>>(),
        [(0, 0, MatchRule::NameAndBirthdayOrCompany)]
    );
}
