//! An Alipay OpenAPI call from a server, sans-IO: sign an `alipay.trade.query` request (RSA2),
//! encode it for the gateway, then verify the synchronous response over the raw text of its
//! `alipay_trade_query_response` node — and an asynchronous trade notification.
//!
//! Keys and data: the app key pair of alipay/alipay-sdk-nodejs-all's tests; a response whose node
//! OpenSSL signed with that key (alipay/tests/vectors/README.md says how); the Node SDK's
//! published trade notification and its public key.
//!
//! Run: `cargo run -p paywire-examples --example alipay_request`

use paywire::alipay::keys::{PrivateKey, PublicKey, SignType};
use paywire::alipay::v1::{self, Notification};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let app_key = PrivateKey::from_pem(include_str!("../alipay/tests/keys/app-private-key.pem"))?;
    // In production this is Alipay's public key (or certificate); the test response was signed
    // with the app key, so its public half verifies it here.
    let alipay_key = PublicKey::from_pem(include_str!("../alipay/tests/keys/app-public-key.pem"))?;

    // 1. The request: common parameters, biz_content, signed, then form-encoded.
    let mut request = v1::Request::new(
        "2014060600164699",
        "alipay.trade.query",
        "2024-01-02 03:04:05",
    );
    request.set("biz_content", r#"{"out_trade_no":"1"}"#);
    request.sign(&app_key)?;
    println!("signed: {}", v1::string_to_sign(&request.pairs()));
    let url = request.to_url("https://openapi.alipay.com/gateway.do");
    println!("GET {}…", &url[..url.find("&sign=").unwrap_or(url.len())]);

    // 2. The response: the signature covers the node's raw text, exactly as it arrived.
    let response = include_str!("../alipay/tests/vectors/trade_query_response.json");
    let node = v1::verify_response(&alipay_key, SignType::Rsa2, response, "alipay.trade.query")?;
    println!("response verified: {}", node.signed);
    let forged = response.replace("TRADE_SUCCESS", "TRADE_CLOSED");
    let refused = v1::verify_response(&alipay_key, SignType::Rsa2, &forged, "alipay.trade.query");
    println!("  with trade_status changed: {}", refused.unwrap_err());

    // 3. A notification Alipay posts: form-decoded once, verified without sign and sign_type.
    let notify_key = PublicKey::from_pem(include_str!(
        "../alipay/tests/keys/notify-public-key-v1.txt"
    ))?;
    let notification =
        Notification::parse(include_bytes!("../alipay/tests/vectors/trade_notify.form"))?;
    notification.verify(&notify_key)?;
    println!(
        "notification verified: trade {} is {}, {} CNY",
        notification.get("trade_no").unwrap_or("?"),
        notification.get("trade_status").unwrap_or("?"),
        notification.get("total_amount").unwrap_or("?")
    );
    Ok(())
}
