#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;

#[cfg(feature = "alloc")]
pub mod acp;
pub mod aid;
mod error;
pub mod framing;
pub mod key;
pub mod mac;
#[cfg(feature = "pfx")]
pub mod pfx;
pub mod pin;
pub mod signin;
pub mod spec;
pub mod txn;

pub use error::{Error, ErrorKind, Place, Result};
pub use key::{Cipher, Key};
