//! Opening a scanning terminal on its journal: every payment code sent without a final outcome
//! is resumed — queried first (both wallets ask for a query before an undo), or, when its undo
//! was already due, undone.

use super::*;

impl<J: Journal, N: Nonces> ScanTerminal<J, N> {
    /// Opens a terminal on `journal` at `now` (Unix milliseconds), resuming what it holds: a
    /// payment code sent without a final outcome is queried again (and undone when its rule
    /// runs out), one whose undo was due is undone. Order numbers of every flow sharing the
    /// journal are taken. Call [`Self::handle_timeout`] (or [`Self::retry_undos`]) to send what
    /// is due.
    pub fn open(config: ScanConfig, journal: J, nonces: N, now: Millis) -> Result<Self, Error> {
        let records = journal
            .records()
            .map_err(|_| Error::new(ErrorKind::Journal))?;
        let mut orders: BTreeMap<OrderNo, Option<Outcome>> = BTreeMap::new();
        let mut sent: Vec<(OrderNo, Wallet, Amount, Millis)> = Vec::new();
        let mut due: BTreeMap<OrderNo, UndoReason> = BTreeMap::new();
        for record in &records {
            match record {
                Record::CodePaySent {
                    order,
                    wallet,
                    amount,
                    at,
                } => {
                    orders.entry(order.clone()).or_insert(None);
                    sent.push((order.clone(), *wallet, *amount, *at));
                }
                Record::ReversalDue { order, reason } => {
                    due.insert(order.clone(), *reason);
                }
                Record::Final { order, outcome } => {
                    orders.insert(order.clone(), Some(outcome.clone()));
                }
                // A card sale sharing the journal: its number is taken.
                Record::SaleSent { order, .. } | Record::VoidOf { order, .. } => {
                    orders.entry(order.clone()).or_insert(None);
                }
                Record::SignInSent { .. }
                | Record::InquirySent { .. }
                | Record::SettlementSent { .. }
                | Record::BatchClosed { .. }
                | Record::ReversalSent { .. }
                | Record::AwaitingCompletion { .. } => {}
            }
        }
        let mut terminal = Self {
            config,
            journal,
            nonces,
            orders,
            flow: None,
            resumed: VecDeque::new(),
            undos: VecDeque::new(),
            in_flight: None,
            next_id: 0,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        };
        for (order, wallet, amount, at) in sent {
            if matches!(terminal.orders.get(&order), Some(Some(_))) {
                continue;
            }
            // A wallet this configuration lacks cannot be resumed: opening fails rather than
            // leaving a payment unresolved without a word.
            let rule = terminal.rule(wallet)?;
            match due.get(&order) {
                Some(reason) => terminal.undos.push_back(PendingUndo {
                    order,
                    wallet,
                    reason: *reason,
                    attempts: 0,
                    not_before: at.saturating_add(rule.undo_not_before),
                    deferred: false,
                }),
                None => terminal.resumed.push_back(Flow {
                    order,
                    wallet,
                    amount,
                    sent_at: at,
                    queries: 0,
                    query_at: Some(now),
                    code: None,
                }),
            }
        }
        Ok(terminal)
    }
}
