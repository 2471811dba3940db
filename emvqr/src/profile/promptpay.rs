//! Thailand's PromptPay (dtinth/promptpay-qr index.js): 29–31 with `A000000677…` GUIDs, the
//! proxy's form, currency 764.

use crate::findings::{Issue, IssueKind};
use crate::mpm::PayloadRef;
use crate::path::Path;

use super::fields::{digits, error};

pub(super) fn check_promptpay(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    let Some(account) = payload.objects().find(|o| (29..=31).contains(&o.id())) else {
        return;
    };
    for sub in account.children().into_iter().flatten() {
        let ok = match (account.id(), sub.id()) {
            // Mobile number: "0066" and 9 digits; national or tax ID: 13 digits; e-wallet: 15.
            (29, 1) => {
                sub.value().len() == 13 && sub.value().starts_with("0066") && digits(sub.value())
            }
            (29, 2) => sub.value().len() == 13 && digits(sub.value()),
            (29, 3) => sub.value().len() == 15 && digits(sub.value()),
            _ => true,
        };
        if !ok {
            emit(error(sub.path(), IssueKind::Value));
        }
    }
    if payload.currency().is_some_and(|c| c != "764") {
        emit(error(Path::top(53), IssueKind::Value));
    }
}
