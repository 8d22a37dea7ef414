//! A contact linked to a Google profile, as Google answers a read that does not ask for the
//! contact source alone: the profile's name, email and photo follow the contact's own, each with
//! a PROFILE `metadata.source`. None of them is the contact's.

use super::*;
use crate::people::request::{PeopleApi, PERSON_FIELDS};

const MERGED: &str = r##"{
  "resourceName": "people/c1",
  "etag": "%EgE",
  "metadata": {
    "sources": [
      {"type": "CONTACT", "id": "a1", "etag": "#C", "updateTime": "2024-03-01T10:15:30.123Z"},
      {"type": "PROFILE", "id": "101234567890123456789", "etag": "#P",
       "profileMetadata": {"objectType": "PERSON", "userTypes": ["GOOGLE_USER"]}}
    ],
    "objectType": "PERSON"
  },
  "names": [{"metadata": {"primary": true, "source": {"type": "CONTACT", "id": "a1"}},
             "givenName": "Ada", "familyName": "Lovelace", "displayName": "Ada Lovelace"},
            {"metadata": {"sourcePrimary": true, "source": {"type": "PROFILE", "id": "101234567890123456789"}},
             "givenName": "Augusta", "familyName": "King", "displayName": "Augusta King"}],
  "emailAddresses": [{"metadata": {"primary": true, "source": {"type": "CONTACT", "id": "a1"}}, "value": "ada@x.io", "type": "work"},
                     {"metadata": {"verified": true, "source": {"type": "PROFILE", "id": "101234567890123456789"}}, "value": "augusta@gmail.example"}],
  "phoneNumbers": [{"metadata": {"source": {"type": "PROFILE", "id": "101234567890123456789"}}, "value": "+44 20 7946 0999"}],
  "organizations": [{"metadata": {"source": {"type": "PROFILE", "id": "101234567890123456789"}}, "name": "Royal Society"},
                    {"metadata": {"source": {"type": "CONTACT", "id": "a1"}}, "name": "Analytical Engines Ltd"}],
  "photos": [{"metadata": {"primary": true, "source": {"type": "PROFILE", "id": "101234567890123456789"}},
              "url": "https://lh3.googleusercontent.com/a/ada"}],
  "clientData": [{"metadata": {"source": {"type": "CONTACT", "id": "a1"}}, "key": "gcsync:crm-a", "value": "42"},
                 {"metadata": {"source": {"type": "PROFILE", "id": "101234567890123456789"}}, "key": "gcsync:crm-a", "value": "77"}]
}"##;

#[test]
fn a_profiles_name_email_phone_and_organization_are_not_read_as_the_contacts() {
    check_mapping(
        MERGED,
        r#"people/c1 etag=%EgE updated=2024-03-01T10:15:30.123Z tag=Some("42") groups=[]
name: ["", "Ada", "", "Lovelace", ""]
email: ada@x.io (work)
company: "Analytical Engines Ltd" title: "" notes: """#,
    );
}

#[test]
fn a_person_whose_only_name_is_its_profiles_has_no_name_of_its_own() {
    check_mapping(
        r#"{"resourceName":"people/c1",
            "names":[{"metadata":{"source":{"type":"PROFILE","id":"9"}},"givenName":"Augusta"}],
            "emailAddresses":[{"metadata":{"source":{"type":"PROFILE","id":"9"}},"value":"a@gmail.example"}]}"#,
        r#"people/c1 etag= updated=1970-01-01T00:00:00Z tag=None groups=[]
name: ["", "", "", "", ""]
company: "" title: "" notes: """#,
    );
}

#[test]
fn the_contact_read_from_a_merged_person_is_no_change_to_write() {
    let merged = person(MERGED);
    let (_, mask) = apply_to_person(&merged, &contact(&merged), &Field::ALL, Region::US);
    assert_eq!(mask, Vec::<&str>::new());
}

/// Edits of every field the profile has items in: what goes to Google is the contact's items
/// and the edit, never the profile's.
#[test]
fn a_write_back_of_a_merged_person_carries_no_profile_item() {
    let merged = person(MERGED);
    let mut c = contact(&merged);
    c.name.given = "Augusta Ada".into();
    c.emails[0].value = "ada@engines.io".into();
    c.phones.push(Phone {
        value: "+1 212 555 0199".into(),
        kind: "work".into(),
        canonical: None,
        primary: false,
    });
    c.company = "Engines Ltd".into();
    let (after, mask) = apply_to_person(&merged, &c, &Field::ALL, Region::US);
    assert_eq!(
        mask,
        ["names", "emailAddresses", "phoneNumbers", "organizations"]
    );
    let api = PeopleApi::default();
    let single = api.update_contact(&after, &mask, PERSON_FIELDS);
    let batch = api.batch_update_contacts(std::slice::from_ref(&after), &mask, PERSON_FIELDS);
    for body in [single, batch].map(|r| r.expect("a request").body.unwrap_or_default()) {
        let v: Value = serde_json::from_str(&body).expect("JSON");
        let sent = v.get("contacts").map_or(&v, |c| &c["people/c1"]);
        for field in &mask {
            let items = sent[*field].as_array().expect("the masked field is sent");
            for item in items {
                let source = item.pointer("/metadata/source/type");
                assert!(source.is_none_or(|t| t == "CONTACT"), "{field}: {item}");
            }
        }
        assert_eq!(sent["names"].as_array().map(Vec::len), Some(1), "{body}");
        assert!(!body.contains("augusta@gmail.example"), "{body}");
        assert!(!body.contains("Royal Society"), "{body}");
        assert!(!body.contains("+44 20 7946 0999"), "{body}");
    }
    // Read back, the written person is the edited contact.
    let again = contact(&after);
    assert_eq!(again.name.given, "Augusta Ada");
    assert_eq!(
        again
            .emails
            .iter()
            .map(|e| &e.value[..])
            .collect::<Vec<_>>(),
        ["ada@engines.io"]
    );
    assert_eq!(again.company, "Engines Ltd");
}
