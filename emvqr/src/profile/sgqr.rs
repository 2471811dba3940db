//! Singapore's SGQR and PayNow (DHCertainty/PaynowQR): 26 `SG.PAYNOW` with its proxy, 51
//! `SG.SGQR` with the SGQR label, currency 702.

use crate::findings::{Issue, IssueKind};
use crate::mpm::PayloadRef;
use crate::path::Path;

use super::fields::{digits, error, sub};

pub(super) fn check_paynow(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    let Some(account) = payload.account("SG.PAYNOW") else {
        return;
    };
    let path = account.path();
    // 01 proxy type: 0 mobile, 2 UEN; 02 proxy value; 03 amount editable 0/1; 04 expiry
    // YYYYMMDD (some issuers add hhmmss) (DHCertainty/PaynowQR).
    match sub(&account, 1) {
        None => emit(error(path.child(1), IssueKind::Missing)),
        Some("0" | "2") => {}
        Some(_) => emit(error(path.child(1), IssueKind::Value)),
    }
    if sub(&account, 2).is_none_or(str::is_empty) {
        emit(error(path.child(2), IssueKind::Missing));
    }
    if sub(&account, 3).is_some_and(|v| !matches!(v, "0" | "1")) {
        emit(error(path.child(3), IssueKind::Value));
    }
    if sub(&account, 4).is_some_and(|v| !(digits(v) && matches!(v.len(), 8 | 14))) {
        emit(error(path.child(4), IssueKind::Value));
    }
    if payload.currency().is_some_and(|c| c != "702") {
        emit(error(Path::top(53), IssueKind::Value));
    }
}

/// PayNow fields (26 with GUID `SG.PAYNOW`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayNow<'a> {
    /// 26/01: proxy type (`0` mobile number, `2` UEN).
    pub proxy_type: Option<&'a str>,
    /// 26/02: the mobile number (`+65…`) or UEN.
    pub proxy: Option<&'a str>,
    /// 26/03: whether the payer may edit the amount (`1`) or not (`0`).
    pub editable: Option<bool>,
    /// 26/04: expiry, `YYYYMMDD` (or with `hhmmss`).
    pub expiry: Option<&'a str>,
}

/// The PayNow fields, when the payload has a PayNow account.
pub fn paynow<'a>(payload: &PayloadRef<'a>) -> Option<PayNow<'a>> {
    let account = payload.account("SG.PAYNOW")?;
    Some(PayNow {
        proxy_type: sub(&account, 1),
        proxy: sub(&account, 2),
        editable: sub(&account, 3).and_then(|v| match v {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        }),
        expiry: sub(&account, 4),
    })
}

/// SGQR label fields (51 with GUID `SG.SGQR`), as the SGQR parsers name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sgqr<'a> {
    /// 51/01: the SGQR ID.
    pub id: Option<&'a str>,
    /// 51/02: the SGQR version (`01.0001`).
    pub version: Option<&'a str>,
    /// 51/03: the merchant's postal code.
    pub postal_code: Option<&'a str>,
    /// 51/04: level.
    pub level: Option<&'a str>,
    /// 51/05: unit number.
    pub unit: Option<&'a str>,
    /// 51/06: miscellaneous.
    pub misc: Option<&'a str>,
    /// 51/07: the label's revision date, `YYYYMMDD`.
    pub revision_date: Option<&'a str>,
}

/// The SGQR label fields, when the payload has the `SG.SGQR` template.
pub fn sgqr<'a>(payload: &PayloadRef<'a>) -> Option<Sgqr<'a>> {
    let label = payload.account("SG.SGQR")?;
    Some(Sgqr {
        id: sub(&label, 1),
        version: sub(&label, 2),
        postal_code: sub(&label, 3),
        level: sub(&label, 4),
        unit: sub(&label, 5),
        misc: sub(&label, 6),
        revision_date: sub(&label, 7),
    })
}
