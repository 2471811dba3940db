//! Run-time specs from JSON (feature `json-spec`): paywire's own format and moov-io/iso8583's.
//! [`load`] reads either into a spec usable everywhere a built-in one is.
//!
//! # paywire's format
//!
//! ```json
//! {
//!   "name": "cups-pos",
//!   "description": "China UnionPay POS terminal dialect",
//!   "mti": "bcd",
//!   "bitmap": "binary",
//!   "fields": {
//!     "2":  {"name": "PAN", "content": "n", "encoding": "bcd-left-f",
//!            "prefix": "bcd-ll", "max": 19, "sensitivity": "pan"},
//!     "3":  {"name": "Processing code", "content": "n", "encoding": "bcd", "length": 6},
//!     "62": {"name": "Keys", "content": "b", "encoding": "binary",
//!            "prefix": "bcd-lll", "max": 999, "counts": "bytes"}
//!   }
//! }
//! ```
//!
//! - `mti`: `ascii`, `bcd`, `ebcdic`. `bitmap`: `binary`, `hex`.
//! - `content`: `n`, `a`, `an`, `ans`, `z`, `x+n`, `b`.
//! - `encoding`: `ascii`, `ebcdic-037`, `ebcdic-500`, `ebcdic-1047`, `bcd` (right-aligned, 0
//!   pad), `bcd-right-f`, `bcd-left-0`, `bcd-left-f`, `binary`, `hex` (binary content as hex text);
//!   for `x+n` amounts also `sign-bcd` (the sign as one ASCII byte, then right-aligned BCD digits,
//!   as jPOS's `IFB_AMOUNT` writes them) and `sign-bcd-left`
//!   (a trailing 0 pad nibble).
//! - length: `"length": N` for fixed fields, or `"prefix"` plus `"max"` (and optionally `"min"`)
//!   for variable ones. `prefix` is `ascii-`, `ebcdic-`, `bcd-`, `binary-` or `hex-` followed
//!   by `l`, `ll`, `lll`, `llll`, `lllll` or `llllll` (Postilion's field 127; binary and hex
//!   prefixes count bytes of length — `hex-ll` is four hexadecimal characters — and stop at
//!   `llll`); `"counts": "bytes"` makes it count wire bytes instead of units.
//! - optional: `"pad"` (`none`, `left:C`, `right:C`), `"sensitivity"` (`public`, `pan`, `track`,
//!   `pin-block`, `key`, `cvv`).
//! - per-MTI overrides: `"overrides": [{"mti": "0810", "field": "62", ...same keys...}]`.
//! - `"charset"`: `utf-8` (the default) or `iso-8859-1` — how text fields' bytes are shown and
//!   given as characters ([`crate::spec::Charset`]).
//! - message rules ([`crate::rules`]): `"rules": {"0200": {"mandatory": [2, 3, 4, 11],
//!   "conditional": [14, 35], "not_allowed": [39], "closed": false}, ...}` — fields not listed
//!   are optional unless `closed` is true; [`SpecDoc::rules`] gives them to `rules::validate`.
//! - field 65: a spec that defines it reads bit 65 as that field, with no tertiary bitmap (and
//!   no field above 128), as jPOS's packagers do ([`crate::spec::Spec::field65_is_data`]);
//!   without a definition bit 65 announces the tertiary bitmap (fields 129–192).
//! - subfields: `"subfields": {"positional": [{"name": "Transaction type", "width": 2}, ...]}`,
//!   `{"tagged": {"tag": 2, "length": 3}}` (ASCII tag and decimal length), `"ber-tlv"`, or
//!   `{"bitmap": {"encoding": "binary" | "hex", "fields": {"1": {...field...}, ...}}}` (a
//!   64-bit bitmap, then the subfields it announces; these have no subfields of their own), or
//!   `{"sequence": {"fields": {"0": {...field...}, ...}}}` (the subfields end to end in number
//!   order, each as its own definition says — fixed or with its own prefix —, the value
//!   stopping after any whole one: [`crate::spec::Subfields::Sequence`]), or
//!   `{"tagged": {"tag": 2, "encoding": "ascii" | "ebcdic" | "bcd", "fields": {"1": {...}}}}`
//!   (each subfield after its number as a tag of `tag` digits, read as its own definition
//!   says: [`crate::spec::Subfields::Tagged`]).
//!
//! # moov-io/iso8583's format
//!
//! `{"name": ..., "fields": {"0": MTI, "1": bitmap, "2": {"type": "String", "length": 19,
//! "description": ..., "enc": "ASCII", "prefix": "ASCII.LL", "padding": {"type": "Left",
//! "pad": "0"}}, ...}}` with types `String`, `Numeric`, `Binary`, `Track2`; encodings `ASCII`,
//! `EBCDIC` (037), `BCD`, `LBCD`, `Binary`, `HexToASCII` (alias `Hex`), `ASCIIToHex`; prefixes
//! `ASCII`/`EBCDIC`/`BCD` `.Fixed`…`.LLLLLL`, `Binary.Fixed`…`.LLLL` (big-endian binary
//! lengths of 1–4 bytes), `Hex.Fixed`…`.LLLL` (1–4 bytes of length as hexadecimal text). `Composite` fields map
//! onto paywire's subfield kinds: with a `bitmap` → bitmap subfields; with `tag.enc` `BerTLVTag`
//! → BER-TLV (binary value); with `tag.length` → ASCII tags when every subfield is ASCII text
//! behind the same `ASCII.L…` prefix, else each tag's subfield read by its own definition (tags
//! of up to 3 digits in `ASCII`, `EBCDIC` or `BCD`: [`crate::spec::Subfields::Tagged`]);
//! without a tag → positional parts when every subfield is `ASCII.Fixed`,
//! else subfields in sequence, each read as its own definition says (`StringsByInt` order,
//! moov's `unpackSubfields`). Other composites and 5- or 6-byte binary or hex prefixes are
//! refused as unsupported.

pub(crate) mod doc;
mod moov;
mod paywire;

pub use doc::{SpecDoc, SpecParts, Tables};

use alloc::boxed::Box;
use alloc::vec::Vec;

use serde_json::Value as Json;

use crate::error::{Error, ErrorKind, Result};
use crate::spec::Spec;
use doc::key_error;

/// `text` as JSON; a syntax error is [`ErrorKind::Json`] with its line and column.
fn parse_json(text: &str) -> Result<Json> {
    serde_json::from_str(text).map_err(|e| {
        Error::new(
            ErrorKind::Json {
                line: e.line(),
                column: e.column(),
            },
            None,
            0,
        )
    })
}

impl SpecDoc {
    /// Loads paywire's format or moov-io/iso8583's (recognised by its `type`/`enc` keys), and
    /// validates the result.
    pub fn from_json(text: &str) -> Result<Self> {
        let root = parse_json(text)?;
        let object = root.as_object().ok_or(key_error(None))?;
        let fields = object
            .get("fields")
            .and_then(Json::as_object)
            .ok_or(key_error(None))?;
        let moov = fields
            .values()
            .any(|f| f.get("enc").is_some() || f.get("type").is_some());
        let doc = if moov {
            moov::from_moov(object, fields)?
        } else {
            paywire::from_paywire(object, fields)?
        };
        let tables = doc.tables();
        let parts = doc.parts(&tables);
        doc.spec(&parts).validate()?;
        Ok(doc)
    }
}

/// Message rules on their own, for any spec (a built-in, a jPOS packager): a JSON object whose
/// `"rules"` key has the form JSON specs use (so a paywire JSON spec with rules is also a rules
/// file).
///
/// ```
/// use paywire_iso8583::rules::{Presence, Rule};
/// let doc = paywire_iso8583::json::RulesDoc::from_json(
///     r#"{"rules": {"0200": {"mandatory": [3, 4], "not_allowed": [39]}}}"#,
/// )?;
/// let rules = doc.rules();
/// assert_eq!(rules[0].mti, paywire_iso8583::Mti::FINANCIAL_REQUEST);
/// assert_eq!(rules[0].fields[2], Rule { field: 39, presence: Presence::NotAllowed });
/// # Ok::<(), paywire_iso8583::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesDoc {
    rules: Vec<(crate::Mti, bool, Vec<crate::rules::Rule>)>,
}

impl RulesDoc {
    /// Reads the `"rules"` object of a JSON document (errors as [`SpecDoc::from_json`]'s).
    pub fn from_json(text: &str) -> Result<Self> {
        let root = parse_json(text)?;
        let rules = root
            .as_object()
            .and_then(|o| o.get("rules"))
            .ok_or(key_error(None))?;
        Ok(Self {
            rules: paywire::parse_rules(rules)?,
        })
    }

    /// The rules, for [`crate::rules::validate`].
    pub fn rules(&self) -> Vec<crate::rules::MessageRule<'_>> {
        self.rules
            .iter()
            .map(|(mti, closed, fields)| crate::rules::MessageRule {
                mti: *mti,
                closed: *closed,
                fields,
            })
            .collect()
    }
}

/// Loads a JSON spec (either format) in one call: a spec usable everywhere a built-in one is,
/// compiled for the parser like them.
///
/// The spec lives as long as the program: load it once, when the host or terminal starts (the
/// memory is not given back). A program that loads and drops specs over and over keeps the
/// [`SpecDoc`] itself and borrows it with [`SpecDoc::tables`], [`SpecDoc::parts`] and
/// [`SpecDoc::spec`].
///
/// ```
/// let spec = paywire_iso8583::json::load(r#"{"name": "tiny", "mti": "ascii", "bitmap": "hex",
///     "fields": {"11": {"name": "STAN", "content": "n", "encoding": "ascii", "length": 6}}}"#)?;
/// let mut b = paywire_iso8583::MessageBuilder::new(spec, paywire_iso8583::Mti::NETWORK_MANAGEMENT_REQUEST);
/// b.set(11, b"000001")?;
/// let bytes = b.to_vec()?;
/// assert_eq!(paywire_iso8583::MessageRef::parse(spec, &bytes)?.stan(), Some(1));
/// # Ok::<(), paywire_iso8583::Error>(())
/// ```
pub fn load(text: &str) -> Result<&'static Spec<'static>> {
    Ok(leak(SpecDoc::from_json(text)?))
}

/// A loaded document as a spec that lives as long as the program (see [`load`]).
pub fn leak(doc: SpecDoc) -> &'static Spec<'static> {
    leak_with_doc(doc).1
}

/// [`leak`], keeping the document too (for its [`SpecDoc::rules`] and
/// [`SpecDoc::header_len`]).
pub fn leak_with_doc(doc: SpecDoc) -> (&'static SpecDoc, &'static Spec<'static>) {
    let doc: &'static SpecDoc = Box::leak(Box::new(doc));
    let tables: &'static Tables<'static> = Box::leak(Box::new(doc.tables()));
    let parts: &'static SpecParts<'static> = Box::leak(Box::new(doc.parts(tables)));
    (doc, Box::leak(Box::new(doc.spec(parts))))
}
