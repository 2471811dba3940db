//! WeChat Pay payment codes over API v2 (XML, signed with the API key): `micropay`,
//! `orderquery`, `reverse` (<https://pay.weixin.qq.com/wiki/doc/api/micropay.php>, chapters
//! 9_10, 9_2 and 9_11).

use alloc::string::String;

use paywire_wechat_pay::v2::xml::Document;
use paywire_wechat_pay::v2::{SignType, verify};
use zeroize::Zeroizing;

use super::{Answer, Built, PollRule, RefundAnswer, Subject, UndoAnswer};
use crate::error::{Error, ErrorKind};
use crate::payment::{Amount, Approval, OrderNo};

/// WeChat Pay's production API host (its documented backup is `https://api2.mch.weixin.qq.com`).
pub const API: &str = "https://api.mch.weixin.qq.com";

const XML: &str = "text/xml; charset=utf-8";

/// A merchant's WeChat Pay v2 credentials and the terminal's settings. Its `Debug` never shows
/// the API key.
#[derive(Clone)]
pub struct WechatConfig {
    /// `appid`.
    pub appid: String,
    /// `mch_id`.
    pub mch_id: String,
    /// The v2 API key (the signature key; kept zeroized).
    pub api_key: Zeroizing<String>,
    /// `sign_type` of requests (and of the answers checked).
    pub sign_type: SignType,
    /// The API host ([`API`], a sandbox, or a local counterpart).
    pub base_url: String,
    /// `body`: what is sold, as the customer's receipt shows it.
    pub body: String,
    /// `spbill_create_ip`: the terminal's IP address.
    pub spbill_create_ip: String,
    /// `device_info`: the terminal's number, when given.
    pub device_info: Option<String>,
    /// When to query and reverse ([`PollRule::WECHAT`] by default).
    pub rule: PollRule,
}

impl core::fmt::Debug for WechatConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WechatConfig")
            .field("appid", &self.appid)
            .field("mch_id", &self.mch_id)
            .field("api_key", &"<redacted>")
            .field("sign_type", &self.sign_type)
            .field("base_url", &self.base_url)
            .field("rule", &self.rule)
            .finish_non_exhaustive()
    }
}

impl WechatConfig {
    /// A configuration for the production host with MD5 signatures and WeChat Pay's rule.
    pub fn new(appid: &str, mch_id: &str, api_key: &str) -> Self {
        Self {
            appid: appid.into(),
            mch_id: mch_id.into(),
            api_key: Zeroizing::new(api_key.into()),
            sign_type: SignType::Md5,
            base_url: API.into(),
            body: String::from("POS"),
            spbill_create_ip: String::from("127.0.0.1"),
            device_info: None,
            rule: PollRule::WECHAT,
        }
    }

    fn common(&self, nonce: &str) -> Document {
        let mut doc = Document::default();
        doc.set("appid", &self.appid)
            .set("mch_id", &self.mch_id)
            .set("nonce_str", nonce);
        if self.sign_type == SignType::HmacSha256 {
            doc.set("sign_type", "HMAC-SHA256");
        }
        doc
    }

    fn finish(&self, mut doc: Document, path: &str, client_certificate: bool) -> Built {
        doc.sign(&self.api_key, self.sign_type);
        let mut url = String::from(self.base_url.trim_end_matches('/'));
        url.push_str(path);
        Built {
            method: "POST",
            url,
            headers: alloc::vec![("Content-Type", String::from(XML))],
            body: doc.to_xml().into_bytes(),
            client_certificate,
        }
    }

    /// `micropay`: charge the payment code.
    pub(super) fn micropay(
        &self,
        order: &OrderNo,
        amount: Amount,
        code: Option<&str>,
        nonce: &str,
    ) -> Result<Built, Error> {
        let code = code.ok_or(Error::new(ErrorKind::Signing))?;
        let mut doc = self.common(nonce);
        doc.set("body", &self.body)
            .set("out_trade_no", order.as_str())
            .set("total_fee", &alloc::format!("{}", amount.minor))
            .set("fee_type", "CNY")
            .set("spbill_create_ip", &self.spbill_create_ip)
            .set("auth_code", code);
        if let Some(device) = &self.device_info {
            doc.set("device_info", device);
        }
        Ok(self.finish(doc, "/pay/micropay", false))
    }

    /// `orderquery` by the merchant's order number.
    pub(super) fn orderquery(&self, order: &OrderNo, nonce: &str) -> Built {
        let mut doc = self.common(nonce);
        doc.set("out_trade_no", order.as_str());
        self.finish(doc, "/pay/orderquery", false)
    }

    /// `reverse` (撤销订单): needs the merchant's client certificate.
    pub(super) fn reverse(&self, order: &OrderNo, nonce: &str) -> Built {
        let mut doc = self.common(nonce);
        doc.set("out_trade_no", order.as_str());
        self.finish(doc, "/secapi/pay/reverse", true)
    }

    /// `refund` (申请退款, chapter 9_4): `out_refund_no` is the refund's own number, repeated
    /// unchanged on a retry; needs the merchant's client certificate.
    pub(super) fn refund(&self, subject: &Subject<'_>, nonce: &str) -> Result<Built, Error> {
        let (original, paid) = subject.original.ok_or(Error::new(ErrorKind::Signing))?;
        let mut doc = self.common(nonce);
        doc.set("out_trade_no", original.as_str())
            .set("out_refund_no", subject.order.as_str())
            .set("total_fee", &alloc::format!("{}", paid.minor))
            .set("refund_fee", &alloc::format!("{}", subject.amount.minor))
            .set("refund_fee_type", "CNY");
        Ok(self.finish(doc, "/secapi/pay/refund", true))
    }

    /// Reads a `refund` answer: accepted, refused, or to be sent again (the error codes the
    /// documentation answers with "请用相同参数再次调用API" / "请降低频率后重试").
    pub(super) fn read_refund(&self, text: &str) -> Option<RefundAnswer> {
        let doc = self.verified(text)?;
        let owned = |name: &str| doc.get(name).map(String::from);
        Some(match (doc.get("result_code")?, doc.get("err_code")) {
            ("SUCCESS", _) => RefundAnswer::Done(Approval {
                transaction_id: owned("refund_id"),
                ..Approval::default()
            }),
            (
                _,
                None
                | Some(
                    "SYSTEMERROR"
                    | "BIZERR_NEED_RETRY"
                    | "FREQUENCY_LIMITED"
                    | "INVALID_REQ_TOO_MUCH",
                ),
            ) => RefundAnswer::Retry,
            (_, Some(code)) => RefundAnswer::Declined {
                code: String::from(code),
                meaning: owned("err_code_des"),
            },
        })
    }

    /// An answer that is WeChat Pay's, signed with the key, for this merchant; `None` otherwise
    /// (a communication failure, `return_code=FAIL`, is unsigned: no answer).
    fn verified(&self, text: &str) -> Option<Document> {
        let doc = Document::parse(text).ok()?;
        let ours = doc.get("return_code") == Some("SUCCESS")
            && verify(&doc.pairs(), &self.api_key, Some(self.sign_type))
            && doc.get("appid") == Some(self.appid.as_str())
            && doc.get("mch_id") == Some(self.mch_id.as_str());
        ours.then_some(doc)
    }

    /// Reads a `micropay` (`query == false`) or `orderquery` answer for `order`.
    pub(super) fn read(
        &self,
        text: &str,
        query: bool,
        order: &OrderNo,
        amount: Amount,
    ) -> Option<Answer> {
        let doc = self.verified(text)?;
        let owned = |name: &str| doc.get(name).map(String::from);
        match doc.get("result_code")? {
            "SUCCESS" => {
                // Another order's answer, or another amount, is not trusted.
                if doc.get("out_trade_no").is_some_and(|o| o != order.as_str()) {
                    return None;
                }
                let state = if query {
                    doc.get("trade_state")?
                } else {
                    "SUCCESS"
                };
                match state {
                    "SUCCESS" => {
                        let fee = doc.get("total_fee").and_then(|f| f.parse::<u64>().ok());
                        if fee != Some(amount.minor) {
                            return Some(Answer::Unknown);
                        }
                        Some(Answer::Paid(Approval {
                            transaction_id: owned("transaction_id"),
                            ..Approval::default()
                        }))
                    }
                    "USERPAYING" | "NOTPAY" => Some(Answer::Paying),
                    // Closed, reversed, or refused by the bank: nothing is charged.
                    "CLOSED" | "REVOKED" | "PAYERROR" => Some(Answer::Declined {
                        code: String::from(state),
                        meaning: owned("trade_state_desc"),
                    }),
                    _ => Some(Answer::Unknown),
                }
            }
            "FAIL" => match doc.get("err_code") {
                Some("USERPAYING") => Some(Answer::Paying),
                // Unknown results (the documentation says: query), an order the wallet does not
                // have yet, and a paid order (a repeated request of ours): the query decides.
                Some("SYSTEMERROR" | "BANKERROR" | "ORDERPAID" | "ORDERNOTEXIST") | None => {
                    Some(Answer::Unknown)
                }
                Some(_) if query => Some(Answer::Unknown),
                // A refusal of the payment itself (an expired or invalid code, not enough money,
                // an order number used with other parameters): nothing of ours is charged.
                Some(code) => Some(Answer::Declined {
                    code: String::from(code),
                    meaning: owned("err_code_des"),
                }),
            },
            _ => None,
        }
    }

    /// Reads a `reverse` answer: done unless it says to call again (`recall=Y`) or failed.
    pub(super) fn read_undo(&self, text: &str) -> Option<UndoAnswer> {
        let doc = self.verified(text)?;
        if doc.get("recall") == Some("Y") {
            return Some(UndoAnswer::Retry);
        }
        match (doc.get("result_code"), doc.get("err_code")) {
            (Some("SUCCESS"), _) => Some(UndoAnswer::Done),
            // No such order: nothing was charged under this number.
            (Some("FAIL"), Some("ORDERNOTEXIST")) => Some(UndoAnswer::Done),
            _ => Some(UndoAnswer::Retry),
        }
    }
}
