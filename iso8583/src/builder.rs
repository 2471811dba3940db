//! `MessageBuilder`: set fields (checked when set), then encode with derived bitmaps, prefixes
//! and, optionally, a MAC — without an allocator.

use crate::bitmap::Bitmap;
use crate::error::{Error, ErrorKind, Result};
use crate::field::{self, SliceWriter, Writer, write::Padded};
use crate::mti::Mti;
use crate::mti::{mti_len, write_mti};
use crate::spec::{FieldSpec, Length, MAX_FIELD, Pad, Spec};

/// One field set: the definition the value was checked against (its `number` is the field's)
/// and the value.
type Entry<'s, 'v> = (&'s FieldSpec<'s>, &'v [u8]);

/// Builds a message from borrowed values. Values are logical: text as characters (digits for
/// numeric fields, whatever the wire encoding), binary fields as bytes.
///
/// The fields are kept in field-number order in an array of `N` entries (two references each):
/// [`MessageBuilder::new`] holds any message (`N` = 192); firmware that builds messages of a
/// known shape on a small stack chooses its own bound with [`MessageBuilder::with_capacity`].
///
/// ```
/// use paywire_iso8583::{MessageBuilder, MessageRef, Mti, builtin::ISO87ASCII};
/// let mut b = MessageBuilder::new(&ISO87ASCII, Mti::FINANCIAL_REQUEST);
/// b.set(2, b"4761739001010010")?.set(3, b"000000")?.set(4, b"000000001000")?;
/// let mut buf = [0u8; 128];
/// let bytes = b.encode_to_slice(&mut buf)?;
/// assert_eq!(bytes, b"02007000000000000000164761739001010010000000000000001000");
/// let m = MessageRef::parse(&ISO87ASCII, bytes)?;
/// assert_eq!(m.amount(), Some(1000));
/// # Ok::<(), paywire_iso8583::Error>(())
/// ```
#[derive(Clone)]
pub struct MessageBuilder<'s, 'v, const N: usize = { MAX_FIELD as usize }> {
    spec: &'s Spec<'s>,
    mti: Mti,
    /// Data fields set (bits 1 and 65 derived when encoding).
    present: Bitmap,
    /// The fields set, in field-number order, in `entries[..len]`; a value shorter than its
    /// fixed length is padded when written.
    entries: [Option<Entry<'s, 'v>>; N],
    len: usize,
}

impl<'s, 'v> MessageBuilder<'s, 'v> {
    /// An empty message of type `mti`, able to hold every field.
    pub const fn new(spec: &'s Spec<'s>, mti: Mti) -> Self {
        Self::with_capacity(spec, mti)
    }
}

impl<'s, 'v, const N: usize> MessageBuilder<'s, 'v, N> {
    /// An empty message of type `mti` that holds at most `N` fields (two references each: 16
    /// bytes on a 64-bit machine, 12 on a 32-bit one), for a stack that cannot spare room for
    /// all 192. Setting a field beyond `N` fails with [`ErrorKind::TooManyFields`]; encoding
    /// with a MAC needs room for the MAC field too.
    ///
    /// ```
    /// use paywire_iso8583::{ErrorKind, MessageBuilder, Mti, builtin::ISO87ASCII};
    /// let mut b = MessageBuilder::<2>::with_capacity(&ISO87ASCII, Mti::FINANCIAL_REQUEST);
    /// b.set(3, b"000000")?.set(11, b"000001")?;
    /// b.set(3, b"310000")?; // replaces field 3
    /// assert_eq!(b.set(4, b"000000001000").unwrap_err().kind(), ErrorKind::TooManyFields { capacity: 2 });
    /// # Ok::<(), paywire_iso8583::Error>(())
    /// ```
    pub const fn with_capacity(spec: &'s Spec<'s>, mti: Mti) -> Self {
        Self {
            spec,
            mti,
            present: Bitmap::new(),
            entries: [None; N],
            len: 0,
        }
    }

    /// The fields set, in order.
    fn set_entries(&self) -> impl Iterator<Item = Entry<'s, 'v>> + '_ {
        self.entries.iter().take(self.len).filter_map(|e| *e)
    }

    /// Where field `number` is, or where it would go.
    fn position(&self, number: u8) -> core::result::Result<usize, usize> {
        let set = self.entries.get(..self.len).unwrap_or_default();
        // Fields are usually set in order: the end first.
        match set.last() {
            None => return Err(0),
            Some(Some((spec, _))) if spec.number < number => return Err(self.len),
            _ => {}
        }
        set.binary_search_by_key(&number, |e| e.map_or(0, |(spec, _)| spec.number))
    }

    /// The spec.
    pub const fn spec(&self) -> &'s Spec<'s> {
        self.spec
    }

    /// The message type.
    pub const fn mti(&self) -> Mti {
        self.mti
    }

    /// Changes the message type. Set it before the fields when the spec has per-MTI
    /// overrides: values are checked against the definitions of the MTI current when set.
    pub fn set_mti(&mut self, mti: Mti) -> &mut Self {
        self.mti = mti;
        // Per-MTI overrides may change which definition applies: re-resolve, and drop values
        // the new definition does not accept.
        let mut kept = 0usize;
        for i in 0..self.len {
            let Some(Some((old, value))) = self.entries.get(i).copied() else {
                continue;
            };
            let keep = self.spec.field_for(mti, old.number).and_then(|spec| {
                field::write::check_logical(spec, value)
                    .ok()
                    .map(|()| (spec, value))
            });
            match keep {
                Some(entry) => {
                    if let Some(slot) = self.entries.get_mut(kept) {
                        *slot = Some(entry);
                    }
                    kept = kept.saturating_add(1);
                }
                None => self.present.clear(old.number),
            }
        }
        for slot in self.entries.iter_mut().take(self.len).skip(kept) {
            *slot = None;
        }
        self.len = kept;
        self
    }

    fn field_spec(&self, number: u8) -> Result<&'s FieldSpec<'s>> {
        let spec = self.spec.definition(self.mti, number)?;
        spec.check_supported(0)?;
        Ok(spec)
    }

    /// Sets field `number` to `value`, checking length and characters against the spec.
    pub fn set(&mut self, number: u8, value: &'v [u8]) -> Result<&mut Self> {
        let spec = self.field_spec(number)?;
        field::write::check_logical(spec, value)?;
        self.store(number, spec, value)?;
        Ok(self)
    }

    fn store(&mut self, number: u8, spec: &'s FieldSpec<'s>, value: &'v [u8]) -> Result<()> {
        match self.position(number) {
            Ok(i) => {
                if let Some(slot) = self.entries.get_mut(i) {
                    *slot = Some((spec, value));
                }
            }
            Err(i) => {
                if self.len >= N {
                    let kind = ErrorKind::TooManyFields { capacity: N };
                    return Err(Error::new(kind, Some(number), 0));
                }
                // Entries from `i` move up one (a loop of swaps: no path that can panic).
                let mut carry = Some((spec, value));
                let moved = self.len.saturating_sub(i).saturating_add(1);
                for slot in self.entries.iter_mut().skip(i).take(moved) {
                    carry = core::mem::replace(slot, carry);
                }
                self.len = self.len.saturating_add(1);
            }
        }
        self.present.set(number);
        // Field 65 has a definition only where the spec reads bit 65 as that field (no
        // tertiary bitmap): the bitmap says so from here on, once, not on every encode.
        if number == 65 {
            self.present = self.present.with_field65_data();
        }
        Ok(())
    }

    /// Sets field `number` to text.
    pub fn set_str(&mut self, number: u8, value: &'v str) -> Result<&mut Self> {
        self.set(number, value.as_bytes())
    }

    /// Sets a fixed-length field to a shorter value, padded as the spec says (numeric fields
    /// with leading zeros, text with trailing spaces). The parsed message then holds the padded
    /// value.
    pub fn set_padded(&mut self, number: u8, value: &'v [u8]) -> Result<&mut Self> {
        let spec = self.field_spec(number)?;
        let (Length::Fixed(n), Pad::Left(c) | Pad::Right(c)) = (spec.length, spec.pad) else {
            return self.set(number, value);
        };
        let n = usize::from(n);
        if value.len() > n {
            let kind = ErrorKind::TooLong {
                length: value.len(),
                max: n,
            };
            return Err(Error::new(kind, Some(number), 0));
        }
        spec.content
            .check(core::iter::repeat_n(c, 1).chain(value.iter().copied()))
            .map_err(|i| {
                Error::new(
                    ErrorKind::BadCharacter {
                        index: i.saturating_sub(1),
                    },
                    Some(number),
                    0,
                )
            })?;
        self.store(number, spec, value)?;
        Ok(self)
    }

    /// Removes field `number`.
    pub fn remove(&mut self, number: u8) -> &mut Self {
        if let Ok(i) = self.position(number) {
            // Entries after `i` move down one.
            let mut carry = None;
            for slot in self.entries.iter_mut().take(self.len).skip(i).rev() {
                carry = core::mem::replace(slot, carry);
            }
            self.len = self.len.saturating_sub(1);
            self.present.clear(number);
        }
        self
    }

    /// The value set for field `number` (unpadded).
    pub fn get(&self, number: u8) -> Option<&'v [u8]> {
        let i = self.position(number).ok()?;
        self.entries
            .get(i)
            .copied()
            .flatten()
            .map(|(_, value)| value)
    }

    /// The bitmap the message will carry (bits 1 and 65 derived).
    pub fn bitmap(&self) -> Bitmap {
        self.present.with_extension_bits()
    }

    /// The present fields with their definitions and values (padding made explicit).
    fn entries(&self) -> impl Iterator<Item = (u8, &'s FieldSpec<'s>, Padded<'v>)> + '_ {
        self.set_entries().map(|(spec, value)| {
            let padded = match (spec.length, spec.pad) {
                (Length::Fixed(len), Pad::Left(c) | Pad::Right(c))
                    if value.len() < usize::from(len) =>
                {
                    Padded {
                        value,
                        pad: c,
                        count: usize::from(len).saturating_sub(value.len()),
                        left: matches!(spec.pad, Pad::Left(_)),
                    }
                }
                _ => Padded::plain(value),
            };
            (spec.number, spec, padded)
        })
    }

    fn write_fields<W: Writer + ?Sized>(&self, w: &mut W, skip: Option<u8>) -> Result<()> {
        write_mti(self.spec.mti, self.mti, w)?;
        self.bitmap().write(self.spec.bitmap, w)?;
        for (n, spec, value) in self.entries() {
            if Some(n) != skip {
                field::write::write_field(spec, value, w)?;
            }
        }
        Ok(())
    }

    /// Exact number of bytes [`MessageBuilder::encode`] writes.
    pub fn encoded_len(&self) -> usize {
        let fixed = mti_len(self.spec.mti).saturating_add(self.bitmap().wire_len(self.spec.bitmap));
        self.entries().fold(fixed, |len, (_, spec, value)| {
            len.saturating_add(field::write::field_len(spec, value.len()))
        })
    }

    /// Writes the message.
    pub fn encode<W: Writer + ?Sized>(&self, w: &mut W) -> Result<()> {
        self.write_fields(w, None)
    }

    /// Writes the message at the start of `buf` and returns the written part. When `buf` is too
    /// small the error gives the size needed, and the buffer's contents are unspecified.
    pub fn encode_to_slice<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8]> {
        if let Some(len) = self.put(buf) {
            return Ok(buf.get(..len).unwrap_or_default());
        }
        // A shape `put` leaves to the writers, or a buffer too small: the general path, which
        // also says how big the buffer must be.
        let capacity = buf.len();
        let mut w = SliceWriter::new(buf);
        match self.encode(&mut w) {
            Ok(()) => Ok(w.finish()),
            // One pass when the buffer is big enough; the exact size only for the error.
            Err(e) if matches!(e.kind(), ErrorKind::BufferTooSmall { .. }) => {
                let kind = ErrorKind::BufferTooSmall {
                    needed: self.encoded_len(),
                    capacity,
                };
                Err(Error::new(kind, None, 0))
            }
            Err(e) => Err(e),
        }
    }

    /// Writes the message straight into `buf` (see [`field::write::put_field`]); `None` when a field
    /// needs the general writer or `buf` is too small.
    fn put(&self, buf: &mut [u8]) -> Option<usize> {
        let mut w = SliceWriter::new(buf);
        write_mti(self.spec.mti, self.mti, &mut w).ok()?;
        self.bitmap().write(self.spec.bitmap, &mut w).ok()?;
        let mut pos = w.position();
        for (_, spec, value) in self.entries() {
            pos = field::write::put_field(spec, value, buf, pos)?;
        }
        Some(pos)
    }

    /// The message in a new `Vec`, allocated once at the exact size.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> Result<alloc::vec::Vec<u8>> {
        let mut out = alloc::vec::Vec::with_capacity(self.encoded_len());
        self.encode(&mut out)?;
        Ok(out)
    }

    /// Encodes with a MAC: field 128 when any field above 64 is present, else field 64. The MAC
    /// field's bit is set, every other field written, then `mac` is called with exactly those
    /// bytes (MTI to the last field before the MAC — what [`crate::MessageRef::mac_input`]
    /// returns) and an output slice of the MAC field's length, and the MAC field is written.
    pub fn encode_with_mac<'b, F>(&mut self, buf: &'b mut [u8], mac: F) -> Result<&'b [u8]>
    where
        F: FnOnce(&[u8], &mut [u8]) -> Result<()>,
    {
        self.remove(64).remove(128);
        let above_64 = self.present.fields().any(|n| n > 64);
        let number = if above_64 { 128 } else { 64 };
        let spec = self.field_spec(number)?;
        let Length::Fixed(n) = spec.length else {
            return Err(Error::new(ErrorKind::BadSpec, Some(number), 0));
        };
        let mut mac_value = [0u8; 32];
        let mac_value = mac_value
            .get_mut(..usize::from(n))
            .ok_or_else(|| Error::new(ErrorKind::BadSpec, Some(number), 0))?;
        // Reserve the MAC's bit (and its bytes) with a placeholder of the right length.
        const ZEROS: [u8; 32] = [0; 32];
        let placeholder = ZEROS.get(..usize::from(n)).unwrap_or_default();
        self.store(number, spec, placeholder)?;
        let needed = self.encoded_len();
        if needed > buf.len() {
            let kind = ErrorKind::BufferTooSmall {
                needed,
                capacity: buf.len(),
            };
            self.remove(number);
            return Err(Error::new(kind, None, 0));
        }
        let mut w = SliceWriter::new(buf);
        let written = self.write_fields(&mut w, Some(number));
        self.remove(number);
        written?;
        mac(w.written(), mac_value)?;
        field::write::write_field(spec, Padded::plain(mac_value), &mut w)?;
        Ok(w.finish())
    }
}

impl<const N: usize> core::fmt::Debug for MessageBuilder<'_, '_, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MessageBuilder")
            .field("spec", &self.spec.name)
            .field("mti", &self.mti)
            .field("fields", &self.bitmap())
            .finish()
    }
}
