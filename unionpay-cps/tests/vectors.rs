//! Published vectors for the UnionPay terminal security functions (each test names its source).
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_unionpay::key::{check_value, unwrap_key, verify_check_value};
use paywire_unionpay::{Cipher, Key, mac, pin};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

// UnionPay ECB MAC with a working key unwrapped under the TMK
// (https://blog.youkuaiyun.com/zhu244912654/article/details/80005341).
#[test]
fn cups_ecb_mac_with_unwrapped_key() {
    let tmk = Key::des_or_tdes(&h("70F2A84CCBC2AE8625CBB0F2C22AB923")).unwrap();
    let tak = unwrap_key(&tmk, &h("96D605EA176B7E9E"), Cipher::Des).unwrap();
    assert_eq!(hex::encode_upper(tak.expose()), "C24A8FB57AA20123");
    let mab = h(concat!(
        "0200302004C020C0981100000000000000005100183402100006324392260009942820D131210112008439",
        "3136363838303134303030303030303030303030303031313536ACF46E73838A82F92600000000000000000822000001"
    ));
    let out = mac::cups_ecb(&tak, &mab);
    assert_eq!(hex::encode_upper(&out[..8]), "8A9E91B88D839AC5");
    assert_eq!(&mac::field64(&out), b"8A9E91B8");
    assert!(paywire_cardsec::mac::verify(&out[..8], &h("8A9E91B88D839AC5")).is_ok());
    assert!(paywire_cardsec::mac::verify(&out[..8], &h("8A9E91B88D839AC4")).is_err());
}

// ISO 9564 format 0: PIN 123456, PAN 4217123412341234 -> 06124575BEDCBEDC
// (https://docs.everonet.com/en-us/gateway/developer-portal/security-requirements/pin-encryption).
#[test]
fn iso_format0() {
    // Encrypted under a 3DES key and back (the clear block's vector is in paywire-cardsec).
    let tpk = Key::des_or_tdes(&h("0123456789ABCDEFFEDCBA9876543210")).unwrap();
    let enc = pin::encrypt(b"123456", b"4217123412341234", &tpk).unwrap();
    let mut out = [0u8; 12];
    assert_eq!(
        pin::decrypt(enc.as_bytes(), b"4217123412341234", &tpk, &mut out).unwrap(),
        b"123456"
    );
    assert!(pin::encrypt(b"12", b"4217123412341234", &tpk).is_err());
    assert!(pin::encrypt(b"1234", b"421712341234", &tpk).is_err());
}

// The SM4 variant: 16 bytes, format 0 laid out over 32 nibbles (no published vector: the
// layout is checked against the clear block by hand, and the round trip).
#[cfg(feature = "sm4")]
#[test]
fn sm4_variant() {
    let key = Key::sm4(&h("0123456789ABCDEFFEDCBA9876543210")).unwrap();
    let enc = pin::encrypt(b"123456", b"4217123412341234", &key).unwrap();
    let mut clear = enc.as_bytes().to_vec();
    key.decrypt_block(&mut clear);
    // 0 6 123456 F… then FFFF FFFF FFFF FFFF XOR 0000 712341234123.
    assert_eq!(
        hex::encode_upper(&clear),
        "06123456FFFFFFFFFFFF8EDCBEDCBEDC"
    );
    let mut out = [0u8; 12];
    assert_eq!(
        pin::decrypt(enc.as_bytes(), b"4217123412341234", &key, &mut out).unwrap(),
        b"123456"
    );
    assert!(pin::decrypt(enc.as_bytes(), b"4217123412341235", &key, &mut out).is_ok());
    assert!(pin::decrypt(enc.as_bytes(), b"4217123412341244", &key, &mut out).is_err());
}

// SM4 working key under an SM4 TMK and its check value (https://blog.csdn.net/M_Kerry/article/details/104625499).
#[test]
fn sm4_key_and_check_value() {
    let tmk = Key::sm4(&h("1234567890ABCDEFABCDEF0987654321")).unwrap();
    let wk = unwrap_key(&tmk, &h("3D66234C49E4296FF9C78D8BACBD6A76"), Cipher::Sm4).unwrap();
    assert_eq!(
        hex::encode_upper(wk.expose()),
        "F351D490994603795C6EBEE8FAEBB481"
    );
    assert_eq!(
        hex::encode_upper(&check_value(&wk)[..8]),
        "861E83E31FAEBF10"
    );
    assert!(verify_check_value(&wk, &h("861E83E31FAEBF10")).is_ok());
    assert!(verify_check_value(&wk, &h("861E83E31FAEBF11")).is_err());
    assert_eq!(format!("{wk:?}"), "Key(Sm4, <redacted>)");
}

// GB/T 32907-2016 (SM4) appendix A.1: key = plaintext = 0123456789ABCDEFFEDCBA9876543210.
#[test]
fn sm4_standard_vector() {
    let key = Key::sm4(&h("0123456789ABCDEFFEDCBA9876543210")).unwrap();
    let mut block = h("0123456789ABCDEFFEDCBA9876543210");
    key.encrypt_block(&mut block);
    assert_eq!(
        hex::encode_upper(&block),
        "681EDF34D206965E86B3E94F536E4246"
    );
}
