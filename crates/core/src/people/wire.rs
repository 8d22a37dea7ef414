//! People API wire types, as the discovery document (revision 20240313) describes them.
//!
//! Two rules shape every type here:
//!
//! - **Send only what we mean to.** Every field is an `Option` or a `Vec` that is skipped when
//!   absent or empty, so a body we build never carries a field we did not set. (An `updateContact`
//!   replaces each field named in `updatePersonFields` wholesale; stray fields are ignored by
//!   Google, but a stray *empty* field would be a surprise in a review of the wire.)
//! - **Lose nothing on a read-modify-write.** Each type keeps the keys it does not model in a
//!   flattened `other` map, so photos, `userDefined`, relations, an email's `displayName`, a
//!   phone's custom label or an organization's department survive a round trip untouched.
//!
//! Each type is declared once with [`json_struct!`], which reads it through one parsed [`Value`]
//! (taking the modelled keys out of each object and keeping the rest as `other`) and writes it
//! with the same keys, in declaration order.
//!
//! Only the fields the sync maps are typed; everything else stays JSON.

use crate::json_struct;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Unknown keys, kept verbatim.
pub type Other = Map<String, Value>;

json_struct! {
    /// A People API `Person`.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Person {
        pub resource_name: Option<String> = "resourceName" [skip_empty],
        pub etag: Option<String> = "etag" [skip_empty],
        pub metadata: Option<PersonMetadata> = "metadata" [skip_empty],
        pub names: Vec<Name> = "names" [skip_empty],
        pub email_addresses: Vec<EmailAddress> = "emailAddresses" [skip_empty],
        pub phone_numbers: Vec<PhoneNumber> = "phoneNumbers" [skip_empty],
        pub addresses: Vec<Address> = "addresses" [skip_empty],
        pub birthdays: Vec<Birthday> = "birthdays" [skip_empty],
        pub organizations: Vec<Organization> = "organizations" [skip_empty],
        pub biographies: Vec<Biography> = "biographies" [skip_empty],
        pub memberships: Vec<Membership> = "memberships" [skip_empty],
        pub client_data: Vec<ClientData> = "clientData" [skip_empty],
        /// Everything the sync does not map: photos, userDefined, relations, urls, events, ...
        pub other: Other = ..,
    }
}

impl Person {
    /// The person's CONTACT source, whose etag and `updateTime` describe the contact itself (a
    /// person can also carry PROFILE or DOMAIN_PROFILE sources).
    pub fn contact_source(&self) -> Option<&Source> {
        let sources = &self.metadata.as_ref()?.sources;
        sources
            .iter()
            .find(|s| s.kind.as_deref() == Some(SOURCE_CONTACT))
    }

    /// The person without the items of its other sources: a contact linked to a Google profile
    /// is read with the profile's names, emails and photos merged in unless the read asks for
    /// `READ_SOURCE_TYPE_CONTACT` alone, and those items are neither the user's contact data to
    /// sync nor writable (Google refuses a contact write carrying them). Unmodelled fields
    /// (photos among them) stay: they are never written back.
    pub fn contact_only(mut self) -> Person {
        self.names.retain(|i| from_contact(&i.metadata));
        self.email_addresses.retain(|i| from_contact(&i.metadata));
        self.phone_numbers.retain(|i| from_contact(&i.metadata));
        self.addresses.retain(|i| from_contact(&i.metadata));
        self.birthdays.retain(|i| from_contact(&i.metadata));
        self.organizations.retain(|i| from_contact(&i.metadata));
        self.biographies.retain(|i| from_contact(&i.metadata));
        self.memberships.retain(|i| from_contact(&i.metadata));
        self.client_data.retain(|i| from_contact(&i.metadata));
        self
    }

    /// True for the tombstones an incremental sync returns for deleted contacts.
    pub fn is_deleted(&self) -> bool {
        self.metadata
            .as_ref()
            .and_then(|m| m.deleted)
            .unwrap_or(false)
    }

    /// Resource names this person had before (incremental syncs only): links must follow them.
    pub fn previous_resource_names(&self) -> &[String] {
        self.metadata
            .as_ref()
            .map(|m| m.previous_resource_names.as_slice())
            .unwrap_or(&[])
    }
}

/// `Source.type` of a contact the user owns.
pub const SOURCE_CONTACT: &str = "CONTACT";

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PersonMetadata {
        pub sources: Vec<Source> = "sources" [skip_empty],
        pub previous_resource_names: Vec<String> = "previousResourceNames" [skip_empty],
        pub deleted: Option<bool> = "deleted" [skip_empty],
        pub other: Other = ..,
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Source {
        /// CONTACT, PROFILE, DOMAIN_PROFILE, ACCOUNT, OTHER_CONTACT, DOMAIN_CONTACT.
        pub kind: Option<String> = "type" [skip_empty],
        pub id: Option<String> = "id" [skip_empty],
        pub etag: Option<String> = "etag" [skip_empty],
        /// RFC 3339; read with [`super::time::parse_rfc3339`].
        pub update_time: Option<String> = "updateTime" [skip_empty],
        pub other: Other = ..,
    }
}

json_struct! {
    /// The `metadata` every field item carries.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct FieldMetadata {
        pub primary: Option<bool> = "primary" [skip_empty],
        pub source: Option<Source> = "source" [skip_empty],
        pub other: Other = ..,
    }
}

impl FieldMetadata {
    pub fn is_from_contact(&self) -> bool {
        self.source.as_ref().and_then(|s| s.kind.as_deref()) == Some(SOURCE_CONTACT)
    }
}

/// True when an item's metadata names the CONTACT source, or names no source at all (items we
/// built ourselves, fixtures).
pub fn from_contact(m: &Option<FieldMetadata>) -> bool {
    match m {
        None => true,
        Some(m) => m.source.is_none() || m.is_from_contact(),
    }
}

/// [`from_contact`] of an item still in JSON.
fn json_from_contact(item: &Value) -> bool {
    item.pointer("/metadata/source/type")
        .and_then(Value::as_str)
        .is_none_or(|t| t == SOURCE_CONTACT)
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Name {
        pub metadata: Option<FieldMetadata> = "metadata" [skip_empty],
        pub given_name: Option<String> = "givenName" [skip_empty],
        pub middle_name: Option<String> = "middleName" [skip_empty],
        pub family_name: Option<String> = "familyName" [skip_empty],
        pub honorific_prefix: Option<String> = "honorificPrefix" [skip_empty],
        pub honorific_suffix: Option<String> = "honorificSuffix" [skip_empty],
        /// Read-only, derived by Google from the parts.
        pub display_name: Option<String> = "displayName" [skip_empty],
        /// Read-only, derived by Google from the parts.
        pub display_name_last_first: Option<String> = "displayNameLastFirst" [skip_empty],
        /// The free-form name; writable, so a stale one must not be sent next to new parts.
        pub unstructured_name: Option<String> = "unstructuredName" [skip_empty],
        /// Phonetic names and whatever Google adds later.
        pub other: Other = ..,
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct EmailAddress {
        pub metadata: Option<FieldMetadata> = "metadata" [skip_empty],
        pub value: Option<String> = "value" [skip_empty],
        /// home, work, other, or a custom label.
        pub kind: Option<String> = "type" [skip_empty],
        /// displayName, formattedType, ...
        pub other: Other = ..,
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PhoneNumber {
        pub metadata: Option<FieldMetadata> = "metadata" [skip_empty],
        pub value: Option<String> = "value" [skip_empty],
        /// Read-only E.164 form Google derives from `value`.
        pub canonical_form: Option<String> = "canonicalForm" [skip_empty],
        pub kind: Option<String> = "type" [skip_empty],
        pub other: Other = ..,
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Address {
        pub metadata: Option<FieldMetadata> = "metadata" [skip_empty],
        pub formatted_value: Option<String> = "formattedValue" [skip_empty],
        pub street_address: Option<String> = "streetAddress" [skip_empty],
        pub extended_address: Option<String> = "extendedAddress" [skip_empty],
        pub city: Option<String> = "city" [skip_empty],
        pub region: Option<String> = "region" [skip_empty],
        pub postal_code: Option<String> = "postalCode" [skip_empty],
        pub country: Option<String> = "country" [skip_empty],
        pub country_code: Option<String> = "countryCode" [skip_empty],
        pub kind: Option<String> = "type" [skip_empty],
        /// poBox, formattedType, ...
        pub other: Other = ..,
    }
}

json_struct! {
    /// A calendar date; 0 (or absent) in a part means "not given".
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct Date {
        pub year: Option<i32> = "year" [skip_empty],
        pub month: Option<i32> = "month" [skip_empty],
        pub day: Option<i32> = "day" [skip_empty],
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Birthday {
        pub metadata: Option<FieldMetadata> = "metadata" [skip_empty],
        pub date: Option<Date> = "date" [skip_empty],
        /// Deprecated free text ("Dec 10"); read as a fallback, never written.
        pub text: Option<String> = "text" [skip_empty],
        pub other: Other = ..,
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Organization {
        pub metadata: Option<FieldMetadata> = "metadata" [skip_empty],
        pub name: Option<String> = "name" [skip_empty],
        pub title: Option<String> = "title" [skip_empty],
        /// department, type, current, startDate, ...
        pub other: Other = ..,
    }
}

json_struct! {
    /// The Contacts "Notes" field.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Biography {
        pub metadata: Option<FieldMetadata> = "metadata" [skip_empty],
        pub value: Option<String> = "value" [skip_empty],
        /// TEXT_PLAIN or TEXT_HTML.
        pub content_type: Option<String> = "contentType" [skip_empty],
        pub other: Other = ..,
    }
}

pub const TEXT_PLAIN: &str = "TEXT_PLAIN";

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Membership {
        pub metadata: Option<FieldMetadata> = "metadata" [skip_empty],
        pub contact_group_membership: Option<ContactGroupMembership> =
            "contactGroupMembership" [skip_empty],
        /// domainMembership (read-only).
        pub other: Other = ..,
    }
}

impl Membership {
    pub fn group(resource_name: &str) -> Membership {
        Membership {
            contact_group_membership: Some(ContactGroupMembership {
                contact_group_resource_name: Some(resource_name.to_string()),
                other: Other::new(),
            }),
            ..Membership::default()
        }
    }

    pub fn group_resource_name(&self) -> Option<&str> {
        self.contact_group_membership
            .as_ref()?
            .contact_group_resource_name
            .as_deref()
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ContactGroupMembership {
        pub contact_group_resource_name: Option<String> = "contactGroupResourceName" [skip_empty],
        /// contactGroupId (deprecated, read-only).
        pub other: Other = ..,
    }
}

json_struct! {
    /// "Arbitrary client data that is populated by clients. Duplicate keys and values are allowed."
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ClientData {
        pub metadata: Option<FieldMetadata> = "metadata" [skip_empty],
        pub key: Option<String> = "key" [skip_empty],
        pub value: Option<String> = "value" [skip_empty],
        pub other: Other = ..,
    }
}

json_struct! {
    /// `people.connections.list`.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ListConnectionsResponse {
        pub connections: Vec<Person> = "connections" [skip_empty],
        /// Absent on the last page.
        pub next_page_token: Option<String> = "nextPageToken" [skip_empty],
        /// Only on the last page, and only when `requestSyncToken` was set.
        pub next_sync_token: Option<String> = "nextSyncToken" [skip_empty],
        pub total_items: Option<i64> = "totalItems" [skip_empty],
        pub other: Other = ..,
    }
}

json_struct! {
    /// `people.connections.list` with its persons still JSON: each is looked at through
    /// [`PersonHead`] first, and read into a [`Person`] only when the sync needs it (an echo of
    /// its own write does not), so no page's persons outlive the page.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ListingPage {
        pub connections: Vec<Value> = "connections" [skip_empty],
        pub next_page_token: Option<String> = "nextPageToken" [skip_empty],
        pub next_sync_token: Option<String> = "nextSyncToken" [skip_empty],
        pub other: Other = ..,
    }
}

/// What a listed person says of itself before it is read in full: enough to tell an unchanged
/// linked contact, read the way [`Person`] reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonHead<'a> {
    pub resource_name: Option<&'a str>,
    /// The person's etag, else its CONTACT source's (as the sync records it).
    pub etag: Option<&'a str>,
    pub deleted: bool,
    /// `metadata.previousResourceNames` is not empty.
    pub renamed: bool,
    /// The contact source's `clientData` entries' keys and values.
    pub client_data: Vec<ClientData>,
    /// The contact groups' resource names (of the contact source's memberships).
    pub groups: Vec<&'a str>,
}

impl<'a> PersonHead<'a> {
    pub fn of(person: &'a Value) -> PersonHead<'a> {
        let str_at = |v: &'a Value, key: &str| v.get(key).and_then(Value::as_str);
        let items = |v: &'a Value, key: &str| {
            v.get(key)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
        };
        let metadata = person.get("metadata").unwrap_or(&Value::Null);
        let contact_etag = items(metadata, "sources")
            .iter()
            .find(|s| str_at(s, "type") == Some(SOURCE_CONTACT))
            .and_then(|s| str_at(s, "etag"));
        PersonHead {
            resource_name: str_at(person, "resourceName"),
            etag: str_at(person, "etag").or(contact_etag),
            deleted: metadata.get("deleted").and_then(Value::as_bool) == Some(true),
            renamed: !items(metadata, "previousResourceNames").is_empty(),
            client_data: items(person, "clientData")
                .iter()
                .filter(|c| json_from_contact(c))
                .map(|c| ClientData {
                    key: str_at(c, "key").map(str::to_string),
                    value: str_at(c, "value").map(str::to_string),
                    ..ClientData::default()
                })
                .collect(),
            groups: items(person, "memberships")
                .iter()
                .filter(|m| json_from_contact(m))
                .filter_map(|m| m.get("contactGroupMembership"))
                .filter_map(|g| str_at(g, "contactGroupResourceName"))
                .collect(),
        }
    }
}

json_struct! {
    /// `people.getBatchGet`.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct GetPeopleResponse {
        pub responses: Vec<PersonResponse> = "responses" [skip_empty],
    }
}

json_struct! {
    /// One item of a batch read or write, with its own status: batches fail item by item.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct PersonResponse {
        pub person: Option<Person> = "person" [skip_empty],
        pub requested_resource_name: Option<String> = "requestedResourceName" [skip_empty],
        pub status: Option<Status> = "status" [skip_empty],
        pub http_status_code: Option<i32> = "httpStatusCode" [skip_empty],
    }
}

impl PersonResponse {
    /// True unless the item carries a non-zero `google.rpc.Status` code.
    pub fn is_ok(&self) -> bool {
        self.status.as_ref().and_then(|s| s.code).unwrap_or(0) == 0
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ContactToCreate {
        pub contact_person: Person = "contactPerson",
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct BatchCreateContactsRequest {
        pub contacts: Vec<ContactToCreate> = "contacts",
        pub read_mask: String = "readMask",
        pub sources: Vec<String> = "sources" [skip_empty],
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct BatchCreateContactsResponse {
        pub created_people: Vec<PersonResponse> = "createdPeople" [skip_empty],
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct BatchUpdateContactsRequest {
        /// Keyed by resource name. A `BTreeMap` keeps the body's order deterministic.
        pub contacts: BTreeMap<String, Person> = "contacts",
        pub update_mask: String = "updateMask",
        pub read_mask: String = "readMask",
        pub sources: Vec<String> = "sources" [skip_empty],
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct BatchUpdateContactsResponse {
        /// Keyed by resource name.
        pub update_result: BTreeMap<String, PersonResponse> = "updateResult" [default],
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct BatchDeleteContactsRequest {
        pub resource_names: Vec<String> = "resourceNames",
    }
}

json_struct! {
    /// A contact group (a label in the Contacts UI).
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ContactGroup {
        pub resource_name: Option<String> = "resourceName" [skip_empty],
        pub etag: Option<String> = "etag" [skip_empty],
        pub name: Option<String> = "name" [skip_empty],
        pub formatted_name: Option<String> = "formattedName" [skip_empty],
        /// USER_CONTACT_GROUP or SYSTEM_CONTACT_GROUP.
        pub group_type: Option<String> = "groupType" [skip_empty],
        pub member_count: Option<i64> = "memberCount" [skip_empty],
        pub member_resource_names: Vec<String> = "memberResourceNames" [skip_empty],
        pub other: Other = ..,
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ListContactGroupsResponse {
        pub contact_groups: Vec<ContactGroup> = "contactGroups" [skip_empty],
        pub next_page_token: Option<String> = "nextPageToken" [skip_empty],
        pub next_sync_token: Option<String> = "nextSyncToken" [skip_empty],
        pub total_items: Option<i64> = "totalItems" [skip_empty],
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct CreateContactGroupRequest {
        pub contact_group: ContactGroup = "contactGroup",
        pub read_group_fields: Option<String> = "readGroupFields" [skip_empty],
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ModifyContactGroupMembersRequest {
        pub resource_names_to_add: Vec<String> = "resourceNamesToAdd" [skip_empty],
        pub resource_names_to_remove: Vec<String> = "resourceNamesToRemove" [skip_empty],
    }
}

json_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ModifyContactGroupMembersResponse {
        pub not_found_resource_names: Vec<String> = "notFoundResourceNames" [skip_empty],
        /// Google refuses to leave a contact in no group at all.
        pub can_not_remove_last_contact_group_resource_names: Vec<String> =
            "canNotRemoveLastContactGroupResourceNames" [skip_empty],
    }
}

json_struct! {
    /// `google.rpc.Status`: the body of an error, and the per-item status of batch results.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Status {
        pub code: Option<i32> = "code" [skip_empty],
        pub message: Option<String> = "message" [skip_empty],
        /// The canonical code name ("FAILED_PRECONDITION"); present in the HTTP error envelope
        /// only.
        pub status: Option<String> = "status" [skip_empty],
        /// `google.rpc.ErrorInfo`, `RetryInfo`, `QuotaFailure`, ... each tagged by `@type`.
        pub details: Vec<Value> = "details" [skip_empty],
    }
}

json_struct! {
    /// `{"error": Status}`: how every failed HTTP call answers.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ErrorEnvelope {
        pub error: Status = "error",
    }
}
