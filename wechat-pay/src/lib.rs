//! WeChat Pay: API v2 (XML, MD5/HMAC-SHA256) and v3 (SHA256withRSA, SM2/SM3/SM4) request signing, response and notification verification, and callback decryption, sans-IO.
//!
//! Not built yet: this crate is an empty placeholder so the workspace layout is visible. Its work is
//! tracked by issue #6; until then it exports nothing.
#![no_std]
#![forbid(unsafe_code)]
