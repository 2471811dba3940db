//! Specs as data: how each field is written on the wire.
//!
//! A field definition is content class × value encoding × length rule × padding × sensitivity.
//! Every type here is `const`-constructible, so a firmware's spec lives in flash; the same types
//! describe specs built at run time.

pub use crate::charset::Charset;
pub use crate::content::Content;
pub use crate::ebcdic::CodePage;
use crate::error::{Error, ErrorKind, Result};
pub use crate::field::rule::Plan;
pub use crate::mti::MtiEncoding;

/// Whether this build reads and writes [`Encoding::SignBcd`] (feature `sign-bcd`).
pub(crate) const SIGN_BCD: bool = cfg!(feature = "sign-bcd");
/// Whether this build reads and writes hexadecimal-text length prefixes
/// ([`PrefixEncoding::Hex`], feature `hex-prefix`).
pub(crate) const HEX_PREFIX: bool = cfg!(feature = "hex-prefix");
/// Whether this build reads field 65 as data in specs that define it (feature `field-65`).
pub(crate) const FIELD65: bool = cfg!(feature = "field-65");

/// The highest field number (three bitmaps).
pub const MAX_FIELD: u8 = 192;

/// Where the digits of an odd-length BCD value sit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Align {
    /// Right-aligned: the pad nibble comes first (`123` = `01 23`).
    Right,
    /// Left-aligned: the pad nibble comes last (`123` = `12 3F`).
    Left,
}

/// How a field's value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// One ASCII byte per character.
    Ascii,
    /// One EBCDIC byte per character.
    Ebcdic(CodePage),
    /// Packed BCD, two digits a byte; `pad` is the nibble (0x0 or 0xF) that fills odd lengths.
    /// Track 2's separator is the nibble `D`, read and written as `=` (jPOS's form; a `D`
    /// character is refused when building, since it would read back as `=`).
    Bcd {
        /// Where odd-length digits sit.
        align: Align,
        /// The pad nibble.
        pad: u8,
    },
    /// Raw bytes (binary content).
    Binary,
    /// Binary content written as uppercase hexadecimal text, two characters a byte (either case
    /// is read).
    HexText,
    /// An `x+n` amount as jPOS's `IFB_AMOUNT` writes it: the sign (`C` or `D`) as one ASCII
    /// byte, then the digits in packed BCD with a 0 pad nibble (jpos/jPOS
    /// `jpos/src/main/java/org/jpos/iso/IFB_AMOUNT.java`: `b[0] = s.charAt(0)`, then
    /// `BCDInterpreter.LEFT_PADDED` or `RIGHT_PADDED`, both padding with 0). A fixed `x+n 8`
    /// field (9 units with its sign) is 1 + 4 bytes. (No pad field: `Encoding` stays two
    /// bytes.)
    SignBcd {
        /// Where odd-length digits sit.
        align: Align,
    },
}

impl Encoding {
    /// Right-aligned BCD padded with 0 (numeric amounts, codes).
    pub const BCD: Self = Self::Bcd {
        align: Align::Right,
        pad: 0,
    };
    /// Left-aligned BCD padded with F (PAN, track 2 in many dialects).
    pub const BCD_LEFT_F: Self = Self::Bcd {
        align: Align::Left,
        pad: 0xF,
    };
    /// Left-aligned BCD padded with 0.
    pub const BCD_LEFT_0: Self = Self::Bcd {
        align: Align::Left,
        pad: 0,
    };

    /// Wire bytes for `units` characters, digits or binary bytes.
    pub const fn wire_len(self, units: usize) -> usize {
        match self {
            Self::Bcd { .. } => units.div_ceil(2),
            Self::SignBcd { .. } if SIGN_BCD => match units.checked_sub(1) {
                Some(digits) => digits.div_ceil(2).saturating_add(1),
                None => 0,
            },
            Self::HexText => units.saturating_mul(2),
            _ => units,
        }
    }
}

/// How a length prefix is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrefixEncoding {
    /// Decimal digits in ASCII (`LL` = 2 characters).
    Ascii,
    /// Decimal digits in EBCDIC.
    Ebcdic,
    /// The length in hexadecimal ASCII text, two characters a byte of length (`L` = 2
    /// characters, `LL` = 4; either case read, uppercase written): moov-io's `Hex.L`…. Needs
    /// the `hex-prefix` feature (on by default).
    Hex,
    /// Packed BCD (`LL` = 1 byte, `LLL` = 2 bytes).
    Bcd,
    /// Big-endian binary (`L` = 1 byte, `LL` = 2 bytes, ...).
    Binary,
}

/// What a length prefix counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counts {
    /// Units of the value: characters, digits (for BCD) or bytes of binary content (for hex
    /// text). This is what most specs mean.
    Units,
    /// Bytes on the wire (some dialects count BCD fields in bytes; not allowed with BCD values,
    /// whose digit count would be ambiguous).
    Bytes,
}

/// A variable-length prefix: `digits` is the L count — 1–6 decimal digits (L … LLLLLL) for
/// ASCII, EBCDIC and BCD, 1–4 bytes for binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Prefix {
    /// How the number is written.
    pub encoding: PrefixEncoding,
    /// The L count: decimal digits for ASCII/EBCDIC/BCD, bytes for binary.
    pub digits: u8,
    /// What the number counts.
    pub counts: Counts,
}

impl Prefix {
    /// An ASCII prefix of `digits` characters counting units.
    pub const fn ascii(digits: u8) -> Self {
        Self {
            encoding: PrefixEncoding::Ascii,
            digits,
            counts: Counts::Units,
        }
    }

    /// A BCD prefix of `digits` digits counting units.
    pub const fn bcd(digits: u8) -> Self {
        Self {
            encoding: PrefixEncoding::Bcd,
            digits,
            counts: Counts::Units,
        }
    }

    /// An EBCDIC prefix of `digits` characters counting units.
    pub const fn ebcdic(digits: u8) -> Self {
        Self {
            encoding: PrefixEncoding::Ebcdic,
            digits,
            counts: Counts::Units,
        }
    }

    /// A binary prefix of `bytes` bytes counting units.
    pub const fn binary(bytes: u8) -> Self {
        Self {
            encoding: PrefixEncoding::Binary,
            digits: bytes,
            counts: Counts::Units,
        }
    }

    /// The same prefix counting wire bytes.
    pub const fn counting_bytes(self) -> Self {
        Self {
            counts: Counts::Bytes,
            ..self
        }
    }

    /// Bytes the prefix takes on the wire.
    pub const fn wire_len(self) -> usize {
        match self.encoding {
            PrefixEncoding::Bcd => (self.digits as usize).div_ceil(2),
            PrefixEncoding::Hex if HEX_PREFIX => (self.digits as usize).saturating_mul(2),
            _ => self.digits as usize,
        }
    }

    /// The largest number the prefix can hold.
    pub const fn capacity(self) -> usize {
        match self.encoding {
            PrefixEncoding::Binary | PrefixEncoding::Hex => match self.digits {
                1 => 0xFF,
                2 => 0xFFFF,
                3 => 0xFF_FFFF,
                _ => u32::MAX as usize,
            },
            _ => match self.digits {
                1 => 9,
                2 => 99,
                3 => 999,
                4 => 9999,
                5 => 99_999,
                _ => 999_999,
            },
        }
    }
}

/// Fixed or variable length, in the field's units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Length {
    /// Always exactly this many units.
    Fixed(u16),
    /// A prefix, then `min..=max` units.
    Var {
        /// The length prefix.
        prefix: Prefix,
        /// Fewest units.
        min: u16,
        /// Most units.
        max: u16,
    },
}

/// What the builder does with a value shorter than a fixed length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pad {
    /// Nothing: the value must have the exact length.
    None,
    /// Fill on the left with this character (numeric fields: `0`).
    Left(u8),
    /// Fill on the right with this character (text fields: space).
    Right(u8),
}

/// How much of a field may be shown: the workspace's one masking rule, from `emv-tlv`.
pub use paywire_emv_tlv::mask::Sensitivity;

/// One field of a spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldSpec<'s> {
    /// Field number, 2–192 (not 65 or 129, which are bitmap bits).
    pub number: u8,
    /// Name, as the standard or the dialect's document gives it.
    pub name: &'s str,
    /// Content class.
    pub content: Content,
    /// Value encoding.
    pub encoding: Encoding,
    /// Length rule.
    pub length: Length,
    /// Builder padding for short fixed-length values.
    pub pad: Pad,
    /// Masking rule.
    pub sensitivity: Sensitivity,
    /// How the value divides into subfields, if it does.
    pub subfields: Subfields<'s>,
}

/// One fixed-width part of a positional field (CUPS field 60: 60.1 is 2 digits, 60.2 is 6, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Part<'s> {
    /// Name of the part.
    pub name: &'s str,
    /// Width in the field's units.
    pub width: u16,
}

/// How a field's value divides into subfields. Subfields are read from the field's logical value;
/// the field itself is stored and re-emitted as a whole, so unknown tags survive unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Subfields<'s> {
    /// No subfields.
    None,
    /// Fixed-width parts end to end. A variable-length field may stop after any whole part
    /// (later parts absent); it may not stop inside one.
    Positional(&'s [Part<'s>]),
    /// Tag-length-value with an ASCII tag of `tag_len` characters and a decimal ASCII length of
    /// `len_digits` characters (UnionPay field 59: `A2` + `018` + value). Needs ASCII or binary
    /// encoding.
    TaggedAscii {
        /// Characters in a tag.
        tag_len: u8,
        /// Digits in a length.
        len_digits: u8,
    },
    /// BER-TLV (field 55), read with `emv-tlv`. Needs binary content.
    BerTlv,
    /// A 64-bit bitmap (binary or 16 hex characters) at the start of the value, then the
    /// subfields it announces, each read as its definition in `fields` says (sorted by number,
    /// 1–64). When `fields` defines subfields above 64 (up to 128), bit 1 set announces a
    /// second 64-bit word for them, as jPOS's 16-byte `IFB_BITMAP` does (no subfield 1 then). The field must be ASCII or binary, so its wire bytes are its value; subfields of a
    /// bitmap field cannot have subfields of their own.
    Bitmap {
        /// How the subfield bitmap is written.
        encoding: BitmapEncoding,
        /// The subfield definitions.
        fields: &'s [FieldSpec<'s>],
    },
    /// Subfields end to end, each read as its definition in the list says — its own encoding,
    /// fixed or behind its own length prefix — in the list's order (ascending numbers, which
    /// may start at 0 as jPOS's `firstField="0"` does). The value may stop after any whole
    /// subfield (later ones absent); it may not stop inside one. The field must be ASCII or
    /// binary, so its wire bytes are its value; subfields cannot have subfields of their own.
    /// jPOS: a `GenericSubFieldPackager` without a bitmap (`emitBitmap="false"`); moov-io: a
    /// composite without bitmap or tag whose subfields are not all fixed ASCII.
    Sequence(&'s [FieldSpec<'s>]),
    /// Tag, then the subfield that tag names, read as its definition in `fields` says (its own
    /// encoding, fixed or behind its own length prefix), repeated to the end of the value, in
    /// any order, each tag at most once (a tag the spec does not define is malformed). A tag is the definition's number in `tag_len` decimal digits, zero-padded,
    /// written as `tag_encoding` says (`01`, `02`, … — moov-io's composites with a `tag` whose
    /// subfields each have their own prefix or encoding, tags in ASCII, EBCDIC or BCD). The
    /// field must be ASCII or binary; subfields cannot have subfields of their own. (Tags that
    /// are not numbers, every value behind the same ASCII length: [`Subfields::TaggedAscii`].)
    Tagged {
        /// Digits in a tag (1–3).
        tag_len: u8,
        /// How the tag's digits are written.
        tag_encoding: TagEncoding,
        /// The subfield definitions (sorted by number; each number below `10^tag_len`).
        fields: &'s [FieldSpec<'s>],
    },
}

/// How the digits of a [`Subfields::Tagged`] tag are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TagEncoding {
    /// ASCII digits.
    Ascii,
    /// EBCDIC digits (code page 037; needs the `ebcdic` feature).
    Ebcdic,
    /// Packed BCD, right-aligned (an odd digit count has a leading 0 nibble).
    Bcd,
}

impl TagEncoding {
    /// A tag of `digits` digits is written as a decimal length prefix of that many digits is:
    /// the prefix that reads and writes it.
    pub const fn prefix(self, digits: u8) -> Prefix {
        match self {
            Self::Ascii => Prefix::ascii(digits),
            Self::Ebcdic => Prefix::ebcdic(digits),
            Self::Bcd => Prefix::bcd(digits),
        }
    }
}

impl<'s> Subfields<'s> {
    /// The subfield definitions of a [`Subfields::Bitmap`], [`Subfields::Sequence`] or
    /// [`Subfields::Tagged`] layout (empty for the others, whose subfields share the field's
    /// definition).
    pub const fn definitions(&self) -> &'s [FieldSpec<'s>] {
        match self {
            Self::Bitmap { fields, .. } | Self::Sequence(fields) | Self::Tagged { fields, .. } => {
                fields
            }
            _ => &[],
        }
    }
}

impl<'s> FieldSpec<'s> {
    /// A field with the usual padding for its class (`n`: left `0`; text: right space; binary:
    /// none) and public sensitivity.
    pub const fn new(
        number: u8,
        name: &'s str,
        content: Content,
        encoding: Encoding,
        length: Length,
    ) -> Self {
        let pad = match content {
            Content::N => Pad::Left(b'0'),
            Content::B | Content::Z | Content::XN => Pad::None,
            _ => Pad::Right(b' '),
        };
        Self {
            number,
            name,
            content,
            encoding,
            length,
            pad,
            sensitivity: Sensitivity::Public,
            subfields: Subfields::None,
        }
    }

    /// The same field divided into `subfields`.
    pub const fn with_subfields(self, subfields: Subfields<'s>) -> Self {
        Self { subfields, ..self }
    }

    /// The same field with another masking rule.
    pub const fn sensitive(self, sensitivity: Sensitivity) -> Self {
        Self {
            sensitivity,
            ..self
        }
    }

    /// The same field with another padding rule.
    pub const fn padded(self, pad: Pad) -> Self {
        Self { pad, ..self }
    }

    /// Most units the field may hold.
    pub const fn max_units(&self) -> usize {
        match self.length {
            Length::Fixed(n) => n as usize,
            Length::Var { max, .. } => max as usize,
        }
    }

    /// Whether this build reads and writes the field. EBCDIC (for its value, its length prefix
    /// or its subfields' tags) needs the `ebcdic` feature and subfields read by definitions of
    /// their own (under a bitmap, in sequence, after numeric tags) the `bitmap-subfields`
    /// feature, both on by default; a firmware whose dialect uses neither builds without them
    /// (2.4 KB less flash for the `cups-pos` terminal job). A field this build leaves out is
    /// refused with [`ErrorKind::Unsupported`] and its number — where the spec is validated, a
    /// message parsed or a value set — so it is never read or written without them.
    pub const fn supported(&self) -> bool {
        // The prefixes this build may leave out (EBCDIC and hex sit side by side in
        // `PrefixEncoding`: one range check when both are out).
        let prefix_refused = match self.length {
            Length::Var { prefix, .. } => match prefix.encoding {
                PrefixEncoding::Ebcdic => !crate::ebcdic::ENABLED,
                PrefixEncoding::Hex => !HEX_PREFIX,
                _ => false,
            },
            Length::Fixed(_) => false,
        };
        let ebcdic = matches!(self.encoding, Encoding::Ebcdic(_));
        let bitmap = matches!(
            self.subfields,
            Subfields::Bitmap { .. } | Subfields::Sequence(_) | Subfields::Tagged { .. }
        );
        let sign_bcd = matches!(self.encoding, Encoding::SignBcd { .. });
        let tagged_ebcdic = matches!(
            self.subfields,
            Subfields::Tagged {
                tag_encoding: TagEncoding::Ebcdic,
                ..
            }
        );
        !prefix_refused
            && (crate::ebcdic::ENABLED || !ebcdic)
            && (cfg!(feature = "bitmap-subfields") || !bitmap)
            && (!cfg!(feature = "bitmap-subfields") || crate::ebcdic::ENABLED || !tagged_ebcdic)
            && (SIGN_BCD || !sign_bcd)
    }

    /// `Err(Unsupported)` at `offset` when this build leaves the field out (see
    /// [`FieldSpec::supported`]).
    #[inline(always)]
    pub(crate) fn check_supported(&self, offset: usize) -> Result<()> {
        if self.supported() {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Unsupported,
                Some(self.number),
                offset,
            ))
        }
    }

    /// Checks the definition is usable.
    pub fn validate(&self) -> Result<()> {
        let bad = Err(Error::new(ErrorKind::BadSpec, Some(self.number), 0));
        self.check_supported(0)?;
        // Field 65 is a data field only where the spec says so by defining it (feature
        // `field-65`); `Spec::validate` then allows no field above 128.
        let reserved_65 = self.number == 65 && !FIELD65;
        if self.number < 2 || self.number > MAX_FIELD || reserved_65 || self.number == 129 {
            return bad;
        }
        if self.validate_shape() { Ok(()) } else { bad }
    }

    /// Encoding, length and subfield rules, whatever the number (subfields of a bitmap field
    /// number from 1).
    fn validate_shape(&self) -> bool {
        let bad = false;
        if !self.supported() {
            return bad;
        }
        let encoding_ok = match self.encoding {
            Encoding::Bcd { pad, .. } => {
                matches!(self.content, Content::N | Content::Z) && (pad == 0 || pad == 0xF)
            }
            // The sign byte is written as it is: no pad before it.
            Encoding::SignBcd { .. } => self.content == Content::XN && self.pad == Pad::None,
            Encoding::Binary | Encoding::HexText => self.content.is_binary(),
            Encoding::Ascii | Encoding::Ebcdic(_) => !self.content.is_binary(),
        };
        if !encoding_ok {
            return bad;
        }
        let subfields_ok = match self.subfields {
            Subfields::None => true,
            Subfields::Positional(parts) => {
                let total = parts
                    .iter()
                    .map(|p| usize::from(p.width))
                    .fold(0usize, usize::saturating_add);
                let widths_ok = parts.iter().all(|p| p.width > 0);
                widths_ok
                    && match self.length {
                        Length::Fixed(n) => total == usize::from(n),
                        Length::Var { max, .. } => total <= usize::from(max),
                    }
            }
            Subfields::TaggedAscii {
                tag_len,
                len_digits,
            } => {
                matches!(self.encoding, Encoding::Ascii | Encoding::Binary)
                    && (1..=4).contains(&tag_len)
                    && (1..=4).contains(&len_digits)
            }
            Subfields::BerTlv => self.content.is_binary(),
            Subfields::Bitmap { fields, .. } => {
                // Subfields 65–128 need bit 1 to announce the second bitmap word: no
                // subfield 1 then.
                let extended = fields.iter().any(|f| f.number > 64);
                let mut previous = u8::from(extended);
                matches!(self.encoding, Encoding::Ascii | Encoding::Binary)
                    && fields.iter().all(|f| {
                        let ok = f.number > previous
                            && f.number <= 128
                            && matches!(f.subfields, Subfields::None)
                            && f.validate_shape();
                        previous = f.number;
                        ok
                    })
            }
            Subfields::Tagged {
                tag_len, fields, ..
            } => {
                let limit = 10u16.pow(u32::from(tag_len.clamp(1, 3)));
                let mut previous = None;
                (1..=3).contains(&tag_len)
                    && !fields.is_empty()
                    && matches!(self.encoding, Encoding::Ascii | Encoding::Binary)
                    && fields.iter().all(|f| {
                        let ok = previous.is_none_or(|p| f.number > p)
                            && u16::from(f.number) < limit
                            && matches!(f.subfields, Subfields::None)
                            && f.validate_shape();
                        previous = Some(f.number);
                        ok
                    })
            }
            Subfields::Sequence(fields) => {
                let mut next = 0u16;
                !fields.is_empty()
                    && matches!(self.encoding, Encoding::Ascii | Encoding::Binary)
                    && fields.iter().all(|f| {
                        let ok = u16::from(f.number) >= next
                            && matches!(f.subfields, Subfields::None)
                            && f.validate_shape();
                        next = u16::from(f.number).saturating_add(1);
                        ok
                    })
            }
        };
        if !subfields_ok {
            return bad;
        }
        match self.length {
            Length::Fixed(n) => n > 0,
            Length::Var { prefix, min, max } => {
                let bcd_bytes = matches!(
                    self.encoding,
                    Encoding::Bcd { .. } | Encoding::SignBcd { .. }
                ) && prefix.counts == Counts::Bytes;
                // Up to six decimal digits (Postilion's field 127 is `LLLLLL`), four binary
                // bytes.
                let digits_ok = match prefix.encoding {
                    PrefixEncoding::Binary | PrefixEncoding::Hex => {
                        (1..=4).contains(&prefix.digits)
                    }
                    _ => (1..=6).contains(&prefix.digits),
                };
                let max_wire = match prefix.counts {
                    Counts::Units => usize::from(max),
                    Counts::Bytes => self.encoding.wire_len(usize::from(max)),
                };
                !(min > max || max == 0 || bcd_bytes || !digits_ok || max_wire > prefix.capacity())
            }
        }
    }
}

/// How bitmaps are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BitmapEncoding {
    /// Eight bytes per bitmap.
    Binary,
    /// Sixteen hexadecimal ASCII characters per bitmap (either case read, uppercase written).
    HexText,
}

/// A field definition that applies only to one message type (UnionPay's field 62 is binary key
/// material in the 0810 sign-in response and text elsewhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Override<'s> {
    /// The message type it applies to.
    pub mti: crate::Mti,
    /// The definition used instead of the spec's own for `field.number`.
    pub field: FieldSpec<'s>,
}

/// A message spec: MTI and bitmap encodings and the field table, sorted by number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Spec<'s> {
    /// Short name (`iso87ascii`).
    pub name: &'s str,
    /// One-line description.
    pub description: &'s str,
    /// MTI encoding.
    pub mti: MtiEncoding,
    /// Bitmap encoding.
    pub bitmap: BitmapEncoding,
    /// Field definitions, sorted by number, at most one per number.
    pub fields: &'s [FieldSpec<'s>],
    /// Per-MTI replacements for some fields (usually empty).
    pub overrides: &'s [Override<'s>],
    /// `fields` compiled for the parser ([`Plan::compile`]): optional, and only a matter of
    /// speed — a spec without one reads the same messages the same way, field by field from
    /// its definitions. [`Spec::validate`] refuses a plan compiled from other fields.
    pub plan: Option<&'s Plan>,
    /// What the bytes of text fields are as characters, where a value is shown or given as
    /// text (the CLI's JSON, serde, jPOS XML). Values themselves are bytes either way.
    pub charset: Charset,
}

impl<'s> Spec<'s> {
    /// The definition of field `number`.
    #[inline]
    pub fn field(&self, number: u8) -> Option<&FieldSpec<'s>> {
        self.field_index(number).and_then(|i| self.fields.get(i))
    }

    /// True when the spec defines field 65 (as jPOS's packagers do): bit 65 is then that field
    /// and there is no tertiary bitmap (fields up to 128). Otherwise bit 65 announces the
    /// tertiary bitmap (fields 129–192), as ISO 8583:1987 and moov-io read it. Needs the
    /// `field-65` feature (on by default); without it a spec defining 65 is refused.
    pub fn field65_is_data(&self) -> bool {
        FIELD65 && self.field(65).is_some()
    }

    /// The definition of field `number` in a message of type `mti`: an [`Override`] for that MTI
    /// if there is one, else the spec's own.
    #[inline]
    pub fn field_for(&self, mti: crate::Mti, number: u8) -> Option<&FieldSpec<'s>> {
        self.overrides
            .iter()
            .find(|o| o.mti == mti && o.field.number == number)
            .map(|o| &o.field)
            .or_else(|| self.field(number))
    }

    /// The definition a builder checks a value for field `number` against: `ReservedField` for
    /// the MTI and bitmap positions (0, 1, 65 unless the spec defines it, 129) and numbers above
    /// 192, `UnknownField` when the spec has none.
    pub fn definition(&self, mti: crate::Mti, number: u8) -> Result<&FieldSpec<'s>> {
        let reserved_65 = number == 65 && !self.field65_is_data();
        if number < 2 || reserved_65 || number == 129 || number > MAX_FIELD {
            return Err(Error::new(ErrorKind::ReservedField, Some(number), 0));
        }
        self.field_for(mti, number)
            .ok_or_else(|| Error::new(ErrorKind::UnknownField, Some(number), 0))
    }

    /// Position of field `number` in [`Spec::fields`]. O(1) for dense tables (every field from
    /// 2, with or without 65), a binary search otherwise.
    #[inline]
    pub fn field_index(&self, number: u8) -> Option<usize> {
        let dense = usize::from(number).checked_sub(2)?;
        for guess in [dense, dense.saturating_sub(1)] {
            if self.fields.get(guess).is_some_and(|f| f.number == number) {
                return Some(guess);
            }
        }
        self.fields.binary_search_by_key(&number, |f| f.number).ok()
    }

    /// Checks every field and that the table is sorted without duplicates. Built-in specs are
    /// checked by the test suite; run-time specs should be checked when loaded.
    pub fn validate(&self) -> Result<()> {
        self.mti.check_supported()?;
        let mut previous = 0u8;
        let field65 = self.field65_is_data();
        for field in self.fields {
            field.validate()?;
            // With field 65 as data there is no tertiary bitmap: nothing above 128.
            if field.number <= previous || field65 && field.number > 128 {
                return Err(Error::new(ErrorKind::BadSpec, Some(field.number), 0));
            }
            previous = field.number;
        }
        for o in self.overrides {
            o.field.validate()?;
            // Whether bit 65 is data is the spec's, not a message type's.
            if o.field.number == 65 && !field65 || field65 && o.field.number > 128 {
                return Err(Error::new(ErrorKind::BadSpec, Some(o.field.number), 0));
            }
            let duplicate = self
                .overrides
                .iter()
                .filter(|p| p.mti == o.mti && p.field.number == o.field.number)
                .count()
                > 1;
            if duplicate {
                return Err(Error::new(ErrorKind::BadSpec, Some(o.field.number), 0));
            }
        }
        if let Some(plan) = self.plan
            && *plan != Plan::compile(self.fields)
        {
            return Err(Error::new(ErrorKind::BadSpec, None, 0));
        }
        Ok(())
    }
}
