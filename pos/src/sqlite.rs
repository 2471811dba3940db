//! The durable journal on SQLite (feature `sqlite`): one row per record in a table any SQLite
//! tool can read, each append committed (WAL, `synchronous=FULL`) before it returns, so a
//! record that `append` accepted survives a killed process or a power cut.
//!
//! ```sql
//! CREATE TABLE journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
//!   order_no TEXT, stan INTEGER, amount INTEGER, currency TEXT, reason TEXT, attempt INTEGER,
//!   outcome TEXT, code TEXT, meaning TEXT, rrn TEXT, auth_code TEXT, transaction_id TEXT,
//!   reversal BLOB, original_order TEXT, at INTEGER, expires_at INTEGER, txn_date TEXT);
//! ```
//!
//! Settlement rows keep the batch number in `code` (six digits) and `balanced` /
//! `unbalanced` in `outcome`; a payment code's row (`code-pay-sent`) keeps its wallet
//! (`wechat`, `alipay`) in `code` and its send time (Unix milliseconds) in `at`; a shown code's
//! (`code-shown`) also its expiry in `expires_at`. A journal made before those columns existed
//! gets them when opened. A wallet refund's row (`refund-sent`) keeps the refunded payment in
//! `original_order` and its wallet in `code`. A sign-in's row (`signed-in`) keeps field 62 of
//! the host's answer (the working keys under the terminal master key) in `reversal` and the
//! batch in `code`. A card refund's row (`card-refund-sent`) keeps its `0220` in `reversal` and
//! the refunded sale, when known, in `original_order`; an approved card answer's date (field 13)
//! is in `txn_date`.
//!
//! The `reversal` column holds the reversal message, which repeats the card's track 2 data:
//! the file is cardholder data and must be protected as such.

use alloc::string::String;
use alloc::vec::Vec;
use std::path::Path;

use rusqlite::{Connection, params};

use crate::journal::{Journal, JournalError, Record};
use crate::payment::{Amount, Approval, OrderNo, Outcome, UndoReason, Wallet};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    order_no TEXT,
    stan INTEGER,
    amount INTEGER,
    currency TEXT,
    reason TEXT,
    attempt INTEGER,
    outcome TEXT,
    code TEXT,
    meaning TEXT,
    rrn TEXT,
    auth_code TEXT,
    transaction_id TEXT,
    reversal BLOB,
    original_order TEXT,
    at INTEGER,
    expires_at INTEGER,
    txn_date TEXT
)";

/// A journal in an SQLite file.
#[derive(Debug)]
pub struct SqliteJournal {
    db: Connection,
}

/// One row, column by column (absent columns are NULL).
#[derive(Default)]
struct Row {
    kind: &'static str,
    order: Option<String>,
    stan: Option<u32>,
    amount: Option<Amount>,
    reason: Option<&'static str>,
    attempt: Option<u8>,
    outcome: Option<&'static str>,
    code: Option<String>,
    meaning: Option<String>,
    rrn: Option<String>,
    auth_code: Option<String>,
    transaction_id: Option<String>,
    reversal: Option<Vec<u8>>,
    original: Option<String>,
    at: Option<u64>,
    expires_at: Option<u64>,
    date: Option<String>,
}

const fn reason_name(reason: UndoReason) -> &'static str {
    match reason {
        UndoReason::Timeout => "timeout",
        UndoReason::BadMac => "bad-mac",
        UndoReason::Interrupted => "interrupted",
        UndoReason::NotCompleted => "not-completed",
        UndoReason::Unconfirmed => "unconfirmed",
        UndoReason::Expired => "expired",
    }
}

fn reason_from(name: &str) -> Option<UndoReason> {
    match name {
        "timeout" => Some(UndoReason::Timeout),
        "bad-mac" => Some(UndoReason::BadMac),
        "interrupted" => Some(UndoReason::Interrupted),
        "not-completed" => Some(UndoReason::NotCompleted),
        "unconfirmed" => Some(UndoReason::Unconfirmed),
        "expired" => Some(UndoReason::Expired),
        _ => None,
    }
}

fn row(record: &Record) -> Row {
    match record {
        Record::SignedIn { keys, batch } => Row {
            kind: "signed-in",
            reversal: Some(keys.clone()),
            code: Some(alloc::format!("{batch:06}")),
            ..Row::default()
        },
        Record::SignInSent { stan } => Row {
            kind: "sign-in-sent",
            stan: Some(*stan),
            ..Row::default()
        },
        Record::SaleSent {
            order,
            stan,
            amount,
            reversal,
        } => Row {
            kind: "sale-sent",
            order: Some(String::from(order.as_str())),
            stan: Some(*stan),
            amount: Some(*amount),
            reversal: Some(reversal.clone()),
            ..Row::default()
        },
        Record::CardRefundSent {
            order,
            original,
            stan,
            amount,
            message,
        } => Row {
            kind: "card-refund-sent",
            order: Some(String::from(order.as_str())),
            original: original.as_ref().map(|o| String::from(o.as_str())),
            stan: Some(*stan),
            amount: Some(*amount),
            reversal: Some(message.clone()),
            ..Row::default()
        },
        Record::CodePaySent {
            order,
            wallet,
            amount,
            at,
        } => Row {
            kind: "code-pay-sent",
            order: Some(String::from(order.as_str())),
            amount: Some(*amount),
            code: Some(String::from(wallet.as_str())),
            at: Some(*at),
            ..Row::default()
        },
        Record::CodeShown {
            order,
            wallet,
            amount,
            at,
            expires_at,
        } => Row {
            kind: "code-shown",
            order: Some(String::from(order.as_str())),
            amount: Some(*amount),
            code: Some(String::from(wallet.as_str())),
            at: Some(*at),
            expires_at: Some(*expires_at),
            ..Row::default()
        },
        Record::RefundSent {
            order,
            original,
            wallet,
            amount,
        } => Row {
            kind: "refund-sent",
            order: Some(String::from(order.as_str())),
            original: Some(String::from(original.as_str())),
            code: Some(String::from(wallet.as_str())),
            amount: Some(*amount),
            ..Row::default()
        },
        Record::InquirySent { stan } => Row {
            kind: "inquiry-sent",
            stan: Some(*stan),
            ..Row::default()
        },
        Record::SettlementSent { stan, batch } => Row {
            kind: "settlement-sent",
            stan: Some(*stan),
            code: Some(alloc::format!("{batch:06}")),
            ..Row::default()
        },
        Record::BatchClosed { batch, balanced } => Row {
            kind: "batch-closed",
            code: Some(alloc::format!("{batch:06}")),
            outcome: Some(if *balanced { "balanced" } else { "unbalanced" }),
            ..Row::default()
        },
        Record::VoidOf { order, original } => Row {
            kind: "void-of",
            order: Some(String::from(order.as_str())),
            original: Some(String::from(original.as_str())),
            ..Row::default()
        },
        Record::ReversalDue { order, reason } => Row {
            kind: "reversal-due",
            order: Some(String::from(order.as_str())),
            reason: Some(reason_name(*reason)),
            ..Row::default()
        },
        Record::ReversalSent { order, attempt } => Row {
            kind: "reversal-sent",
            order: Some(String::from(order.as_str())),
            attempt: Some(*attempt),
            ..Row::default()
        },
        Record::AwaitingCompletion { order, approval } => Row {
            kind: "awaiting-completion",
            order: Some(String::from(order.as_str())),
            rrn: approval.rrn.clone(),
            auth_code: approval.auth_code.clone(),
            transaction_id: approval.transaction_id.clone(),
            date: approval.date.clone(),
            ..Row::default()
        },
        Record::Final { order, outcome } => {
            let mut r = Row {
                kind: "final",
                order: Some(String::from(order.as_str())),
                ..Row::default()
            };
            match outcome {
                Outcome::Approved(a) => {
                    r.outcome = Some("approved");
                    r.rrn.clone_from(&a.rrn);
                    r.auth_code.clone_from(&a.auth_code);
                    r.transaction_id.clone_from(&a.transaction_id);
                    r.date.clone_from(&a.date);
                }
                Outcome::Declined { code, meaning } => {
                    r.outcome = Some("declined");
                    r.code = Some(code.clone());
                    r.meaning.clone_from(meaning);
                }
                Outcome::Undone(reason) => {
                    r.outcome = Some("undone");
                    r.reason = Some(reason_name(*reason));
                }
            }
            r
        }
    }
}

impl SqliteJournal {
    /// Opens (or creates) the journal in the file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, JournalError> {
        let db = Connection::open(path).map_err(|_| JournalError)?;
        db.pragma_update(None, "journal_mode", "WAL")
            .map_err(|_| JournalError)?;
        db.pragma_update(None, "synchronous", "FULL")
            .map_err(|_| JournalError)?;
        db.execute_batch(SCHEMA).map_err(|_| JournalError)?;
        db.execute_batch("CREATE INDEX IF NOT EXISTS journal_order ON journal (order_no)")
            .map_err(|_| JournalError)?;
        // Journals written before the payment-code columns (and the answer's date) existed.
        for (column, kind) in [
            ("at", "INTEGER"),
            ("expires_at", "INTEGER"),
            ("txn_date", "TEXT"),
        ] {
            let exists = db
                .prepare("SELECT 1 FROM pragma_table_info('journal') WHERE name = ?1")
                .and_then(|mut s| s.exists([column]))
                .map_err(|_| JournalError)?;
            if !exists {
                db.execute_batch(&alloc::format!(
                    "ALTER TABLE journal ADD COLUMN {column} {kind}"
                ))
                .map_err(|_| JournalError)?;
            }
        }
        Ok(Self { db })
    }

    /// How many records the journal holds.
    pub fn len(&self) -> Result<u64, JournalError> {
        self.db
            .query_row("SELECT COUNT(*) FROM journal", [], |r| r.get::<_, u64>(0))
            .map_err(|_| JournalError)
    }

    /// Whether the journal is empty.
    pub fn is_empty(&self) -> Result<bool, JournalError> {
        self.len().map(|n| n == 0)
    }
}

fn record_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Record>> {
    let kind: String = r.get(0)?;
    let order: Option<String> = r.get(1)?;
    let order = order.as_deref().and_then(|o| OrderNo::new(o).ok());
    let stan: Option<u32> = r.get(2)?;
    let amount: Option<u64> = r.get(3)?;
    let currency: Option<String> = r.get(4)?;
    let reason: Option<String> = r.get(5)?;
    let reason = reason.as_deref().and_then(reason_from);
    let attempt: Option<u8> = r.get(6)?;
    let outcome: Option<String> = r.get(7)?;
    let code: Option<String> = r.get(8)?;
    let meaning: Option<String> = r.get(9)?;
    let rrn: Option<String> = r.get(10)?;
    let auth_code: Option<String> = r.get(11)?;
    let transaction_id: Option<String> = r.get(12)?;
    let reversal: Option<Vec<u8>> = r.get(13)?;
    let original: Option<String> = r.get(14)?;
    let original = original.as_deref().and_then(|o| OrderNo::new(o).ok());
    let at: Option<u64> = r.get(15)?;
    let expires_at: Option<u64> = r.get(16)?;
    let date: Option<String> = r.get(17)?;
    let currency = currency
        .as_deref()
        .and_then(|c| <[u8; 3]>::try_from(c.as_bytes()).ok());
    Ok(match (kind.as_str(), order) {
        ("sign-in-sent", _) => stan.map(|stan| Record::SignInSent { stan }),
        ("signed-in", _) => match (reversal, code.as_deref().and_then(|c| c.parse().ok())) {
            (Some(keys), Some(batch)) => Some(Record::SignedIn { keys, batch }),
            _ => None,
        },
        ("inquiry-sent", _) => stan.map(|stan| Record::InquirySent { stan }),
        ("settlement-sent", _) => match (stan, code.as_deref().and_then(|c| c.parse().ok())) {
            (Some(stan), Some(batch)) => Some(Record::SettlementSent { stan, batch }),
            _ => None,
        },
        ("batch-closed", _) => {
            code.as_deref()
                .and_then(|c| c.parse().ok())
                .map(|batch| Record::BatchClosed {
                    batch,
                    balanced: outcome.as_deref() == Some("balanced"),
                })
        }
        ("sale-sent", Some(order)) => match (stan, amount, currency, reversal) {
            (Some(stan), Some(minor), Some(currency), Some(reversal)) => Some(Record::SaleSent {
                order,
                stan,
                amount: Amount { minor, currency },
                reversal,
            }),
            _ => None,
        },
        ("card-refund-sent", Some(order)) => match (stan, amount, currency, reversal) {
            (Some(stan), Some(minor), Some(currency), Some(message)) => {
                Some(Record::CardRefundSent {
                    order,
                    original: original.clone(),
                    stan,
                    amount: Amount { minor, currency },
                    message,
                })
            }
            _ => None,
        },
        ("code-pay-sent", Some(order)) => {
            match (
                code.as_deref().and_then(Wallet::from_name),
                amount,
                currency,
                at,
            ) {
                (Some(wallet), Some(minor), Some(currency), Some(at)) => {
                    Some(Record::CodePaySent {
                        order,
                        wallet,
                        amount: Amount { minor, currency },
                        at,
                    })
                }
                _ => None,
            }
        }
        ("code-shown", Some(order)) => match (
            code.as_deref().and_then(Wallet::from_name),
            amount,
            currency,
            at,
            expires_at,
        ) {
            (Some(wallet), Some(minor), Some(currency), Some(at), Some(expires_at)) => {
                Some(Record::CodeShown {
                    order,
                    wallet,
                    amount: Amount { minor, currency },
                    at,
                    expires_at,
                })
            }
            _ => None,
        },
        ("refund-sent", Some(order)) => {
            match (
                code.as_deref().and_then(Wallet::from_name),
                original.clone(),
                amount,
                currency,
            ) {
                (Some(wallet), Some(original), Some(minor), Some(currency)) => {
                    Some(Record::RefundSent {
                        order,
                        original,
                        wallet,
                        amount: Amount { minor, currency },
                    })
                }
                _ => None,
            }
        }
        ("void-of", Some(order)) => original.map(|original| Record::VoidOf { order, original }),
        ("reversal-due", Some(order)) => reason.map(|reason| Record::ReversalDue { order, reason }),
        ("reversal-sent", Some(order)) => {
            attempt.map(|attempt| Record::ReversalSent { order, attempt })
        }
        ("awaiting-completion", Some(order)) => Some(Record::AwaitingCompletion {
            order,
            approval: Approval {
                rrn,
                auth_code,
                transaction_id,
                date,
            },
        }),
        ("final", Some(order)) => {
            let outcome = match outcome.as_deref() {
                Some("approved") => Some(Outcome::Approved(Approval {
                    rrn,
                    auth_code,
                    transaction_id,
                    date,
                })),
                Some("declined") => code.map(|code| Outcome::Declined { code, meaning }),
                Some("undone") => reason.map(Outcome::Undone),
                _ => None,
            };
            outcome.map(|outcome| Record::Final { order, outcome })
        }
        _ => None,
    })
}

impl Journal for SqliteJournal {
    fn append(&mut self, record: &Record) -> Result<(), JournalError> {
        let r = row(record);
        let currency = r
            .amount
            .map(|a| String::from_utf8_lossy(&a.currency).into_owned());
        self.db
            .execute(
                "INSERT INTO journal (kind, order_no, stan, amount, currency, reason, attempt,
                    outcome, code, meaning, rrn, auth_code, transaction_id, reversal, original_order,
                    at, expires_at, txn_date)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18)",
                params![
                    r.kind,
                    r.order,
                    r.stan,
                    r.amount.map(|a| a.minor),
                    currency,
                    r.reason,
                    r.attempt,
                    r.outcome,
                    r.code,
                    r.meaning,
                    r.rrn,
                    r.auth_code,
                    r.transaction_id,
                    r.reversal,
                    r.original,
                    r.at,
                    r.expires_at,
                    r.date,
                ],
            )
            .map(|_| ())
            .map_err(|_| JournalError)
    }

    fn holds_order(&self, order: &OrderNo) -> Result<bool, JournalError> {
        self.db
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM journal WHERE order_no = ?1)",
                [order.as_str()],
                |r| r.get::<_, bool>(0),
            )
            .map_err(|_| JournalError)
    }

    /// Every record in order. A row this version cannot read (edited by hand, or written by a
    /// later version) is an error, never skipped: recovery must see everything.
    fn records(&self) -> Result<Vec<Record>, JournalError> {
        let mut statement = self
            .db
            .prepare(
                "SELECT kind, order_no, stan, amount, currency, reason, attempt, outcome, code,
                    meaning, rrn, auth_code, transaction_id, reversal, original_order, at,
                    expires_at, txn_date
                 FROM journal ORDER BY seq",
            )
            .map_err(|_| JournalError)?;
        let rows = statement
            .query_map([], record_from)
            .map_err(|_| JournalError)?;
        let mut out = Vec::new();
        for row in rows {
            match row {
                Ok(Some(record)) => out.push(record),
                _ => return Err(JournalError),
            }
        }
        Ok(out)
    }
}
