//! The crate's one error type.

use core::fmt;

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;

/// What went wrong. Never carries key, PIN, PAN or clear-block material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A key of a length its cipher or the algorithm does not take.
    KeyLength {
        /// Bytes given.
        length: usize,
    },
    /// A key whose cipher the algorithm does not use (an AES key for a TDES-only method).
    KeyCipher,
    /// A PIN that is not 4–12 digits.
    BadPin,
    /// A PAN that is not digits, or too short or long for the format (13–19 digits for
    /// formats 0 and 3, 1–19 for format 4).
    BadPan,
    /// A PIN block that does not decode: wrong length, unknown control field, a PIN length
    /// outside 4–12, a non-digit PIN nibble or a fill that is not the format's.
    BadPinBlock,
    /// Random or unique fill missing or too short for the PIN block format, or padding that
    /// leaves a key block's payload off the cipher block.
    BadFill,
    /// An input that is not of the form its algorithm takes (an expiry that is not 4 digits, a
    /// service code that is not 3, validation data that is not 16 hexadecimal characters, a
    /// decimalization table that is not 16 digits, a PVK index over 9).
    BadData,
    /// A key check value that does not match.
    CheckValueMismatch,
    /// A MAC that does not match.
    MacMismatch,
    /// A MAC length of 0 or longer than the cipher block.
    MacLength,
    /// A DUKPT key serial number of the wrong length, or whose transaction counter has more
    /// bits set than the standard allows.
    BadKsn,
    /// The DUKPT transaction counter has no transaction left (the device needs a new
    /// initial key).
    KsnExhausted,
    /// A cipher left out of this build (the `aes` or `sm4` feature), or a key block version
    /// this crate does not write or read.
    Unsupported,
    /// A key block whose text is malformed ([`Error::part`] names the part, [`Error::offset`]
    /// the character).
    Malformed,
    /// A key block longer than this crate reads (a payload over 128 bytes).
    TooLong,
    /// An output buffer too small for what is written into it.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
}

/// The part of a TR-31 key block an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Part {
    /// The version ID (character 0).
    Version,
    /// The key block length (characters 1–4).
    Length,
    /// The key usage (characters 5–6).
    Usage,
    /// The algorithm (character 7).
    Algorithm,
    /// The mode of use (character 8).
    Mode,
    /// The key version number (characters 9–10).
    KeyVersion,
    /// The exportability (character 11).
    Exportability,
    /// The number of optional blocks (characters 12–13).
    BlockCount,
    /// The reserved field (characters 14–15).
    Reserved,
    /// An optional block, by its position (0 for the first).
    OptionalBlock(u8),
    /// The encrypted key data.
    Payload,
    /// The MAC.
    Mac,
    /// The key the payload holds (its length field, or a key too long for the protection key).
    Key,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Version => f.write_str("version ID"),
            Self::Length => f.write_str("key block length"),
            Self::Usage => f.write_str("key usage"),
            Self::Algorithm => f.write_str("algorithm"),
            Self::Mode => f.write_str("mode of use"),
            Self::KeyVersion => f.write_str("key version number"),
            Self::Exportability => f.write_str("exportability"),
            Self::BlockCount => f.write_str("number of optional blocks"),
            Self::Reserved => f.write_str("reserved field"),
            Self::OptionalBlock(n) => write!(f, "optional block {n}"),
            Self::Payload => f.write_str("encrypted key data"),
            Self::Mac => f.write_str("key block MAC"),
            Self::Key => f.write_str("wrapped key"),
        }
    }
}

/// A card-security error: what went wrong and, for key blocks, the part and the character
/// offset (functions of one input of each kind name no part: the kind says which input).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    part: Option<Part>,
    offset: usize,
}

impl Error {
    pub(crate) const fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            part: None,
            offset: 0,
        }
    }

    /// The same error about `part`, at character `offset`.
    pub(crate) const fn at(kind: ErrorKind, part: Part, offset: usize) -> Self {
        Self {
            kind,
            part: Some(part),
            offset,
        }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The key block part the error is about, when it is about one.
    pub const fn part(&self) -> Option<Part> {
        self.part
    }

    /// The character offset in the key block (0 when there is no part).
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self::new(kind)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::KeyLength { length } => write!(f, "key of {length} bytes not usable here"),
            Self::KeyCipher => f.write_str("key of a cipher this method does not use"),
            Self::BadPin => f.write_str("PIN must be 4 to 12 digits"),
            Self::BadPan => f.write_str("PAN is not digits of a length this format takes"),
            Self::BadPinBlock => f.write_str("PIN block does not decode"),
            Self::BadFill => f.write_str("fill or padding of the wrong length"),
            Self::BadData => f.write_str("input not of the form the algorithm takes"),
            Self::CheckValueMismatch => f.write_str("key check value mismatch"),
            Self::MacMismatch => f.write_str("MAC mismatch"),
            Self::MacLength => f.write_str("MAC length must be 1 to the cipher block"),
            Self::BadKsn => f.write_str("key serial number malformed or its counter invalid"),
            Self::KsnExhausted => f.write_str("DUKPT transaction counter exhausted"),
            Self::Unsupported => {
                f.write_str("cipher or key block version not supported by this build")
            }
            Self::Malformed => f.write_str("malformed"),
            Self::TooLong => f.write_str("longer than this reader takes"),
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.part {
            Some(part) => write!(f, "{part}: {} at character {}", self.kind, self.offset),
            None => self.kind.fmt(f),
        }
    }
}

impl core::error::Error for Error {}
