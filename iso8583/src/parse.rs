//! Parsing a message: the MTI, the bitmaps, then every present field in one pass, each field's
//! place recorded in a field index ([`FieldIndex`]) — inside the message, or kept by the caller.
//! After the parse nothing can fail: [`crate::message`] reads fields back from the index.

use core::fmt;

use crate::bitmap::{Bitmap, take_field};
use crate::error::{Error, ErrorKind, Result};
use crate::field::rule::{Code, Op};
use crate::field::{self};
use crate::mti::{Mti, read_mti};
pub(crate) use crate::span::Span;
use crate::spec::{FieldSpec, MAX_FIELD, Spec};

/// Messages are framed by at most 2-byte length headers: offsets fit in 16 bits.
pub const MAX_MESSAGE_LEN: usize = u16::MAX as usize;

/// Slots in the default index: one per field number 0–192.
pub(crate) const SLOTS: usize = MAX_FIELD as usize + 1;

/// Where a parsed message's fields sit: one slot per field number below `N` (eight bytes each,
/// five with the `compact-index` feature; no heap). The default, 193 slots (about 1.5 KB),
/// holds any message; `FieldIndex<65>` (520 bytes, or 325) holds messages with a primary bitmap
/// only (fields up to 64) — a message with a higher field is refused with
/// [`ErrorKind::IndexTooSmall`](crate::ErrorKind::IndexTooSmall).
///
/// [`MessageRef::parse`] keeps one inside the message it returns
/// ([`MessageRef::parse_with_slots`] one of `N` slots). [`MessageRef::parse_in`] fills one the
/// caller keeps instead — one per connection, or in a `static` on a device with a small stack —
/// so that parsing a message neither clears nor moves an index, and the [`MessageRef`] it
/// returns is a few words. A parse only writes the slots of the fields it reads: an index can
/// be reused for any number of messages and needs no reset.
#[derive(Clone)]
pub struct FieldIndex<const N: usize = SLOTS> {
    pub(crate) spans: [Span; N],
}

impl FieldIndex {
    /// An empty index of the default size (every field number).
    pub const fn new() -> Self {
        Self::empty()
    }
}

impl<const N: usize> FieldIndex<N> {
    /// An empty index of `N` slots (`FieldIndex::<65>::empty()` for fields up to 64).
    pub const fn empty() -> Self {
        Self {
            spans: [Span::EMPTY; N],
        }
    }
}

impl<const N: usize> Default for FieldIndex<N> {
    fn default() -> Self {
        Self::empty()
    }
}

impl<const N: usize> fmt::Debug for FieldIndex<N> {
    /// Opaque: the slots mean something only with the message they were read from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldIndex<{N}> {{ .. }}")
    }
}

/// Where a [`MessageRef`]'s field index is: a [`FieldIndex`] of any size, inside the message
/// or borrowed from the caller. Implemented for `FieldIndex<N>` and `&FieldIndex<N>` only
/// (sealed); write generic code over messages with `I: Slots`.
pub trait Slots {
    /// The slots, one per field number from 0.
    #[doc(hidden)]
    fn spans(&self) -> &[Span];
}

impl<const N: usize> Slots for FieldIndex<N> {
    #[inline(always)]
    fn spans(&self) -> &[Span] {
        &self.spans
    }
}

impl<const N: usize> Slots for &FieldIndex<N> {
    #[inline(always)]
    fn spans(&self) -> &[Span] {
        &self.spans
    }
}

/// Everything of a parsed message but its index: small and `Copy`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Head<'a, 's> {
    pub(crate) spec: &'s Spec<'s>,
    pub(crate) bytes: &'a [u8],
    pub(crate) mti: Mti,
    pub(crate) bitmap: Bitmap,
    /// The present fields read with a per-MTI override rather than the spec's own definition.
    pub(crate) overridden: Bitmap,
}

/// A validated ISO 8583 message borrowed from its bytes.
///
/// `I` is where the field index lives: inside the message ([`FieldIndex`], the default, from
/// [`MessageRef::parse`]) or borrowed from the caller (`&FieldIndex`, from
/// [`MessageRef::parse_in`]). Both read the same.
#[derive(Clone, Copy)]
pub struct MessageRef<'a, 's, I = FieldIndex> {
    pub(crate) head: Head<'a, 's>,
    pub(crate) index: I,
}

impl<'a, 's, I, J> PartialEq<MessageRef<'a, 's, J>> for MessageRef<'a, 's, I> {
    /// Same spec and same bytes (which decide everything else).
    fn eq(&self, other: &MessageRef<'a, 's, J>) -> bool {
        self.head == other.head
    }
}

impl<I> Eq for MessageRef<'_, '_, I> {}

impl<'a, 's> Head<'a, 's> {
    /// The message over `bytes` before anything is read (the MTI is a placeholder until
    /// [`Head::read`] sets it).
    #[inline(always)]
    fn unread(spec: &'s Spec<'s>, bytes: &'a [u8]) -> Self {
        Self {
            spec,
            bytes,
            mti: Mti::FINANCIAL_REQUEST,
            bitmap: Bitmap::new(),
            overridden: Bitmap::new(),
        }
    }

    /// Reads the MTI, the bitmaps and every present field of the message at the start of
    /// `self.bytes`, in place; returns where the message ends. Not inlined: the one copy of the
    /// parser, whichever entry point calls it.
    #[inline(never)]
    fn read(&mut self, spans: &mut [Span]) -> Result<usize> {
        let (spec, bytes) = (self.spec, self.bytes);
        let (mti, pos) = read_mti(spec.mti, bytes)?;
        let (bitmap, used) = Bitmap::read(
            bytes.get(pos..).unwrap_or_default(),
            spec.bitmap,
            pos,
            || spec.field65_is_data(),
        )?;
        self.mti = mti;
        self.bitmap = bitmap;
        // Fields overridden for this message type are read from their override, the general way.
        for o in spec.overrides.iter().filter(|o| o.mti == mti) {
            if bitmap.is_set(o.field.number) {
                self.overridden.set(o.field.number);
            }
        }
        self.index(spans, pos.saturating_add(used))
    }

    /// Reads every present field from `pos` on, recording each one's span; returns where the
    /// message ends.
    #[inline]
    fn index(&self, spans: &mut [Span], pos: usize) -> Result<usize> {
        let (spec, overridden) = (self.spec, self.overridden);
        match spec.plan {
            // Without the `plan` feature plans are empty: the planned loop is left out.
            Some(plan) if cfg!(feature = "plan") && overridden.is_empty() => {
                self.read_fields(spans, pos, |n| plan.op(n))
            }
            // A message with a field overridden for its type (CUPS's 0810 and its keys) is read
            // field by field from the definitions: rare messages, and one copy of the loop
            // fewer (1.4 KB of a firmware's flash).
            _ => self.read_fields(spans, pos, |_| &Op::GENERAL),
        }
    }

    /// Reads the present fields from `pos` on: each with its plan rule from `op`, or from its
    /// definition when the rule is the general one or the fast reader refuses the bytes. Returns
    /// where the message ends. One copy per kind of spec, so each loop keeps only what it needs;
    /// the bitmap is walked a word at a time, so the inner loop holds one word and its base.
    #[inline]
    fn read_fields<'p>(
        &self,
        spans: &mut [Span],
        pos: usize,
        op: impl Fn(u8) -> &'p Op,
    ) -> Result<usize> {
        let bytes = self.bytes;
        let mut rest = bytes.get(pos..).unwrap_or_default();
        for (base, mut word) in self.bitmap.words() {
            while word != 0 {
                let number = take_field(base, &mut word);
                let rule = op(number);
                let (located, enc, after) = match field::read::read_op(rule, rest) {
                    Some((located, after)) => (located, rule.enc, after),
                    None => {
                        let at = bytes.len().wrapping_sub(rest.len());
                        let (located, enc) = self.general(number, rest, at)?;
                        let after = rest.get(located.end..).unwrap_or_default();
                        (located, enc, after)
                    }
                };
                // Offsets from where the field ends, which `after` gives: nothing about the
                // field's start has to survive the reading of it.
                let end = bytes.len().wrapping_sub(after.len());
                let span = Span::new(
                    end.wrapping_sub(located.end.wrapping_sub(located.value_start)),
                    end,
                    // At most a u16 `max`.
                    located.units,
                    enc,
                );
                match spans.get_mut(usize::from(number)) {
                    Some(slot) => *slot = span,
                    None => return Err(index_too_small(spans.len(), number, end)),
                }
                rest = after;
            }
        }
        let pos = bytes.len().wrapping_sub(rest.len());
        to_u16(pos)?;
        Ok(pos)
    }

    /// Reads field `number` from its definition (an override for this MTI, or the spec's own): the
    /// shapes a plan does not cover, specs without a plan, and the precise error of an invalid
    /// field. Returns where it is and its encoding's code.
    /// Marked cold so that the planned loop keeps its registers for the fast reader (a few
    /// percent fewer instructions a parse); specs without a plan pay only the call.
    #[cold]
    #[inline(never)]
    fn general(
        &self,
        number: u8,
        rest: &[u8],
        pos: usize,
    ) -> Result<(field::read::Located, Option<Code>)> {
        let field = self
            .definition(number)
            .ok_or_else(|| Error::new(ErrorKind::UnknownField, Some(number), pos))?;
        let located = field::read::read_field(field, rest, pos)?;
        Ok((located, Code::of(field.encoding)))
    }
}

/// The error for field `number` (ending at `end`) in an index of `slots` slots.
#[cold]
fn index_too_small(slots: usize, number: u8, end: usize) -> Error {
    Error::new(ErrorKind::IndexTooSmall { slots }, Some(number), end)
}

fn to_u16(n: usize) -> Result<u16> {
    u16::try_from(n).map_err(|_| Error::new(ErrorKind::MessageTooLong, None, MAX_MESSAGE_LEN))
}

/// The error for `remaining` bytes after a message `len` bytes long.
fn trailing(len: usize, remaining: usize) -> Error {
    Error::new(ErrorKind::TrailingData { remaining }, None, len)
}

impl<'a, 's> MessageRef<'a, 's> {
    /// Validates `bytes` as exactly one message under `spec`.
    ///
    /// The message keeps its field index inline (about 1.5 KB, no heap), so a parse clears it
    /// and returning the message moves it. Bind the result by reference
    /// (`if let Ok(m) = &parsed`), and where messages come one after another use
    /// [`MessageRef::parse_in`] with one [`FieldIndex`] for all of them.
    ///
    /// ```
    /// use paywire_iso8583::{ErrorKind, MessageRef, builtin::ISO87ASCII};
    /// let m = MessageRef::parse(&ISO87ASCII, b"02007000000000000000164761739001010010000000000000001000")?;
    /// assert_eq!((m.mti().number(), m.amount()), (200, Some(1000)));
    /// assert_eq!(m.value(3).and_then(|v| v.as_str()), Some("000000"));
    /// // A short message: the error names the field and the byte offset, never the content.
    /// let e = MessageRef::parse(&ISO87ASCII, b"0200700000000000000016476173900101001000000").unwrap_err();
    /// assert_eq!((e.field(), e.offset()), (Some(3), 38)); // 5 of field 3's 6 digits left
    /// assert!(matches!(e.kind(), ErrorKind::Truncated { .. }));
    /// # Ok::<(), paywire_iso8583::Error>(())
    /// ```
    #[inline]
    pub fn parse(spec: &'s Spec<'s>, bytes: &'a [u8]) -> Result<Self> {
        Self::parse_with_slots(spec, bytes)
    }

    /// Validates one message at the start of `bytes`; returns it and the bytes after it.
    #[inline]
    pub fn parse_prefix(spec: &'s Spec<'s>, bytes: &'a [u8]) -> Result<(Self, &'a [u8])> {
        let mut message = Self {
            head: Head::unread(spec, bytes),
            index: FieldIndex::new(),
        };
        let len = message.head.read(&mut message.index.spans)?;
        let (own, rest) = bytes.split_at_checked(len).unwrap_or((bytes, &[]));
        message.head.bytes = own;
        Ok((message, rest))
    }
}

impl<'a, 's, const N: usize> MessageRef<'a, 's, FieldIndex<N>> {
    /// [`MessageRef::parse`] with the index of `N` slots inside: `parse_with_slots::<65>` keeps
    /// 520 bytes (325 with the `compact-index` feature) for a message with a primary bitmap
    /// only (fields up to 64; a higher field is [`ErrorKind::IndexTooSmall`]). What a firmware
    /// that keeps a parsed message on its stack uses.
    ///
    /// ```
    /// use paywire_iso8583::{ErrorKind, FieldIndex, MessageRef, builtin::ISO87ASCII};
    /// let bytes = b"02007000000000000000164761739001010010000000000000001000";
    /// let m = MessageRef::<FieldIndex<65>>::parse_with_slots(&ISO87ASCII, bytes)?;
    /// assert_eq!(m.amount(), Some(1000));
    /// // A field past the index: field 70 of an 0800.
    /// let e = MessageRef::<FieldIndex<65>>::parse_with_slots(&ISO87ASCII, b"08008000000000000000\
    ///     0400000000000000301").unwrap_err();
    /// assert_eq!((e.kind(), e.field()), (ErrorKind::IndexTooSmall { slots: 65 }, Some(70)));
    /// # Ok::<(), paywire_iso8583::Error>(())
    /// ```
    #[inline]
    pub fn parse_with_slots(spec: &'s Spec<'s>, bytes: &'a [u8]) -> Result<Self> {
        // Small and inlined; `read` fills the message in place. The compiler still moves the
        // result to the caller once (Rust has no placement), which `parse_in` does not need.
        let mut result = Ok(Self {
            head: Head::unread(spec, bytes),
            index: FieldIndex::empty(),
        });
        if let Ok(message) = &mut result {
            match message.head.read(&mut message.index.spans) {
                Ok(len) if len < bytes.len() => {
                    result = Err(trailing(len, bytes.len().saturating_sub(len)));
                }
                Ok(_) => {}
                Err(e) => result = Err(e),
            }
        }
        result
    }
}

impl<'a, 's, 'i, const N: usize> MessageRef<'a, 's, &'i FieldIndex<N>> {
    /// Validates `bytes` as exactly one message under `spec`, recording its fields in `index`
    /// (see [`FieldIndex`]): the same checks and the same message as [`MessageRef::parse`], without
    /// clearing or moving an index. The message borrows `index` until it is dropped.
    ///
    /// ```
    /// use paywire_iso8583::{FieldIndex, MessageBuilder, MessageRef, Mti, builtin::ISO87BINARY};
    ///
    /// let mut b = MessageBuilder::new(&ISO87BINARY, Mti::FINANCIAL_REQUEST);
    /// b.set(3, b"000000")?;
    /// b.set(11, b"000123")?;
    /// let mut buf = [0u8; 64];
    /// let wire = b.encode_to_slice(&mut buf)?;
    ///
    /// let mut index = FieldIndex::new(); // once, e.g. per connection
    /// for _ in 0..3 {
    ///     let m = MessageRef::parse_in(&mut index, &ISO87BINARY, wire)?;
    ///     assert_eq!(m.stan(), Some(123));
    /// }
    /// # Ok::<(), paywire_iso8583::Error>(())
    /// ```
    #[inline]
    pub fn parse_in(
        index: &'i mut FieldIndex<N>,
        spec: &'s Spec<'s>,
        bytes: &'a [u8],
    ) -> Result<Self> {
        let mut head = Head::unread(spec, bytes);
        let len = head.read(&mut index.spans)?;
        if len < bytes.len() {
            return Err(trailing(len, bytes.len().saturating_sub(len)));
        }
        Ok(Self { head, index })
    }

    /// Validates one message at the start of `bytes`, recording its fields in `index`; returns
    /// it and the bytes after it (see [`MessageRef::parse_in`]).
    #[inline]
    pub fn parse_prefix_in(
        index: &'i mut FieldIndex<N>,
        spec: &'s Spec<'s>,
        bytes: &'a [u8],
    ) -> Result<(Self, &'a [u8])> {
        let mut head = Head::unread(spec, bytes);
        let len = head.read(&mut index.spans)?;
        let (own, rest) = bytes.split_at_checked(len).unwrap_or((bytes, &[]));
        head.bytes = own;
        Ok((Self { head, index }, rest))
    }
}

impl<'a, 's> Head<'a, 's> {
    /// The definition field `number` is read with: its override for this MTI, else the spec's
    /// own.
    pub(crate) fn definition(&self, number: u8) -> Option<&'s FieldSpec<'s>> {
        if self.overridden.is_set(number) {
            return self.spec.field_for(self.mti, number);
        }
        self.spec.field(number)
    }
}

impl<I> fmt::Debug for MessageRef<'_, '_, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageRef")
            .field("spec", &self.head.spec.name)
            .field("mti", &self.head.mti)
            .field("fields", &self.head.bitmap)
            .finish()
    }
}
