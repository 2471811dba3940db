//! Card payments over the China UnionPay POS dialect as a sans-IO state machine: sign-in and
//! working keys, purchases with PIN block and MAC, and reversal (冲正) exactly when the
//! terminal rules ask for it.
//!
//! The rules, and where they come from:
//! - The reversal is prepared before the sale leaves and kept until the sale's answer is known
//!   (AFC terminal code, alon0808/ProjectAfcApp `qpboc_8583.c`: the `0400` record
//!   `repurse_infor` is built and saved with the `0200`, deleted when the answer arrives).
//! - Field 39 of the reversal is its reason, one of four the UnionPay POS terminal
//!   specification defines (quoted word for word in public terminal code, e.g. AFC's
//!   `qpboc_8583.c` for `98` and Centerm's epos `ReverseReasonCode`): `98` no answer within the
//!   time limit, `96` an approved answer the terminal could not complete, `A0` an answer whose
//!   MAC does not verify, `06` any other case. This module sends `98` (no answer, and a terminal
//!   restarted while a sale was out) and `A0`.
//! - A reversal repeats the original's STAN (field 11 "同原交易" in the reversal's field table,
//!   blog.csdn.net/nocodelife/article/details/8442390) and its fields without PIN data
//!   (`paywire_unionpay::txn::reversal`).
//! - A pending reversal is sent before the next transaction, and retried up to 3 times (AFC:
//!   the reversal record is sent first when one exists, `over_GPRStR_add2` stops after 3); one
//!   that still got no answer stays pending and is tried again before the next sale.
//! - A refund (`0220`) is an advice: never reversed, repeated instead until the host answers
//!   (see [`CardTerminal::refund`] for the rule and its sources).
//! - Every answer's MAC is checked before it changes anything; an answer whose STAN, type or
//!   MAC does not match the request in flight is ignored (a late or duplicated answer never
//!   changes a final outcome).
//!
//! The machine owns no socket and no clock: the caller sends what [`CardTerminal::poll_transmit`]
//! hands out, feeds answers to [`CardTerminal::handle_response`], calls
//! [`CardTerminal::handle_timeout`] when [`CardTerminal::poll_timeout`] passes, and reads
//! [`CardTerminal::poll_event`]. Time is milliseconds from any fixed start (`now`).

use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::vec::Vec;

use paywire_iso8583::framing::{Framing, Status};
use paywire_iso8583::{Message, MessageRef, Mti};
use paywire_unionpay::Key;
use paywire_unionpay::framing::{Header, Tpdu};
use paywire_unionpay::signin::{WorkKeys, work_keys};
use paywire_unionpay::spec::CUPS_POS;
use paywire_unionpay::txn::{
    self, AdditionalAmount, Entry, KeyScheme, Pin, Purchase, ResponseCode, SettlementResult,
    Terminal, Totals,
};

use crate::book::Book;
use crate::error::{Error, ErrorKind};
use crate::journal::{Journal, Record};
use crate::payment::{Amount, Approval, OrderNo, OrderNumbers, Outcome, UndoReason};

mod answer;
mod batch;
mod recover;
mod refund;

pub use refund::{CardRefund, REFUND_ATTEMPTS, RefundOf, SaleReference};

/// Milliseconds from a start the caller chooses (a monotonic clock).
pub type Millis = u64;

/// Reversal attempts before a reversal is left pending for the next transaction (AFC: 3).
pub const REVERSAL_ATTEMPTS: u8 = 3;

/// The terminal's identity and its channel settings.
#[derive(Clone, Debug)]
pub struct CardConfig {
    /// Field 41, 8 characters.
    pub terminal_id: String,
    /// Field 42, 15 characters.
    pub merchant_id: String,
    /// 60.2, the batch number.
    pub batch: u32,
    /// The TPDU of requests (the answer's is its reply).
    pub tpdu: Tpdu,
    /// The 6-byte header of requests.
    pub header: Header,
    /// How long to wait for an answer.
    pub response_timeout: Millis,
    /// Reversal attempts before a reversal waits for the next transaction.
    pub reversal_attempts: u8,
    /// Sends of a refund (the `0220` and its `0221` repeats) before it waits for the next
    /// transaction.
    pub refund_attempts: u8,
    /// The sign-in key scheme (60.3).
    pub key_scheme: KeyScheme,
    /// Field 63 of the sign-in (the operator; `CUP` for most hosts).
    pub operator: String,
    /// Whether an approval waits for the terminal to complete the sale
    /// ([`CardTerminal::complete`] or [`CardTerminal::fail_completion`], reversal reason `96`)
    /// before it is final. Without it an approval is final when it arrives.
    pub confirm_approvals: bool,
}

impl CardConfig {
    /// A terminal's configuration with the usual CUPS settings, to adjust where the acquirer
    /// says otherwise: batch 1; TPDU `60 0003 0000` (the `paywire pos` configuration's
    /// default); header `60 31 00 31 00 00` (application `60`, version `31`, as seen in
    /// published CUPS frames); a 60 s answer timeout (paywire's choice);
    /// [`REVERSAL_ATTEMPTS`] reversal attempts; [`REFUND_ATTEMPTS`] refund sends;
    /// double-length working keys (60.3 `003`);
    /// operator `CUP`; approvals final when they arrive.
    pub fn new(terminal_id: &str, merchant_id: &str) -> Self {
        Self {
            terminal_id: terminal_id.into(),
            merchant_id: merchant_id.into(),
            batch: 1,
            tpdu: Tpdu {
                id: 0x60,
                destination: [0x00, 0x03],
                source: [0x00, 0x00],
            },
            header: Header {
                application: 0x60,
                version: 0x31,
                terminal_status: 0,
                processing: 0,
                reserved: [0x31, 0x00, 0x00],
            },
            response_timeout: 60_000,
            reversal_attempts: REVERSAL_ATTEMPTS,
            refund_attempts: REFUND_ATTEMPTS,
            key_scheme: KeyScheme::Double,
            operator: String::from("CUP"),
            confirm_approvals: false,
        }
    }
}

/// A card sale the terminal is asked to make.
#[derive(Clone, Copy, Debug)]
pub struct CardSale<'a> {
    /// What to charge.
    pub amount: Amount,
    /// How the card was read.
    pub entry: Entry<'a>,
    /// The PIN block, when the cardholder entered a PIN.
    pub pin: Option<Pin<'a>>,
}

/// A request to send: the whole CUPS frame (length, TPDU, header, message).
#[derive(Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The frame.
    pub bytes: Vec<u8>,
    /// When to give up waiting for its answer ([`CardTerminal::handle_timeout`]).
    pub deadline: Millis,
}

impl core::fmt::Debug for Transmit {
    /// The frame may hold track data: its length only.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Transmit")
            .field("len", &self.bytes.len())
            .field("deadline", &self.deadline)
            .finish()
    }
}

/// What the terminal has to say.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Signed in: working keys installed.
    SignedIn,
    /// The sign-in was refused (field 39), or got no valid answer in time (`None`).
    SignInFailed(Option<[u8; 2]>),
    /// A payment has its final outcome (reported once).
    Finished {
        /// The payment.
        order: OrderNo,
        /// How it ended.
        outcome: Outcome,
    },
    /// The channel approved; complete the sale ([`CardTerminal::complete`]) or report that it
    /// could not be completed ([`CardTerminal::fail_completion`]). Only with
    /// [`CardConfig::confirm_approvals`].
    AwaitingCompletion {
        /// The payment.
        order: OrderNo,
        /// The channel's references.
        approval: Approval,
    },
    /// The host answered the batch settlement: the batch is closed (`balanced`: the host's
    /// totals agreed with the journal's).
    Settled {
        /// The batch closed.
        batch: u32,
        /// Whether the totals agreed.
        balanced: bool,
        /// The terminal's totals that were sent.
        totals: Totals,
    },
    /// The settlement got no valid answer in time; the batch stays open.
    SettlementFailed,
    /// The answer to a balance inquiry: its response code and the balances of field 54 (none
    /// when it was declined). An inquiry moves no money, so nothing is journaled or reversed.
    Balance {
        /// Field 39.
        code: [u8; 2],
        /// The balances.
        amounts: Vec<AdditionalAmount>,
    },
    /// A balance inquiry got no valid answer in time (or one whose MAC does not verify).
    BalanceFailed,
    /// A reversal got no answer after every attempt: it stays pending and goes out before the
    /// next sale; the payment has no outcome yet.
    ReversalDeferred {
        /// The payment.
        order: OrderNo,
    },
    /// A refund got no answer after every send: it stays pending and is repeated before the
    /// next transaction; the refund has no outcome yet.
    RefundDeferred {
        /// The refund.
        order: OrderNo,
    },
}

/// A reversal waiting to be sent, or in flight.
#[derive(Clone)]
struct PendingReversal {
    order: OrderNo,
    stan: u32,
    reason: UndoReason,
    /// The encoded `0400` without field 39's final value and without MAC.
    message: Vec<u8>,
    /// Attempts made since it was last taken up.
    attempts: u8,
    /// Out of attempts until the next transaction asks for it again.
    deferred: bool,
}

/// A sale built and waiting for the reversals before it.
struct QueuedSale {
    order: OrderNo,
    /// The approved sale this one voids.
    void_of: Option<OrderNo>,
    stan: u32,
    amount: Amount,
    request: Message<'static>,
    reversal: Vec<u8>,
}

/// What the terminal waits for.
enum Waiting {
    SignIn {
        stan: u32,
        deadline: Millis,
    },
    Sale {
        order: OrderNo,
        stan: u32,
        deadline: Millis,
        /// Its reversal, kept until the answer is known.
        reversal: Vec<u8>,
    },
    Reversal {
        stan: u32,
        deadline: Millis,
    },
    Settlement {
        stan: u32,
        deadline: Millis,
        totals: Totals,
    },
    Balance {
        stan: u32,
        deadline: Millis,
    },
    Refund {
        stan: u32,
        deadline: Millis,
    },
}

impl Waiting {
    const fn deadline(&self) -> Millis {
        match *self {
            Self::SignIn { deadline, .. }
            | Self::Sale { deadline, .. }
            | Self::Reversal { deadline, .. }
            | Self::Settlement { deadline, .. }
            | Self::Balance { deadline, .. }
            | Self::Refund { deadline, .. } => deadline,
        }
    }
}

/// A UnionPay card terminal over a [`Journal`].
pub struct CardTerminal<J: Journal> {
    config: CardConfig,
    tmk: Key,
    book: Book<J>,
    keys: Option<WorkKeys>,
    last_stan: u32,
    reversals: VecDeque<PendingReversal>,
    /// Every sale sent: its STAN and amount.
    sent: BTreeMap<OrderNo, (u32, Amount)>,
    /// The batch each sale was sent in (a refund names it, 61.1).
    sale_batches: BTreeMap<OrderNo, u32>,
    /// Refunds not answered yet, oldest first.
    refunds: VecDeque<refund::PendingRefund>,
    /// Every refund sent: the sale it refunds (when known) and its amount.
    refunded: BTreeMap<OrderNo, (Option<OrderNo>, Amount)>,
    /// The refunds sent in the open batch.
    batch_refunds: Vec<OrderNo>,
    /// The open batch (60.2) and the sales sent in it.
    batch: u32,
    batch_sales: Vec<OrderNo>,
    /// Voids sent: the void's order → the sale it voids.
    voids: BTreeMap<OrderNo, OrderNo>,
    /// Approved sales the terminal is completing: STAN, reversal, references.
    awaiting: BTreeMap<OrderNo, (u32, Vec<u8>, Approval)>,
    queued: Option<QueuedSale>,
    waiting: Option<Waiting>,
    transmit: VecDeque<Transmit>,
    events: VecDeque<Event>,
}

impl<J: Journal> core::fmt::Debug for CardTerminal<J> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CardTerminal")
            .field("terminal_id", &self.config.terminal_id)
            .field("signed_in", &self.keys.is_some())
            .field("last_stan", &self.last_stan)
            .field("pending_reversals", &self.reversals.len())
            .field("pending_refunds", &self.refunds.len())
            .finish()
    }
}

fn stan_text(stan: u32) -> String {
    alloc::format!("{stan:06}")
}

/// Field 39 of a reversal for `reason` (see the module docs for the codes' source).
const fn reversal_code(reason: UndoReason) -> &'static str {
    match reason {
        UndoReason::BadMac => "A0",
        UndoReason::Timeout
        | UndoReason::Interrupted
        | UndoReason::Unconfirmed
        | UndoReason::Expired => "98",
        UndoReason::NotCompleted => "96",
    }
}

fn text(m: &MessageRef<'_, '_>, field: u8) -> Option<String> {
    m.value(field)
        .map(|v| v.iter().map(char::from).collect::<String>())
}

impl<J: Journal> CardTerminal<J> {
    /// The journal (to inspect it, or to reopen a terminal on it after a crash).
    pub const fn journal(&self) -> &J {
        &self.book.journal
    }

    /// Gives the journal back (what survives a crash).
    pub fn into_journal(self) -> J {
        self.book.journal
    }

    /// Whether working keys are installed.
    pub const fn is_signed_in(&self) -> bool {
        self.keys.is_some()
    }

    /// The PIN block for `pin` entered with the card `pan` (ASCII digits): ISO 9564 format 0
    /// encrypted under the working PIK — what a PIN pad holding the PIK hands the terminal
    /// for field 52. Needs a sign-in.
    pub fn pin_block(
        &self,
        pin: &str,
        pan: &str,
    ) -> Result<paywire_unionpay::pin::PinBlock, Error> {
        let keys = self
            .keys
            .as_ref()
            .ok_or(Error::new(ErrorKind::NotSignedIn))?;
        Ok(paywire_unionpay::pin::encrypt(
            pin.as_bytes(),
            pan.as_bytes(),
            &keys.pik,
        )?)
    }

    /// A fresh order number from `generator`: one the journal does not hold (order numbers are
    /// never reused). A generator that keeps repeating numbers the journal holds (16 in a row)
    /// is an error.
    pub fn new_order_no(&self, generator: &mut impl OrderNumbers) -> Result<OrderNo, Error> {
        self.book.new_order_no(generator)
    }

    /// The final outcome of `order`, once it has one.
    pub fn outcome(&self, order: &OrderNo) -> Option<&Outcome> {
        self.book.outcome(order)
    }

    /// Payments sent whose reversal has not been answered yet.
    pub fn pending_reversals(&self) -> impl Iterator<Item = &OrderNo> + '_ {
        self.reversals.iter().map(|r| &r.order)
    }

    /// Whether a request is in flight.
    pub fn is_busy(&self) -> bool {
        self.waiting.is_some() || self.queued.is_some() || !self.awaiting.is_empty()
    }

    fn record(&mut self, record: &Record) -> Result<(), Error> {
        self.book.record(record)
    }

    fn next_stan(&mut self) -> Result<u32, Error> {
        let next = self.last_stan.saturating_add(1);
        if next > 999_999 {
            return Err(Error::new(ErrorKind::StanExhausted));
        }
        self.last_stan = next;
        Ok(next)
    }

    /// Calls `build` with the terminal's identity and open batch (a request builder).
    fn build<T>(
        &self,
        build: impl FnOnce(&Terminal<'_>) -> Result<T, paywire_unionpay::Error>,
    ) -> Result<T, Error> {
        let batch = stan_text(self.batch);
        let terminal = Terminal {
            terminal_id: &self.config.terminal_id,
            merchant_id: &self.config.merchant_id,
            batch: &batch,
        };
        Ok(build(&terminal)?)
    }

    /// The checks every payment passes before its STAN is taken: working keys, nothing in
    /// flight, an order number never used.
    fn begin_payment(&mut self, order: &OrderNo) -> Result<u32, Error> {
        if self.keys.is_none() {
            return Err(Error::new(ErrorKind::NotSignedIn));
        }
        if self.is_busy() {
            return Err(Error::new(ErrorKind::Busy));
        }
        if self.book.is_taken(order)? {
            return Err(Error::new(ErrorKind::DuplicateOrderNo));
        }
        self.next_stan()
    }

    /// Queues a payment's request with the reversal that undoes it; pending reversals go out
    /// first (even those out of attempts: the next transaction asks for them again).
    fn queue_payment(&mut self, now: Millis, sale: QueuedSale) -> Result<(), Error> {
        self.book.orders.insert(sale.order.clone(), None);
        self.queued = Some(sale);
        self.retry_reversals(now)
    }

    /// The reversal of `request`, encoded without MAC (field 39 is set when it is sent).
    fn reversal_of(request: &Message<'_>) -> Result<Vec<u8>, Error> {
        Ok(txn::reversal(request, reversal_code(UndoReason::Timeout))?
            .to_vec()
            .map_err(paywire_unionpay::Error::from)?)
    }

    fn frame(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(txn::frame(self.config.tpdu, self.config.header, message)?)
    }

    /// Asks for working keys (`0800`).
    pub fn sign_in(&mut self, now: Millis) -> Result<(), Error> {
        if self.waiting.is_some() {
            return Err(Error::new(ErrorKind::Busy));
        }
        let stan = self.next_stan()?;
        let (scheme, operator) = (self.config.key_scheme, self.config.operator.clone());
        let request = self.build(|t| txn::sign_in(t, &stan_text(stan), scheme, &operator, None))?;
        let bytes = self.frame(&request.to_vec().map_err(paywire_unionpay::Error::from)?)?;
        self.record(&Record::SignInSent { stan })?;
        let deadline = now.saturating_add(self.config.response_timeout);
        self.transmit.push_back(Transmit { bytes, deadline });
        self.waiting = Some(Waiting::SignIn { stan, deadline });
        Ok(())
    }

    /// Starts a card sale under `order` (never used before). Pending reversals go out first.
    pub fn purchase(
        &mut self,
        now: Millis,
        order: OrderNo,
        sale: &CardSale<'_>,
    ) -> Result<(), Error> {
        let stan = self.begin_payment(&order)?;
        let currency = core::str::from_utf8(&sale.amount.currency).unwrap_or("");
        let stan_digits = stan_text(stan);
        let request = self.build(|t| {
            txn::purchase(
                t,
                &Purchase {
                    amount: sale.amount.minor,
                    stan: &stan_digits,
                    currency,
                    entry: sale.entry,
                    pin: sale.pin,
                    condition: "00",
                    f60_tail: "",
                },
            )
        })?;
        let reversal = Self::reversal_of(&request)?;
        self.queue_payment(
            now,
            QueuedSale {
                order,
                void_of: None,
                stan,
                amount: sale.amount,
                request,
                reversal,
            },
        )
    }

    /// Sends the pending reversals, then the pending refunds, again (those out of attempts
    /// included), when nothing else is in flight — what recovery does after a sign-in, without
    /// waiting for the next sale, and what every new payment does first.
    pub fn retry_reversals(&mut self, now: Millis) -> Result<(), Error> {
        for r in &mut self.reversals {
            r.deferred = false;
            r.attempts = 0;
        }
        for r in &mut self.refunds {
            r.deferred = false;
            r.attempts = 0;
        }
        self.drive(now)
    }

    /// Sends what comes next when nothing is in flight: a pending reversal, then a queued sale.
    fn drive(&mut self, now: Millis) -> Result<(), Error> {
        if self.waiting.is_some() {
            return Ok(());
        }
        let Some(mak) = self.keys.as_ref().map(|k| k.mak.clone()) else {
            return Ok(());
        };
        if let Some(index) = self.reversals.iter().position(|r| !r.deferred) {
            return self.send_reversal(now, index, &mak);
        }
        if let Some(index) = self.refunds.iter().position(|r| !r.deferred) {
            return self.send_refund(now, index, &mak);
        }
        if let Some(sale) = self.queued.take() {
            let bytes = txn::encode_with_mac(&sale.request, &mak)?;
            let framed = self.frame(&bytes)?;
            // Write-ahead: the sale and the reversal that undoes it are recorded first.
            if let Some(original) = &sale.void_of {
                self.record(&Record::VoidOf {
                    order: sale.order.clone(),
                    original: original.clone(),
                })?;
            }
            self.record(&Record::SaleSent {
                order: sale.order.clone(),
                stan: sale.stan,
                amount: sale.amount,
                reversal: sale.reversal.clone(),
            })?;
            self.sent
                .insert(sale.order.clone(), (sale.stan, sale.amount));
            self.sale_batches.insert(sale.order.clone(), self.batch);
            self.batch_sales.push(sale.order.clone());
            if let Some(original) = sale.void_of.clone() {
                self.voids.insert(sale.order.clone(), original);
            }
            let deadline = now.saturating_add(self.config.response_timeout);
            self.transmit.push_back(Transmit {
                bytes: framed,
                deadline,
            });
            self.waiting = Some(Waiting::Sale {
                order: sale.order,
                stan: sale.stan,
                deadline,
                reversal: sale.reversal,
            });
        }
        Ok(())
    }

    fn send_reversal(&mut self, now: Millis, index: usize, mak: &Key) -> Result<(), Error> {
        let Some(pending) = self.reversals.get(index) else {
            return Ok(());
        };
        let mut message =
            Message::parse(&CUPS_POS, &pending.message).map_err(paywire_unionpay::Error::from)?;
        message
            .set(39, reversal_code(pending.reason))
            .map_err(paywire_unionpay::Error::from)?;
        let bytes = txn::encode_with_mac(&message, mak)?;
        let framed = self.frame(&bytes)?;
        let (order, stan) = (pending.order.clone(), pending.stan);
        let attempt = pending.attempts.saturating_add(1);
        self.record(&Record::ReversalSent { order, attempt })?;
        if let Some(pending) = self.reversals.get_mut(index) {
            pending.attempts = attempt;
        }
        let deadline = now.saturating_add(self.config.response_timeout);
        self.transmit.push_back(Transmit {
            bytes: framed,
            deadline,
        });
        self.waiting = Some(Waiting::Reversal { stan, deadline });
        Ok(())
    }

    /// The sale `order`, approved and awaiting completion, was completed: its approval is final.
    pub fn complete(&mut self, now: Millis, order: &OrderNo) -> Result<(), Error> {
        let Some((_, _, approval)) = self.awaiting.remove(order) else {
            return Err(Error::new(ErrorKind::NotAwaiting));
        };
        self.finish(order.clone(), Outcome::Approved(approval))?;
        self.drive(now)
    }

    /// The sale `order`, approved and awaiting completion, could not be completed (the card's
    /// second cryptogram refused it, the receipt could not be printed): it is reversed with
    /// reason `96`.
    pub fn fail_completion(&mut self, now: Millis, order: &OrderNo) -> Result<(), Error> {
        let Some((stan, reversal, _)) = self.awaiting.remove(order) else {
            return Err(Error::new(ErrorKind::NotAwaiting));
        };
        self.reverse(order.clone(), stan, reversal, UndoReason::NotCompleted)?;
        self.drive(now)
    }

    /// The next request to send, if any.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmit.pop_front()
    }

    /// When [`CardTerminal::handle_timeout`] must be called, if something is in flight.
    pub fn poll_timeout(&self) -> Option<Millis> {
        self.waiting.as_ref().map(Waiting::deadline)
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    fn finish(&mut self, order: OrderNo, outcome: Outcome) -> Result<(), Error> {
        // Exactly one final outcome per payment: a second one is never recorded.
        if self.book.finish(&order, &outcome)? {
            self.events.push_back(Event::Finished { order, outcome });
        }
        Ok(())
    }

    fn reverse(
        &mut self,
        order: OrderNo,
        stan: u32,
        reversal: Vec<u8>,
        reason: UndoReason,
    ) -> Result<(), Error> {
        self.record(&Record::ReversalDue {
            order: order.clone(),
            reason,
        })?;
        self.reversals.push_front(PendingReversal {
            order,
            stan,
            reason,
            message: reversal,
            attempts: 0,
            deferred: false,
        });
        Ok(())
    }

    /// Handles the deadline of the request in flight once `now` has reached it: a sale without
    /// an answer is reversed (reason 98); a reversal is sent again, up to the configured number
    /// of attempts.
    pub fn handle_timeout(&mut self, now: Millis) -> Result<(), Error> {
        let Some(waiting) = self.waiting.take() else {
            return Ok(());
        };
        if now < waiting.deadline() {
            self.waiting = Some(waiting);
            return Ok(());
        }
        match waiting {
            Waiting::SignIn { .. } => self.events.push_back(Event::SignInFailed(None)),
            Waiting::Settlement { .. } => self.events.push_back(Event::SettlementFailed),
            Waiting::Balance { .. } => self.events.push_back(Event::BalanceFailed),
            Waiting::Sale {
                order,
                stan,
                reversal,
                ..
            } => self.reverse(order, stan, reversal, UndoReason::Timeout)?,
            Waiting::Refund { stan, .. } => self.refund_unanswered(stan),
            Waiting::Reversal { stan, .. } => {
                let limit = self.config.reversal_attempts;
                if let Some(pending) = self.reversals.iter_mut().find(|r| r.stan == stan)
                    && pending.attempts >= limit
                {
                    pending.deferred = true;
                    let order = pending.order.clone();
                    self.events.push_back(Event::ReversalDeferred { order });
                }
            }
        }
        self.drive(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_header_is_the_published_one() {
        // 603100310000: the header of the published CUPS frames in paywire-unionpay's vectors.
        let config = CardConfig::new("16688014", "000000000000001");
        assert_eq!(
            config.header.to_bytes(),
            [0x60, 0x31, 0x00, 0x31, 0x00, 0x00]
        );
        assert_eq!(config.tpdu.to_bytes(), [0x60, 0x00, 0x03, 0x00, 0x00]);
    }
}
