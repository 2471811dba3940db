//! PIN blocks: ISO 9564 formats 0, 1 and 3 (8 bytes, 3DES) and UnionPay's 16-byte SM4 variant
//! of format 0, encrypted under a PIN key; decryption for host-side tests. PINs and clear blocks
//! are zeroized. The random fill of formats 1 and 3 comes from the caller (sans-IO).

use core::fmt;

use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Cipher, Key};

/// A PIN block (clear or encrypted), 8 or 16 bytes. `Debug` prints `<redacted>`; zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct PinBlock {
    bytes: [u8; 16],
    len: u8,
}

impl PinBlock {
    /// The block's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

impl Drop for PinBlock {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for PinBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PinBlock({} bytes, <redacted>)", self.len)
    }
}

fn digit(c: u8) -> Option<u8> {
    c.is_ascii_digit().then(|| c.wrapping_sub(b'0'))
}

/// The 12 rightmost PAN digits excluding the check digit, as nibbles.
fn pan_field(pan: &[u8]) -> Result<[u8; 12]> {
    let bad = Error::new(ErrorKind::BadPan);
    if pan.len() < 13 || !pan.iter().all(u8::is_ascii_digit) {
        return Err(bad);
    }
    let end = pan.len().saturating_sub(1);
    let start = end.saturating_sub(12);
    let mut out = [0u8; 12];
    for (o, &c) in out.iter_mut().zip(pan.get(start..end).ok_or(bad)?) {
        *o = digit(c).ok_or(bad)?;
    }
    Ok(out)
}

/// The clear block for `block_len` (8: ISO format 0; 16: the SM4 variant): `0 L PIN F…` XOR
/// the PAN field (`0000` + 12 digits, right-aligned in the block).
fn clear_block(pin: &[u8], pan: &[u8], block_len: usize) -> Result<PinBlock> {
    build_block(0, pin, Some(pan), block_len, |_| 0xF)
}

/// The clear block of `format` (0, 1 or 3): control nibble, length, PIN digits, then fill
/// nibbles from `fill(i)` (i counts fill positions), XOR the PAN field when `pan` is given.
fn build_block(
    format: u8,
    pin: &[u8],
    pan: Option<&[u8]>,
    block_len: usize,
    fill: impl Fn(usize) -> u8,
) -> Result<PinBlock> {
    if !(4..=12).contains(&pin.len()) || !pin.iter().all(u8::is_ascii_digit) {
        return Err(Error::new(ErrorKind::BadPin));
    }
    let pan = pan.map(pan_field).transpose()?.unwrap_or([0u8; 12]);
    let nibbles = block_len.saturating_mul(2);
    let mut pin_field = [0u8; 32];
    for (i, slot) in pin_field
        .iter_mut()
        .enumerate()
        .skip(pin.len().saturating_add(2))
    {
        *slot = fill(i.saturating_sub(pin.len().saturating_add(2))) & 0x0F;
    }
    let mut pan_nibbles = [0u8; 32];
    let [control, length, ..] = &mut pin_field;
    *control = format;
    *length = pin.len() as u8;
    for (slot, &c) in pin_field.iter_mut().skip(2).zip(pin) {
        *slot = digit(c).unwrap_or(0xF);
    }
    let pan_start = nibbles.saturating_sub(12);
    for (slot, n) in pan_nibbles.iter_mut().skip(pan_start).zip(pan) {
        *slot = n;
    }
    let mut bytes = [0u8; 16];
    for (i, b) in bytes.iter_mut().take(block_len).enumerate() {
        let at = i.saturating_mul(2);
        let hi =
            pin_field.get(at).copied().unwrap_or(0) ^ pan_nibbles.get(at).copied().unwrap_or(0);
        let lo = pin_field.get(at.saturating_add(1)).copied().unwrap_or(0)
            ^ pan_nibbles.get(at.saturating_add(1)).copied().unwrap_or(0);
        *b = (hi << 4) | (lo & 0x0F);
    }
    pin_field.zeroize();
    Ok(PinBlock {
        bytes,
        len: block_len as u8,
    })
}

/// The clear ISO 9564 format-0 block for `pin` and `pan` (ASCII digits).
pub fn format0(pin: &[u8], pan: &[u8]) -> Result<PinBlock> {
    clear_block(pin, pan, 8)
}

/// The format-0 block encrypted under `key`: 3DES (8-byte block) or SM4 (the 16-byte variant).
///
/// ```
/// use paywire_unionpay::{Key, pin};
/// let pik = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// let block = pin::encrypt(b"123456", b"4217123412341234", &pik)?;
/// assert_eq!(block.as_bytes().len(), 8); // field 52
/// let mut out = [0u8; 12];
/// assert_eq!(pin::decrypt(block.as_bytes(), b"4217123412341234", &pik, &mut out)?, b"123456");
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
pub fn encrypt(pin: &[u8], pan: &[u8], key: &Key) -> Result<PinBlock> {
    encrypt_block(&clear_block(pin, pan, key.block_len())?, key)
}

/// The clear ISO 9564 format-3 block: format 0's layout with control nibble 3 and random fill
/// nibbles A–F. `fill` supplies them (at least `14 - PIN length` bytes from a random source;
/// a byte that is already A–F is used as is, any other is mapped to `A + byte mod 6`).
pub fn format3(pin: &[u8], pan: &[u8], fill: &[u8]) -> Result<PinBlock> {
    let needed = 14usize.saturating_sub(pin.len());
    if fill.len() < needed {
        return Err(Error::new(ErrorKind::BadPin));
    }
    build_block(3, pin, Some(pan), 8, |i| {
        let b = fill.get(i).copied().unwrap_or(0);
        if (0xA..=0xF).contains(&b) {
            b
        } else {
            0xAu8.wrapping_add(b % 6)
        }
    })
}

/// The clear ISO 9564 format-1 block (no PAN): control nibble 1, length, PIN, then the
/// transaction field — unique or random nibbles from `fill` (the low nibble of each byte, at
/// least `14 - PIN length` of them).
pub fn format1(pin: &[u8], fill: &[u8]) -> Result<PinBlock> {
    if fill.len() < 14usize.saturating_sub(pin.len()) {
        return Err(Error::new(ErrorKind::BadPin));
    }
    build_block(1, pin, None, 8, |i| fill.get(i).copied().unwrap_or(0))
}

/// Encrypts a clear block (any format) under a PIN key of the same block size.
pub fn encrypt_block(block: &PinBlock, key: &Key) -> Result<PinBlock> {
    if usize::from(block.len) != key.block_len() {
        return Err(Error::new(ErrorKind::BadPinBlock));
    }
    let mut out = block.clone();
    if let Some(b) = out.bytes.get_mut(..usize::from(out.len)) {
        key.encrypt_block(b);
    }
    Ok(out)
}

/// Decrypts `block` under `key` and recovers the PIN digits into `out` (host-side tests).
/// Formats 0 and 3 (and the SM4 variant) need the PAN; format 1 ignores it.
pub fn decrypt<'o>(block: &[u8], pan: &[u8], key: &Key, out: &'o mut [u8; 12]) -> Result<&'o [u8]> {
    let bad = Error::new(ErrorKind::BadPinBlock);
    let n = key.block_len();
    if block.len() != n || (key.cipher() == Cipher::Sm4) != (n == 16) {
        return Err(bad);
    }
    let mut clear = [0u8; 16];
    let dest = clear.get_mut(..n).ok_or(bad)?;
    dest.copy_from_slice(block);
    key.decrypt_block(dest);
    let format = clear.first().copied().unwrap_or(0) >> 4;
    let pan = if format == 1 {
        [0u8; 12]
    } else {
        pan_field(pan)?
    };
    let nibble = |i: usize| -> u8 {
        let byte = clear.get(i / 2).copied().unwrap_or(0);
        let v = if i.is_multiple_of(2) {
            byte >> 4
        } else {
            byte & 0x0F
        };
        let pan_at = i.checked_sub(n.saturating_mul(2).saturating_sub(12));
        v ^ pan_at.and_then(|p| pan.get(p).copied()).unwrap_or(0)
    };
    let len = usize::from(nibble(1));
    let known = matches!((format, n), (0, _) | (1 | 3, 8));
    let result = if !known || !(4..=12).contains(&len) {
        Err(bad)
    } else {
        let mut ok = true;
        for (i, slot) in out.iter_mut().take(len).enumerate() {
            let d = nibble(i.saturating_add(2));
            ok &= d <= 9;
            *slot = b'0'.wrapping_add(d);
        }
        if ok {
            Ok(out.get(..len).unwrap_or_default())
        } else {
            Err(bad)
        }
    };
    clear.zeroize();
    result
}
