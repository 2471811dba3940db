//! A terminal's card and QR job as bare-metal firmware for a Cortex-M3 (the LM3S6965 of QEMU's
//! `lm3s6965evb`), with no allocator: working keys out of a sign-in's field 62, the published
//! 0200 with its PIN block and MAC, that MAC checked as an answer's would be, and the published
//! Pix code validated and turned into a QR matrix — the work of `paywire-example-no-heap`.
//!
//! Each step runs on a painted stack: the free stack below the step's frame is filled with a
//! pattern first, and the lowest word the step overwrote gives its deepest stack use. The
//! results and each step's depth go out by semihosting; `.ci/firmware.sh` runs it in QEMU,
//! checks the results against the published values and prints the table.
#![no_std]
#![no_main]
// Painting and scanning the stack reads and writes memory by address.
#![allow(unsafe_code)]
#![cfg_attr(
    not(any(feature = "card", feature = "qr")),
    allow(
        dead_code,
        unused_imports,
        reason = "the base build measures start-up alone"
    )
)]

use core::panic::PanicInfo;

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hio};
#[cfg(feature = "card")]
use paywire::iso8583::MessageRef;
#[cfg(feature = "card")]
use paywire::unionpay::Key;
#[cfg(feature = "card")]
use paywire::unionpay::spec::CUPS_POS;
use paywire_example_no_heap as job;
use paywire_example_no_heap::Error;

const PATTERN: u32 = 0xA5A5_5A5A;

unsafe extern "C" {
    /// The end of the statics (cortex-m-rt): the stack may grow down to here.
    static __sheap: u32;
}

/// Fills the free stack below the caller's frame (keeping a margin for this function's own)
/// with the pattern.
#[inline(never)]
fn paint() {
    let bottom = (&raw const __sheap) as usize;
    let top = cortex_m::register::msp::read() as usize - 64;
    let mut at = bottom;
    while at < top {
        // SAFETY: between the end of the statics and below the current frame nothing lives.
        unsafe { (at as *mut u32).write_volatile(PATTERN) };
        at += 4;
    }
}

/// The lowest address written since `paint` (the first word, from the bottom, that lost the
/// pattern).
#[inline(never)]
fn low_water() -> usize {
    let bottom = (&raw const __sheap) as usize;
    let mut at = bottom;
    // SAFETY: reads of the painted area only.
    while unsafe { (at as *const u32).read_volatile() } == PATTERN {
        at += 4;
    }
    at
}

/// Runs `step` on a painted stack: its result and the bytes of stack it used below this
/// frame (the step runs in a frame of its own: nothing of it is allocated before the stack
/// pointer is read).
#[inline(never)]
fn measured<T>(step: impl FnOnce() -> T) -> (T, usize) {
    let sp = cortex_m::register::msp::read() as usize;
    paint();
    let result = call(step);
    (result, sp.saturating_sub(low_water()))
}

#[inline(never)]
fn call<T>(step: impl FnOnce() -> T) -> T {
    step()
}

/// A piece of an output line.
enum Part<'a> {
    Text(&'a str),
    /// Bytes as they are (ASCII text from a message).
    #[cfg_attr(not(feature = "card"), allow(dead_code))]
    Bytes(&'a [u8]),
    /// Bytes in upper-case hex.
    #[cfg_attr(not(feature = "card"), allow(dead_code))]
    Hex(&'a [u8]),
    Number(usize),
}
use Part::{Bytes, Hex, Number, Text};

/// Writes one line by semihosting, numbers in decimal — without `core::fmt`, whose machinery
/// would be most of the flash a measurement harness adds to the job it measures.
fn line(parts: &[Part<'_>]) {
    let mut buf = [0u8; 96];
    let mut n = 0usize;
    let mut put = |bytes: &[u8]| {
        for &b in bytes {
            if let Some(slot) = buf.get_mut(n) {
                *slot = b;
                n += 1;
            }
        }
    };
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            put(b" ");
        }
        match part {
            Text(text) => put(text.as_bytes()),
            Bytes(bytes) => put(bytes),
            Hex(bytes) => {
                const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
                for b in *bytes {
                    for nibble in [b >> 4, b & 0x0F] {
                        put(&[DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'?')]);
                    }
                }
            }
            Number(value) => {
                let mut digits = [0u8; 20];
                let mut at = digits.len();
                let mut rest = *value;
                loop {
                    at -= 1;
                    if let Some(d) = digits.get_mut(at) {
                        *d = b'0' + (rest % 10) as u8;
                    }
                    rest /= 10;
                    if rest == 0 || at == 0 {
                        break;
                    }
                }
                put(digits.get(at..).unwrap_or_default());
            }
        }
    }
    put(b"\n");
    if let Ok(mut out) = hio::hstdout() {
        let _ = out.write_all(buf.get(..n).unwrap_or_default());
    }
}

#[entry]
fn main() -> ! {
    let ok = run().is_ok();
    line(&[Text("result"), Text(if ok { "ok" } else { "error" })]);
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::wfi();
    }
}

fn run() -> Result<(), Error> {
    #[cfg(feature = "card")]
    card()?;
    #[cfg(feature = "qr")]
    qr()?;
    Ok(())
}

/// Sign-in keys, the 0200 with its MAC, the MAC checked.
#[cfg(feature = "card")]
fn card() -> Result<(), Error> {
    // Sign-in: the terminal master key, and an 0810's field 62 (scheme 003) with a PIK and
    // the MAK of the published 0200, each under the TMK with its check value: the PIK
    // 0123456789ABCDEFFEDCBA9876543210 (check value 08D7B4FB) and the single-length MAK
    // C24A8FB57AA20123 (right half zero; check value 0547DB3E). Made with an independent
    // implementation, OpenSSL 3.0: `openssl enc -des-ede-ecb -nopad -K <TMK>` of each key,
    // and of a zero block under each key for the check values (`-des-ecb` for the MAK).
    let tmk = Key::des_or_tdes(&[
        0x70, 0xF2, 0xA8, 0x4C, 0xCB, 0xC2, 0xAE, 0x86, 0x25, 0xCB, 0xB0, 0xF2, 0xC2, 0x2A, 0xB9,
        0x23,
    ])?;
    let field62 = [
        0x4C, 0x55, 0x57, 0x21, 0x12, 0x8E, 0xF4, 0x2B, 0x48, 0x2E, 0xF0, 0x1E, 0xB4, 0xBA, 0x66,
        0xAF, 0x08, 0xD7, 0xB4, 0xFB, 0x96, 0xD6, 0x05, 0xEA, 0x17, 0x6B, 0x7E, 0x9E, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x47, 0xDB, 0x3E,
    ];

    #[cfg(feature = "lifecycle")]
    sign_in_request()?;

    let (keys, depth) = measured(|| job::sign_in_keys(&tmk, &field62));
    let keys = keys?;
    line(&[Text("stack sign_in_keys"), Number(depth)]);
    line(&[Text("mak"), Hex(keys.mak.expose())]);

    // The published 0200 (blog.youkuaiyun.com/zhu244912654/article/details/80005341), its MAC
    // 8A9E91B8.
    let mut out = [0u8; 256];
    let pin_block = [0xAC, 0xF4, 0x6E, 0x73, 0x83, 0x8A, 0x82, 0xF9];
    let sale = job::swiped_sale(51, "001834", "4392260009942820=131210112008439", &pin_block);
    let (message, depth) = measured(|| job::purchase(&sale, &keys.mak, &mut out).map(<[u8]>::len));
    let len = message?;
    line(&[Text("stack purchase"), Number(depth)]);
    let mac = out.get(len.saturating_sub(8)..len).unwrap_or_default();
    line(&[Text("mac"), Bytes(mac)]);

    // The answer parsed with its field index inside the message (65 slots: fields up to 64, as
    // every cups-pos message), as a caller keeping the message on its stack holds it.
    let (parsed, depth) = measured(|| {
        MessageRef::<job::Index>::parse_with_slots(&CUPS_POS, out.get(..len).unwrap_or_default())
    });
    let stan = parsed?.stan();
    line(&[Text("stack parse"), Number(depth)]);
    line(&[Text("stan"), Number(stan.unwrap_or(0) as usize)]);

    let mut index = job::Index::empty();
    // The message checked as an answer would be: its MAC verifies under the MAK.
    let (checked, depth) =
        measured(|| job::check_answer(out.get(..len).unwrap_or_default(), &keys.mak, &mut index));
    checked?;
    line(&[Text("stack check_answer"), Number(depth)]);
    line(&[Text("mac verified")]);

    #[cfg(feature = "lifecycle")]
    reversal(&sale, &keys.mak, &mut index)?;
    Ok(())
}

/// The sign-in request, compared with the published one.
#[cfg(feature = "lifecycle")]
fn sign_in_request() -> Result<(), Error> {
    // The sign-in request: the published 0800 of Ajsgn/Java8583 QuickStart.java (its message,
    // after the frame's length, TPDU and header).
    let terminal = paywire::unionpay::txn::Terminal {
        terminal_id: "50080001",
        merchant_id: "309310083985008",
        batch: "000172",
    };
    let mut request = [0u8; 96];
    let (sent, depth) = measured(|| {
        job::sign_in_request(&terminal, "000172", Some(("170510", "0510")), &mut request)
            .map(<[u8]>::len)
    });
    let sent = sent?;
    line(&[Text("stack sign_in_request"), Number(depth)]);
    let published = include_str!("../../../iso8583/tests/vectors/cups-0800-signin.hex").trim();
    let same = request.get(..sent).is_some_and(|ours| {
        published.len() == 2 * (13 + ours.len())
            && ours.iter().enumerate().all(|(i, &b)| {
                let at = 2 * (13 + i);
                let pair = published.get(at..at + 2).unwrap_or("");
                u8::from_str_radix(pair, 16) == Ok(b)
            })
    });
    if same {
        line(&[Text("sign-in 0800 as published")]);
    }
    Ok(())
}

/// No answer in time: the reversal of the sale, its MAC checked as the host would, and the
/// sale it names (trace 001834, reason 98).
#[cfg(feature = "lifecycle")]
fn reversal(
    sale: &paywire::unionpay::txn::Purchase<'_>,
    mak: &Key,
    index: &mut job::Index,
) -> Result<(), Error> {
    let mut reversal = [0u8; 256];
    let (sent, depth) = measured(|| job::reversal(sale, mak, &mut reversal).map(<[u8]>::len));
    let sent = sent?;
    line(&[Text("stack reversal"), Number(depth)]);
    let bytes = reversal.get(..sent).unwrap_or_default();
    job::check_answer(bytes, mak, index)?;
    let m = MessageRef::parse_in(index, &CUPS_POS, bytes)?;
    let reason = m.value(39).and_then(|v| v.as_bytes()).unwrap_or_default();
    if m.mti().number() == 400 && m.stan() == Some(1834) && reason == b"98" {
        line(&[Text("reversal 0400 verified")]);
    }
    Ok(())
}

/// A merchant code validated and turned into a QR matrix.
#[cfg(feature = "qr")]
fn qr() -> Result<(), Error> {
    // The Pix code of bacen/pix-api#79.
    let pix = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
    // The two matrix buffers in statics, taken once, sized for the largest version the
    // terminal shows (job::MAX_VERSION: 992 bytes each, not version 40's 3,918).
    let (Some(modules), Some(work)) = (
        cortex_m::singleton!(: [u8; job::QR_BUFFER_LEN] = [0; job::QR_BUFFER_LEN]),
        cortex_m::singleton!(: [u8; job::QR_BUFFER_LEN] = [0; job::QR_BUFFER_LEN]),
    ) else {
        return Err(Error::InvalidCode);
    };
    let (matrix, depth) = measured(|| {
        job::show_code(pix, job::Rules::Profile(job::Profile::Pix), modules, work)
            .map(|m| (m.version(), m.size()))
    });
    let (version, size) = matrix?;
    line(&[Text("stack show_code"), Number(depth)]);
    line(&[
        Text("qr version"),
        Number(usize::from(version)),
        Text("size"),
        Number(size),
    ]);
    Ok(())
}

/// The LM3S6965's 44 interrupt vectors (IRQ 0, GPIO port A, to IRQ 43, the hibernation module:
/// vectors 16–59, as NuttX's table for the chip lists them, arch/arm/src/lm/chip/lm3s_vectors.h),
/// none used: the table a firmware for this chip links, in place of cortex-m-rt's generic 240
/// entries (0.8 KB).
#[unsafe(link_section = ".vector_table.interrupts")]
#[unsafe(no_mangle)]
static __INTERRUPTS: [unsafe extern "C" fn(); 44] = [unused_interrupt; 44];

/// No interrupt is enabled: one that fires stops the run.
unsafe extern "C" fn unused_interrupt() {
    debug::exit(debug::EXIT_FAILURE);
}

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    line(&[Text("panic")]);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
