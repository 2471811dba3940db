//! The MPM checksum and the closing CRC object (`6304` and four hex digits).

use crate::error::{Error, ErrorKind, Result};
use crate::path::Path;

pub(crate) const CRC: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740);

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): the EMVCo MPM checksum.
pub fn crc16(bytes: &[u8]) -> u16 {
    CRC.checksum(bytes)
}

/// The closing CRC object: "6304" then four hex digits. Returns the CRC it carries and the
/// byte offset of those digits (the CRC covers everything before them).
pub(crate) fn crc_tail(text: &str) -> Result<(u16, usize)> {
    let bytes = text.as_bytes();
    let tail = bytes.len().checked_sub(8).and_then(|s| bytes.get(s..));
    let Some(&[b'6', b'3', b'0', b'4', h0, h1, h2, h3]) = tail else {
        return Err(Error::new(ErrorKind::CrcMissing, Path::top(63), text.len()));
    };
    let crc_at = text.len().saturating_sub(4);
    [h0, h1, h2, h3]
        .into_iter()
        .try_fold(0u32, |crc, b| {
            Some((crc << 4) | char::from(b).to_digit(16)?)
        })
        .and_then(|found| u16::try_from(found).ok())
        .ok_or(Error::new(ErrorKind::CrcFormat, Path::top(63), crc_at))
        .map(|found| (found, crc_at))
}

/// The structural walk must have ended on the CRC object found by [`crc_tail`]: `last` is the
/// ID and offset of the last top-level object.
pub(crate) fn check_crc_last(last: Option<(u8, usize)>, crc_at: usize) -> Result<()> {
    if last.is_none_or(|(id, offset)| id != 63 || offset != crc_at.saturating_sub(4)) {
        return Err(Error::new(ErrorKind::CrcMissing, Path::top(63), crc_at));
    }
    Ok(())
}
