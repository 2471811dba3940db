//! Agreement with jPOS on its own test message: `ISO87.xml` (fields 0–64 and 90 in jPOS's XML
//! form) and the images jPOS's `ISO87APackager` and `ISO87BPackager` pack it to
//! (`ISO87APackager.bin`, `ISO87BPackager.bin`), all from jpos/jPOS
//! `jpos/src/test/resources/org/jpos/iso/packagers/` at commit 2111e7aed617 (copied to
//! `tests/vectors/jpos-*`, the images as hex).
//!
//! The built-in `iso87ascii` / `iso87binary` read and write every field of it byte for byte
//! but two, both deliberate (see `builtin`):
//! - fields 28–31 (`x+n`): jPOS's test values start with `0` where ISO 8583 puts the sign `C`
//!   or `D`, which paywire requires; the test changes those four sign characters to `C` in the
//!   XML and in the images (found exactly once each, so nothing else moves);
//! - field 36 (track 3): ISO 8583:1987 makes it `n ..104` (paywire: the track code set `z`);
//!   jPOS's packagers take any text and its test value is `THE QUICK BROWN FOX …`, which the
//!   test replaces with 44 track characters in the XML and the images alike;
//! - field 55: paywire's built-in specs carry ICC data there (binary); jPOS's 1987 packagers
//!   have `IFA_LLLCHAR` / `IFB_LLLCHAR` 999, which the test puts back in a copy of the spec.
#![cfg(feature = "jpos")]
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_iso8583::builtin::{ISO87ASCII, ISO87BINARY};
use paywire_iso8583::jpos::{XmlMessage, XmlValue};
use paywire_iso8583::spec::{Content, Encoding, FieldSpec, Length, Prefix, Spec};
use paywire_iso8583::{Message, MessageRef};

fn vector(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// jPOS's field 55 put back into a copy of `base`.
fn with_jpos_55(base: &Spec<'static>, prefix: Prefix) -> &'static Spec<'static> {
    let field55 = FieldSpec::new(
        55,
        "RESERVED ISO",
        Content::Ans,
        Encoding::Ascii,
        Length::Var {
            prefix,
            min: 0,
            max: 999,
        },
    );
    let fields: Vec<FieldSpec<'static>> = base
        .fields
        .iter()
        .map(|f| if f.number == 55 { field55 } else { *f })
        .collect();
    let spec = Box::leak(Box::new(Spec {
        fields: Box::leak(fields.into_boxed_slice()),
        plan: None,
        ..*base
    }));
    spec.validate().unwrap();
    spec
}

const FOX: &str = "THE QUICK BROWN FOX JUMPED OVER THE LAZY DOG";
const TRACK3: &str = "011234567890123456=724724000000000010000=000";

/// jPOS's message with `C` as the sign of fields 28–31 and track characters in field 36.
fn jpos_message() -> XmlMessage {
    let mut m = XmlMessage::parse(&vector("jpos-ISO87.xml")).unwrap();
    for id in 28..=31 {
        let Some(XmlValue::Text(t)) = m.fields.get_mut(&id) else {
            panic!("field {id}")
        };
        assert!(t.starts_with('0'), "{t}");
        t.replace_range(..1, "C");
    }
    assert_eq!(m.fields.get(&36), Some(&XmlValue::Text(FOX.into())));
    m.fields.insert(36, XmlValue::Text(TRACK3.into()));
    m
}

/// Replaces the one occurrence of `from` in `image` with `to` (same length).
fn replace_once(image: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let found: Vec<usize> = image
        .windows(from.len())
        .enumerate()
        .filter(|(_, w)| *w == from)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(found.len(), 1, "found at {found:?}");
    image[found[0]..found[0] + to.len()].copy_from_slice(to);
}

/// A jPOS image with track characters in field 36 and the sign byte of each of `amounts` (as
/// they appear in a row, fields 28 to 31) changed to `C`.
fn patched_image(name: &str, amounts: &[&[u8]]) -> Vec<u8> {
    let mut image = hex::decode(vector(name).trim()).unwrap();
    replace_once(&mut image, FOX.as_bytes(), TRACK3.as_bytes());
    let needle: Vec<u8> = amounts.concat();
    let found: Vec<usize> = image
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle.as_slice())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(found.len(), 1, "{name}: fields 28-31 found {found:?}");
    let mut at = found[0];
    for a in amounts {
        assert_eq!(image[at], b'0');
        image[at] = b'C';
        at += a.len();
    }
    image
}

fn agree(spec: &'static Spec<'static>, image: &[u8]) {
    let xml = jpos_message();
    // XML → message → wire: jPOS's bytes.
    let built = xml.to_message(spec).unwrap().to_vec().unwrap();
    assert_eq!(
        hex::encode_upper(&built),
        hex::encode_upper(image),
        "{}",
        spec.name
    );
    // wire → message → XML: jPOS's values, binary fields as binary.
    let parsed = MessageRef::parse(spec, image).unwrap();
    let back = XmlMessage::from_message(&parsed, None);
    assert_eq!(back.fields.len(), 65, "fields 0, 2-64 and 90");
    for (id, value) in &xml.fields {
        assert_eq!(back.fields.get(id), Some(value), "{} field {id}", spec.name);
    }
    assert_eq!(back, xml);
    // And the XML paywire writes reads back to the same message.
    let again = XmlMessage::parse(&back.to_xml()).unwrap();
    assert_eq!(again, back);
    let owned = Message::parse(spec, image).unwrap();
    assert_eq!(owned.to_vec().unwrap(), image);
}

#[test]
fn iso87ascii_agrees_with_jpos_iso87apackager() {
    let amounts: [&[u8]; 4] = [b"000000100", b"000000200", b"000000300", b"000000400"];
    let image = patched_image("jpos-ISO87APackager.hex", &amounts);
    agree(with_jpos_55(&ISO87ASCII, Prefix::ascii(3)), &image);
}

#[test]
fn iso87binary_agrees_with_jpos_iso87bpackager() {
    // IFB_AMOUNT: the sign byte, then BCD.
    let amounts: [&[u8]; 4] = [
        b"\x30\x00\x00\x01\x00",
        b"\x30\x00\x00\x02\x00",
        b"\x30\x00\x00\x03\x00",
        b"\x30\x00\x00\x04\x00",
    ];
    let image = patched_image("jpos-ISO87BPackager.hex", &amounts);
    agree(with_jpos_55(&ISO87BINARY, Prefix::bcd(3)), &image);
}

#[test]
fn builtin_field_55_is_the_only_other_difference() {
    // Without field 55 put back, jPOS's image reads through field 54; field 55 (`004ABCD`)
    // takes 004 *bytes* of hex text ("ABCD004E") in iso87ascii, so field 56 starts inside
    // jPOS's and its prefix is refused. Nothing before 55 disagrees.
    let amounts: [&[u8]; 4] = [b"000000100", b"000000200", b"000000300", b"000000400"];
    let image = patched_image("jpos-ISO87APackager.hex", &amounts);
    let err = MessageRef::parse(&ISO87ASCII, &image).unwrap_err();
    assert_eq!(
        (err.field(), err.kind()),
        (Some(56), paywire_iso8583::ErrorKind::BadLengthPrefix),
        "{err}"
    );
}
