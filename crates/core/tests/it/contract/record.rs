//! The shape a `Serialize` value writes, as a [`Ts`]: for the answers declared with serde's
//! derive. Every key of a struct is seen, written or skipped (`skip_serializing_if` tells the
//! serializer the key it skips), so the keys are exact whatever the sample; the types are those
//! of the values the sample holds ([`Ts::Unknown`] for a skipped key or an empty list's items).

use gcontacts_sync_core::json::ts::{Prop, Ts};
use serde::ser::{self, Serialize};
use std::fmt;

/// The shape of what `samples` write, merged: a key some sample skips is optional.
pub fn shape<T: Serialize>(samples: &[T]) -> Ts {
    samples
        .iter()
        .map(|s| s.serialize(Recorder).expect("a sample serializes"))
        .reduce(merge)
        .unwrap_or(Ts::Unknown)
}

fn merge(a: Ts, b: Ts) -> Ts {
    match (a, b) {
        (a, b) if a == b => a,
        (Ts::Unknown, x) | (x, Ts::Unknown) => x,
        (Ts::Array(a), Ts::Array(b)) => Ts::Array(Box::new(merge(*a, *b))),
        (Ts::Record(a), Ts::Record(b)) => Ts::Record(Box::new(merge(*a, *b))),
        (Ts::Object { props: a, open }, Ts::Object { props: b, .. }) => {
            let mut props: Vec<Prop> = Vec::new();
            for p in a.iter().chain(&b) {
                match props.iter_mut().find(|q| q.key == p.key) {
                    Some(q) => {
                        q.optional |= p.optional;
                        q.ty = merge(q.ty.clone(), p.ty.clone());
                    }
                    None => props.push(p.clone()),
                }
            }
            for p in &mut props {
                let in_both = a.iter().any(|q| q.key == p.key) && b.iter().any(|q| q.key == p.key);
                p.optional |= !in_both;
            }
            Ts::Object { props, open }
        }
        (Ts::Union(mut xs), y) => {
            if !xs.contains(&y) {
                xs.push(y);
            }
            Ts::Union(xs)
        }
        (x, y) => Ts::Union(vec![x, y]),
    }
}

#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<M: fmt::Display>(m: M) -> Self {
        Error(m.to_string())
    }
}

struct Recorder;

/// A list, an object or a map being recorded.
pub struct Compound {
    items: Vec<Ts>,
    props: Vec<Prop>,
    key: Option<String>,
}

impl Compound {
    fn new() -> Compound {
        Compound {
            items: Vec::new(),
            props: Vec::new(),
            key: None,
        }
    }

    fn list(self) -> Ts {
        Ts::Array(Box::new(
            self.items.into_iter().reduce(merge).unwrap_or(Ts::Unknown),
        ))
    }
}

macro_rules! record {
    ($($method:ident($t:ty) => $ts:expr),* $(,)?) => {$(
        fn $method(self, _: $t) -> Result<Ts, Error> {
            Ok($ts)
        }
    )*};
}

impl ser::Serializer for Recorder {
    type Ok = Ts;
    type Error = Error;
    type SerializeSeq = Compound;
    type SerializeTuple = Compound;
    type SerializeTupleStruct = Compound;
    type SerializeTupleVariant = Compound;
    type SerializeMap = Compound;
    type SerializeStruct = Compound;
    type SerializeStructVariant = Compound;

    record! {
        serialize_bool(bool) => Ts::Bool,
        serialize_i8(i8) => Ts::Number, serialize_i16(i16) => Ts::Number,
        serialize_i32(i32) => Ts::Number, serialize_i64(i64) => Ts::Number,
        serialize_u8(u8) => Ts::Number, serialize_u16(u16) => Ts::Number,
        serialize_u32(u32) => Ts::Number, serialize_u64(u64) => Ts::Number,
        serialize_f32(f32) => Ts::Number, serialize_f64(f64) => Ts::Number,
        serialize_char(char) => Ts::String, serialize_str(&str) => Ts::String,
        serialize_bytes(&[u8]) => Ts::Array(Box::new(Ts::Number)),
        serialize_unit_struct(&'static str) => Ts::Null,
    }

    fn serialize_none(self) -> Result<Ts, Error> {
        Ok(Ts::Null)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<Ts, Error> {
        v.serialize(Recorder)
    }
    fn serialize_unit(self) -> Result<Ts, Error> {
        Ok(Ts::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        name: &'static str,
    ) -> Result<Ts, Error> {
        Ok(Ts::Literal(name.to_string()))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Ts, Error> {
        v.serialize(Recorder)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        name: &'static str,
        v: &T,
    ) -> Result<Ts, Error> {
        let props = vec![Prop {
            key: name.to_string(),
            optional: false,
            ty: v.serialize(Recorder)?,
        }];
        Ok(Ts::Object { props, open: false })
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound, Error> {
        Ok(Compound::new())
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound, Error> {
        Ok(Compound::new())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound, Error> {
        Ok(Compound::new())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound, Error> {
        Err(Error("a tuple variant has no JSON shape here".into()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound, Error> {
        Ok(Compound::new())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound, Error> {
        Ok(Compound::new())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound, Error> {
        Err(Error("a struct variant has no JSON shape here".into()))
    }
}

impl ser::SerializeSeq for Compound {
    type Ok = Ts;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
        self.items.push(v.serialize(Recorder)?);
        Ok(())
    }
    fn end(self) -> Result<Ts, Error> {
        Ok(self.list())
    }
}

impl ser::SerializeTuple for Compound {
    type Ok = Ts;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<Ts, Error> {
        Ok(self.list())
    }
}

impl ser::SerializeTupleStruct for Compound {
    type Ok = Ts;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<Ts, Error> {
        Ok(self.list())
    }
}

impl ser::SerializeTupleVariant for Compound {
    type Ok = Ts;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<Ts, Error> {
        Ok(self.list())
    }
}

impl ser::SerializeMap for Compound {
    type Ok = Ts;
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), Error> {
        let key = serde_json::to_value(k).map_err(ser::Error::custom)?;
        self.key = Some(key.as_str().map_or_else(|| key.to_string(), str::to_string));
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
        let key = self.key.take().unwrap_or_default();
        let ty = v.serialize(Recorder)?;
        self.props.push(Prop {
            key,
            optional: false,
            ty,
        });
        Ok(())
    }
    /// A map is recorded as the object it writes: held against a `Record`, each of its values
    /// must fit the record's.
    fn end(self) -> Result<Ts, Error> {
        Ok(Ts::Object {
            props: self.props,
            open: false,
        })
    }
}

impl ser::SerializeStruct for Compound {
    type Ok = Ts;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        let ty = v.serialize(Recorder)?;
        self.props.push(Prop {
            key: key.to_string(),
            optional: false,
            ty,
        });
        Ok(())
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), Error> {
        self.props.push(Prop {
            key: key.to_string(),
            optional: true,
            ty: Ts::Unknown,
        });
        Ok(())
    }
    fn end(self) -> Result<Ts, Error> {
        Ok(Ts::Object {
            props: self.props,
            open: false,
        })
    }
}

impl ser::SerializeStructVariant for Compound {
    type Ok = Ts;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, v)
    }
    fn end(self) -> Result<Ts, Error> {
        ser::SerializeStruct::end(self)
    }
}
