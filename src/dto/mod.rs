//! The host contract's data shapes (api.d.ts) and their conversions to and from the core's
//! types. Pure, so native tests reach every conversion; the shell moves the values across the
//! JS boundary and the bindings hand the answers to JS.
//!
//! Host data arrives as a [`Value`] (read from the JS value by serde-wasm-bindgen, its strings
//! NFC-normalized), becomes a DTO through [`crate::json`], then a core type through an explicit
//! `TryFrom` that names the contact and the field when something is wrong. Output DTOs
//! ([`input`] for the host's writes, [`report`] for the JS API's answers) borrow from the core's
//! values and serialize with serde.

mod input;
mod report;

pub use input::{CrmContactInputDto, CrmUpdateDto};
pub use report::{AccountInfoDto, DisconnectDto, GroupDto, PlanDto, ReportDto, UnreadableDto};

use crate::json::FromJson;
use crate::json_struct;
use crate::people::time::parse_rfc3339;
use crate::sync::engine::InvalidContact;
use crate::sync::model::{Address, Birthday, Contact, CrmContact, Email, Name, Phone};
use serde::Serialize;
use serde_json::Value;

// ---- Host → core ----------------------------------------------------------------------------

pub struct EmailDto {
    pub value: String,
    pub kind: Option<String>,
    pub primary: Option<bool>,
}

pub struct PhoneDto {
    pub value: String,
    pub kind: Option<String>,
    pub primary: Option<bool>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct AddressDto {
    pub street: Option<String>,
    pub extended: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// The host's `CrmContact`.
pub struct CrmContactDto {
    pub id: String,
    pub modified_at: String,
    pub status: Option<String>,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub emails: Option<Vec<EmailDto>>,
    pub phones: Option<Vec<PhoneDto>>,
    pub addresses: Option<Vec<AddressDto>>,
    pub birthday: Option<String>,
    pub company: Option<String>,
    pub title: Option<String>,
    pub notes: Option<String>,
}

impl TryFrom<CrmContactDto> for CrmContact {
    type Error = InvalidContact;

    fn try_from(d: CrmContactDto) -> Result<CrmContact, InvalidContact> {
        let bad = |field: &str, why: String| InvalidContact {
            id: Some(d.id.clone()),
            message: format!("{field}: {why}"),
        };
        if d.id.trim().is_empty() {
            return Err(bad("id", "empty".into()));
        }
        let modified_at = parse_rfc3339(&d.modified_at).map_err(|e| bad("modifiedAt", e.0))?;
        let birthday = match d.birthday.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(b) => Some(Birthday::parse(b).map_err(|e| bad("birthday", e.to_string()))?),
        };
        let s = |v: Option<String>| v.unwrap_or_default();
        let contact = Contact {
            name: Name {
                given: s(d.first_name),
                middle: s(d.middle_name),
                family: s(d.last_name),
                prefix: s(d.prefix),
                suffix: s(d.suffix),
            },
            emails: d
                .emails
                .unwrap_or_default()
                .into_iter()
                .map(|e| Email {
                    value: e.value,
                    kind: s(e.kind),
                    primary: e.primary.unwrap_or(false),
                })
                .collect(),
            phones: d
                .phones
                .unwrap_or_default()
                .into_iter()
                .map(|p| Phone {
                    value: p.value,
                    kind: s(p.kind),
                    canonical: None,
                    primary: p.primary.unwrap_or(false),
                })
                .collect(),
            addresses: d
                .addresses
                .unwrap_or_default()
                .into_iter()
                .map(|a| Address {
                    street: s(a.street),
                    extended: s(a.extended),
                    city: s(a.city),
                    region: s(a.region),
                    postal_code: s(a.postal_code),
                    country: s(a.country),
                    country_code: s(a.country_code),
                    kind: s(a.kind),
                })
                .collect(),
            birthday,
            company: s(d.company),
            title: s(d.title),
            notes: s(d.notes),
        };
        Ok(CrmContact {
            id: d.id,
            modified_at,
            status: d.status.filter(|s| !s.is_empty()),
            contact,
        })
    }
}

/// One item of a host answer: a contact, or what was wrong with it (with its id when it had one;
/// the engine's report names the contact).
pub fn crm_contact(v: &Value) -> Result<CrmContact, InvalidContact> {
    match CrmContactDto::from_json(v.clone()) {
        Ok(d) => CrmContact::try_from(d),
        Err(e) => Err(InvalidContact {
            message: e,
            id: IdOnly::from_json(v.clone()).ok().and_then(|i| i.id),
        }),
    }
}

/// The id of an item that is otherwise unreadable.
struct IdOnly {
    id: Option<String>,
}

/// The host's `contacts.list` answer.
pub struct ContactPage {
    pub items: Vec<Value>,
    pub next_page_token: Option<String>,
}

// Reading, through one `Value` deserializer (see `crate::json`).

json_struct!(EmailDto {
    value: "value",
    kind: "type",
    primary: "primary",
});

json_struct!(PhoneDto {
    value: "value",
    kind: "type",
    primary: "primary",
});

json_struct!(default AddressDto {
    street: "street",
    extended: "extended",
    city: "city",
    region: "region",
    postal_code: "postalCode",
    country: "country",
    country_code: "countryCode",
    kind: "type",
});

json_struct!(CrmContactDto {
    id: "id",
    modified_at: "modifiedAt",
    status: "status",
    first_name: "firstName",
    middle_name: "middleName",
    last_name: "lastName",
    prefix: "prefix",
    suffix: "suffix",
    emails: "emails",
    phones: "phones",
    addresses: "addresses",
    birthday: "birthday",
    company: "company",
    title: "title",
    notes: "notes",
});

json_struct!(IdOnly { id: "id" });

/// What `contacts.changedSince` answers.
pub struct ChangesPage {
    pub items: Vec<Value>,
    pub deleted_ids: Vec<String>,
    pub cursor: String,
    pub more: bool,
}

json_struct!(ChangesPage {
    items: "items" or default,
    deleted_ids: "deletedIds" or default,
    cursor: "cursor",
    more: "more" or default,
});

json_struct!(ContactPage {
    items: "items" or default,
    next_page_token: "nextPageToken",
});

#[cfg(test)]
mod tests;
