//! `paywire sim wechat` and `paywire sim alipay` over real HTTP on loopback, driven by
//! paywire-pos's wallet terminal: payment codes decided by amount (paid, declined, a slow
//! payer, a payer who never pays), refunds, shown codes (WeChat Pay v3 Native, Alipay
//! precreate), every fault kind on every operation — each time the terminal's outcome must
//! agree with the counterpart's ledger — and the counterparts' own checks (signatures,
//! duplicates, the second answer of `dup`).
//!
//! The terminal runs on a virtual clock (its polling waits are skipped, not slept), the
//! HTTP exchanges for real; an answer that does not come within `TIMEOUT` is a lost answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use paywire_alipay::keys::{PrivateKey as AlipayKey, PublicKey as AlipayPublic};
use paywire_pos::wallet::{AlipayConfig, Event, Response, WechatConfig, WechatNativeConfig};
use paywire_pos::{
    Amount, HttpRequest, MemoryJournal, Nonces, OrderNo, Outcome, Wallet, WalletConfig,
    WalletTerminal,
};
use paywire_wechat_pay::keys::{PrivateKey as WechatKey, PublicKey as WechatPublic};
use paywire_wechat_pay::v2::xml::Document;
use paywire_wechat_pay::v2::{self, SignType};
use paywire_wechat_pay::v3::Verifiers;
use serde_json::Value;

mod support;

use support::{Sim, TempDir, sim};

const APPID: &str = "wx2421b1c4370ec43b";
const MCH_ID: &str = "10000100";
const API_KEY: &str = "192006250b4c09247ec02edce69f6a2d";
const ALIPAY_APP_ID: &str = "2014072300007148";
const PLATFORM_SERIAL: &str = "PUB_KEY_ID_0114232134912410000000000001";
/// How long the test waits for one answer (the counterparts answer in milliseconds).
const TIMEOUT: Duration = Duration::from_millis(600);

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn text(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap()
}

/// A running counterpart and its ledger.
struct Running {
    sim: Sim,
    ledger: PathBuf,
    _dir: TempDir,
}

fn start(wallet: Wallet, faults: &str) -> Running {
    let dir = TempDir::new("sim-wallets");
    let ledger = dir.0.join("ledger.jsonl");
    let paths = |p: &str| repo(p).to_str().unwrap().to_owned();
    let mut args: Vec<String> = match wallet {
        Wallet::WeChat => vec![
            "wechat".into(),
            "--mch-id".into(),
            MCH_ID.into(),
            "--key".into(),
            API_KEY.into(),
            "--v3-mch-public-key".into(),
            paths("cli/tests/keys/wechat-merchant-public.pem"),
            "--v3-platform-private-key".into(),
            paths("cli/tests/keys/wechat-platform-private.pem"),
            "--v3-platform-serial".into(),
            PLATFORM_SERIAL.into(),
        ],
        _ => vec![
            "alipay".into(),
            "--app-id".into(),
            ALIPAY_APP_ID.into(),
            "--app-public-key".into(),
            paths("alipay/tests/keys/app-public-key.pem"),
            "--alipay-private-key".into(),
            paths("pos/tests/keys/sim-alipay-private.pem"),
        ],
    };
    args.extend(["--listen".into(), "127.0.0.1:0".into(), "--ledger".into()]);
    args.push(ledger.to_str().unwrap().into());
    if !faults.is_empty() {
        args.extend(["--faults".into(), faults.into()]);
    }
    Running {
        sim: sim(&args),
        ledger,
        _dir: dir,
    }
}

/// The ledger's lines as JSON values.
fn ledger(sim: &Running) -> Vec<Value> {
    std::fs::read_to_string(&sim.ledger)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Net charge per ref (charges minus undos) and refunds per ref.
fn money(sim: &Running) -> (BTreeMap<String, i64>, BTreeMap<String, i64>) {
    let (mut net, mut refunds) = (BTreeMap::new(), BTreeMap::new());
    for line in ledger(sim) {
        let reference = line["ref"].as_str().unwrap().to_owned();
        let amount = line["amount"].as_i64().unwrap();
        match line["event"].as_str().unwrap() {
            "charge" => *net.entry(reference).or_insert(0) += amount,
            "reverse" | "cancel" | "void" => *net.entry(reference).or_insert(0) -= amount,
            "refund" => *refunds.entry(reference).or_insert(0) += amount,
            other => panic!("unknown event {other}"),
        }
    }
    (net, refunds)
}

/// An HTTP answer: status, headers, body.
type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// One HTTP/1.1 exchange on a new connection (`Connection: close`): status, headers and
/// body, or `None` when no whole answer came within `TIMEOUT`.
fn send(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<Answer> {
    let mut socket = TcpStream::connect(address).unwrap();
    socket.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    socket.write_all(head.as_bytes()).unwrap();
    socket.write_all(body).unwrap();
    let mut raw = Vec::new();
    // Read until the answer is whole (or the connection ends, or the time runs out).
    let mut buf = [0u8; 4096];
    loop {
        if let Some(answer) = parse_answer(&raw) {
            return Some(answer.0);
        }
        match socket.read(&mut buf) {
            Ok(0) | Err(_) => return parse_answer(&raw).map(|a| a.0),
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
}

/// The first whole HTTP answer in `raw` and the bytes after it.
fn parse_answer(raw: &[u8]) -> Option<(Answer, &[u8])> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().unwrap());
    let body = raw.get(end + 4..end + 4 + length)?;
    Some(((status, headers, body.to_vec()), &raw[end + 4 + length..]))
}

/// Sends a terminal's request to the counterpart.
fn exchange(address: &str, request: &HttpRequest) -> Option<Answer> {
    let path = request
        .url
        .strip_prefix(&format!("http://{address}"))
        .unwrap();
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    send(address, request.method, path, &headers, &request.body)
}

#[derive(Default)]
struct Counter(u64);

impl Nonces for Counter {
    fn nonce(&mut self) -> String {
        self.0 += 1;
        format!("N{:015}", self.0)
    }
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn config(address: &str) -> WalletConfig {
    let mut wechat = WechatConfig::new(APPID, MCH_ID, API_KEY);
    wechat.base_url = format!("http://{address}");
    // Query every 5 s (as `paywire pos`'s `poll_interval_seconds = 5` sets): WeChat Pay's
    // default 10 s leaves room for three queries only in its 30 s, so the slow payer (paid
    // at the fourth) would be reversed.
    wechat.rule.query_interval = 5_000;
    let alipay = AlipayConfig {
        gateway: format!("http://{address}/gateway.do"),
        ..AlipayConfig::new(
            ALIPAY_APP_ID,
            AlipayKey::from_pem(&text("alipay/tests/keys/app-private-key.pem")).unwrap(),
            AlipayPublic::from_pem(&text("pos/tests/keys/sim-alipay-public.pem")).unwrap(),
        )
    };
    let mut platform = Verifiers::new();
    platform.add_public_key(
        PLATFORM_SERIAL,
        WechatPublic::from_pem(&text("cli/tests/keys/wechat-platform-public.pem")).unwrap(),
    );
    let mut native = WechatNativeConfig {
        base_url: format!("http://{address}"),
        ..WechatNativeConfig::new(
            APPID,
            MCH_ID,
            WechatKey::from_pem(&text("cli/tests/keys/wechat-merchant-private.pem")).unwrap(),
            "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            Arc::new(platform),
            b"0123456789abcdefghijklmnopqrstuv",
            "http://127.0.0.1/notify",
        )
    };
    // The virtual clock must stay within 5 minutes of the counterpart's (its answers'
    // timestamps are checked): close a shown code 1 minute after creating it, not 5.
    native.rule.undo_not_before = 60_000;
    WalletConfig {
        wechat: Some(wechat),
        wechat_native: Some(native),
        alipay: Some(alipay),
        pix: None,
    }
}

/// A wallet terminal on a fresh in-memory journal, talking to `sim`.
fn terminal(sim: &Running, now: u64) -> WalletTerminal<MemoryJournal, Counter> {
    WalletTerminal::open(
        config(&sim.sim.address),
        MemoryJournal::new(),
        Counter::default(),
        now,
    )
    .unwrap()
}

/// Hands an HTTP answer to the terminal.
fn deliver(
    t: &mut WalletTerminal<MemoryJournal, Counter>,
    now: u64,
    id: paywire_pos::wallet::RequestId,
    answer: &Answer,
) {
    let (status, headers, body) = answer;
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = Response {
        status: *status,
        headers: &headers,
        body,
    };
    t.handle_response(now, id, &response).unwrap();
}

/// Drives the terminal over HTTP until it has nothing left to do.
fn drive(
    t: &mut WalletTerminal<MemoryJournal, Counter>,
    now: &mut u64,
    address: &str,
) -> Vec<Event> {
    let mut events = Vec::new();
    for _ in 0..1000 {
        while let Some(e) = t.poll_event() {
            events.push(e);
        }
        if let Some(request) = t.poll_transmit() {
            *now += 50;
            match exchange(address, &request) {
                Some(answer) => deliver(t, *now, request.id, &answer),
                None => {
                    *now = (*now).max(request.deadline);
                    t.handle_timeout(*now).unwrap();
                }
            }
            continue;
        }
        match t.poll_timeout() {
            Some(at) => {
                *now = (*now).max(at);
                t.handle_timeout(*now).unwrap();
            }
            None => return events,
        }
    }
    panic!("the terminal never settled");
}

fn code_for(wallet: Wallet) -> &'static str {
    match wallet {
        Wallet::WeChat => "134567890123456789",
        _ => "286543210987654321",
    }
}

/// One payment (scanned code or shown code) against a fresh counterpart with `faults`;
/// then, when `refund` and approved, a refund of a third. Returns the outcome and the sim.
fn pay(wallet: Wallet, shown: bool, minor: u64, faults: &str, refund: bool) -> (Outcome, Running) {
    let sim = start(wallet, faults);
    let mut now = unix_ms();
    let mut t = terminal(&sim, now);
    let order = OrderNo::new("SIM00001").unwrap();
    if shown {
        t.show(now, order.clone(), Amount::cny(minor), wallet, 30_000)
            .unwrap();
    } else {
        t.pay(now, order.clone(), Amount::cny(minor), code_for(wallet))
            .unwrap();
    }
    let events = drive(&mut t, &mut now, &sim.sim.address);
    let outcome = t.outcome(&order).cloned().expect("an outcome");
    let finished: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, Event::Finished { .. }))
        .collect();
    assert_eq!(finished.len(), 1, "{events:?}");
    // (The code's creation may have lost its answer; then there is nothing to show. The
    // counterpart's customer pays at the first query all the same: the ledger must agree.)
    if shown && !faults.contains("native") && !faults.contains("precreate") {
        assert!(
            events.iter().any(|e| matches!(e, Event::ShowCode { .. })),
            "{events:?}"
        );
    }
    if refund && outcome.is_approved() {
        let refund_no = OrderNo::new("SIMREFUND1").unwrap();
        t.refund(now, refund_no, &order, Amount::cny(minor / 3))
            .unwrap();
        drive(&mut t, &mut now, &sim.sim.address);
    }
    (outcome, sim)
}

/// The invariant: approved ⇔ the ledger holds one net charge of the amount; otherwise no
/// net charge.
fn agrees(outcome: &Outcome, sim: &Running, minor: u64, context: &str) {
    let (net, _) = money(sim);
    let charged = net.get("SIM00001").copied().unwrap_or(0);
    if outcome.is_approved() {
        assert_eq!(charged, minor as i64, "{context}: approved, ledger {net:?}");
    } else {
        assert_eq!(charged, 0, "{context}: {outcome:?}, ledger {net:?}");
    }
}

#[test]
fn payment_codes_are_decided_by_amount_and_the_ledger_agrees() {
    for wallet in [Wallet::WeChat, Wallet::Alipay] {
        let channel = if wallet == Wallet::WeChat {
            "wechat"
        } else {
            "alipay"
        };
        let (outcome, sim) = pay(wallet, false, 1000, "", false);
        assert!(outcome.is_approved(), "{outcome:?}");
        assert_eq!(
            std::fs::read_to_string(&sim.ledger).unwrap(),
            format!(
                "{{\"channel\":\"{channel}\",\"event\":\"charge\",\"ref\":\"SIM00001\",\"amount\":1000}}\n"
            )
        );
        let (outcome, sim) = pay(wallet, false, 1051, "", false);
        let expected = if wallet == Wallet::WeChat {
            "NOTENOUGH"
        } else {
            "ACQ.BUYER_BALANCE_NOT_ENOUGH"
        };
        assert!(
            matches!(&outcome, Outcome::Declined { code, .. } if code == expected),
            "{outcome:?}"
        );
        assert!(ledger(&sim).is_empty());
        // The slow payer: paying for three queries, then paid.
        let (outcome, sim) = pay(wallet, false, 1077, "", false);
        assert!(outcome.is_approved(), "{outcome:?}");
        agrees(&outcome, &sim, 1077, "slow payer");
        // The payer who never pays: the terminal reverses / cancels; nothing was charged.
        let (outcome, sim) = pay(wallet, false, 1078, "", false);
        assert!(matches!(outcome, Outcome::Undone(_)), "{outcome:?}");
        assert!(ledger(&sim).is_empty(), "{:?}", ledger(&sim));
    }
}

#[test]
fn a_refund_is_recorded_once_even_when_its_answer_is_lost() {
    for (wallet, faults) in [
        (Wallet::WeChat, ""),
        (Wallet::WeChat, "drop:refund@1"),
        (Wallet::Alipay, ""),
        (Wallet::Alipay, "close:refund@1"),
    ] {
        let (outcome, sim) = pay(wallet, false, 3000, faults, true);
        assert!(outcome.is_approved());
        let (net, refunds) = money(&sim);
        assert_eq!(net["SIM00001"], 3000, "{faults}");
        assert_eq!(
            refunds["SIM00001"], 1000,
            "{wallet:?} {faults}: {refunds:?}"
        );
        let refund_lines = ledger(&sim)
            .iter()
            .filter(|l| l["event"] == "refund")
            .count();
        assert_eq!(refund_lines, 1, "{faults}");
    }
}

#[test]
fn shown_codes_are_paid_or_closed() {
    for wallet in [Wallet::WeChat, Wallet::Alipay] {
        let (outcome, sim) = pay(wallet, true, 2000, "", false);
        assert!(outcome.is_approved(), "{wallet:?}: {outcome:?}");
        agrees(&outcome, &sim, 2000, "shown, paid");
        let (outcome, sim) = pay(wallet, true, 2077, "", false);
        assert!(outcome.is_approved(), "{wallet:?}: {outcome:?}");
        agrees(&outcome, &sim, 2077, "shown, slow");
        let (outcome, sim) = pay(wallet, true, 2078, "", false);
        assert!(matches!(outcome, Outcome::Undone(_)), "{outcome:?}");
        assert!(ledger(&sim).is_empty());
    }
}

/// Every fault kind on every operation (the first such request only): the terminal's outcome
/// agrees with the ledger.
#[test]
fn every_fault_on_every_operation_agrees_with_the_ledger() {
    let kinds = ["drop", "close", "delay=1", "dup", "badmac"];
    // (wallet, shown, operation, an amount that makes the operation happen)
    let cases = [
        (Wallet::WeChat, false, "micropay", 1000),
        (Wallet::WeChat, false, "orderquery", 1077),
        (Wallet::WeChat, false, "reverse", 1078),
        (Wallet::WeChat, true, "native", 1000),
        (Wallet::WeChat, true, "v3query", 1077),
        (Wallet::WeChat, true, "v3close", 1078),
        (Wallet::Alipay, false, "pay", 1000),
        (Wallet::Alipay, false, "query", 1077),
        (Wallet::Alipay, false, "cancel", 1078),
        (Wallet::Alipay, true, "precreate", 1000),
        (Wallet::Alipay, true, "close", 1078),
    ];
    for (wallet, shown, operation, minor) in cases {
        for kind in kinds {
            let faults = format!("{kind}:{operation}@1");
            let (outcome, sim) = pay(wallet, shown, minor, &faults, false);
            agrees(&outcome, &sim, minor, &format!("{wallet:?} {faults}"));
            // What the amount decides still comes out once the fault has passed (the slow
            // payer may run out of queries when a fault costs a timeout: either way, agreed).
            match minor % 100 {
                0 if operation != "native" && operation != "precreate" => {
                    assert!(outcome.is_approved(), "{wallet:?} {faults}: {outcome:?}");
                }
                78 => assert!(!outcome.is_approved(), "{wallet:?} {faults}: {outcome:?}"),
                _ => {}
            }
        }
    }
}

fn v2_request(order: &str, fee: &str, key: &str, sign_type: SignType) -> String {
    let mut doc = Document::default();
    doc.set("appid", APPID)
        .set("mch_id", MCH_ID)
        .set("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS")
        .set("body", "test")
        .set("out_trade_no", order)
        .set("total_fee", fee)
        .set("spbill_create_ip", "127.0.0.1")
        .set("auth_code", "134567890123456789");
    if sign_type == SignType::HmacSha256 {
        doc.set("sign_type", "HMAC-SHA256");
    }
    doc.sign(key, sign_type);
    doc.to_xml()
}

/// Posts a v2 `micropay` body; the XML answer (HTTP 200, as WeChat Pay answers v2 requests).
fn micropay(sim: &Running, body: &str) -> Document {
    let (status, _, answer) = send(
        &sim.sim.address,
        "POST",
        "/pay/micropay",
        &[],
        body.as_bytes(),
    )
    .expect("an answer");
    assert_eq!(status, 200);
    Document::parse(std::str::from_utf8(&answer).unwrap()).unwrap()
}

#[test]
fn wechat_checks_signatures_and_answers_in_the_requests_sign_type() {
    let sim = start(Wallet::WeChat, "");
    // A wrong key: refused unsigned, nothing charged.
    let body = v2_request(
        "BADSIG01",
        "100",
        "00000000000000000000000000000000",
        SignType::Md5,
    );
    let doc = micropay(&sim, &body);
    assert_eq!(doc.get("return_code"), Some("FAIL"));
    assert!(ledger(&sim).is_empty());
    // HMAC-SHA256 in, HMAC-SHA256 out, signed with the key.
    let body = v2_request("HMAC0001", "100", API_KEY, SignType::HmacSha256);
    let doc = micropay(&sim, &body);
    assert_eq!(doc.get("result_code"), Some("SUCCESS"));
    assert_eq!(doc.get("sign").unwrap().len(), 64);
    assert!(v2::verify(
        &doc.pairs(),
        API_KEY,
        Some(SignType::HmacSha256)
    ));
    // The same order number again: refused, charged once.
    let doc = micropay(&sim, &body);
    assert_eq!(doc.get("err_code"), Some("OUT_TRADE_NO_USED"));
    assert_eq!(money(&sim).0["HMAC0001"], 100);
    // API v3 without a valid Authorization: 401, signed by the platform.
    let (status, headers, _) = send(
        &sim.sim.address,
        "GET",
        "/v3/pay/transactions/out-trade-no/HMAC0001?mchid=10000100",
        &[("Authorization", "WECHATPAY2-SHA256-RSA2048 mchid=\"10000100\",nonce_str=\"x\",timestamp=\"1\",serial_no=\"y\",signature=\"AAAA\"")],
        b"",
    )
    .unwrap();
    assert_eq!(status, 401);
    assert!(
        headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("Wechatpay-Signature"))
    );
}

#[test]
fn alipay_refuses_a_request_signed_with_another_key() {
    let sim = start(Wallet::Alipay, "");
    let mut request =
        paywire_alipay::v1::Request::new(ALIPAY_APP_ID, "alipay.trade.pay", "2026-12-06 12:00:00");
    request.set(
        "biz_content",
        r#"{"out_trade_no":"BADSIG01","scene":"bar_code","auth_code":"286543210987654321","subject":"x","total_amount":"1.00"}"#,
    );
    // Signed with the simulated gateway's own key, not the application's.
    let wrong = AlipayKey::from_pem(&text("pos/tests/keys/sim-alipay-private.pem")).unwrap();
    let sign = paywire_alipay::v1::sign(&wrong, &request.pairs()).unwrap();
    request.set("sign", &sign);
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(request.pairs())
        .finish();
    let (_, _, answer) = send(
        &sim.sim.address,
        "POST",
        "/gateway.do",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    )
    .unwrap();
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(
        answer["alipay_trade_pay_response"]["sub_code"],
        "isv.invalid-signature"
    );
    assert!(ledger(&sim).is_empty());
}

#[test]
fn dup_writes_the_whole_answer_twice_on_the_connection() {
    let sim = start(Wallet::WeChat, "dup:micropay");
    let body = v2_request("DUP00001", "100", API_KEY, SignType::Md5);
    let mut socket = TcpStream::connect(&sim.sim.address).unwrap();
    socket.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(
        socket,
        "POST /pay/micropay HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = socket.read_to_end(&mut raw);
    let (first, rest) = parse_answer(&raw).unwrap();
    let (second, rest) = parse_answer(rest).expect("a second answer");
    assert_eq!(first, second);
    assert!(rest.is_empty());
    assert_eq!(money(&sim).0["DUP00001"], 100, "charged once");
}

#[test]
fn a_wallet_counterpart_exits_after_its_requests_and_refuses_unknown_operations() {
    let out = Command::new(env!("CARGO_BIN_EXE_paywire"))
        .args([
            "sim",
            "wechat",
            "--listen",
            "127.0.0.1:0",
            "--mch-id",
            MCH_ID,
            "--key",
            API_KEY,
            "--faults",
            "drop:0200",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("micropay"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_paywire"))
        .args([
            "sim",
            "wechat",
            "--listen",
            "127.0.0.1:0",
            "--mch-id",
            MCH_ID,
            "--key",
            API_KEY,
            "--requests",
            "2",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line.trim().strip_prefix("listening ").unwrap().to_owned();
    for order in ["REQ00001", "REQ00002"] {
        let body = v2_request(order, "100", API_KEY, SignType::Md5);
        assert!(send(&address, "POST", "/pay/micropay", &[], body.as_bytes()).is_some());
    }
    let status = child.wait().unwrap();
    assert!(status.success());
}

/// `badmac` answers carry a well-formed signature that does not verify (and the answer
/// without the fault does): WeChat Pay v2, v3 and Alipay.
#[test]
fn badmac_answers_do_not_verify() {
    use paywire_alipay::keys::SignType as AlipaySignType;
    for faulty in [false, true] {
        let faults = if faulty {
            "badmac:micropay,badmac:v3query"
        } else {
            ""
        };
        let sim = start(Wallet::WeChat, faults);
        let body = v2_request("BADMAC01", "100", API_KEY, SignType::Md5);
        let doc = micropay(&sim, &body);
        assert_eq!(doc.get("result_code"), Some("SUCCESS"));
        assert_eq!(doc.verify(API_KEY), !faulty, "v2");
        // API v3: the terminal's own request (a shown code's query) and its verification.
        let mut now = unix_ms();
        let mut t = terminal(&sim, now);
        let order = OrderNo::new("BADMAC02").unwrap();
        t.show(now, order, Amount::cny(100), Wallet::WeChat, 30_000)
            .unwrap();
        let create = t.poll_transmit().unwrap();
        let answer = exchange(&sim.sim.address, &create).unwrap();
        now += 50;
        deliver(&mut t, now, create.id, &answer);
        // The create's answer verified: the code is shown. Its first query follows.
        assert!(std::iter::from_fn(|| t.poll_event()).any(|e| matches!(e, Event::ShowCode { .. })));
        now = t.poll_timeout().unwrap();
        t.handle_timeout(now).unwrap();
        let query = t.poll_transmit().unwrap();
        let (status, headers, body) = exchange(&sim.sim.address, &query).unwrap();
        assert_eq!(status, 200);
        let signature = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Wechatpay-Signature"))
            .unwrap()
            .1
            .clone();
        let timestamp = &headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Wechatpay-Timestamp"))
            .unwrap()
            .1;
        let nonce = &headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Wechatpay-Nonce"))
            .unwrap()
            .1;
        use base64::Engine as _;
        use paywire_wechat_pay::keys::Verifier as _;
        let platform =
            WechatPublic::from_pem(&text("cli/tests/keys/wechat-platform-public.pem")).unwrap();
        let signature = base64::engine::general_purpose::STANDARD
            .decode(signature)
            .unwrap();
        let parts: [&[u8]; 6] = [
            timestamp.as_bytes(),
            b"\n",
            nonce.as_bytes(),
            b"\n",
            &body,
            b"\n",
        ];
        assert_eq!(platform.verify(&parts, &signature), !faulty, "v3");

        let faults = if faulty { "badmac:pay" } else { "" };
        let sim = start(Wallet::Alipay, faults);
        let mut t = terminal(&sim, now);
        t.pay(
            now,
            OrderNo::new("BADMAC03").unwrap(),
            Amount::cny(100),
            code_for(Wallet::Alipay),
        )
        .unwrap();
        let pay = t.poll_transmit().unwrap();
        let (_, _, body) = exchange(&sim.sim.address, &pay).unwrap();
        let gateway =
            AlipayPublic::from_pem(&text("pos/tests/keys/sim-alipay-public.pem")).unwrap();
        let verified = paywire_alipay::v1::verify_response(
            &gateway,
            AlipaySignType::Rsa2,
            std::str::from_utf8(&body).unwrap(),
            "alipay.trade.pay",
        );
        assert_eq!(verified.is_ok(), !faulty, "alipay");
    }
}
