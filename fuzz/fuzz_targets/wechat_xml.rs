//! wechat-pay: the v2 XML reader. Nothing panics; an accepted document re-serialises to one that
//! reads back the same (when every name is an XML name the builder writes), and verifying it
//! never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paywire_wechat_pay::v2::xml::Document;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(doc) = Document::parse(text) else { return };
    let _ = doc.verify("192006250b4c09247ec02edce69f6a2d");
    let again = Document::parse(&doc.to_xml()).expect("our own XML reads back");
    if again.params().count() == doc.params().count() {
        assert_eq!(again, doc);
    }
});
