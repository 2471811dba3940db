//! Published messages decoded field by field, re-encoded byte for byte.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_iso8583::framing::{Framing, Status};
use paywire_iso8583::spec::{
    BitmapEncoding, Content, Encoding, FieldSpec, Length, MtiEncoding, Prefix, Sensitivity, Spec,
};
use paywire_iso8583::{MessageBuilder, MessageRef, builtin};

fn load(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    hex::decode(std::fs::read_to_string(path).unwrap().trim()).unwrap()
}

const fn var(prefix: Prefix, max: u16) -> Length {
    Length::Var {
        prefix,
        min: 0,
        max,
    }
}

/// The UnionPay POS layout (alon0808/ProjectAfcApp code/AfcCore/UnionPay/qpboc_8583.c,
/// Ajsgn/Java8583 quickstart/QuickStartFactory.java), as a run-time spec: BCD numerics, BCD prefixes counting
/// digits for numeric fields and bytes for the others. `f60_pad` differs between the two hosts.
fn cups(f60_pad: u8) -> Vec<FieldSpec<'static>> {
    use Content::*;
    let bcd_left = |pad| Encoding::Bcd {
        align: paywire_iso8583::spec::Align::Left,
        pad,
    };
    vec![
        FieldSpec::new(2, "PAN", N, Encoding::BCD_LEFT_F, var(Prefix::bcd(2), 19))
            .sensitive(Sensitivity::Pan),
        FieldSpec::new(3, "Processing code", N, Encoding::BCD, Length::Fixed(6)),
        FieldSpec::new(4, "Amount", N, Encoding::BCD, Length::Fixed(12)),
        FieldSpec::new(11, "STAN", N, Encoding::BCD, Length::Fixed(6)),
        FieldSpec::new(12, "Time", N, Encoding::BCD, Length::Fixed(6)),
        FieldSpec::new(13, "Date", N, Encoding::BCD, Length::Fixed(4)),
        FieldSpec::new(22, "Entry mode", N, bcd_left(0), Length::Fixed(3)),
        FieldSpec::new(25, "Condition code", N, Encoding::BCD, Length::Fixed(2)),
        FieldSpec::new(26, "PIN capture code", N, Encoding::BCD, Length::Fixed(2)),
        FieldSpec::new(
            32,
            "Acquirer",
            N,
            Encoding::BCD_LEFT_F,
            var(Prefix::bcd(2), 11),
        ),
        FieldSpec::new(
            35,
            "Track 2",
            Z,
            Encoding::BCD_LEFT_F,
            var(Prefix::bcd(2), 37),
        )
        .sensitive(Sensitivity::Track),
        FieldSpec::new(37, "RRN", An, Encoding::Ascii, Length::Fixed(12)),
        FieldSpec::new(39, "Response code", An, Encoding::Ascii, Length::Fixed(2)),
        FieldSpec::new(41, "Terminal", Ans, Encoding::Ascii, Length::Fixed(8)),
        FieldSpec::new(42, "Merchant", Ans, Encoding::Ascii, Length::Fixed(15)),
        FieldSpec::new(49, "Currency", An, Encoding::Ascii, Length::Fixed(3)),
        FieldSpec::new(52, "PIN block", B, Encoding::Binary, Length::Fixed(8))
            .sensitive(Sensitivity::PinBlock),
        FieldSpec::new(53, "Security control", N, Encoding::BCD, Length::Fixed(16)),
        FieldSpec::new(
            60,
            "Reserved private",
            N,
            bcd_left(f60_pad),
            var(Prefix::bcd(3), 999),
        ),
        FieldSpec::new(
            62,
            "Reserved private",
            B,
            Encoding::Binary,
            var(Prefix::bcd(3), 999),
        )
        .sensitive(Sensitivity::Key),
        FieldSpec::new(
            63,
            "Reserved private",
            Ans,
            Encoding::Ascii,
            var(Prefix::bcd(3), 999),
        ),
        FieldSpec::new(64, "MAC", B, Encoding::Binary, Length::Fixed(8)),
    ]
}

fn spec(fields: &'static [FieldSpec<'static>]) -> &'static Spec<'static> {
    let spec = Box::leak(Box::new(Spec {
        name: "cups-test",
        description: "UnionPay POS layout (alon0808/ProjectAfcApp qpboc_8583.c)",
        mti: MtiEncoding::Bcd,
        bitmap: BitmapEncoding::Binary,
        fields,
        overrides: &[],
        plan: None,
        charset: paywire_iso8583::spec::Charset::Latin1,
    }));
    spec.validate().unwrap();
    spec
}

fn text(m: &MessageRef<'_, '_>, n: u8) -> String {
    String::from_utf8(m.value(n).unwrap().to_vec()).unwrap()
}

/// Re-encodes a parsed message through the builder: must give back the same bytes.
fn rebuild(m: &MessageRef<'_, '_>) -> Vec<u8> {
    let values: Vec<(u8, Vec<u8>)> = m
        .fields()
        .map(|f| (f.number(), f.value().to_vec()))
        .collect();
    let mut b = MessageBuilder::new(m.spec(), m.mti());
    for (n, v) in &values {
        b.set(*n, v).unwrap();
    }
    b.to_vec().unwrap()
}

#[test]
fn cups_0810_sign_in_response() {
    let bytes = load("cups-0810-signin.hex");
    let Status::Complete(frame) = Framing::CUPS.decode(&bytes).unwrap() else {
        panic!("partial")
    };
    assert_eq!((frame.consumed, bytes.len()), (123, 123));
    assert_eq!(hex::encode_upper(frame.header), "6000000004603100310000");
    let spec = spec(Box::leak(cups(0xF).into_boxed_slice()));
    let m = MessageRef::parse(spec, frame.message).unwrap();
    assert_eq!(m.mti().to_string(), "0810");
    assert_eq!(
        m.bitmap().fields().collect::<Vec<_>>(),
        [11, 12, 13, 32, 37, 39, 41, 42, 60, 62]
    );
    assert_eq!(m.stan(), Some(13487));
    assert_eq!(text(&m, 12), "091834");
    assert_eq!(text(&m, 13), "0322");
    assert_eq!(text(&m, 32), "48615840");
    assert_eq!(text(&m, 37), "210322091834");
    assert_eq!(text(&m, 39), "00");
    assert_eq!(text(&m, 41), "00210001");
    assert_eq!(text(&m, 42), "861440360120021");
    assert_eq!(text(&m, 60), "00000001003");
    let keys = m.value(62).unwrap();
    assert_eq!(keys.len(), 40);
    assert_eq!(hex::encode_upper(&keys.wire()[16..20]), "18ECC792");
    assert_eq!(hex::encode_upper(&keys.wire()[36..40]), "F1737A9E");
    assert_eq!(rebuild(&m), frame.message);
    // The PIK/MAK block is key material: never shown by describe.
    let table = m.describe().to_string();
    assert!(
        table.contains("<masked>") && !table.contains("A0F4"),
        "{table}"
    );
}

#[test]
fn cups_0800_sign_in_request() {
    let bytes = load("cups-0800-signin.hex");
    let Status::Complete(frame) = Framing::CUPS.decode(&bytes).unwrap() else {
        panic!("partial")
    };
    assert_eq!(hex::encode_upper(frame.header), "6000000000602200000000");
    let spec = spec(Box::leak(cups(0).into_boxed_slice()));
    let m = MessageRef::parse(spec, frame.message).unwrap();
    assert_eq!(m.mti().to_string(), "0800");
    assert_eq!(m.stan(), Some(172));
    assert_eq!(text(&m, 12), "170510");
    assert_eq!(text(&m, 41), "50080001");
    assert_eq!(text(&m, 42), "309310083985008");
    assert_eq!(text(&m, 60), "00000172003");
    assert_eq!(text(&m, 63), "CUP");
    assert_eq!(rebuild(&m), frame.message);
    // The same bytes under the F-padded variant: the pad nibble is checked.
    let strict = spec_f();
    let e = MessageRef::parse(strict, frame.message).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (paywire_iso8583::ErrorKind::BadPad, Some(60))
    );
}

fn spec_f() -> &'static Spec<'static> {
    spec(Box::leak(cups(0xF).into_boxed_slice()))
}

#[test]
fn cups_0200_mac_block_is_mac_input() {
    // The published MAB is MTI..F60 with bit 64 set; append the published F64 (ASCII of the
    // first 8 hex digits of the MAC, "8A9E91B8") to get the whole message.
    let mab = load("cups-0200-mab.hex");
    let mut message = mab.clone();
    message.extend_from_slice(b"8A9E91B8");
    let spec = spec(Box::leak(cups(0).into_boxed_slice()));
    let m = MessageRef::parse(spec, &message).unwrap();
    assert_eq!(m.mac_field(), Some(64));
    assert_eq!(m.mac_input().unwrap(), &mab[..]);
    assert_eq!(m.amount(), Some(51));
    assert_eq!(text(&m, 22), "021");
    assert_eq!(
        m.track2().unwrap().to_string(),
        "439226******2820=***************"
    );
    assert_eq!(m.track2().unwrap().expiry(), Some(*b"1312"));
    assert_eq!(text(&m, 49), "156");
    assert_eq!(text(&m, 60), "22000001");
    // Re-encode with a MAC closure that returns the published value.
    let values: Vec<(u8, Vec<u8>)> = m
        .fields()
        .filter(|f| f.number() != 64)
        .map(|f| (f.number(), f.value().to_vec()))
        .collect();
    let mut b = MessageBuilder::new(spec, m.mti());
    for (n, v) in &values {
        b.set(*n, v).unwrap();
    }
    let mut buf = [0u8; 256];
    let mut seen = Vec::new();
    let out = b
        .encode_with_mac(&mut buf, |input, mac| {
            seen.extend_from_slice(input);
            mac.copy_from_slice(b"8A9E91B8");
            Ok(())
        })
        .unwrap();
    assert_eq!(out, &message[..]);
    assert_eq!(seen, mab);
}

#[test]
fn iso87ascii_contract_example() {
    // docs/cli.md: {"mti":"0200","fields":{"2":"4761739001010010","3":"000000","4":"000000001000"}}
    let bytes = b"02007000000000000000164761739001010010000000000000001000";
    let m = MessageRef::parse(&builtin::ISO87ASCII, bytes).unwrap();
    assert_eq!(m.pan().unwrap().to_string(), "476173******0010");
    assert_eq!(m.processing_code().unwrap().as_str(), Some("000000"));
    assert_eq!(m.amount(), Some(1000));
    assert_eq!(rebuild(&m), bytes);
    let table = m.describe().to_string();
    assert!(table.contains("476173******0010") && !table.contains("4761739001010010"));
    assert!(
        m.describe()
            .unmasked()
            .to_string()
            .contains("4761739001010010")
    );
}
