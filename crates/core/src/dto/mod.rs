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
pub mod status;

pub use input::{CrmContactInputDto, CrmUpdateDto};
pub use report::{
    AccountInfoDto, DisconnectDto, GroupDto, PendingDeletionDto, PlanDto, ReportDto, UnreadableDto,
};
pub use status::{account_status, AccountStatusDto, ContactStatusDto};

use crate::json::FromJson;
use crate::json_struct;
use crate::people::time::parse_rfc3339;
use crate::sync::engine::InvalidContact;
use crate::sync::model::{Address, Birthday, Contact, CrmContact, Email, Name, Phone};
use crate::sync::{labels, photo};
use serde_json::Value;
use std::collections::BTreeMap;

// ---- Host → core ----------------------------------------------------------------------------

json_struct! {
    /// An email of the host's `CrmContact`.
    #[derive(Clone, Debug, PartialEq)]
    pub struct EmailDto {
        pub value: String = "value",
        pub kind: Option<String> = "type",
        pub primary: Option<bool> = "primary",
    }
}

json_struct! {
    /// A phone of the host's `CrmContact`.
    #[derive(Clone, Debug, PartialEq)]
    pub struct PhoneDto {
        pub value: String = "value",
        pub kind: Option<String> = "type",
        pub primary: Option<bool> = "primary",
    }
}

json_struct! {
    #[json(default)]
    /// An address of the host's `CrmContact` (read) and `CrmContactInput` (written, every key,
    /// `null` for an empty part).
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct AddressDto {
        pub street: Option<String> = "street",
        pub extended: Option<String> = "extended",
        pub city: Option<String> = "city",
        pub region: Option<String> = "region",
        pub postal_code: Option<String> = "postalCode",
        pub country: Option<String> = "country",
        pub country_code: Option<String> = "countryCode",
        pub kind: Option<String> = "type",
    }
}

json_struct! {
    /// The host's `CrmContact`.
    #[derive(Clone, Debug, PartialEq)]
    pub struct CrmContactDto {
        pub id: String = "id",
        pub modified_at: String = "modifiedAt",
        pub status: Option<String> = "status",
        pub first_name: Option<String> = "firstName",
        pub middle_name: Option<String> = "middleName",
        pub last_name: Option<String> = "lastName",
        pub prefix: Option<String> = "prefix",
        pub suffix: Option<String> = "suffix",
        pub emails: Option<Vec<EmailDto>> = "emails",
        pub phones: Option<Vec<PhoneDto>> = "phones",
        pub addresses: Option<Vec<AddressDto>> = "addresses",
        pub birthday: Option<String> = "birthday",
        pub company: Option<String> = "company",
        pub title: Option<String> = "title",
        pub notes: Option<String> = "notes",
        /// `false`: the current user may not change this contact in the CRM (absent: true).
        pub editable: Option<bool> = "editable",
        /// The host's sentence why the contact is not editable.
        pub read_only_reason: Option<String> = "readOnlyReason",
        /// The contact's photo, as a `data:` URL of a JPEG or PNG (hosts that declare `photo`).
        pub photo: Option<String> = "photo",
        /// The host's custom fields' values as text, by key (hosts that declare
        /// `customFields`); "" for none.
        pub custom: Option<BTreeMap<String, String>> = "custom",
        /// The contact's tags (hosts that declare `tags`).
        pub tags: Option<Vec<String>> = "tags",
    }
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
            photo: match d.photo.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(p) => Some(photo::from_data_url(p).map_err(|e| bad("photo", e.to_string()))?),
            },
            custom: custom_values(d.custom.as_ref()),
            tags: labels::tag_set(d.tags.unwrap_or_default()),
        };
        Ok(CrmContact {
            id: d.id,
            modified_at,
            status: d.status.filter(|s| !s.is_empty()),
            contact,
            read_only: (d.editable == Some(false))
                .then(|| d.read_only_reason.unwrap_or_default().trim().to_string()),
        })
    }
}

/// A host's custom values, trimmed ("" is no value).
fn custom_values(values: Option<&BTreeMap<String, String>>) -> BTreeMap<String, String> {
    (values.into_iter().flatten())
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// One item of a host answer: a contact, or what was wrong with it (with its id when it had one;
/// the engine's report names the contact).
pub fn crm_contact(v: &Value) -> Result<CrmContact, InvalidContact> {
    match CrmContactDto::from_json(v.clone()) {
        Ok(d) => CrmContact::try_from(d),
        Err(e) => Err(InvalidContact {
            message: e.to_string(),
            id: IdOnly::from_json(v.clone()).ok().and_then(|i| i.id),
        }),
    }
}

json_struct! {
    /// The id of an item that is otherwise unreadable.
    struct IdOnly {
        id: Option<String> = "id",
    }
}

json_struct! {
    /// The host's `contacts.list` answer.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ContactPage {
        pub items: Vec<Value> = "items" [default],
        pub next_page_token: Option<String> = "nextPageToken",
    }
}

json_struct! {
    /// What `contacts.changedSince` answers.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ChangesPage {
        pub items: Vec<Value> = "items" [default],
        pub deleted_ids: Vec<String> = "deletedIds" [default],
        pub cursor: String = "cursor",
        pub more: bool = "more" [default],
    }
}

/// Why a token the host's `google.getToken` answered for `account` must not be used, if it must
/// not: the host names the account its token is for (`email`), and a token named for another
/// account, or for none, could sync this account's contacts with another Google account's.
pub fn host_token_refusal(account: &str, email: Option<&str>) -> Option<String> {
    let same = |e: &str| e.trim().eq_ignore_ascii_case(account.trim());
    match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) if same(e) => None,
        Some(e) => Some(format!(
            "the CRM answered a token for another Google account ({e}) than {account}; it was \
             not used: reconnect {account}"
        )),
        None => Some(format!(
            "the CRM answered a Google token without naming its account, so it may be another \
             account's than {account}; it was not used: reconnect {account}"
        )),
    }
}

#[cfg(test)]
mod tests;
