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
#[derive(Clone)]
enum Engine {
    Des(des::Des),
    /// A double-length key, and its halves as single DES (for the retail MAC's final steps).
    Tdes2(des::TdesEde2, des::Des, des::Des),
    Tdes3(des::TdesEde3),
    Sm4(sm4::Sm4),
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

    /// An SM4 key (16 bytes).
    pub fn sm4(bytes: &[u8]) -> Result<Self> {
        Self::new(Cipher::Sm4, bytes)
    }

    /// A key for `cipher`.
    pub fn new(cipher: Cipher, bytes: &[u8]) -> Result<Self> {
        let ok = match cipher {
            Cipher::Des => bytes.len() == 8,
            Cipher::Tdes => bytes.len() == 16 || bytes.len() == 24,
            Cipher::Sm4 => bytes.len() == 16,
        };
        if !ok {
            return Err(Error::new(ErrorKind::KeyLength {
                length: bytes.len(),
            }));
        }
        let bad = || {
            Error::new(ErrorKind::KeyLength {
                length: bytes.len(),
            })
        };
        let engine = match (cipher, bytes.len()) {
            (Cipher::Des, _) => Engine::Des(des::Des::new_from_slice(bytes).map_err(|_| bad())?),
            (Cipher::Tdes, 16) => {
                let (k1, k2) = bytes.split_at(8);
                Engine::Tdes2(
                    des::TdesEde2::new_from_slice(bytes).map_err(|_| bad())?,
                    des::Des::new_from_slice(k1).map_err(|_| bad())?,
                    des::Des::new_from_slice(k2).map_err(|_| bad())?,
                )
            }
            (Cipher::Tdes, _) => {
                Engine::Tdes3(des::TdesEde3::new_from_slice(bytes).map_err(|_| bad())?)
            }
            (Cipher::Sm4, _) => Engine::Sm4(sm4::Sm4::new_from_slice(bytes).map_err(|_| bad())?),
        };
        let mut out = [0u8; 24];
        if let Some(dest) = out.get_mut(..bytes.len()) {
            dest.copy_from_slice(bytes);
        }
        Ok(Self {
            cipher,
            bytes: out,
            len: bytes.len() as u8,
            engine,
        })
    }

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
            Engine::Tdes2(_, left, right) => Some((left, right)),
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
        match &self.engine {
            Engine::Des(c) => crypt(c, block, encrypt),
            Engine::Tdes2(c, _, _) => crypt(c, block, encrypt),
            Engine::Tdes3(c) => crypt(c, block, encrypt),
            Engine::Sm4(c) => crypt(c, block, encrypt),
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
/// // An SM4 working key and its check value (blog.csdn.net/M_Kerry/article/details/104625499).
/// let key = Key::sm4(&[0xF3, 0x51, 0xD4, 0x90, 0x99, 0x46, 0x03, 0x79, 0x5C, 0x6E, 0xBE, 0xE8, 0xFA, 0xEB, 0xB4, 0x81])?;
/// assert_eq!(check_value(&key)[..8], [0x86, 0x1E, 0x83, 0xE3, 0x1F, 0xAE, 0xBF, 0x10]);
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
pub fn check_value(key: &Key) -> [u8; 16] {
    let mut block = [0u8; 16];
    let n = key.block_len();
    if let Some(b) = block.get_mut(..n) {
        key.encrypt_block(b);
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
    use subtle::ConstantTimeEq as _;
    let cv = check_value(key);
    let n = check_value_len(key.cipher()).min(expected.len());
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
    let n = master.block_len();
    let mut clear = [0u8; 24];
    let Some(dest) = clear.get_mut(..encrypted.len()) else {
        return Err(Error::new(ErrorKind::KeyLength {
            length: encrypted.len(),
        }));
    };
    dest.copy_from_slice(encrypted);
    if !encrypted.len().is_multiple_of(n) {
        clear.zeroize();
        return Err(Error::new(ErrorKind::KeyLength {
            length: encrypted.len(),
        }));
    }
    for block in dest.chunks_mut(n) {
        master.decrypt_block(block);
    }
    let key = Key::new(cipher, dest);
    clear.zeroize();
    key
}
