//! MACs: ISO/IEC 9797-1 MAC algorithm 1 (CBC-MAC; with DES it is ANSI X9.9) and MAC
//! algorithm 3 (the retail MAC, ANSI X9.19) with padding methods 1, 2 and 3; CMAC (NIST SP
//! 800-38B) with AES, TDES and the other ciphers through RustCrypto's `cmac`. Verification is
//! constant time. Nothing allocates: the padding is applied to the last block as it goes.

use cmac::digest::{InnerInit as _, Mac as _};
use des::cipher::{Array, BlockCipherDecrypt as _, BlockCipherEncrypt as _, KeyInit as _};
use subtle::ConstantTimeEq as _;

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Cipher, Engine, Key, KeyBytes};

/// ISO/IEC 9797-1 padding methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Padding {
    /// Method 1: zero bits up to a positive multiple of the block (an empty message is one
    /// zero block).
    Method1,
    /// Method 2: one `1` bit (`0x80`), then zero bits up to a multiple of the block.
    Method2,
    /// Method 3: a first block holding the message length in bits (big-endian), then the
    /// message padded as method 1.
    Method3,
}

/// A MAC: up to one cipher block. `as_bytes` has the cipher's block length.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct MacValue {
    pub(crate) block: [u8; 16],
    len: u8,
}

impl MacValue {
    fn new(block: [u8; 16], len: usize) -> Self {
        Self {
            block,
            len: len.min(16) as u8,
        }
    }

    /// The MAC (the cipher's block length: 8 bytes for DES/TDES, 16 for AES/SM4).
    pub fn as_bytes(&self) -> &[u8] {
        self.block.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// The leading `len` bytes, as a MAC is usually sent (1 to the block length).
    pub fn truncated(&self, len: usize) -> Result<&[u8]> {
        match self.block.get(..len) {
            Some(head) if len > 0 && len <= usize::from(self.len) => Ok(head),
            _ => Err(Error::new(ErrorKind::MacLength)),
        }
    }

    /// Compares the leading bytes with a received MAC (1 to the block length), in constant
    /// time.
    pub fn verify(&self, received: &[u8]) -> Result<()> {
        let ours = self
            .truncated(received.len())
            .map_err(|_| Error::new(ErrorKind::MacMismatch))?;
        verify(ours, received)
    }
}

impl core::fmt::Debug for MacValue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("MacValue(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}

/// CBC with a zero IV over `data` padded by `padding`, `n`-byte blocks through `encrypt`;
/// returns the last cipher block.
#[inline]
fn cbc<const N: usize>(
    data: &[u8],
    padding: Padding,
    mut encrypt: impl FnMut(&mut [u8; N]),
) -> [u8; N] {
    let mut state = [0u8; N];
    let mut absorb = |block: &[u8], state: &mut [u8; N]| {
        for (s, &b) in state.iter_mut().zip(block) {
            *s ^= b;
        }
        encrypt(state);
    };
    if padding == Padding::Method3 {
        // The length in bits, right-aligned (a message shorter than 2^64 bits).
        let bits = (data.len() as u64).wrapping_mul(8).to_be_bytes();
        let mut first = [0u8; N];
        for (f, b) in first.iter_mut().rev().zip(bits.iter().rev()) {
            *f = *b;
        }
        absorb(&first, &mut state);
    }
    let full = data
        .len()
        .saturating_sub(data.len().checked_rem(N).unwrap_or(0));
    let (whole, rest) = data.split_at(full.min(data.len()));
    // Method 2 always adds its `0x80`; methods 1 and 3 pad only a partial (or empty) message.
    let pad_rest = !rest.is_empty() || padding == Padding::Method2 || whole.is_empty();
    let (whole, last) = if pad_rest {
        (whole, rest)
    } else {
        // The last full block is the last block: nothing to pad.
        whole.split_at(whole.len().saturating_sub(N))
    };
    for block in whole.chunks_exact(N) {
        absorb(block, &mut state);
    }
    let mut tail = [0u8; N];
    for (t, &b) in tail.iter_mut().zip(last) {
        *t = b;
    }
    if padding == Padding::Method2
        && let Some(t) = tail.get_mut(last.len())
    {
        *t = 0x80;
    }
    absorb(&tail, &mut state);
    state
}

/// ISO/IEC 9797-1 MAC algorithm 1: CBC-MAC with the key's cipher over the padded message.
/// With a DES key and padding method 1 this is ANSI X9.9.
///
/// ```
/// use paywire_cardsec::{Key, mac::{self, Padding}};
/// // psec's tests (github.com/knovichikhin/psec tests/test_mac.py): TDES key AAAA…BBBB,
/// // "hello world", padding method 2.
/// let key = Key::des_or_tdes(&[0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xBB, 0xBB, 0xBB, 0xBB, 0xBB, 0xBB, 0xBB, 0xBB])?;
/// let m = mac::cbc_mac(&key, b"hello world", Padding::Method2);
/// assert_eq!(m.as_bytes(), [0x32, 0xDC, 0x34, 0x12, 0x71, 0xAC, 0xCD, 0x00]);
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn cbc_mac(key: &Key, data: &[u8], padding: Padding) -> MacValue {
    if key.block_len() == 16 {
        let b = cbc::<16>(data, padding, |s| key.encrypt_block(s));
        MacValue::new(b, 16)
    } else {
        let b = cbc::<8>(data, padding, |s| key.encrypt_block(s));
        let mut block = [0u8; 16];
        for (o, i) in block.iter_mut().zip(b) {
            *o = i;
        }
        MacValue::new(block, 8)
    }
}

/// ISO/IEC 9797-1 MAC algorithm 3 (the retail MAC): DES CBC-MAC under the left half `K` of a
/// double-length key, then decrypt with the right half `K'` and encrypt with `K`. With
/// padding method 1 this is ANSI X9.19.
///
/// ```
/// use paywire_cardsec::{Key, mac::{self, Padding}};
/// // The retail MAC of "Now is the time for all " (docs.rs/retail-mac).
/// let key = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// let out = mac::retail_mac(&key, b"Now is the time for all ", Padding::Method1)?;
/// assert_eq!(out, [0xA1, 0xC7, 0x2E, 0x74, 0xEA, 0x3F, 0xA9, 0xB6]);
/// mac::verify(&out, &[0xA1, 0xC7, 0x2E, 0x74, 0xEA, 0x3F, 0xA9, 0xB6])?; // constant time
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn retail_mac(key: &Key, data: &[u8], padding: Padding) -> Result<[u8; 8]> {
    let Some((left, right)) = key.des_halves() else {
        return Err(Error::new(ErrorKind::KeyLength {
            length: key.expose().len(),
        }));
    };
    let mut state = cbc::<8>(data, padding, |block| left.encrypt_block(block.into()));
    right.decrypt_block((&mut state).into());
    left.encrypt_block((&mut state).into());
    Ok(state)
}

/// ANSI X9.9: CBC-MAC with a zero IV over the zero-padded message, with the key's DES or
/// TDES cipher (ISO/IEC 9797-1 algorithm 1, padding method 1).
pub fn x9_9(key: &Key, data: &[u8]) -> Result<[u8; 8]> {
    if key.block_len() != 8 {
        return Err(Error::new(ErrorKind::KeyCipher));
    }
    Ok(cbc::<8>(data, Padding::Method1, |s| key.encrypt_block(s)))
}

/// ANSI X9.19 (ISO/IEC 9797-1 algorithm 3, padding method 1) under a double-length key.
pub fn x9_19(key: &Key, data: &[u8]) -> Result<[u8; 8]> {
    retail_mac(key, data, Padding::Method1)
}

/// CMAC (NIST SP 800-38B) under the key: AES-CMAC, TDES-CMAC (double- or triple-length),
/// and the same construction with DES or SM4.
///
/// ```
/// use paywire_cardsec::{Key, mac};
/// // NIST SP 800-38B, updated examples D.1 (AES-128), example 2: one block.
/// # #[cfg(feature = "aes")] {
/// let key = Key::aes(&[0x2B, 0x7E, 0x15, 0x16, 0x28, 0xAE, 0xD2, 0xA6, 0xAB, 0xF7, 0x15, 0x88, 0x09, 0xCF, 0x4F, 0x3C])?;
/// let m = mac::cmac(&key, &[0x6B, 0xC1, 0xBE, 0xE2, 0x2E, 0x40, 0x9F, 0x96, 0xE9, 0x3D, 0x7E, 0x11, 0x73, 0x93, 0x17, 0x2A]);
/// assert_eq!(m.as_bytes(), [0x07, 0x0A, 0x16, 0xB4, 0x6B, 0x4D, 0x41, 0x44, 0xF7, 0x9B, 0xDD, 0x9D, 0xD0, 0x4A, 0x28, 0x7C]);
/// # }
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn cmac(key: &Key, data: &[u8]) -> MacValue {
    cmac_engine(key.cipher(), key.engine(), key.key_bytes(), &[data])
}

/// CMAC of the concatenation of `parts` under `key`.
pub(crate) fn cmac_parts(key: &Key, parts: &[&[u8]]) -> MacValue {
    cmac_engine(key.cipher(), key.engine(), key.key_bytes(), parts)
}

/// CMAC of the concatenation of `data` through `cipher` (a fresh clone of the key's schedule;
/// the cipher crate's TDES for TDES keys, whose halves the engine keeps apart).
pub(crate) fn cmac_engine(
    cipher: Cipher,
    engine: &Engine,
    bytes: &KeyBytes,
    data: &[&[u8]],
) -> MacValue {
    fn run<C: cmac::block_api::CmacCipher + Clone>(c: C, parts: &[&[u8]]) -> [u8; 16]
    where
        cmac::Cmac<C>: cmac::Mac,
    {
        let mut m = <cmac::Cmac<C>>::inner_init(c);
        for part in parts {
            m.update(part);
        }
        let out = m.finalize().into_bytes();
        let mut block = [0u8; 16];
        for (b, o) in block.iter_mut().zip(out.iter()) {
            *b = *o;
        }
        block
    }
    let key = bytes.expose();
    let block = match engine {
        Engine::Des(c) => run(c.clone(), data),
        Engine::Tdes2(..) => {
            let k: [u8; 16] = core::array::from_fn(|i| key.get(i).copied().unwrap_or(0));
            run(des::TdesEde2::new(&Array::from(k)), data)
        }
        Engine::Tdes3(..) => {
            let k: [u8; 24] = core::array::from_fn(|i| key.get(i).copied().unwrap_or(0));
            run(des::TdesEde3::new(&Array::from(k)), data)
        }
        #[cfg(feature = "aes")]
        Engine::Aes128(c) => run(c.clone(), data),
        #[cfg(feature = "aes")]
        Engine::Aes192(c) => run(c.clone(), data),
        #[cfg(feature = "aes")]
        Engine::Aes256(c) => run(c.clone(), data),
        #[cfg(feature = "sm4")]
        Engine::Sm4(c) => run(c.clone(), data),
        #[cfg(not(all(feature = "aes", feature = "sm4")))]
        Engine::Refused => [0u8; 16],
    };
    MacValue::new(block, cipher.block_len())
}

/// Compares a received MAC with the expected one in constant time (lengths must agree).
pub fn verify(expected: &[u8], received: &[u8]) -> Result<()> {
    if expected.len() == received.len() && bool::from(expected.ct_eq(received)) {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::MacMismatch))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use super::*;

    /// The padded message, one block at a time, as psec's `pad_iso_1/2/3` tests give it
    /// (github.com/knovichikhin/psec tests/test_mac.py, 8-byte blocks).
    fn padded(data: &[u8], padding: Padding) -> std::vec::Vec<u8> {
        let mut out = std::vec::Vec::new();
        cbc::<8>(data, padding, |s| {
            out.extend_from_slice(s);
            // Record the block, then make the next XOR a no-op by zeroing the state.
            s.fill(0);
        });
        out
    }

    extern crate std;

    #[test]
    fn padding_as_psec() {
        let h = |s: &str| hex::decode(s).unwrap();
        assert_eq!(padded(&h("1234"), Padding::Method1), h("1234000000000000"));
        assert_eq!(
            padded(&h("1234567890123456"), Padding::Method1),
            h("1234567890123456")
        );
        assert_eq!(padded(&h("1234"), Padding::Method2), h("1234800000000000"));
        assert_eq!(
            padded(&h("12345678901234"), Padding::Method2),
            h("1234567890123480")
        );
        assert_eq!(
            padded(&h("1234567890123456"), Padding::Method2),
            h("12345678901234568000000000000000")
        );
        assert_eq!(
            padded(&h("1234"), Padding::Method3),
            h("00000000000000101234000000000000")
        );
        assert_eq!(
            padded(&h("1234567890123456"), Padding::Method3),
            h("00000000000000401234567890123456")
        );
        // An empty message is one zero block (a positive multiple of the block).
        assert_eq!(padded(&[], Padding::Method1), h("0000000000000000"));
        assert_eq!(padded(&[], Padding::Method2), h("8000000000000000"));
    }
}
