//! `paywire emvqr ...`

use std::path::PathBuf;

use clap::Subcommand;
use paywire_emvqr::{Issue, Rules, Severity};
use paywire_emvqr::{Object, ParseOptions, PayloadRef, cpm};
use serde::Serialize;
use serde_json::Value as Json;

use crate::{Failure, Outcome, input, print};

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Decode a scanned EMV QR payload (merchant- or consumer-presented) to JSON; exit 1 when
    /// it is not valid (the JSON is still printed).
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D' | paywire emvqr decode"##))]
    Decode {
        /// Add a national profile's rules (pix, promptpay, sgqr, qris, vietqr, duitnow, bharatqr,
        /// unionpay); without it the profile is detected from the GUIDs present.
        #[arg(long)]
        profile: Option<String>,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
    /// Encode the JSON that `decode` prints (MPM `objects`) into payload text with its CRC.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo '{"objects":[{"id":"00","value":"01"},{"id":"01","value":"12"},{"id":"29","objects":[{"id":"00","value":"A000000677010111"},{"id":"01","value":"0066000000000"}]},{"id":"58","value":"TH"},{"id":"53","value":"764"},{"id":"54","value":"4.22"}]}' | paywire emvqr encode"##))]
    Encode {
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
    /// Draw the payload as a QR code (byte mode, ECI 26 for non-ASCII, quiet zone 4).
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D' | paywire emvqr render --format svg"##))]
    Render {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: RenderFormat,
        /// Error correction level.
        #[arg(long, value_enum, default_value = "M")]
        ecc: EccArg,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
    /// Tell what a scanned code is: {"kind":"emv-mpm"|"emv-cpm"|"wechat-auth-code"|...}.
    #[command(after_help = concat!("Example (from a paywire checkout):\n  ", r##"echo 134567890123456789 | paywire emvqr classify"##))]
    Classify {
        /// Input file; `-` or nothing reads standard input.
        input: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum RenderFormat {
    /// Terminal text.
    Text,
    /// SVG.
    Svg,
    /// PNG image.
    Png,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum EccArg {
    /// Low (7 %).
    #[value(name = "L")]
    L,
    /// Medium (15 %).
    #[value(name = "M")]
    M,
    /// Quartile (25 %).
    #[value(name = "Q")]
    Q,
    /// High (30 %).
    #[value(name = "H")]
    H,
}

/// `text` as a QR code in `format` (also what `paywire pos show --render` draws).
pub(crate) fn render_code(
    text: &str,
    format: RenderFormat,
    ecc: EccArg,
) -> Result<Vec<u8>, Failure> {
    use paywire_emvqr::render::{BUFFER_LEN, Ecc};
    let ecc = match ecc {
        EccArg::L => Ecc::Low,
        EccArg::M => Ecc::Medium,
        EccArg::Q => Ecc::Quartile,
        EccArg::H => Ecc::High,
    };
    let mut buf = vec![0u8; 2 * BUFFER_LEN];
    let (a, b) = buf.split_at_mut(BUFFER_LEN);
    let (Ok(a), Ok(b)) = (
        <&mut [u8; BUFFER_LEN]>::try_from(a),
        <&mut [u8; BUFFER_LEN]>::try_from(b),
    ) else {
        return Err(Failure::Usage("internal buffer size".into()));
    };
    let matrix = paywire_emvqr::render::matrix(text, ecc, a, b)
        .map_err(|e| Failure::Rejected(e.to_string()))?;
    Ok(match format {
        RenderFormat::Text => paywire_emvqr::render::text(&matrix).into_bytes(),
        RenderFormat::Svg => paywire_emvqr::render::svg(&matrix).into_bytes(),
        RenderFormat::Png => {
            paywire_emvqr::render::png(&matrix, 8).map_err(|e| Failure::Rejected(e.to_string()))?
        }
    })
}

fn render(
    format: RenderFormat,
    ecc: EccArg,
    out: Option<PathBuf>,
    input: Option<PathBuf>,
) -> Outcome {
    let raw = input::read(input.as_deref())?;
    let text =
        String::from_utf8(raw).map_err(|_| Failure::Rejected("input is not UTF-8 text".into()))?;
    let bytes = render_code(text.trim_end_matches(['\r', '\n']), format, ecc)?;
    match out {
        Some(path) => std::fs::write(&path, bytes)
            .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display()))),
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure::Usage(format!("cannot write output: {e}")))
        }
    }
}

#[derive(Serialize)]
struct IssueJson {
    severity: &'static str,
    path: String,
    message: String,
}

impl From<&Issue> for IssueJson {
    fn from(issue: &Issue) -> Self {
        Self {
            severity: match issue.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            path: issue.path.to_string(),
            message: issue.kind.to_string(),
        }
    }
}

#[derive(Serialize)]
struct ObjectJson {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    objects: Option<Vec<ObjectJson>>,
}

fn object_json(object: &paywire_emvqr::ObjectRef<'_>) -> ObjectJson {
    let id = format!("{:02}", object.id());
    match object.children() {
        Some(children) => ObjectJson {
            id,
            value: None,
            objects: Some(children.map(|c| object_json(&c)).collect()),
        },
        None => ObjectJson {
            id,
            value: Some(object.value().to_owned()),
            objects: None,
        },
    }
}

#[derive(Serialize)]
struct MpmJson {
    mode: &'static str,
    valid: bool,
    crc: String,
    issues: Vec<IssueJson>,
    objects: Vec<ObjectJson>,
}

#[derive(Serialize)]
struct CpmJson {
    mode: &'static str,
    valid: bool,
    issues: Vec<IssueJson>,
    tlv: Vec<crate::tlv::Node>,
}

fn emit(json: &impl Serialize, valid: bool) -> Outcome {
    let text = serde_json::to_string(json)
        .map_err(|e| Failure::Usage(format!("cannot write JSON: {e}")))?;
    print(&format!("{text}\n"))?;
    if valid {
        Ok(())
    } else {
        Err(Failure::Rejected("payload is not valid".into()))
    }
}

fn decode_mpm(text: &str, profile: Option<paywire_emvqr::profile::Profile>) -> Outcome {
    match PayloadRef::parse_with(text, ParseOptions::default().with_crc_check(false)) {
        Ok(payload) => {
            let mut issues = Vec::new();
            payload.validate(profile.map_or(Rules::Detect, Rules::Profile), |i| {
                issues.push(i)
            });
            let valid = !issues.iter().any(|i| i.severity == Severity::Error);
            let json = MpmJson {
                mode: "mpm",
                valid,
                crc: format!("{:04X}", payload.crc()),
                issues: issues.iter().map(IssueJson::from).collect(),
                objects: payload.objects().map(|o| object_json(&o)).collect(),
            };
            emit(&json, valid)
        }
        Err(e) => {
            let json = MpmJson {
                mode: "mpm",
                valid: false,
                crc: String::new(),
                issues: vec![IssueJson {
                    severity: "error",
                    path: e.path().to_string(),
                    message: format!("{} at byte {}", e.kind(), e.offset()),
                }],
                objects: Vec::new(),
            };
            emit(&json, false)
        }
    }
}

fn decode_cpm(text: &str) -> Outcome {
    let mut buf = vec![0u8; text.len()];
    let payload = cpm::CpmRef::parse(text, &mut buf)
        .map_err(|e| Failure::Rejected(format!("consumer-presented payload: {e}")))?;
    let mut issues = Vec::new();
    payload.validate(|i| issues.push(i));
    let valid = issues.is_empty();
    let json = CpmJson {
        mode: "cpm",
        valid,
        issues: issues.iter().map(IssueJson::from).collect(),
        tlv: crate::tlv::nodes(&payload.tlvs()),
    };
    emit(&json, valid)
}

fn objects_from_json(value: &Json, depth: u8) -> Result<Vec<Object>, Failure> {
    let bad = |what: &str| Failure::Rejected(format!("input JSON: {what}"));
    let list = value
        .as_array()
        .ok_or_else(|| bad("\"objects\" is not an array"))?;
    let mut out = Vec::new();
    for item in list {
        let id: u8 = item
            .get("id")
            .and_then(Json::as_str)
            .and_then(|s| s.parse().ok())
            .filter(|&n: &u8| n <= 99)
            .ok_or_else(|| bad("object without a two-digit \"id\""))?;
        match (
            item.get("value").and_then(Json::as_str),
            item.get("objects"),
        ) {
            (Some(text), None) => out.push(Object::Text(id, text.to_owned())),
            (None, Some(children)) if depth == 0 => {
                out.push(Object::Template(id, objects_from_json(children, 1)?))
            }
            _ => {
                return Err(bad(
                    "each object needs a string \"value\" or (at the top level) \"objects\"",
                ));
            }
        }
    }
    Ok(out)
}

pub(crate) fn run(command: Command) -> Outcome {
    match command {
        Command::Decode { profile, input } => {
            let profile = match profile.as_deref() {
                None => None,
                Some(name) => Some(paywire_emvqr::profile::Profile::from_name(name).ok_or_else(
                    || {
                        let known: Vec<&str> = paywire_emvqr::profile::Profile::ALL
                            .iter()
                            .map(|p| p.name())
                            .collect();
                        Failure::Usage(format!(
                            "unknown profile {name:?}; known: {}",
                            known.join(", ")
                        ))
                    },
                )?),
            };
            let raw = input::read(input.as_deref())?;
            let text = String::from_utf8(raw)
                .map_err(|_| Failure::Rejected("input is not UTF-8 text".into()))?;
            // A scanner or `echo` adds a line end; it is not part of the payload.
            let text = text.trim_end_matches(['\r', '\n']);
            if text.starts_with(cpm::PREFIX) {
                decode_cpm(text)
            } else if text.starts_with("0002") {
                decode_mpm(text, profile)
            } else {
                Err(Failure::Rejected(
                    "not an EMV QR payload (merchant-presented starts 0002, consumer-presented hQVDUFYw)".into(),
                ))
            }
        }
        Command::Render {
            format,
            ecc,
            out,
            input,
        } => render(format, ecc, out, input),
        Command::Classify { input } => {
            let raw = input::read(input.as_deref())?;
            let text = String::from_utf8_lossy(&raw);
            let kind = paywire_emvqr::classify(&text).as_str();
            print(&format!("{{\"kind\":\"{kind}\"}}\n"))
        }
        Command::Encode { input } => {
            let raw = input::read(input.as_deref())?;
            let doc: Json = serde_json::from_slice(&raw)
                .map_err(|e| Failure::Rejected(format!("input is not JSON: {e}")))?;
            let objects = objects_from_json(doc.get("objects").unwrap_or(&Json::Null), 0)?;
            let text =
                paywire_emvqr::encode(&objects).map_err(|e| Failure::Rejected(e.to_string()))?;
            print(&format!("{text}\n"))
        }
    }
}
