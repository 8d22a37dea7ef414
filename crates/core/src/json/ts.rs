//! The JSON types as TypeScript sees them: [`json_struct!`](crate::json_struct) and
//! [`json_enum!`](crate::json_enum) describe each type they declare as a [`Ts`], read or
//! written, so a test can hold the hand-written `api.d.ts` against the Rust declarations both
//! ways (`crates/core/tests/it/contract`). Nothing here runs in the plugin: the wasm drops it.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A JSON value's type, as far as TypeScript can say it.
#[derive(Clone, Debug, PartialEq)]
pub enum Ts {
    /// Any JSON value (`unknown`; a `serde_json::Value`).
    Unknown,
    Null,
    Bool,
    Number,
    String,
    /// One string (`"crm"`): an enum's variant.
    Literal(String),
    Array(Box<Ts>),
    /// An object used as a map (`Record<string, T>`).
    Record(Box<Ts>),
    /// An object with named keys; `open`: it also holds keys it does not name.
    Object {
        props: Vec<Prop>,
        open: bool,
    },
    Union(Vec<Ts>),
    /// A type named in TypeScript, before it is looked up.
    Ref(String),
}

/// One key of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Prop {
    pub key: String,
    /// The key may be absent: read, the reader accepts its absence; written, the writer may
    /// leave it out.
    pub optional: bool,
    pub ty: Ts,
}

/// Whether a type is described as Rust reads it or as Rust writes it: a field read with a
/// default may be absent or `null`, the same field written is always there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Read,
    Write,
}

/// A Rust type's JSON shape.
pub trait TsType {
    fn ts(dir: Dir) -> Ts;

    /// An absent key reads as a value of this type (`None`), as [`FromJson::missing`] says.
    ///
    /// [`FromJson::missing`]: crate::json::FromJson::missing
    fn absent_ok() -> bool {
        false
    }
}

impl Ts {
    /// The type without `null` (what an `Option` is when it is written only when `Some`).
    pub fn non_null(self) -> Ts {
        match self {
            Ts::Union(xs) => {
                let mut xs: Vec<Ts> = xs.into_iter().filter(|x| *x != Ts::Null).collect();
                if xs.len() == 1 {
                    xs.remove(0)
                } else {
                    Ts::Union(xs)
                }
            }
            t => t,
        }
    }

    /// The type or `null`.
    pub fn or_null(self) -> Ts {
        match self {
            Ts::Union(mut xs) if !xs.contains(&Ts::Null) => {
                xs.push(Ts::Null);
                Ts::Union(xs)
            }
            t @ (Ts::Null | Ts::Union(_) | Ts::Unknown) => t,
            t => Ts::Union(vec![t, Ts::Null]),
        }
    }
}

/// How a `json_struct!` field is declared: `default`/`skip_empty` flags, and whether the
/// whole struct reads with defaults (`#[json(default)]`).
#[derive(Clone, Copy, Debug)]
pub struct Flags {
    pub default: bool,
    pub skip_empty: bool,
    pub container_default: bool,
}

/// A named field of a `json_struct!`, as it is read or written.
pub fn prop<T: TsType>(key: &str, dir: Dir, f: Flags) -> Prop {
    let ty = T::ts(dir);
    let (optional, ty) = match dir {
        Dir::Read if f.default || f.skip_empty => (true, ty.or_null()),
        Dir::Read => (f.container_default || T::absent_ok(), ty),
        Dir::Write if f.skip_empty => (true, ty.non_null()),
        Dir::Write => (false, ty),
    };
    Prop {
        key: key.to_string(),
        optional,
        ty,
    }
}

/// A variant of an adjacently tagged `json_enum!`: `{ tag: "name" }`, with `content` for a
/// variant with data.
pub fn tagged(tag: &str, name: &str, content: &str, data: Option<Ts>) -> Ts {
    let mut props = vec![Prop {
        key: tag.to_string(),
        optional: false,
        ty: Ts::Literal(name.to_string()),
    }];
    props.extend(data.map(|ty| Prop {
        key: content.to_string(),
        optional: false,
        ty,
    }));
    Ts::Object { props, open: false }
}

impl TsType for String {
    fn ts(_: Dir) -> Ts {
        Ts::String
    }
}

impl TsType for bool {
    fn ts(_: Dir) -> Ts {
        Ts::Bool
    }
}

impl TsType for Value {
    fn ts(_: Dir) -> Ts {
        Ts::Unknown
    }
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl TsType for $t {
            fn ts(_: Dir) -> Ts {
                Ts::Number
            }
        }
    )*};
}

number!(u8, u16, u32, u64, usize, i32, i64, f64);

impl<T: TsType> TsType for Option<T> {
    fn ts(dir: Dir) -> Ts {
        T::ts(dir).or_null()
    }

    fn absent_ok() -> bool {
        true
    }
}

impl<T: TsType> TsType for Vec<T> {
    fn ts(dir: Dir) -> Ts {
        Ts::Array(Box::new(T::ts(dir)))
    }
}

impl<T: TsType> TsType for BTreeMap<String, T> {
    fn ts(dir: Dir) -> Ts {
        Ts::Record(Box::new(T::ts(dir)))
    }
}

impl TsType for Map<String, Value> {
    fn ts(_: Dir) -> Ts {
        Ts::Record(Box::new(Ts::Unknown))
    }
}
