#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

pub mod aes;
mod error;

pub use error::{Error, ErrorKind, Result};
