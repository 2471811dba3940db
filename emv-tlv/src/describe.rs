//! A human tree of a TLV list with tag names, PAN and track data masked.

use core::fmt::{self, Write as _};

use crate::dictionary::{self, Format};
use crate::mask::{self, Form, Masked, Sensitivity};
use crate::reader::{TlvRef, Tlvs};

/// Prints a TLV list as an indented tree, one object per line:
///
/// ```text
/// 61 Application Template [26]
///   4F Application Identifier (ADF Name) [7] A0000000555555
///   57 Track 2 Equivalent Data [15] 123456******3458D**************
/// ```
///
/// Text formats (`a`, `an`, `ans`) print in quotes when printable, everything else as uppercase
/// hex. PANs show the first 6 and last 4 digits, track 2 hides everything after the separator, and
/// secret tags (track 1, PIN data) print as `<masked>`, unless [`Describe::unmasked`] is used.
#[derive(Clone, Copy, Debug)]
pub struct Describe<'a> {
    list: Tlvs<'a>,
    mask: bool,
}

impl<'a> Describe<'a> {
    /// A masked tree of `list`.
    pub const fn new(list: Tlvs<'a>) -> Self {
        Self { list, mask: true }
    }

    /// The same tree with every value in clear (for test benches and secure consoles only).
    #[must_use]
    pub const fn unmasked(self) -> Self {
        Self {
            mask: false,
            ..self
        }
    }

    fn level(&self, f: &mut fmt::Formatter<'_>, list: &Tlvs<'_>, indent: usize) -> fmt::Result {
        for tlv in list {
            write!(f, "{:indent$}{}", "", tlv.tag())?;
            let info = dictionary::lookup(tlv.tag());
            if let Some(info) = info {
                write!(f, " {}", info.name)?;
            }
            write!(f, " [{}]", tlv.value_len())?;
            match tlv.children() {
                Some(children) => {
                    f.write_char('\n')?;
                    // Bounded: the list was validated to at most MAX_DEPTH_LIMIT levels.
                    self.level(f, &children, indent.saturating_add(2))?;
                }
                None => {
                    if tlv.value_len() != 0 {
                        f.write_char(' ')?;
                        let sensitivity = match self.mask {
                            true => dictionary::sensitivity(tlv.tag()),
                            false => Sensitivity::Public,
                        };
                        let format = info.map(|i| i.format);
                        write_value(f, &tlv, format, sensitivity)?;
                    }
                    f.write_char('\n')?;
                }
            }
        }
        Ok(())
    }
}

impl fmt::Display for Describe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.level(f, &self.list, 0)
    }
}

impl<'a> Tlvs<'a> {
    /// The masked human tree of this list (see [`Describe`]).
    ///
    /// ```
    /// use paywire_emv_tlv::Tlvs;
    /// // 5A (PAN) 1234567890123458, 9F02 (amount) 1.00.
    /// let list = Tlvs::parse(&[0x5A, 0x08, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x58,
    ///                          0x9F, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00])?;
    /// let tree = list.describe().to_string();
    /// assert!(tree.contains("123456******3458") && !tree.contains("1234567890123458"));
    /// assert!(tree.contains("9F02 Amount, Authorised (Numeric) [6] 000000000100"));
    /// # Ok::<(), paywire_emv_tlv::Error>(())
    /// ```
    pub const fn describe(&self) -> Describe<'a> {
        Describe::new(*self)
    }
}

fn write_value(
    f: &mut fmt::Formatter<'_>,
    tlv: &TlvRef<'_>,
    format: Option<Format>,
    sensitivity: Sensitivity,
) -> fmt::Result {
    let value = tlv.value();
    let text = format.is_some_and(Format::is_text);
    match sensitivity {
        // A `cn` PAN without its `F` pad.
        Sensitivity::Pan => write!(
            f,
            "{}",
            Masked::new(
                sensitivity,
                mask::nibbles(value).take_while(u8::is_ascii_digit)
            )
        ),
        Sensitivity::Track if !text => {
            write!(f, "{}", Masked::new(sensitivity, mask::nibbles(value)))
        }
        Sensitivity::Public if text && value.iter().all(|b| (0x20..0x7F).contains(b)) => {
            write!(f, "\"{}\"", Masked::new(sensitivity, value.iter().copied()))
        }
        Sensitivity::Public => write!(
            f,
            "{}",
            Masked::new(sensitivity, value.iter().copied()).public_as(Form::Hex)
        ),
        _ => write!(f, "{}", Masked::new(sensitivity, value.iter().copied())),
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::ToString;

    use super::*;

    #[test]
    fn masks_pan_and_track2() {
        // 5A 08 1234567890123458, 57 0F 1234567890123458D191220112345F
        let bytes = hex::decode("5A081234567890123458570F1234567890123458D191220112345F").unwrap();
        let list = Tlvs::parse(&bytes).unwrap();
        assert_eq!(
            list.describe().to_string(),
            "5A Application Primary Account Number (PAN) [8] 123456******3458\n\
             57 Track 2 Equivalent Data [15] 123456******3458D*************\n"
        );
        assert_eq!(
            list.describe().unmasked().to_string(),
            "5A Application Primary Account Number (PAN) [8] 1234567890123458\n\
             57 Track 2 Equivalent Data [15] 1234567890123458D191220112345F\n"
        );
    }

    #[test]
    fn short_pans_and_secrets_are_hidden() {
        let bytes = hex::decode("5A051234567890990401020304").unwrap();
        let text = Tlvs::parse(&bytes).unwrap().describe().to_string();
        assert_eq!(
            text,
            "5A Application Primary Account Number (PAN) [5] **********\n\
             99 Transaction Personal Identification Number (PIN) Data [4] <masked>\n"
        );
    }

    #[test]
    fn text_hex_nesting_and_unknown_tags() {
        let bytes = hex::decode("6109500350524F9F7F0101").unwrap();
        let text = Tlvs::parse(&bytes).unwrap().describe().to_string();
        assert_eq!(
            text,
            "61 Application Template [9]\n  50 Application Label [3] \"PRO\"\n  9F7F [1] 01\n"
        );
    }
}
