//! iso8583 framing: decoding never panics; a complete frame re-encodes to the bytes it took.
#![no_main]

use paywire_iso8583::framing::{Framing, Status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let framings = [
        Framing::LEN2,
        Framing::LEN2_INCLUSIVE,
        Framing::LEN4_ASCII,
        Framing::LEN2_BCD,
        Framing::VMLH,
        Framing::LEN2_TPDU,
        Framing::CUPS,
        Framing::LEN2.delimited(0x03),
        Framing::new(None).with_header(2).delimited(b'\n'),
    ];
    for framing in framings {
        match framing.decode(data) {
            Ok(Status::Complete(frame)) => {
                assert!(frame.consumed <= data.len());
                let mut out = Vec::new();
                framing.encode(frame.header, frame.message, &mut out).expect("re-encodes");
                assert_eq!(out, &data[..frame.consumed]);
            }
            Ok(Status::Partial { needed }) => assert!(needed > 0),
            Err(_) => {}
        }
    }
});
