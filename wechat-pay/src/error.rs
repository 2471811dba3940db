//! The crate's one error type.

use core::fmt;

/// Result alias used throughout the crate.
pub type Result<T> = core::result::Result<T, Error>;

/// What went wrong. Never carries keys or plaintext.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An API v3 key of a length the algorithm does not take.
    KeyLength {
        /// Bytes given.
        length: usize,
    },
    /// A nonce of a length other than 12 or 16 bytes.
    NonceLength {
        /// Bytes given.
        length: usize,
    },
    /// An algorithm name this crate does not know.
    UnknownAlgorithm,
    /// The ciphertext is not base64, or shorter than its 16-byte tag.
    Ciphertext,
    /// Authentication failed: wrong key, nonce, associated data, or tampered ciphertext.
    Authentication,
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes the buffer holds.
        capacity: usize,
    },
    /// A key that is not PEM / DER of an RSA or SM2 key of the expected kind.
    Key,
    /// A certificate that is not X.509 PEM / DER with an RSA or SM2 key.
    Certificate,
    /// The signer failed.
    Signing,
    /// A header the verification needs is missing or empty ([`Error::place`] names it).
    MissingHeader,
    /// A parameter that cannot go into a signed message or header (empty, or holding a quote,
    /// comma or line break; [`Error::place`] names it).
    Parameter,
    /// `Wechatpay-Timestamp` is not a decimal Unix time.
    Timestamp,
    /// The timestamp is 5 minutes or more away from `now`.
    StaleTimestamp {
        /// Seconds between the timestamp and `now`.
        skew: u64,
    },
    /// No verifier is known for the `Wechatpay-Serial` given.
    UnknownSerial,
    /// A `WECHATPAY/SIGNTEST/` probe signature (WeChat Pay checks that merchants verify).
    SignTestProbe,
    /// The signature type names another scheme than the key's.
    SchemeMismatch,
    /// The signature is not base64, or does not verify.
    InvalidSignature,
    /// Encryption failed (plaintext too long for the key).
    Encryption,
    /// The system's random number generator failed (nonces, RSA-OAEP padding).
    Randomness,
    /// Decryption of a sensitive field failed.
    Decryption,
    /// Malformed XML (or a DTD / entity declaration, which is refused) at [`Error::offset`].
    Xml,
    /// Malformed JSON at [`Error::offset`], or a member missing ([`Error::place`] names it).
    Json,
}

/// A WeChat Pay error: what went wrong, where (the header, parameter or JSON member it concerns,
/// when there is one) and the byte offset in the document being read (0 when the error is not
/// about a position).
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

    /// The same error about `place` (a header, parameter or member name).
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

    /// The same error at byte `offset` of the document.
    #[cfg_attr(
        not(feature = "alloc"),
        expect(dead_code, reason = "only the alloc parts name a place")
    )]
    pub(crate) const fn at_offset(self, offset: usize) -> Self {
        Self { offset, ..self }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The header, parameter or JSON member the error concerns, when there is one.
    pub const fn place(&self) -> Option<&'static str> {
        self.place
    }

    /// Byte offset in the document being read (XML, JSON), 0 otherwise.
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::KeyLength { length } => {
                write!(
                    f,
                    "API v3 key of {length} bytes (need 32; SM4-GCM takes any)"
                )
            }
            Self::NonceLength { length } => {
                write!(f, "nonce of {length} bytes (need 12 or 16)")
            }
            Self::UnknownAlgorithm => f.write_str("unknown algorithm"),
            Self::Ciphertext => f.write_str("ciphertext is not base64 of ciphertext and tag"),
            Self::Authentication => f.write_str("decryption failed: authentication tag mismatch"),
            Self::BufferTooSmall { needed, capacity } => {
                write!(f, "output needs {needed} bytes, buffer holds {capacity}")
            }
            Self::Key => f.write_str("not an RSA or SM2 key in PEM or DER"),
            Self::Certificate => f.write_str("not an X.509 certificate with an RSA or SM2 key"),
            Self::Signing => f.write_str("signing failed"),
            Self::MissingHeader => f.write_str("header missing or empty"),
            Self::Parameter => {
                f.write_str("parameter is empty or holds a quote, comma or line break")
            }
            Self::Timestamp => f.write_str("timestamp is not a decimal Unix time"),
            Self::StaleTimestamp { skew } => {
                write!(f, "timestamp is {skew} s away from now (limit 300 s)")
            }
            Self::UnknownSerial => f.write_str("no certificate or public key for this serial"),
            Self::SignTestProbe => {
                f.write_str("WECHATPAY/SIGNTEST probe signature: not a valid signature")
            }
            Self::SchemeMismatch => f.write_str("signature type does not match the key"),
            Self::InvalidSignature => f.write_str("signature does not verify"),
            Self::Encryption => f.write_str("encryption failed"),
            Self::Randomness => f.write_str("no randomness: the system's generator failed"),
            Self::Decryption => f.write_str("decryption failed"),
            Self::Xml => f.write_str("malformed or refused XML"),
            Self::Json => f.write_str("malformed JSON"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offset = self.offset;
        match (self.kind, self.place) {
            (ErrorKind::MissingHeader, Some(name)) => write!(f, "header {name} missing or empty"),
            (ErrorKind::Parameter, Some(name)) => write!(
                f,
                "parameter {name} is empty or holds a quote, comma or line break"
            ),
            (ErrorKind::Xml, _) => write!(f, "malformed or refused XML at byte {offset}"),
            (ErrorKind::Json, Some(name)) => {
                write!(f, "malformed JSON at byte {offset} (member {name})")
            }
            (ErrorKind::Json, None) => write!(f, "malformed JSON at byte {offset}"),
            (kind, Some(name)) => write!(f, "{kind} ({name})"),
            (kind, None) => kind.fmt(f),
        }
    }
}

impl core::error::Error for Error {}

/// Decodes base64 `text` into `out`, returning the byte count: `BufferTooSmall` when `out` is
/// short, `Ciphertext` when the text is not base64.
pub(crate) fn decode_base64(text: &str, out: &mut [u8]) -> Result<usize> {
    use base64::Engine as _;
    let needed = text.len().div_ceil(4).saturating_mul(3);
    base64::engine::general_purpose::STANDARD
        .decode_slice(text.trim(), out)
        .map_err(|e| match e {
            base64::DecodeSliceError::OutputSliceTooSmall => {
                Error::new(ErrorKind::BufferTooSmall {
                    needed,
                    capacity: out.len(),
                })
            }
            base64::DecodeSliceError::DecodeError(_) => Error::new(ErrorKind::Ciphertext),
        })
}
