//! Validation against the EMVCo MPM rules: every finding with a severity and a path.

use core::fmt;

use crc::Digest;

use crate::error::{Error, ErrorKind, Result};
use crate::mpm::{
    CRC, ParseOptions, PayloadRef, check_crc_last, crc_tail, crc16, is_template, objects_in,
    read_object,
};
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

/// [`root_rule_of`] for every ID, computed at compile time: one load per object.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    reason = "evaluated at compile time: a bad index fails the build"
)]
const ROOT_RULES: [(Format, u8, u8); 100] = {
    let mut table = [(Format::S, 1, 99); 100];
    let mut id = 0;
    while id < 100 {
        let (format, min, max) = root_rule_of(id as u8);
        table[id] = (format, min as u8, max as u8);
        id += 1;
    }
    table
};

/// Format and length limits of a top-level ID.
fn root_rule(id: u8) -> (Format, usize, usize) {
    let (format, min, max) = ROOT_RULES
        .get(usize::from(id))
        .copied()
        .unwrap_or((Format::S, 1, 99));
    (format, usize::from(min), usize::from(max))
}

/// Format and length limits of a top-level ID (EMVCo MPM specification, table 3.6).
const fn root_rule_of(id: u8) -> (Format, usize, usize) {
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

/// Length and format of one value (`ascii`: the value is known to be ASCII). The path is
/// built only for a finding.
#[inline]
fn check_format(
    value: &str,
    ascii: bool,
    rule: (Format, usize, usize),
    path: impl Fn() -> Path,
    emit: &mut impl FnMut(Issue),
) {
    let (format, min, max) = rule;
    // ASCII values (nearly all): characters are bytes, one pass over the bytes.
    let (length, bad) = if ascii || value.is_ascii() {
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
    if length < min || length > max {
        emit(error(path(), IssueKind::Length { length, min, max }));
    }
    if let Some(index) = bad {
        emit(error(path(), IssueKind::Format { index }));
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
    let mut dot = None;
    let mut nonzero = false;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        match b {
            b'0' => {}
            b'1'..=b'9' => nonzero = true,
            b'.' if dot.is_none() => dot = Some(i),
            _ => return None,
        }
    }
    // A non-zero digit also rules out "" and ".".
    nonzero.then(|| dot.map_or(0, |d| text.len().saturating_sub(d).saturating_sub(1)))
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

#[inline]
fn slot(id: u8) -> Option<usize> {
    SLOT.get(usize::from(id))
        .filter(|&&s| s != u8::MAX)
        .map(|&s| usize::from(s))
}

/// Bit `id` of a presence set (IDs are two digits, so below 100).
fn bit(id: u8) -> u128 {
    1u128.checked_shl(u32::from(id)).unwrap_or(0)
}

/// The top level seen in a single pass: which IDs are present, and the first value of the IDs
/// the rules read.
struct Level<'a> {
    seen: u128,
    values: [Option<&'a str>; KEPT.len()],
}

impl<'a> Level<'a> {
    #[inline]
    fn get(&self, id: u8) -> Option<&'a str> {
        self.values.get(slot(id)?).copied().flatten()
    }

    #[inline]
    fn has(&self, id: u8) -> bool {
        self.seen & bit(id) != 0
    }

    /// Any merchant account (02–51) present.
    fn any_account(&self) -> bool {
        const ACCOUNTS: u128 = ((1u128 << 52) - 1) & !0b11;
        self.seen & ACCOUNTS != 0
    }
}

/// Walks the top level of `text` once: checks its structure exactly as [`PayloadRef::parse`]
/// does (the same errors, in the same order, from the same object reader) and every rule of
/// each object and template on the way. Returns the level and the ID and offset of the last
/// object.
///
/// With `crc`, each object's bytes (up to the CRC's four digits; a template's header here, its
/// objects in [`walk_template`]) are fed to it just before the object's rules run: the checksum
/// is a chain of dependent table loads, and interleaving it finely with the rules lets the
/// processor run both at once.
fn walk_root<'a>(
    text: &'a str,
    ascii: bool,
    emit: &mut impl FnMut(Issue),
    mut crc: Option<&mut Digest<'static, u16>>,
    fed: usize,
) -> Result<(Level<'a>, Option<(u8, usize)>)> {
    let crc_end = text.len().saturating_sub(4);
    let mut level = Level {
        seen: 0,
        values: [None; KEPT.len()],
    };
    let mut last = None;
    let mut pos = 0usize;
    while pos < text.len() {
        let (id, start, end) = read_object(text, pos, 0, Path::ROOT, ascii)?;
        let value = text.get(start..end).unwrap_or_default();
        let template = is_template(id);
        if let Some(digest) = crc.as_deref_mut() {
            // A template's own objects are fed one by one as its walk reaches them.
            let to = if template { start } else { end };
            let covered = text.as_bytes().get(pos.max(fed)..to.min(crc_end));
            digest.update(covered.unwrap_or_default());
        }
        let path = || Path::top(id);
        if level.seen & bit(id) != 0 {
            emit(error(path(), IssueKind::Duplicate));
        } else {
            level.seen |= bit(id);
            if let Some(kept) = slot(id).and_then(|i| level.values.get_mut(i)) {
                *kept = Some(value);
            }
        }
        check_format(value, ascii, root_rule(id), path, emit);
        if template {
            walk_template(id, value, start, ascii, emit, crc.as_deref_mut())?;
        }
        last = Some((id, pos));
        pos = end;
    }
    Ok((level, last))
}

/// One template's objects (its value `text` starts at byte `base` of the payload): structure
/// and rules in one pass, like [`walk_root`], each object fed to `crc` first.
fn walk_template(
    id: u8,
    text: &str,
    base: usize,
    ascii: bool,
    emit: &mut impl FnMut(Issue),
    mut crc: Option<&mut Digest<'static, u16>>,
) -> Result<()> {
    let parent = Path::top(id);
    let mut seen = 0u128;
    let mut pos = 0usize;
    while pos < text.len() {
        let (sub, start, end) = read_object(text, pos, base, parent, ascii)?;
        let value = text.get(start..end).unwrap_or_default();
        if let Some(digest) = crc.as_deref_mut() {
            digest.update(text.as_bytes().get(pos..end).unwrap_or_default());
        }
        let path = || Path::nested(id, sub);
        if seen & bit(sub) != 0 {
            emit(error(path(), IssueKind::Duplicate));
        }
        seen |= bit(sub);
        check_format(value, ascii, nested_rule(id, sub), path, emit);
        if id == 62 && sub == 9 {
            // Consumer data request: letters A, M, E, each at most once.
            let ok = value.chars().all(|c| matches!(c, 'A' | 'M' | 'E'))
                && ['A', 'M', 'E']
                    .iter()
                    .all(|l| value.matches(*l).count() <= 1);
            if !ok {
                emit(error(path(), IssueKind::Value));
            }
        }
        if id == 62 && (50..=99).contains(&sub) {
            let at = base.saturating_add(start);
            match objects_in(value, at, path()) {
                Ok(mut nested) => {
                    if !nested.any(|o| o.id() == 0) {
                        emit(error(path(), IssueKind::MissingGuid));
                    }
                }
                Err(_) => emit(error(path(), IssueKind::Malformed)),
            }
        }
        pos = end;
    }
    if matches!(id, 26..=51 | 80..=99) && seen & 1 == 0 {
        emit(error(parent, IssueKind::MissingGuid));
    }
    if id == 64 {
        for sub in [0u8, 1] {
            if seen & bit(sub) == 0 {
                emit(error(parent.child(sub), IssueKind::Missing));
            }
        }
    }
    Ok(())
}

/// The rules about the payload as a whole that come before the objects' own.
fn check_text(text: &str, ascii: bool, emit: &mut impl FnMut(Issue)) {
    let length = if ascii {
        text.len()
    } else {
        text.chars().count()
    };
    if length > 512 {
        emit(warning(Path::ROOT, IssueKind::TooLong { length }));
    }
    if !text.starts_with("00") {
        emit(error(Path::top(0), IssueKind::FormatIndicatorNotFirst));
    }
}

/// The rules about the top level as a whole, after its objects'.
fn check_root(root: &Level<'_>, emit: &mut impl FnMut(Issue)) {
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
    check_amounts(root, emit);
}

/// Runs every rule, calling `emit` for each finding (no allocation). The payload is walked
/// once; each template's objects are walked when the template is reached.
pub fn validate(payload: &PayloadRef<'_>, mut emit: impl FnMut(Issue)) {
    let emit = &mut emit;
    if !payload.crc_ok() {
        let kind = IssueKind::CrcMismatch {
            computed: payload.computed_crc(),
            found: payload.crc(),
        };
        emit(error(Path::top(63), kind));
    }
    let (text, ascii) = (payload.as_str(), payload.is_ascii());
    check_text(text, ascii, emit);
    // The payload's structure was checked when it was parsed: the walk cannot fail.
    if let Ok((root, _)) = walk_root(text, ascii, emit, None, 0) {
        check_root(&root, emit);
    }
}

/// Parses and validates `text` in one pass: the result is exactly
/// [`PayloadRef::parse_with`]`(text, options)`'s, and when it is `Ok`, `emit` has received
/// exactly the findings [`validate`] reports for that payload, in the same order. Each object
/// is read once instead of twice (parse, then validate), and with the CRC check on (the
/// default) the checksum is computed object by object during the walk.
///
/// Findings are reported as the walk goes, so when the result is an error `emit` may already
/// have received findings about the objects before the fault: discard them.
///
/// ```
/// use emvqr::ParseOptions;
/// use emvqr::validate::parse_and_validate;
/// // The Pix manual's static example.
/// let text = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
/// let mut findings = Vec::new();
/// let payload = parse_and_validate(text, ParseOptions::default(), |i| findings.push(i))?;
/// assert_eq!(payload.merchant_city(), Some("BRASILIA"));
/// assert!(findings.is_empty());
/// # Ok::<(), emvqr::Error>(())
/// ```
pub fn parse_and_validate<'a>(
    text: &'a str,
    options: ParseOptions,
    mut emit: impl FnMut(Issue),
) -> Result<PayloadRef<'a>> {
    let emit = &mut emit;
    let mut digest = CRC.digest();
    // The checksum chain starts before anything else: the first object's header is always the
    // first four bytes.
    let head = if options.check_crc {
        text.len().min(4)
    } else {
        0
    };
    digest.update(text.as_bytes().get(..head).unwrap_or_default());
    let ascii = text.is_ascii();
    // Its errors wait: `parse_with` reports structural errors before them.
    let tail = crc_tail(text);
    let computed_first = if options.check_crc {
        // A mismatch is an error, not a finding: the checksum can be computed during the walk.
        None
    } else {
        // A mismatch is the first finding, as in `validate`: computed before the walk.
        let computed = tail
            .as_ref()
            .ok()
            .map(|&(_, crc_at)| crc16(text.as_bytes().get(..crc_at).unwrap_or_default()));
        if let (Ok((found, _)), Some(computed)) = (&tail, computed)
            && computed != *found
        {
            let kind = IssueKind::CrcMismatch {
                computed,
                found: *found,
            };
            emit(error(Path::top(63), kind));
        }
        computed
    };
    check_text(text, ascii, emit);
    let walk_digest = computed_first.is_none().then_some(&mut digest);
    let (root, last) = walk_root(text, ascii, emit, walk_digest, head)?;
    let (found, crc_at) = tail?;
    check_crc_last(last, crc_at)?;
    // The walk ended on the CRC object, so the digest has seen exactly the bytes before its
    // four digits.
    let computed = computed_first.unwrap_or_else(|| digest.finalize());
    if options.check_crc && computed != found {
        let kind = ErrorKind::CrcMismatch { computed, found };
        return Err(Error::new(kind, Path::top(63), crc_at));
    }
    check_root(&root, emit);
    Ok(PayloadRef::from_checked(text, found, computed, ascii))
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

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::amount_decimals;

    /// The definition `amount_decimals` implements, written the obvious way.
    fn reference(text: &str) -> Option<usize> {
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

    #[test]
    fn amount_decimals_matches_its_definition_on_every_short_string() {
        let alphabet = ['0', '1', '9', '.', ',', 'x', ' '];
        let mut texts = std::vec![String::new()];
        for _ in 0..5 {
            let longer: std::vec::Vec<String> = texts
                .iter()
                .filter(|t| t.len() == texts.last().map_or(0, String::len))
                .flat_map(|t| alphabet.iter().map(move |c| std::format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        assert!(texts.len() > 10_000);
        for text in &texts {
            assert_eq!(amount_decimals(text), reference(text), "{text:?}");
        }
    }
}
