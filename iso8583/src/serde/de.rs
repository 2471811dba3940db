//! Reading a parsed message into the caller's types.

use alloc::vec::Vec;

use ::serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use ::serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use ::serde::forward_to_deserialize_any;

use super::{MapError, key_number};
use crate::Value;
use crate::message::{FieldIter, FieldRef};
use crate::parse::{MessageRef, Slots};
use crate::spec::{Charset, Encoding, Subfields};
use crate::subfield::{SubValue, SubfieldId, SubfieldIter};

/// Reads `message` into `T`: fields by their numbers as keys (see the [module](super) docs).
/// Borrowed `&str` and `&[u8]` fields point into the message's bytes.
pub fn from_message<'a, T, I>(message: &MessageRef<'a, '_, I>) -> Result<T, MapError>
where
    T: de::Deserialize<'a>,
    I: Slots,
{
    T::deserialize(MessageDe { m: message })
}

struct MessageDe<'m, 'a, 's, I> {
    m: &'m MessageRef<'a, 's, I>,
}

impl<'de, I: Slots> Deserializer<'de> for MessageDe<'_, 'de, '_, I> {
    type Error = MapError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MapError> {
        visitor.visit_map(AllFields {
            charset: self.m.spec().charset,
            mti: Some(mti_val(self.m)),
            fields: self.m.fields(),
            pending: None,
        })
    }

    /// Only the fields the struct names are looked up (in O(1) each): a message with many
    /// fields costs a struct of few nothing more.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, MapError> {
        visitor.visit_map(Named {
            charset: self.m.spec().charset,
            m: self.m,
            names: fields.iter(),
            seen: [0; 4],
            pending: None,
        })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, MapError> {
        visitor.visit_newtype_struct(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// What a key's value is.
#[derive(Clone, Copy)]
enum Val<'a, 's> {
    /// The MTI's digits, and its bytes on the wire as a value (ASCII or BCD; not EBCDIC).
    Mti([u8; 4], Option<Value<'a>>),
    Field(FieldRef<'a, 's>),
    Sub {
        value: SubValue<'a>,
        binary: bool,
    },
}

/// Every field, the MTI first (for maps and `deserialize_any`).
struct AllFields<'i, 'a, 's> {
    charset: Charset,
    mti: Option<Val<'a, 's>>,
    fields: FieldIter<'i, 'a, 's>,
    pending: Option<(u16, Val<'a, 's>)>,
}

impl<'de, 's> MapAccess<'de> for AllFields<'_, 'de, 's> {
    type Error = MapError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, MapError> {
        if let Some(mti) = self.mti.take() {
            self.pending = Some((0, mti));
            return seed
                .deserialize(BorrowedStrDeserializer::new("0"))
                .map(Some);
        }
        let Some(f) = self.fields.next() else {
            return Ok(None);
        };
        let number = u16::from(f.number());
        self.pending = Some((number, Val::Field(f)));
        let mut buf = [0u8; 3];
        seed.deserialize(StrDeserializer::new(decimal(number, &mut buf)))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, MapError> {
        let (number, val) = self
            .pending
            .take()
            .ok_or_else(|| MapError::new(None, "value asked before its key"))?;
        seed.deserialize(ValueDe {
            val,
            charset: self.charset,
        })
        .map_err(|e| e.at(number))
    }
}

/// The fields a struct names, present ones only.
struct Named<'m, 'a, 's, I> {
    charset: Charset,
    m: &'m MessageRef<'a, 's, I>,
    names: core::slice::Iter<'static, &'static str>,
    /// The numbers given so far, one bit each (a field's aliases are names of their own).
    seen: [u64; 4],
    pending: Option<(u16, Val<'a, 's>)>,
}

impl<'de, I: Slots> MapAccess<'de> for Named<'_, 'de, '_, I> {
    type Error = MapError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, MapError> {
        for &name in self.names.by_ref() {
            let Some(number) = key_number(name).and_then(|n| u8::try_from(n).ok()) else {
                continue;
            };
            // A number named twice (`"0"` and its alias `"mti"`) is given once.
            let (word, bit) = (usize::from(number / 64), 1u64 << (number % 64));
            let Some(seen) = self.seen.get_mut(word).filter(|w| **w & bit == 0) else {
                continue;
            };
            *seen |= bit;
            let val = match number {
                0 => mti_val(self.m),
                n => match self.m.field(n) {
                    Some(f) => Val::Field(f),
                    None => continue,
                },
            };
            self.pending = Some((u16::from(number), val));
            // The key by its name, not its place in the list: serde lists a field's aliases
            // among the names, so places and fields differ when a struct has any.
            return seed
                .deserialize(BorrowedStrDeserializer::new(name))
                .map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, MapError> {
        let (number, val) = self
            .pending
            .take()
            .ok_or_else(|| MapError::new(None, "value asked before its key"))?;
        seed.deserialize(ValueDe {
            val,
            charset: self.charset,
        })
        .map_err(|e| e.at(number))
    }
}

/// The MTI as a value: its digits, and its bytes on the wire as a [`Value`] where the spec
/// writes it in ASCII or BCD.
fn mti_val<'a, 's, I: Slots>(m: &MessageRef<'a, 's, I>) -> Val<'a, 's> {
    use crate::spec::{Align, MtiEncoding};
    let (encoding, len) = match m.spec().mti {
        MtiEncoding::Ascii => (Encoding::Ascii, 4),
        MtiEncoding::Bcd => (
            Encoding::Bcd {
                align: Align::Right,
                pad: 0,
            },
            2,
        ),
        MtiEncoding::Ebcdic => return Val::Mti(m.mti().to_ascii(), None),
    };
    let value = m.as_bytes().get(..len).map(|wire| Value {
        encoding,
        wire,
        units: 4,
    });
    Val::Mti(m.mti().to_ascii(), value)
}

/// `n` (below 1000) as decimal text in `buf`.
fn decimal(n: u16, buf: &mut [u8; 3]) -> &str {
    let digits = [n / 100 % 10, n / 10 % 10, n % 10].map(|d| b'0'.saturating_add(d as u8));
    let skip = match n {
        0..=9 => 2,
        10..=99 => 1,
        _ => 0,
    };
    let out = buf
        .get_mut(..3usize.saturating_sub(skip))
        .unwrap_or_default();
    for (slot, d) in out.iter_mut().zip(digits.iter().skip(skip)) {
        *slot = *d;
    }
    core::str::from_utf8(out).unwrap_or("0")
}

/// One value: the MTI, a field or a subfield.
struct ValueDe<'a, 's> {
    val: Val<'a, 's>,
    /// The spec's character set for text.
    charset: Charset,
}

impl<'a> ValueDe<'a, '_> {
    /// Binary content: the encodings only binary content has (`Spec::validate` holds every
    /// spec to it), so the spec's table is not searched.
    fn binary(&self) -> bool {
        match self.val {
            Val::Mti(..) => false,
            Val::Field(f) => matches!(f.value().encoding(), Encoding::Binary | Encoding::HexText),
            Val::Sub { binary, .. } => binary,
        }
    }

    /// The value as it sits in the input, when the wire holds it unconverted.
    fn borrowed(&self) -> Option<&'a [u8]> {
        match self.val {
            Val::Mti(_, value) => value.and_then(|v| v.as_bytes()),
            Val::Field(f) => f.value().as_bytes(),
            Val::Sub { value, .. } => value.as_bytes(),
        }
    }

    /// The value as it sits in the message, for a [`Value`](crate::Value) member.
    #[inline]
    fn value(&self) -> Result<Value<'a>, MapError> {
        match self.val {
            Val::Field(f) => Ok(f.value()),
            Val::Mti(_, Some(value)) => Ok(value),
            Val::Mti(_, None) => Err(MapError::new(
                None,
                "the MTI is EBCDIC on the wire: map it to a string",
            )),
            Val::Sub { value, .. } => value.as_value().ok_or_else(|| {
                MapError::new(
                    None,
                    "a part of a BCD value is not a value of its own: map it to a string",
                )
            }),
        }
    }

    /// The logical bytes, converted.
    fn logical(&self) -> Vec<u8> {
        match self.val {
            Val::Mti(m, _) => m.to_vec(),
            // Hex text in pairs, not character by character.
            Val::Field(f) if f.value().encoding() == Encoding::HexText => {
                core::str::from_utf8(f.value().wire())
                    .ok()
                    .and_then(crate::field::chars::hex_decode)
                    .unwrap_or_default()
            }
            Val::Field(f) => f.value().to_vec(),
            Val::Sub { value, .. } => value.to_vec(),
        }
    }

    fn to_u64(&self) -> Option<u64> {
        // Digits as they sit on the wire: one tight loop.
        if let Some(b) = self.borrowed()
            && !self.binary()
        {
            return digits_u64(b);
        }
        match self.val {
            Val::Mti(m, _) => crate::field::chars::digits_to_u64(4, m.iter().copied()),
            Val::Field(f) => f.value().to_u64(),
            Val::Sub { value, .. } => value.to_u64(),
        }
    }

    /// Text: borrowed when the wire is UTF-8 text, else converted (ISO 8859-1 where not UTF-8).
    fn text<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, MapError> {
        if let Val::Mti(m, value) = self.val {
            return match value.and_then(|v| v.as_str()) {
                Some(s) => visitor.visit_borrowed_str(s),
                None => visitor.visit_str(core::str::from_utf8(&m).unwrap_or("0000")),
            };
        }
        // Hex text already in the form the text is (uppercase): borrowed as it is.
        if let Val::Field(f) = self.val
            && f.value().encoding() == Encoding::HexText
            && let Some(s) = upper_hex(f.value().wire())
        {
            return visitor.visit_borrowed_str(s);
        }
        if self.binary() {
            return visitor.visit_string(crate::field::chars::hex_string(&self.logical()));
        }
        // EBCDIC characters read as ISO 8859-1 code points, whatever the spec's charset.
        let charset = match self.val {
            Val::Field(f) if matches!(f.value().encoding(), Encoding::Ebcdic(_)) => Charset::Latin1,
            _ => self.charset,
        };
        if let Some(b) = self.borrowed()
            && let Some(s) = charset.borrow(b)
        {
            return visitor.visit_borrowed_str(s);
        }
        visitor.visit_string(charset.decode(&self.logical()).into_owned())
    }
}

/// `wire` as text when it is uppercase hexadecimal digits only.
fn upper_hex(wire: &[u8]) -> Option<&str> {
    wire.iter()
        .all(|c| matches!(c, b'0'..=b'9' | b'A'..=b'F'))
        .then(|| core::str::from_utf8(wire).ok())
        .flatten()
}

/// 1–19 ASCII digits as a number.
fn digits_u64(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    b.iter().try_fold(0u64, |n, &c| {
        let d = c.wrapping_sub(b'0');
        (d <= 9).then(|| n.wrapping_mul(10).wrapping_add(u64::from(d)))
    })
}

/// Integer methods that read the value as [`Deserializer::deserialize_u64`] does.
macro_rules! forward_digits {
    ($($name:ident)*) => {
        $(fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MapError> {
            self.deserialize_u64(visitor)
        })*
    };
}

impl<'de> Deserializer<'de> for ValueDe<'de, '_> {
    type Error = MapError;

    /// The CLI's JSON form: text, or uppercase hex for binary fields.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MapError> {
        self.text(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MapError> {
        self.text(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MapError> {
        self.text(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MapError> {
        match self.borrowed() {
            Some(b) => visitor.visit_borrowed_bytes(b),
            None => visitor.visit_byte_buf(self.logical()),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MapError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MapError> {
        match self.to_u64() {
            Some(n) => visitor.visit_u64(n),
            None => Err(MapError::new(None, "not a number of up to 19 digits")),
        }
    }

    // Every integer type reads the value's digits.
    forward_digits! { deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u128 deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128 }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MapError> {
        visitor.visit_some(self)
    }

    /// A [`Value`](crate::Value) member is handed the value as it sits in the message.
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, MapError> {
        if name == super::value::TOKEN {
            return visitor.visit_seq(super::value::Handover::new(self.value()?));
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MapError> {
        let Val::Field(f) = self.val else {
            return Err(MapError::new(None, "has no subfields"));
        };
        let spec = f.spec();
        match spec.subfields {
            Subfields::None | Subfields::BerTlv => Err(MapError::new(
                None,
                "the spec gives this field no subfields",
            )),
            _ => visitor.visit_map(Subs {
                charset: self.charset,
                iter: f.subfields(),
                spec,
                pending: None,
            }),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, MapError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, MapError> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool f32 f64 char unit unit_struct seq tuple tuple_struct enum identifier
    }
}

/// A field's subfields as a map: part numbers (positional, bitmap) or tags as keys.
struct Subs<'a, 's> {
    charset: Charset,
    iter: SubfieldIter<'a, 's>,
    spec: &'s crate::spec::FieldSpec<'s>,
    /// The value, and whether it is binary content.
    pending: Option<(SubValue<'a>, bool)>,
}

impl Subs<'_, '_> {
    /// Binary content: a subfield's own definition says (bitmap, sequence); other parts share
    /// the field's.
    fn binary(&self, n: u8) -> bool {
        crate::subfield::binary_subfield(self.spec, n)
    }
}

impl<'de> MapAccess<'de> for Subs<'de, '_> {
    type Error = MapError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, MapError> {
        let Some(sub) = self.iter.next() else {
            return Ok(None);
        };
        match sub.id {
            SubfieldId::Position(n) => {
                self.pending = Some((sub.value, self.binary(n)));
                let mut buf = [0u8; 3];
                seed.deserialize(StrDeserializer::new(decimal(u16::from(n), &mut buf)))
                    .map(Some)
            }
            SubfieldId::Tag(tag) => {
                self.pending = Some((sub.value, self.spec.content.is_binary()));
                let tag = core::str::from_utf8(tag)
                    .map_err(|_| MapError::new(None, "a subfield tag is not text"))?;
                seed.deserialize(BorrowedStrDeserializer::new(tag))
                    .map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, MapError> {
        let (value, binary) = self
            .pending
            .take()
            .ok_or_else(|| MapError::new(None, "value asked before its key"))?;
        seed.deserialize(ValueDe {
            val: Val::Sub { value, binary },
            charset: self.charset,
        })
    }
}
