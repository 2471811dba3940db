//! Run-time specs from JSON: paywire's format and moov-io/iso8583's.
#![cfg(feature = "serde")]
#![allow(clippy::unwrap_used, reason = "tests")]

use iso8583::framing::{Framing, Status};
use iso8583::json::SpecDoc;
use iso8583::spec::{Content, Encoding, Length, Prefix, Sensitivity};
use iso8583::{ErrorKind, MessageRef, builtin};

fn load(path: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn paywire_format_decodes_the_cups_sign_in() {
    let doc = SpecDoc::from_json(&load("specs/cups-test.json")).unwrap();
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    let pan = spec.field(2).unwrap();
    assert_eq!(
        (pan.name, pan.encoding, pan.sensitivity),
        ("PAN", Encoding::BCD_LEFT_F, Sensitivity::Pan)
    );
    assert_eq!(
        pan.length,
        Length::Var {
            prefix: Prefix::bcd(2),
            min: 0,
            max: 19
        }
    );
    // rufus123456/Java8583Sample IsoTest.java 0810 (tests/vectors/cups-0810-signin.hex).
    let bytes = hex::decode(load("vectors/cups-0810-signin.hex").trim()).unwrap();
    let Status::Complete(frame) = Framing::CUPS.decode(&bytes).unwrap() else {
        panic!()
    };
    let m = MessageRef::parse(&spec, frame.message).unwrap();
    assert_eq!(m.value(60).unwrap().to_vec(), b"00000001003");
    assert_eq!(m.value(62).unwrap().len(), 40);
    // F60's positional subfields from the JSON: 60.3 is the network management code 003
    // (double-length keys).
    let f60 = m.field(60).unwrap();
    let network = f60.subfields().nth(2).unwrap();
    assert_eq!(
        (network.name, network.value.to_u64()),
        (Some("Network management code"), Some(3))
    );
}

// A spec in moov-io/iso8583's JSON format (keys as in moov's specs/builder.go).
const MOOV: &str = r#"{
  "name": "ISO 8583 v1987 ASCII (moov format)",
  "fields": {
    "0": {"type": "String", "length": 4, "description": "Message Type Indicator", "enc": "ASCII", "prefix": "ASCII.Fixed"},
    "1": {"type": "Bitmap", "length": 16, "description": "Bitmap", "enc": "HexToASCII", "prefix": "Hex.Fixed"},
    "2": {"type": "String", "length": 19, "description": "Primary Account Number", "enc": "ASCII", "prefix": "ASCII.LL"},
    "3": {"type": "Numeric", "length": 6, "description": "Processing Code", "enc": "ASCII", "prefix": "ASCII.Fixed", "padding": {"type": "Left", "pad": "0"}},
    "4": {"type": "String", "length": 12, "description": "Transaction Amount", "enc": "ASCII", "prefix": "ASCII.Fixed", "padding": {"type": "Left", "pad": "0"}},
    "52": {"type": "Binary", "length": 8, "description": "PIN Data", "enc": "HexToASCII", "prefix": "Hex.Fixed"}
  }
}"#;

#[test]
fn moov_format_reads_like_iso87ascii() {
    let doc = SpecDoc::from_json(MOOV).unwrap();
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    assert_eq!(spec.field(52).unwrap().content, Content::B);
    assert_eq!(spec.field(52).unwrap().sensitivity, Sensitivity::PinBlock);
    let bytes = b"02007000000000000000164761739001010010000000000000001000";
    let ours = MessageRef::parse(&spec, bytes).unwrap();
    let builtin = MessageRef::parse(&builtin::ISO87ASCII, bytes).unwrap();
    for n in [2, 3, 4] {
        assert_eq!(
            ours.value(n).unwrap().to_vec(),
            builtin.value(n).unwrap().to_vec()
        );
    }
}

fn load_err(text: &str) -> (ErrorKind, Option<u8>) {
    let e = SpecDoc::from_json(text).unwrap_err();
    (e.kind(), e.field())
}

#[test]
fn bad_specs_are_rejected_at_load_time() {
    let field = |body: &str| {
        format!(r#"{{"name":"x","mti":"ascii","bitmap":"hex","fields":{{"4":{body}}}}}"#)
    };
    assert_eq!(
        load_err(&field(
            r#"{"content":"n","encoding":"ascii","prefix":"ascii-ll","min":9,"max":5}"#
        )),
        (ErrorKind::BadSpec, Some(4))
    );
    assert_eq!(
        load_err(&field(r#"{"content":"n","encoding":"utf-9","length":6}"#)),
        (ErrorKind::BadSpecKey, Some(4))
    );
    assert_eq!(
        load_err(&field(r#"{"content":"b","encoding":"ascii","length":6}"#)),
        (ErrorKind::BadSpec, Some(4))
    );
    assert_eq!(
        load_err(&field(
            r#"{"content":"n","encoding":"ascii","prefix":"ascii-lllll","max":5}"#
        )),
        (ErrorKind::BadSpecKey, Some(4))
    );
    assert_eq!(
        load_err(&field(
            r#"{"content":"n","encoding":"ascii","prefix":"ascii-ll","max":100}"#
        )),
        (ErrorKind::BadSpec, Some(4))
    );
    assert_eq!(
        load_err(&field(
            r#"{"content":"n","encoding":"bcd","prefix":"bcd-ll","max":10,"counts":"bytes"}"#
        )),
        (ErrorKind::BadSpec, Some(4))
    );
    assert_eq!(
        load_err("{\"name\": \n 12,"),
        (ErrorKind::Json { line: 2, column: 4 }, None)
    );
    let composite =
        r#"{"fields":{"3":{"type":"Composite","length":6,"prefix":"ASCII.Fixed","subfields":{}}}}"#;
    assert_eq!(load_err(composite), (ErrorKind::Unsupported, Some(3)));
}

#[test]
fn per_mti_override_changes_field_62() {
    let doc = SpecDoc::from_json(&load("specs/cups-test-override.json")).unwrap();
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    let sign_in = iso8583::Mti::NETWORK_MANAGEMENT_RESPONSE;
    assert_eq!(spec.field_for(sign_in, 62).unwrap().content, Content::B);
    assert_eq!(
        spec.field_for(iso8583::Mti::FINANCIAL_REQUEST, 62)
            .unwrap()
            .content,
        Content::Ans
    );
    // The published 0810 carries binary keys in F62: readable only through the override.
    let bytes = hex::decode(load("vectors/cups-0810-signin.hex").trim()).unwrap();
    let Status::Complete(frame) = Framing::CUPS.decode(&bytes).unwrap() else {
        panic!()
    };
    let m = MessageRef::parse(&spec, frame.message).unwrap();
    assert_eq!(m.field(62).unwrap().spec().name, "Work keys");
    assert!(m.describe().to_string().contains("Work keys"));
    // The same bytes announced as an 0800 fail on F62's characters: `ans` takes bytes from 0x20
    // up (national text), so the first refused is byte 11, 0x04.
    let mut as_0800 = frame.message.to_vec();
    as_0800[1] = 0x00;
    let e = MessageRef::parse(&spec, &as_0800).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::BadCharacter { index: 11 }, Some(62))
    );
    // Builders check against the definition of their MTI.
    let mut b = iso8583::MessageBuilder::new(&spec, sign_in);
    assert!(b.set(62, &[0x00, 0xFF]).is_ok());
    let mut b = iso8583::MessageBuilder::new(&spec, iso8583::Mti::NETWORK_MANAGEMENT_REQUEST);
    assert_eq!(
        b.set(62, &[0x00, 0xFF]).unwrap_err().kind(),
        ErrorKind::BadCharacter { index: 0 }
    );
}

#[test]
fn subfield_kinds_in_json() {
    let field = |sub: &str| {
        format!(
            r#"{{"name":"x","mti":"ascii","bitmap":"hex","fields":{{"48":{{"content":"ans","encoding":"ascii","prefix":"ascii-lll","max":999,"subfields":{sub}}}}}}}"#
        )
    };
    let doc = SpecDoc::from_json(&field(r#"{"tagged":{"tag":2,"length":3}}"#)).unwrap();
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    let m = MessageRef::parse(&spec, b"08000000000000010000007A2002OK").unwrap();
    let first = m.field(48).unwrap().subfields().next().unwrap();
    assert_eq!(
        (first.id, first.value.as_bytes()),
        (iso8583::SubfieldId::Tag(b"A2"), Some(&b"OK"[..]))
    );
    // Widths that exceed the field, unknown kinds: refused at load time.
    let too_wide = field(r#"{"positional":[{"name":"a","width":1000}]}"#);
    assert_eq!(load_err(&too_wide), (ErrorKind::BadSpec, Some(48)));
    assert_eq!(
        load_err(&field(r#"{"bitmap":{}}"#)),
        (ErrorKind::BadSpecKey, Some(48))
    );
    assert_eq!(
        load_err(&field(r#""ber-tlv""#)),
        (ErrorKind::BadSpec, Some(48))
    );
}
