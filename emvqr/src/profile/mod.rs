//! National profiles: detection from the GUIDs present, the rules each adds or relaxes, typed
//! access to their sub-fields. Sources per profile: Pix thalesog/pix-utils src/emvHandler.ts;
//! PromptPay dtinth/promptpay-qr index.js; SGQR/PayNow DHCertainty/PaynowQR; QRIS
//! misterdevs/qris-parser README; VietQR binhnguyenduc/vietqr-ts src/utils/constants.ts; KHQR
//! bsthen/bakong-khqr bakong_khqr/sdk/emv.py; DuitNow DannielWhatever/emvqr#13; BharatQR
//! hussainpithawala/emv-merchant-qr-lib BHARAT_QR_TAGS.md; UnionPay dongri/emv-qrcode#28.

mod bharatqr;
mod detect;
mod duitnow;
mod fields;
mod fps;
mod khqr;
mod pix;
mod promptpay;
mod qris;
mod sgqr;
mod unionpay;
mod vietqr;

pub use bharatqr::{BharatQr, bharatqr};
pub use duitnow::{DuitNow, duitnow};
pub use fps::{Fps, fps};
pub use pix::{Pix, pix};
pub use qris::{Qris, qris};
pub use sgqr::{PayNow, Sgqr, paynow, sgqr};
pub use unionpay::{UnionPayAccount, unionpay};
pub use vietqr::{VietQr, vietqr};

use crate::findings::{Issue, IssueKind};
use crate::mpm::PayloadRef;

pub use detect::{Profile, detect};

/// Whether `profile` relaxes `issue` to a warning (real codes of that scheme bend the EMVCo rule).
pub(crate) fn relaxed(profile: Profile, issue: &Issue) -> bool {
    let id = issue.path.ids();
    match (profile, issue.kind) {
        // PromptPay and VietQR codes routinely omit MCC, name and city.
        (Profile::PromptPay | Profile::VietQr, IssueKind::Missing) => {
            matches!(id, [52] | [59] | [60])
        }
        // DuitNow codes carry payload format indicator "02" (DannielWhatever/emvqr#13).
        (Profile::DuitNow, IssueKind::FormatIndicatorValue) => true,
        // The BCB allows accented names and cities (bacen/pix-perguntas-e-respostas#132).
        (Profile::Pix, IssueKind::Format { .. }) => matches!(id, [59] | [60]),
        _ => false,
    }
}

/// `profile`'s own rules (after the EMVCo rules it relaxes).
pub(crate) fn check(profile: Profile, payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    match profile {
        Profile::Pix => pix::check_pix(payload, emit),
        Profile::PromptPay => promptpay::check_promptpay(payload, emit),
        Profile::VietQr => vietqr::check_vietqr(payload, emit),
        Profile::Khqr => khqr::check_khqr(payload, emit),
        Profile::Sgqr => sgqr::check_paynow(payload, emit),
        Profile::Qris => qris::check_qris(payload, emit),
        Profile::BharatQr => bharatqr::check_bharatqr(payload, emit),
        Profile::Fps => fps::check_fps(payload, emit),
        Profile::DuitNow | Profile::UnionPay => {}
    }
}
