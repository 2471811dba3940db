//! Sign-in (`0800`): the terminal asks for its working keys.

use alloc::string::String;

use paywire_iso8583::{Message, Mti};

use crate::error::Result;
use crate::spec::CUPS_POS;

use super::fields::{digits, set};
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
