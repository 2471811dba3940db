//! Length prefixes: reading the number a prefix holds (ASCII, EBCDIC, BCD, binary) and writing
//! one.

use super::chars::*;
use crate::ebcdic;
use crate::error::{Error, ErrorKind, Result};
use crate::spec::{Prefix, PrefixEncoding};
use paywire_emv_tlv::Writer;

/// Reads the length prefix at the start of `input`: the number it holds.
pub(crate) fn read_prefix(prefix: Prefix, input: &[u8], field: u8, offset: usize) -> Result<usize> {
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
pub(crate) fn prefix_value(prefix: Prefix, bytes: &[u8]) -> Option<usize> {
    match prefix.encoding {
        PrefixEncoding::Hex if crate::spec::HEX_PREFIX => hex_prefix_value(bytes),
        // Hex prefixes left out of this build are refused before they are read
        // (`FieldSpec::supported`); sharing the binary arm keeps the match as small.
        PrefixEncoding::Binary | PrefixEncoding::Hex => Some(binary_value(bytes)),
        PrefixEncoding::Ascii => decimal_value(bytes.iter().copied()),
        PrefixEncoding::Ebcdic => decimal_value(
            bytes
                .iter()
                .map(|&b| ebcdic::decode(crate::spec::CodePage::Cp037, b)),
        ),
        PrefixEncoding::Bcd => bcd_prefix_value(bytes, prefix.digits % 2 == 1),
    }
}

/// The number hexadecimal text (either case) holds.
#[cold]
fn hex_prefix_value(bytes: &[u8]) -> Option<usize> {
    bytes.iter().try_fold(0usize, |n, &c| {
        Some((n << 4) | usize::from(hex_value(c.to_ascii_uppercase())?))
    })
}

/// The big-endian number `bytes` hold.
#[inline]
pub(crate) fn binary_value(bytes: &[u8]) -> usize {
    bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b))
}

/// The number a packed BCD length prefix holds; `odd`: an odd digit count, so the leading
/// nibble must be 0.
#[inline]
pub(crate) fn bcd_prefix_value(bytes: &[u8], odd: bool) -> Option<usize> {
    if odd && bytes.first().is_some_and(|b| b >> 4 != 0) {
        return None;
    }
    let pair = |b: u8| {
        let (hi, lo) = (b >> 4, b & 0x0F);
        (hi <= 9 && lo <= 9).then(|| usize::from(hi.wrapping_mul(10).wrapping_add(lo)))
    };
    match *bytes {
        // The prefixes most specs use (up to four digits), without overflow checks: at most
        // 9999; longer ones (up to six digits) through the fold.
        [b] => pair(b),
        [a, b] => Some(pair(a)?.wrapping_mul(100).wrapping_add(pair(b)?)),
        _ => bytes.iter().try_fold(0usize, |n, &b| {
            Some(n.saturating_mul(100).saturating_add(pair(b)?))
        }),
    }
}

/// `n` as a length prefix: the bytes (the start of the array) and how many there are
/// (`prefix.wire_len()` for any valid prefix: at most six). Eight bytes, not six: cleared in
/// two word stores (24 bytes less code on a Cortex-M3 than six).
#[inline]
pub(crate) fn encode_prefix(prefix: Prefix, n: usize) -> ([u8; 8], usize) {
    let mut out = [0u8; 8];
    let len = prefix.wire_len();
    let digits = usize::from(prefix.digits);
    match prefix.encoding {
        PrefixEncoding::Hex if crate::spec::HEX_PREFIX => {
            for (i, slot) in out.iter_mut().take(len).enumerate() {
                let shift = len.saturating_sub(i).saturating_sub(1).saturating_mul(4);
                *slot = nibble_char(((n >> shift.min(60)) & 0xF) as u8);
            }
        }
        // Hex prefixes left out of this build never get here (`FieldSpec::supported`).
        PrefixEncoding::Binary | PrefixEncoding::Hex => {
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
pub(crate) fn write_prefix<W: Writer + ?Sized>(prefix: Prefix, n: usize, w: &mut W) -> Result<()> {
    let (out, len) = encode_prefix(prefix, n);
    Ok(w.write(out.get(..len).unwrap_or_default())?)
}
