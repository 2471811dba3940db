//! Pix shown codes (Brazil) over the Pix API of Banco Central do Brasil — a dynamic EMVCo
//! merchant code whose payment is confirmed by the PSP that issued it. From the API's
//! specification (bacen/pix-api `openapi.yaml`, v2.9.0):
//! - `PUT /cob/{txid}` creates an immediate charge (`cobrança imediata`) under the merchant's
//!   own `txid` (`[a-zA-Z0-9]{26,35}`): `calendario.expiracao` (seconds), `valor.original`
//!   (`\d{1,10}\.\d{2}`), `chave` (the receiving key); the answer (`201`, `CobGerada`) carries
//!   `status` `ATIVA`, the payload's `location` and, since v2, `pixCopiaECola` (the BR Code).
//!   A `PUT` of the same `txid` is the same charge: a create whose answer was lost is safe.
//! - `GET /cob/{txid}` reads it: `ATIVA` (not paid yet), `CONCLUIDA` (paid: `pix[]` holds the
//!   payment with its `endToEndId` and `valor`), `REMOVIDA_PELO_USUARIO_RECEBEDOR` /
//!   `REMOVIDA_PELO_PSP` (removed: it can no longer be paid).
//! - `PATCH /cob/{txid}` with `status` `REMOVIDA_PELO_USUARIO_RECEBEDOR` removes it (closes
//!   the code); a charge already paid cannot be removed — the flow then queries, and approves.
//! - Every call carries the OAuth 2.0 client-credentials token of the PSP (`Authorization:
//!   Bearer`), obtained from the PSP's token endpoint over mutual TLS — the transport's job, as
//!   WeChat Pay's client certificate is: set it with [`PixConfig::access_token`] (or
//!   [`WalletTerminal::set_pix_access_token`](super::WalletTerminal::set_pix_access_token) when
//!   it is renewed). The API's answers are not signed; they are trusted as the mutual-TLS
//!   channel's, and read only when they name the charge's `txid` and amount.
//!
//! The code shown is the answer's `pixCopiaECola` when it is a valid Pix code for the charge's
//! location; without one, paywire builds it from the location ([`paywire_emvqr::build::
//! pix_dynamic`]). Payment notifications (the API's webhooks) are not taken: the charge is
//! polled. Pix refunds (`devolução`) are not built.

use alloc::string::String;
use alloc::vec::Vec;

use paywire_emvqr::{PayloadRef, build, profile};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::{Answer, Built, Millis, PollRule, Read, Response, Subject, UndoAnswer};
use crate::error::{Error, ErrorKind};
use crate::payment::{Amount, Approval, OrderNo};

const JSON: &str = "application/json";

/// The status a removed charge is patched to.
const REMOVED: &str = "REMOVIDA_PELO_USUARIO_RECEBEDOR";

/// A merchant's Pix API settings for shown codes. Its `Debug` never shows the token.
#[derive(Clone)]
pub struct PixConfig {
    /// The PSP's Pix API base (`https://pix.example.com/api/v2`): `/cob/{txid}` is appended.
    pub base_url: String,
    /// The merchant's receiving key (`chave`: a random key, e-mail, phone, CPF / CNPJ).
    pub key: String,
    /// The PSP's OAuth 2.0 access token (client credentials); renew it with
    /// [`WalletTerminal::set_pix_access_token`](super::WalletTerminal::set_pix_access_token).
    /// A request the PSP refuses for the token (`401`, `403`) counts as unanswered, except a
    /// charge's creation, which is then declined (nothing was created).
    pub access_token: Zeroizing<String>,
    /// The merchant's name (59, at most 25 characters) for a code built from the location.
    pub merchant_name: String,
    /// The merchant's city (60, at most 15 characters).
    pub merchant_city: String,
    /// `solicitacaoPagador`: a text shown to the payer, if any.
    pub description: Option<String>,
    /// When to query and close ([`PollRule::PIX`] by default).
    pub rule: PollRule,
}

impl core::fmt::Debug for PixConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PixConfig")
            .field("base_url", &self.base_url)
            .field("key", &self.key)
            .field("access_token", &"<redacted>")
            .field("merchant_name", &self.merchant_name)
            .field("merchant_city", &self.merchant_city)
            .field("rule", &self.rule)
            .finish_non_exhaustive()
    }
}

/// A Pix `txid` is 26 to 35 letters and digits; an order number becomes one as it is (the
/// order number must be 26 to 32 of them).
pub(super) fn valid_txid(order: &OrderNo) -> bool {
    let txid = order.as_str();
    (26..=35).contains(&txid.len()) && txid.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `valor.original`: reais with two decimals.
fn reais(amount: Amount) -> String {
    super::major_units(amount.minor)
}

/// The minor units of a `valor` text as the API writes it (`\d{1,10}\.\d{2}`), if it is one.
fn minor_units(text: &str) -> Option<u64> {
    let (units, cents) = text.split_once('.')?;
    if cents.len() != 2 || units.len() > 10 {
        return None;
    }
    super::minor_units(text)
}

impl PixConfig {
    /// A configuration with paywire's rule for Pix shown codes.
    pub fn new(base_url: &str, key: &str, access_token: &str, name: &str, city: &str) -> Self {
        Self {
            base_url: base_url.into(),
            key: key.into(),
            access_token: Zeroizing::new(access_token.into()),
            merchant_name: name.into(),
            merchant_city: city.into(),
            description: None,
            rule: PollRule::PIX,
        }
    }

    fn request(&self, method: &'static str, order: &OrderNo, body: Vec<u8>) -> Built {
        let url = alloc::format!(
            "{}/cob/{}",
            self.base_url.trim_end_matches('/'),
            order.as_str()
        );
        let mut headers = alloc::vec![
            (
                "Authorization",
                alloc::format!("Bearer {}", self.access_token.as_str())
            ),
            ("Accept", String::from(JSON)),
        ];
        if !body.is_empty() {
            headers.push(("Content-Type", String::from(JSON)));
        }
        Built {
            method,
            url,
            headers,
            body,
            client_certificate: false,
        }
    }

    /// The charge, payable for `valid_for` ms (whole seconds, at least one).
    pub(super) fn create(&self, subject: &Subject<'_>, valid_for: Millis) -> Result<Built, Error> {
        let mut calendar = Map::new();
        calendar.insert(
            "expiracao".into(),
            Value::from(valid_for.div_ceil(1000).max(1)),
        );
        let mut value = Map::new();
        value.insert("original".into(), Value::from(reais(subject.amount)));
        let mut body = Map::new();
        body.insert("calendario".into(), Value::Object(calendar));
        body.insert("valor".into(), Value::Object(value));
        body.insert("chave".into(), Value::from(self.key.as_str()));
        if let Some(text) = &self.description {
            body.insert("solicitacaoPagador".into(), Value::from(text.as_str()));
        }
        let body = serde_json::to_vec(&body).map_err(|_| Error::new(ErrorKind::Signing))?;
        Ok(self.request("PUT", subject.order, body))
    }

    /// The charge read back.
    pub(super) fn query(&self, order: &OrderNo) -> Built {
        self.request("GET", order, Vec::new())
    }

    /// The charge removed.
    pub(super) fn close(&self, order: &OrderNo) -> Result<Built, Error> {
        let mut body = Map::new();
        body.insert("status".into(), Value::from(REMOVED));
        let body = serde_json::to_vec(&body).map_err(|_| Error::new(ErrorKind::Signing))?;
        Ok(self.request("PATCH", order, body))
    }

    /// The code to show for a charge: its `pixCopiaECola` when that is a valid Pix code for
    /// `location`, otherwise one built from `location`.
    fn code(&self, members: &Map<String, Value>) -> Option<String> {
        let get = |name: &str| members.get(name).and_then(Value::as_str);
        let location = get("location").or_else(|| {
            members
                .get("loc")
                .and_then(|l| l.get("location"))
                .and_then(Value::as_str)
        });
        let given = get("pixCopiaECola").filter(|text| {
            PayloadRef::parse(text)
                .ok()
                .and_then(|p| profile::pix(&p).map(|pix| pix.url.map(String::from)))
                .is_some_and(|url| {
                    url.is_some() && (location.is_none() || url.as_deref() == location)
                })
        });
        match (given, location) {
            (Some(text), _) => Some(String::from(text)),
            (None, Some(location)) => {
                build::pix_dynamic(location, &self.merchant_name, &self.merchant_city).ok()
            }
            (None, None) => None,
        }
    }

    /// Reads a create or query answer for the charge `order` of `amount`.
    pub(super) fn read(
        &self,
        what: Read,
        response: &Response<'_>,
        order: &OrderNo,
        amount: Amount,
    ) -> Option<Answer> {
        let members = super::json_object(response.body);
        match response.status {
            200 | 201 => {}
            404 if what == Read::Query => return Some(Answer::Missing),
            // A refused charge (a bad parameter, a txid used for another charge): nothing can
            // be paid under it. The problem's type names the error (RFC 7807).
            400..=499 if what == Read::Create => {
                let get = |name: &str| {
                    members
                        .as_ref()
                        .and_then(|m| m.get(name))
                        .and_then(Value::as_str)
                };
                let kind = get("type").and_then(|t| t.rsplit('/').next());
                return Some(Answer::Declined {
                    code: String::from(kind.unwrap_or("REFUSED")),
                    meaning: get("detail").or_else(|| get("title")).map(String::from),
                });
            }
            _ => return Some(Answer::Unknown),
        }
        let members = members?;
        let get = |name: &str| members.get(name).and_then(Value::as_str);
        let value = members
            .get("valor")
            .and_then(|v| v.get("original"))
            .and_then(Value::as_str);
        if get("txid") != Some(order.as_str()) || value.and_then(minor_units) != Some(amount.minor)
        {
            return Some(Answer::Unknown);
        }
        Some(match (get("status"), what) {
            (Some("ATIVA"), Read::Create) => match self.code(&members) {
                Some(code) => Answer::Created(code),
                None => Answer::Unknown,
            },
            (Some("ATIVA"), _) => Answer::Paying,
            (Some("CONCLUIDA"), _) => Self::paid(&members, amount),
            (Some(status @ (REMOVED | "REMOVIDA_PELO_PSP")), _) => Answer::Declined {
                code: String::from(status),
                meaning: Some(String::from("the charge was removed unpaid")),
            },
            _ => Answer::Unknown,
        })
    }

    /// A concluded charge: paid when its Pix payments add up to the amount.
    fn paid(members: &Map<String, Value>, amount: Amount) -> Answer {
        let payments: &[Value] = members
            .get("pix")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        let total = payments.iter().try_fold(0u64, |sum, p| {
            let minor = p
                .get("valor")
                .and_then(Value::as_str)
                .and_then(minor_units)?;
            sum.checked_add(minor)
        });
        if total != Some(amount.minor) {
            return Answer::Unknown;
        }
        let end_to_end = payments
            .first()
            .and_then(|p| p.get("endToEndId"))
            .and_then(Value::as_str);
        Answer::Paid(Approval {
            transaction_id: end_to_end.map(String::from),
            ..Approval::default()
        })
    }

    /// Reads the removal's answer: removed, or retried after a query (a paid charge cannot be
    /// removed).
    pub(super) fn read_close(&self, response: &Response<'_>, order: &OrderNo) -> UndoAnswer {
        let removed = (200..300).contains(&response.status)
            && super::json_object(response.body).is_some_and(|m| {
                m.get("txid").and_then(Value::as_str) == Some(order.as_str())
                    && m.get("status").and_then(Value::as_str) == Some(REMOVED)
            });
        if removed {
            UndoAnswer::Done
        } else {
            UndoAnswer::Retry
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_the_api_writes_them() {
        // `valor.original` of the specification's examples: "37.00", "123.45".
        assert_eq!(reais(Amount::brl(3700)), "37.00");
        assert_eq!(reais(Amount::brl(12345)), "123.45");
        assert_eq!(reais(Amount::brl(5)), "0.05");
        assert_eq!(minor_units("123.45"), Some(12345));
        assert_eq!(minor_units("110.00"), Some(11000));
        for bad in ["12.3", "12", ".50", "1,00", "-1.00", "12345678901.00"] {
            assert_eq!(minor_units(bad), None, "{bad}");
        }
    }

    fn read(what: Read, status: u16, body: &str, txid: &str, minor: u64) -> Option<Answer> {
        let config = PixConfig::new(
            "https://pix.example.com/api/v2",
            "k",
            "t",
            "Fulano de Tal",
            "BRASILIA",
        );
        let response = Response {
            status,
            headers: &[],
            body: body.as_bytes(),
        };
        config.read(
            what,
            &response,
            &OrderNo::new(txid).unwrap(),
            Amount::brl(minor),
        )
    }

    #[test]
    fn the_specifications_examples() {
        // bacen/pix-api openapi.yaml, `cobResponse1` (a charge created, no pixCopiaECola): the
        // code is built from its location.
        let created = r#"{"calendario":{"criacao":"2020-09-09T20:15:00.358Z","expiracao":3600},"txid":"7978c0c97ea847e78e8849634473c1f1","revisao":0,"loc":{"id":789,"location":"pix.example.com/qr/9d36b84fc70b478fb95c12729b90ca25","tipoCob":"cob"},"location":"pix.example.com/qr/9d36b84fc70b478fb95c12729b90ca25","status":"ATIVA","devedor":{"cnpj":"12345678000195","nome":"Empresa de Serviços SA"},"valor":{"original":"37.00","modalidadeAlteracao":1},"chave":"7d9f0335-8dcc-4054-9bf9-0dbd61d36906","solicitacaoPagador":"Serviço realizado."}"#;
        let txid = "7978c0c97ea847e78e8849634473c1f1";
        let Some(Answer::Created(code)) = read(Read::Create, 201, created, txid, 3700) else {
            panic!("not created");
        };
        let payload = PayloadRef::parse(&code).unwrap();
        assert_eq!(
            profile::pix(&payload).unwrap().url,
            Some("pix.example.com/qr/9d36b84fc70b478fb95c12729b90ca25")
        );
        // The same read back by a query: not paid yet. Another amount or txid: not ours.
        assert_eq!(
            read(Read::Query, 200, created, txid, 3700),
            Some(Answer::Paying)
        );
        assert_eq!(
            read(Read::Query, 200, created, txid, 3600),
            Some(Answer::Unknown)
        );
        let other = "8978c0c97ea847e78e8849634473c1f1";
        assert_eq!(
            read(Read::Query, 200, created, other, 3700),
            Some(Answer::Unknown)
        );
        // `cobResponse2`: concluded, but paid 110.00 on a charge of 100.00 (then 10.00 given
        // back): not the charge's amount, so not approved from this answer.
        let concluded = r#"{"calendario":{"criacao":"2020-09-09T20:15:00.358Z","expiracao":3600},"txid":"655dfdb1a4514b8fbb58254b958913fb","revisao":1,"loc":{"id":567,"location":"pix.example.com/qr/1dd7f893a58e417287028dc33e21a403"},"location":"pix.example.com/qr/1dd7f893a58e417287028dc33e21a403","status":"CONCLUIDA","valor":{"original":"100.00","modalidadeAlteracao":0},"chave":"40a0932d-1918-4eee-845d-35a2da1690dc","pix":[{"endToEndId":"E1234567820200909122120200808008","txid":"655dfdb1a4514b8fbb58254b958913fb","valor":"110.00","horario":"2020-09-09T20:15:00.358Z","devolucoes":[{"id":"123ABC","rtrId":"D1234567820200909122120200808006","valor":"10.00","horario":{"solicitacao":"2020-09-09T20:15:00.358Z"},"status":"EM_PROCESSAMENTO"}]}]}"#;
        let txid = "655dfdb1a4514b8fbb58254b958913fb";
        assert_eq!(
            read(Read::Query, 200, concluded, txid, 10000),
            Some(Answer::Unknown)
        );
        // Paid its amount: approved with the payment's endToEndId.
        let exact = concluded.replace("\"110.00\"", "\"100.00\"");
        assert_eq!(
            read(Read::Query, 200, &exact, txid, 10000),
            Some(Answer::Paid(Approval {
                transaction_id: Some("E1234567820200909122120200808008".into()),
                ..Approval::default()
            }))
        );
        // `RequisicaoInvalidaCobExample1`, a problem answer to a creation (RFC 7807, the API's
        // error types): declined, with the problem's type.
        let problem = r#"{"type":"https://pix.bcb.gov.br/api/v2/error/CobOperacaoInvalida","title":"Cobrança inválida.","status":400,"detail":"A requisição que busca alterar ou criar uma cobrança para pagamento imediato não respeita o _schema_ ou está semanticamente errada.","violacoes":[{"razao":"O campo cob.valor.original não respeita o _schema_.","propriedade":"cob.valor.original"}]}"#;
        let Some(Answer::Declined { code, .. }) = read(Read::Create, 400, problem, txid, 1) else {
            panic!("not declined");
        };
        assert_eq!(code, "CobOperacaoInvalida");
        assert_eq!(
            read(Read::Query, 404, problem, txid, 1),
            Some(Answer::Missing)
        );
        assert_eq!(
            read(Read::Query, 401, problem, txid, 1),
            Some(Answer::Unknown)
        );
    }

    #[test]
    fn txids() {
        // The specification's example txid (32 characters) and the bounds 26–35.
        let ok = OrderNo::new("7978c0c97ea847e78e8849634473c1f1").unwrap();
        assert!(valid_txid(&ok));
        assert!(!valid_txid(&OrderNo::new("ORDER-1").unwrap()));
        assert!(valid_txid(
            &OrderNo::new("7978c0c97ea847e78e884963447").unwrap()
        ));
        assert!(!valid_txid(
            &OrderNo::new("7978c0c97ea847e78e88496344_3c1f1").unwrap()
        ));
        assert!(!valid_txid(
            &OrderNo::new("7978c0c97ea847e78e8849634").unwrap()
        ));
    }
}
