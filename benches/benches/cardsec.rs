//! cardsec's algorithms against the raw cipher calls they consist of, written directly on the
//! cipher crates (limit: within 1.1×, as DESIGN.md sets for MACs): X9.9 and X9.19 over the
//! published UnionPay 0200 MAC block; CMAC (AES-128 and TDES) and ISO/IEC 9797-1 algorithm 1
//! with AES over 1 KiB; a format-0 and a format-4 PIN block; a DUKPT host derivation.
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "fixed-size benchmark inputs and counters"
)]

use std::hint::black_box;

use aes::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use cmac::Mac as _;
use criterion::{Criterion, Throughput, criterion_group};
use paywire_benches::best_of_each;
use paywire_cardsec::dukpt::tdes::{self, Ksn};
use paywire_cardsec::mac::{self, Padding};
use paywire_cardsec::{Key, pin};

const MAB: &str = "0200302004C020C0981100000000000000005100183402100006324392260009942820D1312101120084393136363838303134303030303030303030303030303031313536ACF46E73838A82F92600000000000000000822000001";
const KEY: [u8; 16] = [
    0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10,
];

/// CBC-MAC written directly on a block cipher, zero-padded.
fn raw_cbc<C: BlockCipherEncrypt>(k: &C, data: &[u8]) -> Array<u8, C::BlockSize> {
    let mut state = Array::<u8, C::BlockSize>::default();
    let n = state.len();
    for chunk in data.chunks(n) {
        for (s, &b) in state.iter_mut().zip(chunk) {
            *s ^= b;
        }
        k.encrypt_block(&mut state);
    }
    state
}

/// X9.19 written directly on the des crate: CBC under K1, then D(K2), E(K1).
fn raw_x9_19(k1: &des::Des, k2: &des::Des, data: &[u8]) -> u8 {
    let mut state = raw_cbc(k1, data);
    k2.decrypt_block(&mut state);
    k1.encrypt_block(&mut state);
    state[0]
}

/// XORs DUKPT's `C0C0C0C000000000C0C0C0C000000000` into a key.
fn mask(key: &mut [u8; 16]) {
    for (k, m) in key
        .iter_mut()
        .zip([0xC0u8, 0xC0, 0xC0, 0xC0, 0, 0, 0, 0].iter().cycle())
    {
        *k ^= m;
    }
}

/// The DUKPT non-reversible key generation step written directly on the des crate.
fn raw_step(key: &mut [u8; 16], reg: &[u8; 8]) {
    let half = |key: &[u8; 16]| {
        let k = des::Des::new_from_slice(&key[..8])
            .unwrap_or_else(|_| des::Des::new(&Array::from([0u8; 8])));
        let right = &key[8..];
        let mut b = Array::from([0u8; 8]);
        for ((b, r), k) in b.iter_mut().zip(reg).zip(right) {
            *b = r ^ k;
        }
        k.encrypt_block(&mut b);
        let mut out = [0u8; 8];
        for ((o, b), k) in out.iter_mut().zip(b.iter()).zip(right) {
            *o = b ^ k;
        }
        out
    };
    let right = half(key);
    mask(key);
    let left = half(key);
    key[..8].copy_from_slice(&left);
    key[8..].copy_from_slice(&right);
}

/// One ratio line: its name, the raw construction's name, calls per round, ours, raw.
type Line<'a> = (
    &'a str,
    &'a str,
    u32,
    &'a mut dyn FnMut() -> u64,
    &'a mut dyn FnMut() -> u64,
);

fn bench(c: &mut Criterion) {
    let mab = hex::decode(MAB).unwrap_or_default();
    let kib: Vec<u8> = (0..1024u32).map(|i| i as u8).collect();
    let (Ok(tdes_key), Ok(des_key), Ok(aes_key)) = (
        Key::des_or_tdes(&KEY),
        Key::des_or_tdes(&KEY[..8]),
        Key::aes(&KEY),
    ) else {
        return;
    };
    let (Ok(k1), Ok(k2), Ok(raw_tdes), Ok(raw_aes)) = (
        des::Des::new_from_slice(&KEY[..8]),
        des::Des::new_from_slice(&KEY[8..]),
        des::TdesEde2::new_from_slice(&KEY),
        aes::Aes128::new_from_slice(&KEY),
    ) else {
        return;
    };
    let mut group = c.benchmark_group("cardsec/mac");
    group.throughput(Throughput::Bytes(kib.len() as u64));
    group.bench_function("aes_cmac_1k", |b| {
        b.iter(|| mac::cmac(black_box(&aes_key), black_box(&kib)))
    });
    group.bench_function("raw_aes_cbc_1k", |b| {
        b.iter(|| raw_cbc(&raw_aes, black_box(&kib)))
    });
    group.bench_function("tdes_cmac_1k", |b| {
        b.iter(|| mac::cmac(black_box(&tdes_key), black_box(&kib)))
    });
    group.bench_function("raw_tdes_cbc_1k", |b| {
        b.iter(|| raw_cbc(&raw_tdes, black_box(&kib)))
    });
    group.finish();

    // The raw CMACs: the `cmac` crate over a cipher made once (what cardsec adds is the
    // schedule's clone for AES and the TDES schedule for a TDES key).
    let raw_aes_cmac = |data: &[u8]| {
        let mut m =
            <cmac::Cmac<aes::Aes128> as cmac::digest::InnerInit>::inner_init(raw_aes.clone());
        m.update(data);
        m.finalize().into_bytes()[0]
    };
    let raw_tdes_cmac = |data: &[u8]| {
        let mut m =
            <cmac::Cmac<des::TdesEde2> as cmac::digest::InnerInit>::inner_init(raw_tdes.clone());
        m.update(data);
        m.finalize().into_bytes()[0]
    };
    let bdk = tdes_key.clone();
    let ksn = Ksn::new(&[0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0x03, 0xFF]).ok();
    let Some(ksn) = ksn else { return };
    // An ARQC's data (pyemv's Visa CVN 18 CDOL data, 40 bytes) and a CVV's inputs.
    let cdol = hex::decode(
        "0000000040000000000000000124800004800001241911050152BF45851800001C06011203A0B800",
    )
    .unwrap_or_default();
    // A TR-31 version D block (TR-31:2018 A.7.4) and its AES-256 KBPK.
    let kbpk_bytes =
        hex::decode("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6")
            .unwrap_or_default();
    let block = b"D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D03A457DC34";
    let (Ok(kbpk), Ok(raw_kbpk)) = (
        Key::aes(&kbpk_bytes),
        aes::Aes256::new_from_slice(&kbpk_bytes),
    ) else {
        return;
    };
    let aes_bdk = Key::aes(&[
        0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1,
        0xF1,
    ])
    .ok();
    let aes_ksn = paywire_cardsec::dukpt::aes::AesKsn::new(&[
        0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0xFF, 0xFF, 0x00, 0x00,
    ])
    .ok();
    let (Some(aes_bdk), Some(aes_ksn)) = (aes_bdk, aes_ksn) else {
        return;
    };
    let lines: [Line<'_>; 12] = [
        (
            "X9.19 (0200 MAC block)",
            "raw DES chain",
            50_000,
            &mut || u64::from(mac::x9_19(&tdes_key, black_box(&mab)).map_or(0, |m| m[0])),
            &mut || u64::from(raw_x9_19(&k1, &k2, black_box(&mab))),
        ),
        (
            "X9.9 (0200 MAC block)",
            "raw DES chain",
            50_000,
            &mut || u64::from(mac::x9_9(&des_key, black_box(&mab)).map_or(0, |m| m[0])),
            &mut || u64::from(raw_cbc(&k1, black_box(&mab))[0]),
        ),
        (
            "ISO 9797-1 alg. 1, AES (1 KiB)",
            "raw AES-CBC chain",
            20_000,
            &mut || {
                u64::from(mac::cbc_mac(&aes_key, black_box(&kib), Padding::Method1).as_bytes()[0])
            },
            &mut || u64::from(raw_cbc(&raw_aes, black_box(&kib))[0]),
        ),
        (
            "AES-CMAC (1 KiB)",
            "raw cmac crate",
            20_000,
            &mut || u64::from(mac::cmac(&aes_key, black_box(&kib)).as_bytes()[0]),
            &mut || u64::from(raw_aes_cmac(black_box(&kib))),
        ),
        (
            "TDES-CMAC (1 KiB)",
            "raw cmac crate",
            5_000,
            &mut || u64::from(mac::cmac(&tdes_key, black_box(&kib)).as_bytes()[0]),
            &mut || u64::from(raw_tdes_cmac(black_box(&kib))),
        ),
        (
            "PIN format 0 + TDES",
            "one raw TDES block",
            200_000,
            &mut || {
                pin::format0(black_box(b"1234"), black_box(b"4012345678909"))
                    .and_then(|b| pin::encrypt_block(&b, &tdes_key))
                    .map_or(0, |b| u64::from(b.as_bytes()[0]))
            },
            &mut || {
                let mut b = Array::from([0x04, 0x12, 0x74, 0xED, 0xCB, 0xA9, 0x87, 0x6F]);
                raw_tdes.encrypt_block(black_box(&mut b));
                u64::from(b[0])
            },
        ),
        (
            "PIN format 4 (AES)",
            "two raw AES blocks",
            200_000,
            &mut || {
                pin::encipher_format4(
                    &aes_key,
                    black_box(b"1234"),
                    black_box(b"4111111111111111"),
                    &[0x5A; 8],
                )
                .map_or(0, |b| u64::from(b.as_bytes()[0]))
            },
            &mut || {
                let mut b = Array::from([0x44u8; 16]);
                raw_aes.encrypt_block(black_box(&mut b));
                b[0] ^= 0x41;
                raw_aes.encrypt_block(&mut b);
                u64::from(b[0])
            },
        ),
        (
            "DUKPT host key (IK + 10 steps)",
            "raw DES steps",
            20_000,
            &mut || {
                tdes::initial_key(&bdk, black_box(&ksn))
                    .and_then(|ik| tdes::transaction_key(&ik, &ksn))
                    .map_or(0, |k| u64::from(k.expose()[0]))
            },
            &mut || {
                let mut key = [0u8; 16];
                let mut block = Array::from([0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0]);
                raw_tdes.encrypt_block(&mut block);
                key[..8].copy_from_slice(&block);
                let mut variant = KEY;
                mask(&mut variant);
                let right =
                    des::TdesEde2::new_from_slice(&variant).unwrap_or_else(|_| raw_tdes.clone());
                let mut block = Array::from([0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0]);
                right.encrypt_block(&mut block);
                key[8..].copy_from_slice(&block);
                let mut reg = [0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0x00, 0x00];
                for bit in (0..10).rev() {
                    let b = 1u32 << bit;
                    reg[6] |= (b >> 8) as u8;
                    reg[7] |= b as u8;
                    raw_step(&mut key, &reg);
                }
                u64::from(black_box(key)[0])
            },
        ),
        (
            "EMV ARQC, padding 2 (40 bytes)",
            "raw DES chain",
            50_000,
            &mut || {
                paywire_cardsec::emv::cryptogram(
                    paywire_cardsec::emv::Scheme::VisaCvn18,
                    &tdes_key,
                    black_box(&cdol),
                )
                .map_or(0, |m| u64::from(m[0]))
            },
            &mut || {
                let mut padded = [0u8; 48];
                padded[..40].copy_from_slice(black_box(&cdol));
                padded[40] = 0x80;
                u64::from(raw_x9_19(&k1, &k2, &padded))
            },
        ),
        (
            "CVV",
            "raw DES + TDES blocks",
            200_000,
            &mut || {
                paywire_cardsec::cvv::cvv(
                    &tdes_key,
                    black_box(b"4123456789012345"),
                    b"8701",
                    b"101",
                )
                .map_or(0, |v| u64::from(v.expose()[0]))
            },
            &mut || {
                let mut b = Array::from([0x41, 0x23, 0x45, 0x67, 0x89, 0x01, 0x23, 0x45]);
                k1.encrypt_block(black_box(&mut b));
                b[0] ^= 0x87;
                b[1] ^= 0x01;
                b[2] ^= 0x10;
                raw_tdes.encrypt_block(&mut b);
                u64::from(b[0])
            },
        ),
        (
            "TR-31 D unwrap (AES-256 KBPK)",
            "raw AES-CMAC derivations, CBC, CMAC",
            20_000,
            &mut || {
                paywire_cardsec::tr31::unwrap(&kbpk, black_box(block))
                    .map_or(0, |(_, k)| u64::from(k.expose()[0]))
            },
            &mut || {
                // Four derivation CMACs (two 32-byte keys), the payload's CBC decryption (2
                // blocks) and the MAC over header and payload: the cipher work of an unwrap.
                let mut derived = [0u8; 64];
                for (i, chunk) in derived.chunks_mut(16).enumerate() {
                    let mut m = <cmac::Cmac<aes::Aes256> as cmac::digest::InnerInit>::inner_init(
                        raw_kbpk.clone(),
                    );
                    m.update(&[(i % 2) as u8 + 1, 0, (i / 2) as u8, 0, 0, 4, 1, 0]);
                    chunk.copy_from_slice(&m.finalize().into_bytes());
                }
                let kbek = aes::Aes256::new_from_slice(&derived[..32])
                    .unwrap_or_else(|_| raw_kbpk.clone());
                let kbmk = aes::Aes256::new_from_slice(&derived[32..])
                    .unwrap_or_else(|_| raw_kbpk.clone());
                let mut payload = [0u8; 32];
                let _ = hex::decode_to_slice(&block[16..80], &mut payload);
                for chunk in payload.chunks_mut(16) {
                    kbek.decrypt_block(
                        <&mut Array<u8, _>>::try_from(chunk).unwrap_or(&mut Array::default()),
                    );
                }
                let mut m = <cmac::Cmac<aes::Aes256> as cmac::digest::InnerInit>::inner_init(kbmk);
                m.update(&block[..16]);
                m.update(black_box(&payload));
                u64::from(m.finalize().into_bytes()[0])
            },
        ),
        (
            "AES DUKPT host key (IK + 16 steps)",
            "raw AES schedules and blocks",
            20_000,
            &mut || {
                paywire_cardsec::dukpt::aes::initial_key(&aes_bdk, &aes_ksn.initial_key_id())
                    .and_then(|ik| paywire_cardsec::dukpt::aes::derivation_key(&ik, &aes_ksn))
                    .map_or(0, |k| u64::from(k.expose()[0]))
            },
            &mut || {
                // The initial key and 16 derivation steps: a key schedule and one block each.
                let mut key = [0xFEu8; 16];
                for step in 0..17u8 {
                    let k = aes::Aes128::new_from_slice(&key).unwrap_or_else(|_| raw_aes.clone());
                    let mut b = Array::from([
                        0x01, 0x01, 0x80, step, 0, 2, 0, 0x80, 0x90, 0x12, 0x34, 0x56, 0xFF, 0xFF,
                        0, 0,
                    ]);
                    k.encrypt_block(black_box(&mut b));
                    key.copy_from_slice(&b);
                }
                u64::from(key[0])
            },
        ),
    ];
    for (name, raw_name, rounds, ours, raw) in lines {
        let t = best_of_each(rounds, &mut [ours, raw]);
        println!(
            "cardsec ratio: {name} {:.0} ns / {raw_name} {:.0} ns = {:.2} (limit 1.10)",
            t[0],
            t[1],
            t[0] / t[1]
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
