//! `paywire sec pin|pin-decode`: ISO 9564 PIN blocks.

use super::*;

/// The fill of `format`: exactly `needed` hex digits from `--random`, or fresh random nibbles.
pub(super) fn fill(
    random: Option<&str>,
    needed: usize,
    only_a_to_f: bool,
) -> Result<Vec<u8>, Failure> {
    match random {
        Some(text) => {
            let digits: Vec<u8> = text
                .trim()
                .chars()
                .map(|c| c.to_digit(16).map(|d| d as u8))
                .collect::<Option<_>>()
                .ok_or_else(|| usage("--random is not hexadecimal digits"))?;
            if digits.len() != needed {
                return Err(usage(format!(
                    "--random must be {needed} hex digits for this PIN and format"
                )));
            }
            if only_a_to_f && digits.iter().any(|&d| d < 0xA) {
                return Err(usage("--random for format 3 takes the digits A to F only"));
            }
            Ok(digits)
        }
        None => {
            let mut bytes = vec![0u8; needed];
            getrandom::fill(&mut bytes).map_err(|e| usage(format!("no random source: {e}")))?;
            Ok(bytes)
        }
    }
}

pub(super) fn pan_arg(pan: Option<&str>, format: u8) -> Result<&[u8], Failure> {
    pan.map(str::as_bytes)
        .ok_or_else(|| usage(format!("format {format} needs --pan")))
}

pub(super) fn pin_block(
    format: u8,
    pin_text: &str,
    pan: Option<&str>,
    key: Option<&str>,
    random: Option<&str>,
) -> Outcome {
    let p = pin_text.as_bytes();
    let needed = 14usize.saturating_sub(p.len());
    if random.is_some() && matches!(format, 0 | 2) {
        return Err(usage(format!("format {format} has no random fill")));
    }
    let block = match format {
        0 => pin::format0(p, pan_arg(pan, 0)?),
        1 => pin::format1(p, &fill(random, needed, false)?),
        2 => pin::format2(p),
        3 => pin::format3(p, pan_arg(pan, 3)?, &fill(random, needed, true)?),
        4 => {
            let drawn = fill(random, 16, false)?;
            let bytes: Vec<u8> = match random {
                // Sixteen hex digits are eight bytes.
                Some(_) => drawn
                    .chunks(2)
                    .map(|d| d.iter().fold(0u8, |acc, n| (acc << 4) | n))
                    .collect(),
                None => drawn.into_iter().take(8).collect(),
            };
            let pan = pan_arg(pan, 4)?;
            match key {
                Some(k) => pin::encipher_format4(&key_arg("key", k, Cipher::Aes)?, p, pan, &bytes),
                None => pin::format4_pan_field(pan).and_then(|_| pin::format4_pin_field(p, &bytes)),
            }
        }
        other => {
            return Err(usage(format!(
                "--format {other}: ISO 9564-1 formats are 0 to 4"
            )));
        }
    }
    .map_err(|e| usage(e.to_string()))?;
    let block = match (format, key) {
        (0..=3, Some(k)) => {
            let bytes = hex_arg("key", k)?;
            let key = Key::new(tdes_by_length(&bytes), &bytes)
                .map_err(|e| usage(format!("--key: {e}")))?;
            pin::encrypt_block(&block, &key).map_err(|e| usage(e.to_string()))?
        }
        _ => block,
    };
    print(&format!("{}\n", hex::encode_upper(block.as_bytes())))
}

pub(super) fn pin_decode(format: u8, block: &str, pan: Option<&str>, key: Option<&str>) -> Outcome {
    let bytes = hex_arg("block", block)?;
    let mut out = [0u8; 12];
    let pan_bytes = pan.map(str::as_bytes);
    let got = match (format, key) {
        // Format 4 deciphers and decodes as format 4 only.
        (4, Some(k)) => pin::decipher_format4(
            &key_arg("key", k, Cipher::Aes)?,
            &bytes,
            pan_arg(pan, 4)?,
            &mut out,
        ),
        (0..=4, key) => {
            let mut clear = bytes.clone();
            if let Some(k) = key {
                let kb = hex_arg("key", k)?;
                let key =
                    Key::new(tdes_by_length(&kb), &kb).map_err(|e| usage(format!("--key: {e}")))?;
                if clear.len() != 8 {
                    return Err(Failure::Rejected(
                        "an enciphered block of formats 0–3 is 8 bytes".into(),
                    ));
                }
                key.decrypt_block(&mut clear);
            }
            // The block must be the format asked for: its control field says which it is.
            if clear.first().map(|b| b >> 4) != Some(format) {
                return Err(Failure::Rejected(format!(
                    "the block is not format {format}"
                )));
            }
            pin::decode(&clear, pan_bytes, &mut out)
        }
        (other, _) => {
            return Err(usage(format!(
                "--format {other}: ISO 9564-1 formats are 0 to 4"
            )));
        }
    }
    .map_err(rejected)?;
    print(&format!("{}\n", String::from_utf8_lossy(got)))
}
