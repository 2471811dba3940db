//! Merchant signing keys from PKCS#12 files, against files and signatures made with OpenSSL
//! 3.0 (commands in tests/vectors/pfx/README.md).
#![cfg(feature = "pfx")]
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_unionpay::acp;
use paywire_unionpay::{ErrorKind, pfx};

const LEGACY: &[u8] = include_bytes!("vectors/pfx/legacy.pfx");
const TDES: &[u8] = include_bytes!("vectors/pfx/tdes.pfx");
const MODERN: &[u8] = include_bytes!("vectors/pfx/modern.pfx");
const EXPECTED: &str = include_str!("vectors/pfx/expected-signature.b64");

/// The certificate's serial 0x6F3B1A2C5D in decimal.
const CERT_ID: &str = "477732940893";

fn request() -> Vec<(&'static str, &'static str)> {
    vec![
        ("version", "5.1.0"),
        ("signMethod", "01"),
        ("certId", CERT_ID),
        ("txnType", "01"),
        ("bizType", "000201"),
        ("accessType", "0"),
        ("merId", "777290058110097"),
        ("orderId", "20261124140000"),
        ("txnTime", "20261124140000"),
        ("txnAmt", "1000"),
    ]
}

#[test]
fn every_encryption_yields_the_key_and_cert_id() {
    // RC2-40 certificates and a 3DES key with a SHA-1 MAC (Java, OpenSSL 1.x: UnionPay's
    // files), all 3DES, and PBES2/AES-256 with a SHA-256 MAC (OpenSSL 3).
    for file in [LEGACY, TDES, MODERN] {
        let cert = pfx::load(file, "000000").unwrap();
        assert_eq!(cert.cert_id(), CERT_ID);
        // notAfter = Oct 31 13:59:10 2126 GMT (Python datetime: 4949128750)
        assert_eq!(cert.not_after(), 4_949_128_750);
        // PKCS#1 v1.5 is deterministic: the signature equals OpenSSL's byte for byte.
        let signature = acp::sign_rsa(&request(), cert.key()).unwrap();
        assert_eq!(signature, EXPECTED.trim());
        assert!(!format!("{cert:?}").contains("PrivateKey"));
    }
}

#[test]
fn wrong_password_and_damage_are_reported() {
    for file in [LEGACY, TDES, MODERN] {
        assert_eq!(
            pfx::load(file, "000001").unwrap_err().kind(),
            ErrorKind::Password
        );
    }
    // A flipped byte inside the signed content fails the MAC.
    let mut damaged = LEGACY.to_vec();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x01;
    assert!(matches!(
        pfx::load(&damaged, "000000").unwrap_err().kind(),
        ErrorKind::Password | ErrorKind::Pkcs12
    ));
    assert_eq!(
        pfx::load(b"not a pfx", "000000").unwrap_err().kind(),
        ErrorKind::Pkcs12
    );
    // More key-derivation rounds (2048 here) than the caller allows.
    assert_eq!(
        pfx::load_limited(LEGACY, "000000", 1000)
            .unwrap_err()
            .kind(),
        ErrorKind::Pkcs12
    );
    assert!(pfx::load_limited(LEGACY, "000000", 2048).is_ok());
    for cut in [0, 1, 10, LEGACY.len() - 1] {
        assert!(pfx::load(&LEGACY[..cut], "000000").is_err());
    }
}
