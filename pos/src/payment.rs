//! The channel-neutral payment: what is paid, under which order number, and how it ended.

use alloc::string::String;
use core::fmt;

use crate::error::{Error, ErrorKind};

/// An amount in the currency's minor unit (fen for CNY) with its ISO 4217 numeric code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Amount {
    /// Minor units.
    pub minor: u64,
    /// ISO 4217 numeric code as three ASCII digits (`*b"156"` for CNY).
    pub currency: [u8; 3],
}

impl Amount {
    /// `minor` units of Chinese yuan (ISO 4217 `156`).
    pub const fn cny(minor: u64) -> Self {
        Self {
            minor,
            currency: *b"156",
        }
    }

    /// `minor` units of Brazilian reais (ISO 4217 `986`).
    pub const fn brl(minor: u64) -> Self {
        Self {
            minor,
            currency: *b"986",
        }
    }
}

/// The merchant's order number: 1 to 32 characters of `A-Z a-z 0-9 _ -` (what WeChat Pay's
/// `out_trade_no` and Alipay's `out_trade_no` both accept), unique per payment and never reused.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderNo(String);

impl OrderNo {
    /// Checks `text` and takes it as an order number.
    pub fn new(text: &str) -> Result<Self, Error> {
        let ok = (1..=32).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if ok {
            Ok(Self(String::from(text)))
        } else {
            Err(Error::new(ErrorKind::OrderNo))
        }
    }

    /// The order number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for OrderNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrderNo({})", self.0)
    }
}

impl fmt::Display for OrderNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where order numbers come from when the caller does not give one: the library keeps no clock
/// and no randomness, so the generator is the caller's (a counter with a terminal prefix, a
/// time-based scheme, ...). The terminal refuses a number its journal already holds.
pub trait OrderNumbers {
    /// The next order number.
    fn next_order_no(&mut self) -> OrderNo;
}

/// The wallet a payment code or a shown code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Wallet {
    /// WeChat Pay (API v2 for payment codes).
    WeChat,
    /// Alipay (OpenAPI v1, `gateway.do`).
    Alipay,
    /// Pix (Brazil), shown codes through a PSP's Pix API.
    Pix,
}

impl Wallet {
    /// The name used in journals and output (`wechat`, `alipay`, `pix`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::WeChat => "wechat",
            Self::Alipay => "alipay",
            Self::Pix => "pix",
        }
    }

    /// The currency the wallet charges in (ISO 4217 numeric): CNY, or BRL for Pix.
    pub const fn currency(self) -> [u8; 3] {
        match self {
            Self::WeChat | Self::Alipay => *b"156",
            Self::Pix => *b"986",
        }
    }

    /// The wallet named `name` (as [`Self::as_str`] writes it).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "wechat" => Some(Self::WeChat),
            "alipay" => Some(Self::Alipay),
            "pix" => Some(Self::Pix),
            _ => None,
        }
    }
}

/// The channel's references of an approved payment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Approval {
    /// Retrieval reference number (field 37 of a card answer).
    pub rrn: Option<String>,
    /// Authorisation code (field 38).
    pub auth_code: Option<String>,
    /// The channel's transaction id (wallets).
    pub transaction_id: Option<String>,
    /// The date of a card answer (field 13, `MMDD`): a refund names its original by it (61.3).
    pub date: Option<String>,
}

/// Why a payment was undone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UndoReason {
    /// No answer arrived in time (card reversal reason `98`).
    Timeout,
    /// The answer's MAC did not verify (card reversal reason `A0`).
    BadMac,
    /// The terminal stopped (a power cut, a crash) before the answer was known.
    Interrupted,
    /// The channel approved, but the terminal could not complete the sale (card reversal
    /// reason `96`).
    NotCompleted,
    /// The channel never confirmed the payment within the flow's limit (a payment code still
    /// "paying", or its state unknown, when the polling ran out): it was reversed or cancelled.
    Unconfirmed,
    /// A code shown to the customer expired unpaid: its order was closed.
    Expired,
}

/// How a payment ended. A payment has exactly one, once its flow has resolved it; until then
/// it has none ("unknown" is not an outcome, it is a flow still running).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The channel approved it.
    Approved(Approval),
    /// The channel declined it: its response code and that code's meaning.
    Declined {
        /// The channel's code (field 39 for a card).
        code: String,
        /// What the code means, where known (the channel's text, or the code's standard
        /// meaning).
        meaning: Option<String>,
    },
    /// It failed and whatever the channel may have done was undone (reversed, cancelled).
    Undone(UndoReason),
}

impl Outcome {
    /// Whether the customer paid.
    pub const fn is_approved(&self) -> bool {
        matches!(self, Self::Approved(_))
    }
}
