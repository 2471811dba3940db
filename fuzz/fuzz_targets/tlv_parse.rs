//! emv-tlv: parsing never panics; the one-pass visitor agrees with validate-then-iterate; strict
//! input re-encodes to identical bytes; EMV input re-encodes to a canonical form that parses
//! strictly to the same tree; the streaming nom parser agrees with `TlvRef::parse_prefix`.
#![no_main]

use std::fmt::Write as _;

use paywire_emv_tlv::{DecodeOptions, Encode, Tag, TlvRef, Tlvs, to_owned_list};
use libfuzzer_sys::fuzz_target;

/// Every object of a validated list with its depth, parents first (the iterator's view).
fn preorder<'a>(list: &Tlvs<'a>, depth: u8, out: &mut Vec<(u8, TlvRef<'a>)>) {
    for tlv in list {
        out.push((depth, tlv));
        if let Some(children) = tlv.children() {
            preorder(&children, depth + 1, out);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The streaming nom parser agrees with parse_prefix wherever the whole object is there.
    match (paywire_emv_tlv::nom::tlv::<nom::error::Error<&[u8]>>(data), TlvRef::parse_prefix(data)) {
        (Ok((rest, t)), Ok((expected, expected_rest))) => assert_eq!((rest, t.raw()), (expected_rest, expected.raw())),
        (Err(nom::Err::Incomplete(_) | nom::Err::Error(_)), Err(_)) => {}
        (nom, prefix) => panic!("nom {:?} vs parse_prefix {:?}", nom.map(|(r, _)| r.len()), prefix.map(|(_, r)| r.len())),
    }
    // Differential: the one-pass visitor and validate-then-iterate agree on the verdict and,
    // when valid, on every object and its depth.
    for options in [DecodeOptions::EMV, DecodeOptions::STRICT, DecodeOptions::EMV.with_max_depth(1)] {
        let mut visited = Vec::new();
        let one_pass = Tlvs::parse_and_visit(data, options, |depth, tlv| visited.push((depth, tlv)));
        let two_pass = Tlvs::parse_with(data, options);
        assert_eq!(one_pass, two_pass, "parse_and_visit and parse_with disagree");
        if let Ok(list) = two_pass {
            let mut iterated = Vec::new();
            preorder(&list, 0, &mut iterated);
            assert_eq!(visited, iterated, "parse_and_visit saw other objects than the iterator");
        }
    }
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
    let _ = write!(text, "{}", list.describe());
    let _ = write!(text, "{}", list.describe().unmasked());
    for tlv in &list {
        assert!(tlv.value_offset() + tlv.value_len() <= data.len());
        assert_eq!(&data[tlv.offset()..tlv.offset() + tlv.raw().len()], tlv.raw());
        let _ = list.find_path(&[tlv.tag(), Tag::APPLICATION_IDENTIFIER]);
        let _ = list.search(tlv.tag());
    }
});
