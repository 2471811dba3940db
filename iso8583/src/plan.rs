//! A spec's field table compiled, once, into one small reading rule per field number.
//!
//! Reading a field from its [`FieldSpec`] means deciding, for every field of every message, the
//! same things again: which length rule, which prefix encoding, what a unit is on the wire, which
//! character check. A [`Plan`] decides them when the spec is made (at compile time for a
//! `static` spec, at load time for a run-time one) and keeps the answer in twelve bytes per
//! field, indexed by field number. The parser then does one table load and one small branch per
//! field. Fields whose shape the plan does not cover (subfields, EBCDIC, `x+n`, prefixes
//! counting BCD or hex-text bytes) keep the general reader; the plan says so and nothing else
//! changes. A spec without a plan reads every field the general way, with the same results.

use core::fmt;

use crate::codec;
use crate::spec::{
    Align, Content, Counts, Encoding, FieldSpec, Length, MAX_FIELD, PrefixEncoding, Subfields,
};

const SLOTS: usize = MAX_FIELD as usize + 1;

/// How a field is read: the branch the reader takes.
pub(crate) mod shape {
    /// With the general reader (no definition, or a shape the plan does not cover).
    pub(crate) const GENERAL: u8 = 0;
    /// Fixed length, every wire byte with the class bit.
    pub(crate) const FIXED: u8 = 1;
    /// Fixed length, any bytes (binary content).
    pub(crate) const FIXED_RAW: u8 = 2;
    /// Fixed odd number of BCD digits: the pad nibble checked, then every byte's class bit.
    pub(crate) const FIXED_ODD: u8 = 3;
    /// A length prefix, then units of the field's encoding ([`Op::enc`](super::Op::enc)).
    pub(crate) const VAR: u8 = 4;
}

/// What a unit is on the wire (how [`Op::of`] decides a field's shape).
mod kind {
    /// One wire byte a unit (ASCII text, binary bytes).
    pub(crate) const PLAIN: u8 = 1;
    /// Two hex characters a unit.
    pub(crate) const HEX: u8 = 2;
    /// Two BCD digits a byte.
    pub(crate) const BCD: u8 = 3;
}

/// Prefix codes: the encoding in the high nibble, the wire length in the low three bits, and
/// for BCD the "odd digit count" flag (the leading nibble must be 0).
pub(crate) mod prefix {
    pub(crate) const NONE: u8 = 0;
    pub(crate) const ASCII: u8 = 0x10;
    pub(crate) const BCD: u8 = 0x20;
    pub(crate) const BINARY: u8 = 0x30;
    pub(crate) const BCD_ODD: u8 = 0x08;
    pub(crate) const LEN: u8 = 0x07;
}

/// One field's reading rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Op {
    /// One of [`shape`].
    pub(crate) shape: u8,
    /// One of the [`prefix`] codes.
    pub(crate) prefix: u8,
    /// The class bit every wire byte must have (see `codec::CLASS`); 0 checks nothing.
    pub(crate) class: u8,
    /// BCD: the pad nibble in the high nibble, 1 in bit 0 for left-aligned digits.
    pub(crate) bcd: u8,
    /// Fewest units (the length, for a fixed field).
    pub(crate) min: u16,
    /// Most units.
    pub(crate) max: u16,
    /// Bytes on the wire, for a fixed length.
    pub(crate) wire: u16,
    /// The encoding's code (`codec::enc`): what a message's index records for the field, and
    /// what a unit is on the wire for [`shape::VAR`].
    pub(crate) enc: u8,
}

impl Op {
    /// "Use the general reader".
    pub(crate) const GENERAL: Self = Self {
        shape: shape::GENERAL,
        prefix: prefix::NONE,
        class: 0,
        bcd: 0,
        min: 0,
        max: 0,
        wire: 0,
        enc: codec::enc::NONE,
    };

    /// The rule for `field`, or [`Op::GENERAL`] when the fast reader does not cover its shape.
    const fn of(field: &FieldSpec<'_>) -> Self {
        if !matches!(field.subfields, Subfields::None) {
            return Self::GENERAL;
        }
        let (kind, class, bcd) = match field.encoding {
            Encoding::Ascii | Encoding::Binary => {
                let class = match field.content {
                    Content::B => 0,
                    Content::N => codec::C_N,
                    Content::A => codec::C_A,
                    Content::An => codec::C_AN,
                    Content::Ans => codec::C_ANS,
                    Content::Z => codec::C_Z,
                    Content::XN => return Self::GENERAL,
                };
                (kind::PLAIN, class, 0)
            }
            Encoding::HexText => (kind::HEX, codec::C_HEX, 0),
            Encoding::Bcd { align, pad } => {
                let class = match field.content {
                    Content::N => codec::C_BCD_N,
                    Content::Z => codec::C_BCD_Z,
                    _ => return Self::GENERAL,
                };
                if pad > 0x0F {
                    return Self::GENERAL;
                }
                let left = match align {
                    Align::Left => 1,
                    Align::Right => 0,
                };
                (kind::BCD, class, (pad << 4) | left)
            }
            Encoding::Ebcdic(_) => return Self::GENERAL,
        };
        let (shape, prefix, min, max) = match field.length {
            Length::Fixed(n) => {
                let shape = if kind == kind::BCD && n % 2 == 1 {
                    shape::FIXED_ODD
                } else if class == 0 {
                    shape::FIXED_RAW
                } else {
                    shape::FIXED
                };
                (shape, prefix::NONE, n, n)
            }
            Length::Var { prefix, min, max } => {
                let counts_units = match prefix.counts {
                    Counts::Units => true,
                    // Bytes and units are the same thing for one-byte units.
                    Counts::Bytes => kind == kind::PLAIN,
                };
                if !counts_units || prefix.digits == 0 || prefix.digits > 4 {
                    return Self::GENERAL;
                }
                // At most 4: fits the three length bits.
                let len = prefix.wire_len() as u8;
                let code = match prefix.encoding {
                    PrefixEncoding::Ascii => self::prefix::ASCII | len,
                    PrefixEncoding::Binary => self::prefix::BINARY | len,
                    PrefixEncoding::Bcd if prefix.digits % 2 == 1 => {
                        self::prefix::BCD | self::prefix::BCD_ODD | len
                    }
                    PrefixEncoding::Bcd => self::prefix::BCD | len,
                    PrefixEncoding::Ebcdic => return Self::GENERAL,
                };
                (shape::VAR, code, min, max)
            }
        };
        // The wire length of a fixed field; a fixed hex field longer than a u16 keeps the
        // general reader.
        let wire = match shape {
            shape::VAR => 0,
            _ => field.encoding.wire_len(min as usize),
        };
        if wire > u16::MAX as usize {
            return Self::GENERAL;
        }
        Self {
            shape,
            prefix,
            class,
            bcd,
            min,
            max,
            wire: wire as u16,
            enc: codec::enc::code(field.encoding),
        }
    }
}

/// A spec's fields compiled into one reading rule per field number (see the module docs).
///
/// Make it with [`Plan::compile`] from the same field table the spec holds, and put it in
/// [`Spec::plan`](crate::Spec::plan); [`Spec::validate`](crate::Spec::validate) checks that the
/// two agree. Per-MTI overrides are not compiled: a field overridden for a message's type is
/// read the general way.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Plan {
    ops: [Op; SLOTS],
}

impl Plan {
    /// Compiles `fields` (a spec's table). `const`, so a `static` spec's plan is built by the
    /// compiler and sits in flash next to it.
    pub const fn compile(fields: &[FieldSpec<'_>]) -> Self {
        let mut ops = [Op::GENERAL; SLOTS];
        let mut rest = fields;
        while let [field, tail @ ..] = rest {
            let slot = field.number as usize;
            if slot < SLOTS {
                #[allow(
                    clippy::indexing_slicing,
                    reason = "slot < SLOTS, checked on the line above"
                )]
                {
                    ops[slot] = Op::of(field);
                }
            }
            rest = tail;
        }
        Self { ops }
    }

    /// The rule for field `number` ([`Op::GENERAL`] past the table).
    #[inline]
    pub(crate) fn op(&self, number: u8) -> &Op {
        self.ops.get(usize::from(number)).unwrap_or(&Op::GENERAL)
    }

    /// How many field numbers the fast reader handles.
    pub fn fast_fields(&self) -> usize {
        self.ops
            .iter()
            .filter(|op| op.shape != shape::GENERAL)
            .count()
    }
}

impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("fast_fields", &self.fast_fields())
            .finish()
    }
}
