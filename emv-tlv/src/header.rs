//! The tag-and-length header in front of every value (EMV Book 3 Annex B1, B2).

use crate::error::{Error, ErrorKind, Result};
use crate::tag::Tag;

/// Most subsequent length bytes accepted: `83 xx xx xx` (values up to 16 777 215 bytes).
pub(crate) const MAX_LENGTH_BYTES: u8 = 3;
/// Longest header: 3 tag bytes + `83` + 3 length bytes.
pub(crate) const MAX_HEADER_LEN: usize = 7;

/// A decoded header. Offsets in its errors are relative to the header's first byte.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    pub(crate) tag: Tag,
    /// Tag plus length bytes.
    pub(crate) len: usize,
    pub(crate) value_len: usize,
    /// The length used more bytes than its value needs (`81 05`).
    pub(crate) non_minimal: bool,
}

impl Header {
    /// Reads a tag and a length from the start of `input`. Does not check that the value fits.
    #[inline(always)]
    pub(crate) fn read(input: &[u8]) -> Result<Self> {
        match short_shape(input) {
            Some((len, value_len)) => Ok(Self {
                tag: short_tag(input, len),
                len,
                value_len,
                non_minimal: false,
            }),
            None => Self::read_general(input),
        }
    }

    #[cold]
    fn read_general(input: &[u8]) -> Result<Self> {
        let (tag, tag_len) = Tag::parse(input)?;
        let rest = input.get(tag_len..).unwrap_or_default();
        let Some(&first) = rest.first() else {
            return Err(Error::new(ErrorKind::MissingLength, Some(tag), tag_len));
        };
        if first < 0x80 {
            return Ok(Self {
                tag,
                len: tag_len.saturating_add(1),
                value_len: usize::from(first),
                non_minimal: false,
            });
        }
        let count = first & 0x7F;
        if count == 0 {
            return Err(Error::new(ErrorKind::IndefiniteLength, Some(tag), tag_len));
        }
        if count > MAX_LENGTH_BYTES {
            let kind = ErrorKind::LengthTooLong {
                length_bytes: count,
            };
            return Err(Error::new(kind, Some(tag), tag_len));
        }
        let count = usize::from(count);
        let Some(digits) = rest.get(1..=count) else {
            return Err(Error::new(ErrorKind::TruncatedLength, Some(tag), tag_len));
        };
        let value_len = digits
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        Ok(Self {
            tag,
            len: tag_len.saturating_add(1).saturating_add(count),
            value_len,
            non_minimal: length_len(value_len) != count.saturating_add(1),
        })
    }
}

/// The header shapes DE 55 is made of — a 1- or 2-byte tag and a short length — recognised
/// without decoding the tag: the header's length and the value's length, or `None` for any
/// other shape (and for input too short to hold one). The reader's walk finds the next object
/// from these alone.
#[inline(always)]
pub(crate) fn short_shape(input: &[u8]) -> Option<(usize, usize)> {
    match *input {
        [t, l, ..] if t & 0x1F != 0x1F && l < 0x80 => Some((2, usize::from(l))),
        [t0, t1, l, ..] if t0 & 0x1F == 0x1F && t1 < 0x80 && l < 0x80 => Some((3, usize::from(l))),
        _ => None,
    }
}

/// The tag of a header [`short_shape`] recognised as `len` bytes long.
#[inline(always)]
pub(crate) fn short_tag(input: &[u8], len: usize) -> Tag {
    match *input {
        [t0, t1, ..] if len == 3 => Tag::known(u32::from(t0) << 8 | u32::from(t1)),
        [t, ..] => Tag::known(u32::from(t)),
        [] => Tag::known(0),
    }
}

/// Bytes the minimal length field for `value_len` takes (1–4); `None` past three length bytes.
pub(crate) const fn length_len_checked(value_len: usize) -> Option<usize> {
    if value_len < 0x80 {
        Some(1)
    } else if value_len <= 0xFF {
        Some(2)
    } else if value_len <= 0xFFFF {
        Some(3)
    } else if value_len <= 0xFF_FFFF {
        Some(4)
    } else {
        None
    }
}

const fn length_len(value_len: usize) -> usize {
    match length_len_checked(value_len) {
        Some(n) => n,
        None => 5,
    }
}

/// Writes the minimal length field for `value_len` into a 4-byte array, returning how many bytes
/// of it are used.
pub(crate) fn encode_length(value_len: usize) -> Option<([u8; 4], usize)> {
    let n = length_len_checked(value_len)?;
    let be = (value_len as u32).to_be_bytes();
    let out = match n {
        1 => [be[3], 0, 0, 0],
        2 => [0x81, be[3], 0, 0],
        3 => [0x82, be[2], be[3], 0],
        _ => [0x83, be[1], be[2], be[3]],
    };
    Some((out, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_lengths() {
        let h = Header::read(&[0x5A, 0x08]).unwrap();
        assert_eq!((h.len, h.value_len, h.non_minimal), (2, 8, false));
        let h = Header::read(&[0x9F, 0x10, 0x81, 0x80]).unwrap();
        assert_eq!((h.len, h.value_len, h.non_minimal), (4, 128, false));
        let h = Header::read(&[0x70, 0x82, 0x01, 0x00]).unwrap();
        assert_eq!((h.len, h.value_len, h.non_minimal), (4, 256, false));
        let h = Header::read(&[0x70, 0x83, 0x01, 0x00, 0x00]).unwrap();
        assert_eq!((h.len, h.value_len, h.non_minimal), (5, 65536, false));
    }

    #[test]
    fn non_minimal_lengths_are_flagged() {
        assert!(Header::read(&[0x5A, 0x81, 0x05]).unwrap().non_minimal);
        assert!(Header::read(&[0x5A, 0x82, 0x00, 0xFF]).unwrap().non_minimal);
        assert!(
            Header::read(&[0x5A, 0x83, 0x00, 0xFF, 0xFF])
                .unwrap()
                .non_minimal
        );
    }

    #[test]
    fn length_errors_say_where() {
        let e = Header::read(&[0x9F, 0x26]).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::MissingLength, 2));
        let e = Header::read(&[0x5A, 0x80]).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::IndefiniteLength, 1));
        let e = Header::read(&[0x5A, 0x84, 0, 0, 0, 1]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LengthTooLong { length_bytes: 4 });
        let e = Header::read(&[0x5A, 0x82, 0x01]).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::TruncatedLength, 1));
    }

    #[test]
    fn minimal_length_encoding() {
        assert_eq!(encode_length(0), Some(([0, 0, 0, 0], 1)));
        assert_eq!(encode_length(127), Some(([0x7F, 0, 0, 0], 1)));
        assert_eq!(encode_length(128), Some(([0x81, 0x80, 0, 0], 2)));
        assert_eq!(encode_length(256), Some(([0x82, 1, 0, 0], 3)));
        assert_eq!(
            encode_length(0xFF_FFFF),
            Some(([0x83, 0xFF, 0xFF, 0xFF], 4))
        );
        assert_eq!(encode_length(0x100_0000), None);
    }
}
