//! Keys as UnionPay terminals receive them: working keys under the terminal master key
//! (sign-in field 62), checked against 4-byte (DES/3DES) or 8-byte (SM4) check values. The key
//! type itself, check values in general and every other algorithm are `paywire-cardsec`'s.

use paywire_cardsec::kcv::{self, Method};
pub use paywire_cardsec::{Cipher, Key, KeyBytes};

use crate::error::{Error, ErrorKind, Result};

/// The key check value: the key's encryption of a zero block, a cipher block long (UnionPay
/// terminals compare its first [`check_value_len`] bytes).
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
    kcv::check_value(key, Method::EncryptZeros)
}

/// Bytes of the check value UnionPay uses for `cipher`: 4 for DES/3DES, 8 for SM4 (and AES).
pub const fn check_value_len(cipher: Cipher) -> usize {
    match cipher {
        Cipher::Des | Cipher::Tdes => 4,
        _ => 8,
    }
}

/// Checks `expected` ([`check_value_len`] bytes) against the key's check value, in constant
/// time.
pub fn verify_check_value(key: &Key, expected: &[u8]) -> Result<()> {
    verify_bytes(key.key_bytes(), expected)
}

/// [`verify_check_value`] for clear key bytes, without making a [`Key`] of them.
pub(crate) fn verify_bytes(bytes: &KeyBytes, expected: &[u8]) -> Result<()> {
    if expected.len() != check_value_len(bytes.cipher()) {
        return Err(Error::new(ErrorKind::CheckValueMismatch));
    }
    Ok(kcv::verify_bytes(bytes, Method::EncryptZeros, expected)?)
}

/// Decrypts a working key delivered encrypted under a master key (sign-in field 62), block by
/// block (ECB), and returns it as a key for `cipher`.
pub fn unwrap_key(master: &Key, encrypted: &[u8], cipher: Cipher) -> Result<Key> {
    Ok(Key::from_bytes(&KeyBytes::decrypt_ecb(
        master, encrypted, cipher,
    )?))
}
