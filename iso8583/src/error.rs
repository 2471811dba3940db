//! The crate's one error type: what went wrong, in which field, at which byte offset.

use core::fmt;

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;

/// What went wrong. Carries numbers only, never field contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended early: `needed` more bytes were expected.
    Truncated {
        /// Bytes missing.
        needed: usize,
    },
    /// The message type indicator is not four digits.
    BadMti,
    /// A hex-text bitmap holds a character that is not a hex digit.
    BadBitmap,
    /// Bit 129 (a fourth bitmap) is set; ISO 8583 has at most three.
    NoFourthBitmap,
    /// A secondary or tertiary bitmap without any field: the builder would never write it, so
    /// accepting it would break the byte-for-byte round trip.
    EmptyBitmap,
    /// The bitmap announces a field the spec does not define.
    UnknownField,
    /// A length prefix holds something other than digits, or a BCD nibble above 9.
    BadLengthPrefix,
    /// The value is longer than the spec allows.
    TooLong {
        /// Length found, in the field's units.
        length: usize,
        /// Maximum.
        max: usize,
    },
    /// The value is shorter than the spec allows.
    TooShort {
        /// Length found, in the field's units.
        length: usize,
        /// Minimum.
        min: usize,
    },
    /// A character not allowed by the field's content class, at `index` in the value.
    BadCharacter {
        /// Position of the character in the decoded value.
        index: usize,
    },
    /// A BCD pad nibble that is not the one the spec names.
    BadPad,
    /// Bytes left after a message parsed exactly.
    TrailingData {
        /// Number of bytes left over.
        remaining: usize,
    },
    /// A message over 65 535 bytes (larger than any ISO 8583 length header can frame).
    MessageTooLong,
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes the whole encoding needs.
        needed: usize,
        /// Bytes the buffer holds.
        capacity: usize,
    },
    /// A field number the builder cannot set: 0, 1, 65, 129 (MTI and bitmaps) or above 192.
    ReservedField,
    /// A builder made for at most `capacity` fields was given one more
    /// ([`crate::MessageBuilder::with_capacity`]).
    TooManyFields {
        /// Fields the builder holds.
        capacity: usize,
    },
    /// A present field's number is beyond the slots of the [`FieldIndex`](crate::FieldIndex) the
    /// message is read into (`FieldIndex<65>` holds fields up to 64).
    IndexTooSmall {
        /// Slots in the index.
        slots: usize,
    },
    /// Field 55 is not valid BER-TLV.
    Tlv(paywire_emv_tlv::ErrorKind),
    /// A spec is not usable (unsorted or duplicate fields, impossible lengths, an encoding that
    /// cannot carry the content class).
    BadSpec,
    /// A frame's length header is not a valid length.
    BadFrameLength,
    /// An I/O error from the transport under a codec (feature `tokio-util`).
    #[cfg(feature = "std")]
    Io(std::io::ErrorKind),
    /// A subfield is cut short or malformed; `index` is its position (0-based) in the field.
    BadSubfield {
        /// Position of the subfield.
        index: usize,
    },
    /// A JSON spec is not valid JSON (line and column of the problem).
    Json {
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
    },
    /// A JSON spec names an encoding, prefix, content class or other keyword this crate does
    /// not know, or leaves out a required key.
    BadSpecKey,
    /// A spec uses something this build leaves out (EBCDIC without the `ebcdic` feature,
    /// subfields under a bitmap without `bitmap-subfields`) or a JSON spec something not
    /// supported yet (subfields, BER-TLV prefixes).
    Unsupported,
    /// A jPOS XML document (a message or a packager) is not what jPOS reads; the offset is the
    /// byte in the document.
    Xml(XmlProblem),
}

/// What is wrong with a jPOS XML document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum XmlProblem {
    /// Not well-formed XML (a tag, attribute or comment that does not close, text after the
    /// root, mismatched end tag).
    Syntax,
    /// A `<!DOCTYPE>` or other declaration: refused, so no entity is ever expanded.
    Declaration,
    /// An entity reference other than the five XML ones and numeric character references.
    Entity,
    /// Elements nested deeper than the reader allows.
    TooDeep,
    /// A document larger than the reader allows.
    TooLarge,
    /// An element the format does not have where it stands.
    UnexpectedElement,
    /// A required attribute (`id`, `value`, `class`, ...) is missing or not valid.
    Attribute,
    /// A binary value or header that is not hexadecimal.
    Hex,
    /// Field 0 (the MTI) is missing or not an MTI.
    Mti,
    /// A character a value cannot carry (outside ISO 8859-1 for a byte value).
    Character,
}

impl fmt::Display for XmlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Syntax => "not well-formed XML",
            Self::Declaration => "XML declarations (DOCTYPE, ENTITY) are refused",
            Self::Entity => "unknown entity reference",
            Self::TooDeep => "elements nested too deep",
            Self::TooLarge => "document too large",
            Self::UnexpectedElement => "unexpected element",
            Self::Attribute => "missing or invalid attribute",
            Self::Hex => "value is not hexadecimal",
            Self::Mti => "field 0 (MTI) missing or invalid",
            Self::Character => "character outside ISO 8859-1",
        })
    }
}

/// An ISO 8583 error: its kind, the field it concerns (when known) and the byte offset from the
/// start of the message (or of the output, for encoding errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    field: Option<u8>,
    offset: usize,
}

impl Error {
    pub(crate) const fn new(kind: ErrorKind, field: Option<u8>, offset: usize) -> Self {
        Self {
            kind,
            field,
            offset,
        }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The field number the error concerns (0 = MTI, 1 = bitmaps), when known.
    pub const fn field(&self) -> Option<u8> {
        self.field
    }

    /// Byte offset of the problem.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The same error with its offset moved by `base` (for callers with a header before the MTI).
    #[must_use]
    pub const fn with_base(self, base: usize) -> Self {
        Self {
            offset: self.offset.saturating_add(base),
            ..self
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Truncated { needed } => write!(f, "input ends {needed} bytes early"),
            Self::BadMti => f.write_str("message type indicator is not 4 digits"),
            Self::BadBitmap => f.write_str("bitmap is not hexadecimal"),
            Self::NoFourthBitmap => f.write_str("bit 129 set: there is no fourth bitmap"),
            Self::EmptyBitmap => f.write_str("secondary or tertiary bitmap announced but empty"),
            Self::UnknownField => f.write_str("field present but not defined by the spec"),
            Self::BadLengthPrefix => f.write_str("length prefix is not a number"),
            Self::TooLong { length, max } => write!(f, "length {length} exceeds maximum {max}"),
            Self::TooShort { length, min } => write!(f, "length {length} below minimum {min}"),
            Self::BadCharacter { index } => {
                write!(f, "character {index} not allowed by the field's format")
            }
            Self::BadPad => f.write_str("BCD pad nibble differs from the spec's"),
            Self::TrailingData { remaining } => write!(f, "{remaining} bytes after the message"),
            Self::MessageTooLong => f.write_str("message longer than 65535 bytes"),
            Self::BufferTooSmall { needed, capacity } => {
                write!(f, "output needs {needed} bytes, buffer holds {capacity}")
            }
            Self::ReservedField => f.write_str("not a data field (MTI, bitmap or out of range)"),
            Self::TooManyFields { capacity } => {
                write!(f, "the builder holds at most {capacity} fields")
            }
            Self::IndexTooSmall { slots } => {
                write!(f, "beyond the {slots} slots of the field index")
            }
            Self::Tlv(kind) => write!(f, "ICC data: {kind}"),
            Self::BadSpec => f.write_str("invalid spec"),
            Self::BadFrameLength => f.write_str("frame length header is not a valid length"),
            #[cfg(feature = "std")]
            Self::Io(kind) => write!(f, "I/O error: {kind}"),
            Self::BadSubfield { index } => write!(
                f,
                "subfield {} is cut short or malformed",
                index.saturating_add(1)
            ),
            Self::Json { line, column } => {
                write!(f, "invalid JSON at line {line}, column {column}")
            }
            Self::BadSpecKey => f.write_str("unknown or missing key or keyword in spec"),
            Self::Unsupported => f.write_str("spec feature not supported (by this build, or yet)"),
            Self::Xml(problem) => write!(f, "XML: {problem}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Some(0) => write!(f, "MTI: ")?,
            Some(1) => write!(f, "bitmap: ")?,
            Some(n) => write!(f, "field {n}: ")?,
            None => {}
        }
        write!(f, "{} at byte {}", self.kind, self.offset)
    }
}

impl core::error::Error for Error {}

impl From<paywire_emv_tlv::Full> for Error {
    /// A writer that could not take the bytes: the output offset is where the buffer ends.
    fn from(full: paywire_emv_tlv::Full) -> Self {
        let kind = ErrorKind::BufferTooSmall {
            needed: full.needed,
            capacity: full.available,
        };
        Self::new(kind, None, full.available)
    }
}

#[cfg(feature = "std")]
impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::new(ErrorKind::Io(e.kind()), None, 0)
    }
}
