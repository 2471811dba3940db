//! emvqr: any text parses or fails cleanly; the one-pass parse_and_validate agrees with parse then
//! validate; accepted payloads validate (EMVCo and every national profile) and give their typed
//! profile fields without panicking, and re-encode to the same text (CRC case normalised); CPM
//! decoding never panics; the streaming nom parser agrees with `PayloadRef::parse`.
#![no_main]

use paywire_emvqr::profile::{self, Profile};
use paywire_emvqr::{Object, ParseOptions, PayloadRef, Rules, cpm};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The streaming nom parser accepts only what PayloadRef::parse accepts, up to object 63.
    if let Ok((rest, p)) = paywire_emvqr::nom::payload::<nom::error::Error<&str>>(text) {
        let consumed = &text[..text.len() - rest.len()];
        assert_eq!(PayloadRef::parse(consumed), Ok(p));
    }
    let mut buf = [0u8; 1024];
    if let Ok(payload) = cpm::CpmRef::parse(text, &mut buf) {
        payload.validate(|_| {});
        let _ = payload.applications().count();
    }
    for options in [ParseOptions::default(), ParseOptions::default().with_crc_check(false)] {
        let mut fused = Vec::new();
        let one = PayloadRef::parse_and_validate(text, options, |i| fused.push(i));
        let two = PayloadRef::parse_with(text, options);
        assert_eq!(one, two, "parse_and_validate and parse_with disagree");
        if let Ok(payload) = two {
            assert_eq!(fused, payload.issues(Rules::Emvco), "different findings");
        }
    }
    let Ok(payload) = PayloadRef::parse_with(text, ParseOptions::default().with_crc_check(false)) else {
        return;
    };
    let _ = payload.issues(Rules::Emvco);
    for p in Profile::ALL {
        payload.validate(Rules::Profile(p), |_| {});
    }
    let _ = (profile::pix(&payload), profile::vietqr(&payload), profile::paynow(&payload));
    let _ = (profile::qris(&payload), profile::duitnow(&payload), profile::bharatqr(&payload));
    let _ = (profile::fps(&payload), profile::detect(&payload));
    let objects: Vec<Object> = payload.objects().map(|o| Object::from_ref(&o)).collect();
    let again = paywire_emvqr::encode(&objects).expect("a parsed payload re-encodes");
    if payload.crc_ok() {
        let (head, crc) = text.split_at(text.len() - 4);
        assert_eq!(again, format!("{head}{}", crc.to_ascii_uppercase()));
    }
    assert!(PayloadRef::parse(&again).is_ok());
});
