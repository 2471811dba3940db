//! The `cups-pos` spec on the published UnionPay messages (iso8583/tests/vectors, sources in
//! its README): each decodes field by field and re-encodes to the same bytes.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use paywire_iso8583::framing::{Framing, Status};
use paywire_iso8583::{Message, MessageRef};
use paywire_unionpay::framing::parse_header;
use paywire_unionpay::spec::CUPS_POS;

fn vector(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../iso8583/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    hex::decode(std::fs::read_to_string(path).unwrap().trim()).unwrap()
}

fn text(m: &MessageRef<'_, '_>, n: u8) -> String {
    String::from_utf8(m.value(n).unwrap().to_vec()).unwrap()
}

#[test]
fn spec_is_valid() {
    CUPS_POS.validate().unwrap();
}

#[test]
fn sign_in_response_0810() {
    // rufus123456/Java8583Sample IsoTest.java.
    let bytes = vector("cups-0810-signin.hex");
    let Status::Complete(frame) = Framing::CUPS.decode(&bytes).unwrap() else {
        panic!()
    };
    let (tpdu, _) = parse_header(frame.header).unwrap();
    assert_eq!(tpdu.source, [0, 4]);
    let m = MessageRef::parse(&CUPS_POS, frame.message).unwrap();
    assert_eq!(
        (text(&m, 11), text(&m, 32), text(&m, 39), text(&m, 60)),
        (
            "013487".into(),
            "48615840".into(),
            "00".into(),
            "00000001003".into()
        )
    );
    let network = m.field(60).unwrap().subfields().nth(2).unwrap();
    assert_eq!(network.value.to_u64(), Some(3));
    assert_eq!(
        m.field(62).unwrap().spec().name,
        "Working keys (PIK, MAK, TDK with check values)"
    );
    assert_eq!(m.value(62).unwrap().len(), 40);
    assert_eq!(Message::from_ref(&m).to_vec().unwrap(), frame.message);
}

#[test]
fn sign_in_request_0800() {
    // Ajsgn/Java8583 QuickStart.java.
    let bytes = vector("cups-0800-signin.hex");
    let Status::Complete(frame) = Framing::CUPS.decode(&bytes).unwrap() else {
        panic!()
    };
    let m = MessageRef::parse(&CUPS_POS, frame.message).unwrap();
    assert_eq!(
        (text(&m, 41), text(&m, 42), text(&m, 60), text(&m, 63)),
        (
            "50080001".into(),
            "309310083985008".into(),
            "00000172003".into(),
            "CUP".into()
        )
    );
    assert_eq!(Message::from_ref(&m).to_vec().unwrap(), frame.message);
}

#[test]
fn purchase_mac_block() {
    // The 0200 MAC block of https://blog.youkuaiyun.com/zhu244912654/article/details/80005341
    // with its F64 appended; the MAC recomputed over `mac_input()` matches.
    let mab = vector("cups-0200-mab.hex");
    let mut message = mab.clone();
    message.extend_from_slice(b"8A9E91B8");
    let m = MessageRef::parse(&CUPS_POS, &message).unwrap();
    assert_eq!(m.amount(), Some(51));
    assert_eq!(m.mac_input().unwrap(), &mab[..]);
    let tak =
        paywire_unionpay::Key::des_or_tdes(&hex::decode("C24A8FB57AA20123").unwrap()).unwrap();
    let mac = paywire_unionpay::mac::cups_ecb(&tak, m.mac_input().unwrap());
    assert_eq!(
        &paywire_unionpay::mac::field64(&mac),
        m.value(64).unwrap().wire()
    );
    assert_eq!(Message::from_ref(&m).to_vec().unwrap(), message);
}
