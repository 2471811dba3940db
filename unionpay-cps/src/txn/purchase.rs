//! Purchase (`0200`, 消费).

use paywire_iso8583::Mti;

use crate::error::Result;
use crate::key::Key;

use super::card::{Entry, Pin};
#[cfg(feature = "alloc")]
use super::request::card_request;
use super::request::{CardRequest, to_slice};
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

/// A purchase (`0200`) written into `out` with its MAC under `mak`, without an allocator: the
/// same message as [`purchase`](super::purchase) then [`encode_with_mac`](super::encode_with_mac).
///
/// ```
/// use paywire_unionpay::{Key, txn::{self, Entry, Pin, Purchase, Terminal}};
/// // The published 0200 of blog.youkuaiyun.com/zhu244912654/article/details/80005341, MAC 8A9E91B8.
/// let terminal = Terminal { terminal_id: "16688014", merchant_id: "000000000000001", batch: "000001" };
/// let sale = Purchase {
///     amount: 51, stan: "001834", currency: "156",
///     entry: Entry::Card { pan: None, track2: Some("4392260009942820=131210112008439"), sequence: None, icc: None, entry_mode: "021" },
///     pin: Some(Pin { block: &[0xAC, 0xF4, 0x6E, 0x73, 0x83, 0x8A, 0x82, 0xF9], capture_code: "06", security: "2600000000000000" }),
///     condition: "00", f60_tail: "",
/// };
/// let mak = Key::des_or_tdes(&[0xC2, 0x4A, 0x8F, 0xB5, 0x7A, 0xA2, 0x01, 0x23])?;
/// let mut out = [0u8; 256];
/// let bytes = txn::purchase_to_slice(&terminal, &sale, &mak, &mut out)?;
/// assert!(bytes.ends_with(b"8A9E91B8"));
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
pub fn purchase_to_slice<'b>(
    terminal: &Terminal<'_>,
    p: &Purchase<'_>,
    mak: &Key,
    out: &'b mut [u8],
) -> Result<&'b [u8]> {
    to_slice(terminal, &p.request(), mak, out)
}
