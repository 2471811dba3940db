//! jPOS GenericPackager files: loading never panics (no entity expansion, bounded nesting); a
//! packager that loads is a valid spec that reads any bytes without panicking and writes back
//! what it reads. The input is the packager text, then a NUL, then message bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paywire_iso8583::jpos::load_packager;
use paywire_iso8583::{Message, MessageRef};

fuzz_target!(|data: &[u8]| {
    let (text, message) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(text) = std::str::from_utf8(text) else { return };
    let Ok(doc) = load_packager("fuzz", text) else { return };
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    spec.validate().expect("a loaded packager is a valid spec");
    if let Ok(m) = MessageRef::parse(&spec, message) {
        let owned = Message::from_ref(&m);
        assert_eq!(owned.to_vec().expect("re-encodes"), message);
    }
});
