//! Card data never prints in clear: random PANs, tracks, PIN blocks, keys and ICC data built
//! into messages of every built-in spec, then every view, value, builder, frame and error
//! formatted with `{:?}`, `{:#?}` and (where there is one) `{}`; none may show a run of 7 PAN
//! digits, the track after its separator, or the wire bytes of any secret (hex or byte list).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use std::fmt::Write as _;

use paywire_iso8583::builtin::{ISO87ASCII, ISO87BINARY, ISO93ASCII};
use paywire_iso8583::framing::Framing;
use paywire_iso8583::{FieldIndex, Message, MessageBuilder, MessageRef, Mti, Spec};
use paywire_testkit::{Secrets, pan, secret_bytes, track2};
use proptest::prelude::*;

/// Field 55: `5A` (PAN, BCD), `57` (track 2 equivalent), `9F26` (cryptogram) in a `70`.
fn icc(pan: &str, track: &str, cryptogram: &[u8]) -> Vec<u8> {
    use paywire_emv_tlv::Tag;
    paywire_emv_tlv::build_to_vec(|b| {
        b.constructed(Tag::new(0x70)?, |t| {
            t.primitive(Tag::APPLICATION_PAN, &paywire_testkit::bcd(pan, b'F'))?;
            t.primitive(
                Tag::TRACK2_EQUIVALENT_DATA,
                &paywire_testkit::bcd(track, b'F'),
            )?;
            t.primitive(Tag::APPLICATION_CRYPTOGRAM, cryptogram)?;
            Ok(())
        })?;
        Ok(())
    })
    .unwrap()
}

/// Everything a user could print of a parsed message.
fn print_all(spec: &'static Spec<'static>, bytes: &[u8]) -> String {
    let mut out = String::new();
    let m = MessageRef::parse(spec, bytes).unwrap();
    writeln!(out, "{m:?}\n{m:#?}\n{}\n{:?}", m.describe(), m.describe()).unwrap();
    let mut index = FieldIndex::new();
    let kept = MessageRef::parse_in(&mut index, spec, bytes).unwrap();
    writeln!(out, "{kept:?}\n{:?}", kept.fields()).unwrap();
    for f in m.fields() {
        let v = f.value();
        writeln!(out, "{f:?} {f:#?} {v:?} {v:#?} {:?}", v.iter()).unwrap();
        writeln!(out, "{:?}", f.subfields()).unwrap();
        for s in f.subfields() {
            writeln!(out, "{s:?} {:?} {:#?}", s.value, s.value).unwrap();
        }
        if let Some(tlv) = f.tlv() {
            writeln!(out, "{tlv:?} {tlv:#?} {}", tlv.describe()).unwrap();
        }
    }
    if let Some(p) = m.pan() {
        writeln!(out, "{p} {p:?} {:?}", p.value()).unwrap();
    }
    if let Some(t) = m.track2() {
        writeln!(out, "{t} {t:?}").unwrap();
    }
    if let Some(icc) = m.icc_data() {
        let icc = icc.unwrap();
        writeln!(out, "{icc:?} {}", icc.describe()).unwrap();
    }
    let owned = Message::from_ref(&m);
    writeln!(out, "{owned:?} {owned:#?} {:?}", owned.builder()).unwrap();
    // Errors of a cut message (every cut a parse rejects).
    for cut in 1..bytes.len() {
        if let Err(e) = MessageRef::parse(spec, &bytes[..cut]) {
            writeln!(out, "{e} {e:?}").unwrap();
        }
    }
    // Frames, sans-IO and through the tokio codec.
    let mut framed = Vec::new();
    Framing::LEN2.encode(&[], bytes, &mut framed).unwrap();
    let status = Framing::LEN2.decode(&framed).unwrap();
    writeln!(out, "{status:?} {status:#?}").unwrap();
    #[cfg(feature = "tokio-util")]
    print_tokio_frame(&mut out, &framed);
    out
}

/// The frame the `tokio-util` codec hands a host.
#[cfg(feature = "tokio-util")]
fn print_tokio_frame(out: &mut String, framed: &[u8]) {
    use paywire_iso8583::framing::tokio::FrameCodec;
    use tokio_util::codec::Decoder;
    let mut codec = FrameCodec::new(Framing::LEN2);
    let mut buf = bytes::BytesMut::from(framed);
    let frame = codec.decode(&mut buf).unwrap().unwrap();
    writeln!(out, "{frame:?} {frame:#?}").unwrap();
}

fn build(
    spec: &'static Spec<'static>,
    pan: &str,
    track: &str,
    pin_block: &[u8],
    key: &[u8],
    icc_data: &[u8],
) -> Vec<u8> {
    let mut b = MessageBuilder::new(spec, Mti::FINANCIAL_REQUEST);
    b.set_str(2, pan).unwrap();
    b.set_str(3, "000000").unwrap();
    b.set_str(4, "000000001000").unwrap();
    b.set_str(11, "000172").unwrap();
    b.set_str(35, track).unwrap();
    b.set_str(41, "50080001").unwrap();
    b.set(52, pin_block).unwrap();
    b.set(55, icc_data).unwrap();
    if spec
        .field(96)
        .is_some_and(|f| f.content == paywire_iso8583::spec::Content::B)
    {
        b.set(96, key).unwrap();
    }
    b.to_vec().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_view_value_or_error_shows_card_data(
        pan in pan(),
        disc in track2("".into()),
        pin_block in secret_bytes(8),
        key in secret_bytes(16),
        cryptogram in secret_bytes(8),
    ) {
        let track = format!("{pan}{disc}");
        prop_assume!(track.len() <= 37);
        let secrets = Secrets::new()
            .pan(&pan)
            .track(&track)
            .bytes(&pin_block)
            .bytes(&key);
        let icc_data = icc(&pan, &track, &cryptogram);
        for spec in [&ISO87ASCII, &ISO87BINARY, &ISO93ASCII] {
            let mut b = MessageBuilder::new(spec, Mti::FINANCIAL_REQUEST);
            b.set_str(2, &pan).unwrap();
            b.set_str(35, &track).unwrap();
            b.set(52, &pin_block).unwrap();
            secrets.assert_hidden(spec.name, &format!("{b:?} {b:#?}"));
            let bytes = build(spec, &pan, &track, &pin_block, &key, &icc_data);
            secrets.assert_hidden(spec.name, &print_all(spec, &bytes));
        }
    }
}
