//! Alipay v1 signing and verification, certificate SNs and v3 headers, against the official
//! Node SDK's published test data (alipay/alipay-sdk-nodejs-all, paths beside each test; the
//! keys are in tests/keys with their README).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use paywire_alipay::ErrorKind;
use paywire_alipay::keys::{
    Certificate, PrivateKey, PublicKey, SignType, Signer as _, root_cert_sn,
};
use paywire_alipay::v1::{self, Notification, Request};
use paywire_alipay::v3;

const APP_KEY: &str = include_str!("keys/app-private-key.pem");
const APP_PUB: &str = include_str!("keys/app-public-key.pem");
const ALIPAY_PUB: &str = include_str!("keys/alipay-public-key.pem");
const NOTIFY_PUB_V1: &str = include_str!("keys/notify-public-key-v1.txt");
const NOTIFY_PUB_V2: &str = include_str!("keys/notify-public-key-v2.pem");

fn form(params: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

// test/alipay.test.ts "verify sign should delete sign_type": a real trade notification.
// test/alipay.test.ts "verify sign should delete sign_type": a real trade notification, as
// the form body Alipay posts (tests/vectors/README.md).
const TRADE_NOTIFY_FORM: &str = include_str!("vectors/trade_notify.form");

fn trade_notify() -> Vec<(String, String)> {
    Notification::parse(TRADE_NOTIFY_FORM.as_bytes())
        .unwrap()
        .params()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The notification with `name` replaced by `value` (or left out), form-encoded.
fn with(params: &[(String, String)], name: &str, value: Option<&str>) -> String {
    let kept = params.iter().filter_map(|(k, v)| match (k == name, value) {
        (false, _) => Some((k.as_str(), v.as_str())),
        (true, Some(new)) => Some((k.as_str(), new)),
        (true, None) => None,
    });
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish()
}

#[test]
fn trade_notification_verifies_without_sign_type() {
    let key = PublicKey::from_pem(NOTIFY_PUB_V1).unwrap();
    let params = trade_notify();
    assert_eq!(params.len(), 25);
    let n = Notification::parse(TRADE_NOTIFY_FORM.as_bytes()).unwrap();
    assert_eq!(n.get("subject"), Some("语雀空间 500人规模"));
    n.verify(&key).unwrap();
    // rsaCheckV2 keeps sign_type in the string: this notification was not signed that way.
    assert_eq!(
        n.verify_keeping_sign_type(&key).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
    // Without the sign_type parameter it still verifies (RSA2 by default).
    let without = with(&params, "sign_type", None);
    Notification::parse(without.as_bytes())
        .unwrap()
        .verify(&key)
        .unwrap();
    // The string to verify drops `sign` and `sign_type` (rsaCheckV1 in
    // alipay/alipay-sdk-java-all AlipaySignature.java), sorted by key.
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .filter(|(k, _)| *k != "sign" && *k != "sign_type")
        .collect();
    assert!(v1::string_to_sign(&pairs).starts_with(
        "app_id=2019073166072302&auth_app_id=2019073166072302&buyer_id=2088102534368455&"
    ));
    // One byte altered, the wrong key, the signature truncated, decoded twice.
    let parse = |body: &str| Notification::parse(body.as_bytes()).unwrap();
    assert_eq!(
        parse(&with(&params, "total_amount", Some("0.11")))
            .verify(&key)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
    let wrong = PublicKey::from_pem(NOTIFY_PUB_V2).unwrap();
    assert_eq!(
        n.verify(&wrong).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
    let sign = n.get("sign").unwrap();
    assert!(
        parse(&with(&params, "sign", Some(&sign[..sign.len() - 8])))
            .verify(&key)
            .is_err()
    );
    let twice = form(&[("body", TRADE_NOTIFY_FORM)]);
    assert_eq!(
        parse(&twice).get("body"),
        Some(TRADE_NOTIFY_FORM),
        "decoded exactly once"
    );
    // An unknown sign_type and a missing sign.
    assert_eq!(
        parse(&with(&params, "sign_type", Some("MD5")))
            .verify(&key)
            .unwrap_err()
            .kind(),
        ErrorKind::SignType
    );
    let e = parse("a=1").verify(&key).unwrap_err();
    assert_eq!(
        (e.kind(), e.place()),
        (ErrorKind::MissingParameter, Some("sign"))
    );
}

// test/alipay.test.ts "verify sign should not delete sign_type": a service-market notification.
#[test]
fn service_market_notification_keeps_sign_type() {
    let params: &[(&str, &str)] = &[
        ("app_id", "2017122801303261"),
        ("charset", "UTF-8"),
        ("commodity_order_id", "2019030800000018079639"),
        ("contactor", "技术支持测试的公司"),
        ("merchant_pid", "2088721996721370"),
        ("method", "alipay.open.servicemarket.order.notify"),
        ("name", "技术支持测试的公司"),
        ("notify_id", "2019030800222102023008121054923345"),
        ("notify_time", "2019-03-08 10:20:23"),
        ("notify_type", "servicemarket_order_notify"),
        ("order_item_num", "1"),
        ("order_ticket", "29b1c37d99ab48c5bd5bdaeaeaefbB37"),
        ("order_time", "2019-03-08 10:20:08"),
        ("phone", "17826894615"),
        ("service_code", "58621634"),
        (
            "sign",
            "MsK5SCw8oqLw4f0hiNSd5OVGXxBY3wnQeT8vn5PklJSZFWSZbK4hQbNvkp4ZezeXQH514cEv0ul6Qow8yh6e6yM06LfEL+EZjcpZ0nxzFGRNQ5qq2AUc1OaXQdk92AGvxh+Iq4NGpPQFBd4D8EBJa3NJd8+czMfQskceosOQFqUtLQMYa5DPs+VpN7VM5BdXjaVIuKn5d9Wm2B9dI9ObIM+YRySDkZZPv14DVmUvcrcqJfOR8aHvtSd7B4l92wUQPQgQKNcOQho7xOHS/Bk+Y74AZL2y7TkNmdDoq9OGsThuF5tDW9rI9nVwXxOtsuB+bstra+W7aw9x9DvkKgdSRw==",
        ),
        ("sign_type", "RSA2"),
        ("timestamp", "2019-03-08 10:20:23"),
        ("title", "麦禾商城模版"),
        ("total_price", "0.00"),
        ("version", "1.0"),
    ];
    let key = PublicKey::from_pem(NOTIFY_PUB_V2).unwrap();
    let n = Notification::from_params(params.iter().copied());
    n.verify_keeping_sign_type(&key).unwrap();
    assert!(n.verify(&key).is_err());
    // The SDK's "verify fail" case: service_code altered.
    let altered: Vec<_> = params
        .iter()
        .map(|&(k, v)| {
            if k == "service_code" {
                (k, "58621634111")
            } else {
                (k, v)
            }
        })
        .collect();
    assert!(
        Notification::from_params(altered)
            .verify_keeping_sign_type(&key)
            .is_err()
    );
}

// The response of alipay-sdk-nodejs-all test/alipay.test.ts checkResponseSign "should work";
// its signing key is not among the published fixtures (the test notes the key was rotated), so
// here the node is signed with the app test key and verified over the raw text.
const UPLOAD_NODE: &str = r#"{"code":"10000","msg":"Success","file_id":"CAxAToWB1JsAAAAAAAAAAAAADgSLAQBr","url":"http:\/\/a.b\/c"}"#;

fn signed_upload_response() -> String {
    let key = PrivateKey::from_pem(APP_KEY).unwrap();
    let sig = key.sign(&[UPLOAD_NODE.as_bytes()]).unwrap();
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD
        .encode(sig)
        .replace('/', "\\/");
    format!(r#"{{"alipay_open_file_upload_response":{UPLOAD_NODE},"sign":"{sig}"}}"#)
}

#[test]
fn response_verifies_over_raw_node() {
    let key = PublicKey::from_pem(APP_PUB).unwrap();
    let response = signed_upload_response();
    let node =
        v1::verify_response(&key, SignType::Rsa2, &response, "alipay.open.file.upload").unwrap();
    assert_eq!(node.signed, UPLOAD_NODE, "the \\/ escapes are kept");
    assert!(!node.is_error);
    // Whitespace between members is outside the signed node.
    let spaced = response.replace(r#"},"sign""#, "}\n  ,\n  \"sign\"");
    v1::verify_response(&key, SignType::Rsa2, &spaced, "alipay.open.file.upload").unwrap();
    // Re-serialised JSON (escapes resolved) no longer verifies.
    let reserialised = response.replace(r#"http:\/\/a.b\/c"#, "http://a.b/c");
    assert_eq!(
        v1::verify_response(
            &key,
            SignType::Rsa2,
            &reserialised,
            "alipay.open.file.upload"
        )
        .unwrap_err()
        .kind(),
        ErrorKind::InvalidSignature
    );
    // Altered node, wrong method, wrong key, RSA (SHA-1) type, no sign.
    let altered = response.replace("10000", "10001");
    assert_eq!(
        v1::verify_response(&key, SignType::Rsa2, &altered, "alipay.open.file.upload")
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
    assert!(matches!(
        v1::verify_response(&key, SignType::Rsa2, &response, "alipay.trade.pay")
            .unwrap_err()
            .kind(),
        ErrorKind::Response
    ));
    let other = PublicKey::from_pem(ALIPAY_PUB).unwrap();
    assert!(
        v1::verify_response(&other, SignType::Rsa2, &response, "alipay.open.file.upload").is_err()
    );
    assert!(
        v1::verify_response(&key, SignType::Rsa, &response, "alipay.open.file.upload").is_err()
    );
    let unsigned = r#"{"alipay_open_file_upload_response":{"code":"10000"}}"#;
    let e =
        v1::verify_response(&key, SignType::Rsa2, unsigned, "alipay.open.file.upload").unwrap_err();
    assert_eq!(
        (e.kind(), e.place()),
        (ErrorKind::MissingParameter, Some("sign"))
    );
}

// test/alipay.test.ts getSignStr: `\/` escapes and line breaks around the node survive.
#[test]
fn sign_content_keeps_escapes() {
    let origin = "{\"alipay_offline_material_image_upload_response\"\n        :\n        {\"code\":\"10000\",\"msg\":\"Success\",\"image_id\":\"Zp1Nm6FDTZaEuSSniGd5awAAACMAAQED\",\"image_url\":\"http:\\/\\/oalipay-dl-django.alicdn.com\\/rest\\/1.0\\/image?fileIds=Zp1Nm6FDTZaEuSSniGd5awAAACMAAQED&zoom=original\"},\n\n          \"sign\"  :  \"P8xrBWqZ\"}";
    let node =
        paywire_alipay::response::response_node(origin, "alipay.offline.material.image.upload")
            .unwrap();
    assert_eq!(
        node.signed,
        "{\"code\":\"10000\",\"msg\":\"Success\",\"image_id\":\"Zp1Nm6FDTZaEuSSniGd5awAAACMAAQED\",\"image_url\":\"http:\\/\\/oalipay-dl-django.alicdn.com\\/rest\\/1.0\\/image?fileIds=Zp1Nm6FDTZaEuSSniGd5awAAACMAAQED&zoom=original\"}"
    );
    assert_eq!(node.sign, Some("P8xrBWqZ"));
    // A "sign" key inside the node is part of the node, not the signature.
    let inner = origin.replace(
        "{\"code\":\"10000\",",
        "{\"code\":\"10000\",\"sign\":\"xxx\",",
    );
    let node =
        paywire_alipay::response::response_node(&inner, "alipay.offline.material.image.upload")
            .unwrap();
    assert!(node.signed.contains("\"sign\":\"xxx\""));
    assert_eq!(node.sign, Some("P8xrBWqZ"));
}

// test/antcertutil.test.ts: certificate SNs and the root SN.
#[test]
fn certificate_sns() {
    let app =
        Certificate::from_pem(include_str!("keys/appCertPublicKey_2021001161683774.crt")).unwrap();
    assert_eq!(
        app.issuer(),
        "CN=Ant Financial Certification Authority Class 1 R1,OU=Certification Authority,O=Ant Financial,C=CN"
    );
    assert_eq!(app.sn(), "866efef280dec9137a87d047ac446315");
    let alipay = Certificate::from_pem(include_str!("keys/alipayCertPublicKey_RSA2.crt")).unwrap();
    assert_eq!(alipay.sn(), "7513daaaa48aa3ba2e4018d84402479c");
    let root = include_str!("keys/alipayRootCert.crt");
    assert_eq!(Certificate::chain_from_pem(root).unwrap().len(), 4);
    assert_eq!(
        root_cert_sn(root).unwrap(),
        "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6"
    );
    // The Alipay certificate's key is the one the SDK test extracts (loadPublicKeyFromPath):
    // both verify the same signature.
    let from_cert = alipay.public_key().unwrap();
    let published = PublicKey::from_pem("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAhoVesfcGvUv1XvUndmX0rmSZ/2posJBCooySbSVFpV79RtHMzrVz2aKkC3WvOXeT5iNeQK4mK8gp3vNkWrHTkQGx5BcmkeO1WS384CQde7dAS0gmxeFs5bs+cCQqV2A2c2R9/5rJMtFtp1Ot/rIiMBUn6Ei0UoztM7AneavqQEzSwYlCKNhPFFtHCiz7u4O5R9CIyvUmYr+zpem2HXBN9ygPAZ0aXBQipGbc45+G07ZCNsmY4hV/Igya1aBf+Ye8p10Ew8uBBri0sIknhSC2LqKKy2IH1fO6q1d1jhN240QRHvbpRNv60kAfZsEulBASBrCMBi49NiJyr5nre7SNywIDAQAB").unwrap();
    assert_eq!(format!("{from_cert:?}"), format!("{published:?}"));
    assert!(Certificate::from_pem("no certificate here").is_err());
    assert!(root_cert_sn("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----").is_err());
}

#[test]
fn certificate_chain() {
    let roots = Certificate::chain_from_pem(include_str!("keys/alipayRootCert.crt")).unwrap();
    let chain =
        Certificate::chain_from_pem(include_str!("keys/alipayPublicCert_chain.crt")).unwrap();
    assert_eq!(chain.len(), 2);
    assert!(chain[0].is_signed_by(&chain[1]));
    assert!(!chain[1].is_signed_by(&chain[0]));
    // 2026-01-01: leaf (2025-03-12..2030-03-11) <- Class 2 R1 <- Ant Financial R1 (root bundle).
    paywire_alipay::keys::verify_chain(&chain, &roots, 1_767_225_600).unwrap();
    // Before the leaf's validity, after it, without the intermediate, with an empty root set.
    let kind = |c: &[Certificate], r: &[Certificate], now| {
        paywire_alipay::keys::verify_chain(c, r, now)
            .unwrap_err()
            .kind()
    };
    assert_eq!(kind(&chain, &roots, 1_700_000_000), ErrorKind::ChainInvalid);
    assert_eq!(kind(&chain, &roots, 1_900_000_000), ErrorKind::ChainInvalid);
    assert_eq!(
        kind(&chain[..1], &roots, 1_767_225_600),
        ErrorKind::ChainInvalid
    );
    assert_eq!(kind(&chain, &[], 1_767_225_600), ErrorKind::ChainInvalid);
    // The Node SDK's 2020 Alipay certificate was issued by the same Class 2 R1 CA: it chained
    // while valid (2020-05-14..2022-05-14) and no longer does.
    let old = Certificate::from_pem(include_str!("keys/alipayCertPublicKey_RSA2.crt")).unwrap();
    assert_eq!(old.validity(), (1_589_467_321, 1_652_539_321));
    paywire_alipay::keys::verify_chain(&[old.clone(), chain[1].clone()], &roots, 1_600_000_000)
        .unwrap();
    assert_eq!(
        kind(&[old.clone(), chain[1].clone()], &roots, 1_767_225_600),
        ErrorKind::ChainInvalid
    );
    // A leaf is not its own issuer.
    assert_eq!(
        kind(&[chain[0].clone(), chain[0].clone()], &roots, 1_767_225_600),
        ErrorKind::ChainInvalid
    );
}

#[test]
fn request_signing_round_trip() {
    let key = PrivateKey::from_pem(APP_KEY).unwrap();
    let public = PublicKey::from_pem(APP_PUB).unwrap();
    let mut req = Request::new(
        "2014060600164699",
        "alipay.trade.precreate",
        "2024-01-02 03:04:05",
    );
    req.set(
        "biz_content",
        r#"{"out_trade_no":"20150320010101001","total_amount":"88.88","subject":"Iphone6 16G"}"#,
    )
    .set("notify_url", "https://example.com/notify?a=1&b=2");
    req.sign(&key).unwrap();
    assert_eq!(req.get("sign_type"), Some("RSA2"));
    v1::verify(&public, &req.pairs()).unwrap();
    // The form body is UTF-8 percent-encoded after signing and decodes back to the same.
    let body = req.to_form();
    assert!(
        body.contains("sign_type=RSA2")
            && body.contains("notify_url=https%3A%2F%2Fexample.com%2Fnotify%3Fa%3D1%26b%3D2")
    );
    let decoded = Notification::parse(body.as_bytes()).unwrap();
    v1::verify(&public, &decoded.params().collect::<Vec<_>>()).unwrap();
    assert!(
        req.to_url(v1::GATEWAY)
            .starts_with("https://openapi.alipay.com/gateway.do?app_id=2014060600164699&")
    );
    // sign_type is signed: changing it breaks the signature.
    let mut pairs = req.pairs();
    for p in &mut pairs {
        if p.0 == "sign_type" {
            p.1 = "RSA";
        }
    }
    assert!(v1::verify(&public, &pairs).is_err());
    // RSA (SHA-1) keys sign and verify too; a sign_type parameter that disagrees is refused.
    let sha1 = key.clone().with_sign_type(SignType::Rsa).unwrap();
    let mut legacy = Request::new("1", "m", "t");
    legacy.sign(&sha1).unwrap();
    assert_eq!(legacy.get("sign_type"), Some("RSA"));
    v1::verify(&public, &legacy.pairs()).unwrap();
    assert_eq!(
        v1::sign(&key, &[("a", "1"), ("sign_type", "RSA")])
            .unwrap_err()
            .kind(),
        ErrorKind::SignType
    );
    assert_eq!(
        key.clone()
            .with_sign_type(SignType::Sm2)
            .unwrap_err()
            .kind(),
        ErrorKind::SignType
    );
    assert_eq!(format!("{key:?}"), "PrivateKey(RSA2, ..)");
}

#[test]
fn string_to_sign_rules() {
    // Sorted by name, not by "k=v": `a` before `a1` (smartwalle/alipay sorts whole pairs and
    // would put a1=x first because '1' < '=').
    assert_eq!(v1::string_to_sign(&[("a1", "x"), ("a", "y")]), "a=y&a1=x");
    // Empty values and `sign` left out; sign_type kept; values raw (no URL-encoding).
    assert_eq!(
        v1::string_to_sign(&[
            ("sign", "s"),
            ("b", ""),
            ("sign_type", "RSA2"),
            ("c", "a b&c=d/中")
        ]),
        "c=a b&c=d/中&sign_type=RSA2"
    );
}

#[test]
fn key_forms() {
    // The Node SDK's fixtures hold the same key as PKCS#1 PEM, bare PKCS#1 base64 and PKCS#8.
    let pem = PrivateKey::from_pem(APP_KEY).unwrap();
    let bare: String = APP_KEY
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let from_bare = PrivateKey::from_pem(&bare).unwrap();
    let sig = pem.sign(&[b"abc"]).unwrap();
    assert_eq!(
        from_bare.sign(&[b"a", b"bc"]).unwrap(),
        sig,
        "PKCS#1 v1.5 is deterministic"
    );
    let public_bare: String = APP_PUB
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let public = PublicKey::from_pem(&public_bare).unwrap();
    use paywire_alipay::keys::Verifier as _;
    assert!(public.verify(SignType::Rsa2, &[b"abc"], &sig));
    assert!(!public.verify(SignType::Rsa, &[b"abc"], &sig));
    assert!(!public.verify(SignType::Rsa2, &[b"abd"], &sig));
    for bad in [
        "",
        "!!!",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
    ] {
        assert_eq!(
            PrivateKey::from_pem(bad).unwrap_err().kind(),
            ErrorKind::SigningKey
        );
    }
    assert_eq!(
        PublicKey::from_pem("AAAA").unwrap_err().kind(),
        ErrorKind::SigningKey
    );
}

#[test]
fn v3_authorization_and_response() {
    let key = PrivateKey::from_pem(APP_KEY).unwrap();
    let public = PublicKey::from_pem(APP_PUB).unwrap();
    let auth = v3::Auth {
        app_id: "2014060600164699",
        app_cert_sn: Some("866efef280dec9137a87d047ac446315"),
        nonce: "3a2f9c4e-6f7b-4a51-9d2c-1b8e7f0a5c3d",
        timestamp_ms: "1700000000000",
    };
    assert_eq!(
        auth.auth_string().unwrap(),
        "app_id=2014060600164699,app_cert_sn=866efef280dec9137a87d047ac446315,nonce=3a2f9c4e-6f7b-4a51-9d2c-1b8e7f0a5c3d,timestamp=1700000000000"
    );
    let body = br#"{"out_trade_no":"1"}"#;
    let header = v3::authorization(
        &key,
        &auth,
        "POST",
        "/v3/alipay/trade/query",
        body,
        Some("tok"),
    )
    .unwrap();
    let prefix = format!("ALIPAY-SHA256withRSA {},sign=", auth.auth_string().unwrap());
    assert!(header.starts_with(&prefix), "{header}");
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD
        .decode(&header[prefix.len()..])
        .unwrap();
    let message = format!(
        "{}\nPOST\n/v3/alipay/trade/query\n{}\ntok\n",
        auth.auth_string().unwrap(),
        std::str::from_utf8(body).unwrap()
    );
    use paywire_alipay::keys::Verifier as _;
    assert!(public.verify(SignType::Rsa2, &[message.as_bytes()], &sig));
    // A response: timestamp\nnonce\nbody\n.
    let sig = key.sign(&[b"1700000000000\nn1\n{}\n"]).unwrap();
    let sig = base64::engine::general_purpose::STANDARD.encode(sig);
    v3::verify_response(&public, SignType::Rsa2, "1700000000000", "n1", b"{}", &sig).unwrap();
    assert!(
        v3::verify_response(&public, SignType::Rsa2, "1700000000000", "n2", b"{}", &sig).is_err()
    );
    let bad = v3::Auth {
        nonce: "a,b",
        ..auth
    };
    let e = v3::authorization(&key, &bad, "GET", "/", b"", None).unwrap_err();
    assert_eq!((e.kind(), e.place()), (ErrorKind::Parameter, Some("nonce")));
}

#[test]
fn auth_codes() {
    // Alipay payment code: 16–24 digits, prefix 25–30 (huangang/payqrcode index.js).
    assert!(paywire_alipay::is_auth_code("28763443825664394"));
    assert!(paywire_alipay::is_auth_code("2500000000000000"));
    assert!(paywire_alipay::is_auth_code("300000000000000000000000"));
    assert!(!paywire_alipay::is_auth_code("310000000000000000"));
    assert!(!paywire_alipay::is_auth_code("240000000000000000"));
    assert!(!paywire_alipay::is_auth_code("250000000000000"));
    assert!(!paywire_alipay::is_auth_code("2500000000000000000000000"));
    assert!(!paywire_alipay::is_auth_code("25000000000000x0"));
}

#[cfg(feature = "http")]
#[test]
fn http_integration() {
    let key = PrivateKey::from_pem(APP_KEY).unwrap();
    let public = PublicKey::from_pem(APP_PUB).unwrap();
    let auth = v3::Auth {
        app_id: "1",
        app_cert_sn: None,
        nonce: "n",
        timestamp_ms: "1700000000000",
    };
    let mut req = http::Request::post("https://openapi.alipay.com/v3/alipay/trade/query")
        .body(b"{}".to_vec())
        .unwrap();
    paywire_alipay::http::sign_request(&mut req, &key, &auth, Some("tok")).unwrap();
    let expected = v3::authorization(
        &key,
        &auth,
        "POST",
        "/v3/alipay/trade/query",
        b"{}",
        Some("tok"),
    )
    .unwrap();
    assert_eq!(req.headers()["authorization"], expected.as_str());
    assert_eq!(req.headers()["alipay-app-auth-token"], "tok");
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD
        .encode(key.sign(&[b"1\nn\n{\"a\":1}\n"]).unwrap());
    let resp = http::Response::builder()
        .header("alipay-timestamp", "1")
        .header("alipay-nonce", "n")
        .header("alipay-signature", sig.as_str())
        .body(br#"{"a":1}"#.to_vec())
        .unwrap();
    paywire_alipay::http::verify_response(&public, SignType::Rsa2, &resp).unwrap();
    let unsigned = http::Response::builder().body(Vec::<u8>::new()).unwrap();
    let e = paywire_alipay::http::verify_response(&public, SignType::Rsa2, &unsigned).unwrap_err();
    assert_eq!(
        (e.kind(), e.place()),
        (ErrorKind::MissingParameter, Some("alipay-timestamp"))
    );
}

// alipay-sdk-nodejs-all test/alipay.exec.test.ts: the AES key and an encrypted answer.
#[test]
fn encrypted_request_and_response() {
    const AES_KEY: &str = "aYA0GP8JEW+D7/UFaskCWA==";
    const CONTENT: &str = "4AOYHE0rpPnRnghunsGo+mY02DzANFLwNJJCiHfrNh2oaB2pn33PwOEOvH8mjhkE3Wh/jR+3jHM9nvoFvOsY/SqZbZzamRg9Eh3VkRqOhSM=";
    let key = PrivateKey::from_pem(APP_KEY).unwrap();
    let public = PublicKey::from_pem(APP_PUB).unwrap();
    // The response node is the quoted string; the signature covers the quotes.
    let quoted = format!("\"{}\"", CONTENT.replace('/', "\\/"));
    use base64::Engine as _;
    let sig =
        base64::engine::general_purpose::STANDARD.encode(key.sign(&[quoted.as_bytes()]).unwrap());
    let response =
        format!(r#"{{"alipay_open_auth_app_aes_set_response":{quoted},"sign":"{sig}"}}"#);
    let node = v1::verify_response(
        &public,
        SignType::Rsa2,
        &response,
        "alipay.open.auth.app.aes.set",
    )
    .unwrap();
    assert!(node.is_encrypted());
    assert_eq!(
        v1::decrypt_response(&node, AES_KEY).unwrap(),
        r#"{"code":"10000","msg":"Success","aes_key":"cW8mcZgoMGUVp5g7uv7bHw=="}"#
    );
    // Encrypt, then sign: the request carries the ciphertext and encrypt_type.
    let mut req = Request::new("1", "alipay.trade.query", &v1::timestamp_at(1_700_000_000));
    req.set(
        "biz_content",
        r#"{"code":"10000","msg":"Success","aes_key":"cW8mcZgoMGUVp5g7uv7bHw=="}"#,
    );
    req.encrypt_biz_content(AES_KEY)
        .unwrap()
        .sign(&key)
        .unwrap();
    assert_eq!(req.get("biz_content"), Some(CONTENT));
    assert_eq!(req.get("encrypt_type"), Some("AES"));
    v1::verify(&public, &req.pairs()).unwrap();
    assert!(
        Request::new("1", "m", "t")
            .encrypt_biz_content(AES_KEY)
            .is_err()
    );
}

#[test]
fn timestamps() {
    // Beijing time is UTC+8; 1700000000 is 2023-11-14 22:13:20 UTC.
    assert_eq!(v1::timestamp_at(0), "1970-01-01 08:00:00");
    assert_eq!(v1::timestamp_at(1_700_000_000), "2023-11-15 06:13:20");
    // 2024-02-29 16:00:00 UTC is 2024-03-01 00:00:00 in Beijing (leap day rollover).
    assert_eq!(v1::timestamp_at(1_709_222_400), "2024-03-01 00:00:00");
    let now = v1::timestamp_now();
    assert_eq!(now.len(), 19);
    let uuid = v3::nonce().unwrap();
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4");
    assert!(v3::timestamp_ms().len() >= 13);
}

#[test]
fn sm2_requests() {
    // No published Alipay SM2 vector: an SM2 test key signs (SM3withSM2, user ID
    // 1234567812345678) and its public key verifies; RSA types are refused for it.
    let key = PrivateKey::from_pem(include_str!("keys/sm2-private-key.pem")).unwrap();
    assert_eq!(key.sign_type(), SignType::Sm2);
    let mut req = Request::new(
        "2021000000000000",
        "alipay.trade.query",
        "2024-01-02 03:04:05",
    );
    req.set("biz_content", r#"{"out_trade_no":"1"}"#)
        .sign(&key)
        .unwrap();
    assert_eq!(req.get("sign_type"), Some("SM2"));
    let public = key.public_key();
    assert_eq!(public.default_sign_type(), SignType::Sm2);
    v1::verify(&public, &req.pairs()).unwrap();
    let mut pairs = req.pairs();
    pairs.retain(|(k, _)| *k != "biz_content");
    assert!(v1::verify(&public, &pairs).is_err());
    assert_eq!(
        key.with_sign_type(SignType::Rsa2).unwrap_err().kind(),
        ErrorKind::SignType
    );
}

#[test]
fn keys_at_any_line_width_crlf_or_bare_base64_are_the_same_key() {
    let reference = PrivateKey::from_pem(APP_KEY)
        .unwrap()
        .sign(&[b"m"])
        .unwrap();
    for (width, eol) in [(64, "\n"), (76, "\r\n"), (40, "\n")] {
        let (pem, bare) = paywire_testkit::rewrap_pem(APP_KEY, width, eol);
        for text in [pem, bare] {
            let key = PrivateKey::from_pem(&text).unwrap();
            assert_eq!(key.sign(&[b"m"]).unwrap(), reference, "{width} {eol:?}");
        }
    }
}
