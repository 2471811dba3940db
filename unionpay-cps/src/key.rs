//! Keys: DES, double- or triple-length 3DES, SM4. Zeroized on drop, never printed.

use core::fmt;

use des::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};

/// The block cipher a key is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cipher {
    /// Single DES (8-byte key).
    Des,
    /// Triple DES, EDE, with a double-length (16-byte) or triple-length (24-byte) key.
    Tdes,
    /// SM4 (GB/T 32907), 16-byte key and block.
    Sm4,
}

impl Cipher {
    /// Block size in bytes.
    pub const fn block_len(self) -> usize {
        match self {
            Self::Des | Self::Tdes => 8,
            Self::Sm4 => 16,
        }
    }
}

/// The initialised cipher (key schedule computed once; zeroized on drop by the cipher crates).
/// Each variant keeps the schedules its algorithm uses and no more: a double-length key its two
/// halves' (two-key EDE is `E(K1) D(K2) E(K1)`, and the retail MAC uses the halves alone), so the
/// largest, a triple-length key, is three DES schedules (384 bytes).
#[derive(Clone)]
enum Engine {
    Des(des::Des),
    /// A double-length key as its halves.
    Tdes2(des::Des, des::Des),
    /// A triple-length key as its thirds.
    Tdes3(des::Des, des::Des, des::Des),
    #[cfg(feature = "sm4")]
    Sm4(sm4::Sm4),
    /// An SM4 key in a build without the `sm4` feature: never made ([`Key::new`] refuses the
    /// key first, and every other key is made from a checked one); it would encrypt every
    /// block to zeros, never to its clear text.
    #[cfg(not(feature = "sm4"))]
    Refused,
}

/// A secret key. `Debug` prints `<redacted>`; the bytes are zeroed when dropped.
///
/// ```
/// use paywire_unionpay::{Cipher, Key};
/// let key = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// assert_eq!(key.cipher(), Cipher::Tdes);
/// assert!(!format!("{key:?}").contains("0123")); // redacted
/// assert!(Key::des_or_tdes(&[0u8; 12]).is_err()); // 8, 16 or 24 bytes
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
#[derive(Clone)]
pub struct Key {
    cipher: Cipher,
    bytes: [u8; 24],
    len: u8,
    engine: Engine,
}

impl Key {
    /// A DES or 3DES key chosen by length: 8 bytes DES, 16 or 24 bytes 3DES.
    pub fn des_or_tdes(bytes: &[u8]) -> Result<Self> {
        match bytes.len() {
            8 => Self::new(Cipher::Des, bytes),
            16 | 24 => Self::new(Cipher::Tdes, bytes),
            length => Err(Error::new(ErrorKind::KeyLength { length })),
        }
    }

    /// An SM4 key (16 bytes). Needs the `sm4` feature (on by default): without it
    /// [`ErrorKind::Unsupported`] (a firmware for DES/3DES terminals leaves SM4 out: 1 KB of
    /// flash).
    pub fn sm4(bytes: &[u8]) -> Result<Self> {
        Self::new(Cipher::Sm4, bytes)
    }

    /// A key for `cipher`.
    pub fn new(cipher: Cipher, bytes: &[u8]) -> Result<Self> {
        if cipher == Cipher::Sm4 && !cfg!(feature = "sm4") {
            return Err(Error::new(ErrorKind::Unsupported));
        }
        let ok = match cipher {
            Cipher::Des => bytes.len() == 8,
            Cipher::Tdes => bytes.len() == 16 || bytes.len() == 24,
            Cipher::Sm4 => bytes.len() == 16,
        };
        let mut padded = zeroize::Zeroizing::new([0u8; 24]);
        match padded.get_mut(..bytes.len()) {
            Some(dest) if ok => dest.copy_from_slice(bytes),
            _ => {
                return Err(Error::new(ErrorKind::KeyLength {
                    length: bytes.len(),
                }));
            }
        }
        Ok(Self::make(cipher, &padded, bytes.len()))
    }

    /// The key for `cipher` of the first `len` bytes of `bytes`, which [`Key::new`] has checked
    /// (8 for DES, 16 or 24 for 3DES, 16 for SM4). It cannot fail, so a caller can build a key
    /// straight into its place (a struct field, the return value) with no key-sized temporary —
    /// firmware stacks are small.
    pub(crate) fn make(cipher: Cipher, bytes: &[u8; 24], len: usize) -> Self {
        Self {
            cipher,
            bytes: *bytes,
            len: len.min(24) as u8,
            engine: Engine::new(cipher, bytes, len),
        }
    }
}

impl Engine {
    /// The schedules of `cipher` for the first `len` bytes of `bytes` (kept out of line: each
    /// variant's schedule is built straight into the result).
    #[inline(never)]
    fn new(cipher: Cipher, bytes: &[u8; 24], len: usize) -> Self {
        // The key's parts as arrays (no length checks left to fail).
        let part = |at: usize| -> [u8; 8] {
            core::array::from_fn(|i| bytes.get(at.wrapping_add(i)).copied().unwrap_or(0))
        };
        let des = |at: usize| des::Des::new(&Array::from(part(at)));
        match (cipher, len) {
            (Cipher::Des, _) => Self::Des(des(0)),
            (Cipher::Tdes, 16) => Self::Tdes2(des(0), des(8)),
            (Cipher::Tdes, _) => Self::Tdes3(des(0), des(8), des(16)),
            #[cfg(feature = "sm4")]
            (Cipher::Sm4, _) => {
                let sm4: [u8; 16] = core::array::from_fn(|i| bytes.get(i).copied().unwrap_or(0));
                Self::Sm4(sm4::Sm4::new(&Array::from(sm4)))
            }
            #[cfg(not(feature = "sm4"))]
            (Cipher::Sm4, _) => Self::Refused,
        }
    }
}

impl Key {
    /// The cipher.
    pub const fn cipher(&self) -> Cipher {
        self.cipher
    }

    /// The key bytes (handle with care).
    pub fn expose(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// Block size of the key's cipher.
    pub const fn block_len(&self) -> usize {
        self.cipher.block_len()
    }

    /// The halves of a double-length 3DES key as single-DES ciphers (schedules computed when the
    /// key was made).
    pub(crate) const fn des_halves(&self) -> Option<(&des::Des, &des::Des)> {
        match &self.engine {
            Engine::Tdes2(left, right) => Some((left, right)),
            _ => None,
        }
    }

    /// Encrypts one block in place (`block` must be [`Key::block_len`] bytes; other lengths are
    /// left unchanged).
    pub fn encrypt_block(&self, block: &mut [u8]) {
        self.apply(block, true);
    }

    /// Decrypts one block in place.
    pub fn decrypt_block(&self, block: &mut [u8]) {
        self.apply(block, false);
    }

    #[inline]
    fn apply(&self, block: &mut [u8], encrypt: bool) {
        self.engine.apply(block, encrypt);
    }
}

impl Engine {
    #[inline]
    fn apply(&self, block: &mut [u8], encrypt: bool) {
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
            #[cfg(feature = "sm4")]
            Engine::Sm4(c) => crypt(c, block, encrypt),
            #[cfg(not(feature = "sm4"))]
            Engine::Refused => block.fill(0),
        }
    }
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

impl Drop for Key {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({:?}, <redacted>)", self.cipher)
    }
}

/// The key check value: the first `len` bytes of the key's encryption of a zero block (4 bytes
/// for DES/3DES and 8 for SM4 are what UnionPay terminals compare).
///
/// ```
/// use paywire_unionpay::{Key, key::check_value};
/// // An SM4 working key and its check value (blog.csdn.net/M_Kerry/article/details/104625499;
/// // SM4 is the `sm4` feature).
/// # #[cfg(feature = "sm4")] {
/// let key = Key::sm4(&[0xF3, 0x51, 0xD4, 0x90, 0x99, 0x46, 0x03, 0x79, 0x5C, 0x6E, 0xBE, 0xE8, 0xFA, 0xEB, 0xB4, 0x81])?;
/// assert_eq!(check_value(&key)[..8], [0x86, 0x1E, 0x83, 0xE3, 0x1F, 0xAE, 0xBF, 0x10]);
/// # }
/// # #[cfg(not(feature = "sm4"))]
/// # assert!(Key::sm4(&[0; 16]).is_err());
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
pub fn check_value(key: &Key) -> [u8; 16] {
    engine_check_value(key.cipher, &key.engine)
}

/// The encryption of a zero block under `engine` (a `cipher` key), in the first block-length
/// bytes.
fn engine_check_value(cipher: Cipher, engine: &Engine) -> [u8; 16] {
    let mut block = [0u8; 16];
    if let Some(b) = block.get_mut(..cipher.block_len()) {
        engine.apply(b, true);
    }
    block
}

/// Bytes of the check value UnionPay uses for `cipher`.
pub const fn check_value_len(cipher: Cipher) -> usize {
    match cipher {
        Cipher::Des | Cipher::Tdes => 4,
        Cipher::Sm4 => 8,
    }
}

/// Checks `expected` against the key's check value, in constant time.
pub fn verify_check_value(key: &Key, expected: &[u8]) -> Result<()> {
    verify_engine_check_value(key.cipher, &key.engine, expected)
}

/// [`verify_check_value`] for the clear key `bytes[..len]` of `cipher` (checked by the caller),
/// without making a [`Key`] of it: only its schedules exist, for the check.
pub(crate) fn verify_clear_check_value(
    cipher: Cipher,
    bytes: &[u8; 24],
    len: usize,
    expected: &[u8],
) -> Result<()> {
    verify_engine_check_value(cipher, &Engine::new(cipher, bytes, len), expected)
}

fn verify_engine_check_value(cipher: Cipher, engine: &Engine, expected: &[u8]) -> Result<()> {
    use subtle::ConstantTimeEq as _;
    let cv = engine_check_value(cipher, engine);
    let n = check_value_len(cipher).min(expected.len());
    let ours = cv.get(..n).unwrap_or_default();
    if n > 0 && bool::from(ours.ct_eq(expected)) && expected.len() == n {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::CheckValueMismatch))
    }
}

/// Decrypts a working key delivered encrypted under a master key (sign-in field 62), block by
/// block (ECB), and returns it as a key for `cipher`.
pub fn unwrap_key(master: &Key, encrypted: &[u8], cipher: Cipher) -> Result<Key> {
    let clear = unwrap_clear(master, encrypted)?;
    Key::new(cipher, clear.get(..encrypted.len()).unwrap_or_default())
}

/// [`unwrap_key`]'s clear bytes, in a buffer zeroed when it drops.
pub(crate) fn unwrap_clear(master: &Key, encrypted: &[u8]) -> Result<zeroize::Zeroizing<[u8; 24]>> {
    let n = master.block_len();
    let mut clear = zeroize::Zeroizing::new([0u8; 24]);
    let dest = clear
        .get_mut(..encrypted.len())
        .filter(|_| encrypted.len().is_multiple_of(n))
        .ok_or(Error::new(ErrorKind::KeyLength {
            length: encrypted.len(),
        }))?;
    dest.copy_from_slice(encrypted);
    for block in dest.chunks_mut(n) {
        master.decrypt_block(block);
    }
    Ok(clear)
}

// A key keeps the schedules its algorithm uses: three DES schedules at most (firmware keeps
// keys on small stacks; it was 552 bytes when a double-length key kept four).
const _: () = assert!(core::mem::size_of::<Key>() <= 424);

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
}
