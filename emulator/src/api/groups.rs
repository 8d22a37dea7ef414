//! Contact group methods: listing (with its own page and sync tokens), reading, creating,
//! renaming and deleting groups, and moving contacts in and out of them.

use super::Query;
use crate::account::{Account, Group, ADDABLE_SYSTEM_GROUPS};
use crate::discovery::{doc, Schema};
use crate::emulator::{State, SYNC_TOKEN_LIFETIME_MS};
use crate::error::{ApiError, ApiResult};
use crate::http::Response;
use crate::person;
use crate::util::{decode_token, encode_token};
use serde_json::{json, Value};

/// The group fields a mask names: its paths (`api::validate` checked them against the
/// document), or the defaults its description states when it is absent or empty.
fn group_fields(v: Option<&str>, schema: Option<&Schema>) -> Vec<String> {
    let raw = v.unwrap_or("").trim();
    if raw.is_empty() {
        let defaults = schema.map(Schema::mask_default).unwrap_or_default();
        return defaults.into_iter().map(str::to_string).collect();
    }
    raw.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// The schema of query parameter `param` of method `id`.
fn param(id: &str, param: &str) -> Option<&'static Schema> {
    doc().method(id)?.parameters.get(param)
}

pub(super) fn list_groups(st: &mut State, a: usize, q: &Query) -> ApiResult<Response> {
    let id = "people.contactGroups.list";
    let fields = group_fields(q.one("groupFields"), param(id, "groupFields"));
    // `api::validate` checked the range the description gives; 0 means the default.
    let size = match q.int("pageSize")? {
        None | Some(0) => param(id, "pageSize")
            .and_then(Schema::int_default)
            .unwrap_or(30),
        Some(n) => n,
    }
    .max(1) as usize;
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

/// contactGroups.get, with up to `maxMembers` member names.
pub(super) fn get_group(st: &State, a: usize, q: &Query, id: String) -> ApiResult<Response> {
    let fields = group_fields(
        q.one("groupFields"),
        param("people.contactGroups.get", "groupFields"),
    );
    let max = q.int("maxMembers")?.unwrap_or(0).max(0) as usize;
    let acct = &st.accounts[a];
    let g = acct.group(&id).ok_or_else(ApiError::not_found)?;
    Ok(Response::json(200, &acct.group_json(g, &fields, max)))
}

/// contactGroups.create: names are unique among the account's groups.
pub(super) fn create_group(st: &mut State, a: usize, b: &Value) -> ApiResult<Response> {
    let now = st.now();
    let fields = group_fields(
        b.get("readGroupFields").and_then(Value::as_str),
        doc().property("CreateContactGroupRequest", "readGroupFields"),
    );
    let name = new_name(b, &st.accounts[a], None)?;
    let id = format!("{:x}", st.rng.next_u64() >> 4);
    let client_data = client_data(b);
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

/// contactGroups.update of a user group's name and client data.
pub(super) fn update_group(st: &mut State, a: usize, b: &Value, id: String) -> ApiResult<Response> {
    let now = st.now();
    let fields = group_fields(
        b.get("readGroupFields").and_then(Value::as_str),
        doc().property("UpdateContactGroupRequest", "readGroupFields"),
    );
    let upd = group_fields(
        b.get("updateGroupFields").and_then(Value::as_str),
        doc().property("UpdateContactGroupRequest", "updateGroupFields"),
    );
    let acct = &mut st.accounts[a];
    let i = user_group(acct, &id, "updated")?;
    if upd.iter().any(|f| f == "name") {
        let name = new_name(b, acct, Some(i))?;
        acct.groups[i].formatted = name.clone();
        acct.groups[i].name = name;
    }
    if upd.iter().any(|f| f == "clientData") {
        acct.groups[i].client_data = client_data(b);
    }
    acct.seq += 1;
    acct.groups[i].seq = acct.seq;
    acct.groups[i].update_ms = now;
    Ok(Response::json(
        200,
        &acct.group_json(&acct.groups[i], &fields, 0),
    ))
}

/// contactGroups.delete: members leave the group, or are deleted with `deleteContacts`.
pub(super) fn delete_group(st: &mut State, a: usize, q: &Query, id: String) -> ApiResult<Response> {
    let now = st.now();
    let delete_contacts = q.bool("deleteContacts")?;
    let acct = &mut st.accounts[a];
    let i = user_group(acct, &id, "deleted")?;
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

/// contactGroups.members.modify: a contact's last group cannot be removed.
pub(super) fn modify_members(
    st: &mut State,
    a: usize,
    b: &Value,
    id: String,
) -> ApiResult<Response> {
    let now = st.now();
    let list = |k: &str| -> Vec<String> {
        b.get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let (add, remove) = (list("resourceNamesToAdd"), list("resourceNamesToRemove"));
    // "The total number of resource names in `resource_names_to_add` and
    // `resource_names_to_remove` must be less than or equal to 1000."
    let max = doc()
        .property("ModifyContactGroupMembersRequest", "resourceNamesToAdd")
        .and_then(Schema::max_items)
        .unwrap_or(usize::MAX);
    if add.len() + remove.len() > max {
        return Err(ApiError::invalid(format!(
            "Too many resource names: at most {max} may be added or removed in one request."
        )));
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

/// The index of the user group `id`: a system group cannot be `done` ("updated", "deleted").
fn user_group(acct: &Account, id: &str, done: &str) -> ApiResult<usize> {
    let i = acct
        .groups
        .iter()
        .position(|g| g.id == id)
        .ok_or_else(ApiError::not_found)?;
    if acct.groups[i].system {
        return Err(ApiError::invalid(format!(
            "System contact groups cannot be {done}."
        )));
    }
    Ok(i)
}

/// The name a request body gives a group: trimmed, not empty, and no other group's (`renamed`
/// is the group being renamed, which may keep its own).
fn new_name(b: &Value, acct: &Account, renamed: Option<usize>) -> ApiResult<String> {
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
        .any(|(j, g)| Some(j) != renamed && (g.name == name || g.formatted == name))
    {
        return Err(ApiError::new(
            409,
            "ALREADY_EXISTS",
            "Contact group name already exists.",
        ));
    }
    Ok(name)
}

/// The client data a request body gives a group.
fn client_data(b: &Value) -> Vec<Value> {
    b.pointer("/contactGroup/clientData")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}
