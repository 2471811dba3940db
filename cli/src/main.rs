//! `paywire`: the command-line face of the paywire crates (contract: docs/cli.md).

mod alipay;
mod emvqr;
mod input;
mod iso8583;
mod tlv;
mod unionpay;
mod wechat;

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// What a command run came to, mapped to the exit codes of the CLI contract.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The input was read but rejected (exit 1).
    Rejected(String),
    /// The command could not run as asked: unreadable file, bad option value (exit 2).
    Usage(String),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Self::Rejected(_) => 1,
            Self::Usage(_) => 2,
        }
    }
}

type Outcome = Result<(), Failure>;

/// Decode, validate, build and sign point-of-sale payment messages: ISO 8583, EMV TLV, EMVCo QR,
/// UnionPay, WeChat Pay and Alipay.
#[derive(Parser, Debug)]
#[command(name = "paywire", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    group: Group,
}

#[derive(Subcommand, Debug)]
enum Group {
    /// BER-TLV as EMV uses it (ISO 8583 DE 55, EMVCo CPM payloads).
    #[command(subcommand)]
    Tlv(tlv::Command),
    /// ISO 8583 messages: decode, encode, describe against a spec.
    #[command(subcommand)]
    Iso8583(iso8583::Command),
    /// EMVCo QR payloads: merchant-presented (MPM) and consumer-presented (CPM).
    #[command(subcommand)]
    Emvqr(emvqr::Command),
    /// China UnionPay: terminal MACs, PIN blocks, key check values; ACP gateway signing.
    #[command(subcommand)]
    Unionpay(unionpay::Command),
    /// WeChat Pay signatures: API v2 and v3, verification, decryption.
    #[command(subcommand)]
    Wechat(wechat::Command),
    /// Alipay OpenAPI signatures: signing, notification and response verification, cert SNs.
    #[command(subcommand)]
    Alipay(alipay::Command),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let outcome = match cli.group {
        Group::Tlv(command) => tlv::run(command),
        Group::Iso8583(command) => iso8583::run(command),
        Group::Emvqr(command) => emvqr::run(command),
        Group::Unionpay(command) => unionpay::run(command),
        Group::Wechat(command) => wechat::run(command),
        Group::Alipay(command) => alipay::run(command),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let (Failure::Rejected(message) | Failure::Usage(message)) = &failure;
            let _ = writeln!(std::io::stderr(), "paywire: {message}");
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Writes `text` to standard output; a closed pipe is not an error worth a message.
pub(crate) fn print(text: &str) -> Outcome {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Usage(format!("cannot write output: {e}"))),
    }
}
