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
    let params: &[(&str, &str)] = &[
        ("gmt_create", "2019-08-15 15:56:22"),
        ("charset", "utf-8"),
        ("seller_email", "z97-yuquerevenue@service.aliyun.com"),
        ("subject", "语雀空间 500人规模"),
        (
            "sign",
            "QfTb8tqE1BMhS5qAnXtvsF3/jBkEvu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb/nLWZpXyyh0LEWdK2S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8/wZts1Fr2gZ7pShnVX3d1B50hbsXnObT1r/U8ONNQjWXd0HIul4TG+Q3fm3svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniGJFNcc7kopHYtI/XD9YCKCH6Ct02rzUs9i11C9CsadtZn+WhxF26Dqt9sGEFajkJ8cxUTLi8+VCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov+lrmOQ==",
        ),
        ("buyer_id", "2088102534368455"),
        ("invoice_amount", "0.10"),
        ("notify_id", "2019081500222155624068450559358070"),
        (
            "fund_bill_list",
            r#"[{"amount":"0.10","fundChannel":"ALIPAYACCOUNT"}]"#,
        ),
        ("notify_type", "trade_status_sync"),
        ("trade_status", "TRADE_SUCCESS"),
        ("receipt_amount", "0.10"),
        ("buyer_pay_amount", "0.10"),
        ("sign_type", "RSA2"),
        ("app_id", "2019073166072302"),
        ("seller_id", "2088531891668739"),
        ("gmt_payment", "2019-08-15 15:56:24"),
        ("notify_time", "2019-08-15 15:56:25"),
        ("version", "1.0"),
        ("out_trade_no", "20190815155618536-564-57"),
        ("total_amount", "0.10"),
        ("trade_no", "2019081522001468450512505578"),
        ("auth_app_id", "2019073166072302"),
        ("buyer_logon_id", "xud***@126.com"),
        ("point_amount", "0.00"),
    ];
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
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
    use alipay::keys::{PrivateKey, PublicKey, Signer as _};
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
    alipay::v1::verify(&public, &pairs).unwrap();
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
