//! The terminals on their journal and their connections: opening them, taking their events
//! (lines printed, approvals completed, codes shown) and driving both over the CUPS link and
//! HTTP until neither has anything to send or wait for.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use paywire_pos::wallet;
use paywire_pos::{
    Amount, CardTerminal, Event, Journal as _, Nonces, OrderNo, OrderNumbers, Outcome,
    SqliteJournal, WalletTerminal,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use super::config::Config;
use super::report;
use crate::emvqr::{EccArg, RenderFormat};
use crate::{Failure, Outcome as CommandOutcome, print};

pub(super) type Shared = Rc<RefCell<SqliteJournal>>;

/// Unix milliseconds.
pub(super) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Nonces from the operating system's random source.
pub(super) struct OsNonces;

impl Nonces for OsNonces {
    fn nonce(&mut self) -> String {
        paywire_wechat_pay::v3::nonce().unwrap_or_else(|_| format!("N{}", now_ms()))
    }
}

/// Order numbers: the terminal id, Unix milliseconds and a counter — unique across the
/// merchant's terminals, as the wallets require (the terminal skips any its journal holds).
pub(super) struct TimeOrders {
    prefix: String,
    counter: u32,
    last: OrderNo,
}

impl TimeOrders {
    pub(super) fn new(terminal_id: &str) -> Result<Self, Failure> {
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

/// Order numbers of at least `.1` characters: `.0`'s, zeros in front.
struct Padded(TimeOrders, usize);

impl OrderNumbers for Padded {
    fn next_order_no(&mut self) -> OrderNo {
        let order = self.0.next_order_no();
        let len = self.1;
        OrderNo::new(&format!("{:0>len$}", order.as_str())).unwrap_or(order)
    }
}

/// `12.34` → 1234 (two decimals at most; the currencies the terminal uses have two).
pub(super) fn minor_units(text: &str) -> Result<u64, Failure> {
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
pub(super) fn crash_point(point: &str) {
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
pub(super) struct Session {
    pub(super) config: Config,
    pub(super) journal: Shared,
    pub(super) card: Option<CardTerminal<Shared>>,
    pub(super) wallet: WalletTerminal<Shared, OsNonces>,
    pub(super) link: Option<TcpStream>,
    pub(super) http: reqwest::Client,
    pub(super) http_with_certificate: Option<reqwest::Client>,
    /// The client for the Pix PSP (with the merchant's certificate when configured).
    pub(super) http_pix: Option<reqwest::Client>,
    /// The Pix API's access token, once fetched in this process.
    pub(super) pix_token: Option<String>,
    /// Set by a sign-in's answer: approved, or the refusal's code (`None`: no answer).
    pub(super) signed_in: Option<Result<(), Option<[u8; 2]>>>,
    /// Set by a settlement's answer.
    pub(super) settled: Option<Option<(bool, paywire_unionpay::txn::Totals)>>,
    /// Where to draw a shown code (`show --render`).
    pub(super) render: Option<(RenderFormat, Option<PathBuf>)>,
}

impl Session {
    pub(super) fn open(config: Config) -> Result<Self, Failure> {
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
        let http_pix = match config.pix_token.as_ref().and_then(|t| t.identity.as_ref()) {
            Some(identity) => Some(client(Some(
                reqwest::Identity::from_pem(&identity.pem)
                    .map_err(|e| Failure::Usage(format!("pix client certificate: {e}")))?,
            ))?),
            None => None,
        };
        Ok(Self {
            http: client(None)?,
            http_with_certificate,
            http_pix,
            pix_token: None,
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
    pub(super) fn amount(&self, text: &str) -> Result<Amount, Failure> {
        Ok(Amount {
            minor: minor_units(text)?,
            currency: self.config.currency,
        })
    }

    /// `--order`, or a new order number the journal does not hold.
    pub(super) fn order(&self, given: Option<String>) -> Result<OrderNo, Failure> {
        match given {
            Some(o) => OrderNo::new(&o)
                .map_err(|_| Failure::Usage(format!("--order {o}: 1–32 of A-Z a-z 0-9 _ -"))),
            None => self
                .wallet
                .new_order_no(&mut TimeOrders::new(&self.config.terminal_id)?)
                .map_err(|e| Failure::Usage(e.to_string())),
        }
    }

    /// A new order number of at least `len` letters and digits (a Pix txid): a generated one
    /// with zeros in front.
    pub(super) fn order_padded(&self, len: usize) -> Result<OrderNo, Failure> {
        let mut orders = Padded(TimeOrders::new(&self.config.terminal_id)?, len);
        self.wallet
            .new_order_no(&mut orders)
            .map_err(|e| Failure::Usage(e.to_string()))
    }

    pub(super) fn card(&mut self) -> Result<&mut CardTerminal<Shared>, Failure> {
        self.card
            .as_mut()
            .ok_or_else(|| Failure::Usage("no [cups] in the configuration".into()))
    }

    pub(super) fn payments(&self) -> Result<Vec<report::Payment>, Failure> {
        let records = self
            .journal
            .borrow()
            .records()
            .map_err(|_| Failure::Usage("cannot read the journal".into()))?;
        Ok(report::payments(&records, &self.config.terminal_id))
    }

    /// Prints the line of the payment `order` (just finished).
    pub(super) fn print_finished(&self, order: &OrderNo) -> CommandOutcome {
        if let Some(p) = self.payments()?.iter().find(|p| p.order == order.as_str()) {
            print(&format!("{}\n", report::line(p, false)))?;
        }
        Ok(())
    }

    /// The outcome of `order` now.
    pub(super) fn outcome(&self, order: &OrderNo) -> Option<Outcome> {
        self.card
            .as_ref()
            .and_then(|c| c.outcome(order))
            .or_else(|| self.wallet.outcome(order))
            .cloned()
    }

    /// Takes the terminals' events: prints finished payments, completes approvals, shows
    /// codes.
    pub(super) fn events(&mut self) -> CommandOutcome {
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
    pub(super) async fn drive(&mut self) -> CommandOutcome {
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
            if let Some(mut request) = self.wallet.poll_transmit() {
                if request.wallet == paywire_pos::Wallet::Pix && self.pix_token.is_none() {
                    // The PSP's token, fetched for the first Pix request of the process.
                    if let Some(token) = self.fetch_pix_token().await {
                        self.wallet.set_pix_access_token(&token);
                        for (name, value) in &mut request.headers {
                            if *name == "Authorization" {
                                *value = format!("Bearer {token}");
                            }
                        }
                        self.pix_token = Some(token);
                    }
                }
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
    pub(super) async fn cups_exchange(&mut self, bytes: &[u8], deadline: u64) -> Option<Vec<u8>> {
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

    /// The Pix PSP's OAuth 2.0 access token (client credentials, RFC 6749 §4.4: the client's
    /// id and secret in basic authentication, `grant_type=client_credentials`), or `None`
    /// (said on standard error) when the PSP gives none.
    async fn fetch_pix_token(&self) -> Option<String> {
        let token = self.config.pix_token.as_ref()?;
        let client = self.http_pix.as_ref().unwrap_or(&self.http);
        let answer = client
            .post(&token.url)
            .basic_auth(&token.client_id, Some(&token.client_secret))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .timeout(Duration::from_millis(self.config.answer_timeout))
            .send()
            .await;
        let body = match answer {
            Ok(r) if r.status().is_success() => r.bytes().await.ok()?,
            Ok(r) => {
                eprintln!("paywire pos: pix token: {}", r.status());
                return None;
            }
            Err(e) => {
                eprintln!("paywire pos: pix token: {e}");
                return None;
            }
        };
        let value: serde_json::Value = serde_json::from_slice(&body).ok()?;
        value
            .get("access_token")
            .and_then(serde_json::Value::as_str)
            .map(String::from)
    }

    /// Sends a wallet request; its answer, or `None` when none came before its deadline.
    pub(super) async fn http_exchange(
        &mut self,
        request: &wallet::HttpRequest,
    ) -> Option<(u16, Vec<(String, String)>, Vec<u8>)> {
        let client = match (&self.http_with_certificate, request.client_certificate) {
            (Some(with), true) => with,
            _ if request.wallet == paywire_pos::Wallet::Pix => {
                self.http_pix.as_ref().unwrap_or(&self.http)
            }
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
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let body = response.bytes().await.ok()?.to_vec();
        Some((status, headers, body))
    }
}

pub(super) async fn sleep_until(at: u64) {
    let wait = at.saturating_sub(now_ms());
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}
