//! PIN verification values: the Visa PVV and the IBM 3624 PIN offset, generated and verified.
//!
//! - Visa PVV: the transformed security parameter (the 11 rightmost PAN digits before the
//!   check digit, the PVK index, the PIN's leftmost 4 digits) encrypted under the PVK, then
//!   decimalized as for CVV; the first four digits.
//! - IBM 3624: 16 hexadecimal characters of validation data encrypted under the PVK, each
//!   nibble of the result mapped through a 16-digit decimalization table; the first
//!   PIN-length digits are the natural PIN, and the offset is the PIN minus the natural PIN,
//!   digit by digit, modulo 10.

use crate::cvv::{SecretDigits, decimalize, pack};
use crate::error::{Error, ErrorKind, Result};
use crate::key::Key;

/// The decimalization table IBM 3624 systems most often use: `0123456789012345`.
pub const DEFAULT_DECIMALIZATION: &[u8; 16] = b"0123456789012345";

fn check_pin(pin: &[u8], lengths: core::ops::RangeInclusive<usize>) -> Result<()> {
    if lengths.contains(&pin.len()) && pin.iter().all(u8::is_ascii_digit) {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::BadPin))
    }
}

/// The Visa PVV of `pin` (its leftmost 4 digits are used) on `pan` (13–19 digits) with PVK
/// index `pvki` (0–9), under the PVK (DES or TDES).
///
/// ```
/// use paywire_cardsec::{Key, pvv};
/// // psec's tests (github.com/knovichikhin/psec tests/test_pin.py).
/// let pvk = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// assert_eq!(pvv::visa_pvv(&pvk, b"1122334455667788", 1, b"4524")?.expose(), b"8523");
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn visa_pvv(pvk: &Key, pan: &[u8], pvki: u8, pin: &[u8]) -> Result<SecretDigits> {
    check_pin(pin, 4..=12)?;
    if !(13..=19).contains(&pan.len()) || !pan.iter().all(u8::is_ascii_digit) {
        return Err(Error::new(ErrorKind::BadPan));
    }
    if pvki > 9 || pvk.block_len() != 8 {
        return Err(Error::new(ErrorKind::BadData));
    }
    let end = pan.len().saturating_sub(1);
    let account = pan.get(end.saturating_sub(11)..end).unwrap_or_default();
    let pvki = [b'0'.wrapping_add(pvki)];
    let tsp = account
        .iter()
        .chain(&pvki)
        .chain(pin.iter().take(4))
        .copied();
    let mut block = pack(tsp);
    pvk.encrypt_block(&mut block);
    Ok(decimalize(&block, 4))
}

/// Checks a PVV against `pin`, in constant time.
pub fn verify_visa_pvv(pvk: &Key, pan: &[u8], pvki: u8, pin: &[u8], pvv: &[u8]) -> Result<()> {
    visa_pvv(pvk, pan, pvki, pin)?.verify(pvv)
}

/// The natural PIN of IBM 3624 (as many digits as `len`, 4–16) for `validation_data` (16
/// hexadecimal characters, as given) under the PVK and the decimalization table.
fn natural_pin(
    pvk: &Key,
    validation_data: &[u8],
    table: &[u8; 16],
    len: usize,
) -> Result<SecretDigits> {
    let bad = Error::new(ErrorKind::BadData);
    if !table.iter().all(u8::is_ascii_digit) || pvk.block_len() != 8 || !(4..=16).contains(&len) {
        return Err(bad);
    }
    let mut block = [0u8; 8];
    hex::decode_to_slice(validation_data, &mut block).map_err(|_| bad)?;
    pvk.encrypt_block(&mut block);
    let mut digits = [0u8; 16];
    let nibbles = block.iter().flat_map(|b| [b >> 4, b & 0x0F]);
    for (d, n) in digits.iter_mut().zip(nibbles) {
        *d = table.get(usize::from(n)).copied().unwrap_or(b'0');
    }
    Ok(SecretDigits::from_digits(
        digits.get(..len).unwrap_or_default(),
    ))
}

/// The IBM 3624 offset of `pin` (4–12 digits; the offset is as long) for `validation_data`
/// (16 hexadecimal characters) under the PVK and decimalization `table`.
///
/// ```
/// use paywire_cardsec::{Key, pvv};
/// // psec's tests (github.com/knovichikhin/psec tests/test_pin.py): table 1234567890123456,
/// // the PAN 1122334455667788 as validation data.
/// let pvk = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// let offset = pvv::ibm3624_offset(&pvk, b"1122334455667788", b"1234567890123456", b"1234")?;
/// assert_eq!(offset.expose(), b"7710");
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn ibm3624_offset(
    pvk: &Key,
    validation_data: &[u8],
    table: &[u8; 16],
    pin: &[u8],
) -> Result<SecretDigits> {
    check_pin(pin, 4..=12)?;
    let natural = natural_pin(pvk, validation_data, table, pin.len())?;
    // offset = PIN − natural PIN: adding 10 − n is subtracting n, modulo 10.
    Ok(digit_sums(pin, natural.expose(), |n| 10u8.wrapping_sub(n)))
}

/// `a[i] + f(b[i])` modulo 10 for each digit pair (ASCII in, ASCII out).
fn digit_sums(a: &[u8], b: &[u8], f: impl Fn(u8) -> u8) -> SecretDigits {
    let mut out = [0u8; 16];
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        let d = x
            .wrapping_sub(b'0')
            .wrapping_add(f(y.wrapping_sub(b'0')))
            .checked_rem(10)
            .unwrap_or(0);
        *o = b'0'.wrapping_add(d);
    }
    let result = SecretDigits::from_digits(out.get(..a.len()).unwrap_or_default());
    zeroize::Zeroize::zeroize(&mut out);
    result
}

/// The customer PIN an IBM 3624 `offset` stands for (the natural PIN plus the offset, digit by
/// digit, modulo 10).
pub fn ibm3624_pin(
    pvk: &Key,
    validation_data: &[u8],
    table: &[u8; 16],
    offset: &[u8],
) -> Result<SecretDigits> {
    check_pin(offset, 4..=12)?;
    let natural = natural_pin(pvk, validation_data, table, offset.len())?;
    // PIN = natural PIN + offset, modulo 10.
    Ok(digit_sums(offset, natural.expose(), |n| n))
}

/// Checks `pin` against an IBM 3624 `offset`, in constant time.
pub fn verify_ibm3624(
    pvk: &Key,
    validation_data: &[u8],
    table: &[u8; 16],
    pin: &[u8],
    offset: &[u8],
) -> Result<()> {
    ibm3624_offset(pvk, validation_data, table, pin)?.verify(offset)
}
