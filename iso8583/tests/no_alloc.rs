//! Parse + field access and encode allocate nothing (the no-heap core: views borrow, builders write into slices).
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

use paywire_iso8583::builtin::ISO87BINARY;
use paywire_iso8583::framing::{Framing, Status};
use paywire_iso8583::{MessageBuilder, MessageRef, Mti};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

// This file runs as a plain program (no test harness), so no other thread allocates while it
// measures.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

struct Buf {
    bytes: [u8; 4096],
    len: usize,
}

impl std::fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(std::fmt::Error)?;
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
    parse_access_encode_and_frame_without_heap();
    println!("no_alloc: parse_access_encode_and_frame_without_heap ok");
}

fn parse_access_encode_and_frame_without_heap() {
    let icc = [0x9F, 0x26, 0x02, 0xAB, 0xCD];
    let mut buf = [0u8; 512];
    let mut framed = [0u8; 600];
    let mut text = Buf {
        bytes: [0; 4096],
        len: 0,
    };

    let region = Region::new(GLOBAL);
    let mut b = MessageBuilder::new(&ISO87BINARY, Mti::FINANCIAL_REQUEST);
    b.set(2, b"6212345678901234567").unwrap();
    b.set(3, b"000000").unwrap();
    b.set_padded(4, b"12345").unwrap();
    b.set(11, b"000172").unwrap();
    b.set(35, b"6212345678901234567=2812101").unwrap();
    b.set(41, b"50080001").unwrap();
    b.set(55, &icc).unwrap();
    let bytes = b
        .encode_with_mac(&mut buf, |_, mac| {
            mac.fill(0x11);
            Ok(())
        })
        .unwrap();
    let m = MessageRef::parse(&ISO87BINARY, bytes).unwrap();
    let sum: u64 = m
        .fields()
        .map(|f| f.value().iter().map(u64::from).sum::<u64>())
        .sum();
    let amount = m.amount().unwrap();
    let tlv = m.icc_data().unwrap().unwrap();
    let cryptogram = tlv
        .find(paywire_emv_tlv::Tag::APPLICATION_CRYPTOGRAM)
        .unwrap()
        .value()
        .len();
    let mac_input = m.mac_input().unwrap().len();
    // The same message through a field index kept by the caller.
    let mut index = paywire_iso8583::FieldIndex::new();
    let kept = MessageRef::parse_in(&mut index, &ISO87BINARY, bytes).unwrap();
    let kept_sum: u64 = kept
        .fields()
        .map(|f| f.value().iter().map(u64::from).sum::<u64>())
        .sum();
    write!(text, "{}{}", m.describe(), m.pan().unwrap()).unwrap();
    let mut w = paywire_iso8583::SliceWriter::new(&mut framed);
    Framing::LEN2.encode(&[], bytes, &mut w).unwrap();
    let Status::Complete(frame) = Framing::LEN2.decode(w.finish()).unwrap() else {
        panic!()
    };
    let stats = region.change();

    assert_eq!(
        stats.allocations + stats.reallocations,
        0,
        "allocations on the no-heap path"
    );
    assert_eq!((amount, cryptogram, frame.message), (12345, 2, bytes));
    assert_eq!(mac_input, bytes.len() - 8);
    assert!(sum > 0 && text.len > 0);
    assert_eq!(kept_sum, sum);
}
