//! Key check values: the encryption of a zero block (the legacy method every TDES and SM4
//! system uses) and the CMAC of a zero block (the AES method of ANSI X9.24-1:2017 and ANSI
//! X9.143: "CMAC over 16 bytes of zero", as AWS Payment Cryptography documents its
//! `KeyCheckValueAlgorithm`). Comparison is constant time.

use subtle::ConstantTimeEq as _;

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Cipher, Engine, Key, KeyBytes};

/// How a check value is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// The key encrypts one zero block (ECB).
    EncryptZeros,
    /// The CMAC (NIST SP 800-38B) of one zero block under the key.
    Cmac,
}

impl Method {
    /// The usual method for `cipher`: CMAC for AES, zero-block encryption otherwise.
    pub const fn default_for(cipher: Cipher) -> Self {
        match cipher {
            Cipher::Aes => Self::Cmac,
            _ => Self::EncryptZeros,
        }
    }
}

/// The usual length of a check value for `cipher`: 3 bytes for DES/TDES (ANSI X9.24), 5 for
/// AES (ANSI X9.24-3 / X9.143 key blocks), 8 for SM4 (as UnionPay terminals compare it).
pub const fn default_len(cipher: Cipher) -> usize {
    match cipher {
        Cipher::Des | Cipher::Tdes => 3,
        Cipher::Aes => 5,
        Cipher::Sm4 => 8,
    }
}

/// The full check block of `key` by `method` (the cipher's block length of it is meaningful;
/// callers keep the leading bytes they compare).
///
/// ```
/// use paywire_cardsec::{Key, kcv};
/// // An SM4 working key and its check value (blog.csdn.net/M_Kerry/article/details/104625499;
/// // SM4 is the `sm4` feature).
/// # #[cfg(feature = "sm4")] {
/// let key = Key::sm4(&[0xF3, 0x51, 0xD4, 0x90, 0x99, 0x46, 0x03, 0x79, 0x5C, 0x6E, 0xBE, 0xE8, 0xFA, 0xEB, 0xB4, 0x81])?;
/// assert_eq!(kcv::check_value(&key, kcv::Method::EncryptZeros)[..8], [0x86, 0x1E, 0x83, 0xE3, 0x1F, 0xAE, 0xBF, 0x10]);
/// # }
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
#[inline]
pub fn check_value(key: &Key, method: Method) -> [u8; 16] {
    match method {
        Method::EncryptZeros => encrypt_zeros(key.cipher(), key.engine()),
        Method::Cmac => {
            let mut out = [0u8; 16];
            let n = key.block_len();
            if let Some(zeros) = out.get(..n) {
                let mac =
                    crate::mac::cmac_engine(key.cipher(), key.engine(), key.key_bytes(), &[zeros]);
                out = mac.block;
            }
            out
        }
    }
}

fn encrypt_zeros(cipher: Cipher, engine: &Engine) -> [u8; 16] {
    let mut block = [0u8; 16];
    if let Some(b) = block.get_mut(..cipher.block_len()) {
        engine.apply(b, true);
    }
    block
}

/// Checks `expected` (1 to a block of bytes: the leading bytes of the check value) against
/// the key's check value by `method`, in constant time.
#[inline]
pub fn verify(key: &Key, method: Method, expected: &[u8]) -> Result<()> {
    compare(&check_value(key, method), key.block_len(), expected)
}

/// [`verify`] for clear key bytes, without making a [`Key`] of them: only the schedules the
/// check needs exist, for the check (a firmware checks a received key before making it in its
/// place). Inlined, so a constant `method` links only its own computation.
#[inline]
pub fn verify_bytes(bytes: &KeyBytes, method: Method, expected: &[u8]) -> Result<()> {
    let cv = match method {
        Method::EncryptZeros => encrypt_zeros(bytes.cipher(), &Engine::new(bytes)),
        Method::Cmac => check_value(&Key::from_bytes(bytes), method),
    };
    compare(&cv, bytes.cipher().block_len(), expected)
}

fn compare(cv: &[u8; 16], block_len: usize, expected: &[u8]) -> Result<()> {
    let n = expected.len();
    match cv.get(..n) {
        Some(ours) if n > 0 && n <= block_len && bool::from(ours.ct_eq(expected)) => Ok(()),
        _ => Err(Error::new(ErrorKind::CheckValueMismatch)),
    }
}
