//! Reading `INPUT` (a path, `-` or nothing for standard input) as bytes or hexadecimal text.

use std::io::Read as _;
use std::path::Path;

use crate::Failure;

/// Reads the whole input. An unreadable file is a usage error (exit 2).
pub(crate) fn read(path: Option<&Path>) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    match path {
        None => read_stdin(&mut bytes)?,
        Some(p) if p.as_os_str() == "-" => read_stdin(&mut bytes)?,
        Some(p) => {
            bytes = std::fs::read(p)
                .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", p.display())))?;
        }
    }
    Ok(bytes)
}

fn read_stdin(bytes: &mut Vec<u8>) -> Result<(), Failure> {
    std::io::stdin()
        .lock()
        .read_to_end(bytes)
        .map(|_| ())
        .map_err(|e| Failure::Usage(format!("cannot read standard input: {e}")))
}

/// A key, certificate or body file named by an option (exit 2 when unreadable).
pub(crate) fn read_text(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))
}

/// Reads the input as a JSON object (exit 1 when it is not one).
pub(crate) fn json_object(
    path: Option<&Path>,
) -> Result<serde_json::Map<String, serde_json::Value>, Failure> {
    parse_object(&read(path)?)
}

/// Reads the input as a JSON object of request parameters: strings as they are, other values
/// as their JSON text (the way `biz_content`-style objects are sent), nulls left out.
pub(crate) fn string_params(path: Option<&Path>) -> Result<Vec<(String, String)>, Failure> {
    Ok(json_object(path)?
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect())
}

/// Parses bytes as a JSON object (exit 1 when they are not one).
pub(crate) fn parse_object(
    raw: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, Failure> {
    match serde_json::from_slice(raw) {
        Ok(serde_json::Value::Object(object)) => Ok(object),
        Ok(_) => Err(Failure::Rejected("input is not a JSON object".into())),
        Err(e) => Err(Failure::Rejected(format!("input is not JSON: {e}"))),
    }
}

/// Reads the input as binary, or as hexadecimal text when `hex` is set (whitespace ignored,
/// either case). Bad hex is a rejected input (exit 1) and the message gives the character offset.
pub(crate) fn read_binary(path: Option<&Path>, hex: bool) -> Result<Vec<u8>, Failure> {
    let raw = read(path)?;
    if hex { decode_hex(&raw) } else { Ok(raw) }
}

fn decode_hex(text: &[u8]) -> Result<Vec<u8>, Failure> {
    let digits: Vec<(usize, u8)> = text
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, c)| !c.is_ascii_whitespace())
        .collect();
    if let Some(&(at, _)) = digits.iter().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(Failure::Rejected(format!(
            "input is not hexadecimal: bad character at offset {at}"
        )));
    }
    if !digits.len().is_multiple_of(2) {
        return Err(Failure::Rejected(format!(
            "input is not hexadecimal: odd number of digits ({})",
            digits.len()
        )));
    }
    let clean: Vec<u8> = digits.into_iter().map(|(_, c)| c).collect();
    hex::decode(clean).map_err(|e| Failure::Rejected(format!("input is not hexadecimal: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ignores_whitespace_and_case() {
        assert_eq!(decode_hex(b"9f 26\n0A").unwrap(), vec![0x9F, 0x26, 0x0A]);
    }

    #[test]
    fn hex_errors_name_the_offset() {
        let Err(Failure::Rejected(m)) = decode_hex(b"9F 2G") else {
            panic!("accepted bad hex")
        };
        assert!(m.contains("offset 4"), "{m}");
        assert!(matches!(decode_hex(b"9F2"), Err(Failure::Rejected(_))));
    }
}
