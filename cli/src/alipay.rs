//! `paywire alipay ...`

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use paywire_alipay::keys::{Certificate, PrivateKey, PublicKey, SignType};
use paywire_alipay::v1::{self, Notification};

use crate::{Failure, Outcome, input, print};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum SignTypeArg {
    /// SHA256withRSA (the default).
    #[value(name = "RSA2")]
    Rsa2,
    /// SHA1withRSA.
    #[value(name = "RSA")]
    Rsa,
    /// SM3withSM2.
    #[value(name = "SM2")]
    Sm2,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Sign v1 request parameters (a JSON object); prints the base64 signature.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo '{"app_id":"2014060600164699","method":"alipay.trade.query","charset":"utf-8","sign_type":"RSA2","timestamp":"2024-01-02 03:04:05","version":"1.0","biz_content":{"out_trade_no":"1"}}' | paywire alipay sign --private-key alipay/tests/keys/app-private-key.pem"##))]
    Sign {
        /// The application private key (PEM, or the bare base64 the console shows).
        #[arg(long)]
        private_key: PathBuf,
        /// The signature type.
        #[arg(long, value_enum, default_value = "RSA2")]
        sign_type: SignTypeArg,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
    /// Verify an asynchronous notification body (form-encoded); exit 0 valid, 1 invalid.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire alipay verify-notify --public-key alipay/tests/keys/notify-public-key-v1.txt alipay/tests/vectors/trade_notify.form"##))]
    VerifyNotify {
        /// Alipay's public key (PEM, bare base64, or its certificate).
        #[arg(long)]
        public_key: PathBuf,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
    /// Verify a synchronous response over its raw node text; exit 0 valid, 1 invalid.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire alipay verify-response --public-key alipay/tests/keys/app-public-key.pem --method alipay.trade.query alipay/tests/vectors/trade_query_response.json"##))]
    VerifyResponse {
        /// Alipay's public key (PEM, bare base64, or its certificate).
        #[arg(long)]
        public_key: PathBuf,
        /// The API method (`alipay.trade.pay`).
        #[arg(long)]
        method: String,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
    /// Print a certificate's SN (`app_cert_sn` / `alipay_cert_sn`).
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire alipay cert-sn --certificate alipay/tests/keys/appCertPublicKey_2021001161683774.crt"##))]
    CertSn {
        /// The certificate (PEM).
        #[arg(long)]
        certificate: PathBuf,
    },
    /// Print a root bundle's SN (`alipay_root_cert_sn`).
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire alipay root-cert-sn --certificate alipay/tests/keys/alipayRootCert.crt"##))]
    RootCertSn {
        /// The root certificate bundle (PEM).
        #[arg(long)]
        certificate: PathBuf,
    },
}

fn public_key(path: &Path) -> Result<PublicKey, Failure> {
    PublicKey::from_pem(&input::read_text(path)?)
        .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))
}

pub(crate) fn run(command: Command) -> Outcome {
    match command {
        Command::Sign {
            private_key,
            sign_type,
            input,
        } => {
            let sign_type = match sign_type {
                SignTypeArg::Rsa2 => SignType::Rsa2,
                SignTypeArg::Rsa => SignType::Rsa,
                SignTypeArg::Sm2 => SignType::Sm2,
            };
            let key = PrivateKey::from_pem(&input::read_text(&private_key)?)
                .and_then(|k| k.with_sign_type(sign_type))
                .map_err(|e| Failure::Usage(format!("{}: {e}", private_key.display())))?;
            let owned = input::string_params(input.as_deref())?;
            let pairs: Vec<(&str, &str)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let signature = v1::sign(&key, &pairs).map_err(|e| Failure::Rejected(e.to_string()))?;
            print(&format!("{signature}\n"))
        }
        Command::VerifyNotify {
            public_key: path,
            input,
        } => {
            let key = public_key(&path)?;
            let body = input::read(input.as_deref())?;
            let notification = Notification::parse(body.trim_ascii())
                .map_err(|e| Failure::Rejected(e.to_string()))?;
            // rsaCheckV1 (sign_type left out), then rsaCheckV2 (kept), as the SDKs try both.
            notification
                .verify(&key)
                .or_else(|_| notification.verify_keeping_sign_type(&key))
                .map_err(|e| Failure::Rejected(e.to_string()))?;
            print("valid\n")
        }
        Command::VerifyResponse {
            public_key: path,
            method,
            input,
        } => {
            let key = public_key(&path)?;
            let raw = input::read(input.as_deref())?;
            let text = std::str::from_utf8(&raw)
                .map_err(|_| Failure::Rejected("response is not UTF-8".into()))?;
            v1::verify_response(&key, key.default_sign_type(), text.trim_end(), &method)
                .map_err(|e| Failure::Rejected(e.to_string()))?;
            print("valid\n")
        }
        Command::CertSn { certificate } => {
            let cert = Certificate::from_pem(&input::read_text(&certificate)?)
                .map_err(|e| Failure::Rejected(format!("{}: {e}", certificate.display())))?;
            print(&format!("{}\n", cert.sn()))
        }
        Command::RootCertSn { certificate } => {
            let sn = paywire_alipay::keys::root_cert_sn(&input::read_text(&certificate)?)
                .map_err(|e| Failure::Rejected(format!("{}: {e}", certificate.display())))?;
            print(&format!("{sn}\n"))
        }
    }
}
