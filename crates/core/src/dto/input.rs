//! What the plugin hands the host's `contacts.create` and `contacts.update`: core contacts as
//! the host's `CrmContactInput`.

use super::AddressDto;
use crate::people::time::format_rfc3339;
use crate::sync::engine::CrmUpdate;
use crate::sync::merge::text;
use crate::sync::model::{primary_index, Address, Contact, Field};
use serde::Serialize;

/// An email for the host. Only the primary item says so: the merge puts it first and flags no
/// other, so a host that stores no flag still reads it back as primary (the first item).
#[derive(Serialize)]
pub struct EmailOut<'a> {
    value: &'a str,
    #[serde(rename = "type", skip_serializing_if = "str::is_empty")]
    kind: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    primary: bool,
}

/// A phone for the host, flagged as [`EmailOut`].
#[derive(Serialize)]
pub struct PhoneOut<'a> {
    value: &'a str,
    #[serde(rename = "type", skip_serializing_if = "str::is_empty")]
    kind: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    primary: bool,
}

/// The host's `CrmContactInput`: every field when creating, only the changed ones when updating.
/// An empty string clears a text field (and the birthday), an empty list a list.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CrmContactInputDto<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    middle_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suffix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    emails: Option<Vec<EmailOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phones: Option<Vec<PhoneOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addresses: Option<Vec<AddressDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthday: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    /// The custom fields written, by key ("" clears one).
    #[serde(skip_serializing_if = "Option::is_none")]
    custom: Option<std::collections::BTreeMap<&'a str, &'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<&'a [String]>,
}

impl<'a> CrmContactInputDto<'a> {
    /// `fields`: the fields to write, or `None` for all of them.
    pub fn new(c: &'a Contact, fields: Option<&[Field]>, status: Option<&'a str>) -> Self {
        let mut d = CrmContactInputDto {
            status,
            ..Default::default()
        };
        for f in Field::ALL {
            if fields.is_some_and(|fs| !fs.contains(&f)) {
                continue;
            }
            let t = Some(text(c, f));
            match f {
                Field::Prefix => d.prefix = t,
                Field::GivenName => d.first_name = t,
                Field::MiddleName => d.middle_name = t,
                Field::FamilyName => d.last_name = t,
                Field::Suffix => d.suffix = t,
                Field::Company => d.company = t,
                Field::Title => d.title = t,
                Field::Notes => d.notes = t,
                Field::Custom => {}
                Field::Emails => {
                    d.emails = Some(
                        primary_first(&c.emails, |e| e.primary)
                            .map(|e| EmailOut {
                                value: &e.value,
                                kind: &e.kind,
                                primary: e.primary,
                            })
                            .collect(),
                    )
                }
                Field::Phones => {
                    d.phones = Some(
                        primary_first(&c.phones, |p| p.primary)
                            .map(|p| PhoneOut {
                                value: &p.value,
                                kind: &p.kind,
                                primary: p.primary,
                            })
                            .collect(),
                    )
                }
                Field::Addresses => d.addresses = Some(c.addresses.iter().map(address).collect()),
                Field::Birthday => {
                    d.birthday = Some(c.birthday.map(|b| b.to_string()).unwrap_or_default())
                }
                // A create says nothing of tags it has none of: hosts without tags take it as is.
                Field::Tags if fields.is_none() && c.tags.is_empty() => {}
                Field::Tags => d.tags = Some(&c.tags),
            }
        }
        // A create writes every custom value; an update the ones in `contact.custom`, which the
        // engine cut to the changed keys ("" for a value cleared).
        let custom = fields.is_none_or(|fs| fs.contains(&Field::Custom));
        if custom && !c.custom.is_empty() {
            d.custom = Some(
                c.custom
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect(),
            );
        }
        d
    }
}

/// A list's items with the primary one first, the rest in their order.
fn primary_first<T>(items: &[T], flag: impl Fn(&T) -> bool) -> impl Iterator<Item = &T> {
    let at = primary_index(items, flag).unwrap_or(0);
    items.get(at).into_iter().chain(
        items
            .iter()
            .enumerate()
            .filter(move |(i, _)| *i != at)
            .map(|(_, x)| x),
    )
}

fn address(a: &Address) -> AddressDto {
    let o = |s: &String| (!s.is_empty()).then(|| s.clone());
    AddressDto {
        street: o(&a.street),
        extended: o(&a.extended),
        city: o(&a.city),
        region: o(&a.region),
        postal_code: o(&a.postal_code),
        country: o(&a.country),
        country_code: o(&a.country_code),
        kind: o(&a.kind),
    }
}

/// One item of the host's `contacts.update` argument.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrmUpdateDto<'a> {
    pub id: &'a str,
    pub fields: CrmContactInputDto<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub if_modified_at: Option<String>,
}

impl<'a> From<&'a CrmUpdate> for CrmUpdateDto<'a> {
    fn from(u: &'a CrmUpdate) -> Self {
        CrmUpdateDto {
            id: &u.id,
            fields: CrmContactInputDto::new(&u.contact, Some(&u.fields), u.status.as_deref()),
            if_modified_at: u.if_modified_at.map(format_rfc3339),
        }
    }
}
