//! Messages in jPOS's XML form: what `XMLPackager` reads and `ISOMsg.dump` writes.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::xml::{self, Element, escape_into};
use crate::error::{Error, ErrorKind, Result, XmlProblem};
use crate::mti::Mti;
use crate::owned::Message;
use crate::parse::{MessageRef, Slots};
use crate::spec::{Charset, Spec, Subfields};
use crate::subfield::SubfieldId;

/// A value in a jPOS XML message.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlValue {
    /// Text (`<field id="…" value="…"/>`, or character data / CDATA inside `<field>`).
    Text(String),
    /// Bytes (`type="binary"`, hexadecimal in `value`).
    Binary(Vec<u8>),
    /// jPOS's amount form (`type="amount" currency="840" value="12.34"`, an `ISOAmount`): its
    /// field value is the currency (3 digits), the number of decimals (1 digit) and the amount
    /// in minor units (12 digits, zero-padded). The decimals are those written in `value`
    /// (jPOS rescales to the currency's minor unit: write amounts with that many decimals).
    Amount {
        /// ISO 4217 numeric currency code.
        currency: u16,
        /// The amount as written (`12.34`).
        amount: String,
    },
    /// Subfields (`<isomsg id="…">`).
    Composite(XmlMessage),
}

/// A message in jPOS's XML form: an optional header and fields by number (0 is the MTI).
///
/// `Debug` shows field numbers and value lengths only: values may be card data.
///
/// ```
/// # #[cfg(feature = "std")] {
/// use paywire_iso8583::builtin::ISO87ASCII;
/// use paywire_iso8583::jpos::XmlMessage;
/// let xml = r#"<isomsg>
///   <field id="0" value="0800"/>
///   <field id="11" value="000001"/>
///   <field id="70" value="301"/>
/// </isomsg>"#;
/// let message = XmlMessage::parse(xml)?.to_message(&ISO87ASCII)?;
/// assert_eq!(message.get(70), Some(&b"301"[..]));
/// let wire = message.to_vec()?;
/// let back = XmlMessage::from_message(&paywire_iso8583::MessageRef::parse(&ISO87ASCII, &wire)?, None);
/// assert_eq!(back.to_xml(), format!("{xml}\n"));
/// # }
/// # Ok::<(), paywire_iso8583::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct XmlMessage {
    /// The `<header>` bytes (hexadecimal in the document).
    pub header: Option<Vec<u8>>,
    /// The fields, by number.
    pub fields: BTreeMap<u16, XmlValue>,
}

impl fmt::Debug for XmlMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_map();
        for (id, value) in &self.fields {
            let shown = match value {
                XmlValue::Text(t) => alloc::format!("text({} chars)", t.chars().count()),
                XmlValue::Binary(b) => alloc::format!("binary({} bytes)", b.len()),
                XmlValue::Amount { .. } => String::from("amount"),
                XmlValue::Composite(m) => alloc::format!("{m:?}"),
            };
            list.entry(id, &shown);
        }
        list.finish()
    }
}

impl fmt::Debug for XmlValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(t) => write!(f, "Text({} chars)", t.chars().count()),
            Self::Binary(b) => write!(f, "Binary({} bytes)", b.len()),
            Self::Amount { .. } => f.write_str("Amount"),
            Self::Composite(m) => write!(f, "Composite({m:?})"),
        }
    }
}

/// The largest field or subfield number read.
const MAX_ID: u16 = 9999;

impl XmlMessage {
    /// Reads a jPOS XML message (`<isomsg>` root). Refuses declarations (no entity expansion),
    /// elements other than `header`, `field` and nested `isomsg`, fields without an `id`, and
    /// binary values that are not hexadecimal; errors carry the byte offset in `xml`.
    pub fn parse(xml: &str) -> Result<Self> {
        let root = xml::parse(xml)?;
        if root.name != "isomsg" {
            return Err(root.error(XmlProblem::UnexpectedElement));
        }
        Self::from_element(&root)
    }

    fn from_element(e: &Element) -> Result<Self> {
        let mut out = Self::default();
        for child in e.elements() {
            match child.name.as_str() {
                "header" => {
                    let text = child.text();
                    let bytes = if child
                        .attr("encoding")
                        .is_some_and(|v| v.eq_ignore_ascii_case("ascii"))
                    {
                        text.into_bytes()
                    } else {
                        hex_bytes(text.trim(), child)?
                    };
                    out.header = Some(bytes);
                }
                "field" => {
                    let id = id_of(child)?;
                    let value = field_value(child)?;
                    out.fields.insert(id, value);
                }
                "isomsg" => {
                    let id = id_of(child)?;
                    out.fields
                        .insert(id, XmlValue::Composite(Self::from_element(child)?));
                }
                _ => return Err(child.error(XmlProblem::UnexpectedElement)),
            }
        }
        Ok(out)
    }

    /// The message as jPOS's `ISOMsg.dump` writes it: `<isomsg>`, the header in hex, one
    /// `<field>` a line indented by two spaces (`type="binary"` with uppercase hex for bytes;
    /// CDATA for text holding `<` or starting with `{`), subfields as nested `<isomsg id>`.
    pub fn to_xml(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, "", None);
        out
    }

    fn write(&self, out: &mut String, indent: &str, id: Option<u16>) {
        out.push_str(indent);
        out.push_str("<isomsg");
        if let Some(id) = id {
            out.push_str(&alloc::format!(" id=\"{id}\""));
        }
        out.push_str(">\n");
        let inner = alloc::format!("{indent}  ");
        if let Some(h) = &self.header {
            out.push_str(&alloc::format!(
                "{inner}<header>{}</header>\n",
                crate::field::chars::hex_string(h)
            ));
        }
        for (id, value) in &self.fields {
            match value {
                XmlValue::Text(t)
                    if (t.contains('<') || t.starts_with('{')) && !t.contains("]]>") =>
                {
                    out.push_str(&alloc::format!(
                        "{inner}<field id=\"{id}\"><![CDATA[{t}]]></field>\n"
                    ));
                }
                XmlValue::Text(t) => {
                    out.push_str(&alloc::format!("{inner}<field id=\"{id}\" value=\""));
                    escape_into(out, t);
                    out.push_str("\"/>\n");
                }
                XmlValue::Binary(b) => out.push_str(&alloc::format!(
                    "{inner}<field id=\"{id}\" value=\"{}\" type=\"binary\"/>\n",
                    crate::field::chars::hex_string(b)
                )),
                XmlValue::Amount { currency, amount } => {
                    out.push_str(&alloc::format!(
                        "{inner}<field id=\"{id}\" currency=\"{currency:03}\" type=\"amount\" value=\""
                    ));
                    escape_into(out, amount);
                    out.push_str("\"/>\n");
                }
                XmlValue::Composite(m) => m.write(out, &inner, Some(*id)),
            }
        }
        out.push_str(indent);
        out.push_str("</isomsg>\n");
    }

    /// The message's fields as jPOS would hold them: field 0 the MTI, text for character
    /// fields (bytes as characters in the spec's [`Charset`]: ISO 8859-1 as jPOS's packagers
    /// read them, or UTF-8), bytes for binary
    /// fields, a field with positional or bitmap subfields as a nested message of them (as a
    /// jPOS `GenericSubFieldPackager` reads it); `header` (a framing's or packager's header) as
    /// `<header>`.
    pub fn from_message<I: Slots>(m: &MessageRef<'_, '_, I>, header: Option<&[u8]>) -> Self {
        let charset = m.spec().charset;
        let mut fields = BTreeMap::new();
        fields.insert(0, XmlValue::Text(m.mti().to_string()));
        for f in m.fields() {
            let spec = f.spec();
            let value = match spec.subfields {
                // jPOS's GenericSubFieldPackager fields: one <isomsg id> of subfields.
                Subfields::Positional(_)
                | Subfields::Bitmap { .. }
                | Subfields::Sequence(_)
                | Subfields::Tagged { .. } => {
                    let mut sub = Self::default();
                    for s in f.subfields() {
                        let SubfieldId::Position(n) = s.id else {
                            continue;
                        };
                        let binary = crate::subfield::binary_subfield(spec, n);
                        let value = text_or_binary(charset, s.value.to_vec(), binary);
                        sub.fields.insert(u16::from(n), value);
                    }
                    XmlValue::Composite(sub)
                }
                _ => {
                    let charset = field_charset(charset, spec.encoding);
                    text_or_binary(charset, f.value().to_vec(), spec.content.is_binary())
                }
            };
            fields.insert(u16::from(f.number()), value);
        }
        Self {
            header: header.map(<[u8]>::to_vec),
            fields,
        }
    }

    /// The message under `spec`: field 0 is the MTI, every other field is set and checked as
    /// [`Message::set`] does (errors name the field). Text becomes bytes in the spec's
    /// [`Charset`] (under ISO 8859-1 a character above U+00FF is [`XmlProblem::Character`]); subfields (`<isomsg id>`) are put
    /// together with [`crate::compose`] (positional parts, a subfield bitmap and its
    /// subfields, or subfields in sequence).
    pub fn to_message<'s>(&self, spec: &'s Spec<'s>) -> Result<Message<'s>> {
        let mti_error = Error::new(ErrorKind::Xml(XmlProblem::Mti), Some(0), 0);
        let mti: Mti = match self.fields.get(&0) {
            Some(XmlValue::Text(t)) => t.parse().map_err(|_| mti_error)?,
            _ => return Err(mti_error),
        };
        let mut message = Message::new(spec, mti);
        for (&id, value) in self.fields.range(1..) {
            // jPOS never dumps the bitmap (field 1) but accepts one; the builder makes its own.
            if id == 1 {
                continue;
            }
            let number =
                u8::try_from(id).map_err(|_| Error::new(ErrorKind::ReservedField, None, 0))?;
            let charset = spec
                .field_for(mti, number)
                .map_or(spec.charset, |d| field_charset(spec.charset, d.encoding));
            let bytes = match value {
                XmlValue::Text(t) => text_bytes(charset, t, number)?,
                XmlValue::Binary(b) => b.clone(),
                XmlValue::Amount { currency, amount } => amount_value(*currency, amount, number)?,
                XmlValue::Composite(sub) => {
                    let def = spec.definition(mti, number)?;
                    let mut parts = Vec::new();
                    for (&id, v) in &sub.fields {
                        let n = u8::try_from(id).map_err(|_| {
                            Error::new(ErrorKind::BadSubfield { index: 0 }, Some(number), 0)
                        })?;
                        let bytes = match v {
                            XmlValue::Text(t) => text_bytes(charset, t, number)?,
                            XmlValue::Binary(b) => b.clone(),
                            _ => return Err(Error::new(ErrorKind::Unsupported, Some(number), 0)),
                        };
                        parts.push((n, bytes));
                    }
                    let borrowed: Vec<(u8, &[u8])> =
                        parts.iter().map(|(n, b)| (*n, b.as_slice())).collect();
                    crate::subfield::compose(def, &borrowed)?
                }
            };
            message.set(number, bytes)?;
        }
        Ok(message)
    }
}

fn id_of(e: &Element) -> Result<u16> {
    e.attr("id")
        .and_then(|v| v.trim().parse::<u16>().ok())
        .filter(|&n| n <= MAX_ID)
        .ok_or(e.error(XmlProblem::Attribute))
}

fn field_value(e: &Element) -> Result<XmlValue> {
    let raw = e.attr("value").unwrap_or_default();
    match e.attr("type") {
        Some("binary") => Ok(XmlValue::Binary(hex_bytes(raw, e)?)),
        Some("amount") => {
            let currency = e
                .attr("currency")
                .filter(|c| c.len() <= 3 && !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|c| c.parse::<u16>().ok())
                .ok_or(e.error(XmlProblem::Attribute))?;
            // Digits with at most one decimal point (jPOS's BigDecimal takes more — signs,
            // exponents — that no ISO 8583 amount field carries).
            let (whole, fraction) = raw.split_once('.').unwrap_or((raw, "0"));
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if !digits(whole) || !digits(fraction) {
                return Err(e.error(XmlProblem::Attribute));
            }
            Ok(XmlValue::Amount {
                currency,
                amount: String::from(raw),
            })
        }
        // Any other type (jPOS's own `bitmap`, `dataset`) is not a value this crate sets.
        Some(_) => Err(e.error(XmlProblem::Attribute)),
        None => {
            // jPOS: the attribute with its `\u00XX` escapes undone, then any character data.
            let mut text = strip_unicode(raw);
            text.push_str(&e.text());
            Ok(XmlValue::Text(text))
        }
    }
}

/// jPOS's `ISOUtil.stripUnicode`: `\u00XX` (one or more hex pairs after `u00`… as its pattern
/// `u00([0-9a-fA-F]{2})+` on the five characters after the backslash) becomes that character.
fn strip_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(rest.get(..i).unwrap_or_default());
        let after = rest.get(i.saturating_add(1)..).unwrap_or_default();
        // The escape the writer makes (`xml::escape_into`) is the one read back here.
        let byte = after
            .get(3..5)
            .filter(|_| super::xml::starts_escape(after))
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match byte {
            Some(b) => {
                out.push(char::from(b));
                rest = after.get(5..).unwrap_or_default();
            }
            None => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn hex_bytes(text: &str, e: &Element) -> Result<Vec<u8>> {
    crate::field::chars::hex_decode(text).ok_or(e.error(XmlProblem::Hex))
}

fn text_or_binary(charset: Charset, bytes: Vec<u8>, binary: bool) -> XmlValue {
    if binary {
        XmlValue::Binary(bytes)
    } else {
        XmlValue::Text(charset.decode(&bytes).into_owned())
    }
}

/// EBCDIC characters are ISO 8859-1 code points, whatever the spec's character set.
fn field_charset(charset: Charset, encoding: crate::spec::Encoding) -> Charset {
    match encoding {
        crate::spec::Encoding::Ebcdic(_) => Charset::Latin1,
        _ => charset,
    }
}

/// Text as a field's bytes in `charset`.
fn text_bytes(charset: Charset, text: &str, number: u8) -> Result<Vec<u8>> {
    charset.encode(text).ok_or(Error::new(
        ErrorKind::Xml(XmlProblem::Character),
        Some(number),
        0,
    ))
}

/// jPOS's `ISOAmount.getValue`: currency (3 digits), decimals (1 digit), minor units (12
/// digits, zero-padded).
fn amount_value(currency: u16, amount: &str, number: u8) -> Result<Vec<u8>> {
    let bad = Error::new(ErrorKind::Xml(XmlProblem::Attribute), Some(number), 0);
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits_ok(whole) || !digits_ok(fraction) || fraction.len() > 9 {
        return Err(bad);
    }
    let minor = alloc::format!("{whole}{fraction}");
    let minor = minor.trim_start_matches('0');
    if minor.len() > 12 {
        return Err(bad);
    }
    Ok(alloc::format!("{currency:03}{}{minor:0>12}", fraction.len()).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_undone_and_amounts_as_jpos_holds_them() {
        assert_eq!(strip_unicode("a\\u000db\\u00zz\\"), "a\rb\\u00zz\\");
        assert_eq!(amount_value(840, "12.34", 4).unwrap(), b"8402000000001234");
        assert_eq!(amount_value(392, "1500", 4).unwrap(), b"3920000000001500");
        assert!(amount_value(840, "-1", 4).is_err());
        assert!(amount_value(840, "1234567890123", 4).is_err());
    }

    #[test]
    fn what_is_read_writes_back_the_same() {
        // Found by the iso8583_jpos_xml fuzz target: an amount holding a control character
        // was read as is and written escaped, so it read back different. Amounts are digits
        // and one point now; text with controls and `<` goes through CDATA unchanged.
        let bad = "<isomsg><field id=\"4\" currency=\"840\" type=\"amount\" value=\"12.3\u{14}\"/></isomsg>";
        let err = XmlMessage::parse(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Xml(XmlProblem::Attribute));
        let ok = "<isomsg><field id=\"43\">\u{0}\u{0}<![CDATA[<shop>]]></field>\
                  <isomsg id=\"48\"><field id=\"1\" value=\"A&amp;B\\u000d\"/></isomsg></isomsg>";
        let m = XmlMessage::parse(ok).unwrap();
        assert_eq!(
            m.fields.get(&43),
            Some(&XmlValue::Text("\0\0<shop>".into()))
        );
        assert_eq!(XmlMessage::parse(&m.to_xml()).unwrap(), m);
        // Also fuzz-found: text holding a literal `\u000d` (from CDATA) was written in the
        // attribute, where reading undoes the escape; its backslash is escaped now.
        let literal = "<isomsg><field id=\"43\"><![CDATA[\\u000d]]></field></isomsg>";
        let m = XmlMessage::parse(literal).unwrap();
        assert_eq!(m.fields.get(&43), Some(&XmlValue::Text("\\u000d".into())));
        assert!(
            m.to_xml().contains("value=\"\\u005cu000d\""),
            "{}",
            m.to_xml()
        );
        assert_eq!(XmlMessage::parse(&m.to_xml()).unwrap(), m);
    }
}
