//! Messages mapped onto the caller's own types with serde (feature `serde`).
//!
//! A message is a map from field numbers, as decimal strings, to values: `"0"` (also `"mti"`)
//! is the MTI, `"2"` the PAN, and so on — name struct fields with `#[serde(rename = "2")]`.
//!
//! - [`from_message`] reads a parsed [`MessageRef`](crate::MessageRef) into any `Deserialize` type **without
//!   copying** where the wire holds the value as it is: `&str` for ASCII text, `&[u8]` (with
//!   `serde_bytes` or a borrowed `&[u8]`) for binary fields; numbers (`u64`, `u32`, ...) from
//!   digits; `Option` for fields that may be absent; a nested struct (or map) for a field the
//!   spec divides into subfields (keys: part or subfield numbers, or tags). BCD, EBCDIC and hex
//!   text are converted into `String` / `Vec<u8>` fields (hex text already uppercase is
//!   borrowed by a `&str`); a [`Value`](crate::Value) member borrows any field as it sits on
//!   the wire, unconverted, whatever its encoding.
//! - [`to_message`] writes any `Serialize` value into a [`Message`](crate::Message) of a spec: strings and
//!   bytes set as they are, numbers as digits, short fixed-length values padded as the spec
//!   says (jPOS pads them too), `None` leaves the field out, a nested struct fills a positional
//!   or ASCII-tagged field from its parts.
//!
//! What a value is when the type does not say (`serde_json::Value`, `deserialize_any`) is the
//! CLI's JSON form: text as a string (ISO 8859-1 when it is not UTF-8), binary fields as
//! uppercase hex. So `decode`'s `"fields"` object is this mapping.
//!
//! ```
//! use paywire_iso8583::builtin::ISO87ASCII;
//! use paywire_iso8583::MessageRef;
//! use paywire_iso8583::serde::{from_message, to_message};
//!
//! #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
//! struct Auth<'a> {
//!     #[serde(rename = "0")]
//!     mti: &'a str,
//!     #[serde(rename = "2")]
//!     pan: &'a str,
//!     #[serde(rename = "4")]
//!     amount: u64,
//!     #[serde(rename = "11")]
//!     stan: u32,
//!     #[serde(rename = "41", default)]
//!     terminal: Option<&'a str>,
//! }
//!
//! let auth = Auth { mti: "0200", pan: "4761739001010010", amount: 1000, stan: 42, terminal: None };
//! let wire = to_message(&ISO87ASCII, &auth)?.to_vec()?; // 1000 → 000000001000, 42 → 000042
//! let parsed = MessageRef::parse(&ISO87ASCII, &wire)?;
//! let read: Auth<'_> = from_message(&parsed)?; // `pan` borrows from `wire`
//! assert_eq!(read, auth);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod de;
mod ser;
mod value;

use alloc::string::{String, ToString};
use core::fmt;

pub use de::from_message;
pub use ser::to_message;

/// A mapping error: what went wrong and, when known, the field. Never holds a field's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapError {
    field: Option<u16>,
    message: String,
}

impl MapError {
    pub(crate) fn new(field: Option<u16>, message: impl fmt::Display) -> Self {
        Self {
            field,
            message: message.to_string(),
        }
    }

    /// The field number the error concerns, when known (0 = MTI).
    pub const fn field(&self) -> Option<u16> {
        self.field
    }

    /// The same error, naming `field` if it named none.
    #[must_use]
    pub(crate) fn at(self, field: u16) -> Self {
        Self {
            field: self.field.or(Some(field)),
            ..self
        }
    }
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Some(n) => write!(f, "field {n}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl core::error::Error for MapError {}

impl From<crate::Error> for MapError {
    fn from(e: crate::Error) -> Self {
        Self::new(e.field().map(u16::from), e.kind())
    }
}

impl ::serde::de::Error for MapError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(None, msg)
    }
}

impl ::serde::ser::Error for MapError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(None, msg)
    }
}

/// A field number as a map key: `"0"`/`"mti"` → 0, decimal text → the number.
#[inline]
pub(crate) fn key_number(key: &str) -> Option<u16> {
    let digit = |c: u8| {
        let d = c.wrapping_sub(b'0');
        (d <= 9).then_some(u16::from(d))
    };
    match *key.as_bytes() {
        [a] => digit(a),
        [a, b] => Some(digit(a)?.wrapping_mul(10).wrapping_add(digit(b)?)),
        [a, b, c] => Some(
            digit(a)?
                .wrapping_mul(100)
                .wrapping_add(digit(b)?.wrapping_mul(10))
                .wrapping_add(digit(c)?),
        ),
        _ => (key == "mti").then_some(0),
    }
}
