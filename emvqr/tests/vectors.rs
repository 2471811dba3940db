//! Published MPM and CPM payloads, each with its source.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_emvqr::{ErrorKind, Object, ParseOptions, Path, PayloadRef, cpm, crc16, encode};
use paywire_emvqr::{Issue, IssueKind, Rules, Severity};

fn kinds(text: &str) -> Vec<(String, IssueKind)> {
    let payload = PayloadRef::parse(text).unwrap();
    let mut out: Vec<(String, IssueKind)> = payload
        .issues(Rules::Emvco)
        .into_iter()
        .inspect(|i: &Issue| assert_eq!(i.severity, Severity::Error, "{i:?}"))
        .map(|i| (i.path.to_string(), i.kind))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Parse → owned objects → encode gives back the same payload (CRC case normalised).
fn round_trip(text: &str) {
    let payload = PayloadRef::parse(text).unwrap();
    let objects: Vec<Object> = payload.objects().map(|o| Object::from_ref(&o)).collect();
    assert_eq!(encode(&objects).unwrap(), text.to_uppercase_crc());
}

trait UpperCrc {
    fn to_uppercase_crc(&self) -> String;
}

impl UpperCrc for str {
    fn to_uppercase_crc(&self) -> String {
        let (head, crc) = self.split_at(self.len() - 4);
        format!("{head}{}", crc.to_ascii_uppercase())
    }
}

// CRC-16/CCITT-FALSE check value: "123456789" -> 29B1 (the catalogue's check value).
#[test]
fn crc_check_value() {
    assert_eq!(crc16(b"123456789"), 0x29B1);
}

// [MPM] Annex B (mvallim/emv-qrcode docs/EMVCo-Merchant-Presented-QR-Specification-v1-1.pdf).
const EMVCO: &str = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";

#[test]
fn emvco_annex_b() {
    let p = PayloadRef::parse(EMVCO).unwrap();
    assert_eq!(p.crc(), 0xA13A);
    assert_eq!(p.merchant_name(), Some("BEST TRANSPORT"));
    assert_eq!(
        (p.mcc(), p.currency(), p.amount(), p.country()),
        (Some("4111"), Some("156"), Some("23.72"), Some("CN"))
    );
    assert_eq!(p.value(&[64, 1]), Some("最佳运输"));
    assert_eq!(p.value(&[62, 3]), Some("1234"));
    assert_eq!(p.account("d15600000001").unwrap().id(), 31);
    // Objects in input order: 64 before 54.
    let ids: Vec<u8> = p.objects().map(|o| o.id()).collect();
    assert_eq!(
        ids,
        [0, 1, 29, 31, 52, 58, 59, 60, 64, 54, 53, 55, 62, 91, 63]
    );
    assert!(kinds(EMVCO).is_empty());
    round_trip(EMVCO);
}

// Pix static example of the BCB manual (bacen/pix-api#79).
const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

#[test]
fn pix_manual() {
    let p = PayloadRef::parse(PIX).unwrap();
    assert_eq!(
        p.account("BR.GOV.BCB.PIX")
            .unwrap()
            .children()
            .unwrap()
            .nth(1)
            .unwrap()
            .value(),
        "123e4567-e12b-12d1-a456-426655440000"
    );
    assert_eq!(p.reference_label(), Some("***"));
    assert!(kinds(PIX).is_empty());
    round_trip(PIX);
}

#[test]
fn national_codes_under_plain_emvco_rules() {
    // PromptPay with amount (dtinth/promptpay-qr index.test.js): no 52, 59, 60.
    let promptpay =
        "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469";
    let missing = |id: u8| (Path::top(id).to_string(), IssueKind::Missing);
    assert_eq!(kinds(promptpay), [missing(52), missing(59), missing(60)]);
    // NAPAS static, corrected (binhnguyenduc/vietqr-ts tests/compliance/napas-static-account.test.ts).
    let napas = "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F";
    assert_eq!(kinds(napas), [missing(52), missing(59), missing(60)]);
    // DuitNow with PFI "02" (DannielWhatever/emvqr#13).
    let duitnow = "00020201021126580014A000000615000101065887340212MBBQR1666987031000000000005204581253034585802MY5908TAKOYAKI6006PAHANG630400D7";
    assert_eq!(PayloadRef::parse(duitnow).unwrap().crc(), 0x00D7);
    assert_eq!(
        kinds(duitnow),
        [("00".to_string(), IssueKind::FormatIndicatorValue)]
    );
    // VietQR from Odoo (odoo/odoo#130806): 59 has Vietnamese letters, outside ans.
    let odoo = "00020101021238590010A0000007270129000697042201156607040600001290208QRIBFTTA52040000530370454031005802VN5914aAeEoOiIuUyYđĐ6007Vietnam62170113INV/TEST/000263046744";
    assert_eq!(
        PayloadRef::parse(odoo)
            .unwrap()
            .value(&[59])
            .map(|v| v.chars().count()),
        Some(14)
    );
    assert_eq!(
        kinds(odoo),
        [("59".to_string(), IssueKind::Format { index: 12 })]
    );
    // Primitive 13 and 04 (dongri/emv-qrcode README): 999.123 in yen has 3 decimals, JPY none.
    let dongri = "0002010102121313JCB12345678900416MASTER12345678905204531153033925407999.1235802JP5906DONGRI6005TOKYO62240104hoge0504fuga0704piyo6304C343";
    assert_eq!(
        kinds(dongri),
        [(
            "54".to_string(),
            IssueKind::Decimals {
                found: 3,
                allowed: 0
            }
        )]
    );
    for text in [promptpay, napas, duitnow, odoo, dongri] {
        round_trip(text);
    }
}

#[test]
fn known_bad_payloads() {
    // 59 is 28 characters (alexandresanlim/pix-payload-generator.net#10).
    let long_name = "00020126630014BR.GOV.BCB.PIX0122vendas@endoplus.odo.br0215PEDIDO-ENDOPLUS520400005303986540574.105802BR5928ENDO PLUS COM E SERV LTDA ME6014RIO DE JANEIRO62130509ENDO3446863043A22";
    assert_eq!(
        kinds(long_name),
        [(
            "59".to_string(),
            IssueKind::Length {
                length: 28,
                min: 1,
                max: 25
            }
        )]
    );
    // 56 and 57 with 55 = "01", 62/09 "tuvxy" (mvallim/emv-qrcode MerchantPresentedModeDecoderTest.java).
    let tips = "00020101021102160004hoge0104abcd520441115303156540523.725502015603500570155802CN5914BEST TRANSPORT6007BEIJING6107123456762950105123450205678900305098760405543210505abcde0605fghij0705klmno0805pqres0905tuvxy5010000110101i64280002ZH0102北京0204最佳运输0304abcd65020080320016A01122334499887707081234567863044220";
    let mut found = kinds(tips);
    found.sort_by_key(|(p, k)| format!("{p}{k:?}"));
    assert_eq!(
        found,
        [
            ("55".to_string(), IssueKind::TipRule),
            (
                "62.09".to_string(),
                IssueKind::Length {
                    length: 5,
                    min: 1,
                    max: 3
                }
            ),
            ("62.09".to_string(), IssueKind::Value),
        ]
    );
    // A valid Pix; with a zero CRC, a bare 6304, or no 63 it must fail (renatofrota/pix-pendencias#8).
    let pix = "00020126700014br.gov.bcb.pix0136403f6c37-bb1d-48aa-a61c-0f6a205764d80208[Pix.ae]5204000053039865802BR5903Pix6003Pix63042275";
    assert!(kinds(pix).is_empty());
    let body = &pix[..pix.len() - 8];
    let zero = format!("{body}63040000");
    let e = PayloadRef::parse(&zero).unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::CrcMismatch {
            computed: 0x2275,
            found: 0
        }
    );
    assert_eq!(e.path().to_string(), "63");
    let relaxed =
        PayloadRef::parse_with(&zero, ParseOptions::default().with_crc_check(false)).unwrap();
    assert!(!relaxed.crc_ok());
    let bare = format!("{body}6304");
    assert!(matches!(
        PayloadRef::parse(&bare).unwrap_err().kind(),
        ErrorKind::ValuePastEnd {
            length: 4,
            available: 0
        }
    ));
    assert_eq!(
        PayloadRef::parse(body).unwrap_err().kind(),
        ErrorKind::CrcMissing
    );
    // Lower-case CRC is accepted.
    let lower = format!("{body}6304{}", "2275".to_lowercase());
    assert!(PayloadRef::parse(&lower).is_ok());
}

#[test]
fn structural_errors_name_place() {
    let e = PayloadRef::parse("000201X000").unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::BadId, 6));
    let e = PayloadRef::parse("00020126A5").unwrap_err();
    assert_eq!(
        (e.kind(), e.path().to_string(), e.offset()),
        (ErrorKind::BadLength, "26".to_string(), 8)
    );
    // A template whose content is not objects.
    let e = PayloadRef::parse("0002012605ab63041234").unwrap_err();
    assert_eq!(e.path().to_string(), "26");
}

#[test]
fn every_non_digit_in_an_object_header_is_rejected() {
    // The second object's header is "5802"; each of its four characters in turn is replaced by
    // every printable ASCII character that is not a digit (the edges '/' and ':' included).
    let valid = "0002015802BR";
    for k in 0..4 {
        for c in (0x20u8..0x7F).filter(|c| !c.is_ascii_digit()) {
            let mut text = valid.as_bytes().to_vec();
            text[6 + k] = c;
            let text = String::from_utf8(text).unwrap();
            let e = PayloadRef::parse(&text).unwrap_err();
            let expected = if k < 2 {
                (ErrorKind::BadId, 6)
            } else {
                (ErrorKind::BadLength, 8)
            };
            assert_eq!((e.kind(), e.offset()), expected, "{text:?}");
        }
    }
}

// [CPM] Annex B.1 and B.2, and the UnionPay-style example of mvallim/emv-qrcode
// ConsumerPresentedModeDecoderTest.java.
#[test]
fn cpm_examples() {
    for text in [
        "hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=",
        "hQVDUFYwMWETTwegAAAAVVVVUAhQcm9kdWN0MWETTwegAAAAZmZmUAhQcm9kdWN0MmJJWggSNFZ4kBI0WF8gDkNBUkRIT0xERVIvRU1WXy0IcnVlc2RlZW5kIZ8QBwYBCgMAAACfJghYT9OF+iNLzJ82AgABnzcEbVjvEw==",
        "hQVDUFYwMWFWTwigAAADMwEBAlcRYmNgAQBxNnLSMSIBAAABiAFfNAEAYzOfJghWite85mtxi58nAYCfEBEHAAEDoAAAAQgwMDAwMDAwMZ82AhEiggIAAJ83BCJgSI4=",
    ] {
        assert!(text.starts_with(cpm::PREFIX));
        let mut buf = [0u8; 256];
        let payload = cpm::CpmRef::parse(text, &mut buf).unwrap();
        let mut found = Vec::new();
        payload.validate(|i| found.push(i));
        assert!(found.is_empty(), "{found:?}");
        assert!(payload.applications().count() >= 1);
    }
    let mut buf = [0u8; 8];
    assert_eq!(
        cpm::CpmRef::parse("hQVDUFYw!!", &mut buf)
            .unwrap_err()
            .kind(),
        ErrorKind::Base64
    );
}
