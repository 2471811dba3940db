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

/// Format and length limits of a top-level ID (EMVCo MPM specification, table 3.6).
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
    let value = object.value();
    // ASCII values (nearly all): characters are bytes, one pass over the bytes.
    let (length, bad) = if object.known_ascii() || value.is_ascii() {
        let bytes = value.as_bytes();
        // A branch-free pass first (vectorised); the position only for a bad value.
        let bad = match format {
            Format::N => {
                let ok = bytes.iter().fold(true, |ok, b| ok & b.is_ascii_digit());
                if ok {
                    None
                } else {
                    bytes.iter().position(|b| !b.is_ascii_digit())
                }
            }
            Format::Ans => {
                let printable = |b: u8| b.wrapping_sub(b' ') <= b'~' - b' ';
                let ok = bytes.iter().fold(true, |ok, &b| ok & printable(b));
                if ok {
                    None
                } else {
                    bytes.iter().position(|&b| !printable(b))
                }
            }
            Format::S => None,
        };
        (bytes.len(), bad)
    } else {
        let bad = match format {
            Format::N => value.chars().position(|c| !c.is_ascii_digit()),
            Format::Ans => value.chars().position(|c| !(' '..='~').contains(&c)),
            Format::S => None,
        };
        (value.chars().count(), bad)
    };
    let path = object.path();
    if length < min || length > max {
        emit(error(path, IssueKind::Length { length, min, max }));
    }
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
    let number = match code.as_bytes() {
        [a, b, c] if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() => {
            u16::from(a.wrapping_sub(b'0'))
                .wrapping_mul(100)
                .wrapping_add(u16::from(b.wrapping_sub(b'0')).wrapping_mul(10))
                .wrapping_add(u16::from(c.wrapping_sub(b'0')))
        }
        _ => return 2,
    };
    match number {
        108 | 152 | 174 | 262 | 324 | 352 | 392 | 410 | 548 | 600 | 646 | 704 | 800 | 950 | 952
        | 953 => 0,
        48 | 368 | 400 | 414 | 434 | 512 | 788 => 3,
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

/// The IDs whose values the rules read (`Level::get`); the others only need presence.
const KEPT: [u8; 7] = [0, 1, 53, 54, 55, 56, 57];

/// The slot of each ID in [`Level::values`] (`u8::MAX`: not kept).
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    reason = "evaluated at compile time: a bad index fails the build"
)]
const SLOT: [u8; 100] = {
    let mut table = [u8::MAX; 100];
    let mut i = 0;
    while i < KEPT.len() {
        table[KEPT[i] as usize] = i as u8;
        i += 1;
    }
    table
};

fn slot(id: u8) -> Option<usize> {
    SLOT.get(usize::from(id))
        .filter(|&&s| s != u8::MAX)
        .map(|&s| usize::from(s))
}

/// One level of objects seen in a single pass: which IDs are present, and the first value of
/// the IDs the rules read. Small, so that nothing large is cleared for every template.
struct Level<'a> {
    seen: u128,
    values: [Option<&'a str>; KEPT.len()],
}

impl<'a> Level<'a> {
    /// Walks `objects` once: formats and duplicates are reported on the way, the first value of
    /// each kept ID is stored for the rules that need it.
    fn walk(
        objects: crate::mpm::Objects<'a>,
        rule: impl Fn(u8) -> (Format, usize, usize),
        emit: &mut impl FnMut(Issue),
        mut each: impl FnMut(&ObjectRef<'a>, &mut dyn FnMut(Issue)),
    ) -> Self {
        let mut level = Self {
            seen: 0,
            values: [None; KEPT.len()],
        };
        for object in objects {
            let id = object.id();
            let bit = 1u128.checked_shl(u32::from(id)).unwrap_or(0);
            if level.seen & bit != 0 {
                emit(error(object.path(), IssueKind::Duplicate));
            } else {
                level.seen |= bit;
                if let Some(value) = slot(id).and_then(|i| level.values.get_mut(i)) {
                    *value = Some(object.value());
                }
            }
            check_format(&object, rule(id), emit);
            each(&object, &mut *emit);
        }
        level
    }

    fn get(&self, id: u8) -> Option<&'a str> {
        self.values.get(slot(id)?).copied().flatten()
    }

    fn has(&self, id: u8) -> bool {
        self.seen & 1u128.checked_shl(u32::from(id)).unwrap_or(0) != 0
    }

    /// Any merchant account (02–51) present.
    fn any_account(&self) -> bool {
        const ACCOUNTS: u128 = ((1u128 << 52) - 1) & !0b11;
        self.seen & ACCOUNTS != 0
    }
}

/// Runs every rule, calling `emit` for each finding (no allocation). The payload is walked
/// once at the top level and once inside each template.
pub fn validate(payload: &PayloadRef<'_>, mut emit: impl FnMut(Issue)) {
    let emit = &mut emit;
    if !payload.crc_ok() {
        let kind = IssueKind::CrcMismatch {
            computed: payload.computed_crc(),
            found: payload.crc(),
        };
        emit(error(Path::top(63), kind));
    }
    let text = payload.as_str();
    let length = if payload.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    };
    if length > 512 {
        emit(warning(Path::ROOT, IssueKind::TooLong { length }));
    }
    if !payload.as_str().starts_with("00") {
        emit(error(Path::top(0), IssueKind::FormatIndicatorNotFirst));
    }
    let root = Level::walk(payload.objects(), root_rule, emit, |object, emit| {
        if let Some(children) = object.children() {
            check_template(object, children, emit);
        }
    });
    if root.get(0).is_some_and(|v| v != "01") {
        emit(error(Path::top(0), IssueKind::FormatIndicatorValue));
    }
    if root.get(1).is_some_and(|v| v != "11" && v != "12") {
        emit(error(Path::top(1), IssueKind::Value));
    }
    for id in [0u8, 52, 53, 58, 59, 60] {
        if !root.has(id) {
            emit(error(Path::top(id), IssueKind::Missing));
        }
    }
    if !root.any_account() {
        emit(error(Path::ROOT, IssueKind::NoMerchantAccount));
    }
    check_amounts(&root, emit);
}

fn check_template<'a>(
    template: &ObjectRef<'a>,
    children: crate::mpm::Objects<'a>,
    emit: &mut dyn FnMut(Issue),
) {
    let mut emit = |issue| emit(issue);
    let id = template.id();
    let path = template.path();
    let level = Level::walk(
        children,
        |sub| nested_rule(id, sub),
        &mut emit,
        |child, emit| {
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
        },
    );
    if matches!(id, 26..=51 | 80..=99) && !level.has(0) {
        emit(error(path, IssueKind::MissingGuid));
    }
    if id == 64 {
        for sub in [0u8, 1] {
            if !level.has(sub) {
                emit(error(path.child(sub), IssueKind::Missing));
            }
        }
    }
}

fn check_amounts(root: &Level<'_>, emit: &mut impl FnMut(Issue)) {
    let exponent = root.get(53).map_or(2, currency_exponent);
    for id in [54u8, 56] {
        if let Some(text) = root.get(id) {
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
    if let Some(text) = root.get(57) {
        let ok = amount_decimals(text).is_some_and(|d| d <= 2)
            && text.split_once('.').map_or(text, |(w, _)| w).len() <= 2;
        if !ok {
            emit(error(Path::top(57), IssueKind::Amount));
        }
    }
    let (has56, has57) = (root.has(56), root.has(57));
    let consistent = match root.get(55) {
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
