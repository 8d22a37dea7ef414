//! The contact model both sides are mapped into.
//!
//! A [`Contact`] holds exactly the fields the plugin syncs (DESIGN §3): the name parts, emails,
//! phones, addresses, birthday, company, job title and notes. An empty string means "absent":
//! neither the CRM nor Google distinguishes an empty value from a missing one, and treating them
//! alike keeps phantom updates out. Values are kept as the user typed them; comparisons go through
//! [`super::normalize`].

use crate::json_struct;
use serde::{Deserialize, Serialize};
use std::fmt;

pub use crate::people::time::Millis;

/// Which side of the sync a value, an operation or a contact belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    Crm,
    Google,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Crm => Side::Google,
            Side::Google => Side::Crm,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Crm => "crm",
            Side::Google => "google",
        })
    }
}

/// A person's name in parts. Google calls these givenName, middleName, familyName,
/// honorificPrefix and honorificSuffix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Name {
    pub given: String,
    pub middle: String,
    pub family: String,
    pub prefix: String,
    pub suffix: String,
}

impl Name {
    /// "Prefix Given Middle Family Suffix", skipping empty parts.
    pub fn full(&self) -> String {
        let parts = [
            &self.prefix,
            &self.given,
            &self.middle,
            &self.family,
            &self.suffix,
        ];
        let mut out = String::new();
        for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(p);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.full().is_empty()
    }
}

/// An email address with its label ("home", "work", ...; empty when none) and whether it is the
/// contact's primary email.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Email {
    pub value: String,
    pub kind: String,
    /// The contact's primary email. Google flags exactly one item of every non-empty list; a CRM
    /// may flag none, and then says nothing about which is primary (see [`crate::sync::merge`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub primary: bool,
}

/// A phone number as typed, its label, Google's E.164 `canonicalForm` when Google gave one, and
/// whether it is the contact's primary phone (as [`Email::primary`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Phone {
    pub value: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub primary: bool,
}

/// The index of the item a list shows as primary: the first one flagged, else the first item (as
/// Google treats a list it is sent); `None` for an empty list.
pub fn primary_index<T>(items: &[T], primary: impl Fn(&T) -> bool) -> Option<usize> {
    items
        .iter()
        .position(primary)
        .or((!items.is_empty()).then_some(0))
}

/// A postal address. `country_code` is ISO 3166-1 alpha-2 when known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Address {
    pub street: String,
    pub extended: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub country_code: String,
    pub kind: String,
}

impl Address {
    /// The address on one line, empty parts skipped: how previews and logs show it.
    pub fn one_line(&self) -> String {
        let parts = [
            &self.street,
            &self.extended,
            &self.city,
            &self.region,
            &self.postal_code,
            &self.country,
        ];
        parts
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn is_empty(&self) -> bool {
        self.one_line().is_empty() && self.country_code.trim().is_empty()
    }
}

/// A birthday, with or without a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Birthday {
    pub year: Option<u16>,
    pub month: u8,
    pub day: u8,
}

/// The fields the plugin syncs, as one side holds them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Contact {
    pub name: Name,
    pub emails: Vec<Email>,
    pub phones: Vec<Phone>,
    pub addresses: Vec<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday: Option<Birthday>,
    pub company: String,
    pub title: String,
    pub notes: String,
}

impl Contact {
    /// How the contact is named in previews, logs and errors: its full name, else its first email
    /// or phone, else "(no name)".
    pub fn display_name(&self) -> String {
        let full = self.name.full();
        if !full.is_empty() {
            return full;
        }
        if let Some(e) = self.emails.iter().find(|e| !e.value.trim().is_empty()) {
            return e.value.trim().to_string();
        }
        if let Some(p) = self.phones.iter().find(|p| !p.value.trim().is_empty()) {
            return p.value.trim().to_string();
        }
        "(no name)".to_string()
    }
}

/// A contact as the CRM holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrmContact {
    pub id: String,
    /// When the CRM last changed the record; `newest` conflicts compare it with Google's time.
    pub modified_at: Millis,
    pub status: Option<String>,
    pub contact: Contact,
}

/// A contact as Google holds it, reduced to what sync needs. Built from a People API `Person` by
/// [`crate::sync::mapping`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoogleContact {
    /// `people/c…`.
    pub resource_name: String,
    pub etag: String,
    /// The CONTACT source's `updateTime`: the best "last modified" Google offers.
    pub updated_at: Millis,
    /// The CRM contact id from this CRM instance's `clientData` link tag, if the contact has one.
    pub tag: Option<String>,
    /// Further CRM contact ids this instance's tag key carries after `tag`: two tagged contacts
    /// merged in Google. The matcher sets such a contact aside as ambiguous.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_tags: Vec<String>,
    /// Contact group resource names (`contactGroups/…`) the contact belongs to.
    pub groups: Vec<String>,
    pub contact: Contact,
}

/// The scalar fields of a [`Contact`], and the three list fields, by name. Used by merge results,
/// diffs and conflicts so each change names the field it touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    Prefix,
    GivenName,
    MiddleName,
    FamilyName,
    Suffix,
    Emails,
    Phones,
    Addresses,
    Birthday,
    Company,
    Title,
    Notes,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Prefix,
        Field::GivenName,
        Field::MiddleName,
        Field::FamilyName,
        Field::Suffix,
        Field::Emails,
        Field::Phones,
        Field::Addresses,
        Field::Birthday,
        Field::Company,
        Field::Title,
        Field::Notes,
    ];

    /// The name previews and the JS API use.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Prefix => "prefix",
            Field::GivenName => "firstName",
            Field::MiddleName => "middleName",
            Field::FamilyName => "lastName",
            Field::Suffix => "suffix",
            Field::Emails => "emails",
            Field::Phones => "phones",
            Field::Addresses => "addresses",
            Field::Birthday => "birthday",
            Field::Company => "company",
            Field::Title => "title",
            Field::Notes => "notes",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// Reading, through one `Value` deserializer (see `crate::json`).

json_struct!(default Name {
    given: "given",
    middle: "middle",
    family: "family",
    prefix: "prefix",
    suffix: "suffix",
});

json_struct!(default Email {
    value: "value",
    kind: "kind",
    primary: "primary",
});

json_struct!(default Phone {
    value: "value",
    kind: "kind",
    canonical: "canonical",
    primary: "primary",
});

json_struct!(default Address {
    street: "street",
    extended: "extended",
    city: "city",
    region: "region",
    postal_code: "postalCode",
    country: "country",
    country_code: "countryCode",
    kind: "kind",
});

json_struct!(Birthday {
    year: "year",
    month: "month",
    day: "day",
});

json_struct!(default Contact {
    name: "name",
    emails: "emails",
    phones: "phones",
    addresses: "addresses",
    birthday: "birthday",
    company: "company",
    title: "title",
    notes: "notes",
});

json_struct!(GoogleContact {
    resource_name: "resourceName",
    etag: "etag",
    updated_at: "updatedAt",
    tag: "tag",
    extra_tags: "extraTags" or default,
    groups: "groups",
    contact: "contact",
});
