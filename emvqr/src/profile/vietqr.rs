//! Vietnam's VietQR (NAPAS; binhnguyenduc/vietqr-ts src/utils/constants.ts): 38 `A000000727`,
//! the beneficiary template 38/01 and the service code.

use crate::findings::{Issue, IssueKind};
use crate::mpm::{PayloadRef, objects_in};

use super::fields::{digits, error, sub};

pub(super) fn check_vietqr(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    let Some(account) = payload.get(38) else {
        return;
    };
    let path = account.path();
    let mut beneficiary = None;
    let mut service = None;
    for sub in account.children().into_iter().flatten() {
        match sub.id() {
            1 => beneficiary = Some(sub),
            2 => service = Some(sub.value()),
            _ => {}
        }
    }
    // 38/01 is itself a template: 00 acquirer BIN (6 digits), 01 account or card number.
    match beneficiary {
        None => emit(error(path.child(1), IssueKind::Missing)),
        Some(b) => match objects_in(b.value(), b.offset().saturating_add(4), b.path()) {
            Err(_) => emit(error(b.path(), IssueKind::Malformed)),
            Ok(mut nested) => {
                let bin = nested.clone().find(|o| o.id() == 0).map(|o| o.value());
                if !bin.is_some_and(|v| v.len() == 6 && digits(v)) {
                    emit(error(b.path(), IssueKind::Value));
                }
                if !nested.any(|o| o.id() == 1) {
                    emit(error(b.path(), IssueKind::Missing));
                }
            }
        },
    }
    if !matches!(service, Some("QRIBFTTA" | "QRIBFTTC")) {
        emit(error(path.child(2), IssueKind::Value));
    }
}

/// VietQR fields of a payload (38 with GUID `A000000727`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VietQr<'a> {
    /// 38/01/00: the acquirer's BIN.
    pub bin: &'a str,
    /// 38/01/01: the account or card number.
    pub account: &'a str,
    /// 38/02: the service code (`QRIBFTTA` to an account, `QRIBFTTC` to a card).
    pub service: Option<&'a str>,
}

/// The VietQR fields, when 38 holds a well-formed beneficiary template.
pub fn vietqr<'a>(payload: &PayloadRef<'a>) -> Option<VietQr<'a>> {
    let account = payload.get(38)?;
    let beneficiary = account.children()?.find(|c| c.id() == 1)?;
    let mut nested = objects_in(
        beneficiary.value(),
        beneficiary.offset().saturating_add(4),
        beneficiary.path(),
    )
    .ok()?;
    let bin = nested.clone().find(|o| o.id() == 0)?.value();
    let number = nested.find(|o| o.id() == 1)?.value();
    Some(VietQr {
        bin,
        account: number,
        service: sub(&account, 2),
    })
}
