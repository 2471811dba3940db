//! Transaction builders against the published messages (iso8583/tests/vectors, sources in its
//! README; the purchase from https://blog.youkuaiyun.com/zhu244912654/article/details/80005341).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use paywire_iso8583::MessageRef;
use paywire_unionpay::framing::parse_header;
use paywire_unionpay::spec::CUPS_POS;
use paywire_unionpay::txn::{self, Entry, KeyScheme, Pin, Purchase, ResponseCode, Terminal};
use paywire_unionpay::{ErrorKind, Key, Place};

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
    // The message alone (after the length, TPDU and header) with no allocator.
    let mut out = [0u8; 128];
    let written = txn::sign_in_to_slice(
        &terminal,
        "000172",
        KeyScheme::Double,
        "CUP",
        Some(("170510", "0510")),
        &mut out,
    )
    .unwrap();
    assert_eq!(
        hex::encode_upper(written),
        hex::encode_upper(&published[13..])
    );
    let e = txn::sign_in(&terminal, "17", KeyScheme::Double, "CUP", None).unwrap_err();
    assert_eq!(
        (e.kind(), e.place()),
        (
            ErrorKind::Digits { length: 6 },
            Some(Place::Parameter("stan"))
        )
    );
    assert_eq!(e.to_string(), "parameter stan: must be 6 digits");
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
    // The same bytes with no allocator, into a buffer; too small a buffer is an error.
    let mut out = [0u8; 256];
    let written = txn::purchase_to_slice(&TERMINAL, &published_purchase(), &mak, &mut out).unwrap();
    assert_eq!(hex::encode_upper(written), hex::encode_upper(&expected));
    assert!(
        txn::purchase_to_slice(&TERMINAL, &published_purchase(), &mak, &mut [0u8; 40]).is_err()
    );
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

/// Field `n` of a parsed message as text.
fn text(m: &MessageRef<'_, '_>, n: u8) -> String {
    m.value(n).unwrap().iter().map(char::from).collect()
}

fn numbers(m: &MessageRef<'_, '_>) -> Vec<u8> {
    m.fields().map(|f| f.number()).collect()
}

// yogapay CopyOfAcqRequest.java main(): terminal A1000005 / merchant 800075553090001, batch
// 100000, trace 100015, and the void of 3588.00 with RRN 062995973205, auth 475609, original
// batch 100000 and trace 100013. Codes from 中国银联POS终端消息域说明 §1: void = 200000 / 00 /
// 0200 / 23.
const YOGAPAY: Terminal<'static> = Terminal {
    terminal_id: "A1000005",
    merchant_id: "800075553090001",
    batch: "100000",
};

fn swiped() -> Entry<'static> {
    Entry::Card {
        pan: None,
        track2: Some("6222521311350221=1509106442"),
        sequence: None,
        icc: None,
        entry_mode: "021",
    }
}

fn yogapay_original(date: Option<&'static str>) -> txn::Original<'static> {
    txn::Original {
        batch: "100000",
        stan: "100013",
        rrn: "062995973205",
        auth_code: Some("475609"),
        date,
    }
}

#[test]
fn void_carries_the_original_references() {
    let v = txn::Void {
        amount: 358_800,
        stan: "100015",
        currency: "156",
        entry: swiped(),
        pin: None,
        original: yogapay_original(None),
    };
    let m = txn::void(&YOGAPAY, &v).unwrap();
    let mak = Key::des_or_tdes(&hex::decode("C24A8FB57AA20123").unwrap()).unwrap();
    let bytes = txn::encode_with_mac(&m, &mak).unwrap();
    let parsed = MessageRef::parse(&CUPS_POS, &bytes).unwrap();
    assert_eq!(parsed.mti().number(), 200);
    assert_eq!(
        numbers(&parsed),
        [3, 4, 11, 22, 25, 35, 37, 38, 41, 42, 49, 60, 61, 64]
    );
    assert_eq!(text(&parsed, 3), "200000");
    assert_eq!(text(&parsed, 4), "000000358800");
    assert_eq!(text(&parsed, 25), "00");
    assert_eq!(text(&parsed, 35), "6222521311350221=1509106442");
    assert_eq!(text(&parsed, 37), "062995973205");
    assert_eq!(text(&parsed, 38), "475609");
    assert_eq!(text(&parsed, 60), "23100000");
    assert_eq!(text(&parsed, 61), "100000100013");
    txn::verify_mac(&parsed, &mak).unwrap();
    let bad = txn::Void {
        original: txn::Original {
            stan: "13",
            ..yogapay_original(None)
        },
        ..v
    };
    let e = txn::void(&YOGAPAY, &bad).unwrap_err();
    assert_eq!(
        (e.kind(), e.place()),
        (
            ErrorKind::Digits { length: 6 },
            Some(Place::Parameter("original stan"))
        )
    );
}

// yogapay refund(): 0220, 200000, 60 = 25 + batch, 61 = original batch + trace + date.
#[test]
fn refund_is_an_advice_with_the_original_date() {
    let r = txn::Refund {
        amount: 100_000,
        stan: "100016",
        currency: "156",
        entry: swiped(),
        original: yogapay_original(Some("1124")),
    };
    let m = txn::refund(&YOGAPAY, &r).unwrap();
    let bytes = m.to_vec().unwrap();
    let parsed = MessageRef::parse(&CUPS_POS, &bytes).unwrap();
    assert_eq!(parsed.mti().number(), 220);
    assert_eq!(text(&parsed, 3), "200000");
    assert_eq!(parsed.amount(), Some(100_000));
    assert_eq!(text(&parsed, 60), "25100000");
    assert_eq!(text(&parsed, 61), "1000001000131124");
    assert!(!parsed.has(52));
    let undated = txn::Refund {
        original: yogapay_original(None),
        ..r
    };
    let e = txn::refund(&YOGAPAY, &undated).unwrap_err();
    assert_eq!(
        (e.kind(), e.place()),
        (
            ErrorKind::MissingParameter,
            Some(Place::Parameter("original date"))
        )
    );
    let too_much = txn::Refund {
        amount: 1_000_000_000_000,
        ..r
    };
    let e = txn::refund(&YOGAPAY, &too_much).unwrap_err();
    assert_eq!(
        (e.kind(), e.place()),
        (ErrorKind::Amount, Some(Place::Field(4)))
    );
}

#[test]
fn codec_errors_keep_their_kind_and_field() {
    // A terminal ID of 9 characters: field 41 takes 8. The codec's own kind and field come
    // through, not a bare "field refused".
    let long_id = Terminal {
        terminal_id: "123456789",
        ..TERMINAL
    };
    let e = txn::sign_in(&long_id, "000001", KeyScheme::Double, "CUP", None).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Iso8583(paywire_iso8583::ErrorKind::TooLong { .. })
        ),
        "{e:?}"
    );
    assert_eq!(e.place(), Some(Place::Field(41)));
    assert!(e.to_string().starts_with("field 41: "), "{e}");
}

// yogapay query(): 0200, 310000, 25 = 00, 26, 49, 52, 53, 60 = 01 + batch.
#[test]
fn balance_inquiry_and_its_answer() {
    let b = txn::BalanceInquiry {
        stan: "100017",
        currency: "156",
        entry: swiped(),
        pin: Some(Pin {
            block: &[0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88],
            capture_code: "06",
            security: "2600000000000000",
        }),
    };
    let m = txn::balance_inquiry(&YOGAPAY, &b).unwrap();
    let bytes = m.to_vec().unwrap();
    let parsed = MessageRef::parse(&CUPS_POS, &bytes).unwrap();
    assert_eq!(
        numbers(&parsed),
        [3, 11, 22, 25, 26, 35, 41, 42, 49, 52, 53, 60]
    );
    assert_eq!(text(&parsed, 3), "310000");
    assert_eq!(text(&parsed, 60), "01100000");

    // The answer's field 54 (ISO 8583:1987 layout): savings account (10), ledger balance (01)
    // of CNY 1,234.56 in credit, available balance (02) of CNY 20.00 in debit.
    let mut answer =
        paywire_iso8583::Message::new(&CUPS_POS, paywire_iso8583::Mti::FINANCIAL_RESPONSE);
    answer
        .set(54, "1001156C0000001234561002156D000000002000")
        .unwrap();
    let bytes = answer.to_vec().unwrap();
    let parsed = MessageRef::parse(&CUPS_POS, &bytes).unwrap();
    let amounts = txn::additional_amounts(&parsed).unwrap();
    assert_eq!(amounts.len(), 2);
    assert_eq!(amounts[0].account_type, *b"10");
    assert_eq!(amounts[0].amount_type, *b"01");
    assert_eq!(amounts[0].currency, *b"156");
    assert_eq!(amounts[0].amount, 123_456);
    assert_eq!(amounts[1].amount, -2000);
    let mut odd =
        paywire_iso8583::Message::new(&CUPS_POS, paywire_iso8583::Mti::FINANCIAL_RESPONSE);
    odd.set(54, "1001156X000000123456").unwrap();
    let bytes = odd.to_vec().unwrap();
    assert_eq!(
        txn::additional_amounts(&MessageRef::parse(&CUPS_POS, &bytes).unwrap()),
        None
    );
}

// Field 48 of a settlement: for domestic then foreign cards, debit amount N12, debit count N3,
// credit amount N12, credit count N3, reconciliation code N1 (1 = 对账平).
#[test]
fn settlement_totals_and_verdict() {
    let s = txn::Settlement {
        stan: "100018",
        currency: "156",
        domestic: txn::Totals {
            debit_amount: 358_800,
            debit_count: 1,
            credit_amount: 100_000,
            credit_count: 1,
        },
        foreign: txn::Totals::default(),
        network_code: "201",
        operator: "001",
    };
    let m = txn::settlement(&YOGAPAY, &s).unwrap();
    let bytes = m.to_vec().unwrap();
    let parsed = MessageRef::parse(&CUPS_POS, &bytes).unwrap();
    assert_eq!(parsed.mti().number(), 500);
    assert_eq!(numbers(&parsed), [11, 41, 42, 48, 49, 60, 63]);
    assert_eq!(
        text(&parsed, 48),
        concat!(
            "000000358800",
            "001",
            "000000100000",
            "001",
            "0",
            "000000000000",
            "000",
            "000000000000",
            "000",
            "0"
        )
    );
    assert_eq!(text(&parsed, 60), "00100000201");

    let mut answer =
        paywire_iso8583::Message::new(&CUPS_POS, paywire_iso8583::Mti::new(510).unwrap());
    let mut f48 = text(&parsed, 48).into_bytes();
    f48[30] = b'1';
    f48[61] = b'1';
    answer.set(48, f48.clone()).unwrap();
    let bytes = answer.to_vec().unwrap();
    let result = txn::SettlementResult::of(&MessageRef::parse(&CUPS_POS, &bytes).unwrap()).unwrap();
    assert!(result.is_balanced());
    assert_eq!(result.domestic, s.domestic);
    f48[30] = b'2';
    answer.set(48, f48).unwrap();
    let bytes = answer.to_vec().unwrap();
    let result = txn::SettlementResult::of(&MessageRef::parse(&CUPS_POS, &bytes).unwrap()).unwrap();
    assert!(!result.is_balanced());
    assert_eq!(result.domestic_code, b'2');

    let too_many = txn::Settlement {
        domestic: txn::Totals {
            debit_count: 1000,
            ..s.domestic
        },
        ..s
    };
    assert!(txn::settlement(&YOGAPAY, &too_many).is_err());
    let bad_code = txn::Settlement {
        network_code: "21",
        ..s
    };
    assert!(txn::settlement(&YOGAPAY, &bad_code).is_err());
}
