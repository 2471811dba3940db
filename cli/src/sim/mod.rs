//! `paywire sim`: local counterparts for terminals under test (contract: docs/cli.md).
//!
//! Each counterpart is written as the other side of `paywire-pos`: what the real one checks
//! (sign-in state, MACs and signatures, duplicate STANs and order numbers, an undo matching
//! its original), it checks. What they share lives here: the fault list, the ledger, the
//! listener and the `--requests` limit.
//! - `cups`: the UnionPay POS host (TCP, CUPS framing).
//! - `wechat`, `alipay`: the wallets over HTTP/1.1 (hyper), on top of `wallet`'s orders.
//! - `pix`: a Brazilian PSP's Pix API (shown codes), likewise.

mod alipay;
mod cups;
mod http;
mod pix;
mod wallet;
mod wechat;

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use clap::Subcommand;
use tokio::net::TcpListener;

use crate::{Failure, Outcome};

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// The UnionPay POS host: CUPS framing over TCP, sign-in, sales, voids, refunds,
    /// reversals and settlement, every MAC checked, a ledger of money events.
    #[command(after_help = concat!("Example:\n  ", r##"paywire sim cups --listen 127.0.0.1:0 --tmk 70F2A84CCBC2AE8625CBB0F2C22AB923 --requests 0"##))]
    Cups {
        /// Where to listen (`HOST:PORT`; port 0 picks a free one).
        #[arg(long)]
        listen: String,
        /// The terminal master key (hex, 16 or 32 digits): sign-in keys are sent under it.
        #[arg(long)]
        tmk: String,
        #[command(flatten)]
        common: Common,
    },
    /// WeChat Pay over HTTP: API v2 payment codes (micropay, orderquery, reverse,
    /// closeorder, refund; XML signed with the API key) and, with the `--v3-*` keys, API v3
    /// Native orders (shown codes).
    #[command(after_help = concat!("Example:\n  ", r##"paywire sim wechat --listen 127.0.0.1:0 --mch-id 10000100 --key 192006250b4c09247ec02edce69f6a2d --requests 0"##))]
    Wechat {
        /// Where to listen (`HOST:PORT`; port 0 picks a free one).
        #[arg(long)]
        listen: String,
        /// The merchant id (`mch_id` / `mchid`) requests must carry.
        #[arg(long)]
        mch_id: String,
        /// The API v2 key: requests' signatures are checked and answers signed with it.
        #[arg(long)]
        key: String,
        /// API v3: the merchant's public key (PEM) that checks requests' `Authorization`.
        #[arg(long, requires_all = ["v3_platform_private_key", "v3_platform_serial"])]
        v3_mch_public_key: Option<PathBuf>,
        /// API v3: the platform's private key (PEM) that signs answers.
        #[arg(long, requires_all = ["v3_mch_public_key", "v3_platform_serial"])]
        v3_platform_private_key: Option<PathBuf>,
        /// API v3: the platform key's serial (or public key id), sent as `Wechatpay-Serial`.
        #[arg(long, requires_all = ["v3_mch_public_key", "v3_platform_private_key"])]
        v3_platform_serial: Option<String>,
        #[command(flatten)]
        tls: Tls,
        #[command(flatten)]
        common: Common,
    },
    /// The Alipay OpenAPI gateway over HTTP: trade.pay, query, cancel, precreate, close and
    /// refund as form posts, RSA2 request signatures checked, answers signed.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire sim alipay --listen 127.0.0.1:0 --app-id 2014072300007148 --app-public-key alipay/tests/keys/app-public-key.pem --alipay-private-key pos/tests/keys/sim-alipay-private.pem --requests 0"##))]
    Alipay {
        /// Where to listen (`HOST:PORT`; port 0 picks a free one).
        #[arg(long)]
        listen: String,
        /// The application id (`app_id`) requests must carry.
        #[arg(long)]
        app_id: String,
        /// The application's public key (PEM or the bare base64 body): checks requests.
        #[arg(long)]
        app_public_key: PathBuf,
        /// The gateway's private key (PEM): signs answers.
        #[arg(long)]
        alipay_private_key: PathBuf,
        #[command(flatten)]
        tls: Tls,
        #[command(flatten)]
        common: Common,
    },
    /// A PSP's Pix API over HTTP (shown codes in Brazil): the OAuth 2.0 token, charges
    /// created (PUT /cob/{txid}), read (GET) and removed (PATCH), the bearer token checked.
    #[command(after_help = concat!("Example:
  ", r##"paywire sim pix --listen 127.0.0.1:0 --client-id pos --client-secret s3cret --requests 0"##))]
    Pix {
        /// Where to listen (`HOST:PORT`; port 0 picks a free one).
        #[arg(long)]
        listen: String,
        /// The client id the token endpoint takes …
        #[arg(long)]
        client_id: String,
        /// … with this secret.
        #[arg(long)]
        client_secret: String,
        /// The access token it hands out and requires.
        #[arg(long, default_value = "pix-sim-access-token")]
        token: String,
        /// The host (and path) of the charges' payload locations.
        #[arg(long, default_value = "pix.paywire.example")]
        location_host: String,
        #[command(flatten)]
        tls: Tls,
        #[command(flatten)]
        common: Common,
    },
}

/// HTTPS for the wallets' counterparts.
#[derive(clap::Args, Debug)]
pub(crate) struct Tls {
    /// Speak HTTPS with this certificate chain (PEM) …
    #[arg(long, requires = "tls_key")]
    tls_certificate: Option<PathBuf>,
    /// … and its private key (PEM).
    #[arg(long, requires = "tls_certificate")]
    tls_key: Option<PathBuf>,
    /// Ask for a client certificate and accept those this CA (PEM) signed (WeChat Pay's
    /// `/secapi/` endpoints refuse requests without one).
    #[arg(long, requires = "tls_certificate")]
    client_ca: Option<PathBuf>,
}

impl Tls {
    fn config(&self) -> Result<Option<std::sync::Arc<rustls::ServerConfig>>, Failure> {
        match (&self.tls_certificate, &self.tls_key) {
            (Some(certificate), Some(key)) => {
                http::tls_config(certificate, key, self.client_ca.as_deref()).map(Some)
            }
            _ => Ok(None),
        }
    }
}

/// What every counterpart takes besides its address and keys.
#[derive(clap::Args, Debug)]
pub(crate) struct Common {
    /// Append one JSON line per money event to this file.
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// Faults, comma-separated `KIND:OPERATION[@N]`: drop, close, delay=SECONDS, dup,
    /// badmac; OPERATION a CUPS MTI (0800, 0200, 0220, 0400, 0500) or a wallet operation
    /// (micropay, orderquery, reverse, closeorder, refund, native, v3query, v3close; pay,
    /// query, cancel, precreate, close, refund; token, create, query, remove).
    #[arg(long)]
    faults: Option<String>,
    /// Exit after this many requests (0: as soon as it listens).
    #[arg(long)]
    requests: Option<u64>,
}

pub(crate) fn run(command: Command) -> Outcome {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("runtime: {e}")))?;
    match command {
        Command::Cups {
            listen,
            tmk,
            common,
        } => {
            let (ledger, faults) = common.open("cups", &cups::OPERATIONS)?;
            let host = cups::Host::new(&tmk, ledger, faults)?;
            runtime.block_on(cups::serve(&listen, host, common.requests))
        }
        Command::Wechat {
            listen,
            mch_id,
            key,
            v3_mch_public_key,
            v3_platform_private_key,
            v3_platform_serial,
            tls,
            common,
        } => {
            let (ledger, faults) = common.open("wechat", &wechat::OPERATIONS)?;
            let v3 = match (
                v3_mch_public_key,
                v3_platform_private_key,
                v3_platform_serial,
            ) {
                (Some(public), Some(private), Some(serial)) => {
                    Some(wechat::V3::load(&public, &private, &serial)?)
                }
                _ => None,
            };
            let wallet = wechat::Wechat::new(mch_id, key, v3, ledger, tls.client_ca.is_some());
            let tls = tls.config()?;
            runtime.block_on(http::serve(&listen, wallet, faults, common.requests, tls))
        }
        Command::Alipay {
            listen,
            app_id,
            app_public_key,
            alipay_private_key,
            tls,
            common,
        } => {
            let (ledger, faults) = common.open("alipay", &alipay::OPERATIONS)?;
            let wallet =
                alipay::Alipay::load(app_id, &app_public_key, &alipay_private_key, ledger)?;
            let tls = tls.config()?;
            runtime.block_on(http::serve(&listen, wallet, faults, common.requests, tls))
        }
        Command::Pix {
            listen,
            client_id,
            client_secret,
            token,
            location_host,
            tls,
            common,
        } => {
            let (ledger, faults) = common.open("pix", &pix::OPERATIONS)?;
            let psp = pix::Pix::new(client_id, client_secret, token, location_host, ledger);
            let tls = tls.config()?;
            runtime.block_on(http::serve(&listen, psp, faults, common.requests, tls))
        }
    }
}

impl Common {
    /// The ledger file (opened for appending) and the parsed fault list.
    fn open(
        &self,
        channel: &'static str,
        operations: &[&str],
    ) -> Result<(Ledger, Faults), Failure> {
        let file = match &self.ledger {
            Some(path) => Some(open_append(path)?),
            None => None,
        };
        let faults = match &self.faults {
            Some(list) => Faults::parse(list, operations)?,
            None => Faults::default(),
        };
        Ok((Ledger { channel, file }, faults))
    }
}

fn open_append(path: &Path) -> Result<File, Failure> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))
}

/// What a fault does to the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Read the request, never answer, keep the connection.
    Drop,
    /// Close the connection without answering.
    Close,
    /// Answer after this many seconds.
    Delay(u64),
    /// Answer twice.
    Dup,
    /// Answer with a wrong MAC or signature.
    BadMac,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Fault {
    kind: Kind,
    operation: String,
    nth: Option<u64>,
}

/// The `--faults` list and how many requests of each operation have been seen.
#[derive(Debug, Default)]
pub(super) struct Faults {
    list: Vec<Fault>,
    counts: BTreeMap<String, u64>,
}

impl Faults {
    fn parse(list: &str, operations: &[&str]) -> Result<Self, Failure> {
        let bad = |item: &str| {
            Failure::Usage(format!(
                "--faults: `{item}` is not KIND:OPERATION[@N] (operations: {})",
                operations.join(", ")
            ))
        };
        let mut out = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (kind, rest) = item.split_once(':').ok_or_else(|| bad(item))?;
            let kind = match kind {
                "drop" => Kind::Drop,
                "close" => Kind::Close,
                "dup" => Kind::Dup,
                "badmac" => Kind::BadMac,
                delay => Kind::Delay(
                    delay
                        .strip_prefix("delay=")
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| bad(item))?,
                ),
            };
            let (operation, nth) = match rest.split_once('@') {
                Some((op, n)) => (op, Some(n.parse::<u64>().map_err(|_| bad(item))?)),
                None => (rest, None),
            };
            if !operations.contains(&operation) {
                return Err(bad(item));
            }
            out.push(Fault {
                kind,
                operation: operation.into(),
                nth,
            });
        }
        Ok(Self {
            list: out,
            counts: BTreeMap::new(),
        })
    }

    /// Counts a request of `operation`; the fault for it (the `n`-th since start), if any.
    pub(super) fn next(&mut self, operation: &str) -> Option<Kind> {
        let count = self.counts.entry(operation.into()).or_insert(0);
        *count = count.saturating_add(1);
        let n = *count;
        self.list
            .iter()
            .find(|f| f.operation == operation && f.nth.is_none_or(|k| k == n))
            .map(|f| f.kind)
    }
}

/// The ledger of money events: one JSON line each, flushed before the answer leaves.
pub(super) struct Ledger {
    channel: &'static str,
    file: Option<File>,
}

impl Ledger {
    /// Appends `{"channel","event","ref","amount"}` (the contract's key order).
    pub(super) fn event(&mut self, event: &str, reference: &str, amount: u64) {
        let reference = serde_json::Value::from(reference);
        let line = format!(
            r#"{{"channel":"{}","event":"{event}","ref":{reference},"amount":{amount}}}"#,
            self.channel
        );
        eprintln!("sim {}: {line}", self.channel);
        if let Some(file) = &mut self.file {
            // The whole line in one write: counterparts sharing a ledger file (opened for
            // appending) never interleave their lines (`writeln!` may write the line and its
            // newline separately; the soak test caught two lines run together).
            let mut whole = line.into_bytes();
            whole.push(b'\n');
            let _ = file.write_all(&whole).and_then(|()| file.flush());
        }
    }
}

/// Binds `listen` and prints `listening HOST:PORT` once ready.
pub(super) async fn bind(listen: &str) -> Result<TcpListener, Failure> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| Failure::Usage(format!("--listen {listen}: {e}")))?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::Usage(format!("--listen {listen}: {e}")))?;
    println!("listening {address}");
    let _ = std::io::stdout().flush();
    Ok(listener)
}

/// Listens on `listen` (printing `listening HOST:PORT`) and hands every connection to
/// `spawn`, until the `--requests` limit is reached (at once for 0).
pub(super) async fn accept_loop(
    listen: &str,
    name: &str,
    requests: Option<u64>,
    mut spawn: impl FnMut(tokio::net::TcpStream, std::sync::Arc<Limit>),
) -> Outcome {
    let listener = bind(listen).await?;
    if requests == Some(0) {
        return Ok(());
    }
    let limit = std::sync::Arc::new(Limit::new(requests));
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                match accepted {
                    Ok((socket, peer)) => {
                        eprintln!("sim {name}: connection from {peer}");
                        spawn(socket, limit.clone());
                    }
                    Err(e) => {
                        // Out of file descriptors, say: wait instead of spinning.
                        eprintln!("sim {name}: accept: {e}");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                }
            }
            () = limit.reached() => {
                // Let the last answer leave before the runtime stops.
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                return Ok(());
            }
        }
    }
}

/// The `--requests N` limit: the N-th request served ends the server.
pub(super) struct Limit {
    served: AtomicU64,
    requests: Option<u64>,
    done: tokio::sync::Notify,
}

impl Limit {
    pub(super) fn new(requests: Option<u64>) -> Self {
        Self {
            served: AtomicU64::new(0),
            requests,
            done: tokio::sync::Notify::new(),
        }
    }

    /// Counts one request served.
    pub(super) fn count(&self) {
        let n = self.served.fetch_add(1, Ordering::SeqCst).saturating_add(1);
        if self.requests.is_some_and(|limit| n >= limit) {
            self.done.notify_one();
        }
    }

    /// Resolves once the limit is reached.
    pub(super) async fn reached(&self) {
        self.done.notified().await;
    }
}
