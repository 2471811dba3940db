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
    /// What the `iso8583` codec refused, as it said it ([`Error::place`] has the field and
    /// [`Error::offset`] the byte offset it gave).
    Iso8583(paywire_iso8583::ErrorKind),
    /// An amount or count over what its field's digits hold.
    Amount,
    /// A parameter (ACP or transaction input) missing or empty ([`Error::place`] names it).
    MissingParameter,
    /// A parameter that must be `length` digits and is not ([`Error::place`] names it).
    Digits {
        /// Digits expected.
        length: usize,
    },
    /// A parameter of the wrong form (a payment code that is not 1–999 letters and digits, a
    /// reason code that is not 2 characters; [`Error::place`] names it).
    InvalidParameter,
    /// A `signMethod` this crate does not take (01, 11, 12 are known), or one the key cannot make.
    SignMethod,
    /// A signing key that is not an RSA private key in PEM (PKCS#1 or PKCS#8).
    Key,
    /// The RSA signing operation failed.
    Signing,
    /// A certificate that is not PEM / DER X.509 with an RSA key, or that is not UnionPay's
    /// signing certificate (CN) or not valid now.
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
    /// An SM4 key in a build without the `sm4` feature.
    Unsupported,
    /// What `paywire-cardsec` refused that has no name of its own here (a PIN block that does
    /// not decode, a key of a cipher the method does not use, …).
    Security(paywire_cardsec::ErrorKind),
}

/// Where an error is: an ISO 8583 field, or a named parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Place {
    /// A field of the message (0 = MTI, 1 = bitmaps).
    Field(u8),
    /// An ACP or transaction parameter, by name.
    Parameter(&'static str),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Field(n) => write!(f, "field {n}"),
            Self::Parameter(name) => write!(f, "parameter {name}"),
        }
    }
}

/// A UnionPay error: what went wrong, where (a field or parameter, when known) and the byte
/// offset in the message read (0 when the error is not about a position).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    place: Option<Place>,
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

    /// The same error about `place`.
    #[cfg_attr(
        not(feature = "alloc"),
        allow(
            dead_code,
            reason = "without alloc only some feature sets name a place"
        )
    )]
    pub(crate) const fn at(self, place: Place) -> Self {
        Self {
            place: Some(place),
            ..self
        }
    }

    /// The same error about parameter `name`.
    pub(crate) const fn param(kind: ErrorKind, name: &'static str) -> Self {
        Self::new(kind).at(Place::Parameter(name))
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The field or parameter the error concerns, when known.
    pub const fn place(&self) -> Option<Place> {
        self.place
    }

    /// Byte offset in the message read, 0 otherwise.
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

impl From<paywire_iso8583::Error> for Error {
    /// The codec's kind, field and offset, as it gave them.
    fn from(e: paywire_iso8583::Error) -> Self {
        Self {
            kind: ErrorKind::Iso8583(e.kind()),
            place: e.field().map(Place::Field),
            offset: e.offset(),
        }
    }
}

impl From<paywire_cardsec::Error> for Error {
    /// The security crate's kinds under the names this crate has always used for them.
    fn from(e: paywire_cardsec::Error) -> Self {
        use paywire_cardsec::ErrorKind as C;
        let kind = match e.kind() {
            C::KeyLength { length } => ErrorKind::KeyLength { length },
            C::BadPin | C::BadFill => ErrorKind::BadPin,
            C::BadPan => ErrorKind::BadPan,
            C::BadPinBlock => ErrorKind::BadPinBlock,
            C::CheckValueMismatch => ErrorKind::CheckValueMismatch,
            C::MacMismatch => ErrorKind::MacMismatch,
            C::Unsupported => ErrorKind::Unsupported,
            other => ErrorKind::Security(other),
        };
        Self::new(kind)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::KeyLength { length } => write!(f, "key of {length} bytes not usable here"),
            Self::BadPin => f.write_str("PIN must be 4 to 12 digits"),
            Self::BadPan => f.write_str("PAN must be at least 13 digits"),
            Self::BadPinBlock => f.write_str("PIN block does not decode for this PAN"),
            Self::CheckValueMismatch => f.write_str("key check value mismatch"),
            Self::MacMismatch => f.write_str("MAC mismatch"),
            Self::BadFrame => f.write_str("TPDU must be 5 bytes and header 6"),
            Self::Iso8583(kind) => kind.fmt(f),
            Self::Amount => f.write_str("amount or count too large for its field"),
            Self::MissingParameter => f.write_str("parameter missing or empty"),
            Self::Digits { length } => write!(f, "must be {length} digits"),
            Self::InvalidParameter => f.write_str("parameter malformed"),
            Self::SignMethod => f.write_str("signMethod must be 01, 11 or 12, matching the key"),
            Self::Key => f.write_str("not an RSA private key in PEM (PKCS#1 or PKCS#8)"),
            Self::Signing => f.write_str("RSA signing failed"),
            Self::Certificate => {
                f.write_str("not UnionPay's RSA signing certificate, or not valid now")
            }
            Self::InvalidSignature => f.write_str("signature does not verify"),
            Self::BadField62 => f.write_str("field 62 does not match the network management code"),
            Self::Password => f.write_str("PKCS#12 integrity check failed: wrong password?"),
            Self::Pkcs12 => {
                f.write_str("not a readable PKCS#12 file with an RSA key and its certificate")
            }
            Self::Unsupported => f.write_str("SM4 is not in this build (the `sm4` feature)"),
            Self::Security(kind) => kind.fmt(f),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.place) {
            (ErrorKind::MissingParameter, Some(Place::Parameter(name))) => {
                write!(f, "parameter {name} missing or empty")
            }
            (ErrorKind::Iso8583(kind), Some(place)) => {
                write!(f, "{place}: {kind} at byte {}", self.offset)
            }
            (ErrorKind::Iso8583(kind), None) => write!(f, "{kind} at byte {}", self.offset),
            (kind, Some(place)) => write!(f, "{place}: {kind}"),
            (kind, None) => kind.fmt(f),
        }
    }
}

impl core::error::Error for Error {}
