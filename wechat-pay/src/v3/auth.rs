//! Request signing: the message and the `Authorization` header.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

use base64::Engine as _;

use crate::error::{Error, ErrorKind, Result};
use crate::keys::Signer;

/// The signed parts of an API v3 request: `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`, where URL is
/// the raw path and query (`/v3/pay/transactions/jsapi`, `/v3/certificates?x=1`), the body the
/// exact bytes sent (empty for GET; the `meta` JSON for an upload), and every line, the body's
/// included, ends in `\n`.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// `GET`, `POST`, ... (upper case, as sent).
    pub method: &'a str,
    /// The absolute path with its query string, not URL-decoded.
    pub url: &'a str,
    /// Unix seconds, decimal.
    pub timestamp: &'a str,
    /// A random string (the caller makes it; 32 characters is usual).
    pub nonce: &'a str,
    /// The body bytes as sent.
    pub body: &'a [u8],
}

const NL: &[u8] = b"\n";

impl<'a> Request<'a> {
    /// The message as the ten parts the signer hashes in order.
    pub fn parts(&self) -> [&'a [u8]; 10] {
        [
            self.method.as_bytes(),
            NL,
            self.url.as_bytes(),
            NL,
            self.timestamp.as_bytes(),
            NL,
            self.nonce.as_bytes(),
            NL,
            self.body,
            NL,
        ]
    }

    /// The message as one byte string (for logging a failed signature; signing never needs it).
    pub fn message(&self) -> Vec<u8> {
        self.parts().concat()
    }

    fn check(&self) -> Result<()> {
        check_value("method", self.method)?;
        check_value("url", self.url)?;
        check_value("nonce", self.nonce)?;
        if self.timestamp.is_empty() || !self.timestamp.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::new(ErrorKind::Parameter).at("timestamp"));
        }
        Ok(())
    }
}

/// Refuses what would break the message's lines or the header's quoting.
pub(crate) fn check_value(name: &'static str, value: &str) -> Result<()> {
    if value.is_empty()
        || value
            .bytes()
            .any(|b| matches!(b, b'"' | b',' | b'\r' | b'\n'))
    {
        return Err(Error::new(ErrorKind::Parameter).at(name));
    }
    Ok(())
}

/// Signs `request` and returns the whole `Authorization` header value:
/// `WECHATPAY2-SHA256-RSA2048 mchid="..",nonce_str="..",timestamp="..",serial_no="..",signature=".."`
/// (the scheme is the signer's: `WECHATPAY2-SM2-WITH-SM3` for an SM2 key). `serial_no` is the
/// merchant API certificate's serial number.
///
/// ```
/// use paywire_wechat_pay::{keys::PrivateKey, v3::{Request, authorization}};
/// // wechatpay-go's test key; the signature is OpenSSL's over the same string to sign.
/// let key = PrivateKey::from_pem(include_str!("../../tests/keys/go_signer_key.pem"))?;
/// let request = Request {
///     method: "GET", url: "/v3/certificates", timestamp: "1554208460",
///     nonce: "593BEC0C930BF1AFEB40B4A08C8FB242", body: b"",
/// };
/// let header = authorization(&key, "1230000109", "F5765756002FDD77", &request)?;
/// assert!(header.contains(",signature=\"RjVFHMcrr9NsM4SiNmpFx6QPR99WztxatBshmr/6f7pXnt2YSPAhmN"));
/// # Ok::<(), paywire_wechat_pay::Error>(())
/// ```
pub fn authorization(
    signer: &impl Signer,
    mchid: &str,
    serial_no: &str,
    request: &Request<'_>,
) -> Result<String> {
    check_value("mchid", mchid)?;
    check_value("serial_no", serial_no)?;
    request.check()?;
    let signature = signer.sign(&request.parts())?;
    let mut header = String::with_capacity(512);
    let _ = write!(
        header,
        "{} mchid=\"{mchid}\",nonce_str=\"{}\",timestamp=\"{}\",serial_no=\"{serial_no}\",signature=\"",
        signer.scheme().name(),
        request.nonce,
        request.timestamp,
    );
    base64::engine::general_purpose::STANDARD.encode_string(&signature, &mut header);
    header.push('"');
    Ok(header)
}
