//! Each wallet's rule for a payment whose answer is not final: when to query, when to give up,
//! how to undo — the documented values, and paywire's where the channels say nothing.

use super::Millis;

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
    /// Undo attempts before the undo waits for the next payment
    /// ([`Event::UndoDeferred`](super::Event::UndoDeferred)).
    pub undo_attempts: u8,
    /// Between undo attempts.
    pub undo_interval: Millis,
}

// Shown codes use `response_timeout`, `query_interval` (polled until the code expires),
// `undo_not_before` (counted from the order's creation: the close), `undo_attempts` and
// `undo_interval`.

impl PollRule {
    /// WeChat Pay's: first query 5 s after `USERPAYING`, at once after a system error
    /// (`micropay` error codes), then every 10 s until 30 s after paying (the suggested values
    /// of the global documentation's `micropay` notes); reverse no sooner than 15 s after
    /// paying, again until it is confirmed. The 10 s timeout, the 10 reverse attempts (the
    /// official PHP SDK sample's count) and the 2 s between them are paywire's choices.
    pub const WECHAT: Self = Self {
        response_timeout: 10_000,
        first_query_when_paying: 5_000,
        first_query_when_unknown: 0,
        query_interval: 10_000,
        max_queries: u8::MAX,
        give_up_after: 30_000,
        undo_not_before: 15_000,
        undo_attempts: 10,
        undo_interval: 2_000,
    };

    /// WeChat Pay's for shown codes (API v3 Native): the order is closed when its code
    /// expires, but not sooner than 5 minutes after it was created (the close order
    /// documentation: `closeorder`, and the v3 close of WeChat Pay's global API). The 10 s
    /// timeout, the 5 s between queries and the 10 closes 2 s apart are paywire's choices.
    pub const WECHAT_NATIVE: Self = Self {
        response_timeout: 10_000,
        first_query_when_paying: 5_000,
        first_query_when_unknown: 5_000,
        query_interval: 5_000,
        max_queries: u8::MAX,
        give_up_after: Millis::MAX,
        undo_not_before: 300_000,
        undo_attempts: 10,
        undo_interval: 2_000,
    };

    /// Pix shown codes: the charge is polled every 3 s until it expires, then removed at
    /// once. The Pix API documents no polling rule (its webhooks notify payments); every value
    /// here is paywire's choice.
    pub const PIX: Self = Self {
        response_timeout: 10_000,
        first_query_when_paying: 3_000,
        first_query_when_unknown: 3_000,
        query_interval: 3_000,
        max_queries: u8::MAX,
        give_up_after: Millis::MAX,
        undo_not_before: 0,
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
