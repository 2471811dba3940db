#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;

#[cfg(feature = "alloc")]
pub mod build;
pub mod classify;
pub mod cpm;
mod error;
pub mod mpm;
mod path;
pub mod profile;
#[cfg(feature = "render")]
pub mod render;
pub mod validate;
pub mod writer;

pub use classify::{Kind, classify};
pub use error::{Error, ErrorKind, Result};
#[cfg(feature = "alloc")]
pub use mpm::{Object, encode};
pub use mpm::{ObjectRef, Objects, ParseOptions, PayloadRef, crc16};
pub use path::Path;
pub use validate::{Issue, IssueKind, Severity};
