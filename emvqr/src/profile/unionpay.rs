//! UnionPay's primitive merchant account 15 or 16 (dongri/emv-qrcode#28): acquirer IIN,
//! forwarding IIN and merchant ID.

use crate::mpm::PayloadRef;

/// The UnionPay primitive merchant account (15 or 16) split as observed in the field
/// (dongri/emv-qrcode#28): acquirer IIN (8) + forwarding IIN (8) + merchant ID (15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnionPayAccount<'a> {
    /// The whole value.
    pub value: &'a str,
    /// Characters 1–8, when the value has the 31-character layout.
    pub acquirer_iin: Option<&'a str>,
    /// Characters 9–16.
    pub forwarding_iin: Option<&'a str>,
    /// Characters 17–31.
    pub merchant_id: Option<&'a str>,
}

/// The UnionPay account, when 15 or 16 is present.
pub fn unionpay<'a>(payload: &PayloadRef<'a>) -> Option<UnionPayAccount<'a>> {
    let value = payload
        .objects()
        .find(|o| matches!(o.id(), 15 | 16))?
        .value();
    let split = value.len() == 31 && value.is_ascii();
    Some(UnionPayAccount {
        value,
        acquirer_iin: split.then(|| value.get(..8)).flatten(),
        forwarding_iin: split.then(|| value.get(8..16)).flatten(),
        merchant_id: split.then(|| value.get(16..)).flatten(),
    })
}
