//! Consumer-presented payloads: base64 of BER-TLV (EMVCo CPM), decoded into a caller's buffer.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use emv_tlv::{Tag, Tlvs};

use crate::error::{Error, ErrorKind, Result};
use crate::path::Path;
use crate::validate::{Issue, IssueKind, Severity};

/// The text every CPM payload starts with: base64 of `85 05 "CPV0"`.
pub const PREFIX: &str = "hQVDUFYw";

/// A consumer-presented payload decoded into a caller's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpmRef<'b> {
    tlvs: Tlvs<'b>,
}

impl<'b> CpmRef<'b> {
    /// Decodes base64 `text` into `buf` (at least `text.len() * 3 / 4` bytes) and checks the
    /// BER-TLV structure.
    pub fn parse(text: &str, buf: &'b mut [u8]) -> Result<Self> {
        let n = STANDARD
            .decode_slice(text.trim_end(), buf)
            .map_err(|_| Error::new(ErrorKind::Base64, Path::ROOT, 0))?;
        let bytes: &'b [u8] = buf.get(..n).unwrap_or_default();
        let tlvs = Tlvs::parse(bytes)
            .map_err(|e| Error::new(ErrorKind::Tlv(e.kind()), Path::ROOT, e.offset()))?;
        Ok(Self { tlvs })
    }

    /// The decoded objects.
    pub const fn tlvs(&self) -> Tlvs<'b> {
        self.tlvs
    }

    /// The application templates (61) with an ADF name (4F) of 5–16 bytes, as the specification
    /// tells readers to keep.
    pub fn applications(&self) -> impl Iterator<Item = Tlvs<'b>> + '_ {
        self.tlvs
            .iter()
            .filter(|t| t.tag() == Tag::APPLICATION_TEMPLATE)
            .filter_map(|t| t.children())
            .filter(|c| {
                c.find(Tag::APPLICATION_IDENTIFIER)
                    .is_some_and(|aid| (5..=16).contains(&aid.value_len()))
            })
    }
}

/// Checks the CPM rules: `85` first with `CPV01`, at least one application template `61`.
pub fn validate(payload: &CpmRef<'_>, mut emit: impl FnMut(Issue)) {
    let mut objects = payload.tlvs.iter();
    let first = objects.next();
    if !first.is_some_and(|t| t.tag() == Tag::PAYLOAD_FORMAT_INDICATOR && t.value() == b"CPV01") {
        emit(Issue {
            severity: Severity::Error,
            path: Path::ROOT,
            kind: IssueKind::FormatIndicatorValue,
        });
    }
    if !payload
        .tlvs
        .iter()
        .any(|t| t.tag() == Tag::APPLICATION_TEMPLATE)
    {
        emit(Issue {
            severity: Severity::Error,
            path: Path::ROOT,
            kind: IssueKind::Missing,
        });
    }
}
