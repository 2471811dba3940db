//! OpenAPI v3 (`/v3/...`, JSON): the `Authorization` header and response verification (`alloc`).
//!
//! `authString = app_id=..[,app_cert_sn=..],nonce=..,timestamp=<ms>`; the request signs
//! `authString\nMETHOD\nURI\nBODY\n` plus `APP_AUTH_TOKEN\n` when acting for a merchant, and
//! sends `Authorization: ALIPAY-SHA256withRSA <authString>,sign=<base64>` (the SM2 variant names
//! `ALIPAY-SM2`). A response is verified over `alipay-timestamp\nalipay-nonce\nBODY\n` with the
//! `alipay-signature` header, the key chosen by `alipay-sn` in certificate mode.

use alloc::string::String;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{Error, ErrorKind, Result};
use crate::keys::{SignType, Signer, Verifier};

/// Who signs: the app, its certificate SN in certificate mode, and the caller's nonce and time.
#[derive(Clone, Copy, Debug)]
pub struct Auth<'a> {
    /// `app_id`.
    pub app_id: &'a str,
    /// `app_cert_sn` (certificate mode), else `None`.
    pub app_cert_sn: Option<&'a str>,
    /// A fresh nonce (a UUID is usual).
    pub nonce: &'a str,
    /// Unix milliseconds, decimal.
    pub timestamp_ms: &'a str,
}

fn check(name: &'static str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::new(ErrorKind::MissingParameter).at(name));
    }
    if value
        .bytes()
        .any(|b| matches!(b, b'"' | b',' | b'\r' | b'\n'))
    {
        return Err(Error::new(ErrorKind::Parameter).at(name));
    }
    Ok(())
}

impl Auth<'_> {
    /// `app_id=..[,app_cert_sn=..],nonce=..,timestamp=..`.
    pub fn auth_string(&self) -> Result<String> {
        check("app_id", self.app_id)?;
        check("nonce", self.nonce)?;
        check("timestamp", self.timestamp_ms)?;
        let mut s = String::with_capacity(128);
        s.push_str("app_id=");
        s.push_str(self.app_id);
        if let Some(sn) = self.app_cert_sn {
            check("app_cert_sn", sn)?;
            s.push_str(",app_cert_sn=");
            s.push_str(sn);
        }
        s.push_str(",nonce=");
        s.push_str(self.nonce);
        s.push_str(",timestamp=");
        s.push_str(self.timestamp_ms);
        Ok(s)
    }
}

/// The scheme word of the header for a sign type.
const fn scheme(sign_type: SignType) -> &'static str {
    match sign_type {
        SignType::Sm2 => "ALIPAY-SM2",
        SignType::Rsa2 | SignType::Rsa => "ALIPAY-SHA256withRSA",
    }
}

/// Signs a v3 request and returns the whole `Authorization` value. `uri` is the path and
/// query as sent (`/v3/alipay/trade/query?x=1`), `body` the exact body (empty for GET).
pub fn authorization(
    signer: &impl Signer,
    auth: &Auth<'_>,
    method: &str,
    uri: &str,
    body: &[u8],
    app_auth_token: Option<&str>,
) -> Result<String> {
    if signer.sign_type() == SignType::Rsa {
        return Err(Error::new(ErrorKind::SignType));
    }
    check("method", method)?;
    check("uri", uri)?;
    let auth_string = auth.auth_string()?;
    let nl: &[u8] = b"\n";
    let mut parts: [&[u8]; 10] = [
        auth_string.as_bytes(),
        nl,
        method.as_bytes(),
        nl,
        uri.as_bytes(),
        nl,
        body,
        nl,
        b"",
        b"",
    ];
    if let Some(token) = app_auth_token {
        check("app_auth_token", token)?;
        parts[8] = token.as_bytes();
        parts[9] = nl;
    }
    let signature = signer.sign(&parts)?;
    let mut header = String::from(scheme(signer.sign_type()));
    header.push(' ');
    header.push_str(&auth_string);
    header.push_str(",sign=");
    STANDARD.encode_string(signature, &mut header);
    Ok(header)
}

/// Verifies a v3 response: `alipay-signature` over `alipay-timestamp\nalipay-nonce\nBODY\n`.
pub fn verify_response(
    verifier: &impl Verifier,
    sign_type: SignType,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
    signature: &str,
) -> Result<()> {
    check("alipay-timestamp", timestamp)?;
    check("alipay-nonce", nonce)?;
    let raw = STANDARD
        .decode(signature.trim())
        .map_err(|_| Error::new(ErrorKind::InvalidSignature))?;
    let parts: [&[u8]; 6] = [
        timestamp.as_bytes(),
        b"\n",
        nonce.as_bytes(),
        b"\n",
        body,
        b"\n",
    ];
    if verifier.verify(sign_type, &parts, &raw) {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::InvalidSignature))
    }
}

/// A random UUID (version 4) for `nonce` (`std`).
#[cfg(feature = "std")]
pub fn nonce() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|_| Error::new(ErrorKind::Randomness))?;
    if let Some(v) = b.get_mut(6) {
        *v = (*v & 0x0f) | 0x40;
    }
    if let Some(v) = b.get_mut(8) {
        *v = (*v & 0x3f) | 0x80;
    }
    let hex = hex::encode(b);
    Ok(alloc::format!(
        "{}-{}-{}-{}-{}",
        hex.get(..8).unwrap_or_default(),
        hex.get(8..12).unwrap_or_default(),
        hex.get(12..16).unwrap_or_default(),
        hex.get(16..20).unwrap_or_default(),
        hex.get(20..).unwrap_or_default()
    ))
}

/// The current Unix time in milliseconds, decimal (`std`).
#[cfg(feature = "std")]
pub fn timestamp_ms() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    alloc::format!("{ms}")
}
