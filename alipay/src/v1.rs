//! OpenAPI v1 (`gateway.do`): the string to sign, request signing and building, synchronous
//! response verification, asynchronous notification verification (`alloc`).
//!
//! - Requests sign every non-empty parameter except `sign` — `sign_type` **included** — sorted
//!   by name in byte order, `k=v` joined by `&`, raw UTF-8 values (`biz_content` exactly as
//!   sent); the parameters are URL-encoded only after signing.
//! - Synchronous responses are verified over the raw text of the method's node
//!   ([`crate::response`]).
//! - Notifications are decoded once, then `sign` **and `sign_type`** are left out (Alipay's
//!   `rsaCheckV1`; [`Notification::verify_keeping_sign_type`] is `rsaCheckV2`).

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{Error, ErrorKind, Result};
use crate::keys::{SignType, Signer, Verifier};
use crate::response::{ResponseNode, response_node, unescape_into};

/// Alipay's production gateway.
pub const GATEWAY: &str = "https://openapi.alipay.com/gateway.do";

/// What a merchant answers to a notification it accepted.
pub const NOTIFY_ACK: &str = "success";

/// The parameters that are signed, in order: non-empty, not `sign` (nor `sign_type` when
/// `skip_sign_type`), sorted by name in byte order (stable for repeated names).
fn signed_params<'p>(
    params: &[(&'p str, &'p str)],
    skip_sign_type: bool,
) -> Vec<(&'p str, &'p str)> {
    let mut kept: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|(k, v)| !v.is_empty() && *k != "sign" && !(skip_sign_type && *k == "sign_type"))
        .collect();
    kept.sort_by(|a, b| a.0.cmp(b.0));
    kept
}

/// The message as parts for the signer: `k=v&k=v...`.
fn parts<'p>(sorted: &[(&'p str, &'p str)]) -> Vec<&'p [u8]> {
    let mut parts = Vec::with_capacity(sorted.len().saturating_mul(4));
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            parts.push(&b"&"[..]);
        }
        parts.push(k.as_bytes());
        parts.push(b"=");
        parts.push(v.as_bytes());
    }
    parts
}

/// The string a request signs (for logs: it holds the request's business content).
pub fn string_to_sign(params: &[(&str, &str)]) -> String {
    let sorted = signed_params(params, false);
    String::from_utf8(parts(&sorted).concat()).unwrap_or_default()
}

/// Signs request parameters; returns the base64 `sign`. A `sign_type` parameter, when
/// present, must name the signer's type.
///
/// ```
/// use paywire_alipay::{keys::PrivateKey, v1};
/// let key = PrivateKey::from_pem(include_str!("../tests/keys/app-private-key.pem"))?;
/// let params = [("app_id", "2014060600164699"), ("method", "alipay.trade.query"), ("sign_type", "RSA")];
/// assert!(v1::sign(&key, &params).is_err()); // the key signs RSA2
/// # Ok::<(), paywire_alipay::Error>(())
/// ```
pub fn sign(signer: &impl Signer, params: &[(&str, &str)]) -> Result<String> {
    if let Some((_, t)) = params.iter().find(|(k, _)| *k == "sign_type")
        && SignType::from_name(t)? != signer.sign_type()
    {
        return Err(Error::new(ErrorKind::SignType));
    }
    let sorted = signed_params(params, false);
    Ok(STANDARD.encode(signer.sign(&parts(&sorted))?))
}

/// Decodes a base64 signature and checks it over `parts`.
fn check(verifier: &impl Verifier, sign_type: SignType, parts: &[&[u8]], sign: &str) -> Result<()> {
    let raw = STANDARD
        .decode(sign.trim())
        .map_err(|_| Error::new(ErrorKind::InvalidSignature))?;
    if verifier.verify(sign_type, parts, &raw) {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::InvalidSignature))
    }
}

/// Verifies request-style parameters carrying `sign` (and `sign_type`, which is signed).
///
/// ```
/// use paywire_alipay::{keys::PublicKey, v1};
/// let public = PublicKey::from_pem(include_str!("../tests/keys/app-public-key.pem"))?;
/// // Signed by OpenSSL over the same string to sign (tests/vectors/README.md).
/// let params = [
///     ("app_id", "2014060600164699"), ("method", "alipay.trade.query"), ("charset", "utf-8"),
///     ("sign_type", "RSA2"), ("timestamp", "2024-01-02 03:04:05"), ("version", "1.0"),
///     ("biz_content", r#"{"out_trade_no":"1"}"#),
///     ("sign", "OHPASM8D2E2CRJnYzno5S1uGSpXnOOQEPFDJkPNxSc3hE/lB74+ADeQlI96nG95rT8UrBup7kM4fGXM6BbMV1kI2VcJm8ahxgjSd3GPsN151WlvgpS4VFcBprejP7MHcsWYn7Gb/SaKRzwJBQRhjXkJwcYeoLzUZwjeSEc49ppBQqQ4JPml/0HHaI4TVv808uVY9GPfRvOwlfJ7MtumPmnnlLiKO8PAkTeA5LfeckVtN16FED8ftKVs3UhY9kYlHzNENjAfmq9NNhQtIPZ1O462y72cqT+V9ZEAzgFoRITZmwnr8ehG9DaNontdRcmgfpHj5/gWHcHGzbiGDDsodKw=="),
/// ];
/// v1::verify(&public, &params)?;
/// let mut altered = params;
/// altered[0].1 = "2014060600164698";
/// assert!(v1::verify(&public, &altered).is_err());
/// # Ok::<(), paywire_alipay::Error>(())
/// ```
pub fn verify(verifier: &impl Verifier, params: &[(&str, &str)]) -> Result<()> {
    verify_params(verifier, params, false)
}

/// `sign` checked over the other parameters, `sign_type` (absent or empty: `RSA2`) left out of
/// the string when `skip_sign_type`.
fn verify_params(
    verifier: &impl Verifier,
    params: &[(&str, &str)],
    skip_sign_type: bool,
) -> Result<()> {
    let sign = find(params, "sign")?;
    let sign_type = params
        .iter()
        .find(|(k, v)| *k == "sign_type" && !v.is_empty())
        .map_or(Ok(SignType::Rsa2), |(_, t)| SignType::from_name(t))?;
    check(
        verifier,
        sign_type,
        &parts(&signed_params(params, skip_sign_type)),
        sign,
    )
}

fn find<'p>(params: &[(&'p str, &'p str)], name: &'static str) -> Result<&'p str> {
    params
        .iter()
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| *v)
        .ok_or(Error::new(ErrorKind::MissingParameter).at(name))
}

/// A v1 request: common parameters, business content, signature, and its encoding.
///
/// ```
/// use paywire_alipay::{keys::PrivateKey, v1::Request};
/// let key = PrivateKey::from_pem(include_str!("../tests/keys/app-private-key.pem"))?;
/// let mut request = Request::new("2014060600164699", "alipay.trade.query", "2024-01-02 03:04:05");
/// request.set("biz_content", r#"{"out_trade_no":"1"}"#).sign(&key)?;
/// let form = request.to_form();
/// assert!(form.contains("&timestamp=2024-01-02+03%3A04%3A05&") && form.contains("&sign="));
/// # Ok::<(), paywire_alipay::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    params: Vec<(String, String)>,
}

impl Request {
    /// A request for `method` with the common parameters `app_id`, `method`, `format=JSON`,
    /// `charset=utf-8`, `version=1.0` and `timestamp` (`yyyy-MM-dd HH:mm:ss`, Beijing time,
    /// from the caller).
    pub fn new(app_id: &str, method: &str, timestamp: &str) -> Self {
        let mut r = Self { params: Vec::new() };
        r.set("app_id", app_id)
            .set("method", method)
            .set("format", "JSON")
            .set("charset", "utf-8")
            .set("version", "1.0")
            .set("timestamp", timestamp);
        r
    }

    /// Sets a parameter (`biz_content`, `notify_url`, `return_url`, `app_auth_token`,
    /// `app_cert_sn`, `alipay_root_cert_sn`, `encrypt_type`, ...), replacing its value.
    pub fn set(&mut self, name: &str, value: &str) -> &mut Self {
        match self.params.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value.into(),
            None => self.params.push((name.into(), value.into())),
        }
        self
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The parameters as borrowed pairs.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// Encrypts `biz_content` with the base64 AES key (AES-128-CBC, zero IV, PKCS#7) and sets
    /// `encrypt_type=AES`. Call before [`Self::sign`]: Alipay signs the encrypted request.
    pub fn encrypt_biz_content(&mut self, aes_key: &str) -> Result<&mut Self> {
        let plain = self
            .get("biz_content")
            .ok_or(Error::new(ErrorKind::MissingParameter).at("biz_content"))?
            .as_bytes()
            .to_vec();
        let padded = (plain.len() / 16).saturating_add(1).saturating_mul(16);
        let mut work = alloc::vec![0u8; padded];
        let mut out = alloc::vec![0u8; padded.div_ceil(3).saturating_mul(4)];
        let text = String::from(crate::aes::encrypt(aes_key, &plain, &mut work, &mut out)?);
        Ok(self.set("biz_content", &text).set("encrypt_type", "AES"))
    }

    /// Sets `sign_type` from the signer, then `sign` over everything else.
    pub fn sign(&mut self, signer: &impl Signer) -> Result<&mut Self> {
        self.params.retain(|(k, _)| k != "sign");
        self.set("sign_type", signer.sign_type().name());
        let signature = sign(signer, &self.pairs())?;
        Ok(self.set("sign", &signature))
    }

    /// The parameters as an `application/x-www-form-urlencoded` body (UTF-8).
    pub fn to_form(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.params.iter())
            .finish()
    }

    /// `gateway?query`: the whole request as a URL (for GET, page and app payments).
    pub fn to_url(&self, gateway: &str) -> String {
        let mut url = String::from(gateway);
        url.push(if gateway.contains('?') { '&' } else { '?' });
        url.push_str(&self.to_form());
        url
    }
}

/// Verifies a synchronous response of `method` over the raw node text and returns the node.
/// `sign_type` is the one the request used. An unsigned answer is refused
/// (`MissingParameter { name: "sign" }`).
///
/// ```
/// use paywire_alipay::{keys::{PublicKey, SignType}, v1};
/// let public = PublicKey::from_pem(include_str!("../tests/keys/app-public-key.pem"))?;
/// // A response whose node OpenSSL signed (tests/vectors/README.md).
/// let response = include_str!("../tests/vectors/trade_query_response.json");
/// let node = v1::verify_response(&public, SignType::Rsa2, response, "alipay.trade.query")?;
/// assert!(node.signed.starts_with(r#"{"code":"10000""#));
/// assert!(v1::verify_response(&public, SignType::Rsa2, response, "alipay.trade.pay").is_err());
/// # Ok::<(), paywire_alipay::Error>(())
/// ```
pub fn verify_response<'a>(
    verifier: &impl Verifier,
    sign_type: SignType,
    text: &'a str,
    method: &str,
) -> Result<ResponseNode<'a>> {
    let node = response_node(text, method)?;
    let raw_sign = node
        .sign
        .ok_or(Error::new(ErrorKind::MissingParameter).at("sign"))?;
    let mut buf = alloc::vec![0u8; raw_sign.len()];
    let sign = unescape_into(raw_sign, &mut buf).ok_or(Error::new(ErrorKind::InvalidSignature))?;
    check(verifier, sign_type, &[node.signed.as_bytes()], sign)?;
    Ok(node)
}

/// Decrypts a verified encrypted response node (its value is a base64 AES string) with the
/// base64 AES key; returns the JSON text.
pub fn decrypt_response(node: &ResponseNode<'_>, aes_key: &str) -> Result<String> {
    let raw = node
        .encrypted_content()
        .ok_or(Error::new(ErrorKind::Ciphertext))?;
    let mut unescaped = alloc::vec![0u8; raw.len()];
    let content = unescape_into(raw, &mut unescaped).ok_or(Error::new(ErrorKind::Ciphertext))?;
    let mut out = alloc::vec![0u8; content.len()];
    let plain = crate::aes::decrypt(aes_key, content, &mut out)?;
    String::from_utf8(plain.to_vec()).map_err(|_| Error::new(ErrorKind::Ciphertext))
}

/// The `timestamp` parameter for a Unix time: `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8).
#[allow(
    clippy::arithmetic_side_effects,
    reason = "calendar arithmetic on days < 2^49: every intermediate stays far below u64::MAX"
)]
pub fn timestamp_at(unix_seconds: u64) -> String {
    let secs = unix_seconds.saturating_add(8 * 3600);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm, unsigned form).
    let z = days.saturating_add(719_468);
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    alloc::format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// [`timestamp_at`] for the current time (`std`).
#[cfg(feature = "std")]
pub fn timestamp_now() -> String {
    timestamp_at(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}

/// An asynchronous notification's parameters, decoded once from the form body.
///
/// ```
/// use paywire_alipay::{keys::PublicKey, v1::Notification};
/// // alipay-sdk-nodejs-all test/alipay.test.ts, as the form body Alipay posts.
/// let key = PublicKey::from_pem(include_str!("../tests/keys/notify-public-key-v1.txt"))?;
/// let notification = Notification::parse(include_bytes!("../tests/vectors/trade_notify.form"))?;
/// notification.verify(&key)?;
/// assert!(notification.verify_keeping_sign_type(&key).is_err()); // this one was signed without it
/// # Ok::<(), paywire_alipay::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    params: Vec<(String, String)>,
}

/// Decodes one `application/x-www-form-urlencoded` component strictly (`+` is a space, `%XX`
/// must be hex, the result must be UTF-8).
fn form_decode(part: &[u8], offset: usize) -> Result<String> {
    let bad = |at: usize| Error::new(ErrorKind::Form).at_offset(offset.saturating_add(at));
    let mut out = Vec::with_capacity(part.len());
    let mut i = 0usize;
    while let Some(&b) = part.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = part
                    .get(i.saturating_add(1)..i.saturating_add(3))
                    .ok_or_else(|| bad(i))?;
                let text = core::str::from_utf8(hex).map_err(|_| bad(i))?;
                out.push(u8::from_str_radix(text, 16).map_err(|_| bad(i))?);
                i = i.saturating_add(2);
            }
            _ => out.push(b),
        }
        i = i.saturating_add(1);
    }
    String::from_utf8(out).map_err(|e| bad(e.utf8_error().valid_up_to()))
}

impl Notification {
    /// Decodes a notification body (`application/x-www-form-urlencoded`, UTF-8) once.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut params = Vec::new();
        let mut offset = 0usize;
        for pair in body.split(|&b| b == b'&') {
            if !pair.is_empty() {
                let (k, v) = match pair.iter().position(|&b| b == b'=') {
                    Some(eq) => (
                        pair.get(..eq).unwrap_or_default(),
                        pair.get(eq.saturating_add(1)..).unwrap_or_default(),
                    ),
                    None => (pair, &b""[..]),
                };
                let key = form_decode(k, offset)?;
                let value = form_decode(v, offset.saturating_add(k.len()).saturating_add(1))?;
                params.push((key, value));
            }
            offset = offset.saturating_add(pair.len()).saturating_add(1);
        }
        Ok(Self { params })
    }

    /// A notification from already-decoded parameters (a framework's form parser).
    pub fn from_params<K: Into<String>, V: Into<String>>(
        params: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            params: params
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The parameters, in body order.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.params.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn verify_with(&self, verifier: &impl Verifier, skip_sign_type: bool) -> Result<()> {
        let pairs: Vec<(&str, &str)> = self.params().collect();
        verify_params(verifier, &pairs, skip_sign_type)
    }

    /// Verifies as Alipay's `rsaCheckV1`: `sign` and `sign_type` left out of the string.
    pub fn verify(&self, verifier: &impl Verifier) -> Result<()> {
        self.verify_with(verifier, true)
    }

    /// Verifies as `rsaCheckV2`: only `sign` left out (some service-market notifications).
    pub fn verify_keeping_sign_type(&self, verifier: &impl Verifier) -> Result<()> {
        self.verify_with(verifier, false)
    }
}
