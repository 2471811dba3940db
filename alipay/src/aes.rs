//! `encrypt_type=AES` content encryption: AES-128-CBC, zero IV, PKCS#7, base64 (alipay-sdk-nodejs
//! src/util.ts). Requests are signed after encrypting; encrypted responses carry the node as a
//! base64 string.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};

use crate::error::{Error, ErrorKind, Result};

const IV: [u8; 16] = [0; 16];

fn key(base64_key: &str) -> Result<[u8; 16]> {
    let mut key = [0u8; 16];
    match STANDARD.decode_slice(base64_key.trim(), &mut key) {
        Ok(16) => Ok(key),
        _ => Err(Error::new(ErrorKind::Key)),
    }
}

/// Decrypts base64 `content` with the base64 `aes_key` into `out`; returns the plaintext.
///
/// ```
/// use paywire_alipay::aes;
/// // alipay-sdk-nodejs-all test/alipay.exec.test.ts.
/// let mut out = [0u8; 96];
/// let plain = aes::decrypt("aYA0GP8JEW+D7/UFaskCWA==",
///     "4AOYHE0rpPnRnghunsGo+mY02DzANFLwNJJCiHfrNh2oaB2pn33PwOEOvH8mjhkE3Wh/jR+3jHM9nvoFvOsY/SqZbZzamRg9Eh3VkRqOhSM=",
///     &mut out)?;
/// assert!(plain.starts_with(br#"{"code":"10000""#));
/// # Ok::<(), paywire_alipay::Error>(())
/// ```
pub fn decrypt<'o>(aes_key: &str, content: &str, out: &'o mut [u8]) -> Result<&'o [u8]> {
    let key = key(aes_key)?;
    let needed = content.len().div_ceil(4).saturating_mul(3);
    let capacity = out.len();
    let n = STANDARD
        .decode_slice(content.trim(), &mut *out)
        .map_err(|e| match e {
            base64::DecodeSliceError::OutputSliceTooSmall => {
                Error::new(ErrorKind::BufferTooSmall { needed, capacity })
            }
            base64::DecodeSliceError::DecodeError(_) => Error::new(ErrorKind::Ciphertext),
        })?;
    let data = out.get_mut(..n).ok_or(Error::new(ErrorKind::Ciphertext))?;
    let cipher = cbc::Decryptor::<aes::Aes128>::new_from_slices(&key, &IV)
        .map_err(|_| Error::new(ErrorKind::Key))?;
    cipher
        .decrypt_padded::<Pkcs7>(data)
        .map(|plain| -> &'o [u8] { plain })
        .map_err(|_| Error::new(ErrorKind::Ciphertext))
}

/// Encrypts `plain` with the base64 `aes_key`: the base64 text is written into `out` (which
/// needs room for the padded ciphertext as base64); `work` holds the ciphertext meanwhile
/// (`plain.len()` rounded up to the next multiple of 16, plus 16).
pub fn encrypt<'o>(
    aes_key: &str,
    plain: &[u8],
    work: &mut [u8],
    out: &'o mut [u8],
) -> Result<&'o str> {
    let key = key(aes_key)?;
    let padded = (plain.len() / 16).saturating_add(1).saturating_mul(16);
    let small = |capacity: usize| {
        Error::new(ErrorKind::BufferTooSmall {
            needed: padded,
            capacity,
        })
    };
    let work_len = work.len();
    let buf = work.get_mut(..padded).ok_or(small(work_len))?;
    let head = buf.get_mut(..plain.len()).ok_or(small(work_len))?;
    head.copy_from_slice(plain);
    let cipher = cbc::Encryptor::<aes::Aes128>::new_from_slices(&key, &IV)
        .map_err(|_| Error::new(ErrorKind::Key))?;
    let ciphertext = cipher
        .encrypt_padded::<Pkcs7>(buf, plain.len())
        .map_err(|_| small(work_len))?;
    let needed = ciphertext.len().div_ceil(3).saturating_mul(4);
    let capacity = out.len();
    let n = STANDARD
        .encode_slice(ciphertext, &mut *out)
        .map_err(|_| Error::new(ErrorKind::BufferTooSmall { needed, capacity }))?;
    core::str::from_utf8(out.get(..n).unwrap_or_default())
        .map_err(|_| Error::new(ErrorKind::Ciphertext))
}

#[cfg(test)]
mod tests {
    use super::*;

    // alipay/alipay-sdk-nodejs-all test/alipay.exec.test.ts (its AES key and encrypted content).
    const KEY: &str = "aYA0GP8JEW+D7/UFaskCWA==";
    const CONTENT: &str = "4AOYHE0rpPnRnghunsGo+mY02DzANFLwNJJCiHfrNh2oaB2pn33PwOEOvH8mjhkE3Wh/jR+3jHM9nvoFvOsY/SqZbZzamRg9Eh3VkRqOhSM=";
    const PLAIN: &[u8] =
        br#"{"code":"10000","msg":"Success","aes_key":"cW8mcZgoMGUVp5g7uv7bHw=="}"#;

    #[test]
    fn sdk_example_both_ways() {
        let mut out = [0u8; 128];
        assert_eq!(decrypt(KEY, CONTENT, &mut out).unwrap(), PLAIN);
        let mut work = [0u8; 96];
        let mut text = [0u8; 128];
        assert_eq!(encrypt(KEY, PLAIN, &mut work, &mut text).unwrap(), CONTENT);
    }

    #[test]
    fn errors() {
        let mut out = [0u8; 128];
        assert_eq!(
            decrypt("short", CONTENT, &mut out).unwrap_err().kind(),
            ErrorKind::Key
        );
        assert_eq!(
            decrypt(KEY, "!!!!", &mut out).unwrap_err().kind(),
            ErrorKind::Ciphertext
        );
        assert_eq!(
            decrypt(KEY, "AAAAAAAAAAAAAAAAAAAAAA==", &mut out)
                .unwrap_err()
                .kind(),
            ErrorKind::Ciphertext
        );
        let mut small = [0u8; 4];
        assert!(matches!(
            decrypt(KEY, CONTENT, &mut small).unwrap_err().kind(),
            ErrorKind::BufferTooSmall { .. }
        ));
    }
}
