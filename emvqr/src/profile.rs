//! National profiles: detection from the GUIDs present, the rules each adds or relaxes, typed
//! access to their sub-fields. Sources per profile: Pix thalesog/pix-utils src/emvHandler.ts;
//! PromptPay dtinth/promptpay-qr index.js; SGQR/PayNow DHCertainty/PaynowQR; QRIS
//! misterdevs/qris-parser README; VietQR binhnguyenduc/vietqr-ts src/utils/constants.ts; KHQR
//! bsthen/bakong-khqr bakong_khqr/sdk/emv.py; DuitNow DannielWhatever/emvqr#13; BharatQR
//! hussainpithawala/emv-merchant-qr-lib BHARAT_QR_TAGS.md; UnionPay dongri/emv-qrcode#28.

use crate::mpm::{ObjectRef, PayloadRef, objects_in};
use crate::path::Path;
use crate::validate::{Issue, IssueKind, Severity};

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

/// The value of sub-object `id` of `object`.
fn sub<'a>(object: &ObjectRef<'a>, id: u8) -> Option<&'a str> {
    object.children()?.find(|c| c.id() == id).map(|c| c.value())
}

fn guid<'a>(object: &ObjectRef<'a>) -> Option<&'a str> {
    sub(object, 0)
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

/// Whether `profile` relaxes `issue` to a warning (real codes of that scheme bend the EMVCo rule).
fn relaxed(profile: Profile, issue: &Issue) -> bool {
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

fn error(path: Path, kind: IssueKind) -> Issue {
    Issue {
        severity: Severity::Error,
        path,
        kind,
    }
}

/// Runs the EMVCo rules and `profile`'s (or the detected profile's when `None`).
pub fn validate(payload: &PayloadRef<'_>, profile: Option<Profile>, mut emit: impl FnMut(Issue)) {
    let profile = profile.or_else(|| detect(payload));
    crate::validate::validate(payload, |mut issue| {
        if profile.is_some_and(|p| relaxed(p, &issue)) {
            issue.severity = Severity::Warning;
        }
        emit(issue);
    });
    match profile {
        Some(Profile::Pix) => check_pix(payload, &mut emit),
        Some(Profile::PromptPay) => check_promptpay(payload, &mut emit),
        Some(Profile::VietQr) => check_vietqr(payload, &mut emit),
        Some(Profile::Khqr) => check_khqr(payload, &mut emit),
        Some(Profile::Sgqr) => check_paynow(payload, &mut emit),
        Some(Profile::Qris) => check_qris(payload, &mut emit),
        Some(Profile::BharatQr) => check_bharatqr(payload, &mut emit),
        Some(Profile::Fps) => check_fps(payload, &mut emit),
        _ => {}
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn check_pix(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    let Some(account) = payload.account("br.gov.bcb.pix") else {
        return;
    };
    let path = account.path();
    let mut key = None;
    let mut url = None;
    for sub in account.children().into_iter().flatten() {
        match sub.id() {
            1 => key = Some(sub.value()),
            25 => url = Some(sub.value()),
            _ => {}
        }
    }
    // Static codes carry a key (≤77), dynamic ones a URL without scheme.
    match (key, url) {
        (Some(k), _) if k.chars().count() > 77 => {
            emit(error(
                path.child(1),
                IssueKind::Length {
                    length: k.chars().count(),
                    min: 1,
                    max: 77,
                },
            ));
        }
        (None, None) => emit(error(path.child(1), IssueKind::Missing)),
        (_, Some(u)) if u.contains("://") => emit(error(path.child(25), IssueKind::Value)),
        _ => {}
    }
    if payload.currency().is_some_and(|c| c != "986") {
        emit(error(Path::top(53), IssueKind::Value));
    }
    // txid: up to 25 letters and digits, or "***".
    if let Some(txid) = payload.reference_label()
        && txid != "***"
        && !(txid.len() <= 25 && txid.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        emit(error(Path::nested(62, 5), IssueKind::Value));
    }
}

fn check_promptpay(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
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

fn check_vietqr(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
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

fn check_paynow(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
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

fn check_qris(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
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

/// The Luhn check of a digit string.
fn luhn(number: &str) -> bool {
    let sum = number
        .bytes()
        .rev()
        .enumerate()
        .try_fold(0u32, |sum, (i, c)| {
            let d = u32::from(c.checked_sub(b'0').filter(|d| *d <= 9)?);
            let d = if i % 2 == 1 {
                let twice = d.saturating_mul(2);
                if twice > 9 {
                    twice.saturating_sub(9)
                } else {
                    twice
                }
            } else {
                d
            };
            Some(sum.saturating_add(d))
        });
    sum.is_some_and(|s| s % 10 == 0)
}

/// An IFSC: 4 letters (the bank), `0`, 6 letters or digits (the branch).
fn is_ifsc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b.iter().take(4).all(u8::is_ascii_uppercase)
        && b.get(4) == Some(&b'0')
        && b.iter().skip(5).all(u8::is_ascii_alphanumeric)
}

/// A UPI amount: digits with at most 2 decimals.
fn is_upi_amount(s: &str) -> bool {
    let (whole, decimals) = s.split_once('.').unwrap_or((s, ""));
    digits(whole) && decimals.len() <= 2 && decimals.bytes().all(|b| b.is_ascii_digit())
}

/// The RuPay RID, BharatQR's GUID in its templates 26 (UPI), 27 (reference), 28 (Aadhaar).
const RUPAY_RID: &str = "A000000524";

/// BharatQR template `id` with the RuPay RID.
fn rupay_template<'a>(payload: &PayloadRef<'a>, id: u8) -> Option<ObjectRef<'a>> {
    payload
        .objects()
        .find(|o| o.id() == id && guid(o) == Some(RUPAY_RID))
}

fn check_bharatqr(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
    // BharatQR 4.0.1 tag reference: 06 is the 16-digit NPCI merchant PAN (Luhn check digit);
    // 08 the 11-character IFSC and an account of up to 26 characters.
    if let Some(pan) = payload.get(6)
        && !(pan.value().len() == 16 && luhn(pan.value()))
    {
        emit(error(pan.path(), IssueKind::Value));
    }
    if let Some(bank) = payload.get(8) {
        let v = bank.value();
        let ok = v.get(..11).is_some_and(is_ifsc)
            && v.get(11..).is_some_and(|a| {
                (1..=26).contains(&a.len()) && a.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if !ok {
            emit(error(bank.path(), IssueKind::Value));
        }
    }
    // 26: 01 the merchant's VPA (`handle@bank`), 02 the minimum amount (UPI: 2 decimals).
    if let Some(upi) = rupay_template(payload, 26) {
        match sub(&upi, 1) {
            None => emit(error(upi.path().child(1), IssueKind::Missing)),
            Some(vpa) => {
                let ok = vpa.split_once('@').is_some_and(|(name, psp)| {
                    !name.is_empty() && !psp.is_empty() && !psp.contains('@')
                });
                if !ok {
                    emit(error(upi.path().child(1), IssueKind::Value));
                }
            }
        }
        if sub(&upi, 2).is_some_and(|m| !is_upi_amount(m)) {
            emit(error(upi.path().child(2), IssueKind::Value));
        }
    }
    // 27/01: the transaction reference, 4 to 35 characters; 28/01: a 12-digit Aadhaar number.
    for (id, min, max, numeric) in [(27, 4, 35, false), (28, 12, 12, true)] {
        let Some(object) = rupay_template(payload, id) else {
            continue;
        };
        let path = object.path().child(1);
        match sub(&object, 1) {
            None => emit(error(path, IssueKind::Missing)),
            Some(v) if !(min..=max).contains(&v.chars().count()) || (numeric && !digits(v)) => {
                emit(error(path, IssueKind::Value));
            }
            Some(_) => {}
        }
    }
    // Every BharatQR names the merchant to RuPay (06) or to its bank (08), or carries a UPI VPA.
    let vpa = rupay_template(payload, 26).and_then(|upi| sub(&upi, 1));
    if payload.get(6).is_none() && payload.get(8).is_none() && vpa.is_none() {
        emit(Issue {
            severity: Severity::Warning,
            path: Path::top(6),
            kind: IssueKind::Missing,
        });
    }
}

/// An FPS mobile number proxy: `+`, a 1–3 digit country code, `-`, 6–12 digits.
fn is_fps_mobile(s: &str) -> bool {
    let Some((country, number)) = s.strip_prefix('+').and_then(|r| r.split_once('-')) else {
        return false;
    };
    digits(country) && country.len() <= 3 && digits(number) && (6..=12).contains(&number.len())
}

fn check_fps(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
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

fn check_khqr(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
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

/// Pix fields of a payload (26 with GUID `br.gov.bcb.pix`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pix<'a> {
    /// 26/01: the Pix key (static codes).
    pub key: Option<&'a str>,
    /// 26/02: additional information.
    pub info: Option<&'a str>,
    /// 26/25: the payload location URL without scheme (dynamic codes).
    pub url: Option<&'a str>,
    /// 62/05: the transaction ID (`***` when none).
    pub txid: Option<&'a str>,
}

/// The Pix fields, when the payload has a Pix account.
pub fn pix<'a>(payload: &PayloadRef<'a>) -> Option<Pix<'a>> {
    let account = payload.account("br.gov.bcb.pix")?;
    Some(Pix {
        key: sub(&account, 1),
        info: sub(&account, 2),
        url: sub(&account, 25),
        txid: payload.reference_label(),
    })
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

/// BharatQR fields (BharatQR 4.0.1 tag reference).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BharatQr<'a> {
    /// 02 (or 03): the Visa merchant PAN.
    pub visa: Option<&'a str>,
    /// 04 (or 05): the Mastercard merchant PAN.
    pub mastercard: Option<&'a str>,
    /// 06: the 16-digit NPCI (RuPay) merchant PAN.
    pub rupay: Option<&'a str>,
    /// 08, characters 1–11: the bank branch's IFSC.
    pub ifsc: Option<&'a str>,
    /// 08, after the IFSC: the merchant's account number.
    pub account: Option<&'a str>,
    /// 26/01: the merchant's UPI virtual payment address.
    pub vpa: Option<&'a str>,
    /// 26/02: the minimum amount (UPI `mam`).
    pub minimum_amount: Option<&'a str>,
    /// 27/01: the transaction reference (UPI `tr`).
    pub transaction_reference: Option<&'a str>,
    /// 27/02: the reference URL.
    pub reference_url: Option<&'a str>,
    /// 28/01: the merchant's Aadhaar number.
    pub aadhaar: Option<&'a str>,
}

/// The BharatQR fields, when the payload is a BharatQR ([`detect`] says so).
pub fn bharatqr<'a>(payload: &PayloadRef<'a>) -> Option<BharatQr<'a>> {
    if detect(payload) != Some(Profile::BharatQr) {
        return None;
    }
    let value = |a: u8, b: u8| payload.get(a).or_else(|| payload.get(b)).map(|o| o.value());
    let rid = |id| rupay_template(payload, id);
    let (upi, reference, aadhaar) = (rid(26), rid(27), rid(28));
    let bank = payload.get(8).map(|o| o.value());
    Some(BharatQr {
        visa: value(2, 3),
        mastercard: value(4, 5),
        rupay: payload.get(6).map(|o| o.value()),
        ifsc: bank.and_then(|v| v.get(..11)),
        account: bank.and_then(|v| v.get(11..)).filter(|a| !a.is_empty()),
        vpa: upi.as_ref().and_then(|o| sub(o, 1)),
        minimum_amount: upi.as_ref().and_then(|o| sub(o, 2)),
        transaction_reference: reference.as_ref().and_then(|o| sub(o, 1)),
        reference_url: reference.as_ref().and_then(|o| sub(o, 2)),
        aadhaar: aadhaar.as_ref().and_then(|o| sub(o, 1)),
    })
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

/// The UnionPay primitive merchant account (15 or 16) split as observed in the field
/// (dongri/emv-qrcode#28): acquirer IIN (8) + forwarding IIN (8) + merchant ID (15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnionPayAccount<'a> {
    /// The whole value.
    pub value: &'a str,
    /// Characters 1–8, when the value has the 31-character layout.
    pub acquirer_iin: Option<&'a str>,
    /// Characters 9–16.
    pub forwarding_iin: Option<&'a str>,
    /// Characters 17–31.
    pub merchant_id: Option<&'a str>,
}

/// The UnionPay account, when 15 or 16 is present.
pub fn unionpay<'a>(payload: &PayloadRef<'a>) -> Option<UnionPayAccount<'a>> {
    let value = payload
        .objects()
        .find(|o| matches!(o.id(), 15 | 16))?
        .value();
    let split = value.len() == 31 && value.is_ascii();
    Some(UnionPayAccount {
        value,
        acquirer_iin: split.then(|| value.get(..8)).flatten(),
        forwarding_iin: split.then(|| value.get(8..16)).flatten(),
        merchant_id: split.then(|| value.get(16..)).flatten(),
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
