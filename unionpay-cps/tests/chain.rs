//! `signPubKeyCert` checked up to the ACP middle and root certificates, on a chain made with
//! OpenSSL (tests/vectors/chain/README.md: `openssl verify` accepts it under `root.pem` and
//! refuses it under `other-root.pem`).
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_unionpay::ErrorKind;
use paywire_unionpay::acp::{self, AcpRoots};

const ROOT: &str = include_str!("vectors/chain/root.pem");
const OTHER_ROOT: &str = include_str!("vectors/chain/other-root.pem");
const MIDDLE: &str = include_str!("vectors/chain/middle.pem");
const LEAF: &str = include_str!("vectors/chain/leaf.pem");
const LEAF_KEY: &str = include_str!("vectors/chain/leaf.key");
/// 2030-01-01 00:00:00 UTC, inside every certificate's validity.
const NOW: u64 = 1_893_456_000;
/// 2026-01-01, before the leaf's notBefore (2026-11-24).
const BEFORE: u64 = 1_767_225_600;

#[test]
fn chain_to_the_acp_root() {
    let roots = AcpRoots::from_pem(MIDDLE, ROOT).unwrap();
    acp::check_sign_cert_chain(LEAF, &roots, NOW).unwrap();
    assert_eq!(
        acp::check_sign_cert_chain(LEAF, &roots, BEFORE)
            .unwrap_err()
            .kind(),
        ErrorKind::Certificate
    );
    // Same name, other key: the middle certificate does not verify under it.
    assert_eq!(
        AcpRoots::from_pem(MIDDLE, OTHER_ROOT).unwrap_err().kind(),
        ErrorKind::Certificate
    );
    // The leaf in the middle's place: not issued by the root.
    assert!(AcpRoots::from_pem(LEAF, ROOT).is_err());
    // A certificate not issued by the middle (the root itself, whose CN is not UnionPay's, and
    // the middle).
    assert!(acp::check_sign_cert_chain(MIDDLE, &roots, NOW).is_err());
    assert!(acp::check_sign_cert_chain(ROOT, &roots, NOW).is_err());
}

#[test]
fn response_verified_with_roots() {
    let roots = AcpRoots::from_pem(MIDDLE, ROOT).unwrap();
    let key = acp::SigningKey::from_pem(LEAF_KEY).unwrap();
    let mut params = vec![
        ("version", "5.1.0"),
        ("encoding", "UTF-8"),
        ("signMethod", "01"),
        ("txnType", "04"),
        ("respCode", "00"),
        ("respMsg", "成功[0000000]"),
        ("signPubKeyCert", LEAF),
    ];
    let signature = acp::sign_rsa(&params, &key).unwrap();
    params.push(("signature", &signature));
    acp::verify_with_roots(&params, None, &roots, NOW).unwrap();
    acp::verify(&params, None, NOW).unwrap();
    // The response's certificate replaced by the middle one (not UnionPay's CN, not issued by
    // the middle): refused before the signature is looked at.
    let mut swapped = params.clone();
    swapped[6] = ("signPubKeyCert", MIDDLE);
    assert_eq!(
        acp::verify_with_roots(&swapped, None, &roots, NOW)
            .unwrap_err()
            .kind(),
        ErrorKind::Certificate
    );
    let mut altered = params.clone();
    altered[4] = ("respCode", "01");
    assert_eq!(
        acp::verify_with_roots(&altered, None, &roots, NOW)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
    // Secure-key methods need no certificates.
    let secure = vec![("signMethod", "11"), ("respCode", "00")];
    let sig = acp::sign_with_secure_key(&secure, acp::SignMethod::Sha256, "88888888").unwrap();
    let mut signed = secure.clone();
    signed.push(("signature", &sig));
    acp::verify_with_roots(&signed, Some("88888888"), &roots, NOW).unwrap();
}
