//! WeChat Pay shown codes over API v3 (JSON, `Authorization: WECHATPAY2-SHA256-RSA2048`,
//! answers verified with the platform's key): Native order
//! (<https://pay.weixin.qq.com/doc/v3/merchant/4012791877>), query by the merchant's order
//! number (<https://pay.weixin.qq.com/doc/v3/merchant/4013070356>), close
//! (<https://pay.weixin.qq.com/doc/v3/merchant/4013070360>), and the payment notification
//! (`TRANSACTION.SUCCESS`, the resource decrypted with the API v3 key).

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use paywire_wechat_pay::keys::PrivateKey;
use paywire_wechat_pay::v3::{self, Headers, Notification, Verifiers};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::{Answer, Built, Millis, NotifyReply, PollRule, Read, Response, Subject, UndoAnswer};
use crate::error::{Error, ErrorKind};
use crate::payment::{Approval, OrderNo};

/// What a merchant answers a notification it accepted (v3: a 2xx status, no body needed).
pub(super) const NOTIFY_REPLY: NotifyReply = NotifyReply {
    status: 204,
    body: "",
};

const JSON: &str = "application/json";

/// A merchant's WeChat Pay API v3 credentials and the terminal's settings for shown codes. Its
/// `Debug` never shows key material.
#[derive(Clone)]
pub struct WechatNativeConfig {
    /// `appid`.
    pub appid: String,
    /// `mchid`.
    pub mchid: String,
    /// The merchant's API private key (it signs every request).
    pub merchant_key: PrivateKey,
    /// The serial number of the merchant's API certificate (`serial_no` of `Authorization`).
    pub merchant_serial: String,
    /// WeChat Pay's platform certificates or public keys: every answer and notification is
    /// verified with the one its `Wechatpay-Serial` names.
    pub platform: Arc<Verifiers>,
    /// The API v3 key (32 bytes): it decrypts notifications.
    pub api_v3_key: Zeroizing<Vec<u8>>,
    /// `notify_url`: where WeChat Pay posts the payment notification.
    pub notify_url: String,
    /// The API host (`https://api.mch.weixin.qq.com`, or a local counterpart).
    pub base_url: String,
    /// `description`: what is sold.
    pub description: String,
    /// When to query and close ([`PollRule::WECHAT_NATIVE`] by default).
    pub rule: PollRule,
}

impl core::fmt::Debug for WechatNativeConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WechatNativeConfig")
            .field("appid", &self.appid)
            .field("mchid", &self.mchid)
            .field("merchant_key", &self.merchant_key)
            .field("merchant_serial", &self.merchant_serial)
            .field("platform", &self.platform)
            .field("api_v3_key", &"<redacted>")
            .field("base_url", &self.base_url)
            .field("rule", &self.rule)
            .finish_non_exhaustive()
    }
}

/// `yyyy-MM-ddTHH:mm:ss+08:00` (RFC 3339, Beijing time) for Unix seconds.
fn rfc3339(unix_seconds: u64) -> String {
    let mut text = paywire_alipay::v1::timestamp_at(unix_seconds).replacen(' ', "T", 1);
    text.push_str("+08:00");
    text
}

impl WechatNativeConfig {
    /// A configuration for the production host with WeChat Pay's rule for shown codes.
    pub fn new(
        appid: &str,
        mchid: &str,
        merchant_key: PrivateKey,
        merchant_serial: &str,
        platform: Arc<Verifiers>,
        api_v3_key: &[u8],
        notify_url: &str,
    ) -> Self {
        Self {
            appid: appid.into(),
            mchid: mchid.into(),
            merchant_key,
            merchant_serial: merchant_serial.into(),
            platform,
            api_v3_key: Zeroizing::new(api_v3_key.to_vec()),
            notify_url: notify_url.into(),
            base_url: String::from(super::WECHAT_V3_API),
            description: String::from("POS"),
            rule: PollRule::WECHAT_NATIVE,
        }
    }

    /// A signed request: `path` with its query, `body` as sent.
    fn request(
        &self,
        now: Millis,
        method: &'static str,
        path: &str,
        body: Vec<u8>,
        nonce: &str,
    ) -> Result<Built, Error> {
        let timestamp = alloc::format!("{}", now / 1000);
        let authorization = v3::authorization(
            &self.merchant_key,
            &self.mchid,
            &self.merchant_serial,
            &v3::Request {
                method,
                url: path,
                timestamp: &timestamp,
                nonce,
                body: &body,
            },
        )
        .map_err(|_| Error::new(ErrorKind::Signing))?;
        let mut url = String::from(self.base_url.trim_end_matches('/'));
        url.push_str(path);
        let mut headers = alloc::vec![
            ("Authorization", authorization),
            ("Accept", String::from(JSON)),
        ];
        if method == "POST" {
            headers.push(("Content-Type", String::from(JSON)));
        }
        Ok(Built {
            method,
            url,
            headers,
            body,
            client_certificate: false,
        })
    }

    /// The Native order: the code payable until `expires_at` (`time_expire`).
    pub(super) fn create(
        &self,
        now: Millis,
        subject: &Subject<'_>,
        nonce: &str,
    ) -> Result<Built, Error> {
        let mut amount = Map::new();
        amount.insert("total".into(), Value::from(subject.amount.minor));
        amount.insert("currency".into(), Value::from("CNY"));
        let mut body = Map::new();
        body.insert("appid".into(), Value::from(self.appid.as_str()));
        body.insert("mchid".into(), Value::from(self.mchid.as_str()));
        body.insert("description".into(), Value::from(self.description.as_str()));
        body.insert("out_trade_no".into(), Value::from(subject.order.as_str()));
        let expires = subject.expires_at.unwrap_or(now) / 1000;
        body.insert("time_expire".into(), Value::from(rfc3339(expires)));
        body.insert("notify_url".into(), Value::from(self.notify_url.as_str()));
        body.insert("amount".into(), Value::Object(amount));
        let body = serde_json::to_vec(&body).map_err(|_| Error::new(ErrorKind::Signing))?;
        self.request(now, "POST", "/v3/pay/transactions/native", body, nonce)
    }

    /// The order queried by the merchant's order number.
    pub(super) fn query(&self, now: Millis, order: &OrderNo, nonce: &str) -> Result<Built, Error> {
        let path = alloc::format!(
            "/v3/pay/transactions/out-trade-no/{}?mchid={}",
            order.as_str(),
            self.mchid
        );
        self.request(now, "GET", &path, Vec::new(), nonce)
    }

    /// The order closed.
    pub(super) fn close(&self, now: Millis, order: &OrderNo, nonce: &str) -> Result<Built, Error> {
        let path = alloc::format!("/v3/pay/transactions/out-trade-no/{}/close", order.as_str());
        let mut body = Map::new();
        body.insert("mchid".into(), Value::from(self.mchid.as_str()));
        let body = serde_json::to_vec(&body).map_err(|_| Error::new(ErrorKind::Signing))?;
        self.request(now, "POST", &path, body, nonce)
    }

    /// An answer signed by WeChat Pay (any status): `None` when it does not verify.
    fn verified(&self, now: Millis, response: &Response<'_>) -> Option<()> {
        let headers = Headers::from_pairs(response.headers.iter().copied());
        let now = i64::try_from(now / 1000).ok()?;
        self.platform.verify(&headers, response.body, now).ok()
    }

    /// A transaction's state (a query's answer, a notification's resource) for `order` of
    /// `minor` fen.
    fn transaction(&self, members: &Map<String, Value>, order: &OrderNo, minor: u64) -> Answer {
        let get = |name: &str| members.get(name).and_then(Value::as_str);
        let ours = get("out_trade_no") == Some(order.as_str())
            && get("mchid").is_none_or(|m| m == self.mchid);
        if !ours {
            return Answer::Unknown;
        }
        match get("trade_state") {
            Some("SUCCESS") => {
                let total = members
                    .get("amount")
                    .and_then(|a| a.get("total"))
                    .and_then(Value::as_u64);
                if total == Some(minor) {
                    Answer::Paid(Approval {
                        transaction_id: get("transaction_id").map(String::from),
                        ..Approval::default()
                    })
                } else {
                    Answer::Unknown
                }
            }
            Some("NOTPAY" | "USERPAYING") => Answer::Paying,
            Some(state @ ("CLOSED" | "REVOKED" | "PAYERROR")) => Answer::Declined {
                code: String::from(state),
                meaning: get("trade_state_desc").map(String::from),
            },
            _ => Answer::Unknown,
        }
    }

    /// Reads the Native order's answer (`code_url`) or a query's.
    pub(super) fn read(
        &self,
        now: Millis,
        what: Read,
        response: &Response<'_>,
        order: &OrderNo,
        amount: crate::payment::Amount,
    ) -> Option<Answer> {
        self.verified(now, response)?;
        let members = super::json_object(response.body)?;
        let get = |name: &str| members.get(name).and_then(Value::as_str);
        match (response.status, what) {
            (200, Read::Create) => Some(match get("code_url") {
                Some(code) if !code.is_empty() => Answer::Created(String::from(code)),
                _ => Answer::Unknown,
            }),
            (200, _) => Some(self.transaction(&members, order, amount.minor)),
            (404, Read::Query) if get("code") == Some("ORDER_NOT_EXIST") => Some(Answer::Missing),
            // A refused order (a bad parameter, a closed or paid order number): nothing is
            // charged under it.
            (400..=499, Read::Create) => Some(Answer::Declined {
                code: String::from(get("code").unwrap_or("REFUSED")),
                meaning: get("message").map(String::from),
            }),
            _ => Some(Answer::Unknown),
        }
    }

    /// Reads the close's answer: `204` closed; anything else is retried after a query.
    pub(super) fn read_close(&self, now: Millis, response: &Response<'_>) -> Option<UndoAnswer> {
        self.verified(now, response)?;
        Some(if response.status == 204 {
            UndoAnswer::Done
        } else {
            UndoAnswer::Retry
        })
    }

    /// A notification: `None` when it does not verify or decrypt; otherwise the order it
    /// reports paid, if it does.
    #[allow(
        clippy::type_complexity,
        reason = "private: verified, then what it reports"
    )]
    pub(super) fn read_notification(
        &self,
        now: Millis,
        notification: &Response<'_>,
    ) -> Option<Option<(OrderNo, u64, Approval)>> {
        self.verified(now, notification)?;
        let parsed = Notification::parse(notification.body).ok()?;
        let plain = parsed.decrypt(&self.api_v3_key).ok()?;
        let members = super::json_object(&plain)?;
        let get = |name: &str| members.get(name).and_then(Value::as_str);
        if parsed.event_type != "TRANSACTION.SUCCESS" || get("trade_state") != Some("SUCCESS") {
            return Some(None);
        }
        let order = get("out_trade_no").and_then(|o| OrderNo::new(o).ok())?;
        let minor = members
            .get("amount")
            .and_then(|a| a.get("total"))
            .and_then(Value::as_u64)?;
        match self.transaction(&members, &order, minor) {
            Answer::Paid(approval) => Some(Some((order, minor, approval))),
            _ => Some(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_expire_is_rfc3339_in_beijing_time() {
        // 2018-06-08T10:34:56+08:00 is the Native order documentation's example value.
        assert_eq!(rfc3339(1_528_425_296), "2018-06-08T10:34:56+08:00");
    }
}
