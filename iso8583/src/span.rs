//! A field's slot in a [`FieldIndex`](crate::FieldIndex): where its value sits, its length in
//! units and the code of the encoding it was read with — everything reading a field back needs,
//! so that it is loads and no look-ups.
//!
//! Eight bytes by default (one load on a 64-bit host: reading every field of a message back is
//! fastest so). With the `compact-index` feature five: the length follows from the wire length
//! and the encoding, so that an index for fields up to 64 is 325 bytes instead of 520 and a
//! firmware keeps a parsed message with its index inside on a 1 KiB stack; reading fields back
//! is then 10–20 % slower on a host (benches/README.md). The two agree on every value (the
//! crate's tests run with each).

use crate::field::rule::Code;
use crate::spec::Encoding;

/// A present field's slot (eight bytes: start, end, units, code).
///
/// Public but unnameable outside the crate (its module is private): it appears in
/// [`Slots`](crate::Slots) only, which no other crate can implement.
#[cfg(not(feature = "compact-index"))]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Span {
    start: u16,
    end: u16,
    units: u16,
    /// The encoding's code; `None` for a BCD pad other than 0 or F (the spec has it).
    enc: Option<Code>,
    /// Always zero: fills the slot to eight bytes, so that an index is cleared and copied as
    /// plain memory.
    _reserved: u8,
}

#[cfg(not(feature = "compact-index"))]
#[allow(
    clippy::cast_possible_truncation,
    reason = "offsets past u16::MAX are cut: the parser refuses such a message, spans and all"
)]
impl Span {
    /// All zero bytes (`Some(Code::Ascii)` is 0; `None` is not), so that clearing an index is a
    /// plain memset.
    pub(crate) const EMPTY: Self = Self {
        start: 0,
        end: 0,
        units: 0,
        enc: Some(Code::Ascii),
        _reserved: 0,
    };

    #[inline(always)]
    pub(crate) const fn new(start: usize, end: usize, units: usize, enc: Option<Code>) -> Self {
        Self {
            start: start as u16,
            end: end as u16,
            units: units as u16,
            enc,
            _reserved: 0,
        }
    }

    /// The value's length in units.
    #[inline(always)]
    pub(crate) const fn units(&self) -> usize {
        self.units as usize
    }

    /// The encoding this field was read with, when it has a code.
    #[inline(always)]
    pub(crate) fn encoding(&self) -> Option<Encoding> {
        self.enc.map(Code::encoding)
    }
}

#[cfg(not(feature = "compact-index"))]
const _: () = assert!(core::mem::size_of::<Span>() == 8);

/// A present field's slot (five bytes: start, end, and the code with how the length in units
/// follows from the wire length).
///
/// Public but unnameable outside the crate (its module is private): it appears in
/// [`Slots`](crate::Slots) only, which no other crate can implement.
#[cfg(feature = "compact-index")]
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(C, packed)]
pub struct Span {
    start: u16,
    end: u16,
    /// The encoding's code (low four bits; [`Span::NO_CODE`] for a BCD pad other than 0 or F,
    /// whose encoding the spec has) and [`Span::ODD`] for an odd number of BCD digits.
    code: u8,
}

#[cfg(feature = "compact-index")]
#[allow(
    clippy::cast_possible_truncation,
    reason = "offsets past u16::MAX are cut: the parser refuses such a message, spans and all"
)]
impl Span {
    /// No code: the field's encoding is looked up in the spec (always BCD).
    const NO_CODE: u8 = 0x0F;
    /// An odd number of BCD digits: one less than two a byte.
    const ODD: u8 = 0x80;

    /// All zero bytes, so that clearing an index is a plain memset.
    pub(crate) const EMPTY: Self = Self {
        start: 0,
        end: 0,
        code: 0,
    };

    #[inline(always)]
    pub(crate) const fn new(start: usize, end: usize, units: usize, enc: Option<Code>) -> Self {
        let code = match enc {
            Some(c) => c as u8,
            None => Self::NO_CODE,
        };
        let odd = if units % 2 == 1 { Self::ODD } else { 0 };
        Self {
            start: start as u16,
            end: end as u16,
            code: code | odd,
        }
    }

    /// The encoding's code, when the span has one.
    #[inline(always)]
    const fn code(&self) -> Option<Code> {
        Code::from_u8(self.code & 0x0F)
    }

    /// The value's length in units: wire bytes, two digits a BCD byte (less a pad nibble), a
    /// byte per two hex characters.
    #[inline(always)]
    pub(crate) fn units(&self) -> usize {
        let wire = self.end().saturating_sub(self.start());
        match self.code() {
            Some(Code::Hex) => wire / 2,
            Some(code) if !code.is_bcd() => wire,
            // BCD, with a code or (a pad other than 0 or F) without.
            _ => wire
                .saturating_mul(2)
                .saturating_sub(usize::from(self.code & Self::ODD != 0)),
        }
    }

    /// The encoding this field was read with, when it has a code.
    #[inline(always)]
    pub(crate) fn encoding(&self) -> Option<Encoding> {
        self.code().map(Code::encoding)
    }
}

#[cfg(feature = "compact-index")]
const _: () = assert!(core::mem::size_of::<Span>() == 5);

impl Span {
    /// Where the value starts.
    #[inline(always)]
    pub(crate) const fn start(&self) -> usize {
        self.start as usize
    }

    /// Where the value ends.
    #[inline(always)]
    pub(crate) const fn end(&self) -> usize {
        self.end as usize
    }
}

impl Default for Span {
    fn default() -> Self {
        Self::EMPTY
    }
}
