//! `paywire tlv decode` against the CLI contract (docs/cli.md).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn paywire(args: &[&str], stdin: &[u8]) -> Run {
    let run = common::run(args, stdin);
    Run {
        code: run.code,
        stdout: run.text(),
        stderr: run.stderr,
    }
}

// EMVCo CPM v1.0 Annex B.1 as hex: 85 "CPV01", 61 { 4F A0000000555555, 57 track 2 }.
const CPM_B1: &str = "85054350563031611A4F07A0000000555555570F1234567890123458D191220112345F";

#[test]
fn decode_json_from_stdin_hex() {
    let run = paywire(
        &["tlv", "decode", "--hex"],
        format!("{}\n", CPM_B1.to_lowercase()).as_bytes(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            r#"{"tlv":[{"tag":"85","value":"4350563031"},{"tag":"61","tlv":["#,
            r#"{"tag":"4F","value":"A0000000555555"},{"tag":"57","value":"1234567890123458D191220112345F"}]}]}"#,
            "\n"
        )
    );
}

#[test]
fn decode_binary_file_and_dash() {
    let bytes = hex::decode(CPM_B1).unwrap();
    let path = std::env::temp_dir().join(format!("paywire-tlv-{}.bin", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let from_file = paywire(&["tlv", "decode", path.to_str().unwrap()], b"");
    let from_dash = paywire(&["tlv", "decode", "-"], &bytes);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(from_file.code, 0);
    assert_eq!(from_file.stdout, from_dash.stdout);
    assert!(from_file.stdout.starts_with(r#"{"tlv":[{"tag":"85""#));
}

#[test]
fn pretty_masks_unless_asked() {
    let run = paywire(&["tlv", "decode", "--hex", "--pretty"], CPM_B1.as_bytes());
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "85 Payload Format Indicator [5] \"CPV01\"\n\
         61 Application Template [26]\n\
         \x20 4F Application Identifier (ADF Name) [7] A0000000555555\n\
         \x20 57 Track 2 Equivalent Data [15] 123456******3458D*************\n"
    );
    let clear = paywire(
        &["tlv", "decode", "--hex", "--pretty", "--unmask"],
        CPM_B1.as_bytes(),
    );
    assert!(clear.stdout.contains("1234567890123458D191220112345F"));
}

#[test]
fn malformed_input_is_exit_1_with_offset() {
    let run = paywire(&["tlv", "decode", "--hex"], b"9F2605AABB");
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("tag 9F26") && run.stderr.contains("at byte 2"),
        "{}",
        run.stderr
    );
    let run = paywire(&["tlv", "decode", "--hex"], b"9F2G");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("offset 3"), "{}", run.stderr);
}

#[test]
fn usage_errors_are_exit_2() {
    assert_eq!(paywire(&["tlv", "decode", "--no-such-option"], b"").code, 2);
    assert_eq!(paywire(&["tlv", "decode", "/no/such/file"], b"").code, 2);
    assert_eq!(paywire(&["tlv"], b"").code, 2);
    assert_eq!(paywire(&["tlv", "decode", "--unmask"], b"").code, 2);
}

#[test]
fn version_and_help() {
    let run = paywire(&["--version"], b"");
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, concat!("paywire ", env!("CARGO_PKG_VERSION"), "\n"))
    );
    for args in [
        &["--help"][..],
        &["tlv", "--help"],
        &["tlv", "decode", "--help"],
    ] {
        let run = paywire(args, b"");
        assert_eq!(run.code, 0);
        assert!(run.stdout.contains("Usage: paywire"));
    }
}
