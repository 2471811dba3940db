//! The no-heap requests (`*_to_slice`) against the owned ones: for random requests — swiped,
//! chip and scanned, with and without PIN, voids and refunds of random originals, reversals,
//! sign-ins and settlements, and values the spec refuses — the bytes written into the caller's
//! buffer are exactly the owned message's encoding (with its MAC), or both refuse the request
//! with the same error. (The published messages written with no allocator are in txn.rs.)
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    reason = "tests"
)]

use paywire_unionpay::txn::{
    self, BalanceInquiry, Entry, Original, Pin, Purchase, Refund, Terminal, Void,
};
use paywire_unionpay::{Error, Key};
use proptest::prelude::*;

fn digits(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(b"0123456789".to_vec()), len)
        .prop_map(|d| String::from_utf8(d).unwrap())
}

/// Mostly `len` digits, sometimes one too few or too many (which the builders refuse).
fn mostly(len: usize) -> impl Strategy<Value = String> {
    prop_oneof![9 => digits(len..=len), 1 => digits(len - 1..=len + 1)]
}

#[derive(Debug, Clone)]
struct Case {
    kind: u8,
    amount: u64,
    stan: String,
    batch: String,
    entry: u8,
    pan: String,
    track2: String,
    code: String,
    icc: Vec<u8>,
    pin: bool,
    tail: String,
    original: (String, String, String, Option<String>, Option<String>),
}

fn case() -> impl Strategy<Value = Case> {
    let head = (
        0u8..6,
        prop_oneof![9 => 0u64..10_000_000, 1 => any::<u64>()],
        mostly(6),
        mostly(6),
    );
    // Mostly well-formed ICC data (one primitive TLV), sometimes any bytes.
    let icc = prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..30).prop_map(|v| {
            let mut tlv = vec![0x9F, 0x26, v.len() as u8];
            tlv.extend(v);
            tlv
        }),
        1 => prop::collection::vec(any::<u8>(), 0..40),
    ];
    let card = (
        0u8..3,
        digits(12..=19),
        digits(16..=38),
        "[0-9A-Za-z]{0,70}",
        icc,
    );
    let pin_tail = (
        any::<bool>(),
        prop_oneof![9 => Just(String::new()), 1 => digits(0..=10)],
    );
    let original = (
        mostly(6),
        mostly(6),
        digits(12..=12),
        prop::option::of(digits(6..=6)),
        prop_oneof![9 => digits(4..=4).prop_map(Some), 1 => prop::option::of(digits(3..=5))],
    );
    (head, card, pin_tail, original).prop_map(
        |((kind, amount, stan, batch), (entry, pan, track2, code, icc), (pin, tail), original)| {
            let cut = track2.len().min(19);
            Case {
                kind,
                amount,
                stan,
                batch,
                entry,
                pan,
                track2: format!("{}={}", &track2[..cut], &track2[cut..]),
                code,
                icc,
                pin,
                tail,
                original,
            }
        },
    )
}

fn same(
    owned: Result<paywire_iso8583::Message<'static>, Error>,
    mak: &Key,
    slice: Result<&[u8], Error>,
) {
    match (owned.and_then(|m| txn::encode_with_mac(&m, mak)), slice) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!((a.kind(), a.place()), (b.kind(), b.place())),
        (a, b) => panic!("owned {a:?}, no-heap {b:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]
    #[test]
    fn no_heap_requests_are_the_owned_ones(c in case()) {
        let mak = Key::des_or_tdes(&[0xC2, 0x4A, 0x8F, 0xB5, 0x7A, 0xA2, 0x01, 0x23]).unwrap();
        let terminal = Terminal { terminal_id: "16688014", merchant_id: "000000000000001", batch: &c.batch };
        let entry = match c.entry {
            0 => Entry::Card { pan: None, track2: Some(&c.track2), sequence: None, icc: None, entry_mode: "021" },
            1 => Entry::Card { pan: Some(&c.pan), track2: None, sequence: Some("001"), icc: Some(&c.icc), entry_mode: "051" },
            _ => Entry::ScanCode(&c.code),
        };
        let pin = c.pin.then_some(Pin { block: &[0xAC, 0xF4, 0x6E, 0x73, 0x83, 0x8A, 0x82, 0xF9], capture_code: "06", security: "2600000000000000" });
        let original = Original {
            batch: &c.original.0,
            stan: &c.original.1,
            rrn: &c.original.2,
            auth_code: c.original.3.as_deref(),
            date: c.original.4.as_deref(),
        };
        let mut out = [0u8; 512];
        match c.kind {
            0 => {
                let p = Purchase { amount: c.amount, stan: &c.stan, currency: "156", entry, pin, condition: "00", f60_tail: &c.tail };
                same(txn::purchase(&terminal, &p), &mak, txn::purchase_to_slice(&terminal, &p, &mak, &mut out));
            }
            1 => {
                let b = BalanceInquiry { stan: &c.stan, currency: "156", entry, pin };
                same(txn::balance_inquiry(&terminal, &b), &mak, txn::balance_inquiry_to_slice(&terminal, &b, &mak, &mut out));
            }
            2 => {
                let v = Void { amount: c.amount, stan: &c.stan, currency: "156", entry, pin, original };
                same(txn::void(&terminal, &v), &mak, txn::void_to_slice(&terminal, &v, &mak, &mut out));
            }
            3 => {
                let r = Refund { amount: c.amount, stan: &c.stan, currency: "156", entry, original };
                same(txn::refund(&terminal, &r), &mak, txn::refund_to_slice(&terminal, &r, &mak, &mut out));
            }
            4 => {
                // A purchase with no answer, reversed (reason `98`, or a malformed one).
                let p = Purchase { amount: c.amount, stan: &c.stan, currency: "156", entry, pin, condition: "00", f60_tail: &c.tail };
                let reason = if c.amount % 16 == 0 { "9" } else { "98" };
                same(
                    txn::purchase(&terminal, &p).and_then(|m| txn::reversal(&m, reason)),
                    &mak,
                    txn::reversal_to_slice(&terminal, txn::Reversible::Purchase(&p), reason, &mak, &mut out),
                );
            }
            _ => {
                let v = Void { amount: c.amount, stan: &c.stan, currency: "156", entry, pin, original };
                same(
                    txn::void(&terminal, &v).and_then(|m| txn::reversal(&m, "06")),
                    &mak,
                    txn::reversal_to_slice(&terminal, txn::Reversible::Void(&v), "06", &mak, &mut out),
                );
            }
        }
    }
}

proptest! {
    // Sign-in and settlement: the no-heap bytes are the owned message's (settlement with and
    // without a MAC), or the same error.
    #[test]
    fn no_heap_sign_in_and_settlement(
        stan in mostly(6),
        batch in mostly(6),
        scheme in 0u8..3,
        time in prop::option::of((digits(6..=6), digits(4..=4))),
        totals in prop::collection::vec(
            (
                prop_oneof![19 => 0u64..1_000_000_000_000, 1 => any::<u64>()],
                prop_oneof![19 => 0u16..1000, 1 => any::<u16>()],
            ),
            4,
        ),
        code in mostly(3),
        with_mac in any::<bool>(),
    ) {
        let mak = Key::des_or_tdes(&[0xC2, 0x4A, 0x8F, 0xB5, 0x7A, 0xA2, 0x01, 0x23]).unwrap();
        let terminal = Terminal { terminal_id: "16688014", merchant_id: "000000000000001", batch: &batch };
        let scheme = [txn::KeyScheme::Single, txn::KeyScheme::Double, txn::KeyScheme::DoubleWithTrackKey][usize::from(scheme)];
        let time_date = time.as_ref().map(|(t, d)| (t.as_str(), d.as_str()));
        let mut out = [0u8; 256];
        let owned = txn::sign_in(&terminal, &stan, scheme, "CUP", time_date).and_then(|m| Ok(m.to_vec()?));
        let slice = txn::sign_in_to_slice(&terminal, &stan, scheme, "CUP", time_date, &mut out);
        match (owned, slice) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b.to_vec()),
            (Err(a), Err(b)) => prop_assert_eq!((a.kind(), a.place()), (b.kind(), b.place())),
            (a, b) => prop_assert!(false, "owned {:?}, no-heap {:?}", a, b),
        }
        let t = |i: usize| txn::Totals {
            debit_amount: totals[i].0,
            debit_count: totals[i].1,
            credit_amount: totals[i + 1].0,
            credit_count: totals[i + 1].1,
        };
        let s = txn::Settlement { stan: &stan, currency: "156", domestic: t(0), foreign: t(2), network_code: &code, operator: "01" };
        let owned = txn::settlement(&terminal, &s)
            .and_then(|m| if with_mac { txn::encode_with_mac(&m, &mak) } else { Ok(m.to_vec()?) });
        let slice = txn::settlement_to_slice(&terminal, &s, with_mac.then_some(&mak), &mut out);
        match (owned, slice) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b.to_vec()),
            (Err(a), Err(b)) => prop_assert_eq!((a.kind(), a.place()), (b.kind(), b.place())),
            (a, b) => prop_assert!(false, "owned {:?}, no-heap {:?}", a, b),
        }
    }
}
