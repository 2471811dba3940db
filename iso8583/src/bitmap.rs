//! Bitmaps: primary (fields 1–64), secondary (65–128), tertiary (129–192).

use crate::error::{Error, ErrorKind, Result};
use crate::spec::{BitmapEncoding, FIELD65};

/// The mark of a bitmap whose bit 65 is field 65 (a spec defining field 65, as jPOS's
/// packagers do: no tertiary bitmap). Kept in the tertiary word's bit for field 129, which no
/// valid bitmap sets (it would announce a fourth bitmap).
const DATA65: u64 = 1;

/// Which fields are present. Bit 1 announces the secondary bitmap and bit 65 the tertiary one;
/// both are derived from the data fields when encoding, never set by hand — except under a
/// spec that defines field 65 (jPOS's packagers: [`Bitmap::field65_is_data`]), where bit 65 is
/// that field and there is no tertiary bitmap.
///
/// Kept with bit 0 of each word for its first field (the wire puts field 1 in the top bit of
/// the first byte): the bitmap is reversed once when read or written, and walking its fields
/// is a count of trailing zeros and a `w & (w - 1)` per field.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Bitmap {
    words: [u64; 3],
}

impl Bitmap {
    /// An empty bitmap.
    pub const fn new() -> Self {
        Self { words: [0; 3] }
    }

    fn locate(field: u8) -> Option<(usize, u64)> {
        let index = usize::from(field.checked_sub(1)?);
        let word = index / 64;
        (word < 3).then(|| (word, 1u64 << (index % 64)))
    }

    /// True when no bit is set.
    pub fn is_empty(&self) -> bool {
        let [p, s, t] = self.words;
        p | s | (t & !Self::MARK) == 0
    }

    /// The mark's bits where this build has it, none where not (no code for it then).
    const MARK: u64 = if FIELD65 { DATA65 } else { 0 };

    /// True when bit `field` (1–192) is set (129 never is: it would announce a fourth bitmap).
    pub fn is_set(&self, field: u8) -> bool {
        (!FIELD65 || field != 129)
            && Self::locate(field)
                .is_some_and(|(w, bit)| self.words.get(w).is_some_and(|x| x & bit != 0))
    }

    /// True when bit 65 is field 65's (the spec defines field 65, as jPOS's packagers do, and
    /// there is no tertiary bitmap), not the tertiary bitmap's announcement.
    pub const fn field65_is_data(&self) -> bool {
        FIELD65 && self.words[2] & DATA65 != 0
    }

    /// The same bitmap with bit 65 read as field 65 (and no tertiary bitmap): for a spec that
    /// defines field 65. Bits of fields above 128 are dropped.
    pub(crate) const fn with_field65_data(mut self) -> Self {
        if FIELD65 {
            self.words[2] = DATA65;
        }
        self
    }

    /// True when data field `number` is present: not the bitmap bits 1, or 65 where it
    /// announces the tertiary bitmap.
    #[inline]
    pub(crate) fn has_field(&self, number: u8) -> bool {
        number != 1 && (number != 65 || self.field65_is_data()) && self.is_set(number)
    }

    /// Sets bit `field` (1–192); other numbers are ignored.
    pub fn set(&mut self, field: u8) {
        if let Some((w, bit)) = Self::locate(field)
            && let Some(x) = self.words.get_mut(w)
        {
            *x |= bit;
        }
    }

    /// Clears bit `field`.
    pub fn clear(&mut self, field: u8) {
        if let Some((w, bit)) = Self::locate(field)
            && let Some(x) = self.words.get_mut(w)
        {
            *x &= !bit;
        }
    }

    /// The data fields present, ascending (bitmap bits 1 and 65 excluded).
    pub fn fields(&self) -> Fields {
        // The lowest set bit is the next field: found with one count of trailing zeros and
        // cleared with `w & (w - 1)`, independently of each other.
        let [(_, p), (_, s), (_, t)] = self.words();
        Fields {
            current: p,
            later: [s, t],
            base: 1,
        }
    }

    /// The three words, each with the field number of its bit 0 (1, 65, 129), the bitmap bits
    /// 1 and 65 cleared (they announce bitmaps; they are not data fields): for a nested walk
    /// over the fields with [`take_field`], in the order of [`Bitmap::fields`].
    #[inline]
    pub(crate) fn words(&self) -> [(u8, u64); 3] {
        let [p, s, t] = self.words;
        // Bit 65 stays where it is field 65's (the mark in `t`'s bit 0 says so).
        let mark = t & Self::MARK;
        [(1, p & !1), (65, s & (!1 | mark)), (129, t & !Self::MARK)]
    }

    /// The same bitmap with bits 1 and 65 set exactly when a later bitmap has data fields
    /// (bit 65 left as it is where it is field 65's).
    pub fn with_extension_bits(mut self) -> Self {
        let [p, s, t] = self.words;
        if self.field65_is_data() {
            self.words = [if s != 0 { p | 1 } else { p & !1 }, s, DATA65];
            return self;
        }
        let has_tertiary = t != 0;
        let has_secondary = (s & !1) != 0 || has_tertiary;
        self.words = [
            if has_secondary { p | 1 } else { p & !1 },
            if has_tertiary { s | 1 } else { s & !1 },
            t,
        ];
        self
    }

    /// Number of 64-bit bitmaps on the wire (1–3), from bits 1 and 65.
    pub fn count(&self) -> usize {
        match (self.is_set(1), self.is_set(65) && !self.field65_is_data()) {
            (false, _) => 1,
            (true, false) => 2,
            (true, true) => 3,
        }
    }

    /// Bytes the bitmaps take on the wire.
    pub fn wire_len(&self, encoding: BitmapEncoding) -> usize {
        self.count().saturating_mul(match encoding {
            BitmapEncoding::Binary => 8,
            BitmapEncoding::HexText => 16,
        })
    }

    /// Reads one 64-bit bitmap from the start of `input`; returns it as on the wire (field 1 in
    /// the top bit) and the bytes it took.
    pub(crate) fn read_word(
        input: &[u8],
        encoding: BitmapEncoding,
        offset: usize,
    ) -> Result<(u64, usize)> {
        let len = match encoding {
            BitmapEncoding::Binary => 8,
            BitmapEncoding::HexText => 16,
        };
        let Some(bytes) = input.get(..len) else {
            let needed = len.saturating_sub(input.len());
            return Err(Error::new(ErrorKind::Truncated { needed }, Some(1), offset));
        };
        let word = match encoding {
            // Eight bytes: one load.
            BitmapEncoding::Binary => bytes.first_chunk().map_or(0, |b| u64::from_be_bytes(*b)),
            BitmapEncoding::HexText => bytes
                .iter()
                .try_fold(0u64, |word, &b| {
                    let digit = char::from(b).to_digit(16)?;
                    Some((word << 4) | u64::from(digit))
                })
                .ok_or_else(|| Error::new(ErrorKind::BadBitmap, Some(1), offset))?,
        };
        Ok((word, len))
    }

    /// Reads all bitmaps at the start of `input`. `field65`: whether the spec defines field
    /// 65 (asked only when bit 65 is set); then bit 65 is that field and no tertiary bitmap
    /// follows.
    #[inline]
    pub(crate) fn read(
        input: &[u8],
        encoding: BitmapEncoding,
        offset: usize,
        field65: impl FnOnce() -> bool,
    ) -> Result<(Self, usize)> {
        let mut field65 = Some(field65);
        let mut bitmap = Self::new();
        let mut used = 0usize;
        for w in 0..3 {
            let rest = input.get(used..).unwrap_or_default();
            let (word, len) = Self::read_word(rest, encoding, offset.saturating_add(used))?;
            if let Some(slot) = bitmap.words.get_mut(w) {
                *slot = word.reverse_bits();
            }
            // A later bitmap must hold at least one bit (a field or the next bitmap's bit).
            if w > 0 && word == 0 {
                return Err(Error::new(
                    ErrorKind::EmptyBitmap,
                    Some(1),
                    offset.saturating_add(used),
                ));
            }
            used = used.saturating_add(len);
            // Bit 1 of this word announces the next bitmap (bit 65: field 65, if the spec
            // defines it).
            if word & (1 << 63) == 0 {
                break;
            }
            if FIELD65 && w == 1 && field65.take().is_some_and(|f| f()) {
                return Ok((bitmap.with_field65_data(), used));
            }
            if w == 2 {
                return Err(Error::new(ErrorKind::NoFourthBitmap, Some(1), offset));
            }
        }
        Ok((bitmap, used))
    }

    /// Writes the bitmaps (bits 1 and 65 must already be consistent).
    pub(crate) fn write<W: crate::field::Writer + ?Sized>(
        &self,
        encoding: BitmapEncoding,
        w: &mut W,
    ) -> Result<()> {
        for word in self.words.iter().take(self.count()) {
            write_word(word.reverse_bits(), encoding, w)?;
        }
        Ok(())
    }
}

/// Writes one 64-bit bitmap as on the wire (field 1 in the top bit): eight bytes, or sixteen
/// hexadecimal characters. Message bitmaps and subfield bitmaps alike.
#[inline]
pub(crate) fn write_word<W: crate::field::Writer + ?Sized>(
    word: u64,
    encoding: BitmapEncoding,
    w: &mut W,
) -> Result<()> {
    match encoding {
        BitmapEncoding::Binary => w.write(&word.to_be_bytes())?,
        BitmapEncoding::HexText => {
            let mut text = [0u8; 16];
            let mut rest = word;
            for slot in &mut text {
                let nib = rest >> 60;
                rest <<= 4;
                *slot = crate::field::chars::nibble_char(nib as u8);
            }
            w.write(&text)?;
        }
    }
    Ok(())
}

/// The lowest field of a non-zero bitmap `word` whose bit 0 is field `base`, cleared from
/// it: one count of trailing zeros and one `w & (w - 1)`, independent of each other.
#[inline(always)]
pub(crate) fn take_field(base: u8, word: &mut u64) -> u8 {
    let tz = word.trailing_zeros();
    *word &= word.wrapping_sub(1);
    // `base` <= 129 and `tz` < 64 for a non-zero word: at most 192.
    base.wrapping_add(tz as u8)
}

/// Iterator over the data fields of a [`Bitmap`], ascending.
///
/// The word being read is a field of its own (not an element picked by a running index), so a
/// parsing loop keeps it in a register: the step from one field to the next is a count of
/// trailing zeros and a `w & (w - 1)`, with no store and reload between fields.
#[derive(Clone, Debug)]
pub struct Fields {
    /// The word being read: bit 0 is field `base`.
    current: u64,
    /// The words after it; 0 once used.
    later: [u64; 2],
    /// The field number of bit 0 of `current`: 1, 65, 129, then past the end.
    base: u8,
}

impl Iterator for Fields {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        while self.current == 0 {
            if self.base > 128 {
                return None;
            }
            let [next, after] = self.later;
            self.current = next;
            self.later = [after, 0];
            // 1, 65, 129, 193: below 256.
            self.base = self.base.wrapping_add(64);
        }
        Some(take_field(self.base, &mut self.current))
    }

    /// Internal iteration as two plain nested loops (a word, then its set bits), which keeps
    /// the word and its base in registers; `for_each`, `sum` and the like come through here.
    #[inline]
    fn fold<B, F: FnMut(B, u8) -> B>(self, init: B, mut f: F) -> B {
        let mut acc = init;
        let [second, third] = self.later;
        let mut base = self.base;
        for mut word in [self.current, second, third] {
            // Past field 192 every word is 0; `base` stays below 256 until then.
            if base > 129 {
                break;
            }
            while word != 0 {
                acc = f(acc, take_field(base, &mut word));
            }
            base = base.wrapping_add(64);
        }
        acc
    }
}

impl core::fmt::Debug for Bitmap {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.fields()).finish()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    #[test]
    fn extension_bits_follow_the_fields() {
        let mut b = Bitmap::new();
        b.set(3);
        b.set(70);
        let b = b.with_extension_bits();
        assert!(b.is_set(1) && !b.is_set(65) && b.count() == 2);
        let mut out = Vec::new();
        b.write(BitmapEncoding::HexText, &mut out).unwrap();
        assert_eq!(out, b"A0000000000000000400000000000000");
        let (back, used) = Bitmap::read(&out, BitmapEncoding::HexText, 0, || false).unwrap();
        assert_eq!((back, used), (b, 32));
        assert_eq!(back.fields().collect::<Vec<_>>(), [3, 70]);
        let mut t = Bitmap::new();
        t.set(130);
        assert_eq!(t.with_extension_bits().count(), 3);
    }

    /// `fold` (nested loops) and `next` (one field at a time) give the same fields, from the
    /// start or after some were taken.
    #[test]
    fn fold_and_next_agree() {
        let sets: [&[u8]; 6] = [
            &[],
            &[2],
            &[2, 64, 66, 128],
            &[130, 192],
            &[70],
            &[2, 3, 63, 64, 66, 127, 128, 130, 131, 191, 192],
        ];
        for numbers in sets {
            let mut b = Bitmap::new();
            for &n in numbers {
                b.set(n);
            }
            let b = b.with_extension_bits();
            for taken in 0..=numbers.len() {
                let mut it = b.fields();
                for _ in 0..taken {
                    it.next();
                }
                // A `for` loop calls `next`.
                let mut by_next = Vec::new();
                for n in it.clone() {
                    by_next.push(n);
                }
                let by_fold = it.fold(Vec::new(), |mut v, n| {
                    v.push(n);
                    v
                });
                assert_eq!(by_fold, by_next, "{numbers:?} after {taken}");
                assert_eq!(by_fold, numbers[taken..], "{numbers:?} after {taken}");
            }
        }
    }

    #[test]
    fn bad_bitmaps() {
        assert_eq!(
            Bitmap::read(b"72340", BitmapEncoding::HexText, 4, || false)
                .unwrap_err()
                .kind(),
            ErrorKind::Truncated { needed: 11 }
        );
        assert_eq!(
            Bitmap::read(b"7234G00000000000", BitmapEncoding::HexText, 0, || false)
                .unwrap_err()
                .kind(),
            ErrorKind::BadBitmap
        );
        assert_eq!(
            Bitmap::read(&[0xFF; 24], BitmapEncoding::Binary, 0, || false)
                .unwrap_err()
                .kind(),
            ErrorKind::NoFourthBitmap
        );
    }

    #[test]
    fn empty_later_bitmaps_are_rejected() {
        // Found by the iso8583_parse fuzz target: bit 1 set, secondary bitmap all zero, which
        // the builder would drop on re-encoding.
        let e = Bitmap::read(
            b"80202000000000000000000000000000",
            BitmapEncoding::HexText,
            4,
            || false,
        )
        .unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::EmptyBitmap, 20));
        let mut only_tertiary_bit = [0u8; 24];
        only_tertiary_bit[0] = 0x80;
        only_tertiary_bit[8] = 0x80;
        let e = Bitmap::read(&only_tertiary_bit, BitmapEncoding::Binary, 0, || false).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::EmptyBitmap, 16));
    }
}
