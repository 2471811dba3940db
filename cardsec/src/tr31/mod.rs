//! Key blocks of ASC X9 TR-31 / ANSI X9.143: the header's fields as typed values, its
//! optional blocks, and the key wrapped under a key block protection key (KBPK) — versions B
//! (TDES, key derivation binding), C (TDES, variant binding) and D (AES, CMAC-derived keys)
//! written and read, version A read.
//!
//! A key block is text: a 16-character header (version, length, usage, algorithm, mode of
//! use, key version, exportability, number of optional blocks, reserved), the optional blocks,
//! then the encrypted payload (key length in bits, key, padding) and the MAC in hexadecimal.
//! [`KeyBlockRef::parse`] checks all of that once; [`unwrap`] then checks the MAC in constant
//! time before it releases the key. Malformed text is an [`ErrorKind::Malformed`] naming the
//! [`Part`] and the character.
//!
//! ```
//! use paywire_cardsec::{Key, tr31};
//! // TR-31:2018 A.7.2.2 (as openemv/tr31's test/tr31_decrypt_test.c carries it): a PIN key in
//! // a version B block.
//! let kbpk = Key::des_or_tdes(&[0xDD, 0x75, 0x15, 0xF2, 0xBF, 0xC1, 0x7F, 0x85, 0xCE, 0x48, 0xF3, 0xCA, 0x25, 0xCB, 0x21, 0xF6])?;
//! let block = b"B0080P0TE00E000094B420079CC80BA3461F86FE26EFC4A3B8E4FA4C5F5341176EED7B727B8A248E";
//! let (header, key) = tr31::unwrap(&kbpk, block)?;
//! assert_eq!(header.usage(), tr31::KeyUsage::PIN_ENCRYPTION);
//! assert_eq!(key.expose()[..4], [0x3F, 0x41, 0x9E, 0x1C]);
//! # Ok::<(), paywire_cardsec::Error>(())
//! ```

mod codes;
mod wrap;

use core::fmt;
use core::ops::Range;

pub use codes::{Algorithm, Exportability, KeyUsage, ModeOfUse, Version};
pub use wrap::{MAX_KEY, UnwrappedKey, mask_pad_len, unwrap, wrap};

use crate::error::{Error, ErrorKind, Part, Result};

/// The longest payload read (key length field, key and padding): 128 bytes.
pub const MAX_PAYLOAD: usize = 128;
/// The longest key block the length field can state.
pub const MAX_BLOCK: usize = 9999;

/// A parsed key block: every accessor is infallible and borrows the text.
#[derive(Clone)]
pub struct KeyBlockRef<'a> {
    text: &'a [u8],
    header_end: usize,
    payload: Range<usize>,
    count: u8,
}

/// One optional block of a header: its two-character ID and its data (printable ASCII).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionalBlock<'a> {
    /// The block ID (`KS`, `KC`, `KP`, `IK`, `PB`, …).
    pub id: [u8; 2],
    /// The data, as it stands in the header.
    pub data: &'a [u8],
}

impl OptionalBlock<'_> {
    /// Key set identifier and device ID of TDES DUKPT (`KS`): the KSN.
    pub const KSN: [u8; 2] = *b"KS";
    /// Initial key ID of AES DUKPT (`IK`).
    pub const INITIAL_KEY_ID: [u8; 2] = *b"IK";
    /// Check value of the wrapped key (`KC`): algorithm `00` (zero block encrypted) or `01`
    /// (CMAC), then the value in hexadecimal.
    pub const KCV: [u8; 2] = *b"KC";
    /// Check value of the key block protection key (`KP`), as `KC`.
    pub const KBPK_KCV: [u8; 2] = *b"KP";
    /// Padding to the cipher block (`PB`).
    pub const PADDING: [u8; 2] = *b"PB";
}

impl<'a> KeyBlockRef<'a> {
    /// Parses and checks a whole key block (no key is needed: the structure, the length field,
    /// the optional blocks, the hexadecimal payload and MAC and their lengths).
    pub fn parse(text: &'a [u8]) -> Result<Self> {
        let head = parse_header(text)?;
        let version = version_of(text)?;
        let stated = digits(text, 1..5, Part::Length)?;
        if stated != text.len() {
            return Err(Error::at(ErrorKind::Malformed, Part::Length, 1));
        }
        let rest = text.len().saturating_sub(head.end);
        let mac_chars = version.mac_len().saturating_mul(2);
        let payload_chars = rest.saturating_sub(mac_chars);
        let unit = version.block_len().saturating_mul(2);
        if rest < mac_chars.saturating_add(unit) || !payload_chars.is_multiple_of(unit) {
            return Err(Error::at(ErrorKind::Malformed, Part::Payload, head.end));
        }
        if payload_chars > MAX_PAYLOAD.saturating_mul(2) {
            return Err(Error::at(ErrorKind::TooLong, Part::Payload, head.end));
        }
        let payload = head.end..head.end.saturating_add(payload_chars);
        check_hex(text, payload.clone(), Part::Payload)?;
        check_hex(text, payload.end..text.len(), Part::Mac)?;
        Ok(Self {
            text,
            header_end: head.end,
            payload,
            count: head.count,
        })
    }

    /// The whole key block.
    pub const fn text(&self) -> &'a [u8] {
        self.text
    }

    /// The header: the 16 fixed characters and the optional blocks.
    pub fn header(&self) -> &'a [u8] {
        self.text.get(..self.header_end).unwrap_or_default()
    }

    fn byte(&self, at: usize) -> u8 {
        self.text.get(at).copied().unwrap_or(0)
    }

    fn pair(&self, at: usize) -> [u8; 2] {
        [self.byte(at), self.byte(at.saturating_add(1))]
    }

    /// The version ID.
    pub fn version(&self) -> Version {
        Version(self.byte(0))
    }

    /// The key usage.
    pub fn usage(&self) -> KeyUsage {
        KeyUsage(self.pair(5))
    }

    /// The algorithm of the wrapped key.
    pub fn algorithm(&self) -> Algorithm {
        Algorithm(self.byte(7))
    }

    /// The mode of use.
    pub fn mode(&self) -> ModeOfUse {
        ModeOfUse(self.byte(8))
    }

    /// The key version number (two characters; `00` when unused).
    pub fn key_version(&self) -> [u8; 2] {
        self.pair(9)
    }

    /// The exportability.
    pub fn exportability(&self) -> Exportability {
        Exportability(self.byte(11))
    }

    /// The number of optional blocks.
    pub const fn block_count(&self) -> u8 {
        self.count
    }

    /// The reserved field (characters 14–15).
    pub fn reserved(&self) -> [u8; 2] {
        self.pair(14)
    }

    /// The optional blocks, in order (the padding block `PB` included).
    pub fn blocks(&self) -> Blocks<'a> {
        Blocks {
            text: self.text,
            at: 16,
            left: self.count,
        }
    }

    /// The data of the first optional block with `id`.
    pub fn block(&self, id: [u8; 2]) -> Option<&'a [u8]> {
        self.blocks().find(|b| b.id == id).map(|b| b.data)
    }

    /// The TDES DUKPT key serial number of the `KS` block (20 hexadecimal characters), when
    /// there is one of that form.
    pub fn ksn(&self) -> Option<crate::dukpt::tdes::Ksn> {
        let text = self.block(OptionalBlock::KSN)?;
        let mut bytes = [0u8; 10];
        decode_hex(text, &mut bytes)?;
        crate::dukpt::tdes::Ksn::new(&bytes).ok()
    }

    /// The check value of the wrapped key (the `KC` block): its method (`00` a zero block
    /// encrypted, `01` CMAC) and value, when there is one of that form.
    pub fn check_value(&self) -> Option<BlockCheckValue> {
        BlockCheckValue::parse(self.block(OptionalBlock::KCV)?)
    }

    /// The check value of the key block protection key (the `KP` block).
    pub fn kbpk_check_value(&self) -> Option<BlockCheckValue> {
        BlockCheckValue::parse(self.block(OptionalBlock::KBPK_KCV)?)
    }

    /// The encrypted payload, as hexadecimal text.
    pub fn payload_hex(&self) -> &'a [u8] {
        self.text.get(self.payload.clone()).unwrap_or_default()
    }

    /// The MAC, as hexadecimal text.
    pub fn mac_hex(&self) -> &'a [u8] {
        self.text.get(self.payload.end..).unwrap_or_default()
    }
}

impl fmt::Debug for KeyBlockRef<'_> {
    /// The header only: the payload is encrypted, but it is still a key's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyBlockRef(")?;
        for &b in self.header() {
            write!(f, "{}", char::from(b))?;
        }
        f.write_str(", <payload>)")
    }
}

/// A check value carried in a `KC` or `KP` block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockCheckValue {
    /// How it was computed.
    pub method: crate::kcv::Method,
    value: [u8; 16],
    len: u8,
}

impl BlockCheckValue {
    fn parse(data: &[u8]) -> Option<Self> {
        let (algorithm, hex) = data.split_at_checked(2)?;
        let method = match algorithm {
            b"00" => crate::kcv::Method::EncryptZeros,
            b"01" => crate::kcv::Method::Cmac,
            _ => return None,
        };
        let mut value = [0u8; 16];
        let len = hex.len() / 2;
        decode_hex(hex, value.get_mut(..len)?)?;
        Some(Self {
            method,
            value,
            len: len as u8,
        })
    }

    /// The value's bytes.
    pub fn value(&self) -> &[u8] {
        self.value.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// Checks `key` against the value, in constant time.
    pub fn verify(&self, key: &crate::key::Key) -> Result<()> {
        crate::kcv::verify(key, self.method, self.value())
    }
}

/// Hexadecimal text of exactly twice `out`'s length into `out`.
pub(crate) fn decode_hex(text: &[u8], out: &mut [u8]) -> Option<()> {
    hex::decode_to_slice(text, out).ok()
}

/// The optional blocks of a header.
#[derive(Clone, Debug)]
pub struct Blocks<'a> {
    text: &'a [u8],
    at: usize,
    left: u8,
}

impl<'a> Iterator for Blocks<'a> {
    type Item = OptionalBlock<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        self.left = self.left.checked_sub(1)?;
        // Checked when the block was parsed.
        let (id, data, end) = read_block(self.text, self.at, 0).ok()?;
        self.at = end;
        Some(OptionalBlock { id, data })
    }
}

/// Where a header's optional blocks end, and their number.
pub(crate) struct Head {
    pub(crate) end: usize,
    pub(crate) count: u8,
}

pub(crate) fn version_of(text: &[u8]) -> Result<Version> {
    let v = Version(text.first().copied().unwrap_or(0));
    if v.known() {
        Ok(v)
    } else {
        Err(Error::at(ErrorKind::Unsupported, Part::Version, 0))
    }
}

/// Checks the 16 fixed characters and the optional blocks (not the length field's value), and
/// that the header ends on the version's cipher block.
pub(crate) fn parse_header(text: &[u8]) -> Result<Head> {
    let head = parse_fields(text)?;
    if !head.end.is_multiple_of(version_of(text)?.block_len()) {
        return Err(Error::at(ErrorKind::Malformed, Part::BlockCount, 12));
    }
    Ok(head)
}

/// Checks the 16 fixed characters and the optional blocks; the header may end anywhere (wrap
/// pads it with a `PB` block).
pub(crate) fn parse_fields(text: &[u8]) -> Result<Head> {
    if text.len() < 16 {
        return Err(Error::at(ErrorKind::Malformed, Part::Length, text.len()));
    }
    version_of(text)?;
    for (range, part) in [
        (5..7, Part::Usage),
        (7..8, Part::Algorithm),
        (8..9, Part::Mode),
        (9..11, Part::KeyVersion),
        (11..12, Part::Exportability),
        (14..16, Part::Reserved),
    ] {
        let start = range.start;
        let ok = text
            .get(range)
            .is_some_and(|f| f.iter().all(u8::is_ascii_alphanumeric));
        if !ok {
            return Err(Error::at(ErrorKind::Malformed, part, start));
        }
    }
    let count = digits(text, 12..14, Part::BlockCount)?;
    let mut at = 16usize;
    for index in 0..count {
        let (_, _, end) = read_block(text, at, index)?;
        at = end;
    }
    Ok(Head {
        end: at,
        count: count as u8,
    })
}

/// The optional block at `at`: its ID, data and end.
fn read_block(text: &[u8], at: usize, index: usize) -> Result<([u8; 2], &[u8], usize)> {
    let part = Part::OptionalBlock(index.min(99) as u8);
    let bad = |offset: usize| Error::at(ErrorKind::Malformed, part, offset);
    let id = match text.get(at..at.saturating_add(2)) {
        Some([a, b]) if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() => [*a, *b],
        _ => return Err(bad(at)),
    };
    let len_at = at.saturating_add(2);
    let mut len = hex_value(text, len_at..len_at.saturating_add(2)).ok_or(bad(len_at))?;
    let mut data_at = len_at.saturating_add(2);
    if len == 0 {
        // Extended length: two characters give the length of the length in bytes (1 or 2),
        // then the length in as many bytes of hexadecimal.
        let lol = hex_value(text, data_at..data_at.saturating_add(2))
            .filter(|&l| l > 0 && l <= 2)
            .ok_or(bad(data_at))?
            .saturating_mul(2);
        let l_at = data_at.saturating_add(2);
        len = hex_value(text, l_at..l_at.saturating_add(lol)).ok_or(bad(l_at))?;
        data_at = l_at.saturating_add(lol);
    }
    let end = at.saturating_add(len);
    if end < data_at {
        return Err(bad(len_at));
    }
    let data = text.get(data_at..end).ok_or(bad(data_at))?;
    if !data.iter().all(|b| (0x20..0x7F).contains(b)) {
        return Err(bad(data_at));
    }
    Ok((id, data, end))
}

fn hex_value(text: &[u8], range: Range<usize>) -> Option<usize> {
    let field = text.get(range)?;
    if field.is_empty() {
        return None;
    }
    field.iter().try_fold(0usize, |acc, &c| {
        let d = char::from(c).to_digit(16)?;
        acc.checked_mul(16)?.checked_add(d as usize)
    })
}

fn digits(text: &[u8], range: Range<usize>, part: Part) -> Result<usize> {
    let start = range.start;
    let field = text.get(range).filter(|f| f.iter().all(u8::is_ascii_digit));
    field
        .map(|f| {
            f.iter().fold(0usize, |acc, &c| {
                acc.saturating_mul(10)
                    .saturating_add(usize::from(c.wrapping_sub(b'0')))
            })
        })
        .ok_or(Error::at(ErrorKind::Malformed, part, start))
}

fn check_hex(text: &[u8], range: Range<usize>, part: Part) -> Result<()> {
    let start = range.start;
    match text.get(range) {
        Some(f) => match f.iter().position(|c| !c.is_ascii_hexdigit()) {
            None => Ok(()),
            Some(i) => Err(Error::at(
                ErrorKind::Malformed,
                part,
                start.saturating_add(i),
            )),
        },
        None => Err(Error::at(ErrorKind::Malformed, part, start)),
    }
}
