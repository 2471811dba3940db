//! Rendered symbols read back with a real QR reader (rqrr) give the payload back.
#![cfg(feature = "png")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_emvqr::render::{BUFFER_LEN, Ecc, QUIET_ZONE, matrix, needs_eci, png, svg, text};

fn read_back(text_in: &str, ecc: Ecc) -> String {
    let mut out = [0u8; BUFFER_LEN];
    let mut temp = [0u8; BUFFER_LEN];
    let m = matrix(text_in, ecc, &mut out, &mut temp).unwrap();
    let scale = 4;
    let side = (m.size() + 2 * QUIET_ZONE) * scale;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        match (mx.checked_sub(QUIET_ZONE), my.checked_sub(QUIET_ZONE)) {
            (Some(a), Some(b)) if m.dark(a, b) => 0,
            _ => 255,
        }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    content
}

// EMVCo MPM Annex B (Chinese language template: ECI 26) and the BCB Pix example.
const EMVCO: &str = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";
const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
// Upper-case PromptPay payload (dtinth/promptpay-qr): must stay in byte mode, not alphanumeric.
const PROMPTPAY: &str =
    "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469";

#[test]
fn reader_gets_the_payload_back() {
    assert!(needs_eci(EMVCO) && !needs_eci(PIX));
    for payload in [EMVCO, PIX, PROMPTPAY] {
        for ecc in [Ecc::Low, Ecc::Medium, Ecc::Quartile, Ecc::High] {
            assert_eq!(read_back(payload, ecc), payload);
        }
    }
}

#[test]
fn formats() {
    let mut out = [0u8; BUFFER_LEN];
    let mut temp = [0u8; BUFFER_LEN];
    let m = matrix(PIX, Ecc::default(), &mut out, &mut temp).unwrap();
    let side = m.size() + 2 * QUIET_ZONE;
    assert!(svg(&m).starts_with(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\""
    )));
    assert_eq!(text(&m).lines().count(), side);
    let image = png(&m, 3).unwrap();
    assert_eq!(&image[..8], b"\x89PNG\r\n\x1a\n");
    let too_long = "0".repeat(8000);
    assert!(matrix(&too_long, Ecc::High, &mut out, &mut temp).is_err());
}
