//! Card data never prints in clear: random PANs, track 1 / track 2 data, discretionary data and
//! PIN data in nested templates, then every view, iterator, builder input, owned value, tree
//! and error formatted with `{:?}`, `{:#?}` and (where there is one) `{}`.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use std::fmt::Write as _;

use paywire_emv_tlv::{Primitive, SliceWriter, Tag, TlvBuilder, Tlvs, build_to_vec, parse_owned};
use paywire_testkit::{Secrets, bcd, pan, secret_bytes, track2};
use proptest::prelude::*;

fn payload(pan: &str, track: &str, pin: &[u8], disc: &[u8]) -> Vec<u8> {
    let pan_bcd = bcd(pan, b'F');
    let track_bcd = bcd(track, b'F');
    let track1 = format!(
        "B{pan}^CARDHOLDER/TEST^2812101{}",
        &track[track.len() - 7..]
    );
    build_to_vec(|b| {
        b.constructed(Tag::new(0x70).unwrap(), |t| {
            t.primitive(Tag::APPLICATION_PAN, &pan_bcd)?;
            t.primitive(Tag::TRACK2_EQUIVALENT_DATA, &track_bcd)?;
            t.primitive(Tag::TRACK1_EQUIVALENT_DATA, track1.as_bytes())?;
            t.constructed(Tag::APPLICATION_TEMPLATE, |a| {
                a.primitive(Tag::TRACK2_DISCRETIONARY_DATA, disc)?;
                a.primitive(Tag::TRANSACTION_PIN_DATA, pin)?;
                a.primitive(Tag::TRACK2_DATA, &track_bcd)?;
                Ok(())
            })?;
            Ok(())
        })?;
        Ok(())
    })
    .unwrap()
}

fn print_all(bytes: &[u8]) -> String {
    let mut out = String::new();
    let list = Tlvs::parse(bytes).unwrap();
    writeln!(out, "{list:?} {list:#?} {:?}", list.iter()).unwrap();
    writeln!(out, "{}\n{:?}", list.describe(), list.describe()).unwrap();
    let mut stack = vec![list];
    while let Some(level) = stack.pop() {
        let mut iter = level.iter();
        while let Some(tlv) = iter.next() {
            writeln!(out, "{tlv:?} {tlv:#?} {iter:?}").unwrap();
            let p = Primitive {
                tag: tlv.tag(),
                value: tlv.value(),
            };
            writeln!(out, "{p:?} {p:#?}").unwrap();
            stack.extend(tlv.children());
        }
    }
    let owned = parse_owned(bytes).unwrap();
    writeln!(out, "{owned:?} {owned:#?}").unwrap();
    for tlv in &owned {
        writeln!(out, "{:?}", tlv.children()).unwrap();
    }
    for cut in 1..bytes.len() {
        if let Err(e) = Tlvs::parse(&bytes[..cut]) {
            writeln!(out, "{e} {e:?}").unwrap();
        }
    }
    let mut buf = vec![0u8; bytes.len()];
    let mut w = SliceWriter::new(&mut buf);
    TlvBuilder::new(&mut w).append(&list).unwrap();
    writeln!(out, "{w:?}").unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn nothing_prints_card_data(
        pan in pan(),
        disc in track2("".into()),
        pin in secret_bytes(8),
        discretionary in secret_bytes(8),
    ) {
        let track = format!("{pan}{disc}");
        let secrets = Secrets::new()
            .pan(&pan)
            .track(&track)
            .bytes(&pin)
            .bytes(&discretionary);
        let bytes = payload(&pan, &track, &pin, &discretionary);
        secrets.assert_hidden("emv-tlv", &print_all(&bytes));
    }
}
