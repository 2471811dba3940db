//! PayNow, QRIS, DuitNow and UnionPay typed access and rules on published codes.
#![allow(clippy::unwrap_used, reason = "tests")]

use emvqr::profile::{self, Profile};
use emvqr::{IssueKind, Object, PayloadRef, Severity};

/// A payload of primitive objects (template contents written as their text), CRC added.
fn build(objects: &[(&str, &str)]) -> String {
    let objects: Vec<Object> = objects
        .iter()
        .map(|(id, v)| Object::Text(id.parse().unwrap(), (*v).to_string()))
        .collect();
    emvqr::encode(&objects).unwrap()
}

fn errors(payload: &PayloadRef<'_>) -> Vec<(String, IssueKind)> {
    let mut out = Vec::new();
    profile::validate(payload, None, |i| {
        if i.severity == Severity::Error {
            out.push((i.path.to_string(), i.kind));
        }
    });
    out
}

// A PayNow generator's published test (JavaScript; found through the search tool's code index):
// recipient +6590901234 (mobile), not editable, expiry 2050-04-15, amount 888.88.
const PAYNOW_MOBILE: &str = "00020101021126500009SG.PAYNOW010100211+6590901234030100408205004155204000053037025406888.885802SG5902NA6009Singapore62320128Payment reference XX1234567863046B73";
// A code scanned from JTC Corporation's payment page (published in a public repository): UEN
// proxy, expiry with a time.
const PAYNOW_UEN: &str = "00020101021226580009SG.PAYNOW010120213T08GB0025ACT1030100414202309281618205204000053037025406203.005802SG5915JTC CORPORATION6009SINGAPORE62260122RD030320230928293002816304E9D2";

#[test]
fn paynow_fields() {
    let p = PayloadRef::parse(PAYNOW_MOBILE).unwrap();
    assert_eq!(profile::detect(&p), Some(Profile::Sgqr));
    let f = profile::paynow(&p).unwrap();
    assert_eq!(
        (f.proxy_type, f.proxy, f.editable, f.expiry),
        (
            Some("0"),
            Some("+6590901234"),
            Some(false),
            Some("20500415")
        )
    );
    // The generator puts a 28-character description in 62/01 (EMVCo: at most 25): reported.
    assert_eq!(
        errors(&p),
        [(
            "62.01".to_string(),
            IssueKind::Length {
                length: 28,
                min: 1,
                max: 25
            }
        )]
    );
    let p = PayloadRef::parse(PAYNOW_UEN).unwrap();
    let f = profile::paynow(&p).unwrap();
    assert_eq!(
        (f.proxy_type, f.proxy, f.expiry),
        (Some("2"), Some("T08GB0025ACT1"), Some("20230928161820"))
    );
    assert_eq!(errors(&p), []);
}

#[test]
fn paynow_rules() {
    // A proxy type other than 0 / 2, an expiry that is not a date, a non-SGD currency.
    let bad = build(&[
        ("00", "01"),
        ("26", "0009SG.PAYNOW010140208123456780301004052050A"),
        ("52", "0000"),
        ("53", "840"),
        ("58", "SG"),
        ("59", "NA"),
        ("60", "Singapore"),
    ]);
    let p = PayloadRef::parse(&bad).unwrap();
    let e = errors(&p);
    assert!(e.contains(&("26.01".into(), IssueKind::Value)), "{e:?}");
    assert!(e.contains(&("26.04".into(), IssueKind::Value)), "{e:?}");
    assert!(e.contains(&("53".into(), IssueKind::Value)), "{e:?}");
}

#[test]
fn unionpay_and_duitnow_fields() {
    // shared/REFERENCE.md §3.9 vector 6 (DannielWhatever/emvqr#13): DuitNow.
    let d = PayloadRef::parse("00020201021126580014A000000615000101065887340212MBBQR1666987031000000000005204581253034585802MY5908TAKOYAKI6006PAHANG630400D7").unwrap();
    let f = profile::duitnow(&d).unwrap();
    assert_eq!(
        (f.participant, f.merchant_id),
        (Some("588734"), Some("MBBQR1666987"))
    );
    // A 31-character UnionPay account (layout of dongri/emv-qrcode#28) in a built payload.
    let u = build(&[
        ("00", "01"),
        ("15", "1234567800000156000000000000001"),
        ("52", "5812"),
        ("53", "156"),
        ("58", "CN"),
        ("59", "SHOP"),
        ("60", "BEIJING"),
    ]);
    let p = PayloadRef::parse(&u).unwrap();
    assert_eq!(profile::detect(&p), Some(Profile::UnionPay));
    let f = profile::unionpay(&p).unwrap();
    assert_eq!(
        (f.acquirer_iin, f.forwarding_iin, f.merchant_id),
        (Some("12345678"), Some("00000156"), Some("000000000000001"))
    );
}

#[test]
fn qris_fields_and_rules() {
    // A QRIS layout per misterdevs/qris-parser: PJSP account in 26, national template 51.
    let q = build(&[
        ("00", "01"),
        ("01", "11"),
        (
            "26",
            "0016ID.CO.SHOPEE.WWW01189360091800216005230208216005230303UME",
        ),
        ("51", "0014ID.CO.QRIS.WWW0215ID10200211817450303UME"),
        ("52", "5812"),
        ("53", "360"),
        ("58", "ID"),
        ("59", "WARUNG"),
        ("60", "JAKARTA"),
    ]);
    let p = PayloadRef::parse(&q).unwrap();
    assert_eq!(profile::detect(&p), Some(Profile::Qris));
    let f = profile::qris(&p).unwrap();
    assert_eq!(f.nmid, Some("ID1020021181745"));
    assert_eq!(f.criteria, Some("UME"));
    assert_eq!(f.pjsp, Some("ID.CO.SHOPEE.WWW"));
    assert_eq!(f.merchant_pan, Some("936009180021600523"));
    assert_eq!(errors(&p), []);
    // Without the NMID.
    let stripped = build(&[
        ("00", "01"),
        (
            "26",
            "0016ID.CO.SHOPEE.WWW01189360091800216005230208216005230303UME",
        ),
        ("51", "0014ID.CO.QRIS.WWW0303UME"),
        ("52", "5812"),
        ("53", "360"),
        ("58", "ID"),
        ("59", "WARUNG"),
        ("60", "JAKARTA"),
    ]);
    let e = errors(&PayloadRef::parse(&stripped).unwrap());
    assert!(e.contains(&("51.02".into(), IssueKind::Missing)), "{e:?}");
}

// SGQR labels published with the scheme's launch (SOBA EXPRESS, in a public SGQR parser's
// README citing channelnewsasia.com) and in a public SGQR library's test (TOAST BOX): NETS,
// Grab and Dash accounts beside the SG.SGQR template.
#[test]
fn sgqr_labels() {
    let soba = PayloadRef::parse("00020101021126810011SG.COM.NETS01231198500065G9912312359000211111686614000308686614019908604108C251800007SG.SGQR01121809072DD85C020701.00010306079027040201050206060400000708201809155204581253037025802SG5912SOBA EXPRESS6009Singapore630457B3").unwrap();
    assert_eq!(profile::detect(&soba), Some(Profile::Sgqr));
    let f = profile::sgqr(&soba).unwrap();
    assert_eq!(
        (
            f.id,
            f.version,
            f.postal_code,
            f.level,
            f.unit,
            f.misc,
            f.revision_date
        ),
        (
            Some("1809072DD85C"),
            Some("01.0001"),
            Some("079027"),
            Some("01"),
            Some("06"),
            Some("0000"),
            Some("20180915")
        )
    );
    assert!(profile::paynow(&soba).is_none());
    assert_eq!(errors(&soba), []);
    let toast = PayloadRef::parse("00020101021126520008com.grab01365af16fa7-25d5-442b-8c19-b88ddafb14c727330015sg.com.dash.www0110000000464728810011SG.COM.NETS01231198500065G99123123590002111118778720003088778720199084136B4AE51800007SG.SGQR011218090900176B020700.00210306079027040201050213060400000708201809115204581253037025802SG5909TOAST BOX6009Singapore6304B081").unwrap();
    let f = profile::sgqr(&toast).unwrap();
    assert_eq!(
        (f.id, f.version, f.revision_date),
        (Some("18090900176B"), Some("00.0021"), Some("20180911"))
    );
}
