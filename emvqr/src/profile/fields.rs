//! Reading a merchant account's sub-objects, and the checks every profile's rules use.

use crate::findings::{Issue, IssueKind, Severity};
use crate::mpm::ObjectRef;
use crate::path::Path;

/// The value of sub-object `id` of `object`.
pub(super) fn sub<'a>(object: &ObjectRef<'a>, id: u8) -> Option<&'a str> {
    object.children()?.find(|c| c.id() == id).map(|c| c.value())
}

pub(super) fn guid<'a>(object: &ObjectRef<'a>) -> Option<&'a str> {
    sub(object, 0)
}

pub(super) fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn error(path: Path, kind: IssueKind) -> Issue {
    Issue {
        severity: Severity::Error,
        path,
        kind,
    }
}

/// The RuPay RID, BharatQR's GUID in its templates 26 (UPI), 27 (reference), 28 (Aadhaar).
pub(super) const RUPAY_RID: &str = "A000000524";
