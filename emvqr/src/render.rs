//! QR symbols for payloads (feature `render`): byte mode only, ECI 26 (UTF-8) when the text
//! has a character outside printable ASCII, quiet zone of 4 modules when drawn.
//!
//! The matrix is computed without heap into two caller buffers — sized for version 40
//! ([`BUFFER_LEN`], [`matrix`]) or for the largest version the caller chooses ([`buffer_len`],
//! [`buffer_len_for`], [`matrix_in`]: a 146-byte Pix code takes version 8 and two 302-byte
//! buffers instead of two of 3,918); SVG and terminal text need `alloc`, PNG needs the `png`
//! feature.

use qrcodegen_no_heap::{QrCode, QrCodeEcc, QrSegment, Version};

use crate::error::{Error, ErrorKind, Result};
use crate::path::Path;

/// Bytes each of the two work buffers needs (enough for version 40).
pub const BUFFER_LEN: usize = Version::MAX.buffer_len();

/// Data codewords of each version (index 0 = version 1) at each level (L, M, Q, H): ISO/IEC
/// 18004 Table 7, as republished in "Error Correction Code Words and Block Information"
/// (<https://www.thonky.com/qr-code-tutorial/error-correction-table>, column "Total Number of
/// Data Codewords"); the same numbers as python-qrcode 7.4.2's RS block table (the data counts
/// of `base.rs_blocks(version, level)` summed).
const DATA_CODEWORDS: [[u16; 40]; 4] = [
    [
        19, 34, 55, 80, 108, 136, 156, 194, 232, 274, 324, 370, 428, 461, 523, 589, 647, 721, 795,
        861, 932, 1006, 1094, 1174, 1276, 1370, 1468, 1531, 1631, 1735, 1843, 1955, 2071, 2191,
        2306, 2434, 2566, 2702, 2812, 2956,
    ],
    [
        16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627,
        669, 714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812,
        1914, 1992, 2102, 2216, 2334,
    ],
    [
        13, 22, 34, 48, 62, 76, 88, 110, 132, 154, 180, 206, 244, 261, 295, 325, 367, 397, 445,
        485, 512, 568, 614, 664, 718, 754, 808, 871, 911, 985, 1033, 1115, 1171, 1231, 1286, 1354,
        1426, 1502, 1582, 1666,
    ],
    [
        9, 16, 26, 36, 46, 60, 66, 86, 100, 122, 140, 158, 180, 197, 223, 253, 283, 313, 341, 385,
        406, 442, 464, 514, 538, 596, 628, 661, 701, 745, 793, 845, 901, 961, 986, 1054, 1096,
        1142, 1222, 1276,
    ],
];

/// Bytes each of the two work buffers needs for symbols up to `max_version` (1–40; outside
/// that range, the nearest): one bit per module of the largest symbol, plus one byte.
///
/// ```
/// use paywire_emvqr::render::{BUFFER_LEN, buffer_len};
/// assert_eq!(buffer_len(8), 302); // 49 × 49 modules: 2,401 bits in 301 bytes, and one more
/// assert_eq!(buffer_len(40), BUFFER_LEN);
/// ```
pub const fn buffer_len(max_version: u8) -> usize {
    let v = if max_version < 1 {
        1
    } else if max_version > 40 {
        40
    } else {
        max_version
    };
    Version::new(v).buffer_len()
}

/// The smallest version (1–40) whose symbol holds `text` at `ecc`, as [`matrix_in`] encodes it
/// (byte mode, ECI 26 when needed): 4 mode bits, the character count (8 bits up to version 9,
/// 16 above), 8 bits per byte, and 12 more bits for the ECI designator, within the version's
/// data codewords. [`Error`] `DataTooLong` when none does.
///
/// ```
/// use paywire_emvqr::render::{Ecc, version_for};
/// // A 146-byte Pix code: version 8 at level M (python-qrcode 7.4.2 chooses the same).
/// let pix = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
/// assert_eq!(version_for(pix, Ecc::Medium)?, 8);
/// # Ok::<(), paywire_emvqr::Error>(())
/// ```
pub fn version_for(text: &str, ecc: Ecc) -> Result<u8> {
    let len = text.len();
    let eci_bits = if needs_eci(text) { 12 } else { 0 };
    let row = DATA_CODEWORDS
        .get(ecc as usize)
        .ok_or_else(|| too_long(len))?;
    (1u8..=40)
        .zip(row.iter())
        .find(|&(v, &codewords)| {
            let count_bits = if v <= 9 { 8 } else { 16 };
            let bits = len.checked_mul(8).and_then(|b| {
                b.checked_add(4usize.saturating_add(count_bits).saturating_add(eci_bits))
            });
            bits.is_some_and(|b| b <= usize::from(codewords).saturating_mul(8))
        })
        .map(|(v, _)| v)
        .ok_or_else(|| too_long(len))
}

/// Bytes each of the two buffers of [`matrix_in`] needs for `text` at `ecc`
/// (`buffer_len(version_for(text, ecc)?)`).
pub fn buffer_len_for(text: &str, ecc: Ecc) -> Result<usize> {
    Ok(buffer_len(version_for(text, ecc)?))
}

fn too_long(length: usize) -> Error {
    Error::new(ErrorKind::DataTooLong { length }, Path::ROOT, 0)
}

/// Quiet zone around the symbol, in modules (ISO/IEC 18004).
pub const QUIET_ZONE: usize = 4;

/// Error correction level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Ecc {
    /// About 7 % recovery.
    Low,
    /// About 15 % recovery: the usual level for payment codes.
    #[default]
    Medium,
    /// About 25 % recovery.
    Quartile,
    /// About 30 % recovery: under a logo.
    High,
}

impl Ecc {
    const fn level(self) -> QrCodeEcc {
        match self {
            Self::Low => QrCodeEcc::Low,
            Self::Medium => QrCodeEcc::Medium,
            Self::Quartile => QrCodeEcc::Quartile,
            Self::High => QrCodeEcc::High,
        }
    }
}

/// True when the text needs ECI 26 (a character outside EMV's printable ASCII set).
pub fn needs_eci(text: &str) -> bool {
    !text.bytes().all(|b| (0x20..=0x7E).contains(&b))
}

/// A QR symbol's modules.
pub struct Matrix<'a> {
    code: QrCode<'a>,
}

impl Matrix<'_> {
    /// Modules per side, without quiet zone.
    pub fn size(&self) -> usize {
        usize::try_from(self.code.size()).unwrap_or(0)
    }

    /// Whether the module at (`x`, `y`) is dark; outside the symbol (quiet zone) is light.
    pub fn dark(&self, x: usize, y: usize) -> bool {
        match (i32::try_from(x), i32::try_from(y)) {
            (Ok(x), Ok(y)) => self.code.get_module(x, y),
            _ => false,
        }
    }

    /// The QR version (1–40).
    pub fn version(&self) -> u8 {
        self.code.version().value()
    }
}

impl core::fmt::Debug for Matrix<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "Matrix(version {}, {} modules)",
            self.version(),
            self.size()
        )
    }
}

/// Encodes `text` as a QR symbol in byte mode (with ECI 26 when needed) at `ecc`, in two
/// buffers sized for version 40 (see [`matrix_in`] for smaller ones).
///
/// ```
/// use paywire_emvqr::render::{BUFFER_LEN, Ecc, matrix};
/// let (mut modules, mut work) = ([0u8; BUFFER_LEN], [0u8; BUFFER_LEN]);
/// let m = matrix("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D", Ecc::Medium, &mut modules, &mut work)?;
/// assert_eq!(m.size(), 17 + 4 * usize::from(m.version())); // ISO/IEC 18004
/// assert!(m.dark(0, 0)); // the top-left finder pattern
/// # Ok::<(), paywire_emvqr::Error>(())
/// ```
pub fn matrix<'a>(
    text: &str,
    ecc: Ecc,
    out: &'a mut [u8; BUFFER_LEN],
    temp: &mut [u8; BUFFER_LEN],
) -> Result<Matrix<'a>> {
    matrix_in(text, ecc, out, temp)
}

/// Encodes `text` as [`matrix`] does, in two caller buffers of any length: the symbol may take
/// any version whose [`buffer_len`] both hold. Too short for the version `text` needs:
/// `BufferTooSmall` with the length needed ([`buffer_len_for`]).
///
/// ```
/// use paywire_emvqr::render::{Ecc, buffer_len, matrix_in};
/// let pix = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
/// // Buffers for codes up to version 10 (57 × 57 modules): 408 bytes each.
/// let (mut modules, mut work) = ([0u8; buffer_len(10)], [0u8; buffer_len(10)]);
/// let m = matrix_in(pix, Ecc::Medium, &mut modules, &mut work)?;
/// assert_eq!((m.version(), m.size()), (8, 49));
/// // Buffers for version 5 are too small for it, and the error says how large they must be.
/// let (mut small, mut small_work) = ([0u8; buffer_len(5)], [0u8; buffer_len(5)]);
/// assert!(matrix_in(pix, Ecc::Medium, &mut small, &mut small_work).is_err());
/// # Ok::<(), paywire_emvqr::Error>(())
/// ```
pub fn matrix_in<'a>(
    text: &str,
    ecc: Ecc,
    out: &'a mut [u8],
    temp: &mut [u8],
) -> Result<Matrix<'a>> {
    let version = version_for(text, ecc)?;
    let needed = buffer_len(version);
    let capacity = out.len().min(temp.len());
    let (Some(out), Some(temp)) = (out.get_mut(..needed), temp.get_mut(..needed)) else {
        let kind = ErrorKind::BufferTooSmall { needed, capacity };
        return Err(Error::new(kind, Path::ROOT, 0));
    };
    let mut eci = [0u8; 4];
    let bytes = QrSegment::make_bytes(text.as_bytes());
    let with_eci;
    let segments: &[QrSegment<'_>] = if needs_eci(text) {
        with_eci = [QrSegment::make_eci(26, &mut eci), bytes];
        &with_eci
    } else {
        core::slice::from_ref(&bytes)
    };
    // The version is known: the encoder is asked for exactly it (its capacity rule is the
    // one `version_for` applies).
    let v = Version::new(version.clamp(1, 40));
    let (len, level, version) =
        QrCode::encode_segments_to_codewords(segments, out, ecc.level(), v, v, false)
            .map_err(|_| too_long(text.len()))?;
    let code = QrCode::encode_codewords(out, len, temp, level, version, None);
    Ok(Matrix { code })
}

/// The symbol as SVG, one unit per module, quiet zone included.
#[cfg(feature = "alloc")]
pub fn svg(matrix: &Matrix<'_>) -> alloc::string::String {
    use core::fmt::Write as _;
    let side = matrix.size().saturating_add(2 * QUIET_ZONE);
    let mut out = alloc::string::String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    for y in 0..matrix.size() {
        for x in 0..matrix.size() {
            if matrix.dark(x, y) {
                let _ = write!(
                    out,
                    "M{},{}h1v1h-1z",
                    x.saturating_add(QUIET_ZONE),
                    y.saturating_add(QUIET_ZONE)
                );
            }
        }
    }
    out.push_str("\"/></svg>\n");
    out
}

/// The symbol as terminal text: two characters per module (dark `██`), quiet zone included.
#[cfg(feature = "alloc")]
pub fn text(matrix: &Matrix<'_>) -> alloc::string::String {
    let side = matrix.size().saturating_add(2 * QUIET_ZONE);
    let mut out = alloc::string::String::new();
    for y in 0..side {
        for x in 0..side {
            let dark = match (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE)) {
                (Some(mx), Some(my)) => matrix.dark(mx, my),
                _ => false,
            };
            out.push_str(if dark { "██" } else { "  " });
        }
        out.push('\n');
    }
    out
}

/// The symbol as a grayscale PNG with `scale` pixels per module, quiet zone included.
#[cfg(feature = "png")]
pub fn png(matrix: &Matrix<'_>, scale: usize) -> Result<alloc::vec::Vec<u8>> {
    let scale = scale.max(1);
    let side = matrix
        .size()
        .saturating_add(2 * QUIET_ZONE)
        .saturating_mul(scale);
    let failed = || Error::new(ErrorKind::Image, Path::ROOT, 0);
    let dim = u32::try_from(side).map_err(|_| failed())?;
    let mut pixels = alloc::vec![255u8; side.saturating_mul(side)];
    for (i, px) in pixels.iter_mut().enumerate() {
        // `side` and `scale` are at least 1 here: checked division only to satisfy the lint.
        let div = |a: usize, b: usize| a.checked_div(b).unwrap_or(0);
        let (x, y) = (
            div(i.checked_rem(side).unwrap_or(0), scale),
            div(div(i, side), scale),
        );
        if let (Some(mx), Some(my)) = (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE))
            && matrix.dark(mx, my)
        {
            *px = 0;
        }
    }
    let mut out = alloc::vec::Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, dim, dim);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|_| failed())?;
        writer.write_image_data(&pixels).map_err(|_| failed())?;
    }
    Ok(out)
}
