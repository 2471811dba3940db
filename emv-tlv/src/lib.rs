#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;

mod describe;
pub mod dictionary;
mod error;
mod header;
pub mod mask;
#[cfg(feature = "nom")]
pub mod nom;
#[cfg(feature = "alloc")]
mod owned;
mod reader;
mod tag;
mod writer;

pub use describe::Describe;
pub use error::{Error, ErrorKind, Result};
#[cfg(feature = "alloc")]
pub use owned::{Tlv, Value, parse_owned, to_owned_list};
pub use reader::{DEFAULT_MAX_DEPTH, DecodeOptions, Iter, MAX_DEPTH_LIMIT, TlvRef, Tlvs};
pub use tag::{Class, MAX_TAG_LEN, Tag, TagBytes};
#[cfg(feature = "alloc")]
pub use writer::build_to_vec;
pub use writer::{
    Counter, Encode, Full, Primitive, SliceWriter, TlvBuilder, Writer, build_len, build_to_slice,
};
