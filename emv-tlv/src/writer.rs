//! Encoding: exact lengths first, then bytes into a caller's slice (or a `Vec` with `alloc`).
//!
//! Two ways to build: types that implement [`Encode`] ([`Primitive`], [`TlvRef`], [`Tlvs`] and,
//! with `alloc`, the owned [`crate::Tlv`]), and [`TlvBuilder`] for nesting without an allocator — it
//! computes every constructed object's length itself.

use crate::error::{Error, ErrorKind, Result};
use crate::header::{MAX_HEADER_LEN, encode_length, length_len_checked};
use crate::reader::{TlvRef, Tlvs};
use crate::tag::Tag;

/// Deepest nesting the encoders follow (the same bound the reader can be configured to).
pub(crate) const MAX_ENCODE_DEPTH: u8 = crate::reader::MAX_DEPTH_LIMIT;

/// A sink for encoded bytes: the one every paywire encoder writes to (emv-tlv's TLV, iso8583's
/// messages and frames, emvqr's merchant payloads).
///
/// A writer takes all of `bytes` or none of them; when they do not fit it says so with [`Full`],
/// which each crate turns into its own error (`BufferTooSmall { needed, capacity }`).
pub trait Writer {
    /// Appends `bytes`, or writes nothing and reports [`Full`].
    fn write(&mut self, bytes: &[u8]) -> core::result::Result<(), Full>;
}

/// The bytes given to a [`Writer`] did not fit: `needed` is what everything written so far plus
/// them would take, `available` what the writer holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Full {
    /// Bytes needed, counting what was already written.
    pub needed: usize,
    /// Bytes the writer holds.
    pub available: usize,
}

impl From<Full> for Error {
    fn from(full: Full) -> Self {
        let kind = ErrorKind::BufferTooSmall {
            needed: full.needed,
            capacity: full.available,
        };
        Self::new(kind, None, full.available)
    }
}

/// Writes into a caller-provided slice (`Debug` shows position and capacity, never the bytes).
pub struct SliceWriter<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl core::fmt::Debug for SliceWriter<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SliceWriter")
            .field("position", &self.pos)
            .field("capacity", &self.buf.len())
            .finish()
    }
}

impl<'b> SliceWriter<'b> {
    /// A writer at the start of `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes written so far.
    pub const fn position(&self) -> usize {
        self.pos
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        self.buf.get(..self.pos).unwrap_or_default()
    }

    /// The written part of the buffer.
    pub fn finish(self) -> &'b [u8] {
        let Self { buf, pos } = self;
        buf.get(..pos).unwrap_or_default()
    }
}

impl Writer for SliceWriter<'_> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> core::result::Result<(), Full> {
        let end = self.pos.saturating_add(bytes.len());
        let available = self.buf.len();
        let dest = self.buf.get_mut(self.pos..end).ok_or(Full {
            needed: end,
            available,
        })?;
        dest.copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }
}

/// Counts bytes instead of writing them: how the builders learn lengths.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counter {
    len: usize,
}

impl Counter {
    /// A counter at zero.
    pub const fn new() -> Self {
        Self { len: 0 }
    }

    /// Bytes counted.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// True when nothing was counted.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Writer for Counter {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> core::result::Result<(), Full> {
        // Past usize::MAX bytes nothing can hold the encoding.
        self.len = self.len.checked_add(bytes.len()).ok_or(Full {
            needed: usize::MAX,
            available: usize::MAX,
        })?;
        Ok(())
    }
}

#[cfg(feature = "alloc")]
impl Writer for alloc::vec::Vec<u8> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> core::result::Result<(), Full> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

impl<W: Writer + ?Sized> Writer for &mut W {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> core::result::Result<(), Full> {
        (**self).write(bytes)
    }
}

/// Something that encodes to BER-TLV bytes of a length known in advance.
pub trait Encode {
    /// Exact number of bytes [`Encode::encode`] writes.
    fn encoded_len(&self) -> Result<usize>;

    /// Writes the encoding.
    fn encode<W: Writer + ?Sized>(&self, writer: &mut W) -> Result<()>;

    /// Writes the encoding at the start of `buf` and returns the written part. Checks the size
    /// first, so nothing is written when `buf` is too small.
    fn encode_to_slice<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8]> {
        let needed = self.encoded_len()?;
        if needed > buf.len() {
            let kind = ErrorKind::BufferTooSmall {
                needed,
                capacity: buf.len(),
            };
            return Err(Error::new(kind, None, 0));
        }
        let mut writer = SliceWriter::new(buf);
        self.encode(&mut writer)?;
        Ok(writer.finish())
    }

    /// The encoding in a new `Vec`, allocated once at the exact size.
    #[cfg(feature = "alloc")]
    fn to_vec(&self) -> Result<alloc::vec::Vec<u8>> {
        let mut out = alloc::vec::Vec::with_capacity(self.encoded_len()?);
        self.encode(&mut out)?;
        Ok(out)
    }
}

/// Writes a tag and the minimal length field for `value_len`.
pub(crate) fn write_header<W: Writer + ?Sized>(
    writer: &mut W,
    tag: Tag,
    value_len: usize,
) -> Result<()> {
    let (length, n) =
        encode_length(value_len).ok_or(Error::new(ErrorKind::ValueTooLong, Some(tag), 0))?;
    let mut header = [0u8; MAX_HEADER_LEN];
    let tag_bytes = tag.bytes();
    let tag_bytes = tag_bytes.as_ref();
    let total = tag_bytes.len().saturating_add(n);
    let (t, l) = header.split_at_mut(tag_bytes.len());
    t.copy_from_slice(tag_bytes);
    if let (Some(dest), Some(src)) = (l.get_mut(..n), length.get(..n)) {
        dest.copy_from_slice(src);
    }
    Ok(writer.write(header.get(..total).unwrap_or_default())?)
}

/// Total size of an object with a `value_len`-byte value.
pub(crate) fn object_len(tag: Tag, value_len: usize) -> Result<usize> {
    length_len_checked(value_len)
        .and_then(|n| n.checked_add(tag.len()))
        .and_then(|n| n.checked_add(value_len))
        .ok_or(Error::new(ErrorKind::ValueTooLong, Some(tag), 0))
}

/// A primitive object made of a tag and borrowed value bytes (`Debug` shows the tag and the
/// value's length: the value may be a PAN or track data).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Primitive<'v> {
    /// The tag.
    pub tag: Tag,
    /// The value.
    pub value: &'v [u8],
}

impl core::fmt::Debug for Primitive<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Primitive")
            .field("tag", &self.tag)
            .field("len", &self.value.len())
            .finish()
    }
}

impl Encode for Primitive<'_> {
    fn encoded_len(&self) -> Result<usize> {
        object_len(self.tag, self.value.len())
    }

    fn encode<W: Writer + ?Sized>(&self, writer: &mut W) -> Result<()> {
        write_header(writer, self.tag, self.value.len())?;
        Ok(writer.write(self.value)?)
    }
}

impl Encode for TlvRef<'_> {
    /// A parsed object re-encodes to exactly the bytes it was parsed from.
    fn encoded_len(&self) -> Result<usize> {
        Ok(self.raw().len())
    }

    fn encode<W: Writer + ?Sized>(&self, writer: &mut W) -> Result<()> {
        Ok(writer.write(self.raw())?)
    }
}

impl Encode for Tlvs<'_> {
    /// A parsed list re-encodes to exactly the bytes it was parsed from (filler included).
    fn encoded_len(&self) -> Result<usize> {
        Ok(self.as_bytes().len())
    }

    fn encode<W: Writer + ?Sized>(&self, writer: &mut W) -> Result<()> {
        Ok(writer.write(self.as_bytes())?)
    }
}

/// Builds a TLV list into any [`Writer`], nesting constructed objects without an allocator.
///
/// A constructed object's contents are given as a closure; the builder runs it once against a
/// [`Counter`] to learn the length, then again to write. The closure must therefore produce the
/// same objects both times (it normally does: it only calls the builder).
///
/// ```
/// use paywire_emv_tlv::{Tag, TlvBuilder, SliceWriter};
/// let mut buf = [0u8; 32];
/// let mut out = SliceWriter::new(&mut buf);
/// TlvBuilder::new(&mut out)
///     .primitive(Tag::PAYLOAD_FORMAT_INDICATOR, b"CPV01")?
///     .constructed(Tag::APPLICATION_TEMPLATE, |app| {
///         app.primitive(Tag::APPLICATION_IDENTIFIER, &[0xA0, 0, 0, 0, 0x55, 0x55, 0x55])?;
///         Ok(())
///     })?;
/// assert_eq!(out.finish(), &[0x85, 5, b'C', b'P', b'V', b'0', b'1',
///                            0x61, 9, 0x4F, 7, 0xA0, 0, 0, 0, 0x55, 0x55, 0x55]);
/// # Ok::<(), paywire_emv_tlv::Error>(())
/// ```
pub struct TlvBuilder<'w> {
    writer: &'w mut dyn Writer,
    depth: u8,
}

impl<'w> TlvBuilder<'w> {
    /// A builder appending to `writer`.
    pub fn new(writer: &'w mut dyn Writer) -> Self {
        Self { writer, depth: 0 }
    }

    /// Appends a primitive object.
    pub fn primitive(&mut self, tag: Tag, value: &[u8]) -> Result<&mut Self> {
        Primitive { tag, value }.encode(&mut *self.writer)?;
        Ok(self)
    }

    /// Appends anything that encodes itself (a parsed object or list copied through unchanged,
    /// an owned tree).
    pub fn append(&mut self, item: &impl Encode) -> Result<&mut Self> {
        item.encode(&mut *self.writer)?;
        Ok(self)
    }

    /// Appends a constructed object whose contents `contents` builds.
    pub fn constructed<F>(&mut self, tag: Tag, mut contents: F) -> Result<&mut Self>
    where
        F: FnMut(&mut TlvBuilder<'_>) -> Result<()>,
    {
        if self.depth >= MAX_ENCODE_DEPTH {
            let kind = ErrorKind::NestingTooDeep {
                limit: MAX_ENCODE_DEPTH,
            };
            return Err(Error::new(kind, Some(tag), 0));
        }
        let depth = self.depth.saturating_add(1);
        let mut counter = Counter::new();
        contents(&mut TlvBuilder {
            writer: &mut counter,
            depth,
        })?;
        write_header(&mut *self.writer, tag, counter.len())?;
        contents(&mut TlvBuilder {
            writer: &mut *self.writer,
            depth,
        })?;
        Ok(self)
    }
}

/// Builds a list with `contents` into `buf`, returning the written part.
pub fn build_to_slice<F>(buf: &mut [u8], contents: F) -> Result<&[u8]>
where
    F: FnOnce(&mut TlvBuilder<'_>) -> Result<()>,
{
    let mut out = SliceWriter::new(buf);
    contents(&mut TlvBuilder::new(&mut out))?;
    Ok(out.finish())
}

/// The exact number of bytes `contents` builds.
pub fn build_len<F>(contents: F) -> Result<usize>
where
    F: FnOnce(&mut TlvBuilder<'_>) -> Result<()>,
{
    let mut counter = Counter::new();
    contents(&mut TlvBuilder::new(&mut counter))?;
    Ok(counter.len())
}

/// Builds a list with `contents` into a new `Vec`.
#[cfg(feature = "alloc")]
pub fn build_to_vec<F>(contents: F) -> Result<alloc::vec::Vec<u8>>
where
    F: FnOnce(&mut TlvBuilder<'_>) -> Result<()>,
{
    let mut out = alloc::vec::Vec::new();
    contents(&mut TlvBuilder::new(&mut out))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_too_small_writes_nothing() {
        let mut buf = [0u8; 3];
        let e = Primitive {
            tag: Tag::APPLICATION_PAN,
            value: &[1, 2],
        }
        .encode_to_slice(&mut buf)
        .unwrap_err();
        assert_eq!(
            e.kind(),
            ErrorKind::BufferTooSmall {
                needed: 4,
                capacity: 3
            }
        );
        assert_eq!(buf, [0, 0, 0]);
    }

    #[test]
    fn long_form_lengths_are_written() {
        let value = [0xAB; 200];
        let mut buf = [0u8; 210];
        let out = Primitive {
            tag: Tag::ISSUER_APPLICATION_DATA,
            value: &value,
        }
        .encode_to_slice(&mut buf)
        .unwrap();
        assert_eq!(&out[..4], &[0x9F, 0x10, 0x81, 200]);
        assert_eq!(out.len(), 204);
    }

    #[test]
    fn builder_lengths_match_counter() {
        let build = |b: &mut TlvBuilder<'_>| -> Result<()> {
            b.constructed(Tag::APPLICATION_TEMPLATE, |b| {
                b.primitive(Tag::APPLICATION_LABEL, &[b'x'; 130])?;
                b.constructed(Tag::APPLICATION_SPECIFIC_TRANSPARENT_TEMPLATE, |b| {
                    b.primitive(Tag::APPLICATION_CRYPTOGRAM, &[1; 8])?;
                    Ok(())
                })?;
                Ok(())
            })?;
            Ok(())
        };
        let len = build_len(build).unwrap();
        let mut buf = [0u8; 160];
        let out = build_to_slice(&mut buf[..len], build).unwrap();
        assert_eq!(out.len(), len);
        // 61 81 92 (146 = 3 + 130 + 2 + 11) { 50 81 82 'x'*130, 63 0B { 9F26 08 .. } }
        assert_eq!(&out[..3], &[0x61, 0x81, 0x92]);
        let list = Tlvs::parse_with(out, crate::DecodeOptions::STRICT).unwrap();
        let cryptogram = list
            .find_path(&[
                Tag::APPLICATION_TEMPLATE,
                Tag::APPLICATION_SPECIFIC_TRANSPARENT_TEMPLATE,
                Tag::APPLICATION_CRYPTOGRAM,
            ])
            .unwrap();
        assert_eq!(cryptogram.value(), &[1; 8]);
    }
}
