//! The declaration macros: [`json_struct!`](crate::json_struct) and
//! [`json_enum!`](crate::json_enum) emit a type with its reading and writing from one
//! declaration; the functions and traits their expansions call are in the parent module.

/// `Deserialize` through [`Value`](serde_json::Value) and
/// [`FromJson`](crate::json::FromJson), so tests and other crates can still use
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

/// One declaration for a JSON object type: the struct, its [`FromJson`](crate::json::FromJson)
/// (reading), `Deserialize` (through `FromJson`) and `Serialize` (writing), so each key is
/// written once and read as it is written.
///
/// ```
/// use gcontacts_sync_core::json_struct;
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
/// let p: Person = gcontacts_sync_core::json::from_str(r#"{"etag":"e1","primary":null,"x":1}"#).unwrap();
/// assert_eq!((p.etag.as_str(), p.names.len(), p.primary), ("e1", 0, false));
/// assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"etag":"e1","primary":false,"x":1}"#);
/// assert!(gcontacts_sync_core::json::from_str::<Person>(r#"{"names":[]}"#).is_err());
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
    // ---- The TypeScript shape ([`TsType`](crate::json::ts::TsType)), one field at a time.
    (@ts $props:ident, $dir:ident, $cd:expr, $fty:ty, .., [$($flag:ident)*]) => {};
    (@ts $props:ident, $dir:ident, $cd:expr, $fty:ty, $key:literal, [$($flag:ident)*]) => {
        $props.push($crate::json::ts::prop::<$fty>($key, $dir, $crate::json::ts::Flags {
            default: false $(|| stringify!($flag) == "default")*,
            skip_empty: false $(|| stringify!($flag) == "skip_empty")*,
            container_default: $cd,
        }));
    };
    (@container_default) => { false };
    (@container_default default) => { true };
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
        } else {
            ::serde::ser::SerializeStruct::skip_field(&mut $st, $key)?;
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
    // The body of `from_json` after the object `$o` is opened: field by field, or into the
    // default value with `#[json(default)]`.
    (@from_json [] $o:ident, $t:ident [$($g:ident)*] { $($field:ident $key:tt [$($flag:ident)*])* }) => {{
        $( $crate::json_struct!(@read $o, $field, $key, [$($flag)*]); )*
        $( $crate::json_struct!(@rest $o, $field, $key); )*
        Ok($t { $($field),* })
    }};
    (@from_json [default] $o:ident, $t:ident [$($g:ident)*] { $($field:ident $key:tt [$($flag:ident)*])* }) => {{
        let mut out = <$t<$($g),*> as ::core::default::Default>::default();
        $( $crate::json_struct!(@read_into $o, out, $field, $key); )*
        $( $crate::json_struct!(@rest_into $o, out, $field, $key); )*
        Ok(out)
    }};
    // ---- The whole declaration, `$mode` being `default` after `#[json(default)]`.
    (
        @declare [$($mode:ident)?]
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
            fn from_json(v: ::serde_json::Value) -> ::core::result::Result<Self, $crate::json::Error> {
                #[allow(unused_mut)]
                let mut o = $crate::json::Object::of(v, concat!("struct ", stringify!($t)))?;
                $crate::json_struct!(
                    @from_json [$($mode)?] o, $t [$($($g)+)?] { $($field $key [$($($flag)*)?])* }
                )
            }
        }
        impl$(<$($g: $crate::json::ts::TsType),+>)? $crate::json::ts::TsType
            for $t $(<$($g),+>)?
        {
            fn ts(dir: $crate::json::ts::Dir) -> $crate::json::ts::Ts {
                #[allow(unused_mut)]
                let mut props = ::std::vec::Vec::new();
                let open = false $(|| $crate::json_struct!(@is_rest $key))*;
                let defaults = $crate::json_struct!(@container_default $($mode)?);
                $(
                    $crate::json_struct!(
                        @ts props, dir, defaults, $fty, $key, [$($($flag)*)?]
                    );
                )*
                $crate::json::ts::Ts::Object { props, open }
            }
        }
        $crate::json_struct!(@deserialize $t [$($($g)+)?]);
        $crate::json_struct!(@serialize $t [$($($g)+)?] { $($field $key [$($($flag)*)?])* });
    };
    (#[json(default)] $($decl:tt)*) => {
        $crate::json_struct!(@declare [default] $($decl)*);
    };
    ($(#[$m:meta])* $vis:vis struct $($decl:tt)*) => {
        $crate::json_struct!(@declare [] $(#[$m])* $vis struct $($decl)*);
    };
}

/// One declaration for an enum of unit variants written as strings: the enum, its
/// [`FromJson`](crate::json::FromJson), `Deserialize` and `Serialize`.
///
/// ```
/// use gcontacts_sync_core::json_enum;
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
/// let d: Directions = gcontacts_sync_core::json::from_str(r#""crmToGoogle""#).unwrap();
/// assert_eq!(d, Directions::CrmToGoogle);
/// assert_eq!(serde_json::to_string(&Directions::Both).unwrap(), r#""both""#);
/// assert!(gcontacts_sync_core::json::from_str::<Directions>(r#""sideways""#).is_err());
/// ```
///
/// A name no variant has is an error worded as serde words it.
///
/// Starting with `#[json(tag = "…", content = "…")]` (before the other attributes) declares an
/// enum written as an object, as serde's adjacently tagged enums are: the tag key holds the
/// variant's name and, for a variant with data (one value), the content key holds it. Reading
/// takes a unit variant's content as absent or `null` only, and needs a variant's data.
///
/// ```
/// use gcontacts_sync_core::json_enum;
///
/// json_enum! {
///     #[json(tag = "kind", content = "value")]
///     #[derive(Clone, Debug, PartialEq, Eq)]
///     pub enum Group {
///         All = "all",
///         Named(String) = "named",
///     }
/// }
///
/// let g = Group::Named("Friends".into());
/// assert_eq!(serde_json::to_string(&g).unwrap(), r#"{"kind":"named","value":"Friends"}"#);
/// assert_eq!(serde_json::to_string(&Group::All).unwrap(), r#"{"kind":"all"}"#);
/// let read: Group = gcontacts_sync_core::json::from_str(r#"{"kind":"named","value":"Friends"}"#).unwrap();
/// assert_eq!(read, g);
/// assert!(gcontacts_sync_core::json::from_str::<Group>(r#"{"kind":"named"}"#).is_err());
/// assert!(gcontacts_sync_core::json::from_str::<Group>(r#"{"kind":"all","value":1}"#).is_err());
/// ```
#[macro_export]
macro_rules! json_enum {
    // ---- Adjacently tagged: one variant's reading, its pattern, and its content's writing. The
    // pattern's binding is an identifier of the caller's, so the writing sees it.
    (@read $o:ident, $content:literal, $t:ident :: $variant:ident) => {
        $crate::json::unit_content($o, $content, $t::$variant)
    };
    (@read $o:ident, $content:literal, $t:ident :: $variant:ident, $ty:ty) => {
        Ok($t::$variant($o.field($content)?))
    };
    (@pattern $x:ident, $t:ident :: $variant:ident) => { $t::$variant };
    (@pattern $x:ident, $t:ident :: $variant:ident, $ty:ty) => { $t::$variant($x) };
    (@len) => { 1 };
    (@len $ty:ty) => { 2 };
    (@content $st:ident, $content:literal, $x:ident) => {};
    (@content $st:ident, $content:literal, $x:ident, $ty:ty) => {
        ::serde::ser::SerializeStruct::serialize_field(&mut $st, $content, $x)?;
    };
    (
        #[json(tag = $tag:literal, content = $content:literal)]
        $(#[$m:meta])*
        $vis:vis enum $t:ident {
            $( $(#[$vm:meta])* $variant:ident $(($ty:ty))? = $name:literal ),* $(,)?
        }
    ) => {
        $(#[$m])*
        $vis enum $t {
            $( $(#[$vm])* $variant $(($ty))?, )*
        }

        impl $crate::json::FromJson for $t {
            fn from_json(v: ::serde_json::Value) -> ::core::result::Result<Self, $crate::json::Error> {
                let mut o = $crate::json::Object::of(
                    v,
                    concat!("adjacently tagged enum ", stringify!($t)),
                )?;
                let tag: String = o.field($tag)?;
                match tag.as_str() {
                    $( $name => $crate::json_enum!(@read o, $content, $t::$variant $(, $ty)?), )*
                    _ => Err($crate::json::unknown_variant(&tag, &[$($name),*])),
                }
            }
        }
        $crate::deserialize_via_value!($t);

        impl $crate::json::ts::TsType for $t {
            fn ts(dir: $crate::json::ts::Dir) -> $crate::json::ts::Ts {
                $crate::json::ts::Ts::Union(::std::vec![$(
                    $crate::json::ts::tagged($tag, $name, $content, {
                        #[allow(unused_variables)]
                        let content: ::core::option::Option<$crate::json::ts::Ts> = None;
                        $( let content = Some(<$ty as $crate::json::ts::TsType>::ts(dir)); )?
                        content
                    })
                ),*])
            }
        }

        impl ::serde::Serialize for $t {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    $( $crate::json_enum!(@pattern x, $t::$variant $(, $ty)?) => {
                        let mut st = s.serialize_struct(
                            stringify!($t),
                            $crate::json_enum!(@len $($ty)?),
                        )?;
                        ::serde::ser::SerializeStruct::serialize_field(&mut st, $tag, $name)?;
                        $crate::json_enum!(@content st, $content, x $(, $ty)?);
                        ::serde::ser::SerializeStruct::end(st)
                    } )*
                }
            }
        }
    };
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
            fn from_json(v: ::serde_json::Value) -> ::core::result::Result<Self, $crate::json::Error> {
                let s = $crate::json::variant(v, concat!("enum ", stringify!($t)))?;
                match s.as_str() {
                    $( $name => Ok($t::$variant), )*
                    _ => Err($crate::json::unknown_variant(&s, &[$($name),*])),
                }
            }
        }
        $crate::deserialize_via_value!($t);

        impl $crate::json::ts::TsType for $t {
            fn ts(_: $crate::json::ts::Dir) -> $crate::json::ts::Ts {
                $crate::json::ts::Ts::Union(::std::vec![
                    $( $crate::json::ts::Ts::Literal($name.to_string()) ),*
                ])
            }
        }

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
