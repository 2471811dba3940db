//! A WeChat Pay API v3 notification as a merchant's server receives it: check the
//! `Wechatpay-*` signature over the raw body with the platform certificate (and the timestamp
//! against the clock), only then parse it and decrypt its resource with the API v3 key.
//!
//! Two published vectors, because no single published notification has both a retrievable
//! signing certificate and a 32-byte API v3 key: the signed notification of wechatpay-go
//! (`core/notify/notify_test.go`; its resource is encrypted under a 16-byte test key, which
//! AEAD_AES_256_GCM refuses), and the resource of wechatpay-java's `AeadAesCipherTest`.
//!
//! Run: `cargo run -p paywire-examples --example wechat_notification`

use paywire::wechat::keys::Certificate;
use paywire::wechat::v3::{self, Algorithm, Notification, Verifiers};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const SIGNATURE: &str = "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==";
/// When the notification arrived (the clock is passed in: the library reads none).
const NOW: i64 = 1_624_523_846;

fn main() -> Result<()> {
    // The platform certificate, downloaded once and kept by serial number.
    let mut platform = Verifiers::new();
    let certificate = Certificate::from_pem(include_str!(
        "../wechat-pay/tests/keys/go_platform_cert.pem"
    ))?;
    println!("platform certificate {}", certificate.serial());
    platform.add_certificate(certificate);

    // The request as a web framework hands it over: headers and the raw body.
    let body = include_str!("../wechat-pay/tests/vectors/go_notify_body.json").trim_end();
    let request = notification(body, "1624523846")?;
    v3::http::verify_notification(&platform, &request, NOW)?;
    println!("POST /notify: signature verified");

    // What is refused: one byte of the body changed, a replay 5 minutes late.
    let altered = notification(&body.replacen("签约成功", "签约失败", 1), "1624523846")?;
    println!(
        "  body altered: {}",
        v3::http::verify_notification(&platform, &altered, NOW).unwrap_err()
    );
    println!(
        "  replayed 300 s later: {}",
        v3::http::verify_notification(&platform, &request, NOW + 300).unwrap_err()
    );

    // Only a verified body is parsed.
    let parsed = Notification::parse(request.body().as_bytes())?;
    println!(
        "event {} ({}), resource {} for {}",
        parsed.event_type,
        parsed.summary,
        parsed.resource.algorithm,
        parsed.resource.original_type.as_deref().unwrap_or("?")
    );

    // Decrypting a resource (wechatpay-java AeadAesCipherTest), into a caller's buffer: no heap.
    let mut plain = [0u8; 64];
    let text = v3::decrypt(
        Algorithm::AeadAes256Gcm,
        b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb",
        "uluk4a9R25RW",
        "associatedData",
        "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=",
        &mut plain,
    )?;
    println!("resource decrypted: {:?}", core::str::from_utf8(text)?);
    let wrong = v3::decrypt(
        Algorithm::AeadAes256Gcm,
        b"b7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb",
        "uluk4a9R25RW",
        "associatedData",
        "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=",
        &mut plain,
    );
    println!("  under another key: {}", wrong.unwrap_err());
    Ok(())
}

fn notification(body: &str, timestamp: &str) -> Result<http::Request<String>> {
    Ok(http::Request::post("/notify")
        .header("Content-Type", "application/json")
        .header("Wechatpay-Nonce", "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz")
        .header("Wechatpay-Timestamp", timestamp)
        .header("Wechatpay-Serial", "D7CE59D1F522D701")
        .header("Wechatpay-Signature", SIGNATURE)
        .body(body.to_owned())?)
}
