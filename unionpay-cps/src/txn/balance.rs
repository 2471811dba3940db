//! Balance inquiry (`0200`, 查询) and the balances of its answer (field 54).

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

use paywire_iso8583::Mti;
#[cfg(feature = "alloc")]
use paywire_iso8583::{MessageRef, Slots};

use crate::error::Result;
use crate::key::Key;

use super::card::{Entry, Pin};
#[cfg(feature = "alloc")]
use super::fields::number;
#[cfg(feature = "alloc")]
use super::request::card_request;
use super::request::{CardRequest, to_slice};
use super::terminal::Terminal;

/// A balance inquiry (`0200`, 查询).
#[derive(Clone, Copy, Debug)]
pub struct BalanceInquiry<'a> {
    /// Field 11, 6 digits.
    pub stan: &'a str,
    /// Field 49.
    pub currency: &'a str,
    /// The card.
    pub entry: Entry<'a>,
    /// PIN data.
    pub pin: Option<Pin<'a>>,
}

/// A balance inquiry (`0200`, processing code `310000`, 60.1 `01`), without its MAC.
#[cfg(feature = "alloc")]
pub fn balance_inquiry(
    terminal: &Terminal<'_>,
    b: &BalanceInquiry<'_>,
) -> Result<paywire_iso8583::Message<'static>> {
    card_request(terminal, &b.request())
}

impl<'a> BalanceInquiry<'a> {
    pub(super) const fn request(&self) -> CardRequest<'a> {
        CardRequest {
            mti: Mti::FINANCIAL_REQUEST,
            processing: "310000",
            amount: None,
            stan: self.stan,
            entry: self.entry,
            pin: self.pin,
            condition: "00",
            currency: self.currency,
            kind: "01",
            f60_tail: "",
            original: None,
        }
    }
}

/// One amount of field 54 (ISO 8583:1987 "additional amounts": account type n2, amount type n2,
/// currency n3, `C`/`D` and 12 digits — 20 characters each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdditionalAmount {
    /// Account type (e.g. `00` unspecified, `10` savings, `20` checking, `30` credit).
    pub account_type: [u8; 2],
    /// Amount type (e.g. `01` ledger balance, `02` available balance).
    pub amount_type: [u8; 2],
    /// Currency code.
    pub currency: [u8; 3],
    /// The amount in minor units, negative for a debit (`D`) balance.
    pub amount: i64,
}

/// The amounts of field 54 of an answer (a balance inquiry's balances). `None` when 54 is
/// absent or not a whole number of well-formed 20-character amounts.
#[cfg(feature = "alloc")]
pub fn additional_amounts<I: Slots>(
    message: &MessageRef<'_, '_, I>,
) -> Option<Vec<AdditionalAmount>> {
    let value = message.value(54)?;
    let text = value.as_bytes()?;
    if text.is_empty() || text.len() % 20 != 0 {
        return None;
    }
    text.chunks(20)
        .map(|c| {
            let (account, rest) = c.split_at_checked(2)?;
            let (kind, rest) = rest.split_at_checked(2)?;
            let (currency, rest) = rest.split_at_checked(3)?;
            let (&sign, digits) = rest.split_first()?;
            let magnitude = i64::try_from(number(digits)?).ok()?;
            let amount = match sign {
                b'C' => magnitude,
                b'D' => magnitude.checked_neg()?,
                _ => return None,
            };
            Some(AdditionalAmount {
                account_type: account.try_into().ok()?,
                amount_type: kind.try_into().ok()?,
                currency: currency.try_into().ok()?,
                amount,
            })
        })
        .collect()
}

/// A balance inquiry (`0200`) written into `out` with its MAC (see [`purchase_to_slice`](super::purchase_to_slice)).
pub fn balance_inquiry_to_slice<'b>(
    terminal: &Terminal<'_>,
    b: &BalanceInquiry<'_>,
    mak: &Key,
    out: &'b mut [u8],
) -> Result<&'b [u8]> {
    to_slice(terminal, &b.request(), mak, out)
}
