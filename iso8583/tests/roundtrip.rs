//! Round trips for every built-in spec: random messages → encode → parse → same values, and
//! parse → encode → identical bytes; arbitrary bytes never panic.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_iso8583::spec::{Content, Encoding, FieldSpec, Length, Spec};
use std::cell::RefCell;

use paywire_iso8583::{ErrorKind, FieldIndex, Message, MessageBuilder, MessageRef, Mti, builtin};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

/// Characters valid for `content` under `encoding` (BCD track data uses `D` as separator).
fn alphabet(content: Content, encoding: Encoding) -> Vec<u8> {
    let range = |a: u8, b: u8| (a..=b).collect::<Vec<u8>>();
    match content {
        Content::N => range(b'0', b'9'),
        Content::A => [range(b'A', b'Z'), range(b'a', b'z'), vec![b' ']].concat(),
        Content::An => [
            range(b'0', b'9'),
            range(b'A', b'Z'),
            range(b'a', b'z'),
            vec![b' '],
        ]
        .concat(),
        Content::Ans => [range(0x20, 0x7E), range(0x80, 0xFF)].concat(),
        Content::Z if matches!(encoding, Encoding::Bcd { .. }) => {
            [range(b'0', b'9'), vec![b'=']].concat()
        }
        Content::Z => [range(b'0', b'9'), vec![b'=', b'D']].concat(),
        _ => range(0, 0xFF),
    }
}

fn value(spec: FieldSpec<'static>) -> BoxedStrategy<Vec<u8>> {
    let (min, max) = match spec.length {
        Length::Fixed(n) => (usize::from(n), usize::from(n)),
        Length::Var { min, max, .. } => (usize::from(min), usize::from(max).min(64)),
    };
    if spec.content == Content::XN {
        return (
            prop::sample::select(vec![b'C', b'D']),
            prop::collection::vec(
                prop::sample::select(alphabet(Content::N, spec.encoding)),
                max - 1,
            ),
        )
            .prop_map(|(sign, mut digits)| {
                digits.insert(0, sign);
                digits
            })
            .boxed();
    }
    prop::collection::vec(
        prop::sample::select(alphabet(spec.content, spec.encoding)),
        min..=max,
    )
    .boxed()
}

fn message(spec: &'static Spec<'static>) -> impl Strategy<Value = (Mti, Vec<(u8, Vec<u8>)>)> {
    // Fields this build leaves out (`sign-bcd` off) are not generated.
    let fields: Vec<BoxedStrategy<(u8, Vec<u8>)>> = spec
        .fields
        .iter()
        .filter(|f| f.supported())
        .map(|f| {
            let number = f.number;
            value(*f).prop_map(move |v| (number, v)).boxed()
        })
        .collect();
    (0u16..10000, prop::sample::subsequence(fields, 0..=12))
        .prop_flat_map(|(mti, chosen)| (Just(Mti::new(mti).unwrap()), chosen))
}

fn check(
    spec: &'static Spec<'static>,
    mti: Mti,
    fields: &[(u8, Vec<u8>)],
) -> Result<(), TestCaseError> {
    let mut b = MessageBuilder::new(spec, mti);
    for (n, v) in fields {
        b.set(*n, v).unwrap();
    }
    let bytes = b.to_vec().unwrap();
    prop_assert_eq!(bytes.len(), b.encoded_len());
    // Straight into a slice (the direct path) gives the same bytes; one byte short, the error
    // says how many are needed.
    let mut buf = vec![0u8; bytes.len()];
    prop_assert_eq!(b.encode_to_slice(&mut buf).unwrap(), &bytes[..]);
    let mut short = vec![0u8; bytes.len() - 1];
    prop_assert_eq!(
        b.encode_to_slice(&mut short).unwrap_err().kind(),
        paywire_iso8583::ErrorKind::BufferTooSmall {
            needed: bytes.len(),
            capacity: bytes.len() - 1
        }
    );
    let m = MessageRef::parse(spec, &bytes).unwrap();
    prop_assert_eq!(m.mti(), mti);
    KEPT.with(|index| -> Result<(), TestCaseError> {
        let mut index = index.borrow_mut();
        let kept = MessageRef::parse_in(&mut index, spec, &bytes).unwrap();
        prop_assert!(kept == m);
        prop_assert_eq!(reads(&kept), reads(&m));
        Ok(())
    })?;
    let parsed: Vec<(u8, Vec<u8>)> = m
        .fields()
        .map(|f| (f.number(), f.value().to_vec()))
        .collect();
    let mut expected = fields.to_vec();
    expected.sort();
    prop_assert_eq!(&parsed, &expected);
    // `fold` (the nested loop that `for_each`, `sum` and the like use) sees the same fields as
    // `next`.
    let folded = m.fields().fold(Vec::new(), |mut v, f| {
        v.push((f.number(), f.offset(), f.value().to_vec()));
        v
    });
    // A `for` loop calls `next`.
    let mut one_by_one = Vec::new();
    for f in m.fields() {
        one_by_one.push((f.number(), f.offset(), f.value().to_vec()));
    }
    prop_assert_eq!(folded, one_by_one);
    // Owned round trip: parse → Message → bytes.
    prop_assert_eq!(Message::from_ref(&m).to_vec().unwrap(), bytes);
    Ok(())
}

/// A field as parsed: number, offset, length and wire bytes.
type Read = (u8, usize, usize, Vec<u8>);

thread_local! {
    /// One field index for every parse through `parse_in` on this thread: each case finds it
    /// full of the slots of earlier messages, which must never show.
    static KEPT: RefCell<FieldIndex> = const { RefCell::new(FieldIndex::new()) };
}

/// Every field of a parsed message as read, and the number and name of the definition it
/// reports.
fn reads<I: paywire_iso8583::Slots>(m: &MessageRef<'_, '_, I>) -> Vec<(Read, u8, String)> {
    m.fields()
        .map(|f| {
            let read = (
                f.number(),
                f.offset(),
                f.value().len(),
                f.value().wire().to_vec(),
            );
            (read, f.spec().number, f.spec().name.to_string())
        })
        .collect()
}

/// What a parse says, comparable across specs: every field as read, or the error. The same
/// through [`MessageRef::parse_in`] with the thread's kept index (checked here).
fn outcome(spec: &Spec<'_>, bytes: &[u8]) -> Result<Vec<Read>, paywire_iso8583::Error> {
    let fresh = MessageRef::parse(spec, bytes).map(|m| reads(&m));
    let kept = KEPT.with(|index| {
        MessageRef::parse_in(&mut index.borrow_mut(), spec, bytes).map(|m| reads(&m))
    });
    assert_eq!(
        fresh, kept,
        "parse_in with a used index reads as parse does"
    );
    fresh.map(|fields| fields.into_iter().map(|(read, _, _)| read).collect())
}

/// The compiled plan is only a faster way to read: with and without it, the same bytes give the
/// same fields or the same error (kind, field and offset).
fn same_with_and_without_plan(spec: &Spec<'_>, bytes: &[u8]) -> Result<(), TestCaseError> {
    prop_assert!(spec.plan.is_some());
    let general = Spec {
        plan: None,
        ..*spec
    };
    prop_assert_eq!(outcome(spec, bytes), outcome(&general, bytes));
    Ok(())
}

proptest! {
    #[test]
    fn plan_reads_as_definitions_do(
        which in 0..builtin::BUILTIN.len(),
        seed in any::<u64>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
        cut in any::<prop::sample::Index>(),
    ) {
        let spec = builtin::BUILTIN[which];
        // A valid message to start from, then a few bytes changed and maybe a cut.
        let mut runner = proptest::test_runner::TestRunner::new_with_rng(
            ProptestConfig::default(),
            proptest::test_runner::TestRng::from_seed(
                proptest::test_runner::RngAlgorithm::ChaCha,
                &[seed.to_le_bytes(), [7; 8], [1; 8], [9; 8]].concat(),
            ),
        );
        let (mti, fields) = message(spec).new_tree(&mut runner).unwrap().current();
        let mut b = MessageBuilder::new(spec, mti);
        for (n, v) in &fields {
            b.set(*n, v).unwrap();
        }
        let mut bytes = b.to_vec().unwrap();
        same_with_and_without_plan(spec, &bytes)?;
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
            same_with_and_without_plan(spec, &bytes)?;
        }
        let len = cut.index(bytes.len() + 1);
        same_with_and_without_plan(spec, &bytes[..len])?;
    }

    #[test]
    fn plan_reads_arbitrary_bytes_as_definitions_do(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        for spec in builtin::BUILTIN {
            same_with_and_without_plan(spec, &bytes)?;
        }
    }
    #[test]
    fn iso87ascii_round_trip((mti, fields) in message(&builtin::ISO87ASCII)) {
        check(&builtin::ISO87ASCII, mti, &fields)?;
    }

    #[test]
    fn iso87binary_round_trip((mti, fields) in message(&builtin::ISO87BINARY)) {
        check(&builtin::ISO87BINARY, mti, &fields)?;
    }

    #[test]
    fn iso93ascii_round_trip((mti, fields) in message(&builtin::ISO93ASCII)) {
        check(&builtin::ISO93ASCII, mti, &fields)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for spec in builtin::BUILTIN {
            if let Ok(m) = MessageRef::parse(spec, &bytes) {
                // Accepted input re-encodes to the same bytes (up to hex-text case).
                let again = Message::from_ref(&m).to_vec().unwrap();
                prop_assert_eq!(again.to_ascii_uppercase(), bytes.to_ascii_uppercase());
                let _ = m.describe().to_string();
            }
        }
    }

    #[test]
    fn mutated_messages_never_panic((mti, fields) in message(&builtin::ISO87BINARY), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut b = MessageBuilder::new(&builtin::ISO87BINARY, mti);
        for (n, v) in &fields {
            b.set(*n, v).unwrap();
        }
        let mut bytes = b.to_vec().unwrap();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(m) = MessageRef::parse(&builtin::ISO87BINARY, &bytes) {
            prop_assert_eq!(Message::from_ref(&m).to_vec().unwrap(), bytes.clone());
        }
        let prefix = MessageRef::parse_prefix(&builtin::ISO87BINARY, &bytes[..i]);
        let kept = KEPT.with(|index| {
            let mut index = index.borrow_mut();
            MessageRef::parse_prefix_in(&mut index, &builtin::ISO87BINARY, &bytes[..i])
                .map(|(m, rest)| (reads(&m), rest.len()))
        });
        prop_assert_eq!(prefix.map(|(m, rest)| (reads(&m), rest.len())), kept);
    }
}

/// Short values of fixed fields (`set_padded`) are padded the same way straight into a slice as
/// through the writers: numbers with leading zeros, text with trailing spaces (ISO 8583 `n` and
/// `ans`).
#[test]
fn padded_values_encode_the_same_into_a_slice() {
    for spec in builtin::BUILTIN {
        let mut b = MessageBuilder::new(spec, Mti::FINANCIAL_REQUEST);
        b.set_padded(4, b"12345").unwrap();
        b.set_padded(41, b"T1").unwrap();
        b.set_padded(42, b"M").unwrap();
        let bytes = b.to_vec().unwrap();
        let mut buf = [0u8; 128];
        assert_eq!(
            b.encode_to_slice(&mut buf).unwrap(),
            &bytes[..],
            "{}",
            spec.name
        );
        let m = MessageRef::parse(spec, &bytes).unwrap();
        assert_eq!(m.amount(), Some(12345));
        assert_eq!(m.terminal_id().unwrap().to_vec(), b"T1      ");
        assert_eq!(m.merchant_id().unwrap().to_vec(), b"M              ");
    }
}

/// The streaming nom parsers (feature `nom`): every proper prefix of a message is `Incomplete`
/// with a lower bound on what is missing, the whole message parses as `parse_prefix` does, and
/// a frame waits for exactly the bytes its length header announces.
#[cfg(feature = "nom")]
mod streaming {
    use super::*;
    use nom::{Err, Needed, Parser as _};
    use paywire_iso8583::framing::Framing;
    use paywire_iso8583::nom::{frame, message as nom_message};

    type E<'a> = nom::error::Error<&'a [u8]>;

    fn check_streaming(
        spec: &'static Spec<'static>,
        mti: Mti,
        fields: &[(u8, Vec<u8>)],
        tail: &[u8],
    ) -> Result<(), TestCaseError> {
        let mut b = MessageBuilder::new(spec, mti);
        for (n, v) in fields {
            b.set(*n, v).unwrap();
        }
        let bytes = b.to_vec().unwrap();
        for cut in 0..bytes.len() {
            match nom_message::<E>(spec).parse(&bytes[..cut]) {
                Err(Err::Incomplete(Needed::Size(n))) => {
                    prop_assert!(n.get() <= bytes.len() - cut, "cut {} asks for {}", cut, n);
                }
                other => prop_assert!(false, "cut {}: {:?}", cut, other.map(|(r, _)| r.len())),
            }
        }
        let mut stream = bytes.clone();
        stream.extend_from_slice(tail);
        let (rest, m) = nom_message::<E>(spec).parse(&stream).unwrap();
        let (expected, expected_rest) = MessageRef::parse_prefix(spec, &stream).unwrap();
        prop_assert_eq!(rest, expected_rest);
        prop_assert_eq!(m.mac_input(), expected.mac_input());
        prop_assert_eq!(reads(&m), reads(&expected));
        // Framed: the length header says exactly how much is missing.
        let mut framed = vec![0u8; 2];
        framed[..2].copy_from_slice(&u16::try_from(bytes.len()).unwrap().to_be_bytes());
        framed.extend_from_slice(&bytes);
        for cut in 0..framed.len() {
            let want = if cut < 2 { 2 - cut } else { framed.len() - cut };
            prop_assert_eq!(
                frame::<E>(Framing::LEN2).parse(&framed[..cut]).unwrap_err(),
                Err::Incomplete(Needed::new(want))
            );
        }
        let (rest, f) = frame::<E>(Framing::LEN2).parse(&framed).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(f.message, &bytes[..]);
        Ok(())
    }

    proptest! {
        #[test]
        fn iso87ascii_streams((mti, fields) in message(&builtin::ISO87ASCII), tail in prop::collection::vec(any::<u8>(), 0..4)) {
            check_streaming(&builtin::ISO87ASCII, mti, &fields, &tail)?;
        }

        #[test]
        fn iso87binary_streams((mti, fields) in message(&builtin::ISO87BINARY), tail in prop::collection::vec(any::<u8>(), 0..4)) {
            check_streaming(&builtin::ISO87BINARY, mti, &fields, &tail)?;
        }
    }
}

// The builder keeps its fields sorted in a bounded array: any order of sets, replacements and
// removals leaves what a map of field → value says — the same values, the same bitmap, the same
// bytes as setting the map's fields in order — and a set beyond the capacity fails and changes
// nothing.
proptest! {
    #[test]
    fn builder_storage_matches_a_map(ops in prop::collection::vec((any::<bool>(), 2u8..=40, 0u8..10), 0..60)) {
        const CAP: usize = 6;
        let spec = &builtin::ISO87ASCII;
        let mti = Mti::FINANCIAL_REQUEST;
        // Fixed-length numeric or text fields of the spec, with a value of the right length.
        let candidates: Vec<(u8, Vec<u8>)> = spec
            .fields
            .iter()
            .filter(|f| f.number <= 40 && matches!(f.content, Content::N | Content::An | Content::Ans))
            .filter_map(|f| match f.length {
                Length::Fixed(n) => Some((f.number, vec![b'0'; usize::from(n)])),
                _ => None,
            })
            .collect();
        let mut small = MessageBuilder::<CAP>::with_capacity(spec, mti);
        let mut model = std::collections::BTreeMap::<u8, Vec<u8>>::new();
        let values: Vec<Vec<u8>> = (0..10u8)
            .map(|d| candidates.iter().map(|(_, v)| v.iter().map(|_| b'0' + d).collect::<Vec<u8>>()).collect::<Vec<_>>())
            .flat_map(|v| v.into_iter())
            .collect();
        for (set, pick, digit) in ops {
            let (n, _) = &candidates[usize::from(pick) % candidates.len()];
            let at = (usize::from(pick) % candidates.len()) + usize::from(digit) * candidates.len();
            let value = &values[at];
            if set {
                let full = model.len() == CAP && !model.contains_key(n);
                let result = small.set(*n, value);
                if full {
                    prop_assert_eq!(result.unwrap_err().kind(), ErrorKind::TooManyFields { capacity: CAP });
                } else {
                    prop_assert!(result.is_ok());
                    model.insert(*n, value.clone());
                }
            } else {
                small.remove(*n);
                model.remove(n);
            }
            for (m, _) in &candidates {
                prop_assert_eq!(small.get(*m), model.get(m).map(Vec::as_slice));
            }
            prop_assert_eq!(small.bitmap().fields().collect::<Vec<_>>(), model.keys().copied().collect::<Vec<_>>());
        }
        let mut in_order = MessageBuilder::new(spec, mti);
        for (n, v) in &model {
            in_order.set(*n, v).unwrap();
        }
        let (mut a, mut b) = ([0u8; 512], [0u8; 512]);
        prop_assert_eq!(small.encode_to_slice(&mut a).unwrap(), in_order.encode_to_slice(&mut b).unwrap());
        prop_assert_eq!(small.encoded_len(), in_order.encoded_len());
    }
}
