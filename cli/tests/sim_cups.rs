//! `paywire sim cups` on a loopback socket, driven by paywire-pos's card terminal: sign-in keys
//! under the TMK, sales decided by amount, a void, settlement against the host's ledger, a
//! dropped answer reversed, a request before sign-in refused (`97`), the ledger file as the
//! contract writes it, and the server ending after `--requests N`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

mod common;
mod support;

use support::{Sim, sim};

use paywire_pos::{
    Amount, CardConfig, CardSale, CardTerminal, Event, MemoryJournal, OrderNo, Outcome,
};
use paywire_unionpay::Key;
use paywire_unionpay::txn::Entry;

const TMK: &str = "70F2A84CCBC2AE8625CBB0F2C22AB923";
const TID: &str = "16688014";

/// Starts the server with its ledger in `ledger`.
fn start(extra: &[&str], ledger: &std::path::Path) -> Sim {
    let mut args = vec!["cups", "--listen", "127.0.0.1:0", "--tmk", TMK, "--ledger"];
    let ledger = ledger.to_str().unwrap().to_owned();
    args.push(&ledger);
    args.extend(extra);
    sim(&args)
}

fn read_frame(socket: &mut TcpStream) -> Option<Vec<u8>> {
    let mut length = [0u8; 2];
    socket.read_exact(&mut length).ok()?;
    let mut frame = length.to_vec();
    frame.resize(2 + usize::from(u16::from_be_bytes(length)), 0);
    socket.read_exact(&mut frame[2..]).ok()?;
    Some(frame)
}

/// A terminal's connection to the host: reopened after a lost answer or a closed connection,
/// as a terminal does (an answer that comes late then goes to the old connection).
struct Link {
    address: String,
    timeout: Duration,
    socket: TcpStream,
}

impl Link {
    fn open(address: &str, timeout: Duration) -> Self {
        let socket = TcpStream::connect(address).unwrap();
        socket.set_read_timeout(Some(timeout)).unwrap();
        Self {
            address: address.to_owned(),
            timeout,
            socket,
        }
    }

    fn reopen(&mut self) {
        *self = Self::open(&self.address, self.timeout);
    }
}

/// Sends what the terminal hands out and feeds back the answers until it has none in flight.
fn exchange(t: &mut CardTerminal<MemoryJournal>, link: &mut Link, now: &mut u64) -> Vec<Event> {
    let mut events = Vec::new();
    while let Some(request) = t.poll_transmit() {
        if link.socket.write_all(&request.bytes).is_err() {
            link.reopen();
            link.socket.write_all(&request.bytes).unwrap();
        }
        *now += 100;
        match read_frame(&mut link.socket) {
            Some(answer) => t.handle_response(*now, &answer).unwrap(),
            None => {
                *now = request.deadline;
                t.handle_timeout(*now).unwrap();
                link.reopen();
            }
        }
        while let Some(e) = t.poll_event() {
            events.push(e);
        }
    }
    events
}

fn terminal() -> CardTerminal<MemoryJournal> {
    let tmk = Key::des_or_tdes(&hex::decode(TMK).unwrap()).unwrap();
    CardTerminal::open(
        CardConfig::new(TID, "000000000000001"),
        tmk,
        MemoryJournal::new(),
    )
    .unwrap()
}

fn sale(minor: u64) -> CardSale<'static> {
    CardSale {
        amount: Amount::cny(minor),
        entry: Entry::ScanCode("6223456789012345678"),
        pin: None,
    }
}

fn ledger_lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn temp(name: &str) -> std::path::PathBuf {
    let path =
        std::env::temp_dir().join(format!("paywire-sim-{name}-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn sign_in_sales_void_and_settlement() {
    let ledger = temp("clean");
    let mut host = start(&["--requests", "5"], &ledger);
    let mut link = Link::open(&host.address, Duration::from_secs(10));
    let mut t = terminal();
    let mut now = 0;
    t.sign_in(now).unwrap();
    assert_eq!(exchange(&mut t, &mut link, &mut now), [Event::SignedIn]);
    // 12.00 approved, 1.51 declined for insufficient funds (decision by amount).
    let approved = OrderNo::new("A1").unwrap();
    t.purchase(now, approved.clone(), &sale(1200)).unwrap();
    let events = exchange(&mut t, &mut link, &mut now);
    assert!(
        matches!(
            &events[..],
            [Event::Finished {
                outcome: Outcome::Approved(_),
                ..
            }]
        ),
        "{events:?}"
    );
    t.purchase(now, OrderNo::new("A2").unwrap(), &sale(151))
        .unwrap();
    let events = exchange(&mut t, &mut link, &mut now);
    assert!(
        matches!(&events[..], [Event::Finished { outcome: Outcome::Declined { code, .. }, .. }] if code == "51"),
        "{events:?}"
    );
    // The approved sale voided, then the batch settled: nothing stands, on both sides.
    t.void(
        now,
        OrderNo::new("V1").unwrap(),
        &approved,
        Entry::ScanCode("6223456789012345678"),
        None,
    )
    .unwrap();
    let events = exchange(&mut t, &mut link, &mut now);
    assert!(
        matches!(
            &events[..],
            [Event::Finished {
                outcome: Outcome::Approved(_),
                ..
            }]
        ),
        "{events:?}"
    );
    t.settle(now, "201").unwrap();
    let events = exchange(&mut t, &mut link, &mut now);
    assert!(
        matches!(&events[..], [Event::Settled { balanced: true, .. }]),
        "{events:?}"
    );
    // The fifth request ended the server.
    assert!(host.child.wait().unwrap().success());
    assert_eq!(
        ledger_lines(&ledger),
        [
            r#"{"channel":"cups","event":"charge","ref":"16688014:000002","amount":1200}"#,
            r#"{"channel":"cups","event":"void","ref":"16688014:000002","amount":1200}"#,
        ]
    );
    let _ = std::fs::remove_file(&ledger);
}

#[test]
fn a_dropped_answer_is_charged_then_reversed() {
    let ledger = temp("drop");
    let mut host = start(&["--faults", "drop:0200@1", "--requests", "3"], &ledger);
    let mut link = Link::open(&host.address, Duration::from_secs(2));
    let mut t = terminal();
    let mut now = 0;
    t.sign_in(now).unwrap();
    exchange(&mut t, &mut link, &mut now);
    t.purchase(now, OrderNo::new("D1").unwrap(), &sale(500))
        .unwrap();
    let events = exchange(&mut t, &mut link, &mut now);
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Finished {
                outcome: Outcome::Undone(_),
                ..
            }
        )),
        "{events:?}"
    );
    assert!(host.child.wait().unwrap().success());
    assert_eq!(
        ledger_lines(&ledger),
        [
            r#"{"channel":"cups","event":"charge","ref":"16688014:000002","amount":500}"#,
            r#"{"channel":"cups","event":"reverse","ref":"16688014:000002","amount":500}"#,
        ]
    );
    let _ = std::fs::remove_file(&ledger);
}

#[test]
fn a_sale_before_sign_in_is_refused_with_97() {
    use paywire_iso8583::MessageRef;
    use paywire_unionpay::framing::{Header, Tpdu};
    use paywire_unionpay::spec::CUPS_POS;
    use paywire_unionpay::txn::{self, Purchase, Terminal};
    let ledger = temp("97");
    let mut host = start(&["--requests", "1"], &ledger);
    let mut socket = TcpStream::connect(&host.address).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let terminal = Terminal {
        terminal_id: TID,
        merchant_id: "000000000000001",
        batch: "000001",
    };
    let request = txn::purchase(
        &terminal,
        &Purchase {
            amount: 100,
            stan: "000001",
            currency: "156",
            entry: Entry::ScanCode("6223456789012345678"),
            pin: None,
            condition: "00",
            f60_tail: "",
        },
    )
    .unwrap();
    let tpdu = Tpdu::parse(&[0x60, 0x00, 0x03, 0x00, 0x00]).unwrap();
    let header = Header::parse(&[0x60, 0x31, 0x00, 0x31, 0x00, 0x00]).unwrap();
    let frame = txn::frame(tpdu, header, &request.to_vec().unwrap()).unwrap();
    socket.write_all(&frame).unwrap();
    let answer = read_frame(&mut socket).unwrap();
    let message = MessageRef::parse(&CUPS_POS, &answer[2 + 5 + 6..]).unwrap();
    assert_eq!(message.value(39).unwrap().as_bytes(), Some(&b"97"[..]));
    assert!(host.child.wait().unwrap().success());
    assert!(ledger_lines(&ledger).is_empty());
    let _ = std::fs::remove_file(&ledger);
}

/// Usage errors (exit 2) name the option: a key that is not one, a fault that is not
/// `KIND:OPERATION[@N]`, an address it cannot listen on.
#[test]
fn usage_errors_exit_2() {
    for (args, says) in [
        (vec!["--tmk", "XYZ"], "--tmk"),
        (vec!["--tmk", TMK, "--faults", "drop:0300"], "--faults"),
        (vec!["--tmk", TMK, "--faults", "delay=x:0200"], "--faults"),
        (vec!["--tmk", TMK, "--faults", "drop:0200@two"], "--faults"),
    ] {
        let mut all = vec!["sim", "cups", "--listen", "127.0.0.1:0", "--requests", "0"];
        all.extend(args);
        let run = common::run(&all, b"");
        assert_eq!(run.code, 2, "{all:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{all:?}: {}", run.stderr);
    }
    let run = common::run(
        &[
            "sim",
            "cups",
            "--listen",
            "256.0.0.1:0",
            "--tmk",
            TMK,
            "--requests",
            "0",
        ],
        b"",
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--listen"), "{}", run.stderr);
}

/// Every fault of the contract on the first sale, and the terminal's outcome agrees with the
/// host's ledger: approved ⇔ the sale's charge stands.
#[test]
fn every_fault_on_a_sale_ends_with_ledger_and_terminal_agreeing() {
    for fault in ["drop", "close", "delay=3", "dup", "badmac"] {
        let ledger = temp(&format!("fault-{}", fault.replace('=', "")));
        let spec = format!("{fault}:0200@1");
        let mut host = start(&["--faults", &spec], &ledger);
        // Shorter than the delay: a delayed answer comes after the terminal gave up on it.
        let mut link = Link::open(&host.address, Duration::from_secs(2));
        let mut t = terminal();
        let mut now = 0;
        t.sign_in(now).unwrap();
        assert_eq!(exchange(&mut t, &mut link, &mut now), [Event::SignedIn]);
        let order = OrderNo::new("F1").unwrap();
        t.purchase(now, order.clone(), &sale(700)).unwrap();
        exchange(&mut t, &mut link, &mut now);
        let outcome = t.outcome(&order).cloned().expect("one outcome");
        let lines = ledger_lines(&ledger);
        let charged = lines
            .iter()
            .filter(|l| l.contains(r#""event":"charge""#))
            .count();
        let undone = lines
            .iter()
            .filter(|l| l.contains(r#""event":"reverse""#))
            .count();
        assert_eq!(
            outcome.is_approved(),
            charged == 1 && undone == 0,
            "{fault}: {outcome:?} with ledger {lines:?}"
        );
        assert!(charged <= 1 && undone <= charged, "{fault}: {lines:?}");
        host.child.kill().unwrap();
        let _ = host.child.wait();
        let _ = std::fs::remove_file(&ledger);
    }
}
