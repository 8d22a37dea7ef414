//! People API `Person` ⇄ the core [`Contact`].
//!
//! Reading ([`google_contact`]) reduces a Person to the synced fields. Writing
//! ([`apply_to_person`]) goes the other way without losing anything: it edits a copy of the
//! Person Google last returned, touching only the fields it is told to, and it reuses Google's own
//! item for every email, phone and address whose comparison key is unchanged, so the item's
//! metadata, `displayName` and other keys we do not model survive. The item's label is the one
//! thing of a reused item the merge decides: when it differs from the wanted one it is rewritten
//! (and Google's derived `formattedType` dropped), else the label the merge settled on never
//! reaches Google and the next run reads Google's old label as an edit. The primary email and
//! phone are decided by the merge too, and Google's `metadata.primary` is output only: Google makes
//! the first item of a list its primary, so the wanted primary is written first, and a list whose
//! primary moved is sent even when its items are unchanged. It reports which Google
//! fields really changed, for `updatePersonFields`: a field whose Google value already equals the
//! wanted one is not sent, so our own writes echoing back cost nothing.
//!
//! Only the contact's own items are read or written. The plugin reads with
//! `sources=READ_SOURCE_TYPE_CONTACT`, but should Google answer with a linked profile merged in,
//! the profile's items (names, emails, photos with a PROFILE `metadata.source`) are not the
//! user's contact data: reading one would import a profile's email into the CRM, and writing one
//! back is refused. Singletons (names, birthdays, biographies) are written as exactly one item:
//! Google answers 400 to more.
//! The CRM side needs no mapping here: the bindings turn host objects into core contacts.

use super::model::{
    primary_index, Address, Birthday, Contact, Email, Field, GoogleContact, Name, Phone,
};
use super::normalize::{address_key, email_key, phone_key, text_key, Region};
use crate::people::tag;
use crate::people::time::parse_rfc3339;
use crate::people::wire::{self, from_contact, FieldMetadata, Membership, Person, TEXT_PLAIN};
use std::fmt;

/// A Person the sync cannot use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MappingError {
    /// Every contact Google returns has a `resourceName`; one without it cannot be linked.
    MissingResourceName { etag: Option<String> },
}

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MappingError::MissingResourceName { etag } => write!(
                f,
                "Google returned a person without a resourceName (etag {})",
                etag.as_deref().unwrap_or("none")
            ),
        }
    }
}

impl std::error::Error for MappingError {}

/// The Google side of a link, as the sync sees it. `instance_id` picks this CRM instance's tag
/// out of the person's `clientData`.
pub fn google_contact(person: &Person, instance_id: &str) -> Result<GoogleContact, MappingError> {
    let resource_name = person
        .resource_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| MappingError::MissingResourceName {
            etag: person.etag.clone(),
        })?;
    let source = person.contact_source();
    let etag = person
        .etag
        .clone()
        .or_else(|| source.and_then(|s| s.etag.clone()))
        .unwrap_or_default();
    // A missing or unreadable updateTime makes the contact "oldest", so a `newest` conflict goes
    // to the CRM rather than failing the whole contact.
    let updated_at = source
        .and_then(|s| s.update_time.as_deref())
        .and_then(|t| parse_rfc3339(t).ok())
        .unwrap_or(0);
    let own_data: Vec<wire::ClientData> = (person.client_data.iter())
        .filter(|c| from_contact(&c.metadata))
        .cloned()
        .collect();
    let mut tags = tag::crm_ids(&own_data, instance_id).into_iter();
    Ok(GoogleContact {
        resource_name,
        etag,
        updated_at,
        tag: tags.next(),
        extra_tags: tags.collect(),
        groups: person
            .memberships
            .iter()
            .filter(|m| from_contact(&m.metadata))
            .filter_map(Membership::group_resource_name)
            .map(str::to_string)
            .collect(),
        contact: contact(person),
    })
}

/// The synced fields of a person, from the contact's own items. Duplicate emails, phones and
/// addresses are kept once, first wins.
pub fn contact(person: &Person) -> Contact {
    let mut c = Contact {
        name: pick(&person.names, |n| &n.metadata)
            .map(name_of)
            .unwrap_or_default(),
        birthday: pick(&person.birthdays, |b| &b.metadata).and_then(birthday_of),
        notes: pick(&person.biographies, |b| &b.metadata)
            .map(|b| text(&b.value))
            .unwrap_or_default(),
        photo: super::photo::of_person(person),
        ..Contact::default()
    };
    let own = |m: &Option<FieldMetadata>| from_contact(m);
    for e in (person.email_addresses.iter())
        .filter(|e| own(&e.metadata))
        .map(email_of)
    {
        if !e.value.trim().is_empty() && !c.emails.iter().any(|x| email_key(x) == email_key(&e)) {
            c.emails.push(e);
        }
    }
    for p in (person.phone_numbers.iter())
        .filter(|p| own(&p.metadata))
        .map(phone_of)
    {
        if !p.value.trim().is_empty()
            && !c
                .phones
                .iter()
                .any(|x| same_phone(x, &p, Region::default()))
        {
            c.phones.push(p);
        }
    }
    for a in (person.addresses.iter())
        .filter(|a| own(&a.metadata))
        .map(address_of)
    {
        if !a.is_empty()
            && !c
                .addresses
                .iter()
                .any(|x| address_key(x) == address_key(&a))
        {
            c.addresses.push(a);
        }
    }
    if let Some(o) = person.organizations.iter().find(|o| own(&o.metadata)) {
        c.company = text(&o.name);
        c.title = text(&o.title);
    }
    c
}

/// Writes the named `fields` of `contact` into a copy of `person` and returns it with the Google
/// field names that changed, in `updatePersonFields` order. Everything else is left as it was,
/// except the items of other sources than the contact (a linked profile's), which the copy
/// drops: they are not the contact's, and Google refuses them in a write.
/// `region` is the account's, the one the merge keyed phones with: the two must agree on which
/// phones are one number, or a phone the merge kept would be written as a new item.
pub fn apply_to_person(
    person: &Person,
    contact: &Contact,
    fields: &[Field],
    region: Region,
) -> (Person, Vec<&'static str>) {
    let has = |f: Field| fields.contains(&f);
    let person = &person.clone().contact_only();
    let mut out = person.clone();
    let mut changed = Vec::new();

    if [
        Field::Prefix,
        Field::GivenName,
        Field::MiddleName,
        Field::FamilyName,
        Field::Suffix,
    ]
    .into_iter()
    .any(has)
    {
        let mut item = own_item(pick(&person.names, |n| &n.metadata));
        let n = &contact.name;
        let mut dirty = false;
        for (field, slot, value) in [
            (Field::Prefix, &mut item.honorific_prefix, &n.prefix),
            (Field::GivenName, &mut item.given_name, &n.given),
            (Field::MiddleName, &mut item.middle_name, &n.middle),
            (Field::FamilyName, &mut item.family_name, &n.family),
            (Field::Suffix, &mut item.honorific_suffix, &n.suffix),
        ] {
            if has(field) {
                dirty |= set_text(slot, value);
            }
        }
        if dirty {
            // Google derives these from the parts; a stale unstructuredName sent next to new
            // parts would contradict them.
            item.display_name = None;
            item.display_name_last_first = None;
            item.unstructured_name = None;
            let empty = name_of(&item).is_empty() && item.other.is_empty();
            out.names = if empty { Vec::new() } else { vec![item] };
            changed.push("names");
        }
    }

    if has(Field::Emails) {
        let wanted: Vec<&Email> = contact
            .emails
            .iter()
            .filter(|e| !e.value.trim().is_empty())
            .collect();
        let (wanted, primary) = primary_first(wanted, |e| e.primary);
        let rewritten = rewrite(
            &person.email_addresses,
            &wanted,
            primary.then_some(Flag {
                get: |w| flagged(&w.metadata),
                set: |w, v| set_flag(&mut w.metadata, v),
            }),
            |w, c| email_key(&email_of(w)) == email_key(c),
            |w, c| relabel(&mut w.kind, &mut w.other, &c.kind),
            |c| wire::EmailAddress {
                value: Some(c.value.trim().to_string()),
                kind: non_empty(&c.kind),
                ..Default::default()
            },
        );
        if let Some(list) = rewritten {
            out.email_addresses = list;
            changed.push("emailAddresses");
        }
    }

    if has(Field::Phones) {
        let wanted: Vec<&Phone> = contact
            .phones
            .iter()
            .filter(|p| !p.value.trim().is_empty())
            .collect();
        let (wanted, primary) = primary_first(wanted, |p| p.primary);
        let rewritten = rewrite(
            &person.phone_numbers,
            &wanted,
            primary.then_some(Flag {
                get: |w| flagged(&w.metadata),
                set: |w, v| set_flag(&mut w.metadata, v),
            }),
            |w, c| same_phone(&phone_of(w), c, region),
            |w, c| relabel(&mut w.kind, &mut w.other, &c.kind),
            |c| wire::PhoneNumber {
                value: Some(c.value.trim().to_string()),
                kind: non_empty(&c.kind),
                ..Default::default()
            },
        );
        if let Some(list) = rewritten {
            out.phone_numbers = list;
            changed.push("phoneNumbers");
        }
    }

    if has(Field::Addresses) {
        let wanted: Vec<&Address> = contact.addresses.iter().filter(|a| !a.is_empty()).collect();
        // Addresses have no primary the sync decides (the host contract has none): Google's
        // primary address is whichever it flags, never a reason to send the list.
        let rewritten = rewrite(
            &person.addresses,
            &wanted,
            None,
            |w, c| address_key(&address_of(w)) == address_key(c),
            |w, c| relabel(&mut w.kind, &mut w.other, &c.kind),
            |c| wire::Address {
                street_address: non_empty(&c.street),
                extended_address: non_empty(&c.extended),
                city: non_empty(&c.city),
                region: non_empty(&c.region),
                postal_code: non_empty(&c.postal_code),
                country: non_empty(&c.country),
                country_code: non_empty(&c.country_code),
                kind: non_empty(&c.kind),
                ..Default::default()
            },
        );
        if let Some(list) = rewritten {
            out.addresses = list;
            changed.push("addresses");
        }
    }

    if has(Field::Birthday) {
        let current = pick(&person.birthdays, |b| &b.metadata);
        if current.and_then(birthday_of) != contact.birthday {
            out.birthdays = match contact.birthday {
                None => Vec::new(),
                Some(b) => {
                    let mut item = own_item(current);
                    // "Clients should always set the `date` field when mutating birthdays"; the
                    // deprecated text would contradict it.
                    item.text = None;
                    item.date = Some(wire::Date {
                        year: b.year.map(i32::from),
                        month: Some(i32::from(b.month)),
                        day: Some(i32::from(b.day)),
                    });
                    vec![item]
                }
            };
            changed.push("birthdays");
        }
    }

    if has(Field::Company) || has(Field::Title) {
        let first = person.organizations.first();
        let mut item = first.cloned().unwrap_or_default();
        let mut dirty = false;
        if has(Field::Company) {
            dirty |= set_text(&mut item.name, &contact.company);
        }
        if has(Field::Title) {
            dirty |= set_text(&mut item.title, &contact.title);
        }
        if dirty {
            // An organization left with nothing but its label is dropped; one with a department
            // or dates is the user's and stays.
            let only_labels = item
                .other
                .keys()
                .all(|k| matches!(k.as_str(), "type" | "formattedType" | "current"));
            let empty = item.name.is_none() && item.title.is_none() && only_labels;
            match (first.is_some(), empty) {
                (true, true) => {
                    out.organizations.remove(0);
                }
                (true, false) => out.organizations[0] = item,
                (false, _) => out.organizations.insert(0, item),
            }
            changed.push("organizations");
        }
    }

    if has(Field::Notes) {
        let current = pick(&person.biographies, |b| &b.metadata);
        if current.map(|b| text(&b.value)).unwrap_or_default() != contact.notes {
            out.biographies = if contact.notes.is_empty() {
                Vec::new()
            } else {
                let mut item = own_item(current);
                item.value = Some(contact.notes.clone());
                item.content_type = Some(TEXT_PLAIN.to_string());
                vec![item]
            };
            changed.push("biographies");
        }
    }

    (out, changed)
}

/// The Person to create for a CRM contact: its fields, this instance's tag and the target groups
/// (membership is set in the create itself, docs/sync-rules.md, "Scope").
pub fn new_person(contact: &Contact, tag: (&str, &str), groups: &[String]) -> Person {
    // A new person has no items to match, so the region decides nothing here.
    let (mut person, _) =
        apply_to_person(&Person::default(), contact, &Field::ALL, Region::default());
    tag::set(&mut person.client_data, tag.0, tag.1);
    person.memberships = groups.iter().map(|g| Membership::group(g)).collect();
    person
}

/// The singleton item the sync reads: the CONTACT source's. A person whose only name is its
/// profile's has no name of its own.
fn pick<T>(items: &[T], meta: impl Fn(&T) -> &Option<FieldMetadata>) -> Option<&T> {
    items.iter().find(|i| from_contact(meta(i)))
}

/// A copy of the contact's item to rewrite, or a new one.
fn own_item<T: Clone + Default>(item: Option<&T>) -> T {
    item.cloned().unwrap_or_default()
}

/// The list to send, or `None` when `wanted` is what Google already has (in any order, up to
/// duplicates, with the same primary item). Items matching an existing one (each existing item used
/// once) are that item, with its label set to the wanted one by `relabel` (which says whether it
/// changed it). With a `primary` flag, `wanted[0]` is the primary the merge decided, and a list
/// whose primary (the item Google flags, else its first) is another is sent.
fn rewrite<W: Clone, C>(
    existing: &[W],
    wanted: &[&C],
    primary: Option<Flag<W>>,
    same: impl Fn(&W, &C) -> bool,
    relabel: impl Fn(&mut W, &C) -> bool,
    build: impl Fn(&C) -> W,
) -> Option<Vec<W>> {
    let moved = match (&primary, wanted.first()) {
        (Some(p), Some(first)) => {
            primary_index(existing, p.get).is_some_and(|at| !same(&existing[at], first))
        }
        _ => false,
    };
    let mut used = vec![false; existing.len()];
    let mut out = Vec::with_capacity(wanted.len());
    let mut unchanged = true;
    for c in wanted {
        match (0..existing.len()).find(|&i| !used[i] && same(&existing[i], c)) {
            Some(i) => {
                used[i] = true;
                let mut item = existing[i].clone();
                if relabel(&mut item, c) {
                    unchanged = false;
                }
                out.push(item);
            }
            None => {
                unchanged = false;
                out.push(build(c));
            }
        }
    }
    // An unused existing item that duplicates a wanted one (the same address twice) is not a
    // removal: the contact read from this person would not have it either.
    let duplicate = |i: usize| wanted.iter().any(|c| same(&existing[i], c));
    if unchanged && !moved && (0..existing.len()).all(|i| used[i] || duplicate(i)) {
        None
    } else {
        if let Some(p) = primary {
            // Output only for Google, but what is sent then says what Google will answer.
            for (n, item) in out.iter_mut().enumerate() {
                (p.set)(item, n == 0);
            }
        }
        Some(out)
    }
}

/// Reads and sets a wire item's `metadata.primary`.
struct Flag<W> {
    get: fn(&W) -> bool,
    set: fn(&mut W, bool),
}

/// The wanted items with the flagged one moved to the front, the rest in their order (Google
/// makes the first item primary), and whether one was flagged.
fn primary_first<C>(mut wanted: Vec<&C>, flag: impl Fn(&C) -> bool) -> (Vec<&C>, bool) {
    match wanted.iter().position(|c| flag(c)) {
        Some(at) => {
            let item = wanted.remove(at);
            wanted.insert(0, item);
            (wanted, true)
        }
        None => (wanted, false),
    }
}

/// Marks a reused item primary or not in its metadata, so no item we send claims a primary it
/// lost. An item we built has no metadata and gets none: its place in the list says it.
fn set_flag(metadata: &mut Option<FieldMetadata>, primary: bool) {
    if let Some(m) = metadata {
        m.primary = primary.then_some(true);
    }
}

/// An item's `metadata.primary`; an item without metadata (one we built) is not primary.
fn flagged(metadata: &Option<FieldMetadata>) -> bool {
    metadata.as_ref().and_then(|m| m.primary) == Some(true)
}

/// Gives a reused item the label the merge settled on; true when that changed it. Labels compare
/// as the merge compares them (`text_key`: "Work" is "work"), so a label that differs only in
/// ways the merge ignores is not rewritten, and a run after this one finds nothing to write.
/// Google derives `formattedType` from `type`; a stale one next to a new type would contradict it.
fn relabel(kind: &mut Option<String>, other: &mut wire::Other, wanted: &str) -> bool {
    if text_key(&text(kind)) == text_key(wanted) {
        return false;
    }
    *kind = non_empty(wanted);
    other.remove("formattedType");
    true
}

/// Sets an optional wire string to `value` ("" clears it); true when it changed.
fn set_text(slot: &mut Option<String>, value: &str) -> bool {
    if text(slot) == value {
        return false;
    }
    *slot = non_empty(value);
    true
}

fn text(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn name_of(n: &wire::Name) -> Name {
    Name {
        given: text(&n.given_name),
        middle: text(&n.middle_name),
        family: text(&n.family_name),
        prefix: text(&n.honorific_prefix),
        suffix: text(&n.honorific_suffix),
    }
}

fn email_of(e: &wire::EmailAddress) -> Email {
    Email {
        value: text(&e.value),
        kind: text(&e.kind),
        primary: flagged(&e.metadata),
    }
}

fn phone_of(p: &wire::PhoneNumber) -> Phone {
    Phone {
        value: text(&p.value),
        kind: text(&p.kind),
        canonical: p.canonical_form.clone().filter(|c| !c.trim().is_empty()),
        primary: flagged(&p.metadata),
    }
}

fn address_of(a: &wire::Address) -> Address {
    let mut out = Address {
        street: text(&a.street_address),
        extended: text(&a.extended_address),
        city: text(&a.city),
        region: text(&a.region),
        postal_code: text(&a.postal_code),
        country: text(&a.country),
        country_code: text(&a.country_code),
        kind: text(&a.kind),
    };
    // An address typed into the Contacts UI's single box has only `formattedValue`; it is still
    // an address, kept whole as the street line.
    if out.is_empty() {
        out.street = text(&a.formatted_value);
    }
    out
}

/// `date` first (year 0 = no year; month or day 0 = not a birthday), else the deprecated `text`
/// when it reads as YYYY-MM-DD or --MM-DD.
fn birthday_of(b: &wire::Birthday) -> Option<Birthday> {
    let from_date = b.date.as_ref().and_then(|d| {
        let year = match d.year.unwrap_or(0) {
            0 => None,
            y => Some(u16::try_from(y).ok()?),
        };
        let month = u8::try_from(d.month.unwrap_or(0)).ok()?;
        let day = u8::try_from(d.day.unwrap_or(0)).ok()?;
        Birthday::new(year, month, day)
    });
    from_date.or_else(|| Birthday::parse(b.text.as_deref()?).ok())
}

/// Whether two phones are one number: equal comparison keys in `region`, nothing looser. The
/// merge keys phones with the account's region; with any other rule here (the default region, or a
/// national number matching the end of Google's `canonicalForm`) the two counted phones
/// differently: a phone the merge kept was written as new text over Google's item (losing its
/// `canonicalForm`, `formattedType` and metadata), or the same numbers were rewritten every run.
fn same_phone(a: &Phone, b: &Phone, region: Region) -> bool {
    phone_key(a, region) == phone_key(b, region)
}

#[cfg(test)]
mod tests;
