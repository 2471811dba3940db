//! alipay: assembling the v1 string to sign (filter, sort, join) against the RSA2 signature
//! over it (limit: assembly under 5% of the signature), on a typical trade request.
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use paywire_alipay::keys::{PrivateKey, Signer as _};
use paywire_alipay::v1;
use paywire_benches::best_of;

const KEY: &str = include_str!("../../alipay/tests/keys/app-private-key.pem");
const PARAMS: &[(&str, &str)] = &[
    ("app_id", "2014060600164699"),
    ("method", "alipay.trade.precreate"),
    ("format", "JSON"),
    ("charset", "utf-8"),
    ("sign_type", "RSA2"),
    ("timestamp", "2024-01-02 03:04:05"),
    ("version", "1.0"),
    ("notify_url", "https://example.com/alipay/notify"),
    (
        "biz_content",
        r#"{"out_trade_no":"20150320010101001","total_amount":"88.88","subject":"Iphone6 16G","store_id":"NJ_001","timeout_express":"90m"}"#,
    ),
];

fn bench(c: &mut Criterion) {
    let Ok(key) = PrivateKey::from_pem(KEY) else {
        return;
    };
    let mut group = c.benchmark_group("alipay/v1");
    group.bench_function("string_to_sign", |b| {
        b.iter(|| v1::string_to_sign(black_box(PARAMS)))
    });
    group.bench_function("sign_rsa2", |b| {
        b.iter(|| v1::sign(&key, black_box(PARAMS)))
    });
    group.finish();
    let assembly = best_of(100_000, &mut || {
        v1::string_to_sign(black_box(PARAMS)).len() as u64
    });
    let rsa = best_of(200, &mut || {
        key.sign(&[v1::string_to_sign(black_box(PARAMS)).as_bytes()])
            .map_or(0, |s| s.len() as u64)
    });
    println!(
        "alipay ratio: string to sign {assembly:.0} ns / RSA2 sign {rsa:.0} ns = {:.3}% (limit 5%)",
        100.0 * assembly / rsa
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
