//! Card sales against a simulated UnionPay host under seeded fault schedules.
//!
//! The host keeps its own ledger (which STANs it charged, which it reversed). The network
//! loses requests and answers, delivers answers after the terminal's deadline, duplicates
//! them and corrupts their MAC; the terminal crashes (the machine is dropped and reopened on
//! its journal) at any step. After the faults stop and the terminal has finished what it owes,
//! the invariants hold: every sale the journal sent has exactly one final outcome; it is
//! approved exactly when the host's ledger holds a net charge for it; the host charged nothing
//! the journal did not send; every refund the journal sent has exactly one final outcome,
//! approved exactly when the host refunded it (once, however often it was repeated); STANs are
//! never reused.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use std::collections::BTreeMap;

use paywire_iso8583::framing::{Framing, Status};
use paywire_iso8583::{Message, MessageRef};
use paywire_pos::card::{CardRefund, RefundOf, SaleReference};
use paywire_pos::{
    Amount, CardConfig, CardSale, CardTerminal, Event, Journal, MemoryJournal, OrderNo, Outcome,
    Record, SqliteJournal, UndoReason,
};
use paywire_unionpay::Key;
use paywire_unionpay::framing::parse_header;
use paywire_unionpay::key::check_value;
use paywire_unionpay::spec::CUPS_POS;
use paywire_unionpay::txn::{self, Entry};
use proptest::prelude::*;

const TMK: [u8; 16] = [
    0x70, 0xF2, 0xA8, 0x4C, 0xCB, 0xC2, 0xAE, 0x86, 0x25, 0xCB, 0xB0, 0xF2, 0xC2, 0x2A, 0xB9, 0x23,
];
const TIMEOUT: u64 = 60_000;
const LATENCY: u64 = 200;

thread_local! {
    /// Whether approvals wait for completion in the current case.
    static CONFIRM: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn config() -> CardConfig {
    CardConfig {
        response_timeout: TIMEOUT,
        confirm_approvals: CONFIRM.with(std::cell::Cell::get),
        ..CardConfig::new("16688014", "000000000000001")
    }
}

fn open<J: Journal>(journal: J) -> CardTerminal<J> {
    CardTerminal::open(config(), Key::des_or_tdes(&TMK).unwrap(), journal).unwrap()
}

/// A UnionPay host: hands out working keys, charges approved sales, undoes reversed ones.
struct Host {
    tmk: Key,
    pik: Key,
    mak: Key,
    /// STAN → (amount, charged now).
    ledger: BTreeMap<u32, (u64, bool)>,
    rrn: u32,
    /// Every request it read: MTI, STAN, field 39.
    seen: Vec<(u16, u32, Option<String>)>,
    /// Void STAN → (the voided sale's STAN, applied now).
    voids: BTreeMap<u32, (u32, bool)>,
    /// Refund STAN → (the refunded sale's STAN, amount, the answer's field 39).
    refunds: BTreeMap<u32, (u32, u64, &'static str)>,
}

impl Host {
    fn new() -> Self {
        Self {
            tmk: Key::des_or_tdes(&TMK).unwrap(),
            pik: Key::des_or_tdes(&[
                0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54,
                0x32, 0x10,
            ])
            .unwrap(),
            mak: Key::des_or_tdes(&[0xC2, 0x4A, 0x8F, 0xB5, 0x7A, 0xA2, 0x01, 0x23]).unwrap(),
            ledger: BTreeMap::new(),
            rrn: 0,
            seen: Vec::new(),
            voids: BTreeMap::new(),
            refunds: BTreeMap::new(),
        }
    }

    fn field62(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut pik = self.pik.expose().to_vec();
        for block in pik.chunks_mut(8) {
            self.tmk.encrypt_block(block);
        }
        out.extend(pik);
        out.extend(&check_value(&self.pik)[..4]);
        let mut mak = self.mak.expose().to_vec();
        self.tmk.encrypt_block(&mut mak);
        out.extend(mak);
        out.extend([0u8; 8]);
        out.extend(&check_value(&self.mak)[..4]);
        out
    }

    /// The answer to one request frame, if the host answers it.
    fn handle(&mut self, frame: &[u8]) -> Option<Vec<u8>> {
        let Ok(Status::Complete(f)) = Framing::CUPS.decode(frame) else {
            return None;
        };
        let (tpdu, header) = parse_header(f.header).ok()?;
        let request = MessageRef::parse(&CUPS_POS, f.message).ok()?;
        let stan = request.stan()?;
        let code39 = request
            .value(39)
            .map(|v| v.iter().map(char::from).collect());
        self.seen.push((request.mti().number(), stan, code39));
        let answer = match request.mti().number() {
            800 => {
                let mut m = Message::from_ref(&request).response(&[11, 41, 42, 60]);
                m.set(39, "00").unwrap().set(62, self.field62()).unwrap();
                m.to_vec().unwrap()
            }
            200 if request
                .processing_code()
                .is_some_and(|v| v.iter().eq(*b"310000")) =>
            {
                // A balance inquiry: the available balance, as field 54 carries it.
                txn::verify_mac(&request, &self.mak).ok()?;
                let mut m = Message::from_ref(&request).response(&[3, 11, 22, 25, 41, 42, 49, 60]);
                m.set(39, "00")
                    .unwrap()
                    .set(54, "1002156C000000012345")
                    .unwrap();
                txn::encode_with_mac(&m, &self.mak).unwrap()
            }
            200 if request
                .processing_code()
                .is_some_and(|v| v.iter().eq(*b"200000")) =>
            {
                // A void: field 61 holds the original's batch (6) and trace (6).
                txn::verify_mac(&request, &self.mak).ok()?;
                let f61: String = request.value(61)?.iter().map(char::from).collect();
                let original: u32 = f61.get(6..12)?.parse().ok()?;
                let code = if self.ledger.contains_key(&stan) || self.voids.contains_key(&stan) {
                    "94"
                } else {
                    match self.ledger.get_mut(&original) {
                        Some(charge) if charge.1 => {
                            charge.1 = false;
                            self.voids.insert(stan, (original, true));
                            "00"
                        }
                        _ => {
                            self.voids.insert(stan, (original, false));
                            "25" // unable to locate the original
                        }
                    }
                };
                self.rrn += 1;
                let mut m =
                    Message::from_ref(&request).response(&[3, 4, 11, 22, 25, 41, 42, 49, 60]);
                m.set(37, format!("{:012}", self.rrn))
                    .unwrap()
                    .set(39, code)
                    .unwrap();
                txn::encode_with_mac(&m, &self.mak).unwrap()
            }
            200 => {
                txn::verify_mac(&request, &self.mak).ok()?;
                let amount = request.amount()?;
                let code = match self.ledger.entry(stan) {
                    // A duplicate transmission is never charged twice.
                    std::collections::btree_map::Entry::Occupied(_) => "94",
                    std::collections::btree_map::Entry::Vacant(slot) => {
                        // Amounts divisible by 7 are declined: insufficient funds.
                        let approve = amount % 7 != 0;
                        slot.insert((amount, approve));
                        if approve { "00" } else { "51" }
                    }
                };
                self.rrn += 1;
                let mut m =
                    Message::from_ref(&request).response(&[3, 4, 11, 22, 25, 41, 42, 49, 60]);
                m.set(37, format!("{:012}", self.rrn))
                    .unwrap()
                    .set(39, code)
                    .unwrap();
                if code == "00" {
                    m.set(38, "A1B2C3").unwrap();
                }
                // The host's date of the transaction (a refund names its original by it).
                m.set(13, "1207").unwrap();
                txn::encode_with_mac(&m, &self.mak).unwrap()
            }
            220 | 221 => {
                // A refund (0220) or its repeat (0221): a repeat of a refund taken gets the
                // same answer and refunds nothing more; one never seen is taken as the
                // original. A second 0220 under a STAN seen is a duplicate (94).
                txn::verify_mac(&request, &self.mak).ok()?;
                let repeat = request.mti().number() == 221;
                let code = match self.refunds.get(&stan) {
                    Some(&(_, _, code)) if repeat => code,
                    Some(_) => "94",
                    None => {
                        let f61: String = request.value(61)?.iter().map(char::from).collect();
                        let original: u32 = f61.get(6..12)?.parse().ok()?;
                        let amount = request.amount()?;
                        let refunded: u64 = self
                            .refunds
                            .values()
                            .filter(|(of, _, code)| *of == original && *code == "00")
                            .map(|(_, a, _)| a)
                            .sum();
                        let code = match self.ledger.get(&original) {
                            Some(&(charged, true)) if refunded + amount <= charged => "00",
                            Some(&(_, true)) => "13", // more than the sale charged
                            _ => "25",                // unable to locate the original
                        };
                        self.refunds.insert(stan, (original, amount, code));
                        code
                    }
                };
                let mut m =
                    Message::from_ref(&request).response(&[3, 4, 11, 22, 25, 41, 42, 49, 60]);
                m.set(39, code).unwrap();
                txn::encode_with_mac(&m, &self.mak).unwrap()
            }
            500 => {
                // Reconcile: the terminal's debit totals against what the host holds charged,
                // its credit totals against the refunds it made.
                let theirs = txn::SettlementResult::of(&request)?.domestic;
                let charged = self.ledger.values().filter(|(_, c)| *c);
                let (amount, count) = charged.fold((0u64, 0u16), |(a, n), (x, _)| (a + x, n + 1));
                let refunded = self.refunds.values().filter(|(_, _, code)| *code == "00");
                let (credit, credits) =
                    refunded.fold((0u64, 0u16), |(a, n), (_, x, _)| (a + x, n + 1));
                let ours = (amount, count, credit, credits);
                let code = if (
                    theirs.debit_amount,
                    theirs.debit_count,
                    theirs.credit_amount,
                    theirs.credit_count,
                ) == ours
                {
                    '1'
                } else {
                    '2'
                };
                let f48 = format!(
                    "{amount:012}{count:03}{credit:012}{credits:03}{code}{:031}",
                    1
                );
                let mut m = Message::from_ref(&request).response(&[11, 41, 42, 49, 60]);
                m.set(39, "00").unwrap().set(48, f48).unwrap();
                m.to_vec().unwrap()
            }
            400 => {
                txn::verify_mac(&request, &self.mak).ok()?;
                if let Some(entry) = self.ledger.get_mut(&stan) {
                    entry.1 = false;
                }
                // Reversing a void puts the charge back.
                if let Some((original, applied)) = self.voids.get_mut(&stan)
                    && *applied
                {
                    *applied = false;
                    if let Some(charge) = self.ledger.get_mut(original) {
                        charge.1 = true;
                    }
                }
                let mut m = Message::from_ref(&request).response(&[3, 4, 11, 41, 42, 49, 60]);
                m.set(39, "00").unwrap();
                txn::encode_with_mac(&m, &self.mak).unwrap()
            }
            _ => return None,
        };
        Some(txn::frame(tpdu.reply(), header, &answer).unwrap())
    }
}

/// `answer` with its response code flipped (00 ↔ 51) and a MAC under a key that is not the MAK.
fn forge(answer: &[u8]) -> Vec<u8> {
    let Ok(Status::Complete(f)) = Framing::CUPS.decode(answer) else {
        return answer.to_vec();
    };
    let (tpdu, header) = parse_header(f.header).unwrap();
    let mut m = Message::parse(&CUPS_POS, f.message).unwrap();
    let code = if m.get(39) == Some(&b"00"[..]) {
        "51"
    } else {
        "00"
    };
    m.set(39, code).unwrap();
    let wrong = Key::des_or_tdes(&[0x11; 8]).unwrap();
    let bytes = txn::encode_with_mac(&m, &wrong).unwrap();
    let mut framed = vec![];
    framed.extend(txn::frame(tpdu, header, &bytes).unwrap());
    framed
}

/// What the network does to the next exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    None,
    DropRequest,
    DropResponse,
    /// The answer arrives after the terminal's deadline.
    Late,
    Duplicate,
    BadMac,
    /// The terminal crashes right after handing out the request (or while completing a sale).
    Crash,
    /// The terminal cannot complete an approved sale (reversal reason 96).
    FailCompletion,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        6 => Just(Fault::None),
        1 => Just(Fault::DropRequest),
        1 => Just(Fault::DropResponse),
        1 => Just(Fault::Late),
        1 => Just(Fault::Duplicate),
        1 => Just(Fault::BadMac),
        1 => Just(Fault::Crash),
        1 => Just(Fault::FailCompletion),
    ]
}

struct World<J: Journal> {
    host: Host,
    terminal: Option<CardTerminal<J>>,
    /// What survives a crash: the journal, reopened as the terminal would find it.
    reopen: fn(J) -> J,
    now: u64,
    /// Answers on their way: (arrival time, frame).
    inflight: Vec<(u64, Vec<u8>)>,
    faults: std::vec::IntoIter<Fault>,
    events: Vec<Event>,
    crashes: u32,
}

impl<J: Journal> World<J> {
    fn new(journal: J, reopen: fn(J) -> J, faults: Vec<Fault>) -> Self {
        Self {
            host: Host::new(),
            terminal: Some(open(journal)),
            reopen,
            now: 0,
            inflight: Vec::new(),
            faults: faults.into_iter(),
            events: Vec::new(),
            crashes: 0,
        }
    }

    fn t(&mut self) -> &mut CardTerminal<J> {
        self.terminal.as_mut().unwrap()
    }

    fn crash(&mut self) {
        let journal = (self.reopen)(self.terminal.take().unwrap().into_journal());
        self.terminal = Some(open(journal));
        self.crashes += 1;
    }

    /// Sends what the terminal hands out through the faulty network.
    fn send(&mut self) {
        while let Some(tx) = self.t().poll_transmit() {
            let fault = self.faults.next().unwrap_or(Fault::None);
            if fault == Fault::Crash {
                // The request may or may not have left before the power went.
                if let Some(answer) = self.host.handle(&tx.bytes) {
                    self.inflight.push((self.now + LATENCY, answer));
                }
                self.crash();
                return;
            }
            if fault == Fault::DropRequest {
                continue;
            }
            let Some(mut answer) = self.host.handle(&tx.bytes) else {
                continue;
            };
            match fault {
                Fault::DropResponse => {}
                Fault::Late => self.inflight.push((tx.deadline + 1_000, answer)),
                Fault::Duplicate => {
                    self.inflight.push((self.now + LATENCY, answer.clone()));
                    self.inflight.push((self.now + LATENCY + 1, answer));
                }
                Fault::BadMac => {
                    // A forged answer: an approval turned into a decline (or the other way),
                    // MAC'd without the working key. Trusting it would break the ledger.
                    let forged = forge(&answer);
                    answer.clone_from(&forged);
                    self.inflight.push((self.now + LATENCY, answer));
                }
                _ => self.inflight.push((self.now + LATENCY, answer)),
            }
        }
    }

    /// Runs until the terminal waits for nothing: answers delivered in time order, deadlines
    /// handled when nothing arrives before them.
    fn settle(&mut self) {
        for _ in 0..10_000 {
            self.send();
            while let Some(e) = self.t().poll_event() {
                if let Event::AwaitingCompletion { order, .. } = &e {
                    let now = self.now;
                    match self.faults.next().unwrap_or(Fault::None) {
                        Fault::FailCompletion => self.t().fail_completion(now, order).unwrap(),
                        Fault::Crash => {
                            self.events.push(e);
                            self.crash();
                            break;
                        }
                        _ => self.t().complete(now, order).unwrap(),
                    }
                }
                self.events.push(e);
            }
            let deadline = self.t().poll_timeout();
            self.inflight.sort_by_key(|(at, _)| *at);
            let next = self.inflight.first().map(|(at, _)| *at);
            match (next, deadline) {
                (Some(at), Some(d)) if at <= d => {
                    let (at, frame) = self.inflight.remove(0);
                    self.now = self.now.max(at);
                    let now = self.now;
                    self.t().handle_response(now, &frame).unwrap();
                }
                (_, Some(d)) => {
                    self.now = self.now.max(d);
                    let now = self.now;
                    self.t().handle_timeout(now).unwrap();
                }
                (_, None) => return,
            }
        }
        panic!("the terminal never settled");
    }

    fn sign_in(&mut self) {
        for _ in 0..50 {
            if self.t().is_signed_in() {
                return;
            }
            let now = self.now;
            self.t().sign_in(now).unwrap();
            self.settle();
        }
        panic!("never signed in");
    }
}

/// A world whose terminal signed in and made one 0.51 CNY sale under `order`, through `faults`.
fn one_sale(faults: Vec<Fault>, order: &str) -> World<MemoryJournal> {
    let mut w = World::new(MemoryJournal::new(), |j| j, faults);
    w.sign_in();
    let now = w.now;
    w.t()
        .purchase(now, OrderNo::new(order).unwrap(), &scan_sale(51))
        .unwrap();
    w.settle();
    w
}

/// A sale paid with a scanned UnionPay code.
fn scan_sale(minor: u64) -> CardSale<'static> {
    CardSale {
        amount: Amount::cny(minor),
        entry: Entry::ScanCode("6223456789012345678"),
        pin: None,
    }
}

/// What the cashier does next.
#[derive(Clone, Copy, Debug)]
enum Op {
    Sale(u64),
    /// Void the n-th sale made so far (skipped when it cannot be voided).
    Void(usize),
    /// Refund this much of the n-th sale made so far (skipped when the terminal refuses).
    Refund(usize, u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u64..100).prop_map(Op::Sale),
        1 => (0usize..6).prop_map(Op::Void),
        1 => ((0usize..6), (1u64..60)).prop_map(|(n, a)| Op::Refund(n, a)),
    ]
}

fn run<J: Journal>(
    journal: J,
    reopen: fn(J) -> J,
    ops: &[Op],
    faults: Vec<Fault>,
) -> Result<(), TestCaseError> {
    let mut w = World::new(journal, reopen, faults);
    let mut sales: Vec<OrderNo> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        w.sign_in();
        let order = OrderNo::new(&format!("ORDER{i:04}")).unwrap();
        let entry = Entry::Card {
            pan: None,
            track2: Some("4392260009942820=131210112008439"),
            sequence: None,
            icc: None,
            entry_mode: "021",
        };
        let now = w.now;
        match *op {
            Op::Sale(amount) => {
                let sale = CardSale {
                    amount: Amount::cny(amount),
                    entry,
                    pin: None,
                };
                w.t().purchase(now, order.clone(), &sale).unwrap();
                sales.push(order);
            }
            Op::Void(n) => {
                let Some(original) = sales.get(n).cloned() else {
                    continue;
                };
                if w.t().void(now, order, &original, entry, None).is_err() {
                    continue;
                }
            }
            Op::Refund(n, amount) => {
                let Some(original) = sales.get(n).cloned() else {
                    continue;
                };
                let refund = CardRefund {
                    amount: Amount::cny(amount),
                    entry,
                    of: RefundOf::Order(&original),
                };
                if w.t().refund(now, order, &refund).is_err() {
                    continue;
                }
            }
        }
        w.settle();
    }
    // The faults are over: finish what the terminal owes (signing in again after a crash).
    w.faults = Vec::new().into_iter();
    for _ in 0..20 {
        w.sign_in();
        let now = w.now;
        w.t().retry_reversals(now).unwrap();
        w.settle();
        if w.t().pending_reversals().next().is_none() && w.t().pending_refunds().next().is_none() {
            break;
        }
    }
    prop_assert!(w.t().pending_reversals().next().is_none());
    prop_assert!(w.t().pending_refunds().next().is_none());
    check(&w)?;
    // Ledger = journal: the batch settles balanced.
    let batch = w.t().batch();
    let now = w.now;
    w.t().settle(now, "201").unwrap();
    w.settle();
    let settled = w.events.iter().rev().find_map(|e| match e {
        Event::Settled {
            batch, balanced, ..
        } => Some((*batch, *balanced)),
        _ => None,
    });
    prop_assert_eq!(settled, Some((batch, true)));
    prop_assert_eq!(w.t().batch(), batch + 1);
    Ok(())
}

fn check<J: Journal>(w: &World<J>) -> Result<(), TestCaseError> {
    let records = w.terminal.as_ref().unwrap().journal().records().unwrap();
    let records = records.as_slice();
    let mut sent: BTreeMap<OrderNo, (u32, u64)> = BTreeMap::new();
    let mut finals: BTreeMap<OrderNo, Vec<Outcome>> = BTreeMap::new();
    let mut stans = Vec::new();
    for r in records {
        match r {
            Record::SaleSent {
                order,
                stan,
                amount,
                ..
            } => {
                prop_assert!(sent.insert(order.clone(), (*stan, amount.minor)).is_none());
                stans.push(*stan);
            }
            Record::SignInSent { stan } | Record::CardRefundSent { stan, .. } => stans.push(*stan),
            Record::Final { order, outcome } => finals
                .entry(order.clone())
                .or_default()
                .push(outcome.clone()),
            _ => {}
        }
    }
    let mut unique = stans.clone();
    unique.sort_unstable();
    unique.dedup();
    prop_assert_eq!(unique.len(), stans.len(), "a STAN was reused");
    let mut void_of: BTreeMap<OrderNo, OrderNo> = BTreeMap::new();
    for r in records {
        if let Record::VoidOf { order, original } = r {
            void_of.insert(order.clone(), original.clone());
        }
    }
    for (order, outcomes) in &finals {
        prop_assert_eq!(outcomes.len(), 1, "{:?}: outcomes {:?}", order, outcomes);
    }
    for (order, (stan, amount)) in &sent {
        let outcomes = finals.get(order).cloned().unwrap_or_default();
        prop_assert_eq!(outcomes.len(), 1, "{:?}: outcomes {:?}", order, outcomes);
        if let Some(original) = void_of.get(order) {
            // A void: approved exactly when the host applied it.
            let applied = w.host.voids.get(stan).is_some_and(|(_, a)| *a);
            prop_assert_eq!(
                outcomes[0].is_approved(),
                applied,
                "void {:?} of {:?}: {:?}",
                order,
                original,
                outcomes[0]
            );
            continue;
        }
        // A sale: charged exactly when approved and not voided by an approved void.
        let voided = void_of
            .iter()
            .any(|(void, of)| of == order && finals.get(void).is_some_and(|o| o[0].is_approved()));
        let charged = w.host.ledger.get(stan).is_some_and(|(_, c)| *c);
        prop_assert_eq!(
            outcomes[0].is_approved() && !voided,
            charged,
            "{:?}: {:?} (voided: {}) but the host {}",
            order,
            outcomes[0],
            voided,
            if charged {
                "charged it"
            } else {
                "holds no charge"
            }
        );
        if charged {
            prop_assert_eq!(w.host.ledger[stan].0, *amount);
        }
    }
    // Every refund sent ends once: approved exactly when the host refunded it, for its amount.
    let mut refund_stans = Vec::new();
    for r in records {
        if let Record::CardRefundSent {
            order,
            stan,
            amount,
            ..
        } = r
        {
            refund_stans.push(*stan);
            let outcomes = finals.get(order).cloned().unwrap_or_default();
            prop_assert_eq!(outcomes.len(), 1, "refund {:?}: {:?}", order, outcomes);
            let refunded = w
                .host
                .refunds
                .get(stan)
                .filter(|(_, _, code)| *code == "00");
            prop_assert_eq!(
                outcomes[0].is_approved(),
                refunded.is_some(),
                "refund {:?}: {:?}, host {:?}",
                order,
                outcomes[0],
                refunded
            );
            if let Some((_, host_amount, _)) = refunded {
                prop_assert_eq!(*host_amount, amount.minor);
            }
        }
    }
    for stan in w.host.refunds.keys() {
        prop_assert!(
            refund_stans.contains(stan),
            "refund STAN {} never journaled",
            stan
        );
    }
    // The host charged nothing the journal did not send.
    let sent_stans: Vec<u32> = sent.values().map(|(s, _)| *s).collect();
    for (stan, (_, charged)) in &w.host.ledger {
        prop_assert!(
            !charged || sent_stans.contains(stan),
            "STAN {} charged, never journaled",
            stan
        );
    }
    // Every outcome the terminal reported is the journal's.
    for e in &w.events {
        if let Event::Finished { order, outcome } = e {
            prop_assert_eq!(finals.get(order).map(|v| &v[0]), Some(outcome));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_sale_ends_once_and_approved_means_charged(
        ops in prop::collection::vec(op(), 1..8),
        faults in prop::collection::vec(fault(), 0..40),
        confirm in any::<bool>(),
    ) {
        CONFIRM.with(|c| c.set(confirm));
        run(MemoryJournal::new(), |j| j, &ops, faults)?;
    }
}

/// The same schedules over the durable journal: a crash drops the connection and the terminal
/// reopens the file.
mod durable {
    use super::*;

    thread_local! {
        static PATH: std::cell::RefCell<Option<std::path::PathBuf>> = const { std::cell::RefCell::new(None) };
    }

    fn reopen(journal: SqliteJournal) -> SqliteJournal {
        drop(journal);
        PATH.with(|p| SqliteJournal::open(p.borrow().as_ref().unwrap()).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn sqlite_journal_survives_crashes(
            ops in prop::collection::vec(op(), 1..6),
            faults in prop::collection::vec(fault(), 0..30),
        ) {
            let dir = std::env::temp_dir().join(format!("paywire-pos-{}-{:?}", std::process::id(), std::thread::current().id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("journal.sqlite");
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_file(path.with_extension("sqlite-wal"));
            let _ = std::fs::remove_file(path.with_extension("sqlite-shm"));
            PATH.with(|p| *p.borrow_mut() = Some(path.clone()));
            CONFIRM.with(|c| c.set(true));
            run(SqliteJournal::open(&path).unwrap(), reopen, &ops, faults)?;
        }
    }

    #[test]
    fn every_record_reads_back() {
        let path =
            std::env::temp_dir().join(format!("paywire-pos-rt-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let order = OrderNo::new("RT-1").unwrap();
        let records = [
            Record::SignInSent { stan: 1 },
            Record::SignedIn {
                keys: vec![0xA5; 40],
                batch: 7,
            },
            Record::SaleSent {
                order: order.clone(),
                stan: 2,
                amount: Amount::cny(51),
                reversal: vec![1, 2, 3],
            },
            Record::ReversalDue {
                order: order.clone(),
                reason: UndoReason::BadMac,
            },
            Record::ReversalSent {
                order: order.clone(),
                attempt: 2,
            },
            Record::SettlementSent { stan: 9, batch: 12 },
            Record::InquirySent { stan: 10 },
            Record::BatchClosed {
                batch: 12,
                balanced: true,
            },
            Record::BatchClosed {
                batch: 13,
                balanced: false,
            },
            Record::VoidOf {
                order: OrderNo::new("RT-2").unwrap(),
                original: order.clone(),
            },
            Record::AwaitingCompletion {
                order: order.clone(),
                approval: paywire_pos::Approval {
                    rrn: Some("9".into()),
                    auth_code: Some("A1".into()),
                    transaction_id: None,
                    date: Some("1207".into()),
                },
            },
            Record::Final {
                order: order.clone(),
                outcome: Outcome::Undone(UndoReason::Interrupted),
            },
            Record::Final {
                order: order.clone(),
                outcome: Outcome::Declined {
                    code: "51".into(),
                    meaning: Some("x".into()),
                },
            },
            Record::Final {
                order,
                outcome: Outcome::Approved(paywire_pos::Approval {
                    rrn: Some("1".into()),
                    auth_code: None,
                    transaction_id: Some("t".into()),
                    date: None,
                }),
            },
            Record::CardRefundSent {
                order: OrderNo::new("RT-3").unwrap(),
                original: Some(OrderNo::new("RT-1").unwrap()),
                stan: 11,
                amount: Amount::cny(20),
                message: vec![4, 5],
            },
            Record::CardRefundSent {
                order: OrderNo::new("RT-4").unwrap(),
                original: None,
                stan: 12,
                amount: Amount::cny(21),
                message: vec![6],
            },
        ];
        {
            let mut j = SqliteJournal::open(&path).unwrap();
            for r in &records {
                j.append(r).unwrap();
            }
        }
        let j = SqliteJournal::open(&path).unwrap();
        assert_eq!(j.records().unwrap(), records);
        assert_eq!(j.len().unwrap(), 16);
        std::fs::remove_file(&path).unwrap();
    }
}

/// Without faults: sign-in, then approved and declined sales, each reported once.
#[test]
fn clean_run() {
    let mut w = World::new(MemoryJournal::new(), |j| j, Vec::new());
    w.sign_in();
    assert_eq!(w.events, [Event::SignedIn]);
    for (i, amount) in [51u64, 49].into_iter().enumerate() {
        let order = OrderNo::new(&format!("O{i}")).unwrap();
        let sale = scan_sale(amount);
        let now = w.now;
        w.t().purchase(now, order, &sale).unwrap();
        w.settle();
    }
    let finished: Vec<&Outcome> = w
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Finished { outcome, .. } => Some(outcome),
            _ => None,
        })
        .collect();
    assert!(finished[0].is_approved());
    assert!(matches!(finished[1], Outcome::Declined { code, .. } if code == "51"));
    // An order number is never reused.
    let sale = scan_sale(1);
    let now = w.now;
    assert!(
        w.t()
            .purchase(now, OrderNo::new("O0").unwrap(), &sale)
            .is_err()
    );
}

/// A lost answer: the sale is reversed with reason 98 before anything else, and undone.
#[test]
fn lost_answer_is_reversed_with_98() {
    let mut w = one_sale(vec![Fault::None, Fault::DropResponse], "LOST");
    let records = w.t().journal().as_slice().to_vec();
    assert!(records.contains(&Record::ReversalDue {
        order: OrderNo::new("LOST").unwrap(),
        reason: UndoReason::Timeout
    }));
    assert_eq!(
        w.t().outcome(&OrderNo::new("LOST").unwrap()),
        Some(&Outcome::Undone(UndoReason::Timeout))
    );
    // The host charged and then reversed it.
    assert_eq!(w.host.ledger.values().next(), Some(&(51, false)));
}

/// An answer whose MAC does not verify is reversed with reason A0, and the forged decline it
/// carried changes nothing.
#[test]
fn bad_mac_is_reversed_with_a0() {
    let mut w = one_sale(vec![Fault::None, Fault::BadMac], "MAC");
    let reversal = w.host.seen.iter().find(|(mti, ..)| *mti == 400).unwrap();
    assert_eq!(reversal.2.as_deref(), Some("A0"));
    assert_eq!(
        w.t().outcome(&OrderNo::new("MAC").unwrap()),
        Some(&Outcome::Undone(UndoReason::BadMac))
    );
    assert_eq!(w.host.ledger.values().next(), Some(&(51, false)));
}

/// A reversal that got no answer after 3 attempts waits, and goes out before the next sale.
#[test]
fn pending_reversal_goes_before_the_next_sale() {
    let faults = vec![
        Fault::None,         // sign-in
        Fault::DropResponse, // sale 1: no answer
        Fault::DropRequest,  // its reversal, 3 times
        Fault::DropRequest,
        Fault::DropRequest,
    ];
    let mut w = World::new(MemoryJournal::new(), |j| j, faults);
    w.sign_in();
    let sale = scan_sale(51);
    let now = w.now;
    w.t()
        .purchase(now, OrderNo::new("FIRST").unwrap(), &sale)
        .unwrap();
    w.settle();
    assert!(w.events.contains(&Event::ReversalDeferred {
        order: OrderNo::new("FIRST").unwrap()
    }));
    assert_eq!(w.t().outcome(&OrderNo::new("FIRST").unwrap()), None);
    let now = w.now;
    w.t()
        .purchase(now, OrderNo::new("SECOND").unwrap(), &sale)
        .unwrap();
    w.settle();
    // The host read: 0800, 0200 (first), then the reversal before the second sale.
    let order: Vec<u16> = w.host.seen.iter().map(|(mti, ..)| *mti).collect();
    assert_eq!(order, [800, 200, 400, 200]);
    assert_eq!(
        w.t().outcome(&OrderNo::new("FIRST").unwrap()),
        Some(&Outcome::Undone(UndoReason::Timeout))
    );
    assert!(
        w.t()
            .outcome(&OrderNo::new("SECOND").unwrap())
            .unwrap()
            .is_approved()
    );
}

/// A crash after the sale left: the reopened terminal reverses it (reason 98) once signed in.
#[test]
fn crash_after_sending_is_reversed_on_recovery() {
    CONFIRM.with(|c| c.set(false));
    let mut w = one_sale(vec![Fault::None, Fault::Crash], "CUT");
    assert_eq!(w.crashes, 1);
    // The sign-in's keys came back from the journal (under the TMK): no new sign-in needed.
    assert!(w.t().is_signed_in());
    assert_eq!(w.t().pending_reversals().count(), 1);
    let now = w.now;
    w.t().retry_reversals(now).unwrap();
    w.settle();
    assert_eq!(
        w.t().outcome(&OrderNo::new("CUT").unwrap()),
        Some(&Outcome::Undone(UndoReason::Interrupted))
    );
    let reversal = w.host.seen.iter().find(|(mti, ..)| *mti == 400).unwrap();
    assert_eq!(reversal.2.as_deref(), Some("98"));
    assert_eq!(w.host.ledger.values().next(), Some(&(51, false)));
}

/// The working keys survive a restart (kept under the TMK); under another TMK they do not
/// decrypt, and the terminal must sign in again.
#[test]
fn working_keys_survive_a_restart_under_the_same_tmk_only() {
    CONFIRM.with(|c| c.set(false));
    let mut w = one_sale(Vec::new(), "K1");
    w.crash();
    assert!(w.t().is_signed_in());
    let now = w.now;
    w.t()
        .purchase(now, OrderNo::new("K2").unwrap(), &scan_sale(100))
        .unwrap();
    w.settle();
    assert!(
        w.t()
            .outcome(&OrderNo::new("K2").unwrap())
            .unwrap()
            .is_approved()
    );
    let journal = w.terminal.take().unwrap().into_journal();
    let other = Key::des_or_tdes(&[0x13; 16]).unwrap();
    let t = CardTerminal::open(config(), other, journal).unwrap();
    assert!(!t.is_signed_in());
}

/// An approval the terminal could not complete is reversed with reason 96; a crash while
/// completing is too, after recovery.
#[test]
fn uncompleted_approval_is_reversed_with_96() {
    for faults in [
        vec![Fault::None, Fault::None, Fault::FailCompletion],
        vec![Fault::None, Fault::None, Fault::Crash],
    ] {
        CONFIRM.with(|c| c.set(true));
        let mut w = World::new(MemoryJournal::new(), |j| j, faults);
        w.sign_in();
        let sale = scan_sale(51);
        let now = w.now;
        w.t()
            .purchase(now, OrderNo::new("DONE").unwrap(), &sale)
            .unwrap();
        w.settle();
        // After the crash the terminal is still signed in (its keys are in the journal):
        // recovery sends what is due.
        let now = w.now;
        w.t().retry_reversals(now).unwrap();
        w.settle();
        let reversal = w.host.seen.iter().find(|(mti, ..)| *mti == 400).unwrap();
        assert_eq!(reversal.2.as_deref(), Some("96"));
        assert_eq!(
            w.t().outcome(&OrderNo::new("DONE").unwrap()),
            Some(&Outcome::Undone(UndoReason::NotCompleted))
        );
        assert_eq!(w.host.ledger.values().next(), Some(&(51, false)));
    }
    CONFIRM.with(|c| c.set(false));
}

/// A void undoes an approved sale; a void whose answer is lost is reversed, which puts the
/// charge back; a sale is voided once.
#[test]
fn void_and_its_reversal() {
    CONFIRM.with(|c| c.set(false));
    // sign-in, sale, void (answer lost), its reversal, then a second void that goes through.
    let faults = vec![Fault::None, Fault::None, Fault::DropResponse];
    let mut w = World::new(MemoryJournal::new(), |j| j, faults);
    w.sign_in();
    let entry = Entry::ScanCode("6223456789012345678");
    let sale = CardSale {
        amount: Amount::cny(51),
        entry,
        pin: None,
    };
    let (s, v1, v2) = (
        OrderNo::new("S").unwrap(),
        OrderNo::new("V1").unwrap(),
        OrderNo::new("V2").unwrap(),
    );
    let now = w.now;
    w.t().purchase(now, s.clone(), &sale).unwrap();
    w.settle();
    assert!(w.t().outcome(&s).unwrap().is_approved());
    let now = w.now;
    w.t().void(now, v1.clone(), &s, entry, None).unwrap();
    w.settle();
    assert_eq!(
        w.t().outcome(&v1),
        Some(&Outcome::Undone(UndoReason::Timeout))
    );
    assert_eq!(
        w.host.ledger.get(&2),
        Some(&(51, true)),
        "the reversed void put the charge back"
    );
    let now = w.now;
    w.t().void(now, v2.clone(), &s, entry, None).unwrap();
    w.settle();
    assert!(w.t().outcome(&v2).unwrap().is_approved());
    assert_eq!(w.t().voided_sale(&v2), Some(&s));
    assert_eq!(w.host.ledger.get(&2), Some(&(51, false)));
    // Voided once: neither the sale again nor a void.
    let now = w.now;
    let again = OrderNo::new("V3").unwrap();
    assert!(w.t().void(now, again.clone(), &s, entry, None).is_err());
    assert!(w.t().void(now, again, &v2, entry, None).is_err());
}

/// A balance inquiry: the balances of field 54, the MAC checked, no money moved; a lost answer
/// is a failure, not a reversal.
#[test]
fn balance_inquiry() {
    CONFIRM.with(|c| c.set(false));
    let mut w = World::new(
        MemoryJournal::new(),
        |j| j,
        vec![Fault::None, Fault::None, Fault::DropResponse],
    );
    w.sign_in();
    let entry = Entry::ScanCode("6223456789012345678");
    let now = w.now;
    w.t().balance_inquiry(now, entry, None).unwrap();
    w.settle();
    let Some(Event::Balance { code, amounts }) = w.events.last().cloned() else {
        panic!("{:?}", w.events)
    };
    assert_eq!(&code, b"00");
    assert_eq!(amounts[0].amount, 12_345);
    assert_eq!(&amounts[0].amount_type, b"02");
    let now = w.now;
    w.t().balance_inquiry(now, entry, None).unwrap();
    w.settle();
    assert_eq!(w.events.last(), Some(&Event::BalanceFailed));
    assert!(w.host.seen.iter().all(|(mti, ..)| *mti != 400));
    assert!(w.host.ledger.is_empty());
}

/// Order numbers from the caller's generator: never one the journal holds, even after a restart.
#[test]
fn generated_order_numbers_are_never_reused() {
    struct Counter(u32);
    impl paywire_pos::OrderNumbers for Counter {
        fn next_order_no(&mut self) -> OrderNo {
            self.0 += 1;
            OrderNo::new(&format!("T1-{}", self.0 / 2)).unwrap() // repeats every number once
        }
    }
    CONFIRM.with(|c| c.set(false));
    let mut w = World::new(MemoryJournal::new(), |j| j, Vec::new());
    w.sign_in();
    let mut generator = Counter(0);
    let mut used = Vec::new();
    for _ in 0..3 {
        let order = w.t().new_order_no(&mut generator).unwrap();
        assert!(!used.contains(&order));
        used.push(order.clone());
        let now = w.now;
        w.t().purchase(now, order, &scan_sale(51)).unwrap();
        w.settle();
        w.crash(); // the numbers used survive in the journal
        w.sign_in();
    }
    // A generator stuck on a used number is refused.
    struct Stuck;
    impl paywire_pos::OrderNumbers for Stuck {
        fn next_order_no(&mut self) -> OrderNo {
            OrderNo::new("T1-1").unwrap()
        }
    }
    assert!(w.t().new_order_no(&mut Stuck).is_err());
}

/// A refund whose answer is lost is repeated as a `0221` under the same STAN and refunded once;
/// one interrupted by a crash is repeated after the restart; refunds are bounded by what the
/// sale charged, block a void, and settle as credits.
#[test]
fn refund_repeated_until_answered_never_twice() {
    CONFIRM.with(|c| c.set(false));
    // sign-in, sale, refund (answer lost, then its repeat answered), refund (crash after send).
    let faults = vec![
        Fault::None,
        Fault::None,
        Fault::DropResponse,
        Fault::None,
        Fault::Crash,
    ];
    let mut w = World::new(MemoryJournal::new(), |j| j, faults);
    w.sign_in();
    let entry = Entry::ScanCode("6223456789012345678");
    let sale = CardSale {
        amount: Amount::cny(50),
        entry,
        pin: None,
    };
    let (s, r1, r2) = (
        OrderNo::new("S").unwrap(),
        OrderNo::new("R1").unwrap(),
        OrderNo::new("R2").unwrap(),
    );
    let now = w.now;
    w.t().purchase(now, s.clone(), &sale).unwrap();
    w.settle();
    assert!(w.t().outcome(&s).unwrap().is_approved());
    let refund = |amount| CardRefund {
        amount: Amount::cny(amount),
        entry,
        of: RefundOf::Order(&s),
    };
    let now = w.now;
    w.t().refund(now, r1.clone(), &refund(20)).unwrap();
    w.settle();
    assert!(w.t().outcome(&r1).unwrap().is_approved());
    // The host saw the refund, then its repeat: same STAN, refunded once.
    let refund_stan = 3;
    let sends: Vec<u16> = w
        .host
        .seen
        .iter()
        .filter(|(_, stan, _)| *stan == refund_stan)
        .map(|(mti, _, _)| *mti)
        .collect();
    assert_eq!(sends, [220, 221]);
    assert_eq!(w.host.refunds.get(&refund_stan), Some(&(2, 20, "00")));
    // More than the sale has left is refused before anything is sent.
    let now = w.now;
    let too_much = w.t().refund(now, OrderNo::new("R9").unwrap(), &refund(31));
    assert_eq!(
        too_much.unwrap_err().kind(),
        paywire_pos::ErrorKind::NotRefundable
    );
    // The terminal crashes right after sending the second refund: after the restart it is
    // pending, and its repeat is answered as the original.
    w.t().refund(now, r2.clone(), &refund(30)).unwrap();
    w.settle();
    assert_eq!(w.crashes, 1);
    assert_eq!(w.t().pending_refunds().collect::<Vec<_>>(), [&r2]);
    assert_eq!(w.t().outcome(&r2), None);
    let now = w.now;
    w.t().retry_reversals(now).unwrap();
    w.settle();
    assert!(w.t().outcome(&r2).unwrap().is_approved());
    assert_eq!(w.host.refunds.get(&4), Some(&(2, 30, "00")));
    assert_eq!(
        w.host.seen.iter().filter(|(_, stan, _)| *stan == 4).count(),
        2,
        "the refund, then one repeat"
    );
    // A refunded sale cannot be voided.
    let now = w.now;
    assert!(
        w.t()
            .void(now, OrderNo::new("V").unwrap(), &s, entry, None)
            .is_err()
    );
    // A sale known by its receipt only: the host finds it by batch and trace.
    let r3 = OrderNo::new("R3").unwrap();
    let by_receipt = CardRefund {
        amount: Amount::cny(1),
        entry,
        of: RefundOf::Reference(SaleReference {
            batch: 1,
            stan: 2,
            rrn: "000000000001",
            auth_code: Some("A1B2C3"),
            date: "1207",
        }),
    };
    w.t().refund(now, r3.clone(), &by_receipt).unwrap();
    w.settle();
    // 50 charged, 50 refunded already: the host refuses the third.
    assert_eq!(
        w.t().outcome(&r3),
        Some(&Outcome::Declined {
            code: "13".into(),
            meaning: Some("Invalid amount".into())
        })
    );
    // The batch settles with the refunds as credits: one debit of 50, two credits of 50.
    assert_eq!(
        (
            w.t().totals().debit_amount,
            w.t().totals().credit_amount,
            w.t().totals().credit_count
        ),
        (50, 50, 2)
    );
    let now = w.now;
    w.t().settle(now, "201").unwrap();
    w.settle();
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e, Event::Settled { balanced: true, .. }))
    );
}

/// A refund that gets no answer at all is deferred after its sends (never reversed, never
/// given up) and goes again before the next sale.
#[test]
fn unanswered_refund_waits_for_the_next_transaction() {
    CONFIRM.with(|c| c.set(false));
    let faults = vec![
        Fault::None,
        Fault::None,
        Fault::DropRequest,
        Fault::DropResponse,
        Fault::Late,
    ];
    let mut w = World::new(MemoryJournal::new(), |j| j, faults);
    w.sign_in();
    let entry = Entry::ScanCode("6223456789012345678");
    let s = OrderNo::new("S").unwrap();
    let now = w.now;
    w.t()
        .purchase(
            now,
            s.clone(),
            &CardSale {
                amount: Amount::cny(50),
                entry,
                pin: None,
            },
        )
        .unwrap();
    w.settle();
    let r = OrderNo::new("R").unwrap();
    let now = w.now;
    w.t()
        .refund(
            now,
            r.clone(),
            &CardRefund {
                amount: Amount::cny(50),
                entry,
                of: RefundOf::Order(&s),
            },
        )
        .unwrap();
    w.settle();
    assert!(
        w.events
            .iter()
            .any(|e| *e == Event::RefundDeferred { order: r.clone() })
    );
    assert_eq!(w.t().outcome(&r), None);
    assert!(
        w.host.seen.iter().all(|(mti, _, _)| *mti != 400),
        "a refund is never reversed"
    );
    // A batch with a refund unanswered does not settle.
    let now = w.now;
    assert!(w.t().settle(now, "201").is_err());
    // The next sale sends the refund's repeat first; the host answers it as the refund it took.
    let s2 = OrderNo::new("S2").unwrap();
    w.t()
        .purchase(
            now,
            s2.clone(),
            &CardSale {
                amount: Amount::cny(52),
                entry,
                pin: None,
            },
        )
        .unwrap();
    w.settle();
    assert!(w.t().outcome(&r).unwrap().is_approved());
    assert!(w.t().outcome(&s2).unwrap().is_approved());
    assert_eq!(w.host.refunds.len(), 1);
}
