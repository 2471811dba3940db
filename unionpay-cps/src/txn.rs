//! Everyday terminal messages on the `cups-pos` spec, and the host's answer (`alloc`).
//!
//! Layouts follow a production terminal's builders (alon0808/ProjectAfcApp `qpboc_8583.c`,
//! "AFC") and the published messages of shared/REFERENCE.md §4.7:
//! - sign-in `0800`: 11, (12, 13,) 41, 42, 60 = `00` + batch + network code (`001` single-length
//!   keys, `003` double, `004` double with TDK), 63 = operator (AFC `build8583_qpboc_SING`);
//! - purchase `0200`: (2,) 3 = `000000`, 4, 11, 22, (23,) 25, (26,) (35,) 41, 42, 49, (52, 53,)
//!   (55,) (59,) 60 = `22` + batch (+ 60.3…), 64 (AFC `build8583_qpboc_Purse_0200`); a scanned
//!   payment code goes in 59 as tag `A3` with entry mode `032` (AFC `Build_qpboc_8583_59`, `_22`);
//! - reversal `0400`: the original's 2, 3, 4, 11, 22, 23, 25, 35, 41, 42, 48, 49, 53, 55, 57, 59,
//!   60 (never its PIN block) with 39 = the reason (`98`: no answer in time), and a new MAC
//!   (AFC `build8583_qpboc_re_Purse_0400` and its saved-fields record `st_qpoc_repurse`).
//!
//! Void, refund, balance inquiry and batch settlement are not built: no public source at hand
//! gives their field sets (see the crate README).

use alloc::string::String;
use alloc::vec::Vec;

use iso8583::{Message, MessageRef, Mti};

use crate::error::{Error, ErrorKind, Result};
use crate::frame::{Header, Tpdu};
use crate::key::Key;
use crate::mac;
use crate::spec::CUPS_POS;

/// The terminal's identity and current batch.
#[derive(Clone, Copy, Debug)]
pub struct Terminal<'a> {
    /// Field 41, 8 characters.
    pub terminal_id: &'a str,
    /// Field 42, 15 characters.
    pub merchant_id: &'a str,
    /// 60.2, 6 digits.
    pub batch: &'a str,
}

/// The keys a sign-in asks for (60.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyScheme {
    /// `001`: single-length PIK and MAK.
    Single,
    /// `003`: double-length PIK and MAK.
    Double,
    /// `004`: double-length PIK and MAK, and a track key (TDK).
    DoubleWithTrackKey,
}

impl KeyScheme {
    /// The network management code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Single => "001",
            Self::Double => "003",
            Self::DoubleWithTrackKey => "004",
        }
    }
}

fn digits(name: &'static str, value: &str, len: usize) -> Result<()> {
    if value.len() == len && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::MissingParameter { name }))
    }
}

fn set(m: &mut Message<'static>, n: u8, value: impl Into<Vec<u8>>) -> Result<()> {
    m.set(n, value)
        .map(|_| ())
        .map_err(|_| Error::new(ErrorKind::Field { number: n }))
}

/// A sign-in (`0800`). `stan` is field 11 (6 digits); `time` / `date` (hhmmss, MMDD) are sent
/// when given; `operator` is 63 (AFC sends `001`; other hosts expect `CUP`).
pub fn sign_in(
    terminal: &Terminal<'_>,
    stan: &str,
    scheme: KeyScheme,
    operator: &str,
    time_date: Option<(&str, &str)>,
) -> Result<Message<'static>> {
    digits("stan", stan, 6)?;
    digits("batch", terminal.batch, 6)?;
    let mut m = Message::new(&CUPS_POS, Mti::NETWORK_MANAGEMENT_REQUEST);
    set(&mut m, 11, stan)?;
    if let Some((time, date)) = time_date {
        set(&mut m, 12, time)?;
        set(&mut m, 13, date)?;
    }
    set(&mut m, 41, terminal.terminal_id)?;
    set(&mut m, 42, terminal.merchant_id)?;
    let mut f60 = String::from("00");
    f60.push_str(terminal.batch);
    f60.push_str(scheme.code());
    set(&mut m, 60, f60)?;
    set(&mut m, 63, operator)?;
    Ok(m)
}

/// How the card or code was read.
#[derive(Clone, Copy, Debug)]
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

/// The PIN data of a purchase.
#[derive(Clone, Copy, Debug)]
pub struct Pin<'a> {
    /// Field 52: the encrypted PIN block (see [`crate::pin`]).
    pub block: &'a [u8],
    /// Field 26, 2 digits (the host's PIN capture code; the published purchase uses `06`).
    pub capture_code: &'a str,
    /// Field 53, 16 digits: PIN format (2 = ISO 9564-0 with PAN), algorithm (6 = double
    /// length), track encryption, zeros — e.g. `2600000000000000`.
    pub security: &'a str,
}

/// A purchase request.
#[derive(Clone, Copy, Debug)]
pub struct Purchase<'a> {
    /// Field 4, in the currency's minor unit (fen).
    pub amount: u64,
    /// Field 11, 6 digits.
    pub stan: &'a str,
    /// Field 49 (`156` for CNY).
    pub currency: &'a str,
    /// How the payment was presented.
    pub entry: Entry<'a>,
    /// PIN data, when the cardholder entered one.
    pub pin: Option<Pin<'a>>,
    /// Field 25 (`00` normal).
    pub condition: &'a str,
    /// What follows 60.1 and 60.2 in field 60 (empty, or e.g. `000601` as AFC sends for
    /// contactless no-PIN purchases).
    pub f60_tail: &'a str,
}

/// Field 59 with one `A3` tag holding the payment code (tag, 3-digit length, value).
fn tag_a3(code: &str) -> Result<String> {
    if code.is_empty() || code.len() > 999 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::new(ErrorKind::MissingParameter {
            name: "payment code",
        }));
    }
    Ok(alloc::format!("A3{:03}{code}", code.len()))
}

/// A purchase (`0200`), without its MAC: encode it with [`encode_with_mac`].
pub fn purchase(terminal: &Terminal<'_>, p: &Purchase<'_>) -> Result<Message<'static>> {
    digits("stan", p.stan, 6)?;
    digits("batch", terminal.batch, 6)?;
    let mut m = Message::new(&CUPS_POS, Mti::FINANCIAL_REQUEST);
    if let Entry::Card { pan: Some(pan), .. } = p.entry {
        set(&mut m, 2, pan)?;
    }
    set(&mut m, 3, "000000")?;
    set(&mut m, 4, alloc::format!("{:012}", p.amount))?;
    set(&mut m, 11, p.stan)?;
    match p.entry {
        Entry::Card {
            entry_mode,
            sequence,
            ..
        } => {
            set(&mut m, 22, entry_mode)?;
            if let Some(seq) = sequence {
                set(&mut m, 23, seq)?;
            }
        }
        Entry::ScanCode(_) => set(&mut m, 22, "032")?,
    }
    set(&mut m, 25, p.condition)?;
    if let Some(pin) = p.pin {
        set(&mut m, 26, pin.capture_code)?;
    }
    if let Entry::Card {
        track2: Some(t2), ..
    } = p.entry
    {
        set(&mut m, 35, t2.replace('=', "D"))?;
    }
    set(&mut m, 41, terminal.terminal_id)?;
    set(&mut m, 42, terminal.merchant_id)?;
    set(&mut m, 49, p.currency)?;
    if let Some(pin) = p.pin {
        set(&mut m, 52, pin.block)?;
        set(&mut m, 53, pin.security)?;
    }
    match p.entry {
        Entry::Card { icc: Some(icc), .. } => set(&mut m, 55, icc)?,
        Entry::ScanCode(code) => set(&mut m, 59, tag_a3(code)?)?,
        Entry::Card { icc: None, .. } => {}
    }
    let mut f60 = String::from("22");
    f60.push_str(terminal.batch);
    f60.push_str(p.f60_tail);
    set(&mut m, 60, f60)?;
    Ok(m)
}

/// The fields a reversal repeats from its original (AFC `st_qpoc_repurse`).
const REVERSAL_FIELDS: [u8; 17] = [
    2, 3, 4, 11, 22, 23, 25, 35, 41, 42, 48, 49, 53, 55, 57, 59, 60,
];

/// A reversal (`0400`) of `original` with reason code 39 (`98`: no answer in time; `06`:
/// other error), without its MAC.
pub fn reversal(original: &Message<'_>, reason: &str) -> Result<Message<'static>> {
    if reason.len() != 2 {
        return Err(Error::new(ErrorKind::MissingParameter { name: "reason" }));
    }
    let mut m = Message::new(&CUPS_POS, Mti::REVERSAL_REQUEST);
    for n in REVERSAL_FIELDS {
        if let Some(value) = original.get(n) {
            set(&mut m, n, value)?;
        }
    }
    set(&mut m, 39, reason)?;
    Ok(m)
}

/// Encodes `message` with field 64 = the 银联 ECB MAC under `mak` (the first 8 hex characters,
/// as ASCII).
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
        .map_err(|_| Error::new(ErrorKind::Field { number: 64 }))?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// Checks the MAC of a received message (field 64) under `mak`, in constant time.
pub fn verify_mac(message: &MessageRef<'_, '_>, mak: &Key) -> Result<()> {
    let (Some(input), Some(received)) = (message.mac_input(), message.value(64)) else {
        return Err(Error::new(ErrorKind::MacMismatch));
    };
    let expected = mac::field64(&mac::cups_ecb(mak, input));
    let got: Vec<u8> = received.iter().collect();
    mac::verify(&expected, &got)
}

/// The whole frame: 2-byte length, TPDU, header, message ([`iso8583::framing::Framing::CUPS`]).
pub fn frame(tpdu: Tpdu, header: Header, message: &[u8]) -> Result<Vec<u8>> {
    let mut head = [0u8; 11];
    let (t, h) = head.split_at_mut(5);
    t.copy_from_slice(&tpdu.to_bytes());
    h.copy_from_slice(&header.to_bytes());
    let mut out = Vec::new();
    iso8583::framing::Framing::CUPS
        .encode(&head, message, &mut out)
        .map_err(|_| Error::new(ErrorKind::BadFrame))?;
    Ok(out)
}

/// The host's verdict in field 39, with the meaning from the 银行卡联网联合技术规范 code table
/// for the codes it lists (as republished, e.g. <https://17tex.com/tex/3/487253.html>).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseCode(pub [u8; 2]);

impl ResponseCode {
    /// Reads field 39 of an answer.
    pub fn of(message: &MessageRef<'_, '_>) -> Option<Self> {
        let raw = message.response_code()?;
        let mut it = raw.iter();
        let bytes = [it.next()?, it.next()?];
        if it.next().is_some() {
            return None;
        }
        Some(Self(bytes))
    }

    /// Whether the code approves the transaction (00, 10 partial, 11 VIP, 16 update track 3).
    pub fn is_approved(self) -> bool {
        matches!(&self.0, b"00" | b"10" | b"11" | b"16")
    }

    /// The card should be retained (04, 07).
    pub fn is_pick_up(self) -> bool {
        matches!(&self.0, b"04" | b"07")
    }

    /// The standard meaning, for the codes of the table.
    pub fn meaning(self) -> Option<&'static str> {
        Some(match &self.0 {
            b"00" => "Approved or completed successfully",
            b"01" => "Refer to card issuer",
            b"02" => "Refer to card issuer's special condition",
            b"03" => "Invalid merchant",
            b"04" => "Pick-up",
            b"05" => "Do not honor",
            b"06" => "Error",
            b"07" => "Pick-up card, special condition",
            b"09" => "Request in progress",
            b"10" => "Approved for partial amount",
            b"11" => "Approved (VIP)",
            b"12" => "Invalid transaction",
            b"13" => "Invalid amount",
            b"14" => "Invalid card number (no such number)",
            b"15" => "No such issuer",
            b"16" => "Approved, update track 3",
            b"17" => "Customer cancellation",
            b"19" => "Re-enter transaction",
            b"20" => "Invalid response",
            b"21" => "No action taken",
            b"22" => "Suspected malfunction",
            _ => return None,
        })
    }
}
