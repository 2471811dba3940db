//! The no-heap card requests (`*_to_slice`) against the owned ones: for random requests —
//! swiped, chip and scanned, with and without PIN, voids and refunds of random originals, and
//! values the spec refuses — the bytes written into the caller's buffer are exactly the owned
//! message's `encode_with_mac`, or both refuse the request with the same error.
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
    (
        (
            0u8..4,
            prop_oneof![0u64..10_000, any::<u64>()],
            digits(5..=7),
            digits(5..=7),
        ),
        (
            0u8..3,
            digits(12..=19),
            digits(16..=38),
            "[0-9A-Za-z]{0,70}",
            prop::collection::vec(any::<u8>(), 0..40),
        ),
        (any::<bool>(), digits(0..=10)),
        (
            digits(5..=7),
            digits(5..=7),
            digits(12..=12),
            prop::option::of(digits(6..=6)),
            prop::option::of(digits(3..=5)),
        ),
    )
        .prop_map(
            |(
                (kind, amount, stan, batch),
                (entry, pan, track2, code, icc),
                (pin, tail),
                original,
            )| Case {
                kind,
                amount,
                stan,
                batch,
                entry,
                pan,
                track2: format!(
                    "{}={}",
                    &track2[..track2.len().min(19)],
                    &track2[track2.len().min(19)..]
                ),
                code,
                icc,
                pin,
                tail,
                original,
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
    #![proptest_config(ProptestConfig::with_cases(512))]
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
            _ => {
                let r = Refund { amount: c.amount, stan: &c.stan, currency: "156", entry, original };
                same(txn::refund(&terminal, &r), &mak, txn::refund_to_slice(&terminal, &r, &mak, &mut out));
            }
        }
    }
}

// The published 0200 (blog.youkuaiyun.com/zhu244912654/article/details/80005341) written with no
// allocator: its MAC block and MAC 8A9E91B8; a buffer too small says so.
#[test]
fn the_published_purchase_into_a_buffer() {
    let terminal = Terminal {
        terminal_id: "16688014",
        merchant_id: "000000000000001",
        batch: "000001",
    };
    let sale = Purchase {
        amount: 51,
        stan: "001834",
        currency: "156",
        entry: Entry::Card {
            pan: None,
            track2: Some("4392260009942820=131210112008439"),
            sequence: None,
            icc: None,
            entry_mode: "021",
        },
        pin: Some(Pin {
            block: &[0xAC, 0xF4, 0x6E, 0x73, 0x83, 0x8A, 0x82, 0xF9],
            capture_code: "06",
            security: "2600000000000000",
        }),
        condition: "00",
        f60_tail: "",
    };
    let mak = Key::des_or_tdes(&[0xC2, 0x4A, 0x8F, 0xB5, 0x7A, 0xA2, 0x01, 0x23]).unwrap();
    let mut out = [0u8; 256];
    let bytes = txn::purchase_to_slice(&terminal, &sale, &mak, &mut out).unwrap();
    let mab = hex::decode(include_str!("vectors/cups-0200-mab.hex").trim()).unwrap();
    assert_eq!(&bytes[..mab.len()], &mab[..]);
    assert_eq!(&bytes[mab.len()..], b"8A9E91B8");
    let mut small = [0u8; 40];
    assert!(txn::purchase_to_slice(&terminal, &sale, &mak, &mut small).is_err());
}
