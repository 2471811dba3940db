//! Payment codes against simulated WeChat Pay and Alipay under seeded fault schedules.
//!
//! Each simulated wallet speaks the real message formats (v2 XML signed with the API key;
//! Alipay form posts verified with the application's RSA2 key, answers signed with the wallet's
//! own key), keeps its own ledger (charged, refunded) and follows a customer script: pays at
//! once, confirms on the phone after some queries, declines, never confirms, or answers with a
//! system error while the charge goes through. The network loses requests and answers,
//! delivers answers after the deadline, duplicates them, forges their signature and answers
//! HTTP 500; the terminal crashes (dropped, reopened on its journal) between any two steps.
//! After the faults stop and the terminal has finished what it owes, the invariants hold:
//! every payment has exactly one final outcome; approved ⇔ the wallet's ledger holds exactly
//! one net charge of its amount; anything else ⇔ no net charge; WeChat Pay's reverse always
//! carries the client certificate and never comes sooner than 15 s after the payment; no
//! order number is sent twice. Pix shown codes run against a simulated PSP speaking the Pix
//! API (`PUT/GET/PATCH /cob/{txid}` with a bearer token, as bacen/pix-api's `openapi.yaml`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use std::collections::BTreeMap;
use std::sync::LazyLock;

use std::sync::Arc;

use paywire_alipay::keys::{PrivateKey, PublicKey, Signer as _};
use paywire_alipay::v1;
use paywire_pos::wallet::{
    AlipayConfig, Event, PixConfig, PollRule, Response, WechatConfig, WechatNativeConfig,
};
use paywire_pos::{
    Amount, HttpRequest, Journal, MemoryJournal, Nonces, OrderNo, Outcome, Record, SqliteJournal,
    UndoReason, Wallet, WalletConfig, WalletTerminal,
};
use paywire_wechat_pay::keys::{
    PrivateKey as WechatKey, PublicKey as WechatPublicKey, Signer as _, Verifier as _,
};
use paywire_wechat_pay::v2::xml::Document;
use paywire_wechat_pay::v2::{self, SignType};
use paywire_wechat_pay::v3::Verifiers;
use proptest::prelude::*;
use serde_json::{Value, json};

const APPID: &str = "wx2421b1c4370ec43b";
const MCH_ID: &str = "10000100";
const API_KEY: &str = "192006250b4c09247ec02edce69f6a2d";
const ALIPAY_APP_ID: &str = "2014072300007148";
const START: u64 = 1_765_000_000_000;
/// The API v3 key of the simulated merchant (32 bytes).
const API_V3_KEY: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// The simulated platform public key's ID.
const PLATFORM_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";
/// How long a shown code is payable in the schedules.
const VALID_FOR: u64 = 30_000;

/// The merchant's API v3 key (wechat-pay's test key from wechatpay-java), read once.
fn merchant_key() -> &'static WechatKey {
    static KEY: LazyLock<WechatKey> = LazyLock::new(|| {
        WechatKey::from_pem(include_str!(
            "../../wechat-pay/tests/keys/java_merchant_private_key.pem"
        ))
        .unwrap()
    });
    &KEY
}

/// The simulated WeChat Pay platform's key (wechat-pay's test key from wechatpay-go).
fn platform_key() -> &'static WechatKey {
    static KEY: LazyLock<WechatKey> = LazyLock::new(|| {
        WechatKey::from_pem(include_str!(
            "../../wechat-pay/tests/keys/go_signer_key.pem"
        ))
        .unwrap()
    });
    &KEY
}

fn merchant_public() -> &'static WechatPublicKey {
    static KEY: LazyLock<WechatPublicKey> = LazyLock::new(|| merchant_key().public_key());
    &KEY
}
const LATENCY: u64 = 150;

/// The application's key (paywire-alipay's test key), read once.
fn app_key() -> PrivateKey {
    static KEY: LazyLock<PrivateKey> = LazyLock::new(|| {
        PrivateKey::from_pem(include_str!("../../alipay/tests/keys/app-private-key.pem")).unwrap()
    });
    KEY.clone()
}

/// The simulated Alipay's own key (tests/keys/README.md), read once.
fn wallet_key() -> &'static PrivateKey {
    static KEY: LazyLock<PrivateKey> = LazyLock::new(|| {
        PrivateKey::from_pem(include_str!("keys/sim-alipay-private.pem")).unwrap()
    });
    &KEY
}

fn wallet_public_key() -> PublicKey {
    static KEY: LazyLock<PublicKey> =
        LazyLock::new(|| PublicKey::from_pem(include_str!("keys/sim-alipay-public.pem")).unwrap());
    KEY.clone()
}

fn config() -> WalletConfig {
    let mut wechat = WechatConfig::new(APPID, MCH_ID, API_KEY);
    wechat.base_url = "http://wechat.test".into();
    let alipay = AlipayConfig {
        gateway: "http://alipay.test/gateway.do".into(),
        ..AlipayConfig::new(ALIPAY_APP_ID, app_key(), wallet_public_key())
    };
    let mut platform = Verifiers::new();
    platform.add_public_key(PLATFORM_ID, platform_key().public_key());
    let native = WechatNativeConfig {
        base_url: "http://wechat.test".into(),
        ..WechatNativeConfig::new(
            APPID,
            MCH_ID,
            merchant_key().clone(),
            "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            Arc::new(platform),
            API_V3_KEY,
            "http://pos.test/notify/wechat",
        )
    };
    WalletConfig {
        wechat: Some(wechat),
        wechat_native: Some(native),
        alipay: Some(alipay),
        pix: Some(PixConfig::new(
            "http://pix.test/api/v2",
            PIX_KEY,
            PIX_TOKEN,
            "Fulano de Tal",
            "BRASILIA",
        )),
    }
}

/// The merchant's Pix key and the PSP's access token.
const PIX_KEY: &str = "7d9f0335-8dcc-4054-9bf9-0dbd61d36906";
const PIX_TOKEN: &str = "pix-sim-token";

/// A Pix PSP's side of the Pix API: `PUT /cob/{txid}` creates the charge, `GET` reads it,
/// `PATCH` removes it; every call must carry the bearer token.
fn pix_api(sim: &mut Sim, request: &HttpRequest, now: u64, customer: Customer) -> Reply {
    let auth = request
        .headers
        .iter()
        .find(|(name, _)| *name == "Authorization")
        .map(|(_, v)| v.as_str());
    assert_eq!(auth, Some(format!("Bearer {PIX_TOKEN}").as_str()));
    let txid = request
        .url
        .strip_prefix("http://pix.test/api/v2/cob/")
        .unwrap()
        .to_owned();
    let problem = |status: u16, kind: &str| Reply {
        status,
        headers: Vec::new(),
        body: json!({"type": format!("https://pix.bcb.gov.br/api/v2/error/{kind}"),
            "title": kind, "status": status, "detail": kind})
        .to_string()
        .into_bytes(),
    };
    let location = format!("pix.test/qr/v2/{txid}");
    let charge = |sim: &Sim, status: &str| {
        let o = &sim.orders[&txid];
        let value = format!("{}.{:02}", o.amount / 100, o.amount % 100);
        let mut body = json!({"txid": txid, "revisao": 0, "status": status,
            "calendario": {"criacao": "2020-09-09T20:15:00.358Z", "expiracao": 30},
            "location": location, "valor": {"original": value}, "chave": PIX_KEY});
        if status == "ATIVA" {
            body["pixCopiaECola"] =
                paywire_emvqr::build::pix_dynamic(&location, "Fulano de Tal", "BRASILIA")
                    .unwrap()
                    .into();
        }
        if status == "CONCLUIDA" {
            body["pix"] = json!([{"endToEndId": "E1234567820200909122120200808008",
                "txid": txid, "valor": value, "horario": "2020-09-09T20:15:00.358Z"}]);
        }
        Reply {
            status: 200,
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        }
    };
    let status_of = |state: State| match state {
        State::Paid => "CONCLUIDA",
        State::Paying { .. } => "ATIVA",
        _ => "REMOVIDA_PELO_USUARIO_RECEBEDOR",
    };
    match request.method {
        "PUT" => {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            assert_eq!(body["chave"], PIX_KEY);
            let seconds = body["calendario"]["expiracao"].as_u64().unwrap();
            let amount = yuan_to_fen(body["valor"]["original"].as_str().unwrap());
            if sim.orders.contains_key(&txid) {
                return problem(400, "CobOperacaoInvalida");
            }
            sim.create_shown(&txid, amount, now, now + seconds * 1000, customer, false);
            let mut reply = charge(sim, "ATIVA");
            reply.status = 201;
            reply
        }
        "GET" => match sim.query_shown(&txid, now, customer) {
            Some(o) => {
                let status = status_of(o.state);
                charge(sim, status)
            }
            None => problem(404, "CobNaoEncontrado"),
        },
        "PATCH" => {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            assert_eq!(body["status"], "REMOVIDA_PELO_USUARIO_RECEBEDOR");
            match sim.close(&txid) {
                Ok(()) => charge(sim, "REMOVIDA_PELO_USUARIO_RECEBEDOR"),
                Err(()) if sim.orders.contains_key(&txid) => problem(400, "CobOperacaoInvalida"),
                Err(()) => problem(404, "CobNaoEncontrado"),
            }
        }
        other => panic!("unexpected {other} {}", request.url),
    }
}

/// Nonces from a counter (any 1–32 alphanumerics will do for the signature).
#[derive(Default)]
struct Counter(u64);

impl Nonces for Counter {
    fn nonce(&mut self) -> String {
        self.0 += 1;
        format!("N{:015}", self.0)
    }
}

/// What the customer (and the wallet behind them) does with a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Customer {
    /// Paid at once.
    Pays,
    /// "Paying" until this many queries have been answered, then paid.
    ConfirmsAfter(u8),
    /// Refused (not enough money).
    Declines,
    /// Never confirms.
    Walks,
    /// The wallet answers with a system error; the charge went through.
    SystemErrorPaid,
    /// The wallet answers with a system error; nothing was charged.
    SystemErrorUnpaid,
    /// A shown code: scanned and paid when the wallet has answered this many queries (if it
    /// has not expired by then).
    ScansAndPays(u8),
    /// A shown code nobody scans.
    NeverScans,
    /// A shown code scanned at the first query, never confirmed.
    ScansNeverConfirms,
}

impl Customer {
    const fn shown(self) -> bool {
        matches!(
            self,
            Self::ScansAndPays(_) | Self::NeverScans | Self::ScansNeverConfirms
        )
    }
}

/// What the network does to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    None,
    /// Never arrives.
    DropRequest,
    /// Processed; the answer is lost.
    DropResponse,
    /// Processed; the answer arrives after the deadline.
    Late,
    /// Processed; the answer arrives twice.
    Duplicate,
    /// Processed; the answer is replaced by a forgery ("paid", "undone") that does not verify.
    BadSignature,
    /// Not processed; HTTP 500.
    ServerError,
    /// Processed or not; the terminal is dropped before the answer and reopened.
    Crash {
        processed: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Paying { queries_left: u8, will_pay: bool },
    Paid,
    Closed,
    Reversed,
    Declined,
}

#[derive(Debug)]
struct Order {
    amount: u64,
    state: State,
    created: u64,
    /// A shown code: when the wallet stops accepting payment for it.
    expires_at: Option<u64>,
    /// A shown code: scanned by the customer (Alipay's trade exists only from then on).
    scanned: bool,
    /// A shown code: the payer asked for a notification.
    notify: bool,
}

/// One simulated wallet: its orders and its ledger (net charge per order).
#[derive(Default)]
struct Sim {
    orders: BTreeMap<String, Order>,
    ledger: BTreeMap<String, i64>,
    /// Reverse / cancel attempts answered "retry" before one goes through.
    undo_retries: u8,
    /// Rule breaches the terminal committed (WeChat Pay: reverse without certificate or sooner
    /// than 15 s after paying).
    breaches: Vec<String>,
    txid: u64,
    /// Refunds accepted: refund number → (payment, amount).
    refunds: BTreeMap<String, (String, u64)>,
    /// Orders paid whose notification is still to be sent.
    notices: Vec<String>,
}

impl Sim {
    fn charge(&mut self, order: &str) {
        let amount = self.orders[order].amount;
        *self.ledger.entry(order.into()).or_default() += amount as i64;
        let o = self.orders.get_mut(order).unwrap();
        o.state = State::Paid;
        if o.notify {
            self.notices.push(order.into());
        }
    }

    /// A shown code's order (created by the terminal; paid by the customer's script).
    fn create_shown(
        &mut self,
        order: &str,
        amount: u64,
        now: u64,
        expires_at: u64,
        customer: Customer,
        notify: bool,
    ) {
        assert!(
            !self.orders.contains_key(order),
            "shown order {order} created twice"
        );
        let state = match customer {
            Customer::ScansAndPays(n) => State::Paying {
                queries_left: n,
                will_pay: true,
            },
            _ => State::Paying {
                queries_left: u8::MAX,
                will_pay: false,
            },
        };
        self.orders.insert(
            order.into(),
            Order {
                amount,
                state,
                created: now,
                expires_at: Some(expires_at),
                scanned: false,
                notify,
            },
        );
    }

    /// A shown code's query: the customer scans (all but `NeverScans`) and maybe pays.
    fn query_shown(&mut self, order: &str, now: u64, customer: Customer) -> Option<&Order> {
        let o = self.orders.get_mut(order)?;
        if customer != Customer::NeverScans && o.expires_at.is_some_and(|e| now < e) {
            o.scanned = true;
        }
        if let State::Paying {
            queries_left,
            will_pay,
        } = o.state
        {
            if queries_left == 0 && will_pay && o.expires_at.is_some_and(|e| now < e) {
                self.charge(order);
            } else {
                o.state = State::Paying {
                    queries_left: queries_left.saturating_sub(1),
                    will_pay,
                };
            }
        }
        self.orders.get(order)
    }

    /// A refund, as the wallets process one: idempotent on its number; at most what was paid;
    /// `Err(code)` when refused; `Ok(false)` for a system error (not processed).
    fn refund(&mut self, refund_no: &str, order: &str, amount: u64) -> Result<bool, &'static str> {
        if let Some((o, a)) = self.refunds.get(refund_no) {
            return if o == order && *a == amount {
                Ok(true)
            } else {
                Err("REFUND_FEE_MISMATCH")
            };
        }
        if self.undo_retries > 0 {
            self.undo_retries -= 1;
            return Ok(false);
        }
        let Some(o) = self.orders.get(order).filter(|o| o.state == State::Paid) else {
            return Err("TRADE_STATUS_ERROR");
        };
        let already: u64 = self
            .refunds
            .values()
            .filter(|(o, _)| o == order)
            .map(|(_, a)| a)
            .sum();
        if already + amount > o.amount {
            return Err("REFUND_AMOUNT_EXCEEDED");
        }
        self.refunds
            .insert(refund_no.into(), (order.into(), amount));
        *self.ledger.entry(order.into()).or_default() -= amount as i64;
        Ok(true)
    }

    /// A shown code's close: refused when it was paid.
    fn close(&mut self, order: &str) -> Result<(), ()> {
        let o = self.orders.get_mut(order).ok_or(())?;
        match o.state {
            State::Paid => Err(()),
            _ => {
                o.state = State::Closed;
                Ok(())
            }
        }
    }

    fn create(&mut self, order: &str, amount: u64, now: u64, customer: Customer) -> State {
        let state = match customer {
            Customer::Pays | Customer::SystemErrorPaid => State::Paid,
            Customer::ConfirmsAfter(n) => State::Paying {
                queries_left: n,
                will_pay: true,
            },
            Customer::Walks | Customer::SystemErrorUnpaid => State::Paying {
                queries_left: u8::MAX,
                will_pay: false,
            },
            Customer::Declines => State::Declined,
            shown => panic!("{shown:?} is a shown code's customer"),
        };
        self.orders.insert(
            order.into(),
            Order {
                amount,
                state: State::Closed,
                created: now,
                expires_at: None,
                scanned: true,
                notify: false,
            },
        );
        match state {
            State::Paid => self.charge(order),
            other => self.orders.get_mut(order).unwrap().state = other,
        }
        state
    }

    /// A query: a paying customer moves one step.
    fn query(&mut self, order: &str) -> Option<State> {
        let o = self.orders.get_mut(order)?;
        if let State::Paying {
            queries_left,
            will_pay,
        } = o.state
        {
            if queries_left == 0 && will_pay {
                self.charge(order);
            } else {
                o.state = State::Paying {
                    queries_left: queries_left.saturating_sub(1),
                    will_pay,
                };
            }
        }
        Some(self.orders[order].state)
    }

    /// A reverse / cancel: `None` when the order does not exist; `Some(false)` to retry.
    fn undo(&mut self, order: &str) -> Option<bool> {
        let state = self.orders.get(order)?.state;
        if self.undo_retries > 0 {
            self.undo_retries -= 1;
            return Some(false);
        }
        if state == State::Paid {
            let amount = self.orders[order].amount;
            *self.ledger.entry(order.into()).or_default() -= amount as i64;
        }
        if matches!(state, State::Paid | State::Paying { .. }) {
            self.orders.get_mut(order).unwrap().state = State::Reversed;
        }
        Some(true)
    }

    fn next_txid(&mut self) -> String {
        self.txid += 1;
        format!("4200000{:013}", self.txid)
    }
}

/// WeChat Pay's side: `micropay`, `orderquery`, `reverse`.
fn wechat(sim: &mut Sim, request: &HttpRequest, now: u64, customer: Customer) -> Vec<u8> {
    let doc = Document::parse(std::str::from_utf8(&request.body).unwrap()).unwrap();
    assert!(doc.verify(API_KEY), "the terminal's request must verify");
    assert_eq!(doc.get("appid"), Some(APPID));
    let order = doc.get("out_trade_no").unwrap().to_owned();
    let mut reply = Document::default();
    reply
        .set("return_code", "SUCCESS")
        .set("appid", APPID)
        .set("mch_id", MCH_ID)
        .set("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS");
    let fail = |reply: &mut Document, code: &str| {
        reply
            .set("result_code", "FAIL")
            .set("err_code", code)
            .set("err_code_des", code);
    };
    let path = request.url.rsplit_once(".test").unwrap().1;
    match path {
        "/pay/micropay" => {
            assert!(!request.client_certificate);
            assert!(
                !sim.orders.contains_key(&order),
                "micropay sent twice for {order}"
            );
            let amount: u64 = doc.get("total_fee").unwrap().parse().unwrap();
            assert!(v2::is_auth_code(doc.get("auth_code").unwrap()));
            match (sim.create(&order, amount, now, customer), customer) {
                (_, Customer::SystemErrorPaid | Customer::SystemErrorUnpaid) => {
                    fail(&mut reply, "SYSTEMERROR");
                }
                (State::Paid, _) => {
                    let txid = sim.next_txid();
                    reply
                        .set("result_code", "SUCCESS")
                        .set("out_trade_no", &order)
                        .set("total_fee", &amount.to_string())
                        .set("transaction_id", &txid);
                }
                (State::Declined, _) => fail(&mut reply, "NOTENOUGH"),
                _ => fail(&mut reply, "USERPAYING"),
            }
        }
        "/pay/orderquery" => match sim.query(&order) {
            None => fail(&mut reply, "ORDERNOTEXIST"),
            Some(state) => {
                let trade_state = match state {
                    State::Paid => "SUCCESS",
                    State::Paying { .. } => "USERPAYING",
                    State::Reversed => "REVOKED",
                    State::Closed => "CLOSED",
                    State::Declined => "PAYERROR",
                };
                let amount = sim.orders[&order].amount;
                reply
                    .set("result_code", "SUCCESS")
                    .set("out_trade_no", &order)
                    .set("trade_state", trade_state)
                    .set("total_fee", &amount.to_string())
                    .set("transaction_id", "4200000000000000000001");
            }
        },
        "/secapi/pay/refund" => {
            if !request.client_certificate {
                sim.breaches
                    .push(format!("{order}: refund without certificate"));
            }
            let refund_no = doc.get("out_refund_no").unwrap().to_owned();
            let amount: u64 = doc.get("refund_fee").unwrap().parse().unwrap();
            match sim.refund(&refund_no, &order, amount) {
                Ok(true) => {
                    reply
                        .set("result_code", "SUCCESS")
                        .set("out_refund_no", &refund_no)
                        .set("refund_id", &format!("5030{refund_no}"));
                }
                Ok(false) => fail(&mut reply, "SYSTEMERROR"),
                Err(code) => fail(&mut reply, code),
            }
        }
        "/secapi/pay/reverse" => {
            if !request.client_certificate {
                sim.breaches
                    .push(format!("{order}: reverse without certificate"));
            }
            if let Some(o) = sim.orders.get(&order)
                && now < o.created + 15_000
            {
                sim.breaches.push(format!(
                    "{order}: reverse {} ms after paying",
                    now - o.created
                ));
            }
            match sim.undo(&order) {
                None => fail(&mut reply, "ORDERNOTEXIST"),
                Some(true) => {
                    reply.set("result_code", "SUCCESS").set("recall", "N");
                }
                Some(false) => {
                    fail(&mut reply, "SYSTEMERROR");
                    reply.set("recall", "Y");
                }
            }
        }
        other => panic!("unexpected path {other}"),
    }
    reply.sign(API_KEY, SignType::Md5);
    reply.to_xml().into_bytes()
}

/// Alipay's side: `alipay.trade.pay`, `.query`, `.cancel`.
fn alipay(
    sim: &mut Sim,
    request: &HttpRequest,
    now: u64,
    customer: Customer,
    notify: bool,
) -> Vec<u8> {
    let params: Vec<(String, String)> =
        form_urlencoded::parse(&request.body).into_owned().collect();
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    static APP_PUBLIC: LazyLock<PublicKey> = LazyLock::new(|| app_key().public_key());
    v1::verify(&*APP_PUBLIC, &pairs).expect("the terminal's request must verify");
    let get = |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let method = get("method").unwrap();
    let biz: Value = serde_json::from_str(get("biz_content").unwrap()).unwrap();
    let order = biz["out_trade_no"].as_str().unwrap().to_owned();
    let not_exist = json!({"code": "40004", "msg": "Business Failed",
        "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"});
    let node = match method {
        "alipay.trade.pay" => {
            assert!(
                !sim.orders.contains_key(&order),
                "trade.pay sent twice for {order}"
            );
            assert_eq!(biz["scene"], "bar_code");
            let amount = yuan_to_fen(biz["total_amount"].as_str().unwrap());
            match (sim.create(&order, amount, now, customer), customer) {
                (_, Customer::SystemErrorPaid | Customer::SystemErrorUnpaid) => {
                    json!({"code": "20000", "msg": "Service Currently Unavailable",
                        "sub_code": "isp.unknow-error", "sub_msg": "系统繁忙"})
                }
                (State::Paid, _) => {
                    let txid = sim.next_txid();
                    json!({"code": "10000", "msg": "Success", "trade_no": txid,
                        "out_trade_no": order, "total_amount": biz["total_amount"]})
                }
                (State::Declined, _) => json!({"code": "40004", "msg": "Business Failed",
                    "sub_code": "ACQ.BUYER_BALANCE_NOT_ENOUGH", "sub_msg": "买家余额不足"}),
                _ => json!({"code": "10003", "msg": " order success pay inprocess",
                    "out_trade_no": order, "total_amount": biz["total_amount"]}),
            }
        }
        "alipay.trade.precreate" => {
            let amount = yuan_to_fen(biz["total_amount"].as_str().unwrap());
            let minutes: u64 = biz["timeout_express"]
                .as_str()
                .unwrap()
                .strip_suffix('m')
                .unwrap()
                .parse()
                .unwrap();
            sim.create_shown(
                &order,
                amount,
                now,
                now + minutes * 60_000,
                customer,
                notify,
            );
            json!({"code": "10000", "msg": "Success", "out_trade_no": order,
                "qr_code": format!("https://qr.alipay.com/bax0{order}")})
        }
        "alipay.trade.close" => match sim.orders.get(&order).map(|o| o.scanned) {
            None => not_exist,
            Some(scanned) => match sim.close(&order) {
                // The trade exists only once scanned.
                Ok(()) if !scanned => not_exist,
                Ok(()) => json!({"code": "10000", "msg": "Success", "out_trade_no": order}),
                Err(()) => json!({"code": "40004", "msg": "Business Failed",
                    "sub_code": "ACQ.TRADE_STATUS_ERROR", "sub_msg": "交易状态不合法"}),
            },
        },
        "alipay.trade.query" if customer.shown() => match sim.query_shown(&order, now, customer) {
            Some(o) if o.scanned => {
                let status = match o.state {
                    State::Paid => "TRADE_SUCCESS",
                    State::Paying { .. } => "WAIT_BUYER_PAY",
                    _ => "TRADE_CLOSED",
                };
                json!({"code": "10000", "msg": "Success", "trade_no": "2013112011001004330000121536",
                    "out_trade_no": order, "trade_status": status,
                    "total_amount": format!("{}.{:02}", o.amount / 100, o.amount % 100)})
            }
            _ => not_exist,
        },
        "alipay.trade.query" => match sim.query(&order) {
            None => not_exist,
            Some(state) => {
                let status = match state {
                    State::Paid => "TRADE_SUCCESS",
                    State::Paying { .. } => "WAIT_BUYER_PAY",
                    State::Reversed | State::Closed | State::Declined => "TRADE_CLOSED",
                };
                let amount = sim.orders[&order].amount;
                json!({"code": "10000", "msg": "Success", "trade_no": "2013112011001004330000121536",
                    "out_trade_no": order, "trade_status": status,
                    "total_amount": format!("{}.{:02}", amount / 100, amount % 100)})
            }
        },
        "alipay.trade.refund" => {
            let refund_no = biz["out_request_no"].as_str().unwrap().to_owned();
            let amount = yuan_to_fen(biz["refund_amount"].as_str().unwrap());
            match sim.refund(&refund_no, &order, amount) {
                Ok(true) => json!({"code": "10000", "msg": "Success", "out_trade_no": order,
                    "trade_no": "2013112011001004330000121536", "fund_change": "Y",
                    "refund_fee": biz["refund_amount"]}),
                Ok(false) => json!({"code": "20000", "msg": "Service Currently Unavailable",
                    "sub_code": "ACQ.SYSTEM_ERROR", "sub_msg": "系统错误"}),
                Err(code) => json!({"code": "40004", "msg": "Business Failed",
                    "sub_code": format!("ACQ.{code}"), "sub_msg": code}),
            }
        }
        "alipay.trade.cancel" => match sim.undo(&order) {
            None => not_exist,
            Some(true) => json!({"code": "10000", "msg": "Success", "out_trade_no": order,
                "retry_flag": "N", "action": "close"}),
            Some(false) => json!({"code": "10000", "msg": "Success", "out_trade_no": order,
                "retry_flag": "Y"}),
        },
        other => panic!("unexpected method {other}"),
    };
    let text = serde_json::to_string(&node).unwrap();
    let sign = wallet_key().sign(&[text.as_bytes()]).unwrap();
    let sign = base64_encode(&sign);
    let name = format!("{}_response", method.replace('.', "_"));
    format!(r#"{{"{name}":{text},"sign":"{sign}"}}"#).into_bytes()
}

/// An answer: status, headers, body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn ok(body: Vec<u8>) -> Self {
        Self {
            status: 200,
            headers: Vec::new(),
            body,
        }
    }

    fn deliver<J: Journal>(&self, t: &mut WalletTerminal<J, Counter>, now: u64, id: u64) {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let response = Response {
            status: self.status,
            headers: &headers,
            body: &self.body,
        };
        t.handle_response(now, id, &response).unwrap();
    }
}

/// WeChat Pay v3's signature headers over `body`, made with `key` at `now`.
fn v3_signed(status: u16, body: Vec<u8>, now: u64, key: &WechatKey) -> Reply {
    let timestamp = (now / 1000).to_string();
    let nonce = format!("SIMNONCE{now}");
    let signature = key
        .sign(&[
            timestamp.as_bytes(),
            b"\n",
            nonce.as_bytes(),
            b"\n",
            &body,
            b"\n",
        ])
        .unwrap();
    Reply {
        status,
        headers: vec![
            ("Wechatpay-Timestamp".into(), timestamp),
            ("Wechatpay-Nonce".into(), nonce),
            ("Wechatpay-Signature".into(), base64_encode(&signature)),
            ("Wechatpay-Serial".into(), PLATFORM_ID.into()),
        ],
        body,
    }
}

/// `2025-12-06T13:46:40+08:00` → Unix milliseconds (days from the civil date, Howard
/// Hinnant's algorithm).
fn rfc3339_ms(text: &str) -> u64 {
    let (date, rest) = text.split_once('T').unwrap();
    let time = rest.strip_suffix("+08:00").unwrap();
    let d: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    let t: Vec<i64> = time.split(':').map(|p| p.parse().unwrap()).collect();
    let (y, m) = if d[1] <= 2 {
        (d[0] - 1, d[1] + 9)
    } else {
        (d[0], d[1] - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d[2] - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + t[0] * 3600 + t[1] * 60 + t[2] - 8 * 3600;
    secs as u64 * 1000
}

/// WeChat Pay's API v3 side for shown codes: Native order, query, close.
fn wechat_v3(
    sim: &mut Sim,
    request: &HttpRequest,
    now: u64,
    customer: Customer,
    notify: bool,
) -> Reply {
    // The request's signature, checked as WeChat Pay checks it.
    let auth = &request
        .headers
        .iter()
        .find(|(name, _)| *name == "Authorization")
        .unwrap()
        .1;
    assert!(auth.starts_with("WECHATPAY2-SHA256-RSA2048 "), "{auth}");
    let field = |name: &str| {
        auth.split(&format!("{name}=\""))
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(field("mchid"), MCH_ID);
    let path = request.url.strip_prefix("http://wechat.test").unwrap();
    let signature = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(field("signature"))
            .unwrap()
    };
    let (timestamp, nonce) = (field("timestamp"), field("nonce_str"));
    let parts: [&[u8]; 10] = [
        request.method.as_bytes(),
        b"\n",
        path.as_bytes(),
        b"\n",
        timestamp.as_bytes(),
        b"\n",
        nonce.as_bytes(),
        b"\n",
        &request.body,
        b"\n",
    ];
    assert!(
        merchant_public().verify(&parts, &signature),
        "request signature"
    );
    let error = |status: u16, code: &str| {
        v3_signed(
            status,
            json!({"code": code, "message": code})
                .to_string()
                .into_bytes(),
            now,
            platform_key(),
        )
    };
    const ORDERS: &str = "/v3/pay/transactions/out-trade-no/";
    if request.method == "POST" && path == "/v3/pay/transactions/native" {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let order = body["out_trade_no"].as_str().unwrap();
        assert_eq!(body["mchid"], MCH_ID);
        let expires_at = rfc3339_ms(body["time_expire"].as_str().unwrap());
        let amount = body["amount"]["total"].as_u64().unwrap();
        sim.create_shown(order, amount, now, expires_at, customer, notify);
        let reply = json!({"code_url": format!("weixin://wxpay/bizpayurl?pr={order}")});
        return v3_signed(200, reply.to_string().into_bytes(), now, platform_key());
    }
    if request.method == "GET" && path.starts_with(ORDERS) {
        let order = path[ORDERS.len()..].split('?').next().unwrap().to_owned();
        assert!(path.ends_with(&format!("?mchid={MCH_ID}")));
        let Some(o) = sim.query_shown(&order, now, customer) else {
            return error(404, "ORDER_NOT_EXIST");
        };
        let state = match o.state {
            State::Paid => "SUCCESS",
            State::Paying { .. } => "NOTPAY",
            _ => "CLOSED",
        };
        let reply = json!({"appid": APPID, "mchid": MCH_ID, "out_trade_no": order,
            "transaction_id": "4200000000000000000042", "trade_state": state,
            "amount": {"total": o.amount, "currency": "CNY"}});
        return v3_signed(200, reply.to_string().into_bytes(), now, platform_key());
    }
    if request.method == "POST" && path.starts_with(ORDERS) && path.ends_with("/close") {
        let order = path[ORDERS.len()..path.len() - "/close".len()].to_owned();
        if let Some(o) = sim.orders.get(&order)
            && now < o.created + 300_000
        {
            sim.breaches.push(format!(
                "{order}: closed {} ms after its creation",
                now - o.created
            ));
        }
        return match sim.close(&order) {
            Ok(()) => v3_signed(204, Vec::new(), now, platform_key()),
            Err(()) if sim.orders.contains_key(&order) => error(400, "ORDERPAID"),
            Err(()) => error(404, "ORDER_NOT_EXIST"),
        };
    }
    panic!("unexpected {} {path}", request.method);
}

/// The notification of `order`'s payment, as the wallet posts it (signed; WeChat Pay's
/// resource encrypted with the API v3 key). `forged`: claims payment, signed with the wrong key.
fn notice(sim: &Sim, wallet: Wallet, order: &str, amount: u64, now: u64, forged: bool) -> Reply {
    if wallet == Wallet::WeChat {
        use aes_gcm::aead::{Aead, KeyInit, Payload};
        let plain = json!({"mchid": MCH_ID, "appid": APPID, "out_trade_no": order,
            "transaction_id": "4200000000000000000042", "trade_state": "SUCCESS",
            "amount": {"total": amount, "payer_total": amount, "currency": "CNY"}})
        .to_string();
        let cipher = aes_gcm::Aes256Gcm::new_from_slice(API_V3_KEY).unwrap();
        let nonce =
            aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(&b"simnotify012"[..]).unwrap();
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain.as_bytes(),
                    aad: b"transaction",
                },
            )
            .unwrap();
        let body = json!({"id": format!("EV-{order}"), "create_time": "2025-12-06T13:46:40+08:00",
            "resource_type": "encrypt-resource", "event_type": "TRANSACTION.SUCCESS",
            "summary": "支付成功", "resource": {"original_type": "transaction",
            "algorithm": "AEAD_AES_256_GCM", "ciphertext": base64_encode(&sealed),
            "associated_data": "transaction", "nonce": "simnotify012"}});
        let key = if forged {
            merchant_key()
        } else {
            platform_key()
        };
        return v3_signed(200, body.to_string().into_bytes(), now, key);
    }
    let _ = sim;
    let total = format!("{}.{:02}", amount / 100, amount % 100);
    let mut params = vec![
        ("app_id", ALIPAY_APP_ID.to_owned()),
        ("notify_id", format!("N{order}")),
        ("notify_time", "2025-12-06 13:46:40".to_owned()),
        ("notify_type", "trade_status_sync".to_owned()),
        ("out_trade_no", order.to_owned()),
        ("total_amount", total),
        ("trade_no", "2013112011001004330000121536".to_owned()),
        ("trade_status", "TRADE_SUCCESS".to_owned()),
    ];
    // rsaCheckV1: `sign` and `sign_type` are not signed.
    let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let signer: &PrivateKey = if forged { &APP_KEY } else { wallet_key() };
    let sign = v1::sign(signer, &pairs).unwrap();
    params.push(("sign_type", "RSA2".to_owned()));
    params.push(("sign", sign));
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())))
        .finish();
    Reply::ok(body.into_bytes())
}

static APP_KEY: LazyLock<PrivateKey> = LazyLock::new(app_key);

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn yuan_to_fen(text: &str) -> u64 {
    let (whole, fraction) = text.split_once('.').unwrap();
    whole.parse::<u64>().unwrap() * 100 + fraction.parse::<u64>().unwrap()
}

/// A forged answer to `request`: the best news for the terminal (paid; undone), signed with
/// the wrong key. Trusting it would approve a payment nobody charged or drop an undo.
fn forge(request: &HttpRequest, amount: u64, now: u64) -> Reply {
    let order = order_of(request);
    if request.wallet == Wallet::Pix {
        // The Pix API's answers are not signed (mutual TLS protects them): what reaches the
        // terminal corrupted is an answer that does not parse, or names another charge.
        let body = if amount.is_multiple_of(2) {
            b"{\"txid\": ".to_vec()
        } else {
            json!({"txid": "ANOTHERCHARGE00000000000000", "status": "CONCLUIDA",
                "valor": {"original": "0.01"}, "pix": [{"endToEndId": "E0", "valor": "0.01"}]})
            .to_string()
            .into_bytes()
        };
        return Reply::ok(body);
    }
    if request.url.contains("/v3/") {
        // Signed with the merchant's key, not the platform's.
        if request.url.ends_with("/close") {
            return v3_signed(204, Vec::new(), now, merchant_key());
        }
        let body = json!({"appid": APPID, "mchid": MCH_ID, "out_trade_no": order,
            "transaction_id": "4200000000000000000666", "trade_state": "SUCCESS",
            "code_url": "weixin://wxpay/bizpayurl?pr=FORGED",
            "amount": {"total": amount, "currency": "CNY"}});
        return v3_signed(200, body.to_string().into_bytes(), now, merchant_key());
    }
    Reply::ok(forge_body(request, amount, &order))
}

fn forge_body(request: &HttpRequest, amount: u64, order: &str) -> Vec<u8> {
    let order = order.to_owned();
    if request.wallet == Wallet::WeChat {
        let mut reply = Document::default();
        reply
            .set("return_code", "SUCCESS")
            .set("result_code", "SUCCESS")
            .set("appid", APPID)
            .set("mch_id", MCH_ID)
            .set("nonce_str", "F0RGED")
            .set("out_trade_no", &order)
            .set("trade_state", "SUCCESS")
            .set("recall", "N")
            .set("total_fee", &amount.to_string())
            .set("transaction_id", "4200000000000000000666");
        reply.sign("not-the-merchants-api-key-000000", SignType::Md5);
        return reply.to_xml().into_bytes();
    }
    let body = std::str::from_utf8(&request.body).unwrap();
    let method = form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "method")
        .unwrap()
        .1
        .into_owned();
    let node = json!({"code": "10000", "msg": "Success", "trade_no": "2013112011001004330000666666",
        "out_trade_no": order, "trade_status": "TRADE_SUCCESS", "retry_flag": "N",
        "total_amount": format!("{}.{:02}", amount / 100, amount % 100)});
    let text = serde_json::to_string(&node).unwrap();
    // Signed with the application's key, not the wallet's.
    let sign = base64_encode(&app_key().sign(&[text.as_bytes()]).unwrap());
    let name = format!("{}_response", method.replace('.', "_"));
    format!(r#"{{"{name}":{text},"sign":"{sign}"}}"#).into_bytes()
}

/// One payment of a schedule.
#[derive(Clone, Debug)]
struct Payment {
    wallet: Wallet,
    customer: Customer,
    amount: u64,
    /// A shown code's payer gets a notification sent when it is paid.
    notify: bool,
    /// A forged notification claiming the shown code paid arrives once it is shown.
    forged_notice: bool,
    /// Once approved, the payment is refunded in full.
    refund: bool,
}

#[derive(Default)]
struct World {
    wechat: Sim,
    alipay: Sim,
    pix: Sim,
    /// The customer of each order.
    customers: BTreeMap<String, Customer>,
    /// The amount of each order.
    amounts: BTreeMap<String, u64>,
    /// Whether each order's payment is notified.
    notify: BTreeMap<String, bool>,
    /// Each order's wallet.
    wallets: BTreeMap<String, Wallet>,
    /// Orders that get a forged "paid" notification once shown.
    forged: std::collections::BTreeSet<String>,
    /// Refunds the terminal accepted to make.
    refunds_asked: std::collections::BTreeSet<String>,
    now: u64,
}

impl World {
    fn new(now: u64) -> Self {
        Self {
            now,
            ..Self::default()
        }
    }

    fn add(&mut self, order: &str, wallet: Wallet, customer: Customer, amount: u64, notify: bool) {
        self.wallets.insert(order.into(), wallet);
        self.customers.insert(order.into(), customer);
        self.amounts.insert(order.into(), amount);
        self.notify.insert(order.into(), notify);
    }

    fn serve(&mut self, request: &HttpRequest) -> Reply {
        let order = order_of(request);
        let customer = self.customers[&order];
        let notify = self.notify.get(&order).copied().unwrap_or(false);
        let now = self.now;
        match request.wallet {
            Wallet::WeChat if request.url.contains("/v3/") => {
                wechat_v3(&mut self.wechat, request, now, customer, notify)
            }
            Wallet::WeChat => Reply::ok(wechat(&mut self.wechat, request, now, customer)),
            Wallet::Alipay => Reply::ok(alipay(&mut self.alipay, request, now, customer, notify)),
            Wallet::Pix => pix_api(&mut self.pix, request, now, customer),
            _ => unreachable!(),
        }
    }

    /// The notifications the wallets have to send, taken.
    fn notices(&mut self) -> Vec<(Wallet, Reply)> {
        let mut out = Vec::new();
        for wallet in [Wallet::WeChat, Wallet::Alipay] {
            let sim = match wallet {
                Wallet::WeChat => &mut self.wechat,
                _ => &mut self.alipay,
            };
            for order in std::mem::take(&mut sim.notices) {
                let amount = sim.orders[&order].amount;
                out.push((wallet, notice(sim, wallet, &order, amount, self.now, false)));
            }
        }
        out
    }

    fn sim(&self, wallet: Wallet) -> &Sim {
        match wallet {
            Wallet::WeChat => &self.wechat,
            Wallet::Pix => &self.pix,
            _ => &self.alipay,
        }
    }
}

fn order_of(request: &HttpRequest) -> String {
    let body = std::str::from_utf8(&request.body).unwrap();
    if let Some((_, txid)) = request.url.split_once("/cob/") {
        return txid.to_owned();
    }
    const ORDERS: &str = "/v3/pay/transactions/out-trade-no/";
    if let Some((_, tail)) = request.url.split_once(ORDERS) {
        return tail.split(['?', '/']).next().unwrap().to_owned();
    }
    if request.url.ends_with("/v3/pay/transactions/native") {
        return serde_json::from_str::<Value>(body).unwrap()["out_trade_no"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    if request.wallet == Wallet::WeChat {
        Document::parse(body)
            .unwrap()
            .get("out_trade_no")
            .unwrap()
            .to_owned()
    } else {
        let biz = form_urlencoded::parse(body.as_bytes())
            .find(|(k, _)| k == "biz_content")
            .unwrap()
            .1;
        serde_json::from_str::<Value>(&biz).unwrap()["out_trade_no"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

fn code_for(wallet: Wallet) -> &'static str {
    match wallet {
        Wallet::WeChat => "134567890123456789",
        _ => "286543210987654321",
    }
}

/// Drives the terminal until it has nothing left to do, injecting `faults` in order (then none).
/// `reopen` rebuilds the terminal from its journal after a crash.
fn drive<J: Journal>(
    terminal: &mut Option<WalletTerminal<J, Counter>>,
    world: &mut World,
    faults: &mut std::vec::IntoIter<Fault>,
    events: &mut Vec<Event>,
    reopen: &dyn Fn(J, u64) -> WalletTerminal<J, Counter>,
    until_free: bool,
) {
    for _ in 0..10_000 {
        let t = terminal.as_mut().unwrap();
        if until_free && !t.is_busy() {
            while let Some(e) = t.poll_event() {
                events.push(e);
            }
            return;
        }
        while let Some(e) = t.poll_event() {
            if let Event::ShowCode { order, .. } = &e
                && world.forged.contains(order.as_str())
            {
                // A forged "paid" notification for the code just shown: refused, changes nothing.
                let wallet = world.wallets[order.as_str()];
                let amount = world.amounts[order.as_str()];
                let forged = notice(
                    world.sim(wallet),
                    wallet,
                    order.as_str(),
                    amount,
                    world.now,
                    true,
                );
                let headers: Vec<(&str, &str)> = forged
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let reply = t
                    .handle_notification(
                        world.now,
                        wallet,
                        &Response {
                            status: 200,
                            headers: &headers,
                            body: &forged.body,
                        },
                    )
                    .unwrap();
                assert_eq!(reply, None, "a forged notification was accepted");
            }
            events.push(e);
        }
        if let Some(request) = t.poll_transmit() {
            let fault = faults.next().unwrap_or(Fault::None);
            let arrives = world.now + LATENCY;
            match fault {
                Fault::None | Fault::Duplicate | Fault::BadSignature => {
                    world.now = arrives;
                    let mut reply = world.serve(&request);
                    deliver_notices(t, world);
                    if fault == Fault::BadSignature {
                        reply = forge(&request, world.amounts[&order_of(&request)], world.now);
                    }
                    world.now += LATENCY;
                    reply.deliver(t, world.now, request.id);
                    if fault == Fault::Duplicate {
                        reply.deliver(t, world.now, request.id);
                    }
                }
                Fault::DropRequest => {}
                Fault::DropResponse => {
                    world.now = arrives;
                    world.serve(&request);
                    deliver_notices(t, world);
                }
                Fault::Late => {
                    world.now = arrives;
                    let reply = world.serve(&request);
                    world.now = world.now.max(request.deadline);
                    t.handle_timeout(world.now).unwrap();
                    reply.deliver(t, world.now, request.id);
                    deliver_notices(t, world);
                }
                Fault::ServerError => {
                    world.now += 2 * LATENCY;
                    Reply {
                        status: 500,
                        headers: Vec::new(),
                        body: Vec::new(),
                    }
                    .deliver(t, world.now, request.id);
                }
                Fault::Crash { processed } => {
                    if processed {
                        world.now = arrives;
                        world.serve(&request);
                    }
                    let journal = terminal.take().unwrap().into_journal();
                    world.now += 1_000;
                    let mut reopened = reopen(journal, world.now);
                    reopened.handle_timeout(world.now).unwrap();
                    // Notifications the wallet sent while the terminal was down are retried by
                    // the wallet: they arrive now.
                    deliver_notices(&mut reopened, world);
                    *terminal = Some(reopened);
                }
            }
            continue;
        }
        match t.poll_timeout() {
            Some(at) => {
                world.now = world.now.max(at);
                t.handle_timeout(world.now).unwrap();
            }
            None => return,
        }
    }
    panic!("the terminal never settled");
}

/// Delivers the wallets' pending notifications: each verifies and is acknowledged.
fn deliver_notices<J: Journal>(t: &mut WalletTerminal<J, Counter>, world: &mut World) {
    for (wallet, notice) in world.notices() {
        let headers: Vec<(&str, &str)> = notice
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let reply = t
            .handle_notification(
                world.now,
                wallet,
                &Response {
                    status: 200,
                    headers: &headers,
                    body: &notice.body,
                },
            )
            .unwrap();
        assert!(
            reply.is_some(),
            "a genuine {wallet:?} notification was refused"
        );
    }
}

fn run<J: Journal>(
    journal: J,
    reopen: &dyn Fn(J, u64) -> WalletTerminal<J, Counter>,
    payments: &[Payment],
    faults: Vec<Fault>,
    undo_retries: u8,
) {
    let mut world = World::new(START);
    world.wechat.undo_retries = undo_retries;
    world.alipay.undo_retries = undo_retries;
    let mut terminal =
        Some(WalletTerminal::open(config(), journal, Counter::default(), START).unwrap());
    let mut faults = faults.into_iter();
    let mut events = Vec::new();
    for (i, p) in payments.iter().enumerate() {
        let order = OrderNo::new(&order_name(i, p.wallet)).unwrap();
        world.add(order.as_str(), p.wallet, p.customer, p.amount, p.notify);
        if p.forged_notice {
            world.forged.insert(order.to_string());
        }
        world.now += 1_000;
        // The next payment starts as soon as the till is free: undos of earlier ones may still
        // be waiting for their time (a WeChat Pay close waits 5 minutes).
        let t = terminal.as_mut().unwrap();
        let amount = amount_in(p.wallet, p.amount);
        if p.customer.shown() {
            t.show(world.now, order, amount, p.wallet, VALID_FOR)
                .unwrap();
        } else {
            t.pay(world.now, order, amount, code_for(p.wallet)).unwrap();
        }
        drive(
            &mut terminal,
            &mut world,
            &mut faults,
            &mut events,
            reopen,
            true,
        );
        if p.refund {
            // Refunded in full once approved (only an approved payment can be).
            let t = terminal.as_mut().unwrap();
            let refund = OrderNo::new(&format!("R{i:05}")).unwrap();
            let order = OrderNo::new(&order_name(i, p.wallet)).unwrap();
            world.now += 1_000;
            // Pix refunds (devolução) are not built: refused.
            let approved = t.outcome(&order).is_some_and(Outcome::is_approved);
            let refundable = approved && p.wallet != Wallet::Pix;
            let result = t.refund(
                world.now,
                refund.clone(),
                &order,
                amount_in(p.wallet, p.amount),
            );
            assert_eq!(result.is_ok(), refundable, "{order}: refund {result:?}");
            if refundable {
                world.refunds_asked.insert(refund.to_string());
            }
            drive(
                &mut terminal,
                &mut world,
                &mut faults,
                &mut events,
                reopen,
                true,
            );
        }
    }
    // Everything still owed is finished (the faults may still be going on) ...
    drive(
        &mut terminal,
        &mut world,
        &mut faults,
        &mut events,
        reopen,
        false,
    );
    // ... and when the faults are over, deferred undos are finished too.
    for _ in 0..4 {
        let t = terminal.as_mut().unwrap();
        if t.pending_undos().next().is_none() && t.pending_refunds().next().is_none() {
            break;
        }
        t.retry_undos(world.now).unwrap();
        drive(
            &mut terminal,
            &mut world,
            &mut faults,
            &mut events,
            reopen,
            false,
        );
    }
    let terminal = terminal.unwrap();
    assert_eq!(terminal.pending_undos().count(), 0, "undos left");
    assert_eq!(terminal.pending_refunds().count(), 0, "refunds left");
    let records = terminal.journal().records().unwrap();
    // Exactly one final outcome per payment, and one pay request per order number.
    let mut finals: BTreeMap<String, Vec<Outcome>> = BTreeMap::new();
    let mut sent: BTreeMap<String, usize> = BTreeMap::new();
    for r in &records {
        match r {
            Record::Final { order, outcome } => {
                finals
                    .entry(order.to_string())
                    .or_default()
                    .push(outcome.clone());
            }
            Record::CodePaySent { order, .. } | Record::CodeShown { order, .. } => {
                *sent.entry(order.to_string()).or_default() += 1;
            }
            _ => {}
        }
    }
    for (i, p) in payments.iter().enumerate() {
        let order = order_name(i, p.wallet);
        let outcomes = finals.get(&order).cloned().unwrap_or_default();
        let net = world.sim(p.wallet).ledger.get(&order).copied().unwrap_or(0);
        if !sent.contains_key(&order) {
            // Never sent (the terminal went down while its request waited for another one's
            // answer): nothing happened, and nothing was charged.
            assert!(outcomes.is_empty(), "{order} unsent with {outcomes:?}");
            assert_eq!(net, 0, "{order} unsent but charged");
            assert!(!world.sim(p.wallet).orders.contains_key(&order));
            continue;
        }
        assert_eq!(outcomes.len(), 1, "{order}: outcomes {outcomes:?}");
        assert!(
            sent.get(&order).copied().unwrap_or(0) <= 1,
            "{order} sent twice"
        );
        // A refund asked for: exactly one outcome; accepted ⇔ the wallet holds it once.
        let refund_no = format!("R{i:05}");
        let refund = finals.get(&refund_no).cloned().unwrap_or_default();
        let refunded = world.sim(p.wallet).refunds.get(&refund_no).map(|(_, a)| *a);
        if world.refunds_asked.contains(&refund_no) {
            assert_eq!(refund.len(), 1, "{refund_no}: outcomes {refund:?}");
            assert_eq!(
                refund[0].is_approved(),
                refunded == Some(p.amount),
                "{refund_no}: {refund:?}, wallet {refunded:?}"
            );
        } else {
            assert!(refund.is_empty() && refunded.is_none(), "{refund_no}");
        }
        let refunded = refunded.unwrap_or(0) as i64;
        match &outcomes[0] {
            Outcome::Approved(a) => {
                assert_eq!(
                    net,
                    p.amount as i64 - refunded,
                    "{order} approved, ledger {net}"
                );
                assert!(a.transaction_id.is_some());
            }
            other => assert_eq!(net, 0, "{order} {other:?}, ledger {net}"),
        }
        // The outcome reported is the journal's (reported at most once: a crash may lose the
        // report of an outcome, never the outcome).
        let reported: Vec<&Outcome> = events
            .iter()
            .filter_map(|e| match e {
                Event::Finished { order: o, outcome } if o.as_str() == order => Some(outcome),
                _ => None,
            })
            .collect();
        assert!(reported.len() <= 1, "{order} reported {reported:?}");
        if let Some(r) = reported.first() {
            assert_eq!(**r, outcomes[0]);
        }
    }
    for sim in [&world.wechat, &world.alipay, &world.pix] {
        assert!(sim.breaches.is_empty(), "{:?}", sim.breaches);
        // The wallet charged nothing the journal did not send.
        for order in sim.ledger.keys() {
            assert!(sent.contains_key(order), "{order} charged, never sent");
        }
    }
}

/// The `i`-th payment's order number: a Pix charge's is its txid (26–35 letters and digits).
fn order_name(i: usize, wallet: Wallet) -> String {
    if wallet == Wallet::Pix {
        format!("S{i:05}PIXCHARGE{i:016}")
    } else {
        format!("S{i:05}")
    }
}

/// What a payment of `minor` units charges in `wallet`'s currency.
fn amount_in(wallet: Wallet, minor: u64) -> Amount {
    if wallet == Wallet::Pix {
        Amount::brl(minor)
    } else {
        Amount::cny(minor)
    }
}

fn memory_reopen(journal: MemoryJournal, now: u64) -> WalletTerminal<MemoryJournal, Counter> {
    WalletTerminal::open(config(), journal, Counter(now), now).unwrap()
}

fn customer() -> impl Strategy<Value = Customer> {
    prop_oneof![
        3 => Just(Customer::Pays),
        2 => (0u8..14).prop_map(Customer::ConfirmsAfter),
        1 => Just(Customer::Declines),
        1 => Just(Customer::Walks),
        1 => Just(Customer::SystemErrorPaid),
        1 => Just(Customer::SystemErrorUnpaid),
        3 => (0u8..8).prop_map(Customer::ScansAndPays),
        1 => Just(Customer::NeverScans),
        1 => Just(Customer::ScansNeverConfirms),
    ]
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        12 => Just(Fault::None),
        1 => Just(Fault::DropRequest),
        1 => Just(Fault::DropResponse),
        1 => Just(Fault::Late),
        1 => Just(Fault::Duplicate),
        1 => Just(Fault::BadSignature),
        1 => Just(Fault::ServerError),
        1 => any::<bool>().prop_map(|processed| Fault::Crash { processed }),
    ]
}

fn payment() -> impl Strategy<Value = Payment> {
    (
        prop_oneof![
            Just(Wallet::WeChat),
            Just(Wallet::Alipay),
            Just(Wallet::Pix)
        ],
        customer(),
        1u64..100_000,
        any::<bool>(),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(wallet, customer, amount, notify, forged_notice)| Payment {
                // Pix takes shown codes only, and its payments are polled (no notifications).
                wallet: if wallet == Wallet::Pix && !customer.shown() {
                    Wallet::WeChat
                } else {
                    wallet
                },
                customer,
                amount,
                notify: notify && wallet != Wallet::Pix,
                forged_notice,
                // A third of the payments are refunded (in full) once approved.
                refund: amount % 3 == 0,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PAYWIRE_WALLET_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(1000)
    ))]

    #[test]
    fn every_payment_ends_once_and_the_ledger_agrees(
        payments in prop::collection::vec(payment(), 1..5),
        faults in prop::collection::vec(fault(), 0..40),
        undo_retries in 0u8..3,
    ) {
        run(MemoryJournal::new(), &memory_reopen, &payments, faults, undo_retries);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The same on the durable journal: a crash reopens the SQLite file.
    #[test]
    fn sqlite_journal_survives_crashes(
        payments in prop::collection::vec(payment(), 1..4),
        faults in prop::collection::vec(fault(), 0..20),
    ) {
        let dir = std::env::temp_dir().join(format!(
            "paywire-scan-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("journal.sqlite");
        for file in [path.clone(), path.with_extension("sqlite-wal"), path.with_extension("sqlite-shm")] {
            let _ = std::fs::remove_file(file);
        }
        let reopen_path = path.clone();
        let reopen = move |journal: SqliteJournal, now: u64| {
            drop(journal);
            let journal = SqliteJournal::open(&reopen_path).unwrap();
            WalletTerminal::open(config(), journal, Counter(now), now).unwrap()
        };
        run(SqliteJournal::open(&path).unwrap(), &reopen, &payments, faults, 1);
    }
}

/// Runs one payment without faults and returns its outcome and the requests' paths.
fn one(wallet: Wallet, customer: Customer, faults: Vec<Fault>) -> (Outcome, Vec<String>) {
    let (outcome, records, _) = one_with(wallet, customer, false, faults);
    (outcome, records)
}

/// [`one`], with notifications, also returning the events.
fn one_with(
    wallet: Wallet,
    customer: Customer,
    notify: bool,
    faults: Vec<Fault>,
) -> (Outcome, Vec<String>, Vec<Event>) {
    let mut world = World::new(START);
    let name = if wallet == Wallet::Pix {
        PIX_TXID
    } else {
        "T00001"
    };
    world.add(name, wallet, customer, 51, notify);
    let mut terminal = Some(
        WalletTerminal::open(config(), MemoryJournal::new(), Counter::default(), START).unwrap(),
    );
    let order = OrderNo::new(name).unwrap();
    let t = terminal.as_mut().unwrap();
    if customer.shown() {
        t.show(
            START,
            order.clone(),
            amount_in(wallet, 51),
            wallet,
            VALID_FOR,
        )
        .unwrap();
    } else {
        t.pay(START, order.clone(), Amount::cny(51), code_for(wallet))
            .unwrap();
    }
    let mut events = Vec::new();
    drive(
        &mut terminal,
        &mut world,
        &mut faults.into_iter(),
        &mut events,
        &memory_reopen,
        false,
    );
    let t = terminal.unwrap();
    let kinds = t
        .journal()
        .records()
        .unwrap()
        .iter()
        .map(|r| {
            format!("{r:?}")
                .split([' ', '{'])
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    (t.outcome(&order).cloned().unwrap(), kinds, events)
}

#[test]
fn paid_at_once_is_approved_with_the_wallets_transaction_id() {
    for wallet in [Wallet::WeChat, Wallet::Alipay] {
        let (outcome, records) = one(wallet, Customer::Pays, vec![]);
        let Outcome::Approved(a) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(a.transaction_id.as_deref(), Some("42000000000000000001"));
        assert_eq!(records, ["CodePaySent", "Final"]);
    }
}

#[test]
fn a_customer_confirming_on_the_phone_is_queried_until_paid() {
    for wallet in [Wallet::WeChat, Wallet::Alipay] {
        let (outcome, _) = one(wallet, Customer::ConfirmsAfter(2), vec![]);
        assert!(outcome.is_approved(), "{wallet:?}: {outcome:?}");
    }
}

#[test]
fn a_refusal_is_declined_with_the_wallets_code() {
    let (outcome, _) = one(Wallet::WeChat, Customer::Declines, vec![]);
    assert_eq!(
        outcome,
        Outcome::Declined {
            code: "NOTENOUGH".into(),
            meaning: Some("NOTENOUGH".into())
        }
    );
    let (outcome, _) = one(Wallet::Alipay, Customer::Declines, vec![]);
    assert_eq!(
        outcome,
        Outcome::Declined {
            code: "ACQ.BUYER_BALANCE_NOT_ENOUGH".into(),
            meaning: Some("买家余额不足".into())
        }
    );
}

#[test]
fn a_customer_who_never_confirms_is_undone_after_the_rule() {
    for wallet in [Wallet::WeChat, Wallet::Alipay] {
        let (outcome, records) = one(wallet, Customer::Walks, vec![]);
        assert_eq!(outcome, Outcome::Undone(UndoReason::Unconfirmed));
        assert!(records.contains(&"ReversalDue".to_owned()), "{records:?}");
    }
}

#[test]
fn polling_follows_each_wallets_documented_times() {
    // WeChat Pay: USERPAYING → first query 5 s later, every 10 s until 30 s, reverse no sooner
    // than 15 s after paying. Alipay: queries from 5 s after the payment every 5 s until 60 s,
    // then the cancel at once.
    for (wallet, rule) in [
        (Wallet::WeChat, PollRule::WECHAT),
        (Wallet::Alipay, PollRule::ALIPAY),
    ] {
        let mut terminal =
            WalletTerminal::open(config(), MemoryJournal::new(), Counter::default(), START)
                .unwrap();
        let mut world = World::new(START);
        world.add("P1", wallet, Customer::Walks, 51, false);
        terminal
            .pay(
                START,
                OrderNo::new("P1").unwrap(),
                Amount::cny(51),
                code_for(wallet),
            )
            .unwrap();
        let mut sent = Vec::new();
        loop {
            if let Some(request) = terminal.poll_transmit() {
                sent.push((world.now - START, request.url.clone()));
                world
                    .serve(&request)
                    .deliver(&mut terminal, world.now, request.id);
                continue;
            }
            match terminal.poll_timeout() {
                Some(at) => {
                    world.now = at;
                    terminal.handle_timeout(at).unwrap();
                }
                None => break,
            }
        }
        let queries: Vec<u64> = sent
            .iter()
            .filter(|(_, url)| url.ends_with("/pay/orderquery"))
            .map(|(at, _)| *at)
            .collect();
        match wallet {
            Wallet::WeChat => {
                // 5 s after USERPAYING, then every 10 s until 30 s; the reverse right after.
                assert_eq!(queries, [5_000, 15_000, 25_000]);
                let (at, url) = sent.last().unwrap();
                assert!(
                    url.ends_with("/secapi/pay/reverse") && *at == 25_000,
                    "{sent:?}"
                );
                assert_eq!(sent.len(), 5);
            }
            _ => {
                // Every Alipay request goes to the gateway: count them by time instead.
                let times: Vec<u64> = sent.iter().map(|(at, _)| *at).collect();
                assert_eq!(times[0], 0, "the payment");
                assert_eq!(
                    &times[1..times.len() - 1],
                    (1..=12).map(|k| k * 5_000).collect::<Vec<_>>()
                );
                assert_eq!(
                    *times.last().unwrap(),
                    60_000,
                    "the cancel right after the last query"
                );
            }
        }
        assert_eq!(rule.first_query_when_paying, 5_000);
    }
}

/// WeChat Pay's reverse waits 15 s after the payment even when the rule gives up sooner (one
/// query, at once after a system error).
#[test]
fn wechat_reverse_never_comes_sooner_than_15_s_after_paying() {
    let mut config = config();
    let wechat = config.wechat.as_mut().unwrap();
    wechat.rule.max_queries = 1;
    let mut terminal =
        WalletTerminal::open(config, MemoryJournal::new(), Counter::default(), START).unwrap();
    let mut world = World::new(START);
    world.add("R1", Wallet::WeChat, Customer::SystemErrorUnpaid, 51, false);
    terminal
        .pay(
            START,
            OrderNo::new("R1").unwrap(),
            Amount::cny(51),
            code_for(Wallet::WeChat),
        )
        .unwrap();
    let mut sent = Vec::new();
    loop {
        if let Some(request) = terminal.poll_transmit() {
            sent.push((
                world.now - START,
                request.url.rsplit('/').next().unwrap().to_owned(),
            ));
            world
                .serve(&request)
                .deliver(&mut terminal, world.now, request.id);
            continue;
        }
        match terminal.poll_timeout() {
            Some(at) => {
                world.now = at;
                terminal.handle_timeout(at).unwrap();
            }
            None => break,
        }
    }
    assert_eq!(
        sent,
        [
            (0, "micropay".to_owned()),
            (0, "orderquery".to_owned()),
            (15_000, "reverse".to_owned())
        ]
    );
    assert!(world.wechat.breaches.is_empty());
    assert_eq!(
        terminal.outcome(&OrderNo::new("R1").unwrap()),
        Some(&Outcome::Undone(UndoReason::Unconfirmed))
    );
}

/// A journal file written before payment codes existed (no `at` column) opens, keeps its
/// records, and takes a payment code's row.
#[test]
fn sqlite_journal_from_before_payment_codes_gains_the_at_column() {
    let path = std::env::temp_dir().join(format!("paywire-scan-old-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    {
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch(
            "CREATE TABLE journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
               order_no TEXT, stan INTEGER, amount INTEGER, currency TEXT, reason TEXT,
               attempt INTEGER, outcome TEXT, code TEXT, meaning TEXT, rrn TEXT, auth_code TEXT,
               transaction_id TEXT, reversal BLOB, original_order TEXT);
             INSERT INTO journal (kind, stan) VALUES ('sign-in-sent', 1);",
        )
        .unwrap();
    }
    let mut journal = SqliteJournal::open(&path).unwrap();
    let record = Record::CodePaySent {
        order: OrderNo::new("OLD1").unwrap(),
        wallet: Wallet::Alipay,
        amount: Amount::cny(51),
        at: START,
    };
    journal.append(&record).unwrap();
    drop(journal);
    let records = SqliteJournal::open(&path).unwrap().records().unwrap();
    assert_eq!(records, [Record::SignInSent { stan: 1 }, record]);
    let _ = std::fs::remove_file(&path);
}

/// A terminal that loses power right after sending the payment queries it when it comes back:
/// a payment that went through is approved, one that never arrived is undone.
#[test]
fn recovery_queries_before_it_undoes() {
    for wallet in [Wallet::WeChat, Wallet::Alipay] {
        let (outcome, records) = one(
            wallet,
            Customer::Pays,
            vec![Fault::Crash { processed: true }],
        );
        assert!(outcome.is_approved(), "{wallet:?}: {outcome:?}");
        assert_eq!(records, ["CodePaySent", "Final"]);
        let (outcome, records) = one(
            wallet,
            Customer::Pays,
            vec![Fault::Crash { processed: false }],
        );
        assert_eq!(
            outcome,
            Outcome::Undone(UndoReason::Unconfirmed),
            "{wallet:?}"
        );
        assert_eq!(
            records,
            ["CodePaySent", "ReversalDue", "ReversalSent", "Final"],
            "{wallet:?}"
        );
    }
}

/// A shown code: the wallet's code is handed out to be shown, polled, and approved when paid.
#[test]
fn a_shown_code_is_shown_polled_and_approved() {
    for (wallet, code) in [
        (Wallet::WeChat, "weixin://wxpay/bizpayurl?pr=T00001"),
        (Wallet::Alipay, "https://qr.alipay.com/bax0T00001"),
    ] {
        let (outcome, records, events) = one_with(wallet, Customer::ScansAndPays(2), false, vec![]);
        assert!(outcome.is_approved(), "{wallet:?}: {outcome:?}");
        assert_eq!(records, ["CodeShown", "Final"], "{wallet:?}");
        assert_eq!(
            events.first(),
            Some(&Event::ShowCode {
                order: OrderNo::new("T00001").unwrap(),
                code: code.into()
            })
        );
        let finished = events
            .iter()
            .filter(|e| matches!(e, Event::Finished { .. }))
            .count();
        assert_eq!(finished, 1);
        // The code as a customer's phone sees it: rendered with emvqr, read by a real QR
        // reader, recognised as the wallet's merchant URL.
        assert_eq!(read_back(code), code);
        let kind = paywire_emvqr::classify(code);
        let expected = match wallet {
            Wallet::WeChat => paywire_emvqr::Kind::WechatUrl,
            _ => paywire_emvqr::Kind::AlipayUrl,
        };
        assert_eq!(kind, expected);
    }
}

/// `text` rendered as a QR symbol by paywire-emvqr and decoded by rqrr.
fn read_back(text: &str) -> String {
    use paywire_emvqr::render::{BUFFER_LEN, Ecc, QUIET_ZONE, matrix};
    let (mut out, mut temp) = ([0u8; BUFFER_LEN], [0u8; BUFFER_LEN]);
    let m = matrix(text, Ecc::Medium, &mut out, &mut temp).unwrap();
    let scale = 4;
    let side = (m.size() + 2 * QUIET_ZONE) * scale;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        match (
            (x / scale).checked_sub(QUIET_ZONE),
            (y / scale).checked_sub(QUIET_ZONE),
        ) {
            (Some(a), Some(b)) if a < m.size() && b < m.size() && m.dark(a, b) => 0,
            _ => 255,
        }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().unwrap().1
}

/// A verified notification approves the shown code before the next query would have.
#[test]
fn a_verified_notification_approves_a_shown_code() {
    for wallet in [Wallet::WeChat, Wallet::Alipay] {
        let (outcome, records, events) = one_with(wallet, Customer::ScansAndPays(0), true, vec![]);
        assert!(outcome.is_approved(), "{wallet:?}: {outcome:?}");
        assert_eq!(records, ["CodeShown", "Final"]);
        let Outcome::Approved(a) = outcome else {
            unreachable!()
        };
        // The notification's transaction id, not a query's.
        let expected = match wallet {
            Wallet::WeChat => "4200000000000000000042",
            _ => "2013112011001004330000121536",
        };
        assert_eq!(a.transaction_id.as_deref(), Some(expected));
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, Event::Finished { .. }))
                .count(),
            1
        );
    }
}

/// A code nobody pays is closed when it expires (WeChat Pay: not sooner than 5 minutes after
/// its order was created) and ends undone.
#[test]
fn an_unpaid_shown_code_is_closed_when_it_expires() {
    for wallet in [Wallet::WeChat, Wallet::Alipay] {
        for customer in [Customer::NeverScans, Customer::ScansNeverConfirms] {
            let (outcome, records, _) = one_with(wallet, customer, false, vec![]);
            assert_eq!(
                outcome,
                Outcome::Undone(UndoReason::Expired),
                "{wallet:?} {customer:?}"
            );
            assert_eq!(
                records,
                ["CodeShown", "ReversalDue", "ReversalSent", "Final"]
            );
        }
    }
}

/// Paid at the last moment, but the answers saying so were lost: the close is refused (a paid
/// order cannot be closed), the query that follows finds it paid, and it is approved.
#[test]
fn a_shown_code_paid_at_the_last_moment_is_approved_not_closed() {
    // Create, four unpaid queries, then the paying fifth (at 25 s) and every query after it
    // lost until the code expired: WeChat Pay's at 30 s + 10 s (two more queries), Alipay's at
    // a whole minute + 10 s (four).
    for (wallet, lost) in [(Wallet::WeChat, 2), (Wallet::Alipay, 4)] {
        let mut faults = vec![Fault::None; 5];
        faults.extend(vec![Fault::DropResponse; lost]);
        let (outcome, records, _) = one_with(wallet, Customer::ScansAndPays(4), false, faults);
        assert!(outcome.is_approved(), "{wallet:?}: {outcome:?} {records:?}");
        assert_eq!(
            records,
            ["CodeShown", "ReversalDue", "ReversalSent", "Final"],
            "{wallet:?}"
        );
    }
}

/// The documented `alipay.trade.precreate` answers (Alipay's API reference,
/// <https://open.alitrip.com/docs/doc.htm?articleId=104629&docType=1&treeId=140>, "Sample
/// response"), signed here by the simulated wallet's key (the documentation's signatures are
/// Alipay's): the success gives the code to show, the failure is a decline with its sub-code.
#[test]
fn documented_precreate_answers() {
    let success = r#"{"code":"10000","msg":"处理成功","out_trade_no":"6823789339978248","qr_code":"https://qr.alipay.com/bavh4wjlxf12tper3a"}"#;
    let failure = r#"{"code":"40004","msg":"处理失败","sub_code":"ACQ.TRADE_BUYER_NOT_MATCH","sub_msg":"交易买家不匹配"}"#;
    for (node, expected) in [
        (
            success,
            Event::ShowCode {
                order: OrderNo::new("6823789339978248").unwrap(),
                code: "https://qr.alipay.com/bavh4wjlxf12tper3a".into(),
            },
        ),
        (
            failure,
            Event::Finished {
                order: OrderNo::new("6823789339978248").unwrap(),
                outcome: Outcome::Declined {
                    code: "ACQ.TRADE_BUYER_NOT_MATCH".into(),
                    meaning: Some("交易买家不匹配".into()),
                },
            },
        ),
    ] {
        let mut terminal =
            WalletTerminal::open(config(), MemoryJournal::new(), Counter::default(), START)
                .unwrap();
        terminal
            .show(
                START,
                OrderNo::new("6823789339978248").unwrap(),
                Amount::cny(88_88),
                Wallet::Alipay,
                120_000,
            )
            .unwrap();
        let request = terminal.poll_transmit().unwrap();
        let sign = base64_encode(&wallet_key().sign(&[node.as_bytes()]).unwrap());
        let body = format!(r#"{{"alipay_trade_precreate_response":{node},"sign":"{sign}"}}"#);
        Reply::ok(body.into_bytes()).deliver(&mut terminal, START + 300, request.id);
        assert_eq!(terminal.poll_event(), Some(expected));
    }
}

/// A payment code paid at once, then refunded in full under `faults`: the refund's outcome,
/// the numbers the wallet saw on the refund requests, and the wallet's refunds.
fn refunded(wallet: Wallet, faults: Vec<Fault>) -> (Outcome, Vec<String>, Sim) {
    let mut world = World::new(START);
    world.add("P00001", wallet, Customer::Pays, 51, false);
    let mut terminal = Some(
        WalletTerminal::open(config(), MemoryJournal::new(), Counter::default(), START).unwrap(),
    );
    let order = OrderNo::new("P00001").unwrap();
    terminal
        .as_mut()
        .unwrap()
        .pay(START, order.clone(), Amount::cny(51), code_for(wallet))
        .unwrap();
    let mut events = Vec::new();
    drive(
        &mut terminal,
        &mut world,
        &mut vec![].into_iter(),
        &mut events,
        &memory_reopen,
        false,
    );
    let t = terminal.as_mut().unwrap();
    assert!(t.outcome(&order).unwrap().is_approved());
    // More than was paid is refused before anything is sent.
    let err = t
        .refund(
            world.now,
            OrderNo::new("R00009").unwrap(),
            &order,
            Amount::cny(52),
        )
        .unwrap_err();
    assert_eq!(err.kind(), paywire_pos::ErrorKind::NotRefundable);
    let refund = OrderNo::new("R00001").unwrap();
    t.refund(world.now, refund.clone(), &order, Amount::cny(51))
        .unwrap();
    // Nothing is left to refund once the whole amount is being refunded.
    let err = t
        .refund(
            world.now,
            OrderNo::new("R00002").unwrap(),
            &order,
            Amount::cny(1),
        )
        .unwrap_err();
    assert_eq!(err.kind(), paywire_pos::ErrorKind::NotRefundable);
    let mut numbers = Vec::new();
    let mut faults = faults.into_iter();
    for _ in 0..100 {
        let t = terminal.as_mut().unwrap();
        if let Some(request) = t.poll_transmit() {
            let body = String::from_utf8(request.body.clone()).unwrap();
            let number = if wallet == Wallet::WeChat {
                Document::parse(&body)
                    .unwrap()
                    .get("out_refund_no")
                    .unwrap()
                    .to_owned()
            } else {
                let biz = form_urlencoded::parse(body.as_bytes())
                    .find(|(k, _)| k == "biz_content")
                    .unwrap()
                    .1
                    .into_owned();
                serde_json::from_str::<Value>(&biz).unwrap()["out_request_no"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            };
            numbers.push(number);
            world.now += LATENCY;
            let reply = world.serve(&request);
            match faults.next().unwrap_or(Fault::None) {
                Fault::DropResponse => {}
                Fault::Crash { .. } => {
                    let journal = terminal.take().unwrap().into_journal();
                    let mut reopened = memory_reopen(journal, world.now);
                    reopened.handle_timeout(world.now).unwrap();
                    terminal = Some(reopened);
                }
                _ => reply.deliver(t, world.now, request.id),
            }
            continue;
        }
        match t.poll_timeout() {
            Some(at) => {
                world.now = world.now.max(at);
                t.handle_timeout(world.now).unwrap();
            }
            None => break,
        }
    }
    let t = terminal.unwrap();
    let sim = match wallet {
        Wallet::WeChat => world.wechat,
        _ => world.alipay,
    };
    (t.outcome(&refund).cloned().unwrap(), numbers, sim)
}

/// A refund is accepted once, and a lost answer or a crash sends the same refund (same
/// number) again: the wallet refunds once.
#[test]
fn a_refund_is_retried_unchanged_and_refunds_once() {
    for wallet in [Wallet::WeChat, Wallet::Alipay] {
        for faults in [
            vec![],
            vec![Fault::DropResponse, Fault::DropResponse],
            vec![Fault::Crash { processed: true }],
        ] {
            let (outcome, numbers, sim) = refunded(wallet, faults.clone());
            assert!(outcome.is_approved(), "{wallet:?} {faults:?}: {outcome:?}");
            assert_eq!(numbers.len(), faults.len() + 1, "{wallet:?} {faults:?}");
            assert!(numbers.iter().all(|n| n == "R00001"), "{numbers:?}");
            assert_eq!(
                sim.refunds,
                BTreeMap::from([("R00001".to_owned(), ("P00001".to_owned(), 51))])
            );
            assert_eq!(sim.ledger["P00001"], 0);
            assert!(sim.breaches.is_empty(), "{:?}", sim.breaches);
        }
    }
}

/// A wallet that stops answering while a shown code is being closed: the close and the
/// queries before each retry count as attempts, and the close is deferred (not retried
/// forever); taken up again once the wallet answers, it ends.
#[test]
fn an_unanswered_close_is_deferred_then_finished() {
    let mut world = World::new(START);
    world.add("C00001", Wallet::Alipay, Customer::NeverScans, 51, false);
    let mut t =
        WalletTerminal::open(config(), MemoryJournal::new(), Counter::default(), START).unwrap();
    let order = OrderNo::new("C00001").unwrap();
    t.show(
        START,
        order.clone(),
        Amount::cny(51),
        Wallet::Alipay,
        VALID_FOR,
    )
    .unwrap();
    let mut closes = 0;
    let mut deferred = false;
    for _ in 0..1_000 {
        if let Some(request) = t.poll_transmit() {
            let body = String::from_utf8(request.body.clone()).unwrap();
            if body.contains("alipay.trade.close") || closes > 0 {
                // From the first close on, the wallet is unreachable.
                closes += 1;
                continue;
            }
            world.serve(&request).deliver(&mut t, world.now, request.id);
            continue;
        }
        while let Some(e) = t.poll_event() {
            deferred |= matches!(e, Event::UndoDeferred { .. });
        }
        match t.poll_timeout() {
            Some(at) => {
                world.now = world.now.max(at);
                t.handle_timeout(world.now).unwrap();
            }
            None => break,
        }
    }
    assert!(deferred, "never deferred after {closes} requests");
    assert!(closes <= 11, "{closes} requests to an unreachable wallet");
    assert_eq!(t.pending_undos().count(), 1);
    // The wallet is back: the undo is taken up again and ends undone.
    t.retry_undos(world.now).unwrap();
    for _ in 0..100 {
        if let Some(request) = t.poll_transmit() {
            world.serve(&request).deliver(&mut t, world.now, request.id);
            continue;
        }
        match t.poll_timeout() {
            Some(at) => {
                world.now = world.now.max(at);
                t.handle_timeout(world.now).unwrap();
            }
            None => break,
        }
    }
    assert_eq!(
        t.outcome(&order),
        Some(&Outcome::Undone(UndoReason::Expired))
    );
}

/// The order number (txid) of the one-payment Pix tests.
const PIX_TXID: &str = "T00001PIXCHARGE0000000000000001";

/// A Pix charge: the request as the Pix API specifies it, the code shown (a dynamic Pix code
/// pointing at the charge's location, read back by a real QR reader), polled until paid
/// (approved with the payment's endToEndId) or, unpaid, removed when it expires; a charge paid
/// at the last moment whose answers were lost is approved, not removed.
#[test]
fn a_pix_charge_is_shown_polled_and_paid_or_removed() {
    let mut t =
        WalletTerminal::open(config(), MemoryJournal::new(), Counter::default(), START).unwrap();
    let order = OrderNo::new(PIX_TXID).unwrap();
    t.show(
        START,
        order.clone(),
        Amount::brl(1234),
        Wallet::Pix,
        VALID_FOR,
    )
    .unwrap();
    let put = t.poll_transmit().unwrap();
    assert_eq!(
        (put.method, put.url.as_str()),
        (
            "PUT",
            "http://pix.test/api/v2/cob/T00001PIXCHARGE0000000000000001"
        )
    );
    let body: Value = serde_json::from_slice(&put.body).unwrap();
    assert_eq!(
        body,
        json!({"calendario": {"expiracao": 30}, "valor": {"original": "12.34"}, "chave": PIX_KEY})
    );
    // A txid is 26 to 35 letters and digits; a Pix charge is in reais.
    let mut t =
        WalletTerminal::open(config(), MemoryJournal::new(), Counter::default(), START).unwrap();
    let short = t.show(
        START,
        OrderNo::new("T1").unwrap(),
        Amount::brl(1),
        Wallet::Pix,
        VALID_FOR,
    );
    assert_eq!(short.unwrap_err().kind(), paywire_pos::ErrorKind::OrderNo);
    let yuan = t.show(START, order.clone(), Amount::cny(1), Wallet::Pix, VALID_FOR);
    assert_eq!(yuan.unwrap_err().kind(), paywire_pos::ErrorKind::Currency);

    let (outcome, records, events) =
        one_with(Wallet::Pix, Customer::ScansAndPays(2), false, vec![]);
    let Outcome::Approved(approval) = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(
        approval.transaction_id.as_deref(),
        Some("E1234567820200909122120200808008")
    );
    assert_eq!(records, ["CodeShown", "Final"]);
    let Some(Event::ShowCode { code, .. }) = events.first() else {
        panic!("{events:?}");
    };
    assert_eq!(read_back(code), *code);
    let payload = paywire_emvqr::PayloadRef::parse(code).unwrap();
    let pix = paywire_emvqr::profile::pix(&payload).unwrap();
    assert_eq!(
        pix.url,
        Some("pix.test/qr/v2/T00001PIXCHARGE0000000000000001")
    );
    assert_eq!(payload.value(&[1]), Some("12"), "a single-use code");

    // Paid at the fifth query, every answer after it lost for a while (short of the removal's
    // ten attempts, after which it waits for the next payment): whether the removal comes
    // before the answers do or not, the charge is approved (a paid charge is not removed).
    let mut removal_refused = false;
    for lost in 0..12 {
        let mut faults = vec![Fault::None; 5];
        faults.extend(vec![Fault::DropResponse; lost]);
        let (outcome, records, _) = one_with(Wallet::Pix, Customer::ScansAndPays(4), false, faults);
        assert!(outcome.is_approved(), "{lost}: {outcome:?} {records:?}");
        removal_refused |= records.iter().any(|r| r == "ReversalSent");
    }
    assert!(removal_refused, "no schedule reached the removal");

    for customer in [Customer::NeverScans, Customer::ScansNeverConfirms] {
        let (outcome, records, _) = one_with(Wallet::Pix, customer, false, vec![]);
        assert_eq!(
            outcome,
            Outcome::Undone(UndoReason::Expired),
            "{customer:?}"
        );
        assert_eq!(
            records,
            ["CodeShown", "ReversalDue", "ReversalSent", "Final"]
        );
    }
}
