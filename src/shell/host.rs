//! The host contract's `contacts` API, called for the engine's [`CrmCall`]s.

use super::{js, Failure};
use crate::bindings::dto::{crm_contact, ContactPage, CrmContactInputDto, CrmUpdateDto};
use crate::json;
use crate::people::time::format_rfc3339;
use crate::sync::capabilities::Capabilities;
use crate::sync::engine::{CrmCall, Input};
use js_sys::Array;
use wasm_bindgen::JsValue;

/// Makes the call and reads the answer; a throw, a rejection or no answer within `timeout_ms`
/// is `CrmFailed`.
pub async fn crm(host: &JsValue, call: &CrmCall, timeout_ms: i32) -> Input {
    match crm_call(host, call, timeout_ms).await {
        Ok(input) => input,
        Err(message) => Input::CrmFailed { message },
    }
}

fn ids_array(ids: &[String]) -> JsValue {
    ids.iter()
        .map(|s| JsValue::from_str(s))
        .collect::<Array>()
        .into()
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
    let v = js::call_async_within(&contacts(host), "list", &[&q], timeout_ms).await?;
    let text = js::json_of(&v).map_err(|f| f.message)?;
    json::from_str(&text).map_err(|e| format!("contacts.list answered {e}"))
}

/// What `contacts.changedSince` answers.
struct ChangesPage {
    items: Vec<serde_json::Value>,
    deleted_ids: Vec<String>,
    cursor: String,
    more: bool,
}

crate::json_struct!(ChangesPage {
    items: "items" or default,
    deleted_ids: "deletedIds" or default,
    cursor: "cursor",
    more: "more" or default,
});

/// What the host declares it can hold (`capabilities`; everything when it declares nothing).
pub fn capabilities(host: &JsValue) -> Result<Capabilities, Failure> {
    let value = js::get(host, "capabilities");
    if value.is_undefined() || value.is_null() {
        return Ok(Capabilities::default());
    }
    let text = js::json_of(&value)?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Failure::host(e.to_string()))?;
    Capabilities::from_json(&json).map_err(|e| Failure::new("INVALID_INPUT", e))
}

/// Whether the host offers the optional change feed.
pub fn has_change_feed(host: &JsValue) -> bool {
    js::get(&contacts(host), "changedSince").is_function()
}

fn contacts(host: &JsValue) -> JsValue {
    js::get(host, "contacts")
}

async fn crm_call(host: &JsValue, call: &CrmCall, timeout_ms: i32) -> Result<Input, String> {
    let contacts = contacts(host);
    let ask = |name: &'static str, arg: JsValue| {
        let contacts = contacts.clone();
        async move { js::call_async_within(&contacts, name, &[&arg], timeout_ms).await }
    };
    let items = match call {
        CrmCall::List {
            view_id,
            page_token,
            page_size,
        } => {
            let page = list_page(
                host,
                view_id.as_deref(),
                page_token.as_deref(),
                *page_size,
                timeout_ms,
            )
            .await?;
            return Ok(Input::Crm {
                items: page.items.iter().map(crm_contact).collect(),
                next_page_token: page.next_page_token.filter(|t| !t.is_empty()),
            });
        }
        CrmCall::ChangedSince { cursor } => {
            let arg = cursor.as_deref().map_or(JsValue::NULL, JsValue::from_str);
            let v = ask("changedSince", arg).await?;
            let text = js::json_of(&v).map_err(|f| f.message)?;
            let page: ChangesPage =
                json::from_str(&text).map_err(|e| format!("contacts.changedSince answered {e}"))?;
            return Ok(Input::CrmChanges {
                items: page.items.iter().map(crm_contact).collect(),
                deleted_ids: page.deleted_ids,
                cursor: page.cursor,
                more: page.more,
            });
        }
        CrmCall::Get { ids } => ask("get", ids_array(ids)).await?,
        CrmCall::Create { items } => {
            let dtos: Vec<CrmContactInputDto> = items
                .iter()
                .map(|(c, status)| CrmContactInputDto::new(c, None, status.as_deref()))
                .collect();
            let arg = js::parse(&serde_json::to_string(&dtos).map_err(|e| e.to_string())?);
            ask("create", arg).await?
        }
        CrmCall::Update { items } => {
            let dtos: Vec<CrmUpdateDto> = items
                .iter()
                .map(|u| CrmUpdateDto {
                    id: &u.id,
                    fields: CrmContactInputDto::new(
                        &u.contact,
                        Some(&u.fields),
                        u.status.as_deref(),
                    ),
                    if_modified_at: u.if_modified_at.map(format_rfc3339),
                })
                .collect();
            let arg = js::parse(&serde_json::to_string(&dtos).map_err(|e| e.to_string())?);
            ask("update", arg).await?
        }
        CrmCall::Remove { ids } => {
            ask("remove", ids_array(ids)).await?;
            return Ok(Input::Crm {
                items: Vec::new(),
                next_page_token: None,
            });
        }
    };
    let text = js::json_of(&items).map_err(|f| f.message)?;
    let values: Vec<serde_json::Value> =
        json::from_str(&text).map_err(|e| format!("the host answered {e}"))?;
    Ok(Input::Crm {
        items: values.iter().map(crm_contact).collect(),
        next_page_token: None,
    })
}
