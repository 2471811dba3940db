//! UnionPay products of the applications in a consumer-presented QR payload (built and read
//! with `emvqr`, AIDs as POS kernels configure them; see `aid`).
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_emv_tlv::Tag;
use paywire_unionpay::aid::{self, Product};

#[test]
fn cpm_applications_by_unionpay_product() {
    let mut work = [0u8; 128];
    let mut out = [0u8; 192];
    let text = paywire_emvqr::cpm::build(&mut work, &mut out, |b| {
        for aid in [
            &[0xA0, 0, 0, 0x03, 0x33, 0x01, 0x01, 0x02][..],
            &[0xA0, 0, 0, 0x03, 0x33, 0x01, 0x01, 0x01][..],
            &[0xA0, 0, 0, 0, 0x03, 0x10, 0x10][..],
        ] {
            b.constructed(Tag::APPLICATION_TEMPLATE, |app| {
                app.primitive(Tag::APPLICATION_IDENTIFIER, aid)?;
                app.primitive(
                    Tag::TRACK2_EQUIVALENT_DATA,
                    &[
                        0x62, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x5D, 0x28, 0x12,
                    ],
                )?;
                Ok(())
            })?;
        }
        Ok(())
    })
    .unwrap()
    .to_string();
    let mut buf = [0u8; 192];
    let cpm = paywire_emvqr::cpm::CpmRef::parse(&text, &mut buf).unwrap();
    let products: Vec<Option<Product>> = cpm
        .applications()
        .map(|app| {
            let aid_value = app.find(Tag::APPLICATION_IDENTIFIER).unwrap();
            aid::product(aid_value.value())
        })
        .collect();
    assert_eq!(
        products,
        [Some(Product::Credit), Some(Product::Debit), None]
    );
}
