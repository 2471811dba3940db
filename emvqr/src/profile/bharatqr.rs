//! India's BharatQR (hussainpithawala/emv-merchant-qr-lib BHARAT_QR_TAGS.md; BharatQR 4.0.1 tag
//! reference): the RuPay merchant PAN (06), IFSC and account (08), and the RuPay templates 26–28.

use crate::findings::{Issue, IssueKind, Severity};
use crate::mpm::{ObjectRef, PayloadRef};
use crate::path::Path;

use super::detect::{Profile, detect};
use super::fields::{RUPAY_RID, digits, error, guid, sub};

/// The Luhn check of a digit string.
fn luhn(number: &str) -> bool {
    let sum = number
        .bytes()
        .rev()
        .enumerate()
        .try_fold(0u32, |sum, (i, c)| {
            let d = u32::from(c.checked_sub(b'0').filter(|d| *d <= 9)?);
            let d = if i % 2 == 1 {
                let twice = d.saturating_mul(2);
                if twice > 9 {
                    twice.saturating_sub(9)
                } else {
                    twice
                }
            } else {
                d
            };
            Some(sum.saturating_add(d))
        });
    sum.is_some_and(|s| s % 10 == 0)
}

/// An IFSC: 4 letters (the bank), `0`, 6 letters or digits (the branch).
fn is_ifsc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b.iter().take(4).all(u8::is_ascii_uppercase)
        && b.get(4) == Some(&b'0')
        && b.iter().skip(5).all(u8::is_ascii_alphanumeric)
}

/// A UPI amount: digits with at most 2 decimals.
fn is_upi_amount(s: &str) -> bool {
    let (whole, decimals) = s.split_once('.').unwrap_or((s, ""));
    digits(whole) && decimals.len() <= 2 && decimals.bytes().all(|b| b.is_ascii_digit())
}

/// BharatQR template `id` with the RuPay RID.
fn rupay_template<'a>(payload: &PayloadRef<'a>, id: u8) -> Option<ObjectRef<'a>> {
    payload
        .objects()
        .find(|o| o.id() == id && guid(o) == Some(RUPAY_RID))
}

pub(super) fn check_bharatqr(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    // BharatQR 4.0.1 tag reference: 06 is the 16-digit NPCI merchant PAN (Luhn check digit);
    // 08 the 11-character IFSC and an account of up to 26 characters.
    if let Some(pan) = payload.get(6)
        && !(pan.value().len() == 16 && luhn(pan.value()))
    {
        emit(error(pan.path(), IssueKind::Value));
    }
    if let Some(bank) = payload.get(8) {
        let v = bank.value();
        let ok = v.get(..11).is_some_and(is_ifsc)
            && v.get(11..).is_some_and(|a| {
                (1..=26).contains(&a.len()) && a.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if !ok {
            emit(error(bank.path(), IssueKind::Value));
        }
    }
    // 26: 01 the merchant's VPA (`handle@bank`), 02 the minimum amount (UPI: 2 decimals).
    if let Some(upi) = rupay_template(payload, 26) {
        match sub(&upi, 1) {
            None => emit(error(upi.path().child(1), IssueKind::Missing)),
            Some(vpa) => {
                let ok = vpa.split_once('@').is_some_and(|(name, psp)| {
                    !name.is_empty() && !psp.is_empty() && !psp.contains('@')
                });
                if !ok {
                    emit(error(upi.path().child(1), IssueKind::Value));
                }
            }
        }
        if sub(&upi, 2).is_some_and(|m| !is_upi_amount(m)) {
            emit(error(upi.path().child(2), IssueKind::Value));
        }
    }
    // 27/01: the transaction reference, 4 to 35 characters; 28/01: a 12-digit Aadhaar number.
    for (id, min, max, numeric) in [(27, 4, 35, false), (28, 12, 12, true)] {
        let Some(object) = rupay_template(payload, id) else {
            continue;
        };
        let path = object.path().child(1);
        match sub(&object, 1) {
            None => emit(error(path, IssueKind::Missing)),
            Some(v) if !(min..=max).contains(&v.chars().count()) || (numeric && !digits(v)) => {
                emit(error(path, IssueKind::Value));
            }
            Some(_) => {}
        }
    }
    // Every BharatQR names the merchant to RuPay (06) or to its bank (08), or carries a UPI VPA.
    let vpa = rupay_template(payload, 26).and_then(|upi| sub(&upi, 1));
    if payload.get(6).is_none() && payload.get(8).is_none() && vpa.is_none() {
        emit(Issue {
            severity: Severity::Warning,
            path: Path::top(6),
            kind: IssueKind::Missing,
        });
    }
}

/// BharatQR fields (BharatQR 4.0.1 tag reference).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BharatQr<'a> {
    /// 02 (or 03): the Visa merchant PAN.
    pub visa: Option<&'a str>,
    /// 04 (or 05): the Mastercard merchant PAN.
    pub mastercard: Option<&'a str>,
    /// 06: the 16-digit NPCI (RuPay) merchant PAN.
    pub rupay: Option<&'a str>,
    /// 08, characters 1–11: the bank branch's IFSC.
    pub ifsc: Option<&'a str>,
    /// 08, after the IFSC: the merchant's account number.
    pub account: Option<&'a str>,
    /// 26/01: the merchant's UPI virtual payment address.
    pub vpa: Option<&'a str>,
    /// 26/02: the minimum amount (UPI `mam`).
    pub minimum_amount: Option<&'a str>,
    /// 27/01: the transaction reference (UPI `tr`).
    pub transaction_reference: Option<&'a str>,
    /// 27/02: the reference URL.
    pub reference_url: Option<&'a str>,
    /// 28/01: the merchant's Aadhaar number.
    pub aadhaar: Option<&'a str>,
}

/// The BharatQR fields, when the payload is a BharatQR ([`detect`] says so).
pub fn bharatqr<'a>(payload: &PayloadRef<'a>) -> Option<BharatQr<'a>> {
    if detect(payload) != Some(Profile::BharatQr) {
        return None;
    }
    let value = |a: u8, b: u8| payload.get(a).or_else(|| payload.get(b)).map(|o| o.value());
    let rid = |id| rupay_template(payload, id);
    let (upi, reference, aadhaar) = (rid(26), rid(27), rid(28));
    let bank = payload.get(8).map(|o| o.value());
    Some(BharatQr {
        visa: value(2, 3),
        mastercard: value(4, 5),
        rupay: payload.get(6).map(|o| o.value()),
        ifsc: bank.and_then(|v| v.get(..11)),
        account: bank.and_then(|v| v.get(11..)).filter(|a| !a.is_empty()),
        vpa: upi.as_ref().and_then(|o| sub(o, 1)),
        minimum_amount: upi.as_ref().and_then(|o| sub(o, 2)),
        transaction_reference: reference.as_ref().and_then(|o| sub(o, 1)),
        reference_url: reference.as_ref().and_then(|o| sub(o, 2)),
        aadhaar: aadhaar.as_ref().and_then(|o| sub(o, 1)),
    })
}
