//! The host contract's `contacts` API, called for the engine's [`CrmCall`]s.

use super::contract::{self, Contacts};
use super::{js, Failure};
use crate::dto::{crm_contact, ChangesPage, ContactPage, CrmContactInputDto, CrmUpdateDto};
use crate::json::FromJson;
use crate::store;
use crate::sync::capabilities::Capabilities;
use crate::sync::engine::{CrmCall, Input};
use crate::sync::ErrorCode;
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

/// Makes the call and reads the answer. A rejection with the host's own `code` (a string) is
/// `CrmRefused`, with the `contactId` it names; any other throw, a rejection or no answer
/// within `timeout_ms` is `CrmFailed`; a `stop` signal aborted while it waits is `Cancelled`.
pub async fn crm(host: &JsValue, call: &CrmCall, timeout_ms: i32, stop: &JsValue) -> Input {
    match crm_call(host, call, timeout_ms, stop).await {
        Ok(input) => input,
        Err(_) if js::get(stop, "aborted").as_bool() == Some(true) => Input::Cancelled,
        Err(Refusal::Coded {
            code,
            message,
            contact,
        }) => Input::CrmRefused {
            code,
            message,
            contact,
        },
        Err(Refusal::Other(message)) => Input::CrmFailed { message },
    }
}

/// Why a host call did not answer contacts.
enum Refusal {
    /// The host rejected it with its own code (`{ code, message, contactId? }`).
    Coded {
        code: String,
        message: String,
        contact: Option<String>,
    },
    Other(String),
}

impl From<String> for Refusal {
    fn from(message: String) -> Refusal {
        Refusal::Other(message)
    }
}

/// A rejection as the host gave it: its code and contact kept when it has them.
fn refusal(name: &str, e: &JsValue) -> Refusal {
    let message = js::message_of(e);
    let coded = contract::refusal(e);
    match coded
        .and_then(|r| r.code().as_string())
        .filter(|c| !c.is_empty())
    {
        Some(code) => Refusal::Coded {
            code,
            message: format!("contacts.{name}: {message}"),
            contact: coded.and_then(|r| r.contact_id().as_string()),
        },
        None => Refusal::Other(format!("contacts.{name}: {message}")),
    }
}

fn ids_array(ids: &[String]) -> Array {
    ids.iter().map(|s| JsValue::from_str(s)).collect()
}

/// `contacts.list` with these parameters, as the host answered (NFC-normalized JSON).
pub async fn list_page(
    host: &JsValue,
    view_id: Option<&str>,
    page_token: Option<&str>,
    page_size: u32,
    timeout_ms: i32,
) -> Result<ContactPage, String> {
    let q = js::object();
    if let Some(v) = view_id {
        js::set(&q, "viewId", &JsValue::from_str(v));
    }
    if let Some(t) = page_token {
        js::set(&q, "pageToken", &JsValue::from_str(t));
    }
    js::set(&q, "pageSize", &JsValue::from(page_size));
    let p = contacts(host).list(&q).map_err(|e| js::message_of(&e))?;
    let v = js::within_coded(p, timeout_ms)
        .await
        .map_err(|r| format!("list: {}", r.message))?;
    read(&v).map_err(|e| format!("contacts.list answered {e}"))
}

/// [`list_page`] for a run: a refusal keeps its code, a cancel stops the wait.
async fn run_list_page(
    host: &JsValue,
    q: (Option<&str>, Option<&str>, u32),
    timeout_ms: i32,
    stop: &JsValue,
) -> Result<ContactPage, Refusal> {
    let (view_id, page_token, page_size) = q;
    let o = js::object();
    if let Some(v) = view_id {
        js::set(&o, "viewId", &JsValue::from_str(v));
    }
    if let Some(t) = page_token {
        js::set(&o, "pageToken", &JsValue::from_str(t));
    }
    js::set(&o, "pageSize", &JsValue::from(page_size));
    let p = contacts(host).list(&o).map_err(|e| refusal("list", &e))?;
    let v = js::within_unless(p, timeout_ms, stop)
        .await
        .map_err(|e| match e {
            js::Ended::Rejected(e) => refusal("list", &e),
            js::Ended::TimedOut(m) => Refusal::Other(format!("contacts.list: {m}")),
        })?;
    Ok(read(&v).map_err(|e| format!("contacts.list answered {e}"))?)
}

/// What the host declares it can hold (`capabilities`; everything when it declares nothing).
pub fn capabilities(host: &JsValue) -> Result<Capabilities, Failure> {
    let value = contract::host(host).capabilities();
    if value.is_undefined() || value.is_null() {
        return Ok(Capabilities::default());
    }
    let json = js::value_of(&value).map_err(Failure::host)?;
    Capabilities::from_json(&json).map_err(|e| Failure::new(ErrorCode::InvalidInput, e))
}

/// The longest value the host's storage takes (`capabilities.storageMaxValueBytes`; absent or
/// below [`store::MIN_MAX_VALUE_BYTES`]: [`store::DEFAULT_MAX_VALUE_BYTES`], the run's check of
/// the capabilities having refused a declared value that is not a whole number).
pub fn storage_max_value_bytes(host: &JsValue) -> usize {
    let capabilities = contract::host(host).capabilities();
    js::get(&capabilities, "storageMaxValueBytes")
        .as_f64()
        .filter(|n| n.fract() == 0.0 && *n >= store::MIN_MAX_VALUE_BYTES as f64)
        .map_or(store::DEFAULT_MAX_VALUE_BYTES, |n| {
            n.min(usize::MAX as f64) as usize
        })
}

/// Whether the host declares its storage shared beyond this browser (`capabilities.sharedStorage`:
/// kept on its server, so the user's other devices read and write the same values).
pub fn shared_storage(host: &JsValue) -> bool {
    let capabilities = contract::host(host).capabilities();
    js::get(&capabilities, "sharedStorage").as_bool() == Some(true)
}

/// Whether the host offers the optional change feed.
pub fn has_change_feed(host: &JsValue) -> bool {
    contract::present(contacts(host).changed_since_member())
}

/// A host answer read as `T`.
fn read<T: FromJson>(v: &JsValue) -> Result<T, String> {
    T::from_json(js::value_of(v)?).map_err(|e| e.to_string())
}

/// `host.contacts`; `create` checked that it is there, and a host that took it away since
/// fails each call (`contacts is not a function`) rather than reading `undefined`.
fn contacts(host: &JsValue) -> Contacts {
    contract::host(host)
        .contacts_api()
        .unwrap_or_else(|| JsValue::UNDEFINED.unchecked_into())
}

async fn crm_call(
    host: &JsValue,
    call: &CrmCall,
    timeout_ms: i32,
    stop: &JsValue,
) -> Result<Input, Refusal> {
    let contacts = contacts(host);
    let ask = |name: &'static str, called: Result<JsValue, JsValue>| async move {
        let p = called.map_err(|e| refusal(name, &e))?;
        js::within_unless(p, timeout_ms, stop)
            .await
            .map_err(|e| match e {
                js::Ended::Rejected(e) => refusal(name, &e),
                js::Ended::TimedOut(m) => Refusal::Other(format!("contacts.{name}: {m}")),
            })
    };
    let items = match call {
        CrmCall::List {
            view_id,
            page_token,
            page_size,
        } => {
            let page = run_list_page(
                host,
                (view_id.as_deref(), page_token.as_deref(), *page_size),
                timeout_ms,
                stop,
            )
            .await?;
            return Ok(Input::Crm {
                items: page.items.iter().map(crm_contact).collect(),
                next_page_token: page.next_page_token.filter(|t| !t.is_empty()),
            });
        }
        CrmCall::ChangedSince { cursor } => {
            let arg = cursor.as_deref().map_or(JsValue::NULL, JsValue::from_str);
            let v = ask("changedSince", contacts.changed_since(&arg)).await?;
            let page: ChangesPage =
                read(&v).map_err(|e| format!("contacts.changedSince answered {e}"))?;
            return Ok(Input::CrmChanges {
                items: page.items.iter().map(crm_contact).collect(),
                deleted_ids: page.deleted_ids,
                cursor: page.cursor,
                more: page.more,
            });
        }
        CrmCall::Get { ids } => ask("get", contacts.get(&ids_array(ids))).await?,
        CrmCall::Create { items } => {
            let dtos: Vec<CrmContactInputDto> = items
                .iter()
                .map(|(c, status)| CrmContactInputDto::new(c, None, status.as_deref()))
                .collect();
            let arg = js::to_js(&dtos).map_err(|f| f.message)?;
            ask("create", contacts.create(&arg)).await?
        }
        CrmCall::Update { items } => {
            let dtos: Vec<CrmUpdateDto> = items.iter().map(CrmUpdateDto::from).collect();
            let arg = js::to_js(&dtos).map_err(|f| f.message)?;
            ask("update", contacts.update(&arg)).await?
        }
        // The contacts that came back; an id left out could not be restored.
        CrmCall::Restore { ids } => ask("restore", contacts.restore(&ids_array(ids))).await?,
        CrmCall::SetPhotos { items } => {
            let items: Vec<serde_json::Value> = (items.iter())
                .map(|(id, photo)| serde_json::json!({ "id": id, "photo": photo }))
                .collect();
            let arg = js::to_js(&items).map_err(|f| f.message)?;
            ask("setPhotos", contacts.set_photos(&arg)).await?;
            return Ok(Input::Crm {
                items: Vec::new(),
                next_page_token: None,
            });
        }
        CrmCall::Remove { ids } => {
            ask("remove", contacts.remove(&ids_array(ids))).await?;
            return Ok(Input::Crm {
                items: Vec::new(),
                next_page_token: None,
            });
        }
    };
    let values: Vec<serde_json::Value> =
        read(&items).map_err(|e| format!("the host answered {e}"))?;
    Ok(Input::Crm {
        items: values.iter().map(crm_contact).collect(),
        next_page_token: None,
    })
}
