//! The signatures a front end passes to the WeChat client to start a payment.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;

use crate::error::Result;
use crate::keys::Signer;
use crate::v3::auth::check_value;

/// Four lines, each ending in `\n`; the last one is `prefix` + `prepay_id`.
fn lines(app_id: &str, timestamp: &str, nonce: &str, prefix: &str, prepay_id: &str) -> Vec<u8> {
    let parts: [&[u8]; 8] = [
        app_id.as_bytes(),
        b"\n",
        timestamp.as_bytes(),
        b"\n",
        nonce.as_bytes(),
        b"\n",
        prefix.as_bytes(),
        prepay_id.as_bytes(),
    ];
    let mut message = parts.concat();
    message.push(b'\n');
    message
}

/// Checks the four values (named as the client names them) and signs their lines.
fn sign_lines(
    signer: &impl Signer,
    names: [&'static str; 4],
    values: [&str; 4],
    prefix: &str,
) -> Result<String> {
    for (name, value) in names.into_iter().zip(values) {
        check_value(name, value)?;
    }
    let [app_id, timestamp, nonce, prepay_id] = values;
    let message = lines(app_id, timestamp, nonce, prefix, prepay_id);
    let signature = signer.sign(&[&message])?;
    Ok(base64::engine::general_purpose::STANDARD.encode(signature))
}

/// The JSAPI / mini-program message: `appId\ntimeStamp\nnonceStr\nprepay_id=<id>\n`.
pub fn jsapi_pay_message(app_id: &str, timestamp: &str, nonce: &str, prepay_id: &str) -> Vec<u8> {
    lines(app_id, timestamp, nonce, "prepay_id=", prepay_id)
}

/// The JSAPI / mini-program `paySign` (base64), over [`jsapi_pay_message`]. The client gets
/// `appId`, `timeStamp`, `nonceStr`, `package=prepay_id=<id>`, `signType` (`RSA`) and this.
pub fn jsapi_pay_sign(
    signer: &impl Signer,
    app_id: &str,
    timestamp: &str,
    nonce: &str,
    prepay_id: &str,
) -> Result<String> {
    sign_lines(
        signer,
        ["appId", "timeStamp", "nonceStr", "prepay_id"],
        [app_id, timestamp, nonce, prepay_id],
        "prepay_id=",
    )
}

/// The APP message: `appid\ntimestamp\nnoncestr\nprepayid\n`.
pub fn app_pay_message(app_id: &str, timestamp: &str, nonce: &str, prepay_id: &str) -> Vec<u8> {
    lines(app_id, timestamp, nonce, "", prepay_id)
}

/// The APP `sign` (base64), over [`app_pay_message`]. The app gets `appid`, `partnerid`,
/// `prepayid`, `package=Sign=WXPay`, `noncestr`, `timestamp` and this.
pub fn app_pay_sign(
    signer: &impl Signer,
    app_id: &str,
    timestamp: &str,
    nonce: &str,
    prepay_id: &str,
) -> Result<String> {
    sign_lines(
        signer,
        ["appid", "timestamp", "noncestr", "prepayid"],
        [app_id, timestamp, nonce, prepay_id],
        "",
    )
}
