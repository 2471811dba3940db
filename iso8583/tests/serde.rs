//! Messages mapped onto the caller's types with serde: typed structs borrowed from the wire,
//! nested structs for subfields, the CLI's JSON form, random round trips.
#![cfg(all(feature = "serde", feature = "json-spec"))]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use std::collections::BTreeMap;

use paywire_iso8583::builtin::{ISO87ASCII, ISO87BINARY};
use paywire_iso8583::serde::{from_message, to_message};
use paywire_iso8583::spec::{Content, Length, Spec};
use paywire_iso8583::{MessageRef, Mti, Value};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

/// A purchase as a host would type it: borrowed text, numbers, bytes, optional fields.
#[derive(Debug, PartialEq, Deserialize, Serialize)]
struct Purchase<'a> {
    #[serde(rename = "0")]
    mti: &'a str,
    #[serde(rename = "2")]
    pan: &'a str,
    #[serde(rename = "3")]
    processing_code: &'a str,
    #[serde(rename = "4")]
    amount: u64,
    #[serde(rename = "11")]
    stan: u32,
    #[serde(rename = "41")]
    terminal: &'a str,
    #[serde(rename = "43", default, skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    #[serde(rename = "52", with = "serde_bytes_compat")]
    pin_block: Vec<u8>,
}

/// `Vec<u8>` through serde's bytes methods (what `serde_bytes` does), without the dependency.
mod serde_bytes_compat {
    pub(crate) fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        d.deserialize_bytes(V)
    }
}

fn purchase() -> Purchase<'static> {
    Purchase {
        mti: "0200",
        pan: "4761739001010010",
        processing_code: "000000",
        amount: 1000,
        stan: 172,
        terminal: "50080001",
        location: None,
        pin_block: vec![0x06, 0x12, 0x45, 0x75, 0xBE, 0xDC, 0xBE, 0xDC],
    }
}

#[test]
fn a_struct_in_and_out_of_both_1987_specs() {
    for spec in [&ISO87ASCII, &ISO87BINARY] {
        let wire = to_message(spec, &purchase()).unwrap().to_vec().unwrap();
        let m = MessageRef::parse(spec, &wire).unwrap();
        // Numbers were padded to the fields' lengths, as jPOS pads them.
        assert_eq!(m.value(4).unwrap().to_vec(), b"000000001000");
        assert_eq!(m.value(11).unwrap().to_vec(), b"000172");
        if spec.name == "iso87ascii" {
            let read: Purchase<'_> = from_message(&m).unwrap();
            assert_eq!(read, purchase());
            // Borrowed, not copied: the PAN points into the wire.
            let range = wire.as_ptr_range();
            assert!(range.contains(&read.pan.as_ptr()), "{}", spec.name);
        } else {
            // BCD numerics cannot be borrowed as text; owned strings and numbers read them.
            #[derive(Deserialize)]
            struct Owned {
                #[serde(rename = "0")]
                mti: String,
                #[serde(rename = "2")]
                pan: String,
                #[serde(rename = "4")]
                amount: u64,
                #[serde(rename = "52")]
                pin_block: String,
            }
            let read: Owned = from_message(&m).unwrap();
            assert_eq!(
                (
                    read.mti.as_str(),
                    read.pan.as_str(),
                    read.amount,
                    read.pin_block.as_str()
                ),
                ("0200", "4761739001010010", 1000, "06124575BEDCBEDC")
            );
        }
    }
}

/// The purchase with `Value` members: borrowed as they sit on the wire, in any encoding.
#[derive(Debug, Deserialize, Serialize)]
struct Views<'a> {
    #[serde(rename = "0")]
    mti: String,
    #[serde(rename = "2", borrow)]
    pan: Value<'a>,
    #[serde(rename = "3", borrow)]
    processing_code: Value<'a>,
    #[serde(rename = "4", borrow)]
    amount: Value<'a>,
    #[serde(rename = "11", borrow)]
    stan: Value<'a>,
    #[serde(rename = "41", borrow)]
    terminal: Value<'a>,
    #[serde(
        rename = "43",
        borrow,
        default,
        skip_serializing_if = "Option::is_none"
    )]
    location: Option<Value<'a>>,
    #[serde(rename = "52", borrow)]
    pin_block: Value<'a>,
}

#[test]
fn value_members_borrow_every_encoding_and_write_back_the_same_bytes() {
    for spec in [&ISO87ASCII, &ISO87BINARY] {
        let wire = to_message(spec, &purchase()).unwrap().to_vec().unwrap();
        let m = MessageRef::parse(spec, &wire).unwrap();
        let read: Views<'_> = from_message(&m).unwrap();
        let range = wire.as_ptr_range();
        for (name, v) in [
            ("pan", read.pan),
            ("amount", read.amount),
            ("pin", read.pin_block),
        ] {
            // Nothing copied: BCD digits and hex text stay as the wire has them.
            assert!(range.contains(&v.wire().as_ptr()), "{} {name}", spec.name);
            assert_eq!(
                Some(v),
                m.value(match name {
                    "pan" => 2,
                    "amount" => 4,
                    _ => 52,
                })
            );
        }
        assert_eq!(read.pan.to_vec(), b"4761739001010010");
        assert_eq!(read.processing_code.to_vec(), b"000000");
        assert_eq!(
            (read.amount.to_u64(), read.stan.to_u64()),
            (Some(1000), Some(172))
        );
        assert_eq!(read.terminal.to_vec(), b"50080001");
        assert_eq!(read.location, None);
        assert_eq!(
            read.pin_block.to_vec(),
            [0x06, 0x12, 0x45, 0x75, 0xBE, 0xDC, 0xBE, 0xDC]
        );
        // A struct holding the PAN this way does not print it.
        assert!(!format!("{read:?}").contains("4761739001010010"));
        // Serialized, it is the CLI's JSON form (binary fields as uppercase hex).
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            r#"{"0":"0200","2":"4761739001010010","3":"000000","4":"000000001000","11":"000172","41":"50080001","52":"06124575BEDCBEDC"}"#
        );
        // Written back: the same message, byte for byte.
        assert_eq!(
            to_message(spec, &read).unwrap().to_vec().unwrap(),
            wire,
            "{}",
            spec.name
        );
    }
}

#[test]
fn hex_text_borrows_as_text_when_uppercase() {
    #[derive(Deserialize)]
    struct Pin<'a> {
        #[serde(rename = "52", borrow)]
        pin_block: std::borrow::Cow<'a, str>,
    }
    let mut wire = to_message(&ISO87ASCII, &purchase())
        .unwrap()
        .to_vec()
        .unwrap();
    let m = MessageRef::parse(&ISO87ASCII, &wire).unwrap();
    let read: Pin<'_> = from_message(&m).unwrap();
    assert!(matches!(
        read.pin_block,
        std::borrow::Cow::Borrowed("06124575BEDCBEDC")
    ));
    // Lowercase hex on the wire (read as well): converted to the uppercase form.
    let at = wire
        .windows(16)
        .position(|w| w == b"06124575BEDCBEDC")
        .unwrap();
    wire[at..at + 16].make_ascii_lowercase();
    let m = MessageRef::parse(&ISO87ASCII, &wire).unwrap();
    let read: Pin<'_> = from_message(&m).unwrap();
    assert!(matches!(read.pin_block, std::borrow::Cow::Owned(ref s) if s == "06124575BEDCBEDC"));
}

#[test]
fn value_members_of_subfields_and_from_other_formats() {
    // Field 60 of the cups-pos layout, once in BCD (a part of packed digits is not a value of
    // its own: refused, naming the field) and once in ASCII (each part borrowed).
    let text = std::fs::read_to_string(format!(
        "{}/tests/specs/cups-test.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    #[derive(Debug, Deserialize)]
    struct F60<'a> {
        #[serde(rename = "1", borrow)]
        kind: Value<'a>,
        #[serde(rename = "2", borrow)]
        batch: Value<'a>,
    }
    #[derive(Debug, Deserialize)]
    struct Read<'a> {
        #[serde(rename = "60", borrow)]
        f60: F60<'a>,
    }
    let fields: BTreeMap<&str, &str> = [("0", "0800"), ("60", "00000001003")].into();
    let bcd = paywire_iso8583::json::load(&text).unwrap();
    let wire = to_message(bcd, &fields).unwrap().to_vec().unwrap();
    let m = MessageRef::parse(bcd, &wire).unwrap();
    let err = from_message::<Read<'_>, _>(&m).unwrap_err();
    assert_eq!(err.field(), Some(60), "{err}");
    let ascii_text = text.replacen(
        r#""encoding": "bcd-left-f",
      "prefix": "bcd-lll",
      "max": 999,
      "subfields""#,
        r#""encoding": "ascii",
      "prefix": "ascii-lll",
      "max": 999,
      "subfields""#,
        1,
    );
    assert_ne!(ascii_text, text);
    let ascii = paywire_iso8583::json::load(&ascii_text).unwrap();
    let wire = to_message(ascii, &fields).unwrap().to_vec().unwrap();
    let m = MessageRef::parse(ascii, &wire).unwrap();
    let read: Read<'_> = from_message(&m).unwrap();
    assert_eq!(read.f60.kind.as_str(), Some("00"));
    assert_eq!(read.f60.batch.to_u64(), Some(1));
    assert!(
        wire.as_ptr_range()
            .contains(&read.f60.batch.wire().as_ptr())
    );
    // Another format: borrowed text is an ASCII value.
    let v: Value<'_> = serde_json::from_str(r#""0200""#).unwrap();
    assert_eq!((v.as_str(), v.len()), (Some("0200"), 4));
    assert!(serde_json::from_str::<Value<'_>>("12").is_err());
}

#[test]
fn subfields_as_nested_structs() {
    // UnionPay's field 60 (positional: type, batch, network code) and 59 (ASCII-tagged) on
    // the cups-pos layout of tests/specs/cups-test.json.
    let spec = paywire_iso8583::json::load(
        &std::fs::read_to_string(format!(
            "{}/tests/specs/cups-test.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct F60<'a> {
        #[serde(rename = "1")]
        kind: &'a str,
        #[serde(rename = "2")]
        batch: u32,
        #[serde(rename = "3", default, skip_serializing_if = "Option::is_none")]
        network: Option<&'a str>,
    }
    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct SignIn<'a> {
        #[serde(rename = "0")]
        mti: &'a str,
        #[serde(rename = "11")]
        stan: u32,
        #[serde(rename = "60", borrow)]
        f60: F60<'a>,
    }
    let sign_in = SignIn {
        mti: "0800",
        stan: 13487,
        f60: F60 {
            kind: "00",
            batch: 1,
            network: Some("003"),
        },
    };
    let message = to_message(spec, &sign_in).unwrap();
    assert_eq!(message.get(60), Some(&b"00000001003"[..]));
    let wire = message.to_vec().unwrap();
    let m = MessageRef::parse(spec, &wire).unwrap();
    // Field 60 is BCD here: the parts are read converted, so owned text.
    #[derive(Debug, Deserialize)]
    struct Read {
        #[serde(rename = "60")]
        f60: BTreeMap<String, String>,
    }
    let read: Read = from_message(&m).unwrap();
    let parts: Vec<(&str, &str)> = read
        .f60
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(parts, [("1", "00"), ("2", "000001"), ("3", "003")]);
    // Trailing parts may be left out of the variable-length field 60; a part after a missing
    // one may not (the parts would shift).
    let short = SignIn {
        f60: F60 {
            network: None,
            ..sign_in.f60
        },
        ..sign_in
    };
    assert_eq!(
        to_message(spec, &short).unwrap().get(60),
        Some(&b"00000001"[..])
    );
    #[derive(Serialize)]
    struct Gap {
        #[serde(rename = "60")]
        f60: BTreeMap<&'static str, &'static str>,
    }
    let gap = Gap {
        f60: BTreeMap::from([("1", "00"), ("3", "003")]),
    };
    assert!(to_message(spec, &gap).is_err());
}

#[test]
fn the_untyped_form_is_the_cli_json_form() {
    let wire = to_message(&ISO87BINARY, &purchase())
        .unwrap()
        .to_vec()
        .unwrap();
    let m = MessageRef::parse(&ISO87BINARY, &wire).unwrap();
    let value: serde_json::Value = from_message(&m).unwrap();
    assert_eq!(
        value.to_string(),
        r#"{"0":"0200","11":"000172","2":"4761739001010010","3":"000000","4":"000000001000","41":"50080001","52":"06124575BEDCBEDC"}"#
    );
    // And back: the same bytes.
    let again = to_message(&ISO87BINARY, &value).unwrap().to_vec().unwrap();
    assert_eq!(again, wire);
}

#[test]
fn errors_name_the_field() {
    let no_mti: BTreeMap<&str, &str> = [("2", "4761739001010010")].into();
    assert_eq!(
        to_message(&ISO87ASCII, &no_mti).unwrap_err().field(),
        Some(0)
    );
    let bad_key: BTreeMap<&str, &str> = [("0", "0200"), ("pan", "4761")].into();
    assert!(
        to_message(&ISO87ASCII, &bad_key)
            .unwrap_err()
            .to_string()
            .contains("\"pan\"")
    );
    let bad_hex: BTreeMap<&str, &str> = [("0", "0200"), ("52", "0612XX")].into();
    let err = to_message(&ISO87ASCII, &bad_hex).unwrap_err();
    assert_eq!(
        (err.field(), err.to_string().contains("hexadecimal")),
        (Some(52), true)
    );
    let too_long: BTreeMap<&str, &str> = [("0", "0200"), ("11", "1234567")].into();
    assert_eq!(
        to_message(&ISO87ASCII, &too_long).unwrap_err().field(),
        Some(11)
    );
    // Reading: a field that is not a number for a numeric struct field, named.
    #[derive(Debug, Deserialize)]
    struct Wrong {
        #[serde(rename = "41")]
        #[allow(dead_code)]
        terminal: u64,
    }
    let named = Purchase {
        terminal: "TERM0001",
        ..purchase()
    };
    let wire = to_message(&ISO87ASCII, &named).unwrap().to_vec().unwrap();
    let m = MessageRef::parse(&ISO87ASCII, &wire).unwrap();
    let err = from_message::<Wrong, _>(&m).unwrap_err();
    assert_eq!(err.field(), Some(41));
    assert!(!err.to_string().contains("4761739001010010"), "{err}");
}

/// Random messages: values by content class (ASCII text, so that the text form is exact),
/// every field kind of the spec.
fn message(spec: &'static Spec<'static>) -> impl Strategy<Value = (u16, Vec<(u8, Vec<u8>)>)> {
    let fields: Vec<BoxedStrategy<(u8, Vec<u8>)>> = spec
        .fields
        .iter()
        .map(|f| {
            let number = f.number;
            let (min, max) = match f.length {
                Length::Fixed(n) => (usize::from(n), usize::from(n)),
                Length::Var { min, max, .. } => (usize::from(min), usize::from(max).min(40)),
            };
            let alphabet: Vec<u8> = match f.content {
                Content::N => (b'0'..=b'9').collect(),
                Content::A => (b'A'..=b'Z').collect(),
                Content::An => (b'0'..=b'9').chain(b'A'..=b'Z').collect(),
                Content::Z => b"0123456789=".to_vec(),
                Content::B => (0..=255).collect(),
                _ => (0x20..=0x7E).collect(),
            };
            let strategy = prop::collection::vec(prop::sample::select(alphabet), min..=max);
            if f.content == Content::XN {
                (
                    prop::sample::select(vec![b'C', b'D']),
                    prop::collection::vec(
                        prop::sample::select((b'0'..=b'9').collect::<Vec<u8>>()),
                        max - 1,
                    ),
                )
                    .prop_map(move |(s, mut d)| {
                        d.insert(0, s);
                        (number, d)
                    })
                    .boxed()
            } else {
                strategy.prop_map(move |v| (number, v)).boxed()
            }
        })
        .collect();
    (0u16..10000, prop::sample::subsequence(fields, 0..=12))
        .prop_flat_map(|(mti, chosen)| (Just(mti), chosen))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_messages_round_trip_through_the_untyped_form(
        (mti, fields) in message(&ISO87ASCII),
        binary in any::<bool>(),
    ) {
        let spec = if binary { &ISO87BINARY } else { &ISO87ASCII };
        let mut b = paywire_iso8583::MessageBuilder::new(spec, Mti::new(mti).unwrap());
        for (n, v) in &fields {
            b.set(*n, v).unwrap();
        }
        let wire = b.to_vec().unwrap();
        let m = MessageRef::parse(spec, &wire).unwrap();
        let map: BTreeMap<String, String> = from_message(&m).unwrap();
        prop_assert_eq!(map.len(), fields.len() + 1);
        let again = to_message(spec, &map).unwrap().to_vec().unwrap();
        prop_assert_eq!(&again, &wire);
        // The same through `Value`s: every field as the wire holds it, written back as it was.
        let views: BTreeMap<String, Value<'_>> = from_message(&m).unwrap();
        for (n, v) in &views {
            let number: u8 = n.parse().unwrap();
            if number > 0 {
                prop_assert_eq!(Some(*v), m.value(number));
            }
        }
        let again = to_message(spec, &views).unwrap().to_vec().unwrap();
        prop_assert_eq!(again, wire);
    }
}

#[test]
fn aliases_name_the_same_field() {
    // serde lists a field's aliases among the struct's names: keys must be matched by name.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Aliased<'a> {
        #[serde(rename = "0", alias = "mti")]
        mti: &'a str,
        #[serde(rename = "2", alias = "pan")]
        pan: &'a str,
        #[serde(rename = "41")]
        terminal: &'a str,
    }
    let wire = to_message(&ISO87ASCII, &purchase())
        .unwrap()
        .to_vec()
        .unwrap();
    let m = MessageRef::parse(&ISO87ASCII, &wire).unwrap();
    let read: Aliased<'_> = from_message(&m).unwrap();
    assert_eq!(
        read,
        Aliased {
            mti: "0200",
            pan: "4761739001010010",
            terminal: "50080001"
        }
    );
}
