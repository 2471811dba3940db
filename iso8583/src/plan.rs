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

use crate::field::chars;
use crate::field::rule::{Code, Op, Plan, PrefixKind, SLOTS, Shape};
use crate::spec::{
    Align, Content, Counts, Encoding, FieldSpec, Length, MAX_FIELD, PrefixEncoding, Subfields,
};

const _: () = assert!(SLOTS == MAX_FIELD as usize + 1);

/// What a unit is on the wire (how [`Op::of`] decides a field's shape).
mod kind {
    /// One wire byte a unit (ASCII text, binary bytes).
    pub(crate) const PLAIN: u8 = 1;
    /// Two hex characters a unit.
    pub(crate) const HEX: u8 = 2;
    /// Two BCD digits a byte.
    pub(crate) const BCD: u8 = 3;
}

impl Op {
    /// The rule for `field`, or [`Op::GENERAL`] when the fast reader does not cover its shape.
    pub(crate) const fn of(field: &FieldSpec<'_>) -> Self {
        if !matches!(field.subfields, Subfields::None) {
            return Self::GENERAL;
        }
        let (kind, class, bcd) = match field.encoding {
            Encoding::Ascii | Encoding::Binary => {
                let class = match field.content {
                    Content::B => 0,
                    Content::N => chars::C_N,
                    Content::A => chars::C_A,
                    Content::An => chars::C_AN,
                    Content::Ans => chars::C_ANS,
                    Content::Z => chars::C_Z,
                    Content::XN => return Self::GENERAL,
                };
                (kind::PLAIN, class, 0)
            }
            Encoding::HexText => (kind::HEX, chars::C_HEX, 0),
            Encoding::SignBcd { .. } => return Self::GENERAL,
            Encoding::Bcd { align, pad } => {
                let class = match field.content {
                    Content::N => chars::C_BCD_N,
                    Content::Z => chars::C_BCD_Z,
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
        let (shape, prefix, prefix_len, min, max) = match field.length {
            Length::Fixed(n) => {
                let shape = if kind == kind::BCD && n % 2 == 1 {
                    Shape::FixedOdd
                } else if class == 0 {
                    Shape::FixedRaw
                } else {
                    Shape::Fixed
                };
                (shape, PrefixKind::None, 0, n, n)
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
                // At most 4 bytes.
                let len = prefix.wire_len() as u8;
                let kind = match prefix.encoding {
                    PrefixEncoding::Ascii => PrefixKind::Ascii,
                    PrefixEncoding::Binary => PrefixKind::Binary,
                    PrefixEncoding::Bcd if prefix.digits % 2 == 1 => PrefixKind::BcdOdd,
                    PrefixEncoding::Bcd => PrefixKind::Bcd,
                    _ => return Self::GENERAL,
                };
                (Shape::Var, kind, len, min, max)
            }
        };
        // The wire length of a fixed field; a fixed hex field longer than a u16 keeps the
        // general reader.
        let wire = match shape {
            Shape::Var => 0,
            _ => field.encoding.wire_len(min as usize),
        };
        if wire > u16::MAX as usize {
            return Self::GENERAL;
        }
        Self {
            shape,
            prefix,
            prefix_len,
            class,
            bcd,
            min,
            max,
            wire: wire as u16,
            enc: Code::of(field.encoding),
        }
    }
}

impl Plan {
    /// Compiles `fields` (a spec's table). `const`, so a `static` spec's plan is built by the
    /// compiler and sits in flash next to it. Without the `plan` feature the plan is empty
    /// (and takes no space): the parser reads every field from its definition.
    #[cfg(feature = "plan")]
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
}

#[cfg(not(feature = "plan"))]
impl Plan {
    /// Compiles `fields` (a spec's table) — with the `plan` feature; without it the plan is
    /// empty (and takes no space): the parser reads every field from its definition.
    pub const fn compile(_fields: &[FieldSpec<'_>]) -> Self {
        Self {}
    }
}
