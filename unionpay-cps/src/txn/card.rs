//! How a card or code was read, the PIN data, and the original a void or refund names.

use core::fmt;

use paywire_emv_tlv::mask::{Masked, Sensitivity};

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

/// The original transaction a void or a refund points at.
#[derive(Clone, Copy, Debug)]
pub struct Original<'a> {
    /// 61.1: the original's batch (its 60.2), 6 digits.
    pub batch: &'a str,
    /// 61.2: the original's trace number (its field 11), 6 digits.
    pub stan: &'a str,
    /// Field 37: the retrieval reference number of the original's answer, 12 characters.
    pub rrn: &'a str,
    /// Field 38: the original's authorization code, when its answer carried one.
    pub auth_code: Option<&'a str>,
    /// 61.3: the original's date (MMDD, its field 13); a refund needs it, a void does not send it.
    pub date: Option<&'a str>,
}
