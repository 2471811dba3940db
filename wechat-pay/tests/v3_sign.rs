//! API v3 signing, verification and field encryption against the official SDKs' published
//! vectors (sources beside each; keys in tests/keys with their README).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use base64::Engine as _;
use paywire_wechat_pay::ErrorKind;
use paywire_wechat_pay::keys::{Certificate, PrivateKey, PublicKey, Scheme, Signer, Verifier};
use paywire_wechat_pay::v3::{self, Headers, Request, Verifiers};

const GO_KEY: &str = include_str!("keys/go_signer_key.pem");
const GO_CERT: &str = include_str!("keys/go_platform_cert.pem");
const JAVA_KEY: &str = include_str!("keys/java_merchant_private_key.pem");
const SM2_KEY: &str = include_str!("keys/sm2_merchant_private_key.pem");
const SM2_CERT: &str = include_str!("keys/sm2_merchant_certificate.pem");

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A deterministic random source for the tests (SHA-256 of a counter); never for production.
struct TestRng(u64);

impl rand_core::TryRng for TestRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        use sha2::Digest as _;
        for chunk in dst.chunks_mut(32) {
            self.0 += 1;
            let block = sha2::Sha256::digest(self.0.to_le_bytes());
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}
impl rand_core::TryCryptoRng for TestRng {}

// wechatpay-go core/auth/signers/sha256withrsa_signer_test.go: "source" signed with the test key.
#[test]
fn rsa_signature_matches_go_sdk() {
    let key = PrivateKey::from_pem(GO_KEY).unwrap();
    assert_eq!(key.scheme(), Scheme::Sha256Rsa2048);
    let sig = key.sign(&[b"source"]).unwrap();
    assert_eq!(
        b64(&sig),
        "BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6\
pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLli/K8V29QiOh\
uH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwf\
LpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg=="
    );
    // Split into parts, the signature is the same: parts are hashed in order.
    assert_eq!(key.sign(&[b"so", b"", b"urce"]).unwrap(), sig);
    // The bare base64 body (as consoles hand it out) is the same key.
    let body: String = GO_KEY.lines().filter(|l| !l.starts_with("-----")).collect();
    assert_eq!(
        PrivateKey::from_pem(&body)
            .unwrap()
            .sign(&[b"source"])
            .unwrap(),
        sig
    );
}

// wechatpay-go core/notify/notify_test.go: a signed, encrypted notification.
const NOTIFY_BODY: &str = include_str!("vectors/go_notify_body.json");
const NOTIFY_SIGNATURE: &str = "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXF\
lbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1I\
BLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY4\
06ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==";
const NOTIFY_TS: i64 = 1_624_523_846;

fn notify_headers() -> Headers<'static> {
    Headers::from_pairs([
        ("Content-Type", "application/json"),
        ("wechatpay-nonce", "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz"),
        ("Wechatpay-Timestamp", "1624523846"),
        ("Wechatpay-Serial", "D7CE59D1F522D701"),
        ("Wechatpay-Signature", NOTIFY_SIGNATURE),
    ])
}

fn platform() -> Verifiers {
    let cert = Certificate::from_pem(GO_CERT).unwrap();
    assert_eq!(cert.serial(), "D7CE59D1F522D701");
    let mut verifiers = Verifiers::new();
    verifiers.add_certificate(cert);
    verifiers
}

#[test]
fn notification_verifies_and_decrypts() {
    let verifiers = platform();
    verifiers
        .verify(&notify_headers(), NOTIFY_BODY.as_bytes(), NOTIFY_TS)
        .unwrap();
    // The resource is encrypted under the Go test's 16-byte key "testMchAPIv3Key0": real API v3
    // keys are 32 bytes and AEAD_AES_256_GCM refuses others. The aes-gcm crate (AES-128-GCM)
    // shows the published plaintext.
    let ct = "YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZt\
tevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR\
7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==";
    let mut out = [0u8; 256];
    let e = v3::decrypt(
        v3::Algorithm::AeadAes256Gcm,
        b"testMchAPIv3Key0",
        "Kj7QIyUiYx1q",
        "payscore",
        ct,
        &mut out,
    );
    assert_eq!(e.unwrap_err().kind(), ErrorKind::KeyLength { length: 16 });
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let cipher = aes_gcm::Aes128Gcm::new_from_slice(b"testMchAPIv3Key0").unwrap();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(ct)
        .unwrap();
    let nonce =
        aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(&b"Kj7QIyUiYx1q"[..]).unwrap();
    let plain = cipher
        .decrypt(
            &nonce,
            Payload {
                msg: &raw,
                aad: b"payscore",
            },
        )
        .unwrap();
    assert_eq!(
        plain,
        b"{\"mchid\":\"1234567890\",\"appid\":\"054aa7d7a2a54ab5898df65bd96f001c\",\
\"create_time\":\"2020-06-30T12:12:00+08:00\",\"out_contract_code\":\"21640bdbd08e473e828f3206a2741c6e\"}"
    );
}

#[test]
fn notification_negatives() {
    let verifiers = platform();
    let headers = notify_headers();
    let body = NOTIFY_BODY.as_bytes();
    let error =
        |h: &Headers<'_>, body: &[u8], now: i64| verifiers.verify(h, body, now).unwrap_err();
    let kind = |h: &Headers<'_>, body: &[u8], now: i64| error(h, body, now).kind();

    // One byte of the body altered.
    let mut altered = body.to_vec();
    altered[10] ^= 1;
    assert_eq!(
        kind(&headers, &altered, NOTIFY_TS),
        ErrorKind::InvalidSignature
    );
    // Trailing whitespace added (a re-serialised body).
    assert_eq!(
        kind(&headers, format!("{NOTIFY_BODY}\n").as_bytes(), NOTIFY_TS),
        ErrorKind::InvalidSignature
    );
    // Altered headers: nonce, timestamp (still fresh).
    let h = Headers {
        nonce: "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBZ",
        ..headers
    };
    assert_eq!(kind(&h, body, NOTIFY_TS), ErrorKind::InvalidSignature);
    let h = Headers {
        timestamp: "1624523847",
        ..headers
    };
    assert_eq!(kind(&h, body, NOTIFY_TS), ErrorKind::InvalidSignature);
    // Stale: 300 s either way is refused, 299 s is accepted.
    assert_eq!(
        kind(&headers, body, NOTIFY_TS + 300),
        ErrorKind::StaleTimestamp { skew: 300 }
    );
    assert_eq!(
        kind(&headers, body, NOTIFY_TS - 300),
        ErrorKind::StaleTimestamp { skew: 300 }
    );
    verifiers.verify(&headers, body, NOTIFY_TS + 299).unwrap();
    verifiers.verify(&headers, body, NOTIFY_TS - 299).unwrap();
    let h = Headers {
        timestamp: "16245238a6",
        ..headers
    };
    assert_eq!(kind(&h, body, NOTIFY_TS), ErrorKind::Timestamp);
    // Wrong serial, missing serial.
    let h = Headers {
        serial: "D7CE59D1F522D702",
        ..headers
    };
    assert_eq!(kind(&h, body, NOTIFY_TS), ErrorKind::UnknownSerial);
    let h = Headers {
        serial: "",
        ..headers
    };
    let e = error(&h, body, NOTIFY_TS);
    assert_eq!(
        (e.kind(), e.place()),
        (ErrorKind::MissingHeader, Some("Wechatpay-Serial"))
    );
    // Truncated signature, not base64, probe, scheme mismatch.
    let h = Headers {
        signature: &NOTIFY_SIGNATURE[..NOTIFY_SIGNATURE.len() - 4],
        ..headers
    };
    assert_eq!(kind(&h, body, NOTIFY_TS), ErrorKind::InvalidSignature);
    let h = Headers {
        signature: "@@@@",
        ..headers
    };
    assert_eq!(kind(&h, body, NOTIFY_TS), ErrorKind::InvalidSignature);
    let h = Headers {
        signature: "WECHATPAY/SIGNTEST/tJHIiIS9eB2hAYstmAmbbD3ZE5Li",
        ..headers
    };
    assert_eq!(kind(&h, body, NOTIFY_TS), ErrorKind::SignTestProbe);
    let h = Headers {
        signature_type: Some("WECHATPAY2-SM2-WITH-SM3"),
        ..headers
    };
    assert_eq!(kind(&h, body, NOTIFY_TS), ErrorKind::SchemeMismatch);
    let h = Headers {
        signature_type: Some("WECHATPAY2-SHA256-RSA2048"),
        ..headers
    };
    verifiers.verify(&h, body, NOTIFY_TS).unwrap();
    let h = Headers {
        nonce: "",
        ..headers
    };
    let e = error(&h, body, NOTIFY_TS);
    assert_eq!(
        (e.kind(), e.place()),
        (ErrorKind::MissingHeader, Some("Wechatpay-Nonce"))
    );
    // The wrong key under the right serial.
    let mut wrong = Verifiers::new();
    wrong.add_public_key(
        "D7CE59D1F522D701",
        PrivateKey::from_pem(JAVA_KEY).unwrap().public_key(),
    );
    assert_eq!(
        wrong.verify(&headers, body, NOTIFY_TS).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
}

// One platform key pinned for any serial: it checks the published notification whatever its
// `Wechatpay-Serial`; a key filed under the answer's serial is used first; a wrong pinned key
// fails the signature, it does not skip it.
#[test]
fn a_pinned_key_checks_any_serial() {
    let body = NOTIFY_BODY.as_bytes();
    let key = Certificate::from_pem(GO_CERT).unwrap().public_key().clone();
    let other = Headers {
        serial: "PUB_KEY_ID_0114232134912410000000000001",
        ..notify_headers()
    };
    let mut pinned = Verifiers::new();
    pinned.pin_public_key(key.clone());
    pinned.verify(&other, body, NOTIFY_TS).unwrap();
    pinned.verify(&notify_headers(), body, NOTIFY_TS).unwrap();
    let mut wrong = Verifiers::new();
    wrong.pin_public_key(PrivateKey::from_pem(JAVA_KEY).unwrap().public_key());
    assert_eq!(
        wrong.verify(&other, body, NOTIFY_TS).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
    // The serial's own key first: the wrong one filed under it fails even with the right one
    // pinned.
    let mut both = Verifiers::new();
    both.pin_public_key(key).add_public_key(
        "D7CE59D1F522D701",
        PrivateKey::from_pem(JAVA_KEY).unwrap().public_key(),
    );
    assert_eq!(
        both.verify(&notify_headers(), body, NOTIFY_TS)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
    both.verify(&other, body, NOTIFY_TS).unwrap();
}

// A platform certificate and a PUB_KEY_ID_ public key side by side (the migration case).
#[test]
fn certificate_and_public_key_ids_together() {
    let mut verifiers = platform();
    let merchant = PrivateKey::from_pem(JAVA_KEY).unwrap();
    verifiers.add_public_key(
        "PUB_KEY_ID_0114232134912410000000000000",
        merchant.public_key(),
    );
    assert_eq!(verifiers.serials().count(), 2);
    verifiers
        .verify(&notify_headers(), NOTIFY_BODY.as_bytes(), NOTIFY_TS)
        .unwrap();
    let body = br#"{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}"#;
    let sig = merchant
        .sign(&[b"1700000000\n", b"n0nce\n", body, b"\n"])
        .unwrap();
    let sig = b64(&sig);
    let headers = Headers {
        timestamp: "1700000000",
        nonce: "n0nce",
        signature: &sig,
        serial: "PUB_KEY_ID_0114232134912410000000000000",
        signature_type: None,
    };
    verifiers.verify(&headers, body, 1_700_000_100).unwrap();
    // The same signature under the certificate's serial fails.
    let headers = Headers {
        serial: "D7CE59D1F522D701",
        ..headers
    };
    assert_eq!(
        verifiers
            .verify(&headers, body, 1_700_000_100)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn authorization_header() {
    // The request of WeChat Pay's signing guide (https://pay.weixin.qq.com/doc/v3/partner/4012365868),
    // signed with the Go SDK's test key; the header carries the fields and a signature that verifies.
    let body = r#"{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}"#;
    let request = Request {
        method: "POST",
        url: "/v3/pay/transactions/jsapi",
        timestamp: "1554208460",
        nonce: "593BEC0C930BF1AFEB40B4A08C8FB242",
        body: body.as_bytes(),
    };
    assert_eq!(
        request.message(),
        format!("POST\n/v3/pay/transactions/jsapi\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{body}\n").into_bytes()
    );
    let key = PrivateKey::from_pem(GO_KEY).unwrap();
    let header = v3::authorization(&key, "1230000109", "F5765756002FDD77", &request).unwrap();
    let prefix = "WECHATPAY2-SHA256-RSA2048 mchid=\"1230000109\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",timestamp=\"1554208460\",serial_no=\"F5765756002FDD77\",signature=\"";
    assert!(header.starts_with(prefix), "{header}");
    let sig = header[prefix.len()..header.len() - 1].to_string();
    let sig = base64::engine::general_purpose::STANDARD
        .decode(sig)
        .unwrap();
    let cert = Certificate::from_pem(GO_CERT).unwrap();
    assert!(cert.verify(&[&request.message()], &sig));
    // An empty GET body still ends in "\n".
    let get = Request {
        method: "GET",
        url: "/v3/certificates",
        body: b"",
        ..request
    };
    assert!(
        get.message()
            .ends_with(b"593BEC0C930BF1AFEB40B4A08C8FB242\n\n")
    );
    // Values that would break the header are refused.
    let e = v3::authorization(&key, "12\"30", "F5765756002FDD77", &request).unwrap_err();
    assert_eq!((e.kind(), e.place()), (ErrorKind::Parameter, Some("mchid")));
    let bad = Request {
        timestamp: "15542084x0",
        ..request
    };
    let e = v3::authorization(&key, "1230000109", "F57657", &bad).unwrap_err();
    assert_eq!(
        (e.kind(), e.place()),
        (ErrorKind::Parameter, Some("timestamp"))
    );
}

#[test]
fn pay_sign_messages() {
    assert_eq!(
        v3::jsapi_pay_message("wx8888888888888888", "1414561699", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", "wx201410272009395522657a690389285100"),
        b"wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n"
    );
    assert_eq!(
        v3::app_pay_message("wx8888888888888888", "1414561699", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", "WX1217752501201407033233368018"),
        b"wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nWX1217752501201407033233368018\n"
    );
    let key = PrivateKey::from_pem(GO_KEY).unwrap();
    let sign = v3::jsapi_pay_sign(
        &key,
        "wx8888888888888888",
        "1414561699",
        "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        "wx201410272009395522657a690389285100",
    )
    .unwrap();
    let sig = base64::engine::general_purpose::STANDARD
        .decode(sign)
        .unwrap();
    let message = v3::jsapi_pay_message(
        "wx8888888888888888",
        "1414561699",
        "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        "wx201410272009395522657a690389285100",
    );
    assert!(key.public_key().verify(&[&message], &sig));
    assert!(v3::app_pay_sign(&key, "wx1", "1", "", "x").is_err());
}

// wechatpay-java core/src/test/.../cipher/RSAPrivacyDecryptorTest.java (OAEP SHA-1).
#[test]
fn oaep_field_decrypts_java_vector() {
    let key = PrivateKey::from_pem(JAVA_KEY).unwrap();
    let ct = "Qqsluo7R1IZyAqdkm/jBzwXDP5VndCwwFbRA+yILFTYciZzrRChQIQ7SKuI2k3YSR5auB3Zsp\
djR1WPB3PTCKe6BCFx3NnaPWhSwonYTmW8ZseXjkbcYSbKL5O/6dr6Zftg3t2A2FUd97acjM1fr2EIvIvRieQ3Hl8qVkDBY9520wm1rz\
vePUnxQWN70RZiBcqr7O7Gb0gU3l7FkvoUFSbY44HgDJetmVow3yGIV3Tcd45o2MNQ+5F1qvjIjb3/6dkGKce4/kNTYraUMO6o6kfFXl\
fg+bFRIiz8hiUpbToWdu7g0R5Hq0/YIE5vw/5Ms4gbk2HIQIfOLkY8sEPjYHA==";
    let plain = v3::decrypt_field(&key, &mut TestRng(1), ct).unwrap();
    assert_eq!(plain.as_slice(), b"plaintext");
    // Round trip, and a tampered ciphertext fails.
    let ct2 = v3::encrypt_field(&key.public_key(), &mut TestRng(7), "张三".as_bytes()).unwrap();
    assert_eq!(
        v3::decrypt_field(&key, &mut TestRng(2), &ct2)
            .unwrap()
            .as_slice(),
        "张三".as_bytes()
    );
    let tampered = ct.replace('Q', "R");
    assert_eq!(
        v3::decrypt_field(&key, &mut TestRng(3), &tampered)
            .unwrap_err()
            .kind(),
        ErrorKind::Decryption
    );
    // The wrong key.
    let other = PrivateKey::from_pem(GO_KEY).unwrap();
    assert!(v3::decrypt_field(&other, &mut TestRng(4), ct).is_err());
}

// wechatpay-java shangmi-testing .../BaseSM2Test.java: signature, certificate, encryption.
#[test]
fn sm2_vectors() {
    let cert = Certificate::from_pem(SM2_CERT).unwrap();
    assert_eq!(cert.serial(), "54E7F59ED8DF4570CFB14780EA8152D45A675EE6");
    assert_eq!(cert.scheme(), Scheme::Sm2WithSm3);
    let sig = base64::engine::general_purpose::STANDARD
        .decode("MEYCIQD35Rp3CKt7pLme/a0GaCVmwSeOl7X/12+ppRivcJuf6QIhAO5Vpy4tSk9SJUrgH5I5Qy0aYhFG9lN0aof1f5wJOI05")
        .unwrap();
    assert!(cert.verify(&[b"message"], &sig));
    assert!(!cert.verify(&[b"false-message"], &sig));
    let key = PrivateKey::from_pem(SM2_KEY).unwrap();
    assert_eq!(key.scheme(), Scheme::Sm2WithSm3);
    let mine = key.sign(&[b"mes", b"sage"]).unwrap();
    assert!(cert.verify(&[b"message"], &mine));
    let ct = "MHECIAGn23Ew8nF0zRfu3qgdD6VATSmGM5wrVFvNqg1ToXneAiBgfOJLVi1NtpRVH2\
qanzooL4gOrDKKOloD7gS17g+iCQQgcTtJpGhytHZeV/HeTqYkg3YqOY+Vybx+OQx217Ktn0QECdMjiI7lpId5dg==";
    assert_eq!(
        v3::decrypt_field(&key, &mut TestRng(1), ct)
            .unwrap()
            .as_slice(),
        b"plaintext"
    );
    assert!(v3::decrypt_field(&key, &mut TestRng(1), &ct.replace('1', "2")).is_err());
    let ct2 = v3::encrypt_field(cert.public_key(), &mut TestRng(9), b"13800138000").unwrap();
    assert_eq!(
        v3::decrypt_field(&key, &mut TestRng(1), &ct2)
            .unwrap()
            .as_slice(),
        b"13800138000"
    );
    // SM2 Authorization header and SM2 response verification.
    let request = Request {
        method: "GET",
        url: "/v3/certificates",
        timestamp: "1",
        nonce: "n",
        body: b"",
    };
    let header = v3::authorization(&key, "1900000001", cert.serial(), &request).unwrap();
    assert!(header.starts_with("WECHATPAY2-SM2-WITH-SM3 mchid=\"1900000001\""));
    let body = b"{}";
    let sig = b64(&key.sign(&[b"1700000000\nabc\n", body, b"\n"]).unwrap());
    let mut verifiers = Verifiers::new();
    verifiers.add_certificate(cert);
    let headers = Headers {
        timestamp: "1700000000",
        nonce: "abc",
        signature: &sig,
        serial: "54E7F59ED8DF4570CFB14780EA8152D45A675EE6",
        signature_type: Some("WECHATPAY2-SM2-WITH-SM3"),
    };
    verifiers.verify(&headers, body, 1_700_000_000).unwrap();
    let rsa_type = Headers {
        signature_type: None,
        ..headers
    };
    assert_eq!(
        verifiers
            .verify(&rsa_type, body, 1_700_000_000)
            .unwrap_err()
            .kind(),
        ErrorKind::SchemeMismatch
    );
}

#[test]
fn bad_keys_and_certificates() {
    for text in [
        "",
        "not a key",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        GO_CERT,
    ] {
        assert_eq!(
            PrivateKey::from_pem(text).unwrap_err().kind(),
            ErrorKind::Key,
            "{text}"
        );
    }
    assert_eq!(
        PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
            .unwrap_err()
            .kind(),
        ErrorKind::Key
    );
    assert_eq!(
        Certificate::from_pem(GO_KEY).unwrap_err().kind(),
        ErrorKind::Certificate
    );
    assert_eq!(
        Certificate::from_pem("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")
            .unwrap_err()
            .kind(),
        ErrorKind::Certificate
    );
    // A certificate PEM gives its public key; Debug never shows key material.
    let key = PublicKey::from_pem(GO_CERT).unwrap();
    assert_eq!(format!("{key:?}"), "PublicKey(WECHATPAY2-SHA256-RSA2048)");
    let private = PrivateKey::from_pem(GO_KEY).unwrap();
    assert_eq!(
        format!("{private:?}"),
        "PrivateKey(WECHATPAY2-SHA256-RSA2048, ..)"
    );
    // The same certificate wrapped at 76 columns with CR LF (as some consoles export it).
    let body: String = GO_CERT
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let rewrapped = format!(
        "-----BEGIN CERTIFICATE-----\r\n{}\r\n-----END CERTIFICATE-----\r\n",
        body.as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\r\n")
    );
    assert_eq!(
        Certificate::from_pem(&rewrapped).unwrap().serial(),
        "D7CE59D1F522D701"
    );
    let cert = Certificate::from_pem(GO_CERT).unwrap();
    // 2021-04-27 08:55:23 UTC .. 2031-04-25 08:55:23 UTC.
    assert_eq!(cert.validity(), (1_619_513_723, 1_934_873_723));
    assert!(cert.is_valid_at(NOTIFY_TS as u64));
}

#[test]
fn notification_parse_and_decrypt() {
    let n = v3::Notification::parse(NOTIFY_BODY.as_bytes()).unwrap();
    assert_eq!(n.event_type, "PAYSCORE.USER_OPEN_SERVICE");
    assert_eq!(n.summary, "签约成功");
    assert_eq!(n.resource.original_type.as_deref(), Some("payscore"));
    // The Go test's 16-byte key is refused (see notification_verifies_and_decrypts).
    assert_eq!(
        n.decrypt(b"testMchAPIv3Key0").unwrap_err().kind(),
        ErrorKind::KeyLength { length: 16 }
    );
    assert_eq!(
        n.decrypt(b"0123456789abcdef0123456789abcdef")
            .unwrap_err()
            .kind(),
        ErrorKind::Authentication
    );
    // Malformed bodies: typed error with the offset.
    // The offset is the last byte read: the ':' before the end, the '1' that is not a string.
    let e = v3::Notification::parse(b"{\"id\":").unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::Json, 5));
    let e = v3::Notification::parse(b"{\n  \"id\": 1}").unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::Json, 10));
    assert!(v3::Notification::parse(b"{}").is_err());
}

// wechatpay-java core/src/test/.../model/TestConfig.java DOWNLOAD_CERTIFICATE_RESPONSE.
#[test]
fn certificate_download() {
    let body = include_bytes!("vectors/java_certificates_response.json");
    let certs = v3::platform_certificates(body, b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb").unwrap();
    assert_eq!(certs.len(), 1);
    assert_eq!(
        certs[0].certificate.serial(),
        "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC"
    );
    assert_eq!(certs[0].expire_time, "2028-09-17T23:15:58+08:00");
    let mut verifiers = Verifiers::new();
    verifiers.add_certificate(certs[0].certificate.clone());
    assert_eq!(
        verifiers.serials().collect::<Vec<_>>(),
        ["5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC"]
    );
    assert_eq!(
        v3::platform_certificates(body, b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gc")
            .unwrap_err()
            .kind(),
        ErrorKind::Authentication
    );
    // A serial_no that does not match the certificate inside.
    let lying = String::from_utf8(body.to_vec())
        .unwrap()
        .replace("5DEA10EF", "5DEA10EE");
    assert_eq!(
        v3::platform_certificates(lying.as_bytes(), b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")
            .unwrap_err()
            .kind(),
        ErrorKind::Certificate
    );
}

#[cfg(feature = "http")]
#[test]
fn http_integration() {
    let key = PrivateKey::from_pem(GO_KEY).unwrap();
    let mut request =
        http::Request::post("https://api.mch.weixin.qq.com/v3/pay/transactions/native?x=1")
            .body(b"{}".to_vec())
            .unwrap();
    v3::http::sign_request(
        &mut request,
        &key,
        "1900000001",
        "F5765756002FDD77",
        "1700000000",
        "abc",
    )
    .unwrap();
    let header = request.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_string();
    let message = Request {
        method: "POST",
        url: "/v3/pay/transactions/native?x=1",
        timestamp: "1700000000",
        nonce: "abc",
        body: b"{}",
    };
    let expected = v3::authorization(&key, "1900000001", "F5765756002FDD77", &message).unwrap();
    assert_eq!(header, expected);

    let verifiers = platform();
    let notification = http::Request::post("/notify")
        .header("Wechatpay-Timestamp", "1624523846")
        .header("Wechatpay-Nonce", "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz")
        .header("Wechatpay-Serial", "D7CE59D1F522D701")
        .header("Wechatpay-Signature", NOTIFY_SIGNATURE)
        .body(NOTIFY_BODY)
        .unwrap();
    v3::http::verify_notification(&verifiers, &notification, NOTIFY_TS).unwrap();
    let response = http::Response::builder()
        .header("wechatpay-timestamp", "1624523846")
        .header("wechatpay-nonce", "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz")
        .header("wechatpay-serial", "D7CE59D1F522D701")
        .header("wechatpay-signature", NOTIFY_SIGNATURE)
        .body(format!("{NOTIFY_BODY} "))
        .unwrap();
    assert_eq!(
        v3::http::verify_response(&verifiers, &response, NOTIFY_TS)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn std_helpers() {
    let a = v3::nonce().unwrap();
    let b = v3::nonce().unwrap();
    assert_eq!(a.len(), 32);
    assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(a, b);
    let now: i64 = v3::timestamp().parse().unwrap();
    assert!(now > 1_700_000_000);
    // The OS random source drives field encryption.
    let key = PrivateKey::from_pem(JAVA_KEY).unwrap();
    let ct = v3::encrypt_field(&key.public_key(), &mut v3::os_rng(), b"x").unwrap();
    assert_eq!(
        v3::decrypt_field(&key, &mut v3::os_rng(), &ct)
            .unwrap()
            .as_slice(),
        b"x"
    );
}

#[test]
fn keys_at_any_line_width_crlf_or_bare_base64_are_the_same_key() {
    let reference = PrivateKey::from_pem(GO_KEY).unwrap().sign(&[b"m"]).unwrap();
    for (width, eol) in [(64, "\n"), (76, "\r\n"), (40, "\n")] {
        let (pem, bare) = paywire_testkit::rewrap_pem(GO_KEY, width, eol);
        for text in [pem, bare] {
            let key = PrivateKey::from_pem(&text).unwrap();
            assert_eq!(key.sign(&[b"m"]).unwrap(), reference, "{width} {eol:?}");
        }
    }
    let (pem, _) = paywire_testkit::rewrap_pem(GO_KEY, 64, "\n");
    let broken = pem.replacen("M", "!", 1);
    assert_eq!(
        PrivateKey::from_pem(&broken).unwrap_err().kind(),
        ErrorKind::Key
    );
}
