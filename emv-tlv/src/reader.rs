//! The zero-copy reader: validate a TLV list once, then walk it without errors.
//!
//! [`Tlvs::parse`] checks every header, every length and every nested constructed value (up to a
//! nesting limit) in one pass. After that, iterating, descending and searching cannot fail and never
//! allocate: they borrow the input.

use core::iter::FusedIterator;

use crate::error::{Error, ErrorKind, Result};
use crate::header::{Header, short_shape, short_tag};
use crate::tag::Tag;

/// Default nesting limit: EMV's deepest common structure (FCI: `6F` ⊃ `A5` ⊃ `BF0C` ⊃ `61`) is 4.
pub const DEFAULT_MAX_DEPTH: u8 = 8;
/// The highest nesting limit [`DecodeOptions`] accepts; larger values are clamped to it.
pub const MAX_DEPTH_LIMIT: u8 = 32;

/// What the reader accepts beyond the canonical form.
///
/// EMV Book 3 Annex B allows `00` filler bytes before, between and after objects, and does not
/// require lengths in their shortest form, so [`DecodeOptions::EMV`] (the default) accepts both.
/// [`DecodeOptions::STRICT`] rejects them: input accepted in strict mode re-encodes to identical bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeOptions {
    /// Deepest nesting of constructed objects (a flat list is depth 0).
    pub max_depth: u8,
    /// Accept `00` bytes between objects (EMV Book 3 Annex B).
    pub allow_filler: bool,
    /// Accept long-form lengths that could be shorter (`81 05`).
    pub allow_non_minimal_length: bool,
}

impl DecodeOptions {
    /// EMV's rules: filler and non-minimal lengths accepted, nesting up to [`DEFAULT_MAX_DEPTH`].
    pub const EMV: Self = Self {
        max_depth: DEFAULT_MAX_DEPTH,
        allow_filler: true,
        allow_non_minimal_length: true,
    };

    /// Canonical form only: no filler, shortest lengths.
    pub const STRICT: Self = Self {
        max_depth: DEFAULT_MAX_DEPTH,
        allow_filler: false,
        allow_non_minimal_length: false,
    };

    /// The same options with another nesting limit (clamped to [`MAX_DEPTH_LIMIT`]).
    #[must_use]
    pub const fn with_max_depth(self, max_depth: u8) -> Self {
        let max_depth = if max_depth > MAX_DEPTH_LIMIT {
            MAX_DEPTH_LIMIT
        } else {
            max_depth
        };
        Self { max_depth, ..self }
    }
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self::EMV
    }
}

/// A validated list of TLV objects borrowed from the input (a DE 55, a CPM payload, the value of a
/// constructed object).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Tlvs<'a> {
    bytes: &'a [u8],
    /// Offset of `bytes` from the start of the original input.
    base: usize,
}

/// One validated TLV object borrowed from the input.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TlvRef<'a> {
    tag: Tag,
    raw: &'a [u8],
    header_len: usize,
    offset: usize,
}

impl<'a> Tlvs<'a> {
    /// Validates `input` as a TLV list under EMV's rules ([`DecodeOptions::EMV`]).
    ///
    /// ```
    /// use paywire_emv_tlv::{Tag, Tlvs};
    /// let list = Tlvs::parse(&[0x9F, 0x36, 0x02, 0x00, 0x01, 0x9F, 0x37, 0x04, 0x6D, 0x58, 0xEF, 0x13])?;
    /// assert_eq!(list.find(Tag::UNPREDICTABLE_NUMBER).map(|t| t.value()), Some(&[0x6D, 0x58, 0xEF, 0x13][..]));
    /// assert!(Tlvs::parse(&[0x9F, 0x36, 0x02, 0x00]).is_err()); // the value runs past the end
    /// # Ok::<(), paywire_emv_tlv::Error>(())
    /// ```
    pub fn parse(input: &'a [u8]) -> Result<Self> {
        Self::parse_with(input, DecodeOptions::EMV)
    }

    /// Validates `input` as a TLV list under `options`.
    pub fn parse_with(input: &'a [u8], options: DecodeOptions) -> Result<Self> {
        let options = options.with_max_depth(options.max_depth);
        validate_list(input, 0, &options, 0, None, &mut NoVisit)?;
        Ok(Self {
            bytes: input,
            base: 0,
        })
    }

    /// Validates `input` like [`Tlvs::parse_with`] and, in the same single pass, calls `visit`
    /// with every object and its depth (0 for the top level), parents before their children, in
    /// input order — a whole-tree walk that reads each header once instead of twice (validate,
    /// then iterate).
    ///
    /// `visit` sees each object as soon as it is checked, so on an error it has already seen the
    /// objects before the fault; the error is what counts. A caller that must not act on a
    /// partly valid list uses [`Tlvs::parse_with`] and then iterates.
    ///
    /// ```
    /// use paywire_emv_tlv::{DecodeOptions, Tlvs};
    /// // 70 { 5A 01 12, 9F02 01 34 }
    /// let data = [0x70, 0x07, 0x5A, 0x01, 0x12, 0x9F, 0x02, 0x01, 0x34];
    /// let mut seen = Vec::new();
    /// let list = Tlvs::parse_and_visit(&data, DecodeOptions::EMV, |depth, tlv| {
    ///     seen.push((depth, tlv.tag().number(), tlv.offset()));
    /// })?;
    /// assert_eq!(seen, [(0, 0x70, 0), (1, 0x5A, 2), (1, 0x9F02, 5)]);
    /// assert_eq!(list.as_bytes().len(), 9);
    /// # Ok::<(), paywire_emv_tlv::Error>(())
    /// ```
    pub fn parse_and_visit(
        input: &'a [u8],
        options: DecodeOptions,
        visit: impl FnMut(u8, TlvRef<'a>),
    ) -> Result<Self> {
        let options = options.with_max_depth(options.max_depth);
        validate_list(input, 0, &options, 0, None, &mut Visit(visit))?;
        Ok(Self {
            bytes: input,
            base: 0,
        })
    }

    /// An empty list.
    pub const fn empty() -> Self {
        Self {
            bytes: &[],
            base: 0,
        }
    }

    /// The exact bytes of the list, filler included.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Offset of the list from the start of the original input.
    pub const fn offset(&self) -> usize {
        self.base
    }

    /// True when the list holds no object (only filler, or nothing).
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The objects of this level, in order (filler skipped).
    pub fn iter(&self) -> Iter<'a> {
        Iter {
            rest: self.bytes,
            offset: self.base,
        }
    }

    /// The first object of this level with `tag` and a non-empty value. EMV Book 3 Annex B treats
    /// an object of length zero as absent; [`Tlvs::iter`] still yields such objects.
    pub fn find(&self, tag: Tag) -> Option<TlvRef<'a>> {
        self.iter()
            .find(|tlv| tlv.tag == tag && tlv.value_len() != 0)
    }

    /// Follows `path` down through constructed objects: `[61, 63, 9F26]` finds the cryptogram
    /// inside the first application template's transparent template. Each step uses [`Tlvs::find`].
    pub fn find_path(&self, path: &[Tag]) -> Option<TlvRef<'a>> {
        let (last, parents) = path.split_last()?;
        let mut level = *self;
        for &tag in parents {
            level = level.find(tag)?.children()?;
        }
        level.find(*last)
    }

    /// The first object with `tag` and a non-empty value anywhere in the tree, depth first.
    pub fn search(&self, tag: Tag) -> Option<TlvRef<'a>> {
        // Bounded: the tree was validated to at most MAX_DEPTH_LIMIT levels.
        self.iter().find_map(|tlv| {
            if tlv.tag == tag && tlv.value_len() != 0 {
                Some(tlv)
            } else {
                tlv.children().and_then(|children| children.search(tag))
            }
        })
    }
}

impl<'a> IntoIterator for Tlvs<'a> {
    type Item = TlvRef<'a>;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &Tlvs<'a> {
    type Item = TlvRef<'a>;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl core::fmt::Debug for Tlvs<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> TlvRef<'a> {
    /// Validates exactly one object that takes all of `input` (EMV rules).
    ///
    /// ```
    /// use paywire_emv_tlv::{Tag, TlvRef};
    /// let tlv = TlvRef::parse(&[0x5F, 0x2A, 0x02, 0x01, 0x56])?; // transaction currency: 156 (CNY)
    /// assert_eq!((tlv.tag(), tlv.value()), (Tag::TRANSACTION_CURRENCY_CODE, &[0x01, 0x56][..]));
    /// assert!(TlvRef::parse(&[0x5F, 0x2A, 0x02, 0x01, 0x56, 0x00]).is_err()); // a trailing byte
    /// # Ok::<(), paywire_emv_tlv::Error>(())
    /// ```
    pub fn parse(input: &'a [u8]) -> Result<Self> {
        Self::parse_with(input, DecodeOptions::EMV)
    }

    /// Validates exactly one object that takes all of `input`, under `options`.
    pub fn parse_with(input: &'a [u8], options: DecodeOptions) -> Result<Self> {
        let (tlv, rest) = Self::parse_prefix_with(input, options)?;
        if rest.is_empty() {
            Ok(tlv)
        } else {
            let kind = ErrorKind::TrailingData {
                remaining: rest.len(),
            };
            Err(Error::new(kind, None, tlv.raw.len()))
        }
    }

    /// Validates one object at the start of `input` and returns it with the bytes after it.
    pub fn parse_prefix(input: &'a [u8]) -> Result<(Self, &'a [u8])> {
        Self::parse_prefix_with(input, DecodeOptions::EMV)
    }

    /// [`TlvRef::parse_prefix`] under `options`.
    pub fn parse_prefix_with(input: &'a [u8], options: DecodeOptions) -> Result<(Self, &'a [u8])> {
        let options = options.with_max_depth(options.max_depth);
        let end = validate_object(input, 0, &options, 0)?;
        let (raw, rest) = input.split_at_checked(end).unwrap_or((input, &[]));
        let tlv =
            Self::from_validated(raw, 0).ok_or(Error::new(ErrorKind::TruncatedTag, None, 0))?;
        Ok((tlv, rest))
    }

    /// Reads the header of an object already validated; `None` only if it was not.
    fn from_validated(raw: &'a [u8], offset: usize) -> Option<Self> {
        let header = Header::read(raw).ok()?;
        Some(Self {
            tag: header.tag,
            raw,
            header_len: header.len,
            offset,
        })
    }

    /// The tag.
    pub const fn tag(&self) -> Tag {
        self.tag
    }

    /// The value bytes.
    pub fn value(&self) -> &'a [u8] {
        self.raw.get(self.header_len..).unwrap_or_default()
    }

    /// Length of the value in bytes.
    pub fn value_len(&self) -> usize {
        self.raw.len().saturating_sub(self.header_len)
    }

    /// The whole object as it appeared on the wire: tag, length and value.
    pub const fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Offset of the object's first byte from the start of the original input.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// Offset of the value's first byte from the start of the original input.
    pub const fn value_offset(&self) -> usize {
        self.offset.saturating_add(self.header_len)
    }

    /// True if the tag is constructed.
    pub const fn is_constructed(&self) -> bool {
        self.tag.is_constructed()
    }

    /// The nested list of a constructed object; `None` for a primitive one.
    pub fn children(&self) -> Option<Tlvs<'a>> {
        self.is_constructed().then(|| Tlvs {
            bytes: self.value(),
            base: self.value_offset(),
        })
    }
}

impl core::fmt::Debug for TlvRef<'_> {
    /// Shows tag, offset and value length only: values may hold a PAN or track data. Use
    /// [`crate::Describe`] for a masked view of the values.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut d = f.debug_struct("TlvRef");
        d.field("tag", &self.tag)
            .field("offset", &self.offset)
            .field("len", &self.value_len());
        if let Some(children) = self.children() {
            d.field("children", &children);
        }
        d.finish()
    }
}

/// Iterator over one level of a validated list (`Debug` shows where it is, never the values).
#[derive(Clone)]
pub struct Iter<'a> {
    rest: &'a [u8],
    offset: usize,
}

impl core::fmt::Debug for Iter<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Iter")
            .field("offset", &self.offset)
            .field("remaining", &self.rest.len())
            .finish()
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = TlvRef<'a>;

    #[inline]
    fn next(&mut self) -> Option<TlvRef<'a>> {
        let mut rest = self.rest;
        if rest.first() == Some(&0) {
            let skip = rest.iter().take_while(|&&b| b == 0).count();
            rest = rest.get(skip..)?;
            self.offset = self.offset.saturating_add(skip);
        }
        if rest.is_empty() {
            self.rest = rest;
            return None;
        }
        // The list was validated: the common shapes need none of the general path's checks.
        let (tag, header_len, end) = match short_shape(rest) {
            Some((len, value_len)) => (short_tag(rest, len), len, len.wrapping_add(value_len)),
            None => {
                let header = Header::read(rest).ok()?;
                let end = header.len.checked_add(header.value_len)?;
                (header.tag, header.len, end)
            }
        };
        let (raw, after) = rest.split_at_checked(end)?;
        let tlv = TlvRef {
            tag,
            raw,
            header_len,
            offset: self.offset,
        };
        self.rest = after;
        self.offset = self.offset.wrapping_add(end);
        Some(tlv)
    }
}

impl FusedIterator for Iter<'_> {}

/// Reads and checks the header at the start of `input` (which sits at `base`): length form
/// allowed, value inside `input`.
#[inline(always)]
fn checked_header(input: &[u8], base: usize, options: &DecodeOptions) -> Result<Header> {
    let header = match Header::read(input) {
        Ok(header) => header,
        Err(e) => return Err(e.with_base(base)),
    };
    if header.non_minimal && !options.allow_non_minimal_length {
        return Err(header_error(ErrorKind::NonMinimalLength, &header, base));
    }
    let available = input.len().saturating_sub(header.len);
    if header.value_len > available {
        let kind = ErrorKind::ValuePastEnd {
            length: header.value_len,
            available,
        };
        return Err(header_error(kind, &header, base));
    }
    Ok(header)
}

/// An error about a header's length field.
#[cold]
fn header_error(kind: ErrorKind, header: &Header, base: usize) -> Error {
    Error::new(
        kind,
        Some(header.tag),
        base.saturating_add(header.tag.len()),
    )
}

/// Checks one object at the start of `input`; returns its total length.
fn validate_object(input: &[u8], base: usize, options: &DecodeOptions, depth: u8) -> Result<usize> {
    let header = checked_header(input, base, options)?;
    let end = header.len.saturating_add(header.value_len);
    if header.tag.is_constructed() {
        let value = input.get(header.len..end).unwrap_or_default();
        validate_list(
            value,
            base.saturating_add(header.len),
            options,
            depth,
            Some(header.tag),
            &mut NoVisit,
        )?;
    }
    Ok(end)
}

/// Receives every object [`validate_list`] has checked. `ACTIVE` is false for plain validation,
/// so that path does not build the objects at all.
trait Visitor<'a> {
    const ACTIVE: bool;
    fn visit(&mut self, depth: u8, tlv: TlvRef<'a>);
}

/// Plain validation: nothing to visit.
struct NoVisit;

impl Visitor<'_> for NoVisit {
    const ACTIVE: bool = false;
    #[inline(always)]
    fn visit(&mut self, _: u8, _: TlvRef<'_>) {}
}

/// A caller's closure.
struct Visit<F>(F);

impl<'a, F: FnMut(u8, TlvRef<'a>)> Visitor<'a> for Visit<F> {
    const ACTIVE: bool = true;
    #[inline(always)]
    fn visit(&mut self, depth: u8, tlv: TlvRef<'a>) {
        (self.0)(depth, tlv);
    }
}

/// Checks every object of a list whose enclosing object (if any) sits at `depth`, handing each
/// checked object to `visitor` (with its depth) before its children are checked. Recurses only
/// into constructed objects, at most `max_depth` levels.
fn validate_list<'a, V: Visitor<'a>>(
    input: &'a [u8],
    base: usize,
    options: &DecodeOptions,
    depth: u8,
    parent: Option<Tag>,
    visitor: &mut V,
) -> Result<()> {
    let depth = match parent {
        Some(_) if depth >= options.max_depth => {
            let kind = ErrorKind::NestingTooDeep {
                limit: options.max_depth,
            };
            return Err(Error::new(kind, parent, base));
        }
        Some(_) => depth.saturating_add(1),
        None => depth,
    };
    let mut rest = input;
    while let Some((&first, tail)) = rest.split_first() {
        // Offset of `rest` in the original input; only errors, visits and nested lists need it.
        let here = || base.saturating_add(input.len().saturating_sub(rest.len()));
        if first == 0 {
            if !options.allow_filler {
                return Err(Error::new(ErrorKind::Filler, parent, here()));
            }
            rest = tail;
            continue;
        }
        // The shapes DE 55 is made of (1- or 2-byte tag, short length) are decoded inline; every
        // other header, and every value that does not fit, takes the checked path, which also
        // builds the error. The tag is not decoded here: the position of the next object must
        // not wait for it (this loop is a chain of dependent loads).
        let fast = short_shape(rest)
            .map(|(len, value_len)| (len, len.wrapping_add(value_len), first & 0x20 != 0));
        let (header_len, end, constructed) = match fast.filter(|&(_, end, _)| end <= rest.len()) {
            Some(shape) => shape,
            None => {
                let header = checked_header(rest, here(), options)?;
                let end = header.len.saturating_add(header.value_len);
                (header.len, end, header.tag.is_constructed())
            }
        };
        let (object, after) = rest.split_at_checked(end).unwrap_or((rest, &[]));
        if V::ACTIVE || constructed {
            // Checked above, so the header reads again; the fallback is never taken.
            let tag = Header::read(object).map_or(Tag::known(u32::from(first)), |h| h.tag);
            let offset = here();
            visitor.visit(
                depth,
                TlvRef {
                    tag,
                    raw: object,
                    header_len,
                    offset,
                },
            );
            if constructed {
                let value = object.get(header_len..).unwrap_or_default();
                let value_base = offset.saturating_add(header_len);
                validate_list(value, value_base, options, depth, Some(tag), visitor)?;
            }
        }
        rest = after;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(n: u32) -> Tag {
        Tag::new(n).unwrap()
    }

    #[test]
    fn walks_and_descends() {
        // 61 { 4F 01 AA, 50 00 }, 9F26 02 1122
        let bytes = [
            0x61, 0x05, 0x4F, 0x01, 0xAA, 0x50, 0x00, 0x9F, 0x26, 0x02, 0x11, 0x22,
        ];
        let list = Tlvs::parse(&bytes).unwrap();
        let top: [_; 2] = core::array::from_fn(|i| list.iter().nth(i).unwrap());
        assert_eq!(top[0].tag(), tag(0x61));
        assert_eq!(top[1].value(), &[0x11, 0x22]);
        assert_eq!(top[1].offset(), 7);
        let kids = top[0].children().unwrap();
        assert_eq!(kids.offset(), 2);
        assert_eq!(kids.iter().count(), 2);
        assert_eq!(
            list.find_path(&[tag(0x61), tag(0x4F)]).unwrap().value(),
            &[0xAA]
        );
        // 50 has length 0: absent for find, present for iter.
        assert!(list.find_path(&[tag(0x61), tag(0x50)]).is_none());
        assert_eq!(list.search(tag(0x4F)).unwrap().value_offset(), 4);
        assert!(list.iter().nth(2).is_none());
    }

    #[test]
    fn filler_is_emv_but_not_strict() {
        let bytes = [0x00, 0x5A, 0x01, 0x12, 0x00, 0x00];
        let list = Tlvs::parse(&bytes).unwrap();
        assert_eq!(list.iter().count(), 1);
        assert_eq!(list.iter().next().unwrap().offset(), 1);
        let e = Tlvs::parse_with(&bytes, DecodeOptions::STRICT).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Filler, 0));
        assert!(Tlvs::parse(&[0, 0]).unwrap().is_empty());
    }

    #[test]
    fn non_minimal_length_is_emv_but_not_strict() {
        let bytes = [0x5A, 0x81, 0x01, 0x12];
        assert_eq!(
            Tlvs::parse(&bytes).unwrap().iter().next().unwrap().value(),
            &[0x12]
        );
        let e = Tlvs::parse_with(&bytes, DecodeOptions::STRICT).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset(), e.tag()),
            (ErrorKind::NonMinimalLength, 1, Some(tag(0x5A)))
        );
    }

    #[test]
    fn nested_errors_carry_absolute_offsets() {
        // 70 { 9F26 05 (only 2 bytes) }
        let bytes = [0x70, 0x05, 0x9F, 0x26, 0x05, 0x01, 0x02];
        let e = Tlvs::parse(&bytes).unwrap_err();
        assert_eq!(
            e.kind(),
            ErrorKind::ValuePastEnd {
                length: 5,
                available: 2
            }
        );
        assert_eq!((e.offset(), e.tag()), (4, Some(tag(0x9F26))));
    }

    #[test]
    fn nesting_limit() {
        // 61 { 61 { 61 { } } }: depth 3.
        let bytes = [0x61, 0x04, 0x61, 0x02, 0x61, 0x00];
        assert!(Tlvs::parse_with(&bytes, DecodeOptions::EMV.with_max_depth(3)).is_ok());
        let e = Tlvs::parse_with(&bytes, DecodeOptions::EMV.with_max_depth(2)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NestingTooDeep { limit: 2 });
        assert_eq!(e.offset(), 6);
        assert_eq!(
            DecodeOptions::EMV.with_max_depth(200).max_depth,
            MAX_DEPTH_LIMIT
        );
    }

    #[test]
    fn exact_and_prefix_parse() {
        let bytes = [0x5A, 0x01, 0x12, 0x9F];
        let (tlv, rest) = TlvRef::parse_prefix(&bytes).unwrap();
        assert_eq!((tlv.tag(), rest), (tag(0x5A), &[0x9F][..]));
        let e = TlvRef::parse(&bytes).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::TrailingData { remaining: 1 }, 3)
        );
        assert_eq!(TlvRef::parse(&bytes[..3]).unwrap().raw(), &bytes[..3]);
    }
}
