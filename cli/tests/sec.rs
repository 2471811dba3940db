//! `paywire sec …` on published vectors (each cited where it is used), its exit codes, and its
//! refusals.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

fn sec(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut all = vec!["sec"];
    all.extend_from_slice(args);
    let run = common::run(&all, stdin);
    (run.code, run.text(), run.stderr.clone())
}

const BDK: &str = "0123456789ABCDEFFEDCBA9876543210";

#[test]
fn dukpt_tdes() {
    // ANSI X9.24-1:2009 A.4: the initial key, and the PIN key of KSN …E00001 (the transaction
    // key 042666B49184CFA368DE9628D0397BC9 with its PIN variant, bytes 7 and 15 flipped).
    let (code, out, _) = sec(
        &["dukpt", "--bdk", BDK, "--ksn", "FFFF9876543210E00001"],
        b"",
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "{\"ipek\":\"6AC292FAA1315B4D858AB3A3D7D5933A\",\"key\":\"042666B49184CF5C68DE9628D0397B36\"}\n"
    );
    // A.4.3's last rollover key, bare.
    let (code, out, _) = sec(
        &[
            "dukpt",
            "--bdk",
            BDK,
            "--ksn",
            "FFFF9876543210F00000",
            "--usage",
            "none",
        ],
        b"",
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("\"key\":\"AA4D58DB653EC74A48C75F2F047DD2B5\""),
        "{out}"
    );
    // Eleven counter bits: rejected; the initial KSN (counter 0) too.
    for ksn in ["FFFF9876543210E007FF", "FFFF9876543210E00000"] {
        let (code, _, err) = sec(&["dukpt", "--bdk", BDK, "--ksn", ksn], b"");
        assert_eq!(code, 1, "{ksn}");
        assert!(!err.contains(BDK), "{err}");
    }
    // AES DUKPT (ANSI X9.24-3:2017 B.1, as openemv/dukpt's tests carry it): the AES-128 BDK's
    // derivation key at counter 0x20000; 0x1FFFF (17 bits) rejected; a short KSN or an unknown
    // usage is a usage error.
    let aes_bdk = "FEDCBA9876543210F1F1F1F1F1F1F1F1";
    let (code, out, _) = sec(
        &[
            "dukpt",
            "--bdk",
            aes_bdk,
            "--ksn",
            "123456789012345600020000",
            "--usage",
            "none",
        ],
        b"",
    );
    assert_eq!(code, 0);
    assert!(
        out.ends_with("\"key\":\"F7AE9025468A25D37B7249CFFED224C8\"}\n"),
        "{out}"
    );
    assert_eq!(
        sec(
            &[
                "dukpt",
                "--bdk",
                aes_bdk,
                "--ksn",
                "12345678901234560001FFFF"
            ],
            b""
        )
        .0,
        1
    );
    assert_eq!(sec(&["dukpt", "--bdk", BDK, "--ksn", "FFFF98"], b"").0, 2);
    assert_eq!(
        sec(
            &[
                "dukpt",
                "--bdk",
                aes_bdk,
                "--ksn",
                "123456789012345600000001",
                "--usage",
                "mac"
            ],
            b""
        )
        .0,
        2
    );
    assert_eq!(
        sec(
            &[
                "dukpt",
                "--bdk",
                BDK,
                "--ksn",
                "FFFF9876543210E00001",
                "--key-type",
                "aes128"
            ],
            b""
        )
        .0,
        2
    );
}

#[test]
fn pin_blocks() {
    // psec tests/test_pinblock.py (github.com/knovichikhin/psec): formats 2 and 4.
    let (code, out, _) = sec(&["pin", "--format", "2", "--pin", "123456789"], b"");
    assert_eq!((code, out.as_str()), (0, "29123456789FFFFF\n"));
    let (code, out, _) = sec(
        &[
            "pin",
            "--format",
            "4",
            "--pin",
            "1234",
            "--pan",
            "1234567890123456789",
            "--key",
            "00112233445566778899AABBCCDDEEFF",
            "--random",
            "FFFFFFFFFFFFFFFF",
        ],
        b"",
    );
    assert_eq!(
        (code, out.as_str()),
        (0, "28B41FDDD29B743E93124BD8E32D921E\n")
    );
    // IBM's ISO format 3 example (ibm.com/docs, "ISO Format 3"): fill AFBECDDC.
    let (code, out, _) = sec(
        &[
            "pin",
            "--format",
            "3",
            "--pin",
            "123456",
            "--pan",
            "1112223334445550",
            "--random",
            "AFBECDDC",
        ],
        b"",
    );
    assert_eq!((code, out.as_str()), (0, "361216759CFA8889\n"));
    // X9.24-1:2009 A.4: the PIN key of KSN …E00001 enciphers format 0 to 1B9C1845EB993A7A.
    let (code, out, _) = sec(
        &[
            "pin",
            "--format",
            "0",
            "--pin",
            "1234",
            "--pan",
            "4012345678909",
            "--key",
            "042666B49184CF5C68DE9628D0397B36",
        ],
        b"",
    );
    assert_eq!((code, out.as_str()), (0, "1B9C1845EB993A7A\n"));
    let (code, out, _) = sec(
        &[
            "pin-decode",
            "--format",
            "0",
            "--block",
            "1B9C1845EB993A7A",
            "--pan",
            "4012345678909",
            "--key",
            "042666B49184CF5C68DE9628D0397B36",
        ],
        b"",
    );
    assert_eq!((code, out.as_str()), (0, "1234\n"));
    // Random fill: a fresh block each time, and each decodes.
    let a = sec(&["pin", "--format", "1", "--pin", "1234"], b"").1;
    let b = sec(&["pin", "--format", "1", "--pin", "1234"], b"").1;
    assert_ne!(a, b);
    assert_eq!(
        sec(&["pin-decode", "--format", "1", "--block", a.trim()], b"").1,
        "1234\n"
    );
    // Refusals: a block of another format (1), a wrong PAN (1), fill of the wrong size (2),
    // format 3 fill outside A–F (2), format 0 without a PAN (2), an unknown format (2).
    assert_eq!(
        sec(
            &["pin-decode", "--format", "0", "--block", "241234FFFFFFFFFF"],
            b""
        )
        .0,
        1
    );
    let wrong_pan = sec(
        &[
            "pin-decode",
            "--format",
            "0",
            "--block",
            "041261AAAAEDCBA9",
            "--pan",
            "5555555551234577",
        ],
        b"",
    );
    assert_eq!(wrong_pan.0, 1);
    assert_eq!(
        sec(
            &["pin", "--format", "1", "--pin", "1234", "--random", "12"],
            b""
        )
        .0,
        2
    );
    let bad_fill = [
        "pin",
        "--format",
        "3",
        "--pin",
        "1234",
        "--pan",
        "1112223334445550",
        "--random",
        "1234567890",
    ];
    assert_eq!(sec(&bad_fill, b"").0, 2);
    assert_eq!(sec(&["pin", "--format", "0", "--pin", "1234"], b"").0, 2);
    assert_eq!(sec(&["pin", "--format", "5", "--pin", "1234"], b"").0, 2);
    // The PIN never reaches standard error.
    let (_, _, err) = sec(
        &["pin", "--format", "0", "--pin", "98765", "--pan", "12"],
        b"",
    );
    assert!(!err.contains("98765"), "{err}");
}

#[test]
fn macs_and_check_values() {
    // psec tests/test_mac.py: algorithm 1 with padding methods 1–3, and truncation.
    for (padding, mac) in [
        ("1", "68D9038F23360DF3"),
        ("2", "32DC341271ACCD00"),
        ("3", "CDACA53E2DAA5412"),
    ] {
        let (code, out, _) = sec(
            &[
                "mac",
                "--algorithm",
                "iso9797-1-m1",
                "--key",
                "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB",
                "--padding",
                padding,
            ],
            b"hello world",
        );
        assert_eq!((code, out), (0, format!("{mac}\n")));
    }
    let (_, out, _) = sec(
        &[
            "mac",
            "--algorithm",
            "iso9797-1-m3",
            "--key",
            "41414141414141414242424242424242",
            "--padding",
            "2",
            "--length",
            "4",
        ],
        b"hello world",
    );
    assert_eq!(out, "E1694103\n");
    // NIST SP 800-38B D.4, three-key TDEA, Mlen = 64.
    let (_, out, _) = sec(
        &[
            "mac",
            "--algorithm",
            "tdes-cmac",
            "--key",
            "8AA83BF8CBDA10620BC1BF19FBB6CD58BC313D4A371CA8B5",
            "--hex",
        ],
        b"6BC1BEE22E409F96",
    );
    assert_eq!(out, "8E8F293136283797\n");
    // A retail MAC needs a double-length key; padding 4 does not exist.
    assert_eq!(
        sec(
            &[
                "mac",
                "--algorithm",
                "iso9797-1-m3",
                "--key",
                "0123456789ABCDEF"
            ],
            b"x"
        )
        .0,
        2
    );
    assert_eq!(
        sec(
            &[
                "mac",
                "--algorithm",
                "iso9797-1-m1",
                "--key",
                BDK,
                "--padding",
                "4"
            ],
            b"x"
        )
        .0,
        2
    );
    // Check values: the SM4 key of blog.csdn.net/M_Kerry/article/details/104625499 (8 bytes by
    // default), and an AES key's CMAC value (OpenSSL 3.0 `openssl mac … CMAC` over 16 zero
    // bytes: 7AD386C3…).
    let (_, out, _) = sec(
        &[
            "kcv",
            "--key",
            "F351D490994603795C6EBEE8FAEBB481",
            "--algorithm",
            "sm4",
        ],
        b"",
    );
    assert_eq!(out, "861E83E31FAEBF10\n");
    let (_, out, _) = sec(
        &[
            "kcv",
            "--key",
            "2B7E151628AED2A6ABF7158809CF4F3C",
            "--algorithm",
            "aes",
        ],
        b"",
    );
    assert_eq!(out, "7AD386C376\n");
    let (_, out, _) = sec(&["kcv", "--key", BDK, "--length", "4"], b"");
    assert_eq!(out, "08D7B4FB\n");
    assert_eq!(sec(&["kcv", "--key", BDK, "--length", "9"], b"").0, 2);
    assert_eq!(sec(&["kcv", "--key", "0123"], b"").0, 2);
}

#[test]
fn tr31_blocks() {
    // TR-31:2018 A.7.3.1 (as openemv/tr31's test/tr31_decrypt_test.c carries it): version C,
    // a BDK with a KS block.
    let block = "C0096B0TX12S0100KS1800604B120F9292800000BFB9B689CB567E66FC3FEE5AD5F52161FC6545B9D60989015D02155C";
    let (code, out, _) = sec(
        &[
            "tr31",
            "unwrap",
            "--kbpk",
            "B8ED59E0A279A295E9F5ED7944FD06B9",
        ],
        block.as_bytes(),
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "{\"version\":\"C\",\"usage\":\"B0\",\"algorithm\":\"T\",\"mode\":\"X\",\"key_version\":\"12\",\"exportability\":\"S\",\"optional_blocks\":[{\"id\":\"KS\",\"data\":\"00604B120F9292800000\"}],\"key\":\"EDB380DD340BC2620247D445F5B8D678\"}\n"
    );
    // The wrong KBPK (not only in a DES parity bit): the MAC does not match (exit 1), and the
    // key never prints.
    let (code, out, err) = sec(
        &[
            "tr31",
            "unwrap",
            "--kbpk",
            "B8ED59E0A279A295E9F5ED7944FD06BB",
        ],
        block.as_bytes(),
    );
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("MAC"), "{err}");
    // Wrap without --pad: random padding masks a double-length key as a triple-length one
    // (B: 2 + 24 + 6 bytes of payload), and the block unwraps to the key.
    let kbpk = "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB";
    let (code, wrapped, _) = sec(
        &[
            "tr31",
            "wrap",
            "--kbpk",
            kbpk,
            "--header",
            "B0000P0TE00E0000",
            "--key",
            "CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD",
        ],
        b"",
    );
    assert_eq!(code, 0);
    assert_eq!(wrapped.trim().len(), 16 + 64 + 16);
    let (code, out, _) = sec(&["tr31", "unwrap", "--kbpk", kbpk], wrapped.as_bytes());
    assert_eq!(code, 0);
    assert!(
        out.ends_with("\"key\":\"CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD\"}\n"),
        "{out}"
    );
    // A malformed block names its part; a header of an unknown version is a usage error.
    let (code, _, err) = sec(&["tr31", "unwrap", "--kbpk", kbpk], b"B0081P0TE00E0000");
    assert_eq!(code, 1);
    assert!(err.contains("key block length"), "{err}");
    let wrap_a = [
        "tr31",
        "wrap",
        "--kbpk",
        kbpk,
        "--header",
        "A0000P0TE00E0000",
        "--key",
        "CCCCCCCCCCCCCCCC",
    ];
    assert_eq!(sec(&wrap_a, b"").0, 2);
}

#[test]
fn card_values_and_cryptograms() {
    // The classic CVV example; psec's PVV and IBM 3624 offset tests.
    let cvv = [
        "cvv",
        "--cvk",
        BDK,
        "--pan",
        "4123456789012345",
        "--expiry",
        "8701",
        "--service-code",
        "101",
    ];
    assert_eq!(sec(&cvv, b"").1, "561\n");
    let pvv = [
        "pvv",
        "--pvk",
        BDK,
        "--pan",
        "1122334455667788",
        "--pin",
        "1912",
        "--pvki",
        "2",
    ];
    assert_eq!(sec(&pvv, b"").1, "3244\n");
    let offset = [
        "pin-offset",
        "--pvk",
        BDK,
        "--pan",
        "1122334455667788",
        "--pin",
        "3675",
        "--validation-data",
        "12233445566778",
        "--pad",
        "1",
        "--decimalization",
        "1234567890123456",
    ];
    assert_eq!(sec(&offset, b"").1, "0000\n");
    // pyemv tests/test_cvn_hsm.py: Visa CVN 18 (ARPC method 2) and Interac CVN 133, whose
    // session key is Mastercard's (CVN 16 here).
    let common = [
        "--imk",
        BDK,
        "--pan",
        "1234567890123456",
        "--psn",
        "00",
        "--atc",
        "001C",
    ];
    let cvn18 = "0000000040000000000000000124800004800001241911050152BF45851800001C06011203A0B800";
    let mut args = vec!["arqc"];
    args.extend_from_slice(&common);
    args.extend_from_slice(&["--data", cvn18, "--scheme", "visa-cvn18"]);
    assert_eq!(sec(&args, b"").1, "7A788EA6B8A3E733\n");
    let mut args = vec!["arpc"];
    args.extend_from_slice(&common);
    args.extend_from_slice(&[
        "--arqc",
        "7A788EA6B8A3E733",
        "--csu",
        "00000000",
        "--scheme",
        "visa-cvn18",
    ]);
    assert_eq!(sec(&args, b"").1, "9AF514C1\n");
    let mc = "0000000099990000000000000124800000000001242099060 0ABCDEF121800001C1501850440B100000000B00000000000000000000000".replace(' ', "");
    let mut args = vec!["arqc"];
    args.extend_from_slice(&common);
    args.extend_from_slice(&["--data", &mc, "--scheme", "mc-cvn16", "--un", "ABCDEF12"]);
    assert_eq!(sec(&args, b"").1, "18932FECA2D84326\n");
    // Without the UN Mastercard's session key cannot be made (usage, 2); a wrong ARQC is 1.
    let mut args = vec!["arqc"];
    args.extend_from_slice(&common);
    args.extend_from_slice(&["--data", &mc, "--scheme", "mc-cvn16"]);
    assert_eq!(sec(&args, b"").0, 2);
    let mut args = vec!["arqc-verify"];
    args.extend_from_slice(&common);
    args.extend_from_slice(&[
        "--data",
        cvn18,
        "--scheme",
        "visa-cvn18",
        "--arqc",
        "7A788EA6B8A3E734",
    ]);
    assert_eq!(sec(&args, b"").0, 1);
}
