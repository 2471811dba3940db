//! Card data and keys never print in clear: random PANs, tracks, PINs and keys through the
//! transaction inputs, the CUPS messages built from them (owned, parsed, described, framed),
//! PIN blocks, working keys and errors, each formatted with `{:?}`, `{:#?}` and `{}` where
//! there is one.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use std::fmt::Write as _;

use paywire_iso8583::MessageRef;
use paywire_testkit::{Secrets, pan, secret_bytes, track2};
use paywire_unionpay::spec::CUPS_POS;
use paywire_unionpay::txn::{self, Entry, Original, Pin, Purchase, Refund, Terminal, Void};
use paywire_unionpay::{Key, pin};
use proptest::prelude::*;

const TERMINAL: Terminal<'static> = Terminal {
    terminal_id: "16688014",
    merchant_id: "000000000000001",
    batch: "000001",
};

const ORIGINAL: Original<'static> = Original {
    batch: "000001",
    stan: "000007",
    rrn: "000000000007",
    auth_code: None,
    date: Some("1206"),
};

fn print_message(out: &mut String, m: &paywire_iso8583::Message<'_>, mak: &Key) {
    let bytes = txn::encode_with_mac(m, mak).unwrap();
    let parsed = MessageRef::parse(&CUPS_POS, &bytes).unwrap();
    writeln!(out, "{m:?} {m:#?} {parsed:?} {}", parsed.describe()).unwrap();
    for f in parsed.fields() {
        writeln!(out, "{f:?} {:?}", f.value()).unwrap();
    }
    if let Some(t) = parsed.track2() {
        writeln!(out, "{t} {t:?}").unwrap();
    }
    let other = Key::des_or_tdes(&[0x11; 16]).unwrap();
    if let Err(e) = txn::verify_mac(&parsed, &other) {
        writeln!(out, "{e} {e:?}").unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn transactions_keys_and_pin_blocks_print_no_secret(
        pan in pan(),
        disc in track2("".into()),
        pin_digits in prop::collection::vec(1u8..10, 4..=6),
        tmk in secret_bytes(16),
        mak in secret_bytes(16),
        cryptogram in secret_bytes(8),
    ) {
        // Field 55 is BER-TLV: the cryptogram (9F26) and the ATC (9F36).
        let mut icc = vec![0x9F, 0x26, 0x08];
        icc.extend(&cryptogram);
        icc.extend([0x9F, 0x36, 0x02, 0x00, 0x01]);
        let track = format!("{pan}{disc}");
        prop_assume!(track.len() <= 37);
        let pin_text: Vec<u8> = pin_digits.iter().map(|d| b'0' + d).collect();
        let tmk = Key::des_or_tdes(&tmk).unwrap();
        let mak_key = Key::des_or_tdes(&mak).unwrap();
        let clear = paywire_cardsec::pin::format0(&pin_text, pan.as_bytes()).unwrap();
        let block = pin::encrypt(&pin_text, pan.as_bytes(), &tmk).unwrap();
        let secrets = Secrets::new()
            .pan(&pan)
            .track(&track)
            .bytes(clear.as_bytes())
            .bytes(block.as_bytes())
            .bytes(tmk.expose())
            .bytes(&mak)
            .bytes(&icc);
        let entry = Entry::Card {
            pan: Some(&pan),
            track2: Some(&track),
            sequence: Some("001"),
            icc: Some(&icc),
            entry_mode: "051",
        };
        let pin = Pin {
            block: block.as_bytes(),
            capture_code: "06",
            security: "2600000000000000",
        };
        let purchase = Purchase {
            amount: 51,
            stan: "001834",
            currency: "156",
            entry,
            pin: Some(pin),
            condition: "00",
            f60_tail: "",
        };
        let void = Void {
            amount: 51,
            stan: "001835",
            currency: "156",
            entry,
            pin: Some(pin),
            original: ORIGINAL,
        };
        let refund = Refund {
            amount: 51,
            stan: "001836",
            currency: "156",
            entry,
            original: ORIGINAL,
        };
        let mut out = String::new();
        writeln!(out, "{purchase:?} {purchase:#?} {void:?} {refund:#?} {entry:?} {pin:?}").unwrap();
        writeln!(out, "{clear:?} {block:?} {tmk:?} {mak_key:?}").unwrap();
        writeln!(out, "{:?}", Entry::ScanCode(&pan)).unwrap();
        for m in [
            txn::purchase(&TERMINAL, &purchase).unwrap(),
            txn::void(&TERMINAL, &void).unwrap(),
            txn::refund(&TERMINAL, &refund).unwrap(),
        ] {
            print_message(&mut out, &m, &mak_key);
            print_message(&mut out, &txn::reversal(&m, "98").unwrap(), &mak_key);
        }
        secrets.assert_hidden("unionpay-cps", &out);
    }
}
