//! Property round trips: enciphered PIN blocks decipher to their PIN, the terminal's DUKPT key
//! equals the host's for any BDK and KSN, decoding never panics.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_cardsec::dukpt::tdes::{self, Ksn, Originator};
use paywire_cardsec::mac::{self, Padding};
use paywire_cardsec::{Key, pin};
use proptest::prelude::*;

fn digits(min: usize, max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(b'0'..=b'9', min..=max)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tdes_formats_round_trip(
        key in proptest::array::uniform16(any::<u8>()),
        p in digits(4, 12),
        pan in digits(13, 19),
        fill in proptest::collection::vec(any::<u8>(), 10),
        format in 0u8..4,
    ) {
        let key = Key::des_or_tdes(&key).unwrap();
        let clear = match format {
            0 => pin::format0(&p, &pan),
            1 => pin::format1(&p, &fill),
            2 => pin::format2(&p),
            _ => pin::format3(&p, &pan, &fill),
        }.unwrap();
        let block = pin::encrypt_block(&clear, &key).unwrap();
        let mut out = [0u8; 12];
        prop_assert_eq!(pin::decrypt(block.as_bytes(), Some(&pan), &key, &mut out).unwrap(), &p[..]);
    }

    #[cfg(feature = "aes")]
    #[test]
    fn format4_round_trip(
        key in proptest::collection::vec(any::<u8>(), 32),
        len in prop_oneof![Just(16usize), Just(24), Just(32)],
        p in digits(4, 12),
        pan in digits(1, 19),
        random in proptest::array::uniform8(any::<u8>()),
    ) {
        let key = Key::aes(&key[..len]).unwrap();
        let block = pin::encipher_format4(&key, &p, &pan, &random).unwrap();
        let mut out = [0u8; 12];
        prop_assert_eq!(pin::decipher_format4(&key, block.as_bytes(), &pan, &mut out).unwrap(), &p[..]);
    }

    #[test]
    fn decode_any_block(block in proptest::collection::vec(any::<u8>(), 0..20), pan in digits(0, 20)) {
        let mut out = [0u8; 12];
        if let Ok(p) = pin::decode(&block, Some(&pan), &mut out) {
            prop_assert!((4..=12).contains(&p.len()));
            prop_assert!(p.iter().all(u8::is_ascii_digit));
        }
    }

    #[test]
    fn padding_method_1_is_zero_padding(
        key in proptest::array::uniform16(any::<u8>()),
        data in proptest::collection::vec(any::<u8>(), 1..64),
    ) {
        // Method 1 pads a non-empty message with zero bytes: the MAC of the message is the MAC
        // of the message with its padding written out; method 2 is method 1 over the message
        // with 0x80 appended.
        let key = Key::des_or_tdes(&key).unwrap();
        let mut padded = data.clone();
        padded.resize(data.len().div_ceil(8) * 8, 0);
        prop_assert_eq!(mac::cbc_mac(&key, &data, Padding::Method1), mac::cbc_mac(&key, &padded, Padding::Method1));
        let mut marked = data.clone();
        marked.push(0x80);
        prop_assert_eq!(mac::cbc_mac(&key, &data, Padding::Method2), mac::cbc_mac(&key, &marked, Padding::Method1));
        prop_assert_eq!(mac::x9_9(&key, &data).unwrap().to_vec(), mac::cbc_mac(&key, &data, Padding::Method1).as_bytes().to_vec());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn terminal_key_is_host_key(
        bdk in proptest::array::uniform16(any::<u8>()),
        ksn in proptest::array::uniform10(any::<u8>()),
        start in 0u32..=tdes::MAX_COUNTER,
    ) {
        let bdk = Key::des_or_tdes(&bdk).unwrap();
        let ksn = Ksn::new(&ksn).unwrap();
        let ik = tdes::initial_key(&bdk, &ksn).unwrap();
        let mut terminal = Originator::load(&ik, &ksn).unwrap();
        // The terminal's first transactions (the walk to the published rollover counters is
        // in tests/vectors.rs): each key is the host's for the KSN the terminal sends.
        for _ in 0..40 {
            let (k, key) = terminal.next_key().unwrap();
            prop_assert!(k.is_valid());
            let host = tdes::transaction_key(&ik, &k).unwrap();
            prop_assert_eq!(host.expose(), key.expose());
        }
        // The host takes exactly the counters a terminal can send.
        let at = ksn.with_counter(start);
        prop_assert_eq!(tdes::transaction_key(&ik, &at).is_ok(), at.is_valid());
    }
}
