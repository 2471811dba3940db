//! Parsing (with or without the one-pass visitor), walking, searching and printing allocate
//! nothing (the core needs no heap).
#![allow(
    clippy::unwrap_used,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::expect_used,
    reason = "a test program (no harness, so the in-tests allowances do not apply)"
)]

use std::alloc::System;
use std::fmt::Write as _;

use paywire_emv_tlv::{Encode, Tag, Tlvs};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

// This file runs as a plain program (no test harness), so no other thread allocates while it
// measures.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// A fixed-size `fmt::Write` target on the stack.
struct Buf {
    bytes: [u8; 2048],
    len: usize,
}

impl std::fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Run without the test harness (`harness = false` in Cargo.toml): the harness's own thread
/// can allocate while this one measures (a blocking channel wait does, and under load that
/// can land inside the measured region), and then the count is not this code's.
fn main() {
    reader_writer_and_pretty_do_not_allocate();
    println!("no_alloc: reader_writer_and_pretty_do_not_allocate ok");
}

fn reader_writer_and_pretty_do_not_allocate() {
    // EMVCo CPM Annex B.2 bytes.
    let bytes = hex::decode(concat!(
        "8505435056303161134F07A0000000555555500850726F647563743161134F07A0000000666666500850726F",
        "647563743262495A0812345678901234585F200E43415244484F4C4445522F454D565F2D08727565736465656E",
        "64219F100706010A030000009F2608584FD385FA234BCC9F360200019F37046D58EF13"
    ))
    .unwrap();
    let mut out = [0u8; 256];
    let mut text = Buf {
        bytes: [0; 2048],
        len: 0,
    };

    let region = Region::new(GLOBAL);
    let list = Tlvs::parse(&bytes).unwrap();
    let walked: usize = list.iter().map(|t| t.value_len()).sum();
    let mut visited = 0usize;
    Tlvs::parse_and_visit(&bytes, paywire_emv_tlv::DecodeOptions::EMV, |_, tlv| {
        visited += tlv.value_len();
    })
    .unwrap();
    let found = list.search(Tag::UNPREDICTABLE_NUMBER).unwrap().value_len();
    let encoded = list.encode_to_slice(&mut out).unwrap().len();
    let built = paywire_emv_tlv::build_to_slice(&mut out, |b| {
        b.constructed(Tag::APPLICATION_TEMPLATE, |b| {
            b.primitive(Tag::APPLICATION_IDENTIFIER, &[0xA0, 0, 0, 3, 0x33])?;
            Ok(())
        })?;
        Ok(())
    })
    .unwrap()
    .len();
    write!(text, "{}", list.describe()).unwrap();
    let stats = region.change();

    assert_eq!(
        stats.allocations + stats.reallocations,
        0,
        "allocations on the no-heap path"
    );
    assert_eq!(
        (walked, found, encoded, built),
        (5 + 19 + 19 + 73, 4, 124, 9)
    );
    // Every object's value, templates' and their children's alike.
    assert!(visited > walked);
    assert!(text.len > 0);
}
