//! Malaysia's DuitNow (DannielWhatever/emvqr#13): 26 `A0000006150001`. Its one deviation (format
//! indicator `02`) is relaxed in the profile module; the view reads its account.

use crate::mpm::PayloadRef;

use super::fields::sub;

/// DuitNow fields (26 with GUID `A0000006150001`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DuitNow<'a> {
    /// 26/01: the participant (acquirer) code.
    pub participant: Option<&'a str>,
    /// 26/02: the merchant ID.
    pub merchant_id: Option<&'a str>,
}

/// The DuitNow fields, when the payload has a DuitNow account.
pub fn duitnow<'a>(payload: &PayloadRef<'a>) -> Option<DuitNow<'a>> {
    let account = payload.account("A0000006150001")?;
    Some(DuitNow {
        participant: sub(&account, 1),
        merchant_id: sub(&account, 2),
    })
}
