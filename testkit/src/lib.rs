//! Test support for the paywire crates (a dev-dependency only, never published).
//!
//! [`Secrets`] names the card data and key material a test put into a message, and
//! [`Secrets::assert_hidden`] checks that a printed text shows none of it in any of the forms a
//! careless `Debug` would print it: runs of 7 or more PAN digits, track data after the
//! separator, and the wire bytes of PANs, tracks, PIN blocks and keys as hex (either case) or as
//! a Rust byte list (`[71, 97, ...]`). The strategies generate card data for property tests.
#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "test support: a failed check panics, inputs are the tests' own"
)]

use proptest::prelude::*;

/// Whether `upper[at..at + len]` lies inside a hex dump that cannot be card data printed as
/// text: a run of hex digits holding a letter (a binary value's hex; digits printed as text
/// never hold one, and a BCD dump of a PAN or track is caught by the byte checks), or a run of
/// 16 or more hex digits that is the hex of ASCII hex text (a MAC field as the UnionPay POS
/// dialect carries it: `8A9E91B8` prints as `3841394539314238`). Without this, 7 digits of a
/// random track turned up inside such dumps now and then (proptest found one).
fn inside_hex_dump(upper: &str, at: usize, len: usize) -> bool {
    let bytes = upper.as_bytes();
    let start = bytes[..at]
        .iter()
        .rposition(|b| !b.is_ascii_hexdigit())
        .map_or(0, |i| i + 1);
    let end = bytes[at + len..]
        .iter()
        .position(|b| !b.is_ascii_hexdigit())
        .map_or(bytes.len(), |i| at + len + i);
    let run = &bytes[start..end];
    if run.iter().any(|b| b.is_ascii_alphabetic()) {
        return true;
    }
    let ascii_hex_pair = |p: &[u8]| matches!(p, [b'3', b'0'..=b'9'] | [b'4', b'1'..=b'6']);
    run.len() >= 16 && run.len().is_multiple_of(2) && run.chunks(2).all(ascii_hex_pair)
}

/// How many consecutive PAN digits may never appear: a masked PAN shows 6, then 4.
pub const PAN_RUN: usize = 7;
/// How many consecutive wire bytes of a binary secret (or of a BCD PAN) may never appear, as
/// hex or as a byte list.
pub const BYTE_RUN: usize = 4;

/// The secrets a test put into the value it prints.
#[derive(Clone, Default)]
pub struct Secrets {
    /// Digit or character strings, none of whose `PAN_RUN`-long windows may appear.
    texts: Vec<Vec<u8>>,
    /// Byte strings with the window length none of whose windows may appear as hex or byte
    /// list: `BYTE_RUN` for binary secrets and BCD, `PAN_RUN` for ASCII text (a masked PAN
    /// shows 6 and 4 of its characters, whose ASCII bytes may then appear in any form).
    bytes: Vec<(Vec<u8>, usize)>,
}

impl Secrets {
    /// Nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A PAN (ASCII digits): its digits, its ASCII bytes and its BCD bytes (either pad).
    pub fn pan(mut self, digits: &str) -> Self {
        self.texts.push(digits.as_bytes().to_vec());
        self.bytes.push((digits.as_bytes().to_vec(), PAN_RUN));
        self.bytes.push((bcd(digits, b'F'), BYTE_RUN));
        self.bytes.push((bcd(digits, b'0'), BYTE_RUN));
        if digits.len() % 2 == 1 {
            self.bytes
                .push((bcd(&format!("0{digits}"), b'F'), BYTE_RUN));
        }
        self
    }

    /// Track data (ASCII, `D` or `=` separator): the PAN as [`Secrets::pan`], everything after
    /// the separator as text, and the track's ASCII and BCD bytes.
    pub fn track(mut self, track: &str) -> Self {
        let pan: String = track.chars().take_while(char::is_ascii_digit).collect();
        let rest = track.get(pan.len().saturating_add(1)..).unwrap_or("");
        self = self.pan(&pan);
        if rest.len() >= PAN_RUN {
            self.texts.push(rest.as_bytes().to_vec());
        }
        self.bytes.push((track.as_bytes().to_vec(), PAN_RUN));
        let nibbles = track.replace('=', "D");
        self.bytes.push((bcd(&nibbles, b'F'), BYTE_RUN));
        self
    }

    /// Binary secret material (a PIN block, a key, a cryptogram).
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        self.bytes.push((bytes.to_vec(), BYTE_RUN));
        self
    }

    /// A text secret (a key's text form): no `PAN_RUN`-long window of it may appear.
    pub fn text(mut self, text: &str) -> Self {
        self.texts.push(text.as_bytes().to_vec());
        self
    }

    /// Panics with `label` when `printed` shows any of the secrets.
    pub fn assert_hidden(&self, label: &str, printed: &str) {
        if let Some(found) = self.find(printed) {
            panic!("{label} shows secret data {found:?}:\n{printed}");
        }
    }

    /// The first secret fragment `printed` shows, if any.
    pub fn find(&self, printed: &str) -> Option<String> {
        let upper = printed.to_ascii_uppercase();
        for text in &self.texts {
            for window in text.windows(PAN_RUN) {
                let window = String::from_utf8_lossy(window).to_ascii_uppercase();
                let shown = upper
                    .match_indices(&window)
                    .any(|(at, _)| !inside_hex_dump(&upper, at, window.len()));
                if shown {
                    return Some(window);
                }
            }
        }
        for (bytes, run) in &self.bytes {
            for window in bytes.windows(*run) {
                let hex: String = window.iter().map(|b| format!("{b:02X}")).collect();
                let list = format!("{window:?}");
                let list = list.trim_start_matches('[').trim_end_matches(']');
                if upper.contains(&hex) || printed.contains(list) {
                    return Some(hex);
                }
            }
        }
        None
    }
}

/// Digits (and `D` separators) packed as BCD, left-aligned, an odd count padded with `pad`.
pub fn bcd(digits: &str, pad: u8) -> Vec<u8> {
    let mut nibbles: Vec<u8> = digits.bytes().map(nibble).collect();
    if nibbles.len() % 2 == 1 {
        nibbles.push(nibble(pad));
    }
    nibbles
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => (hi << 4) | lo,
            _ => 0,
        })
        .collect()
}

fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'F' => c - b'A' + 10,
        b'a'..=b'f' => c - b'a' + 10,
        b'=' => 0xD,
        _ => 0,
    }
}

/// A PAN of 13 to 19 digits starting with a real scheme prefix (4, 5, 62, 3). The other digits
/// are 1–9 and never four alike, so that no 7-digit window of it occurs in a test's other data
/// (amounts, STANs, offsets: all with zeros) by chance, even after shrinking.
pub fn pan() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["4", "5", "62", "3"]),
        prop::collection::vec(1u8..10, 12..=17),
    )
        .prop_map(|(prefix, digits)| {
            let mut pan = String::from(prefix);
            pan.extend(digits.iter().map(|d| char::from(b'0' + d)));
            pan.truncate(19);
            pan
        })
        .prop_filter("no long runs of one digit", |pan| {
            !pan.as_bytes()
                .windows(4)
                .any(|w| w.iter().all(|&c| c == w[0]))
        })
}

/// Track 2 data for `pan`: `D`, expiry YYMM, service code, and 7–13 discretionary digits 1–9
/// (which stand for the PVV/CVV a real track carries).
pub fn track2(pan: String) -> impl Strategy<Value = String> {
    (
        0u8..100,
        1u8..=12,
        prop::sample::select(vec!["101", "201", "220", "221"]),
        prop::collection::vec(1u8..10, 7..=13),
    )
        .prop_map(move |(year, month, service, disc)| {
            let disc: String = disc.iter().map(|d| char::from(b'0' + d)).collect();
            format!("{pan}={year:02}{month:02}{service}{disc}")
        })
        .prop_filter("fits 37 characters", |t| t.len() <= 37)
}

/// `len` random bytes standing for a PIN block or a key. Each is 0xA0 or more, so its hex has a
/// letter in every other place and cannot coincide with a test's digit data, even after
/// shrinking.
pub fn secret_bytes(len: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0xA0u8..=0xFF, len)
}

/// A PEM document's body re-wrapped at `width` columns with `eol` line ends, and its bare
/// base64 body: the forms keys arrive in (64 columns by RFC 7468, 76 from some consoles, CR LF
/// from Windows, no armour at all from Alipay's console).
pub fn rewrap_pem(text: &str, width: usize, eol: &str) -> (String, String) {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let body: String = lines[1..lines.len() - 1].concat();
    let wrapped: Vec<&str> = body
        .as_bytes()
        .chunks(width)
        .map(|c| core::str::from_utf8(c).unwrap_or_default())
        .collect();
    let pem = format!(
        "{}{eol}{}{eol}{}{eol}",
        lines[0],
        wrapped.join(eol),
        lines[lines.len() - 1]
    );
    (pem, body)
}

/// Checks that a private key loaded from `pem` by `load`, and the errors `load` gives for
/// broken copies of it (cut in half, cut short, armour lost, a character changed), print no
/// 4-byte run of the key's DER and no 7-character run of its base64 body, with `{:?}`, `{:#?}`
/// and (errors) `{}`. Panics naming what showed it.
pub fn assert_key_never_prints<K: core::fmt::Debug, E: core::fmt::Debug + core::fmt::Display>(
    pem: &str,
    load: impl Fn(&str) -> Result<K, E>,
) {
    use base64::Engine as _;
    let (_, body) = rewrap_pem(pem, 64, "\n");
    let der = base64::engine::general_purpose::STANDARD
        .decode(&body)
        .unwrap_or_default();
    assert!(!der.is_empty(), "not a PEM key");
    let secrets = Secrets::new().bytes(&der).text(&body);
    match load(pem) {
        Ok(key) => secrets.assert_hidden("the key", &format!("{key:?} {key:#?}")),
        Err(e) => panic!("the key does not load: {e}"),
    }
    let changed = body.replacen('A', "!", 1);
    let broken = [
        &body[..body.len() / 2],
        &body[..body.len() - 3],
        &pem[..pem.len() / 2],
        changed.as_str(),
    ];
    for text in broken {
        if let Err(e) = load(text) {
            secrets.assert_hidden("a key error", &format!("{e} {e:?} {e:#?}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_form() {
        let s = Secrets::new()
            .pan("4761739001010010")
            .bytes(&[0xA1, 0xB2, 0xC3, 0xD4, 0xE5]);
        assert!(s.find("PAN 476173******0010").is_none());
        assert!(s.find("PAN 4761739******10").is_some());
        assert!(s.find("wire 47617390").is_some());
        assert!(s.find("ascii [52, 55, 54, 49, 55, 51, 57]").is_some());
        assert!(s.find("ascii 30303130").is_none());
        assert!(s.find("key b2c3d4e5").is_some());
        assert!(s.find("key B2C3D4").is_none());
        let t = Secrets::new().track("4761739001010010D22122011143804400000");
        assert!(t.find("476173******0010D********************").is_none());
        assert!(t.find("D2212201114380").is_some());
    }

    #[test]
    fn bcd_packs_left_aligned() {
        assert_eq!(bcd("123", b'F'), vec![0x12, 0x3F]);
        assert_eq!(bcd("12D4", b'F'), vec![0x12, 0xD4]);
    }

    // The case proptest found in unionpay-cps's leak test: 7 characters of the track after the
    // separator inside the hex of an ASCII MAC field.
    #[test]
    fn hex_dumps_are_not_text_leaks_but_text_is() {
        let secrets = Secrets::new().track("374545797986148D0402220414633973849");
        let mac_field = " 64  Message authentication code  8   4337393041463338";
        assert_eq!(secrets.find(mac_field), None);
        assert_eq!(secrets.find("binary 9A0414633F01"), None);
        assert!(
            secrets
                .find("track: 374545*****6148=0402220414633973849")
                .is_some()
        );
        assert!(secrets.find("discretionary 0414633 shown").is_some());
        assert!(secrets.find("pan 3745457979").is_some());
    }
}
