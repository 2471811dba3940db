//! wechat-pay: an API v3 notification as it arrives — header lines, a blank line, the body.
//! The header parser, the verifier (with the Go SDK's test platform certificate) and the
//! notification / certificate-download JSON parsers never panic; nothing verifies that was not
//! signed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paywire_wechat_pay::keys::Certificate;
use paywire_wechat_pay::v3::{self, Headers, Verifiers};

const CERT: &str = include_str!("../../wechat-pay/tests/keys/go_platform_cert.pem");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let headers = Headers::from_pairs(head.lines().filter_map(|l| l.split_once(':')));
    let mut verifiers = Verifiers::new();
    verifiers.add_certificate(Certificate::from_pem(CERT).expect("the test certificate"));
    let _ = verifiers.verify(&headers, body.as_bytes(), 1_624_523_846);
    if let Ok(n) = v3::Notification::parse(body.as_bytes()) {
        let _ = n.decrypt(b"0123456789abcdef0123456789abcdef");
    }
    let _ = v3::platform_certificates(body.as_bytes(), b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb");
    let _ = Certificate::from_pem(body);
});
