//! Keys, certificates and the signer / verifier traits (with `alloc`).
//!
//! A merchant signs API v3 requests with its API certificate's private key: RSA (PKCS#1 v1.5
//! with SHA-256, `WECHATPAY2-SHA256-RSA2048`) or, in the 国密 variant, SM2 with SM3 and the
//! default user ID `1234567812345678` (`WECHATPAY2-SM2-WITH-SM3`, DER signatures). WeChat Pay
//! signs its answers with a platform certificate (named by its serial number) or, for merchants
//! since 2024, a platform public key (named `PUB_KEY_ID_...`).
//!
//! [`PrivateKey`] and [`PublicKey`] load PEM (PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`,
//! SPKI `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY`) or the bare base64 body some consoles hand out;
//! [`Certificate`] reads an X.509 certificate and its serial number. The [`Signer`] and
//! [`Verifier`] traits let an HSM or KMS hold the key instead.
//!
//! Every signer and verifier takes the message as parts (`&[&[u8]]`), hashed in order, so the
//! string to sign is never assembled in memory.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use rsa::pkcs1::{DecodeRsaPrivateKey as _, DecodeRsaPublicKey as _};
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
use rsa::signature::hazmat::{PrehashSigner as _, PrehashVerifier as _};
use rsa::signature::{MultipartSigner as _, MultipartVerifier as _};
use sha2::Digest as _;

use crate::error::{Error, ErrorKind, Result};

/// The SM2 user ID WeChat Pay uses (the GM/T 0009 default).
pub const SM2_USER_ID: &str = "1234567812345678";

/// A signature scheme, as the `Authorization` header and `Wechatpay-Signature-Type` name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// `WECHATPAY2-SHA256-RSA2048`: RSASSA-PKCS1-v1_5 with SHA-256.
    Sha256Rsa2048,
    /// `WECHATPAY2-SM2-WITH-SM3`: SM2 over SM3(ZA ‖ M), DER-encoded (r, s).
    Sm2WithSm3,
}

impl Scheme {
    /// The name on the wire.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sha256Rsa2048 => "WECHATPAY2-SHA256-RSA2048",
            Self::Sm2WithSm3 => "WECHATPAY2-SM2-WITH-SM3",
        }
    }

    /// The scheme a header names.
    pub fn from_name(name: &str) -> Result<Self> {
        match name.trim() {
            "WECHATPAY2-SHA256-RSA2048" => Ok(Self::Sha256Rsa2048),
            "WECHATPAY2-SM2-WITH-SM3" => Ok(Self::Sm2WithSm3),
            _ => Err(Error::new(ErrorKind::UnknownAlgorithm)),
        }
    }
}

/// Something that signs: a private key in memory, or an HSM / KMS behind this trait.
pub trait Signer {
    /// The scheme of the signatures this signer makes.
    fn scheme(&self) -> Scheme;
    /// Signs the concatenation of `parts` and returns the raw signature (RSA: modulus-sized
    /// bytes; SM2: DER).
    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>>;
}

/// Something that verifies: a public key, a certificate, or a remote service.
pub trait Verifier {
    /// The scheme this verifier checks.
    fn scheme(&self) -> Scheme;
    /// Whether `signature` is valid over the concatenation of `parts`.
    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> bool;
}

impl<T: Signer + ?Sized> Signer for &T {
    fn scheme(&self) -> Scheme {
        (**self).scheme()
    }
    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>> {
        (**self).sign(parts)
    }
}

impl<T: Verifier + ?Sized> Verifier for &T {
    fn scheme(&self) -> Scheme {
        (**self).scheme()
    }
    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        (**self).verify(parts, signature)
    }
}

impl<T: Verifier + ?Sized> Verifier for Box<T> {
    fn scheme(&self) -> Scheme {
        (**self).scheme()
    }
    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        (**self).verify(parts, signature)
    }
}

fn sha256(parts: &[&[u8]]) -> sha2::digest::Output<sha2::Sha256> {
    let mut digest = sha2::Sha256::new();
    for part in parts {
        digest.update(part);
    }
    digest.finalize()
}

/// The DER inside `text`: a PEM document (its label returned) read with `der`'s RFC 7468
/// decoder at whatever line width it is wrapped, or a bare base64 body. The bytes are zeroized
/// from the first decode on.
fn der_of(text: &[u8]) -> Result<(Option<String>, zeroize::Zeroizing<Vec<u8>>)> {
    let bad = |_| Error::new(ErrorKind::Key);
    let trimmed = text.trim_ascii();
    if trimmed.starts_with(b"-----BEGIN ") {
        let mut decoder = der::pem::Decoder::new_detect_wrap(trimmed).map_err(bad)?;
        let label = String::from(decoder.type_label());
        let mut der = zeroize::Zeroizing::new(alloc::vec![0u8; decoder.remaining_len()]);
        let n = decoder.decode(&mut der).map_err(bad)?.len();
        der.truncate(n);
        return Ok((Some(label), der));
    }
    use base64::Engine as _;
    let compact: zeroize::Zeroizing<Vec<u8>> = zeroize::Zeroizing::new(
        trimmed
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect(),
    );
    let mut der =
        zeroize::Zeroizing::new(alloc::vec![0u8; compact.len().div_ceil(4).saturating_mul(3)]);
    let n = base64::engine::general_purpose::STANDARD
        .decode_slice(&*compact, &mut der)
        .map_err(|_| Error::new(ErrorKind::Key))?;
    der.truncate(n);
    Ok((None, der))
}

/// A merchant's private key: RSA or SM2. Never printed (its `Debug` shows the scheme only);
/// the key material is zeroized on drop by the underlying crates.
#[derive(Clone)]
pub struct PrivateKey(PrivateInner);

#[derive(Clone)]
enum PrivateInner {
    Rsa(rsa::pkcs1v15::SigningKey<sha2::Sha256>),
    Sm2(sm2::dsa::SigningKey),
}

impl PrivateKey {
    /// Reads a PEM document (`PRIVATE KEY` or `RSA PRIVATE KEY`) or a bare base64 body of
    /// PKCS#8 or PKCS#1 DER.
    pub fn from_pem(text: &str) -> Result<Self> {
        let (label, der) = der_of(text.as_bytes())?;
        match label.as_deref() {
            Some("RSA PRIVATE KEY") => Self::from_pkcs1_der(&der),
            Some("PRIVATE KEY") | None => {
                Self::from_pkcs8_der(&der).or_else(|_| Self::from_pkcs1_der(&der))
            }
            Some(_) => Err(Error::new(ErrorKind::Key)),
        }
    }

    /// Reads PKCS#8 DER (RSA, or SM2 on the SM2 curve).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        if let Ok(key) = rsa::PrivateKey::from_pkcs8_der(der) {
            return Ok(Self(PrivateInner::Rsa(rsa::pkcs1v15::SigningKey::new(key))));
        }
        let secret = sm2::SecretKey::from_pkcs8_der(der).map_err(|_| Error::new(ErrorKind::Key))?;
        let key = sm2::dsa::SigningKey::new(SM2_USER_ID, &secret)
            .map_err(|_| Error::new(ErrorKind::Key))?;
        Ok(Self(PrivateInner::Sm2(key)))
    }

    /// Reads PKCS#1 `RSAPrivateKey` DER.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        let key = rsa::PrivateKey::from_pkcs1_der(der).map_err(|_| Error::new(ErrorKind::Key))?;
        Ok(Self(PrivateInner::Rsa(rsa::pkcs1v15::SigningKey::new(key))))
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        match &self.0 {
            PrivateInner::Rsa(key) => PublicKey(PublicInner::Rsa(
                rsa::pkcs1v15::VerifyingKey::new(key.as_ref().to_public_key()),
            )),
            PrivateInner::Sm2(key) => PublicKey(PublicInner::Sm2(key.verifying_key().clone())),
        }
    }

    pub(crate) fn rsa(&self) -> Option<&rsa::PrivateKey> {
        match &self.0 {
            PrivateInner::Rsa(key) => Some(key.as_ref()),
            PrivateInner::Sm2(_) => None,
        }
    }

    pub(crate) fn sm2_scalar(&self) -> Option<sm2::NonZeroScalar> {
        match &self.0 {
            PrivateInner::Sm2(key) => Some(*key.as_nonzero_scalar()),
            PrivateInner::Rsa(_) => None,
        }
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}, ..)", self.scheme().name())
    }
}

impl Signer for PrivateKey {
    fn scheme(&self) -> Scheme {
        match self.0 {
            PrivateInner::Rsa(_) => Scheme::Sha256Rsa2048,
            PrivateInner::Sm2(_) => Scheme::Sm2WithSm3,
        }
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>> {
        match &self.0 {
            PrivateInner::Rsa(key) => {
                let signature: rsa::pkcs1v15::Signature = key
                    .sign_prehash(&sha256(parts))
                    .map_err(|_| Error::new(ErrorKind::Signing))?;
                Ok(Box::<[u8]>::from(signature).into_vec())
            }
            PrivateInner::Sm2(key) => {
                let signature: sm2::dsa::Signature = key
                    .try_multipart_sign(parts)
                    .map_err(|_| Error::new(ErrorKind::Signing))?;
                Ok(signature.to_der().as_bytes().to_vec())
            }
        }
    }
}

/// A public key: RSA or SM2, from PEM, base64 DER, or a certificate.
#[derive(Clone)]
pub struct PublicKey(PublicInner);

#[derive(Clone)]
enum PublicInner {
    Rsa(rsa::pkcs1v15::VerifyingKey<sha2::Sha256>),
    Sm2(sm2::dsa::VerifyingKey),
}

impl PublicKey {
    /// Reads a PEM document (`PUBLIC KEY`, `RSA PUBLIC KEY`, or a `CERTIFICATE`, whose key is
    /// taken) or a bare base64 body of SPKI DER.
    pub fn from_pem(text: &str) -> Result<Self> {
        let (label, der) = der_of(text.as_bytes())?;
        match label.as_deref() {
            Some("RSA PUBLIC KEY") => {
                let key =
                    rsa::PublicKey::from_pkcs1_der(&der).map_err(|_| Error::new(ErrorKind::Key))?;
                Ok(Self(PublicInner::Rsa(rsa::pkcs1v15::VerifyingKey::new(
                    key,
                ))))
            }
            Some("CERTIFICATE") => Ok(Certificate::from_der(&der)?.public_key),
            Some("PUBLIC KEY") | None => Self::from_spki_der(&der),
            Some(_) => Err(Error::new(ErrorKind::Key)),
        }
    }

    /// Reads SubjectPublicKeyInfo DER (RSA, or SM2).
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        if let Ok(key) = rsa::PublicKey::from_public_key_der(der) {
            return Ok(Self(PublicInner::Rsa(rsa::pkcs1v15::VerifyingKey::new(
                key,
            ))));
        }
        let key =
            sm2::PublicKey::from_public_key_der(der).map_err(|_| Error::new(ErrorKind::Key))?;
        let key = sm2::dsa::VerifyingKey::new(SM2_USER_ID, key)
            .map_err(|_| Error::new(ErrorKind::Key))?;
        Ok(Self(PublicInner::Sm2(key)))
    }

    pub(crate) fn rsa(&self) -> Option<&rsa::PublicKey> {
        match &self.0 {
            PublicInner::Rsa(key) => Some(key.as_ref()),
            PublicInner::Sm2(_) => None,
        }
    }

    pub(crate) fn sm2(&self) -> Option<sm2::PublicKey> {
        match &self.0 {
            PublicInner::Sm2(key) => Some(sm2::PublicKey::from(key)),
            PublicInner::Rsa(_) => None,
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.scheme().name())
    }
}

impl Verifier for PublicKey {
    fn scheme(&self) -> Scheme {
        match self.0 {
            PublicInner::Rsa(_) => Scheme::Sha256Rsa2048,
            PublicInner::Sm2(_) => Scheme::Sm2WithSm3,
        }
    }

    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        match &self.0 {
            PublicInner::Rsa(key) => rsa::pkcs1v15::Signature::try_from(signature)
                .is_ok_and(|sig| key.verify_prehash(&sha256(parts), &sig).is_ok()),
            PublicInner::Sm2(key) => sm2::dsa::Signature::from_der(signature)
                .is_ok_and(|sig| key.multipart_verify(parts, &sig).is_ok()),
        }
    }
}

/// An X.509 certificate, reduced to what signing needs: serial number, validity and key.
#[derive(Clone, Debug)]
pub struct Certificate {
    serial: String,
    not_before: u64,
    not_after: u64,
    public_key: PublicKey,
}

impl Certificate {
    /// Reads a PEM `CERTIFICATE` (the first one in the text).
    pub fn from_pem(text: &str) -> Result<Self> {
        let (label, der) =
            der_of(text.as_bytes()).map_err(|_| Error::new(ErrorKind::Certificate))?;
        if label.as_deref().is_some_and(|l| l != "CERTIFICATE") {
            return Err(Error::new(ErrorKind::Certificate));
        }
        Self::from_der(&der)
    }

    /// Reads DER.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        use der::Decode as _;
        let cert = x509_cert::Certificate::from_der(der)
            .map_err(|_| Error::new(ErrorKind::Certificate))?;
        let tbs = cert.tbs_certificate();
        let spki = der::Encode::to_der(tbs.subject_public_key_info())
            .map_err(|_| Error::new(ErrorKind::Certificate))?;
        let public_key =
            PublicKey::from_spki_der(&spki).map_err(|_| Error::new(ErrorKind::Certificate))?;
        let validity = tbs.validity();
        Ok(Self {
            serial: serial_hex(tbs.serial_number().as_bytes()),
            not_before: validity.not_before.to_unix_duration().as_secs(),
            not_after: validity.not_after.to_unix_duration().as_secs(),
            public_key,
        })
    }

    /// The serial number as WeChat Pay writes it: upper-case hex, no leading zero bytes.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// Whether `now` (Unix seconds) is within the validity period.
    pub fn is_valid_at(&self, now: u64) -> bool {
        (self.not_before..=self.not_after).contains(&now)
    }

    /// The validity period, Unix seconds (not before, not after).
    pub fn validity(&self) -> (u64, u64) {
        (self.not_before, self.not_after)
    }
}

impl Verifier for Certificate {
    fn scheme(&self) -> Scheme {
        self.public_key.scheme()
    }
    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        self.public_key.verify(parts, signature)
    }
}

fn serial_hex(bytes: &[u8]) -> String {
    let start = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    hex::encode_upper(bytes.get(start..).unwrap_or_default())
}
