//! Opening a terminal on its journal: what it sent, what it owes, where its counters stand.

use super::*;

impl<J: Journal> CardTerminal<J> {
    /// Opens a terminal on `journal`, resuming what it holds: the STAN goes on from the last
    /// one used, every sale sent without a final outcome is due for reversal (a terminal
    /// that restarts cannot know the answer it lost), every refund without an answer is
    /// pending (repeated as `0221`), and the working keys of the last
    /// sign-in are installed again (kept under the TMK: [`Record::SignedIn`]). Without a
    /// sign-in in the journal, sign in before anything is sent.
    pub fn open(config: CardConfig, tmk: Key, mut journal: J) -> Result<Self, Error> {
        let records = journal
            .records()
            .map_err(|_| Error::new(ErrorKind::Journal))?;
        let mut last_stan = 0u32;
        let mut orders: BTreeMap<OrderNo, Option<Outcome>> = BTreeMap::new();
        let mut sent: BTreeMap<OrderNo, (u32, Vec<u8>)> = BTreeMap::new();
        let mut due: BTreeMap<OrderNo, UndoReason> = BTreeMap::new();
        let mut completing: Vec<OrderNo> = Vec::new();
        let mut sent_info: BTreeMap<OrderNo, (u32, Amount)> = BTreeMap::new();
        let mut voids: BTreeMap<OrderNo, OrderNo> = BTreeMap::new();
        let mut batch = config.batch;
        let mut batch_sales: Vec<OrderNo> = Vec::new();
        let mut signed_in: Option<Vec<u8>> = None;
        let mut sale_batches: BTreeMap<OrderNo, u32> = BTreeMap::new();
        let mut refund_sends: Vec<refund::PendingRefund> = Vec::new();
        let mut refunded: BTreeMap<OrderNo, (Option<OrderNo>, Amount)> = BTreeMap::new();
        let mut batch_refunds: Vec<OrderNo> = Vec::new();
        for record in &records {
            match record {
                Record::SignInSent { stan } => last_stan = last_stan.max(*stan),
                Record::SignedIn { keys, .. } => signed_in = Some(keys.clone()),
                Record::SaleSent {
                    order,
                    stan,
                    reversal,
                    amount,
                } => {
                    last_stan = last_stan.max(*stan);
                    sent_info.insert(order.clone(), (*stan, *amount));
                    sale_batches.insert(order.clone(), batch);
                    batch_sales.push(order.clone());
                    orders.entry(order.clone()).or_insert(None);
                    sent.insert(order.clone(), (*stan, reversal.clone()));
                }
                Record::ReversalDue { order, reason } => {
                    due.insert(order.clone(), *reason);
                }
                Record::ReversalSent { .. } => {}
                Record::CardRefundSent {
                    order,
                    original,
                    stan,
                    amount,
                    message,
                } => {
                    last_stan = last_stan.max(*stan);
                    orders.entry(order.clone()).or_insert(None);
                    refunded.insert(order.clone(), (original.clone(), *amount));
                    batch_refunds.push(order.clone());
                    // It may have reached the host: every send from now on is a repeat.
                    refund_sends.push(refund::PendingRefund {
                        order: order.clone(),
                        stan: *stan,
                        message: message.clone(),
                        attempts: 0,
                        deferred: false,
                        repeat: true,
                    });
                }
                // Another flow's payment (a payment code) sharing the journal: its number is
                // taken; the scanned-code flow resumes it.
                Record::CodePaySent { order, .. }
                | Record::CodeShown { order, .. }
                | Record::RefundSent { order, .. } => {
                    orders.entry(order.clone()).or_insert(None);
                }
                Record::SettlementSent { stan, .. } | Record::InquirySent { stan } => {
                    last_stan = last_stan.max(*stan);
                }
                Record::BatchClosed { batch: closed, .. } => {
                    batch = batch.max(closed.saturating_add(1));
                    batch_sales.clear();
                    batch_refunds.clear();
                }
                Record::VoidOf { order, original } => {
                    voids.insert(order.clone(), original.clone());
                }
                Record::AwaitingCompletion { order, .. } => completing.push(order.clone()),
                Record::Final { order, outcome } => {
                    orders.insert(order.clone(), Some(outcome.clone()));
                }
            }
        }
        let mut reversals = VecDeque::new();
        for (order, (stan, message)) in sent {
            if matches!(orders.get(&order), Some(Some(_))) {
                continue;
            }
            let reason = match due.get(&order) {
                Some(reason) => *reason,
                None => {
                    // Approved but not completed when the power went: the sale was not
                    // completed (96); otherwise its answer was lost with the terminal (98).
                    let reason = if completing.contains(&order) {
                        UndoReason::NotCompleted
                    } else {
                        UndoReason::Interrupted
                    };
                    journal
                        .append(&Record::ReversalDue {
                            order: order.clone(),
                            reason,
                        })
                        .map_err(|_| Error::new(ErrorKind::Journal))?;
                    reason
                }
            };
            reversals.push_back(PendingReversal {
                order,
                stan,
                reason,
                message,
                attempts: 0,
                deferred: false,
            });
        }
        let refunds = refund_sends
            .into_iter()
            .filter(|r| matches!(orders.get(&r.order), Some(None)))
            .collect();
        // The last sign-in's keys, if they still decrypt under this TMK (a new TMK needs a new
        // sign-in).
        let keys = signed_in.and_then(|field62| {
            work_keys(&tmk, &field62, config.key_scheme.code().as_bytes()).ok()
        });
        Ok(Self {
            config,
            tmk,
            book: Book { journal, orders },
            keys,
            last_stan,
            reversals,
            sent: sent_info,
            sale_batches,
            refunds,
            refunded,
            batch_refunds,
            batch,
            batch_sales,
            voids,
            awaiting: BTreeMap::new(),
            queued: None,
            waiting: None,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        })
    }
}
