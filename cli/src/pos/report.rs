//! What `paywire pos` prints: one JSON line per payment, read from the journal (contract:
//! `{"ref","channel","kind","amount","outcome","code","message"}`, plus `"state"` for
//! `journal`).

use std::collections::BTreeMap;

use paywire_iso8583::MessageRef;
use paywire_pos::{Outcome, Record, UndoReason};
use paywire_unionpay::spec::CUPS_POS;

/// One payment as the journal holds it.
#[derive(Clone, Debug)]
pub(super) struct Payment {
    /// The order number (the journal's key).
    pub(super) order: String,
    /// `TERMINAL:STAN` for CUPS (the original sale's for a void), the order number for a
    /// wallet sale, the refunded payment's ref for a refund.
    pub(super) reference: String,
    pub(super) channel: &'static str,
    pub(super) kind: &'static str,
    pub(super) amount: u64,
    /// The flow's step: `sent`, `reversal-due`, `reversing`, `completing`, `final`.
    pub(super) state: &'static str,
    pub(super) outcome: Option<Outcome>,
}

/// Whether a CUPS request (the reversal kept in the journal repeats the sale's fields) was
/// a scanned UnionPay payment code: entry mode (field 22) `03x`.
fn scanned_code(reversal: &[u8]) -> bool {
    // The journal keeps the message without framing.
    MessageRef::parse(&CUPS_POS, reversal)
        .ok()
        .and_then(|m| m.value(22).map(|v| v.iter().take(2).eq(*b"03")))
        .unwrap_or(false)
}

/// Every payment the journal names, oldest first.
pub(super) fn payments(records: &[Record], terminal_id: &str) -> Vec<Payment> {
    let mut list: Vec<Payment> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut voids: BTreeMap<String, String> = BTreeMap::new();
    for record in records {
        match record {
            Record::VoidOf { order, original } => {
                voids.insert(order.as_str().to_owned(), original.as_str().to_owned());
            }
            Record::SaleSent {
                order,
                stan,
                amount,
                reversal,
            } => {
                let original = voids.get(order.as_str()).cloned();
                let reference = match original.as_ref().and_then(|o| index.get(o)) {
                    Some(&i) => list
                        .get(i)
                        .map_or_else(String::new, |p| p.reference.clone()),
                    None => format!("{terminal_id}:{stan:06}"),
                };
                let channel = if scanned_code(reversal) {
                    "unionpay-qr"
                } else {
                    "cups"
                };
                index.insert(order.as_str().to_owned(), list.len());
                list.push(Payment {
                    order: order.as_str().to_owned(),
                    reference,
                    channel,
                    kind: if original.is_some() { "void" } else { "sale" },
                    amount: amount.minor,
                    state: "sent",
                    outcome: None,
                });
            }
            Record::CodePaySent {
                order,
                wallet,
                amount,
                ..
            }
            | Record::CodeShown {
                order,
                wallet,
                amount,
                ..
            } => {
                index.insert(order.as_str().to_owned(), list.len());
                list.push(Payment {
                    order: order.as_str().to_owned(),
                    reference: order.as_str().to_owned(),
                    channel: wallet.as_str(),
                    kind: "sale",
                    amount: amount.minor,
                    state: "sent",
                    outcome: None,
                });
            }
            Record::RefundSent {
                order,
                original,
                wallet,
                amount,
            } => {
                let reference = index
                    .get(original.as_str())
                    .and_then(|&i| list.get(i))
                    .map_or_else(|| original.as_str().to_owned(), |p| p.reference.clone());
                index.insert(order.as_str().to_owned(), list.len());
                list.push(Payment {
                    order: order.as_str().to_owned(),
                    reference,
                    channel: wallet.as_str(),
                    kind: "refund",
                    amount: amount.minor,
                    state: "sent",
                    outcome: None,
                });
            }
            Record::CardRefundSent {
                order,
                original,
                stan,
                amount,
                message,
            } => {
                // The refunded sale's ref when the journal holds it; otherwise the refund's own.
                let sale = original
                    .as_ref()
                    .and_then(|o| index.get(o.as_str()))
                    .and_then(|&i| list.get(i));
                let reference = sale.map_or_else(
                    || format!("{terminal_id}:{stan:06}"),
                    |p| p.reference.clone(),
                );
                let channel = match sale {
                    Some(p) => p.channel,
                    None if scanned_code(message) => "unionpay-qr",
                    None => "cups",
                };
                index.insert(order.as_str().to_owned(), list.len());
                list.push(Payment {
                    order: order.as_str().to_owned(),
                    reference,
                    channel,
                    kind: "refund",
                    amount: amount.minor,
                    state: "sent",
                    outcome: None,
                });
            }
            Record::ReversalDue { order, .. } => {
                set_state(&mut list, &index, order.as_str(), "reversal-due")
            }
            Record::ReversalSent { order, .. } => {
                set_state(&mut list, &index, order.as_str(), "reversing")
            }
            Record::AwaitingCompletion { order, .. } => {
                set_state(&mut list, &index, order.as_str(), "completing");
            }
            Record::Final { order, outcome } => {
                if let Some(p) = index.get(order.as_str()).and_then(|&i| list.get_mut(i)) {
                    p.state = "final";
                    p.outcome = Some(outcome.clone());
                }
            }
            _ => {}
        }
    }
    list
}

fn set_state(
    list: &mut [Payment],
    index: &BTreeMap<String, usize>,
    order: &str,
    state: &'static str,
) {
    if let Some(p) = index.get(order).and_then(|&i| list.get_mut(i)) {
        p.state = state;
    }
}

/// The contract's outcome word, the channel's code and its meaning.
fn words(p: &Payment) -> (&'static str, String, String) {
    let approved_code = match p.channel {
        "wechat" => "SUCCESS",
        "alipay" => "10000",
        "pix" => "CONCLUIDA",
        _ => "00",
    };
    match &p.outcome {
        Some(Outcome::Approved(a)) => {
            let mut message = String::from("approved");
            for (name, value) in [
                ("rrn", &a.rrn),
                ("auth", &a.auth_code),
                ("transaction", &a.transaction_id),
            ] {
                if let Some(v) = value {
                    message.push_str(&format!(" {name} {v}"));
                }
            }
            ("approved", approved_code.to_owned(), message)
        }
        Some(Outcome::Declined { code, meaning }) => (
            "declined",
            code.clone(),
            meaning.clone().unwrap_or_default(),
        ),
        Some(Outcome::Undone(reason)) => {
            let why = match reason {
                UndoReason::Timeout => "reversed: no answer in time (98)",
                UndoReason::BadMac => "reversed: the answer's MAC did not verify (A0)",
                UndoReason::Interrupted => "reversed: the terminal stopped before the answer",
                UndoReason::NotCompleted => "reversed: approved but not completed (96)",
                UndoReason::Unconfirmed => "undone: the payment was never confirmed",
                UndoReason::Expired => "closed: the code expired unpaid",
                _ => "undone",
            };
            // The confirmed undo's code: a Pix charge is removed.
            let code = if p.channel == "pix" {
                "REMOVIDA_PELO_USUARIO_RECEBEDOR"
            } else {
                approved_code
            };
            ("undone", code.to_owned(), why.to_owned())
        }
        Some(_) => ("undone", String::new(), String::new()),
        None => (
            "unresolved",
            String::new(),
            format!(
                "unresolved ({}): `paywire pos recover` finishes it",
                p.state
            ),
        ),
    }
}

/// The payment's line (`state`: with the `"state"` key, for `journal`), keys in the
/// contract's order.
pub(super) fn line(p: &Payment, state: bool) -> String {
    let (outcome, code, message) = words(p);
    let text = |s: &str| serde_json::Value::from(s).to_string();
    let mut out = format!(
        r#"{{"ref":{},"channel":"{}","kind":"{}","amount":{},"outcome":"{outcome}","code":{},"message":{}"#,
        text(&p.reference),
        p.channel,
        p.kind,
        p.amount,
        text(&code),
        text(&message),
    );
    if state {
        out.push_str(&format!(r#","state":"{}""#, p.state));
    }
    out.push('}');
    out
}

/// The exit code of a payment's outcome: 0 approved, 3 declined, 4 undone, 5 unresolved.
pub(super) fn exit_code(outcome: Option<&Outcome>) -> u8 {
    match outcome {
        Some(Outcome::Approved(_)) => 0,
        Some(Outcome::Declined { .. }) => 3,
        Some(_) => 4,
        None => 5,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    /// A journaled reversal of a scanned UnionPay code's sale (entry mode 032, field 59 tag
    /// A3), as paywire-pos wrote it in a run against `paywire sim cups`.
    #[test]
    fn a_scanned_codes_sale_is_told_from_a_cards() {
        let code = hex::decode("04003020048002C08030000000000000000500000004032000393835303038303030313330393331303038333938353030383135360024413330313936323233343536373839303132333435363738000822000001").unwrap();
        let card = hex::decode("04003020048022C08010000000000000000051000003022000246222021234567890123D251239383530303830303031333039333130303833393835303038313536000822000001").unwrap();
        assert!(super::scanned_code(&code));
        assert!(!super::scanned_code(&card));
    }
}
