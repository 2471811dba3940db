//! A card purchase at a China UnionPay POS terminal, end to end and without a network: sign in,
//! take the working keys out of the host's 0810 under the terminal master key, send a 0200 with an
//! encrypted PIN block and the MAC of field 64 in its CUPS frame, then check the host's 0210 and
//! its MAC. The host's side is played by `host_*` functions so the program runs on its own.
//!
//! Keys and the card come from the worked example at
//! https://blog.youkuaiyun.com/zhu244912654/article/details/80005341 (TMK, the MAC key it sends
//! wrapped as 96D605EA176B7E9E, the 0200 and its MAC 8A9E91B8), which the program checks on the
//! way.
//!
//! Run: `cargo run -p paywire-examples --example terminal_purchase`

use paywire::iso8583::framing::{Framing, Status};
use paywire::iso8583::{Message, MessageRef, Mti};
use paywire::unionpay::framing::{Header, Tpdu, parse_header};
use paywire::unionpay::key::{check_value, unwrap_key};
use paywire::unionpay::signin::work_keys;
use paywire::unionpay::spec::CUPS_POS;
use paywire::unionpay::txn::{self, Entry, KeyScheme, Pin, Purchase, ResponseCode, Terminal};
use paywire::unionpay::{Cipher, Key, pin};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const TERMINAL: Terminal<'static> = Terminal {
    terminal_id: "16688014",
    merchant_id: "000000000000001",
    batch: "000001",
};
/// The card of the published purchase: its track 2 equivalent data.
const TRACK2: &str = "4392260009942820=131210112008439";
const PAN: &str = "4392260009942820";

fn main() -> Result<()> {
    let tmk = Key::des_or_tdes(&hex::decode("70F2A84CCBC2AE8625CBB0F2C22AB923")?)?;
    let tpdu = Tpdu {
        id: 0x60,
        destination: [0x00, 0x03],
        source: [0x00, 0x00],
    };
    let header = Header::parse(&[0x60, 0x31, 0x00, 0x31, 0x00, 0x00])?;

    // 1. Sign in: the 0800, and the working keys out of the answer's field 62.
    let sign_in = txn::sign_in(&TERMINAL, "000001", KeyScheme::Double, "CUP", None)?;
    let frame = txn::frame(tpdu, header, &sign_in.to_vec()?)?;
    println!("-> 0800 sign-in, {} bytes framed", frame.len());
    let answer = host_sign_in(&frame)?;
    let message = unframe(&answer)?;
    let m = MessageRef::parse(&CUPS_POS, message)?;
    let code = ResponseCode::of(&m).ok_or("no response code")?;
    let field62 = m
        .value(62)
        .and_then(|v| v.as_bytes())
        .ok_or("no field 62")?;
    let keys = work_keys(&tmk, field62, KeyScheme::Double.code().as_bytes())?;
    println!(
        "<- {} {} ({}): PIK and MAK taken out under the TMK, check values verified",
        m.mti(),
        core::str::from_utf8(&code.0)?,
        code.meaning().unwrap_or("?")
    );

    // The published purchase's PIN block with this MAK gives the published MAC.
    let published = purchase_with(&[0xAC, 0xF4, 0x6E, 0x73, 0x83, 0x8A, 0x82, 0xF9])?;
    let published = txn::encode_with_mac(&published, &keys.mak)?;
    let mac = published.get(published.len() - 8..).ok_or("short")?;
    assert_eq!(mac, b"8A9E91B8", "the published MAC");
    println!(
        "   the published 0200 gets its published MAC {}",
        core::str::from_utf8(mac)?
    );

    // 2. The purchase: the customer's PIN as an ISO 9564 format-0 block under the PIK, and the
    //    MAC of field 64 under the MAK.
    let pin_block = pin::encrypt(b"123456", PAN.as_bytes(), &keys.pik)?;
    let request = txn::encode_with_mac(&purchase_with(pin_block.as_bytes())?, &keys.mak)?;
    let frame = txn::frame(tpdu, header, &request)?;
    let sent = MessageRef::parse(&CUPS_POS, &request)?;
    println!("-> 0200 purchase, {} bytes framed:", frame.len());
    print!("{}", sent.describe());

    // 3. The answer: parse, check the MAC before trusting anything in it, read the result.
    let answer = host_purchase(&frame)?;
    let message = unframe(&answer)?;
    let m = MessageRef::parse(&CUPS_POS, message)?;
    txn::verify_mac(&m, &keys.mak)?;
    let code = ResponseCode::of(&m).ok_or("no response code")?;
    let text = |n| {
        m.value(n)
            .map(|v| v.iter().map(char::from).collect::<String>())
            .unwrap_or_default()
    };
    println!(
        "<- {} MAC verified; {} {} ({}), amount {}, RRN {}, authorisation {}",
        m.mti(),
        if code.is_approved() {
            "approved"
        } else {
            "declined"
        },
        core::str::from_utf8(&code.0)?,
        code.meaning().unwrap_or("?"),
        m.amount().unwrap_or(0),
        text(37),
        text(38)
    );

    // A MAC that does not match is refused (a terminal then reverses the sale).
    let mut tampered = message.to_vec();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x01;
    let m = MessageRef::parse(&CUPS_POS, &tampered)?;
    println!(
        "   a 0210 with a changed MAC: {}",
        txn::verify_mac(&m, &keys.mak).unwrap_err()
    );
    Ok(())
}

/// The published purchase (0.51 CNY, swiped, PIN) with `block` in field 52.
fn purchase_with(block: &[u8]) -> Result<Message<'static>> {
    Ok(txn::purchase(
        &TERMINAL,
        &Purchase {
            amount: 51,
            stan: "001834",
            currency: "156",
            entry: Entry::Card {
                pan: None,
                track2: Some(TRACK2),
                sequence: None,
                icc: None,
                entry_mode: "021",
            },
            pin: Some(Pin {
                block,
                capture_code: "06",
                security: "2600000000000000",
            }),
            condition: "00",
            f60_tail: "",
        },
    )?)
}

/// The message inside a CUPS frame (2-byte length, TPDU, header).
fn unframe(bytes: &[u8]) -> Result<&[u8]> {
    match Framing::CUPS.decode(bytes)? {
        Status::Complete(frame) => Ok(frame.message),
        Status::Partial { needed } => Err(format!("frame short by {needed} bytes").into()),
    }
}

/// The keys the host hands out: a double-length PIK, and the published single-length MAK.
fn host_keys() -> Result<(Key, Key)> {
    let pik = Key::des_or_tdes(&hex::decode("0123456789ABCDEFFEDCBA9876543210")?)?;
    let mak = Key::des_or_tdes(&hex::decode("C24A8FB57AA20123")?)?;
    Ok((pik, mak))
}

/// The host answers a sign-in with its working keys under the terminal's master key (field 62:
/// each key encrypted, then the first 4 bytes of its check value; a single-length MAK in a
/// 16-byte slot with a zero right half).
fn host_sign_in(frame: &[u8]) -> Result<Vec<u8>> {
    let tmk = Key::des_or_tdes(&hex::decode("70F2A84CCBC2AE8625CBB0F2C22AB923")?)?;
    let (tpdu, header) = parse_header(frame.get(2..13).ok_or("short frame")?)?;
    let request = Message::parse(&CUPS_POS, unframe(frame)?)?;
    let (pik, mak) = host_keys()?;
    let mut field62 = Vec::new();
    let mut wrapped_pik = pik.expose().to_vec();
    for block in wrapped_pik.chunks_mut(8) {
        tmk.encrypt_block(block);
    }
    field62.extend(&wrapped_pik);
    field62.extend(&check_value(&pik)[..4]);
    let mut wrapped_mak = mak.expose().to_vec();
    tmk.encrypt_block(&mut wrapped_mak);
    assert_eq!(
        hex::encode_upper(&wrapped_mak),
        "96D605EA176B7E9E",
        "the published wrapped MAK"
    );
    let unwrapped = unwrap_key(&tmk, &wrapped_mak, Cipher::Des)?;
    assert_eq!(unwrapped.expose(), mak.expose());
    field62.extend(&wrapped_mak);
    field62.extend([0u8; 8]);
    field62.extend(&check_value(&mak)[..4]);
    let mut response = request.response(&[11, 41, 42, 60]);
    response
        .set(12, "091834")?
        .set(13, "0322")?
        .set(32, "48615840")?
        .set(37, "210322091834")?
        .set(39, "00")?
        .set(62, field62)?;
    Ok(txn::frame(tpdu.reply(), header, &response.to_vec()?)?)
}

/// The host approves the purchase: the request's MAC checked, a 0210 with its own MAC.
fn host_purchase(frame: &[u8]) -> Result<Vec<u8>> {
    let (tpdu, header) = parse_header(frame.get(2..13).ok_or("short frame")?)?;
    let (_, mak) = host_keys()?;
    let request = MessageRef::parse(&CUPS_POS, unframe(frame)?)?;
    txn::verify_mac(&request, &mak)?;
    assert_eq!(request.mti(), Mti::FINANCIAL_REQUEST);
    let mut response = Message::from_ref(&request).response(&[3, 4, 11, 22, 25, 41, 42, 49, 60]);
    response
        .set(12, "101530")?
        .set(13, "0322")?
        .set(32, "48615840")?
        .set(37, "210322101530")?
        .set(38, "A1B2C3")?
        .set(39, "00")?;
    Ok(txn::frame(
        tpdu.reply(),
        header,
        &txn::encode_with_mac(&response, &mak)?,
    )?)
}
