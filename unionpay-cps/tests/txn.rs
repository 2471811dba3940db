//! Transaction builders against the published messages (iso8583/tests/vectors, sources in its
//! README and shared/REFERENCE.md §4.7).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use iso8583::MessageRef;
use unionpay_cps::frame::parse_header;
use unionpay_cps::spec::CUPS_POS;
use unionpay_cps::txn::{self, Entry, KeyScheme, Pin, Purchase, ResponseCode, Terminal};
use unionpay_cps::{ErrorKind, Key};

fn vector(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../iso8583/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    hex::decode(std::fs::read_to_string(path).unwrap().trim()).unwrap()
}

// Ajsgn/Java8583 QuickStart.java: the 0800 sign-in, frame and all.
#[test]
fn sign_in_reproduces_published_0800() {
    let published = vector("cups-0800-signin.hex");
    let terminal = Terminal {
        terminal_id: "50080001",
        merchant_id: "309310083985008",
        batch: "000172",
    };
    let m = txn::sign_in(
        &terminal,
        "000172",
        KeyScheme::Double,
        "CUP",
        Some(("170510", "0510")),
    )
    .unwrap();
    let (tpdu, header) = parse_header(&published[2..13]).unwrap();
    let frame = txn::frame(tpdu, header, &m.to_vec().unwrap()).unwrap();
    assert_eq!(hex::encode_upper(&frame), hex::encode_upper(&published));
    assert_eq!(
        txn::sign_in(&terminal, "17", KeyScheme::Double, "CUP", None)
            .unwrap_err()
            .kind(),
        ErrorKind::MissingParameter { name: "stan" }
    );
}

const TERMINAL: Terminal<'static> = Terminal {
    terminal_id: "16688014",
    merchant_id: "000000000000001",
    batch: "000001",
};

fn published_purchase() -> Purchase<'static> {
    Purchase {
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
    }
}

// https://blog.youkuaiyun.com/zhu244912654/article/details/80005341: the 0200 purchase with PIN,
// its MAC block, and F64 = ASCII 8A9E91B8 under the TAK C24A8FB57AA20123.
#[test]
fn purchase_reproduces_published_0200_and_mac() {
    let m = txn::purchase(&TERMINAL, &published_purchase()).unwrap();
    let mak = Key::des_or_tdes(&hex::decode("C24A8FB57AA20123").unwrap()).unwrap();
    let bytes = txn::encode_with_mac(&m, &mak).unwrap();
    let mut expected = vector("cups-0200-mab.hex");
    expected.extend_from_slice(b"8A9E91B8");
    assert_eq!(hex::encode_upper(&bytes), hex::encode_upper(&expected));
    let parsed = MessageRef::parse(&CUPS_POS, &bytes).unwrap();
    txn::verify_mac(&parsed, &mak).unwrap();
    let other = Key::des_or_tdes(&hex::decode("C24A8FB57AA20124").unwrap()).unwrap();
    assert_eq!(
        txn::verify_mac(&parsed, &other).unwrap_err().kind(),
        ErrorKind::MacMismatch
    );
}

#[test]
fn reversal_repeats_the_original_without_pin() {
    let original = txn::purchase(&TERMINAL, &published_purchase()).unwrap();
    let r = txn::reversal(&original, "98").unwrap();
    let mak = Key::des_or_tdes(&hex::decode("C24A8FB57AA20123").unwrap()).unwrap();
    let bytes = txn::encode_with_mac(&r, &mak).unwrap();
    let parsed = MessageRef::parse(&CUPS_POS, &bytes).unwrap();
    assert_eq!(parsed.mti().number(), 400);
    let fields: Vec<u8> = parsed.fields().map(|f| f.number()).collect();
    assert_eq!(fields, [3, 4, 11, 22, 25, 35, 39, 41, 42, 49, 53, 60, 64]);
    assert_eq!(parsed.value(39).unwrap().as_bytes(), Some(&b"98"[..]));
    assert_eq!(parsed.amount(), Some(51));
    txn::verify_mac(&parsed, &mak).unwrap();
    assert!(txn::reversal(&original, "9").is_err());
}

#[test]
fn scan_code_purchase() {
    // A UnionPay C2B code (19 digits, "62" prefix) scanned from the customer's phone.
    let p = Purchase {
        amount: 1,
        stan: "000002",
        currency: "156",
        entry: Entry::ScanCode("6223456789012345678"),
        pin: None,
        condition: "00",
        f60_tail: "000601",
    };
    let m = txn::purchase(&TERMINAL, &p).unwrap();
    let bytes = m.to_vec().unwrap();
    let parsed = MessageRef::parse(&CUPS_POS, &bytes).unwrap();
    assert_eq!(
        parsed.value(22).unwrap().iter().collect::<Vec<u8>>(),
        b"032"
    );
    assert_eq!(
        parsed.value(59).unwrap().as_bytes(),
        Some(&b"A30196223456789012345678"[..])
    );
    let f60: String = parsed.value(60).unwrap().iter().map(char::from).collect();
    assert_eq!(f60, "22000001000601");
    assert!(!parsed.has(2) && !parsed.has(35) && !parsed.has(52));
    let bad = Purchase {
        entry: Entry::ScanCode("62 34"),
        ..p
    };
    assert!(txn::purchase(&TERMINAL, &bad).is_err());
}

// rufus123456/Java8583Sample IsoTest.java: the 0810 answer approves.
#[test]
fn response_code_of_published_0810() {
    let bytes = vector("cups-0810-signin.hex");
    let m = MessageRef::parse(&CUPS_POS, &bytes[13..]).unwrap();
    let code = ResponseCode::of(&m).unwrap();
    assert!(code.is_approved());
    assert_eq!(code.meaning(), Some("Approved or completed successfully"));
    assert!(ResponseCode(*b"04").is_pick_up());
    assert!(!ResponseCode(*b"05").is_approved());
    assert_eq!(ResponseCode(*b"A0").meaning(), None);
}
