//! moov-io/iso8583's JSON spec format (moov-io/iso8583 specs/builder.go and its example specs):
//! field types, encodings, prefixes and padding mapped onto paywire's field definitions.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Map, Value as Json};

use super::doc::{FieldDoc, Nest, SpecDoc, field_number, key_error, l_count, str_key, u16_key};
use crate::error::{Error, ErrorKind, Result};
use crate::spec::{
    BitmapEncoding, CodePage, Content, Counts, Encoding, FieldSpec, Length, MtiEncoding, Pad,
    Prefix, PrefixEncoding, Sensitivity, Subfields, TagEncoding,
};

/// A spec in moov-io/iso8583's format (`object` is the document, `fields` its `fields`).
pub(super) fn from_moov(object: &Map<String, Json>, fields: &Map<String, Json>) -> Result<SpecDoc> {
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
    Ok(SpecDoc::sorted(name.clone(), name, mti, bitmap, out))
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
        // `Binary.L`…: that many bytes of big-endian length (moov prefix/binary.go since
        // moov-io/iso8583#212; paywire reads up to four).
        "Binary" => PrefixEncoding::Binary,
        // `Hex.L`…: that many bytes of length as hexadecimal text (moov prefix/hex.go since
        // moov-io/iso8583#198).
        "Hex" => PrefixEncoding::Hex,
        _ => return Err(key_error(field)),
    };
    let digits = l_count(ls, 'L').ok_or(key_error(field))?;
    if matches!(encoding, PrefixEncoding::Binary | PrefixEncoding::Hex) && digits > 4 {
        return Err(Error::new(ErrorKind::Unsupported, field, 0));
    }
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
        nested: None,
    })
}

/// The definitions of a composite's subfields (by number, sorted), each a field of its own;
/// a subfield with subfields of its own is unsupported.
fn nested_fields(subs: &[(u8, &Map<String, Json>)], field: Option<u8>) -> Result<Vec<FieldDoc>> {
    subs.iter()
        .map(|(n, def)| {
            if def.contains_key("subfields") {
                return Err(Error::new(ErrorKind::Unsupported, field, 0));
            }
            moov_field(*n, def).map_err(|e| Error::new(e.kind(), field, 0))
        })
        .collect()
}

/// How a composite whose subfields have definitions of their own is held whole: as text when
/// every subfield is ASCII text (and `ascii_tags`), so it shows as such undivided; else bytes.
fn whole(nested: &[FieldDoc], ascii_tags: bool) -> (Content, Encoding) {
    let text = ascii_tags
        && nested
            .iter()
            .all(|d| d.spec.encoding == Encoding::Ascii && !d.spec.content.is_binary());
    if text {
        (Content::Ans, Encoding::Ascii)
    } else {
        (Content::B, Encoding::Binary)
    }
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
        let nested = nested_fields(&subs, field)?;
        let binary = encoding == BitmapEncoding::Binary;
        bitmap = Some((Nest::Bitmap(encoding), nested));
        if binary {
            (Content::B, Encoding::Binary, Subfields::None)
        } else {
            (Content::Ans, Encoding::Ascii, Subfields::None)
        }
    } else if tag_enc == Some("BerTLVTag") {
        (Content::B, Encoding::Binary, Subfields::BerTlv)
    } else if tag_len > 0 {
        // ASCII tags, each subfield ASCII text behind the same ASCII length prefix: tags
        // read as they are; else each tag's subfield read by its own definition.
        let mut digits = None;
        let mut shared = tag_enc.is_none_or(|e| e == "ASCII");
        for (_, def) in &subs {
            let (enc, ls) = str_key(def, "prefix", field)?
                .split_once('.')
                .ok_or(key_error(field))?;
            let d = l_count(ls, 'L').filter(|_| enc == "ASCII");
            shared &= d.is_some()
                && (digits.is_none() || digits == d)
                && def.get("enc").and_then(Json::as_str) == Some("ASCII");
            digits = digits.or(d);
        }
        let tag_len = u8::try_from(tag_len).map_err(|_| key_error(field))?;
        if shared {
            (
                Content::Ans,
                Encoding::Ascii,
                Subfields::TaggedAscii {
                    tag_len,
                    len_digits: digits.ok_or(key_error(field))?,
                },
            )
        } else {
            let tag_encoding = match tag_enc {
                None | Some("ASCII") => TagEncoding::Ascii,
                Some("EBCDIC") => TagEncoding::Ebcdic,
                Some("BCD") => TagEncoding::Bcd,
                Some(_) => return Err(unsupported()),
            };
            if tag_len > 3 {
                return Err(unsupported());
            }
            let nested = nested_fields(&subs, field)?;
            let (content, encoding) = whole(&nested, tag_encoding == TagEncoding::Ascii);
            bitmap = Some((Nest::Tagged(tag_len, tag_encoding), nested));
            (content, encoding, Subfields::None)
        }
    } else if subs.iter().all(|(_, def)| {
        matches!(moov_length(def, field), Ok(Length::Fixed(_)))
            && def.get("enc").and_then(Json::as_str) == Some("ASCII")
    }) {
        // Fixed-width ASCII parts end to end.
        let mut numeric = true;
        for (_, def) in &subs {
            let Length::Fixed(width) = moov_length(def, field)? else {
                return Err(unsupported());
            };
            numeric &= def.get("type").and_then(Json::as_str) == Some("Numeric");
            positional.push((description(def), width));
        }
        let content = if numeric { Content::N } else { Content::Ans };
        (content, Encoding::Ascii, Subfields::None)
    } else {
        // Subfields end to end, each with its own encoding and prefix (moov's
        // `unpackSubfields`): the value is the composite's bytes.
        let nested = nested_fields(&subs, field)?;
        let (content, encoding) = whole(&nested, true);
        bitmap = Some((Nest::Sequence, nested));
        (content, encoding, Subfields::None)
    };
    let spec = FieldSpec::new(number, "", content, encoding, length).with_subfields(subfields);
    Ok(FieldDoc {
        name: description(f),
        spec,
        positional,
        nested: bitmap,
    })
}
