#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod aes;
mod error;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "alloc")]
pub mod keys;
pub mod response;
#[cfg(feature = "alloc")]
pub mod v1;
#[cfg(feature = "alloc")]
pub mod v3;

/// Whether `code` has the form of an Alipay payment code (`auth_code`): 16 to 24 digits whose
/// first two are 25 to 30. A form check only.
///
/// ```
/// assert!(paywire_alipay::is_auth_code("287654321098765432"));
/// assert!(!paywire_alipay::is_auth_code("134567890123456789")); // a WeChat Pay code
/// ```
pub fn is_auth_code(code: &str) -> bool {
    let b = code.as_bytes();
    (16..=24).contains(&b.len())
        && b.iter().all(u8::is_ascii_digit)
        && matches!(b, [b'2', b'5'..=b'9', ..] | [b'3', b'0', ..])
}

pub use error::{Error, ErrorKind, Result};
