//! EMV application cryptograms (EMV 4.3 Book 2, Annex A1): the ICC master key from the issuer
//! master key (option A; option B for PANs over 16 digits), session keys (the EMV common
//! session key derivation; Mastercard's with the unpredictable number), the ARQC over the
//! transaction data the CDOL names (ISO/IEC 9797-1 MAC algorithm 3 with the padding the scheme
//! takes) and ARPC methods 1 and 2. The keys are double-length TDES keys with odd parity.
//!
//! | scheme | ICC master key | AC session key | padding |
//! |---|---|---|---|
//! | Visa CVN 10 | option A | none (the ICC master key) | method 1 (zeros) |
//! | Visa CVN 18, 22 | option A / B | EMV common (`ATC F0 00…`, `ATC 0F 00…`) | method 2 |
//! | Mastercard CVN 16, 17 | option A / B | Mastercard (`ATC F0 00 UN`, `ATC 0F 00 UN`) | method 2 |
//! | Mastercard CVN 20, 21 | option A / B | EMV common | method 2 |
//!
//! The ARPC is computed under the scheme's AC session key (the ICC master key for CVN 10).
//! The SM4 cryptograms of the Chinese PBOC / UICS specifications are not here yet.

use sha1::Digest as _;
use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Cipher, Key, KeyBytes};
use crate::mac::{self, Padding};

/// How the ICC master key is derived from the issuer master key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MasterKeyOption {
    /// Option A: the 16 rightmost digits of PAN ‖ PSN.
    A,
    /// Option B: SHA-1 of PAN ‖ PSN, decimalized (for PANs over 16 digits; the same as A for
    /// shorter ones).
    B,
}

impl MasterKeyOption {
    /// The option EMV prescribes for a PAN of `digits`: A up to 16 digits, B above.
    pub const fn for_pan(digits: usize) -> Self {
        if digits > 16 { Self::B } else { Self::A }
    }
}

/// A cryptogram version (the card's scheme and CVN).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Visa CVN 10.
    VisaCvn10,
    /// Visa CVN 18.
    VisaCvn18,
    /// Visa CVN 22.
    VisaCvn22,
    /// Mastercard CVN 16 (M/Chip, Mastercard session key).
    McCvn16,
    /// Mastercard CVN 17.
    McCvn17,
    /// Mastercard CVN 20 (EMV common session key).
    McCvn20,
    /// Mastercard CVN 21.
    McCvn21,
}

/// The session key a scheme takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SessionKey {
    None,
    Common,
    Mastercard,
}

impl Scheme {
    const fn session(self) -> SessionKey {
        match self {
            Self::VisaCvn10 => SessionKey::None,
            Self::McCvn16 | Self::McCvn17 => SessionKey::Mastercard,
            _ => SessionKey::Common,
        }
    }

    /// The ISO/IEC 9797-1 padding of its cryptogram data.
    pub const fn padding(self) -> Padding {
        match self {
            Self::VisaCvn10 => Padding::Method1,
            _ => Padding::Method2,
        }
    }

    /// Whether its AC session key takes the unpredictable number.
    pub const fn needs_unpredictable_number(self) -> bool {
        matches!(self.session(), SessionKey::Mastercard)
    }
}

fn double_length(key: &Key) -> Result<()> {
    if key.cipher() == Cipher::Tdes && key.expose().len() == 16 {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::KeyLength {
            length: key.expose().len(),
        }))
    }
}

/// Sets odd parity on every byte (the parity bit is the lowest).
fn odd_parity(bytes: &mut [u8]) {
    for b in bytes {
        if b.count_ones().is_multiple_of(2) {
            *b ^= 1;
        }
    }
}

/// `key` encrypts `left` and `right` (8 bytes each); the result with odd parity.
fn encrypt_pair(key: &Key, left: [u8; 8], right: [u8; 8]) -> KeyBytes {
    let mut raw = [0u8; 16];
    let (l, r) = raw.split_at_mut(8);
    l.copy_from_slice(&left);
    r.copy_from_slice(&right);
    key.encrypt_block(l);
    key.encrypt_block(r);
    odd_parity(&mut raw);
    let out = KeyBytes::tdes_double(&raw);
    raw.zeroize();
    out
}

/// Packs an even number of ASCII digits (at most 16) into bytes, right-aligned in 8.
fn pack_right(digits: &[u8]) -> [u8; 8] {
    let mut out = [0u8; 8];
    let start = 16usize.saturating_sub(digits.len());
    for (i, &d) in digits.iter().enumerate() {
        let at = start.saturating_add(i);
        let v = d.wrapping_sub(b'0') & 0x0F;
        if let Some(b) = out.get_mut(at / 2) {
            *b |= if at.is_multiple_of(2) { v << 4 } else { v };
        }
    }
    out
}

/// The ICC master key (MK AC) of the card `pan` (12–19 digits) with PAN sequence number `psn`
/// (2 digits) under the issuer master key `imk` (double-length TDES), by `option`.
///
/// ```
/// use paywire_cardsec::{Key, emv};
/// // pyemv's derive_icc_mk_a / _b docstrings (github.com/knovichikhin/pyemv pyemv/kd.py).
/// let imk = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// let a = emv::icc_master_key(&imk, b"12345678901234567", b"01", emv::MasterKeyOption::A)?;
/// assert_eq!(a.expose()[..4], [0x73, 0xAD, 0x54, 0x68]);
/// let b = emv::icc_master_key(&imk, b"12345678901234567", b"01", emv::MasterKeyOption::B)?;
/// assert_eq!(b.expose()[..4], [0xAD, 0x40, 0x6D, 0x7F]);
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn icc_master_key(
    imk: &Key,
    pan: &[u8],
    psn: &[u8],
    option: MasterKeyOption,
) -> Result<KeyBytes> {
    double_length(imk)?;
    if !(12..=19).contains(&pan.len()) || !pan.iter().all(u8::is_ascii_digit) {
        return Err(Error::new(ErrorKind::BadPan));
    }
    if psn.len() != 2 || !psn.iter().all(u8::is_ascii_digit) {
        return Err(Error::new(ErrorKind::BadData));
    }
    let mut digits = [0u8; 21];
    let n = pan.len().saturating_add(2);
    for (d, c) in digits.iter_mut().zip(pan.iter().chain(psn)) {
        *d = *c;
    }
    let all = digits.get(..n).unwrap_or_default();
    let y = if option == MasterKeyOption::A || pan.len() <= 16 {
        pack_right(all.get(n.saturating_sub(16)..).unwrap_or_default())
    } else {
        // SHA-1 over PAN ‖ PSN as BCD (a leading 0 for an odd count), then its decimal
        // digits, then its A–F digits as 0–5, the first 16.
        let mut bcd = [0u8; 11];
        let odd = usize::from(!n.is_multiple_of(2));
        for (i, &c) in all.iter().enumerate() {
            let at = i.saturating_add(odd);
            let v = c.wrapping_sub(b'0') & 0x0F;
            if let Some(b) = bcd.get_mut(at / 2) {
                *b |= if at.is_multiple_of(2) { v << 4 } else { v };
            }
        }
        let hash = sha1::Sha1::digest(bcd.get(..n.saturating_add(odd) / 2).unwrap_or_default());
        let nibbles = || hash.iter().flat_map(|b| [b >> 4, b & 0x0F]);
        let mut picked = [0u8; 16];
        let chosen = nibbles()
            .filter(|&v| v <= 9)
            .chain(nibbles().filter(|&v| v > 9).map(|v| v.wrapping_sub(10)));
        for (p, v) in picked.iter_mut().zip(chosen) {
            *p = b'0'.wrapping_add(v);
        }
        pack_right(&picked)
    };
    digits.zeroize();
    let inverted = y.map(|b| !b);
    Ok(encrypt_pair(imk, y, inverted))
}

/// The EMV common session key (EMV 4.3 Book 2 A1.3.1) of an ICC master key for the ATC:
/// `ATC F0 00 00 00 00 00 00` and `ATC 0F 00 00 00 00 00 00` encrypted.
///
/// ```
/// use paywire_cardsec::{Key, emv};
/// // pyemv's derive_common_sk docstring: MK 0123…3210, ATC 001C.
/// let mk = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// let sk = emv::common_session_key(&mk, [0x00, 0x1C])?;
/// assert_eq!(sk.expose()[..4], [0xE9, 0xFB, 0x38, 0x4A]);
/// # Ok::<(), paywire_cardsec::Error>(())
/// ```
pub fn common_session_key(mk: &Key, atc: [u8; 2]) -> Result<KeyBytes> {
    double_length(mk)?;
    let [a0, a1] = atc;
    Ok(encrypt_pair(
        mk,
        [a0, a1, 0xF0, 0, 0, 0, 0, 0],
        [a0, a1, 0x0F, 0, 0, 0, 0, 0],
    ))
}

/// Mastercard's AC session key: `ATC F0 00 UN` and `ATC 0F 00 UN` encrypted under the ICC
/// master key.
pub fn mastercard_session_key(mk: &Key, atc: [u8; 2], un: [u8; 4]) -> Result<KeyBytes> {
    double_length(mk)?;
    let [a0, a1] = atc;
    let [u0, u1, u2, u3] = un;
    Ok(encrypt_pair(
        mk,
        [a0, a1, 0xF0, 0, u0, u1, u2, u3],
        [a0, a1, 0x0F, 0, u0, u1, u2, u3],
    ))
}

/// The key a scheme computes its cryptograms with: the AC session key of the ICC master key
/// `mk` for the ATC (and the unpredictable number, for Mastercard CVN 16 and 17), or `mk`
/// itself for Visa CVN 10.
pub fn cryptogram_key(scheme: Scheme, mk: &Key, atc: [u8; 2], un: Option<[u8; 4]>) -> Result<Key> {
    double_length(mk)?;
    let bytes = match scheme.session() {
        // The master key itself: its schedule is copied, not made again.
        SessionKey::None => return Ok(mk.clone()),
        SessionKey::Common => common_session_key(mk, atc)?,
        SessionKey::Mastercard => {
            let un = un.ok_or(Error::new(ErrorKind::BadData))?;
            mastercard_session_key(mk, atc, un)?
        }
    };
    Ok(Key::from_bytes(&bytes))
}

/// The application cryptogram (ARQC, TC or AAC) over `data` — the CDOL data as the scheme
/// lays it out — under the scheme's cryptogram key: ISO/IEC 9797-1 MAC algorithm 3 with the
/// scheme's padding.
pub fn cryptogram(scheme: Scheme, key: &Key, data: &[u8]) -> Result<[u8; 8]> {
    mac::retail_mac(key, data, scheme.padding())
}

/// Checks a received cryptogram, in constant time.
pub fn verify_cryptogram(scheme: Scheme, key: &Key, data: &[u8], received: &[u8]) -> Result<()> {
    mac::verify(&cryptogram(scheme, key, data)?, received)
}

/// ARPC method 1 (EMV 4.3 Book 2 A1.2.1): the ARQC XOR the 2-byte authorisation response
/// code (left-aligned, zero-filled), encrypted under the cryptogram key.
pub fn arpc_method1(key: &Key, arqc: &[u8; 8], arc: [u8; 2]) -> Result<[u8; 8]> {
    double_length(key)?;
    let mut block = *arqc;
    for (b, a) in block.iter_mut().zip(arc) {
        *b ^= a;
    }
    key.encrypt_block(&mut block);
    Ok(block)
}

/// ARPC method 2 (EMV 4.3 Book 2 A1.2.2): MAC algorithm 3, padding method 2, over ARQC ‖ CSU ‖
/// proprietary authentication data (0–8 bytes), the first 4 bytes.
pub fn arpc_method2(
    key: &Key,
    arqc: &[u8; 8],
    csu: [u8; 4],
    proprietary: &[u8],
) -> Result<[u8; 4]> {
    double_length(key)?;
    if proprietary.len() > 8 {
        return Err(Error::new(ErrorKind::BadData));
    }
    let mut data = [0u8; 20];
    let n = 12usize.saturating_add(proprietary.len());
    for (d, v) in data
        .iter_mut()
        .zip(arqc.iter().chain(&csu).chain(proprietary))
    {
        *d = *v;
    }
    let mac = mac::retail_mac(key, data.get(..n).unwrap_or_default(), Padding::Method2)?;
    let [a, b, c, d, ..] = mac;
    Ok([a, b, c, d])
}
