//! Merchant signing certificates from PKCS#12 files (feature `pfx`).
//!
//! UnionPay issues the ACP signing key as a PKCS#12 file (`acp_*_sign.pfx`) with a password.
//! [`load`] reads it: checks the file's integrity MAC (HMAC-SHA-1 or -SHA-256 under the PKCS#12
//! key derivation, RFC 7292 Appendix B), decrypts the bags — PKCS#12 PBE with SHA-1 and
//! 3-key / 2-key triple DES or 40- / 128-bit RC2 (what Java and OpenSSL 1.x write), or PBES2
//! with PBKDF2 and AES (OpenSSL 3) — and returns the RSA key with the `certId` of the
//! certificate that matches it (the serial number in decimal).
//!
//! The primitives come from RustCrypto crates (`pkcs12` for the structures and the key
//! derivation, `pkcs5` for PBES2, `des`, `rc2`, `cbc`, `hmac`, `sha1`, `sha2`); nothing
//! cryptographic is written here. Decrypted key material is zeroized.

use alloc::string::String;
use alloc::vec::Vec;

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipherDecrypt, BlockModeDecrypt, InnerIvInit, KeyInit, KeyIvInit};
use der::asn1::{ContextSpecific, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use hmac::Mac;
use pkcs12::cms::content_info::ContentInfo;
use pkcs12::cms::encrypted_data::EncryptedData;
use pkcs12::kdf::{Pkcs12KeyType, derive_key_utf8};
use pkcs12::pbe_params::{EncryptedPrivateKeyInfo, Pkcs12PbeParams};
use pkcs12::pfx::Pfx;
use pkcs12::safe_bag::SafeContents;
use pkcs12::{AuthenticatedSafe, CertBag};
use rsa::pkcs8::DecodePrivateKey;
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use crate::acp::SigningKey;
use crate::error::{Error, ErrorKind, Result};

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// The most encrypted items (bags and shrouded keys) a file may hold: each costs key
/// derivations, so their number is bounded along with the rounds.
pub const MAX_ENCRYPTED_ITEMS: usize = 16;

/// The most key-derivation rounds [`load`] accepts (files in the field use 2,000 to 100,000): a
/// hostile file could otherwise make loading take minutes. [`load_limited`] sets another bound.
pub const MAX_ITERATIONS: u32 = 1_000_000;

/// The merchant's signing key and the `certId` of its certificate.
#[derive(Clone)]
pub struct MerchantCert {
    key: SigningKey,
    cert_id: String,
    not_after: u64,
}

impl core::fmt::Debug for MerchantCert {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MerchantCert")
            .field("cert_id", &self.cert_id)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl MerchantCert {
    /// The RSA signing key.
    pub const fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The `certId`: the certificate's serial number in decimal.
    pub fn cert_id(&self) -> &str {
        &self.cert_id
    }

    /// The end of the certificate's validity, in seconds since the Unix epoch.
    pub const fn not_after(&self) -> u64 {
        self.not_after
    }
}

fn malformed<T>(_: T) -> Error {
    Error::new(ErrorKind::Pkcs12)
}

/// Reads a PKCS#12 file (DER) with its password.
pub fn load(der: &[u8], password: &str) -> Result<MerchantCert> {
    load_limited(der, password, MAX_ITERATIONS)
}

/// [`load`] with a bound on the key-derivation rounds of every derivation in the file (for
/// files from untrusted sources, e.g. uploaded by merchants).
pub fn load_limited(der: &[u8], password: &str, max_iterations: u32) -> Result<MerchantCert> {
    let limit = Limit(max_iterations);
    let pfx = Pfx::from_der(der).map_err(malformed)?;
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(Error::new(ErrorKind::Pkcs12));
    }
    let auth_safe = octets(&pfx.auth_safe)?;
    if let Some(mac) = &pfx.mac_data {
        check_mac(mac, auth_safe.as_bytes(), password, limit)?;
    }
    let contents = AuthenticatedSafe::from_der(auth_safe.as_bytes()).map_err(malformed)?;
    let mut keys = Vec::new();
    let mut certs = Vec::new();
    let mut decryptions = 0usize;
    let mut count = || {
        decryptions = decryptions.saturating_add(1);
        if decryptions > MAX_ENCRYPTED_ITEMS {
            Err(Error::new(ErrorKind::Pkcs12))
        } else {
            Ok(())
        }
    };
    for info in &contents {
        let bags = if info.content_type == ID_DATA {
            Zeroizing::new(octets(info)?.as_bytes().to_vec())
        } else if info.content_type == ID_ENCRYPTED_DATA {
            let data = EncryptedData::from_der(&info.content.to_der().map_err(malformed)?)
                .map_err(malformed)?;
            let content = data.enc_content_info;
            let ciphertext = content
                .encrypted_content
                .ok_or(Error::new(ErrorKind::Pkcs12))?;
            decrypt(
                &content.content_enc_alg,
                ciphertext.as_bytes(),
                password,
                limit,
            )?
        } else {
            continue;
        };
        for bag in SafeContents::from_der(&bags).map_err(malformed)? {
            match bag.bag_id {
                pkcs12::PKCS_12_PKCS8_KEY_BAG_OID => {
                    let shrouded: ContextSpecific<EncryptedPrivateKeyInfo> =
                        ContextSpecific::from_der(&bag.bag_value).map_err(malformed)?;
                    let info = shrouded.value;
                    count()?;
                    let plain = decrypt(
                        &info.encryption_algorithm,
                        info.encrypted_data.as_bytes(),
                        password,
                        limit,
                    )?;
                    keys.push(rsa::PrivateKey::from_pkcs8_der(&plain).map_err(malformed)?);
                }
                pkcs12::PKCS_12_KEY_BAG_OID => {
                    // A keyBag holds the PrivateKeyInfo in clear.
                    let any: ContextSpecific<der::Any> =
                        ContextSpecific::from_der(&bag.bag_value).map_err(malformed)?;
                    let plain = Zeroizing::new(any.value.to_der().map_err(malformed)?);
                    keys.push(rsa::PrivateKey::from_pkcs8_der(&plain).map_err(malformed)?);
                }
                pkcs12::PKCS_12_CERT_BAG_OID => {
                    let bag: ContextSpecific<CertBag> =
                        ContextSpecific::from_der(&bag.bag_value).map_err(malformed)?;
                    if bag.value.cert_id == pkcs12::PKCS_12_X509_CERT_OID {
                        certs.push(
                            x509_cert::Certificate::from_der(bag.value.cert_value.as_bytes())
                                .map_err(malformed)?,
                        );
                    }
                }
                _ => {}
            }
        }
    }
    // The key, and the certificate whose public key is the key's.
    for key in keys {
        let public = key.to_public_key();
        for cert in &certs {
            let tbs = cert.tbs_certificate();
            let matches = crate::acp::public_key(cert).is_ok_and(|k| k == public);
            if matches {
                return Ok(MerchantCert {
                    key: SigningKey::from_rsa(key),
                    cert_id: decimal(tbs.serial_number().as_bytes()),
                    not_after: tbs.validity().not_after.to_unix_duration().as_secs(),
                });
            }
        }
    }
    Err(Error::new(ErrorKind::Pkcs12))
}

/// The OCTET STRING content of a `data` ContentInfo.
fn octets(info: &ContentInfo) -> Result<OctetString> {
    OctetString::from_der(&info.content.to_der().map_err(malformed)?).map_err(malformed)
}

/// The serial number (big-endian unsigned bytes) in decimal.
fn decimal(bytes: &[u8]) -> String {
    let mut digits: Vec<u8> = Vec::new();
    for &byte in bytes {
        // digits (little-endian base 10) = digits * 256 + byte
        let mut carry = u32::from(byte);
        for d in &mut digits {
            let v = u32::from(*d).saturating_mul(256).saturating_add(carry);
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    if digits.is_empty() {
        return String::from("0");
    }
    digits
        .iter()
        .rev()
        .map(|d| char::from(b'0'.saturating_add(*d)))
        .collect()
}

/// The bound on key-derivation rounds.
#[derive(Clone, Copy)]
struct Limit(u32);

impl Limit {
    fn rounds(self, iterations: i32) -> Result<i32> {
        match u32::try_from(iterations) {
            Ok(n) if (1..=self.0).contains(&n) => Ok(iterations),
            _ => Err(Error::new(ErrorKind::Pkcs12)),
        }
    }
}

/// The integrity check: HMAC under the PKCS#12-derived MAC key, in constant time.
fn check_mac(mac: &pkcs12::MacData, data: &[u8], password: &str, limit: Limit) -> Result<()> {
    let salt = mac.mac_salt.as_bytes();
    let iterations = limit.rounds(mac.iterations)?;
    let expected = mac.mac.digest.as_bytes();
    let ok = match mac.mac.algorithm.oid {
        SHA1 => hmac_matches::<sha1::Sha1>(password, salt, iterations, data, expected)?,
        SHA256 => hmac_matches::<sha2::Sha256>(password, salt, iterations, data, expected)?,
        _ => return Err(Error::new(ErrorKind::Pkcs12)),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::Password))
    }
}

/// HMAC-`D` of `data` under the PKCS#12 MAC key derived with `D` equals `expected` (compared
/// in constant time).
fn hmac_matches<D>(
    password: &str,
    salt: &[u8],
    iterations: i32,
    data: &[u8],
    expected: &[u8],
) -> Result<bool>
where
    D: sha2::Digest + sha2::digest::FixedOutputReset + sha2::digest::block_api::BlockSizeUser,
{
    let len = <D as sha2::Digest>::output_size();
    let key = Zeroizing::new(
        derive_key_utf8::<D>(password, salt, Pkcs12KeyType::Mac, iterations, len)
            .map_err(malformed)?,
    );
    let mut h = hmac::SimpleHmac::<D>::new_from_slice(&key).map_err(malformed)?;
    h.update(data);
    Ok(h.verify_slice(expected).is_ok())
}

/// Decrypts a bag or a shrouded key under `alg`.
fn decrypt(
    alg: &AlgorithmIdentifierOwned,
    data: &[u8],
    password: &str,
    limit: Limit,
) -> Result<Zeroizing<Vec<u8>>> {
    let params = alg
        .parameters
        .as_ref()
        .ok_or(Error::new(ErrorKind::Pkcs12))?
        .to_der()
        .map_err(malformed)?;
    if alg.oid == PBES2 {
        let params = pkcs5::pbes2::Parameters::from_der(&params).map_err(malformed)?;
        let rounds = match &params.kdf {
            pkcs5::pbes2::Kdf::Pbkdf2(p) => p.iteration_count,
            _ => return Err(Error::new(ErrorKind::Pkcs12)),
        };
        limit.rounds(i32::try_from(rounds).map_err(malformed)?)?;
        // OpenSSL feeds PBKDF2 the password as UTF-8.
        let plain = pkcs5::EncryptionScheme::from(params)
            .decrypt(password.as_bytes(), data)
            .map_err(|_| Error::new(ErrorKind::Password))?;
        return Ok(Zeroizing::new(plain));
    }
    let params = Pkcs12PbeParams::from_der(&params).map_err(malformed)?;
    let salt = params.salt.as_bytes();
    let iterations = limit.rounds(params.iterations)?;
    let derive = |id, len| -> Result<Zeroizing<Vec<u8>>> {
        derive_key_utf8::<sha1::Sha1>(password, salt, id, iterations, len)
            .map(Zeroizing::new)
            .map_err(malformed)
    };
    let iv = derive(Pkcs12KeyType::Iv, 8)?;
    match alg.oid {
        pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC => {
            let key = derive(Pkcs12KeyType::EncryptionKey, 24)?;
            cbc_decrypt(
                des::TdesEde3::new_from_slice(&key).map_err(malformed)?,
                &iv,
                data,
            )
        }
        pkcs12::PKCS_12_PBE_WITH_SHAAND2_KEY_TRIPLE_DES_CBC => {
            let key = derive(Pkcs12KeyType::EncryptionKey, 16)?;
            cbc_decrypt(
                des::TdesEde2::new_from_slice(&key).map_err(malformed)?,
                &iv,
                data,
            )
        }
        pkcs12::PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC => {
            let key = derive(Pkcs12KeyType::EncryptionKey, 5)?;
            cbc_decrypt(rc2::Rc2::new_with_eff_key_len(&key, 40), &iv, data)
        }
        pkcs12::PKCS_12_PBE_WITH_SHAAND128_BIT_RC2_CBC => {
            let key = derive(Pkcs12KeyType::EncryptionKey, 16)?;
            cbc_decrypt(rc2::Rc2::new_with_eff_key_len(&key, 128), &iv, data)
        }
        _ => Err(Error::new(ErrorKind::Pkcs12)),
    }
}

fn cbc_decrypt<C>(cipher: C, iv: &[u8], data: &[u8]) -> Result<Zeroizing<Vec<u8>>>
where
    C: BlockCipherDecrypt + Clone,
    cbc::Decryptor<C>: KeyIvInit,
{
    let iv = cbc::cipher::Iv::<cbc::Decryptor<C>>::try_from(iv).map_err(malformed)?;
    let mode = cbc::Decryptor::inner_iv_init(cipher, &iv);
    mode.decrypt_padded_vec::<Pkcs7>(data)
        .map(Zeroizing::new)
        // Bad padding after decryption: almost always the wrong password.
        .map_err(|_| Error::new(ErrorKind::Password))
}
