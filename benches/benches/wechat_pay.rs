//! wechat-pay: assembling the API v3 string to sign against the RSA / SM2 signature over it
//! (limit: assembly under 5% of the signature). The keys are the SDKs' published test keys.
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group};
use paywire_benches::best_of;
use paywire_wechat_pay::keys::{PrivateKey, Signer as _};
use paywire_wechat_pay::v3::{self, Request};

const RSA_KEY: &str = include_str!("../../wechat-pay/tests/keys/go_signer_key.pem");
const SM2_KEY: &str = include_str!("../../wechat-pay/tests/keys/sm2_merchant_private_key.pem");
const BODY: &str = r#"{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}"#;

fn request() -> Request<'static> {
    Request {
        method: "POST",
        url: "/v3/pay/transactions/jsapi",
        timestamp: "1554208460",
        nonce: "593BEC0C930BF1AFEB40B4A08C8FB242",
        body: BODY.as_bytes(),
    }
}

fn bench(c: &mut Criterion) {
    let (Ok(rsa), Ok(sm2)) = (PrivateKey::from_pem(RSA_KEY), PrivateKey::from_pem(SM2_KEY)) else {
        return;
    };
    let req = request();
    let mut group = c.benchmark_group("wechat_pay/v3");
    group.bench_function("message_assembly", |b| {
        b.iter(|| black_box(black_box(&req).message()))
    });
    group.bench_function("authorization_rsa", |b| {
        b.iter(|| v3::authorization(&rsa, "1230000109", "F5765756002FDD77", black_box(&req)))
    });
    group.bench_function("authorization_sm2", |b| {
        b.iter(|| v3::authorization(&sm2, "1230000109", "F5765756002FDD77", black_box(&req)))
    });
    group.finish();
    let assembly = best_of(100_000, &mut || black_box(&req).message().len() as u64);
    let rsa_sign = best_of(200, &mut || {
        rsa.sign(&black_box(&req).parts())
            .map_or(0, |s| s.len() as u64)
    });
    let sm2_sign = best_of(2_000, &mut || {
        sm2.sign(&black_box(&req).parts())
            .map_or(0, |s| s.len() as u64)
    });
    println!(
        "wechat_pay ratio: assembly {assembly:.0} ns / RSA-2048 sign {rsa_sign:.0} ns = {:.4}%, / SM2 sign {sm2_sign:.0} ns = {:.3}% (limit 5%)",
        100.0 * assembly / rsa_sign,
        100.0 * assembly / sm2_sign,
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
