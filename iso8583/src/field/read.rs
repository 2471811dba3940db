//! Reading one field: the planned reader for the shapes a spec's plan covers, and the general
//! reader for every other shape and for the exact error of any shape.

use super::chars::*;
use super::prefix::*;
use super::rule::{Code, Op, PrefixKind, Shape};
use super::value::*;
use crate::error::{Error, ErrorKind, Result};
use crate::spec::{Align, Counts, Encoding, FieldSpec, Length, Subfields};

/// Where a field's value sits inside the bytes it was read from, and its length in units.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Located {
    pub(crate) value_start: usize,
    pub(crate) end: usize,
    pub(crate) units: usize,
}

/// Locates the field described by `spec` at the start of `input` (which sits at `offset` in the
/// message) and checks its value: with the planned reader when the field's shape has a rule
/// (compiled here, for specs without a plan and for fields overridden for an MTI), else — and
/// for the exact error of any invalid field — with the general reader. One reading path: the
/// plan's; the general reader covers what a rule cannot describe.
#[inline]
pub(crate) fn read_field(spec: &FieldSpec<'_>, input: &[u8], offset: usize) -> Result<Located> {
    // Without the `plan` feature the general reader alone (the same results, less code).
    if !cfg!(feature = "plan") {
        return read_field_general(spec, input, offset);
    }
    match read_op(&Op::of(spec), input) {
        Some((located, _)) => Ok(located),
        None => read_field_general(spec, input, offset),
    }
}

/// Locates and checks a field whose spec compiled to the fast rule `op` (see [`crate::plan`]),
/// at the start of `input`. `None` means "not a fast rule, or not valid": the general reader
/// then handles the field and reports any error precisely.
#[inline(always)]
pub(crate) fn read_op<'i>(op: &Op, input: &'i [u8]) -> Option<(Located, &'i [u8])> {
    let wire = usize::from(op.wire);
    // One dispatch: each arm splits off the value and checks it.
    let (ok, after) = match op.shape {
        Shape::Fixed => {
            let (value, after) = input.split_at_checked(wire)?;
            (fixed_class(value, op.class), after)
        }
        Shape::FixedRaw => (true, input.get(wire..)?),
        Shape::FixedOdd => {
            let (value, after) = input.split_at_checked(wire)?;
            (bcd_odd_ok(value, op.bcd, op.class), after)
        }
        Shape::Var => return read_var(op, input),
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
pub(crate) fn read_var<'i>(op: &Op, input: &'i [u8]) -> Option<(Located, &'i [u8])> {
    let len = usize::from(op.prefix_len);
    let (bytes, body) = input.split_at_checked(len)?;
    let units = match op.prefix {
        PrefixKind::Ascii => decimal_value(bytes.iter().copied())?,
        PrefixKind::Bcd => bcd_prefix_value(bytes, false)?,
        PrefixKind::BcdOdd => bcd_prefix_value(bytes, true)?,
        _ => binary_value(bytes),
    };
    if units > usize::from(op.max) || units < usize::from(op.min) {
        return None;
    }
    let bcd = op.enc.is_some_and(Code::is_bcd);
    let wire = match op.enc {
        Some(Code::Hex) => units.wrapping_mul(2),
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
pub(crate) fn bcd_odd_ok(wire: &[u8], bcd: u8, class: u8) -> bool {
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

/// Every other shape, and the error paths of the planned one.
pub(crate) fn read_field_general(
    spec: &FieldSpec<'_>,
    input: &[u8],
    offset: usize,
) -> Result<Located> {
    spec.check_supported(offset)?;
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
    check_subfields(spec, value, value_offset)?;
    Ok(Located {
        value_start,
        end,
        units,
    })
}

/// An `x+n` amount as a sign byte and BCD digits ([`Encoding::SignBcd`]): the sign `C` or `D`,
/// the pad nibble where the alignment puts it, digits only. Out of line: rare, and left out
/// of builds without the `sign-bcd` feature.
#[cold]
#[inline(never)]
fn check_sign_bcd(
    number: u8,
    wire: &[u8],
    units: usize,
    align: Align,
    offset: usize,
) -> Result<()> {
    let field = Some(number);
    let (sign, digits) = wire.split_at_checked(1).unwrap_or_default();
    if units > 0 && !matches!(sign, [b'C' | b'D']) {
        let kind = ErrorKind::BadCharacter { index: 0 };
        return Err(Error::new(kind, field, offset));
    }
    let count = units.saturating_sub(1);
    let at = offset.saturating_add(1);
    if count % 2 == 1 {
        let pad_nibble = match align {
            Align::Right => digits.first().map(|b| b >> 4),
            Align::Left => digits.last().map(|b| b & 0x0F),
        };
        if pad_nibble != Some(0) {
            return Err(Error::new(ErrorKind::BadPad, field, at));
        }
    }
    let skip = usize::from(align == Align::Right && count % 2 == 1);
    let (_, bad) = bcd_fold(digits, skip, count, (0usize, None), |(i, bad), n| {
        (i.saturating_add(1), bad.or((n > 9).then_some(i)))
    });
    match bad {
        None => Ok(()),
        Some(i) => {
            let nibble = i.saturating_add(skip);
            let kind = ErrorKind::BadCharacter {
                index: i.saturating_add(1),
            };
            Err(Error::new(kind, field, at.saturating_add(nibble / 2)))
        }
    }
}

/// Checks a value as it appears on the wire: pad nibbles, hex digits, content class.
pub(crate) fn check_wire(
    spec: &FieldSpec<'_>,
    wire: &[u8],
    units: usize,
    offset: usize,
) -> Result<()> {
    let field = Some(spec.number);
    match spec.encoding {
        // Without `sign-bcd` such a field was refused before (`check_supported`).
        Encoding::SignBcd { align } if crate::spec::SIGN_BCD => {
            return check_sign_bcd(spec.number, wire, units, align, offset);
        }
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

/// The lowest-numbered set bit of a subfield bitmap (bit 1 = most significant, up to 128) and
/// the bitmap without it.
pub(crate) fn next_bit(bits: u128) -> Option<(u8, u128)> {
    if bits == 0 {
        return None;
    }
    let lz = bits.leading_zeros();
    let n = u8::try_from(lz).ok()?.saturating_add(1);
    Some((n, bits & !((1u128 << 127) >> lz)))
}

/// Reads a subfield bitmap at the start of `wire`: one 64-bit word, and when `extended` (the
/// layout defines subfields above 64) and its bit 1 is set, a second word for subfields
/// 65–128, as jPOS's 16-byte `IFB_BITMAP` reads it (`ISOUtil.byte2BitSet`). Bit 1 is cleared
/// in the result (it announces the second word, no subfield). A bitmap cut short is a malformed
/// field ([`ErrorKind::BadSubfield`] 0), not the message's input ending.
pub(crate) fn read_sub_bitmap(
    wire: &[u8],
    encoding: crate::spec::BitmapEncoding,
    extended: bool,
    field: Option<u8>,
    offset: usize,
) -> Result<(u128, usize)> {
    let word = |at: usize| {
        let rest = wire.get(at..).unwrap_or_default();
        crate::bitmap::Bitmap::read_word(rest, encoding, offset.saturating_add(at)).map_err(|e| {
            match e.kind() {
                ErrorKind::Truncated { .. } => {
                    Error::new(ErrorKind::BadSubfield { index: 0 }, field, e.offset())
                }
                kind => Error::new(kind, field, e.offset()),
            }
        })
    };
    let (first, used) = word(0)?;
    let first = u128::from(first) << 64;
    if extended && first & (1u128 << 127) != 0 {
        let (second, more) = word(used)?;
        Ok((
            (first & !(1u128 << 127)) | u128::from(second),
            used.saturating_add(more),
        ))
    } else {
        Ok((first, used))
    }
}

/// Reads `tag(tag_len) + decimal length(len_digits)` at the start of `bytes`: the tag, the value
/// length and the header length, if the whole element fits.
pub(crate) fn tagged_header(
    bytes: &[u8],
    tag_len: u8,
    len_digits: u8,
) -> Option<(&[u8], usize, usize)> {
    let (tag_len, len_digits) = (usize::from(tag_len), usize::from(len_digits));
    let tag = bytes.get(..tag_len)?;
    let header = tag_len.saturating_add(len_digits);
    let digits = bytes.get(tag_len..header)?;
    let len = decimal_value(digits.iter().copied())?;
    (bytes.len() >= header.saturating_add(len)).then_some((tag, len, header))
}

/// The number a [`Subfields::Tagged`] tag at the start of `bytes` holds, and the bytes it
/// takes; `None` when it is cut short or not `tag_len` decimal digits.
pub(crate) fn read_tag(
    bytes: &[u8],
    tag_len: u8,
    encoding: crate::spec::TagEncoding,
) -> Option<(u16, usize)> {
    // A tag is written as a decimal length prefix of its digits is.
    let prefix = encoding.prefix(tag_len);
    let used = prefix.wire_len();
    let number = prefix_value(prefix, bytes.get(..used)?)?;
    Some((u16::try_from(number).ok()?, used))
}

/// `Ok` when the subfields read end where the field's value does (`pos` = its length), else
/// [`ErrorKind::TrailingData`] at the first byte left.
fn all_read(wire: &[u8], pos: usize, field: Option<u8>, offset: usize) -> Result<()> {
    if pos == wire.len() {
        return Ok(());
    }
    let kind = ErrorKind::TrailingData {
        remaining: wire.len().saturating_sub(pos),
    };
    Err(Error::new(kind, field, offset.saturating_add(pos)))
}

/// Checks a field's logical value against its subfield layout. `offset` is where the value
/// starts in the message, for errors.
pub(crate) fn check_subfields(spec: &FieldSpec<'_>, value: Value<'_>, offset: usize) -> Result<()> {
    let field = Some(spec.number);
    match spec.subfields {
        Subfields::None => Ok(()),
        Subfields::Positional(parts) => {
            let mut pos = 0usize;
            for (index, part) in parts.iter().enumerate() {
                if pos == value.len() {
                    break;
                }
                pos = pos.saturating_add(usize::from(part.width));
                if pos > value.len() {
                    return Err(Error::new(ErrorKind::BadSubfield { index }, field, offset));
                }
            }
            if pos < value.len() {
                let index = parts.len();
                return Err(Error::new(ErrorKind::BadSubfield { index }, field, offset));
            }
            Ok(())
        }
        Subfields::TaggedAscii {
            tag_len,
            len_digits,
        } => {
            let bytes = value.as_bytes().unwrap_or_default();
            let mut pos = 0usize;
            let mut index = 0usize;
            while let Some(rest) = bytes.get(pos..).filter(|r| !r.is_empty()) {
                let Some((_, len, header)) = tagged_header(rest, tag_len, len_digits) else {
                    let at = offset.saturating_add(spec.encoding.wire_len(pos));
                    return Err(Error::new(ErrorKind::BadSubfield { index }, field, at));
                };
                pos = pos.saturating_add(header).saturating_add(len);
                index = index.saturating_add(1);
            }
            Ok(())
        }
        // Left out of this build (`FieldSpec::supported`: refused before it is read).
        Subfields::Bitmap { .. } | Subfields::Sequence(_) | Subfields::Tagged { .. }
            if !cfg!(feature = "bitmap-subfields") =>
        {
            Err(Error::new(ErrorKind::Unsupported, field, offset))
        }
        Subfields::Tagged {
            tag_len,
            tag_encoding,
            fields,
        } => {
            let wire = value.as_bytes().unwrap_or_default();
            let mut pos = 0usize;
            let mut index = 0usize;
            // Each tag at most once: a tag names one subfield.
            let mut seen = [0u64; 4];
            while let Some(rest) = wire.get(pos..).filter(|r| !r.is_empty()) {
                let at = offset.saturating_add(pos);
                let bad = |at| Error::new(ErrorKind::BadSubfield { index }, field, at);
                let (number, used) =
                    read_tag(rest, tag_len, tag_encoding).ok_or_else(|| bad(at))?;
                let sub = fields
                    .iter()
                    .find(|f| u16::from(f.number) == number)
                    .ok_or_else(|| bad(at))?;
                let (word, bit) = (usize::from(sub.number / 64), 1u64 << (sub.number % 64));
                match seen.get_mut(word) {
                    Some(w) if *w & bit == 0 => *w |= bit,
                    _ => return Err(bad(at)),
                }
                let body = rest.get(used..).unwrap_or_default();
                let located =
                    read_field(sub, body, at.saturating_add(used)).map_err(|e| bad(e.offset()))?;
                pos = pos.saturating_add(used).saturating_add(located.end);
                index = index.saturating_add(1);
            }
            Ok(())
        }
        Subfields::Sequence(fields) => {
            let wire = value.as_bytes().unwrap_or_default();
            let mut pos = 0usize;
            for (index, sub) in fields.iter().enumerate() {
                let Some(rest) = wire.get(pos..).filter(|r| !r.is_empty()) else {
                    break;
                };
                let at = offset.saturating_add(pos);
                let located = read_field(sub, rest, at)
                    .map_err(|e| Error::new(ErrorKind::BadSubfield { index }, field, e.offset()))?;
                pos = pos.saturating_add(located.end);
            }
            all_read(wire, pos, field, offset)
        }
        Subfields::Bitmap { encoding, fields } => {
            let wire = value.as_bytes().unwrap_or_default();
            // A subfield bitmap cut short is a malformed field, not the message's input ending
            // (`Truncated` means only that, so a streaming reader can wait for more bytes).
            let extended = fields.iter().any(|f| f.number > 64);
            let (mut bits, mut pos) = read_sub_bitmap(wire, encoding, extended, field, offset)?;
            while let Some((n, rest)) = next_bit(bits) {
                bits = rest;
                let index = usize::from(n).saturating_sub(1);
                let at = offset.saturating_add(pos);
                let bad = |at| Error::new(ErrorKind::BadSubfield { index }, field, at);
                let sub = fields
                    .iter()
                    .find(|f| f.number == n)
                    .ok_or_else(|| bad(at))?;
                let rest = wire.get(pos..).unwrap_or_default();
                let located = read_field(sub, rest, at).map_err(|e| bad(e.offset()))?;
                pos = pos.saturating_add(located.end);
            }
            all_read(wire, pos, field, offset)
        }
        Subfields::BerTlv => {
            let bytes = value.as_bytes();
            match bytes {
                Some(bytes) => paywire_emv_tlv::Tlvs::parse(bytes)
                    .map(|_| ())
                    .map_err(|e| {
                        Error::new(
                            ErrorKind::Tlv(e.kind()),
                            field,
                            offset.saturating_add(e.offset()),
                        )
                    }),
                // Hex-text ICC data is checked when decoded (`icc_data_into`).
                None => Ok(()),
            }
        }
    }
}
