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
//! Reading goes through one parsed [`Value`] and the hand-written [`FromJson`] impls at the end
//! of this file, which take the modelled keys out of each object and keep the rest as `other`. A
//! derived `Deserialize` with `#[serde(flatten)]` buffers every struct through serde's private
//! `Content` type and instantiates a deserializer per struct: in the wasm that was most of the
//! plugin's size. Writing keeps the derived `Serialize`, which stays small and keeps the order of
//! the keys in a request body.
//!
//! Only the fields the sync maps are typed; everything else stays JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

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
    pub update_result: std::collections::BTreeMap<String, PersonResponse>,
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

/// Building a wire type from parsed JSON. Missing keys and `null`s read as absent, a wrong type
/// is an error (as a derived `Deserialize` has it), and keys a type does not model stay in its
/// `other`.
pub trait FromJson: Sized {
    fn from_json(v: Value) -> Result<Self, String>;
}

/// Every `FromJson` type is also `Deserialize`, through [`Value`], so callers keep using
/// `serde_json::from_str` and the wasm holds one JSON deserializer.
macro_rules! deserialize_via_value {
    ($($t:ty),* $(,)?) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                FromJson::from_json(Value::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

deserialize_via_value!(
    Person,
    PersonMetadata,
    Source,
    FieldMetadata,
    Name,
    EmailAddress,
    PhoneNumber,
    Address,
    Date,
    Birthday,
    Organization,
    Biography,
    Membership,
    ContactGroupMembership,
    ClientData,
    ListConnectionsResponse,
    GetPeopleResponse,
    PersonResponse,
    BatchCreateContactsResponse,
    BatchUpdateContactsResponse,
    ContactGroup,
    ListContactGroupsResponse,
    ModifyContactGroupMembersResponse,
    Status,
    ErrorEnvelope,
);

/// serde's wording, so an unreadable response reads as it did with derived impls.
fn invalid(v: &Value, expected: &str) -> String {
    let got = match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_string(),
        Value::Object(_) => "map".to_string(),
    };
    format!("invalid type: {got}, expected {expected}")
}

impl FromJson for Value {
    fn from_json(v: Value) -> Result<Self, String> {
        Ok(v)
    }
}

impl FromJson for String {
    fn from_json(v: Value) -> Result<Self, String> {
        match v {
            Value::String(s) => Ok(s),
            v => Err(invalid(&v, "a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(v: Value) -> Result<Self, String> {
        v.as_bool().ok_or_else(|| invalid(&v, "a boolean"))
    }
}

impl FromJson for i64 {
    fn from_json(v: Value) -> Result<Self, String> {
        match &v {
            Value::Number(n) if !n.is_f64() => n
                .as_i64()
                .ok_or_else(|| format!("invalid value: integer `{n}`, expected i64")),
            _ => Err(invalid(&v, "i64")),
        }
    }
}

impl FromJson for i32 {
    fn from_json(v: Value) -> Result<Self, String> {
        match &v {
            Value::Number(n) if !n.is_f64() => n
                .as_i64()
                .and_then(|i| i32::try_from(i).ok())
                .ok_or_else(|| format!("invalid value: integer `{n}`, expected i32")),
            _ => Err(invalid(&v, "i32")),
        }
    }
}

/// A JSON object being taken apart: each typed key is removed as it is read, so what is left is
/// the type's `other`.
struct Fields(Map<String, Value>);

impl Fields {
    fn of(v: Value, what: &str) -> Result<Fields, String> {
        match v {
            Value::Object(m) => Ok(Fields(m)),
            v => Err(invalid(&v, what)),
        }
    }

    fn opt<T: FromJson>(&mut self, key: &str) -> Result<Option<T>, String> {
        match self.0.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::from_json(v).map(Some),
        }
    }

    /// A list that may be absent; `null` is an error, as it is for a derived `Vec` field.
    fn list<T: FromJson>(&mut self, key: &str) -> Result<Vec<T>, String> {
        match self.0.remove(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items.into_iter().map(T::from_json).collect(),
            Some(v) => Err(invalid(&v, "a sequence")),
        }
    }

    fn map<T: FromJson>(&mut self, key: &str) -> Result<BTreeMap<String, T>, String> {
        match self.0.remove(key) {
            None => Ok(BTreeMap::new()),
            Some(Value::Object(m)) => m
                .into_iter()
                .map(|(k, v)| Ok((k, T::from_json(v)?)))
                .collect(),
            Some(v) => Err(invalid(&v, "a map")),
        }
    }

    fn required<T: FromJson>(&mut self, key: &str) -> Result<T, String> {
        self.opt(key)?
            .ok_or_else(|| format!("missing field `{key}`"))
    }
}

impl FromJson for Person {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct Person")?;
        Ok(Person {
            resource_name: f.opt("resourceName")?,
            etag: f.opt("etag")?,
            metadata: f.opt("metadata")?,
            names: f.list("names")?,
            email_addresses: f.list("emailAddresses")?,
            phone_numbers: f.list("phoneNumbers")?,
            addresses: f.list("addresses")?,
            birthdays: f.list("birthdays")?,
            organizations: f.list("organizations")?,
            biographies: f.list("biographies")?,
            memberships: f.list("memberships")?,
            client_data: f.list("clientData")?,
            other: f.0,
        })
    }
}

impl FromJson for PersonMetadata {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct PersonMetadata")?;
        Ok(PersonMetadata {
            sources: f.list("sources")?,
            previous_resource_names: f.list("previousResourceNames")?,
            deleted: f.opt("deleted")?,
            other: f.0,
        })
    }
}

impl FromJson for Source {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct Source")?;
        Ok(Source {
            kind: f.opt("type")?,
            id: f.opt("id")?,
            etag: f.opt("etag")?,
            update_time: f.opt("updateTime")?,
            other: f.0,
        })
    }
}

impl FromJson for FieldMetadata {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct FieldMetadata")?;
        Ok(FieldMetadata {
            primary: f.opt("primary")?,
            source: f.opt("source")?,
            other: f.0,
        })
    }
}

impl FromJson for Name {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct Name")?;
        Ok(Name {
            metadata: f.opt("metadata")?,
            given_name: f.opt("givenName")?,
            middle_name: f.opt("middleName")?,
            family_name: f.opt("familyName")?,
            honorific_prefix: f.opt("honorificPrefix")?,
            honorific_suffix: f.opt("honorificSuffix")?,
            display_name: f.opt("displayName")?,
            display_name_last_first: f.opt("displayNameLastFirst")?,
            unstructured_name: f.opt("unstructuredName")?,
            other: f.0,
        })
    }
}

impl FromJson for EmailAddress {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct EmailAddress")?;
        Ok(EmailAddress {
            metadata: f.opt("metadata")?,
            value: f.opt("value")?,
            kind: f.opt("type")?,
            other: f.0,
        })
    }
}

impl FromJson for PhoneNumber {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct PhoneNumber")?;
        Ok(PhoneNumber {
            metadata: f.opt("metadata")?,
            value: f.opt("value")?,
            canonical_form: f.opt("canonicalForm")?,
            kind: f.opt("type")?,
            other: f.0,
        })
    }
}

impl FromJson for Address {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct Address")?;
        Ok(Address {
            metadata: f.opt("metadata")?,
            formatted_value: f.opt("formattedValue")?,
            street_address: f.opt("streetAddress")?,
            extended_address: f.opt("extendedAddress")?,
            city: f.opt("city")?,
            region: f.opt("region")?,
            postal_code: f.opt("postalCode")?,
            country: f.opt("country")?,
            country_code: f.opt("countryCode")?,
            kind: f.opt("type")?,
            other: f.0,
        })
    }
}

impl FromJson for Date {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct Date")?;
        Ok(Date {
            year: f.opt("year")?,
            month: f.opt("month")?,
            day: f.opt("day")?,
        })
    }
}

impl FromJson for Birthday {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct Birthday")?;
        Ok(Birthday {
            metadata: f.opt("metadata")?,
            date: f.opt("date")?,
            text: f.opt("text")?,
            other: f.0,
        })
    }
}

impl FromJson for Organization {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct Organization")?;
        Ok(Organization {
            metadata: f.opt("metadata")?,
            name: f.opt("name")?,
            title: f.opt("title")?,
            other: f.0,
        })
    }
}

impl FromJson for Biography {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct Biography")?;
        Ok(Biography {
            metadata: f.opt("metadata")?,
            value: f.opt("value")?,
            content_type: f.opt("contentType")?,
            other: f.0,
        })
    }
}

impl FromJson for Membership {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct Membership")?;
        Ok(Membership {
            metadata: f.opt("metadata")?,
            contact_group_membership: f.opt("contactGroupMembership")?,
            other: f.0,
        })
    }
}

impl FromJson for ContactGroupMembership {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct ContactGroupMembership")?;
        Ok(ContactGroupMembership {
            contact_group_resource_name: f.opt("contactGroupResourceName")?,
            other: f.0,
        })
    }
}

impl FromJson for ClientData {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct ClientData")?;
        Ok(ClientData {
            metadata: f.opt("metadata")?,
            key: f.opt("key")?,
            value: f.opt("value")?,
            other: f.0,
        })
    }
}

impl FromJson for ListConnectionsResponse {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct ListConnectionsResponse")?;
        Ok(ListConnectionsResponse {
            connections: f.list("connections")?,
            next_page_token: f.opt("nextPageToken")?,
            next_sync_token: f.opt("nextSyncToken")?,
            total_items: f.opt("totalItems")?,
            other: f.0,
        })
    }
}

impl FromJson for GetPeopleResponse {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct GetPeopleResponse")?;
        Ok(GetPeopleResponse {
            responses: f.list("responses")?,
        })
    }
}

impl FromJson for PersonResponse {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct PersonResponse")?;
        Ok(PersonResponse {
            person: f.opt("person")?,
            requested_resource_name: f.opt("requestedResourceName")?,
            status: f.opt("status")?,
            http_status_code: f.opt("httpStatusCode")?,
        })
    }
}

impl FromJson for BatchCreateContactsResponse {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct BatchCreateContactsResponse")?;
        Ok(BatchCreateContactsResponse {
            created_people: f.list("createdPeople")?,
        })
    }
}

impl FromJson for BatchUpdateContactsResponse {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct BatchUpdateContactsResponse")?;
        Ok(BatchUpdateContactsResponse {
            update_result: f.map("updateResult")?,
        })
    }
}

impl FromJson for ContactGroup {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct ContactGroup")?;
        Ok(ContactGroup {
            resource_name: f.opt("resourceName")?,
            etag: f.opt("etag")?,
            name: f.opt("name")?,
            formatted_name: f.opt("formattedName")?,
            group_type: f.opt("groupType")?,
            member_count: f.opt("memberCount")?,
            member_resource_names: f.list("memberResourceNames")?,
            other: f.0,
        })
    }
}

impl FromJson for ListContactGroupsResponse {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct ListContactGroupsResponse")?;
        Ok(ListContactGroupsResponse {
            contact_groups: f.list("contactGroups")?,
            next_page_token: f.opt("nextPageToken")?,
            next_sync_token: f.opt("nextSyncToken")?,
            total_items: f.opt("totalItems")?,
        })
    }
}

impl FromJson for ModifyContactGroupMembersResponse {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct ModifyContactGroupMembersResponse")?;
        Ok(ModifyContactGroupMembersResponse {
            not_found_resource_names: f.list("notFoundResourceNames")?,
            can_not_remove_last_contact_group_resource_names: f
                .list("canNotRemoveLastContactGroupResourceNames")?,
        })
    }
}

impl FromJson for Status {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct Status")?;
        Ok(Status {
            code: f.opt("code")?,
            message: f.opt("message")?,
            status: f.opt("status")?,
            details: f.list("details")?,
        })
    }
}

impl FromJson for ErrorEnvelope {
    fn from_json(v: Value) -> Result<Self, String> {
        let mut f = Fields::of(v, "struct ErrorEnvelope")?;
        Ok(ErrorEnvelope {
            error: f.required("error")?,
        })
    }
}
