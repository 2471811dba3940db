//! TPDU and header of published sign-ins; the sign-in key layout.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use paywire_unionpay::framing::{Tpdu, parse_header};
use paywire_unionpay::key::check_value;
use paywire_unionpay::signin::work_keys;
use paywire_unionpay::{Cipher, ErrorKind, Key};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

#[test]
fn published_headers() {
    // rufus123456/Java8583Sample IsoTest.java (0810): TPDU 6000000004, header 603100310000.
    let (tpdu, header) = parse_header(&h("6000000004603100310000")).unwrap();
    assert_eq!(
        (tpdu.id, tpdu.destination, tpdu.source),
        (0x60, [0, 0], [0, 4])
    );
    assert_eq!(tpdu.reply().to_bytes(), [0x60, 0, 4, 0, 0]);
    assert_eq!(
        (
            header.application,
            header.version,
            header.terminal_status,
            header.processing
        ),
        (0x60, 0x31, 0, 0)
    );
    assert_eq!(header.to_bytes().to_vec(), h("603100310000"));
    // [AFC] sample header 613200324605: application 61, version 32, status byte 00.
    let (_, header) = parse_header(&h("6000050000613200324605")).unwrap();
    assert_eq!(
        (
            header.application,
            header.version,
            header.terminal_status,
            header.processing
        ),
        (0x61, 0x32, 0, 0)
    );
    assert_eq!(header.reserved, [0x32, 0x46, 0x05]);
    assert_eq!(
        Tpdu::parse(&[0x60, 0, 0]).unwrap_err().kind(),
        ErrorKind::BadFrame
    );
}

/// Field 62 for `keys` under `tmk`, laid out as the host sends it (alon0808/ProjectAfcApp
/// `QPBOC_DataDeal`: each key, then its 4-byte check value).
fn field62(tmk: &Key, keys: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for clear in keys {
        let key = Key::des_or_tdes(clear).unwrap();
        let mut enc = clear.to_vec();
        for block in enc.chunks_mut(8) {
            tmk.encrypt_block(block);
        }
        out.extend(enc);
        out.extend(&check_value(&key)[..4]);
    }
    out
}

#[test]
fn sign_in_keys_double_length() {
    let tmk = Key::des_or_tdes(&h("70F2A84CCBC2AE8625CBB0F2C22AB923")).unwrap();
    let pik = h("0123456789ABCDEFFEDCBA9876543210");
    let mak = h("1111111111111111");
    let mut f62 = field62(&tmk, &[&pik]);
    // MAK as single-length inside the 16-byte slot: encrypted left half, zero right half.
    let mut enc = mak.clone();
    tmk.encrypt_block(&mut enc);
    f62.extend(&enc);
    f62.extend([0u8; 8]);
    f62.extend(&check_value(&Key::des_or_tdes(&mak).unwrap())[..4]);
    let keys = work_keys(&tmk, &f62, b"003").unwrap();
    assert_eq!(
        (keys.pik.cipher(), keys.pik.expose()),
        (Cipher::Tdes, &pik[..])
    );
    assert_eq!(
        (keys.mak.cipher(), keys.mak.expose()),
        (Cipher::Des, &mak[..])
    );
    // A wrong check value, a short field, an unknown code.
    let mut bad = f62.clone();
    bad[19] ^= 1;
    assert_eq!(
        work_keys(&tmk, &bad, b"003").unwrap_err().kind(),
        ErrorKind::CheckValueMismatch
    );
    assert_eq!(
        work_keys(&tmk, &f62[..39], b"003").unwrap_err().kind(),
        ErrorKind::BadField62
    );
    assert_eq!(
        work_keys(&tmk, &f62, b"009").unwrap_err().kind(),
        ErrorKind::BadField62
    );
    assert!(!format!("{keys:?}").contains("0123"));
}
