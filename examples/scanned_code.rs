//! The customer shows a payment code and the terminal scans it (被扫): classify what was scanned
//! and build the request for its channel — a WeChat Pay `micropay` (API v2 XML, MD5 signature),
//! an Alipay `alipay.trade.pay` (RSA2), or a UnionPay 0200 with the code in field 59. An EMV
//! consumer-presented code is read as card data; a merchant code is refused (the customer showed
//! the wrong side).
//!
//! Credentials are the channels' published test values: WeChat Pay's v2 signing example
//! (appid, mch_id, key) and the app key of alipay/alipay-sdk-nodejs-all's tests.
//!
//! Run: `cargo run -p paywire-examples --example scanned_code`

use paywire::alipay::keys::PrivateKey;
use paywire::alipay::v1;
use paywire::emvqr::cpm::CpmRef;
use paywire::emvqr::{Kind, PayloadRef, classify};
use paywire::iso8583::MessageRef;
use paywire::tlv::Tag;
use paywire::tlv::mask::{self, Masked, Sensitivity};
use paywire::unionpay::spec::CUPS_POS;
use paywire::unionpay::txn::{self, Entry, Purchase, Terminal};
use paywire::wechat::v2::SignType;
use paywire::wechat::v2::xml::Document;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The order being paid: 0.01 CNY.
const ORDER: &str = "20241206000001";
const AMOUNT_FEN: u64 = 1;

fn main() -> Result<()> {
    let scanned = [
        "134567890123456789",
        "287654321098765432",
        "6223456789012345678",
        include_str!("cpm-b2.base64").trim(),
        "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469",
        "hello",
    ];
    for code in scanned {
        let kind = classify(code);
        println!("scanned {} → {}", shorten(code), kind.as_str());
        match kind {
            Kind::WechatAuthCode => wechat(code)?,
            Kind::AlipayAuthCode => alipay(code)?,
            Kind::UnionpayAuthCode => unionpay(code)?,
            Kind::EmvCpm => consumer_presented(code)?,
            Kind::EmvMpm => {
                let payload = PayloadRef::parse(code)?;
                println!(
                    "  a merchant's code ({}): not a payment code, ask for the customer's",
                    payload.merchant_name().unwrap_or("no name")
                );
            }
            _ => println!("  not a payment code"),
        }
    }
    Ok(())
}

/// WeChat Pay `pay/micropay`: the v2 XML body, signed with the merchant's API key.
fn wechat(auth_code: &str) -> Result<()> {
    let total_fee = AMOUNT_FEN.to_string();
    let mut request = Document::from_params([
        ("appid", "wxd930ea5d5a258f4f"),
        ("mch_id", "10000100"),
        ("nonce_str", "ibuaiVcKdpRxkhJA"),
        ("body", "paywire example"),
        ("out_trade_no", ORDER),
        ("total_fee", total_fee.as_str()),
        ("spbill_create_ip", "192.0.2.10"),
        ("auth_code", auth_code),
    ]);
    request.sign("192006250b4c09247ec02edce69f6a2d", SignType::Md5);
    assert!(request.verify("192006250b4c09247ec02edce69f6a2d"));
    println!("  POST https://api.mch.weixin.qq.com/pay/micropay");
    println!("  {}", request.to_xml());
    println!("  (on USERPAYING or a system error: query the order, then reverse it)");
    Ok(())
}

/// Alipay `alipay.trade.pay` with `scene=bar_code`, signed RSA2 with the app's private key.
fn alipay(auth_code: &str) -> Result<()> {
    let key = PrivateKey::from_pem(include_str!("../alipay/tests/keys/app-private-key.pem"))?;
    let biz = format!(
        r#"{{"out_trade_no":"{ORDER}","scene":"bar_code","auth_code":"{auth_code}","subject":"paywire example","total_amount":"0.01"}}"#
    );
    let mut request = v1::Request::new(
        "2014060600164699",
        "alipay.trade.pay",
        &v1::timestamp_at(1_733_443_200),
    );
    request.set("biz_content", &biz);
    request.sign(&key)?;
    v1::verify(&key.public_key(), &request.pairs())?;
    for (name, value) in request.pairs() {
        if name == "sign" {
            println!("  {name} = <{} base64 characters, verified>", value.len());
        } else {
            println!("  {name} = {value}");
        }
    }
    Ok(())
}

/// UnionPay over the POS dialect: a 0200 whose field 59 carries the code (tag `A3`).
fn unionpay(code: &str) -> Result<()> {
    let terminal = Terminal {
        terminal_id: "16688014",
        merchant_id: "000000000000001",
        batch: "000001",
    };
    let purchase = Purchase {
        amount: AMOUNT_FEN,
        stan: "000002",
        currency: "156",
        entry: Entry::ScanCode(code),
        pin: None,
        condition: "00",
        f60_tail: "000601",
    };
    let bytes = txn::purchase(&terminal, &purchase)?.to_vec()?;
    let m = MessageRef::parse(&CUPS_POS, &bytes)?;
    print!("{}", m.describe());
    Ok(())
}

/// An EMV consumer-presented code: card data in BER-TLV, sent on as a chip transaction.
fn consumer_presented(text: &str) -> Result<()> {
    let mut buf = [0u8; 512];
    let code = CpmRef::parse(text, &mut buf)?;
    // The PAN (tag 5A, BCD padded with F), printed through paywire's one masking rule: the first
    // 6 and last 4 digits.
    let pan = code.tlvs().search(Tag::APPLICATION_PAN).ok_or("no PAN")?;
    let pan = Masked::new(
        Sensitivity::Pan,
        mask::nibbles(pan.value()).filter(|&c| c != b'F'),
    );
    println!(
        "  card {pan}, {} application(s)",
        code.applications().count()
    );
    Ok(())
}

fn shorten(code: &str) -> String {
    if code.len() > 24 {
        format!("{}…", &code[..24])
    } else {
        code.to_owned()
    }
}
