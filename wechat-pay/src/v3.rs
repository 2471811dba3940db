//! API v3: request signing ([`authorization`]), response and notification verification
//! ([`Verifiers`], [`verify`]), the front-end pay signatures ([`jsapi_pay_sign`],
//! [`app_pay_sign`]), sensitive-field encryption ([`encrypt_field`], [`decrypt_field`]) — these
//! with `alloc` — and callback decryption ([`decrypt`]): the `resource` of a notification (and
//! of the certificate download), `AEAD_AES_256_GCM` or `AEAD_SM4_GCM`, into a caller's buffer.

use aes_gcm::aead::consts::{U12, U16};
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{AesGcm, Nonce, Tag};
use sm3::Digest as _;

use crate::error::{Error, ErrorKind, Result};

#[cfg(feature = "alloc")]
mod auth;
#[cfg(feature = "std")]
mod clock;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "alloc")]
mod notify;
#[cfg(feature = "alloc")]
mod pay;
#[cfg(feature = "alloc")]
mod privacy;
#[cfg(feature = "alloc")]
mod verify;

#[cfg(feature = "alloc")]
pub use auth::{Request, authorization};
#[cfg(feature = "std")]
pub use clock::{nonce, os_rng, timestamp};
#[cfg(feature = "alloc")]
pub use notify::{
    MAX_BODY_BYTES, Notification, PlatformCertificate, Resource, platform_certificates,
};
#[cfg(feature = "alloc")]
pub use pay::{app_pay_message, app_pay_sign, jsapi_pay_message, jsapi_pay_sign};
#[cfg(feature = "alloc")]
pub use privacy::{decrypt_field, encrypt_field};
#[cfg(feature = "alloc")]
pub use verify::{Headers, MAX_SKEW_SECONDS, Verifiers, check_timestamp, verify};

/// The `algorithm` of a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `AEAD_AES_256_GCM`: the API v3 key (exactly 32 bytes) is the AES-256 key. Other key
    /// lengths are refused (`KeyLength`), including the 16-byte keys some SDK tests use.
    AeadAes256Gcm,
    /// `AEAD_SM4_GCM`: the SM4 key is the first 16 bytes of SM3(API v3 key) (wechatpay-java
    /// shangmi).
    AeadSm4Gcm,
}

impl Algorithm {
    /// The algorithm a resource names.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "AEAD_AES_256_GCM" => Ok(Self::AeadAes256Gcm),
            "AEAD_SM4_GCM" => Ok(Self::AeadSm4Gcm),
            _ => Err(Error::new(ErrorKind::UnknownAlgorithm)),
        }
    }
}

fn open<C: AeadInOut>(
    cipher: &C,
    nonce: &Nonce<C::NonceSize>,
    aad: &[u8],
    data: &mut [u8],
    tag: &Tag<C::TagSize>,
) -> Result<()> {
    cipher
        .decrypt_inout_detached(nonce, aad, data.into(), tag)
        .map_err(|_| Error::new(ErrorKind::Authentication))
}

fn run<C: KeyInit + AeadInOut<TagSize = U16>>(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    data: &mut [u8],
    tag: &[u8],
) -> Result<()> {
    let cipher = C::new_from_slice(key)
        .map_err(|_| Error::new(ErrorKind::KeyLength { length: key.len() }))?;
    let nonce = Nonce::<C::NonceSize>::try_from(nonce).map_err(|_| {
        Error::new(ErrorKind::NonceLength {
            length: nonce.len(),
        })
    })?;
    let tag = Tag::<U16>::try_from(tag).map_err(|_| Error::new(ErrorKind::Ciphertext))?;
    open(&cipher, &nonce, aad, data, &tag)
}

/// Decrypts a resource: `ciphertext` is base64 of ciphertext ‖ 16-byte tag, `nonce` and
/// `associated_data` as the notification gives them. The plaintext is written into `out`
/// (at least as long as the decoded ciphertext) and returned.
///
/// ```
/// use paywire_wechat_pay::v3::{Algorithm, decrypt};
/// // wechatpay-java AeadAesCipherTest and, for SM4-GCM, its shangmi BaseAeadSM4Test.
/// let key = b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
/// let mut out = [0u8; 32];
/// assert_eq!(decrypt(Algorithm::AeadAes256Gcm, key, "uluk4a9R25RW", "associatedData",
///     "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=", &mut out)?, b"message");
/// assert_eq!(decrypt(Algorithm::AeadSm4Gcm, key, "uluk4a9R25RW", "associatedData",
///     "+lcLNfkZQQx+iQm20Apa3x9Mb/5L7PgZ7w==", &mut out)?, b"plaintext");
/// # Ok::<(), paywire_wechat_pay::Error>(())
/// ```
pub fn decrypt<'o>(
    algorithm: Algorithm,
    api_v3_key: &[u8],
    nonce: &str,
    associated_data: &str,
    ciphertext: &str,
    out: &'o mut [u8],
) -> Result<&'o [u8]> {
    let n = crate::error::decode_base64(ciphertext, &mut *out)?;
    let body_len = n.checked_sub(16).ok_or(Error::new(ErrorKind::Ciphertext))?;
    let (data, rest) = out.split_at_mut(body_len);
    let tag = rest.get(..16).ok_or(Error::new(ErrorKind::Ciphertext))?;
    let tag: [u8; 16] = tag
        .try_into()
        .map_err(|_| Error::new(ErrorKind::Ciphertext))?;
    let (nonce, aad) = (nonce.as_bytes(), associated_data.as_bytes());
    match (algorithm, api_v3_key.len(), nonce.len()) {
        (Algorithm::AeadAes256Gcm, 32, 12) => {
            run::<AesGcm<aes_gcm::aes::Aes256, U12>>(api_v3_key, nonce, aad, data, &tag)?
        }
        (Algorithm::AeadAes256Gcm, 32, 16) => {
            run::<AesGcm<aes_gcm::aes::Aes256, U16>>(api_v3_key, nonce, aad, data, &tag)?
        }
        (Algorithm::AeadSm4Gcm, _, 12 | 16) => {
            let digest = sm3::Sm3::digest(api_v3_key);
            let key = digest.get(..16).unwrap_or_default();
            if nonce.len() == 12 {
                run::<AesGcm<sm4::Sm4, U12>>(key, nonce, aad, data, &tag)?;
            } else {
                run::<AesGcm<sm4::Sm4, U16>>(key, nonce, aad, data, &tag)?;
            }
        }
        (_, _, 12 | 16) => {
            return Err(Error::new(ErrorKind::KeyLength {
                length: api_v3_key.len(),
            }));
        }
        (_, _, length) => return Err(Error::new(ErrorKind::NonceLength { length })),
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";

    // wechatpay-apiv3/wechatpay-java core/src/test/.../cipher/AeadAesCipherTest.java.
    #[test]
    fn aes_256_gcm() {
        let mut out = [0u8; 64];
        let plain = decrypt(
            Algorithm::AeadAes256Gcm,
            KEY,
            "uluk4a9R25RW",
            "associatedData",
            "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=",
            &mut out,
        )
        .unwrap();
        assert_eq!(plain, b"message");
        let mut out = [0u8; 64];
        let e = decrypt(
            Algorithm::AeadAes256Gcm,
            KEY,
            "uluk4a9R25RW",
            "associatedDatX",
            "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=",
            &mut out,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Authentication);
    }

    // TheNorthMemory/wechatpay-axios-plugin tests/lib/aes.test.js: 16-byte IV.
    #[test]
    fn aes_gcm_16_byte_iv() {
        let key = b"0123456789abcdef0123456789abcdef";
        let mut out = [0u8; 64];
        let plain = decrypt(
            Algorithm::AeadAes256Gcm,
            key,
            "0123456789abcdef",
            "world",
            "APoZlYpivU3HjbAiB4CvW1rAFr8J",
            &mut out,
        )
        .unwrap();
        assert_eq!(plain, b"hello");
        let mut out = [0u8; 64];
        let plain = decrypt(
            Algorithm::AeadAes256Gcm,
            key,
            "0123456789abcdef",
            "",
            "GvpmmdtYwexXIPhySs9Tlg==",
            &mut out,
        )
        .unwrap();
        assert_eq!(plain, b"");
    }

    // wechatpay-java shangmi-testing .../BaseAeadSM4Test.java: SM4 key = SM3(API v3 key)[..16].
    #[test]
    fn sm4_gcm() {
        let digest = sm3::Sm3::digest(KEY);
        assert_eq!(
            &digest[..16],
            &[
                0xfa, 0x20, 0x28, 0x80, 0x1e, 0x86, 0xd4, 0x5f, 0x56, 0x38, 0xca, 0xda, 0xfb, 0x5d,
                0xb2, 0xe9
            ]
        );
        let mut out = [0u8; 64];
        let plain = decrypt(
            Algorithm::AeadSm4Gcm,
            KEY,
            "uluk4a9R25RW",
            "associatedData",
            "+lcLNfkZQQx+iQm20Apa3x9Mb/5L7PgZ7w==",
            &mut out,
        )
        .unwrap();
        assert_eq!(plain, b"plaintext");
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn truncated_or_flipped_tag() {
        // The AeadAesCipherTest vector with its tag cut by one byte, and with one tag bit flipped.
        let full = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=",
        )
        .unwrap();
        let mut out = [0u8; 64];
        let cut = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            &full[..full.len() - 1],
        );
        let e = decrypt(
            Algorithm::AeadAes256Gcm,
            KEY,
            "uluk4a9R25RW",
            "associatedData",
            &cut,
            &mut out,
        );
        assert_eq!(e.unwrap_err().kind(), ErrorKind::Authentication);
        let mut flipped = full.clone();
        *flipped.last_mut().unwrap() ^= 1;
        let flipped = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &flipped);
        let e = decrypt(
            Algorithm::AeadAes256Gcm,
            KEY,
            "uluk4a9R25RW",
            "associatedData",
            &flipped,
            &mut out,
        );
        assert_eq!(e.unwrap_err().kind(), ErrorKind::Authentication);
    }

    #[test]
    fn bad_inputs() {
        let mut out = [0u8; 64];
        assert_eq!(
            decrypt(
                Algorithm::AeadAes256Gcm,
                b"short",
                "uluk4a9R25RW",
                "",
                "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=",
                &mut out
            )
            .unwrap_err()
            .kind(),
            ErrorKind::KeyLength { length: 5 }
        );
        assert_eq!(
            decrypt(
                Algorithm::AeadAes256Gcm,
                KEY,
                "x",
                "",
                "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=",
                &mut out
            )
            .unwrap_err()
            .kind(),
            ErrorKind::NonceLength { length: 1 }
        );
        assert_eq!(
            decrypt(
                Algorithm::AeadAes256Gcm,
                KEY,
                "uluk4a9R25RW",
                "",
                "!!",
                &mut out
            )
            .unwrap_err()
            .kind(),
            ErrorKind::Ciphertext
        );
        assert_eq!(
            decrypt(
                Algorithm::AeadAes256Gcm,
                KEY,
                "uluk4a9R25RW",
                "",
                "AAAA",
                &mut out
            )
            .unwrap_err()
            .kind(),
            ErrorKind::Ciphertext
        );
        assert!(Algorithm::from_name("AEAD_CHACHA").is_err());
    }
}
