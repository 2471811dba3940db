//! `paywire iso8583 ...` against the CLI contract (docs/cli.md).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

fn paywire(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let run = common::run(args, stdin);
    (run.code, run.stdout, run.stderr)
}

// The decode example of docs/cli.md.
const JSON: &str =
    r#"{"mti":"0200","fields":{"2":"4761739001010010","3":"000000","4":"000000001000"}}"#;
const WIRE: &[u8] = b"02007000000000000000164761739001010010000000000000001000";

#[test]
fn specs_lists_the_builtins() {
    let (code, out, _) = paywire(&["iso8583", "specs"], b"");
    let out = String::from_utf8(out).unwrap();
    assert_eq!(code, 0);
    for name in ["iso87ascii\t", "iso87binary\t", "iso93ascii\t"] {
        assert!(out.lines().any(|l| l.starts_with(name)), "{out}");
    }
}

#[test]
fn decode_and_encode_are_inverse() {
    let (code, out, err) = paywire(&["iso8583", "decode", "--spec", "iso87ascii"], WIRE);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("{JSON}\n").as_bytes());
    let (code, bytes, _) = paywire(
        &["iso8583", "encode", "--spec", "iso87ascii"],
        JSON.as_bytes(),
    );
    assert_eq!((code, bytes.as_slice()), (0, WIRE));
    let (_, hex_line, _) = paywire(
        &["iso8583", "encode", "--spec", "iso87ascii", "--hex-out"],
        JSON.as_bytes(),
    );
    assert_eq!(
        hex_line,
        format!("{}\n", hex::encode_upper(WIRE)).as_bytes()
    );
}

#[test]
fn framing_adds_a_header_key() {
    let framed = [&[0x00, WIRE.len() as u8][..], WIRE].concat();
    let (code, out, err) = paywire(
        &[
            "iso8583",
            "decode",
            "--spec",
            "iso87ascii",
            "--framing",
            "len2",
        ],
        &framed,
    );
    assert_eq!(code, 0, "{err}");
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with(r#"{"header":"","mti":"0200","#), "{text}");
    let (code, again, _) = paywire(
        &[
            "iso8583",
            "encode",
            "--spec",
            "iso87ascii",
            "--framing",
            "len2",
        ],
        text.as_bytes(),
    );
    assert_eq!((code, again), (0, framed));
}

#[test]
fn every_framing_round_trips_with_its_length_on_the_wire() {
    let n = WIRE.len() as u8;
    let tpdu = [0x60, 0x00, 0x03, 0x00, 0x00];
    for (framing, front) in [
        ("len2-incl", vec![0x00, n + 2]),
        ("bcd2", vec![0x00, ((n / 10) << 4) | (n % 10)]),
        ("vmlh", vec![0x00, n, 0x00, 0x00]),
        ("len2-tpdu", [&[0x00, n + 5][..], &tpdu].concat()),
    ] {
        let framed = [&front[..], WIRE].concat();
        let args = [
            "iso8583",
            "decode",
            "--spec",
            "iso87ascii",
            "--framing",
            framing,
        ];
        let (code, out, err) = paywire(&args, &framed);
        assert_eq!(code, 0, "{framing}: {err}");
        let text = String::from_utf8(out).unwrap();
        let header = if framing == "len2-tpdu" {
            "6000030000"
        } else {
            ""
        };
        assert!(
            text.starts_with(&format!(r#"{{"header":"{header}","mti":"0200","#)),
            "{framing}: {text}"
        );
        let args = [
            "iso8583",
            "encode",
            "--spec",
            "iso87ascii",
            "--framing",
            framing,
        ];
        let (code, again, _) = paywire(&args, text.as_bytes());
        assert_eq!((code, again), (0, framed), "{framing}");
    }
}

#[test]
fn binary_fields_are_hex_and_bcd_is_text() {
    let json = r#"{"mti":"0200","fields":{"2":"6212345678901234567","4":"000000012345","52":"06124575BEDCBEDC"}}"#;
    let (code, bytes, err) = paywire(
        &["iso8583", "encode", "--spec", "iso87binary"],
        json.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = paywire(&["iso8583", "decode", "--spec", "iso87binary"], &bytes);
    assert_eq!(String::from_utf8(out).unwrap(), format!("{json}\n"));
}

#[test]
fn describe_masks_unless_asked() {
    let (code, out, _) = paywire(&["iso8583", "describe", "--spec", "iso87ascii"], WIRE);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(code, 0);
    assert!(
        text.contains("476173******0010") && !text.contains("4761739001010010"),
        "{text}"
    );
    let (_, out, _) = paywire(
        &["iso8583", "describe", "--spec", "iso87ascii", "--unmask"],
        WIRE,
    );
    assert!(String::from_utf8(out).unwrap().contains("4761739001010010"));
}

#[test]
fn errors_and_exit_codes() {
    // Field 4 announced but missing: exit 1, field and offset named, no PAN in the message.
    let (code, out, err) = paywire(&["iso8583", "decode", "--spec", "iso87ascii"], &WIRE[..44]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("field 4") && err.contains("at byte 44") && !err.contains("47617390"),
        "{err}"
    );
    assert_eq!(paywire(&["iso8583", "decode", "--spec", "nope"], WIRE).0, 2);
    assert_eq!(paywire(&["iso8583", "decode"], WIRE).0, 2);
    let (code, _, err) = paywire(
        &["iso8583", "encode", "--spec", "iso87ascii"],
        br#"{"mti":"0200","fields":{"4":"12"}}"#,
    );
    assert_eq!(code, 1);
    assert!(err.contains("field 4"), "{err}");
    assert_eq!(
        paywire(&["iso8583", "encode", "--spec", "iso87ascii"], b"not json").0,
        1
    );
}

#[test]
fn spec_file_and_cups_framing_round_trip() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let spec = format!("{dir}/../iso8583/tests/specs/cups-test.json");
    // rufus123456/Java8583Sample IsoTest.java: the 0810 sign-in response.
    let vector = format!("{dir}/../iso8583/tests/vectors/cups-0810-signin.hex");
    let (code, json, err) = paywire(
        &[
            "iso8583",
            "decode",
            "--spec-file",
            &spec,
            "--hex",
            "--framing",
            "cups",
            &vector,
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let json = String::from_utf8(json).unwrap();
    assert!(json.starts_with(r#"{"header":"6000000004603100310000","mti":"0810","fields":{"11":"013487","12":"091834""#), "{json}");
    let (code, bytes, err) = paywire(
        &[
            "iso8583",
            "encode",
            "--spec-file",
            &spec,
            "--framing",
            "cups",
            "--hex-out",
        ],
        json.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    let original = std::fs::read_to_string(&vector).unwrap();
    assert_eq!(String::from_utf8(bytes).unwrap().trim(), original.trim());
    // A broken spec file is a usage error.
    assert_eq!(
        paywire(&["iso8583", "decode", "--spec-file", "/no/such.json"], b"").0,
        2
    );
    assert_eq!(
        paywire(
            &[
                "iso8583",
                "decode",
                "--spec",
                "iso87ascii",
                "--spec-file",
                &spec
            ],
            b""
        )
        .0,
        2
    );
}

#[test]
fn cups_pos_is_built_in() {
    let (code, out, _) = paywire(&["iso8583", "specs"], b"");
    assert_eq!(code, 0);
    assert!(
        String::from_utf8(out)
            .unwrap()
            .lines()
            .any(|l| l.starts_with("cups-pos\t"))
    );
    // rufus123456/Java8583Sample IsoTest.java: the 0810 sign-in response.
    let vector = format!(
        "{}/../iso8583/tests/vectors/cups-0810-signin.hex",
        env!("CARGO_MANIFEST_DIR")
    );
    let (code, json, err) = paywire(
        &[
            "iso8583",
            "decode",
            "--spec",
            "cups-pos",
            "--hex",
            "--framing",
            "cups",
            &vector,
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let json = String::from_utf8(json).unwrap();
    assert!(
        json.contains(r#""60":"00000001003","62":"A0F4BAB1"#),
        "{json}"
    );
    let (code, hex_out, _) = paywire(
        &[
            "iso8583",
            "encode",
            "--spec",
            "cups-pos",
            "--framing",
            "cups",
            "--hex-out",
        ],
        json.as_bytes(),
    );
    assert_eq!(code, 0);
    assert_eq!(
        String::from_utf8(hex_out).unwrap().trim(),
        std::fs::read_to_string(&vector).unwrap().trim()
    );
}

#[test]
fn jpos_xml_out_and_back() {
    // A binary field (52) is hex with type="binary"; the BCD track separator reads as `=`;
    // the framing's header is jPOS's <header>.
    let json = r#"{"mti":"0200","fields":{"2":"6212345678901234567","35":"6212345678901234567=2812","52":"06124575BEDCBEDC"}}"#;
    let (code, bytes, err) = paywire(
        &[
            "iso8583",
            "encode",
            "--spec",
            "iso87binary",
            "--framing",
            "len2-tpdu",
        ],
        format!(r#"{{"header":"6000030000",{}"#, &json[1..]).as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    let args = [
        "iso8583",
        "decode",
        "--spec",
        "iso87binary",
        "--framing",
        "len2-tpdu",
        "--format",
        "jpos-xml",
    ];
    let (code, xml, err) = paywire(&args, &bytes);
    assert_eq!(code, 0, "{err}");
    let xml = String::from_utf8(xml).unwrap();
    assert_eq!(
        xml,
        "<isomsg>\n  <header>6000030000</header>\n  <field id=\"0\" value=\"0200\"/>\n  \
         <field id=\"2\" value=\"6212345678901234567\"/>\n  \
         <field id=\"35\" value=\"6212345678901234567=2812\"/>\n  \
         <field id=\"52\" value=\"06124575BEDCBEDC\" type=\"binary\"/>\n</isomsg>\n"
    );
    let (code, again, err) = paywire(
        &[
            "iso8583",
            "encode",
            "--spec",
            "iso87binary",
            "--framing",
            "len2-tpdu",
        ],
        xml.as_bytes(),
    );
    assert_eq!((code, again), (0, bytes), "{err}");
}

#[test]
fn jpos_xml_declarations_and_bad_values_are_refused() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE isomsg [<!ENTITY a "aaaa">]><isomsg><field id="0" value="&a;"/></isomsg>"#;
    let (code, out, err) = paywire(
        &["iso8583", "encode", "--spec", "iso87ascii"],
        bomb.as_bytes(),
    );
    assert_eq!((code, out.len()), (1, 0));
    assert!(err.contains("DOCTYPE") && err.contains("byte 21"), "{err}");
    let bad_hex = r#"<isomsg><field id="0" value="0200"/><field id="52" value="0612457" type="binary"/></isomsg>"#;
    let (code, _, err) = paywire(
        &["iso8583", "encode", "--spec", "iso87ascii"],
        bad_hex.as_bytes(),
    );
    assert_eq!(code, 1);
    assert!(err.contains("hexadecimal"), "{err}");
    let no_mti = r#"<isomsg><field id="3" value="000000"/></isomsg>"#;
    let (code, _, err) = paywire(
        &["iso8583", "encode", "--spec", "iso87ascii"],
        no_mti.as_bytes(),
    );
    assert_eq!(code, 1);
    assert!(err.contains("MTI"), "{err}");
}

#[test]
fn jpos_packager_as_spec_file() {
    // jPOS's own iso87ascii.xml reads and writes the same message as the built-in spec.
    let dir = env!("CARGO_MANIFEST_DIR");
    let packager = format!("{dir}/../iso8583/tests/specs/jpos/iso87ascii.xml");
    let args = ["iso8583", "decode", "--spec-file", &packager];
    let (code, out, err) = paywire(&args, WIRE);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("{JSON}\n").as_bytes());
    let args = ["iso8583", "encode", "--spec-file", &packager];
    let (code, bytes, _) = paywire(&args, JSON.as_bytes());
    assert_eq!((code, bytes.as_slice()), (0, WIRE));
    // A packager with a message header: "header" comes before "mti", with or without a
    // framing; `encode` puts it back.
    let text = std::fs::read_to_string(&packager).unwrap();
    let tmp = std::env::temp_dir().join(format!("paywire-jpos-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let with_header = tmp.join("with-header.xml");
    std::fs::write(
        &with_header,
        text.replace("<isopackager>", "<isopackager headerLength=\"3\">"),
    )
    .unwrap();
    let with_header = with_header.to_str().unwrap();
    let input = [&b"ISO"[..], WIRE].concat();
    let (code, out, err) = paywire(&["iso8583", "decode", "--spec-file", with_header], &input);
    assert_eq!(code, 0, "{err}");
    let json = String::from_utf8(out).unwrap();
    assert!(
        json.starts_with(r#"{"header":"49534F","mti":"0200""#),
        "{json}"
    );
    let (code, again, _) = paywire(
        &["iso8583", "encode", "--spec-file", with_header],
        json.as_bytes(),
    );
    assert_eq!((code, again), (0, input.clone()));
    let framed = [&[0x00, input.len() as u8][..], &input].concat();
    let args = [
        "iso8583",
        "decode",
        "--spec-file",
        with_header,
        "--framing",
        "len2",
    ];
    let (code, out, err) = paywire(&args, &framed);
    assert_eq!(code, 0, "{err}");
    assert!(
        String::from_utf8(out)
            .unwrap()
            .starts_with(r#"{"header":"49534F","mti""#)
    );
    // An unsupported class: exit 2, naming the class and the field.
    let unsupported = tmp.join("unsupported.xml");
    std::fs::write(
        &unsupported,
        text.replacen("org.jpos.iso.IFA_LLLCHAR", "org.jpos.iso.IFA_TTLLCHAR", 1),
    )
    .unwrap();
    let (code, _, err) = paywire(
        &[
            "iso8583",
            "decode",
            "--spec-file",
            unsupported.to_str().unwrap(),
        ],
        WIRE,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("field 36: jPOS class org.jpos.iso.IFA_TTLLCHAR is not supported"),
        "{err}"
    );
    std::fs::remove_dir_all(&tmp).unwrap();
}

#[test]
fn validate_reports_every_rule_broken() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let spec = format!("{dir}/../iso8583/tests/specs/rules-1987.json");
    let args = ["iso8583", "validate", "--spec-file", &spec];
    // The 0200 of docs/cli.md lacks 11 and 41.
    let (code, out, _) = paywire(&args, WIRE);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["valid"], false);
    let broken: Vec<(u64, &str)> = report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["field"].as_u64().unwrap(), i["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(broken, [(11, "mandatory"), (41, "mandatory")]);
    // A 0210 is closed: field 2 is conditional, anything unlisted is not allowed.
    let json = r#"{"mti":"0210","fields":{"2":"4761739001010010","3":"000000","4":"000000001000","11":"000001","39":"00"}}"#;
    let (_, wire, _) = paywire(
        &["iso8583", "encode", "--spec-file", &spec],
        json.as_bytes(),
    );
    let (code, out, _) = paywire(&args, &wire);
    assert_eq!(code, 1);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(r#"{"field":41,"rule":"mandatory""#), "{text}");
    // An MTI without rules, and a spec without any.
    let json = r#"{"mti":"0800","fields":{"11":"000001"}}"#;
    let (_, wire, _) = paywire(
        &["iso8583", "encode", "--spec-file", &spec],
        json.as_bytes(),
    );
    let (code, out, _) = paywire(&args, &wire);
    assert_eq!(code, 1);
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains(r#""field":null,"rule":"message-type""#)
    );
    let (code, _, err) = paywire(&["iso8583", "validate", "--spec", "iso87ascii"], WIRE);
    assert_eq!(code, 2);
    assert!(err.contains("no message rules"), "{err}");
    // The same rules from a rules file, checked against the built-in spec.
    let (code, out, _) = paywire(
        &[
            "iso8583",
            "validate",
            "--spec",
            "iso87ascii",
            "--rules",
            &spec,
        ],
        WIRE,
    );
    assert_eq!(code, 1);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(r#"{"field":11,"rule":"mandatory""#), "{text}");
    let (code, _, err) = paywire(
        &[
            "iso8583",
            "validate",
            "--spec",
            "iso87ascii",
            "--rules",
            "/nonexistent.json",
        ],
        WIRE,
    );
    assert_eq!(code, 2, "{err}");
}

/// jPOS-CMF's tables (built in as `--rules jpos-cmf`) over a message of jPOS's `cmf.xml`
/// packager: an authorization request (2100) lacking field 24, which the table marks `M`.
#[test]
fn validate_with_the_jpos_cmf_tables() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let spec = format!("{dir}/../iso8583/tests/specs/jpos/cmf.xml");
    let xml = r#"<isomsg><field id="0" value="2100"/><field id="3" value="000000"/>
        <field id="11" value="000000000001"/><field id="12" value="20261207183000"/>
        <field id="22" value="ABCDEF0123456789ABCDEF0123456789" type="binary"/>
        <field id="26" value="5999"/></isomsg>"#;
    let (code, wire, err) = paywire(&["iso8583", "encode", "--spec-file", &spec], xml.as_bytes());
    assert_eq!(code, 0, "{err}");
    let args = [
        "iso8583",
        "validate",
        "--spec-file",
        &spec,
        "--rules",
        "jpos-cmf",
    ];
    let (code, out, _) = paywire(&args, &wire);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let broken: Vec<(u64, &str)> = report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["field"].as_u64().unwrap(), i["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(broken, [(24, "mandatory")]);
    // With the function code (24) it is valid.
    let xml = xml.replace(
        r#"<field id="26""#,
        r#"<field id="24" value="100"/><field id="26""#,
    );
    let (_, wire, _) = paywire(&["iso8583", "encode", "--spec-file", &spec], xml.as_bytes());
    let (code, out, _) = paywire(&args, &wire);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&out));
    assert_eq!(out, b"{\"valid\":true,\"issues\":[]}\n");
}

#[test]
fn subfields_as_objects_both_ways() {
    let dir = env!("CARGO_MANIFEST_DIR");
    // UnionPay's 0810 (rufus123456/Java8583Sample IsoTest.java): field 60's parts.
    let vector = format!("{dir}/../iso8583/tests/vectors/cups-0810-signin.hex");
    let args = [
        "iso8583",
        "decode",
        "--spec",
        "cups-pos",
        "--hex",
        "--framing",
        "cups",
        "--subfields",
        &vector,
    ];
    let (code, json, err) = paywire(&args, b"");
    assert_eq!(code, 0, "{err}");
    let json = String::from_utf8(json).unwrap();
    assert!(
        json.contains(r#""60":{"1":"00","2":"000001","3":"003"}"#),
        "{json}"
    );
    let args = [
        "iso8583",
        "encode",
        "--spec",
        "cups-pos",
        "--framing",
        "cups",
        "--hex-out",
    ];
    let (code, hex_line, _) = paywire(&args, json.as_bytes());
    assert_eq!(code, 0);
    let original = std::fs::read_to_string(&vector).unwrap();
    assert_eq!(String::from_utf8(hex_line).unwrap().trim(), original.trim());
    // Postilion's field 127 under its own bitmap (jPOS's post.bin with its postpack.xml).
    let packager = format!("{dir}/../iso8583/tests/specs/jpos/postpack.xml");
    let post = format!("{dir}/../iso8583/tests/vectors/jpos-post.hex");
    let args = [
        "iso8583",
        "decode",
        "--spec-file",
        &packager,
        "--hex",
        "--subfields",
        &post,
    ];
    let (code, json, err) = paywire(&args, b"");
    assert_eq!(code, 0, "{err}");
    let json = String::from_utf8(json).unwrap();
    assert!(
        json.contains(r#""127":{"2":"SWITCH_KEY","25":"ICC_DATA"}"#),
        "{json}"
    );
    let args = ["iso8583", "encode", "--spec-file", &packager, "--hex-out"];
    let (code, hex_line, _) = paywire(&args, json.as_bytes());
    assert_eq!(code, 0);
    let original = std::fs::read_to_string(&post).unwrap();
    assert_eq!(String::from_utf8(hex_line).unwrap().trim(), original.trim());
    // A part of the wrong width is refused, naming the field.
    let bad = json.replace(r#""2":"SWITCH_KEY""#, r#""99":"X""#);
    let (code, _, err) = paywire(
        &["iso8583", "encode", "--spec-file", &packager],
        bad.as_bytes(),
    );
    assert_eq!(code, 1);
    assert!(err.contains("field 127"), "{err}");
    // ASCII-tagged subfields (cups-pos field 59) are written in the order the input gives
    // them, not sorted: B2 before A2 stays so, and reads back so.
    let tagged = r#"{"mti":"0200","fields":{"59":{"B2":"XYZ","A2":"01"}}}"#;
    let args = ["iso8583", "encode", "--spec", "cups-pos", "--hex-out"];
    let (code, hex_line, err) = paywire(&args, tagged.as_bytes());
    assert_eq!(code, 0, "{err}");
    let hex_line = String::from_utf8(hex_line).unwrap();
    assert!(
        hex_line.contains(&hex::encode_upper("B2003XYZA200201")),
        "{hex_line}"
    );
    let args = [
        "iso8583",
        "decode",
        "--spec",
        "cups-pos",
        "--hex",
        "--subfields",
    ];
    let (code, back, err) = paywire(&args, hex_line.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(
        String::from_utf8(back)
            .unwrap()
            .contains(r#""59":{"B2":"XYZ","A2":"01"}"#)
    );
}

#[test]
fn text_in_the_specs_charset() {
    // Built-in specs read and write text as ISO 8859-1 (as jPOS does): é is one byte, E9.
    let json = r#"{"mti":"0200","fields":{"41":"Café0001"}}"#;
    let (code, wire, err) = paywire(
        &["iso8583", "encode", "--spec", "iso87ascii"],
        json.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(wire.ends_with(b"Caf\xE90001"));
    let (_, out, _) = paywire(&["iso8583", "decode", "--spec", "iso87ascii"], &wire);
    assert_eq!(String::from_utf8(out).unwrap(), format!("{json}\n"));
    // A JSON spec is UTF-8 unless it says otherwise: é is C3 A9.
    let dir = env!("CARGO_MANIFEST_DIR");
    let spec = format!("{dir}/../iso8583/tests/specs/rules-1987.json");
    let json = r#"{"mti":"0200","fields":{"41":"Café001"}}"#;
    let (code, wire, err) = paywire(
        &["iso8583", "encode", "--spec-file", &spec],
        json.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(wire.ends_with("Café001".as_bytes()));
    let (_, out, _) = paywire(&["iso8583", "decode", "--spec-file", &spec], &wire);
    assert_eq!(String::from_utf8(out).unwrap(), format!("{json}\n"));
    // A character ISO 8859-1 has not is refused under it.
    let (code, _, err) = paywire(
        &["iso8583", "encode", "--spec", "iso87ascii"],
        r#"{"mti":"0200","fields":{"41":"零0000001"}}"#.as_bytes(),
    );
    assert_eq!(code, 1);
    assert!(err.contains("field 41"), "{err}");
}

/// Tagged subfields, each tag's subfield in its own format (a JSON spec's `"tagged"` with
/// `"fields"`): encoded in the order the input gives, decoded in the message's order, padded
/// as their definitions say.
#[test]
fn tagged_subfields_with_their_own_definitions() {
    let tmp = std::env::temp_dir().join(format!("paywire-tagged-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let spec = tmp.join("tagged.json");
    std::fs::write(
        &spec,
        r#"{"name": "tagged", "mti": "ascii", "bitmap": "hex", "fields": {
          "48": {"name": "Private", "content": "ans", "encoding": "ascii", "prefix": "ascii-lll",
            "max": 999, "subfields": {"tagged": {"tag": 2, "encoding": "ascii", "fields": {
              "1": {"name": "Note", "content": "ans", "encoding": "ascii", "prefix": "ascii-ll",
                "max": 20},
              "7": {"name": "Code", "content": "n", "encoding": "ascii", "length": 4}}}}}}}"#,
    )
    .unwrap();
    let spec = spec.to_str().unwrap();
    let json = r#"{"mti":"0200","fields":{"48":{"7":"12","1":"HELLO"}}}"#;
    let (code, wire, err) = paywire(&["iso8583", "encode", "--spec-file", spec], json.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert_eq!(wire, b"020000000000000100000150700120105HELLO");
    let (code, back, err) = paywire(
        &["iso8583", "decode", "--spec-file", spec, "--subfields"],
        &wire,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        String::from_utf8(back).unwrap().trim(),
        r#"{"mti":"0200","fields":{"48":{"7":"0012","1":"HELLO"}}}"#
    );
    // A tag the spec does not define is refused, naming the field.
    let (code, _, err) = paywire(
        &["iso8583", "decode", "--spec-file", spec],
        b"020000000000000100000070900120",
    );
    assert_eq!(code, 1);
    assert!(err.contains("field 48"), "{err}");
    std::fs::remove_dir_all(&tmp).unwrap();
}
