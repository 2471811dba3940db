//! Card data in a consumer-presented code never prints in clear: random PANs and track 2
//! equivalent data in application and common data templates, then the payload, its
//! applications, objects, track, findings and errors formatted with `{:?}`, `{:#?}` and `{}`.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use std::fmt::Write as _;

use paywire_emv_tlv::Tag;
use paywire_emvqr::cpm::{self, CpmRef, Track2};
use paywire_testkit::{Secrets, bcd, pan, secret_bytes, track2};
use proptest::prelude::*;

fn print_all(text: &str) -> String {
    let mut out = String::new();
    let mut buf = vec![0u8; text.len()];
    let payload = CpmRef::parse(text, &mut buf).unwrap();
    writeln!(out, "{payload:?} {payload:#?}").unwrap();
    for app in payload.applications() {
        writeln!(out, "{app:?} {}", app.describe()).unwrap();
        if let Some(t) = app.find(Tag::TRACK2_EQUIVALENT_DATA) {
            let track = Track2::new(t.value());
            writeln!(out, "{track} {track:?} {track:#?} {t:?}").unwrap();
        }
    }
    writeln!(out, "{}", payload.tlvs().describe()).unwrap();
    payload.validate(|issue| writeln!(out, "{issue:?}").unwrap());
    writeln!(out, "{:?}", paywire_emvqr::classify(text)).unwrap();
    // A payload cut short fails to decode or to parse as TLV: the errors show no data.
    for cut in 1..text.len() {
        let mut buf = vec![0u8; text.len()];
        if let Err(e) = CpmRef::parse(&text[..cut], &mut buf) {
            writeln!(out, "{e} {e:?}").unwrap();
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_consumer_code_prints_no_card_data(
        pan in pan(),
        disc in track2("".into()),
        cryptogram in secret_bytes(8),
    ) {
        let track = format!("{pan}{disc}");
        let secrets = Secrets::new().pan(&pan).track(&track);
        let (pan_bcd, track_bcd) = (bcd(&pan, b'F'), bcd(&track, b'F'));
        let mut work = [0u8; 256];
        let mut text = [0u8; 512];
        let text = cpm::build(&mut work, &mut text, |b| {
            b.constructed(Tag::APPLICATION_TEMPLATE, |a| {
                a.primitive(Tag::APPLICATION_IDENTIFIER, &[0xA0, 0, 0, 0x03, 0x33, 0x01, 0x01, 0x02])?;
                a.primitive(Tag::TRACK2_EQUIVALENT_DATA, &track_bcd)?;
                Ok(())
            })?;
            b.constructed(Tag::COMMON_DATA_TEMPLATE, |c| {
                c.primitive(Tag::APPLICATION_PAN, &pan_bcd)?;
                c.constructed(Tag::COMMON_DATA_TRANSPARENT_TEMPLATE, |t| {
                    t.primitive(Tag::APPLICATION_CRYPTOGRAM, &cryptogram)?;
                    Ok(())
                })?;
                Ok(())
            })?;
            Ok(())
        })
        .unwrap();
        secrets.assert_hidden("emvqr cpm", &print_all(text));
    }
}
