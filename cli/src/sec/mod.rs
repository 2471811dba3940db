//! `paywire sec ...`: card security that is not one network's (the `paywire-cardsec` crate).

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use paywire_cardsec::dukpt::tdes::{self, Ksn, Variant};
use paywire_cardsec::emv::{self, MasterKeyOption, Scheme};
use paywire_cardsec::kcv::{self, Method};
use paywire_cardsec::mac::{self, Padding};
use paywire_cardsec::tr31::{self, Version};
use paywire_cardsec::{Cipher, Key, pin};
use serde::Serialize;

use crate::{Failure, Outcome, input, print};

mod cryptogram;
mod dukpt;
mod keyblock;
mod pinblock;

use cryptogram::{CardArgs, CryptogramArgs, OptionArg, arqc, cryptogram_key, icc_mk};
use dukpt::dukpt;
use keyblock::{Tr31Command, tr31_unwrap, tr31_wrap};
use pinblock::{pin_block, pin_decode};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum AlgorithmArg {
    /// DES, or TDES for a 16- or 24-byte key.
    #[value(name = "tdes")]
    Tdes,
    /// AES (16, 24 or 32 bytes).
    #[value(name = "aes")]
    Aes,
    /// SM4 (16 bytes).
    #[value(name = "sm4")]
    Sm4,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum MethodArg {
    /// The key encrypts a zero block.
    #[value(name = "encrypt-zeros")]
    EncryptZeros,
    /// The CMAC of a zero block (AES keys, ANSI X9.24-3 / X9.143).
    #[value(name = "cmac")]
    Cmac,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum MacArg {
    /// ISO/IEC 9797-1 MAC algorithm 1 (CBC-MAC; X9.9 with DES and padding 1).
    #[value(name = "iso9797-1-m1")]
    M1,
    /// ISO/IEC 9797-1 MAC algorithm 3 (the retail MAC; X9.19 with padding 1).
    #[value(name = "iso9797-1-m3")]
    M3,
    /// AES-CMAC (NIST SP 800-38B).
    #[value(name = "aes-cmac")]
    AesCmac,
    /// TDES-CMAC (NIST SP 800-38B).
    #[value(name = "tdes-cmac")]
    TdesCmac,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum MacCipherArg {
    /// DES (8-byte key).
    #[value(name = "des")]
    Des,
    /// TDES (16 or 24 bytes).
    #[value(name = "tdes")]
    Tdes,
    /// AES.
    #[value(name = "aes")]
    Aes,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Print a key's check value (upper-case hex).
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec kcv --key 0123456789ABCDEFFEDCBA9876543210"##))]
    Kcv {
        /// The key as hex.
        #[arg(long)]
        key: String,
        /// The cipher (default: DES/TDES for 8, 16 and 24 bytes, AES for 32).
        #[arg(long, value_enum)]
        algorithm: Option<AlgorithmArg>,
        /// The method (default: CMAC for AES, zero-block encryption otherwise).
        #[arg(long, value_enum)]
        method: Option<MethodArg>,
        /// Bytes printed (default 3 for DES/TDES, 5 for AES, 8 for SM4).
        #[arg(long)]
        length: Option<usize>,
    },
    /// Host-side DUKPT: the initial key and the transaction's working key, as JSON.
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec dukpt --bdk 0123456789ABCDEFFEDCBA9876543210 --ksn FFFF9876543210E00001 --usage none"##))]
    Dukpt {
        /// The base derivation key as hex.
        #[arg(long)]
        bdk: String,
        /// The key serial number as hex (10 bytes: TDES DUKPT; 12 bytes: AES DUKPT).
        #[arg(long)]
        ksn: String,
        /// What the key is for. TDES: pin, mac, mac-response, data, data-response, none. AES:
        /// pin, mac-generate, mac-verify, mac-both, data-encrypt, data-decrypt, data-both,
        /// key-encryption, none (the transaction's derivation key).
        #[arg(long, default_value = "pin")]
        usage: String,
        /// The working key's type, AES DUKPT only: 2tdea, 3tdea, aes128, aes192, aes256
        /// (default: the BDK's own type).
        #[arg(long)]
        key_type: Option<String>,
    },
    /// TR-31 / ANSI X9.143 key blocks: wrap a key, unwrap a block.
    #[command(subcommand, after_help = concat!("Example:\n  ", r##"echo B0080P0TE00E000094B420079CC80BA3461F86FE26EFC4A3B8E4FA4C5F5341176EED7B727B8A248E | paywire sec tr31 unwrap --kbpk DD7515F2BFC17F85CE48F3CA25CB21F6"##))]
    Tr31(Tr31Command),
    /// Print a PIN block: clear, or enciphered under --key.
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec pin --format 0 --pin 1234 --pan 4012345678909"##))]
    Pin {
        /// ISO 9564-1 format: 0, 1, 2, 3 (TDES) or 4 (AES).
        #[arg(long)]
        format: u8,
        /// The PIN (4 to 12 digits).
        #[arg(long)]
        pin: String,
        /// The card number (formats 0, 3 and 4).
        #[arg(long)]
        pan: Option<String>,
        /// The PIN key as hex (TDES for formats 0–3, AES for 4).
        #[arg(long)]
        key: Option<String>,
        /// The fill as hex digits, for reproducible blocks (formats 1 and 3: 14 − PIN length
        /// digits, format 3 `A`–`F` only; format 4: 16 digits).
        #[arg(long)]
        random: Option<String>,
    },
    /// Print the PIN of a PIN block (deciphered under --key when given).
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec pin-decode --format 4 --block CC17F65586BFD0953010226C4FC5B3CA --pan 432198765432109870 --key C1D0F8FB4958670DBA40AB1F3752EF0D"##))]
    PinDecode {
        /// ISO 9564-1 format: 0 to 4.
        #[arg(long)]
        format: u8,
        /// The block as hex.
        #[arg(long)]
        block: String,
        /// The card number (formats 0, 3 and 4).
        #[arg(long)]
        pan: Option<String>,
        /// The PIN key as hex.
        #[arg(long)]
        key: Option<String>,
    },
    /// Print the 3-digit CVV / CVC (iCVV with service code 999, CVV2 with 000).
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec cvv --cvk 0123456789ABCDEFFEDCBA9876543210 --pan 4123456789012345 --expiry 8701 --service-code 101"##))]
    Cvv {
        /// The CVK pair (CVK-A ‖ CVK-B) as hex.
        #[arg(long)]
        cvk: String,
        /// The card number.
        #[arg(long)]
        pan: String,
        /// The expiry, YYMM.
        #[arg(long)]
        expiry: String,
        /// The service code (3 digits).
        #[arg(long)]
        service_code: String,
    },
    /// Print the 4-digit Visa PVV (over the PIN's leftmost 4 digits).
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec pvv --pvk 0123456789ABCDEFFEDCBA9876543210 --pan 1122334455667788 --pin 4524 --pvki 1"##))]
    Pvv {
        /// The PIN verification key as hex.
        #[arg(long)]
        pvk: String,
        /// The card number.
        #[arg(long)]
        pan: String,
        /// The PIN.
        #[arg(long)]
        pin: String,
        /// The PVK index (0–9).
        #[arg(long)]
        pvki: u8,
    },
    /// Print the IBM 3624 PIN offset (as long as the PIN).
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec pin-offset --pvk 0123456789ABCDEFFEDCBA9876543210 --pan 1122334455667788 --pin 1234 --validation-data 1122334455667788 --decimalization 1234567890123456"##))]
    PinOffset {
        /// The PIN verification key as hex.
        #[arg(long)]
        pvk: String,
        /// The card number (the usual source of the validation data; not otherwise used).
        #[arg(long)]
        pan: String,
        /// The PIN.
        #[arg(long)]
        pin: String,
        /// The validation data: 16 hex characters, or fewer right-padded with --pad.
        #[arg(long)]
        validation_data: String,
        /// The decimalization table (16 digits).
        #[arg(long, default_value = "0123456789012345")]
        decimalization: String,
        /// The pad character for short validation data.
        #[arg(long, default_value = "F")]
        pad: char,
    },
    /// Print the ICC master key (odd parity) derived from an issuer master key.
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec icc-mk --imk 0123456789ABCDEFFEDCBA9876543210 --pan 12345678901234567 --psn 01"##))]
    IccMk {
        /// The issuer master key as hex (double-length TDES).
        #[arg(long)]
        imk: String,
        /// The card number.
        #[arg(long)]
        pan: String,
        /// The PAN sequence number (2 digits).
        #[arg(long)]
        psn: String,
        /// The derivation option (default: A for PANs of 16 digits or fewer, B for longer).
        #[arg(long, value_enum)]
        option: Option<OptionArg>,
    },
    /// Print the application cryptogram (ARQC) over the CDOL data.
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec arqc --imk 0123456789ABCDEFFEDCBA9876543210 --pan 1234567890123456 --psn 00 --atc 001C --data 0000000040000000000000000124800004800001241911050152BF45851800001C03A06010 --scheme visa-cvn10"##))]
    Arqc(CryptogramArgs),
    /// Check an application cryptogram; exit 0 when it matches, 1 when not.
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec arqc-verify --imk 0123456789ABCDEFFEDCBA9876543210 --pan 1234567890123456 --psn 00 --atc 001C --data 0000000040000000000000000124800004800001241911050152BF45851800001C03A06010 --scheme visa-cvn10 --arqc 29CCA15AE665FA2E"##))]
    ArqcVerify {
        #[command(flatten)]
        args: CryptogramArgs,
        /// The cryptogram received, as hex.
        #[arg(long)]
        arqc: String,
    },
    /// Print the ARPC: method 1 with --arc, method 2 with --csu.
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec arpc --imk 0123456789ABCDEFFEDCBA9876543210 --pan 1234567890123456 --psn 00 --atc 001C --arqc 29CCA15AE665FA2E --arc 3030 --scheme visa-cvn10"##))]
    Arpc {
        #[command(flatten)]
        card: CardArgs,
        /// The ARQC (8 bytes of hex).
        #[arg(long)]
        arqc: String,
        /// The authorisation response code (2 bytes of hex): ARPC method 1.
        #[arg(long, conflicts_with = "csu")]
        arc: Option<String>,
        /// The card status update (4 bytes of hex): ARPC method 2.
        #[arg(long, required_unless_present = "arc")]
        csu: Option<String>,
        /// Proprietary authentication data for method 2 (0–8 bytes of hex).
        #[arg(long, requires = "csu")]
        pad: Option<String>,
    },
    /// Compute a MAC over the input; prints it as upper-case hex.
    #[command(after_help = concat!("Example:\n  ", r##"printf 'Now is the time for all ' | paywire sec mac --algorithm iso9797-1-m3 --key 0123456789ABCDEFFEDCBA9876543210"##))]
    Mac {
        /// The algorithm.
        #[arg(long, value_enum)]
        algorithm: MacArg,
        /// The key as hex.
        #[arg(long)]
        key: String,
        /// The cipher of algorithm 1 (default: DES/TDES by key length).
        #[arg(long, value_enum)]
        cipher: Option<MacCipherArg>,
        /// ISO/IEC 9797-1 padding method for algorithms 1 and 3 (default 1).
        #[arg(long)]
        padding: Option<u8>,
        /// Bytes printed (default the whole block).
        #[arg(long)]
        length: Option<usize>,
        /// The input is hexadecimal text.
        #[arg(long)]
        hex: bool,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
}

pub(crate) fn run(command: Command) -> Outcome {
    match command {
        Command::Kcv {
            key,
            algorithm,
            method,
            length,
        } => kcv_command(&key, algorithm, method, length),
        Command::Dukpt {
            bdk,
            ksn,
            usage,
            key_type,
        } => dukpt(&bdk, &ksn, &usage, key_type.as_deref()),
        Command::Tr31(Tr31Command::Wrap {
            kbpk,
            header,
            key,
            pad,
        }) => tr31_wrap(&kbpk, &header, &key, pad.as_deref()),
        Command::Tr31(Tr31Command::Unwrap { kbpk, input }) => {
            let text = input::read_binary(input.as_deref(), false)?;
            tr31_unwrap(&kbpk, &text)
        }
        Command::Pin {
            format,
            pin,
            pan,
            key,
            random,
        } => pin_block(
            format,
            &pin,
            pan.as_deref(),
            key.as_deref(),
            random.as_deref(),
        ),
        Command::PinDecode {
            format,
            block,
            pan,
            key,
        } => pin_decode(format, &block, pan.as_deref(), key.as_deref()),
        Command::IccMk {
            imk,
            pan,
            psn,
            option,
        } => {
            let mk = icc_mk(&imk, &pan, &psn, option)?;
            print(&format!("{}\n", hex::encode_upper(mk.expose())))
        }
        Command::Arqc(args) => print(&format!("{}\n", hex::encode_upper(arqc(&args)?))),
        Command::ArqcVerify {
            args,
            arqc: received,
        } => {
            let received = hex_arg("arqc", &received)?;
            let ours = arqc(&args)?;
            paywire_cardsec::mac::verify(&ours, &received)
                .map_err(|_| Failure::Rejected("the cryptogram does not match".into()))
        }
        Command::Arpc {
            card,
            arqc,
            arc,
            csu,
            pad,
        } => {
            let key = cryptogram_key(&card)?;
            let arqc = fixed::<8>("arqc", &arqc)?;
            let out = match (arc, csu) {
                (Some(arc), _) => {
                    emv::arpc_method1(&key, &arqc, fixed::<2>("arc", &arc)?).map(|a| a.to_vec())
                }
                (None, Some(csu)) => {
                    let pad = pad
                        .as_deref()
                        .map(|p| hex_arg("pad", p))
                        .transpose()?
                        .unwrap_or_default();
                    emv::arpc_method2(&key, &arqc, fixed::<4>("csu", &csu)?, &pad)
                        .map(|a| a.to_vec())
                }
                (None, None) => {
                    return Err(usage("--arc (method 1) or --csu (method 2) is needed"));
                }
            }
            .map_err(|e| usage(e.to_string()))?;
            print(&format!("{}\n", hex::encode_upper(out)))
        }
        Command::Cvv {
            cvk,
            pan,
            expiry,
            service_code,
        } => {
            let cvk = key_arg("cvk", &cvk, Cipher::Tdes)?;
            let value = paywire_cardsec::cvv::cvv(
                &cvk,
                pan.as_bytes(),
                expiry.as_bytes(),
                service_code.as_bytes(),
            )
            .map_err(|e| usage(e.to_string()))?;
            print(&format!("{}\n", String::from_utf8_lossy(value.expose())))
        }
        Command::Pvv {
            pvk,
            pan,
            pin,
            pvki,
        } => {
            let bytes = hex_arg("pvk", &pvk)?;
            let pvk = Key::new(tdes_by_length(&bytes), &bytes)
                .map_err(|e| usage(format!("--pvk: {e}")))?;
            let value = paywire_cardsec::pvv::visa_pvv(&pvk, pan.as_bytes(), pvki, pin.as_bytes())
                .map_err(|e| usage(e.to_string()))?;
            print(&format!("{}\n", String::from_utf8_lossy(value.expose())))
        }
        Command::PinOffset {
            pvk,
            pan: _,
            pin,
            validation_data,
            decimalization,
            pad,
        } => {
            let bytes = hex_arg("pvk", &pvk)?;
            let pvk = Key::new(tdes_by_length(&bytes), &bytes)
                .map_err(|e| usage(format!("--pvk: {e}")))?;
            if !pad.is_ascii_hexdigit() || validation_data.len() > 16 {
                return Err(usage(
                    "--validation-data is at most 16 hex characters, --pad one hex digit",
                ));
            }
            let mut data = validation_data.to_ascii_uppercase();
            while data.len() < 16 {
                data.push(pad.to_ascii_uppercase());
            }
            let table: [u8; 16] = decimalization
                .as_bytes()
                .try_into()
                .map_err(|_| usage("--decimalization must be 16 digits"))?;
            let value =
                paywire_cardsec::pvv::ibm3624_offset(&pvk, data.as_bytes(), &table, pin.as_bytes())
                    .map_err(|e| usage(e.to_string()))?;
            print(&format!("{}\n", String::from_utf8_lossy(value.expose())))
        }
        Command::Mac {
            algorithm,
            key,
            cipher,
            padding,
            length,
            hex,
            input,
        } => {
            let data = input::read_binary(input.as_deref(), hex)?;
            mac_command(algorithm, &key, cipher, padding, length, &data)
        }
    }
}

/// `text` as exactly `N` bytes of hex.
fn fixed<const N: usize>(name: &str, text: &str) -> Result<[u8; N], Failure> {
    let bytes = hex_arg(name, text)?;
    <[u8; N]>::try_from(bytes.as_slice())
        .map_err(|_| usage(format!("--{name} must be {N} bytes of hex")))
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::Usage(message.into())
}

fn rejected(e: paywire_cardsec::Error) -> Failure {
    Failure::Rejected(e.to_string())
}

fn hex_arg(name: &str, text: &str) -> Result<Vec<u8>, Failure> {
    hex::decode(text.trim()).map_err(|_| usage(format!("--{name} is not hexadecimal")))
}

fn key_arg(name: &str, text: &str, cipher: Cipher) -> Result<Key, Failure> {
    Key::new(cipher, &hex_arg(name, text)?).map_err(|e| usage(format!("--{name}: {e}")))
}

fn tdes_by_length(bytes: &[u8]) -> Cipher {
    if bytes.len() == 8 {
        Cipher::Des
    } else {
        Cipher::Tdes
    }
}

fn kcv_command(
    key: &str,
    algorithm: Option<AlgorithmArg>,
    method: Option<MethodArg>,
    length: Option<usize>,
) -> Outcome {
    let bytes = hex_arg("key", key)?;
    let cipher = match algorithm {
        Some(AlgorithmArg::Aes) => Cipher::Aes,
        Some(AlgorithmArg::Sm4) => Cipher::Sm4,
        Some(AlgorithmArg::Tdes) => tdes_by_length(&bytes),
        None if bytes.len() == 32 => Cipher::Aes,
        None => tdes_by_length(&bytes),
    };
    let key = Key::new(cipher, &bytes).map_err(|e| usage(format!("--key: {e}")))?;
    let method = match method {
        Some(MethodArg::EncryptZeros) => Method::EncryptZeros,
        Some(MethodArg::Cmac) => Method::Cmac,
        None => Method::default_for(cipher),
    };
    let n = length.unwrap_or(kcv::default_len(cipher));
    if n == 0 || n > cipher.block_len() {
        return Err(usage(format!(
            "--length must be 1 to {} for this key",
            cipher.block_len()
        )));
    }
    let cv = kcv::check_value(&key, method);
    print(&format!(
        "{}\n",
        hex::encode_upper(cv.get(..n).unwrap_or_default())
    ))
}

fn json(value: &impl Serialize) -> Outcome {
    let text =
        serde_json::to_string(value).map_err(|e| usage(format!("cannot write JSON: {e}")))?;
    print(&format!("{text}\n"))
}

fn mac_command(
    algorithm: MacArg,
    key: &str,
    cipher: Option<MacCipherArg>,
    padding: Option<u8>,
    length: Option<usize>,
    data: &[u8],
) -> Outcome {
    let padding = match padding {
        None | Some(1) => Padding::Method1,
        Some(2) => Padding::Method2,
        Some(3) => Padding::Method3,
        Some(other) => {
            return Err(usage(format!(
                "--padding {other}: ISO/IEC 9797-1 methods are 1, 2 and 3"
            )));
        }
    };
    let bytes = hex_arg("key", key)?;
    let value = match algorithm {
        MacArg::M1 => {
            let cipher = match cipher {
                Some(MacCipherArg::Aes) => Cipher::Aes,
                Some(MacCipherArg::Des) => Cipher::Des,
                Some(MacCipherArg::Tdes) => Cipher::Tdes,
                None => tdes_by_length(&bytes),
            };
            let key = Key::new(cipher, &bytes).map_err(|e| usage(format!("--key: {e}")))?;
            mac::cbc_mac(&key, data, padding).as_bytes().to_vec()
        }
        MacArg::M3 => {
            let key = Key::new(Cipher::Tdes, &bytes).map_err(|e| usage(format!("--key: {e}")))?;
            mac::retail_mac(&key, data, padding)
                .map_err(|e| usage(format!("--key (a double-length key): {e}")))?
                .to_vec()
        }
        MacArg::AesCmac => {
            let key = Key::new(Cipher::Aes, &bytes).map_err(|e| usage(format!("--key: {e}")))?;
            mac::cmac(&key, data).as_bytes().to_vec()
        }
        MacArg::TdesCmac => {
            let key = Key::new(Cipher::Tdes, &bytes).map_err(|e| usage(format!("--key: {e}")))?;
            mac::cmac(&key, data).as_bytes().to_vec()
        }
    };
    let n = length.unwrap_or(value.len());
    let shown = value
        .get(..n)
        .filter(|_| n > 0)
        .ok_or_else(|| usage(format!("--length must be 1 to {}", value.len())))?;
    print(&format!("{}\n", hex::encode_upper(shown)))
}
