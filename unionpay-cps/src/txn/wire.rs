//! The MAC of field 64 and the frame around a message.

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

#[cfg(feature = "alloc")]
use paywire_iso8583::Message;
use paywire_iso8583::{MessageRef, Slots};

use crate::error::{Error, ErrorKind, Result};
#[cfg(feature = "alloc")]
use crate::framing::{Header, Tpdu};
use crate::key::Key;
use crate::mac;

/// Encodes `message` with field 64 = the 银联 ECB MAC under `mak` (the first 8 hex characters,
/// as ASCII).
#[cfg(feature = "alloc")]
pub fn encode_with_mac(message: &Message<'_>, mak: &Key) -> Result<Vec<u8>> {
    let mut builder = message.builder();
    let mut buf = alloc::vec![0u8; message.encoded_len().saturating_add(16)];
    let len = builder
        .encode_with_mac(&mut buf, |input, out| {
            let m = mac::cups_ecb(mak, input);
            let f64 = mac::field64(&m);
            if let Some(dst) = out.get_mut(..8) {
                dst.copy_from_slice(&f64);
            }
            Ok(())
        })
        .map_err(Error::from)?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// Checks the MAC of a received message (field 64) under `mak`, in constant time.
///
/// ```
/// use paywire_iso8583::MessageRef;
/// use paywire_unionpay::{ErrorKind, Key, spec::CUPS_POS, txn};
/// // The published 0200 of blog.youkuaiyun.com/zhu244912654/article/details/80005341 with its MAC.
/// let mut bytes = hex::decode(include_str!("../../tests/vectors/cups-0200-mab.hex").trim()).unwrap();
/// bytes.extend(b"8A9E91B8");
/// let m = MessageRef::parse(&CUPS_POS, &bytes)?;
/// txn::verify_mac(&m, &Key::des_or_tdes(&[0xC2, 0x4A, 0x8F, 0xB5, 0x7A, 0xA2, 0x01, 0x23])?)?;
/// let wrong = Key::des_or_tdes(&[0xC2, 0x4A, 0x8F, 0xB5, 0x7A, 0xA2, 0x01, 0x24])?;
/// assert_eq!(txn::verify_mac(&m, &wrong).unwrap_err().kind(), ErrorKind::MacMismatch);
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
pub fn verify_mac<I: Slots>(message: &MessageRef<'_, '_, I>, mak: &Key) -> Result<()> {
    let (Some(input), Some(received)) = (message.mac_input(), message.value(64)) else {
        return Err(Error::new(ErrorKind::MacMismatch));
    };
    let expected = mac::field64(&mac::cups_ecb(mak, input));
    // Field 64 read in place (8 bytes on the stack, no copy of the message's value).
    let mut got = [0u8; 8];
    let mut len = 0usize;
    for b in received.iter() {
        match got.get_mut(len) {
            Some(slot) => *slot = b,
            None => return Err(Error::new(ErrorKind::MacMismatch)),
        }
        len = len.saturating_add(1);
    }
    Ok(paywire_cardsec::mac::verify(
        &expected,
        got.get(..len).unwrap_or_default(),
    )?)
}

/// The whole frame: 2-byte length, TPDU, header, message ([`paywire_iso8583::framing::Framing::CUPS`]).
#[cfg(feature = "alloc")]
pub fn frame(tpdu: Tpdu, header: Header, message: &[u8]) -> Result<Vec<u8>> {
    let mut head = [0u8; 11];
    let (t, h) = head.split_at_mut(5);
    t.copy_from_slice(&tpdu.to_bytes());
    h.copy_from_slice(&header.to_bytes());
    let mut out = Vec::new();
    paywire_iso8583::framing::Framing::CUPS
        .encode(&head, message, &mut out)
        .map_err(Error::from)?;
    Ok(out)
}
