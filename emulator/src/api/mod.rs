//! People API methods. [`route`] turns a request into a [`Route`] (or Google's 404 and
//! unknown-parameter errors); [`call`] dispatches it to its handler: `people` (contacts, one at a
//! time and in batches), `listing` (connections, full, incremental and sorted) and `groups`
//! (contact groups and their members). `validate` checks queries and bodies against the
//! discovery document before a handler runs; this file holds what the handlers share.

mod groups;
mod listing;
mod people;
mod route;
pub mod validate;

pub use route::{route, Route};

use crate::account::Account;
use crate::discovery::doc;
use crate::emulator::State;
use crate::error::{ApiError, ApiResult};
use crate::http::{Request, Response};
use crate::person::{self, Mask};
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
    // Routing found the method in the document, so it is there; a body is parsed and checked
    // against the method's request schema before any handler reads it.
    let b = match doc().method(&route.doc_id()) {
        Some(m) if m.request.is_some() => validate::body(m, req)?,
        _ => json!({}),
    };
    match route {
        Route::ListConnections => listing::list_connections(st, a, &q),
        Route::GetMe => people::get_me(st, a, &q),
        Route::Get(name) => people::get(st, a, &q, name),
        Route::BatchGet => people::batch_get(st, a, &q),
        Route::Create => people::create(st, a, &b, &q),
        Route::Update(name) => people::update(st, a, &b, &q, name, spurious),
        Route::Delete(name) => people::delete(st, a, name),
        Route::BatchCreate => people::batch_create(st, a, &b),
        Route::BatchUpdate => people::batch_update(st, a, &b, spurious),
        Route::BatchDelete => people::batch_delete(st, a, &b),
        Route::UpdatePhoto(name) => crate::photo::update(st, a, &b, name, req.header_value("Host")),
        Route::DeletePhoto(name) => {
            let sources = q.sources()?;
            let mask = q.person_fields().map(|m| read_mask(Some(&m)));
            crate::photo::delete(st, a, name, mask, sources)
        }
        Route::ListGroups => groups::list_groups(st, a, &q),
        Route::GetGroup(id) => groups::get_group(st, a, &q, id),
        Route::CreateGroup => groups::create_group(st, a, &b),
        Route::UpdateGroup(id) => groups::update_group(st, a, &b, id),
        Route::DeleteGroup(id) => groups::delete_group(st, a, &q, id),
        Route::ModifyMembers(id) => groups::modify_members(st, a, &b, id),
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
        Sources::parse(self.all("sources"))
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

pub(crate) fn read_mask(q: Option<&str>) -> Mask {
    person::mask_of(q)
}

/// `personFields` on writes is optional and defaults to every field.
fn optional_mask(q: Option<&str>) -> Mask {
    match q {
        Some(s) if !s.trim().is_empty() => read_mask(Some(s)),
        _ => Mask::ALL,
    }
}

pub(crate) fn contact_id(name: &str) -> ApiResult<u64> {
    person::parse_resource_name(name).ok_or_else(|| {
        ApiError::invalid(format!(
            "Resource name \"{name}\" is not a valid contact resource name."
        ))
    })
}

/// Person `id` as a read of `mask` and `sources` returns it.
pub(crate) fn render_person(
    acct: &Account,
    id: u64,
    mask: Mask,
    sources: Sources,
) -> Option<Value> {
    acct.persons
        .get(&id)
        .map(|p| crate::profile::to_json(acct, p, mask, sources))
}

/// `readMask` of batch writes: absent or empty skips the post-mutate read.
fn batch_read_mask(b: &Value) -> Option<Mask> {
    match b.get("readMask").and_then(Value::as_str) {
        Some(m) if !m.trim().is_empty() => Some(read_mask(Some(m))),
        _ => None,
    }
}
