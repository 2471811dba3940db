//! Characters and digits: the byte classes every content check uses, decimal and hex digit
//! values, and the one decimal parser. A leaf: it imports nothing of the crate.

/// Content class `n`: a decimal digit.
pub(crate) const fn is_n(c: u8) -> bool {
    c.is_ascii_digit()
}

/// Content class `a`: a letter or a space.
pub(crate) const fn is_a(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b' '
}

/// Content class `an`: a letter, a digit or a space.
pub(crate) const fn is_an(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b' '
}

/// Content class `ans`: any character but the C0 controls and DEL (ISO 8859-1 above 0x7F).
pub(crate) const fn is_ans(c: u8) -> bool {
    c >= 0x20 && c != 0x7F
}

/// Content class `z` (track data): a digit or a track separator (`=` or `D`).
pub(crate) const fn is_z(c: u8) -> bool {
    c.is_ascii_digit() || c == b'=' || c == b'D'
}

/// Content class `x+n`: a digit, or the `C` / `D` sign letter.
pub(crate) const fn is_xn(c: u8) -> bool {
    c.is_ascii_digit() || c == b'C' || c == b'D'
}

/// The crate's one decimal parser: the number ASCII `digits` spell (saturating), or `None` at a
/// non-digit. Length prefixes, MTIs, frame lengths, tagged subfield lengths and numeric values
/// all read through it.
#[inline]
pub(crate) fn decimal(digits: impl Iterator<Item = u8>) -> Option<u64> {
    let mut digits = digits;
    digits.try_fold(0u64, |n, c| {
        c.is_ascii_digit().then(|| {
            n.saturating_mul(10)
                .saturating_add(u64::from(digit_value(c)))
        })
    })
}

/// `len` ASCII digits as a number: `None` for no digits, more than 19, or a non-digit.
pub(crate) fn digits_to_u64(len: usize, digits: impl Iterator<Item = u8>) -> Option<u64> {
    if len == 0 || len > 19 {
        return None;
    }
    decimal(digits)
}

/// The value of a decimal digit character (callers check `is_ascii_digit` first).
pub(crate) const fn digit_value(c: u8) -> u8 {
    c.wrapping_sub(b'0')
}

/// The character of a decimal digit 0–9.
pub(crate) const fn digit_char(d: u8) -> u8 {
    b'0'.wrapping_add(d % 10)
}

pub(crate) const fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(digit_value(c)),
        b'A'..=b'F' => Some(c.wrapping_sub(b'A' - 10)),
        b'a'..=b'f' => Some(c.wrapping_sub(b'a' - 10)),
        _ => None,
    }
}

pub(crate) const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

pub(crate) fn nibble_char(n: u8) -> u8 {
    HEX_UPPER
        .get(usize::from(n & 0x0F))
        .copied()
        .unwrap_or(b'?')
}

/// The logical character of a BCD nibble: a digit, `=` for the track separator `D` (as
/// ISO/IEC 7813 writes it and jPOS reads it: `ISOUtil.bcd2str` turns `d` into `=`,
/// jpos/jPOS `jpos/src/main/java/org/jpos/iso/ISOUtil.java`), a hex letter otherwise.
#[inline]
pub(crate) fn bcd_char(n: u8) -> u8 {
    if n & 0x0F == 0xD {
        b'='
    } else {
        nibble_char(n)
    }
}

/// The nibble a logical BCD character stands for (`D` and `=` are the track separator).
#[inline]
pub(crate) fn char_nibble(c: u8) -> u8 {
    CHAR_NIBBLE.get(usize::from(c)).copied().unwrap_or(0xF)
}

/// [`char_nibble`] as a table: digits, hex letters, `=` as `D`, anything else `F`.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    reason = "evaluated at compile time: a bad index fails the build"
)]
pub(crate) const CHAR_NIBBLE: [u8; 256] = {
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

/// Decimal digits as a length: `None` for a non-digit or a number past `usize` (length
/// prefixes and tagged lengths have at most four digits). In `usize`, not through [`decimal`]'s
/// `u64`: on a 32-bit target the 64-bit multiply is a library call.
#[inline]
pub(crate) fn decimal_value(digits: impl Iterator<Item = u8>) -> Option<usize> {
    let mut digits = digits;
    digits.try_fold(0usize, |n, c| {
        if c.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(usize::from(digit_value(c)))
        } else {
            None
        }
    })
}

/// Class bits per byte: which content classes allow it as an ASCII character, and whether it
/// is a valid packed-BCD byte (two digits, or digits and the track separator nibble `D`).
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    reason = "evaluated at compile time: a bad index fails the build"
)]
pub(crate) const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0usize;
    while i < 256 {
        let c = i as u8;
        let mut bits = 0u8;
        if is_n(c) {
            bits |= C_N;
        }
        if is_a(c) {
            bits |= C_A;
        }
        if is_an(c) {
            bits |= C_AN;
        }
        if is_ans(c) {
            bits |= C_ANS;
        }
        if is_z(c) {
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
pub(crate) fn all_class(value: &[u8], bit: u8) -> bool {
    value.iter().fold(bit, |m, &b| {
        m & CLASS.get(usize::from(b)).copied().unwrap_or(0)
    }) != 0
}

/// [`all_class`] for a fixed field: up to 8 bytes as straight-line code chosen by one jump on
/// the length, so that the short fields most messages are made of pay no loop.
#[inline(always)]
pub(crate) fn fixed_class(value: &[u8], bit: u8) -> bool {
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

/// `bytes` as uppercase hexadecimal text (the JSON, XML and serde forms of binary values).
#[cfg(any(feature = "jpos", feature = "serde"))]
pub(crate) fn hex_string(bytes: &[u8]) -> alloc::string::String {
    let mut s = alloc::string::String::with_capacity(bytes.len().saturating_mul(2));
    for &b in bytes {
        s.push(char::from(nibble_char(b >> 4)));
        s.push(char::from(nibble_char(b)));
    }
    s
}

/// Hexadecimal text (either case) as bytes; `None` for an odd length or a non-hex character.
#[cfg(any(feature = "jpos", feature = "serde"))]
pub(crate) fn hex_decode(text: &str) -> Option<alloc::vec::Vec<u8>> {
    let b = text.as_bytes();
    if b.len() % 2 == 1 {
        return None;
    }
    b.chunks_exact(2)
        .map(|p| match *p {
            [h, l] => Some((hex_value(h)? << 4) | hex_value(l)?),
            _ => None,
        })
        .collect()
}
