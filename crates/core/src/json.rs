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
//! serde words it, and keys a type does not know are ignored. Error messages carry no line and
//! column, since they are found after the text is parsed. Pure: serde_json only.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

mod macros;
pub mod ts;

/// A type read from parsed JSON.
pub trait FromJson: Sized {
    fn from_json(v: Value) -> Result<Self, String>;

    /// What an absent key reads as: an error, but `None` for an `Option` (as derived impls do).
    fn missing(key: &str) -> Result<Self, String> {
        Err(format!("missing field `{key}`"))
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

/// What `skip_empty` leaves out: `None`, an empty list or map, `false`.
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

impl IsEmpty for bool {
    fn is_empty(&self) -> bool {
        !*self
    }
}

/// serde's wording for a value of the wrong type.
pub fn invalid(v: &Value, expected: &str) -> String {
    let got = match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_string(),
        Value::Object(_) => "map".to_string(),
    };
    format!("invalid type: {got}, expected {expected}")
}

/// serde's wording for a variant name no variant has.
pub fn unknown_variant(name: &str, expected: &[&str]) -> String {
    let names: Vec<String> = expected.iter().map(|n| format!("`{n}`")).collect();
    match names.as_slice() {
        [] => format!("unknown variant `{name}`, there are no variants"),
        [one] => format!("unknown variant `{name}`, expected {one}"),
        [a, b] => format!("unknown variant `{name}`, expected {a} or {b}"),
        _ => format!(
            "unknown variant `{name}`, expected one of {}",
            names.join(", ")
        ),
    }
}

/// A unit variant's content in an adjacently tagged enum: absent or `null`, as serde reads it.
pub fn unit_content<T>(mut o: Object, content: &str, variant: T) -> Result<T, String> {
    match o.0.remove(content) {
        None | Some(Value::Null) => Ok(variant),
        Some(v) => Err(invalid(&v, "unit variant")),
    }
}

/// A unit variant's name.
pub fn variant(v: Value, what: &str) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s),
        v => Err(invalid(&v, what)),
    }
}

/// A JSON object being read: each known key is removed as it is read, so what is left is what
/// the type does not model.
pub struct Object(pub Map<String, Value>);

impl Object {
    pub fn of(v: Value, what: &str) -> Result<Object, String> {
        match v {
            Value::Object(m) => Ok(Object(m)),
            v => Err(invalid(&v, what)),
        }
    }

    /// The key's value, or what its absence means for `T`.
    pub fn field<T: FromJson>(&mut self, key: &str) -> Result<T, String> {
        match self.0.remove(key) {
            Some(v) => T::from_json(v),
            None => T::missing(key),
        }
    }

    /// The key's value, `T::default()` when it is absent or `null`. A JS `undefined` crosses
    /// the boundary as `null`, so a host answering `{ more: undefined }` means the default, as
    /// an absent key does. (For an `Option`, `null` is `None` either way.)
    pub fn or_default<T: FromJson + Default>(&mut self, key: &str) -> Result<T, String> {
        match self.0.remove(key) {
            Some(Value::Null) | None => Ok(T::default()),
            Some(v) => T::from_json(v),
        }
    }

    /// The key's value, `None` when it is absent.
    pub fn take<T: FromJson>(&mut self, key: &str) -> Result<Option<T>, String> {
        match self.0.remove(key) {
            Some(v) => T::from_json(v).map(Some),
            None => Ok(None),
        }
    }
}

impl FromJson for Value {
    fn from_json(v: Value) -> Result<Self, String> {
        Ok(v)
    }
}

impl FromJson for String {
    fn from_json(v: Value) -> Result<Self, String> {
        match v {
            Value::String(s) => Ok(s),
            v => Err(invalid(&v, "a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(v: Value) -> Result<Self, String> {
        v.as_bool().ok_or_else(|| invalid(&v, "a boolean"))
    }
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(v: Value) -> Result<Self, String> {
                let n = match &v {
                    Value::Number(n) if !n.is_f64() => n,
                    _ => return Err(invalid(&v, stringify!($t))),
                };
                let fits = match n.as_i64() {
                    Some(i) => <$t>::try_from(i).ok(),
                    None => n.as_u64().and_then(|u| <$t>::try_from(u).ok()),
                };
                fits.ok_or_else(|| {
                    format!(concat!("invalid value: integer `{}`, expected ", stringify!($t)), n)
                })
            }
        }
    )*};
}

integer!(u8, u16, u32, u64, usize, i32, i64);

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(v: Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_json(v).map(Some),
        }
    }

    fn missing(_: &str) -> Result<Self, String> {
        Ok(None)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: Value) -> Result<Self, String> {
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

/// Calls `f` on each item of an array, in order, stopping at the first error.
fn each(v: Value, f: &mut dyn FnMut(Value) -> Result<(), String>) -> Result<(), String> {
    match v {
        Value::Array(items) => items.into_iter().try_for_each(f),
        v => Err(invalid(&v, "a sequence")),
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(v: Value) -> Result<Self, String> {
        // `entries` walks the object once for every entry type; only the closure is per type.
        let mut out = BTreeMap::new();
        entries(v, &mut |k, v| {
            out.insert(k, T::from_json(v)?);
            Ok(())
        })?;
        Ok(out)
    }
}

/// Calls `f` on each entry of an object, in key order, stopping at the first error.
fn entries(v: Value, f: &mut dyn FnMut(String, Value) -> Result<(), String>) -> Result<(), String> {
    match v {
        Value::Object(m) => m.into_iter().try_for_each(|(k, v)| f(k, v)),
        v => Err(invalid(&v, "a map")),
    }
}
