use super::*;
use crate::sync::settings::Settings;
use crate::sync::testkit::contact;

#[test]
fn the_keys_are_the_fields_names_in_the_js_api_in_order() {
    for (f, key) in Field::ALL.into_iter().zip(KEYS) {
        assert_eq!(f.as_str(), key);
        assert_eq!(
            Field::ALL[f as usize],
            f,
            "Field::ALL is in declaration order"
        );
    }
}

#[test]
fn the_photos_direction_is_written_under_its_key_read_back_and_previewed_when_changed() {
    let d = FieldDirections::default()
        .with(Field::Notes, FieldDirection::GoogleToCrm)
        .with_photo(FieldDirection::GoogleToCrm);
    let text = serde_json::to_string(&d).expect("serializes");
    assert_eq!(text, r#"{"notes":"googleToCrm","photo":"googleToCrm"}"#);
    assert_eq!(json::from_str::<FieldDirections>(&text).ok(), Some(d));
    assert!(!FieldDirections::default()
        .with_photo(FieldDirection::NotSynced)
        .all_both());
    let changes = FieldDirections::default().changes_to(&d);
    let shown: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "notes: Google → CRM only, was both ways",
            "photo: Google → CRM only, was both ways"
        ]
    );
    assert!(json::from_str::<FieldDirections>(r#"{"photos":"both"}"#).is_err());
}

#[test]
fn settings_stored_before_directions_read_as_every_field_two_way() {
    let s: Settings = json::from_str(r#"{"intervalMinutes": 30}"#).expect("old settings");
    assert!(s.field_directions.all_both());
    assert_eq!(
        serde_json::to_value(s.field_directions).expect("serializes"),
        serde_json::json!({})
    );
}

#[test]
fn directions_write_only_the_fields_that_are_not_two_way_and_read_back() {
    let d = FieldDirections::default()
        .with(Field::Notes, FieldDirection::GoogleToCrm)
        .with(Field::Emails, FieldDirection::CrmToGoogle)
        .with(Field::Birthday, FieldDirection::NotSynced);
    let text = serde_json::to_string(&d).expect("serializes");
    assert_eq!(
        text,
        r#"{"emails":"crmToGoogle","birthday":"notSynced","notes":"googleToCrm"}"#
    );
    assert_eq!(json::from_str::<FieldDirections>(&text).ok(), Some(d));
}

#[test]
fn an_unknown_field_or_direction_is_refused_by_name() {
    let s = Settings::default();
    let err = |v: serde_json::Value| s.patched(&v).expect_err("refused").to_string();
    assert_eq!(
        err(serde_json::json!({"fieldDirections": {"nickname": "both"}})),
        "settings: fieldDirections: unknown variant `nickname`, expected one of `prefix`, \
         `firstName`, `middleName`, `lastName`, `suffix`, `emails`, `phones`, `addresses`, \
         `birthday`, `company`, `title`, `notes`, `tags`, `photo`"
    );
    assert_eq!(
        err(serde_json::json!({"fieldDirections": {"notes": "up"}})),
        "settings: fieldDirections.notes: unknown variant `up`, expected one of `both`, \
         `crmToGoogle`, `googleToCrm`, `notSynced`"
    );
}

#[test]
fn each_direction_writes_its_receiving_sides_and_names_its_source() {
    let table: Vec<String> = FieldDirection::ALL
        .iter()
        .map(|d| {
            format!(
                "{d}: crm {} google {} from {:?}",
                d.writes(Side::Crm),
                d.writes(Side::Google),
                d.source()
            )
        })
        .collect();
    assert_eq!(
        table.join("\n"),
        "both ways: crm true google true from None\n\
         CRM → Google only: crm false google true from Some(Crm)\n\
         Google → CRM only: crm true google false from Some(Google)\n\
         not synced: crm false google false from None"
    );
}

#[test]
fn a_create_copies_only_the_fields_that_flow_its_way() {
    let c = contact("first=Ann email=a@x.io notes=met at a fair title=CEO");
    let d = FieldDirections::default()
        .with(Field::Notes, FieldDirection::GoogleToCrm)
        .with(Field::Emails, FieldDirection::CrmToGoogle)
        .with(Field::Title, FieldDirection::NotSynced);
    assert_eq!(
        d.create_on(Side::Google, &c),
        contact("first=Ann email=a@x.io")
    );
    assert_eq!(
        d.create_on(Side::Crm, &c),
        contact("first=Ann notes=met at a fair")
    );
}

#[test]
fn a_change_lists_each_field_whose_direction_differs() {
    let before = FieldDirections::default().with(Field::Title, FieldDirection::NotSynced);
    let after = before.with(Field::Notes, FieldDirection::GoogleToCrm);
    let changes: Vec<String> = before
        .changes_to(&after)
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(changes, ["notes: Google → CRM only, was both ways"]);
    assert!(after.changes_to(&after).is_empty());
}
