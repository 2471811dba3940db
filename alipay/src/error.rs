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
    /// A parameter is missing or empty.
    MissingParameter {
        /// Its name.
        name: &'static str,
    },
    /// A value that cannot go into a signed header (a quote, comma or line break).
    Parameter {
        /// Its name.
        name: &'static str,
    },
    /// A response that is not a JSON object holding the method's node, at this byte offset.
    Response {
        /// Byte offset into the response text.
        offset: usize,
    },
    /// A form body that is not `application/x-www-form-urlencoded` UTF-8, at this byte offset.
    Form {
        /// Byte offset into the body.
        offset: usize,
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
            ErrorKind::SigningKey => f.write_str("not an RSA or SM2 key in PEM or base64 DER"),
            ErrorKind::Certificate => f.write_str("not an X.509 certificate in PEM or DER"),
            ErrorKind::ChainInvalid => {
                f.write_str("certificate does not chain to a trusted root, or is not valid now")
            }
            ErrorKind::SignType => {
                f.write_str("sign_type must be RSA2, RSA or SM2, matching the key")
            }
            ErrorKind::Signing => f.write_str("signing failed"),
            ErrorKind::InvalidSignature => f.write_str("signature does not verify"),
            ErrorKind::MissingParameter { name } => write!(f, "parameter {name} missing or empty"),
            ErrorKind::Parameter { name } => {
                write!(f, "parameter {name} holds a quote, comma or line break")
            }
            ErrorKind::Response { offset } => {
                write!(f, "response node not found or malformed at byte {offset}")
            }
            ErrorKind::Form { offset } => write!(f, "malformed form body at byte {offset}"),
        }
    }
}

impl core::error::Error for Error {}
