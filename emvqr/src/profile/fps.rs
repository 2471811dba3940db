//! Hong Kong's Faster Payment System (HKMA Common QR Code Specification): 26 `hk.com.hkicl` with
//! exactly one proxy, currency HKD or CNY.

use crate::findings::{Issue, IssueKind};
use crate::mpm::PayloadRef;
use crate::path::Path;

use super::fields::{digits, error, sub};

/// An FPS mobile number proxy: `+`, a 1–3 digit country code, `-`, 6–12 digits.
fn is_fps_mobile(s: &str) -> bool {
    let Some((country, number)) = s.strip_prefix('+').and_then(|r| r.split_once('-')) else {
        return false;
    };
    digits(country) && country.len() <= 3 && digits(number) && (6..=12).contains(&number.len())
}

pub(super) fn check_fps(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    // HKMA Common QR Code Specification as Odoo's l10n_hk implements it: exactly one proxy —
    // 02 an FPS ID of 7 or 9 digits, 03 a mobile number `+852-67891234`, 04 an e-mail address;
    // HKD or CNY. 01, the participant (bank) code, is 3 digits in the codes seen in the field
    // (`004` in a Hong Kong QR reader's sample).
    let Some(account) = payload.account("hk.com.hkicl") else {
        return;
    };
    let path = account.path();
    let proxies = [2u8, 3, 4].map(|id| sub(&account, id));
    if proxies.iter().flatten().count() != 1 {
        emit(error(path.child(2), IssueKind::Missing));
    }
    type Rule = fn(&str) -> bool;
    let checks: [(u8, Rule); 4] = [
        (1, |v| v.len() == 3 && digits(v)),
        (2, |v| matches!(v.len(), 7 | 9) && digits(v)),
        (3, is_fps_mobile),
        (4, |v| {
            v.split_once('@')
                .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'))
        }),
    ];
    for (id, ok) in checks {
        if sub(&account, id).is_some_and(|v| !ok(v)) {
            emit(error(path.child(id), IssueKind::Value));
        }
    }
    if payload
        .currency()
        .is_some_and(|c| !matches!(c, "344" | "156"))
    {
        emit(error(Path::top(53), IssueKind::Value));
    }
}

/// Hong Kong FPS fields (26 with GUID `hk.com.hkicl`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fps<'a> {
    /// 26/01: the participant's (bank's) 3-digit clearing code.
    pub participant: Option<&'a str>,
    /// 26/02: the FPS ID (7 or 9 digits).
    pub fps_id: Option<&'a str>,
    /// 26/03: the mobile number proxy (`+852-67891234`).
    pub mobile: Option<&'a str>,
    /// 26/04: the e-mail address proxy.
    pub email: Option<&'a str>,
}

/// The FPS fields, when the payload has an FPS account.
pub fn fps<'a>(payload: &PayloadRef<'a>) -> Option<Fps<'a>> {
    let account = payload.account("hk.com.hkicl")?;
    Some(Fps {
        participant: sub(&account, 1),
        fps_id: sub(&account, 2),
        mobile: sub(&account, 3),
        email: sub(&account, 4),
    })
}
