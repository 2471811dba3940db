//! Working keys from the sign-in response (0810 field 62), decrypted under the terminal master
//! key and checked against their check values (alon0808/ProjectAfcApp
//! `QPBOC_DataDeal`; the 0810 of rufus123456/Java8583Sample IsoTest.java).
//!
//! Layout by network management code (60.3): `001` — PIK 8 + check 4 + MAK 8 + check 4 (24
//! bytes); `003` — PIK 16 + check 4 + MAK 16 + check 4 (40 bytes); `004` — as 003 plus TDK 16 +
//! check 4 (60 bytes). A MAK whose second half is zero is single length. Some regions place the
//! MAK check value elsewhere: those hosts need their own layout.

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Cipher, Key, unwrap_key, verify_check_value};

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

fn key_and_check(tmk: &Key, bytes: &[u8], at: &mut usize, len: usize) -> Result<Key> {
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
    let key = unwrap_key(tmk, encrypted.get(..clear_len).unwrap_or_default(), cipher)?;
    verify_check_value(&key, check)?;
    Ok(key)
}

/// Decrypts and checks the keys in field 62 for network management code `code` (`b"001"`,
/// `b"003"`, `b"004"`).
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
    Ok(WorkKeys { pik, mak, tdk })
}
