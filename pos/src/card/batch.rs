//! The rest of a batch's life besides sales: voids, balance inquiries, settlement with the
//! journal's totals.

use super::*;

impl<J: Journal> CardTerminal<J> {
    /// Voids (消费撤销) the approved sale `original` of this terminal under a new order number
    /// `order`: a `0200` with processing code `200000` carrying the original's RRN,
    /// authorisation code, batch and trace, reversed like a sale when its answer is lost or its
    /// MAC is wrong. The card is read again (`entry`, `pin`).
    pub fn void(
        &mut self,
        now: Millis,
        order: OrderNo,
        original: &OrderNo,
        entry: Entry<'_>,
        pin: Option<Pin<'_>>,
    ) -> Result<(), Error> {
        let approval = match self.book.orders.get(original) {
            Some(Some(Outcome::Approved(approval))) => approval.clone(),
            _ => return Err(Error::new(ErrorKind::NotVoidable)),
        };
        // A sale is voided once: a void of it that is approved, or not final yet, blocks another.
        // Voids are of the open batch's sales (the void carries the batch it is sent in).
        let voided = self.voided_or_voiding(original);
        // Nor is a sale with a refund that took, or may take, money back.
        let refunded = self.standing_refunds(original).next().is_some();
        if voided
            || refunded
            || self.voids.contains_key(original)
            || !self.batch_sales.contains(original)
        {
            return Err(Error::new(ErrorKind::NotVoidable));
        }
        let Some(&(original_stan, amount)) = self.sent.get(original) else {
            return Err(Error::new(ErrorKind::NotVoidable));
        };
        let rrn = approval.rrn.clone().unwrap_or_default();
        let stan = self.begin_payment(&order)?;
        let batch = stan_text(self.batch);
        let currency = core::str::from_utf8(&amount.currency).unwrap_or("");
        let stan_digits = stan_text(stan);
        let original_stan = stan_text(original_stan);
        let request = self.build(|t| {
            txn::void(
                t,
                &txn::Void {
                    amount: amount.minor,
                    stan: &stan_digits,
                    currency,
                    entry,
                    pin,
                    original: txn::Original {
                        batch: &batch,
                        stan: &original_stan,
                        rrn: &rrn,
                        auth_code: approval.auth_code.as_deref(),
                        date: None,
                    },
                },
            )
        })?;
        let reversal = Self::reversal_of(&request)?;
        self.queue_payment(
            now,
            QueuedSale {
                order,
                void_of: Some(original.clone()),
                stan,
                amount,
                request,
                reversal,
            },
        )
    }

    /// The open batch's totals as the journal holds them: approved sales that no approved void
    /// undid (debits), approved refunds (credits).
    pub fn totals(&self) -> Totals {
        let voided = |sale: &OrderNo| {
            self.void_outcomes(sale)
                .any(|o| matches!(o, Some(Outcome::Approved(_))))
        };
        let mut totals = Totals::default();
        for order in &self.batch_sales {
            let is_void = self.voids.contains_key(order);
            let approved = matches!(
                self.book.orders.get(order),
                Some(Some(Outcome::Approved(_)))
            );
            if is_void || !approved || voided(order) {
                continue;
            }
            if let Some((_, amount)) = self.sent.get(order) {
                totals.debit_amount = totals.debit_amount.saturating_add(amount.minor);
                totals.debit_count = totals.debit_count.saturating_add(1);
            }
        }
        for order in &self.batch_refunds {
            let approved = matches!(
                self.book.orders.get(order),
                Some(Some(Outcome::Approved(_)))
            );
            if let (true, Some((_, amount))) = (approved, self.refunded.get(order)) {
                totals.credit_amount = totals.credit_amount.saturating_add(amount.minor);
                totals.credit_count = totals.credit_count.saturating_add(1);
            }
        }
        totals
    }

    /// Settles the open batch (`0500`) with the journal's totals; `network_code` is 60.3 as the
    /// acquirer's specification gives it for settlement. Pending reversals are resolved first
    /// ([`CardTerminal::retry_reversals`]): a batch with a reversal or a refund still unanswered
    /// is refused.
    pub fn settle(&mut self, now: Millis, network_code: &str) -> Result<(), Error> {
        if self.keys.is_none() {
            return Err(Error::new(ErrorKind::NotSignedIn));
        }
        if self.is_busy() {
            return Err(Error::new(ErrorKind::Busy));
        }
        if !self.reversals.is_empty() || !self.refunds.is_empty() {
            return Err(Error::new(ErrorKind::Unresolved));
        }
        let stan = self.next_stan()?;
        let totals = self.totals();
        let operator = self.config.operator.clone();
        let request = self.build(|t| {
            txn::settlement(
                t,
                &txn::Settlement {
                    stan: &stan_text(stan),
                    currency: "156",
                    domestic: totals,
                    foreign: Totals::default(),
                    network_code,
                    operator: &operator,
                },
            )
        })?;
        let bytes = self.frame(&request.to_vec().map_err(paywire_unionpay::Error::from)?)?;
        self.record(&Record::SettlementSent {
            stan,
            batch: self.batch,
        })?;
        let deadline = now.saturating_add(self.config.response_timeout);
        self.transmit.push_back(Transmit { bytes, deadline });
        self.waiting = Some(Waiting::Settlement {
            stan,
            deadline,
            totals,
        });
        Ok(())
    }

    /// Asks for the card's balance (`0200`, processing code `310000`). The STAN is used (and
    /// journaled, so it is never reused); the answer's MAC is checked.
    pub fn balance_inquiry(
        &mut self,
        now: Millis,
        entry: Entry<'_>,
        pin: Option<Pin<'_>>,
    ) -> Result<(), Error> {
        let Some(mak) = self.keys.as_ref().map(|k| k.mak.clone()) else {
            return Err(Error::new(ErrorKind::NotSignedIn));
        };
        if self.is_busy() || !self.reversals.is_empty() || !self.refunds.is_empty() {
            return Err(Error::new(ErrorKind::Busy));
        }
        let stan = self.next_stan()?;
        let request = self.build(|t| {
            txn::balance_inquiry(
                t,
                &txn::BalanceInquiry {
                    stan: &stan_text(stan),
                    currency: "156",
                    entry,
                    pin,
                },
            )
        })?;
        let bytes = self.frame(&txn::encode_with_mac(&request, &mak)?)?;
        self.record(&Record::InquirySent { stan })?;
        let deadline = now.saturating_add(self.config.response_timeout);
        self.transmit.push_back(Transmit { bytes, deadline });
        self.waiting = Some(Waiting::Balance { stan, deadline });
        Ok(())
    }

    /// The open batch number.
    pub const fn batch(&self) -> u32 {
        self.batch
    }

    /// The outcomes (none yet: `None`) of the voids sent for `sale`.
    fn void_outcomes<'s>(
        &'s self,
        sale: &'s OrderNo,
    ) -> impl Iterator<Item = Option<&'s Outcome>> + 's {
        self.voids
            .iter()
            .filter(move |(_, of)| *of == sale)
            .map(|(void, _)| self.book.orders.get(void).and_then(Option::as_ref))
    }

    /// Whether a void of `sale` was approved, or may still be (not final yet).
    pub(super) fn voided_or_voiding(&self, sale: &OrderNo) -> bool {
        self.void_outcomes(sale)
            .any(|o| !matches!(o, Some(Outcome::Declined { .. } | Outcome::Undone(_))))
    }

    /// The sale a void voids, when `order` is a void.
    pub fn voided_sale(&self, order: &OrderNo) -> Option<&OrderNo> {
        self.voids.get(order)
    }
}
