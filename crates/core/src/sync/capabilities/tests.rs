use super::*;
use crate::sync::merge::{text, MergeInput};
use crate::sync::normalize::Region;
use crate::sync::settings::ConflictPolicy;
use crate::sync::testkit::contact;

/// `input`: `caps:` (`emails=N phones=N addresses=N`, `-field` for a field the host does not
/// store), then `base:` (absent on a first link), `crm:` and `google:` contact lines.
/// `expected`: what each side is written (the CRM: what it is sent to hold; Google: the whole
/// list it is sent), the conflicts, and the base kept, one per line.
fn check(input: &str, expected: &str) {
    let mut caps = Capabilities::default();
    let mut base = None;
    let (mut crm, mut google) = (Contact::default(), Contact::default());
    for line in input.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (k, v) = line.split_once(':').expect("key: value");
        let v = v.trim();
        match k {
            "caps" => {
                for word in v.split_whitespace() {
                    if let Some(field) = word.strip_prefix('-') {
                        let f = Field::ALL
                            .into_iter()
                            .find(|f| f.as_str() == field)
                            .expect("a field name");
                        caps.stored[index(f)] = false;
                        continue;
                    }
                    let (list, n) = word.split_once('=').expect("list=N");
                    let n = Some(n.parse().expect("a number"));
                    match list {
                        "emails" => caps.emails = n,
                        "phones" => caps.phones = n,
                        "addresses" => caps.addresses = n,
                        _ => panic!("unknown list {list}"),
                    }
                }
            }
            "base" => base = Some(contact(v)),
            "crm" => crm = contact(v),
            "google" => google = contact(v),
            _ => panic!("unknown key {k}"),
        }
    }
    let m = caps.merge(input_of(base.as_ref(), &crm, &google));
    assert_eq!(render(&caps, &m), expected.trim(), "\ninput:\n{input}");
}

fn input_of<'a>(
    base: Option<&'a Contact>,
    crm: &'a Contact,
    google: &'a Contact,
) -> MergeInput<'a> {
    MergeInput {
        base,
        crm,
        google,
        crm_modified_at: 0,
        google_modified_at: 0,
        policy: ConflictPolicy::Newest,
        region: Region::US,
        decided: &[],
        write_crm: true,
        write_google: true,
        directions: Default::default(),
        custom: crate::sync::custom::NONE,
    }
}

fn lists(c: &Contact, field: Field) -> String {
    let items: Vec<String> = match field {
        Field::Emails => c.emails.iter().map(|e| e.value.clone()).collect(),
        Field::Phones => c.phones.iter().map(|p| p.value.clone()).collect(),
        Field::Addresses => c.addresses.iter().map(|a| a.one_line()).collect(),
        Field::Birthday => c.birthday.iter().map(|b| format!("{b:?}")).collect(),
        f => vec![text(c, f).to_string()],
    };
    format!("{field}={}", items.join("; "))
}

fn render(caps: &Capabilities, m: &Merged) -> String {
    let mut lines = Vec::new();
    let sent = caps.fit(&m.contact);
    for d in &m.crm {
        lines.push(format!("crm: {}", lists(&sent, d.field)));
    }
    for d in &m.google {
        lines.push(format!("google: {}", lists(&m.contact, d.field)));
    }
    for c in &m.conflicts {
        lines.push(format!("conflict {c}"));
    }
    for f in [Field::Emails, Field::Phones] {
        if !lists(&m.base, f).ends_with('=') {
            lines.push(format!("base: {}", lists(&m.base, f)));
        }
    }
    lines.join("\n")
}

#[test]
fn a_first_link_gives_a_one_email_crm_the_primary_email_and_deletes_none_of_the_others() {
    check(
        "caps: emails=1\n crm: last=Lee\n google: last=Lee email=a@x.io email=b@x.io email=c@x.io",
        "crm: emails=a@x.io\nbase: emails=a@x.io",
    );
}

#[test]
fn the_run_after_a_first_link_writes_nothing_though_google_holds_more_than_the_crm() {
    check(
        "caps: emails=1 phones=2\n base: email=a@x.io phone=555 0101 phone=555 0102\n \
         crm: email=a@x.io phone=555 0101 phone=555 0102\n \
         google: email=a@x.io email=b@x.io email=c@x.io phone=555 0101 phone=555 0102 phone=555 0103",
        "base: emails=a@x.io\nbase: phones=555 0101; 555 0102",
    );
}

#[test]
fn a_crm_edit_of_its_one_email_replaces_that_email_only() {
    check(
        "caps: emails=1\n base: email=a@x.io\n crm: email=z@x.io\n google: email=a@x.io email=b@x.io email=c@x.io",
        "google: emails=z@x.io; b@x.io; c@x.io\nbase: emails=z@x.io",
    );
}

#[test]
fn an_email_the_crm_holds_keeps_its_place_wherever_google_lists_it() {
    check(
        "caps: emails=1\n base: email=b@x.io\n crm: email=b@x.io\n google: email=a@x.io email=b@x.io",
        "base: emails=b@x.io",
    );
}

#[test]
fn google_deleting_the_email_the_crm_holds_gives_the_crm_the_next_one() {
    check(
        "caps: emails=1\n base: email=a@x.io\n crm: email=a@x.io\n google: email=b@x.io email=c@x.io",
        "crm: emails=b@x.io\nbase: emails=b@x.io",
    );
}

#[test]
fn items_beyond_what_the_crm_holds_are_never_conflicts() {
    check(
        "caps: emails=1\n crm: email=z@x.io\n google: email=a@x.io email=b@x.io",
        "google: emails=z@x.io; a@x.io; b@x.io\nbase: emails=z@x.io",
    );
}

#[test]
fn a_field_the_host_does_not_store_is_neither_cleared_in_google_nor_written_to_the_crm() {
    check(
        "caps: -middleName -suffix\n base: first=Ann last=Lee\n crm: first=Ann last=Lee\n \
         google: first=Ann middle=Q last=Lee suffix=Jr",
        "",
    );
    check(
        "caps: -middleName\n crm: first=Ann last=Lee\n google: first=Ann middle=Q last=Lee",
        "",
    );
}

#[test]
fn a_field_the_host_does_not_store_keeps_googles_value_when_another_field_is_sent() {
    let caps = Capabilities::storing(&[Field::GivenName, Field::FamilyName]);
    let base = contact("first=Ann last=Lee");
    let crm = contact("first=Anne last=Lee");
    let google = contact("first=Ann middle=Q last=Lee notes=keep me");
    let m = caps.merge(input_of(Some(&base), &crm, &google));
    assert_eq!(m.google.len(), 1);
    assert_eq!(m.contact.name.given, "Anne");
    assert_eq!(m.contact.name.middle, "Q");
    assert_eq!(m.contact.notes, "keep me");
    assert_eq!(caps.fit(&m.contact).name.middle, "");
}

#[test]
fn unlimited_capabilities_merge_exactly_as_the_plain_merge() {
    let cases = [
        ("email=a@x.io", "email=b@x.io", "email=a@x.io email=c@x.io"),
        (
            "first=Ann phone=555 0100",
            "first=Anne phone=555 0100",
            "first=Ann phone=555 0199",
        ),
        ("-", "notes=x addr=1 Main St|Springfield", "notes=y"),
    ];
    for (b, c, g) in cases {
        let (b, c, g) = (contact(b), contact(c), contact(g));
        for base in [None, Some(&b)] {
            let input = input_of(base, &c, &g);
            assert_eq!(Capabilities::default().merge(input), merge(input));
        }
    }
}

#[test]
fn fit_keeps_the_first_items_and_only_stored_fields() {
    let caps = Capabilities {
        emails: Some(1),
        phones: Some(2),
        ..Capabilities::storing(&[Field::GivenName, Field::Emails, Field::Phones])
    };
    let c = contact("first=Ann middle=Q email=a@x.io email=b@x.io phone=1 phone=2 phone=3 notes=n");
    assert_eq!(
        caps.fit(&c),
        contact("first=Ann email=a@x.io phone=1 phone=2")
    );
}

#[test]
fn a_write_merged_against_the_base_keeps_googles_items_the_crm_never_held() {
    let caps = Capabilities {
        emails: Some(1),
        ..Capabilities::default()
    };
    let written = contact("email=new@x.io");
    let google = contact("email=home@x.io email=old@x.io email=work@x.io");
    let base = contact("email=old@x.io");
    let out = caps.keep_beyond(&written, &google, Some(&base), Region::US);
    assert_eq!(
        out,
        contact("email=new@x.io email=home@x.io email=work@x.io")
    );
    // Nothing held before (a first link): every Google item stays.
    let out = caps.keep_beyond(&written, &google, None, Region::US);
    assert_eq!(out.emails.len(), 4);
    // Unlimited lists are written as merged.
    let out = Capabilities::default().keep_beyond(&written, &google, Some(&base), Region::US);
    assert_eq!(out, written);
}

#[test]
fn a_label_changed_in_google_on_the_email_the_crm_holds_reaches_the_crm() {
    let caps = Capabilities {
        emails: Some(1),
        ..Capabilities::default()
    };
    let base = contact("email=a@x.io#home");
    let crm = contact("email=a@x.io#home");
    let google = contact("email=a@x.io#work email=b@x.io#home");
    let m = caps.merge(input_of(Some(&base), &crm, &google));
    assert_eq!(m.crm.len(), 1, "{:?}", m.crm);
    assert_eq!(
        caps.fit(&m.contact).emails,
        contact("email=a@x.io#work").emails
    );
    assert_eq!(m.contact.emails.len(), 2);
}

#[test]
fn a_host_naming_its_settings_page_is_read_as_declaring_nothing_else() {
    let v = serde_json::json!({ "settingsLabel": "My settings → Google Contacts Sync" });
    assert_eq!(Capabilities::from_json(&v), Ok(Capabilities::default()));
    let bad = serde_json::json!({ "settingsLabel": 3 });
    let e = Capabilities::from_json(&bad).expect_err("a label that is not text");
    assert!(e.contains("settingsLabel"), "{e}");
    let unknown = serde_json::json!({ "settingsLable": "typo" });
    assert!(Capabilities::from_json(&unknown).is_err());
}

#[test]
fn a_storage_limit_must_be_a_whole_number_a_contact_fits_in() {
    let v = serde_json::json!({ "storageMaxValueBytes": 1_000_000 });
    assert_eq!(Capabilities::from_json(&v), Ok(Capabilities::default()));
    for bad in [
        serde_json::json!({ "storageMaxValueBytes": "1MB" }),
        serde_json::json!({ "storageMaxValueBytes": 1.5 }),
        serde_json::json!({ "storageMaxValueBytes": 1024 }),
    ] {
        let e = Capabilities::from_json(&bad).expect_err("not a usable limit");
        assert!(e.contains("storageMaxValueBytes"), "{e}");
        assert!(e.contains("16384"), "{e}");
    }
}

#[test]
fn a_host_declares_restore_with_a_boolean() {
    let v = serde_json::json!({ "restore": true });
    let caps = Capabilities::from_json(&v).expect("reads");
    assert!(caps.restore);
    assert!(caps.is_unlimited(), "restore says nothing of the fields");
    assert!(!Capabilities::default().restore, "absent: no restore");
    let e = Capabilities::from_json(&serde_json::json!({ "restore": "yes" })).expect_err("text");
    assert!(e.contains("capabilities.restore must be a boolean"), "{e}");
}

#[test]
fn custom_fields_are_read_with_their_types_and_bad_declarations_refused() {
    let v = serde_json::json!({"customFields": [
        {"key": "cust", "label": "Customer number", "type": "number"},
        {"key": "lead", "label": "Lead source", "type": "choice", "choices": ["Web", "Fair"]},
        {"key": "note", "label": "Note"},
    ]});
    let caps = Capabilities::from_json(&v).expect("valid custom fields");
    let kinds: Vec<_> = caps
        .custom
        .iter()
        .map(|f| (f.key.as_str(), f.kind))
        .collect();
    use crate::sync::custom::CustomType;
    assert_eq!(
        kinds,
        [
            ("cust", CustomType::Number),
            ("lead", CustomType::Choice),
            ("note", CustomType::Text)
        ]
    );
    assert!(caps.is_unlimited(), "custom fields limit nothing");
    for (bad, why) in [
        (
            serde_json::json!([{"key": "", "label": "X"}]),
            "a key and a label",
        ),
        (
            serde_json::json!([{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]),
            "declared twice",
        ),
        (
            serde_json::json!([{"key": "a", "label": "A", "type": "choice"}]),
            "needs its choices",
        ),
        (
            serde_json::json!([{"key": "a", "label": "A", "type": "color"}]),
            "color",
        ),
    ] {
        let e = Capabilities::from_json(&serde_json::json!({ "customFields": bad }))
            .expect_err("a bad declaration");
        assert!(e.contains(why), "{e}");
    }
}
