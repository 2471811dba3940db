//! The message type indicator: version, class, function, origin.

use core::fmt;

use crate::ebcdic::{self, CodePage};
use crate::error::{Error, ErrorKind, Result};
use crate::field::Writer;
use crate::field::chars;

/// A message type indicator such as `0200`: four decimal digits, an open set.
///
/// ```
/// use paywire_iso8583::Mti;
/// let mti = Mti::from_ascii(b"0200")?;
/// assert_eq!(mti, Mti::FINANCIAL_REQUEST);
/// assert_eq!((mti.version(), mti.class(), mti.function(), mti.origin()), (0, 2, 0, 0));
/// assert_eq!(mti.response().to_string(), "0210");
/// assert_eq!(Mti::new(9999)?.to_string(), "9999"); // unknown types are kept, not refused
/// assert!(Mti::from_ascii(b"02A0").is_err());
/// # Ok::<(), paywire_iso8583::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mti(pub(crate) u16);

impl Mti {
    /// `0100` authorization request.
    pub const AUTHORIZATION_REQUEST: Mti = Mti(100);
    /// `0110` authorization response.
    pub const AUTHORIZATION_RESPONSE: Mti = Mti(110);
    /// `0200` financial request.
    pub const FINANCIAL_REQUEST: Mti = Mti(200);
    /// `0210` financial response.
    pub const FINANCIAL_RESPONSE: Mti = Mti(210);
    /// `0220` financial advice.
    pub const FINANCIAL_ADVICE: Mti = Mti(220);
    /// `0320` batch upload / file action advice.
    pub const FILE_ACTION_ADVICE: Mti = Mti(320);
    /// `0400` reversal request.
    pub const REVERSAL_REQUEST: Mti = Mti(400);
    /// `0410` reversal response.
    pub const REVERSAL_RESPONSE: Mti = Mti(410);
    /// `0420` reversal advice.
    pub const REVERSAL_ADVICE: Mti = Mti(420);
    /// `0500` reconciliation (settlement) request.
    pub const RECONCILIATION_REQUEST: Mti = Mti(500);
    /// `0800` network management request (sign-in, echo, key exchange).
    pub const NETWORK_MANAGEMENT_REQUEST: Mti = Mti(800);
    /// `0810` network management response.
    pub const NETWORK_MANAGEMENT_RESPONSE: Mti = Mti(810);

    /// An MTI from its number (0–9999).
    pub const fn new(number: u16) -> Result<Self> {
        if number <= 9999 {
            Ok(Self(number))
        } else {
            Err(Error::new(ErrorKind::BadMti, Some(0), 0))
        }
    }

    /// Parses four ASCII digits.
    pub fn from_ascii(digits: &[u8]) -> Result<Self> {
        let bad = Error::new(ErrorKind::BadMti, Some(0), 0);
        let [a, b, c, d] = *digits else {
            return Err(bad);
        };
        // Four digits: at most 9999.
        let n = chars::decimal_value([a, b, c, d].into_iter()).ok_or(bad)?;
        u16::try_from(n).map(Self).map_err(|_| bad)
    }

    /// The number, e.g. `200` for `0200`.
    pub const fn number(self) -> u16 {
        self.0
    }

    /// The four digits as ASCII.
    pub const fn to_ascii(self) -> [u8; 4] {
        let n = self.0;
        use crate::field::chars::digit_char;
        [
            digit_char((n / 1000 % 10) as u8),
            digit_char((n / 100 % 10) as u8),
            digit_char((n / 10 % 10) as u8),
            digit_char((n % 10) as u8),
        ]
    }

    /// Digit 1: the version (0 = 1987, 1 = 1993, 2 = 2003).
    pub const fn version(self) -> u8 {
        (self.0 / 1000 % 10) as u8
    }

    /// Digit 2: the class (1 authorization, 2 financial, 3 file action, 4 reversal,
    /// 5 reconciliation, 6 administrative, 7 fee collection, 8 network management).
    pub const fn class(self) -> u8 {
        (self.0 / 100 % 10) as u8
    }

    /// Digit 3: the function (0 request, 1 response, 2 advice, 3 advice response,
    /// 4 notification, ...).
    pub const fn function(self) -> u8 {
        (self.0 / 10 % 10) as u8
    }

    /// Digit 4: the origin (0 acquirer, 1 acquirer repeat, 2 issuer, 3 issuer repeat, ...).
    pub const fn origin(self) -> u8 {
        (self.0 % 10) as u8
    }

    /// True for requests and advices (even function digit), false for responses.
    pub const fn is_request(self) -> bool {
        self.function().is_multiple_of(2)
    }

    /// The response to this message (`0200` → `0210`, `0420` → `0430`); a response's MTI is
    /// returned unchanged. A repeat is answered as its original (`0221` → `0230`, `0201` →
    /// `0210`): the origin digit drops its repeat bit (1 → 0, 3 → 2, 5 → 4), as jPOS's
    /// `ISOMsg.setResponseMTI` does (jpos/jPOS `jpos/src/main/java/org/jpos/iso/ISOMsg.java`).
    pub const fn response(self) -> Mti {
        if !self.is_request() {
            return self;
        }
        let unrepeated = if self.is_repeat() {
            self.0.saturating_sub(1)
        } else {
            self.0
        };
        Mti(unrepeated.saturating_add(10))
    }

    /// Whether this message repeats an earlier one (origin 1, 3 or 5: acquirer, issuer or
    /// other repeat).
    pub const fn is_repeat(self) -> bool {
        let origin = self.origin();
        origin <= 5 && origin % 2 == 1
    }

    /// The repeat of this message, sent when its answer did not arrive (`0220` → `0221`,
    /// `0420` → `0421`; jPOS `ISOMsg.setRetransmissionMTI`); a repeat, or a message whose
    /// origin has no repeat form (6–9), is returned unchanged.
    pub const fn repeat(self) -> Mti {
        let origin = self.origin();
        if origin <= 5 && origin.is_multiple_of(2) {
            Mti(self.0.saturating_add(1))
        } else {
            self
        }
    }
}

impl fmt::Display for Mti {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

impl fmt::Debug for Mti {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mti({:04})", self.0)
    }
}

impl core::str::FromStr for Mti {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::from_ascii(s.as_bytes())
    }
}

/// How the MTI is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MtiEncoding {
    /// Four ASCII digits.
    Ascii,
    /// Two bytes of BCD.
    Bcd,
    /// Four EBCDIC digits.
    Ebcdic,
}

impl MtiEncoding {
    /// `Err(Unsupported)` (field 0) for EBCDIC in a build without the `ebcdic` feature: where
    /// a spec is validated, an MTI read and one written.
    #[inline(always)]
    pub(crate) fn check_supported(self) -> Result<()> {
        if !ebcdic::ENABLED && self == Self::Ebcdic {
            return Err(Error::new(ErrorKind::Unsupported, Some(0), 0));
        }
        Ok(())
    }
}

pub(crate) fn read_mti(encoding: MtiEncoding, input: &[u8]) -> Result<(Mti, usize)> {
    encoding.check_supported()?;
    let len = match encoding {
        MtiEncoding::Bcd => 2,
        MtiEncoding::Ascii | MtiEncoding::Ebcdic => 4,
    };
    let Some(bytes) = input.get(..len) else {
        let needed = len.saturating_sub(input.len());
        return Err(Error::new(ErrorKind::Truncated { needed }, Some(0), 0));
    };
    let mut digits = [0u8; 4];
    match encoding {
        MtiEncoding::Ascii => digits.copy_from_slice(bytes),
        MtiEncoding::Ebcdic => {
            for (d, &b) in digits.iter_mut().zip(bytes) {
                *d = ebcdic::decode(CodePage::Cp037, b);
            }
        }
        MtiEncoding::Bcd => return Ok((bcd_mti(bytes)?, len)),
    }
    Ok((Mti::from_ascii(&digits)?, len))
}

/// An MTI packed in BCD: four nibbles, each a digit.
fn bcd_mti(bytes: &[u8]) -> Result<Mti> {
    let bad = Error::new(ErrorKind::BadMti, Some(0), 0);
    let &[high, low] = bytes else {
        return Err(bad);
    };
    let digits = [high >> 4, high & 0xF, low >> 4, low & 0xF];
    if digits.iter().any(|&d| d > 9) {
        return Err(bad);
    }
    let number = digits
        .iter()
        .fold(0u16, |n, &d| n.wrapping_mul(10).wrapping_add(u16::from(d)));
    Mti::new(number)
}

/// Writes the MTI in the spec's encoding.
pub(crate) fn write_mti<W: Writer + ?Sized>(
    encoding: MtiEncoding,
    mti: Mti,
    w: &mut W,
) -> Result<()> {
    encoding.check_supported()?;
    let digits = mti.to_ascii();
    match encoding {
        MtiEncoding::Ascii => Ok(w.write(&digits)?),
        MtiEncoding::Ebcdic => Ok(w.write(&digits.map(|d| ebcdic::encode(CodePage::Cp037, d)))?),
        MtiEncoding::Bcd => {
            let [a, b, c, d] = digits.map(|x| x.wrapping_sub(b'0'));
            Ok(w.write(&[(a << 4) | b, (c << 4) | d])?)
        }
    }
}

/// Bytes the MTI takes in `encoding`.
pub(crate) const fn mti_len(encoding: MtiEncoding) -> usize {
    match encoding {
        MtiEncoding::Bcd => 2,
        MtiEncoding::Ascii | MtiEncoding::Ebcdic => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_response() {
        let mti: Mti = "0420".parse().unwrap();
        assert_eq!(
            (mti.version(), mti.class(), mti.function(), mti.origin()),
            (0, 4, 2, 0)
        );
        assert_eq!(mti.response().to_ascii(), *b"0430");
        assert_eq!(Mti::FINANCIAL_REQUEST.response(), Mti::FINANCIAL_RESPONSE);
        assert_eq!(Mti::FINANCIAL_RESPONSE.response(), Mti::FINANCIAL_RESPONSE);
        // Repeats (jPOS ISOMsg: "0201 becomes 0210").
        let repeat = Mti::FINANCIAL_ADVICE.repeat();
        assert_eq!(repeat.to_ascii(), *b"0221");
        assert!(repeat.is_repeat() && !Mti::FINANCIAL_ADVICE.is_repeat());
        assert_eq!(repeat.response().to_ascii(), *b"0230");
        assert_eq!(Mti::new(201).unwrap().response().to_ascii(), *b"0210");
        assert_eq!(Mti::new(1423).unwrap().response().to_ascii(), *b"1432");
        assert_eq!(repeat.repeat(), repeat);
        assert_eq!(Mti::new(226).unwrap().repeat().to_ascii(), *b"0226");
        assert_eq!(Mti::new(1804).unwrap().version(), 1);
        assert!(Mti::new(10000).is_err());
        assert!("02A0".parse::<Mti>().is_err());
        assert!("020".parse::<Mti>().is_err());
    }
}
