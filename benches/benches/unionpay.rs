//! unionpay-cps MACs against the raw block-cipher chaining they consist of (limit: within
//! 1.1×), over the published 0200 MAC block.
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]
#![allow(clippy::indexing_slicing, reason = "fixed-size benchmark inputs")]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group};
use des::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use paywire_benches::best_of;
use paywire_unionpay::{Key, mac};

const MAB: &str = "0200302004C020C0981100000000000000005100183402100006324392260009942820D1312101120084393136363838303134303030303030303030303030303031313536ACF46E73838A82F92600000000000000000822000001";
const KEY: [u8; 16] = [
    0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10,
];

/// X9.9 written directly on the des crate: CBC-MAC under one DES key.
fn raw_x9_9(k: &des::Des, data: &[u8]) -> [u8; 8] {
    let mut state = Array::from([0u8; 8]);
    for chunk in data.chunks(8) {
        for (s, &b) in state.iter_mut().zip(chunk) {
            *s ^= b;
        }
        k.encrypt_block(&mut state);
    }
    state.into()
}

/// X9.19 written directly on the des crate: CBC under K1, then D(K2), E(K1).
fn raw_x9_19(k1: &des::Des, k2: &des::Des, data: &[u8]) -> [u8; 8] {
    let mut state = Array::from(raw_x9_9(k1, data));
    k2.decrypt_block(&mut state);
    k1.encrypt_block(&mut state);
    state.into()
}

/// The 银联 ECB MAC written directly on the des crate: XOR of the blocks, upper-case hex,
/// encrypt the first half, XOR the second, encrypt.
fn raw_cups_ecb(k: &des::TdesEde2, data: &[u8]) -> [u8; 8] {
    let mut x = [0u8; 8];
    for chunk in data.chunks(8) {
        for (s, &b) in x.iter_mut().zip(chunk) {
            *s ^= b;
        }
    }
    let hex = hex::encode_upper(x);
    let (first, second) = hex.as_bytes().split_at(8);
    let mut block = Array::from([0u8; 8]);
    block.copy_from_slice(first);
    k.encrypt_block(&mut block);
    for (v, s) in block.iter_mut().zip(second) {
        *v ^= s;
    }
    k.encrypt_block(&mut block);
    block.into()
}

fn bench(c: &mut Criterion) {
    let data = hex::decode(MAB).unwrap_or_default();
    let key = Key::des_or_tdes(&KEY).ok();
    let k1 = des::Des::new_from_slice(&KEY[..8]).ok();
    let k2 = des::Des::new_from_slice(&KEY[8..]).ok();
    let (Some(key), Some(k1), Some(k2)) = (key, k1, k2) else {
        return;
    };
    let mut group = c.benchmark_group("unionpay/mac");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("x9_19", |b| {
        b.iter(|| mac::x9_19(black_box(&key), black_box(&data)))
    });
    group.bench_function("raw_des_chain", |b| {
        b.iter(|| raw_x9_19(&k1, &k2, black_box(&data)))
    });
    group.bench_function("cups_ecb_3des", |b| {
        b.iter(|| mac::cups_ecb(black_box(&key), black_box(&data)))
    });
    group.finish();
    let single = Key::des_or_tdes(&KEY[..8]).ok();
    let tdes = des::TdesEde2::new_from_slice(&KEY).ok();
    let (Some(single), Some(tdes)) = (single, tdes) else {
        return;
    };
    ratio(
        "x9.19",
        "raw DES chain",
        50_000,
        &mut || u64::from(mac::x9_19(&key, black_box(&data)).map_or(0, |m| m[0])),
        &mut || u64::from(raw_x9_19(&k1, &k2, black_box(&data))[0]),
    );
    ratio(
        "x9.9",
        "raw DES chain",
        50_000,
        &mut || u64::from(mac::x9_9(&single, black_box(&data))[0]),
        &mut || u64::from(raw_x9_9(&k1, black_box(&data))[0]),
    );
    ratio(
        "ECB MAC (3DES)",
        "raw construction",
        200_000,
        &mut || u64::from(mac::cups_ecb(&key, black_box(&data))[0]),
        &mut || u64::from(raw_cups_ecb(&tdes, black_box(&data))[0]),
    );
}

/// Prints one ratio line: `ours` against the raw construction it consists of (limit 1.1).
fn ratio(
    name: &str,
    raw_name: &str,
    rounds: u32,
    ours: &mut dyn FnMut() -> u64,
    raw: &mut dyn FnMut() -> u64,
) {
    let (ours, raw) = (best_of(rounds, ours), best_of(rounds, raw));
    println!(
        "unionpay ratio: {name} {ours:.0} ns / {raw_name} {raw:.0} ns = {:.2} (limit 1.10)",
        ours / raw
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
