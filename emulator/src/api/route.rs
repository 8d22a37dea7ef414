//! Routing: Google's paths and methods to a [`Route`], and the query parameters each accepts.

use crate::error::{ApiError, ApiResult};
use crate::http::Request;
use crate::util::camel;

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
