//! National profiles on published payloads (each test names its source).
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_emvqr::profile::{self, Profile};
use paywire_emvqr::{IssueKind, Rules, Severity};
use paywire_emvqr::{Path, PayloadRef};

fn errors(text: &str, profile: Option<Profile>) -> Vec<(String, IssueKind)> {
    let payload = PayloadRef::parse(text).unwrap();
    let mut out = Vec::new();
    payload.validate(profile.map_or(Rules::Detect, Rules::Profile), |i| {
        if i.severity == Severity::Error {
            out.push((i.path.to_string(), i.kind));
        }
    });
    out
}

// dtinth/promptpay-qr index.test.js.
const PROMPTPAY: &str =
    "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469";
// binhnguyenduc/vietqr-ts tests/compliance/napas-static-account.test.ts (corrected example).
const NAPAS: &str = "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F";
// DannielWhatever/emvqr#13.
const DUITNOW: &str = "00020201021126580014A000000615000101065887340212MBBQR1666987031000000000005204581253034585802MY5908TAKOYAKI6006PAHANG630400D7";
// bacen/pix-api#79.
const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

#[test]
fn detection() {
    let detect = |t| profile::detect(&PayloadRef::parse(t).unwrap());
    assert_eq!(detect(PROMPTPAY), Some(Profile::PromptPay));
    assert_eq!(detect(NAPAS), Some(Profile::VietQr));
    assert_eq!(detect(DUITNOW), Some(Profile::DuitNow));
    assert_eq!(detect(PIX), Some(Profile::Pix));
    assert_eq!(Profile::from_name("PIX"), Some(Profile::Pix));
}

#[test]
fn profiles_relax_what_their_codes_bend() {
    // Missing 52/59/60 become warnings for PromptPay and VietQR; PFI "02" for DuitNow.
    for text in [PROMPTPAY, NAPAS, DUITNOW, PIX] {
        assert!(errors(text, None).is_empty(), "{text}");
    }
    // Forcing another profile keeps the EMVCo errors.
    assert_eq!(errors(PROMPTPAY, Some(Profile::Pix)).len(), 3);
}

#[test]
fn vietqr_checks_the_beneficiary_template() {
    let v = profile::vietqr(&PayloadRef::parse(NAPAS).unwrap()).unwrap();
    assert_eq!(
        (v.bin, v.account, v.service),
        ("970403", "0011012345678", Some("QRIBFTTA"))
    );
    // NAPAS IBFT v1.5.2 example as printed: 38/01/01 says 12 and holds 13.
    let printed = "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304F4E5";
    assert_eq!(
        errors(printed, None),
        [("38.01".to_string(), IssueKind::Malformed)]
    );
    // 38/01 of length 39 swallows the 02 service code (binhnguyenduc/vietqr-ts tests/fixtures/vietqr-samples.ts).
    let swallowed = "00020101021238570010A00000072701390006970422011301234567890200208QRIBFTTA53037045405500005802VN62160812Test Payment630495B6";
    assert_eq!(
        errors(swallowed, None),
        [(Path::nested(38, 2).to_string(), IssueKind::Value)]
    );
}

#[test]
fn pix_fields_and_rules() {
    let p = profile::pix(&PayloadRef::parse(PIX).unwrap()).unwrap();
    assert_eq!(
        (p.key, p.txid),
        (Some("123e4567-e12b-12d1-a456-426655440000"), Some("***"))
    );
    // 59 of 28 characters stays an error (alexandresanlim/pix-payload-generator.net#10).
    let long_name = "00020126630014BR.GOV.BCB.PIX0122vendas@endoplus.odo.br0215PEDIDO-ENDOPLUS520400005303986540574.105802BR5928ENDO PLUS COM E SERV LTDA ME6014RIO DE JANEIRO62130509ENDO3446863043A22";
    assert_eq!(
        errors(long_name, None),
        [(
            "59".to_string(),
            IssueKind::Length {
                length: 28,
                min: 1,
                max: 25
            }
        )]
    );
}

// The typed builders reproduce the published payloads byte for byte.
#[test]
fn builders_reproduce_published_payloads() {
    use paywire_emvqr::build::{PromptPayTarget, VietQrService, pix, promptpay, vietqr};
    assert_eq!(
        pix(
            "123e4567-e12b-12d1-a456-426655440000",
            "Fulano de Tal",
            "BRASILIA",
            None,
            None
        )
        .unwrap(),
        PIX
    );
    assert_eq!(
        promptpay(PromptPayTarget::Mobile("0000000000"), Some("4.22")).unwrap(),
        PROMPTPAY
    );
    assert_eq!(
        vietqr(
            "970403",
            "0011012345678",
            VietQrService::ToAccount,
            None,
            None
        )
        .unwrap(),
        NAPAS
    );
}

// A KHQR individual code built from the field layout of bsthen/bakong-khqr (sdk/emv.py): 29/00
// the Bakong account, riel, 99 with millisecond timestamps.
#[test]
fn khqr_detection_and_rules() {
    let mut buf = [0u8; 256];
    let text = paywire_emvqr::writer::build_to_slice(&mut buf, |b| {
        b.object(0, "01")?.object(1, "12")?;
        b.template(29, |t| t.object(0, "jonhsmith@nbcq").map(|_| ()))?;
        b.object(52, "5999")?
            .object(58, "KH")?
            .object(59, "Jonh Smith")?
            .object(60, "Phnom Penh")?;
        b.object(54, "100")?.object(53, "116")?;
        b.template(99, |t| {
            t.object(0, "1700000000000")?
                .object(1, "1700000600000")
                .map(|_| ())
        })?;
        Ok(())
    })
    .unwrap()
    .to_string();
    let payload = PayloadRef::parse(&text).unwrap();
    assert_eq!(profile::detect(&payload), Some(Profile::Khqr));
    assert!(errors(&text, None).is_empty());
    let dollars = text.replace("5303116", "5303978");
    let payload = PayloadRef::parse_with(
        &dollars,
        paywire_emvqr::ParseOptions::default().with_crc_check(false),
    )
    .unwrap();
    let mut found = Vec::new();
    payload.validate(Rules::Detect, |i| found.push((i.path.to_string(), i.kind)));
    assert!(
        found.contains(&("53".to_string(), IssueKind::Value)),
        "{found:?}"
    );
}

// The typed builders without an allocator write the same published payloads (bacen/pix-api#79,
// dtinth/promptpay-qr, binhnguyenduc/vietqr-ts napas-static-account) into a caller's buffer;
// a buffer too small is an error, not a cut payload.
#[test]
fn typed_builders_into_a_buffer() {
    use paywire_emvqr::build::{
        PromptPayTarget, VietQrService, pix_to_slice, promptpay_to_slice, vietqr_to_slice,
    };
    let mut buf = [0u8; 512];
    let text = pix_to_slice(
        &mut buf,
        "123e4567-e12b-12d1-a456-426655440000",
        "Fulano de Tal",
        "BRASILIA",
        None,
        None,
    )
    .unwrap();
    assert_eq!(text, PIX);
    let text = promptpay_to_slice(
        &mut buf,
        PromptPayTarget::Mobile("0000000000"),
        Some("4.22"),
    )
    .unwrap();
    assert_eq!(text, PROMPTPAY);
    let text = vietqr_to_slice(
        &mut buf,
        "970403",
        "0011012345678",
        VietQrService::ToAccount,
        None,
        None,
    )
    .unwrap();
    assert_eq!(text, NAPAS);
    let mut small = [0u8; 64];
    let e = pix_to_slice(
        &mut small,
        "123e4567-e12b-12d1-a456-426655440000",
        "Fulano de Tal",
        "BRASILIA",
        None,
        None,
    )
    .unwrap_err();
    assert!(matches!(
        e.kind(),
        paywire_emvqr::ErrorKind::BufferTooSmall { .. }
    ));
    // A mobile number longer than any phone number is refused, not cut.
    assert!(promptpay_to_slice(&mut buf, PromptPayTarget::Mobile(&"1".repeat(40)), None).is_err());
}
