//! A build without SM4 (`cargo test -p paywire-unionpay --no-default-features --features std
//! --test lean`, a CI step): an SM4 key is refused, never made, so nothing is encrypted without
//! its cipher; DES and 3DES keys work as ever.
#![cfg(not(feature = "sm4"))]
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_unionpay::key::unwrap_key;
use paywire_unionpay::{Cipher, Error, ErrorKind, Key, mac};

#[test]
fn sm4_keys_are_refused() {
    for made in [Key::sm4(&[0x11; 16]), Key::new(Cipher::Sm4, &[0x11; 16])] {
        // The key is paywire-cardsec's; its error converts to this crate's kind.
        assert_eq!(
            Error::from(made.unwrap_err()).kind(),
            ErrorKind::Unsupported
        );
    }
    let tmk = Key::des_or_tdes(&[0x22; 16]).unwrap();
    let e = unwrap_key(&tmk, &[0x33; 16], Cipher::Sm4).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
}

// The published working key and MAC (https://blog.youkuaiyun.com/zhu244912654/article/details/80005341):
// the MAK unwrapped under the 3DES TMK, then the UnionPay ECB MAC of the 0200's MAC block.
#[test]
fn des_keys_still_work() {
    let h = |s: &str| hex::decode(s).unwrap();
    let tmk = Key::des_or_tdes(&h("70F2A84CCBC2AE8625CBB0F2C22AB923")).unwrap();
    let tak = unwrap_key(&tmk, &h("96D605EA176B7E9E"), Cipher::Des).unwrap();
    assert_eq!(hex::encode_upper(tak.expose()), "C24A8FB57AA20123");
    let mab = h(include_str!("vectors/cups-0200-mab.hex").trim());
    assert_eq!(&mac::field64(&mac::cups_ecb(&tak, &mab)), b"8A9E91B8");
}
