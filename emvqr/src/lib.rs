//! EMVCo QR payloads: merchant-presented (MPM) and consumer-presented (CPM) parsing, validation, building, CRC, national profiles and QR rendering.
//!
//! Not built yet: this crate is an empty placeholder so the workspace layout is visible. Its work is
//! tracked by issue #4; until then it exports nothing.
#![no_std]
#![forbid(unsafe_code)]
