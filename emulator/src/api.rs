//! People API methods: routing by Google's paths, query and body checks, and the handlers.

use crate::account::{Account, Group, ADDABLE_SYSTEM_GROUPS};
use crate::emulator::{State, SYNC_TOKEN_LIFETIME_MS};
use crate::error::{ApiError, ApiResult};
use crate::http::{Request, Response};
use crate::person::{self, Mask, FIELDS, LIST_DOC, UPDATE_DOC, UPDATE_FIELDS};
use crate::util::{camel, decode_token, encode_token, fnv};
use serde_json::{json, Map, Value};
use std::fmt::Write;

/// A recognised API call.
#[derive(Debug, Clone)]
pub enum Route {
    ListConnections,
    GetMe,
    Get(String),
    BatchGet,
    Create,
    Update(String),
    Delete(String),
    BatchCreate,
    BatchUpdate,
    BatchDelete,
    ListGroups,
    CreateGroup,
    GetGroup(String),
    UpdateGroup(String),
    DeleteGroup(String),
    ModifyMembers(String),
}

impl Route {
    /// Google's method id, used for counts, costs and fault rules.
    pub fn method_id(&self) -> &'static str {
        match self {
            Route::ListConnections => "people.connections.list",
            Route::GetMe | Route::Get(_) => "people.get",
            Route::BatchGet => "people.getBatchGet",
            Route::Create => "people.createContact",
            Route::Update(_) => "people.updateContact",
            Route::Delete(_) => "people.deleteContact",
            Route::BatchCreate => "people.batchCreateContacts",
            Route::BatchUpdate => "people.batchUpdateContacts",
            Route::BatchDelete => "people.batchDeleteContacts",
            Route::ListGroups => "contactGroups.list",
            Route::CreateGroup => "contactGroups.create",
            Route::GetGroup(_) => "contactGroups.get",
            Route::UpdateGroup(_) => "contactGroups.update",
            Route::DeleteGroup(_) => "contactGroups.delete",
            Route::ModifyMembers(_) => "contactGroups.members.modify",
        }
    }

    pub fn is_write(&self) -> bool {
        !matches!(
            self,
            Route::ListConnections
                | Route::GetMe
                | Route::Get(_)
                | Route::BatchGet
                | Route::ListGroups
                | Route::GetGroup(_)
        )
    }

    /// Query parameters the method accepts (besides the standard ones).
    fn params(&self) -> &'static [&'static str] {
        match self {
            Route::ListConnections => &[
                "personFields",
                "pageSize",
                "pageToken",
                "requestSyncToken",
                "syncToken",
                "sortOrder",
                "sources",
                "requestMask.includeField",
            ],
            Route::GetMe | Route::Get(_) => {
                &["personFields", "sources", "requestMask.includeField"]
            }
            Route::BatchGet => &[
                "personFields",
                "resourceNames",
                "sources",
                "requestMask.includeField",
            ],
            Route::Create => &["personFields", "sources"],
            Route::Update(_) => &["updatePersonFields", "personFields", "sources"],
            Route::ListGroups => &["pageSize", "pageToken", "syncToken", "groupFields"],
            Route::GetGroup(_) => &["maxMembers", "groupFields"],
            Route::DeleteGroup(_) => &["deleteContacts"],
            _ => &[],
        }
    }
}

/// Parameters every Google API accepts.
const STANDARD_PARAMS: [&str; 11] = [
    "access_token",
    "alt",
    "callback",
    "fields",
    "key",
    "oauth_token",
    "prettyPrint",
    "quotaUser",
    "upload_protocol",
    "uploadType",
    "$.xgafv",
];

pub fn route(req: &Request) -> ApiResult<Route> {
    let raw = req.path();
    let path = percent_decode(raw);
    let m = req.method.as_str();
    let rest = path.strip_prefix("/v1/").unwrap_or("");
    let r = match (m, rest) {
        ("GET", "people/me/connections") => Route::ListConnections,
        ("GET", "people/me") => Route::GetMe,
        ("GET", "people:batchGet") => Route::BatchGet,
        ("POST", "people:createContact") => Route::Create,
        ("POST", "people:batchCreateContacts") => Route::BatchCreate,
        ("POST", "people:batchUpdateContacts") => Route::BatchUpdate,
        ("POST", "people:batchDeleteContacts") => Route::BatchDelete,
        ("GET", "contactGroups") => Route::ListGroups,
        ("POST", "contactGroups") => Route::CreateGroup,
        (_, r) if r.starts_with("people/") => {
            if let Some(name) = r.strip_suffix(":updateContact").filter(|_| m == "PATCH") {
                Route::Update(name.to_string())
            } else if let Some(name) = r.strip_suffix(":deleteContact").filter(|_| m == "DELETE") {
                Route::Delete(name.to_string())
            } else if m == "GET" && !r.contains(':') {
                Route::Get(r.to_string())
            } else {
                return Err(unknown_path(raw));
            }
        }
        (_, r) if r.starts_with("contactGroups/") => {
            if let Some(id) = r
                .strip_prefix("contactGroups/")
                .and_then(|x| x.strip_suffix("/members:modify"))
                .filter(|_| m == "POST")
            {
                Route::ModifyMembers(id.to_string())
            } else {
                let id = r["contactGroups/".len()..].to_string();
                if id.contains('/') || id.contains(':') {
                    return Err(unknown_path(raw));
                }
                match m {
                    "GET" => Route::GetGroup(id),
                    "PUT" => Route::UpdateGroup(id),
                    "DELETE" => Route::DeleteGroup(id),
                    _ => return Err(unknown_path(raw)),
                }
            }
        }
        _ => return Err(unknown_path(raw)),
    };
    for (k, _) in req.query() {
        let key = camel(&k);
        if !STANDARD_PARAMS.contains(&k.as_str()) && !r.params().contains(&key.as_str()) {
            return Err(ApiError::invalid(format!(
                "Invalid JSON payload received. Unknown name \"{k}\": Cannot bind query parameter. Field '{k}' could not be found in request message."
            )));
        }
    }
    Ok(r)
}

fn unknown_path(path: &str) -> ApiError {
    ApiError::new(
        404,
        "NOT_FOUND",
        format!("The requested URL {path} was not found on this server."),
    )
}

fn percent_decode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Query values by camelCase name.
struct Query(Vec<(String, String)>);

impl Query {
    fn new(req: &Request) -> Self {
        Query(
            req.query()
                .into_iter()
                .map(|(k, v)| (camel(&k), v))
                .collect(),
        )
    }
    fn one(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }
    fn all(&self, k: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    fn person_fields(&self) -> Option<String> {
        let v: Vec<&str> = self
            .all("personFields")
            .into_iter()
            .chain(self.all("requestMask.includeField"))
            .collect();
        (!v.is_empty()).then(|| v.join(","))
    }
    fn bool(&self, k: &str) -> ApiResult<bool> {
        match self.one(k) {
            None | Some("false") | Some("0") | Some("") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(v) => Err(ApiError::invalid(format!(
                "Invalid value at '{}' (TYPE_BOOL), \"{v}\"",
                crate::util::snake(k)
            ))),
        }
    }
    fn int(&self, k: &str) -> ApiResult<Option<i64>> {
        match self.one(k) {
            None | Some("") => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                ApiError::invalid(format!(
                    "Invalid value at '{}' (TYPE_INT32), \"{v}\"",
                    crate::util::snake(k)
                ))
            }),
        }
    }
}

/// Parses and schema-checks a JSON body; an empty body is `{}`.
fn body(req: &Request, schema: &str, path: &str) -> ApiResult<Value> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    let v: Value = serde_json::from_slice(&req.body)
        .map_err(|e| ApiError::invalid(format!("Invalid JSON payload received. {e}")))?;
    person::validate(&v, schema, path)?;
    Ok(v)
}

fn read_mask(q: Option<&str>, param: &str) -> ApiResult<Mask> {
    person::parse_mask(q, param, &FIELDS, LIST_DOC)
}

/// `personFields` on writes is optional and defaults to every field.
fn optional_mask(q: Option<&str>, param: &str) -> ApiResult<Mask> {
    match q {
        Some(s) if !s.trim().is_empty() => read_mask(Some(s), param),
        _ => Ok(Mask::ALL),
    }
}

fn contact_id(name: &str) -> ApiResult<u64> {
    person::parse_resource_name(name).ok_or_else(|| {
        ApiError::invalid(format!(
            "Resource name \"{name}\" is not a valid contact resource name."
        ))
    })
}

fn render_person(acct: &Account, id: u64, mask: Mask) -> Option<Value> {
    acct.persons.get(&id).map(|p| p.to_json(mask))
}

pub fn call(
    st: &mut State,
    a: usize,
    route: Route,
    req: &Request,
    spurious: bool,
) -> ApiResult<Response> {
    let q = Query::new(req);
    let now = st.now();
    match route {
        Route::ListConnections => list_connections(st, a, &q),
        Route::GetMe => {
            let mask = read_mask(q.person_fields().as_deref(), "personFields")?;
            Ok(Response::json(200, &st.accounts[a].profile_json(mask)))
        }
        Route::Get(name) => {
            let mask = read_mask(q.person_fields().as_deref(), "personFields")?;
            let id = contact_id(&name)?;
            let v = render_person(&st.accounts[a], id, mask).ok_or_else(ApiError::not_found)?;
            Ok(Response::json(200, &v))
        }
        Route::BatchGet => {
            let mask = read_mask(q.person_fields().as_deref(), "personFields")?;
            let names = q.all("resourceNames");
            if names.is_empty() {
                return Err(ApiError::invalid("resourceNames must not be empty."));
            }
            if names.len() > 200 {
                return Err(ApiError::invalid(
                    "Too many resourceNames: at most 200 are allowed.",
                ));
            }
            let acct = &st.accounts[a];
            let responses: Vec<Value> = names
                .iter()
                .map(|n| {
                    let found = if *n == "people/me" {
                        Some(acct.profile_json(mask))
                    } else {
                        person::parse_resource_name(n).and_then(|id| render_person(acct, id, mask))
                    };
                    match found {
                        Some(p) => json!({"httpStatusCode": 200, "person": p, "requestedResourceName": n, "status": {}}),
                        None => json!({"httpStatusCode": 404, "requestedResourceName": n,
                            "status": ApiError::not_found().status_json()}),
                    }
                })
                .collect();
            Ok(Response::json(200, &json!({ "responses": responses })))
        }
        Route::Create => {
            let mask = optional_mask(q.person_fields().as_deref(), "personFields")?;
            let p = body(req, "Person", "person")?;
            let id = st.accounts[a].create(&p, &mut st.rng, now)?;
            let v = render_person(&st.accounts[a], id, mask).unwrap_or_default();
            Ok(Response::json(200, &v))
        }
        Route::Update(name) => {
            let id = contact_id(&name)?;
            let upd = person::parse_mask(
                q.one("updatePersonFields"),
                "updatePersonFields",
                &UPDATE_FIELDS,
                UPDATE_DOC,
            )?;
            let mask = optional_mask(q.person_fields().as_deref(), "personFields")?;
            let p = body(req, "Person", "person")?;
            if let Some(rn) = p.get("resourceName").and_then(Value::as_str) {
                if rn != name {
                    return Err(ApiError::invalid(format!(
                        "Resource name \"{rn}\" in the person does not match \"{name}\"."
                    )));
                }
            }
            st.accounts[a].check_update(id, &p, upd, spurious)?;
            st.accounts[a].apply_update(id, &p, upd, now)?;
            Ok(Response::json(
                200,
                &render_person(&st.accounts[a], id, mask).unwrap_or_default(),
            ))
        }
        Route::Delete(name) => {
            let id = contact_id(&name)?;
            st.accounts[a].delete(id, now)?;
            Ok(Response::json(200, &json!({})))
        }
        Route::BatchCreate => {
            let b = body(req, "BatchCreateContactsRequest", "")?;
            let contacts = b
                .get("contacts")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if contacts.is_empty() {
                return Err(ApiError::invalid("contacts must not be empty."));
            }
            if contacts.len() > 200 {
                return Err(ApiError::invalid(
                    "Too many contacts in the batch request: at most 200 are allowed.",
                ));
            }
            let mask = batch_read_mask(&b)?;
            // Validate everything before the first write so a bad item commits nothing.
            for c in &contacts {
                let p = c.get("contactPerson").cloned().unwrap_or_default();
                person::normalize_fields(&p, Mask::ALL, 0)?;
                person::requested_groups(&p)?;
            }
            let mut ids = Vec::new();
            for c in &contacts {
                let p = c.get("contactPerson").cloned().unwrap_or_default();
                ids.push(st.accounts[a].create(&p, &mut st.rng, now)?);
            }
            let Some(mask) = mask else {
                return Ok(Response::json(200, &json!({})));
            };
            let acct = &st.accounts[a];
            let created: Vec<Value> = ids
                .iter()
                .map(|id| {
                    json!({"httpStatusCode": 200, "person": render_person(acct, *id, mask),
                    "requestedResourceName": person::resource_name(*id), "status": {}})
                })
                .collect();
            Ok(Response::json(200, &json!({ "createdPeople": created })))
        }
        Route::BatchUpdate => {
            let b = body(req, "BatchUpdateContactsRequest", "")?;
            let contacts = b
                .get("contacts")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            if contacts.is_empty() {
                return Err(ApiError::invalid("contacts must not be empty."));
            }
            if contacts.len() > 200 {
                return Err(ApiError::invalid(
                    "Too many contacts in the batch request: at most 200 are allowed.",
                ));
            }
            let upd = person::parse_mask(
                b.get("updateMask").and_then(Value::as_str),
                "updateMask",
                &UPDATE_FIELDS,
                UPDATE_DOC,
            )?;
            let mask = batch_read_mask(&b)?;
            let mut items = Vec::new();
            for (n, (name, p)) in contacts.iter().enumerate() {
                let id = contact_id(name)?;
                // A spurious-mismatch fault hits the first contact of the batch.
                st.accounts[a].check_update(id, p, upd, spurious && n == 0)?;
                items.push((name.clone(), id, p));
            }
            for (_, id, p) in &items {
                st.accounts[a].apply_update(*id, p, upd, now)?;
            }
            let Some(mask) = mask else {
                return Ok(Response::json(200, &json!({})));
            };
            let acct = &st.accounts[a];
            let mut result = Map::new();
            for (name, id, _) in &items {
                result.insert(
                    name.clone(),
                    json!({"httpStatusCode": 200, "person": render_person(acct, *id, mask),
                    "requestedResourceName": name, "status": {}}),
                );
            }
            Ok(Response::json(200, &json!({ "updateResult": result })))
        }
        Route::BatchDelete => {
            let b = body(req, "BatchDeleteContactsRequest", "")?;
            let names: Vec<String> = b
                .get("resourceNames")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            if names.is_empty() {
                return Err(ApiError::invalid("resourceNames must not be empty."));
            }
            if names.len() > 500 {
                return Err(ApiError::invalid(
                    "Too many resourceNames in the batch request: at most 500 are allowed.",
                ));
            }
            let mut ids = Vec::new();
            for n in &names {
                let id = contact_id(n)?;
                if !st.accounts[a].persons.contains_key(&id) {
                    return Err(ApiError::not_found());
                }
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            for id in ids {
                st.accounts[a].delete(id, now)?;
            }
            Ok(Response::json(200, &json!({})))
        }
        Route::ListGroups => list_groups(st, a, &q),
        Route::GetGroup(id) => {
            let fields = group_fields(q.one("groupFields"))?;
            let max = q.int("maxMembers")?.unwrap_or(0).max(0) as usize;
            let acct = &st.accounts[a];
            let g = acct.group(&id).ok_or_else(ApiError::not_found)?;
            Ok(Response::json(200, &acct.group_json(g, &fields, max)))
        }
        Route::CreateGroup => {
            let b = body(req, "CreateContactGroupRequest", "")?;
            let fields = group_fields(b.get("readGroupFields").and_then(Value::as_str))?;
            let name = b
                .pointer("/contactGroup/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string();
            if name.is_empty() {
                return Err(ApiError::invalid("Contact group name must not be empty."));
            }
            let acct = &st.accounts[a];
            if acct
                .groups
                .iter()
                .any(|g| g.name == name || g.formatted == name)
            {
                return Err(ApiError::new(
                    409,
                    "ALREADY_EXISTS",
                    "Contact group name already exists.",
                ));
            }
            let id = format!("{:x}", st.rng.next_u64() >> 4);
            let client_data = b
                .pointer("/contactGroup/clientData")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let acct = &mut st.accounts[a];
            acct.seq += 1;
            let g = Group {
                id,
                formatted: name.clone(),
                name,
                system: false,
                client_data,
                seq: acct.seq,
                update_ms: now,
            };
            acct.groups.push(g);
            let g = &acct.groups[acct.groups.len() - 1];
            Ok(Response::json(200, &acct.group_json(g, &fields, 0)))
        }
        Route::UpdateGroup(id) => {
            let b = body(req, "UpdateContactGroupRequest", "")?;
            let fields = group_fields(b.get("readGroupFields").and_then(Value::as_str))?;
            let upd = b
                .get("updateGroupFields")
                .and_then(Value::as_str)
                .unwrap_or("name")
                .to_string();
            let acct = &mut st.accounts[a];
            let i = acct
                .groups
                .iter()
                .position(|g| g.id == id)
                .ok_or_else(ApiError::not_found)?;
            if acct.groups[i].system {
                return Err(ApiError::invalid(
                    "System contact groups cannot be updated.",
                ));
            }
            if upd.split(',').any(|f| f.trim() == "name") {
                let name = b
                    .pointer("/contactGroup/name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .trim()
                    .to_string();
                if name.is_empty() {
                    return Err(ApiError::invalid("Contact group name must not be empty."));
                }
                if acct
                    .groups
                    .iter()
                    .enumerate()
                    .any(|(j, g)| j != i && (g.name == name || g.formatted == name))
                {
                    return Err(ApiError::new(
                        409,
                        "ALREADY_EXISTS",
                        "Contact group name already exists.",
                    ));
                }
                acct.groups[i].formatted = name.clone();
                acct.groups[i].name = name;
            }
            if upd.split(',').any(|f| f.trim() == "clientData") {
                acct.groups[i].client_data = b
                    .pointer("/contactGroup/clientData")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
            }
            acct.seq += 1;
            acct.groups[i].seq = acct.seq;
            acct.groups[i].update_ms = now;
            Ok(Response::json(
                200,
                &acct.group_json(&acct.groups[i], &fields, 0),
            ))
        }
        Route::DeleteGroup(id) => {
            let delete_contacts = q.bool("deleteContacts")?;
            let acct = &mut st.accounts[a];
            let i = acct
                .groups
                .iter()
                .position(|g| g.id == id)
                .ok_or_else(ApiError::not_found)?;
            if acct.groups[i].system {
                return Err(ApiError::invalid(
                    "System contact groups cannot be deleted.",
                ));
            }
            acct.groups.remove(i);
            let members: Vec<u64> = acct
                .persons
                .values()
                .filter(|p| p.groups.iter().any(|g| **g == *id))
                .map(|p| p.id)
                .collect();
            for pid in members {
                if delete_contacts {
                    acct.delete(pid, now)?;
                } else if let Some(p) = acct.persons.get_mut(&pid) {
                    p.groups.retain(|g| **g != *id);
                    acct.touch(pid, now);
                }
            }
            Ok(Response::json(200, &json!({})))
        }
        Route::ModifyMembers(id) => {
            let b = body(req, "ModifyContactGroupMembersRequest", "")?;
            let list = |k: &str| -> Vec<String> {
                b.get(k)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            };
            let (add, remove) = (list("resourceNamesToAdd"), list("resourceNamesToRemove"));
            if add.len() + remove.len() > 1000 {
                return Err(ApiError::invalid(
                    "Too many resource names: at most 1000 may be added or removed in one request.",
                ));
            }
            let acct = &mut st.accounts[a];
            let g = acct.group(&id).ok_or_else(ApiError::not_found)?;
            if !add.is_empty() && g.system && !ADDABLE_SYSTEM_GROUPS.contains(&g.id.as_str()) {
                return Err(ApiError::invalid(format!(
                    "Cannot add contacts to deprecated system contact group: contactGroups/{id}"
                )));
            }
            let mut not_found = Vec::new();
            let mut last = Vec::new();
            for n in &add {
                match person::parse_resource_name(n).filter(|pid| acct.persons.contains_key(pid)) {
                    Some(pid) => {
                        let p = acct.persons.get_mut(&pid).ok_or_else(ApiError::not_found)?;
                        if !p.groups.iter().any(|g| **g == *id) {
                            p.groups.push(id.clone().into_boxed_str());
                            acct.touch(pid, now);
                        }
                    }
                    None => not_found.push(n.clone()),
                }
            }
            for n in &remove {
                match person::parse_resource_name(n).filter(|pid| acct.persons.contains_key(pid)) {
                    Some(pid) => {
                        let p = acct.persons.get_mut(&pid).ok_or_else(ApiError::not_found)?;
                        if p.groups.iter().any(|g| **g == *id) {
                            if p.groups.len() == 1 {
                                last.push(n.clone());
                            } else {
                                p.groups.retain(|g| **g != *id);
                                acct.touch(pid, now);
                            }
                        }
                    }
                    None => not_found.push(n.clone()),
                }
            }
            let mut out = json!({});
            if !not_found.is_empty() {
                out["notFoundResourceNames"] = json!(not_found);
            }
            if !last.is_empty() {
                out["canNotRemoveLastContactGroupResourceNames"] = json!(last);
            }
            Ok(Response::json(200, &out))
        }
    }
}

/// `readMask` of batch writes: absent or empty skips the post-mutate read.
fn batch_read_mask(b: &Value) -> ApiResult<Option<Mask>> {
    match b.get("readMask").and_then(Value::as_str) {
        Some(m) if !m.trim().is_empty() => read_mask(Some(m), "readMask").map(Some),
        _ => Ok(None),
    }
}

const GROUP_FIELDS: [&str; 5] = ["clientData", "groupType", "memberCount", "metadata", "name"];

fn group_fields(v: Option<&str>) -> ApiResult<Vec<&'static str>> {
    let raw = v.unwrap_or("").trim();
    if raw.is_empty() {
        return Ok(vec!["metadata", "groupType", "memberCount", "name"]);
    }
    let mut out = Vec::new();
    for p in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match GROUP_FIELDS.iter().find(|f| **f == p) {
            Some(f) => out.push(*f),
            None => {
                return Err(ApiError::invalid(format!(
                    "Invalid groupFields mask path: \"{p}\"."
                )))
            }
        }
    }
    Ok(out)
}

fn list_groups(st: &mut State, a: usize, q: &Query) -> ApiResult<Response> {
    let fields = group_fields(q.one("groupFields"))?;
    let size = match q.int("pageSize")? {
        None | Some(0) => 30,
        Some(n) if (1..=1000).contains(&n) => n as usize,
        Some(_) => return Err(ApiError::invalid("pageSize must be between 1 and 1000.")),
    };
    let acct = &st.accounts[a];
    let since = match q.one("syncToken").filter(|s| !s.is_empty()) {
        Some(t) => {
            let v =
                decode_token(4, t, 2).ok_or_else(|| ApiError::invalid("Sync token is invalid."))?;
            if st.now() > v[1] + SYNC_TOKEN_LIFETIME_MS {
                return Err(ApiError::expired_sync_token());
            }
            Some(v[0])
        }
        None => None,
    };
    let offset = match q.one("pageToken").filter(|s| !s.is_empty()) {
        Some(t) => decode_token(5, t, 1)
            .ok_or_else(|| ApiError::invalid("Page token is invalid."))?[0]
            as usize,
        None => 0,
    };
    let groups: Vec<&Group> = acct
        .groups
        .iter()
        .filter(|g| since.is_none_or(|s| g.seq > s))
        .collect();
    let page: Vec<Value> = groups
        .iter()
        .skip(offset)
        .take(size)
        .map(|g| acct.group_json(g, &fields, 0))
        .collect();
    let mut out = json!({"totalItems": groups.len()});
    if !page.is_empty() {
        out["contactGroups"] = Value::Array(page);
    }
    if offset + size < groups.len() {
        out["nextPageToken"] = json!(encode_token(5, &[(offset + size) as u64]));
    } else {
        out["nextSyncToken"] = json!(encode_token(4, &[acct.seq, st.now()]));
    }
    Ok(Response::json(200, &out))
}

const SORT_ORDERS: [&str; 4] = [
    "LAST_MODIFIED_ASCENDING",
    "LAST_MODIFIED_DESCENDING",
    "FIRST_NAME_ASCENDING",
    "LAST_NAME_ASCENDING",
];

/// Page token: [cursor seq, upper seq, parameter hash, incremental?, issue time of the next
/// sync token]. Sync token: [seq, issue time, parameter hash]. Sorted pages: [offset, hash].
const PAGE: u8 = 1;
const SYNC: u8 = 2;
const SORTED_PAGE: u8 = 3;

fn list_connections(st: &mut State, a: usize, q: &Query) -> ApiResult<Response> {
    let fields = q.person_fields();
    let mask = read_mask(fields.as_deref(), "personFields")?;
    let size = match q.int("pageSize")? {
        None | Some(0) => 100,
        Some(n) if (1..=1000).contains(&n) => n as u64,
        Some(_) => return Err(ApiError::invalid("pageSize must be between 1 and 1000.")),
    };
    let sort = q.one("sortOrder").unwrap_or("LAST_MODIFIED_ASCENDING");
    if !SORT_ORDERS.contains(&sort) {
        return Err(ApiError::invalid(format!("Invalid value at 'sort_order' (type.googleapis.com/google.people.v1.ListConnectionsRequest.SortOrder), \"{sort}\"")));
    }
    let sources = q.all("sources").join(",");
    let request_sync = q.bool("requestSyncToken")?;
    let sync_token = q.one("syncToken").filter(|s| !s.is_empty());
    let fields_s = fields.unwrap_or_default();
    let sync_hash = fnv(&[&fields_s, &sources]);
    let page_hash = fnv(&[
        &fields_s,
        &sources,
        sort,
        &request_sync.to_string(),
        sync_token.unwrap_or(""),
    ]);
    let now = st.now();
    let acct = &st.accounts[a];

    // The reference: sort order applies only when no sync is requested.
    if sort != "LAST_MODIFIED_ASCENDING" && !request_sync && sync_token.is_none() {
        return sorted_listing(acct, q, mask, size, sort, page_hash);
    }

    let (cursor, upper, incremental, sync_issue) = match q
        .one("pageToken")
        .filter(|s| !s.is_empty())
    {
        Some(t) => {
            let v = decode_token(PAGE, t, 5)
                .ok_or_else(|| ApiError::invalid("Page token is invalid."))?;
            if v[2] != page_hash {
                return Err(ApiError::invalid(
                    "Parameters provided to people.connections.list must match the call that provided the page token.",
                ));
            }
            (v[0], v[1], v[3] == 1, v[4])
        }
        None => match sync_token {
            Some(t) => {
                let v = decode_token(SYNC, t, 3)
                    .ok_or_else(|| ApiError::invalid("Sync token is invalid."))?;
                if now > v[1] + SYNC_TOKEN_LIFETIME_MS {
                    return Err(ApiError::expired_sync_token());
                }
                if v[2] != sync_hash {
                    return Err(ApiError::invalid(
                        "Parameters provided to people.connections.list must match the call that provided the sync token.",
                    ));
                }
                // Writes newer than the propagation delay stay out of this listing (and out of
                // the next token's range), as Google's sync results lag behind writes.
                let visible = now.saturating_sub(st.config.propagation_delay_ms);
                let upper = acct
                    .changes
                    .range(v[0] + 1..)
                    .take_while(|(_, c)| c.ms <= visible)
                    .last()
                    .map_or(v[0], |(s, _)| *s);
                (v[0], upper, true, now)
            }
            None => (0, acct.seq, false, now),
        },
    };

    let mut out = String::with_capacity(size as usize * 1800 + 256);
    out.push('{');
    let mut n = 0u64;
    let mut last = cursor;
    let mut more = false;
    let mut first = true;
    // An empty range when nothing changed (BTreeMap::range panics on start > end).
    let range = acct.changes.range(cursor + 1..=upper.max(cursor + 1));
    for (seq, c) in range.take_while(|(s, _)| **s <= upper) {
        if c.deleted && !incremental {
            continue;
        }
        if n == size {
            more = true;
            break;
        }
        out.push_str(if first { "\"connections\":[" } else { "," });
        first = false;
        if c.deleted {
            person::render_tombstone(c.id, *seq, c.ms, &mut out);
        } else if let Some(p) = acct.persons.get(&c.id) {
            p.render(mask, &mut out);
        }
        n += 1;
        last = *seq;
    }
    if !first {
        out.push_str("],");
    }
    let total = if incremental {
        n
    } else {
        acct.persons.len() as u64
    };
    let _ = write!(out, "\"totalPeople\":{total},\"totalItems\":{total}");
    if more {
        let t = encode_token(
            PAGE,
            &[last, upper, page_hash, incremental as u64, sync_issue],
        );
        let _ = write!(out, ",\"nextPageToken\":\"{t}\"");
    } else if request_sync || incremental {
        let t = encode_token(SYNC, &[upper, sync_issue, sync_hash]);
        let _ = write!(out, ",\"nextSyncToken\":\"{t}\"");
    }
    out.push('}');
    Ok(Response::raw_json(200, out))
}

fn sorted_listing(
    acct: &Account,
    q: &Query,
    mask: Mask,
    size: u64,
    sort: &str,
    hash: u64,
) -> ApiResult<Response> {
    let offset = match q.one("pageToken").filter(|s| !s.is_empty()) {
        Some(t) => {
            let v = decode_token(SORTED_PAGE, t, 2)
                .ok_or_else(|| ApiError::invalid("Page token is invalid."))?;
            if v[1] != hash {
                return Err(ApiError::invalid(
                    "Parameters provided to people.connections.list must match the call that provided the page token.",
                ));
            }
            v[0] as usize
        }
        None => 0,
    };
    let mut people: Vec<_> = acct.persons.values().collect();
    match sort {
        "LAST_MODIFIED_DESCENDING" => people.sort_by_key(|p| std::cmp::Reverse(p.seq)),
        _ => {
            let key = if sort == "FIRST_NAME_ASCENDING" {
                "givenName"
            } else {
                "familyName"
            };
            let mut keyed: Vec<(String, u64, &crate::person::StoredPerson)> = people
                .into_iter()
                .map(|p| {
                    let k = p
                        .field(1)
                        .and_then(|t| serde_json::from_str::<Value>(t).ok())
                        .and_then(|v| v[0][key].as_str().map(str::to_lowercase))
                        .unwrap_or_else(|| "\u{10ffff}".into());
                    (k, p.seq, p)
                })
                .collect();
            keyed.sort_by(|x, y| (&x.0, x.1).cmp(&(&y.0, y.1)));
            people = keyed.into_iter().map(|(_, _, p)| p).collect();
        }
    }
    let page: Vec<Value> = people
        .iter()
        .skip(offset)
        .take(size as usize)
        .map(|p| p.to_json(mask))
        .collect();
    let mut out = json!({"totalPeople": people.len(), "totalItems": people.len()});
    if !page.is_empty() {
        out["connections"] = Value::Array(page);
    }
    if offset + (size as usize) < people.len() {
        out["nextPageToken"] = json!(encode_token(SORTED_PAGE, &[offset as u64 + size, hash]));
    }
    Ok(Response::json(200, &out))
}
