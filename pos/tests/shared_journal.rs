//! One journal for the card terminal and the wallet terminal: neither reuses an order number
//! the other recorded after both were opened, and each resumes only its own payments.
#![allow(clippy::unwrap_used, clippy::arithmetic_side_effects, reason = "tests")]

use std::cell::RefCell;
use std::rc::Rc;

use paywire_pos::wallet::{WalletConfig, WalletTerminal, WechatConfig};
use paywire_pos::{
    Amount, CardConfig, CardTerminal, ErrorKind, Journal, MemoryJournal, Nonces, OrderNo,
    OrderNumbers, Record, SqliteJournal,
};
use paywire_unionpay::Key;

struct Counter(u64);

impl Nonces for Counter {
    fn nonce(&mut self) -> String {
        self.0 += 1;
        format!("N{}", self.0)
    }
}

/// Order numbers from a fixed list.
struct Listed(Vec<&'static str>);

impl OrderNumbers for Listed {
    fn next_order_no(&mut self) -> OrderNo {
        OrderNo::new(self.0.remove(0)).unwrap()
    }
}

fn card_config() -> CardConfig {
    CardConfig::new("16688014", "000000000000001")
}

fn wallet_config() -> WalletConfig {
    WalletConfig {
        wechat: Some(WechatConfig::new(
            "wx2421b1c4370ec43b",
            "10000100",
            "192006250b4c09247ec02edce69f6a2d",
        )),
        wechat_native: None,
        alipay: None,
        pix: None,
    }
}

fn both<J: Journal + Clone>(journal: &J) -> (CardTerminal<J>, WalletTerminal<J, Counter>) {
    let card = CardTerminal::open(
        card_config(),
        Key::des_or_tdes(&[0x11; 16]).unwrap(),
        journal.clone(),
    )
    .unwrap();
    let wallet = WalletTerminal::open(wallet_config(), journal.clone(), Counter(0), 0).unwrap();
    (card, wallet)
}

fn check_sharing<J: Journal + Clone>(mut journal: J) {
    let (card, mut wallet) = both(&journal);
    // The wallet terminal takes "W1" after both were opened ...
    wallet
        .pay(
            1,
            OrderNo::new("W1").unwrap(),
            Amount::cny(51),
            "134567890123456789",
        )
        .unwrap();
    assert!(wallet.poll_transmit().is_some());
    // ... so the card terminal's generator skips it.
    let mut generator = Listed(vec!["W1", "C1"]);
    assert_eq!(card.new_order_no(&mut generator).unwrap().as_str(), "C1");
    // A card sale recorded in the shared journal blocks its number for the wallet terminal.
    journal
        .append(&Record::SaleSent {
            order: OrderNo::new("C1").unwrap(),
            stan: 1,
            amount: Amount::cny(1),
            reversal: Vec::new(),
        })
        .unwrap();
    let mut generator = Listed(vec!["C1", "W2"]);
    assert_eq!(wallet.new_order_no(&mut generator).unwrap().as_str(), "W2");
    // A wallet terminal opened now knows both numbers, and is resuming W1.
    let mut reopened =
        WalletTerminal::open(wallet_config(), journal.clone(), Counter(9), 2).unwrap();
    let err = reopened
        .pay(
            3,
            OrderNo::new("C1").unwrap(),
            Amount::cny(1),
            "134567890123456789",
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Busy);
    drop(wallet);
    // Reopened on the journal, each resumes its own: the card terminal owes a reversal for C1
    // (sent without an answer), the wallet terminal queries W1.
    let (card, mut wallet) = both(&journal);
    assert_eq!(
        card.pending_reversals()
            .map(OrderNo::as_str)
            .collect::<Vec<_>>(),
        ["C1"]
    );
    assert_eq!(wallet.pending_undos().count(), 0);
    wallet.handle_timeout(10).unwrap();
    let query = wallet.poll_transmit().unwrap();
    assert!(query.url.ends_with("/pay/orderquery"), "{query:?}");
}

#[test]
fn in_memory_journal_shared_in_one_thread() {
    check_sharing(Rc::new(RefCell::new(MemoryJournal::new())));
}

#[test]
fn sqlite_journal_shared_across_threads() {
    let path = std::env::temp_dir().join(format!("paywire-shared-{}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let journal = std::sync::Arc::new(std::sync::Mutex::new(SqliteJournal::open(&path).unwrap()));
    check_sharing(journal);
    let _ = std::fs::remove_file(&path);
}
