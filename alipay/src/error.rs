//! The crate's one error type.

use core::fmt;

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;

/// What went wrong. Never carries keys or plaintext.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The AES key is not base64 of 16 bytes.
    Key,
    /// Not base64, or not a whole number of blocks, or bad padding.
    Ciphertext,
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes the buffer holds.
        capacity: usize,
    },
    /// A signing key that is not PEM / base64 DER of an RSA or SM2 key of the kind expected.
    SigningKey,
    /// A certificate that is not X.509 PEM / DER (or holds no certificate at all).
    Certificate,
    /// A certificate chain that does not verify to a root of the bundle, or is not valid now.
    ChainInvalid,
    /// A `sign_type` other than `RSA2`, `RSA` and `SM2`, or one the key cannot make.
    SignType,
    /// The signer failed.
    Signing,
    /// The signature is missing, not base64, or does not verify.
    InvalidSignature,
    /// A parameter is missing or empty ([`Error::place`] names it).
    MissingParameter,
    /// A value that cannot go into a signed header (a quote, comma or line break;
    /// [`Error::place`] names it).
    Parameter,
    /// A response that is not a JSON object holding the method's node, at [`Error::offset`].
    Response,
    /// A form body that is not `application/x-www-form-urlencoded` UTF-8, at [`Error::offset`].
    Form,
    /// The system's random number generator failed (nonces).
    Randomness,
}

/// An Alipay error: what went wrong, where (the parameter it concerns, when there is one) and
/// the byte offset in the response or form body being read (0 when the error is not about a
/// position).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    place: Option<&'static str>,
    offset: usize,
}

impl Error {
    pub(crate) const fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            place: None,
            offset: 0,
        }
    }

    /// The same error about parameter `place`.
    #[cfg_attr(
        not(feature = "alloc"),
        expect(dead_code, reason = "only the alloc parts name a place")
    )]
    pub(crate) const fn at(self, place: &'static str) -> Self {
        Self {
            place: Some(place),
            ..self
        }
    }

    /// The same error at byte `offset` of the text being read.
    pub(crate) const fn at_offset(self, offset: usize) -> Self {
        Self { offset, ..self }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The parameter the error concerns, when there is one.
    pub const fn place(&self) -> Option<&'static str> {
        self.place
    }

    /// Byte offset in the response or form body being read, 0 otherwise.
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Key => f.write_str("AES key must be base64 of 16 bytes"),
            Self::Ciphertext => f.write_str("content is not base64 AES-CBC with PKCS#7 padding"),
            Self::BufferTooSmall { needed, capacity } => {
                write!(f, "output needs {needed} bytes, buffer holds {capacity}")
            }
            Self::SigningKey => f.write_str("not an RSA or SM2 key in PEM or base64 DER"),
            Self::Certificate => f.write_str("not an X.509 certificate in PEM or DER"),
            Self::ChainInvalid => {
                f.write_str("certificate does not chain to a trusted root, or is not valid now")
            }
            Self::SignType => f.write_str("sign_type must be RSA2, RSA or SM2, matching the key"),
            Self::Signing => f.write_str("signing failed"),
            Self::InvalidSignature => f.write_str("signature does not verify"),
            Self::MissingParameter => f.write_str("parameter missing or empty"),
            Self::Parameter => f.write_str("parameter holds a quote, comma or line break"),
            Self::Response => f.write_str("response node not found or malformed"),
            Self::Form => f.write_str("malformed form body"),
            Self::Randomness => f.write_str("no randomness: the system's generator failed"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offset = self.offset;
        match (self.kind, self.place) {
            (ErrorKind::MissingParameter, Some(name)) => {
                write!(f, "parameter {name} missing or empty")
            }
            (ErrorKind::Parameter, Some(name)) => {
                write!(f, "parameter {name} holds a quote, comma or line break")
            }
            (ErrorKind::Response, _) => {
                write!(f, "response node not found or malformed at byte {offset}")
            }
            (ErrorKind::Form, _) => write!(f, "malformed form body at byte {offset}"),
            (kind, Some(name)) => write!(f, "{kind} ({name})"),
            (kind, None) => kind.fmt(f),
        }
    }
}

impl core::error::Error for Error {}
