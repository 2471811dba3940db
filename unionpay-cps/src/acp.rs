//! The UnionPay online gateway (ACP 全渠道, version 5.1.0) and the QRA gateway: string to sign,
//! request signatures and response / notification verification (`alloc`).
//!
//! - `stringData`: every non-blank parameter except `signature`, sorted by name, `k=v` joined
//!   by `&`, raw values.
//! - `signMethod=01`: `signature` = base64 SHA256withRSA over the ASCII **lower-case hex of
//!   SHA-256(stringData)** (SHA-256 twice), `certId` the decimal serial of the merchant's
//!   signing certificate. Responses carry `signPubKeyCert` (PEM, part of the signed string):
//!   the key that verifies, once the certificate is checked to be UnionPay's (CN) and valid.
//! - `signMethod=11` / `12`: `signature` = lower-case hex of SHA-256 / SM3 over
//!   `stringData & lowerhex(SHA-256 / SM3(secureKey))`.
//! - Responses are `k=v&...` bodies **not** URL-decoded, where a value may hold `{...}` or
//!   `[...]` with `&` and `=` inside ([`parse_response`]).
//! - QRA (`qra.95516.com`, XML API): upper-case hex MD5 of the sorted non-empty parameters
//!   (except `sign`) followed by `&key=SECRET` ([`qra_sign`]).

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;

use crate::error::{Error, ErrorKind, Result};

/// UnionPay's organisation name, the third `@`-field of its signing certificate's CN.
pub const UNIONPAY_CN_ORG: &str = "中国银联股份有限公司";

/// The signature method of a request or response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignMethod {
    /// `01`: RSA with the merchant certificate (SHA-256 in 5.1.0).
    Rsa,
    /// `11`: SHA-256 with the secure key.
    Sha256,
    /// `12`: SM3 with the secure key.
    Sm3,
}

impl SignMethod {
    /// The code on the wire.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Rsa => "01",
            Self::Sha256 => "11",
            Self::Sm3 => "12",
        }
    }

    /// The method a `signMethod` value names.
    pub fn from_code(code: &str) -> Result<Self> {
        match code {
            "01" => Ok(Self::Rsa),
            "11" => Ok(Self::Sha256),
            "12" => Ok(Self::Sm3),
            _ => Err(Error::new(ErrorKind::SignMethod)),
        }
    }
}

/// The parameters that are signed, sorted: non-blank, not `signature`.
fn signed<'p>(params: &[(&'p str, &'p str)], skip: &str) -> Vec<(&'p str, &'p str)> {
    let mut kept: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|(k, v)| !v.trim().is_empty() && *k != skip)
        .collect();
    kept.sort_by(|a, b| a.0.cmp(b.0));
    kept
}

fn join(sorted: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            s.push('&');
        }
        s.push_str(k);
        s.push('=');
        s.push_str(v);
    }
    s
}

/// `stringData`: the string an ACP signature covers.
pub fn string_data(params: &[(&str, &str)]) -> String {
    join(&signed(params, "signature"))
}

fn digest_hex<D: sha2::Digest>(parts: &[&[u8]]) -> String {
    let mut d = D::new();
    for p in parts {
        d.update(p);
    }
    hex::encode(d.finalize())
}

/// `lowerhex(D(stringData & lowerhex(D(secureKey))))`, SDKUtil `signBySecureKey`.
fn secure_key_digest<D: sha2::Digest>(data: &str, secure_key: &str) -> String {
    let key_hash = digest_hex::<D>(&[secure_key.as_bytes()]);
    digest_hex::<D>(&[data.as_bytes(), b"&", key_hash.as_bytes()])
}

/// What a `signMethod=01` signature covers: SHA-256 of the lower-case hex SHA-256 of
/// stringData (the RSA scheme hashes the hex once more).
fn rsa_prehash(params: &[(&str, &str)]) -> sha2::digest::Output<sha2::Sha256> {
    let hex = digest_hex::<sha2::Sha256>(&[string_data(params).as_bytes()]);
    sha2::Sha256::digest(hex.as_bytes())
}

/// The `signature` for `signMethod` 11 (SHA-256) or 12 (SM3) with the secure key.
///
/// ```
/// use paywire_unionpay::acp::{self, SignMethod};
/// // An ACP 5.1.0 consume request; both values were computed independently with Python's hashlib
/// // over its stringData (tests/acp.rs).
/// let request = [
///     ("version", "5.1.0"), ("encoding", "UTF-8"), ("certId", "69903319369"), ("signMethod", "01"),
///     ("txnType", "01"), ("txnSubType", "01"), ("bizType", "000201"), ("channelType", "07"),
///     ("accessType", "0"), ("backUrl", "http://example.com/back"), ("currencyCode", "156"),
///     ("merId", "777290058110097"), ("orderId", "20240101000000"), ("txnTime", "20240101000000"),
///     ("txnAmt", "100"),
/// ];
/// assert_eq!(acp::sign_with_secure_key(&request, SignMethod::Sha256, "88888888")?,
///     "ac126baccf2ccfa08c009e67e885ce3db674571a3f0aefead7eb0313a56edcf6");
/// assert_eq!(acp::sign_with_secure_key(&request, SignMethod::Sm3, "88888888")?,
///     "3c7c26eddf89a29f339a6f47b885805e50f9773cfe4d08daf72804c1723b5f12");
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
pub fn sign_with_secure_key(
    params: &[(&str, &str)],
    method: SignMethod,
    secure_key: &str,
) -> Result<String> {
    let data = string_data(params);
    match method {
        SignMethod::Sha256 => Ok(secure_key_digest::<sha2::Sha256>(&data, secure_key)),
        SignMethod::Sm3 => Ok(secure_key_digest::<sm3::Sm3>(&data, secure_key)),
        SignMethod::Rsa => Err(Error::new(ErrorKind::SignMethod)),
    }
}

/// The merchant's RSA signing key: from PEM (PKCS#8 or PKCS#1), or from the PKCS#12 file
/// UnionPay issues with [`crate::pfx::load`] (feature `pfx`). Its `Debug` shows nothing of the
/// key.
#[derive(Clone)]
pub struct SigningKey(rsa::PrivateKey);

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SigningKey(RSA, ..)")
    }
}

impl SigningKey {
    /// Wraps an RSA key.
    #[cfg(feature = "pfx")]
    pub(crate) const fn from_rsa(key: rsa::PrivateKey) -> Self {
        Self(key)
    }

    /// The matching public key.
    pub fn public_key(&self) -> rsa::PublicKey {
        self.0.to_public_key()
    }

    /// Reads PEM.
    pub fn from_pem(text: &str) -> Result<Self> {
        let bad = |_| Error::new(ErrorKind::Key);
        let (label, der) = der::pem::decode_vec(text.trim().as_bytes()).map_err(bad)?;
        let der = zeroize::Zeroizing::new(der);
        let key = match label {
            "RSA PRIVATE KEY" => {
                rsa::PrivateKey::from_pkcs1_der(&der).map_err(|_| Error::new(ErrorKind::Key))?
            }
            _ => rsa::PrivateKey::from_pkcs8_der(&der).map_err(|_| Error::new(ErrorKind::Key))?,
        };
        Ok(Self(key))
    }
}

/// The `signature` for `signMethod` 01, version 5.1.0: base64 SHA256withRSA over the lower-case
/// hex of SHA-256(stringData). The parameters must already hold `certId` and `signMethod=01`.
pub fn sign_rsa(params: &[(&str, &str)], key: &SigningKey) -> Result<String> {
    let sig = key
        .0
        .sign(
            rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            &rsa_prehash(params),
        )
        .map_err(|_| Error::new(ErrorKind::Signing))?;
    Ok(STANDARD.encode(sig))
}

/// Splits a response body `k=v&k=v...` without URL-decoding; a value that starts with `{` or
/// `[` runs to its matching bracket (so `&` and `=` inside stay in it). Nesting beyond 64
/// levels, or an unclosed bracket, is taken as plain text up to the next `&`.
pub fn parse_response(body: &str) -> Vec<(&str, &str)> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let rest = body.get(pos..).unwrap_or_default();
        let Some(eq) = rest.find('=') else { break };
        let key = rest.get(..eq).unwrap_or_default();
        let value_start = pos.saturating_add(eq).saturating_add(1);
        let value_rest = bytes.get(value_start..).unwrap_or_default();
        let mut end = match value_rest.first() {
            Some(b'{' | b'[') => bracket_end(value_rest),
            _ => None,
        }
        .unwrap_or(0);
        end = value_rest
            .get(end..)
            .unwrap_or_default()
            .iter()
            .position(|&b| b == b'&')
            .map_or(value_rest.len(), |amp| end.saturating_add(amp));
        let value = body
            .get(value_start..value_start.saturating_add(end))
            .unwrap_or_default();
        out.push((key, value));
        pos = value_start.saturating_add(end).saturating_add(1);
    }
    out
}

/// The index just past the bracket matching `text[0]`, or `None`.
fn bracket_end(text: &[u8]) -> Option<usize> {
    let mut depth = 0u32;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'{' | b'[' => {
                depth = depth.checked_add(1).filter(|d| *d <= 64)?;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return i.checked_add(1);
                }
            }
            _ => {}
        }
    }
    None
}

fn find<'p>(params: &[(&'p str, &'p str)], name: &'static str) -> Result<&'p str> {
    params
        .iter()
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| *v)
        .ok_or(Error::param(ErrorKind::MissingParameter, name))
}

/// Checks `signPubKeyCert` as UnionPay documents it: an X.509 RSA certificate, valid at `now`
/// (Unix seconds), whose CN's third `@`-separated field is [`UNIONPAY_CN_ORG`]; returns its key.
/// The chain to UnionPay's ACP middle and root certificates is checked by
/// [`check_sign_cert_chain`] (which does this too).
pub fn check_sign_cert(pem: &str, now: u64) -> Result<rsa::PublicKey> {
    let cert = certificate(pem)?;
    check_leaf(&cert, now)
}

fn certificate(pem: &str) -> Result<x509_cert::Certificate> {
    use der::Decode as _;
    let bad = || Error::new(ErrorKind::Certificate);
    let (label, der) = der::pem::decode_vec(pem.trim().as_bytes()).map_err(|_| bad())?;
    if label != "CERTIFICATE" {
        return Err(bad());
    }
    x509_cert::Certificate::from_der(&der).map_err(|_| bad())
}

fn valid_at(cert: &x509_cert::Certificate, now: u64) -> bool {
    let validity = cert.tbs_certificate().validity();
    let from = validity.not_before.to_unix_duration().as_secs();
    let to = validity.not_after.to_unix_duration().as_secs();
    (from..=to).contains(&now)
}

/// The RSA key of a certificate.
pub(crate) fn public_key(cert: &x509_cert::Certificate) -> Result<rsa::PublicKey> {
    use der::Encode as _;
    let bad = || Error::new(ErrorKind::Certificate);
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|_| bad())?;
    rsa::PublicKey::from_public_key_der(&spki).map_err(|_| bad())
}

fn check_leaf(cert: &x509_cert::Certificate, now: u64) -> Result<rsa::PublicKey> {
    let bad = || Error::new(ErrorKind::Certificate);
    if !valid_at(cert, now) {
        return Err(bad());
    }
    let cn = cert
        .tbs_certificate()
        .subject()
        .common_name()
        .ok()
        .flatten()
        .map(String::from)
        .ok_or_else(bad)?;
    if cn.split('@').nth(2) != Some(UNIONPAY_CN_ORG) {
        return Err(bad());
    }
    public_key(cert)
}

/// UnionPay's ACP certificates that anchor `signPubKeyCert`: the middle (issuing) certificate
/// and the root, as the official SDKs load them (`acpsdk.middleCert.path`,
/// `acpsdk.rootCert.path`; production and test environments have their own pair).
#[derive(Clone, Debug)]
pub struct AcpRoots {
    middle: x509_cert::Certificate,
    root: x509_cert::Certificate,
}

impl AcpRoots {
    /// Reads the two PEM certificates; the middle one must be signed by the root, and the root
    /// by itself.
    pub fn from_pem(middle: &str, root: &str) -> Result<Self> {
        let (middle, root) = (certificate(middle)?, certificate(root)?);
        signed_by(&root, &root)?;
        signed_by(&middle, &root)?;
        Ok(Self { middle, root })
    }
}

/// Checks that `issuer` issued `cert`: names match, and `cert`'s signature (SHA256withRSA or
/// SHA1withRSA) verifies under `issuer`'s key.
fn signed_by(cert: &x509_cert::Certificate, issuer: &x509_cert::Certificate) -> Result<()> {
    use der::Encode as _;
    let bad = || Error::new(ErrorKind::Certificate);
    let tbs = cert.tbs_certificate();
    if tbs.issuer() != issuer.tbs_certificate().subject() {
        return Err(bad());
    }
    let key = public_key(issuer)?;
    let message = tbs.to_der().map_err(|_| bad())?;
    let signature = cert.signature().as_bytes().ok_or_else(bad)?;
    let algorithm = cert.signature_algorithm().oid;
    let verified = match algorithm {
        SHA256_WITH_RSA => key.verify(
            rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            &sha2::Sha256::digest(&message),
            signature,
        ),
        SHA1_WITH_RSA => key.verify(
            rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
            &<sha1::Sha1 as sha2::Digest>::digest(&message),
            signature,
        ),
        _ => return Err(bad()),
    };
    verified.map_err(|_| bad())
}

const SHA256_WITH_RSA: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA1_WITH_RSA: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");

/// [`check_sign_cert`] and the chain: `signPubKeyCert` issued by `roots`' middle certificate,
/// which the root issued; the middle and root valid at `now` too. This is the check UnionPay's
/// SDKs make before trusting a response's signature.
pub fn check_sign_cert_chain(pem: &str, roots: &AcpRoots, now: u64) -> Result<rsa::PublicKey> {
    let cert = certificate(pem)?;
    let key = check_leaf(&cert, now)?;
    if !(valid_at(&roots.middle, now) && valid_at(&roots.root, now)) {
        return Err(Error::new(ErrorKind::Certificate));
    }
    signed_by(&cert, &roots.middle)?;
    Ok(key)
}

/// Verifies a `signMethod=01` signature with a known public key (for instance one's own, in
/// tests, or a key checked by other means).
pub fn verify_rsa(params: &[(&str, &str)], key: &rsa::PublicKey) -> Result<()> {
    let invalid = Error::new(ErrorKind::InvalidSignature);
    let signature = find(params, "signature")?;
    let raw = STANDARD.decode(signature.trim()).map_err(|_| invalid)?;
    key.verify(
        rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        &rsa_prehash(params),
        &raw,
    )
    .map_err(|_| invalid)
}

/// [`verify`] with `signPubKeyCert` checked up to UnionPay's ACP certificates
/// ([`check_sign_cert_chain`]) for `signMethod` 01.
pub fn verify_with_roots(
    params: &[(&str, &str)],
    secure_key: Option<&str>,
    roots: &AcpRoots,
    now: u64,
) -> Result<()> {
    if SignMethod::from_code(find(params, "signMethod")?)? == SignMethod::Rsa {
        let key = check_sign_cert_chain(find(params, "signPubKeyCert")?, roots, now)?;
        return verify_rsa(params, &key);
    }
    verify(params, secure_key, now)
}

/// Verifies an ACP response or notification (parameters as received, not URL-decoded twice):
/// `signMethod` 01 with `signPubKeyCert` checked by [`check_sign_cert`] at `now`; 11 / 12 with
/// the secure key (constant-time comparison).
pub fn verify(params: &[(&str, &str)], secure_key: Option<&str>, now: u64) -> Result<()> {
    let signature = find(params, "signature")?;
    let method = SignMethod::from_code(find(params, "signMethod")?)?;
    let invalid = Error::new(ErrorKind::InvalidSignature);
    match method {
        SignMethod::Rsa => {
            let key = check_sign_cert(find(params, "signPubKeyCert")?, now)?;
            verify_rsa(params, &key)
        }
        SignMethod::Sha256 | SignMethod::Sm3 => {
            let key = secure_key.ok_or(Error::param(ErrorKind::MissingParameter, "secureKey"))?;
            let expected = sign_with_secure_key(params, method, key)?;
            if bool::from(
                expected
                    .as_bytes()
                    .ct_eq(signature.trim().to_ascii_lowercase().as_bytes()),
            ) {
                Ok(())
            } else {
                Err(invalid)
            }
        }
    }
}

/// The QRA `sign`: upper-case hex MD5 of the sorted non-empty parameters except `sign`, then
/// `&key=SECRET`.
pub fn qra_sign(params: &[(&str, &str)], key: &str) -> String {
    let mut data = join(&signed(params, "sign"));
    if !data.is_empty() {
        data.push('&');
    }
    data.push_str("key=");
    data.push_str(key);
    let digest = md5::Md5::digest(data.as_bytes());
    hex::encode_upper(digest)
}

/// Verifies a QRA `sign` (constant time, case-insensitive).
pub fn qra_verify(params: &[(&str, &str)], key: &str) -> bool {
    let Ok(sign) = find(params, "sign") else {
        return false;
    };
    bool::from(
        qra_sign(params, key)
            .as_bytes()
            .ct_eq(sign.to_ascii_uppercase().as_bytes()),
    )
}

/// The test gateway's base URL (`gateway.test.95516.com`); production is `gateway.95516.com`.
pub const TEST_GATEWAY: &str = "https://gateway.test.95516.com/gateway/api/";

/// An ACP 5.1.0 request: common parameters, the transaction's own, the signature, and the form
/// body to POST to `frontTransReq.do` / `backTransReq.do` / `queryTrans.do`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    params: Vec<(String, String)>,
}

impl Request {
    /// The parameters every 5.1.0 request carries: `version`, `encoding=UTF-8`, `accessType=0`
    /// (merchant direct), `currencyCode=156` where an amount is sent.
    fn common(mer_id: &str, order_id: &str, txn_time: &str) -> Self {
        let mut r = Self { params: Vec::new() };
        r.set("version", "5.1.0")
            .set("encoding", "UTF-8")
            .set("accessType", "0")
            .set("merId", mer_id)
            .set("orderId", order_id)
            .set("txnTime", txn_time);
        r
    }

    /// A consumption (`txnType=01`, `txnSubType=01`, `bizType=000201`, web `channelType=07`);
    /// `amount` in fen; the result is notified to `back_url`.
    pub fn consume(
        mer_id: &str,
        order_id: &str,
        txn_time: &str,
        amount: u64,
        back_url: &str,
    ) -> Self {
        let mut r = Self::common(mer_id, order_id, txn_time);
        r.set("txnType", "01")
            .set("txnSubType", "01")
            .set("bizType", "000201")
            .set("channelType", "07")
            .set("currencyCode", "156")
            .set("txnAmt", &alloc::format!("{amount}"))
            .set("backUrl", back_url);
        r
    }

    /// A scanned-code payment (C2B 被扫: `txnSubType=06`, `bizType=000000`, mobile
    /// `channelType=08`) with the consumer's code in `qrNo`.
    pub fn c2b_pay(
        mer_id: &str,
        order_id: &str,
        txn_time: &str,
        amount: u64,
        qr_no: &str,
        back_url: &str,
    ) -> Self {
        let mut r = Self::qr(mer_id, order_id, txn_time, amount, back_url, "06");
        r.set("qrNo", qr_no);
        r
    }

    /// A merchant-presented code request (B2C 主扫: `txnSubType=07`); the answer's `qrCode` is
    /// the text to show.
    pub fn b2c_apply(
        mer_id: &str,
        order_id: &str,
        txn_time: &str,
        amount: u64,
        back_url: &str,
    ) -> Self {
        Self::qr(mer_id, order_id, txn_time, amount, back_url, "07")
    }

    /// The QR consumptions: `bizType=000000`, mobile `channelType=08`, the given sub-type.
    fn qr(
        mer_id: &str,
        order_id: &str,
        txn_time: &str,
        amount: u64,
        back_url: &str,
        sub_type: &str,
    ) -> Self {
        let mut r = Self::consume(mer_id, order_id, txn_time, amount, back_url);
        r.set("txnSubType", sub_type)
            .set("bizType", "000000")
            .set("channelType", "08");
        r
    }

    /// Sets a parameter (replacing it).
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

    /// Signs with the merchant key (`signMethod=01`, `certId` = the decimal serial of the
    /// signing certificate).
    pub fn sign_rsa(&mut self, key: &SigningKey, cert_id: &str) -> Result<&mut Self> {
        self.params.retain(|(k, _)| k != "signature");
        self.set("signMethod", "01").set("certId", cert_id);
        let signature = sign_rsa(&self.pairs(), key)?;
        Ok(self.set("signature", &signature))
    }

    /// Signs with the secure key (`signMethod` 11 or 12).
    pub fn sign_secure_key(&mut self, method: SignMethod, secure_key: &str) -> Result<&mut Self> {
        self.params
            .retain(|(k, _)| k != "signature" && k != "certId");
        self.set("signMethod", method.code());
        let signature = sign_with_secure_key(&self.pairs(), method, secure_key)?;
        Ok(self.set("signature", &signature))
    }

    /// The `application/x-www-form-urlencoded` body (UTF-8), after signing.
    pub fn to_form(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.params.iter())
            .finish()
    }
}
