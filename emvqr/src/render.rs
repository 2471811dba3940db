//! QR symbols for payloads (feature `render`): byte mode only, ECI 26 (UTF-8) when the text
//! has a character outside printable ASCII, quiet zone of 4 modules when drawn.
//!
//! The matrix is computed without heap into two caller buffers; SVG and terminal text need
//! `alloc`, PNG needs the `png` feature.

use qrcodegen_no_heap::{QrCode, QrCodeEcc, QrSegment, Version};

use crate::error::{Error, ErrorKind, Result};
use crate::path::Path;

/// Bytes each of the two work buffers needs (enough for version 40).
pub const BUFFER_LEN: usize = Version::MAX.buffer_len();

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

/// Encodes `text` as a QR symbol in byte mode (with ECI 26 when needed) at `ecc`.
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
    let mut eci = [0u8; 4];
    let bytes = QrSegment::make_bytes(text.as_bytes());
    let with_eci;
    let segments: &[QrSegment<'_>] = if needs_eci(text) {
        with_eci = [QrSegment::make_eci(26, &mut eci), bytes];
        &with_eci
    } else {
        core::slice::from_ref(&bytes)
    };
    let too_long = |_| Error::new(ErrorKind::DataTooLong { length: text.len() }, Path::ROOT, 0);
    let (len, level, version) = QrCode::encode_segments_to_codewords(
        segments,
        &mut out[..],
        ecc.level(),
        Version::MIN,
        Version::MAX,
        false,
    )
    .map_err(too_long)?;
    let code = QrCode::encode_codewords(&mut out[..], len, &mut temp[..], level, version, None);
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
