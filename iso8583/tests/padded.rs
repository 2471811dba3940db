//! Padded values (`MessageBuilder::set_padded`) in every value encoding, across the writer's
//! 64-character pieces: the message equals the one built from the value padded by hand, through
//! both the `Writer` path (`encode`) and the slice path (`encode_to_slice`), and parses back to
//! the padded value.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_iso8583::spec::{
    Align, BitmapEncoding, CodePage, Content, Encoding, FieldSpec, Length, MtiEncoding, Pad, Spec,
};
use paywire_iso8583::{MessageBuilder, MessageRef, Mti};
use proptest::prelude::*;

fn spec(encoding: Encoding, content: Content, len: u16, pad: Pad) -> &'static Spec<'static> {
    let field = FieldSpec::new(48, "padded", content, encoding, Length::Fixed(len)).padded(pad);
    let fields: &'static [FieldSpec<'static>] = Box::leak(Box::new([field]));
    let spec = Box::leak(Box::new(Spec {
        name: "padded",
        description: "",
        mti: MtiEncoding::Ascii,
        bitmap: BitmapEncoding::HexText,
        fields,
        overrides: &[],
        plan: None,
        charset: paywire_iso8583::spec::Charset::Latin1,
    }));
    spec.validate().unwrap();
    spec
}

/// The message through the writer and through the slice, which must agree.
fn encode(b: &MessageBuilder<'_, '_>) -> Vec<u8> {
    let mut via_writer = Vec::new();
    b.encode(&mut via_writer).unwrap();
    let mut buf = vec![0u8; 1024];
    let via_slice = b.encode_to_slice(&mut buf).unwrap().to_vec();
    assert_eq!(via_writer, via_slice);
    via_writer
}

fn encodings() -> impl Strategy<Value = (Encoding, Content)> {
    let mut choices = vec![
        (Encoding::Ascii, Content::N),
        (Encoding::Ascii, Content::Ans),
        (Encoding::BCD, Content::N),
        (
            Encoding::Bcd {
                align: Align::Right,
                pad: 0xF,
            },
            Content::N,
        ),
        (Encoding::BCD_LEFT_0, Content::N),
        (Encoding::BCD_LEFT_F, Content::N),
    ];
    if cfg!(feature = "ebcdic") {
        choices.push((Encoding::Ebcdic(CodePage::Cp037), Content::N));
        choices.push((Encoding::Ebcdic(CodePage::Cp1047), Content::Ans));
    }
    proptest::sample::select(choices)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn padded_equals_padded_by_hand(
        (encoding, content) in encodings(),
        len in 1u16..=200,
        short in 0usize..=200,
        left in any::<bool>(),
        digits in proptest::collection::vec(0u8..10, 200),
    ) {
        let len_usize = usize::from(len);
        let short = short.min(len_usize);
        let value: Vec<u8> = digits[..short].iter().map(|d| b'0' + d).collect();
        let pad_char = if content == Content::N { b'0' } else { b' ' };
        let pad = if left { Pad::Left(pad_char) } else { Pad::Right(pad_char) };
        let s = spec(encoding, content, len, pad);
        let mut by_hand = vec![pad_char; len_usize - short];
        if left {
            by_hand.extend_from_slice(&value);
        } else {
            by_hand.splice(0..0, value.iter().copied());
        }

        let mut padded = MessageBuilder::new(s, Mti::FINANCIAL_REQUEST);
        padded.set_padded(48, &value).unwrap();
        let mut full = MessageBuilder::new(s, Mti::FINANCIAL_REQUEST);
        full.set(48, &by_hand).unwrap();
        let bytes = encode(&padded);
        prop_assert_eq!(&bytes, &encode(&full));

        let m = MessageRef::parse(s, &bytes).unwrap();
        let back: Vec<u8> = m.value(48).unwrap().iter().collect();
        prop_assert_eq!(back, by_hand);
    }
}
