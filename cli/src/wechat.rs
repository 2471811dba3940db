//! `paywire wechat ...`

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use paywire_wechat_pay::keys::{Certificate, PrivateKey, PublicKey, Verifier as _};
use paywire_wechat_pay::v2::{self, SignType};
use paywire_wechat_pay::v3;
use serde_json::Value as Json;

use crate::{Failure, Outcome, input, print};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum SignTypeArg {
    /// MD5 (the default).
    #[value(name = "MD5")]
    Md5,
    /// HMAC-SHA256.
    #[value(name = "HMAC-SHA256")]
    HmacSha256,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Sign API v2 parameters (a JSON object of string values, or a v2 XML document); prints the
    /// upper-case hex.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo '{"appid":"wxd930ea5d5a258f4f","mch_id":"10000100","device_info":"1000","body":"test","nonce_str":"ibuaiVcKdpRxkhJA"}' | paywire wechat v2-sign --key 192006250b4c09247ec02edce69f6a2d"##))]
    V2Sign {
        /// The API key.
        #[arg(long)]
        key: String,
        /// The digest.
        #[arg(long, value_enum, default_value = "MD5")]
        sign_type: SignTypeArg,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
    /// Decrypt an API v3 notification (or its `resource` object); prints the plaintext.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo '{"resource":{"algorithm":"AEAD_AES_256_GCM","ciphertext":"ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=","associated_data":"associatedData","nonce":"uluk4a9R25RW"}}' | paywire wechat v3-decrypt --api-v3-key a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"##))]
    V3Decrypt {
        /// The API v3 key.
        #[arg(long)]
        api_v3_key: String,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
    /// Sign an API v3 request; prints the whole `Authorization` header value.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire wechat v3-authorization --mchid 1230000109 --serial F5765756002FDD77 --private-key wechat-pay/tests/keys/go_signer_key.pem --method GET --url /v3/certificates --timestamp 1554208460 --nonce 593BEC0C930BF1AFEB40B4A08C8FB242"##))]
    V3Authorization {
        /// The merchant ID.
        #[arg(long)]
        mchid: String,
        /// The merchant API certificate's serial number.
        #[arg(long)]
        serial: String,
        /// The merchant private key (PEM, RSA or SM2).
        #[arg(long)]
        private_key: PathBuf,
        /// The HTTP method.
        #[arg(long)]
        method: String,
        /// The path and query, as sent.
        #[arg(long)]
        url: String,
        /// Unix seconds.
        #[arg(long)]
        timestamp: String,
        /// The nonce.
        #[arg(long)]
        nonce: String,
        /// The body file (no body when absent).
        #[arg(long)]
        body: Option<PathBuf>,
    },
    /// Verify an API v3 response or notification signature; exit 0 valid, 1 invalid.
    #[command(group(clap::ArgGroup::new("key").required(true).args(["public_key", "certificate"])))]
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire wechat v3-verify --certificate wechat-pay/tests/keys/go_platform_cert.pem --timestamp 1624523846 --nonce EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz --signature tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q== --now 1624523846 --body wechat-pay/tests/vectors/go_notify_body.json"##))]
    V3Verify {
        /// WeChat Pay's public key (PEM).
        #[arg(long)]
        public_key: Option<PathBuf>,
        /// WeChat Pay's platform certificate (PEM).
        #[arg(long)]
        certificate: Option<PathBuf>,
        /// `Wechatpay-Timestamp`.
        #[arg(long)]
        timestamp: String,
        /// `Wechatpay-Nonce`.
        #[arg(long)]
        nonce: String,
        /// `Wechatpay-Signature` (base64).
        #[arg(long)]
        signature: String,
        /// The time to check the timestamp against (Unix seconds; default the clock).
        #[arg(long, allow_hyphen_values = true)]
        now: Option<i64>,
        /// The raw body file (empty body when absent).
        #[arg(long)]
        body: Option<PathBuf>,
    },
    /// Verify the `sign` of API v2 parameters (v2 XML or a JSON object); exit 0 valid, 1 invalid.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo '<xml><appid>wxd930ea5d5a258f4f</appid><mch_id>10000100</mch_id><device_info>1000</device_info><body>test</body><nonce_str>ibuaiVcKdpRxkhJA</nonce_str><sign>9A0A8659F005D6984697E2CA0A9CF3B7</sign></xml>' | paywire wechat v2-verify --key 192006250b4c09247ec02edce69f6a2d"##))]
    V2Verify {
        /// The API key.
        #[arg(long)]
        key: String,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
}

/// The parameters of a JSON object of strings, or of a flat v2 XML document.
fn params(input: Option<PathBuf>) -> Result<Vec<(String, String)>, Failure> {
    let raw = input::read(input.as_deref())?;
    if raw.trim_ascii_start().starts_with(b"<") {
        let text = std::str::from_utf8(&raw)
            .map_err(|_| Failure::Rejected("XML input is not UTF-8".into()))?;
        let doc = v2::xml::Document::parse(text).map_err(|e| Failure::Rejected(e.to_string()))?;
        return Ok(doc
            .params()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect());
    }
    input::parse_object(&raw)?
        .iter()
        .map(|(k, v)| match v {
            Json::String(s) => Ok((k.clone(), s.clone())),
            Json::Number(n) => Ok((k.clone(), n.to_string())),
            _ => Err(Failure::Rejected(format!(
                "parameter {k:?} is not a string"
            ))),
        })
        .collect()
}

pub(crate) fn run(command: Command) -> Outcome {
    match command {
        Command::V2Sign {
            key,
            sign_type,
            input,
        } => {
            let owned = params(input)?;
            let borrowed: Vec<(&str, &str)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let sign_type = match sign_type {
                SignTypeArg::Md5 => SignType::Md5,
                SignTypeArg::HmacSha256 => SignType::HmacSha256,
            };
            print(&format!(
                "{}\n",
                v2::sign(&borrowed, &key, sign_type).as_str()
            ))
        }
        Command::V3Decrypt { api_v3_key, input } => {
            let raw = input::read(input.as_deref())?;
            let doc: Json = serde_json::from_slice(&raw)
                .map_err(|e| Failure::Rejected(format!("input is not JSON: {e}")))?;
            let resource = doc.get("resource").unwrap_or(&doc);
            let field = |name: &str| -> Result<&str, Failure> {
                resource
                    .get(name)
                    .and_then(Json::as_str)
                    .ok_or_else(|| Failure::Rejected(format!("resource has no string {name:?}")))
            };
            let algorithm = paywire_wechat_pay::v3::Algorithm::from_name(field("algorithm")?)
                .map_err(|e| Failure::Rejected(e.to_string()))?;
            let ciphertext = field("ciphertext")?;
            let mut out = vec![0u8; ciphertext.len()];
            let plain = paywire_wechat_pay::v3::decrypt(
                algorithm,
                api_v3_key.as_bytes(),
                field("nonce")?,
                resource
                    .get("associated_data")
                    .and_then(Json::as_str)
                    .unwrap_or(""),
                ciphertext,
                &mut out,
            )
            .map_err(|e| Failure::Rejected(e.to_string()))?;
            let text = String::from_utf8_lossy(plain).into_owned();
            print(&format!("{text}\n"))
        }
        Command::V3Authorization {
            mchid,
            serial,
            private_key,
            method,
            url,
            timestamp,
            nonce,
            body,
        } => {
            let key = PrivateKey::from_pem(&input::read_text(&private_key)?)
                .map_err(|e| Failure::Usage(format!("{}: {e}", private_key.display())))?;
            let body = match body {
                Some(path) => input::read(Some(&path))?,
                None => Vec::new(),
            };
            let request = v3::Request {
                method: &method,
                url: &url,
                timestamp: &timestamp,
                nonce: &nonce,
                body: &body,
            };
            let header = v3::authorization(&key, &mchid, &serial, &request)
                .map_err(|e| Failure::Usage(e.to_string()))?;
            print(&format!("{header}\n"))
        }
        Command::V3Verify {
            public_key,
            certificate,
            timestamp,
            nonce,
            signature,
            now,
            body,
        } => {
            let key = match (public_key, certificate) {
                (Some(path), _) => PublicKey::from_pem(&input::read_text(&path)?)
                    .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?,
                (None, Some(path)) => Certificate::from_pem(&input::read_text(&path)?)
                    .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?
                    .public_key()
                    .clone(),
                (None, None) => {
                    return Err(Failure::Usage("give --public-key or --certificate".into()));
                }
            };
            let body = match body {
                Some(path) => input::read(Some(&path))?,
                None => Vec::new(),
            };
            let now = match now {
                Some(now) => now,
                None => std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            };
            let headers = v3::Headers {
                timestamp: &timestamp,
                nonce: &nonce,
                signature: &signature,
                serial: "",
                signature_type: Some(key.scheme().name()),
            };
            v3::verify(&key, &headers, &body, now).map_err(|e| Failure::Rejected(e.to_string()))?;
            print("valid\n")
        }
        Command::V2Verify { key, input } => {
            let owned = params(input)?;
            let borrowed: Vec<(&str, &str)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            if v2::verify(&borrowed, &key, None) {
                print("valid\n")
            } else {
                Err(Failure::Rejected("signature does not match".into()))
            }
        }
    }
}
