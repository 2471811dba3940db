//! unionpay-cps: a whole CUPS frame — length, TPDU, header, cups-pos message — and the sign-in
//! keys of its field 62 under a fixed master key, the answer readers (39, 54 balances, 48
//! settlement verdict) and the MAC check. Nothing panics; accepted messages re-encode to the same
//! bytes.
#![no_main]

use paywire_iso8583::framing::{Framing, Status};
use paywire_iso8583::{Message, MessageRef};
use libfuzzer_sys::fuzz_target;
use paywire_unionpay::framing::parse_header;
use paywire_unionpay::spec::CUPS_POS;
use paywire_unionpay::{Key, signin, txn};

fuzz_target!(|data: &[u8]| {
    let Ok(Status::Complete(frame)) = Framing::CUPS.decode(data) else { return };
    let (tpdu, header) = parse_header(frame.header).expect("the framing gives 11 header bytes");
    assert_eq!(tpdu.reply().reply(), tpdu);
    assert_eq!(header.to_bytes().as_slice(), &frame.header[5..]);
    let Ok(m) = MessageRef::parse(&CUPS_POS, frame.message) else { return };
    assert_eq!(Message::from_ref(&m).to_vec().expect("re-encodes"), frame.message);
    let tmk = Key::des_or_tdes(&[0x11; 16]).expect("a 16-byte key");
    if let (Some(f62), Some(code)) = (m.value(62), m.field(60).and_then(|f| f.subfields().nth(2))) {
        let code = code.value.to_vec();
        let _ = signin::work_keys(&tmk, f62.wire(), &code);
    }
    let _ = txn::ResponseCode::of(&m).map(txn::ResponseCode::meaning);
    if let Some(amounts) = txn::additional_amounts(&m) {
        assert!(!amounts.is_empty());
    }
    if let Some(result) = txn::SettlementResult::of(&m) {
        assert!(result.domestic.debit_count <= 999 && result.foreign.credit_count <= 999);
    }
    let _ = txn::verify_mac(&m, &tmk);
});
