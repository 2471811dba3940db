//! Keys, certificates, certificate serial numbers and the signer / verifier traits (`alloc`).
//!
//! Alipay's console hands keys out as bare base64 (PKCS#1 or PKCS#8 private keys, SPKI public
//! keys); SDKs and tools write PEM. Both are read. `RSA2` is SHA256withRSA, `RSA` SHA1withRSA,
//! `SM2` SM3withSM2 with the default user ID `1234567812345678`.
//!
//! In certificate mode a request carries `app_cert_sn` and `alipay_root_cert_sn`:
//! [`Certificate::sn`] is the lower-case hex MD5 of the issuer name (RFC 4514 form: reversed
//! RDNs, `,`-joined, e.g. `CN=Ant Financial Certification Authority Class 1 R1,OU=Certification
//! Authority,O=Ant Financial,C=CN`) followed by the serial number in decimal;
//! [`root_cert_sn`] joins, with `_`, the SNs of the RSA-signed certificates of the root bundle
//! (the SM2 and ECDSA roots are skipped).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use zeroize::Zeroizing;

use md5::Digest as _;
use rsa::pkcs1::{DecodeRsaPrivateKey as _, DecodeRsaPublicKey as _};
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
use rsa::signature::{MultipartSigner as _, MultipartVerifier as _};

use crate::error::{Error, ErrorKind, Result};

/// The SM2 user ID Alipay uses (the GM/T 0009 default).
pub const SM2_USER_ID: &str = "1234567812345678";

/// The `sign_type` of a request, notification or response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignType {
    /// `RSA2`: SHA256withRSA (PKCS#1 v1.5). Alipay's default.
    Rsa2,
    /// `RSA`: SHA1withRSA (legacy).
    Rsa,
    /// `SM2`: SM3withSM2, DER signature.
    Sm2,
}

impl SignType {
    /// The name on the wire.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Rsa2 => "RSA2",
            Self::Rsa => "RSA",
            Self::Sm2 => "SM2",
        }
    }

    /// The sign type a parameter names.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "RSA2" => Ok(Self::Rsa2),
            "RSA" => Ok(Self::Rsa),
            "SM2" => Ok(Self::Sm2),
            _ => Err(Error::new(ErrorKind::SignType)),
        }
    }
}

/// Something that signs: a key in memory, or an HSM / KMS behind this trait.
pub trait Signer {
    /// The sign type of the signatures made.
    fn sign_type(&self) -> SignType;
    /// Signs the concatenation of `parts`; returns the raw signature.
    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>>;
}

/// Something that verifies Alipay's signatures.
pub trait Verifier {
    /// Whether `signature` (raw bytes) of `sign_type` is valid over the concatenation of `parts`.
    fn verify(&self, sign_type: SignType, parts: &[&[u8]], signature: &[u8]) -> bool;
}

impl<T: Signer + ?Sized> Signer for &T {
    fn sign_type(&self) -> SignType {
        (**self).sign_type()
    }
    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>> {
        (**self).sign(parts)
    }
}

impl<T: Verifier + ?Sized> Verifier for &T {
    fn verify(&self, sign_type: SignType, parts: &[&[u8]], signature: &[u8]) -> bool {
        (**self).verify(sign_type, parts, signature)
    }
}

/// The PEM blocks of `text` as (label, DER), each read with `der`'s RFC 7468 decoder at
/// whatever line width it is wrapped (Alipay's certificates use 76 columns); text between
/// blocks is ignored. The DER is zeroized from the first decode on (keys come this way too).
fn pem_blocks(text: &str) -> Option<Vec<(String, Zeroizing<Vec<u8>>)>> {
    const BEGIN: &str = "-----BEGIN ";
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let block = rest.get(start..)?;
        // The block ends after the `-----END <label>-----` line.
        let end_at = block.find("-----END ")?;
        let tail = block.get(end_at.saturating_add(9)..)?;
        let len = end_at
            .saturating_add(9)
            .saturating_add(tail.find("-----")?)
            .saturating_add(5);
        let pem = block.get(..len)?;
        let mut decoder = der::pem::Decoder::new_detect_wrap(pem.as_bytes()).ok()?;
        let label = String::from(decoder.type_label());
        let mut der = Zeroizing::new(alloc::vec![0u8; decoder.remaining_len()]);
        let n = decoder.decode(&mut der).ok()?.len();
        der.truncate(n);
        blocks.push((label, der));
        rest = block.get(len..)?;
    }
    Some(blocks)
}

/// The PEM label and DER of `text`: its first PEM block, or bare base64 (what Alipay's console
/// hands out; whitespace ignored). Zeroized from the first decode on.
fn decode_text(text: &str) -> Option<(Option<String>, Zeroizing<Vec<u8>>)> {
    let text = text.trim();
    if text.starts_with("-----BEGIN ") {
        let (label, der) = pem_blocks(text)?.into_iter().next()?;
        return Some((Some(label), der));
    }
    use base64::Engine as _;
    let compact: Zeroizing<Vec<u8>> =
        Zeroizing::new(text.bytes().filter(|b| !b.is_ascii_whitespace()).collect());
    let mut der = Zeroizing::new(alloc::vec![0u8; compact.len().div_ceil(4).saturating_mul(3)]);
    let n = base64::engine::general_purpose::STANDARD
        .decode_slice(&*compact, &mut der)
        .ok()?;
    der.truncate(n);
    Some((None, der))
}

fn digest<D: md5::Digest>(parts: &[&[u8]]) -> md5::digest::Output<D> {
    let mut d = D::new();
    for part in parts {
        d.update(part);
    }
    d.finalize()
}

/// The application's private key (RSA or SM2). Its `Debug` never shows key material.
#[derive(Clone)]
pub struct PrivateKey {
    key: Private,
    sign_type: SignType,
}

#[derive(Clone)]
enum Private {
    Rsa(rsa::PrivateKey),
    Sm2(sm2::dsa::SigningKey),
}

impl PrivateKey {
    /// Reads PEM (`RSA PRIVATE KEY`, `PRIVATE KEY`) or the bare base64 body of PKCS#1 or PKCS#8
    /// DER. An RSA key signs `RSA2` until [`Self::with_sign_type`] says otherwise.
    pub fn from_pem(text: &str) -> Result<Self> {
        let bad = || Error::new(ErrorKind::SigningKey);
        let (label, der) = decode_text(text).ok_or_else(bad)?;
        let key = match label.as_deref() {
            Some("RSA PRIVATE KEY") => {
                Private::Rsa(rsa::PrivateKey::from_pkcs1_der(&der).map_err(|_| bad())?)
            }
            Some("PRIVATE KEY") | None => {
                if let Ok(k) = rsa::PrivateKey::from_pkcs8_der(&der) {
                    Private::Rsa(k)
                } else if let Ok(k) = rsa::PrivateKey::from_pkcs1_der(&der) {
                    Private::Rsa(k)
                } else {
                    let secret = sm2::SecretKey::from_pkcs8_der(&der).map_err(|_| bad())?;
                    Private::Sm2(
                        sm2::dsa::SigningKey::new(SM2_USER_ID, &secret).map_err(|_| bad())?,
                    )
                }
            }
            Some(_) => return Err(bad()),
        };
        let sign_type = match key {
            Private::Rsa(_) => SignType::Rsa2,
            Private::Sm2(_) => SignType::Sm2,
        };
        Ok(Self { key, sign_type })
    }

    /// Chooses `RSA2` or `RSA` for an RSA key (`SM2` only for an SM2 key).
    pub fn with_sign_type(mut self, sign_type: SignType) -> Result<Self> {
        match (&self.key, sign_type) {
            (Private::Rsa(_), SignType::Rsa2 | SignType::Rsa)
            | (Private::Sm2(_), SignType::Sm2) => {
                self.sign_type = sign_type;
                Ok(self)
            }
            _ => Err(Error::new(ErrorKind::SignType)),
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        match &self.key {
            Private::Rsa(k) => PublicKey(Public::Rsa(k.to_public_key())),
            Private::Sm2(k) => PublicKey(Public::Sm2(k.verifying_key().clone())),
        }
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}, ..)", self.sign_type.name())
    }
}

impl Signer for PrivateKey {
    fn sign_type(&self) -> SignType {
        self.sign_type
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>> {
        let failed = |_| Error::new(ErrorKind::Signing);
        match (&self.key, self.sign_type) {
            (Private::Rsa(k), SignType::Rsa2) => k
                .sign(
                    rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    &digest::<sha2::Sha256>(parts),
                )
                .map_err(failed),
            (Private::Rsa(k), SignType::Rsa) => k
                .sign(
                    rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                    &digest::<sha1::Sha1>(parts),
                )
                .map_err(failed),
            (Private::Sm2(k), _) => k
                .try_multipart_sign(parts)
                .map(|s: sm2::dsa::Signature| s.to_der().as_bytes().to_vec())
                .map_err(|_| Error::new(ErrorKind::Signing)),
            (Private::Rsa(_), SignType::Sm2) => Err(Error::new(ErrorKind::SignType)),
        }
    }
}

/// Alipay's public key (RSA or SM2): from PEM, bare base64 SPKI, or a certificate.
#[derive(Clone)]
pub struct PublicKey(Public);

#[derive(Clone)]
enum Public {
    Rsa(rsa::PublicKey),
    Sm2(sm2::dsa::VerifyingKey),
}

impl PublicKey {
    /// Reads PEM (`PUBLIC KEY`, `RSA PUBLIC KEY`, `CERTIFICATE`) or the bare base64 body of
    /// SubjectPublicKeyInfo DER, as Alipay's console shows it.
    pub fn from_pem(text: &str) -> Result<Self> {
        let bad = || Error::new(ErrorKind::SigningKey);
        let (label, der) = decode_text(text).ok_or_else(bad)?;
        match label.as_deref() {
            Some("RSA PUBLIC KEY") => Ok(Self(Public::Rsa(
                rsa::PublicKey::from_pkcs1_der(&der).map_err(|_| bad())?,
            ))),
            Some("CERTIFICATE") => Certificate::from_der(&der)?.public_key().ok_or_else(bad),
            Some("PUBLIC KEY") | None => Self::from_spki(&der).ok_or_else(bad),
            Some(_) => Err(bad()),
        }
    }

    /// The sign type this key checks by default: `RSA2` for RSA, `SM2` for SM2.
    pub fn default_sign_type(&self) -> SignType {
        match self.0 {
            Public::Rsa(_) => SignType::Rsa2,
            Public::Sm2(_) => SignType::Sm2,
        }
    }

    fn from_spki(der: &[u8]) -> Option<Self> {
        if let Ok(k) = rsa::PublicKey::from_public_key_der(der) {
            return Some(Self(Public::Rsa(k)));
        }
        let k = sm2::PublicKey::from_public_key_der(der).ok()?;
        Some(Self(Public::Sm2(
            sm2::dsa::VerifyingKey::new(SM2_USER_ID, k).ok()?,
        )))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Public::Rsa(_) => "PublicKey(RSA)",
            Public::Sm2(_) => "PublicKey(SM2)",
        })
    }
}

impl Verifier for PublicKey {
    fn verify(&self, sign_type: SignType, parts: &[&[u8]], signature: &[u8]) -> bool {
        match (&self.0, sign_type) {
            (Public::Rsa(k), SignType::Rsa2) => k
                .verify(
                    rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    &digest::<sha2::Sha256>(parts),
                    signature,
                )
                .is_ok(),
            (Public::Rsa(k), SignType::Rsa) => k
                .verify(
                    rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                    &digest::<sha1::Sha1>(parts),
                    signature,
                )
                .is_ok(),
            (Public::Sm2(k), SignType::Sm2) => sm2::dsa::Signature::from_der(signature)
                .is_ok_and(|s| k.multipart_verify(parts, &s).is_ok()),
            _ => false,
        }
    }
}

/// The signature algorithm OIDs of RSA (`1.2.840.113549.1.1.*`), the certificates the root SN
/// covers.
const RSA_SIGNATURE_ARC: &str = "1.2.840.113549.1.1.";

/// An X.509 certificate, reduced to what Alipay's certificate mode needs.
#[derive(Clone, Debug)]
pub struct Certificate {
    issuer: String,
    subject: String,
    serial: String,
    signature_algorithm: String,
    public_key: Option<PublicKey>,
    not_before: u64,
    not_after: u64,
    tbs: Vec<u8>,
    signature: Vec<u8>,
}

impl Certificate {
    /// Reads one PEM certificate (the first of the text).
    pub fn from_pem(text: &str) -> Result<Self> {
        Self::chain_from_pem(text)?
            .into_iter()
            .next()
            .ok_or(Error::new(ErrorKind::Certificate))
    }

    /// Reads every PEM certificate of a bundle (`alipayRootCert.crt`, a chain), in order.
    pub fn chain_from_pem(text: &str) -> Result<Vec<Self>> {
        let blocks = pem_blocks(text).ok_or(Error::new(ErrorKind::Certificate))?;
        let certs = blocks
            .iter()
            .filter(|(label, _)| *label == "CERTIFICATE")
            .map(|(_, der)| Self::from_der(der))
            .collect::<Result<Vec<_>>>()?;
        if certs.is_empty() {
            return Err(Error::new(ErrorKind::Certificate));
        }
        Ok(certs)
    }

    /// Reads DER.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        use der::{Decode as _, Encode as _};
        let bad = |_| Error::new(ErrorKind::Certificate);
        let cert = x509_cert::Certificate::from_der(der).map_err(bad)?;
        let tbs = cert.tbs_certificate();
        let spki = tbs.subject_public_key_info().to_der().map_err(bad)?;
        Ok(Self {
            issuer: alloc::format!("{}", tbs.issuer()),
            subject: alloc::format!("{}", tbs.subject()),
            serial: decimal(tbs.serial_number().as_bytes()),
            signature_algorithm: alloc::format!("{}", cert.signature_algorithm().oid),
            public_key: PublicKey::from_spki(&spki),
            not_before: tbs.validity().not_before.to_unix_duration().as_secs(),
            not_after: tbs.validity().not_after.to_unix_duration().as_secs(),
            tbs: tbs.to_der().map_err(bad)?,
            signature: cert.signature().raw_bytes().to_vec(),
        })
    }

    /// The issuer name as the SN hashes it.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The serial number in decimal.
    pub fn serial_decimal(&self) -> &str {
        &self.serial
    }

    /// The signature algorithm OID, dotted.
    pub fn signature_algorithm(&self) -> &str {
        &self.signature_algorithm
    }

    /// The subject's key, when it is RSA or SM2.
    pub fn public_key(&self) -> Option<PublicKey> {
        self.public_key.clone()
    }

    /// The subject name (RFC 4514 form).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The validity period, Unix seconds (not before, not after).
    pub fn validity(&self) -> (u64, u64) {
        (self.not_before, self.not_after)
    }

    /// Whether `issuer`'s key verifies this certificate's signature (SHA256/SHA1 with RSA, or
    /// SM3 with SM2).
    pub fn is_signed_by(&self, issuer: &Certificate) -> bool {
        let Some(key) = &issuer.public_key else {
            return false;
        };
        let sign_type = match self.signature_algorithm.as_str() {
            "1.2.840.113549.1.1.11" => SignType::Rsa2,
            "1.2.840.113549.1.1.5" => SignType::Rsa,
            "1.2.156.10197.1.501" => SignType::Sm2,
            _ => return false,
        };
        key.verify(sign_type, &[&self.tbs], &self.signature)
    }

    fn same_as(&self, other: &Certificate) -> bool {
        self.tbs == other.tbs
    }

    /// The certificate SN: lower-case hex MD5 of issuer name ‖ decimal serial.
    pub fn sn(&self) -> String {
        let hash = md5::Md5::new()
            .chain_update(self.issuer.as_bytes())
            .chain_update(self.serial.as_bytes())
            .finalize();
        hex::encode(hash)
    }
}

/// Checks a downloaded Alipay certificate: `chain[0]` must lead, through certificates of
/// `chain` and `roots` (`alipayRootCert.crt`), to one of `roots`, every signature verifying
/// under its issuer's key and every certificate valid at `now` (Unix seconds). At most 8 links.
pub fn verify_chain(chain: &[Certificate], roots: &[Certificate], now: u64) -> Result<()> {
    let invalid = Error::new(ErrorKind::ChainInvalid);
    let mut current = chain.first().ok_or(invalid)?;
    for _ in 0..8 {
        if !(current.not_before..=current.not_after).contains(&now) {
            return Err(invalid);
        }
        if roots.iter().any(|r| r.same_as(current)) {
            return Ok(());
        }
        current = chain
            .iter()
            .chain(roots)
            .find(|c| !c.same_as(current) && c.subject == current.issuer && current.is_signed_by(c))
            .ok_or(invalid)?;
    }
    Err(invalid)
}

/// `alipay_root_cert_sn` of a root bundle: the SNs of its RSA-signed certificates, joined by `_`.
pub fn root_cert_sn(bundle: &str) -> Result<String> {
    let sns: Vec<String> = Certificate::chain_from_pem(bundle)?
        .iter()
        .filter(|c| c.signature_algorithm.starts_with(RSA_SIGNATURE_ARC))
        .map(Certificate::sn)
        .collect();
    if sns.is_empty() {
        return Err(Error::new(ErrorKind::Certificate));
    }
    Ok(sns.join("_"))
}

/// A big-endian unsigned integer in decimal (schoolbook division by 10, on a copy).
fn decimal(bytes: &[u8]) -> String {
    let mut n: Vec<u8> = bytes.to_vec();
    let mut digits = Vec::new();
    while n.iter().any(|&b| b != 0) {
        let mut rem = 0u8;
        for b in &mut n {
            let cur = u16::from_be_bytes([rem, *b]);
            *b = u8::try_from(cur / 10).unwrap_or(0);
            rem = u8::try_from(cur % 10).unwrap_or(0);
        }
        digits.push(b'0'.saturating_add(rem));
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn decimal_serials() {
        assert_eq!(decimal(&[]), "0");
        assert_eq!(decimal(&[0]), "0");
        assert_eq!(decimal(&[0x01, 0x00]), "256");
        assert_eq!(decimal(&[0xff, 0xff, 0xff, 0xff]), "4294967295");
        // 2^64 = 18446744073709551616.
        assert_eq!(
            decimal(&[1, 0, 0, 0, 0, 0, 0, 0, 0]),
            "18446744073709551616"
        );
    }
}
