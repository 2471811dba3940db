//! Subfields: positional (UnionPay F60), ASCII-tagged TLV (UnionPay F59), BER-TLV (F55).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

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

static FIELDS: [FieldSpec<'static>; 5] = [
    FieldSpec::new(11, "STAN", Content::N, Encoding::BCD, Length::Fixed(6)),
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
        // Without the feature the field with subfields under a bitmap is refused, by number.
        let e = SPEC.validate().unwrap_err();
        assert_eq!((e.kind(), e.field()), (ErrorKind::Unsupported, Some(62)));
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
