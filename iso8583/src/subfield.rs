//! Subfields: reading a field's value as positional parts, ASCII-tagged TLV or BER-TLV.
//!
//! The checks run once when the message is parsed (or the value set); afterwards
//! [`crate::FieldRef::subfields`] cannot fail.

use crate::field::Value;
#[cfg(feature = "bitmap-subfields")]
use crate::field::read::next_bit;
use crate::field::read::tagged_header;
use crate::spec::{FieldSpec, Subfields};

/// Identifies a subfield.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubfieldId<'a> {
    /// Position (1-based, as specs number them: 60.1, 60.2, ...).
    Position(u8),
    /// An ASCII tag (`A2`).
    Tag(&'a [u8]),
}

/// A subfield's value: a range of the field's logical value (`Debug` shows its length only).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SubValue<'a> {
    value: Value<'a>,
    start: usize,
    len: usize,
}

impl core::fmt::Debug for SubValue<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SubValue")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl<'a> SubValue<'a> {
    /// Length in the field's units.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The logical bytes.
    pub fn iter(&self) -> impl Iterator<Item = u8> + Clone + 'a {
        self.value.iter().skip(self.start).take(self.len)
    }

    /// Borrowed without conversion when the field's encoding allows (ASCII, binary).
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        self.value
            .as_bytes()
            .and_then(|b| b.get(self.start..self.start.saturating_add(self.len)))
    }

    /// As a number, for digits only (up to 19).
    pub fn to_u64(&self) -> Option<u64> {
        crate::field::chars::digits_to_u64(self.len, self.iter())
    }

    /// The part as a value of its own, where its encoding writes each unit in whole bytes
    /// (ASCII, EBCDIC, binary, hex text; not a part of BCD digits).
    #[cfg(feature = "serde")]
    pub(crate) fn as_value(&self) -> Option<crate::Value<'a>> {
        use crate::spec::Encoding;
        let per_unit = match self.value.encoding {
            Encoding::Ascii | Encoding::Ebcdic(_) | Encoding::Binary => 1,
            Encoding::HexText => 2,
            Encoding::Bcd { .. } | Encoding::SignBcd { .. } => return None,
        };
        let start = self.start.checked_mul(per_unit)?;
        let end = start.checked_add(self.len.checked_mul(per_unit)?)?;
        Some(crate::Value {
            encoding: self.value.encoding,
            wire: self.value.wire.get(start..end)?,
            units: self.len,
        })
    }

    /// The logical bytes in a new `Vec`.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        self.iter().collect()
    }
}

/// One subfield.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subfield<'a, 's> {
    /// Which one.
    pub id: SubfieldId<'a>,
    /// Its name, when the spec gives one (positional parts).
    pub name: Option<&'s str>,
    /// Its value.
    pub value: SubValue<'a>,
}

/// Iterator over the subfields of one field (positional or ASCII-tagged; BER-TLV fields are read
/// with [`crate::FieldRef::tlv`]).
#[derive(Clone, Debug)]
pub struct SubfieldIter<'a, 's> {
    spec: &'s FieldSpec<'s>,
    value: Value<'a>,
    pos: usize,
    index: usize,
    /// Bitmap subfields not yet visited (read on the first call).
    #[cfg(feature = "bitmap-subfields")]
    bits: Option<u128>,
}

impl<'a, 's> SubfieldIter<'a, 's> {
    pub(crate) fn new(spec: &'s FieldSpec<'s>, value: Value<'a>) -> Self {
        Self {
            spec,
            value,
            pos: 0,
            index: 0,
            #[cfg(feature = "bitmap-subfields")]
            bits: None,
        }
    }
}

impl<'a, 's> Iterator for SubfieldIter<'a, 's> {
    type Item = Subfield<'a, 's>;

    fn next(&mut self) -> Option<Subfield<'a, 's>> {
        let (item, used) = match self.spec.subfields {
            Subfields::Positional(parts) => {
                let part = parts.get(self.index)?;
                let width = usize::from(part.width);
                if self.pos.saturating_add(width) > self.value.len() {
                    return None;
                }
                let id = SubfieldId::Position(u8::try_from(self.index.saturating_add(1)).ok()?);
                let value = SubValue {
                    value: self.value,
                    start: self.pos,
                    len: width,
                };
                (
                    Subfield {
                        id,
                        name: Some(part.name),
                        value,
                    },
                    width,
                )
            }
            Subfields::TaggedAscii {
                tag_len,
                len_digits,
            } => {
                let bytes = self.value.as_bytes()?.get(self.pos..)?;
                let (tag, len, header) = tagged_header(bytes, tag_len, len_digits)?;
                let value = SubValue {
                    value: self.value,
                    start: self.pos.saturating_add(header),
                    len,
                };
                (
                    Subfield {
                        id: SubfieldId::Tag(tag),
                        name: None,
                        value,
                    },
                    header.saturating_add(len),
                )
            }
            #[cfg(feature = "bitmap-subfields")]
            Subfields::Bitmap { encoding, fields } => {
                let wire = self.value.as_bytes()?;
                let bits = match self.bits {
                    Some(bits) => bits,
                    None => {
                        let extended = fields.iter().any(|f| f.number > 64);
                        let (word, used) =
                            crate::field::read::read_sub_bitmap(wire, encoding, extended, None, 0)
                                .ok()?;
                        self.pos = used;
                        word
                    }
                };
                let (n, rest) = next_bit(bits)?;
                self.bits = Some(rest);
                let sub = fields.iter().find(|f| f.number == n)?;
                read_defined(sub, wire, self.pos)?
            }
            #[cfg(feature = "bitmap-subfields")]
            Subfields::Tagged {
                tag_len,
                tag_encoding,
                fields,
            } => {
                let wire = self.value.as_bytes()?;
                let rest = wire.get(self.pos..).filter(|r| !r.is_empty())?;
                let (number, used) = crate::field::read::read_tag(rest, tag_len, tag_encoding)?;
                let def = fields.iter().find(|f| u16::from(f.number) == number)?;
                let (item, len) = read_defined(def, wire, self.pos.saturating_add(used))?;
                (item, used.saturating_add(len))
            }
            #[cfg(feature = "bitmap-subfields")]
            Subfields::Sequence(fields) => {
                let wire = self.value.as_bytes()?;
                if self.pos >= wire.len() {
                    return None;
                }
                read_defined(fields.get(self.index)?, wire, self.pos)?
            }
            _ => return None,
        };
        self.pos = self.pos.saturating_add(used);
        self.index = self.index.saturating_add(1);
        Some(item)
    }
}

/// Whether subfield `n` of `spec` holds binary content: its own definition says for subfields
/// under a bitmap or in sequence; positional parts and tagged values share the field's.
#[cfg(any(feature = "jpos", feature = "serde"))]
pub(crate) fn binary_subfield(spec: &FieldSpec<'_>, n: u8) -> bool {
    match spec.subfields.definitions() {
        [] => spec.content.is_binary(),
        fields => fields
            .iter()
            .find(|f| f.number == n)
            .is_some_and(|f| f.content.is_binary()),
    }
}

/// The subfield `sub` defines, read from `wire` at `pos`, and the bytes it takes.
#[cfg(feature = "bitmap-subfields")]
fn read_defined<'a, 's>(
    sub: &'s FieldSpec<'s>,
    wire: &'a [u8],
    pos: usize,
) -> Option<(Subfield<'a, 's>, usize)> {
    let located = crate::field::read::read_field(sub, wire.get(pos..)?, 0).ok()?;
    let start = pos.saturating_add(located.value_start);
    let value = SubValue {
        value: Value {
            encoding: sub.encoding,
            wire: wire.get(start..pos.saturating_add(located.end))?,
            units: located.units,
        },
        start: 0,
        len: located.units,
    };
    let item = Subfield {
        id: SubfieldId::Position(sub.number),
        name: Some(sub.name),
        value,
    };
    Some((item, located.end))
}

/// A field's value made from its subfields (`parts`: number and logical value, any order, each
/// number once): positional parts end to end (each exactly its width; a variable-length field
/// may leave out trailing parts), a subfield bitmap (binary or hex, as the layout says)
/// (a second word, announced by bit 1, when a subfield above 64 is given) followed by each
/// subfield written as its definition says, ascending, or a sequence of subfields each written
/// as its definition says, up to the last one given, one left out before it written empty
/// (padded, or a zero length) as jPOS's `GenericSubFieldPackager` does without a bitmap, or
/// tagged subfields (each its tag, then the subfield as its definition says, in the order
/// given). Under a bitmap, in sequence or tagged, a fixed-width value shorter than its width
/// is padded as its definition says (jPOS's padders). Other layouts are
/// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported); a part the layout does not have, or a gap, is
/// [`ErrorKind::BadSubfield`](crate::ErrorKind::BadSubfield) with its index. Each subfield value is checked as a field's is.
#[cfg(feature = "alloc")]
pub fn compose(spec: &FieldSpec<'_>, parts: &[(u8, &[u8])]) -> crate::Result<alloc::vec::Vec<u8>> {
    use crate::error::{Error, ErrorKind};
    #[cfg(feature = "bitmap-subfields")]
    use crate::field::write::{Padded, write_field};
    let field = Some(spec.number);
    let bad = |index: usize| Error::new(ErrorKind::BadSubfield { index }, field, 0);
    // A layout this build leaves out (EBCDIC tags without `ebcdic`, …) is refused here too.
    spec.check_supported(0)?;
    let mut out = alloc::vec::Vec::new();
    if let Some(i) = (1..parts.len()).find(|&i| {
        let n = parts.get(i).map(|p| p.0);
        parts.iter().take(i).any(|p| Some(p.0) == n)
    }) {
        return Err(bad(i));
    }
    match spec.subfields {
        Subfields::Positional(layout) => {
            if let Some(&(n, _)) = parts
                .iter()
                .find(|(n, _)| *n == 0 || usize::from(*n) > layout.len())
            {
                return Err(bad(usize::from(n).saturating_sub(1)));
            }
            let mut ended = false;
            for (i, part) in layout.iter().enumerate() {
                let number = u8::try_from(i.saturating_add(1)).map_err(|_| bad(i))?;
                match parts.iter().find(|(n, _)| *n == number) {
                    Some(_) if ended => return Err(bad(i)),
                    Some((_, value)) if value.len() == usize::from(part.width) => {
                        out.extend_from_slice(value);
                    }
                    Some(_) => return Err(bad(i)),
                    None => ended = true,
                }
            }
        }
        #[cfg(feature = "bitmap-subfields")]
        Subfields::Bitmap { encoding, fields } => {
            let mut sorted: alloc::vec::Vec<&(u8, &[u8])> = parts.iter().collect();
            sorted.sort_by_key(|(n, _)| *n);
            let mut word = 0u128;
            for (i, (n, _)) in sorted.iter().enumerate() {
                if !(1..=128).contains(n) || fields.iter().all(|f| f.number != *n) {
                    return Err(bad(i));
                }
                word |= (1u128 << 127) >> n.saturating_sub(1);
            }
            // Bit 1 announces the second word (subfields 65–128).
            let second = u64::try_from(word & u128::from(u64::MAX)).unwrap_or(0);
            if second != 0 {
                word |= 1u128 << 127;
            }
            let first = u64::try_from(word >> 64).unwrap_or(0);
            crate::bitmap::write_word(first, encoding, &mut out)?;
            if second != 0 {
                crate::bitmap::write_word(second, encoding, &mut out)?;
            }
            for (i, (n, value)) in sorted.iter().enumerate() {
                let def = fields
                    .iter()
                    .find(|f| f.number == *n)
                    .ok_or_else(|| bad(i))?;
                let padded = pad_to_width(def, value).ok_or_else(|| bad(i))?;
                write_field(def, Padded::plain(&padded), &mut out)?;
            }
        }
        #[cfg(feature = "bitmap-subfields")]
        Subfields::Sequence(fields) => {
            let mut last = None;
            for (i, (n, _)) in parts.iter().enumerate() {
                let at = fields
                    .iter()
                    .position(|f| f.number == *n)
                    .ok_or_else(|| bad(i))?;
                last = last.max(Some(at));
            }
            for (i, def) in fields
                .iter()
                .enumerate()
                .take(last.map_or(0, |l| l.saturating_add(1)))
            {
                let value = parts
                    .iter()
                    .find(|(n, _)| *n == def.number)
                    .map_or(&[][..], |(_, v)| *v);
                let padded = pad_to_width(def, value).ok_or_else(|| bad(i))?;
                write_field(def, Padded::plain(&padded), &mut out).map_err(|_| bad(i))?;
            }
        }
        #[cfg(feature = "bitmap-subfields")]
        Subfields::Tagged {
            tag_len,
            tag_encoding,
            fields,
        } => {
            // In the order given (a MAC over the message depends on it).
            let limit = 10u16.pow(u32::from(tag_len.min(3)));
            for (i, (n, value)) in parts.iter().enumerate() {
                let def = fields
                    .iter()
                    .find(|f| f.number == *n && u16::from(*n) < limit)
                    .ok_or_else(|| bad(i))?;
                let padded = pad_to_width(def, value).ok_or_else(|| bad(i))?;
                // The tag: its number as a decimal prefix of `tag_len` digits is written.
                let (tag, len) = crate::field::prefix::encode_prefix(
                    tag_encoding.prefix(tag_len),
                    usize::from(*n),
                );
                out.extend_from_slice(tag.get(..len).unwrap_or_default());
                write_field(def, Padded::plain(&padded), &mut out).map_err(|_| bad(i))?;
            }
        }
        _ => return Err(Error::new(ErrorKind::Unsupported, field, 0)),
    }
    Ok(out)
}

/// `value` padded to `def`'s fixed width as its pad rule says (as is for a variable length),
/// checked as a field's value is; `None` when it does not fit or a fixed width has no pad.
#[cfg(all(feature = "alloc", feature = "bitmap-subfields"))]
fn pad_to_width(def: &FieldSpec<'_>, value: &[u8]) -> Option<alloc::vec::Vec<u8>> {
    use crate::spec::{Length, Pad};
    let mut out = alloc::vec::Vec::from(value);
    if let Length::Fixed(n) = def.length {
        let count = usize::from(n).checked_sub(value.len())?;
        match def.pad {
            _ if count == 0 => {}
            Pad::Left(c) => {
                out.splice(0..0, core::iter::repeat_n(c, count));
            }
            Pad::Right(c) => out.resize(usize::from(n), c),
            Pad::None => return None,
        }
    }
    crate::field::write::check_logical(def, &out).ok()?;
    Some(out)
}

/// A field's value made from ASCII-tagged subfields (`parts`: tag and logical value, in the
/// order to write them): each as its tag, its length in `len_digits` decimal digits, then the
/// value. [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) for another layout; a tag of the wrong length, or a value
/// too long for the length digits, is [`ErrorKind::BadSubfield`](crate::ErrorKind::BadSubfield) with its index.
#[cfg(feature = "alloc")]
pub fn compose_tagged(
    spec: &FieldSpec<'_>,
    parts: &[(&[u8], &[u8])],
) -> crate::Result<alloc::vec::Vec<u8>> {
    use crate::error::{Error, ErrorKind};
    let field = Some(spec.number);
    let Subfields::TaggedAscii {
        tag_len,
        len_digits,
    } = spec.subfields
    else {
        return Err(Error::new(ErrorKind::Unsupported, field, 0));
    };
    let mut out = alloc::vec::Vec::new();
    for (index, (tag, value)) in parts.iter().enumerate() {
        let bad = Error::new(ErrorKind::BadSubfield { index }, field, out.len());
        let digits = usize::from(len_digits);
        if tag.len() != usize::from(tag_len) || value.len() >= 10usize.pow(u32::from(len_digits)) {
            return Err(bad);
        }
        out.extend_from_slice(tag);
        let mut n = value.len();
        let start = out.len();
        out.resize(start.saturating_add(digits), b'0');
        for slot in out.iter_mut().skip(start).rev() {
            *slot = crate::field::chars::digit_char((n % 10) as u8);
            n /= 10;
        }
        out.extend_from_slice(value);
    }
    Ok(out)
}
