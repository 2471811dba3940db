//! Working keys from the sign-in response (0810 field 62), decrypted under the terminal master
//! key and checked against their check values (alon0808/ProjectAfcApp
//! `QPBOC_DataDeal`; the 0810 of rufus123456/Java8583Sample IsoTest.java).
//!
//! Layout by network management code (60.3): `001` — PIK 8 + check 4 + MAK 8 + check 4 (24
//! bytes); `003` — PIK 16 + check 4 + MAK 16 + check 4 (40 bytes); `004` — as 003 plus TDK 16 +
//! check 4 (60 bytes). A MAK whose second half is zero is single length. Some regions place the
//! MAK check value elsewhere: those hosts need their own layout.

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Cipher, Key, KeyBytes, verify_bytes};

/// The working keys of a sign-in.
#[derive(Clone, Debug)]
pub struct WorkKeys {
    /// PIN key.
    pub pik: Key,
    /// MAC key.
    pub mak: Key,
    /// Track data key (network management code 004).
    pub tdk: Option<Key>,
}

fn take<'a>(bytes: &'a [u8], at: &mut usize, n: usize) -> Result<&'a [u8]> {
    let end = at.saturating_add(n);
    let out = bytes
        .get(*at..end)
        .ok_or(Error::new(ErrorKind::BadField62))?;
    *at = end;
    Ok(out)
}

/// The next key of field 62 (`len` bytes encrypted under the TMK, then its 4-byte check
/// value), decrypted and checked: its clear bytes, to be made into a [`Key`] where it is kept.
fn key_and_check(tmk: &Key, bytes: &[u8], at: &mut usize, len: usize) -> Result<KeyBytes> {
    let encrypted = take(bytes, at, len)?;
    let check = take(bytes, at, 4)?;
    // A double-length MAK with a zero right half is a single-length key.
    let clear_len = if len == 16
        && encrypted
            .get(8..)
            .is_some_and(|r| r.iter().all(|&b| b == 0))
    {
        8
    } else {
        len
    };
    let cipher = if clear_len == 8 {
        Cipher::Des
    } else {
        Cipher::Tdes
    };
    let clear = KeyBytes::decrypt_ecb(tmk, encrypted.get(..clear_len).unwrap_or_default(), cipher)?;
    // Checked with schedules made for the check only (the key kept is made in place later).
    verify_bytes(&clear, check)?;
    Ok(clear)
}

/// Decrypts and checks the keys in field 62 for network management code `code` (`b"001"`,
/// `b"003"`, `b"004"`).
///
/// ```
/// use paywire_unionpay::{Cipher, Key, key::check_value, signin::work_keys};
/// let tmk = Key::des_or_tdes(&[0x70, 0xF2, 0xA8, 0x4C, 0xCB, 0xC2, 0xAE, 0x86, 0x25, 0xCB, 0xB0, 0xF2, 0xC2, 0x2A, 0xB9, 0x23])?;
/// # let pik = Key::des_or_tdes(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])?;
/// # let mut field62 = pik.expose().to_vec();
/// # for block in field62.chunks_mut(8) { tmk.encrypt_block(block); }
/// # field62.extend(&check_value(&pik)[..4]);
/// # let mak = Key::des_or_tdes(&[0x11; 8])?;
/// # let mut wrapped = mak.expose().to_vec();
/// # tmk.encrypt_block(&mut wrapped);
/// # field62.extend(wrapped);
/// # field62.extend([0u8; 8]);
/// # field62.extend(&check_value(&mak)[..4]);
/// // `field62` of an 0810: PIK + check value, MAK (single length, zero right half) + check value.
/// let keys = work_keys(&tmk, &field62, b"003")?;
/// assert_eq!((keys.pik.cipher(), keys.mak.cipher()), (Cipher::Tdes, Cipher::Des));
/// assert!(keys.tdk.is_none());
/// assert!(work_keys(&tmk, &field62[..39], b"003").is_err()); // a cut field 62
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
pub fn work_keys(tmk: &Key, field62: &[u8], code: &[u8]) -> Result<WorkKeys> {
    let (len, with_tdk) = match code {
        b"001" => (8usize, false),
        b"003" => (16, false),
        b"004" => (16, true),
        _ => return Err(Error::new(ErrorKind::BadField62)),
    };
    let expected = if with_tdk {
        60
    } else {
        len.saturating_add(4).saturating_mul(2)
    };
    if field62.len() != expected {
        return Err(Error::new(ErrorKind::BadField62));
    }
    let mut at = 0usize;
    let pik = key_and_check(tmk, field62, &mut at, len)?;
    let mak = key_and_check(tmk, field62, &mut at, len)?;
    let tdk = if with_tdk {
        Some(key_and_check(tmk, field62, &mut at, 16)?)
    } else {
        None
    };
    // Every key checked: each is made in its place in the result (keys are 424 bytes: no key
    // passes through a local on its way, for firmware's small stacks).
    Ok(WorkKeys {
        pik: Key::from_bytes(&pik),
        mak: Key::from_bytes(&mak),
        tdk: tdk.as_ref().map(Key::from_bytes),
    })
}
