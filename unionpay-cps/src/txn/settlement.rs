//! Batch settlement (`0500`, 结算): the totals of field 48 and the host's answer.

use paywire_iso8583::{MessageBuilder, MessageRef, Mti, SliceWriter, Slots};

use crate::error::{Error, ErrorKind, Place, Result};
use crate::key::Key;
use crate::spec::CUPS_POS;

use super::fields::{MAX_AMOUNT, digits, number};
use super::request::{Field60, Fields, Made, encode_with_mac, field60};
use super::terminal::Terminal;

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
    fn write(&self, out: &mut Made<62>, code: u8) -> Result<()> {
        if self.debit_amount > MAX_AMOUNT
            || self.credit_amount > MAX_AMOUNT
            || self.debit_count > 999
            || self.credit_count > 999
        {
            return Err(Error::new(ErrorKind::Amount).at(Place::Field(48)));
        }
        out.push_digits(self.debit_amount, 12, "field 48")?;
        out.push_digits(u64::from(self.debit_count), 3, "field 48")?;
        out.push_digits(self.credit_amount, 12, "field 48")?;
        out.push_digits(u64::from(self.credit_count), 3, "field 48")?;
        out.push(&[code], "field 48")
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

/// A batch settlement (`0500`), without a MAC (add one with [`encode_with_mac`](super::encode_with_mac) when the host
/// asks for it). The reconciliation codes of the request are `0` (the table's "ISO reserved").
#[cfg(feature = "alloc")]
pub fn settlement(
    terminal: &Terminal<'_>,
    s: &Settlement<'_>,
) -> Result<paywire_iso8583::Message<'static>> {
    let made = Made48And60::of(terminal, s)?;
    let mut m = paywire_iso8583::Message::new(&CUPS_POS, Mti::RECONCILIATION_REQUEST);
    fields(&mut m, terminal, s, &made)?;
    Ok(m)
}

/// A batch settlement (`0500`, see [`settlement`](super::settlement)) written into `out`
/// without an allocator, with field 64 = the UnionPay ECB MAC under `mak` when given.
pub fn settlement_to_slice<'b>(
    terminal: &Terminal<'_>,
    s: &Settlement<'_>,
    mak: Option<&Key>,
    out: &'b mut [u8],
) -> Result<&'b [u8]> {
    let made = Made48And60::of(terminal, s)?;
    let mut m = MessageBuilder::<9>::with_capacity(&CUPS_POS, Mti::RECONCILIATION_REQUEST);
    fields(&mut m, terminal, s, &made)?;
    match mak {
        Some(mak) => encode_with_mac(&mut m, mak, out),
        None => {
            let mut w = SliceWriter::new(out);
            m.encode(&mut w).map_err(Error::from)?;
            Ok(w.finish())
        }
    }
}

/// Fields 48 (the totals) and 60 (`00`, batch, network management code) of a settlement.
struct Made48And60 {
    f48: Made<62>,
    f60: Field60,
}

impl Made48And60 {
    fn of(terminal: &Terminal<'_>, s: &Settlement<'_>) -> Result<Self> {
        digits("stan", s.stan, 6)?;
        digits("batch", terminal.batch, 6)?;
        digits("network code", s.network_code, 3)?;
        let mut f48 = Made::EMPTY;
        s.domestic.write(&mut f48, b'0')?;
        s.foreign.write(&mut f48, b'0')?;
        Ok(Self {
            f48,
            f60: field60("00", terminal.batch, s.network_code)?,
        })
    }
}

fn fields<'v>(
    m: &mut impl Fields<'v>,
    terminal: &Terminal<'v>,
    s: &Settlement<'v>,
    made: &'v Made48And60,
) -> Result<()> {
    m.put(11, s.stan.as_bytes())?;
    m.put(41, terminal.terminal_id.as_bytes())?;
    m.put(42, terminal.merchant_id.as_bytes())?;
    m.put(48, made.f48.get())?;
    m.put(49, s.currency.as_bytes())?;
    m.put(60, made.f60.get())?;
    m.put(63, s.operator.as_bytes())
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
    pub fn of<I: Slots>(message: &MessageRef<'_, '_, I>) -> Option<Self> {
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
