//! unionpay-cps: the ACP response splitter and verification. Nothing panics; every value the
//! splitter returns is a slice of the input; verification of arbitrary bodies never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unionpay_cps::acp;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let params = acp::parse_response(text);
    for (k, v) in &params {
        assert!(text.contains(k) && text.contains(v));
    }
    let _ = acp::verify(&params, Some("88888888"), 1_704_445_122);
    let _ = acp::qra_verify(&params, "979da4cfccbae7923641daa5dd7047c2");
});
