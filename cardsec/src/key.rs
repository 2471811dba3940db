//! Keys: DES, double- or triple-length TDES, AES-128/192/256, SM4. Zeroized on drop, never
//! printed.
//!
//! A [`Key`] holds the cipher's key schedule, made once; [`KeyBytes`] holds clear key bytes
//! checked for a cipher before they become a key (an unwrapped or derived key, a key on its
//! way to a check value), so a firmware can make the key in its final place.

use core::fmt;

use des::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};

/// The block cipher a key is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cipher {
    /// Single DES (8-byte key).
    Des,
    /// Triple DES, EDE, with a double-length (16-byte) or triple-length (24-byte) key.
    Tdes,
    /// AES with a 16-, 24- or 32-byte key (the `aes` feature).
    Aes,
    /// SM4 (GB/T 32907), 16-byte key and block (the `sm4` feature).
    Sm4,
}

impl Cipher {
    /// Block size in bytes.
    pub const fn block_len(self) -> usize {
        match self {
            Self::Des | Self::Tdes => 8,
            Self::Aes | Self::Sm4 => 16,
        }
    }

    /// Whether `len` bytes make a key of this cipher.
    pub const fn takes(self, len: usize) -> bool {
        match self {
            Self::Des => len == 8,
            Self::Tdes => len == 16 || len == 24,
            Self::Aes => len == 16 || len == 24 || len == 32,
            Self::Sm4 => len == 16,
        }
    }

    /// Whether this build has the cipher (AES and SM4 are features).
    pub const fn supported(self) -> bool {
        match self {
            Self::Des | Self::Tdes => true,
            Self::Aes => cfg!(feature = "aes"),
            Self::Sm4 => cfg!(feature = "sm4"),
        }
    }
}

/// The longest key: AES-256.
pub(crate) const MAX_KEY: usize = 32;

/// Clear key bytes checked for their cipher (length, and the cipher in this build). Zeroized
/// on drop; `Debug` prints `<redacted>`.
#[derive(Clone)]
pub struct KeyBytes {
    cipher: Cipher,
    bytes: [u8; MAX_KEY],
    len: u8,
}

impl KeyBytes {
    /// `bytes` as a key of `cipher`.
    pub fn new(cipher: Cipher, bytes: &[u8]) -> Result<Self> {
        if !cipher.supported() {
            return Err(Error::new(ErrorKind::Unsupported));
        }
        let mut out = Self {
            cipher,
            bytes: [0; MAX_KEY],
            len: 0,
        };
        match out.bytes.get_mut(..bytes.len()) {
            Some(dest) if cipher.takes(bytes.len()) => dest.copy_from_slice(bytes),
            _ => {
                return Err(Error::new(ErrorKind::KeyLength {
                    length: bytes.len(),
                }));
            }
        }
        out.len = bytes.len() as u8;
        Ok(out)
    }

    /// A double-length TDES key (16 bytes are always one).
    pub(crate) fn tdes_double(bytes: &[u8; 16]) -> Self {
        let mut out = Self {
            cipher: Cipher::Tdes,
            bytes: [0; MAX_KEY],
            len: 16,
        };
        for (o, i) in out.bytes.iter_mut().zip(bytes) {
            *o = *i;
        }
        out
    }

    /// The cipher.
    pub const fn cipher(&self) -> Cipher {
        self.cipher
    }

    /// The key bytes (handle with care).
    pub fn expose(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// Decrypts `encrypted` block by block (ECB) under `kek` — how a working key arrives under
    /// a master key — as a key of `cipher`.
    pub fn decrypt_ecb(kek: &Key, encrypted: &[u8], cipher: Cipher) -> Result<Self> {
        let n = kek.block_len();
        let mut clear = zeroize::Zeroizing::new([0u8; MAX_KEY]);
        let dest = clear
            .get_mut(..encrypted.len())
            .filter(|_| encrypted.len().is_multiple_of(n))
            .ok_or(Error::new(ErrorKind::KeyLength {
                length: encrypted.len(),
            }))?;
        dest.copy_from_slice(encrypted);
        for block in dest.chunks_mut(n) {
            kek.decrypt_block(block);
        }
        Self::new(cipher, dest)
    }
}

impl Drop for KeyBytes {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for KeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyBytes({:?}, <redacted>)", self.cipher)
    }
}

/// The initialised cipher (key schedule computed once; zeroized on drop by the cipher crates).
/// Each variant keeps the schedules its algorithm uses and no more: a double-length key its two
/// halves' (two-key EDE is `E(K1) D(K2) E(K1)`, and the retail MAC uses the halves alone).
#[derive(Clone)]
pub(crate) enum Engine {
    Des(des::Des),
    /// A double-length key as its halves.
    Tdes2(des::Des, des::Des),
    /// A triple-length key as its thirds.
    Tdes3(des::Des, des::Des, des::Des),
    #[cfg(feature = "aes")]
    Aes128(aes::Aes128),
    #[cfg(feature = "aes")]
    Aes192(aes::Aes192),
    #[cfg(feature = "aes")]
    Aes256(aes::Aes256),
    #[cfg(feature = "sm4")]
    Sm4(sm4::Sm4),
    /// A cipher left out of this build: never made ([`KeyBytes::new`] refuses the key first,
    /// and every key is made from checked bytes); it would encrypt every block to zeros, never
    /// to its clear text.
    #[cfg(not(all(feature = "aes", feature = "sm4")))]
    Refused,
}

/// A secret key. `Debug` prints `<redacted>`; the bytes are zeroed when dropped.
///
/// ```
/// use paywire_cardsec::{Cipher, Key};
/// let key = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// assert_eq!(key.cipher(), Cipher::Tdes);
/// assert!(!format!("{key:?}").contains("0123")); // redacted
/// assert!(Key::des_or_tdes(&[0u8; 12]).is_err()); // 8, 16 or 24 bytes
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
#[derive(Clone)]
pub struct Key {
    bytes: KeyBytes,
    engine: Engine,
}

impl Key {
    /// A DES or TDES key chosen by length: 8 bytes DES, 16 or 24 bytes TDES.
    pub fn des_or_tdes(bytes: &[u8]) -> Result<Self> {
        match bytes.len() {
            8 => Self::new(Cipher::Des, bytes),
            16 | 24 => Self::new(Cipher::Tdes, bytes),
            length => Err(Error::new(ErrorKind::KeyLength { length })),
        }
    }

    /// An AES key (16, 24 or 32 bytes). Needs the `aes` feature (on by default).
    pub fn aes(bytes: &[u8]) -> Result<Self> {
        Self::new(Cipher::Aes, bytes)
    }

    /// An SM4 key (16 bytes). Needs the `sm4` feature (on by default): without it
    /// [`ErrorKind::Unsupported`].
    pub fn sm4(bytes: &[u8]) -> Result<Self> {
        Self::new(Cipher::Sm4, bytes)
    }

    /// A key for `cipher`.
    pub fn new(cipher: Cipher, bytes: &[u8]) -> Result<Self> {
        Ok(Self::from_bytes(&KeyBytes::new(cipher, bytes)?))
    }

    /// The key of checked bytes. It cannot fail, so a caller can build a key straight into its
    /// place (a struct field, the return value) with no key-sized temporary — firmware stacks
    /// are small.
    pub fn from_bytes(bytes: &KeyBytes) -> Self {
        Self {
            bytes: bytes.clone(),
            engine: Engine::new(bytes),
        }
    }

    /// The cipher.
    pub const fn cipher(&self) -> Cipher {
        self.bytes.cipher
    }

    /// The key bytes (handle with care).
    pub fn expose(&self) -> &[u8] {
        self.bytes.expose()
    }

    /// The key's clear bytes as checked bytes.
    pub const fn key_bytes(&self) -> &KeyBytes {
        &self.bytes
    }

    /// Block size of the key's cipher.
    pub const fn block_len(&self) -> usize {
        self.bytes.cipher.block_len()
    }

    pub(crate) const fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The halves of a double-length TDES key as single-DES ciphers (schedules computed when
    /// the key was made).
    pub(crate) const fn des_halves(&self) -> Option<(&des::Des, &des::Des)> {
        match &self.engine {
            Engine::Tdes2(left, right) => Some((left, right)),
            _ => None,
        }
    }

    /// Encrypts one block in place (`block` must be [`Key::block_len`] bytes; other lengths are
    /// left unchanged).
    pub fn encrypt_block(&self, block: &mut [u8]) {
        self.engine.apply(block, true);
    }

    /// Decrypts one block in place.
    pub fn decrypt_block(&self, block: &mut [u8]) {
        self.engine.apply(block, false);
    }
}

impl Engine {
    /// The schedules for checked key bytes (kept out of line: each variant's schedule is built
    /// straight into the result).
    #[inline(never)]
    pub(crate) fn new(key: &KeyBytes) -> Self {
        let bytes = &key.bytes;
        // The key's parts as arrays (no length checks left to fail).
        let part = |at: usize| -> [u8; 8] {
            core::array::from_fn(|i| bytes.get(at.wrapping_add(i)).copied().unwrap_or(0))
        };
        let des = |at: usize| des::Des::new(&Array::from(part(at)));
        match (key.cipher, key.len) {
            (Cipher::Des, _) => Self::Des(des(0)),
            (Cipher::Tdes, 16) => Self::Tdes2(des(0), des(8)),
            (Cipher::Tdes, _) => Self::Tdes3(des(0), des(8), des(16)),
            #[cfg(feature = "aes")]
            (Cipher::Aes, 16) => Self::Aes128(aes::Aes128::new(&Array::from(prefix::<16>(bytes)))),
            #[cfg(feature = "aes")]
            (Cipher::Aes, 24) => Self::Aes192(aes::Aes192::new(&Array::from(prefix::<24>(bytes)))),
            #[cfg(feature = "aes")]
            (Cipher::Aes, _) => Self::Aes256(aes::Aes256::new(&Array::from(prefix::<32>(bytes)))),
            #[cfg(feature = "sm4")]
            (Cipher::Sm4, _) => Self::Sm4(sm4::Sm4::new(&Array::from(prefix::<16>(bytes)))),
            #[cfg(not(all(feature = "aes", feature = "sm4")))]
            _ => Self::Refused,
        }
    }

    #[inline]
    pub(crate) fn apply(&self, block: &mut [u8], encrypt: bool) {
        match self {
            Engine::Des(c) => crypt(c, block, encrypt),
            Engine::Tdes2(k1, k2) => {
                // Two-key triple DES (ANSI X9.52 / NIST SP 800-67 keying option 2, K3 = K1):
                // encrypt E(K1) D(K2) E(K1), decrypt D(K1) E(K2) D(K1).
                crypt(k1, block, encrypt);
                crypt(k2, block, !encrypt);
                crypt(k1, block, encrypt);
            }
            Engine::Tdes3(k1, k2, k3) => {
                // Three-key triple DES (keying option 1): encrypt E(K1) D(K2) E(K3), decrypt
                // D(K3) E(K2) D(K1).
                let (first, last) = if encrypt { (k1, k3) } else { (k3, k1) };
                crypt(first, block, encrypt);
                crypt(k2, block, !encrypt);
                crypt(last, block, encrypt);
            }
            #[cfg(feature = "aes")]
            Engine::Aes128(c) => crypt(c, block, encrypt),
            #[cfg(feature = "aes")]
            Engine::Aes192(c) => crypt(c, block, encrypt),
            #[cfg(feature = "aes")]
            Engine::Aes256(c) => crypt(c, block, encrypt),
            #[cfg(feature = "sm4")]
            Engine::Sm4(c) => crypt(c, block, encrypt),
            #[cfg(not(all(feature = "aes", feature = "sm4")))]
            Engine::Refused => block.fill(0),
        }
    }
}

/// The first `N` bytes of a key buffer as an array.
#[cfg(any(feature = "aes", feature = "sm4"))]
fn prefix<const N: usize>(bytes: &[u8; MAX_KEY]) -> [u8; N] {
    core::array::from_fn(|i| bytes.get(i).copied().unwrap_or(0))
}

/// One block through `c`; blocks of another length are left unchanged.
#[inline]
fn crypt<C: BlockCipherEncrypt + BlockCipherDecrypt>(c: &C, block: &mut [u8], encrypt: bool) {
    if let Ok(b) = <&mut Array<u8, C::BlockSize>>::try_from(block) {
        if encrypt {
            c.encrypt_block(b);
        } else {
            c.decrypt_block(b);
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({:?}, <redacted>)", self.cipher())
    }
}

// Without AES a key keeps at most three DES schedules (firmware keeps keys on small stacks).
#[cfg(not(feature = "aes"))]
const _: () = assert!(core::mem::size_of::<Key>() <= 432);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use super::*;

    // NIST SP 800-67 Rev. 2 (TDEA), Appendix B example: three keys, the plaintext "The qufck
    // brown fox jump" in three blocks, ECB (the same ciphertext from OpenSSL's des-ede3).
    #[test]
    fn triple_length_key_encrypts_as_published() {
        let key = Key::des_or_tdes(&[
            0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD,
            0xEF, 0x01, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23,
        ])
        .unwrap();
        let mut text = *b"The qufck brown fox jump";
        for block in text.chunks_mut(8) {
            key.encrypt_block(block);
        }
        assert_eq!(
            text,
            [
                0xA8, 0x26, 0xFD, 0x8C, 0xE5, 0x3B, 0x85, 0x5F, 0xCC, 0xE2, 0x1C, 0x81, 0x12, 0x25,
                0x6F, 0xE6, 0x68, 0xD5, 0xC0, 0x5D, 0xD9, 0xB6, 0xB9, 0x00
            ]
        );
        for block in text.chunks_mut(8) {
            key.decrypt_block(block);
        }
        assert_eq!(&text, b"The qufck brown fox jump");
    }

    #[test]
    fn lengths_per_cipher() {
        for (cipher, ok) in [
            (Cipher::Des, &[8][..]),
            (Cipher::Tdes, &[16, 24]),
            (Cipher::Aes, &[16, 24, 32]),
            (Cipher::Sm4, &[16]),
        ] {
            for len in 0..=40 {
                let made = KeyBytes::new(cipher, &[0x11; 40][..len]);
                // A cipher left out of the build refuses every length.
                let expected = cipher.supported() && ok.contains(&len);
                assert_eq!(made.is_ok(), expected, "{cipher:?} {len}");
            }
        }
    }
}
