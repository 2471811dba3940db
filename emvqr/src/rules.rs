//! The EMVCo MPM rules (Merchant-Presented Mode v1.1 §4 and §5, Tables 3.6, 4.1 and 4.2): the
//! format and length of every object, which objects must be there, and the consistency rules
//! between them. The walk calls them as it reads each object; nothing here reads the payload's
//! structure.

use crate::findings::{Issue, IssueKind, error, warning};
use crate::path::Path;

#[derive(Clone, Copy)]
pub(crate) enum Format {
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
pub(crate) fn root_rule(id: u8) -> (Format, usize, usize) {
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
pub(crate) fn nested_rule(parent: u8, id: u8) -> (Format, usize, usize) {
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
pub(crate) fn check_format(
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

/// The IDs whose values the rules read (`Root::get`); the others only need presence.
const KEPT: [u8; 7] = [0, 1, 53, 54, 55, 56, 57];

/// The slot of each ID in `Root::values` (`u8::MAX`: not kept).
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
pub(crate) fn slot(id: u8) -> Option<usize> {
    SLOT.get(usize::from(id))
        .filter(|&&s| s != u8::MAX)
        .map(|&s| usize::from(s))
}

/// Bit `id` of a presence set (IDs are two digits, so below 100).
pub(crate) fn bit(id: u8) -> u128 {
    1u128.checked_shl(u32::from(id)).unwrap_or(0)
}

/// The top level seen in a single pass: which IDs are present, and the first value of the IDs
/// the rules read.
pub(crate) struct Root<'a> {
    pub(crate) seen: u128,
    pub(crate) values: [Option<&'a str>; KEPT.len()],
}

impl<'a> Root<'a> {
    /// Nothing seen yet.
    pub(crate) const fn new() -> Self {
        Self {
            seen: 0,
            values: [None; KEPT.len()],
        }
    }

    /// The rules about the top level as a whole, after its objects'.
    pub(crate) fn end(&self, emit: &mut impl FnMut(Issue)) {
        if self.get(0).is_some_and(|v| v != "01") {
            emit(error(Path::top(0), IssueKind::FormatIndicatorValue));
        }
        if self.get(1).is_some_and(|v| v != "11" && v != "12") {
            emit(error(Path::top(1), IssueKind::Value));
        }
        for id in [0u8, 52, 53, 58, 59, 60] {
            if !self.has(id) {
                emit(error(Path::top(id), IssueKind::Missing));
            }
        }
        if !self.any_account() {
            emit(error(Path::ROOT, IssueKind::NoMerchantAccount));
        }
        check_amounts(self, emit);
    }

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

/// The rules about the payload as a whole that come before the objects' own.
pub(crate) fn text(text: &str, ascii: bool, emit: &mut impl FnMut(Issue)) {
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

/// The rules of object `sub` of template `id` beyond its format: 62/09's letters and the GUID
/// of a 62/50–99 template (`at`: the value's byte offset in the payload).
#[inline]
pub(crate) fn template_object(
    id: u8,
    sub: u8,
    value: &str,
    at: usize,
    path: impl Fn() -> Path,
    emit: &mut impl FnMut(Issue),
) {
    if id == 62 && sub == 9 {
        // Consumer data request: letters A, M, E, each at most once.
        // Counted by bytes: the str searchers keep panic paths in firmware builds.
        let ok = value.chars().all(|c| matches!(c, 'A' | 'M' | 'E'))
            && [b'A', b'M', b'E']
                .iter()
                .all(|l| value.bytes().filter(|b| b == l).count() <= 1);
        if !ok {
            emit(error(path(), IssueKind::Value));
        }
    }
    if id == 62 && (50..=99).contains(&sub) {
        match crate::mpm::objects_in(value, at, path()) {
            Ok(mut nested) => {
                if !nested.any(|o| o.id() == 0) {
                    emit(error(path(), IssueKind::MissingGuid));
                }
            }
            Err(_) => emit(error(path(), IssueKind::Malformed)),
        }
    }
}

/// The rules of template `id` once all its objects are read (`seen`: a bit per sub-ID).
pub(crate) fn template_end(id: u8, seen: u128, emit: &mut impl FnMut(Issue)) {
    let parent = Path::top(id);
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
}

fn check_amounts(root: &Root<'_>, emit: &mut impl FnMut(Issue)) {
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
