//! The profiles, and which one a payload's merchant accounts name.

use crate::mpm::PayloadRef;

use super::fields::{RUPAY_RID, guid};

/// A national scheme layered on EMVCo MPM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// Brazil's Pix: 26 with GUID `br.gov.bcb.pix` (any case).
    Pix,
    /// Thailand's PromptPay: 29 `A000000677010111`, 30 `A000000677010112`, 31 `A000000677012004`.
    PromptPay,
    /// Singapore's SGQR / PayNow: 26 `SG.PAYNOW`, 51 `SG.SGQR`.
    Sgqr,
    /// Indonesia's QRIS: 51 `ID.CO.QRIS.WWW`.
    Qris,
    /// Vietnam's VietQR (NAPAS): 38 `A000000727`.
    VietQr,
    /// Malaysia's DuitNow: 26 `A0000006150001`.
    DuitNow,
    /// India's BharatQR: 26–28 with the RuPay RID `A000000524` (UPI VPA, transaction reference,
    /// Aadhaar), or the RuPay merchant PAN (06) / IFSC and account (08) with country IN.
    BharatQr,
    /// UnionPay's primitive merchant account 15 or 16.
    UnionPay,
    /// Hong Kong's Faster Payment System (HKMA Common QR Code Specification): 26 with GUID
    /// `hk.com.hkicl` (any case).
    Fps,
    /// Cambodia's KHQR (Bakong): 29 (individual) or 30 (merchant) whose 00 is a Bakong account
    /// `name@bank`, country KH.
    Khqr,
}

impl Profile {
    /// The name used by `--profile`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Pix => "pix",
            Self::PromptPay => "promptpay",
            Self::Sgqr => "sgqr",
            Self::Qris => "qris",
            Self::VietQr => "vietqr",
            Self::DuitNow => "duitnow",
            Self::BharatQr => "bharatqr",
            Self::UnionPay => "unionpay",
            Self::Fps => "fps",
            Self::Khqr => "khqr",
        }
    }

    /// Every profile.
    pub const ALL: [Profile; 10] = [
        Self::Pix,
        Self::PromptPay,
        Self::Sgqr,
        Self::Qris,
        Self::VietQr,
        Self::DuitNow,
        Self::BharatQr,
        Self::UnionPay,
        Self::Fps,
        Self::Khqr,
    ];

    /// The profile called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }
}

/// The profile the payload's merchant accounts name, if any (first match in payload order).
pub fn detect(payload: &PayloadRef<'_>) -> Option<Profile> {
    payload.objects().find_map(|o| {
        let g = guid(&o).unwrap_or_default();
        match o.id() {
            15 | 16 => Some(Profile::UnionPay),
            26 if g.eq_ignore_ascii_case("br.gov.bcb.pix") => Some(Profile::Pix),
            26 if g.eq_ignore_ascii_case("SG.PAYNOW") => Some(Profile::Sgqr),
            26 if g.eq_ignore_ascii_case("hk.com.hkicl") => Some(Profile::Fps),
            51 if g.eq_ignore_ascii_case("SG.SGQR") => Some(Profile::Sgqr),
            51 if g.eq_ignore_ascii_case("ID.CO.QRIS.WWW") => Some(Profile::Qris),
            26 if g == "A0000006150001" => Some(Profile::DuitNow),
            26..=28 if g == RUPAY_RID => Some(Profile::BharatQr),
            6 | 8 if payload.country() == Some("IN") => Some(Profile::BharatQr),
            29..=31 if g.starts_with("A000000677") => Some(Profile::PromptPay),
            38 if g == "A000000727" => Some(Profile::VietQr),
            29 | 30 if g.contains('@') && payload.country() == Some("KH") => Some(Profile::Khqr),
            _ => None,
        }
    })
}
