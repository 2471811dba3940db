//! One field: its characters, its length prefix, its value as read, and the reader and writer
//! that move it between the wire and its logical form.
//!
//! `chars` is the leaf (byte classes, digits, the one decimal parser); `prefix`, `enc` and
//! `value` build on it; `read` and `write` on all of them. Nothing here imports the message
//! modules.

pub(crate) mod chars;
pub(crate) mod enc;
pub(crate) mod prefix;
pub(crate) mod read;
pub(crate) mod rule;
#[cfg(test)]
mod tests;
pub(crate) mod value;
pub(crate) mod write;

pub use paywire_emv_tlv::{Counter, Full, SliceWriter, Writer};
pub use value::{Iter, Value};
