//! Void (`0200`, 消费撤销) and refund (`0220`, 退货) of an earlier purchase.

use paywire_iso8583::Mti;

use crate::error::{Error, ErrorKind, Result};

use crate::key::Key;

use super::card::Original;
use super::card::{Entry, Pin};
#[cfg(feature = "alloc")]
use super::request::card_request;
use super::request::{CardRequest, to_slice};
use super::terminal::Terminal;

/// A void of a purchase of the current batch (`0200`, 消费撤销).
#[derive(Clone, Copy, Debug)]
pub struct Void<'a> {
    /// Field 4: the original's amount, in minor units.
    pub amount: u64,
    /// Field 11: this message's trace number, 6 digits.
    pub stan: &'a str,
    /// Field 49 (`156` for CNY).
    pub currency: &'a str,
    /// The card, read again.
    pub entry: Entry<'a>,
    /// PIN data, when the host asks for a PIN on voids.
    pub pin: Option<Pin<'a>>,
    /// The purchase being voided.
    pub original: Original<'a>,
}

/// A refund of an earlier purchase (`0220`, 退货).
#[derive(Clone, Copy, Debug)]
pub struct Refund<'a> {
    /// Field 4: the amount refunded, in minor units.
    pub amount: u64,
    /// Field 11: this message's trace number, 6 digits.
    pub stan: &'a str,
    /// Field 49.
    pub currency: &'a str,
    /// The card.
    pub entry: Entry<'a>,
    /// The purchase being refunded (its `date` is required).
    pub original: Original<'a>,
}

/// A void (`0200`, processing code `200000`, 60.1 `23`), without its MAC.
#[cfg(feature = "alloc")]
pub fn void(terminal: &Terminal<'_>, v: &Void<'_>) -> Result<paywire_iso8583::Message<'static>> {
    card_request(terminal, &v.request())
}

impl<'a> Void<'a> {
    pub(super) const fn request(&self) -> CardRequest<'a> {
        CardRequest {
            mti: Mti::FINANCIAL_REQUEST,
            processing: "200000",
            amount: Some(self.amount),
            stan: self.stan,
            entry: self.entry,
            pin: self.pin,
            condition: "00",
            currency: self.currency,
            kind: "23",
            f60_tail: "",
            original: Some((self.original, None)),
        }
    }
}

/// A refund (`0220`, processing code `200000`, 60.1 `25`), without its MAC. Refunds are advices:
/// they are not reversed.
#[cfg(feature = "alloc")]
pub fn refund(
    terminal: &Terminal<'_>,
    r: &Refund<'_>,
) -> Result<paywire_iso8583::Message<'static>> {
    card_request(terminal, &r.request()?)
}

impl<'a> Refund<'a> {
    pub(super) fn request(&self) -> Result<CardRequest<'a>> {
        let date = self
            .original
            .date
            .ok_or(Error::param(ErrorKind::MissingParameter, "original date"))?;
        Ok(CardRequest {
            mti: Mti::FINANCIAL_ADVICE,
            processing: "200000",
            amount: Some(self.amount),
            stan: self.stan,
            entry: self.entry,
            pin: None,
            condition: "00",
            currency: self.currency,
            kind: "25",
            f60_tail: "",
            original: Some((self.original, Some(date))),
        })
    }
}

/// A void (`0200`) written into `out` with its MAC (see [`purchase_to_slice`](super::purchase_to_slice)).
pub fn void_to_slice<'b>(
    terminal: &Terminal<'_>,
    v: &Void<'_>,
    mak: &Key,
    out: &'b mut [u8],
) -> Result<&'b [u8]> {
    to_slice(terminal, &v.request(), mak, out)
}

/// A refund (`0220`) written into `out` with its MAC (see [`purchase_to_slice`](super::purchase_to_slice)).
pub fn refund_to_slice<'b>(
    terminal: &Terminal<'_>,
    r: &Refund<'_>,
    mak: &Key,
    out: &'b mut [u8],
) -> Result<&'b [u8]> {
    to_slice(terminal, &r.request()?, mak, out)
}
