//! `MessageRef::parse_in`: a field index the caller keeps, reused from message to message.
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_iso8583::builtin::{ISO87ASCII, ISO87BINARY};
use paywire_iso8583::{ErrorKind, FieldIndex, MessageBuilder, MessageRef, Mti, Spec};

fn build(spec: &'static Spec<'static>, fields: &[(u8, &[u8])]) -> Vec<u8> {
    let mut b = MessageBuilder::new(spec, Mti::FINANCIAL_REQUEST);
    for (n, v) in fields {
        b.set(*n, v).unwrap();
    }
    b.to_vec().unwrap()
}

/// Number, offset and logical value of every field.
fn listing<I: paywire_iso8583::Slots>(m: &MessageRef<'_, '_, I>) -> Vec<(u8, usize, Vec<u8>)> {
    m.fields()
        .map(|f| (f.number(), f.offset(), f.value().to_vec()))
        .collect()
}

/// A purchase's fields, and `last` after them.
fn purchase(spec: &'static Spec<'static>, last: (u8, &[u8])) -> Vec<u8> {
    build(
        spec,
        &[
            (2, b"6212345678901234567"),
            (3, b"000000"),
            (4, b"000000012345"),
            (11, b"000172"),
            (35, b"6212345678901234567=2812101"),
            last,
        ],
    )
}

#[test]
fn a_reused_index_shows_only_the_latest_message() {
    for spec in [&ISO87BINARY, &ISO87ASCII] {
        let full = purchase(spec, (41, b"50080001"));
        let small = build(spec, &[(3, b"310000"), (11, b"000173")]);
        let mut index = FieldIndex::new();
        {
            let m = MessageRef::parse_in(&mut index, spec, &full).unwrap();
            assert_eq!(
                listing(&m),
                listing(&MessageRef::parse(spec, &full).unwrap())
            );
            assert_eq!(m.stan(), Some(172));
        }
        let m = MessageRef::parse_in(&mut index, spec, &small).unwrap();
        let fresh = MessageRef::parse(spec, &small).unwrap();
        assert_eq!(listing(&m), listing(&fresh));
        assert_eq!(m.fields().map(|f| f.number()).collect::<Vec<_>>(), [3, 11]);
        // The slots of fields 2, 4, 35 and 41 still hold the first message's spans: absent
        // fields are never read from them.
        for n in [2, 4, 35, 41] {
            assert!(m.field(n).is_none(), "field {n}");
        }
        assert!(m.pan().is_none() && m.amount().is_none() && m.track2().is_none());
        assert_eq!(m.stan(), Some(173));
        assert!(m == fresh);
        assert_eq!(m.describe().to_string(), fresh.describe().to_string());
    }
}

#[test]
fn parse_in_fails_as_parse_does() {
    let bytes = build(&ISO87BINARY, &[(3, b"000000"), (11, b"000172")]);
    let mut index = FieldIndex::new();
    let mut longer = bytes.clone();
    longer.push(0);
    let cases: [&[u8]; 3] = [&longer, &bytes[..bytes.len() - 1], &bytes[..1]];
    for input in cases {
        let fresh = MessageRef::parse(&ISO87BINARY, input).unwrap_err();
        let kept = MessageRef::parse_in(&mut index, &ISO87BINARY, input).unwrap_err();
        assert_eq!(
            (kept.kind(), kept.field(), kept.offset()),
            (fresh.kind(), fresh.field(), fresh.offset())
        );
    }
    let e = MessageRef::parse_in(&mut index, &ISO87BINARY, &longer).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TrailingData { remaining: 1 });
    // After failures the index still serves a good message.
    let m = MessageRef::parse_in(&mut index, &ISO87BINARY, &bytes).unwrap();
    assert_eq!(m.stan(), Some(172));
}

#[test]
fn parse_prefix_in_splits_as_parse_prefix_does() {
    let one = build(&ISO87ASCII, &[(3, b"000000"), (11, b"000172")]);
    let two = build(
        &ISO87ASCII,
        &[(3, b"000000"), (11, b"000173"), (41, b"TERM0001")],
    );
    let stream = [one.as_slice(), two.as_slice()].concat();
    let mut index = FieldIndex::new();
    let (m, rest) = MessageRef::parse_prefix_in(&mut index, &ISO87ASCII, &stream).unwrap();
    assert_eq!(
        (m.as_bytes(), m.stan(), rest),
        (&one[..], Some(172), &two[..])
    );
    let (m, rest) = MessageRef::parse_prefix_in(&mut index, &ISO87ASCII, rest).unwrap();
    assert_eq!(
        (m.as_bytes(), m.stan(), rest.len()),
        (&two[..], Some(173), 0)
    );
    assert_eq!(m.terminal_id().unwrap().as_bytes(), Some(&b"TERM0001"[..]));
}

/// A BCD pad other than 0 or F (which `Spec::validate` refuses, but an unchecked spec can
/// hold) has no one-byte encoding code: the field's value still reads with its own encoding,
/// looked up from the definition.
#[test]
fn unusual_bcd_pad_reads_with_its_own_encoding() {
    use paywire_iso8583::spec::{
        Align, BitmapEncoding, Content, Encoding, FieldSpec, Length, MtiEncoding, Plan,
    };
    let encoding = Encoding::Bcd {
        align: Align::Left,
        pad: 0xA,
    };
    let fields: &'static [FieldSpec<'static>] = Box::leak(Box::new([FieldSpec::new(
        3,
        "Processing code",
        Content::N,
        encoding,
        Length::Fixed(3),
    )]));
    for plan in [Some(&*Box::leak(Box::new(Plan::compile(fields)))), None] {
        let spec = Spec {
            name: "pad-a",
            description: "",
            mti: MtiEncoding::Ascii,
            bitmap: BitmapEncoding::HexText,
            fields,
            overrides: &[],
            plan,
            charset: paywire_iso8583::spec::Charset::Latin1,
        };
        // MTI, hex bitmap with field 3, then "123" left-aligned with pad nibble A.
        let mut bytes = b"02002000000000000000".to_vec();
        bytes.extend([0x12, 0x3A]);
        let mut index = FieldIndex::new();
        let fresh = MessageRef::parse(&spec, &bytes).unwrap();
        let kept = MessageRef::parse_in(&mut index, &spec, &bytes).unwrap();
        for m in [fresh.field(3).unwrap(), kept.field(3).unwrap()] {
            assert_eq!(m.value().to_vec(), b"123");
            assert_eq!(m.spec().encoding, encoding);
        }
    }
}

/// An index of 65 slots (fields up to 64), inside the message or the caller's: the same message
/// as the default index for any message it holds; a field past it is refused with its number.
#[test]
fn an_index_for_fields_up_to_64() {
    for spec in [&ISO87BINARY, &ISO87ASCII] {
        let primary = purchase(spec, (64, b"\x01\x02\x03\x04\x05\x06\x07\x08"));
        let whole = MessageRef::parse(spec, &primary).unwrap();
        let inside = MessageRef::<FieldIndex<65>>::parse_with_slots(spec, &primary).unwrap();
        assert_eq!(listing(&inside), listing(&whole));
        assert_eq!(inside.mac_input(), whole.mac_input());
        let mut index = FieldIndex::<65>::empty();
        let kept = MessageRef::parse_in(&mut index, spec, &primary).unwrap();
        assert_eq!(listing(&kept), listing(&whole));
        assert_eq!(kept.describe().to_string(), whole.describe().to_string());

        let secondary = build(spec, &[(3, b"000000"), (70, b"301")]);
        let e = MessageRef::<FieldIndex<65>>::parse_with_slots(spec, &secondary).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::IndexTooSmall { slots: 65 }, Some(70))
        );
        let e = MessageRef::parse_in(&mut index, spec, &secondary).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::IndexTooSmall { slots: 65 });
        assert!(MessageRef::<FieldIndex<71>>::parse_with_slots(spec, &secondary).is_ok());
    }
}
