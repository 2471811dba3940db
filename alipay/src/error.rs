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
    },
}

/// An Alipay error.
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
            ErrorKind::Key => f.write_str("AES key must be base64 of 16 bytes"),
            ErrorKind::Ciphertext => {
                f.write_str("content is not base64 AES-CBC with PKCS#7 padding")
            }
            ErrorKind::BufferTooSmall { needed } => write!(f, "output needs {needed} bytes"),
        }
    }
}

impl core::error::Error for Error {}
