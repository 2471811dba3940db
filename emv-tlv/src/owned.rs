//! Owned, editable TLV trees (feature `alloc`).

use alloc::vec::Vec;

use crate::error::{Error, ErrorKind, Result};
use crate::reader::{TlvRef, Tlvs};
use crate::tag::Tag;
use crate::writer::{Encode, MAX_ENCODE_DEPTH, Writer, object_len, write_header};

/// An owned TLV object: a tag with either bytes or nested objects.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Tlv {
    /// The tag.
    pub tag: Tag,
    /// The value.
    pub value: Value,
}

/// The value of an owned object.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// Bytes of a primitive object.
    Primitive(Vec<u8>),
    /// Objects inside a constructed object, in order.
    Constructed(Vec<Tlv>),
}

impl Tlv {
    /// A primitive object. The tag should be primitive; a constructed tag with a primitive value
    /// encodes, but will only parse back if the bytes are themselves a TLV list.
    pub fn primitive(tag: Tag, value: impl Into<Vec<u8>>) -> Self {
        Self {
            tag,
            value: Value::Primitive(value.into()),
        }
    }

    /// A constructed object.
    pub fn constructed(tag: Tag, children: Vec<Tlv>) -> Self {
        Self {
            tag,
            value: Value::Constructed(children),
        }
    }

    /// Copies a parsed object into an owned tree (nesting was bounded by the parse).
    pub fn from_ref(tlv: &TlvRef<'_>) -> Self {
        let value = match tlv.children() {
            Some(children) => Value::Constructed(to_owned_list(&children)),
            None => Value::Primitive(tlv.value().to_vec()),
        };
        Self {
            tag: tlv.tag(),
            value,
        }
    }

    /// Bytes of a primitive value; `None` for a constructed one.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.value {
            Value::Primitive(bytes) => Some(bytes),
            Value::Constructed(_) => None,
        }
    }

    /// Children of a constructed value; `None` for a primitive one.
    pub fn children(&self) -> Option<&[Tlv]> {
        match &self.value {
            Value::Primitive(_) => None,
            Value::Constructed(children) => Some(children),
        }
    }

    fn value_len(&self, depth: u8) -> Result<usize> {
        match &self.value {
            Value::Primitive(bytes) => Ok(bytes.len()),
            Value::Constructed(children) => list_len(children, depth_below(self.tag, depth)?),
        }
    }

    fn len_at(&self, depth: u8) -> Result<usize> {
        object_len(self.tag, self.value_len(depth)?)
    }

    fn encode_at<W: Writer + ?Sized>(&self, writer: &mut W, depth: u8) -> Result<()> {
        write_header(writer, self.tag, self.value_len(depth)?)?;
        match &self.value {
            Value::Primitive(bytes) => Ok(writer.write(bytes)?),
            Value::Constructed(children) => {
                let depth = depth_below(self.tag, depth)?;
                children.iter().try_for_each(|c| c.encode_at(writer, depth))
            }
        }
    }
}

fn depth_below(tag: Tag, depth: u8) -> Result<u8> {
    if depth >= MAX_ENCODE_DEPTH {
        let kind = ErrorKind::NestingTooDeep {
            limit: MAX_ENCODE_DEPTH,
        };
        return Err(Error::new(kind, Some(tag), 0));
    }
    Ok(depth.saturating_add(1))
}

fn list_len(list: &[Tlv], depth: u8) -> Result<usize> {
    list.iter().try_fold(0usize, |acc, tlv| {
        acc.checked_add(tlv.len_at(depth)?).ok_or(Error::new(
            ErrorKind::ValueTooLong,
            Some(tlv.tag),
            0,
        ))
    })
}

/// Copies a parsed list into owned objects (filler dropped).
pub fn to_owned_list(list: &Tlvs<'_>) -> Vec<Tlv> {
    list.iter().map(|tlv| Tlv::from_ref(&tlv)).collect()
}

/// Parses `input` under EMV rules into owned objects.
///
/// ```
/// use paywire_emv_tlv::{Encode as _, Tag, Value, parse_owned};
/// let mut list = parse_owned(&[0x9F, 0x36, 0x02, 0x00, 0x01])?;
/// list[0].value = Value::Primitive(vec![0x00, 0x02]); // the next ATC
/// assert_eq!(list[0].tag, Tag::APPLICATION_TRANSACTION_COUNTER);
/// assert_eq!(list.to_vec()?, [0x9F, 0x36, 0x02, 0x00, 0x02]);
/// # Ok::<(), paywire_emv_tlv::Error>(())
/// ```
pub fn parse_owned(input: &[u8]) -> Result<Vec<Tlv>> {
    Tlvs::parse(input).map(|list| to_owned_list(&list))
}

impl Encode for Tlv {
    fn encoded_len(&self) -> Result<usize> {
        self.len_at(0)
    }

    fn encode<W: Writer + ?Sized>(&self, writer: &mut W) -> Result<()> {
        self.encode_at(writer, 0)
    }
}

impl Encode for [Tlv] {
    fn encoded_len(&self) -> Result<usize> {
        list_len(self, 0)
    }

    fn encode<W: Writer + ?Sized>(&self, writer: &mut W) -> Result<()> {
        self.iter().try_for_each(|tlv| tlv.encode_at(writer, 0))
    }
}

impl Encode for Vec<Tlv> {
    fn encoded_len(&self) -> Result<usize> {
        self.as_slice().encoded_len()
    }

    fn encode<W: Writer + ?Sized>(&self, writer: &mut W) -> Result<()> {
        self.as_slice().encode(writer)
    }
}

impl From<TlvRef<'_>> for Tlv {
    fn from(tlv: TlvRef<'_>) -> Self {
        Self::from_ref(&tlv)
    }
}

impl core::fmt::Debug for Tlv {
    /// Tag and length only: values may hold a PAN or track data.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.value {
            Value::Primitive(bytes) => write!(f, "Tlv({} len {})", self.tag, bytes.len()),
            Value::Constructed(children) => f
                .debug_tuple("Tlv")
                .field(&self.tag)
                .field(children)
                .finish(),
        }
    }
}

impl core::fmt::Debug for Value {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Value::Primitive(bytes) => write!(f, "Primitive(len {})", bytes.len()),
            Value::Constructed(children) => f.debug_tuple("Constructed").field(children).finish(),
        }
    }
}
