//! The write-ahead journal: every transition is recorded before the request it leads to is
//! handed out, so that after a power cut at any instant the terminal knows what it may have done.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use core::fmt;

use crate::payment::{Amount, Approval, OrderNo, Outcome, UndoReason, Wallet};

/// One transition of the terminal, in the order it happened.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Record {
    /// A sign-in request is about to be sent with this STAN (STANs are never reused).
    SignInSent {
        /// Field 11.
        stan: u32,
    },
    /// The host signed the terminal in: `keys` is field 62 of its answer as received — the
    /// working keys (PIK, MAK) encrypted under the terminal master key, with their check
    /// values — so that a terminal reopened on its journal keeps its keys without signing in
    /// again (they are useless without the TMK, which the journal never holds). `batch` is
    /// the batch open at sign-in.
    SignedIn {
        /// Field 62 of the `0810`, as received.
        keys: Vec<u8>,
        /// The batch number open.
        batch: u32,
    },
    /// A card sale's request is about to be sent. `reversal` is the `0400` that undoes it,
    /// prepared before the sale leaves (without PIN data or MAC; its field 39 is set when it is
    /// sent), so that a terminal that loses power can still reverse it.
    SaleSent {
        /// The payment's order number.
        order: OrderNo,
        /// Field 11 of the sale and of its reversal.
        stan: u32,
        /// What is charged.
        amount: Amount,
        /// The encoded reversal (it repeats the card's track data: the journal holds card data
        /// and must be stored as such).
        reversal: Vec<u8>,
    },
    /// A balance inquiry is about to be sent with this STAN (it moves no money: only the STAN is
    /// kept, so that it is never reused).
    InquirySent {
        /// Field 11.
        stan: u32,
    },
    /// A batch settlement (`0500`) is about to be sent with this STAN and these totals.
    SettlementSent {
        /// Field 11.
        stan: u32,
        /// The batch it settles.
        batch: u32,
    },
    /// The host answered the settlement: the batch is closed; sales from now on belong to the
    /// next one.
    BatchClosed {
        /// The batch closed.
        batch: u32,
        /// Whether the host's totals agreed with the terminal's.
        balanced: bool,
    },
    /// The sale sent next (its `SaleSent` follows) voids the approved sale `original`
    /// (消费撤销).
    VoidOf {
        /// The void's own order number.
        order: OrderNo,
        /// The sale it voids.
        original: OrderNo,
    },
    /// A payment code's pay request (WeChat Pay `micropay`, Alipay `alipay.trade.pay`) is about
    /// to be sent. The code itself is not kept (it is single-use and lets its holder pay):
    /// recovery only queries and undoes.
    CodePaySent {
        /// The payment's order number (`out_trade_no`).
        order: OrderNo,
        /// The wallet.
        wallet: Wallet,
        /// What is charged.
        amount: Amount,
        /// When it was sent (Unix milliseconds): a WeChat Pay `reverse` waits 15 s after it.
        at: u64,
    },
    /// A shown code's order (WeChat Pay Native, Alipay `alipay.trade.precreate`) is about to be
    /// created: the code is payable until `expires_at`, and closed then if it was not paid.
    CodeShown {
        /// The payment's order number (`out_trade_no`).
        order: OrderNo,
        /// The wallet.
        wallet: Wallet,
        /// What is charged.
        amount: Amount,
        /// When the order was created (Unix milliseconds).
        at: u64,
        /// When the code stops being payable (Unix milliseconds).
        expires_at: u64,
    },
    /// A wallet refund (WeChat Pay `/secapi/pay/refund`, Alipay `alipay.trade.refund`) of the
    /// approved payment `original` is about to be sent under its own number `order` (the
    /// refund's `out_refund_no` / `out_request_no`, repeated unchanged when it is retried).
    RefundSent {
        /// The refund's own number.
        order: OrderNo,
        /// The payment refunded.
        original: OrderNo,
        /// The wallet.
        wallet: Wallet,
        /// What is refunded.
        amount: Amount,
    },
    /// A card refund (`0220`, 退货) is about to be sent: `message` is the encoded advice without
    /// MAC, kept so that it can be repeated unchanged (as `0221`, same STAN) until the host
    /// answers — after a lost answer, and after a restart. A refund is never reversed.
    CardRefundSent {
        /// The refund's own order number.
        order: OrderNo,
        /// The sale refunded, when this journal holds it.
        original: Option<OrderNo>,
        /// Field 11, kept by every repeat.
        stan: u32,
        /// What is refunded.
        amount: Amount,
        /// The encoded `0220` (it carries the card's track data, like a reversal).
        message: Vec<u8>,
    },
    /// The payment must be undone: a card sale reversed (`0400`), a payment code's order
    /// reversed (WeChat Pay `reverse`) or cancelled (Alipay `alipay.trade.cancel`). Once due,
    /// the payment can only end undone.
    ReversalDue {
        /// The payment.
        order: OrderNo,
        /// Why (it decides field 39 of the reversal).
        reason: UndoReason,
    },
    /// A reversal (or wallet reverse / cancel) attempt (1, 2, ...) is about to be sent.
    ReversalSent {
        /// The payment.
        order: OrderNo,
        /// Which attempt.
        attempt: u8,
    },
    /// The channel approved; the terminal is completing the sale (printing, the card's second
    /// cryptogram) and will record its final outcome, or reverse it (reason `96`).
    AwaitingCompletion {
        /// The payment.
        order: OrderNo,
        /// The channel's references.
        approval: Approval,
    },
    /// The payment's one final outcome.
    Final {
        /// The payment.
        order: OrderNo,
        /// How it ended.
        outcome: Outcome,
    },
}

impl fmt::Debug for Record {
    /// The reversal's bytes hold track data: only their length is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SignInSent { stan } => f.debug_struct("SignInSent").field("stan", stan).finish(),
            Self::SignedIn { keys, batch } => f
                .debug_struct("SignedIn")
                .field("keys_len", &keys.len())
                .field("batch", batch)
                .finish(),
            Self::SaleSent {
                order,
                stan,
                amount,
                reversal,
            } => f
                .debug_struct("SaleSent")
                .field("order", order)
                .field("stan", stan)
                .field("amount", amount)
                .field("reversal_len", &reversal.len())
                .finish(),
            Self::CardRefundSent {
                order,
                original,
                stan,
                amount,
                message,
            } => f
                .debug_struct("CardRefundSent")
                .field("order", order)
                .field("original", original)
                .field("stan", stan)
                .field("amount", amount)
                .field("message_len", &message.len())
                .finish(),
            Self::CodePaySent {
                order,
                wallet,
                amount,
                at,
            } => f
                .debug_struct("CodePaySent")
                .field("order", order)
                .field("wallet", wallet)
                .field("amount", amount)
                .field("at", at)
                .finish(),
            Self::CodeShown {
                order,
                wallet,
                amount,
                at,
                expires_at,
            } => f
                .debug_struct("CodeShown")
                .field("order", order)
                .field("wallet", wallet)
                .field("amount", amount)
                .field("at", at)
                .field("expires_at", expires_at)
                .finish(),
            Self::RefundSent {
                order,
                original,
                wallet,
                amount,
            } => f
                .debug_struct("RefundSent")
                .field("order", order)
                .field("original", original)
                .field("wallet", wallet)
                .field("amount", amount)
                .finish(),
            Self::InquirySent { stan } => {
                f.debug_struct("InquirySent").field("stan", stan).finish()
            }
            Self::SettlementSent { stan, batch } => f
                .debug_struct("SettlementSent")
                .field("stan", stan)
                .field("batch", batch)
                .finish(),
            Self::BatchClosed { batch, balanced } => f
                .debug_struct("BatchClosed")
                .field("batch", batch)
                .field("balanced", balanced)
                .finish(),
            Self::VoidOf { order, original } => f
                .debug_struct("VoidOf")
                .field("order", order)
                .field("original", original)
                .finish(),
            Self::ReversalDue { order, reason } => f
                .debug_struct("ReversalDue")
                .field("order", order)
                .field("reason", reason)
                .finish(),
            Self::ReversalSent { order, attempt } => f
                .debug_struct("ReversalSent")
                .field("order", order)
                .field("attempt", attempt)
                .finish(),
            Self::AwaitingCompletion { order, approval } => f
                .debug_struct("AwaitingCompletion")
                .field("order", order)
                .field("approval", approval)
                .finish(),
            Self::Final { order, outcome } => f
                .debug_struct("Final")
                .field("order", order)
                .field("outcome", outcome)
                .finish(),
        }
    }
}

/// A journal could not record or read a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JournalError;

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("journal I/O failed")
    }
}

impl Record {
    /// The payment the record is about, if it is about one.
    pub const fn order(&self) -> Option<&OrderNo> {
        match self {
            Self::SaleSent { order, .. }
            | Self::CardRefundSent { order, .. }
            | Self::CodePaySent { order, .. }
            | Self::CodeShown { order, .. }
            | Self::RefundSent { order, .. }
            | Self::VoidOf { order, .. }
            | Self::ReversalDue { order, .. }
            | Self::ReversalSent { order, .. }
            | Self::AwaitingCompletion { order, .. }
            | Self::Final { order, .. } => Some(order),
            Self::SignInSent { .. }
            | Self::SignedIn { .. }
            | Self::InquirySent { .. }
            | Self::SettlementSent { .. }
            | Self::BatchClosed { .. } => None,
        }
    }
}

/// Where the terminal records its transitions. `append` must be durable when it returns `Ok`
/// (the request it precedes leaves right after); `records` gives them back in order.
///
/// The card terminal and the wallet terminal can share one journal (`Rc<RefCell<J>>`, or
/// `Arc<Mutex<J>>` with `std`): each resumes its own payments from it, and neither starts a
/// payment under an order number the journal holds ([`Journal::holds_order`]), whichever
/// recorded it.
pub trait Journal {
    /// Records `record` after the others.
    fn append(&mut self, record: &Record) -> Result<(), JournalError>;
    /// Every record, oldest first.
    fn records(&self) -> Result<Vec<Record>, JournalError>;
    /// Whether a record names `order` (order numbers are never reused). The default reads
    /// every record; journals with an index answer from it.
    fn holds_order(&self, order: &OrderNo) -> Result<bool, JournalError> {
        Ok(self.records()?.iter().any(|r| r.order() == Some(order)))
    }
}

/// One journal shared by the terminals of one thread.
impl<J: Journal> Journal for alloc::rc::Rc<core::cell::RefCell<J>> {
    fn append(&mut self, record: &Record) -> Result<(), JournalError> {
        self.try_borrow_mut()
            .map_err(|_| JournalError)?
            .append(record)
    }

    fn records(&self) -> Result<Vec<Record>, JournalError> {
        self.try_borrow().map_err(|_| JournalError)?.records()
    }

    fn holds_order(&self, order: &OrderNo) -> Result<bool, JournalError> {
        self.try_borrow()
            .map_err(|_| JournalError)?
            .holds_order(order)
    }
}

/// One journal shared by terminals on several threads (a poisoned lock is an error).
#[cfg(feature = "std")]
impl<J: Journal> Journal for std::sync::Arc<std::sync::Mutex<J>> {
    fn append(&mut self, record: &Record) -> Result<(), JournalError> {
        self.lock().map_err(|_| JournalError)?.append(record)
    }

    fn records(&self) -> Result<Vec<Record>, JournalError> {
        self.lock().map_err(|_| JournalError)?.records()
    }

    fn holds_order(&self, order: &OrderNo) -> Result<bool, JournalError> {
        self.lock().map_err(|_| JournalError)?.holds_order(order)
    }
}

/// A journal in memory: for tests, simulators and `no_std` terminals that keep it in RAM with
/// a battery (it is lost with the process).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryJournal {
    records: Vec<Record>,
    /// The order numbers the records name ([`Journal::holds_order`] without a scan).
    orders: BTreeSet<OrderNo>,
}

impl MemoryJournal {
    /// An empty journal.
    pub const fn new() -> Self {
        Self {
            records: Vec::new(),
            orders: BTreeSet::new(),
        }
    }

    /// The records so far.
    pub fn as_slice(&self) -> &[Record] {
        &self.records
    }
}

impl Journal for MemoryJournal {
    fn append(&mut self, record: &Record) -> Result<(), JournalError> {
        if let Some(order) = record.order() {
            self.orders.insert(order.clone());
        }
        self.records.push(record.clone());
        Ok(())
    }

    fn records(&self) -> Result<Vec<Record>, JournalError> {
        Ok(self.records.clone())
    }

    fn holds_order(&self, order: &OrderNo) -> Result<bool, JournalError> {
        Ok(self.orders.contains(order))
    }
}
