//! A `tokio-util` codec for framed ISO 8583 (feature `tokio-util`), for acquirer hosts.
//!
//! [`FrameCodec`] splits frames off the read buffer without copying (`BytesMut::split_to` then
//! `freeze`), and writes the length header and header in front of a message. Parse the message
//! with [`crate::MessageRef::parse`] on [`OwnedFrame::message`].

use bytes::{BufMut, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use super::{Framing, LengthHeader, Status, hex};
use crate::error::{Error, ErrorKind, Result};
use crate::field::Writer;

/// A frame owned by the codec's buffers (`Debug` shows the header, and the message's length
/// only).
#[derive(Clone, PartialEq, Eq)]
pub struct OwnedFrame {
    /// The header between the length and the MTI (TPDU etc.).
    pub header: Bytes,
    /// The message, MTI first.
    pub message: Bytes,
}

impl core::fmt::Debug for OwnedFrame {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OwnedFrame")
            .field("header", &hex(&self.header))
            .field("message_len", &self.message.len())
            .finish()
    }
}

/// Decodes and encodes frames of one [`Framing`], refusing frames over `max_frame` bytes before
/// buffering them.
///
/// ```
/// use bytes::BytesMut;
/// use paywire_iso8583::framing::{Framing, tokio::FrameCodec};
/// use tokio_util::codec::Decoder as _;
/// let mut codec = FrameCodec::new(Framing::LEN2).with_max_frame(4096);
/// let mut buf = BytesMut::from(&b"\x00\x0408"[..]);
/// assert!(codec.decode(&mut buf)?.is_none()); // wait for more
/// buf.extend_from_slice(b"00");
/// let frame = codec.decode(&mut buf)?.unwrap();
/// assert_eq!(&frame.message[..], b"0800");
/// # Ok::<(), paywire_iso8583::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FrameCodec {
    framing: Framing,
    max_frame: usize,
}

impl FrameCodec {
    /// A codec for `framing` with the largest frame the length header allows.
    pub const fn new(framing: Framing) -> Self {
        let max_frame = match framing.length {
            Some(h) => h.max(),
            None => crate::MAX_MESSAGE_LEN,
        };
        Self { framing, max_frame }
    }

    /// The same codec refusing frames longer than `max_frame` bytes (after the length header).
    #[must_use]
    pub const fn with_max_frame(self, max_frame: usize) -> Self {
        Self { max_frame, ..self }
    }
}

impl Decoder for FrameCodec {
    type Item = OwnedFrame;
    type Error = Error;

    /// A VMLH poll (a zero length) is consumed and skipped, as jPOS's `VAPChannel` does.
    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<OwnedFrame>> {
        loop {
            match self.decode_one(src)? {
                Some(f) if self.framing.length == Some(LengthHeader::Vmlh) && f.is_poll() => {}
                other => return Ok(other),
            }
        }
    }
}

impl OwnedFrame {
    fn is_poll(&self) -> bool {
        self.header.is_empty() && self.message.is_empty()
    }
}

impl FrameCodec {
    fn decode_one(&mut self, src: &mut BytesMut) -> Result<Option<OwnedFrame>> {
        let (consumed, header_range, message_range) = match self.framing.decode(src)? {
            Status::Partial { needed } => {
                let wanted = src.len().saturating_add(needed);
                if wanted > self.max_frame.saturating_add(4) {
                    return Err(Error::new(ErrorKind::MessageTooLong, None, 0));
                }
                src.reserve(needed);
                return Ok(None);
            }
            Status::Complete(frame) => {
                let start = frame.message_offset.saturating_sub(frame.header.len());
                (
                    frame.consumed,
                    start..frame.message_offset,
                    frame.message_offset..frame.message_offset.saturating_add(frame.message.len()),
                )
            }
        };
        if message_range.end.saturating_sub(header_range.start) > self.max_frame {
            return Err(Error::new(ErrorKind::MessageTooLong, None, 0));
        }
        let frame = src.split_to(consumed).freeze();
        Ok(Some(OwnedFrame {
            header: frame.slice(header_range),
            message: frame.slice(message_range),
        }))
    }
}

struct BufWriter<'b>(&'b mut BytesMut);

impl Writer for BufWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> core::result::Result<(), crate::Full> {
        self.0.put_slice(bytes);
        Ok(())
    }
}

impl Encoder<OwnedFrame> for FrameCodec {
    type Error = Error;

    fn encode(&mut self, item: OwnedFrame, dst: &mut BytesMut) -> Result<()> {
        let len = item.header.len().saturating_add(item.message.len());
        if len > self.max_frame {
            return Err(Error::new(ErrorKind::MessageTooLong, None, 0));
        }
        dst.reserve(self.framing.frame_len(item.message.len()));
        self.framing
            .encode(&item.header, &item.message, &mut BufWriter(dst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_partial_and_oversized() {
        let mut codec = FrameCodec::new(Framing::LEN2);
        let mut buf = BytesMut::from(&b"\x00\x0408"[..]);
        assert_eq!(codec.decode(&mut buf).unwrap(), None);
        buf.extend_from_slice(b"00\x00\x01");
        let frame = codec.decode(&mut buf).unwrap().unwrap();
        assert_eq!(&frame.message[..], b"0800");
        assert_eq!(&buf[..], b"\x00\x01");
        let mut out = BytesMut::new();
        codec.encode(frame, &mut out).unwrap();
        assert_eq!(&out[..], b"\x00\x040800");
        // VMLH polls are skipped; a delimited frame is split at its delimiter.
        let mut vap = FrameCodec::new(Framing::VMLH);
        let mut buf = BytesMut::from(&b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x000800"[..]);
        let frame = vap.decode(&mut buf).unwrap().unwrap();
        assert_eq!((&frame.message[..], buf.len()), (&b"0800"[..], 0));
        let mut etx = FrameCodec::new(Framing::new(None).with_header(2).delimited(0x03));
        let mut buf = BytesMut::from(&b"H10800"[..]);
        assert_eq!(etx.decode(&mut buf).unwrap(), None);
        buf.extend_from_slice(b"\x03H2");
        let frame = etx.decode(&mut buf).unwrap().unwrap();
        assert_eq!(
            (&frame.header[..], &frame.message[..]),
            (&b"H1"[..], &b"0800"[..])
        );
        assert_eq!(&buf[..], b"H2");
        let mut out = BytesMut::new();
        etx.encode(frame, &mut out).unwrap();
        assert_eq!(&out[..], b"H10800\x03");
        // A delimiter that never comes stops at the largest frame.
        let mut etx = etx.with_max_frame(8);
        let mut buf = BytesMut::from(&b"H1080008100820"[..]);
        assert_eq!(
            etx.decode(&mut buf).unwrap_err().kind(),
            ErrorKind::MessageTooLong
        );
        let mut small = FrameCodec::new(Framing::LEN2).with_max_frame(3);
        let mut buf = BytesMut::from(&b"\x00\x040800"[..]);
        assert_eq!(
            small.decode(&mut buf).unwrap_err().kind(),
            ErrorKind::MessageTooLong
        );
    }
}
