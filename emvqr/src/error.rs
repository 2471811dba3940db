//! The crate's one error type.

use core::fmt;

use crate::path::Path;

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;

/// What went wrong. Carries numbers only, never payload contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An object's ID is not two digits.
    BadId,
    /// An object's length is not two digits.
    BadLength,
    /// The input ends inside an object's ID or length.
    Truncated,
    /// An object's value runs past the end of its template or payload.
    ValuePastEnd {
        /// Characters announced.
        length: usize,
        /// Characters left.
        available: usize,
    },
    /// The payload does not end with the CRC object `63` of length `04`.
    CrcMissing,
    /// The CRC value is not four hexadecimal digits.
    CrcFormat,
    /// The CRC does not match the payload.
    CrcMismatch {
        /// CRC computed over the payload.
        computed: u16,
        /// CRC the payload carries.
        found: u16,
    },
    /// A consumer-presented payload is not valid base64.
    Base64,
    /// A consumer-presented payload is not valid BER-TLV.
    Tlv(paywire_emv_tlv::ErrorKind),
    /// A value to build is longer than 99 characters or empty.
    ValueLength {
        /// Its length in characters.
        length: usize,
    },
    /// An ID to build is above 99.
    IdRange,
    /// A built payload breaks a rule (the path says which object).
    Invalid(crate::findings::IssueKind),
    /// The payload does not fit in a QR symbol of version 40 at the chosen ECC level.
    DataTooLong {
        /// Payload bytes.
        length: usize,
    },
    /// The image encoder failed.
    Image,
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes available.
        capacity: usize,
    },
}

/// An EMVCo QR error: its kind, the object path (`62.05`) and the byte offset in the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    path: Path,
    offset: usize,
}

impl Error {
    pub(crate) const fn new(kind: ErrorKind, path: Path, offset: usize) -> Self {
        Self { kind, path, offset }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Which object (empty for the payload as a whole).
    pub const fn path(&self) -> Path {
        self.path
    }

    /// Byte offset in the payload.
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BadId => f.write_str("object ID is not two digits"),
            Self::BadLength => f.write_str("object length is not two digits"),
            Self::Truncated => f.write_str("input ends inside an object header"),
            Self::ValuePastEnd { length, available } => write!(
                f,
                "value of {length} characters runs past the end ({available} left)"
            ),
            Self::CrcMissing => f.write_str("payload does not end with CRC object 6304"),
            Self::CrcFormat => f.write_str("CRC is not four hexadecimal digits"),
            Self::CrcMismatch { computed, found } => {
                write!(
                    f,
                    "CRC mismatch: computed {computed:04X}, payload carries {found:04X}"
                )
            }
            Self::Base64 => f.write_str("not valid base64"),
            Self::Tlv(kind) => write!(f, "BER-TLV: {kind}"),
            Self::ValueLength { length } => write!(f, "value length {length} outside 1..=99"),
            Self::IdRange => f.write_str("ID above 99"),
            Self::Invalid(kind) => write!(f, "invalid payload: {kind}"),
            Self::DataTooLong { length } => {
                write!(
                    f,
                    "{length} bytes do not fit in a QR symbol at this ECC level"
                )
            }
            Self::Image => f.write_str("the image encoder failed"),
            Self::BufferTooSmall { needed, capacity } => {
                write!(f, "output needs {needed} bytes, buffer holds {capacity}")
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{} at byte {}", self.kind, self.offset)
    }
}

impl core::error::Error for Error {}
