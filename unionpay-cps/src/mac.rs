//! UnionPay's "ECB" MAC over message bytes (usually `MessageRef::mac_input()`): DES, 3DES and
//! the SM4 variant. ANSI X9.9 / X9.19, CMAC and the constant-time comparison are
//! `paywire_cardsec::mac`'s.

use zeroize::Zeroize;

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
