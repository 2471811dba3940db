//! `paywire unionpay ...`

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use paywire_unionpay::{Key, acp, key, mac, pin};

use crate::{Failure, Outcome, input, print};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum MacAlgorithm {
    /// UnionPay ECB MAC, DES or 3DES by key length.
    #[value(name = "cups-ecb")]
    CupsEcb,
    /// UnionPay ECB MAC with SM4.
    #[value(name = "cups-ecb-sm4")]
    CupsEcbSm4,
    /// ANSI X9.9 CBC-MAC.
    #[value(name = "x9.9")]
    X99,
    /// ANSI X9.19 retail MAC (double-length key).
    #[value(name = "x9.19")]
    X919,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum CipherArg {
    /// Triple DES (DES for an 8-byte key).
    #[value(name = "3des")]
    Tdes,
    /// SM4.
    #[value(name = "sm4")]
    Sm4,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum SignMethodArg {
    /// RSA with the merchant certificate's key (needs --private-key).
    #[value(name = "01")]
    Rsa,
    /// SHA-256 with the secure key.
    #[value(name = "11")]
    Sha256,
    /// SM3 with the secure key.
    #[value(name = "12")]
    Sm3,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Sign ACP gateway parameters (a JSON object); prints the `signature` value.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo '{"version":"5.1.0","encoding":"UTF-8","certId":"69903319369","signMethod":"01","txnType":"01","txnSubType":"01","bizType":"000201","channelType":"07","accessType":"0","backUrl":"http://example.com/back","currencyCode":"156","merId":"777290058110097","orderId":"20240101000000","txnTime":"20240101000000","txnAmt":"100"}' | paywire unionpay acp-sign --sign-method 11 --secure-key 88888888"##))]
    AcpSign {
        /// The signature method.
        #[arg(long, value_enum)]
        sign_method: SignMethodArg,
        /// The secure key (methods 11 and 12).
        #[arg(long)]
        secure_key: Option<String>,
        /// The merchant signing key (method 01): PEM, or the PKCS#12 file UnionPay issues
        /// (then `--password`; the input's `certId` must be its certificate's).
        #[arg(long)]
        private_key: Option<PathBuf>,
        /// The PKCS#12 file's password.
        #[arg(long)]
        password: Option<String>,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
    /// Compute a MAC over the input bytes: for cups-ecb and cups-ecb-sm4 the 8 characters of field
    /// 64, for x9.9 and x9.19 the 8-byte MAC as upper-case hex.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire unionpay mac --algorithm cups-ecb --key C24A8FB57AA20123 --hex iso8583/tests/vectors/cups-0200-mab.hex"##))]
    Mac {
        /// The MAC algorithm.
        #[arg(long, value_enum)]
        algorithm: MacAlgorithm,
        /// The MAC key as hex.
        #[arg(long)]
        key: String,
        /// The input is hexadecimal text.
        #[arg(long)]
        hex: bool,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
    /// Build an ISO 9564 format-0 PIN block, encrypted when a key is given.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire unionpay pin-block --pan 4217123412341234 --pin 123456"##))]
    PinBlock {
        /// The card number.
        #[arg(long)]
        pan: String,
        /// The PIN.
        #[arg(long)]
        pin: String,
        /// The PIN block format (only 0 is built so far).
        #[arg(long, default_value = "0")]
        format: u8,
        /// The PIN key as hex.
        #[arg(long, requires = "cipher")]
        key: Option<String>,
        /// The cipher for the PIN key.
        #[arg(long, value_enum)]
        cipher: Option<CipherArg>,
    },
    /// Print a key's check value (4 bytes for DES/3DES, 8 for SM4).
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire unionpay kcv --key F351D490994603795C6EBEE8FAEBB481 --cipher sm4"##))]
    Kcv {
        /// The key as hex.
        #[arg(long)]
        key: String,
        /// The cipher.
        #[arg(long, value_enum, default_value = "3des")]
        cipher: CipherArg,
    },
}

fn key_from(hex_text: &str, cipher: CipherArg) -> Result<Key, Failure> {
    let mut bytes = hex::decode(hex_text.trim())
        .map_err(|_| Failure::Usage("--key is not hexadecimal".into()))?;
    let key = match cipher {
        CipherArg::Tdes => Key::des_or_tdes(&bytes),
        CipherArg::Sm4 => Key::sm4(&bytes),
    };
    bytes.fill(0);
    key.map_err(|e| Failure::Usage(format!("--key: {e}")))
}

/// `acp-sign`: the parameters as strings (non-string JSON values as their JSON text).
/// The signing key of `path`: PEM, or PKCS#12 (DER) with `password`, whose certificate must be
/// the one the parameters' `certId` names.
fn signing_key(
    path: &std::path::Path,
    password: Option<&str>,
    params: &[(&str, &str)],
) -> Result<acp::SigningKey, Failure> {
    let bytes = input::read(Some(path))?;
    let bad = |e: paywire_unionpay::Error| Failure::Usage(format!("{}: {e}", path.display()));
    if let Ok(text) = std::str::from_utf8(&bytes)
        && text.contains("-----BEGIN")
    {
        return acp::SigningKey::from_pem(text).map_err(bad);
    }
    let cert = paywire_unionpay::pfx::load(&bytes, password.unwrap_or_default()).map_err(bad)?;
    let cert_id = params.iter().find(|(k, _)| *k == "certId").map(|(_, v)| *v);
    if cert_id != Some(cert.cert_id()) {
        return Err(Failure::Rejected(format!(
            "certId must be the PKCS#12 certificate's: {}",
            cert.cert_id()
        )));
    }
    Ok(cert.key().clone())
}

fn acp_sign(
    method: SignMethodArg,
    secure_key: Option<String>,
    private_key: Option<PathBuf>,
    password: Option<String>,
    input: Option<PathBuf>,
) -> Outcome {
    let owned = input::string_params(input.as_deref())?;
    let params: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let signature = match (method, secure_key, private_key) {
        (SignMethodArg::Rsa, _, Some(path)) => {
            let key = signing_key(&path, password.as_deref(), &params)?;
            acp::sign_rsa(&params, &key)
        }
        (SignMethodArg::Sha256, Some(k), _) => {
            acp::sign_with_secure_key(&params, acp::SignMethod::Sha256, &k)
        }
        (SignMethodArg::Sm3, Some(k), _) => {
            acp::sign_with_secure_key(&params, acp::SignMethod::Sm3, &k)
        }
        (SignMethodArg::Rsa, _, None) => {
            return Err(Failure::Usage(
                "--sign-method 01 needs --private-key".into(),
            ));
        }
        (_, None, _) => {
            return Err(Failure::Usage(
                "--sign-method 11/12 needs --secure-key".into(),
            ));
        }
    }
    .map_err(|e| Failure::Rejected(e.to_string()))?;
    print(&format!("{signature}\n"))
}

pub(crate) fn run(command: Command) -> Outcome {
    match command {
        Command::AcpSign {
            sign_method,
            secure_key,
            private_key,
            password,
            input,
        } => acp_sign(sign_method, secure_key, private_key, password, input),
        Command::Mac {
            algorithm,
            key,
            hex,
            input,
        } => {
            let data = input::read_binary(input.as_deref(), hex)?;
            let cipher = match algorithm {
                MacAlgorithm::CupsEcbSm4 => CipherArg::Sm4,
                _ => CipherArg::Tdes,
            };
            let key = key_from(&key, cipher)?;
            // The ECB MACs print what goes into field 64: the first 8 hex characters of the
            // final block, as the UnionPay POS specification defines the MAC.
            let text = match algorithm {
                MacAlgorithm::CupsEcb | MacAlgorithm::CupsEcbSm4 => {
                    String::from_utf8_lossy(&mac::field64(&mac::cups_ecb(&key, &data))).into_owned()
                }
                MacAlgorithm::X99 => hex::encode_upper(
                    paywire_cardsec::mac::x9_9(&key, &data)
                        .map_err(|e| Failure::Usage(format!("--key: {e}")))?,
                ),
                MacAlgorithm::X919 => hex::encode_upper(
                    paywire_cardsec::mac::x9_19(&key, &data)
                        .map_err(|e| Failure::Usage(format!("--key: {e}")))?,
                ),
            };
            print(&format!("{text}\n"))
        }
        Command::PinBlock {
            pan,
            pin,
            format,
            key,
            cipher,
        } => {
            if format != 0 {
                return Err(Failure::Usage(format!(
                    "PIN block format {format} is not built yet; use 0"
                )));
            }
            let block = match (key, cipher) {
                (Some(k), Some(c)) => {
                    pin::encrypt(pin.as_bytes(), pan.as_bytes(), &key_from(&k, c)?)
                }
                _ => paywire_cardsec::pin::format0(pin.as_bytes(), pan.as_bytes())
                    .map_err(paywire_unionpay::Error::from),
            }
            .map_err(|e| Failure::Usage(e.to_string()))?;
            print(&format!("{}\n", hex::encode_upper(block.as_bytes())))
        }
        Command::Kcv { key, cipher } => {
            let key = key_from(&key, cipher)?;
            let cv = key::check_value(&key);
            let n = key::check_value_len(key.cipher());
            print(&format!(
                "{}\n",
                hex::encode_upper(cv.get(..n).unwrap_or_default())
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use paywire_unionpay::Cipher;

    use super::*;

    #[test]
    fn sm4_keys_are_sm4() {
        assert_eq!(
            key_from("00112233445566778899AABBCCDDEEFF", CipherArg::Sm4)
                .unwrap()
                .cipher(),
            Cipher::Sm4
        );
    }
}
