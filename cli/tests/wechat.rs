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
