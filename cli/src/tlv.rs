//! `paywire tlv ...`

use std::path::PathBuf;

use clap::Subcommand;
use paywire_emv_tlv::{TlvRef, Tlvs};
use serde::Serialize;

use crate::{Failure, Outcome, input, print};

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Decode BER-TLV bytes (EMV rules, as in DE 55 or a CPM payload) to JSON or a masked tree.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire tlv decode --hex --pretty examples/cpm-b2.hex"##))]
    Decode {
        /// The input is hexadecimal text (whitespace ignored, either case).
        #[arg(long)]
        hex: bool,
        /// Print the indented human tree with tag names, PAN and track data masked.
        #[arg(long)]
        pretty: bool,
        /// With --pretty: show PAN, track and PIN data in clear.
        #[arg(long, requires = "pretty")]
        unmask: bool,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
}

/// One object in the JSON shape of the CLI contract.
#[derive(Serialize)]
pub(crate) struct Node {
    tag: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tlv: Option<Vec<Node>>,
}

#[derive(Serialize)]
struct Document {
    tlv: Vec<Node>,
}

pub(crate) fn nodes(list: &Tlvs<'_>) -> Vec<Node> {
    list.iter().map(|tlv| node(&tlv)).collect()
}

fn node(tlv: &TlvRef<'_>) -> Node {
    match tlv.children() {
        Some(children) => Node {
            tag: tlv.tag().to_string(),
            value: None,
            tlv: Some(nodes(&children)),
        },
        None => Node {
            tag: tlv.tag().to_string(),
            value: Some(hex::encode_upper(tlv.value())),
            tlv: None,
        },
    }
}

pub(crate) fn run(command: Command) -> Outcome {
    match command {
        Command::Decode {
            hex,
            pretty,
            unmask,
            input,
        } => {
            let bytes = input::read_binary(input.as_deref(), hex)?;
            let list = Tlvs::parse(&bytes)
                .map_err(|e| Failure::Rejected(format!("malformed TLV: {e}")))?;
            if pretty {
                let tree = list.describe();
                let tree = if unmask { tree.unmasked() } else { tree };
                print(&tree.to_string())
            } else {
                let document = Document { tlv: nodes(&list) };
                let json = serde_json::to_string(&document)
                    .map_err(|e| Failure::Usage(format!("cannot write JSON: {e}")))?;
                print(&format!("{json}\n"))
            }
        }
    }
}
