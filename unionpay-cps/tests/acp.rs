//! ACP gateway and QRA signatures on published vectors (sources beside each).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use paywire_unionpay::acp::{self, SignMethod};
use paywire_unionpay::{ErrorKind, Place};

const REFUND: &str = include_str!("vectors/acp-refund-response.txt");
/// 2024-01-05 16:58:42 +08:00, when the refund was answered.
const REFUND_TIME: u64 = 1_704_445_122;

// yansongda/pay Unipay provider test `testRefund` (tests/vectors/README.md).
#[test]
fn refund_response_verifies() {
    let params = acp::parse_response(REFUND);
    assert_eq!(params.len(), 17);
    assert_eq!(params[8], ("respMsg", "成功[0000000]"));
    assert!(
        params[15]
            .1
            .starts_with("-----BEGIN CERTIFICATE-----\r\nMIIEYzCC")
    );
    // SHA-256(stringData) of the yansongda/pay refund fixture (see tests/vectors/README.md).
    use sha2::Digest as _;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(acp::string_data(&params).as_bytes())),
        "e48da059a3baee5367050c84375bc1eeaa2666a3647f257b49d96604f71fa367"
    );
    acp::verify(&params, None, REFUND_TIME).unwrap();
    // One byte changed; the certificate expired (2025-07-31); the signature cut.
    let altered = REFUND.replace("txnAmt=1", "txnAmt=2");
    assert_eq!(
        acp::verify(&acp::parse_response(&altered), None, REFUND_TIME)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
    assert_eq!(
        acp::verify(&params, None, 1_767_225_600)
            .unwrap_err()
            .kind(),
        ErrorKind::Certificate
    );
    let cut = REFUND.replace("Hng==", "");
    assert!(acp::verify(&acp::parse_response(&cut), None, REFUND_TIME).is_err());
    // No signature, unknown method.
    let unsigned: Vec<_> = params
        .iter()
        .copied()
        .filter(|(k, _)| *k != "signature")
        .collect();
    let e = acp::verify(&unsigned, None, REFUND_TIME).unwrap_err();
    assert_eq!(
        (e.kind(), e.place()),
        (
            ErrorKind::MissingParameter,
            Some(Place::Parameter("signature"))
        )
    );
    let odd = REFUND.replace("signMethod=01", "signMethod=02");
    assert_eq!(
        acp::verify(&acp::parse_response(&odd), None, REFUND_TIME)
            .unwrap_err()
            .kind(),
        ErrorKind::SignMethod
    );
}

// The same provider test's `testCallback`: a payment notification signed with the same cert.
#[test]
fn callback_verifies() {
    let cert = include_str!("vectors/acp-sign-cert.pem");
    let params = [
        (
            "accNo",
            "ORRSXWY1kMr8UJNxGx9xKPuO0Uhm8JT8aQV3sWswJfIsj/grkjauH4soyAtiqB9XwQotZOwmUAs/pkMupUkfiX9npdFGGEUEc5gqq+lcEwyD7tLmd2WBzRvcEvvjAKMKwTCFDxmQbIrP48ocIVhPoZ87ZQtQM5MIyJYedrzPRlt6BzRddUPGU1gJwDA8APDx3iyNl8EAfenJw7DUDZimmhbE1VSRmQm/iqgJurI7juq/6ztDHZHv4ys1eN9JYkwhcKxCjsWpwXTSy0PGvDXhsAZsDuNXHsjI8JLhHXvTDaU2+gc289LZPiwpr4Ah/reIuPWrIHubchYm2XTqQlUAaw==",
        ),
        ("accessType", "0"),
        ("bizType", "000201"),
        ("currencyCode", "156"),
        ("encoding", "utf-8"),
        ("exchangeRate", "0"),
        ("merId", "777290058167151"),
        ("orderId", "yansongda20220908132206"),
        ("queryId", "782209081322060674028"),
        ("respCode", "00"),
        ("respMsg", "success"),
        ("settleAmt", "1"),
        ("settleCurrencyCode", "156"),
        ("settleDate", "0908"),
        ("signMethod", "01"),
        ("signPubKeyCert", cert),
        (
            "signature",
            "JeA4S2+6TbGo9yjXDUvV5A2E3oJbunoCcZ66exN6xR3OH/5PNDK1VSV1Mq7XhVdxzkTeREUveiOYHalqoagRkh71nsHVvruwGbk6azygXSaawuO5tF67UIqNd4Mbufwh1KhbVpEkKbOETUvRhFcdon0fulE97I83eMSk52INHt8E1xk8NdbhyUadSlp+Uv30AKx70PpQbTGmVS3PJfd+Whj0b7LnvZKeC+BS1kUOtIKlcZO+gBoTigvCIJqj51kBrcBCs+x+VaeGm7EYBBhGSERpfQhQ4n+eJBwLdBeZ0/dNbo3iELjvVMx0n9KoW4klvUJhaH5LALA8pV02SbZv4Q==",
        ),
        ("traceNo", "067402"),
        ("traceTime", "0908132206"),
        ("txnAmt", "1"),
        ("txnSubType", "01"),
        ("txnTime", "20220908132206"),
        ("txnType", "01"),
        ("version", "5.1.0"),
    ];
    // 2022-09-08 13:22:06 +08:00.
    acp::verify(&params, None, 1_662_614_526).unwrap();
    let mut tampered = params;
    tampered[19].1 = "100";
    assert!(acp::verify(&tampered, None, 1_662_614_526).is_err());
    // A certificate that is not UnionPay's is refused before any signature check.
    let wechat_cert = include_str!("../../wechat-pay/tests/keys/go_platform_cert.pem");
    let mut foreign = params;
    foreign[15].1 = wechat_cert;
    assert_eq!(
        acp::verify(&foreign, None, 1_662_614_526)
            .unwrap_err()
            .kind(),
        ErrorKind::Certificate
    );
}

// A self-derived ACP request (smartwalle/unionpay examples/acp_test_sign.pfx, password `000000`,
// certId 69903319369); the 11 and 12 values are the documented formula
// (SDKUtil signBySecureKey) and were recomputed independently with Python's hashlib
// (SHA-256 and OpenSSL's SM3) before being written here.
const REQUEST: &[(&str, &str)] = &[
    ("version", "5.1.0"),
    ("encoding", "UTF-8"),
    ("certId", "69903319369"),
    ("signMethod", "01"),
    ("txnType", "01"),
    ("txnSubType", "01"),
    ("bizType", "000201"),
    ("channelType", "07"),
    ("accessType", "0"),
    ("backUrl", "http://example.com/back"),
    ("currencyCode", "156"),
    ("merId", "777290058110097"),
    ("orderId", "20240101000000"),
    ("txnTime", "20240101000000"),
    ("txnAmt", "100"),
    ("reserved", "  "),
];

#[test]
fn secure_key_methods() {
    assert_eq!(
        acp::string_data(REQUEST),
        "accessType=0&backUrl=http://example.com/back&bizType=000201&certId=69903319369&channelType=07&currencyCode=156&encoding=UTF-8&merId=777290058110097&orderId=20240101000000&signMethod=01&txnAmt=100&txnSubType=01&txnTime=20240101000000&txnType=01&version=5.1.0"
    );
    let s11 = acp::sign_with_secure_key(REQUEST, SignMethod::Sha256, "88888888").unwrap();
    assert_eq!(
        s11,
        "ac126baccf2ccfa08c009e67e885ce3db674571a3f0aefead7eb0313a56edcf6"
    );
    let s12 = acp::sign_with_secure_key(REQUEST, SignMethod::Sm3, "88888888").unwrap();
    assert_eq!(
        s12,
        "3c7c26eddf89a29f339a6f47b885805e50f9773cfe4d08daf72804c1723b5f12"
    );
    // Verification with the secure key (the signMethod parameter says which).
    let mut signed: Vec<(&str, &str)> = REQUEST
        .iter()
        .map(|&(k, v)| if k == "signMethod" { (k, "11") } else { (k, v) })
        .collect();
    let s = acp::sign_with_secure_key(&signed, SignMethod::Sha256, "88888888").unwrap();
    signed.push(("signature", &s));
    acp::verify(&signed, Some("88888888"), 0).unwrap();
    assert_eq!(
        acp::verify(&signed, Some("88888889"), 0)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
    let e = acp::verify(&signed, None, 0).unwrap_err();
    assert_eq!(
        (e.kind(), e.place()),
        (
            ErrorKind::MissingParameter,
            Some(Place::Parameter("secureKey"))
        )
    );
    assert_eq!(
        acp::sign_with_secure_key(REQUEST, SignMethod::Rsa, "k")
            .unwrap_err()
            .kind(),
        ErrorKind::SignMethod
    );
}

#[test]
fn response_splitting_keeps_brackets() {
    let p = acp::parse_response("a=1&reqReserved={k=v&x=[1,{y=2}]}&b=&c=[&]&d=x=y");
    assert_eq!(
        p,
        [
            ("a", "1"),
            ("reqReserved", "{k=v&x=[1,{y=2}]}"),
            ("b", ""),
            ("c", "[&]"),
            ("d", "x=y")
        ]
    );
    // An unclosed bracket is plain text up to the next '&'.
    assert_eq!(acp::parse_response("a={x&b=1"), [("a", "{x"), ("b", "1")]);
    assert!(acp::parse_response("").is_empty());
    assert_eq!(acp::parse_response("novalue"), []);
}

// yansongda/pay tests/Plugin/Unipay/Qra/AddPayloadSignaturePluginTest.php (key from the test
// configuration): `terminal_info` is signed as its JSON text;
// the `_`-prefixed and null entries are that library's own and never sent.
#[test]
fn qra_signature() {
    let params = [
        ("out_trade_no", "pos-qra-20240106163401"),
        ("body", "测试商品"),
        ("total_fee", "1"),
        ("mch_create_ip", "127.0.0.1"),
        ("auth_code", "131969896307360385"),
        ("op_device_id", "123"),
        (
            "terminal_info",
            r#"{"device_type":"07","terminal_id":"123"}"#,
        ),
        ("service", "unified.trade.micropay"),
        ("charset", "UTF-8"),
        ("sign_type", "MD5"),
        ("mch_id", "QRA29045311KKR1"),
        ("nonce_str", "UhxOr4kzerPGku9wCaVQyfd1zisoAnAm"),
        ("empty", ""),
    ];
    let key = "979da4cfccbae7923641daa5dd7047c2";
    assert_eq!(
        acp::qra_sign(&params, key),
        "DB571C2F75C657B42485CD07470F0FB9"
    );
    let mut signed = params.to_vec();
    signed.push(("sign", "db571c2f75c657b42485cd07470f0fb9"));
    assert!(acp::qra_verify(&signed, key));
    assert!(!acp::qra_verify(
        &signed,
        "979da4cfccbae7923641daa5dd7047c3"
    ));
    assert!(!acp::qra_verify(&params, key));
}

#[test]
fn rsa_request_signature() {
    // No published key + signature pair for 5.1.0 requests (the SDK test keys are PFX files):
    // a PKCS#1 test key (alipay/tests/keys, from the Alipay Node SDK) signs, its public key
    // verifies, and any change to a signed parameter breaks it.
    let key =
        acp::SigningKey::from_pem(include_str!("../../alipay/tests/keys/app-private-key.pem"))
            .unwrap();
    let signature = acp::sign_rsa(REQUEST, &key).unwrap();
    let mut signed = REQUEST.to_vec();
    signed.push(("signature", &signature));
    acp::verify_rsa(&signed, &key.public_key()).unwrap();
    signed[14].1 = "101";
    assert_eq!(
        acp::verify_rsa(&signed, &key.public_key())
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidSignature
    );
    assert_eq!(format!("{key:?}"), "SigningKey(RSA, ..)");
    assert!(
        acp::SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")
            .is_err()
    );
}

#[test]
fn request_builders() {
    // The consumption of REQUEST above (stringData and the 11 / 12 signatures).
    let mut r = acp::Request::consume(
        "777290058110097",
        "20240101000000",
        "20240101000000",
        100,
        "http://example.com/back",
    );
    r.set("signMethod", "01").set("certId", "69903319369");
    assert_eq!(acp::string_data(&r.pairs()), acp::string_data(REQUEST));
    r.sign_secure_key(SignMethod::Sha256, "88888888").unwrap();
    // 11 replaces signMethod and drops certId: the secure-key signature covers that set.
    assert_eq!(r.get("signMethod"), Some("11"));
    assert_eq!(r.get("certId"), None);
    acp::verify(&r.pairs(), Some("88888888"), 0).unwrap();
    // C2B and B2C (yansongda/pay PosPlugin / ScanPlugin): sub-type, business and channel.
    let c2b = acp::Request::c2b_pay(
        "777290058110097",
        "o1",
        "20240101000000",
        1,
        "6223456789012345678",
        "http://example.com/back",
    );
    assert_eq!(
        (
            c2b.get("txnSubType"),
            c2b.get("bizType"),
            c2b.get("channelType"),
            c2b.get("qrNo")
        ),
        (
            Some("06"),
            Some("000000"),
            Some("08"),
            Some("6223456789012345678")
        )
    );
    let b2c = acp::Request::b2c_apply(
        "777290058110097",
        "o2",
        "20240101000000",
        1,
        "http://example.com/back",
    );
    assert_eq!(b2c.get("txnSubType"), Some("07"));
    // RSA: certId and signMethod set, the signature verifies with the key's public half; the
    // form body URL-encodes after signing.
    let key =
        acp::SigningKey::from_pem(include_str!("../../alipay/tests/keys/app-private-key.pem"))
            .unwrap();
    let mut signed = c2b.clone();
    signed.sign_rsa(&key, "69903319369").unwrap();
    assert_eq!(
        (signed.get("signMethod"), signed.get("certId")),
        (Some("01"), Some("69903319369"))
    );
    acp::verify_rsa(&signed.pairs(), &key.public_key()).unwrap();
    assert!(
        signed
            .to_form()
            .contains("backUrl=http%3A%2F%2Fexample.com%2Fback")
    );
}

#[test]
fn an_unreadable_signing_key_is_a_key_error() {
    for text in [
        "not PEM at all",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
    ] {
        assert_eq!(
            acp::SigningKey::from_pem(text).unwrap_err().kind(),
            ErrorKind::Key,
            "{text}"
        );
    }
}
