//! EMV cryptograms against pyemv's published test values (github.com/knovichikhin/pyemv,
//! tests/test_cvn_hsm.py and the docstrings of pyemv/kd.py): Visa CVN 10 and 18 and Interac CVN
//! 133 (whose session key is Mastercard's), each key checked by its check digits (the first 2
//! bytes of its zero-block encryption), as pyemv gives them.
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_cardsec::emv::{self, MasterKeyOption, Scheme};
use paywire_cardsec::{Key, kcv};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn check_digits(key: &Key) -> String {
    hex::encode_upper(&kcv::check_value(key, kcv::Method::EncryptZeros)[..2])
}

const IMK: &str = "0123456789ABCDEFFEDCBA9876543210";

/// The CDOL data of pyemv's Visa tests: 9F02 9F03 9F1A 95 5F2A 9A 9C 9F37 82 9F36, then `tail`.
fn visa_data(tail: &str) -> Vec<u8> {
    let fields = [
        "000000004000",
        "000000000000",
        "0124",
        "8000048000",
        "0124",
        "191105",
        "01",
        "52BF4585",
        "1800",
        "001C",
        tail,
    ];
    h(&fields.concat())
}

#[test]
fn master_keys_and_session_keys() {
    let imk = Key::des_or_tdes(&h(IMK)).unwrap();
    // kd.derive_icc_mk_a / derive_icc_mk_b docstrings.
    let a = emv::icc_master_key(&imk, b"12345678901234567", b"01", MasterKeyOption::A).unwrap();
    assert_eq!(a.expose(), h("73AD54688CEF2934B0979857E3C719F1"));
    let b = emv::icc_master_key(&imk, b"12345678901234567", b"01", MasterKeyOption::B).unwrap();
    assert_eq!(b.expose(), h("AD406D7F6D7570916D75E5DCAB8CF737"));
    // pyemv's kd module docstring: PAN 99012345678901234, PSN 45.
    let a = emv::icc_master_key(&imk, b"99012345678901234", b"45", MasterKeyOption::A).unwrap();
    assert_eq!(a.expose(), h("67F8292358083E5EA7AB7FDA58D53B6B"));
    // Option B is option A for a PAN of 16 digits or fewer.
    let a16 = emv::icc_master_key(&imk, b"1234567890123456", b"00", MasterKeyOption::A).unwrap();
    let b16 = emv::icc_master_key(&imk, b"1234567890123456", b"00", MasterKeyOption::B).unwrap();
    assert_eq!(a16.expose(), b16.expose());
    assert_eq!(check_digits(&Key::from_bytes(&a16)), "BAB0");
    // kd.derive_common_sk docstring: MK 0123…3210, R = 001C000000000000.
    let sk = emv::common_session_key(&imk, [0x00, 0x1C]).unwrap();
    assert_eq!(sk.expose(), h("E9FB384AF807B940FEDCEA613461B0C4"));
    assert_eq!(MasterKeyOption::for_pan(19), MasterKeyOption::B);
    // A single-length key, a bad PSN, a short PAN: refused.
    let single = Key::des_or_tdes(&h("0123456789ABCDEF")).unwrap();
    assert!(emv::icc_master_key(&single, b"1234567890123456", b"00", MasterKeyOption::A).is_err());
    assert!(emv::icc_master_key(&imk, b"1234567890123456", b"0", MasterKeyOption::A).is_err());
    assert!(emv::icc_master_key(&imk, b"12345678901", b"00", MasterKeyOption::A).is_err());
}

#[test]
fn visa_cvn10() {
    let imk = Key::des_or_tdes(&h(IMK)).unwrap();
    let mk = Key::from_bytes(
        &emv::icc_master_key(&imk, b"1234567890123456", b"00", MasterKeyOption::A).unwrap(),
    );
    let key = emv::cryptogram_key(Scheme::VisaCvn10, &mk, [0x00, 0x1C], None).unwrap();
    assert_eq!(check_digits(&key), "BAB0");
    let data = visa_data("03A06010");
    let arqc = emv::cryptogram(Scheme::VisaCvn10, &key, &data).unwrap();
    assert_eq!(arqc.to_vec(), h("29CCA15AE665FA2E"));
    emv::verify_cryptogram(Scheme::VisaCvn10, &key, &data, &arqc).unwrap();
    assert!(emv::verify_cryptogram(Scheme::VisaCvn10, &key, &data[1..], &arqc).is_err());
    let arpc = emv::arpc_method1(&key, &arqc, [0x30, 0x30]).unwrap();
    assert_eq!(arpc.to_vec(), h("28993816AFAE4AEB"));
}

#[test]
fn visa_cvn18() {
    let imk = Key::des_or_tdes(&h(IMK)).unwrap();
    let mk = Key::from_bytes(
        &emv::icc_master_key(&imk, b"1234567890123456", b"00", MasterKeyOption::B).unwrap(),
    );
    let key = emv::cryptogram_key(Scheme::VisaCvn18, &mk, [0x00, 0x1C], None).unwrap();
    assert_eq!(check_digits(&key), "22C8");
    let data = visa_data("06011203A0B800");
    let arqc = emv::cryptogram(Scheme::VisaCvn18, &key, &data).unwrap();
    assert_eq!(arqc.to_vec(), h("7A788EA6B8A3E733"));
    let arpc = emv::arpc_method2(&key, &arqc, [0, 0, 0, 0], &[]).unwrap();
    assert_eq!(arpc.to_vec(), h("9AF514C1"));
    assert!(emv::arpc_method2(&key, &arqc, [0, 0, 0, 0], &[0; 9]).is_err());
}

#[test]
fn mastercard_session_key_as_interac_cvn133() {
    // Interac CVN 133 takes Mastercard's AC session key (ATC, UN) with padding method 2 and
    // ARPC method 1: the same as Mastercard CVN 16 / 17 here.
    let imk = Key::des_or_tdes(&h(IMK)).unwrap();
    let mk = Key::from_bytes(
        &emv::icc_master_key(&imk, b"1234567890123456", b"00", MasterKeyOption::A).unwrap(),
    );
    let un = [0xAB, 0xCD, 0xEF, 0x12];
    assert!(Scheme::McCvn16.needs_unpredictable_number());
    assert!(emv::cryptogram_key(Scheme::McCvn16, &mk, [0x00, 0x1C], None).is_err());
    let key = emv::cryptogram_key(Scheme::McCvn16, &mk, [0x00, 0x1C], Some(un)).unwrap();
    assert_eq!(check_digits(&key), "2FD5");
    let data = h(&[
        "000000009999",
        "000000000000",
        "0124",
        "8000000000",
        "0124",
        "209906",
        "00",
        "ABCDEF12",
        "1800",
        "001C",
        "1501850440B100000000B00000000000000000000000",
    ]
    .concat());
    let arqc = emv::cryptogram(Scheme::McCvn16, &key, &data).unwrap();
    assert_eq!(arqc.to_vec(), h("18932FECA2D84326"));
    let arpc = emv::arpc_method1(&key, &arqc, [0, 0]).unwrap();
    assert_eq!(arpc.to_vec(), h("4DF171A49396C363"));
}
