//! The `paywire pos` configuration file (TOML, contract: docs/cli.md): read, checked, and
//! turned into paywire-pos's configurations. Relative paths are relative to the file's folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use paywire_alipay::keys::{PrivateKey as AlipayKey, PublicKey as AlipayPublic};
use paywire_pos::wallet::{AlipayConfig, PixConfig, WechatConfig, WechatNativeConfig};
use paywire_pos::{CardConfig, WalletConfig};
use paywire_unionpay::Key;
use paywire_unionpay::framing::Tpdu;
use paywire_wechat_pay::keys::{PrivateKey as WechatKey, PublicKey as WechatPublic};
use paywire_wechat_pay::v3::Verifiers;
use serde::Deserialize;

use crate::Failure;

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    terminal_id: String,
    merchant_id: String,
    journal: PathBuf,
    currency: Option<String>,
    timeout_seconds: Option<f64>,
    poll_interval_seconds: Option<f64>,
    poll_limit_seconds: Option<f64>,
    /// Another root certificate (PEM) to trust for the wallets' HTTPS: a sandbox's private
    /// CA, or a local counterpart's.
    ca_certificate: Option<PathBuf>,
    cups: Option<CupsFile>,
    wechat: Option<WechatFile>,
    alipay: Option<AlipayFile>,
    pix: Option<PixFile>,
}

/// A PSP's Pix API (shown codes in Brazil).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PixFile {
    /// The API base (`https://…/api/v2`): `/cob/{txid}` is appended.
    url: String,
    /// The PSP's OAuth 2.0 token endpoint (client credentials).
    token_url: String,
    client_id: String,
    client_secret: String,
    /// The merchant's receiving key (`chave`).
    key: String,
    /// For a code built from the charge's location (at most 25 and 15 characters).
    merchant_name: String,
    merchant_city: String,
    /// The merchant's client certificate and key (PEM) for the PSP's mutual TLS.
    client_certificate: Option<PathBuf>,
    client_key: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CupsFile {
    address: String,
    tmk: String,
    tpdu: Option<String>,
    batch: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WechatFile {
    url: String,
    app_id: String,
    mch_id: String,
    key: String,
    /// `HMAC-SHA256` or `MD5` (default).
    sign_type: Option<String>,
    v3_private_key: Option<PathBuf>,
    v3_serial: Option<String>,
    v3_platform_public_key: Option<PathBuf>,
    /// The platform key's id (`Wechatpay-Serial`); without it the one key configured is
    /// used whatever serial an answer names.
    v3_platform_serial: Option<String>,
    /// The API v3 key (32 characters), for notifications (not used by the command itself).
    v3_api_key: Option<String>,
    /// Where WeChat Pay posts a shown code's notification (the command polls instead).
    notify_url: Option<String>,
    /// The merchant's API client certificate and key (PEM), for `/secapi/` (reverse, refund).
    client_certificate: Option<PathBuf>,
    client_key: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlipayFile {
    url: String,
    app_id: String,
    app_private_key: PathBuf,
    alipay_public_key: PathBuf,
}

/// The CUPS side: the terminal's configuration, its master key and where the host is.
pub(super) struct Cups {
    pub(super) card: CardConfig,
    pub(super) tmk: Key,
    pub(super) address: String,
}

/// A client certificate and its key (PEM, both or neither) of the configuration's `section`.
fn identity(
    base: &Path,
    section: &str,
    certificate: Option<&PathBuf>,
    key: Option<&PathBuf>,
) -> Result<Option<ClientIdentity>, Failure> {
    match (certificate, key) {
        (Some(certificate), Some(key)) => {
            let mut pem = read(base, certificate)?.into_bytes();
            pem.push(b'\n');
            pem.extend(read(base, key)?.into_bytes());
            Ok(Some(ClientIdentity { pem }))
        }
        (None, None) => Ok(None),
        _ => Err(Failure::Usage(format!(
            "{section}: client_certificate and client_key go together"
        ))),
    }
}

/// Where the Pix API's access token comes from (OAuth 2.0 client credentials).
pub(super) struct PixToken {
    pub(super) url: String,
    pub(super) client_id: String,
    pub(super) client_secret: String,
    /// The client certificate for the PSP's mutual TLS (token and API calls).
    pub(super) identity: Option<ClientIdentity>,
}

/// The client certificate for WeChat Pay's `/secapi/` endpoints (PEM certificate + key).
pub(super) struct ClientIdentity {
    pub(super) pem: Vec<u8>,
}

/// Everything the command needs.
pub(super) struct Config {
    pub(super) terminal_id: String,
    pub(super) journal: PathBuf,
    pub(super) currency: [u8; 3],
    /// How long a wallet's answer is waited for (ms), counted from when the request leaves.
    pub(super) answer_timeout: u64,
    pub(super) cups: Option<Cups>,
    pub(super) wallets: WalletConfig,
    pub(super) wechat_identity: Option<ClientIdentity>,
    pub(super) pix_token: Option<PixToken>,
    /// `ca_certificate`'s PEM.
    pub(super) ca_certificate: Option<Vec<u8>>,
}

fn millis(seconds: Option<f64>, name: &str) -> Result<Option<u64>, Failure> {
    match seconds {
        None => Ok(None),
        Some(s) if s.is_finite() && s > 0.0 && s < 86_400.0 => {
            // Whole milliseconds (the range check above keeps the cast exact enough).
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked: positive, under a day"
            )]
            Ok(Some((s * 1000.0).round() as u64))
        }
        Some(_) => Err(Failure::Usage(format!(
            "{name}: a number of seconds between 0 and 86400"
        ))),
    }
}

/// A file the configuration names (relative to its folder).
fn read(base: &Path, path: &Path) -> Result<String, Failure> {
    crate::input::read_text(&base.join(path))
}

fn tpdu(text: &str) -> Result<Tpdu, Failure> {
    let bad = || Failure::Usage("cups.tpdu: 10 hex digits".into());
    let bytes = hex::decode(text.trim()).map_err(|_| bad())?;
    let [id, d0, d1, s0, s1] = <[u8; 5]>::try_from(bytes.as_slice()).map_err(|_| bad())?;
    Ok(Tpdu {
        id,
        destination: [d0, d1],
        source: [s0, s1],
    })
}

impl Config {
    /// Reads and checks the file at `path`.
    pub(super) fn load(path: &Path) -> Result<Self, Failure> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
        let file: File = toml::from_str(&text)
            .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let currency = file.currency.as_deref().unwrap_or("156");
        let currency = <[u8; 3]>::try_from(currency.as_bytes())
            .ok()
            .filter(|c| c.iter().all(u8::is_ascii_digit))
            .ok_or_else(|| Failure::Usage("currency: three digits (ISO 4217 numeric)".into()))?;
        let timeout = millis(file.timeout_seconds, "timeout_seconds")?;
        let interval = millis(file.poll_interval_seconds, "poll_interval_seconds")?;
        let limit = millis(file.poll_limit_seconds, "poll_limit_seconds")?;
        let cups = match file.cups {
            None => None,
            Some(c) => {
                let mut card = CardConfig::new(&file.terminal_id, &file.merchant_id);
                card.confirm_approvals = true;
                if let Some(t) = timeout {
                    card.response_timeout = t;
                }
                if let Some(t) = &c.tpdu {
                    card.tpdu = tpdu(t)?;
                }
                if let Some(batch) = c.batch {
                    card.batch = batch;
                }
                let tmk = hex::decode(c.tmk.trim())
                    .ok()
                    .and_then(|k| Key::des_or_tdes(&k).ok())
                    .ok_or_else(|| Failure::Usage("cups.tmk: 16 or 32 hex digits".into()))?;
                Some(Cups {
                    card,
                    tmk,
                    address: c.address,
                })
            }
        };
        let rule = |mut rule: paywire_pos::wallet::PollRule| {
            if let Some(t) = timeout {
                rule.response_timeout = t;
            }
            if let Some(i) = interval {
                rule.query_interval = i;
                rule.first_query_when_paying = i;
            }
            if let Some(l) = limit {
                rule.give_up_after = l;
            }
            rule
        };
        let mut wallets = WalletConfig::default();
        let mut wechat_identity = None;
        if let Some(w) = file.wechat {
            let mut v2 = WechatConfig::new(&w.app_id, &w.mch_id, &w.key);
            v2.base_url.clone_from(&w.url);
            v2.rule = rule(v2.rule);
            match w.sign_type.as_deref() {
                None | Some("MD5") => {}
                Some("HMAC-SHA256") => {
                    v2.sign_type = paywire_wechat_pay::v2::SignType::HmacSha256;
                }
                Some(_) => {
                    return Err(Failure::Usage(
                        "wechat.sign_type: MD5 or HMAC-SHA256".into(),
                    ));
                }
            }
            wallets.wechat = Some(v2);
            match (&w.v3_private_key, &w.v3_serial, &w.v3_platform_public_key) {
                (Some(private), Some(serial), Some(platform)) => {
                    let merchant = WechatKey::from_pem(&read(base, private)?)
                        .map_err(|e| Failure::Usage(format!("wechat.v3_private_key: {e}")))?;
                    let platform_key =
                        WechatPublic::from_pem(&read(base, platform)?).map_err(|e| {
                            Failure::Usage(format!("wechat.v3_platform_public_key: {e}"))
                        })?;
                    // Without its serial, the one platform key checks every answer.
                    let mut verifiers = Verifiers::new();
                    match &w.v3_platform_serial {
                        Some(serial) => verifiers.add_public_key(serial, platform_key),
                        None => verifiers.pin_public_key(platform_key),
                    };
                    let api_v3_key = w.v3_api_key.clone().unwrap_or_default();
                    let mut native = WechatNativeConfig::new(
                        &w.app_id,
                        &w.mch_id,
                        merchant,
                        serial,
                        Arc::new(verifiers),
                        api_v3_key.as_bytes(),
                        w.notify_url
                            .as_deref()
                            .unwrap_or("https://127.0.0.1/paywire-pos/notify"),
                    );
                    native.base_url.clone_from(&w.url);
                    native.rule = rule(native.rule);
                    wallets.wechat_native = Some(native);
                }
                (None, None, None) => {}
                _ => {
                    return Err(Failure::Usage(
                        "wechat: v3_private_key, v3_serial and v3_platform_public_key go together"
                            .into(),
                    ));
                }
            }
            wechat_identity = identity(
                base,
                "wechat",
                w.client_certificate.as_ref(),
                w.client_key.as_ref(),
            )?;
        }
        if let Some(a) = file.alipay {
            let private = AlipayKey::from_pem(&read(base, &a.app_private_key)?)
                .map_err(|e| Failure::Usage(format!("alipay.app_private_key: {e}")))?;
            let public = AlipayPublic::from_pem(&read(base, &a.alipay_public_key)?)
                .map_err(|e| Failure::Usage(format!("alipay.alipay_public_key: {e}")))?;
            let mut alipay = AlipayConfig::new(&a.app_id, private, public);
            alipay.gateway = a.url;
            alipay.terminal_id = Some(file.terminal_id.clone());
            alipay.rule = rule(alipay.rule);
            wallets.alipay = Some(alipay);
        }
        let mut pix_token = None;
        if let Some(p) = file.pix {
            // The token is fetched when the first Pix request leaves.
            let mut pix = PixConfig::new(&p.url, &p.key, "", &p.merchant_name, &p.merchant_city);
            pix.rule = rule(pix.rule);
            wallets.pix = Some(pix);
            let identity = identity(
                base,
                "pix",
                p.client_certificate.as_ref(),
                p.client_key.as_ref(),
            )?;
            pix_token = Some(PixToken {
                url: p.token_url,
                client_id: p.client_id,
                client_secret: p.client_secret,
                identity,
            });
        }
        let ca_certificate = match &file.ca_certificate {
            Some(path) => Some(read(base, path)?.into_bytes()),
            None => None,
        };
        Ok(Self {
            answer_timeout: timeout
                .unwrap_or(paywire_pos::wallet::PollRule::WECHAT.response_timeout),
            ca_certificate,
            terminal_id: file.terminal_id,
            journal: base.join(file.journal),
            currency,
            cups,
            wallets,
            wechat_identity,
            pix_token,
        })
    }
}
