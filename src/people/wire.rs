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
//! Reading goes through one parsed [`Value`] ([`crate::json`]): the impls at the end of this file
//! take the modelled keys out of each object and keep the rest as `other`. A derived
//! `Deserialize` with `#[serde(flatten)]` buffers every struct through serde's private `Content`
//! type and instantiates a deserializer per struct: in the wasm that was most of the plugin's
//! size. Writing keeps the derived `Serialize`, which stays small and keeps the order of the keys
//! in a request body.
//!
//! Only the fields the sync maps are typed; everything else stays JSON.

use crate::json::{invalid, FromJson};
use crate::json_struct;
use serde::Serialize;
use serde_json::{Map, Value};

/// Unknown keys, kept verbatim.
pub type Other = Map<String, Value>;

/// A People API `Person`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<PersonMetadata>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Name>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_addresses: Vec<EmailAddress>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phone_numbers: Vec<PhoneNumber>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birthdays: Vec<Birthday>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<Organization>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub biographies: Vec<Biography>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub memberships: Vec<Membership>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub client_data: Vec<ClientData>,
    /// Everything the sync does not map: photos, userDefined, relations, urls, events, ...
    #[serde(flatten)]
    pub other: Other,
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

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonMetadata {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_resource_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// CONTACT, PROFILE, DOMAIN_PROFILE, ACCOUNT, OTHER_CONTACT, DOMAIN_CONTACT.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// RFC 3339; read with [`super::time::parse_rfc3339`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
    #[serde(flatten)]
    pub other: Other,
}

/// The `metadata` every field item carries.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(flatten)]
    pub other: Other,
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

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Name {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FieldMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_suffix: Option<String>,
    /// Read-only, derived by Google from the parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Read-only, derived by Google from the parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name_last_first: Option<String>,
    /// The free-form name; writable, so a stale one must not be sent next to new parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unstructured_name: Option<String>,
    /// Phonetic names and whatever Google adds later.
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FieldMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// home, work, other, or a custom label.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// displayName, formattedType, ...
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneNumber {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FieldMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Read-only E.164 form Google derives from `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_form: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FieldMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// poBox, formattedType, ...
    #[serde(flatten)]
    pub other: Other,
}

/// A calendar date; 0 (or absent) in a part means "not given".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Date {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Birthday {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FieldMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Deprecated free text ("Dec 10"); read as a fallback, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FieldMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// department, type, current, startDate, ...
    #[serde(flatten)]
    pub other: Other,
}

/// The Contacts "Notes" field.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Biography {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FieldMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// TEXT_PLAIN or TEXT_HTML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(flatten)]
    pub other: Other,
}

pub const TEXT_PLAIN: &str = "TEXT_PLAIN";

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FieldMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_group_membership: Option<ContactGroupMembership>,
    /// domainMembership (read-only).
    #[serde(flatten)]
    pub other: Other,
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

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactGroupMembership {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_group_resource_name: Option<String>,
    /// contactGroupId (deprecated, read-only).
    #[serde(flatten)]
    pub other: Other,
}

/// "Arbitrary client data that is populated by clients. Duplicate keys and values are allowed."
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<FieldMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(flatten)]
    pub other: Other,
}

/// `people.connections.list`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListConnectionsResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<Person>,
    /// Absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    /// Only on the last page, and only when `requestSyncToken` was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_sync_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_items: Option<i64>,
    #[serde(flatten)]
    pub other: Other,
}

/// `people.getBatchGet`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetPeopleResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<PersonResponse>,
}

/// One item of a batch read or write, with its own status: batches fail item by item.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_resource_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status_code: Option<i32>,
}

impl PersonResponse {
    /// True unless the item carries a non-zero `google.rpc.Status` code.
    pub fn is_ok(&self) -> bool {
        self.status.as_ref().and_then(|s| s.code).unwrap_or(0) == 0
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactToCreate {
    pub contact_person: Person,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchCreateContactsRequest {
    pub contacts: Vec<ContactToCreate>,
    pub read_mask: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchCreateContactsResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub created_people: Vec<PersonResponse>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchUpdateContactsRequest {
    /// Keyed by resource name. A `BTreeMap` keeps the body's order deterministic.
    pub contacts: std::collections::BTreeMap<String, Person>,
    pub update_mask: String,
    pub read_mask: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchUpdateContactsResponse {
    /// Keyed by resource name.
    #[serde(default)]
    pub update_result: ByName<PersonResponse>,
}

/// A JSON object's entries keyed by resource name, in the object's order. A `Vec` rather than a
/// `BTreeMap`, which the wasm would hold an instantiation of for this one map; lookups are
/// linear, over at most one batch (200 people).
#[derive(Clone, Debug, PartialEq)]
pub struct ByName<T>(pub Vec<(String, T)>);

impl<T> Default for ByName<T> {
    fn default() -> Self {
        ByName(Vec::new())
    }
}

impl<T> ByName<T> {
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Serialize> Serialize for ByName<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<T: FromJson> FromJson for ByName<T> {
    fn from_json(v: Value) -> Result<Self, String> {
        let Value::Object(m) = v else {
            return Err(invalid(&v, "a map"));
        };
        let mut out = Vec::with_capacity(m.len());
        for (k, v) in m {
            out.push((k, T::from_json(v)?));
        }
        Ok(ByName(out))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchDeleteContactsRequest {
    pub resource_names: Vec<String>,
}

/// A contact group (a label in the Contacts UI).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactGroup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted_name: Option<String>,
    /// USER_CONTACT_GROUP or SYSTEM_CONTACT_GROUP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_resource_names: Vec<String>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListContactGroupsResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contact_groups: Vec<ContactGroup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_sync_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_items: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateContactGroupRequest {
    pub contact_group: ContactGroup,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_group_fields: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyContactGroupMembersRequest {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_names_to_add: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_names_to_remove: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyContactGroupMembersResponse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_found_resource_names: Vec<String>,
    /// Google refuses to leave a contact in no group at all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub can_not_remove_last_contact_group_resource_names: Vec<String>,
}

/// `google.rpc.Status`: the body of an error, and the per-item status of batch results.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The canonical code name ("FAILED_PRECONDITION"); present in the HTTP error envelope only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `google.rpc.ErrorInfo`, `RetryInfo`, `QuotaFailure`, ... each tagged by `@type`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Value>,
}

/// `{"error": Status}`: how every failed HTTP call answers.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ErrorEnvelope {
    pub error: Status,
}

json_struct!(Person {
    resource_name: "resourceName",
    etag: "etag",
    metadata: "metadata",
    names: "names" or default,
    email_addresses: "emailAddresses" or default,
    phone_numbers: "phoneNumbers" or default,
    addresses: "addresses" or default,
    birthdays: "birthdays" or default,
    organizations: "organizations" or default,
    biographies: "biographies" or default,
    memberships: "memberships" or default,
    client_data: "clientData" or default,
} rest other);

json_struct!(PersonMetadata {
    sources: "sources" or default,
    previous_resource_names: "previousResourceNames" or default,
    deleted: "deleted",
} rest other);

json_struct!(Source {
    kind: "type",
    id: "id",
    etag: "etag",
    update_time: "updateTime",
} rest other);

json_struct!(FieldMetadata {
    primary: "primary",
    source: "source",
} rest other);

json_struct!(Name {
    metadata: "metadata",
    given_name: "givenName",
    middle_name: "middleName",
    family_name: "familyName",
    honorific_prefix: "honorificPrefix",
    honorific_suffix: "honorificSuffix",
    display_name: "displayName",
    display_name_last_first: "displayNameLastFirst",
    unstructured_name: "unstructuredName",
} rest other);

json_struct!(EmailAddress {
    metadata: "metadata",
    value: "value",
    kind: "type",
} rest other);

json_struct!(PhoneNumber {
    metadata: "metadata",
    value: "value",
    canonical_form: "canonicalForm",
    kind: "type",
} rest other);

json_struct!(Address {
    metadata: "metadata",
    formatted_value: "formattedValue",
    street_address: "streetAddress",
    extended_address: "extendedAddress",
    city: "city",
    region: "region",
    postal_code: "postalCode",
    country: "country",
    country_code: "countryCode",
    kind: "type",
} rest other);

json_struct!(Date {
    year: "year",
    month: "month",
    day: "day",
});

json_struct!(Birthday {
    metadata: "metadata",
    date: "date",
    text: "text",
} rest other);

json_struct!(Organization {
    metadata: "metadata",
    name: "name",
    title: "title",
} rest other);

json_struct!(Biography {
    metadata: "metadata",
    value: "value",
    content_type: "contentType",
} rest other);

json_struct!(Membership {
    metadata: "metadata",
    contact_group_membership: "contactGroupMembership",
} rest other);

json_struct!(ContactGroupMembership {
    contact_group_resource_name: "contactGroupResourceName",
} rest other);

json_struct!(ClientData {
    metadata: "metadata",
    key: "key",
    value: "value",
} rest other);

json_struct!(ListConnectionsResponse {
    connections: "connections" or default,
    next_page_token: "nextPageToken",
    next_sync_token: "nextSyncToken",
    total_items: "totalItems",
} rest other);

json_struct!(GetPeopleResponse {
    responses: "responses" or default,
});

json_struct!(PersonResponse {
    person: "person",
    requested_resource_name: "requestedResourceName",
    status: "status",
    http_status_code: "httpStatusCode",
});

json_struct!(BatchCreateContactsResponse {
    created_people: "createdPeople" or default,
});

json_struct!(BatchUpdateContactsResponse {
    update_result: "updateResult" or default,
});

json_struct!(ContactGroup {
    resource_name: "resourceName",
    etag: "etag",
    name: "name",
    formatted_name: "formattedName",
    group_type: "groupType",
    member_count: "memberCount",
    member_resource_names: "memberResourceNames" or default,
} rest other);

json_struct!(ListContactGroupsResponse {
    contact_groups: "contactGroups" or default,
    next_page_token: "nextPageToken",
    next_sync_token: "nextSyncToken",
    total_items: "totalItems",
});

json_struct!(ModifyContactGroupMembersResponse {
    not_found_resource_names: "notFoundResourceNames" or default,
    can_not_remove_last_contact_group_resource_names:
        "canNotRemoveLastContactGroupResourceNames" or default,
});

json_struct!(Status {
    code: "code",
    message: "message",
    status: "status",
    details: "details" or default,
});

json_struct!(ErrorEnvelope { error: "error" });
