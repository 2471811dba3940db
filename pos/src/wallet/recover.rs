//! Opening a wallet terminal on its journal: every payment sent without a final outcome is
//! resumed — a payment code is queried first (both wallets ask for a query before an undo), a
//! shown code is polled until it expires, and one whose undo was already due is undone (a
//! shown code's close is preceded by a query: it may have been paid).

use super::*;

/// A payment the journal holds without a final outcome.
struct Open {
    order: OrderNo,
    wallet: Wallet,
    amount: Amount,
    at: Millis,
    expires_at: Option<Millis>,
}

impl Open {
    /// The payment a `CodePaySent` or `CodeShown` record started.
    fn of(record: &Record) -> Option<Self> {
        let (order, wallet, amount, at, expires_at) = match record {
            Record::CodePaySent {
                order,
                wallet,
                amount,
                at,
            } => (order, wallet, amount, at, None),
            Record::CodeShown {
                order,
                wallet,
                amount,
                at,
                expires_at,
            } => (order, wallet, amount, at, Some(*expires_at)),
            _ => return None,
        };
        Some(Self {
            order: order.clone(),
            wallet: *wallet,
            amount: *amount,
            at: *at,
            expires_at,
        })
    }
}

impl<J: Journal, N: Nonces> WalletTerminal<J, N> {
    /// Opens a terminal on `journal` at `now` (Unix milliseconds), resuming what it holds.
    /// Order numbers of every flow sharing the journal are taken. Call
    /// [`Self::handle_timeout`] (or [`Self::retry_undos`]) to send what is due.
    pub fn open(config: WalletConfig, journal: J, nonces: N, now: Millis) -> Result<Self, Error> {
        let records = journal
            .records()
            .map_err(|_| Error::new(ErrorKind::Journal))?;
        let mut orders: BTreeMap<OrderNo, Option<Outcome>> = BTreeMap::new();
        let mut sent: Vec<Open> = Vec::new();
        let mut due: BTreeMap<OrderNo, UndoReason> = BTreeMap::new();
        let mut refunds: Vec<(OrderNo, OrderNo, Wallet, Amount)> = Vec::new();
        for record in &records {
            if let Some(open) = Open::of(record) {
                orders.entry(open.order.clone()).or_insert(None);
                sent.push(open);
                continue;
            }
            match record {
                // Taken up above.
                Record::CodePaySent { .. } | Record::CodeShown { .. } => {}
                Record::ReversalDue { order, reason } => {
                    due.insert(order.clone(), *reason);
                }
                Record::RefundSent {
                    order,
                    original,
                    wallet,
                    amount,
                } => {
                    orders.entry(order.clone()).or_insert(None);
                    refunds.push((order.clone(), original.clone(), *wallet, *amount));
                }
                Record::Final { order, outcome } => {
                    orders.insert(order.clone(), Some(outcome.clone()));
                }
                // A card sale or refund sharing the journal: its number is taken.
                Record::SaleSent { order, .. }
                | Record::VoidOf { order, .. }
                | Record::CardRefundSent { order, .. } => {
                    orders.entry(order.clone()).or_insert(None);
                }
                Record::SignInSent { .. }
                | Record::SignedIn { .. }
                | Record::InquirySent { .. }
                | Record::SettlementSent { .. }
                | Record::BatchClosed { .. }
                | Record::ReversalSent { .. }
                | Record::AwaitingCompletion { .. } => {}
            }
        }
        let mut terminal = Self {
            config,
            book: Book { journal, orders },
            nonces,
            flow: None,
            resumed: VecDeque::new(),
            undos: VecDeque::new(),
            refunds: VecDeque::new(),
            payments: sent
                .iter()
                .map(|o| (o.order.clone(), (o.wallet, o.amount)))
                .collect(),
            refunded: BTreeMap::new(),
            in_flight: None,
            next_id: 0,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        };
        for open in sent {
            if matches!(terminal.book.orders.get(&open.order), Some(Some(_))) {
                continue;
            }
            let shown = open.expires_at.is_some();
            // A wallet this configuration lacks cannot be resumed: opening fails rather than
            // leaving a payment unresolved without a word.
            let rule = terminal.rule(open.wallet, shown)?;
            match due.get(&open.order) {
                Some(reason) => terminal.undos.push_back(PendingUndo {
                    order: open.order,
                    wallet: open.wallet,
                    kind: if shown {
                        UndoKind::Close { check: true }
                    } else {
                        UndoKind::Reverse
                    },
                    reason: *reason,
                    amount: open.amount,
                    attempts: 0,
                    not_before: open.at.saturating_add(rule.undo_not_before),
                    deferred: false,
                }),
                None => terminal.resumed.push_back(Flow {
                    order: open.order,
                    wallet: open.wallet,
                    amount: open.amount,
                    sent_at: open.at,
                    queries: 0,
                    query_at: Some(now),
                    first: None,
                    expires_at: open.expires_at,
                }),
            }
        }
        for (order, original, wallet, amount) in refunds {
            let outcome = terminal.book.orders.get(&order).cloned().flatten();
            // What refunds take back: approved ones, and those still unresolved.
            if !matches!(outcome, Some(Outcome::Declined { .. })) {
                let taken = terminal.refunded.entry(original.clone()).or_insert(0);
                *taken = taken.saturating_add(amount.minor);
            }
            if outcome.is_some() {
                continue;
            }
            terminal.refunds.push_back(PendingRefund {
                order,
                original,
                wallet,
                amount,
                attempts: 0,
                not_before: now,
                deferred: false,
            });
        }
        Ok(terminal)
    }
}
