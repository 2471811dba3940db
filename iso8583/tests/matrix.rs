//! Every value encoding × length rule: build, parse, and the rejections (too long, bad digit,
//! odd hex, truncated prefix, value missing, trailing bytes).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_iso8583::spec::{
    Align, BitmapEncoding, CodePage, Content, Encoding, FieldSpec, Length, MtiEncoding, Plan,
    Prefix, PrefixEncoding, Spec,
};
use paywire_iso8583::{ErrorKind, MessageBuilder, MessageRef, Mti};

const ENCODINGS: [Encoding; 9] = [
    Encoding::Ascii,
    Encoding::Ebcdic(CodePage::Cp037),
    Encoding::Ebcdic(CodePage::Cp500),
    Encoding::Ebcdic(CodePage::Cp1047),
    Encoding::BCD,
    Encoding::Bcd {
        align: Align::Right,
        pad: 0xF,
    },
    Encoding::BCD_LEFT_0,
    Encoding::BCD_LEFT_F,
    Encoding::Binary,
];

fn lengths() -> Vec<Length> {
    let mut out = vec![Length::Fixed(7)];
    for encoding in [
        PrefixEncoding::Ascii,
        PrefixEncoding::Ebcdic,
        PrefixEncoding::Bcd,
        PrefixEncoding::Binary,
    ] {
        for digits in 1..=4u8 {
            let prefix = Prefix {
                encoding,
                digits,
                counts: paywire_iso8583::spec::Counts::Units,
            };
            out.push(Length::Var {
                prefix,
                min: 0,
                max: 9,
            });
        }
    }
    out
}

fn leak(field: FieldSpec<'static>) -> &'static Spec<'static> {
    let fields: &'static [FieldSpec<'static>] = Box::leak(Box::new([field]));
    let spec = Box::leak(Box::new(Spec {
        name: "matrix",
        description: "",
        mti: MtiEncoding::Ascii,
        bitmap: BitmapEncoding::HexText,
        fields,
        overrides: &[],
        // Compiled, as a loaded spec is: `err` checks the general reader agrees.
        plan: Some(Box::leak(Box::new(Plan::compile(fields)))),
        charset: paywire_iso8583::spec::Charset::Latin1,
    }));
    spec.validate().unwrap();
    spec
}

/// MTI (4) + primary bitmap (16): where field 48 starts.
const START: usize = 20;

/// The error parsing `bytes` gives, the same (kind, field, offset) with and without the plan.
fn err(spec: &Spec<'_>, bytes: &[u8]) -> ErrorKind {
    let planned = MessageRef::parse(spec, bytes).unwrap_err();
    let general = Spec {
        plan: None,
        ..*spec
    };
    assert_eq!(MessageRef::parse(&general, bytes).unwrap_err(), planned);
    planned.kind()
}

#[test]
fn every_encoding_and_length_rule() {
    let mut cases = 0;
    for encoding in ENCODINGS {
        for content in [Content::N, Content::B] {
            let binary_content = content == Content::B;
            let binary_encoding = matches!(encoding, Encoding::Binary | Encoding::HexText);
            if binary_content != binary_encoding {
                continue;
            }
            for length in lengths() {
                let field = FieldSpec::new(48, "x", content, encoding, length);
                if field.validate().is_err() {
                    // BCD fields counting wire bytes, or a max the prefix cannot hold: refused.
                    continue;
                }
                cases += 1;
                let spec = leak(field);
                let value: &[u8] = if binary_content {
                    &[1, 2, 3, 4, 5, 6, 0xFF]
                } else {
                    b"1234567"
                };
                let mut b = MessageBuilder::new(spec, Mti::FINANCIAL_REQUEST);
                b.set(48, value).unwrap();
                let bytes = b.to_vec().unwrap();
                let mut buf = [0u8; 64];
                assert_eq!(
                    b.encode_to_slice(&mut buf).unwrap(),
                    &bytes[..],
                    "{field:?}"
                );
                let m = MessageRef::parse(spec, &bytes).unwrap();
                assert_eq!(m.value(48).unwrap().to_vec(), value, "{field:?}");
                // Trailing data.
                let mut longer = bytes.clone();
                longer.push(b'0');
                assert_eq!(
                    err(spec, &longer),
                    ErrorKind::TrailingData { remaining: 1 },
                    "{field:?}"
                );
                // Value (or prefix) missing.
                assert!(
                    matches!(
                        err(spec, &bytes[..bytes.len() - 1]),
                        ErrorKind::Truncated { .. }
                    ),
                    "{field:?}"
                );
                assert!(
                    matches!(err(spec, &bytes[..START]), ErrorKind::Truncated { .. }),
                    "{field:?}"
                );
                // Too long when set.
                let too_long: &[u8] = if binary_content {
                    &[0; 10]
                } else {
                    b"1234567890"
                };
                let expected_max = if matches!(length, Length::Fixed(_)) {
                    7
                } else {
                    9
                };
                assert_eq!(
                    b.set(48, too_long).unwrap_err().kind(),
                    ErrorKind::TooLong {
                        length: 10,
                        max: expected_max
                    },
                    "{field:?}"
                );
                if let Length::Var { prefix, .. } = length {
                    // A prefix claiming 10 units.
                    let mut wire = bytes[..START].to_vec();
                    match prefix.encoding {
                        PrefixEncoding::Ascii => {
                            wire.extend(format!("{:0w$}", 10, w = prefix.digits as usize).bytes())
                        }
                        PrefixEncoding::Ebcdic => wire.extend(
                            format!("{:0w$}", 10, w = prefix.digits as usize)
                                .bytes()
                                .map(|c| c + 0xC0),
                        ),
                        PrefixEncoding::Bcd => {
                            let text = format!("{:0w$}", 10, w = prefix.wire_len() * 2);
                            wire.extend(hex::decode(text).unwrap());
                        }
                        PrefixEncoding::Binary => {
                            wire.extend(&10u32.to_be_bytes()[4 - prefix.digits as usize..]);
                        }
                        _ => unreachable!(),
                    }
                    wire.extend([0u8; 32]);
                    if prefix.capacity() >= 10 {
                        assert_eq!(
                            err(spec, &wire),
                            ErrorKind::TooLong { length: 10, max: 9 },
                            "{field:?}"
                        );
                    }
                }
                if !binary_content {
                    // A non-digit in the value.
                    assert_eq!(
                        b.set(48, b"12345X7").unwrap_err().kind(),
                        ErrorKind::BadCharacter { index: 5 }
                    );
                    let mut bad = bytes.clone();
                    let last = bad.len() - 1;
                    match encoding {
                        Encoding::Bcd {
                            align: Align::Left,
                            pad,
                        } => bad[last] = 0xA0 | pad,
                        Encoding::Bcd { .. } => bad[last] = 0x7A,
                        _ => bad[last] = b'X',
                    }
                    assert!(
                        matches!(
                            err(spec, &bad),
                            ErrorKind::BadCharacter { .. } | ErrorKind::BadPad
                        ),
                        "{field:?}"
                    );
                }
            }
        }
    }
    // Without the `ebcdic` feature its fields are refused (`Unsupported`) and skipped above.
    let least = if cfg!(feature = "ebcdic") { 80 } else { 40 };
    assert!(cases >= least, "{cases} combinations");
}

#[test]
fn hex_text_values() {
    let field = FieldSpec::new(
        48,
        "x",
        Content::B,
        Encoding::HexText,
        Length::Var {
            prefix: Prefix::ascii(3),
            min: 1,
            max: 20,
        },
    );
    let spec = leak(field);
    let mut b = MessageBuilder::new(spec, Mti::FINANCIAL_REQUEST);
    b.set(48, &[0xAB, 0x01]).unwrap();
    let bytes = b.to_vec().unwrap();
    assert!(bytes.ends_with(b"002AB01"));
    // Lower case is read; a non-hex character is refused with its byte offset.
    let lower = [&bytes[..bytes.len() - 4], b"ab01"].concat();
    assert_eq!(
        MessageRef::parse(spec, &lower)
            .unwrap()
            .value(48)
            .unwrap()
            .to_vec(),
        [0xAB, 0x01]
    );
    let bad = [&bytes[..bytes.len() - 4], b"AG01"].concat();
    let e = MessageRef::parse(spec, &bad).unwrap_err();
    assert_eq!(
        (e.kind(), e.offset()),
        (ErrorKind::BadCharacter { index: 0 }, bytes.len() - 3)
    );
    // Below the minimum.
    let short = [&bytes[..START], b"000"].concat();
    assert_eq!(err(spec, &short), ErrorKind::TooShort { length: 0, min: 1 });
}
