//! Consumer-presented payloads: base64 of BER-TLV (EMVCo CPM), decoded into a caller's buffer.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use paywire_emv_tlv::mask::{self, Masked, Sensitivity};
use paywire_emv_tlv::{Tag, Tlvs};

use crate::error::{Error, ErrorKind, Result};
use crate::findings::{Issue, IssueKind, Severity};
use crate::path::Path;

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
    ///
    /// ```
    /// use paywire_emvqr::cpm::CpmRef;
    /// // EMVCo CPM specification, Annex B.2.
    /// let text = "hQVDUFYwMWETTwegAAAAVVVVUAhQcm9kdWN0MWETTwegAAAAZmZmUAhQcm9kdWN0MmJJWggSNFZ4kBI0WF8gDkNBUkRIT0xERVIvRU1WXy0IcnVlc2RlZW5kIZ8QBwYBCgMAAACfJghYT9OF+iNLzJ82AgABnzcEbVjvEw==";
    /// let mut buf = [0u8; 256];
    /// let code = CpmRef::parse(text, &mut buf)?;
    /// assert_eq!(code.applications().count(), 2);
    /// assert!(CpmRef::parse("hQVDUFYw!!", &mut buf).is_err()); // not base64
    /// # Ok::<(), paywire_emvqr::Error>(())
    /// ```
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

/// Track 2 equivalent data (tag 57), read from its nibbles. `Display` and `Debug` show the
/// masked PAN and the separator only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Track2<'b> {
    raw: &'b [u8],
}

impl<'b> Track2<'b> {
    /// Wraps the value of tag 57.
    pub const fn new(raw: &'b [u8]) -> Self {
        Self { raw }
    }

    /// The track's characters: its nibbles as `0`–`9` and `A`–`F` (`D` the separator).
    fn chars(&self) -> impl Iterator<Item = u8> + Clone + 'b {
        mask::nibbles(self.raw)
    }

    /// The PAN digits (as ASCII), before the `D` separator.
    pub fn pan(&self) -> impl Iterator<Item = u8> + Clone + 'b {
        self.chars().take_while(u8::is_ascii_digit)
    }

    /// The four digits after the separator: expiry date YYMM.
    pub fn expiry(&self) -> Option<[u8; 4]> {
        let mut after = self.chars().skip_while(u8::is_ascii_digit);
        (after.next() == Some(b'D')).then_some(())?;
        let mut out = [0u8; 4];
        for slot in &mut out {
            *slot = after.next().filter(u8::is_ascii_digit)?;
        }
        Some(out)
    }

    /// The three-digit service code after the expiry date.
    pub fn service_code(&self) -> Option<[u8; 3]> {
        let mut after = self.chars().skip_while(u8::is_ascii_digit).skip(5);
        let mut out = [0u8; 3];
        for slot in &mut out {
            *slot = after.next().filter(u8::is_ascii_digit)?;
        }
        Some(out)
    }
}

impl core::fmt::Display for Track2<'_> {
    /// The masked PAN, the separator, the rest hidden (one `*` a nibble).
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        Masked::new(Sensitivity::Track, self.chars()).fmt(f)
    }
}

impl core::fmt::Debug for Track2<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Track2({self})")
    }
}

impl<'b> CpmRef<'b> {
    /// The first kept application template whose ADF name (4F) equals `aid` or starts with it
    /// (the reader's partial selection rule).
    pub fn application(&self, aid: &[u8]) -> Option<Tlvs<'b>> {
        self.applications().find(|app| {
            app.find(Tag::APPLICATION_IDENTIFIER)
                .is_some_and(|adf| adf.value().starts_with(aid))
        })
    }

    /// The application version number (9F08) of `app`, `0010` when absent (the default the
    /// specification gives).
    pub fn version(app: &Tlvs<'_>) -> [u8; 2] {
        app.find(Tag::APPLICATION_VERSION_NUMBER)
            .and_then(|t| <[u8; 2]>::try_from(t.value()).ok())
            .unwrap_or([0x00, 0x10])
    }
}

/// Primitive tags directly in `list` or inside its transparent template (63 or 64).
fn primitives<'b>(list: Tlvs<'b>) -> impl Iterator<Item = paywire_emv_tlv::TlvRef<'b>> + Clone {
    list.iter().flat_map(|t| {
        let inner = match t.tag() {
            Tag::APPLICATION_SPECIFIC_TRANSPARENT_TEMPLATE
            | Tag::COMMON_DATA_TRANSPARENT_TEMPLATE => t.children(),
            _ => None,
        };
        let own = (!t.is_constructed()).then_some(t);
        own.into_iter()
            .chain(inner.into_iter().flat_map(|c| c.iter()))
    })
}

impl CpmRef<'_> {
    /// Checks the CPM rules: `85` first with `CPV01`, at least one application template `61`,
    /// no primitive twice within a template, none both in an application template and the
    /// common data template. Each finding goes to `emit` (no allocation).
    pub fn validate(&self, emit: impl FnMut(Issue)) {
        check(self, emit);
    }
}

fn check(payload: &CpmRef<'_>, mut emit: impl FnMut(Issue)) {
    let duplicate = |emit: &mut dyn FnMut(Issue)| {
        emit(Issue {
            severity: Severity::Error,
            path: Path::ROOT,
            kind: IssueKind::Duplicate,
        });
    };
    let common = payload
        .tlvs
        .iter()
        .find(|t| t.tag() == Tag::COMMON_DATA_TEMPLATE)
        .and_then(|t| t.children());
    for template in payload
        .tlvs
        .iter()
        .filter(|t| t.tag() == Tag::APPLICATION_TEMPLATE || t.tag() == Tag::COMMON_DATA_TEMPLATE)
    {
        let Some(children) = template.children() else {
            continue;
        };
        let tags = primitives(children);
        for (i, t) in tags.clone().enumerate() {
            if tags
                .clone()
                .skip(i.saturating_add(1))
                .any(|u| u.tag() == t.tag())
            {
                duplicate(&mut emit);
            }
            let in_common = template.tag() == Tag::APPLICATION_TEMPLATE
                && common.is_some_and(|c| primitives(c).any(|u| u.tag() == t.tag()));
            if in_common {
                duplicate(&mut emit);
            }
        }
    }
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

/// Builds a consumer-presented payload: `85 CPV01`, then the objects `contents` adds (application
/// and common data templates, through `emv-tlv`'s builder), base64-encoded into `out`. `work` holds
/// the BER-TLV bytes meanwhile.
pub fn build<'o, F>(work: &mut [u8], out: &'o mut [u8], contents: F) -> Result<&'o str>
where
    F: FnOnce(&mut paywire_emv_tlv::TlvBuilder<'_>) -> paywire_emv_tlv::Result<()>,
{
    let tlv_error =
        |e: paywire_emv_tlv::Error| Error::new(ErrorKind::Tlv(e.kind()), Path::ROOT, e.offset());
    let bytes = paywire_emv_tlv::build_to_slice(work, |b| {
        b.primitive(Tag::PAYLOAD_FORMAT_INDICATOR, b"CPV01")?;
        contents(b)
    })
    .map_err(tlv_error)?;
    let capacity = out.len();
    let n = STANDARD.encode_slice(bytes, &mut *out).map_err(|_| {
        let needed = bytes.len().div_ceil(3).saturating_mul(4);
        Error::new(
            ErrorKind::BufferTooSmall { needed, capacity },
            Path::ROOT,
            0,
        )
    })?;
    let text = out.get(..n).unwrap_or_default();
    // base64 output is ASCII.
    core::str::from_utf8(text).map_err(|_| Error::new(ErrorKind::Base64, Path::ROOT, 0))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;
    use std::vec::Vec;

    use super::*;

    fn b64(bytes: &[u8], out: &mut [u8]) -> usize {
        STANDARD.encode_slice(bytes, out).unwrap()
    }

    // [CPM] Annex B.2: two application templates; the second is picked by a partial AID.
    const B2: &str = "hQVDUFYwMWETTwegAAAAVVVVUAhQcm9kdWN0MWETTwegAAAAZmZmUAhQcm9kdWN0MmJJWggSNFZ4kBI0WF8gDkNBUkRIT0xERVIvRU1WXy0IcnVlc2RlZW5kIZ8QBwYBCgMAAACfJghYT9OF+iNLzJ82AgABnzcEbVjvEw==";

    #[test]
    fn partial_aid_selection_and_default_version() {
        let mut buf = [0u8; 256];
        let p = CpmRef::parse(B2, &mut buf).unwrap();
        let app = p.application(&[0xA0, 0x00, 0x00, 0x00, 0x66]).unwrap();
        assert_eq!(
            app.find(Tag::APPLICATION_LABEL).unwrap().value(),
            b"Product2"
        );
        assert_eq!(CpmRef::version(&app), [0x00, 0x10]);
        assert!(p.application(&[0xA0, 0x00, 0x00, 0x00, 0x77]).is_none());
    }

    #[test]
    fn track2_fields() {
        // [CPM] Annex B.1: 57 = 1234567890123458 D 1912 201 12345F.
        let raw = [
            0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x58, 0xD1, 0x91, 0x22, 0x01, 0x12, 0x34,
            0x5F,
        ];
        let t = Track2::new(&raw);
        assert_eq!(t.pan().collect::<Vec<u8>>(), b"1234567890123458");
        assert_eq!(
            (t.expiry(), t.service_code()),
            (Some(*b"1912"), Some(*b"201"))
        );
        assert_eq!(format!("{t}"), "123456******3458D*************");
        assert_eq!(format!("{t:?}"), "Track2(123456******3458D*************)");
    }

    // Rebuilding [CPM] Annex B.1 gives back its base64 text.
    #[test]
    fn build_annex_b1() {
        let mut work = [0u8; 64];
        let mut out = [0u8; 96];
        let text = build(&mut work, &mut out, |b| {
            b.constructed(Tag::APPLICATION_TEMPLATE, |app| {
                app.primitive(
                    Tag::APPLICATION_IDENTIFIER,
                    &[0xA0, 0, 0, 0, 0x55, 0x55, 0x55],
                )?;
                app.primitive(
                    Tag::TRACK2_EQUIVALENT_DATA,
                    &[
                        0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x58, 0xD1, 0x91, 0x22, 0x01,
                        0x12, 0x34, 0x5F,
                    ],
                )?;
                Ok(())
            })?;
            Ok(())
        })
        .unwrap();
        assert_eq!(text, "hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=");
        let mut small = [0u8; 8];
        assert!(matches!(
            build(&mut work, &mut small, |_| Ok(())).unwrap_err().kind(),
            ErrorKind::BufferTooSmall { .. }
        ));
    }

    #[test]
    fn duplicates_are_errors() {
        // 85 "CPV01", 61 { 4F A0000000555555, 5A 12, 5A 12 }.
        let bytes = [
            0x85, 0x05, b'C', b'P', b'V', b'0', b'1', 0x61, 0x0F, 0x4F, 0x07, 0xA0, 0, 0, 0, 0x55,
            0x55, 0x55, 0x5A, 0x01, 0x12, 0x5A, 0x01, 0x12,
        ];
        let mut text = [0u8; 64];
        let n = b64(&bytes, &mut text);
        let text = core::str::from_utf8(&text[..n]).unwrap();
        let mut buf = [0u8; 64];
        let p = CpmRef::parse(text, &mut buf).unwrap();
        let mut found = Vec::new();
        p.validate(|i| found.push(i.kind));
        assert!(found.contains(&IssueKind::Duplicate), "{found:?}");
    }
}
