//! The crate's one error type: what went wrong, at which tag, at which byte offset.

use core::fmt;

use crate::Tag;

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;

/// What went wrong. Carries numbers only, never the contents of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended inside a tag (a subsequent tag byte was announced but missing).
    TruncatedTag,
    /// A tag longer than the three bytes EMV allows.
    TagTooLong,
    /// A tag number that is not a valid BER-TLV tag (wrong continuation bits, zero, or over 3 bytes).
    InvalidTag,
    /// The input ended after a tag, before its length.
    MissingLength,
    /// The indefinite length form `80`, which EMV does not use.
    IndefiniteLength,
    /// A long-form length announcing more than three subsequent length bytes.
    LengthTooLong {
        /// Number of subsequent length bytes announced.
        length_bytes: u8,
    },
    /// The input ended inside a long-form length.
    TruncatedLength,
    /// A long-form length that could have been written shorter (rejected only in strict mode).
    NonMinimalLength,
    /// The value runs past the end of the enclosing input.
    ValuePastEnd {
        /// Length announced by the length field.
        length: usize,
        /// Bytes actually left for the value.
        available: usize,
    },
    /// A `00` filler byte between objects (rejected only in strict mode).
    Filler,
    /// Constructed objects nested deeper than the configured limit.
    NestingTooDeep {
        /// The limit that was exceeded.
        limit: u8,
    },
    /// Bytes left after a single object parsed exactly.
    TrailingData {
        /// Number of bytes left over.
        remaining: usize,
    },
    /// A value too long to encode (EMV lengths stop at three length bytes: 16 777 215).
    ValueTooLong,
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes the whole encoding needs.
        needed: usize,
        /// Bytes the buffer holds.
        capacity: usize,
    },
}

/// A BER-TLV error: its kind, the tag it concerns (when known) and the byte offset from the start of
/// the input (or of the output, for encoding errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    tag: Option<Tag>,
    offset: usize,
}

impl Error {
    pub(crate) const fn new(kind: ErrorKind, tag: Option<Tag>, offset: usize) -> Self {
        Self { kind, tag, offset }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The tag of the object the error concerns, when it was read far enough to know it.
    pub const fn tag(&self) -> Option<Tag> {
        self.tag
    }

    /// Byte offset of the problem from the start of the input.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The same error with its offset moved by `base` (for callers that parse a slice of a larger
    /// message, such as an ISO 8583 field 55).
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
            Self::TruncatedTag => f.write_str("input ends inside a tag"),
            Self::TagTooLong => f.write_str("tag longer than 3 bytes"),
            Self::InvalidTag => f.write_str("invalid tag number"),
            Self::MissingLength => f.write_str("input ends before the length"),
            Self::IndefiniteLength => f.write_str("indefinite length (80) is not allowed"),
            Self::LengthTooLong { length_bytes } => {
                write!(
                    f,
                    "length field announces {length_bytes} length bytes (at most 3)"
                )
            }
            Self::TruncatedLength => f.write_str("input ends inside the length"),
            Self::NonMinimalLength => f.write_str("length not in its shortest form"),
            Self::ValuePastEnd { length, available } => write!(
                f,
                "value of {length} bytes runs past the end ({available} bytes left)"
            ),
            Self::Filler => f.write_str("00 filler byte between objects"),
            Self::NestingTooDeep { limit } => {
                write!(f, "constructed objects nested deeper than {limit}")
            }
            Self::TrailingData { remaining } => {
                write!(f, "{remaining} bytes after the object")
            }
            Self::ValueTooLong => f.write_str("value longer than 16777215 bytes"),
            Self::BufferTooSmall { needed, capacity } => {
                write!(f, "output needs {needed} bytes, buffer holds {capacity}")
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(tag) = self.tag {
            write!(f, " (tag {tag})")?;
        }
        write!(f, " at byte {}", self.offset)
    }
}

impl core::error::Error for Error {}
