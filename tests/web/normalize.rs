//! The core's comparison keys in the browser are the native ones: the same table and checks as the
//! native unit tests (`crates/core/src/sync/normalize/cases.rs`), so a match the native tests check is the match
//! the product makes.

use gcontacts_sync::sync::matching::{match_contacts, MatchRule};
use gcontacts_sync::sync::model::{Contact, CrmContact, GoogleContact, Name};
use gcontacts_sync::sync::normalize::{text_key, Region};
use wasm_bindgen_test::*;

include!("../../crates/core/src/sync/normalize/cases.rs");

#[wasm_bindgen_test]
fn text_keys_fold_ligatures_full_width_forms_and_decomposed_accents_as_natively() {
    check_text_keys();
}

#[wasm_bindgen_test]
fn one_person_spelled_with_compatibility_characters_links_as_natively() {
    check_match_case();
}
