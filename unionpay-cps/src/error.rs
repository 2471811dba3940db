//! The crate's one error type.

use core::fmt;

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;

/// What went wrong. Never carries key, PIN or PAN material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A key of a length the algorithm does not take.
    KeyLength {
        /// Bytes given.
        length: usize,
    },
    /// A PIN that is not 4–12 digits.
    BadPin,
    /// A PAN with fewer than 13 digits, or a non-digit.
    BadPan,
    /// A PIN block that does not decode to a format-0 block for this PAN.
    BadPinBlock,
    /// A key check value that does not match.
    CheckValueMismatch,
    /// A MAC that does not match.
    MacMismatch,
    /// A TPDU or header of the wrong length.
    BadFrame,
    /// A value the field's spec refuses (length, characters).
    Field {
        /// The field number.
        number: u8,
    },
    /// An ACP parameter missing or empty (`signature`, `signMethod`, `signPubKeyCert`, ...).
    MissingParameter {
        /// Its name.
        name: &'static str,
    },
    /// A `signMethod` this crate does not take (01, 11, 12 are known), or one the key cannot make.
    SignMethod,
    /// A signing key or certificate that is not PEM / DER RSA, or a certificate that is not
    /// UnionPay's signing certificate (CN) or not valid now.
    Certificate,
    /// A signature that is not base64 / hex or does not verify.
    InvalidSignature,
    /// A sign-in field 62 of the wrong length for its network management code, or an unknown
    /// code.
    BadField62,
    /// A PKCS#12 file whose integrity check fails: a wrong password, or a damaged file.
    Password,
    /// A PKCS#12 file that is not DER PKCS#12, lacks an RSA key or its certificate, or uses an
    /// encryption this crate does not read.
    Pkcs12,
}

/// A UnionPay error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
}

impl Error {
    pub(crate) const fn new(kind: ErrorKind) -> Self {
        Self { kind }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::KeyLength { length } => write!(f, "key of {length} bytes not usable here"),
            ErrorKind::BadPin => f.write_str("PIN must be 4 to 12 digits"),
            ErrorKind::BadPan => f.write_str("PAN must be at least 13 digits"),
            ErrorKind::BadPinBlock => f.write_str("PIN block does not decode for this PAN"),
            ErrorKind::CheckValueMismatch => f.write_str("key check value mismatch"),
            ErrorKind::MacMismatch => f.write_str("MAC mismatch"),
            ErrorKind::BadFrame => f.write_str("TPDU must be 5 bytes and header 6"),
            ErrorKind::Field { number } => write!(f, "field {number}: value refused by the spec"),
            ErrorKind::MissingParameter { name } => write!(f, "parameter {name} missing or empty"),
            ErrorKind::SignMethod => {
                f.write_str("signMethod must be 01, 11 or 12, matching the key")
            }
            ErrorKind::Certificate => {
                f.write_str("not UnionPay's RSA signing certificate, or not valid now")
            }
            ErrorKind::InvalidSignature => f.write_str("signature does not verify"),
            ErrorKind::BadField62 => {
                f.write_str("field 62 does not match the network management code")
            }
            ErrorKind::Password => f.write_str("PKCS#12 integrity check failed: wrong password?"),
            ErrorKind::Pkcs12 => {
                f.write_str("not a readable PKCS#12 file with an RSA key and its certificate")
            }
        }
    }
}

impl core::error::Error for Error {}
