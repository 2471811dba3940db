//! Reading and writing one field: length prefix, value encoding, content check.

use crate::ebcdic;
use crate::error::{Error, ErrorKind, Result};
use crate::plan::{self, Op};
use crate::spec::{Align, Counts, Encoding, FieldSpec, Length, Prefix, PrefixEncoding};

pub use emv_tlv::{Counter, Full, SliceWriter, Writer};

/// Folds `count` nibbles of `wire` starting at nibble `skip`: whole bytes in one loop, with
/// no per-nibble bookkeeping.
#[inline]
fn bcd_fold<B>(
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

/// Where a field's value sits inside the bytes it was read from, and its length in units.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Located {
    pub(crate) value_start: usize,
    pub(crate) end: usize,
    pub(crate) units: usize,
}

/// `len` ASCII digits as a number: `None` for no digits, more than 19, or a non-digit.
pub(crate) fn digits_to_u64(len: usize, digits: impl Iterator<Item = u8>) -> Option<u64> {
    if len == 0 || len > 19 {
        return None;
    }
    let mut digits = digits;
    digits.try_fold(0u64, |acc, c| {
        c.is_ascii_digit().then(|| {
            acc.saturating_mul(10)
                .saturating_add(u64::from(digit_value(c)))
        })
    })
}

/// The value of a decimal digit character (callers check `is_ascii_digit` first).
pub(crate) const fn digit_value(c: u8) -> u8 {
    c.wrapping_sub(b'0')
}

/// The character of a decimal digit 0–9.
pub(crate) const fn digit_char(d: u8) -> u8 {
    b'0'.wrapping_add(d % 10)
}

const fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(digit_value(c)),
        b'A'..=b'F' => Some(c.wrapping_sub(b'A' - 10)),
        b'a'..=b'f' => Some(c.wrapping_sub(b'a' - 10)),
        _ => None,
    }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

pub(crate) fn nibble_char(n: u8) -> u8 {
    HEX_UPPER
        .get(usize::from(n & 0x0F))
        .copied()
        .unwrap_or(b'?')
}

/// The nibble a logical BCD character stands for (`D` and `=` are the track separator).
#[inline]
fn char_nibble(c: u8) -> u8 {
    CHAR_NIBBLE.get(usize::from(c)).copied().unwrap_or(0xF)
}

/// [`char_nibble`] as a table: digits, hex letters, `=` as `D`, anything else `F`.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    reason = "evaluated at compile time: a bad index fails the build"
)]
const CHAR_NIBBLE: [u8; 256] = {
    let mut table = [0xFu8; 256];
    let mut i = 0usize;
    while i < 256 {
        let c = i as u8;
        table[i] = match c {
            b'0'..=b'9' => c - b'0',
            b'=' => 0xD,
            _ => match hex_value(c) {
                Some(n) => n,
                None => 0xF,
            },
        };
        i += 1;
    }
    table
};

/// Reads the length prefix at the start of `input`: the number it holds.
fn read_prefix(prefix: Prefix, input: &[u8], field: u8, offset: usize) -> Result<usize> {
    let len = prefix.wire_len();
    let Some(bytes) = input.get(..len) else {
        let needed = len.saturating_sub(input.len());
        return Err(Error::new(
            ErrorKind::Truncated { needed },
            Some(field),
            offset,
        ));
    };
    prefix_value(prefix, bytes)
        .ok_or_else(|| Error::new(ErrorKind::BadLengthPrefix, Some(field), offset))
}

/// The number a length prefix's `bytes` (exactly its wire length) hold, or `None` when they are
/// not a valid prefix.
#[inline]
fn prefix_value(prefix: Prefix, bytes: &[u8]) -> Option<usize> {
    match prefix.encoding {
        PrefixEncoding::Binary => Some(binary_value(bytes)),
        PrefixEncoding::Ascii => decimal_value(bytes.iter().copied()),
        PrefixEncoding::Ebcdic => decimal_value(
            bytes
                .iter()
                .map(|&b| ebcdic::decode(crate::spec::CodePage::Cp037, b)),
        ),
        PrefixEncoding::Bcd => bcd_prefix_value(bytes, prefix.digits % 2 == 1),
    }
}

/// The number ASCII decimal `digits` spell (saturating), or `None` at a non-digit.
#[inline]
fn decimal_value(mut digits: impl Iterator<Item = u8>) -> Option<usize> {
    digits.try_fold(0usize, |n, c| {
        c.is_ascii_digit().then(|| {
            n.saturating_mul(10)
                .saturating_add(usize::from(digit_value(c)))
        })
    })
}

/// The big-endian number `bytes` hold.
#[inline]
fn binary_value(bytes: &[u8]) -> usize {
    bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b))
}

/// The number a packed BCD length prefix holds; `odd`: an odd digit count, so the leading
/// nibble must be 0.
#[inline]
fn bcd_prefix_value(bytes: &[u8], odd: bool) -> Option<usize> {
    if odd && bytes.first().is_some_and(|b| b >> 4 != 0) {
        return None;
    }
    let pair = |b: u8| {
        let (hi, lo) = (b >> 4, b & 0x0F);
        (hi <= 9 && lo <= 9).then(|| usize::from(hi.wrapping_mul(10).wrapping_add(lo)))
    };
    match *bytes {
        // The prefixes specs use (up to four digits), without overflow checks: at most 9999.
        [b] => pair(b),
        [a, b] => Some(pair(a)?.wrapping_mul(100).wrapping_add(pair(b)?)),
        _ => bytes.iter().try_fold(0usize, |n, &b| {
            Some(n.saturating_mul(100).saturating_add(pair(b)?))
        }),
    }
}

/// `n` as a length prefix: the bytes (the start of the array) and how many there are
/// (`prefix.wire_len()` for any valid prefix).
#[inline]
fn encode_prefix(prefix: Prefix, n: usize) -> ([u8; 4], usize) {
    let mut out = [0u8; 4];
    let len = prefix.wire_len();
    let digits = usize::from(prefix.digits);
    match prefix.encoding {
        PrefixEncoding::Binary => {
            let be = (n as u32).to_be_bytes();
            let start = be.len().saturating_sub(len);
            let bytes = be.get(start..).unwrap_or_default();
            for (slot, &b) in out.iter_mut().zip(bytes) {
                *slot = b;
            }
            return (out, bytes.len());
        }
        PrefixEncoding::Ascii | PrefixEncoding::Ebcdic => {
            let mut rest = n;
            for slot in out.iter_mut().take(digits).rev() {
                *slot = digit_char((rest % 10) as u8);
                rest /= 10;
            }
            if prefix.encoding == PrefixEncoding::Ebcdic {
                for slot in out.iter_mut().take(digits) {
                    *slot = ebcdic::encode(crate::spec::CodePage::Cp037, *slot);
                }
            }
        }
        PrefixEncoding::Bcd => {
            let mut rest = n;
            for slot in out.iter_mut().take(len).rev() {
                let lo = (rest % 10) as u8;
                rest /= 10;
                let hi = (rest % 10) as u8;
                rest /= 10;
                *slot = (hi << 4) | lo;
            }
        }
    }
    (out, len)
}

/// Writes `n` as a length prefix.
fn write_prefix<W: Writer + ?Sized>(prefix: Prefix, n: usize, w: &mut W) -> Result<()> {
    let (out, len) = encode_prefix(prefix, n);
    Ok(w.write(out.get(..len).unwrap_or_default())?)
}

/// Locates the field described by `spec` at the start of `input` (which sits at `offset` in the
/// message) and checks its value.
#[inline]
pub(crate) fn read_field(spec: &FieldSpec<'_>, input: &[u8], offset: usize) -> Result<Located> {
    match read_field_fast(spec, input) {
        Some(located) => Ok(located),
        None => read_field_general(spec, input, offset),
    }
}

/// The common shapes (ASCII, binary, hex-text and BCD values without subfields, fixed or with
/// any prefix) checked in one branch-light pass. `None` means "not this shape, or not
/// valid": the general path then handles the field and reports any error precisely.
#[inline]
fn read_field_fast(spec: &FieldSpec<'_>, input: &[u8]) -> Option<Located> {
    if !matches!(spec.subfields, crate::spec::Subfields::None) {
        return None;
    }
    let (value_start, units) = match spec.length {
        Length::Fixed(n) => (0, usize::from(n)),
        Length::Var { prefix, min, max } => {
            let n = prefix_value(prefix, input.get(..prefix.wire_len())?)?;
            let units = match (prefix.counts, spec.encoding) {
                (Counts::Units, _) => n,
                (Counts::Bytes, Encoding::Ascii | Encoding::Binary) => n,
                // Hex text counted in bytes of text: two characters a unit.
                (Counts::Bytes, Encoding::HexText) if n % 2 == 0 => n / 2,
                _ => return None,
            };
            if units > usize::from(max) || units < usize::from(min) {
                return None;
            }
            (prefix.wire_len(), units)
        }
    };
    match spec.encoding {
        Encoding::Ascii | Encoding::Binary => {
            let end = value_start.checked_add(units)?;
            let value = input.get(value_start..end)?;
            fast_content_ok(spec.content, value).then_some(Located {
                value_start,
                end,
                units,
            })
        }
        Encoding::HexText => {
            let end = value_start.checked_add(units.checked_mul(2)?)?;
            let value = input.get(value_start..end)?;
            all_class(value, C_HEX).then_some(Located {
                value_start,
                end,
                units,
            })
        }
        Encoding::Bcd { align, pad } => {
            let end = value_start.checked_add(units.div_ceil(2))?;
            let value = input.get(value_start..end)?;
            let separator = match spec.content {
                crate::spec::Content::N => false,
                crate::spec::Content::Z => true,
                _ => return None,
            };
            bcd_ok(value, units, align, pad, separator).then_some(Located {
                value_start,
                end,
                units,
            })
        }
        _ => None,
    }
}

/// Encodings as one byte: a present field's slot in a message's index keeps the code of the
/// encoding its value was read with, so that reading the value back needs no look-up in the
/// spec's table. BCD with a pad nibble other than 0 or F (which `Spec::validate` refuses) has
/// no code ([`enc::NONE`]).
pub(crate) mod enc {
    use crate::spec::{Align, CodePage, Encoding};

    pub(crate) const ASCII: u8 = 0;
    pub(crate) const BINARY: u8 = 1;
    pub(crate) const HEX: u8 = 2;
    /// The first of the four BCD codes (right/left aligned × pad 0/F).
    pub(crate) const BCD: u8 = 3;
    /// No code: read the encoding from the field's definition.
    pub(crate) const NONE: u8 = u8::MAX;

    /// Every encoding with a code, at its code.
    pub(crate) const ALL: [Encoding; 10] = [
        Encoding::Ascii,
        Encoding::Binary,
        Encoding::HexText,
        Encoding::Bcd {
            align: Align::Right,
            pad: 0,
        },
        Encoding::Bcd {
            align: Align::Right,
            pad: 0xF,
        },
        Encoding::Bcd {
            align: Align::Left,
            pad: 0,
        },
        Encoding::Bcd {
            align: Align::Left,
            pad: 0xF,
        },
        Encoding::Ebcdic(CodePage::Cp037),
        Encoding::Ebcdic(CodePage::Cp500),
        Encoding::Ebcdic(CodePage::Cp1047),
    ];

    /// The code of `encoding`.
    pub(crate) const fn code(encoding: Encoding) -> u8 {
        match encoding {
            Encoding::Ascii => ASCII,
            Encoding::Binary => BINARY,
            Encoding::HexText => HEX,
            Encoding::Bcd { align, pad } => match (align, pad) {
                (Align::Right, 0) => BCD,
                (Align::Right, 0xF) => 4,
                (Align::Left, 0) => 5,
                (Align::Left, 0xF) => 6,
                _ => NONE,
            },
            Encoding::Ebcdic(CodePage::Cp037) => 7,
            Encoding::Ebcdic(CodePage::Cp500) => 8,
            Encoding::Ebcdic(CodePage::Cp1047) => 9,
        }
    }

    /// True for the BCD codes.
    #[inline(always)]
    pub(crate) const fn is_bcd(code: u8) -> bool {
        code.wrapping_sub(BCD) < 4
    }
}

/// Class bits per byte: which content classes allow it as an ASCII character, and whether it
/// is a valid packed-BCD byte (two digits, or digits and the track separator nibble `D`).
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    reason = "evaluated at compile time: a bad index fails the build"
)]
const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0usize;
    while i < 256 {
        let c = i as u8;
        let mut bits = 0u8;
        if crate::spec::Content::N.allows(c) {
            bits |= C_N;
        }
        if crate::spec::Content::A.allows(c) {
            bits |= C_A;
        }
        if crate::spec::Content::An.allows(c) {
            bits |= C_AN;
        }
        if crate::spec::Content::Ans.allows(c) {
            bits |= C_ANS;
        }
        if crate::spec::Content::Z.allows(c) {
            bits |= C_Z;
        }
        let (hi, lo) = (c >> 4, c & 0x0F);
        if hi <= 9 && lo <= 9 {
            bits |= C_BCD_N;
        }
        if (hi <= 9 || hi == 0xD) && (lo <= 9 || lo == 0xD) {
            bits |= C_BCD_Z;
        }
        if hex_value(c).is_some() {
            bits |= C_HEX;
        }
        table[i] = bits;
        i += 1;
    }
    table
};
pub(crate) const C_N: u8 = 1;
pub(crate) const C_A: u8 = 1 << 1;
pub(crate) const C_AN: u8 = 1 << 2;
pub(crate) const C_ANS: u8 = 1 << 3;
pub(crate) const C_Z: u8 = 1 << 4;
pub(crate) const C_BCD_N: u8 = 1 << 5;
pub(crate) const C_BCD_Z: u8 = 1 << 6;
pub(crate) const C_HEX: u8 = 1 << 7;

/// True when every byte of `value` has `bit` in [`CLASS`]: one load and one AND a byte, no
/// branch.
#[inline]
fn all_class(value: &[u8], bit: u8) -> bool {
    value.iter().fold(bit, |m, &b| {
        m & CLASS.get(usize::from(b)).copied().unwrap_or(0)
    }) != 0
}

/// [`all_class`] for a fixed field: up to 8 bytes as straight-line code chosen by one jump on
/// the length, so that the short fields most messages are made of pay no loop.
#[inline(always)]
fn fixed_class(value: &[u8], bit: u8) -> bool {
    let c = |b: &u8| CLASS.get(usize::from(*b)).copied().unwrap_or(0);
    let m = match value {
        [] => u8::MAX,
        [a] => c(a),
        [a, b] => c(a) & c(b),
        [a, b, d] => c(a) & c(b) & c(d),
        [a, b, d, e] => c(a) & c(b) & c(d) & c(e),
        [a, b, d, e, f] => c(a) & c(b) & c(d) & c(e) & c(f),
        [a, b, d, e, f, g] => c(a) & c(b) & c(d) & c(e) & c(f) & c(g),
        [a, b, d, e, f, g, h] => c(a) & c(b) & c(d) & c(e) & c(f) & c(g) & c(h),
        [a, b, d, e, f, g, h, i] => c(a) & c(b) & c(d) & c(e) & c(f) & c(g) & c(h) & c(i),
        _ => return all_class(value, bit),
    };
    m & bit != 0
}

/// Content check without early exit (short fields: no branch per byte).
#[inline]
fn fast_content_ok(content: crate::spec::Content, value: &[u8]) -> bool {
    use crate::spec::Content;
    let bit = match content {
        Content::B => return true,
        Content::N => C_N,
        Content::A => C_A,
        Content::An => C_AN,
        Content::Ans => C_ANS,
        Content::Z => C_Z,
        Content::XN => return content.check(value.iter().copied()).is_ok(),
    };
    all_class(value, bit)
}

/// Locates and checks a field whose spec compiled to the fast rule `op` (see [`crate::plan`]),
/// at the start of `input`. `None` means "not a fast rule, or not valid": the general reader
/// then handles the field and reports any error precisely.
#[inline(always)]
pub(crate) fn read_op<'i>(op: &Op, input: &'i [u8]) -> Option<(Located, &'i [u8])> {
    let wire = usize::from(op.wire);
    // One dispatch: each arm splits off the value and checks it.
    let (ok, after) = match op.shape {
        plan::shape::FIXED => {
            let (value, after) = input.split_at_checked(wire)?;
            (fixed_class(value, op.class), after)
        }
        plan::shape::FIXED_RAW => (true, input.get(wire..)?),
        plan::shape::FIXED_ODD => {
            let (value, after) = input.split_at_checked(wire)?;
            (bcd_odd_ok(value, op.bcd, op.class), after)
        }
        plan::shape::VAR => return read_var(op, input),
        _ => return None,
    };
    let located = Located {
        value_start: 0,
        end: wire,
        units: usize::from(op.min),
    };
    ok.then_some((located, after))
}

/// [`read_op`] for a field with a length prefix.
#[inline(always)]
fn read_var<'i>(op: &Op, input: &'i [u8]) -> Option<(Located, &'i [u8])> {
    let len = usize::from(op.prefix & plan::prefix::LEN);
    let (bytes, body) = input.split_at_checked(len)?;
    let units = match op.prefix & 0xF0 {
        plan::prefix::ASCII => decimal_value(bytes.iter().copied())?,
        plan::prefix::BCD => bcd_prefix_value(bytes, op.prefix & plan::prefix::BCD_ODD != 0)?,
        _ => binary_value(bytes),
    };
    if units > usize::from(op.max) || units < usize::from(op.min) {
        return None;
    }
    let code = op.enc;
    let bcd = enc::is_bcd(code);
    let wire = match code {
        enc::HEX => units.wrapping_mul(2),
        _ if bcd => units.div_ceil(2),
        _ => units,
    };
    let (value, after) = body.split_at_checked(wire)?;
    let ok = match op.class {
        0 => true,
        _ if bcd && units % 2 == 1 => bcd_odd_ok(value, op.bcd, op.class),
        class => all_class(value, class),
    };
    let located = Located {
        value_start: len,
        end: len.wrapping_add(wire),
        units,
    };
    ok.then_some((located, after))
}

/// An odd number of packed BCD digits: the pad nibble (`bcd >> 4`) where the alignment
/// (`bcd & 1`: 1 for left) puts it, and every digit with the class bit (`C_BCD_N` or
/// `C_BCD_Z`, which also allows the separator `D`). The byte holding the pad is checked with
/// its pad nibble zeroed, so that one table serves both.
#[inline]
fn bcd_odd_ok(wire: &[u8], bcd: u8, class: u8) -> bool {
    let pad = bcd >> 4;
    let (pad_ok, digit, body) = if bcd & 1 == 0 {
        let Some((first, rest)) = wire.split_first() else {
            return false;
        };
        (first >> 4 == pad, first & 0x0F, rest)
    } else {
        let Some((last, rest)) = wire.split_last() else {
            return false;
        };
        (last & 0x0F == pad, last & 0xF0, rest)
    };
    let first = class & CLASS.get(usize::from(digit)).copied().unwrap_or(0);
    pad_ok && all_class(body, first)
}

/// Every nibble of a packed BCD value a digit (or the separator `D`), and the pad nibble of an
/// odd length the spec's pad.
#[inline]
fn bcd_ok(wire: &[u8], units: usize, align: Align, pad: u8, separator: bool) -> bool {
    let class = if separator { C_BCD_Z } else { C_BCD_N };
    if units.is_multiple_of(2) {
        return all_class(wire, class);
    }
    let left = match align {
        Align::Left => 1,
        Align::Right => 0,
    };
    // A pad that is not a nibble never matches one.
    pad <= 0x0F && bcd_odd_ok(wire, (pad << 4) | left, class)
}

/// Every other shape, and the error paths of the fast one.
fn read_field_general(spec: &FieldSpec<'_>, input: &[u8], offset: usize) -> Result<Located> {
    let field = Some(spec.number);
    let (value_start, units, wire) = match spec.length {
        Length::Fixed(n) => {
            let units = usize::from(n);
            (0, units, spec.encoding.wire_len(units))
        }
        Length::Var { prefix, min, max } => {
            let n = read_prefix(prefix, input, spec.number, offset)?;
            let (units, wire) = match prefix.counts {
                Counts::Units => (n, spec.encoding.wire_len(n)),
                Counts::Bytes => match spec.encoding {
                    Encoding::HexText if n % 2 == 1 => {
                        return Err(Error::new(ErrorKind::BadLengthPrefix, field, offset));
                    }
                    Encoding::HexText => (n / 2, n),
                    // Not a valid spec (validation refuses it): read as whole bytes of digits,
                    // so the wire length stays `encoding.wire_len(units)` as everywhere else.
                    Encoding::Bcd { .. } => (n.saturating_mul(2), n),
                    _ => (n, n),
                },
            };
            let prefix_len = prefix.wire_len();
            let at = offset.saturating_add(prefix_len);
            if units > usize::from(max) {
                let kind = ErrorKind::TooLong {
                    length: units,
                    max: usize::from(max),
                };
                return Err(Error::new(kind, field, offset));
            }
            if units < usize::from(min) {
                let kind = ErrorKind::TooShort {
                    length: units,
                    min: usize::from(min),
                };
                return Err(Error::new(kind, field, at));
            }
            (prefix_len, units, wire)
        }
    };
    let end = value_start.saturating_add(wire);
    let Some(value) = input.get(value_start..end) else {
        let needed = end.saturating_sub(input.len());
        return Err(Error::new(ErrorKind::Truncated { needed }, field, offset));
    };
    let value_offset = offset.saturating_add(value_start);
    check_wire(spec, value, units, value_offset)?;
    let value = Value {
        encoding: spec.encoding,
        wire: value,
        units,
    };
    crate::subfield::check(spec, value, value_offset)?;
    Ok(Located {
        value_start,
        end,
        units,
    })
}

/// Checks a value as it appears on the wire: pad nibbles, hex digits, content class.
fn check_wire(spec: &FieldSpec<'_>, wire: &[u8], units: usize, offset: usize) -> Result<()> {
    let field = Some(spec.number);
    match spec.encoding {
        Encoding::HexText => {
            if let Some(i) = wire.iter().position(|&c| hex_value(c).is_none()) {
                let kind = ErrorKind::BadCharacter { index: i / 2 };
                return Err(Error::new(kind, field, offset.saturating_add(i)));
            }
            return Ok(());
        }
        Encoding::Bcd { align, pad } if units % 2 == 1 => {
            let pad_nibble = match align {
                Align::Right => wire.first().map(|b| b >> 4),
                Align::Left => wire.last().map(|b| b & 0x0F),
            };
            if pad_nibble != Some(pad) {
                return Err(Error::new(ErrorKind::BadPad, field, offset));
            }
        }
        _ => {}
    }
    let checked = match spec.encoding {
        Encoding::Ascii | Encoding::Binary => spec.content.check(wire.iter().copied()),
        Encoding::Bcd { align, .. } => {
            let skip = usize::from(align == Align::Right && units % 2 == 1);
            // BCD carries only `n` and `z`: digits, and `D` as the track separator.
            let separator_ok = spec.content == crate::spec::Content::Z;
            let (_, bad) = bcd_fold(wire, skip, units, (0usize, None), |(i, bad), n| {
                let ok = n <= 9 || (separator_ok && n == 0xD);
                (i.saturating_add(1), bad.or((!ok).then_some(i)))
            });
            bad.map_or(Ok(()), Err)
        }
        _ => {
            let value = Value {
                encoding: spec.encoding,
                wire,
                units,
            };
            spec.content.check(value.iter())
        }
    };
    checked.map_err(|i| {
        let at = offset.saturating_add(
            spec.encoding
                .wire_len(i.saturating_add(1))
                .saturating_sub(1),
        );
        Error::new(ErrorKind::BadCharacter { index: i }, field, at)
    })
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
    /// separator `D`) or binary bytes (hex text decoded).
    pub fn iter(&self) -> Iter<'a> {
        let skip = match self.encoding {
            Encoding::Bcd {
                align: Align::Right,
                ..
            } => self.units % 2,
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
                Some(nibble_char(nib))
            }
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
                |acc, n| f(acc, nibble_char(n)),
            ),
            Encoding::HexText => Self { value, index, skip }.by_ref_fold(init, f),
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

/// Checks a logical value (as a builder receives it) against the field's length and content.
pub(crate) fn check_logical(spec: &FieldSpec<'_>, value: &[u8]) -> Result<()> {
    let field = Some(spec.number);
    let units = value.len();
    match spec.length {
        Length::Fixed(n) => {
            let n = usize::from(n);
            if units > n {
                return Err(Error::new(
                    ErrorKind::TooLong {
                        length: units,
                        max: n,
                    },
                    field,
                    0,
                ));
            }
            if units < n {
                return Err(Error::new(
                    ErrorKind::TooShort {
                        length: units,
                        min: n,
                    },
                    field,
                    0,
                ));
            }
        }
        Length::Var { min, max, .. } => {
            let (min, max) = (usize::from(min), usize::from(max));
            if units > max {
                return Err(Error::new(
                    ErrorKind::TooLong { length: units, max },
                    field,
                    0,
                ));
            }
            if units < min {
                return Err(Error::new(
                    ErrorKind::TooShort { length: units, min },
                    field,
                    0,
                ));
            }
        }
    }
    spec.content
        .check(value.iter().copied())
        .map_err(|index| Error::new(ErrorKind::BadCharacter { index }, field, 0))?;
    // BCD writes the track separator as the nibble D, which reads back as `D`: refuse `=` rather
    // than change the value silently.
    if let (Encoding::Bcd { .. }, Some(index)) =
        (spec.encoding, value.iter().position(|&c| c == b'='))
    {
        return Err(Error::new(ErrorKind::BadCharacter { index }, field, 0));
    }
    let logical = Value {
        encoding: if spec.content.is_binary() {
            Encoding::Binary
        } else {
            Encoding::Ascii
        },
        wire: value,
        units,
    };
    crate::subfield::check(spec, logical, 0)
}

/// Bytes a field with a logical value of `units` units takes on the wire, prefix included.
pub(crate) fn field_len(spec: &FieldSpec<'_>, units: usize) -> usize {
    let wire = spec.encoding.wire_len(units);
    match spec.length {
        Length::Fixed(_) => wire,
        Length::Var { prefix, .. } => wire.saturating_add(prefix.wire_len()),
    }
}

/// A logical value to write: `value` with `count` copies of `pad` before or after it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Padded<'v> {
    pub(crate) value: &'v [u8],
    pub(crate) pad: u8,
    pub(crate) count: usize,
    pub(crate) left: bool,
}

impl<'v> Padded<'v> {
    pub(crate) const fn plain(value: &'v [u8]) -> Self {
        Self {
            value,
            pad: 0,
            count: 0,
            left: false,
        }
    }

    pub(crate) const fn len(&self) -> usize {
        self.value.len().saturating_add(self.count)
    }

    /// Character `i` of the padded value.
    #[inline]
    fn get(&self, i: usize) -> u8 {
        let (lead, len) = (if self.left { self.count } else { 0 }, self.value.len());
        match i.checked_sub(lead) {
            Some(k) if k < len => self.value.get(k).copied().unwrap_or(self.pad),
            _ => self.pad,
        }
    }

    fn iter(&self) -> impl Iterator<Item = u8> + Clone + 'v {
        let (lead, trail) = if self.left {
            (self.count, 0)
        } else {
            (0, self.count)
        };
        core::iter::repeat_n(self.pad, lead)
            .chain(self.value.iter().copied())
            .chain(core::iter::repeat_n(self.pad, trail))
    }
}

/// Packs `digits` (digits and `D`) as BCD into `dest` (`digits.len().div_ceil(2)` bytes), two
/// characters a byte, the pad nibble first (right-aligned) or last (left-aligned) for an odd
/// count.
#[inline]
fn pack_bcd(digits: &[u8], align: Align, pad: u8, dest: &mut [u8]) {
    let (dest, digits) = match (digits.len() % 2 == 1, align) {
        (true, Align::Right) => match (dest.split_first_mut(), digits.split_first()) {
            (Some((first, dest)), Some((&c, digits))) => {
                *first = (pad << 4) | char_nibble(c);
                (dest, digits)
            }
            _ => return,
        },
        _ => (dest, digits),
    };
    let pairs = digits.chunks_exact(2);
    let last = pairs.remainder().first().copied();
    let mut slots = dest.iter_mut();
    // Pairs first: `zip` then stops without taking a slot from `slots`.
    for (pair, slot) in pairs.zip(slots.by_ref()) {
        if let [hi, lo] = *pair {
            *slot = (char_nibble(hi) << 4) | char_nibble(lo);
        }
    }
    if let (Some(slot), Some(hi)) = (slots.next(), last) {
        *slot = (char_nibble(hi) << 4) | (pad & 0x0F);
    }
}

/// Packs `value` (digits and `D`) as BCD through a 32-byte buffer: one write for a value of up
/// to 64 digits, 64 digits a write beyond (the first piece one digit short for a right-aligned
/// odd count, so every later piece is even and the pad stays where `align` puts it).
fn write_bcd<W: Writer + ?Sized>(value: &[u8], align: Align, pad: u8, w: &mut W) -> Result<()> {
    let mut buf = [0u8; 32];
    let first = if value.len() % 2 == 1 && align == Align::Right {
        63
    } else {
        64
    };
    let (lead, rest) = value.split_at(first.min(value.len()));
    for piece in core::iter::once(lead).chain(rest.chunks(64)) {
        let dest = buf.get_mut(..piece.len().div_ceil(2)).unwrap_or_default();
        pack_bcd(piece, align, pad, dest);
        w.write(dest)?;
    }
    Ok(())
}

/// Binary bytes as upper-case hex text into `dest` (two characters a byte).
#[inline]
fn pack_hex(bytes: &[u8], dest: &mut [u8]) {
    for (pair, &b) in dest.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = nibble_char(b >> 4);
            *lo = nibble_char(b);
        }
    }
}

/// Binary bytes as upper-case hex text, through a small stack buffer.
fn write_hex<W: Writer + ?Sized>(value: &[u8], w: &mut W) -> Result<()> {
    let mut buf = [0u8; 64];
    for chunk in value.chunks(buf.len() / 2) {
        let dest = buf
            .get_mut(..chunk.len().saturating_mul(2))
            .unwrap_or_default();
        pack_hex(chunk, dest);
        w.write(dest)?;
    }
    Ok(())
}

/// Writes a field: prefix, then the logical value (already checked) encoded.
pub(crate) fn write_field<W: Writer + ?Sized>(
    spec: &FieldSpec<'_>,
    value: Padded<'_>,
    w: &mut W,
) -> Result<()> {
    if let Length::Var { prefix, .. } = spec.length {
        let n = match prefix.counts {
            Counts::Units => value.len(),
            Counts::Bytes => spec.encoding.wire_len(value.len()),
        };
        write_prefix(prefix, n, w)?;
    }
    write_value(spec.encoding, value, w)
}

/// Writes a field straight into `buf` at `pos` and returns where it ends: the common shapes
/// (ASCII or binary values, padded or not; unpadded BCD and hex text; any prefix counting
/// units, or bytes of one-byte units) with no intermediate buffer and no per-piece writer
/// call. `None` for any other shape or when `buf` is too small; the caller then writes the
/// field through a [`Writer`], which handles every shape and reports errors.
#[inline]
pub(crate) fn put_field(
    spec: &FieldSpec<'_>,
    value: Padded<'_>,
    buf: &mut [u8],
    pos: usize,
) -> Option<usize> {
    let mut pos = pos;
    if let Length::Var { prefix, .. } = spec.length {
        let n = match (prefix.counts, spec.encoding) {
            (Counts::Units, _) | (Counts::Bytes, Encoding::Ascii | Encoding::Binary) => value.len(),
            _ => return None,
        };
        let (bytes, len) = encode_prefix(prefix, n);
        buf.get_mut(pos..pos.checked_add(len)?)?
            .copy_from_slice(bytes.get(..len)?);
        pos = pos.checked_add(len)?;
    }
    match spec.encoding {
        Encoding::Ascii | Encoding::Binary => {
            let end = pos.checked_add(value.len())?;
            let dest = buf.get_mut(pos..end)?;
            if value.count == 0 {
                dest.copy_from_slice(value.value);
                return Some(end);
            }
            let (head, tail) =
                dest.split_at_mut_checked(if value.left { value.count } else { 0 })?;
            let (body, trail) = tail.split_at_mut_checked(value.value.len())?;
            head.fill(value.pad);
            body.copy_from_slice(value.value);
            trail.fill(value.pad);
            Some(end)
        }
        Encoding::Bcd { align, pad } if value.count == 0 => {
            let end = pos.checked_add(value.value.len().div_ceil(2))?;
            pack_bcd(value.value, align, pad, buf.get_mut(pos..end)?);
            Some(end)
        }
        Encoding::HexText if value.count == 0 => {
            let end = pos.checked_add(value.value.len().checked_mul(2)?)?;
            pack_hex(value.value, buf.get_mut(pos..end)?);
            Some(end)
        }
        _ => None,
    }
}

/// Writes a logical value in `encoding`.
#[inline]
fn write_value<W: Writer + ?Sized>(encoding: Encoding, value: Padded<'_>, w: &mut W) -> Result<()> {
    if value.count == 0 {
        match encoding {
            Encoding::Ascii | Encoding::Binary => return Ok(w.write(value.value)?),
            Encoding::Bcd { align, pad } => return write_bcd(value.value, align, pad, w),
            Encoding::HexText => return write_hex(value.value, w),
            Encoding::Ebcdic(_) => {}
        }
    }
    write_padded(encoding, value, w)
}

/// Padded values and EBCDIC, converted through a small stack buffer.
#[inline(never)]
fn write_padded<W: Writer + ?Sized>(
    encoding: Encoding,
    value: Padded<'_>,
    w: &mut W,
) -> Result<()> {
    let mut buf = [0u8; 64];
    let mut filled = 0usize;
    let mut push = |b: u8, w: &mut W| -> Result<()> {
        if let Some(slot) = buf.get_mut(filled) {
            *slot = b;
        }
        filled = filled.saturating_add(1);
        if filled == buf.len() {
            w.write(&buf)?;
            filled = 0;
        }
        Ok(())
    };
    match encoding {
        Encoding::Ascii | Encoding::Binary => value.iter().try_for_each(|c| push(c, w))?,
        Encoding::Ebcdic(page) => value
            .iter()
            .try_for_each(|c| push(ebcdic::encode(page, c), w))?,
        Encoding::HexText => value.iter().try_for_each(|b| {
            push(nibble_char(b >> 4), w)?;
            push(nibble_char(b), w)
        })?,
        Encoding::Bcd { align, pad } => {
            let total = value.len();
            let odd = total % 2 == 1;
            let lead = odd && align == Align::Right;
            // Nibble j of the packed value: an optional leading pad, the characters, an
            // optional trailing pad.
            let nibble = |j: usize| -> u8 {
                let i = if lead { j.checked_sub(1) } else { Some(j) };
                i.filter(|&i| i < total)
                    .map_or(pad, |i| char_nibble(value.get(i)))
            };
            let bytes = total.div_ceil(2);
            for k in 0..bytes {
                let j = k.saturating_mul(2);
                push((nibble(j) << 4) | (nibble(j.saturating_add(1)) & 0x0F), w)?;
            }
        }
    }
    Ok(w.write(buf.get(..filled).unwrap_or_default())?)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec;
    use std::vec::Vec;

    use super::*;
    use crate::spec::{CodePage, Content, Prefix};

    /// The straight-line check of short fixed fields answers as the byte loop does, for every
    /// length around its cut-over (8), every class, and a refused byte at every position.
    #[test]
    fn fixed_class_agrees_with_the_loop() {
        for bit in [C_N, C_A, C_AN, C_ANS, C_Z, C_BCD_N, C_BCD_Z, C_HEX] {
            let good = (0..=u8::MAX)
                .find(|&b| CLASS[usize::from(b)] & bit != 0)
                .unwrap();
            let bad = (0..=u8::MAX)
                .find(|&b| CLASS[usize::from(b)] & bit == 0)
                .unwrap();
            for len in 0..=12 {
                let mut value = vec![good; len];
                assert!(fixed_class(&value, bit), "len {len}");
                for at in 0..len {
                    value[at] = bad;
                    assert!(!fixed_class(&value, bit), "len {len} at {at}");
                    assert_eq!(fixed_class(&value, bit), all_class(&value, bit));
                    value[at] = good;
                }
            }
        }
    }

    /// BCD length prefixes of one, two and three bytes read as their digits say, and any
    /// nibble above 9 (or a leading nibble under an odd digit count) refuses the prefix.
    #[test]
    fn bcd_prefix_values() {
        fn reference(bytes: &[u8], odd: bool) -> Option<usize> {
            let nibbles: Vec<u8> = bytes.iter().flat_map(|&b| [b >> 4, b & 0xF]).collect();
            if nibbles.iter().any(|&d| d > 9) || (odd && nibbles[0] != 0) {
                return None;
            }
            Some(nibbles.iter().fold(0, |n, &d| n * 10 + usize::from(d)))
        }
        for odd in [false, true] {
            for a in 0..=u8::MAX {
                assert_eq!(bcd_prefix_value(&[a], odd), reference(&[a], odd), "{a:02X}");
                for b in 0..=u8::MAX {
                    let two = [a, b];
                    assert_eq!(
                        bcd_prefix_value(&two, odd),
                        reference(&two, odd),
                        "{two:02X?}"
                    );
                }
                let three = [a, 0x99, a.rotate_left(4)];
                assert_eq!(bcd_prefix_value(&three, odd), reference(&three, odd));
            }
        }
    }

    /// Every encoding code names the encoding at its place in `enc::ALL`, and only BCD pads
    /// other than 0 and F have none (the spans of such fields look their encoding up).
    #[test]
    fn encoding_codes_round_trip() {
        for (code, &encoding) in enc::ALL.iter().enumerate() {
            assert_eq!(usize::from(enc::code(encoding)), code, "{encoding:?}");
            let bcd = matches!(encoding, Encoding::Bcd { .. });
            assert_eq!(enc::is_bcd(enc::code(encoding)), bcd, "{encoding:?}");
        }
        for align in [Align::Left, Align::Right] {
            for pad in 0..=u8::MAX {
                let code = enc::code(Encoding::Bcd { align, pad });
                assert_eq!(code == enc::NONE, pad != 0 && pad != 0xF, "{align:?} {pad}");
            }
        }
        assert!(!enc::is_bcd(enc::NONE));
    }

    /// Long BCD values go out 64 digits a write; the pieces join to the value packed whole,
    /// pad nibble in place, for every length and alignment.
    #[test]
    fn bcd_written_in_pieces_equals_bcd_packed_whole() {
        for len in 0..300usize {
            let digits: Vec<u8> = (0..len).map(|i| b"0123456789D"[i % 11]).collect();
            for align in [Align::Left, Align::Right] {
                let mut whole = vec![0u8; len.div_ceil(2)];
                pack_bcd(&digits, align, 0xF, &mut whole);
                let mut written = Vec::new();
                write_bcd(&digits, align, 0xF, &mut written).unwrap();
                assert_eq!(written, whole, "{len} {align:?}");
                if len % 2 == 1 {
                    let pad_nibble = match align {
                        Align::Right => whole[0] >> 4,
                        Align::Left => whole[whole.len() - 1] & 0x0F,
                    };
                    assert_eq!(pad_nibble, 0xF);
                }
            }
        }
    }

    fn encode(spec: &FieldSpec<'_>, value: &[u8]) -> Vec<u8> {
        check_logical(spec, value).unwrap();
        let mut out = Vec::new();
        write_field(spec, Padded::plain(value), &mut out).unwrap();
        assert_eq!(out.len(), field_len(spec, value.len()));
        let located = read_field(spec, &out, 0).unwrap();
        assert_eq!(located.end, out.len());
        let v = Value {
            encoding: spec.encoding,
            wire: &out[located.value_start..],
            units: located.units,
        };
        assert_eq!(v.iter().collect::<Vec<_>>(), value);
        out
    }

    fn var(prefix: Prefix, max: u16) -> Length {
        Length::Var {
            prefix,
            min: 0,
            max,
        }
    }

    #[test]
    fn bcd_pan_with_digit_counting_prefix() {
        // A 19-digit PAN: BCD LL prefix 19, ten bytes left-aligned with an F pad.
        let spec = FieldSpec::new(
            2,
            "PAN",
            Content::N,
            Encoding::BCD_LEFT_F,
            var(Prefix::bcd(2), 19),
        );
        let out = encode(&spec, b"6212345678901234567");
        assert_eq!(out, hex::decode("196212345678901234567F").unwrap());
        let spec = FieldSpec::new(3, "n", Content::N, Encoding::BCD, Length::Fixed(3));
        assert_eq!(encode(&spec, b"123"), [0x01, 0x23]);
    }

    #[test]
    fn ascii_ebcdic_binary_prefixes() {
        let ll = FieldSpec::new(
            44,
            "x",
            Content::Ans,
            Encoding::Ascii,
            var(Prefix::ascii(2), 25),
        );
        assert_eq!(encode(&ll, b"AB"), b"02AB");
        let e = FieldSpec::new(
            44,
            "x",
            Content::Ans,
            Encoding::Ebcdic(CodePage::Cp037),
            var(Prefix::ebcdic(3), 999),
        );
        assert_eq!(encode(&e, b"A1"), [0xF0, 0xF0, 0xF2, 0xC1, 0xF1]);
        let b = FieldSpec::new(
            55,
            "icc",
            Content::B,
            Encoding::Binary,
            var(Prefix::binary(2), 999),
        );
        assert_eq!(encode(&b, &[0x9F, 0x26]), [0x00, 0x02, 0x9F, 0x26]);
        let h = FieldSpec::new(
            55,
            "icc",
            Content::B,
            Encoding::HexText,
            var(Prefix::ascii(3).counting_bytes(), 499),
        );
        assert_eq!(encode(&h, &[0x9F, 0x26]), b"0049F26");
        let l = FieldSpec::new(
            60,
            "x",
            Content::N,
            Encoding::BCD_LEFT_0,
            var(Prefix::bcd(3), 999),
        );
        assert_eq!(
            encode(&l, b"22000001003"),
            hex::decode("0011220000010030").unwrap()
        );
        let t = FieldSpec::new(
            35,
            "t2",
            Content::Z,
            Encoding::BCD_LEFT_F,
            var(Prefix::bcd(2), 37),
        );
        assert_eq!(
            encode(&t, b"4761739001010010D22"),
            hex::decode("194761739001010010D22F").unwrap()
        );
    }

    #[test]
    fn rejections_name_field_and_offset() {
        let spec = FieldSpec::new(
            2,
            "PAN",
            Content::N,
            Encoding::Ascii,
            var(Prefix::ascii(2), 19),
        );
        let err = |input: &[u8]| read_field(&spec, input, 10).unwrap_err();
        assert_eq!(err(b"2").kind(), ErrorKind::Truncated { needed: 1 });
        assert_eq!(err(b"1A").kind(), ErrorKind::BadLengthPrefix);
        assert_eq!(
            err(b"20").kind(),
            ErrorKind::TooLong {
                length: 20,
                max: 19
            }
        );
        assert_eq!(err(b"0412").kind(), ErrorKind::Truncated { needed: 2 });
        let e = err(b"04120X");
        assert_eq!(
            (e.kind(), e.field(), e.offset()),
            (ErrorKind::BadCharacter { index: 3 }, Some(2), 15)
        );
        let bcd = FieldSpec::new(3, "n", Content::N, Encoding::BCD, Length::Fixed(3));
        assert_eq!(
            read_field(&bcd, &[0x11, 0x23], 0).unwrap_err().kind(),
            ErrorKind::BadPad
        );
        assert_eq!(
            read_field(&bcd, &[0x01, 0x2A], 0).unwrap_err().kind(),
            ErrorKind::BadCharacter { index: 2 }
        );
        let odd = FieldSpec::new(
            55,
            "icc",
            Content::B,
            Encoding::HexText,
            var(Prefix::ascii(3).counting_bytes(), 499),
        );
        assert_eq!(
            read_field(&odd, b"0039F2", 0).unwrap_err().kind(),
            ErrorKind::BadLengthPrefix
        );
        let bcd_prefix = FieldSpec::new(
            2,
            "PAN",
            Content::N,
            Encoding::BCD_LEFT_F,
            var(Prefix::bcd(3), 19),
        );
        assert_eq!(
            read_field(&bcd_prefix, &[0x10, 0x01], 0)
                .unwrap_err()
                .kind(),
            ErrorKind::BadLengthPrefix
        );
    }

    #[test]
    fn builder_side_checks() {
        let spec = FieldSpec::new(3, "n", Content::N, Encoding::Ascii, Length::Fixed(6));
        assert_eq!(
            check_logical(&spec, b"12345").unwrap_err().kind(),
            ErrorKind::TooShort { length: 5, min: 6 }
        );
        assert_eq!(
            check_logical(&spec, b"1234567").unwrap_err().kind(),
            ErrorKind::TooLong { length: 7, max: 6 }
        );
        assert_eq!(
            check_logical(&spec, b"12345X").unwrap_err().kind(),
            ErrorKind::BadCharacter { index: 5 }
        );
        let amount = FieldSpec::new(28, "fee", Content::XN, Encoding::Ascii, Length::Fixed(3));
        assert!(check_logical(&amount, b"C12").is_ok());
        assert!(check_logical(&amount, b"1C2").is_err());
    }

    #[test]
    fn long_bcd_values_span_buffer_flushes() {
        // 129 and 130 digits: more than one 32-byte packing buffer, odd and even, both alignments.
        let digits: Vec<u8> = (0..130u8).map(|i| b'0' + i % 10).collect();
        for encoding in [Encoding::BCD, Encoding::BCD_LEFT_F] {
            let spec = FieldSpec::new(48, "n", Content::N, encoding, var(Prefix::bcd(3), 200));
            for len in [63, 64, 65, 129, 130] {
                let value = &digits[..len];
                let out = encode(&spec, value);
                assert_eq!(out.len(), 2 + len.div_ceil(2));
            }
        }
    }

    /// Field shapes the fast path takes, besides the built-in specs' fields.
    fn fast_shapes() -> Vec<FieldSpec<'static>> {
        let mut shapes: Vec<FieldSpec<'static>> = crate::builtin::BUILTIN
            .iter()
            .flat_map(|spec| spec.fields.iter().copied())
            .collect();
        for encoding in [
            Encoding::BCD,
            Encoding::BCD_LEFT_F,
            Encoding::BCD_LEFT_0,
            Encoding::Bcd {
                align: Align::Right,
                pad: 0xF,
            },
        ] {
            for content in [Content::N, Content::Z] {
                shapes.push(FieldSpec::new(
                    2,
                    "odd",
                    content,
                    encoding,
                    Length::Fixed(5),
                ));
                shapes.push(FieldSpec::new(
                    2,
                    "ll",
                    content,
                    encoding,
                    var(Prefix::bcd(2), 21),
                ));
                shapes.push(FieldSpec::new(
                    2,
                    "lll",
                    content,
                    encoding,
                    var(Prefix::ascii(3), 9),
                ));
                shapes.push(FieldSpec::new(
                    2,
                    "bin",
                    content,
                    encoding,
                    var(Prefix::binary(1), 9),
                ));
            }
        }
        for content in [
            Content::A,
            Content::An,
            Content::Ans,
            Content::Z,
            Content::XN,
        ] {
            shapes.push(FieldSpec::new(
                2,
                "t",
                content,
                Encoding::Ascii,
                var(Prefix::bcd(3), 7),
            ));
        }
        shapes.push(FieldSpec::new(
            2,
            "bytes",
            Content::B,
            Encoding::Binary,
            var(Prefix::binary(2).counting_bytes(), 30),
        ));
        shapes.push(FieldSpec::new(
            2,
            "hex bytes",
            Content::B,
            Encoding::HexText,
            var(Prefix::ascii(2).counting_bytes(), 12),
        ));
        shapes.push(FieldSpec::new(
            2,
            "hex",
            Content::B,
            Encoding::HexText,
            Length::Fixed(3),
        ));
        shapes
    }

    proptest::proptest! {
        /// The fast path accepts exactly what the general path accepts, with the same layout,
        /// for every shape it handles; it declines every other shape.
        #[test]
        fn fast_path_agrees_with_general_path(
            input in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"0123456789=DCA ~abcdefF".to_vec()),
                    proptest::num::u8::ANY,
                    proptest::sample::select(vec![0x00, 0x01, 0x02, 0x05, 0x12, 0x19, 0x45, 0xD5, 0x5D, 0xF5, 0x5F, 0x0F]),
                ],
                0..48,
            ),
            which in 0usize..1000,
        ) {
            let shapes = fast_shapes();
            let spec = &shapes[which.checked_rem(shapes.len()).unwrap()];
            let general = read_field_general(spec, &input, 0);
            match read_field_fast(spec, &input) {
                Some(fast) => {
                    let general = general.unwrap();
                    proptest::prop_assert_eq!(
                        (fast.value_start, fast.end, fast.units),
                        (general.value_start, general.end, general.units)
                    );
                }
                None => {
                    let eligible = matches!(spec.subfields, crate::spec::Subfields::None)
                        && match spec.encoding {
                            Encoding::Ascii | Encoding::Binary | Encoding::HexText => true,
                            Encoding::Bcd { .. } => matches!(spec.content, Content::N | Content::Z),
                            _ => false,
                        }
                        && !matches!(
                            spec.length,
                            Length::Var { prefix: Prefix { encoding: PrefixEncoding::Ebcdic, .. }, .. }
                        );
                    proptest::prop_assert!(!(eligible && general.is_ok()), "fast path declined a valid field");
                }
            }
        }
    }
}
