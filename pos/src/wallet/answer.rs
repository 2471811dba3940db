//! Answers and notifications: matched to the request in flight, read by the wallet's codec
//! (which verifies them), then acted on.

use super::*;

impl<J: Journal, N: Nonces> WalletTerminal<J, N> {
    /// Feeds the answer to request `id`. An answer to another request (late, duplicated) is
    /// ignored; one that does not verify counts as no answer.
    pub fn handle_response(
        &mut self,
        now: Millis,
        id: RequestId,
        response: &Response<'_>,
    ) -> Result<(), Error> {
        let Some(r) = self.in_flight.take_if(|r| r.id == id) else {
            return Ok(());
        };
        if r.purpose == Purpose::Refund {
            let wallet = self
                .refunds
                .iter()
                .find(|p| p.order == r.order)
                .map(|p| p.wallet);
            match wallet.and_then(|w| self.read_refund(w, response)) {
                Some(RefundAnswer::Done(approval)) => {
                    self.refund_final(&r.order, Outcome::Approved(approval))?;
                }
                Some(RefundAnswer::Declined { code, meaning }) => {
                    self.refund_final(&r.order, Outcome::Declined { code, meaning })?;
                }
                Some(RefundAnswer::Retry) | None => self.refund_failed(now, &r.order),
            }
            return self.drive(now);
        }
        let subject = self
            .flow_of(&r.order)
            .map(|f| (f.wallet, f.amount, f.expires_at.is_some()))
            .or_else(|| {
                self.undos
                    .iter()
                    .find(|u| u.order == r.order)
                    .map(|u| (u.wallet, u.amount, matches!(u.kind, UndoKind::Close { .. })))
            });
        let Some((wallet, amount, shown)) = subject else {
            return self.drive(now);
        };
        match r.purpose {
            Purpose::Undo => match self.read_undo(wallet, shown, now, &r.order, response) {
                Some(UndoAnswer::Done) => self.undone(&r.order)?,
                Some(UndoAnswer::Retry) | None => self.undo_failed(now, &r.order),
            },
            purpose => {
                let answer =
                    self.read_answer(wallet, shown, purpose, now, &r.order, amount, response);
                match answer {
                    Some(answer) => self.answered(now, &r, answer)?,
                    None => self.no_answer(now, &r)?,
                }
            }
        }
        self.drive(now)
    }

    /// Feeds a payment notification the wallet posted (WeChat Pay v3: headers and encrypted
    /// body; Alipay: the form body). One that verifies gives the reply to send (and approves
    /// the payment it reports paid, if it is still open); one that does not gives `None`:
    /// answer it with an error so that the wallet sends it again.
    pub fn handle_notification(
        &mut self,
        now: Millis,
        wallet: Wallet,
        notification: &Response<'_>,
    ) -> Result<Option<NotifyReply>, Error> {
        let read = match wallet {
            Wallet::WeChat => self.config.wechat_native.as_ref().map(|c| {
                (
                    c.read_notification(now, notification),
                    wechat_native::NOTIFY_REPLY,
                )
            }),
            Wallet::Alipay => self
                .config
                .alipay
                .as_ref()
                .map(|c| (c.read_notification(notification.body), alipay::NOTIFY_REPLY)),
            #[allow(unreachable_patterns, reason = "Wallet is non_exhaustive")]
            _ => None,
        };
        let Some((Some(paid), reply)) = read else {
            return Ok(None);
        };
        if let Some((order, minor, approval)) = paid {
            self.notified_paid(&order, minor, approval)?;
            self.drive(now)?;
        }
        Ok(Some(reply))
    }

    /// A verified notification says `order` was paid `minor` fen: an open shown (or scanned)
    /// payment of that amount is approved; a shown code being closed too (closing a paid order
    /// fails). A payment code being reversed stays undone (the reverse refunds it).
    pub(super) fn notified_paid(
        &mut self,
        order: &OrderNo,
        minor: u64,
        approval: Approval,
    ) -> Result<(), Error> {
        let open = self
            .flow_of(order)
            .is_some_and(|f| f.amount.minor == minor && f.first.is_none());
        let closing = self.undos.iter().any(|u| {
            u.order == *order && matches!(u.kind, UndoKind::Close { .. }) && u.amount.minor == minor
        });
        if open || closing {
            self.undos.retain(|u| u.order != *order);
            self.finish(order, Outcome::Approved(approval))?;
        }
        Ok(())
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one dispatch over the wallets' readers"
    )]
    pub(super) fn read_answer(
        &self,
        wallet: Wallet,
        shown: bool,
        purpose: Purpose,
        now: Millis,
        order: &OrderNo,
        amount: Amount,
        response: &Response<'_>,
    ) -> Option<Answer> {
        let what = match purpose {
            Purpose::Pay => Read::Pay,
            Purpose::Create => Read::Create,
            _ => Read::Query,
        };
        match (wallet, shown) {
            #[cfg(feature = "std")]
            (Wallet::WeChat, false) => {
                let c = self.config.wechat.as_ref()?;
                ok_body(response).and_then(|t| c.read(t, what == Read::Query, order, amount))
            }
            (Wallet::WeChat, true) => {
                let c = self.config.wechat_native.as_ref()?;
                c.read(now, what, response, order, amount)
            }
            (Wallet::Alipay, _) => {
                let c = self.config.alipay.as_ref()?;
                ok_body(response).and_then(|t| c.read(t, what, order, amount))
            }
            (Wallet::Pix, true) => self
                .config
                .pix
                .as_ref()?
                .read(what, response, order, amount),
            _ => None,
        }
    }

    pub(super) fn read_undo(
        &self,
        wallet: Wallet,
        shown: bool,
        now: Millis,
        order: &OrderNo,
        response: &Response<'_>,
    ) -> Option<UndoAnswer> {
        match (wallet, shown) {
            #[cfg(feature = "std")]
            (Wallet::WeChat, false) => {
                let c = self.config.wechat.as_ref()?;
                ok_body(response).and_then(|t| c.read_undo(t))
            }
            (Wallet::WeChat, true) => self
                .config
                .wechat_native
                .as_ref()?
                .read_close(now, response),
            (Wallet::Alipay, _) => {
                let c = self.config.alipay.as_ref()?;
                ok_body(response).and_then(|t| c.read_undo(t, shown))
            }
            (Wallet::Pix, true) => Some(self.config.pix.as_ref()?.read_close(response, order)),
            _ => None,
        }
    }

    /// A pay, create, query or check answer that verified.
    pub(super) fn answered(
        &mut self,
        now: Millis,
        r: &InFlight,
        answer: Answer,
    ) -> Result<(), Error> {
        if r.purpose == Purpose::Check {
            return self.checked(now, &r.order, Some(answer));
        }
        match answer {
            Answer::Paid(approval) => self.finish(&r.order, Outcome::Approved(approval)),
            Answer::Declined { code, meaning } => {
                self.finish(&r.order, Outcome::Declined { code, meaning })
            }
            Answer::Created(code) => {
                self.events.push_back(Event::ShowCode {
                    order: r.order.clone(),
                    code,
                });
                self.next_query(now, r, true)
            }
            Answer::Paying => {
                if self
                    .flow_of(&r.order)
                    .is_some_and(|f| f.expires_at.is_none())
                {
                    self.events.push_back(Event::CustomerPaying {
                        order: r.order.clone(),
                    });
                }
                self.next_query(now, r, true)
            }
            Answer::Unknown | Answer::Missing => self.next_query(now, r, false),
        }
    }

    /// No (trustworthy) answer in time.
    pub(super) fn no_answer(&mut self, now: Millis, r: &InFlight) -> Result<(), Error> {
        match r.purpose {
            Purpose::Pay | Purpose::Create | Purpose::Query => self.next_query(now, r, false),
            Purpose::Check => self.checked(now, &r.order, None),
            Purpose::Undo => {
                self.undo_failed(now, &r.order);
                Ok(())
            }
            Purpose::Refund => {
                self.refund_failed(now, &r.order);
                Ok(())
            }
        }
    }

    pub(super) fn read_refund(
        &self,
        wallet: Wallet,
        response: &Response<'_>,
    ) -> Option<RefundAnswer> {
        let text = ok_body(response)?;
        match wallet {
            #[cfg(feature = "std")]
            Wallet::WeChat => self.config.wechat.as_ref()?.read_refund(text),
            Wallet::Alipay => self.config.alipay.as_ref()?.read_refund(text),
            #[allow(unreachable_patterns, reason = "WeChat Pay payment codes need std")]
            _ => None,
        }
    }
}
