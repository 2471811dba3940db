//! Round trips: build → parse → same tree; parse → build → same bytes; arbitrary bytes never panic.
#![allow(clippy::unwrap_used, clippy::arithmetic_side_effects, reason = "tests")]

use paywire_emv_tlv::{
    DecodeOptions, Encode, Tag, Tlv, TlvBuilder, TlvRef, Tlvs, Value, build_to_vec, to_owned_list,
};
use proptest::prelude::*;

/// Well-formed 1–3 byte tags of every class, primitive or constructed.
fn tag(constructed: bool) -> impl Strategy<Value = Tag> {
    let first = (0u32..4).prop_map(move |class| (class << 6) | (u32::from(constructed) << 5));
    prop_oneof![
        (first.clone(), 0u32..0x1F)
            .prop_filter("00 is filler", |(f, low)| f | low != 0)
            .prop_map(|(f, low)| f | low),
        (first.clone(), 0u32..0x80).prop_map(|(f, b2)| ((f | 0x1F) << 8) | b2),
        (first, 0x80u32..0x100, 0u32..0x80)
            .prop_map(|(f, b2, b3)| ((f | 0x1F) << 16) | (b2 << 8) | b3),
    ]
    .prop_map(|n| Tag::new(n).unwrap())
}

fn tree() -> impl Strategy<Value = Tlv> {
    let leaf = (tag(false), prop::collection::vec(any::<u8>(), 0..300))
        .prop_map(|(t, v)| Tlv::primitive(t, v));
    leaf.prop_recursive(5, 64, 6, |inner| {
        (tag(true), prop::collection::vec(inner, 0..6)).prop_map(|(t, c)| Tlv::constructed(t, c))
    })
}

fn build_with_builder(list: &[Tlv]) -> Vec<u8> {
    fn add(b: &mut TlvBuilder<'_>, tlv: &Tlv) -> paywire_emv_tlv::Result<()> {
        match &tlv.value {
            Value::Primitive(bytes) => b.primitive(tlv.tag, bytes).map(|_| ()),
            Value::Constructed(children) => b
                .constructed(tlv.tag, |b| children.iter().try_for_each(|c| add(b, c)))
                .map(|_| ()),
        }
    }
    build_to_vec(|b| list.iter().try_for_each(|t| add(b, t))).unwrap()
}

/// Every object of a validated list with its depth, parents first (the iterator's view).
fn preorder<'a>(list: &Tlvs<'a>, depth: u8, out: &mut Vec<(u8, TlvRef<'a>)>) {
    for tlv in list {
        out.push((depth, tlv));
        if let Some(children) = tlv.children() {
            preorder(&children, depth + 1, out);
        }
    }
}

/// The one-pass `parse_and_visit` agrees with `parse_with` then iterating: the same verdict (the
/// same error, kind, tag and offset) and, when valid, the same objects in the same order.
fn check_visit_matches_iterate(bytes: &[u8], options: DecodeOptions) -> Result<(), TestCaseError> {
    let mut visited = Vec::new();
    let one_pass = Tlvs::parse_and_visit(bytes, options, |depth, tlv| visited.push((depth, tlv)));
    let two_pass = Tlvs::parse_with(bytes, options);
    prop_assert_eq!(one_pass, two_pass);
    if let Ok(list) = two_pass {
        let mut iterated = Vec::new();
        preorder(&list, 0, &mut iterated);
        prop_assert_eq!(visited, iterated);
    }
    Ok(())
}

proptest! {
    #[test]
    fn build_parse_same_tree(list in prop::collection::vec(tree(), 0..5)) {
        let bytes = list.to_vec().unwrap();
        prop_assert_eq!(bytes.len(), list.encoded_len().unwrap());
        prop_assert_eq!(&bytes, &build_with_builder(&list));
        let parsed = Tlvs::parse_with(&bytes, DecodeOptions::STRICT).unwrap();
        prop_assert_eq!(to_owned_list(&parsed), list);
        // Parsed views re-encode byte for byte.
        prop_assert_eq!(parsed.to_vec().unwrap(), bytes.clone());
        let mut again = Vec::new();
        for tlv in &parsed {
            again.extend(tlv.to_vec().unwrap());
        }
        prop_assert_eq!(again, bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(list) = Tlvs::parse(&bytes) {
            // Accepted under EMV rules: the canonical re-encoding is strict and means the same.
            let owned = to_owned_list(&list);
            let canonical = owned.to_vec().unwrap();
            let reparsed = Tlvs::parse_with(&canonical, DecodeOptions::STRICT).unwrap();
            prop_assert_eq!(to_owned_list(&reparsed), owned);
            let _ = list.describe().to_string();
        }
        if let Ok(list) = Tlvs::parse_with(&bytes, DecodeOptions::STRICT) {
            prop_assert_eq!(to_owned_list(&list).to_vec().unwrap(), bytes.clone());
        }
        check_visit_matches_iterate(&bytes, DecodeOptions::EMV)?;
        check_visit_matches_iterate(&bytes, DecodeOptions::STRICT)?;
        check_visit_matches_iterate(&bytes, DecodeOptions::EMV.with_max_depth(1))?;
    }

    #[test]
    fn mutated_encodings_never_panic(list in prop::collection::vec(tree(), 1..4), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = list.to_vec().unwrap();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(parsed) = Tlvs::parse(&bytes) {
            let owned = to_owned_list(&parsed);
            let canonical = owned.to_vec().unwrap();
            prop_assert!(Tlvs::parse_with(&canonical, DecodeOptions::STRICT).is_ok());
        }
        let _ = Tlvs::parse(&bytes[..i]);
        check_visit_matches_iterate(&bytes, DecodeOptions::EMV)?;
        check_visit_matches_iterate(&bytes[..i], DecodeOptions::STRICT)?;
    }

    #[test]
    fn visit_sees_every_built_object(list in prop::collection::vec(tree(), 0..5)) {
        let bytes = list.to_vec().unwrap();
        check_visit_matches_iterate(&bytes, DecodeOptions::STRICT)?;
        check_visit_matches_iterate(&bytes, DecodeOptions::EMV.with_max_depth(2))?;
    }
}

/// The streaming nom parser (feature `nom`): every proper prefix of an object is `Incomplete`
/// with a lower bound on what is missing, and the whole object parses as `parse_prefix` does.
#[cfg(feature = "nom")]
mod streaming {
    use super::*;
    use nom::{Err, Needed};
    use paywire_emv_tlv::nom::tlv;

    type E<'a> = nom::error::Error<&'a [u8]>;

    proptest! {
        #[test]
        fn every_prefix_is_incomplete_and_the_whole_parses(t in tree(), tail in prop::collection::vec(any::<u8>(), 0..4)) {
            let bytes = t.to_vec().unwrap();
            for cut in 0..bytes.len() {
                match tlv::<E>(&bytes[..cut]) {
                    Err(Err::Incomplete(Needed::Size(n))) => {
                        prop_assert!(n.get() <= bytes.len() - cut, "cut {} asks for {}", cut, n);
                    }
                    other => prop_assert!(false, "cut {}: {:?}", cut, other.map(|(r, o)| (r.len(), o.tag()))),
                }
            }
            let mut stream = bytes.clone();
            stream.extend(&tail);
            let (rest, object) = tlv::<E>(&stream).unwrap();
            let (expected, expected_rest) = TlvRef::parse_prefix(&stream).unwrap();
            prop_assert_eq!(object.raw(), expected.raw());
            prop_assert_eq!(rest, expected_rest);
            prop_assert_eq!(rest, &tail[..]);
        }

        #[test]
        fn arbitrary_bytes_agree_with_parse_prefix(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            // Wherever parse_prefix accepts, nom gives the same object; where it refuses for a
            // reason other than the input ending, nom refuses too.
            match (tlv::<E>(&bytes), TlvRef::parse_prefix(&bytes)) {
                (Ok((rest, object)), Ok((expected, expected_rest))) => {
                    prop_assert_eq!(object.raw(), expected.raw());
                    prop_assert_eq!(rest, expected_rest);
                }
                (Err(Err::Incomplete(_)), Err(_)) | (Err(Err::Error(_)), Err(_)) => {}
                (nom, prefix) => prop_assert!(false, "nom {:?} vs parse_prefix {:?}", nom.map(|(r, _)| r.len()), prefix.map(|(_, r)| r.len())),
            }
        }
    }
}
