//! A field's [`Value`] as a struct member: the value as it sits in the message, with no
//! conversion (BCD digits stay packed, hex text stays text) until the caller asks.
//!
//! [`from_message`](super::from_message) hands a value over through serde's sequence protocol
//! under a private newtype name ([`TOKEN`]): its encoding, its length in units and its wire
//! bytes, borrowed. Other deserializers give borrowed text (an ASCII value) or borrowed bytes
//! (a binary one).

use alloc::vec::Vec;
use core::fmt;
use core::marker::PhantomData;

use ::serde::de::value::{BorrowedBytesDeserializer, U64Deserializer};
use ::serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use ::serde::ser::{Serialize, Serializer};

use super::MapError;
use crate::Value;
use crate::field::rule::Code;
use crate::spec::{Align, Encoding};

/// The newtype name under which a message's deserializer hands a [`Value`] over.
pub(crate) const TOKEN: &str = "$paywire_iso8583::Value";

/// The numbers of the two `x+n` encodings, which have no [`Code`] (theirs are 0–9).
const SIGN_BCD_RIGHT: u64 = 0x10;
const SIGN_BCD_LEFT: u64 = 0x11;

/// `encoding` as a number: its [`Code`] (the byte a field index keeps), or one of the two
/// `x+n` numbers; `u64::MAX` for a BCD pad other than 0 or F, which [`unpack`] refuses.
fn pack(encoding: Encoding) -> u64 {
    match (Code::of(encoding), encoding) {
        (Some(code), _) => code as u64,
        (
            None,
            Encoding::SignBcd {
                align: Align::Right,
            },
        ) => SIGN_BCD_RIGHT,
        (None, Encoding::SignBcd { align: Align::Left }) => SIGN_BCD_LEFT,
        (None, _) => u64::MAX,
    }
}

/// The encoding [`pack`] made `code` from.
fn unpack(code: u64) -> Option<Encoding> {
    match code {
        SIGN_BCD_RIGHT => Some(Encoding::SignBcd {
            align: Align::Right,
        }),
        SIGN_BCD_LEFT => Some(Encoding::SignBcd { align: Align::Left }),
        _ => Code::from_u8(u8::try_from(code).ok()?).map(Code::encoding),
    }
}

/// A value handed over as a sequence: packed encoding, units, wire bytes.
pub(crate) struct Handover<'a> {
    value: Value<'a>,
    next: u8,
}

impl<'a> Handover<'a> {
    pub(crate) const fn new(value: Value<'a>) -> Self {
        Self { value, next: 0 }
    }
}

impl<'de> SeqAccess<'de> for Handover<'de> {
    type Error = MapError;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, MapError> {
        let element = match self.next {
            0 => seed.deserialize(U64Deserializer::new(pack(self.value.encoding))),
            1 => seed.deserialize(U64Deserializer::new(
                u64::try_from(self.value.units).unwrap_or(u64::MAX),
            )),
            2 => seed.deserialize(BorrowedBytesDeserializer::new(self.value.wire)),
            _ => return Ok(None),
        };
        self.next = self.next.saturating_add(1);
        element.map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(usize::from(3u8.saturating_sub(self.next)))
    }
}

/// Reads a [`Value`] from whatever deserializer gives one.
struct ValueVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for ValueVisitor<'a> {
    type Value = Value<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field's value in a parsed message, or borrowed text or bytes")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value<'a>, D::Error> {
        d.deserialize_any(self)
    }

    /// The hand-over of [`from_message`](super::from_message): the parts must agree (the
    /// wire's length is the one the encoding gives the units).
    #[inline]
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'a>, A::Error> {
        let code: u64 = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let units: u64 = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        let wire: &'de [u8] = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(2, &self))?;
        let encoding = unpack(code).ok_or_else(|| {
            de::Error::invalid_value(de::Unexpected::Unsigned(code), &"a value's encoding")
        })?;
        let units = usize::try_from(units)
            .ok()
            .filter(|&u| encoding.wire_len(u) == wire.len())
            .ok_or_else(|| {
                de::Error::invalid_value(de::Unexpected::Unsigned(units), &"the wire's length")
            })?;
        Ok(Value {
            encoding,
            wire,
            units,
        })
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value<'a>, E> {
        Ok(Value {
            encoding: Encoding::Ascii,
            wire: v.as_bytes(),
            units: v.len(),
        })
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Value<'a>, E> {
        Ok(Value {
            encoding: Encoding::Binary,
            wire: v,
            units: v.len(),
        })
    }
}

/// Borrowed from the message (feature `serde`): `#[serde(borrow)] pan: Value<'a>` reads field 2
/// as it sits on the wire in any encoding, with no copy and no conversion — BCD digits stay
/// packed, hex text is not decoded — and [`Value::to_u64`], [`Value::iter`] or
/// [`Value::copy_to`] convert it when the caller needs to. Its `Debug` shows the encoding and
/// length only, so a struct holding a PAN this way does not print it.
///
/// From other deserializers: borrowed text (as an ASCII value) or borrowed bytes (binary).
///
/// ```
/// use paywire_iso8583::builtin::ISO87BINARY;
/// use paywire_iso8583::serde::{from_message, to_message};
/// use paywire_iso8583::{MessageBuilder, MessageRef, Mti, Value};
///
/// #[derive(serde::Deserialize, serde::Serialize)]
/// struct Auth<'a> {
///     #[serde(rename = "0")]
///     mti: String, // BCD on this spec's wire
///     #[serde(rename = "2", borrow)]
///     pan: Value<'a>,
///     #[serde(rename = "4", borrow)]
///     amount: Value<'a>,
/// }
///
/// let mut built = MessageBuilder::new(&ISO87BINARY, Mti::FINANCIAL_REQUEST);
/// built.set(2, b"4761739001010010")?;
/// built.set(4, b"000000001000")?;
/// let wire = built.to_vec()?;
/// let parsed = MessageRef::parse(&ISO87BINARY, &wire)?;
/// let auth: Auth<'_> = from_message(&parsed)?; // BCD fields, nothing copied
/// assert_eq!(auth.amount.to_u64(), Some(1000));
/// assert_eq!(auth.pan.wire(), [0x47, 0x61, 0x73, 0x90, 0x01, 0x01, 0x00, 0x10]);
/// assert_eq!(format!("{:?}", auth.pan).contains("4761"), false);
/// // Back into a message: the same bytes.
/// assert_eq!(to_message(&ISO87BINARY, &auth)?.to_vec()?, wire);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<'de: 'a, 'a> de::Deserialize<'de> for Value<'a> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(TOKEN, ValueVisitor(PhantomData))
    }
}

/// The logical value (feature `serde`), in the CLI's JSON form where it can be: binary
/// content as uppercase hex text (as bytes for formats that are not human-readable); text
/// (ASCII, EBCDIC as ISO 8859-1, BCD digits) as a string when it is ASCII, else as its bytes —
/// so that [`to_message`](super::to_message) writes the value back as it was read.
impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let owned: Vec<u8>;
        let logical = match self.as_bytes() {
            Some(b) => b,
            None => {
                owned = self.to_vec();
                &owned
            }
        };
        let binary = matches!(self.encoding, Encoding::Binary | Encoding::HexText);
        if binary && s.is_human_readable() {
            return s.serialize_str(&crate::field::chars::hex_string(logical));
        }
        match core::str::from_utf8(logical) {
            Ok(text) if !binary && text.is_ascii() => s.serialize_str(text),
            _ => s.serialize_bytes(logical),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::CodePage;

    #[test]
    fn every_encoding_packs_and_unpacks() {
        let all = [
            Encoding::Ascii,
            Encoding::Binary,
            Encoding::HexText,
            Encoding::BCD_LEFT_0,
            Encoding::Bcd {
                align: Align::Right,
                pad: 0x0F,
            },
            Encoding::SignBcd { align: Align::Left },
            Encoding::SignBcd {
                align: Align::Right,
            },
            Encoding::Ebcdic(CodePage::Cp037),
            Encoding::Ebcdic(CodePage::Cp500),
            Encoding::Ebcdic(CodePage::Cp1047),
        ];
        for e in all {
            assert_eq!(unpack(pack(e)), Some(e), "{e:?}");
        }
        for bad in [10, 0x0F, 0x12, 0x0100, 1 << 24, u64::MAX] {
            assert_eq!(unpack(bad), None, "{bad:#x}");
        }
    }
}
