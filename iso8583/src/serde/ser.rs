//! Writing the caller's types into a message.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use ::serde::ser::{Impossible, Serialize, SerializeMap, SerializeStruct, Serializer};

use super::{MapError, key_number};
use crate::mti::Mti;
use crate::owned::Message;
use crate::spec::{Charset, Content, Encoding, FieldSpec, Length, Spec, Subfields};

/// Writes `value` into a message of `spec` (see the [module](super) docs): field 0 (or `mti`)
/// is the MTI, every other key a field number. Values are checked as [`Message::set`] checks
/// them; errors name the field.
pub fn to_message<'s, T: Serialize + ?Sized>(
    spec: &'s Spec<'s>,
    value: &T,
) -> Result<Message<'s>, MapError> {
    let mut fields = Fields::default();
    value.serialize(&mut fields)?;
    let mti_text = match fields.values.iter().find(|(n, _)| *n == 0) {
        Some((_, Raw::Text(t))) => t.clone(),
        Some((_, Raw::Number(n))) => alloc::format!("{n:04}"),
        _ => {
            return Err(MapError::new(
                Some(0),
                "the MTI (field 0 or `mti`) is missing",
            ));
        }
    };
    let mti: Mti = mti_text
        .parse()
        .map_err(|e: crate::Error| MapError::new(Some(0), e.kind()))?;
    let mut message = Message::new(spec, mti);
    for (number, raw) in fields.values {
        if number == 0 || matches!(raw, Raw::Absent) {
            continue;
        }
        let n = u8::try_from(number).map_err(|_| MapError::new(Some(number), "no such field"))?;
        let def = spec
            .definition(mti, n)
            .map_err(|e| MapError::from(e).at(number))?;
        let bytes = wire_value(spec.charset, def, &raw).map_err(|e| e.at(number))?;
        message
            .set_padded(n, &bytes)
            .map_err(|e| MapError::from(e).at(number))?;
    }
    Ok(message)
}

/// A value as serialized, before its field's definition says what it becomes.
#[derive(Clone, Debug)]
enum Raw {
    Absent,
    Text(String),
    Bytes(Vec<u8>),
    Number(u64),
    /// Subfields: key (part number or tag) and value, in the order given.
    Parts(Vec<(String, Raw)>),
}

/// The field's logical value for `raw` under `def`.
fn wire_value(charset: Charset, def: &FieldSpec<'_>, raw: &Raw) -> Result<Vec<u8>, MapError> {
    Ok(match raw {
        Raw::Absent => Vec::new(),
        Raw::Text(t) if def.content.is_binary() => crate::field::chars::hex_decode(t)
            .ok_or_else(|| MapError::new(None, "binary field: value is not hexadecimal"))?,
        Raw::Text(t) => {
            // EBCDIC fields hold ISO 8859-1 characters, one byte each.
            let charset = match def.encoding {
                Encoding::Ebcdic(_) => Charset::Latin1,
                _ => charset,
            };
            charset
                .encode(t)
                .ok_or_else(|| MapError::new(None, "character outside ISO 8859-1"))?
        }
        Raw::Bytes(b) => b.clone(),
        Raw::Number(_) if def.content.is_binary() => {
            return Err(MapError::new(None, "a number for a binary field"));
        }
        Raw::Number(n) => n.to_string().into_bytes(),
        Raw::Parts(parts) => compose(charset, def, parts)?,
    })
}

/// Subfields put together: positional parts in order (numbers zero-padded, text space-padded
/// to the part's width; trailing parts may be left out of a variable-length field),
/// ASCII-tagged elements (tag, decimal length, value) in the order given, or a subfield bitmap
/// and the subfields it announces ([`crate::compose`]).
fn compose(
    charset: Charset,
    def: &FieldSpec<'_>,
    parts: &[(String, Raw)],
) -> Result<Vec<u8>, MapError> {
    let as_part = |raw: &Raw| -> Result<Vec<u8>, MapError> {
        let plain = FieldSpec {
            subfields: Subfields::None,
            ..*def
        };
        wire_value(charset, &plain, raw)
    };
    match def.subfields {
        Subfields::Positional(layout) => {
            // Each part padded to its width (numbers and `n` fields with zeros on the left,
            // text with spaces on the right), then put together by `compose`, which refuses a
            // part after a missing one.
            let mut values: Vec<(u8, Vec<u8>)> = Vec::new();
            for (i, part) in layout.iter().enumerate() {
                let number = u8::try_from(i.saturating_add(1))
                    .map_err(|_| MapError::new(None, "too many positional parts"))?;
                let key = number.to_string();
                let found = parts
                    .iter()
                    .find(|(k, _)| *k == key || *k == part.name)
                    .filter(|(_, r)| !matches!(r, Raw::Absent));
                let Some((_, raw)) = found else {
                    continue;
                };
                let mut bytes = as_part(raw)?;
                let width = usize::from(part.width);
                if bytes.len() > width {
                    return Err(MapError::new(
                        None,
                        alloc::format!("part {key} is longer than {width}"),
                    ));
                }
                let pad = width.saturating_sub(bytes.len());
                if matches!(raw, Raw::Number(_)) || def.content == Content::N {
                    bytes.splice(0..0, core::iter::repeat_n(b'0', pad));
                } else {
                    bytes.extend(core::iter::repeat_n(b' ', pad));
                }
                values.push((number, bytes));
            }
            let partial = !values.is_empty() && values.len() != layout.len();
            if partial && matches!(def.length, Length::Fixed(_)) {
                return Err(MapError::new(None, "a fixed-length field needs every part"));
            }
            let borrowed: Vec<(u8, &[u8])> =
                values.iter().map(|(n, b)| (*n, b.as_slice())).collect();
            crate::subfield::compose(def, &borrowed).map_err(MapError::from)
        }
        Subfields::TaggedAscii {
            tag_len,
            len_digits,
        } => {
            let mut out = Vec::new();
            for (tag, raw) in parts {
                if matches!(raw, Raw::Absent) {
                    continue;
                }
                if tag.len() != usize::from(tag_len) {
                    return Err(MapError::new(
                        None,
                        alloc::format!("tag {tag:?} is not {tag_len} characters"),
                    ));
                }
                let value = as_part(raw)?;
                let len = value.len().to_string();
                if len.len() > usize::from(len_digits) {
                    return Err(MapError::new(
                        None,
                        alloc::format!("tag {tag} value too long"),
                    ));
                }
                out.extend(tag.as_bytes());
                out.extend(core::iter::repeat_n(
                    b'0',
                    usize::from(len_digits).saturating_sub(len.len()),
                ));
                out.extend(len.as_bytes());
                out.extend(value);
            }
            Ok(out)
        }
        Subfields::Bitmap { fields, .. }
        | Subfields::Sequence(fields)
        | Subfields::Tagged { fields, .. } => {
            // Each subfield as its own definition says, then (`compose`) the bitmap and all
            // of them, all of them in sequence, or each after its tag.
            let mut values = Vec::new();
            for (key, raw) in parts {
                if matches!(raw, Raw::Absent) {
                    continue;
                }
                let n = key_number(key)
                    .and_then(|n| u8::try_from(n).ok())
                    .ok_or_else(|| {
                        MapError::new(None, alloc::format!("subfield key {key:?} is not a number"))
                    })?;
                let sub = fields
                    .iter()
                    .find(|f| f.number == n)
                    .ok_or_else(|| MapError::new(None, alloc::format!("no subfield {n}")))?;
                values.push((n, wire_value(charset, sub, raw)?));
            }
            let borrowed: Vec<(u8, &[u8])> =
                values.iter().map(|(n, b)| (*n, b.as_slice())).collect();
            crate::subfield::compose(def, &borrowed).map_err(MapError::from)
        }
        _ => Err(MapError::new(
            None,
            "subfields as a struct are written for positional, tagged, bitmap and sequence fields only",
        )),
    }
}

/// The top level: a struct or map of fields.
#[derive(Default)]
struct Fields {
    values: Vec<(u16, Raw)>,
    key: Option<u16>,
}

impl Fields {
    fn put(&mut self, key: &str, value: Raw) -> Result<(), MapError> {
        let n = key_number(key).filter(|&n| n <= 192).ok_or_else(|| {
            MapError::new(None, alloc::format!("key {key:?} is not a field number"))
        })?;
        self.values.push((n, value));
        Ok(())
    }
}

macro_rules! top_level_only {
    ($($name:ident($($arg:ty),*);)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<(), MapError> {
            Err(MapError::new(None, "a message is written from a struct or a map"))
        })*
    };
}

impl Serializer for &mut Fields {
    type Ok = ();
    type Error = MapError;
    type SerializeSeq = Impossible<(), MapError>;
    type SerializeTuple = Impossible<(), MapError>;
    type SerializeTupleStruct = Impossible<(), MapError>;
    type SerializeTupleVariant = Impossible<(), MapError>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), MapError>;

    top_level_only! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_str(&str); serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), MapError> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), MapError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), MapError> {
        Err(MapError::new(
            None,
            "a message is written from a struct or a map",
        ))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, MapError> {
        Err(MapError::new(
            None,
            "a message is written from a struct or a map",
        ))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, MapError> {
        Err(MapError::new(
            None,
            "a message is written from a struct or a map",
        ))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, MapError> {
        Err(MapError::new(
            None,
            "a message is written from a struct or a map",
        ))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, MapError> {
        Err(MapError::new(
            None,
            "a message is written from a struct or a map",
        ))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, MapError> {
        Ok(self)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, MapError> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, MapError> {
        Err(MapError::new(
            None,
            "a message is written from a struct or a map",
        ))
    }
}

impl SerializeStruct for &mut Fields {
    type Ok = ();
    type Error = MapError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), MapError> {
        let n = key_number(key);
        let raw = value.serialize(ValueSer).map_err(|e| match n {
            Some(n) => e.at(n),
            None => e,
        })?;
        self.put(key, raw)
    }

    fn end(self) -> Result<(), MapError> {
        Ok(())
    }
}

impl SerializeMap for &mut Fields {
    type Ok = ();
    type Error = MapError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), MapError> {
        let key = key.serialize(KeySer)?;
        let n = key_number(&key).filter(|&n| n <= 192).ok_or_else(|| {
            MapError::new(None, alloc::format!("key {key:?} is not a field number"))
        })?;
        self.key = Some(n);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), MapError> {
        let n = self
            .key
            .take()
            .ok_or_else(|| MapError::new(None, "value without a key"))?;
        let raw = value.serialize(ValueSer).map_err(|e| e.at(n))?;
        self.values.push((n, raw));
        Ok(())
    }

    fn end(self) -> Result<(), MapError> {
        Ok(())
    }
}

/// A map key: text or a number, as text.
struct KeySer;

/// Key methods that take the value as its text.
macro_rules! as_text {
    ($($name:ident($t:ty))*) => {
        $(fn $name(self, v: $t) -> Result<String, MapError> {
            Ok(v.to_string())
        })*
    };
}

impl Serializer for KeySer {
    type Ok = String;
    type Error = MapError;
    type SerializeSeq = Impossible<String, MapError>;
    type SerializeTuple = Impossible<String, MapError>;
    type SerializeTupleStruct = Impossible<String, MapError>;
    type SerializeTupleVariant = Impossible<String, MapError>;
    type SerializeMap = Impossible<String, MapError>;
    type SerializeStruct = Impossible<String, MapError>;
    type SerializeStructVariant = Impossible<String, MapError>;

    as_text! { serialize_str(&str) serialize_u8(u8) serialize_u16(u16) serialize_u32(u32) serialize_u64(u64) serialize_i8(i8) serialize_i16(i16) serialize_i32(i32) serialize_i64(i64) serialize_char(char) }
    fn serialize_bool(self, _: bool) -> Result<String, MapError> {
        Err(key_error())
    }
    fn serialize_f32(self, _: f32) -> Result<String, MapError> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<String, MapError> {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, MapError> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, MapError> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<String, MapError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, MapError> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, MapError> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, MapError> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, MapError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, MapError> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, MapError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, MapError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, MapError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, MapError> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, MapError> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, MapError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, MapError> {
        Err(key_error())
    }
}

fn key_error() -> MapError {
    MapError::new(None, "a key is a field number (text or integer)")
}

/// One value.
struct ValueSer;

/// Subfields being collected.
#[derive(Default)]
struct PartsSer {
    parts: Vec<(String, Raw)>,
    key: Option<String>,
}

fn unsupported(what: &str) -> MapError {
    MapError::new(None, alloc::format!("{what} cannot be a field value"))
}

impl Serializer for ValueSer {
    type Ok = Raw;
    type Error = MapError;
    type SerializeSeq = Impossible<Raw, MapError>;
    type SerializeTuple = Impossible<Raw, MapError>;
    type SerializeTupleStruct = Impossible<Raw, MapError>;
    type SerializeTupleVariant = Impossible<Raw, MapError>;
    type SerializeMap = PartsSer;
    type SerializeStruct = PartsSer;
    type SerializeStructVariant = Impossible<Raw, MapError>;

    fn serialize_str(self, v: &str) -> Result<Raw, MapError> {
        Ok(Raw::Text(v.to_string()))
    }
    fn serialize_char(self, v: char) -> Result<Raw, MapError> {
        Ok(Raw::Text(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Raw, MapError> {
        Ok(Raw::Bytes(v.to_vec()))
    }
    fn serialize_u8(self, v: u8) -> Result<Raw, MapError> {
        Ok(Raw::Number(u64::from(v)))
    }
    fn serialize_u16(self, v: u16) -> Result<Raw, MapError> {
        Ok(Raw::Number(u64::from(v)))
    }
    fn serialize_u32(self, v: u32) -> Result<Raw, MapError> {
        Ok(Raw::Number(u64::from(v)))
    }
    fn serialize_u64(self, v: u64) -> Result<Raw, MapError> {
        Ok(Raw::Number(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Raw, MapError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Raw, MapError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Raw, MapError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Raw, MapError> {
        u64::try_from(v)
            .map(Raw::Number)
            .map_err(|_| MapError::new(None, "a negative number (use an x+n field's C/D text)"))
    }
    fn serialize_bool(self, _: bool) -> Result<Raw, MapError> {
        Err(unsupported("a bool"))
    }
    fn serialize_f32(self, _: f32) -> Result<Raw, MapError> {
        Err(unsupported("a float"))
    }
    fn serialize_f64(self, _: f64) -> Result<Raw, MapError> {
        Err(unsupported("a float"))
    }
    fn serialize_none(self) -> Result<Raw, MapError> {
        Ok(Raw::Absent)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Raw, MapError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Raw, MapError> {
        Ok(Raw::Absent)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Raw, MapError> {
        Ok(Raw::Absent)
    }
    /// A unit enum variant is its name (codes as enums: `#[serde(rename = "00")] Approved`).
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Raw, MapError> {
        Ok(Raw::Text(variant.to_string()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Raw, MapError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Raw, MapError> {
        Err(unsupported("an enum with data"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, MapError> {
        Err(unsupported("a sequence"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, MapError> {
        Err(unsupported("a tuple"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, MapError> {
        Err(unsupported("a tuple"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, MapError> {
        Err(unsupported("an enum with data"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<PartsSer, MapError> {
        Ok(PartsSer::default())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<PartsSer, MapError> {
        Ok(PartsSer::default())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, MapError> {
        Err(unsupported("an enum with data"))
    }
}

impl SerializeStruct for PartsSer {
    type Ok = Raw;
    type Error = MapError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), MapError> {
        self.parts
            .push((key.to_string(), value.serialize(ValueSer)?));
        Ok(())
    }

    fn end(self) -> Result<Raw, MapError> {
        Ok(Raw::Parts(self.parts))
    }
}

impl SerializeMap for PartsSer {
    type Ok = Raw;
    type Error = MapError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), MapError> {
        self.key = Some(key.serialize(KeySer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), MapError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| MapError::new(None, "value without a key"))?;
        self.parts.push((key, value.serialize(ValueSer)?));
        Ok(())
    }

    fn end(self) -> Result<Raw, MapError> {
        Ok(Raw::Parts(self.parts))
    }
}
