//! Contact photos: `people.updateContactPhoto`, `people.deleteContactPhoto`, the `photos` field
//! reads return, and the photo bytes served at the URL a photo carries.
//!
//! A contact's own photo is stored as its `photos` field text (one item, `metadata.source`
//! CONTACT) plus its bytes under a key unique to that upload, so every upload gets a new URL, as
//! at Google, and the URL of an unchanged photo stays the same. A contact without a photo of its
//! own reads with Google's generated one: an item with `"default": true` whose URL serves no
//! upload. The bytes are served at `{PATH}{key}` on the emulator's own address (loopback), with
//! the content type of their format; the `sz` parameter Google's URLs take is accepted and
//! ignored (the emulator does not resize).

use crate::api::{contact_id, render_person};
use crate::emulator::State;
use crate::error::{ApiError, ApiResult};
use crate::http::Response;
use crate::person::{Mask, StoredPerson};
use crate::profile::Sources;
use crate::util::fnv;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine as _;
use serde_json::{json, Value};

/// Where photo bytes are served.
pub const PATH: &str = "/photos/";

/// An uploaded photo: its bytes and their format.
#[derive(Debug, Clone)]
pub struct StoredPhoto {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// The image format of `bytes` by its signature: "All requests must have a valid photo format:
/// JPEG or PNG." (UpdateContactPhotoRequest).
pub fn format_of(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// The index of `photos` among the person fields.
fn photos_index() -> usize {
    // `photos` is one of the person fields the discovery document lists.
    Mask::field("photos").unwrap_or(0)
}

/// The photo Google generates for a contact without one of its own (`default: true`).
pub fn default_photo(id: u64) -> String {
    format!(
        r#"[{{"metadata":{{"primary":true,"source":{{"type":"CONTACT","id":"{id:x}"}}}},"url":"https://lh3.googleusercontent.com/cm/default-{id:x}=s100","default":true}}]"#
    )
}

/// Whether `p` reads with the generated photo: it has none of its own and `mask` asks for photos.
pub fn wants_default(p: &StoredPerson, mask: Mask) -> bool {
    let i = photos_index();
    mask.has(i) && p.field(i).is_none()
}

/// Decodes `photoBytes` (format `byte`: base64, standard or URL-safe alphabet) as Google's JSON
/// parser does, with its error for a value that is not base64.
pub(crate) fn decode(text: &str) -> ApiResult<Vec<u8>> {
    STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .map_err(|_| {
            let shown: String = text.chars().take(40).collect();
            ApiError::invalid(format!(
                "Invalid value at 'photo_bytes' (TYPE_BYTES), Base64 decoding failed for \"{shown}\""
            ))
            .detail(json!({"@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": "photo_bytes",
                    "description": format!("Invalid value at 'photo_bytes' (TYPE_BYTES), Base64 decoding failed for \"{shown}\"")}]}))
        })
}

/// The key in the URL of photo upload `seq` of contact `id` of account `email`.
fn key(email: &str, id: u64, seq: u64) -> String {
    format!(
        "{:016x}{id:x}",
        fnv(&[email, &id.to_string(), &seq.to_string()])
    )
}

/// The key of the contact's own photo, from its stored `photos` text.
fn own_key(text: &str) -> Option<String> {
    let v: Value = serde_json::from_str(text).ok()?;
    let url = v.get(0)?.get("url")?.as_str()?;
    let (_, rest) = url.split_once(PATH)?;
    Some(rest.split(['?', '=']).next().unwrap_or(rest).to_string())
}

/// people.updateContactPhoto: JPEG or PNG bytes become the contact's photo, under a new URL on
/// `host` (the request's `Host`; loopback when there is none, as in-process).
pub(crate) fn update(
    st: &mut State,
    a: usize,
    b: &Value,
    name: String,
    host: Option<&str>,
) -> ApiResult<Response> {
    let now = st.now();
    let id = contact_id(&name)?;
    let text = b.get("photoBytes").and_then(Value::as_str).unwrap_or("");
    let bytes = decode(text)?;
    // Google's answer to bytes that are not a JPEG or PNG image, an empty value included.
    let content_type =
        format_of(&bytes).ok_or_else(|| ApiError::invalid("Invalid photo format"))?;
    let sources = Sources::of_body(b)?;
    let mask = b
        .get("personFields")
        .and_then(Value::as_str)
        .filter(|m| !m.trim().is_empty())
        .map(|m| crate::api::read_mask(Some(m)));
    let acct = &mut st.accounts[a];
    let old = acct.persons.get(&id).ok_or_else(ApiError::not_found)?;
    let old_key = old.field(photos_index()).and_then(own_key);
    let key = key(&acct.email, id, acct.seq + 1);
    let url = format!("http://{}{PATH}{key}", host.unwrap_or("127.0.0.1"));
    let field = format!(
        r#"[{{"metadata":{{"primary":true,"source":{{"type":"CONTACT","id":"{id:x}"}}}},"url":"{url}"}}]"#
    );
    acct.set_field(id, photos_index(), Some(field), now);
    if let Some(k) = old_key {
        acct.photos.remove(&k);
    }
    acct.photos.insert(
        key,
        StoredPhoto {
            bytes,
            content_type,
        },
    );
    Ok(answer(st, a, id, mask, sources))
}

/// people.deleteContactPhoto: the contact reads with the generated photo again. A contact
/// without a photo of its own answers as Google does, with the contact unchanged.
pub(crate) fn delete(
    st: &mut State,
    a: usize,
    name: String,
    mask: Option<Mask>,
    sources: Sources,
) -> ApiResult<Response> {
    let now = st.now();
    let id = contact_id(&name)?;
    let acct = &mut st.accounts[a];
    let p = acct.persons.get(&id).ok_or_else(ApiError::not_found)?;
    if let Some(text) = p.field(photos_index()) {
        if let Some(k) = own_key(text) {
            acct.photos.remove(&k);
        }
        acct.set_field(id, photos_index(), None, now);
    }
    Ok(answer(st, a, id, mask, sources))
}

/// `{person}` read with `mask` when one was asked for, else `{}` ("Defaults to empty if not
/// set, which will skip the post mutate get").
fn answer(st: &State, a: usize, id: u64, mask: Option<Mask>, sources: Sources) -> Response {
    let person = mask.and_then(|m| render_person(&st.accounts[a], id, m, sources));
    match person {
        Some(p) => Response::json(200, &json!({ "person": p })),
        None => Response::json(200, &json!({})),
    }
}

/// Sets contact `resource_name`'s own photo from `bytes`, as updateContactPhoto does (the admin
/// API's way to give a contact a photo "the user" chose).
pub(crate) fn set_by_admin(
    st: &mut State,
    a: usize,
    resource_name: &str,
    bytes: &[u8],
    host: Option<&str>,
) -> ApiResult<Value> {
    let body = json!({"photoBytes": STANDARD.encode(bytes), "personFields": "photos"});
    let r = update(st, a, &body, resource_name.to_string(), host)?;
    Ok(r.json_body()["person"]["photos"][0].clone())
}

/// `GET {PATH}{key}`: the bytes of an uploaded photo, or Google's 404 once it was replaced or
/// deleted.
pub(crate) fn serve(st: &State, key: &str) -> Response {
    let key = key.split(['=', '?']).next().unwrap_or(key);
    let found = st.accounts.iter().find_map(|acct| acct.photos.get(key));
    match found {
        Some(p) => Response {
            status: 200,
            headers: vec![
                ("Content-Type".into(), p.content_type.into()),
                ("Cache-Control".into(), "private, max-age=86400".into()),
            ],
            body: p.bytes.clone(),
            ..Response::default()
        },
        None => ApiError::not_found().into_response(),
    }
}
