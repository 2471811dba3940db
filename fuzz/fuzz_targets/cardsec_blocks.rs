//! cardsec: PIN blocks and DUKPT key serial numbers from arbitrary bytes. The first byte picks
//! a PAN length and a block size, the rest is PAN digits, a block and a KSN. Nothing panics; whatever decodes is
//! a 4–12 digit PIN, a block deciphered and enciphered again gives back the block, and a KSN the
//! host accepts is one a terminal can send.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paywire_cardsec::dukpt::aes::{self as dukpt_aes, AesKsn};
use paywire_cardsec::dukpt::tdes::{self, Ksn};
use paywire_cardsec::{Key, pin};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let pan_len = usize::from((first & 0x7F) % 21).min(rest.len());
    let (pan, rest) = rest.split_at(pan_len);
    let block_len = if first & 0x80 != 0 { 16 } else { 8 };
    let (block, ksn) = rest.split_at(block_len.min(rest.len()));
    let mut out = [0u8; 12];

    // Clear blocks of any format, with and without a PAN.
    for pan in [Some(pan), None] {
        if let Ok(p) = pin::decode(block, pan, &mut out) {
            assert!((4..=12).contains(&p.len()) && p.iter().all(u8::is_ascii_digit));
        }
    }
    // Enciphered blocks: TDES formats 0–3, AES format 4.
    let tdes_key = Key::des_or_tdes(&[0x11; 16]).expect("a 16-byte key");
    if let Ok(p) = pin::decrypt(block, Some(pan), &tdes_key, &mut out) {
        assert!((4..=12).contains(&p.len()));
    }
    let aes_key = Key::aes(&[0x22; 16]).expect("a 16-byte key");
    if let Ok(p) = pin::decipher_format4(&aes_key, block, pan, &mut out) {
        let p = p.to_vec();
        assert!((4..=12).contains(&p.len()));
        // The block's random half is what it is: encipher with it and get the block back.
        let mut clear = block.to_vec();
        aes_key.decrypt_block(&mut clear);
        let field = pin::format4_pan_field(pan).expect("the PAN deciphered");
        for (c, f) in clear.iter_mut().zip(field) {
            *c ^= f;
        }
        aes_key.decrypt_block(&mut clear);
        let again = pin::encipher_format4(&aes_key, &p, pan, &clear[8..]).expect("re-enciphers");
        assert_eq!(again.as_bytes(), block);
    }
    // DUKPT: any 10 bytes are a TDES KSN, any 12 an AES one; the host derives exactly for
    // valid counters.
    if let Ok(k) = Ksn::new(ksn.get(..10).unwrap_or_default()) {
        let ik = tdes::initial_key(&tdes_key, &k).expect("a TDES BDK");
        assert_eq!(tdes::transaction_key(&ik, &k).is_ok(), k.is_valid());
    }
    if let Ok(k) = AesKsn::new(ksn.get(..12).unwrap_or_default()) {
        let ik = dukpt_aes::initial_key(&aes_key, &k.initial_key_id()).expect("an AES BDK");
        assert_eq!(dukpt_aes::derivation_key(&ik, &k).is_ok(), k.is_valid());
    }
});
