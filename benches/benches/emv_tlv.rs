//! emv-tlv: walking a 200-byte DE 55 against a plain byte loop over it (limit: within 2×).
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group};
use paywire_benches::{best_of, byte_loop, de55};
use paywire_emv_tlv::{DecodeOptions, Encode, Tag, Tlvs};

/// The walk the project's limit is about: one pass that validates every header and length and
/// visits every object (templates included), reading its tag and value length.
fn walk(data: &[u8]) -> u64 {
    let mut acc = 0u64;
    let visited = Tlvs::parse_and_visit(data, DecodeOptions::EMV, |_, tlv| {
        acc = acc
            .wrapping_add(u64::from(tlv.tag().number()))
            .wrapping_add(tlv.value_len() as u64);
    });
    if visited.is_ok() { acc } else { 0 }
}

/// Two passes: validate the whole list first, then iterate it (descending into templates) — for
/// a caller that must not see any object of an invalid list.
fn validate_then_iterate(data: &[u8]) -> u64 {
    let Ok(list) = Tlvs::parse(data) else {
        return 0;
    };
    fn visit(list: &Tlvs<'_>, acc: &mut u64) {
        for tlv in list {
            *acc = acc
                .wrapping_add(u64::from(tlv.tag().number()))
                .wrapping_add(tlv.value_len() as u64);
            if let Some(children) = tlv.children() {
                visit(&children, acc);
            }
        }
    }
    let mut acc = 0;
    visit(&list, &mut acc);
    acc
}

fn bench(c: &mut Criterion) {
    let data = de55();
    let mut group = c.benchmark_group("emv_tlv/de55");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("byte_loop", |b| b.iter(|| byte_loop(black_box(&data))));
    group.bench_function("walk", |b| b.iter(|| walk(black_box(&data))));
    group.bench_function("validate_then_iterate", |b| {
        b.iter(|| validate_then_iterate(black_box(&data)))
    });
    group.bench_function("parse_find_9F26", |b| {
        b.iter(|| {
            Tlvs::parse(black_box(&data))
                .ok()
                .and_then(|l| l.find(Tag::APPLICATION_CRYPTOGRAM))
                .map(|t| t.value().len())
        })
    });
    let owned = paywire_emv_tlv::parse_owned(&data).unwrap_or_default();
    let mut buf = vec![0u8; data.len()];
    group.bench_function("encode_owned", |b| {
        b.iter(|| black_box(&owned).encode_to_slice(&mut buf).map(|o| o.len()))
    });
    group.finish();
}

/// Prints the ratio the project sets a limit on (benches/README.md), measured in this run.
fn ratio_report() {
    println!("emv_tlv ratios measured on: {}", paywire_benches::machine());
    let data = de55();
    let base = best_of(200_000, &mut || byte_loop(black_box(&data)));
    let walked = best_of(200_000, &mut || walk(black_box(&data)));
    let two_pass = best_of(200_000, &mut || validate_then_iterate(black_box(&data)));
    println!(
        "emv_tlv ratio: walk (one pass, parse_and_visit) {walked:.1} ns / byte loop {base:.1} ns = {:.2} (limit 2.00)",
        walked / base
    );
    println!(
        "emv_tlv ratio (for information): validate then iterate {two_pass:.1} ns / byte loop {base:.1} ns = {:.2}",
        two_pass / base
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    // `--profile-time` runs are for profilers: keep them to the selected bench.
    if !std::env::args().any(|a| a == "--profile-time") {
        ratio_report();
    }
    Criterion::default().configure_from_args().final_summary();
}
