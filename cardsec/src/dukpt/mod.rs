//! DUKPT (derived unique key per transaction): every transaction of a terminal under its own
//! key, derived from a base derivation key (BDK) the host keeps and the terminal never sees.
//!
//! [`tdes`] is ANSI X9.24-1:2009 (TDES DUKPT, 10-byte key serial numbers), both sides: the
//! host deriving a transaction key from the BDK and the KSN, and the terminal's future-key
//! registers. AES DUKPT (ANSI X9.24-3:2017) is not here yet.

pub mod tdes;
