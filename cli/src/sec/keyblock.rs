//! `paywire sec tr31 wrap|unwrap`: TR-31 / X9.143 key blocks.

use super::*;

#[derive(Subcommand, Debug)]
pub(crate) enum Tr31Command {
    /// Wrap a key under a key block protection key; prints the key block.
    #[command(after_help = concat!("Example:\n  ", r##"paywire sec tr31 wrap --kbpk 88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6 --header D0000P0AE00E0000 --key 3F419E1CB7079442AA37474C2EFBF8B8 --pad 1C2965473CE206BB855B01533782"##))]
    Wrap {
        /// The key block protection key as hex (TDES for B and C, AES for D).
        #[arg(long)]
        kbpk: String,
        /// The header: 16 characters, then any optional blocks but `PB`.
        #[arg(long)]
        header: String,
        /// The key to wrap, as hex.
        #[arg(long)]
        key: String,
        /// Exactly the bytes that follow the key in the payload, as hex (default: random bytes
        /// masking the key's length).
        #[arg(long)]
        pad: Option<String>,
    },
    /// Unwrap a key block (versions A–D); prints its header fields and the key as JSON.
    #[command(after_help = concat!("Example:\n  ", r##"echo B0080P0TE00E000094B420079CC80BA3461F86FE26EFC4A3B8E4FA4C5F5341176EED7B727B8A248E | paywire sec tr31 unwrap --kbpk DD7515F2BFC17F85CE48F3CA25CB21F6"##))]
    Unwrap {
        /// The key block protection key as hex.
        #[arg(long)]
        kbpk: String,
        /// Input file holding the key block text; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
}

/// The KBPK for a key block of `version`: AES for D, DES/TDES by length otherwise.
pub(super) fn kbpk_arg(text: &str, version: u8) -> Result<Key, Failure> {
    let bytes = hex_arg("kbpk", text)?;
    let cipher = if version == b'D' {
        Cipher::Aes
    } else {
        tdes_by_length(&bytes)
    };
    Key::new(cipher, &bytes).map_err(|e| usage(format!("--kbpk: {e}")))
}

pub(super) fn tr31_wrap(kbpk: &str, header: &str, key: &str, pad: Option<&str>) -> Outcome {
    let header = header.trim().as_bytes();
    let version = header.first().copied().unwrap_or(0);
    let kbpk = kbpk_arg(kbpk, version)?;
    let key = hex_arg("key", key)?;
    let pad = match pad {
        Some(p) => hex_arg("pad", p)?,
        None => {
            let algorithm = tr31::Algorithm(header.get(7).copied().unwrap_or(0));
            let mut bytes = vec![0u8; tr31::mask_pad_len(Version(version), algorithm, key.len())];
            getrandom::fill(&mut bytes).map_err(|e| usage(format!("no random source: {e}")))?;
            bytes
        }
    };
    let mut out = vec![0u8; tr31::MAX_BLOCK];
    let n = tr31::wrap(&kbpk, header, &key, &pad, &mut out)
        .map_err(|e| usage(format!("--header/--key/--pad: {e}")))?;
    print(&format!(
        "{}\n",
        String::from_utf8_lossy(out.get(..n).unwrap_or_default())
    ))
}

#[derive(Serialize)]
pub(super) struct Unwrapped {
    version: String,
    usage: String,
    algorithm: String,
    mode: String,
    key_version: String,
    exportability: String,
    optional_blocks: Vec<OptionalBlockJson>,
    key: String,
}

#[derive(Serialize)]
pub(super) struct OptionalBlockJson {
    id: String,
    data: String,
}

pub(super) fn tr31_unwrap(kbpk: &str, text: &[u8]) -> Outcome {
    let text = text.trim_ascii();
    let kbpk = kbpk_arg(kbpk, text.first().copied().unwrap_or(0))?;
    let (block, key) = tr31::unwrap(&kbpk, text).map_err(rejected)?;
    let ascii = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    json(&Unwrapped {
        version: block.version().to_string(),
        usage: block.usage().to_string(),
        algorithm: block.algorithm().to_string(),
        mode: block.mode().to_string(),
        key_version: ascii(&block.key_version()),
        exportability: block.exportability().to_string(),
        optional_blocks: block
            .blocks()
            .map(|b| OptionalBlockJson {
                id: ascii(&b.id),
                data: ascii(b.data),
            })
            .collect(),
        key: hex::encode_upper(key.expose()),
    })
}
