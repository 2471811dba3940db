//! `MessageRef`: a message validated once, then read field by field without errors or copies.
//!
//! [`MessageRef::parse`] reads the MTI and bitmaps, then every present field as its spec says,
//! checking prefixes, lengths, pad nibbles and characters, and records where each value sits in
//! a fixed index. After that every accessor is O(1), cannot fail and borrows the input.

use core::fmt;

use paywire_emv_tlv::mask::Masked;

use crate::bitmap::Bitmap;
use crate::error::{Error, ErrorKind, Result};
use crate::field::{self, Value};
use crate::mti::Mti;
use crate::parse::{Head, MessageRef, Slots, Span};
use crate::spec::{Encoding, FieldSpec, Sensitivity, Spec};

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
    pub fn tlv(&self) -> Option<paywire_emv_tlv::Tlvs<'a>> {
        paywire_emv_tlv::Tlvs::parse(self.value.as_bytes()?).ok()
    }
}

impl fmt::Debug for FieldRef<'_, '_> {
    /// Number and length only: values may be a PAN or a PIN block. Use `describe` for a masked
    /// view.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Field({} len {})", self.number, self.value.len())
    }
}

impl<'a, 's> Head<'a, 's> {
    /// Present field `number` from its slot in `spans`. Cannot fail for a field the parse
    /// read, so it does not return an `Option` (whose check the compiler could not drop).
    #[inline(always)]
    pub(crate) fn at(&self, spans: &[Span], number: u8) -> FieldRef<'a, 's> {
        let span = spans.get(usize::from(number)).copied().unwrap_or_default();
        let encoding = match span.encoding() {
            Some(encoding) => encoding,
            None => self.encoding_of(number),
        };
        let start = span.start();
        FieldRef {
            spec: self.spec,
            mti: self.mti,
            number,
            value: Value {
                encoding,
                wire: self.bytes.get(start..span.end()).unwrap_or_default(),
                units: span.units(),
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

impl<'a, 's, I: Slots> MessageRef<'a, 's, I> {
    /// The field slots.
    #[inline(always)]
    fn spans(&self) -> &[Span] {
        self.index.spans()
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
    #[inline]
    pub fn has(&self, number: u8) -> bool {
        self.head.bitmap.has_field(number)
    }

    /// Field `number`, if present.
    #[inline]
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
    pub fn icc_data(&self) -> Option<Result<paywire_emv_tlv::Tlvs<'a>>> {
        let field = self.field(55)?;
        let bytes = match field.value.encoding {
            Encoding::Binary => field.value.wire(),
            _ => return None,
        };
        Some(paywire_emv_tlv::Tlvs::parse(bytes).map_err(|e| tlv_error(e, field.offset)))
    }

    /// Field 55 decoded into `buf` (for any encoding), as a BER-TLV view.
    pub fn icc_data_into<'b>(
        &self,
        buf: &'b mut [u8],
    ) -> Option<Result<paywire_emv_tlv::Tlvs<'b>>> {
        let field = self.field(55)?;
        Some(
            field
                .value
                .copy_to(buf)
                .map_err(|e| Error::new(e.kind(), Some(55), field.offset))
                .and_then(|bytes| {
                    paywire_emv_tlv::Tlvs::parse(bytes).map_err(|e| tlv_error(e, field.offset))
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
        let start = field::write::field_len(field, span.units());
        self.head.bytes.get(..span.end().saturating_sub(start))
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
    spans: &'m [Span],
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

fn tlv_error(e: paywire_emv_tlv::Error, base: usize) -> Error {
    Error::new(
        ErrorKind::Tlv(e.kind()),
        Some(55),
        base.saturating_add(e.offset()),
    )
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
