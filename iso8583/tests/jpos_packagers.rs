//! jPOS GenericPackager files loaded as specs: jPOS's own packagers (jpos/jPOS
//! `jpos/src/main/resources/packager/iso87ascii.xml`, `iso87binary.xml`, `iso93ascii.xml`,
//! `iso93binary.xml`; `jpos/src/dist/cfg/packager/base24.xml`, `nyceiso8583.xml`,
//! `postpack.xml`; commit
//! 3ff2951ec060, copied to `tests/specs/jpos/`) read jPOS's own packed test messages
//! (`jpos/src/test/resources/org/jpos/iso/packagers/ISO87{A,B}Packager.bin`,
//! `ISO93{A,B}Packager.bin` with `ISO87.xml` / `ISO93.xml`, in `tests/vectors/`) field for
//! field and write them back byte for byte.
#![cfg(feature = "jpos")]
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "tests"
)]

use paywire_iso8583::builtin::{ISO87ASCII, ISO87BINARY};
use paywire_iso8583::jpos::{PackagerError, XmlMessage, XmlValue, load_packager};
use paywire_iso8583::spec::{FieldSpec, Spec};
use paywire_iso8583::{Message, MessageRef};

fn file(path: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn packager(name: &str) -> &'static Spec<'static> {
    let doc = load_packager(name, &file(&format!("specs/jpos/{name}.xml")))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(doc.header_len(), 0);
    paywire_iso8583::json::leak(doc)
}

/// Replaces each `(from, to)` (same length) found exactly once in `image`.
/// Field 48 set to `value` under the packager `xml`, then read back as named subfields.
fn named_parts(xml: &str, value: &[u8]) -> Vec<(Option<&'static str>, Vec<u8>)> {
    let spec = paywire_iso8583::json::leak(load_packager("x", xml).unwrap());
    let mut b = paywire_iso8583::MessageBuilder::new(spec, paywire_iso8583::Mti::FINANCIAL_REQUEST);
    b.set(48, value).unwrap();
    let wire = b.to_vec().unwrap();
    let m = MessageRef::parse(spec, &wire).unwrap();
    m.field(48)
        .unwrap()
        .subfields()
        .map(|s| (s.name, s.value.to_vec()))
        .collect()
}

fn patch(mut image: Vec<u8>, changes: &[(&[u8], &[u8])]) -> Vec<u8> {
    for (from, to) in changes {
        let at: Vec<usize> = image
            .windows(from.len())
            .enumerate()
            .filter(|(_, w)| w == from)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(at.len(), 1, "{from:02X?} found at {at:?}");
        image[at[0]..at[0] + to.len()].copy_from_slice(to);
    }
    image
}

/// jPOS's test message read by `spec` from jPOS's image: the same fields as its XML, and the
/// same bytes when written back. A text value jPOS's XML gives a binary field stands for its
/// bytes (jPOS packs a string's bytes), so it is compared as those.
fn agree(spec: &'static Spec<'static>, xml: &XmlMessage, image: &[u8]) {
    let mut xml = xml.clone();
    for (id, value) in &mut xml.fields {
        let binary = u8::try_from(*id)
            .ok()
            .and_then(|n| spec.field(n))
            .is_some_and(|f| f.content.is_binary());
        if let (true, XmlValue::Text(t)) = (binary, &*value) {
            *value = XmlValue::Binary(
                t.chars()
                    .map(|c| u8::try_from(u32::from(c)).unwrap())
                    .collect(),
            );
        }
    }
    let xml = &xml;
    let parsed = MessageRef::parse(spec, image).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
    let back = XmlMessage::from_message(&parsed, None);
    for (id, value) in &xml.fields {
        assert_eq!(back.fields.get(id), Some(value), "{} field {id}", spec.name);
    }
    assert_eq!(&back, xml, "{}", spec.name);
    let built = xml.to_message(spec).unwrap().to_vec().unwrap();
    assert_eq!(
        hex::encode_upper(built),
        hex::encode_upper(image),
        "{}",
        spec.name
    );
    assert_eq!(
        Message::parse(spec, image).unwrap().to_vec().unwrap(),
        image
    );
}

/// The 1987 message with `C` for the sign paywire requires of fields 28–31 (jPOS's values start
/// with `0`); everything else as jPOS has it.
fn iso87_message() -> XmlMessage {
    let mut m = XmlMessage::parse(&file("vectors/jpos-ISO87.xml")).unwrap();
    for id in 28..=31 {
        let Some(XmlValue::Text(t)) = m.fields.get_mut(&id) else {
            panic!("{id}")
        };
        t.replace_range(..1, "C");
    }
    m
}

fn image(name: &str, changes: &[(&[u8], &[u8])]) -> Vec<u8> {
    patch(
        hex::decode(file(&format!("vectors/{name}")).trim()).unwrap(),
        changes,
    )
}

#[test]
fn jpos_iso87ascii_packager_reads_and_writes_jpos_image() {
    let signs: &[(&[u8], &[u8])] = &[(
        b"000000100000000200000000300000000400",
        b"C00000100C00000200C00000300C00000400",
    )];
    let image = image("jpos-ISO87APackager.hex", signs);
    agree(packager("iso87ascii"), &iso87_message(), &image);
}

#[test]
fn jpos_iso87binary_packager_reads_and_writes_jpos_image() {
    let signs: &[(&[u8], &[u8])] = &[(
        b"\x30\x00\x00\x01\x00\x30\x00\x00\x02\x00\x30\x00\x00\x03\x00\x30\x00\x00\x04\x00",
        b"C\x00\x00\x01\x00C\x00\x00\x02\x00C\x00\x00\x03\x00C\x00\x00\x04\x00",
    )];
    let image = image("jpos-ISO87BPackager.hex", signs);
    agree(packager("iso87binary"), &iso87_message(), &image);
}

#[test]
fn jpos_iso93_packagers_read_and_write_jpos_images() {
    // Field 56 (`IFA_LLNUM` / `IFB_LLNUM`, n ..35) holds "EFGH" in jPOS's test message: letters
    // a numeric field refuses. jPOS's BCD packer turned them into the digits 5678 (`'E' - '0'`
    // shifted into a nibble: 0x56 0x78 in ISO93BPackager.bin), so 5678 is the value both
    // images are made to carry.
    let mut xml = XmlMessage::parse(&file("vectors/jpos-ISO93.xml")).unwrap();
    assert_eq!(xml.fields.get(&56), Some(&XmlValue::Text("EFGH".into())));
    xml.fields.insert(56, XmlValue::Text("5678".into()));
    let ascii = image("jpos-ISO93APackager.hex", &[(b"04EFGH", b"045678")]);
    agree(packager("iso93ascii"), &xml, &ascii);
    let binary = image("jpos-ISO93BPackager.hex", &[]);
    agree(packager("iso93binary"), &xml, &binary);
}

#[test]
fn postilion_field_127_subfields_under_their_own_bitmap() {
    // postpack.xml's field 127 is IFA_LLLLLLBINARY with a GenericSubFieldPackager: an 8-byte
    // bitmap, then the subfields it announces (here 2 and 25, as jPOS's post.xml has them).
    let spec = packager("postpack");
    let image = image("jpos-post.hex", &[]);
    let xml = XmlMessage::parse(&file("vectors/jpos-post.xml")).unwrap();
    // Read: field 127 is a nested message of its subfields, as jPOS's XML has it.
    let m = MessageRef::parse(spec, &image).unwrap();
    assert_eq!(XmlMessage::from_message(&m, None), xml);
    // Written: the subfield bitmap and the subfields put back together, byte for byte.
    let built = xml.to_message(spec).unwrap().to_vec().unwrap();
    assert_eq!(hex::encode_upper(&built), hex::encode_upper(&image));
    assert_eq!(
        Message::parse(spec, &image).unwrap().to_vec().unwrap(),
        image
    );
}

#[test]
fn jpos_dialect_packagers_load() {
    for name in ["base24", "nyceiso8583", "postpack", "cmf"] {
        let spec = packager(name);
        assert!(spec.fields.len() > 100, "{name}: {}", spec.fields.len());
    }
}

/// Field 65 under jPOS's packagers: jPOS reads bit 65 as field 65 (its `iso87binary.xml`
/// defines it as IFB_BINARY 1, "BITMAP, EXTENDED"), with no tertiary bitmap. A 0800 with
/// fields 3, 65 and 70, laid out by the class definitions: BCD MTI, primary bitmap (bits 1,
/// 3), secondary (bits 65, 70), field 3 (IFB_NUMERIC 6), 65 (one byte), 70 (IFB_NUMERIC 3).
#[test]
fn field_65_is_data_under_jpos_packagers() {
    let spec = packager("iso87binary");
    assert!(spec.field65_is_data());
    let xml = XmlMessage::parse(
        r#"<isomsg><field id="0" value="0800"/><field id="3" value="000000"/>
             <field id="65" value="01" type="binary"/><field id="70" value="301"/></isomsg>"#,
    )
    .unwrap();
    let wire = xml.to_message(spec).unwrap().to_vec().unwrap();
    assert_eq!(
        hex::encode_upper(&wire),
        "0800A0000000000000008400000000000000000000010301"
    );
    let m = MessageRef::parse(spec, &wire).unwrap();
    let fields: Vec<u8> = m.fields().map(|f| f.number()).collect();
    assert_eq!(fields, [3, 65, 70]);
    assert_eq!(m.value(65).unwrap().as_bytes(), Some(&[0x01][..]));
    assert_eq!(XmlMessage::from_message(&m, None), xml);
    // The built-in spec reads bit 65 as the tertiary bitmap's: the same bytes are another
    // message there (a third bitmap, 00…01 03 01 …, announcing nothing it can read).
    assert!(MessageRef::parse(&ISO87BINARY, &wire).is_err());
    // A builder on the packager derives bit 1 from field 65 alone, and no third bitmap.
    let mut b = paywire_iso8583::MessageBuilder::new(
        spec,
        paywire_iso8583::Mti::NETWORK_MANAGEMENT_REQUEST,
    );
    b.set(65, &[0x7F]).unwrap();
    assert_eq!(
        hex::encode_upper(b.to_vec().unwrap()),
        "0800800000000000000080000000000000007F"
    );
}

/// jPOS's `TPPDataElementsTest.testTPPDataElements` (jpos/jPOS
/// `jpos/src/test/java/org/jpos/iso/TPPDataElementsTest.java`): a 2100 with 113.69
/// "tpp-card-token", 113.70 "2222" and 113.71 "1111" packed with `cmf.xml` ends, after its
/// first 36 bytes (BCD MTI, two bitmap words, field 113's LLLL length and its two-word
/// subfield bitmap), with these bytes: the token padded to 40 characters, then the two IDs as
/// 19 zero-padded digits in left-aligned BCD.
#[test]
fn jpos_cmf_tpp_data_elements() {
    let spec = packager("cmf");
    let tppde = [
        hex::encode_upper("tpp-card-token                          "),
        "00000000000000022220".into(),
        "00000000000000011110".into(),
    ]
    .concat();
    let xml = XmlMessage::parse(
        r#"<isomsg><field id="0" value="2100"/><isomsg id="113">
             <field id="69" value="tpp-card-token"/><field id="70" value="2222"/>
             <field id="71" value="1111"/></isomsg></isomsg>"#,
    )
    .unwrap();
    let wire = xml.to_message(spec).unwrap().to_vec().unwrap();
    assert_eq!(hex::encode_upper(&wire[36..]), tppde);
    // Read back (jPOS's getString gives the padded values: IF_CHAR keeps its spaces, the
    // numbers their zeros).
    let m = MessageRef::parse(spec, &wire).unwrap();
    let subs: Vec<(String, Vec<u8>)> = m
        .field(113)
        .unwrap()
        .subfields()
        .map(|s| (format!("{:?}", s.id), s.value.to_vec()))
        .collect();
    assert_eq!(
        subs,
        [
            (
                "Position(69)".into(),
                b"tpp-card-token                          ".to_vec()
            ),
            ("Position(70)".into(), b"0000000000000002222".to_vec()),
            ("Position(71)".into(), b"0000000000000001111".to_vec()),
        ]
    );
    // jPOS's testExtendedAuthorizationIndicator / testCryptoCardIndicator /
    // testAgeVerificationData: a subfield in the first bitmap word, and ones in the second,
    // read back unchanged.
    for (id, value) in [("34", "Y"), ("72", "C"), ("73", "00100321D00200318D")] {
        let xml = XmlMessage::parse(&format!(
            r#"<isomsg><field id="0" value="2100"/><isomsg id="113"><field id="{id}" value="{value}"/></isomsg></isomsg>"#
        ))
        .unwrap();
        let wire = xml.to_message(spec).unwrap().to_vec().unwrap();
        let back = XmlMessage::from_message(&MessageRef::parse(spec, &wire).unwrap(), None);
        assert_eq!(back, xml, "113.{id}");
    }
}

/// jPOS-CMF's message rules (`rules::JPOS_CMF`, from jpos/jPOS-CMF `src/docx/txn_auth.xml`)
/// over messages of jPOS's own CMF packager: the authorization request's `M` fields (3, 11,
/// 12, 22, 24, 26) and the response's (3: code `27`, an echo of the processing code; 11, 12:
/// `ME` of mandatory request fields; 39: `M`).
#[test]
fn jpos_cmf_rules() {
    use paywire_iso8583::rules::{JPOS_CMF, Violation, validate};
    let spec = packager("cmf");
    let message = |fields: &str| {
        let xml = XmlMessage::parse(&format!("<isomsg>{fields}</isomsg>")).unwrap();
        xml.to_message(spec).unwrap().to_vec().unwrap()
    };
    let request = message(
        r#"<field id="0" value="2100"/><field id="3" value="000000"/>
           <field id="11" value="000000000001"/><field id="12" value="20261207183000"/>
           <field id="22" value="ABCDEF0123456789ABCDEF0123456789" type="binary"/>
           <field id="24" value="100"/><field id="26" value="5999"/>"#,
    );
    let m = MessageRef::parse(spec, &request).unwrap();
    assert_eq!(validate(JPOS_CMF, &m).count(), 0);
    let response = message(r#"<field id="0" value="2110"/><field id="39" value="0000"/>"#);
    let m = MessageRef::parse(spec, &response).unwrap();
    assert_eq!(
        validate(JPOS_CMF, &m).collect::<Vec<_>>(),
        [
            Violation::Missing(3),
            Violation::Missing(11),
            Violation::Missing(12)
        ]
    );
    // Network management (2800) is not among the tables.
    let echo = message(r#"<field id="0" value="2800"/><field id="11" value="000000000001"/>"#);
    let m = MessageRef::parse(spec, &echo).unwrap();
    assert_eq!(
        validate(JPOS_CMF, &m).collect::<Vec<_>>(),
        [Violation::UnknownType(m.mti())]
    );
}

/// `cmf.xml`'s field 21 (IFB_BINARY 19, `emitBitmap="false" firstField="0"`): 21.0 IF_CHAR 1,
/// 21.1 IF_CHAR 15, 21.2 IFB_NUMERIC 2, 21.3 IFB_NUMERIC 4 read in sequence. jPOS's
/// `LifeCycleIdTest.packProduces19Bytes` packs support indicator `1` and trace
/// `ABCDE1234567890` into 19 bytes; here they are laid out by the class definitions.
#[test]
fn jpos_cmf_field_21_in_sequence() {
    let spec = packager("cmf");
    let xml = XmlMessage::parse(
        r#"<isomsg><field id="0" value="2100"/><isomsg id="21">
             <field id="0" value="1"/><field id="1" value="ABCDE1234567890"/>
             <field id="2" value="00"/><field id="3" value="0000"/></isomsg></isomsg>"#,
    )
    .unwrap();
    let message = xml.to_message(spec).unwrap();
    assert_eq!(
        message.get(21).unwrap(),
        [b"1ABCDE1234567890".as_slice(), &[0x00, 0x00, 0x00]].concat()
    );
    let wire = message.to_vec().unwrap();
    let m = MessageRef::parse(spec, &wire).unwrap();
    let names: Vec<Option<&str>> = m.field(21).unwrap().subfields().map(|s| s.name).collect();
    assert_eq!(names.len(), 4);
    assert_eq!(XmlMessage::from_message(&m, None), xml);
    // A 19-byte field whose parts do not fill it exactly is refused where it is set.
    let short = XmlMessage::parse(
        r#"<isomsg><field id="0" value="2100"/><isomsg id="21">
             <field id="0" value="1"/><field id="1" value="ABCDE"/></isomsg></isomsg>"#,
    )
    .unwrap();
    assert!(short.to_message(spec).is_err());
}

/// The same encoding, or BCD that differs only in where an odd digit's pad nibble would go,
/// for a fixed field with an even digit count (field 97, 16 digits: jPOS's `iso87binary.xml`
/// says `pad="false"`, its `ISO87BPackager` and paywire right-align; no nibble moves).
fn same_encoding(f: &FieldSpec<'_>, j: &FieldSpec<'_>) -> bool {
    use paywire_iso8583::spec::{Encoding::SignBcd, Length::Fixed};
    match (f.encoding, j.encoding, f.length) {
        (SignBcd { .. }, SignBcd { .. }, Fixed(n)) => (n - 1) % 2 == 0,
        (a, b, _) => a == b,
    }
}

#[test]
fn builtin_1987_specs_define_what_jpos_packagers_do() {
    use paywire_iso8583::spec::Content::{A, An, Ans, N, Z};
    // Field by field, the built-in specs against jPOS's packagers: the same wire form (encoding
    // and length rule) for every field but 55 (ICC data: binary in paywire, LLLCHAR in jPOS),
    // and the same content class but where paywire is stricter on purpose — jPOS's text
    // classes take any character (paywire: a, an), its NUM classes `=` too (they carry track
    // 2), and its track 3 (36) any text (paywire: the track code set).
    for (builtin, jpos) in [(&ISO87ASCII, "iso87ascii"), (&ISO87BINARY, "iso87binary")] {
        let loaded = packager(jpos);
        let (mut wire, mut content) = (Vec::new(), Vec::new());
        for f in builtin.fields {
            let j = loaded.field(f.number).unwrap();
            if !same_encoding(f, j) || f.length != j.length {
                wire.push(f.number);
            } else if f.content != j.content
                && !matches!((f.content, j.content), (A | An, Ans) | (N, Z))
            {
                content.push(f.number);
            }
        }
        assert_eq!((wire, content), (vec![55], vec![36]), "{jpos}");
        // And every field jPOS defines the built-in one does, but 65: jPOS's "extended bitmap"
        // data field (bit 65 is that field, no tertiary bitmap); the built-in specs read bit 65
        // as the tertiary bitmap's, as ISO 8583:1987 and moov-io do.
        for j in loaded.fields {
            assert!(
                builtin.field(j.number).is_some() || j.number == 65,
                "{jpos}: {}",
                j.number
            );
        }
        assert!(loaded.field65_is_data() && !builtin.field65_is_data());
    }
}

#[test]
fn unsupported_classes_are_named_with_their_field() {
    let base = file("specs/jpos/iso87ascii.xml");
    let renamed = base.replacen(
        "class=\"org.jpos.iso.IFA_LLLCHAR\"",
        "class=\"org.jpos.iso.IFA_TTLLCHAR\"",
        1,
    );
    let err = load_packager("x", &renamed).unwrap_err();
    assert_eq!(
        err,
        PackagerError::UnsupportedClass {
            class: "org.jpos.iso.IFA_TTLLCHAR".into(),
            path: "36".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "field 36: jPOS class org.jpos.iso.IFA_TTLLCHAR is not supported"
    );
    // Fixed text parts under a GenericSubFieldPackager are positional subfields; another
    // subfield packager is refused naming its class and the field.
    let nested = r#"<isopackager>
      <isofield id="0" length="4" name="MTI" class="org.jpos.iso.IFA_NUMERIC"/>
      <isofield id="1" length="16" name="BITMAP" class="org.jpos.iso.IFA_BITMAP"/>
      <isofieldpackager id="48" length="999" name="P" class="org.jpos.iso.IFA_LLLCHAR"
          packager="org.jpos.iso.packager.GenericSubFieldPackager">
        <isofield id="1" length="2" name="A" class="org.jpos.iso.IF_CHAR"/>
        <isofield id="2" length="3" name="B" class="org.jpos.iso.IFA_NUMERIC"/>
      </isofieldpackager>
    </isopackager>"#;
    assert_eq!(
        named_parts(nested, b"XY123"),
        [(Some("A"), b"XY".to_vec()), (Some("B"), b"123".to_vec())]
    );
    let tagged = nested.replace("GenericSubFieldPackager", "GenericTaggedFieldsPackager");
    let err = load_packager("x", &tagged).unwrap_err();
    assert_eq!(
        err.to_string(),
        "field 48: jPOS class org.jpos.iso.packager.GenericTaggedFieldsPackager is not supported"
    );
    // A variable part: the parts are read in sequence, each by its own class.
    let variable = nested.replace(
        r#"length="3" name="B" class="org.jpos.iso.IFA_NUMERIC""#,
        r#"length="3" name="B" class="org.jpos.iso.IFA_LLCHAR""#,
    );
    assert_eq!(
        named_parts(&variable, b"XY03123"),
        [(Some("A"), b"XY".to_vec()), (Some("B"), b"123".to_vec())]
    );
    // A subfield class with no equivalent is named with its path.
    let magic = variable.replace("IFA_LLCHAR", "IFX_MAGIC");
    let err = load_packager("x", &magic).unwrap_err();
    assert_eq!(
        err.to_string(),
        "field 48.2: jPOS class org.jpos.iso.IFX_MAGIC is not supported"
    );
    // Not a packager; no MTI; an entity declaration.
    assert!(matches!(
        load_packager("x", "<isomsg/>"),
        Err(PackagerError::Xml(_))
    ));
    let no_mti = "<isopackager><isofield id=\"1\" length=\"16\" name=\"B\" class=\"org.jpos.iso.IFA_BITMAP\"/></isopackager>";
    assert!(matches!(
        load_packager("x", no_mti),
        Err(PackagerError::BadField { .. })
    ));
    let bomb = format!(
        "<!DOCTYPE isopackager [<!ENTITY a \"b\">]>{}",
        &base[base.find("<isopackager").unwrap()..]
    );
    assert!(matches!(
        load_packager("x", &bomb),
        Err(PackagerError::Xml(_))
    ));
}

#[cfg(feature = "serde")]
#[test]
fn postilion_field_127_as_a_nested_struct() {
    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    struct Private<'a> {
        #[serde(rename = "2")]
        switch_key: &'a str,
        #[serde(rename = "25")]
        icc: &'a str,
    }
    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    struct Advice<'a> {
        #[serde(rename = "0")]
        mti: &'a str,
        #[serde(rename = "11")]
        stan: &'a str,
        #[serde(rename = "41")]
        terminal: &'a str,
        #[serde(rename = "127", borrow)]
        private: Private<'a>,
    }
    let spec = packager("postpack");
    let image = image("jpos-post.hex", &[]);
    let m = MessageRef::parse(spec, &image).unwrap();
    let advice: Advice<'_> = paywire_iso8583::serde::from_message(&m).unwrap();
    assert_eq!(
        advice.private,
        Private {
            switch_key: "SWITCH_KEY",
            icc: "ICC_DATA"
        }
    );
    // Written back with the other fields of jPOS's message: the same bytes.
    let message = paywire_iso8583::serde::to_message(spec, &advice).unwrap();
    let mut full = Message::parse(spec, &image).unwrap();
    for n in [11, 41, 127] {
        full.remove(n);
    }
    for (n, v) in message.fields() {
        full.set(n, v.to_vec()).unwrap();
    }
    assert_eq!(full.to_vec().unwrap(), image);
}

/// jPOS's `emv-tlv-packager.xml` (fields 48, 62–64: `IFA_LLLBINARY` holding BER-TLV under
/// `BERTLVBinaryPackager`) and the message jPOS's `EMVTagSequenceTest.testPacking`
/// (jpos/jPOS `jpos/src/test/java/org/jpos/tlv/packager/EMVTagSequenceTest.java`) packs with
/// it: MTI `0100` (`30313030`), a bitmap with bit 48 only (`00 00 00 00 00 01 00 00`, the
/// test's comment), then field 48 as the test asserts it:
/// `3033355a08999999123456789f9f12044a504f53500251325f2a0208409f0206000000000100` (LLL `035`,
/// then tags 5A, 9F12, 50, 5F2A, 9F02).
#[test]
fn jpos_ber_tlv_packager_and_its_packed_message() {
    let spec = packager("emv-tlv-packager");
    let field48 =
        hex::decode("3033355a08999999123456789f9f12044a504f53500251325f2a0208409f0206000000000100")
            .unwrap();
    let mut image = b"0100".to_vec();
    image.extend_from_slice(&[0, 0, 0, 0, 0, 1, 0, 0]);
    image.extend_from_slice(&field48);
    let m = MessageRef::parse(spec, &image).unwrap();
    let tlv = m.value(48).unwrap().wire();
    assert_eq!(tlv, &field48[3..]);
    let tags: Vec<(u32, &[u8])> = paywire_emv_tlv::Tlvs::parse(tlv)
        .unwrap()
        .iter()
        .map(|t| (t.tag().number(), t.value()))
        .collect();
    assert_eq!(
        tags,
        [
            (0x5A, &hex::decode("999999123456789f").unwrap()[..]),
            (0x9F12, b"JPOS"),
            (0x50, b"Q2"),
            (0x5F2A, &[0x08, 0x40]),
            (0x9F02, &[0, 0, 0, 0, 1, 0]),
        ]
    );
    // Written back: jPOS's bytes.
    let mut built = Message::new(spec, m.mti());
    built.set(48, tlv).unwrap();
    assert_eq!(built.to_vec().unwrap(), image);
    // The field is read as BER-TLV: a length running past the value is refused, naming 48.
    let mut broken = image.clone();
    let at = 12 + 3 + 1; // 5A's length byte
    broken[at] = 0x30;
    let err = MessageRef::parse(spec, &broken).unwrap_err();
    assert_eq!(err.field(), Some(48), "{err}");
    // Another sub-packager on a field jPOS writes as hex text is still refused by name.
    let hex_field = file("specs/jpos/emv-tlv-packager.xml").replacen(
        "org.jpos.tlv.packager.bertlv.BERTLVBinaryPackager",
        "org.jpos.tlv.packager.bertlv.BERTLVAsciiHexPackager",
        1,
    );
    let err = load_packager("x", &hex_field).unwrap_err();
    assert!(err.to_string().contains("BERTLVAsciiHexPackager"), "{err}");
    assert!(err.to_string().contains("48"), "{err}");
}

/// jPOS's `tagged-sequence-packager.xml`: field 48 under `TaggedSequencePackager`, elements
/// `IFTA_LLLCHAR` / `IFTA_LLLNUM` with 4-character tokens (tag, LLL, value; the `####`
/// element takes any other tag), and the bytes jPOS's `ISOTaggedSequenceTest` (jpos/jPOS
/// `jpos/src/test/java/org/jpos/tlv/packager/ISOTaggedSequenceTest.java`) asserts for it:
/// `testPacking` `0390012014199609300000000165001M0023003CT2` and `testPackingWithISOField`
/// (the same elements in another order) `0390012014199609300000000023003CT20165001M`, each
/// after MTI `0100` and a bitmap with bit 48 only.
#[test]
fn jpos_tagged_sequence_packager_and_its_packed_messages() {
    let full = file("specs/jpos/tagged-sequence-packager.xml");
    // Fields 63 and 64 put a fixed IF_CHAR part ahead of their tags, which paywire's tagged
    // layout has no place for: refused with the part's path.
    let err = load_packager("tagged", &full).unwrap_err();
    assert!(err.to_string().contains("63.0"), "{err}");
    // Without them the packager loads (fields 48 and 62).
    let cut = full
        .find("<isofieldpackager\n            id=\"63\"")
        .unwrap();
    let trimmed = format!("{}</isopackager>\n", &full[..cut]);
    let spec = paywire_iso8583::json::leak(load_packager("tagged", &trimmed).unwrap());
    for field48 in [
        &b"0390012014199609300000000165001M0023003CT2"[..],
        b"0390012014199609300000000023003CT20165001M",
    ] {
        let mut image = b"0100".to_vec();
        image.extend_from_slice(&[0, 0, 0, 0, 0, 1, 0, 0]);
        image.extend_from_slice(field48);
        let m = MessageRef::parse(spec, &image).unwrap();
        let elements: Vec<(String, String)> = m
            .field(48)
            .unwrap()
            .subfields()
            .map(|s| {
                let paywire_iso8583::SubfieldId::Tag(tag) = s.id else {
                    panic!("{:?}", s.id)
                };
                (
                    String::from_utf8(tag.to_vec()).unwrap(),
                    String::from_utf8(s.value.to_vec()).unwrap(),
                )
            })
            .collect();
        let mut sorted = elements.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            [
                ("0012".to_string(), "19960930000000".to_string()),
                ("0023".to_string(), "CT2".to_string()),
                ("0165".to_string(), "M".to_string()),
            ]
        );
        // Written back from its elements, in the order read: jPOS's bytes.
        let pairs: Vec<(&[u8], &[u8])> = elements
            .iter()
            .map(|(t, v)| (t.as_bytes(), v.as_bytes()))
            .collect();
        let composed = paywire_iso8583::compose_tagged(spec.field(48).unwrap(), &pairs).unwrap();
        let mut built = Message::new(spec, m.mti());
        built.set(48, composed).unwrap();
        assert_eq!(built.to_vec().unwrap(), image);
    }
    // Elements of two length widths in one sequence are refused with the element's path.
    let mixed = trimmed.replacen(
        "token=\"0165\"\n                name=\"Settlement Indicator\"\n                class=\"org.jpos.tlv.packager.IFTA_LLLCHAR\"",
        "token=\"0165\"\n                name=\"Settlement Indicator\"\n                class=\"org.jpos.tlv.packager.IFTA_LLCHAR\"",
        1,
    );
    assert_ne!(mixed, trimmed);
    let err = load_packager("mixed", &mixed).unwrap_err();
    assert!(err.to_string().contains("48.3"), "{err}");
}
