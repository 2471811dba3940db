//! API v2 XML documents and micropay checks.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use paywire_wechat_pay::ErrorKind;
use paywire_wechat_pay::v2::xml::{ACK_SUCCESS, Document, MAX_DOCUMENT_BYTES};
use paywire_wechat_pay::v2::{self, SignType};

const KEY: &str = "192006250b4c09247ec02edce69f6a2d";

// The parameters of WeChat Pay's security-specification example
// (https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=4_3): MD5 9A0A8659F005D6984697E2CA0A9CF3B7,
// HMAC-SHA256 6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6.
const SPEC_XML: &str = "<xml>\n  <appid>wxd930ea5d5a258f4f</appid>\n  <mch_id><![CDATA[10000100]]></mch_id>\n  \
<device_info>1000</device_info>\n  <body><![CDATA[test]]></body>\n  <nonce_str>ibuaiVcKdpRxkhJA</nonce_str>\n  \
<sign>9A0A8659F005D6984697E2CA0A9CF3B7</sign>\n</xml>";

#[test]
fn documented_example_as_xml() {
    let doc = Document::parse(SPEC_XML).unwrap();
    assert_eq!(doc.get("mch_id"), Some("10000100"));
    assert_eq!(doc.params().count(), 6);
    assert!(doc.verify(KEY));
    assert!(!doc.verify("192006250b4c09247ec02edce69f6a2e"));
    // Built from the parameters: the same signatures.
    let mut built = Document::from_params([
        ("appid", "wxd930ea5d5a258f4f"),
        ("mch_id", "10000100"),
        ("device_info", "1000"),
        ("body", "test"),
        ("nonce_str", "ibuaiVcKdpRxkhJA"),
    ]);
    built.sign(KEY, SignType::Md5);
    assert_eq!(built.get("sign"), Some("9A0A8659F005D6984697E2CA0A9CF3B7"));
    let again = Document::parse(&built.to_xml()).unwrap();
    assert_eq!(again, built);
    assert!(again.verify(KEY));
    // HMAC-SHA256, inferred from the signature's length.
    built.sign(KEY, SignType::HmacSha256);
    assert_eq!(
        built.get("sign"),
        Some("6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6")
    );
    assert!(Document::parse(&built.to_xml()).unwrap().verify(KEY));
}

// wechatpay-apiv3/wechatpay-php tests/fixtures/paysuccess.notification.sample.xml.
const PAY_SUCCESS: &str = "<xml>\n  <appid><![CDATA[wx2421b1c4370ec43b]]></appid>\n  <attach><![CDATA[支付测试]]></attach>\n  \
<bank_type><![CDATA[CFT]]></bank_type>\n  <fee_type><![CDATA[CNY]]></fee_type>\n  <is_subscribe><![CDATA[Y]]></is_subscribe>\n  \
<mch_id><![CDATA[10000100]]></mch_id>\n  <nonce_str><![CDATA[5d2b6c2a8db53831f7eda20af46e531c]]></nonce_str>\n  \
<openid><![CDATA[oUpF8uMEb4qRXf22hE3X68TekukE]]></openid>\n  <out_trade_no><![CDATA[1409811653]]></out_trade_no>\n  \
<result_code><![CDATA[SUCCESS]]></result_code>\n  <return_code><![CDATA[SUCCESS]]></return_code>\n  \
<sign><![CDATA[B552ED6B279343CB493C5DD0D78AB241]]></sign>\n  <time_end><![CDATA[20140903131540]]></time_end>\n  \
<total_fee>1</total_fee>\n  <coupon_fee><![CDATA[10]]></coupon_fee>\n  <coupon_count><![CDATA[1]]></coupon_count>\n  \
<coupon_type><![CDATA[CASH]]></coupon_type>\n  <coupon_id><![CDATA[10000]]></coupon_id>\n  <trade_type><![CDATA[JSAPI]]></trade_type>\n  \
<transaction_id><![CDATA[1004400740201409030005092168]]></transaction_id>\n</xml>\n";

#[test]
fn pay_success_notification() {
    let doc = Document::parse(PAY_SUCCESS).unwrap();
    assert_eq!(doc.params().count(), 20);
    assert_eq!(doc.get("attach"), Some("支付测试"));
    assert_eq!(doc.get("total_fee"), Some("1"));
    assert!(doc.is_success());
    // Its string to sign has the CDATA removed (binarywang/WxJava#1128).
    let mut buf = [0u8; 1024];
    let s = v2::string_to_sign(&doc.pairs(), "k", &mut buf).unwrap();
    assert!(s.starts_with("appid=wx2421b1c4370ec43b&attach=支付测试&bank_type=CFT".as_bytes()));
    assert!(!s.windows(5).any(|w| w == b"CDATA"));
    let ack = Document::parse(ACK_SUCCESS).unwrap();
    assert!(ack.is_success());
    assert_eq!(ack.get("return_msg"), Some("OK"));
}

#[test]
fn entities_cdata_and_round_trip() {
    let doc = Document::parse(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><xml><!-- c --><a>x &amp; y &lt;&#20013;&#x6587;&gt;</a>\
<b><![CDATA[<not>&amp;]]></b><c/><d></d></xml>",
    )
    .unwrap();
    assert_eq!(doc.get("a"), Some("x & y <中文>"));
    assert_eq!(doc.get("b"), Some("<not>&amp;"));
    assert_eq!(doc.get("c"), Some(""));
    assert_eq!(doc.get("d"), Some(""));
    let tricky = Document::from_params([("v", "a]]>b<c>&"), ("w", "")]);
    let xml = tricky.to_xml();
    assert_eq!(Document::parse(&xml).unwrap(), tricky, "{xml}");
    // Found by fuzzing: a carriage return survives the round trip; raw control characters
    // (not XML 1.0 characters) are refused.
    let cr = Document::from_params([("a", "x\ry\r\nz"), ("b", "<&>")]);
    assert_eq!(Document::parse(&cr.to_xml()).unwrap(), cr);
    assert!(Document::parse("<xml><a>\u{3}</a></xml>").is_err());
    assert!(Document::parse("<xml><a><![CDATA[\u{0}]]></a></xml>").is_err());
    // The refund notification's decrypted req_info uses <root>.
    assert!(Document::parse("<root><refund_fee>6</refund_fee></root>").is_ok());
}

#[test]
fn refused_documents() {
    let kind = |text: &str| Document::parse(text).unwrap_err().kind();
    // wechatpay-php tests/fixtures/invalid.xxe_injection.sample.xml: a DTD with an external entity.
    let xxe = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM \
\"http://tst.qq.com/xxe_inject/463103c2ee4067e1c4f5318440dc245d\">]>\n<foo><value>&xxe;</value></foo>\n";
    let e = Document::parse(xxe).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::Xml, 39));
    // wechatpay-php tests/fixtures/invalid.bad_entity.sample.xml: mismatched tags (and nested).
    let bad = "<?xml version=\"1.0\" standalone=\"yes\"?>\n<movies>\n <movie>\n  <titles>PHP: Behind the Parser</title>\n </movie>\n</movies>\n";
    assert!(matches!(kind(bad), ErrorKind::Xml));
    // wechatpay-php tests/fixtures/fragment_injection.sample.xml: nested elements, duplicates.
    assert!(matches!(
        kind("<batchjob><payment><account>1</account></payment></batchjob>"),
        ErrorKind::Xml
    ));
    assert!(matches!(
        kind("<xml><a>1</a><a>2</a></xml>"),
        ErrorKind::Xml
    ));
    // An undeclared entity, text outside parameters, two roots, truncation, empty input.
    assert!(matches!(kind("<xml><a>&xxe;</a></xml>"), ErrorKind::Xml));
    assert!(matches!(kind("<xml>text<a>1</a></xml>"), ErrorKind::Xml));
    assert!(matches!(kind("<xml></xml><xml></xml>"), ErrorKind::Xml));
    assert!(matches!(kind("<xml><a>1</a>"), ErrorKind::Xml));
    assert!(matches!(kind(""), ErrorKind::Xml));
    assert!(matches!(
        kind("<?php echo 1; ?><xml></xml>"),
        ErrorKind::Xml
    ));
    let huge = format!("<xml><a>{}</a></xml>", "x".repeat(MAX_DOCUMENT_BYTES));
    assert!(matches!(kind(&huge), ErrorKind::Xml));
}

#[test]
fn micropay_checks() {
    // WeChat Pay POS guide, auth_code: 18 digits, prefix 10–15
    // (https://pay.weixin.qq.com/wiki/doc/api/wxpay/en/guide/pos/ImportantParameters.shtml).
    assert!(v2::is_auth_code("134567890123456789"));
    assert!(v2::is_auth_code("100000000000000000"));
    assert!(v2::is_auth_code("159999999999999999"));
    assert!(!v2::is_auth_code("164567890123456789"));
    assert!(!v2::is_auth_code("094567890123456789"));
    assert!(!v2::is_auth_code("13456789012345678"));
    assert!(!v2::is_auth_code("1345678901234567890"));
    assert!(!v2::is_auth_code("13456789012345678a"));
    assert!(!v2::is_auth_code("２３４５６７８９０１２３４５６７８９"));
    assert!(v2::is_code_url("weixin://wxpay/bizpayurl?pr=p4lpSuKzz"));
    assert!(!v2::is_code_url("weixin://wxpay/bizpayurl"));
    assert!(!v2::is_code_url("https://wxpay/bizpayurl?pr=x"));
}
