//! People methods: reading, creating, updating and deleting contacts, one at a time or in
//! batches. A batch checks every item before its first write, so a bad item commits nothing.

use super::{batch_read_mask, contact_id, optional_mask, read_mask, render_person, Query};
use crate::discovery::doc;
use crate::emulator::State;
use crate::error::{ApiError, ApiResult};
use crate::http::Response;
use crate::person::{self, Mask};
use crate::profile::{refuse_profile_items, Sources};
use serde_json::{json, Map, Value};

/// people.get of `people/me`: the account's own profile.
pub(super) fn get_me(st: &State, a: usize, q: &Query) -> ApiResult<Response> {
    let mask = read_mask(q.person_fields().as_deref());
    Ok(Response::json(200, &st.accounts[a].profile_json(mask)))
}

/// people.get of one contact.
pub(super) fn get(st: &State, a: usize, q: &Query, name: String) -> ApiResult<Response> {
    let mask = read_mask(q.person_fields().as_deref());
    let sources = q.sources()?;
    let id = contact_id(&name)?;
    let v = render_person(&st.accounts[a], id, mask, sources).ok_or_else(ApiError::not_found)?;
    Ok(Response::json(200, &v))
}

/// people.getBatchGet: up to 200 people, each with its own status.
pub(super) fn batch_get(st: &State, a: usize, q: &Query) -> ApiResult<Response> {
    let mask = read_mask(q.person_fields().as_deref());
    let sources = q.sources()?;
    // `api::validate` checked the count against the parameter's documented maximum.
    let names = q.all("resourceNames");
    let acct = &st.accounts[a];
    let responses: Vec<Value> = names
        .iter()
        .map(|n| {
            let found = if *n == "people/me" {
                Some(acct.profile_json(mask))
            } else {
                person::parse_resource_name(n).and_then(|id| render_person(acct, id, mask, sources))
            };
            match found {
                Some(p) => item_ok(Some(p), n),
                None => json!({"httpStatusCode": 404, "requestedResourceName": n,
                    "status": ApiError::not_found().status_json()}),
            }
        })
        .collect();
    Ok(Response::json(200, &json!({ "responses": responses })))
}

/// people.createContact.
pub(super) fn create(st: &mut State, a: usize, p: &Value, q: &Query) -> ApiResult<Response> {
    let now = st.now();
    let mask = optional_mask(q.person_fields().as_deref());
    let sources = q.sources()?;
    refuse_profile_items(p, Mask::ALL)?;
    room_for(st, a, 1)?;
    let id = st.accounts[a].create(p, &mut st.rng, now)?;
    let v = render_person(&st.accounts[a], id, mask, sources).unwrap_or_default();
    Ok(Response::json(200, &v))
}

/// people.updateContact: the etag must match, and only `updatePersonFields` change.
pub(super) fn update(
    st: &mut State,
    a: usize,
    p: &Value,
    q: &Query,
    name: String,
    spurious: bool,
) -> ApiResult<Response> {
    let now = st.now();
    let id = contact_id(&name)?;
    let upd = read_mask(q.one("updatePersonFields"));
    let mask = optional_mask(q.person_fields().as_deref());
    let sources = q.sources()?;
    refuse_profile_items(p, upd)?;
    if let Some(rn) = p.get("resourceName").and_then(Value::as_str) {
        if rn != name {
            return Err(ApiError::invalid(format!(
                "Resource name \"{rn}\" in the person does not match \"{name}\"."
            )));
        }
    }
    st.accounts[a].check_update(id, p, upd, spurious)?;
    st.accounts[a].apply_update(id, p, upd, now)?;
    Ok(Response::json(
        200,
        &render_person(&st.accounts[a], id, mask, sources).unwrap_or_default(),
    ))
}

/// people.deleteContact.
pub(super) fn delete(st: &mut State, a: usize, name: String) -> ApiResult<Response> {
    let now = st.now();
    let id = contact_id(&name)?;
    st.accounts[a].delete(id, now)?;
    Ok(Response::json(200, &json!({})))
}

/// people.batchCreateContacts: up to 200, all checked before the first is created.
pub(super) fn batch_create(st: &mut State, a: usize, b: &Value) -> ApiResult<Response> {
    let now = st.now();
    let contacts = b
        .get("contacts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    batch_len(
        contacts.len(),
        "contacts",
        limit("BatchCreateContactsRequest", "contacts"),
    )?;
    let mask = batch_read_mask(b);
    let sources = Sources::of_body(b)?;
    // Validate everything before the first write so a bad item commits nothing.
    for c in &contacts {
        let p = c.get("contactPerson").cloned().unwrap_or_default();
        refuse_profile_items(&p, Mask::ALL)?;
        person::normalize_fields(&p, Mask::ALL, 0)?;
        person::requested_groups(&p)?;
    }
    room_for(st, a, contacts.len())?;
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
            let p = render_person(acct, *id, mask, sources);
            item_ok(p, &person::resource_name(*id))
        })
        .collect();
    Ok(Response::json(200, &json!({ "createdPeople": created })))
}

/// people.batchUpdateContacts: up to 200, all checked before the first is written.
pub(super) fn batch_update(
    st: &mut State,
    a: usize,
    b: &Value,
    spurious: bool,
) -> ApiResult<Response> {
    let now = st.now();
    let contacts = b
        .get("contacts")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    batch_len(
        contacts.len(),
        "contacts",
        limit("BatchUpdateContactsRequest", "contacts"),
    )?;
    let upd = read_mask(b.get("updateMask").and_then(Value::as_str));
    let mask = batch_read_mask(b);
    let sources = Sources::of_body(b)?;
    let mut items = Vec::new();
    for (n, (name, p)) in contacts.iter().enumerate() {
        let id = contact_id(name)?;
        refuse_profile_items(p, upd)?;
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
        let p = render_person(acct, *id, mask, sources);
        result.insert(name.clone(), item_ok(p, name));
    }
    Ok(Response::json(200, &json!({ "updateResult": result })))
}

/// people.batchDeleteContacts: up to 500; an unknown name fails the whole batch.
pub(super) fn batch_delete(st: &mut State, a: usize, b: &Value) -> ApiResult<Response> {
    let now = st.now();
    let names: Vec<String> = b
        .get("resourceNames")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    batch_len(
        names.len(),
        "resourceNames",
        limit("BatchDeleteContactsRequest", "resourceNames"),
    )?;
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

/// The documented maximum of items in `field` of request `schema` ("Allows up to 200 contacts
/// in a single request"); without one, no limit.
fn limit(schema: &str, field: &str) -> usize {
    doc()
        .property(schema, field)
        .and_then(|p| p.max_items())
        .unwrap_or(usize::MAX)
}

/// Whether account `a` can take `n` more contacts under the configured limit; a batch that
/// would pass it is refused whole, creating none.
fn room_for(st: &State, a: usize, n: usize) -> ApiResult<()> {
    let max = st.config.max_contacts;
    if st.accounts[a].persons.len() + n > max {
        return Err(ApiError::contact_limit(max));
    }
    Ok(())
}

/// A batch write holds one to `max` items under `what`.
fn batch_len(len: usize, what: &str, max: usize) -> ApiResult<()> {
    if len == 0 {
        return Err(ApiError::invalid(format!("{what} must not be empty.")));
    }
    if len > max {
        return Err(ApiError::invalid(format!(
            "Too many {what} in the batch request: at most {max} are allowed."
        )));
    }
    Ok(())
}

/// One person's entry in a batch answer, found and read with the batch's mask.
fn item_ok(person: Option<Value>, requested: &str) -> Value {
    json!({"httpStatusCode": 200, "person": person, "requestedResourceName": requested, "status": {}})
}
