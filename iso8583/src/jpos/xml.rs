//! A small, bounded XML reader for the two documents jPOS writes: messages (`<isomsg>`) and
//! packagers (`<isopackager>`). It reads elements, attributes, text and CDATA into a tree;
//! skips the prolog, processing instructions, comments and an external `<!DOCTYPE>` (never
//! fetched); knows the five predefined entities and numeric character references; and refuses
//! every declaration that could define anything (a DOCTYPE's internal subset, `<!ENTITY`), so
//! nothing is expanded and nothing is fetched. It never recurses: nesting is a stack bounded
//! by [`MAX_DEPTH`], the document by [`MAX_LEN`], so memory stays proportional to the input.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, ErrorKind, Result, XmlProblem};

/// The deepest nesting read (a packager's subfield packagers nest three or four levels).
pub const MAX_DEPTH: usize = 32;
/// The largest document read: 4 MiB (jPOS's largest published packagers are under 100 KB).
pub const MAX_LEN: usize = 4 << 20;

/// An element: its name, attributes in document order, children, and where it starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) children: Vec<Node>,
    /// Byte offset of its `<`.
    pub(crate) offset: usize,
}

/// A child: an element, or text (character data and CDATA, entities resolved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The value of attribute `name`.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The child elements.
    pub(crate) fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// All text directly inside, concatenated.
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                out.push_str(t);
            }
        }
        out
    }

    /// An error about this element.
    pub(crate) fn error(&self, problem: XmlProblem) -> Error {
        xml_error(problem, self.offset)
    }
}

pub(crate) const fn xml_error(problem: XmlProblem, offset: usize) -> Error {
    Error::new(ErrorKind::Xml(problem), None, offset)
}

/// Reads `input` as one XML document: its root element.
pub(crate) fn parse(input: &str) -> Result<Element> {
    if input.len() > MAX_LEN {
        return Err(xml_error(XmlProblem::TooLarge, MAX_LEN));
    }
    let mut r = Reader { s: input, pos: 0 };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    while r.pos < input.len() {
        let at = r.pos;
        let rest = r.rest();
        if let Some(body) = rest.strip_prefix("<?") {
            r.skip_past(body, "?>", 2)?;
        } else if let Some(body) = rest.strip_prefix("<!--") {
            r.skip_past(body, "-->", 4)?;
        } else if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let parent = stack.last_mut().ok_or(xml_error(XmlProblem::Syntax, at))?;
            let end = body.find("]]>").ok_or(xml_error(XmlProblem::Syntax, at))?;
            parent.children.push(Node::Text(String::from(
                body.get(..end).unwrap_or_default(),
            )));
            r.pos = at.saturating_add(9).saturating_add(end).saturating_add(3);
        } else if let Some(body) = rest.strip_prefix("<!DOCTYPE") {
            if root.is_some() || !stack.is_empty() {
                return Err(xml_error(XmlProblem::Declaration, at));
            }
            r.pos = at.saturating_add(9).saturating_add(doctype_len(body, at)?);
        } else if rest.starts_with("<!") {
            return Err(xml_error(XmlProblem::Declaration, at));
        } else if let Some(body) = rest.strip_prefix("</") {
            let name = name_at(body);
            let after = body.get(name.len()..).unwrap_or_default();
            let trimmed = after.trim_start_matches(is_space);
            if !trimmed.starts_with('>') {
                return Err(xml_error(XmlProblem::Syntax, at));
            }
            let open = stack.pop().ok_or(xml_error(XmlProblem::Syntax, at))?;
            if open.name != name {
                return Err(xml_error(XmlProblem::Syntax, at));
            }
            r.pos = input.len().saturating_sub(trimmed.len()).saturating_add(1);
            close(&mut stack, &mut root, open, at)?;
        } else if rest.starts_with('<') {
            let (element, empty) = r.start_tag()?;
            if root.is_some() {
                return Err(xml_error(XmlProblem::Syntax, at));
            }
            if empty {
                close(&mut stack, &mut root, element, at)?;
            } else {
                if stack.len() >= MAX_DEPTH {
                    return Err(xml_error(XmlProblem::TooDeep, at));
                }
                stack.push(element);
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let raw = rest.get(..end).unwrap_or_default();
            match stack.last_mut() {
                Some(parent) => parent.children.push(Node::Text(unescape(raw, at)?)),
                None if raw.trim_matches(is_space).is_empty() => {}
                None => return Err(xml_error(XmlProblem::Syntax, at)),
            }
            r.pos = at.saturating_add(end);
        }
    }
    if !stack.is_empty() {
        return Err(xml_error(XmlProblem::Syntax, input.len()));
    }
    root.ok_or(xml_error(XmlProblem::Syntax, input.len()))
}

/// The length of a DOCTYPE after `<!DOCTYPE`, through its `>`. jPOS's packagers name their
/// DTD (`<!DOCTYPE isopackager PUBLIC "…" "….dtd">`: skipped, never fetched) or carry it inline
/// (an internal subset of `<!ELEMENT>` and `<!ATTLIST>`: skipped, so attribute defaults it
/// declares are not applied — jPOS's DTDs declare none). A subset that declares an entity is
/// refused: nothing is ever expanded.
fn doctype_len(body: &str, at: usize) -> Result<usize> {
    let syntax = xml_error(XmlProblem::Syntax, at);
    let end = body.find(['>', '[']).ok_or(syntax)?;
    if body.as_bytes().get(end) == Some(&b'>') {
        return Ok(end.saturating_add(1));
    }
    let subset = body.get(end..).unwrap_or_default();
    let close = subset.find(']').ok_or(syntax)?;
    let inner = subset.get(..close).unwrap_or_default();
    if inner.contains("<!ENTITY") {
        return Err(xml_error(XmlProblem::Declaration, at));
    }
    let after = subset.get(close.saturating_add(1)..).unwrap_or_default();
    let trimmed = after.trim_start_matches(is_space);
    if !trimmed.starts_with('>') {
        return Err(syntax);
    }
    Ok(body.len().saturating_sub(trimmed.len()).saturating_add(1))
}

/// A finished element goes to its parent, or becomes the root.
fn close(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
    at: usize,
) -> Result<()> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None if root.is_none() => *root = Some(element),
        None => return Err(xml_error(XmlProblem::Syntax, at)),
    }
    Ok(())
}

struct Reader<'s> {
    s: &'s str,
    pos: usize,
}

impl<'s> Reader<'s> {
    fn rest(&self) -> &'s str {
        self.s.get(self.pos..).unwrap_or_default()
    }

    /// Moves past `end` in `body` (which starts `skip` bytes after the current position).
    fn skip_past(&mut self, body: &str, end: &str, skip: usize) -> Result<()> {
        let at = body
            .find(end)
            .ok_or(xml_error(XmlProblem::Syntax, self.pos))?;
        self.pos = self
            .pos
            .saturating_add(skip)
            .saturating_add(at)
            .saturating_add(end.len());
        Ok(())
    }

    /// A start tag at the current position: the element (no children yet) and whether it
    /// closed itself (`/>`).
    fn start_tag(&mut self) -> Result<(Element, bool)> {
        let offset = self.pos;
        let bad = xml_error(XmlProblem::Syntax, offset);
        let after_lt = self.rest().get(1..).unwrap_or_default();
        let name = name_at(after_lt);
        if name.is_empty() {
            return Err(bad);
        }
        let mut element = Element {
            name: String::from(name),
            offset,
            ..Element::default()
        };
        self.pos = offset.saturating_add(1).saturating_add(name.len());
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start_matches(is_space);
            let spaced = trimmed.len() < rest.len();
            self.pos = self.s.len().saturating_sub(trimmed.len());
            if let Some(after) = trimmed.strip_prefix("/>") {
                self.pos = self.s.len().saturating_sub(after.len());
                return Ok((element, true));
            }
            if let Some(after) = trimmed.strip_prefix('>') {
                self.pos = self.s.len().saturating_sub(after.len());
                return Ok((element, false));
            }
            let key = name_at(trimmed);
            if key.is_empty() || !spaced {
                return Err(bad);
            }
            let after_key = trimmed
                .get(key.len()..)
                .unwrap_or_default()
                .trim_start_matches(is_space);
            let after_eq = after_key
                .strip_prefix('=')
                .ok_or(bad)?
                .trim_start_matches(is_space);
            let quote = after_eq.chars().next().filter(|c| *c == '"' || *c == '\'');
            let quote = quote.ok_or(bad)?;
            let body = after_eq.get(1..).unwrap_or_default();
            let end = body.find(quote).ok_or(bad)?;
            let raw = body.get(..end).unwrap_or_default();
            let value_at = self.s.len().saturating_sub(body.len());
            if raw.contains('<') {
                return Err(xml_error(XmlProblem::Syntax, value_at));
            }
            if element.attrs.iter().any(|(k, _)| k == key) {
                return Err(xml_error(XmlProblem::Syntax, value_at));
            }
            element
                .attrs
                .push((String::from(key), unescape(raw, value_at)?));
            self.pos = value_at.saturating_add(end).saturating_add(1);
        }
    }
}

const fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The XML name at the start of `s` (letters, digits, `_`, `-`, `.`, `:`; not starting with
/// a digit, `-` or `.`).
fn name_at(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|&(i, c)| {
            let ok = c.is_ascii_alphabetic()
                || c == '_'
                || c == ':'
                || (i > 0 && (c.is_ascii_digit() || c == '-' || c == '.'));
            !ok
        })
        .map_or(s.len(), |(i, _)| i);
    s.get(..end).unwrap_or_default()
}

/// Character data with its references resolved: `&lt;` `&gt;` `&amp;` `&quot;` `&apos;`,
/// `&#N;`, `&#xH;`; anything else is [`XmlProblem::Entity`] at its byte.
fn unescape(raw: &str, offset: usize) -> Result<String> {
    if !raw.contains('&') {
        return Ok(String::from(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let at = offset
            .saturating_add(raw.len().saturating_sub(rest.len()))
            .saturating_add(amp);
        let bad = xml_error(XmlProblem::Entity, at);
        let tail = rest.get(amp.saturating_add(1)..).unwrap_or_default();
        let semi = tail.find(';').filter(|&n| n <= 10).ok_or(bad)?;
        let name = tail.get(..semi).unwrap_or_default();
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => name.strip_prefix('#').and_then(|d| d.parse::<u32>().ok()),
                };
                code.and_then(char::from_u32).ok_or(bad)?
            }
        };
        out.push(c);
        rest = tail.get(semi.saturating_add(1)..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// `value` escaped for an attribute in double quotes, as jPOS's `ISOUtil.normalize` writes it
/// (canonical form): `<` `>` `&` `"` `'` as entities, other control characters as the
/// `\u00XX` escapes jPOS's `ISOUtil.stripUnicode` reads back.
pub(crate) fn escape_into(out: &mut String, value: &str) {
    for (i, c) in value.char_indices() {
        match c {
            // A backslash that would start an escape jPOS undoes is itself escaped (`\u005c`),
            // so the text reads back as written.
            '\\' if starts_escape(value.get(i.saturating_add(1)..).unwrap_or_default()) => {
                out.push_str("\\u005c");
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if u32::from(c) < 0x20 => {
                let n = u32::from(c);
                out.push_str("\\u00");
                out.push(hex_digit(n >> 4));
                out.push(hex_digit(n));
            }
            c => out.push(c),
        }
    }
}

/// Whether `s` (what follows a backslash) is `u00` and two hex digits.
pub(crate) fn starts_escape(s: &str) -> bool {
    s.strip_prefix("u00")
        .and_then(|h| h.get(..2))
        .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn hex_digit(n: u32) -> char {
    char::from_digit(n & 0xF, 16).unwrap_or('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_attributes_text_and_cdata() {
        let doc = "<?xml version=\"1.0\"?>\n<!-- c -->\n<a x='1' y=\"&lt;&#65;&#x42;\">t<b/><![CDATA[<c>]]></a>\n";
        let root = parse(doc).unwrap();
        assert_eq!(
            (root.name.as_str(), root.attr("x"), root.attr("y")),
            ("a", Some("1"), Some("<AB"))
        );
        assert_eq!(root.text(), "t<c>");
        assert_eq!(root.elements().count(), 1);
    }

    #[test]
    fn refuses_declarations_entities_and_bad_nesting() {
        let problem = |doc: &str| parse(doc).unwrap_err().kind();
        let billion = "<!DOCTYPE a [<!ENTITY x \"xx\">]><a>&x;</a>";
        assert_eq!(problem(billion), ErrorKind::Xml(XmlProblem::Declaration));
        assert_eq!(
            problem("<a><!ENTITY x \"xx\"></a>"),
            ErrorKind::Xml(XmlProblem::Declaration)
        );
        assert_eq!(
            problem("<a><!DOCTYPE a></a>"),
            ErrorKind::Xml(XmlProblem::Declaration)
        );
        // An external DTD is named, not read.
        let named = "<!DOCTYPE isopackager PUBLIC \"-//jPOS//EN\" \"http://jpos.org/x.dtd\">\n<a/>";
        assert_eq!(parse(named).unwrap().name, "a");
        let inline =
            "<!DOCTYPE a [\n<!ELEMENT a EMPTY>\n<!ATTLIST a id CDATA #REQUIRED>\n]>\n<a id='1'/>";
        assert_eq!(parse(inline).unwrap().attr("id"), Some("1"));
        assert_eq!(problem("<a>&x;</a>"), ErrorKind::Xml(XmlProblem::Entity));
        assert_eq!(problem("<a><b></a>"), ErrorKind::Xml(XmlProblem::Syntax));
        assert_eq!(problem("<a></a><b/>"), ErrorKind::Xml(XmlProblem::Syntax));
        assert_eq!(problem("<a x=1/>"), ErrorKind::Xml(XmlProblem::Syntax));
        assert_eq!(
            problem("<a x='1' x='2'/>"),
            ErrorKind::Xml(XmlProblem::Syntax)
        );
        assert_eq!(problem("<a"), ErrorKind::Xml(XmlProblem::Syntax));
        assert_eq!(problem(""), ErrorKind::Xml(XmlProblem::Syntax));
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert_eq!(problem(&deep), ErrorKind::Xml(XmlProblem::TooDeep));
        let err = parse("<a>\n  <b v='&bogus;'/></a>").unwrap_err();
        assert_eq!(
            (err.kind(), err.offset()),
            (ErrorKind::Xml(XmlProblem::Entity), 12)
        );
    }

    #[test]
    fn escapes_as_jpos_normalizes() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&\"'\r\n\u{1}é\\u000d\\x");
        assert_eq!(
            out,
            "a&lt;b&gt;&amp;&quot;&apos;\\u000d\\u000a\\u0001é\\u005cu000d\\x"
        );
    }
}
