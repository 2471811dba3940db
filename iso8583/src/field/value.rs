//! A field value as it sits on the wire, and its logical characters.

use super::chars::*;
use crate::ebcdic;
use crate::error::{Error, ErrorKind, Result};
use crate::spec::{Align, Encoding};

/// Folds `count` nibbles of `wire` starting at nibble `skip`: whole bytes in one loop, with
/// no per-nibble bookkeeping.
#[inline]
pub(crate) fn bcd_fold<B>(
    wire: &[u8],
    skip: usize,
    count: usize,
    init: B,
    mut f: impl FnMut(B, u8) -> B,
) -> B {
    let mut acc = init;
    let mut rest = wire.get(skip / 2..).unwrap_or_default();
    let mut left = count;
    if skip % 2 == 1 && left > 0 {
        let Some((&b, tail)) = rest.split_first() else {
            return acc;
        };
        acc = f(acc, b & 0x0F);
        left = left.saturating_sub(1);
        rest = tail;
    }
    let (pairs, tail) = rest.split_at_checked(left / 2).unwrap_or((rest, &[]));
    for &b in pairs {
        acc = f(acc, b >> 4);
        acc = f(acc, b & 0x0F);
    }
    if left % 2 == 1
        && let Some(&b) = tail.first()
    {
        acc = f(acc, b >> 4);
    }
    acc
}

/// A field value as it sits on the wire, readable as its logical characters or bytes.
///
/// `Debug` shows the encoding and length only: a value does not know which field it is, and
/// may be a PAN or a PIN block. [`crate::FieldRef`] and [`crate::Describe`] print values masked
/// by their field's sensitivity.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Value<'a> {
    pub(crate) encoding: Encoding,
    pub(crate) wire: &'a [u8],
    pub(crate) units: usize,
}

impl<'a> Value<'a> {
    /// The bytes on the wire (length prefix excluded).
    pub const fn wire(&self) -> &'a [u8] {
        self.wire
    }

    /// How the value is written on the wire.
    pub const fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Length in units: characters, digits, or bytes of binary content.
    pub const fn len(&self) -> usize {
        self.units
    }

    /// True for a zero-length value.
    pub const fn is_empty(&self) -> bool {
        self.units == 0
    }

    /// The logical value borrowed without conversion, when the wire holds it as is (ASCII text,
    /// binary content).
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        matches!(self.encoding, Encoding::Ascii | Encoding::Binary).then_some(self.wire)
    }

    /// The logical value as text borrowed without conversion (ASCII encoding, valid UTF-8).
    pub fn as_str(&self) -> Option<&'a str> {
        match self.encoding {
            Encoding::Ascii => core::str::from_utf8(self.wire).ok(),
            _ => None,
        }
    }

    /// The logical bytes: characters (EBCDIC as ISO-8859-1, BCD digits as `0`–`9`, track
    /// separator `=`) or binary bytes (hex text decoded).
    pub fn iter(&self) -> Iter<'a> {
        let skip = match self.encoding {
            Encoding::Bcd {
                align: Align::Right,
                ..
            } => self.units % 2,
            // The digits after the sign byte.
            Encoding::SignBcd {
                align: Align::Right,
                ..
            } if crate::spec::SIGN_BCD => self.units.saturating_sub(1) % 2,
            _ => 0,
        };
        Iter {
            value: *self,
            index: 0,
            skip,
        }
    }

    /// Copies the logical bytes into `out`, returning the written part.
    pub fn copy_to<'b>(&self, out: &'b mut [u8]) -> Result<&'b [u8]> {
        let capacity = out.len();
        let dest = out.get_mut(..self.units).ok_or_else(|| {
            Error::new(
                ErrorKind::BufferTooSmall {
                    needed: self.units,
                    capacity,
                },
                None,
                0,
            )
        })?;
        for (slot, b) in dest.iter_mut().zip(self.iter()) {
            *slot = b;
        }
        Ok(dest)
    }

    /// The value as a number, for digit-only values of up to 19 digits.
    pub fn to_u64(&self) -> Option<u64> {
        digits_to_u64(self.units, self.iter())
    }

    /// The logical bytes in a new `Vec`.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        self.iter().collect()
    }
}

impl core::fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Value")
            .field("encoding", &self.encoding)
            .field("len", &self.units)
            .finish_non_exhaustive()
    }
}

/// Iterator over a value's logical bytes.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    value: Value<'a>,
    index: usize,
    /// Leading pad nibbles to skip (right-aligned odd BCD).
    skip: usize,
}

impl Iterator for Iter<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        if self.index >= self.value.units {
            return None;
        }
        let i = self.index;
        self.index = i.saturating_add(1);
        let wire = self.value.wire;
        match self.value.encoding {
            Encoding::Ascii | Encoding::Binary => wire.get(i).copied(),
            Encoding::Ebcdic(page) => wire.get(i).map(|&b| ebcdic::decode(page, b)),
            Encoding::HexText => {
                let at = i.saturating_mul(2);
                let hi = hex_value(*wire.get(at)?)?;
                let lo = hex_value(*wire.get(at.saturating_add(1))?)?;
                Some((hi << 4) | lo)
            }
            Encoding::Bcd { .. } => {
                let n = i.saturating_add(self.skip);
                let byte = *wire.get(n / 2)?;
                let nib = if n.is_multiple_of(2) {
                    byte >> 4
                } else {
                    byte & 0x0F
                };
                Some(bcd_char(nib))
            }
            Encoding::SignBcd { .. } if crate::spec::SIGN_BCD => {
                let Some(k) = i.checked_sub(1) else {
                    return wire.first().copied();
                };
                let n = k.saturating_add(self.skip);
                let byte = *wire.get((n / 2).saturating_add(1))?;
                Some(nibble_char(if n.is_multiple_of(2) {
                    byte >> 4
                } else {
                    byte & 0x0F
                }))
            }
            // Left out of this build: such a field is refused before it is read.
            Encoding::SignBcd { .. } => None,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.value.units.saturating_sub(self.index);
        (left, Some(left))
    }

    /// Internal iteration with one tight loop per encoding (what `sum`, `for_each`, `collect`
    /// and `fold` use).
    #[inline]
    fn fold<B, F: FnMut(B, u8) -> B>(self, init: B, mut f: F) -> B {
        let Self { value, index, skip } = self;
        let rest = value.units.saturating_sub(index);
        match value.encoding {
            Encoding::Ascii | Encoding::Binary => value
                .wire
                .get(index..index.saturating_add(rest))
                .unwrap_or_default()
                .iter()
                .fold(init, |acc, &b| f(acc, b)),
            Encoding::Ebcdic(page) => value
                .wire
                .get(index..index.saturating_add(rest))
                .unwrap_or_default()
                .iter()
                .fold(init, |acc, &b| f(acc, ebcdic::decode(page, b))),
            Encoding::Bcd { .. } => bcd_fold(
                value.wire,
                skip.saturating_add(index),
                rest,
                init,
                |acc, n| f(acc, bcd_char(n)),
            ),
            Encoding::HexText | Encoding::SignBcd { .. } => {
                Self { value, index, skip }.by_ref_fold(init, f)
            }
        }
    }
}

impl Iter<'_> {
    /// Element-by-element fold (`for` uses `next`, not `fold`).
    fn by_ref_fold<B, F: FnMut(B, u8) -> B>(self, init: B, mut f: F) -> B {
        let mut acc = init;
        for b in self {
            acc = f(acc, b);
        }
        acc
    }
}

impl ExactSizeIterator for Iter<'_> {}
