//! PIN blocks as UnionPay terminals send them (field 52): ISO 9564 format 0 under a 3DES PIN
//! key, or UnionPay's 16-byte SM4 variant of it; decryption for host-side tests. The ISO
//! formats themselves (0–4) are `paywire_cardsec::pin`'s.
//!
//! The SM4 variant lays format 0 out in 16 bytes: the PIN field `0 L PIN F…` over 32 nibbles
//! XOR the PAN field `0…0` + the 12 PAN digits right-aligned — so its first 8 bytes are the
//! clear PIN field and its last 8 are `FF…FF` XOR format 0's account field.

pub use paywire_cardsec::pin::PinBlock;
use paywire_cardsec::pin::{self as iso, account_field};
use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Cipher, Key};

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
    let block = iso::format0(pin, pan)?;
    match key.cipher() {
        Cipher::Des | Cipher::Tdes => Ok(iso::encrypt_block(&block, key)?),
        Cipher::Sm4 => {
            let account = account_field(pan)?;
            let mut wide = [0u8; 16];
            let (head, tail) = wide.split_at_mut(8);
            for ((h, b), a) in head.iter_mut().zip(block.as_bytes()).zip(account) {
                *h = b ^ a;
            }
            for (t, a) in tail.iter_mut().zip(account) {
                *t = 0xFF ^ a;
            }
            key.encrypt_block(&mut wide);
            let out = PinBlock::from_bytes(&wide);
            wide.zeroize();
            Ok(out?)
        }
        _ => Err(Error::new(ErrorKind::BadPinBlock)),
    }
}

/// Decrypts `block` under `key` and recovers the PIN digits into `out` (host-side tests).
/// 8-byte blocks are ISO formats 0–3 (formats 0 and 3 need the PAN; format 1 ignores it);
/// 16-byte blocks the SM4 variant of format 0.
pub fn decrypt<'o>(block: &[u8], pan: &[u8], key: &Key, out: &'o mut [u8; 12]) -> Result<&'o [u8]> {
    let bad = Error::new(ErrorKind::BadPinBlock);
    match (key.cipher(), block.len()) {
        (Cipher::Des | Cipher::Tdes, 8) => Ok(iso::decrypt(block, Some(pan), key, out)?),
        (Cipher::Sm4, 16) => {
            let account = account_field(pan)?;
            let mut clear = [0u8; 16];
            clear.copy_from_slice(block);
            key.decrypt_block(&mut clear);
            let (head, tail) = clear.split_at_mut(8);
            let mut ok = head.first().is_some_and(|b| b >> 4 == 0);
            for ((h, t), a) in head.iter_mut().zip(tail.iter()).zip(account) {
                ok &= *t == 0xFF ^ a;
                *h ^= a;
            }
            let result = if ok {
                iso::decode(head, Some(pan), out).map_err(Error::from)
            } else {
                Err(bad)
            };
            clear.zeroize();
            result
        }
        _ => Err(bad),
    }
}
