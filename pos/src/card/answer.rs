//! Answers from the host: matched to the request in flight, MAC checked, then acted on.

use super::*;

impl<J: Journal> CardTerminal<J> {
    /// Whether the answer's MAC verifies under the working MAK (never without keys).
    fn mac_verifies(&self, m: &MessageRef<'_, '_>) -> bool {
        self.keys
            .as_ref()
            .is_some_and(|k| txn::verify_mac(m, &k.mak).is_ok())
    }

    /// Feeds one frame received from the host. Frames that are not the answer to the request in
    /// flight (another STAN or type, a MAC that does not verify, late or duplicated answers) are
    /// ignored.
    pub fn handle_response(&mut self, now: Millis, frame: &[u8]) -> Result<(), Error> {
        let Ok(Status::Complete(frame)) = Framing::CUPS.decode(frame) else {
            return Ok(());
        };
        let Ok(m) = MessageRef::parse(&CUPS_POS, frame.message) else {
            return Ok(());
        };
        let stan = m.stan();
        match self.waiting.take() {
            Some(Waiting::SignIn {
                stan: sent,
                deadline,
            }) => {
                if m.mti() != Mti::NETWORK_MANAGEMENT_RESPONSE || stan != Some(sent) {
                    self.waiting = Some(Waiting::SignIn {
                        stan: sent,
                        deadline,
                    });
                    return Ok(());
                }
                let code = ResponseCode::of(&m);
                let field62 = m.value(62).and_then(|v| v.as_bytes());
                let keys = match (code, field62) {
                    (Some(code), Some(field62)) if code.is_approved() => {
                        work_keys(&self.tmk, field62, self.config.key_scheme.code().as_bytes())
                            .ok()
                            .map(|keys| (keys, field62.to_vec()))
                    }
                    _ => None,
                };
                match keys {
                    Some((keys, field62)) => {
                        self.record(&Record::SignedIn {
                            keys: field62,
                            batch: self.batch,
                        })?;
                        self.keys = Some(keys);
                        self.events.push_back(Event::SignedIn);
                        self.drive(now)?;
                    }
                    None => self
                        .events
                        .push_back(Event::SignInFailed(code.map(|c| c.0))),
                }
                Ok(())
            }
            Some(Waiting::Sale {
                order,
                stan: sent,
                deadline,
                reversal,
            }) => {
                if m.mti() != Mti::FINANCIAL_RESPONSE || stan != Some(sent) {
                    self.waiting = Some(Waiting::Sale {
                        order,
                        stan: sent,
                        deadline,
                        reversal,
                    });
                    return Ok(());
                }
                let mac_ok = self.mac_verifies(&m);
                if !mac_ok {
                    // The answer cannot be trusted: reverse (reason A0).
                    self.reverse(order, sent, reversal, UndoReason::BadMac)?;
                    return self.drive(now);
                }
                let approval = approval(&m);
                let approved = ResponseCode::of(&m).is_some_and(ResponseCode::is_approved);
                if approved && self.config.confirm_approvals {
                    self.record(&Record::AwaitingCompletion {
                        order: order.clone(),
                        approval: approval.clone(),
                    })?;
                    self.awaiting
                        .insert(order.clone(), (sent, reversal, approval.clone()));
                    self.events
                        .push_back(Event::AwaitingCompletion { order, approval });
                    return Ok(());
                }
                self.finish(order, outcome(&m))?;
                self.drive(now)
            }
            Some(Waiting::Refund {
                stan: sent,
                deadline,
            }) => {
                let mac_ok = self.mac_verifies(&m);
                // A repeat's answer is a 0230 too (the repeat digit is not answered).
                if m.mti() != Mti::FINANCIAL_ADVICE.response() || stan != Some(sent) || !mac_ok {
                    self.waiting = Some(Waiting::Refund {
                        stan: sent,
                        deadline,
                    });
                    return Ok(());
                }
                self.refund_answered(now, sent, &m)
            }
            Some(Waiting::Reversal {
                stan: sent,
                deadline,
            }) => {
                let matches = m.mti().number() == 410 && stan == Some(sent);
                // A reversal answer without a MAC that verifies is no answer.
                let mac_ok = m.mac_field().is_none() || self.mac_verifies(&m);
                if !matches || !mac_ok {
                    self.waiting = Some(Waiting::Reversal {
                        stan: sent,
                        deadline,
                    });
                    return Ok(());
                }
                if let Some(index) = self.reversals.iter().position(|r| r.stan == sent)
                    && let Some(done) = self.reversals.remove(index)
                {
                    self.finish(done.order, Outcome::Undone(done.reason))?;
                }
                self.drive(now)
            }
            Some(Waiting::Balance {
                stan: sent,
                deadline,
            }) => {
                let mac_ok = self.mac_verifies(&m);
                if m.mti() != Mti::FINANCIAL_RESPONSE || stan != Some(sent) || !mac_ok {
                    self.waiting = Some(Waiting::Balance {
                        stan: sent,
                        deadline,
                    });
                    return Ok(());
                }
                let code = ResponseCode::of(&m).map_or(*b"  ", |c| c.0);
                let amounts = txn::additional_amounts(&m).unwrap_or_default();
                self.events.push_back(Event::Balance { code, amounts });
                self.drive(now)
            }
            Some(Waiting::Settlement {
                stan: sent,
                deadline,
                totals,
            }) => {
                let result = (m.mti().number() == 510 && stan == Some(sent))
                    .then(|| SettlementResult::of(&m))
                    .flatten();
                let Some(result) = result else {
                    self.waiting = Some(Waiting::Settlement {
                        stan: sent,
                        deadline,
                        totals,
                    });
                    return Ok(());
                };
                let (batch, balanced) = (self.batch, result.is_balanced());
                self.record(&Record::BatchClosed { batch, balanced })?;
                self.batch = batch.saturating_add(1);
                self.batch_sales.clear();
                self.batch_refunds.clear();
                self.events.push_back(Event::Settled {
                    batch,
                    balanced,
                    totals,
                });
                self.drive(now)
            }
            None => Ok(()),
        }
    }
}

/// The references of a card answer: RRN (37), authorisation code (38), date (13).
fn approval(m: &MessageRef<'_, '_>) -> Approval {
    Approval {
        rrn: text(m, 37),
        auth_code: text(m, 38),
        transaction_id: None,
        date: text(m, 13),
    }
}

/// The outcome a card answer (MAC verified) gives: approved with its references, or declined
/// with its field 39 and that code's meaning.
pub(super) fn outcome(m: &MessageRef<'_, '_>) -> Outcome {
    match ResponseCode::of(m) {
        Some(code) if code.is_approved() => Outcome::Approved(approval(m)),
        Some(code) => Outcome::Declined {
            code: code.0.iter().map(|&b| char::from(b)).collect(),
            meaning: code.meaning().map(String::from),
        },
        None => Outcome::Declined {
            code: String::new(),
            meaning: None,
        },
    }
}
