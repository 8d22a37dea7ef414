//! The plugin's JSON types, each declared once: [`json_struct!`] and [`json_enum!`] take a type's
//! definition with the JSON key of each field or variant, and emit the type, its reading
//! ([`FromJson`], from a parsed [`Value`]) and its writing (`Serialize`), so a key is written in
//! one place and read as it is written.
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

/// One declaration for a JSON object type: the struct, its [`FromJson`] (reading), `Deserialize`
/// (through [`FromJson`]) and `Serialize` (writing), so each key is written once and read as it is
/// written.
///
/// ```
/// use gcontacts_sync::json_struct;
/// use serde_json::{Map, Value};
///
/// json_struct! {
///     /// Doc comments and attributes pass through (`derive` all but `Serialize`/`Deserialize`).
///     #[derive(Clone, Debug, Default, PartialEq)]
///     pub struct Person {
///         /// Required: a missing key is an error (an `Option` field reads it as `None`).
///         pub etag: String = "etag",
///         /// `skip_empty`: not written when empty (`None`, an empty list or map, `false`), and
///         /// read as empty when absent or `null`.
///         pub names: Vec<String> = "names" [skip_empty],
///         /// `default`: always written; a missing or `null` key reads as the field type's
///         /// `Default`.
///         pub primary: bool = "primary" [default],
///         /// `..`: every key the other fields do not name, read and written as they are. Last,
///         /// and a `Map<String, Value>`.
///         pub other: Map<String, Value> = ..,
///     }
/// }
///
/// let p: Person = gcontacts_sync::json::from_str(r#"{"etag":"e1","primary":null,"x":1}"#).unwrap();
/// assert_eq!((p.etag.as_str(), p.names.len(), p.primary), ("e1", 0, false));
/// assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"etag":"e1","primary":false,"x":1}"#);
/// assert!(gcontacts_sync::json::from_str::<Person>(r#"{"names":[]}"#).is_err());
/// ```
///
/// Type parameters (`struct Shard<E> { … }`, no bounds or lifetimes) let one declaration be
/// written from borrowed data and read into owned data: reading needs each parameter to be
/// `FromJson + Default`, writing needs it `Serialize`.
///
/// Starting with `#[json(default)]` (before the other attributes) reads the struct as serde's
/// container `#[serde(default)]` does: from `Type::default()`, each absent key keeping its
/// default (a `Default` impl of its own is followed). Reading otherwise behaves as serde's
/// derive: `null` reads as `None`, a wrong type is an error worded as serde words it, and keys
/// the type does not name are ignored (or kept by `..`). Keys are written in declaration order;
/// with a `..` field the output is a serde map, otherwise a serde struct.
#[macro_export]
macro_rules! json_struct {
    // ---- Reading, one field at a time: `@read` for each named key, then `@rest` for `..`.
    (@read $o:ident, $field:ident, .., [$($flag:ident)*]) => {};
    (@read $o:ident, $field:ident, $key:literal, []) => {
        let $field = $o.field($key)?;
    };
    (@read $o:ident, $field:ident, $key:literal, [default $($flag:ident)*]) => {
        let $field = $o.or_default($key)?;
    };
    (@read $o:ident, $field:ident, $key:literal, [skip_empty $($flag:ident)*]) => {
        let $field = $o.or_default($key)?;
    };
    (@rest $o:ident, $field:ident, ..) => {
        let $field = $o.0;
    };
    (@rest $o:ident, $field:ident, $key:literal) => {};
    // The same into a default value (`#[json(default)]`).
    (@read_into $o:ident, $out:ident, $field:ident, ..) => {};
    (@read_into $o:ident, $out:ident, $field:ident, $key:literal) => {
        if let Some(x) = $o.take($key)? {
            $out.$field = x;
        }
    };
    (@rest_into $o:ident, $out:ident, $field:ident, ..) => {
        $out.$field = $o.0;
    };
    (@rest_into $o:ident, $out:ident, $field:ident, $key:literal) => {};
    // ---- Writing.
    (@is_rest ..) => { true };
    (@is_rest $key:literal) => { false };
    (@len $v:expr, .., [$($flag:ident)*]) => { 0 };
    (@len $v:expr, $key:literal, []) => { 1 };
    (@len $v:expr, $key:literal, [skip_empty $($flag:ident)*]) => {
        usize::from(!$crate::json::IsEmpty::is_empty(&$v))
    };
    (@len $v:expr, $key:literal, [default $($flag:ident)*]) => {
        $crate::json_struct!(@len $v, $key, [$($flag)*])
    };
    (@field $st:ident, $v:expr, .., [$($flag:ident)*]) => {};
    (@field $st:ident, $v:expr, $key:literal, []) => {
        ::serde::ser::SerializeStruct::serialize_field(&mut $st, $key, &$v)?;
    };
    (@field $st:ident, $v:expr, $key:literal, [skip_empty $($flag:ident)*]) => {
        if !$crate::json::IsEmpty::is_empty(&$v) {
            ::serde::ser::SerializeStruct::serialize_field(&mut $st, $key, &$v)?;
        }
    };
    (@field $st:ident, $v:expr, $key:literal, [default $($flag:ident)*]) => {
        $crate::json_struct!(@field $st, $v, $key, [$($flag)*]);
    };
    (@entry $m:ident, $v:expr, .., [$($flag:ident)*]) => {
        $crate::json::serialize_rest(&mut $m, &$v)?;
    };
    (@entry $m:ident, $v:expr, $key:literal, []) => {
        ::serde::ser::SerializeMap::serialize_entry(&mut $m, $key, &$v)?;
    };
    (@entry $m:ident, $v:expr, $key:literal, [skip_empty $($flag:ident)*]) => {
        if !$crate::json::IsEmpty::is_empty(&$v) {
            ::serde::ser::SerializeMap::serialize_entry(&mut $m, $key, &$v)?;
        }
    };
    (@entry $m:ident, $v:expr, $key:literal, [default $($flag:ident)*]) => {
        $crate::json_struct!(@entry $m, $v, $key, [$($flag)*]);
    };
    (@serialize $t:ident [$($g:ident)*] { $($field:ident $key:tt [$($flag:ident)*])* }) => {
        impl<$($g: ::serde::Serialize),*> ::serde::Serialize for $t<$($g),*> {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                if false $(|| $crate::json_struct!(@is_rest $key))* {
                    let mut m = s.serialize_map(None)?;
                    $( $crate::json_struct!(@entry m, self.$field, $key, [$($flag)*]); )*
                    ::serde::ser::SerializeMap::end(m)
                } else {
                    let len = 0 $(+ $crate::json_struct!(@len self.$field, $key, [$($flag)*]))*;
                    #[allow(unused_mut)]
                    let mut st = s.serialize_struct(stringify!($t), len)?;
                    $( $crate::json_struct!(@field st, self.$field, $key, [$($flag)*]); )*
                    ::serde::ser::SerializeStruct::end(st)
                }
            }
        }
    };
    (@deserialize $t:ident [$($g:ident)*]) => {
        impl<'de, $($g: $crate::json::FromJson + ::core::default::Default),*> ::serde::Deserialize<'de>
            for $t<$($g),*>
        {
            fn deserialize<D>(d: D) -> ::core::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                let v = <::serde_json::Value as ::serde::Deserialize>::deserialize(d)?;
                $crate::json::FromJson::from_json(v).map_err(::serde::de::Error::custom)
            }
        }
    };
    // ---- The whole declaration.
    (
        #[json(default)]
        $(#[$m:meta])*
        $vis:vis struct $t:ident $(<$($g:ident),+ $(,)?>)? {
            $(
                $(#[$fm:meta])* $fvis:vis $field:ident : $fty:ty = $key:tt
                $([$($flag:ident),* $(,)?])?
            ),* $(,)?
        }
    ) => {
        $(#[$m])*
        $vis struct $t $(<$($g),+>)? {
            $( $(#[$fm])* $fvis $field: $fty, )*
        }

        impl$(<$($g: $crate::json::FromJson + ::core::default::Default),+>)? $crate::json::FromJson
            for $t $(<$($g),+>)?
        {
            fn from_json(v: ::serde_json::Value) -> ::core::result::Result<Self, String> {
                #[allow(unused_mut)]
                let mut o = $crate::json::Object::of(v, concat!("struct ", stringify!($t)))?;
                let mut out = <$t $(<$($g),+>)? as ::core::default::Default>::default();
                $( $crate::json_struct!(@read_into o, out, $field, $key); )*
                $( $crate::json_struct!(@rest_into o, out, $field, $key); )*
                Ok(out)
            }
        }
        $crate::json_struct!(@deserialize $t [$($($g)+)?]);
        $crate::json_struct!(@serialize $t [$($($g)+)?] { $($field $key [$($($flag)*)?])* });
    };
    (
        $(#[$m:meta])*
        $vis:vis struct $t:ident $(<$($g:ident),+ $(,)?>)? {
            $(
                $(#[$fm:meta])* $fvis:vis $field:ident : $fty:ty = $key:tt
                $([$($flag:ident),* $(,)?])?
            ),* $(,)?
        }
    ) => {
        $(#[$m])*
        $vis struct $t $(<$($g),+>)? {
            $( $(#[$fm])* $fvis $field: $fty, )*
        }

        impl$(<$($g: $crate::json::FromJson + ::core::default::Default),+>)? $crate::json::FromJson
            for $t $(<$($g),+>)?
        {
            fn from_json(v: ::serde_json::Value) -> ::core::result::Result<Self, String> {
                #[allow(unused_mut)]
                let mut o = $crate::json::Object::of(v, concat!("struct ", stringify!($t)))?;
                $( $crate::json_struct!(@read o, $field, $key, [$($($flag)*)?]); )*
                $( $crate::json_struct!(@rest o, $field, $key); )*
                Ok($t { $($field),* })
            }
        }
        $crate::json_struct!(@deserialize $t [$($($g)+)?]);
        $crate::json_struct!(@serialize $t [$($($g)+)?] { $($field $key [$($($flag)*)?])* });
    };
}

/// One declaration for an enum of unit variants written as strings: the enum, its [`FromJson`],
/// `Deserialize` and `Serialize`.
///
/// ```
/// use gcontacts_sync::json_enum;
///
/// json_enum! {
///     #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
///     pub enum Directions {
///         #[default]
///         Both = "both",
///         CrmToGoogle = "crmToGoogle",
///     }
/// }
///
/// let d: Directions = gcontacts_sync::json::from_str(r#""crmToGoogle""#).unwrap();
/// assert_eq!(d, Directions::CrmToGoogle);
/// assert_eq!(serde_json::to_string(&Directions::Both).unwrap(), r#""both""#);
/// assert!(gcontacts_sync::json::from_str::<Directions>(r#""sideways""#).is_err());
/// ```
///
/// A name no variant has is an error worded as serde words it.
#[macro_export]
macro_rules! json_enum {
    (
        $(#[$m:meta])*
        $vis:vis enum $t:ident {
            $( $(#[$vm:meta])* $variant:ident = $name:literal ),* $(,)?
        }
    ) => {
        $(#[$m])*
        $vis enum $t {
            $( $(#[$vm])* $variant, )*
        }

        impl $crate::json::FromJson for $t {
            fn from_json(v: ::serde_json::Value) -> ::core::result::Result<Self, String> {
                let s = $crate::json::variant(v, concat!("enum ", stringify!($t)))?;
                match s.as_str() {
                    $( $name => Ok($t::$variant), )*
                    _ => Err($crate::json::unknown_variant(&s, &[$($name),*])),
                }
            }
        }
        $crate::deserialize_via_value!($t);

        impl ::serde::Serialize for $t {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    $( $t::$variant => {
                        s.serialize_unit_variant(stringify!($t), $t::$variant as u32, $name)
                    } )*
                }
            }
        }
    };
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
