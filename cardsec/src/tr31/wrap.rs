//! Wrapping and unwrapping: the key block encryption and MAC keys derived from the KBPK (by
//! variant for A and C, by CMAC for B and D), CBC encryption of the payload, and the MAC.
//!
//! | version | KBPK | derived keys | MAC | payload IV |
//! |---|---|---|---|---|
//! | A, C | DES/TDES | KBPK ⊕ `45…` (encryption), ⊕ `4D…` (MAC) | CBC-MAC over header ‖ encrypted payload, 4 bytes | the header's first 8 characters |
//! | B | TDES | TDES-CMAC of `i 0000 00 algo length` (encryption), `i 0001 00 …` (MAC) | TDES-CMAC over header ‖ clear payload, 8 bytes | the MAC |
//! | D | AES | AES-CMAC of the same derivation data | AES-CMAC over header ‖ clear payload, 16 bytes | the MAC |

use core::fmt;

use subtle::ConstantTimeEq as _;
use zeroize::Zeroize;

use super::{KeyBlockRef, MAX_BLOCK, MAX_PAYLOAD, Version, decode_hex, parse_fields, version_of};
use crate::error::{Error, ErrorKind, Part, Result};
use crate::key::{Cipher, Key};
use crate::mac;

/// The longest key a block carries here (the payload less its length field).
pub const MAX_KEY: usize = 64;

/// A key released by [`unwrap`]: its bytes, zeroized on drop; `Debug` prints `<redacted>`.
#[derive(Clone)]
pub struct UnwrappedKey {
    bytes: [u8; MAX_KEY],
    len: u8,
}

impl UnwrappedKey {
    /// The key bytes (handle with care).
    pub fn expose(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// The key for `cipher` (the block's algorithm says which: `T` TDES, `D` DES, `A` AES).
    pub fn to_key(&self, cipher: Cipher) -> Result<Key> {
        Key::new(cipher, self.expose())
    }
}

impl Drop for UnwrappedKey {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for UnwrappedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnwrappedKey({} bytes, <redacted>)", self.len)
    }
}

/// A payload buffer, zeroized on drop.
struct Payload([u8; MAX_PAYLOAD]);

impl Drop for Payload {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The block encryption and MAC keys of `kbpk` for `version`.
fn derive(kbpk: &Key, version: Version) -> Result<(Key, Key)> {
    let cipher = kbpk.cipher();
    let wrong = Error::at(ErrorKind::KeyCipher, Part::Version, 0);
    match version {
        Version::A | Version::C => {
            if !matches!(cipher, Cipher::Des | Cipher::Tdes) {
                return Err(wrong);
            }
            let variant = |x: u8| -> Result<Key> {
                let mut raw = [0u8; 24];
                let key = kbpk.expose();
                for (r, k) in raw.iter_mut().zip(key) {
                    *r = k ^ x;
                }
                let made = Key::new(cipher, raw.get(..key.len()).unwrap_or_default());
                raw.zeroize();
                made
            };
            Ok((variant(0x45)?, variant(0x4D)?))
        }
        Version::B | Version::D => {
            let len = kbpk.expose().len();
            let (ok, algo) = match (version, cipher, len) {
                (Version::B, Cipher::Tdes, 16) => (true, 0u16),
                (Version::B, Cipher::Tdes, _) => (true, 1),
                (Version::D, Cipher::Aes, 16) => (true, 2),
                (Version::D, Cipher::Aes, 24) => (true, 3),
                (Version::D, Cipher::Aes, _) => (true, 4),
                _ => (false, 0),
            };
            if !ok {
                return Err(wrong);
            }
            let bits = (len as u16).saturating_mul(8);
            let derived = |usage: u8| -> Result<Key> {
                let mut raw = [0u8; 32];
                let n = kbpk.block_len();
                for (i, chunk) in raw.chunks_mut(n).take(len.div_ceil(n)).enumerate() {
                    let counter = (i as u8).wrapping_add(1);
                    let [a0, a1] = algo.to_be_bytes();
                    let [l0, l1] = bits.to_be_bytes();
                    let data = [counter, 0, usage, 0, a0, a1, l0, l1];
                    let m = mac::cmac(kbpk, &data);
                    for (c, v) in chunk.iter_mut().zip(m.as_bytes()) {
                        *c = *v;
                    }
                }
                let made = Key::new(cipher, raw.get(..len).unwrap_or_default());
                raw.zeroize();
                made
            };
            Ok((derived(0)?, derived(1)?))
        }
        _ => Err(Error::at(ErrorKind::Unsupported, Part::Version, 0)),
    }
}

/// CBC-MAC (ISO/IEC 9797-1 algorithm 1) over `parts`, each a whole number of blocks.
fn cbc_mac_parts(key: &Key, parts: &[&[u8]]) -> [u8; 8] {
    let mut state = [0u8; 8];
    for part in parts {
        for block in part.chunks(8) {
            for (s, b) in state.iter_mut().zip(block) {
                *s ^= b;
            }
            key.encrypt_block(&mut state);
        }
    }
    state
}

/// The MAC of a block of `version` over its header and payload (encrypted for A and C, clear
/// for B and D).
fn mac_of(version: Version, kbmk: &Key, header: &[u8], payload: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    if matches!(version, Version::A | Version::C) {
        for (o, v) in out.iter_mut().zip(cbc_mac_parts(kbmk, &[header, payload])) {
            *o = v;
        }
    } else {
        out = mac::cmac_parts(kbmk, &[header, payload]).block;
    }
    out
}

/// CBC over `data` in place under `key` with `iv`.
fn cbc(key: &Key, iv: &[u8], data: &mut [u8], encrypt: bool) {
    let n = key.block_len();
    let mut chain = [0u8; 16];
    for (c, v) in chain.iter_mut().zip(iv.iter().take(n)) {
        *c = *v;
    }
    for block in data.chunks_mut(n) {
        if encrypt {
            for (b, c) in block.iter_mut().zip(chain.iter()) {
                *b ^= c;
            }
            key.encrypt_block(block);
            for (c, b) in chain.iter_mut().zip(block.iter()) {
                *c = *b;
            }
        } else {
            let mut next = [0u8; 16];
            for (x, b) in next.iter_mut().zip(block.iter()) {
                *x = *b;
            }
            key.decrypt_block(block);
            for (b, c) in block.iter_mut().zip(chain.iter()) {
                *b ^= c;
            }
            chain = next;
        }
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn hex_encode(bytes: &[u8], out: &mut [u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            *lo = HEX.get(usize::from(b & 0x0F)).copied().unwrap_or(b'0');
        }
    }
}

/// Unwraps a key block under `kbpk`: checks its structure, then its MAC in constant time, and
/// only then releases the key. A key whose length field is not a whole number of bytes inside
/// the payload is [`ErrorKind::Malformed`] with [`Part::Key`].
pub fn unwrap<'a>(kbpk: &Key, text: &'a [u8]) -> Result<(KeyBlockRef<'a>, UnwrappedKey)> {
    let block = KeyBlockRef::parse(text)?;
    let version = block.version();
    let (kbek, kbmk) = derive(kbpk, version)?;
    let mut payload = Payload([0; MAX_PAYLOAD]);
    let payload_len = block.payload_hex().len() / 2;
    let bytes = payload.0.get_mut(..payload_len).ok_or(Error::at(
        ErrorKind::TooLong,
        Part::Payload,
        block.header_end,
    ))?;
    // Both were checked as hexadecimal of these lengths by the parse.
    decode_hex(block.payload_hex(), bytes);
    let mut received = [0u8; 16];
    let mac_len = version.mac_len();
    decode_hex(
        block.mac_hex(),
        received.get_mut(..mac_len).unwrap_or_default(),
    );
    let header = block.header();
    let mac_at = block.payload.end;
    let mismatch = Error::at(ErrorKind::MacMismatch, Part::Mac, mac_at);
    let check = |ours: &[u8; 16]| -> Result<()> {
        let (a, b) = (ours.get(..mac_len), received.get(..mac_len));
        match (a, b) {
            (Some(a), Some(b)) if bool::from(a.ct_eq(b)) => Ok(()),
            _ => Err(mismatch),
        }
    };
    if matches!(version, Version::A | Version::C) {
        // The MAC covers the encrypted payload: checked before anything is decrypted.
        check(&mac_of(version, &kbmk, header, bytes))?;
        cbc(&kbek, header.get(..8).unwrap_or_default(), bytes, false);
    } else {
        cbc(&kbek, &received, bytes, false);
        check(&mac_of(version, &kbmk, header, bytes))?;
    }
    let [l0, l1, rest @ ..] = &*bytes else {
        return Err(Error::at(ErrorKind::Malformed, Part::Key, block.header_end));
    };
    let bits = usize::from(u16::from_be_bytes([*l0, *l1]));
    let len = bits / 8;
    let key = rest
        .get(..len)
        .filter(|_| bits.is_multiple_of(8) && len > 0 && len <= MAX_KEY)
        .ok_or(Error::at(ErrorKind::Malformed, Part::Key, block.header_end))?;
    let mut out = UnwrappedKey {
        bytes: [0; MAX_KEY],
        len: len as u8,
    };
    for (o, k) in out.bytes.iter_mut().zip(key) {
        *o = *k;
    }
    Ok((block, out))
}

/// Bytes of padding that mask a key of `key_len` bytes as the longest key of its algorithm
/// (24 bytes for TDES `T`, 32 for AES `A`, the key's own length otherwise), as X9.143
/// recommends, and fill the payload to the version's block.
pub fn mask_pad_len(version: Version, algorithm: super::Algorithm, key_len: usize) -> usize {
    let longest = match algorithm {
        super::Algorithm::TDES => 24,
        super::Algorithm::AES => 32,
        _ => key_len,
    }
    .max(key_len);
    let payload = longest.saturating_add(2);
    let unit = version.block_len();
    let filled = payload.div_ceil(unit).saturating_mul(unit);
    filled.saturating_sub(key_len.saturating_add(2))
}

/// Wraps `key` under `kbpk` into `out` and returns the key block's length. `header` is the
/// 16-character fixed header and any optional blocks except the padding block `PB`, which is
/// added when the header needs it; the length field is filled in, whatever it says. `pad` is
/// exactly the bytes that follow the key in the payload (random in practice: see
/// [`mask_pad_len`]); the payload must come to a whole number of cipher blocks. Versions B, C
/// and D are written; A is read only.
///
/// ```
/// use paywire_cardsec::{Key, tr31};
/// # #[cfg(feature = "aes")] {
/// let kbpk = Key::aes(&[0x11; 32])?;
/// let mut out = [0u8; 200];
/// let n = tr31::wrap(&kbpk, b"D0000P0AE00E0000", &[0x22; 16], &[0x5A; 14], &mut out)?;
/// let (header, key) = tr31::unwrap(&kbpk, &out[..n])?;
/// assert_eq!((header.text().len(), key.expose()), (n, &[0x22; 16][..]));
/// # }
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn wrap(kbpk: &Key, header: &[u8], key: &[u8], pad: &[u8], out: &mut [u8]) -> Result<usize> {
    let version = version_of(header)?;
    if version == Version::A {
        return Err(Error::at(ErrorKind::Unsupported, Part::Version, 0));
    }
    // The header may end off the cipher block: that is what the padding block is for.
    let head = parse_fields(header)?;
    if head.end != header.len() {
        return Err(Error::at(ErrorKind::Malformed, Part::BlockCount, 12));
    }
    // A key no stronger than the protection key: for TDES protection keys, no longer than
    // it; an AES key under AES likewise (a TDES key under AES is always weaker).
    let aes_key = header.get(7) == Some(&super::Algorithm::AES.0);
    let longer = key.len() > kbpk.expose().len() && (version != Version::D || aes_key);
    if key.is_empty() || key.len() > MAX_KEY || longer {
        return Err(Error::at(
            ErrorKind::KeyLength { length: key.len() },
            Part::Key,
            0,
        ));
    }
    let (kbek, kbmk) = derive(kbpk, version)?;
    let unit = version.block_len();
    // The padding block: at least 4 characters ("PB" and its length), up to the block.
    let short = unit
        .wrapping_sub(header.len().checked_rem(unit).unwrap_or(0))
        .checked_rem(unit)
        .unwrap_or(0);
    let pb = match short {
        0 => 0,
        n if n < 4 => n.saturating_add(unit),
        n => n,
    };
    let header_len = header.len().saturating_add(pb);
    let payload_len = key.len().saturating_add(2).saturating_add(pad.len());
    if !payload_len.is_multiple_of(unit) || payload_len > MAX_PAYLOAD {
        return Err(Error::at(ErrorKind::BadFill, Part::Payload, header_len));
    }
    let total = header_len
        .saturating_add(payload_len.saturating_mul(2))
        .saturating_add(version.mac_len().saturating_mul(2));
    if total > MAX_BLOCK {
        return Err(Error::at(ErrorKind::TooLong, Part::Length, 1));
    }
    let count = usize::from(head.count).saturating_add(usize::from(pb > 0));
    if count > 99 {
        return Err(Error::at(ErrorKind::Malformed, Part::BlockCount, 12));
    }
    let dest = out
        .get_mut(..total)
        .ok_or(Error::new(ErrorKind::BufferTooSmall { needed: total }))?;
    let (head_out, rest) = dest.split_at_mut(header_len);
    let (head_fixed, head_blocks) = head_out.split_at_mut(header.len());
    head_fixed.copy_from_slice(header);
    write_digits(head_fixed.get_mut(1..5).unwrap_or_default(), total);
    write_digits(head_fixed.get_mut(12..14).unwrap_or_default(), count);
    if let [p, b, l0, l1, fill @ ..] = head_blocks {
        (*p, *b) = (b'P', b'B');
        let mut len = [0u8; 2];
        hex_encode(&[pb as u8], &mut len);
        (*l0, *l1) = (len[0], len[1]);
        fill.fill(b'0');
    }
    let mut payload = Payload([0; MAX_PAYLOAD]);
    let clear = payload.0.get_mut(..payload_len).unwrap_or_default();
    let bits = ((key.len() as u16).saturating_mul(8)).to_be_bytes();
    for (c, v) in clear.iter_mut().zip(bits.iter().chain(key).chain(pad)) {
        *c = *v;
    }
    let (payload_hex, mac_hex) = rest.split_at_mut(payload_len.saturating_mul(2));
    let mac = if matches!(version, Version::C) {
        cbc(&kbek, head_out.get(..8).unwrap_or_default(), clear, true);
        mac_of(version, &kbmk, head_out, clear)
    } else {
        let mac = mac_of(version, &kbmk, head_out, clear);
        cbc(&kbek, &mac, clear, true);
        mac
    };
    hex_encode(clear, payload_hex);
    hex_encode(mac.get(..version.mac_len()).unwrap_or_default(), mac_hex);
    Ok(total)
}

fn write_digits(out: &mut [u8], mut value: usize) {
    for d in out.iter_mut().rev() {
        *d = b'0'.wrapping_add((value % 10) as u8);
        value /= 10;
    }
}
