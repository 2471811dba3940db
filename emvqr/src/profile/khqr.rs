//! Cambodia's KHQR (bsthen/bakong-khqr bakong_khqr/sdk/emv.py): riel or dollar, and the 99
//! timestamps in milliseconds.

use crate::findings::{Issue, IssueKind};
use crate::mpm::PayloadRef;
use crate::path::Path;

use super::fields::{digits, error};

pub(super) fn check_khqr(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    // Riel (116) or US dollar (840) (bsthen/bakong-khqr).
    if !matches!(payload.currency(), Some("116" | "840")) {
        emit(error(Path::top(53), IssueKind::Value));
    }
    // 99: 00 creation and 01 expiry timestamps, in milliseconds.
    if let Some(times) = payload.get(99) {
        for sub in times.children().into_iter().flatten() {
            if matches!(sub.id(), 0 | 1) && !(digits(sub.value()) && sub.value().len() == 13) {
                emit(error(sub.path(), IssueKind::Value));
            }
        }
    }
}
