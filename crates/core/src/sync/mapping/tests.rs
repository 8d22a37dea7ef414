use super::*;
use crate::people::time::format_rfc3339;
use serde_json::{json, Value};

/// A contact as Google returns it, with data the sync does not map on every level.
const ADA: &str = r##"{
  "resourceName": "people/c4983202351234567890",
  "etag": "%EgoBAgMEBQYHCAkKGgQBAgUHIgxOVTNaUmpUUWFLZz0=",
  "metadata": {
    "sources": [
      {"type": "PROFILE", "id": "1099", "etag": "#P", "profileMetadata": {"objectType": "PERSON"}},
      {"type": "CONTACT", "id": "452a5e1b8c0d1e2f", "etag": "#Zx9K1r0pA0Q=", "updateTime": "2024-03-01T10:15:30.123Z"}
    ],
    "objectType": "PERSON"
  },
  "names": [{"metadata": {"primary": true, "source": {"type": "CONTACT", "id": "452a5e1b8c0d1e2f"}},
             "givenName": "Ada", "familyName": "Lovelace", "phoneticGivenName": "AY-da",
             "displayName": "Ada Lovelace", "displayNameLastFirst": "Lovelace, Ada", "unstructuredName": "Ada Lovelace"}],
  "emailAddresses": [{"metadata": {"primary": true}, "value": "ada@example.com", "type": "work", "formattedType": "Work", "displayName": "Ada L."},
                     {"value": "ADA@example.com ", "type": "home"}],
  "phoneNumbers": [{"value": "+44 20 7946 0000", "canonicalForm": "+442079460000", "type": "mobile", "formattedType": "Mobile"},
                   {"value": "555 0100", "type": "Boat phone"}],
  "addresses": [{"streetAddress": "1 Main St", "city": "London", "postalCode": "N1 1AA",
                 "country": "United Kingdom", "countryCode": "GB", "type": "home", "poBox": "PO 7"}],
  "birthdays": [{"date": {"year": 1815, "month": 12, "day": 10}, "text": "Dec 10, 1815"}],
  "organizations": [{"name": "Analytical Engines Ltd", "title": "Programmer", "department": "R&D", "type": "work", "current": true}],
  "biographies": [{"value": "Met at conference", "contentType": "TEXT_PLAIN"}],
  "memberships": [{"contactGroupMembership": {"contactGroupResourceName": "contactGroups/myContacts", "contactGroupId": "myContacts"}},
                  {"contactGroupMembership": {"contactGroupResourceName": "contactGroups/crm"}}],
  "clientData": [{"key": "crm_id", "value": "old"}, {"key": "gcsync:crm-b", "value": "99"}, {"key": "gcsync:crm-a", "value": "42"}],
  "userDefined": [{"key": "Tier", "value": "Gold"}],
  "externalIds": [{"type": "customer", "value": "CRM-42"}],
  "photos": [{"url": "https://lh3.googleusercontent.com/a/x", "default": true}],
  "relations": [{"person": "Byron", "type": "father"}]
}"##;

fn person(json: &str) -> Person {
    serde_json::from_str(json).expect("test fixture is valid JSON")
}

/// The synced view of a Google contact, one field a line.
fn render(g: &GoogleContact) -> String {
    let c = &g.contact;
    let n = &c.name;
    let mut out = format!(
        "{} etag={} updated={} tag={:?} groups={:?}\n",
        g.resource_name,
        g.etag,
        format_rfc3339(g.updated_at),
        g.tag,
        g.groups
    );
    out += &format!(
        "name: {:?}\n",
        [&n.prefix, &n.given, &n.middle, &n.family, &n.suffix]
    );
    for e in &c.emails {
        out += &format!("email: {} ({})\n", e.value, e.kind);
    }
    for p in &c.phones {
        out += &format!("phone: {} ({}) {:?}\n", p.value, p.kind, p.canonical);
    }
    for a in &c.addresses {
        out += &format!(
            "address: {} [{}] ({})\n",
            a.one_line(),
            a.country_code,
            a.kind
        );
    }
    if let Some(b) = c.birthday {
        out += &format!("birthday: {b}\n");
    }
    out += &format!(
        "company: {:?} title: {:?} notes: {:?}",
        c.company, c.title, c.notes
    );
    out
}

fn check_mapping(json: &str, expected: &str) {
    let actual = match google_contact(&person(json), "crm-a") {
        Ok(g) => render(&g),
        Err(e) => format!("error: {e}"),
    };
    assert_eq!(actual, expected);
}

/// Applies `fields` of `contact` to `before` and renders the update mask, then the JSON of every
/// top-level key whose value differs from `before`'s ("-key" for a key now absent).
fn check_apply(before: &str, contact: &Contact, fields: &[Field], expected: &str) {
    check_apply_in(Region::US, before, contact, fields, expected)
}

/// [`check_apply`] for an account whose phones are read in `region`.
fn check_apply_in(
    region: Region,
    before: &str,
    contact: &Contact,
    fields: &[Field],
    expected: &str,
) {
    let before = person(before);
    let (after, mask) = apply_to_person(&before, contact, fields, region);
    let old = serde_json::to_value(&before).expect("a Person serializes");
    let new = serde_json::to_value(&after).expect("a Person serializes");
    let mut lines = vec![format!("mask: {}", mask.join(","))];
    let keys: std::collections::BTreeSet<&String> = old
        .as_object()
        .into_iter()
        .chain(new.as_object())
        .flat_map(|m| m.keys())
        .collect();
    for k in keys {
        match (old.get(k), new.get(k)) {
            (a, Some(b)) if a != Some(b) => lines.push(format!("{k}: {b}")),
            (Some(_), None) => lines.push(format!("-{k}")),
            _ => {}
        }
    }
    assert_eq!(lines.join("\n"), expected);
}

fn ada() -> Contact {
    contact(&person(ADA))
}

#[test]
fn a_person_round_trips_through_the_wire_types_with_unknown_fields_intact() {
    let original: Value = serde_json::from_str(ADA).expect("fixture is JSON");
    let again = serde_json::to_value(person(ADA)).expect("a Person serializes");
    assert_eq!(again, original);
    let tombstone = r#"{"resourceName":"people/c1","etag":"e","metadata":{"sources":[{"type":"CONTACT","id":"1"}],"deleted":true,"previousResourceNames":["people/c0"]}}"#;
    let p = person(tombstone);
    assert!(p.is_deleted());
    assert_eq!(p.previous_resource_names(), ["people/c0".to_string()]);
    assert_eq!(
        serde_json::to_value(&p).expect("a Person serializes"),
        serde_json::from_str::<Value>(tombstone).expect("fixture is JSON")
    );
}

#[test]
fn a_google_contact_maps_to_the_synced_fields() {
    check_mapping(
        ADA,
        r#"people/c4983202351234567890 etag=%EgoBAgMEBQYHCAkKGgQBAgUHIgxOVTNaUmpUUWFLZz0= updated=2024-03-01T10:15:30.123Z tag=Some("42") groups=["contactGroups/myContacts", "contactGroups/crm"]
name: ["", "Ada", "", "Lovelace", ""]
email: ada@example.com (work)
phone: +44 20 7946 0000 (mobile) Some("+442079460000")
phone: 555 0100 (Boat phone) None
address: 1 Main St, London, N1 1AA, United Kingdom [GB] (home)
birthday: 1815-12-10
company: "Analytical Engines Ltd" title: "Programmer" notes: "Met at conference""#,
    );
}

#[test]
fn a_bare_person_maps_to_an_empty_contact_and_one_without_a_resource_name_is_refused() {
    check_mapping(
        r#"{"resourceName":"people/c1"}"#,
        r#"people/c1 etag= updated=1970-01-01T00:00:00Z tag=None groups=[]
name: ["", "", "", "", ""]
company: "" title: "" notes: """#,
    );
    check_mapping(
        r#"{"etag":"%x","names":[{"givenName":"Ada"}]}"#,
        "error: Google returned a person without a resourceName (etag %x)",
    );
}

#[test]
fn the_contact_sources_singletons_win_over_a_profiles() {
    check_mapping(
        r#"{"resourceName":"people/c1",
            "names":[{"metadata":{"source":{"type":"PROFILE","id":"9"}},"givenName":"Augusta"},
                     {"metadata":{"source":{"type":"CONTACT","id":"1"}},"givenName":"Ada"}],
            "addresses":[{"formattedValue":"12 Rue X, Paris"}]}"#,
        r#"people/c1 etag= updated=1970-01-01T00:00:00Z tag=None groups=[]
name: ["", "Ada", "", "", ""]
address: 12 Rue X, Paris [] ()
company: "" title: "" notes: """#,
    );
}

#[test]
fn birthdays_read_the_date_first_then_the_text() {
    for (birthdays, expected) in [
        (
            json!([{"date": {"year": 1815, "month": 12, "day": 10}}]),
            "Some(1815-12-10)",
        ),
        (
            json!([{"date": {"year": 0, "month": 2, "day": 29}}]),
            "Some(--02-29)",
        ),
        (json!([{"date": {"month": 7, "day": 4}}]), "Some(--07-04)"),
        (
            json!([{"date": {"year": 1990, "month": 0, "day": 4}}]),
            "None",
        ),
        (
            json!([{"date": {"year": 1990, "month": 7, "day": 0}}]),
            "None",
        ),
        (
            json!([{"date": {"year": 1990, "month": 2, "day": 30}}]),
            "None",
        ),
        (
            json!([{"date": {"year": 1990, "month": 300, "day": 4}}]),
            "None",
        ),
        (json!([{"text": "1990-07-04"}]), "Some(1990-07-04)"),
        (
            json!([{"date": {"month": 0, "day": 0}, "text": "--07-04"}]),
            "Some(--07-04)",
        ),
        (json!([{"text": "July 4th"}]), "None"),
    ] {
        let p = person(&json!({"resourceName": "people/c1", "birthdays": birthdays}).to_string());
        let actual = format!("{:?}", contact(&p).birthday.map(|b| b.to_string()));
        assert_eq!(actual.replace('"', ""), expected, "{birthdays}");
    }
}

#[test]
fn an_unchanged_contact_writes_nothing_and_keeps_the_person_as_it_was() {
    check_apply(ADA, &ada(), &Field::ALL, "mask: ");
}

#[test]
fn a_new_email_keeps_photos_custom_fields_and_the_existing_emails_display_name() {
    let mut c = ada();
    c.emails.push(Email {
        value: "ada@engines.io".into(),
        kind: String::new(),
        primary: false,
    });
    check_apply(
        ADA,
        &c,
        &[Field::Emails],
        r#"mask: emailAddresses
emailAddresses: [{"displayName":"Ada L.","formattedType":"Work","metadata":{"primary":true},"type":"work","value":"ada@example.com"},{"value":"ada@engines.io"}]"#,
    );
}

#[test]
fn emails_in_another_order_or_case_are_not_a_change() {
    let mut c = ada();
    c.emails = vec![Email {
        value: " Ada@Example.com".into(),
        kind: "work".into(),
        primary: true,
    }];
    // Google's second, duplicate address is no reason to write either.
    check_apply(ADA, &c, &[Field::Emails], "mask: ");
    let two = r#"{"resourceName":"people/c1","emailAddresses":[{"value":"a@x.io"},{"value":"b@x.io","type":"work"}]}"#;
    let mut c = contact(&person(two));
    c.emails.reverse();
    check_apply(two, &c, &[Field::Emails], "mask: ");
}

#[test]
fn a_national_phone_keeps_googles_item_in_the_accounts_region_and_only_there() {
    // The CRM holds Google's "+44 20 7946 0000" in national form, and a phone is added. In a GB
    // account (the region the merge keyed them with) they are one phone: Google's item stays,
    // with its canonicalForm, formattedType and label.
    let mut c = ada();
    c.phones = vec![
        Phone {
            value: "020 7946 0000".into(),
            kind: "mobile".into(),
            canonical: None,
            primary: false,
        },
        Phone {
            value: "+1 212 555 0199".into(),
            kind: "work".into(),
            canonical: None,
            primary: false,
        },
    ];
    check_apply_in(
        Region::parse("GB").unwrap(),
        ADA,
        &c,
        &[Field::Phones],
        r#"mask: phoneNumbers
phoneNumbers: [{"canonicalForm":"+442079460000","formattedType":"Mobile","type":"mobile","value":"+44 20 7946 0000"},{"type":"work","value":"+1 212 555 0199"}]"#,
    );
    // In a US account the merge counted them as two numbers, so the mapping must too.
    check_apply(
        ADA,
        &c,
        &[Field::Phones],
        r#"mask: phoneNumbers
phoneNumbers: [{"type":"mobile","value":"020 7946 0000"},{"type":"work","value":"+1 212 555 0199"}]"#,
    );
}

#[test]
fn a_phone_written_in_another_format_keeps_googles_item_and_label() {
    let mut c = ada();
    c.phones = vec![
        Phone {
            value: "+442079460000".into(),
            kind: "mobile".into(),
            canonical: None,
            primary: false,
        },
        Phone {
            value: "+1 212 555 0199".into(),
            kind: "work".into(),
            canonical: None,
            primary: false,
        },
    ];
    check_apply(
        ADA,
        &c,
        &[Field::Phones],
        r#"mask: phoneNumbers
phoneNumbers: [{"canonicalForm":"+442079460000","formattedType":"Mobile","type":"mobile","value":"+44 20 7946 0000"},{"type":"work","value":"+1 212 555 0199"}]"#,
    );
}

#[test]
fn addresses_are_matched_by_key_and_keep_their_po_box() {
    let mut c = ada();
    c.addresses[0].street = "1  MAIN st".into();
    c.addresses.push(Address {
        city: "Paris".into(),
        country_code: "FR".into(),
        ..Address::default()
    });
    check_apply(
        ADA,
        &c,
        &[Field::Addresses],
        r#"mask: addresses
addresses: [{"city":"London","country":"United Kingdom","countryCode":"GB","poBox":"PO 7","postalCode":"N1 1AA","streetAddress":"1 Main St","type":"home"},{"city":"Paris","countryCode":"FR"}]"#,
    );
}

#[test]
fn a_name_change_keeps_phonetics_and_drops_the_derived_names() {
    let mut c = ada();
    c.name.family = "King".into();
    c.name.given = "Augusta".into();
    // Only the family name is being written; the given name stays Google's.
    check_apply(
        ADA,
        &c,
        &[Field::FamilyName],
        r#"mask: names
names: [{"familyName":"King","givenName":"Ada","metadata":{"primary":true,"source":{"id":"452a5e1b8c0d1e2f","type":"CONTACT"}},"phoneticGivenName":"AY-da"}]"#,
    );
}

#[test]
fn company_and_title_edit_the_first_organization_and_keep_its_department() {
    let mut c = ada();
    c.title = "Countess".into();
    c.company = String::new();
    check_apply(
        ADA,
        &c,
        &[Field::Title, Field::Company],
        r#"mask: organizations
organizations: [{"current":true,"department":"R&D","title":"Countess","type":"work"}]"#,
    );
    let bare =
        r#"{"resourceName":"people/c1","organizations":[{"name":"X","type":"work"},{"name":"Y"}]}"#;
    check_apply(
        bare,
        &Contact::default(),
        &[Field::Company],
        r#"mask: organizations
organizations: [{"name":"Y"}]"#,
    );
}

#[test]
fn notes_become_one_plain_text_biography_and_birthdays_one_date() {
    let html = r#"{"resourceName":"people/c1",
        "biographies":[{"value":"<b>hi</b>","contentType":"TEXT_HTML","metadata":{"source":{"type":"CONTACT","id":"1"}}}],
        "birthdays":[{"text":"Dec 10"}]}"#;
    let c = Contact {
        notes: "hello".into(),
        birthday: Birthday::new(None, 12, 10),
        ..Contact::default()
    };
    check_apply(
        html,
        &c,
        &[Field::Notes, Field::Birthday],
        r#"mask: birthdays,biographies
biographies: [{"contentType":"TEXT_PLAIN","metadata":{"source":{"id":"1","type":"CONTACT"}},"value":"hello"}]
birthdays: [{"date":{"day":10,"month":12}}]"#,
    );
    check_apply(
        ADA,
        &Contact::default(),
        &[Field::Notes, Field::Birthday],
        "mask: birthdays,biographies\n-biographies\n-birthdays",
    );
}

#[test]
fn the_mask_lists_only_fields_that_changed_in_google_order() {
    let mut c = ada();
    c.notes = "Met at the Royal Society".into();
    c.name.given = "Augusta".into();
    c.company = "Analytical Engines Ltd".into();
    let (_, mask) = apply_to_person(&person(ADA), &c, &Field::ALL, Region::US);
    assert_eq!(mask, ["names", "biographies"]);
}

#[test]
fn a_new_person_carries_its_fields_our_tag_and_its_groups() {
    let mut c = ada();
    c.notes = String::new();
    let p = new_person(
        &c,
        ("crm-a", "42"),
        &[
            "contactGroups/myContacts".to_string(),
            "contactGroups/crm".to_string(),
        ],
    );
    assert_eq!(
        serde_json::to_string(&p).expect("a Person serializes"),
        r#"{"names":[{"givenName":"Ada","familyName":"Lovelace"}],"emailAddresses":[{"value":"ada@example.com","type":"work"}],"phoneNumbers":[{"value":"+44 20 7946 0000","type":"mobile"},{"value":"555 0100","type":"Boat phone"}],"addresses":[{"streetAddress":"1 Main St","city":"London","postalCode":"N1 1AA","country":"United Kingdom","countryCode":"GB","type":"home"}],"birthdays":[{"date":{"year":1815,"month":12,"day":10}}],"organizations":[{"name":"Analytical Engines Ltd","title":"Programmer"}],"memberships":[{"contactGroupMembership":{"contactGroupResourceName":"contactGroups/myContacts"}},{"contactGroupMembership":{"contactGroupResourceName":"contactGroups/crm"}}],"clientData":[{"key":"gcsync:crm-a","value":"42"}]}"#
    );
}

#[test]
fn a_label_the_merge_decided_is_written_onto_googles_own_item() {
    // The CRM labels Google's unlabelled address "work": the item keeps everything else of
    // Google's (metadata, displayName), takes the label, and loses the stale formattedType.
    let two = r#"{"resourceName":"people/c1",
        "emailAddresses":[{"metadata":{"primary":true},"value":"a@x.io","displayName":"A"},
                          {"value":"b@x.io","type":"home","formattedType":"Home"}]}"#;
    let mut c = contact(&person(two));
    c.emails[0].kind = "work".into();
    check_apply(
        two,
        &c,
        &[Field::Emails],
        r#"mask: emailAddresses
emailAddresses: [{"displayName":"A","metadata":{"primary":true},"type":"work","value":"a@x.io"},{"formattedType":"Home","type":"home","value":"b@x.io"}]"#,
    );
    // A label cleared, on a phone: canonicalForm stays.
    let mut c = ada();
    c.phones[0].kind = String::new();
    check_apply(
        ADA,
        &c,
        &[Field::Phones],
        r#"mask: phoneNumbers
phoneNumbers: [{"canonicalForm":"+442079460000","value":"+44 20 7946 0000"},{"type":"Boat phone","value":"555 0100"}]"#,
    );
    // An address relabelled keeps its PO box.
    let mut c = ada();
    c.addresses[0].kind = "work".into();
    check_apply(
        ADA,
        &c,
        &[Field::Addresses],
        r#"mask: addresses
addresses: [{"city":"London","country":"United Kingdom","countryCode":"GB","poBox":"PO 7","postalCode":"N1 1AA","streetAddress":"1 Main St","type":"work"}]"#,
    );
}

#[test]
fn a_label_differing_only_as_the_merge_ignores_is_not_written() {
    let mut c = ada();
    c.emails[0].kind = " WORK ".into();
    c.phones[0].kind = "Mobile".into();
    check_apply(ADA, &c, &[Field::Emails, Field::Phones], "mask: ");
}

/// Every item attribute the merge compares survives a write: whatever labels the two sides hold,
/// the person written for the merged contact reads back as that contact, so the next run finds
/// nothing to write on either side.
#[test]
fn every_merged_label_reads_back_from_the_written_person() {
    let labels = ["", "work", "home", "Work", "mobile", "Boat phone"];
    let google_item = |l: &str| {
        if l.is_empty() {
            String::new()
        } else {
            format!(r#","type":"{l}","formattedType":"{l}""#)
        }
    };
    let mut cases = 0;
    for g in labels {
        for c in labels {
            for base in [None, Some(g), Some(c)] {
                let json = format!(
                    r#"{{"resourceName":"people/c1",
                        "emailAddresses":[{{"value":"a@x.io"{ge}}}],
                        "phoneNumbers":[{{"value":"+44 20 7946 0000","canonicalForm":"+442079460000"{ge}}}],
                        "addresses":[{{"city":"London"{ge}}}]}}"#,
                    ge = google_item(g)
                );
                let before = person(&json);
                let google = contact(&before);
                let mut crm = crate::sync::testkit::contact(&format!(
                    "email=a@x.io#{c} phone=020 7946 0000#{c} addr=|London#{c}"
                ));
                if c.is_empty() {
                    crm = crate::sync::testkit::contact(
                        "email=a@x.io phone=020 7946 0000 addr=|London",
                    );
                }
                let base = base.map(|l| {
                    let mut b = crm.clone();
                    b.emails[0].kind = l.into();
                    b.phones[0].kind = l.into();
                    b.addresses[0].kind = l.into();
                    b
                });
                let region = Region::parse("GB").unwrap();
                let input = |crm, google| crate::sync::merge::MergeInput {
                    base: base.as_ref(),
                    crm,
                    google,
                    crm_modified_at: 0,
                    google_modified_at: 0,
                    policy: crate::sync::settings::ConflictPolicy::Newest,
                    region,
                    decided: &[],
                    write_crm: true,
                    write_google: true,
                    directions: Default::default(),
                    custom: crate::sync::custom::NONE,
                };
                let m = crate::sync::merge::merge(input(&crm, &google));
                let (after, _) = apply_to_person(&before, &m.contact, &Field::ALL, region);
                let again = crate::sync::merge::merge(crate::sync::merge::MergeInput {
                    base: Some(&m.base),
                    ..input(&m.contact, &contact(&after))
                });
                assert!(
                    again.is_noop(),
                    "google {g:?}, crm {c:?}, base {base:?}: a second merge writes {:?} {:?}",
                    again.crm,
                    again.google
                );
                cases += 1;
            }
        }
    }
    assert_eq!(cases, labels.len() * labels.len() * 3);
}

const TWO_EMAILS: &str = r#"{"resourceName":"people/c1",
    "emailAddresses":[{"metadata":{"primary":true,"source":{"type":"CONTACT","id":"1"}},"value":"a@x.io"},
                      {"metadata":{"source":{"type":"CONTACT","id":"1"}},"value":"b@x.io","type":"work"}],
    "phoneNumbers":[{"metadata":{"source":{"type":"CONTACT","id":"1"}},"value":"+1 415 555 0100"},
                    {"metadata":{"primary":true,"source":{"type":"CONTACT","id":"1"}},"value":"+1 415 555 0199"}]}"#;

#[test]
fn googles_primary_flag_is_read_onto_the_item() {
    let c = contact(&person(TWO_EMAILS));
    let flags = |c: &Contact| {
        (
            c.emails.iter().map(|e| e.primary).collect::<Vec<_>>(),
            c.phones.iter().map(|p| p.primary).collect::<Vec<_>>(),
        )
    };
    assert_eq!(flags(&c), (vec![true, false], vec![false, true]));
}

#[test]
fn a_primary_the_merge_moved_is_written_first_with_googles_items_and_the_same_primary_is_not() {
    let mut c = contact(&person(TWO_EMAILS));
    c.emails[0].primary = false;
    c.emails[1].primary = true;
    check_apply(
        TWO_EMAILS,
        &c,
        &[Field::Emails, Field::Phones],
        r#"mask: emailAddresses
emailAddresses: [{"metadata":{"primary":true,"source":{"id":"1","type":"CONTACT"}},"type":"work","value":"b@x.io"},{"metadata":{"source":{"id":"1","type":"CONTACT"}},"value":"a@x.io"}]"#,
    );
    // The same primary in another order, or a list that flags none, is no reason to write.
    let mut c = contact(&person(TWO_EMAILS));
    c.phones.reverse();
    c.emails.iter_mut().for_each(|e| e.primary = false);
    check_apply(TWO_EMAILS, &c, &[Field::Emails, Field::Phones], "mask: ");
}

#[test]
fn a_new_person_lists_the_primary_item_first() {
    let c = crate::sync::testkit::contact("email=a@x.io email=b@x.io* phone=+1 415 555 0100");
    let p = new_person(&c, ("gcsync:crm-a", "7"), &[]);
    let values: Vec<_> = p.email_addresses.iter().map(|e| e.value.clone()).collect();
    assert_eq!(
        values,
        [Some("b@x.io".to_string()), Some("a@x.io".to_string())]
    );
}

/// Every combination of primary flags, merged and written to Google (which flags the first item
/// of what it is sent, as it answers), reads back as what was merged: Google's primary is the
/// CRM's, and a second merge writes nothing.
#[test]
fn every_primary_flag_written_to_google_reads_back_as_merged() {
    let mut cases = 0;
    for g in [0, 1] {
        for c in [None, Some(0), Some(1)] {
            for base in [None, Some(None), Some(Some(0)), Some(Some(1))] {
                let mut before = person(TWO_EMAILS);
                for (n, e) in before.email_addresses.iter_mut().enumerate() {
                    e.metadata.as_mut().unwrap().primary = (n == g).then_some(true);
                }
                let google = contact(&before);
                let flagged = |at: Option<usize>| {
                    let mut x = google.clone();
                    for (n, e) in x.emails.iter_mut().enumerate() {
                        e.primary = Some(n) == at;
                    }
                    x
                };
                let crm = flagged(c);
                let base = base.map(flagged);
                let input = |crm, google, base| crate::sync::merge::MergeInput {
                    base,
                    crm,
                    google,
                    crm_modified_at: 0,
                    google_modified_at: 0,
                    policy: crate::sync::settings::ConflictPolicy::Newest,
                    region: Region::US,
                    decided: &[],
                    write_crm: true,
                    write_google: true,
                    directions: Default::default(),
                    custom: crate::sync::custom::NONE,
                };
                let m = crate::sync::merge::merge(input(&crm, &google, base.as_ref()));
                let (mut after, mask) =
                    apply_to_person(&before, &m.contact, &Field::ALL, Region::US);
                if mask.contains(&"emailAddresses") {
                    for (n, e) in after.email_addresses.iter_mut().enumerate() {
                        e.metadata.get_or_insert_with(Default::default).primary =
                            (n == 0).then_some(true);
                    }
                }
                let crm_after = if m.crm.is_empty() {
                    crm.clone()
                } else {
                    m.contact.clone()
                };
                let flagged = |c: &Contact| c.emails.iter().position(|e| e.primary);
                let google_after = contact(&after);
                if flagged(&crm_after).is_some() {
                    assert_eq!(
                        crm_after.emails.iter().find(|e| e.primary),
                        google_after.emails.iter().find(|e| e.primary),
                        "google {g}, crm {c:?}, base {base:?}: the sides disagree on the primary"
                    );
                }
                let again =
                    crate::sync::merge::merge(input(&crm_after, &google_after, Some(&m.base)));
                assert!(
                    again.is_noop(),
                    "google {g}, crm {c:?}, base {base:?}: a second merge writes {:?} {:?}",
                    again.crm,
                    again.google
                );
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 2 * 3 * 4);
}

mod profiles;
