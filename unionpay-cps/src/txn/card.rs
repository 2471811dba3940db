//! How a card or code was read, the PIN data, and the fields every card request shares.

use alloc::string::String;
use core::fmt;

use paywire_emv_tlv::mask::{Masked, Sensitivity};
use paywire_iso8583::{Message, Mti};

use crate::error::{Error, ErrorKind, Result};
use crate::spec::CUPS_POS;

use super::fields::{digits, set, set_amount};
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

/// Sets the card or code fields of a request: 2, 22, 23, 26, 35, 52, 53, 55 or 59.
pub(super) fn set_presentment(
    m: &mut Message<'static>,
    entry: &Entry<'_>,
    pin: Option<&Pin<'_>>,
) -> Result<()> {
    match *entry {
        Entry::Card {
            pan,
            track2,
            sequence,
            icc,
            entry_mode,
        } => {
            if let Some(pan) = pan {
                set(m, 2, pan)?;
            }
            set(m, 22, entry_mode)?;
            if let Some(seq) = sequence {
                set(m, 23, seq)?;
            }
            if let Some(t2) = track2 {
                set(m, 35, t2.replace('=', "D"))?;
            }
            if let Some(icc) = icc {
                set(m, 55, icc)?;
            }
        }
        Entry::ScanCode(code) => {
            set(m, 22, "032")?;
            set(m, 59, tag_a3(code)?)?;
        }
    }
    if let Some(pin) = pin {
        set(m, 26, pin.capture_code)?;
        set(m, 52, pin.block)?;
        set(m, 53, pin.security)?;
    }
    Ok(())
}

/// Field 60: 60.1 transaction type, 60.2 the terminal's batch, then `tail`.
pub(super) fn set_f60(
    m: &mut Message<'static>,
    kind: &str,
    terminal: &Terminal<'_>,
    tail: &str,
) -> Result<()> {
    let mut f60 = String::from(kind);
    f60.push_str(terminal.batch);
    f60.push_str(tail);
    set(m, 60, f60)
}

/// What every card request carries: 3, (4,) 11, the card or code, 25, 41, 42, 49 and 60.
pub(super) struct CardRequest<'r> {
    pub(super) mti: Mti,
    pub(super) processing: &'r str,
    pub(super) amount: Option<u64>,
    pub(super) stan: &'r str,
    pub(super) entry: Entry<'r>,
    pub(super) pin: Option<Pin<'r>>,
    pub(super) condition: &'r str,
    pub(super) currency: &'r str,
    /// 60.1, the transaction type.
    pub(super) kind: &'r str,
    /// What follows 60.2.
    pub(super) f60_tail: &'r str,
}

pub(super) fn card_request(
    terminal: &Terminal<'_>,
    r: &CardRequest<'_>,
) -> Result<Message<'static>> {
    digits("stan", r.stan, 6)?;
    digits("batch", terminal.batch, 6)?;
    let mut m = Message::new(&CUPS_POS, r.mti);
    set(&mut m, 3, r.processing)?;
    if let Some(amount) = r.amount {
        set_amount(&mut m, amount)?;
    }
    set(&mut m, 11, r.stan)?;
    set_presentment(&mut m, &r.entry, r.pin.as_ref())?;
    set(&mut m, 25, r.condition)?;
    set(&mut m, 41, terminal.terminal_id)?;
    set(&mut m, 42, terminal.merchant_id)?;
    set(&mut m, 49, r.currency)?;
    set_f60(&mut m, r.kind, terminal, r.f60_tail)?;
    Ok(m)
}

/// Field 59 with one `A3` tag holding the payment code (tag, 3-digit length, value).
fn tag_a3(code: &str) -> Result<String> {
    if code.is_empty() || code.len() > 999 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::param(ErrorKind::InvalidParameter, "payment code"));
    }
    Ok(alloc::format!("A3{:03}{code}", code.len()))
}
