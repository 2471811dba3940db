//! jPOS GenericPackager XML files as specs.
//!
//! A packager is `<isopackager>` (optional `headerLength`) holding `<isofield id length name
//! class pad>` elements — field 0 the MTI, field 1 the bitmap — and `<isofieldpackager>` for
//! fields with subfields (`GenericSubFieldPackager`; `BERTLVBinaryPackager` on a binary field;
//! `TaggedSequencePackager` of `IFTA_*` elements on an ASCII one). Each jPOS field class is an
//! interpreter (how the value is written), a prefixer (how its length is) and a padder; the
//! classes that have a paywire equivalent map onto one (`class_field`), every other is refused
//! with its name and the field's path.
//! Class behaviour from jpos/jPOS `jpos/src/main/java/org/jpos/iso/IF*.java` and
//! `jpos/src/main/java/org/jpos/iso/packager/GenericPackager.java` (`pad` absent = false).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::xml::{self, Element};
use crate::error::{Error, XmlProblem};
use crate::json::SpecDoc;
use crate::json::doc::{FieldDoc, Nest};
use crate::spec::{
    Align, BitmapEncoding, Charset, CodePage, Content, Encoding, FieldSpec, Length, MtiEncoding,
    Pad, Prefix, Subfields,
};

/// Why a packager file did not load.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PackagerError {
    /// The document is not a packager jPOS would read (the error has the byte offset).
    Xml(Error),
    /// A field packager class paywire has no equivalent for.
    UnsupportedClass {
        /// The class, as the file names it.
        class: String,
        /// The field: `48`, or a subfield path such as `127.2`.
        path: String,
    },
    /// A field's definition cannot be used (its `length` or `id` out of range, a class that
    /// does not fit the place: a bitmap class as a data field, an MTI class that is not 4
    /// digits).
    BadField {
        /// The field or subfield path.
        path: String,
        /// What is wrong.
        what: &'static str,
    },
    /// The fields load but do not make a valid spec.
    Spec(Error),
}

impl fmt::Display for PackagerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Xml(e) => write!(f, "jPOS packager: {e}"),
            Self::UnsupportedClass { class, path } => {
                write!(f, "field {path}: jPOS class {class} is not supported")
            }
            Self::BadField { path, what } => write!(f, "field {path}: {what}"),
            Self::Spec(e) => write!(f, "jPOS packager: {e}"),
        }
    }
}

impl core::error::Error for PackagerError {}

impl From<Error> for PackagerError {
    fn from(e: Error) -> Self {
        Self::Xml(e)
    }
}

type Loaded<T> = core::result::Result<T, PackagerError>;

/// Reads a GenericPackager file into a spec document named `name` (jPOS files carry no name).
///
/// ```
/// use paywire_iso8583::jpos::load_packager;
/// let xml = r#"<!DOCTYPE isopackager PUBLIC "-//jPOS/jPOS Generic Packager DTD 1.0//EN"
///         "http://jpos.org/dtd/generic-packager-1.0.dtd">
/// <isopackager headerLength="5">
///   <isofield id="0" length="4" name="MTI" class="org.jpos.iso.IFA_NUMERIC"/>
///   <isofield id="1" length="16" name="BITMAP" class="org.jpos.iso.IFA_BITMAP"/>
///   <isofield id="11" length="6" name="STAN" class="org.jpos.iso.IFA_NUMERIC"/>
///   <isofield id="48" length="999" name="PRIVATE" class="org.jpos.iso.IFA_LLLCHAR"/>
/// </isopackager>"#;
/// let doc = load_packager("tiny", xml).unwrap();
/// assert_eq!(doc.header_len(), 5);
/// let spec = paywire_iso8583::json::leak(doc);
/// assert_eq!(spec.field(48).map(|f| f.name), Some("PRIVATE"));
/// let err = load_packager("x", &xml.replace("IFA_LLLCHAR", "IFX_MAGIC")).unwrap_err();
/// assert_eq!(err.to_string(), "field 48: jPOS class org.jpos.iso.IFX_MAGIC is not supported");
/// ```
pub fn load_packager(name: &str, text: &str) -> Loaded<SpecDoc> {
    let root = xml::parse(text)?;
    if root.name != "isopackager" {
        return Err(root.error(XmlProblem::UnexpectedElement).into());
    }
    let header_len = match root.attr("headerLength") {
        None => 0,
        Some(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|&n| n <= 255)
            .ok_or_else(|| PackagerError::Xml(root.error(XmlProblem::Attribute)))?,
    };
    let mut mti = None;
    let mut bitmap = None;
    let mut fields = Vec::new();
    for e in root.elements() {
        let nested = match e.name.as_str() {
            "isofield" => false,
            "isofieldpackager" => true,
            _ => return Err(e.error(XmlProblem::UnexpectedElement).into()),
        };
        let id = id_of(e)?;
        let path = id.to_string();
        let class = e.attr("class").ok_or_else(|| attribute(e))?.trim();
        match id {
            0 => mti = Some(mti_of(class, e, &path)?),
            1 => bitmap = Some(bitmap_of(class, &path)?),
            _ => {
                let Some(spec) = class_field(class, e, &path)? else {
                    continue;
                };
                let number = u8::try_from(id).ok().filter(|&n| n <= 192).ok_or_else(|| {
                    PackagerError::BadField {
                        path: path.clone(),
                        what: "field number above 192",
                    }
                })?;
                let mut doc = FieldDoc {
                    name: e.attr("name").unwrap_or_default().to_string(),
                    spec: FieldSpec { number, ..spec },
                    positional: Vec::new(),
                    nested: None,
                };
                if nested {
                    subfields(&mut doc, e, &path)?;
                }
                // A number defined twice: the later definition wins, as in jPOS's field
                // array (jPOS's own cmf.xml defines 96 twice).
                fields.retain(|f: &FieldDoc| f.spec.number != number);
                fields.push(doc);
            }
        }
    }
    let missing = |what| PackagerError::BadField {
        path: String::from(if what == "MTI" { "0" } else { "1" }),
        what: if what == "MTI" {
            "no MTI (field 0) definition"
        } else {
            "no bitmap (field 1) definition"
        },
    };
    // jPOS reads bit 65 as field 65 (its packagers define it: "BITMAP, EXTENDED" data, 8 bytes
    // in 1993), with no tertiary bitmap; only a packager with fields above 128 has one, and
    // then bit 65 announces it (ISOBasePackager.unpack) — the definition is not used.
    if fields.iter().any(|f: &FieldDoc| f.spec.number > 128) {
        fields.retain(|f: &FieldDoc| f.spec.number != 65);
    }
    let mti = mti.ok_or_else(|| missing("MTI"))?;
    let bitmap = bitmap.ok_or_else(|| missing("bitmap"))?;
    let doc = SpecDoc::sorted(
        name.to_string(),
        String::from("jPOS GenericPackager"),
        mti,
        bitmap,
        fields,
    )
    .with_header_len(header_len)
    // jPOS reads and writes text as ISO 8859-1 (`ISOUtil.CHARSET`).
    .with_charset(Charset::Latin1);
    doc.validated().map_err(PackagerError::Spec)
}

/// A `GenericSubFieldPackager`'s subfields onto `doc`: with a bitmap subfield (id 1, 64 bits)
/// the others are bitmap subfields (Postilion's field 127); without one, fixed-width text parts
/// in the field's encoding are positional parts, and any other parts are read in sequence
/// (jPOS CMF's fields 21, 27, 30). Another packager class or nested subfield packagers are
/// refused by name and path.
fn subfields(doc: &mut FieldDoc, e: &Element, path: &str) -> Loaded<()> {
    let packager = e.attr("packager").unwrap_or("(no packager)").trim();
    match short(packager) {
        "GenericSubFieldPackager" => {}
        // BER-TLV over the field's raw bytes (jpos/jPOS
        // `jpos/src/main/java/org/jpos/tlv/packager/bertlv/BERTLVBinaryPackager.java`: binary
        // tags, lengths and values), paywire's `Subfields::BerTlv`; it defines no subfields.
        "BERTLVBinaryPackager"
            if doc.spec.encoding == Encoding::Binary && e.elements().next().is_none() =>
        {
            doc.spec.subfields = Subfields::BerTlv;
            return Ok(());
        }
        "TaggedSequencePackager" if doc.spec.encoding == Encoding::Ascii => {
            return tagged_sequence(doc, e, path);
        }
        _ => return Err(unsupported(packager, path)),
    }
    let mut bitmap = None;
    let mut bitmap_words = 1u8;
    let mut parts = Vec::new();
    // jPOS reads subfields from `firstField` on (ISOBasePackager.getFirstField: 1, or 2 after
    // a bitmap in 1); lower ids are never packed or unpacked.
    let first = match e.attr("firstField") {
        None => 1,
        Some(v) => v.trim().parse::<u16>().map_err(|_| attribute(e))?,
    };
    for child in e.elements() {
        let id = id_of(child)?;
        let sub_path = format!("{path}.{id}");
        let class = child.attr("class").ok_or_else(|| attribute(child))?.trim();
        if child.name != "isofield" {
            let class = child.attr("packager").unwrap_or(class);
            return Err(unsupported(class, &sub_path));
        }
        if id < first || id == 0 && length_of(child, &sub_path)? == 0 {
            continue; // Not read (jPOS's placeholder for the MTI position).
        }
        if id == 1 && short(class).ends_with("_BITMAP") {
            let length = length_of(child, &sub_path)?;
            let encoding = bitmap_of(class, &sub_path)?;
            // One word, or two (subfields 65–128 behind bit 1); jPOS reads a second word
            // only when the class's length allows it.
            let words = match (encoding, length) {
                (BitmapEncoding::Binary, 8) | (BitmapEncoding::HexText, 16) => 1,
                (BitmapEncoding::Binary, 16) | (BitmapEncoding::HexText, 32) => 2,
                _ => {
                    return Err(PackagerError::BadField {
                        path: sub_path,
                        what: "a subfield bitmap of 64 or 128 bits is supported, not more",
                    });
                }
            };
            bitmap_words = words;
            bitmap = Some(encoding);
            continue;
        }
        let Some(spec) = class_field(class, child, &sub_path)? else {
            continue;
        };
        let number = u8::try_from(id)
            .ok()
            .ok_or_else(|| PackagerError::BadField {
                path: sub_path.clone(),
                what: "subfield number above 255",
            })?;
        parts.push((
            number,
            child.attr("name").unwrap_or_default().to_string(),
            spec,
            class,
            sub_path,
        ));
    }
    let top = if bitmap_words == 2 { 128 } else { 64 };
    if let Some((_, _, _, _, sub_path)) = parts
        .iter()
        .find(|(n, ..)| bitmap.is_some() && !(2..=top).contains(n))
    {
        return Err(PackagerError::BadField {
            path: sub_path.clone(),
            what: "subfield number outside 2–64 (2–128 with a 128-bit bitmap) under a bitmap",
        });
    }
    // Without a bitmap: fixed-width parts written as the field is (IF_CHAR parts of an ASCII
    // field, IFE_CHAR parts of an EBCDIC one), numbered 1, 2, …, are positional parts; any
    // other run of parts is read in sequence, each as its own class says (jPOS's
    // GenericSubFieldPackager.unpack without a bitmap).
    let positional = bitmap.is_none()
        && parts.iter().enumerate().all(|(i, (number, _, spec, ..))| {
            spec.encoding == doc.spec.encoding
                && !spec.content.is_binary()
                && matches!(spec.length, Length::Fixed(_))
                && usize::from(*number) == i.saturating_add(1)
        });
    if positional {
        for (_, name, spec, ..) in parts {
            if let Length::Fixed(width) = spec.length {
                doc.positional.push((name, width));
            }
        }
        return Ok(());
    }
    let nested = parts
        .into_iter()
        .map(|(number, name, spec, _, _)| FieldDoc {
            name,
            spec: FieldSpec { number, ..spec },
            positional: Vec::new(),
            nested: None,
        })
        .collect();
    doc.nested = Some((bitmap.map_or(Nest::Sequence, Nest::Bitmap), nested));
    Ok(())
}

/// A `TaggedSequencePackager` (jpos/jPOS `jpos/src/main/java/org/jpos/tlv/packager/`
/// `TaggedSequencePackager.java`, `IFTA_LLLCHAR.java`): elements written as an ASCII tag of the
/// token's width, an ASCII decimal length and the value, in any order — paywire's
/// `Subfields::TaggedAscii` when every element is an `IFTA_L…CHAR` / `IFTA_L…NUM` with one tag
/// width and one length width (the `####` element, jPOS's packager for any other tag, among
/// them); values are read as text (an `IFTA_…NUM` element's digits are not checked apart). A
/// part that is not such an element (a fixed `IF_CHAR` ahead of the tags, binary values) is
/// refused with its path.
fn tagged_sequence(doc: &mut FieldDoc, e: &Element, path: &str) -> Loaded<()> {
    let mut shape: Option<(usize, usize)> = None;
    for child in e.elements() {
        let sub_path = format!("{path}.{}", id_of(child)?);
        let class = child.attr("class").ok_or_else(|| attribute(child))?.trim();
        let element = short(class)
            .strip_prefix("IFTA_")
            .and_then(length_digits)
            .filter(|(_, tail)| matches!(*tail, "CHAR" | "NUM"))
            .map(|(ls, _)| ls);
        let token = child.attr("token").map(str::len);
        let (Some(len_digits), Some(tag_len)) = (element, token) else {
            return Err(PackagerError::BadField {
                path: sub_path,
                what: "a tagged sequence's parts must be IFTA_L…CHAR or IFTA_L…NUM elements with a token",
            });
        };
        if shape.is_some_and(|s| s != (tag_len, len_digits)) {
            return Err(PackagerError::BadField {
                path: sub_path,
                what: "a tagged sequence's elements must share one tag width and one length width",
            });
        }
        shape = Some((tag_len, len_digits));
    }
    let Some((tag_len, len_digits)) = shape else {
        return Err(PackagerError::BadField {
            path: path.to_string(),
            what: "a tagged sequence with no elements",
        });
    };
    let width = |n: usize, what| {
        u8::try_from(n)
            .ok()
            .filter(|n| (1..=4).contains(n))
            .ok_or_else(|| PackagerError::BadField {
                path: path.to_string(),
                what,
            })
    };
    doc.spec.subfields = Subfields::TaggedAscii {
        tag_len: width(tag_len, "a tag of 1–4 characters is supported")?,
        len_digits: width(len_digits, "a length of 1–4 digits is supported")?,
    };
    Ok(())
}

fn attribute(e: &Element) -> PackagerError {
    PackagerError::Xml(e.error(XmlProblem::Attribute))
}

fn id_of(e: &Element) -> Loaded<u16> {
    e.attr("id")
        .and_then(|v| v.trim().parse::<u16>().ok())
        .ok_or_else(|| attribute(e))
}

fn length_of(e: &Element, path: &str) -> Loaded<u32> {
    e.attr("length")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or_else(|| PackagerError::BadField {
            path: path.to_string(),
            what: "length is not a number",
        })
}

/// The class's name after its package (`org.jpos.iso.IFA_NUMERIC` → `IFA_NUMERIC`).
fn short(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

fn unsupported(class: &str, path: &str) -> PackagerError {
    PackagerError::UnsupportedClass {
        class: class.to_string(),
        path: path.to_string(),
    }
}

fn mti_of(class: &str, e: &Element, path: &str) -> Loaded<MtiEncoding> {
    if length_of(e, path)? != 4 {
        return Err(PackagerError::BadField {
            path: path.to_string(),
            what: "the MTI is 4 digits",
        });
    }
    Ok(match short(class) {
        "IFA_NUMERIC" | "IF_CHAR" => MtiEncoding::Ascii,
        "IFB_NUMERIC" => MtiEncoding::Bcd,
        "IFE_NUMERIC" | "IFE_CHAR" | "IF_ECHAR" => MtiEncoding::Ebcdic,
        _ => return Err(unsupported(class, path)),
    })
}

fn bitmap_of(class: &str, path: &str) -> Loaded<BitmapEncoding> {
    Ok(match short(class) {
        "IFB_BITMAP" => BitmapEncoding::Binary,
        "IFA_BITMAP" => BitmapEncoding::HexText,
        _ => return Err(unsupported(class, path)),
    })
}

/// EBCDIC as jPOS's `EbcdicInterpreter` and `EbcdicPrefixer` write it: code page 1047
/// (`ISOUtil.EBCDIC` is `IBM1047`).
const EBCDIC: Encoding = Encoding::Ebcdic(CodePage::Cp1047);

/// BCD digits as jPOS's `BCDInterpreter` with the field's `pad`: `LEFT_PADDED` (a leading 0
/// nibble: right-aligned) when true, `RIGHT_PADDED` (a trailing 0 nibble) when false.
const fn bcd(pad: bool) -> Align {
    if pad { Align::Right } else { Align::Left }
}

/// A data field's definition from its class (number 0 until the caller sets it); `None` for
/// `IF_NOP` (nothing on the wire).
fn class_field(class: &str, e: &Element, path: &str) -> Loaded<Option<FieldSpec<'static>>> {
    let pad = e
        .attr("pad")
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("true"));
    let length = length_of(e, path)?;
    let name = short(class);
    if name == "IF_NOP" {
        return Ok(None);
    }
    let fixed = |content, encoding| -> Loaded<(Content, Encoding, Length)> {
        let n = u16::try_from(length)
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| PackagerError::BadField {
                path: path.to_string(),
                what: "fixed length out of range (1–65535)",
            })?;
        Ok((content, encoding, Length::Fixed(n)))
    };
    let (content, encoding, len) = match name {
        "IF_CHAR" => fixed(Content::Ans, Encoding::Ascii)?,
        "IFE_CHAR" | "IF_ECHAR" => fixed(Content::Ans, EBCDIC)?,
        // The 2003 amounts are numerics on the wire (jPOS: `extends IFA_NUMERIC` /
        // `IFB_NUMERIC`, holding currency, decimals and amount as digits).
        "IFA_NUMERIC" | "IFA_AMOUNT2003" => fixed(Content::N, Encoding::Ascii)?,
        "IFE_NUMERIC" => fixed(Content::N, EBCDIC)?,
        "IFB_NUMERIC" | "IFB_AMOUNT2003" => fixed(
            Content::N,
            Encoding::Bcd {
                align: bcd(pad),
                pad: 0,
            },
        )?,
        "IFA_BINARY" => fixed(Content::B, Encoding::HexText)?,
        "IFB_BINARY" => fixed(Content::B, Encoding::Binary)?,
        // The sign counts in jPOS's length, as in paywire's units.
        "IFA_AMOUNT" => fixed(Content::XN, Encoding::Ascii)?,
        "IFE_AMOUNT" => fixed(Content::XN, EBCDIC)?,
        "IFB_AMOUNT" => fixed(Content::XN, Encoding::SignBcd { align: bcd(pad) })?,
        _ => match var_class(name, pad) {
            Some((content, encoding, prefix)) => {
                // jPOS lengths go to 999999; no ISO 8583 message holds more than 65535 bytes.
                let max = u16::try_from(length.min(u32::from(u16::MAX))).unwrap_or(u16::MAX);
                let max = max.min(u16::try_from(prefix.capacity()).unwrap_or(u16::MAX));
                (
                    content,
                    encoding,
                    Length::Var {
                        prefix,
                        min: 0,
                        max,
                    },
                )
            }
            None => return Err(unsupported(class, path)),
        },
    };
    let mut spec = FieldSpec::new(0, "", content, encoding, len);
    // jPOS's padders: IF_CHAR-style text right-padded with spaces (RightTPadder), numerics
    // left-padded with zeros (LeftPadder.ZERO_PADDER), variable fields not at all.
    spec.pad = match (len, content) {
        (Length::Var { .. }, _) | (_, Content::B | Content::XN) => Pad::None,
        (_, Content::N) => Pad::Left(b'0'),
        _ => Pad::Right(b' '),
    };
    Ok(Some(spec))
}

/// The variable-length classes: `IF{A,B,E}_{L…}{CHAR,NUM,BINARY}`, the binary-prefix
/// `IFB_{L…}H{CHAR,NUM,BINARY,ECHAR}` (one prefix byte for `LL`, two for `LLL`) and
/// `IFA_LLBNUM` (ASCII prefix, BCD digits).
fn var_class(name: &str, pad: bool) -> Option<(Content, Encoding, Prefix)> {
    if name == "IFA_LLBNUM" {
        // `BCDInterpreter.LEFT_PADDED` whatever `pad` says (jpos/jPOS IFA_LLBNUM.java).
        let digits = Encoding::Bcd {
            align: Align::Right,
            pad: 0,
        };
        return Some((Content::N, digits, Prefix::ascii(2)));
    }
    let (kind, rest) = name.split_once('_')?;
    let (ls, tail) = length_digits(rest)?;
    let digits = u8::try_from(ls).ok().filter(|n| (1..=6).contains(n))?;
    let bcd_digits = Encoding::Bcd {
        align: bcd(pad),
        pad: 0,
    };
    var_kind(kind, tail, digits, bcd_digits)
}

/// A class name's length part: the number of `L`s it starts with (at least one) and what
/// follows them (`LLLCHAR` → 3, `CHAR`).
fn length_digits(rest: &str) -> Option<(usize, &str)> {
    let ls = rest.bytes().take_while(|&b| b == b'L').count();
    (ls > 0)
        .then(|| rest.get(ls..))
        .flatten()
        .map(|tail| (ls, tail))
}

fn var_kind(
    kind: &str,
    tail: &str,
    digits: u8,
    bcd_digits: Encoding,
) -> Option<(Content, Encoding, Prefix)> {
    let text = |e| (Content::Ans, e);
    // jPOS's variable NUM classes carry track 2 as well as numbers (its BCD interpreter writes
    // `=` as the nibble D): the track code set, digits and `=`.
    let num = Content::Z;
    let (value, prefix) = match (kind, tail) {
        ("IFA", "CHAR") => (text(Encoding::Ascii), Prefix::ascii(digits)),
        ("IFA", "NUM") => ((num, Encoding::Ascii), Prefix::ascii(digits)),
        ("IFA", "BINARY") => ((Content::B, Encoding::Binary), Prefix::ascii(digits)),
        ("IFB", "CHAR") => (text(Encoding::Ascii), Prefix::bcd(digits)),
        ("IFB", "NUM") => ((num, bcd_digits), Prefix::bcd(digits)),
        ("IFB", "BINARY") => ((Content::B, Encoding::Binary), Prefix::bcd(digits)),
        ("IFB", "HCHAR") => (
            text(Encoding::Ascii),
            Prefix::binary(digits.checked_sub(1)?),
        ),
        ("IFB", "HECHAR") => (text(EBCDIC), Prefix::binary(digits.checked_sub(1)?)),
        ("IFB", "HNUM") => (
            (Content::N, bcd_digits),
            Prefix::binary(digits.checked_sub(1)?),
        ),
        ("IFB", "HBINARY") => (
            (Content::B, Encoding::Binary),
            Prefix::binary(digits.checked_sub(1)?),
        ),
        ("IFE", "CHAR") => (text(EBCDIC), Prefix::ebcdic(digits)),
        ("IFE", "NUM") => ((num, EBCDIC), Prefix::ebcdic(digits)),
        ("IFE", "BINARY") => ((Content::B, Encoding::Binary), Prefix::ebcdic(digits)),
        _ => return None,
    };
    let binary_prefix_ok = match prefix.encoding {
        crate::spec::PrefixEncoding::Binary => (1..=2).contains(&prefix.digits),
        _ => true,
    };
    binary_prefix_ok.then_some((value.0, value.1, prefix))
}
