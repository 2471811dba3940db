//! unionpay-cps: the ACP response splitter and verification (with and without the chain to the
//! ACP roots). Nothing panics; every value the
//! splitter returns is a slice of the input; verification of arbitrary bodies never panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use paywire_unionpay::acp;

/// The test chain of unionpay-cps/tests/vectors/chain.
fn roots() -> &'static acp::AcpRoots {
    static ROOTS: OnceLock<acp::AcpRoots> = OnceLock::new();
    ROOTS.get_or_init(|| {
        acp::AcpRoots::from_pem(
            include_str!("../../unionpay-cps/tests/vectors/chain/middle.pem"),
            include_str!("../../unionpay-cps/tests/vectors/chain/root.pem"),
        )
        .expect("the test chain loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let params = acp::parse_response(text);
    for (k, v) in &params {
        assert!(text.contains(k) && text.contains(v));
    }
    let _ = acp::verify(&params, Some("88888888"), 1_704_445_122);
    let _ = acp::verify_with_roots(&params, Some("88888888"), roots(), 1_893_456_000);
    let _ = acp::qra_verify(&params, "979da4cfccbae7923641daa5dd7047c2");
});
