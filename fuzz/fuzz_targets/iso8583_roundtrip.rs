//! iso8583, structure-aware: arbitrary field values set on a builder (those the spec refuses are
//! skipped), encoded, parsed: the same values come back, and re-encoding gives the same bytes —
//! from the parsed message, and through serde's two untyped forms (every field as a borrowed
//! `Value`, and the CLI's JSON form of text and hex).
#![no_main]

use std::collections::BTreeMap;

use paywire_iso8583::serde::{from_message, to_message};
use paywire_iso8583::{MessageBuilder, MessageRef, Mti, Value, builtin};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    spec: u8,
    mti: u16,
    fields: Vec<(u8, Vec<u8>)>,
    padded: Vec<(u8, Vec<u8>)>,
}

fuzz_target!(|input: Input| {
    let spec = builtin::BUILTIN[usize::from(input.spec) % builtin::BUILTIN.len()];
    let Ok(mti) = Mti::new(input.mti % 10_000) else { return };
    let mut b = MessageBuilder::new(spec, mti);
    for (n, v) in &input.fields {
        let _ = b.set(*n, v);
    }
    for (n, v) in &input.padded {
        let _ = b.set_padded(*n, v);
    }
    let bytes = b.to_vec().expect("a builder's message encodes");
    assert_eq!(bytes.len(), b.encoded_len());
    let m = MessageRef::parse(spec, &bytes).expect("a builder's message parses");
    assert_eq!(m.mti(), mti);
    for field in m.fields() {
        let set = b.get(field.number()).expect("only set fields come back");
        let value = field.value().to_vec();
        // Padded values come back with their padding.
        assert!(value.len() >= set.len());
        assert!(set.is_empty() || value.windows(set.len()).any(|w| w == set));
    }
    assert_eq!(m.fields().count(), b.bitmap().fields().count());
    let again = paywire_iso8583::Message::from_ref(&m).to_vec().expect("re-encodes");
    assert_eq!(again, bytes);
    let views: BTreeMap<String, Value<'_>> = from_message(&m).expect("maps onto values");
    let again = to_message(spec, &views).expect("values write back");
    assert_eq!(again.to_vec().expect("re-encodes"), bytes);
    let texts: BTreeMap<String, String> = from_message(&m).expect("maps onto text");
    let again = to_message(spec, &texts).expect("text writes back");
    assert_eq!(again.to_vec().expect("re-encodes"), bytes);
});
