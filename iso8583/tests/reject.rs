//! Message-level rejections: each names the field and the byte offset.
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_iso8583::{
    ErrorKind, MessageBuilder, MessageRef, Mti, builtin::ISO87ASCII, builtin::ISO87BINARY,
};

fn err(bytes: &[u8]) -> (ErrorKind, Option<u8>, usize) {
    let e = MessageRef::parse(&ISO87ASCII, bytes).unwrap_err();
    (e.kind(), e.field(), e.offset())
}

#[test]
fn mti_and_bitmap() {
    assert_eq!(err(b"02"), (ErrorKind::Truncated { needed: 2 }, Some(0), 0));
    assert_eq!(err(b"02X0"), (ErrorKind::BadMti, Some(0), 0));
    assert_eq!(
        err(b"02007000"),
        (ErrorKind::Truncated { needed: 12 }, Some(1), 4)
    );
    assert_eq!(
        err(b"0200700000000000000Z"),
        (ErrorKind::BadBitmap, Some(1), 4)
    );
    // Bit 1 set: the secondary bitmap is missing.
    assert_eq!(
        err(b"0200F000000000000000"),
        (ErrorKind::Truncated { needed: 16 }, Some(1), 20)
    );
}

#[test]
fn bitmap_says_present_but_data_missing() {
    // Fields 2, 3, 4 announced; only the PAN is there.
    assert_eq!(
        err(b"0200700000000000000016476173900101001"),
        (ErrorKind::Truncated { needed: 1 }, Some(2), 20)
    );
    assert_eq!(
        err(b"02007000000000000000164761739001010010000000"),
        (ErrorKind::Truncated { needed: 12 }, Some(4), 44)
    );
}

#[test]
fn bad_field_contents() {
    // Processing code with a letter at index 2 (byte 20 + 2 + 16 + 2).
    assert_eq!(
        err(b"020070000000000000001647617390010100100A0000000000001000"),
        (ErrorKind::BadCharacter { index: 1 }, Some(3), 39)
    );
    // PAN prefix 20 > 19.
    assert_eq!(
        err(b"020040000000000000002047617390010100100000"),
        (
            ErrorKind::TooLong {
                length: 20,
                max: 19
            },
            Some(2),
            20
        )
    );
    // PAN prefix not digits.
    assert_eq!(
        err(b"02004000000000000000A6"),
        (ErrorKind::BadLengthPrefix, Some(2), 20)
    );
}

#[test]
fn trailing_and_prefix_parse() {
    let bytes = b"0800002000000000000000017299";
    assert_eq!(
        err(bytes),
        (ErrorKind::TrailingData { remaining: 2 }, None, 26)
    );
    let (m, rest) = MessageRef::parse_prefix(&ISO87ASCII, bytes).unwrap();
    assert_eq!((m.stan(), rest), (Some(172), &b"99"[..]));
}

#[test]
fn unknown_field_and_fourth_bitmap() {
    // iso87binary, bit 129 via three bitmaps.
    let mut bytes = vec![0x08, 0x00];
    bytes.extend([
        0x80, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0,
    ]);
    let e = MessageRef::parse(&ISO87BINARY, &bytes).unwrap_err();
    assert_eq!((e.kind(), e.field()), (ErrorKind::NoFourthBitmap, Some(1)));
    // Bit 130 (tertiary) is not defined by iso87binary.
    bytes[18] = 0x40;
    let e = MessageRef::parse(&ISO87BINARY, &bytes).unwrap_err();
    assert_eq!(
        (e.kind(), e.field(), e.offset()),
        (ErrorKind::UnknownField, Some(130), 26)
    );
}

#[test]
fn builder_rejects_when_set() {
    let mut b = MessageBuilder::new(&ISO87ASCII, Mti::FINANCIAL_REQUEST);
    assert_eq!(b.set(1, b"x").unwrap_err().kind(), ErrorKind::ReservedField);
    assert_eq!(
        b.set(65, b"x").unwrap_err().kind(),
        ErrorKind::ReservedField
    );
    assert_eq!(
        b.set(150, b"x").unwrap_err().kind(),
        ErrorKind::UnknownField
    );
    assert_eq!(
        b.set(4, b"1000").unwrap_err().kind(),
        ErrorKind::TooShort { length: 4, min: 12 }
    );
    assert_eq!(
        b.set(2, b"47617390010100101234").unwrap_err().kind(),
        ErrorKind::TooLong {
            length: 20,
            max: 19
        }
    );
    assert_eq!(
        b.set(11, b"00017X").unwrap_err().kind(),
        ErrorKind::BadCharacter { index: 5 }
    );
    b.set_padded(4, b"1000")
        .unwrap()
        .set_padded(41, b"T1")
        .unwrap();
    let bytes = b.to_vec().unwrap();
    let m = MessageRef::parse(&ISO87ASCII, &bytes).unwrap();
    assert_eq!(m.value(4).unwrap().as_str(), Some("000000001000"));
    assert_eq!(m.value(41).unwrap().as_str(), Some("T1      "));
    let mut small = [0u8; 10];
    assert_eq!(
        b.encode_to_slice(&mut small).unwrap_err().kind(),
        ErrorKind::BufferTooSmall {
            needed: bytes.len(),
            capacity: 10
        }
    );
}

#[test]
fn secondary_bitmap_is_derived() {
    let mut b = MessageBuilder::new(&ISO87ASCII, Mti::NETWORK_MANAGEMENT_REQUEST);
    b.set(11, b"000001").unwrap().set(70, b"001").unwrap();
    let bytes = b.to_vec().unwrap();
    assert_eq!(&bytes[..36], b"080080200000000000000400000000000000");
    let m = MessageRef::parse(&ISO87ASCII, &bytes).unwrap();
    assert_eq!(m.value(70).unwrap().as_str(), Some("001"));
    assert!(m.mac_input().is_none());
}

#[test]
fn bcd_track_separator_is_equals_sign() {
    // The BCD nibble D reads as `=`, as jPOS reads it (jpos/jPOS
    // `jpos/src/main/java/org/jpos/iso/ISOUtil.java`, `bcd2str`), so `=` is what a BCD track 2
    // is built from; `D` would read back as `=` and is refused (the iso8583_roundtrip fuzz target
    // found the earlier mismatch the other way round).
    let mut b = MessageBuilder::new(&ISO87BINARY, Mti::FINANCIAL_REQUEST);
    assert_eq!(
        b.set(35, b"0D").unwrap_err().kind(),
        ErrorKind::BadCharacter { index: 1 }
    );
    assert!(b.set(35, b"0=").is_ok());
    let bytes = b.to_vec().unwrap();
    let m = MessageRef::parse(&ISO87BINARY, &bytes).unwrap();
    assert_eq!(m.value(35).unwrap().to_vec(), b"0=");
    assert!(bytes.ends_with(&[0x02, 0x0D]));
    let mut a = MessageBuilder::new(&ISO87ASCII, Mti::FINANCIAL_REQUEST);
    assert!(a.set(35, b"0=").is_ok());
}
