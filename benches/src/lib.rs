//! Shared inputs for the paywire benchmarks (the benches themselves live in `benches/`).

/// A 200-byte ISO 8583 field 55 as a terminal sends it with an ARQC: the EMV Book 3 / Book 4
/// tags a POS puts in DE 55 (cryptogram, CID, IAD, UN, ATC, TVR, date, type, amounts, currency,
/// country, AIP, capabilities, CVM results, terminal type, IFD serial, sequence counter, AID, PAN
/// sequence number, CUP card product information, VLP support indicator) with representative values.
pub const DE55_HEX: &str = concat!(
    "9F2608C2C12B098F3DA6E3",
    "9F270180",
    "9F101307010103A0A802010A0100000000001A6B9C7D",
    "9F3704A1B2C3D4",
    "9F360200A5",
    "950500000480 00",
    "9A03251124",
    "9C0100",
    "9F02060000000010 00",
    "9F0306000000000000",
    "5F2A020156",
    "9F1A020156",
    "820259 00",
    "9F3303E0F1C8",
    "9F34034203 00",
    "9F350122",
    "9F1E083132333435363738",
    "9F4104000000 12",
    "84 08A000000333010101",
    "5F340101",
    "9F0902008C",
    "9F6310 30313032303030300000000000000000",
    "9F6E0420700000",
    "9F0702FF00",
    "DF3105 0000000000",
    "9F530152",
    "9F390105",
    "9F7A0100",
);

/// The field 55 bytes of [`DE55_HEX`].
pub fn de55() -> Vec<u8> {
    let text: String = DE55_HEX.chars().filter(|c| !c.is_whitespace()).collect();
    hex::decode(text).unwrap_or_default()
}

/// The 20 fields of a card-present purchase (0200) as a POS sends it: number and logical value.
pub const PURCHASE_0200: [(u8, &[u8]); 20] = [
    (2, b"6212345678901234567"),
    (3, b"000000"),
    (4, b"000000012345"),
    (7, b"1124063705"),
    (11, b"000172"),
    (12, b"143705"),
    (13, b"1124"),
    (14, b"2812"),
    (18, b"5411"),
    (22, b"051"),
    (23, b"001"),
    (25, b"00"),
    (32, b"48615840"),
    (35, b"6212345678901234567=28121011234567"),
    (37, b"112406370501"),
    (41, b"50080001"),
    (42, b"309310083985008"),
    (49, b"156"),
    (52, &[0x06, 0x12, 0x45, 0x75, 0xBE, 0xDC, 0xBE, 0xDC]),
    (
        55,
        &[
            0x9F, 0x26, 0x08, 0xC2, 0xC1, 0x2B, 0x09, 0x8F, 0x3D, 0xA6, 0xE3, 0x9F, 0x27, 0x01,
            0x80,
        ],
    ),
];

/// [`PURCHASE_0200`] encoded with `spec`.
pub fn purchase_0200(spec: &'static paywire_iso8583::Spec<'static>) -> Vec<u8> {
    let mut b = paywire_iso8583::MessageBuilder::new(spec, paywire_iso8583::Mti::FINANCIAL_REQUEST);
    for (n, v) in PURCHASE_0200 {
        if b.set(n, v).is_err() {
            return Vec::new();
        }
    }
    b.to_vec().unwrap_or_default()
}

/// The byte-loop baseline: one pass that reads every byte once. `black_box` on each byte keeps
/// the compiler from vectorising it away, as a parser cannot be.
pub fn byte_loop(data: &[u8]) -> u64 {
    let mut acc = 0u64;
    for &b in data {
        acc = acc.wrapping_add(u64::from(std::hint::black_box(b)));
    }
    acc
}

/// Nanoseconds per call of `f`: its best round in [`best_of_each`] (for the ratio lines the
/// benches print next to criterion's figures).
pub fn best_of(rounds: u32, f: &mut dyn FnMut() -> u64) -> f64 {
    best_of_each(rounds, &mut [f])
        .first()
        .copied()
        .unwrap_or(f64::INFINITY)
}

/// Nanoseconds per call of each of `fs`, measured in turns: ten rounds, each running every
/// function for `rounds / 2` calls, keeping each function's best round. A burst of noise on a
/// shared machine then slows one round of every function rather than all rounds of one, so
/// the ratios between them hold still.
pub fn best_of_each(rounds: u32, fs: &mut [&mut dyn FnMut() -> u64]) -> Vec<f64> {
    let calls = (rounds / 2).max(1);
    let mut best = vec![f64::INFINITY; fs.len()];
    for _ in 0..10 {
        for (f, best) in fs.iter_mut().zip(best.iter_mut()) {
            let start = std::time::Instant::now();
            for _ in 0..calls {
                std::hint::black_box(f());
            }
            *best = best.min(start.elapsed().as_secs_f64() * 1e9 / f64::from(calls));
        }
    }
    best
}

/// The processor the ratios were measured on (`model name`, family and model from
/// `/proc/cpuinfo`; `unknown` elsewhere). Ratios against latency-bound baselines (the CRC table
/// chain, the byte loop) move with the microarchitecture, so each report names it.
pub fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |key: &str| {
        info.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_owned())
    };
    match field("model name") {
        Some(name) => format!(
            "{name} (family {}, model {})",
            field("cpu family").unwrap_or_else(|| "?".into()),
            field("model").unwrap_or_else(|| "?".into())
        ),
        None => "unknown".into(),
    }
}
