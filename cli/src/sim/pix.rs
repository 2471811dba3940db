//! `sim pix`: a PSP's Pix API (Banco Central do Brasil's specification, bacen/pix-api
//! `openapi.yaml`) for shown codes, over HTTP.
//!
//! `POST /oauth/token` hands out the access token for the client's id and secret (OAuth 2.0
//! client credentials, basic authentication; `401 invalid_client` otherwise). Under any base
//! path, `PUT …/cob/{txid}` creates an immediate charge (`201`, `status` `ATIVA`, its
//! `location` and `pixCopiaECola`), `GET …/cob/{txid}` reads it (`ATIVA`; `CONCLUIDA` with the
//! payment in `pix[]`; `REMOVIDA_PELO_USUARIO_RECEBEDOR`), `PATCH …/cob/{txid}` with that status
//! removes an unpaid one (`400` for a paid one). Every call needs `Authorization: Bearer
//! <token>` (`401` otherwise); errors are RFC 7807 problems with the API's types. The customer
//! scans the code before the first query and pays as the amount decides (77: after 3 more
//! queries; 78 and 51: never); a charge is not paid after its `expiracao`. The answers are
//! not signed (the real API relies on mutual TLS): `badmac` answers a body that does not parse.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{Value, json};

use super::Ledger;
use super::http::{Answer, Counterpart, Request};
use super::wallet::{Order, Orders, State, major_units, minor_units};

/// The operations faults can name.
pub(super) const OPERATIONS: [&str; 4] = ["token", "create", "query", "remove"];

const JSON: &str = "application/json";
const PROBLEM: &str = "application/problem+json";
const REMOVED: &str = "REMOVIDA_PELO_USUARIO_RECEBEDOR";

/// One charge besides its order: what the API shows of it.
struct Charge {
    /// Seconds it is payable for.
    expiracao: u64,
    /// When it stops being payable (Unix ms).
    expires_at: u64,
    key: String,
    /// The payment's end-to-end id, once paid.
    end_to_end: Option<String>,
}

/// The Pix PSP counterpart.
pub(super) struct Pix {
    client_id: String,
    client_secret: String,
    token: String,
    /// The payload locations' host and path (`<host>/qr/v2/<txid>`).
    host: String,
    orders: Orders,
    charges: BTreeMap<String, Charge>,
    payments: u64,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// An RFC 7807 problem of the Pix API (`type` under `https://pix.bcb.gov.br/api/v2/error/`).
fn problem(status: u16, kind: &str, detail: &str) -> Answer {
    let body = json!({"type": format!("https://pix.bcb.gov.br/api/v2/error/{kind}"),
        "title": kind, "status": status, "detail": detail});
    Answer::new(status, PROBLEM, body.to_string().into_bytes())
}

/// A txid as the API takes it: 26 to 35 letters and digits.
fn valid_txid(txid: &str) -> bool {
    (26..=35).contains(&txid.len()) && txid.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl Pix {
    pub(super) fn new(
        client_id: String,
        client_secret: String,
        token: String,
        host: String,
        ledger: Ledger,
    ) -> Self {
        Self {
            client_id,
            client_secret,
            token,
            host,
            orders: Orders::new(ledger, "reverse", "E0000000020261207"),
            charges: BTreeMap::new(),
            payments: 0,
        }
    }

    /// The charge as the API shows it (`CobGerada` / `CobCompleta`).
    fn charge(&self, txid: &str, order: &Order) -> Value {
        let status = match order.state {
            State::Paid => "CONCLUIDA",
            State::Paying(_) | State::Declined => "ATIVA",
            State::Undone | State::Closed => REMOVED,
        };
        let location = format!("{}/qr/v2/{txid}", self.host);
        let charge = self.charges.get(txid);
        let mut body = serde_json::Map::new();
        body.insert("txid".into(), Value::from(txid));
        body.insert("revisao".into(), Value::from(0));
        body.insert("status".into(), Value::from(status));
        body.insert(
            "calendario".into(),
            json!({"expiracao": charge.map_or(0, |c| c.expiracao)}),
        );
        body.insert(
            "valor".into(),
            json!({"original": major_units(order.amount)}),
        );
        body.insert(
            "chave".into(),
            Value::from(charge.map_or("", |c| c.key.as_str())),
        );
        if status == "ATIVA"
            && let Ok(code) =
                paywire_emvqr::build::pix_dynamic(&location, "PAYWIRE SIM", "SAO PAULO")
        {
            body.insert("pixCopiaECola".into(), Value::from(code));
        }
        if let Some(end_to_end) = charge.and_then(|c| c.end_to_end.as_deref()) {
            body.insert(
                "pix".into(),
                json!([{"endToEndId": end_to_end, "txid": txid,
                    "valor": major_units(order.amount)}]),
            );
        }
        body.insert("location".into(), Value::from(location));
        Value::Object(body)
    }

    fn ok(status: u16, body: &Value) -> Answer {
        Answer::new(status, JSON, body.to_string().into_bytes())
    }

    fn token(&self, request: &Request) -> Answer {
        let expected = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.client_id, self.client_secret));
        let authorized = request
            .header("Authorization")
            .and_then(|a| a.strip_prefix("Basic "))
            == Some(expected.as_str());
        let grant =
            String::from_utf8_lossy(&request.body).contains("grant_type=client_credentials");
        if !authorized || !grant {
            let body = json!({"error": "invalid_client"});
            return Answer::new(401, JSON, body.to_string().into_bytes());
        }
        Self::ok(
            200,
            &json!({"access_token": self.token, "token_type": "Bearer", "expires_in": 3600,
                "scope": "cob.write cob.read"}),
        )
    }

    fn create(&mut self, txid: &str, body: &[u8]) -> Answer {
        let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else {
            return problem(400, "CobPayloadInvalido", "the body is not a JSON object");
        };
        let expiracao = body
            .get("calendario")
            .and_then(|c| c.get("expiracao"))
            .and_then(Value::as_u64)
            .unwrap_or(86_400);
        let amount = body
            .get("valor")
            .and_then(|v| v.get("original"))
            .and_then(Value::as_str)
            .and_then(minor_units);
        let key = body
            .get("chave")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let (Some(amount), false) = (amount, key.is_empty()) else {
            return problem(400, "CobPayloadInvalido", "valor.original, chave");
        };
        let Some(order) = self.orders.create_shown(txid, amount) else {
            return problem(400, "CobOperacaoInvalida", "txid already used");
        };
        self.charges.insert(
            txid.to_owned(),
            Charge {
                expiracao,
                expires_at: now_ms().saturating_add(expiracao.saturating_mul(1000)),
                key: key.to_owned(),
                end_to_end: None,
            },
        );
        Self::ok(201, &self.charge(txid, &order))
    }

    fn query(&mut self, txid: &str) -> Answer {
        let expired = self
            .charges
            .get(txid)
            .is_none_or(|c| now_ms() >= c.expires_at);
        // A charge is paid only while it is payable.
        let order = if expired {
            self.orders.get(txid)
        } else {
            self.orders.query(txid)
        };
        let Some(order) = order else {
            return problem(404, "CobNaoEncontrado", "no charge with that txid");
        };
        if order.state == State::Paid
            && let Some(charge) = self.charges.get_mut(txid)
            && charge.end_to_end.is_none()
        {
            self.payments = self.payments.saturating_add(1);
            charge.end_to_end = Some(format!("E00000000202612070000{:011}", self.payments));
        }
        Self::ok(200, &self.charge(txid, &order))
    }

    fn remove(&mut self, txid: &str, body: &[u8]) -> Answer {
        let status = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|b| b.get("status").and_then(Value::as_str).map(String::from));
        if status.as_deref() != Some(REMOVED) {
            return problem(400, "CobPayloadInvalido", "status");
        }
        match self.orders.close(txid) {
            Ok(()) => match self.orders.get(txid) {
                Some(order) => Self::ok(200, &self.charge(txid, &order)),
                None => problem(404, "CobNaoEncontrado", "no charge with that txid"),
            },
            Err(Some(_)) => problem(400, "CobOperacaoInvalida", "the charge is paid"),
            Err(None) => problem(404, "CobNaoEncontrado", "no charge with that txid"),
        }
    }
}

impl Counterpart for Pix {
    const NAME: &'static str = "pix";

    fn operation(&self, request: &Request) -> Option<&'static str> {
        if request.path.ends_with("/oauth/token") {
            return Some("token");
        }
        request.path.contains("/cob/").then_some(())?;
        Some(match request.method.as_str() {
            "PUT" => "create",
            "GET" => "query",
            "PATCH" => "remove",
            _ => return None,
        })
    }

    fn answer(&mut self, request: &Request, forge: bool) -> Answer {
        let answer = if request.method == "POST" && request.path.ends_with("/oauth/token") {
            self.token(request)
        } else if request.header("Authorization") != Some(format!("Bearer {}", self.token).as_str())
        {
            problem(401, "AcessoNegado", "no valid access token")
        } else {
            let path = request.path.split('?').next().unwrap_or_default();
            match path.rsplit_once("/cob/") {
                Some((_, txid)) if valid_txid(txid) => match request.method.as_str() {
                    "PUT" => self.create(txid, &request.body),
                    "GET" => self.query(txid),
                    "PATCH" => self.remove(txid, &request.body),
                    _ => problem(405, "RequisicaoInvalida", "method"),
                },
                Some(_) => problem(400, "CobPayloadInvalido", "txid: 26-35 letters and digits"),
                None => problem(404, "NaoEncontrado", "no such endpoint"),
            }
        };
        if forge {
            // What a corrupted answer looks like without signatures: it does not parse.
            return Answer::new(answer.status, JSON, b"{\"txid\": ".to_vec());
        }
        answer
    }
}
