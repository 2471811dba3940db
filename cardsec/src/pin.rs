//! PIN blocks of ISO 9564-1: formats 0, 1, 2 and 3 (8 bytes, for DES/TDES) and format 4
//! (16 bytes, AES, enciphered with its PAN field). Clear blocks and PINs are zeroized; random
//! or unique fill comes from the caller (sans-IO).
//!
//! | format | clear block | needs |
//! |---|---|---|
//! | 0 | `0 L PIN F…` XOR `0000` + the 12 rightmost PAN digits before the check digit | PAN |
//! | 1 | `1 L PIN` + unique or random fill nibbles | fill |
//! | 2 | `2 L PIN F…` (ICC: offline PIN to the card) | — |
//! | 3 | `3 L PIN` + random fill `A`–`F`, XOR the PAN field of format 0 | PAN, fill |
//! | 4 | PIN field `4 L PIN A…` + 8 random bytes; PAN field `M PAN 0…`; `E(E(PIN) ⊕ PAN)` | PAN, AES key, fill |

use core::fmt;

use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Cipher, Key};

/// A PIN block (clear or enciphered), 8 or 16 bytes. `Debug` prints `<redacted>`; zeroized on
/// drop.
#[derive(Clone, PartialEq, Eq)]
pub struct PinBlock {
    bytes: [u8; 16],
    len: u8,
}

impl PinBlock {
    /// A block of 8 or 16 bytes (received, or to decode).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut out = Self {
            bytes: [0; 16],
            len: 0,
        };
        match out.bytes.get_mut(..bytes.len()) {
            Some(dest) if bytes.len() == 8 || bytes.len() == 16 => dest.copy_from_slice(bytes),
            _ => return Err(Error::new(ErrorKind::BadPinBlock)),
        }
        out.len = bytes.len() as u8;
        Ok(out)
    }

    /// The block's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    fn as_bytes_mut(&mut self) -> &mut [u8] {
        self.bytes
            .get_mut(..usize::from(self.len))
            .unwrap_or_default()
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

fn check_pin(pin: &[u8]) -> Result<()> {
    if (4..=12).contains(&pin.len()) && pin.iter().all(u8::is_ascii_digit) {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::BadPin))
    }
}

/// The account number field of formats 0 and 3: `0000` and the 12 rightmost PAN digits
/// excluding the check digit (a PAN of 13 to 19 ASCII digits).
pub fn account_field(pan: &[u8]) -> Result<[u8; 8]> {
    let bad = Error::new(ErrorKind::BadPan);
    if !(13..=19).contains(&pan.len()) || !pan.iter().all(u8::is_ascii_digit) {
        return Err(bad);
    }
    let end = pan.len().saturating_sub(1);
    let digits = pan.get(end.saturating_sub(12)..end).ok_or(bad)?;
    let mut out = [0u8; 8];
    for (i, &c) in digits.iter().enumerate() {
        set_nibble(&mut out, i.saturating_add(4), digit(c).unwrap_or(0));
    }
    Ok(out)
}

fn set_nibble(bytes: &mut [u8], at: usize, v: u8) {
    if let Some(b) = bytes.get_mut(at / 2) {
        if at.is_multiple_of(2) {
            *b = (*b & 0x0F) | (v << 4);
        } else {
            *b = (*b & 0xF0) | (v & 0x0F);
        }
    }
}

fn nibble(bytes: &[u8], at: usize) -> u8 {
    let b = bytes.get(at / 2).copied().unwrap_or(0);
    if at.is_multiple_of(2) {
        b >> 4
    } else {
        b & 0x0F
    }
}

/// The 8-byte PIN field `C L PIN fill…` (fill nibble `i` from `fill(i)`).
fn pin_field(control: u8, pin: &[u8], fill: impl Fn(usize) -> u8) -> Result<PinBlock> {
    check_pin(pin)?;
    let mut out = PinBlock {
        bytes: [0; 16],
        len: 8,
    };
    set_nibble(&mut out.bytes, 0, control);
    set_nibble(&mut out.bytes, 1, pin.len() as u8);
    for (i, &c) in pin.iter().enumerate() {
        set_nibble(&mut out.bytes, i.saturating_add(2), digit(c).unwrap_or(0));
    }
    for (n, at) in (pin.len().saturating_add(2)..16).enumerate() {
        set_nibble(&mut out.bytes, at, fill(n) & 0x0F);
    }
    Ok(out)
}

fn xor_account(block: &mut PinBlock, account: &[u8; 8]) {
    for (b, a) in block.bytes.iter_mut().zip(account) {
        *b ^= a;
    }
}

/// The clear ISO 9564 format-0 block for `pin` and `pan` (ASCII digits).
///
/// ```
/// use paywire_cardsec::pin;
/// // psec's tests (github.com/knovichikhin/psec tests/test_pinblock.py).
/// let block = pin::format0(b"1234", b"5555555551234567")?;
/// assert_eq!(block.as_bytes(), [0x04, 0x12, 0x61, 0xAA, 0xAA, 0xED, 0xCB, 0xA9]);
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn format0(pin: &[u8], pan: &[u8]) -> Result<PinBlock> {
    let account = account_field(pan)?;
    let mut block = pin_field(0, pin, |_| 0xF)?;
    xor_account(&mut block, &account);
    Ok(block)
}

/// The clear ISO 9564 format-1 block (no PAN): control 1, length, PIN, then the transaction
/// field — unique or random nibbles from `fill` (the low nibble of each byte, at least
/// `14 - PIN length` of them).
pub fn format1(pin: &[u8], fill: &[u8]) -> Result<PinBlock> {
    if fill.len() < 14usize.saturating_sub(pin.len()) {
        return Err(Error::new(ErrorKind::BadFill));
    }
    pin_field(1, pin, |i| fill.get(i).copied().unwrap_or(0))
}

/// The clear ISO 9564 format-2 block, for an offline PIN sent to a chip card: control 2,
/// length, PIN, `F` fill.
///
/// ```
/// use paywire_cardsec::pin;
/// // psec's tests (github.com/knovichikhin/psec tests/test_pinblock.py).
/// let block = pin::format2(b"123456789")?;
/// assert_eq!(block.as_bytes(), [0x29, 0x12, 0x34, 0x56, 0x78, 0x9F, 0xFF, 0xFF]);
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn format2(pin: &[u8]) -> Result<PinBlock> {
    pin_field(2, pin, |_| 0xF)
}

/// The clear ISO 9564 format-3 block: format 0's layout with control 3 and random fill
/// nibbles `A`–`F`. `fill` supplies them (at least `14 - PIN length` bytes from a random
/// source; a byte that is already `A`–`F` is used as is, any other is mapped to
/// `A + byte mod 6`).
pub fn format3(pin: &[u8], pan: &[u8], fill: &[u8]) -> Result<PinBlock> {
    if fill.len() < 14usize.saturating_sub(pin.len()) {
        return Err(Error::new(ErrorKind::BadFill));
    }
    let account = account_field(pan)?;
    let mut block = pin_field(3, pin, |i| {
        let b = fill.get(i).copied().unwrap_or(0);
        if (0xA..=0xF).contains(&b) {
            b
        } else {
            0xAu8.wrapping_add(b % 6)
        }
    })?;
    xor_account(&mut block, &account);
    Ok(block)
}

/// The format-4 plain-text PIN field (16 bytes): control 4, length, PIN, `A` fill to 8 bytes,
/// then the 8 bytes of `random` (at least 8 bytes from a random source).
///
/// ```
/// use paywire_cardsec::pin;
/// // ANSI X9.24-3:2017 supplement test vectors, AES PIN block format 4 (PIN 1234), as
/// // openemv/dukpt's pinblock_format4_test.c carries them.
/// let field = pin::format4_pin_field(b"1234", &[0; 8])?;
/// assert_eq!(field.as_bytes()[..8], [0x44, 0x12, 0x34, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA]);
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn format4_pin_field(pin: &[u8], random: &[u8]) -> Result<PinBlock> {
    let random = random.get(..8).ok_or(Error::new(ErrorKind::BadFill))?;
    let mut block = pin_field(4, pin, |_| 0xA)?;
    block.len = 16;
    for (b, r) in block.bytes.iter_mut().skip(8).zip(random) {
        *b = *r;
    }
    Ok(block)
}

/// The format-4 PAN field (16 bytes): `M` (PAN digits beyond 12, 0 for fewer), the PAN
/// (right-aligned in 12 digits when shorter), zeros after (a PAN of 1 to 19 ASCII digits).
pub fn format4_pan_field(pan: &[u8]) -> Result<[u8; 16]> {
    if !(1..=19).contains(&pan.len()) || !pan.iter().all(u8::is_ascii_digit) {
        return Err(Error::new(ErrorKind::BadPan));
    }
    let extra = pan.len().saturating_sub(12);
    let start = 1usize.saturating_add(12usize.saturating_sub(pan.len()));
    let mut out = [0u8; 16];
    set_nibble(&mut out, 0, extra as u8);
    for (i, &c) in pan.iter().enumerate() {
        set_nibble(&mut out, start.saturating_add(i), digit(c).unwrap_or(0));
    }
    Ok(out)
}

/// Enciphers a PIN in format 4 under an AES key: `E(E(PIN field) ⊕ PAN field)`.
///
/// ```
/// use paywire_cardsec::{Key, pin};
/// // psec's tests (github.com/knovichikhin/psec tests/test_pinblock.py): random fill FF….
/// # #[cfg(feature = "aes")] {
/// let key = Key::aes(&[0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF])?;
/// let block = pin::encipher_format4(&key, b"1234", b"1234567890123456789", &[0xFF; 8])?;
/// assert_eq!(block.as_bytes(), [0x28, 0xB4, 0x1F, 0xDD, 0xD2, 0x9B, 0x74, 0x3E, 0x93, 0x12, 0x4B, 0xD8, 0xE3, 0x2D, 0x92, 0x1E]);
/// let mut out = [0u8; 12];
/// assert_eq!(pin::decipher_format4(&key, block.as_bytes(), b"1234567890123456789", &mut out)?, b"1234");
/// # }
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn encipher_format4(key: &Key, pin: &[u8], pan: &[u8], random: &[u8]) -> Result<PinBlock> {
    if key.cipher() != Cipher::Aes {
        return Err(Error::new(ErrorKind::KeyCipher));
    }
    let pan_field = format4_pan_field(pan)?;
    let mut block = format4_pin_field(pin, random)?;
    let b = block.as_bytes_mut();
    key.encrypt_block(b);
    for (x, p) in b.iter_mut().zip(pan_field) {
        *x ^= p;
    }
    key.encrypt_block(b);
    Ok(block)
}

/// Deciphers a format-4 block under its AES key and PAN, and recovers the PIN into `out`.
pub fn decipher_format4<'o>(
    key: &Key,
    block: &[u8],
    pan: &[u8],
    out: &'o mut [u8; 12],
) -> Result<&'o [u8]> {
    if key.cipher() != Cipher::Aes {
        return Err(Error::new(ErrorKind::KeyCipher));
    }
    let pan_field = format4_pan_field(pan)?;
    let mut clear = PinBlock::from_bytes(block)?;
    if clear.len != 16 {
        return Err(Error::new(ErrorKind::BadPinBlock));
    }
    let b = clear.as_bytes_mut();
    key.decrypt_block(b);
    for (x, p) in b.iter_mut().zip(pan_field) {
        *x ^= p;
    }
    key.decrypt_block(b);
    decode(clear.as_bytes(), None, out)
}

/// Recovers the PIN of a clear block into `out`: formats 0 and 3 need the PAN, formats 1
/// and 2 do not; a 16-byte block is a format-4 PIN field. The control field, PIN length, PIN
/// digits and the format's fill (`F` for 0 and 2, `A`–`F` for 3, `A` for 4) are all checked.
pub fn decode<'o>(block: &[u8], pan: Option<&[u8]>, out: &'o mut [u8; 12]) -> Result<&'o [u8]> {
    let bad = Error::new(ErrorKind::BadPinBlock);
    let mut field = PinBlock::from_bytes(block)?;
    let control = nibble(&field.bytes, 0);
    match (control, field.len) {
        (0 | 3, 8) => {
            let account = account_field(pan.ok_or(Error::new(ErrorKind::BadPan))?)?;
            xor_account(&mut field, &account);
        }
        (1 | 2, 8) | (4, 16) => {}
        _ => return Err(bad),
    }
    let len = usize::from(nibble(&field.bytes, 1));
    if !(4..=12).contains(&len) {
        return Err(bad);
    }
    let mut ok = true;
    for (i, slot) in out.iter_mut().take(len).enumerate() {
        let d = nibble(&field.bytes, i.saturating_add(2));
        ok &= d <= 9;
        *slot = b'0'.wrapping_add(d);
    }
    for at in len.saturating_add(2)..16 {
        let f = nibble(&field.bytes, at);
        ok &= match control {
            0 | 2 => f == 0xF,
            3 => f >= 0xA,
            4 => f == 0xA,
            _ => true,
        };
    }
    if ok {
        Ok(out.get(..len).unwrap_or_default())
    } else {
        out.zeroize();
        Err(bad)
    }
}

/// Enciphers a clear 8-byte block (formats 0–3) under a DES/TDES PIN key.
///
/// ```
/// use paywire_cardsec::{Key, pin};
/// let pik = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// let block = pin::encrypt_block(&pin::format0(b"123456", b"4217123412341234")?, &pik)?;
/// let mut out = [0u8; 12];
/// assert_eq!(pin::decrypt(block.as_bytes(), Some(b"4217123412341234"), &pik, &mut out)?, b"123456");
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn encrypt_block(block: &PinBlock, key: &Key) -> Result<PinBlock> {
    if usize::from(block.len) != key.block_len() {
        return Err(Error::new(ErrorKind::BadPinBlock));
    }
    let mut out = block.clone();
    key.encrypt_block(out.as_bytes_mut());
    Ok(out)
}

/// Deciphers an 8-byte block (formats 0–3) under its DES/TDES key and recovers the PIN into
/// `out` (formats 0 and 3 need the PAN).
pub fn decrypt<'o>(
    block: &[u8],
    pan: Option<&[u8]>,
    key: &Key,
    out: &'o mut [u8; 12],
) -> Result<&'o [u8]> {
    if key.block_len() != 8 {
        return Err(Error::new(ErrorKind::KeyCipher));
    }
    let mut clear = PinBlock::from_bytes(block)?;
    if clear.len != 8 {
        return Err(Error::new(ErrorKind::BadPinBlock));
    }
    key.decrypt_block(clear.as_bytes_mut());
    decode(clear.as_bytes(), pan, out)
}
