//! `sim alipay`: the Alipay OpenAPI gateway over HTTP.
//!
//! `POST /` (any path) with the common parameters and `biz_content` as a form (query string
//! parameters count too, as some SDKs send the common ones there); `sign` checked with the
//! application's public key (`rsaCheckV1`: every parameter but `sign`, sorted, `k=v&…`); the
//! answer `{"<method>_response":{…},"sign":"…"}` signed with the gateway's key over the
//! response node's exact text. Methods `alipay.trade.pay` (`bar_code`), `.query`, `.cancel`,
//! `.precreate`, `.close`, `.refund`; codes and fields as Alipay documents them
//! (<https://opendocs.alipay.com/open/194/105170> payment codes,
//! <https://opendocs.alipay.com/common/02km9f> common codes:
//! `10000` success, `10003` waiting for the buyer, `40004` business failure with a
//! `sub_code`, `40002` invalid arguments such as `isv.invalid-signature`).

use std::path::Path;

use base64::Engine as _;
use paywire_alipay::keys::{PrivateKey, PublicKey, Signer as _};
use paywire_alipay::v1;
use serde_json::{Map, Value, json};

use super::Ledger;
use super::http::{Answer, Counterpart, Request};
use super::wallet::{Orders, RefundRefusal, State, major_units, minor_units};
use crate::{Failure, input};

/// The operations faults can name.
pub(super) const OPERATIONS: [&str; 6] = ["pay", "query", "cancel", "precreate", "close", "refund"];

const JSON: &str = "application/json; charset=utf-8";

/// The Alipay counterpart.
pub(super) struct Alipay {
    app_id: String,
    app_public: PublicKey,
    key: PrivateKey,
    orders: Orders,
}

impl Alipay {
    pub(super) fn load(
        app_id: String,
        app_public: &Path,
        private: &Path,
        ledger: Ledger,
    ) -> Result<Self, Failure> {
        let app_public = PublicKey::from_pem(&input::read_text(app_public)?)
            .map_err(|e| Failure::Usage(format!("{}: {e}", app_public.display())))?;
        let key = PrivateKey::from_pem(&input::read_text(private)?)
            .map_err(|e| Failure::Usage(format!("{}: {e}", private.display())))?;
        Ok(Self {
            app_id,
            app_public,
            key,
            orders: Orders::new(ledger, "cancel", "2026120622001"),
        })
    }

    /// The node for one verified request.
    fn process(&mut self, method: &str, biz: &Map<String, Value>) -> Value {
        let get = |name: &str| biz.get(name).and_then(Value::as_str);
        let order = get("out_trade_no").unwrap_or_default().to_owned();
        let amount = |name: &str| get(name).and_then(minor_units);
        let missing = business("ACQ.TRADE_NOT_EXIST", "交易不存在");
        match method {
            "alipay.trade.pay" => {
                if get("scene") != Some("bar_code") || get("auth_code").is_none() {
                    return invalid("isv.missing-parameter", "scene=bar_code, auth_code");
                }
                let Some(total) = amount("total_amount") else {
                    return invalid("isv.invalid-parameter", "total_amount");
                };
                match self.orders.pay(&order, total) {
                    None => business("ACQ.TRADE_HAS_SUCCESS", "交易已被支付"),
                    Some(o) => match o.state {
                        State::Paid => json!({"code": "10000", "msg": "Success",
                            "trade_no": o.transaction_id, "out_trade_no": order,
                            "total_amount": major_units(o.amount)}),
                        State::Declined => business("ACQ.BUYER_BALANCE_NOT_ENOUGH", "买家余额不足"),
                        _ => json!({"code": "10003", "msg": " order success pay inprocess",
                            "trade_no": o.transaction_id, "out_trade_no": order,
                            "total_amount": major_units(o.amount)}),
                    },
                }
            }
            "alipay.trade.precreate" => {
                let Some(total) = amount("total_amount") else {
                    return invalid("isv.invalid-parameter", "total_amount");
                };
                match self.orders.create_shown(&order, total) {
                    None => business("ACQ.TRADE_HAS_SUCCESS", "交易已存在"),
                    Some(_) => json!({"code": "10000", "msg": "Success",
                        "out_trade_no": order,
                        "qr_code": format!("https://qr.alipay.com/bax0sim{order}")}),
                }
            }
            "alipay.trade.query" => match self.orders.query(&order) {
                None => missing,
                Some(o) => {
                    let status = match o.state {
                        State::Paid => "TRADE_SUCCESS",
                        State::Paying(_) => "WAIT_BUYER_PAY",
                        State::Declined | State::Undone | State::Closed => "TRADE_CLOSED",
                    };
                    json!({"code": "10000", "msg": "Success", "trade_no": o.transaction_id,
                        "out_trade_no": order, "trade_status": status,
                        "total_amount": major_units(o.amount)})
                }
            },
            "alipay.trade.cancel" => match self.orders.undo(&order) {
                None => missing,
                Some((o, charged)) => {
                    // `action`: what the cancel did (close an unpaid trade, refund a paid one).
                    let action = if charged { "refund" } else { "close" };
                    json!({"code": "10000", "msg": "Success", "trade_no": o.transaction_id,
                        "out_trade_no": order, "retry_flag": "N", "action": action})
                }
            },
            "alipay.trade.close" => match self.orders.close(&order) {
                Ok(()) => json!({"code": "10000", "msg": "Success", "out_trade_no": order}),
                Err(Some(_)) => business("ACQ.TRADE_STATUS_ERROR", "交易状态不合法"),
                Err(None) => missing,
            },
            "alipay.trade.refund" => {
                let request = get("out_request_no").unwrap_or(order.as_str()).to_owned();
                let Some(refund) = amount("refund_amount") else {
                    return invalid("isv.invalid-parameter", "refund_amount");
                };
                match self.orders.refund(&order, &request, refund) {
                    Ok(o) => json!({"code": "10000", "msg": "Success",
                        "trade_no": o.transaction_id, "out_trade_no": order,
                        "fund_change": "Y", "refund_fee": major_units(refund)}),
                    Err(RefundRefusal::NotFound) => missing,
                    Err(RefundRefusal::NotPaid) => {
                        business("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
                    }
                    Err(RefundRefusal::TooMuch) => {
                        business("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
                    }
                }
            }
            _ => invalid("isv.invalid-method", "不存在的方法名"),
        }
    }
}

impl Counterpart for Alipay {
    const NAME: &'static str = "alipay";

    fn operation(&self, request: &Request) -> Option<&'static str> {
        let params = params(request);
        let method = params.iter().find(|(k, _)| k == "method")?.1.as_str();
        Some(match method {
            "alipay.trade.pay" => "pay",
            "alipay.trade.query" => "query",
            "alipay.trade.cancel" => "cancel",
            "alipay.trade.precreate" => "precreate",
            "alipay.trade.close" => "close",
            "alipay.trade.refund" => "refund",
            _ => return None,
        })
    }

    fn answer(&mut self, request: &Request, forge: bool) -> Answer {
        let params = params(request);
        let pairs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let get = |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        let method = get("method").unwrap_or("error").to_owned();
        let node = if v1::verify(&self.app_public, &pairs).is_err() {
            invalid("isv.invalid-signature", "验签出错")
        } else if get("app_id") != Some(self.app_id.as_str()) {
            invalid("isv.invalid-app-id", "无效的AppID参数")
        } else {
            match get("biz_content").map(serde_json::from_str::<Map<String, Value>>) {
                Some(Ok(biz)) => self.process(&method, &biz),
                _ => invalid("isv.missing-parameter", "biz_content"),
            }
        };
        let text = node.to_string();
        let signed: &[u8] = if forge { b"{}" } else { text.as_bytes() };
        let sign = self
            .key
            .sign(&[signed])
            .map(|s| base64::engine::general_purpose::STANDARD.encode(s))
            .unwrap_or_default();
        let name = format!("{}_response", method.replace('.', "_"));
        let body = format!(
            "{{{}:{text},\"sign\":{}}}",
            Value::from(name),
            Value::from(sign)
        );
        Answer::new(200, JSON, body.into_bytes())
    }
}

/// The request's parameters: the query string's, then the form body's.
fn params(request: &Request) -> Vec<(String, String)> {
    let query = request
        .path
        .split_once('?')
        .map_or("", |(_, q)| q)
        .as_bytes();
    form_urlencoded::parse(query)
        .into_owned()
        .chain(form_urlencoded::parse(&request.body).into_owned())
        .collect()
}

fn business(sub_code: &str, sub_msg: &str) -> Value {
    json!({"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg})
}

fn invalid(sub_code: &str, sub_msg: &str) -> Value {
    json!({"code": "40002", "msg": "Invalid Arguments", "sub_code": sub_code, "sub_msg": sub_msg})
}
