//! `paywire emvqr decode|encode` against the CLI contract (docs/cli.md).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

fn paywire(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let run = common::run(args, stdin);
    (run.code, run.text(), run.stderr)
}

// Pix static example of the BCB manual (bacen/pix-api#79).
const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

#[test]
fn mpm_decode_matches_the_contract_shape() {
    let (code, out, err) = paywire(&["emvqr", "decode"], format!("{PIX}\n").as_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(r#"{"mode":"mpm","valid":true,"crc":"1D3D","issues":[],"objects":[{"id":"00","value":"01"},{"id":"26","objects":[{"id":"00","value":"br.gov.bcb.pix"}"#), "{out}");
    let (code, again, _) = paywire(&["emvqr", "encode"], out.as_bytes());
    assert_eq!((code, again), (0, format!("{PIX}\n")));
}

#[test]
fn invalid_payloads_exit_1_with_json() {
    // CRC replaced by 0000: still decoded, with the mismatch as an issue at 63.
    let zero = format!("{}0000", &PIX[..PIX.len() - 4]);
    let (code, out, _) = paywire(&["emvqr", "decode"], zero.as_bytes());
    assert_eq!(code, 1);
    assert!(
        out.contains(r#""valid":false"#)
            && out.contains(r#""path":"63""#)
            && out.contains("CRC mismatch"),
        "{out}"
    );
    // Broken structure: JSON with the error, no objects.
    let (code, out, _) = paywire(&["emvqr", "decode"], b"000201260");
    assert_eq!(code, 1);
    assert!(out.contains(r#""objects":[]"#), "{out}");
    // Not an EMV payload at all.
    let (code, out, err) = paywire(&["emvqr", "decode"], b"wxp://f2f0abc");
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("not an EMV QR payload"));
}

#[test]
fn cpm_decode() {
    // EMVCo CPM Annex B.1.
    let (code, out, err) = paywire(
        &["emvqr", "decode"],
        b"hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=\n",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        concat!(
            r#"{"mode":"cpm","valid":true,"issues":[],"tlv":[{"tag":"85","value":"4350563031"},"#,
            r#"{"tag":"61","tlv":[{"tag":"4F","value":"A0000000555555"},{"tag":"57","value":"1234567890123458D191220112345F"}]}]}"#,
            "\n"
        )
    );
}

#[test]
fn encode_rejects_bad_json() {
    assert_eq!(paywire(&["emvqr", "encode"], b"{}").0, 1);
    assert_eq!(
        paywire(
            &["emvqr", "encode"],
            br#"{"objects":[{"id":"100","value":"x"}]}"#
        )
        .0,
        1
    );
    let (code, out, _) = paywire(
        &["emvqr", "encode"],
        br#"{"objects":[{"id":"00","value":"01"}]}"#,
    );
    assert_eq!((code, out.len()), (0, "0002016304XXXX\n".len()));
}

#[test]
fn classify_prints_the_kind() {
    for (input, kind) in [
        (PIX, "emv-mpm"),
        (
            "hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=",
            "emv-cpm",
        ),
        ("134567890123456789", "wechat-auth-code"),
        ("284567890123456789", "alipay-auth-code"),
        ("wxp://f2f0abc", "wechat-url"),
        ("hello", "unknown"),
    ] {
        let (code, out, _) = paywire(&["emvqr", "classify"], format!("{input}\n").as_bytes());
        assert_eq!((code, out), (0, format!("{{\"kind\":\"{kind}\"}}\n")));
    }
}

#[test]
fn render_formats() {
    let (code, svg, err) = paywire(
        &["emvqr", "render", "--format", "svg", "--ecc", "H"],
        PIX.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    let (code, text, _) = paywire(&["emvqr", "render"], PIX.as_bytes());
    assert_eq!(code, 0);
    assert!(text.contains("██"));
    let out = std::env::temp_dir().join(format!("paywire-render-{}.png", std::process::id()));
    let (code, _, _) = paywire(
        &[
            "emvqr",
            "render",
            "--format",
            "png",
            "--out",
            out.to_str().unwrap(),
        ],
        PIX.as_bytes(),
    );
    let png = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    assert_eq!((code, &png[..4]), (0, &b"\x89PNG"[..]));
    assert_eq!(
        paywire(&["emvqr", "render", "--ecc", "X"], PIX.as_bytes()).0,
        2
    );
}

#[test]
fn profiles_detected_or_named() {
    // PromptPay (dtinth/promptpay-qr): valid under its detected profile (52/59/60 are warnings).
    let promptpay =
        "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469";
    let (code, out, _) = paywire(&["emvqr", "decode"], promptpay.as_bytes());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(r#""severity":"warning","path":"52""#), "{out}");
    // Naming another profile keeps the EMVCo errors.
    let (code, out, _) = paywire(
        &["emvqr", "decode", "--profile", "pix"],
        promptpay.as_bytes(),
    );
    assert_eq!(code, 1);
    assert!(out.contains(r#""severity":"error","path":"52""#), "{out}");
    assert_eq!(
        paywire(
            &["emvqr", "decode", "--profile", "nope"],
            promptpay.as_bytes()
        )
        .0,
        2
    );
}
