//! People API methods. [`route`] turns a request into a [`Route`] (or Google's 404 and
//! unknown-parameter errors); [`call`] dispatches it to its handler: `people` (contacts, one at a
//! time and in batches), `listing` (connections, full, incremental and sorted) and `groups`
//! (contact groups and their members). This file holds what the handlers share: the query,
//! body and field-mask checks.

mod groups;
mod listing;
mod people;
mod route;

pub use route::{route, Route};

use crate::account::Account;
use crate::emulator::State;
use crate::error::{ApiError, ApiResult};
use crate::http::{Request, Response};
use crate::person::{self, Mask, FIELDS, LIST_DOC};
use crate::profile::Sources;
use crate::util::camel;
use serde_json::{json, Value};

/// Runs a routed call for account `a`; `spurious` makes the etag check fail once (a fault rule).
pub fn call(
    st: &mut State,
    a: usize,
    route: Route,
    req: &Request,
    spurious: bool,
) -> ApiResult<Response> {
    let q = Query::new(req);
    match route {
        Route::ListConnections => listing::list_connections(st, a, &q),
        Route::GetMe => people::get_me(st, a, &q),
        Route::Get(name) => people::get(st, a, &q, name),
        Route::BatchGet => people::batch_get(st, a, &q),
        Route::Create => people::create(st, a, req, &q),
        Route::Update(name) => people::update(st, a, req, &q, name, spurious),
        Route::Delete(name) => people::delete(st, a, name),
        Route::BatchCreate => people::batch_create(st, a, req),
        Route::BatchUpdate => people::batch_update(st, a, req, spurious),
        Route::BatchDelete => people::batch_delete(st, a, req),
        Route::ListGroups => groups::list_groups(st, a, &q),
        Route::GetGroup(id) => groups::get_group(st, a, &q, id),
        Route::CreateGroup => groups::create_group(st, a, req),
        Route::UpdateGroup(id) => groups::update_group(st, a, req, id),
        Route::DeleteGroup(id) => groups::delete_group(st, a, &q, id),
        Route::ModifyMembers(id) => groups::modify_members(st, a, req, id),
    }
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
    /// The `sources` read mask of a read or of a single write's answer.
    fn sources(&self) -> ApiResult<Sources> {
        Sources::parse(self.all("sources"), "sources")
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

/// Person `id` as a read of `mask` and `sources` returns it.
fn render_person(acct: &Account, id: u64, mask: Mask, sources: Sources) -> Option<Value> {
    acct.persons
        .get(&id)
        .map(|p| crate::profile::to_json(acct, p, mask, sources))
}

/// `readMask` of batch writes: absent or empty skips the post-mutate read.
fn batch_read_mask(b: &Value) -> ApiResult<Option<Mask>> {
    match b.get("readMask").and_then(Value::as_str) {
        Some(m) if !m.trim().is_empty() => read_mask(Some(m), "readMask").map(Some),
        _ => Ok(None),
    }
}
