//! The character set a spec's text fields are shown and given in ([`Charset`], re-exported as
//! `spec::Charset`): ISO 8859-1 as jPOS reads text, or UTF-8.

/// The character set of a spec's text fields: how their bytes become characters and back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Charset {
    /// ISO 8859-1: one byte, one character (U+0000–U+00FF), both ways and for every byte —
    /// as jPOS reads text. EBCDIC fields read as this whatever the spec says.
    #[default]
    Latin1,
    /// UTF-8: a value's bytes are UTF-8 text. Bytes that are not UTF-8 are shown as ISO 8859-1
    /// so that nothing is lost (and written back as UTF-8 of those characters).
    Utf8,
}

impl Charset {
    /// `bytes` as text without copying, when they need no conversion (ASCII, or valid UTF-8
    /// under [`Charset::Utf8`]).
    pub fn borrow(self, bytes: &[u8]) -> Option<&str> {
        match self {
            Self::Latin1 if !bytes.is_ascii() => None,
            _ => core::str::from_utf8(bytes).ok(),
        }
    }

    /// `bytes` as text.
    #[cfg(feature = "alloc")]
    pub fn decode(self, bytes: &[u8]) -> alloc::borrow::Cow<'_, str> {
        match self.borrow(bytes) {
            Some(s) => alloc::borrow::Cow::Borrowed(s),
            None => alloc::borrow::Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
        }
    }

    /// `text` as bytes: UTF-8, or one byte a character under [`Charset::Latin1`] (`None` for
    /// a character above U+00FF).
    #[cfg(feature = "alloc")]
    pub fn encode(self, text: &str) -> Option<alloc::vec::Vec<u8>> {
        match self {
            Self::Utf8 => Some(text.as_bytes().to_vec()),
            Self::Latin1 => text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).ok())
                .collect(),
        }
    }
}
