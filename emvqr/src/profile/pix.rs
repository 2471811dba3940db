//! Brazil's Pix (Banco Central do Brasil, Manual de Padrões para Iniciação do Pix; thalesog/pix-utils
//! src/emvHandler.ts): 26 with GUID `br.gov.bcb.pix`, its key or URL, currency 986, the txid.

use crate::findings::{Issue, IssueKind};
use crate::mpm::PayloadRef;
use crate::path::Path;

use super::fields::{error, sub};

pub(super) fn check_pix(payload: &PayloadRef<'_>, emit: &mut impl FnMut(Issue)) {
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
        // A scheme (`://`), looked for by bytes (the str searcher keeps panic paths in
        // firmware builds).
        (_, Some(u)) if u.as_bytes().windows(3).any(|w| w == b"://") => {
            emit(error(path.child(25), IssueKind::Value));
        }
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
