//! ISO 8583 messages from declarative specs: MTI, bitmaps, fields, subfields, framing and describe, zero-copy and without heap.
//!
//! Not built yet: this crate is an empty placeholder so the workspace layout is visible. Its work is
//! tracked by issue #3; until then it exports nothing.
#![no_std]
#![forbid(unsafe_code)]
