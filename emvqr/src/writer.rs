//! Building merchant-presented payloads without an allocator: objects into a caller's buffer,
//! template lengths computed by the builder, `6304` and the CRC appended at the end.

use paywire_emv_tlv::{Full, SliceWriter, Writer};

use crate::crc::crc16;
use crate::error::{Error, ErrorKind, Result};
use crate::path::Path;

/// Counts characters instead of writing them (MPM lengths count characters): every byte that
/// does not continue a UTF-8 sequence starts one. Only whole `&str`s are written.
#[derive(Default)]
struct CharCounter {
    chars: usize,
}

impl Writer for CharCounter {
    fn write(&mut self, bytes: &[u8]) -> core::result::Result<(), Full> {
        let starts = bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        self.chars = self.chars.saturating_add(starts);
        Ok(())
    }
}

/// Adds objects to a payload being built (see [`build_to_slice`]).
pub struct MpmBuilder<'s> {
    sink: &'s mut dyn Writer,
    parent: Path,
}

/// `text` into `sink`; a full buffer is reported at `path`.
fn put(sink: &mut (impl Writer + ?Sized), text: &str, path: Path) -> Result<()> {
    sink.write(text.as_bytes()).map_err(|full| {
        let kind = ErrorKind::BufferTooSmall {
            needed: full.needed,
            capacity: full.available,
        };
        Error::new(kind, path, full.available)
    })
}

fn two_digits(n: usize) -> [u8; 2] {
    let n = n % 100;
    [
        b'0'.wrapping_add((n / 10) as u8),
        b'0'.wrapping_add((n % 10) as u8),
    ]
}

impl MpmBuilder<'_> {
    fn header(&mut self, id: u8, chars: usize) -> Result<()> {
        let path = self.parent.child(id);
        if id > 99 {
            return Err(Error::new(ErrorKind::IdRange, path, 0));
        }
        if chars > 99 {
            return Err(Error::new(
                ErrorKind::ValueLength { length: chars },
                path,
                0,
            ));
        }
        let [a, b] = two_digits(usize::from(id));
        let [c, d] = two_digits(chars);
        let header = [a, b, c, d];
        // Four ASCII digits.
        put(
            self.sink,
            core::str::from_utf8(&header).unwrap_or("0000"),
            path,
        )
    }

    /// Appends object `id` with `value` (its length counted in characters).
    pub fn object(&mut self, id: u8, value: &str) -> Result<&mut Self> {
        self.header(id, value.chars().count())?;
        put(self.sink, value, self.parent.child(id))?;
        Ok(self)
    }

    /// Appends template `id` whose objects `contents` adds (run twice: to measure, then to
    /// write).
    pub fn template<F>(&mut self, id: u8, mut contents: F) -> Result<&mut Self>
    where
        F: FnMut(&mut MpmBuilder<'_>) -> Result<()>,
    {
        let parent = self.parent.child(id);
        let mut count = CharCounter::default();
        contents(&mut MpmBuilder {
            sink: &mut count,
            parent,
        })?;
        self.header(id, count.chars)?;
        contents(&mut MpmBuilder {
            sink: &mut *self.sink,
            parent,
        })?;
        Ok(self)
    }
}

/// Builds a payload into `buf`: the objects `contents` adds, then `6304` and the CRC (upper-case
/// hex). Returns the payload text.
///
/// ```
/// use paywire_emvqr::{PayloadRef, writer::build_to_slice};
/// let mut buf = [0u8; 160];
/// let text = build_to_slice(&mut buf, |b| {
///     b.object(0, "01")?;
///     b.template(26, |t| {
///         t.object(0, "br.gov.bcb.pix")?.object(1, "123e4567-e12b-12d1-a456-426655440000")?;
///         Ok(())
///     })?;
///     b.object(52, "0000")?.object(53, "986")?.object(58, "BR")?;
///     b.object(59, "Fulano de Tal")?.object(60, "BRASILIA")?;
///     b.template(62, |t| { t.object(5, "***")?; Ok(()) })?;
///     Ok(())
/// })?;
/// // bacen/pix-api#79: the template lengths and the CRC come out as published.
/// assert!(text.ends_with("62070503***63041D3D"));
/// assert!(PayloadRef::parse(text).is_ok());
/// // Too small a buffer is an error naming the object that did not fit.
/// assert!(build_to_slice(&mut [0u8; 16], |b| { b.object(59, "Fulano de Tal")?; Ok(()) }).is_err());
/// # Ok::<(), paywire_emvqr::Error>(())
/// ```
pub fn build_to_slice<F>(buf: &mut [u8], contents: F) -> Result<&str>
where
    F: FnOnce(&mut MpmBuilder<'_>) -> Result<()>,
{
    let mut slice = SliceWriter::new(buf);
    contents(&mut MpmBuilder {
        sink: &mut slice,
        parent: Path::ROOT,
    })?;
    let crc_path = Path::ROOT.child(63);
    put(&mut slice, "6304", crc_path)?;
    let crc = crc16(slice.written());
    let hex = b"0123456789ABCDEF";
    let digit = |shift: u16| {
        hex.get(usize::from((crc >> shift) & 0xF))
            .copied()
            .unwrap_or(b'0')
    };
    let text = [digit(12), digit(8), digit(4), digit(0)];
    put(
        &mut slice,
        core::str::from_utf8(&text).unwrap_or("0000"),
        crc_path,
    )?;
    let bytes = slice.finish();
    // Only whole `&str`s were copied in.
    core::str::from_utf8(bytes).map_err(|_| Error::new(ErrorKind::BadId, Path::ROOT, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    // [MPM] Annex B rebuilt object by object, in its order (64 before 54): the same text.
    #[test]
    fn emvco_annex_b() {
        let mut buf = [0u8; 512];
        let text = build_to_slice(&mut buf, |b| {
            b.object(0, "01")?.object(1, "12")?;
            b.template(29, |t| {
                t.object(0, "D15600000000")?
                    .object(5, "A93FO3230Q")
                    .map(|_| ())
            })?;
            b.template(31, |t| {
                t.object(0, "D15600000001")?
                    .object(3, "12345678")
                    .map(|_| ())
            })?;
            b.object(52, "4111")?
                .object(58, "CN")?
                .object(59, "BEST TRANSPORT")?
                .object(60, "BEIJING")?;
            b.template(64, |t| {
                t.object(0, "ZH")?
                    .object(1, "最佳运输")?
                    .object(2, "北京")
                    .map(|_| ())
            })?;
            b.object(54, "23.72")?.object(53, "156")?.object(55, "01")?;
            b.template(62, |t| {
                t.object(3, "1234")?
                    .object(6, "***")?
                    .object(7, "A6008667")?
                    .object(9, "ME")
                    .map(|_| ())
            })?;
            b.template(91, |t| {
                t.object(0, "A011223344998877")?
                    .object(7, "12345678")
                    .map(|_| ())
            })?;
            Ok(())
        })
        .unwrap();
        assert_eq!(
            text,
            "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A"
        );
    }

    #[test]
    fn limits() {
        let mut buf = [0u8; 8];
        assert!(matches!(
            build_to_slice(&mut buf, |b| b.object(59, "BEST TRANSPORT").map(|_| ()))
                .unwrap_err()
                .kind(),
            ErrorKind::BufferTooSmall { .. }
        ));
        let long = "x".repeat(100);
        let mut buf = [0u8; 256];
        assert_eq!(
            build_to_slice(&mut buf, |b| b.object(59, &long).map(|_| ()))
                .unwrap_err()
                .kind(),
            ErrorKind::ValueLength { length: 100 }
        );
    }
}
