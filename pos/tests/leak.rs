//! Nothing the terminal prints shows card data: the journal's records (which hold the reversal
//! with track 2), the requests handed out, the terminal itself and the sale it was given.
#![allow(clippy::unwrap_used, clippy::arithmetic_side_effects, reason = "tests")]

use std::fmt::Write as _;

use paywire_pos::{Amount, CardConfig, CardSale, CardTerminal, Journal, MemoryJournal, OrderNo};
use paywire_testkit::{Secrets, pan, track2};
use paywire_unionpay::Key;
use paywire_unionpay::txn::Entry;
use proptest::prelude::*;

fn config() -> CardConfig {
    CardConfig::new("16688014", "000000000000001")
}

proptest! {
    #[test]
    fn journal_requests_and_terminal_print_no_card_data(track in pan().prop_flat_map(track2)) {
        let tmk = Key::des_or_tdes(&[0x11; 16]).unwrap();
        let mut journal = MemoryJournal::new();
        let order = OrderNo::new("LEAK").unwrap();
        // A journal as a sale leaves it: the reversal (with the track) recorded.
        let reversal = track.as_bytes().to_vec();
        journal.append(&paywire_pos::Record::SaleSent {
            order: order.clone(),
            stan: 7,
            amount: Amount::cny(1),
            reversal,
        }).unwrap();
        let terminal = CardTerminal::open(config(), tmk, journal).unwrap();
        let sale = CardSale {
            amount: Amount::cny(1),
            entry: Entry::Card { pan: None, track2: Some(&track), sequence: None, icc: None, entry_mode: "021" },
            pin: None,
        };
        let mut out = String::new();
        writeln!(out, "{terminal:?} {sale:?} {sale:#?}").unwrap();
        for r in terminal.journal().records().unwrap() {
            writeln!(out, "{r:?} {r:#?}").unwrap();
        }
        Secrets::new().track(&track).assert_hidden("paywire-pos", &out);
    }
}

/// Nonces from a counter.
struct Counter(u64);

impl paywire_pos::Nonces for Counter {
    fn nonce(&mut self) -> String {
        self.0 += 1;
        format!("N{}", self.0)
    }
}

/// A scanned payment: the request handed out (it carries the customer's payment code, which
/// pays for whoever holds it), the terminal, its journal and its configuration (the WeChat Pay
/// API key) print none of it.
#[test]
fn scanned_codes_and_wallet_keys_are_not_printed() {
    use paywire_pos::wallet::WechatConfig;
    use paywire_pos::{WalletConfig, WalletTerminal};
    let api_key = "192006250b4c09247ec02edce69f6a2d";
    let code = "134567890123456789";
    let config = WalletConfig {
        wechat: Some(WechatConfig::new("wx2421b1c4370ec43b", "10000100", api_key)),
        wechat_native: None,
        alipay: None,
        pix: None,
    };
    let mut out = format!("{config:?} {config:#?}");
    let mut terminal = WalletTerminal::open(config, MemoryJournal::new(), Counter(0), 0).unwrap();
    terminal
        .pay(0, OrderNo::new("LEAK").unwrap(), Amount::cny(1), code)
        .unwrap();
    let request = terminal.poll_transmit().unwrap();
    // The request does carry the code (the wallet needs it) ...
    assert!(String::from_utf8_lossy(&request.body).contains(code));
    // ... but no printout of it does.
    writeln!(out, "{request:?} {request:#?} {terminal:?}").unwrap();
    for r in terminal.journal().records().unwrap() {
        writeln!(out, "{r:?} {r:#?}").unwrap();
    }
    Secrets::new()
        .pan(code)
        .text(api_key)
        .assert_hidden("paywire-pos scan", &out);
}

/// A shown code's configuration prints no API v3 key, and its requests no signature.
#[test]
fn wechat_native_keys_and_signatures_are_not_printed() {
    use std::sync::Arc;

    use paywire_pos::wallet::{WalletConfig, WalletTerminal, WechatNativeConfig};
    use paywire_wechat_pay::keys::PrivateKey;
    use paywire_wechat_pay::v3::Verifiers;
    let api_v3_key = "0123456789abcdefghijklmnopqrstuv";
    let key = PrivateKey::from_pem(include_str!(
        "../../wechat-pay/tests/keys/java_merchant_private_key.pem"
    ))
    .unwrap();
    let native = WechatNativeConfig::new(
        "wx2421b1c4370ec43b",
        "10000100",
        key,
        "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        Arc::new(Verifiers::new()),
        api_v3_key.as_bytes(),
        "https://pos.example/notify",
    );
    let config = WalletConfig {
        wechat: None,
        wechat_native: Some(native),
        alipay: None,
        pix: None,
    };
    let mut out = format!("{config:?} {config:#?}");
    let mut terminal = WalletTerminal::open(config, MemoryJournal::new(), Counter(0), 0).unwrap();
    terminal
        .show(
            1_765_000_000_000,
            OrderNo::new("LEAK01").unwrap(),
            Amount::cny(1),
            paywire_pos::Wallet::WeChat,
            60_000,
        )
        .unwrap();
    let request = terminal.poll_transmit().unwrap();
    let authorization = &request
        .headers
        .iter()
        .find(|(name, _)| *name == "Authorization")
        .unwrap()
        .1;
    let signature = authorization.split("signature=\"").nth(1).unwrap();
    writeln!(out, "{request:?} {request:#?}").unwrap();
    Secrets::new()
        .text(api_v3_key)
        .text(signature.trim_end_matches('"'))
        .assert_hidden("paywire-pos native", &out);
}
