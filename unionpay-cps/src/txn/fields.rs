//! Field setters and checks the transaction builders share.

use alloc::vec::Vec;

use paywire_iso8583::Message;

use crate::error::{Error, ErrorKind, Place, Result};

/// Checks that `value` is `len` ASCII digits.
pub(super) fn digits(name: &'static str, value: &str, len: usize) -> Result<()> {
    if value.len() == len && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::param(ErrorKind::Digits { length: len }, name))
    }
}

/// Sets field `n`, keeping what the codec says when it refuses the value.
pub(super) fn set(m: &mut Message<'static>, n: u8, value: impl Into<Vec<u8>>) -> Result<()> {
    m.set(n, value).map(|_| ()).map_err(Error::from)
}

/// A run of ASCII digits as a number.
pub(super) fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &c| {
        c.is_ascii_digit().then(|| {
            n.saturating_mul(10)
                .saturating_add(u64::from(c.wrapping_sub(b'0')))
        })
    })
}

/// The largest amount 12 digits hold.
pub(super) const MAX_AMOUNT: u64 = 999_999_999_999;

/// Field 4: at most 12 digits of minor units.
pub(super) fn set_amount(m: &mut Message<'static>, amount: u64) -> Result<()> {
    if amount > MAX_AMOUNT {
        return Err(Error::new(ErrorKind::Amount).at(Place::Field(4)));
    }
    set(m, 4, alloc::format!("{amount:012}"))
}
