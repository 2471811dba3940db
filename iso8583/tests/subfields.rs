//! Subfields: positional (UnionPay F60), ASCII-tagged TLV (UnionPay F59), BER-TLV (F55), bitmap
//! subfields (one or two words) and subfields in sequence.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_iso8583::spec::{
    BitmapEncoding, Content, Encoding, FieldSpec, Length, MtiEncoding, Part, Prefix, Spec,
    Subfields,
};
use paywire_iso8583::{ErrorKind, MessageBuilder, MessageRef, Mti, SubfieldId};

const fn var(prefix: Prefix, max: u16) -> Length {
    Length::Var {
        prefix,
        min: 0,
        max,
    }
}

// Field 60 of the UnionPay POS dialect (alon0808/ProjectAfcApp code/AfcCore/UnionPay/
// qpboc_8583.c): 60.1 transaction type n2, 60.2 batch n6, 60.3 network management code n3,
// 60.4 read capability n1, 60.5 IC condition n1, 60.6 partial flag n1.
const F60: &[Part<'static>] = &[
    Part {
        name: "Transaction type",
        width: 2,
    },
    Part {
        name: "Batch number",
        width: 6,
    },
    Part {
        name: "Network management code",
        width: 3,
    },
    Part {
        name: "Read capability",
        width: 1,
    },
    Part {
        name: "IC condition",
        width: 1,
    },
    Part {
        name: "Partial approval",
        width: 1,
    },
];

// A bitmap-controlled field in the style of the card networks' private-use fields: an 8-byte
// bitmap, then the subfields it announces, each in its own format.
const F62_SUBFIELDS: &[FieldSpec<'static>] = &[
    FieldSpec::new(
        1,
        "Indicator",
        Content::An,
        Encoding::Ascii,
        Length::Fixed(1),
    ),
    FieldSpec::new(
        2,
        "Transaction identifier",
        Content::N,
        Encoding::BCD,
        Length::Fixed(15),
    ),
    FieldSpec::new(
        3,
        "Validation code",
        Content::An,
        Encoding::Ascii,
        Length::Fixed(4),
    ),
];

// Subfields 65–128 behind bit 1 of the subfield bitmap (jPOS's 16-byte IFB_BITMAP, as in its
// cmf.xml field 113).
const F61_SUBFIELDS: &[FieldSpec<'static>] = &[
    FieldSpec::new(2, "Code", Content::An, Encoding::Ascii, Length::Fixed(2)),
    FieldSpec::new(
        70,
        "Note",
        Content::Ans,
        Encoding::Ascii,
        var(Prefix::ascii(2), 10),
    ),
];

// Subfields end to end, each in its own format, numbered from 0 (jPOS's
// `emitBitmap="false" firstField="0"`).
const F63_SEQUENCE: &[FieldSpec<'static>] = &[
    FieldSpec::new(0, "Kind", Content::An, Encoding::Ascii, Length::Fixed(1)),
    FieldSpec::new(
        1,
        "Reference",
        Content::Ans,
        Encoding::Ascii,
        var(Prefix::ascii(2), 20),
    ),
    FieldSpec::new(2, "Count", Content::N, Encoding::BCD, Length::Fixed(4)),
    FieldSpec::new(3, "Tail", Content::Ans, Encoding::Ascii, Length::Fixed(3)),
];

// Tag, then the subfield the tag names, each in its own format: tags of two BCD digits.
const F48_TAGGED: &[FieldSpec<'static>] = &[
    FieldSpec::new(
        1,
        "Note",
        Content::Ans,
        Encoding::Ascii,
        var(Prefix::ascii(2), 10),
    ),
    FieldSpec::new(2, "Count", Content::N, Encoding::BCD, Length::Fixed(4)),
    FieldSpec::new(
        10,
        "Key data",
        Content::B,
        Encoding::Binary,
        var(Prefix::binary(1), 8),
    ),
];

static FIELDS: [FieldSpec<'static>; 8] = [
    FieldSpec::new(11, "STAN", Content::N, Encoding::BCD, Length::Fixed(6)),
    FieldSpec::new(
        48,
        "Tagged",
        Content::B,
        Encoding::Binary,
        var(Prefix::bcd(3), 255),
    )
    .with_subfields(Subfields::Tagged {
        tag_len: 2,
        tag_encoding: paywire_iso8583::spec::TagEncoding::Bcd,
        fields: F48_TAGGED,
    }),
    FieldSpec::new(
        55,
        "ICC data",
        Content::B,
        Encoding::Binary,
        var(Prefix::bcd(3), 255),
    )
    .with_subfields(Subfields::BerTlv),
    FieldSpec::new(
        59,
        "Scan data",
        Content::Ans,
        Encoding::Ascii,
        var(Prefix::bcd(3).counting_bytes(), 999),
    )
    .with_subfields(Subfields::TaggedAscii {
        tag_len: 2,
        len_digits: 3,
    }),
    FieldSpec::new(
        60,
        "Reserved private",
        Content::N,
        Encoding::BCD_LEFT_0,
        var(Prefix::bcd(3), 17),
    )
    .with_subfields(Subfields::Positional(F60)),
    FieldSpec::new(
        61,
        "Extended private use",
        Content::B,
        Encoding::Binary,
        var(Prefix::bcd(3), 255),
    )
    .with_subfields(Subfields::Bitmap {
        encoding: BitmapEncoding::Binary,
        fields: F61_SUBFIELDS,
    }),
    FieldSpec::new(
        62,
        "Private use",
        Content::B,
        Encoding::Binary,
        var(Prefix::bcd(3), 255),
    )
    .with_subfields(Subfields::Bitmap {
        encoding: BitmapEncoding::Binary,
        fields: F62_SUBFIELDS,
    }),
    FieldSpec::new(
        63,
        "Sequence",
        Content::B,
        Encoding::Binary,
        var(Prefix::bcd(3), 255),
    )
    .with_subfields(Subfields::Sequence(F63_SEQUENCE)),
];

static SPEC: Spec<'static> = Spec {
    name: "subfields-test",
    description: "",
    mti: MtiEncoding::Bcd,
    bitmap: BitmapEncoding::Binary,
    fields: &FIELDS,
    overrides: &[],
    plan: None,
    charset: paywire_iso8583::spec::Charset::Latin1,
};

#[test]
fn spec_is_valid() {
    if cfg!(feature = "bitmap-subfields") {
        SPEC.validate().unwrap();
    } else {
        // Without the feature the first field with subfields under a bitmap is refused, by
        // number (and one with subfields in sequence alike).
        let e = SPEC.validate().unwrap_err();
        assert_eq!((e.kind(), e.field()), (ErrorKind::Unsupported, Some(48)));
        let e = SPEC.field(63).unwrap().validate().unwrap_err();
        assert_eq!((e.kind(), e.field()), (ErrorKind::Unsupported, Some(63)));
    }
    let bad = FieldSpec::new(60, "x", Content::N, Encoding::Ascii, Length::Fixed(5))
        .with_subfields(Subfields::Positional(F60));
    assert_eq!(bad.validate().unwrap_err().kind(), ErrorKind::BadSpec);
}

#[test]
fn positional_parts_over_bcd() {
    // The 0810 sign-in F60 (rufus123456/Java8583Sample): "00000001003".
    let mut b = MessageBuilder::new(&SPEC, Mti::NETWORK_MANAGEMENT_RESPONSE);
    b.set(60, b"00000001003").unwrap();
    let bytes = b.to_vec().unwrap();
    let m = MessageRef::parse(&SPEC, &bytes).unwrap();
    let parts: Vec<(SubfieldId<'_>, Vec<u8>)> = m
        .field(60)
        .unwrap()
        .subfields()
        .map(|s| (s.id, s.value.to_vec()))
        .collect();
    assert_eq!(
        parts,
        [
            (SubfieldId::Position(1), b"00".to_vec()),
            (SubfieldId::Position(2), b"000001".to_vec()),
            (SubfieldId::Position(3), b"003".to_vec()),
        ]
    );
    assert_eq!(
        m.field(60)
            .unwrap()
            .subfields()
            .nth(2)
            .unwrap()
            .value
            .to_u64(),
        Some(3)
    );
    let table = m.describe().to_string();
    assert!(
        table.contains("Network management code") && table.contains("003"),
        "{table}"
    );
    // Ending inside 60.3 is refused when set and when parsed.
    assert_eq!(
        b.set(60, b"0000000100").unwrap_err().kind(),
        ErrorKind::BadSubfield { index: 2 }
    );
}

#[test]
fn tagged_ascii_tlv() {
    // F59 with A3 = the consumer's payment code (19 digits) and an unknown tag kept as is.
    let value = b"A30191346845678901234567ZZ003abc";
    let mut b = MessageBuilder::new(&SPEC, Mti::FINANCIAL_REQUEST);
    b.set(59, value).unwrap();
    let bytes = b.to_vec().unwrap();
    let m = MessageRef::parse(&SPEC, &bytes).unwrap();
    let subs: Vec<_> = m.field(59).unwrap().subfields().collect();
    assert_eq!(subs.len(), 2);
    assert_eq!(
        (subs[0].id, subs[0].value.as_bytes()),
        (SubfieldId::Tag(b"A3"), Some(&b"1346845678901234567"[..]))
    );
    assert_eq!(
        (subs[1].id, subs[1].value.as_bytes()),
        (SubfieldId::Tag(b"ZZ"), Some(&b"abc"[..]))
    );
    assert_eq!(m.value(59).unwrap().as_bytes(), Some(&value[..]));
    // A length past the end, or not digits, names the element.
    assert_eq!(
        b.set(59, b"A3019123").unwrap_err().kind(),
        ErrorKind::BadSubfield { index: 0 }
    );
    assert_eq!(
        b.set(59, b"A3002ABA2xx1").unwrap_err().kind(),
        ErrorKind::BadSubfield { index: 1 }
    );
}

#[test]
fn ber_tlv_checked_at_parse() {
    let mut b = MessageBuilder::new(&SPEC, Mti::FINANCIAL_REQUEST);
    b.set(55, &[0x9F, 0x26, 0x02, 0xAB, 0xCD]).unwrap();
    let bytes = b.to_vec().unwrap();
    let m = MessageRef::parse(&SPEC, &bytes).unwrap();
    assert_eq!(
        m.field(55)
            .unwrap()
            .tlv()
            .unwrap()
            .find(paywire_emv_tlv::Tag::APPLICATION_CRYPTOGRAM)
            .unwrap()
            .value(),
        &[0xAB, 0xCD]
    );
    // A TLV length past the end: refused when set, and when parsed (with the offset in the message).
    assert!(matches!(
        b.set(55, &[0x9F, 0x26, 0x05, 0xAB]).unwrap_err().kind(),
        ErrorKind::Tlv(_)
    ));
    let mut broken = bytes.clone();
    let at = broken.len() - 3;
    broken[at] = 0x05;
    let e = MessageRef::parse(&SPEC, &broken).unwrap_err();
    assert_eq!((e.field(), e.offset()), (Some(55), at));
}

#[test]
#[cfg(feature = "bitmap-subfields")]
fn bitmap_controlled_subfields() {
    // Bits 1 and 2: "Y" and the 15-digit identifier 012345678901234 as right-aligned BCD.
    let mut value = vec![0xC0, 0, 0, 0, 0, 0, 0, 0, b'Y'];
    value.extend(hex::decode("0012345678901234").unwrap());
    let mut b = MessageBuilder::new(&SPEC, Mti::FINANCIAL_RESPONSE);
    b.set(62, &value).unwrap();
    let bytes = b.to_vec().unwrap();
    let m = MessageRef::parse(&SPEC, &bytes).unwrap();
    let subs: Vec<(SubfieldId<'_>, Option<&str>, Vec<u8>)> = m
        .field(62)
        .unwrap()
        .subfields()
        .map(|s| (s.id, s.name, s.value.to_vec()))
        .collect();
    assert_eq!(
        subs,
        [
            (SubfieldId::Position(1), Some("Indicator"), b"Y".to_vec()),
            (
                SubfieldId::Position(2),
                Some("Transaction identifier"),
                b"012345678901234".to_vec()
            ),
        ]
    );
    assert!(m.describe().to_string().contains("Transaction identifier"));
    // Bit 3 announced, data missing; bit 4 not defined; bytes left after the last subfield.
    let mut missing = value.clone();
    missing[0] = 0xE0;
    assert_eq!(
        b.set(62, &missing).unwrap_err().kind(),
        ErrorKind::BadSubfield { index: 2 }
    );
    let mut undefined = value.clone();
    undefined[0] = 0xD0;
    assert_eq!(
        b.set(62, &undefined).unwrap_err().kind(),
        ErrorKind::BadSubfield { index: 3 }
    );
    let mut trailing = value.clone();
    trailing.push(0);
    assert_eq!(
        b.set(62, &trailing).unwrap_err().kind(),
        ErrorKind::TrailingData { remaining: 1 }
    );
    // The subfield bitmap (subfield 0) cut short: a malformed field, not a truncated message.
    assert_eq!(
        b.set(62, &[0xC0]).unwrap_err().kind(),
        ErrorKind::BadSubfield { index: 0 }
    );
}

#[cfg(feature = "bitmap-subfields")]
fn subs(bytes: &[u8], field: u8) -> Vec<(SubfieldId<'_>, Vec<u8>)> {
    MessageRef::parse(&SPEC, bytes)
        .unwrap()
        .field(field)
        .unwrap()
        .subfields()
        .map(|s| (s.id, s.value.to_vec()))
        .collect()
}

/// A message of `SPEC` with field `field` set to `value`, encoded.
#[cfg(feature = "bitmap-subfields")]
fn with_field(field: u8, value: &[u8]) -> Vec<u8> {
    let mut b = MessageBuilder::new(&SPEC, Mti::FINANCIAL_RESPONSE);
    b.set(field, value).unwrap();
    b.to_vec().unwrap()
}

/// Numbered subfields as [`subs`] reads them, as the pairs `compose` takes.
#[cfg(feature = "bitmap-subfields")]
fn numbered<'r>(read: &'r [(SubfieldId<'_>, Vec<u8>)]) -> Vec<(u8, &'r [u8])> {
    read.iter()
        .map(|(id, v)| match id {
            SubfieldId::Position(n) => (*n, v.as_slice()),
            _ => unreachable!(),
        })
        .collect()
}

#[test]
#[cfg(feature = "bitmap-subfields")]
fn subfields_in_sequence() {
    // 63.0 "A", 63.1 LL "HELLO", 63.2 BCD 1234, 63.3 "XYZ".
    let mut value = b"A05HELLO".to_vec();
    value.extend([0x12, 0x34]);
    value.extend(b"XYZ");
    let mut b = MessageBuilder::new(&SPEC, Mti::FINANCIAL_RESPONSE);
    b.set(63, &value).unwrap();
    let bytes = b.to_vec().unwrap();
    assert_eq!(
        subs(&bytes, 63),
        [
            (SubfieldId::Position(0), b"A".to_vec()),
            (SubfieldId::Position(1), b"HELLO".to_vec()),
            (SubfieldId::Position(2), b"1234".to_vec()),
            (SubfieldId::Position(3), b"XYZ".to_vec()),
        ]
    );
    // The value may stop after any whole subfield, not inside one, nor run past the last.
    b.set(63, b"A05HELLO").unwrap();
    assert_eq!(subs(&b.to_vec().unwrap(), 63).len(), 2);
    assert_eq!(
        b.set(63, b"A05HEL").unwrap_err().kind(),
        ErrorKind::BadSubfield { index: 1 }
    );
    let mut trailing = value.clone();
    trailing.push(b'Q');
    assert_eq!(
        b.set(63, &trailing).unwrap_err().kind(),
        ErrorKind::TrailingData { remaining: 1 }
    );
}

#[test]
#[cfg(feature = "bitmap-subfields")]
fn tagged_subfields_each_in_its_own_format() {
    let f48 = SPEC.field(48).unwrap();
    // Tag 10 (BCD 0x10), its one-byte binary length and two bytes; tag 01, an ASCII LL "HI";
    // written in the order given.
    let value = paywire_iso8583::compose(f48, &[(10, &[0xAB, 0xCD][..]), (1, b"HI")]).unwrap();
    assert_eq!(
        value,
        [0x10, 0x02, 0xAB, 0xCD, 0x01, b'0', b'2', b'H', b'I']
    );
    let mut b = MessageBuilder::new(&SPEC, Mti::FINANCIAL_RESPONSE);
    b.set(48, &value).unwrap();
    assert_eq!(
        subs(&b.to_vec().unwrap(), 48),
        [
            (SubfieldId::Position(10), vec![0xAB, 0xCD]),
            (SubfieldId::Position(1), b"HI".to_vec()),
        ]
    );
    // A short fixed value is padded (n: zeros to the left); BCD tag 02 then 0x0042.
    assert_eq!(
        paywire_iso8583::compose(f48, &[(2, b"42")]).unwrap(),
        [0x02, 0x00, 0x42]
    );
    // A tag the spec does not define (05), a tag that is not BCD digits, a subfield cut short.
    for (bad, index) in [
        (&[0x05, 0x00, 0x42][..], 0),
        (&[0x02, 0x00, 0x42, 0xAB, 0x00][..], 1),
        (&[0x10, 0x05, 0xAB][..], 0),
        // A tag given twice (found by fuzzing: composing what was read failed).
        (&[0x10, 0x02, 0xAB, 0xCD, 0x10, 0x00][..], 1),
    ] {
        assert_eq!(
            b.set(48, bad).unwrap_err().kind(),
            ErrorKind::BadSubfield { index },
            "{bad:02X?}"
        );
    }
    // A subfield the spec does not define cannot be composed.
    assert!(paywire_iso8583::compose(f48, &[(3, b"X")]).is_err());
}

#[test]
#[cfg(feature = "bitmap-subfields")]
fn composing_subfields_in_sequence() {
    let f63 = SPEC.field(63).unwrap();
    // A part left out before the last given is written empty: a zero length for 63.1.
    assert_eq!(
        paywire_iso8583::compose(f63, &[(2, b"1234"), (0, b"A")]).unwrap(),
        [b"A00".as_slice(), &[0x12, 0x34]].concat()
    );
    // Fixed parts left out, or short, are padded as their definitions say (an: spaces to
    // the right; n: zeros to the left).
    assert_eq!(
        paywire_iso8583::compose(f63, &[(3, b"X"), (2, b"7")]).unwrap(),
        [b" 00".as_slice(), &[0x00, 0x07], b"X  "].concat()
    );
    // A subfield given twice, one not defined, one too long for its width.
    for parts in [
        &[(0, b"A".as_slice()), (0, b"B".as_slice())][..],
        &[(9, b"A".as_slice())][..],
        &[(3, b"TOOLONG".as_slice())][..],
    ] {
        assert!(matches!(
            paywire_iso8583::compose(f63, parts).unwrap_err().kind(),
            ErrorKind::BadSubfield { .. }
        ));
    }
}

#[test]
#[cfg(feature = "bitmap-subfields")]
fn subfield_bitmap_with_a_second_word() {
    let f61 = SPEC.field(61).unwrap();
    // Subfields 2 and 70: bit 1 (second word follows) and bit 2 in the first word, bit 70
    // (the second word's sixth) in the second, then "OK" and LL "HI".
    let value = paywire_iso8583::compose(f61, &[(70, b"HI"), (2, b"OK")]).unwrap();
    let mut expected = vec![0xC0, 0, 0, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0, 0];
    expected.extend(b"OK02HI");
    assert_eq!(value, expected);
    let mut b = MessageBuilder::new(&SPEC, Mti::FINANCIAL_RESPONSE);
    b.set(61, &value).unwrap();
    assert_eq!(
        subs(&b.to_vec().unwrap(), 61),
        [
            (SubfieldId::Position(2), b"OK".to_vec()),
            (SubfieldId::Position(70), b"HI".to_vec()),
        ]
    );
    // Only the first word when nothing above 64 is given.
    let value = paywire_iso8583::compose(f61, &[(2, b"OK")]).unwrap();
    assert_eq!(value, [&[0x40, 0, 0, 0, 0, 0, 0, 0][..], b"OK"].concat());
    // The same in hex text (an ASCII field): 32 characters of bitmap, then the subfields.
    let hex = FieldSpec::new(
        61,
        "X",
        Content::Ans,
        Encoding::Ascii,
        var(Prefix::ascii(3), 99),
    )
    .with_subfields(Subfields::Bitmap {
        encoding: BitmapEncoding::HexText,
        fields: F61_SUBFIELDS,
    });
    assert_eq!(
        paywire_iso8583::compose(&hex, &[(2, b"OK"), (70, b"HI")]).unwrap(),
        b"C0000000000000000400000000000000OK02HI"
    );
    // Bit 1 set with the second word cut short.
    assert_eq!(
        b.set(61, &[0xC0, 0, 0, 0, 0, 0, 0, 0, 0x04])
            .unwrap_err()
            .kind(),
        ErrorKind::BadSubfield { index: 0 }
    );
}

#[test]
fn sequence_and_extended_bitmap_shapes_are_checked() {
    let seq = |fields: &'static [FieldSpec<'static>], encoding| {
        FieldSpec::new(63, "S", Content::B, encoding, var(Prefix::bcd(3), 255))
            .with_subfields(Subfields::Sequence(fields))
    };
    const DESCENDING: &[FieldSpec<'static>] = &[
        FieldSpec::new(2, "B", Content::An, Encoding::Ascii, Length::Fixed(1)),
        FieldSpec::new(1, "A", Content::An, Encoding::Ascii, Length::Fixed(1)),
    ];
    const NESTED: &[FieldSpec<'static>] =
        &[
            FieldSpec::new(1, "A", Content::N, Encoding::Ascii, Length::Fixed(4)).with_subfields(
                Subfields::Positional(&[Part {
                    name: "x",
                    width: 4,
                }]),
            ),
        ];
    if cfg!(feature = "bitmap-subfields") {
        seq(F63_SEQUENCE, Encoding::Binary).validate().unwrap();
    }
    for bad in [
        seq(DESCENDING, Encoding::Binary),
        seq(NESTED, Encoding::Binary),
        seq(&[], Encoding::Binary),
        // The value must be its wire bytes.
        seq(F63_SEQUENCE, Encoding::HexText),
    ] {
        assert!(bad.validate().is_err(), "{bad:?}");
    }
    // Tags of 1–3 digits, each number fitting them.
    let tagged = |tag_len, fields: &'static [FieldSpec<'static>]| {
        FieldSpec::new(
            48,
            "T",
            Content::B,
            Encoding::Binary,
            var(Prefix::bcd(3), 255),
        )
        .with_subfields(Subfields::Tagged {
            tag_len,
            tag_encoding: paywire_iso8583::spec::TagEncoding::Ascii,
            fields,
        })
    };
    if cfg!(feature = "bitmap-subfields") {
        tagged(2, F48_TAGGED).validate().unwrap();
    }
    for bad in [
        tagged(0, F48_TAGGED),
        tagged(4, F48_TAGGED),
        tagged(1, F48_TAGGED),
    ] {
        assert!(bad.validate().is_err(), "{bad:?}");
    }
    // With subfields above 64, bit 1 announces the second word: no subfield 1.
    const ONE_AND_70: &[FieldSpec<'static>] = &[
        FieldSpec::new(1, "A", Content::An, Encoding::Ascii, Length::Fixed(1)),
        FieldSpec::new(70, "B", Content::An, Encoding::Ascii, Length::Fixed(1)),
    ];
    let f = FieldSpec::new(
        61,
        "X",
        Content::B,
        Encoding::Binary,
        var(Prefix::bcd(3), 99),
    )
    .with_subfields(Subfields::Bitmap {
        encoding: BitmapEncoding::Binary,
        fields: ONE_AND_70,
    });
    assert!(f.validate().is_err());
}

#[cfg(feature = "bitmap-subfields")]
mod composed {
    use super::*;
    use proptest::prelude::*;

    fn text(alphabet: &'static [u8], max: usize) -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(prop::sample::select(alphabet), 0..=max)
    }

    const DIGITS: &[u8] = b"0123456789";
    const LETTERS: &[u8] = b"ABCXYZabc019 ";
    const PRINTABLE: &[u8] = b" !#09:=AZaz~";

    /// A value for 63.0–63.3, or none: each within its definition's width (short fixed ones
    /// are padded by `compose`).
    fn sequence_parts() -> impl Strategy<Value = [Option<Vec<u8>>; 4]> {
        (
            prop::option::of(text(LETTERS, 1)),
            prop::option::of(text(PRINTABLE, 20)),
            prop::option::of(text(DIGITS, 4)),
            prop::option::of(text(PRINTABLE, 3)),
        )
            .prop_map(|(a, b, c, d)| [a, b, c, d])
    }

    /// What reading the composed field gives for part `i`: the value padded as its definition
    /// says (an empty one when left out).
    fn padded(i: usize, value: Option<&Vec<u8>>) -> Vec<u8> {
        let value = value.cloned().unwrap_or_default();
        match i {
            0 => [value.clone(), vec![b' '; 1 - value.len()]].concat(),
            2 => [vec![b'0'; 4 - value.len()], value].concat(),
            3 => [value.clone(), vec![b' '; 3 - value.len()]].concat(),
            _ => value,
        }
    }

    proptest! {
        /// Subfields in sequence: composed, set, parsed and read back, each part is what was
        /// given (padded to its width), up to the last one given; the field's bytes compose
        /// again from what was read.
        #[test]
        fn sequence_round_trip(parts in sequence_parts()) {
            let f63 = SPEC.field(63).unwrap();
            let given: Vec<(u8, &[u8])> = parts
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.as_ref().map(|v| (i as u8, v.as_slice())))
                .collect();
            let value = paywire_iso8583::compose(f63, &given).unwrap();
            let last = parts.iter().rposition(Option::is_some);
            if value.is_empty() {
                prop_assert!(last.is_none());
                return Ok(());
            }
            let bytes = with_field(63, &value);
            let read = subs(&bytes, 63);
            let expected: Vec<(SubfieldId<'_>, Vec<u8>)> = (0..=last.unwrap())
                .map(|i| (SubfieldId::Position(i as u8), padded(i, parts[i].as_ref())))
                .collect();
            prop_assert_eq!(&read, &expected);
            let again = numbered(&read);
            prop_assert_eq!(paywire_iso8583::compose(f63, &again).unwrap(), value);
        }

        /// Tagged subfields: any of 48.1, 48.2 and 48.10, each at most once, in any order,
        /// composed, set, parsed and read back in that order, and composed again.
        #[test]
        fn tagged_round_trip(
            order in Just(vec![1u8, 2, 10]).prop_shuffle(),
            keep in prop::collection::vec(any::<bool>(), 3),
            note in text(PRINTABLE, 10),
            count in prop::collection::vec(prop::sample::select(DIGITS), 4),
            key in prop::collection::vec(any::<u8>(), 0..=8),
        ) {
            let f48 = SPEC.field(48).unwrap();
            let given: Vec<(u8, &[u8])> = order
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(&n, _)| match n {
                    1 => (1, note.as_slice()),
                    2 => (2, count.as_slice()),
                    _ => (10, key.as_slice()),
                })
                .collect();
            prop_assume!(!given.is_empty());
            let value = paywire_iso8583::compose(f48, &given).unwrap();
            let bytes = with_field(48, &value);
            let read = subs(&bytes, 48);
            let expected: Vec<(SubfieldId<'_>, Vec<u8>)> = given
                .iter()
                .map(|(n, v)| (SubfieldId::Position(*n), v.to_vec()))
                .collect();
            prop_assert_eq!(&read, &expected);
            let again = numbered(&read);
            prop_assert_eq!(paywire_iso8583::compose(f48, &again).unwrap(), value);
        }

        /// A subfield bitmap with a second word: any of 61.2 and 61.70, composed, set, parsed
        /// and read back.
        #[test]
        fn extended_bitmap_round_trip(
            code in prop::option::of(text(LETTERS, 2).prop_filter("fixed width", |v| v.len() == 2)),
            note in prop::option::of(text(PRINTABLE, 10)),
        ) {
            let f61 = SPEC.field(61).unwrap();
            let mut given: Vec<(u8, &[u8])> = Vec::new();
            if let Some(c) = &code {
                given.push((2, c));
            }
            if let Some(n) = &note {
                given.push((70, n));
            }
            prop_assume!(!given.is_empty());
            let value = paywire_iso8583::compose(f61, &given).unwrap();
            prop_assert_eq!(value.len() >= 16, note.is_some());
            let bytes = with_field(61, &value);
            let expected: Vec<(SubfieldId<'_>, Vec<u8>)> = given
                .iter()
                .map(|(n, v)| (SubfieldId::Position(*n), v.to_vec()))
                .collect();
            prop_assert_eq!(subs(&bytes, 61), expected);
        }
    }
}

/// The two-word subfield bitmap in hex text, read through a JSON spec.
#[test]
#[cfg(all(feature = "bitmap-subfields", feature = "json-spec"))]
fn hex_subfield_bitmap_with_a_second_word_from_a_json_spec() {
    let spec = paywire_iso8583::json::load(
        r#"{"name": "hexsub", "mti": "ascii", "bitmap": "hex", "fields": {"61": {"content": "ans",
            "encoding": "ascii", "prefix": "ascii-lll", "max": 99, "subfields": {"bitmap": {
            "encoding": "hex", "fields": {"2": {"content": "an", "encoding": "ascii", "length": 2},
            "70": {"content": "ans", "encoding": "ascii", "prefix": "ascii-ll", "max": 10}}}}}}}"#,
    )
    .unwrap();
    let mut h = MessageBuilder::new(spec, Mti::FINANCIAL_RESPONSE);
    h.set(61, b"C0000000000000000400000000000000OK02HI")
        .unwrap();
    let wire = h.to_vec().unwrap();
    let read: Vec<(SubfieldId<'_>, Vec<u8>)> = MessageRef::parse(spec, &wire)
        .unwrap()
        .field(61)
        .unwrap()
        .subfields()
        .map(|s| (s.id, s.value.to_vec()))
        .collect();
    assert_eq!(
        read,
        [
            (SubfieldId::Position(2), b"OK".to_vec()),
            (SubfieldId::Position(70), b"HI".to_vec()),
        ]
    );
}
