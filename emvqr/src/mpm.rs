//! Merchant-presented payloads: `ID(2) LENGTH(2) VALUE`, lengths in characters, CRC last.
//!
//! [`PayloadRef::parse`] checks the structure once — every object header, every template's
//! nested objects, the closing `6304` CRC — and, unless told not to, the CRC itself. Afterwards
//! iterating objects cannot fail and borrows the text.

#[cfg(feature = "alloc")]
use crate::crc::crc16;
use crate::error::Result;
#[cfg(feature = "alloc")]
use crate::error::{Error, ErrorKind};
use crate::path::Path;
use crate::read::read_object;

/// True for the IDs whose value is itself a list of objects: merchant account templates 26–51,
/// additional data 62, language template 64, unreserved templates 80–99.
pub const fn is_template(id: u8) -> bool {
    matches!(id, 26..=51 | 62 | 64 | 80..=99)
}

/// Parsing choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Reject a payload whose CRC does not match (default true).
    pub check_crc: bool,
}

impl ParseOptions {
    /// The same options with the CRC check on or off.
    #[must_use]
    pub const fn with_crc_check(self, check_crc: bool) -> Self {
        Self { check_crc }
    }
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self { check_crc: true }
    }
}

/// A structurally valid merchant-presented payload borrowed from its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayloadRef<'a> {
    text: &'a str,
    crc_found: u16,
    crc_computed: u16,
    /// The whole text is ASCII: every length in characters is a length in bytes.
    ascii: bool,
}

/// One object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectRef<'a> {
    id: u8,
    value: &'a str,
    offset: usize,
    path: Path,
    /// The value is known to be ASCII (the payload is).
    ascii: bool,
}

impl<'a> PayloadRef<'a> {
    /// A payload whose structure and CRC object the caller has checked.
    pub(crate) const fn from_checked(
        text: &'a str,
        crc_found: u16,
        crc_computed: u16,
        ascii: bool,
    ) -> Self {
        Self {
            text,
            crc_found,
            crc_computed,
            ascii,
        }
    }

    fn objects_of(text: &'a str, ascii: bool) -> Objects<'a> {
        Objects {
            text,
            base: 0,
            pos: 0,
            parent: Path::ROOT,
            ascii,
        }
    }

    /// True when the whole payload is ASCII (lengths in characters are lengths in bytes).
    pub const fn is_ascii(&self) -> bool {
        self.ascii
    }

    /// The payload text.
    pub const fn as_str(&self) -> &'a str {
        self.text
    }

    /// The CRC the payload carries.
    pub const fn crc(&self) -> u16 {
        self.crc_found
    }

    /// The CRC computed over the payload up to and including `6304`.
    pub const fn computed_crc(&self) -> u16 {
        self.crc_computed
    }

    /// True when the carried CRC matches.
    pub const fn crc_ok(&self) -> bool {
        self.crc_found == self.crc_computed
    }

    /// Top-level objects in payload order (the CRC object included).
    pub fn objects(&self) -> Objects<'a> {
        Self::objects_of(self.text, self.ascii)
    }

    /// The first top-level object with `id`.
    pub fn get(&self, id: u8) -> Option<ObjectRef<'a>> {
        self.objects().find(|o| o.id == id)
    }

    /// The value of the first object at `path` (`[62, 5]` for the reference label).
    pub fn value(&self, path: &[u8]) -> Option<&'a str> {
        match *path {
            [id] => self.get(id).map(|o| o.value),
            [parent, id] => self
                .get(parent)?
                .children()?
                .find(|o| o.id == id)
                .map(|o| o.value),
            _ => None,
        }
    }

    /// The merchant account templates (26–51) whose GUID (sub-ID 00) equals `guid`, ignoring
    /// ASCII case.
    pub fn account(&self, guid: &str) -> Option<ObjectRef<'a>> {
        self.objects()
            .filter(|o| (26..=51).contains(&o.id))
            .find(|o| {
                o.children()
                    .and_then(|mut c| c.find(|s| s.id == 0))
                    .is_some_and(|g| g.value.eq_ignore_ascii_case(guid))
            })
    }

    /// 59, the merchant name.
    pub fn merchant_name(&self) -> Option<&'a str> {
        self.value(&[59])
    }

    /// 60, the merchant city.
    pub fn merchant_city(&self) -> Option<&'a str> {
        self.value(&[60])
    }

    /// 52, the merchant category code.
    pub fn mcc(&self) -> Option<&'a str> {
        self.value(&[52])
    }

    /// 53, the ISO 4217 numeric currency code.
    pub fn currency(&self) -> Option<&'a str> {
        self.value(&[53])
    }

    /// 54, the transaction amount as written.
    pub fn amount(&self) -> Option<&'a str> {
        self.value(&[54])
    }

    /// 58, the ISO 3166 country code.
    pub fn country(&self) -> Option<&'a str> {
        self.value(&[58])
    }

    /// 62/01, the bill number.
    pub fn bill_number(&self) -> Option<&'a str> {
        self.value(&[62, 1])
    }

    /// 62/05, the reference label.
    pub fn reference_label(&self) -> Option<&'a str> {
        self.value(&[62, 5])
    }
}

impl<'a> ObjectRef<'a> {
    /// A top-level object read on its own, at offset 0 (the streaming parser's).
    #[cfg(feature = "nom")]
    pub(crate) const fn top_level(id: u8, value: &'a str, ascii: bool) -> Self {
        Self {
            id,
            value,
            offset: 0,
            path: Path::ROOT.child(id),
            ascii,
        }
    }

    /// The ID.
    pub const fn id(&self) -> u8 {
        self.id
    }

    /// The value text (a template's value is its nested objects' text).
    pub const fn value(&self) -> &'a str {
        self.value
    }

    /// Where it sits (`62.05`).
    pub const fn path(&self) -> Path {
        self.path
    }

    /// Byte offset of the object's ID in the payload.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// Length in characters.
    pub fn len(&self) -> usize {
        if self.ascii || self.value.is_ascii() {
            self.value.len()
        } else {
            self.value.chars().count()
        }
    }

    /// True for an empty value.
    pub const fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// The nested objects of a top-level template; `None` for other objects.
    pub fn children(&self) -> Option<Objects<'a>> {
        (self.path.ids().len() == 1 && is_template(self.id)).then_some(Objects {
            text: self.value,
            base: self.offset.saturating_add(4),
            pos: 0,
            parent: self.path,
            ascii: self.ascii,
        })
    }
}

/// Iterator over one level of objects.
#[derive(Clone, Debug)]
pub struct Objects<'a> {
    text: &'a str,
    base: usize,
    pos: usize,
    parent: Path,
    ascii: bool,
}

impl<'a> Iterator for Objects<'a> {
    type Item = ObjectRef<'a>;

    #[inline]
    fn next(&mut self) -> Option<ObjectRef<'a>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let (id, start, end) =
            read_object(self.text, self.pos, self.base, self.parent, self.ascii).ok()?;
        let object = ObjectRef {
            id,
            value: self.text.get(start..end)?,
            offset: self.base.saturating_add(self.pos),
            path: self.parent.child(id),
            ascii: self.ascii,
        };
        self.pos = end;
        Some(object)
    }
}

/// Parses a list of objects that is not a whole payload (a 62/50–99 template's value, for
/// example): checks its structure, one level deep, and iterates it.
pub fn objects_in(text: &str, base: usize, parent: Path) -> Result<Objects<'_>> {
    let ascii = text.is_ascii();
    let mut pos = 0usize;
    while pos < text.len() {
        let (_, _, end) = read_object(text, pos, base, parent, ascii)?;
        pos = end;
    }
    Ok(Objects {
        text,
        base,
        pos: 0,
        parent,
        ascii,
    })
}

/// An object to encode (feature `alloc`): a text value or, for templates, nested objects.
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Object {
    /// A primitive object.
    Text(u8, alloc::string::String),
    /// A template and its objects.
    Template(u8, alloc::vec::Vec<Object>),
}

#[cfg(feature = "alloc")]
impl Object {
    /// Copies a parsed object (templates with their children).
    pub fn from_ref(object: &ObjectRef<'_>) -> Self {
        match object.children() {
            Some(children) => {
                Self::Template(object.id(), children.map(|c| Self::from_ref(&c)).collect())
            }
            None => Self::Text(object.id(), object.value().into()),
        }
    }

    fn write(&self, out: &mut alloc::string::String, path: Path) -> Result<()> {
        use core::fmt::Write as _;
        let (id, value): (u8, alloc::borrow::Cow<'_, str>) = match self {
            Self::Text(id, text) => (*id, text.as_str().into()),
            Self::Template(id, children) => {
                let mut inner = alloc::string::String::new();
                for child in children {
                    child.write(&mut inner, path.child(*id))?;
                }
                (*id, inner.into())
            }
        };
        if id > 99 {
            return Err(Error::new(ErrorKind::IdRange, path, out.len()));
        }
        let length = value.chars().count();
        if length > 99 {
            return Err(Error::new(
                ErrorKind::ValueLength { length },
                path.child(id),
                out.len(),
            ));
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{id:02}{length:02}{value}");
        Ok(())
    }
}

/// Encodes `objects` (a final `63`, the CRC object, is dropped) and appends `6304` and the CRC
/// in upper case. Lengths are counted in characters; nothing is transliterated or cut. A `63`
/// elsewhere (a malformed payload's) is written as it is, so that decoding and encoding any
/// parsed payload loses nothing.
#[cfg(feature = "alloc")]
pub fn encode(objects: &[Object]) -> Result<alloc::string::String> {
    let mut out = alloc::string::String::new();
    let body = match objects.split_last() {
        Some((Object::Text(63, _), body)) => body,
        _ => objects,
    };
    for object in body {
        object.write(&mut out, Path::ROOT)?;
    }
    out.push_str("6304");
    let crc = crc16(out.as_bytes());
    out.push_str(&alloc::format!("{crc:04X}"));
    Ok(out)
}
