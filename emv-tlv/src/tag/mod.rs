//! Tags: one to three bytes, with class and constructed bit (EMV Book 3 Annex B1). The type
//! is here; reading one from bytes, a number or text (which can fail) is in `parse`.

use core::fmt;

mod parse;

/// Longest tag EMV uses, in bytes.
pub const MAX_TAG_LEN: usize = 3;

/// A BER-TLV tag as EMV uses it: 1 to 3 bytes, stored as its big-endian number (`0x9F26`).
///
/// Tags are an open set: any well-formed tag is representable, known or not. The dictionary
/// ([`crate::dictionary`]) names the common ones and defines constants such as
/// [`Tag::APPLICATION_CRYPTOGRAM`].
///
/// ```
/// use paywire_emv_tlv::{Class, Tag};
/// let (tag, len) = Tag::parse(&[0x9F, 0x26, 0x08])?;
/// assert_eq!((tag, len), (Tag::APPLICATION_CRYPTOGRAM, 2));
/// assert_eq!(tag.class(), Class::ContextSpecific);
/// assert!(!tag.is_constructed() && Tag::APPLICATION_TEMPLATE.is_constructed());
/// assert_eq!(tag.to_string(), "9F26");
/// # Ok::<(), paywire_emv_tlv::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag(u32);

/// The class of a tag (bits b8–b7 of its first byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// `00`: universal class.
    Universal,
    /// `01`: application class (`4F`, `5A`, `61`, ...).
    Application,
    /// `10`: context-specific class (`82`, `9F26`, ...).
    ContextSpecific,
    /// `11`: private class (`DF31`, `FF..`).
    Private,
}

impl Tag {
    /// For the dictionary's constants, whose well-formedness a unit test checks.
    pub(crate) const fn known(number: u32) -> Self {
        Self(number)
    }

    /// The tag number, e.g. `0x9F26`.
    pub const fn number(self) -> u32 {
        self.0
    }

    /// Number of bytes on the wire (1–3).
    pub const fn len(self) -> usize {
        if self.0 > 0xFFFF {
            3
        } else if self.0 > 0xFF {
            2
        } else {
            1
        }
    }

    /// Always false: a tag has at least one byte (present for API symmetry with `len`).
    pub const fn is_empty(self) -> bool {
        false
    }

    /// The tag's bytes as they appear on the wire.
    pub fn bytes(self) -> TagBytes {
        // Left-align the significant bytes: 0x5A -> [5A, 00, 00], 0x9F26 -> [9F, 26, 00].
        let len = self.len();
        let shifted = match len {
            1 => self.0 << 16,
            2 => self.0 << 8,
            _ => self.0,
        };
        let [_, b0, b1, b2] = shifted.to_be_bytes();
        TagBytes {
            bytes: [b0, b1, b2],
            len: len as u8,
        }
    }

    const fn first_byte(self) -> u8 {
        // The highest non-zero byte of the number (tags are 1–3 bytes, never 0): shift by the
        // bit index of its top set bit rounded down to a byte boundary. Branch-free, as the
        // reader asks for it once per object.
        let top_bit = 31u32.wrapping_sub((self.0 | 1).leading_zeros());
        (self.0 >> (top_bit & !7)) as u8
    }

    /// True for constructed tags (b6 of the first byte): their value is itself a TLV list.
    pub const fn is_constructed(self) -> bool {
        self.first_byte() & 0x20 != 0
    }

    /// The tag's class (b8–b7 of the first byte).
    pub const fn class(self) -> Class {
        match self.first_byte() >> 6 {
            0 => Class::Universal,
            1 => Class::Application,
            2 => Class::ContextSpecific,
            _ => Class::Private,
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.bytes().as_ref() {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag({self})")
    }
}

impl From<Tag> for u32 {
    fn from(tag: Tag) -> u32 {
        tag.0
    }
}

/// A tag's wire bytes, borrowed as a slice with `as_ref()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagBytes {
    bytes: [u8; MAX_TAG_LEN],
    len: u8,
}

impl AsRef<[u8]> for TagBytes {
    fn as_ref(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::ToString;

    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn one_two_three_byte_tags() {
        assert_eq!(Tag::parse(&[0x5A, 0x08]).unwrap(), (Tag(0x5A), 1));
        assert_eq!(Tag::parse(&[0x9F, 0x26, 0x08]).unwrap(), (Tag(0x9F26), 2));
        assert_eq!(Tag::parse(&[0xDF, 0x81, 0x01]).unwrap(), (Tag(0xDF8101), 3));
    }

    #[test]
    fn tag_errors() {
        assert_eq!(Tag::parse(&[]).unwrap_err().kind(), ErrorKind::TruncatedTag);
        assert_eq!(
            Tag::parse(&[0x9F]).unwrap_err().kind(),
            ErrorKind::TruncatedTag
        );
        assert_eq!(
            Tag::parse(&[0xDF, 0x81]).unwrap_err().kind(),
            ErrorKind::TruncatedTag
        );
        assert_eq!(
            Tag::parse(&[0xDF, 0x81, 0x81, 0x01]).unwrap_err().kind(),
            ErrorKind::TagTooLong
        );
    }

    #[test]
    fn class_and_constructed() {
        assert_eq!(Tag(0x5A).class(), Class::Application);
        assert!(!Tag(0x5A).is_constructed());
        assert!(Tag(0x61).is_constructed());
        assert_eq!(Tag(0x9F26).class(), Class::ContextSpecific);
        assert!(Tag(0xBF0C).is_constructed());
        assert_eq!(Tag(0xDF8101).class(), Class::Private);
        assert_eq!(Tag(0x04).class(), Class::Universal);
    }

    #[test]
    fn new_checks_form() {
        assert!(Tag::new(0x9F26).is_ok());
        assert!(Tag::new(0xDF8101).is_ok());
        assert!(Tag::new(0x9F).is_err()); // announces a second byte
        assert!(Tag::new(0x5A26).is_err()); // 5A is single-byte
        assert!(Tag::new(0x9F8101).is_ok());
        assert!(Tag::new(0x9F0181).is_err()); // middle byte without continuation
        assert!(Tag::new(0).is_err());
        assert!(Tag::new(0x0100_0000).is_err());
    }

    #[test]
    fn text_forms() {
        assert_eq!("9f26".parse::<Tag>().unwrap(), Tag(0x9F26));
        assert!("009F26".parse::<Tag>().is_err());
        assert!("9F2".parse::<Tag>().is_err());
        assert_eq!(Tag(0x9F26).to_string(), "9F26");
        assert_eq!(Tag(0x5A).bytes().as_ref(), &[0x5A]);
        assert_eq!(Tag(0xDF8101).bytes().as_ref(), &[0xDF, 0x81, 0x01]);
    }
}
