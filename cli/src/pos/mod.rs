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

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Subcommand, ValueEnum};
use paywire_pos::wallet::{self, Route};
use paywire_pos::{
    Amount, CardSale, CardTerminal, Event, Journal as _, Nonces, OrderNo, OrderNumbers, Outcome,
    SqliteJournal, Wallet, WalletTerminal,
};
use paywire_unionpay::txn::{Entry, Pin};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use self::config::Config;
use crate::emvqr::{EccArg, RenderFormat};
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
    /// Refunds an approved wallet payment (all of it, or --amount).
    #[command(
        after_help = "Example (from a paywire checkout, with the counterparts of docs/cli.md running):\n  paywire pos refund --config examples/pos/pos.toml --ref DOCS-WECHAT-1 --amount 1.00"
    )]
    Refund {
        /// The payment's ref (a wallet payment's order number).
        #[arg(long = "ref")]
        reference: String,
        /// How much (major units; default: all of it).
        #[arg(long)]
        amount: Option<String>,
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
}

type Shared = Rc<RefCell<SqliteJournal>>;

/// Unix milliseconds.
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Nonces from the operating system's random source.
struct OsNonces;

impl Nonces for OsNonces {
    fn nonce(&mut self) -> String {
        paywire_wechat_pay::v3::nonce().unwrap_or_else(|_| format!("N{}", now_ms()))
    }
}

/// Order numbers: the terminal id, Unix milliseconds and a counter — unique across the
/// merchant's terminals, as the wallets require (the terminal skips any its journal holds).
struct TimeOrders {
    prefix: String,
    counter: u32,
    last: OrderNo,
}

impl TimeOrders {
    fn new(terminal_id: &str) -> Result<Self, Failure> {
        // The terminal id's letters and digits (8 in CUPS), at most 16 of them.
        let prefix: String = terminal_id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(16)
            .collect();
        Ok(Self {
            last: OrderNo::new(&format!("{prefix}0")).map_err(|e| Failure::Usage(e.to_string()))?,
            prefix,
            counter: 0,
        })
    }
}

impl OrderNumbers for TimeOrders {
    fn next_order_no(&mut self) -> OrderNo {
        self.counter = self.counter.wrapping_add(1);
        let text = format!("{}{}{:02}", self.prefix, now_ms(), self.counter % 100);
        // Always valid (letters and digits, at most 31 characters); were it not, the last
        // number again, which the terminal refuses as taken.
        if let Ok(order) = OrderNo::new(&text) {
            self.last = order;
        }
        self.last.clone()
    }
}

/// `12.34` → 1234 (two decimals at most; the currencies the terminal uses have two).
fn minor_units(text: &str) -> Result<u64, Failure> {
    let bad = || Failure::Usage(format!("--amount {text}: a decimal amount like 12.34"));
    let (units, cents) = text.split_once('.').unwrap_or((text, ""));
    if units.is_empty()
        || cents.len() > 2
        || !units
            .bytes()
            .chain(cents.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let cents = format!("{cents:0<2}");
    let minor = units
        .parse::<u64>()
        .ok()
        .and_then(|u| u.checked_mul(100))
        .and_then(|u| u.checked_add(cents.parse().ok()?))
        .ok_or_else(bad)?;
    if minor == 0 {
        return Err(bad());
    }
    Ok(minor)
}

/// A test hook: `PAYWIRE_POS_CRASH=POINT@N` sends the process SIGKILL at the N-th time it
/// reaches POINT (`sent`: a request has left; `answer`: an answer arrived, before the
/// terminal — and its journal — see it; `completing`: an approval before it is completed).
/// The crash tests use it to hit the instants between two steps exactly.
fn crash_point(point: &str) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNT: [AtomicU32; 3] = [AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0)];
    let Ok(setting) = std::env::var("PAYWIRE_POS_CRASH") else {
        return;
    };
    let (name, nth) = setting.split_once('@').unwrap_or((setting.as_str(), "1"));
    let slot = match point {
        "sent" => &COUNT[0],
        "answer" => &COUNT[1],
        _ => &COUNT[2],
    };
    let n = slot.fetch_add(1, Ordering::SeqCst).saturating_add(1);
    if name == point && nth.parse::<u32>().is_ok_and(|k| k == n) {
        eprintln!("paywire pos: PAYWIRE_POS_CRASH={setting}: killing myself");
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &std::process::id().to_string()])
            .status();
        std::thread::sleep(Duration::from_secs(60));
    }
}

/// The terminals on their journal and their connections.
struct Session {
    config: Config,
    journal: Shared,
    card: Option<CardTerminal<Shared>>,
    wallet: WalletTerminal<Shared, OsNonces>,
    link: Option<TcpStream>,
    http: reqwest::Client,
    http_with_certificate: Option<reqwest::Client>,
    /// Set by a sign-in's answer: approved, or the refusal's code (`None`: no answer).
    signed_in: Option<Result<(), Option<[u8; 2]>>>,
    /// Set by a settlement's answer.
    settled: Option<Option<(bool, paywire_unionpay::txn::Totals)>>,
    /// Where to draw a shown code (`show --render`).
    render: Option<(RenderFormat, Option<PathBuf>)>,
}

impl Session {
    fn open(config: Config) -> Result<Self, Failure> {
        let journal = SqliteJournal::open(&config.journal).map_err(|_| {
            Failure::Usage(format!(
                "{}: cannot open the journal",
                config.journal.display()
            ))
        })?;
        let journal: Shared = Rc::new(RefCell::new(journal));
        let card = match &config.cups {
            Some(cups) => Some(
                CardTerminal::open(cups.card.clone(), cups.tmk.clone(), journal.clone())
                    .map_err(|e| Failure::Usage(format!("journal: {e}")))?,
            ),
            None => None,
        };
        let wallet =
            WalletTerminal::open(config.wallets.clone(), journal.clone(), OsNonces, now_ms())
                .map_err(|e| Failure::Usage(format!("journal: {e}")))?;
        let roots = match &config.ca_certificate {
            Some(pem) => reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| Failure::Usage(format!("ca_certificate: {e}")))?,
            None => Vec::new(),
        };
        let client = |identity: Option<reqwest::Identity>| {
            let mut builder = reqwest::Client::builder().use_rustls_tls();
            for root in &roots {
                builder = builder.add_root_certificate(root.clone());
            }
            if let Some(identity) = identity {
                builder = builder.identity(identity);
            }
            builder
                .build()
                .map_err(|e| Failure::Usage(format!("HTTP client: {e}")))
        };
        let http_with_certificate = match &config.wechat_identity {
            Some(identity) => Some(client(Some(
                reqwest::Identity::from_pem(&identity.pem)
                    .map_err(|e| Failure::Usage(format!("wechat client certificate: {e}")))?,
            ))?),
            None => None,
        };
        Ok(Self {
            http: client(None)?,
            http_with_certificate,
            config,
            journal,
            card,
            wallet,
            link: None,
            signed_in: None,
            settled: None,
            render: None,
        })
    }

    /// `--amount` in the configured currency.
    fn amount(&self, text: &str) -> Result<Amount, Failure> {
        Ok(Amount {
            minor: minor_units(text)?,
            currency: self.config.currency,
        })
    }

    /// `--order`, or a new order number the journal does not hold.
    fn order(&self, given: Option<String>) -> Result<OrderNo, Failure> {
        match given {
            Some(o) => OrderNo::new(&o)
                .map_err(|_| Failure::Usage(format!("--order {o}: 1–32 of A-Z a-z 0-9 _ -"))),
            None => self
                .wallet
                .new_order_no(&mut TimeOrders::new(&self.config.terminal_id)?)
                .map_err(|e| Failure::Usage(e.to_string())),
        }
    }

    fn card(&mut self) -> Result<&mut CardTerminal<Shared>, Failure> {
        self.card
            .as_mut()
            .ok_or_else(|| Failure::Usage("no [cups] in the configuration".into()))
    }

    fn payments(&self) -> Result<Vec<report::Payment>, Failure> {
        let records = self
            .journal
            .borrow()
            .records()
            .map_err(|_| Failure::Usage("cannot read the journal".into()))?;
        Ok(report::payments(&records, &self.config.terminal_id))
    }

    /// Prints the line of the payment `order` (just finished).
    fn print_finished(&self, order: &OrderNo) -> CommandOutcome {
        if let Some(p) = self.payments()?.iter().find(|p| p.order == order.as_str()) {
            print(&format!("{}\n", report::line(p, false)))?;
        }
        Ok(())
    }

    /// The outcome of `order` now.
    fn outcome(&self, order: &OrderNo) -> Option<Outcome> {
        self.card
            .as_ref()
            .and_then(|c| c.outcome(order))
            .or_else(|| self.wallet.outcome(order))
            .cloned()
    }

    /// Takes the terminals' events: prints finished payments, completes approvals, shows
    /// codes.
    fn events(&mut self) -> CommandOutcome {
        let mut finished = Vec::new();
        if let Some(card) = &mut self.card {
            while let Some(event) = card.poll_event() {
                match event {
                    Event::Finished { order, .. } => finished.push(order),
                    Event::AwaitingCompletion { order, .. } => {
                        // The sale is complete once its line can be printed: a terminal
                        // killed before this point reverses it (96) when it recovers.
                        crash_point("completing");
                        card.complete(now_ms(), &order)
                            .map_err(|e| Failure::Usage(format!("journal: {e}")))?;
                    }
                    Event::SignedIn => self.signed_in = Some(Ok(())),
                    Event::SignInFailed(code) => self.signed_in = Some(Err(code)),
                    Event::Settled {
                        balanced, totals, ..
                    } => self.settled = Some(Some((balanced, totals))),
                    Event::SettlementFailed => self.settled = Some(None),
                    other => eprintln!("paywire pos: {other:?}"),
                }
            }
        }
        while let Some(event) = self.wallet.poll_event() {
            match event {
                wallet::Event::Finished { order, .. } => finished.push(order),
                wallet::Event::ShowCode { order, code } => {
                    let line = format!(
                        "{{\"ref\":{},\"qr\":{}}}\n",
                        serde_json::Value::from(order.as_str()),
                        serde_json::Value::from(code.as_str())
                    );
                    print(&line)?;
                    if let Some((format, out)) = &self.render {
                        let drawing = crate::emvqr::render_code(&code, *format, EccArg::M)?;
                        match out {
                            Some(path) => std::fs::write(path, drawing)
                                .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?,
                            None => eprint!("{}", String::from_utf8_lossy(&drawing)),
                        }
                    }
                }
                wallet::Event::CustomerPaying { order } => {
                    eprintln!("paywire pos: {order}: the customer is confirming the payment");
                }
                other => eprintln!("paywire pos: {other:?}"),
            }
        }
        for order in finished {
            self.print_finished(&order)?;
        }
        Ok(())
    }

    /// Runs both terminals until neither has anything to send or wait for.
    async fn drive(&mut self) -> CommandOutcome {
        loop {
            self.events()?;
            if let Some(tx) = self.card.as_mut().and_then(CardTerminal::poll_transmit) {
                let answer = self.cups_exchange(&tx.bytes, tx.deadline).await;
                let card = self.card()?;
                match answer {
                    Some(frame) => {
                        crash_point("answer");
                        card.handle_response(now_ms(), &frame)
                    }
                    None => card.handle_timeout(now_ms().max(tx.deadline)),
                }
                .map_err(|e| Failure::Usage(format!("journal: {e}")))?;
                continue;
            }
            if let Some(request) = self.wallet.poll_transmit() {
                let answer = self.http_exchange(&request).await;
                match answer {
                    Some((status, headers, body)) => {
                        crash_point("answer");
                        let headers: Vec<(&str, &str)> = headers
                            .iter()
                            .map(|(k, v)| (k.as_str(), v.as_str()))
                            .collect();
                        let response = wallet::Response {
                            status,
                            headers: &headers,
                            body: &body,
                        };
                        self.wallet.handle_response(now_ms(), request.id, &response)
                    }
                    None => {
                        sleep_until(request.deadline).await;
                        self.wallet.handle_timeout(now_ms().max(request.deadline))
                    }
                }
                .map_err(|e| Failure::Usage(format!("journal: {e}")))?;
                continue;
            }
            let next = [
                self.card.as_ref().and_then(CardTerminal::poll_timeout),
                self.wallet.poll_timeout(),
            ]
            .into_iter()
            .flatten()
            .min();
            let Some(at) = next else {
                return self.events();
            };
            sleep_until(at).await;
            let now = now_ms();
            if let Some(card) = &mut self.card {
                card.handle_timeout(now)
                    .map_err(|e| Failure::Usage(format!("journal: {e}")))?;
            }
            self.wallet
                .handle_timeout(now)
                .map_err(|e| Failure::Usage(format!("journal: {e}")))?;
        }
    }

    /// Sends a CUPS frame and reads one frame back. It waits until the request's deadline,
    /// and at least the answer timeout from when the request left (a deadline set when the
    /// request was made may be close by then: a slow journal write, a busy machine). No answer
    /// in time, or a broken connection: `None` (the connection is dropped; the next request
    /// opens a new one, so a late answer cannot be taken for the next one's).
    async fn cups_exchange(&mut self, bytes: &[u8], deadline: u64) -> Option<Vec<u8>> {
        let cups = self.config.cups.as_ref()?;
        let address = cups.address.clone();
        let wait = Duration::from_millis(
            deadline
                .saturating_sub(now_ms())
                .max(cups.card.response_timeout),
        );
        let exchange = async {
            if self.link.is_none() {
                self.link = Some(TcpStream::connect(&address).await.ok()?);
            }
            let link = self.link.as_mut()?;
            link.write_all(bytes).await.ok()?;
            crash_point("sent");
            let mut length = [0u8; 2];
            link.read_exact(&mut length).await.ok()?;
            let mut frame = length.to_vec();
            frame.resize(usize::from(u16::from_be_bytes(length)).saturating_add(2), 0);
            link.read_exact(frame.get_mut(2..)?).await.ok()?;
            Some(frame)
        };
        let answer = tokio::time::timeout(wait, exchange).await.ok().flatten();
        if answer.is_none() {
            self.link = None;
            sleep_until(deadline).await;
        }
        answer
    }

    /// Sends a wallet request; its answer, or `None` when none came before its deadline.
    async fn http_exchange(
        &mut self,
        request: &wallet::HttpRequest,
    ) -> Option<(u16, Vec<(String, String)>, Vec<u8>)> {
        let client = match (&self.http_with_certificate, request.client_certificate) {
            (Some(with), true) => with,
            _ => &self.http,
        };
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).ok()?;
        let mut builder = client
            .request(method, &request.url)
            // Until the deadline, and at least the answer timeout from now (as for CUPS).
            .timeout(Duration::from_millis(
                request
                    .deadline
                    .saturating_sub(now_ms())
                    .max(self.config.answer_timeout),
            ))
            .body(request.body.clone());
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let send = builder.send();
        crash_point("sent");
        let response = match send.await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("paywire pos: {} {}: {e}", request.method, request.url);
                return None;
            }
        };
        let status = response.status().as_u16();
        let label = self.config.wechat_platform_label.as_deref();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter_map(|(k, v)| {
                let name = k.as_str().to_owned();
                let value = v.to_str().ok()?.to_owned();
                // One platform key configured without its serial: it checks every answer.
                match label {
                    Some(label)
                        if request.wallet == Wallet::WeChat
                            && name.eq_ignore_ascii_case("wechatpay-serial") =>
                    {
                        Some((name, label.to_owned()))
                    }
                    _ => Some((name, value)),
                }
            })
            .collect();
        let body = response.bytes().await.ok()?.to_vec();
        Some((status, headers, body))
    }
}

async fn sleep_until(at: u64) {
    let wait = at.saturating_sub(now_ms());
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
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
            let amount = s.amount(&amount)?;
            let wallet = match channel {
                ChannelArg::Wechat => Wallet::WeChat,
                ChannelArg::Alipay => Wallet::Alipay,
            };
            let configured = match wallet {
                Wallet::WeChat => s.config.wallets.wechat_native.is_some(),
                _ => s.config.wallets.alipay.is_some(),
            };
            if !configured {
                return Err(Failure::Usage(format!(
                    "no {} shown codes in the configuration ([wechat] needs the v3_* keys)",
                    wallet.as_str()
                )));
            }
            let order = s.order(order)?;
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
            let entry = Entry::Card {
                pan: None,
                track2: track2.as_deref(),
                sequence: None,
                icc: None,
                entry_mode: if track2.is_some() { "022" } else { "012" },
            };
            card.void(now, order.clone(), &original, entry, None)
                .map_err(|e| Failure::Rejected(format!("--ref {reference}: {e}")))?;
            s.drive().await?;
            finish(s, &order)
        }
        Command::Refund { reference, amount } => {
            let payments = s.payments()?;
            let original = payments
                .iter()
                .find(|p| p.reference == reference && p.kind == "sale")
                .ok_or_else(|| Failure::Usage(format!("--ref {reference}: no sale with that ref")))?
                .clone();
            if original.channel == "cups" || original.channel == "unionpay-qr" {
                return Err(Failure::Usage(
                    "card refunds (0220) are not built yet: void the sale while its batch is open"
                        .into(),
                ));
            }
            let minor = match amount {
                Some(a) => minor_units(&a)?,
                None => original.amount,
            };
            let original_order = OrderNo::new(&original.order).map_err(journal_error)?;
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
