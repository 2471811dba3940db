//! cardsec: TR-31 / X9.143 key blocks from arbitrary text. Nothing panics; a block that
//! parses keeps its length and lists as many optional blocks as its header says; a block that
//! unwraps wraps again (with the padding it carried) to a block that unwraps to the same key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paywire_cardsec::Key;
use paywire_cardsec::tr31::{self, KeyBlockRef};

fuzz_target!(|data: &[u8]| {
    if let Ok(block) = KeyBlockRef::parse(data) {
        assert_eq!(block.text().len(), data.len());
        assert_eq!(block.blocks().count(), usize::from(block.block_count()));
    }
    // The KBPKs of the seed corpus (TR-31:2018 A.7.2.2 and A.7.4).
    let tdes = Key::des_or_tdes(&[0xDD, 0x75, 0x15, 0xF2, 0xBF, 0xC1, 0x7F, 0x85, 0xCE, 0x48, 0xF3, 0xCA, 0x25, 0xCB, 0x21, 0xF6]).expect("16 bytes");
    let aes = Key::aes(&[
        0x88, 0xE1, 0xAB, 0x2A, 0x2E, 0x3D, 0xD3, 0x8C, 0x1F, 0xA0, 0x39, 0xA5, 0x36, 0x50, 0x0C, 0xC8,
        0xA8, 0x7A, 0xB9, 0xD6, 0x2D, 0xC9, 0x2C, 0x01, 0x05, 0x8F, 0xA7, 0x9F, 0x44, 0x65, 0x7D, 0xE6,
    ]).expect("32 bytes");
    for kbpk in [&tdes, &aes] {
        let Ok((block, key)) = tr31::unwrap(kbpk, data) else { continue };
        if block.version() == tr31::Version::A {
            continue; // read only
        }
        // The header without its PB block (wrap adds it again when needed).
        let header = block.header();
        let mut out = [0u8; tr31::MAX_BLOCK];
        let pad = [0u8; 128];
        let unit = block.version().block_len();
        let pad_len = (unit - (key.expose().len() + 2) % unit) % unit;
        let fixed = &header[..16];
        if let Ok(n) = tr31::wrap(kbpk, fixed, key.expose(), &pad[..pad_len], &mut out) {
            let (_, again) = tr31::unwrap(kbpk, &out[..n]).expect("a block wrap made unwraps");
            assert_eq!(again.expose(), key.expose());
        }
    }
});
