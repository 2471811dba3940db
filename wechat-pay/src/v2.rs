//! API v2 (XML API) signatures.

#[cfg(feature = "std")]
pub mod xml;

use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

/// The digest of a v2 signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignType {
    /// `MD5` (the default when a request names none).
    Md5,
    /// `HMAC-SHA256`, keyed with the API key.
    HmacSha256,
}

impl SignType {
    /// The `sign_type` parameter value.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::HmacSha256 => "HMAC-SHA256",
        }
    }

    /// The sign type a `sign_type` value names.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "MD5" => Some(Self::Md5),
            "HMAC-SHA256" => Some(Self::HmacSha256),
            _ => None,
        }
    }
}

/// A signature as upper-case hex (32 characters for MD5, 64 for HMAC-SHA256).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    hex: [u8; 64],
    len: u8,
}

impl Signature {
    fn from_bytes(bytes: &[u8]) -> Self {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut hex = [0u8; 64];
        for (pair, &b) in hex.chunks_exact_mut(2).zip(bytes) {
            if let [hi, lo] = pair {
                *hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
                *lo = HEX.get(usize::from(b & 0x0F)).copied().unwrap_or(b'0');
            }
        }
        Self {
            hex,
            len: bytes.len().min(32).saturating_mul(2) as u8,
        }
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        let bytes = self.hex.get(..usize::from(self.len)).unwrap_or_default();
        core::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

/// Feeds the string to sign: the non-empty parameters except `sign`, sorted by name (byte
/// order), as `k=v` joined by `&`, then `&key=API_KEY`. Names appearing twice keep their order.
fn feed(params: &[(&str, &str)], key: &str, mut put: impl FnMut(&[u8])) {
    let mut last: Option<&str> = None;
    let mut first = true;
    // Selection by successive minima: no allocation, parameter lists are short.
    loop {
        let next = params
            .iter()
            .filter(|(k, v)| !v.is_empty() && *k != "sign" && last.is_none_or(|l| *k > l))
            .map(|(k, _)| *k)
            .min();
        let Some(name) = next else { break };
        for (_, v) in params.iter().filter(|(k, v)| *k == name && !v.is_empty()) {
            if !first {
                put(b"&");
            }
            first = false;
            put(name.as_bytes());
            put(b"=");
            put(v.as_bytes());
        }
        last = Some(name);
    }
    put(if first { b"key=" } else { b"&key=" });
    put(key.as_bytes());
}

/// Writes the string to sign into `out` (for logs and debugging: it ends with the API key, so
/// handle it as a secret). Returns the bytes written, or `None` if `out` is too small.
pub fn string_to_sign<'o>(
    params: &[(&str, &str)],
    key: &str,
    out: &'o mut [u8],
) -> Option<&'o [u8]> {
    let mut pos = 0usize;
    let mut fits = true;
    feed(params, key, |bytes| {
        let end = pos.saturating_add(bytes.len());
        match out.get_mut(pos..end) {
            Some(dest) if fits => {
                dest.copy_from_slice(bytes);
                pos = end;
            }
            _ => fits = false,
        }
    });
    if fits { out.get(..pos) } else { None }
}

/// Signs `params` with the API `key`.
///
/// ```
/// use paywire_wechat_pay::v2::{SignType, sign};
/// // WeChat Pay's API v2 security specification example ("签名算法").
/// let params = [
///     ("appid", "wxd930ea5d5a258f4f"), ("mch_id", "10000100"), ("device_info", "1000"),
///     ("body", "test"), ("nonce_str", "ibuaiVcKdpRxkhJA"),
/// ];
/// let key = "192006250b4c09247ec02edce69f6a2d";
/// assert_eq!(sign(&params, key, SignType::Md5).as_str(), "9A0A8659F005D6984697E2CA0A9CF3B7");
/// assert_eq!(sign(&params, key, SignType::HmacSha256).as_str(),
///     "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6");
/// ```
pub fn sign(params: &[(&str, &str)], key: &str, sign_type: SignType) -> Signature {
    match sign_type {
        SignType::Md5 => {
            let mut h = Md5::new();
            feed(params, key, |b| h.update(b));
            Signature::from_bytes(&h.finalize())
        }
        SignType::HmacSha256 => {
            let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()) else {
                // HMAC takes keys of any length.
                return Signature::from_bytes(&[]);
            };
            feed(params, key, |b| mac.update(b));
            Signature::from_bytes(&mac.finalize().into_bytes())
        }
    }
}

/// Verifies the `sign` parameter of `params` in constant time. The sign type is `sign_type`,
/// else the `sign_type` parameter, else inferred from the signature's length (32 → MD5,
/// 64 → HMAC-SHA256). Hex case is ignored.
///
/// ```
/// use paywire_wechat_pay::v2::verify;
/// let signed = [
///     ("appid", "wxd930ea5d5a258f4f"), ("mch_id", "10000100"), ("device_info", "1000"),
///     ("body", "test"), ("nonce_str", "ibuaiVcKdpRxkhJA"),
///     ("sign", "9a0a8659f005d6984697e2ca0a9cf3b7"),
/// ];
/// assert!(verify(&signed, "192006250b4c09247ec02edce69f6a2d", None)); // MD5, from the length
/// assert!(!verify(&signed, "192006250b4c09247ec02edce69f6a2e", None));
/// ```
pub fn verify(params: &[(&str, &str)], key: &str, sign_type: Option<SignType>) -> bool {
    let Some(received) = params.iter().find(|(k, _)| *k == "sign").map(|(_, v)| *v) else {
        return false;
    };
    let named = params
        .iter()
        .find(|(k, _)| *k == "sign_type")
        .and_then(|(_, v)| SignType::from_name(v));
    let sign_type = match sign_type.or(named) {
        Some(t) => t,
        None if received.len() == 64 => SignType::HmacSha256,
        None => SignType::Md5,
    };
    let expected = sign(params, key, sign_type);
    let mut upper = [0u8; 64];
    let Some(dest) = upper.get_mut(..received.len()) else {
        return false;
    };
    for (d, c) in dest.iter_mut().zip(received.bytes()) {
        *d = c.to_ascii_uppercase();
    }
    expected.as_str().len() == received.len()
        && bool::from(expected.as_str().as_bytes().ct_eq(dest))
}

/// Decrypts the `req_info` of a refund notification: base64 → AES-256-ECB under the 32 ASCII
/// characters of the lower-case hex MD5 of the API key → PKCS#7. The XML plaintext is written
/// into `out` and returned.
pub fn decrypt_req_info<'o>(
    api_key: &str,
    req_info: &str,
    out: &'o mut [u8],
) -> crate::Result<&'o [u8]> {
    use ecb::cipher::block_padding::Pkcs7;
    use ecb::cipher::{BlockModeDecrypt, KeyInit as _};

    use crate::error::{Error, ErrorKind};

    let digest = Md5::digest(api_key.as_bytes());
    let mut key = [0u8; 32];
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (pair, &b) in key.chunks_exact_mut(2).zip(digest.iter()) {
        if let [hi, lo] = pair {
            *hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            *lo = HEX.get(usize::from(b & 0x0F)).copied().unwrap_or(b'0');
        }
    }
    let n = crate::error::decode_base64(req_info, &mut *out)?;
    let data = out.get_mut(..n).ok_or(Error::new(ErrorKind::Ciphertext))?;
    let cipher = ecb::Decryptor::<aes::Aes256>::new_from_slice(&key)
        .map_err(|_| Error::new(ErrorKind::KeyLength { length: 32 }))?;
    cipher
        .decrypt_padded::<Pkcs7>(data)
        .map(|plain| -> &'o [u8] { plain })
        .map_err(|_| Error::new(ErrorKind::Authentication))
}

/// Whether `code` has the form of a WeChat payment code (micropay `auth_code`): 18 digits
/// whose first two are 10 to 15 (10–14 mainland, 15 Hong Kong wallets). A form check only: the
/// code lives about a minute and only WeChat Pay knows whether it is real.
///
/// ```
/// use paywire_wechat_pay::v2::is_auth_code;
/// assert!(is_auth_code("134567890123456789"));
/// assert!(!is_auth_code("284567890123456789")); // an Alipay code's prefix
/// ```
pub fn is_auth_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 18
        && bytes.iter().all(u8::is_ascii_digit)
        && matches!(bytes, [b'1', b'0'..=b'5', ..])
}

/// Whether `url` is a native-payment `code_url` (`weixin://wxpay/bizpayurl?...`), the text of a
/// merchant-presented WeChat QR code.
pub fn is_code_url(url: &str) -> bool {
    url.strip_prefix("weixin://wxpay/bizpayurl")
        .is_some_and(|rest| rest.starts_with('?') && rest.len() > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    // WeChat Pay v2 security specification (安全规范), its worked MD5 / HMAC-SHA256 example:
    // https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=4_3
    const PARAMS: [(&str, &str); 5] = [
        ("appid", "wxd930ea5d5a258f4f"),
        ("mch_id", "10000100"),
        ("device_info", "1000"),
        ("body", "test"),
        ("nonce_str", "ibuaiVcKdpRxkhJA"),
    ];
    const KEY: &str = "192006250b4c09247ec02edce69f6a2d";

    #[test]
    fn documented_example() {
        let mut buf = [0u8; 256];
        assert_eq!(
            string_to_sign(&PARAMS, KEY, &mut buf).unwrap(),
            b"appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d"
        );
        assert_eq!(
            sign(&PARAMS, KEY, SignType::Md5).as_str(),
            "9A0A8659F005D6984697E2CA0A9CF3B7"
        );
        assert_eq!(
            sign(&PARAMS, KEY, SignType::HmacSha256).as_str(),
            "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"
        );
    }

    #[test]
    fn empty_values_and_sign_are_skipped_and_verification_works() {
        let mut with = PARAMS.to_vec();
        with.push(("sign", "9a0a8659f005d6984697e2ca0a9cf3b7"));
        with.push(("attach", ""));
        assert!(verify(&with, KEY, None));
        assert!(!verify(&with, "wrong", None));
        with.push(("sign_type", "HMAC-SHA256"));
        assert!(!verify(&with, KEY, None));
        let mut small = [0u8; 8];
        assert!(string_to_sign(&PARAMS, KEY, &mut small).is_none());
    }
}
