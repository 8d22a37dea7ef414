use super::*;
use crate::people::wire::FieldMetadata;

fn labels() -> Vec<TagLabel> {
    [("VIP", "contactGroups/a1"), ("lead", "contactGroups/b2")]
        .into_iter()
        .map(|(tag, group)| TagLabel {
            tag: tag.into(),
            group: group.into(),
        })
        .collect()
}

fn groups(p: &Person) -> Vec<&str> {
    p.memberships
        .iter()
        .filter_map(Membership::group_resource_name)
        .collect()
}

fn person(gs: &[&str]) -> Person {
    Person {
        memberships: gs.iter().map(|g| Membership::group(g)).collect(),
        ..Person::default()
    }
}

#[test]
fn a_tag_list_is_trimmed_sorted_and_without_repeats() {
    let got = tag_set(["lead ", "", "VIP", "vip", "  ", "a"].map(String::from));
    assert_eq!(got, ["VIP", "a", "lead"]);
}

#[test]
fn the_crms_own_tags_are_set_aside_and_mapped_ones_named_as_the_mapping_names_them() {
    let l = labels();
    let mut c = Contact {
        tags: tag_set(["vip", "golf", "lead"].map(String::from)),
        ..Contact::default()
    };
    let own = Labels(&l).split_crm(&mut c);
    assert_eq!(c.tags, ["VIP", "lead"]);
    assert_eq!(own, ["golf"]);
}

#[test]
fn a_google_contacts_tags_are_its_memberships_of_mapped_groups() {
    let l = labels();
    let gs = [
        "contactGroups/myContacts",
        "contactGroups/b2",
        "contactGroups/zz",
    ]
    .map(String::from);
    assert_eq!(Labels(&l).google_tags(&gs), ["lead"]);
}

#[test]
fn writing_tags_changes_only_the_mapped_memberships() {
    let l = labels();
    let mut p = person(&[
        "contactGroups/myContacts",
        "contactGroups/b2",
        "contactGroups/zz",
    ]);
    assert!(Labels(&l).apply(&mut p, &["VIP".to_string()]));
    assert_eq!(
        groups(&p),
        [
            "contactGroups/myContacts",
            "contactGroups/zz",
            "contactGroups/a1"
        ]
    );
    // The same tags again: nothing to send.
    assert!(!Labels(&l).apply(&mut p, &["vip".to_string()]));
}

#[test]
fn a_membership_of_another_source_is_left_alone() {
    let l = labels();
    let mut p = person(&["contactGroups/b2"]);
    p.memberships[0].metadata = Some(FieldMetadata {
        source: Some(crate::people::wire::Source {
            kind: Some("PROFILE".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    Labels(&l).apply(&mut p, &[]);
    assert_eq!(groups(&p), ["contactGroups/b2"]);
}

#[test]
fn a_person_left_with_no_membership_keeps_my_contacts() {
    let l = labels();
    let mut p = person(&["contactGroups/a1"]);
    assert!(Labels(&l).apply(&mut p, &[]));
    assert_eq!(groups(&p), [MY_CONTACTS]);
}

#[test]
fn settings_without_labels_take_a_mapping_and_refuse_a_doubled_tag_or_a_system_group() {
    use crate::sync::settings::Settings;
    let s = Settings::default();
    let set = |v: serde_json::Value| s.patched(&serde_json::json!({ "tagLabels": v }));
    let ok = set(serde_json::json!([{"tag": "vip", "group": "contactGroups/a1"}])).expect("taken");
    assert_eq!(
        ok.tag_labels,
        labels()[..1]
            .iter()
            .map(|l| TagLabel {
                tag: "vip".into(),
                ..l.clone()
            })
            .collect::<Vec<_>>()
    );
    assert!(set(serde_json::json!([
        {"tag": "vip", "group": "contactGroups/a1"},
        {"tag": "VIP", "group": "contactGroups/b2"}
    ]))
    .is_err());
    assert!(set(serde_json::json!([{"tag": "vip", "group": MY_CONTACTS}])).is_err());
}
