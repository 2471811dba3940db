//! The encoding codes of [`Code`] to and from the spec's [`Encoding`].

use super::rule::Code;
use crate::spec::{Align, CodePage, Encoding};

impl Code {
    /// The code of `encoding`; `None` for BCD with a pad other than 0 or F and for
    /// [`Encoding::SignBcd`].
    pub(crate) const fn of(encoding: Encoding) -> Option<Self> {
        Some(match encoding {
            Encoding::Ascii => Self::Ascii,
            Encoding::Binary => Self::Binary,
            Encoding::HexText => Self::Hex,
            Encoding::Bcd { align, pad } => match (align, pad) {
                (Align::Right, 0) => Self::BcdRight0,
                (Align::Right, 0xF) => Self::BcdRightF,
                (Align::Left, 0) => Self::BcdLeft0,
                (Align::Left, 0xF) => Self::BcdLeftF,
                _ => return None,
            },
            Encoding::Ebcdic(CodePage::Cp037) => Self::Ebcdic037,
            Encoding::Ebcdic(CodePage::Cp500) => Self::Ebcdic500,
            Encoding::Ebcdic(CodePage::Cp1047) => Self::Ebcdic1047,
            // Rare (`x+n` amounts): read back through the spec's definition.
            Encoding::SignBcd { .. } => return None,
        })
    }

    /// The encoding the code stands for.
    pub(crate) const fn encoding(self) -> Encoding {
        match self {
            Self::Ascii => Encoding::Ascii,
            Self::Binary => Encoding::Binary,
            Self::Hex => Encoding::HexText,
            Self::BcdRight0 => Encoding::Bcd {
                align: Align::Right,
                pad: 0,
            },
            Self::BcdRightF => Encoding::Bcd {
                align: Align::Right,
                pad: 0xF,
            },
            Self::BcdLeft0 => Encoding::Bcd {
                align: Align::Left,
                pad: 0,
            },
            Self::BcdLeftF => Encoding::Bcd {
                align: Align::Left,
                pad: 0xF,
            },
            Self::Ebcdic037 => Encoding::Ebcdic(CodePage::Cp037),
            Self::Ebcdic500 => Encoding::Ebcdic(CodePage::Cp500),
            Self::Ebcdic1047 => Encoding::Ebcdic(CodePage::Cp1047),
        }
    }
}
