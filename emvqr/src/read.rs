//! Reading one object header (`ID(2) LENGTH(2)`) and finding its value: the one object reader
//! every walk over a payload uses.

use crate::error::{Error, ErrorKind, Result};
use crate::path::Path;

fn two_digits(bytes: &[u8]) -> Option<u8> {
    match *bytes {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some(
            a.wrapping_sub(b'0')
                .wrapping_mul(10)
                .wrapping_add(b.wrapping_sub(b'0')),
        ),
        _ => None,
    }
}

/// Reads the object at byte `pos` of `text` (a payload or a template's value starting at byte
/// `base` of the payload): its ID, and the byte range of its value.
#[inline(always)]
pub(crate) fn read_object(
    text: &str,
    pos: usize,
    base: usize,
    parent: Path,
    ascii: bool,
) -> Result<(u8, usize, usize)> {
    let bytes = text.as_bytes();
    // Fast path for ASCII payloads: four digits read and checked at once (a byte is a digit when
    // subtracting '0' neither borrows nor leaves a value that adding 0x76 carries into bit 7).
    if ascii && let Some(&[a, b, c, d]) = bytes.get(pos..pos.wrapping_add(4)) {
        let x = u32::from_le_bytes([a, b, c, d]);
        let v = x.wrapping_sub(0x3030_3030);
        if (v | v.wrapping_add(0x7676_7676)) & 0x8080_8080 == 0 {
            let [a, b, c, d] = v.to_le_bytes();
            let id = a.wrapping_mul(10).wrapping_add(b);
            let length = usize::from(c.wrapping_mul(10).wrapping_add(d));
            let start = pos.wrapping_add(4);
            let end = start.wrapping_add(length);
            if end <= bytes.len() {
                return Ok((id, start, end));
            }
        }
    }
    read_object_general(text, pos, base, parent, ascii)
}

/// [`read_object`] for non-ASCII payloads and for every error.
#[inline(never)]
fn read_object_general(
    text: &str,
    pos: usize,
    base: usize,
    parent: Path,
    ascii: bool,
) -> Result<(u8, usize, usize)> {
    let bytes = text.as_bytes();
    let at = base.saturating_add(pos);
    // Four bytes by pattern: no length check left for the optimiser to keep (`split_at`'s
    // was a panic path in firmware builds).
    let Some(&[i0, i1, l0, l1]) = bytes.get(pos..pos.saturating_add(4)) else {
        return Err(Error::new(ErrorKind::Truncated, parent, at));
    };
    let (id_bytes, len_bytes) = ([i0, i1], [l0, l1]);
    let id = two_digits(&id_bytes).ok_or_else(|| Error::new(ErrorKind::BadId, parent, at))?;
    // The object's path only matters for an error: built on demand.
    let path = || parent.child(id);
    let length = usize::from(
        two_digits(&len_bytes)
            .ok_or_else(|| Error::new(ErrorKind::BadLength, path(), at.saturating_add(2)))?,
    );
    let start = pos.saturating_add(4);
    let rest = text.get(start..).unwrap_or_default();
    // Most payloads are ASCII: then characters are bytes.
    if ascii {
        if rest.len() < length {
            let kind = ErrorKind::ValuePastEnd {
                length,
                available: rest.len(),
            };
            return Err(Error::new(kind, path(), at.saturating_add(2)));
        }
        return Ok((id, start, start.saturating_add(length)));
    }
    if rest.as_bytes().get(..length).is_some_and(<[u8]>::is_ascii) {
        return Ok((id, start, start.saturating_add(length)));
    }
    // Lengths count characters: find the byte where the `length`-th character ends.
    let mut chars = rest.char_indices();
    let end = match chars.nth(length) {
        Some((i, _)) => start.saturating_add(i),
        None => {
            let available = rest.chars().count();
            if available < length {
                let kind = ErrorKind::ValuePastEnd { length, available };
                return Err(Error::new(kind, path(), at.saturating_add(2)));
            }
            text.len()
        }
    };
    Ok((id, start, end))
}
