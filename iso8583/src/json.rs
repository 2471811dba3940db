//! Run-time specs from JSON (feature `serde`): paywire's own format and moov-io/iso8583's.
//!
//! # paywire's format
//!
//! ```json
//! {
//!   "name": "cups-pos",
//!   "description": "China UnionPay POS terminal dialect",
//!   "mti": "bcd",
//!   "bitmap": "binary",
//!   "fields": {
//!     "2":  {"name": "PAN", "content": "n", "encoding": "bcd-left-f",
//!            "prefix": "bcd-ll", "max": 19, "sensitivity": "pan"},
//!     "3":  {"name": "Processing code", "content": "n", "encoding": "bcd", "length": 6},
//!     "62": {"name": "Keys", "content": "b", "encoding": "binary",
//!            "prefix": "bcd-lll", "max": 999, "counts": "bytes"}
//!   }
//! }
//! ```
//!
//! - `mti`: `ascii`, `bcd`, `ebcdic`. `bitmap`: `binary`, `hex`.
//! - `content`: `n`, `a`, `an`, `ans`, `z`, `x+n`, `b`.
//! - `encoding`: `ascii`, `ebcdic-037`, `ebcdic-500`, `ebcdic-1047`, `bcd` (right-aligned, 0
//!   pad), `bcd-right-f`, `bcd-left-0`, `bcd-left-f`, `binary`, `hex` (binary content as hex text).
//! - length: `"length": N` for fixed fields, or `"prefix"` plus `"max"` (and optionally `"min"`)
//!   for variable ones. `prefix` is `ascii-`, `ebcdic-`, `bcd-` or `binary-` followed by `l`,
//!   `ll`, `lll` or `llll`; `"counts": "bytes"` makes it count wire bytes instead of units.
//! - optional: `"pad"` (`none`, `left:C`, `right:C`), `"sensitivity"` (`public`, `pan`, `track`,
//!   `pin-block`, `key`, `cvv`).
//! - per-MTI overrides: `"overrides": [{"mti": "0810", "field": "62", ...same keys...}]`.
//! - subfields: `"subfields": {"positional": [{"name": "Transaction type", "width": 2}, ...]}`,
//!   `{"tagged": {"tag": 2, "length": 3}}` (ASCII tag and decimal length), `"ber-tlv"`, or
//!   `{"bitmap": {"encoding": "binary" | "hex", "fields": {"1": {...field...}, ...}}}` (a
//!   64-bit bitmap, then the subfields it announces; these have no subfields of their own).
//!
//! # moov-io/iso8583's format
//!
//! `{"name": ..., "fields": {"0": MTI, "1": bitmap, "2": {"type": "String", "length": 19,
//! "description": ..., "enc": "ASCII", "prefix": "ASCII.LL", "padding": {"type": "Left",
//! "pad": "0"}}, ...}}` with types `String`, `Numeric`, `Binary`, `Track2`; encodings `ASCII`,
//! `EBCDIC` (037), `BCD`, `LBCD`, `Binary`, `HexToASCII` (alias `Hex`), `ASCIIToHex`; prefixes
//! `ASCII`/`EBCDIC`/`BCD` `.Fixed`…`.LLLL`, `Hex.Fixed`, `Binary.Fixed`. `Composite` fields map
//! onto paywire's subfield kinds: with a `bitmap` → bitmap subfields; with `tag.enc` `BerTLVTag`
//! → BER-TLV (binary value); with `tag.length` → ASCII tags when every subfield has the same
//! `ASCII.L…` prefix; without a tag → positional parts when every subfield is `ASCII.Fixed`
//! (in `StringsByInt` order). Other composites, and `Hex`/`Binary` variable prefixes (whose
//! meaning changed between moov releases), are refused as unsupported.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Map, Value as Json};

use crate::Mti;
use crate::error::{Error, ErrorKind, Result};
use crate::spec::{
    Align, BitmapEncoding, CodePage, Content, Counts, Encoding, FieldSpec, Length, MtiEncoding,
    Override, Pad, Part, Plan, Prefix, PrefixEncoding, Sensitivity, Spec, Subfields,
};

/// One field of a loaded spec, owning its name.
#[derive(Clone, Debug, PartialEq, Eq)]
struct FieldDoc {
    name: String,
    spec: FieldSpec<'static>,
    /// Positional subfields (name, width); the other kinds are in `spec.subfields`.
    positional: Vec<(String, u16)>,
    /// Bitmap subfields: the bitmap's encoding and the subfield definitions.
    bitmap: Option<(BitmapEncoding, Vec<FieldDoc>)>,
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
/// # use iso8583::json::SpecDoc;
/// let doc = SpecDoc::from_json(r#"{"name": "tiny", "mti": "ascii", "bitmap": "hex",
///     "fields": {"11": {"name": "STAN", "content": "n", "encoding": "ascii", "length": 6}}}"#)?;
/// let tables = doc.tables();
/// let parts = doc.parts(&tables);
/// let spec = doc.spec(&parts);
/// assert_eq!(spec.field(11).map(|f| f.name), Some("STAN"));
/// # Ok::<(), iso8583::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecDoc {
    name: String,
    description: String,
    mti: MtiEncoding,
    bitmap: BitmapEncoding,
    fields: Vec<FieldDoc>,
    overrides: Vec<(Mti, FieldDoc)>,
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

fn key_error(field: Option<u8>) -> Error {
    Error::new(ErrorKind::BadSpecKey, field, 0)
}

fn str_key<'a>(object: &'a Map<String, Json>, key: &str, field: Option<u8>) -> Result<&'a str> {
    object
        .get(key)
        .and_then(Json::as_str)
        .ok_or(key_error(field))
}

fn u16_key(object: &Map<String, Json>, key: &str, field: Option<u8>) -> Result<Option<u16>> {
    match object.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .map(Some)
            .ok_or(key_error(field)),
    }
}

fn field_number(key: &str) -> Result<u8> {
    key.parse::<u8>().map_err(|_| key_error(None))
}

impl SpecDoc {
    /// Loads paywire's format or moov-io/iso8583's (recognised by its `type`/`enc` keys), and
    /// validates the result.
    pub fn from_json(text: &str) -> Result<Self> {
        let root: Json = serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::Json {
                    line: e.line(),
                    column: e.column(),
                },
                None,
                0,
            )
        })?;
        let object = root.as_object().ok_or(key_error(None))?;
        let fields = object
            .get("fields")
            .and_then(Json::as_object)
            .ok_or(key_error(None))?;
        let moov = fields
            .values()
            .any(|f| f.get("enc").is_some() || f.get("type").is_some());
        let doc = if moov {
            Self::from_moov(object, fields)?
        } else {
            Self::from_paywire(object, fields)?
        };
        let tables = doc.tables();
        let parts = doc.parts(&tables);
        doc.spec(&parts).validate()?;
        Ok(doc)
    }

    fn from_paywire(object: &Map<String, Json>, fields: &Map<String, Json>) -> Result<Self> {
        let mti = match str_key(object, "mti", Some(0))? {
            "ascii" => MtiEncoding::Ascii,
            "bcd" => MtiEncoding::Bcd,
            "ebcdic" => MtiEncoding::Ebcdic,
            _ => return Err(key_error(Some(0))),
        };
        let bitmap = match str_key(object, "bitmap", Some(1))? {
            "binary" => BitmapEncoding::Binary,
            "hex" => BitmapEncoding::HexText,
            _ => return Err(key_error(Some(1))),
        };
        let mut out = Vec::new();
        for (key, value) in fields {
            let number = field_number(key)?;
            let f = value.as_object().ok_or(key_error(Some(number)))?;
            out.push(paywire_field(number, f)?);
        }
        let description = object.get("description").and_then(Json::as_str);
        let name = str_key(object, "name", None)?.to_string();
        let mut doc = Self::sorted(
            name,
            description.unwrap_or_default().to_string(),
            mti,
            bitmap,
            out,
        );
        for o in object
            .get("overrides")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let o = o.as_object().ok_or(key_error(None))?;
            let number = field_number(str_key(o, "field", None)?)?;
            let mti: Mti = str_key(o, "mti", Some(number))?
                .parse()
                .map_err(|_| key_error(Some(number)))?;
            doc.overrides.push((mti, paywire_field(number, o)?));
        }
        Ok(doc)
    }

    fn from_moov(object: &Map<String, Json>, fields: &Map<String, Json>) -> Result<Self> {
        let mut mti = MtiEncoding::Ascii;
        let mut bitmap = BitmapEncoding::HexText;
        let mut out = Vec::new();
        for (key, value) in fields {
            let number = field_number(key)?;
            let f = value.as_object().ok_or(key_error(Some(number)))?;
            let enc = str_key(f, "enc", Some(number)).unwrap_or_default();
            match number {
                0 => {
                    mti = match enc {
                        "ASCII" => MtiEncoding::Ascii,
                        "BCD" => MtiEncoding::Bcd,
                        "EBCDIC" => MtiEncoding::Ebcdic,
                        _ => return Err(key_error(Some(0))),
                    }
                }
                1 => {
                    bitmap = match enc {
                        "Binary" => BitmapEncoding::Binary,
                        "HexToASCII" | "Hex" | "ASCII" => BitmapEncoding::HexText,
                        _ => return Err(key_error(Some(1))),
                    }
                }
                // Bit 65 is the tertiary bitmap indicator here, never a data field.
                65 => {}
                _ => out.push(moov_field(number, f)?),
            }
        }
        let name = object
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or("moov")
            .to_string();
        Ok(Self::sorted(name.clone(), name, mti, bitmap, out))
    }

    fn sorted(
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
        }
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
                .bitmap
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
            let subfields = match (table, &f.bitmap) {
                (Some((_, nested)), Some((encoding, _))) => Subfields::Bitmap {
                    encoding: *encoding,
                    fields: nested,
                },
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
        }
    }
}

fn paywire_field(number: u8, f: &Map<String, Json>) -> Result<FieldDoc> {
    let field = Some(number);
    let content = match str_key(f, "content", field)? {
        "n" => Content::N,
        "a" => Content::A,
        "an" => Content::An,
        "ans" => Content::Ans,
        "z" => Content::Z,
        "x+n" => Content::XN,
        "b" => Content::B,
        _ => return Err(key_error(field)),
    };
    let encoding = match str_key(f, "encoding", field)? {
        "ascii" => Encoding::Ascii,
        "ebcdic-037" => Encoding::Ebcdic(CodePage::Cp037),
        "ebcdic-500" => Encoding::Ebcdic(CodePage::Cp500),
        "ebcdic-1047" => Encoding::Ebcdic(CodePage::Cp1047),
        "bcd" => Encoding::BCD,
        "bcd-right-f" => Encoding::Bcd {
            align: Align::Right,
            pad: 0xF,
        },
        "bcd-left-0" => Encoding::BCD_LEFT_0,
        "bcd-left-f" => Encoding::BCD_LEFT_F,
        "binary" => Encoding::Binary,
        "hex" => Encoding::HexText,
        _ => return Err(key_error(field)),
    };
    let length = match (u16_key(f, "length", field)?, f.get("prefix")) {
        (Some(n), None) => Length::Fixed(n),
        (None, Some(prefix)) => {
            let text = prefix.as_str().ok_or(key_error(field))?;
            let (enc, ls) = text.split_once('-').ok_or(key_error(field))?;
            let encoding = match enc {
                "ascii" => PrefixEncoding::Ascii,
                "ebcdic" => PrefixEncoding::Ebcdic,
                "bcd" => PrefixEncoding::Bcd,
                "binary" => PrefixEncoding::Binary,
                _ => return Err(key_error(field)),
            };
            let digits = l_count(ls, 'l').ok_or(key_error(field))?;
            let counts = match f.get("counts").and_then(Json::as_str) {
                None | Some("units") => Counts::Units,
                Some("bytes") => Counts::Bytes,
                Some(_) => return Err(key_error(field)),
            };
            Length::Var {
                prefix: Prefix {
                    encoding,
                    digits,
                    counts,
                },
                min: u16_key(f, "min", field)?.unwrap_or(0),
                max: u16_key(f, "max", field)?.ok_or(key_error(field))?,
            }
        }
        _ => return Err(key_error(field)),
    };
    let name = f
        .get("name")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string();
    let mut spec = FieldSpec::new(number, "", content, encoding, length);
    if let Some(pad) = f.get("pad") {
        spec.pad = parse_pad(pad.as_str().ok_or(key_error(field))?).ok_or(key_error(field))?;
    }
    if let Some(s) = f.get("sensitivity") {
        spec.sensitivity = match s.as_str() {
            Some("public") => Sensitivity::Public,
            Some("pan") => Sensitivity::Pan,
            Some("track") => Sensitivity::Track,
            Some("pin-block") => Sensitivity::PinBlock,
            Some("key") => Sensitivity::Key,
            Some("cvv") => Sensitivity::Cvv,
            _ => return Err(key_error(field)),
        };
    }
    let mut positional = Vec::new();
    let mut bitmap = None;
    match f.get("subfields") {
        None => {}
        Some(Json::String(kind)) if kind == "ber-tlv" => spec.subfields = Subfields::BerTlv,
        Some(Json::Object(sub)) => {
            if let Some(parts) = sub.get("positional").and_then(Json::as_array) {
                for part in parts {
                    let part = part.as_object().ok_or(key_error(field))?;
                    let name = part.get("name").and_then(Json::as_str).unwrap_or_default();
                    let width = u16_key(part, "width", field)?.ok_or(key_error(field))?;
                    positional.push((name.to_string(), width));
                }
            } else if let Some(b) = sub.get("bitmap").and_then(Json::as_object) {
                let encoding = match str_key(b, "encoding", field)? {
                    "binary" => BitmapEncoding::Binary,
                    "hex" => BitmapEncoding::HexText,
                    _ => return Err(key_error(field)),
                };
                let defs = b
                    .get("fields")
                    .and_then(Json::as_object)
                    .ok_or(key_error(field))?;
                let mut nested = Vec::new();
                for (key, value) in defs {
                    let n = field_number(key).map_err(|_| key_error(field))?;
                    let def = value.as_object().ok_or(key_error(field))?;
                    if def.contains_key("subfields") {
                        return Err(Error::new(ErrorKind::BadSpec, field, 0));
                    }
                    nested.push(paywire_field(n, def).map_err(|e| Error::new(e.kind(), field, 0))?);
                }
                nested.sort_by_key(|d| d.spec.number);
                bitmap = Some((encoding, nested));
            } else if let Some(tagged) = sub.get("tagged").and_then(Json::as_object) {
                let small = |key| {
                    u16_key(tagged, key, field)?
                        .and_then(|n| u8::try_from(n).ok())
                        .ok_or(key_error(field))
                };
                spec.subfields = Subfields::TaggedAscii {
                    tag_len: small("tag")?,
                    len_digits: small("length")?,
                };
            } else {
                return Err(key_error(field));
            }
        }
        Some(_) => return Err(key_error(field)),
    }
    Ok(FieldDoc {
        name,
        spec,
        positional,
        bitmap,
    })
}

/// `l`, `ll`, `lll`, `llll` (in `letter`'s case) → 1–4.
fn l_count(text: &str, letter: char) -> Option<u8> {
    let n = text.chars().filter(|&c| c == letter).count();
    (text.chars().all(|c| c == letter) && (1..=4).contains(&n)).then_some(n as u8)
}

fn parse_pad(text: &str) -> Option<Pad> {
    match text.split_once(':') {
        None if text == "none" => Some(Pad::None),
        Some(("left", c)) if c.len() == 1 => c.bytes().next().map(Pad::Left),
        Some(("right", c)) if c.len() == 1 => c.bytes().next().map(Pad::Right),
        _ => None,
    }
}

/// A moov prefix (`ASCII.LL`, `BCD.Fixed`, ...) and length as paywire's length rule.
fn moov_length(f: &Map<String, Json>, field: Option<u8>) -> Result<Length> {
    let max = u16_key(f, "length", field)?.ok_or(key_error(field))?;
    let prefix = str_key(f, "prefix", field)?;
    if prefix == "BerTLV" {
        return Err(Error::new(ErrorKind::Unsupported, field, 0));
    }
    let (enc, ls) = prefix.split_once('.').ok_or(key_error(field))?;
    if ls == "Fixed" {
        return Ok(Length::Fixed(max));
    }
    let encoding = match enc {
        "ASCII" => PrefixEncoding::Ascii,
        "EBCDIC" => PrefixEncoding::Ebcdic,
        "BCD" => PrefixEncoding::Bcd,
        // Hex and binary variable prefixes differ between moov releases.
        "Hex" | "Binary" => return Err(Error::new(ErrorKind::Unsupported, field, 0)),
        _ => return Err(key_error(field)),
    };
    let digits = l_count(ls, 'L').ok_or(key_error(field))?;
    Ok(Length::Var {
        prefix: Prefix {
            encoding,
            digits,
            counts: Counts::Units,
        },
        min: 0,
        max,
    })
}

fn description(f: &Map<String, Json>) -> String {
    f.get("description")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string()
}

fn moov_field(number: u8, f: &Map<String, Json>) -> Result<FieldDoc> {
    let field = Some(number);
    if f.get("subfields").is_some() || f.get("type").and_then(Json::as_str) == Some("Composite") {
        return moov_composite(number, f);
    }
    let kind = str_key(f, "type", field)?;
    let enc = str_key(f, "enc", field)?;
    let (content, encoding) = match (kind, enc) {
        ("Numeric", "ASCII") => (Content::N, Encoding::Ascii),
        ("Numeric", "EBCDIC") => (Content::N, Encoding::Ebcdic(CodePage::Cp037)),
        ("Numeric" | "String", "BCD") => (Content::N, Encoding::BCD),
        ("Numeric" | "String", "LBCD") => (Content::N, Encoding::BCD_LEFT_0),
        ("Track2", "BCD") => (Content::Z, Encoding::BCD),
        ("Track2", "LBCD") => (Content::Z, Encoding::BCD_LEFT_0),
        ("Track2", "ASCII") => (Content::Z, Encoding::Ascii),
        ("String" | "Track1" | "Track3", "ASCII") => (Content::Ans, Encoding::Ascii),
        ("String" | "Track1" | "Track3", "EBCDIC") => {
            (Content::Ans, Encoding::Ebcdic(CodePage::Cp037))
        }
        ("String" | "Binary", "HexToASCII" | "Hex") => (Content::B, Encoding::HexText),
        ("String" | "Binary", "ASCIIToHex" | "Binary") => (Content::B, Encoding::Binary),
        _ => return Err(key_error(field)),
    };
    let length = moov_length(f, field)?;
    let mut spec = FieldSpec::new(number, "", content, encoding, length);
    if let Some(padding) = f.get("padding").and_then(Json::as_object) {
        let pad = padding
            .get("pad")
            .and_then(Json::as_str)
            .and_then(|p| p.bytes().next());
        spec.pad = match (padding.get("type").and_then(Json::as_str), pad) {
            (Some("Left"), Some(c)) => Pad::Left(c),
            (Some("Right"), Some(c)) => Pad::Right(c),
            (Some("None") | None, _) => Pad::None,
            _ => return Err(key_error(field)),
        };
    }
    spec.sensitivity = match number {
        2 | 34 => Sensitivity::Pan,
        35 | 36 | 45 => Sensitivity::Track,
        52 => Sensitivity::PinBlock,
        _ => Sensitivity::Public,
    };
    Ok(FieldDoc {
        name: description(f),
        spec,
        positional: Vec::new(),
        bitmap: None,
    })
}

/// A moov `Composite` field (see the module documentation for the kinds that map).
fn moov_composite(number: u8, f: &Map<String, Json>) -> Result<FieldDoc> {
    let field = Some(number);
    let unsupported = || Error::new(ErrorKind::Unsupported, field, 0);
    let subs = f
        .get("subfields")
        .and_then(Json::as_object)
        .ok_or(key_error(field))?;
    if subs.is_empty() {
        return Err(Error::new(ErrorKind::BadSpec, field, 0));
    }
    let tag = f.get("tag").and_then(Json::as_object);
    let tag_enc = tag.and_then(|t| t.get("enc")).and_then(Json::as_str);
    let tag_len = tag
        .and_then(|t| t.get("length"))
        .and_then(Json::as_u64)
        .unwrap_or(0);
    // Subfields by number (BER-TLV composites key them by hex tag instead, and need no list).
    let mut subs: Vec<(u8, &Map<String, Json>)> = if tag_enc == Some("BerTLVTag") {
        Vec::new()
    } else {
        subs.iter()
            .map(|(k, v)| {
                let n = k.parse::<u8>().map_err(|_| unsupported())?;
                Ok((n, v.as_object().ok_or(key_error(field))?))
            })
            .collect::<Result<_>>()?
    };
    subs.sort_by_key(|(n, _)| *n);
    let length = moov_length(f, field)?;
    let mut positional = Vec::new();
    let mut bitmap = None;
    let (content, encoding, subfields) = if let Some(b) = f.get("bitmap").and_then(Json::as_object)
    {
        let encoding = match str_key(b, "enc", field)? {
            "Binary" => BitmapEncoding::Binary,
            "HexToASCII" | "Hex" | "ASCII" => BitmapEncoding::HexText,
            _ => return Err(key_error(field)),
        };
        let mut nested = Vec::new();
        for (n, def) in &subs {
            if def.contains_key("subfields") {
                return Err(unsupported());
            }
            nested.push(moov_field(*n, def).map_err(|e| Error::new(e.kind(), field, 0))?);
        }
        let binary = encoding == BitmapEncoding::Binary;
        bitmap = Some((encoding, nested));
        if binary {
            (Content::B, Encoding::Binary, Subfields::None)
        } else {
            (Content::Ans, Encoding::Ascii, Subfields::None)
        }
    } else if tag_enc == Some("BerTLVTag") {
        (Content::B, Encoding::Binary, Subfields::BerTlv)
    } else if tag_len > 0 {
        // ASCII tags, each subfield with the same ASCII length prefix.
        if tag_enc.is_some_and(|e| e != "ASCII") {
            return Err(unsupported());
        }
        let mut digits = None;
        for (_, def) in &subs {
            let (enc, ls) = str_key(def, "prefix", field)?
                .split_once('.')
                .ok_or(key_error(field))?;
            let d = l_count(ls, 'L')
                .filter(|_| enc == "ASCII")
                .ok_or(unsupported())?;
            if digits.is_some_and(|x| x != d) {
                return Err(unsupported());
            }
            digits = Some(d);
        }
        (
            Content::Ans,
            Encoding::Ascii,
            Subfields::TaggedAscii {
                tag_len: u8::try_from(tag_len).map_err(|_| key_error(field))?,
                len_digits: digits.ok_or(key_error(field))?,
            },
        )
    } else {
        // Fixed-width ASCII parts end to end.
        let mut numeric = true;
        for (_, def) in &subs {
            let width = match moov_length(def, field)? {
                Length::Fixed(n) => n,
                Length::Var { .. } => return Err(unsupported()),
            };
            if str_key(def, "enc", field)? != "ASCII" {
                return Err(unsupported());
            }
            numeric &= def.get("type").and_then(Json::as_str) == Some("Numeric");
            positional.push((description(def), width));
        }
        let content = if numeric { Content::N } else { Content::Ans };
        (content, Encoding::Ascii, Subfields::None)
    };
    let spec = FieldSpec::new(number, "", content, encoding, length).with_subfields(subfields);
    Ok(FieldDoc {
        name: description(f),
        spec,
        positional,
        bitmap,
    })
}
