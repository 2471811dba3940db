//! `paywire wechat v2-sign|v2-verify` on WeChat Pay's documented example
//! (https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=4_3).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

const PARAMS: &str = r#"{"appid":"wxd930ea5d5a258f4f","mch_id":"10000100","device_info":"1000","body":"test","nonce_str":"ibuaiVcKdpRxkhJA"}"#;
const KEY: &str = "192006250b4c09247ec02edce69f6a2d";

#[test]
fn sign_and_verify() {
    let run = common::run(&["wechat", "v2-sign", "--key", KEY], PARAMS.as_bytes());
    assert_eq!(
        (run.code, run.text()),
        (0, "9A0A8659F005D6984697E2CA0A9CF3B7\n".to_string()),
        "{}",
        run.stderr
    );
    let run = common::run(
        &[
            "wechat",
            "v2-sign",
            "--key",
            KEY,
            "--sign-type",
            "HMAC-SHA256",
        ],
        PARAMS.as_bytes(),
    );
    assert_eq!(
        run.text(),
        "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6\n"
    );
    let signed = PARAMS.replace('}', r#","sign":"9A0A8659F005D6984697E2CA0A9CF3B7"}"#);
    assert_eq!(
        common::run(&["wechat", "v2-verify", "--key", KEY], signed.as_bytes()).code,
        0
    );
    assert_eq!(
        common::run(
            &["wechat", "v2-verify", "--key", "other"],
            signed.as_bytes()
        )
        .code,
        1
    );
    assert_eq!(
        common::run(&["wechat", "v2-sign"], PARAMS.as_bytes()).code,
        2
    );
}

// wechatpay-apiv3/wechatpay-java AeadAesCipherTest.java and shangmi BaseAeadSM4Test.java.
#[test]
fn v3_decrypt() {
    let key = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
    let aes = r#"{"resource":{"algorithm":"AEAD_AES_256_GCM","ciphertext":"ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=","associated_data":"associatedData","nonce":"uluk4a9R25RW"}}"#;
    let run = common::run(
        &["wechat", "v3-decrypt", "--api-v3-key", key],
        aes.as_bytes(),
    );
    assert_eq!(
        (run.code, run.text()),
        (0, "message\n".to_string()),
        "{}",
        run.stderr
    );
    let sm4 = r#"{"algorithm":"AEAD_SM4_GCM","ciphertext":"+lcLNfkZQQx+iQm20Apa3x9Mb/5L7PgZ7w==","associated_data":"associatedData","nonce":"uluk4a9R25RW"}"#;
    let run = common::run(
        &["wechat", "v3-decrypt", "--api-v3-key", key],
        sm4.as_bytes(),
    );
    assert_eq!((run.code, run.text()), (0, "plaintext\n".to_string()));
    let run = common::run(
        &[
            "wechat",
            "v3-decrypt",
            "--api-v3-key",
            "b7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb",
        ],
        aes.as_bytes(),
    );
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains("message"));
}

const GO_CERT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../wechat-pay/tests/keys/go_platform_cert.pem"
);
const GO_KEY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../wechat-pay/tests/keys/go_signer_key.pem"
);
const NOTIFY_BODY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../wechat-pay/tests/vectors/go_notify_body.json"
);
// wechatpay-go core/notify/notify_test.go.
const NOTIFY_SIGNATURE: &str = "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==";

fn v3_verify(now: &str, nonce: &str) -> common::Run {
    common::run(
        &[
            "wechat",
            "v3-verify",
            "--certificate",
            GO_CERT,
            "--timestamp",
            "1624523846",
            "--nonce",
            nonce,
            "--signature",
            NOTIFY_SIGNATURE,
            "--now",
            now,
            "--body",
            NOTIFY_BODY,
        ],
        b"",
    )
}

#[test]
fn v3_verify_notification() {
    let run = v3_verify("1624523846", "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz");
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Altered nonce, stale timestamp.
    let run = v3_verify("1624523846", "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBZ");
    assert_eq!(run.code, 1);
    let run = v3_verify("1624524146", "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("300 s"), "{}", run.stderr);
    // The default clock is years after the vector.
    let run = common::run(
        &[
            "wechat",
            "v3-verify",
            "--certificate",
            GO_CERT,
            "--timestamp",
            "1624523846",
            "--nonce",
            "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz",
            "--signature",
            NOTIFY_SIGNATURE,
            "--body",
            NOTIFY_BODY,
        ],
        b"",
    );
    assert_eq!(run.code, 1);
    // No key: usage error.
    let run = common::run(
        &[
            "wechat",
            "v3-verify",
            "--timestamp",
            "1",
            "--nonce",
            "n",
            "--signature",
            "x",
        ],
        b"",
    );
    assert_eq!(run.code, 2);
}

/// `v3-authorization` for a GET of /v3/certificates with the signing guide's nonce and time.
fn authorization(private_key: &str) -> common::Run {
    common::run(
        &[
            "wechat",
            "v3-authorization",
            "--mchid",
            "1230000109",
            "--serial",
            "F5765756002FDD77",
            "--private-key",
            private_key,
            "--method",
            "GET",
            "--url",
            "/v3/certificates",
            "--timestamp",
            "1554208460",
            "--nonce",
            "593BEC0C930BF1AFEB40B4A08C8FB242",
        ],
        b"",
    )
}

#[test]
fn v3_authorization_header() {
    // The Go SDK's test key and the nonce and timestamp of WeChat Pay's signing guide. The
    // library tests verify the signature itself; here the header's shape and determinism.
    let run = authorization(GO_KEY);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = run.text();
    assert!(text.starts_with("WECHATPAY2-SHA256-RSA2048 mchid=\"1230000109\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",timestamp=\"1554208460\",serial_no=\"F5765756002FDD77\",signature=\""), "{text}");
    assert!(text.ends_with("\"\n"));
    // PKCS#1 v1.5 is deterministic: the same request gives the same header.
    assert_eq!(authorization(GO_KEY).text(), text);
    // A certificate is not a private key: usage error.
    assert_eq!(authorization(GO_CERT).code, 2);
}

#[test]
fn v2_xml_input() {
    // The documented example as an XML document, its MD5 sign included.
    let xml = "<xml><appid>wxd930ea5d5a258f4f</appid><mch_id><![CDATA[10000100]]></mch_id>\
<device_info>1000</device_info><body>test</body><nonce_str>ibuaiVcKdpRxkhJA</nonce_str>\
<sign>9A0A8659F005D6984697E2CA0A9CF3B7</sign></xml>";
    let run = common::run(&["wechat", "v2-verify", "--key", KEY], xml.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = common::run(&["wechat", "v2-sign", "--key", KEY], xml.as_bytes());
    assert_eq!(run.text(), "9A0A8659F005D6984697E2CA0A9CF3B7\n");
    let tampered = xml.replace("<body>test", "<body>tesT");
    let run = common::run(&["wechat", "v2-verify", "--key", KEY], tampered.as_bytes());
    assert_eq!(run.code, 1);
    // A DTD is refused (exit 1) with the offset.
    let run = common::run(
        &["wechat", "v2-verify", "--key", KEY],
        b"<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><a>&e;</a></xml>",
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("at byte 0"), "{}", run.stderr);
}
