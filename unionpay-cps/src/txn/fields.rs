//! Field setters and checks the transaction builders share.

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

#[cfg(feature = "alloc")]
use paywire_iso8583::Message;

use crate::error::{Error, ErrorKind, Result};

/// Checks that `value` is `len` ASCII digits.
pub(super) fn digits(name: &'static str, value: &str, len: usize) -> Result<()> {
    if value.len() == len && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::param(ErrorKind::Digits { length: len }, name))
    }
}

/// Sets field `n`, keeping what the codec says when it refuses the value.
#[cfg(feature = "alloc")]
pub(super) fn set(m: &mut Message<'static>, n: u8, value: impl Into<Vec<u8>>) -> Result<()> {
    m.set(n, value).map(|_| ()).map_err(Error::from)
}

/// A run of ASCII digits as a number.
#[cfg_attr(
    not(feature = "alloc"),
    allow(dead_code, reason = "the answers' readers need alloc")
)]
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
