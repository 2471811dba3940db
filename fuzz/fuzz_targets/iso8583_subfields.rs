//! iso8583 subfields: a spec with every subfield kind (positional over BCD, ASCII-tagged TLV,
//! BER-TLV, bitmap-controlled). Parsing never panics; accepted messages re-encode to the same
//! bytes, and walking every field's subfields stays in bounds.
#![no_main]

use std::fmt::Write as _;

use paywire_iso8583::spec::{
    BitmapEncoding, Content, Encoding, FieldSpec, Length, MtiEncoding, Part, Prefix, Spec, Subfields,
};
use paywire_iso8583::{Message, MessageRef};
use libfuzzer_sys::fuzz_target;

const fn var(prefix: Prefix, max: u16) -> Length {
    Length::Var { prefix, min: 0, max }
}

const PARTS: &[Part<'static>] = &[
    Part { name: "a", width: 2 },
    Part { name: "b", width: 6 },
    Part { name: "c", width: 3 },
];

const BITMAP_FIELDS: &[FieldSpec<'static>] = &[
    FieldSpec::new(1, "one", Content::An, Encoding::Ascii, Length::Fixed(1)),
    FieldSpec::new(2, "two", Content::N, Encoding::BCD, var(Prefix::bcd(2), 19)),
    FieldSpec::new(8, "eight", Content::B, Encoding::Binary, var(Prefix::binary(1), 32)),
];

// Subfields 65–128 behind bit 1 of the subfield bitmap.
const EXTENDED_FIELDS: &[FieldSpec<'static>] = &[
    FieldSpec::new(2, "two", Content::An, Encoding::Ascii, Length::Fixed(2)),
    FieldSpec::new(70, "seventy", Content::Ans, Encoding::Ascii, var(Prefix::ascii(2), 10)),
];

// Subfields end to end, numbered from 0.
const SEQUENCE_FIELDS: &[FieldSpec<'static>] = &[
    FieldSpec::new(0, "kind", Content::An, Encoding::Ascii, Length::Fixed(1)),
    FieldSpec::new(1, "ref", Content::Ans, Encoding::Ascii, var(Prefix::ascii(2), 20)),
    FieldSpec::new(2, "count", Content::N, Encoding::BCD, Length::Fixed(3)),
    FieldSpec::new(5, "data", Content::B, Encoding::Binary, var(Prefix::binary(1), 16)),
];

// Tag (two BCD digits), then the subfield it names, each in its own format.
const TAGGED_FIELDS: &[FieldSpec<'static>] = &[
    FieldSpec::new(1, "note", Content::Ans, Encoding::Ascii, var(Prefix::ascii(2), 10)),
    FieldSpec::new(2, "count", Content::N, Encoding::BCD, Length::Fixed(4)),
    FieldSpec::new(10, "key", Content::B, Encoding::Binary, var(Prefix::binary(1), 8)),
];

static FIELDS: [FieldSpec<'static>; 7] = [
    FieldSpec::new(48, "tagged", Content::B, Encoding::Binary, var(Prefix::bcd(3), 255))
        .with_subfields(Subfields::Tagged {
            tag_len: 2,
            tag_encoding: paywire_iso8583::spec::TagEncoding::Bcd,
            fields: TAGGED_FIELDS,
        }),
    FieldSpec::new(55, "icc", Content::B, Encoding::Binary, var(Prefix::bcd(3), 255)).with_subfields(Subfields::BerTlv),
    FieldSpec::new(59, "tagged", Content::Ans, Encoding::Ascii, var(Prefix::bcd(3).counting_bytes(), 999))
        .with_subfields(Subfields::TaggedAscii { tag_len: 2, len_digits: 3 }),
    FieldSpec::new(60, "positional", Content::N, Encoding::BCD_LEFT_0, var(Prefix::bcd(3), 11))
        .with_subfields(Subfields::Positional(PARTS)),
    FieldSpec::new(61, "extended", Content::B, Encoding::Binary, var(Prefix::bcd(3), 255))
        .with_subfields(Subfields::Bitmap { encoding: BitmapEncoding::Binary, fields: EXTENDED_FIELDS }),
    FieldSpec::new(62, "bitmap", Content::B, Encoding::Binary, var(Prefix::bcd(3), 255))
        .with_subfields(Subfields::Bitmap { encoding: BitmapEncoding::Binary, fields: BITMAP_FIELDS }),
    FieldSpec::new(63, "sequence", Content::B, Encoding::Binary, var(Prefix::bcd(3), 255))
        .with_subfields(Subfields::Sequence(SEQUENCE_FIELDS)),
];

static SPEC: Spec<'static> = Spec {
    name: "fuzz-subfields",
    description: "",
    mti: MtiEncoding::Bcd,
    bitmap: BitmapEncoding::Binary,
    fields: &FIELDS,
    overrides: &[],
    plan: None,
    charset: paywire_iso8583::spec::Charset::Latin1,
};

fuzz_target!(|data: &[u8]| {
    let Ok(m) = MessageRef::parse(&SPEC, data) else { return };
    let mut text = String::new();
    let _ = write!(text, "{}", m.describe());
    for field in m.fields() {
        for sub in field.subfields() {
            assert!(sub.value.len() <= field.value().len().max(64));
            let _ = sub.value.to_vec();
        }
        let _ = field.tlv();
        // Subfields in sequence or tagged, read and put back together (in the order read),
        // are the field's value.
        if field.number() == 63 || field.number() == 48 {
            let parts: Vec<(u8, Vec<u8>)> = field
                .subfields()
                .map(|s| match s.id {
                    paywire_iso8583::SubfieldId::Position(n) => (n, s.value.to_vec()),
                    _ => unreachable!("sequence subfields are numbered"),
                })
                .collect();
            let borrowed: Vec<(u8, &[u8])> = parts.iter().map(|(n, v)| (*n, v.as_slice())).collect();
            let composed = paywire_iso8583::compose(field.spec(), &borrowed).expect("composes");
            assert_eq!(composed, field.value().to_vec());
        }
    }
    assert_eq!(Message::from_ref(&m).to_vec().expect("re-encodes"), data);
});
