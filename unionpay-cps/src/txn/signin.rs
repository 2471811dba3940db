//! Sign-in (`0800`): the terminal asks for its working keys.

use paywire_iso8583::{MessageBuilder, Mti, SliceWriter};

use crate::error::{Error, Result};
use crate::spec::CUPS_POS;

use super::fields::digits;
use super::request::{Field60, Fields, field60};
use super::terminal::Terminal;

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

/// A sign-in (`0800`). `stan` is field 11 (6 digits); `time` / `date` (hhmmss, MMDD) are sent
/// when given; `operator` is 63 (AFC sends `001`; other hosts expect `CUP`).
#[cfg(feature = "alloc")]
pub fn sign_in(
    terminal: &Terminal<'_>,
    stan: &str,
    scheme: KeyScheme,
    operator: &str,
    time_date: Option<(&str, &str)>,
) -> Result<paywire_iso8583::Message<'static>> {
    let f60 = f60(terminal, stan, scheme)?;
    let mut m = paywire_iso8583::Message::new(&CUPS_POS, Mti::NETWORK_MANAGEMENT_REQUEST);
    fields(&mut m, terminal, stan, operator, time_date, &f60)?;
    Ok(m)
}

/// A sign-in (`0800`, see [`sign_in`](super::sign_in)) written into `out`, without an
/// allocator (a sign-in carries no MAC: the keys come in its answer).
///
/// ```
/// use paywire_unionpay::txn::{self, KeyScheme, Terminal};
/// let terminal = Terminal { terminal_id: "50080001", merchant_id: "309310083985008", batch: "000172" };
/// let mut out = [0u8; 128];
/// let bytes = txn::sign_in_to_slice(&terminal, "000172", KeyScheme::Double, "CUP", Some(("170510", "0510")), &mut out)?;
/// assert_eq!(&bytes[..2], &[0x08, 0x00]);
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
pub fn sign_in_to_slice<'b>(
    terminal: &Terminal<'_>,
    stan: &str,
    scheme: KeyScheme,
    operator: &str,
    time_date: Option<(&str, &str)>,
    out: &'b mut [u8],
) -> Result<&'b [u8]> {
    let f60 = f60(terminal, stan, scheme)?;
    let mut m = MessageBuilder::<8>::with_capacity(&CUPS_POS, Mti::NETWORK_MANAGEMENT_REQUEST);
    fields(&mut m, terminal, stan, operator, time_date, &f60)?;
    // The general writer (the one `encode_with_mac` uses): `encode_to_slice`'s fast path
    // would link a second encoder into a firmware for one message a day.
    let mut w = SliceWriter::new(out);
    m.encode(&mut w).map_err(Error::from)?;
    Ok(w.finish())
}

/// Checks the stan and batch; field 60: `00`, the batch, the network management code.
fn f60(terminal: &Terminal<'_>, stan: &str, scheme: KeyScheme) -> Result<Field60> {
    digits("stan", stan, 6)?;
    digits("batch", terminal.batch, 6)?;
    field60("00", terminal.batch, scheme.code())
}

fn fields<'v>(
    m: &mut impl Fields<'v>,
    terminal: &Terminal<'v>,
    stan: &'v str,
    operator: &'v str,
    time_date: Option<(&'v str, &'v str)>,
    f60: &'v Field60,
) -> Result<()> {
    m.put(11, stan.as_bytes())?;
    if let Some((time, date)) = time_date {
        m.put(12, time.as_bytes())?;
        m.put(13, date.as_bytes())?;
    }
    m.put(41, terminal.terminal_id.as_bytes())?;
    m.put(42, terminal.merchant_id.as_bytes())?;
    m.put(60, f60.get())?;
    m.put(63, operator.as_bytes())
}
