#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod bitmap;
mod builder;
pub mod builtin;
mod charset;
mod content;
mod describe;
mod ebcdic;
mod error;
mod field;
pub mod framing;
#[cfg(feature = "jpos")]
pub mod jpos;
#[cfg(feature = "json-spec")]
pub mod json;
mod message;
mod mti;
#[cfg(feature = "nom")]
pub mod nom;
#[cfg(feature = "alloc")]
mod owned;
mod parse;
mod plan;
pub mod rules;
#[cfg(feature = "serde")]
pub mod serde;
mod span;
pub mod spec;
mod subfield;

pub use bitmap::{Bitmap, Fields};
pub use builder::MessageBuilder;
pub use describe::Describe;
pub use error::{Error, ErrorKind, Result, XmlProblem};
pub use field::{Counter, Full, Iter, SliceWriter, Value, Writer};
pub use message::{FieldIter, FieldRef, Pan, Track2};
pub use mti::Mti;
#[cfg(feature = "alloc")]
pub use owned::Message;
pub use parse::{FieldIndex, MAX_MESSAGE_LEN, MessageRef, Slots};
pub use spec::{FieldSpec, Spec};
pub use subfield::{SubValue, Subfield, SubfieldId, SubfieldIter};
#[cfg(feature = "alloc")]
pub use subfield::{compose, compose_tagged};
