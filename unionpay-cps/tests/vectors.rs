//! Published vectors for the UnionPay terminal security functions (each test names its source).
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_unionpay::key::{check_value, unwrap_key, verify_check_value};
use paywire_unionpay::{Cipher, Key, mac, pin};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

// ANSI X9.19 retail MAC of "Now is the time for all " (https://docs.rs/retail-mac).
#[test]
fn x9_19_now_is_the_time() {
    let key = Key::des_or_tdes(&h("0123456789ABCDEFFEDCBA9876543210")).unwrap();
    let out = mac::x9_19(&key, b"Now is the time for all ").unwrap();
    assert_eq!(hex::encode_upper(out), "A1C72E74EA3FA9B6");
    assert!(mac::x9_19(&Key::des_or_tdes(&h("0123456789ABCDEF")).unwrap(), b"x").is_err());
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
    assert!(mac::verify(&out[..8], &h("8A9E91B88D839AC5")).is_ok());
    assert!(mac::verify(&out[..8], &h("8A9E91B88D839AC4")).is_err());
}

// ISO 9564 format 0: PIN 123456, PAN 4217123412341234 -> 06124575BEDCBEDC
// (https://docs.everonet.com/en-us/gateway/developer-portal/security-requirements/pin-encryption).
#[test]
fn iso_format0() {
    let block = pin::format0(b"123456", b"4217123412341234").unwrap();
    assert_eq!(hex::encode_upper(block.as_bytes()), "06124575BEDCBEDC");
    assert!(!format!("{block:?}").contains("0612"));
    // Encrypted under a 3DES key and back.
    let tpk = Key::des_or_tdes(&h("0123456789ABCDEFFEDCBA9876543210")).unwrap();
    let enc = pin::encrypt(b"123456", b"4217123412341234", &tpk).unwrap();
    let mut out = [0u8; 12];
    assert_eq!(
        pin::decrypt(enc.as_bytes(), b"4217123412341234", &tpk, &mut out).unwrap(),
        b"123456"
    );
    assert!(pin::format0(b"12", b"4217123412341234").is_err());
    assert!(pin::format0(b"1234", b"421712341234").is_err());
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

// ID TECH "PIN block" knowledge-base example (ISO-0): PAN 43219876543210987, PIN 1234.
#[test]
fn iso_format0_idtech() {
    let block = pin::format0(b"1234", b"43219876543210987").unwrap();
    assert_eq!(hex::encode_upper(block.as_bytes()), "0412AC89ABCDEF67");
}

// IBM "ISO Format 3" (https://www.ibm.com/docs/en/linux-on-systems?topic=formats-iso-format-3):
// PIN 123456, account number 111222333444555 (given without its check digit, so a check-digit
// position is appended here), fill AFBECDDC → IPB 36123456AFBECDDC → block 361216759CFA8889.
#[test]
fn iso_format3_ibm() {
    let fill = [0xA, 0xF, 0xB, 0xE, 0xC, 0xD, 0xD, 0xC];
    let block = pin::format3(b"123456", b"1112223334445550", &fill).unwrap();
    assert_eq!(hex::encode_upper(block.as_bytes()), "361216759CFA8889");
    // Any random bytes become fill nibbles A–F.
    let other = pin::format3(b"123456", b"1112223334445550", &[0, 1, 2, 3, 4, 5, 6, 7]).unwrap();
    assert_ne!(other.as_bytes(), block.as_bytes());
    let tpk = Key::des_or_tdes(&hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap()).unwrap();
    let enc = pin::encrypt_block(&other, &tpk).unwrap();
    let mut out = [0u8; 12];
    assert_eq!(
        pin::decrypt(enc.as_bytes(), b"1112223334445550", &tpk, &mut out).unwrap(),
        b"123456"
    );
    assert!(pin::format3(b"123456", b"1112223334445550", &[0xA; 7]).is_err());
}

// ISO 9564-1 format 1 (no PAN): 1, length, PIN, transaction-field nibbles; round trip.
#[test]
fn iso_format1() {
    let fill = [0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xA];
    let block = pin::format1(b"1234", &fill).unwrap();
    assert_eq!(hex::encode_upper(block.as_bytes()), "141234123456789A");
    let tpk = Key::des_or_tdes(&hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap()).unwrap();
    let enc = pin::encrypt_block(&block, &tpk).unwrap();
    let mut out = [0u8; 12];
    assert_eq!(
        pin::decrypt(enc.as_bytes(), b"", &tpk, &mut out).unwrap(),
        b"1234"
    );
    assert!(pin::format1(b"1234", &[0; 9]).is_err());
}
