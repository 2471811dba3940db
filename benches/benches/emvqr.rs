//! emvqr: parse + full validation + CRC check of a Pix and a PromptPay payload vs computing the
//! CRC alone (limit: within 1.5×).
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group};
use paywire_benches::best_of;
use paywire_emvqr::{ParseOptions, PayloadRef, crc16};

// Pix static example of the BCB manual (bacen/pix-api#79); PromptPay (dtinth/promptpay-qr).
const PAYLOADS: [(&str, &str); 2] = [
    (
        "pix",
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D",
    ),
    (
        "promptpay",
        "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469",
    ),
];

fn crc_only(text: &str) -> u16 {
    crc16(
        text.as_bytes()
            .get(..text.len().saturating_sub(4))
            .unwrap_or_default(),
    )
}

/// What the project's limit is about: parse, every EMVCo rule and the CRC check, in the one pass
/// a caller that wants all three uses.
fn parse_and_validate(text: &str) -> usize {
    let mut n = 0usize;
    let parsed =
        PayloadRef::parse_and_validate(text, ParseOptions::default(), |_| n = n.saturating_add(1));
    if parsed.is_ok() { n } else { 0 }
}

/// The same work in two steps (parse with its CRC check, then validate the parsed payload).
fn parse_then_validate(text: &str) -> usize {
    let Ok(p) = PayloadRef::parse(text) else {
        return 0;
    };
    let mut n = 0usize;
    p.validate(paywire_emvqr::Rules::Emvco, |_| n = n.saturating_add(1));
    n
}

fn bench(c: &mut Criterion) {
    for (name, text) in PAYLOADS {
        let mut group = c.benchmark_group(format!("emvqr/{name}"));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("crc_only", |b| b.iter(|| crc_only(black_box(text))));
        group.bench_function("parse_validate_crc", |b| {
            b.iter(|| parse_and_validate(black_box(text)))
        });
        group.bench_function("parse_then_validate", |b| {
            b.iter(|| parse_then_validate(black_box(text)))
        });
        group.finish();
    }
}

fn ratio_report() {
    println!("emvqr ratios measured on: {}", paywire_benches::machine());
    for (name, text) in PAYLOADS {
        let crc = best_of(100_000, &mut || u64::from(crc_only(black_box(text))));
        let full = best_of(100_000, &mut || parse_and_validate(black_box(text)) as u64);
        let two = best_of(100_000, &mut || parse_then_validate(black_box(text)) as u64);
        println!(
            "emvqr {name} ratio: parse+validate+CRC (one pass, parse_and_validate) {full:.0} ns / CRC {crc:.0} ns = {:.2} (limit 1.50)",
            full / crc
        );
        println!(
            "emvqr {name} ratio (for information): parse, then validate {two:.0} ns / CRC {crc:.0} ns = {:.2}",
            two / crc
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    if !std::env::args().any(|a| a == "--profile-time") {
        ratio_report();
    }
    Criterion::default().configure_from_args().final_summary();
}
