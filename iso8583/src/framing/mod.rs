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
/// message), except [`LengthHeader::Binary2Inclusive`], which counts itself too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LengthHeader {
    /// Two bytes, big-endian binary (the most common; jPOS `NACChannel`, `PostChannel`).
    Binary2,
    /// Two bytes, big-endian binary, counting its own two bytes as well (some switches).
    Binary2Inclusive,
    /// Four ASCII digits (jPOS `ASCIIChannel`).
    Ascii4,
    /// Two bytes of BCD (up to 9999; jPOS `NCCChannel`).
    Bcd2,
    /// Visa's message length header (VMLH): two bytes of big-endian binary length, then two
    /// reserved zero bytes, as jPOS's `VAPChannel` writes it (`sendMessageLength`: length
    /// high, length low, 0, 0). A zero length is a VAP poll: a frame with an empty message.
    Vmlh,
}

impl LengthHeader {
    /// The number in the header as the length prefix it is: the same readers and writers as a
    /// field's.
    const fn prefix(self) -> Prefix {
        match self {
            Self::Binary2 | Self::Binary2Inclusive | Self::Vmlh => Prefix::binary(2),
            Self::Ascii4 => Prefix::ascii(4),
            Self::Bcd2 => Prefix::bcd(4),
        }
    }

    /// Bytes the header takes.
    pub const fn len(self) -> usize {
        match self {
            Self::Vmlh => 4,
            _ => self.prefix().wire_len(),
        }
    }

    /// Always false (present for symmetry with `len`).
    pub const fn is_empty(self) -> bool {
        false
    }

    /// The largest length (of what follows the header) the header can carry.
    pub const fn max(self) -> usize {
        match self {
            Self::Binary2Inclusive => self.prefix().capacity().saturating_sub(2),
            _ => self.prefix().capacity(),
        }
    }

    /// The length of what follows the header.
    fn read(self, bytes: &[u8]) -> Result<usize> {
        let bad = Error::new(ErrorKind::BadFrameLength, None, 0);
        let (number, rest) = bytes
            .split_at_checked(self.prefix().wire_len())
            .ok_or(bad)?;
        if rest.iter().any(|&b| b != 0) {
            return Err(bad);
        }
        let n = prefix_value(self.prefix(), number).ok_or(bad)?;
        match self {
            Self::Binary2Inclusive => n.checked_sub(2).ok_or(bad),
            _ => Ok(n),
        }
    }

    /// The header at the start of `input`: where the counted bytes start and how many there
    /// are, or the partial status when the header itself is not all there.
    #[inline(always)]
    fn read_from<T>(self, input: &[u8]) -> Result<core::result::Result<(usize, usize), Status<T>>> {
        let Some(bytes) = input.get(..self.len()) else {
            return Ok(Err(Status::Partial {
                needed: self.len().saturating_sub(input.len()),
            }));
        };
        Ok(Ok((self.len(), self.read(bytes)?)))
    }

    fn write<W: Writer + ?Sized>(self, n: usize, w: &mut W) -> Result<()> {
        if n > self.max() {
            return Err(Error::new(ErrorKind::MessageTooLong, None, 0));
        }
        match self {
            Self::Binary2Inclusive => write_prefix(self.prefix(), n.saturating_add(2), w),
            Self::Vmlh => {
                write_prefix(self.prefix(), n, w)?;
                Ok(w.write(&[0, 0])?)
            }
            _ => write_prefix(self.prefix(), n, w),
        }
    }
}

/// A framing: an optional length header, then `header_len` bytes of header (TPDU, a dialect's
/// fixed header) before the MTI, and an optional delimiter byte after the message.
///
/// Without a length header the frame ends at the delimiter (`Framing::delimited`); without
/// either it is the whole input (one message per datagram or HTTP body). Built with the
/// constants and the `const` builders, so new parts can be added without breaking callers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Framing {
    /// The length header, if any.
    pub length: Option<LengthHeader>,
    /// Fixed header bytes between the length header and the MTI.
    pub header_len: usize,
    /// A byte that ends every frame (ETX and the like), not part of the message. With a length
    /// header the byte must follow the counted bytes; without one, the frame ends at its first
    /// occurrence — so only messages that cannot contain it (text dialects) use it alone.
    pub delimiter: Option<u8>,
}

impl Framing {
    /// 2-byte binary length, no header.
    pub const LEN2: Self = Self::new(Some(LengthHeader::Binary2));
    /// 2-byte binary length counting itself, no header.
    pub const LEN2_INCLUSIVE: Self = Self::new(Some(LengthHeader::Binary2Inclusive));
    /// 4 ASCII digits of length, no header.
    pub const LEN4_ASCII: Self = Self::new(Some(LengthHeader::Ascii4));
    /// 2-byte BCD length, no header.
    pub const LEN2_BCD: Self = Self::new(Some(LengthHeader::Bcd2));
    /// Visa's 4-byte VMLH, no header.
    pub const VMLH: Self = Self::new(Some(LengthHeader::Vmlh));
    /// 2-byte binary length and a 5-byte TPDU (jPOS `NACChannel`).
    pub const LEN2_TPDU: Self = Self::LEN2.with_header(5);
    /// China UnionPay POS: 2-byte binary length, 5-byte TPDU, 6-byte header.
    pub const CUPS: Self = Self::LEN2.with_header(11);

    /// A framing with `length` and nothing else.
    pub const fn new(length: Option<LengthHeader>) -> Self {
        Self {
            length,
            header_len: 0,
            delimiter: None,
        }
    }

    /// The same framing with `header_len` fixed header bytes before the MTI (a TPDU is 5, a
    /// dialect's own header whatever it says).
    #[must_use]
    pub const fn with_header(self, header_len: usize) -> Self {
        Self { header_len, ..self }
    }

    /// The same framing with `delimiter` after every message.
    #[must_use]
    pub const fn delimited(self, delimiter: u8) -> Self {
        Self {
            delimiter: Some(delimiter),
            ..self
        }
    }

    /// Reads one frame from the start of `input`.
    ///
    /// ```
    /// use paywire_iso8583::framing::{Framing, Status};
    /// // A CUPS frame: 2-byte length, TPDU 6000030000, header 603100310000, then the message.
    /// let input = b"\x00\x0F\x60\x00\x03\x00\x00\x60\x31\x00\x31\x00\x000800";
    /// let Status::Complete(frame) = Framing::CUPS.decode(input)? else { panic!("complete") };
    /// assert_eq!((frame.header.len(), frame.message, frame.consumed), (11, &b"0800"[..], 17));
    /// assert!(matches!(Framing::CUPS.decode(&input[..9])?, Status::Partial { needed: 8 }));
    /// // No length: the frame ends at the delimiter (ETX here).
    /// let etx = Framing::new(None).delimited(0x03);
    /// assert!(matches!(etx.decode(b"0800")?, Status::Partial { needed: 1 }));
    /// let Status::Complete(frame) = etx.decode(b"0800\x030810")? else { panic!("complete") };
    /// assert_eq!((frame.message, frame.consumed), (&b"0800"[..], 5));
    /// # Ok::<(), paywire_iso8583::Error>(())
    /// ```
    pub fn decode<'a>(&self, input: &'a [u8]) -> Result<Status<Frame<'a>>> {
        if self.delimiter.is_some() {
            return self.decode_delimited(input);
        }
        let (body_start, body_len) = match self.length {
            Some(header) => match header.read_from(input)? {
                Ok(counted) => counted,
                Err(partial) => return Ok(partial),
            },
            None => (0, input.len()),
        };
        self.frame(input, body_start, body_len, 0)
    }

    /// [`Framing::decode`] for a framing with a delimiter: after the counted bytes, or, without
    /// a length, at its first occurrence. Out of line: the common framings do without.
    #[cold]
    #[inline(never)]
    fn decode_delimited<'a>(&self, input: &'a [u8]) -> Result<Status<Frame<'a>>> {
        let (body_start, body_len) = match (self.length, self.delimiter) {
            (Some(header), _) => match header.read_from(input)? {
                Ok(counted) => counted,
                Err(partial) => return Ok(partial),
            },
            (None, Some(d)) => match input.iter().position(|&b| b == d) {
                Some(at) => (0, at),
                None => return Ok(Status::Partial { needed: 1 }),
            },
            (None, None) => (0, input.len()),
        };
        self.frame(input, body_start, body_len, 1)
    }

    /// The frame whose counted part starts at `body_start` and is `body_len` bytes, followed by
    /// `trailer` delimiter bytes (0 or 1).
    #[inline(always)]
    fn frame<'a>(
        &self,
        input: &'a [u8],
        body_start: usize,
        body_len: usize,
        trailer: usize,
    ) -> Result<Status<Frame<'a>>> {
        if body_len < self.header_len {
            return Err(Error::new(ErrorKind::BadFrameLength, None, 0));
        }
        let end = body_start.saturating_add(body_len);
        let Some(body) = input.get(body_start..end) else {
            return Ok(Status::Partial {
                needed: end.saturating_add(trailer).saturating_sub(input.len()),
            });
        };
        let consumed = match self.delimiter {
            Some(d) if trailer > 0 => match input.get(end) {
                Some(&b) if b == d => end.saturating_add(1),
                Some(_) => return Err(Error::new(ErrorKind::BadFrameLength, None, end)),
                None => return Ok(Status::Partial { needed: 1 }),
            },
            _ => end,
        };
        let (header, message) = body
            .split_at_checked(self.header_len)
            .unwrap_or((body, &[]));
        Ok(Status::Complete(Frame {
            header,
            message,
            consumed,
            message_offset: body_start.saturating_add(self.header_len),
        }))
    }

    /// Bytes a frame around a `message_len`-byte message takes.
    pub const fn frame_len(&self, message_len: usize) -> usize {
        let length = match self.length {
            Some(h) => h.len(),
            None => 0,
        };
        let delimiter = if self.delimiter.is_some() { 1 } else { 0 };
        length
            .saturating_add(self.header_len)
            .saturating_add(message_len)
            .saturating_add(delimiter)
    }

    /// Writes the length header and `header` (which must be `header_len` bytes), then `message`
    /// and the delimiter. A delimited frame without a length refuses a header or message that
    /// contains the delimiter (it would end the frame early).
    pub fn encode<W: Writer + ?Sized>(
        &self,
        header: &[u8],
        message: &[u8],
        w: &mut W,
    ) -> Result<()> {
        if header.len() != self.header_len {
            return Err(Error::new(ErrorKind::BadFrameLength, None, 0));
        }
        if let (None, Some(d)) = (self.length, self.delimiter)
            && let Some(at) = header.iter().chain(message).position(|&b| b == d)
        {
            return Err(Error::new(ErrorKind::BadFrameLength, None, at));
        }
        if let Some(length) = self.length {
            length.write(header.len().saturating_add(message.len()), w)?;
        }
        w.write(header)?;
        w.write(message)?;
        if let Some(d) = self.delimiter {
            w.write(&[d])?;
        }
        Ok(())
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
    use std::vec;
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
            Framing::LEN2_INCLUSIVE,
            Framing::LEN4_ASCII,
            Framing::LEN2_BCD,
            Framing::VMLH,
            Framing::LEN2_TPDU,
            Framing::CUPS,
            Framing::LEN2.with_header(3).delimited(0x03),
            Framing::new(None).with_header(5).delimited(b'\n'),
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

    fn framed(f: Framing, header: &[u8], message: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        f.encode(header, message, &mut out).unwrap();
        out
    }

    #[test]
    fn inclusive_vmlh_tpdu_and_delimiters_on_the_wire() {
        // The length counting itself: 4 message bytes + 2.
        assert_eq!(
            framed(Framing::LEN2_INCLUSIVE, &[], b"0800"),
            b"\x00\x060800"
        );
        let bad = Framing::LEN2_INCLUSIVE.decode(b"\x00\x01").unwrap_err();
        assert_eq!(bad.kind(), ErrorKind::BadFrameLength);
        // VMLH: length high, length low, 0, 0 (jPOS VAPChannel.sendMessageLength); the
        // reserved bytes must be zero; a zero length is a poll.
        assert_eq!(framed(Framing::VMLH, &[], b"0800"), b"\x00\x04\x00\x000800");
        let bad = Framing::VMLH.decode(b"\x00\x04\x00\x010800").unwrap_err();
        assert_eq!(bad.kind(), ErrorKind::BadFrameLength);
        let Status::Complete(poll) = Framing::VMLH.decode(b"\x00\x00\x00\x00").unwrap() else {
            panic!()
        };
        assert_eq!((poll.message, poll.consumed), (&b""[..], 4));
        // Length + TPDU (jPOS NACChannel).
        let tpdu = [0x60, 0x00, 0x03, 0x00, 0x00];
        assert_eq!(
            framed(Framing::LEN2_TPDU, &tpdu, b"0800"),
            b"\x00\x09\x60\x00\x03\x00\x000800"
        );
        // A delimiter after a counted frame must be there; alone, it ends the frame.
        let etx = Framing::LEN2.delimited(0x03);
        assert_eq!(framed(etx, &[], b"0800"), b"\x00\x040800\x03");
        assert_eq!(
            etx.decode(b"\x00\x040800").unwrap(),
            Status::Partial { needed: 1 }
        );
        assert_eq!(
            etx.decode(b"\x00\x040800\x04").unwrap_err().kind(),
            ErrorKind::BadFrameLength
        );
        let lines = Framing::new(None).delimited(b'\n');
        let mut out = Vec::new();
        let err = lines.encode(&[], b"08\n0", &mut out).unwrap_err();
        assert_eq!((err.kind(), err.offset()), (ErrorKind::BadFrameLength, 2));
        let Status::Complete(first) = lines.decode(b"0800\n0810\n").unwrap() else {
            panic!()
        };
        assert_eq!((first.message, first.consumed), (&b"0800"[..], 5));
        // Every length header refuses a frame longer than it can count.
        for h in [
            LengthHeader::Binary2,
            LengthHeader::Binary2Inclusive,
            LengthHeader::Ascii4,
            LengthHeader::Bcd2,
            LengthHeader::Vmlh,
        ] {
            let big = vec![b'0'; h.max() + 1];
            let err = Framing::new(Some(h))
                .encode(&[], &big, &mut Vec::new())
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::MessageTooLong, "{h:?}");
            let max = vec![b'0'; h.max()];
            let frame = framed(Framing::new(Some(h)), &[], &max);
            let Status::Complete(f) = Framing::new(Some(h)).decode(&frame).unwrap() else {
                panic!()
            };
            assert_eq!(f.message.len(), h.max(), "{h:?}");
        }
    }
}
