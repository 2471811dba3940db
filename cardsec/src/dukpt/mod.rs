//! DUKPT (derived unique key per transaction): every transaction of a terminal under its own
//! key, derived from a base derivation key (BDK) the host keeps and the terminal never sees.
//!
//! - [`tdes`]: ANSI X9.24-1:2009, TDES DUKPT with 10-byte key serial numbers.
//! - [`aes`]: ANSI X9.24-3:2017, AES DUKPT with 12-byte key serial numbers (AES keys need the
//!   `aes` feature).
//!
//! Both sides of each: the host deriving a transaction key from the BDK and the KSN, and the
//! terminal's registers of future keys, used once and erased.

pub mod aes;
pub mod tdes;
