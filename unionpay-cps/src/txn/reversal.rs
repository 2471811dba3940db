//! Reversal (`0400`, 冲正) of a request that got no answer.

#[cfg(feature = "alloc")]
use paywire_iso8583::Message;
use paywire_iso8583::{MessageBuilder, Mti};

use crate::error::Result;
use crate::key::Key;
use crate::spec::CUPS_POS;

#[cfg(feature = "alloc")]
use super::fields::set;
use super::original::Void;
use super::purchase::Purchase;
use super::request::{
    Fields as _, REQUEST_FIELDS, REVERSAL_FIELDS, Scratch, card_fields, check_reason,
    encode_with_mac,
};
use super::terminal::Terminal;

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
#[cfg(feature = "alloc")]
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

/// A request a reversal can undo: a purchase or a void that got no answer.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Reversible<'a> {
    /// A purchase.
    Purchase(&'a Purchase<'a>),
    /// A void.
    Void(&'a Void<'a>),
}

/// The reversal (`0400`) of the request `original` — the fields it repeats, as the request
/// carried them — with reason code 39 (`98`: no answer in time; `06`: other error), written
/// into `out` with its MAC under `mak`, without an allocator: the same message as
/// [`reversal`](super::reversal) of the owned request then
/// [`encode_with_mac`](super::encode_with_mac). A terminal keeps what it sent (or the request
/// itself) until the answer comes, and builds the reversal from it.
pub fn reversal_to_slice<'b>(
    terminal: &Terminal<'_>,
    original: Reversible<'_>,
    reason: &str,
    mak: &Key,
    out: &'b mut [u8],
) -> Result<&'b [u8]> {
    let r = match original {
        Reversible::Purchase(p) => p.request(),
        Reversible::Void(v) => v.request(),
    };
    let scratch = Scratch::of(terminal, &r)?;
    let mut m = MessageBuilder::<REQUEST_FIELDS>::with_capacity(&CUPS_POS, Mti::REVERSAL_REQUEST);
    // The request's fields, then those a reversal does not repeat removed (the same field code
    // as the request itself, not a second copy of it in a firmware).
    card_fields(&mut m, terminal, &r, &scratch)?;
    for n in m.bitmap().fields() {
        if !REVERSAL_FIELDS.contains(&n) {
            m.remove(n);
        }
    }
    // (After the request's own checks, which the owned path meets first.)
    check_reason(reason)?;
    m.put(39, reason.as_bytes())?;
    encode_with_mac(&mut m, mak, out)
}
