//! What follows an answer that is not final: the next query, giving up, undos (reverse,
//! cancel, close) and refunds until they are confirmed, and the one final outcome.

use super::*;

impl<J: Journal, N: Nonces> WalletTerminal<J, N> {
    /// A refund's final answer: a declined one gives its amount back to what may be refunded.
    pub(super) fn refund_final(&mut self, order: &OrderNo, outcome: Outcome) -> Result<(), Error> {
        let Some(index) = self.refunds.iter().position(|p| p.order == *order) else {
            return Ok(());
        };
        if let (Outcome::Declined { .. }, Some(p)) = (&outcome, self.refunds.get(index)) {
            let (original, minor) = (p.original.clone(), p.amount.minor);
            if let Some(taken) = self.refunded.get_mut(&original) {
                *taken = taken.saturating_sub(minor);
            }
        }
        self.refunds.remove(index);
        self.finish(order, outcome)
    }

    pub(super) fn refund_failed(&mut self, now: Millis, order: &OrderNo) {
        let Some(wallet) = self
            .refunds
            .iter()
            .find(|p| p.order == *order)
            .map(|p| p.wallet)
        else {
            return;
        };
        let Ok(rule) = self.rule(wallet, false) else {
            return;
        };
        let Some(p) = self.refunds.iter_mut().find(|p| p.order == *order) else {
            return;
        };
        if p.attempts >= rule.undo_attempts {
            p.deferred = true;
            self.events.push_back(Event::RefundDeferred {
                order: order.clone(),
            });
        } else {
            p.not_before = now.saturating_add(rule.undo_interval);
        }
    }

    /// Schedules the next query of the flow, or its undo when the rule's limit is reached.
    pub(super) fn next_query(
        &mut self,
        now: Millis,
        r: &InFlight,
        paying: bool,
    ) -> Result<(), Error> {
        let Some(flow) = self.flow_of(&r.order).cloned() else {
            return Ok(());
        };
        let rule = self.rule(flow.wallet, flow.expires_at.is_some())?;
        if let Some(expires_at) = flow.expires_at {
            // A shown code is polled until it expires, then closed (a last query first).
            let at = now.saturating_add(rule.query_interval);
            if now >= expires_at {
                return self.give_up(now, &flow);
            }
            if let Some(f) = self.flow_of_mut(&r.order) {
                f.query_at = Some(at.min(expires_at));
            }
            return Ok(());
        }
        let first = r.purpose == Purpose::Pay;
        let at = match (first, paying, flow.wallet) {
            (true, true, _) => now.saturating_add(rule.first_query_when_paying),
            // Alipay counts its first query from the payment's creation.
            (true, false, Wallet::Alipay) => flow
                .sent_at
                .saturating_add(rule.first_query_when_unknown)
                .max(now),
            (true, false, _) => now.saturating_add(rule.first_query_when_unknown),
            (false, _, _) => now.saturating_add(rule.query_interval),
        };
        let limit = flow.sent_at.saturating_add(rule.give_up_after);
        if flow.queries >= rule.max_queries || at > limit {
            return self.give_up(now, &flow);
        }
        if let Some(f) = self.flow_of_mut(&r.order) {
            f.query_at = Some(at);
        }
        Ok(())
    }

    /// The flow ran out of queries (or its code expired): undo the payment.
    pub(super) fn give_up(&mut self, now: Millis, flow: &Flow) -> Result<(), Error> {
        let shown = flow.expires_at.is_some();
        let rule = self.rule(flow.wallet, shown)?;
        let (kind, reason) = if shown {
            (UndoKind::Close { check: false }, UndoReason::Expired)
        } else {
            (UndoKind::Reverse, UndoReason::Unconfirmed)
        };
        self.undo_due(
            flow.order.clone(),
            flow.wallet,
            kind,
            reason,
            flow.amount,
            flow.sent_at.saturating_add(rule.undo_not_before).max(now),
        )
    }

    /// Journals the undo and queues it; the flow ends.
    pub(super) fn undo_due(
        &mut self,
        order: OrderNo,
        wallet: Wallet,
        kind: UndoKind,
        reason: UndoReason,
        amount: Amount,
        not_before: Millis,
    ) -> Result<(), Error> {
        self.record(&Record::ReversalDue {
            order: order.clone(),
            reason,
        })?;
        self.end_flow(&order);
        self.undos.push_back(PendingUndo {
            order,
            wallet,
            kind,
            reason,
            amount,
            attempts: 0,
            not_before,
            deferred: false,
        });
        Ok(())
    }

    pub(super) fn end_flow(&mut self, order: &OrderNo) {
        if self.flow.as_ref().is_some_and(|f| f.order == *order) {
            self.flow = None;
        }
        self.resumed.retain(|f| f.order != *order);
    }

    pub(super) fn undone(&mut self, order: &OrderNo) -> Result<(), Error> {
        let Some(index) = self.undos.iter().position(|u| u.order == *order) else {
            return Ok(());
        };
        let reason = self
            .undos
            .get(index)
            .map_or(UndoReason::Unconfirmed, |u| u.reason);
        self.finish(order, Outcome::Undone(reason))?;
        self.undos.remove(index);
        Ok(())
    }

    /// The query before closing a shown code answered (`None`: it did not): paid → approved;
    /// closed or never created → undone; otherwise close it.
    pub(super) fn checked(
        &mut self,
        now: Millis,
        order: &OrderNo,
        answer: Option<Answer>,
    ) -> Result<(), Error> {
        match answer {
            Some(Answer::Paid(approval)) => {
                self.undos.retain(|u| u.order != *order);
                self.finish(order, Outcome::Approved(approval))
            }
            Some(Answer::Declined { .. } | Answer::Missing) => self.undone(order),
            Some(_) => {
                if let Some(u) = self.undos.iter_mut().find(|u| u.order == *order) {
                    u.kind = UndoKind::Close { check: false };
                    u.not_before = now;
                }
                Ok(())
            }
            None => {
                self.undo_failed(now, order);
                Ok(())
            }
        }
    }

    pub(super) fn undo_failed(&mut self, now: Millis, order: &OrderNo) {
        let Some(u) = self.undos.iter().find(|u| u.order == *order) else {
            return;
        };
        let shown = matches!(u.kind, UndoKind::Close { .. });
        let Ok(rule) = self.rule(u.wallet, shown) else {
            return;
        };
        let Some(u) = self.undos.iter_mut().find(|u| u.order == *order) else {
            return;
        };
        if shown {
            // A close that failed may have failed because the order was paid: ask first.
            u.kind = UndoKind::Close { check: true };
        }
        if u.attempts >= rule.undo_attempts {
            u.deferred = true;
            self.events.push_back(Event::UndoDeferred {
                order: order.clone(),
            });
        } else {
            u.not_before = now.saturating_add(rule.undo_interval);
        }
    }
}
