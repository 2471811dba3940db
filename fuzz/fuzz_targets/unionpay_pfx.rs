//! unionpay-cps: PKCS#12 files. Any bytes load or fail with an error, never panic; the seed
//! corpus holds valid files (password 000000) in the three encodings. Key derivation is bounded
//! to 4096 rounds so that each input stays fast.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paywire_unionpay::pfx;

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = pfx::load_limited(data, "000000", 4096) {
        assert!(!cert.cert_id().is_empty());
        assert!(cert.cert_id().bytes().all(|b| b.is_ascii_digit()));
    }
});
