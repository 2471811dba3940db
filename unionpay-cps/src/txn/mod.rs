//! Everyday terminal messages on the `cups-pos` spec, and the host's answer.
//!
//! Without an allocator, every request written into the caller's buffer (`sign_in_to_slice`,
//! `purchase_to_slice`, `balance_inquiry_to_slice`, `void_to_slice`, `refund_to_slice`,
//! `reversal_to_slice`, `settlement_to_slice`: the same bytes as the owned builders then
//! `encode_with_mac`, which are wrappers over the same code), `verify_mac`, `ResponseCode`,
//! `SettlementResult`. With `alloc`: the owned messages, framing, field 54's balances.
//!
//! Layouts follow a production terminal's builders (alon0808/ProjectAfcApp `qpboc_8583.c`,
//! "AFC") and published messages (rufus123456/Java8583Sample IsoTest.java, Ajsgn/Java8583
//! QuickStart.java, <https://blog.youkuaiyun.com/zhu244912654/article/details/80005341>):
//! - sign-in `0800`: 11, (12, 13,) 41, 42, 60 = `00` + batch + network code (`001` single-length
//!   keys, `003` double, `004` double with TDK), 63 = operator (AFC `build8583_qpboc_SING`);
//! - purchase `0200`: (2,) 3 = `000000`, 4, 11, 22, (23,) 25, (26,) (35,) 41, 42, 49, (52, 53,)
//!   (55,) (59,) 60 = `22` + batch (+ 60.3…), 64 (AFC `build8583_qpboc_Purse_0200`); a scanned
//!   payment code goes in 59 as tag `A3` with entry mode `032` (AFC `Build_qpboc_8583_59`, `_22`);
//! - reversal `0400`: the original's 2, 3, 4, 11, 22, 23, 25, 35, 41, 42, 48, 49, 53, 55, 57, 59,
//!   60 (never its PIN block) with 39 = the reason (`98`: no answer in time), and a new MAC
//!   (AFC `build8583_qpboc_re_Purse_0400` and its saved-fields record `st_qpoc_repurse`).
//!
//! - balance inquiry `0200`, void `0200`, refund `0220`: processing code (3), condition code (25),
//!   MTI and 60.1 from the transaction-type table of 中国银联POS终端消息域说明 (2002, §1: inquiry
//!   `310000`/`00`/`0200`/`01`, void `200000`/`00`/`0200`/`23`, refund `200000`/`00`/`0220`/`25`);
//!   the fields they carry follow a jPOS terminal client for a CUPS acquirer (yogapay
//!   `CopyOfAcqRequest.java`: `query`, `reversal` = void, `refund`): the original's 37 and 38, and
//!   61 = original batch + original trace (+ original date MMDD for a refund);
//! - batch settlement `0500`: 11, 41, 42, 48 = the domestic and foreign card totals (each debit
//!   amount N12, debit count N3, credit amount N12, credit count N3, reconciliation code N1, as
//!   the field-48 tables of the POS specification lay them out, e.g. Newland and Asiainfo terminal
//!   sources quoting it), 49, 60 = `00` + batch + the host's network management code, 63.

mod balance;
mod card;
mod fields;
mod original;
mod purchase;
mod request;
mod response;
mod reversal;
mod settlement;
mod signin;
mod terminal;
mod wire;

pub use balance::balance_inquiry_to_slice;
pub use balance::{AdditionalAmount, BalanceInquiry};
#[cfg(feature = "alloc")]
pub use balance::{additional_amounts, balance_inquiry};
pub use card::{Entry, Original, Pin};
pub use original::{Refund, Void, refund_to_slice, void_to_slice};
#[cfg(feature = "alloc")]
pub use original::{refund, void};
#[cfg(feature = "alloc")]
pub use purchase::purchase;
pub use purchase::{Purchase, purchase_to_slice};
pub use request::MAX_PAYMENT_CODE;
pub use response::ResponseCode;
#[cfg(feature = "alloc")]
pub use reversal::reversal;
pub use reversal::{Reversible, reversal_to_slice};
#[cfg(feature = "alloc")]
pub use settlement::settlement;
pub use settlement::{Settlement, SettlementResult, Totals, settlement_to_slice};
#[cfg(feature = "alloc")]
pub use signin::sign_in;
pub use signin::{KeyScheme, sign_in_to_slice};
pub use terminal::Terminal;
pub use wire::verify_mac;
#[cfg(feature = "alloc")]
pub use wire::{encode_with_mac, frame};
