#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod cvv;
pub mod dukpt;
pub mod emv;
mod error;
pub mod kcv;
pub mod key;
pub mod mac;
pub mod pin;
pub mod pvv;
pub mod tr31;

pub use error::{Error, ErrorKind, Part, Result};
pub use key::{Cipher, Key, KeyBytes};
