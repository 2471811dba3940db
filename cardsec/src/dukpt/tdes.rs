//! TDES DUKPT per ANSI X9.24-1:2009 Annex A: the initial key from the BDK and the key serial
//! number (A.6), the non-reversible key generation process (A.2), the host's derivation of a
//! transaction key from the initial key and the KSN (A.3), the terminal's future-key registers
//! with the counter values that skip (A.2), and the variants of the transaction key (A.4.1,
//! table A-1).
//!
//! ```
//! use paywire_cardsec::{Key, dukpt::tdes::{self, Ksn, Variant}};
//! // ANSI X9.24-1:2009 A.4: BDK 0123…3210, KSN FFFF9876543210E00001.
//! let bdk = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
//! let ksn = Ksn::new(&[0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0x00, 0x01])?;
//! let ik = tdes::initial_key(&bdk, &ksn)?;
//! assert_eq!(ik.expose()[..4], [0x6A, 0xC2, 0x92, 0xFA]);
//! let key = tdes::transaction_key(&ik, &ksn)?;
//! assert_eq!(key.expose()[..4], [0x04, 0x26, 0x66, 0xB4]);
//! let pin_key = tdes::working_key(&key, Variant::Pin);
//! assert_eq!(pin_key.expose()[7], 0xA3 ^ 0xFF);
//! # Ok::<(), paywire_cardsec::Error>(())
//! ```

use core::fmt;

use des::cipher::{Array, BlockCipherEncrypt as _, KeyInit as _};
use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Cipher, Key, KeyBytes};

/// Bits of the transaction counter (the rightmost 21 bits of the KSN).
pub const COUNTER_BITS: u32 = 21;
/// The largest transaction counter.
pub const MAX_COUNTER: u32 = (1 << COUNTER_BITS) - 1;
/// The most `1` bits a transaction counter may have (counter values with more are skipped).
pub const MAX_COUNTER_ONES: u32 = 10;

/// The key-serial-number register's mask: `C0C0C0C0 00000000 C0C0C0C0 00000000` (A.2, A.6).
const KEY_MASK: [u8; 16] = [
    0xC0, 0xC0, 0xC0, 0xC0, 0, 0, 0, 0, 0xC0, 0xC0, 0xC0, 0xC0, 0, 0, 0, 0,
];

/// A 10-byte key serial number: key set identifier and device ID (59 bits), then the 21-bit
/// transaction counter. Printed as hexadecimal (it is not secret).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ksn([u8; 10]);

impl Ksn {
    /// A KSN of exactly 10 bytes. The counter is not checked here ([`Ksn::is_valid`]).
    pub fn new(bytes: &[u8]) -> Result<Self> {
        <[u8; 10]>::try_from(bytes)
            .map(Self)
            .map_err(|_| Error::new(ErrorKind::BadKsn))
    }

    /// The KSN's bytes.
    pub const fn as_bytes(&self) -> &[u8; 10] {
        &self.0
    }

    /// The transaction counter (21 bits).
    pub fn counter(&self) -> u32 {
        let [.., a, b, c] = self.0;
        (u32::from(a & 0x1F) << 16) | (u32::from(b) << 8) | u32::from(c)
    }

    /// The same KSN with `counter` (its low 21 bits).
    pub fn with_counter(&self, counter: u32) -> Self {
        let mut out = self.0;
        let [.., a, b, c] = &mut out;
        *a = (*a & 0xE0) | ((counter >> 16) as u8 & 0x1F);
        *b = (counter >> 8) as u8;
        *c = counter as u8;
        Self(out)
    }

    /// Whether the counter is one a terminal uses: not zero (the initial KSN) and at most
    /// [`MAX_COUNTER_ONES`] bits set.
    pub fn is_valid(&self) -> bool {
        let c = self.counter();
        c != 0 && c.count_ones() <= MAX_COUNTER_ONES
    }

    /// The rightmost 8 bytes (the KSN register of the key generation process).
    fn register(&self) -> [u8; 8] {
        let mut r = [0u8; 8];
        for (o, i) in r.iter_mut().zip(self.0.iter().skip(2)) {
            *o = *i;
        }
        r
    }
}

impl fmt::Debug for Ksn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ksn(")?;
        for b in self.0 {
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}

/// What a transaction key is for: the variant XORed into it (X9.24-1:2009 table A-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Variant {
    /// The transaction key itself.
    None,
    /// PIN encryption (`…00FF…00FF`).
    Pin,
    /// MAC, request (`…FF00…FF00`).
    MacRequest,
    /// MAC, response (`…FF000000…FF000000`).
    MacResponse,
    /// Data encryption, request: the variant, then the key encrypted by itself (A.4.1 figure
    /// A-2's one-way function).
    DataRequest,
    /// Data encryption, response: as [`Variant::DataRequest`] with its own variant.
    DataResponse,
}

impl Variant {
    /// The byte of each half the variant flips (0 for none).
    const fn byte(self) -> Option<usize> {
        match self {
            Self::None => None,
            Self::Pin => Some(7),
            Self::MacRequest => Some(6),
            Self::MacResponse => Some(4),
            Self::DataRequest => Some(5),
            Self::DataResponse => Some(3),
        }
    }
}

/// A double-length TDES key's 16 bytes (zeroized on drop).
struct Raw([u8; 16]);

impl Drop for Raw {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

fn double_length(key: &KeyBytes) -> Result<Raw> {
    match (key.cipher(), <[u8; 16]>::try_from(key.expose())) {
        (Cipher::Tdes, Ok(raw)) => Ok(Raw(raw)),
        (Cipher::Tdes, Err(_)) => Err(Error::new(ErrorKind::KeyLength {
            length: key.expose().len(),
        })),
        _ => Err(Error::new(ErrorKind::KeyCipher)),
    }
}

fn key_bytes(raw: &Raw) -> KeyBytes {
    KeyBytes::tdes_double(&raw.0)
}

/// The initial key (IPEK) of a terminal: the BDK (a double-length TDES key) encrypts the
/// leftmost 8 bytes of the KSN with the counter cleared, for the left half; the BDK XOR
/// `C0C0C0C000000000C0C0C0C000000000` encrypts them for the right half (A.6).
pub fn initial_key(bdk: &Key, ksn: &Ksn) -> Result<KeyBytes> {
    let raw = double_length(bdk.key_bytes())?;
    let mut block = [0u8; 8];
    for (o, i) in block.iter_mut().zip(ksn.0.iter()) {
        *o = *i;
    }
    if let Some(last) = block.last_mut() {
        *last &= 0xE0;
    }
    let mut variant = Raw(raw.0);
    for (v, m) in variant.0.iter_mut().zip(KEY_MASK) {
        *v ^= m;
    }
    let right_key = Key::from_bytes(&key_bytes(&variant));
    let mut out = Raw([0; 16]);
    let (left, right) = out.0.split_at_mut(8);
    left.copy_from_slice(&block);
    bdk.encrypt_block(left);
    right.copy_from_slice(&block);
    right_key.encrypt_block(right);
    Ok(key_bytes(&out))
}

/// The non-reversible key generation process (A.2): the next key from `key` and the KSN
/// register `reg` (the rightmost 8 bytes of the KSN, counter bits set so far).
fn next_key(key: &mut [u8; 16], reg: &[u8; 8]) {
    let half = |key: &[u8; 16], reg: &[u8; 8]| -> [u8; 8] {
        let (left, right) = key.split_at(8);
        let mut block = [0u8; 8];
        for ((b, r), k) in block.iter_mut().zip(reg).zip(right) {
            *b = r ^ k;
        }
        let l: [u8; 8] = core::array::from_fn(|i| left.get(i).copied().unwrap_or(0));
        // The schedule is zeroized when it drops (the `des` crate's `zeroize` feature).
        des::Des::new(&Array::from(l)).encrypt_block((&mut block).into());
        for (b, k) in block.iter_mut().zip(right) {
            *b ^= k;
        }
        block
    };
    let right = half(key, reg);
    for (k, m) in key.iter_mut().zip(KEY_MASK) {
        *k ^= m;
    }
    let left = half(key, reg);
    for (k, v) in key.iter_mut().zip(left.iter().chain(right.iter())) {
        *k = *v;
    }
}

/// The register of `ksn` with counter `counter`.
fn register_with(ksn: &Ksn, counter: u32) -> [u8; 8] {
    ksn.with_counter(counter).register()
}

/// The host's transaction key for `ksn` from the terminal's initial key (A.3): one key
/// generation step per counter bit, from the leftmost. A KSN whose counter is zero or has
/// more than [`MAX_COUNTER_ONES`] bits set is [`ErrorKind::BadKsn`].
pub fn transaction_key(initial: &KeyBytes, ksn: &Ksn) -> Result<KeyBytes> {
    if !ksn.is_valid() {
        return Err(Error::new(ErrorKind::BadKsn));
    }
    let mut key = double_length(initial)?;
    let counter = ksn.counter();
    let mut so_far = 0u32;
    for bit in (0..COUNTER_BITS).rev() {
        let b = 1u32 << bit;
        if counter & b != 0 {
            so_far |= b;
            next_key(&mut key.0, &register_with(ksn, so_far));
        }
    }
    Ok(key_bytes(&key))
}

/// The host's key for `ksn` and `variant` straight from the BDK.
pub fn derive(bdk: &Key, ksn: &Ksn, variant: Variant) -> Result<KeyBytes> {
    let ik = initial_key(bdk, ksn)?;
    Ok(working_key(&transaction_key(&ik, ksn)?, variant))
}

/// The transaction key with `variant` applied (and, for data keys, the one-way function: each
/// half encrypted by the variant key itself).
pub fn working_key(transaction: &KeyBytes, variant: Variant) -> KeyBytes {
    let Ok(mut raw) = double_length(transaction) else {
        return transaction.clone();
    };
    if let Some(at) = variant.byte() {
        for i in [at, at.wrapping_add(8)] {
            if let Some(b) = raw.0.get_mut(i) {
                *b ^= 0xFF;
            }
        }
    }
    if matches!(variant, Variant::DataRequest | Variant::DataResponse) {
        let k = Key::from_bytes(&key_bytes(&raw));
        for half in raw.0.chunks_mut(8) {
            k.encrypt_block(half);
        }
    }
    key_bytes(&raw)
}

/// The terminal's side (the transaction-originating device, A.2): 21 future-key registers
/// loaded from the initial key, one register used and erased per transaction, new ones made
/// from it, and counter values with more than [`MAX_COUNTER_ONES`] bits skipped. Zeroized on
/// drop; `Debug` shows the KSN only.
pub struct Originator {
    ksn: Ksn,
    future: [[u8; 16]; COUNTER_BITS as usize],
    valid: u32,
}

impl Originator {
    /// Loads the initial key with its initial KSN (the counter is cleared): every future key
    /// register is filled and the first transaction's counter is 1.
    pub fn load(initial: &KeyBytes, ksn: &Ksn) -> Result<Self> {
        let ik = double_length(initial)?;
        let mut out = Self {
            ksn: ksn.with_counter(0),
            future: [[0; 16]; COUNTER_BITS as usize],
            valid: 0,
        };
        for bit in 0..COUNTER_BITS {
            out.fill(bit, &ik.0, 1 << bit);
        }
        out.ksn = out.ksn.with_counter(1);
        Ok(out)
    }

    /// Register `bit` := the key after `key` for counter `counter`.
    fn fill(&mut self, bit: u32, key: &[u8; 16], counter: u32) {
        if let Some(slot) = self.future.get_mut(bit as usize) {
            *slot = *key;
            next_key(slot, &register_with(&self.ksn, counter));
            self.valid |= 1 << bit;
        }
    }

    /// The KSN of the next transaction.
    pub const fn ksn(&self) -> Ksn {
        self.ksn
    }

    /// The next transaction's KSN and key (the bare transaction key: apply a [`Variant`] with
    /// [`working_key`]); the register is erased and the counter moves on.
    /// [`ErrorKind::KsnExhausted`] once the counter has run out.
    pub fn next_key(&mut self) -> Result<(Ksn, KeyBytes)> {
        let counter = self.ksn.counter();
        let exhausted = Error::new(ErrorKind::KsnExhausted);
        if counter == 0 {
            return Err(exhausted);
        }
        let bit = counter.trailing_zeros();
        if self.valid & (1 << bit) == 0 {
            return Err(exhausted);
        }
        let current = Raw(self.future.get(bit as usize).copied().ok_or(exhausted)?);
        let ksn = self.ksn;
        let step = if counter.count_ones() < MAX_COUNTER_ONES {
            for lower in (0..bit).rev() {
                self.fill(lower, &current.0, counter | (1 << lower));
            }
            1
        } else {
            1 << bit
        };
        if let Some(slot) = self.future.get_mut(bit as usize) {
            slot.zeroize();
        }
        self.valid &= !(1 << bit);
        let next = counter.saturating_add(step);
        // A counter past 21 bits is 0: no transaction left.
        self.ksn = self
            .ksn
            .with_counter(if next > MAX_COUNTER { 0 } else { next });
        Ok((ksn, key_bytes(&current)))
    }
}

impl Drop for Originator {
    fn drop(&mut self) {
        self.future.zeroize();
    }
}

impl fmt::Debug for Originator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Originator({:?}, <redacted>)", self.ksn)
    }
}
