use super::*;

/// Lays `given` (JSON) over the default settings and renders what changed as `key=value`
/// pairs (values as JSON), or `error: …`.
fn check(given: &str, expected: &str) {
    let given: Value = serde_json::from_str(given).expect("the test's JSON parses");
    let before = Settings::default();
    let got = match before.patched(&given) {
        Err(e) => format!("error: {e}"),
        Ok(after) => {
            let (Value::Object(b), Value::Object(a)) = (
                serde_json::to_value(&before).unwrap(),
                serde_json::to_value(&after).unwrap(),
            ) else {
                panic!("settings serialize to objects")
            };
            a.iter()
                .filter(|(k, v)| b.get(*k) != Some(v))
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    assert_eq!(got, expected, "given {given}");
}

#[test]
fn a_patch_changes_only_the_settings_it_names() {
    check(
        r#"{"intervalMinutes": 15, "conflictPolicy": "google"}"#,
        r#"conflictPolicy="google" intervalMinutes=15"#,
    );
    check("{}", "");
}

#[test]
fn the_region_is_trimmed_and_upper_cased_before_it_is_checked() {
    check(r#"{"defaultRegion": " fr "}"#, r#"defaultRegion="FR""#);
    check(
        r#"{"defaultRegion": "FRA"}"#,
        r#"error: defaultRegion: "FRA" is not a two-letter region"#,
    );
    check(
        r#"{"defaultRegion": "1a"}"#,
        r#"error: defaultRegion: "1A" is not a two-letter region"#,
    );
}

#[test]
fn a_key_that_is_not_a_setting_is_refused_not_ignored() {
    check(
        r#"{"intervalMinute": 15}"#,
        "error: intervalMinute: not a setting",
    );
}

#[test]
fn a_patch_that_is_not_an_object_is_refused() {
    check("[1]", "error: settings: expected an object");
    check("null", "error: settings: expected an object");
}

#[test]
fn a_value_of_the_wrong_type_names_the_reason() {
    check(
        r#"{"intervalMinutes": "often"}"#,
        r#"error: settings: intervalMinutes: invalid type: string "often", expected u32"#,
    );
    check(
        r#"{"directions": "sideways"}"#,
        "error: settings: directions: unknown variant `sideways`, expected one of `both`, `crmToGoogle`, \
         `googleToCrm`",
    );
}

#[test]
fn the_interval_is_between_five_minutes_and_a_week() {
    check(
        r#"{"intervalMinutes": 4}"#,
        "error: intervalMinutes: 4 is outside 5..10080",
    );
    check(r#"{"intervalMinutes": 5}"#, "intervalMinutes=5");
    check(r#"{"intervalMinutes": 10080}"#, "intervalMinutes=10080");
    check(
        r#"{"intervalMinutes": 10081}"#,
        "error: intervalMinutes: 10081 is outside 5..10080",
    );
}

#[test]
fn groups_must_name_contact_groups() {
    check(
        r#"{"sourceGroups": []}"#,
        "error: sourceGroups: expected one or more \"contactGroups/…\" names",
    );
    check(
        r#"{"sourceGroups": ["friends"]}"#,
        "error: sourceGroups: expected one or more \"contactGroups/…\" names",
    );
    check(
        r#"{"targetGroup": {"kind": "existing", "value": "friends"}}"#,
        r#"error: targetGroup: "friends" is not a contact group"#,
    );
    check(
        r#"{"targetGroup": {"kind": "named", "value": "  "}}"#,
        "error: targetGroup: the group name is empty",
    );
    check(
        r#"{"targetGroup": {"kind": "existing", "value": "contactGroups/abc"}}"#,
        r#"targetGroup={"kind":"existing","value":"contactGroups/abc"}"#,
    );
}

#[test]
fn deletion_settings_are_checked() {
    check(
        r#"{"googleDeletes": {"kind": "setStatus", "status": " "}}"#,
        "error: googleDeletes: the status is empty",
    );
    check(
        r#"{"googleDeletes": {"kind": "setStatus", "status": "Lost"}}"#,
        r#"googleDeletes={"kind":"setStatus","status":"Lost"}"#,
    );
    check(
        r#"{"deletionGuard": {"min": 3, "percent": 101}}"#,
        "error: deletionGuard.percent: over 100",
    );
    check(
        r#"{"deletionGuard": {"min": 3}}"#,
        "error: settings: deletionGuard: missing field `percent`",
    );
}

#[test]
fn the_crm_view_is_null_for_all_never_empty() {
    check(
        r#"{"crmViewId": ""}"#,
        "error: crmViewId: empty (use null for All)",
    );
    check(r#"{"crmViewId": "v1"}"#, r#"crmViewId="v1""#);
    check(r#"{"crmViewId": null}"#, "");
}

#[test]
fn stored_settings_that_fail_the_checks_are_caught_by_validate() {
    let s = Settings {
        interval_minutes: 0,
        ..Settings::default()
    };
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "intervalMinutes: 0 is outside 5..10080"
    );
    assert_eq!(Settings::default().validate(), Ok(()));
}

#[test]
fn every_setting_can_be_named_in_a_patch_even_one_left_out_while_empty() {
    use crate::json::ts::{Dir, Ts, TsType};
    let Ts::Object { props, .. } = Settings::ts(Dir::Read) else {
        panic!("Settings is an object")
    };
    let Ok(Value::Object(current)) = serde_json::to_value(Settings::default()) else {
        panic!("Settings serializes to an object")
    };
    assert!(props.len() > 15, "{} settings", props.len());
    for p in &props {
        // The value the settings hold, or for one left out its empty value: an empty object
        // for an object, an empty list for a list, else null.
        let object = |t: &Ts| matches!(t, Ts::Object { .. } | Ts::Record(_));
        let list = |t: &Ts| matches!(t, Ts::Array(_));
        let empty = match &p.ty {
            Ts::Union(ts) if ts.iter().any(object) => serde_json::json!({}),
            Ts::Union(ts) if ts.iter().any(list) => serde_json::json!([]),
            t if object(t) => serde_json::json!({}),
            t if list(t) => serde_json::json!([]),
            _ => Value::Null,
        };
        let v = current.get(&p.key).cloned().unwrap_or(empty);
        let patched = Settings::default().patched(&serde_json::json!({ p.key.as_str(): v }));
        assert!(patched.is_ok(), "{}: {:?}", p.key, patched.err());
    }
}
