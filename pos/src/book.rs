//! What every terminal keeps of its payments: the order numbers it has used, each with its
//! outcome once final, and the journal it writes them through. Order numbers are never
//! reused, whichever terminal sharing the journal used them; a payment has one final outcome.

use alloc::collections::BTreeMap;

use crate::error::{Error, ErrorKind};
use crate::journal::{Journal, Record};
use crate::payment::{OrderNo, OrderNumbers, Outcome};

/// A terminal's journal and its order numbers.
pub(crate) struct Book<J> {
    pub(crate) journal: J,
    /// Every order number this terminal knows, with its outcome once final.
    pub(crate) orders: BTreeMap<OrderNo, Option<Outcome>>,
}

impl<J: Journal> Book<J> {
    /// Records `record` (write-ahead: before the request it leads to leaves).
    pub(crate) fn record(&mut self, record: &Record) -> Result<(), Error> {
        self.journal
            .append(record)
            .map_err(|_| Error::new(ErrorKind::Journal))
    }

    /// Whether `order` is used: by this terminal, or by another flow sharing the journal.
    pub(crate) fn is_taken(&self, order: &OrderNo) -> Result<bool, Error> {
        if self.orders.contains_key(order) {
            return Ok(true);
        }
        self.journal
            .holds_order(order)
            .map_err(|_| Error::new(ErrorKind::Journal))
    }

    /// A fresh order number from `generator`: one not used (16 used ones in a row are an
    /// error).
    pub(crate) fn new_order_no(&self, generator: &mut impl OrderNumbers) -> Result<OrderNo, Error> {
        for _ in 0..16 {
            let order = generator.next_order_no();
            if !self.is_taken(&order)? {
                return Ok(order);
            }
        }
        Err(Error::new(ErrorKind::DuplicateOrderNo))
    }

    /// The final outcome of `order`, once it has one.
    pub(crate) fn outcome(&self, order: &OrderNo) -> Option<&Outcome> {
        self.orders.get(order).and_then(Option::as_ref)
    }

    /// Records `outcome` as the final one of `order`; `false` (nothing recorded) when it has
    /// one already: a payment has exactly one.
    pub(crate) fn finish(&mut self, order: &OrderNo, outcome: &Outcome) -> Result<bool, Error> {
        if self.outcome(order).is_some() {
            return Ok(false);
        }
        self.record(&Record::Final {
            order: order.clone(),
            outcome: outcome.clone(),
        })?;
        self.orders.insert(order.clone(), Some(outcome.clone()));
        Ok(true)
    }
}
