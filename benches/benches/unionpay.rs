//! UnionPay's ECB MAC against the raw block-cipher construction it consists of (limit: within
//! 1.1×), over the published 0200 MAC block. X9.9 / X9.19 are in the `cardsec` bench.
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]
#![allow(clippy::indexing_slicing, reason = "fixed-size benchmark inputs")]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group};
use des::cipher::{Array, BlockCipherEncrypt, KeyInit};
use paywire_benches::best_of;
use paywire_unionpay::{Key, mac};

const MAB: &str = "0200302004C020C0981100000000000000005100183402100006324392260009942820D1312101120084393136363838303134303030303030303030303030303031313536ACF46E73838A82F92600000000000000000822000001";
const KEY: [u8; 16] = [
    0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10,
];

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
    let tdes = des::TdesEde2::new_from_slice(&KEY).ok();
    let (Some(key), Some(tdes)) = (key, tdes) else {
        return;
    };
    let mut group = c.benchmark_group("unionpay/mac");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("cups_ecb_3des", |b| {
        b.iter(|| mac::cups_ecb(black_box(&key), black_box(&data)))
    });
    group.bench_function("raw_cups_ecb_3des", |b| {
        b.iter(|| raw_cups_ecb(&tdes, black_box(&data)))
    });
    group.finish();
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
