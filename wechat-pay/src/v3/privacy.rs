//! Sensitive fields (names, ID numbers, phone numbers in some requests and answers): encrypted
//! with WeChat Pay's public key, decrypted with the merchant's private key. RSA uses OAEP with
//! SHA-1 and MGF1-SHA-1 and an empty label; SM2 uses the GM/T 0009 DER layout
//! `SEQUENCE { x, y, C3, C2 }`. Ciphertexts travel as base64. The caller brings the random
//! source (sans-IO); a request carrying encrypted fields must send `Wechatpay-Serial` naming the
//! key used.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};
use crate::keys::{PrivateKey, PublicKey};

/// Encrypts `plaintext` for `key` (RSA-OAEP-SHA1 or SM2 DER C1C3C2) and returns base64.
pub fn encrypt_field<R: TryCryptoRng + ?Sized>(
    key: &PublicKey,
    rng: &mut R,
    plaintext: &[u8],
) -> Result<String> {
    let ciphertext = if let Some(rsa) = key.rsa() {
        rsa.oaep_encrypt_with_rng::<sha1::Sha1, R>(rng, plaintext)
            .map_err(|_| Error::new(ErrorKind::Encryption))?
    } else if let Some(sm2) = key.sm2() {
        sm2::pke::EncryptingKey::new(sm2)
            .encrypt_der(&mut &mut *rng, plaintext)
            .map_err(|_| Error::new(ErrorKind::Encryption))?
    } else {
        return Err(Error::new(ErrorKind::Key));
    };
    Ok(base64::engine::general_purpose::STANDARD.encode(ciphertext))
}

/// Decrypts a base64 field with `key`. `rng` blinds the RSA private-key operation.
pub fn decrypt_field<R: TryCryptoRng + ?Sized>(
    key: &PrivateKey,
    rng: &mut R,
    ciphertext: &str,
) -> Result<Zeroizing<Vec<u8>>> {
    let ciphertext = base64::engine::general_purpose::STANDARD
        .decode(ciphertext.trim())
        .map_err(|_| Error::new(ErrorKind::Decryption))?;
    let plaintext = if let Some(rsa) = key.rsa() {
        rsa.oaep_decrypt_with_rng::<sha1::Sha1, R>(rng, &ciphertext)
    } else if let Some(scalar) = key.sm2_scalar() {
        sm2::pke::DecryptingKey::new_with_mode(scalar, sm2::pke::Mode::C1C3C2)
            .decrypt_der(&ciphertext)
            .map_err(|_| rsa::Error::Decryption)
    } else {
        return Err(Error::new(ErrorKind::Key));
    };
    plaintext
        .map(Zeroizing::new)
        .map_err(|_| Error::new(ErrorKind::Decryption))
}
