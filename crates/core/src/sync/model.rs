//! The contact model both sides are mapped into.
//!
//! A [`Contact`] holds exactly the fields the plugin syncs (docs/sync-rules.md, "Fields"): the name
//! parts, emails, phones, addresses, birthday, company, job title and notes. An empty string means
//! "absent": neither the CRM nor Google distinguishes an empty value from a missing one, and
//! treating them alike keeps phantom updates out. Values are kept as the user typed them;
//! comparisons go through [`super::normalize`].

use crate::{json_enum, json_struct};
use std::collections::BTreeMap;
use std::fmt;

pub use crate::people::time::Millis;

json_enum! {
    /// Which side of the sync a value, an operation or a contact belongs to.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Side {
        Crm = "crm",
        Google = "google",
    }
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

json_struct! {
    /// A person's name in parts. Google calls these givenName, middleName, familyName,
    /// honorificPrefix and honorificSuffix.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Name {
        pub given: String = "given" [default],
        pub middle: String = "middle" [default],
        pub family: String = "family" [default],
        pub prefix: String = "prefix" [default],
        pub suffix: String = "suffix" [default],
    }
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

json_struct! {
    /// An email address with its label ("home", "work", ...; empty when none) and whether it is
    /// the contact's primary email.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Email {
        pub value: String = "value" [default],
        pub kind: String = "kind" [default],
        /// The contact's primary email. Google flags exactly one item of every non-empty list; a
        /// CRM may flag none, and then says nothing about which is primary (see
        /// [`crate::sync::merge`]).
        pub primary: bool = "primary" [skip_empty],
    }
}

json_struct! {
    /// A phone number as typed, its label, Google's E.164 `canonicalForm` when Google gave one, and
    /// whether it is the contact's primary phone (as [`Email::primary`]).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Phone {
        pub value: String = "value" [default],
        pub kind: String = "kind" [default],
        pub canonical: Option<String> = "canonical" [skip_empty],
        pub primary: bool = "primary" [skip_empty],
    }
}

/// The index of the item a list shows as primary: the first one flagged, else the first item (as
/// Google treats a list it is sent); `None` for an empty list.
pub fn primary_index<T>(items: &[T], primary: impl Fn(&T) -> bool) -> Option<usize> {
    items
        .iter()
        .position(primary)
        .or((!items.is_empty()).then_some(0))
}

json_struct! {
    /// A postal address. `country_code` is ISO 3166-1 alpha-2 when known.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Address {
        pub street: String = "street" [default],
        pub extended: String = "extended" [default],
        pub city: String = "city" [default],
        pub region: String = "region" [default],
        pub postal_code: String = "postalCode" [default],
        pub country: String = "country" [default],
        pub country_code: String = "countryCode" [default],
        pub kind: String = "kind" [default],
    }
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

json_struct! {
    /// A birthday, with or without a year.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct Birthday {
        pub year: Option<u16> = "year",
        pub month: u8 = "month",
        pub day: u8 = "day",
    }
}

json_struct! {
    /// The user's own photo of a contact (never a Google profile's photo, never Google's generated
    /// one). The merge treats it as one value, compared by `hash` (docs/sync-rules.md, "Photos").
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
    pub struct Photo {
        /// A hash of the image's base64 text ([`crate::sync::photo::hash`]); empty for a Google
        /// photo not downloaded (its `url` then stands for it).
        pub hash: String = "hash" [default],
        /// Google's URL of the photo; empty for a photo Google has not been sent. Google gives
        /// every upload a new URL, so an unchanged URL is an unchanged photo.
        pub url: String = "url" [default],
        /// The image as a `data:` URL, while a run holds its bytes (never stored in a base).
        pub data: String = "data" [skip_empty],
    }
}

json_struct! {
    /// The fields the plugin syncs, as one side holds them.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct Contact {
        pub name: Name = "name" [default],
        pub emails: Vec<Email> = "emails" [default],
        pub phones: Vec<Phone> = "phones" [default],
        pub addresses: Vec<Address> = "addresses" [default],
        pub birthday: Option<Birthday> = "birthday" [skip_empty],
        pub company: String = "company" [default],
        pub title: String = "title" [default],
        pub notes: String = "notes" [default],
        /// Synced apart from the other fields, after them, for hosts that hold a photo
        /// ([`crate::sync::photo`]); the base keeps the photo both sides agreed on.
        pub photo: Option<Photo> = "photo" [skip_empty],
        /// The host's custom fields' values, by the host's key, in their canonical text
        /// ([`crate::sync::custom`]); absent in states stored before custom fields existed.
        pub custom: BTreeMap<String, String> = "custom" [skip_empty],
        /// The CRM tags the settings map to Google labels ([`crate::sync::labels`]): on Google's
        /// side, the contact's memberships of the mapped groups. Merged as a set.
        pub tags: Vec<String> = "tags" [skip_empty],
    }
}

impl Contact {
    /// Whether the fields the merge compares are equal: all but the photo, which is merged
    /// apart ([`crate::sync::photo`]).
    pub fn same_fields(&self, other: &Contact) -> bool {
        self.name == other.name
            && self.emails == other.emails
            && self.phones == other.phones
            && self.addresses == other.addresses
            && self.birthday == other.birthday
            && self.company == other.company
            && self.title == other.title
            && self.notes == other.notes
            && self.custom == other.custom
            && self.tags == other.tags
    }

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

json_struct! {
    /// A contact as the CRM holds it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct CrmContact {
        pub id: String = "id",
        /// When the CRM last changed the record; `newest` conflicts compare it with Google's time.
        pub modified_at: Millis = "modifiedAt",
        pub status: Option<String> = "status",
        pub contact: Contact = "contact",
        /// The current user may not change this record in the CRM (another user's, say), with
        /// the host's sentence why ("" when it gave none): the plugin writes nothing onto it,
        /// and says so when it writes its values to Google (see [`crate::sync::plan`]).
        pub read_only: Option<String> = "readOnly" [skip_empty],
    }
}

impl CrmContact {
    /// Whether the current user may change this record in the CRM.
    pub fn editable(&self) -> bool {
        self.read_only.is_none()
    }
}

json_struct! {
    /// A contact as Google holds it, reduced to what sync needs. Built from a People API
    /// `Person` by [`crate::sync::mapping`].
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct GoogleContact {
        /// `people/c…`.
        pub resource_name: String = "resourceName",
        pub etag: String = "etag",
        /// The CONTACT source's `updateTime`: the best "last modified" Google offers.
        pub updated_at: Millis = "updatedAt",
        /// The CRM contact id from this CRM instance's `clientData` link tag, if the contact has
        /// one.
        pub tag: Option<String> = "tag",
        /// Further CRM contact ids this instance's tag key carries after `tag`: two tagged contacts
        /// merged in Google. The matcher sets such a contact aside as ambiguous.
        pub extra_tags: Vec<String> = "extraTags" [skip_empty],
        /// Contact group resource names (`contactGroups/…`) the contact belongs to.
        pub groups: Vec<String> = "groups",
        pub contact: Contact = "contact",
    }
}

json_enum! {
    /// The scalar fields of a [`Contact`], and the three list fields, by name. Used by merge
    /// results, diffs and conflicts so each change names the field it touches.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Field {
        Prefix = "prefix",
        GivenName = "givenName",
        MiddleName = "middleName",
        FamilyName = "familyName",
        Suffix = "suffix",
        Emails = "emails",
        Phones = "phones",
        Addresses = "addresses",
        Birthday = "birthday",
        Company = "company",
        Title = "title",
        Notes = "notes",
        Tags = "tags",
        /// A custom field of the host ([`crate::sync::custom`]), not one of [`Field::ALL`]:
        /// its changes name the field's key beside it.
        Custom = "custom",
    }
}

impl Field {
    pub const ALL: [Field; 13] = [
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
        Field::Tags,
    ];

    /// [`Field::as_str`] of each of [`Field::ALL`], in order.
    pub const ALL_NAMES: [&'static str; 13] = [
        "prefix",
        "firstName",
        "middleName",
        "lastName",
        "suffix",
        "emails",
        "phones",
        "addresses",
        "birthday",
        "company",
        "title",
        "notes",
        "tags",
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
            Field::Tags => "tags",
            Field::Custom => "custom",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
