//! Framing, sans-IO: length headers and the fixed header (TPDU, dialect header) in front of a
//! message. Running out of input is [`Status::Partial`], not an error.

#[cfg(feature = "tokio-util")]
pub mod tokio;

use paywire_emv_tlv::mask::{Form, Masked, Sensitivity};

use crate::error::{Error, ErrorKind, Result};
use crate::field::Writer;
use crate::field::prefix::{prefix_value, write_prefix};
use crate::spec::Prefix;

/// The length header in front of every frame. It counts the bytes after itself (header and
/// message).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LengthHeader {
    /// Two bytes, big-endian binary (the most common).
    Binary2,
    /// Four ASCII digits.
    Ascii4,
    /// Two bytes of BCD (up to 9999).
    Bcd2,
}

impl LengthHeader {
    /// The header as the length prefix it is: the same readers and writers as a field's.
    const fn prefix(self) -> Prefix {
        match self {
            Self::Binary2 => Prefix::binary(2),
            Self::Ascii4 => Prefix::ascii(4),
            Self::Bcd2 => Prefix::bcd(4),
        }
    }

    /// Bytes the header takes.
    pub const fn len(self) -> usize {
        self.prefix().wire_len()
    }

    /// Always false (present for symmetry with `len`).
    pub const fn is_empty(self) -> bool {
        false
    }

    /// The largest length the header can carry.
    pub const fn max(self) -> usize {
        self.prefix().capacity()
    }

    fn read(self, bytes: &[u8]) -> Result<usize> {
        prefix_value(self.prefix(), bytes).ok_or(Error::new(ErrorKind::BadFrameLength, None, 0))
    }

    fn write<W: Writer + ?Sized>(self, n: usize, w: &mut W) -> Result<()> {
        if n > self.max() {
            return Err(Error::new(ErrorKind::MessageTooLong, None, 0));
        }
        write_prefix(self.prefix(), n, w)
    }
}

/// A framing: an optional length header, then `header_len` bytes of header (TPDU and the like)
/// before the MTI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Framing {
    /// The length header, if any.
    pub length: Option<LengthHeader>,
    /// Fixed header bytes between the length header and the MTI.
    pub header_len: usize,
}

impl Framing {
    /// 2-byte binary length, no header.
    pub const LEN2: Self = Self {
        length: Some(LengthHeader::Binary2),
        header_len: 0,
    };
    /// 4 ASCII digits of length, no header.
    pub const LEN4_ASCII: Self = Self {
        length: Some(LengthHeader::Ascii4),
        header_len: 0,
    };
    /// 2-byte BCD length, no header.
    pub const LEN2_BCD: Self = Self {
        length: Some(LengthHeader::Bcd2),
        header_len: 0,
    };
    /// China UnionPay POS: 2-byte binary length, 5-byte TPDU, 6-byte header.
    pub const CUPS: Self = Self {
        length: Some(LengthHeader::Binary2),
        header_len: 11,
    };

    /// Reads one frame from the start of `input`.
    ///
    /// ```
    /// use paywire_iso8583::framing::{Framing, Status};
    /// // A CUPS frame: 2-byte length, TPDU 6000030000, header 603100310000, then the message.
    /// let input = b"\x00\x0F\x60\x00\x03\x00\x00\x60\x31\x00\x31\x00\x000800";
    /// let Status::Complete(frame) = Framing::CUPS.decode(input)? else { panic!("complete") };
    /// assert_eq!((frame.header.len(), frame.message, frame.consumed), (11, &b"0800"[..], 17));
    /// assert!(matches!(Framing::CUPS.decode(&input[..9])?, Status::Partial { needed: 8 }));
    /// # Ok::<(), paywire_iso8583::Error>(())
    /// ```
    pub fn decode<'a>(&self, input: &'a [u8]) -> Result<Status<Frame<'a>>> {
        let (body_start, body_len) = match self.length {
            Some(header) => {
                let Some(bytes) = input.get(..header.len()) else {
                    return Ok(Status::Partial {
                        needed: header.len().saturating_sub(input.len()),
                    });
                };
                (header.len(), header.read(bytes)?)
            }
            None => (0, input.len()),
        };
        if body_len < self.header_len {
            return Err(Error::new(ErrorKind::BadFrameLength, None, 0));
        }
        let end = body_start.saturating_add(body_len);
        let Some(body) = input.get(body_start..end) else {
            return Ok(Status::Partial {
                needed: end.saturating_sub(input.len()),
            });
        };
        let (header, message) = body
            .split_at_checked(self.header_len)
            .unwrap_or((body, &[]));
        Ok(Status::Complete(Frame {
            header,
            message,
            consumed: end,
            message_offset: body_start.saturating_add(self.header_len),
        }))
    }

    /// Bytes a frame around a `message_len`-byte message takes.
    pub const fn frame_len(&self, message_len: usize) -> usize {
        let length = match self.length {
            Some(h) => h.len(),
            None => 0,
        };
        length
            .saturating_add(self.header_len)
            .saturating_add(message_len)
    }

    /// Writes the length header and `header` (which must be `header_len` bytes), then `message`.
    pub fn encode<W: Writer + ?Sized>(
        &self,
        header: &[u8],
        message: &[u8],
        w: &mut W,
    ) -> Result<()> {
        if header.len() != self.header_len {
            return Err(Error::new(ErrorKind::BadFrameLength, None, 0));
        }
        if let Some(length) = self.length {
            length.write(header.len().saturating_add(message.len()), w)?;
        }
        w.write(header)?;
        Ok(w.write(message)?)
    }
}

/// The outcome of reading from a buffer that may not hold a whole frame yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status<T> {
    /// A whole frame.
    Complete(T),
    /// At least `needed` more bytes are required.
    Partial {
        /// Bytes missing.
        needed: usize,
    },
}

/// One frame read from a buffer (`Debug` shows the header, and the message's length only).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The header bytes between the length and the MTI (TPDU etc.).
    pub header: &'a [u8],
    /// The message, MTI first.
    pub message: &'a [u8],
    /// Bytes of input the frame took (length header included).
    pub consumed: usize,
    /// Offset of the message in the input (to move message errors with `Error::with_base`).
    pub message_offset: usize,
}

impl core::fmt::Debug for Frame<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Frame")
            .field("header", &hex(self.header))
            .field("message_len", &self.message.len())
            .field("consumed", &self.consumed)
            .field("message_offset", &self.message_offset)
            .finish()
    }
}

/// Header bytes (TPDU and the like, never card data) as uppercase hex.
pub(crate) fn hex(bytes: &[u8]) -> impl core::fmt::Debug + '_ {
    Masked::new(Sensitivity::Public, bytes.iter().copied()).public_as(Form::Hex)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    #[test]
    fn partial_then_complete() {
        let f = Framing::LEN2;
        assert_eq!(f.decode(&[0x00]).unwrap(), Status::Partial { needed: 1 });
        assert_eq!(
            f.decode(&[0x00, 0x04, b'0', b'8']).unwrap(),
            Status::Partial { needed: 2 }
        );
        let Status::Complete(frame) = f.decode(b"\x00\x0408001").unwrap() else {
            panic!()
        };
        assert_eq!((frame.message, frame.consumed), (&b"0800"[..], 6));
    }

    #[test]
    fn headers_round_trip() {
        for f in [
            Framing::LEN2,
            Framing::LEN4_ASCII,
            Framing::LEN2_BCD,
            Framing::CUPS,
        ] {
            let header = &[0x60, 0, 0, 0, 0, 0x60, 0x31, 0, 0x31, 0, 0][..f.header_len];
            let mut out = Vec::new();
            f.encode(header, b"0800", &mut out).unwrap();
            assert_eq!(out.len(), f.frame_len(4));
            let Status::Complete(frame) = f.decode(&out).unwrap() else {
                panic!()
            };
            assert_eq!((frame.header, frame.message), (header, &b"0800"[..]));
        }
        let mut out = Vec::new();
        Framing::LEN4_ASCII.encode(&[], b"0800", &mut out).unwrap();
        assert_eq!(out, b"00040800");
        assert_eq!(
            Framing::LEN4_ASCII.decode(b"00a40800").unwrap_err().kind(),
            ErrorKind::BadFrameLength
        );
        assert_eq!(
            Framing::CUPS.decode(b"\x00\x03abc").unwrap_err().kind(),
            ErrorKind::BadFrameLength
        );
    }
}
