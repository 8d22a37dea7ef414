//! The plugin's JSON types, each declared once: [`json_struct!`](crate::json_struct) and
//! [`json_enum!`](crate::json_enum) take a type's definition with the JSON key of each field or
//! variant, and emit the type, its reading ([`FromJson`], from a parsed [`Value`]) and its
//! writing (`Serialize`), so a key is written in one place and read as it is written.
//!
//! Reading goes through [`Value`] rather than a derived `Deserialize` because each derived
//! `Deserialize` instantiates serde_json's whole struct, map and sequence machinery for its own
//! visitor (and `#[serde(flatten)]` buffers through serde's private `Content` on top), which the
//! wasm holds once per type. Through `Value` there is one deserializer, and what is left per type
//! is a few key lookups.
//!
//! The impls keep the derived behaviour: a missing key is an error unless the field is an
//! `Option` or the struct has defaults, `null` reads as `None`, a wrong type is an error worded as
//! serde words it, and keys a type does not know are ignored. An [`Error`] names where in the
//! value it was found (`contacts[3].emails[0].value: invalid type: …`) rather than a line and
//! column, since it is found after the text is parsed. Pure: serde_json only.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

mod macros;
pub mod ts;

/// Why a value could not be read, and where in it: the keys and indices from the top of the
/// value to the part that is wrong. Shown as `emails[2].value: invalid type: integer `1`,
/// expected a string`, or the bare message when the value itself is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Innermost first: each reader pushes its own step as the error passes out through it.
    path: Vec<Seg>,
    message: String,
}

/// One step of an [`Error`]'s path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// An object's key.
    Key(String),
    /// An array's index, from 0.
    Index(usize),
}

impl Error {
    /// An error at the value being read; the readers around it add where that value is.
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// The same error, inside the key `key` of an object.
    pub fn at_key(mut self, key: &str) -> Error {
        self.path.push(Seg::Key(key.to_owned()));
        self
    }

    /// The same error, inside the item `index` of an array.
    pub fn at_index(mut self, index: usize) -> Error {
        self.path.push(Seg::Index(index));
        self
    }

    /// The steps from the top of the value to where the error is, outermost first.
    pub fn path(&self) -> impl Iterator<Item = &Seg> {
        self.path.iter().rev()
    }

    /// What is wrong, without where.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.path().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, ": {}", self.message)
        }
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(message: String) -> Error {
        Error::new(message)
    }
}

/// A type read from parsed JSON.
pub trait FromJson: Sized {
    fn from_json(v: Value) -> Result<Self, Error>;

    /// What an absent key reads as: an error, but `None` for an `Option` (as derived impls do).
    fn missing(key: &str) -> Result<Self, Error> {
        Err(Error::new(format!("missing field `{key}`")))
    }
}

/// Parses JSON text into `T`. Call sites use this rather than `serde_json::from_str`, whose every
/// target type is a separate instantiation of serde_json's entry point: here there is one, for
/// [`Value`].
pub fn from_str<T: FromJson>(text: &str) -> Result<T, serde_json::Error> {
    let v: Value = serde_json::from_str(text)?;
    T::from_json(v).map_err(serde::de::Error::custom)
}

/// Writes the keys a `..` field kept, after the others.
pub fn serialize_rest<M: serde::ser::SerializeMap>(
    m: &mut M,
    rest: &Map<String, Value>,
) -> Result<(), M::Error> {
    for (k, v) in rest {
        m.serialize_entry(k, v)?;
    }
    Ok(())
}

/// What `skip_empty` leaves out: `None`, an empty list, map or string, `false`.
pub trait IsEmpty {
    fn is_empty(&self) -> bool;
}

impl<T> IsEmpty for Option<T> {
    fn is_empty(&self) -> bool {
        self.is_none()
    }
}

impl<T> IsEmpty for Vec<T> {
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

impl<K, V> IsEmpty for BTreeMap<K, V> {
    fn is_empty(&self) -> bool {
        BTreeMap::is_empty(self)
    }
}

impl IsEmpty for Map<String, Value> {
    fn is_empty(&self) -> bool {
        Map::is_empty(self)
    }
}

impl IsEmpty for String {
    fn is_empty(&self) -> bool {
        String::is_empty(self)
    }
}

impl IsEmpty for bool {
    fn is_empty(&self) -> bool {
        !*self
    }
}

/// serde's wording for a value of the wrong type.
pub fn invalid(v: &Value, expected: &str) -> Error {
    let got = match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_string(),
        Value::Object(_) => "map".to_string(),
    };
    Error::new(format!("invalid type: {got}, expected {expected}"))
}

/// serde's wording for a variant name no variant has.
pub fn unknown_variant(name: &str, expected: &[&str]) -> Error {
    let names: Vec<String> = expected.iter().map(|n| format!("`{n}`")).collect();
    Error::new(match names.as_slice() {
        [] => format!("unknown variant `{name}`, there are no variants"),
        [one] => format!("unknown variant `{name}`, expected {one}"),
        [a, b] => format!("unknown variant `{name}`, expected {a} or {b}"),
        _ => format!(
            "unknown variant `{name}`, expected one of {}",
            names.join(", ")
        ),
    })
}

/// A unit variant's content in an adjacently tagged enum: absent or `null`, as serde reads it.
pub fn unit_content<T>(mut o: Object, content: &str, variant: T) -> Result<T, Error> {
    match o.0.remove(content) {
        None | Some(Value::Null) => Ok(variant),
        Some(v) => Err(invalid(&v, "unit variant").at_key(content)),
    }
}

/// A unit variant's name.
pub fn variant(v: Value, what: &str) -> Result<String, Error> {
    match v {
        Value::String(s) => Ok(s),
        v => Err(invalid(&v, what)),
    }
}

/// A JSON object being read: each known key is removed as it is read, so what is left is what
/// the type does not model.
pub struct Object(pub Map<String, Value>);

impl Object {
    pub fn of(v: Value, what: &str) -> Result<Object, Error> {
        match v {
            Value::Object(m) => Ok(Object(m)),
            v => Err(invalid(&v, what)),
        }
    }

    /// The key's value, or what its absence means for `T`. An error inside the value names the
    /// key; a missing key's error names it in its message.
    pub fn field<T: FromJson>(&mut self, key: &str) -> Result<T, Error> {
        match self.0.remove(key) {
            Some(v) => T::from_json(v).map_err(|e| e.at_key(key)),
            None => T::missing(key),
        }
    }

    /// The key's value, `T::default()` when it is absent or `null`. A JS `undefined` crosses
    /// the boundary as `null`, so a host answering `{ more: undefined }` means the default, as
    /// an absent key does. (For an `Option`, `null` is `None` either way.)
    pub fn or_default<T: FromJson + Default>(&mut self, key: &str) -> Result<T, Error> {
        match self.0.remove(key) {
            Some(Value::Null) | None => Ok(T::default()),
            Some(v) => T::from_json(v).map_err(|e| e.at_key(key)),
        }
    }

    /// The key's value, `None` when it is absent.
    pub fn take<T: FromJson>(&mut self, key: &str) -> Result<Option<T>, Error> {
        match self.0.remove(key) {
            Some(v) => T::from_json(v).map(Some).map_err(|e| e.at_key(key)),
            None => Ok(None),
        }
    }
}

impl FromJson for Value {
    fn from_json(v: Value) -> Result<Self, Error> {
        Ok(v)
    }
}

impl FromJson for String {
    fn from_json(v: Value) -> Result<Self, Error> {
        match v {
            Value::String(s) => Ok(s),
            v => Err(invalid(&v, "a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(v: Value) -> Result<Self, Error> {
        v.as_bool().ok_or_else(|| invalid(&v, "a boolean"))
    }
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(v: Value) -> Result<Self, Error> {
                let n = match &v {
                    Value::Number(n) if !n.is_f64() => n,
                    _ => return Err(invalid(&v, stringify!($t))),
                };
                let fits = match n.as_i64() {
                    Some(i) => <$t>::try_from(i).ok(),
                    None => n.as_u64().and_then(|u| <$t>::try_from(u).ok()),
                };
                fits.ok_or_else(|| {
                    Error::new(format!(
                        concat!("invalid value: integer `{}`, expected ", stringify!($t)),
                        n,
                    ))
                })
            }
        }
    )*};
}

integer!(u8, u16, u32, u64, usize, i32, i64);

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(v: Value) -> Result<Self, Error> {
        match v {
            Value::Null => Ok(None),
            v => T::from_json(v).map(Some),
        }
    }

    fn missing(_: &str) -> Result<Self, Error> {
        Ok(None)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: Value) -> Result<Self, Error> {
        // The walk over the array lives in `each`, once; what is instantiated per element type
        // is only this closure. A loop here (or `collect::<Result<Vec<_>, _>>()`) repeats the
        // iteration and the dropping of unread items for every element type.
        let mut out = Vec::new();
        each(v, &mut |v| {
            out.push(T::from_json(v)?);
            Ok(())
        })?;
        Ok(out)
    }
}

/// Calls `f` on each item of an array, in order, stopping at the first error (which names the
/// item's index).
fn each(v: Value, f: &mut dyn FnMut(Value) -> Result<(), Error>) -> Result<(), Error> {
    match v {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .try_for_each(|(i, v)| f(v).map_err(|e| e.at_index(i))),
        v => Err(invalid(&v, "a sequence")),
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(v: Value) -> Result<Self, Error> {
        // `entries` walks the object once for every entry type; only the closure is per type.
        let mut out = BTreeMap::new();
        entries(v, &mut |k, v| {
            let item = T::from_json(v).map_err(|e| e.at_key(&k))?;
            out.insert(k, item);
            Ok(())
        })?;
        Ok(out)
    }
}

/// Calls `f` on each entry of an object, in key order, stopping at the first error.
fn entries(v: Value, f: &mut dyn FnMut(String, Value) -> Result<(), Error>) -> Result<(), Error> {
    match v {
        Value::Object(m) => m.into_iter().try_for_each(|(k, v)| f(k, v)),
        v => Err(invalid(&v, "a map")),
    }
}
