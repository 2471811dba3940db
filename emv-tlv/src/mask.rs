//! The one masking rule of every paywire printer: a value's [`Sensitivity`] and the [`Masked`]
//! adapter that prints a value as that sensitivity allows.
//!
//! Every crate prints card data through [`Masked`]: the TLV tree ([`crate::Describe`]), the ISO
//! 8583 field table and its `Pan` / `Track2` values, and the consumer-presented QR track. A value
//! is handed over as its logical characters (ASCII digits and separators; BCD as `0`–`9` and
//! `A`–`F` nibbles, see [`nibbles`]); the rule is PCI DSS 3.4's display rule: at most the first
//! 6 and last 4 digits of a PAN.

use core::fmt::{self, Write as _};

/// How much of a value may be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Sensitivity {
    /// Safe to print.
    Public,
    /// A primary account number: the first 6 and last 4 digits shown; all of it hidden when it
    /// has 10 digits or fewer (6 + 4 of it would be all of it).
    Pan,
    /// Track data (track 1, 2 or 3, or their EMV equivalents): the leading PAN masked as
    /// above, the separator, then every other character hidden.
    Track,
    /// A PIN block: hidden.
    PinBlock,
    /// Key material: hidden.
    Key,
    /// Data that carries or may carry a card verification value (discretionary track data,
    /// ICC data): hidden.
    Cvv,
}

impl Sensitivity {
    /// True when the value is hidden entirely.
    pub const fn is_secret(self) -> bool {
        matches!(self, Self::PinBlock | Self::Key | Self::Cvv)
    }
}

/// How a [`Sensitivity::Public`] value prints (a sensitive one prints masked whatever this is).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Form {
    /// Printable ASCII as is, any other byte as `\xNN`.
    Text,
    /// Uppercase hex, two digits a byte.
    Hex,
}

/// A value printed as its sensitivity allows (`Display`; `Debug` prints the same in quotes).
///
/// ```
/// use paywire_emv_tlv::mask::{Masked, Sensitivity};
///
/// let pan = Masked::new(Sensitivity::Pan, b"4761739001010010".iter().copied());
/// assert_eq!(pan.to_string(), "476173******0010");
/// let track = Masked::new(Sensitivity::Track, b"4761739001010010=2212201".iter().copied());
/// assert_eq!(track.to_string(), "476173******0010=*******");
/// let key = Masked::new(Sensitivity::Key, b"0123456789ABCDEF".iter().copied());
/// assert_eq!(key.to_string(), "<masked>");
/// ```
#[derive(Clone, Copy)]
pub struct Masked<I> {
    sensitivity: Sensitivity,
    form: Form,
    chars: I,
}

impl<I: Iterator<Item = u8> + Clone> Masked<I> {
    /// `chars` (the value's logical bytes) under `sensitivity`; public values print as text.
    pub const fn new(sensitivity: Sensitivity, chars: I) -> Self {
        Self {
            sensitivity,
            form: Form::Text,
            chars,
        }
    }

    /// The same value, printed as `form` when it is public.
    #[must_use]
    pub fn public_as(self, form: Form) -> Self {
        Self { form, ..self }
    }
}

impl<I: Iterator<Item = u8> + Clone> fmt::Display for Masked<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chars = self.chars.clone();
        match (self.sensitivity, self.form) {
            (Sensitivity::Public, Form::Text) => chars.into_iter().try_for_each(|c| match c {
                0x20..=0x7E => f.write_char(char::from(c)),
                _ => write!(f, "\\x{c:02X}"),
            }),
            (Sensitivity::Public, Form::Hex) => {
                chars.into_iter().try_for_each(|b| write!(f, "{b:02X}"))
            }
            (Sensitivity::Pan, _) => write_pan(f, chars),
            (Sensitivity::Track, _) => write_track(f, chars),
            _ => f.write_str("<masked>"),
        }
    }
}

impl<I: Iterator<Item = u8> + Clone> fmt::Debug for Masked<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// The PAN rule: all characters with all but the first 6 and last 4 as `*`; all as `*` when
/// there are 10 or fewer.
fn write_pan(f: &mut impl fmt::Write, chars: impl Iterator<Item = u8> + Clone) -> fmt::Result {
    let count = chars.clone().count();
    let show = count > 10;
    for (i, c) in chars.enumerate() {
        let visible = show && (i < 6 || i >= count.saturating_sub(4));
        f.write_char(if visible { char::from(c) } else { '*' })?;
    }
    Ok(())
}

/// The track rule: the leading digits as a PAN, a separator right after them (`=`, `D`, `^`)
/// shown, every other character as `*`.
fn write_track(f: &mut impl fmt::Write, chars: impl Iterator<Item = u8> + Clone) -> fmt::Result {
    let pan = chars.clone().take_while(u8::is_ascii_digit);
    let pan_len = pan.clone().count();
    write_pan(f, pan)?;
    for (i, c) in chars.skip(pan_len).enumerate() {
        let separator = i == 0 && matches!(c, b'=' | b'D' | b'^');
        f.write_char(if separator { char::from(c) } else { '*' })?;
    }
    Ok(())
}

/// BCD bytes as their nibbles' characters (`0`–`9`, `A`–`F`): how a `cn` PAN or track 2
/// equivalent data (`D` separator, `F` pad) reaches [`Masked`].
pub fn nibbles(bytes: &[u8]) -> impl Iterator<Item = u8> + Clone + '_ {
    bytes
        .iter()
        .flat_map(|&b| [b >> 4, b & 0x0F])
        .map(|n| match n {
            0..=9 => b'0'.wrapping_add(n),
            _ => b'A'.wrapping_add(n.wrapping_sub(10)),
        })
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::ToString;

    use super::*;

    fn show(sensitivity: Sensitivity, chars: &[u8]) -> std::string::String {
        Masked::new(sensitivity, chars.iter().copied()).to_string()
    }

    #[test]
    fn pan_first_six_last_four() {
        assert_eq!(
            show(Sensitivity::Pan, b"4761739001010010"),
            "476173******0010"
        );
        assert_eq!(show(Sensitivity::Pan, b"12345678901"), "123456*8901");
        assert_eq!(show(Sensitivity::Pan, b"1234567890"), "**********");
        assert_eq!(show(Sensitivity::Pan, b""), "");
    }

    #[test]
    fn track_shows_only_the_masked_pan_and_separator() {
        assert_eq!(
            show(Sensitivity::Track, b"6212345678901234567D2812101"),
            "621234*********4567D*******"
        );
        assert_eq!(
            show(Sensitivity::Track, b"4761739001010010=22"),
            "476173******0010=**"
        );
        // Track 1 starts with its format code: nothing before the separator is a PAN.
        assert_eq!(show(Sensitivity::Track, b"B4761^A"), "*******");
        // A second separator is data, not shown.
        assert_eq!(
            show(Sensitivity::Track, b"12345678901D1D"),
            "123456*8901D**"
        );
    }

    #[test]
    fn secrets_and_public_forms() {
        for s in [Sensitivity::PinBlock, Sensitivity::Key, Sensitivity::Cvv] {
            assert!(s.is_secret());
            assert_eq!(show(s, b"0123"), "<masked>");
        }
        assert_eq!(show(Sensitivity::Public, b"AB\x01"), "AB\\x01");
        let hex = Masked::new(Sensitivity::Public, [0xAB, 0x01].into_iter()).public_as(Form::Hex);
        assert_eq!(hex.to_string(), "AB01");
        assert_eq!(std::format!("{hex:?}"), "\"AB01\"");
    }

    #[test]
    fn nibbles_as_characters() {
        let chars: std::vec::Vec<u8> = nibbles(&[0x12, 0x3D, 0x4F]).collect();
        assert_eq!(chars, b"123D4F");
    }
}
