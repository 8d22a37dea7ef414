//! The merge of tags (CRM tags ⇄ Google labels): a set, three-way per tag.

use super::check;
use crate::sync::merge::tests::directions::directed;
use crate::sync::model::Field;

#[test]
fn a_tag_added_in_the_crm_is_added_in_google() {
    check(
        "base: first=Ann tag=vip\n crm: first=Ann tag=vip tag=lead\n google: first=Ann tag=vip",
        "google: tags: vip → lead; vip",
    );
}

#[test]
fn a_label_added_in_google_is_added_in_the_crm() {
    check(
        "base: first=Ann\n crm: first=Ann\n google: first=Ann tag=lead",
        "crm: tags: (empty) → lead",
    );
}

#[test]
fn a_tag_removed_on_one_side_is_removed_on_the_other() {
    check(
        "base: first=Ann tag=vip tag=lead\n crm: first=Ann tag=vip\n google: first=Ann tag=vip tag=lead",
        "google: tags: lead; vip → vip",
    );
    check(
        "base: first=Ann tag=vip tag=lead\n crm: first=Ann tag=vip tag=lead\n google: first=Ann tag=lead",
        "crm: tags: lead; vip → lead",
    );
}

#[test]
fn tags_edited_on_both_sides_keep_both_edits_without_a_conflict() {
    check(
        "base: first=Ann tag=vip\n crm: first=Ann tag=vip tag=lead\n google: tag=partner first=Ann",
        "crm: tags: lead; vip → lead; partner\ngoogle: tags: partner → lead; partner",
    );
}

#[test]
fn a_first_link_keeps_the_union_of_both_sides_tags() {
    check(
        "crm: first=Ann tag=vip\n google: first=Ann tag=lead",
        "crm: tags: vip → vip; lead\ngoogle: tags: lead → vip; lead",
    );
}

#[test]
fn tags_differing_only_in_case_are_one_tag() {
    check(
        "base: first=Ann tag=VIP\n crm: first=Ann tag=VIP\n google: first=Ann tag=vip",
        "nothing",
    );
}

#[test]
fn tags_flowing_crm_to_google_only_never_come_back_from_google() {
    assert_eq!(
        directed(
            "tags=crmToGoogle",
            "base: first=Ann tag=vip\n crm: first=Ann tag=vip\n google: first=Ann tag=vip tag=lead",
            &[Field::Tags],
        ),
        "nothing\nheld crm: tags: vip kept, not vip; lead (CRM → Google only)\nbase tags: vip"
    );
}
