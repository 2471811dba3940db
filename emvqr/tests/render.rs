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

// The smallest version for byte-mode payloads of these lengths at each level, as python-qrcode
// 7.4.2 chooses it (`QRCode(error_correction=…)`, `add_data(QRData(b"a" * n,
// mode=MODE_8BIT_BYTE))`, `make(fit=True)`; `None`: "DataOverflowError").
#[test]
fn versions_agree_with_an_independent_encoder() {
    use paywire_emvqr::render::version_for;
    let lengths = [
        1, 14, 15, 16, 100, 146, 200, 500, 1000, 1273, 1274, 2331, 2332,
    ];
    let expected: [(Ecc, [Option<u8>; 13]); 4] = [
        (
            Ecc::Low,
            [
                Some(1),
                Some(1),
                Some(1),
                Some(1),
                Some(5),
                Some(7),
                Some(9),
                Some(15),
                Some(22),
                Some(25),
                Some(26),
                Some(36),
                Some(36),
            ],
        ),
        (
            Ecc::Medium,
            [
                Some(1),
                Some(1),
                Some(2),
                Some(2),
                Some(6),
                Some(8),
                Some(10),
                Some(17),
                Some(26),
                Some(30),
                Some(30),
                Some(40),
                None,
            ],
        ),
        (
            Ecc::Quartile,
            [
                Some(1),
                Some(2),
                Some(2),
                Some(2),
                Some(8),
                Some(10),
                Some(12),
                Some(21),
                Some(31),
                Some(35),
                Some(35),
                None,
                None,
            ],
        ),
        (
            Ecc::High,
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(10),
                Some(12),
                Some(15),
                Some(24),
                Some(36),
                Some(40),
                None,
                None,
                None,
            ],
        ),
    ];
    for (ecc, versions) in expected {
        for (n, v) in lengths.iter().zip(versions) {
            assert_eq!(
                version_for(&"a".repeat(*n), ecc).ok(),
                v,
                "{n} bytes at {ecc:?}"
            );
        }
    }
}

// Buffers sized for the version a payload needs: the symbol is the one version-40 buffers give
// (same version, same modules) and reads back; one version smaller is refused with the size
// needed.
#[test]
fn buffers_sized_for_the_payload() {
    use paywire_emvqr::render::{buffer_len, buffer_len_for, matrix_in, version_for};
    for (payload, ecc) in [
        (PIX, Ecc::Medium),
        (EMVCO, Ecc::Medium),
        (PROMPTPAY, Ecc::High),
    ] {
        let v = version_for(payload, ecc).unwrap();
        let n = buffer_len_for(payload, ecc).unwrap();
        assert_eq!(n, buffer_len(v));
        let (mut out, mut temp) = (vec![0u8; n], vec![0u8; n]);
        let small = matrix_in(payload, ecc, &mut out, &mut temp).unwrap();
        let (mut big, mut big_temp) = ([0u8; BUFFER_LEN], [0u8; BUFFER_LEN]);
        let full = matrix(payload, ecc, &mut big, &mut big_temp).unwrap();
        assert_eq!(
            (small.version(), small.size()),
            (full.version(), full.size())
        );
        for y in 0..full.size() {
            for x in 0..full.size() {
                assert_eq!(small.dark(x, y), full.dark(x, y));
            }
        }
        if v > 1 {
            let less = buffer_len(v - 1);
            let (mut out, mut temp) = (vec![0u8; less], vec![0u8; less]);
            let e = matrix_in(payload, ecc, &mut out, &mut temp).unwrap_err();
            assert_eq!(
                e.kind(),
                paywire_emvqr::ErrorKind::BufferTooSmall {
                    needed: n,
                    capacity: less
                }
            );
        }
    }
    assert_eq!(read_back(PIX, Ecc::Medium), PIX);
}

// The version `version_for` computes is the one the QR encoder itself settles on when it may
// choose any (qrcodegen's `encode_segments_to_codewords` over versions 1–40): every length up
// to past version 40's capacity, at every level, with and without the ECI designator.
#[test]
fn version_for_is_the_encoders_choice() {
    use paywire_emvqr::render::version_for;
    use qrcodegen_no_heap::{QrCode, QrCodeEcc, QrSegment, Version};
    let levels = [
        (Ecc::Low, QrCodeEcc::Low),
        (Ecc::Medium, QrCodeEcc::Medium),
        (Ecc::Quartile, QrCodeEcc::Quartile),
        (Ecc::High, QrCodeEcc::High),
    ];
    let mut out = [0u8; BUFFER_LEN];
    for (ecc, qr_ecc) in levels {
        for wide in [false, true] {
            for n in 0..3000 {
                // `é` is two bytes: byte lengths stay `n` with the ECI designator in front.
                let text = if wide {
                    format!("{}{}", "é".repeat(n / 2), "a".repeat(n % 2))
                } else {
                    "a".repeat(n)
                };
                let mut eci = [0u8; 4];
                let bytes = QrSegment::make_bytes(text.as_bytes());
                let segments = if wide {
                    vec![QrSegment::make_eci(26, &mut eci), bytes]
                } else {
                    vec![bytes]
                };
                let chosen = QrCode::encode_segments_to_codewords(
                    &segments,
                    &mut out,
                    qr_ecc,
                    Version::MIN,
                    Version::MAX,
                    false,
                )
                .map(|(_, _, v)| v.value());
                assert_eq!(
                    version_for(&text, ecc).ok(),
                    chosen.ok(),
                    "{n} bytes, {ecc:?}, eci {wide}"
                );
            }
        }
    }
}

proptest::proptest! {
    // Any buffers, any text: `matrix_in` never panics, and succeeds exactly when both buffers
    // hold `buffer_len_for` the text (which fails only when no version holds it).
    #[test]
    fn matrix_in_with_any_buffers(n in 0usize..1500, wide in proptest::bool::ANY, out_len in 0usize..1500, temp_len in 0usize..1500, level in 0usize..4) {
        use paywire_emvqr::render::{buffer_len_for, matrix_in};
        let ecc = [Ecc::Low, Ecc::Medium, Ecc::Quartile, Ecc::High][level];
        let text = if wide { "é".repeat(n / 2) } else { "a".repeat(n) };
        let (mut out, mut temp) = (vec![0u8; out_len], vec![0u8; temp_len]);
        let result = matrix_in(&text, ecc, &mut out, &mut temp);
        match buffer_len_for(&text, ecc) {
            Ok(needed) => proptest::prop_assert_eq!(result.is_ok(), out_len >= needed && temp_len >= needed),
            Err(_) => proptest::prop_assert!(result.is_err()),
        }
    }
}
