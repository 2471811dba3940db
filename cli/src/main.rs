//! `paywire`: the command-line face of the paywire crates (contract: docs/cli.md).

mod alipay;
mod emvqr;
mod input;
mod iso8583;
mod pos;
mod sec;
mod sim;
mod tlv;
mod unionpay;
mod wechat;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};

/// What a command run came to, mapped to the exit codes of the CLI contract.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The input was read but rejected (exit 1).
    Rejected(String),
    /// The command could not run as asked: unreadable file, bad option value (exit 2).
    Usage(String),
    /// The command ran and its result has been printed; exit with this code (`paywire pos`:
    /// 3 declined, 4 undone, 5 unresolved).
    Exit(u8),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Self::Rejected(_) => 1,
            Self::Usage(_) => 2,
            Self::Exit(code) => *code,
        }
    }
}

type Outcome = Result<(), Failure>;

/// Decode, validate, build and sign point-of-sale payment messages: ISO 8583, EMV TLV, EMVCo QR,
/// UnionPay, WeChat Pay and Alipay.
#[derive(Parser, Debug)]
#[command(
    name = "paywire",
    version,
    about,
    long_about = None,
    propagate_version = true,
    after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire tlv decode --hex --pretty examples/cpm-b2.hex"##)
)]
struct Cli {
    #[command(subcommand)]
    group: Group,
}

#[derive(Subcommand, Debug)]
enum Group {
    /// BER-TLV as EMV uses it (ISO 8583 DE 55, EMVCo CPM payloads).
    #[command(subcommand, after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire tlv decode --hex --pretty examples/cpm-b2.hex"##))]
    Tlv(tlv::Command),
    /// ISO 8583 messages: decode, encode, describe against a spec.
    #[command(subcommand, after_help = concat!("Example (from a paywire checkout):\n  ", r##"printf 02007000000000000000164761739001010010000000000000001000 | paywire iso8583 decode --spec iso87ascii"##))]
    Iso8583(iso8583::Command),
    /// EMVCo QR payloads: merchant-presented (MPM) and consumer-presented (CPM).
    #[command(subcommand, after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D' | paywire emvqr decode"##))]
    Emvqr(emvqr::Command),
    /// China UnionPay: terminal MACs, PIN blocks, key check values; ACP gateway signing.
    #[command(subcommand, after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire unionpay mac --algorithm cups-ecb --key C24A8FB57AA20123 --hex iso8583/tests/vectors/cups-0200-mab.hex"##))]
    Unionpay(unionpay::Command),
    /// Card security: key check values, DUKPT, PIN blocks, MACs.
    #[command(subcommand, after_help = concat!("Example:\n  ", r##"paywire sec dukpt --bdk 0123456789ABCDEFFEDCBA9876543210 --ksn FFFF9876543210E00001 --usage none"##))]
    Sec(sec::Command),
    /// WeChat Pay signatures: API v2 and v3, verification, decryption.
    #[command(subcommand, after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo '{"appid":"wxd930ea5d5a258f4f","mch_id":"10000100","device_info":"1000","body":"test","nonce_str":"ibuaiVcKdpRxkhJA"}' | paywire wechat v2-sign --key 192006250b4c09247ec02edce69f6a2d"##))]
    Wechat(wechat::Command),
    /// Alipay OpenAPI signatures: signing, notification and response verification, cert SNs.
    #[command(subcommand, after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire alipay verify-notify --public-key alipay/tests/keys/notify-public-key-v1.txt alipay/tests/vectors/trade_notify.form"##))]
    Alipay(alipay::Command),
    /// Local counterparts for terminals under test: the UnionPay POS host, WeChat Pay, Alipay.
    #[command(subcommand, after_help = concat!("Example:\n  ", r##"paywire sim cups --listen 127.0.0.1:0 --tmk 70F2A84CCBC2AE8625CBB0F2C22AB923 --requests 0"##))]
    Sim(sim::Command),
    /// A terminal: card sales, scanned and shown codes, voids, refunds, settlement over real
    /// connections, on a durable journal.
    #[command(
        after_help = "Example (from a paywire checkout, with the counterparts of docs/cli.md running):\n  paywire pos pay --config examples/pos/pos.toml --amount 5.00 --code 6223456789012345678"
    )]
    Pos(pos::Args),
    /// Print a completion script for a shell (bash, zsh, fish, powershell, elvish).
    #[command(
        after_help = "Example:\n  paywire completions bash > ~/.local/share/bash-completion/completions/paywire"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page paywire(1) as roff, or write a page for every command into a
    /// directory (paywire.1, paywire-iso8583.1, paywire-iso8583-decode.1, ...).
    #[command(after_help = "Example:\n  paywire man --dir /usr/local/share/man/man1")]
    Man {
        /// Write every command's page into this directory instead.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
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
        Group::Sec(command) => sec::run(command),
        Group::Wechat(command) => wechat::run(command),
        Group::Alipay(command) => alipay::run(command),
        Group::Sim(command) => sim::run(command),
        Group::Pos(args) => pos::run(args),
        Group::Completions { shell } => completions(shell),
        Group::Man { dir } => man(dir),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if let Failure::Rejected(message) | Failure::Usage(message) = &failure {
                let _ = writeln!(std::io::stderr(), "paywire: {message}");
            }
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

/// `paywire completions SHELL`: clap's generator over the same definitions as the parser.
fn completions(shell: clap_complete::Shell) -> Outcome {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "paywire", &mut script);
    print(&String::from_utf8_lossy(&script))
}

/// `paywire man [--dir DIR]`: clap_mangen over the same definitions as the parser.
fn man(dir: Option<PathBuf>) -> Outcome {
    let command = Cli::command();
    match dir {
        Some(dir) => std::fs::create_dir_all(&dir)
            .and_then(|()| clap_mangen::generate_to(command, &dir))
            .map_err(|e| Failure::Usage(format!("cannot write pages into {}: {e}", dir.display()))),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(|e| Failure::Usage(format!("cannot render the page: {e}")))?;
            print(&String::from_utf8_lossy(&page))
        }
    }
}
