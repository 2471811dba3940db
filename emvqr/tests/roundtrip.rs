//! Round trips: random object trees → encode → parse → same objects; any text never panics.
#![allow(clippy::unwrap_used, reason = "tests")]

use emvqr::{Object, PayloadRef, encode};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Printable ASCII and some CJK / accented characters: lengths count characters.
    prop::collection::vec(
        prop_oneof![
            prop::char::range(' ', '~'),
            Just('最'),
            Just('đ'),
            Just('€')
        ],
        1..30,
    )
    .prop_map(|c| c.into_iter().collect())
}

fn object() -> impl Strategy<Value = Object> {
    let primitive =
        (prop_oneof![0u8..26, 52u8..62, 65u8..80], text()).prop_map(|(id, t)| Object::Text(id, t));
    let template = (
        prop_oneof![26u8..52, Just(62u8), Just(64u8), 80u8..100],
        prop::collection::vec((0u8..100, text()), 1..3),
    )
        .prop_map(|(id, kids)| {
            Object::Template(
                id,
                kids.into_iter().map(|(i, t)| Object::Text(i, t)).collect(),
            )
        });
    prop_oneof![primitive, template]
}

proptest! {
    #[test]
    fn encode_parse_same_objects(objects in prop::collection::vec(object(), 0..6)) {
        let text = encode(&objects).unwrap();
        let payload = PayloadRef::parse(&text).unwrap();
        let back: Vec<Object> = payload.objects().filter(|o| o.id() != 63).map(|o| Object::from_ref(&o)).collect();
        prop_assert_eq!(back, objects);
        let again: Vec<Object> = payload.objects().map(|o| Object::from_ref(&o)).collect();
        prop_assert_eq!(encode(&again).unwrap(), text);
    }

    #[test]
    fn any_text_never_panics(text in "\\PC{0,120}") {
        if let Ok(p) = PayloadRef::parse(&text) {
            let _ = emvqr::validate::issues(&p);
            for o in p.objects() {
                let _ = o.children().map(Iterator::count);
            }
        }
    }
}

/// Found by fuzzing: a malformed payload with a `63` before the end (and a wrong CRC) decodes,
/// and encoding its objects gives the same text back up to the recomputed CRC — the inner `63`
/// is kept, only the final one is replaced.
#[test]
fn inner_crc_object_survives_a_round_trip() {
    let text = "56580014br.gov.bcb.pix0132123e4567e Tal6008BRASILIA600053033925802BR5913Fulano de Tal6008BRASILIA62070503***63041D32070503***63041D3D";
    let options = emvqr::ParseOptions::default().with_crc_check(false);
    let payload = PayloadRef::parse_with(text, options).unwrap();
    let objects: Vec<Object> = payload.objects().map(|o| Object::from_ref(&o)).collect();
    let again = encode(&objects).unwrap();
    assert_eq!(again[..again.len() - 4], text[..text.len() - 4]);
    assert!(PayloadRef::parse(&again).is_ok());
}
