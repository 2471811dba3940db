//! What a build without the optional parts does (`cargo test -p paywire-iso8583
//! --no-default-features --features std`, a CI step): a spec that needs EBCDIC, subfields
//! under a bitmap, in sequence or tagged, or a hexadecimal length prefix is refused — `Unsupported`, with the field — where it is validated, where a
//! message is parsed and where a value is set, so nothing is misread; plans are empty. (The rest
//! of the suite runs in that build too: the general reader alone reads every published vector.)
#![cfg(not(any(
    feature = "ebcdic",
    feature = "bitmap-subfields",
    feature = "plan",
    feature = "sign-bcd",
    feature = "hex-prefix",
    feature = "field-65"
)))]
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_iso8583::spec::{
    BitmapEncoding, CodePage, Content, Encoding, FieldSpec, Length, MtiEncoding, Plan, Prefix,
    Spec, Subfields,
};
use paywire_iso8583::{ErrorKind, MessageBuilder, MessageRef, Mti, builtin};

fn spec(mti: MtiEncoding, fields: &'static [FieldSpec<'static>]) -> Spec<'static> {
    Spec {
        name: "lean",
        description: "",
        mti,
        bitmap: BitmapEncoding::HexText,
        fields,
        overrides: &[],
        plan: None,
        charset: paywire_iso8583::spec::Charset::Latin1,
    }
}

fn unsupported(e: paywire_iso8583::Error, field: u8) {
    assert_eq!((e.kind(), e.field()), (ErrorKind::Unsupported, Some(field)));
}

static EBCDIC_VALUE: [FieldSpec<'static>; 1] = [FieldSpec::new(
    48,
    "text",
    Content::Ans,
    Encoding::Ebcdic(CodePage::Cp037),
    Length::Fixed(3),
)];
static EBCDIC_PREFIX: [FieldSpec<'static>; 1] = [FieldSpec::new(
    48,
    "text",
    Content::Ans,
    Encoding::Ascii,
    Length::Var {
        prefix: Prefix::ebcdic(2),
        min: 0,
        max: 9,
    },
)];
static SUBFIELDS: [FieldSpec<'static>; 1] = [FieldSpec::new(
    1,
    "x",
    Content::An,
    Encoding::Ascii,
    Length::Fixed(1),
)];
static BITMAP: [FieldSpec<'static>; 1] = [FieldSpec::new(
    48,
    "private",
    Content::B,
    Encoding::Binary,
    Length::Var {
        prefix: Prefix::ascii(3),
        min: 0,
        max: 99,
    },
)
.with_subfields(Subfields::Bitmap {
    encoding: BitmapEncoding::Binary,
    fields: &SUBFIELDS,
})];

static HEX_PREFIX: [FieldSpec<'static>; 1] = [FieldSpec::new(
    48,
    "text",
    Content::Ans,
    Encoding::Ascii,
    Length::Var {
        prefix: Prefix {
            encoding: paywire_iso8583::spec::PrefixEncoding::Hex,
            digits: 1,
            counts: paywire_iso8583::spec::Counts::Units,
        },
        min: 0,
        max: 9,
    },
)];
static SEQUENCE: [FieldSpec<'static>; 1] = [FieldSpec::new(
    48,
    "private",
    Content::B,
    Encoding::Binary,
    Length::Var {
        prefix: Prefix::ascii(3),
        min: 0,
        max: 99,
    },
)
.with_subfields(Subfields::Sequence(&SUBFIELDS))];
static TAGGED: [FieldSpec<'static>; 1] = [FieldSpec::new(
    48,
    "private",
    Content::B,
    Encoding::Binary,
    Length::Var {
        prefix: Prefix::ascii(3),
        min: 0,
        max: 99,
    },
)
.with_subfields(Subfields::Tagged {
    tag_len: 2,
    tag_encoding: paywire_iso8583::spec::TagEncoding::Ascii,
    fields: &SUBFIELDS,
})];

#[test]
fn a_field_this_build_leaves_out_is_refused_everywhere() {
    // MTI 0200, a hex bitmap with field 48 only, then 3 bytes (as EBCDIC "ABC" would be, or an
    // EBCDIC prefix, or a subfield bitmap: never read).
    let message = b"02000000000000010000\xC1\xC2\xC3";
    for fields in [
        &EBCDIC_VALUE,
        &EBCDIC_PREFIX,
        &BITMAP,
        &HEX_PREFIX,
        &SEQUENCE,
        &TAGGED,
    ] {
        let s = Box::leak(Box::new(spec(MtiEncoding::Ascii, fields)));
        unsupported(s.validate().unwrap_err(), 48);
        unsupported(fields[0].validate().unwrap_err(), 48);
        unsupported(MessageRef::parse(s, message).unwrap_err(), 48);
        let mut b = MessageBuilder::new(s, Mti::FINANCIAL_REQUEST);
        unsupported(b.set(48, b"ABC").unwrap_err(), 48);
    }
    // EBCDIC MTIs: the MTI is field 0.
    let s = Box::leak(Box::new(spec(MtiEncoding::Ebcdic, &[])));
    unsupported(s.validate().unwrap_err(), 0);
    unsupported(MessageRef::parse(s, b"\xF0\xF2\xF0\xF0").unwrap_err(), 0);
    let b = MessageBuilder::new(s, Mti::FINANCIAL_REQUEST);
    unsupported(b.to_vec().unwrap_err(), 0);
    let mut buf = [0u8; 32];
    unsupported(b.encode_to_slice(&mut buf).unwrap_err(), 0);
}

#[test]
fn a_spec_defining_field_65_is_refused() {
    // Field 65 is data only with `field-65`; without it bit 65 announces the tertiary bitmap
    // and a definition for 65 is refused (nothing misread as the other).
    static FIELD65: [FieldSpec<'static>; 1] = [FieldSpec::new(
        65,
        "extended bitmap",
        Content::B,
        Encoding::Binary,
        Length::Fixed(1),
    )];
    let s = Box::leak(Box::new(spec(MtiEncoding::Ascii, &FIELD65)));
    assert!(!s.field65_is_data());
    let e = s.validate().unwrap_err();
    assert_eq!((e.kind(), e.field()), (ErrorKind::BadSpec, Some(65)));
    let mut b = MessageBuilder::new(s, Mti::FINANCIAL_REQUEST);
    assert_eq!(
        b.set(65, &[1]).unwrap_err().kind(),
        ErrorKind::ReservedField
    );
}

#[test]
fn plans_are_empty_and_the_built_in_specs_stay_usable() {
    for s in builtin::BUILTIN {
        // iso87binary's x+n amounts need `sign-bcd`: refused by name, where validated,
        // set or parsed; the other built-in specs are whole.
        match s.validate() {
            Err(e) if s.name == "iso87binary" => unsupported(e, 28),
            other => other.unwrap(),
        }
        assert_eq!(s.plan.unwrap().fast_fields(), 0);
        assert_eq!(Plan::compile(s.fields).fast_fields(), 0);
    }
    let mut b = MessageBuilder::new(&builtin::ISO87BINARY, Mti::FINANCIAL_REQUEST);
    unsupported(b.set(28, b"C00000100").unwrap_err(), 28);
    // The same field on the wire (jPOS's IFB_AMOUNT form: sign byte, BCD digits).
    let wire = b"\x02\x00\x00\x00\x00\x10\x00\x00\x00\x00C\x00\x00\x01\x00";
    unsupported(
        MessageRef::parse(&builtin::ISO87BINARY, wire).unwrap_err(),
        28,
    );
}
