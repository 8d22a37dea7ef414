//! Every HTTP request the plugin sends to the People API, built as plain data.
//!
//! The shell adds the `Authorization` header and `Content-Type: application/json`, performs the
//! fetch and hands the answer back; everything about *what* is sent lives here, so it is tested
//! without a network. Limits are Google's documented per-request maxima; a builder given more
//! returns [`RequestError::TooMany`] instead of sending a request Google would refuse, and
//! [`chunks`] / [`member_chunks`] split work to fit.
//!
//! Every body carries only writable fields: output-only values a read brought (display names,
//! `canonicalForm`, `formattedType`, `metadata.primary`…) are removed ([`writable`]). Update
//! bodies carry only the fields named in the update mask, plus `resourceName`, `etag` and the
//! CONTACT source's `type`, `id` and `etag` (Google checks the etag there): data we do not map
//! never travels back. Masks use only the paths the discovery document lists for each method.

mod photo;
mod writable;

use super::wire::{
    BatchDeleteContactsRequest, ContactGroup, CreateContactGroupRequest,
    ModifyContactGroupMembersRequest, Person,
};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use writable::{writable, Sources};

pub const DEFAULT_BASE_URL: &str = "https://people.googleapis.com";

/// `connections.list` and `contactGroups.list` page sizes.
pub const MAX_PAGE_SIZE: u32 = 1000;
pub const MAX_BATCH_GET: usize = 200;
pub const MAX_BATCH_CREATE: usize = 200;
pub const MAX_BATCH_UPDATE: usize = 200;
pub const MAX_BATCH_DELETE: usize = 500;
/// Adds and removes together, per `members:modify` call.
pub const MAX_GROUP_MODIFY: usize = 1000;

/// The person fields the plugin reads. `metadata` brings the CONTACT source's etag and
/// `updateTime`, tombstones and previous resource names; `etag` is always returned and is not a
/// valid mask path ("Invalid personFields mask path: etag").
pub const PERSON_FIELDS: &str = "names,emailAddresses,phoneNumbers,addresses,birthdays,\
organizations,biographies,userDefined,memberships,clientData,metadata,photos";

/// The person fields the plugin may write, in the order update masks list them.
pub const UPDATE_PERSON_FIELDS: [&str; 10] = [
    "names",
    "emailAddresses",
    "phoneNumbers",
    "addresses",
    "birthdays",
    "organizations",
    "biographies",
    "userDefined",
    "memberships",
    "clientData",
];

/// The `sources` of every read and post-mutate read: the contact alone. Without it Google merges
/// in the Google profile a contact is linked to (its names, emails and photos, which are not the
/// user's to sync), and the profile's second name makes the person unwritable as read.
pub const READ_SOURCES: &str = "READ_SOURCE_TYPE_CONTACT";

/// The group fields the plugin reads with `contactGroups.list` and `contactGroups.get`.
pub const GROUP_FIELDS: &str = "name,groupType,memberCount,metadata,clientData";

/// The group fields `contactGroups.create` answers with: its `readGroupFields` takes no
/// `memberCount` ("Valid fields are: * clientData * groupType * metadata * name"); a new group
/// has no members anyway.
pub const CREATED_GROUP_FIELDS: &str = "name,groupType,metadata,clientData";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// One request, ready for `fetch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    /// Base, path and query, percent-encoded.
    pub url: String,
    /// JSON.
    pub body: Option<String>,
}

/// The longest URL sent as a plain GET. Browsers and proxies refuse URLs not far past it, and a
/// `people:batchGet` of 200 names is longer: such a GET goes as a POST with
/// `X-HTTP-Method-Override: GET` and its parameters in a form body, as Google's own client
/// libraries send it.
pub const MAX_GET_URL: usize = 8 * 1024;

/// How a request goes on the wire: see [`HttpRequest::wire`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wire<'a> {
    pub method: &'static str,
    pub url: &'a str,
    pub body: Option<&'a str>,
    pub headers: Vec<(&'static str, &'static str)>,
}

impl HttpRequest {
    /// The method, URL, body and content headers to send: the request as built, except a GET
    /// whose URL is over [`MAX_GET_URL`], which goes as a POST overridden to GET.
    pub fn wire(&self) -> Wire<'_> {
        if self.method == Method::Get && self.url.len() > MAX_GET_URL {
            if let Some((url, query)) = self.url.split_once('?') {
                return Wire {
                    method: "POST",
                    url,
                    body: Some(query),
                    headers: vec![
                        ("X-HTTP-Method-Override", "GET"),
                        ("Content-Type", "application/x-www-form-urlencoded"),
                    ],
                };
            }
        }
        Wire {
            method: self.method.as_str(),
            url: &self.url,
            body: self.body.as_deref(),
            headers: vec![("Content-Type", "application/json")],
        }
    }
}

/// "GET https://…" then the body on the next line, if any: how tests and logs show a request.
impl fmt::Display for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.as_str(), self.url)?;
        if let Some(body) = &self.body {
            write!(f, "\n{body}")?;
        }
        Ok(())
    }
}

/// A request the builders refuse to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// More items than Google takes in one request; split them with [`chunks`].
    TooMany {
        call: &'static str,
        limit: usize,
        got: usize,
    },
    /// A batch with nothing in it: Google answers 400, and there is nothing to do anyway.
    Empty { call: &'static str },
    /// An update of a person that has no `resourceName`.
    MissingResourceName,
    /// The body did not serialize (cannot happen for these types; kept so nothing panics).
    Json(String),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::TooMany { call, limit, got } => {
                write!(f, "{call} takes at most {limit} items, got {got}")
            }
            RequestError::Empty { call } => write!(f, "{call} needs at least one item"),
            RequestError::MissingResourceName => f.write_str("the person has no resourceName"),
            RequestError::Json(e) => write!(f, "request body: {e}"),
        }
    }
}

impl std::error::Error for RequestError {}

/// The parameters of `people.connections.list`. A page token or sync token must come back with
/// the same other parameters as the call that produced it, so callers keep one `ListConnections`
/// per listing and only change the tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListConnections {
    pub person_fields: String,
    pub page_size: u32,
    pub page_token: Option<String>,
    pub request_sync_token: bool,
    pub sync_token: Option<String>,
}

impl Default for ListConnections {
    /// A full listing of the plugin's fields, biggest pages, asking for a sync token.
    fn default() -> Self {
        ListConnections {
            person_fields: PERSON_FIELDS.to_string(),
            page_size: MAX_PAGE_SIZE,
            page_token: None,
            request_sync_token: true,
            sync_token: None,
        }
    }
}

/// The People API at one base URL (Google's, or the emulator's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeopleApi {
    base: String,
}

impl Default for PeopleApi {
    fn default() -> Self {
        PeopleApi::new(DEFAULT_BASE_URL)
    }
}

impl PeopleApi {
    /// `base_url` without the `/v1`, e.g. "https://people.googleapis.com" or
    /// "http://localhost:8787"; a trailing slash is ignored.
    pub fn new(base_url: &str) -> PeopleApi {
        PeopleApi {
            base: base_url.trim().trim_end_matches('/').to_string(),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> String {
        let mut url = format!("{}/v1/{}", self.base, encode_path(path));
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&encode_query(k));
            url.push('=');
            url.push_str(&encode_query(v));
        }
        url
    }

    fn get(&self, path: &str, query: &[(&str, &str)]) -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            url: self.url(path, query),
            body: None,
        }
    }

    fn with_body(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: &impl Serialize,
    ) -> Result<HttpRequest, RequestError> {
        let body = serde_json::to_string(body).map_err(|e| RequestError::Json(e.to_string()))?;
        Ok(HttpRequest {
            method,
            url: self.url(path, query),
            body: Some(body),
        })
    }

    /// `GET v1/people/me/connections`: one page of a full or incremental listing.
    pub fn list_connections(&self, q: &ListConnections) -> HttpRequest {
        let page_size = q.page_size.clamp(1, MAX_PAGE_SIZE).to_string();
        let mut query = vec![
            ("personFields", q.person_fields.as_str()),
            ("pageSize", page_size.as_str()),
            ("sources", READ_SOURCES),
        ];
        if let Some(t) = &q.page_token {
            query.push(("pageToken", t));
        }
        if q.request_sync_token {
            query.push(("requestSyncToken", "true"));
        }
        if let Some(t) = &q.sync_token {
            query.push(("syncToken", t));
        }
        self.get("people/me/connections", &query)
    }

    /// `GET v1/{resourceName}`.
    pub fn get_person(&self, resource_name: &str, person_fields: &str) -> HttpRequest {
        self.get(
            resource_name,
            &[("personFields", person_fields), ("sources", READ_SOURCES)],
        )
    }

    /// `GET v1/people:batchGet`, at most [`MAX_BATCH_GET`] names.
    pub fn batch_get(
        &self,
        resource_names: &[String],
        person_fields: &str,
    ) -> Result<HttpRequest, RequestError> {
        within("people:batchGet", resource_names.len(), MAX_BATCH_GET)?;
        let mut query: Vec<(&str, &str)> = resource_names
            .iter()
            .map(|n| ("resourceNames", n.as_str()))
            .collect();
        query.push(("personFields", person_fields));
        query.push(("sources", READ_SOURCES));
        Ok(self.get("people:batchGet", &query))
    }

    /// `POST v1/people:createContact`; memberships go in the person itself.
    pub fn create_contact(
        &self,
        person: &Person,
        person_fields: &str,
    ) -> Result<HttpRequest, RequestError> {
        let body = Value::Object(writable(person, Sources::Drop)?);
        self.with_body(
            Method::Post,
            "people:createContact",
            &[("personFields", person_fields), ("sources", READ_SOURCES)],
            &body,
        )
    }

    /// `PATCH v1/{resourceName}:updateContact`. The body carries only `fields`, plus the
    /// resource name, the etag and the CONTACT source's `type`, `id` and `etag` (Google checks
    /// the etag against that source's).
    pub fn update_contact(
        &self,
        person: &Person,
        fields: &[&str],
        person_fields: &str,
    ) -> Result<HttpRequest, RequestError> {
        let name = resource_name(person)?;
        if fields.is_empty() {
            return Err(RequestError::Empty {
                call: "people.updateContact",
            });
        }
        let mask = fields.join(",");
        let body = update_body(person, fields)?;
        self.with_body(
            Method::Patch,
            &format!("{name}:updateContact"),
            &[
                ("updatePersonFields", &mask),
                ("personFields", person_fields),
                ("sources", READ_SOURCES),
            ],
            &body,
        )
    }

    /// `DELETE v1/{resourceName}:deleteContact`.
    pub fn delete_contact(&self, resource_name: &str) -> HttpRequest {
        HttpRequest {
            method: Method::Delete,
            url: self.url(&format!("{resource_name}:deleteContact"), &[]),
            body: None,
        }
    }

    /// `POST v1/people:batchCreateContacts`, at most [`MAX_BATCH_CREATE`] people.
    pub fn batch_create_contacts(
        &self,
        people: &[Person],
        read_mask: &str,
    ) -> Result<HttpRequest, RequestError> {
        within("people:batchCreateContacts", people.len(), MAX_BATCH_CREATE)?;
        // Built as JSON rather than `BatchCreateContactsRequest`, like the batch update: each
        // person goes through `writable`.
        let mut contacts = Vec::with_capacity(people.len());
        for p in people {
            let mut item = serde_json::Map::new();
            item.insert(
                "contactPerson".into(),
                Value::Object(writable(p, Sources::Drop)?),
            );
            contacts.push(Value::Object(item));
        }
        let mut body = serde_json::Map::new();
        body.insert("contacts".into(), Value::Array(contacts));
        body.insert("readMask".into(), Value::String(read_mask.to_string()));
        body.insert(
            "sources".into(),
            Value::Array(vec![Value::String(READ_SOURCES.to_string())]),
        );
        self.with_body(Method::Post, "people:batchCreateContacts", &[], &body)
    }

    /// `POST v1/people:batchUpdateContacts`, at most [`MAX_BATCH_UPDATE`] people, one update mask
    /// for all of them (so group people by the fields they change).
    pub fn batch_update_contacts(
        &self,
        people: &[Person],
        fields: &[&str],
        read_mask: &str,
    ) -> Result<HttpRequest, RequestError> {
        within("people:batchUpdateContacts", people.len(), MAX_BATCH_UPDATE)?;
        if fields.is_empty() {
            return Err(RequestError::Empty {
                call: "people:batchUpdateContacts",
            });
        }
        // Built as JSON rather than `BatchUpdateContactsRequest` so the `[]` that clears a field
        // survives (typed `Person`s skip empty lists).
        let mut contacts = serde_json::Map::new();
        for p in people {
            contacts.insert(resource_name(p)?.to_string(), update_body(p, fields)?);
        }
        // Built by hand, like `update_body`, rather than with `json!`: that would instantiate
        // serde_json's `Value` serializer next to the text one.
        let mut body = serde_json::Map::new();
        body.insert("contacts".into(), Value::Object(contacts));
        body.insert("updateMask".into(), Value::String(fields.join(",")));
        body.insert("readMask".into(), Value::String(read_mask.to_string()));
        let sources = vec![Value::String(READ_SOURCES.to_string())];
        body.insert("sources".into(), Value::Array(sources));
        self.with_body(Method::Post, "people:batchUpdateContacts", &[], &body)
    }

    /// `POST v1/people:batchDeleteContacts`, at most [`MAX_BATCH_DELETE`] names.
    pub fn batch_delete_contacts(
        &self,
        resource_names: &[String],
    ) -> Result<HttpRequest, RequestError> {
        within(
            "people:batchDeleteContacts",
            resource_names.len(),
            MAX_BATCH_DELETE,
        )?;
        let body = BatchDeleteContactsRequest {
            resource_names: resource_names.to_vec(),
        };
        self.with_body(Method::Post, "people:batchDeleteContacts", &[], &body)
    }

    /// `GET v1/contactGroups`: one page of the user's groups.
    pub fn list_contact_groups(&self, page_token: Option<&str>) -> HttpRequest {
        let page_size = MAX_PAGE_SIZE.to_string();
        let mut query = vec![("groupFields", GROUP_FIELDS), ("pageSize", &page_size)];
        if let Some(t) = page_token {
            query.push(("pageToken", t));
        }
        self.get("contactGroups", &query)
    }

    /// `GET v1/{resourceName}` of a group, with up to `max_members` member names.
    pub fn get_contact_group(&self, resource_name: &str, max_members: u32) -> HttpRequest {
        let max = max_members.to_string();
        self.get(
            resource_name,
            &[("groupFields", GROUP_FIELDS), ("maxMembers", &max)],
        )
    }

    /// `POST v1/contactGroups`. A 409 means the name is taken: list and reuse that group.
    pub fn create_contact_group(&self, name: &str) -> Result<HttpRequest, RequestError> {
        let body = CreateContactGroupRequest {
            contact_group: ContactGroup {
                name: Some(name.to_string()),
                ..ContactGroup::default()
            },
            read_group_fields: Some(CREATED_GROUP_FIELDS.to_string()),
        };
        self.with_body(Method::Post, "contactGroups", &[], &body)
    }

    /// `POST v1/{group}/members:modify`, at most [`MAX_GROUP_MODIFY`] adds and removes together.
    pub fn modify_group_members(
        &self,
        group: &str,
        change: &ModifyContactGroupMembersRequest,
    ) -> Result<HttpRequest, RequestError> {
        let n = change.resource_names_to_add.len() + change.resource_names_to_remove.len();
        within("contactGroups.members:modify", n, MAX_GROUP_MODIFY)?;
        self.with_body(
            Method::Post,
            &format!("{group}/members:modify"),
            &[],
            change,
        )
    }
}

fn within(call: &'static str, got: usize, limit: usize) -> Result<(), RequestError> {
    if got == 0 {
        Err(RequestError::Empty { call })
    } else if got > limit {
        Err(RequestError::TooMany { call, limit, got })
    } else {
        Ok(())
    }
}

fn resource_name(person: &Person) -> Result<&str, RequestError> {
    person
        .resource_name
        .as_deref()
        .filter(|n| !n.is_empty())
        .ok_or(RequestError::MissingResourceName)
}

/// The person's writable JSON, keeping only the identity keys and the fields being updated. A
/// field in the mask but absent from the person is sent as `[]`, which clears it, as the mask
/// says.
fn update_body(person: &Person, fields: &[&str]) -> Result<Value, RequestError> {
    let mut map = writable(person, Sources::KeepContactEtag)?;
    map.retain(|k, _| {
        matches!(k.as_str(), "resourceName" | "etag" | "metadata") || fields.contains(&k.as_str())
    });
    for f in fields {
        map.entry(f.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    Ok(Value::Object(map))
}

/// `items` in slices of at most `limit` (a limit of 0 is read as 1, so this never panics).
pub fn chunks<T>(items: &[T], limit: usize) -> std::slice::Chunks<'_, T> {
    items.chunks(limit.max(1))
}

/// Group membership changes split into `members:modify` bodies of at most [`MAX_GROUP_MODIFY`]
/// names, adds first.
pub fn member_chunks(add: &[String], remove: &[String]) -> Vec<ModifyContactGroupMembersRequest> {
    let mut out: Vec<ModifyContactGroupMembersRequest> = Vec::new();
    let mut current = ModifyContactGroupMembersRequest::default();
    let ops = add
        .iter()
        .map(|n| (true, n))
        .chain(remove.iter().map(|n| (false, n)));
    for (adding, name) in ops {
        if current.resource_names_to_add.len() + current.resource_names_to_remove.len()
            == MAX_GROUP_MODIFY
        {
            out.push(std::mem::take(&mut current));
        }
        if adding {
            current.resource_names_to_add.push(name.clone());
        } else {
            current.resource_names_to_remove.push(name.clone());
        }
    }
    if !current.resource_names_to_add.is_empty() || !current.resource_names_to_remove.is_empty() {
        out.push(current);
    }
    out
}

/// Percent-encodes a query key or value: RFC 3986 unreserved characters and ',' stay (field
/// masks read better, and Google's own examples send raw commas); everything else, notably the
/// '+', '/' and '=' of page and sync tokens, is escaped.
pub fn encode_query(s: &str) -> String {
    encode(s, b",")
}

/// Percent-encodes a path, keeping '/' and ':' (`people/c1:updateContact`).
pub fn encode_path(s: &str) -> String {
    encode(s, b"/:")
}

fn encode(s: &str, keep: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests;
