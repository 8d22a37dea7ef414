//! Reading JSON without derived `Deserialize`: every type the plugin reads is built from a parsed
//! [`Value`] by a small [`FromJson`] impl, most of them written by the [`json_struct!`] and
//! [`json_enum!`] macros.
//!
//! Why: each derived `Deserialize` instantiates serde_json's whole struct, map and sequence
//! machinery for its own visitor, and tagged enums and `#[serde(flatten)]` buffer through serde's
//! private `Content` on top. In the wasm that was most of the plugin's size. Through `Value` there
//! is one deserializer, and what is left per type is a few key lookups.
//!
//! The impls keep the derived behaviour: a missing key is an error unless the field is an
//! `Option` or the struct has defaults, `null` reads as `None`, a wrong type is an error worded as
//! serde words it, and keys a type does not know are ignored. Error messages carry no line and
//! column, since they are found after the text is parsed. Pure: serde_json only.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

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

/// `Deserialize` through [`Value`] and [`FromJson`], so tests and other crates can still use
/// `serde_json::from_str`.
#[macro_export]
#[doc(hidden)]
macro_rules! deserialize_via_value {
    ($($t:ty),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                let v = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
                $crate::json::FromJson::from_json(v).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

/// [`FromJson`] and `Deserialize` for a struct read from an object's keys, `field: "key"` each.
/// `default Type { … }` starts from `Type::default()` and keeps a field's default when its key is
/// absent (serde's container `#[serde(default)]`); `field: "key" or default` does that for one
/// field; `rest other` after the braces keeps the keys left over in the field `other` (serde's
/// `#[serde(flatten)]` map).
#[macro_export]
#[doc(hidden)]
macro_rules! json_struct {
    (default $t:ident { $($field:ident: $key:literal),* $(,)? }) => {
        impl $crate::json::FromJson for $t {
            fn from_json(v: serde_json::Value) -> ::core::result::Result<Self, String> {
                let mut o = $crate::json::Object::of(v, concat!("struct ", stringify!($t)))?;
                let mut out = <$t as Default>::default();
                $( if let Some(x) = o.take($key)? { out.$field = x; } )*
                Ok(out)
            }
        }
        $crate::deserialize_via_value!($t);
    };
    ($t:ident { $($field:ident: $key:literal $(or $default:ident)?),* $(,)? } $(rest $rest:ident)?) => {
        impl $crate::json::FromJson for $t {
            fn from_json(v: serde_json::Value) -> ::core::result::Result<Self, String> {
                let mut o = $crate::json::Object::of(v, concat!("struct ", stringify!($t)))?;
                Ok($t {
                    $( $field: $crate::json_struct!(@field o, $key $(, $default)?), )*
                    $( $rest: o.0, )?
                })
            }
        }
        $crate::deserialize_via_value!($t);
    };
    (@field $o:ident, $key:literal) => { $o.field($key)? };
    (@field $o:ident, $key:literal, default) => { $o.take($key)?.unwrap_or_default() };
}

/// [`FromJson`] and `Deserialize` for an enum of unit variants written as strings.
#[macro_export]
#[doc(hidden)]
macro_rules! json_enum {
    ($t:ident { $($variant:ident: $name:literal),* $(,)? }) => {
        impl $crate::json::FromJson for $t {
            fn from_json(v: serde_json::Value) -> ::core::result::Result<Self, String> {
                let s = $crate::json::variant(v, concat!("enum ", stringify!($t)))?;
                match s.as_str() {
                    $( $name => Ok($t::$variant), )*
                    _ => Err($crate::json::unknown_variant(&s, &[$($name),*])),
                }
            }
        }
        $crate::deserialize_via_value!($t);
    };
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
        // Inserted one by one rather than collected: `collect` sorts its input with a stable
        // sort instantiated per entry type, which the wasm pays for each map type read. The walk
        // over the object is `entries`, once, as for arrays.
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
