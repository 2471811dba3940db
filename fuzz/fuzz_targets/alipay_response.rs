//! alipay: the response-node scanner and the notification form parser. Nothing panics; a node
//! found is a slice of the input that starts with `{` or `"`; verification never panics.
#![no_main]

use paywire_alipay::keys::{PublicKey, SignType};
use paywire_alipay::v1::{self, Notification};
use libfuzzer_sys::fuzz_target;

const KEY: &str = include_str!("../../alipay/tests/keys/app-public-key.pem");

fuzz_target!(|data: &[u8]| {
    let key = PublicKey::from_pem(KEY).expect("the test key");
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(node) = paywire_alipay::response::response_node(text, "alipay.trade.query") {
            assert!(node.signed.starts_with('{') || node.signed.starts_with('"'));
            assert!(text.contains(node.signed));
            let _ = v1::verify_response(&key, SignType::Rsa2, text, "alipay.trade.query");
        }
    }
    if let Ok(n) = Notification::parse(data) {
        let _ = n.verify(&key);
        let _ = n.verify_keeping_sign_type(&key);
    }
});
