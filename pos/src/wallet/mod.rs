//! Wallet payments as a sans-IO state machine: the customer's payment code the terminal scans
//! (被扫, 付款码), and the code the terminal shows for the customer to scan (主扫). Route the
//! code, ask the wallet to charge it (or to make the code), and when the answer is not final
//! follow the wallet's documented rule until the payment is either confirmed or undone.
//!
//! Routing ([`route`], by `paywire_emvqr::classify`): a WeChat Pay code (18 digits, 10–15)
//! goes to WeChat Pay `micropay` (API v2, XML); an Alipay code (16–24 digits, 25–30) to
//! `alipay.trade.pay` (`scene=bar_code`); a UnionPay code (19 digits, 62) is a card-network
//! payment: it goes to [`crate::CardTerminal::purchase`] with
//! `paywire_unionpay::txn::Entry::ScanCode` (field 59, tag `A3`) and follows the card rules
//! (reversal when the answer is lost).
//!
//! The rules for an unfinished payment, and where they come from:
//! - **WeChat Pay** (`micropay`, <https://pay.weixin.qq.com/wiki/doc/api/micropay.php?chapter=9_10&index=1>
//!   error codes, and the same API's notes in WeChat Pay's global documentation,
//!   <https://pay.weixin.qq.com/doc/global/v2/zh/4013634893>): `USERPAYING` (the customer is
//!   entering the password) → wait 5 s, then query the order (`orderquery`), again every 10 s
//!   (suggested) until it is paid or 30 s (suggested) have passed; `SYSTEMERROR` / `BANKERROR`
//!   (result unknown) → query at once. An order still unclear after the queries is reversed
//!   (`/secapi/pay/reverse`, chapter 9_11), which needs the merchant's client certificate
//!   ([`HttpRequest::client_certificate`]), not sooner than 15 s after the payment was sent,
//!   and again when the reverse gets no answer, an error, or `recall=Y`.
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
//! - **Shown codes**: a WeChat Pay Native order (API v3, `POST /v3/pay/transactions/native`,
//!   <https://pay.weixin.qq.com/doc/v3/merchant/4012791877>, `time_expire` set) gives a
//!   `code_url`; an Alipay `alipay.trade.precreate` (`timeout_express` set) gives a `qr_code`
//!   (the trade itself exists only once the customer scans it: until then a query answers
//!   `ACQ.TRADE_NOT_EXIST`). The order is queried until it is paid or its code expires, or a
//!   verified notification says it was paid; an expired one is closed (WeChat Pay v3 close,
//!   <https://pay.weixin.qq.com/doc/v3/merchant/4013070360>, "订单超时未支付 … 需进行关单处理",
//!   not sooner than 5 minutes after it was created; Alipay `alipay.trade.close`). A close
//!   that fails, or gets no answer, is preceded by a query before it is tried again: a code
//!   paid at the last moment cannot be closed, and is approved instead.
//! - Once an undo is due it is journaled ([`Record::ReversalDue`]), and the payment can only
//!   end undone — a payment code's reverse or cancel refunds a payment that went through in
//!   the meantime — except a shown code, which is only closed if it was not paid.
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

use crate::book::Book;
use crate::error::{Error, ErrorKind};
use crate::journal::{Journal, Record};
use crate::payment::{Amount, Approval, OrderNo, OrderNumbers, Outcome, UndoReason, Wallet};

mod alipay;
mod answer;
mod pix;
mod recover;
mod rule;
mod send;
mod undo;
#[cfg(feature = "std")]
mod wechat;
mod wechat_native;

pub use alipay::AlipayConfig;
pub use pix::PixConfig;
pub use rule::PollRule;
pub use wechat_native::WechatNativeConfig;

/// WeChat Pay's production API v3 host (its documented backup is `https://api2.mch.weixin.qq.com`).
pub const WECHAT_V3_API: &str = "https://api.mch.weixin.qq.com";
#[cfg(feature = "std")]
pub use wechat::{API as WECHAT_API, WechatConfig};

/// Milliseconds: Unix time for `now`, durations for the rules.
pub type Millis = u64;

/// Where a scanned code goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// A wallet's payment code: [`WalletTerminal::pay`].
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
/// use paywire_pos::wallet::{Route, route};
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

/// The wallets the terminal can charge, with their credentials.
#[derive(Clone, Debug, Default)]
pub struct WalletConfig {
    /// WeChat Pay payment codes (API v2; needs `std`: its XML reader does).
    #[cfg(feature = "std")]
    pub wechat: Option<WechatConfig>,
    /// WeChat Pay shown codes (API v3 Native).
    pub wechat_native: Option<WechatNativeConfig>,
    /// Alipay (payment codes and shown codes).
    pub alipay: Option<AlipayConfig>,
    /// Pix shown codes (a PSP's Pix API).
    pub pix: Option<PixConfig>,
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

/// An HTTP request to send, and the deadline of its answer.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Give this back with the answer ([`WalletTerminal::handle_response`]).
    pub id: RequestId,
    /// The wallet.
    pub wallet: Wallet,
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The whole URL.
    pub url: String,
    /// The headers to send (`Content-Type`, WeChat Pay v3's `Authorization`, ...).
    pub headers: Vec<(&'static str, String)>,
    /// The body (empty for a `GET`).
    pub body: Vec<u8>,
    /// The request must be sent with the merchant's client certificate (WeChat Pay's
    /// `/secapi/` endpoints); a transport without it cannot send it.
    pub client_certificate: bool,
    /// When to give up on its answer ([`WalletTerminal::handle_timeout`]).
    pub deadline: Millis,
}

impl core::fmt::Debug for HttpRequest {
    /// The body of a payment carries the customer's payment code (whoever holds it can pay
    /// with it while it is valid), and the headers a signature: names and lengths only.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("HttpRequest")
            .field("id", &self.id)
            .field("wallet", &self.wallet)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .field("client_certificate", &self.client_certificate)
            .field("deadline", &self.deadline)
            .finish()
    }
}

/// An HTTP answer (or a notification the wallet sent): status, headers, body as received.
#[derive(Clone, Copy, Debug)]
pub struct Response<'a> {
    /// The status code (a notification's is ignored).
    pub status: u16,
    /// The headers, names in any case (WeChat Pay v3 signs with `Wechatpay-*` headers).
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub body: &'a [u8],
}

impl<'a> Response<'a> {
    /// A `200` answer with no headers (WeChat Pay v2 and Alipay sign inside the body).
    pub const fn ok(body: &'a [u8]) -> Self {
        Self {
            status: 200,
            headers: &[],
            body,
        }
    }
}

/// What to answer a notification that verified: its status and body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotifyReply {
    /// The HTTP status.
    pub status: u16,
    /// The body (`success` for Alipay; none for WeChat Pay v3).
    pub body: &'static str,
}

/// What the terminal has to say.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A payment has its final outcome (reported once). A shown code's payment may end after
    /// the till has moved on (paid just before it expired): its outcome comes then.
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
    /// Show this code to the customer (render it with `paywire_emvqr::render`): WeChat Pay's
    /// `code_url`, Alipay's `qr_code`. The machine polls until it is paid or expires.
    ShowCode {
        /// The payment.
        order: OrderNo,
        /// The text of the QR code.
        code: String,
    },
    /// An undo (reverse, cancel, close) got no confirmation after every attempt: it stays
    /// pending and is tried again with the next payment ([`WalletTerminal::retry_undos`]).
    UndoDeferred {
        /// The payment.
        order: OrderNo,
    },
    /// A refund got no answer after every attempt: it stays pending (unresolved) and is sent
    /// again, unchanged, with the next payment ([`WalletTerminal::retry_undos`]).
    RefundDeferred {
        /// The refund.
        order: OrderNo,
    },
}

/// A refund's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RefundAnswer {
    /// Accepted: the wallet's refund id.
    Done(Approval),
    /// Refused: nothing was refunded.
    Declined {
        code: String,
        meaning: Option<String>,
    },
    /// Unknown (a system error): send the same refund again.
    Retry,
}

/// A refund to send (again).
#[derive(Clone, Debug)]
struct PendingRefund {
    order: OrderNo,
    original: OrderNo,
    wallet: Wallet,
    amount: Amount,
    attempts: u8,
    not_before: Millis,
    deferred: bool,
}

/// A wallet's answer, read and verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Paid: the wallet's transaction id.
    Paid(Approval),
    /// The customer is confirming (`USERPAYING`, `10003`, `WAIT_BUYER_PAY`, `NOTPAY`).
    Paying,
    /// The wallet does not know yet (system error).
    Unknown,
    /// The wallet has no such order (not created, or a shown code nobody scanned).
    Missing,
    /// Refused or closed, with nothing charged: the wallet's code and message.
    Declined {
        code: String,
        meaning: Option<String>,
    },
    /// A shown code's order was created: the code to show.
    Created(String),
}

/// An undo's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UndoAnswer {
    /// Closed or refunded: nothing is charged.
    Done,
    /// Try again.
    Retry,
}

/// What a flow sends first.
#[derive(Clone, Debug)]
enum First {
    /// The payment code's pay request (the code is forgotten once it is built).
    Pay(String),
    /// The shown code's order, payable for this long (whole minutes for Alipay).
    Create(Millis),
}

/// A payment the machine is resolving.
#[derive(Clone, Debug)]
struct Flow {
    order: OrderNo,
    wallet: Wallet,
    amount: Amount,
    /// When the first request was sent (or is to be).
    sent_at: Millis,
    queries: u8,
    /// When to send the next query (`None` while a request of this flow is in flight or before
    /// the first request went out).
    query_at: Option<Millis>,
    first: Option<First>,
    /// A shown code: when it is certainly no longer payable (set when its order is sent:
    /// the validity plus the answer's timeout, by which the wallet received the order if it
    /// did at all). Before the order is sent, the validity alone.
    expires_at: Option<Millis>,
}

impl Flow {
    /// A flow whose first request is still to be sent.
    const fn new(
        order: OrderNo,
        wallet: Wallet,
        amount: Amount,
        first: First,
        expires_at: Option<Millis>,
    ) -> Self {
        Self {
            order,
            wallet,
            amount,
            sent_at: 0,
            queries: 0,
            query_at: None,
            first: Some(first),
            expires_at,
        }
    }
}

/// How a payment is undone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UndoKind {
    /// A payment code's order: reversed (WeChat Pay) or cancelled (Alipay), refunded if paid.
    Reverse,
    /// A shown code's order: closed (it cannot be paid any more); one that was paid is
    /// approved instead. `check` asks for a query first (before a retry, and after a crash).
    Close { check: bool },
}

/// An undo due.
#[derive(Clone, Debug)]
struct PendingUndo {
    order: OrderNo,
    wallet: Wallet,
    kind: UndoKind,
    reason: UndoReason,
    /// The amount (a shown code's query checks it).
    amount: Amount,
    attempts: u8,
    not_before: Millis,
    deferred: bool,
}

/// What the request in flight is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Pay,
    Create,
    Query,
    Undo,
    Refund,
    /// A shown code's query before it is closed.
    Check,
}

#[derive(Clone, Debug)]
struct InFlight {
    id: RequestId,
    order: OrderNo,
    purpose: Purpose,
    deadline: Millis,
}

/// A terminal taking wallet payments — customers' payment codes it scans, and codes it shows —
/// over a [`Journal`]. One payment is resolved at a time (a till serves one customer at a
/// time); undos of earlier payments go out in between, when their time comes.
pub struct WalletTerminal<J: Journal, N: Nonces> {
    config: WalletConfig,
    book: Book<J>,
    nonces: N,
    /// The payment being resolved.
    flow: Option<Flow>,
    /// Payments whose query phase recovery resumes, after `flow`.
    resumed: VecDeque<Flow>,
    undos: VecDeque<PendingUndo>,
    refunds: VecDeque<PendingRefund>,
    /// Every wallet payment sent: its wallet and amount (what a refund needs).
    payments: BTreeMap<OrderNo, (Wallet, Amount)>,
    /// Per payment, what its refunds (approved or not final yet) take back.
    refunded: BTreeMap<OrderNo, u64>,
    in_flight: Option<InFlight>,
    next_id: RequestId,
    transmit: VecDeque<HttpRequest>,
    events: VecDeque<Event>,
}

impl<J: Journal, N: Nonces> core::fmt::Debug for WalletTerminal<J, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WalletTerminal")
            .field("paying", &self.flow.as_ref().map(|p| &p.order))
            .field("pending_undos", &self.undos.len())
            .field("in_flight", &self.in_flight.as_ref().map(|r| r.id))
            .finish()
    }
}

/// A request's parts before the machine gives it an id and a deadline.
pub(crate) struct Built {
    pub(crate) method: &'static str,
    pub(crate) url: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) client_certificate: bool,
}

/// What a request is about: the payment, for the wallet's codec.
pub(crate) struct Subject<'a> {
    pub(crate) order: &'a OrderNo,
    pub(crate) amount: Amount,
    /// The payment code (a pay request).
    pub(crate) code: Option<&'a str>,
    /// A shown code's expiry (a create request).
    pub(crate) expires_at: Option<Millis>,
    /// A refund: the payment refunded and its amount.
    pub(crate) original: Option<(&'a OrderNo, Amount)>,
}

impl<J: Journal, N: Nonces> WalletTerminal<J, N> {
    /// The journal.
    pub const fn journal(&self) -> &J {
        &self.book.journal
    }

    /// Gives the journal back (what survives a crash).
    pub fn into_journal(self) -> J {
        self.book.journal
    }

    /// The final outcome of `order`, once it has one.
    pub fn outcome(&self, order: &OrderNo) -> Option<&Outcome> {
        self.book.outcome(order)
    }

    /// Payments whose undo has not been confirmed yet.
    pub fn pending_undos(&self) -> impl Iterator<Item = &OrderNo> + '_ {
        self.undos.iter().map(|u| &u.order)
    }

    /// Refunds sent without a final answer yet.
    pub fn pending_refunds(&self) -> impl Iterator<Item = &OrderNo> + '_ {
        self.refunds.iter().map(|r| &r.order)
    }

    /// Refunds `amount` of the approved wallet payment `original`, under the refund's own
    /// number `order` (never used before; WeChat Pay's `out_refund_no`, Alipay's
    /// `out_request_no`). Refunds of one payment may not take back more than it charged. The
    /// refund is journaled, then sent; one that gets no answer (or an unknown one) is sent
    /// again unchanged — same number, same amount — as both wallets require ("一笔退款失败后
    /// 重新提交，请不要更换退款单号", WeChat Pay's `refund`; "the original out_request_no
    /// should be used", Alipay's `alipay.trade.refund`). Approved means the wallet accepted
    /// it (WeChat Pay then pays it back asynchronously). WeChat Pay refunds use API v2 (the
    /// [`WechatConfig`], with the client certificate) for payment codes and shown codes alike.
    pub fn refund(
        &mut self,
        now: Millis,
        order: OrderNo,
        original: &OrderNo,
        amount: Amount,
    ) -> Result<(), Error> {
        let approved = matches!(
            self.book.orders.get(original),
            Some(Some(Outcome::Approved(_)))
        );
        let Some(&(wallet, paid)) = self.payments.get(original).filter(|_| approved) else {
            return Err(Error::new(ErrorKind::NotRefundable));
        };
        if wallet == Wallet::Pix {
            // Pix refunds (devolução) are not built.
            return Err(Error::new(ErrorKind::NotRefundable));
        }
        self.rule(wallet, false)?;
        let taken = self.refunded.get(original).copied().unwrap_or(0);
        let left = paid.minor.saturating_sub(taken);
        if amount.currency != paid.currency || amount.minor == 0 || amount.minor > left {
            return Err(Error::new(ErrorKind::NotRefundable));
        }
        if self.book.is_taken(&order)? {
            return Err(Error::new(ErrorKind::DuplicateOrderNo));
        }
        self.record(&Record::RefundSent {
            order: order.clone(),
            original: original.clone(),
            wallet,
            amount,
        })?;
        self.book.orders.insert(order.clone(), None);
        self.refunded
            .insert(original.clone(), taken.saturating_add(amount.minor));
        self.refunds.push_back(PendingRefund {
            order,
            original: original.clone(),
            wallet,
            amount,
            attempts: 0,
            not_before: now,
            deferred: false,
        });
        self.drive(now)
    }

    /// Replaces the Pix API's access token (the PSP's OAuth 2.0 tokens expire: the transport
    /// renews them): requests built from now on carry it. Without a Pix configuration, nothing
    /// changes.
    pub fn set_pix_access_token(&mut self, token: &str) {
        if let Some(pix) = self.config.pix.as_mut() {
            pix.access_token = zeroize::Zeroizing::new(String::from(token));
        }
    }

    /// Whether a payment is being resolved (a new one must wait).
    pub fn is_busy(&self) -> bool {
        self.flow.is_some() || !self.resumed.is_empty()
    }

    /// A fresh order number from `generator`, one the journal does not hold (16 repeats in a
    /// row are an error).
    pub fn new_order_no(&self, generator: &mut impl OrderNumbers) -> Result<OrderNo, Error> {
        self.book.new_order_no(generator)
    }

    fn record(&mut self, record: &Record) -> Result<(), Error> {
        self.book.record(record)
    }

    /// The rule of `wallet` for payment codes (`shown == false`) or shown codes.
    fn rule(&self, wallet: Wallet, shown: bool) -> Result<PollRule, Error> {
        match (wallet, shown) {
            #[cfg(feature = "std")]
            (Wallet::WeChat, false) => self.config.wechat.as_ref().map(|c| c.rule),
            (Wallet::WeChat, true) => self.config.wechat_native.as_ref().map(|c| c.rule),
            (Wallet::Alipay, _) => self.config.alipay.as_ref().map(|c| c.rule),
            (Wallet::Pix, true) => self.config.pix.as_ref().map(|c| c.rule),
            _ => None,
        }
        .ok_or(Error::new(ErrorKind::ChannelNotConfigured))
    }

    /// Takes up `flow` (its order number never used, nothing else being resolved) and sends
    /// what is due: pending undos and refunds, then its first request.
    fn start(&mut self, now: Millis, flow: Flow) -> Result<(), Error> {
        if flow.amount.currency != flow.wallet.currency() {
            return Err(Error::new(ErrorKind::Currency));
        }
        if self.is_busy() {
            return Err(Error::new(ErrorKind::Busy));
        }
        if self.book.is_taken(&flow.order)? {
            return Err(Error::new(ErrorKind::DuplicateOrderNo));
        }
        self.book.orders.insert(flow.order.clone(), None);
        self.flow = Some(Flow {
            sent_at: now,
            ..flow
        });
        self.retry_undos(now)
    }

    /// Charges the payment code `code` (as scanned) for `amount` under `order` (never used
    /// before). The code is routed by [`route`]: a UnionPay code is refused here
    /// ([`ErrorKind::WrongRoute`]: it is a card-network sale).
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
        self.rule(wallet, false)?;
        let first = First::Pay(String::from(code.trim()));
        self.start(now, Flow::new(order, wallet, amount, first, None))
    }

    /// Creates a code for the customer to scan (主扫): a WeChat Pay Native order (`code_url`),
    /// an Alipay `alipay.trade.precreate` (`qr_code`) or a Pix charge (a dynamic EMVCo code,
    /// [`PixConfig`]; its order number, the charge's txid, must be 26 to 32 letters and digits,
    /// and its amount in BRL), payable for `valid_for` ms (the
    /// order carries the limit: `time_expire`; `timeout_express`, whole minutes, so Alipay's
    /// is rounded up). [`Event::ShowCode`] gives the code once the wallet made it; the machine
    /// polls until it is paid (or a notification says so: [`Self::handle_notification`]) or
    /// until the validity plus the answer timeout has passed (by then the wallet refuses
    /// payment for it), and closes it. A WeChat Pay order number must have 6 to 32
    /// characters.
    pub fn show(
        &mut self,
        now: Millis,
        order: OrderNo,
        amount: Amount,
        wallet: Wallet,
        valid_for: Millis,
    ) -> Result<(), Error> {
        self.rule(wallet, true)?;
        if wallet == Wallet::WeChat && order.as_str().len() < 6 {
            // Native orders' out_trade_no is 6 to 32 characters.
            return Err(Error::new(ErrorKind::OrderNo));
        }
        if wallet == Wallet::Pix && !pix::valid_txid(&order) {
            // The order number is the charge's txid: 26 to 35 letters and digits.
            return Err(Error::new(ErrorKind::OrderNo));
        }
        // Alipay's `timeout_express` counts whole minutes (at least one).
        let valid_for = match wallet {
            Wallet::Alipay => valid_for.div_ceil(60_000).max(1).saturating_mul(60_000),
            _ => valid_for,
        };
        let flow = Flow::new(
            order,
            wallet,
            amount,
            First::Create(valid_for),
            Some(valid_for),
        );
        self.start(now, flow)
    }

    /// Takes up every pending undo and refund again (those out of attempts too) and sends what
    /// is due — what recovery does, and what every new payment does first.
    pub fn retry_undos(&mut self, now: Millis) -> Result<(), Error> {
        for u in &mut self.undos {
            u.deferred = false;
            u.attempts = 0;
        }
        for r in &mut self.refunds {
            r.deferred = false;
            r.attempts = 0;
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
            .chain(
                self.refunds
                    .iter()
                    .filter(|r| !r.deferred)
                    .map(|r| r.not_before),
            )
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

    fn finish(&mut self, order: &OrderNo, outcome: Outcome) -> Result<(), Error> {
        self.end_flow(order);
        // Exactly one final outcome per payment.
        if self.book.finish(order, &outcome)? {
            self.events.push_back(Event::Finished {
                order: order.clone(),
                outcome,
            });
        }
        Ok(())
    }
}

/// What an answer answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Read {
    Pay,
    Create,
    Query,
}

/// The body of a 2xx answer as text (WeChat Pay v2 and Alipay answer 200 and sign the body).
pub(super) fn ok_body<'a>(response: &Response<'a>) -> Option<&'a str> {
    if (200..300).contains(&response.status) {
        core::str::from_utf8(response.body).ok()
    } else {
        None
    }
}

/// Minor units as major units with two decimals (yuan, reais): `51` → `0.51`.
pub(crate) fn major_units(minor: u64) -> String {
    alloc::format!("{}.{:02}", minor / 100, minor % 100)
}

/// `12.3`, `12.30`, `12` → minor units; anything else (three decimals, signs, spaces) →
/// `None`.
pub(crate) fn minor_units(text: &str) -> Option<u64> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) if digits(fraction) && fraction.len() <= 2 => (whole, fraction),
        Some(_) => return None,
        None => (text, ""),
    };
    if !digits(whole) {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let mut cents: u64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    if fraction.len() == 1 {
        cents = cents.checked_mul(10)?;
    }
    whole.checked_mul(100)?.checked_add(cents)
}

/// The JSON object of a body, if it is one.
pub(crate) fn json_object(body: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_slice::<serde_json::Value>(body).ok()? {
        serde_json::Value::Object(members) => Some(members),
        _ => None,
    }
}
