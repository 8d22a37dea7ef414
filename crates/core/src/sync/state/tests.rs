use super::*;
use crate::sync::model::Name;

fn link(id: &str) -> Link {
    Link {
        crm_id: id.into(),
        resource_name: format!("people/c{id}"),
        etag: "e".into(),
        base: Contact {
            name: Name {
                given: "Ann".into(),
                ..Name::default()
            },
            ..Contact::default()
        },
        synced_at: 5,
        last_change: None,
    }
}

#[test]
fn a_state_round_trips_through_json() {
    let mut s = AccountState::new();
    s.links.insert("1".into(), link("1"));
    s.sync_token = Some("tok".into());
    assert_eq!(AccountState::from_json(&s.to_json()), Ok(s));
}

#[test]
fn a_state_of_an_older_layout_is_refused_not_misread() {
    let v1 = r#"{"links":[{"crmId":"1","resourceName":"people/c1","etag":"e","base":{"name":{"given":"Ann"}},"syncedAt":5}],"syncToken":"tok"}"#;
    assert!(matches!(
        AccountState::from_json(v1),
        Err(StateError::Corrupt { version: None, .. })
    ));
    assert!(matches!(
        AccountState::from_json(r#"{"version":1,"links":{}}"#),
        Err(StateError::Corrupt {
            version: Some(1),
            ..
        })
    ));
}

#[test]
fn a_newer_or_corrupt_state_is_refused_not_dropped() {
    assert_eq!(
        AccountState::from_json(r#"{"version":99,"links":{}}"#),
        Err(StateError::TooNew { version: 99 })
    );
    assert!(matches!(
        AccountState::from_json("{not json"),
        Err(StateError::Corrupt { version: None, .. })
    ));
    assert!(matches!(
        AccountState::from_json(r#"{"version":2,"links":[1,2]}"#),
        Err(StateError::Corrupt {
            version: Some(2),
            ..
        })
    ));
}

#[test]
fn a_link_saved_before_the_last_change_record_loads_without_one() {
    let old = r#"{"version":2,"links":{"1":{"crmId":"1","resourceName":"people/c1","etag":"e","base":{},"syncedAt":5}}}"#;
    let s = AccountState::from_json(old).expect("an older link reads");
    assert_eq!(s.links["1"].last_change, None);
    // And a link without a record writes no key for it.
    assert!(!s.to_json().contains("lastChange"));
}
