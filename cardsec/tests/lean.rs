//! Without the `aes` and `sm4` features (a DES/TDES firmware's build): AES and SM4 keys are
//! refused, never made into a key that encrypts wrongly; DES and TDES still check their
//! published values. CI runs this file with `--no-default-features --features std`.
#![cfg(not(any(feature = "aes", feature = "sm4")))]
#![allow(clippy::unwrap_used, reason = "tests")]

use paywire_cardsec::{Cipher, ErrorKind, Key, KeyBytes, kcv, mac};

#[test]
fn aes_and_sm4_keys_are_refused() {
    for (cipher, len) in [(Cipher::Aes, 16), (Cipher::Aes, 32), (Cipher::Sm4, 16)] {
        assert!(!cipher.supported());
        let e = Key::new(cipher, &vec![0x11; len]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        let e = KeyBytes::new(cipher, &vec![0x11; len]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported);
    }
}

#[test]
fn tdes_still_checks_published_values() {
    // The retail MAC of "Now is the time for all " (docs.rs/retail-mac); the KCV 08D7B4 of
    // the TDES key 0123…3210.
    let key = Key::des_or_tdes(&hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap()).unwrap();
    let out = mac::x9_19(&key, b"Now is the time for all ").unwrap();
    assert_eq!(hex::encode_upper(out), "A1C72E74EA3FA9B6");
    kcv::verify(&key, kcv::Method::EncryptZeros, &[0x08, 0xD7, 0xB4]).unwrap();
}
