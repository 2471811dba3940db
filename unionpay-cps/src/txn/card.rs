//! How a card or code was read, the PIN data, and the fields every card request shares.

use core::fmt;

use paywire_emv_tlv::mask::{Masked, Sensitivity};

#[cfg(feature = "alloc")]
use crate::error::Result;

#[cfg(feature = "alloc")]
use super::request::{CardRequest, Scratch, card_fields};
#[cfg(feature = "alloc")]
use super::terminal::Terminal;

/// How the card or code was read. `Debug` masks the PAN and track and hides the ICC data.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Entry<'a> {
    /// A card: PAN (field 2) and / or track 2 (35, `D` or `=` separator), card sequence (23),
    /// ICC data (55, BER-TLV), and the entry mode (22, e.g. `021` swiped with PIN, `051` chip
    /// with PIN, `072` contactless without PIN).
    Card {
        /// Field 2.
        pan: Option<&'a str>,
        /// Field 35.
        track2: Option<&'a str>,
        /// Field 23, 3 digits.
        sequence: Option<&'a str>,
        /// Field 55.
        icc: Option<&'a [u8]>,
        /// Field 22, 3 digits.
        entry_mode: &'a str,
    },
    /// A consumer's payment code scanned by the terminal (UnionPay C2B / QR): 59 tag `A3`,
    /// entry mode `032`.
    ScanCode(&'a str),
}

impl fmt::Debug for Entry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Card {
                pan,
                track2,
                sequence,
                icc,
                entry_mode,
            } => f
                .debug_struct("Card")
                .field("pan", &pan.map(|p| masked(Sensitivity::Pan, p)))
                .field("track2", &track2.map(|t| masked(Sensitivity::Track, t)))
                .field("sequence", &sequence)
                .field("icc_len", &icc.map(<[u8]>::len))
                .field("entry_mode", &entry_mode)
                .finish(),
            // A payment code is as good as a card number for its minute of life.
            Self::ScanCode(code) => f
                .debug_tuple("ScanCode")
                .field(&masked(Sensitivity::Pan, code))
                .finish(),
        }
    }
}

fn masked(sensitivity: Sensitivity, text: &str) -> Masked<impl Iterator<Item = u8> + Clone + '_> {
    Masked::new(sensitivity, text.bytes())
}

/// The PIN data of a purchase (`Debug` hides the PIN block).
#[derive(Clone, Copy)]
pub struct Pin<'a> {
    /// Field 52: the encrypted PIN block (see [`crate::pin`]).
    pub block: &'a [u8],
    /// Field 26, 2 digits (the host's PIN capture code; the published purchase uses `06`).
    pub capture_code: &'a str,
    /// Field 53, 16 digits: PIN format (2 = ISO 9564-0 with PAN), algorithm (6 = double
    /// length), track encryption, zeros — e.g. `2600000000000000`.
    pub security: &'a str,
}

impl fmt::Debug for Pin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pin")
            .field(
                "block",
                &Masked::new(Sensitivity::PinBlock, self.block.iter().copied()),
            )
            .field("capture_code", &self.capture_code)
            .field("security", &self.security)
            .finish()
    }
}

/// The request as an owned message (the `alloc` builders): the same fields as the `*_to_slice`
/// builders write (see [`super::request`]).
#[cfg(feature = "alloc")]
pub(super) fn card_request(
    terminal: &Terminal<'_>,
    r: &CardRequest<'_>,
) -> Result<paywire_iso8583::Message<'static>> {
    let scratch = Scratch::of(terminal, r)?;
    let mut m = paywire_iso8583::Message::new(&crate::spec::CUPS_POS, r.mti);
    card_fields(&mut m, terminal, r, &scratch)?;
    Ok(m)
}
