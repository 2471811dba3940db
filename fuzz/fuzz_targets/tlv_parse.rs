//! emv-tlv: parsing never panics; strict input re-encodes to identical bytes; EMV input re-encodes
//! to a canonical form that parses strictly to the same tree.
#![no_main]

use std::fmt::Write as _;

use emv_tlv::{DecodeOptions, Encode, Tag, Tlvs, to_owned_list};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = Tlvs::parse_with(data, DecodeOptions::STRICT) {
        let owned = to_owned_list(&list);
        assert_eq!(owned.to_vec().expect("encodes"), data, "strict input must re-encode identically");
        assert_eq!(list.to_vec().expect("encodes"), data);
    }
    let Ok(list) = Tlvs::parse(data) else { return };
    let owned = to_owned_list(&list);
    let canonical = owned.to_vec().expect("encodes");
    assert_eq!(canonical.len(), owned.encoded_len().expect("length"));
    let reparsed = Tlvs::parse_with(&canonical, DecodeOptions::STRICT).expect("canonical form parses strictly");
    assert_eq!(to_owned_list(&reparsed), owned);

    // Every accessor on the validated view stays in bounds.
    let mut text = String::new();
    let _ = write!(text, "{}", list.pretty());
    let _ = write!(text, "{}", list.pretty().unmasked());
    for tlv in &list {
        assert!(tlv.value_offset() + tlv.value_len() <= data.len());
        assert_eq!(&data[tlv.offset()..tlv.offset() + tlv.raw().len()], tlv.raw());
        let _ = list.find_path(&[tlv.tag(), Tag::APPLICATION_IDENTIFIER]);
        let _ = list.search(tlv.tag());
    }
});
