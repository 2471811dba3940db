//! AES DUKPT (ANSI X9.24-3:2017) against its published test vectors: the AES-128 and AES-256
//! BDK examples of B.1 and the supplement (initial keys, derivation keys for the first eight,
//! the rollover and the last four counters) as openemv/dukpt's test/dukpt_aes128_test.c,
//! dukpt_aes256_test.c and dukpt_aes_test.c carry them; the working keys' CMACs and data
//! encryption of the first eight AES-128 transactions as moov-io/dukpt's pkg/aes/aes_test.go
//! carries them (CMAC and AES-CBC with a zero IV over the ASCII data "4012345678909D987",
//! zero-padded for encryption).
#![cfg(feature = "aes")]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use paywire_cardsec::dukpt::aes::{self, AesKsn, AesOriginator, KeyType, Usage};
use paywire_cardsec::{ErrorKind, Key, mac};
use proptest::prelude::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

const BDK128: &str = "FEDCBA9876543210F1F1F1F1F1F1F1F1";
const IKID: &str = "1234567890123456";

fn ksn(counter: u32) -> AesKsn {
    let mut b = h(IKID);
    b.extend_from_slice(&counter.to_be_bytes());
    AesKsn::new(&b).unwrap()
}

const KEYS128: [(u32, &str); 15] = [
    (1, "4F21B565BAD9835E112B6465635EAE44"),
    (2, "2F34D68DE10F68D38091A73B9E7C437C"),
    (3, "031504E530365CF81264238540518318"),
    (4, "0EEFC7ADA628BA68878DA9165A8A1887"),
    (5, "C2A7AC328A5DA2D6002D62465BFC028B"),
    (6, "D30F7D9351DA58448A2F5E92B4EE3B7D"),
    (7, "A8253CEED9AC042C54F75D35C8352278"),
    (8, "718EE6CF0B27E53D5F7AF99C4D8146A2"),
    (0x1FFFE, "E21E8C8D347F8561A2BE752DAA85A111"),
    (0x20000, "F7AE9025468A25D37B7249CFFED224C8"),
    (0x20001, "692C8EA4013645135B36497131DF9D2C"),
    (0xFFFE2000, "48E585B694EB0B18D5C35443E163C0BA"),
    (0xFFFE4000, "396C2C7CA1EA701C03B86B7D41F0C562"),
    (0xFFFE8000, "0387625F189B58AE03EF0E8CCA41105E"),
    (0xFFFF0000, "F6BA59389BD14A9855BE9727E7C52E3C"),
];

#[test]
fn aes128_initial_and_derivation_keys() {
    let bdk = Key::aes(&h(BDK128)).unwrap();
    let ik = aes::initial_key(&bdk, &ksn(0).initial_key_id()).unwrap();
    assert_eq!(ik.expose(), h("1273671EA26AC29AFA4D1084127652A1"));
    for (counter, key) in KEYS128 {
        let dk = aes::derivation_key(&ik, &ksn(counter)).unwrap();
        assert_eq!(dk.expose(), h(key), "{counter:#X}");
    }
    // 0x1FFFF has 17 bits set: never used, refused by the host.
    assert!(!ksn(0x1FFFF).is_valid());
    let e = aes::derivation_key(&ik, &ksn(0x1FFFF)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadKsn);
}

#[test]
fn aes256_initial_and_derivation_keys() {
    let bdk = Key::aes(&h(&format!("{BDK128}{BDK128}"))).unwrap();
    let ik = aes::initial_key(&bdk, &ksn(0).initial_key_id()).unwrap();
    assert_eq!(
        ik.expose(),
        h("CE9CE0C101D1138F97FB6CAD4DF045A7083D4EAE2D35A31789D01CCF0949550F")
    );
    for (counter, key) in [
        (
            1,
            "54AC2B32B145EA4A554CB8BC44B17467063A799856B1CCC2A138D36E8DBF78B3",
        ),
        (
            8,
            "20A796D5077D51B8E7613893A4F095B134E02917DC84BD391F3661D0873FF308",
        ),
        (
            0x20000,
            "D62DDA94A47D7DA5D763443B4ECB15EA8DD62E0E4F915958BA459591F8312E37",
        ),
        (
            0xFFFF0000,
            "6D6DB7AAAE8B3EA90E57A39E4BBA71E173B21B446B30A78D64BFC6A8806C55EE",
        ),
    ] {
        let dk = aes::derivation_key(&ik, &ksn(counter)).unwrap();
        assert_eq!(dk.expose(), h(key), "{counter:#X}");
    }
}

#[test]
fn aes128_working_keys() {
    let bdk = Key::aes(&h(BDK128)).unwrap();
    let data = b"4012345678909D987";
    let mut padded = data.to_vec();
    padded.resize(32, 0);
    for (counter, cmac_req, cmac_res, data_req, data_res) in [
        (
            1,
            "A2EB5C1C35809E58404E873C3C411E31",
            "DD4E1895FD9BF53D8DAF25568ABF551D",
            "E5AFA5B408A3310E3D779C8A9A2AE29448BD5B4232582090DB703AF647205A79",
            "84904DFC6B5201A4F1FE2EAA49E70B8C01838EF53030790FF785D630AB3916B4",
        ),
        (
            8,
            "85C7CA68F55F51E7DCAC969B8C111130",
            "B45399DB90C0BA75DB4B86605758695A",
            "304EC254A7B528D9892E47F7C1315D498C0D88EA8CD71CA52D38F362721AEA67",
            "8CD1A54538B9DC79A5DF4544ADE8D1F1A085AC1F89AA59BFF49351A68957DE1B",
        ),
    ] {
        let k = ksn(counter);
        let key = |usage| {
            Key::from_bytes(&aes::derive_working_key(&bdk, &k, usage, KeyType::Aes128).unwrap())
        };
        assert_eq!(
            mac::cmac(&key(Usage::MAC_GENERATION), data).as_bytes(),
            h(cmac_req)
        );
        assert_eq!(
            mac::cmac(&key(Usage::MAC_VERIFICATION), data).as_bytes(),
            h(cmac_res)
        );
        for (usage, expected) in [
            (Usage::DATA_ENCRYPT, data_req),
            (Usage::DATA_DECRYPT, data_res),
        ] {
            let k = key(usage);
            let mut state = [0u8; 16];
            let mut out = Vec::new();
            for block in padded.chunks(16) {
                for (s, b) in state.iter_mut().zip(block) {
                    *s ^= b;
                }
                k.encrypt_block(&mut state);
                out.extend_from_slice(&state);
            }
            assert_eq!(out, h(expected));
        }
    }
}

#[test]
fn terminal_walks_the_published_keys() {
    let bdk = Key::aes(&h(BDK128)).unwrap();
    let ik = aes::initial_key(&bdk, &ksn(0).initial_key_id()).unwrap();
    let mut terminal = AesOriginator::load(&ik, &ksn(0).initial_key_id()).unwrap();
    for (counter, key) in &KEYS128[..8] {
        let (k, dk) = terminal.next_key().unwrap();
        assert_eq!(k.counter(), *counter);
        assert_eq!(dk.expose(), h(key));
    }
    assert!(!format!("{terminal:?}").contains("4F21"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn terminal_key_is_host_key(
        bdk in proptest::collection::vec(any::<u8>(), 32),
        len in prop_oneof![Just(16usize), Just(24), Just(32)],
        ikid in proptest::array::uniform8(any::<u8>()),
        counter in any::<u32>(),
    ) {
        let bdk = Key::aes(&bdk[..len]).unwrap();
        let ik = aes::initial_key(&bdk, &ikid).unwrap();
        let mut terminal = AesOriginator::load(&ik, &ikid).unwrap();
        for _ in 0..24 {
            let (k, dk) = terminal.next_key().unwrap();
            prop_assert!(k.is_valid());
            let host = aes::derivation_key(&ik, &k).unwrap();
            prop_assert_eq!(host.expose(), dk.expose());
        }
        let mut id = ikid.to_vec();
        id.extend_from_slice(&counter.to_be_bytes());
        let at = AesKsn::new(&id).unwrap();
        prop_assert_eq!(aes::derivation_key(&ik, &at).is_ok(), at.is_valid());
    }
}
