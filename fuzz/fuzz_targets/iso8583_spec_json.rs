//! iso8583 run-time specs: any text loads as a spec (paywire's JSON or moov's) or fails with an
//! error; a loaded spec is valid, and reading any message with it never panics. Input: the spec
//! text, a NUL byte, then the message bytes.
#![no_main]

use paywire_iso8583::json::SpecDoc;
use paywire_iso8583::{Message, MessageRef};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, message) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(text) = std::str::from_utf8(text) else { return };
    let Ok(doc) = SpecDoc::from_json(text) else { return };
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    spec.validate().expect("a loaded spec is valid");
    let Ok(m) = MessageRef::parse(&spec, message) else { return };
    for field in m.fields() {
        let _ = field.subfields().count();
    }
    assert_eq!(Message::from_ref(&m).to_vec().expect("re-encodes"), message);
});
