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
    },
    /// A key that is not PEM / DER of an RSA or SM2 key of the expected kind.
    Key,
    /// A certificate that is not X.509 PEM / DER with an RSA or SM2 key.
    Certificate,
    /// The signer failed.
    Signing,
    /// A header the verification needs is missing or empty.
    MissingHeader {
        /// The header's name.
        name: &'static str,
    },
    /// A parameter that cannot go into a signed message or header (empty, or holding a quote,
    /// comma or line break).
    Parameter {
        /// The parameter's name.
        name: &'static str,
    },
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
    /// Encryption failed (plaintext too long for the key, or no randomness).
    Encryption,
    /// Decryption of a sensitive field failed.
    Decryption,
    /// Malformed XML at this byte offset (or a DTD / entity declaration, which is refused).
    Xml {
        /// Byte offset into the document.
        offset: usize,
    },
    /// Malformed JSON at this byte offset, or a member missing.
    Json {
        /// Byte offset into the document.
        offset: usize,
    },
}

/// A WeChat Pay error.
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
            ErrorKind::KeyLength { length } => {
                write!(
                    f,
                    "API v3 key of {length} bytes (need 32; SM4-GCM takes any)"
                )
            }
            ErrorKind::NonceLength { length } => {
                write!(f, "nonce of {length} bytes (need 12 or 16)")
            }
            ErrorKind::UnknownAlgorithm => f.write_str("unknown algorithm"),
            ErrorKind::Ciphertext => f.write_str("ciphertext is not base64 of ciphertext and tag"),
            ErrorKind::Authentication => {
                f.write_str("decryption failed: authentication tag mismatch")
            }
            ErrorKind::BufferTooSmall { needed } => write!(f, "output needs {needed} bytes"),
            ErrorKind::Key => f.write_str("not an RSA or SM2 key in PEM or DER"),
            ErrorKind::Certificate => {
                f.write_str("not an X.509 certificate with an RSA or SM2 key")
            }
            ErrorKind::Signing => f.write_str("signing failed"),
            ErrorKind::MissingHeader { name } => write!(f, "header {name} missing or empty"),
            ErrorKind::Parameter { name } => {
                write!(
                    f,
                    "parameter {name} is empty or holds a quote, comma or line break"
                )
            }
            ErrorKind::Timestamp => f.write_str("timestamp is not a decimal Unix time"),
            ErrorKind::StaleTimestamp { skew } => {
                write!(f, "timestamp is {skew} s away from now (limit 300 s)")
            }
            ErrorKind::UnknownSerial => f.write_str("no certificate or public key for this serial"),
            ErrorKind::SignTestProbe => {
                f.write_str("WECHATPAY/SIGNTEST probe signature: not a valid signature")
            }
            ErrorKind::SchemeMismatch => f.write_str("signature type does not match the key"),
            ErrorKind::InvalidSignature => f.write_str("signature does not verify"),
            ErrorKind::Encryption => f.write_str("encryption failed"),
            ErrorKind::Decryption => f.write_str("decryption failed"),
            ErrorKind::Xml { offset } => write!(f, "malformed or refused XML at byte {offset}"),
            ErrorKind::Json { offset } => write!(f, "malformed JSON at byte {offset}"),
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
                Error::new(ErrorKind::BufferTooSmall { needed })
            }
            base64::DecodeSliceError::DecodeError(_) => Error::new(ErrorKind::Ciphertext),
        })
}
