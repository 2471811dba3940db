//! ISO 8583 content classes ([`Content`], re-exported as `spec::Content`): which characters a
//! field may hold, checked with the character tables of `field::chars`.

use crate::field::chars;

/// What characters a field may hold (ISO 8583 content classes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Content {
    /// `n`: digits.
    N,
    /// `a`: letters and space.
    A,
    /// `an`: letters, digits and space.
    An,
    /// `ans`: any printable character. Bytes 0x80–0xFF are accepted too, because networks carry
    /// national text (GBK, Latin-1) in `ans` fields; only control characters are refused.
    Ans,
    /// `z`: track 2/3 code set — digits and the separator (`=` or `D`).
    Z,
    /// `x+n`: `C` (credit) or `D` (debit) followed by digits.
    XN,
    /// `b`: binary data.
    B,
}

impl Content {
    /// Whether byte `c` may appear in this content class (as a decoded character).
    pub const fn allows(self, c: u8) -> bool {
        match self {
            Self::N => chars::is_n(c),
            Self::A => chars::is_a(c),
            Self::An => chars::is_an(c),
            Self::Ans => chars::is_ans(c),
            Self::Z => chars::is_z(c),
            Self::XN => chars::is_xn(c),
            Self::B => true,
        }
    }

    /// Checks a whole decoded value; `C`/`D` only in the first place for `x+n`.
    /// Returns the index of the first character not allowed. One loop per class, so the class
    /// test is not repeated for every character.
    #[inline]
    pub(crate) fn check(
        self,
        mut value: impl Iterator<Item = u8>,
    ) -> core::result::Result<(), usize> {
        let bad = match self {
            Self::B => None,
            Self::N => value.position(|c| !chars::is_n(c)),
            Self::A => value.position(|c| !chars::is_a(c)),
            Self::An => value.position(|c| !chars::is_an(c)),
            Self::Ans => value.position(|c| !chars::is_ans(c)),
            Self::Z => value.position(|c| !chars::is_z(c)),
            Self::XN => match value.next() {
                None => None,
                Some(b'C' | b'D') => value
                    .position(|c| !chars::is_n(c))
                    .map(|i| i.saturating_add(1)),
                Some(_) => Some(0),
            },
        };
        bad.map_or(Ok(()), Err)
    }

    /// True for `b`.
    pub const fn is_binary(self) -> bool {
        matches!(self, Self::B)
    }
}
