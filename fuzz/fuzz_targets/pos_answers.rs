//! paywire-pos: whatever the network or a notification brings, the terminals never panic and
//! never approve a payment on an answer that is not the channel's. The first byte picks the
//! request in flight: a card sign-in (the rest is a CUPS frame), a WeChat Pay `micropay`, an
//! Alipay `alipay.trade.pay` (the rest is the HTTP body), a WeChat Pay Native order (header
//! lines, a blank line, the body), an Alipay / WeChat Pay notification, or a Pix charge's
//! creation (its answers are not signed: approved only when they name the charge and its
//! amount as paid).
#![no_main]

use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use paywire_pos::wallet::{
    AlipayConfig, Event, PixConfig, Response, WalletConfig, WalletTerminal, WechatConfig,
    WechatNativeConfig,
};
use paywire_pos::{
    Amount, CardConfig, CardTerminal, MemoryJournal, Nonces, OrderNo, Outcome, Wallet,
};
use paywire_unionpay::Key;

struct Counter(u64);

impl Nonces for Counter {
    fn nonce(&mut self) -> String {
        self.0 += 1;
        format!("N{}", self.0)
    }
}

static CONFIG: LazyLock<WalletConfig> = LazyLock::new(|| {
    let app = paywire_alipay::keys::PrivateKey::from_pem(include_str!(
        "../../alipay/tests/keys/app-private-key.pem"
    ))
    .expect("the test key");
    let alipay_public = paywire_alipay::keys::PublicKey::from_pem(include_str!(
        "../../alipay/tests/keys/alipay-public-key.pem"
    ))
    .expect("the test key");
    let merchant = paywire_wechat_pay::keys::PrivateKey::from_pem(include_str!(
        "../../wechat-pay/tests/keys/java_merchant_private_key.pem"
    ))
    .expect("the test key");
    let mut platform = paywire_wechat_pay::v3::Verifiers::new();
    platform.add_certificate(
        paywire_wechat_pay::keys::Certificate::from_pem(include_str!(
            "../../wechat-pay/tests/keys/go_platform_cert.pem"
        ))
        .expect("the test certificate"),
    );
    WalletConfig {
        wechat: Some(WechatConfig::new(
            "wx2421b1c4370ec43b",
            "10000100",
            "192006250b4c09247ec02edce69f6a2d",
        )),
        wechat_native: Some(WechatNativeConfig::new(
            "wx2421b1c4370ec43b",
            "10000100",
            merchant,
            "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            Arc::new(platform),
            b"0123456789abcdefghijklmnopqrstuv",
            "https://pos.example/notify",
        )),
        alipay: Some(AlipayConfig::new("2014072300007148", app, alipay_public)),
        pix: Some(PixConfig::new(
            "https://pix.example.com/api/v2",
            "7d9f0335-8dcc-4054-9bf9-0dbd61d36906",
            "token",
            "Fulano de Tal",
            "BRASILIA",
        )),
    }
});

fn card_config() -> CardConfig {
    CardConfig::new("16688014", "000000000000001")
}

const NOW: u64 = 1_624_523_846_000;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    if which % 7 == 0 {
        let tmk = Key::des_or_tdes(&[0x11; 16]).expect("a key");
        let mut t = CardTerminal::open(card_config(), tmk, MemoryJournal::new()).expect("open");
        t.sign_in(0).expect("sign-in");
        let _ = t.poll_transmit();
        let _ = t.handle_response(1, rest);
        let _ = t.handle_timeout(u64::MAX);
        return;
    }
    let text = String::from_utf8_lossy(rest);
    let (head, body) = text.split_once("\n\n").unwrap_or(("", &text));
    let headers: Vec<(&str, &str)> = head.lines().filter_map(|l| l.split_once(':')).collect();
    let response = Response {
        status: 200,
        headers: &headers,
        body: body.as_bytes(),
    };
    let mut t = WalletTerminal::open(CONFIG.clone(), MemoryJournal::new(), Counter(0), NOW)
        .expect("open");
    let order = OrderNo::new("FUZZ0001").expect("an order number");
    let amount = Amount::cny(51);
    let pix = which % 7 == 6;
    match which % 7 {
        1 => t.pay(NOW, order, amount, "134567890123456789").expect("pay"),
        2 => t.pay(NOW, order, amount, "286543210987654321").expect("pay"),
        3 => t.show(NOW, order, amount, Wallet::WeChat, 60_000).expect("show"),
        6 => {
            let charge = OrderNo::new("FUZZ0001PIXCHARGE000000000001").expect("a txid");
            t.show(NOW, charge, Amount::brl(51), Wallet::Pix, 60_000).expect("show")
        }
        _ => t.show(NOW, order, amount, Wallet::Alipay, 60_000).expect("show"),
    }
    let request = t.poll_transmit().expect("a request");
    match which % 7 {
        4 => {
            let _ = t.handle_notification(NOW, Wallet::Alipay, &response);
        }
        5 => {
            let _ = t.handle_notification(NOW, Wallet::WeChat, &response);
        }
        _ => {
            let _ = t.handle_response(NOW, request.id, &response);
        }
    }
    while let Some(event) = t.poll_event() {
        // Nothing the fuzzer writes carries the channel's signature; a Pix answer (unsigned)
        // approves only when it names the charge, concluded.
        if let Event::Finished { outcome, .. } = event {
            let approved = matches!(outcome, Outcome::Approved(_));
            if pix {
                assert!(
                    !approved
                        || (body.contains("FUZZ0001PIXCHARGE000000000001")
                            && body.contains("CONCLUIDA")),
                    "a Pix charge approved by an answer that does not say so"
                );
            } else {
                assert!(!approved, "approved on a forged answer");
            }
        }
    }
    let _ = t.handle_timeout(u64::MAX / 2);
});
