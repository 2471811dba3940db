//! `http` integration (feature `http`): sign an [`http::Request`] for OpenAPI v3 and verify an
//! [`http::Response`] from it. Bodies are anything `AsRef<[u8]>`, as sent or received.

use http::header::{AUTHORIZATION, HeaderValue};

use crate::error::{Error, ErrorKind, Result};
use crate::keys::{SignType, Signer, Verifier};
use crate::v3::{self, Auth};

/// Signs `request` and sets `Authorization` (and `alipay-app-auth-token` when acting for a
/// merchant).
pub fn sign_request<B: AsRef<[u8]>>(
    request: &mut http::Request<B>,
    signer: &impl Signer,
    auth: &Auth<'_>,
    app_auth_token: Option<&str>,
) -> Result<()> {
    let uri = request
        .uri()
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    let value = v3::authorization(
        signer,
        auth,
        request.method().as_str(),
        uri,
        request.body().as_ref(),
        app_auth_token,
    )?;
    let value = HeaderValue::try_from(value)
        .map_err(|_| Error::new(ErrorKind::Parameter).at("Authorization"))?;
    request.headers_mut().insert(AUTHORIZATION, value);
    if let Some(token) = app_auth_token {
        let token = HeaderValue::try_from(token)
            .map_err(|_| Error::new(ErrorKind::Parameter).at("app_auth_token"))?;
        request.headers_mut().insert("alipay-app-auth-token", token);
    }
    Ok(())
}

/// Verifies a v3 response by its `alipay-timestamp`, `alipay-nonce` and `alipay-signature`.
pub fn verify_response<B: AsRef<[u8]>>(
    verifier: &impl Verifier,
    sign_type: SignType,
    response: &http::Response<B>,
) -> Result<()> {
    let header = |name: &'static str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .ok_or(Error::new(ErrorKind::MissingParameter).at(name))
    };
    v3::verify_response(
        verifier,
        sign_type,
        header("alipay-timestamp")?,
        header("alipay-nonce")?,
        response.body().as_ref(),
        header("alipay-signature")?,
    )
}
