//! Purchase (`0200`, 消费).

use paywire_iso8583::Mti;

#[cfg(feature = "alloc")]
use crate::error::Result;

#[cfg(feature = "alloc")]
use super::card::card_request;
use super::card::{Entry, Pin};
use super::request::CardRequest;
#[cfg(feature = "alloc")]
use super::terminal::Terminal;

/// A purchase request.
#[derive(Clone, Copy, Debug)]
pub struct Purchase<'a> {
    /// Field 4, in the currency's minor unit (fen).
    pub amount: u64,
    /// Field 11, 6 digits.
    pub stan: &'a str,
    /// Field 49 (`156` for CNY).
    pub currency: &'a str,
    /// How the payment was presented.
    pub entry: Entry<'a>,
    /// PIN data, when the cardholder entered one.
    pub pin: Option<Pin<'a>>,
    /// Field 25 (`00` normal).
    pub condition: &'a str,
    /// What follows 60.1 and 60.2 in field 60 (empty, or e.g. `000601` as AFC sends for
    /// contactless no-PIN purchases).
    pub f60_tail: &'a str,
}

/// A purchase (`0200`), without its MAC: encode it with [`encode_with_mac`](super::encode_with_mac).
///
/// ```
/// use paywire_unionpay::txn::{self, Entry, Purchase, Terminal};
/// let terminal = Terminal { terminal_id: "16688014", merchant_id: "000000000000001", batch: "000001" };
/// // A customer's UnionPay payment code, scanned by the terminal (field 59, tag A3).
/// let sale = Purchase {
///     amount: 1, stan: "000002", currency: "156", entry: Entry::ScanCode("6223456789012345678"),
///     pin: None, condition: "00", f60_tail: "000601",
/// };
/// let m = txn::purchase(&terminal, &sale)?;
/// assert_eq!(m.get(59), Some(&b"A30196223456789012345678"[..]));
/// assert_eq!(m.get(22), Some(&b"032"[..]));
/// assert!(txn::purchase(&terminal, &Purchase { stan: "2", ..sale }).is_err());
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
#[cfg(feature = "alloc")]
pub fn purchase(
    terminal: &Terminal<'_>,
    p: &Purchase<'_>,
) -> Result<paywire_iso8583::Message<'static>> {
    card_request(terminal, &p.request())
}

impl<'a> Purchase<'a> {
    pub(super) const fn request(&self) -> CardRequest<'a> {
        CardRequest {
            mti: Mti::FINANCIAL_REQUEST,
            processing: "000000",
            amount: Some(self.amount),
            stan: self.stan,
            entry: self.entry,
            pin: self.pin,
            condition: self.condition,
            currency: self.currency,
            kind: "22",
            f60_tail: self.f60_tail,
            original: None,
        }
    }
}
