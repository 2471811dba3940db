//! China UnionPay: the CUPS POS 8583 dialect (TPDU, header, fields 59/60/62/63), MAC and PIN-block schemes with DES/3DES and SM4, key check values, sign-in keys, ACP gateway signing and UnionPay QR.
//!
//! Not built yet: this crate is an empty placeholder so the workspace layout is visible. Its work is
//! tracked by issue #5; until then it exports nothing.
#![no_std]
#![forbid(unsafe_code)]
