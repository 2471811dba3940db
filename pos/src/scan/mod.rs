//! Scanning the customer's payment code (被扫, 付款码) as a sans-IO state machine: route the
//! code, ask the wallet to charge it, and when the answer is not final follow the wallet's
//! documented rule until the payment is either confirmed or undone.
//!
//! Routing ([`route`], by `paywire_emvqr::classify`): a WeChat Pay code (18 digits, 10–15)
//! goes to WeChat Pay `micropay` (API v2, XML); an Alipay code (16–24 digits, 25–30) to
//! `alipay.trade.pay` (`scene=bar_code`); a UnionPay code (19 digits, 62) is a card-network
//! payment: it goes to [`crate::CardTerminal::purchase`] with
//! `paywire_unionpay::txn::Entry::ScanCode` (field 59, tag `A3`) and follows the card rules
//! (reversal when the answer is lost).
//!
//! The rules for an unfinished payment, and where they come from:
//! - **WeChat Pay** (<https://pay.weixin.qq.com/wiki/doc/api/micropay.php?chapter=9_10&index=1>,
//!   error codes of `micropay`): `USERPAYING` (the customer is entering the password) → wait
//!   5 s, then query the order (`orderquery`); `SYSTEMERROR` / `BANKERROR` (result unknown) →
//!   query at once. WeChat Pay's own PHP SDK sample (`WxPay.MicroPay.php`, 刷卡支付实现类)
//!   queries up to 10 times, then reverses the order, repeating the reverse while it fails (up to
//!   10 times). The reverse (`/secapi/pay/reverse`, chapter 9_11) needs the merchant's client
//!   certificate ([`HttpRequest::client_certificate`]), is called only after a query gave no
//!   clear result, not sooner than 15 s after the payment was sent, and again while it answers
//!   `recall=Y`.
//! - **Alipay** (In-store Payment best practice,
//!   <https://global.alipay.com/docs/ac/transaction_qr_code_hk/practice>): `10003` (waiting for
//!   the buyer) and `20000` / `ACQ.SYSTEM_ERROR` (unknown) → query (`alipay.trade.query`) from 5 s
//!   after the payment was created, every 3–5 s, up to a limit such as 60 s; a payment still
//!   `WAIT_BUYER_PAY` then is cancelled (`alipay.trade.cancel`), again while the cancel answers
//!   `retry_flag=Y` (`alipay.trade.cancel` response parameters: `retry_flag`, `action`).
//! - Every answer is verified (WeChat Pay's v2 signature with the API key, Alipay's RSA2 / SM2
//!   signature over the raw response node) before it changes anything; one that does not
//!   verify, a transport error or a non-2xx status is treated as no answer. An answer whose
//!   order number or amount is not the payment's is not trusted either.
//! - Once an undo is due it is journaled ([`Record::ReversalDue`]), and the payment can only
//!   end undone: an undo refunds a payment that went through in the meantime.
//!
//! Attempt counts and intervals the documentation leaves open are paywire's choices, marked
//! in [`PollRule`]; all are configurable.
//!
//! Time (`now`) is Unix time in milliseconds here: Alipay's requests carry a timestamp, so the
//! caller's wall clock is what the machine is fed (it never reads one).

use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::vec::Vec;

use paywire_emvqr::{Kind, classify};

use crate::error::{Error, ErrorKind};
use crate::journal::{Journal, Record};
use crate::payment::{Amount, Approval, OrderNo, OrderNumbers, Outcome, UndoReason, Wallet};

mod alipay;
mod recover;
#[cfg(feature = "std")]
mod wechat;

pub use alipay::AlipayConfig;
#[cfg(feature = "std")]
pub use wechat::{API as WECHAT_API, WechatConfig};

/// Milliseconds: Unix time for `now`, durations for the rules.
pub type Millis = u64;

/// Where a scanned code goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// A wallet's payment code: [`ScanTerminal::pay`].
    Wallet(Wallet),
    /// A UnionPay payment code: a card-network sale ([`crate::CardTerminal::purchase`] with
    /// `Entry::ScanCode`).
    UnionPay,
    /// Not a payment code a terminal can charge (a merchant code, a URL, an EMVCo consumer
    /// payload this crate does not route, or unknown text): the classification.
    Unsupported(Kind),
}

/// Routes a scanned code by its documented prefix and length (`paywire_emvqr::classify`).
///
/// ```
/// use paywire_pos::scan::{Route, route};
/// use paywire_pos::Wallet;
/// assert_eq!(route("134567890123456789"), Route::Wallet(Wallet::WeChat));
/// assert_eq!(route("286543210987654321"), Route::Wallet(Wallet::Alipay));
/// assert_eq!(route("6223456789012345678"), Route::UnionPay);
/// assert!(matches!(route("https://qr.alipay.com/bax01234"), Route::Unsupported(_)));
/// ```
pub fn route(code: &str) -> Route {
    match classify(code) {
        Kind::WechatAuthCode => Route::Wallet(Wallet::WeChat),
        Kind::AlipayAuthCode => Route::Wallet(Wallet::Alipay),
        Kind::UnionpayAuthCode => Route::UnionPay,
        other => Route::Unsupported(other),
    }
}

/// When to query, when to give up, and how to undo: one wallet's rule for a payment whose
/// answer is not final. Durations in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollRule {
    /// How long to wait for an answer to any request.
    pub response_timeout: Millis,
    /// After a "the customer is paying" answer, the first query waits this long.
    pub first_query_when_paying: Millis,
    /// After an "unknown" answer (system error) or none, the first query waits this long
    /// (counted from when the payment was sent, for Alipay; from the answer, for WeChat Pay).
    pub first_query_when_unknown: Millis,
    /// Between queries.
    pub query_interval: Millis,
    /// The most queries before undoing.
    pub max_queries: u8,
    /// No query later than this after the payment was sent: then undo.
    pub give_up_after: Millis,
    /// No undo sooner than this after the payment was sent.
    pub undo_not_before: Millis,
    /// Undo attempts before the undo waits for the next payment ([`Event::UndoDeferred`]).
    pub undo_attempts: u8,
    /// Between undo attempts.
    pub undo_interval: Millis,
}

impl PollRule {
    /// WeChat Pay's: first query 5 s after `USERPAYING`, at once after a system error
    /// (`micropay` error codes); 10 queries and 10 reverses (the official SDK sample); reverse no
    /// sooner than 15 s after paying (`reverse`). The 10 s timeout (the SDK's `micropay`
    /// default), the 5 s interval and the 2 s between reverses are paywire's choices.
    pub const WECHAT: Self = Self {
        response_timeout: 10_000,
        first_query_when_paying: 5_000,
        first_query_when_unknown: 0,
        query_interval: 5_000,
        max_queries: 10,
        give_up_after: Millis::MAX,
        undo_not_before: 15_000,
        undo_attempts: 10,
        undo_interval: 2_000,
    };

    /// Alipay's: query from 5 s after the payment, every 5 s (the practice says 3–5 s), until
    /// 60 s, then cancel at once; cancel again while `retry_flag=Y`. The 10 s timeout, the
    /// 10 cancel attempts and the 2 s between them are paywire's choices.
    pub const ALIPAY: Self = Self {
        response_timeout: 10_000,
        first_query_when_paying: 5_000,
        first_query_when_unknown: 5_000,
        query_interval: 5_000,
        max_queries: u8::MAX,
        give_up_after: 60_000,
        undo_not_before: 0,
        undo_attempts: 10,
        undo_interval: 2_000,
    };
}

/// The wallets the terminal can charge, with their credentials.
#[derive(Clone, Debug, Default)]
pub struct ScanConfig {
    /// WeChat Pay (needs `std`: its XML reader is).
    #[cfg(feature = "std")]
    pub wechat: Option<WechatConfig>,
    /// Alipay.
    pub alipay: Option<AlipayConfig>,
}

/// Where the nonces of signed requests come from (WeChat Pay's `nonce_str`): the library has
/// no randomness, the caller's generator does (`getrandom`, a hardware RNG).
pub trait Nonces {
    /// A fresh nonce: 1 to 32 characters of `A-Z a-z 0-9`.
    fn nonce(&mut self) -> String;
}

/// The id the machine gives each request, so that an answer is matched to its request (a late
/// answer to an earlier one is ignored).
pub type RequestId = u64;

/// An HTTP request to send (`POST`), and the deadline of its answer.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Give this back with the answer ([`ScanTerminal::handle_response`]).
    pub id: RequestId,
    /// The wallet.
    pub wallet: Wallet,
    /// The whole URL.
    pub url: String,
    /// The `Content-Type` of the body.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
    /// The request must be sent with the merchant's client certificate (WeChat Pay's
    /// `/secapi/` endpoints); a transport without it cannot send it.
    pub client_certificate: bool,
    /// When to give up on its answer ([`ScanTerminal::handle_timeout`]).
    pub deadline: Millis,
}

impl core::fmt::Debug for HttpRequest {
    /// The body of a payment carries the customer's payment code (whoever holds it can pay
    /// with it while it is valid): its length only.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("id", &self.id)
            .field("wallet", &self.wallet)
            .field("url", &self.url)
            .field("body_len", &self.body.len())
            .field("client_certificate", &self.client_certificate)
            .field("deadline", &self.deadline)
            .finish()
    }
}

/// What the terminal has to say.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A payment has its final outcome (reported once).
    Finished {
        /// The payment.
        order: OrderNo,
        /// How it ended.
        outcome: Outcome,
    },
    /// The wallet says the customer is confirming the payment on the phone (entering the
    /// password): the terminal may say so; the machine keeps querying.
    CustomerPaying {
        /// The payment.
        order: OrderNo,
    },
    /// An undo (reverse / cancel) got no confirmation after every attempt: it stays pending and
    /// is tried again before the next payment ([`ScanTerminal::retry_undos`]).
    UndoDeferred {
        /// The payment.
        order: OrderNo,
    },
}

/// A wallet's answer, read and verified.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Answer {
    /// Paid: the wallet's transaction id.
    Paid(Approval),
    /// The customer is confirming (`USERPAYING`, `10003`, `WAIT_BUYER_PAY`).
    Paying,
    /// The wallet does not know yet (system error), or the order is not (yet) there.
    Unknown,
    /// Refused, with nothing charged: the wallet's code and message.
    Declined {
        code: String,
        meaning: Option<String>,
    },
}

/// An undo's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UndoAnswer {
    /// Closed or refunded: nothing is charged.
    Done,
    /// Try again.
    Retry,
}

/// A payment code payment the machine is resolving.
#[derive(Clone, Debug)]
struct Flow {
    order: OrderNo,
    wallet: Wallet,
    amount: Amount,
    /// When the pay request was sent.
    sent_at: Millis,
    queries: u8,
    /// When to send the next query (`None` while a request of this flow is in flight or before
    /// the pay request went out).
    query_at: Option<Millis>,
    /// The payment code, until the pay request is built.
    code: Option<String>,
}

/// An undo due.
#[derive(Clone, Debug)]
struct PendingUndo {
    order: OrderNo,
    wallet: Wallet,
    reason: UndoReason,
    attempts: u8,
    not_before: Millis,
    deferred: bool,
}

/// What the request in flight is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Pay,
    Query,
    Undo,
}

#[derive(Clone, Debug)]
struct InFlight {
    id: RequestId,
    order: OrderNo,
    purpose: Purpose,
    deadline: Millis,
}

/// A terminal charging customers' payment codes through WeChat Pay and Alipay, over a
/// [`Journal`]. One payment is resolved at a time (a till serves one customer at a time);
/// undos of earlier payments go out before the next payment.
pub struct ScanTerminal<J: Journal, N: Nonces> {
    config: ScanConfig,
    journal: J,
    #[cfg_attr(
        not(feature = "std"),
        allow(
            dead_code,
            reason = "only WeChat Pay's requests carry nonces, and it needs std"
        )
    )]
    nonces: N,
    /// Every order number the journal holds, with its outcome once final.
    orders: BTreeMap<OrderNo, Option<Outcome>>,
    /// The payment being resolved.
    flow: Option<Flow>,
    /// Payments whose query phase recovery resumes, after `flow`.
    resumed: VecDeque<Flow>,
    undos: VecDeque<PendingUndo>,
    in_flight: Option<InFlight>,
    next_id: RequestId,
    transmit: VecDeque<HttpRequest>,
    events: VecDeque<Event>,
}

impl<J: Journal, N: Nonces> core::fmt::Debug for ScanTerminal<J, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ScanTerminal")
            .field("paying", &self.flow.as_ref().map(|p| &p.order))
            .field("pending_undos", &self.undos.len())
            .field("in_flight", &self.in_flight.as_ref().map(|r| r.id))
            .finish()
    }
}

/// A request's parts before the machine gives it an id and a deadline.
pub(crate) struct Built {
    pub(crate) url: String,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
    pub(crate) client_certificate: bool,
}

impl<J: Journal, N: Nonces> ScanTerminal<J, N> {
    /// The journal.
    pub const fn journal(&self) -> &J {
        &self.journal
    }

    /// Gives the journal back (what survives a crash).
    pub fn into_journal(self) -> J {
        self.journal
    }

    /// The final outcome of `order`, once it has one.
    pub fn outcome(&self, order: &OrderNo) -> Option<&Outcome> {
        self.orders.get(order).and_then(Option::as_ref)
    }

    /// Payments whose undo has not been confirmed yet.
    pub fn pending_undos(&self) -> impl Iterator<Item = &OrderNo> + '_ {
        self.undos.iter().map(|u| &u.order)
    }

    /// Whether a payment is being resolved or a request is in flight.
    pub fn is_busy(&self) -> bool {
        self.flow.is_some() || !self.resumed.is_empty() || self.in_flight.is_some()
    }

    /// A fresh order number from `generator`, one the journal does not hold (16 repeats in a
    /// row are an error).
    pub fn new_order_no(&self, generator: &mut impl OrderNumbers) -> Result<OrderNo, Error> {
        for _ in 0..16 {
            let order = generator.next_order_no();
            if !self.orders.contains_key(&order) {
                return Ok(order);
            }
        }
        Err(Error::new(ErrorKind::DuplicateOrderNo))
    }

    fn record(&mut self, record: &Record) -> Result<(), Error> {
        self.journal
            .append(record)
            .map_err(|_| Error::new(ErrorKind::Journal))
    }

    fn rule(&self, wallet: Wallet) -> Result<PollRule, Error> {
        match wallet {
            #[cfg(feature = "std")]
            Wallet::WeChat => self.config.wechat.as_ref().map(|c| c.rule),
            Wallet::Alipay => self.config.alipay.as_ref().map(|c| c.rule),
            #[allow(unreachable_patterns, reason = "WeChat Pay needs std")]
            _ => None,
        }
        .ok_or(Error::new(ErrorKind::ChannelNotConfigured))
    }

    /// Charges the payment code `code` (as scanned) for `amount` under `order` (never used
    /// before). The code is routed by [`route`]: a UnionPay code is refused here
    /// ([`ErrorKind::WrongRoute`]: it is a card-network sale). Pending undos go out first.
    pub fn pay(
        &mut self,
        now: Millis,
        order: OrderNo,
        amount: Amount,
        code: &str,
    ) -> Result<(), Error> {
        let wallet = match route(code) {
            Route::Wallet(wallet) => wallet,
            Route::UnionPay | Route::Unsupported(_) => {
                return Err(Error::new(ErrorKind::WrongRoute));
            }
        };
        self.rule(wallet)?;
        if amount.currency != *b"156" {
            return Err(Error::new(ErrorKind::Currency));
        }
        if self.is_busy() {
            return Err(Error::new(ErrorKind::Busy));
        }
        if self.orders.contains_key(&order) {
            return Err(Error::new(ErrorKind::DuplicateOrderNo));
        }
        self.orders.insert(order.clone(), None);
        self.flow = Some(Flow {
            order,
            wallet,
            amount,
            sent_at: now,
            queries: 0,
            query_at: None,
            code: Some(String::from(code.trim())),
        });
        self.retry_undos(now)
    }

    /// Takes up every pending undo again (those out of attempts too) and sends what is due —
    /// what recovery does, and what every new payment does first.
    pub fn retry_undos(&mut self, now: Millis) -> Result<(), Error> {
        for u in &mut self.undos {
            u.deferred = false;
            u.attempts = 0;
        }
        self.drive(now)
    }

    /// The next request to send, if any.
    pub fn poll_transmit(&mut self) -> Option<HttpRequest> {
        self.transmit.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`Self::handle_timeout`] must be called next: the deadline of the request in
    /// flight, or when the next query or undo is due.
    pub fn poll_timeout(&self) -> Option<Millis> {
        if let Some(r) = &self.in_flight {
            return Some(r.deadline);
        }
        let undo = self
            .undos
            .iter()
            .filter(|u| !u.deferred)
            .map(|u| u.not_before)
            .min();
        let query = self
            .flow
            .as_ref()
            .or_else(|| self.resumed.front())
            .and_then(|f| f.query_at);
        match (undo, query) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Handles the time: a request whose deadline passed counts as unanswered; a query or an
    /// undo whose time has come is sent.
    pub fn handle_timeout(&mut self, now: Millis) -> Result<(), Error> {
        if let Some(r) = self.in_flight.take() {
            if now < r.deadline {
                self.in_flight = Some(r);
                return Ok(());
            }
            self.no_answer(now, &r)?;
        }
        self.drive(now)
    }

    /// Feeds the answer to request `id`: its HTTP status and body. An answer to another
    /// request (late, duplicated) is ignored; one that is not 2xx, or does not verify, counts as
    /// no answer.
    pub fn handle_response(
        &mut self,
        now: Millis,
        id: RequestId,
        status: u16,
        body: &[u8],
    ) -> Result<(), Error> {
        let Some(r) = self.in_flight.take_if(|r| r.id == id) else {
            return Ok(());
        };
        let wallet = self.flow_of(&r.order).map(|f| f.wallet).or_else(|| {
            self.undos
                .iter()
                .find(|u| u.order == r.order)
                .map(|u| u.wallet)
        });
        let (Some(wallet), true) = (wallet, (200..300).contains(&status)) else {
            self.no_answer(now, &r)?;
            return self.drive(now);
        };
        let text = core::str::from_utf8(body).ok();
        match r.purpose {
            Purpose::Pay | Purpose::Query => {
                let amount = self.flow_of(&r.order).map(|f| f.amount);
                let answer = match (text, amount) {
                    (Some(text), Some(amount)) => {
                        self.read_answer(wallet, r.purpose, text, &r.order, amount)
                    }
                    _ => None,
                };
                match answer {
                    Some(answer) => self.answered(now, &r, answer)?,
                    None => self.no_answer(now, &r)?,
                }
            }
            Purpose::Undo => match text.and_then(|t| self.read_undo(wallet, t)) {
                Some(UndoAnswer::Done) => self.undone(&r.order)?,
                Some(UndoAnswer::Retry) | None => self.undo_failed(now, &r.order),
            },
        }
        self.drive(now)
    }

    fn flow_of(&self, order: &OrderNo) -> Option<&Flow> {
        self.flow
            .iter()
            .chain(self.resumed.iter())
            .find(|f| f.order == *order)
    }

    fn flow_of_mut(&mut self, order: &OrderNo) -> Option<&mut Flow> {
        self.flow
            .iter_mut()
            .chain(self.resumed.iter_mut())
            .find(|f| f.order == *order)
    }

    fn read_answer(
        &self,
        wallet: Wallet,
        purpose: Purpose,
        text: &str,
        order: &OrderNo,
        amount: Amount,
    ) -> Option<Answer> {
        let query = purpose == Purpose::Query;
        match wallet {
            #[cfg(feature = "std")]
            Wallet::WeChat => self
                .config
                .wechat
                .as_ref()
                .and_then(|c| c.read(text, query, order, amount)),
            Wallet::Alipay => self
                .config
                .alipay
                .as_ref()
                .and_then(|c| c.read(text, query, order, amount)),
            #[allow(unreachable_patterns, reason = "WeChat Pay needs std")]
            _ => None,
        }
    }

    fn read_undo(&self, wallet: Wallet, text: &str) -> Option<UndoAnswer> {
        match wallet {
            #[cfg(feature = "std")]
            Wallet::WeChat => self.config.wechat.as_ref().and_then(|c| c.read_undo(text)),
            Wallet::Alipay => self.config.alipay.as_ref().and_then(|c| c.read_undo(text)),
            #[allow(unreachable_patterns, reason = "WeChat Pay needs std")]
            _ => None,
        }
    }

    /// A pay or query answer that verified.
    fn answered(&mut self, now: Millis, r: &InFlight, answer: Answer) -> Result<(), Error> {
        match answer {
            Answer::Paid(approval) => self.finish(&r.order, Outcome::Approved(approval)),
            Answer::Declined { code, meaning } => {
                self.finish(&r.order, Outcome::Declined { code, meaning })
            }
            Answer::Paying => {
                self.events.push_back(Event::CustomerPaying {
                    order: r.order.clone(),
                });
                self.next_query(now, r, true)
            }
            Answer::Unknown => self.next_query(now, r, false),
        }
    }

    /// No (trustworthy) answer in time.
    fn no_answer(&mut self, now: Millis, r: &InFlight) -> Result<(), Error> {
        match r.purpose {
            Purpose::Pay | Purpose::Query => self.next_query(now, r, false),
            Purpose::Undo => {
                self.undo_failed(now, &r.order);
                Ok(())
            }
        }
    }

    /// Schedules the next query of the flow, or its undo when the rule's limit is reached.
    fn next_query(&mut self, now: Millis, r: &InFlight, paying: bool) -> Result<(), Error> {
        let Some(flow) = self.flow_of(&r.order).cloned() else {
            return Ok(());
        };
        let rule = self.rule(flow.wallet)?;
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

    /// The flow ran out of queries: undo the payment.
    fn give_up(&mut self, now: Millis, flow: &Flow) -> Result<(), Error> {
        let rule = self.rule(flow.wallet)?;
        self.undo_due(
            flow.order.clone(),
            flow.wallet,
            UndoReason::Unconfirmed,
            flow.sent_at.saturating_add(rule.undo_not_before).max(now),
        )
    }

    /// Journals the undo and queues it; the flow ends.
    pub(crate) fn undo_due(
        &mut self,
        order: OrderNo,
        wallet: Wallet,
        reason: UndoReason,
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
            reason,
            attempts: 0,
            not_before,
            deferred: false,
        });
        Ok(())
    }

    fn end_flow(&mut self, order: &OrderNo) {
        if self.flow.as_ref().is_some_and(|f| f.order == *order) {
            self.flow = None;
        }
        self.resumed.retain(|f| f.order != *order);
    }

    fn undone(&mut self, order: &OrderNo) -> Result<(), Error> {
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

    fn undo_failed(&mut self, now: Millis, order: &OrderNo) {
        let Some(u) = self.undos.iter().find(|u| u.order == *order) else {
            return;
        };
        let Ok(rule) = self.rule(u.wallet) else {
            return;
        };
        let Some(u) = self.undos.iter_mut().find(|u| u.order == *order) else {
            return;
        };
        if u.attempts >= rule.undo_attempts {
            u.deferred = true;
            self.events.push_back(Event::UndoDeferred {
                order: order.clone(),
            });
        } else {
            u.not_before = now.saturating_add(rule.undo_interval);
        }
    }

    fn finish(&mut self, order: &OrderNo, outcome: Outcome) -> Result<(), Error> {
        self.end_flow(order);
        // Exactly one final outcome per payment.
        if matches!(self.orders.get(order), Some(Some(_))) {
            return Ok(());
        }
        self.record(&Record::Final {
            order: order.clone(),
            outcome: outcome.clone(),
        })?;
        self.orders.insert(order.clone(), Some(outcome.clone()));
        self.events.push_back(Event::Finished {
            order: order.clone(),
            outcome,
        });
        Ok(())
    }

    /// Builds a request of `purpose` for `order` (`code` for a pay request).
    fn build(
        &mut self,
        wallet: Wallet,
        now: Millis,
        purpose: Purpose,
        order: &OrderNo,
        amount: Amount,
        code: Option<&str>,
    ) -> Result<Built, Error> {
        match wallet {
            #[cfg(feature = "std")]
            Wallet::WeChat => {
                let nonce = self.nonces.nonce();
                let c = self
                    .config
                    .wechat
                    .as_ref()
                    .ok_or(Error::new(ErrorKind::ChannelNotConfigured))?;
                match purpose {
                    Purpose::Pay => c.micropay(order, amount, code, &nonce),
                    Purpose::Query => Ok(c.orderquery(order, &nonce)),
                    Purpose::Undo => Ok(c.reverse(order, &nonce)),
                }
            }
            Wallet::Alipay => {
                let c = self
                    .config
                    .alipay
                    .as_ref()
                    .ok_or(Error::new(ErrorKind::ChannelNotConfigured))?;
                match purpose {
                    Purpose::Pay => c.pay(now, order, amount, code),
                    Purpose::Query => c.query(now, order),
                    Purpose::Undo => c.cancel(now, order),
                }
            }
            #[allow(unreachable_patterns, reason = "WeChat Pay needs std")]
            _ => Err(Error::new(ErrorKind::ChannelNotConfigured)),
        }
    }

    fn send(
        &mut self,
        now: Millis,
        wallet: Wallet,
        order: OrderNo,
        purpose: Purpose,
        built: Built,
    ) -> Result<(), Error> {
        let rule = self.rule(wallet)?;
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let deadline = now.saturating_add(rule.response_timeout);
        self.transmit.push_back(HttpRequest {
            id,
            wallet,
            url: built.url,
            content_type: built.content_type,
            body: built.body,
            client_certificate: built.client_certificate,
            deadline,
        });
        self.in_flight = Some(InFlight {
            id,
            order,
            purpose,
            deadline,
        });
        Ok(())
    }

    /// Sends what is due when nothing is in flight: an undo, then the payment (its pay request
    /// or its next query), then resumed payments' queries.
    fn drive(&mut self, now: Millis) -> Result<(), Error> {
        if self.in_flight.is_some() {
            return Ok(());
        }
        // Undos first: their time has come, or they wait and nothing else may overtake a
        // payment's own undo.
        if let Some(u) = self
            .undos
            .iter()
            .find(|u| !u.deferred && u.not_before <= now)
            .cloned()
        {
            let attempt = u.attempts.saturating_add(1);
            let built = self.build(u.wallet, now, Purpose::Undo, &u.order, Amount::cny(0), None)?;
            self.record(&Record::ReversalSent {
                order: u.order.clone(),
                attempt,
            })?;
            if let Some(p) = self.undos.iter_mut().find(|p| p.order == u.order) {
                p.attempts = attempt;
            }
            return self.send(now, u.wallet, u.order, Purpose::Undo, built);
        }
        if self.undos.iter().any(|u| !u.deferred) {
            return Ok(());
        }
        let Some(flow) = self.flow.clone().or_else(|| self.resumed.front().cloned()) else {
            return Ok(());
        };
        if flow.code.is_some() {
            // The pay request: journaled first, the code forgotten once built.
            let built = self.build(
                flow.wallet,
                now,
                Purpose::Pay,
                &flow.order,
                flow.amount,
                flow.code.as_deref(),
            )?;
            self.record(&Record::CodePaySent {
                order: flow.order.clone(),
                wallet: flow.wallet,
                amount: flow.amount,
                at: now,
            })?;
            if let Some(f) = self.flow_of_mut(&flow.order) {
                f.code = None;
                f.sent_at = now;
            }
            return self.send(now, flow.wallet, flow.order, Purpose::Pay, built);
        }
        match flow.query_at {
            Some(at) if at <= now => {
                let built = self.build(
                    flow.wallet,
                    now,
                    Purpose::Query,
                    &flow.order,
                    flow.amount,
                    None,
                )?;
                if let Some(f) = self.flow_of_mut(&flow.order) {
                    f.queries = f.queries.saturating_add(1);
                    f.query_at = None;
                }
                self.send(now, flow.wallet, flow.order, Purpose::Query, built)
            }
            _ => Ok(()),
        }
    }
}
