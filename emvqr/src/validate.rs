//! Validation against the EMVCo MPM rules: every finding with a severity and a path.

use core::fmt;

use crate::mpm::{ObjectRef, PayloadRef, objects_in};
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

#[derive(Clone, Copy)]
enum Format {
    /// Digits.
    N,
    /// Printable ASCII 0x20–0x7E.
    Ans,
    /// Any Unicode.
    S,
}

/// Format and length limits of a top-level ID ([MPM] Table 3.6).
fn root_rule(id: u8) -> (Format, usize, usize) {
    match id {
        0 | 1 => (Format::N, 2, 2),
        2..=51 => (Format::Ans, 1, 99),
        52 => (Format::N, 4, 4),
        53 => (Format::N, 3, 3),
        54 | 56 => (Format::Ans, 1, 13),
        55 => (Format::N, 2, 2),
        57 => (Format::Ans, 1, 5),
        58 => (Format::Ans, 2, 2),
        59 => (Format::Ans, 1, 25),
        60 => (Format::Ans, 1, 15),
        61 => (Format::Ans, 1, 10),
        63 => (Format::Ans, 4, 4),
        _ => (Format::S, 1, 99),
    }
}

/// Format and length limits inside template `parent`.
fn nested_rule(parent: u8, id: u8) -> (Format, usize, usize) {
    match (parent, id) {
        (26..=51 | 80..=99, 0) => (Format::Ans, 1, 32),
        (26..=51, _) => (Format::Ans, 1, 99),
        (62, 1..=8) => (Format::Ans, 1, 25),
        (62, 9) => (Format::Ans, 1, 3),
        (62, 10..=49) => (Format::Ans, 1, 99),
        (64, 0) => (Format::Ans, 2, 2),
        (64, 1) => (Format::S, 1, 25),
        (64, 2) => (Format::S, 1, 15),
        _ => (Format::S, 1, 99),
    }
}

fn check_format(
    object: &ObjectRef<'_>,
    rule: (Format, usize, usize),
    emit: &mut impl FnMut(Issue),
) {
    let (format, min, max) = rule;
    let path = object.path();
    let length = object.len();
    if length < min || length > max {
        emit(error(path, IssueKind::Length { length, min, max }));
    }
    let bad = match format {
        Format::N => object.value().chars().position(|c| !c.is_ascii_digit()),
        Format::Ans => object
            .value()
            .chars()
            .position(|c| !(' '..='~').contains(&c)),
        Format::S => None,
    };
    if let Some(index) = bad {
        emit(error(path, IssueKind::Format { index }));
    }
}

const fn error(path: Path, kind: IssueKind) -> Issue {
    Issue {
        severity: Severity::Error,
        path,
        kind,
    }
}

const fn warning(path: Path, kind: IssueKind) -> Issue {
    Issue {
        severity: Severity::Warning,
        path,
        kind,
    }
}

/// ISO 4217 minor units for the currencies that do not use 2 (numeric code → exponent).
fn currency_exponent(code: &str) -> usize {
    match code {
        "108" | "152" | "174" | "262" | "324" | "352" | "392" | "410" | "548" | "600" | "646"
        | "704" | "800" | "950" | "952" | "953" => 0,
        "048" | "368" | "400" | "414" | "434" | "512" | "788" => 3,
        _ => 2,
    }
}

/// Decimals of an amount written as digits with at most one `.`; `None` if malformed or zero.
fn amount_decimals(text: &str) -> Option<usize> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let nonzero = text.bytes().any(|b| (b'1'..=b'9').contains(&b));
    (!text.is_empty()
        && digits(whole)
        && digits(fraction)
        && nonzero
        && text.len() > usize::from(text.starts_with('.')))
    .then_some(fraction.len())
}

fn check_duplicates<'a>(
    objects: impl Iterator<Item = ObjectRef<'a>> + Clone,
    emit: &mut impl FnMut(Issue),
) {
    let mut seen = [false; 100];
    for o in objects {
        if let Some(slot) = seen.get_mut(usize::from(o.id())) {
            if *slot {
                emit(error(o.path(), IssueKind::Duplicate));
            }
            *slot = true;
        }
    }
}

/// Runs every rule, calling `emit` for each finding (no allocation).
pub fn validate(payload: &PayloadRef<'_>, mut emit: impl FnMut(Issue)) {
    let emit = &mut emit;
    if !payload.crc_ok() {
        let kind = IssueKind::CrcMismatch {
            computed: payload.computed_crc(),
            found: payload.crc(),
        };
        emit(error(Path::top(63), kind));
    }
    let length = payload.as_str().chars().count();
    if length > 512 {
        emit(warning(Path::ROOT, IssueKind::TooLong { length }));
    }
    match payload.objects().next() {
        Some(first) if first.id() == 0 => {}
        _ => emit(error(Path::top(0), IssueKind::FormatIndicatorNotFirst)),
    }
    if payload.value(&[0]).is_some_and(|v| v != "01") {
        emit(error(Path::top(0), IssueKind::FormatIndicatorValue));
    }
    if payload.value(&[1]).is_some_and(|v| v != "11" && v != "12") {
        emit(error(Path::top(1), IssueKind::Value));
    }
    for id in [0u8, 52, 53, 58, 59, 60] {
        if payload.get(id).is_none() {
            emit(error(Path::top(id), IssueKind::Missing));
        }
    }
    if !payload.objects().any(|o| (2..=51).contains(&o.id())) {
        emit(error(Path::ROOT, IssueKind::NoMerchantAccount));
    }
    check_duplicates(payload.objects(), emit);
    for object in payload.objects() {
        check_format(&object, root_rule(object.id()), emit);
        if let Some(children) = object.children() {
            check_template(&object, children, emit);
        }
    }
    check_amounts(payload, emit);
}

fn check_template<'a>(
    template: &ObjectRef<'a>,
    children: crate::mpm::Objects<'a>,
    emit: &mut impl FnMut(Issue),
) {
    let id = template.id();
    let path = template.path();
    check_duplicates(children.clone(), emit);
    let has = |sub: u8| children.clone().any(|o| o.id() == sub);
    if matches!(id, 26..=51 | 80..=99) && !has(0) {
        emit(error(path, IssueKind::MissingGuid));
    }
    if id == 64 {
        for sub in [0u8, 1] {
            if !has(sub) {
                emit(error(path.child(sub), IssueKind::Missing));
            }
        }
    }
    for child in children {
        check_format(&child, nested_rule(id, child.id()), emit);
        if id == 62 && child.id() == 9 {
            // Consumer data request: letters A, M, E, each at most once.
            let v = child.value();
            let ok = v.chars().all(|c| matches!(c, 'A' | 'M' | 'E'))
                && ['A', 'M', 'E'].iter().all(|l| v.matches(*l).count() <= 1);
            if !ok {
                emit(error(child.path(), IssueKind::Value));
            }
        }
        if id == 62 && (50..=99).contains(&child.id()) {
            let base = child.offset().saturating_add(4);
            match objects_in(child.value(), base, child.path()) {
                Ok(mut nested) => {
                    if !nested.any(|o| o.id() == 0) {
                        emit(error(child.path(), IssueKind::MissingGuid));
                    }
                }
                Err(_) => emit(error(child.path(), IssueKind::Malformed)),
            }
        }
    }
}

fn check_amounts(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    let exponent = payload.currency().map_or(2, currency_exponent);
    for id in [54u8, 56] {
        if let Some(text) = payload.value(&[id]) {
            match amount_decimals(text) {
                None => emit(error(Path::top(id), IssueKind::Amount)),
                Some(found) if found > exponent => {
                    emit(error(
                        Path::top(id),
                        IssueKind::Decimals {
                            found,
                            allowed: exponent,
                        },
                    ));
                }
                Some(_) => {}
            }
        }
    }
    if let Some(text) = payload.value(&[57]) {
        let ok = amount_decimals(text).is_some_and(|d| d <= 2)
            && text.split_once('.').map_or(text, |(w, _)| w).len() <= 2;
        if !ok {
            emit(error(Path::top(57), IssueKind::Amount));
        }
    }
    let indicator = payload.value(&[55]);
    let (has56, has57) = (payload.get(56).is_some(), payload.get(57).is_some());
    let consistent = match indicator {
        None | Some("01") => !has56 && !has57,
        Some("02") => has56 && !has57,
        Some("03") => has57 && !has56,
        Some(_) => {
            emit(error(Path::top(55), IssueKind::Value));
            true
        }
    };
    if !consistent {
        emit(error(Path::top(55), IssueKind::TipRule));
    }
}

/// Every finding in a `Vec`.
#[cfg(feature = "alloc")]
pub fn issues(payload: &PayloadRef<'_>) -> alloc::vec::Vec<Issue> {
    let mut out = alloc::vec::Vec::new();
    validate(payload, |i| out.push(i));
    out
}
