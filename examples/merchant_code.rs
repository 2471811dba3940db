//! A merchant-presented code a terminal shows on its screen: build a Pix code, validate it under
//! the profile its GUID names, and render it three ways — as text for a terminal, as SVG and as
//! PNG (written next to each other in the system's temporary directory). The PNG is then read
//! back with a QR reader (rqrr), as a customer's phone would.
//!
//! The code is the Pix example of bacen/pix-api#79; its CRC (`1D3D`) is the published one.
//!
//! Run: `cargo run -p paywire-examples --example merchant_code`

use paywire::emvqr::profile;
use paywire::emvqr::render::{self, BUFFER_LEN, Ecc};
use paywire::emvqr::{PayloadRef, Rules, build};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    // 1. Build: values are checked under the Pix rules; nothing is cut or transliterated.
    let text = build::pix(
        "123e4567-e12b-12d1-a456-426655440000",
        "Fulano de Tal",
        "BRASILIA",
        None,
        None,
    )?;
    println!("payload: {text}");
    let too_long = build::pix(
        "123e4567-e12b-12d1-a456-426655440000",
        &"x".repeat(30),
        "BRASILIA",
        None,
        None,
    );
    println!("a 30-character merchant name: {}", too_long.unwrap_err());

    // 2. Validate: parse with the CRC, then every rule of EMVCo's and the detected profile's.
    let payload = PayloadRef::parse(&text)?;
    let detected = profile::detect(&payload);
    let issues = payload.issues(Rules::Detect);
    println!(
        "profile {:?}, CRC {:04X}, {} issues, merchant {:?} in {:?}",
        detected,
        payload.crc(),
        issues.len(),
        payload.merchant_name().unwrap_or(""),
        payload.merchant_city().unwrap_or("")
    );

    // 3. Render: the module matrix needs no heap (two work buffers); text, SVG and PNG are
    //    drawn from it with a 4-module quiet zone.
    let mut modules = [0u8; BUFFER_LEN];
    let mut work = [0u8; BUFFER_LEN];
    let matrix = render::matrix(&text, Ecc::Medium, &mut modules, &mut work)?;
    println!(
        "QR version {}, {}×{} modules, ECC M, byte mode{}",
        matrix.version(),
        matrix.size(),
        matrix.size(),
        if render::needs_eci(&text) {
            " with ECI 26"
        } else {
            ""
        }
    );
    print!("{}", render::text(&matrix));

    let dir = std::env::temp_dir();
    let svg_path = dir.join("paywire-pix.svg");
    let png_path = dir.join("paywire-pix.png");
    std::fs::write(&svg_path, render::svg(&matrix))?;
    std::fs::write(&png_path, render::png(&matrix, 4)?)?;
    println!("wrote paywire-pix.svg and paywire-pix.png to the temporary directory");

    // 4. Read the PNG back as a phone would.
    let scanned = read_qr(&std::fs::read(&png_path)?)?;
    println!(
        "read back from the PNG: {}",
        if scanned == text {
            "the same payload"
        } else {
            "a different payload!"
        }
    );
    Ok(())
}

/// Decodes the single QR code of a greyscale or RGB(A) PNG.
fn read_qr(png_bytes: &[u8]) -> Result<String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info()?;
    let mut pixels = vec![0u8; reader.output_buffer_size().ok_or("image too large")?];
    let info = reader.next_frame(&mut pixels)?;
    let channels = info.color_type.samples();
    let (width, height) = (info.width as usize, info.height as usize);
    let luma = |x: usize, y: usize| pixels[(y * width + x) * channels];
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, luma);
    let grids = image.detect_grids();
    let grid = grids.first().ok_or("no QR code in the image")?;
    let (_, content) = grid.decode()?;
    Ok(content)
}
