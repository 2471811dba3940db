//! `paywire iso8583 ...`

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use paywire_iso8583::framing::{Framing, Status};
use paywire_iso8583::jpos::XmlMessage;
use paywire_iso8583::rules::{self, MessageRule};
use paywire_iso8583::spec::{Charset, Content, Encoding, Spec, Subfields};
use paywire_iso8583::{Message, MessageRef, Mti, SubfieldId, builtin};
use serde_json::Value as Json;

use crate::{Failure, Outcome, input, print};

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// List the built-in specs, one per line: name, a tab, description.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire iso8583 specs"##))]
    Specs,
    /// Decode a message to JSON: {"mti":"0200","fields":{"2":"...",...}}.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"printf 02007000000000000000164761739001010010000000000000001000 | paywire iso8583 decode --spec iso87ascii"##))]
    Decode {
        #[command(flatten)]
        common: Common,
        /// Framing around the message (its header is printed as "header").
        #[arg(long, value_enum)]
        framing: Option<FramingArg>,
        /// Output form: paywire's JSON, or jPOS's XML message (`<isomsg>`, as jPOS logs it).
        #[arg(long, value_enum, default_value = "json")]
        format: FormatArg,
        /// Print a field the spec divides into subfields as an object of them (keyed by part
        /// or subfield number, or tag).
        #[arg(long)]
        subfields: bool,
    },
    /// Encode the JSON that `decode` prints (or a jPOS XML message) back into a message.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo '{"mti":"0200","fields":{"2":"4761739001010010","3":"000000","4":"000000001000"}}' | paywire iso8583 encode --spec iso87ascii"##))]
    Encode {
        #[command(flatten)]
        spec: SpecArg,
        /// Framing to add; the JSON's "header" (hex) supplies the header bytes.
        #[arg(long, value_enum)]
        framing: Option<FramingArg>,
        /// Write one line of uppercase hex instead of raw bytes.
        #[arg(long)]
        hex_out: bool,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
    /// Check a message against its spec's message rules (fields mandatory, conditional or not
    /// allowed for its MTI): {"valid":…,"issues":[{"field":…,"rule":…,"message":…}]}; exit 1
    /// when not valid.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"printf 02007020000000800000164761739001010010000000000000001000000001TERM0001 | paywire iso8583 validate --spec-file iso8583/tests/specs/rules-1987.json"##))]
    Validate {
        #[command(flatten)]
        common: Common,
        /// Framing around the message.
        #[arg(long, value_enum)]
        framing: Option<FramingArg>,
        /// Message rules to check instead of the spec's: `jpos-cmf` (jPOS's Common Message
        /// Format tables, built in) or a JSON file with a `"rules"` object (a JSON spec's form).
        #[arg(long, value_name = "NAME|FILE")]
        rules: Option<String>,
    },
    /// Print a field table: number, name, length, value (PAN, track, PIN, key fields masked).
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"paywire iso8583 describe --spec cups-pos --hex --framing cups iso8583/tests/vectors/cups-0810-signin.hex"##))]
    Describe {
        #[command(flatten)]
        common: Common,
        /// Framing around the message.
        #[arg(long, value_enum)]
        framing: Option<FramingArg>,
        /// Show PAN, track, PIN block, CVV-bearing and key fields in clear.
        #[arg(long)]
        unmask: bool,
    },
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub(crate) struct SpecArg {
    /// Built-in spec name (see `paywire iso8583 specs`).
    #[arg(long)]
    spec: Option<String>,
    /// A spec file: JSON (paywire's format or moov-io/iso8583's, see the iso8583 crate docs)
    /// or a jPOS GenericPackager XML file (`<isopackager>` root).
    #[arg(long)]
    spec_file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub(crate) struct Common {
    #[command(flatten)]
    spec: SpecArg,
    /// The input is hexadecimal text (whitespace ignored, either case).
    #[arg(long)]
    hex: bool,
    /// Input file; `-` or nothing reads standard input.
    input: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// {"mti":…,"fields":{…}}.
    Json,
    /// jPOS's XML message form: `<isomsg>`, `<header>`, `<field id="…" value="…"/>`.
    #[value(name = "jpos-xml")]
    JposXml,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum FramingArg {
    /// 2-byte big-endian binary length, not counting itself.
    Len2,
    /// 2-byte big-endian binary length, counting itself.
    #[value(name = "len2-incl")]
    Len2Incl,
    /// 4 ASCII digits of length.
    Len4ascii,
    /// 2 bytes of BCD length.
    Bcd2,
    /// Visa's 4-byte header: 2-byte length and 2 zero bytes.
    Vmlh,
    /// 2-byte length and a 5-byte TPDU (jPOS's NACChannel).
    #[value(name = "len2-tpdu")]
    Len2Tpdu,
    /// UnionPay POS: 2-byte length, 5-byte TPDU, 6-byte header.
    Cups,
}

impl FramingArg {
    const fn framing(self) -> Framing {
        match self {
            Self::Len2 => Framing::LEN2,
            Self::Len2Incl => Framing::LEN2_INCLUSIVE,
            Self::Len4ascii => Framing::LEN4_ASCII,
            Self::Bcd2 => Framing::LEN2_BCD,
            Self::Vmlh => Framing::VMLH,
            Self::Len2Tpdu => Framing::LEN2_TPDU,
            Self::Cups => Framing::CUPS,
        }
    }
}

/// A spec, the message header it puts before the MTI (a jPOS packager's `headerLength`) and
/// its message rules (a JSON spec's `"rules"`).
#[derive(Clone, Copy)]
struct Loaded {
    spec: &'static Spec<'static>,
    header_len: usize,
    rules: &'static [MessageRule<'static>],
}

impl Loaded {
    /// The framing to read and write with: `--framing`'s, its header grown by the spec's
    /// message header; or the message header alone.
    fn framing(self, arg: Option<FramingArg>) -> Option<Framing> {
        match (arg, self.header_len) {
            (None, 0) => None,
            (None, n) => Some(Framing::new(None).with_header(n)),
            (Some(f), n) => {
                let f = f.framing();
                Some(f.with_header(f.header_len.saturating_add(n)))
            }
        }
    }
}

fn spec(arg: &SpecArg) -> Result<Loaded, Failure> {
    if let Some(path) = &arg.spec_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
        let bad = |e: &dyn std::fmt::Display| {
            Failure::Usage(format!("bad spec file {}: {e}", path.display()))
        };
        // A jPOS GenericPackager file (its root is <isopackager>), or JSON.
        if text.contains("<isopackager") {
            let name = path
                .file_stem()
                .map_or_else(|| "jpos".into(), |s| s.to_string_lossy().into_owned());
            let doc = paywire_iso8583::jpos::load_packager(&name, &text).map_err(|e| bad(&e))?;
            return Ok(loaded(doc));
        }
        let doc = paywire_iso8583::json::SpecDoc::from_json(&text).map_err(|e| bad(&e))?;
        return Ok(loaded(doc));
    }
    let name = arg.spec.as_deref().unwrap_or_default();
    let spec = all_specs().find(|s| s.name == name).ok_or_else(|| {
        let known: Vec<&str> = all_specs().map(|s| s.name).collect();
        Failure::Usage(format!(
            "unknown spec {name:?}; built-in specs: {}",
            known.join(", ")
        ))
    })?;
    Ok(Loaded {
        spec,
        header_len: 0,
        rules: &[],
    })
}

/// A loaded spec document, kept for the life of the command.
fn loaded(doc: paywire_iso8583::json::SpecDoc) -> Loaded {
    let (doc, spec) = paywire_iso8583::json::leak_with_doc(doc);
    Loaded {
        spec,
        header_len: doc.header_len(),
        rules: Vec::leak(doc.rules()),
    }
}

/// The built-in specs of `iso8583`, then the dialects other crates define.
fn all_specs() -> impl Iterator<Item = &'static Spec<'static>> {
    builtin::BUILTIN
        .iter()
        .copied()
        .chain([&paywire_unionpay::spec::CUPS_POS])
}

fn rejected(e: impl std::fmt::Display) -> Failure {
    Failure::Rejected(e.to_string())
}

/// Splits off the framing (if any) and parses the message.
fn read_message<'a>(
    spec: &'static Spec<'static>,
    bytes: &'a [u8],
    framing: Option<Framing>,
) -> Result<(Option<&'a [u8]>, MessageRef<'a, 'static>), Failure> {
    let (header, message, base) = match framing {
        None => (None, bytes, 0),
        Some(f) => match f.decode(bytes).map_err(rejected)? {
            Status::Complete(frame) => {
                if frame.consumed != bytes.len() {
                    return Err(Failure::Rejected(format!(
                        "{} bytes after the frame",
                        bytes.len().saturating_sub(frame.consumed)
                    )));
                }
                (Some(frame.header), frame.message, frame.message_offset)
            }
            Status::Partial { needed } => {
                return Err(Failure::Rejected(format!("frame is {needed} bytes short")));
            }
        },
    };
    let m = MessageRef::parse(spec, message).map_err(|e| rejected(e.with_base(base)))?;
    Ok((header, m))
}

/// The character set a field's text is in: the spec's, but ISO 8859-1 for EBCDIC (whose
/// characters read as ISO 8859-1 code points).
fn charset_of(charset: Charset, encoding: Encoding) -> Charset {
    match encoding {
        Encoding::Ebcdic(_) => Charset::Latin1,
        _ => charset,
    }
}

/// A field's value as JSON text: binary content as uppercase hex; text as characters in the
/// spec's character set (ISO 8859-1, or UTF-8 where valid).
fn field_text(charset: Charset, content: Content, encoding: Encoding, bytes: &[u8]) -> String {
    if content == Content::B {
        return hex::encode_upper(bytes);
    }
    charset_of(charset, encoding).decode(bytes).into_owned()
}

/// The inverse of [`field_text`].
fn field_bytes(
    charset: Charset,
    content: Content,
    encoding: Encoding,
    number: u8,
    text: &str,
) -> Result<Vec<u8>, Failure> {
    if content == Content::B {
        return hex::decode(text).map_err(|e| {
            Failure::Rejected(format!("field {number}: value is not hexadecimal: {e}"))
        });
    }
    charset_of(charset, encoding)
        .encode(text)
        .ok_or_else(|| Failure::Rejected(format!("field {number}: character outside ISO-8859-1")))
}

/// A field's subfields as a JSON object (part or subfield number, or tag, as keys; values by
/// the same rules as a field's), for fields whose spec divides them (not BER-TLV, read as one
/// binary value).
fn subfields_json(f: &paywire_iso8583::FieldRef<'_, '_>, charset: Charset) -> Option<String> {
    let spec = f.spec();
    if !matches!(
        spec.subfields,
        Subfields::Positional(_)
            | Subfields::TaggedAscii { .. }
            | Subfields::Bitmap { .. }
            | Subfields::Sequence(_)
            | Subfields::Tagged { .. }
    ) {
        return None;
    }
    let mut out = String::from("{");
    for (i, s) in f.subfields().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let (key, content, encoding) = match s.id {
            SubfieldId::Position(n) => match spec.subfields.definitions() {
                [] => (n.to_string(), spec.content, spec.encoding),
                defs => {
                    let def = defs.iter().find(|d| d.number == n)?;
                    (n.to_string(), def.content, def.encoding)
                }
            },
            SubfieldId::Tag(t) => (
                String::from_utf8_lossy(t).into_owned(),
                spec.content,
                spec.encoding,
            ),
            _ => return None,
        };
        let text = field_text(charset, content, encoding, &s.value.to_vec());
        out.push_str(&format!("{}:{}", Json::from(key), Json::from(text)));
    }
    out.push('}');
    Some(out)
}

/// A field's value from the object `subfields_json` prints.
fn field_from_subfields(
    charset: Charset,
    field: &paywire_iso8583::spec::FieldSpec<'_>,
    number: u8,
    object: &[(String, Json)],
) -> Result<Vec<u8>, Failure> {
    let text_of = |key: &str, v: &Json| {
        v.as_str().map(str::to_owned).ok_or_else(|| {
            Failure::Rejected(format!("field {number}.{key}: value is not a string"))
        })
    };
    let built = match field.subfields {
        Subfields::TaggedAscii { .. } => {
            let mut parts = Vec::new();
            // In the order the input gives them: tagged values are written in that order
            // (a MAC over the message depends on it).
            for (tag, v) in object {
                let bytes = field_bytes(
                    charset,
                    field.content,
                    field.encoding,
                    number,
                    &text_of(tag, v)?,
                )?;
                parts.push((tag.as_bytes().to_vec(), bytes));
            }
            let borrowed: Vec<(&[u8], &[u8])> = parts
                .iter()
                .map(|(t, v)| (t.as_slice(), v.as_slice()))
                .collect();
            paywire_iso8583::compose_tagged(field, &borrowed)
        }
        _ => {
            let mut parts = Vec::new();
            for (key, v) in object {
                let n: u8 = key.parse().map_err(|_| {
                    Failure::Rejected(format!(
                        "field {number}: subfield key {key:?} is not a number"
                    ))
                })?;
                let (content, encoding) = match field.subfields.definitions() {
                    [] => (field.content, field.encoding),
                    defs => defs
                        .iter()
                        .find(|d| d.number == n)
                        .map(|d| (d.content, d.encoding))
                        .ok_or_else(|| {
                            Failure::Rejected(format!("field {number}: no subfield {n}"))
                        })?,
                };
                parts.push((
                    n,
                    field_bytes(charset, content, encoding, number, &text_of(key, v)?)?,
                ));
            }
            let borrowed: Vec<(u8, &[u8])> =
                parts.iter().map(|(n, v)| (*n, v.as_slice())).collect();
            paywire_iso8583::compose(field, &borrowed)
        }
    };
    built.map_err(rejected)
}

fn decode(
    common: Common,
    framing: Option<FramingArg>,
    format: FormatArg,
    subfields: bool,
) -> Outcome {
    let loaded = spec(&common.spec)?;
    let bytes = input::read_binary(common.input.as_deref(), common.hex)?;
    let (header, m) = read_message(loaded.spec, &bytes, loaded.framing(framing))?;
    if format == FormatArg::JposXml {
        return print(&XmlMessage::from_message(&m, header).to_xml());
    }
    // Built by hand: keys must come in the contract's order, fields in ascending number.
    let mut out = String::from("{");
    if let Some(header) = header {
        out.push_str(&format!(
            "\"header\":{},",
            Json::from(hex::encode_upper(header))
        ));
    }
    out.push_str(&format!(
        "\"mti\":{},\"fields\":{{",
        Json::from(m.mti().to_string())
    ));
    for (i, f) in m.fields().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let charset = m.spec().charset;
        if let Some(object) = subfields.then(|| subfields_json(&f, charset)).flatten() {
            out.push_str(&format!("\"{}\":{object}", f.number()));
            continue;
        }
        let text = field_text(
            charset,
            f.spec().content,
            f.spec().encoding,
            &f.value().to_vec(),
        );
        out.push_str(&format!("\"{}\":{}", f.number(), Json::from(text)));
    }
    out.push_str("}}\n");
    print(&out)
}

fn encode(
    spec_arg: &SpecArg,
    framing: Option<FramingArg>,
    hex_out: bool,
    input: Option<PathBuf>,
) -> Outcome {
    let loaded = spec(spec_arg)?;
    let spec = loaded.spec;
    let raw = input::read(input.as_deref())?;
    let (header, message) = if raw.trim_ascii_start().starts_with(b"<") {
        from_jpos_xml(spec, &raw)?
    } else {
        from_json(spec, &raw)?
    };
    let body = message.to_vec().map_err(rejected)?;
    let out = match loaded.framing(framing) {
        None => body,
        Some(f) => {
            let mut framed = Vec::new();
            f.encode(&header.unwrap_or_default(), &body, &mut framed)
                .map_err(rejected)?;
            framed
        }
    };
    if hex_out {
        print(&format!("{}\n", hex::encode_upper(out)))
    } else {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&out)
            .and_then(|()| stdout.flush())
            .map_err(|e| Failure::Usage(format!("cannot write output: {e}")))
    }
}

/// A jPOS XML message: its header and the message under `spec`.
fn from_jpos_xml(
    spec: &'static Spec<'static>,
    raw: &[u8],
) -> Result<(Option<Vec<u8>>, Message<'static>), Failure> {
    let text = std::str::from_utf8(raw)
        .map_err(|e| Failure::Rejected(format!("input is not UTF-8 text: {e}")))?;
    let xml = XmlMessage::parse(text).map_err(rejected)?;
    let message = xml.to_message(spec).map_err(rejected)?;
    Ok((xml.header, message))
}

/// A JSON object's members in the order the text gives them (`serde_json::Map` sorts them).
struct InOrder(Vec<(String, Json)>);

/// A value that is an object (its members in order) or anything else (`None`).
struct MaybeObject(Option<InOrder>);

impl<'de> serde::Deserialize<'de> for MaybeObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MembersVisitor).map(Self)
    }
}

struct MembersVisitor;

impl<'de> serde::de::Visitor<'de> for MembersVisitor {
    type Value = Option<InOrder>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry::<String, Json>()? {
            members.push(member);
        }
        Ok(Some(InOrder(members)))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// The `"fields"` object of `encode`'s JSON, each field's subfield object in input order.
#[derive(serde::Deserialize)]
struct FieldsInOrder {
    #[serde(default, deserialize_with = "fields_in_order")]
    fields: Vec<(String, Option<InOrder>)>,
}

fn fields_in_order<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<(String, Option<InOrder>)>, D::Error> {
    struct FieldsVisitor;
    impl<'de> serde::de::Visitor<'de> for FieldsVisitor {
        type Value = Vec<(String, Option<InOrder>)>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of fields")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut fields = Vec::new();
            while let Some((key, value)) = map.next_entry::<String, MaybeObject>()? {
                fields.push((key, value.0));
            }
            Ok(fields)
        }
    }
    d.deserialize_map(FieldsVisitor)
}

/// The JSON that `decode` prints: its header and the message under `spec`.
fn from_json(
    spec: &'static Spec<'static>,
    raw: &[u8],
) -> Result<(Option<Vec<u8>>, Message<'static>), Failure> {
    let object = input::parse_object(raw)?;
    let mti = object
        .get("mti")
        .and_then(Json::as_str)
        .ok_or_else(|| Failure::Rejected("missing \"mti\" string".into()))?;
    let mti: Mti = mti.parse().map_err(rejected)?;
    let mut message = Message::new(spec, mti);
    if let Some(fields) = object.get("fields") {
        let fields = fields
            .as_object()
            .ok_or_else(|| Failure::Rejected("\"fields\" is not an object".into()))?;
        let ordered: FieldsInOrder = serde_json::from_slice(raw)
            .map_err(|e| Failure::Rejected(format!("\"fields\": {e}")))?;
        for (key, value) in fields {
            let number: u8 = key.parse().map_err(|_| {
                Failure::Rejected(format!("field key {key:?} is not a field number"))
            })?;
            let field = spec.field_for(mti, number).ok_or_else(|| {
                Failure::Rejected(format!("field {number}: not defined by spec {}", spec.name))
            })?;
            let bytes = match value {
                Json::Object(_) => {
                    let parts = ordered
                        .fields
                        .iter()
                        .rev()
                        .find(|(k, _)| k == key)
                        .and_then(|(_, members)| members.as_ref())
                        .map_or(&[][..], |m| m.0.as_slice());
                    field_from_subfields(spec.charset, field, number, parts)?
                }
                _ => {
                    let text = value.as_str().ok_or_else(|| {
                        Failure::Rejected(format!("field {number}: value is not a string"))
                    })?;
                    field_bytes(spec.charset, field.content, field.encoding, number, text)?
                }
            };
            message.set(number, bytes).map_err(rejected)?;
        }
    }
    let header = match object.get("header").and_then(Json::as_str) {
        Some(h) => Some(
            hex::decode(h)
                .map_err(|e| Failure::Rejected(format!("header is not hexadecimal: {e}")))?,
        ),
        None => None,
    };
    Ok((header, message))
}

fn validate(common: Common, framing: Option<FramingArg>, rules_arg: Option<&str>) -> Outcome {
    let loaded = spec(&common.spec)?;
    let rules: &[MessageRule<'static>] = match rules_arg {
        None => loaded.rules,
        Some("jpos-cmf") => rules::JPOS_CMF,
        Some(path) => {
            let path = std::path::Path::new(path);
            let doc = paywire_iso8583::json::RulesDoc::from_json(&input::read_text(path)?)
                .map_err(|e| Failure::Usage(format!("bad rules file {}: {e}", path.display())))?;
            let doc: &'static paywire_iso8583::json::RulesDoc = Box::leak(Box::new(doc));
            Vec::leak(doc.rules())
        }
    };
    if rules.is_empty() {
        return Err(Failure::Usage(format!(
            "spec {} has no message rules (a JSON spec file gives them under \"rules\"; \
             --rules names a table or a rules file)",
            loaded.spec.name
        )));
    }
    let bytes = input::read_binary(common.input.as_deref(), common.hex)?;
    let (_, m) = read_message(loaded.spec, &bytes, loaded.framing(framing))?;
    #[derive(serde::Serialize)]
    struct Issue {
        field: Option<u8>,
        rule: &'static str,
        message: String,
    }
    #[derive(serde::Serialize)]
    struct Report {
        valid: bool,
        issues: Vec<Issue>,
    }
    let issues: Vec<Issue> = rules::validate(rules, &m)
        .map(|v| Issue {
            field: v.field(),
            rule: v.rule(),
            message: format!("{v} ({})", m.mti()),
        })
        .collect();
    let report = Report {
        valid: issues.is_empty(),
        issues,
    };
    let json = serde_json::to_string(&report).map_err(|e| Failure::Usage(e.to_string()))?;
    print(&format!("{json}\n"))?;
    if report.valid {
        Ok(())
    } else {
        Err(Failure::Exit(1))
    }
}

fn describe(common: Common, framing: Option<FramingArg>, unmask: bool) -> Outcome {
    let loaded = spec(&common.spec)?;
    let bytes = input::read_binary(common.input.as_deref(), common.hex)?;
    let (header, m) = read_message(loaded.spec, &bytes, loaded.framing(framing))?;
    let mut out = String::new();
    if let Some(header) = header {
        out.push_str(&format!("header {}\n", hex::encode_upper(header)));
    }
    let table = m.describe();
    let table = if unmask { table.unmasked() } else { table };
    out.push_str(&table.to_string());
    print(&out)
}

pub(crate) fn run(command: Command) -> Outcome {
    match command {
        Command::Specs => {
            let mut out = String::new();
            for spec in all_specs() {
                out.push_str(&format!("{}\t{}\n", spec.name, spec.description));
            }
            print(&out)
        }
        Command::Decode {
            common,
            framing,
            format,
            subfields,
        } => decode(common, framing, format, subfields),
        Command::Validate {
            common,
            framing,
            rules,
        } => validate(common, framing, rules.as_deref()),
        Command::Encode {
            spec,
            framing,
            hex_out,
            input,
        } => encode(&spec, framing, hex_out, input),
        Command::Describe {
            common,
            framing,
            unmask,
        } => describe(common, framing, unmask),
    }
}
