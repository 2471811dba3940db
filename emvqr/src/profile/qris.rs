//! Indonesia's QRIS (misterdevs/qris-parser README): 51 `ID.CO.QRIS.WWW` with the NMID, the
//! PJSP account in 26–45, currency 360.

use crate::findings::{Issue, IssueKind};
use crate::mpm::PayloadRef;
use crate::path::Path;

use super::fields::{error, guid, sub};

pub(super) fn check_qris(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    // 51 `ID.CO.QRIS.WWW` carries the NMID in 02 (misterdevs/qris-parser).
    if let Some(national) = payload.account("ID.CO.QRIS.WWW")
        && sub(&national, 2).is_none_or(str::is_empty)
    {
        emit(error(national.path().child(2), IssueKind::Missing));
    }
    if payload.currency().is_some_and(|c| c != "360") {
        emit(error(Path::top(53), IssueKind::Value));
    }
}

/// QRIS fields (misterdevs/qris-parser): the national 51 and the first PJSP account (26–45).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Qris<'a> {
    /// 51/02: the National Merchant ID (NMID).
    pub nmid: Option<&'a str>,
    /// 51/03: the merchant criteria (UMI, UKE, UME, UBE, URE).
    pub criteria: Option<&'a str>,
    /// The first PJSP account's GUID (26–45 / 00).
    pub pjsp: Option<&'a str>,
    /// Its 01: the merchant PAN.
    pub merchant_pan: Option<&'a str>,
    /// Its 02: the merchant ID at the PJSP.
    pub merchant_id: Option<&'a str>,
}

/// The QRIS fields, when the payload has the `ID.CO.QRIS.WWW` template.
pub fn qris<'a>(payload: &PayloadRef<'a>) -> Option<Qris<'a>> {
    let national = payload.account("ID.CO.QRIS.WWW")?;
    let pjsp = payload
        .objects()
        .find(|o| (26..=45).contains(&o.id()) && o.children().is_some());
    Some(Qris {
        nmid: sub(&national, 2),
        criteria: sub(&national, 3),
        pjsp: pjsp.as_ref().and_then(guid),
        merchant_pan: pjsp.as_ref().and_then(|a| sub(a, 1)),
        merchant_id: pjsp.as_ref().and_then(|a| sub(a, 2)),
    })
}
