//! Published vectors and every malformed-length edge case.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_emv_tlv::{DecodeOptions, ErrorKind, Tag, TlvRef, Tlvs};

/// A compact tree: `tag(HEX)` for primitives, `tag[...]` for templates.
fn tree(list: &Tlvs<'_>) -> String {
    list.iter()
        .map(|tlv| match tlv.children() {
            Some(children) => format!("{}[{}]", tlv.tag(), tree(&children)),
            None => format!("{}({})", tlv.tag(), hex::encode_upper(tlv.value())),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn b64(text: &str) -> Vec<u8> {
    // A minimal decoder for the test vectors (standard alphabet, padded); the crate itself
    // never decodes base64.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
        bits = (bits << 6) | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

// EMVCo QR Code Specification for Payment Systems, Consumer-Presented Mode v1.0, Annex B.1
// (copy: mvallim/emv-qrcode docs/EMVCo-Consumer-Presented-QR-Specification-v1-1.pdf).
#[test]
fn emvco_cpm_annex_b1() {
    let bytes = b64("hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=");
    let list = Tlvs::parse_with(&bytes, DecodeOptions::STRICT).unwrap();
    assert_eq!(
        tree(&list),
        "85(4350563031) 61[4F(A0000000555555) 57(1234567890123458D191220112345F)]"
    );
    let track2 = list
        .find_path(&[Tag::APPLICATION_TEMPLATE, Tag::TRACK2_EQUIVALENT_DATA])
        .unwrap();
    assert_eq!(track2.value_offset(), 20);
    assert_eq!(track2.value_len(), 15);
}

// EMVCo CPM v1.0 Annex B.2: two application templates and a common data template (124 bytes).
#[test]
fn emvco_cpm_annex_b2() {
    let bytes = b64(
        "hQVDUFYwMWETTwegAAAAVVVVUAhQcm9kdWN0MWETTwegAAAAZmZmUAhQcm9kdWN0MmJJWggSNFZ4kBI0WF8gDkNBUkRIT0xERVIvRU1WXy0IcnVlc2RlZW5kIZ8QBwYBCgMAAACfJghYT9OF+iNLzJ82AgABnzcEbVjvEw==",
    );
    assert_eq!(bytes.len(), 124);
    let list = Tlvs::parse_with(&bytes, DecodeOptions::STRICT).unwrap();
    assert_eq!(
        tree(&list),
        concat!(
            "85(4350563031) ",
            "61[4F(A0000000555555) 50(50726F6475637431)] ",
            "61[4F(A0000000666666) 50(50726F6475637432)] ",
            "62[5A(1234567890123458) 5F20(43415244484F4C4445522F454D56) 5F2D(727565736465656E) ",
            "64[9F10(06010A03000000) 9F26(584FD385FA234BCC) 9F36(0001) 9F37(6D58EF13)]]"
        )
    );
    // "CARDHOLDER/EMV", "ruesdeen" as the spec shows them.
    let common = list
        .find(Tag::COMMON_DATA_TEMPLATE)
        .unwrap()
        .children()
        .unwrap();
    assert_eq!(
        common.find(Tag::CARDHOLDER_NAME).unwrap().value(),
        b"CARDHOLDER/EMV"
    );
    assert_eq!(
        common.find(Tag::LANGUAGE_PREFERENCE).unwrap().value(),
        b"ruesdeen"
    );
    let cryptogram = list.search(Tag::APPLICATION_CRYPTOGRAM).unwrap();
    assert_eq!(cryptogram.value(), hex::decode("584FD385FA234BCC").unwrap());
    // The second application template's label, by iterating.
    let second = list
        .iter()
        .filter(|t| t.tag() == Tag::APPLICATION_TEMPLATE)
        .nth(1)
        .unwrap();
    assert_eq!(
        second
            .children()
            .unwrap()
            .find(Tag::APPLICATION_LABEL)
            .unwrap()
            .value(),
        b"Product2"
    );
}

// UnionPay-style CPM with a 63 transparent template (mvallim/emv-qrcode
// src/test/java/com/emv/qrcode/decoder/cpm/ConsumerPresentedModeDecoderTest.java).
#[test]
fn unionpay_style_cpm() {
    let bytes = b64(
        "hQVDUFYwMWFWTwigAAADMwEBAlcRYmNgAQBxNnLSMSIBAAABiAFfNAEAYzOfJghWite85mtxi58nAYCfEBEHAAEDoAAAAQgwMDAwMDAwMZ82AhEiggIAAJ83BCJgSI4=",
    );
    let list = Tlvs::parse(&bytes).unwrap();
    assert_eq!(
        tree(&list),
        concat!(
            "85(4350563031) 61[4F(A000000333010102) 57(6263600100713672D23122010000018801) 5F34(00) ",
            "63[9F26(568AD7BCE66B718B) 9F27(80) 9F10(07000103A0000001083030303030303031) ",
            "9F36(1122) 82(0000) 9F37(2260488E)]]"
        )
    );
    let path = [
        Tag::APPLICATION_TEMPLATE,
        Tag::APPLICATION_SPECIFIC_TRANSPARENT_TEMPLATE,
        Tag::CRYPTOGRAM_INFORMATION_DATA,
    ];
    assert_eq!(list.find_path(&path).unwrap().value(), &[0x80]);
}

fn err(bytes: &[u8]) -> (ErrorKind, usize, Option<u32>) {
    let e = Tlvs::parse(bytes).unwrap_err();
    (e.kind(), e.offset(), e.tag().map(Tag::number))
}

#[test]
fn malformed_tags() {
    assert_eq!(err(&[0x9F]), (ErrorKind::TruncatedTag, 0, None));
    assert_eq!(
        err(&[0x5A, 0x01, 0xAA, 0xDF, 0x81]),
        (ErrorKind::TruncatedTag, 3, None)
    );
    assert_eq!(
        err(&[0xDF, 0x81, 0x81, 0x01, 0x00]),
        (ErrorKind::TagTooLong, 0, None)
    );
}

#[test]
fn malformed_lengths() {
    // Tag with no length at all.
    assert_eq!(err(&[0x5A]), (ErrorKind::MissingLength, 1, Some(0x5A)));
    assert_eq!(
        err(&[0x9F, 0x26]),
        (ErrorKind::MissingLength, 2, Some(0x9F26))
    );
    // Indefinite form.
    assert_eq!(
        err(&[0x70, 0x80, 0x00, 0x00]),
        (ErrorKind::IndefiniteLength, 1, Some(0x70))
    );
    // Four and more length bytes.
    assert_eq!(
        err(&[0x5A, 0x84, 0, 0, 0, 1, 0xAA]),
        (ErrorKind::LengthTooLong { length_bytes: 4 }, 1, Some(0x5A))
    );
    assert_eq!(
        err(&[0x5A, 0xFF]),
        (
            ErrorKind::LengthTooLong { length_bytes: 127 },
            1,
            Some(0x5A)
        )
    );
    // Long form cut short.
    assert_eq!(
        err(&[0x5A, 0x81]),
        (ErrorKind::TruncatedLength, 1, Some(0x5A))
    );
    assert_eq!(
        err(&[0x5A, 0x82, 0x01]),
        (ErrorKind::TruncatedLength, 1, Some(0x5A))
    );
    assert_eq!(
        err(&[0x5A, 0x83, 0x01, 0x00]),
        (ErrorKind::TruncatedLength, 1, Some(0x5A))
    );
}

#[test]
fn values_past_the_end() {
    let past = |length, available| ErrorKind::ValuePastEnd { length, available };
    // Short form, one byte short.
    assert_eq!(err(&[0x5A, 0x02, 0x12]), (past(2, 1), 1, Some(0x5A)));
    // Long forms.
    assert_eq!(
        err(&[0x5A, 0x81, 0x80, 0x12]),
        (past(128, 1), 1, Some(0x5A))
    );
    assert_eq!(
        err(&[0x5A, 0x82, 0xFF, 0xFF]),
        (past(0xFFFF, 0), 1, Some(0x5A))
    );
    assert_eq!(
        err(&[0x5A, 0x83, 0xFF, 0xFF, 0xFF]),
        (past(0xFF_FFFF, 0), 1, Some(0x5A))
    );
    // A child longer than its parent, though the input has bytes to spare.
    assert_eq!(
        err(&[0x61, 0x03, 0x4F, 0x02, 0xA0, 0x00, 0x00]),
        (past(2, 1), 3, Some(0x4F))
    );
    // A parent longer than the input.
    assert_eq!(
        err(&[0x61, 0x04, 0x4F, 0x01, 0xA0]),
        (past(4, 3), 1, Some(0x61))
    );
}

#[test]
fn exact_fits_and_empty_values() {
    assert!(Tlvs::parse(&[]).unwrap().is_empty());
    let list = Tlvs::parse(&[0x5A, 0x00, 0x61, 0x00]).unwrap();
    assert_eq!(list.iter().count(), 2);
    assert!(list.find(Tag::APPLICATION_PAN).is_none());
    let mut long = vec![0x9F, 0x10, 0x82, 0x01, 0x00];
    long.extend([0xAB; 256]);
    assert_eq!(
        Tlvs::parse_with(&long, DecodeOptions::STRICT)
            .unwrap()
            .iter()
            .next()
            .unwrap()
            .value_len(),
        256
    );
}

#[test]
fn strict_mode_rejections() {
    let strict = |b: &[u8]| Tlvs::parse_with(b, DecodeOptions::STRICT).unwrap_err();
    let e = strict(&[0x5A, 0x01, 0x12, 0x00]);
    assert_eq!((e.kind(), e.offset()), (ErrorKind::Filler, 3));
    let e = strict(&[0x61, 0x04, 0x00, 0x5A, 0x01, 0x12]);
    assert_eq!(
        (e.kind(), e.offset(), e.tag()),
        (ErrorKind::Filler, 2, Some(Tag::APPLICATION_TEMPLATE))
    );
    let cases: [(&[u8], usize); 3] = [
        (&[0x5A, 0x81, 0x7F], 0x7F),
        (&[0x5A, 0x82, 0x00, 0x80], 0x80),
        (&[0x5A, 0x83, 0x00, 0x01, 0x00], 0x100),
    ];
    for (header, len) in cases {
        let mut input = header.to_vec();
        input.resize(header.len() + len, 0xAA);
        assert_eq!(
            Tlvs::parse(&input)
                .unwrap()
                .iter()
                .next()
                .unwrap()
                .value_len(),
            len
        );
        let e = strict(&input);
        assert_eq!((e.kind(), e.offset()), (ErrorKind::NonMinimalLength, 1));
    }
}

#[test]
fn nesting_and_exact_parse() {
    // 16 nested 61 templates around a 5A.
    let mut bytes = vec![0x5A, 0x01, 0x12];
    for _ in 0..16 {
        let mut outer = vec![0x61, bytes.len() as u8];
        outer.extend(bytes);
        bytes = outer;
    }
    let e = Tlvs::parse(&bytes).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NestingTooDeep { limit: 8 });
    // The ninth template (at byte 16) may not hold objects: its value starts at byte 18.
    assert_eq!(e.offset(), 18);
    let deep = DecodeOptions::EMV.with_max_depth(16);
    assert_eq!(
        Tlvs::parse_with(&bytes, deep)
            .unwrap()
            .search(Tag::APPLICATION_PAN)
            .unwrap()
            .value(),
        &[0x12]
    );

    let e = TlvRef::parse(&[0x5A, 0x01, 0x12, 0x00]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TrailingData { remaining: 1 });
}

#[test]
fn error_messages_name_place_but_not_content() {
    let e = Tlvs::parse(&[0x5A, 0x08, 0x47, 0x61, 0x73, 0x90]).unwrap_err();
    let text = e.to_string();
    assert_eq!(
        text,
        "value of 8 bytes runs past the end (4 bytes left) (tag 5A) at byte 1"
    );
    assert!(!text.contains("4761"));
}
