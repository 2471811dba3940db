//! MACs over message bytes (usually `MessageRef::mac_input()`): UnionPay's "ECB" MAC (DES, 3DES
//! and the SM4 variant), ANSI X9.9 and ANSI X9.19. Verification is constant time.

use subtle::ConstantTimeEq as _;
use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};
use crate::key::Key;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// XOR of all `n`-byte blocks of `data`, the last one padded with zeros.
fn xor_blocks(data: &[u8], n: usize) -> [u8; 16] {
    let mut acc = [0u8; 16];
    for chunk in data.chunks(n) {
        for (a, &b) in acc.iter_mut().zip(chunk) {
            *a ^= b;
        }
    }
    acc
}

/// Upper-case hex of `bytes` into `out` (twice as long).
fn hex_upper(bytes: &[u8], out: &mut [u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            *lo = HEX.get(usize::from(b & 0x0F)).copied().unwrap_or(b'0');
        }
    }
}

/// UnionPay's "ECB" MAC (银联 ECB 算法): XOR the message's blocks (00-padded), write the result as
/// upper-case hex, encrypt its first half, XOR with its second half, encrypt again. Returns the
/// final cipher block (8 bytes for DES/3DES, 16 for SM4); field 64 carries the first 8 hex
/// characters of it as ASCII ([`field64`]).
///
/// ```
/// use paywire_unionpay::{Cipher, Key, key::unwrap_key, mac};
/// // blog.youkuaiyun.com/zhu244912654/article/details/80005341: the MAC key under the TMK, a 0200's
/// // MAC block, field 64 = "8A9E91B8".
/// let tmk = Key::des_or_tdes(&[0x70, 0xF2, 0xA8, 0x4C, 0xCB, 0xC2, 0xAE, 0x86, 0x25, 0xCB, 0xB0, 0xF2, 0xC2, 0x2A, 0xB9, 0x23])?;
/// let mak = unwrap_key(&tmk, &[0x96, 0xD6, 0x05, 0xEA, 0x17, 0x6B, 0x7E, 0x9E], Cipher::Des)?;
/// let mab = hex::decode(include_str!("../tests/vectors/cups-0200-mab.hex").trim()).unwrap();
/// let block = mac::cups_ecb(&mak, &mab);
/// assert_eq!(&mac::field64(&block), b"8A9E91B8");
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
pub fn cups_ecb(key: &Key, data: &[u8]) -> [u8; 16] {
    let n = key.block_len();
    let x = xor_blocks(data, n);
    let mut text = [0u8; 32];
    let hex_len = n.saturating_mul(2);
    if let (Some(src), Some(dst)) = (x.get(..n), text.get_mut(..hex_len)) {
        hex_upper(src, dst);
    }
    let (first, second) = text.split_at_mut(n);
    let mut block = [0u8; 16];
    if let (Some(b), Some(f)) = (block.get_mut(..n), first.get(..n)) {
        b.copy_from_slice(f);
        key.encrypt_block(b);
        for (v, s) in b.iter_mut().zip(second.iter()) {
            *v ^= s;
        }
        key.encrypt_block(b);
    }
    text.zeroize();
    block
}

/// The field 64 value for a [`cups_ecb`] result: its first 8 hex characters as ASCII.
pub fn field64(mac: &[u8]) -> [u8; 8] {
    let mut out = [0u8; 8];
    if let Some(head) = mac.get(..4) {
        hex_upper(head, &mut out);
    }
    out
}

/// CBC-MAC with a zero IV over the 00-padded message, one 8-byte block at a time through
/// `encrypt`.
#[inline]
fn cbc_mac(data: &[u8], mut encrypt: impl FnMut(&mut [u8; 8])) -> [u8; 8] {
    let mut state = [0u8; 8];
    for chunk in data.chunks(8) {
        for (s, &b) in state.iter_mut().zip(chunk) {
            *s ^= b;
        }
        encrypt(&mut state);
    }
    state
}

/// ANSI X9.9: CBC-MAC with a zero IV over the 00-padded message, with the key's cipher.
pub fn x9_9(key: &Key, data: &[u8]) -> [u8; 8] {
    cbc_mac(data, |block| key.encrypt_block(block))
}

/// ANSI X9.19 (ISO 9797-1 algorithm 3, "retail MAC"): DES CBC-MAC under the left half of a
/// double-length key, then decrypt with the right half and encrypt with the left.
///
/// ```
/// use paywire_unionpay::{Key, mac};
/// // The retail MAC of "Now is the time for all " (docs.rs/retail-mac).
/// let key = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// let out = mac::x9_19(&key, b"Now is the time for all ")?;
/// assert_eq!(out, [0xA1, 0xC7, 0x2E, 0x74, 0xEA, 0x3F, 0xA9, 0xB6]);
/// mac::verify(&out, &[0xA1, 0xC7, 0x2E, 0x74, 0xEA, 0x3F, 0xA9, 0xB6])?; // constant time
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
pub fn x9_19(key: &Key, data: &[u8]) -> Result<[u8; 8]> {
    use des::cipher::{BlockCipherDecrypt as _, BlockCipherEncrypt as _};
    let Some((left, right)) = key.des_halves() else {
        return Err(Error::new(ErrorKind::KeyLength {
            length: key.expose().len(),
        }));
    };
    let mut state = cbc_mac(data, |block| left.encrypt_block(block.into()));
    right.decrypt_block((&mut state).into());
    left.encrypt_block((&mut state).into());
    Ok(state)
}

/// Compares a received MAC with the expected one in constant time.
pub fn verify(expected: &[u8], received: &[u8]) -> Result<()> {
    if expected.len() == received.len() && bool::from(expected.ct_eq(received)) {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::MacMismatch))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // No public vector for the SM4 variant was found (GB/T 15852.1-2020 is not public): this
    // checks the construction step by step against the cipher itself.
    #[test]
    fn sm4_variant_construction() {
        let key = Key::sm4(&[0x11; 16]).unwrap();
        let data = b"0200 message bytes, more than one 16-byte block";
        let x = xor_blocks(data, 16);
        let mut text = [0u8; 32];
        hex_upper(&x, &mut text);
        let mut expected = [0u8; 16];
        expected.copy_from_slice(&text[..16]);
        key.encrypt_block(&mut expected);
        for (e, t) in expected.iter_mut().zip(&text[16..]) {
            *e ^= t;
        }
        key.encrypt_block(&mut expected);
        assert_eq!(cups_ecb(&key, data), expected);
    }
}
