//! `Message`: an owned, editable message (feature `alloc`).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::builder::MessageBuilder;
use crate::error::Result;
use crate::field::{self, Writer};
use crate::mti::Mti;
use crate::parse::{MessageRef, Slots};
use crate::spec::{Length, Pad, Spec};

/// An owned message: MTI and logical field values, checked against the spec when set.
///
/// ```
/// use paywire_iso8583::{Message, MessageRef, Mti, builtin::ISO87ASCII};
/// let mut m = Message::new(&ISO87ASCII, Mti::NETWORK_MANAGEMENT_REQUEST);
/// m.set(11, "000001")?.set(70, "301")?;
/// assert!(m.set(11, "1").is_err()); // field 11 is n 6
/// let bytes = m.to_vec()?;
/// let answer = Message::parse(&ISO87ASCII, &bytes)?.response(&[11, 70]);
/// assert_eq!(answer.get(70), Some(&b"301"[..]));
/// assert_eq!(MessageRef::parse(&ISO87ASCII, &answer.to_vec()?)?.mti(), Mti::NETWORK_MANAGEMENT_RESPONSE);
/// # Ok::<(), paywire_iso8583::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Message<'s> {
    spec: &'s Spec<'s>,
    mti: Mti,
    fields: BTreeMap<u8, Vec<u8>>,
}

impl<'s> Message<'s> {
    /// An empty message of type `mti`.
    pub fn new(spec: &'s Spec<'s>, mti: Mti) -> Self {
        Self {
            spec,
            mti,
            fields: BTreeMap::new(),
        }
    }

    /// Copies a parsed message.
    pub fn from_ref<I: Slots>(message: &MessageRef<'_, 's, I>) -> Self {
        Self {
            spec: message.spec(),
            mti: message.mti(),
            fields: message
                .fields()
                .map(|f| (f.number(), f.value().to_vec()))
                .collect(),
        }
    }

    /// Parses and copies `bytes`.
    pub fn parse(spec: &'s Spec<'s>, bytes: &[u8]) -> Result<Self> {
        MessageRef::parse(spec, bytes).map(|m| Self::from_ref(&m))
    }

    /// The spec.
    pub const fn spec(&self) -> &'s Spec<'s> {
        self.spec
    }

    /// The message type.
    pub const fn mti(&self) -> Mti {
        self.mti
    }

    /// Changes the message type.
    pub fn set_mti(&mut self, mti: Mti) -> &mut Self {
        self.mti = mti;
        self
    }

    /// Sets field `number` to `value` (logical), checked against the spec.
    pub fn set(&mut self, number: u8, value: impl Into<Vec<u8>>) -> Result<&mut Self> {
        let value = value.into();
        let spec = self.spec.definition(self.mti, number)?;
        field::write::check_logical(spec, &value)?;
        self.fields.insert(number, value);
        Ok(self)
    }

    /// Sets a fixed-length field to a shorter value padded as the spec says (`42` for a 6-digit
    /// field becomes `000042`).
    pub fn set_padded(&mut self, number: u8, value: &[u8]) -> Result<&mut Self> {
        let spec = self.spec.definition(self.mti, number)?;
        let mut padded = Vec::from(value);
        if let (Length::Fixed(n), Pad::Left(c) | Pad::Right(c)) = (spec.length, spec.pad) {
            let missing = usize::from(n).saturating_sub(value.len());
            match spec.pad {
                Pad::Left(_) => padded
                    .splice(0..0, core::iter::repeat_n(c, missing))
                    .for_each(drop),
                _ => padded.extend(core::iter::repeat_n(c, missing)),
            }
        }
        self.set(number, padded)
    }

    /// The value of field `number`.
    pub fn get(&self, number: u8) -> Option<&[u8]> {
        self.fields.get(&number).map(Vec::as_slice)
    }

    /// Removes field `number`, returning its value.
    pub fn remove(&mut self, number: u8) -> Option<Vec<u8>> {
        self.fields.remove(&number)
    }

    /// The fields present, ascending, with their values.
    pub fn fields(&self) -> impl Iterator<Item = (u8, &[u8])> {
        self.fields.iter().map(|(&n, v)| (n, v.as_slice()))
    }

    /// A builder borrowing this message's values.
    pub fn builder(&self) -> MessageBuilder<'s, '_> {
        let mut b = MessageBuilder::new(self.spec, self.mti);
        for (&n, v) in &self.fields {
            // Values were checked when set; a failure here would mean a spec change, and
            // `set` leaves the field out rather than writing something invalid.
            let _ = b.set(n, v);
        }
        b
    }

    /// Exact encoded length.
    pub fn encoded_len(&self) -> usize {
        self.builder().encoded_len()
    }

    /// Writes the message.
    pub fn encode<W: Writer + ?Sized>(&self, w: &mut W) -> Result<()> {
        self.builder().encode(w)
    }

    /// The message's bytes.
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        self.builder().to_vec()
    }

    /// A response to this request: the response MTI, and the `echo` fields copied (those that
    /// are present). Typical echo set: 2, 3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49.
    pub fn response(&self, echo: &[u8]) -> Self {
        let mut out = Self::new(self.spec, self.mti.response());
        for &n in echo {
            if let Some(v) = self.fields.get(&n) {
                out.fields.insert(n, v.clone());
            }
        }
        out
    }
}

impl core::fmt::Debug for Message<'_> {
    /// Field numbers and lengths only; values may be a PAN or PIN block.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Message")
            .field("spec", &self.spec.name)
            .field("mti", &self.mti)
            .field(
                "fields",
                &self
                    .fields
                    .iter()
                    .map(|(n, v)| (n, v.len()))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}
