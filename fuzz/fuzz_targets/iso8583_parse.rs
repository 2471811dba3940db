//! iso8583: parsing never panics under any built-in spec (and UnionPay's cups-pos) and reads the same with and
//! without the spec's compiled plan, and through a field index reused from input to input
//! (`parse_in`) as through a fresh one, and through an index of 65 slots (the same, or refused for
//! a field past 64); accepted input re-encodes to the same
//! bytes (exactly for binary specs; up to the case of hex digits for hex-text specs); the
//! streaming nom parser agrees with `parse_prefix`.
#![no_main]

use std::cell::RefCell;
use std::fmt::Write as _;

use paywire_iso8583::{FieldIndex, Message, MessageRef, builtin};
use libfuzzer_sys::fuzz_target;

type Reads = Vec<(u8, usize, usize, Vec<u8>)>;
type NomError<'a> = nom::error::Error<&'a [u8]>;

thread_local! {
    /// One index for the whole run: every input finds the slots of earlier ones in it.
    static KEPT: RefCell<FieldIndex> = const { RefCell::new(FieldIndex::new()) };
}

fn reads<I: paywire_iso8583::Slots>(m: &MessageRef<'_, '_, I>) -> Reads {
    m.fields()
        .map(|f| (f.number(), f.offset(), f.value().len(), f.value().wire().to_vec()))
        .collect()
}

/// Every field's number, offset, length and wire bytes, or the error; checked to be the same
/// through the kept index.
fn outcome(spec: &paywire_iso8583::Spec<'_>, data: &[u8]) -> Result<Reads, paywire_iso8583::Error> {
    let fresh = MessageRef::parse(spec, data).map(|m| reads(&m));
    let kept = KEPT.with(|index| MessageRef::parse_in(&mut index.borrow_mut(), spec, data).map(|m| reads(&m)));
    assert_eq!(fresh, kept);
    // An index for fields up to 64: the same message, or refused for its first field past 64.
    let small = MessageRef::<FieldIndex<65>>::parse_with_slots(spec, data).map(|m| reads(&m));
    match (&fresh, &small) {
        (_, Err(e)) if matches!(e.kind(), paywire_iso8583::ErrorKind::IndexTooSmall { .. }) => {
            assert!(e.field().is_some_and(|n| n > 64));
        }
        _ => assert_eq!(fresh, small),
    }
    fresh
}

fuzz_target!(|data: &[u8]| {
    for spec in builtin::BUILTIN.iter().copied().chain([&paywire_unionpay::spec::CUPS_POS]) {
        // The streaming nom parser agrees with parse_prefix: the same message where it accepts,
        // Incomplete only where parse_prefix says the input ends.
        let prefix = MessageRef::parse_prefix(spec, data);
        match (paywire_iso8583::nom::message::<NomError<'_>>(spec)(data), &prefix) {
            (Ok((rest, m)), Ok((expected, expected_rest))) => {
                assert_eq!((rest, reads(&m)), (*expected_rest, reads(expected)));
            }
            (Err(nom::Err::Incomplete(_)), Err(e)) => {
                assert!(matches!(e.kind(), paywire_iso8583::ErrorKind::Truncated { .. }));
            }
            (Err(nom::Err::Error(_)), Err(_)) => {}
            (nom, _) => panic!("nom {:?} disagrees with parse_prefix", nom.map(|(r, _)| r.len())),
        }
        // The compiled plan is only a faster reader: the definitions read the same.
        let general = paywire_iso8583::Spec { plan: None, ..*spec };
        assert_eq!(outcome(spec, data), outcome(&general, data));
        let Ok(m) = MessageRef::parse(spec, data) else { continue };
        let again = Message::from_ref(&m).to_vec().expect("re-encodes");
        if spec.bitmap == paywire_iso8583::spec::BitmapEncoding::Binary {
            assert_eq!(again, data);
        } else {
            assert_eq!(again.to_ascii_uppercase(), data.to_ascii_uppercase());
        }
        let reparsed = MessageRef::parse(spec, &again).expect("re-encoding parses");
        assert_eq!(Message::from_ref(&reparsed).to_vec().expect("re-encodes"), again);
        let mut text = String::new();
        let _ = write!(text, "{}", m.describe());
        let _ = m.mac_input();
        let _ = m.icc_data();
        for f in m.fields() {
            assert!(f.offset() + f.value().wire().len() <= data.len());
        }
    }
});
