#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

mod error;
pub mod v2;
pub mod v3;

pub use error::{Error, ErrorKind, Result};
