//! Findings: what validation reports about a payload — severity, path and kind — as opposed to
//! the errors that stop a parse.

use core::fmt;

use crate::path::Path;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The payload breaks a rule of the specification.
    Error,
    /// Allowed, but likely to trouble wallets (or outside the specification's "should").
    Warning,
}

/// What a finding is about. Numbers only: messages never quote payload contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IssueKind {
    /// The CRC does not match.
    CrcMismatch {
        /// Computed over the payload.
        computed: u16,
        /// Carried by the payload.
        found: u16,
    },
    /// 00 is not the first object.
    FormatIndicatorNotFirst,
    /// 00 is not `01`.
    FormatIndicatorValue,
    /// A mandatory object is absent.
    Missing,
    /// No merchant account information (02–51).
    NoMerchantAccount,
    /// An ID appears twice at one level.
    Duplicate,
    /// A character outside the object's format (N: digits; ans: printable ASCII), at `index`.
    Format {
        /// Position of the character.
        index: usize,
    },
    /// Length outside the allowed range (in characters).
    Length {
        /// Found.
        length: usize,
        /// Allowed minimum.
        min: usize,
        /// Allowed maximum.
        max: usize,
    },
    /// A value outside its allowed set (01 not 11/12, 55 not 01–03, 62/09 letters).
    Value,
    /// An amount that is not digits with at most one `.`, or is zero.
    Amount,
    /// More decimals than the currency has.
    Decimals {
        /// Decimals written.
        found: usize,
        /// The currency's exponent.
        allowed: usize,
    },
    /// 56 or 57 present without 55 calling for it, or 55 calling for one that is absent.
    TipRule,
    /// A template without its GUID (sub-ID 00).
    MissingGuid,
    /// A template whose value is not a list of objects.
    Malformed,
    /// The payload is longer than the 512 characters the specification recommends.
    TooLong {
        /// Characters.
        length: usize,
    },
}

impl fmt::Display for IssueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::CrcMismatch { computed, found } => {
                write!(
                    f,
                    "CRC mismatch: computed {computed:04X}, payload carries {found:04X}"
                )
            }
            Self::FormatIndicatorNotFirst => {
                f.write_str("payload format indicator (00) is not the first object")
            }
            Self::FormatIndicatorValue => f.write_str("payload format indicator is not 01"),
            Self::Missing => f.write_str("mandatory object missing"),
            Self::NoMerchantAccount => f.write_str("no merchant account information (02-51)"),
            Self::Duplicate => f.write_str("ID appears more than once"),
            Self::Format { index } => write!(f, "character {index} not allowed by the format"),
            Self::Length { length, min, max } => {
                write!(f, "length {length} outside {min}..{max}")
            }
            Self::Value => f.write_str("value not allowed"),
            Self::Amount => f.write_str("amount must be non-zero digits with at most one '.'"),
            Self::Decimals { found, allowed } => {
                write!(f, "{found} decimals, the currency has {allowed}")
            }
            Self::TipRule => f.write_str("tip or convenience fee inconsistent with 55"),
            Self::MissingGuid => f.write_str("template has no globally unique identifier (00)"),
            Self::Malformed => f.write_str("template value is not a list of objects"),
            Self::TooLong { length } => write!(f, "payload of {length} characters exceeds 512"),
        }
    }
}

/// One finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Issue {
    /// How serious.
    pub severity: Severity,
    /// Which object (`62.05`).
    pub path: Path,
    /// What.
    pub kind: IssueKind,
}

/// An error finding.
pub(crate) const fn error(path: Path, kind: IssueKind) -> Issue {
    Issue {
        severity: Severity::Error,
        path,
        kind,
    }
}

/// A warning finding.
pub(crate) const fn warning(path: Path, kind: IssueKind) -> Issue {
    Issue {
        severity: Severity::Warning,
        path,
        kind,
    }
}
