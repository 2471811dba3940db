//! The synchronous-response scanner: finds the exact raw text Alipay signed.
//!
//! A gateway answer is `{"<method with . as _>_response":{...},"sign":"...","alipay_cert_sn":"..."}`
//! (or `error_response` in place of the method's node). Alipay signs the node's value **as it
//! sent it**: verifying a re-serialised JSON value fails as soon as a `\/` escape or a key order
//! differs, and a naive brace count breaks on braces inside strings. This scanner walks the
//! top-level members once, honouring strings and escapes, without allocating and without
//! recursion (nesting limit [`MAX_DEPTH`]), and returns byte spans of the input.

use crate::error::{Error, ErrorKind, Result};

/// The deepest nesting accepted inside a node.
pub const MAX_DEPTH: u32 = 64;

/// The parts of a response that verification needs, borrowed from the response text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseNode<'a> {
    /// The node's value exactly as sent: an object's text, or for an encrypted response the
    /// JSON string **with** its quotes (that is what Alipay signs).
    pub signed: &'a str,
    /// Whether the node was `error_response` (the method's node was absent).
    pub is_error: bool,
    /// The top-level `sign` value as raw JSON string contents (escapes not yet resolved).
    pub sign: Option<&'a str>,
    /// The top-level `alipay_cert_sn`, raw.
    pub alipay_cert_sn: Option<&'a str>,
}

impl<'a> ResponseNode<'a> {
    /// Whether the node is an encrypted (string) value.
    pub fn is_encrypted(&self) -> bool {
        self.signed.starts_with('"')
    }

    /// For an encrypted node, the base64 ciphertext between the quotes (escapes kept: base64
    /// has none but `\/`, which [`unescape_into`] resolves).
    pub fn encrypted_content(&self) -> Option<&'a str> {
        self.signed.strip_prefix('"')?.strip_suffix('"')
    }
}

struct Scanner<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn error(&self) -> Error {
        Error::new(ErrorKind::Response).at_offset(self.pos)
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1);
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.bump();
        }
    }

    fn expect(&mut self, byte: u8) -> Result<()> {
        if self.peek() == Some(byte) {
            self.bump();
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// Skips a string starting at its opening quote; returns the span with the quotes.
    fn string(&mut self) -> Result<(usize, usize)> {
        let start = self.pos;
        self.expect(b'"')?;
        loop {
            match self.peek() {
                None | Some(0x00..=0x1f) => return Err(self.error()),
                Some(b'"') => {
                    self.bump();
                    return Ok((start, self.pos));
                }
                Some(b'\\') => {
                    self.bump();
                    if self.peek().is_none() {
                        return Err(self.error());
                    }
                    self.bump();
                }
                Some(_) => self.bump(),
            }
        }
    }

    /// Skips any value; returns its span.
    fn value(&mut self) -> Result<(usize, usize)> {
        let start = self.pos;
        match self.peek() {
            Some(b'"') => self.string(),
            Some(b'{' | b'[') => {
                // Open containers as a bit stack: 1 = object, 0 = array.
                let mut stack: u64 = 0;
                let mut depth: u32 = 0;
                loop {
                    match self.peek() {
                        None => return Err(self.error()),
                        Some(b'"') => {
                            self.string()?;
                        }
                        Some(open @ (b'{' | b'[')) => {
                            if depth >= MAX_DEPTH {
                                return Err(self.error());
                            }
                            stack = (stack << 1) | u64::from(open == b'{');
                            depth = depth.saturating_add(1);
                            self.bump();
                        }
                        Some(close @ (b'}' | b']')) => {
                            if depth == 0 || (stack & 1 == 1) != (close == b'}') {
                                return Err(self.error());
                            }
                            stack >>= 1;
                            depth = depth.saturating_sub(1);
                            self.bump();
                            if depth == 0 {
                                return Ok((start, self.pos));
                            }
                        }
                        Some(_) => self.bump(),
                    }
                }
            }
            Some(b) if b == b'-' || b.is_ascii_alphanumeric() => {
                while self.peek().is_some_and(|b| {
                    b == b'-' || b == b'+' || b == b'.' || b.is_ascii_alphanumeric()
                }) {
                    self.bump();
                }
                Ok((start, self.pos))
            }
            _ => Err(self.error()),
        }
    }
}

/// The node name of a method: `alipay.trade.pay` → `alipay_trade_pay_response`, written into
/// `out`; `None` when `out` is too small.
fn node_name<'o>(method: &str, out: &'o mut [u8]) -> Option<&'o [u8]> {
    let suffix = b"_response";
    let len = method.len().checked_add(suffix.len())?;
    let dest = out.get_mut(..len)?;
    let (head, tail) = dest.split_at_mut(method.len());
    for (d, s) in head.iter_mut().zip(method.bytes()) {
        *d = if s == b'.' { b'_' } else { s };
    }
    tail.copy_from_slice(suffix);
    Some(dest)
}

/// Finds the node of `method` (or `error_response`), `sign` and `alipay_cert_sn` in a
/// response. Errors carry the byte offset where the text stopped making sense.
pub fn response_node<'a>(text: &'a str, method: &str) -> Result<ResponseNode<'a>> {
    let mut name_buf = [0u8; 128];
    let wanted =
        node_name(method, &mut name_buf).ok_or(Error::new(ErrorKind::Response).at_offset(0))?;
    let bytes = text.as_bytes();
    let mut s = Scanner {
        text: bytes,
        pos: 0,
    };
    s.skip_ws();
    s.expect(b'{')?;
    let (mut node, mut error_node, mut sign, mut cert_sn) = (None, None, None, None);
    s.skip_ws();
    if s.peek() == Some(b'}') {
        s.bump();
    } else {
        loop {
            s.skip_ws();
            let (ks, ke) = s.string()?;
            let key = bytes
                .get(ks.saturating_add(1)..ke.saturating_sub(1))
                .unwrap_or_default();
            s.skip_ws();
            s.expect(b':')?;
            s.skip_ws();
            let (vs, ve) = s.value()?;
            let value = text.get(vs..ve).ok_or_else(|| s.error())?;
            let is_node = key == wanted || key == b"error_response";
            if is_node && !(value.starts_with('{') || value.starts_with('"')) {
                // A node is an object, or a string when encrypted; nothing else is signed.
                return Err(Error::new(ErrorKind::Response).at_offset(vs));
            }
            if key == wanted {
                node = node.or(Some(value));
            } else if key == b"error_response" {
                error_node = error_node.or(Some(value));
            } else if key == b"sign" && value.starts_with('"') {
                sign = value.get(1..value.len().saturating_sub(1));
            } else if key == b"alipay_cert_sn" && value.starts_with('"') {
                cert_sn = value.get(1..value.len().saturating_sub(1));
            }
            s.skip_ws();
            match s.peek() {
                Some(b',') => s.bump(),
                Some(b'}') => {
                    s.bump();
                    break;
                }
                _ => return Err(s.error()),
            }
        }
    }
    s.skip_ws();
    if s.pos != bytes.len() {
        return Err(s.error());
    }
    let (signed, is_error) = match (node, error_node) {
        (Some(n), _) => (n, false),
        (None, Some(e)) => (e, true),
        (None, None) => return Err(Error::new(ErrorKind::Response).at_offset(0)),
    };
    Ok(ResponseNode {
        signed,
        is_error,
        sign,
        alipay_cert_sn: cert_sn,
    })
}

/// Resolves the escapes of raw JSON string contents (`\/`, `\"`, `\\`, `\n`, `\uXXXX`, ...)
/// into `out`; returns the text. `None` on a bad escape or a short buffer.
pub fn unescape_into<'o>(raw: &str, out: &'o mut [u8]) -> Option<&'o str> {
    let mut written = 0usize;
    let mut put = |bytes: &[u8], written: &mut usize| -> Option<()> {
        let end = written.checked_add(bytes.len())?;
        out.get_mut(*written..end)?.copy_from_slice(bytes);
        *written = end;
        Some(())
    };
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            put(c.encode_utf8(&mut buf).as_bytes(), &mut written)?;
            continue;
        }
        let decoded = match chars.next()? {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let hex4 = |chars: &mut core::str::Chars<'_>| -> Option<u32> {
                    (0..4).try_fold(0u32, |acc, _| {
                        acc.checked_mul(16)?
                            .checked_add(chars.next()?.to_digit(16)?)
                    })
                };
                let first = hex4(&mut chars)?;
                if (0xD800..0xDC00).contains(&first) {
                    if chars.next()? != '\\' || chars.next()? != 'u' {
                        return None;
                    }
                    let second = hex4(&mut chars)?;
                    let high = first.checked_sub(0xD800)?.checked_mul(0x400)?;
                    let low = second.checked_sub(0xDC00).filter(|l| *l < 0x400)?;
                    char::from_u32(high.checked_add(low)?.checked_add(0x10000)?)?
                } else {
                    char::from_u32(first)?
                }
            }
            _ => return None,
        };
        let mut buf = [0u8; 4];
        put(decoded.encode_utf8(&mut buf).as_bytes(), &mut written)?;
    }
    core::str::from_utf8(out.get(..written)?).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn unescape() {
        let mut out = [0u8; 64];
        assert_eq!(
            unescape_into(r#"a\/b\\c\"d\u4e2d\ud83d\ude00"#, &mut out),
            Some("a/b\\c\"d中😀")
        );
        assert_eq!(unescape_into(r"\x", &mut out), None);
        assert_eq!(unescape_into(r"\u12", &mut out), None);
        assert_eq!(unescape_into(r"\ud83d", &mut out), None);
        assert_eq!(unescape_into("abc", &mut [0u8; 2]), None);
    }

    #[test]
    fn nodes() {
        let r = response_node(
            r#"{"a_b_response":{"x":"}{\"","y":[1,{"z":2}]},"sign":"s\/1"}"#,
            "a.b",
        )
        .unwrap();
        assert_eq!(r.signed, r#"{"x":"}{\"","y":[1,{"z":2}]}"#);
        assert_eq!(r.sign, Some(r"s\/1"));
        assert!(!r.is_error);
        let r = response_node(r#"{"error_response":{"code":"40002"},"sign":"x"}"#, "a.b").unwrap();
        assert!(r.is_error);
        let r = response_node(r#"{"a_b_response":"Zm9v","sign":"x"}"#, "a.b").unwrap();
        assert_eq!(r.signed, "\"Zm9v\"");
        assert_eq!(r.encrypted_content(), Some("Zm9v"));
        // Malformed: offsets point at the trouble.
        let e = response_node(r#"{"a_b_response":{"x":1]}"#, "a.b").unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Response, 22));
        let e = response_node(r#"{"a_b_response":{"x":"1}"#, "a.b").unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Response, 24));
        assert!(response_node(r#"{"other":{}}"#, "a.b").is_err());
        // Found by fuzzing: a node that is neither an object nor a string.
        let e = response_node(r#"{"error_response":nt}"#, "a.b").unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Response, 18));
        assert!(response_node(r#"{"a_b_response":9,"sign":"x"}"#, "a.b").is_err());
        assert!(response_node(r#"{"a_b_response":{}} x"#, "a.b").is_err());
        let deep = alloc::format!("{{\"a_b_response\":{}{}}}", "[".repeat(65), "]".repeat(65));
        assert!(response_node(&deep, "a.b").is_err());
    }
}
