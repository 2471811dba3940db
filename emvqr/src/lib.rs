#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod build;
pub mod classify;
pub mod cpm;
mod crc;
mod error;
pub mod findings;
pub mod mpm;
#[cfg(feature = "nom")]
pub mod nom;
mod path;
pub mod profile;
mod read;
#[cfg(feature = "render")]
pub mod render;
mod rules;
pub mod validate;
mod walk;
pub mod writer;

pub use classify::{Kind, classify};
pub use crc::crc16;
pub use error::{Error, ErrorKind, Result};
pub use findings::{Issue, IssueKind, Severity};
#[cfg(feature = "alloc")]
pub use mpm::{Object, encode};
pub use mpm::{ObjectRef, Objects, ParseOptions, PayloadRef};
pub use path::Path;
pub use profile::Profile;
pub use validate::Rules;
