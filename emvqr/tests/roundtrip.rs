//! Round trips: random object trees → encode → parse → same objects; any text never panics.
#![allow(
    clippy::unwrap_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    reason = "tests"
)]

use paywire_emvqr::{Object, ParseOptions, PayloadRef, crc16, encode};
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

/// The one-pass `parse_and_validate` agrees with `parse_with` then `validate`, with the CRC
/// check on and off: the same result (the same error, path and offset), and when it is `Ok` the
/// same findings in the same order.
fn check_fused(text: &str) -> Result<(), TestCaseError> {
    let off = ParseOptions::default().with_crc_check(false);
    for options in [ParseOptions::default(), off] {
        let mut fused = Vec::new();
        let one = PayloadRef::parse_and_validate(text, options, |i| fused.push(i));
        let two = PayloadRef::parse_with(text, options);
        prop_assert_eq!(one, two, "{:?}", text);
        if let Ok(payload) = two {
            prop_assert_eq!(
                fused,
                payload.issues(paywire_emvqr::Rules::Emvco),
                "{:?}",
                text
            );
        }
    }
    Ok(())
}

/// `text` with its last four characters replaced by the CRC of the rest (when it is long
/// enough and they sit on character boundaries): a mutated payload whose checksum holds, so
/// the walk reaches its structural and rule checks.
fn with_fixed_crc(text: &str) -> Option<String> {
    let head = text.get(..text.len().checked_sub(4)?)?;
    Some(format!("{head}{:04X}", crc16(head.as_bytes())))
}

proptest! {
    #[test]
    fn parse_and_validate_matches_parse_then_validate(
        objects in prop::collection::vec(object(), 0..6),
        at in any::<prop::sample::Index>(),
        c in prop_oneof![prop::char::range('0', '9'), prop::char::range(' ', '~'), Just('€')],
        cut in any::<prop::sample::Index>(),
    ) {
        let text = encode(&objects).unwrap();
        check_fused(&text)?;
        // One character replaced, with the CRC left as it is and with the CRC fixed.
        let chars: Vec<char> = text.chars().collect();
        let mut mutated = chars.clone();
        mutated[at.index(chars.len())] = c;
        let mutated: String = mutated.into_iter().collect();
        check_fused(&mutated)?;
        if let Some(fixed) = with_fixed_crc(&mutated) {
            check_fused(&fixed)?;
        }
        // Cut short, and cut short with a CRC object appended.
        let short: String = chars[..cut.index(chars.len())].iter().collect();
        check_fused(&short)?;
        let mut closed = format!("{short}6304");
        closed.push_str(&format!("{:04X}", crc16(closed.as_bytes())));
        check_fused(&closed)?;
    }

    #[test]
    fn parse_and_validate_matches_on_any_text(text in "\\PC{0,120}") {
        check_fused(&text)?;
        if let Some(fixed) = with_fixed_crc(&text) {
            check_fused(&fixed)?;
        }
    }

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
            let _ = p.issues(paywire_emvqr::Rules::Emvco);
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
    let options = paywire_emvqr::ParseOptions::default().with_crc_check(false);
    let payload = PayloadRef::parse_with(text, options).unwrap();
    let objects: Vec<Object> = payload.objects().map(|o| Object::from_ref(&o)).collect();
    let again = encode(&objects).unwrap();
    assert_eq!(again[..again.len() - 4], text[..text.len() - 4]);
    assert!(PayloadRef::parse(&again).is_ok());
}

/// The streaming nom parsers (feature `nom`): every proper prefix of a payload (on a character
/// boundary) is `Incomplete` with a lower bound on the bytes missing, and the whole payload
/// parses as `PayloadRef::parse` does, with what follows it left over.
#[cfg(feature = "nom")]
mod streaming {
    use super::*;
    use nom::{Err, Needed};
    use paywire_emvqr::nom::{object as nom_object, payload};

    type E<'a> = nom::error::Error<&'a str>;

    proptest! {
        #[test]
        fn every_prefix_is_incomplete_and_the_whole_parses(objects in prop::collection::vec(object(), 0..6)) {
            let text = encode(&objects).unwrap();
            for (cut, _) in text.char_indices() {
                match payload::<E>(&text[..cut]) {
                    Err(Err::Incomplete(Needed::Size(n))) => {
                        prop_assert!(n.get() <= text.len() - cut, "cut {} asks for {}", cut, n);
                    }
                    other => prop_assert!(false, "cut {}: {:?}", cut, other.map(|(r, _)| r.len())),
                }
            }
            let stream = format!("{text}\r\n");
            let (rest, p) = payload::<E>(&stream).unwrap();
            prop_assert_eq!(rest, "\r\n");
            prop_assert_eq!(p, PayloadRef::parse(&text).unwrap());
            // Object by object, the same objects as the parsed payload's.
            let mut input = text.as_str();
            for expected in p.objects() {
                let (rest, o) = nom_object::<E>(input).unwrap();
                prop_assert_eq!((o.id(), o.value()), (expected.id(), expected.value()));
                input = rest;
            }
            prop_assert!(input.is_empty());
        }

        #[test]
        fn any_text_agrees_with_parse(text in "\\PC{0,120}") {
            // Where nom's payload parser accepts, PayloadRef::parse accepts the same prefix.
            if let Ok((rest, p)) = payload::<E>(&text) {
                let consumed = &text[..text.len() - rest.len()];
                prop_assert_eq!(p, PayloadRef::parse(consumed).unwrap());
            }
        }
    }
}
