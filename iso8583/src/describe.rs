//! A human field table of a message, masked by each field's sensitivity.

use core::fmt::{self, Write as _};

use paywire_emv_tlv::mask::{Form, Masked};

use crate::parse::{FieldIndex, MessageRef, Slots};
use crate::spec::{Content, Sensitivity};

/// Prints a message as a table: field number, name, length and value.
///
/// ```text
///   0  Message type indicator                              0200
///   2  Primary account number (PAN)                   16   476173******0010
///   4  Amount, transaction                            12   000000001000
/// ```
///
/// Text prints as characters (non-printable bytes as `\xNN`), binary fields as uppercase hex.
/// PAN fields show the first 6 and last 4 digits, track data the masked PAN and nothing after
/// the separator, PIN blocks, keys and CVV-bearing fields (ICC data) print as `<masked>` —
/// unless [`Describe::unmasked`] is used.
#[derive(Clone, Copy, Debug)]
pub struct Describe<'m, 'a, 's, I = FieldIndex> {
    message: &'m MessageRef<'a, 's, I>,
    mask: bool,
}

impl<'m, 'a, 's, I> Describe<'m, 'a, 's, I> {
    /// A masked table of `message`.
    pub const fn new(message: &'m MessageRef<'a, 's, I>) -> Self {
        Self {
            message,
            mask: true,
        }
    }

    /// The same table with every value in clear.
    #[must_use]
    pub const fn unmasked(self) -> Self {
        Self {
            mask: false,
            ..self
        }
    }
}

impl<'a, 's, I: Slots> MessageRef<'a, 's, I> {
    /// The masked field table of this message (see [`Describe`]).
    ///
    /// ```
    /// use paywire_iso8583::{MessageRef, builtin::ISO87ASCII};
    /// let m = MessageRef::parse(&ISO87ASCII, b"02007000000000000000164761739001010010000000000000001000")?;
    /// let table = m.describe().to_string();
    /// let pan_line = table.lines().find(|l| l.trim_start().starts_with("2 ")).unwrap();
    /// assert!(pan_line.ends_with("476173******0010"));
    /// # Ok::<(), paywire_iso8583::Error>(())
    /// ```
    pub const fn describe(&self) -> Describe<'_, 'a, 's, I> {
        Describe::new(self)
    }
}

impl<I: Slots> fmt::Display for Describe<'_, '_, '_, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.message;
        writeln!(
            f,
            "{:>3}  {:<48} {:>4}   {}",
            0,
            "Message type indicator",
            "",
            m.mti()
        )?;
        write!(f, "{:>3}  {:<48} {:>4}   ", 1, "Bitmap", "")?;
        for (i, n) in m.bitmap().fields().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            write!(f, "{n}")?;
        }
        f.write_char('\n')?;
        for field in m.fields() {
            let spec = field.spec();
            let value = field.value();
            write!(
                f,
                "{:>3}  {:<48} {:>4}   ",
                spec.number,
                spec.name,
                value.len()
            )?;
            let sensitivity = if self.mask {
                spec.sensitivity
            } else {
                Sensitivity::Public
            };
            let form = match spec.content {
                Content::B => Form::Hex,
                _ => Form::Text,
            };
            write!(
                f,
                "{}",
                Masked::new(sensitivity, value.iter()).public_as(form)
            )?;
            f.write_char('\n')?;
            if sensitivity == Sensitivity::Public {
                for sub in field.subfields() {
                    match sub.id {
                        crate::SubfieldId::Position(i) => write!(f, "{:>5}.{i:<2} ", "")?,
                        crate::SubfieldId::Tag(tag) => {
                            f.write_str("     ")?;
                            tag.iter().try_for_each(|&c| f.write_char(char::from(c)))?;
                            f.write_str("  ")?;
                        }
                    }
                    write!(
                        f,
                        "{:<44} {:>4}   ",
                        sub.name.unwrap_or(""),
                        sub.value.len()
                    )?;
                    writeln!(f, "{}", Masked::new(Sensitivity::Public, sub.value.iter()))?;
                }
            }
        }
        Ok(())
    }
}
