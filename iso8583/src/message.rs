//! `MessageRef`: a message validated once, then read field by field without errors or copies.
//!
//! [`MessageRef::parse`] reads the MTI and bitmaps, then every present field as its spec says,
//! checking prefixes, lengths, pad nibbles and characters, and records where each value sits in
//! a fixed index. After that every accessor is O(1), cannot fail and borrows the input.

use core::borrow::Borrow;
use core::fmt;

use crate::bitmap::{Bitmap, take_field};
use crate::ebcdic;
use crate::error::{Error, ErrorKind, Result};
use crate::field::rule::{Code, Op};
use crate::field::{self, Value};
use crate::mti::Mti;
use emv_tlv::mask::Masked;

use crate::spec::{CodePage, Encoding, FieldSpec, MAX_FIELD, MtiEncoding, Sensitivity, Spec};

/// Messages are framed by at most 2-byte length headers: offsets fit in 16 bits.
pub const MAX_MESSAGE_LEN: usize = u16::MAX as usize;

/// Where a present field's value sits (start and end offsets), how many units it holds and the
/// code of the encoding it was read with (`field::enc`): everything reading a field back needs,
/// so that it is loads and no look-ups. Eight bytes with no padding, so that the index is
/// cleared and copied as plain memory.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    start: u16,
    end: u16,
    units: u16,
    /// The encoding's code, widened so that the slot has no padding byte.
    enc: u16,
}

#[allow(
    clippy::cast_possible_truncation,
    reason = "offsets past u16::MAX are cut: the parser refuses such a message, spans and all"
)]
impl Span {
    const EMPTY: Self = Self {
        start: 0,
        end: 0,
        units: 0,
        enc: 0,
    };

    #[inline(always)]
    fn new(start: usize, end: usize, units: usize, enc: Option<Code>) -> Self {
        Self {
            start: start as u16,
            end: end as u16,
            units: units as u16,
            // The code's place in `Code::ALL`; past its end when there is none.
            enc: enc.map_or(u16::MAX, |code| u16::from(code as u8)),
        }
    }

    /// The encoding this field was read with, when its code was recorded.
    #[inline(always)]
    fn encoding(&self) -> Option<Encoding> {
        Code::ALL
            .get(usize::from(self.enc))
            .map(|code| code.encoding())
    }
}

const SLOTS: usize = MAX_FIELD as usize + 1;

/// Where a parsed message's fields sit: one slot per field number (about 1.5 KB, no heap).
///
/// [`MessageRef::parse`] keeps one inside the message it returns. [`MessageRef::parse_in`]
/// fills one the caller keeps instead — one per connection, or in a `static` on a device with a
/// small stack — so that parsing a message neither clears nor moves 1.5 KB, and the
/// [`MessageRef`] it returns is a few words. A parse only writes the slots of the fields it
/// reads: an index can be reused for any number of messages and needs no reset.
#[derive(Clone)]
pub struct FieldIndex {
    spans: [Span; SLOTS],
}

impl FieldIndex {
    /// An empty index.
    pub const fn new() -> Self {
        Self {
            spans: [Span::EMPTY; SLOTS],
        }
    }
}

impl Default for FieldIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for FieldIndex {
    /// Opaque: the slots mean something only with the message they were read from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldIndex { .. }")
    }
}

/// Everything of a parsed message but its index: small and `Copy`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Head<'a, 's> {
    spec: &'s Spec<'s>,
    bytes: &'a [u8],
    mti: Mti,
    bitmap: Bitmap,
    /// The present fields read with a per-MTI override rather than the spec's own definition.
    overridden: Bitmap,
}

/// A validated ISO 8583 message borrowed from its bytes.
///
/// `I` is where the field index lives: inside the message ([`FieldIndex`], the default, from
/// [`MessageRef::parse`]) or borrowed from the caller (`&FieldIndex`, from
/// [`MessageRef::parse_in`]). Both read the same.
#[derive(Clone, Copy)]
pub struct MessageRef<'a, 's, I = FieldIndex> {
    head: Head<'a, 's>,
    index: I,
}

impl<'a, 's, I, J> PartialEq<MessageRef<'a, 's, J>> for MessageRef<'a, 's, I> {
    /// Same spec and same bytes (which decide everything else).
    fn eq(&self, other: &MessageRef<'a, 's, J>) -> bool {
        self.head == other.head
    }
}

impl<I> Eq for MessageRef<'_, '_, I> {}

/// One present field: its number, where its value sits, the value, and (looked up when asked)
/// its definition.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FieldRef<'a, 's> {
    /// The message's spec and type: the field's definition is found from them on demand, so
    /// that walking a message's fields does not touch the spec's table.
    spec: &'s Spec<'s>,
    mti: Mti,
    number: u8,
    value: Value<'a>,
    offset: usize,
}

/// What [`FieldRef::spec`] answers if the definition cannot be found again, which cannot happen
/// for a field of a parsed message (it was read with that definition).
static UNDEFINED: FieldSpec<'static> = FieldSpec::new(
    0,
    "Undefined",
    crate::spec::Content::B,
    Encoding::Binary,
    crate::spec::Length::Fixed(0),
);

impl<'a, 's> FieldRef<'a, 's> {
    /// The field number.
    pub const fn number(&self) -> u8 {
        self.number
    }

    /// The field's definition: its override for the message's type if it has one, else the
    /// spec's own.
    pub fn spec(&self) -> &'s FieldSpec<'s> {
        self.spec
            .field_for(self.mti, self.number)
            .unwrap_or(&UNDEFINED)
    }

    /// The value.
    pub const fn value(&self) -> Value<'a> {
        self.value
    }

    /// Offset of the value (after any length prefix) from the start of the message.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The subfields, for fields the spec divides positionally or with ASCII tags (checked when
    /// the message was parsed).
    pub fn subfields(&self) -> crate::subfield::SubfieldIter<'a, 's> {
        crate::subfield::SubfieldIter::new(self.spec(), self.value)
    }

    /// The value as BER-TLV (field 55 and other binary fields), zero-copy. `None` when the wire
    /// does not hold the bytes as they are (hex text) or they are not valid BER-TLV.
    pub fn tlv(&self) -> Option<emv_tlv::Tlvs<'a>> {
        emv_tlv::Tlvs::parse(self.value.as_bytes()?).ok()
    }
}

impl fmt::Debug for FieldRef<'_, '_> {
    /// Number and length only: values may be a PAN or a PIN block. Use `describe` for a masked
    /// view.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Field({} len {})", self.number, self.value.len())
    }
}

fn read_mti(encoding: MtiEncoding, input: &[u8]) -> Result<(Mti, usize)> {
    let len = match encoding {
        MtiEncoding::Bcd => 2,
        MtiEncoding::Ascii | MtiEncoding::Ebcdic => 4,
    };
    let Some(bytes) = input.get(..len) else {
        let needed = len.saturating_sub(input.len());
        return Err(Error::new(ErrorKind::Truncated { needed }, Some(0), 0));
    };
    let mut digits = [0u8; 4];
    match encoding {
        MtiEncoding::Ascii => digits.copy_from_slice(bytes),
        MtiEncoding::Ebcdic => {
            for (d, &b) in digits.iter_mut().zip(bytes) {
                *d = ebcdic::decode(CodePage::Cp037, b);
            }
        }
        MtiEncoding::Bcd => return Ok((bcd_mti(bytes)?, len)),
    }
    Ok((Mti::from_ascii(&digits)?, len))
}

/// An MTI packed in BCD: four nibbles, each a digit.
fn bcd_mti(bytes: &[u8]) -> Result<Mti> {
    let bad = Error::new(ErrorKind::BadMti, Some(0), 0);
    let &[high, low] = bytes else {
        return Err(bad);
    };
    let digits = [high >> 4, high & 0xF, low >> 4, low & 0xF];
    if digits.iter().any(|&d| d > 9) {
        return Err(bad);
    }
    let number = digits
        .iter()
        .fold(0u16, |n, &d| n.wrapping_mul(10).wrapping_add(u16::from(d)));
    Mti::new(number)
}

/// Writes the MTI in the spec's encoding.
pub(crate) fn write_mti<W: field::Writer + ?Sized>(
    encoding: MtiEncoding,
    mti: Mti,
    w: &mut W,
) -> Result<()> {
    let digits = mti.to_ascii();
    match encoding {
        MtiEncoding::Ascii => Ok(w.write(&digits)?),
        MtiEncoding::Ebcdic => Ok(w.write(&digits.map(|d| ebcdic::encode(CodePage::Cp037, d)))?),
        MtiEncoding::Bcd => {
            let [a, b, c, d] = digits.map(|x| x.wrapping_sub(b'0'));
            Ok(w.write(&[(a << 4) | b, (c << 4) | d])?)
        }
    }
}

/// Bytes the MTI takes in `encoding`.
pub(crate) const fn mti_len(encoding: MtiEncoding) -> usize {
    match encoding {
        MtiEncoding::Bcd => 2,
        MtiEncoding::Ascii | MtiEncoding::Ebcdic => 4,
    }
}

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
    fn read(&mut self, spans: &mut [Span; SLOTS]) -> Result<usize> {
        let (spec, bytes) = (self.spec, self.bytes);
        let (mti, pos) = read_mti(spec.mti, bytes)?;
        let (bitmap, used) = Bitmap::read(bytes.get(pos..).unwrap_or_default(), spec.bitmap, pos)?;
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
    fn index(&self, spans: &mut [Span; SLOTS], pos: usize) -> Result<usize> {
        let (spec, overridden) = (self.spec, self.overridden);
        match spec.plan {
            Some(plan) if overridden.is_empty() => self.read_fields(spans, pos, |n| plan.op(n)),
            Some(plan) => self.read_fields(spans, pos, |n| {
                if overridden.is_set(n) {
                    &Op::GENERAL
                } else {
                    plan.op(n)
                }
            }),
            None => self.read_fields(spans, pos, |_| &Op::GENERAL),
        }
    }

    /// Reads the present fields from `pos` on: each with its plan rule from `op`, or from its
    /// definition when the rule is the general one or the fast reader refuses the bytes. Returns
    /// where the message ends. One copy per kind of spec, so each loop keeps only what it needs;
    /// the bitmap is walked a word at a time, so the inner loop holds one word and its base.
    #[inline]
    fn read_fields<'p>(
        &self,
        spans: &mut [Span; SLOTS],
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
                if let Some(slot) = spans.get_mut(usize::from(number)) {
                    *slot = span;
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
    #[inline]
    pub fn parse(spec: &'s Spec<'s>, bytes: &'a [u8]) -> Result<Self> {
        // Small and inlined; `read` fills the message in place. The compiler still moves the
        // result to the caller once (Rust has no placement), which `parse_in` does not need.
        let mut result = Ok(Self {
            head: Head::unread(spec, bytes),
            index: FieldIndex::new(),
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

impl<'a, 's, 'i> MessageRef<'a, 's, &'i FieldIndex> {
    /// Validates `bytes` as exactly one message under `spec`, recording its fields in `index`
    /// (see [`FieldIndex`]): the same checks and the same message as [`MessageRef::parse`], without
    /// clearing or moving an index. The message borrows `index` until it is dropped.
    ///
    /// ```
    /// use iso8583::{FieldIndex, MessageBuilder, MessageRef, Mti, builtin::ISO87BINARY};
    ///
    /// let mut b = MessageBuilder::new(&ISO87BINARY, Mti::FINANCIAL_REQUEST);
    /// b.set(3, b"000000")?;
    /// b.set(11, b"000123")?;
    /// let wire = b.to_vec()?;
    ///
    /// let mut index = FieldIndex::new(); // once, e.g. per connection
    /// for _ in 0..3 {
    ///     let m = MessageRef::parse_in(&mut index, &ISO87BINARY, &wire)?;
    ///     assert_eq!(m.stan(), Some(123));
    /// }
    /// # Ok::<(), iso8583::Error>(())
    /// ```
    #[inline]
    pub fn parse_in(
        index: &'i mut FieldIndex,
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
        index: &'i mut FieldIndex,
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
    fn definition(&self, number: u8) -> Option<&'s FieldSpec<'s>> {
        if self.overridden.is_set(number) {
            return self.spec.field_for(self.mti, number);
        }
        self.spec.field(number)
    }

    /// Present field `number` from its slot in `spans`. Cannot fail for a field the parse
    /// read, so it does not return an `Option` (whose check the compiler could not drop).
    #[inline(always)]
    fn at(&self, spans: &[Span; SLOTS], number: u8) -> FieldRef<'a, 's> {
        let span = spans.get(usize::from(number)).copied().unwrap_or_default();
        let encoding = match span.encoding() {
            Some(encoding) => encoding,
            None => self.encoding_of(number),
        };
        let start = usize::from(span.start);
        FieldRef {
            spec: self.spec,
            mti: self.mti,
            number,
            value: Value {
                encoding,
                wire: self
                    .bytes
                    .get(start..usize::from(span.end))
                    .unwrap_or_default(),
                units: usize::from(span.units),
            },
            offset: start,
        }
    }

    /// The encoding of field `number` when its span has no code for it (a BCD pad other than 0
    /// or F).
    #[cold]
    #[inline(never)]
    fn encoding_of(&self, number: u8) -> Encoding {
        self.definition(number)
            .map_or(Encoding::Binary, |field| field.encoding)
    }
}

impl<'a, 's, I: Borrow<FieldIndex>> MessageRef<'a, 's, I> {
    /// The field slots.
    #[inline(always)]
    fn spans(&self) -> &[Span; SLOTS] {
        &self.index.borrow().spans
    }

    /// The spec the message was read with.
    pub const fn spec(&self) -> &'s Spec<'s> {
        self.head.spec
    }

    /// The exact bytes of the message (MTI to last field).
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.head.bytes
    }

    /// The message type indicator.
    pub const fn mti(&self) -> Mti {
        self.head.mti
    }

    /// The bitmap as read.
    pub const fn bitmap(&self) -> &Bitmap {
        &self.head.bitmap
    }

    /// True when field `number` is present.
    pub fn has(&self, number: u8) -> bool {
        number != 1 && number != 65 && self.head.bitmap.is_set(number)
    }

    /// Field `number`, if present.
    pub fn field(&self, number: u8) -> Option<FieldRef<'a, 's>> {
        self.has(number).then(|| self.at(number))
    }

    /// The value of field `number`, if present.
    pub fn value(&self, number: u8) -> Option<Value<'a>> {
        self.field(number).map(|f| f.value())
    }

    /// Every present field, ascending.
    pub fn fields(&self) -> FieldIter<'_, 'a, 's> {
        FieldIter {
            head: &self.head,
            spans: self.spans(),
            numbers: self.head.bitmap.fields(),
        }
    }

    /// Present field `number`, without the presence check.
    #[inline(always)]
    fn at(&self, number: u8) -> FieldRef<'a, 's> {
        self.head.at(self.spans(), number)
    }

    /// Field 2, the primary account number (masked when printed).
    pub fn pan(&self) -> Option<Pan<'a>> {
        self.value(2).map(Pan)
    }

    /// Field 3, the processing code.
    pub fn processing_code(&self) -> Option<Value<'a>> {
        self.value(3)
    }

    /// Field 4, the transaction amount in minor units.
    pub fn amount(&self) -> Option<u64> {
        self.value(4).and_then(|v| v.to_u64())
    }

    /// Field 11, the system trace audit number.
    pub fn stan(&self) -> Option<u32> {
        self.value(11)
            .and_then(|v| v.to_u64())
            .and_then(|n| u32::try_from(n).ok())
    }

    /// Field 35, track 2 data (masked when printed).
    pub fn track2(&self) -> Option<Track2<'a>> {
        self.value(35).map(Track2)
    }

    /// Field 37, the retrieval reference number.
    pub fn rrn(&self) -> Option<Value<'a>> {
        self.value(37)
    }

    /// Field 38, the authorization identification response (approval code).
    pub fn auth_code(&self) -> Option<Value<'a>> {
        self.value(38)
    }

    /// Field 39, the response code (action code in 1993 specs).
    pub fn response_code(&self) -> Option<Value<'a>> {
        self.value(39)
    }

    /// Field 41, the card acceptor terminal identification.
    pub fn terminal_id(&self) -> Option<Value<'a>> {
        self.value(41)
    }

    /// Field 42, the card acceptor identification code (merchant ID).
    pub fn merchant_id(&self) -> Option<Value<'a>> {
        self.value(42)
    }

    /// Field 49, the transaction currency code.
    pub fn currency(&self) -> Option<Value<'a>> {
        self.value(49)
    }

    /// Field 55, ICC data, as a BER-TLV view (zero-copy). `None` when absent or when the spec
    /// writes field 55 as hex text (use [`MessageRef::icc_data_into`]).
    pub fn icc_data(&self) -> Option<Result<emv_tlv::Tlvs<'a>>> {
        let field = self.field(55)?;
        let bytes = match field.value.encoding {
            Encoding::Binary => field.value.wire(),
            _ => return None,
        };
        Some(emv_tlv::Tlvs::parse(bytes).map_err(|e| tlv_error(e, field.offset)))
    }

    /// Field 55 decoded into `buf` (for any encoding), as a BER-TLV view.
    pub fn icc_data_into<'b>(&self, buf: &'b mut [u8]) -> Option<Result<emv_tlv::Tlvs<'b>>> {
        let field = self.field(55)?;
        Some(
            field
                .value
                .copy_to(buf)
                .map_err(|e| Error::new(e.kind(), Some(55), field.offset))
                .and_then(|bytes| {
                    emv_tlv::Tlvs::parse(bytes).map_err(|e| tlv_error(e, field.offset))
                }),
        )
    }

    /// The bytes a MAC in field 64 or 128 covers: from the MTI to the end of the field before the
    /// MAC, without any length header or TPDU. `None` when the last present field is neither 64
    /// nor 128.
    pub fn mac_input(&self) -> Option<&'a [u8]> {
        let last = self.mac_field()?;
        let span = *self.spans().get(usize::from(last))?;
        let field = self.head.definition(last)?;
        let start = field::write::field_len(field, usize::from(span.units));
        self.head
            .bytes
            .get(..usize::from(span.end).saturating_sub(start))
    }

    /// The number of the MAC field (64 or 128) when the message ends with one.
    pub fn mac_field(&self) -> Option<u8> {
        self.head
            .bitmap
            .fields()
            .last()
            .filter(|&n| n == 64 || n == 128)
    }
}

/// Iterator over a message's present fields, ascending (see [`MessageRef::fields`]).
#[derive(Clone)]
pub struct FieldIter<'m, 'a, 's> {
    head: &'m Head<'a, 's>,
    spans: &'m [Span; SLOTS],
    numbers: crate::bitmap::Fields,
}

impl fmt::Debug for FieldIter<'_, '_, '_> {
    /// The numbers still to come (never values).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FieldIter").field(&self.numbers).finish()
    }
}

impl<'a, 's> Iterator for FieldIter<'_, 'a, 's> {
    type Item = FieldRef<'a, 's>;

    #[inline(always)]
    fn next(&mut self) -> Option<FieldRef<'a, 's>> {
        let number = self.numbers.next()?;
        Some(self.head.at(self.spans, number))
    }

    #[inline]
    fn fold<B, F: FnMut(B, Self::Item) -> B>(self, init: B, mut f: F) -> B {
        let (head, spans) = (self.head, self.spans);
        self.numbers
            .fold(init, |acc, number| f(acc, head.at(spans, number)))
    }
}

fn tlv_error(e: emv_tlv::Error, base: usize) -> Error {
    Error::new(
        ErrorKind::Tlv(e.kind()),
        Some(55),
        base.saturating_add(e.offset()),
    )
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

/// A primary account number; `Display` and `Debug` show only the first 6 and last 4 digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Pan<'a>(Value<'a>);

impl<'a> Pan<'a> {
    /// The digits, in clear.
    pub fn digits(&self) -> field::Iter<'a> {
        self.0.iter()
    }

    /// The value as on the wire.
    pub const fn value(&self) -> Value<'a> {
        self.0
    }
}

impl fmt::Display for Pan<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Masked::new(Sensitivity::Pan, self.0.iter()).fmt(f)
    }
}

impl fmt::Debug for Pan<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pan({self})")
    }
}

/// Track 2 data; `Display` shows the masked PAN and hides everything after the separator.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Track2<'a>(Value<'a>);

impl<'a> Track2<'a> {
    /// The characters, in clear.
    pub fn chars(&self) -> field::Iter<'a> {
        self.0.iter()
    }

    /// The PAN: the characters before the separator (`=` or `D`).
    pub fn pan_digits(&self) -> impl Iterator<Item = u8> + Clone + 'a {
        self.0.iter().take_while(|c| c.is_ascii_digit())
    }

    /// The 4-digit expiry date (YYMM) after the separator, if present.
    pub fn expiry(&self) -> Option<[u8; 4]> {
        let mut after = self.0.iter().skip_while(|c| c.is_ascii_digit()).skip(1);
        let mut out = [0u8; 4];
        for slot in &mut out {
            *slot = after.next().filter(u8::is_ascii_digit)?;
        }
        Some(out)
    }
}

impl fmt::Display for Track2<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Masked::new(Sensitivity::Track, self.0.iter()).fmt(f)
    }
}

impl fmt::Debug for Track2<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Track2({self})")
    }
}
