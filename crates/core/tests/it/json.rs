//! Every stored and wire type reads back what it writes, under the keys it writes: a value with
//! every field set and one with its optional fields absent survive serialize → read unchanged,
//! and each key the writer puts out is one the reader takes (dropping or misspelling it changes
//! what is read). A key written one way and read another fails here.

use crate::harness::reloaded;
use gcontacts_sync_core::dto::{
    AddressDto, ChangesPage, ContactPage, CrmContactDto, EmailDto, PhoneDto,
};
use gcontacts_sync_core::json::{self, FromJson};
use gcontacts_sync_core::people::wire::{self, *};
use gcontacts_sync_core::sync::direction::{FieldDirection, FieldDirections};
use gcontacts_sync_core::sync::engine::Journal;
use gcontacts_sync_core::sync::labels::TagLabel;
use gcontacts_sync_core::sync::model::{
    self, Birthday as CoreBirthday, Contact, CrmContact, Email, Field, GoogleContact, Phone, Photo,
    Side,
};
use gcontacts_sync_core::sync::settings::{
    ConflictPolicy, CrmDeletes, DeletionGuard, Directions, GoogleDeletes, Settings, TargetGroup,
    UndoKeep,
};
use gcontacts_sync_core::sync::state::{
    AccountState, Apart, Link, Merged, Pending, PendingDeletion,
};
use proptest::prelude::*;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt::Debug;

/// `full` (every field set, none empty) and `sparse` (optional fields absent) read back as they
/// were written, and each key of `full`'s JSON is read: without it, or under a misspelt name, the
/// value read is another one or an error.
fn check<T: Serialize + FromJson + PartialEq + Debug>(name: &str, full: T, sparse: T) {
    for v in [&full, &sparse] {
        let text = serde_json::to_string(v).expect("plain data serializes");
        let back: T = json::from_str(&text)
            .unwrap_or_else(|e| panic!("{name}: {text} does not read back: {e}"));
        assert_eq!(&back, v, "{name}: {text} reads back as another value");
    }
    let Value::Object(written) = serde_json::to_value(&full).expect("plain data serializes") else {
        panic!("{name}: not written as an object");
    };
    assert!(!written.is_empty(), "{name}: the full value writes no key");
    for key in written.keys() {
        let mut dropped = written.clone();
        let value = dropped.remove(key).expect("a key of the object");
        let mut misspelt = dropped.clone();
        misspelt.insert(format!("{key}_"), value);
        for (how, object) in [("dropped", dropped), ("misspelt", misspelt)] {
            if let Ok(read) = T::from_json(Value::Object(object)) {
                assert_ne!(
                    read, full,
                    "{name}: key `{key}` is written but not read (reading it {how} changes nothing)"
                );
            }
        }
    }
}

/// Each variant reads back as itself, and a name no variant has is an error.
fn check_enum<T: Serialize + FromJson + PartialEq + Debug>(name: &str, all: &[T]) {
    for v in all {
        let text = serde_json::to_string(v).expect("a variant serializes");
        assert_eq!(
            json::from_str::<T>(&text).as_ref().ok(),
            Some(v),
            "{name}: {text}"
        );
        let misspelt = format!("{}_\"", text.trim_end_matches('"'));
        assert!(
            json::from_str::<T>(&misspelt).is_err(),
            "{name}: {misspelt} reads"
        );
    }
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Keys a type does not model, as Google adds them.
fn other(key: &str) -> Other {
    let mut m = Map::new();
    m.insert(key.to_string(), json!({"kept": [1, "two"]}));
    m
}

fn source() -> Source {
    Source {
        kind: s("CONTACT"),
        id: s("c1"),
        etag: s("#src"),
        update_time: s("2024-03-01T10:00:00.123Z"),
        other: other("profileMetadata"),
    }
}

fn field_metadata() -> FieldMetadata {
    FieldMetadata {
        primary: Some(true),
        source: Some(source()),
        other: other("verified"),
    }
}

fn person_metadata() -> PersonMetadata {
    PersonMetadata {
        sources: vec![source()],
        previous_resource_names: strings(&["people/c0"]),
        deleted: Some(true),
        other: other("objectType"),
    }
}

fn name() -> wire::Name {
    wire::Name {
        metadata: Some(field_metadata()),
        given_name: s("Ada"),
        middle_name: s("B."),
        family_name: s("Lovelace"),
        honorific_prefix: s("Dr."),
        honorific_suffix: s("Jr."),
        display_name: s("Dr. Ada B. Lovelace Jr."),
        display_name_last_first: s("Lovelace, Ada"),
        unstructured_name: s("Ada Lovelace"),
        other: other("phoneticGivenName"),
    }
}

fn email() -> EmailAddress {
    EmailAddress {
        metadata: Some(field_metadata()),
        value: s("ada@example.com"),
        kind: s("work"),
        other: other("displayName"),
    }
}

fn phone() -> PhoneNumber {
    PhoneNumber {
        metadata: Some(field_metadata()),
        value: s("+1 555 0100"),
        canonical_form: s("+15550100"),
        kind: s("mobile"),
        other: other("formattedType"),
    }
}

fn address() -> wire::Address {
    wire::Address {
        metadata: Some(field_metadata()),
        formatted_value: s("1 Main St, Springfield"),
        street_address: s("1 Main St"),
        extended_address: s("Apt 2"),
        city: s("Springfield"),
        region: s("IL"),
        postal_code: s("62701"),
        country: s("USA"),
        country_code: s("US"),
        kind: s("home"),
        other: other("poBox"),
    }
}

fn date() -> Date {
    Date {
        year: Some(1815),
        month: Some(12),
        day: Some(10),
    }
}

fn birthday() -> wire::Birthday {
    wire::Birthday {
        metadata: Some(field_metadata()),
        date: Some(date()),
        text: s("Dec 10"),
        other: other("extra"),
    }
}

fn organization() -> Organization {
    Organization {
        metadata: Some(field_metadata()),
        name: s("Analytical Engines"),
        title: s("Programmer"),
        other: other("department"),
    }
}

fn biography() -> Biography {
    Biography {
        metadata: Some(field_metadata()),
        value: s("Notes"),
        content_type: s(TEXT_PLAIN),
        other: other("extra"),
    }
}

fn group_membership() -> ContactGroupMembership {
    ContactGroupMembership {
        contact_group_resource_name: s("contactGroups/crm"),
        other: other("contactGroupId"),
    }
}

fn membership() -> Membership {
    Membership {
        metadata: Some(field_metadata()),
        contact_group_membership: Some(group_membership()),
        other: other("domainMembership"),
    }
}

fn client_data() -> ClientData {
    ClientData {
        metadata: Some(field_metadata()),
        key: s("crm-id"),
        value: s("42"),
        other: other("extra"),
    }
}

fn person() -> Person {
    Person {
        resource_name: s("people/c1"),
        etag: s("#p1"),
        metadata: Some(person_metadata()),
        names: vec![name()],
        email_addresses: vec![email()],
        phone_numbers: vec![phone()],
        addresses: vec![address()],
        birthdays: vec![birthday()],
        organizations: vec![organization()],
        biographies: vec![biography()],
        memberships: vec![membership()],
        client_data: vec![client_data()],
        other: other("photos"),
    }
}

fn status() -> Status {
    Status {
        code: Some(9),
        message: s("failed precondition"),
        status: s("FAILED_PRECONDITION"),
        details: vec![json!({"@type": "type.googleapis.com/google.rpc.ErrorInfo"})],
    }
}

fn person_response() -> PersonResponse {
    PersonResponse {
        person: Some(person()),
        requested_resource_name: s("people/c1"),
        status: Some(status()),
        http_status_code: Some(200),
    }
}

fn contact_group() -> ContactGroup {
    ContactGroup {
        resource_name: s("contactGroups/crm"),
        etag: s("#g"),
        name: s("CRM"),
        formatted_name: s("CRM"),
        group_type: s("USER_CONTACT_GROUP"),
        member_count: Some(3),
        member_resource_names: strings(&["people/c1"]),
        other: other("metadata"),
    }
}

#[test]
fn every_people_api_type_reads_back_what_it_writes_under_the_same_keys() {
    check("Source", source(), Source::default());
    check("FieldMetadata", field_metadata(), FieldMetadata::default());
    check(
        "PersonMetadata",
        person_metadata(),
        PersonMetadata::default(),
    );
    check("Name", name(), wire::Name::default());
    check("EmailAddress", email(), EmailAddress::default());
    check("PhoneNumber", phone(), PhoneNumber::default());
    check("Address", address(), wire::Address::default());
    check("Date", date(), Date::default());
    check("Birthday", birthday(), wire::Birthday::default());
    check("Organization", organization(), Organization::default());
    check("Biography", biography(), Biography::default());
    check("Membership", membership(), Membership::default());
    check(
        "ContactGroupMembership",
        group_membership(),
        ContactGroupMembership::default(),
    );
    check("ClientData", client_data(), ClientData::default());
    check("Person", person(), Person::default());
    check(
        "ListConnectionsResponse",
        ListConnectionsResponse {
            connections: vec![person()],
            next_page_token: s("page2"),
            next_sync_token: s("sync"),
            total_items: Some(1),
            other: other("totalPeople"),
        },
        ListConnectionsResponse::default(),
    );
    check(
        "GetPeopleResponse",
        GetPeopleResponse {
            responses: vec![person_response()],
        },
        GetPeopleResponse::default(),
    );
    check(
        "PersonResponse",
        person_response(),
        PersonResponse::default(),
    );
    check(
        "ContactToCreate",
        ContactToCreate {
            contact_person: person(),
        },
        ContactToCreate::default(),
    );
    check(
        "BatchCreateContactsRequest",
        BatchCreateContactsRequest {
            contacts: vec![ContactToCreate {
                contact_person: person(),
            }],
            read_mask: "names".into(),
            sources: strings(&["READ_SOURCE_TYPE_CONTACT"]),
        },
        BatchCreateContactsRequest::default(),
    );
    check(
        "BatchCreateContactsResponse",
        BatchCreateContactsResponse {
            created_people: vec![person_response()],
        },
        BatchCreateContactsResponse::default(),
    );
    check(
        "BatchUpdateContactsRequest",
        BatchUpdateContactsRequest {
            contacts: BTreeMap::from([("people/c1".to_string(), person())]),
            update_mask: "names".into(),
            read_mask: "names,metadata".into(),
            sources: strings(&["READ_SOURCE_TYPE_CONTACT"]),
        },
        BatchUpdateContactsRequest::default(),
    );
    check(
        "BatchUpdateContactsResponse",
        BatchUpdateContactsResponse {
            update_result: BTreeMap::from([("people/c1".to_string(), person_response())]),
        },
        BatchUpdateContactsResponse::default(),
    );
    check(
        "BatchDeleteContactsRequest",
        BatchDeleteContactsRequest {
            resource_names: strings(&["people/c1"]),
        },
        BatchDeleteContactsRequest::default(),
    );
    check("ContactGroup", contact_group(), ContactGroup::default());
    check(
        "ListContactGroupsResponse",
        ListContactGroupsResponse {
            contact_groups: vec![contact_group()],
            next_page_token: s("page2"),
            next_sync_token: s("sync"),
            total_items: Some(1),
        },
        ListContactGroupsResponse::default(),
    );
    check(
        "CreateContactGroupRequest",
        CreateContactGroupRequest {
            contact_group: contact_group(),
            read_group_fields: s("name"),
        },
        CreateContactGroupRequest::default(),
    );
    check(
        "ModifyContactGroupMembersRequest",
        ModifyContactGroupMembersRequest {
            resource_names_to_add: strings(&["people/c1"]),
            resource_names_to_remove: strings(&["people/c2"]),
        },
        ModifyContactGroupMembersRequest::default(),
    );
    check(
        "ModifyContactGroupMembersResponse",
        ModifyContactGroupMembersResponse {
            not_found_resource_names: strings(&["people/c3"]),
            can_not_remove_last_contact_group_resource_names: strings(&["people/c4"]),
        },
        ModifyContactGroupMembersResponse::default(),
    );
    check("Status", status(), Status::default());
    check(
        "ErrorEnvelope",
        ErrorEnvelope { error: status() },
        ErrorEnvelope::default(),
    );
}

fn core_email() -> Email {
    Email {
        value: "ada@example.com".into(),
        kind: "work".into(),
        primary: true,
    }
}

fn core_phone() -> Phone {
    Phone {
        value: "+1 555 0100".into(),
        kind: "mobile".into(),
        canonical: s("+15550100"),
        primary: true,
    }
}

fn core_address() -> model::Address {
    model::Address {
        street: "1 Main St".into(),
        extended: "Apt 2".into(),
        city: "Springfield".into(),
        region: "IL".into(),
        postal_code: "62701".into(),
        country: "USA".into(),
        country_code: "US".into(),
        kind: "home".into(),
    }
}

fn core_name() -> model::Name {
    model::Name {
        given: "Ada".into(),
        middle: "B.".into(),
        family: "Lovelace".into(),
        prefix: "Dr.".into(),
        suffix: "Jr.".into(),
    }
}

fn core_birthday() -> CoreBirthday {
    CoreBirthday {
        year: Some(1815),
        month: 12,
        day: 10,
    }
}

fn contact() -> Contact {
    Contact {
        name: core_name(),
        emails: vec![core_email()],
        phones: vec![core_phone()],
        addresses: vec![core_address()],
        birthday: Some(core_birthday()),
        company: "Analytical Engines".into(),
        title: "Programmer".into(),
        notes: "Notes".into(),
        photo: Some(Photo {
            hash: "0123456789abcdef".into(),
            url: "https://lh3.googleusercontent.com/cm/1".into(),
            data: "data:image/png;base64,iVBORw0K".into(),
        }),
        custom: [("cust".to_string(), "42".to_string())].into(),
        tags: vec!["vip".into()],
    }
}

fn link() -> Link {
    Link {
        crm_id: "42".into(),
        resource_name: "people/c1".into(),
        etag: "#p1".into(),
        base: contact(),
        synced_at: 1_700_000_000_000,
        last_change: None,
    }
}

fn google_contact() -> GoogleContact {
    GoogleContact {
        resource_name: "people/c1".into(),
        etag: "#p1".into(),
        updated_at: 1_700_000_000_000,
        tag: s("42"),
        extra_tags: strings(&["43"]),
        groups: strings(&["contactGroups/crm"]),
        contact: contact(),
    }
}

fn account_state() -> AccountState {
    AccountState {
        version: 2,
        links: BTreeMap::from([("42".to_string(), link())]),
        sync_token: s("sync"),
        full_sync_at: Some(1_700_000_000_000),
        tags_checked_at: Some(1_700_000_000_000),
        crm_cursor: s("cursor"),
        google_unlinked: BTreeMap::from([("people/c1".to_string(), google_contact())]),
        target_group: s("contactGroups/crm"),
        kept_in_crm: BTreeMap::from([("41".to_string(), link())]),
        apart: vec![Apart {
            crm_id: "40".into(),
            resource_name: "people/c9".into(),
        }],
        merged_in_google: BTreeMap::from([(
            "39".to_string(),
            Merged {
                crm_id: "39".into(),
                survivor: "42".into(),
                resource_name: "people/c1".into(),
                merged_from: "people/c8".into(),
                name: "Ann".into(),
                at: 1_700_000_000_000,
            },
        )]),
        undecided: BTreeMap::from([("people/c7".to_string(), strings(&["38", "37"]))]),
        past_limit: strings(&["35"]),
        common_keys: strings(&["info@example.com"]),
        field_directions: FieldDirections::default().with(Field::Emails, FieldDirection::NotSynced),
        custom_directions: [("cust".to_string(), FieldDirection::CrmToGoogle)].into(),
        pending: Pending {
            deletions: BTreeMap::from([(
                "36".to_string(),
                PendingDeletion {
                    side: Side::Google,
                    link: link(),
                    name: "Ann".into(),
                    since: 1_700_000_000_000,
                },
            )]),
            group: s("contactGroups/pending"),
        },
    }
}

#[test]
fn every_stored_core_type_reads_back_what_it_writes_under_the_same_keys() {
    check("Name", core_name(), model::Name::default());
    check("Email", core_email(), Email::default());
    check("Phone", core_phone(), Phone::default());
    check("Address", core_address(), model::Address::default());
    check(
        "Birthday",
        core_birthday(),
        CoreBirthday {
            year: None,
            month: 1,
            day: 2,
        },
    );
    check("Contact", contact(), Contact::default());
    check(
        "CrmContact",
        CrmContact {
            id: "42".into(),
            modified_at: 1_700_000_000_000,
            status: s("active"),
            contact: contact(),
            read_only: s("Owned by Bob"),
        },
        CrmContact {
            id: "42".into(),
            modified_at: 0,
            status: None,
            contact: Contact::default(),
            read_only: None,
        },
    );
    check(
        "GoogleContact",
        google_contact(),
        GoogleContact {
            resource_name: "people/c1".into(),
            etag: String::new(),
            updated_at: 0,
            tag: None,
            extra_tags: Vec::new(),
            groups: Vec::new(),
            contact: Contact::default(),
        },
    );
    check("Link", link(), link());
    check("AccountState", account_state(), AccountState::new());
    check(
        "Apart",
        account_state().apart[0].clone(),
        account_state().apart[0].clone(),
    );
    check_enum("Side", &[Side::Crm, Side::Google]);
    check_enum("Field", &Field::ALL);
}

fn host_email() -> EmailDto {
    EmailDto {
        value: "ada@example.com".into(),
        kind: s("work"),
        primary: Some(true),
    }
}

fn host_phone() -> PhoneDto {
    PhoneDto {
        value: "+1 555 0100".into(),
        kind: s("mobile"),
        primary: Some(false),
    }
}

fn host_address() -> AddressDto {
    AddressDto {
        street: s("1 Main St"),
        extended: s("Apt 2"),
        city: s("Springfield"),
        region: s("IL"),
        postal_code: s("62701"),
        country: s("USA"),
        country_code: s("US"),
        kind: s("home"),
    }
}

fn host_contact() -> CrmContactDto {
    CrmContactDto {
        id: "42".into(),
        modified_at: "2024-05-01T10:00:00Z".into(),
        status: s("active"),
        first_name: s("Ada"),
        middle_name: s("B."),
        last_name: s("Lovelace"),
        prefix: s("Dr."),
        suffix: s("Jr."),
        emails: Some(vec![host_email()]),
        phones: Some(vec![host_phone()]),
        addresses: Some(vec![host_address(), AddressDto::default()]),
        birthday: s("1815-12-10"),
        company: s("Analytical Engines"),
        title: s("Programmer"),
        notes: s("Notes"),
        editable: Some(false),
        read_only_reason: s("Owned by Bob"),
        photo: s("data:image/png;base64,iVBORw0K"),
        custom: Some([("cust".to_string(), "42".to_string())].into()),
        tags: Some(strings(&["vip"])),
    }
}

#[test]
fn every_host_contract_type_reads_back_what_it_writes_under_the_same_keys() {
    check(
        "EmailDto",
        host_email(),
        EmailDto {
            value: String::new(),
            kind: None,
            primary: None,
        },
    );
    check(
        "PhoneDto",
        host_phone(),
        PhoneDto {
            value: String::new(),
            kind: None,
            primary: None,
        },
    );
    check("AddressDto", host_address(), AddressDto::default());
    check(
        "CrmContactDto",
        host_contact(),
        CrmContactDto {
            id: "42".into(),
            modified_at: String::new(),
            status: None,
            first_name: None,
            middle_name: None,
            last_name: None,
            prefix: None,
            suffix: None,
            emails: None,
            phones: None,
            addresses: None,
            birthday: None,
            company: None,
            title: None,
            notes: None,
            editable: None,
            read_only_reason: None,
            photo: None,
            custom: None,
            tags: None,
        },
    );
    check(
        "ContactPage",
        ContactPage {
            items: vec![json!({"id": "42"})],
            next_page_token: s("p2"),
        },
        ContactPage::default(),
    );
    check(
        "ChangesPage",
        ChangesPage {
            items: vec![json!({"id": "42"})],
            deleted_ids: strings(&["7"]),
            cursor: "c2".into(),
            more: true,
        },
        ChangesPage {
            cursor: "c1".into(),
            ..ChangesPage::default()
        },
    );
}

#[test]
fn the_settings_and_the_run_journal_read_back_what_they_write_under_the_same_keys() {
    // Every setting differs from its default, so a key that is written but not read shows.
    let settings = Settings {
        enabled: false,
        crm_view_id: s("view-1"),
        target_group: TargetGroup::Existing("contactGroups/friends".into()),
        source_groups: strings(&["contactGroups/a", "contactGroups/b"]),
        import_status: s("Lead"),
        conflict_policy: ConflictPolicy::Google,
        google_deletes: GoogleDeletes::SetStatus("Gone".into()),
        crm_deletes: CrmDeletes::Delete,
        directions: Directions::GoogleToCrm,
        field_directions: FieldDirections::default()
            .with(Field::Notes, FieldDirection::GoogleToCrm),
        interval_minutes: 15,
        default_region: "FR".into(),
        deletion_guard: DeletionGuard {
            min: 3,
            percent: 50,
        },
        google_deletes_hold_days: 7,
        crm_deletes_hold_days: 0,
        undo: Some(UndoKeep {
            runs: 2,
            max_bytes: 1000,
        }),
        custom_fields: [(
            "cust".to_string(),
            gcontacts_sync_core::sync::custom::CustomSetting {
                google_key: "Kundennummer".into(),
                direction: FieldDirection::CrmToGoogle,
            },
        )]
        .into(),
        tag_labels: vec![TagLabel {
            tag: "vip".into(),
            group: "contactGroups/vip".into(),
        }],
    };
    check("Settings", settings, Settings::default());
    check(
        "UndoKeep",
        UndoKeep {
            runs: 2,
            max_bytes: 1000,
        },
        UndoKeep::default(),
    );
    check(
        "DeletionGuard",
        DeletionGuard {
            min: 3,
            percent: 50,
        },
        DeletionGuard::default(),
    );
    check(
        "GoogleDeletes",
        GoogleDeletes::SetStatus("Gone".into()),
        GoogleDeletes::Unlink,
    );
    check(
        "TargetGroup",
        TargetGroup::Existing("contactGroups/friends".into()),
        TargetGroup::Named("CRM".into()),
    );
    check_enum(
        "ConflictPolicy",
        &[
            ConflictPolicy::Newest,
            ConflictPolicy::Crm,
            ConflictPolicy::Google,
        ],
    );
    check_enum("CrmDeletes", &[CrmDeletes::Keep, CrmDeletes::Delete]);
    check_enum(
        "Directions",
        &[
            Directions::Both,
            Directions::CrmToGoogle,
            Directions::GoogleToCrm,
        ],
    );
    let mut journal = Journal {
        google_creates: strings(&["42"]),
        ..Journal::default()
    };
    journal.crm_created.insert("people/c1".into(), "43".into());
    check("Journal", journal, Journal::default());
}

/// The adjacently tagged enums (`json_enum!` with `#[json(tag, content)]`): each variant is
/// written as serde's derive wrote it (the tag, then the content of a variant with data) and
/// reads back; a unit variant reads with `null` content and refuses any other, a variant with
/// data refuses a missing content, and an unknown tag is refused.
#[test]
fn adjacently_tagged_settings_are_written_as_before_and_read_back() {
    fn written<T: Serialize + FromJson + PartialEq + Debug>(cases: &[(T, &str)]) {
        for (v, text) in cases {
            assert_eq!(serde_json::to_string(v).expect("serializes"), *text);
            assert_eq!(json::from_str::<T>(text).as_ref().ok(), Some(v), "{text}");
        }
    }
    written(&[
        (GoogleDeletes::Delete, r#"{"kind":"delete"}"#),
        (GoogleDeletes::Unlink, r#"{"kind":"unlink"}"#),
        (
            GoogleDeletes::SetStatus("Gone".into()),
            r#"{"kind":"setStatus","status":"Gone"}"#,
        ),
    ]);
    written(&[
        (
            TargetGroup::Existing("contactGroups/friends".into()),
            r#"{"kind":"existing","value":"contactGroups/friends"}"#,
        ),
        (
            TargetGroup::Named("CRM".into()),
            r#"{"kind":"named","value":"CRM"}"#,
        ),
    ]);
    let read = |text: &str| json::from_str::<GoogleDeletes>(text).map_err(|e| e.to_string());
    assert_eq!(
        read(r#"{"kind":"unlink","status":null}"#),
        Ok(GoogleDeletes::Unlink)
    );
    for (text, error) in [
        (
            r#"{"kind":"unlink","status":"Gone"}"#,
            "status: invalid type: string \"Gone\", expected unit variant",
        ),
        (r#"{"kind":"setStatus"}"#, "missing field `status`"),
        (
            r#"{"kind":"setStatus","status":7}"#,
            "status: invalid type: integer `7`, expected a string",
        ),
        (
            r#"{"kind":"archive"}"#,
            "unknown variant `archive`, expected one of `delete`, `unlink`, `setStatus`",
        ),
        (r#"{"status":"Gone"}"#, "missing field `kind`"),
        (
            r#""delete""#,
            "invalid type: string \"delete\", expected adjacently tagged enum GoogleDeletes",
        ),
    ] {
        assert_eq!(read(text), Err(error.to_string()), "{text}");
    }
}

#[test]
fn a_state_saved_through_the_store_loads_as_it_was() {
    for state in [account_state(), AccountState::new()] {
        assert_eq!(reloaded(&state), state);
    }
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[a-z ]{1,8}", "\\PC{0,6}"]
}

fn arb_contact() -> impl Strategy<Value = Contact> {
    let name =
        (arb_text(), arb_text(), arb_text()).prop_map(|(given, family, prefix)| model::Name {
            given,
            family,
            prefix,
            ..model::Name::default()
        });
    let email = (arb_text(), arb_text(), any::<bool>()).prop_map(|(value, kind, primary)| Email {
        value,
        kind,
        primary,
    });
    let phone = (arb_text(), proptest::option::of(arb_text()), any::<bool>()).prop_map(
        |(value, canonical, primary)| Phone {
            value,
            canonical,
            primary,
            ..Phone::default()
        },
    );
    let address = (arb_text(), arb_text()).prop_map(|(street, country_code)| model::Address {
        street,
        country_code,
        ..model::Address::default()
    });
    let birthday = proptest::option::of((proptest::option::of(1u16..3000), 1u8..13, 1u8..32))
        .prop_map(|b| b.map(|(year, month, day)| CoreBirthday { year, month, day }));
    (
        name,
        proptest::collection::vec(email, 0..3),
        proptest::collection::vec(phone, 0..3),
        proptest::collection::vec(address, 0..2),
        birthday,
        arb_text(),
    )
        .prop_map(
            |(name, emails, phones, addresses, birthday, notes)| Contact {
                name,
                emails,
                phones,
                addresses,
                birthday,
                notes,
                ..Contact::default()
            },
        )
}

proptest! {
    #[test]
    fn any_state_reads_back_from_its_json_and_from_the_store(
        contacts in proptest::collection::vec(arb_contact(), 0..6),
        token in proptest::option::of(arb_text()),
    ) {
        let mut state = AccountState::new();
        for (i, c) in contacts.into_iter().enumerate() {
            let mut l = link();
            l.crm_id = i.to_string();
            l.base = c.clone();
            state.links.insert(l.crm_id.clone(), l);
            let mut g = google_contact();
            g.resource_name = format!("people/c{i}");
            g.contact = c;
            state.google_unlinked.insert(g.resource_name.clone(), g);
        }
        state.sync_token = token;
        prop_assert_eq!(AccountState::from_json(&state.to_json()), Ok(state.clone()));
        prop_assert_eq!(reloaded(&state), state);
    }
}
