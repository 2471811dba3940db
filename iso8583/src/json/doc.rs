//! A loaded spec owning its strings ([`SpecDoc`]), borrowed as a [`Spec`] in three steps, and
//! the key readers both formats share.

use alloc::string::String;
use alloc::vec::Vec;

use serde_json::{Map, Value as Json};

use crate::Mti;
use crate::error::{Error, ErrorKind, Result};
use crate::rules::{MessageRule, Rule};
use crate::spec::{
    BitmapEncoding, Charset, FieldSpec, MtiEncoding, Override, Part, Plan, Spec, Subfields,
    TagEncoding,
};

/// One field of a loaded spec, owning its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldDoc {
    pub(crate) name: String,
    pub(crate) spec: FieldSpec<'static>,
    /// Positional subfields (name, width); the other kinds are in `spec.subfields`.
    pub(crate) positional: Vec<(String, u16)>,
    /// Subfields read by definitions of their own, and the definitions.
    pub(crate) nested: Option<(Nest, Vec<FieldDoc>)>,
}

/// How subfields with definitions of their own are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Nest {
    /// Under a bitmap written so.
    Bitmap(BitmapEncoding),
    /// End to end.
    Sequence,
    /// Each after its tag.
    Tagged(u8, TagEncoding),
}

/// The subfield tables of a [`SpecDoc`] (positional parts, bitmap subfield definitions), from
/// [`SpecDoc::tables`].
#[derive(Clone, Debug)]
pub struct Tables<'a> {
    fields: Vec<(Vec<Part<'a>>, Vec<FieldSpec<'a>>)>,
    overrides: Vec<(Vec<Part<'a>>, Vec<FieldSpec<'a>>)>,
}

/// A spec loaded from JSON, owning its strings. Borrow it as a [`Spec`] in three steps —
/// [`SpecDoc::tables`] (subfield layouts), [`SpecDoc::parts`] (field definitions), then
/// [`SpecDoc::spec`]:
///
/// ```
/// # use paywire_iso8583::json::SpecDoc;
/// let doc = SpecDoc::from_json(r#"{"name": "tiny", "mti": "ascii", "bitmap": "hex",
///     "fields": {"11": {"name": "STAN", "content": "n", "encoding": "ascii", "length": 6}}}"#)?;
/// let tables = doc.tables();
/// let parts = doc.parts(&tables);
/// let spec = doc.spec(&parts);
/// assert_eq!(spec.field(11).map(|f| f.name), Some("STAN"));
/// # Ok::<(), paywire_iso8583::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecDoc {
    name: String,
    description: String,
    mti: MtiEncoding,
    bitmap: BitmapEncoding,
    fields: Vec<FieldDoc>,
    pub(super) overrides: Vec<(Mti, FieldDoc)>,
    /// Bytes of message header before the MTI (a jPOS packager's `headerLength`).
    header_len: usize,
    /// Message rules: type, closed, listed fields.
    pub(super) rules: Vec<(Mti, bool, Vec<Rule>)>,
    /// The text fields' character set.
    pub(crate) charset: Charset,
}

/// The borrowed tables of a [`SpecDoc`], from [`SpecDoc::parts`].
#[derive(Clone, Debug)]
pub struct SpecParts<'a> {
    fields: Vec<FieldSpec<'a>>,
    overrides: Vec<Override<'a>>,
    /// `fields` compiled once here, so a run-time spec parses as fast as a built-in one. Boxed:
    /// it is about 2 KB.
    plan: alloc::boxed::Box<Plan>,
}

pub(super) fn key_error(field: Option<u8>) -> Error {
    Error::new(ErrorKind::BadSpecKey, field, 0)
}

pub(super) fn str_key<'a>(
    object: &'a Map<String, Json>,
    key: &str,
    field: Option<u8>,
) -> Result<&'a str> {
    object
        .get(key)
        .and_then(Json::as_str)
        .ok_or(key_error(field))
}

pub(super) fn u16_key(
    object: &Map<String, Json>,
    key: &str,
    field: Option<u8>,
) -> Result<Option<u16>> {
    match object.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .map(Some)
            .ok_or(key_error(field)),
    }
}

pub(super) fn field_number(key: &str) -> Result<u8> {
    key.parse::<u8>().map_err(|_| key_error(None))
}

impl SpecDoc {
    pub(crate) fn sorted(
        name: String,
        description: String,
        mti: MtiEncoding,
        bitmap: BitmapEncoding,
        mut fields: Vec<FieldDoc>,
    ) -> Self {
        fields.sort_by_key(|f| f.spec.number);
        Self {
            name,
            description,
            mti,
            bitmap,
            fields,
            overrides: Vec::new(),
            header_len: 0,
            rules: Vec::new(),
            charset: Charset::Utf8,
        }
    }

    /// The message rules the document gives (`"rules"`; none for moov's format and jPOS
    /// packagers), for [`crate::rules::validate`].
    pub fn rules(&self) -> Vec<MessageRule<'_>> {
        self.rules
            .iter()
            .map(|(mti, closed, fields)| MessageRule {
                mti: *mti,
                closed: *closed,
                fields,
            })
            .collect()
    }

    /// The same document with text fields in `charset`.
    #[cfg(feature = "jpos")]
    pub(crate) fn with_charset(self, charset: Charset) -> Self {
        Self { charset, ..self }
    }

    /// The same document with `header_len` bytes of message header before the MTI.
    #[cfg(feature = "jpos")]
    pub(crate) fn with_header_len(self, header_len: usize) -> Self {
        Self { header_len, ..self }
    }

    /// Bytes of message header the spec puts before the MTI (a jPOS packager's
    /// `headerLength`; 0 for JSON specs): split it off before parsing, as a framing's header.
    pub fn header_len(&self) -> usize {
        self.header_len
    }

    /// Validates the spec the document describes.
    #[cfg(feature = "jpos")]
    pub(crate) fn validated(self) -> Result<Self> {
        let tables = self.tables();
        let parts = self.parts(&tables);
        self.spec(&parts).validate()?;
        Ok(self)
    }

    /// The subfield tables, borrowing their names from this document.
    pub fn tables(&self) -> Tables<'_> {
        fn table(f: &FieldDoc) -> (Vec<Part<'_>>, Vec<FieldSpec<'_>>) {
            let parts = f
                .positional
                .iter()
                .map(|(name, width)| Part {
                    name: name.as_str(),
                    width: *width,
                })
                .collect();
            let nested = f
                .nested
                .iter()
                .flat_map(|(_, fields)| fields)
                .map(|n| FieldSpec {
                    name: n.name.as_str(),
                    ..n.spec
                })
                .collect();
            (parts, nested)
        }
        Tables {
            fields: self.fields.iter().map(table).collect(),
            overrides: self.overrides.iter().map(|(_, f)| table(f)).collect(),
        }
    }

    /// The field and override tables over `tables` from [`SpecDoc::tables`].
    pub fn parts<'a>(&'a self, tables: &'a Tables<'a>) -> SpecParts<'a> {
        type Table<'a> = (Vec<Part<'a>>, Vec<FieldSpec<'a>>);
        fn borrow<'a>(f: &'a FieldDoc, table: Option<&'a Table<'a>>) -> FieldSpec<'a> {
            let subfields = match (table, &f.nested) {
                (Some((_, nested)), Some((Nest::Bitmap(encoding), _))) => Subfields::Bitmap {
                    encoding: *encoding,
                    fields: nested,
                },
                (Some((_, nested)), Some((Nest::Sequence, _))) => Subfields::Sequence(nested),
                (Some((_, nested)), Some((Nest::Tagged(tag_len, tag_encoding), _))) => {
                    Subfields::Tagged {
                        tag_len: *tag_len,
                        tag_encoding: *tag_encoding,
                        fields: nested,
                    }
                }
                (Some((parts, _)), None) if !parts.is_empty() => Subfields::Positional(parts),
                _ => f.spec.subfields,
            };
            FieldSpec {
                name: f.name.as_str(),
                subfields,
                ..f.spec
            }
        }
        let fields: Vec<FieldSpec<'a>> = self
            .fields
            .iter()
            .zip(
                tables
                    .fields
                    .iter()
                    .map(Some)
                    .chain(core::iter::repeat(None)),
            )
            .map(|(f, t)| borrow(f, t))
            .collect();
        SpecParts {
            plan: alloc::boxed::Box::new(Plan::compile(&fields)),
            fields,
            overrides: self
                .overrides
                .iter()
                .zip(
                    tables
                        .overrides
                        .iter()
                        .map(Some)
                        .chain(core::iter::repeat(None)),
                )
                .map(|((mti, f), t)| Override {
                    mti: *mti,
                    field: borrow(f, t),
                })
                .collect(),
        }
    }

    /// The spec, over `parts` from [`SpecDoc::parts`].
    pub fn spec<'a>(&'a self, parts: &'a SpecParts<'a>) -> Spec<'a> {
        Spec {
            name: &self.name,
            description: &self.description,
            mti: self.mti,
            bitmap: self.bitmap,
            fields: &parts.fields,
            overrides: &parts.overrides,
            plan: Some(&parts.plan),
            charset: self.charset,
        }
    }
}

/// `l` … `llllll` (in `letter`'s case) → 1–6 (binary prefixes stop at 4: `Spec::validate`).
pub(super) fn l_count(text: &str, letter: char) -> Option<u8> {
    let n = text.chars().filter(|&c| c == letter).count();
    (text.chars().all(|c| c == letter) && (1..=6).contains(&n)).then_some(n as u8)
}
