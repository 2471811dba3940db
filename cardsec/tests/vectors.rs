//! Published vectors, each with its source.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_cardsec::dukpt::tdes::{self, Ksn, Originator, Variant};
use paywire_cardsec::mac::{self, Padding};
use paywire_cardsec::{ErrorKind, Key, kcv, pin};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

fn tdes(s: &str) -> Key {
    Key::des_or_tdes(&h(s)).unwrap()
}

// ---- DUKPT: ANSI X9.24-1:2009 A.4 "DUKPT Test Data Examples" ----------------------------
// BDK 0123456789ABCDEFFEDCBA9876543210, initial KSN FFFF9876543210E00000, PIN 1234 on PAN
// 4012345678909 in format 0 (clear block 041274EDCBA9876F). The KSNs, transaction keys and
// encrypted PIN blocks of A.4.2 (initial sequence) and A.4.3 (rollover), as openemv/dukpt's
// test/dukpt_tdes_test.c carries them; the MAC and data results of the first five, as
// moov-io/dukpt's pkg/des/des_test.go carries them (MAC: X9.19 over the ASCII data
// "4012345678909D987" zero-padded; data: TDES-CBC, zero IV, the same data zero-padded).

const BDK: &str = "0123456789ABCDEFFEDCBA9876543210";
const IKSN: &str = "FFFF9876543210E00000";
const IK: &str = "6AC292FAA1315B4D858AB3A3D7D5933A";

const INITIAL: [(&str, &str, &str); 21] = [
    (
        "FFFF9876543210E00001",
        "042666B49184CFA368DE9628D0397BC9",
        "1B9C1845EB993A7A",
    ),
    (
        "FFFF9876543210E00002",
        "C46551CEF9FD24B0AA9AD834130D3BC7",
        "10A01C8D02C69107",
    ),
    (
        "FFFF9876543210E00003",
        "0DF3D9422ACA56E547676D07AD6BADFA",
        "18DC07B94797B466",
    ),
    (
        "FFFF9876543210E00004",
        "279C0F6AEED0BE652B2C733E1383AE91",
        "0BC79509D5645DF7",
    ),
    (
        "FFFF9876543210E00005",
        "5F8DC6D2C845C125508DDC048093B83F",
        "5BC0AF22AD87B327",
    ),
    (
        "FFFF9876543210E00006",
        "5E415CB0BAF9F03CD0C14B63FB62FF43",
        "A16DF70AE36158D8",
    ),
    (
        "FFFF9876543210E00007",
        "0C8F780B7C8B49D0AE84A9EB2A6CE660",
        "27711C16CB257F8E",
    ),
    (
        "FFFF9876543210E00008",
        "27F66D5244FF62E1AA6F6120EDEB4280",
        "50E55547A5027551",
    ),
    (
        "FFFF9876543210E00009",
        "27E31064FDC565698900E2057F658E7E",
        "536CF7F678ACFC8D",
    ),
    (
        "FFFF9876543210E0000A",
        "6CF2500A22507C7CC776CEADC1E33014",
        "EDABBA23221833FE",
    ),
    (
        "FFFF9876543210E0000B",
        "3E8260BA04B2D620C01482B3819A18B7",
        "2328981C57B4BDBA",
    ),
    (
        "FFFF9876543210E0000C",
        "B716E1E11CF53D80726CAEE75C3A624F",
        "038D03CC926CF286",
    ),
    (
        "FFFF9876543210E0000D",
        "E072EDF95340535FB6C581C58FBF2533",
        "6C8AA97088B62C68",
    ),
    (
        "FFFF9876543210E0000E",
        "A80046087F5B8F245AAD95E18429084F",
        "F17C9E1D72CD4950",
    ),
    (
        "FFFF9876543210E0000F",
        "93DD5B956C4878472E453AAEFD32A5AA",
        "B170F6E7F7F2F64A",
    ),
    (
        "FFFF9876543210E00010",
        "59598DCBD9BD94C094165CE453585F57",
        "D5D9638559EF53D6",
    ),
    (
        "FFFF9876543210E00011",
        "2B5F01F4F0CC05EA639D523231BF1BA2",
        "D544F8CDD292C863",
    ),
    (
        "FFFF9876543210E00012",
        "9CF640F279C2AEE615F725EEEAC2CBAF",
        "7A21BD10F36DC41D",
    ),
    (
        "FFFF9876543210E00013",
        "C3DF489FDF1153B4F03DE97C27DC4C2F",
        "78649BD17D0DFA60",
    ),
    (
        "FFFF9876543210E00014",
        "658488507721B3F14737FA93F923CBD2",
        "7E7E16EA0C31AD56",
    ),
    (
        "FFFF9876543210E00015",
        "E161D1956A61F6D2F37AFD7F9CC3699A",
        "72105C22EBC791E6",
    ),
];

const ROLLOVER: [(&str, &str, &str); 13] = [
    (
        "FFFF9876543210EFF800",
        "F9CDFEBF4F5B1D9EB3EC12454527E176",
        "33365F5CC6F23C35",
    ),
    (
        "FFFF9876543210EFF801",
        "5BEE92627E97825C911BF619DF72CA3B",
        "3A86BF003F835C9D",
    ),
    (
        "FFFF9876543210EFF802",
        "64CA2F8AB93F61B01620B00BF77C7301",
        "3DB977D05C36DF3F",
    ),
    (
        "FFFF9876543210EFF804",
        "35A168695B3BA83307E871C42021DD37",
        "BA83243305712099",
    ),
    (
        "FFFF9876543210EFF808",
        "12C380FCB72ED3C26FC6079AF63F4787",
        "B0DA04AC90A36D85",
    ),
    (
        "FFFF9876543210EFF810",
        "D8007C833A1E3C49C6889B97A68C54FF",
        "2CF02BD9C309EEDA",
    ),
    (
        "FFFF9876543210EFF820",
        "A9C9FF9B735FDD49591F296B0BF0FD70",
        "9D1E2F77AEEE81C6",
    ),
    (
        "FFFF9876543210EFF840",
        "0E3E221062CB5E03A384602783A004FA",
        "40870B0F8BA2011C",
    ),
    (
        "FFFF9876543210EFF880",
        "CA8225C587124DFBB87F279C0BE29727",
        "22E340D6ABB40981",
    ),
    (
        "FFFF9876543210EFF900",
        "906AAC1751D4971A144D52C76C6E1F97",
        "1A4C10AFBA03A430",
    ),
    (
        "FFFF9876543210EFFA00",
        "2B9E2CE7C2750337E10B54D2989EA6AF",
        "849763B43E5F9CFF",
    ),
    (
        "FFFF9876543210EFFC00",
        "F9430DF975082491C77BE4EF4FDB91EE",
        "DEFC6F09F8927B71",
    ),
    (
        "FFFF9876543210F00000",
        "AA4D58DB653EC74A48C75F2F047DD2B5",
        "73EC88AD0AC5830E",
    ),
];

// (request MAC, response MAC, request data, response data) for the first five KSNs.
const MAC_DATA: [(&str, &str, &str, &str); 5] = [
    (
        "9CCC78173FC4FB64",
        "20364223C1FF00FA",
        "FC0D53B7EA1FDA9EE68AAF2E70D9B9506229BE2AA993F04F",
        "1FCC89AF66222F27B903898BB2BC8589CDBFDE5EC6AFCC25",
    ),
    (
        "F608A9BCA6FFC311",
        "D1FCA6BEF05D24D2",
        "A2B4E70F846E63D68775B7215EB4563DFD3037244C61CC13",
        "5B692A6B1FDD5E25B0DEFAFDE1672E402F8011360CFF3508",
    ),
    (
        "20B59A4FEAC937E3",
        "BAD4CC9CC2AE326C",
        "BD751E65F10E75B6C1D5B1D283496A36C2DE21D993C387A7",
        "345992D4163E4926C927BFD8ABD5D76F087A9CE81D5A27B8",
    ),
    (
        "C7BFA6CC44161828",
        "1EB08AEECE6FF0C2",
        "1118F50947441BBDA3C8C70220021A12EC31CC473F7215F4",
        "418C7413576C0D1819E785D3807AF32334231FDEC23414DB",
    ),
    (
        "0202B96339022058",
        "5CBE3E81D1D2A0FB",
        "9FD7BD1EC28845ACA93367A9DA9317BD555C6B33AE22D365",
        "7D4C109E49E83355A556AE949EED359F4404E7A2F0167C00",
    ),
];

fn ksn(s: &str) -> Ksn {
    Ksn::new(&h(s)).unwrap()
}

fn pin_block_under(key: &paywire_cardsec::KeyBytes) -> Vec<u8> {
    let pek = Key::from_bytes(&tdes::working_key(key, Variant::Pin));
    let clear = pin::format0(b"1234", b"4012345678909").unwrap();
    assert_eq!(clear.as_bytes(), h("041274EDCBA9876F"));
    pin::encrypt_block(&clear, &pek)
        .unwrap()
        .as_bytes()
        .to_vec()
}

#[test]
fn dukpt_initial_key() {
    let ik = tdes::initial_key(&tdes(BDK), &ksn(IKSN)).unwrap();
    assert_eq!(ik.expose(), h(IK));
    // Any counter in the KSN gives the same initial key (it is cleared first).
    let ik = tdes::initial_key(&tdes(BDK), &ksn("FFFF9876543210E00015")).unwrap();
    assert_eq!(ik.expose(), h(IK));
}

#[test]
fn dukpt_host_keys_and_pin_blocks() {
    let ik = tdes::initial_key(&tdes(BDK), &ksn(IKSN)).unwrap();
    for (k, key, block) in INITIAL.iter().chain(ROLLOVER.iter()) {
        let txn = tdes::transaction_key(&ik, &ksn(k)).unwrap();
        assert_eq!(txn.expose(), h(key), "{k}");
        assert_eq!(pin_block_under(&txn), h(block), "{k}");
        // Decrypted by the host with the same key.
        let pek = Key::from_bytes(&tdes::derive(&tdes(BDK), &ksn(k), Variant::Pin).unwrap());
        let mut out = [0u8; 12];
        let got = pin::decrypt(&h(block), Some(b"4012345678909"), &pek, &mut out).unwrap();
        assert_eq!(got, b"1234");
    }
}

#[test]
fn dukpt_mac_and_data_variants() {
    let data = b"4012345678909D987";
    let mut padded = data.to_vec();
    padded.resize(24, 0);
    for ((k, _, _), (mac_req, mac_res, data_req, data_res)) in INITIAL.iter().zip(MAC_DATA) {
        let ksn = ksn(k);
        let key = |v| Key::from_bytes(&tdes::derive(&tdes(BDK), &ksn, v).unwrap());
        assert_eq!(
            mac::x9_19(&key(Variant::MacRequest), data)
                .unwrap()
                .to_vec(),
            h(mac_req)
        );
        assert_eq!(
            mac::x9_19(&key(Variant::MacResponse), data)
                .unwrap()
                .to_vec(),
            h(mac_res)
        );
        for (variant, expected) in [
            (Variant::DataRequest, data_req),
            (Variant::DataResponse, data_res),
        ] {
            let k = key(variant);
            let mut state = [0u8; 8];
            let mut out = Vec::new();
            for block in padded.chunks(8) {
                for (s, b) in state.iter_mut().zip(block) {
                    *s ^= b;
                }
                k.encrypt_block(&mut state);
                out.extend_from_slice(&state);
            }
            assert_eq!(out, h(expected), "{k:?} {ksn:?}");
        }
    }
}

#[test]
fn dukpt_terminal_walks_the_published_sequences() {
    let ik = tdes::initial_key(&tdes(BDK), &ksn(IKSN)).unwrap();
    let mut terminal = Originator::load(&ik, &ksn(IKSN)).unwrap();
    for (k, key, block) in INITIAL {
        let (got_ksn, txn) = terminal.next_key().unwrap();
        assert_eq!(got_ksn, ksn(k));
        assert_eq!(txn.expose(), h(key));
        assert_eq!(pin_block_under(&txn), h(block));
    }
    // The rollover sequence: the terminal reaches EFF800 after its counter walks there
    // (counters with more than ten 1 bits skipped), then goes on as A.4.3 lists.
    let mut terminal = Originator::load(&ik, &ksn(IKSN)).unwrap();
    let first = ksn(ROLLOVER[0].0).counter();
    let mut used = 0u32;
    while terminal.ksn().counter() != first {
        let (k, _) = terminal.next_key().unwrap();
        assert!(k.is_valid(), "{k:?}");
        used += 1;
    }
    assert!(used > 0);
    for (k, key, _) in ROLLOVER {
        let (got_ksn, txn) = terminal.next_key().unwrap();
        assert_eq!(got_ksn, ksn(k));
        assert_eq!(txn.expose(), h(key));
    }
}

#[test]
fn dukpt_counter_rules() {
    let ik = tdes::initial_key(&tdes(BDK), &ksn(IKSN)).unwrap();
    // Eleven 1 bits: no terminal uses the counter, and the host refuses it.
    let eleven = ksn(IKSN).with_counter(0b111_1111_1111);
    assert!(!eleven.is_valid());
    assert_eq!(
        tdes::transaction_key(&ik, &eleven).unwrap_err().kind(),
        ErrorKind::BadKsn
    );
    assert_eq!(
        tdes::transaction_key(&ik, &ksn(IKSN)).unwrap_err().kind(),
        ErrorKind::BadKsn
    );
    assert_eq!(Ksn::new(&[0; 9]).unwrap_err().kind(), ErrorKind::BadKsn);
    // The last counter: ten 1 bits at the top; after it the terminal is exhausted.
    let last = 0b1_1111_1111_1000_0000_0000u32;
    assert_eq!(last.count_ones(), 10);
    assert!(ksn(IKSN).with_counter(last).is_valid());
}

// ---- CMAC: NIST SP 800-38B updated examples (D.1–D.4), as Mbed TLS library/cmac.c carries
// them; one 64-byte message, cut to the lengths each example uses. ----------------------
const NIST_MESSAGE: &str = "6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E51\
                            30C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710";

#[cfg(feature = "aes")]
#[test]
fn cmac_aes_nist() {
    let m = h(NIST_MESSAGE);
    for (key, tags) in [
        (
            "2B7E151628AED2A6ABF7158809CF4F3C",
            [
                "BB1D6929E95937287FA37D129B756746",
                "070A16B46B4D4144F79BDD9DD04A287C",
                "DFA66747DE9AE63030CA32611497C827",
                "51F0BEBF7E3B9D92FC49741779363CFE",
            ],
        ),
        (
            "8E73B0F7DA0E6452C810F32B809079E562F8EAD2522C6B7B",
            [
                "D17DDF46ADAACDE531CAC483DE7A9367",
                "9E99A7BF31E710900662F65E617C5184",
                "8A1DE5BE2EB31AAD089A82E6EE908B0E",
                "A1D5DF0EED790F794D77589659F39A11",
            ],
        ),
        (
            "603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4",
            [
                "028962F61B7BF89EFC6B551F4667D983",
                "28A7023F452E8F82BD4BF28D8C37C35C",
                "AAF3D8F1DE5640C232F5B169B9C911E6",
                "E1992190549F6ED5696A2C056C315410",
            ],
        ),
    ] {
        let k = Key::aes(&h(key)).unwrap();
        for (len, tag) in [0usize, 16, 40, 64].into_iter().zip(tags) {
            let got = mac::cmac(&k, &m[..len]);
            assert_eq!(got.as_bytes(), h(tag), "{key} {len}");
            got.verify(&h(tag)[..8]).unwrap();
        }
    }
}

#[test]
fn cmac_tdes_nist() {
    let m = h(NIST_MESSAGE);
    for (key, tags) in [
        (
            // Three-key TDEA (D.4).
            "8AA83BF8CBDA10620BC1BF19FBB6CD58BC313D4A371CA8B5",
            [
                "B7A688E122FFAF95",
                "8E8F293136283797",
                "743DDBE0CE2DC2ED",
                "33E6B1092400EAE5",
            ],
        ),
        (
            // Two-key TDEA (D.5), given as K1 K2 K1.
            "4CF15134A2850DD58A3D10BA80570D384CF15134A2850DD5",
            [
                "BD2EBF9A3BA00361",
                "4FF2AB813C53CE83",
                "62DD1B471902BD4E",
                "31B1E431DABC4EB8",
            ],
        ),
        (
            // The same two-key TDEA as a double-length key.
            "4CF15134A2850DD58A3D10BA80570D38",
            [
                "BD2EBF9A3BA00361",
                "4FF2AB813C53CE83",
                "62DD1B471902BD4E",
                "31B1E431DABC4EB8",
            ],
        ),
    ] {
        let k = tdes(key);
        for (len, tag) in [0usize, 8, 20, 32].into_iter().zip(tags) {
            assert_eq!(mac::cmac(&k, &m[..len]).as_bytes(), h(tag), "{key} {len}");
        }
    }
}

// ---- ISO/IEC 9797-1: psec's tests (github.com/knovichikhin/psec tests/test_mac.py). --------
#[test]
fn iso9797_algorithms_1_and_3() {
    // Algorithm 1 under the TDES key AAAA…BBBB.
    let k = tdes("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB");
    for (padding, tag) in [
        (Padding::Method1, "68D9038F23360DF3"),
        (Padding::Method2, "32DC341271ACCD00"),
        (Padding::Method3, "CDACA53E2DAA5412"),
    ] {
        let m = mac::cbc_mac(&k, b"hello world", padding);
        assert_eq!(m.as_bytes(), h(tag));
        assert_eq!(m.truncated(4).unwrap(), &h(tag)[..4]);
    }
    // Algorithm 3: psec's key1 and key2 are the ASCII "AAAAAAAAAAAAAAAA" and
    // "BBBBBBBBBBBBBBBB" (TDES keys with equal halves, so single DES 41…41 and 42…42).
    let k = tdes("41414141414141414242424242424242");
    for (padding, tag) in [
        (Padding::Method1, "3DDE5C5511661CBF"),
        (Padding::Method2, "E16941032C3BC7D4"),
        (Padding::Method3, "BA90F750EF43F668"),
    ] {
        assert_eq!(
            mac::retail_mac(&k, b"hello world", padding)
                .unwrap()
                .to_vec(),
            h(tag)
        );
    }
    // X9.19 wants a double-length key.
    assert!(mac::x9_19(&tdes("0123456789ABCDEF"), b"x").is_err());
}

// ---- PIN blocks --------------------------------------------------------------------------
#[test]
fn pin_blocks_as_psec() {
    // github.com/knovichikhin/psec tests/test_pinblock.py.
    let pan = b"5555555551234567";
    assert_eq!(
        pin::format0(b"123456789012", pan).unwrap().as_bytes(),
        h("0C1261032D8226A9")
    );
    for (pin_digits, block) in [
        ("1234", "241234FFFFFFFFFF"),
        ("123456789", "29123456789FFFFF"),
        ("1234567890", "2A1234567890FFFF"),
        ("123456789012", "2C123456789012FF"),
    ] {
        assert_eq!(
            pin::format2(pin_digits.as_bytes()).unwrap().as_bytes(),
            h(block)
        );
        let mut out = [0u8; 12];
        assert_eq!(
            pin::decode(&h(block), None, &mut out).unwrap(),
            pin_digits.as_bytes()
        );
    }
    for (pin_digits, f0, f3) in [
        ("1234", "041261AAAAEDCBA9", "341261AAAAEDCBA9"),
        ("123456789", "091261032D8DCBA9", "391261032D8DCBA9"),
        ("1234567890", "0A1261032D82CBA9", "3A1261032D82CBA9"),
        ("123456789012", "0C1261032D8226A9", "3C1261032D8226A9"),
    ] {
        let mut out = [0u8; 12];
        assert_eq!(
            pin::decode(&h(f0), Some(pan), &mut out).unwrap(),
            pin_digits.as_bytes()
        );
        assert_eq!(
            pin::decode(&h(f3), Some(pan), &mut out).unwrap(),
            pin_digits.as_bytes()
        );
    }
    // psec's refusals: control field, length, filler, non-digit, short PAN.
    for (block, pan) in [
        ("0F1261AAAAEDCBA9", &pan[..]),
        ("021261AAAAEDCBA9", pan),
        ("041261AAAAEDCBAA", pan),
        ("051261AAAAEDCBA9", pan),
        ("2C123456789012CF", pan),
        ("2C12345678901FFF", pan),
        ("341261AAAAEDCBA2", pan),
        ("041261AAAAEDCB", pan),
        ("541261AAAAEDCBA9", pan),
    ] {
        let mut out = [0u8; 12];
        assert!(
            pin::decode(&h(block), Some(pan), &mut out).is_err(),
            "{block}"
        );
    }
    let mut out = [0u8; 12];
    let short = pin::decode(&h("051261AAAAEDCBA9"), Some(b"555555555123"), &mut out);
    assert_eq!(short.unwrap_err().kind(), ErrorKind::BadPan);
}

#[test]
fn format4_fields() {
    // openemv/dukpt test/pinblock_format4_test.c: the X9.24-3:2017 supplement's PAN field,
    // and its padded and short PANs.
    assert_eq!(
        pin::format4_pan_field(b"4111111111111111")
            .unwrap()
            .to_vec(),
        h("44111111111111111000000000000000")
    );
    assert_eq!(
        pin::format4_pan_field(b"411111111111111").unwrap().to_vec(),
        h("34111111111111110000000000000000")
    );
    assert_eq!(
        pin::format4_pan_field(b"123456789").unwrap().to_vec(),
        h("00001234567890000000000000000000")
    );
    let field = pin::format4_pin_field(b"12345", &[0x11; 8]).unwrap();
    assert_eq!(field.as_bytes()[..8], h("4512345AAAAAAAAA"));
    // psec: the decoded PIN field 441234AAAAAAAAAA548ED7FD65495950.
    let mut out = [0u8; 12];
    assert_eq!(
        pin::decode(&h("441234AAAAAAAAAA548ED7FD65495950"), None, &mut out).unwrap(),
        b"1234"
    );
    assert!(pin::decode(&h("441234ABCDEFABCD548ED7FD65495950"), None, &mut out).is_err());
    assert!(pin::decode(&h("4412D4AAAAAAAAAA548ED7FD65495950"), None, &mut out).is_err());
}

#[cfg(feature = "aes")]
#[test]
fn format4_enciphered() {
    // psec tests/test_pinblock.py: the ep2 (eft/pos 2000) Security Specification 8.0.0, 8.4
    // example, and a PAN shorter than 12 digits.
    for (key, block, pan, pin_digits) in [
        (
            "C1D0F8FB4958670DBA40AB1F3752EF0D",
            "CC17F65586BFD0953010226C4FC5B3CA",
            "432198765432109870",
            "1234",
        ),
        (
            "00112233445566778899AABBCCDDEEFF",
            "39B69B1B91FE05D48F7EF0D68EB2CBD6",
            "1",
            "123456",
        ),
    ] {
        let k = Key::aes(&h(key)).unwrap();
        let mut out = [0u8; 12];
        let got = pin::decipher_format4(&k, &h(block), pan.as_bytes(), &mut out).unwrap();
        assert_eq!(got, pin_digits.as_bytes());
    }
    // A TDES key cannot make a format-4 block.
    let e = pin::encipher_format4(&tdes(BDK), b"1234", b"1234", &[0; 8]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::KeyCipher);
}

// ---- Key check values ----------------------------------------------------------------------
#[test]
fn check_values() {
    // The TDES key 0123…3210 (UnionPay's sign-in example; encrypt zeros): 08D7B4FB.
    let k = tdes(BDK);
    kcv::verify(&k, kcv::Method::EncryptZeros, &h("08D7B4")).unwrap();
    kcv::verify(&k, kcv::Method::EncryptZeros, &h("08D7B4FB")).unwrap();
    assert!(kcv::verify(&k, kcv::Method::EncryptZeros, &h("08D7B5")).is_err());
    assert!(kcv::verify(&k, kcv::Method::EncryptZeros, &[]).is_err());
    kcv::verify_bytes(k.key_bytes(), kcv::Method::EncryptZeros, &h("08D7B4")).unwrap();
}

#[cfg(feature = "aes")]
#[test]
fn aes_cmac_check_value() {
    // OpenSSL 3.0: `openssl mac -cipher AES-128-CBC -macopt hexkey:2B7E…4F3C CMAC` over 16
    // zero bytes gives 7AD386C3760FB3498361A1CB5563BD70 (the same command over an empty
    // input gives NIST's BB1D6929…, D.1 example 1).
    let k = Key::aes(&h("2B7E151628AED2A6ABF7158809CF4F3C")).unwrap();
    assert_eq!(
        kcv::check_value(&k, kcv::Method::Cmac).to_vec(),
        h("7AD386C3760FB3498361A1CB5563BD70")
    );
    kcv::verify(&k, kcv::Method::default_for(k.cipher()), &h("7AD386C376")).unwrap();
    kcv::verify_bytes(k.key_bytes(), kcv::Method::Cmac, &h("7AD386C376")).unwrap();
}

// ---- More ISO 9564 vectors (moved here with the formats from paywire-unionpay) ------------
// ISO 9564 format 0: PIN 123456, PAN 4217123412341234 -> 06124575BEDCBEDC
// (https://docs.everonet.com/en-us/gateway/developer-portal/security-requirements/pin-encryption).
#[test]
fn iso_format0_everonet() {
    let block = pin::format0(b"123456", b"4217123412341234").unwrap();
    assert_eq!(block.as_bytes(), h("06124575BEDCBEDC"));
    assert!(!format!("{block:?}").contains("0612"));
    assert_eq!(
        pin::format0(b"12", b"4217123412341234").unwrap_err().kind(),
        ErrorKind::BadPin
    );
    assert_eq!(
        pin::format0(b"1234", b"421712341234").unwrap_err().kind(),
        ErrorKind::BadPan
    );
}

// ID TECH "PIN block" knowledge-base example (ISO-0): PAN 43219876543210987, PIN 1234.
#[test]
fn iso_format0_idtech() {
    let block = pin::format0(b"1234", b"43219876543210987").unwrap();
    assert_eq!(block.as_bytes(), h("0412AC89ABCDEF67"));
}

// IBM "ISO Format 3" (https://www.ibm.com/docs/en/linux-on-systems?topic=formats-iso-format-3):
// PIN 123456, account number 111222333444555 (given without its check digit, so a check-digit
// position is appended here), fill AFBECDDC → IPB 36123456AFBECDDC → block 361216759CFA8889.
#[test]
fn iso_format3_ibm() {
    let fill = [0xA, 0xF, 0xB, 0xE, 0xC, 0xD, 0xD, 0xC];
    let block = pin::format3(b"123456", b"1112223334445550", &fill).unwrap();
    assert_eq!(block.as_bytes(), h("361216759CFA8889"));
    // Any random bytes become fill nibbles A–F.
    let other = pin::format3(b"123456", b"1112223334445550", &[0, 1, 2, 3, 4, 5, 6, 7]).unwrap();
    assert_ne!(other.as_bytes(), block.as_bytes());
    let enc = pin::encrypt_block(&other, &tdes(BDK)).unwrap();
    let mut out = [0u8; 12];
    let got = pin::decrypt(
        enc.as_bytes(),
        Some(b"1112223334445550"),
        &tdes(BDK),
        &mut out,
    );
    assert_eq!(got.unwrap(), b"123456");
    let short = pin::format3(b"123456", b"1112223334445550", &[0xA; 7]);
    assert_eq!(short.unwrap_err().kind(), ErrorKind::BadFill);
}

// ISO 9564-1 format 1 (no PAN): 1, length, PIN, transaction-field nibbles; round trip.
#[test]
fn iso_format1() {
    let fill = [0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xA];
    let block = pin::format1(b"1234", &fill).unwrap();
    assert_eq!(block.as_bytes(), h("141234123456789A"));
    let enc = pin::encrypt_block(&block, &tdes(BDK)).unwrap();
    let mut out = [0u8; 12];
    assert_eq!(
        pin::decrypt(enc.as_bytes(), None, &tdes(BDK), &mut out).unwrap(),
        b"1234"
    );
    assert!(pin::format1(b"1234", &[0; 9]).is_err());
}

// ANSI X9.19 retail MAC of "Now is the time for all " (https://docs.rs/retail-mac).
#[test]
fn x9_19_now_is_the_time() {
    let out = mac::x9_19(&tdes(BDK), b"Now is the time for all ").unwrap();
    assert_eq!(out.to_vec(), h("A1C72E74EA3FA9B6"));
}
