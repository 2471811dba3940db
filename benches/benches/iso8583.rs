//! iso8583: parse + access every field of a 20-field 0200 vs one read of every byte (limit:
//! within 3×), both ways a message is parsed (into the caller's kept index, and into a fresh
//! one inside the message); encode vs copying the same field bytes into a buffer (within 3×). "Access" is a
//! `FieldRef` per field (number, offset, length: the value located, not re-read); the detail
//! line also gives parse alone, parse + summing every field's wire bytes, and parse + summing
//! every field's decoded value (BCD digits unpacked: about twice the bytes the loop reads).
//! `MessageRef::parse_in` fills a field index the caller keeps across messages (as a host
//! reading a connection would); `MessageRef::parse` clears a 1.5 KB index inside the message
//! and the result is moved to the caller, which the ratio line shows as the difference.
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]
#![allow(
    clippy::arithmetic_side_effects,
    reason = "benchmark baselines over fixed inputs"
)]

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group};
use paywire_benches::{PURCHASE_0200, best_of_each, byte_loop, purchase_0200};
use paywire_iso8583::builtin::{ISO87ASCII, ISO87BINARY};
use paywire_iso8583::{FieldIndex, FieldRef, MessageBuilder, MessageRef, Mti, Spec, Value};

/// Parse, then fold every field through `read` (a sum of the bytes it yields).
#[inline]
fn parse_then(
    spec: &'static Spec<'static>,
    data: &[u8],
    read: impl Fn(u64, &FieldRef<'_, '_>) -> u64,
) -> u64 {
    // Bound by reference: a `MessageRef` carries its 1.5 KB field index inline, and moving it
    // out of the `Result` would copy it.
    let parsed = MessageRef::parse(spec, data);
    let Ok(m) = &parsed else {
        return 0;
    };
    m.fields()
        .fold(u64::from(m.mti().number()), |acc, field| read(acc, &field))
}

/// Parse, then read every field's logical value.
fn parse_and_read(spec: &'static Spec<'static>, data: &[u8]) -> u64 {
    parse_then(spec, data, |acc, field| {
        field
            .value()
            .iter()
            .fold(acc, |a, b| a.wrapping_add(u64::from(b)))
    })
}

/// Parse, then read every field's bytes as they sit on the wire (no BCD or hex-text decoding):
/// the same bytes the byte loop reads.
fn parse_and_touch(spec: &'static Spec<'static>, data: &[u8]) -> u64 {
    parse_then(spec, data, |acc, field| {
        field
            .value()
            .wire()
            .iter()
            .fold(acc, |a, &b| a.wrapping_add(u64::from(b)))
    })
}

/// Access to one field: its number, where its value sits and its length (a `FieldRef`, the
/// value not re-read: parsing read and checked every byte once already).
#[inline]
fn access(acc: u64, field: &FieldRef<'_, '_>) -> u64 {
    acc.wrapping_add(u64::from(field.number()))
        .wrapping_add(field.offset() as u64)
        .wrapping_add(field.value().len() as u64)
}

/// Parse, then [`access`] every field.
fn parse_and_access(spec: &'static Spec<'static>, data: &[u8]) -> u64 {
    parse_then(spec, data, access)
}

/// [`parse_and_access`] with the field index the caller keeps for every message
/// (`MessageRef::parse_in`): no index cleared or moved per message.
fn parse_in_and_access(index: &mut FieldIndex, spec: &'static Spec<'static>, data: &[u8]) -> u64 {
    let Ok(m) = MessageRef::parse_in(index, spec, data) else {
        return 0;
    };
    m.fields().fold(u64::from(m.mti().number()), |acc, field| {
        access(acc, &field)
    })
}

/// The 0200 as a host types it: every one of its 20 fields, text borrowed where the wire holds
/// it as is (ASCII) and converted where not (BCD), numbers as numbers, binary fields as bytes.
#[derive(serde::Deserialize)]
#[allow(dead_code, reason = "read by serde, summed by `typed`")]
struct Purchase<'a> {
    #[serde(rename = "2", borrow)]
    pan: Cow<'a, str>,
    #[serde(rename = "3", borrow)]
    processing_code: Cow<'a, str>,
    #[serde(rename = "4")]
    amount: u64,
    #[serde(rename = "7", borrow)]
    transmitted: Cow<'a, str>,
    #[serde(rename = "11")]
    stan: u32,
    #[serde(rename = "12", borrow)]
    time: Cow<'a, str>,
    #[serde(rename = "13", borrow)]
    date: Cow<'a, str>,
    #[serde(rename = "14", borrow)]
    expiry: Cow<'a, str>,
    #[serde(rename = "18")]
    mcc: u16,
    #[serde(rename = "22", borrow)]
    entry_mode: Cow<'a, str>,
    #[serde(rename = "23")]
    card_sequence: u16,
    #[serde(rename = "25", borrow)]
    condition: Cow<'a, str>,
    #[serde(rename = "32", borrow)]
    acquirer: Cow<'a, str>,
    #[serde(rename = "35", borrow)]
    track2: Cow<'a, str>,
    #[serde(rename = "37", borrow)]
    rrn: Cow<'a, str>,
    #[serde(rename = "41", borrow)]
    terminal: Cow<'a, str>,
    #[serde(rename = "42", borrow)]
    merchant: Cow<'a, str>,
    #[serde(rename = "49")]
    currency: u16,
    #[serde(rename = "52", borrow)]
    pin_block: Cow<'a, [u8]>,
    #[serde(rename = "55", borrow)]
    icc: Cow<'a, [u8]>,
}

/// The same 20 fields as the wire holds them: `Value` members (no conversion; the caller
/// converts what it uses), the like of what access yields.
#[derive(serde::Deserialize)]
#[allow(dead_code, reason = "read by serde, summed by `viewed`")]
struct PurchaseViews<'a> {
    #[serde(rename = "2", borrow)]
    pan: Value<'a>,
    #[serde(rename = "3", borrow)]
    processing_code: Value<'a>,
    #[serde(rename = "4", borrow)]
    amount: Value<'a>,
    #[serde(rename = "7", borrow)]
    transmitted: Value<'a>,
    #[serde(rename = "11", borrow)]
    stan: Value<'a>,
    #[serde(rename = "12", borrow)]
    time: Value<'a>,
    #[serde(rename = "13", borrow)]
    date: Value<'a>,
    #[serde(rename = "14", borrow)]
    expiry: Value<'a>,
    #[serde(rename = "18", borrow)]
    mcc: Value<'a>,
    #[serde(rename = "22", borrow)]
    entry_mode: Value<'a>,
    #[serde(rename = "23", borrow)]
    card_sequence: Value<'a>,
    #[serde(rename = "25", borrow)]
    condition: Value<'a>,
    #[serde(rename = "32", borrow)]
    acquirer: Value<'a>,
    #[serde(rename = "35", borrow)]
    track2: Value<'a>,
    #[serde(rename = "37", borrow)]
    rrn: Value<'a>,
    #[serde(rename = "41", borrow)]
    terminal: Value<'a>,
    #[serde(rename = "42", borrow)]
    merchant: Value<'a>,
    #[serde(rename = "49", borrow)]
    currency: Value<'a>,
    #[serde(rename = "52", borrow)]
    pin_block: Value<'a>,
    #[serde(rename = "55", borrow)]
    icc: Value<'a>,
}

/// Parse, then map every field onto [`PurchaseViews`] (summed as [`access`] sums).
fn viewed(spec: &'static Spec<'static>, data: &[u8]) -> u64 {
    let parsed = MessageRef::parse(spec, data);
    let Ok(m) = &parsed else {
        return 0;
    };
    paywire_iso8583::serde::from_message::<PurchaseViews<'_>, _>(m).map_or(0, |p| {
        [p.pan, p.amount, p.stan, p.track2, p.icc]
            .iter()
            .fold(0u64, |a, v| a.wrapping_add(v.len() as u64))
    })
}

/// Parse, then map every field onto [`Purchase`].
fn typed(spec: &'static Spec<'static>, data: &[u8]) -> u64 {
    let parsed = MessageRef::parse(spec, data);
    let Ok(m) = &parsed else {
        return 0;
    };
    paywire_iso8583::serde::from_message::<Purchase<'_>, _>(m).map_or(0, |p| {
        p.amount
            .wrapping_add(u64::from(p.stan))
            .wrapping_add(p.pan.len() as u64)
            .wrapping_add(p.icc.len() as u64)
    })
}

/// Parse, then fill [`Purchase`] by hand through `MessageRef`'s accessors — what a derive of
/// paywire's own would write, without serde's key/value protocol — to tell serde's share of
/// the mapping's cost from the values' conversions.
fn typed_by_hand(spec: &'static Spec<'static>, data: &[u8]) -> u64 {
    use paywire_iso8583::spec::Charset;
    fn text<'a>(cs: Charset, v: Option<Value<'a>>) -> Option<Cow<'a, str>> {
        let v = v?;
        match v.as_bytes() {
            Some(b) => cs.borrow(b).map(Cow::Borrowed),
            None => Some(Cow::Owned(cs.decode(&v.to_vec()).into_owned())),
        }
    }
    fn bytes(v: Option<Value<'_>>) -> Option<Cow<'_, [u8]>> {
        let v = v?;
        Some(match v.as_bytes() {
            Some(b) => Cow::Borrowed(b),
            None => Cow::Owned(v.to_vec()),
        })
    }
    let Ok(m) = MessageRef::parse(spec, data) else {
        return 0;
    };
    let cs = spec.charset;
    let p = (|| {
        Some(Purchase {
            pan: text(cs, m.value(2))?,
            processing_code: text(cs, m.value(3))?,
            amount: m.value(4)?.to_u64()?,
            transmitted: text(cs, m.value(7))?,
            stan: u32::try_from(m.value(11)?.to_u64()?).ok()?,
            time: text(cs, m.value(12))?,
            date: text(cs, m.value(13))?,
            expiry: text(cs, m.value(14))?,
            mcc: u16::try_from(m.value(18)?.to_u64()?).ok()?,
            entry_mode: text(cs, m.value(22))?,
            card_sequence: u16::try_from(m.value(23)?.to_u64()?).ok()?,
            condition: text(cs, m.value(25))?,
            acquirer: text(cs, m.value(32))?,
            track2: text(cs, m.value(35))?,
            rrn: text(cs, m.value(37))?,
            terminal: text(cs, m.value(41))?,
            merchant: text(cs, m.value(42))?,
            currency: u16::try_from(m.value(49)?.to_u64()?).ok()?,
            pin_block: bytes(m.value(52))?,
            icc: bytes(m.value(55))?,
        })
    })();
    p.map_or(0, |p| {
        p.amount
            .wrapping_add(u64::from(p.stan))
            .wrapping_add(p.pan.len() as u64)
            .wrapping_add(p.icc.len() as u64)
    })
}

/// A builder holding the 0200's values (checked when set).
fn builder(spec: &'static Spec<'static>) -> MessageBuilder<'static, 'static> {
    let mut b = MessageBuilder::new(spec, Mti::FINANCIAL_REQUEST);
    for (n, v) in PURCHASE_0200 {
        let _ = b.set(n, v);
    }
    b
}

/// Encoding: bitmap, prefixes and value conversion into the caller's buffer.
fn encode(b: &MessageBuilder<'_, '_>, buf: &mut [u8]) -> usize {
    b.encode_to_slice(buf).map_or(0, <[u8]>::len)
}

/// The baseline for encoding: copy the same field values into a buffer.
fn copy_fields(buf: &mut [u8]) -> usize {
    let mut pos = 0;
    for (_, v) in PURCHASE_0200 {
        if let Some(dest) = buf.get_mut(pos..pos + v.len()) {
            dest.copy_from_slice(black_box(v));
        }
        pos += v.len();
    }
    pos
}

fn bench(c: &mut Criterion) {
    for spec in [&ISO87BINARY, &ISO87ASCII] {
        let data = purchase_0200(spec);
        let mut group = c.benchmark_group(format!("iso8583/{}/0200", spec.name));
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_function("byte_loop", |b| b.iter(|| byte_loop(black_box(&data))));
        group.bench_function("parse_read_all", |b| {
            b.iter(|| parse_and_read(spec, black_box(&data)))
        });
        group.bench_function("parse_access", |b| {
            b.iter(|| parse_and_access(spec, black_box(&data)))
        });
        let mut index = FieldIndex::new();
        group.bench_function("parse_in_access", |b| {
            b.iter(|| parse_in_and_access(&mut index, spec, black_box(&data)))
        });
        group.bench_function("parse_serde_struct", |b| {
            b.iter(|| typed(spec, black_box(&data)))
        });
        group.bench_function("parse_serde_views", |b| {
            b.iter(|| viewed(spec, black_box(&data)))
        });
        group.bench_function("parse_only", |b| {
            b.iter(|| MessageRef::parse(spec, black_box(&data)).map(|m| m.mti()))
        });
        let mut buf = [0u8; 512];
        group.bench_function("copy_fields", |b| {
            b.iter(|| copy_fields(black_box(&mut buf)))
        });
        let prepared = builder(spec);
        group.bench_function("encode", |b| {
            b.iter(|| encode(black_box(&prepared), black_box(&mut buf)))
        });
        group.bench_function("set_20_and_encode", |b| {
            b.iter(|| encode(&builder(black_box(spec)), black_box(&mut buf)))
        });
        group.finish();
    }
}

/// Prints the ratios the project sets limits on (benches/README.md), measured in this run.
fn ratio_report() {
    println!("iso8583 ratios measured on: {}", paywire_benches::machine());
    for spec in [&ISO87BINARY, &ISO87ASCII] {
        let data = purchase_0200(spec);
        let prepared = builder(spec);
        let mut buf = [0u8; 512];
        let mut out = [0u8; 512];
        let mut index = FieldIndex::new();
        // Both mappings read the same values (a sum over them, not zero).
        let (serde_sum, hand_sum) = (typed(spec, &data), typed_by_hand(spec, &data));
        assert!(
            serde_sum != 0 && serde_sum == hand_sum,
            "{serde_sum} {hand_sum}"
        );
        let [
            base,
            parsed,
            touched,
            parsed_only,
            copied,
            encoded,
            accessed,
            accessed_in,
            mapped,
            by_hand,
            views,
        ] = best_of_each(
            100_000,
            &mut [
                &mut || byte_loop(&data),
                &mut || parse_and_read(spec, &data),
                &mut || parse_and_touch(spec, &data),
                &mut || MessageRef::parse(spec, &data).map_or(0, |m| u64::from(m.mti().number())),
                &mut || copy_fields(&mut buf) as u64,
                &mut || encode(&prepared, &mut out) as u64,
                &mut || parse_and_access(spec, &data),
                &mut || parse_in_and_access(&mut index, spec, &data),
                &mut || typed(spec, &data),
                &mut || typed_by_hand(spec, &data),
                &mut || viewed(spec, &data),
            ],
        )[..]
        else {
            continue;
        };
        println!(
            "iso8583 {} ratio: parse + access every field (limit 3.00): into a kept index \
             (parse_in) {accessed_in:.0} ns = {:.2}, into a fresh inline index (parse) \
             {accessed:.0} ns = {:.2}, of a byte loop {base:.0} ns; encode {encoded:.0} ns / copy \
             {copied:.0} ns = {:.2} (limit 3.00)",
            spec.name,
            accessed_in / base,
            accessed / base,
            encoded / copied
        );
        println!(
            "iso8583 {} ratio: parse + serde into a 20-field struct {mapped:.0} ns / parse + \
             access {accessed:.0} ns = {:.2} (limit 1.50)",
            spec.name,
            mapped / accessed
        );
        println!(
            "iso8583 {} detail: parse + serde onto the same 20 fields as `Value` members (as \
             the wire holds them, nothing converted) {views:.0} ns = {:.2} of parse + access",
            spec.name,
            views / accessed
        );
        println!(
            "iso8583 {} detail: parse + the same struct filled by hand (what a derive of our own \
             would write) {by_hand:.0} ns: serde's own share {:.2}",
            spec.name,
            mapped / by_hand
        );
        println!(
            "iso8583 {} detail: parse alone {parsed_only:.0} ns = {:.2}; parse + every field's wire \
             bytes summed {touched:.0} ns = {:.2}; parse + every field's decoded value summed \
             {parsed:.0} ns = {:.2} (of the byte loop)",
            spec.name,
            parsed_only / base,
            touched / base,
            parsed / base
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    // `--profile-time` runs are for profilers: keep them to the selected bench.
    if !std::env::args().any(|a| a == "--profile-time") {
        ratio_report();
    }
    Criterion::default().configure_from_args().final_summary();
}
