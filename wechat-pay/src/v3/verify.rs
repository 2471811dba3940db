//! Response and notification verification.
//!
//! WeChat Pay signs `TIMESTAMP\nNONCE\nBODY\n` over the **raw** body bytes (never re-serialise
//! the JSON) and sends `Wechatpay-Timestamp`, `Wechatpay-Nonce`, `Wechatpay-Signature`,
//! `Wechatpay-Serial` and, in the 国密 variant, `Wechatpay-Signature-Type`. The serial names a
//! platform certificate or, for merchants since 2024, a platform public key
//! (`PUB_KEY_ID_...`); [`Verifiers`] holds both kinds at once for the migration. A timestamp 5
//! minutes or more away from the caller's `now` is refused (replay), and WeChat Pay's
//! `WECHATPAY/SIGNTEST/` probes fail with their own error kind.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;

use base64::Engine as _;

use crate::error::{Error, ErrorKind, Result};
use crate::keys::{Certificate, PublicKey, Scheme, Verifier};

/// The largest accepted distance between `Wechatpay-Timestamp` and `now`, exclusive: 300 s.
pub const MAX_SKEW_SECONDS: u64 = 300;

const PROBE_PREFIX: &str = "WECHATPAY/SIGNTEST/";

/// The verification headers of a response or notification.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Headers<'a> {
    /// `Wechatpay-Timestamp`.
    pub timestamp: &'a str,
    /// `Wechatpay-Nonce`.
    pub nonce: &'a str,
    /// `Wechatpay-Signature` (base64).
    pub signature: &'a str,
    /// `Wechatpay-Serial`: certificate serial or `PUB_KEY_ID_...`.
    pub serial: &'a str,
    /// `Wechatpay-Signature-Type`; absent means `WECHATPAY2-SHA256-RSA2048`.
    pub signature_type: Option<&'a str>,
}

impl<'a> Headers<'a> {
    /// Picks the headers from `(name, value)` pairs, names case-insensitively. Missing ones
    /// are reported by [`verify`].
    pub fn from_pairs<I: IntoIterator<Item = (&'a str, &'a str)>>(pairs: I) -> Self {
        let mut headers = Self::default();
        for (name, value) in pairs {
            let value = value.trim();
            let name = name.trim();
            if name.eq_ignore_ascii_case("Wechatpay-Timestamp") {
                headers.timestamp = value;
            } else if name.eq_ignore_ascii_case("Wechatpay-Nonce") {
                headers.nonce = value;
            } else if name.eq_ignore_ascii_case("Wechatpay-Signature") {
                headers.signature = value;
            } else if name.eq_ignore_ascii_case("Wechatpay-Serial") {
                headers.serial = value;
            } else if name.eq_ignore_ascii_case("Wechatpay-Signature-Type") {
                headers.signature_type = Some(value);
            }
        }
        headers
    }

    fn require(&self) -> Result<()> {
        for (name, value) in [
            ("Wechatpay-Timestamp", self.timestamp),
            ("Wechatpay-Nonce", self.nonce),
            ("Wechatpay-Signature", self.signature),
        ] {
            if value.is_empty() {
                return Err(Error::new(ErrorKind::MissingHeader).at(name));
            }
        }
        if self.signature.starts_with(PROBE_PREFIX) {
            return Err(Error::new(ErrorKind::SignTestProbe));
        }
        Ok(())
    }

    fn scheme(&self) -> Result<Scheme> {
        self.signature_type
            .map_or(Ok(Scheme::Sha256Rsa2048), Scheme::from_name)
    }
}

/// Checks that `timestamp` (decimal Unix seconds) is less than [`MAX_SKEW_SECONDS`] away from
/// `now`, in either direction.
pub fn check_timestamp(timestamp: &str, now: i64) -> Result<()> {
    if timestamp.is_empty()
        || timestamp.len() > 18
        || !timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Error::new(ErrorKind::Timestamp));
    }
    let ts: i64 = timestamp
        .parse()
        .map_err(|_| Error::new(ErrorKind::Timestamp))?;
    let skew = ts.abs_diff(now);
    if skew >= MAX_SKEW_SECONDS {
        return Err(Error::new(ErrorKind::StaleTimestamp { skew }));
    }
    Ok(())
}

/// Verifies a response or notification with one `verifier` (the serial is not looked at):
/// headers present, not a probe, timestamp fresh, scheme matching, signature valid over
/// `TIMESTAMP\nNONCE\nBODY\n`.
pub fn verify(
    verifier: &impl Verifier,
    headers: &Headers<'_>,
    body: &[u8],
    now: i64,
) -> Result<()> {
    headers.require()?;
    verify_checked(verifier, headers, body, now)
}

/// [`verify`] once the headers are known to be present and not a probe.
fn verify_checked(
    verifier: &impl Verifier,
    headers: &Headers<'_>,
    body: &[u8],
    now: i64,
) -> Result<()> {
    check_timestamp(headers.timestamp, now)?;
    if headers.scheme()? != verifier.scheme() {
        return Err(Error::new(ErrorKind::SchemeMismatch));
    }
    let mut signature = [0u8; 1024];
    let n = base64::engine::general_purpose::STANDARD
        .decode_slice(headers.signature, &mut signature)
        .map_err(|_| Error::new(ErrorKind::InvalidSignature))?;
    let signature = signature.get(..n).unwrap_or_default();
    let parts: [&[u8]; 6] = [
        headers.timestamp.as_bytes(),
        b"\n",
        headers.nonce.as_bytes(),
        b"\n",
        body,
        b"\n",
    ];
    if verifier.verify(&parts, signature) {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::InvalidSignature))
    }
}

/// WeChat Pay's keys by serial: platform certificates (by certificate serial) and platform
/// public keys (by `PUB_KEY_ID_...`), or any [`Verifier`] (an HSM, a remote service).
///
/// ```
/// use paywire_wechat_pay::{ErrorKind, keys::Certificate, v3::{Headers, Verifiers}};
/// let mut platform = Verifiers::new();
/// platform.add_certificate(Certificate::from_pem(include_str!("../../tests/keys/go_platform_cert.pem"))?);
/// // WeChat Pay's signature probes are refused with their own error.
/// let probe = Headers {
///     timestamp: "1624523846", nonce: "n", signature: "WECHATPAY/SIGNTEST/x",
///     serial: "D7CE59D1F522D701", signature_type: None,
/// };
/// assert_eq!(platform.verify(&probe, b"{}", 1_624_523_846).unwrap_err().kind(), ErrorKind::SignTestProbe);
/// # Ok::<(), paywire_wechat_pay::Error>(())
/// ```
#[derive(Default)]
pub struct Verifiers {
    by_serial: BTreeMap<String, Box<dyn Verifier + Send + Sync>>,
    /// The key for answers whose serial names none of the above.
    pinned: Option<Box<dyn Verifier + Send + Sync>>,
}

impl core::fmt::Debug for Verifiers {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verifiers")
            .field("serials", &self.by_serial.keys())
            .field("pinned", &self.pinned.is_some())
            .finish()
    }
}

impl Verifiers {
    /// No keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a platform certificate under its serial number (replacing one with the same serial).
    pub fn add_certificate(&mut self, certificate: Certificate) -> &mut Self {
        let serial = String::from(certificate.serial());
        self.by_serial.insert(serial, Box::new(certificate));
        self
    }

    /// Adds a platform public key under its ID (`PUB_KEY_ID_...`).
    pub fn add_public_key(&mut self, id: &str, key: PublicKey) -> &mut Self {
        self.by_serial.insert(String::from(id), Box::new(key));
        self
    }

    /// Adds any verifier under `serial`.
    pub fn add(&mut self, serial: &str, verifier: Box<dyn Verifier + Send + Sync>) -> &mut Self {
        self.by_serial.insert(String::from(serial), verifier);
        self
    }

    /// Pins one platform public key for answers whose `Wechatpay-Serial` names no key added
    /// by serial: for a merchant who has the platform's public key but not its ID. The
    /// signature is still checked, with that key; a serial must still be present.
    ///
    /// ```
    /// use paywire_wechat_pay::{ErrorKind, keys::Certificate, v3::{Headers, Verifiers}};
    /// let certificate = Certificate::from_pem(include_str!("../../tests/keys/go_platform_cert.pem"))?;
    /// let key = certificate.public_key().clone();
    /// let mut platform = Verifiers::new();
    /// let headers = Headers {
    ///     timestamp: "1624523846", nonce: "n", signature: "c2lnbmF0dXJl",
    ///     serial: "PUB_KEY_ID_UNKNOWN", signature_type: None,
    /// };
    /// assert_eq!(platform.verify(&headers, b"{}", 1_624_523_846).unwrap_err().kind(), ErrorKind::UnknownSerial);
    /// // Pinned, the key checks the signature (here a wrong one) whatever the serial.
    /// platform.pin_public_key(key);
    /// assert_eq!(platform.verify(&headers, b"{}", 1_624_523_846).unwrap_err().kind(), ErrorKind::InvalidSignature);
    /// # Ok::<(), paywire_wechat_pay::Error>(())
    /// ```
    pub fn pin_public_key(&mut self, key: PublicKey) -> &mut Self {
        self.pinned = Some(Box::new(key));
        self
    }

    /// The serials known.
    pub fn serials(&self) -> impl Iterator<Item = &str> {
        self.by_serial.keys().map(String::as_str)
    }

    /// Verifies with the key `Wechatpay-Serial` names; see [`verify`].
    pub fn verify(&self, headers: &Headers<'_>, body: &[u8], now: i64) -> Result<()> {
        headers.require()?;
        if headers.serial.is_empty() {
            return Err(Error::new(ErrorKind::MissingHeader).at("Wechatpay-Serial"));
        }
        let verifier = self
            .by_serial
            .get(headers.serial)
            .or(self.pinned.as_ref())
            .ok_or(Error::new(ErrorKind::UnknownSerial))?;
        verify_checked(verifier, headers, body, now)
    }
}
