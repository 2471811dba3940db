//! Card refunds (退货): a `0220` advice naming the sale it refunds, repeated until the host
//! answers, never reversed.
//!
//! The rule, and where it comes from:
//! - A refund is a financial advice, `0220` with processing code `200000` and 60.1 `25` (the
//!   transaction-type table of 中国银联POS终端消息域说明, 2002, as
//!   `paywire_unionpay::txn::refund` builds it), naming its original by batch, trace and date
//!   (61) and by RRN and authorisation code (37, 38). It is not in the reversal's scope: it is
//!   never reversed.
//! - An advice whose answer is lost is repeated, not undone. ISO 8583 gives the repeat its own
//!   message type — origin digit 1, "acquirer repeat": `0221` — and nothing else changes (the
//!   same STAN), so that a host answers the repeat of an advice it took with the answer it
//!   gave, and takes the repeat of one it never saw as the original; the answer to either is a
//!   `0230` (jPOS `ISOMsg`: `setRetransmissionMTI`, `isRetransmission`, and `setResponseMTI`,
//!   "0201 becomes 0210"). No public UnionPay terminal source states what a terminal does when
//!   a refund's answer is lost; this is paywire's rule, built on those.
//! - Once a refund is in the journal, every send after its first one in this process is a
//!   repeat: after a lost answer, and after a restart (the power may have gone between the
//!   journal write and the send, or after the send).
//! - [`CardConfig::refund_attempts`] sends per transaction (default [`REFUND_ATTEMPTS`],
//!   paywire's choice: as many as a reversal gets); a refund out of sends stays pending and is
//!   repeated before the next transaction and by recovery — never given up, never sent again
//!   as a new refund under a new STAN.
//! - An answer counts only with the refund's STAN, type `0230` and a MAC that verifies; a
//!   duplicated or late one changes nothing.

use super::*;

/// Sends of a refund per transaction before it waits for the next one (paywire's choice, as
/// many as [`REVERSAL_ATTEMPTS`]).
pub const REFUND_ATTEMPTS: u8 = 3;

/// The sale a card refund returns money from.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum RefundOf<'a> {
    /// An approved sale this terminal's journal holds: its references come from the journal,
    /// and its amount less its other refunds bounds the refund.
    Order(&'a OrderNo),
    /// A sale known only by the references its receipt shows (made on another terminal, or
    /// before this journal): the host checks them.
    Reference(SaleReference<'a>),
}

/// A sale's references as a refund names them.
#[derive(Clone, Copy, Debug)]
pub struct SaleReference<'a> {
    /// Its batch (60.2).
    pub batch: u32,
    /// Its trace number (field 11).
    pub stan: u32,
    /// Its retrieval reference number (field 37 of the answer).
    pub rrn: &'a str,
    /// Its authorisation code (field 38 of the answer), when it had one.
    pub auth_code: Option<&'a str>,
    /// Its date (field 13 of the answer, `MMDD`).
    pub date: &'a str,
}

/// A card refund the terminal is asked to make.
#[derive(Clone, Copy, Debug)]
pub struct CardRefund<'a> {
    /// What to return.
    pub amount: Amount,
    /// The card, read again.
    pub entry: Entry<'a>,
    /// The sale refunded.
    pub of: RefundOf<'a>,
}

/// A refund not answered yet.
#[derive(Clone)]
pub(super) struct PendingRefund {
    pub(super) order: OrderNo,
    pub(super) stan: u32,
    /// The encoded `0220` without MAC.
    pub(super) message: Vec<u8>,
    /// Sends since it was last taken up.
    pub(super) attempts: u8,
    /// Out of sends until the next transaction asks for it again.
    pub(super) deferred: bool,
    /// Whether the next send is a repeat (`0221`).
    pub(super) repeat: bool,
}

/// A sale's references, owned.
struct Reference {
    batch: u32,
    stan: u32,
    rrn: String,
    auth_code: Option<String>,
    date: String,
}

impl<J: Journal> CardTerminal<J> {
    /// Refunds (退货) a card sale under a new order number `order`: a `0220` carrying the
    /// sale's references, sent after any pending reversal and repeated (`0221`, same STAN)
    /// until the host answers — the rule and its sources are in this module's documentation.
    /// The card is read again (`entry`; refunds carry no PIN).
    ///
    /// For a sale of this journal ([`RefundOf::Order`]) the refund must not exceed what the
    /// sale charged less its other refunds (approved or still unanswered), the sale must not be
    /// voided, and its answer must have carried its date (field 13).
    pub fn refund(
        &mut self,
        now: Millis,
        order: OrderNo,
        refund: &CardRefund<'_>,
    ) -> Result<(), Error> {
        let (original, reference) = match refund.of {
            RefundOf::Order(sale) => (Some(sale.clone()), self.reference_of(sale, refund.amount)?),
            RefundOf::Reference(r) => (
                None,
                Reference {
                    batch: r.batch,
                    stan: r.stan,
                    rrn: String::from(r.rrn),
                    auth_code: r.auth_code.map(String::from),
                    date: String::from(r.date),
                },
            ),
        };
        if refund.amount.minor == 0 {
            return Err(Error::new(ErrorKind::NotRefundable));
        }
        let stan = self.begin_payment(&order)?;
        let currency = core::str::from_utf8(&refund.amount.currency).unwrap_or("");
        let (stan_digits, batch, original_stan) = (
            stan_text(stan),
            stan_text(reference.batch),
            stan_text(reference.stan),
        );
        let request = self.build(|t| {
            txn::refund(
                t,
                &txn::Refund {
                    amount: refund.amount.minor,
                    stan: &stan_digits,
                    currency,
                    entry: refund.entry,
                    original: txn::Original {
                        batch: &batch,
                        stan: &original_stan,
                        rrn: &reference.rrn,
                        auth_code: reference.auth_code.as_deref(),
                        date: Some(&reference.date),
                    },
                },
            )
        })?;
        let message = request.to_vec().map_err(paywire_unionpay::Error::from)?;
        // Write-ahead: from here on, the refund may be at the host.
        self.record(&Record::CardRefundSent {
            order: order.clone(),
            original: original.clone(),
            stan,
            amount: refund.amount,
            message: message.clone(),
        })?;
        self.book.orders.insert(order.clone(), None);
        self.refunded
            .insert(order.clone(), (original, refund.amount));
        self.batch_refunds.push(order.clone());
        self.refunds.push_back(PendingRefund {
            order,
            stan,
            message,
            attempts: 0,
            deferred: false,
            repeat: false,
        });
        self.retry_reversals(now)
    }

    /// Refunds sent whose answer has not arrived yet.
    pub fn pending_refunds(&self) -> impl Iterator<Item = &OrderNo> + '_ {
        self.refunds.iter().map(|r| &r.order)
    }

    /// The refunds of `sale` that took or may take money back: approved, or not answered yet.
    pub(super) fn standing_refunds<'s>(
        &'s self,
        sale: &'s OrderNo,
    ) -> impl Iterator<Item = Amount> + 's {
        self.refunded
            .iter()
            .filter(move |(_, (of, _))| of.as_ref() == Some(sale))
            .filter(|(refund, _)| {
                matches!(
                    self.book.orders.get(*refund),
                    Some(None | Some(Outcome::Approved(_))) | None
                )
            })
            .map(|(_, (_, amount))| *amount)
    }

    /// The references of the approved sale `sale` of this journal, if `amount` may still be
    /// refunded from it.
    fn reference_of(&self, sale: &OrderNo, amount: Amount) -> Result<Reference, Error> {
        let refused = Error::new(ErrorKind::NotRefundable);
        let Some(Some(Outcome::Approved(approval))) = self.book.orders.get(sale) else {
            return Err(refused);
        };
        let Some(&(stan, charged)) = self.sent.get(sale) else {
            return Err(refused);
        };
        let voided = self.voided_or_voiding(sale);
        if self.voids.contains_key(sale) || voided || charged.currency != amount.currency {
            return Err(refused);
        }
        let refunded = self
            .standing_refunds(sale)
            .fold(0u64, |sum, a| sum.saturating_add(a.minor));
        if amount.minor > charged.minor.saturating_sub(refunded) {
            return Err(refused);
        }
        let (Some(rrn), Some(date), Some(&batch)) = (
            approval.rrn.clone(),
            approval.date.clone(),
            self.sale_batches.get(sale),
        ) else {
            return Err(refused);
        };
        Ok(Reference {
            batch,
            stan,
            rrn,
            auth_code: approval.auth_code.clone(),
            date,
        })
    }

    /// Sends the pending refund at `index`: its `0220`, or the repeat `0221` of it.
    pub(super) fn send_refund(
        &mut self,
        now: Millis,
        index: usize,
        mak: &Key,
    ) -> Result<(), Error> {
        let Some(pending) = self.refunds.get(index) else {
            return Ok(());
        };
        let mut message =
            Message::parse(&CUPS_POS, &pending.message).map_err(paywire_unionpay::Error::from)?;
        if pending.repeat {
            message.set_mti(Mti::FINANCIAL_ADVICE.repeat());
        }
        let framed = self.frame(&txn::encode_with_mac(&message, mak)?)?;
        let stan = pending.stan;
        if let Some(pending) = self.refunds.get_mut(index) {
            pending.attempts = pending.attempts.saturating_add(1);
            pending.repeat = true;
        }
        let deadline = now.saturating_add(self.config.response_timeout);
        self.transmit.push_back(Transmit {
            bytes: framed,
            deadline,
        });
        self.waiting = Some(Waiting::Refund { stan, deadline });
        Ok(())
    }

    /// The host answered the refund with STAN `stan` (a `0230` whose MAC verified).
    pub(super) fn refund_answered(
        &mut self,
        now: Millis,
        stan: u32,
        answer: &MessageRef<'_, '_>,
    ) -> Result<(), Error> {
        if let Some(index) = self.refunds.iter().position(|r| r.stan == stan)
            && let Some(done) = self.refunds.remove(index)
        {
            self.finish(done.order, answer::outcome(answer))?;
        }
        self.drive(now)
    }

    /// The refund with STAN `stan` got no answer in time: it goes again, or waits for the next
    /// transaction once out of sends.
    pub(super) fn refund_unanswered(&mut self, stan: u32) {
        let limit = self.config.refund_attempts;
        if let Some(pending) = self.refunds.iter_mut().find(|r| r.stan == stan)
            && pending.attempts >= limit
        {
            pending.deferred = true;
            let order = pending.order.clone();
            self.events.push_back(Event::RefundDeferred { order });
        }
    }
}
