//! Unit tests of the field readers and writers.
extern crate std;
use std::vec;
use std::vec::Vec;

use super::chars::*;
use super::prefix::*;
use super::read::*;
use super::rule::{Code, Op};
use super::value::*;
use super::write::*;
use crate::error::ErrorKind;
#[cfg(feature = "ebcdic")]
use crate::spec::CodePage;
use crate::spec::*;
use crate::spec::{Content, Prefix};

/// The straight-line check of short fixed fields answers as the byte loop does, for every
/// length around its cut-over (8), every class, and a refused byte at every position.
#[test]
fn fixed_class_agrees_with_the_loop() {
    for bit in [C_N, C_A, C_AN, C_ANS, C_Z, C_BCD_N, C_BCD_Z, C_HEX] {
        let good = (0..=u8::MAX)
            .find(|&b| CLASS[usize::from(b)] & bit != 0)
            .unwrap();
        let bad = (0..=u8::MAX)
            .find(|&b| CLASS[usize::from(b)] & bit == 0)
            .unwrap();
        for len in 0..=12 {
            let mut value = vec![good; len];
            assert!(fixed_class(&value, bit), "len {len}");
            for at in 0..len {
                value[at] = bad;
                assert!(!fixed_class(&value, bit), "len {len} at {at}");
                assert_eq!(fixed_class(&value, bit), all_class(&value, bit));
                value[at] = good;
            }
        }
    }
}

/// BCD length prefixes of one, two and three bytes read as their digits say, and any
/// nibble above 9 (or a leading nibble under an odd digit count) refuses the prefix.
#[test]
fn bcd_prefix_values() {
    fn reference(bytes: &[u8], odd: bool) -> Option<usize> {
        let nibbles: Vec<u8> = bytes.iter().flat_map(|&b| [b >> 4, b & 0xF]).collect();
        if nibbles.iter().any(|&d| d > 9) || (odd && nibbles[0] != 0) {
            return None;
        }
        Some(nibbles.iter().fold(0, |n, &d| n * 10 + usize::from(d)))
    }
    for odd in [false, true] {
        for a in 0..=u8::MAX {
            assert_eq!(bcd_prefix_value(&[a], odd), reference(&[a], odd), "{a:02X}");
            for b in 0..=u8::MAX {
                let two = [a, b];
                assert_eq!(
                    bcd_prefix_value(&two, odd),
                    reference(&two, odd),
                    "{two:02X?}"
                );
            }
            let three = [a, 0x99, a.rotate_left(4)];
            assert_eq!(bcd_prefix_value(&three, odd), reference(&three, odd));
        }
    }
}

/// Every code, in its order.
const CODES: [Code; 10] = [
    Code::Ascii,
    Code::Binary,
    Code::Hex,
    Code::BcdRight0,
    Code::BcdRightF,
    Code::BcdLeft0,
    Code::BcdLeftF,
    Code::Ebcdic037,
    Code::Ebcdic500,
    Code::Ebcdic1047,
];

/// Every encoding code names an encoding that maps back to it; only BCD pads other than 0 and F
/// have none (the spans of such fields look their encoding up).
#[test]
fn encoding_codes_round_trip() {
    for (place, &code) in CODES.iter().enumerate() {
        assert_eq!(usize::from(code as u8), place, "{code:?}");
        assert_eq!(Code::from_u8(code as u8), Some(code));
        let encoding = code.encoding();
        assert_eq!(Code::of(encoding), Some(code), "{encoding:?}");
        let bcd = matches!(encoding, Encoding::Bcd { .. });
        assert_eq!(code.is_bcd(), bcd, "{encoding:?}");
    }
    assert_eq!(Code::from_u8(CODES.len() as u8), None);
    assert_eq!(Code::from_u8(0x0F), None);
    for align in [Align::Left, Align::Right] {
        for pad in 0..=u8::MAX {
            let code = Code::of(Encoding::Bcd { align, pad });
            assert_eq!(code.is_none(), pad != 0 && pad != 0xF, "{align:?} {pad}");
        }
    }
}

/// Long BCD values go out 64 digits a write; the pieces join to the value packed whole,
/// pad nibble in place, for every length and alignment.
#[test]
fn bcd_written_in_pieces_equals_bcd_packed_whole() {
    for len in 0..300usize {
        let digits: Vec<u8> = (0..len).map(|i| b"0123456789D"[i % 11]).collect();
        for align in [Align::Left, Align::Right] {
            let mut whole = vec![0u8; len.div_ceil(2)];
            pack_bcd(&digits, align, 0xF, &mut whole);
            let mut written = Vec::new();
            write_bcd(&digits, align, 0xF, &mut written).unwrap();
            assert_eq!(written, whole, "{len} {align:?}");
            if len % 2 == 1 {
                let pad_nibble = match align {
                    Align::Right => whole[0] >> 4,
                    Align::Left => whole[whole.len() - 1] & 0x0F,
                };
                assert_eq!(pad_nibble, 0xF);
            }
        }
    }
}

fn encode(spec: &FieldSpec<'_>, value: &[u8]) -> Vec<u8> {
    check_logical(spec, value).unwrap();
    let mut out = Vec::new();
    write_field(spec, Padded::plain(value), &mut out).unwrap();
    assert_eq!(out.len(), field_len(spec, value.len()));
    let located = read_field(spec, &out, 0).unwrap();
    assert_eq!(located.end, out.len());
    let v = Value {
        encoding: spec.encoding,
        wire: &out[located.value_start..],
        units: located.units,
    };
    assert_eq!(v.iter().collect::<Vec<_>>(), value);
    out
}

fn var(prefix: Prefix, max: u16) -> Length {
    Length::Var {
        prefix,
        min: 0,
        max,
    }
}

#[test]
fn bcd_pan_with_digit_counting_prefix() {
    // A 19-digit PAN: BCD LL prefix 19, ten bytes left-aligned with an F pad.
    let spec = FieldSpec::new(
        2,
        "PAN",
        Content::N,
        Encoding::BCD_LEFT_F,
        var(Prefix::bcd(2), 19),
    );
    let out = encode(&spec, b"6212345678901234567");
    assert_eq!(out, hex::decode("196212345678901234567F").unwrap());
    let spec = FieldSpec::new(3, "n", Content::N, Encoding::BCD, Length::Fixed(3));
    assert_eq!(encode(&spec, b"123"), [0x01, 0x23]);
}

#[test]
#[cfg(feature = "ebcdic")]
fn ascii_ebcdic_binary_prefixes() {
    let ll = FieldSpec::new(
        44,
        "x",
        Content::Ans,
        Encoding::Ascii,
        var(Prefix::ascii(2), 25),
    );
    assert_eq!(encode(&ll, b"AB"), b"02AB");
    let e = FieldSpec::new(
        44,
        "x",
        Content::Ans,
        Encoding::Ebcdic(CodePage::Cp037),
        var(Prefix::ebcdic(3), 999),
    );
    assert_eq!(encode(&e, b"A1"), [0xF0, 0xF0, 0xF2, 0xC1, 0xF1]);
    let b = FieldSpec::new(
        55,
        "icc",
        Content::B,
        Encoding::Binary,
        var(Prefix::binary(2), 999),
    );
    assert_eq!(encode(&b, &[0x9F, 0x26]), [0x00, 0x02, 0x9F, 0x26]);
    let h = FieldSpec::new(
        55,
        "icc",
        Content::B,
        Encoding::HexText,
        var(Prefix::ascii(3).counting_bytes(), 499),
    );
    assert_eq!(encode(&h, &[0x9F, 0x26]), b"0049F26");
    let l = FieldSpec::new(
        60,
        "x",
        Content::N,
        Encoding::BCD_LEFT_0,
        var(Prefix::bcd(3), 999),
    );
    assert_eq!(
        encode(&l, b"22000001003"),
        hex::decode("0011220000010030").unwrap()
    );
    let t = FieldSpec::new(
        35,
        "t2",
        Content::Z,
        Encoding::BCD_LEFT_F,
        var(Prefix::bcd(2), 37),
    );
    // The separator is the nibble D on the wire and `=` in the value, as jPOS reads it
    // (`ISOUtil.bcd2str`); a `D` character is refused, since it would read back as `=`.
    assert_eq!(
        encode(&t, b"4761739001010010=22"),
        hex::decode("194761739001010010D22F").unwrap()
    );
    let err = check_logical(&t, b"4761739001010010D22").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadCharacter { index: 16 });
}

#[test]
fn rejections_name_field_and_offset() {
    let spec = FieldSpec::new(
        2,
        "PAN",
        Content::N,
        Encoding::Ascii,
        var(Prefix::ascii(2), 19),
    );
    let err = |input: &[u8]| read_field(&spec, input, 10).unwrap_err();
    assert_eq!(err(b"2").kind(), ErrorKind::Truncated { needed: 1 });
    assert_eq!(err(b"1A").kind(), ErrorKind::BadLengthPrefix);
    assert_eq!(
        err(b"20").kind(),
        ErrorKind::TooLong {
            length: 20,
            max: 19
        }
    );
    assert_eq!(err(b"0412").kind(), ErrorKind::Truncated { needed: 2 });
    let e = err(b"04120X");
    assert_eq!(
        (e.kind(), e.field(), e.offset()),
        (ErrorKind::BadCharacter { index: 3 }, Some(2), 15)
    );
    let bcd = FieldSpec::new(3, "n", Content::N, Encoding::BCD, Length::Fixed(3));
    assert_eq!(
        read_field(&bcd, &[0x11, 0x23], 0).unwrap_err().kind(),
        ErrorKind::BadPad
    );
    assert_eq!(
        read_field(&bcd, &[0x01, 0x2A], 0).unwrap_err().kind(),
        ErrorKind::BadCharacter { index: 2 }
    );
    let odd = FieldSpec::new(
        55,
        "icc",
        Content::B,
        Encoding::HexText,
        var(Prefix::ascii(3).counting_bytes(), 499),
    );
    assert_eq!(
        read_field(&odd, b"0039F2", 0).unwrap_err().kind(),
        ErrorKind::BadLengthPrefix
    );
    let bcd_prefix = FieldSpec::new(
        2,
        "PAN",
        Content::N,
        Encoding::BCD_LEFT_F,
        var(Prefix::bcd(3), 19),
    );
    assert_eq!(
        read_field(&bcd_prefix, &[0x10, 0x01], 0)
            .unwrap_err()
            .kind(),
        ErrorKind::BadLengthPrefix
    );
}

#[test]
fn builder_side_checks() {
    let spec = FieldSpec::new(3, "n", Content::N, Encoding::Ascii, Length::Fixed(6));
    assert_eq!(
        check_logical(&spec, b"12345").unwrap_err().kind(),
        ErrorKind::TooShort { length: 5, min: 6 }
    );
    assert_eq!(
        check_logical(&spec, b"1234567").unwrap_err().kind(),
        ErrorKind::TooLong { length: 7, max: 6 }
    );
    assert_eq!(
        check_logical(&spec, b"12345X").unwrap_err().kind(),
        ErrorKind::BadCharacter { index: 5 }
    );
    let amount = FieldSpec::new(28, "fee", Content::XN, Encoding::Ascii, Length::Fixed(3));
    assert!(check_logical(&amount, b"C12").is_ok());
    assert!(check_logical(&amount, b"1C2").is_err());
}

#[test]
#[cfg(feature = "sign-bcd")]
fn signed_amounts_in_bcd_as_jpos_writes_them() {
    // jpos/jPOS `jpos/src/main/java/org/jpos/iso/IFB_AMOUNT.java`: the sign as one byte, then
    // the digits through the BCD interpreter; `IFB_AMOUNT(9, …, true)` (field 28 of
    // `ISO87BPackager`) packs "000000100" as 30 00 00 01 00 in jPOS's own test image
    // `jpos/src/test/resources/org/jpos/iso/packagers/ISO87BPackager.bin`.
    let right = Encoding::SignBcd {
        align: Align::Right,
    };
    let fee = FieldSpec::new(28, "fee", Content::XN, right, Length::Fixed(9));
    fee.validate().unwrap();
    assert_eq!(
        encode(&fee, b"C00000100"),
        hex::decode("4300000100").unwrap()
    );
    assert_eq!(
        encode(&fee, b"D12345678"),
        hex::decode("4412345678").unwrap()
    );
    // An odd digit count (`IFB_AMOUNT(10, …)`: 1 + 10 / 2 bytes), both alignments.
    let odd = FieldSpec::new(28, "fee", Content::XN, right, Length::Fixed(10));
    assert_eq!(
        encode(&odd, b"C123456789"),
        hex::decode("43012345678 9".replace(' ', "")).unwrap()
    );
    let left = FieldSpec {
        encoding: Encoding::SignBcd { align: Align::Left },
        ..odd
    };
    assert_eq!(
        encode(&left, b"D123456789"),
        hex::decode("441234567890").unwrap()
    );
    // A sign other than C or D, a non-digit, a pad nibble out of place: each named.
    let err = read_field(&fee, &hex::decode("3000000100").unwrap(), 7).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::BadCharacter { index: 0 }, 7)
    );
    let err = read_field(&fee, &hex::decode("43000A0100").unwrap(), 7).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::BadCharacter { index: 4 }, 9)
    );
    let err = read_field(&odd, &hex::decode("431123456789").unwrap(), 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadPad);
    assert!(check_logical(&fee, b"012345678").is_err());
    // Pads are refused: the sign must come first.
    assert!(fee.padded(Pad::Left(b'0')).validate().is_err());
    let bcd_amount = FieldSpec::new(28, "fee", Content::XN, Encoding::BCD, Length::Fixed(9));
    assert!(bcd_amount.validate().is_err());
}

#[test]
fn long_bcd_values_span_buffer_flushes() {
    // 129 and 130 digits: more than one 32-byte packing buffer, odd and even, both alignments.
    let digits: Vec<u8> = (0..130u8).map(|i| b'0' + i % 10).collect();
    for encoding in [Encoding::BCD, Encoding::BCD_LEFT_F] {
        let spec = FieldSpec::new(48, "n", Content::N, encoding, var(Prefix::bcd(3), 200));
        for len in [63, 64, 65, 129, 130] {
            let value = &digits[..len];
            let out = encode(&spec, value);
            assert_eq!(out.len(), 2 + len.div_ceil(2));
        }
    }
}

/// Field shapes the fast path takes, besides the built-in specs' fields.
fn fast_shapes() -> Vec<FieldSpec<'static>> {
    let mut shapes: Vec<FieldSpec<'static>> = crate::builtin::BUILTIN
        .iter()
        .flat_map(|spec| spec.fields.iter().copied())
        .collect();
    for encoding in [
        Encoding::BCD,
        Encoding::BCD_LEFT_F,
        Encoding::BCD_LEFT_0,
        Encoding::Bcd {
            align: Align::Right,
            pad: 0xF,
        },
    ] {
        for content in [Content::N, Content::Z] {
            shapes.push(FieldSpec::new(
                2,
                "odd",
                content,
                encoding,
                Length::Fixed(5),
            ));
            shapes.push(FieldSpec::new(
                2,
                "ll",
                content,
                encoding,
                var(Prefix::bcd(2), 21),
            ));
            shapes.push(FieldSpec::new(
                2,
                "lll",
                content,
                encoding,
                var(Prefix::ascii(3), 9),
            ));
            shapes.push(FieldSpec::new(
                2,
                "bin",
                content,
                encoding,
                var(Prefix::binary(1), 9),
            ));
        }
    }
    for content in [
        Content::A,
        Content::An,
        Content::Ans,
        Content::Z,
        Content::XN,
    ] {
        shapes.push(FieldSpec::new(
            2,
            "t",
            content,
            Encoding::Ascii,
            var(Prefix::bcd(3), 7),
        ));
    }
    shapes.push(FieldSpec::new(
        2,
        "bytes",
        Content::B,
        Encoding::Binary,
        var(Prefix::binary(2).counting_bytes(), 30),
    ));
    shapes.push(FieldSpec::new(
        2,
        "hex bytes",
        Content::B,
        Encoding::HexText,
        var(Prefix::ascii(2).counting_bytes(), 12),
    ));
    shapes.push(FieldSpec::new(
        2,
        "hex",
        Content::B,
        Encoding::HexText,
        Length::Fixed(3),
    ));
    shapes
}

proptest::proptest! {
    /// The planned reader, with the rule compiled from each shape, accepts exactly what the
    /// general reader accepts, with the same layout; where the shape has a rule it declines
    /// only invalid fields.
    #[test]
    fn planned_reader_agrees_with_general_reader(
        input in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(b"0123456789=DCA ~abcdefF".to_vec()),
                proptest::num::u8::ANY,
                proptest::sample::select(vec![0x00, 0x01, 0x02, 0x05, 0x12, 0x19, 0x45, 0xD5, 0x5D, 0xF5, 0x5F, 0x0F]),
            ],
            0..48,
        ),
        which in 0usize..1000,
    ) {
        let shapes = fast_shapes();
        let spec = &shapes[which.checked_rem(shapes.len()).unwrap()];
        let general = read_field_general(spec, &input, 0);
        let rule = Op::of(spec);
        match read_op(&rule, &input) {
            Some((planned, after)) => {
                let general = general.unwrap();
                proptest::prop_assert_eq!(
                    (planned.value_start, planned.end, planned.units),
                    (general.value_start, general.end, general.units)
                );
                proptest::prop_assert_eq!(after.len(), input.len().saturating_sub(planned.end));
            }
            None => {
                let covered = rule.shape != crate::field::rule::Shape::General;
                proptest::prop_assert!(!(covered && general.is_ok()), "planned reader declined a valid field");
            }
        }
        proptest::prop_assert_eq!(read_field(spec, &input, 0).ok().map(|l| (l.value_start, l.end, l.units)),
            general.ok().map(|l| (l.value_start, l.end, l.units)));
    }
}

#[test]
fn five_and_six_digit_prefixes() {
    // Postilion's field 127 is `LLLLLL` (six ASCII digits, jPOS `IFA_LLLLLLCHAR` / BCD
    // `IFB_LLLLLLCHAR` in jpos/jPOS `jpos/src/main/java/org/jpos/iso/`); five digits in BCD
    // take three bytes with a leading 0 nibble.
    let ascii6 = FieldSpec::new(
        127,
        "p",
        Content::Ans,
        Encoding::Ascii,
        var(Prefix::ascii(6), 60000),
    );
    ascii6.validate().unwrap();
    assert_eq!(encode(&ascii6, b"ABC"), b"000003ABC");
    let bcd5 = FieldSpec::new(
        127,
        "p",
        Content::Ans,
        Encoding::Ascii,
        var(Prefix::bcd(5), 60000),
    );
    bcd5.validate().unwrap();
    let value = vec![b'x'; 12345];
    let out = encode(&bcd5, &value);
    assert_eq!(&out[..3], &[0x01, 0x23, 0x45]);
    let bcd6 = FieldSpec::new(
        127,
        "p",
        Content::Ans,
        Encoding::Ascii,
        var(Prefix::bcd(6), 60000),
    );
    assert_eq!(&encode(&bcd6, &value)[..3], &[0x01, 0x23, 0x45]);
    // A non-zero leading nibble in an odd BCD prefix, a non-digit: refused at the prefix.
    let err = read_field(&bcd5, &[0x10, 0x00, 0x03, b'A', b'B', b'C'], 4).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::BadLengthPrefix, 4));
    let err = read_field(&ascii6, b"00000xABC", 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadLengthPrefix);
    // Seven digits, or a five-byte binary prefix, are not prefixes.
    let seven = FieldSpec::new(
        127,
        "p",
        Content::Ans,
        Encoding::Ascii,
        var(Prefix::ascii(7), 60000),
    );
    assert!(seven.validate().is_err());
    let binary5 = FieldSpec::new(
        127,
        "p",
        Content::Ans,
        Encoding::Ascii,
        var(Prefix::binary(5), 60000),
    );
    assert!(binary5.validate().is_err());
}
