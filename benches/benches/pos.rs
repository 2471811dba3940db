//! paywire-pos: what one card sale costs the terminal's state machine (purchase, MAC, frame,
//! journal, the answer parsed and its MAC checked, the outcome), against the two ECB MACs it
//! computes — the crypto — in the same run. The difference is the machine's own cost per
//! payment (reported, no limit is set on it). The same for one WeChat Pay payment code paid at
//! once (`micropay`: the request signed, the XML answer read and its signature checked), against
//! the two MD5 signatures alone.
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    reason = "benchmark setup with fixed inputs"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use paywire_benches::best_of;
use paywire_iso8583::framing::{Framing, Status};
use paywire_iso8583::{Message, MessageRef};
use paywire_pos::{Amount, CardConfig, CardSale, CardTerminal, MemoryJournal, OrderNo};
use paywire_unionpay::key::check_value;
use paywire_unionpay::spec::CUPS_POS;
use paywire_unionpay::txn::{self, Entry};
use paywire_unionpay::{Key, mac};

const TMK: [u8; 16] = [
    0x70, 0xF2, 0xA8, 0x4C, 0xCB, 0xC2, 0xAE, 0x86, 0x25, 0xCB, 0xB0, 0xF2, 0xC2, 0x2A, 0xB9, 0x23,
];
const PIK: [u8; 16] = [
    0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10,
];
const MAK: [u8; 8] = [0xC2, 0x4A, 0x8F, 0xB5, 0x7A, 0xA2, 0x01, 0x23];
const TRACK2: &str = "4392260009942820=131210112008439";

fn config() -> CardConfig {
    CardConfig::new("16688014", "000000000000001")
}

fn message(frame: &[u8]) -> MessageRef<'_, 'static> {
    let Ok(Status::Complete(f)) = Framing::CUPS.decode(frame) else {
        panic!("a frame")
    };
    MessageRef::parse(&CUPS_POS, f.message).unwrap()
}

/// The host's answer to `request` (a frame): 0810 with the working keys, or an approving 0210.
fn answer(request: &[u8]) -> Vec<u8> {
    let tmk = Key::des_or_tdes(&TMK).unwrap();
    let mak = Key::des_or_tdes(&MAK).unwrap();
    let m = message(request);
    let cfg = config();
    let bytes = if m.mti().number() == 800 {
        let pik = Key::des_or_tdes(&PIK).unwrap();
        let mut f62 = pik.expose().to_vec();
        for b in f62.chunks_mut(8) {
            tmk.encrypt_block(b);
        }
        f62.extend(&check_value(&pik)[..4]);
        let mut wrapped = MAK.to_vec();
        tmk.encrypt_block(&mut wrapped);
        f62.extend(wrapped);
        f62.extend([0u8; 8]);
        f62.extend(&check_value(&mak)[..4]);
        let mut r = Message::from_ref(&m).response(&[11, 41, 42, 60]);
        r.set(39, "00").unwrap().set(62, f62).unwrap();
        r.to_vec().unwrap()
    } else {
        let mut r = Message::from_ref(&m).response(&[3, 4, 11, 22, 25, 41, 42, 49, 60]);
        r.set(37, "000000000001")
            .unwrap()
            .set(38, "A1B2C3")
            .unwrap()
            .set(39, "00")
            .unwrap();
        txn::encode_with_mac(&r, &mak).unwrap()
    };
    txn::frame(cfg.tpdu.reply(), cfg.header, &bytes).unwrap()
}

fn sale() -> CardSale<'static> {
    CardSale {
        amount: Amount::cny(51),
        entry: Entry::Card {
            pan: None,
            track2: Some(TRACK2),
            sequence: None,
            icc: None,
            entry_mode: "021",
        },
        pin: None,
    }
}

fn signed_in() -> CardTerminal<MemoryJournal> {
    let mut t = CardTerminal::open(
        config(),
        Key::des_or_tdes(&TMK).unwrap(),
        MemoryJournal::new(),
    )
    .unwrap();
    t.sign_in(0).unwrap();
    let request = t.poll_transmit().unwrap();
    t.handle_response(1, &answer(&request.bytes)).unwrap();
    assert_eq!(t.poll_event(), Some(paywire_pos::Event::SignedIn));
    t
}

/// A signed-in terminal and the answers to its next `n` sales (built untimed): a first
/// terminal with the same history makes the same requests (same STANs) and collects them.
fn prepared(n: usize) -> (CardTerminal<MemoryJournal>, Vec<(OrderNo, Vec<u8>)>) {
    let mut probe = signed_in();
    let mut answers = Vec::with_capacity(n);
    for i in 0..n {
        let order = OrderNo::new(&format!("B{i}")).unwrap();
        probe.purchase(2, order.clone(), &sale()).unwrap();
        let request = probe.poll_transmit().unwrap();
        let a = answer(&request.bytes);
        probe.handle_response(3, &a).unwrap();
        answers.push((order, a));
    }
    (signed_in(), answers)
}

/// Nanoseconds per sale over `n` sales, best of a few batches.
fn per_sale(n: usize) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let (mut t, answers) = prepared(n);
        let start = Instant::now();
        for (order, answer) in answers {
            t.purchase(2, order, &sale()).unwrap();
            black_box(t.poll_transmit());
            t.handle_response(3, &answer).unwrap();
            assert!(matches!(
                t.poll_event(),
                Some(paywire_pos::Event::Finished { .. })
            ));
        }
        best = best.min(start.elapsed().as_secs_f64() * 1e9 / n as f64);
    }
    best
}

fn bench(c: &mut Criterion) {
    let n = 2_000;
    c.bench_function("pos/card_sale", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters as usize;
            while left > 0 {
                let batch = left.min(n);
                let (mut t, answers) = prepared(batch);
                let start = Instant::now();
                for (order, answer) in answers {
                    t.purchase(2, order, &sale()).unwrap();
                    black_box(t.poll_transmit());
                    t.handle_response(3, &answer).unwrap();
                    black_box(t.poll_event());
                }
                total += start.elapsed();
                left -= batch;
            }
            total
        });
    });
    // The crypto of one sale: the ECB MAC of the 0200 and of the 0210 (one single-DES MAK).
    let (mut t, answers) = prepared(1);
    let (order, answer) = &answers[0];
    t.purchase(2, order.clone(), &sale()).unwrap();
    let request = t.poll_transmit().unwrap();
    let mak = Key::des_or_tdes(&MAK).unwrap();
    let req_mab = message(&request.bytes).mac_input().unwrap().to_vec();
    let resp_mab = message(answer).mac_input().unwrap().to_vec();
    let crypto = best_of(200_000, &mut || {
        u64::from(mac::cups_ecb(&mak, black_box(&req_mab))[0])
            + u64::from(mac::cups_ecb(&mak, black_box(&resp_mab))[0])
    });
    let total = per_sale(n);
    println!("pos ratios measured on: {}", paywire_benches::machine());
    println!(
        "pos: one card sale {total:.0} ns = MACs {crypto:.0} ns + state machine, codec and journal {:.0} ns ({:.1}× the MACs)",
        total - crypto,
        (total - crypto) / crypto
    );
}

/// Nonces from a counter.
struct Counter(u64);

impl paywire_pos::Nonces for Counter {
    fn nonce(&mut self) -> String {
        self.0 += 1;
        format!("N{:015}", self.0)
    }
}

const API_KEY: &str = "192006250b4c09247ec02edce69f6a2d";

fn scan_terminal() -> paywire_pos::WalletTerminal<MemoryJournal, Counter> {
    use paywire_pos::wallet::WechatConfig;
    let config = paywire_pos::WalletConfig {
        wechat: Some(WechatConfig::new("wx2421b1c4370ec43b", "10000100", API_KEY)),
        wechat_native: None,
        alipay: None,
        pix: None,
    };
    paywire_pos::WalletTerminal::open(config, MemoryJournal::new(), Counter(0), 0).unwrap()
}

/// WeChat Pay's signed answer: `order` paid (51 fen).
fn wechat_paid(order: &str) -> Vec<u8> {
    use paywire_wechat_pay::v2::{SignType, xml::Document};
    let mut d = Document::default();
    d.set("return_code", "SUCCESS")
        .set("result_code", "SUCCESS")
        .set("appid", "wx2421b1c4370ec43b")
        .set("mch_id", "10000100")
        .set("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS")
        .set("out_trade_no", order)
        .set("total_fee", "51")
        .set("transaction_id", "4200000000000000000001");
    d.sign(API_KEY, SignType::Md5);
    d.to_xml().into_bytes()
}

/// Nanoseconds per payment-code payment over `n` payments, best of a few batches.
fn per_code_payment(n: usize) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let answers: Vec<(OrderNo, Vec<u8>)> = (0..n)
            .map(|i| {
                let order = format!("W{i}");
                (OrderNo::new(&order).unwrap(), wechat_paid(&order))
            })
            .collect();
        let mut t = scan_terminal();
        let start = Instant::now();
        for (order, answer) in answers {
            t.pay(1, order, Amount::cny(51), "134567890123456789")
                .unwrap();
            let request = t.poll_transmit().unwrap();
            t.handle_response(2, request.id, &paywire_pos::wallet::Response::ok(&answer))
                .unwrap();
            assert!(matches!(
                t.poll_event(),
                Some(paywire_pos::wallet::Event::Finished { .. })
            ));
        }
        best = best.min(start.elapsed().as_secs_f64() * 1e9 / n as f64);
    }
    best
}

fn bench_scan(c: &mut Criterion) {
    use paywire_wechat_pay::v2::{self, SignType, xml::Document};
    let n = 2_000;
    c.bench_function("pos/wechat_code_payment", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters as usize;
            while left > 0 {
                let batch = left.min(n);
                let answers: Vec<(OrderNo, Vec<u8>)> = (0..batch)
                    .map(|i| {
                        let order = format!("W{i}");
                        (OrderNo::new(&order).unwrap(), wechat_paid(&order))
                    })
                    .collect();
                let mut t = scan_terminal();
                let start = Instant::now();
                for (order, answer) in answers {
                    t.pay(1, order, Amount::cny(51), "134567890123456789")
                        .unwrap();
                    let request = t.poll_transmit().unwrap();
                    t.handle_response(2, request.id, &paywire_pos::wallet::Response::ok(&answer))
                        .unwrap();
                    black_box(t.poll_event());
                }
                total += start.elapsed();
                left -= batch;
            }
            total
        });
    });
    // The crypto of one payment: the request's MD5 signature and the answer's check.
    let mut t = scan_terminal();
    t.pay(
        1,
        OrderNo::new("W0").unwrap(),
        Amount::cny(51),
        "134567890123456789",
    )
    .unwrap();
    let request = t.poll_transmit().unwrap();
    let sent = Document::parse(std::str::from_utf8(&request.body).unwrap()).unwrap();
    let sent: Vec<(String, String)> = sent
        .params()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let answer = Document::parse(std::str::from_utf8(&wechat_paid("W0")).unwrap()).unwrap();
    let answer: Vec<(String, String)> = answer
        .params()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let sent: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let answer: Vec<(&str, &str)> = answer
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let crypto = best_of(200_000, &mut || {
        let s = v2::sign(black_box(&sent), API_KEY, SignType::Md5);
        u64::from(s.as_str().as_bytes()[0])
            + u64::from(v2::verify(black_box(&answer), API_KEY, Some(SignType::Md5)))
    });
    let total = per_code_payment(n);
    println!(
        "pos: one WeChat Pay code payment {total:.0} ns = MD5 signatures {crypto:.0} ns + state machine, XML and journal {:.0} ns ({:.1}× the signatures)",
        total - crypto,
        (total - crypto) / crypto
    );
}

criterion_group!(benches, bench, bench_scan);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
