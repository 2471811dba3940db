//! Reading a tag from its number, its wire bytes or hex text: the checks that can fail.

use core::str::FromStr;

use super::{MAX_TAG_LEN, Tag};
use crate::error::{Error, ErrorKind, Result};

impl Tag {
    /// Builds a tag from its number (`0x9F26`), checking it is a well-formed 1–3 byte BER tag:
    /// a first byte with b5–b1 = `11111` needs subsequent bytes, each but the last with b8 set.
    pub const fn new(number: u32) -> Result<Self> {
        let invalid = Error::new(ErrorKind::InvalidTag, None, 0);
        let [b0, b1, b2, b3] = number.to_be_bytes();
        if b0 != 0 || number == 0 {
            return Err(invalid);
        }
        let ok = if b1 != 0 {
            b1 & 0x1F == 0x1F && b2 & 0x80 != 0 && b3 & 0x80 == 0
        } else if b2 != 0 {
            b2 & 0x1F == 0x1F && b3 & 0x80 == 0
        } else {
            b3 & 0x1F != 0x1F
        };
        if ok { Ok(Self(number)) } else { Err(invalid) }
    }

    /// Reads the tag at the start of `input`, returning it and the number of bytes it took.
    /// Errors carry offset 0; callers move them with [`Error::with_base`].
    pub fn parse(input: &[u8]) -> Result<(Self, usize)> {
        let Some(&first) = input.first() else {
            return Err(Error::new(ErrorKind::TruncatedTag, None, 0));
        };
        if first & 0x1F != 0x1F {
            return Ok((Self(u32::from(first)), 1));
        }
        let mut number = u32::from(first);
        // Subsequent bytes: b8 = 1 means another byte follows.
        for (i, &b) in input.iter().enumerate().skip(1).take(MAX_TAG_LEN - 1) {
            number = (number << 8) | u32::from(b);
            if b & 0x80 == 0 {
                return Ok((Self(number), i.saturating_add(1)));
            }
        }
        let kind = if input.len() < MAX_TAG_LEN {
            ErrorKind::TruncatedTag
        } else {
            ErrorKind::TagTooLong
        };
        Err(Error::new(kind, None, 0))
    }

    /// Parses a tag that must take exactly all of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (tag, used) = Self::parse(bytes)?;
        if used == bytes.len() {
            Ok(tag)
        } else {
            Err(Error::new(ErrorKind::InvalidTag, Some(tag), used))
        }
    }
}

impl TryFrom<u32> for Tag {
    type Error = Error;
    fn try_from(number: u32) -> Result<Self> {
        Self::new(number)
    }
}

impl FromStr for Tag {
    type Err = Error;

    /// Parses hexadecimal text such as `9F26` (either case).
    fn from_str(s: &str) -> Result<Self> {
        let invalid = Error::new(ErrorKind::InvalidTag, None, 0);
        if s.is_empty() || s.len() > 2 * MAX_TAG_LEN || !s.len().is_multiple_of(2) {
            return Err(invalid);
        }
        let number = u32::from_str_radix(s, 16).map_err(|_| invalid)?;
        let tag = Self::new(number)?;
        // "009F26" would otherwise parse as 9F26.
        if tag.len().saturating_mul(2) == s.len() {
            Ok(tag)
        } else {
            Err(invalid)
        }
    }
}
