//! Requests: built by the wallet's codec, given an id and a deadline, and sent when nothing
//! is in flight (undos and refunds first, then the payment's first request or next query).

use super::*;

impl<J: Journal, N: Nonces> WalletTerminal<J, N> {
    /// Builds a request of `purpose` for `subject`.
    pub(super) fn build(
        &mut self,
        wallet: Wallet,
        shown: bool,
        now: Millis,
        purpose: Purpose,
        subject: &Subject<'_>,
    ) -> Result<Built, Error> {
        let missing = || Error::new(ErrorKind::ChannelNotConfigured);
        match (wallet, shown) {
            #[cfg(feature = "std")]
            (Wallet::WeChat, false) => {
                let nonce = self.nonces.nonce();
                let c = self.config.wechat.as_ref().ok_or_else(missing)?;
                match purpose {
                    Purpose::Pay => c.micropay(subject.order, subject.amount, subject.code, &nonce),
                    Purpose::Undo => Ok(c.reverse(subject.order, &nonce)),
                    Purpose::Refund => c.refund(subject, &nonce),
                    _ => Ok(c.orderquery(subject.order, &nonce)),
                }
            }
            (Wallet::WeChat, true) => {
                let nonce = self.nonces.nonce();
                let c = self.config.wechat_native.as_ref().ok_or_else(missing)?;
                match purpose {
                    Purpose::Create => c.create(now, subject, &nonce),
                    Purpose::Undo => c.close(now, subject.order, &nonce),
                    _ => c.query(now, subject.order, &nonce),
                }
            }
            (Wallet::Alipay, _) => {
                let c = self.config.alipay.as_ref().ok_or_else(missing)?;
                match (purpose, shown) {
                    (Purpose::Refund, _) => c.refund(now, subject),
                    (Purpose::Pay, _) => c.pay(now, subject),
                    (Purpose::Create, _) => c.precreate(now, subject),
                    (Purpose::Undo, false) => c.cancel(now, subject.order),
                    (Purpose::Undo, true) => c.close(now, subject.order),
                    _ => c.query(now, subject.order),
                }
            }
            (Wallet::Pix, true) => {
                let c = self.config.pix.as_ref().ok_or_else(missing)?;
                match purpose {
                    Purpose::Create => {
                        let valid_for = subject.expires_at.unwrap_or(now).saturating_sub(now);
                        c.create(subject, valid_for)
                    }
                    Purpose::Undo => c.close(subject.order),
                    _ => Ok(c.query(subject.order)),
                }
            }
            _ => Err(missing()),
        }
    }

    pub(super) fn send(
        &mut self,
        now: Millis,
        wallet: Wallet,
        shown: bool,
        order: OrderNo,
        purpose: Purpose,
        built: Built,
    ) -> Result<(), Error> {
        let rule = self.rule(wallet, shown)?;
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let deadline = now.saturating_add(rule.response_timeout);
        self.transmit.push_back(HttpRequest {
            id,
            wallet,
            method: built.method,
            url: built.url,
            headers: built.headers,
            body: built.body,
            client_certificate: built.client_certificate,
            deadline,
        });
        self.in_flight = Some(InFlight {
            id,
            order,
            purpose,
            deadline,
        });
        Ok(())
    }

    /// Sends what is due when nothing is in flight: an undo whose time has come, then the
    /// payment (its first request or its next query), then resumed payments' queries.
    pub(super) fn drive(&mut self, now: Millis) -> Result<(), Error> {
        if self.in_flight.is_some() {
            return Ok(());
        }
        if let Some(u) = self
            .undos
            .iter()
            .find(|u| !u.deferred && u.not_before <= now)
            .cloned()
        {
            let shown = matches!(u.kind, UndoKind::Close { .. });
            let subject = Subject {
                order: &u.order,
                amount: u.amount,
                code: None,
                expires_at: None,
                original: None,
            };
            if u.kind == (UndoKind::Close { check: true }) {
                // The query before a close counts as an attempt: a wallet that never answers
                // ends in a deferral, not in queries forever.
                let built = self.build(u.wallet, shown, now, Purpose::Check, &subject)?;
                if let Some(p) = self.undos.iter_mut().find(|p| p.order == u.order) {
                    p.attempts = p.attempts.saturating_add(1);
                }
                return self.send(now, u.wallet, shown, u.order, Purpose::Check, built);
            }
            let attempt = u.attempts.saturating_add(1);
            let built = self.build(u.wallet, shown, now, Purpose::Undo, &subject)?;
            self.record(&Record::ReversalSent {
                order: u.order.clone(),
                attempt,
            })?;
            if let Some(p) = self.undos.iter_mut().find(|p| p.order == u.order) {
                p.attempts = attempt;
            }
            return self.send(now, u.wallet, shown, u.order, Purpose::Undo, built);
        }
        if let Some(p) = self
            .refunds
            .iter()
            .find(|p| !p.deferred && p.not_before <= now)
            .cloned()
        {
            let paid = self
                .payments
                .get(&p.original)
                .map(|(_, amount)| *amount)
                .ok_or(Error::new(ErrorKind::NotRefundable))?;
            let subject = Subject {
                order: &p.order,
                amount: p.amount,
                code: None,
                expires_at: None,
                original: Some((&p.original, paid)),
            };
            let built = self.build(p.wallet, false, now, Purpose::Refund, &subject)?;
            if let Some(q) = self.refunds.iter_mut().find(|q| q.order == p.order) {
                q.attempts = q.attempts.saturating_add(1);
            }
            return self.send(now, p.wallet, false, p.order, Purpose::Refund, built);
        }
        let Some(flow) = self.flow.clone().or_else(|| self.resumed.front().cloned()) else {
            return Ok(());
        };
        let shown = flow.expires_at.is_some();
        if let Some(first) = &flow.first {
            let (code, payable_until) = match first {
                First::Pay(code) => (Some(code.as_str()), None),
                First::Create(valid_for) => (None, Some(now.saturating_add(*valid_for))),
            };
            let subject = Subject {
                order: &flow.order,
                amount: flow.amount,
                code,
                expires_at: payable_until,
                original: None,
            };
            let rule = self.rule(flow.wallet, shown)?;
            let expires_at = payable_until.map(|until| until.saturating_add(rule.response_timeout));
            let purpose = if shown { Purpose::Create } else { Purpose::Pay };
            let built = self.build(flow.wallet, shown, now, purpose, &subject)?;
            // Write-ahead: the payment is journaled before its request leaves; the payment
            // code is forgotten once built.
            let record = match expires_at {
                Some(expires_at) => Record::CodeShown {
                    order: flow.order.clone(),
                    wallet: flow.wallet,
                    amount: flow.amount,
                    at: now,
                    expires_at,
                },
                None => Record::CodePaySent {
                    order: flow.order.clone(),
                    wallet: flow.wallet,
                    amount: flow.amount,
                    at: now,
                },
            };
            self.record(&record)?;
            self.payments
                .insert(flow.order.clone(), (flow.wallet, flow.amount));
            if let Some(f) = self.flow_of_mut(&flow.order) {
                f.first = None;
                f.sent_at = now;
                f.expires_at = expires_at;
            }
            return self.send(now, flow.wallet, shown, flow.order, purpose, built);
        }
        match flow.query_at {
            Some(at) if at <= now => {
                let subject = Subject {
                    order: &flow.order,
                    amount: flow.amount,
                    code: None,
                    expires_at: flow.expires_at,
                    original: None,
                };
                let built = self.build(flow.wallet, shown, now, Purpose::Query, &subject)?;
                if let Some(f) = self.flow_of_mut(&flow.order) {
                    f.queries = f.queries.saturating_add(1);
                    f.query_at = None;
                }
                self.send(now, flow.wallet, shown, flow.order, Purpose::Query, built)
            }
            _ => Ok(()),
        }
    }
}
