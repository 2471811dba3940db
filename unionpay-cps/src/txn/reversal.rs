//! Reversal (`0400`, 冲正) of a request that got no answer.

use paywire_iso8583::{Message, Mti};

use crate::error::Result;
use crate::spec::CUPS_POS;

use super::fields::set;
use super::request::{REVERSAL_FIELDS, check_reason};

/// A reversal (`0400`) of `original` with reason code 39 (`98`: no answer in time; `06`:
/// other error), without its MAC.
///
/// ```
/// use paywire_unionpay::txn::{self, Entry, Purchase, Terminal};
/// let terminal = Terminal { terminal_id: "16688014", merchant_id: "000000000000001", batch: "000001" };
/// let sale = txn::purchase(&terminal, &Purchase {
///     amount: 51, stan: "001834", currency: "156",
///     entry: Entry::Card { pan: None, track2: Some("4392260009942820=131210112008439"), sequence: None, icc: None, entry_mode: "021" },
///     pin: None, condition: "00", f60_tail: "",
/// })?;
/// // No answer in time: reverse with reason 98.
/// let reversal = txn::reversal(&sale, "98")?;
/// assert_eq!(reversal.mti().number(), 400);
/// assert_eq!((reversal.get(11), reversal.get(39)), (Some(&b"001834"[..]), Some(&b"98"[..])));
/// # Ok::<(), paywire_unionpay::Error>(())
/// ```
pub fn reversal(original: &Message<'_>, reason: &str) -> Result<Message<'static>> {
    check_reason(reason)?;
    let mut m = Message::new(&CUPS_POS, Mti::REVERSAL_REQUEST);
    for n in REVERSAL_FIELDS {
        if let Some(value) = original.get(n) {
            set(&mut m, n, value)?;
        }
    }
    set(&mut m, 39, reason)?;
    Ok(m)
}
