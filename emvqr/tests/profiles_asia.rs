//! PayNow, QRIS, DuitNow and UnionPay typed access and rules on published codes.
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_emvqr::profile::{self, Profile};
use paywire_emvqr::{IssueKind, Object, PayloadRef, Rules, Severity};

/// A payload of primitive objects (template contents written as their text), CRC added.
fn build(objects: &[(&str, &str)]) -> String {
    let objects: Vec<Object> = objects
        .iter()
        .map(|(id, v)| Object::Text(id.parse().unwrap(), (*v).to_string()))
        .collect();
    paywire_emvqr::encode(&objects).unwrap()
}

fn errors(payload: &PayloadRef<'_>) -> Vec<(String, IssueKind)> {
    let mut out = Vec::new();
    payload.validate(Rules::Detect, |i| {
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
    // DuitNow payload of DannielWhatever/emvqr#13 (PFI "02", CRC 00D7).
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

// BharatQR codes as their issuers publish them. Razorpay's QR Codes API documentation (dynamic,
// Visa + Mastercard + RuPay + IFSC/account + UPI with a minimum amount and a reference):
const BHARATQR_RAZORPAY: &str = "000201010212021643926300000000850415540461000000008061661005900000000890827YESB0CMSNOC222333004882700126430010A0000005240117razorpaybqr@icici02041.1027350010A0000005240117RZPGT8ildsFTgS5Sp52047531530335654041.105802IN5906zxcbmn6005Delhi610611008562300514GT8ildsFTgS5Sp070838R004506304B6A9";
// PayU's developer documentation, "Static Bharat QR":
const BHARATQR_PAYU: &str = "000201010211021644038470007469080415522024070007469061661000307000746960825HDFC00006225020001855322626470010A0000005240129yellowqr.payutest.94@hdfcbank27370010A0000005240119STQ9y45z1cv3z5450925204569153033565802IN5910vendorName6010vendorCity610650017262350519STQ9y45z1cv3z545092070870007469630417EF";
// An HDFC BharatQR printed on a GST B2C e-invoice (published in an e-invoicing integration's
// source); its CRC is written in lower case.
const BHARATQR_HDFC: &str = "000201010211021644038499331959060415522024099331959061661000309933195920825HDFC00000015010030812820026560010A0000005240138centralwarehousingco.99331959@hdfcbank27430010A0000005240125STQ200318122305804I0401085204939953033565802IN5923CENTRAL WAREHOUSING NEW6009New Delhi610611001662410525STQ200318122305804I0401080708993319596304e9fc";

#[test]
fn bharatqr_fields_of_published_codes() {
    let p = PayloadRef::parse(BHARATQR_RAZORPAY).unwrap();
    assert_eq!(profile::detect(&p), Some(Profile::BharatQr));
    assert!(errors(&p).is_empty(), "{:?}", errors(&p));
    let f = profile::bharatqr(&p).unwrap();
    assert_eq!(f.visa, Some("4392630000000085"));
    assert_eq!(f.mastercard, Some("540461000000008"));
    assert_eq!(f.rupay, Some("6100590000000089"));
    assert_eq!(f.ifsc, Some("YESB0CMSNOC"));
    assert_eq!(f.account, Some("2223330048827001"));
    assert_eq!(f.vpa, Some("razorpaybqr@icici"));
    assert_eq!(f.minimum_amount, Some("1.10"));
    assert_eq!(f.transaction_reference, Some("RZPGT8ildsFTgS5Sp"));
    assert_eq!(f.reference_url, None);
    assert_eq!(f.aadhaar, None);

    let p = PayloadRef::parse(BHARATQR_PAYU).unwrap();
    assert!(errors(&p).is_empty(), "{:?}", errors(&p));
    let f = profile::bharatqr(&p).unwrap();
    assert_eq!(f.ifsc, Some("HDFC0000622"));
    assert_eq!(f.account, Some("50200018553226"));
    assert_eq!(f.vpa, Some("yellowqr.payutest.94@hdfcbank"));

    let p = PayloadRef::parse(BHARATQR_HDFC).unwrap();
    assert!(errors(&p).is_empty(), "{:?}", errors(&p));
    let f = profile::bharatqr(&p).unwrap();
    assert_eq!(f.rupay, Some("6100030993319592"));
    assert_eq!(f.transaction_reference, Some("STQ200318122305804I040108"));
    // Not a BharatQR: no typed view.
    assert_eq!(
        profile::bharatqr(&PayloadRef::parse(PAYNOW_MOBILE).unwrap()),
        None
    );
}

#[test]
fn bharatqr_rules() {
    let base = [
        ("00", "01"),
        ("01", "12"),
        ("06", "6100590000000089"),
        ("08", "YESB0CMSNOC2223330048827001"),
        ("26", "0010A0000005240117razorpaybqr@icici02041.10"),
        ("27", "0010A0000005240117RZPGT8ildsFTgS5Sp"),
        ("28", "0010A0000005240112123412341234"),
        ("52", "7531"),
        ("53", "356"),
        ("58", "IN"),
        ("59", "zxcbmn"),
        ("60", "Delhi"),
    ];
    let check = |replace: (&str, &str)| {
        let objects: Vec<(&str, &str)> = base
            .iter()
            .map(|&(id, v)| if id == replace.0 { replace } else { (id, v) })
            .collect();
        let text = build(&objects);
        errors(&PayloadRef::parse(&text).unwrap())
    };
    assert!(check(("00", "01")).is_empty(), "{:?}", check(("00", "01")));
    let value = |path: &str| vec![(path.to_string(), IssueKind::Value)];
    // The RuPay PAN's Luhn digit.
    assert_eq!(check(("06", "6100590000000088")), value("06"));
    // IFSC: the fifth character is 0.
    assert_eq!(check(("08", "YESB1CMSNOC2223330048827001")), value("08"));
    assert_eq!(check(("08", "YESB0CMSNOC")), value("08"));
    assert_eq!(
        check(("26", "0010A0000005240117razorpaybqr.icici02041.10")),
        value("26.01")
    );
    assert_eq!(
        check(("26", "0010A0000005240117razorpaybqr@icici02051.105")),
        value("26.02")
    );
    assert_eq!(check(("27", "0010A0000005240103RZP")), value("27.01"));
    assert_eq!(
        check(("28", "0010A000000524011212341234123X")),
        value("28.01")
    );
}

#[test]
fn bharatqr_names_the_merchant_by_pan_bank_account_or_vpa() {
    // Warnings at 06 for the payload built from `objects` (the profile's rules only).
    let warned = |objects: &[(&str, &str)]| {
        let text = build(objects);
        let p = PayloadRef::parse(&text).unwrap();
        assert_eq!(profile::detect(&p), Some(Profile::BharatQr));
        let mut out = Vec::new();
        p.validate(Rules::Detect, |i| {
            if i.severity == Severity::Warning && i.path.to_string() == "06" {
                out.push(i.kind);
            }
        });
        out
    };
    let common = [
        ("52", "7531"),
        ("53", "356"),
        ("58", "IN"),
        ("59", "zxcbmn"),
        ("60", "Delhi"),
    ];
    let with = |head: &[(&'static str, &'static str)]| {
        let mut objects = vec![("00", "01"), ("01", "12")];
        objects.extend_from_slice(head);
        objects.extend_from_slice(&common);
        objects
    };
    // A UPI VPA in 26 names the merchant.
    let upi = ("26", "0010A0000005240117razorpaybqr@icici");
    assert!(warned(&with(&[upi])).is_empty());
    // A transaction reference (27) or an Aadhaar number (28) alone does not.
    let reference = ("27", "0010A0000005240117RZPGT8ildsFTgS5Sp");
    let aadhaar = ("28", "0010A0000005240112123412341234");
    assert_eq!(warned(&with(&[reference])), [IssueKind::Missing]);
    assert_eq!(warned(&with(&[aadhaar])), [IssueKind::Missing]);
    // Nor does a 26 without its VPA (that is also an error at 26.01).
    let no_vpa = ("26", "0010A00000052402041.10");
    assert_eq!(warned(&with(&[no_vpa])), [IssueKind::Missing]);
    // The RuPay PAN (06) or the bank account (08) do.
    assert!(warned(&with(&[("06", "6100590000000089"), reference])).is_empty());
    assert!(warned(&with(&[("08", "YESB0CMSNOC2223330048827001"), reference])).is_empty());
}

// Hong Kong FPS. Odoo's l10n_hk test (`test_emv_qr_vals`): a mobile-number proxy.
const FPS_ODOO: &str = "00020101021226330012hk.com.hkicl0313+852-6789123452040000530334454031005802HK5914company_1_data6002HK62170513INV/TEST/00016304A154";
// A Hong Kong QR reader app's sample (static, participant 004 and a mobile proxy):
const FPS_PARTICIPANT: &str = "00020101021126400012hk.com.hkicl01030040313+852-8765432152040000530334454041.235802HK5902NA6002HK6304C246";

#[test]
fn fps_fields_and_rules() {
    let p = PayloadRef::parse(FPS_ODOO).unwrap();
    assert_eq!(profile::detect(&p), Some(Profile::Fps));
    assert!(errors(&p).is_empty(), "{:?}", errors(&p));
    let f = profile::fps(&p).unwrap();
    assert_eq!(f.mobile, Some("+852-67891234"));
    assert_eq!((f.participant, f.fps_id, f.email), (None, None, None));

    let p = PayloadRef::parse(FPS_PARTICIPANT).unwrap();
    assert!(errors(&p).is_empty(), "{:?}", errors(&p));
    let f = profile::fps(&p).unwrap();
    assert_eq!(f.participant, Some("004"));
    assert_eq!(f.mobile, Some("+852-87654321"));
    assert_eq!(Profile::from_name("fps"), Some(Profile::Fps));

    let code = |account: &str, currency: &str| {
        build(&[
            ("00", "01"),
            ("01", "12"),
            ("26", account),
            ("52", "0000"),
            ("53", currency),
            ("58", "HK"),
            ("59", "NA"),
            ("60", "HK"),
        ])
    };
    let errs = |text: String| errors(&PayloadRef::parse(&text).unwrap());
    assert!(errs(code("0012hk.com.hkicl02079999999", "344")).is_empty());
    assert!(errs(code("0012hk.com.hkicl0209166069526", "156")).is_empty());
    assert!(errs(code("0012hk.com.hkicl0415pay@example.com", "344")).is_empty());
    let one = |path: &str, kind: IssueKind| vec![(path.to_string(), kind)];
    assert_eq!(
        errs(code("0012hk.com.hkicl020899999999", "344")),
        one("26.02", IssueKind::Value)
    );
    assert_eq!(
        errs(code("0012hk.com.hkicl0312852-67891234", "344")),
        one("26.03", IssueKind::Value)
    );
    assert_eq!(
        errs(code("0012hk.com.hkicl0411example.com", "344")),
        one("26.04", IssueKind::Value)
    );
    assert_eq!(
        errs(code("0012hk.com.hkicl01020402079999999", "344")),
        one("26.01", IssueKind::Value)
    );
    // No proxy, or two.
    assert_eq!(
        errs(code("0012hk.com.hkicl0103004", "344")),
        one("26.02", IssueKind::Missing)
    );
    assert_eq!(
        errs(code("0012hk.com.hkicl020799999990313+852-67891234", "344")),
        one("26.02", IssueKind::Missing)
    );
    assert_eq!(
        errs(code("0012hk.com.hkicl02079999999", "840")),
        one("53", IssueKind::Value)
    );
}
