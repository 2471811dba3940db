//! `paywire unionpay mac|pin-block|kcv` on published vectors (each cited where it is used).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

fn paywire(args: &[&str], stdin: &[u8]) -> (i32, String) {
    let run = common::run(args, stdin);
    // Errors go to standard error only, never with key or PIN material.
    assert!(
        !run.stderr.contains("123456") && !run.stderr.contains("0123456789ABCDEF"),
        "{}",
        run.stderr
    );
    (run.code, run.text())
}

#[test]
fn macs() {
    // https://docs.rs/retail-mac: X9.19 of "Now is the time for all ".
    let out = paywire(
        &[
            "unionpay",
            "mac",
            "--algorithm",
            "x9.19",
            "--key",
            "0123456789ABCDEFFEDCBA9876543210",
        ],
        b"Now is the time for all ",
    );
    assert_eq!(out, (0, "A1C72E74EA3FA9B6\n".to_string()));
    // https://blog.youkuaiyun.com/zhu244912654/article/details/80005341: ECB MAC of a 0200's MAB.
    let mab = "0200302004C020C0981100000000000000005100183402100006324392260009942820D1312101120084393136363838303134303030303030303030303030303031313536ACF46E73838A82F92600000000000000000822000001";
    let out = paywire(
        &[
            "unionpay",
            "mac",
            "--algorithm",
            "cups-ecb",
            "--key",
            "C24A8FB57AA20123",
            "--hex",
        ],
        mab.as_bytes(),
    );
    // The MAC is what field 64 carries: the first 8 hex characters of the final block.
    assert_eq!(out, (0, "8A9E91B8\n".to_string()));
    assert_eq!(
        paywire(
            &["unionpay", "mac", "--algorithm", "x9.19", "--key", "0123"],
            b"x"
        )
        .0,
        2
    );
    assert_eq!(
        paywire(
            &["unionpay", "mac", "--algorithm", "nope", "--key", "00"],
            b"x"
        )
        .0,
        2
    );
}

#[test]
fn pin_block_and_kcv() {
    // https://docs.everonet.com/.../pin-encryption: PIN 123456, PAN 4217123412341234.
    let out = paywire(
        &[
            "unionpay",
            "pin-block",
            "--pan",
            "4217123412341234",
            "--pin",
            "123456",
        ],
        b"",
    );
    assert_eq!(out, (0, "06124575BEDCBEDC\n".to_string()));
    // https://blog.csdn.net/M_Kerry/article/details/104625499: SM4 working key check value.
    let out = paywire(
        &[
            "unionpay",
            "kcv",
            "--key",
            "F351D490994603795C6EBEE8FAEBB481",
            "--cipher",
            "sm4",
        ],
        b"",
    );
    assert_eq!(out, (0, "861E83E31FAEBF10\n".to_string()));
    assert_eq!(
        paywire(
            &["unionpay", "pin-block", "--pan", "4217", "--pin", "123456"],
            b""
        )
        .0,
        2
    );
    assert_eq!(
        paywire(
            &[
                "unionpay",
                "pin-block",
                "--pan",
                "4217123412341234",
                "--pin",
                "1234",
                "--format",
                "1"
            ],
            b""
        )
        .0,
        2
    );
}

// The self-derived ACP request of unionpay-cps/tests/acp.rs (the 11 / 12 values recomputed with Python's hashlib,
// see unionpay-cps/tests/acp.rs).
const ACP_REQUEST: &str = r#"{"version":"5.1.0","encoding":"UTF-8","certId":"69903319369","signMethod":"01","txnType":"01","txnSubType":"01","bizType":"000201","channelType":"07","accessType":"0","backUrl":"http://example.com/back","currencyCode":"156","merId":"777290058110097","orderId":"20240101000000","txnTime":"20240101000000","txnAmt":"100"}"#;

#[test]
fn acp_sign() {
    let run = common::run(
        &[
            "unionpay",
            "acp-sign",
            "--sign-method",
            "11",
            "--secure-key",
            "88888888",
        ],
        ACP_REQUEST.as_bytes(),
    );
    assert_eq!(
        (run.code, run.text()),
        (
            0,
            "ac126baccf2ccfa08c009e67e885ce3db674571a3f0aefead7eb0313a56edcf6\n".into()
        ),
        "{}",
        run.stderr
    );
    let run = common::run(
        &[
            "unionpay",
            "acp-sign",
            "--sign-method",
            "12",
            "--secure-key",
            "88888888",
        ],
        ACP_REQUEST.as_bytes(),
    );
    assert_eq!(
        run.text(),
        "3c7c26eddf89a29f339a6f47b885805e50f9773cfe4d08daf72804c1723b5f12\n"
    );
    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../alipay/tests/keys/app-private-key.pem"
    );
    let run = common::run(
        &[
            "unionpay",
            "acp-sign",
            "--sign-method",
            "01",
            "--private-key",
            key,
        ],
        ACP_REQUEST.as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.text().trim().len(),
        344,
        "base64 of a 2048-bit signature"
    );
    assert_eq!(
        common::run(
            &["unionpay", "acp-sign", "--sign-method", "01"],
            ACP_REQUEST.as_bytes()
        )
        .code,
        2
    );
    assert_eq!(
        common::run(
            &["unionpay", "acp-sign", "--sign-method", "11"],
            ACP_REQUEST.as_bytes()
        )
        .code,
        2
    );
    assert_eq!(
        common::run(
            &[
                "unionpay",
                "acp-sign",
                "--sign-method",
                "11",
                "--secure-key",
                "k"
            ],
            b"[1]"
        )
        .code,
        1
    );
}

// unionpay-cps/tests/vectors/pfx: the legacy (RC2-40 / 3DES) PKCS#12 file and OpenSSL's
// signature over the same request.
#[test]
fn acp_sign_with_a_pkcs12_file() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../unionpay-cps/tests/vectors/pfx"
    );
    let request = r#"{"version":"5.1.0","signMethod":"01","certId":"477732940893","txnType":"01","bizType":"000201","accessType":"0","merId":"777290058110097","orderId":"20261124140000","txnTime":"20261124140000","txnAmt":"1000"}"#;
    let pfx = format!("{dir}/legacy.pfx");
    let args = [
        "unionpay",
        "acp-sign",
        "--sign-method",
        "01",
        "--private-key",
        pfx.as_str(),
        "--password",
        "000000",
    ];
    let run = common::run(&args, request.as_bytes());
    let expected = std::fs::read_to_string(format!("{dir}/expected-signature.b64")).unwrap();
    assert_eq!(
        (run.code, run.text()),
        (0, format!("{}\n", expected.trim())),
        "{}",
        run.stderr
    );
    // A certId that is not the file's certificate's, and a wrong password.
    let other = request.replace("477732940893", "69903319369");
    assert_eq!(common::run(&args, other.as_bytes()).code, 1);
    let mut wrong = args;
    wrong[7] = "000001";
    assert_eq!(common::run(&wrong, request.as_bytes()).code, 2);
}

/// Every transaction builder's message decodes with `paywire iso8583 decode --spec cups-pos`,
/// and encoding the decoded JSON gives the same bytes back.
#[test]
fn builder_messages_round_trip_through_the_cli() {
    use paywire_unionpay::txn::{self, Entry, KeyScheme, Original, Terminal, Totals};
    let terminal = Terminal {
        terminal_id: "A1000005",
        merchant_id: "800075553090001",
        batch: "100000",
    };
    let card = Entry::Card {
        pan: None,
        track2: Some("6222521311350221=1509106442"),
        sequence: None,
        icc: Some(&[0x9F, 0x26, 0x02, 0x12, 0x34]),
        entry_mode: "051",
    };
    let original = Original {
        batch: "100000",
        stan: "100013",
        rrn: "062995973205",
        auth_code: Some("475609"),
        date: Some("1124"),
    };
    let purchase = txn::purchase(
        &terminal,
        &txn::Purchase {
            amount: 358_800,
            stan: "100013",
            currency: "156",
            entry: card,
            pin: None,
            condition: "00",
            f60_tail: "",
        },
    )
    .unwrap();
    let messages = [
        (
            "sign-in",
            txn::sign_in(&terminal, "100012", KeyScheme::Double, "001", None).unwrap(),
            r#""60":"00100000003""#,
        ),
        ("purchase", purchase.clone(), r#""3":"000000""#),
        (
            "reversal",
            txn::reversal(&purchase, "98").unwrap(),
            r#""39":"98""#,
        ),
        (
            "void",
            txn::void(
                &terminal,
                &txn::Void {
                    amount: 358_800,
                    stan: "100014",
                    currency: "156",
                    entry: card,
                    pin: None,
                    original: Original {
                        date: None,
                        ..original
                    },
                },
            )
            .unwrap(),
            r#""61":"100000100013""#,
        ),
        (
            "refund",
            txn::refund(
                &terminal,
                &txn::Refund {
                    amount: 100,
                    stan: "100015",
                    currency: "156",
                    entry: card,
                    original,
                },
            )
            .unwrap(),
            r#""61":"1000001000131124""#,
        ),
        (
            "balance",
            txn::balance_inquiry(
                &terminal,
                &txn::BalanceInquiry {
                    stan: "100016",
                    currency: "156",
                    entry: card,
                    pin: None,
                },
            )
            .unwrap(),
            r#""3":"310000""#,
        ),
        (
            "settlement",
            txn::settlement(
                &terminal,
                &txn::Settlement {
                    stan: "100017",
                    currency: "156",
                    domestic: Totals {
                        debit_amount: 358_800,
                        debit_count: 1,
                        credit_amount: 100,
                        credit_count: 1,
                    },
                    foreign: Totals::default(),
                    network_code: "201",
                    operator: "001",
                },
            )
            .unwrap(),
            r#""48":"00000035880000100000000010000100000000000000000000000000000000""#,
        ),
    ];
    for (name, message, expected) in messages {
        let bytes = message.to_vec().unwrap();
        let hex_in = hex::encode_upper(&bytes);
        let run = common::run(
            &["iso8583", "decode", "--spec", "cups-pos", "--hex"],
            hex_in.as_bytes(),
        );
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let json = run.text();
        assert!(json.contains(expected), "{name}: {json}");
        let again = common::run(
            &["iso8583", "encode", "--spec", "cups-pos", "--hex-out"],
            json.as_bytes(),
        );
        assert_eq!(again.code, 0, "{name}: {}", again.stderr);
        assert_eq!(again.text().trim(), hex_in, "{name}");
    }
}

// No published SM4 variant of the ECB MAC is at hand (see unionpay-cps's README): this checks the
// command's wiring — field 64's 8 characters of the library's final SM4 block — not the algorithm.
#[test]
fn cups_ecb_sm4_prints_field_64() {
    let key = "F351D490994603795C6EBEE8FAEBB481";
    let data = b"0200 message bytes";
    let lib = paywire_unionpay_field64(key, data);
    let out = paywire(
        &[
            "unionpay",
            "mac",
            "--algorithm",
            "cups-ecb-sm4",
            "--key",
            key,
        ],
        data,
    );
    assert_eq!(out, (0, format!("{lib}\n")));
    assert_eq!(lib.len(), 8);
}

fn paywire_unionpay_field64(key: &str, data: &[u8]) -> String {
    let key = paywire_unionpay::Key::sm4(&hex::decode(key).unwrap()).unwrap();
    let block = paywire_unionpay::mac::cups_ecb(&key, data);
    String::from_utf8(paywire_unionpay::mac::field64(&block).to_vec()).unwrap()
}
