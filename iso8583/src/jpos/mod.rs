//! jPOS interoperability (feature `jpos`): GenericPackager XML files loaded as specs
//! ([`load_packager`]), and messages in jPOS's XML form — what its `XMLPackager` reads and
//! `ISOMsg.dump` writes, the form jPOS logs messages in ([`XmlMessage`]) — both through a small
//! bounded XML reader that refuses declarations (no entity is ever expanded, no DTD fetched)
//! and nests no deeper than [`MAX_DEPTH`].
//!
//! The element and attribute names, the `type="binary"` and `type="amount"` forms and the
//! escaping follow jpos/jPOS `jpos/src/main/java/org/jpos/iso/packager/XMLPackager.java`,
//! `ISOMsg.dump`, `ISOField.dump`, `ISOBinaryField.dump`, `ISOAmount` and
//! `ISOUtil.normalize` / `stripUnicode`.

mod message;
mod packager;
mod xml;

pub use message::{XmlMessage, XmlValue};
pub use packager::{PackagerError, load_packager};
pub use xml::{MAX_DEPTH, MAX_LEN};
