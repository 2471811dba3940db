//! `sim cups`: a UnionPay POS host on TCP with the CUPS framing and the `cups-pos` spec,
//! written as the other side of `paywire-pos`: what a host checks (sign-in state, MACs,
//! duplicate STANs, a reversal or void matching its original, a refund within what its sale
//! charged), it checks. A refund's repeat (`0221`) is answered as the refund it repeats, and
//! refunds nothing more; a repeat of a refund never seen is taken as the refund.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use paywire_iso8583::framing::{Framing, Status};
use paywire_iso8583::{Message, MessageRef};
use paywire_unionpay::Key;
use paywire_unionpay::framing::parse_header;
use paywire_unionpay::key::check_value;
use paywire_unionpay::spec::CUPS_POS;
use paywire_unionpay::txn;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use super::{Faults, Kind, Ledger, Limit, accept_loop};
use crate::{Failure, Outcome};

/// The operations faults can name: the request MTIs (`0221`, a refund's repeat, besides the
/// contract's).
pub(super) const OPERATIONS: [&str; 6] = ["0800", "0200", "0220", "0221", "0400", "0500"];

/// A charge the host holds.
#[derive(Clone, Debug)]
struct Charge {
    amount: u64,
    /// Not reversed or voided.
    standing: bool,
    /// Its batch (60.2): once the terminal settles it, the charge can be refunded, not voided.
    batch: String,
}

/// A refund the host took (or refused): what a repeat of it is answered.
#[derive(Clone, Debug)]
struct Refund {
    /// The refunded sale's STAN.
    original: u32,
    amount: u64,
    /// Field 39 of the answer.
    code: &'static str,
    rrn: String,
    /// The batch it was made in (60.2).
    batch: String,
}

/// The host's state: the terminals signed in, what each charged, the ledger.
pub(super) struct Host {
    tmk: Key,
    pik: Key,
    mak: Key,
    signed_in: BTreeSet<String>,
    /// (terminal, STAN) → the charge.
    charges: BTreeMap<(String, u32), Charge>,
    /// (terminal, void STAN) → the voided sale's STAN, while the void stands.
    voids: BTreeMap<(String, u32), u32>,
    /// (terminal, STAN) of every financial request seen (duplicates are refused).
    stans: BTreeSet<(String, u32)>,
    /// (terminal, refund STAN) → the refund.
    refunds: BTreeMap<(String, u32), Refund>,
    /// (terminal, batch) of every batch settled.
    settled: BTreeSet<(String, String)>,
    faults: Faults,
    ledger: Ledger,
    rrn: u64,
}

/// What the host does with one request.
struct Handled {
    answer: Option<Vec<u8>>,
    fault: Option<Kind>,
}

fn text(m: &MessageRef<'_, '_>, field: u8) -> String {
    m.value(field)
        .map(|v| v.iter().map(char::from).collect())
        .unwrap_or_default()
}

impl Host {
    /// A host with the terminal master key (hex) that hands out fixed working keys (a
    /// development counterpart).
    pub(super) fn new(tmk: &str, ledger: Ledger, faults: Faults) -> Result<Self, Failure> {
        let tmk = hex::decode(tmk.trim())
            .ok()
            .and_then(|k| Key::des_or_tdes(&k).ok())
            .ok_or_else(|| Failure::Usage("--tmk: 16 or 32 hex digits".into()))?;
        let pik = Key::des_or_tdes(&[
            0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54,
            0x32, 0x10,
        ]);
        let mak = Key::des_or_tdes(&[0xC2, 0x4A, 0x8F, 0xB5, 0x7A, 0xA2, 0x01, 0x23]);
        let (Ok(pik), Ok(mak)) = (pik, mak) else {
            return Err(Failure::Usage("working keys".into()));
        };
        Ok(Self {
            tmk,
            pik,
            mak,
            signed_in: BTreeSet::new(),
            charges: BTreeMap::new(),
            voids: BTreeMap::new(),
            stans: BTreeSet::new(),
            refunds: BTreeMap::new(),
            settled: BTreeSet::new(),
            faults,
            ledger,
            rrn: 0,
        })
    }

    /// Field 62 of the sign-in answer: PIK and MAK under the TMK, each with its check value.
    fn field62(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut pik = self.pik.expose().to_vec();
        for block in pik.chunks_mut(8) {
            self.tmk.encrypt_block(block);
        }
        out.extend(pik);
        out.extend(check_value(&self.pik).get(..4).unwrap_or_default());
        let mut mak = self.mak.expose().to_vec();
        self.tmk.encrypt_block(&mut mak);
        out.extend(mak);
        out.extend([0u8; 8]);
        out.extend(check_value(&self.mak).get(..4).unwrap_or_default());
        out
    }

    /// Appends a money event to the ledger (ref: terminal id and the original's STAN).
    fn event(&mut self, event: &str, terminal: &str, stan: u32, amount: u64) {
        self.ledger
            .event(event, &format!("{terminal}:{stan:06}"), amount);
    }

    fn handle(&mut self, frame: &[u8]) -> Handled {
        let none = Handled {
            answer: None,
            fault: None,
        };
        let Ok(Status::Complete(f)) = Framing::CUPS.decode(frame) else {
            return none;
        };
        let Ok((tpdu, header)) = parse_header(f.header) else {
            return none;
        };
        let Ok(request) = MessageRef::parse(&CUPS_POS, f.message) else {
            eprintln!("sim cups: a frame that is not a cups-pos message");
            return none;
        };
        let operation = format!("{:04}", request.mti().number());
        let fault = self.faults.next(&operation);
        let terminal = text(&request, 41);
        let stan = request.stan().unwrap_or(0);
        eprintln!("sim cups: {operation} from {terminal}, STAN {stan:06}");
        let answer = self.answer(&request, &operation, &terminal, stan);
        // Financial answers carry a MAC once the terminal has keys (`badmac`: a wrong one).
        let macd = matches!(operation.as_str(), "0200" | "0220" | "0221" | "0400")
            && self.signed_in.contains(&terminal);
        let key = if fault == Some(Kind::BadMac) {
            Key::des_or_tdes(&[0x11; 8]).ok()
        } else {
            Some(self.mak.clone())
        };
        let bytes = match (answer, key) {
            (Some(m), Some(key)) if macd => txn::encode_with_mac(&m, &key).ok(),
            (Some(m), _) => m.to_vec().ok(),
            (None, _) => None,
        };
        let answer = bytes.and_then(|b| txn::frame(tpdu.reply(), header, &b).ok());
        Handled { answer, fault }
    }

    /// The answer message (without its MAC); money events written as they happen.
    fn answer(
        &mut self,
        request: &MessageRef<'_, 'static>,
        operation: &str,
        terminal: &str,
        stan: u32,
    ) -> Option<Message<'static>> {
        let respond = |fields: &[u8], code: &str| {
            // A repeat's answer is the original's type (0221 → 0230).
            let mut m = Message::from_ref(request).response(fields);
            m.set(39, code.to_owned()).ok()?;
            if matches!(operation, "0200" | "0220" | "0221") {
                let (time, date) = local_time();
                m.set(12, time).ok()?.set(13, date).ok()?;
            }
            Some(m)
        };
        if operation == "0800" {
            self.signed_in.insert(terminal.to_owned());
            let mut m = respond(&[11, 41, 42, 60], "00")?;
            m.set(62, self.field62()).ok()?;
            return Some(m);
        }
        let financial = [3, 4, 11, 22, 25, 41, 42, 49, 60];
        if !self.signed_in.contains(terminal) {
            return respond(&financial, "97");
        }
        if operation != "0500" && txn::verify_mac(request, &self.mak).is_err() {
            return respond(&financial, "A0");
        }
        let key = (terminal.to_owned(), stan);
        let amount = request.amount().unwrap_or(0);
        // 60.2: the batch (60 = 60.1 type code, 60.2 batch, …).
        let batch = text(request, 60).get(2..8).unwrap_or_default().to_owned();
        let processing = text(request, 3);
        match operation {
            // A repeat of a refund taken: the same answer, nothing refunded again.
            "0221" if self.refunds.contains_key(&key) => {
                let refund = self.refunds.get(&key)?;
                let mut m = respond(&financial, refund.code)?;
                m.set(37, refund.rrn.clone()).ok()?;
                Some(m)
            }
            "0200" | "0220" | "0221" if !self.stans.insert(key.clone()) => {
                respond(&financial, "94")
            }
            "0200" if processing == "310000" => {
                let mut m = respond(&financial, "00")?;
                m.set(54, "1002156C000000012345").ok()?;
                Some(m)
            }
            "0200" if processing == "200000" => {
                let original = original_stan(request)?;
                let okey = (terminal.to_owned(), original);
                let refunded = self.refunds.values().any(|r| r.original == original);
                let settled = |c: &Charge| {
                    self.settled
                        .contains(&(terminal.to_owned(), c.batch.clone()))
                };
                let voidable = self
                    .charges
                    .get(&okey)
                    .is_some_and(|c| c.standing && !settled(c) && !refunded);
                let code = match self.charges.get_mut(&okey) {
                    Some(charge) if voidable => {
                        charge.standing = false;
                        let voided = charge.amount;
                        self.voids.insert(key, original);
                        self.event("void", terminal, original, voided);
                        "00"
                    }
                    _ => "25",
                };
                self.rrn = self.rrn.saturating_add(1);
                let mut m = respond(&financial, code)?;
                m.set(37, format!("{:012}", self.rrn)).ok()?;
                Some(m)
            }
            "0200" => {
                // Decisions by amount (last two digits of the minor units).
                let code = match amount % 100 {
                    51 => "51",
                    55 => "55",
                    _ => "00",
                };
                if code == "00" {
                    self.charges.insert(
                        key,
                        Charge {
                            amount,
                            standing: true,
                            batch,
                        },
                    );
                    self.event("charge", terminal, stan, amount);
                }
                self.rrn = self.rrn.saturating_add(1);
                let mut m = respond(&financial, code)?;
                m.set(37, format!("{:012}", self.rrn)).ok()?;
                if code == "00" {
                    m.set(38, format!("{:06}", self.rrn % 1_000_000)).ok()?;
                }
                Some(m)
            }
            "0220" | "0221" => {
                // Within what the sale charged less what was refunded of it already.
                let original = original_stan(request)?;
                let refunded = self
                    .refunds
                    .iter()
                    .filter(|((t, _), r)| t == terminal && r.original == original && r.code == "00")
                    .fold(0u64, |sum, (_, r)| sum.saturating_add(r.amount));
                let okey = (terminal.to_owned(), original);
                let code = match self.charges.get(&okey) {
                    Some(c) if c.standing && refunded.saturating_add(amount) <= c.amount => "00",
                    Some(c) if c.standing => "13",
                    _ => "25",
                };
                if code == "00" {
                    self.event("refund", terminal, original, amount);
                }
                self.rrn = self.rrn.saturating_add(1);
                let rrn = format!("{:012}", self.rrn);
                self.refunds.insert(
                    key,
                    Refund {
                        original,
                        amount,
                        code,
                        rrn: rrn.clone(),
                        batch,
                    },
                );
                let mut m = respond(&financial, code)?;
                m.set(37, rrn).ok()?;
                Some(m)
            }
            "0400" => {
                if let Some(charge) = self.charges.get_mut(&key)
                    && charge.standing
                {
                    charge.standing = false;
                    let reversed = charge.amount;
                    self.event("reverse", terminal, stan, reversed);
                }
                // Reversing a void puts its sale's charge back.
                if let Some(original) = self.voids.remove(&key) {
                    let okey = (terminal.to_owned(), original);
                    if let Some(charge) = self.charges.get_mut(&okey) {
                        charge.standing = true;
                        let restored = charge.amount;
                        self.event("charge", terminal, original, restored);
                    }
                }
                respond(&[3, 4, 11, 41, 42, 49, 60], "00")
            }
            "0500" => {
                // The batch settled (60.2): its charges standing and its refunds taken. A
                // settlement sent again for the same batch (its answer lost) gets the same totals.
                let theirs = txn::SettlementResult::of(request)?.domestic;
                let (amount, count) = self
                    .charges
                    .iter()
                    .filter(|((t, _), c)| t == terminal && c.standing && c.batch == batch)
                    .fold((0u64, 0u16), |(a, n), (_, c)| {
                        (a.saturating_add(c.amount), n.saturating_add(1))
                    });
                let (credit, credits) = self
                    .refunds
                    .iter()
                    .filter(|((t, _), r)| t == terminal && r.code == "00" && r.batch == batch)
                    .fold((0u64, 0u16), |(a, n), (_, r)| {
                        (a.saturating_add(r.amount), n.saturating_add(1))
                    });
                let balanced = (
                    theirs.debit_amount,
                    theirs.debit_count,
                    theirs.credit_amount,
                    theirs.credit_count,
                ) == (amount, count, credit, credits);
                self.settled.insert((terminal.to_owned(), batch));
                let code = if balanced { '1' } else { '2' };
                let f48 = format!(
                    "{amount:012}{count:03}{credit:012}{credits:03}{code}{:031}",
                    1
                );
                let mut m = respond(&[11, 41, 42, 49, 60], "00")?;
                m.set(48, f48).ok()?;
                Some(m)
            }
            _ => None,
        }
    }
}

/// Fields 12 and 13 of an answer: the host's time (`hhmmss`) and date (`MMDD`), Beijing time
/// (read off `yyyy-MM-dd HH:mm:ss`, paywire-alipay's timestamp).
fn local_time() -> (String, String) {
    let now = paywire_alipay::v1::timestamp_now();
    let digits = |range: std::ops::Range<usize>| -> String {
        now.get(range)
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .collect()
    };
    (digits(11..19), digits(5..10))
}

/// The original's STAN: digits 7–12 of field 61 (batch, trace, date).
fn original_stan(request: &MessageRef<'_, '_>) -> Option<u32> {
    text(request, 61).get(6..12)?.parse().ok()
}

pub(super) async fn serve(listen: &str, host: Host, requests: Option<u64>) -> Outcome {
    let host = Arc::new(Mutex::new(host));
    accept_loop(listen, "cups", requests, |socket, limit| {
        tokio::spawn(connection(socket, host.clone(), limit));
    })
    .await
}

/// Serves one connection: frames read one at a time, answered (or not) as the faults say.
async fn connection(mut socket: TcpStream, host: Arc<Mutex<Host>>, limit: Arc<Limit>) {
    loop {
        let mut length = [0u8; 2];
        if socket.read_exact(&mut length).await.is_err() {
            return;
        }
        let mut body = vec![0u8; usize::from(u16::from_be_bytes(length))];
        if socket.read_exact(&mut body).await.is_err() {
            return;
        }
        let mut frame = length.to_vec();
        frame.extend(body);
        let handled = match host.lock() {
            Ok(mut host) => host.handle(&frame),
            Err(_) => return,
        };
        match (handled.answer, handled.fault) {
            (_, Some(Kind::Drop)) | (None, _) => {}
            (Some(_), Some(Kind::Close)) => {
                let _ = socket.shutdown().await;
                limit.count();
                return;
            }
            (Some(answer), fault) => {
                if let Some(Kind::Delay(seconds)) = fault {
                    tokio::time::sleep(Duration::from_secs(seconds)).await;
                }
                let times = if fault == Some(Kind::Dup) { 2 } else { 1 };
                for _ in 0..times {
                    if socket.write_all(&answer).await.is_err() {
                        return;
                    }
                }
            }
        }
        limit.count();
    }
}
