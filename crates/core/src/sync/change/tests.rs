use super::*;

fn diff(field: Field, before: &str, after: &str) -> FieldDiff {
    FieldDiff {
        field,
        key: String::new(),
        label: String::new(),
        before: before.into(),
        after: after.into(),
    }
}

/// The record as one line: `side field: before → after` per change, then what was omitted.
fn shown(r: &LastChange) -> String {
    let mut parts: Vec<String> = r
        .fields
        .iter()
        .map(|c| format!("{} {}: {} → {}", c.side, c.field, c.before, c.after))
        .collect();
    if r.omitted > 0 {
        parts.push(format!("+{} more", r.omitted));
    }
    parts.join(" | ")
}

#[test]
fn a_record_keeps_each_field_change_with_its_side_and_both_values() {
    let crm = diff(Field::Company, "Acme", "Globex");
    let google = diff(Field::Phones, "", "+15550100");
    let r = LastChange::new(
        "2026-01-02T03:04:05Z",
        7,
        None,
        false,
        [(Side::Crm, &crm), (Side::Google, &google)],
    );
    assert_eq!(
        shown(&r),
        "crm company: Acme → Globex | google phones:  → +15550100"
    );
    assert_eq!((r.run.as_str(), r.at), ("2026-01-02T03:04:05Z", 7));
}

#[test]
fn a_long_value_is_cut_to_the_bound_with_an_ellipsis() {
    let long = "é".repeat(MAX_VALUE_CHARS + 50);
    let cut_value = cut(&long);
    assert_eq!(cut_value.chars().count(), MAX_VALUE_CHARS);
    assert!(cut_value.ends_with("é…"), "{cut_value}");
    // At the bound exactly, nothing is cut.
    let exact = "x".repeat(MAX_VALUE_CHARS);
    assert_eq!(cut(&exact), exact);
    let d = diff(Field::Notes, &long, "short");
    let r = LastChange::new("r", 0, None, false, [(Side::Google, &d)]);
    assert_eq!(r.fields[0].before, cut_value);
    assert_eq!(r.fields[0].after, "short");
}

#[test]
fn changes_past_the_bound_are_counted_not_kept() {
    let diffs: Vec<FieldDiff> = (0..MAX_FIELD_CHANGES * 2)
        .map(|i| diff(Field::ALL[i % Field::ALL.len()], "a", &format!("b{i}")))
        .collect();
    let r = LastChange::new("r", 0, None, false, diffs.iter().map(|d| (Side::Crm, d)));
    assert_eq!(r.fields.len(), MAX_FIELD_CHANGES);
    assert_eq!(r.omitted as usize, MAX_FIELD_CHANGES);
    assert_eq!(r.fields[0].after, "b0");
}

#[test]
fn a_record_of_the_largest_contact_stays_small() {
    let huge = "x".repeat(100_000);
    let diffs: Vec<FieldDiff> = Field::ALL.iter().map(|f| diff(*f, &huge, &huge)).collect();
    let r = LastChange::new(
        "2026-01-02T03:04:05.678Z",
        1_700_000_000_000,
        Some(Side::Google),
        true,
        diffs
            .iter()
            .flat_map(|d| [(Side::Crm, d), (Side::Google, d)]),
    );
    let bytes = serde_json::to_string(&r)
        .expect("a record serializes")
        .len();
    // 13 changes of two values of 120 characters, and their keys.
    assert!(bytes < 4_400, "{bytes} bytes");
}

#[test]
fn a_creation_or_a_link_is_a_change_and_a_bare_tag_write_is_not() {
    assert!(LastChange::new("r", 0, None, false, []).is_empty());
    assert!(!LastChange::new("r", 0, Some(Side::Crm), true, []).is_empty());
    assert!(!LastChange::new("r", 0, None, true, []).is_empty());
}

#[test]
fn a_record_round_trips_through_json_and_an_empty_one_writes_only_its_run() {
    let d = diff(Field::GivenName, "Ann", "Anne <b>");
    let r = LastChange::new("r1", 9, Some(Side::Crm), true, [(Side::Crm, &d)]);
    let text = serde_json::to_string(&r).expect("a record serializes");
    assert_eq!(crate::json::from_str::<LastChange>(&text).ok(), Some(r));
    let bare = LastChange::new("r2", 1, None, false, []);
    assert_eq!(
        serde_json::to_string(&bare).expect("a record serializes"),
        r#"{"run":"r2","at":1,"omitted":0}"#
    );
}
