//! National profiles: detection from the GUIDs present, the rules each adds or relaxes, typed
//! access to their sub-fields. Sources per profile in shared/REFERENCE.md §3.5.

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
    /// India's BharatQR with UPI: 26 `A000000524`.
    BharatQr,
    /// UnionPay's primitive merchant account 15 or 16.
    UnionPay,
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
            Self::Khqr => "khqr",
        }
    }

    /// Every profile.
    pub const ALL: [Profile; 9] = [
        Self::Pix,
        Self::PromptPay,
        Self::Sgqr,
        Self::Qris,
        Self::VietQr,
        Self::DuitNow,
        Self::BharatQr,
        Self::UnionPay,
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
            51 if g.eq_ignore_ascii_case("SG.SGQR") => Some(Profile::Sgqr),
            51 if g.eq_ignore_ascii_case("ID.CO.QRIS.WWW") => Some(Profile::Qris),
            26 if g == "A0000006150001" => Some(Profile::DuitNow),
            26 if g == "A000000524" => Some(Profile::BharatQr),
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
