//! The UnionPay POS frame around a message: 2-byte length, 5-byte TPDU, 6-byte header
//! (alon0808/ProjectAfcApp code/AfcCore/UnionPay/qpboc_8583.h).

use crate::error::{Error, ErrorKind, Result};

/// Transport protocol data unit: ID (`60`), destination and source addresses (2 bytes each).
///
/// ```
/// use paywire_unionpay::framing::parse_header;
/// // rufus123456/Java8583Sample IsoTest.java: TPDU 6000000004, header 603100310000.
/// let (tpdu, header) = parse_header(&[0x60, 0x00, 0x00, 0x00, 0x04, 0x60, 0x31, 0x00, 0x31, 0x00, 0x00])?;
/// assert_eq!((tpdu.destination, tpdu.source), ([0, 0], [0, 4]));
/// assert_eq!(tpdu.reply().to_bytes(), [0x60, 0x00, 0x04, 0x00, 0x00]); // addresses swapped
/// assert_eq!((header.application, header.version), (0x60, 0x31));
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tpdu {
    /// TPDU ID, `0x60` in UnionPay traffic.
    pub id: u8,
    /// Destination address.
    pub destination: [u8; 2],
    /// Source address.
    pub source: [u8; 2],
}

impl Tpdu {
    /// Reads the 5 bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        match *bytes {
            [id, d0, d1, s0, s1] => Ok(Self {
                id,
                destination: [d0, d1],
                source: [s0, s1],
            }),
            _ => Err(Error::new(ErrorKind::BadFrame)),
        }
    }

    /// The 5 bytes.
    pub const fn to_bytes(self) -> [u8; 5] {
        let [d0, d1] = self.destination;
        let [s0, s1] = self.source;
        [self.id, d0, d1, s0, s1]
    }

    /// The TPDU of the reply: destination and source swapped.
    pub const fn reply(self) -> Self {
        Self {
            id: self.id,
            destination: self.source,
            source: self.destination,
        }
    }
}

/// The 6-byte message header: application type, software version, terminal status (high
/// nibble) and processing requirement (low nibble, the host's instruction), 3 reserved bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header {
    /// Application type (`0x60`, `0x61`).
    pub application: u8,
    /// Software version.
    pub version: u8,
    /// Terminal status (0–15).
    pub terminal_status: u8,
    /// Processing requirement sent by the host (0–15): e.g. download parameters, sign in again.
    pub processing: u8,
    /// The reserved bytes.
    pub reserved: [u8; 3],
}

impl Header {
    /// Reads the 6 bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        match *bytes {
            [application, version, status, r0, r1, r2] => Ok(Self {
                application,
                version,
                terminal_status: status >> 4,
                processing: status & 0x0F,
                reserved: [r0, r1, r2],
            }),
            _ => Err(Error::new(ErrorKind::BadFrame)),
        }
    }

    /// The 6 bytes.
    pub const fn to_bytes(self) -> [u8; 6] {
        let [r0, r1, r2] = self.reserved;
        [
            self.application,
            self.version,
            (self.terminal_status << 4) | (self.processing & 0x0F),
            r0,
            r1,
            r2,
        ]
    }
}

/// TPDU and header from the 11 header bytes `paywire_iso8583::framing::Framing::CUPS` splits off.
pub fn parse_header(bytes: &[u8]) -> Result<(Tpdu, Header)> {
    let (tpdu, header) = bytes
        .split_at_checked(5)
        .ok_or(Error::new(ErrorKind::BadFrame))?;
    Ok((Tpdu::parse(tpdu)?, Header::parse(header)?))
}
