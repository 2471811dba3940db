//! `paywire pos` end to end on loopback: the three counterparts (`paywire sim cups|wechat|
//! alipay`) started as processes, the terminal run as a process per command on its SQLite
//! journal, and every outcome checked against the counterparts' ledgers — the tour (sign-in,
//! card sales stripe and chip with PIN, scanned WeChat / Alipay / UnionPay codes, shown
//! codes, void, refund, settlement), slow and never-paying customers, faults on the
//! operations, SIGKILL at the instants between steps followed by `recover`, and a short soak
//! of several terminals against one host (`PAYWIRE_POS_SOAK_SECONDS` for a long one).
//!
//! The invariant after every scenario: for every ref, the ledgers' net charge (charges
//! minus reversals, cancels and voids) equals what the journal says was approved (sales
//! minus approved voids), and the refunds match — nothing charged twice, nothing lost.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod support;

use support::{Sim, TempDir, sim};

const TMK: &str = "70F2A84CCBC2AE8625CBB0F2C22AB923";
const MCH_ID: &str = "10000100";
const API_KEY: &str = "192006250b4c09247ec02edce69f6a2d";
const APP_ID: &str = "2014072300007148";
const WECHAT_CODE: &str = "134567890123456789";
const ALIPAY_CODE: &str = "286543210987654321";
const UNIONPAY_CODE: &str = "6223456789012345678";
const TRACK2: &str = "6222021234567890123D2512";
const PAN: &str = "6222021234567890123";

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
        .to_str()
        .unwrap()
        .to_owned()
}

/// The soak takes this for writing; every other test for reading.
static HEAVY: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Faults per counterpart.
#[derive(Default, Clone)]
struct Faults {
    cups: String,
    wechat: String,
    alipay: String,
    pix: String,
}

/// The counterparts, their ledgers and a terminal's configuration.
struct World {
    /// Held while the test runs: the soak waits for it.
    _turn: Option<std::sync::RwLockReadGuard<'static, ()>>,
    dir: TempDir,
    _sims: Vec<Sim>,
    config: PathBuf,
}

/// Writes a terminal's configuration: `addresses` of the CUPS host, WeChat Pay, Alipay and
/// the Pix PSP.
fn write_config(path: &Path, tid: &str, addresses: [&str; 4], journal: &str) {
    let [cups, wechat, alipay, pix] = addresses;
    let text = format!(
        r#"terminal_id = "{tid}"
merchant_id = "309310083985008"
journal = "{journal}"
{TIMING}
[cups]
address = "{cups}"
tmk = "{TMK}"

[wechat]
url = "http://{wechat}"
app_id = "wx2421b1c4370ec43b"
mch_id = "{MCH_ID}"
key = "{API_KEY}"
v3_private_key = "{}"
v3_serial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
v3_platform_public_key = "{}"

[alipay]
url = "http://{alipay}/gateway.do"
app_id = "{APP_ID}"
app_private_key = "{}"
alipay_public_key = "{}"

[pix]
url = "http://{pix}/api/v2"
token_url = "http://{pix}/oauth/token"
client_id = "pos"
client_secret = "s3cret"
key = "7d9f0335-8dcc-4054-9bf9-0dbd61d36906"
merchant_name = "LOJA EXEMPLO"
merchant_city = "SAO PAULO"
"#,
        repo("cli/tests/keys/wechat-merchant-private.pem"),
        repo("cli/tests/keys/wechat-platform-public.pem"),
        repo("alipay/tests/keys/app-private-key.pem"),
        repo("pos/tests/keys/sim-alipay-public.pem"),
    );
    std::fs::write(path, text).unwrap();
}

/// The terminal's timing in the tests: answers within 1 s, polling every 0.3 s for 2 s.
const TIMING: &str = "timeout_seconds = 1\npoll_interval_seconds = 0.3\npoll_limit_seconds = 2\n";

impl World {
    /// Counterparts for one test, which runs alongside the others (not the soak).
    fn new(faults: &Faults) -> Self {
        let turn = HEAVY
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Self {
            _turn: Some(turn),
            ..Self::started(faults)
        }
    }

    fn started(faults: &Faults) -> Self {
        let dir = TempDir::new("pos-cli");
        let ledger = dir.0.join("ledger.jsonl");
        let ledger = ledger.to_str().unwrap().to_owned();
        let with_faults = |mut args: Vec<String>, faults: &str| {
            args.extend(["--ledger".into(), ledger.clone()]);
            if !faults.is_empty() {
                args.extend(["--faults".into(), faults.into()]);
            }
            args
        };
        let cups = sim(&with_faults(
            ["cups", "--listen", "127.0.0.1:0", "--tmk", TMK]
                .map(String::from)
                .to_vec(),
            &faults.cups,
        ));
        let wechat = sim(&with_faults(
            vec![
                "wechat".into(),
                "--listen".into(),
                "127.0.0.1:0".into(),
                "--mch-id".into(),
                MCH_ID.into(),
                "--key".into(),
                API_KEY.into(),
                "--v3-mch-public-key".into(),
                repo("cli/tests/keys/wechat-merchant-public.pem"),
                "--v3-platform-private-key".into(),
                repo("cli/tests/keys/wechat-platform-private.pem"),
                "--v3-platform-serial".into(),
                "PUB_KEY_ID_SIM".into(),
            ],
            &faults.wechat,
        ));
        let alipay = sim(&with_faults(
            vec![
                "alipay".into(),
                "--listen".into(),
                "127.0.0.1:0".into(),
                "--app-id".into(),
                APP_ID.into(),
                "--app-public-key".into(),
                repo("alipay/tests/keys/app-public-key.pem"),
                "--alipay-private-key".into(),
                repo("pos/tests/keys/sim-alipay-private.pem"),
            ],
            &faults.alipay,
        ));
        let pix = sim(&with_faults(
            [
                "pix",
                "--listen",
                "127.0.0.1:0",
                "--client-id",
                "pos",
                "--client-secret",
                "s3cret",
            ]
            .map(String::from)
            .to_vec(),
            &faults.pix,
        ));
        let config = dir.0.join("pos.toml");
        let addresses = [
            &cups.address,
            &wechat.address,
            &alipay.address,
            &pix.address,
        ]
        .map(String::as_str);
        write_config(&config, "50080001", addresses, "pos.journal");
        Self {
            _turn: None,
            config,
            _sims: vec![cups, wechat, alipay, pix],
            dir,
        }
    }

    /// Runs `paywire pos --config … ARGS`: exit code and the JSON lines printed.
    fn pos(&self, args: &[&str]) -> (i32, Vec<Value>) {
        self.pos_env(args, &[])
    }

    /// The standard output of `paywire pos --config … ARGS`, as printed.
    fn raw(&self, args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_paywire"))
            .args(["pos", "--config", self.config.to_str().unwrap()])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    }

    fn pos_env(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, Vec<Value>) {
        let out = Command::new(env!("CARGO_BIN_EXE_paywire"))
            .args(["pos", "--config", self.config.to_str().unwrap()])
            .args(args)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        // The terminal's diagnostics, shown with a failing test's output.
        eprint!(
            "paywire pos {args:?}: exit {:?}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        let lines = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
            .collect();
        (out.status.code().unwrap_or(-9), lines)
    }

    fn ledger(&self) -> Vec<Value> {
        std::fs::read_to_string(self.dir.0.join("ledger.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The invariant: per ref, the ledgers' net charge equals the journal's approved sales
    /// minus approved voids, and the refunds agree; every payment is final.
    fn check(&self) {
        let (code, journal) = self.pos(&["journal"]);
        assert_eq!(code, 0);
        let mut expected: BTreeMap<String, i64> = BTreeMap::new();
        let mut expected_refunds: BTreeMap<String, i64> = BTreeMap::new();
        for line in &journal {
            assert_ne!(line["outcome"], "unresolved", "{line}");
            if line["outcome"] != "approved" {
                continue;
            }
            let reference = line["ref"].as_str().unwrap().to_owned();
            let amount = line["amount"].as_i64().unwrap();
            match line["kind"].as_str().unwrap() {
                "sale" => *expected.entry(reference).or_default() += amount,
                "void" => *expected.entry(reference).or_default() -= amount,
                "refund" => *expected_refunds.entry(reference).or_default() += amount,
                other => panic!("kind {other}"),
            }
        }
        let mut net: BTreeMap<String, i64> = BTreeMap::new();
        let mut refunds: BTreeMap<String, i64> = BTreeMap::new();
        for line in self.ledger() {
            let reference = line["ref"].as_str().unwrap().to_owned();
            let amount = line["amount"].as_i64().unwrap();
            match line["event"].as_str().unwrap() {
                "charge" => *net.entry(reference).or_default() += amount,
                "reverse" | "cancel" | "void" => *net.entry(reference).or_default() -= amount,
                "refund" => *refunds.entry(reference).or_default() += amount,
                other => panic!("event {other}"),
            }
        }
        expected.retain(|_, v| *v != 0);
        net.retain(|_, v| *v != 0);
        assert_eq!(
            net,
            expected,
            "ledger vs journal\njournal: {journal:#?}\nledger: {:#?}",
            self.ledger()
        );
        assert_eq!(refunds, expected_refunds, "refunds");
    }
}

fn field<'a>(line: &'a Value, name: &str) -> &'a str {
    line[name].as_str().unwrap_or_default()
}

/// The tour of the contract: every command once, every outcome against the ledgers.
#[test]
fn the_tour_agrees_with_the_ledgers() {
    let w = World::new(&Faults::default());
    // A card sale before the sign-in: a usage error.
    assert_eq!(w.pos(&["pay", "--amount", "1.00", "--track2", TRACK2]).0, 2);
    let (code, lines) = w.pos(&["sign-in"]);
    assert_eq!((code, field(&lines[0], "outcome")), (0, "approved"));

    let (code, lines) = w.pos(&[
        "pay", "--amount", "12.34", "--track2", TRACK2, "--pan", PAN, "--pin", "123456",
    ]);
    assert_eq!(code, 0, "{lines:?}");
    assert_eq!(lines.len(), 1);
    let stripe = &lines[0];
    assert_eq!(field(stripe, "ref"), "50080001:000002");
    assert_eq!(
        (
            field(stripe, "channel"),
            field(stripe, "kind"),
            stripe["amount"].as_u64(),
            field(stripe, "outcome"),
            field(stripe, "code")
        ),
        ("cups", "sale", Some(1234), "approved", "00")
    );
    // Keys in the contract's order (as printed; `journal` adds `state` last).
    let text = w.raw(&["journal"]);
    let keys = [
        "ref", "channel", "kind", "amount", "outcome", "code", "message", "state",
    ];
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| text.find(&format!("\"{k}\"")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|p| p[0] < p[1]), "{text}");
    let (code, lines) = w.pos(&[
        "pay",
        "--amount",
        "20.00",
        "--icc",
        "9F2608A1B2C3D4E5F60718",
        "--track2",
        TRACK2,
        "--pin",
        "1234",
    ]);
    assert_eq!((code, field(&lines[0], "outcome")), (0, "approved"));
    let (code, lines) = w.pos(&["pay", "--amount", "0.51", "--track2", TRACK2]);
    assert_eq!(
        (code, field(&lines[0], "outcome"), field(&lines[0], "code")),
        (3, "declined", "51")
    );
    let (code, lines) = w.pos(&[
        "pay", "--amount", "1.55", "--track2", TRACK2, "--pin", "000000",
    ]);
    assert_eq!((code, field(&lines[0], "code")), (3, "55"));

    let (code, lines) = w.pos(&["pay", "--amount", "3.00", "--code", WECHAT_CODE]);
    assert_eq!(
        (code, field(&lines[0], "channel"), field(&lines[0], "code")),
        (0, "wechat", "SUCCESS")
    );
    let wechat_ref = field(&lines[0], "ref").to_owned();
    let (code, lines) = w.pos(&[
        "pay",
        "--amount",
        "4.00",
        "--code",
        ALIPAY_CODE,
        "--order",
        "TOUR-ALIPAY-1",
    ]);
    assert_eq!(
        (code, field(&lines[0], "ref"), field(&lines[0], "code")),
        (0, "TOUR-ALIPAY-1", "10000")
    );
    let (code, lines) = w.pos(&["pay", "--amount", "5.00", "--code", UNIONPAY_CODE]);
    assert_eq!((code, field(&lines[0], "channel")), (0, "unionpay-qr"));
    assert!(field(&lines[0], "ref").starts_with("50080001:"));
    // A declined wallet payment: the wallet's code.
    let (code, lines) = w.pos(&["pay", "--amount", "6.51", "--code", ALIPAY_CODE]);
    assert_eq!(
        (code, field(&lines[0], "code")),
        (3, "ACQ.BUYER_BALANCE_NOT_ENOUGH")
    );
    // An order number used before: refused before anything is sent.
    assert_eq!(
        w.pos(&[
            "pay",
            "--amount",
            "4.00",
            "--code",
            ALIPAY_CODE,
            "--order",
            "TOUR-ALIPAY-1"
        ])
        .0,
        2
    );

    for channel in ["wechat", "alipay"] {
        let png = w.dir.0.join(format!("{channel}.png"));
        let (code, lines) = w.pos(&[
            "show",
            "--amount",
            "7.00",
            "--channel",
            channel,
            "--render",
            "png",
            "--out",
            png.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{lines:?}");
        assert_eq!(lines.len(), 2, "{lines:?}");
        let qr = field(&lines[0], "qr");
        assert!(
            qr.starts_with(if channel == "wechat" {
                "weixin://"
            } else {
                "https://qr.alipay.com/"
            }),
            "{qr}"
        );
        assert_eq!(field(&lines[0], "ref"), field(&lines[1], "ref"));
        assert_eq!(
            (field(&lines[1], "channel"), field(&lines[1], "outcome")),
            (channel, "approved")
        );
        assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    }
    // A shown code nobody pays: closed when it expires (exit 4, undone).
    let (code, lines) = w.pos(&[
        "show",
        "--amount",
        "7.78",
        "--channel",
        "alipay",
        "--expire",
        "1",
    ]);
    assert_eq!(
        (code, field(&lines[1], "outcome")),
        (4, "undone"),
        "{lines:?}"
    );

    let (code, lines) = w.pos(&["void", "--ref", "50080001:000002"]);
    assert_eq!(
        (code, field(&lines[0], "kind"), field(&lines[0], "ref")),
        (0, "void", "50080001:000002")
    );
    // Voided once only.
    assert_eq!(w.pos(&["void", "--ref", "50080001:000002"]).0, 1);
    let (code, lines) = w.pos(&["refund", "--ref", &wechat_ref, "--amount", "1.00"]);
    assert_eq!(
        (
            code,
            field(&lines[0], "kind"),
            field(&lines[0], "ref"),
            lines[0]["amount"].as_u64()
        ),
        (0, "refund", wechat_ref.as_str(), Some(100))
    );
    let (code, lines) = w.pos(&["refund", "--ref", "TOUR-ALIPAY-1"]);
    assert_eq!((code, lines[0]["amount"].as_u64()), (0, Some(400)));

    // Settlement: the approved card sales net of the void (20.00 chip + 5.00 code).
    let (code, lines) = w.pos(&["settle"]);
    assert_eq!(code, 0, "{lines:?}");
    assert_eq!(
        lines[0],
        serde_json::json!({"kind": "settle", "outcome": "balanced", "count": 2, "amount": 2500})
    );

    let (code, journal) = w.pos(&["journal"]);
    assert_eq!(code, 0);
    assert!(journal.iter().all(|l| l["state"] == "final"), "{journal:?}");
    assert_eq!(journal.len(), 14, "{journal:#?}");
    assert_eq!(w.pos(&["recover"]).0, 0);
    w.check();
}

/// The customer who confirms after three queries is approved; the one who never pays is
/// reversed (WeChat Pay, no sooner than 15 s after paying) or cancelled (Alipay): undone,
/// exit 4, nothing charged.
#[test]
fn slow_and_never_paying_customers() {
    let w = World::new(&Faults::default());
    for code in [WECHAT_CODE, ALIPAY_CODE] {
        let (exit, lines) = w.pos(&["pay", "--amount", "2.77", "--code", code]);
        assert_eq!(
            (exit, field(&lines[0], "outcome")),
            (0, "approved"),
            "{lines:?}"
        );
    }
    let started = Instant::now();
    let (exit, lines) = w.pos(&["pay", "--amount", "2.78", "--code", WECHAT_CODE]);
    assert_eq!(
        (exit, field(&lines[0], "outcome")),
        (4, "undone"),
        "{lines:?}"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(15),
        "reversed too soon"
    );
    let (exit, lines) = w.pos(&["pay", "--amount", "2.78", "--code", ALIPAY_CODE]);
    assert_eq!(
        (exit, field(&lines[0], "outcome")),
        (4, "undone"),
        "{lines:?}"
    );
    w.check();
}

/// Each fault kind on the sale of each channel (the first such request): the command ends
/// with an outcome the ledgers agree with, or leaves it to `recover`, which finishes it.
#[test]
fn faults_on_each_channel_end_in_agreement() {
    let kinds = ["drop", "close", "delay=2", "dup", "badmac"];
    for kind in kinds {
        let faults = Faults {
            cups: format!("{kind}:0200@1"),
            wechat: format!("{kind}:micropay@1"),
            alipay: format!("{kind}:pay@1"),
            pix: String::new(),
        };
        let w = World::new(&faults);
        assert_eq!(w.pos(&["sign-in"]).0, 0);
        for args in [
            vec!["pay", "--amount", "1.00", "--track2", TRACK2],
            vec!["pay", "--amount", "2.00", "--code", WECHAT_CODE],
            vec!["pay", "--amount", "3.00", "--code", ALIPAY_CODE],
            vec!["pay", "--amount", "4.00", "--track2", TRACK2],
        ] {
            let (exit, lines) = w.pos(&args);
            assert!(
                [0, 3, 4, 5].contains(&exit),
                "{kind} {args:?}: {exit} {lines:?}"
            );
        }
        let (exit, _) = w.pos(&["recover"]);
        assert_eq!(exit, 0, "{kind}");
        w.check();
    }
}

/// Card refunds (0220): partial refunds up to what the sale charged, each fault kind on the
/// refund's first send (the terminal repeats it as a 0221 under the same STAN), a refunded sale
/// not voidable, and the refunds settled as credits; the ledger holds each refund once.
#[test]
fn card_refunds_under_every_fault() {
    for kind in ["drop", "close", "delay=2", "dup", "badmac"] {
        let w = World::new(&Faults {
            cups: format!("{kind}:0220@1"),
            ..Faults::default()
        });
        assert_eq!(w.pos(&["sign-in"]).0, 0);
        let (exit, lines) = w.pos(&["pay", "--amount", "10.00", "--track2", TRACK2]);
        assert_eq!(exit, 0, "{lines:?}");
        let sale = field(&lines[0], "ref").to_owned();
        assert_eq!(sale, "50080001:000002");
        let refund = |amount: &str| {
            w.pos(&[
                "refund", "--ref", &sale, "--amount", amount, "--track2", TRACK2,
            ])
        };
        let (exit, lines) = refund("3.00");
        assert_eq!(exit, 0, "{kind}: {lines:?}");
        assert_eq!(
            (
                field(&lines[0], "ref"),
                field(&lines[0], "kind"),
                field(&lines[0], "channel"),
                lines[0]["amount"].as_i64()
            ),
            (sale.as_str(), "refund", "cups", Some(300))
        );
        // More than is left of the sale is refused before anything is sent.
        assert_eq!(refund("7.01").0, 1, "{kind}");
        assert_eq!(refund("7.00").0, 0, "{kind}");
        // A refunded sale is not voided.
        assert_eq!(w.pos(&["void", "--ref", &sale]).0, 1, "{kind}");
        let (exit, lines) = w.pos(&["settle"]);
        assert_eq!(exit, 0, "{kind}: {lines:?}");
        assert_eq!(field(&lines[0], "outcome"), "balanced");
        let refunds: Vec<i64> = w
            .ledger()
            .iter()
            .filter(|l| l["event"] == "refund")
            .map(|l| l["amount"].as_i64().unwrap())
            .collect();
        assert_eq!(refunds, [300, 700], "{kind}: each refund once");
        w.check();
    }
}

/// SIGKILL right after a card refund left: `recover` repeats it (0221); the host, which took
/// it, answers it as the refund it took and refunds nothing more.
#[test]
fn sigkill_after_a_card_refund_left() {
    let w = World::new(&Faults::default());
    assert_eq!(w.pos(&["sign-in"]).0, 0);
    let (exit, _) = w.pos(&["pay", "--amount", "5.00", "--track2", TRACK2]);
    assert_eq!(exit, 0);
    let (exit, _) = w.pos_env(
        &["refund", "--ref", "50080001:000002", "--track2", TRACK2],
        &[("PAYWIRE_POS_CRASH", "sent@1")],
    );
    assert_eq!(exit, -9, "the process must have been killed");
    let (_, journal) = w.pos(&["journal"]);
    assert_eq!(
        (field(&journal[1], "kind"), field(&journal[1], "outcome")),
        ("refund", "unresolved")
    );
    let (exit, lines) = w.pos(&["recover"]);
    assert_eq!(exit, 0, "{lines:?}");
    assert_eq!(
        (field(&lines[0], "kind"), field(&lines[0], "outcome")),
        ("refund", "approved")
    );
    let refunds = w.ledger().iter().filter(|l| l["event"] == "refund").count();
    assert_eq!(refunds, 1);
    w.check();
}

/// Pix shown codes (a dynamic EMVCo code through the PSP's Pix API): paid at once, paid
/// slowly (77), never paid (78: removed when it expires), each fault kind on each of the API's
/// operations (the token, the charge's creation, its queries, its removal); whatever a command
/// leaves unresolved, `recover` finishes; the PSP's ledger agrees with the journal.
#[test]
fn pix_shown_codes_under_every_fault() {
    for kind in ["none", "drop", "close", "delay=2", "dup", "badmac"] {
        for operation in ["token", "create", "query", "remove"] {
            let pix = if kind == "none" {
                String::new()
            } else {
                format!("{kind}:{operation}@1")
            };
            let w = World::new(&Faults {
                pix,
                ..Faults::default()
            });
            // Every amount once; under a fault, the one whose flow has that operation.
            let all = [("10.00", 0), ("10.77", 0), ("10.78", 4)];
            let amounts: &[(&str, i32)] = match (kind, operation) {
                ("none", _) => &all,
                (_, "remove") => &all[2..],
                _ => &all[..1],
            };
            for &(amount, expected) in amounts {
                let (exit, lines) = w.pos(&[
                    "show",
                    "--channel",
                    "pix",
                    "--amount",
                    amount,
                    "--expire",
                    "3",
                ]);
                let code = lines.first().map(|l| field(l, "qr").to_owned());
                if kind == "none" {
                    assert_eq!(exit, expected, "{amount}: {lines:?}");
                    // The code shown: a dynamic Pix code (single use) pointing at the charge.
                    let code = code.unwrap();
                    assert!(code.starts_with("00020101021226"), "{code}");
                    assert!(code.contains("br.gov.bcb.pix"), "{code}");
                } else {
                    // Without a token the PSP refuses the charge (declined, nothing created).
                    let allowed: &[i32] = if operation == "token" {
                        &[0, 3, 4, 5]
                    } else {
                        &[0, 4, 5]
                    };
                    assert!(
                        allowed.contains(&exit),
                        "{kind}:{operation} {amount}: {lines:?}"
                    );
                }
            }
            let (exit, lines) = w.pos(&["recover"]);
            assert_eq!(exit, 0, "{kind}:{operation}: {lines:?}");
            w.check();
            if kind == "none" {
                let charged: Vec<i64> = w
                    .ledger()
                    .iter()
                    .filter(|l| l["channel"] == "pix")
                    .map(|l| l["amount"].as_i64().unwrap())
                    .collect();
                assert_eq!(charged, [1000, 1077]);
                break;
            }
        }
    }
}

/// SIGKILL while a Pix charge is out (after its creation's answer; after a query's), then
/// `recover`: the charge is polled until paid or removed, and the ledger agrees.
#[test]
fn sigkill_during_a_pix_charge_then_recover() {
    for (point, amount) in [
        ("answer@2", "3.00"),
        ("answer@3", "3.77"),
        ("sent@2", "3.78"),
    ] {
        let w = World::new(&Faults::default());
        let (exit, _) = w.pos_env(
            &[
                "show",
                "--channel",
                "pix",
                "--amount",
                amount,
                "--expire",
                "3",
            ],
            &[("PAYWIRE_POS_CRASH", point)],
        );
        assert_eq!(exit, -9, "{point}: the process must have been killed");
        let (exit, lines) = w.pos(&["recover"]);
        assert_eq!(exit, 0, "{point}: {lines:?}");
        w.check();
    }
}

/// A reversal that gets no answer stays pending (the sale is unresolved, exit 5), goes out
/// before the next sale, and `recover` finishes whatever is left.
#[test]
fn a_lost_reversal_is_finished_by_the_next_command() {
    let faults = Faults {
        cups: "drop:0200@1,drop:0400@1,drop:0400@2,drop:0400@3".into(),
        ..Faults::default()
    };
    let w = World::new(&faults);
    assert_eq!(w.pos(&["sign-in"]).0, 0);
    let (exit, lines) = w.pos(&["pay", "--amount", "1.00", "--track2", TRACK2]);
    assert_eq!(exit, 5, "{lines:?}");
    assert_eq!(field(&lines[0], "outcome"), "unresolved");
    let (_, journal) = w.pos(&["journal"]);
    assert_eq!(field(&journal[0], "state"), "reversing");
    // The next sale sends the pending reversal first and prints its line first.
    let (exit, lines) = w.pos(&["pay", "--amount", "2.00", "--track2", TRACK2]);
    assert_eq!(exit, 0, "{lines:?}");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        (
            field(&lines[0], "ref"),
            field(&lines[0], "outcome"),
            field(&lines[0], "code")
        ),
        ("50080001:000002", "undone", "00")
    );
    assert_eq!(field(&lines[1], "outcome"), "approved");
    assert_eq!(w.pos(&["recover"]).0, 0);
    w.check();
}

/// SIGKILL at the instants between steps, then `recover`: nothing lost, nothing charged
/// twice. `PAYWIRE_POS_CRASH` kills the process exactly there: after a request left
/// (`sent`), after an answer arrived but before the journal saw it (`answer`), after an
/// approval before its completion (`completing`).
#[test]
fn sigkill_at_every_step_then_recover() {
    // `@N` counts within the one process: its first request is the payment's.
    let cases: [(&str, &[&str]); 10] = [
        // A card sale: after it left; after its answer came, before the journal saw it;
        // approved but not completed.
        ("sent@1", &["pay", "--amount", "1.00", "--track2", TRACK2]),
        ("answer@1", &["pay", "--amount", "1.00", "--track2", TRACK2]),
        (
            "completing@1",
            &["pay", "--amount", "1.00", "--track2", TRACK2],
        ),
        (
            "sent@1",
            &["pay", "--amount", "1.00", "--code", UNIONPAY_CODE],
        ),
        // Payment codes: after the pay left; after its answer; while polling a slow payer.
        (
            "sent@1",
            &["pay", "--amount", "2.00", "--code", WECHAT_CODE],
        ),
        (
            "answer@1",
            &["pay", "--amount", "2.00", "--code", WECHAT_CODE],
        ),
        (
            "sent@1",
            &["pay", "--amount", "3.00", "--code", ALIPAY_CODE],
        ),
        (
            "answer@2",
            &["pay", "--amount", "3.77", "--code", ALIPAY_CODE],
        ),
        // A shown code: after its creation's answer; after a query's.
        (
            "answer@1",
            &["show", "--amount", "4.00", "--channel", "wechat"],
        ),
        (
            "answer@2",
            &["show", "--amount", "4.00", "--channel", "alipay"],
        ),
    ];
    for (point, args) in cases {
        let w = World::new(&Faults::default());
        assert_eq!(w.pos(&["sign-in"]).0, 0);
        let (exit, _) = w.pos_env(args, &[("PAYWIRE_POS_CRASH", point)]);
        assert_eq!(
            exit, -9,
            "{point} {args:?}: the process must have been killed"
        );
        let (exit, lines) = w.pos(&["recover"]);
        assert_eq!(exit, 0, "{point} {args:?}: {lines:?}");
        w.check();
        // The payment is final now, and a second recover has nothing to do.
        let (exit, lines) = w.pos(&["recover"]);
        assert_eq!((exit, lines.len()), (0, 0), "{point}");
    }
}

/// SIGKILL from outside while the host delays its answer, and during a reversal.
#[test]
fn sigkill_during_a_delayed_answer_and_during_a_reversal() {
    for cups in ["delay=3:0200@1", "drop:0200@1,delay=3:0400@1"] {
        let w = World::new(&Faults {
            cups: cups.into(),
            ..Faults::default()
        });
        assert_eq!(w.pos(&["sign-in"]).0, 0);
        let mut child = Command::new(env!("CARGO_BIN_EXE_paywire"))
            .args([
                "pos",
                "--config",
                w.config.to_str().unwrap(),
                "pay",
                "--amount",
                "1.00",
                "--track2",
                TRACK2,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The sale (or, after its lost answer at 1 s, the reversal) is in the host's hands.
        std::thread::sleep(Duration::from_millis(if cups.contains("0400") {
            1_600
        } else {
            800
        }));
        child.kill().unwrap();
        child.wait().unwrap();
        std::thread::sleep(Duration::from_secs(3));
        let (exit, lines) = w.pos(&["recover"]);
        assert_eq!(exit, 0, "{cups}: {lines:?}");
        assert_eq!(field(&lines[0], "outcome"), "undone", "{cups}: {lines:?}");
        w.check();
    }
}

/// Several terminals (one journal each) against one host and one of each wallet, with
/// faults sprinkled over the operations, for a bounded time; then every terminal recovers
/// and the ledgers must agree with every journal. Prints the throughput.
#[test]
fn soak_many_terminals_against_one_host() {
    // Alone: its load must not starve the other tests' one-second answer timeouts.
    let _alone = HEAVY
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let seconds: u64 = std::env::var("PAYWIRE_POS_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    let faults = Faults {
        cups: "drop:0200@5,close:0200@11,dup:0200@17,badmac:0200@23,delay=2:0200@29,drop:0400@3"
            .into(),
        wechat: "drop:micropay@4,badmac:micropay@9,close:orderquery@2".into(),
        alipay: "close:pay@6,dup:pay@8,drop:query@1".into(),
        pix: String::new(),
    };
    let w = World::started(&faults);
    let addresses: Vec<String> = w._sims.iter().map(|s| s.address.clone()).collect();
    let terminals: Vec<(String, PathBuf)> = (1..=4)
        .map(|i| {
            let tid = format!("5008000{i}");
            let config = w.dir.0.join(format!("pos{i}.toml"));
            (tid, config)
        })
        .collect();
    for (i, (tid, config)) in terminals.iter().enumerate() {
        let addresses =
            [&addresses[0], &addresses[1], &addresses[2], &addresses[3]].map(String::as_str);
        write_config(config, tid, addresses, &format!("pos{}.journal", i + 1));
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let handles: Vec<_> = terminals
        .iter()
        .enumerate()
        .map(|(i, (_, config))| {
            let config = config.clone();
            std::thread::spawn(move || {
                let run = |args: &[&str]| {
                    Command::new(env!("CARGO_BIN_EXE_paywire"))
                        .args(["pos", "--config", config.to_str().unwrap()])
                        .args(args)
                        .output()
                        .unwrap()
                        .status
                        .code()
                };
                assert_eq!(run(&["sign-in"]), Some(0));
                let mut n = 0u64;
                while Instant::now() < deadline {
                    let amount = format!("{}.{:02}", 1 + n % 7, (n * 13 + i as u64) % 50);
                    let args: Vec<&str> = match n % 4 {
                        0 | 1 => vec!["pay", "--amount", &amount, "--track2", TRACK2],
                        2 => vec!["pay", "--amount", &amount, "--code", WECHAT_CODE],
                        _ => vec!["pay", "--amount", &amount, "--code", ALIPAY_CODE],
                    };
                    let code = run(&args);
                    assert!(matches!(code, Some(0 | 3 | 4 | 5)), "{args:?}: {code:?}");
                    n += 1;
                }
                assert_eq!(run(&["recover"]), Some(0));
                n
            })
        })
        .collect();
    let payments: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "soak: {} terminals, {payments} payments in {elapsed:.1} s: {:.1} payments/s",
        terminals.len(),
        payments as f64 / elapsed
    );
    // One invariant over all terminals: the ledgers hold exactly what the journals approved.
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for (_, config) in &terminals {
        let out = Command::new(env!("CARGO_BIN_EXE_paywire"))
            .args(["pos", "--config", config.to_str().unwrap(), "journal"])
            .output()
            .unwrap();
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let line: Value = serde_json::from_str(line).unwrap();
            assert_ne!(line["outcome"], "unresolved", "{line}");
            if line["outcome"] == "approved" {
                *expected
                    .entry(line["ref"].as_str().unwrap().to_owned())
                    .or_default() += line["amount"].as_i64().unwrap();
            }
        }
    }
    let mut net: BTreeMap<String, i64> = BTreeMap::new();
    for line in w.ledger() {
        let amount = line["amount"].as_i64().unwrap();
        let sign = if line["event"] == "charge" { 1 } else { -1 };
        *net.entry(line["ref"].as_str().unwrap().to_owned())
            .or_default() += sign * amount;
    }
    expected.retain(|_, v| *v != 0);
    net.retain(|_, v| *v != 0);
    assert_eq!(net, expected);
    assert!(payments > 0);
}

/// Each fault kind on the host's other operations: the sign-in (`0800`), a reversal
/// (`0400`, after the sale's answer is dropped) and the settlement (`0500`). A command whose
/// answer is lost ends unresolved (exit 5) and the next one succeeds; the ledger agrees.
#[test]
fn faults_on_sign_in_reversal_and_settlement() {
    for kind in ["drop", "close", "delay=2", "dup", "badmac"] {
        let w = World::new(&Faults {
            cups: format!("{kind}:0800@1,drop:0200@1,{kind}:0400@1,{kind}:0500@1"),
            ..Faults::default()
        });
        let lost = matches!(kind, "drop" | "close" | "delay=2");
        let (exit, lines) = w.pos(&["sign-in"]);
        if lost {
            assert_eq!(
                (exit, field(&lines[0], "outcome")),
                (5, "unresolved"),
                "{kind}"
            );
            assert_eq!(w.pos(&["sign-in"]).0, 0, "{kind}");
        } else {
            assert_eq!(exit, 0, "{kind}");
        }
        // The sale's answer is dropped: it is reversed, through the fault on the reversal.
        let (exit, lines) = w.pos(&["pay", "--amount", "1.00", "--track2", TRACK2]);
        assert!([4, 5].contains(&exit), "{kind}: {exit} {lines:?}");
        let (exit, lines) = w.pos(&["pay", "--amount", "2.00", "--track2", TRACK2]);
        assert_eq!(exit, 0, "{kind}: {lines:?}");
        let (exit, lines) = w.pos(&["settle"]);
        if lost {
            assert_eq!(
                (exit, field(&lines[0], "outcome")),
                (5, "unresolved"),
                "{kind}"
            );
            let (exit, lines) = w.pos(&["settle"]);
            assert_eq!(exit, 0, "{kind}: {lines:?}");
        } else {
            assert_eq!(exit, 0, "{kind}: {lines:?}");
            assert_eq!(lines[0]["count"], 1, "{kind}");
        }
        assert_eq!(w.pos(&["recover"]).0, 0, "{kind}");
        w.check();
    }
}

/// HTTPS to WeChat Pay with the merchant's client certificate: the counterpart speaks TLS
/// (`--tls-certificate`), trusted through the configuration's `ca_certificate`, and refuses
/// `/secapi/` requests (a refund here) from a connection without a client certificate its
/// `--client-ca` verified.
#[test]
fn https_with_the_merchants_client_certificate() {
    let _turn = HEAVY
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = TempDir::new("pos-https");
    let ledger = dir.0.join("ledger.jsonl");
    let wechat = sim(&[
        "wechat".to_owned(),
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--mch-id".into(),
        MCH_ID.into(),
        "--key".into(),
        API_KEY.into(),
        "--tls-certificate".into(),
        repo("cli/tests/keys/tls-server.pem"),
        "--tls-key".into(),
        repo("cli/tests/keys/tls-server-key.pem"),
        "--client-ca".into(),
        repo("cli/tests/keys/tls-ca.pem"),
        "--ledger".into(),
        ledger.to_str().unwrap().into(),
    ]);
    let config = |name: &str, certificate: bool| {
        let client = if certificate {
            format!(
                "client_certificate = \"{}\"\nclient_key = \"{}\"\n",
                repo("cli/tests/keys/tls-client.pem"),
                repo("cli/tests/keys/tls-client-key.pem")
            )
        } else {
            String::new()
        };
        let path = dir.0.join(format!("{name}.toml"));
        std::fs::write(
            &path,
            format!(
                "terminal_id = \"{name}\"\nmerchant_id = \"309310083985008\"\njournal = \"{name}.journal\"\n{TIMING}ca_certificate = \"{}\"\n[wechat]\nurl = \"https://{}\"\napp_id = \"wx2421b1c4370ec43b\"\nmch_id = \"{MCH_ID}\"\nkey = \"{API_KEY}\"\n{client}",
                repo("cli/tests/keys/tls-ca.pem"),
                wechat.address
            ),
        )
        .unwrap();
        path
    };
    let run = |config: &Path, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_paywire"))
            .args(["pos", "--config", config.to_str().unwrap()])
            .args(args)
            .output()
            .unwrap();
        let lines: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (out.status.code(), lines)
    };
    let with = config("TLSCERT1", true);
    let (code, lines) = run(
        &with,
        &[
            "pay",
            "--amount",
            "1.00",
            "--code",
            WECHAT_CODE,
            "--order",
            "TLS-1",
        ],
    );
    assert_eq!(
        (code, field(&lines[0], "outcome")),
        (Some(0), "approved"),
        "{lines:?}"
    );
    let (code, lines) = run(&with, &["refund", "--ref", "TLS-1", "--amount", "0.50"]);
    assert_eq!(
        (code, field(&lines[0], "outcome")),
        (Some(0), "approved"),
        "{lines:?}"
    );
    let without = config("TLSNOCRT", false);
    let (code, _) = run(
        &without,
        &[
            "pay",
            "--amount",
            "2.00",
            "--code",
            WECHAT_CODE,
            "--order",
            "TLS-2",
        ],
    );
    assert_eq!(code, Some(0));
    let (code, lines) = run(&without, &["refund", "--ref", "TLS-2"]);
    assert_ne!(code, Some(0), "{lines:?}");
    assert_ne!(field(&lines[0], "outcome"), "approved");
    let ledger = std::fs::read_to_string(&ledger).unwrap();
    assert_eq!(
        ledger,
        concat!(
            r#"{"channel":"wechat","event":"charge","ref":"TLS-1","amount":100}"#,
            "\n",
            r#"{"channel":"wechat","event":"refund","ref":"TLS-1","amount":50}"#,
            "\n",
            r#"{"channel":"wechat","event":"charge","ref":"TLS-2","amount":200}"#,
            "\n",
        )
    );
}
