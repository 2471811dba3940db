//! The header's codes: open sets (a value the tables below do not name is kept as it is),
//! with the values ANSI X9.143 / TR-31:2018 define as constants.

use core::fmt;

/// The key block version ID.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Version(pub u8);

impl Version {
    /// TDES, key variant binding (TR-31:2005; read only: deprecated).
    pub const A: Self = Self(b'A');
    /// TDES, key derivation binding (CMAC-derived keys).
    pub const B: Self = Self(b'B');
    /// TDES, key variant binding (version A with its header values clarified).
    pub const C: Self = Self(b'C');
    /// AES, key derivation binding (CMAC-derived keys).
    pub const D: Self = Self(b'D');

    /// Whether this crate reads the version.
    pub const fn known(self) -> bool {
        matches!(self.0, b'A' | b'B' | b'C' | b'D')
    }

    /// The cipher block the version pads to: 16 for D, 8 otherwise.
    pub const fn block_len(self) -> usize {
        if self.0 == b'D' { 16 } else { 8 }
    }

    /// The MAC's length in bytes: 4 for A and C, 8 for B, 16 for D.
    pub const fn mac_len(self) -> usize {
        match self.0 {
            b'B' => 8,
            b'D' => 16,
            _ => 4,
        }
    }
}

/// The key usage (two characters).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyUsage(pub [u8; 2]);

impl KeyUsage {
    /// `B0`: base derivation key (BDK).
    pub const BDK: Self = Self(*b"B0");
    /// `B1`: initial DUKPT key (IPEK).
    pub const INITIAL_DUKPT_KEY: Self = Self(*b"B1");
    /// `C0`: card verification key (CVK).
    pub const CVK: Self = Self(*b"C0");
    /// `D0`: symmetric data encryption key.
    pub const DATA_ENCRYPTION: Self = Self(*b"D0");
    /// `E0`: EMV issuer master key, application cryptograms.
    pub const EMV_AC: Self = Self(*b"E0");
    /// `E1`: EMV issuer master key, secure messaging for confidentiality.
    pub const EMV_SM_CONFIDENTIALITY: Self = Self(*b"E1");
    /// `E2`: EMV issuer master key, secure messaging for integrity.
    pub const EMV_SM_INTEGRITY: Self = Self(*b"E2");
    /// `K0`: key encryption or wrapping key.
    pub const KEK: Self = Self(*b"K0");
    /// `K1`: TR-31 key block protection key.
    pub const KBPK: Self = Self(*b"K1");
    /// `M0`: ISO 16609 MAC key (algorithm 1 with TDES).
    pub const MAC_ISO16609: Self = Self(*b"M0");
    /// `M1`: ISO 9797-1 MAC algorithm 1 key.
    pub const MAC_ALGORITHM_1: Self = Self(*b"M1");
    /// `M3`: ISO 9797-1 MAC algorithm 3 key (retail MAC).
    pub const MAC_ALGORITHM_3: Self = Self(*b"M3");
    /// `M6`: ISO 9797-1:2011 MAC algorithm 5 (CMAC) key.
    pub const CMAC: Self = Self(*b"M6");
    /// `P0`: PIN encryption key.
    pub const PIN_ENCRYPTION: Self = Self(*b"P0");
    /// `V1`: PIN verification key, IBM 3624.
    pub const PVK_IBM3624: Self = Self(*b"V1");
    /// `V2`: PIN verification key, Visa PVV.
    pub const PVK_VISA: Self = Self(*b"V2");
}

/// The algorithm of the wrapped key (one character).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Algorithm(pub u8);

impl Algorithm {
    /// `A`: AES.
    pub const AES: Self = Self(b'A');
    /// `D`: DES.
    pub const DES: Self = Self(b'D');
    /// `E`: elliptic curve.
    pub const EC: Self = Self(b'E');
    /// `H`: HMAC.
    pub const HMAC: Self = Self(b'H');
    /// `R`: RSA.
    pub const RSA: Self = Self(b'R');
    /// `S`: DSA.
    pub const DSA: Self = Self(b'S');
    /// `T`: triple DES.
    pub const TDES: Self = Self(b'T');
}

/// The mode of use (one character).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModeOfUse(pub u8);

impl ModeOfUse {
    /// `B`: encrypt, wrap, decrypt and unwrap.
    pub const BOTH: Self = Self(b'B');
    /// `C`: MAC generation and verification.
    pub const MAC_BOTH: Self = Self(b'C');
    /// `D`: decrypt and unwrap only.
    pub const DECRYPT: Self = Self(b'D');
    /// `E`: encrypt and wrap only.
    pub const ENCRYPT: Self = Self(b'E');
    /// `G`: MAC generation only.
    pub const GENERATE: Self = Self(b'G');
    /// `N`: no special restrictions.
    pub const ANY: Self = Self(b'N');
    /// `S`: signature only.
    pub const SIGN: Self = Self(b'S');
    /// `V`: verification only.
    pub const VERIFY: Self = Self(b'V');
    /// `X`: key derivation.
    pub const DERIVE: Self = Self(b'X');
    /// `Y`: key variants.
    pub const VARIANT: Self = Self(b'Y');
}

/// The exportability (one character).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Exportability(pub u8);

impl Exportability {
    /// `E`: exportable under a trusted key.
    pub const TRUSTED: Self = Self(b'E');
    /// `N`: not exportable.
    pub const NONE: Self = Self(b'N');
    /// `S`: sensitive: exportable under an untrusted key.
    pub const SENSITIVE: Self = Self(b'S');
}

impl fmt::Display for KeyUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b] = self.0;
        write!(f, "{}{}", char::from(a), char::from(b))
    }
}

impl fmt::Debug for KeyUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyUsage(\"{self}\")")
    }
}

macro_rules! char_code {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", char::from(self.0))
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}('{self}')", stringify!($t))
            }
        }
    )*};
}

char_code!(Version, Algorithm, ModeOfUse, Exportability);
