//! Alipay OpenAPI: v1 and v3 request signing (RSA2, RSA, SM2), response and notification verification, certificate mode serial numbers and AES content encryption, sans-IO.
//!
//! Not built yet: this crate is an empty placeholder so the workspace layout is visible. Its work is
//! tracked by issue #7; until then it exports nothing.
#![no_std]
#![forbid(unsafe_code)]
