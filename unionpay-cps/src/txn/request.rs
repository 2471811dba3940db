//! The card requests' fields, without an allocator: what a purchase, balance inquiry, void or
//! refund carries is worked out once, into a small [`Scratch`] for the values that are made
//! (field 4's digits, track 2 with `D`, field 59's tag, fields 60 and 61) and set on any
//! [`Fields`] — a [`MessageBuilder`] borrowing them (the `*_to_slice` builders, for firmware),
//! or an owned `Message` copying them (the `alloc` builders). The request modules (purchase,
//! balance, original, reversal) sit above this one.

use paywire_iso8583::{MessageBuilder, Mti};

use crate::error::{Error, ErrorKind, Place, Result};
use crate::key::Key;
use crate::mac;
use crate::spec::CUPS_POS;

use super::card::{Entry, Original, Pin};
use super::fields::{MAX_AMOUNT, digits};
use super::terminal::Terminal;

/// The longest payment code field 59 carries (tag `A3`). Payment codes are 16 to 24 characters
/// in every channel's rules (UnionPay's 19 digits from `62`, WeChat's 18, Alipay's 16–24); 64
/// keeps a request's scratch small enough for a firmware stack.
pub const MAX_PAYMENT_CODE: usize = 64;

/// Where a request's fields go.
pub(super) trait Fields<'v> {
    /// Sets field `n`.
    fn put(&mut self, n: u8, value: &'v [u8]) -> Result<()>;
}

impl<'s, 'v, const N: usize> Fields<'v> for MessageBuilder<'s, 'v, N> {
    fn put(&mut self, n: u8, value: &'v [u8]) -> Result<()> {
        self.set(n, value).map(|_| ()).map_err(Error::from)
    }
}

#[cfg(feature = "alloc")]
impl<'v> Fields<'v> for paywire_iso8583::Message<'static> {
    fn put(&mut self, n: u8, value: &'v [u8]) -> Result<()> {
        self.set(n, value.to_vec()).map(|_| ()).map_err(Error::from)
    }
}

/// What every card request carries: 3, (4,) 11, the card or code, 25, 41, 42, 49, 60, and for
/// a void or refund 37, (38,) 61.
#[derive(Clone, Copy)]
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
    /// The sale a void or refund names, with the original date (61.3) for a refund.
    pub(super) original: Option<(Original<'r>, Option<&'r str>)>,
}

/// 10^19 down to 1.
const POWERS_OF_TEN: [u64; 20] = [
    10_000_000_000_000_000_000,
    1_000_000_000_000_000_000,
    100_000_000_000_000_000,
    10_000_000_000_000_000,
    1_000_000_000_000_000,
    100_000_000_000_000,
    10_000_000_000_000,
    1_000_000_000_000,
    100_000_000_000,
    10_000_000_000,
    1_000_000_000,
    100_000_000,
    10_000_000,
    1_000_000,
    100_000,
    10_000,
    1_000,
    100,
    10,
    1,
];

/// A run of bytes made for one field.
#[derive(Clone, Copy)]
pub(super) struct Made<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Made<N> {
    pub(super) const EMPTY: Self = Self {
        bytes: [0; N],
        len: 0,
    };

    pub(super) fn push(&mut self, part: &[u8], what: &'static str) -> Result<()> {
        let end = self.len.saturating_add(part.len());
        let dest = self
            .bytes
            .get_mut(self.len..end)
            .ok_or(Error::param(ErrorKind::InvalidParameter, what))?;
        dest.copy_from_slice(part);
        self.len = end;
        Ok(())
    }

    /// `value` as `width` decimal digits (the caller has checked that it fits), most
    /// significant first. By subtracting powers of ten: a 64-bit division is a library call on
    /// a 32-bit microcontroller, and almost a kilobyte of its flash.
    pub(super) fn push_digits(
        &mut self,
        value: u64,
        width: usize,
        what: &'static str,
    ) -> Result<()> {
        let mut rest = value;
        for power in POWERS_OF_TEN
            .iter()
            .skip(POWERS_OF_TEN.len().saturating_sub(width))
        {
            let mut digit = b'0';
            while rest >= *power && digit < b'9' {
                rest = rest.saturating_sub(*power);
                digit = digit.saturating_add(1);
            }
            self.push(&[digit], what)?;
        }
        Ok(())
    }

    pub(super) fn get(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

/// Field 60 as every request writes it: 60.1 (the transaction type, or `00` for network
/// management), 60.2 the terminal's batch, then `tail` (60.3 on; the spec checks what the field
/// allows when it is set). Longer than the spec's 17 digits, so that the codec names a field
/// that is too long.
pub(super) type Field60 = Made<24>;

pub(super) fn field60(kind: &str, batch: &str, tail: &str) -> Result<Field60> {
    let mut f60 = Made::EMPTY;
    for part in [kind, batch, tail] {
        f60.push(part.as_bytes(), "field 60")?;
    }
    Ok(f60)
}

/// The values a request makes rather than borrows (about 150 bytes).
pub(super) struct Scratch {
    amount: Made<12>,
    // Longer than the spec allows (37, 17, 12 + 4), so that the codec names the field that
    // is too long, as it does for values set directly.
    track2: Made<40>,
    f59: Made<{ 5 + MAX_PAYMENT_CODE }>,
    f60: Field60,
    f61: Made<16>,
}

impl Scratch {
    /// Checks `r` and makes its values.
    pub(super) fn of(terminal: &Terminal<'_>, r: &CardRequest<'_>) -> Result<Self> {
        digits("stan", r.stan, 6)?;
        digits("batch", terminal.batch, 6)?;
        let mut s = Self {
            amount: Made::EMPTY,
            track2: Made::EMPTY,
            f59: Made::EMPTY,
            f60: Made::EMPTY,
            f61: Made::EMPTY,
        };
        if let Some(amount) = r.amount {
            if amount > MAX_AMOUNT {
                return Err(Error::new(ErrorKind::Amount).at(Place::Field(4)));
            }
            s.amount.push_digits(amount, 12, "amount")?;
        }
        match r.entry {
            Entry::Card {
                track2: Some(t2), ..
            } => {
                // Field 35 as the spec holds it: `=` for the separator (the BCD nibble D).
                for b in t2.bytes() {
                    s.track2
                        .push(&[if b == b'D' { b'=' } else { b }], "track 2")?;
                }
            }
            Entry::ScanCode(code) => {
                // Field 59: one `A3` tag holding the payment code (tag, 3-digit length, value).
                if code.is_empty()
                    || code.len() > MAX_PAYMENT_CODE
                    || !code.bytes().all(|b| b.is_ascii_alphanumeric())
                {
                    return Err(Error::param(ErrorKind::InvalidParameter, "payment code"));
                }
                s.f59.push(b"A3", "payment code")?;
                s.f59.push_digits(code.len() as u64, 3, "payment code")?;
                s.f59.push(code.as_bytes(), "payment code")?;
            }
            Entry::Card { track2: None, .. } => {}
        }
        s.f60 = field60(r.kind, terminal.batch, r.f60_tail)?;
        if let Some((original, date)) = r.original {
            digits("original batch", original.batch, 6)?;
            digits("original stan", original.stan, 6)?;
            s.f61.push(original.batch.as_bytes(), "field 61")?;
            s.f61.push(original.stan.as_bytes(), "field 61")?;
            if let Some(date) = date {
                digits("original date", date, 4)?;
                s.f61.push(date.as_bytes(), "field 61")?;
            }
        }
        Ok(s)
    }
}

/// Sets the fields of `r` on `m`, the made ones from `s` (made by [`Scratch::of`] for `r`).
pub(super) fn card_fields<'v>(
    m: &mut impl Fields<'v>,
    terminal: &Terminal<'v>,
    r: &CardRequest<'v>,
    s: &'v Scratch,
) -> Result<()> {
    m.put(3, r.processing.as_bytes())?;
    if r.amount.is_some() {
        m.put(4, s.amount.get())?;
    }
    m.put(11, r.stan.as_bytes())?;
    match r.entry {
        Entry::Card {
            pan,
            track2,
            sequence,
            icc,
            entry_mode,
        } => {
            if let Some(pan) = pan {
                m.put(2, pan.as_bytes())?;
            }
            m.put(22, entry_mode.as_bytes())?;
            if let Some(seq) = sequence {
                m.put(23, seq.as_bytes())?;
            }
            if track2.is_some() {
                m.put(35, s.track2.get())?;
            }
            if let Some(icc) = icc {
                m.put(55, icc)?;
            }
        }
        Entry::ScanCode(_) => {
            m.put(22, b"032")?;
            m.put(59, s.f59.get())?;
        }
    }
    if let Some(pin) = r.pin {
        m.put(26, pin.capture_code.as_bytes())?;
        m.put(52, pin.block)?;
        m.put(53, pin.security.as_bytes())?;
    }
    m.put(25, r.condition.as_bytes())?;
    m.put(41, terminal.terminal_id.as_bytes())?;
    m.put(42, terminal.merchant_id.as_bytes())?;
    m.put(49, r.currency.as_bytes())?;
    m.put(60, s.f60.get())?;
    if let Some((original, _)) = r.original {
        m.put(37, original.rrn.as_bytes())?;
        if let Some(code) = original.auth_code {
            m.put(38, code.as_bytes())?;
        }
        m.put(61, s.f61.get())?;
    }
    Ok(())
}

/// The fields a reversal repeats from its original (AFC `st_qpoc_repurse`): never the PIN
/// block (52) or its capture code (26).
pub(super) const REVERSAL_FIELDS: [u8; 17] = [
    2, 3, 4, 11, 22, 23, 25, 35, 41, 42, 48, 49, 53, 55, 57, 59, 60,
];

/// Checks a reversal's reason code (field 39, 2 characters).
pub(super) fn check_reason(reason: &str) -> Result<()> {
    if reason.len() == 2 {
        Ok(())
    } else {
        Err(Error::param(ErrorKind::InvalidParameter, "reason"))
    }
}

/// Encodes `m` into `out` with field 64 = the UnionPay ECB MAC under `mak`.
pub(super) fn encode_with_mac<'b, const N: usize>(
    m: &mut MessageBuilder<'_, '_, N>,
    mak: &Key,
    out: &'b mut [u8],
) -> Result<&'b [u8]> {
    m.encode_with_mac(out, |input, field64| {
        for (dst, src) in field64
            .iter_mut()
            .zip(mac::field64(&mac::cups_ecb(mak, input)))
        {
            *dst = src;
        }
        Ok(())
    })
    .map_err(Error::from)
}

/// Fields a card request can hold, with its MAC: a builder of this size is 21 × 12 bytes on a
/// 32-bit device.
pub(super) const REQUEST_FIELDS: usize = 21;

/// Writes `r` into `out` with field 64 = the UnionPay ECB MAC under `mak`.
pub(super) fn to_slice<'b>(
    terminal: &Terminal<'_>,
    r: &CardRequest<'_>,
    mak: &Key,
    out: &'b mut [u8],
) -> Result<&'b [u8]> {
    let scratch = Scratch::of(terminal, r)?;
    let mut m = MessageBuilder::<REQUEST_FIELDS>::with_capacity(&CUPS_POS, r.mti);
    card_fields(&mut m, terminal, r, &scratch)?;
    encode_with_mac(&mut m, mak, out)
}

/// The request as an owned message (the `alloc` builders): the same fields as [`to_slice`]
/// writes.
#[cfg(feature = "alloc")]
pub(super) fn card_request(
    terminal: &Terminal<'_>,
    r: &CardRequest<'_>,
) -> Result<paywire_iso8583::Message<'static>> {
    let scratch = Scratch::of(terminal, r)?;
    let mut m = paywire_iso8583::Message::new(&CUPS_POS, r.mti);
    card_fields(&mut m, terminal, r, &scratch)?;
    Ok(m)
}
