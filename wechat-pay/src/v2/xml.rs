//! Flat API v2 XML documents (`std`): `<xml><name>value</name>...</xml>`, read with quick-xml.
//!
//! Reading is strict where it matters for signatures: one `<xml>` root (any root name is
//! accepted, WeChat Pay's refund `req_info` uses `<root>`), only flat children, text and CDATA
//! concatenated, the five predefined entities and character references resolved, and nothing
//! else — a `<!DOCTYPE` (and with it every DTD and external entity: the XXE attacks of the
//! PHP SDK's fixtures) is refused, as are unknown entities, control characters, nested
//! elements, duplicate names,
//! and documents over [`MAX_DOCUMENT_BYTES`] or [`MAX_PARAMETERS`]. Errors carry the byte
//! offset. The CDATA wrapper is never part of a signed value.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use quick_xml::events::Event;

use super::SignType;
use crate::error::{Error, ErrorKind, Result};

/// The largest document read: 1 MiB.
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;
/// The most parameters a document may hold.
pub const MAX_PARAMETERS: usize = 512;

/// The acknowledgement a merchant returns for a notification.
pub const ACK_SUCCESS: &str = "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>";

/// A flat v2 document's parameters, in document order.
///
/// ```
/// use paywire_wechat_pay::v2::xml::Document;
/// let doc = Document::parse("<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>1</total_fee></xml>")?;
/// assert_eq!((doc.get("return_code"), doc.get("total_fee")), (Some("SUCCESS"), Some("1")));
/// assert!(Document::parse("<xml><a><b>nested</b></a></xml>").is_err());
/// # Ok::<(), paywire_wechat_pay::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    params: Vec<(String, String)>,
}

fn xml_error(offset: u64) -> Error {
    Error::new(ErrorKind::Xml).at_offset(usize::try_from(offset).unwrap_or(usize::MAX))
}

impl Document {
    /// Reads a document.
    pub fn parse(text: &str) -> Result<Self> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(xml_error(MAX_DOCUMENT_BYTES as u64));
        }
        let mut reader = quick_xml::Reader::from_str(text);
        let mut params: Vec<(String, String)> = Vec::new();
        let mut depth = 0u8;
        let mut root_done = false;
        let mut name: Option<String> = None;
        let mut value = String::new();
        loop {
            let at = reader.buffer_position();
            let event = reader
                .read_event()
                .map_err(|_| xml_error(reader.error_position()))?;
            match event {
                Event::Decl(_) if depth == 0 && !root_done && at == 0 => {}
                Event::Comment(_) => {}
                Event::Start(start) => {
                    if root_done {
                        return Err(xml_error(at));
                    }
                    match depth {
                        0 => depth = 1,
                        1 => {
                            name = Some(String::from(start.name().as_ref()));
                            value.clear();
                            depth = 2;
                        }
                        _ => return Err(xml_error(at)),
                    }
                }
                Event::Empty(start) => match depth {
                    1 => {
                        let n = String::from(start.name().as_ref());
                        push(&mut params, n, String::new(), at)?;
                    }
                    0 if !root_done => root_done = true,
                    _ => return Err(xml_error(at)),
                },
                Event::End(_) => match depth {
                    2 => {
                        // XML 1.0 characters only: no control characters but tab, LF, CR.
                        if value
                            .chars()
                            .any(|c| c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
                        {
                            return Err(xml_error(at));
                        }
                        let n = name.take().unwrap_or_default();
                        push(&mut params, n, core::mem::take(&mut value), at)?;
                        depth = 1;
                    }
                    1 => {
                        depth = 0;
                        root_done = true;
                    }
                    _ => return Err(xml_error(at)),
                },
                Event::Text(text) => {
                    let content = text.xml10_content();
                    if depth == 2 {
                        value.push_str(&content);
                    } else if !content.trim().is_empty() {
                        return Err(xml_error(at));
                    }
                }
                Event::CData(data) if depth == 2 => value.push_str(&data.xml10_content()),
                Event::GeneralRef(reference) if depth == 2 => {
                    let resolved: Cow<'_, str> = if reference.is_char_ref() {
                        let c = reference
                            .resolve_char_ref()
                            .ok()
                            .flatten()
                            .ok_or(xml_error(at))?;
                        Cow::Owned(c.into())
                    } else {
                        let entity = reference.xml10_content();
                        Cow::Borrowed(
                            quick_xml::escape::resolve_predefined_entity(&entity)
                                .ok_or(xml_error(at))?,
                        )
                    };
                    value.push_str(&resolved);
                }
                Event::Eof => {
                    return if root_done && depth == 0 {
                        Ok(Self { params })
                    } else {
                        Err(xml_error(at))
                    };
                }
                // DOCTYPE (DTDs, entity declarations), processing instructions, stray CDATA
                // or references outside a parameter.
                _ => return Err(xml_error(at)),
            }
        }
    }

    /// A document of these parameters, in this order.
    pub fn from_params<K: Into<String>, V: Into<String>>(
        params: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            params: params
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `name` (replacing its value, or appending it).
    pub fn set(&mut self, name: &str, value: &str) -> &mut Self {
        match self.params.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value.into(),
            None => self.params.push((name.into(), value.into())),
        }
        self
    }

    /// The parameters, in document order.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.params.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The parameters as borrowed pairs, for [`super::sign`] and [`super::verify`].
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.params().collect()
    }

    /// Verifies the document's `sign` with the API `key`; the sign type is the document's
    /// `sign_type` when present, else inferred from the signature's length.
    pub fn verify(&self, key: &str) -> bool {
        let sign_type = self.get("sign_type").and_then(SignType::from_name);
        super::verify(&self.pairs(), key, sign_type)
    }

    /// Signs the document (setting `sign`) with the API `key`. For HMAC-SHA256, set
    /// `sign_type` to `HMAC-SHA256` first: it is one of the signed parameters.
    pub fn sign(&mut self, key: &str, sign_type: SignType) -> &mut Self {
        let signature = super::sign(&self.pairs(), key, sign_type);
        self.set("sign", signature.as_str())
    }

    /// `return_code` and, when present, `result_code` are both `SUCCESS`.
    pub fn is_success(&self) -> bool {
        self.get("return_code") == Some("SUCCESS")
            && self.get("result_code").is_none_or(|c| c == "SUCCESS")
    }

    /// The document as `<xml>...</xml>`: values in CDATA (split where a value holds `]]>`; a
    /// value with a carriage return as escaped text, since CDATA cannot keep it),
    /// names checked to be XML names (others are skipped: they could not be sent).
    pub fn to_xml(&self) -> String {
        let mut out = String::with_capacity(256);
        out.push_str("<xml>");
        for (k, v) in &self.params {
            if !is_name(k) {
                continue;
            }
            out.push('<');
            out.push_str(k);
            if v.contains('\r') {
                // CDATA cannot carry a CR (parsers turn it into LF): escape the text instead.
                out.push('>');
                for c in v.chars() {
                    match c {
                        '&' => out.push_str("&amp;"),
                        '<' => out.push_str("&lt;"),
                        '>' => out.push_str("&gt;"),
                        '\r' => out.push_str("&#13;"),
                        c => out.push(c),
                    }
                }
            } else {
                out.push_str("><![CDATA[");
                out.push_str(&v.replace("]]>", "]]]]><![CDATA[>"));
                out.push_str("]]>");
            }
            out.push_str("</");
            out.push_str(k);
            out.push('>');
        }
        out.push_str("</xml>");
        out
    }
}

fn is_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

fn push(params: &mut Vec<(String, String)>, name: String, value: String, at: u64) -> Result<()> {
    if params.len() >= MAX_PARAMETERS || params.iter().any(|(k, _)| *k == name) {
        return Err(xml_error(at));
    }
    params.push((name, value));
    Ok(())
}
