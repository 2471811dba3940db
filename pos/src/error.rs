//! The error type of the terminal's flows.

use core::fmt;

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An order number that is not 1–32 characters of `A-Z a-z 0-9 _ -`.
    OrderNo,
    /// An order number the journal already holds (order numbers are never reused).
    DuplicateOrderNo,
    /// The terminal has no working keys: sign in first.
    NotSignedIn,
    /// Another operation is in flight.
    Busy,
    /// The request could not be built (a field the channel's codec refused).
    Request(paywire_unionpay::ErrorKind),
    /// The journal could not record a transition; nothing was sent.
    Journal,
    /// Every STAN of the current batch has been used (999 999).
    StanExhausted,
    /// No approved sale with that order number awaits completion.
    NotAwaiting,
    /// A payment of the batch is still unresolved (a reversal is pending).
    Unresolved,
    /// The sale cannot be voided: not an approved sale of this terminal, a void itself, or
    /// voided already.
    NotVoidable,
    /// The payment's wallet has no configuration in this terminal (WeChat Pay also needs the
    /// `std` feature).
    ChannelNotConfigured,
    /// The code does not go to this flow: a UnionPay code is a card-network sale, and
    /// merchant codes, URLs and unknown text are not payment codes.
    WrongRoute,
    /// A wallet payment in a currency its wallet does not charge in (CNY `156`; BRL `986` for
    /// Pix).
    Currency,
    /// A wallet request could not be signed or built.
    Signing,
    /// The refund cannot be made: not an approved sale or wallet payment of this terminal
    /// (a card sale's answer must have carried its date, field 13), voided, or more than it
    /// charged minus its other refunds.
    NotRefundable,
}

/// An error of the flows: its kind only (never card data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
}

impl Error {
    /// An error of `kind`.
    pub const fn new(kind: ErrorKind) -> Self {
        Self { kind }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl From<paywire_unionpay::Error> for Error {
    fn from(e: paywire_unionpay::Error) -> Self {
        Self::new(ErrorKind::Request(e.kind()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::OrderNo => f.write_str("order number: 1 to 32 of A-Z a-z 0-9 _ -"),
            ErrorKind::DuplicateOrderNo => f.write_str("order number already used"),
            ErrorKind::NotSignedIn => f.write_str("not signed in: no working keys"),
            ErrorKind::Busy => f.write_str("another operation is in flight"),
            ErrorKind::Request(kind) => write!(f, "request: {kind:?}"),
            ErrorKind::Journal => f.write_str("the journal could not record the transition"),
            ErrorKind::StanExhausted => f.write_str("every STAN of the batch is used"),
            ErrorKind::NotAwaiting => f.write_str("no approved sale awaits completion"),
            ErrorKind::Unresolved => f.write_str("a payment of the batch is still unresolved"),
            ErrorKind::NotVoidable => f.write_str("not an approved sale that can be voided"),
            ErrorKind::ChannelNotConfigured => f.write_str("the wallet is not configured"),
            ErrorKind::WrongRoute => f.write_str("the code is not a wallet payment code"),
            ErrorKind::Currency => f.write_str("not the wallet's currency (CNY 156; Pix: BRL 986)"),
            ErrorKind::Signing => f.write_str("the wallet request could not be signed"),
            ErrorKind::NotRefundable => {
                f.write_str("not an approved wallet payment with that much left to refund")
            }
        }
    }
}

impl core::error::Error for Error {}
