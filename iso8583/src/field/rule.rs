//! A field's reading rule ([`Op`]) and a spec's table of them ([`Plan`]): the data the planned
//! reader (`read::read_op`) dispatches on. A leaf: compiling a rule from a field's definition is
//! `crate::plan`'s job, so that the spec types can name a [`Plan`] without depending on it.

use core::fmt;

/// One slot per field number 0–192 (`spec::MAX_FIELD` + 1; `crate::plan` checks the two agree).
pub(crate) const SLOTS: usize = 193;

/// How a field is read: the branch the planned reader takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum Shape {
    /// With the general reader (no definition, or a shape the plan does not cover).
    General,
    /// Fixed length, every wire byte with the class bit.
    Fixed,
    /// Fixed length, any bytes (binary content).
    FixedRaw,
    /// Fixed odd number of BCD digits: the pad nibble checked, then every byte's class bit.
    FixedOdd,
    /// A length prefix, then units of the field's encoding ([`Op::enc`]).
    Var,
}

/// How a [`Shape::Var`] field's length prefix is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum PrefixKind {
    /// No prefix (a fixed field).
    None,
    /// ASCII decimal digits.
    Ascii,
    /// Packed BCD, an even number of digits.
    Bcd,
    /// Packed BCD, an odd number of digits: the leading nibble must be 0.
    BcdOdd,
    /// A big-endian binary number.
    Binary,
}

/// An encoding as one byte: a present field's slot in a message's index keeps the code of the
/// encoding its value was read with, so that reading the value back needs no look-up in the
/// spec's table. BCD with a pad nibble other than 0 or F (which `Spec::validate` refuses) has
/// no code. Conversions to and from `spec::Encoding` are in `field::enc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum Code {
    /// ASCII text.
    Ascii,
    /// Binary bytes.
    Binary,
    /// Binary bytes as hex text.
    Hex,
    /// BCD, right-aligned, pad 0.
    BcdRight0,
    /// BCD, right-aligned, pad F.
    BcdRightF,
    /// BCD, left-aligned, pad 0.
    BcdLeft0,
    /// BCD, left-aligned, pad F.
    BcdLeftF,
    /// EBCDIC, code page 037.
    Ebcdic037,
    /// EBCDIC, code page 500.
    Ebcdic500,
    /// EBCDIC, code page 1047.
    Ebcdic1047,
}

impl Code {
    /// The code whose discriminant is `b`.
    #[cfg_attr(not(feature = "compact-index"), allow(dead_code))]
    #[inline(always)]
    pub(crate) const fn from_u8(b: u8) -> Option<Self> {
        Some(match b {
            0 => Self::Ascii,
            1 => Self::Binary,
            2 => Self::Hex,
            3 => Self::BcdRight0,
            4 => Self::BcdRightF,
            5 => Self::BcdLeft0,
            6 => Self::BcdLeftF,
            7 => Self::Ebcdic037,
            8 => Self::Ebcdic500,
            9 => Self::Ebcdic1047,
            _ => return None,
        })
    }

    /// True for the four BCD codes.
    #[inline(always)]
    pub(crate) const fn is_bcd(self) -> bool {
        matches!(
            self,
            Self::BcdRight0 | Self::BcdRightF | Self::BcdLeft0 | Self::BcdLeftF
        )
    }
}

/// One field's reading rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Op {
    /// Which branch reads it.
    pub(crate) shape: Shape,
    /// Its length prefix's encoding ([`Shape::Var`]).
    pub(crate) prefix: PrefixKind,
    /// Its length prefix's bytes on the wire (1–4).
    pub(crate) prefix_len: u8,
    /// The class bit every wire byte must have (see `field::chars::CLASS`); 0 checks nothing.
    pub(crate) class: u8,
    /// BCD: the pad nibble in the high nibble, 1 in bit 0 for left-aligned digits.
    pub(crate) bcd: u8,
    /// Fewest units (the length, for a fixed field).
    pub(crate) min: u16,
    /// Most units.
    pub(crate) max: u16,
    /// Bytes on the wire, for a fixed length.
    pub(crate) wire: u16,
    /// The encoding's code: what a message's index records for the field, and what a unit is
    /// on the wire for [`Shape::Var`].
    pub(crate) enc: Option<Code>,
}

impl Op {
    /// "Use the general reader".
    pub(crate) const GENERAL: Self = Self {
        shape: Shape::General,
        prefix: PrefixKind::None,
        prefix_len: 0,
        class: 0,
        bcd: 0,
        min: 0,
        max: 0,
        wire: 0,
        enc: None,
    };
}

/// A spec's fields compiled into one reading rule per field number.
///
/// Make it with [`Plan::compile`] from the same field table the spec holds, and put it in
/// [`Spec::plan`](crate::Spec::plan); [`Spec::validate`](crate::Spec::validate) checks that the
/// two agree. Per-MTI overrides are not compiled: a field overridden for a message's type is
/// read the general way.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Plan {
    #[cfg(feature = "plan")]
    pub(crate) ops: [Op; SLOTS],
}

impl Plan {
    /// The rule for field `number` ([`Op::GENERAL`] past the table).
    #[inline]
    pub(crate) fn op(&self, number: u8) -> &Op {
        #[cfg(feature = "plan")]
        return self.ops.get(usize::from(number)).unwrap_or(&Op::GENERAL);
        #[cfg(not(feature = "plan"))]
        {
            let _ = number;
            &Op::GENERAL
        }
    }

    /// How many field numbers the fast reader handles.
    pub fn fast_fields(&self) -> usize {
        #[cfg(feature = "plan")]
        return self
            .ops
            .iter()
            .filter(|op| op.shape != Shape::General)
            .count();
        #[cfg(not(feature = "plan"))]
        0
    }
}

impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("fast_fields", &self.fast_fields())
            .finish()
    }
}
