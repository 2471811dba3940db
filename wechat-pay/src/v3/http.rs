//! `http` integration (feature `http`): sign an [`http::Request`], verify an
//! [`http::Response`] or an incoming notification request. Bodies are anything that is
//! `AsRef<[u8]>` (the raw bytes, as sent or received).

use http::header::{AUTHORIZATION, HeaderMap, HeaderValue};

use super::{Headers, Request, Verifiers, authorization};
use crate::error::{Error, ErrorKind, Result};
use crate::keys::Signer;

/// Signs `request` (method, path and query, body) and sets its `Authorization` header.
/// `timestamp` (Unix seconds) and `nonce` come from the caller.
pub fn sign_request<B: AsRef<[u8]>>(
    request: &mut http::Request<B>,
    signer: &impl Signer,
    mchid: &str,
    serial_no: &str,
    timestamp: &str,
    nonce: &str,
) -> Result<()> {
    let url = request
        .uri()
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    let value = authorization(
        signer,
        mchid,
        serial_no,
        &Request {
            method: request.method().as_str(),
            url,
            timestamp,
            nonce,
            body: request.body().as_ref(),
        },
    )?;
    let value = HeaderValue::try_from(value)
        .map_err(|_| Error::new(ErrorKind::Parameter).at("Authorization"))?;
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
}

fn headers(map: &HeaderMap) -> Headers<'_> {
    Headers::from_pairs(
        map.iter()
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
    )
}

/// Verifies a response from WeChat Pay (its `Wechatpay-*` headers over the raw body).
pub fn verify_response<B: AsRef<[u8]>>(
    verifiers: &Verifiers,
    response: &http::Response<B>,
    now: i64,
) -> Result<()> {
    verifiers.verify(&headers(response.headers()), response.body().as_ref(), now)
}

/// Verifies a notification request WeChat Pay sent to the merchant.
pub fn verify_notification<B: AsRef<[u8]>>(
    verifiers: &Verifiers,
    request: &http::Request<B>,
    now: i64,
) -> Result<()> {
    verifiers.verify(&headers(request.headers()), request.body().as_ref(), now)
}
