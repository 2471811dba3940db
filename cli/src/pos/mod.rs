//! `paywire pos`: a terminal on the command line (contract: docs/cli.md).
//!
//! paywire-pos's card and wallet terminals on one durable journal (SQLite, the file the
//! configuration names), driven over real connections: TCP with the CUPS framing to the host,
//! HTTP(S) to the wallets (reqwest with rustls; the merchant's client certificate for WeChat
//! Pay's `/secapi/`). Every command opens the terminals on the journal (what a killed run left
//! unfinished is resumed: a card sale without its answer is due for reversal, a wallet payment
//! is queried), does its work, and prints one JSON line per payment it finishes.

mod config;
mod report;
mod session;

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use paywire_pos::card::{CardRefund, RefundOf};
use paywire_pos::wallet::{self, Route};
use paywire_pos::{Amount, CardSale, CardTerminal, Journal as _, OrderNo, SqliteJournal, Wallet};
use paywire_unionpay::txn::{Entry, Pin};

use self::config::Config;
use self::session::{Session, Shared, TimeOrders, minor_units, now_ms};
use crate::emvqr::RenderFormat;
use crate::{Failure, Outcome as CommandOutcome, print};

/// `paywire pos --config FILE COMMAND` (or `paywire pos COMMAND --config FILE`).
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The terminal's configuration (TOML; relative paths in it are relative to its folder).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// CUPS sign-in: the working keys (under the TMK) and the batch go into the journal.
    #[command(
        after_help = "Example (from a paywire checkout, with the counterparts of docs/cli.md running):\n  paywire pos sign-in --config examples/pos/pos.toml"
    )]
    SignIn,
    /// A card sale (stripe, or chip with --icc; PIN with --pan and --pin) or a scanned
    /// customer code (WeChat Pay, Alipay, UnionPay), by the code's kind.
    #[command(
        after_help = "Example (from a paywire checkout, with the counterparts of docs/cli.md running):\n  paywire pos pay --config examples/pos/pos.toml --amount 12.34 --track2 6222021234567890123D2512 --pan 6222021234567890123 --pin 123456"
    )]
    Pay {
        /// The amount in the currency's major units (`12.34`).
        #[arg(long)]
        amount: String,
        /// Track 2 data (`=` or `D` separator).
        #[arg(long, conflicts_with = "code")]
        track2: Option<String>,
        /// The card number (for the PIN block; default: from track 2).
        #[arg(long, requires = "pin")]
        pan: Option<String>,
        /// The PIN the cardholder entered (encrypted at once under the working PIK).
        #[arg(long, requires = "track2")]
        pin: Option<String>,
        /// The chip's data (field 55, hex BER-TLV): a chip card.
        #[arg(long, requires = "track2")]
        icc: Option<String>,
        /// A scanned customer payment code.
        #[arg(long, required_unless_present = "track2")]
        code: Option<String>,
        /// The merchant order number (default: generated, unique in the journal).
        #[arg(long)]
        order: Option<String>,
    },
    /// Shows a code for the customer to scan (WeChat Pay Native, Alipay precreate), waits
    /// for the payment, closes the order when it expires.
    #[command(
        after_help = "Example (from a paywire checkout, with the counterparts of docs/cli.md running):\n  paywire pos show --config examples/pos/pos.toml --amount 8.00 --channel alipay --order DOCS-ALIPAY-1"
    )]
    Show {
        /// The amount in the currency's major units.
        #[arg(long)]
        amount: String,
        /// The wallet.
        #[arg(long, value_enum)]
        channel: ChannelArg,
        /// Draw the code: on standard error, or into --out.
        #[arg(long, value_enum)]
        render: Option<RenderFormat>,
        /// Where the drawing goes.
        #[arg(long, requires = "render")]
        out: Option<PathBuf>,
        /// How long the code may be paid, in seconds.
        #[arg(long, default_value_t = 120)]
        expire: u64,
        /// The merchant order number (default: generated).
        #[arg(long)]
        order: Option<String>,
    },
    /// Voids an approved card sale of the open batch (its ref `TERMINAL:STAN`).
    #[command(
        after_help = "Example (from a paywire checkout, with the counterparts of docs/cli.md running):\n  paywire pos void --config examples/pos/pos.toml --ref 50080001:000002"
    )]
    Void {
        /// The sale's ref.
        #[arg(long = "ref")]
        reference: String,
        /// The card read again (track 2), when the acquirer asks for it.
        #[arg(long)]
        track2: Option<String>,
    },
    /// Refunds an approved payment (all of it, or --amount): a wallet refund, or a card refund
    /// (0220, repeated as 0221 until the host answers).
    #[command(
        after_help = "Example (from a paywire checkout, with the counterparts of docs/cli.md running):\n  paywire pos refund --config examples/pos/pos.toml --ref DOCS-WECHAT-1 --amount 1.00"
    )]
    Refund {
        /// The payment's ref (a wallet payment's order number, a card sale's TERMINAL:STAN).
        #[arg(long = "ref")]
        reference: String,
        /// How much (major units; default: all of it).
        #[arg(long)]
        amount: Option<String>,
        /// The card read again (track 2), for a card refund.
        #[arg(long)]
        track2: Option<String>,
    },
    /// CUPS batch settlement with the journal's totals.
    #[command(
        after_help = "Example (from a paywire checkout, with the counterparts of docs/cli.md running):\n  paywire pos settle --config examples/pos/pos.toml"
    )]
    Settle,
    /// Finishes every unfinished payment in the journal.
    #[command(
        after_help = "Example (from a paywire checkout, with the counterparts of docs/cli.md running):\n  paywire pos recover --config examples/pos/pos.toml"
    )]
    Recover,
    /// Prints every payment in the journal, oldest first.
    #[command(
        after_help = "Example (from a paywire checkout, with the counterparts of docs/cli.md running):\n  paywire pos journal --config examples/pos/pos.toml"
    )]
    Journal,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ChannelArg {
    /// WeChat Pay (API v3 Native).
    Wechat,
    /// Alipay (alipay.trade.precreate).
    Alipay,
    /// Pix (a charge through the PSP's Pix API; the amount in BRL).
    Pix,
}

/// Exits with the code of the payment's outcome. Its line is printed already when it
/// finished; one left unresolved (kept for `recover`) gets its line now.
fn finish(s: &Session, order: &OrderNo) -> CommandOutcome {
    let outcome = s.outcome(order);
    if outcome.is_none()
        && let Some(p) = s.payments()?.iter().find(|p| p.order == order.as_str())
    {
        print(&format!("{}\n", report::line(p, false)))?;
    }
    match report::exit_code(outcome.as_ref()) {
        0 => Ok(()),
        code => Err(Failure::Exit(code)),
    }
}

pub(crate) fn run(args: Args) -> CommandOutcome {
    let path = args
        .config
        .ok_or_else(|| Failure::Usage("--config FILE is required".into()))?;
    let config = Config::load(&path)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("runtime: {e}")))?;
    if let Command::Journal = args.command {
        let journal = SqliteJournal::open(&config.journal).map_err(|_| {
            Failure::Usage(format!(
                "{}: cannot open the journal",
                config.journal.display()
            ))
        })?;
        let records = journal
            .records()
            .map_err(|_| Failure::Usage("cannot read the journal".into()))?;
        for p in report::payments(&records, &config.terminal_id) {
            print(&format!("{}\n", report::line(&p, true)))?;
        }
        return Ok(());
    }
    let mut session = Session::open(config)?;
    runtime.block_on(command(&mut session, args.command))
}

async fn command(s: &mut Session, command: Command) -> CommandOutcome {
    let now = now_ms();
    let journal_error = |e: paywire_pos::Error| Failure::Usage(format!("{e}"));
    match command {
        Command::Journal => Ok(()),
        Command::SignIn => {
            s.card()?.sign_in(now).map_err(journal_error)?;
            s.drive().await?;
            match s.signed_in {
                Some(Ok(())) => {
                    print("{\"kind\":\"sign-in\",\"outcome\":\"approved\",\"code\":\"00\"}\n")
                }
                Some(Err(Some(code))) => {
                    let code = String::from_utf8_lossy(&code).into_owned();
                    print(&format!(
                        "{{\"kind\":\"sign-in\",\"outcome\":\"declined\",\"code\":{}}}\n",
                        serde_json::Value::from(code)
                    ))?;
                    Err(Failure::Exit(3))
                }
                _ => {
                    print("{\"kind\":\"sign-in\",\"outcome\":\"unresolved\",\"code\":\"\"}\n")?;
                    Err(Failure::Exit(5))
                }
            }
        }
        Command::Pay {
            amount,
            track2,
            pan,
            pin,
            icc,
            code,
            order,
        } => {
            let amount = s.amount(&amount)?;
            let order = s.order(order)?;
            let route = code.as_deref().map(wallet::route);
            match (route, code.as_deref()) {
                (Some(Route::Wallet(w)), Some(code)) => {
                    if match w {
                        Wallet::WeChat => s.config.wallets.wechat.is_none(),
                        _ => s.config.wallets.alipay.is_none(),
                    } {
                        return Err(Failure::Usage(format!(
                            "a {} code, and no [{}] in the configuration",
                            w.as_str(),
                            w.as_str()
                        )));
                    }
                    s.wallet
                        .pay(now, order.clone(), amount, code)
                        .map_err(journal_error)?;
                }
                (Some(Route::UnionPay), Some(code)) => {
                    let card = s.card()?;
                    signed_in(card)?;
                    let sale = CardSale {
                        amount,
                        entry: Entry::ScanCode(code),
                        pin: None,
                    };
                    card.purchase(now, order.clone(), &sale)
                        .map_err(journal_error)?;
                }
                (Some(Route::Unsupported(kind)), _) => {
                    return Err(Failure::Rejected(format!(
                        "--code: not a payment code a terminal can charge ({kind:?})"
                    )));
                }
                _ => {
                    let track2 = track2.unwrap_or_default();
                    let icc = match icc {
                        Some(h) => Some(
                            hex::decode(h.trim())
                                .map_err(|_| Failure::Usage("--icc: hexadecimal".into()))?,
                        ),
                        None => None,
                    };
                    let card = s.card()?;
                    signed_in(card)?;
                    let pan_text = pan.unwrap_or_else(|| {
                        track2
                            .split(['=', 'D', 'd'])
                            .next()
                            .unwrap_or_default()
                            .to_owned()
                    });
                    let block = match &pin {
                        Some(pin) => Some(
                            card.pin_block(pin, &pan_text)
                                .map_err(|e| Failure::Usage(format!("--pin / --pan: {e}")))?,
                        ),
                        None => None,
                    };
                    let entry_mode = match (icc.is_some(), block.is_some()) {
                        (false, true) => "021",
                        (false, false) => "022",
                        (true, true) => "051",
                        (true, false) => "052",
                    };
                    let sale = CardSale {
                        amount,
                        entry: Entry::Card {
                            pan: None,
                            track2: Some(&track2),
                            sequence: None,
                            icc: icc.as_deref(),
                            entry_mode,
                        },
                        pin: block.as_ref().map(|b| Pin {
                            block: b.as_bytes(),
                            capture_code: "06",
                            security: "2600000000000000",
                        }),
                    };
                    card.purchase(now, order.clone(), &sale)
                        .map_err(journal_error)?;
                }
            }
            s.drive().await?;
            finish(s, &order)
        }
        Command::Show {
            amount,
            channel,
            render,
            out,
            expire,
            order,
        } => {
            let wallet = match channel {
                ChannelArg::Wechat => Wallet::WeChat,
                ChannelArg::Alipay => Wallet::Alipay,
                ChannelArg::Pix => Wallet::Pix,
            };
            // In the wallet's currency (CNY; BRL for Pix).
            let amount = Amount {
                minor: minor_units(&amount)?,
                currency: wallet.currency(),
            };
            let configured = match wallet {
                Wallet::WeChat => s.config.wallets.wechat_native.is_some(),
                Wallet::Pix => s.config.wallets.pix.is_some(),
                _ => s.config.wallets.alipay.is_some(),
            };
            if !configured {
                return Err(Failure::Usage(format!(
                    "no {} shown codes in the configuration ([wechat] needs the v3_* keys)",
                    wallet.as_str()
                )));
            }
            let order = match (order, wallet) {
                // A Pix charge's txid: 26 to 35 letters and digits.
                (None, Wallet::Pix) => s.order_padded(26)?,
                (order, _) => s.order(order)?,
            };
            s.render = render.map(|format| (format, out));
            s.wallet
                .show(
                    now,
                    order.clone(),
                    amount,
                    wallet,
                    expire.saturating_mul(1000),
                )
                .map_err(journal_error)?;
            s.drive().await?;
            finish(s, &order)
        }
        Command::Void { reference, track2 } => {
            let payments = s.payments()?;
            let original = payments
                .iter()
                .find(|p| {
                    p.reference == reference
                        && p.kind == "sale"
                        && p.channel != "wechat"
                        && p.channel != "alipay"
                })
                .ok_or_else(|| {
                    Failure::Usage(format!("--ref {reference}: no card sale with that ref"))
                })?;
            let original = OrderNo::new(&original.order).map_err(journal_error)?;
            let mut orders = TimeOrders::new(&s.config.terminal_id)?;
            let card = s.card()?;
            signed_in(card)?;
            let order = card.new_order_no(&mut orders).map_err(journal_error)?;
            card.void(
                now,
                order.clone(),
                &original,
                card_entry(track2.as_deref()),
                None,
            )
            .map_err(|e| Failure::Rejected(format!("--ref {reference}: {e}")))?;
            s.drive().await?;
            finish(s, &order)
        }
        Command::Refund {
            reference,
            amount,
            track2,
        } => {
            let payments = s.payments()?;
            let original = payments
                .iter()
                .find(|p| p.reference == reference && p.kind == "sale")
                .ok_or_else(|| Failure::Usage(format!("--ref {reference}: no sale with that ref")))?
                .clone();
            let minor = match amount {
                Some(a) => minor_units(&a)?,
                None => original.amount,
            };
            let original_order = OrderNo::new(&original.order).map_err(journal_error)?;
            if original.channel == "cups" || original.channel == "unionpay-qr" {
                let mut orders = TimeOrders::new(&s.config.terminal_id)?;
                let currency = s.config.currency;
                let card = s.card()?;
                signed_in(card)?;
                let order = card.new_order_no(&mut orders).map_err(journal_error)?;
                let refund = CardRefund {
                    amount: Amount { minor, currency },
                    entry: card_entry(track2.as_deref()),
                    of: RefundOf::Order(&original_order),
                };
                card.refund(now, order.clone(), &refund)
                    .map_err(|e| Failure::Rejected(format!("--ref {reference}: {e}")))?;
                s.drive().await?;
                return finish(s, &order);
            }
            let order = s
                .wallet
                .new_order_no(&mut TimeOrders::new(&s.config.terminal_id)?)
                .map_err(journal_error)?;
            s.wallet
                .refund(
                    now,
                    order.clone(),
                    &original_order,
                    Amount {
                        minor,
                        currency: s.config.currency,
                    },
                )
                .map_err(|e| Failure::Rejected(format!("--ref {reference}: {e}")))?;
            s.drive().await?;
            finish(s, &order)
        }
        Command::Settle => {
            let card = s.card()?;
            signed_in(card)?;
            // Pending reversals first: a batch with a payment unresolved cannot be settled.
            card.retry_reversals(now).map_err(journal_error)?;
            s.drive().await?;
            let card = s.card()?;
            card.settle(now_ms(), "201")
                .map_err(|e| Failure::Rejected(format!("settle: {e}")))?;
            s.drive().await?;
            match s.settled {
                Some(Some((balanced, totals))) => {
                    print(&format!(
                        "{{\"kind\":\"settle\",\"outcome\":\"{}\",\"count\":{},\"amount\":{}}}\n",
                        if balanced { "balanced" } else { "unbalanced" },
                        totals.debit_count,
                        totals.debit_amount
                    ))?;
                    if balanced {
                        Ok(())
                    } else {
                        Err(Failure::Exit(3))
                    }
                }
                _ => {
                    print(
                        "{\"kind\":\"settle\",\"outcome\":\"unresolved\",\"count\":0,\"amount\":0}\n",
                    )?;
                    Err(Failure::Exit(5))
                }
            }
        }
        Command::Recover => {
            if let Some(card) = &mut s.card {
                card.retry_reversals(now).map_err(journal_error)?;
            }
            s.wallet.retry_undos(now).map_err(journal_error)?;
            s.drive().await?;
            let unresolved = s.payments()?.iter().filter(|p| p.outcome.is_none()).count();
            if unresolved == 0 {
                Ok(())
            } else {
                eprintln!("paywire pos: {unresolved} payment(s) still unresolved");
                Err(Failure::Exit(5))
            }
        }
    }
}

/// A card payment needs the working keys of a sign-in.
fn signed_in(card: &CardTerminal<Shared>) -> CommandOutcome {
    if card.is_signed_in() {
        Ok(())
    } else {
        Err(Failure::Usage(
            "not signed in: run `paywire pos --config … sign-in` first".into(),
        ))
    }
}

/// The card as a void or a refund reads it again: its track 2 when swiped, otherwise the sale's
/// references alone (entry mode `012`, as keyed).
fn card_entry(track2: Option<&str>) -> Entry<'_> {
    Entry::Card {
        pan: None,
        track2,
        sequence: None,
        icc: None,
        entry_mode: if track2.is_some() { "022" } else { "012" },
    }
}
