#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod book;
pub mod card;
mod error;
pub mod journal;
mod payment;
#[cfg(feature = "sqlite")]
mod sqlite;
pub mod wallet;

pub use card::{CardConfig, CardSale, CardTerminal, Event, Millis, Transmit};
pub use error::{Error, ErrorKind};
pub use journal::{Journal, JournalError, MemoryJournal, Record};
pub use payment::{Amount, Approval, OrderNo, OrderNumbers, Outcome, UndoReason, Wallet};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteJournal;
pub use wallet::{HttpRequest, Nonces, WalletConfig, WalletTerminal};
