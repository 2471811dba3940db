//! `MessageRef`: a message validated once, then read field by field without errors or copies.
//!
//! [`MessageRef::parse`] reads the MTI and bitmaps, then every present field as its spec says,
//! checking prefixes, lengths, pad nibbles and characters, and records where each value sits in
//! a fixed index. After that every accessor is O(1), cannot fail and borrows the input.

use core::fmt;

use crate::bitmap::{Bitmap, take_field};
use crate::codec::{self, Value};
use crate::ebcdic;
use crate::error::{Error, ErrorKind, Result};
use crate::mti::Mti;
use crate::plan::{NO_INDEX, Op};
use crate::spec::{CodePage, Encoding, FieldSpec, MAX_FIELD, MtiEncoding, Spec};

/// Messages are framed by at most 2-byte length headers: offsets fit in 16 bits.
pub const MAX_MESSAGE_LEN: usize = u16::MAX as usize;

/// Where a present field's value sits (start and end offsets), how many units it holds, and
/// where its definition sits in the spec's table ([`NO_INDEX`] when it is an override or does
/// not fit a byte): everything an accessor needs, so that reading a field back is loads and no
/// decisions. Eight bytes with no padding, so that the index is cleared and copied as plain
/// memory.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    start: u16,
    end: u16,
    units: u16,
    /// The table index, widened so that the slot has no padding byte.
    def: u16,
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
        def: 0,
    };

    #[inline(always)]
    fn new(start: usize, end: usize, units: usize, def: u8) -> Self {
        Self {
            start: start as u16,
            end: end as u16,
            units: units as u16,
            def: u16::from(def),
        }
    }
}

const SLOTS: usize = MAX_FIELD as usize + 1;

/// A validated ISO 8583 message borrowed from its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct MessageRef<'a, 's> {
    spec: &'s Spec<'s>,
    bytes: &'a [u8],
    mti: Mti,
    bitmap: Bitmap,
    /// The present fields read with a per-MTI override rather than the spec's own definition.
    overridden: Bitmap,
    spans: [Span; SLOTS],
}

/// One present field: its definition and value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FieldRef<'a, 's> {
    spec: &'s FieldSpec<'s>,
    value: Value<'a>,
    offset: usize,
}

impl<'a, 's> FieldRef<'a, 's> {
    /// The field number.
    pub const fn number(&self) -> u8 {
        self.spec.number
    }

    /// The field's definition.
    pub const fn spec(&self) -> &'s FieldSpec<'s> {
        self.spec
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
        crate::subfield::SubfieldIter::new(self.spec, self.value)
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
        write!(f, "Field({} len {})", self.spec.number, self.value.len())
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
        MtiEncoding::Bcd => {
            for (d, nib) in digits
                .iter_mut()
                .zip(bytes.iter().flat_map(|&b| [b >> 4, b & 0xF]))
            {
                *d = if nib <= 9 {
                    codec::digit_char(nib)
                } else {
                    b'?'
                };
            }
        }
    }
    Ok((Mti::from_ascii(&digits)?, len))
}

/// Writes the MTI in the spec's encoding.
pub(crate) fn write_mti<W: codec::Writer + ?Sized>(
    encoding: MtiEncoding,
    mti: Mti,
    w: &mut W,
) -> Result<()> {
    let digits = mti.to_ascii();
    match encoding {
        MtiEncoding::Ascii => w.write(&digits),
        MtiEncoding::Ebcdic => w.write(&digits.map(|d| ebcdic::encode(CodePage::Cp037, d))),
        MtiEncoding::Bcd => {
            let [a, b, c, d] = digits.map(|x| x.wrapping_sub(b'0'));
            w.write(&[(a << 4) | b, (c << 4) | d])
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

impl<'a, 's> MessageRef<'a, 's> {
    /// The message over `bytes` before anything is read (the MTI is a placeholder until
    /// [`MessageRef::read`] sets it).
    #[inline(always)]
    fn unread(spec: &'s Spec<'s>, bytes: &'a [u8]) -> Self {
        Self {
            spec,
            bytes,
            mti: Mti::FINANCIAL_REQUEST,
            bitmap: Bitmap::new(),
            overridden: Bitmap::new(),
            spans: [Span::EMPTY; SLOTS],
        }
    }

    /// Reads the MTI, the bitmaps and every present field of the message at the start of
    /// `self.bytes`, in place; returns where the message ends. Not inlined: the one copy of the
    /// parser, whichever entry point calls it.
    #[inline(never)]
    fn read(&mut self) -> Result<usize> {
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
        self.index(pos.saturating_add(used))
    }

    /// Reads every present field from `pos` on, recording each one's span; returns where the
    /// message ends.
    #[inline]
    fn index(&mut self, pos: usize) -> Result<usize> {
        let (spec, overridden) = (self.spec, self.overridden);
        match spec.plan {
            Some(plan) if overridden.is_empty() => self.read_fields(pos, |n| plan.op(n)),
            Some(plan) => self.read_fields(pos, |n| {
                if overridden.is_set(n) {
                    &Op::GENERAL
                } else {
                    plan.op(n)
                }
            }),
            None => self.read_fields(pos, |_| &Op::GENERAL),
        }
    }

    /// Reads the present fields from `pos` on: each with its plan rule from `op`, or from its
    /// definition when the rule is the general one or the fast reader refuses the bytes. Returns
    /// where the message ends. One copy per kind of spec, so each loop keeps only what it needs;
    /// the bitmap is walked a word at a time, so the inner loop holds one word and its base.
    #[inline]
    fn read_fields<'p>(&mut self, pos: usize, op: impl Fn(u8) -> &'p Op) -> Result<usize> {
        let bytes = self.bytes;
        let mut rest = bytes.get(pos..).unwrap_or_default();
        for (base, mut word) in self.bitmap.reversed_words() {
            while word != 0 {
                let number = take_field(base, &mut word);
                let at = bytes.len().wrapping_sub(rest.len());
                let rule = op(number);
                let (located, def, after) = match codec::read_op(rule, rest) {
                    Some((located, after)) => (located, rule.index, after),
                    None => {
                        let (located, def) = self.general(number, rest, at)?;
                        let after = rest.get(located.end..).unwrap_or_default();
                        (located, def, after)
                    }
                };
                let span = Span::new(
                    at.wrapping_add(located.value_start),
                    at.wrapping_add(located.end),
                    // At most a u16 `max`.
                    located.units,
                    def,
                );
                if let Some(slot) = self.spans.get_mut(usize::from(number)) {
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
    /// field. Returns where it is and its definition's place in the table. Marked cold so that
    /// the planned loop keeps its registers for the fast reader (a few percent fewer
    /// instructions a parse); specs without a plan pay only the call.
    #[cold]
    #[inline(never)]
    fn general(&self, number: u8, rest: &[u8], pos: usize) -> Result<(codec::Located, u8)> {
        let (field, def) = self
            .definition(number)
            .ok_or_else(|| Error::new(ErrorKind::UnknownField, Some(number), pos))?;
        Ok((codec::read_field(field, rest, pos)?, def))
    }
}

fn to_u16(n: usize) -> Result<u16> {
    u16::try_from(n).map_err(|_| Error::new(ErrorKind::MessageTooLong, None, MAX_MESSAGE_LEN))
}

impl<'a, 's> MessageRef<'a, 's> {
    /// Validates `bytes` as exactly one message under `spec`.
    ///
    /// A `MessageRef` holds its field index inline (about 1.6 KB, no heap): bind the result by
    /// reference (`if let Ok(m) = &parsed`) where a copy matters.
    #[inline]
    pub fn parse(spec: &'s Spec<'s>, bytes: &'a [u8]) -> Result<Self> {
        // Small and inlined, so that the result is built where the caller keeps it and the
        // message filled in place by `read`: the index is too big to move.
        let mut result = Ok(Self::unread(spec, bytes));
        if let Ok(message) = &mut result {
            match message.read() {
                Ok(len) if len < bytes.len() => {
                    let kind = ErrorKind::TrailingData {
                        remaining: bytes.len().saturating_sub(len),
                    };
                    result = Err(Error::new(kind, None, len));
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
        let mut message = Self::unread(spec, bytes);
        let len = message.read()?;
        let (own, rest) = bytes.split_at_checked(len).unwrap_or((bytes, &[]));
        message.bytes = own;
        Ok((message, rest))
    }

    /// The definition field `number` is read with (its override for this MTI, else the spec's
    /// own), and its place in the spec's table ([`NO_INDEX`] for an override, or a place that
    /// does not fit a byte).
    fn definition(&self, number: u8) -> Option<(&'s FieldSpec<'s>, u8)> {
        let spec = self.spec;
        if self.overridden.is_set(number) {
            return spec.field_for(self.mti, number).map(|f| (f, NO_INDEX));
        }
        let index = spec.field_index(number)?;
        let field = spec.fields.get(index)?;
        Some((field, u8::try_from(index).unwrap_or(NO_INDEX)))
    }

    /// The spec the message was read with.
    pub const fn spec(&self) -> &'s Spec<'s> {
        self.spec
    }

    /// The exact bytes of the message (MTI to last field).
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The message type indicator.
    pub const fn mti(&self) -> Mti {
        self.mti
    }

    /// The bitmap as read.
    pub const fn bitmap(&self) -> &Bitmap {
        &self.bitmap
    }

    /// True when field `number` is present.
    pub fn has(&self, number: u8) -> bool {
        number != 1 && number != 65 && self.bitmap.is_set(number)
    }

    /// Field `number`, if present.
    pub fn field(&self, number: u8) -> Option<FieldRef<'a, 's>> {
        if !self.has(number) {
            return None;
        }
        self.at(number)
    }

    /// The value of field `number`, if present.
    pub fn value(&self, number: u8) -> Option<Value<'a>> {
        self.field(number).map(|f| f.value())
    }

    /// Every present field, ascending.
    pub fn fields(&self) -> FieldIter<'_, 'a, 's> {
        FieldIter {
            message: self,
            fields: self.spec.fields,
            numbers: self.bitmap.fields(),
        }
    }

    /// Present field `number`, without the presence check.
    #[inline(always)]
    fn at(&self, number: u8) -> Option<FieldRef<'a, 's>> {
        self.at_in(self.spec.fields, number)
    }

    /// [`MessageRef::at`] with the spec's table at hand.
    #[inline(always)]
    fn at_in(&self, fields: &'s [FieldSpec<'s>], number: u8) -> Option<FieldRef<'a, 's>> {
        let span = *self.spans.get(usize::from(number))?;
        let spec = match fields.get(usize::from(span.def)) {
            Some(field) if field.number == number => field,
            _ => self.definition(number)?.0,
        };
        let start = usize::from(span.start);
        let wire = self.bytes.get(start..usize::from(span.end))?;
        Some(FieldRef {
            spec,
            value: Value {
                encoding: spec.encoding,
                wire,
                units: usize::from(span.units),
            },
            offset: start,
        })
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
        let bytes = match field.spec.encoding {
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
        let last = self.bitmap.fields().last()?;
        if last != 64 && last != 128 {
            return None;
        }
        let span = *self.spans.get(usize::from(last))?;
        let (field, _) = self.definition(last)?;
        let start = codec::field_len(field, usize::from(span.units));
        self.bytes
            .get(..usize::from(span.end).saturating_sub(start))
    }

    /// The number of the MAC field (64 or 128) when the message ends with one.
    pub fn mac_field(&self) -> Option<u8> {
        self.bitmap.fields().last().filter(|&n| n == 64 || n == 128)
    }
}

/// Iterator over a message's present fields, ascending (see [`MessageRef::fields`]).
#[derive(Clone, Debug)]
pub struct FieldIter<'m, 'a, 's> {
    message: &'m MessageRef<'a, 's>,
    /// The spec's table, kept at hand rather than reloaded through the message each field.
    fields: &'s [FieldSpec<'s>],
    numbers: crate::bitmap::Fields,
}

impl<'a, 's> Iterator for FieldIter<'_, 'a, 's> {
    type Item = FieldRef<'a, 's>;

    #[inline(always)]
    fn next(&mut self) -> Option<FieldRef<'a, 's>> {
        let number = self.numbers.next()?;
        self.message.at_in(self.fields, number)
    }

    #[inline]
    fn fold<B, F: FnMut(B, Self::Item) -> B>(self, init: B, mut f: F) -> B {
        let (message, fields) = (self.message, self.fields);
        self.numbers
            .fold(init, |acc, number| match message.at_in(fields, number) {
                Some(field) => f(acc, field),
                None => acc,
            })
    }
}

fn tlv_error(e: emv_tlv::Error, base: usize) -> Error {
    Error::new(
        ErrorKind::Tlv(e.kind()),
        Some(55),
        base.saturating_add(e.offset()),
    )
}

impl fmt::Debug for MessageRef<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageRef")
            .field("spec", &self.spec.name)
            .field("mti", &self.mti)
            .field("fields", &self.bitmap)
            .finish()
    }
}

pub(crate) use emv_tlv::mask::write_masked_pan;

/// A primary account number; `Display` and `Debug` show only the first 6 and last 4 digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Pan<'a>(Value<'a>);

impl<'a> Pan<'a> {
    /// The digits, in clear.
    pub fn digits(&self) -> codec::Iter<'a> {
        self.0.iter()
    }

    /// The value as on the wire.
    pub const fn value(&self) -> Value<'a> {
        self.0
    }
}

impl fmt::Display for Pan<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_masked_pan(f, self.0.iter())
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
    pub fn chars(&self) -> codec::Iter<'a> {
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
        write_masked_track(f, self.0.iter())
    }
}

impl fmt::Debug for Track2<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Track2({self})")
    }
}

/// Track data: masked PAN, the separator, then `*` for every other character.
pub(crate) fn write_masked_track(
    f: &mut impl fmt::Write,
    chars: impl Iterator<Item = u8> + Clone,
) -> fmt::Result {
    let pan = chars.clone().take_while(u8::is_ascii_digit);
    let pan_len = pan.clone().count();
    write_masked_pan(f, pan)?;
    for (i, c) in chars.skip(pan_len).enumerate() {
        let separator = i == 0 && (c == b'=' || c == b'D' || c == b'^');
        f.write_char(if separator { char::from(c) } else { '*' })?;
    }
    Ok(())
}
