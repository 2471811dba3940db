//! CVV / PVV / IBM 3624 against published values, each with its source.
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_cardsec::{ErrorKind, Key, cvv, pvv};

fn key(hex: &str) -> Key {
    Key::des_or_tdes(&hex::decode(hex).unwrap()).unwrap()
}

const KEY: &str = "0123456789ABCDEFFEDCBA9876543210";

#[test]
fn cvv_values() {
    // The classic published CVV example (CVK-A 0123456789ABCDEF, CVK-B FEDCBA9876543210).
    assert_eq!(
        cvv::cvv(&key(KEY), b"4123456789012345", b"8701", b"101")
            .unwrap()
            .expose(),
        b"561"
    );
    // psec (github.com/knovichikhin/psec): `generate_cvv`'s docstring and tests/test_cvv.py.
    assert_eq!(
        cvv::cvv(&key(KEY), b"1234567890123456", b"9912", b"220")
            .unwrap()
            .expose(),
        b"170"
    );
    let cvk = key("99999999999999998888888888888888");
    let value = cvv::cvv(&cvk, b"2222222222222222", b"3333", b"111").unwrap();
    assert_eq!(value.expose(), b"361");
    value.verify(b"361").unwrap();
    assert!(value.verify(b"362").is_err());
    // psec's refusals: a single- or triple-length CVK, a long or non-digit PAN, a bad expiry
    // or service code.
    assert!(
        cvv::cvv(
            &key("AAAAAAAAAAAAAAAA"),
            b"5555555551234567",
            b"2012",
            b"220"
        )
        .is_err()
    );
    assert!(
        cvv::cvv(
            &key("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCC"),
            b"5555555551234567",
            b"2012",
            b"220"
        )
        .is_err()
    );
    let e = cvv::cvv(&key(KEY), b"55555555512345671234", b"2012", b"220").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadPan);
    for (expiry, sc) in [
        (&b"201"[..], &b"220"[..]),
        (b"201A", b"220"),
        (b"2012", b"22"),
        (b"2012", b"22A"),
    ] {
        let e = cvv::cvv(&key(KEY), b"5555555551234567", expiry, sc).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadData);
    }
}

#[test]
fn visa_pvv_values() {
    // psec tests/test_pin.py, PVK 0123…3210.
    for (pvki, pin, pan, expected) in [
        (1, "4524", "1122334455667788", "8523"),
        (2, "1912", "1122334455667788", "3244"),
        (1, "0570", "1122334455667718", "3144"),
        (1, "8299", "1122334455667708", "4422"),
    ] {
        let got = pvv::visa_pvv(&key(KEY), pan.as_bytes(), pvki, pin.as_bytes()).unwrap();
        assert_eq!(got.expose(), expected.as_bytes(), "{pin} {pan}");
        pvv::verify_visa_pvv(
            &key(KEY),
            pan.as_bytes(),
            pvki,
            pin.as_bytes(),
            expected.as_bytes(),
        )
        .unwrap();
    }
    assert!(pvv::verify_visa_pvv(&key(KEY), b"1122334455667788", 1, b"4524", b"8524").is_err());
    assert_eq!(
        pvv::visa_pvv(&key(KEY), b"11223344556", 1, b"0000")
            .unwrap_err()
            .kind(),
        ErrorKind::BadPan
    );
    assert_eq!(
        pvv::visa_pvv(&key(KEY), b"1122334455667788", 10, b"0000")
            .unwrap_err()
            .kind(),
        ErrorKind::BadData
    );
    assert_eq!(
        pvv::visa_pvv(&key(KEY), b"1122334455667788", 1, b"000")
            .unwrap_err()
            .kind(),
        ErrorKind::BadPin
    );
}

#[test]
fn ibm3624_values() {
    // psec tests/test_pin.py: table 1234567890123456, PVK 0123…3210; the validation data is
    // the PAN 1122334455667788 from an offset for a length, right-padded with a pad character.
    let table = b"1234567890123456";
    for (pin, data, offset) in [
        ("4524", "1122334455667788", "0000"),
        ("5635", "1122334455667788", "1111"),
        ("0000", "1122334455667788", "6586"),
        ("1111", "1122334455667788", "7697"),
        ("1234", "1122334455667788", "7710"),
        ("5518", "11223344556677FF", "0000"),
        (
            "3675",
            "12233445566778", /* from offset 1, pad 1 */
            "0000",
        ),
        ("5550", "22334455667788", "0000"),
    ] {
        let data = match data.len() {
            16 => data.to_string(),
            _ => format!("{data}11"),
        };
        let got = pvv::ibm3624_offset(&key(KEY), data.as_bytes(), table, pin.as_bytes()).unwrap();
        assert_eq!(got.expose(), offset.as_bytes(), "{pin} {data}");
        let back = pvv::ibm3624_pin(&key(KEY), data.as_bytes(), table, offset.as_bytes()).unwrap();
        assert_eq!(back.expose(), pin.as_bytes());
        pvv::verify_ibm3624(
            &key(KEY),
            data.as_bytes(),
            table,
            pin.as_bytes(),
            offset.as_bytes(),
        )
        .unwrap();
    }
    let e = pvv::ibm3624_offset(&key(KEY), b"112233445566778", table, b"1234").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadData);
    let e = pvv::ibm3624_offset(&key(KEY), b"1122334455667788", b"123456789012345A", b"1234")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadData);
}
