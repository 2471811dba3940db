//! Everyday terminal messages on the `cups-pos` spec, and the host's answer (`alloc`).
//!
//! Layouts follow a production terminal's builders (alon0808/ProjectAfcApp `qpboc_8583.c`,
//! "AFC") and published messages (rufus123456/Java8583Sample IsoTest.java, Ajsgn/Java8583
//! QuickStart.java, <https://blog.youkuaiyun.com/zhu244912654/article/details/80005341>):
//! - sign-in `0800`: 11, (12, 13,) 41, 42, 60 = `00` + batch + network code (`001` single-length
//!   keys, `003` double, `004` double with TDK), 63 = operator (AFC `build8583_qpboc_SING`);
//! - purchase `0200`: (2,) 3 = `000000`, 4, 11, 22, (23,) 25, (26,) (35,) 41, 42, 49, (52, 53,)
//!   (55,) (59,) 60 = `22` + batch (+ 60.3…), 64 (AFC `build8583_qpboc_Purse_0200`); a scanned
//!   payment code goes in 59 as tag `A3` with entry mode `032` (AFC `Build_qpboc_8583_59`, `_22`);
//! - reversal `0400`: the original's 2, 3, 4, 11, 22, 23, 25, 35, 41, 42, 48, 49, 53, 55, 57, 59,
//!   60 (never its PIN block) with 39 = the reason (`98`: no answer in time), and a new MAC
//!   (AFC `build8583_qpboc_re_Purse_0400` and its saved-fields record `st_qpoc_repurse`).
//!
//! - balance inquiry `0200`, void `0200`, refund `0220`: processing code (3), condition code (25),
//!   MTI and 60.1 from the transaction-type table of 中国银联POS终端消息域说明 (2002, §1: inquiry
//!   `310000`/`00`/`0200`/`01`, void `200000`/`00`/`0200`/`23`, refund `200000`/`00`/`0220`/`25`);
//!   the fields they carry follow a jPOS terminal client for a CUPS acquirer (yogapay
//!   `CopyOfAcqRequest.java`: `query`, `reversal` = void, `refund`): the original's 37 and 38, and
//!   61 = original batch + original trace (+ original date MMDD for a refund);
//! - batch settlement `0500`: 11, 41, 42, 48 = the domestic and foreign card totals (each debit
//!   amount N12, debit count N3, credit amount N12, credit count N3, reconciliation code N1, as
//!   the field-48 tables of the POS specification lay them out, e.g. Newland and Asiainfo terminal
//!   sources quoting it), 49, 60 = `00` + batch + the host's network management code, 63.

use alloc::string::String;
use alloc::vec::Vec;

use core::borrow::Borrow;
use core::fmt;

use emv_tlv::mask::{Masked, Sensitivity};
use iso8583::{FieldIndex, Message, MessageRef, Mti};

use crate::error::{Error, ErrorKind, Place, Result};
use crate::framing::{Header, Tpdu};
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
        Err(Error::param(ErrorKind::Digits { length: len }, name))
    }
}

fn set(m: &mut Message<'static>, n: u8, value: impl Into<Vec<u8>>) -> Result<()> {
    m.set(n, value).map(|_| ()).map_err(Error::from)
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
        return Err(Error::param(ErrorKind::InvalidParameter, "payment code"));
    }
    Ok(alloc::format!("A3{:03}{code}", code.len()))
}

/// Sets the card or code fields of a request: 2, 22, 23, 26, 35, 52, 53, 55 or 59.
fn set_presentment(
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

/// The largest amount 12 digits hold.
const MAX_AMOUNT: u64 = 999_999_999_999;

/// Field 4: at most 12 digits of minor units.
fn set_amount(m: &mut Message<'static>, amount: u64) -> Result<()> {
    if amount > MAX_AMOUNT {
        return Err(Error::new(ErrorKind::Amount).at(Place::Field(4)));
    }
    set(m, 4, alloc::format!("{amount:012}"))
}

/// Field 60: 60.1 transaction type, 60.2 the terminal's batch, then `tail`.
fn set_f60(
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
struct CardRequest<'r> {
    mti: Mti,
    processing: &'r str,
    amount: Option<u64>,
    stan: &'r str,
    entry: Entry<'r>,
    pin: Option<Pin<'r>>,
    condition: &'r str,
    currency: &'r str,
    /// 60.1, the transaction type.
    kind: &'r str,
    /// What follows 60.2.
    f60_tail: &'r str,
}

fn card_request(terminal: &Terminal<'_>, r: &CardRequest<'_>) -> Result<Message<'static>> {
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

/// A purchase (`0200`), without its MAC: encode it with [`encode_with_mac`].
pub fn purchase(terminal: &Terminal<'_>, p: &Purchase<'_>) -> Result<Message<'static>> {
    card_request(
        terminal,
        &CardRequest {
            mti: Mti::FINANCIAL_REQUEST,
            processing: "000000",
            amount: Some(p.amount),
            stan: p.stan,
            entry: p.entry,
            pin: p.pin,
            condition: p.condition,
            currency: p.currency,
            kind: "22",
            f60_tail: p.f60_tail,
        },
    )
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

/// A void of a purchase of the current batch (`0200`, 消费撤销).
#[derive(Clone, Copy, Debug)]
pub struct Void<'a> {
    /// Field 4: the original's amount, in minor units.
    pub amount: u64,
    /// Field 11: this message's trace number, 6 digits.
    pub stan: &'a str,
    /// Field 49 (`156` for CNY).
    pub currency: &'a str,
    /// The card, read again.
    pub entry: Entry<'a>,
    /// PIN data, when the host asks for a PIN on voids.
    pub pin: Option<Pin<'a>>,
    /// The purchase being voided.
    pub original: Original<'a>,
}

/// A refund of an earlier purchase (`0220`, 退货).
#[derive(Clone, Copy, Debug)]
pub struct Refund<'a> {
    /// Field 4: the amount refunded, in minor units.
    pub amount: u64,
    /// Field 11: this message's trace number, 6 digits.
    pub stan: &'a str,
    /// Field 49.
    pub currency: &'a str,
    /// The card.
    pub entry: Entry<'a>,
    /// The purchase being refunded (its `date` is required).
    pub original: Original<'a>,
}

/// A balance inquiry (`0200`, 查询).
#[derive(Clone, Copy, Debug)]
pub struct BalanceInquiry<'a> {
    /// Field 11, 6 digits.
    pub stan: &'a str,
    /// Field 49.
    pub currency: &'a str,
    /// The card.
    pub entry: Entry<'a>,
    /// PIN data.
    pub pin: Option<Pin<'a>>,
}

/// Fields 37, 38 and 61 (61.1 batch, 61.2 trace, then `date` when given).
fn set_original(
    m: &mut Message<'static>,
    original: &Original<'_>,
    date: Option<&str>,
) -> Result<()> {
    digits("original batch", original.batch, 6)?;
    digits("original stan", original.stan, 6)?;
    set(m, 37, original.rrn)?;
    if let Some(code) = original.auth_code {
        set(m, 38, code)?;
    }
    let mut f61 = String::from(original.batch);
    f61.push_str(original.stan);
    if let Some(date) = date {
        digits("original date", date, 4)?;
        f61.push_str(date);
    }
    set(m, 61, f61)
}

/// A void (`0200`, processing code `200000`, 60.1 `23`), without its MAC.
pub fn void(terminal: &Terminal<'_>, v: &Void<'_>) -> Result<Message<'static>> {
    let mut m = card_request(
        terminal,
        &CardRequest {
            mti: Mti::FINANCIAL_REQUEST,
            processing: "200000",
            amount: Some(v.amount),
            stan: v.stan,
            entry: v.entry,
            pin: v.pin,
            condition: "00",
            currency: v.currency,
            kind: "23",
            f60_tail: "",
        },
    )?;
    set_original(&mut m, &v.original, None)?;
    Ok(m)
}

/// A refund (`0220`, processing code `200000`, 60.1 `25`), without its MAC. Refunds are advices:
/// they are not reversed.
pub fn refund(terminal: &Terminal<'_>, r: &Refund<'_>) -> Result<Message<'static>> {
    let date = r
        .original
        .date
        .ok_or(Error::param(ErrorKind::MissingParameter, "original date"))?;
    let mut m = card_request(
        terminal,
        &CardRequest {
            mti: Mti::FINANCIAL_ADVICE,
            processing: "200000",
            amount: Some(r.amount),
            stan: r.stan,
            entry: r.entry,
            pin: None,
            condition: "00",
            currency: r.currency,
            kind: "25",
            f60_tail: "",
        },
    )?;
    set_original(&mut m, &r.original, Some(date))?;
    Ok(m)
}

/// A balance inquiry (`0200`, processing code `310000`, 60.1 `01`), without its MAC.
pub fn balance_inquiry(
    terminal: &Terminal<'_>,
    b: &BalanceInquiry<'_>,
) -> Result<Message<'static>> {
    card_request(
        terminal,
        &CardRequest {
            mti: Mti::FINANCIAL_REQUEST,
            processing: "310000",
            amount: None,
            stan: b.stan,
            entry: b.entry,
            pin: b.pin,
            condition: "00",
            currency: b.currency,
            kind: "01",
            f60_tail: "",
        },
    )
}

/// One amount of field 54 (ISO 8583:1987 "additional amounts": account type n2, amount type n2,
/// currency n3, `C`/`D` and 12 digits — 20 characters each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdditionalAmount {
    /// Account type (e.g. `00` unspecified, `10` savings, `20` checking, `30` credit).
    pub account_type: [u8; 2],
    /// Amount type (e.g. `01` ledger balance, `02` available balance).
    pub amount_type: [u8; 2],
    /// Currency code.
    pub currency: [u8; 3],
    /// The amount in minor units, negative for a debit (`D`) balance.
    pub amount: i64,
}

/// The amounts of field 54 of an answer (a balance inquiry's balances). `None` when 54 is
/// absent or not a whole number of well-formed 20-character amounts.
pub fn additional_amounts<I: Borrow<FieldIndex>>(
    message: &MessageRef<'_, '_, I>,
) -> Option<Vec<AdditionalAmount>> {
    let value = message.value(54)?;
    let text = value.as_bytes()?;
    if text.is_empty() || text.len() % 20 != 0 {
        return None;
    }
    text.chunks(20)
        .map(|c| {
            let (account, rest) = c.split_at_checked(2)?;
            let (kind, rest) = rest.split_at_checked(2)?;
            let (currency, rest) = rest.split_at_checked(3)?;
            let (&sign, digits) = rest.split_first()?;
            let magnitude = i64::try_from(number(digits)?).ok()?;
            let amount = match sign {
                b'C' => magnitude,
                b'D' => magnitude.checked_neg()?,
                _ => return None,
            };
            Some(AdditionalAmount {
                account_type: account.try_into().ok()?,
                amount_type: kind.try_into().ok()?,
                currency: currency.try_into().ok()?,
                amount,
            })
        })
        .collect()
}

/// A run of ASCII digits as a number.
fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &c| {
        c.is_ascii_digit().then(|| {
            n.saturating_mul(10)
                .saturating_add(u64::from(c.wrapping_sub(b'0')))
        })
    })
}

/// One card family's totals in a batch settlement (field 48).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Total of debits (purchases, completions), minor units, at most 12 digits.
    pub debit_amount: u64,
    /// Number of debits, at most 999.
    pub debit_count: u16,
    /// Total of credits (refunds), minor units.
    pub credit_amount: u64,
    /// Number of credits.
    pub credit_count: u16,
}

impl Totals {
    fn write(&self, out: &mut String, code: u8) -> Result<()> {
        if self.debit_amount > MAX_AMOUNT
            || self.credit_amount > MAX_AMOUNT
            || self.debit_count > 999
            || self.credit_count > 999
        {
            return Err(Error::new(ErrorKind::Amount).at(Place::Field(48)));
        }
        out.push_str(&alloc::format!(
            "{:012}{:03}{:012}{:03}",
            self.debit_amount,
            self.debit_count,
            self.credit_amount,
            self.credit_count
        ));
        out.push(char::from(code));
        Ok(())
    }

    /// 31 digits: the totals and the reconciliation code.
    fn read(digits: &[u8]) -> Option<(Self, u8)> {
        let (debit_amount, rest) = digits.split_at_checked(12)?;
        let (debit_count, rest) = rest.split_at_checked(3)?;
        let (credit_amount, rest) = rest.split_at_checked(12)?;
        let (credit_count, rest) = rest.split_at_checked(3)?;
        let (&code, rest) = rest.split_first()?;
        if !rest.is_empty() || !code.is_ascii_digit() {
            return None;
        }
        Some((
            Self {
                debit_amount: number(debit_amount)?,
                debit_count: u16::try_from(number(debit_count)?).ok()?,
                credit_amount: number(credit_amount)?,
                credit_count: u16::try_from(number(credit_count)?).ok()?,
            },
            code,
        ))
    }
}

/// A batch settlement request.
#[derive(Clone, Copy, Debug)]
pub struct Settlement<'a> {
    /// Field 11, 6 digits.
    pub stan: &'a str,
    /// Field 49.
    pub currency: &'a str,
    /// Domestic (内卡) card totals of the batch.
    pub domestic: Totals,
    /// Foreign (外卡) card totals.
    pub foreign: Totals,
    /// 60.3: the network management code the acquirer's specification gives for batch
    /// settlement, 3 digits.
    pub network_code: &'a str,
    /// Field 63: the operator.
    pub operator: &'a str,
}

/// A batch settlement (`0500`), without a MAC (add one with [`encode_with_mac`] when the host
/// asks for it). The reconciliation codes of the request are `0` (the table's "ISO reserved").
pub fn settlement(terminal: &Terminal<'_>, s: &Settlement<'_>) -> Result<Message<'static>> {
    digits("stan", s.stan, 6)?;
    digits("batch", terminal.batch, 6)?;
    digits("network code", s.network_code, 3)?;
    let mut m = Message::new(&CUPS_POS, Mti::RECONCILIATION_REQUEST);
    set(&mut m, 11, s.stan)?;
    set(&mut m, 41, terminal.terminal_id)?;
    set(&mut m, 42, terminal.merchant_id)?;
    let mut f48 = String::with_capacity(62);
    s.domestic.write(&mut f48, b'0')?;
    s.foreign.write(&mut f48, b'0')?;
    set(&mut m, 48, f48)?;
    set(&mut m, 49, s.currency)?;
    set_f60(&mut m, "00", terminal, s.network_code)?;
    set(&mut m, 63, s.operator)?;
    Ok(m)
}

/// The host's reconciliation verdict in the field 48 of a `0510`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettlementResult {
    /// Domestic totals as the answer repeats them.
    pub domestic: Totals,
    /// Domestic reconciliation code (`1`: the totals agree).
    pub domestic_code: u8,
    /// Foreign totals.
    pub foreign: Totals,
    /// Foreign reconciliation code.
    pub foreign_code: u8,
}

impl SettlementResult {
    /// Reads field 48 of a settlement answer (62 digits). `None` when absent or malformed.
    pub fn of<I: Borrow<FieldIndex>>(message: &MessageRef<'_, '_, I>) -> Option<Self> {
        let value = message.value(48)?;
        let mut digits = [0u8; 62];
        if value.len() != digits.len() {
            return None;
        }
        for (slot, c) in digits.iter_mut().zip(value.iter()) {
            *slot = c;
        }
        let (domestic, foreign) = digits.split_at(31);
        let (domestic, domestic_code) = Totals::read(domestic)?;
        let (foreign, foreign_code) = Totals::read(foreign)?;
        Some(Self {
            domestic,
            domestic_code,
            foreign,
            foreign_code,
        })
    }

    /// Both card families reconciled (`1` = 对账平).
    pub fn is_balanced(&self) -> bool {
        self.domestic_code == b'1' && self.foreign_code == b'1'
    }
}

/// The fields a reversal repeats from its original (AFC `st_qpoc_repurse`).
const REVERSAL_FIELDS: [u8; 17] = [
    2, 3, 4, 11, 22, 23, 25, 35, 41, 42, 48, 49, 53, 55, 57, 59, 60,
];

/// A reversal (`0400`) of `original` with reason code 39 (`98`: no answer in time; `06`:
/// other error), without its MAC.
pub fn reversal(original: &Message<'_>, reason: &str) -> Result<Message<'static>> {
    if reason.len() != 2 {
        return Err(Error::param(ErrorKind::InvalidParameter, "reason"));
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
        .map_err(Error::from)?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// Checks the MAC of a received message (field 64) under `mak`, in constant time.
pub fn verify_mac<I: Borrow<FieldIndex>>(message: &MessageRef<'_, '_, I>, mak: &Key) -> Result<()> {
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
        .map_err(Error::from)?;
    Ok(out)
}

/// The host's verdict in field 39, with the meaning from the 银行卡联网联合技术规范 code table
/// for the codes it lists (as republished, e.g. <https://17tex.com/tex/3/487253.html>).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseCode(pub [u8; 2]);

impl ResponseCode {
    /// Reads field 39 of an answer.
    pub fn of<I: Borrow<FieldIndex>>(message: &MessageRef<'_, '_, I>) -> Option<Self> {
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
