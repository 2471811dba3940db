//! Card verification values: CVV / CVC (magnetic stripe), CVV2 / CVC2 (service code `000`) and
//! iCVV (service code `999`), from the PAN, the expiry and the service code under a CVK pair.
//! The values are secrets of the card: [`SecretDigits`] zeroizes them and prints `<redacted>`.
//!
//! The algorithm (the one Visa and Mastercard publish for CVV / CVC): PAN ‖ expiry ‖ service
//! code, right-padded with `0` to 32 digits, as two 8-byte blocks B1, B2; B1 encrypted under the
//! CVK's left half (DES), XOR B2, encrypted under the whole CVK (TDES); the result's decimal
//! digits, then its `A`–`F` digits as `0`–`5`; the first three.

use core::fmt;

use subtle::ConstantTimeEq as _;
use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};
use crate::key::Key;

/// Up to 16 decimal digits (ASCII) that are a card's secret: a CVV, a PVV, a PIN offset.
/// Zeroized on drop; `Debug` prints `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretDigits {
    bytes: [u8; 16],
    len: u8,
}

impl SecretDigits {
    pub(crate) fn from_digits(digits: &[u8]) -> Self {
        let mut out = Self {
            bytes: [0; 16],
            len: digits.len().min(16) as u8,
        };
        for (o, d) in out.bytes.iter_mut().zip(digits) {
            *o = *d;
        }
        out
    }

    /// The digits (handle with care).
    pub fn expose(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// Compares with `received` in constant time (lengths must agree).
    pub fn verify(&self, received: &[u8]) -> Result<()> {
        let ours = self.expose();
        if ours.len() == received.len() && bool::from(ours.ct_eq(received)) {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::MacMismatch))
        }
    }
}

impl Drop for SecretDigits {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for SecretDigits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretDigits({} digits, <redacted>)", self.len)
    }
}

/// Packs ASCII digits (at most 16) into 8 bytes, right-padded with `0`.
pub(crate) fn pack(digits: impl Iterator<Item = u8>) -> [u8; 8] {
    let mut out = [0u8; 8];
    for (i, d) in digits.take(16).enumerate() {
        let v = d.wrapping_sub(b'0') & 0x0F;
        if let Some(b) = out.get_mut(i / 2) {
            *b |= if i.is_multiple_of(2) { v << 4 } else { v };
        }
    }
    out
}

/// The decimal digits of `block`'s nibbles, then its `A`–`F` nibbles as `0`–`5` (Visa's
/// decimalization), the first `n` of them, as ASCII.
pub(crate) fn decimalize(block: &[u8; 8], n: usize) -> SecretDigits {
    let nibbles = || block.iter().flat_map(|b| [b >> 4, b & 0x0F]);
    let mut out = [0u8; 16];
    let digits = nibbles()
        .filter(|&v| v <= 9)
        .chain(nibbles().filter(|&v| v > 9).map(|v| v.wrapping_sub(10)));
    for (o, d) in out.iter_mut().zip(digits).take(n.min(16)) {
        *o = b'0'.wrapping_add(d);
    }
    let result = SecretDigits::from_digits(out.get(..n.min(16)).unwrap_or_default());
    out.zeroize();
    result
}

fn digits_of(
    text: &[u8],
    lengths: core::ops::RangeInclusive<usize>,
    kind: ErrorKind,
) -> Result<()> {
    if lengths.contains(&text.len()) && text.iter().all(u8::is_ascii_digit) {
        Ok(())
    } else {
        Err(Error::new(kind))
    }
}

/// The 3-digit CVV / CVC for `pan` (12–19 digits), `expiry` (4 digits, YYMM) and
/// `service_code` (3 digits: the card's for CVV, `000` for CVV2, `999` for iCVV) under a
/// double-length TDES CVK (CVK-A ‖ CVK-B).
///
/// ```
/// use paywire_cardsec::{Key, cvv};
/// // The classic published example: CVK-A 0123456789ABCDEF, CVK-B FEDCBA9876543210, PAN
/// // 4123456789012345, expiry 8701, service code 101 → 561.
/// let cvk = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// let value = cvv::cvv(&cvk, b"4123456789012345", b"8701", b"101")?;
/// assert_eq!(value.expose(), b"561");
/// assert_eq!(format!("{value:?}"), "SecretDigits(3 digits, <redacted>)");
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn cvv(cvk: &Key, pan: &[u8], expiry: &[u8], service_code: &[u8]) -> Result<SecretDigits> {
    digits_of(pan, 12..=19, ErrorKind::BadPan)?;
    digits_of(expiry, 4..=4, ErrorKind::BadData)?;
    digits_of(service_code, 3..=3, ErrorKind::BadData)?;
    let Some((left, _)) = cvk.des_halves() else {
        return Err(Error::new(ErrorKind::KeyLength {
            length: cvk.expose().len(),
        }));
    };
    let data = || pan.iter().chain(expiry).chain(service_code).copied();
    let b1 = pack(data());
    let b2 = pack(data().skip(16));
    let mut block = b1;
    {
        use des::cipher::BlockCipherEncrypt as _;
        left.encrypt_block((&mut block).into());
    }
    for (x, y) in block.iter_mut().zip(b2) {
        *x ^= y;
    }
    cvk.encrypt_block(&mut block);
    let out = decimalize(&block, 3);
    block.zeroize();
    Ok(out)
}
