//! Run-time specs from JSON: paywire's format and moov-io/iso8583's.
#![cfg(feature = "json-spec")]
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_iso8583::framing::{Framing, Status};
use paywire_iso8583::json::{self, SpecDoc};
use paywire_iso8583::spec::{Content, Encoding, Length, Prefix, Sensitivity, Subfields};
use paywire_iso8583::{ErrorKind, MessageBuilder, MessageRef, Mti, builtin};

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
            r#"{"content":"n","encoding":"ascii","prefix":"ascii-lllllll","max":5}"#
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
    assert_eq!(load_err(composite), (ErrorKind::BadSpec, Some(3)));
    // Subfields in sequence cannot have subfields of their own.
    let nested = r#"{"fields":{"3":{"type":"Composite","length":6,"prefix":"ASCII.Fixed",
        "subfields":{"1":{"type":"Composite","length":2,"enc":"ASCII","prefix":"ASCII.LL",
        "subfields":{"1":{"type":"String","length":2,"enc":"ASCII","prefix":"ASCII.Fixed"}}}}}}}"#;
    assert_eq!(load_err(nested), (ErrorKind::Unsupported, Some(3)));
}

/// A moov composite without bitmap or tag whose subfields are not all fixed ASCII: read in
/// sequence, each by its own definition (moov's `Composite.unpackSubfields`).
#[test]
#[cfg(feature = "bitmap-subfields")]
fn moov_composite_with_variable_subfields_reads_in_sequence() {
    let text = r#"{"name":"seq","fields":{
      "0":{"type":"String","length":4,"enc":"ASCII","prefix":"ASCII.Fixed"},
      "1":{"type":"Bitmap","length":8,"enc":"HexToASCII","prefix":"Hex.Fixed"},
      "48":{"type":"Composite","length":30,"prefix":"ASCII.LL","tag":{"sort":"StringsByInt"},
        "subfields":{
          "1":{"type":"String","length":2,"enc":"ASCII","prefix":"ASCII.Fixed"},
          "2":{"type":"String","length":9,"enc":"ASCII","prefix":"ASCII.LL"},
          "3":{"type":"Numeric","length":4,"enc":"BCD","prefix":"BCD.Fixed"}}}}}"#;
    let doc = SpecDoc::from_json(text).unwrap();
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    let f48 = spec.field(48).unwrap();
    assert!(matches!(f48.subfields, Subfields::Sequence(defs) if defs.len() == 3));
    let value = paywire_iso8583::compose(f48, &[(1, b"AB"), (2, b"HELLO"), (3, b"0042")]).unwrap();
    assert_eq!(value, [b"AB05HELLO".as_slice(), &[0x00, 0x42]].concat());
    let mut b = MessageBuilder::new(&spec, Mti::FINANCIAL_REQUEST);
    b.set(48, &value).unwrap();
    let wire = b.to_vec().unwrap();
    let m = MessageRef::parse(&spec, &wire).unwrap();
    let subs: Vec<Vec<u8>> = m
        .field(48)
        .unwrap()
        .subfields()
        .map(|s| s.value.to_vec())
        .collect();
    assert_eq!(subs, [b"AB".to_vec(), b"HELLO".to_vec(), b"0042".to_vec()]);
}

// moov-io/iso8583 Composite fields, written with the keys of moov's specs/builder.go: a
// positional processing code, ASCII-tagged private data, BER-TLV ICC data and a bitmap-
// controlled private field.
const MOOV_COMPOSITES: &str = r#"{
  "name": "moov composites",
  "fields": {
    "0": {"type": "String", "length": 4, "enc": "ASCII", "prefix": "ASCII.Fixed"},
    "1": {"type": "Bitmap", "length": 16, "enc": "HexToASCII", "prefix": "Hex.Fixed"},
    "3": {"type": "Composite", "length": 6, "description": "Processing Code",
          "prefix": "ASCII.Fixed", "tag": {"sort": "StringsByInt"},
          "subfields": {
            "1": {"type": "String", "length": 2, "description": "Transaction Type", "enc": "ASCII", "prefix": "ASCII.Fixed"},
            "2": {"type": "String", "length": 2, "description": "From Account", "enc": "ASCII", "prefix": "ASCII.Fixed"},
            "3": {"type": "String", "length": 2, "description": "To Account", "enc": "ASCII", "prefix": "ASCII.Fixed"}}},
    "48": {"type": "Composite", "length": 999, "description": "Additional Data",
           "prefix": "ASCII.LLL", "tag": {"length": 2, "enc": "ASCII", "sort": "StringsByInt"},
           "subfields": {
             "01": {"type": "String", "length": 99, "enc": "ASCII", "prefix": "ASCII.LL"},
             "02": {"type": "String", "length": 99, "enc": "ASCII", "prefix": "ASCII.LL"}}},
    "55": {"type": "Composite", "length": 999, "description": "ICC Data",
           "prefix": "ASCII.LLL", "tag": {"enc": "BerTLVTag", "sort": "StringsByHex"},
           "subfields": {
             "9F02": {"type": "Binary", "length": 6, "enc": "Binary", "prefix": "BerTLV"}}},
    "62": {"type": "Composite", "length": 999, "description": "Private Data",
           "prefix": "ASCII.LLL",
           "bitmap": {"type": "Bitmap", "length": 8, "enc": "HexToASCII", "prefix": "Hex.Fixed"},
           "subfields": {
             "1": {"type": "String", "length": 1, "enc": "ASCII", "prefix": "ASCII.Fixed"},
             "3": {"type": "Numeric", "length": 99, "enc": "ASCII", "prefix": "ASCII.LL"}}}
  }
}"#;

#[test]
fn moov_composites_map_onto_subfields() {
    let doc = SpecDoc::from_json(MOOV_COMPOSITES).unwrap();
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    let names = |n: u8| -> Vec<String> {
        let f = spec.field(n).unwrap();
        match f.subfields {
            paywire_iso8583::spec::Subfields::Positional(p) => {
                p.iter().map(|p| p.name.to_string()).collect()
            }
            _ => Vec::new(),
        }
    };
    assert_eq!(names(3), ["Transaction Type", "From Account", "To Account"]);

    let mut b = MessageBuilder::new(&spec, Mti::FINANCIAL_REQUEST);
    b.set(3, b"003000").unwrap();
    b.set(48, b"0105HELLO0203ABC").unwrap();
    b.set(55, &[0x9F, 0x02, 0x06, 0, 0, 0, 0, 0x10, 0]).unwrap();
    // Bitmap (hex): subfields 1 and 3, then "Y" and LL "42".
    b.set(62, b"A000000000000000Y0242").unwrap();
    let bytes = b.to_vec().unwrap();
    let m = MessageRef::parse(&spec, &bytes).unwrap();
    let values = |n: u8| -> Vec<String> {
        m.field(n)
            .unwrap()
            .subfields()
            .map(|s| s.value.iter().map(char::from).collect())
            .collect()
    };
    assert_eq!(values(3), ["00", "30", "00"]);
    assert_eq!(values(48), ["HELLO", "ABC"]);
    assert_eq!(values(62), ["Y", "42"]);
    let icc = m.icc_data().unwrap().unwrap();
    assert_eq!(icc.iter().count(), 1);
    // A tagged subfield whose length runs past the field is refused when set.
    assert!(b.set(48, b"0109HELLO").is_err());
    // A bitmap that announces an undefined subfield (2) is refused.
    assert!(b.set(62, b"E000000000000000Y0242").is_err());
}

#[test]
fn bitmap_subfields_in_paywire_json() {
    let text = r#"{"name":"x","mti":"ascii","bitmap":"hex","fields":{"62":{"content":"b",
      "encoding":"binary","prefix":"ascii-lll","max":999,"subfields":{"bitmap":{"encoding":"binary",
      "fields":{"2":{"name":"Terminal type","content":"ans","encoding":"ascii","length":2},
                "4":{"name":"Serial","content":"ans","encoding":"ascii","prefix":"ascii-ll","max":20}}}}}}}"#;
    let doc = SpecDoc::from_json(text).unwrap();
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    let mut value = vec![0x50, 0, 0, 0, 0, 0, 0, 0];
    value.extend_from_slice(b"0104SN42");
    let mut b = MessageBuilder::new(&spec, Mti::NETWORK_MANAGEMENT_REQUEST);
    b.set(62, &value).unwrap();
    let bytes = b.to_vec().unwrap();
    let m = MessageRef::parse(&spec, &bytes).unwrap();
    let subs: Vec<(String, Vec<u8>)> = m
        .field(62)
        .unwrap()
        .subfields()
        .map(|s| (format!("{:?}", s.id), s.value.iter().collect()))
        .collect();
    assert_eq!(subs.len(), 2);
    assert_eq!(subs[0].1, b"01");
    assert_eq!(subs[1].1, b"SN42");
    // Nested subfields are refused at load time.
    let nested = text.replace(r#""max":20}"#, r#""max":20,"subfields":"ber-tlv"}"#);
    assert_eq!(load_err(&nested), (ErrorKind::BadSpec, Some(62)));
}

#[test]
fn per_mti_override_changes_field_62() {
    let doc = SpecDoc::from_json(&load("specs/cups-test-override.json")).unwrap();
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    let sign_in = paywire_iso8583::Mti::NETWORK_MANAGEMENT_RESPONSE;
    assert_eq!(spec.field_for(sign_in, 62).unwrap().content, Content::B);
    assert_eq!(
        spec.field_for(paywire_iso8583::Mti::FINANCIAL_REQUEST, 62)
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
    let mut index = paywire_iso8583::FieldIndex::new();
    let kept = MessageRef::parse_in(&mut index, &spec, frame.message).unwrap();
    assert_eq!(kept.field(62).unwrap().spec().name, "Work keys");
    assert_eq!(
        kept.field(62).unwrap().value(),
        m.field(62).unwrap().value()
    );
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
    let mut b = paywire_iso8583::MessageBuilder::new(&spec, sign_in);
    assert!(b.set(62, &[0x00, 0xFF]).is_ok());
    let mut b = paywire_iso8583::MessageBuilder::new(
        &spec,
        paywire_iso8583::Mti::NETWORK_MANAGEMENT_REQUEST,
    );
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
        (paywire_iso8583::SubfieldId::Tag(b"A2"), Some(&b"OK"[..]))
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

#[test]
fn message_rules_in_json_specs() {
    use paywire_iso8583::rules::{Presence, Violation, validate};
    let doc = SpecDoc::from_json(&load("specs/rules-1987.json")).unwrap();
    let rules = doc.rules();
    assert_eq!(rules.len(), 2);
    let sale = rules
        .iter()
        .find(|r| r.mti == Mti::FINANCIAL_REQUEST)
        .unwrap();
    assert!(!sale.closed);
    assert_eq!(
        sale.fields
            .iter()
            .filter(|f| f.presence == Presence::Mandatory)
            .count(),
        5
    );
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    let mut b = MessageBuilder::new(&spec, Mti::FINANCIAL_REQUEST);
    b.set(2, b"4761739001010010")
        .unwrap()
        .set(39, b"00")
        .unwrap();
    let wire = b.to_vec().unwrap();
    let m = MessageRef::parse(&spec, &wire).unwrap();
    let found: Vec<Violation> = validate(&rules, &m).collect();
    // Ascending by field: 3, 4 and 11 missing, 39 not allowed, 41 missing.
    assert_eq!(
        found,
        [
            Violation::Missing(3),
            Violation::Missing(4),
            Violation::Missing(11),
            Violation::NotAllowed(39),
            Violation::Missing(41)
        ]
    );
    // A field listed twice, or a bitmap bit, is refused with the key.
    let text = load("specs/rules-1987.json");
    let twice = text.replace(r#""not_allowed": [39]"#, r#""not_allowed": [39, 2]"#);
    assert_eq!(
        SpecDoc::from_json(&twice).unwrap_err().kind(),
        ErrorKind::BadSpecKey
    );
    // (129 never is a field; 65 may be, in a spec that defines it.)
    let bitmap = text.replace(r#""not_allowed": [39]"#, r#""not_allowed": [129]"#);
    assert_eq!(
        SpecDoc::from_json(&bitmap).unwrap_err().kind(),
        ErrorKind::BadSpecKey
    );
}

#[test]
fn text_charset_per_spec() {
    use paywire_iso8583::spec::Charset;
    // ISO 8859-1: every byte one character, both ways; UTF-8: text as UTF-8, other bytes
    // shown as ISO 8859-1 so that nothing is lost.
    assert_eq!(Charset::Latin1.decode(b"Caf\xE9"), "Café");
    assert_eq!(Charset::Latin1.encode("Café").unwrap(), b"Caf\xE9");
    assert_eq!(Charset::Latin1.encode("零"), None);
    assert_eq!(Charset::Utf8.decode("Café".as_bytes()), "Café");
    assert_eq!(Charset::Utf8.encode("Café").unwrap(), "Café".as_bytes());
    assert_eq!(Charset::Utf8.decode(b"Caf\xE9"), "Café");
    assert_eq!(Charset::Latin1.borrow(b"ASCII"), Some("ASCII"));
    assert_eq!(Charset::Latin1.borrow("Café".as_bytes()), None);
    // JSON specs: `charset`, UTF-8 by default.
    let base = load("specs/rules-1987.json");
    assert_eq!(json::load(&base).unwrap().charset, Charset::Utf8);
    let latin = base.replacen(
        "\"mti\": \"ascii\"",
        "\"charset\": \"iso-8859-1\", \"mti\": \"ascii\"",
        1,
    );
    assert_eq!(json::load(&latin).unwrap().charset, Charset::Latin1);
    let bad = base.replacen(
        "\"mti\": \"ascii\"",
        "\"charset\": \"gbk\", \"mti\": \"ascii\"",
        1,
    );
    assert_eq!(
        SpecDoc::from_json(&bad).unwrap_err().kind(),
        ErrorKind::BadSpecKey
    );
    // The built-in specs read text as jPOS does.
    assert_eq!(builtin::ISO87ASCII.charset, Charset::Latin1);
}

/// moov's `Binary.L`… prefixes: that many bytes of big-endian length, with moov's own vectors
/// (moov-io/iso8583 `prefix/binary_test.go`: `L` for 24 → `0x18`, `LL` for 256 → `0x01 0x00`);
/// more than four length bytes are refused.
#[test]
fn moov_binary_prefixes() {
    let text = r#"{"name":"bin","fields":{
      "0":{"type":"String","length":4,"enc":"ASCII","prefix":"ASCII.Fixed"},
      "1":{"type":"Bitmap","length":8,"enc":"Binary","prefix":"Binary.Fixed"},
      "2":{"type":"String","length":32,"enc":"ASCII","prefix":"Binary.L"},
      "48":{"type":"Binary","length":512,"enc":"Binary","prefix":"Binary.LL"}}}"#;
    let doc = SpecDoc::from_json(text).unwrap();
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    let mut b = MessageBuilder::new(&spec, Mti::FINANCIAL_REQUEST);
    b.set(2, b"476173900101001000000000").unwrap();
    b.set(48, &[0xAB; 256]).unwrap();
    let wire = b.to_vec().unwrap();
    // MTI, 8-byte bitmap, then field 2's prefix and value, then field 48's.
    assert_eq!(wire[12], 0x18);
    assert_eq!(&wire[13..37], b"476173900101001000000000");
    assert_eq!(&wire[37..39], &[0x01, 0x00]);
    assert_eq!(wire.len(), 39 + 256);
    let m = MessageRef::parse(&spec, &wire).unwrap();
    assert_eq!(m.value(48).unwrap().len(), 256);
    let other = text.replace("Binary.LL\"", "Binary.LLLLL\"");
    assert_eq!(load_err(&other), (ErrorKind::Unsupported, Some(48)));
}

/// moov's `Hex.L`… prefixes: that many bytes of length as hexadecimal text, with moov's own
/// vectors (moov-io/iso8583 `prefix/hex_test.go`: `LLL` for 24 → `000018`; `L` reading `FF` →
/// 255).
#[test]
#[cfg(feature = "hex-prefix")]
fn moov_hex_prefixes() {
    let text = r#"{"name":"hex","fields":{
      "0":{"type":"String","length":4,"enc":"ASCII","prefix":"ASCII.Fixed"},
      "1":{"type":"Bitmap","length":8,"enc":"Binary","prefix":"Binary.Fixed"},
      "2":{"type":"String","length":32,"enc":"ASCII","prefix":"Hex.LLL"},
      "48":{"type":"String","length":255,"enc":"ASCII","prefix":"Hex.L"}}}"#;
    let doc = SpecDoc::from_json(text).unwrap();
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    let mut b = MessageBuilder::new(&spec, Mti::FINANCIAL_REQUEST);
    b.set(2, b"476173900101001000000000").unwrap();
    b.set(48, &[b'x'; 255]).unwrap();
    let wire = b.to_vec().unwrap();
    assert_eq!(&wire[12..18], b"000018");
    assert_eq!(&wire[18..42], b"476173900101001000000000");
    assert_eq!(&wire[42..44], b"FF");
    assert_eq!(wire.len(), 44 + 255);
    // Either case is read.
    let mut lower = wire.clone();
    lower[42..44].copy_from_slice(b"ff");
    let m = MessageRef::parse(&spec, &lower).unwrap();
    assert_eq!(m.value(48).unwrap().len(), 255);
    // Not hexadecimal: a bad prefix, named with its field.
    lower[42..44].copy_from_slice(b"FG");
    let e = MessageRef::parse(&spec, &lower).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::BadLengthPrefix, Some(48))
    );
    // Five bytes of length are more than paywire reads.
    let other = text.replace("Hex.LLL\"", "Hex.LLLLL\"");
    assert_eq!(load_err(&other), (ErrorKind::Unsupported, Some(2)));
}

/// A moov composite whose tags are EBCDIC (`tag.enc`), each subfield behind its own EBCDIC
/// prefix: each tag's subfield read by its own definition. Bytes from code page 037 (IBM's
/// table: `0`–`9` are F0–F9, `A`–`C` are C1–C3).
#[test]
#[cfg(all(feature = "bitmap-subfields", feature = "ebcdic"))]
fn moov_composite_with_ebcdic_tags() {
    use paywire_iso8583::spec::TagEncoding;
    let text = r#"{"name":"ebc","fields":{
      "0":{"type":"String","length":4,"enc":"ASCII","prefix":"ASCII.Fixed"},
      "1":{"type":"Bitmap","length":8,"enc":"Binary","prefix":"Binary.Fixed"},
      "48":{"type":"Composite","length":99,"prefix":"ASCII.LL",
        "tag":{"length":2,"enc":"EBCDIC","padding":{"type":"Left","pad":"0"},"sort":"StringsByInt"},
        "subfields":{
          "1":{"type":"String","length":9,"enc":"EBCDIC","prefix":"EBCDIC.LL"},
          "2":{"type":"Numeric","length":4,"enc":"BCD","prefix":"BCD.Fixed"}}}}}"#;
    let doc = SpecDoc::from_json(text).unwrap();
    let tables = doc.tables();
    let parts = doc.parts(&tables);
    let spec = doc.spec(&parts);
    let f48 = spec.field(48).unwrap();
    assert!(matches!(
        f48.subfields,
        Subfields::Tagged {
            tag_len: 2,
            tag_encoding: TagEncoding::Ebcdic,
            ..
        }
    ));
    let value = paywire_iso8583::compose(f48, &[(1, b"ABC"), (2, b"0042")]).unwrap();
    assert_eq!(
        value,
        [
            0xF0, 0xF1, 0xF0, 0xF3, 0xC1, 0xC2, 0xC3, 0xF0, 0xF2, 0x00, 0x42
        ]
    );
    let mut b = MessageBuilder::new(&spec, Mti::FINANCIAL_REQUEST);
    b.set(48, &value).unwrap();
    let wire = b.to_vec().unwrap();
    let m = MessageRef::parse(&spec, &wire).unwrap();
    let subs: Vec<Vec<u8>> = m
        .field(48)
        .unwrap()
        .subfields()
        .map(|s| s.value.to_vec())
        .collect();
    assert_eq!(subs, [b"ABC".to_vec(), b"0042".to_vec()]);
}

/// A JSON spec that defines field 65 reads bit 65 as that field (no tertiary bitmap), and may
/// then define nothing above 128.
#[test]
#[cfg(feature = "field-65")]
fn a_json_spec_defining_field_65_reads_it_as_data() {
    let text = r#"{"name": "f65", "mti": "ascii", "bitmap": "hex", "fields": {
        "3": {"content": "n", "encoding": "ascii", "length": 6},
        "65": {"content": "b", "encoding": "hex", "length": 1}}}"#;
    let spec = json::load(text).unwrap();
    assert!(spec.field65_is_data());
    let mut b = MessageBuilder::new(spec, Mti::FINANCIAL_REQUEST);
    b.set(3, b"000000").unwrap().set(65, &[0xAB]).unwrap();
    let wire = b.to_vec().unwrap();
    // Primary bitmap: bits 1 and 3; secondary: bit 65 only; then field 3 and 65 (hex text).
    assert_eq!(wire, b"0200A0000000000000008000000000000000000000AB");
    let m = MessageRef::parse(spec, &wire).unwrap();
    assert_eq!(m.fields().map(|f| f.number()).collect::<Vec<_>>(), [3, 65]);
    assert_eq!(m.bitmap().count(), 2);
    let with_130 = text.replace(
        r#""65": {"#,
        r#""130": {"content": "n", "encoding": "ascii", "length": 2}, "65": {"#,
    );
    assert_eq!(load_err(&with_130), (ErrorKind::BadSpec, Some(130)));
}
