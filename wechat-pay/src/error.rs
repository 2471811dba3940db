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
                write!(f, "API v3 key of {length} bytes (need 16 or 32)")
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
