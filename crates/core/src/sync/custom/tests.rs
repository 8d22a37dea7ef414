use super::*;
use crate::sync::direction::FieldDirection;
use crate::sync::merge::{copy_fields, merge, MergeInput, Merged};
use crate::sync::model::{Contact, Field, Side};
use crate::sync::normalize::Region;
use crate::sync::settings::ConflictPolicy;
use proptest::prelude::*;

/// The demo's fields: a customer number, a lead source to choose, a preferred language.
fn declared() -> Vec<CustomField> {
    let field = |key: &str, label: &str, kind, choices: &[&str]| CustomField {
        key: key.into(),
        label: label.into(),
        kind,
        choices: choices.iter().map(|c| c.to_string()).collect(),
    };
    vec![
        field("cust", "Customer number", CustomType::Number, &[]),
        field("lead", "Lead source", CustomType::Choice, &["Web", "Fair"]),
        field("lang", "Language", CustomType::Text, &[]),
    ]
}

/// `lead=Web cust=12`: custom values (no spaces; `-` for none).
fn values(text: &str) -> Contact {
    let mut c = Contact::default();
    for word in text.split_whitespace().filter(|w| *w != "-") {
        let (k, v) = word.split_once('=').expect("key=value");
        c.custom.insert(k.into(), v.into());
    }
    c
}

/// `directions`: `key=direction` words. `input`: `base:`, `crm:`, `google:` lines of
/// [`values`] (no `base:` is a first link) and `policy:`. `expected`: the writes, conflicts and
/// held differences, one a line.
fn check(directions: &str, input: &str, expected: &str) {
    let mut settings = BTreeMap::new();
    for word in directions.split_whitespace() {
        let (k, d) = word.split_once('=').expect("key=direction");
        let direction = named(d);
        settings.insert(
            k.to_string(),
            CustomSetting {
                google_key: String::new(),
                direction,
            },
        );
    }
    let (mut base, mut crm, mut google) = (None, Contact::default(), Contact::default());
    let mut policy = ConflictPolicy::Newest;
    for line in input.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (k, v) = line.split_once(':').expect("key: value");
        match k {
            "base" => base = Some(values(v)),
            "crm" => crm = values(v),
            "google" => google = values(v),
            "policy" => policy = named(v.trim()),
            _ => panic!("unknown key {k}"),
        }
    }
    let fields = declared();
    let m = run(&fields, &settings, base.as_ref(), &crm, &google, policy);
    assert_eq!(render(&m), expected.trim(), "\ninput:\n{input}");
}

/// A policy or a direction by its JSON name.
fn named<T: crate::json::FromJson>(name: &str) -> T {
    crate::json::from_str(&format!("{name:?}")).expect("a known name")
}

fn run(
    fields: &[CustomField],
    settings: &BTreeMap<String, CustomSetting>,
    base: Option<&Contact>,
    crm: &Contact,
    google: &Contact,
    policy: ConflictPolicy,
) -> Merged {
    merge(MergeInput {
        base,
        crm,
        google,
        crm_modified_at: 1,
        google_modified_at: 2,
        policy,
        region: Region::US,
        decided: &[],
        write_crm: true,
        write_google: true,
        directions: Default::default(),
        custom: CustomTable::new(fields, settings),
    })
}

fn render(m: &Merged) -> String {
    let mut lines = Vec::new();
    lines.extend(m.crm.iter().map(|d| format!("crm: {d}")));
    lines.extend(m.google.iter().map(|d| format!("google: {d}")));
    lines.extend(m.conflicts.iter().map(|c| format!("conflict {c}")));
    lines.extend(m.held.iter().map(|h| format!("held on {}: {h}", h.side)));
    if lines.is_empty() {
        "nothing".into()
    } else {
        lines.join("\n")
    }
}

#[test]
fn a_value_edited_in_the_crm_reaches_google_named_by_its_label() {
    check(
        "",
        "base: cust=12 lead=Web\n crm: cust=13 lead=Web\n google: cust=12 lead=Web",
        "google: Customer number: 12 → 13",
    );
}

#[test]
fn a_value_edited_in_google_reaches_the_crm() {
    check(
        "",
        "base: lead=Web\n crm: lead=Web\n google: lead=Fair",
        "crm: Lead source: Web → Fair",
    );
}

#[test]
fn edits_of_different_custom_fields_on_both_sides_both_survive() {
    check(
        "",
        "base: cust=12 lang=en\n crm: cust=13 lang=en\n google: cust=12 lang=fr",
        "crm: Language: en → fr\ngoogle: Customer number: 12 → 13",
    );
}

#[test]
fn both_sides_editing_one_custom_field_is_a_conflict_the_policy_settles() {
    check(
        "",
        "base: lang=en\n crm: lang=de\n google: lang=fr",
        "crm: Language: de → fr\nconflict Language: crm \"de\", google \"fr\": kept google (newest)",
    );
    check(
        "",
        "base: lang=en\n crm: lang=de\n google: lang=fr\n policy: crm",
        "google: Language: fr → de\nconflict Language: crm \"de\", google \"fr\": kept crm (crm)",
    );
}

#[test]
fn a_value_cleared_on_one_side_is_cleared_on_the_other() {
    check(
        "",
        "base: lang=en\n crm: -\n google: lang=en",
        "google: Language: en → (empty)",
    );
}

#[test]
fn a_first_link_fills_blanks_from_either_side_and_keeps_the_crm_value_in_a_difference() {
    check(
        "",
        "crm: cust=12 lang=de\n google: lead=Web lang=fr",
        "crm: Lead source: (empty) → Web\ngoogle: Customer number: (empty) → 12\n\
         google: Language: fr → de\n\
         conflict Language: crm \"de\", google \"fr\": kept crm (first link)",
    );
}

#[test]
fn a_number_in_another_form_is_the_same_number() {
    check(
        "",
        "base: cust=12.5\n crm: cust=12.50\n google: cust=12.5",
        "nothing",
    );
    check(
        "",
        "base: cust=7\n crm: cust=+007\n google: cust=7",
        "nothing",
    );
}

#[test]
fn a_crm_to_google_field_holds_googles_edit_and_wins_both_edits_without_conflict() {
    check(
        "lang=crmToGoogle",
        "base: lang=en\n crm: lang=en\n google: lang=fr",
        "held on crm: Language: en kept, not fr (CRM → Google only)",
    );
    check(
        "lang=crmToGoogle",
        "base: lang=en\n crm: lang=de\n google: lang=fr",
        "google: Language: fr → de",
    );
}

#[test]
fn a_google_to_crm_field_holds_the_crm_edit_and_takes_googles() {
    check(
        "cust=googleToCrm",
        "base: cust=1\n crm: cust=2\n google: cust=1",
        "held on google: Customer number: 1 kept, not 2 (Google → CRM only)",
    );
    check(
        "cust=googleToCrm",
        "base: cust=1\n crm: cust=2\n google: cust=3",
        "crm: Customer number: 2 → 3",
    );
}

#[test]
fn a_field_not_synced_is_written_nowhere_and_keeps_its_base() {
    let mut settings = BTreeMap::new();
    settings.insert(
        "lang".to_string(),
        CustomSetting {
            google_key: String::new(),
            direction: FieldDirection::NotSynced,
        },
    );
    let fields = declared();
    let (base, crm, google) = (values("lang=en"), values("lang=de"), values("lang=fr"));
    let m = run(
        &fields,
        &settings,
        Some(&base),
        &crm,
        &google,
        ConflictPolicy::Newest,
    );
    assert!(m.crm.is_empty() && m.google.is_empty() && m.conflicts.is_empty());
    assert_eq!(m.base.custom, base.custom);
}

#[test]
fn keys_the_host_does_not_declare_are_neither_merged_nor_kept() {
    check("", "base: -\n crm: other=1\n google: -", "nothing");
}

fn direction() -> impl Strategy<Value = FieldDirection> {
    prop::sample::select(FieldDirection::ALL.to_vec())
}

fn side_values() -> impl Strategy<Value = Contact> {
    let v = || prop::option::of(prop::sample::select(vec!["1", "2", "2.0", "3"]));
    (v(), v()).prop_map(|(cust, lang)| {
        let mut c = Contact::default();
        if let Some(x) = cust {
            c.custom.insert("cust".into(), x.into());
        }
        if let Some(x) = lang {
            c.custom.insert("lang".into(), x.into());
        }
        c
    })
}

proptest! {
    /// Whatever the base and both sides hold: a one-way custom field is never written on its
    /// source side, no custom field is written against its direction or in conflict unless
    /// two-way, and once the writes are made a second merge writes nothing: no value flows back.
    #[test]
    fn a_one_way_custom_field_never_flows_back(
        base in prop::option::of(side_values()),
        crm in side_values(),
        google in side_values(),
        d_cust in direction(),
        d_lang in direction(),
    ) {
        let fields = declared();
        let mut settings = BTreeMap::new();
        for (k, d) in [("cust", d_cust), ("lang", d_lang)] {
            settings.insert(k.to_string(), CustomSetting { google_key: String::new(), direction: d });
        }
        let table = CustomTable::new(&fields, &settings);
        let m = run(&fields, &settings, base.as_ref(), &crm, &google, ConflictPolicy::Newest);
        for (side, diffs) in [(Side::Crm, &m.crm), (Side::Google, &m.google)] {
            for d in diffs.iter() {
                prop_assert_eq!(d.field, Field::Custom);
                prop_assert!(table.direction(&d.key).writes(side), "{} written on {}", d.key, side);
            }
        }
        for c in &m.conflicts {
            prop_assert_eq!(table.direction(&c.key), FieldDirection::Both);
        }
        let after = |side: &Contact, diffs: &[crate::sync::merge::FieldDiff]| {
            let mut out = side.clone();
            for d in diffs {
                match m.contact.custom.get(&d.key) {
                    Some(v) => out.custom.insert(d.key.clone(), v.clone()),
                    None => out.custom.remove(&d.key),
                };
            }
            out
        };
        let (crm2, google2) = (after(&crm, &m.crm), after(&google, &m.google));
        let again = run(&fields, &settings, Some(&m.base), &crm2, &google2, ConflictPolicy::Newest);
        prop_assert!(again.is_noop(), "a second merge writes: {}", render(&again));
    }
}

#[test]
fn copy_fields_carries_the_custom_values() {
    let mut to = Contact::default();
    copy_fields(&mut to, &values("lang=en"), &[Field::Custom]);
    assert_eq!(to.custom, values("lang=en").custom);
}

fn person(user_defined: serde_json::Value) -> Person {
    crate::json::from_str(
        &json!({"resourceName": "people/c1", "userDefined": user_defined}).to_string(),
    )
    .expect("a person")
}

#[test]
fn google_entries_are_read_by_the_label_or_the_key_the_settings_name() {
    let fields = declared();
    let mut settings = BTreeMap::new();
    settings.insert(
        "lang".to_string(),
        CustomSetting {
            google_key: "Sprache".into(),
            direction: FieldDirection::Both,
        },
    );
    let p = person(json!([
        {"key": "Customer number", "value": "0042.10"},
        {"key": "Sprache", "value": "de"},
        {"key": "Language", "value": "not this one"},
        {"key": "Lead source", "value": ""},
        {"key": "Hobby", "value": "chess"},
    ]));
    let read = read(&p, CustomTable::new(&fields, &settings));
    assert_eq!(
        read,
        values("cust=42.1 lang=de").custom,
        "numbers in canonical form, the empty entry absent, other keys left out"
    );
}

#[test]
fn writing_rewrites_the_mapped_entries_in_place_and_leaves_the_others_alone() {
    let fields = declared();
    let settings = BTreeMap::new();
    let table = CustomTable::new(&fields, &settings);
    let mut p = person(json!([
        {"key": "Hobby", "value": "chess", "metadata": {"primary": true}},
        {"key": "Customer number", "value": "12"},
        {"key": "Language", "value": "en"},
    ]));
    let wanted = values("cust=13 lead=Web").custom;
    assert!(write(&mut p, &wanted, &["cust", "lead", "lang"], table));
    assert_eq!(
        p.other["userDefined"],
        json!([
            {"key": "Hobby", "value": "chess", "metadata": {"primary": true}},
            {"key": "Customer number", "value": "13"},
            {"key": "Lead source", "value": "Web"},
        ])
    );
    assert!(
        !write(&mut p, &wanted, &["cust", "lead"], table),
        "the same values again change nothing"
    );
    assert!(write(&mut p, &BTreeMap::new(), &["cust", "lead"], table));
    assert_eq!(
        p.other["userDefined"],
        json!([{"key": "Hobby", "value": "chess", "metadata": {"primary": true}}])
    );
}

#[test]
fn canonical_values_by_type() {
    for (kind, raw, want) in [
        (CustomType::Number, " 007.50 ", "7.5"),
        (CustomType::Number, "-0.0", "0"),
        (CustomType::Number, "+3", "3"),
        (CustomType::Number, "twelve", "twelve"),
        (
            CustomType::Url,
            "HTTPS://Example.com/A",
            "https://Example.com/A",
        ),
        (CustomType::Text, "  Hi  ", "Hi"),
        (CustomType::Date, "2026-12-07", "2026-12-07"),
    ] {
        assert_eq!(canonical(kind, raw), want, "{kind:?} {raw:?}");
    }
}
