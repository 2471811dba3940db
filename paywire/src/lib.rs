#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// BER-TLV as EMV uses it: the data of ISO 8583 field 55, EMVCo consumer-presented codes, CA
/// public key data (the `paywire-emv-tlv` crate).
#[cfg(feature = "tlv")]
#[doc(inline)]
pub use paywire_emv_tlv as tlv;

/// Spec-driven, zero-copy ISO 8583 (the `paywire-iso8583` crate).
#[cfg(feature = "iso8583")]
#[doc(inline)]
pub use paywire_iso8583 as iso8583;

/// EMVCo merchant- and consumer-presented QR codes, national profiles, rendering (the
/// `paywire-emvqr` crate).
#[cfg(feature = "emvqr")]
#[doc(inline)]
pub use paywire_emvqr as emvqr;

/// Card security that is not one network's: keys and check values, ISO 9564 PIN blocks,
/// ISO/IEC 9797-1 MACs and CMAC, DUKPT, TR-31 key blocks, CVV / PVV, EMV cryptograms (the
/// `paywire-cardsec` crate).
#[cfg(feature = "cardsec")]
#[doc(inline)]
pub use paywire_cardsec as cardsec;

/// The China UnionPay POS dialect, its MAC and PIN schemes, sign-in keys, transactions and ACP
/// gateway signing (the `paywire-unionpay` crate).
#[cfg(feature = "unionpay")]
#[doc(inline)]
pub use paywire_unionpay as unionpay;

/// WeChat Pay API v2 and v3 signing, verification and decryption (the `paywire-wechat-pay`
/// crate).
#[cfg(feature = "wechat")]
#[doc(inline)]
pub use paywire_wechat_pay as wechat;

/// Alipay OpenAPI v1 and v3 signing, verification and content encryption (the
/// `paywire-alipay` crate).
#[cfg(feature = "alipay")]
#[doc(inline)]
pub use paywire_alipay as alipay;

/// A POS terminal's payment flows as sans-IO state machines with a write-ahead journal (the
/// `paywire-pos` crate).
#[cfg(feature = "pos")]
#[doc(inline)]
pub use paywire_pos as pos;

// The repository's README (its Rust example runs as a doctest of this crate; the file is not
// part of the package, so only a checkout's `cargo test --doc` reads it).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct RepositoryReadme;
