//! Routing: Google's paths and methods, as the discovery document declares them, to a [`Route`].

use super::validate;
use crate::discovery::doc;
use crate::error::{ApiError, ApiResult};
use crate::http::Request;

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
    UpdatePhoto(String),
    DeletePhoto(String),
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
            Route::UpdatePhoto(_) => "people.updateContactPhoto",
            Route::DeletePhoto(_) => "people.deleteContactPhoto",
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

    /// The method's id in the discovery document (`people.people.get`).
    pub fn doc_id(&self) -> String {
        format!("people.{}", self.method_id())
    }

    /// The route of discovery method `id` called on resource `name` (from the URL), if the
    /// emulator implements it.
    fn of_method(id: &str, name: String) -> ApiResult<Option<Route>> {
        let group = |n: &str| n.strip_prefix("contactGroups/").unwrap_or(n).to_string();
        Ok(Some(match id {
            "people.people.connections.list" if name == "people/me" => Route::ListConnections,
            "people.people.connections.list" => {
                // "Only `people/me` is valid." (the resourceName parameter's description)
                return Err(ApiError::invalid(format!(
                    "Invalid resourceName \"{name}\": only people/me is valid."
                )));
            }
            "people.people.get" if name == "people/me" => Route::GetMe,
            "people.people.get" => Route::Get(name),
            "people.people.getBatchGet" => Route::BatchGet,
            "people.people.createContact" => Route::Create,
            "people.people.updateContact" => Route::Update(name),
            "people.people.deleteContact" => Route::Delete(name),
            "people.people.batchCreateContacts" => Route::BatchCreate,
            "people.people.batchUpdateContacts" => Route::BatchUpdate,
            "people.people.batchDeleteContacts" => Route::BatchDelete,
            "people.people.updateContactPhoto" => Route::UpdatePhoto(name),
            "people.people.deleteContactPhoto" => Route::DeletePhoto(name),
            "people.contactGroups.list" => Route::ListGroups,
            "people.contactGroups.create" => Route::CreateGroup,
            "people.contactGroups.get" => Route::GetGroup(group(&name)),
            "people.contactGroups.update" => Route::UpdateGroup(group(&name)),
            "people.contactGroups.delete" => Route::DeleteGroup(group(&name)),
            "people.contactGroups.members.modify" => Route::ModifyMembers(group(&name)),
            _ => return Ok(None),
        }))
    }
}

/// Routes a request by the discovery document: the method whose `flatPath` matches the path and
/// whose `httpMethod` is the request's, then its query checked against the method's parameters.
/// A path no method has, or one whose methods take another HTTP method, is Google's 404; a
/// method of the document the emulator does not implement answers 501.
pub fn route(req: &Request) -> ApiResult<Route> {
    let raw = req.path();
    let path = percent_decode(raw);
    let rel = path.strip_prefix('/').unwrap_or(&path);
    let found = doc().methods.iter().find_map(|m| {
        let vars = m.match_path(rel).filter(|_| m.http_method == req.method)?;
        Some((m, vars))
    });
    let Some((method, vars)) = found else {
        return Err(unknown_path(raw));
    };
    let name = vars.get("resourceName").cloned().unwrap_or_default();
    let Some(route) = Route::of_method(&method.id, name)? else {
        return Err(ApiError::new(
            501,
            "UNIMPLEMENTED",
            format!("{} is not implemented by the emulator.", method.id),
        ));
    };
    validate::query(method, req)?;
    Ok(route)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_a_method_of_the_discovery_document() {
        let name = || "x".to_string();
        let all = [
            Route::ListConnections,
            Route::GetMe,
            Route::Get(name()),
            Route::BatchGet,
            Route::Create,
            Route::Update(name()),
            Route::Delete(name()),
            Route::BatchCreate,
            Route::BatchUpdate,
            Route::BatchDelete,
            Route::ListGroups,
            Route::CreateGroup,
            Route::GetGroup(name()),
            Route::UpdateGroup(name()),
            Route::DeleteGroup(name()),
            Route::ModifyMembers(name()),
        ];
        for r in all {
            let m = doc().method(&r.doc_id());
            assert!(m.is_some(), "{} is not in the document", r.doc_id());
            let routed = m.and_then(|m| Route::of_method(&m.id, "people/me".into()).ok().flatten());
            assert_eq!(routed.map(|r| r.doc_id()), Some(r.doc_id()));
        }
    }

    #[test]
    fn every_person_field_of_the_document_has_a_storage_slot() {
        let m = doc().method("people.people.connections.list");
        let listed = m.and_then(|m| m.parameters.get("personFields")?.mask_paths());
        let listed = listed.unwrap_or_default();
        assert_eq!(listed.len(), crate::person::FIELDS.len());
        for f in listed {
            assert!(crate::person::Mask::field(f).is_some(), "{f}");
        }
    }
}
