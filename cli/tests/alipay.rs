//! `paywire alipay ...` on the official Node SDK's published test data
//! (alipay/alipay-sdk-nodejs-all test/, keys in alipay/tests/keys).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../alipay/tests/keys/");

fn key(name: &str) -> String {
    format!("{KEYS}{name}")
}

#[test]
fn cert_sns() {
    // test/antcertutil.test.ts.
    let run = common::run(
        &[
            "alipay",
            "cert-sn",
            "--certificate",
            &key("appCertPublicKey_2021001161683774.crt"),
        ],
        b"",
    );
    assert_eq!(
        (run.code, run.text()),
        (0, "866efef280dec9137a87d047ac446315\n".into()),
        "{}",
        run.stderr
    );
    let run = common::run(
        &[
            "alipay",
            "cert-sn",
            "--certificate",
            &key("alipayCertPublicKey_RSA2.crt"),
        ],
        b"",
    );
    assert_eq!(run.text(), "7513daaaa48aa3ba2e4018d84402479c\n");
    let run = common::run(
        &[
            "alipay",
            "root-cert-sn",
            "--certificate",
            &key("alipayRootCert.crt"),
        ],
        b"",
    );
    assert_eq!(
        run.text(),
        "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6\n"
    );
    let run = common::run(
        &[
            "alipay",
            "cert-sn",
            "--certificate",
            &key("app-public-key.pem"),
        ],
        b"",
    );
    assert_eq!(run.code, 1);
    let run = common::run(
        &["alipay", "cert-sn", "--certificate", "/nonexistent.crt"],
        b"",
    );
    assert_eq!(run.code, 2);
}

#[test]
fn verify_notify() {
    // test/alipay.test.ts "verify sign should delete sign_type", as the form body Alipay posts.
    let body = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../alipay/tests/vectors/trade_notify.form"
    ))
    .unwrap();
    let run = common::run(
        &[
            "alipay",
            "verify-notify",
            "--public-key",
            &key("notify-public-key-v1.txt"),
        ],
        body.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let tampered = body.replace("total_amount=0.10", "total_amount=0.11");
    let run = common::run(
        &[
            "alipay",
            "verify-notify",
            "--public-key",
            &key("notify-public-key-v1.txt"),
        ],
        tampered.as_bytes(),
    );
    assert_eq!(run.code, 1);
    let run = common::run(
        &[
            "alipay",
            "verify-notify",
            "--public-key",
            &key("notify-public-key-v1.txt"),
        ],
        b"a=%zz",
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("byte 2"), "{}", run.stderr);
}

#[test]
fn sign_and_verify_response() {
    use paywire_alipay::keys::{PrivateKey, PublicKey, Signer as _};
    let private =
        PrivateKey::from_pem(&std::fs::read_to_string(key("app-private-key.pem")).unwrap())
            .unwrap();
    let public =
        PublicKey::from_pem(&std::fs::read_to_string(key("app-public-key.pem")).unwrap()).unwrap();
    // `sign` over request parameters: the signature verifies with the app public key.
    let params = r#"{"app_id":"2014060600164699","method":"alipay.trade.query","charset":"utf-8","sign_type":"RSA2","timestamp":"2024-01-02 03:04:05","version":"1.0","biz_content":{"out_trade_no":"1"}}"#;
    let run = common::run(
        &[
            "alipay",
            "sign",
            "--private-key",
            &key("app-private-key.pem"),
        ],
        params.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sign = run.text().trim().to_string();
    let pairs = [
        ("app_id", "2014060600164699"),
        ("method", "alipay.trade.query"),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("timestamp", "2024-01-02 03:04:05"),
        ("version", "1.0"),
        ("biz_content", r#"{"out_trade_no":"1"}"#),
        ("sign", sign.as_str()),
    ];
    paywire_alipay::v1::verify(&public, &pairs).unwrap();
    // `verify-response` over the raw node, `\/` escapes kept.
    let node = r#"{"code":"10000","msg":"Success","url":"http:\/\/a.b\/c"}"#;
    use base64::Engine as _;
    let sig =
        base64::engine::general_purpose::STANDARD.encode(private.sign(&[node.as_bytes()]).unwrap());
    let response = format!(r#"{{"alipay_trade_query_response":{node},"sign":"{sig}"}}"#);
    let verify = |text: &str, method: &str| {
        common::run(
            &[
                "alipay",
                "verify-response",
                "--public-key",
                &key("app-public-key.pem"),
                "--method",
                method,
            ],
            text.as_bytes(),
        )
    };
    assert_eq!(verify(&response, "alipay.trade.query").code, 0);
    assert_eq!(
        verify(&response.replace("10000", "10001"), "alipay.trade.query").code,
        1
    );
    assert_eq!(verify(&response, "alipay.trade.pay").code, 1);
    let unsigned = verify(
        r#"{"alipay_trade_query_response":{"code":"10000"}}"#,
        "alipay.trade.query",
    );
    assert_eq!(unsigned.code, 1);
    assert!(unsigned.stderr.contains("sign"), "{}", unsigned.stderr);
    // A sign_type parameter that disagrees with --sign-type is refused.
    let run = common::run(
        &[
            "alipay",
            "sign",
            "--private-key",
            &key("app-private-key.pem"),
            "--sign-type",
            "RSA",
        ],
        br#"{"a":"1","sign_type":"RSA2"}"#,
    );
    assert_eq!(run.code, 1);
    // An SM2 sign type with an RSA key: usage error.
    let run = common::run(
        &[
            "alipay",
            "sign",
            "--private-key",
            &key("app-private-key.pem"),
            "--sign-type",
            "SM2",
        ],
        b"{}",
    );
    assert_eq!(run.code, 2);
}
