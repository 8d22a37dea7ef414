//! What a host can hold (docs/sync-rules.md, "Hosts hold what they hold"; how a host declares
//! it: docs/hosts.md, "Capabilities").
//!
//! Google holds any number of emails, phones and addresses and every name part; a CRM often holds
//! fewer (Creme CRM: one email, a phone and a mobile, no middle name). Merged naively, the items
//! the CRM cannot keep would look removed by the CRM on the next run and be deleted from Google,
//! and fields it never stores would look cleared.
//!
//! So a linked pair is merged over the part of Google the CRM can see, its *window*: of each
//! limited list, the Google items the CRM holds (by key) first, then Google's first other items
//! (its primary ones) until the limit; fields the host does not store are taken as equal on both
//! sides. Items outside the window are never compared (no deletion, no conflict) and are put
//! back after the merged items in what Google is sent; the CRM is sent what it can hold
//! ([`Capabilities::fit`]) and the base records just that.

use super::custom::{CustomField, CustomType};
use super::merge::{copy_fields, merge, MergeInput, Merged};
use super::model::{Contact, Field};
use super::normalize::{address_key, email_key, phone_key, text_key, Region};

/// The fields a host stores and how many items of each list it keeps (`None`: any number).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Indexed like [`Field::ALL`].
    stored: [bool; 13],
    pub emails: Option<usize>,
    pub phones: Option<usize>,
    pub addresses: Option<usize>,
    /// The host holds a photo per contact and takes `contacts.setPhotos` (`photo: true`):
    /// contact photos sync ([`crate::sync::photo`]).
    pub photo: bool,
    /// The host keeps deleted contacts where they can be brought back, and takes
    /// `contacts.restore` (`restore: true`): an undo brings a CRM contact its run deleted back
    /// under its id rather than creating a new one.
    pub restore: bool,
    /// The host's custom contact fields (`customFields`, [`crate::sync::custom`]).
    pub custom: Vec<CustomField>,
    /// The host holds tags per contact (`tags: true`): the settings' `tagLabels` sync them with
    /// Google labels ([`crate::sync::labels`]).
    pub tags: bool,
}

impl Default for Capabilities {
    /// Every field, without limits; no photo unless the host declares one.
    fn default() -> Self {
        Capabilities {
            stored: [true; 13],
            emails: None,
            phones: None,
            addresses: None,
            photo: false,
            restore: false,
            custom: Vec::new(),
            tags: false,
        }
    }
}

fn index(f: Field) -> usize {
    Field::ALL.iter().position(|x| *x == f).unwrap_or(0)
}

impl Capabilities {
    /// A host storing only `fields` (plus the limits set afterwards).
    pub fn storing(fields: &[Field]) -> Self {
        let mut stored = [false; 13];
        for f in fields {
            stored[index(*f)] = true;
        }
        Capabilities {
            stored,
            ..Capabilities::default()
        }
    }

    pub fn stores(&self, f: Field) -> bool {
        self.stored[index(f)]
    }

    /// Whether every field is stored without limits (the photo aside: it merges apart).
    pub fn is_unlimited(&self) -> bool {
        *self
            == Capabilities {
                photo: self.photo,
                restore: self.restore,
                custom: self.custom.clone(),
                tags: self.tags,
                ..Capabilities::default()
            }
    }

    /// Reads the host contract's `capabilities` object (docs/hosts.md, "Capabilities"): `fields`,
    /// the contact fields the host stores (every one when absent), and `emails`, `phones`,
    /// `addresses`, how many items of each it keeps (any number when absent); `settingsLabel` is
    /// checked, not used.
    pub fn from_json(v: &serde_json::Value) -> Result<Capabilities, String> {
        let obj = match v {
            serde_json::Value::Null => return Ok(Capabilities::default()),
            serde_json::Value::Object(o) => o,
            other => {
                return Err(format!(
                    "capabilities must be an object, got {}",
                    kind(other)
                ))
            }
        };
        let mut caps = Capabilities::default();
        for (key, value) in obj {
            match key.as_str() {
                "fields" => {
                    let names = value.as_array().ok_or_else(|| {
                        format!("capabilities.fields must be an array, got {}", kind(value))
                    })?;
                    caps.stored = [false; 13];
                    for name in names {
                        let name = name.as_str().unwrap_or_default();
                        match Field::ALL.into_iter().find(|f| f.as_str() == name) {
                            Some(f) => caps.stored[index(f)] = true,
                            // Not a merged field: the host's status is set, never merged.
                            None if name == "status" => {}
                            None => {
                                return Err(format!(
                                    "capabilities.fields: {name:?} is not a contact field"
                                ))
                            }
                        }
                    }
                }
                "emails" | "phones" | "addresses" => {
                    let n = value
                        .as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .ok_or_else(|| {
                            format!(
                                "capabilities.{key} must be a whole number, got {}",
                                kind(value)
                            )
                        })?;
                    let slot = match key.as_str() {
                        "emails" => &mut caps.emails,
                        "phones" => &mut caps.phones,
                        _ => &mut caps.addresses,
                    };
                    *slot = Some(n);
                }
                // How the host names its settings page: the panel's and actions' messages use
                // it; nothing of the sync depends on it.
                "settingsLabel" => {
                    if !value.is_string() {
                        return Err(format!(
                            "capabilities.settingsLabel must be text, got {}",
                            kind(value)
                        ));
                    }
                }
                // Where the host keeps its storage: the shell's concern (the account's lock),
                // not the merge's.
                "sharedStorage" if value.is_boolean() => {}
                "sharedStorage" => {
                    return Err(format!(
                        "capabilities.sharedStorage must be a boolean, got {}",
                        kind(value)
                    ))
                }
                "photo" => {
                    caps.photo = value.as_bool().ok_or_else(|| {
                        format!("capabilities.photo must be a boolean, got {}", kind(value))
                    })?;
                }
                "restore" => {
                    caps.restore = value.as_bool().ok_or_else(|| {
                        format!(
                            "capabilities.restore must be a boolean, got {}",
                            kind(value)
                        )
                    })?;
                }
                "tags" => {
                    caps.tags = value.as_bool().ok_or_else(|| {
                        format!("capabilities.tags must be a boolean, got {}", kind(value))
                    })?;
                }
                // The longest value the host's storage takes: the shell's concern (how the
                // state is laid out), not the merge's.
                "storageMaxValueBytes" => {
                    if value
                        .as_u64()
                        .is_none_or(|n| n < crate::store::MIN_MAX_VALUE_BYTES as u64)
                    {
                        return Err(format!(
                            "capabilities.storageMaxValueBytes must be a whole number of at least {}, got {value}",
                            crate::store::MIN_MAX_VALUE_BYTES
                        ));
                    }
                }
                "customFields" => caps.custom = custom_fields(value)?,
                other => return Err(format!("capabilities.{other} is not a capability")),
            }
        }
        // A host that holds tags stores them, whether or not its `fields` name them.
        if caps.tags {
            caps.stored[index(Field::Tags)] = true;
        }
        Ok(caps)
    }

    /// The declared custom field `key`.
    pub fn custom_field(&self, key: &str) -> Option<&CustomField> {
        self.custom.iter().find(|f| f.key == key)
    }

    /// What the host keeps of `c`: the first items of each limited list, no unstored field.
    pub fn fit(&self, c: &Contact) -> Contact {
        let mut out = c.clone();
        let cut = |n: Option<usize>, len: usize| n.map_or(len, |n| n.min(len));
        out.emails.truncate(cut(self.emails, c.emails.len()));
        out.phones.truncate(cut(self.phones, c.phones.len()));
        out.addresses
            .truncate(cut(self.addresses, c.addresses.len()));
        for f in Field::ALL.into_iter().filter(|f| !self.stores(*f)) {
            clear(&mut out, f);
        }
        out.custom.retain(|k, _| self.custom_field(k).is_some());
        out
    }

    /// [`merge`] of a linked pair, over the window of Google the host can hold.
    pub fn merge(&self, input: MergeInput<'_>) -> Merged {
        // One call of `merge` whatever the capabilities: a second call site would be a second
        // inlined copy of the whole merge in the wasm.
        let projected = (!self.is_unlimited()).then(|| self.project(input));
        let m = merge(match &projected {
            Some((google, base, _)) => MergeInput {
                base: base.as_ref(),
                google,
                ..input
            },
            None => input,
        });
        match projected {
            Some((_, _, overflow)) => self.finish(input, m, overflow),
            None => m,
        }
    }

    /// The window of `input`'s Google contact and base: Google's contact as the CRM can hold it,
    /// the base likewise (it may predate the limits), and what lies beyond the window.
    fn project(&self, input: MergeInput<'_>) -> (Contact, Option<Contact>, Contact) {
        let region = input.region;
        let crm = input.crm;
        let mut google = input.google.clone();
        let mut base = input.base.cloned();
        let mut overflow = Contact::default();

        // The window of each limited list, and of the base (which may predate the limits).
        if let Some(n) = self.emails {
            let (inside, outside) = window(&google.emails, &crm.emails, n, email_key);
            (google.emails, overflow.emails) = (inside, outside);
            if let Some(b) = &mut base {
                b.emails = window(&b.emails, &crm.emails, n, email_key).0;
            }
        }
        if let Some(n) = self.phones {
            let key = |p: &_| phone_key(p, region);
            let (inside, outside) = window(&google.phones, &crm.phones, n, key);
            (google.phones, overflow.phones) = (inside, outside);
            if let Some(b) = &mut base {
                b.phones = window(&b.phones, &crm.phones, n, key).0;
            }
        }
        if let Some(n) = self.addresses {
            let (inside, outside) = window(&google.addresses, &crm.addresses, n, address_key);
            (google.addresses, overflow.addresses) = (inside, outside);
            if let Some(b) = &mut base {
                b.addresses = window(&b.addresses, &crm.addresses, n, address_key).0;
            }
        }
        let unstored = self.unstored();
        copy_fields(&mut google, crm, &unstored);
        if let Some(b) = &mut base {
            copy_fields(b, crm, &unstored);
        }
        (google, base, overflow)
    }

    fn unstored(&self) -> Vec<Field> {
        Field::ALL
            .into_iter()
            .filter(|f| !self.stores(*f))
            .collect()
    }

    /// The merge of the window, made whole: what the CRM is written, the base, what Google is sent.
    fn finish(&self, input: MergeInput<'_>, mut m: Merged, overflow: Contact) -> Merged {
        let (crm, region) = (input.crm, input.region);
        let unstored = self.unstored();

        // The CRM is written only what it can hold: a merged list whose first items it already
        // has, labels and all, is no change to it.
        let fitted = self.fit(&m.contact);
        let labelled = |key: String, label: &str| format!("{key}\u{1}{}", text_key(label));
        m.crm.retain(|d| match d.field {
            Field::Emails => !same(&fitted.emails, &crm.emails, |e| {
                labelled(email_key(e), &e.kind)
            }),
            Field::Phones => !same(&fitted.phones, &crm.phones, |p| {
                labelled(phone_key(p, region), &p.kind)
            }),
            Field::Addresses => !same(&fitted.addresses, &crm.addresses, |a| {
                labelled(address_key(a), &a.kind)
            }),
            f => !unstored.contains(&f),
        });
        m.conflicts.retain(|c| !unstored.contains(&c.field));
        m.base = self.fit(&m.base);
        // What Google is sent: the merged window, then what lay beyond it, untouched.
        m.contact.emails.extend(overflow.emails);
        m.contact.phones.extend(overflow.phones);
        m.contact.addresses.extend(overflow.addresses);
        copy_fields(&mut m.contact, input.google, &unstored);
        m
    }
}

impl Capabilities {
    /// What Google is sent when `written` (a merged contact) replaces a limited list of
    /// `google` (the person as Google holds it now): `written`'s items, then Google's items the
    /// CRM never held (not in `base`, which records what it held) and `written` lacks.
    ///
    /// The merge knows Google's items beyond the window only when Google's contact was listed in
    /// this run; when only the CRM changed, it merged against the base, and without this the
    /// write would drop every item the CRM cannot hold.
    pub fn keep_beyond(
        &self,
        written: &Contact,
        google: &Contact,
        base: Option<&Contact>,
        region: Region,
    ) -> Contact {
        let mut out = written.clone();
        if self.emails.is_some() {
            out.emails = beyond(
                &written.emails,
                &google.emails,
                base.map(|b| &b.emails[..]),
                email_key,
            );
        }
        if self.phones.is_some() {
            let key = |p: &_| phone_key(p, region);
            out.phones = beyond(
                &written.phones,
                &google.phones,
                base.map(|b| &b.phones[..]),
                key,
            );
        }
        if self.addresses.is_some() {
            out.addresses = beyond(
                &written.addresses,
                &google.addresses,
                base.map(|b| &b.addresses[..]),
                address_key,
            );
        }
        out
    }
}

fn beyond<T: Clone>(
    written: &[T],
    google: &[T],
    base: Option<&[T]>,
    key: impl Fn(&T) -> String,
) -> Vec<T> {
    let mut seen = keys(written, &key);
    seen.extend(keys(base.unwrap_or_default(), &key));
    let flags = new_keys(&keys(google, &key), seen);
    let mut out = written.to_vec();
    out.extend(split(google, &flags).0);
    out
}

/// The items of `google` (by key) not in `seen`, nor seen earlier in `google`.
fn new_keys(google: &[String], mut seen: Vec<String>) -> Vec<bool> {
    google
        .iter()
        .map(|k| {
            let new = !seen.contains(k);
            if new {
                seen.push(k.clone());
            }
            new
        })
        .collect()
}

/// What a JSON value is, for error messages. Not the value itself: formatting JSON numbers would
/// bring a float printer into the wasm for this alone.
fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Splits `items` into the window a host holding `n` of them sees, and the rest, both in order:
/// the items whose key `held` has come first, then the others until `n`.
fn window<T: Clone>(
    items: &[T],
    held: &[T],
    n: usize,
    key: impl Fn(&T) -> String,
) -> (Vec<T>, Vec<T>) {
    split(
        items,
        &window_flags(&keys(items, &key), &keys(held, &key), n),
    )
}

// The helpers below work on keys, and the generic ones stay one-liners: each generic function is
// compiled once per list type into the wasm.

fn keys<T>(items: &[T], key: impl Fn(&T) -> String) -> Vec<String> {
    items.iter().map(key).collect()
}

fn split<T: Clone>(items: &[T], flags: &[bool]) -> (Vec<T>, Vec<T>) {
    let (mut kept, mut rest) = (Vec::new(), Vec::new());
    for (item, inside) in items.iter().zip(flags) {
        if *inside { &mut kept } else { &mut rest }.push(item.clone());
    }
    (kept, rest)
}

fn window_flags(items: &[String], held: &[String], n: usize) -> Vec<bool> {
    let mut inside = vec![false; items.len()];
    let mut room = n;
    for (flag, k) in inside.iter_mut().zip(items) {
        if room > 0 && held.contains(k) {
            *flag = true;
            room -= 1;
        }
    }
    for flag in inside.iter_mut() {
        if room > 0 && !*flag {
            *flag = true;
            room -= 1;
        }
    }
    inside
}

/// The same items by `key`, in any order (as the merge compares lists).
fn same<T>(a: &[T], b: &[T], key: impl Fn(&T) -> String) -> bool {
    same_keys(keys(a, &key), keys(b, &key))
}

fn same_keys(mut a: Vec<String>, mut b: Vec<String>) -> bool {
    // Unstable: equal keys are indistinguishable.
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

fn clear(c: &mut Contact, f: Field) {
    match f {
        Field::Emails => c.emails.clear(),
        Field::Phones => c.phones.clear(),
        Field::Addresses => c.addresses.clear(),
        Field::Birthday => c.birthday = None,
        _ => set_text(c, f, String::new()),
    }
}

fn set_text(c: &mut Contact, f: Field, value: String) {
    if let Some(slot) = super::merge::text_mut(c, f) {
        *slot = value;
    }
}

#[cfg(test)]
mod tests;

/// Reads `customFields`: each a `key` (unique, not empty), a `label` (not empty), a `type` and,
/// for a `choice`, its `choices`.
fn custom_fields(value: &serde_json::Value) -> Result<Vec<CustomField>, String> {
    use crate::json::FromJson;
    let fields = Vec::<CustomField>::from_json(value.clone())
        .map_err(|e| format!("capabilities.customFields: {e}"))?;
    for (i, f) in fields.iter().enumerate() {
        let at = format!("capabilities.customFields[{i}]");
        if f.key.trim().is_empty() || f.label.trim().is_empty() {
            return Err(format!("{at}: a custom field needs a key and a label"));
        }
        if fields[..i].iter().any(|g| g.key == f.key) {
            return Err(format!("{at}: the key {:?} is declared twice", f.key));
        }
        if f.kind == CustomType::Choice && f.choices.is_empty() {
            return Err(format!("{at}: a choice field needs its choices"));
        }
    }
    Ok(fields)
}
