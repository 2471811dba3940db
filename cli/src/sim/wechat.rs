//! `sim wechat`: WeChat Pay over HTTP.
//!
//! API v2 (payment codes; XML, every request's `sign` checked with the API key — MD5 or
//! HMAC-SHA256 as its `sign_type` says — and every answer signed the same way):
//! `POST /pay/micropay`, `/pay/orderquery`, `/secapi/pay/reverse`, `/pay/closeorder`,
//! `/secapi/pay/refund`. Field names and error codes as in WeChat Pay's v2 API documents
//! (<https://pay.weixin.qq.com/wiki/doc/api/micropay.php?chapter=9_10>, `9_2` order query,
//! `9_11` reverse, `9_4` refund; `1_3` close order). The client certificate that
//! `/secapi/` requires is checked when the counterpart speaks HTTPS with `--client-ca`
//! (`http.rs`); over plain HTTP it cannot be.
//!
//! API v3 (shown codes), with the `--v3-*` keys: `POST /v3/pay/transactions/native`,
//! `GET /v3/pay/transactions/out-trade-no/{no}?mchid=…`, `POST …/{no}/close`; the request's
//! `Authorization` (`WECHATPAY2-SHA256-RSA2048`) checked with the merchant's public key,
//! answers signed with the platform key in the `Wechatpay-*` headers
//! (<https://pay.weixin.qq.com/doc/v3/merchant/4012365342> signing,
//! 4013070354 response verification).

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use paywire_wechat_pay::keys::{PrivateKey, PublicKey, Signer as _, Verifier as _};
use paywire_wechat_pay::v2::SignType;
use paywire_wechat_pay::v2::xml::Document;
use serde_json::{Value, json};

use super::Ledger;
use super::http::{Answer, Counterpart, Request};
use super::wallet::{Order, Orders, RefundRefusal, State};
use crate::{Failure, input};

/// The operations faults can name.
pub(super) const OPERATIONS: [&str; 8] = [
    "micropay",
    "orderquery",
    "reverse",
    "closeorder",
    "refund",
    "native",
    "v3query",
    "v3close",
];

const ORDERS: &str = "/v3/pay/transactions/out-trade-no/";
const XML: &str = "text/xml; charset=utf-8";
const JSON: &str = "application/json";

/// API v3's keys.
pub(super) struct V3 {
    merchant: PublicKey,
    platform: PrivateKey,
    serial: String,
}

impl V3 {
    pub(super) fn load(public: &Path, private: &Path, serial: &str) -> Result<Self, Failure> {
        let usage = |path: &Path, e: &dyn std::fmt::Display| {
            Failure::Usage(format!("{}: {e}", path.display()))
        };
        let merchant =
            PublicKey::from_pem(&input::read_text(public)?).map_err(|e| usage(public, &e))?;
        let platform =
            PrivateKey::from_pem(&input::read_text(private)?).map_err(|e| usage(private, &e))?;
        Ok(Self {
            merchant,
            platform,
            serial: serial.to_owned(),
        })
    }
}

/// The WeChat Pay counterpart.
pub(super) struct Wechat {
    mch_id: String,
    key: String,
    v3: Option<V3>,
    orders: Orders,
    /// `--client-ca` given: `/secapi/` requests need a verified client certificate.
    secapi_needs_certificate: bool,
}

impl Wechat {
    pub(super) fn new(
        mch_id: String,
        key: String,
        v3: Option<V3>,
        ledger: Ledger,
        secapi_needs_certificate: bool,
    ) -> Self {
        Self {
            mch_id,
            key,
            v3,
            orders: Orders::new(ledger, "reverse", "42000000002026"),
            secapi_needs_certificate,
        }
    }

    /// An API v2 request: checked, processed, answered in signed XML.
    fn v2(&mut self, request: &Request, operation: &str, forge: bool) -> Answer {
        let refuse = |message: &str| {
            let mut doc = Document::default();
            doc.set("return_code", "FAIL").set("return_msg", message);
            Answer::new(200, XML, doc.to_xml().into_bytes())
        };
        let Some(doc) = std::str::from_utf8(&request.body)
            .ok()
            .and_then(|text| Document::parse(text).ok())
        else {
            return refuse("XML格式错误");
        };
        if doc.get("mch_id") != Some(self.mch_id.as_str()) {
            return refuse("mch_id参数格式错误");
        }
        if self.secapi_needs_certificate
            && matches!(operation, "reverse" | "refund")
            && !request.client_certificate
        {
            // (The message is the counterpart's own: WeChat Pay ends such a TLS session.)
            return refuse("client certificate required (/secapi/)");
        }
        if !doc.verify(&self.key) {
            return refuse("签名错误");
        }
        let sign_type = doc
            .get("sign_type")
            .and_then(SignType::from_name)
            .unwrap_or(SignType::Md5);
        let order = doc.get("out_trade_no").unwrap_or_default().to_owned();
        let mut reply = Document::default();
        reply
            .set("return_code", "SUCCESS")
            .set("return_msg", "OK")
            .set("appid", doc.get("appid").unwrap_or_default())
            .set("mch_id", &self.mch_id)
            .set("nonce_str", &nonce());
        if sign_type == SignType::HmacSha256 {
            reply.set("sign_type", "HMAC-SHA256");
        }
        let fee = |name: &str| doc.get(name).and_then(|f| f.parse::<u64>().ok());
        match operation {
            "micropay" => match fee("total_fee") {
                None => fail(&mut reply, "PARAM_ERROR", "total_fee"),
                Some(amount) => match self.orders.pay(&order, amount) {
                    None => fail(&mut reply, "OUT_TRADE_NO_USED", "商户订单号重复"),
                    Some(o) => match o.state {
                        State::Paid => paid(&mut reply, &order, &o),
                        State::Declined => fail(&mut reply, "NOTENOUGH", "余额不足"),
                        _ => fail(&mut reply, "USERPAYING", "需要用户输入支付密码"),
                    },
                },
            },
            "orderquery" => match self.orders.query(&order) {
                None => fail(&mut reply, "ORDERNOTEXIST", "此交易订单号不存在"),
                Some(o) => {
                    let trade_state = match o.state {
                        State::Paid => "SUCCESS",
                        State::Paying(_) => "USERPAYING",
                        State::Undone => "REVOKED",
                        State::Closed => "CLOSED",
                        State::Declined => "PAYERROR",
                    };
                    reply
                        .set("result_code", "SUCCESS")
                        .set("out_trade_no", &order)
                        .set("trade_state", trade_state)
                        .set("total_fee", &o.amount.to_string())
                        .set("transaction_id", &o.transaction_id);
                }
            },
            "reverse" => match self.orders.undo(&order) {
                None => fail(&mut reply, "ORDERNOTEXIST", "此交易订单号不存在"),
                Some(_) => {
                    reply.set("result_code", "SUCCESS").set("recall", "N");
                }
            },
            "closeorder" => match self.orders.close(&order) {
                Ok(()) => {
                    reply.set("result_code", "SUCCESS");
                }
                Err(Some(_)) => fail(&mut reply, "ORDERPAID", "订单已支付"),
                Err(None) => fail(&mut reply, "ORDERNOTEXIST", "此交易订单号不存在"),
            },
            "refund" => {
                let refund_no = doc.get("out_refund_no").unwrap_or_default().to_owned();
                match fee("refund_fee") {
                    None => fail(&mut reply, "PARAM_ERROR", "refund_fee"),
                    Some(amount) => match self.orders.refund(&order, &refund_no, amount) {
                        Ok(o) => {
                            reply
                                .set("result_code", "SUCCESS")
                                .set("out_trade_no", &order)
                                .set("transaction_id", &o.transaction_id)
                                .set("out_refund_no", &refund_no)
                                .set("refund_id", &format!("50300{refund_no}"))
                                .set("refund_fee", &amount.to_string())
                                .set("total_fee", &o.amount.to_string());
                        }
                        Err(RefundRefusal::NotFound) => {
                            fail(&mut reply, "ORDERNOTEXIST", "此交易订单号不存在");
                        }
                        Err(RefundRefusal::NotPaid) => {
                            fail(&mut reply, "TRADE_STATE_ERROR", "订单状态错误");
                        }
                        Err(RefundRefusal::TooMuch) => {
                            fail(&mut reply, "INVALID_REQUEST", "退款金额大于支付金额");
                        }
                    },
                }
            }
            _ => return refuse("未知接口"),
        }
        let key = if forge {
            "00000000000000000000000000000000"
        } else {
            self.key.as_str()
        };
        reply.sign(key, sign_type);
        Answer::new(200, XML, reply.to_xml().into_bytes())
    }

    /// An API v3 request: `Authorization` checked, processed, answered with signed JSON.
    fn v3(&mut self, request: &Request, operation: &str, forge: bool) -> Answer {
        let Some(v3) = &self.v3 else {
            return Answer::new(404, JSON, error_body("NOT_FOUND", "API v3 not configured"));
        };
        if !authorized(v3, &self.mch_id, request) {
            let body = error_body("SIGN_ERROR", "签名错误");
            return signed(v3, 401, body, forge);
        }
        let (status, body) = match operation {
            "native" => {
                let order: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
                let field = |name: &str| order.get(name);
                let out_trade_no = field("out_trade_no")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let amount = field("amount")
                    .and_then(|a| a.get("total"))
                    .and_then(Value::as_u64);
                match amount {
                    _ if field("mchid").and_then(Value::as_str) != Some(self.mch_id.as_str()) => {
                        (400, error_body("PARAM_ERROR", "mchid"))
                    }
                    None => (400, error_body("PARAM_ERROR", "amount.total")),
                    Some(amount) => match self.orders.create_shown(out_trade_no, amount) {
                        None => (400, error_body("OUT_TRADE_NO_USED", "商户订单号重复")),
                        Some(_) => {
                            let url = format!("weixin://wxpay/bizpayurl?pr=sim{out_trade_no}");
                            (200, json!({ "code_url": url }).to_string().into_bytes())
                        }
                    },
                }
            }
            "v3query" => {
                let order = request
                    .path
                    .get(ORDERS.len()..)
                    .and_then(|rest| rest.split('?').next())
                    .unwrap_or_default();
                match self.orders.query(order) {
                    None => (404, error_body("ORDER_NOT_EXIST", "订单不存在")),
                    Some(o) => (200, self.v3_order(order, &o)),
                }
            }
            "v3close" => {
                let order = request
                    .path
                    .get(ORDERS.len()..)
                    .and_then(|rest| rest.strip_suffix("/close"))
                    .unwrap_or_default();
                match self.orders.close(order) {
                    Ok(()) => (204, Vec::new()),
                    Err(Some(_)) => (400, error_body("ORDERPAID", "订单已支付")),
                    Err(None) => (404, error_body("ORDER_NOT_EXIST", "订单不存在")),
                }
            }
            _ => (404, error_body("NOT_FOUND", "unknown path")),
        };
        signed(v3, status, body, forge)
    }

    fn v3_order(&self, order: &str, o: &Order) -> Vec<u8> {
        let state = match o.state {
            State::Paid => "SUCCESS",
            State::Paying(_) | State::Declined => "NOTPAY",
            State::Undone => "REVOKED",
            State::Closed => "CLOSED",
        };
        json!({"mchid": self.mch_id, "out_trade_no": order,
            "transaction_id": o.transaction_id, "trade_type": "NATIVE", "trade_state": state,
            "amount": {"total": o.amount, "currency": "CNY"}})
        .to_string()
        .into_bytes()
    }
}

impl Counterpart for Wechat {
    const NAME: &'static str = "wechat";

    fn operation(&self, request: &Request) -> Option<&'static str> {
        let path = request.path.split('?').next().unwrap_or_default();
        Some(match (request.method.as_str(), path) {
            ("POST", "/pay/micropay") => "micropay",
            ("POST", "/pay/orderquery") => "orderquery",
            ("POST", "/secapi/pay/reverse") => "reverse",
            ("POST", "/pay/closeorder") => "closeorder",
            ("POST", "/secapi/pay/refund") => "refund",
            ("POST", "/v3/pay/transactions/native") => "native",
            ("POST", p) if p.starts_with(ORDERS) && p.ends_with("/close") => "v3close",
            ("GET", p) if p.starts_with(ORDERS) => "v3query",
            _ => return None,
        })
    }

    fn answer(&mut self, request: &Request, forge: bool) -> Answer {
        match self.operation(request) {
            Some(op @ ("native" | "v3query" | "v3close")) => self.v3(request, op, forge),
            Some(op) => self.v2(request, op, forge),
            None => Answer::new(404, JSON, error_body("NOT_FOUND", "unknown path")),
        }
    }
}

fn fail(reply: &mut Document, code: &str, description: &str) {
    reply
        .set("result_code", "FAIL")
        .set("err_code", code)
        .set("err_code_des", description);
}

fn paid(reply: &mut Document, order: &str, o: &Order) {
    reply
        .set("result_code", "SUCCESS")
        .set("out_trade_no", order)
        .set("transaction_id", &o.transaction_id)
        .set("trade_type", "MICROPAY")
        .set("fee_type", "CNY")
        .set("total_fee", &o.amount.to_string())
        .set("cash_fee", &o.amount.to_string());
}

fn error_body(code: &str, message: &str) -> Vec<u8> {
    json!({ "code": code, "message": message })
        .to_string()
        .into_bytes()
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A fresh nonce (the time and a counter: unique within a run, all a nonce must be here).
fn nonce() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("SIM{}N{n}", unix_seconds())
}

/// Whether the request's `Authorization` is the merchant's signature over it.
fn authorized(v3: &V3, mch_id: &str, request: &Request) -> bool {
    let Some(header) = request.header("Authorization") else {
        return false;
    };
    let Some(fields) = header.strip_prefix("WECHATPAY2-SHA256-RSA2048 ") else {
        return false;
    };
    let field = |name: &str| {
        fields.split(',').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.trim_matches('"'))
        })
    };
    let (Some(mchid), Some(timestamp), Some(nonce), Some(signature)) = (
        field("mchid"),
        field("timestamp"),
        field("nonce_str"),
        field("signature"),
    ) else {
        return false;
    };
    let Ok(signature) = base64::engine::general_purpose::STANDARD.decode(signature) else {
        return false;
    };
    let parts: [&[u8]; 10] = [
        request.method.as_bytes(),
        b"\n",
        request.path.as_bytes(),
        b"\n",
        timestamp.as_bytes(),
        b"\n",
        nonce.as_bytes(),
        b"\n",
        &request.body,
        b"\n",
    ];
    mchid == mch_id && v3.merchant.verify(&parts, &signature)
}

/// An answer with the platform's `Wechatpay-*` signature headers (`forge`: a well-formed
/// signature over other bytes, which must not verify).
fn signed(v3: &V3, status: u16, body: Vec<u8>, forge: bool) -> Answer {
    let timestamp = unix_seconds().to_string();
    let nonce = nonce();
    let signed_body: &[u8] = if forge { b"{}" } else { &body };
    let parts: [&[u8]; 6] = [
        timestamp.as_bytes(),
        b"\n",
        nonce.as_bytes(),
        b"\n",
        signed_body,
        b"\n",
    ];
    let signature = v3
        .platform
        .sign(&parts)
        .map(|s| base64::engine::general_purpose::STANDARD.encode(s))
        .unwrap_or_default();
    let mut answer = Answer::new(status, JSON, body);
    answer.headers = vec![
        ("Wechatpay-Timestamp".into(), timestamp),
        ("Wechatpay-Nonce".into(), nonce),
        ("Wechatpay-Signature".into(), signature),
        ("Wechatpay-Serial".into(), v3.serial.clone()),
    ];
    answer
}
