//! AES DUKPT per ANSI X9.24-3:2017: 12-byte key serial numbers (an 8-byte initial key ID —
//! BDK ID and derivation ID — and a 32-bit transaction counter with at most 16 bits set), keys
//! derived with AES-ECB over 16-byte derivation data (version `01`, block counter, key usage,
//! algorithm, length, then the initial key ID or the derivation ID and counter), AES-128/192/256
//! BDKs and working keys of every type the standard defines (2TDEA, 3TDEA, AES-128/192/256).
//!
//! ```
//! # #[cfg(feature = "aes")] {
//! use paywire_cardsec::{Key, dukpt::aes::{self, AesKsn, KeyType, Usage}};
//! // ANSI X9.24-3:2017 B.1 (AES-128 BDK FEDCBA9876543210F1F1F1F1F1F1F1F1, initial key ID
//! // 1234567890123456), as openemv/dukpt's test/dukpt_aes128_test.c carries it.
//! let bdk = Key::aes(&[0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1])?;
//! let ksn = AesKsn::new(&[0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0x00, 0x00, 0x00, 0x01])?;
//! let ik = aes::initial_key(&bdk, &ksn.initial_key_id())?;
//! assert_eq!(ik.expose()[..4], [0x12, 0x73, 0x67, 0x1E]);
//! let dk = aes::derivation_key(&ik, &ksn)?;
//! assert_eq!(dk.expose()[..4], [0x4F, 0x21, 0xB5, 0x65]);
//! let pin_key = aes::working_key(&dk, &ksn, Usage::PIN_ENCRYPTION, KeyType::Aes128)?;
//! assert_eq!(pin_key.expose().len(), 16);
//! # }
//! # Ok::<(), paywire_cardsec::Error>(())
//! ```

use core::fmt;

use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Cipher, Key, KeyBytes};

/// The most `1` bits a transaction counter may have.
pub const MAX_COUNTER_ONES: u32 = 16;
/// The last transaction counter (`FFFF0000`: 16 bits set at the top).
pub const LAST_COUNTER: u32 = 0xFFFF_0000;

/// A 12-byte AES DUKPT key serial number. Printed as hexadecimal (it is not secret).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AesKsn([u8; 12]);

impl AesKsn {
    /// A KSN of exactly 12 bytes. The counter is not checked here ([`AesKsn::is_valid`]).
    pub fn new(bytes: &[u8]) -> Result<Self> {
        <[u8; 12]>::try_from(bytes)
            .map(Self)
            .map_err(|_| Error::new(ErrorKind::BadKsn))
    }

    /// The KSN's bytes.
    pub const fn as_bytes(&self) -> &[u8; 12] {
        &self.0
    }

    /// The initial key ID (BDK ID and derivation ID).
    pub fn initial_key_id(&self) -> [u8; 8] {
        core::array::from_fn(|i| self.0.get(i).copied().unwrap_or(0))
    }

    /// The transaction counter.
    pub fn counter(&self) -> u32 {
        let [.., a, b, c, d] = self.0;
        u32::from_be_bytes([a, b, c, d])
    }

    /// The same KSN with `counter`.
    pub fn with_counter(&self, counter: u32) -> Self {
        let mut out = self.0;
        for (o, c) in out.iter_mut().skip(8).zip(counter.to_be_bytes()) {
            *o = c;
        }
        Self(out)
    }

    /// Whether the counter is one a terminal uses: not zero and at most
    /// [`MAX_COUNTER_ONES`] bits set.
    pub fn is_valid(&self) -> bool {
        let c = self.counter();
        c != 0 && c.count_ones() <= MAX_COUNTER_ONES
    }

    /// The derivation data's last 8 bytes for a counter: the derivation ID (the initial key
    /// ID's right half) and the counter.
    fn data(&self, counter: u32) -> [u8; 8] {
        let mut out = [0u8; 8];
        for (o, v) in out.iter_mut().zip(
            self.0
                .iter()
                .skip(4)
                .take(4)
                .copied()
                .chain(counter.to_be_bytes()),
        ) {
            *o = v;
        }
        out
    }
}

impl fmt::Debug for AesKsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AesKsn(")?;
        for b in self.0 {
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}

/// The type of a derived key: its algorithm and length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// Double-length TDES.
    Tdes2,
    /// Triple-length TDES.
    Tdes3,
    /// AES-128.
    Aes128,
    /// AES-192.
    Aes192,
    /// AES-256.
    Aes256,
}

impl KeyType {
    /// Its algorithm indicator and length in bytes (X9.24-3:2017 6.3.2).
    const fn code_and_len(self) -> (u16, usize) {
        match self {
            Self::Tdes2 => (0, 16),
            Self::Tdes3 => (1, 24),
            Self::Aes128 => (2, 16),
            Self::Aes192 => (3, 24),
            Self::Aes256 => (4, 32),
        }
    }

    const fn cipher(self) -> Cipher {
        match self {
            Self::Tdes2 | Self::Tdes3 => Cipher::Tdes,
            _ => Cipher::Aes,
        }
    }

    /// The type of an AES key of `len` bytes.
    pub const fn aes(len: usize) -> Option<Self> {
        match len {
            16 => Some(Self::Aes128),
            24 => Some(Self::Aes192),
            32 => Some(Self::Aes256),
            _ => None,
        }
    }
}

/// A key usage indicator (X9.24-3:2017 6.3.2): an open set with the standard's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Usage(pub u16);

impl Usage {
    /// Key encryption key.
    pub const KEY_ENCRYPTION: Self = Self(0x0002);
    /// PIN encryption.
    pub const PIN_ENCRYPTION: Self = Self(0x1000);
    /// MAC generation.
    pub const MAC_GENERATION: Self = Self(0x2000);
    /// MAC verification.
    pub const MAC_VERIFICATION: Self = Self(0x2001);
    /// MAC generation and verification.
    pub const MAC_BOTH: Self = Self(0x2002);
    /// Data encryption, encrypt.
    pub const DATA_ENCRYPT: Self = Self(0x3000);
    /// Data encryption, decrypt.
    pub const DATA_DECRYPT: Self = Self(0x3001);
    /// Data encryption, both ways.
    pub const DATA_BOTH: Self = Self(0x3002);
    /// Key derivation (the intermediate derivation keys).
    pub const KEY_DERIVATION: Self = Self(0x8000);
    /// Key derivation of the initial key.
    pub const INITIAL_KEY: Self = Self(0x8001);
}

/// AES-ECB of `blocks` in place under the AES key `key` (16, 24 or 32 bytes), the cipher
/// called directly: a derivation step makes one schedule and encrypts one or two blocks, and a
/// [`Key`] (its schedule in an enum sized for every cipher) would double that step's cost.
#[cfg(feature = "aes")]
fn encrypt_blocks(key: &[u8], blocks: &mut [[u8; 16]]) -> Result<()> {
    use aes::cipher::{Array, KeyInit as _};
    fn run<C: aes::cipher::BlockCipherEncrypt<BlockSize = aes::cipher::consts::U16>>(
        c: &C,
        blocks: &mut [[u8; 16]],
    ) {
        for b in blocks {
            // In place: the derived key material is never copied (and so never wiped twice).
            c.encrypt_block(<&mut Array<u8, aes::cipher::consts::U16>>::from(b));
        }
    }
    let bad = Error::new(ErrorKind::KeyCipher);
    match key.len() {
        16 => run(&aes::Aes128::new_from_slice(key).map_err(|_| bad)?, blocks),
        24 => run(&aes::Aes192::new_from_slice(key).map_err(|_| bad)?, blocks),
        32 => run(&aes::Aes256::new_from_slice(key).map_err(|_| bad)?, blocks),
        _ => return Err(bad),
    }
    Ok(())
}

/// Without the `aes` feature there is no AES key to derive under.
#[cfg(not(feature = "aes"))]
fn encrypt_blocks(_key: &[u8], _blocks: &mut [[u8; 16]]) -> Result<()> {
    Err(Error::new(ErrorKind::Unsupported))
}

/// A derived key's bytes (up to 32, as the two AES blocks they are made in), zeroized on
/// drop.
struct Derived {
    blocks: [[u8; 16]; 2],
    len: usize,
}

impl Derived {
    fn get(&self) -> &[u8] {
        self.blocks
            .as_flattened()
            .get(..self.len)
            .unwrap_or_default()
    }
}

impl Drop for Derived {
    fn drop(&mut self) {
        self.blocks.zeroize();
    }
}

/// The key of `key_type` derived under the AES key `key` for `usage` and the 8 bytes of KSN
/// data: AES-ECB of the derivation data, one block per 16 bytes of key (X9.24-3:2017 6.3).
fn derive(key: &[u8], usage: Usage, key_type: KeyType, data: [u8; 8]) -> Result<Derived> {
    let (algorithm, len) = key_type.code_and_len();
    let [u0, u1] = usage.0.to_be_bytes();
    let [a0, a1] = algorithm.to_be_bytes();
    let [l0, l1] = (len as u16).saturating_mul(8).to_be_bytes();
    let mut out = Derived {
        blocks: [[0u8; 16]; 2],
        len,
    };
    for (i, block) in out.blocks.iter_mut().enumerate() {
        let head = [0x01, (i as u8).wrapping_add(1), u0, u1, a0, a1, l0, l1];
        for (b, v) in block.iter_mut().zip(head.iter().chain(data.iter())) {
            *b = *v;
        }
    }
    let used = out.blocks.get_mut(..len.div_ceil(16)).unwrap_or_default();
    encrypt_blocks(key, used)?;
    Ok(out)
}

fn aes_type(key: &[u8], cipher: Cipher) -> Result<KeyType> {
    match (cipher, KeyType::aes(key.len())) {
        (Cipher::Aes, Some(t)) => Ok(t),
        _ => Err(Error::new(ErrorKind::KeyCipher)),
    }
}

/// The initial key of a terminal from the BDK (an AES key) and its initial key ID; of the
/// BDK's own type.
pub fn initial_key(bdk: &Key, initial_key_id: &[u8; 8]) -> Result<KeyBytes> {
    let key_type = aes_type(bdk.expose(), bdk.cipher())?;
    let ik = derive(bdk.expose(), Usage::INITIAL_KEY, key_type, *initial_key_id)?;
    KeyBytes::new(key_type.cipher(), ik.get())
}

/// The host's derivation key for `ksn` from the terminal's initial key: one derivation per
/// counter bit, from the leftmost (X9.24-3:2017 6.1). A KSN whose counter is zero or has
/// more than [`MAX_COUNTER_ONES`] bits set is [`ErrorKind::BadKsn`].
pub fn derivation_key(initial: &KeyBytes, ksn: &AesKsn) -> Result<KeyBytes> {
    if !ksn.is_valid() {
        return Err(Error::new(ErrorKind::BadKsn));
    }
    let key_type = aes_type(initial.expose(), initial.cipher())?;
    let counter = ksn.counter();
    let mut key = derive_from(initial.expose());
    let mut so_far = 0u32;
    for bit in (0..32).rev() {
        let b = 1u32 << bit;
        if counter & b != 0 {
            so_far |= b;
            key = derive(key.get(), Usage::KEY_DERIVATION, key_type, ksn.data(so_far))?;
        }
    }
    KeyBytes::new(Cipher::Aes, key.get())
}

/// `bytes` as a [`Derived`] (the start of a derivation walk).
fn derive_from(bytes: &[u8]) -> Derived {
    let mut out = Derived {
        blocks: [[0; 16]; 2],
        len: bytes.len().min(32),
    };
    for (o, v) in out.blocks.as_flattened_mut().iter_mut().zip(bytes) {
        *o = *v;
    }
    out
}

/// The working key of `key_type` for `usage` from the transaction's derivation key.
pub fn working_key(
    derivation: &KeyBytes,
    ksn: &AesKsn,
    usage: Usage,
    key_type: KeyType,
) -> Result<KeyBytes> {
    aes_type(derivation.expose(), derivation.cipher())?;
    let key = derive(
        derivation.expose(),
        usage,
        key_type,
        ksn.data(ksn.counter()),
    )?;
    KeyBytes::new(key_type.cipher(), key.get())
}

/// The host's working key for `ksn` straight from the BDK.
pub fn derive_working_key(
    bdk: &Key,
    ksn: &AesKsn,
    usage: Usage,
    key_type: KeyType,
) -> Result<KeyBytes> {
    let ik = initial_key(bdk, &ksn.initial_key_id())?;
    working_key(&derivation_key(&ik, ksn)?, ksn, usage, key_type)
}

/// The terminal's side: 32 intermediate derivation key registers loaded from the initial key,
/// one used and erased per transaction, new ones derived from it, counters with more than
/// [`MAX_COUNTER_ONES`] bits skipped (X9.24-3:2017 6.5). Zeroized on drop; `Debug` shows the
/// KSN only.
pub struct AesOriginator {
    ksn: AesKsn,
    key_type: KeyType,
    registers: [[u8; 32]; 32],
    valid: u32,
}

impl AesOriginator {
    /// Loads the initial key with its initial key ID: every register is filled and the first
    /// transaction's counter is 1.
    pub fn load(initial: &KeyBytes, initial_key_id: &[u8; 8]) -> Result<Self> {
        let key_type =
            KeyType::aes(initial.expose().len()).ok_or(Error::new(ErrorKind::KeyCipher))?;
        let mut id = [0u8; 12];
        for (o, v) in id.iter_mut().zip(initial_key_id) {
            *o = *v;
        }
        let mut out = Self {
            ksn: AesKsn(id),
            key_type,
            registers: [[0; 32]; 32],
            valid: 0,
        };
        for bit in 0..32u32 {
            out.fill(bit, initial.expose(), 1 << bit)?;
        }
        out.ksn = out.ksn.with_counter(1);
        Ok(out)
    }

    fn fill(&mut self, bit: u32, parent: &[u8], counter: u32) -> Result<()> {
        let derived = derive(
            parent,
            Usage::KEY_DERIVATION,
            self.key_type,
            self.ksn.data(counter),
        )?;
        if let Some(slot) = self.registers.get_mut(bit as usize) {
            slot.zeroize();
            for (s, v) in slot.iter_mut().zip(derived.get()) {
                *s = *v;
            }
            self.valid |= 1 << bit;
        }
        Ok(())
    }

    /// The KSN of the next transaction.
    pub const fn ksn(&self) -> AesKsn {
        self.ksn
    }

    /// The next transaction's KSN and derivation key (derive its working keys with
    /// [`working_key`]); the register is erased and the counter moves on.
    /// [`ErrorKind::KsnExhausted`] after the last counter.
    pub fn next_key(&mut self) -> Result<(AesKsn, KeyBytes)> {
        let counter = self.ksn.counter();
        let exhausted = Error::new(ErrorKind::KsnExhausted);
        if counter == 0 || counter > LAST_COUNTER {
            return Err(exhausted);
        }
        let bit = counter.trailing_zeros();
        if self.valid & (1 << bit) == 0 {
            return Err(exhausted);
        }
        let (_, len) = self.key_type.code_and_len();
        let raw = self.registers.get(bit as usize).ok_or(exhausted)?;
        let current = KeyBytes::new(Cipher::Aes, raw.get(..len).unwrap_or_default())?;
        let ksn = self.ksn;
        let step = if counter.count_ones() < MAX_COUNTER_ONES {
            for lower in (0..bit).rev() {
                self.fill(lower, current.expose(), counter | (1 << lower))?;
            }
            1
        } else {
            1u32 << bit
        };
        if let Some(slot) = self.registers.get_mut(bit as usize) {
            slot.zeroize();
        }
        self.valid &= !(1 << bit);
        // Past the last counter (or past 32 bits) there is no transaction left: counter 0.
        let next = counter
            .checked_add(step)
            .filter(|&n| n <= LAST_COUNTER)
            .unwrap_or(0);
        self.ksn = self.ksn.with_counter(next);
        Ok((ksn, current))
    }
}

impl Drop for AesOriginator {
    fn drop(&mut self) {
        self.registers.zeroize();
    }
}

impl fmt::Debug for AesOriginator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AesOriginator({:?}, <redacted>)", self.ksn)
    }
}
