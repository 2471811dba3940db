//! Notification bodies and the platform-certificate download, parsed (serde_json) and decrypted.
//!
//! Verify the raw body first ([`super::Verifiers::verify`]); parse it after. The parsed form is
//! never used to re-create the signed bytes.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;
use zeroize::Zeroizing;

use super::Algorithm;
use crate::error::{Error, ErrorKind, Result};
use crate::keys::Certificate;

/// The largest body parsed: 1 MiB.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// An encrypted `resource` (of a notification) or `encrypt_certificate` (of the download).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resource {
    /// `AEAD_AES_256_GCM` or `AEAD_SM4_GCM`.
    pub algorithm: String,
    /// base64 of ciphertext ‖ tag.
    pub ciphertext: String,
    /// The nonce, as text.
    pub nonce: String,
    /// The associated data (may be absent or empty).
    #[serde(default)]
    pub associated_data: String,
    /// The original object type (`transaction`, `refund`, `payscore`, ...).
    #[serde(default)]
    pub original_type: Option<String>,
}

impl Resource {
    /// Decrypts with the API v3 key; the plaintext (JSON, or a PEM certificate) is zeroized
    /// when dropped.
    pub fn decrypt(&self, api_v3_key: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let algorithm = Algorithm::from_name(&self.algorithm)?;
        let mut out = Zeroizing::new(alloc::vec![0u8; self.ciphertext.len()]);
        let n = super::decrypt(
            algorithm,
            api_v3_key,
            &self.nonce,
            &self.associated_data,
            &self.ciphertext,
            &mut out,
        )?
        .len();
        out.truncate(n);
        Ok(out)
    }
}

/// An API v3 notification body.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notification {
    /// The notification ID (the same for retries).
    pub id: String,
    /// RFC 3339 time.
    pub create_time: String,
    /// `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, ...
    pub event_type: String,
    /// `encrypt-resource`.
    pub resource_type: String,
    /// A short description.
    #[serde(default)]
    pub summary: String,
    /// The encrypted payload.
    pub resource: Resource,
}

/// Where serde_json stopped (the last byte it read), as a byte offset into `text`.
fn offset_of(text: &[u8], error: &serde_json::Error) -> usize {
    let (line, column) = (error.line(), error.column());
    let start: usize = text
        .split(|&b| b == b'\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len().saturating_add(1))
        .fold(0, usize::saturating_add);
    start
        .saturating_add(column.saturating_sub(1))
        .min(text.len())
}

fn parse<'de, T: Deserialize<'de>>(body: &'de [u8]) -> Result<T> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::new(ErrorKind::Json).at_offset(MAX_BODY_BYTES));
    }
    serde_json::from_slice(body)
        .map_err(|e| Error::new(ErrorKind::Json).at_offset(offset_of(body, &e)))
}

impl Notification {
    /// Parses a (verified) notification body.
    pub fn parse(body: &[u8]) -> Result<Self> {
        parse(body)
    }

    /// Decrypts the resource with the API v3 key.
    pub fn decrypt(&self, api_v3_key: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.resource.decrypt(api_v3_key)
    }
}

/// One entry of `GET /v3/certificates`, decrypted and checked.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PlatformCertificate {
    /// `serial_no` as the response states it (checked to equal the certificate's serial).
    pub serial_no: String,
    /// `effective_time`, RFC 3339.
    pub effective_time: String,
    /// `expire_time`, RFC 3339.
    pub expire_time: String,
    /// The certificate.
    pub certificate: Certificate,
}

#[derive(Deserialize)]
struct Download {
    data: Vec<DownloadEntry>,
}

#[derive(Deserialize)]
struct DownloadEntry {
    serial_no: String,
    #[serde(default)]
    effective_time: String,
    #[serde(default)]
    expire_time: String,
    encrypt_certificate: Resource,
}

/// Decrypts every certificate of a (verified) `GET /v3/certificates` response; an entry whose
/// certificate serial differs from its `serial_no` is refused (`Certificate`). Overlapping
/// certificates during a rotation are all returned: add each to [`super::Verifiers`].
pub fn platform_certificates(body: &[u8], api_v3_key: &[u8]) -> Result<Vec<PlatformCertificate>> {
    let download: Download = parse(body)?;
    download
        .data
        .into_iter()
        .map(|entry| {
            let pem = entry.encrypt_certificate.decrypt(api_v3_key)?;
            let pem = core::str::from_utf8(&pem).map_err(|_| Error::new(ErrorKind::Certificate))?;
            let certificate = Certificate::from_pem(pem)?;
            if !certificate.serial().eq_ignore_ascii_case(&entry.serial_no) {
                return Err(Error::new(ErrorKind::Certificate));
            }
            Ok(PlatformCertificate {
                serial_no: entry.serial_no,
                effective_time: entry.effective_time,
                expire_time: entry.expire_time,
                certificate,
            })
        })
        .collect()
}
