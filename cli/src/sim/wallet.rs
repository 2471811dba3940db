//! The orders a simulated wallet holds, and the customer behind each, decided by the amount
//! (contract: the last two digits of the minor units — 51 declined, 77 pays slowly, 78 never
//! pays, anything else pays). Shared by `sim wechat` and `sim alipay`, which only translate
//! requests and answers; money events go to the ledger as they happen.

use std::collections::BTreeMap;

use super::Ledger;

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    /// Paid: the customer's money is charged.
    Paid,
    /// Declined (insufficient funds).
    Declined,
    /// The customer has not confirmed yet: paying for this many more queries (`None`: until
    /// the order is undone).
    Paying(Option<u32>),
    /// Reversed or cancelled (money returned if it was charged).
    Undone,
    /// Closed before it was paid.
    Closed,
}

/// One order.
#[derive(Clone, Debug)]
pub(super) struct Order {
    pub(super) amount: u64,
    pub(super) state: State,
    /// The wallet's transaction id.
    pub(super) transaction_id: String,
    /// A shown code (the customer pays it after the first query at the earliest).
    shown: bool,
    /// Refunds accepted: request number → amount.
    refunds: BTreeMap<String, u64>,
}

/// Why a refund is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RefundRefusal {
    /// No such order.
    NotFound,
    /// The order is not paid (or was undone).
    NotPaid,
    /// More than what is left to refund, or the same request number with another amount.
    TooMuch,
}

/// The orders of one wallet.
pub(super) struct Orders {
    orders: BTreeMap<String, Order>,
    ledger: Ledger,
    /// The event that undoes a charge (`reverse` for WeChat Pay, `cancel` for Alipay).
    undo_event: &'static str,
    next_id: u64,
    /// A prefix for transaction ids.
    id_prefix: &'static str,
}

/// The customer decided by the amount's last two digits.
fn customer(amount: u64) -> State {
    match amount % 100 {
        51 => State::Declined,
        77 => State::Paying(Some(3)),
        78 => State::Paying(None),
        _ => State::Paid,
    }
}

impl Orders {
    pub(super) fn new(ledger: Ledger, undo_event: &'static str, id_prefix: &'static str) -> Self {
        Self {
            orders: BTreeMap::new(),
            ledger,
            undo_event,
            next_id: 0,
            id_prefix,
        }
    }

    fn new_order(&mut self, amount: u64, state: State, shown: bool) -> Order {
        self.next_id = self.next_id.saturating_add(1);
        Order {
            amount,
            state,
            transaction_id: format!("{}{:010}", self.id_prefix, self.next_id),
            shown,
            refunds: BTreeMap::new(),
        }
    }

    /// A payment code's payment: the order is created and the customer decides at once
    /// (charged now when paid). `None` when the order number was used before.
    pub(super) fn pay(&mut self, order: &str, amount: u64) -> Option<Order> {
        if self.orders.contains_key(order) {
            return None;
        }
        let created = self.new_order(amount, customer(amount), false);
        if created.state == State::Paid {
            self.ledger.event("charge", order, amount);
        }
        self.orders.insert(order.into(), created.clone());
        Some(created)
    }

    /// A shown code's order: unpaid until the customer pays it (at a query). `None` when the
    /// order number was used before.
    pub(super) fn create_shown(&mut self, order: &str, amount: u64) -> Option<Order> {
        if self.orders.contains_key(order) {
            return None;
        }
        let created = self.new_order(amount, State::Paying(None), true);
        self.orders.insert(order.into(), created.clone());
        Some(created)
    }

    /// The order as it stands (no customer moves).
    pub(super) fn get(&self, order: &str) -> Option<Order> {
        self.orders.get(order).cloned()
    }

    /// A query: a paying customer may confirm now (then the charge is recorded).
    pub(super) fn query(&mut self, order: &str) -> Option<Order> {
        let entry = self.orders.get_mut(order)?;
        if entry.shown && entry.state == State::Paying(None) {
            // The customer scans the shown code before the first query; from then on the
            // amount decides as for a payment code.
            entry.shown = false;
            entry.state = match customer(entry.amount) {
                // Declined at the wallet: the code stays unpaid.
                State::Declined => State::Paying(None),
                state => state,
            };
            if entry.state == State::Paid {
                let amount = entry.amount;
                self.ledger.event("charge", order, amount);
                return self.orders.get(order).cloned();
            }
            return Some(entry.clone());
        }
        if let State::Paying(Some(left)) = entry.state {
            entry.state = match left.checked_sub(1) {
                Some(left) => State::Paying(Some(left)),
                None => State::Paid,
            };
            if entry.state == State::Paid {
                let amount = entry.amount;
                self.ledger.event("charge", order, amount);
                return self.orders.get(order).cloned();
            }
        }
        Some(entry.clone())
    }

    /// Reverse / cancel: money back if charged (then `true`). `None` when there is no such
    /// order.
    pub(super) fn undo(&mut self, order: &str) -> Option<(Order, bool)> {
        let entry = self.orders.get_mut(order)?;
        let was = entry.state;
        if matches!(was, State::Paid | State::Paying(_) | State::Declined) {
            entry.state = State::Undone;
        }
        if was == State::Paid {
            let amount = entry.amount;
            let undo = self.undo_event;
            self.ledger.event(undo, order, amount);
        }
        Some((self.orders.get(order)?.clone(), was == State::Paid))
    }

    /// Close an unpaid order. `Err(Some(order))` when it is paid (cannot be closed),
    /// `Err(None)` when there is no such order.
    pub(super) fn close(&mut self, order: &str) -> Result<(), Option<Order>> {
        let entry = self.orders.get_mut(order).ok_or(None)?;
        match entry.state {
            State::Paid => Err(Some(entry.clone())),
            State::Paying(_) | State::Declined => {
                entry.state = State::Closed;
                Ok(())
            }
            State::Undone | State::Closed => Ok(()),
        }
    }

    /// A refund of `amount` under `request` (a repeated request number with the same amount
    /// is accepted again without refunding twice).
    pub(super) fn refund(
        &mut self,
        order: &str,
        request: &str,
        amount: u64,
    ) -> Result<Order, RefundRefusal> {
        let entry = self.orders.get_mut(order).ok_or(RefundRefusal::NotFound)?;
        if entry.state != State::Paid {
            return Err(RefundRefusal::NotPaid);
        }
        if let Some(&earlier) = entry.refunds.get(request) {
            return if earlier == amount {
                Ok(entry.clone())
            } else {
                Err(RefundRefusal::TooMuch)
            };
        }
        let refunded = entry
            .refunds
            .values()
            .fold(0u64, |sum, r| sum.saturating_add(*r));
        if amount == 0 || refunded.saturating_add(amount) > entry.amount {
            return Err(RefundRefusal::TooMuch);
        }
        entry.refunds.insert(request.into(), amount);
        let answer = entry.clone();
        self.ledger.event("refund", order, amount);
        Ok(answer)
    }
}

/// `12.34` → 1234 (exactly two decimals, as both wallets send yuan amounts).
pub(super) fn minor_units(text: &str) -> Option<u64> {
    let (units, cents) = text.split_once('.')?;
    if cents.len() != 2
        || units.is_empty()
        || !units
            .bytes()
            .chain(cents.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    units
        .parse::<u64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents.parse().ok()?)
}

/// 1234 → `12.34`.
pub(super) fn major_units(minor: u64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}
