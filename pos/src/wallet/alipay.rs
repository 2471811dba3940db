//! Alipay over OpenAPI v1 (`gateway.do`, form posts signed RSA2 / SM2): payment codes
//! (`alipay.trade.pay`, `scene=bar_code`; `alipay.trade.cancel`), shown codes
//! (`alipay.trade.precreate`; `alipay.trade.close`), `alipay.trade.query`, and the payment
//! notification (verified as Alipay's `rsaCheckV1`).

use alloc::string::String;

use paywire_alipay::keys::{PrivateKey, PublicKey, Signer as _};
use paywire_alipay::v1::{self, Notification, Request};
use serde_json::{Map, Value};

use super::{
    Answer, Built, Millis, NotifyReply, PollRule, Read, RefundAnswer, Subject, UndoAnswer,
    major_units, minor_units,
};
use crate::error::{Error, ErrorKind};
use crate::payment::{Amount, Approval, OrderNo};

const FORM: &str = "application/x-www-form-urlencoded;charset=utf-8";

/// What a merchant answers a notification it accepted: `success`.
pub(super) const NOTIFY_REPLY: NotifyReply = NotifyReply {
    status: 200,
    body: v1::NOTIFY_ACK,
};

/// An application's Alipay credentials and the terminal's settings. Its `Debug` never shows
/// key material.
#[derive(Clone, Debug)]
pub struct AlipayConfig {
    /// `app_id`.
    pub app_id: String,
    /// The application's private key (its sign type is the requests' `sign_type`).
    pub private_key: PrivateKey,
    /// Alipay's public key: every answer is verified with it.
    pub alipay_public_key: PublicKey,
    /// The gateway (`paywire_alipay::v1::GATEWAY`, the sandbox's, or a local counterpart).
    pub gateway: String,
    /// `subject`: what is sold.
    pub subject: String,
    /// `terminal_id` of the business content, when given.
    pub terminal_id: Option<String>,
    /// When to query and cancel ([`PollRule::ALIPAY`] by default).
    pub rule: PollRule,
}

impl AlipayConfig {
    /// A configuration for the production gateway with Alipay's rule.
    pub fn new(app_id: &str, private_key: PrivateKey, alipay_public_key: PublicKey) -> Self {
        Self {
            app_id: app_id.into(),
            private_key,
            alipay_public_key,
            gateway: v1::GATEWAY.into(),
            subject: String::from("POS"),
            terminal_id: None,
            rule: PollRule::ALIPAY,
        }
    }

    fn request(&self, now: Millis, method: &str, biz: &Map<String, Value>) -> Result<Built, Error> {
        let timestamp = v1::timestamp_at(now / 1000);
        let mut request = Request::new(&self.app_id, method, &timestamp);
        let content = serde_json::to_string(biz).map_err(|_| Error::new(ErrorKind::Signing))?;
        request
            .set("biz_content", &content)
            .sign(&self.private_key)
            .map_err(|_| Error::new(ErrorKind::Signing))?;
        Ok(Built {
            method: "POST",
            url: self.gateway.clone(),
            headers: alloc::vec![("Content-Type", String::from(FORM))],
            body: request.to_form().into_bytes(),
            client_certificate: false,
        })
    }

    fn order_only(order: &OrderNo) -> Map<String, Value> {
        let mut biz = Map::new();
        biz.insert("out_trade_no".into(), Value::from(order.as_str()));
        biz
    }

    /// The business content every payment carries: order number, subject, amount, terminal.
    fn payment(&self, subject: &Subject<'_>) -> Map<String, Value> {
        let mut biz = Self::order_only(subject.order);
        biz.insert("subject".into(), Value::from(self.subject.as_str()));
        biz.insert(
            "total_amount".into(),
            Value::from(major_units(subject.amount.minor)),
        );
        if let Some(id) = &self.terminal_id {
            biz.insert("terminal_id".into(), Value::from(id.as_str()));
        }
        biz
    }

    /// `alipay.trade.pay` with the payment code.
    pub(super) fn pay(&self, now: Millis, subject: &Subject<'_>) -> Result<Built, Error> {
        let code = subject.code.ok_or(Error::new(ErrorKind::Signing))?;
        let mut biz = self.payment(subject);
        biz.insert("scene".into(), Value::from("bar_code"));
        biz.insert("auth_code".into(), Value::from(code));
        self.request(now, "alipay.trade.pay", &biz)
    }

    /// `alipay.trade.precreate`: the code to show, payable until `expires_at`
    /// (`timeout_express` in whole minutes, at least 1: the machine rounds the validity up).
    pub(super) fn precreate(&self, now: Millis, subject: &Subject<'_>) -> Result<Built, Error> {
        let mut biz = self.payment(subject);
        let left = subject.expires_at.unwrap_or(now).saturating_sub(now);
        let minutes = left.div_ceil(60_000).max(1);
        biz.insert(
            "timeout_express".into(),
            Value::from(alloc::format!("{minutes}m")),
        );
        self.request(now, "alipay.trade.precreate", &biz)
    }

    /// `alipay.trade.refund`: `out_request_no` is the refund's own number, repeated unchanged
    /// on a retry.
    pub(super) fn refund(&self, now: Millis, subject: &Subject<'_>) -> Result<Built, Error> {
        let (original, _) = subject.original.ok_or(Error::new(ErrorKind::Signing))?;
        let mut biz = Self::order_only(original);
        biz.insert(
            "refund_amount".into(),
            Value::from(major_units(subject.amount.minor)),
        );
        biz.insert("out_request_no".into(), Value::from(subject.order.as_str()));
        self.request(now, "alipay.trade.refund", &biz)
    }

    /// Reads an `alipay.trade.refund` answer: `10000` accepted (whether this call moved the
    /// money, `fund_change=Y`, or an earlier one with the same `out_request_no` did); a system
    /// error is sent again; other failures are refusals.
    pub(super) fn read_refund(&self, text: &str) -> Option<RefundAnswer> {
        let node = self.verified(text, "alipay.trade.refund")?;
        let get = |name: &str| node.get(name).and_then(Value::as_str);
        Some(match (get("code")?, get("sub_code")) {
            ("10000", _) => RefundAnswer::Done(Approval {
                transaction_id: get("trade_no").map(String::from),
                ..Approval::default()
            }),
            ("20000", _) | (_, Some("ACQ.SYSTEM_ERROR")) => RefundAnswer::Retry,
            (code, sub_code) => RefundAnswer::Declined {
                code: String::from(sub_code.unwrap_or(code)),
                meaning: get("sub_msg").or_else(|| get("msg")).map(String::from),
            },
        })
    }

    /// `alipay.trade.close`: an unpaid shown code's trade closed.
    pub(super) fn close(&self, now: Millis, order: &OrderNo) -> Result<Built, Error> {
        self.request(now, "alipay.trade.close", &Self::order_only(order))
    }

    /// `alipay.trade.query` by the merchant's order number.
    pub(super) fn query(&self, now: Millis, order: &OrderNo) -> Result<Built, Error> {
        self.request(now, "alipay.trade.query", &Self::order_only(order))
    }

    /// `alipay.trade.cancel` by the merchant's order number.
    pub(super) fn cancel(&self, now: Millis, order: &OrderNo) -> Result<Built, Error> {
        self.request(now, "alipay.trade.cancel", &Self::order_only(order))
    }

    /// The verified node of `method`'s answer as JSON members; `None` when it does not verify.
    fn verified(&self, text: &str, method: &str) -> Option<Map<String, Value>> {
        let sign_type = self.private_key.sign_type();
        let node = v1::verify_response(&self.alipay_public_key, sign_type, text, method).ok()?;
        if node.is_encrypted() {
            return None;
        }
        match serde_json::from_str::<Value>(node.signed).ok()? {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Reads an `alipay.trade.pay`, `alipay.trade.precreate` or `alipay.trade.query` answer.
    pub(super) fn read(
        &self,
        text: &str,
        what: Read,
        order: &OrderNo,
        amount: Amount,
    ) -> Option<Answer> {
        let method = match what {
            Read::Pay => "alipay.trade.pay",
            Read::Create => "alipay.trade.precreate",
            Read::Query => "alipay.trade.query",
        };
        let node = self.verified(text, method)?;
        let get = |name: &str| node.get(name).and_then(Value::as_str);
        let owned = |name: &str| get(name).map(String::from);
        let paid = || {
            // Another order's answer, or another amount, is not trusted.
            let same = get("out_trade_no") == Some(order.as_str())
                && get("total_amount").and_then(minor_units) == Some(amount.minor);
            if same {
                Answer::Paid(Approval {
                    transaction_id: owned("trade_no"),
                    ..Approval::default()
                })
            } else {
                Answer::Unknown
            }
        };
        Some(match (what, get("code")?, get("sub_code")) {
            (Read::Create, "10000", _) => match (get("out_trade_no"), owned("qr_code")) {
                (Some(o), Some(code)) if o == order.as_str() && !code.is_empty() => {
                    Answer::Created(code)
                }
                _ => Answer::Unknown,
            },
            (Read::Pay, "10000", _) => paid(),
            (Read::Query, "10000", _) => match get("trade_status") {
                Some("TRADE_SUCCESS" | "TRADE_FINISHED") => paid(),
                Some("WAIT_BUYER_PAY") => Answer::Paying,
                Some("TRADE_CLOSED") => Answer::Declined {
                    code: String::from("TRADE_CLOSED"),
                    meaning: None,
                },
                _ => Answer::Unknown,
            },
            (_, "10003", _) => Answer::Paying,
            // No such trade: not created (yet), or a shown code nobody scanned.
            (_, _, Some("ACQ.TRADE_NOT_EXIST")) => Answer::Missing,
            // Unknown results: query.
            (_, "20000", _) | (_, _, Some("ACQ.SYSTEM_ERROR")) | (Read::Query, _, _) => {
                Answer::Unknown
            }
            // A refusal (an invalid code, not enough money, a closed order, a bad parameter):
            // nothing is charged.
            (_, code, sub_code) => Answer::Declined {
                code: String::from(sub_code.unwrap_or(code)),
                meaning: owned("sub_msg").or_else(|| owned("msg")),
            },
        })
    }

    /// Reads an `alipay.trade.cancel` answer (a payment code: done unless it says to retry,
    /// `retry_flag=Y`) or an `alipay.trade.close` answer (a shown code: closed, or no trade).
    pub(super) fn read_undo(&self, text: &str, shown: bool) -> Option<UndoAnswer> {
        let method = if shown {
            "alipay.trade.close"
        } else {
            "alipay.trade.cancel"
        };
        let node = self.verified(text, method)?;
        let get = |name: &str| node.get(name).and_then(Value::as_str);
        Some(match (get("code"), get("sub_code"), get("retry_flag")) {
            (Some("10000"), _, Some("Y")) => UndoAnswer::Retry,
            (Some("10000"), _, _) => UndoAnswer::Done,
            // No such trade: nothing was charged under this number.
            (_, Some("ACQ.TRADE_NOT_EXIST"), _) => UndoAnswer::Done,
            _ => UndoAnswer::Retry,
        })
    }

    /// A notification (the form body as posted): `None` when it does not verify or is not for
    /// this application; otherwise the order it reports paid, if it does (`TRADE_SUCCESS`,
    /// `TRADE_FINISHED`): number, amount in fen, Alipay's trade number.
    #[allow(
        clippy::type_complexity,
        reason = "private: verified, then what it reports"
    )]
    pub(super) fn read_notification(
        &self,
        body: &[u8],
    ) -> Option<Option<(OrderNo, u64, Approval)>> {
        let notification = Notification::parse(body).ok()?;
        notification.verify(&self.alipay_public_key).ok()?;
        if notification.get("app_id") != Some(self.app_id.as_str()) {
            return None;
        }
        let paid = matches!(
            notification.get("trade_status"),
            Some("TRADE_SUCCESS" | "TRADE_FINISHED")
        );
        let order = notification
            .get("out_trade_no")
            .and_then(|o| OrderNo::new(o).ok());
        let minor = notification.get("total_amount").and_then(minor_units);
        Some(match (paid, order, minor) {
            (true, Some(order), Some(minor)) => Some((
                order,
                minor,
                Approval {
                    transaction_id: notification.get("trade_no").map(String::from),
                    ..Approval::default()
                },
            )),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(major_units(51), "0.51");
        assert_eq!(major_units(123_456), "1234.56");
        assert_eq!(minor_units("0.51"), Some(51));
        assert_eq!(minor_units("12.3"), Some(1230));
        assert_eq!(minor_units("12"), Some(1200));
        for bad in ["", ".5", "1.234", "-1.00", "1,00", " 1.00", "1."] {
            assert_eq!(minor_units(bad), None, "{bad}");
        }
    }
}
