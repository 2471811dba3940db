//! paywire's own JSON spec format (described in the module above).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Map, Value as Json};

use super::doc::{FieldDoc, Nest, SpecDoc, field_number, key_error, l_count, str_key, u16_key};
use crate::Mti;
use crate::error::{Error, ErrorKind, Result};
use crate::rules::{Presence, Rule};
use crate::spec::Charset;
use crate::spec::{
    Align, BitmapEncoding, CodePage, Content, Counts, Encoding, FieldSpec, Length, MtiEncoding,
    Pad, Prefix, PrefixEncoding, Sensitivity, Subfields, TagEncoding,
};

/// A spec in paywire's format (`object` is the document, `fields` its `fields`).
pub(super) fn from_paywire(
    object: &Map<String, Json>,
    fields: &Map<String, Json>,
) -> Result<SpecDoc> {
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
    let mut doc = SpecDoc::sorted(
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
    doc.charset = match object.get("charset").map(Json::as_str) {
        None | Some(Some("utf-8")) => Charset::Utf8,
        Some(Some("iso-8859-1")) => Charset::Latin1,
        _ => return Err(key_error(None)),
    };
    if let Some(rules) = object.get("rules") {
        doc.rules = parse_rules(rules)?;
    }
    Ok(doc)
}

/// The `"rules"` object: per MTI, the fields `mandatory`, `conditional`, `not_allowed` and
/// whether the rule is `closed`.
pub(super) fn parse_rules(rules: &Json) -> Result<Vec<(Mti, bool, Vec<Rule>)>> {
    let rules = rules.as_object().ok_or(key_error(None))?;
    let mut out = Vec::new();
    for (mti, r) in rules {
        let mti: Mti = mti.parse().map_err(|_| key_error(None))?;
        let r = r.as_object().ok_or(key_error(None))?;
        let mut fields = Vec::new();
        for (key, presence) in [
            ("mandatory", Presence::Mandatory),
            ("conditional", Presence::Conditional),
            ("not_allowed", Presence::NotAllowed),
        ] {
            for n in r.get(key).and_then(Json::as_array).into_iter().flatten() {
                let field = n
                    .as_u64()
                    .and_then(|n| u8::try_from(n).ok())
                    .filter(|n| (2..=192).contains(n) && *n != 129)
                    .ok_or(key_error(None))?;
                if fields.iter().any(|f: &Rule| f.field == field) {
                    return Err(key_error(Some(field)));
                }
                fields.push(Rule { field, presence });
            }
        }
        let closed = match r.get("closed") {
            None => false,
            Some(v) => v.as_bool().ok_or(key_error(None))?,
        };
        out.push((mti, closed, fields));
    }
    Ok(out)
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
        "sign-bcd" => Encoding::SignBcd {
            align: Align::Right,
        },
        "sign-bcd-left" => Encoding::SignBcd { align: Align::Left },
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
                "hex" => PrefixEncoding::Hex,
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
                bitmap = Some((Nest::Bitmap(encoding), definitions(defs, field)?));
            } else if let Some(s) = sub.get("sequence").and_then(Json::as_object) {
                let defs = s
                    .get("fields")
                    .and_then(Json::as_object)
                    .ok_or(key_error(field))?;
                bitmap = Some((Nest::Sequence, definitions(defs, field)?));
            } else if let Some(tagged) = sub.get("tagged").and_then(Json::as_object) {
                let small = |key| {
                    u16_key(tagged, key, field)?
                        .and_then(|n| u8::try_from(n).ok())
                        .ok_or(key_error(field))
                };
                if let Some(defs) = tagged.get("fields").and_then(Json::as_object) {
                    let encoding = match tagged.get("encoding").map(Json::as_str) {
                        None | Some(Some("ascii")) => TagEncoding::Ascii,
                        Some(Some("ebcdic")) => TagEncoding::Ebcdic,
                        Some(Some("bcd")) => TagEncoding::Bcd,
                        _ => return Err(key_error(field)),
                    };
                    bitmap = Some((
                        Nest::Tagged(small("tag")?, encoding),
                        definitions(defs, field)?,
                    ));
                } else {
                    spec.subfields = Subfields::TaggedAscii {
                        tag_len: small("tag")?,
                        len_digits: small("length")?,
                    };
                }
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
        nested: bitmap,
    })
}

/// Subfield definitions keyed by number, sorted; they may not have subfields of their own.
fn definitions(defs: &Map<String, Json>, field: Option<u8>) -> Result<Vec<FieldDoc>> {
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
    Ok(nested)
}

fn parse_pad(text: &str) -> Option<Pad> {
    match text.split_once(':') {
        None if text == "none" => Some(Pad::None),
        Some(("left", c)) if c.len() == 1 => c.bytes().next().map(Pad::Left),
        Some(("right", c)) if c.len() == 1 => c.bytes().next().map(Pad::Right),
        _ => None,
    }
}
